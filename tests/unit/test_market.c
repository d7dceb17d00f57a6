/* Market state: prints, VWAP, the sorted depth-limited book, the tape ring. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "near.h"

#include <math.h>
#include <string.h>

#include "engine/market.h"

static td_registry *reg;
static uint32_t spy, es;

static int setup(void **state)
{
	(void)state;
	reg = td_registry_new(16);
	td_instrument a = { .kind = TD_INS_EQUITY, .symbol = "SPY", .px = { 1, 2 }, .multiplier = 1, .underlying = TD_NO_ID };
	td_instrument b = { .kind = TD_INS_FUTURE, .symbol = "ES", .px = { 25, 2 }, .multiplier = 50, .underlying = TD_NO_ID };
	spy = td_registry_add(reg, &a);
	es = td_registry_add(reg, &b);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	td_registry_free(reg);
	return 0;
}

static td_event trade(uint32_t id, td_ticks px, int64_t size, td_side side, td_ns t)
{
	td_event e = { .type = TD_EV_TRADE, .instr = id, .exch_ns = t };
	e.u.trade = (td_ev_trade){ px, size, (uint8_t)side };
	return e;
}

static td_event level(uint32_t id, td_side side, td_ticks px, int64_t size)
{
	td_event e = { .type = TD_EV_LEVEL, .instr = id };
	e.u.level = (td_ev_level){ px, size, (uint8_t)side };
	return e;
}

/* 100 @ 10.00 B, 200 @ 10.10 S, 300 @ 9.90 B:
 * VWAP = (1000 + 2020 + 2970) / 600 = 9.98333..., by hand. */
static void test_prints_and_vwap(void **state)
{
	(void)state;
	td_market *m = td_market_new(reg);
	assert_true(isnan(td_market_vwap(m, spy)));
	td_market_apply(m, &(td_event){ 0 });
	assert_int_equal(td_market_stats_get(m)->rejected, 1);
	td_event t1 = trade(spy, 1000, 100, TD_SIDE_BUY, 1), t2 = trade(spy, 1010, 200, TD_SIDE_SELL, 2),
		 t3 = trade(spy, 990, 300, TD_SIDE_BUY, 3);
	assert_true(td_market_apply(m, &t1));
	assert_true(td_market_apply(m, &t2));
	assert_true(td_market_apply(m, &t3));
	const td_quote_state *q = td_market_get(m, spy);
	assert_int_equal(q->volume, 600);
	assert_int_equal(q->buy_volume, 400);
	assert_int_equal(q->sell_volume, 200);
	assert_int_equal(q->trades, 3);
	assert_int_equal(q->last, 990);
	assert_int_equal(q->ref, 1000);
	assert_int_equal(q->high, 1010);
	assert_int_equal(q->low, 990);
	assert_near(td_market_vwap(m, spy), 5990.0 / 600.0, 1e-9);
	/* ES ticks are 0.25: 4 ticks of 0.25 = 1.00 */
	td_event t4 = trade(es, 20000, 2, TD_SIDE_BUY, 4), t5 = trade(es, 20004, 2, TD_SIDE_SELL, 5);
	td_market_apply(m, &t4);
	td_market_apply(m, &t5);
	assert_near(td_market_vwap(m, es), 5000.5, 1e-9);
	td_market_free(m);
}

static void test_unknown_instrument_rejected(void **state)
{
	(void)state;
	td_market *m = td_market_new(reg);
	td_event bad = trade(99, 1, 1, TD_SIDE_BUY, 1);
	assert_false(td_market_apply(m, &bad));
	bad.type = 200;
	assert_false(td_market_apply(m, &bad));
	assert_int_equal(td_market_stats_get(m)->rejected, 2);
	assert_int_equal(td_market_stats_get(m)->events, 0);
	td_market_free(m);
}

/* Levels arrive in any order; each side stays sorted best-first and keeps
 * only the best TD_BOOK_DEPTH. */
static void test_book_sorted_and_limited(void **state)
{
	(void)state;
	td_market *m = td_market_new(reg);
	/* TD_BOOK_DEPTH + 5 levels 1000 down to 1000 - (N - 1), in a scrambled
	 * order (i * 7 mod N visits each once because 7 and N are coprime). */
	enum { N = TD_BOOK_DEPTH + 5 };
	_Static_assert(N % 7 != 0, "7 must be coprime with N");
	for (int i = 0; i < N; i++) {
		td_ticks px = 1000 - (i * 7) % N;
		td_event e = level(spy, TD_SIDE_BUY, px, (int64_t)px);
		td_market_apply(m, &e);
	}
	const td_quote_state *q = td_market_get(m, spy);
	assert_int_equal(q->bids.n, TD_BOOK_DEPTH);
	for (int i = 0; i < q->bids.n; i++) {
		assert_int_equal(q->bids.px[i], 1000 - i);
		assert_int_equal(q->bids.size[i], 1000 - i);
	}
	/* delete the best, change one size, delete one that is not there */
	td_event del = level(spy, TD_SIDE_BUY, 1000, 0), chg = level(spy, TD_SIDE_BUY, 995, 7),
		 none = level(spy, TD_SIDE_BUY, 500, 0);
	td_market_apply(m, &del);
	td_market_apply(m, &chg);
	td_market_apply(m, &none);
	assert_int_equal(q->bids.n, TD_BOOK_DEPTH - 1);
	assert_int_equal(q->bids.px[0], 999);
	assert_int_equal(q->bids.size[4], 7);
	/* asks ascend */
	td_event a1 = level(spy, TD_SIDE_SELL, 1003, 5), a2 = level(spy, TD_SIDE_SELL, 1001, 6);
	td_market_apply(m, &a1);
	td_market_apply(m, &a2);
	assert_int_equal(q->asks.px[0], 1001);
	assert_int_equal(q->asks.px[1], 1003);
	/* an L1 quote at 997/1003 removes bids above 997 and asks below 1003 */
	td_event qe = { .type = TD_EV_QUOTE, .instr = spy };
	qe.u.quote = (td_ev_quote){ 997, 1003, 10, 10 };
	td_market_apply(m, &qe);
	assert_int_equal(q->bids.px[0], 997);
	assert_int_equal(q->asks.px[0], 1003);
	assert_int_equal(q->bid, 997);
	td_market_free(m);
}

/* The tape keeps the newest TD_TAPE_LEN prints, newest first. */
static void test_tape_ring(void **state)
{
	(void)state;
	td_market *m = td_market_new(reg);
	assert_null(td_market_print(m, 0));
	size_t n = TD_TAPE_LEN + 5;
	for (size_t i = 0; i < n; i++) {
		td_event e = trade(spy, 1000 + (td_ticks)i, 1, TD_SIDE_BUY, (td_ns)i);
		td_market_apply(m, &e);
	}
	assert_int_equal(td_market_print_count(m), TD_TAPE_LEN);
	assert_int_equal(td_market_print(m, 0)->exch_ns, (td_ns)(n - 1));
	assert_int_equal(td_market_print(m, TD_TAPE_LEN - 1)->exch_ns, (td_ns)(n - TD_TAPE_LEN));
	assert_null(td_market_print(m, TD_TAPE_LEN));
	td_market_free(m);
}

static void test_status_events(void **state)
{
	(void)state;
	td_market *m = td_market_new(reg);
	td_event s = { .type = TD_EV_STATUS, .exch_ns = 77 };
	s.u.status = (td_ev_status){ .kind = TD_ST_PHASE, .phase = TD_PHASE_REGULAR };
	td_market_apply(m, &s);
	s.u.status = (td_ev_status){ .kind = TD_ST_GAP, .code = 12 };
	td_market_apply(m, &s);
	s.u.status = (td_ev_status){ .kind = TD_ST_FEED_DOWN };
	td_market_apply(m, &s);
	const td_market_stats *st = td_market_stats_get(m);
	assert_int_equal(st->phase, TD_PHASE_REGULAR);
	assert_int_equal(st->gaps, 12);
	assert_true(st->feed_down);
	assert_int_equal(st->clock, 77);
	td_market_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prints_and_vwap),
		cmocka_unit_test(test_unknown_instrument_rejected),
		cmocka_unit_test(test_book_sorted_and_limited),
		cmocka_unit_test(test_tape_ring),
		cmocka_unit_test(test_status_events),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
