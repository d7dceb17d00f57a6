/*
 * The feed thread.  It owns pacing so that every source (simulator, replay,
 * later live adapters) gets the same speed control: an event is due at
 *   wall0 + (exch_ns - exch0) / speed
 * where (wall0, exch0) is re-anchored whenever the speed changes.  The thread
 * sleeps in slices of at most 20 ms so a stop request is seen promptly even in
 * a long quiet stretch of a slow replay.
 */
#include "feed.h"

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

#define TD_FEED_SLICE_NS (20 * TD_NS_PER_MS)
#define TD_FEED_BATCH 256  /* events between notifications at full speed */

struct td_feed {
	const td_feed_ops *ops;
	void *impl;        /* owned */
	td_ring *ring;     /* borrowed */
	pthread_t thread;
	bool started;
	_Atomic bool stop;
	_Atomic double speed;
	_Atomic bool reanchor;
	_Atomic uint64_t events;
	_Atomic uint64_t stalls;
	_Atomic bool done;
	_Atomic bool failed;
};

td_feed *td_feed_new(const td_feed_ops *ops, void *impl, td_ring *ring, double speed)
{
	td_feed *f = calloc(1, sizeof(*f));
	if (!f)
		return NULL;
	f->ops = ops;
	f->impl = impl;
	f->ring = ring;
	atomic_init(&f->speed, speed < 0 ? 0 : speed);
	atomic_init(&f->reanchor, true);
	return f;
}

/* Sleep for ns (capped to one slice). */
static void nap(td_ns ns)
{
	if (ns > TD_FEED_SLICE_NS)
		ns = TD_FEED_SLICE_NS;
	struct timespec ts = { .tv_sec = 0, .tv_nsec = (long)ns };
	nanosleep(&ts, NULL);
}

/* Wait until the event's pacing deadline; false if asked to stop meanwhile. */
static bool pace(td_feed *f, const td_event *ev, td_mono *wall0, td_ns *exch0)
{
	double speed = atomic_load(&f->speed);
	if (atomic_exchange(&f->reanchor, false)) {
		*wall0 = td_mono_now();
		*exch0 = ev->exch_ns;
	}
	if (speed <= 0)
		return true;
	td_mono due = *wall0 + (td_mono)((double)(ev->exch_ns - *exch0) / speed);
	for (;;) {
		if (atomic_load_explicit(&f->stop, memory_order_relaxed))
			return false;
		td_mono now = td_mono_now();
		if (now >= due)
			return true;
		td_ring_notify(f->ring);
		nap(due - now);
		if (atomic_load(&f->reanchor))
			return pace(f, ev, wall0, exch0);
	}
}

/* Push, waiting while the ring is full; false if asked to stop meanwhile. */
static bool push(td_feed *f, td_event *ev)
{
	ev->recv_ns = td_now();
	while (!td_ring_push(f->ring, ev)) {
		atomic_fetch_add_explicit(&f->stalls, 1, memory_order_relaxed);
		td_ring_notify(f->ring);
		if (atomic_load_explicit(&f->stop, memory_order_relaxed))
			return false;
		nap(200 * TD_NS_PER_US);
		ev->recv_ns = td_now();
	}
	return true;
}

/* Thread body: next, pace, push, until the source ends or stop is asked. */
static void *feed_main(void *arg)
{
	td_feed *f = arg;
	td_mono wall0 = 0;
	td_ns exch0 = 0;
	unsigned batch = 0;
	int rc;
	td_event ev;
	while (!atomic_load_explicit(&f->stop, memory_order_relaxed)) {
		rc = f->ops->next(f->impl, &ev);
		if (rc <= 0) {
			atomic_store(&f->failed, rc < 0);
			break;
		}
		if (!pace(f, &ev, &wall0, &exch0) || !push(f, &ev))
			break;
		atomic_fetch_add_explicit(&f->events, 1, memory_order_relaxed);
		/* pace() notifies before it sleeps, so a burst of simultaneous
		 * events reaches the engine as one wake-up and one frame. */
		if (++batch >= TD_FEED_BATCH) {
			td_ring_notify(f->ring);
			batch = 0;
		}
	}
	atomic_store(&f->done, true);
	td_ring_notify(f->ring);
	return NULL;
}

/*
 * Start the thread with every signal blocked, so that SIGWINCH, SIGINT and
 * the rest interrupt the engine's poll() in the main thread, where they are
 * handled, and never land here.
 */
int td_feed_start(td_feed *f)
{
	if (f->started)
		return 0;
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	int rc = pthread_create(&f->thread, NULL, feed_main, f);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0)
		return -1;
	f->started = true;
	return 0;
}

void td_feed_stop(td_feed *f)
{
	if (!f || !f->started)
		return;
	atomic_store(&f->stop, true);
	pthread_join(f->thread, NULL);
	f->started = false;
}

void td_feed_free(td_feed *f)
{
	if (!f)
		return;
	td_feed_stop(f);
	f->ops->free(f->impl);
	free(f);
}

void td_feed_set_speed(td_feed *f, double speed)
{
	atomic_store(&f->speed, speed < 0 ? 0 : speed);
	atomic_store(&f->reanchor, true);
}

double td_feed_speed(const td_feed *f)
{
	return atomic_load(&f->speed);
}

td_feed_stats td_feed_get_stats(const td_feed *f)
{
	return (td_feed_stats){
		.events = atomic_load_explicit(&f->events, memory_order_relaxed),
		.stalls = atomic_load_explicit(&f->stalls, memory_order_relaxed),
		.done = atomic_load(&f->done),
		.failed = atomic_load(&f->failed),
	};
}

const char *td_feed_name(const td_feed *f)
{
	return f->ops->name;
}

const char *td_feed_error(td_feed *f)
{
	if (!atomic_load(&f->done) || !f->ops->error)
		return NULL;
	return f->ops->error(f->impl);
}
