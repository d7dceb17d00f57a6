/*
 * Footprint: bar alignment, volume by side, POC ties, diagonal imbalances
 * (the §3.1 hand case of the peers reference), stacks, unfinished auctions,
 * absorption, exhaustion, trapped traders, delta divergence, volume nodes,
 * the ring and the session ladder, late and refused trades.
 *
 * Every expected figure is worked out by hand in the comment beside it from
 * the definitions in doc/footprint.md; thresholds are tested exactly at the
 * boundary and one unit short of it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "analytics/footprint.h"

#define BUY TD_SIDE_BUY    /* ask-traded */
#define SELL TD_SIDE_SELL  /* bid-traded */
#define NONE TD_SIDE_NONE

/* Defaults with 60 ns bars from origin 0, 8 bars kept. */
static td_fp_params params(void)
{
	td_fp_params p;
	td_footprint_defaults(&p);
	p.tf = 60;
	p.keep = 8;
	return p;
}

static td_footprint *make(const td_fp_params *p)
{
	char err[128];
	td_footprint *fp = td_footprint_new(p, err, sizeof(err));
	assert_non_null(fp);
	return fp;
}

static void trade(td_footprint *fp, td_ns ts, td_ticks px, int64_t size, int aggr)
{
	td_trade t = { .ts = ts, .px = px, .size = size, .aggr = (uint8_t)aggr };
	assert_true(td_footprint_add(fp, &t));
}

/* Bid-traded and ask-traded volume at px in the bar at ts 0 (bid first). */
static void cell(td_footprint *fp, td_ticks px, int64_t bid, int64_t ask)
{
	if (bid)
		trade(fp, 0, px, bid, SELL);
	if (ask)
		trade(fp, 0, px, ask, BUY);
}

static uint32_t flags_at(td_footprint *fp, size_t ago, td_ticks px)
{
	td_fp_cell c;
	td_footprint_cell(fp, ago, px, &c);
	return c.flags;
}

static td_fp_bar bar(td_footprint *fp, size_t ago)
{
	td_fp_bar b;
	assert_true(td_footprint_bar(fp, ago, &b));
	return b;
}

static void test_params(void **state)
{
	(void)state;
	td_fp_params p;
	td_footprint_defaults(&p);
	/* the defaults doc/footprint.md promises */
	assert_int_equal(p.imb_ratio_pct, 300);
	assert_int_equal(p.imb_min_vol, 10);
	assert_true(p.imb_zero_counts);
	assert_int_equal(p.stack_min, 3);
	char err[128];
	td_fp_params q = params();
	q.tf = 0;
	assert_null(td_footprint_new(&q, err, sizeof(err)));
	assert_non_null(strstr(err, "'tf'"));
	q = params();
	q.keep = 0;
	assert_null(td_footprint_new(&q, err, sizeof(err)));
	q = params();
	q.imb_ratio_pct = 99;  /* a ratio below x1 would flag the smaller side */
	assert_null(td_footprint_new(&q, err, sizeof(err)));
	assert_non_null(strstr(err, "'imb_ratio_pct'"));
	q = params();
	q.stack_min = 1;
	assert_null(td_footprint_new(&q, err, sizeof(err)));
	q = params();
	q.exh_levels = 1;
	assert_null(td_footprint_new(&q, err, sizeof(err)));
	q = params();
	td_footprint *fp = make(&q);
	td_fp_bar b;
	assert_int_equal(td_footprint_count(fp), 0);
	assert_false(td_footprint_bar(fp, 0, &b));
	assert_false(td_footprint_bar(fp, TD_FP_SESSION, &b));
	td_footprint_free(fp);
	td_footprint_free(NULL);
}

/*
 * origin 1000, tf 60: bars start at ..., 880, 940, 1000, 1060, ..., 1480.
 * 939 lies in [880, 940); 940 and 999 in [940, 1000); 1000 and 1059 in
 * [1000, 1060); 1060 opens [1060, 1120); 1500 = 1000 + 8*60 + 20 opens
 * [1480, 1540) with no empty bars between.
 */
static void test_alignment(void **state)
{
	(void)state;
	td_fp_params p = params();
	p.origin = 1000;
	td_footprint *fp = make(&p);
	static const td_ns ts[] = { 939, 940, 999, 1000, 1059, 1060, 1500 };
	for (size_t i = 0; i < sizeof(ts) / sizeof(ts[0]); i++)
		trade(fp, ts[i], 100, 1, BUY);
	static const td_ns starts[] = { 1480, 1060, 1000, 940, 880 };  /* ago 0 .. 4 */
	assert_int_equal(td_footprint_count(fp), 5);
	for (size_t ago = 0; ago < 5; ago++)
		assert_int_equal(bar(fp, ago).start, starts[ago]);
	assert_int_equal(bar(fp, 2).trades, 2);  /* 1000 and 1059 */
	assert_int_equal(bar(fp, TD_FP_SESSION).start, 880);
	td_footprint_free(fp);
}

/*
 * One bar: 100 BUY 5, 100 SELL 3, 101 BUY 7, 99 SELL 4, 100 NONE 2, 101 with
 * aggressor 9 (not a side: NONE) 1.
 *   101: ask 7, bid 0, other 1 (total 8); 100: ask 5, bid 3, other 2 (10);
 *   99: ask 0, bid 4 (4).
 *   ask 12, bid 7, other 3, volume 22, delta 12-7 = 5, POC 100 (10 the most),
 *   open 100, close 101 (the last print), high 101, low 99, 6 trades.
 * A second bar: 100 SELL 10, delta -10, cumulative 5-10 = -5.
 * Session: ask 12, bid 17, volume 32, delta -5.
 */
static void test_volumes_and_delta(void **state)
{
	(void)state;
	td_fp_params p = params();
	td_footprint *fp = make(&p);
	trade(fp, 1, 100, 5, BUY);
	trade(fp, 2, 100, 3, SELL);
	trade(fp, 3, 101, 7, BUY);
	trade(fp, 4, 99, 4, SELL);
	trade(fp, 5, 100, 2, NONE);
	trade(fp, 6, 101, 1, 9);
	td_fp_bar b = bar(fp, 0);
	assert_int_equal(b.ask, 12);
	assert_int_equal(b.bid, 7);
	assert_int_equal(b.other, 3);
	assert_int_equal(b.volume, 22);
	assert_int_equal(b.delta, 5);
	assert_int_equal(b.cum_delta, 5);
	assert_int_equal(b.poc, 100);
	assert_int_equal(b.open, 100);
	assert_int_equal(b.close, 101);
	assert_int_equal(b.high, 101);
	assert_int_equal(b.low, 99);
	assert_int_equal(b.trades, 6);

	td_fp_cell rows[5];
	assert_int_equal(td_footprint_rows(fp, 0, 102, rows, 5), 5);
	static const int64_t want[5][4] = {  /* px, bid, ask, other: high to low */
		{ 102, 0, 0, 0 }, { 101, 0, 7, 1 }, { 100, 3, 5, 2 }, { 99, 4, 0, 0 }, { 98, 0, 0, 0 },
	};
	for (int i = 0; i < 5; i++) {
		assert_int_equal(rows[i].px, want[i][0]);
		assert_int_equal(rows[i].bid, want[i][1]);
		assert_int_equal(rows[i].ask, want[i][2]);
		assert_int_equal(rows[i].other, want[i][3]);
	}
	assert_true(rows[2].flags & TD_FP_POC);
	td_fp_cell c;
	assert_false(td_footprint_cell(fp, 0, 98, &c));
	assert_true(td_footprint_cell(fp, 0, 99, &c));
	assert_int_equal(c.bid, 4);

	trade(fp, 60, 100, 10, SELL);
	assert_int_equal(bar(fp, 0).delta, -10);
	assert_int_equal(bar(fp, 0).cum_delta, -5);
	assert_int_equal(bar(fp, 1).cum_delta, 5);
	b = bar(fp, TD_FP_SESSION);
	assert_int_equal(b.ask, 12);
	assert_int_equal(b.bid, 17);
	assert_int_equal(b.volume, 32);
	assert_int_equal(b.delta, -5);
	assert_int_equal(b.cum_delta, -5);
	assert_true(td_footprint_cell(fp, TD_FP_SESSION, 100, &c));
	assert_int_equal(c.bid, 13);  /* 3 + 10 */
	td_footprint_free(fp);
}

/*
 * POC ties go to the price nearest (high+low)/2, then the lower:
 *   100:5 101:5 102:1, middle 101: 101 (distance 0 beats 1).
 *   100:5 101:1 102:5, middle 101: both 1 away, the lower, 100.
 *   100:5 101:5, middle 100.5: both half a tick away, 100.
 */
static void test_poc_ties(void **state)
{
	(void)state;
	static const int64_t vols[3][3] = { { 5, 5, 1 }, { 5, 1, 5 }, { 5, 5, 0 } };
	static const td_ticks want[3] = { 101, 100, 100 };
	for (int k = 0; k < 3; k++) {
		td_fp_params p = params();
		td_footprint *fp = make(&p);
		for (int i = 0; i < 3; i++)
			if (vols[k][i])
				trade(fp, 0, 100 + i, vols[k][i], NONE);
		assert_int_equal(bar(fp, 0).poc, want[k]);
		td_footprint_free(fp);
	}
}

/* A bar with bid(100) = bid100 and ask(101) = ask101, nothing else. */
static td_footprint *diagonal(const td_fp_params *p, int64_t bid100, int64_t ask101)
{
	td_footprint *fp = make(p);
	cell(fp, 100, bid100, 0);
	cell(fp, 101, 0, ask101);
	return fp;
}

/*
 * §3.1 hand case: ask(101) = 90, bid(100) = 30, ratio 300 %: 90*100 = 9000
 * >= 300*30 = 9000, a buy imbalance at 101 under ">=".  ask 89: 8900 < 9000,
 * none.  Only 101 can be flagged: sell at 100 needs 30*100 >= 300*90, false;
 * ask(100) and bid(101) are 0.
 */
static void test_buy_imbalance_ratio(void **state)
{
	(void)state;
	td_fp_params p = params();
	td_footprint *fp = diagonal(&p, 30, 90);
	assert_true(flags_at(fp, 0, 101) & TD_FP_IMB_BUY);
	assert_int_equal(flags_at(fp, 0, 100) & (TD_FP_IMB_BUY | TD_FP_IMB_SELL), 0);
	assert_int_equal(bar(fp, 0).buy_imb, 1);
	assert_int_equal(bar(fp, 0).sell_imb, 0);
	td_footprint_free(fp);
	fp = diagonal(&p, 30, 89);
	assert_int_equal(flags_at(fp, 0, 101) & TD_FP_IMB_BUY, 0);
	assert_int_equal(bar(fp, 0).buy_imb, 0);
	td_footprint_free(fp);
	/* ratio 150 %: 45*100 = 4500 >= 150*30 = 4500 yes; 44: 4400 no */
	p.imb_ratio_pct = 150;
	fp = diagonal(&p, 30, 45);
	assert_true(flags_at(fp, 0, 101) & TD_FP_IMB_BUY);
	td_footprint_free(fp);
	fp = diagonal(&p, 30, 44);
	assert_int_equal(flags_at(fp, 0, 101) & TD_FP_IMB_BUY, 0);
	td_footprint_free(fp);
}

/*
 * Mirror: bid(100) = 90 against ask(101) = 30 (the price above): 9000 >=
 * 9000, a sell imbalance at 100; bid 89 misses.  Buy at 101 needs 30*100 >=
 * 300*90, false.
 */
static void test_sell_imbalance_ratio(void **state)
{
	(void)state;
	td_fp_params p = params();
	td_footprint *fp = diagonal(&p, 90, 30);
	assert_true(flags_at(fp, 0, 100) & TD_FP_IMB_SELL);
	assert_int_equal(flags_at(fp, 0, 101) & (TD_FP_IMB_BUY | TD_FP_IMB_SELL), 0);
	assert_int_equal(bar(fp, 0).sell_imb, 1);
	td_footprint_free(fp);
	fp = diagonal(&p, 89, 30);
	assert_int_equal(flags_at(fp, 0, 100) & TD_FP_IMB_SELL, 0);
	td_footprint_free(fp);
}

/*
 * Minimum volume 10 on the dominant side: ask 10 vs bid 3: 1000 >= 900 and
 * 10 >= 10, imbalance.  ask 9 vs bid 3: the ratio still holds (900 >= 900)
 * but 9 < 10, none.  Zero opposite: ask(101) = 10 with nothing at 100 is an
 * imbalance when zeros count (10 >= 10), not with 9, and never when zeros
 * are ignored.
 */
static void test_imbalance_min_and_zero(void **state)
{
	(void)state;
	td_fp_params p = params();
	td_footprint *fp = diagonal(&p, 3, 10);
	assert_true(flags_at(fp, 0, 101) & TD_FP_IMB_BUY);
	td_footprint_free(fp);
	fp = diagonal(&p, 3, 9);
	assert_int_equal(flags_at(fp, 0, 101) & TD_FP_IMB_BUY, 0);
	td_footprint_free(fp);
	fp = diagonal(&p, 0, 10);
	assert_true(flags_at(fp, 0, 101) & TD_FP_IMB_BUY);
	td_footprint_free(fp);
	fp = diagonal(&p, 0, 9);
	assert_int_equal(flags_at(fp, 0, 101) & TD_FP_IMB_BUY, 0);
	td_footprint_free(fp);
	p.imb_zero_counts = false;
	fp = diagonal(&p, 0, 10);
	assert_int_equal(flags_at(fp, 0, 101) & TD_FP_IMB_BUY, 0);
	td_footprint_free(fp);
	fp = diagonal(&p, 3, 10);  /* a non-zero opposite is unaffected */
	assert_true(flags_at(fp, 0, 101) & TD_FP_IMB_BUY);
	td_footprint_free(fp);
}

/*
 * 100: bid 10; 101: bid 10 ask 30; 102: bid 10 ask 30; 103: ask a103.
 * Buy at 101, 102 (30*100 >= 300*10) and at 103 when a103 = 30: three
 * consecutive ticks, one stack 101..103.  No sell imbalance: 10*100 <
 * 300*30.  With a103 = 29 (2900 < 3000) the run is 2: no stack.
 */
static void test_stacked_buy(void **state)
{
	(void)state;
	td_fp_params p = params();
	for (int64_t a103 = 30; a103 >= 29; a103--) {
		td_footprint *fp = make(&p);
		cell(fp, 100, 10, 0);
		cell(fp, 101, 10, 30);
		cell(fp, 102, 10, 30);
		cell(fp, 103, 0, a103);
		td_fp_bar b = bar(fp, 0);
		td_fp_stack st[2];
		if (a103 == 30) {
			assert_int_equal(b.buy_imb, 3);
			assert_int_equal(b.stacks, 1);
			assert_true(b.patterns & TD_FP_PAT_STACKED_BUY);
			assert_int_equal(td_footprint_stacks(fp, 0, st, 2), 1);
			assert_int_equal(st[0].lo, 101);
			assert_int_equal(st[0].hi, 103);
			assert_int_equal(st[0].dir, TD_SIDE_BUY);
			assert_true(flags_at(fp, 0, 102) & TD_FP_STACK_BUY);
			assert_int_equal(flags_at(fp, 0, 100) & TD_FP_STACK_BUY, 0);
		} else {
			assert_int_equal(b.buy_imb, 2);
			assert_int_equal(b.stacks, 0);
			assert_int_equal(b.patterns & TD_FP_PAT_STACKED_BUY, 0);
			assert_int_equal(td_footprint_stacks(fp, 0, st, 2), 0);
		}
		assert_int_equal(b.sell_imb, 0);
		td_footprint_free(fp);
	}
}

/*
 * 100: bid 30; 101: bid 30 ask 10; 102: bid 30 ask 10; 103: ask 10.
 * Sell at 100, 101, 102 (30*100 >= 300*10 against the ask above); buy needs
 * 10*100 >= 300*30, none.  One sell stack 100..102.
 */
static void test_stacked_sell(void **state)
{
	(void)state;
	td_fp_params p = params();
	td_footprint *fp = make(&p);
	cell(fp, 100, 30, 0);
	cell(fp, 101, 30, 10);
	cell(fp, 102, 30, 10);
	cell(fp, 103, 0, 10);
	td_fp_stack st;
	assert_int_equal(td_footprint_stacks(fp, 0, &st, 1), 1);
	assert_int_equal(st.lo, 100);
	assert_int_equal(st.hi, 102);
	assert_int_equal(st.dir, TD_SIDE_SELL);
	assert_true(bar(fp, 0).patterns & TD_FP_PAT_STACKED_SELL);
	assert_int_equal(bar(fp, 0).buy_imb, 0);
	td_footprint_free(fp);
}

/*
 * An untraded tick breaks a stack.  100: bid 10; 101: bid 10 ask 30; 102:
 * ask 30; 103 untraded; 104: bid 10 ask 30; 105: ask 30.  Buy at 101, 102
 * (vs bid 10 below), 104 (bid(103) = 0, zeros count, 30 >= 10) and 105:
 * runs 101..102 and 104..105, four imbalances but no stack of 3.  With
 * stack_min 2 two stacks, listed high to low; a 1-slot buffer still gets
 * the count 2.
 */
static void test_stack_gap(void **state)
{
	(void)state;
	td_fp_params p = params();
	for (uint32_t min = 3; min >= 2; min--) {
		p.stack_min = min;
		td_footprint *fp = make(&p);
		cell(fp, 100, 10, 0);
		cell(fp, 101, 10, 30);
		cell(fp, 102, 0, 30);
		cell(fp, 104, 10, 30);
		cell(fp, 105, 0, 30);
		assert_int_equal(bar(fp, 0).buy_imb, 4);
		td_fp_stack st[2];
		if (min == 3) {
			assert_int_equal(td_footprint_stacks(fp, 0, st, 2), 0);
		} else {
			assert_int_equal(td_footprint_stacks(fp, 0, st, 2), 2);
			assert_int_equal(st[0].lo, 104);
			assert_int_equal(st[0].hi, 105);
			assert_int_equal(st[1].lo, 101);
			assert_int_equal(st[1].hi, 102);
			assert_int_equal(td_footprint_stacks(fp, 0, st, 1), 2);
		}
		td_footprint_free(fp);
	}
}

/*
 * Unfinished: both sides >= unfinished_min at the extreme.
 * Bar A: 102 ask 5 bid 3 (high: unfinished), 101 ask 1, 100 bid 4 ask 0
 * (low: finished).  Bar B: 102 ask 5 bid 0 (finished), 100 bid 1 ask 1
 * (unfinished with min 1; with min 2, 1 < 2 so finished; bid 2 ask 2 is).
 */
static void test_unfinished_auction(void **state)
{
	(void)state;
	td_fp_params p = params();
	td_footprint *fp = make(&p);
	cell(fp, 102, 3, 5);
	cell(fp, 101, 0, 1);
	cell(fp, 100, 4, 0);
	uint32_t f = bar(fp, 0).patterns;
	assert_true(f & TD_FP_PAT_UNFINISHED_HIGH);
	assert_int_equal(f & TD_FP_PAT_UNFINISHED_LOW, 0);
	td_footprint_free(fp);
	for (int64_t min = 1; min <= 2; min++) {
		p.unfinished_min = min;
		for (int64_t v = 1; v <= 2; v++) {
			fp = make(&p);
			cell(fp, 102, 0, 5);
			cell(fp, 100, v, v);
			f = bar(fp, 0).patterns;
			assert_int_equal(f & TD_FP_PAT_UNFINISHED_HIGH, 0);
			assert_int_equal(!!(f & TD_FP_PAT_UNFINISHED_LOW), v >= min);
			td_footprint_free(fp);
		}
	}
}

/*
 * Absorption of selling (4 ticks): 100 SELL 30 first, then 101 BUY 10, and
 * BUY 1 at each tick up to the close.  Sell imbalance at 100: 30*100 >=
 * 300*10.  No buy imbalance: ask(101) = 10 < 3*30, ask(102..) = 1 < min 10.
 * Close 104: 104 - 100 = 4 >= 4, flagged; close 103: 3, not.
 */
static void test_absorb_selling(void **state)
{
	(void)state;
	td_fp_params p = params();
	for (td_ticks close = 104; close >= 103; close--) {
		td_footprint *fp = make(&p);
		trade(fp, 0, 100, 30, SELL);
		trade(fp, 1, 101, 10, BUY);
		for (td_ticks px = 102; px <= close; px++)
			trade(fp, 2, px, 1, BUY);
		td_fp_bar b = bar(fp, 0);
		assert_int_equal(b.sell_imb, 1);
		assert_int_equal(b.buy_imb, 0);
		assert_int_equal(!!(b.patterns & TD_FP_PAT_ABSORB_SELLING), close == 104);
		assert_int_equal(b.patterns & TD_FP_PAT_ABSORB_BUYING, 0);
		td_footprint_free(fp);
	}
}

/*
 * Absorption of buying: 104 BUY 30, 103 SELL 10, SELL 1 down to the close.
 * Buy imbalance at 104 (30*100 >= 300*10); no sell imbalance (10 < 3*30;
 * 1 < 10).  Close 100: 104 - 100 = 4, flagged; close 101: 3, not.
 */
static void test_absorb_buying(void **state)
{
	(void)state;
	td_fp_params p = params();
	for (td_ticks close = 100; close <= 101; close++) {
		td_footprint *fp = make(&p);
		trade(fp, 0, 104, 30, BUY);
		trade(fp, 1, 103, 10, SELL);
		for (td_ticks px = 102; px >= close; px--)
			trade(fp, 2, px, 1, SELL);
		td_fp_bar b = bar(fp, 0);
		assert_int_equal(b.buy_imb, 1);
		assert_int_equal(b.sell_imb, 0);
		assert_int_equal(!!(b.patterns & TD_FP_PAT_ABSORB_BUYING), close == 100);
		td_footprint_free(fp);
	}
}

/* The exhaustion flags of a bar with asks at 100, 101, 102 (the high). */
static uint32_t exhaustion_of_asks(int64_t a100, int64_t a101, int64_t a102)
{
	td_fp_params p = params();
	td_footprint *fp = make(&p);
	cell(fp, 100, 0, a100);
	cell(fp, 101, 0, a101);
	cell(fp, 102, 0, a102);
	uint32_t f = bar(fp, 0).patterns & (TD_FP_PAT_EXHAUST_BUYING | TD_FP_PAT_EXHAUST_SELLING);
	td_footprint_free(fp);
	return f;
}

/*
 * Buying exhaustion, 3 levels, 25 %: asks 40, 20, 10 into the high fall
 * strictly and 10*100 = 1000 <= 25*40 = 1000: flagged.  40, 20, 11: 1100 >
 * 1000, not.  40, 10, 10: not strictly falling, not.  No bids, so no
 * selling exhaustion (0 < 0 fails).  Selling exhaustion mirrors it: bids
 * 10, 20, 40 at 100, 101, 102 fade into the low 100.  A 2-tick bar has too
 * few levels.
 */
static void test_exhaustion(void **state)
{
	(void)state;
	assert_int_equal(exhaustion_of_asks(40, 20, 10), TD_FP_PAT_EXHAUST_BUYING);
	assert_int_equal(exhaustion_of_asks(40, 20, 11), 0);
	assert_int_equal(exhaustion_of_asks(40, 10, 10), 0);
	td_fp_params p = params();
	td_footprint *fp = make(&p);
	cell(fp, 100, 10, 0);
	cell(fp, 101, 20, 0);
	cell(fp, 102, 40, 0);
	assert_int_equal(bar(fp, 0).patterns & (TD_FP_PAT_EXHAUST_BUYING | TD_FP_PAT_EXHAUST_SELLING),
			 TD_FP_PAT_EXHAUST_SELLING);
	td_footprint_free(fp);
	fp = make(&p);
	cell(fp, 101, 0, 40);
	cell(fp, 102, 0, 1);
	assert_int_equal(bar(fp, 0).patterns & TD_FP_PAT_EXHAUST_BUYING, 0);
	td_footprint_free(fp);
}

/*
 * Trapped buyers (zone 2 ticks, 200 %, min 10): open at 102, close at 100.
 * 102: ask a102 bid 3; 101: ask 8 bid 7; 100: bid 5.  Zone 101..102: ask
 * 12+8 = 20, bid 3+7 = 10: 20*100 >= 200*10 and 20 >= 10, flagged.  a102 =
 * 11: 19*100 = 1900 < 2000, not.  The same volumes closing at 102 (not
 * below the open): not.
 */
static void test_trapped_buyers(void **state)
{
	(void)state;
	td_fp_params p = params();
	for (int k = 0; k < 3; k++) {
		int64_t a102 = k == 1 ? 11 : 12;
		td_ticks close = k == 2 ? 102 : 100;
		td_footprint *fp = make(&p);
		trade(fp, 0, 102, a102, BUY);
		trade(fp, 1, 102, 3, SELL);
		trade(fp, 2, 101, 8, BUY);
		trade(fp, 3, 101, 7, SELL);
		trade(fp, 4, 100, 5, SELL);
		trade(fp, 5, close, 1, NONE);
		uint32_t f = bar(fp, 0).patterns;
		assert_int_equal(!!(f & TD_FP_PAT_TRAPPED_BUYERS), k == 0);
		assert_int_equal(f & TD_FP_PAT_TRAPPED_SELLERS, 0);
		td_footprint_free(fp);
	}
}

/*
 * Trapped sellers: open 100, close 102; zone 100..101: bid 12+8 = 20, ask
 * 3+7 = 10, flagged; with trap_min_vol 21, 20 < 21, not.
 */
static void test_trapped_sellers(void **state)
{
	(void)state;
	td_fp_params p = params();
	for (int64_t min = 20; min <= 21; min++) {
		p.trap_min_vol = min;
		td_footprint *fp = make(&p);
		trade(fp, 0, 100, 12, SELL);
		trade(fp, 1, 100, 3, BUY);
		trade(fp, 2, 101, 8, SELL);
		trade(fp, 3, 101, 7, BUY);
		trade(fp, 4, 102, 5, BUY);
		assert_int_equal(!!(bar(fp, 0).patterns & TD_FP_PAT_TRAPPED_SELLERS), min == 20);
		td_footprint_free(fp);
	}
}

/* Divergence flags of a bar opening at open with a SELL print, closing with a BUY. */
static uint32_t divergence(td_ticks open, int64_t bid, td_ticks close, int64_t ask)
{
	td_fp_params p = params();
	td_footprint *fp = make(&p);
	trade(fp, 0, open, bid, SELL);
	trade(fp, 1, close, ask, BUY);
	uint32_t f = bar(fp, 0).patterns & (TD_FP_PAT_DIVERGENCE_BEAR | TD_FP_PAT_DIVERGENCE_BULL);
	td_footprint_free(fp);
	return f;
}

/*
 * Delta divergence, 10 %: up bar 100 -> 101 with bid 55, ask 45: delta -10,
 * 10*100 >= 10*(45+55), bearish.  bid 54, ask 46: delta -8, 800 < 1000,
 * not.  Down bar 101 -> 100 with bid 45, ask 55: delta +10, bullish; bid
 * 46, ask 54: not.  Flat bar 100 -> 100 with delta -10: neither.
 */
static void test_delta_divergence(void **state)
{
	(void)state;
	assert_int_equal(divergence(100, 55, 101, 45), TD_FP_PAT_DIVERGENCE_BEAR);
	assert_int_equal(divergence(100, 54, 101, 46), 0);
	assert_int_equal(divergence(101, 45, 100, 55), TD_FP_PAT_DIVERGENCE_BULL);
	assert_int_equal(divergence(101, 46, 100, 54), 0);
	assert_int_equal(divergence(100, 55, 100, 45), 0);
}

/* The volume profile of the node tests, NONE prints at 100..108. */
static const int64_t node_vol[9] = { 2, 2, 10, 10, 10, 2, 0, 1, 8 };

static td_footprint *node_bar(const td_fp_params *p)
{
	td_footprint *fp = make(p);
	for (int i = 0; i < 9; i++)
		if (node_vol[i])
			trade(fp, 0, 100 + i, node_vol[i], NONE);
	return fp;
}

/*
 * Volumes 100..108: 2 2 10 10 10 2 0 1 8, total 45 over 9 ticks, mean 5 a
 * tick.  Half-window 1 (3 ticks): window sums s at centres 101..107 are
 * 14 22 30 22 12 3 9; the mean window sum is 15.
 *   HVN: 103 is the only local maximum (30 > 22 below, >= 22 above); 107
 *   (9 > 3, nothing above) is one too but 9 < 22.5.  Threshold 150 %:
 *   30 >= 22.5 flagged.  Exact boundary 200 %: 30*100*9 = 27000 >= 200*3*45
 *   = 27000 flagged; 201 %: 27135 > 27000, not.
 *   LVN: 106 (3 < 12 below, <= 9 above); 101 (14, nothing below, <= 22)
 *   is a local minimum but 14 > 7.5.  Threshold 50 %: 3 <= 7.5 flagged;
 *   exact 20 %: 3*900 = 2700 <= 20*135 = 2700 flagged; 19 %: 2565, not.
 *   POC: 102, 103, 104 tie at 10; middle (100+108)/2 = 104: 104.
 */
static void test_volume_nodes(void **state)
{
	(void)state;
	td_fp_params p = params();
	p.node_half = 1;
	td_footprint *fp = node_bar(&p);
	for (td_ticks px = 100; px <= 108; px++) {
		assert_int_equal(!!(flags_at(fp, 0, px) & TD_FP_HVN), px == 103);
		assert_int_equal(!!(flags_at(fp, 0, px) & TD_FP_LVN), px == 106);
	}
	assert_int_equal(bar(fp, 0).poc, 104);
	/* the session ladder holds the same profile */
	assert_true(flags_at(fp, TD_FP_SESSION, 103) & TD_FP_HVN);
	assert_true(flags_at(fp, TD_FP_SESSION, 106) & TD_FP_LVN);
	td_footprint_free(fp);
	static const uint32_t hvn[2] = { 200, 201 }, lvn[2] = { 20, 19 };
	for (int k = 0; k < 2; k++) {
		p.hvn_pct = hvn[k];
		p.lvn_pct = lvn[k];
		fp = node_bar(&p);
		assert_int_equal(!!(flags_at(fp, 0, 103) & TD_FP_HVN), k == 0);
		assert_int_equal(!!(flags_at(fp, 0, 106) & TD_FP_LVN), k == 0);
		td_footprint_free(fp);
	}
	/*
	 * A flat top yields its lowest price.  Volumes 100..106: 1 1 10 10 1 1 1,
	 * total 25 over 7 ticks; window sums at 101..105: 12 21 21 12 3.  102
	 * is a maximum (12 < 21 below, 21 >= 21 above) and 21*100*7 = 14700 >=
	 * 150*3*25 = 11250: HVN; 103 is not (21 is not > 21 below it).  105 is
	 * an LVN: 3 < 12 below, nothing above, 3*700 = 2100 <= 50*75 = 3750.
	 */
	p = params();
	p.node_half = 1;
	fp = make(&p);
	static const int64_t flat[7] = { 1, 1, 10, 10, 1, 1, 1 };
	for (int i = 0; i < 7; i++)
		trade(fp, 0, 100 + i, flat[i], NONE);
	for (td_ticks px = 100; px <= 106; px++) {
		assert_int_equal(!!(flags_at(fp, 0, px) & TD_FP_HVN), px == 102);
		assert_int_equal(!!(flags_at(fp, 0, px) & TD_FP_LVN), px == 105);
	}
	td_footprint_free(fp);
	/* 4 ticks cannot hold a window of 2*2+1 = 5 (default half 2): no nodes */
	td_footprint_defaults(&p);
	fp = make(&p);
	for (td_ticks px = 100; px <= 103; px++)
		trade(fp, 0, px, px == 101 ? 50 : 1, NONE);
	for (td_ticks px = 100; px <= 103; px++)
		assert_int_equal(flags_at(fp, 0, px) & (TD_FP_HVN | TD_FP_LVN), 0);
	td_footprint_free(fp);
}

/*
 * keep 3, one BUY 1 print a bar at 100..104: 3 bars held, the oldest (ago
 * 2) is the third (start 120, price 102); the session still has all 5
 * (volume 5, 100..104) and the live bar's cumulative delta is 5.
 */
static void test_ring_and_session(void **state)
{
	(void)state;
	td_fp_params p = params();
	p.keep = 3;
	td_footprint *fp = make(&p);
	for (int i = 0; i < 5; i++)
		trade(fp, 60 * i, 100 + i, 1, BUY);
	assert_int_equal(td_footprint_count(fp), 3);
	td_fp_bar b = bar(fp, 2);
	assert_int_equal(b.start, 120);
	assert_int_equal(b.high, 102);
	assert_int_equal(b.cum_delta, 3);
	assert_false(td_footprint_bar(fp, 3, &b));
	b = bar(fp, TD_FP_SESSION);
	assert_int_equal(b.volume, 5);
	assert_int_equal(b.low, 100);
	assert_int_equal(b.high, 104);
	assert_int_equal(b.open, 100);
	assert_int_equal(b.close, 104);
	assert_int_equal(bar(fp, 0).cum_delta, 5);
	td_fp_cell rows[5];
	assert_int_equal(td_footprint_rows(fp, TD_FP_SESSION, 104, rows, 5), 5);
	for (int i = 0; i < 5; i++)
		assert_int_equal(rows[i].ask, 1);
	assert_int_equal(td_footprint_rows(fp, 3, 104, rows, 5), 0);
	td_footprint_free(fp);
}

/*
 * A recycled slot starts clean: keep 1, bar 1 sells 7 at each of 100..110,
 * bar 2 buys 2 at 105 and 1 at 110, then 1 at 200 (a widening).  Bar 2's
 * cells 106..109 are empty, 105 has ask 2 and no bid; its cumulative delta
 * is 4 - 77 (11 prints of 7 sold before).  The session keeps bid 7 at 105.
 */
static void test_slot_reuse(void **state)
{
	(void)state;
	td_fp_params p = params();
	p.keep = 1;
	td_footprint *fp = make(&p);
	for (td_ticks px = 100; px <= 110; px++)
		trade(fp, 0, px, 7, SELL);
	trade(fp, 60, 105, 2, BUY);
	trade(fp, 61, 110, 1, BUY);
	trade(fp, 62, 200, 1, BUY);
	td_fp_cell c;
	for (td_ticks px = 106; px <= 109; px++)
		assert_false(td_footprint_cell(fp, 0, px, &c));
	assert_true(td_footprint_cell(fp, 0, 105, &c));
	assert_int_equal(c.ask, 2);
	assert_int_equal(c.bid, 0);
	td_fp_bar b = bar(fp, 0);
	assert_int_equal(b.low, 105);
	assert_int_equal(b.high, 200);
	assert_int_equal(b.volume, 4);
	assert_int_equal(b.cum_delta, 4 - 77);
	assert_true(td_footprint_cell(fp, TD_FP_SESSION, 105, &c));
	assert_int_equal(c.bid, 7);
	td_footprint_free(fp);
}

/*
 * A print stamped before the live bar joins it and is counted late; size 0
 * and a price that would make the session wider than max_ticks (8) are
 * refused: 100 then 107 span 8 ticks, 108 would span 9, 93 would span 15.
 */
static void test_late_and_refused(void **state)
{
	(void)state;
	td_fp_params p = params();
	p.max_ticks = 8;
	td_footprint *fp = make(&p);
	trade(fp, 100, 100, 1, BUY);
	trade(fp, 50, 107, 1, BUY);  /* bar [60, 120) is live; 50 is earlier */
	assert_int_equal(td_footprint_late(fp), 1);
	assert_int_equal(td_footprint_count(fp), 1);
	assert_int_equal(bar(fp, 0).volume, 2);
	td_trade t = { .ts = 101, .px = 101, .size = 0, .aggr = BUY };
	assert_false(td_footprint_add(fp, &t));
	t.size = 1;
	t.px = 108;
	assert_false(td_footprint_add(fp, &t));
	t.px = 93;
	t.ts = 500;  /* would open a new bar: refused before it does */
	assert_false(td_footprint_add(fp, &t));
	assert_int_equal(td_footprint_rejected(fp), 3);
	assert_int_equal(td_footprint_count(fp), 1);
	assert_int_equal(bar(fp, TD_FP_SESSION).volume, 2);
	t.px = 104;
	assert_true(td_footprint_add(fp, &t));
	assert_int_equal(td_footprint_count(fp), 2);
	td_footprint_free(fp);
}

/*
 * Ladders that widen many times, downwards and upwards, keep every cell:
 * prices sweep 0, -1, ..., -1500, then 1, ..., 1500, each price p getting
 * |p| % 7 + 1 lots, and the session's cells are compared with a plain
 * array of the same sums.
 */
static void test_growth(void **state)
{
	(void)state;
	td_fp_params p = params();
	td_footprint *fp = make(&p);
	static int64_t want[3001];
	memset(want, 0, sizeof(want));
	for (td_ticks px = 0; px >= -1500; px--) {
		trade(fp, 0, px, -px % 7 + 1, BUY);
		want[px + 1500] += -px % 7 + 1;
	}
	for (td_ticks px = 1; px <= 1500; px++) {
		trade(fp, 0, px, px % 7 + 1, BUY);
		want[px + 1500] += px % 7 + 1;
	}
	td_fp_cell c;
	for (td_ticks px = -1500; px <= 1500; px++) {
		assert_true(td_footprint_cell(fp, TD_FP_SESSION, px, &c));
		assert_int_equal(c.ask, want[px + 1500]);
		assert_true(td_footprint_cell(fp, 0, px, &c));
		assert_int_equal(c.ask, want[px + 1500]);
	}
	assert_true(td_footprint_bytes(fp) > 2 * 3001 * 32);  /* both ladders hold 3001 cells */
	td_footprint_free(fp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_params),
		cmocka_unit_test(test_alignment),
		cmocka_unit_test(test_volumes_and_delta),
		cmocka_unit_test(test_poc_ties),
		cmocka_unit_test(test_buy_imbalance_ratio),
		cmocka_unit_test(test_sell_imbalance_ratio),
		cmocka_unit_test(test_imbalance_min_and_zero),
		cmocka_unit_test(test_stacked_buy),
		cmocka_unit_test(test_stacked_sell),
		cmocka_unit_test(test_stack_gap),
		cmocka_unit_test(test_unfinished_auction),
		cmocka_unit_test(test_absorb_selling),
		cmocka_unit_test(test_absorb_buying),
		cmocka_unit_test(test_exhaustion),
		cmocka_unit_test(test_trapped_buyers),
		cmocka_unit_test(test_trapped_sellers),
		cmocka_unit_test(test_delta_divergence),
		cmocka_unit_test(test_volume_nodes),
		cmocka_unit_test(test_ring_and_session),
		cmocka_unit_test(test_slot_reuse),
		cmocka_unit_test(test_late_and_refused),
		cmocka_unit_test(test_growth),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
