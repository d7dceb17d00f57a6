/*
 * Unit tests for src/analytics/premarket.c on the "us" preset, trading day
 * Wednesday 2024-01-03 (New York UTC-5): the overnight runs until the 09:30
 * open at 14:30Z.  Prices are ticks of 0.25 (20000 ticks = 5000.00).  The
 * prior day used throughout: VAL 19980, POC 20010, VAH 20040, low 19950,
 * high 20060, close 20030.  Expected classes follow the rules in
 * premarket.h and are worked out in the comments.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "analytics/premarket.h"

static const td_pm_prior prior = { .vah = 20040, .val = 19980, .poc = 20010,
				   .high = 20060, .low = 19950, .close = 20030 };

/* Parse an ISO instant the test trusts (time.c has its own tests). */
static td_ns at(const char *iso)
{
	td_ns t = 0;
	const char *err = NULL;
	if (td_time_parse_iso(iso, &t, &err) != 0)
		fail_msg("'%s': %s", iso, err);
	return t;
}

/* A pre-market analysis with 1-tick rows and a 10 % inventory band. */
static td_premarket *new_pm(void)
{
	char err[128];
	td_premarket *pm = td_premarket_new(td_session_find("us"), (td_pxfmt){ 25, 2 }, 1, 10, err, sizeof(err));
	if (!pm)
		fail_msg("%s", err);
	return pm;
}

/* Add a trade. */
static void trade(td_premarket *pm, const char *iso, td_ticks px, int64_t size)
{
	td_trade tr = { at(iso), px, size, 0 };
	td_premarket_add(pm, &tr);
}

/* Does some reason line contain s? */
static int has_reason(const td_pm_report *r, const char *s)
{
	for (size_t i = 0; i < r->nreasons; i++)
		if (strstr(r->reasons[i], s))
			return 1;
	return 0;
}

/*
 * Overnight 20050x10, 20070x10, 20070x10, 20090x10: VWAP 802800 / 40 =
 * 20070, POC 20070, range 40, band 4; last 20090 is 20 above: long (+1).
 * POC 20070 > VAH 20040 (+1).  Open 20065 > prior high 20060: gap up (+2).
 * Score 4: bullish.  Overnight value area: 20 of 40, target 28; every pair
 * next to the POC is empty on both sides, and equal pairs go up, so it
 * grows up two rows at a time until 20090 joins: 30, VAL 20070, VAH 20090.
 */
static void test_full_day(void **state)
{
	(void)state;
	td_premarket *pm = new_pm();
	td_premarket_set_prior(pm, &prior);
	trade(pm, "2024-01-02T22:00:00Z", 20050, 10);  /* 17:00, prior post-market */
	trade(pm, "2024-01-03T05:00:00Z", 20070, 10);  /* 00:00 overnight */
	trade(pm, "2024-01-03T09:00:00Z", 20070, 10);  /* 04:00 pre-market */
	trade(pm, "2024-01-03T14:29:59Z", 20090, 10);
	td_pm_report r;
	td_premarket_report(pm, &r);
	assert_int_equal(r.missing, TD_PM_NO_OPEN);
	assert_int_equal(r.ref, 20090);
	assert_int_equal(r.gap, TD_GAP_UP);
	assert_true(has_reason(&r, "last overnight 5022.50 above prior high 5015.00: gap up (+2)"));

	trade(pm, "2024-01-03T14:30:00Z", 20065, 1);  /* the open */
	trade(pm, "2024-01-03T14:31:00Z", 20200, 1);  /* later: ignored */
	trade(pm, "2024-01-03T22:00:00Z", 19000, 1);  /* post-market: ignored */
	td_premarket_report(pm, &r);
	assert_int_equal(r.missing, 0);
	assert_int_equal(r.open, 20065);
	assert_int_equal(r.on_high, 20090);
	assert_int_equal(r.on_low, 20050);
	assert_int_equal(r.on_poc, 20070);
	assert_int_equal(r.on_val, 20070);
	assert_int_equal(r.on_vah, 20090);
	assert_int_equal(r.on_vwap, 20070);
	assert_int_equal(r.on_last, 20090);
	assert_int_equal(r.on_volume, 40);
	assert_int_equal(r.gap, TD_GAP_UP);
	assert_int_equal(r.inventory, TD_INV_LONG);
	assert_int_equal(r.score, 4);
	assert_int_equal(r.bias, TD_BIAS_BULLISH);
	assert_true(has_reason(&r, "open 5016.25 above prior high 5015.00: gap up (+2)"));
	assert_true(has_reason(&r, "inventory long (+1)"));
	assert_true(has_reason(&r, "overnight POC 5017.50 above prior value (+1)"));

	/* levels highest first; the overnight POC and VWAP tie and keep their order */
	static const struct { const char *name; td_ticks px; } want[] = {
		{ "overnight high", 20090 }, { "overnight POC", 20070 }, { "overnight VWAP", 20070 },
		{ "open", 20065 }, { "prior high", 20060 }, { "overnight low", 20050 },
		{ "prior VAH", 20040 }, { "prior close", 20030 }, { "prior POC", 20010 },
		{ "prior VAL", 19980 }, { "prior low", 19950 },
	};
	assert_int_equal(r.nlevels, 11);
	for (size_t i = 0; i < r.nlevels; i++) {
		assert_string_equal(r.levels[i].name, want[i].name);
		assert_int_equal(r.levels[i].px, want[i].px);
	}
	td_premarket_free(pm);
}

/* The gap class of an open with the prior day and no overnight session. */
static td_pm_gap gap_of(td_premarket *pm, td_ticks open, int *score)
{
	td_pm_report r;
	td_premarket_reset(pm);
	td_premarket_set_prior(pm, &prior);
	trade(pm, "2024-01-03T14:30:00Z", open, 1);
	td_premarket_report(pm, &r);
	*score = r.score;
	return r.gap;
}

/* Value edges are in value (inclusive); range edges are in range, a tick past is a gap. */
static void test_gap_boundaries(void **state)
{
	(void)state;
	td_premarket *pm = new_pm();
	int score;
	assert_int_equal(gap_of(pm, 20040, &score), TD_GAP_IN_VALUE);
	assert_int_equal(score, 0);
	assert_int_equal(gap_of(pm, 19980, &score), TD_GAP_IN_VALUE);
	assert_int_equal(gap_of(pm, 20041, &score), TD_GAP_ABOVE_VALUE);
	assert_int_equal(score, 1);
	assert_int_equal(gap_of(pm, 20060, &score), TD_GAP_ABOVE_VALUE);
	assert_int_equal(gap_of(pm, 20061, &score), TD_GAP_UP);
	assert_int_equal(score, 2);
	assert_int_equal(gap_of(pm, 19979, &score), TD_GAP_BELOW_VALUE);
	assert_int_equal(score, -1);
	assert_int_equal(gap_of(pm, 19950, &score), TD_GAP_BELOW_VALUE);
	assert_int_equal(gap_of(pm, 19949, &score), TD_GAP_DOWN);
	assert_int_equal(score, -2);
	/* a gap down alone is -2: bearish, with the overnight unknown */
	td_pm_report r;
	td_premarket_report(pm, &r);
	assert_int_equal(r.bias, TD_BIAS_BEARISH);
	assert_int_equal(r.inventory, TD_INV_UNKNOWN);
	assert_int_equal(r.missing, TD_PM_NO_OVERNIGHT);
	assert_true(has_reason(&r, "no overnight trade: inventory unknown"));
	td_premarket_free(pm);
}

/* The inventory of an overnight session of (price, size) pairs. */
static td_pm_inventory inventory_of(td_premarket *pm, const td_ticks (*tr)[2], size_t n, td_ticks *vwap)
{
	td_pm_report r;
	td_premarket_reset(pm);
	for (size_t i = 0; i < n; i++)
		trade(pm, "2024-01-03T09:00:00Z", tr[i][0], tr[i][1]);
	td_premarket_report(pm, &r);
	*vwap = r.on_vwap;
	return r.inventory;
}

/*
 * Range 100..110, band 10 % = 1 tick.  100x1 110x1 107x2: VWAP 424 / 4 =
 * 106, last 107 is exactly 1 above: balanced (edge).  107x1 instead: VWAP
 * 317 / 3 = 105.67 (rounds to 106), 1.33 above: long.  103x2: VWAP 104, 1
 * below: balanced; 103x1: 313 / 3 = 104.33 (104), 1.33 below: short.
 * 100x1 101x1: VWAP 100.5 rounds up to 101.
 */
static void test_inventory(void **state)
{
	(void)state;
	td_premarket *pm = new_pm();
	td_ticks vwap;
	const td_ticks edge_long[][2] = { { 100, 1 }, { 110, 1 }, { 107, 2 } };
	assert_int_equal(inventory_of(pm, edge_long, 3, &vwap), TD_INV_BALANCED);
	assert_int_equal(vwap, 106);
	const td_ticks long_[][2] = { { 100, 1 }, { 110, 1 }, { 107, 1 } };
	assert_int_equal(inventory_of(pm, long_, 3, &vwap), TD_INV_LONG);
	assert_int_equal(vwap, 106);
	const td_ticks edge_short[][2] = { { 100, 1 }, { 110, 1 }, { 103, 2 } };
	assert_int_equal(inventory_of(pm, edge_short, 3, &vwap), TD_INV_BALANCED);
	assert_int_equal(vwap, 104);
	const td_ticks short_[][2] = { { 100, 1 }, { 110, 1 }, { 103, 1 } };
	assert_int_equal(inventory_of(pm, short_, 3, &vwap), TD_INV_SHORT);
	assert_int_equal(vwap, 104);
	const td_ticks half[][2] = { { 100, 1 }, { 101, 1 } };
	inventory_of(pm, half, 2, &vwap);
	assert_int_equal(vwap, 101);
	td_premarket_free(pm);
}

/* Nothing at all: every input reported missing, nothing classified, no levels. */
static void test_nothing(void **state)
{
	(void)state;
	td_premarket *pm = new_pm();
	td_pm_report r;
	td_premarket_report(pm, &r);
	assert_int_equal(r.missing, TD_PM_NO_PRIOR | TD_PM_NO_PRIOR_VALUE | TD_PM_NO_PRIOR_RANGE |
					    TD_PM_NO_PRIOR_CLOSE | TD_PM_NO_OVERNIGHT | TD_PM_NO_OPEN);
	assert_int_equal(r.gap, TD_GAP_UNKNOWN);
	assert_int_equal(r.inventory, TD_INV_UNKNOWN);
	assert_int_equal(r.bias, TD_BIAS_UNKNOWN);
	assert_int_equal(r.ref, TD_PX_NONE);
	assert_int_equal(r.on_high, TD_PX_NONE);
	assert_int_equal(r.on_vwap, TD_PX_NONE);
	assert_int_equal(r.nlevels, 0);
	assert_true(has_reason(&r, "no open and no overnight trade: gap unknown"));
	assert_true(has_reason(&r, "no overnight trade: inventory unknown"));
	/* an open but no prior day: still unknown, never "in value" */
	trade(pm, "2024-01-03T14:30:00Z", 20000, 1);
	td_premarket_report(pm, &r);
	assert_int_equal(r.gap, TD_GAP_UNKNOWN);
	assert_int_equal(r.bias, TD_BIAS_UNKNOWN);
	assert_true(has_reason(&r, "no prior high/low: gap unknown"));
	assert_int_equal(r.nlevels, 1);
	td_premarket_free(pm);
}

/*
 * Partial prior day: no VAH.  An open inside the range cannot be placed
 * against value; one above the high is still a gap up.  The prior close is
 * missing too and the overnight has a zero-size print: flagged partial.
 */
static void test_partial(void **state)
{
	(void)state;
	td_premarket *pm = new_pm();
	td_pm_prior p = prior;
	p.vah = TD_PX_NONE;
	p.close = TD_PX_NONE;
	td_premarket_set_prior(pm, &p);
	trade(pm, "2024-01-03T09:00:00Z", 20000, 0);
	trade(pm, "2024-01-03T14:30:00Z", 20000, 1);
	td_pm_report r;
	td_premarket_report(pm, &r);
	assert_int_equal(r.missing, TD_PM_NO_PRIOR_VALUE | TD_PM_NO_PRIOR_CLOSE | TD_PM_NO_OVERNIGHT | TD_PM_PARTIAL);
	assert_int_equal(r.gap, TD_GAP_UNKNOWN);
	assert_true(has_reason(&r, "no prior value area: gap unknown"));
	assert_true(has_reason(&r, "figures are partial"));
	/* levels: the known prior ones and the open */
	assert_int_equal(r.nlevels, 5);
	assert_string_equal(r.levels[0].name, "prior high");

	td_premarket_reset(pm);
	td_premarket_set_prior(pm, &p);
	trade(pm, "2024-01-03T14:30:00Z", 20070, 1);
	td_premarket_report(pm, &r);
	assert_int_equal(r.gap, TD_GAP_UP);
	assert_int_equal(r.bias, TD_BIAS_BULLISH);
	td_premarket_free(pm);
}

/* Bad parameters are refused with a message. */
static void test_params(void **state)
{
	(void)state;
	char err[128] = "";
	assert_null(td_premarket_new(NULL, (td_pxfmt){ 25, 2 }, 1, 10, err, sizeof(err)));
	assert_true(strlen(err) > 0);
	assert_null(td_premarket_new(td_session_find("us"), (td_pxfmt){ 25, 2 }, 0, 10, err, sizeof(err)));
	assert_null(td_premarket_new(td_session_find("us"), (td_pxfmt){ 25, 2 }, 1, 101, err, sizeof(err)));
	assert_string_equal(td_pm_gap_name(TD_GAP_ABOVE_VALUE), "above value");
	assert_string_equal(td_pm_bias_name(TD_BIAS_BEARISH), "bearish");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_day),
		cmocka_unit_test(test_gap_boundaries),
		cmocka_unit_test(test_inventory),
		cmocka_unit_test(test_nothing),
		cmocka_unit_test(test_partial),
		cmocka_unit_test(test_params),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
