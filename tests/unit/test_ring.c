/* SPSC ring: capacity, wrap-around, full ring, and a two-thread hammer. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <poll.h>
#include <pthread.h>
#include <string.h>

#include "core/ring.h"

static td_event ev_seq(uint64_t i)
{
	td_event e;
	memset(&e, 0, sizeof(e));
	e.type = TD_EV_TRADE;
	e.instr = (uint32_t)(i % 7);
	e.exch_ns = (td_ns)i;
	e.u.trade.px = (td_ticks)(i * 3);
	e.u.trade.size = (int64_t)(i ^ 0x55);
	return e;
}

static void test_capacity_rounds_up(void **state)
{
	(void)state;
	td_ring *r = td_ring_new(1000);
	assert_non_null(r);
	assert_int_equal(td_ring_capacity(r), 1024);
	td_ring_free(r);
	assert_null(td_ring_new(0));
}

static void test_full_and_wrap(void **state)
{
	(void)state;
	td_ring *r = td_ring_new(8);
	td_event out[8];
	uint64_t next_in = 0, next_out = 0;
	/* Fill, drain part, refill across the end of the array several times. */
	for (int round = 0; round < 10; round++) {
		for (;;) {
			td_event e = ev_seq(next_in);
			if (!td_ring_push(r, &e))
				break;
			next_in++;
		}
		assert_int_equal(td_ring_count(r), 8);
		size_t n = td_ring_pop(r, out, 5);
		assert_int_equal(n, 5);
		for (size_t i = 0; i < n; i++, next_out++)
			assert_int_equal(out[i].exch_ns, (td_ns)next_out);
		assert_int_equal(td_ring_count(r), 3);
	}
	size_t n = td_ring_pop(r, out, 8);
	assert_int_equal(n, 3);
	for (size_t i = 0; i < n; i++, next_out++)
		assert_int_equal(out[i].exch_ns, (td_ns)next_out);
	assert_int_equal(td_ring_pop(r, out, 8), 0);
	td_ring_free(r);
}

static void test_arm_refuses_when_not_empty(void **state)
{
	(void)state;
	td_ring *r = td_ring_new(4);
	assert_true(td_ring_arm(r));
	td_event e = ev_seq(1);
	assert_true(td_ring_push(r, &e));
	td_ring_notify(r);
	/* The consumer was armed, so the producer must have written the fd. */
	struct pollfd p = { .fd = td_ring_fd(r), .events = POLLIN };
	assert_int_equal(poll(&p, 1, 0), 1);
	td_ring_drain_fd(r);
	assert_false(td_ring_arm(r));
	td_ring_free(r);
}

#define HAMMER_N 2000000u

struct hammer {
	td_ring *r;
};

static void *producer(void *arg)
{
	struct hammer *h = arg;
	for (uint64_t i = 0; i < HAMMER_N; i++) {
		td_event e = ev_seq(i);
		while (!td_ring_push(h->r, &e))
			td_ring_notify(h->r);
		if ((i & 63) == 0)
			td_ring_notify(h->r);
	}
	td_ring_notify(h->r);
	return NULL;
}

/* Every event arrives exactly once, in order, with all its fields intact,
 * while the consumer sleeps in poll() whenever the ring is empty. */
static void test_two_thread_hammer(void **state)
{
	(void)state;
	struct hammer h = { .r = td_ring_new(256) };
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, producer, &h), 0);
	td_event buf[64];
	uint64_t expect = 0;
	while (expect < HAMMER_N) {
		size_t n = td_ring_pop(h.r, buf, 64);
		for (size_t i = 0; i < n; i++, expect++) {
			td_event want = ev_seq(expect);
			if (memcmp(&buf[i], &want, sizeof(want)) != 0)
				fail_msg("event %llu out of order or damaged", (unsigned long long)expect);
		}
		if (n == 0 && td_ring_arm(h.r)) {
			struct pollfd p = { .fd = td_ring_fd(h.r), .events = POLLIN };
			/* A lost wake-up would hang here: the timeout turns it into a failure. */
			assert_int_equal(poll(&p, 1, 10000), 1);
			td_ring_drain_fd(h.r);
		}
	}
	pthread_join(t, NULL);
	assert_int_equal(td_ring_pop(h.r, buf, 64), 0);
	td_ring_free(h.r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_capacity_rounds_up),
		cmocka_unit_test(test_full_and_wrap),
		cmocka_unit_test(test_arm_refuses_when_not_empty),
		cmocka_unit_test(test_two_thread_hammer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
