/* The feed thread: order, pacing, stop, and errors, over a scripted source. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "feed/feed.h"

/* A source that yields n trades spaced `step` ns apart, then ends (or fails). */
typedef struct script {
	int n, i;
	td_ns step;
	bool fail;
} script;

static int script_next(void *impl, td_event *ev)
{
	script *s = impl;
	if (s->i == s->n)
		return s->fail ? -1 : 0;
	memset(ev, 0, sizeof(*ev));
	ev->type = TD_EV_TRADE;
	ev->exch_ns = 1000000 + (td_ns)s->i * s->step;
	ev->u.trade.size = s->i++;
	return 1;
}

static void script_free(void *impl)
{
	free(impl);
}

static const char *script_error(void *impl)
{
	return ((script *)impl)->fail ? "scripted failure" : NULL;
}

static const td_feed_ops script_ops = {
	.name = "script", .next = script_next, .free = script_free, .error = script_error,
};

static script *new_script(int n, td_ns step, bool fail)
{
	script *s = calloc(1, sizeof(*s));
	*s = (script){ .n = n, .step = step, .fail = fail };
	return s;
}

/* Pop everything until the feed is done; returns the events in out. */
static int collect(td_feed *f, td_ring *r, td_event *out, int max)
{
	int got = 0;
	for (;;) {
		bool done = td_feed_get_stats(f).done;
		size_t n = td_ring_pop(r, out + got, (size_t)(max - got));
		got += (int)n;
		if (n == 0 && done)
			return got;
		if (n == 0 && td_ring_arm(r)) {
			struct pollfd p = { .fd = td_ring_fd(r), .events = POLLIN };
			poll(&p, 1, 100);
			td_ring_drain_fd(r);
		}
	}
}

/* At full speed every event arrives once, in order, through a ring much
 * smaller than the stream (so the thread must wait on a full ring). */
static void test_full_speed_in_order(void **state)
{
	(void)state;
	enum { N = 20000 };
	td_ring *r = td_ring_new(64);
	td_feed *f = td_feed_new(&script_ops, new_script(N, 1000, false), r, 0);
	assert_int_equal(td_feed_start(f), 0);
	static td_event got[N];
	assert_int_equal(collect(f, r, got, N), N);
	for (int i = 0; i < N; i++) {
		assert_int_equal(got[i].u.trade.size, i);
		assert_true(got[i].recv_ns > 0);
	}
	td_feed_stats st = td_feed_get_stats(f);
	assert_int_equal(st.events, N);
	assert_false(st.failed);
	assert_null(td_feed_error(f));
	td_feed_free(f);
	td_ring_free(r);
}

/* At speed 2, events 20 ms apart in source time are handed over at least
 * 10 ms apart: recv_ns is stamped after the pacing wait, so the gap can only
 * be larger, never smaller, however loaded the machine. */
static void test_pacing_never_early(void **state)
{
	(void)state;
	enum { N = 6 };
	td_ring *r = td_ring_new(64);
	td_feed *f = td_feed_new(&script_ops, new_script(N, 20 * TD_NS_PER_MS, false), r, 2);
	td_feed_start(f);
	td_event got[N];
	assert_int_equal(collect(f, r, got, N), N);
	for (int i = 1; i < N; i++)
		assert_true(got[i].recv_ns - got[0].recv_ns >= (td_ns)i * 10 * TD_NS_PER_MS);
	td_feed_free(f);
	td_ring_free(r);
}

/* A stop request ends a feed that would otherwise wait an hour. */
static void test_stop_while_waiting(void **state)
{
	(void)state;
	td_ring *r = td_ring_new(64);
	td_feed *f = td_feed_new(&script_ops, new_script(3, 3600 * TD_NS_PER_SEC, false), r, 1);
	td_feed_start(f);
	td_event ev;
	while (td_ring_pop(r, &ev, 1) == 0)
		;
	td_feed_stop(f);
	assert_int_equal(td_feed_get_stats(f).events, 1);
	td_feed_stop(f);
	td_feed_free(f);
	td_ring_free(r);
}

static void test_source_failure_is_reported(void **state)
{
	(void)state;
	td_ring *r = td_ring_new(64);
	td_feed *f = td_feed_new(&script_ops, new_script(5, 1, true), r, 0);
	td_feed_start(f);
	td_event got[8];
	assert_int_equal(collect(f, r, got, 8), 5);
	assert_true(td_feed_get_stats(f).failed);
	assert_string_equal(td_feed_error(f), "scripted failure");
	td_feed_free(f);
	td_ring_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_speed_in_order),
		cmocka_unit_test(test_pacing_never_early),
		cmocka_unit_test(test_stop_while_waiting),
		cmocka_unit_test(test_source_failure_is_reported),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
