/*
 * Unit tests for src/oms/spike.c.  Every move is worked by hand as
 * (high - low) / low over the window, with a 2 % limit, a 60 s window and a
 * 300 s cooldown unless a test says otherwise; times are whole seconds after
 * T0, which is a multiple of every bucket width used.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "near.h"
#include "oms/spike.h"

#define T0 (1800000000LL * TD_NS_PER_SEC)
#define AT(s) (T0 + (td_ns)((s) * TD_NS_PER_SEC))

static td_spike_info state_at(const td_spike *s, uint32_t instr, double secs)
{
	td_spike_info i;
	td_spike_state(s, instr, AT(secs), &i);
	return i;
}

/* 100 then 101 within 30 s is 1 %: under the limit.  102.5 ten seconds later makes 2.5 %: tripped. */
static void test_trips_above_the_limit(void **state)
{
	(void)state;
	td_spike *s = td_spike_new(3, 60, 2, 300);
	assert_non_null(s);
	td_spike_trade(s, 0, 100, AT(0));
	td_spike_trade(s, 0, 101, AT(30));
	td_spike_info i = state_at(s, 0, 30);
	assert_false(i.tripped);
	assert_true(i.traded);
	assert_near(i.move_pct, 1.0, 1e-9);
	assert_int_equal(i.window_s, 60);
	assert_near(i.limit_pct, 2.0, 0);

	td_spike_trade(s, 0, 102.5, AT(40));
	i = state_at(s, 0, 40);
	assert_true(i.tripped);
	assert_near(i.move_pct, 2.5, 1e-9);
	/* the move holds until the 100 leaves the window at 60 s, then 300 s of cooldown */
	assert_int_equal(i.until, AT(360));
	assert_int_equal(i.at, AT(40));
	/* other instruments are untouched */
	assert_false(state_at(s, 1, 40).tripped);
	assert_false(state_at(s, 1, 40).traded);
	assert_false(state_at(s, 2, 40).tripped);
	td_spike_free(s);
}

/* Tripped through the whole cooldown, clear after it; no trade is needed for it to clear. */
static void test_cooldown(void **state)
{
	(void)state;
	td_spike *s = td_spike_new(1, 60, 2, 300);
	td_spike_trade(s, 0, 100, AT(0));
	td_spike_trade(s, 0, 102.5, AT(40));
	td_spike_info i = state_at(s, 0, 100);
	assert_true(i.tripped);
	assert_false(i.traded);   /* both prints have left the window, the pause has not */
	assert_true(state_at(s, 0, 359.999).tripped);
	assert_false(state_at(s, 0, 360).tripped);
	i = state_at(s, 0, 400);
	assert_int_equal(i.until, 0);
	assert_near(i.move_pct, 0, 0);
	td_spike_free(s);

	/* cooldown 0: tripped exactly while the move is inside the window */
	s = td_spike_new(1, 60, 2, 0);
	td_spike_trade(s, 0, 100, AT(0));
	td_spike_trade(s, 0, 102.5, AT(40));
	assert_true(state_at(s, 0, 59.999).tripped);
	assert_false(state_at(s, 0, 60).tripped);
	td_spike_free(s);
}

/*
 * A move that goes on keeps the pause going.  After 100 (0 s), 101 (30 s)
 * and 102.5 (40 s): 102.6 at 50 s makes 2.6 % with the 100 still the low,
 * so the move still ends at 60 s.  105 at 100 s: the window (40, 100] holds
 * 102.6 and 105, (105 - 102.6) / 102.6 = 2.34 % > 2 %, and it lasts until
 * the 102.6 of 50 s leaves at 110 s: paused until 410 s.  The move shown is
 * the largest since it tripped, 2.6 %.
 */
static void test_move_goes_on(void **state)
{
	(void)state;
	td_spike *s = td_spike_new(1, 60, 2, 300);
	td_spike_trade(s, 0, 100, AT(0));
	td_spike_trade(s, 0, 101, AT(30));
	td_spike_trade(s, 0, 102.5, AT(40));
	td_spike_trade(s, 0, 102.6, AT(50));
	td_spike_info i = state_at(s, 0, 50);
	assert_near(i.move_pct, 2.6, 1e-9);
	assert_int_equal(i.until, AT(360));
	td_spike_trade(s, 0, 105, AT(100));
	i = state_at(s, 0, 100);
	assert_true(i.tripped);
	assert_near(i.move_pct, 2.6, 1e-9);
	assert_int_equal(i.until, AT(410));
	assert_true(state_at(s, 0, 409.999).tripped);
	assert_false(state_at(s, 0, 410).tripped);
	/* once clear, a new move starts a new episode with its own size */
	td_spike_trade(s, 0, 100, AT(500));
	td_spike_trade(s, 0, 97, AT(510));   /* (100 - 97) / 97 = 3.09 % */
	i = state_at(s, 0, 510);
	assert_true(i.tripped);
	assert_near(i.move_pct, 3.0 / 97 * 100, 1e-9);
	assert_int_equal(i.until, AT(860));
	td_spike_free(s);
}

/* The window is the current second and the 59 before it: a print 59 s old counts, one 60 s old has left. */
static void test_old_buckets_leave(void **state)
{
	(void)state;
	td_spike *s = td_spike_new(2, 60, 2, 300);
	td_spike_trade(s, 0, 100, AT(0));
	td_spike_trade(s, 0, 102.5, AT(59.5));
	assert_true(state_at(s, 0, 59.5).tripped);
	td_spike_trade(s, 1, 100, AT(0));
	td_spike_trade(s, 1, 102.5, AT(60));
	td_spike_info i = state_at(s, 1, 60);
	assert_false(i.tripped);
	assert_near(i.move_pct, 0, 0);
	/* the window slides with no trades: at 119 s it holds 102.5 (60 s) and 101 (70 s), at 120 s only the 101 */
	td_spike_trade(s, 1, 101, AT(70));
	assert_near(state_at(s, 1, 119).move_pct, 1.5 / 101 * 100, 1e-9);
	assert_near(state_at(s, 1, 120).move_pct, 0, 0);
	assert_true(state_at(s, 1, 129.999).traded);
	assert_false(state_at(s, 1, 130).traded);
	td_spike_free(s);
}

/*
 * A steady rise of 0.01 a second from 100 (one print a second for 10
 * minutes) ends 6 % up, but a window of 60 prints spans at most 0.59 on a
 * low of at least 100: under 0.6 %.  At 600 s the window holds the prints
 * of 541 .. 600 s: (106 - 105.41) / 105.41.
 */
static void test_slow_rise_never_trips(void **state)
{
	(void)state;
	td_spike *s = td_spike_new(1, 60, 2, 300);
	for (int k = 0; k <= 600; k++) {
		td_spike_trade(s, 0, 100 + 0.01 * k, AT(k));
		if (state_at(s, 0, k).tripped)
			fail_msg("tripped at %d s", k);
	}
	assert_near(state_at(s, 0, 600).move_pct, 0.59 / 105.41 * 100, 1e-9);
	td_spike_free(s);
}

/* A print that arrives late but inside the window counts; one older than the window is ignored. */
static void test_late_prints(void **state)
{
	(void)state;
	td_spike *s = td_spike_new(2, 60, 2, 300);
	td_spike_trade(s, 0, 102.5, AT(100));
	td_spike_trade(s, 0, 100, AT(50));   /* 50 s before the last print: in the window */
	assert_true(state_at(s, 0, 100).tripped);
	td_spike_trade(s, 1, 102.5, AT(100));
	td_spike_trade(s, 1, 100, AT(40));   /* 60 s before: outside */
	assert_false(state_at(s, 1, 100).tripped);
	assert_near(state_at(s, 1, 100).move_pct, 0, 0);
	td_spike_free(s);
}

/* Over 120 s the buckets widen (600 s: 120 buckets of 5 s); the window still spans 600 s. */
static void test_long_window(void **state)
{
	(void)state;
	td_spike *s = td_spike_new(2, 600, 2, 300);
	td_spike_trade(s, 0, 100, AT(0));
	td_spike_trade(s, 0, 102.5, AT(597));
	td_spike_info i = state_at(s, 0, 597);
	assert_true(i.tripped);
	assert_int_equal(i.until, AT(900));   /* the 100's bucket [0, 5) leaves at 600 s */
	td_spike_trade(s, 1, 100, AT(0));
	td_spike_trade(s, 1, 102.5, AT(600));
	assert_false(state_at(s, 1, 600).tripped);
	td_spike_free(s);
}

/* Bad input changes nothing and crashes nothing; a limit of 0 never trips; bad parameters are refused. */
static void test_bad_input(void **state)
{
	(void)state;
	td_spike *s = td_spike_new(1, 60, 2, 300);
	td_spike_trade(s, 0, 100, AT(0));
	td_spike_trade(s, 0, 0, AT(1));
	td_spike_trade(s, 0, -5, AT(2));
	td_spike_trade(s, 0, NAN, AT(3));
	td_spike_trade(s, 0, INFINITY, AT(4));
	td_spike_trade(s, 7, 50, AT(5));
	td_spike_info i = state_at(s, 0, 5);
	assert_false(i.tripped);
	assert_near(i.move_pct, 0, 0);
	td_spike_state(s, 7, AT(5), &i);
	assert_false(i.tripped);
	assert_false(i.traded);
	td_spike_free(s);

	s = td_spike_new(1, 60, 0, 300);
	td_spike_trade(s, 0, 100, AT(0));
	td_spike_trade(s, 0, 150, AT(1));
	i = state_at(s, 0, 1);
	assert_false(i.tripped);
	assert_near(i.move_pct, 50, 1e-9);
	td_spike_free(s);

	assert_null(td_spike_new(1, 0, 2, 300));
	assert_null(td_spike_new(1, 60, 2, -1));
	assert_null(td_spike_new(1, 86401, 2, 300));
	td_spike_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_trips_above_the_limit),
		cmocka_unit_test(test_cooldown),
		cmocka_unit_test(test_move_goes_on),
		cmocka_unit_test(test_old_buckets_leave),
		cmocka_unit_test(test_slow_rise_never_trips),
		cmocka_unit_test(test_late_prints),
		cmocka_unit_test(test_long_window),
		cmocka_unit_test(test_bad_input),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
