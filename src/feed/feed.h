/*
 * Feeds: sources of events, each run in its own thread.
 *
 * A source implements td_feed_ops (one file per source: sim.c, replay.c,
 * later the websocket adapters).  td_feed owns the thread: it asks the source
 * for the next event, paces it to the wall clock by the event's exch_ns and
 * the speed (or not at all at speed 0), stamps recv_ns, and pushes it into the
 * ring.  When the ring is full the thread waits (a simulated or recorded
 * source loses nothing) and counts the stall.
 */
#ifndef TD_FEED_H
#define TD_FEED_H

#include <stdbool.h>
#include <stdint.h>

#include "../core/event.h"
#include "../core/ring.h"

typedef struct td_feed_ops {
	const char *name;  /* "sim", "replay" */
	/*
	 * Mandatory.  Fill *ev with the next event (exch_ns set; recv_ns is
	 * stamped by td_feed).  Returns 1 for an event, 0 at the end of the
	 * stream, -1 on an error that ends the stream (describe() says what).
	 * Events must come in non-decreasing exch_ns order.
	 */
	int (*next)(void *impl, td_event *ev);
	/* Mandatory.  Release the source. */
	void (*free)(void *impl);
	/* Optional (NULL: no detail).  The last error or a health note, or NULL. */
	const char *(*error)(void *impl);
} td_feed_ops;

typedef struct td_feed_stats {
	uint64_t events;   /* pushed into the ring */
	uint64_t stalls;   /* times the ring was full and the thread waited */
	bool done;         /* the source ended (EOF or error) */
	bool failed;       /* it ended on an error */
} td_feed_stats;

typedef struct td_feed td_feed;

/*
 * A feed over a source.  Takes ownership of impl (freed with ops->free by
 * td_feed_free).  speed: 1 = real time, 10 = ten times faster, 0 = as fast as
 * the ring allows.
 */
td_feed *td_feed_new(const td_feed_ops *ops, void *impl, td_ring *ring, double speed);

/* Start the thread; returns 0 or -1. */
int td_feed_start(td_feed *f);

/* Ask the thread to stop and join it.  Safe to call twice or before start. */
void td_feed_stop(td_feed *f);

void td_feed_free(td_feed *f);

/* Change the speed while running (the pacing re-anchors at the next event). */
void td_feed_set_speed(td_feed *f, double speed);
double td_feed_speed(const td_feed *f);

/* A snapshot of the counters; callable from any thread. */
td_feed_stats td_feed_get_stats(const td_feed *f);

/* The source's name. */
const char *td_feed_name(const td_feed *f);

/* The source's error text once the feed is done; NULL otherwise. Engine thread only after done. */
const char *td_feed_error(td_feed *f);

#endif
