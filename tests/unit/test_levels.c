/*
 * Levels: merging at the tolerance boundary, the anchored (not chained) merge,
 * the strength score worked from the weight table, reasons, order, and micro
 * levels at the band's edge.  Every expected number is worked out beside it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "analytics/levels.h"

#define LEN(a) (sizeof(a) / sizeof((a)[0]))

static td_levels *build(const td_level_in *in, size_t n, td_ticks tol)
{
	td_levels *lv = td_levels_new(16);
	assert_non_null(lv);
	int got = td_levels_build(lv, in, n, tol);
	assert_int_equal(got, (int)td_levels_count(lv));
	return lv;
}

static void test_kind_table(void **state)
{
	(void)state;
	assert_int_equal(td_levels_weight(TD_LVL_POC), 3);
	assert_int_equal(td_levels_weight(TD_LVL_PRIOR_HIGH), 3);
	assert_int_equal(td_levels_weight(TD_LVL_VAH), 2);
	assert_int_equal(td_levels_weight(TD_LVL_LVN), 1);
	assert_int_equal(td_levels_weight(TD_LVL_PIVOT), 1);
	assert_string_equal(td_levels_kind_name(TD_LVL_PRIOR_HIGH), "prior-day high");
	assert_string_equal(td_levels_kind_name(TD_LVL_ON_LOW), "overnight low");
	assert_string_equal(td_levels_kind_name(TD_LVL_KIND_COUNT), "?");
	assert_int_equal(td_levels_weight(TD_LVL_KIND_COUNT), 0);
	for (int k = 0; k < TD_LVL_KIND_COUNT; k++) /* every kind is named and weighted */
		assert_true(td_levels_weight((td_level_kind)k) >= 1 &&
			    strcmp(td_levels_kind_name((td_level_kind)k), "?") != 0);
}

/* tol = 2: candidates 2 ticks apart merge, 3 ticks apart do not. */
static void test_merge_tolerance_boundary(void **state)
{
	(void)state;
	const td_level_in two[] = { { 100, TD_LVL_POC, "POC" }, { 102, TD_LVL_PRIOR_HIGH, "PDH" } };
	td_levels *lv = build(two, LEN(two), 2);
	assert_int_equal(td_levels_count(lv), 1);
	const td_level *l = td_levels_get(lv, 0);
	assert_int_equal(l->members, 2);
	assert_int_equal(l->px, 100);        /* both weigh 3: the lower price */
	assert_int_equal(l->lo, 100);
	assert_int_equal(l->hi, 102);
	assert_int_equal(l->strength, 7);    /* 3 + 3, +1 for a second kind */
	assert_int_equal(l->kinds, (1u << TD_LVL_POC) | (1u << TD_LVL_PRIOR_HIGH));
	assert_string_equal(l->reasons, "POC; PDH");
	td_levels_free(lv);

	const td_level_in three[] = { { 100, TD_LVL_POC, "POC" }, { 103, TD_LVL_PRIOR_HIGH, "PDH" } };
	lv = build(three, LEN(three), 2);
	assert_int_equal(td_levels_count(lv), 2);
	assert_int_equal(td_levels_get(lv, 0)->strength, 3);
	assert_int_equal(td_levels_get(lv, 1)->strength, 3);
	assert_null(td_levels_get(lv, 2));
	td_levels_free(lv);
}

/* A level is anchored at its lowest price: 100, 102, 104 with tol 2 is two levels, not one chain. */
static void test_merge_is_anchored(void **state)
{
	(void)state;
	const td_level_in in[] = { { 104, TD_LVL_SWING_HIGH, NULL }, { 100, TD_LVL_SWING_HIGH, NULL },
				   { 102, TD_LVL_SWING_HIGH, NULL } };
	td_levels *lv = build(in, LEN(in), 2);
	assert_int_equal(td_levels_count(lv), 2);
	const td_level *a = td_levels_get(lv, 0), *b = td_levels_get(lv, 1);
	assert_int_equal(a->lo, 100);
	assert_int_equal(a->hi, 102);
	assert_int_equal(a->strength, 4);   /* 2 + 2, one kind: no bonus */
	assert_string_equal(a->reasons, "swing high; swing high");
	assert_int_equal(b->px, 104);
	assert_int_equal(b->strength, 2);
	td_levels_free(lv);
}

/* The level takes the strongest member's price; reasons go strongest first. */
static void test_strongest_member_sets_price(void **state)
{
	(void)state;
	const td_level_in in[] = { { 100, TD_LVL_LVN, NULL }, { 101, TD_LVL_PRIOR_LOW, NULL },
				   { 101, TD_LVL_VAL, "VAL 101" } };
	td_levels *lv = build(in, LEN(in), 1);
	const td_level *l = td_levels_get(lv, 0);
	assert_int_equal(td_levels_count(lv), 1);
	assert_int_equal(l->px, 101);        /* prior-day low, weight 3 */
	assert_int_equal(l->strength, 8);    /* 1 + 3 + 2, +2 for three kinds */
	assert_string_equal(l->reasons, "prior-day low; VAL 101; LVN");
	td_levels_free(lv);
}

/* Output is by price whatever the input order; missing prices are skipped; tol 0 merges equal prices. */
static void test_sorted_and_skips_missing(void **state)
{
	(void)state;
	const td_level_in in[] = {
		{ 150, TD_LVL_VAH, NULL },
		{ TD_PX_NONE, TD_LVL_ON_HIGH, NULL },
		{ 90, TD_LVL_VAL, NULL },
		{ 120, TD_LVL_POC, NULL },
		{ 120, TD_LVL_HVN, NULL },
		{ 121, TD_LVL_PIVOT, NULL },
	};
	td_levels *lv = build(in, LEN(in), 0);
	assert_int_equal(td_levels_count(lv), 4);
	const td_ticks want[] = { 90, 120, 121, 150 };
	for (size_t i = 0; i < 4; i++)
		assert_int_equal(td_levels_get(lv, i)->px, want[i]);
	assert_int_equal(td_levels_get(lv, 1)->members, 2);
	assert_int_equal(td_levels_get(lv, 1)->strength, 6); /* POC 3 + HVN 2 + 1 */
	td_levels_free(lv);
}

/* Reasons that overflow the 128-byte field end in "..." and stop there. */
static void test_reasons_cut(void **state)
{
	(void)state;
	char r[4][41];
	td_level_in in[5];
	for (int i = 0; i < 4; i++) {
		memset(r[i], 'a' + i, 40);
		r[i][40] = '\0';
		in[i] = (td_level_in){ 100, TD_LVL_PIVOT, r[i] };
	}
	in[4] = (td_level_in){ 100, TD_LVL_PIVOT, "late" };
	td_levels *lv = build(in, LEN(in), 0);
	/* 40 + (2 + 40) + (2 + 40) = 124 bytes fit; the fourth does not: "..." after them */
	char want[TD_LEVEL_REASONS];
	snprintf(want, sizeof(want), "%s; %s; %s...", r[0], r[1], r[2]);
	assert_int_equal(strlen(want), 127);
	assert_string_equal(td_levels_get(lv, 0)->reasons, want);
	assert_int_equal(td_levels_get(lv, 0)->strength, 5); /* five pivots of weight 1 */
	td_levels_free(lv);
}

/* Micro levels: |level - px| <= band, at the band's edge. */
static void test_near_band_boundary(void **state)
{
	(void)state;
	const td_level_in in[] = { { 90, TD_LVL_VAL, NULL }, { 100, TD_LVL_POC, NULL },
				   { 105, TD_LVL_VAH, NULL }, { 120, TD_LVL_ON_HIGH, NULL } };
	td_levels *lv = build(in, LEN(in), 0);
	size_t first = 99;
	assert_int_equal(td_levels_near(lv, 101, 4, &first), 2); /* 100 (1 away), 105 (4 away) */
	assert_int_equal(first, 1);
	assert_int_equal(td_levels_near(lv, 101, 3, &first), 1); /* 105 is 4 away */
	assert_int_equal(first, 1);
	assert_int_equal(td_levels_near(lv, 90, 0, &first), 1);
	assert_int_equal(first, 0);
	assert_int_equal(td_levels_near(lv, 200, 10, &first), 0);
	assert_int_equal(td_levels_near(lv, INT64_MAX, INT64_MAX, &first), 4); /* no overflow */
	td_levels_free(lv);
}

static void test_bad_input(void **state)
{
	(void)state;
	assert_null(td_levels_new(0));
	td_levels *lv = td_levels_new(2);
	const td_level_in in[] = { { 1, TD_LVL_POC, NULL }, { 2, TD_LVL_POC, NULL }, { 3, TD_LVL_POC, NULL } };
	assert_int_equal(td_levels_build(lv, in, 2, 5), 1);
	assert_int_equal(td_levels_build(lv, in, 3, 5), -1); /* over capacity */
	assert_int_equal(td_levels_count(lv), 0);
	assert_int_equal(td_levels_build(lv, in, 2, -1), -1);
	const td_level_in bad[] = { { 1, TD_LVL_KIND_COUNT, NULL } };
	assert_int_equal(td_levels_build(lv, bad, 1, 0), -1);
	assert_int_equal(td_levels_build(lv, in, 0, 0), 0);
	td_levels_free(lv);
	td_levels_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kind_table),
		cmocka_unit_test(test_merge_tolerance_boundary),
		cmocka_unit_test(test_merge_is_anchored),
		cmocka_unit_test(test_strongest_member_sets_price),
		cmocka_unit_test(test_sorted_and_skips_missing),
		cmocka_unit_test(test_reasons_cut),
		cmocka_unit_test(test_near_band_boundary),
		cmocka_unit_test(test_bad_input),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
