/* The engine's studies: batching, the daily reset of ladder and profile,
 * the TPO row size, and instruments outside the watchlist. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "engine/analysis.h"

static td_registry *reg;
static uint32_t spy, other;

static int setup(void **state)
{
	(void)state;
	reg = td_registry_new(8);
	td_instrument a = { .kind = TD_INS_EQUITY, .symbol = "SPY", .px = { 1, 2 }, .multiplier = 1, .underlying = TD_NO_ID };
	td_instrument b = { .kind = TD_INS_EQUITY, .symbol = "XYZ", .px = { 1, 2 }, .multiplier = 1, .underlying = TD_NO_ID };
	spy = td_registry_add(reg, &a);
	other = td_registry_add(reg, &b);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	td_registry_free(reg);
	return 0;
}

static td_event trade(uint32_t id, const char *iso, td_ticks px, int64_t size, td_side side)
{
	td_event e = { .type = TD_EV_TRADE, .instr = id };
	const char *why;
	assert_int_equal(td_time_parse_iso(iso, &e.exch_ns, &why), 0);
	e.u.trade = (td_ev_trade){ px, size, (uint8_t)side };
	return e;
}

static td_analysis *new_analysis(void)
{
	td_config cfg;
	td_config_defaults(&cfg);
	char err[256];
	td_analysis *a = td_analysis_new(&cfg, td_session_find("us"), reg, &spy, 1, err, sizeof(err));
	assert_non_null(a);
	return a;
}

/* Friday 2026-11-20 (EST, UTC-5): 14:31Z is 09:31 New York, 20:59Z is 15:59.
 * The next trade, 2026-11-23T14:31Z, is on Monday: a new local day. */
static void test_day_roll_resets_ladder_and_profile(void **state)
{
	(void)state;
	td_analysis *a = new_analysis();
	td_event evs[] = {
		trade(spy, "2026-11-20T14:31:00Z", 57000, 100, TD_SIDE_BUY),
		trade(spy, "2026-11-20T20:59:00Z", 57010, 300, TD_SIDE_SELL),
		trade(spy, "2026-11-23T14:31:00Z", 57100, 50, TD_SIDE_BUY),
	};
	for (size_t i = 0; i < 2; i++)
		td_analysis_add(a, &evs[i]);
	td_studies *st = td_analysis_get(a, spy);
	assert_non_null(st);
	td_profile_stats ps;
	/* queued, not yet flushed: the studies have seen nothing */
	assert_int_equal(td_bars_count(st->bars, TD_BARS_1M) + (td_bars_forming(st->bars, TD_BARS_1M, &(td_bar){ 0 }) ? 1 : 0), 0);
	td_analysis_flush(a);
	assert_int_equal(td_profile_stats_get(st->profile, 70, &ps), 0);
	assert_int_equal(ps.volume, 400);
	td_fp_bar bar;
	assert_true(td_footprint_bar(st->fp, TD_FP_SESSION, &bar));
	assert_int_equal(bar.volume, 400);
	/* SPY at 570.00 = 57000 ticks: a TPO row is 57000 / 2000 = 28 ticks */
	assert_non_null(st->tpo);
	assert_int_equal(st->tpo_row, 28);
	td_analysis_add(a, &evs[2]);
	td_analysis_flush(a);
	assert_int_equal(td_profile_stats_get(st->profile, 70, &ps), 0);
	assert_int_equal(ps.volume, 50);
	assert_true(td_footprint_bar(st->fp, TD_FP_SESSION, &bar));
	assert_int_equal(bar.volume, 50);
	assert_int_equal(td_bars_count(st->bars, TD_BARS_DAILY), 1);
	td_analysis_free(a);
}

/* More trades than one batch, and trades of an instrument not watched. */
static void test_batches_and_unwatched(void **state)
{
	(void)state;
	td_analysis *a = new_analysis();
	assert_null(td_analysis_get(a, other));
	int64_t sum = 0;
	for (int i = 0; i < 5000; i++) {
		td_event e = trade(spy, "2026-11-20T15:00:00Z", 57000 + i % 7, 1 + i % 3, TD_SIDE_BUY);
		e.exch_ns += (td_ns)i * TD_NS_PER_MS;
		td_analysis_add(a, &e);
		sum += 1 + i % 3;
		td_event o = trade(other, "2026-11-20T15:00:00Z", 100, 5, TD_SIDE_SELL);
		td_analysis_add(a, &o);
	}
	td_analysis_flush(a);
	td_profile_stats ps;
	assert_int_equal(td_profile_stats_get(td_analysis_get(a, spy)->profile, 70, &ps), 0);
	assert_int_equal(ps.volume, sum);
	td_analysis_free(a);
}

/* Friday's regular session: 100 @ 570.00 and 300 @ 570.10.  Its volume
 * profile: POC 570.10 (300 of 400), and 300 >= 70 % of 400 = 280, so the
 * value area is that one row: VAH = VAL = 570.10; high 570.10, low 570.00,
 * close 570.10.  Monday 08:00 New York (13:00Z) trades 50 @ 571.00, before
 * the open: above the prior high, so a gap up. */
static void test_prior_session_feeds_premarket(void **state)
{
	(void)state;
	td_analysis *a = new_analysis();
	td_studies *st = td_analysis_get(a, spy);
	td_event evs[] = {
		trade(spy, "2026-11-20T14:31:00Z", 57000, 100, TD_SIDE_BUY),
		trade(spy, "2026-11-20T20:59:00Z", 57010, 300, TD_SIDE_SELL),
	};
	td_analysis_add(a, &evs[0]);
	td_analysis_add(a, &evs[1]);
	td_analysis_flush(a);
	td_pm_report r;
	td_premarket_report(st->pm, &r);
	assert_true(r.missing & TD_PM_NO_PRIOR);
	td_event mon = trade(spy, "2026-11-23T13:00:00Z", 57100, 50, TD_SIDE_BUY);
	td_analysis_add(a, &mon);
	td_analysis_flush(a);
	td_premarket_report(st->pm, &r);
	assert_false(r.missing & (TD_PM_NO_PRIOR | TD_PM_NO_PRIOR_VALUE | TD_PM_NO_PRIOR_RANGE | TD_PM_NO_PRIOR_CLOSE));
	assert_false(r.missing & TD_PM_NO_OVERNIGHT);
	assert_true(r.missing & TD_PM_NO_OPEN);
	assert_int_equal(r.gap, TD_GAP_UP);
	assert_int_equal(r.on_high, 57100);
	assert_int_equal(r.on_volume, 50);
	bool vah = false, close = false;
	for (size_t i = 0; i < r.nlevels; i++) {
		if (strcmp(r.levels[i].name, "prior VAH") == 0)
			vah = r.levels[i].px == 57010;
		if (strcmp(r.levels[i].name, "prior close") == 0)
			close = r.levels[i].px == 57010;
	}
	assert_true(vah && close);
	td_analysis_free(a);
}

/* One trade of 100 a minute from 09:30 (14:30Z) to 09:59: 3,000 shares in
 * the first 30 minutes.  The US session has 390 / 30 = 13 half-hours, so
 * the estimated day is 39,000 and the VPIN bucket 39,000 / 50 = 780.  The
 * order flow starts with the first trade at or after 10:00. */
static void test_vpin_bucket_from_first_half_hour(void **state)
{
	(void)state;
	td_analysis *a = new_analysis();
	td_studies *st = td_analysis_get(a, spy);
	for (int m = 0; m < 30; m++) {
		td_event e = trade(spy, "2026-11-20T14:30:00Z", 57000, 100, TD_SIDE_BUY);
		e.exch_ns += (td_ns)m * TD_NS_PER_MIN;
		td_analysis_add(a, &e);
	}
	td_analysis_flush(a);
	assert_null(st->of);
	td_event ten = trade(spy, "2026-11-20T15:00:00Z", 57001, 1000, TD_SIDE_BUY);
	td_analysis_add(a, &ten);
	td_analysis_flush(a);
	assert_non_null(st->of);
	assert_int_equal(st->of_bucket, 780);
	/* the 10:00 print, 1,000 >= ui.large_print (1,000), is a block */
	assert_int_equal(st->blocks, 1);
	td_analysis_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_day_roll_resets_ladder_and_profile),
		cmocka_unit_test(test_batches_and_unwatched),
		cmocka_unit_test(test_prior_session_feeds_premarket),
		cmocka_unit_test(test_vpin_bucket_from_first_half_hour),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
