/*
 * Unit tests for src/options/expiry.c.  Every instant below was worked out
 * by hand and checked with GNU date against the IANA tz database, e.g.
 *   TZ=America/New_York date -d '2026-11-20 16:00' +%s   -> 1795208400
 * US daylight saving in 2026 runs from Sunday 8 March to Sunday 1 November;
 * India keeps UTC+05:30 all year.  Years are ACT/365: seconds / (365 * 86400).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "near.h"

#include "core/time.h"
#include "options/expiry.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define SEC(x) ((td_ns)(x) * TD_NS_PER_SEC)
#define HM(h, m) SEC((h) * 3600 + (m) * 60)
#define HOURS_IN_YEARS(h) ((h) / (24.0 * 365.0))

struct expiry_case {
	const char *what;
	int64_t now_unix;     /* "now", Unix seconds */
	int64_t expiry_days;  /* expiry date, days since 1970-01-01 */
	td_expiry_style style;
	int64_t expiry_unix;  /* the expiry instant, Unix seconds */
	double hours;         /* now to expiry */
};

static const struct expiry_case cases[] = {
	/* Fri 2026-11-20 10:00 EST (15:00Z) to 16:00 EST (21:00Z) */
	{ "us-pm same day", 1795186800, 20777, TD_EXPIRY_US_PM, 1795208400, 6 },
	/* Fri 2026-03-06 16:00 EST to Mon 2026-03-09 16:00 EDT: the spring-forward weekend is 71 h */
	{ "us-pm over spring dst", 1772830800, 20521, TD_EXPIRY_US_PM, 1773086400, 71 },
	/* Fri 2026-10-30 16:00 EDT to Mon 2026-11-02 16:00 EST: the fall-back weekend is 73 h */
	{ "us-pm over autumn dst", 1793390400, 20759, TD_EXPIRY_US_PM, 1793653200, 73 },
	/* Thu 2026-12-17 16:00 EST to the Fri 2026-12-18 09:30 EST opening (AM-settled SPX) */
	{ "us-am overnight", 1797541200, 20805, TD_EXPIRY_US_AM, 1797604200, 17.5 },
	/* Tue 2026-01-27 09:15 IST (03:45Z) to 15:30 IST (10:00Z), the NSE session */
	{ "nse session", 1769485500, 20480, TD_EXPIRY_NSE, 1769508000, 6.25 },
	/* Fri 2026-01-16 16:00 EST to Fri 2027-01-15 16:00 EST: 364 days */
	{ "us-pm a year out", 1768597200, 20833, TD_EXPIRY_US_PM, 1800046800, 364 * 24 },
};

/* The expiry instant of each case is the published wall-clock instant. */
static void test_instant(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		const struct expiry_case *c = &cases[i];
		const td_tz *tz = NULL;
		td_ns tod = 0;
		assert_int_equal(td_expiry_style_rule(c->style, &tz, &tod), 0);
		assert_non_null(tz);
		assert_int_equal(td_expiry_instant(c->expiry_days, tod, tz), SEC(c->expiry_unix));
	}
}

/* Years to expiry match the hand-counted hours, by style and by explicit zone. */
static void test_years(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		const struct expiry_case *c = &cases[i];
		double want = HOURS_IN_YEARS(c->hours);
		double got = td_expiry_years_style(SEC(c->now_unix), c->expiry_days, c->style);
		assert_near(got, want, 1e-15);
	}
	const td_tz *ny = td_tz_find("America/New_York");
	assert_non_null(ny);
	assert_near(td_expiry_years(SEC(1795186800), 20777, HM(16, 0), ny),
			   6.0 / (24 * 365), 1e-15);
	/* the AM-settled time as an explicit parameter: 10:00 to 09:30 next day is 23.5 h */
	assert_near(td_expiry_years(SEC(1795186800), 20778, HM(9, 30), ny),
			   23.5 / (24 * 365), 1e-15);
}

/* At expiry T is 0; after it, negative; sub-second offsets are kept. */
static void test_expired(void **state)
{
	(void)state;
	assert_true(td_expiry_years_style(SEC(1795208400), 20777, TD_EXPIRY_US_PM) == 0.0);
	assert_near(td_expiry_years_style(SEC(1795208400 + 3600), 20777, TD_EXPIRY_US_PM),
			   -1.0 / (24 * 365), 1e-15);
	double half_sec = td_expiry_years_style(SEC(1795208400) - TD_NS_PER_SEC / 2, 20777,
						TD_EXPIRY_US_PM);
	assert_near(half_sec, 0.5 / TD_EXPIRY_SEC_PER_YEAR, 1e-20);
}

/* A 16:00 New York expiry is 21:00Z in winter and 20:00Z in summer. */
static void test_dst_instant(void **state)
{
	(void)state;
	const td_tz *ny = td_tz_find("America/New_York");
	assert_non_null(ny);
	/* 2026-03-06 (EST) and 2026-03-09 (EDT), 16:00 local */
	assert_int_equal(td_expiry_instant(20518, HM(16, 0), ny), SEC(1772830800));
	assert_int_equal(td_expiry_instant(20521, HM(16, 0), ny), SEC(1773086400));
	assert_int_equal(SEC(1772830800) % (86400 * TD_NS_PER_SEC), HM(21, 0));
	assert_int_equal(SEC(1773086400) % (86400 * TD_NS_PER_SEC), HM(20, 0));
}

/* Style names and the rules' times of day. */
static void test_styles(void **state)
{
	(void)state;
	static const struct {
		td_expiry_style s;
		const char *name, *zone;
		td_ns tod;
	} want[] = {
		{ TD_EXPIRY_US_PM, "us-pm", "America/New_York", HM(16, 0) },
		{ TD_EXPIRY_US_AM, "us-am", "America/New_York", HM(9, 30) },
		{ TD_EXPIRY_NSE, "nse", "Asia/Kolkata", HM(15, 30) },
	};
	for (size_t i = 0; i < ARRAY_LEN(want); i++) {
		const td_tz *tz = NULL;
		td_ns tod = 0;
		assert_int_equal(td_expiry_style_rule(want[i].s, &tz, &tod), 0);
		assert_string_equal(td_tz_name(tz), want[i].zone);
		assert_int_equal(tod, want[i].tod);
		assert_string_equal(td_expiry_style_name(want[i].s), want[i].name);
	}
	assert_int_equal(td_expiry_style_rule(TD_EXPIRY_NSE, NULL, NULL), 0);
}

/* Bad arguments give -1, "?" or NAN, never a number that looks like a time. */
static void test_invalid(void **state)
{
	(void)state;
	const td_tz *tz = NULL;
	td_ns tod = 7;
	assert_int_equal(td_expiry_style_rule(TD_EXPIRY_STYLE_COUNT, &tz, &tod), -1);
	assert_int_equal(td_expiry_style_rule((td_expiry_style)-1, &tz, &tod), -1);
	assert_null(tz);
	assert_int_equal(tod, 7);
	assert_string_equal(td_expiry_style_name(TD_EXPIRY_STYLE_COUNT), "?");
	assert_true(isnan(td_expiry_years_style(0, 20777, TD_EXPIRY_STYLE_COUNT)));
	assert_true(isnan(td_expiry_years(0, 20777, HM(16, 0), NULL)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_instant),
		cmocka_unit_test(test_years),
		cmocka_unit_test(test_expired),
		cmocka_unit_test(test_dst_instant),
		cmocka_unit_test(test_styles),
		cmocka_unit_test(test_invalid),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
