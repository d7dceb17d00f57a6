/*
 * Unit tests for src/analytics/profile.c.  Every expected POC, value area and
 * node below is worked out by hand in the comment above the assertion, from
 * the rules in profile.h: Linnsoft Investor/RT "Method A" pairs (equal pair
 * goes up) and the mypivots DVATool POC tie rule (reference §3.2).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "analytics/profile.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define SEC TD_NS_PER_SEC

/* Run td_profile_va_of on a literal array and check POC, VAL, VAH. */
static void check_va(const int64_t *rows, size_t n, unsigned pct, size_t poc, size_t val, size_t vah,
		     int64_t in_va)
{
	td_va va;
	assert_int_equal(td_profile_va_of(rows, n, pct, &va), 0);
	assert_int_equal(va.poc, poc);
	assert_int_equal(va.val, val);
	assert_int_equal(va.vah, vah);
	assert_int_equal(va.in_va, in_va);
}

/*
 * Total 205, target 70 % = 143.5.  POC row 4 (60).  Above: 30 + 25 = 55,
 * below: 40 + 20 = 60, so add below (120, VAL 2).  Above 55 vs below
 * 10 + 5 = 15: add above (175 >= 143.5, VAH 6).
 */
static void test_va_pairs(void **state)
{
	(void)state;
	const int64_t rows[] = { 5, 10, 20, 40, 60, 30, 25, 10, 5 };
	check_va(rows, ARRAY_LEN(rows), 70, 4, 2, 6, 175);
}

/* Pairs 10 + 10 above and below tie: the pair goes up (Method A); 70 >= 63 stops. */
static void test_va_tie_goes_up(void **state)
{
	(void)state;
	const int64_t rows[] = { 10, 10, 50, 10, 10 };
	check_va(rows, ARRAY_LEN(rows), 70, 2, 2, 4, 70);
}

/*
 * Exactly 70 % stops: total 200, target 140.  POC row 1 (100); above
 * 20 + 20 = 40 beats the single row left below (30): 140, stop.
 */
static void test_va_exact_target_stops(void **state)
{
	(void)state;
	const int64_t rows[] = { 30, 100, 20, 20, 20, 10 };
	check_va(rows, ARRAY_LEN(rows), 70, 1, 1, 3, 140);
}

/*
 * End of range: the one row left below (45) is offered alone and beats the
 * pair above (20 + 20 = 40); total 150, target 105, and 60 + 45 = 105 stops.
 * With the POC at the bottom the lower side is skipped: 50, then +40 = 90.
 */
static void test_va_end_of_range(void **state)
{
	(void)state;
	const int64_t single[] = { 45, 60, 20, 20, 5 };
	check_va(single, ARRAY_LEN(single), 70, 1, 0, 1, 105);
	const int64_t bottom[] = { 50, 20, 20, 10 };
	check_va(bottom, ARRAY_LEN(bottom), 70, 0, 0, 2, 90);
	/* the POC alone can be the value area: 100 of 130 >= 91 */
	const int64_t tall[] = { 10, 100, 10, 10 };
	check_va(tall, ARRAY_LEN(tall), 70, 1, 1, 1, 100);
	/* 100 % covers the traded range; zero rows outside it are not part of it */
	const int64_t padded[] = { 0, 0, 3, 0, 9, 1, 0 };
	check_va(padded, ARRAY_LEN(padded), 100, 4, 2, 5, 13);
}

/*
 * POC ties.  {10,50,20,50,10}: middle row 2, rows 1 and 3 both one away;
 * below the middle 60, above 60: equal, so the lower row 1.  With the top
 * row 11 the upper side holds 61 and row 3 wins.  {50,10,10,50,10}: row 3
 * is one from the middle, row 0 two.  {40,10,10,40}: the middle is 1.5,
 * both 1.5 away, 50 a side: lower row 0; zero padding shifts nothing.
 */
static void test_poc_ties(void **state)
{
	(void)state;
	td_va va;
	const int64_t eq[] = { 10, 50, 20, 50, 10 };
	assert_int_equal(td_profile_va_of(eq, 5, 70, &va), 0);
	assert_int_equal(va.poc, 1);
	const int64_t heavy_top[] = { 10, 50, 20, 50, 11 };
	assert_int_equal(td_profile_va_of(heavy_top, 5, 70, &va), 0);
	assert_int_equal(va.poc, 3);
	const int64_t nearer[] = { 50, 10, 10, 50, 10 };
	assert_int_equal(td_profile_va_of(nearer, 5, 70, &va), 0);
	assert_int_equal(va.poc, 3);
	const int64_t even[] = { 40, 10, 10, 40 };
	assert_int_equal(td_profile_va_of(even, 4, 70, &va), 0);
	assert_int_equal(va.poc, 0);
	const int64_t padded[] = { 0, 0, 40, 10, 10, 40, 0 };
	assert_int_equal(td_profile_va_of(padded, 7, 70, &va), 0);
	assert_int_equal(va.poc, 2);
}

/* No volume, or a percentage outside 1..100, is refused. */
static void test_va_refused(void **state)
{
	(void)state;
	td_va va;
	const int64_t zero[] = { 0, 0, 0 };
	const int64_t one[] = { 7 };
	assert_int_equal(td_profile_va_of(zero, 3, 70, &va), -1);
	assert_int_equal(td_profile_va_of(one, 0, 70, &va), -1);
	assert_int_equal(td_profile_va_of(one, 1, 0, &va), -1);
	assert_int_equal(td_profile_va_of(one, 1, 101, &va), -1);
	check_va(one, 1, 100, 0, 0, 0, 7);
}

/*
 * Nodes with width 1, HVN >= 50 % and LVN <= 20 % of the peak (40):
 * row 2 (40 > 20 below, >= 20 above) and row 7 (30 > 10, >= 10, 30 >= 20)
 * are HVNs; row 5 (2 < 5 below, <= 10 above, 2 <= 8) is an LVN; row 4 (5)
 * is not, since the row above it is lower (2); edges 0 and 9 lack a side.
 */
static void test_nodes(void **state)
{
	(void)state;
	const int64_t rows[] = { 5, 20, 40, 20, 5, 2, 10, 30, 10, 3 };
	td_node nd[8];
	assert_int_equal(td_profile_nodes_of(rows, ARRAY_LEN(rows), 1, 50, 20, nd, 8), 3);
	assert_int_equal(nd[0].row, 2);
	assert_int_equal(nd[0].kind, TD_NODE_HVN);
	assert_int_equal(nd[1].row, 5);
	assert_int_equal(nd[1].kind, TD_NODE_LVN);
	assert_int_equal(nd[2].row, 7);
	assert_int_equal(nd[2].kind, TD_NODE_HVN);
	/* too few slots: the count is still 3 */
	assert_int_equal(td_profile_nodes_of(rows, ARRAY_LEN(rows), 1, 50, 20, nd, 1), 3);
	assert_int_equal(nd[0].row, 2);
	/* HVN at 80 %: 30 * 100 = 3000 < 40 * 80 = 3200 drops row 7 */
	assert_int_equal(td_profile_nodes_of(rows, ARRAY_LEN(rows), 1, 80, 20, nd, 8), 2);
	/* width 3: only rows 3..6 have three rows a side; row 5 (2) is under 5, 20, 40 below and
	 * 10, 30, 10 above; rows 2 and 7, peaks at width 1, are too near the edges now */
	assert_int_equal(td_profile_nodes_of(rows, ARRAY_LEN(rows), 3, 50, 20, nd, 8), 1);
	assert_int_equal(nd[0].row, 5);
	assert_int_equal(nd[0].kind, TD_NODE_LVN);
	/* a flat top is one node, at its lowest row */
	const int64_t flat[] = { 1, 10, 10, 1 };
	assert_int_equal(td_profile_nodes_of(flat, 4, 1, 50, 20, nd, 8), 1);
	assert_int_equal(nd[0].row, 1);
	assert_int_equal(td_profile_nodes_of(flat, 4, 0, 50, 20, nd, 8), 0);
}

/* A profile with 1-tick rows and no slices. */
static td_profile *new_profile(td_ticks row_ticks, size_t max_rows, td_ns slice_ns, size_t slice_bytes)
{
	td_profile_params pp = { row_ticks, max_rows, slice_ns, slice_bytes };
	char err[128];
	td_profile *p = td_profile_new(&pp, err, sizeof(err));
	if (!p)
		fail_msg("%s", err);
	return p;
}

/* Add one trade. */
static void trade(td_profile *p, td_ns ts, td_ticks px, int64_t size)
{
	td_trade tr = { ts, px, size, 0 };
	td_profile_add(p, &tr);
}

/* The first test's rows fed as trades at 100..108 give the same answer in prices. */
static void test_stats_from_trades(void **state)
{
	(void)state;
	td_profile *p = new_profile(1, 1000, 0, 0);
	assert_int_equal(td_profile_params_of(p)->max_rows, 1000);
	td_profile_stats st;
	assert_int_equal(td_profile_stats_get(p, 70, &st), -1);
	const int64_t vols[] = { 5, 10, 20, 40, 60, 30, 25, 10, 5 };
	for (size_t i = 0; i < ARRAY_LEN(vols); i++) {
		trade(p, 0, 100 + (td_ticks)i, vols[i] - 1);  /* two trades a row: count 2 per row */
		trade(p, 0, 100 + (td_ticks)i, 1);
	}
	assert_int_equal(td_profile_stats_get(p, 70, &st), 0);
	assert_int_equal(st.volume, 205);
	assert_int_equal(st.trades, 18);
	assert_int_equal(st.high, 108);
	assert_int_equal(st.low, 100);
	assert_int_equal(st.poc, 104);
	assert_int_equal(st.poc_volume, 60);
	assert_int_equal(st.val, 102);
	assert_int_equal(st.vah, 106);
	assert_int_equal(st.va_volume, 175);
	assert_int_equal(td_profile_stats_get(p, 0, &st), -1);
	td_profile_clear(p);
	assert_int_equal(td_profile_stats_get(p, 70, &st), -1);
	td_ticks lo;
	const int64_t *rows;
	assert_int_equal(td_profile_rows(p, &lo, &rows), 0);
	td_profile_free(p);
}

/*
 * 4-tick rows: -1 is in row -1 (low edge -4), 0..3 in row 0, 4 in row 1,
 * 7 in row 1, 8 in row 2.  High and low stay exact prices.
 */
static void test_row_ticks(void **state)
{
	(void)state;
	td_profile *p = new_profile(4, 1000, 0, 0);
	trade(p, 0, -1, 1);
	trade(p, 0, 0, 2);
	trade(p, 0, 3, 4);
	trade(p, 0, 4, 8);
	trade(p, 0, 7, 16);
	trade(p, 0, 8, 32);
	td_ticks lo;
	const int64_t *rows;
	assert_int_equal(td_profile_rows(p, &lo, &rows), 4);
	assert_int_equal(lo, -4);
	assert_int_equal(rows[0], 1);
	assert_int_equal(rows[1], 6);
	assert_int_equal(rows[2], 24);
	assert_int_equal(rows[3], 32);
	td_profile_stats st;
	assert_int_equal(td_profile_stats_get(p, 70, &st), 0);
	assert_int_equal(st.high, 8);
	assert_int_equal(st.low, -1);
	/* POC row 3 (32) of 63; target 44.1; below pair 24 + 6 = 30, above none: 62, VAL edge 0 */
	assert_int_equal(st.poc, 8);
	assert_int_equal(st.val, 0);
	assert_int_equal(st.vah, 8);
	td_profile_free(p);
}

/* The window regrows up and down far past its first size and keeps every row. */
static void test_growth(void **state)
{
	(void)state;
	td_profile *p = new_profile(1, 1 << 20, 0, 0);
	trade(p, 0, 1000, 1);
	trade(p, 0, 2000, 2);
	trade(p, 0, -4000, 4);
	trade(p, 0, 1001, 8);
	for (td_ticks px = -4000; px <= 2000; px += 1000)
		trade(p, 0, px, 16);
	td_ticks lo;
	const int64_t *rows;
	assert_int_equal(td_profile_rows(p, &lo, &rows), 6001);
	assert_int_equal(lo, -4000);
	assert_int_equal(rows[0], 4 + 16);
	assert_int_equal(rows[5000], 1 + 16);
	assert_int_equal(rows[5001], 8);
	assert_int_equal(rows[6000], 2 + 16);
	assert_int_equal(rows[4000], 16);  /* price 0 */
	assert_int_equal(rows[4001], 0);
	assert_int_equal(td_profile_dropped(p), 0);
	td_profile_free(p);
}

/* A span of max_rows rows is the limit; wider trades and empty sizes are dropped and counted. */
static void test_cap(void **state)
{
	(void)state;
	td_profile *p = new_profile(1, 10, 0, 0);
	trade(p, 0, 100, 1);
	trade(p, 0, 109, 1);  /* span 100..109 = 10 rows: fits */
	trade(p, 0, 110, 1);  /* 11 rows: dropped */
	trade(p, 0, 99, 1);   /* 11 rows: dropped */
	trade(p, 0, 105, 0);  /* no size: dropped */
	for (td_ticks px = 100; px <= 109; px++)
		trade(p, 0, px, 1);
	td_ticks lo;
	const int64_t *rows;
	assert_int_equal(td_profile_rows(p, &lo, &rows), 10);
	assert_int_equal(lo, 100);
	assert_int_equal(rows[0], 2);
	assert_int_equal(rows[9], 2);
	assert_int_equal(td_profile_dropped(p), 3);
	td_profile_params bad = { 0, 10, 0, 0 };
	char err[128];
	assert_null(td_profile_new(&bad, err, sizeof(err)));
	bad = (td_profile_params){ 1, 0, 0, 0 };
	assert_null(td_profile_new(&bad, err, sizeof(err)));
	td_profile_free(p);
}

/*
 * One-minute slices: 100x1 at 0 s and 101x2 at 30 s fall in [0, 60 s);
 * 100x4 at 60 s in [60, 120 s); 102x8 at 125 s opens [120, 180 s), and a
 * late 103x16 stamped 10 s arrives while that slice is open, so it counts
 * there, not in the first minute.
 */
static void test_range(void **state)
{
	(void)state;
	td_profile *p = new_profile(1, 1000, 60 * SEC, 1 << 20);
	td_profile *out = new_profile(1, 1000, 0, 0);
	trade(p, 0, 100, 1);
	trade(p, 30 * SEC, 101, 2);
	trade(p, 60 * SEC, 100, 4);
	trade(p, 125 * SEC, 102, 8);
	trade(p, 10 * SEC, 103, 16);
	td_ticks lo;
	const int64_t *rows;

	assert_int_equal(td_profile_range(p, 0, 60 * SEC, out), 0);
	assert_int_equal(td_profile_rows(out, &lo, &rows), 2);
	assert_int_equal(lo, 100);
	assert_int_equal(rows[0], 1);
	assert_int_equal(rows[1], 2);

	assert_int_equal(td_profile_range(p, 60 * SEC, 180 * SEC, out), 0);
	assert_int_equal(td_profile_rows(out, &lo, &rows), 4);
	assert_int_equal(rows[0], 4);
	assert_int_equal(rows[1], 0);
	assert_int_equal(rows[2], 8);
	assert_int_equal(rows[3], 16);
	td_profile_stats st;
	assert_int_equal(td_profile_stats_get(out, 70, &st), 0);
	assert_int_equal(st.volume, 28);
	assert_int_equal(st.high, 103);
	assert_int_equal(st.low, 100);

	/* the whole day equals the session profile: 100x5, 101x2, 102x8, 103x16 */
	assert_int_equal(td_profile_range(p, 0, 180 * SEC, out), 0);
	assert_int_equal(td_profile_rows(out, &lo, &rows), 4);
	assert_int_equal(rows[0], 5);
	assert_int_equal(rows[1], 2);
	/* a range starting at 30 s begins with the slice at 60 s; empty range gives nothing */
	assert_int_equal(td_profile_range(p, 30 * SEC, 61 * SEC, out), 0);
	assert_int_equal(td_profile_rows(out, &lo, &rows), 1);
	assert_int_equal(rows[0], 4);
	assert_int_equal(td_profile_range(p, 200 * SEC, 300 * SEC, out), 0);
	assert_int_equal(td_profile_rows(out, &lo, &rows), 0);

	/* a result with other rows, or a profile without slices, cannot answer */
	td_profile *wide = new_profile(2, 1000, 0, 0);
	assert_int_equal(td_profile_range(p, 0, 60 * SEC, wide), -1);
	td_profile_free(wide);
	assert_int_equal(td_profile_range(out, 0, 60 * SEC, p), -1);
	td_profile_free(out);
	td_profile_free(p);
}

/* With no room for slices every closed slice is lost, and a range that needs one says so. */
static void test_range_store_full(void **state)
{
	(void)state;
	td_profile *p = new_profile(1, 1000, 60 * SEC, 0);
	td_profile *out = new_profile(1, 1000, 0, 0);
	trade(p, 0, 100, 1);
	trade(p, 60 * SEC, 101, 2);
	td_ticks lo;
	const int64_t *rows;
	assert_int_equal(td_profile_range(p, 0, 60 * SEC, out), -1);
	assert_int_equal(td_profile_rows(out, &lo, &rows), 0);
	assert_int_equal(td_profile_range(p, 60 * SEC, 120 * SEC, out), 0);  /* the open slice is whole */
	assert_int_equal(td_profile_rows(out, &lo, &rows), 1);
	assert_int_equal(lo, 101);
	assert_int_equal(rows[0], 2);
	/* the session profile itself lost nothing */
	td_profile_stats st;
	assert_int_equal(td_profile_stats_get(p, 70, &st), 0);
	assert_int_equal(st.volume, 3);
	td_profile_free(out);
	td_profile_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_va_pairs),
		cmocka_unit_test(test_va_tie_goes_up),
		cmocka_unit_test(test_va_exact_target_stops),
		cmocka_unit_test(test_va_end_of_range),
		cmocka_unit_test(test_poc_ties),
		cmocka_unit_test(test_va_refused),
		cmocka_unit_test(test_nodes),
		cmocka_unit_test(test_stats_from_trades),
		cmocka_unit_test(test_row_ticks),
		cmocka_unit_test(test_growth),
		cmocka_unit_test(test_cap),
		cmocka_unit_test(test_range),
		cmocka_unit_test(test_range_store_full),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
