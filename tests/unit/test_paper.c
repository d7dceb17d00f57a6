/*
 * Unit tests for src/oms/paper.c: the paper broker's fills against a book
 * and prints fed by hand.  Prices are in ticks of 0.01 (1000 = 10.00);
 * every expected figure is worked in the comments.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "near.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oms/paper.h"

static td_registry *reg;
static uint32_t eq, opt;   /* an equity (multiplier 1) and an option on it (100) */

static int setup(void **state)
{
	(void)state;
	reg = td_registry_new(4);
	td_instrument a = { .kind = TD_INS_EQUITY, .symbol = "XYZ", .px = { 1, 2 }, .multiplier = 1,
			    .underlying = TD_NO_ID };
	eq = td_registry_add(reg, &a);
	td_instrument o = { .kind = TD_INS_OPTION, .symbol = "XYZ   250117C00010000", .px = { 1, 2 },
			    .multiplier = 100, .underlying = eq };
	opt = td_registry_add(reg, &o);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	td_registry_free(reg);
	return 0;
}

/* A market, a paper broker on it, and the events polled last. */
typedef struct fx {
	td_market *m;
	td_broker b;
	td_broker_ev ev[256];
	size_t n;
} fx;

#define CASH 100000.0

static fx *fx_open_with(const td_paper_params *p)
{
	fx *f = calloc(1, sizeof *f);
	assert_non_null(f);
	f->m = td_market_new(reg);
	f->b = td_paper_new(f->m, reg, p);
	assert_non_null(f->b.impl);
	return f;
}

static fx *fx_open(void)
{
	td_paper_params p = { .max_orders = 16, .max_events = 256, .cash = CASH };
	return fx_open_with(&p);
}

static void fx_close(fx *f)
{
	f->b.ops->free(f->b.impl);
	td_market_free(f->m);
	free(f);
}

/* What the engine does with a market event: the market first, then the broker. */
static void feed(fx *f, td_event e)
{
	assert_true(td_market_apply(f->m, &e));
	f->b.ops->on_market(f->b.impl, &e);
}

static void level(fx *f, uint32_t id, td_side side, td_ticks px, int64_t size)
{
	td_event e = { .type = TD_EV_LEVEL, .instr = id };
	e.u.level = (td_ev_level){ px, size, (uint8_t)side };
	feed(f, e);
}

static void print(fx *f, uint32_t id, td_ticks px, int64_t size)
{
	td_event e = { .type = TD_EV_TRADE, .instr = id, .exch_ns = 1 };
	e.u.trade = (td_ev_trade){ px, size, TD_SIDE_NONE };
	feed(f, e);
}

static void phase(fx *f, td_phase ph)
{
	td_event e = { .type = TD_EV_STATUS };
	e.u.status = (td_ev_status){ .kind = TD_ST_PHASE, .phase = (uint8_t)ph };
	feed(f, e);
}

static td_order_req req(uint32_t id, td_side side, int64_t qty, td_order_type type, td_tif tif, td_ticks limit,
			td_ticks stop, int64_t trail)
{
	return (td_order_req){ .instr = id, .side = side, .qty = qty, .type = type, .tif = tif, .limit = limit,
			       .stop = stop, .trail = trail };
}

static td_order_req mkt(td_side side, int64_t qty)
{
	return req(eq, side, qty, TD_OT_MARKET, TD_TIF_DAY, TD_PX_NONE, TD_PX_NONE, 0);
}

static td_order_req lmt(td_side side, int64_t qty, td_ticks px, td_tif tif)
{
	return req(eq, side, qty, TD_OT_LIMIT, tif, px, TD_PX_NONE, 0);
}

static int place_rc(fx *f, const char *id, td_order_req r, char *err, size_t errlen)
{
	td_order o;
	td_order_init(&o, id, &r, 0);
	return f->b.ops->place(f->b.impl, &o, err, errlen);
}

static void place(fx *f, const char *id, td_order_req r)
{
	char err[128];
	assert_int_equal(place_rc(f, id, r, err, sizeof err), 0);
}

static void modify(fx *f, const char *id, int64_t qty, td_ticks limit, td_ticks stop)
{
	char err[128];
	assert_int_equal(f->b.ops->modify(f->b.impl, id, qty, limit, stop, err, sizeof err), 0);
}

static void cancel(fx *f, const char *id)
{
	char err[128];
	assert_int_equal(f->b.ops->cancel(f->b.impl, id, err, sizeof err), 0);
}

/* Poll everything; returns how many. */
static size_t take(fx *f)
{
	f->n = f->b.ops->poll(f->b.impl, f->ev, sizeof f->ev / sizeof f->ev[0]);
	return f->n;
}

static size_t working(const fx *f)
{
	td_paper_stats st;
	assert_int_equal(td_paper_stats_get(&f->b, &st), 0);
	return st.working;
}

#define EXPECT(e, ty, oid, q, p)                       \
	do {                                           \
		assert_int_equal((e).type, (ty));      \
		assert_string_equal((e).id, (oid));    \
		assert_int_equal((e).qty, (q));        \
		assert_int_equal((e).px, (p));         \
	} while (0)

#define EXPECT_WHY(e, ty, oid, text)                            \
	do {                                                    \
		assert_int_equal((e).type, (ty));               \
		assert_string_equal((e).id, (oid));             \
		assert_non_null(strstr((e).why, (text)));       \
	} while (0)

static void asks_10_00_to_10_02(fx *f)
{
	level(f, eq, TD_SIDE_SELL, 1000, 100);
	level(f, eq, TD_SIDE_SELL, 1001, 100);
	level(f, eq, TD_SIDE_SELL, 1002, 200);
}

/*
 * Buy 250 at market against 100 @ 10.00, 100 @ 10.01, 200 @ 10.02: 100,
 * 100 and 50 at those prices.  Cash: 100,000 - (1,000 + 1,001 + 501) =
 * 97,498.  The book is not changed by our fills, so a second buy of 100
 * fills at 10.00 again.
 */
static void test_market_walks_the_book(void **state)
{
	(void)state;
	fx *f = fx_open();
	asks_10_00_to_10_02(f);
	place(f, "m1", mkt(TD_SIDE_BUY, 250));
	assert_int_equal(take(f), 4);
	EXPECT(f->ev[0], TD_BEV_ACK, "m1", 0, TD_PX_NONE);
	EXPECT(f->ev[1], TD_BEV_FILL, "m1", 100, 1000);
	EXPECT(f->ev[2], TD_BEV_FILL, "m1", 100, 1001);
	EXPECT(f->ev[3], TD_BEV_FILL, "m1", 50, 1002);
	assert_int_equal(working(f), 0);
	td_broker_account a;
	assert_int_equal(f->b.ops->account(f->b.impl, &a), 0);
	assert_near(a.cash, 97498.0, 1e-6);
	assert_near(a.buying_power, a.cash, 0);
	place(f, "m2", mkt(TD_SIDE_BUY, 100));
	assert_int_equal(take(f), 2);
	EXPECT(f->ev[1], TD_BEV_FILL, "m2", 100, 1000);
	fx_close(f);
}

/* Sell 300 into bids 100 @ 9.99 and 50 @ 9.98: 150 filled, the other 150
 * end with the order (expired, saying the book ran out). */
static void test_market_thin_book(void **state)
{
	(void)state;
	fx *f = fx_open();
	level(f, eq, TD_SIDE_BUY, 999, 100);
	level(f, eq, TD_SIDE_BUY, 998, 50);
	place(f, "m1", mkt(TD_SIDE_SELL, 300));
	assert_int_equal(take(f), 4);
	EXPECT(f->ev[1], TD_BEV_FILL, "m1", 100, 999);
	EXPECT(f->ev[2], TD_BEV_FILL, "m1", 50, 998);
	EXPECT_WHY(f->ev[3], TD_BEV_EXPIRED, "m1", "book ran out after 2 levels: 150 not filled");
	assert_int_equal(working(f), 0);
	fx_close(f);
}

/* No book and no quote: a market order is refused.  An L1 quote alone is
 * one level: 40 @ 10.05 of a buy of 100. */
static void test_market_without_book(void **state)
{
	(void)state;
	fx *f = fx_open();
	print(f, eq, 1000, 10);
	place(f, "m1", mkt(TD_SIDE_BUY, 100));
	assert_int_equal(take(f), 1);
	EXPECT_WHY(f->ev[0], TD_BEV_REJECT, "m1", "no quotes");
	td_event q = { .type = TD_EV_QUOTE, .instr = eq };
	q.u.quote = (td_ev_quote){ 1000, 1005, 10, 40 };
	feed(f, q);
	place(f, "m2", mkt(TD_SIDE_BUY, 100));
	assert_int_equal(take(f), 3);
	EXPECT(f->ev[1], TD_BEV_FILL, "m2", 40, 1005);
	EXPECT_WHY(f->ev[2], TD_BEV_EXPIRED, "m2", "after 1 level: 60 not filled");
	fx_close(f);
}

static void test_rejects(void **state)
{
	(void)state;
	td_paper_params p = { .max_orders = 1, .max_events = 64, .cash = CASH };
	fx *f = fx_open_with(&p);
	asks_10_00_to_10_02(f);
	place(f, "x1", req(99, TD_SIDE_BUY, 1, TD_OT_MARKET, TD_TIF_DAY, TD_PX_NONE, TD_PX_NONE, 0));
	place(f, "x2", mkt(TD_SIDE_BUY, 0));
	place(f, "l1", lmt(TD_SIDE_BUY, 10, 900, TD_TIF_GTC));
	place(f, "l1", lmt(TD_SIDE_BUY, 10, 901, TD_TIF_GTC));
	place(f, "l2", lmt(TD_SIDE_BUY, 10, 902, TD_TIF_GTC));
	/* orders that cannot work on (market, IOC) need no working slot: they still go */
	place(f, "m1", mkt(TD_SIDE_BUY, 10));
	place(f, "i1", lmt(TD_SIDE_BUY, 10, 1000, TD_TIF_IOC));
	modify(f, "nope", 5, TD_PX_NONE, TD_PX_NONE);
	modify(f, "l1", 0, TD_PX_NONE, 880);
	assert_int_equal(take(f), 11);
	EXPECT_WHY(f->ev[0], TD_BEV_REJECT, "x1", "unknown instrument 99");
	EXPECT_WHY(f->ev[1], TD_BEV_REJECT, "x2", "quantity 0");
	EXPECT(f->ev[2], TD_BEV_ACK, "l1", 0, TD_PX_NONE);
	EXPECT_WHY(f->ev[3], TD_BEV_REJECT, "l1", "already working");
	EXPECT_WHY(f->ev[4], TD_BEV_REJECT, "l2", "1 orders working");
	EXPECT(f->ev[5], TD_BEV_ACK, "m1", 0, TD_PX_NONE);
	EXPECT(f->ev[6], TD_BEV_FILL, "m1", 10, 1000);
	EXPECT(f->ev[8], TD_BEV_FILL, "i1", 10, 1000);
	EXPECT_WHY(f->ev[9], TD_BEV_REJECT, "nope", "no working order");
	EXPECT_WHY(f->ev[10], TD_BEV_REJECT, "l1", "no stop");
	assert_int_equal(working(f), 1);
	fx_close(f);
}

/*
 * Buy 250 limit 10.01 against 100 @ 10.00, 100 @ 10.01, 200 @ 10.02: 100 @
 * 10.00 and 100 @ 10.01 at once, 50 rest at 10.01 with nobody displayed
 * ahead (no bid there).  A print of 30 @ 10.01 fills 30; a print of 100 @
 * 10.00 goes through the limit and fills the last 20, at the limit 10.01.
 */
static void test_limit_marketable_then_rests(void **state)
{
	(void)state;
	fx *f = fx_open();
	asks_10_00_to_10_02(f);
	level(f, eq, TD_SIDE_BUY, 999, 300);
	place(f, "l1", lmt(TD_SIDE_BUY, 250, 1001, TD_TIF_DAY));
	assert_int_equal(take(f), 3);
	EXPECT(f->ev[1], TD_BEV_FILL, "l1", 100, 1000);
	EXPECT(f->ev[2], TD_BEV_FILL, "l1", 100, 1001);
	assert_int_equal(working(f), 1);
	print(f, eq, 1001, 30);
	print(f, eq, 1000, 100);
	assert_int_equal(take(f), 2);
	EXPECT(f->ev[0], TD_BEV_FILL, "l1", 30, 1001);
	EXPECT(f->ev[1], TD_BEV_FILL, "l1", 20, 1001);
	assert_int_equal(working(f), 0);
	fx_close(f);
}

/* Sell 100 limit 10.05, resting above asks at 10.03: a print at 10.06 (through)
 * fills 60 of its 60 at 10.05; 10.04 is below the limit, nothing; 100 at
 * 10.07 fills the last 40. */
static void test_limit_trade_through(void **state)
{
	(void)state;
	fx *f = fx_open();
	level(f, eq, TD_SIDE_SELL, 1003, 100);
	level(f, eq, TD_SIDE_BUY, 1002, 100);
	place(f, "s1", lmt(TD_SIDE_SELL, 100, 1005, TD_TIF_GTC));
	assert_int_equal(take(f), 1);
	print(f, eq, 1006, 60);
	print(f, eq, 1004, 500);
	print(f, eq, 1007, 100);
	assert_int_equal(take(f), 2);
	EXPECT(f->ev[0], TD_BEV_FILL, "s1", 60, 1005);
	EXPECT(f->ev[1], TD_BEV_FILL, "s1", 40, 1005);
	fx_close(f);
}

/*
 * Buy 100 limit 9.99 joining 300 displayed at 9.99.  Prints at 9.99: 200
 * (100 left ahead), 150 (the 100 ahead trade, 50 are ours), 20 (ours), then
 * 1,000 (the last 30 of ours).
 */
static void test_queue_at_the_touch(void **state)
{
	(void)state;
	fx *f = fx_open();
	level(f, eq, TD_SIDE_BUY, 999, 300);
	level(f, eq, TD_SIDE_SELL, 1000, 300);
	place(f, "q1", lmt(TD_SIDE_BUY, 100, 999, TD_TIF_DAY));
	take(f);
	print(f, eq, 999, 200);
	assert_int_equal(take(f), 0);
	print(f, eq, 999, 150);
	assert_int_equal(take(f), 1);
	EXPECT(f->ev[0], TD_BEV_FILL, "q1", 50, 999);
	print(f, eq, 999, 20);
	print(f, eq, 999, 1000);
	assert_int_equal(take(f), 2);
	EXPECT(f->ev[0], TD_BEV_FILL, "q1", 20, 999);
	EXPECT(f->ev[1], TD_BEV_FILL, "q1", 30, 999);
	assert_int_equal(working(f), 0);
	fx_close(f);
}

/* A print through the price clears the queue ahead: buy 100 at 9.99 behind
 * 300, a print of 10 at 9.98 fills 10, and then a print of 5 at 9.99 fills 5. */
static void test_trade_through_clears_queue(void **state)
{
	(void)state;
	fx *f = fx_open();
	level(f, eq, TD_SIDE_BUY, 999, 300);
	place(f, "q1", lmt(TD_SIDE_BUY, 100, 999, TD_TIF_DAY));
	take(f);
	print(f, eq, 998, 10);
	print(f, eq, 999, 5);
	assert_int_equal(take(f), 2);
	EXPECT(f->ev[0], TD_BEV_FILL, "q1", 10, 999);
	EXPECT(f->ev[1], TD_BEV_FILL, "q1", 5, 999);
	fx_close(f);
}

/* One print is shared by our orders in the order they were placed: buys of
 * 20 and 50 at 10.00, a print of 30 at 9.99 gives the first 20, the second 10. */
static void test_print_shared(void **state)
{
	(void)state;
	fx *f = fx_open();
	place(f, "a", lmt(TD_SIDE_BUY, 20, 1000, TD_TIF_GTC));
	place(f, "b", lmt(TD_SIDE_BUY, 50, 1000, TD_TIF_GTC));
	take(f);
	print(f, eq, 999, 30);
	assert_int_equal(take(f), 2);
	EXPECT(f->ev[0], TD_BEV_FILL, "a", 20, 1000);
	EXPECT(f->ev[1], TD_BEV_FILL, "b", 10, 1000);
	fx_close(f);
}

/*
 * Buy stop 10.10 for 150: a print at 10.09 does nothing, one at 10.10
 * triggers a market buy: 100 @ 10.10, 50 @ 10.11.  Sell stop 9.90 for 100:
 * 9.91 nothing; 9.89 (through) triggers: 50 @ 9.90, 50 @ 9.89.
 */
static void test_stops(void **state)
{
	(void)state;
	fx *f = fx_open();
	level(f, eq, TD_SIDE_SELL, 1010, 100);
	level(f, eq, TD_SIDE_SELL, 1011, 100);
	level(f, eq, TD_SIDE_BUY, 990, 50);
	level(f, eq, TD_SIDE_BUY, 989, 100);
	place(f, "b1", req(eq, TD_SIDE_BUY, 150, TD_OT_STOP, TD_TIF_GTC, TD_PX_NONE, 1010, 0));
	place(f, "s1", req(eq, TD_SIDE_SELL, 100, TD_OT_STOP, TD_TIF_GTC, TD_PX_NONE, 990, 0));
	assert_int_equal(take(f), 2);
	print(f, eq, 1009, 10);
	print(f, eq, 991, 10);
	assert_int_equal(take(f), 0);
	print(f, eq, 1010, 10);
	assert_int_equal(take(f), 2);
	EXPECT(f->ev[0], TD_BEV_FILL, "b1", 100, 1010);
	EXPECT(f->ev[1], TD_BEV_FILL, "b1", 50, 1011);
	print(f, eq, 989, 10);
	assert_int_equal(take(f), 2);
	EXPECT(f->ev[0], TD_BEV_FILL, "s1", 50, 990);
	EXPECT(f->ev[1], TD_BEV_FILL, "s1", 50, 989);
	assert_int_equal(working(f), 0);
	fx_close(f);
}

/*
 * Sell 200 stop 9.90 limit 9.89 against bids 50 @ 9.90, 100 @ 9.89, 100 @
 * 9.88: the print at 9.90 triggers it, it takes 50 @ 9.90 and 100 @ 9.89 (not
 * 9.88, below the limit), and 50 rest at 9.89 with nobody ahead (no ask
 * there).  A print of 10 @ 9.89 fills 10; one at 9.90 (through) the last 40.
 */
static void test_stop_limit(void **state)
{
	(void)state;
	fx *f = fx_open();
	level(f, eq, TD_SIDE_BUY, 990, 50);
	level(f, eq, TD_SIDE_BUY, 989, 100);
	level(f, eq, TD_SIDE_BUY, 988, 100);
	place(f, "sl", req(eq, TD_SIDE_SELL, 200, TD_OT_STOP_LIMIT, TD_TIF_DAY, 989, 990, 0));
	take(f);
	print(f, eq, 991, 5);
	assert_int_equal(take(f), 0);
	print(f, eq, 990, 5);
	assert_int_equal(take(f), 2);
	EXPECT(f->ev[0], TD_BEV_FILL, "sl", 50, 990);
	EXPECT(f->ev[1], TD_BEV_FILL, "sl", 100, 989);
	assert_int_equal(working(f), 1);
	print(f, eq, 989, 10);
	print(f, eq, 990, 100);
	assert_int_equal(take(f), 2);
	EXPECT(f->ev[0], TD_BEV_FILL, "sl", 10, 989);
	EXPECT(f->ev[1], TD_BEV_FILL, "sl", 40, 989);
	fx_close(f);
}

/*
 * Sell trail of 5 ticks after a last print of 10.00: stop 9.95.  Highs
 * 10.03 and 10.10 lift it to 9.98 then 10.05; a pull-back to 10.06 leaves it
 * there (it never moves back), 10.05 triggers: a market sell into 100 @ 10.04.
 */
static void test_trailing_ticks(void **state)
{
	(void)state;
	fx *f = fx_open();
	level(f, eq, TD_SIDE_BUY, 1004, 100);
	print(f, eq, 1000, 1);
	place(f, "t1", req(eq, TD_SIDE_SELL, 100, TD_OT_TRAIL_AMOUNT, TD_TIF_GTC, TD_PX_NONE, TD_PX_NONE, 5));
	take(f);
	print(f, eq, 996, 1);   /* above 9.95 */
	print(f, eq, 1003, 1);
	print(f, eq, 999, 1);   /* above 9.98 */
	print(f, eq, 1010, 1);
	print(f, eq, 1006, 1);
	assert_int_equal(take(f), 0);
	print(f, eq, 1005, 1);
	assert_int_equal(take(f), 1);
	EXPECT(f->ev[0], TD_BEV_FILL, "t1", 100, 1004);
	fx_close(f);
}

/* A trail given a first stop of 9.99, tighter than its 5 ticks: a high of
 * 10.01 would put it at 9.96, so it stays at 9.99 and a print there triggers. */
static void test_trailing_first_stop(void **state)
{
	(void)state;
	fx *f = fx_open();
	level(f, eq, TD_SIDE_BUY, 998, 100);
	print(f, eq, 1000, 1);
	place(f, "t1", req(eq, TD_SIDE_SELL, 100, TD_OT_TRAIL_AMOUNT, TD_TIF_GTC, TD_PX_NONE, 999, 5));
	take(f);
	print(f, eq, 1001, 1);
	assert_int_equal(take(f), 0);
	print(f, eq, 999, 1);
	assert_int_equal(take(f), 1);
	EXPECT(f->ev[0], TD_BEV_FILL, "t1", 100, 998);
	fx_close(f);
}

/*
 * 1 % trails.  A sell trail after a last of 10.50: 1 % is 10.5 ticks,
 * rounded up to 11 (away from the market): stop 10.39, so 10.40 does not
 * trigger and 10.39 does.  A buy trail with no print before it: the first
 * print, 10.00, sets the stop at 10.10; lows of 9.90 (1 % = 9.9, 10 ticks:
 * stop 10.00) and 9.80 (9.8, 10 ticks: 9.90); 9.89 nothing, 9.90 triggers a
 * market buy into 10 @ 9.91.
 */
static void test_trailing_percent(void **state)
{
	(void)state;
	fx *f = fx_open();
	level(f, eq, TD_SIDE_BUY, 1038, 100);
	print(f, eq, 1050, 1);
	place(f, "t1", req(eq, TD_SIDE_SELL, 10, TD_OT_TRAIL_PERCENT, TD_TIF_GTC, TD_PX_NONE, TD_PX_NONE, 100));
	take(f);
	print(f, eq, 1040, 1);
	assert_int_equal(take(f), 0);
	print(f, eq, 1039, 1);
	assert_int_equal(take(f), 1);
	EXPECT(f->ev[0], TD_BEV_FILL, "t1", 10, 1038);
	fx_close(f);

	f = fx_open();
	level(f, eq, TD_SIDE_SELL, 991, 10);
	place(f, "t2", req(eq, TD_SIDE_BUY, 10, TD_OT_TRAIL_PERCENT, TD_TIF_GTC, TD_PX_NONE, TD_PX_NONE, 100));
	take(f);
	print(f, eq, 1000, 1);
	print(f, eq, 1009, 1);
	print(f, eq, 990, 1);
	print(f, eq, 999, 1);
	print(f, eq, 980, 1);
	print(f, eq, 989, 1);
	assert_int_equal(take(f), 0);
	print(f, eq, 990, 1);
	assert_int_equal(take(f), 1);
	EXPECT(f->ev[0], TD_BEV_FILL, "t2", 10, 991);
	fx_close(f);
}

/* IOC buy 150 limit 10.00 against 100 @ 10.00: 100 filled, 50 expire.
 * With nothing marketable all 150 expire at once. */
static void test_ioc(void **state)
{
	(void)state;
	fx *f = fx_open();
	level(f, eq, TD_SIDE_SELL, 1000, 100);
	place(f, "i1", lmt(TD_SIDE_BUY, 150, 1000, TD_TIF_IOC));
	place(f, "i2", lmt(TD_SIDE_BUY, 150, 999, TD_TIF_IOC));
	assert_int_equal(take(f), 5);
	EXPECT(f->ev[1], TD_BEV_FILL, "i1", 100, 1000);
	EXPECT_WHY(f->ev[2], TD_BEV_EXPIRED, "i1", "IOC: 50 not filled");
	EXPECT(f->ev[3], TD_BEV_ACK, "i2", 0, TD_PX_NONE);
	EXPECT_WHY(f->ev[4], TD_BEV_EXPIRED, "i2", "IOC: 150 not filled");
	assert_int_equal(working(f), 0);
	fx_close(f);
}

/*
 * DAY orders (a limit and a stop) expire when the regular session gives way
 * to the post-market; GTC stays.  The open (pre-market to regular) expires
 * nothing.  A DAY order placed in the post-market expires when it ends.
 */
static void test_day_expiry(void **state)
{
	(void)state;
	fx *f = fx_open();
	phase(f, TD_PHASE_PREMARKET);
	place(f, "d1", lmt(TD_SIDE_BUY, 10, 900, TD_TIF_DAY));
	place(f, "g1", lmt(TD_SIDE_BUY, 10, 901, TD_TIF_GTC));
	phase(f, TD_PHASE_REGULAR);
	place(f, "d2", req(eq, TD_SIDE_SELL, 10, TD_OT_STOP, TD_TIF_DAY, TD_PX_NONE, 800, 0));
	assert_int_equal(take(f), 3);
	phase(f, TD_PHASE_REGULAR);
	assert_int_equal(take(f), 0);
	phase(f, TD_PHASE_POSTMARKET);
	assert_int_equal(take(f), 2);
	EXPECT_WHY(f->ev[0], TD_BEV_EXPIRED, "d1", "regular session ended");
	EXPECT_WHY(f->ev[1], TD_BEV_EXPIRED, "d2", "regular session ended");
	assert_int_equal(working(f), 1);
	place(f, "d3", lmt(TD_SIDE_BUY, 10, 900, TD_TIF_DAY));
	take(f);
	phase(f, TD_PHASE_OVERNIGHT);
	assert_int_equal(take(f), 1);
	EXPECT_WHY(f->ev[0], TD_BEV_EXPIRED, "d3", "session ended");
	assert_int_equal(working(f), 1);
	fx_close(f);
}

/*
 * Buy 100 limit 9.95 behind 300 displayed; a print of 200 leaves 100 ahead.
 * Down to 80 (a smaller order keeps its place): a print of 150 at 9.95 gives
 * it 50 (after re-queueing it would be behind 300 again).  Up to 9.96,
 * behind the 40 displayed there: a print of 40 gives nothing, then 10 gives
 * 10 (60 filled).  A total of 50 is below the 60 filled: refused.  Up to
 * 10.01 with 100 offered at 10.00: the last 20 fill at once at 10.00.
 */
static void test_modify(void **state)
{
	(void)state;
	fx *f = fx_open();
	level(f, eq, TD_SIDE_BUY, 995, 300);
	level(f, eq, TD_SIDE_BUY, 996, 40);
	level(f, eq, TD_SIDE_SELL, 1000, 100);
	place(f, "o1", lmt(TD_SIDE_BUY, 100, 995, TD_TIF_GTC));
	take(f);
	print(f, eq, 995, 200);
	modify(f, "o1", 80, TD_PX_NONE, TD_PX_NONE);
	assert_int_equal(take(f), 1);
	EXPECT(f->ev[0], TD_BEV_REPLACED, "o1", 80, 995);
	assert_int_equal(f->ev[0].stop, TD_PX_NONE);
	print(f, eq, 995, 150);
	assert_int_equal(take(f), 1);
	EXPECT(f->ev[0], TD_BEV_FILL, "o1", 50, 995);
	modify(f, "o1", 0, 996, TD_PX_NONE);
	print(f, eq, 996, 40);
	print(f, eq, 996, 10);
	assert_int_equal(take(f), 2);
	EXPECT(f->ev[0], TD_BEV_REPLACED, "o1", 80, 996);
	EXPECT(f->ev[1], TD_BEV_FILL, "o1", 10, 996);
	modify(f, "o1", 50, TD_PX_NONE, TD_PX_NONE);
	modify(f, "o1", 0, 1001, TD_PX_NONE);
	assert_int_equal(take(f), 3);
	EXPECT_WHY(f->ev[0], TD_BEV_REJECT, "o1", "not above the 60 filled");
	EXPECT(f->ev[1], TD_BEV_REPLACED, "o1", 80, 1001);
	EXPECT(f->ev[2], TD_BEV_FILL, "o1", 20, 1000);
	assert_int_equal(working(f), 0);
	fx_close(f);
}

/* Moving a stop: 9.90 to 9.80 on a sell stop, then a print at 9.85 does
 * not trigger it. */
static void test_modify_stop(void **state)
{
	(void)state;
	fx *f = fx_open();
	level(f, eq, TD_SIDE_BUY, 980, 100);
	place(f, "s1", req(eq, TD_SIDE_SELL, 10, TD_OT_STOP, TD_TIF_GTC, TD_PX_NONE, 990, 0));
	modify(f, "s1", 0, TD_PX_NONE, 980);
	assert_int_equal(take(f), 2);
	EXPECT(f->ev[1], TD_BEV_REPLACED, "s1", 10, TD_PX_NONE);
	assert_int_equal(f->ev[1].stop, 980);
	print(f, eq, 985, 1);
	assert_int_equal(take(f), 0);
	print(f, eq, 980, 1);
	assert_int_equal(take(f), 1);
	EXPECT(f->ev[0], TD_BEV_FILL, "s1", 10, 980);
	fx_close(f);
}

/* Cancel a working order; cancel it again, and cancel a filled one: refused. */
static void test_cancel(void **state)
{
	(void)state;
	fx *f = fx_open();
	asks_10_00_to_10_02(f);
	place(f, "c1", lmt(TD_SIDE_BUY, 10, 990, TD_TIF_GTC));
	place(f, "f1", lmt(TD_SIDE_BUY, 10, 1000, TD_TIF_GTC));
	assert_int_equal(take(f), 3);
	cancel(f, "c1");
	cancel(f, "c1");
	cancel(f, "f1");
	assert_int_equal(take(f), 3);
	EXPECT_WHY(f->ev[0], TD_BEV_CANCELLED, "c1", "on request");
	EXPECT_WHY(f->ev[1], TD_BEV_REJECT, "c1", "no working order 'c1'");
	EXPECT_WHY(f->ev[2], TD_BEV_REJECT, "f1", "no working order 'f1'");
	assert_int_equal(working(f), 0);
	fx_close(f);
}

/* A fee of 1.00 a fill plus 0.01 a unit, which also notes what it was shown. */
typedef struct fee_log {
	int calls;
	int64_t filled_before[8];
} fee_log;

static double test_fee(void *ctx, const td_order *o, int64_t qty, td_ticks px)
{
	fee_log *l = ctx;
	(void)px;
	if (l->calls < 8)
		l->filled_before[l->calls] = o->filled;
	l->calls++;
	return 1.0 + 0.01 * (double)qty;
}

/*
 * Buy 8 calls at market against 5 @ 1.50, 5 @ 1.51 (multiplier 100): 5 @
 * 1.50, fee 1.05, and 3 @ 1.51, fee 1.03.  Cash 10,000 - (750 + 1.05) -
 * (453 + 1.03) = 8,794.92.  Sell 100 shares into 100 @ 10.00, fee 2.00:
 * + 1,000 - 2 = 9,792.92.
 */
static void test_fees_and_cash(void **state)
{
	(void)state;
	fee_log log = { 0 };
	td_paper_params p = { .max_orders = 4, .max_events = 64, .cash = 10000, .fee = test_fee, .fee_ctx = &log };
	fx *f = fx_open_with(&p);
	level(f, opt, TD_SIDE_SELL, 150, 5);
	level(f, opt, TD_SIDE_SELL, 151, 5);
	level(f, eq, TD_SIDE_BUY, 1000, 100);
	place(f, "c1", req(opt, TD_SIDE_BUY, 8, TD_OT_MARKET, TD_TIF_DAY, TD_PX_NONE, TD_PX_NONE, 0));
	assert_int_equal(take(f), 3);
	EXPECT(f->ev[1], TD_BEV_FILL, "c1", 5, 150);
	assert_near(f->ev[1].fee, 1.05, 1e-12);
	EXPECT(f->ev[2], TD_BEV_FILL, "c1", 3, 151);
	assert_near(f->ev[2].fee, 1.03, 1e-12);
	assert_int_equal(log.filled_before[0], 0);
	assert_int_equal(log.filled_before[1], 5);
	td_broker_account a;
	f->b.ops->account(f->b.impl, &a);
	assert_near(a.cash, 8794.92, 1e-6);
	place(f, "s1", mkt(TD_SIDE_SELL, 100));
	take(f);
	assert_near(f->ev[1].fee, 2.0, 1e-12);
	f->b.ops->account(f->b.impl, &a);
	assert_near(a.cash, 9792.92, 1e-6);
	assert_near(a.buying_power, 9792.92, 1e-6);
	assert_int_equal(log.calls, 3);
	fx_close(f);
}

/*
 * The smallest queue, TD_PAPER_MIN_EVENTS (34) events, with a GTC buy of
 * 100 resting (ACK queued; one slot kept for its end: 32 free).  A second
 * order is refused (it might need 34).  Prints of 1 through the limit fill 1
 * each: 32 fill, the 33rd is skipped and counted.  The cancel still fits
 * (the kept slot).  Nothing is lost: ACK, 32 fills, CANCELLED.
 */
static void test_queue_capacity(void **state)
{
	(void)state;
	td_paper_params p = { .max_orders = 4, .max_events = TD_PAPER_MIN_EVENTS, .cash = CASH };
	fx *f = fx_open_with(&p);
	place(f, "o1", lmt(TD_SIDE_BUY, 100, 999, TD_TIF_GTC));
	char err[128] = "";
	assert_int_equal(place_rc(f, "o2", lmt(TD_SIDE_BUY, 1, 900, TD_TIF_GTC), err, sizeof err), -1);
	assert_non_null(strstr(err, "poll first (2 of 34 slots used)"));
	for (int i = 0; i < 33; i++)
		print(f, eq, 998, 1);
	td_paper_stats st;
	td_paper_stats_get(&f->b, &st);
	assert_int_equal(st.stalled, 1);
	assert_int_equal(st.queued, 33);
	cancel(f, "o1");
	assert_int_equal(take(f), 34);
	EXPECT(f->ev[0], TD_BEV_ACK, "o1", 0, TD_PX_NONE);
	for (int i = 1; i <= 32; i++)
		EXPECT(f->ev[i], TD_BEV_FILL, "o1", 1, 999);
	EXPECT_WHY(f->ev[33], TD_BEV_CANCELLED, "o1", "on request");
	place(f, "o2", lmt(TD_SIDE_BUY, 1, 900, TD_TIF_GTC));
	assert_int_equal(take(f), 1);
	fx_close(f);
}

/*
 * A stop needs room for a fill per book level (32) when it triggers.  With
 * the smallest queue, its ACK and a refused cancel queued and one slot kept
 * for its end, 31 are free: the triggering print is skipped and counted.
 * After a poll the next print triggers it.
 */
static void test_stop_waits_for_room(void **state)
{
	(void)state;
	td_paper_params p = { .max_orders = 4, .max_events = TD_PAPER_MIN_EVENTS, .cash = CASH };
	fx *f = fx_open_with(&p);
	level(f, eq, TD_SIDE_SELL, 1010, 100);
	place(f, "s1", req(eq, TD_SIDE_BUY, 10, TD_OT_STOP, TD_TIF_GTC, TD_PX_NONE, 1010, 0));
	cancel(f, "nope");
	print(f, eq, 1010, 1);
	td_paper_stats st;
	td_paper_stats_get(&f->b, &st);
	assert_int_equal(st.stalled, 1);
	assert_int_equal(take(f), 2);
	print(f, eq, 1011, 1);
	assert_int_equal(take(f), 1);
	EXPECT(f->ev[0], TD_BEV_FILL, "s1", 10, 1010);
	fx_close(f);
}

/* A small deterministic generator for the scripted session below. */
static uint32_t lcg(uint32_t *s)
{
	*s = *s * 1664525u + 1013904223u;
	return *s >> 8;
}

/* One scripted session of random book changes, prints and orders of every
 * type; returns the events, in out (at most max). */
static size_t session(td_broker_ev *out, size_t max)
{
	fx *f = fx_open();
	uint32_t s = 42;
	size_t n = 0;
	static const td_order_type types[] = { TD_OT_MARKET, TD_OT_LIMIT, TD_OT_STOP, TD_OT_STOP_LIMIT,
					       TD_OT_TRAIL_AMOUNT, TD_OT_TRAIL_PERCENT };
	for (int i = 0; i < 3000 && n < max; i++) {
		td_ticks px = 990 + (td_ticks)(lcg(&s) % 21);
		int what = (int)(lcg(&s) % 10);
		if (what < 5) {
			level(f, eq, px >= 1000 ? TD_SIDE_SELL : TD_SIDE_BUY, px, (int64_t)(lcg(&s) % 300));
		} else if (what < 9) {
			print(f, eq, px, 1 + (int64_t)(lcg(&s) % 200));
		} else {
			td_order_type t = types[lcg(&s) % 6];
			td_side side = lcg(&s) % 2 ? TD_SIDE_BUY : TD_SIDE_SELL;
			bool lim = t == TD_OT_LIMIT || t == TD_OT_STOP_LIMIT, stp = t == TD_OT_STOP || t == TD_OT_STOP_LIMIT;
			int64_t trail = t == TD_OT_TRAIL_AMOUNT ? 3 : t == TD_OT_TRAIL_PERCENT ? 50 : 0;
			char id[16];
			snprintf(id, sizeof id, "r%d", i);
			place(f, id, req(eq, side, 1 + (int64_t)(lcg(&s) % 300), t, (td_tif)(lcg(&s) % 3),
					 lim ? px : TD_PX_NONE, stp ? px : TD_PX_NONE, trail));
		}
		n += f->b.ops->poll(f->b.impl, out + n, max - n);
	}
	fx_close(f);
	return n;
}

static void test_deterministic(void **state)
{
	(void)state;
	enum { MAX = 4096 };
	td_broker_ev *a = calloc(MAX, sizeof *a), *b = calloc(MAX, sizeof *b);
	size_t na = session(a, MAX), nb = session(b, MAX);
	assert_int_equal(na, nb);
	size_t fills = 0;
	for (size_t i = 0; i < na; i++) {
		assert_int_equal(a[i].type, b[i].type);
		assert_string_equal(a[i].id, b[i].id);
		assert_int_equal(a[i].qty, b[i].qty);
		assert_int_equal(a[i].px, b[i].px);
		assert_int_equal(a[i].stop, b[i].stop);
		assert_string_equal(a[i].why, b[i].why);
		fills += a[i].type == TD_BEV_FILL;
	}
	assert_true(fills > 50);
	free(a);
	free(b);
}

static void test_names_and_params(void **state)
{
	(void)state;
	static const char *const names[] = { "ack", "reject", "fill", "cancelled", "expired", "replaced" };
	for (int t = TD_BEV_ACK; t <= TD_BEV_REPLACED; t++)
		assert_string_equal(td_broker_ev_name((td_broker_ev_type)t), names[t]);
	assert_string_equal(td_broker_ev_name((td_broker_ev_type)99), "?");
	td_market *m = td_market_new(reg);
	td_paper_params p = { .max_orders = 1, .max_events = TD_PAPER_MIN_EVENTS - 1 };
	assert_null(td_paper_new(m, reg, &p).impl);
	p = (td_paper_params){ .max_orders = 0, .max_events = 100 };
	assert_null(td_paper_new(m, reg, &p).impl);
	p.max_orders = 1;
	td_broker b = td_paper_new(m, reg, &p);
	assert_string_equal(b.ops->name, "paper");
	td_paper_stats st;
	td_broker other = { NULL, b.impl };
	assert_int_equal(td_paper_stats_get(&other, &st), -1);
	b.ops->free(b.impl);
	td_market_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_market_walks_the_book),
		cmocka_unit_test(test_market_thin_book),
		cmocka_unit_test(test_market_without_book),
		cmocka_unit_test(test_rejects),
		cmocka_unit_test(test_limit_marketable_then_rests),
		cmocka_unit_test(test_limit_trade_through),
		cmocka_unit_test(test_queue_at_the_touch),
		cmocka_unit_test(test_trade_through_clears_queue),
		cmocka_unit_test(test_print_shared),
		cmocka_unit_test(test_stops),
		cmocka_unit_test(test_stop_limit),
		cmocka_unit_test(test_trailing_ticks),
		cmocka_unit_test(test_trailing_first_stop),
		cmocka_unit_test(test_trailing_percent),
		cmocka_unit_test(test_ioc),
		cmocka_unit_test(test_day_expiry),
		cmocka_unit_test(test_modify),
		cmocka_unit_test(test_modify_stop),
		cmocka_unit_test(test_cancel),
		cmocka_unit_test(test_fees_and_cash),
		cmocka_unit_test(test_queue_capacity),
		cmocka_unit_test(test_stop_waits_for_room),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_names_and_params),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
