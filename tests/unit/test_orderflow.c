/*
 * Order flow: VPIN against the published formula on hand-sized buckets, book
 * imbalance, sweeps and large lots at the boundaries of their definitions
 * (doc/orderflow.md).  Every expected number is worked out in the comment
 * beside it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "analytics/orderflow.h"

#define B TD_SIDE_BUY
#define S TD_SIDE_SELL
#define N TD_SIDE_NONE
#define T0 ((td_ns)1000 * TD_NS_PER_SEC)
#define MS TD_NS_PER_MS

/* Doubles here are ratios of small integers, so they must match to 1e-12. */
static void assert_near(double got, double want)
{
	if (fabs(got - want) > 1e-12)
		fail_msg("got %.15g, want %.15g", got, want);
}

static td_orderflow *make(td_orderflow_params p)
{
	char err[128] = "";
	td_orderflow *of = td_orderflow_new(&p, err, sizeof(err));
	if (!of)
		fail_msg("td_orderflow_new: %s", err);
	return of;
}

/* Feed one print and return what it did. */
static td_orderflow_out add(td_orderflow *of, uint8_t aggr, td_ticks px, int64_t size, td_ns ts)
{
	td_trade t = { .ts = ts, .px = px, .size = size, .aggr = aggr };
	td_orderflow_out out;
	assert_int_equal(td_orderflow_add_trade(of, &t, &out), 0);
	return out;
}

/* Feed a print whose price and time do not matter (VPIN and size tests). */
static td_orderflow_out vol(td_orderflow *of, uint8_t aggr, int64_t size)
{
	return add(of, aggr, 100, size, T0);
}

static double vpin_ready(const td_orderflow *of)
{
	double v = -1;
	assert_true(td_orderflow_vpin(of, &v, NULL));
	return v;
}

/* ---- VPIN ----------------------------------------------------------------- */

/* V = 10, n = 2, worked by hand with the split rule. */
static void test_vpin_hand_case(void **state)
{
	(void)state;
	td_orderflow *of = make((td_orderflow_params){ .bucket_volume = 10, .buckets = 2 });
	uint64_t have = 99;
	double v = -1;

	/* buy 7: bucket 1 holds B7, not full */
	assert_int_equal(vol(of, B, 7).buckets, 0);
	/* sell 5: 3 lots complete bucket 1 (B7 S3, |7-3| = 4), 2 lots start bucket 2 */
	td_orderflow_out o = vol(of, S, 5);
	assert_int_equal(o.buckets, 1);
	assert_true(o.flags & TD_OF_BUCKET);
	/* one bucket of the two needed: "not enough buckets", and v untouched */
	assert_false(td_orderflow_vpin(of, &v, &have));
	assert_int_equal(have, 1);
	assert_near(v, -1);
	/* buy 8: bucket 2 = S2 B8, exactly full, |8-2| = 6 */
	assert_int_equal(vol(of, B, 8).buckets, 1);
	assert_true(td_orderflow_vpin(of, &v, &have));
	assert_int_equal(have, 2);
	assert_near(v, (4.0 + 6.0) / (2 * 10)); /* 0.5 */
	/* unknown side 10: half buy, half sell, |5-5| = 0; window = buckets 2, 3 */
	assert_int_equal(vol(of, N, 10).buckets, 1);
	assert_near(vpin_ready(of), (6.0 + 0.0) / (2 * 10)); /* 0.3 */
	td_orderflow_free(of);
}

/* The reference's hand case: buckets of pure buying (or selling) give 1, balanced ones 0. */
static void test_vpin_one_sided_and_balanced(void **state)
{
	(void)state;
	td_orderflow *of = make((td_orderflow_params){ .bucket_volume = 10, .buckets = 2 });
	vol(of, B, 10);
	vol(of, B, 10);
	assert_near(vpin_ready(of), 1.0); /* (10 + 10) / 20 */
	vol(of, S, 10);
	vol(of, S, 10);
	assert_near(vpin_ready(of), 1.0);
	for (int i = 0; i < 4; i++) {
		vol(of, B, 5);
		vol(of, S, 5);
	}
	assert_near(vpin_ready(of), 0.0); /* two buckets of B5 S5 */
	td_orderflow_free(of);
}

/* Ready exactly when the n-th bucket completes, not one lot before. */
static void test_vpin_not_enough_buckets_boundary(void **state)
{
	(void)state;
	td_orderflow *of = make((td_orderflow_params){ .bucket_volume = 10, .buckets = 3 });
	double v;
	uint64_t have;
	assert_false(td_orderflow_vpin(of, &v, &have));
	assert_int_equal(have, 0);
	vol(of, B, 29); /* 2 full buckets + 9 lots */
	assert_false(td_orderflow_vpin(of, &v, &have));
	assert_int_equal(have, 2);
	vol(of, S, 1); /* bucket 3 = B9 S1 */
	assert_true(td_orderflow_vpin(of, &v, &have));
	assert_int_equal(have, 3);
	assert_near(v, (10.0 + 10.0 + 8.0) / (3 * 10)); /* 28/30 */
	td_orderflow_free(of);
}

/* One print spanning several buckets is split; the remainder starts the next bucket. */
static void test_vpin_print_spans_buckets(void **state)
{
	(void)state;
	td_orderflow *of = make((td_orderflow_params){ .bucket_volume = 10, .buckets = 2 });
	td_orderflow_out o = vol(of, B, 35); /* buckets B10, B10, B10, then B5 open */
	assert_int_equal(o.buckets, 3);
	assert_near(vpin_ready(of), 1.0);
	o = vol(of, S, 15); /* 5 close bucket 4 (B5 S5, 0); 10 fill bucket 5 (S10, 10) */
	assert_int_equal(o.buckets, 2);
	assert_near(vpin_ready(of), (0.0 + 10.0) / 20); /* 0.5 */
	td_orderflow_free(of);
}

/* A print longer than the window still leaves exactly its last n buckets in it. */
static void test_vpin_print_longer_than_window(void **state)
{
	(void)state;
	td_orderflow *of = make((td_orderflow_params){ .bucket_volume = 10, .buckets = 2 });
	uint64_t have;
	double v;
	vol(of, S, 5);
	/* 5 close bucket 1 (S5 B5, 0), then buckets B10, B10, B10: the window is the last two */
	assert_int_equal(vol(of, B, 35).buckets, 4);
	assert_true(td_orderflow_vpin(of, &v, &have));
	assert_int_equal(have, 4);
	assert_near(v, (10.0 + 10.0) / 20);
	vol(of, S, 5);
	/* 5 close bucket 5 (S5 B5), then B10 x 3 again; a window holding the balanced
	 * bucket would read 0.5 */
	assert_int_equal(vol(of, B, 35).buckets, 4);
	assert_true(td_orderflow_vpin(of, &v, &have));
	assert_int_equal(have, 8);
	assert_near(v, 1.0);
	td_orderflow_free(of);
}

/* An odd unknown-side print splits in half-lots exactly. */
static void test_vpin_unknown_side_split(void **state)
{
	(void)state;
	td_orderflow *of = make((td_orderflow_params){ .bucket_volume = 10, .buckets = 1 });
	vol(of, N, 3); /* buy 1.5, sell 1.5 */
	vol(of, B, 7); /* buy 8.5, sell 1.5: |8.5 - 1.5| = 7 */
	assert_near(vpin_ready(of), 7.0 / 10);
	td_orderflow_free(of);
}

/* A print of 10^11 buckets completes at once and leaves a correct window. */
static void test_vpin_huge_print(void **state)
{
	(void)state;
	td_orderflow *of = make((td_orderflow_params){ .bucket_volume = 10, .buckets = 2 });
	uint64_t have;
	double v;
	td_orderflow_out o = vol(of, B, 1000000000003LL); /* 10^11 buckets of B10, then B3 open */
	assert_int_equal(o.buckets, 100000000000ULL);
	assert_true(td_orderflow_vpin(of, &v, &have));
	assert_int_equal(have, 100000000000ULL);
	assert_near(v, 1.0);
	vol(of, S, 7); /* bucket B3 S7: |3-7| = 4; window = B10 bucket (10) and it */
	assert_near(vpin_ready(of), (10.0 + 4.0) / 20);
	vol(of, S, 5);
	vol(of, B, 5); /* bucket B5 S5 = 0; window = 4 and 0 */
	assert_near(vpin_ready(of), 4.0 / 20);
	td_orderflow_free(of);
}

/* ---- book imbalance ------------------------------------------------------- */

static void test_imbalance_l1(void **state)
{
	(void)state;
	double x;
	assert_int_equal(td_orderflow_imbalance_l1(30, 10, &x), 0);
	assert_near(x, 0.5);  /* (30-10)/40 */
	assert_int_equal(td_orderflow_imbalance_l1(10, 30, &x), 0);
	assert_near(x, -0.5);
	assert_int_equal(td_orderflow_imbalance_l1(0, 5, &x), 0);
	assert_near(x, -1.0); /* only offers rest: the bottom of the range */
	assert_int_equal(td_orderflow_imbalance_l1(5, 0, &x), 0);
	assert_near(x, 1.0);
	x = 7;
	assert_int_equal(td_orderflow_imbalance_l1(0, 0, &x), -1); /* empty book */
	assert_near(x, 0.0);
	assert_int_equal(td_orderflow_imbalance_l1(-5, 0, &x), -1); /* negative counts as 0 */
	assert_near(x, 0.0);
	assert_int_equal(td_orderflow_imbalance_l1(-5, 10, &x), 0);
	assert_near(x, -1.0); /* (0-10)/(0+10) */
}

static void test_imbalance_top_k(void **state)
{
	(void)state;
	const int64_t bids[] = { 10, 20, 30 }, asks[] = { 5, 5, 50 };
	double x;
	assert_int_equal(td_orderflow_imbalance(bids, 3, asks, 3, 1, &x), 0);
	assert_near(x, 5.0 / 15);   /* (10-5)/(10+5) */
	assert_int_equal(td_orderflow_imbalance(bids, 3, asks, 3, 2, &x), 0);
	assert_near(x, 20.0 / 40);  /* (30-10)/(30+10) */
	assert_int_equal(td_orderflow_imbalance(bids, 3, asks, 3, 3, &x), 0);
	assert_near(x, 0.0);        /* (60-60)/120 */
	assert_int_equal(td_orderflow_imbalance(bids, 3, asks, 3, 10, &x), 0);
	assert_near(x, 0.0);        /* k beyond the book counts what there is */
	assert_int_equal(td_orderflow_imbalance(bids, 3, asks, 1, 3, &x), 0);
	assert_near(x, 55.0 / 65);  /* (60-5)/(60+5): a thin ask side */
	assert_int_equal(td_orderflow_imbalance(bids, 3, asks, 3, 0, &x), -1);
	assert_int_equal(td_orderflow_imbalance(NULL, 0, NULL, 0, 5, &x), -1);
}

/* ---- sweeps --------------------------------------------------------------- */

/* A buy taking 100, 101, 102 is reported when it qualifies and again when closed. */
static void test_sweep_buy_reported(void **state)
{
	(void)state;
	td_orderflow *of = make((td_orderflow_params){ .bucket_volume = 1000 });
	td_orderflow_sweep sw;
	assert_int_equal(add(of, B, 100, 5, T0).flags, 0);
	assert_false(td_orderflow_sweep_live(of, &sw));
	td_orderflow_out o = add(of, B, 101, 3, T0); /* second distinct price: default 2 levels */
	assert_int_equal(o.flags, TD_OF_SWEEP_START);
	assert_int_equal(o.sweep.levels, 2);
	assert_int_equal(o.sweep.size, 8);
	assert_int_equal(add(of, B, 102, 2, T0 + 1 * MS).flags, 0); /* grows; reported once */
	assert_true(td_orderflow_sweep_live(of, &sw));
	assert_int_equal(sw.levels, 3);
	o = add(of, S, 101, 1, T0 + 2 * MS); /* the other side closes it */
	assert_int_equal(o.flags, TD_OF_SWEEP_END);
	assert_int_equal(o.sweep.side, B);
	assert_int_equal(o.sweep.start_px, 100);
	assert_int_equal(o.sweep.end_px, 102);
	assert_int_equal(o.sweep.levels, 3);
	assert_int_equal(o.sweep.prints, 3);
	assert_int_equal(o.sweep.size, 10);     /* 5 + 3 + 2, not the closing sell */
	assert_int_equal(o.sweep.end_ns - o.sweep.start_ns, 1 * MS);
	assert_false(td_orderflow_sweep_live(of, &sw)); /* the sell is a 1-level run */
	td_orderflow_free(of);
}

/* A sell sweep walks down; an unknown-side print closes it and starts nothing. */
static void test_sweep_sell_closed_by_unknown(void **state)
{
	(void)state;
	td_orderflow *of = make((td_orderflow_params){ .bucket_volume = 1000, .sweep_levels = 3 });
	add(of, S, 100, 1, T0);
	add(of, S, 99, 1, T0);
	assert_int_equal(add(of, S, 97, 4, T0).flags, TD_OF_SWEEP_START);
	td_orderflow_out o = add(of, N, 97, 1, T0);
	assert_int_equal(o.flags, TD_OF_SWEEP_END);
	assert_int_equal(o.sweep.side, S);
	assert_int_equal(o.sweep.start_px, 100);
	assert_int_equal(o.sweep.end_px, 97);
	assert_int_equal(o.sweep.levels, 3);
	assert_int_equal(o.sweep.size, 6);
	/* unknown-side prints walking down never make a sweep */
	assert_int_equal(add(of, N, 96, 1, T0).flags, 0);
	assert_int_equal(add(of, N, 95, 1, T0).flags, 0);
	/* the unknown prints started no run, so this sell is alone */
	assert_int_equal(add(of, S, 96, 1, T0).flags, 0);
	assert_int_equal(add(of, S, 95, 1, T0).flags, 0); /* 2 levels < 3 */
	td_orderflow_free(of);
}

/* W is inclusive: the last print may come exactly W after the first, not 1 ns more. */
static void test_sweep_window_boundary(void **state)
{
	(void)state;
	td_orderflow_params p = { .bucket_volume = 1000, .sweep_window = 50 * MS };
	td_orderflow *in = make(p), *out = make(p);
	add(in, B, 100, 1, T0);
	assert_int_equal(add(in, B, 101, 1, T0 + 50 * MS).flags, TD_OF_SWEEP_START);
	add(out, B, 100, 1, T0);
	assert_int_equal(add(out, B, 101, 1, T0 + 50 * MS + 1).flags, 0);
	td_orderflow_sweep sw;
	assert_false(td_orderflow_sweep_live(out, &sw));
	td_orderflow_free(in);
	td_orderflow_free(out);
}

/* The default W is 50 ms. */
static void test_sweep_default_window(void **state)
{
	(void)state;
	td_orderflow *of = make((td_orderflow_params){ .bucket_volume = 1000 });
	add(of, S, 100, 1, T0);
	assert_int_equal(add(of, S, 99, 1, T0 + 50 * MS).flags, TD_OF_SWEEP_START);
	add(of, S, 90, 1, T0 + 100 * MS); /* new run at 90: 100 ms after 100's print */
	assert_int_equal(add(of, S, 89, 1, T0 + 150 * MS + 1).flags, 0);
	td_orderflow_free(of);
}

/* Level count boundary: 3 required, 2 distinct prices are not enough; repeats add none. */
static void test_sweep_level_boundary(void **state)
{
	(void)state;
	td_orderflow *of = make((td_orderflow_params){ .bucket_volume = 1000, .sweep_levels = 3 });
	td_orderflow_sweep sw;
	add(of, B, 100, 1, T0);
	add(of, B, 100, 1, T0);
	add(of, B, 101, 1, T0);
	assert_int_equal(add(of, B, 101, 1, T0).flags, 0);
	assert_false(td_orderflow_sweep_live(of, &sw)); /* 4 prints, 2 levels */
	td_orderflow_out o = add(of, B, 102, 1, T0);
	assert_int_equal(o.flags, TD_OF_SWEEP_START);
	assert_int_equal(o.sweep.levels, 3);
	assert_int_equal(o.sweep.prints, 5);
	td_orderflow_free(of);
}

/* A print against the aggressor's direction, or back in time, ends the run. */
static void test_sweep_breaks(void **state)
{
	(void)state;
	td_orderflow *of = make((td_orderflow_params){ .bucket_volume = 1000 });
	add(of, B, 100, 1, T0);
	add(of, B, 101, 1, T0 + 1 * MS);
	td_orderflow_out o = add(of, B, 100, 1, T0 + 2 * MS); /* buy lower: a new run */
	assert_int_equal(o.flags, TD_OF_SWEEP_END);
	assert_int_equal(o.sweep.end_px, 101);
	add(of, B, 101, 1, T0 + 10 * MS);
	/* in the window and the right direction, but earlier than the run's last print */
	o = add(of, B, 102, 1, T0 + 5 * MS);
	assert_int_equal(o.flags, TD_OF_SWEEP_END);
	assert_int_equal(o.sweep.end_ns, T0 + 10 * MS);
	assert_int_equal(add(of, B, 103, 1, T0 + 6 * MS).flags, TD_OF_SWEEP_START);
	/* the other side ends the sweep; that lone sell, ended in turn, is none */
	assert_int_equal(add(of, S, 103, 1, T0 + 7 * MS).flags, TD_OF_SWEEP_END);
	assert_int_equal(add(of, B, 104, 1, T0 + 7 * MS).flags, 0);
	td_orderflow_free(of);
}

/* ---- blocks and large lots ------------------------------------------------ */

static void test_block_threshold(void **state)
{
	(void)state;
	td_orderflow *of = make((td_orderflow_params){ .bucket_volume = 1 << 20, .block_size = 500 });
	assert_false(vol(of, B, 499).flags & TD_OF_BLOCK);
	assert_true(vol(of, B, 500).flags & TD_OF_BLOCK);
	assert_true(vol(of, N, 501).flags & TD_OF_BLOCK);
	td_orderflow_free(of);
	of = make((td_orderflow_params){ .bucket_volume = 1 << 20 }); /* no block size: off */
	assert_false(vol(of, B, 1000000).flags & TD_OF_BLOCK);
	td_orderflow_free(of);
}

/*
 * N = 10, p90: nearest rank ceil(0.9 * 10) = 9th smallest of the previous 10
 * prints; sizes below 16 are exact, so large means size > that print.
 */
static void test_large_lot_sliding_p90(void **state)
{
	(void)state;
	td_orderflow *of = make((td_orderflow_params){ .bucket_volume = 1 << 20,
						       .large_window = 10, .large_pct = 90 });
	for (int s = 1; s <= 9; s++)
		assert_false(vol(of, B, s).flags & TD_OF_LARGE);
	assert_false(vol(of, B, 1000).flags & TD_OF_LARGE); /* only 9 prints before it */
	/* window 1..9,1000: 9th smallest 9 */
	assert_false(vol(of, B, 9).flags & TD_OF_LARGE);
	/* window 2..9,1000,9 -> 2,3,4,5,6,7,8,9,9,1000: 9th smallest 9 */
	assert_true(vol(of, B, 10).flags & TD_OF_LARGE);
	/* window 3..9,1000,9,10 -> 3,..,8,9,9,10,1000: 9th smallest 10 */
	assert_false(vol(of, B, 10).flags & TD_OF_LARGE);
	/* window 4..9,1000,9,10,10 -> 4,..,8,9,9,10,10,1000: 9th smallest 10 */
	assert_true(vol(of, B, 11).flags & TD_OF_LARGE);
	td_orderflow_free(of);
}

/* The percentile walks down when the big prints age out of the window. */
static void test_large_lot_percentile_falls(void **state)
{
	(void)state;
	td_orderflow *of = make((td_orderflow_params){ .bucket_volume = 1 << 20,
						       .large_window = 10, .large_pct = 90 });
	for (int i = 0; i < 10; i++)
		vol(of, B, 100);
	for (int i = 0; i < 8; i++) /* the 9th smallest stays 100 while two 100s remain */
		assert_false(vol(of, B, 1).flags & TD_OF_LARGE);
	/* window 1 x8, 100 x2: 9th smallest 100 */
	assert_false(vol(of, B, 2).flags & TD_OF_LARGE);
	/* window 1 x8, 100, 2: 9th smallest 2 */
	assert_true(vol(of, B, 3).flags & TD_OF_LARGE);
	/* window 1 x8, 2, 3: 9th smallest 2 */
	assert_false(vol(of, B, 2).flags & TD_OF_LARGE);
	td_orderflow_free(of);
}

/* Above 16 lots the buckets are 8 per power of two: 64..127 in steps of 8. */
static void test_large_lot_log_buckets(void **state)
{
	(void)state;
	td_orderflow *of = make((td_orderflow_params){ .bucket_volume = 1 << 20,
						       .large_window = 10, .large_pct = 90 });
	for (int i = 0; i < 10; i++)
		vol(of, B, 100);
	/* 9th smallest 100, in the bucket [96, 104): 103 shares it, 104 is above */
	assert_false(vol(of, B, 103).flags & TD_OF_LARGE);
	/* window 100 x9, 103: 9th smallest still 100 */
	assert_true(vol(of, B, 104).flags & TD_OF_LARGE);
	td_orderflow_free(of);
}

/* Nearest rank rounds up: p91 of 10 prints is the ceil(9.1) = 10th smallest, the largest. */
static void test_large_lot_rank_rounds_up(void **state)
{
	(void)state;
	td_orderflow *of = make((td_orderflow_params){ .bucket_volume = 1 << 20,
						       .large_window = 10, .large_pct = 91 });
	for (int s = 1; s <= 10; s++)
		vol(of, B, s);
	/* window 1..10: 10th smallest 10 (p90 would take the 9th, 9, and flag this 10) */
	assert_false(vol(of, B, 10).flags & TD_OF_LARGE);
	/* window 2..10,10: 10th smallest 10 */
	assert_true(vol(of, B, 11).flags & TD_OF_LARGE);
	td_orderflow_free(of);
}

/* Default p99 over 1000 prints: the 990th smallest. */
static void test_large_lot_defaults(void **state)
{
	(void)state;
	td_orderflow *of = make((td_orderflow_params){ .bucket_volume = 1 << 20 });
	for (int i = 0; i < 989; i++)
		vol(of, B, 1);
	for (int i = 0; i < 11; i++)
		vol(of, B, 5);
	/* 989 ones then 11 fives: the 990th smallest is 5, so 5 is not large */
	assert_false(vol(of, B, 5).flags & TD_OF_LARGE);
	/* dropped a 1, added a 5: 988 ones, so the 990th smallest is still 5 */
	assert_true(vol(of, B, 6).flags & TD_OF_LARGE);
	td_orderflow_free(of);
}

/* ---- input and parameters ------------------------------------------------- */

static void test_bad_prints_rejected(void **state)
{
	(void)state;
	td_orderflow *of = make((td_orderflow_params){ .bucket_volume = 1 });
	td_orderflow_out o;
	const td_trade bad[] = {
		{ .ts = T0, .px = 100, .size = 0, .aggr = B },
		{ .ts = T0, .px = 100, .size = -3, .aggr = B },
		{ .ts = T0, .px = 100, .size = TD_ORDERFLOW_MAX_SIZE + 1, .aggr = B },
		{ .ts = T0, .px = 100, .size = 1, .aggr = 3 },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(td_orderflow_add_trade(of, &bad[i], &o), -1);
	assert_int_equal(td_orderflow_rejected(of), 4);
	uint64_t have;
	double v;
	assert_false(td_orderflow_vpin(of, &v, &have));
	assert_int_equal(have, 0);
	/* the largest accepted size goes through */
	td_trade ok = { .ts = T0, .px = 100, .size = TD_ORDERFLOW_MAX_SIZE, .aggr = B };
	assert_int_equal(td_orderflow_add_trade(of, &ok, &o), 0);
	td_orderflow_free(of);
}

static void test_bad_params(void **state)
{
	(void)state;
	const struct {
		td_orderflow_params p;
		const char *msg;
	} cases[] = {
		{ { .bucket_volume = 0 }, "bad order-flow parameter: 'bucket_volume' must be 1..2^40" },
		{ { .bucket_volume = 10, .buckets = -1 }, "bad order-flow parameter: 'buckets' must be 1..100000" },
		{ { .bucket_volume = 10, .sweep_levels = 1 }, "bad order-flow parameter: 'sweep_levels' must be at least 2" },
		{ { .bucket_volume = 10, .large_pct = 100 }, "bad order-flow parameter: 'large_pct' must be 1..99" },
		{ { .bucket_volume = 10, .block_size = -1 }, "bad order-flow parameter: 'block_size' must not be negative" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char err[128] = "";
		assert_null(td_orderflow_new(&cases[i].p, err, sizeof(err)));
		assert_string_equal(err, cases[i].msg);
	}
	td_orderflow_params max = { .bucket_volume = (int64_t)1 << 40, .buckets = 100000, .sweep_levels = 2,
				    .large_window = 1, .large_pct = 1 };
	td_orderflow *of = td_orderflow_new(&max, NULL, 0);
	assert_non_null(of);
	td_orderflow_free(of);
	td_orderflow_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vpin_hand_case),
		cmocka_unit_test(test_vpin_one_sided_and_balanced),
		cmocka_unit_test(test_vpin_not_enough_buckets_boundary),
		cmocka_unit_test(test_vpin_print_spans_buckets),
		cmocka_unit_test(test_vpin_print_longer_than_window),
		cmocka_unit_test(test_vpin_unknown_side_split),
		cmocka_unit_test(test_vpin_huge_print),
		cmocka_unit_test(test_imbalance_l1),
		cmocka_unit_test(test_imbalance_top_k),
		cmocka_unit_test(test_sweep_buy_reported),
		cmocka_unit_test(test_sweep_sell_closed_by_unknown),
		cmocka_unit_test(test_sweep_window_boundary),
		cmocka_unit_test(test_sweep_default_window),
		cmocka_unit_test(test_sweep_level_boundary),
		cmocka_unit_test(test_sweep_breaks),
		cmocka_unit_test(test_block_threshold),
		cmocka_unit_test(test_large_lot_sliding_p90),
		cmocka_unit_test(test_large_lot_percentile_falls),
		cmocka_unit_test(test_large_lot_log_buckets),
		cmocka_unit_test(test_large_lot_rank_rounds_up),
		cmocka_unit_test(test_large_lot_defaults),
		cmocka_unit_test(test_bad_prints_rejected),
		cmocka_unit_test(test_bad_params),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
