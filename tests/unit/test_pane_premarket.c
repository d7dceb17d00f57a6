/* The pre-market pane over a recorded Thursday afternoon to Friday morning,
 * and over a morning with no prior day. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "harness.h"

/* Does any of the n rows contain s? */
static bool shows(char text[][TD_HARNESS_COLS], int n, const char *s)
{
	for (int i = 0; i < n; i++)
		if (strstr(text[i], s))
			return true;
	return false;
}

/* Thursday 15:00 to Friday 10:10 New York: Thursday's regular session is the
 * prior day, Friday's open has happened.  The pane shows the analysis' bias,
 * gap and every key level at its price, and no "no prior" line. */
static void test_with_prior_day(void **state)
{
	(void)state;
	td_harness h;
	assert_int_equal(td_harness_open_at(&h, 2, "us", "2026-11-19", "15:00", 1150), 0);
	td_studies *st = td_analysis_get(h.view.analysis, h.view.selected);
	td_pm_report r;
	td_premarket_report(st->pm, &r);
	assert_false(r.missing & TD_PM_NO_PRIOR);
	assert_false(r.missing & TD_PM_NO_OPEN);
	void *ps = td_pane_premarket.create();
	char text[60][TD_HARNESS_COLS], want[160];
	td_harness_draw(&h, &td_pane_premarket, ps, 100, 60, text);
	snprintf(want, sizeof(want), "Bias: %s (score %+d)", td_pm_bias_name(r.bias), r.score);
	assert_true(shows(text, 60, want));
	snprintf(want, sizeof(want), "gap: %s", td_pm_gap_name(r.gap));
	assert_true(shows(text, 60, want));
	assert_true(r.nlevels >= 6);
	for (size_t i = 0; i < r.nlevels; i++) {
		char px[32];
		td_view_price(&h.view, h.view.selected, r.levels[i].px, px, sizeof(px));
		snprintf(want, sizeof(want), "%10s  %s", px, r.levels[i].name);
		if (!shows(text, 60, want))
			fail_msg("level '%s' not shown", want);
	}
	assert_false(shows(text, 60, "no prior"));
	td_pane_premarket.destroy(ps);
	td_harness_close(&h);
}

/* Started at 09:29 the same day: no prior day, and the pane says so. */
static void test_without_prior_day(void **state)
{
	(void)state;
	td_harness h;
	assert_int_equal(td_harness_open(&h, 1, "us", "09:29", 20), 0);
	void *ps = td_pane_premarket.create();
	char text[30][TD_HARNESS_COLS];
	td_harness_draw(&h, &td_pane_premarket, ps, 100, 30, text);
	assert_true(shows(text, 30, "Missing"));
	assert_true(shows(text, 30, "no prior regular session seen yet"));
	td_pane_premarket.destroy(ps);
	td_harness_close(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_with_prior_day),
		cmocka_unit_test(test_without_prior_day),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
