/*
 * Unit tests for src/core/calendar.c.  The dates checked against the shipped
 * config/holidays.conf are the exchanges' own (NYSE's holiday releases of
 * November 2024 and December 2025, NSE's 2025 and 2026 lists), and the day
 * counts are worked by hand in the comments from the weekday of 1 January;
 * every error a holidays file can give is checked with its FILE:LINE.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/calendar.h"
#include "core/config.h"
#include "engine/source.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define HM(h, m) (((h) * 3600LL + (m) * 60LL) * TD_NS_PER_SEC)

static char tmpdir[] = "/tmp/td-calendar-XXXXXX";
static td_calendar *shipped;

/* The repository root: $TD_TEST_ROOT, or the current directory. */
static const char *root(void)
{
	const char *r = getenv("TD_TEST_ROOT");
	return r && *r ? r : ".";
}

static const char *write_file(const char *name, const char *text, char *path, size_t n)
{
	snprintf(path, n, "%s/%s", tmpdir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

static int group_setup(void **state)
{
	char path[4096], err[512];
	(void)state;
	if (!mkdtemp(tmpdir))
		return -1;
	snprintf(path, sizeof path, "%s/config/holidays.conf", root());
	shipped = td_calendar_load(path, err, sizeof err);
	if (!shipped)
		fprintf(stderr, "%s\n", err);
	return shipped ? 0 : -1;
}

static int group_teardown(void **state)
{
	char cmd[128];
	(void)state;
	td_calendar_free(shipped);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static int64_t date(int y, int m, int d)
{
	return td_days_from_civil(y, m, d);
}

/* Check one day of a market: its kind, name and early close. */
static void expect_day(const td_calendar *cal, const char *market, int y, int m, int d, td_cal_kind kind,
		       const char *name, td_ns close_tod)
{
	td_cal_day info;
	td_cal_kind k = td_calendar_day(cal, market, y, m, d, &info);
	if (k != kind || info.kind != kind || strcmp(info.name, name) != 0 || info.close_tod != close_tod)
		fail_msg("%s %04d-%02d-%02d: kind %d '%s' close %lld, expected kind %d '%s' close %lld", market, y, m, d,
			 (int)info.kind, info.name, (long long)info.close_tod, (int)kind, name, (long long)close_tod);
}

/* NYSE's published days, early closes at 13:00 ET. */
static void test_us_days(void **state)
{
	(void)state;
	expect_day(shipped, "us", 2026, 11, 26, TD_CAL_HOLIDAY, "Thanksgiving Day", 0);
	expect_day(shipped, "us", 2026, 11, 27, TD_CAL_EARLY, "Day after Thanksgiving", HM(13, 0));
	expect_day(shipped, "us", 2026, 11, 25, TD_CAL_OPEN, "", 0);
	expect_day(shipped, "us", 2026, 11, 28, TD_CAL_WEEKEND, "Saturday", 0);
	expect_day(shipped, "us", 2026, 11, 29, TD_CAL_WEEKEND, "Sunday", 0);
	/* 4 July 2026 is a Saturday: observed on Friday 3 July, with no early close on the 2nd */
	expect_day(shipped, "us", 2026, 7, 3, TD_CAL_HOLIDAY, "Independence Day (observed)", 0);
	expect_day(shipped, "us", 2026, 7, 2, TD_CAL_OPEN, "", 0);
	expect_day(shipped, "us", 2026, 12, 24, TD_CAL_EARLY, "Christmas Eve", HM(13, 0));
	expect_day(shipped, "us", 2025, 1, 9, TD_CAL_HOLIDAY, "National Day of Mourning (President Carter)", 0);
	expect_day(shipped, "us", 2025, 7, 3, TD_CAL_EARLY, "Day before Independence Day", HM(13, 0));
	expect_day(shipped, "us", 2025, 11, 28, TD_CAL_EARLY, "Day after Thanksgiving", HM(13, 0));
	expect_day(shipped, "us", 2025, 12, 24, TD_CAL_EARLY, "Christmas Eve", HM(13, 0));
	/* Christmas 2027 is a Saturday: observed Friday 24 December, and the 23rd is an ordinary day */
	expect_day(shipped, "us", 2027, 12, 24, TD_CAL_HOLIDAY, "Christmas Day (observed)", 0);
	expect_day(shipped, "us", 2027, 12, 23, TD_CAL_OPEN, "", 0);
	expect_day(shipped, "us", 2027, 12, 31, TD_CAL_OPEN, "", 0);
	expect_day(shipped, "us", 2027, 6, 18, TD_CAL_HOLIDAY, "Juneteenth (observed)", 0);

	td_cal_day info;
	td_calendar_day(shipped, "us", 2026, 11, 27, &info);
	assert_string_equal(info.zone, "ET");
	assert_true(info.known);
	td_calendar_day(shipped, "us", 2028, 1, 3, &info);   /* 2028 is not in the file */
	assert_int_equal(info.kind, TD_CAL_OPEN);
	assert_false(info.known);
}

/* NSE's 2025 and 2026 lists; 2027 was not published. */
static void test_in_days(void **state)
{
	(void)state;
	expect_day(shipped, "in", 2026, 1, 26, TD_CAL_HOLIDAY, "Republic Day", 0);
	expect_day(shipped, "in", 2026, 1, 15, TD_CAL_HOLIDAY, "Municipal elections in Maharashtra", 0);
	expect_day(shipped, "in", 2026, 3, 3, TD_CAL_HOLIDAY, "Holi", 0);
	expect_day(shipped, "in", 2026, 3, 4, TD_CAL_OPEN, "", 0);
	expect_day(shipped, "in", 2025, 10, 21, TD_CAL_HOLIDAY, "Diwali Laxmi Pujan", 0);
	expect_day(shipped, "in", 2025, 2, 1, TD_CAL_WEEKEND, "Saturday", 0);
	/* a US holiday is a trading day in India */
	expect_day(shipped, "in", 2026, 11, 26, TD_CAL_OPEN, "", 0);
	td_cal_day info;
	td_calendar_day(shipped, "in", 2026, 1, 26, &info);
	assert_string_equal(info.zone, "IST");
	td_calendar_day(shipped, "in", 2027, 1, 26, &info);
	assert_int_equal(info.kind, TD_CAL_OPEN);
	assert_false(info.known);
}

/*
 * Trading days in a year, from the weekday of 1 January: 2025 (a Wednesday)
 * and 2026 and 2027 (Thursday, Friday) have 365 days = 52 weeks + 1 weekday,
 * so 261 weekdays.  NYSE closes 11 of them in 2025 (10 holidays and the day
 * of mourning) and 10 in 2026 and 2027: 250, 251, 251.  NSE closes 14 in
 * 2025 and 16 in 2026 (15 listed and the election day): 247 and 245.
 */
static void test_trading_days_per_year(void **state)
{
	(void)state;
	assert_int_equal(td_calendar_business_days(shipped, "us", date(2024, 12, 31), date(2025, 12, 31)), 250);
	assert_int_equal(td_calendar_business_days(shipped, "us", date(2025, 12, 31), date(2026, 12, 31)), 251);
	assert_int_equal(td_calendar_business_days(shipped, "us", date(2026, 12, 31), date(2027, 12, 31)), 251);
	assert_int_equal(td_calendar_business_days(shipped, "in", date(2024, 12, 31), date(2025, 12, 31)), 247);
	assert_int_equal(td_calendar_business_days(shipped, "in", date(2025, 12, 31), date(2026, 12, 31)), 245);
	/* no calendar: weekdays only; 2024 starts on a Monday and has 366 days = 52 weeks + Monday, Tuesday */
	assert_int_equal(td_calendar_business_days(NULL, "us", date(2023, 12, 31), date(2024, 12, 31)), 262);
}

static void test_business_days(void **state)
{
	(void)state;
	/* Wed 25 Nov 2026 to Mon 30 Nov: Thanksgiving closed, the early-close Friday trades, then Monday */
	assert_int_equal(td_calendar_business_days(shipped, "us", date(2026, 11, 25), date(2026, 11, 30)), 2);
	assert_int_equal(td_calendar_business_days(shipped, "us", date(2026, 11, 30), date(2026, 11, 25)), -2);
	assert_int_equal(td_calendar_business_days(shipped, "us", date(2026, 11, 30), date(2026, 11, 30)), 0);
	/* Thu 2 Jul 2026 to Mon 6 Jul: Friday is Independence Day observed */
	assert_int_equal(td_calendar_business_days(shipped, "us", date(2026, 7, 2), date(2026, 7, 6)), 1);
	/* Friday to Friday without a calendar is a week of 5; across 1970-01-01 (a Thursday) too */
	assert_int_equal(td_calendar_business_days(NULL, "us", date(2026, 11, 20), date(2026, 11, 27)), 5);
	assert_int_equal(td_calendar_business_days(NULL, "us", date(1969, 12, 26), date(1970, 1, 2)), 5);
	/* the 5 business days ending Mon 30 Nov 2026 are 23, 24, 25, 27 and 30 November */
	assert_int_equal(td_calendar_business_days(shipped, "us", date(2026, 11, 20), date(2026, 11, 30)), 5);
	assert_int_equal(td_calendar_business_days(shipped, "us", date(2026, 11, 23), date(2026, 11, 30)), 4);
	/* NSE: Good Friday 3 Apr 2026 and Ambedkar Jayanti Tue 14 Apr: 1 to 15 April has 8 trading days
	   (2, 6, 7, 8, 9, 10, 13, 15) */
	assert_int_equal(td_calendar_business_days(shipped, "in", date(2026, 4, 1), date(2026, 4, 15)), 8);
}

static void test_prev_trading_day(void **state)
{
	(void)state;
	/* Monday after Thanksgiving: the Friday, an early close, trades */
	assert_int_equal(td_calendar_prev_trading_day(shipped, "us", date(2026, 11, 30)), date(2026, 11, 27));
	/* the Friday: Thanksgiving is skipped to the Wednesday */
	assert_int_equal(td_calendar_prev_trading_day(shipped, "us", date(2026, 11, 27)), date(2026, 11, 25));
	/* a holiday weekend: Fri 3 Jul 2026 closed, so Monday's previous is Thursday */
	assert_int_equal(td_calendar_prev_trading_day(shipped, "us", date(2026, 7, 6)), date(2026, 7, 2));
	/* Tue 6 Jul 2027 after Monday's Independence Day observed: Friday 2 July */
	assert_int_equal(td_calendar_prev_trading_day(shipped, "us", date(2027, 7, 6)), date(2027, 7, 2));
	assert_int_equal(td_calendar_prev_trading_day(shipped, "in", date(2026, 4, 6)), date(2026, 4, 2));
	assert_int_equal(td_calendar_prev_trading_day(NULL, "us", date(2026, 11, 30)), date(2026, 11, 27));
	assert_false(td_calendar_trades(shipped, "us", date(2026, 11, 26)));
	assert_true(td_calendar_trades(shipped, "us", date(2026, 11, 27)));
	assert_false(td_calendar_trades(shipped, "us", date(2026, 11, 28)));
}

/* An instant seen from the market's zone: New York is UTC-5 in late November and UTC-4 in July; India UTC+5:30. */
static void test_now(void **state)
{
	(void)state;
	td_ns t;
	const char *why;
	td_cal_now c;

	assert_int_equal(td_time_parse_iso("2026-11-27T18:30:00Z", &t, &why), 0);
	td_calendar_now(shipped, "us", t, &c);
	assert_int_equal(c.now, t);
	assert_int_equal(c.day, date(2026, 11, 27));
	assert_int_equal(c.tod, HM(13, 30));
	assert_int_equal(c.today.kind, TD_CAL_EARLY);
	assert_int_equal(td_time_parse_iso("2026-11-27T03:00:00Z", &t, &why), 0);   /* 22:00 on Thanksgiving */
	td_calendar_now(shipped, "us", t, &c);
	assert_int_equal(c.day, date(2026, 11, 26));
	assert_int_equal(c.tod, HM(22, 0));
	assert_string_equal(c.today.name, "Thanksgiving Day");
	assert_int_equal(td_time_parse_iso("2026-07-02T17:00:00Z", &t, &why), 0);
	td_calendar_now(shipped, "us", t, &c);
	assert_int_equal(c.tod, HM(13, 0));
	assert_int_equal(c.today.kind, TD_CAL_OPEN);
	assert_int_equal(td_time_parse_iso("2026-01-26T03:45:00Z", &t, &why), 0);
	td_calendar_now(shipped, "in", t, &c);
	assert_int_equal(c.day, date(2026, 1, 26));
	assert_int_equal(c.tod, HM(9, 15));
	assert_string_equal(c.today.name, "Republic Day");
}

struct bad_case {
	const char *text;
	const char *msg;   /* after "PATH:" */
};

/* Every bad line, with its line number; each refuses the whole file. */
static void test_bad_lines(void **state)
{
	static const struct bad_case cases[] = {
		{ "# holidays\n\n[uk]\n2026-12-25 = closed Christmas Day\n", "4: unknown market 'uk': expected us or in" },
		{ "2026-12-25 = closed Christmas Day\n", "1: '2026-12-25' is outside a market section such as [us]" },
		{ "[us]\n2026-02-30 = closed Nothing\n",
		  "2: bad date '2026-02-30': bad day: not a day of that month (expected YYYY-MM-DD)" },
		{ "[us]\nChristmas = closed Christmas Day\n",
		  "2: bad date 'Christmas': bad year: expected YYYY- (expected YYYY-MM-DD)" },
		{ "[us]\n2026-11-27 = early 25:00 Day after Thanksgiving\n",
		  "2: bad early close time '25:00': bad hour: expected 0-23" },
		{ "[us]\n2026-11-27 = early 1pm Day after Thanksgiving\n",
		  "2: bad early close time '1pm': bad minute: expected :00-:59" },
		{ "[us]\n2026-11-27 = early 16:30 Day after Thanksgiving\n",
		  "2: early close 16:30 is not inside the regular session 09:30-16:00 of us" },
		{ "[in]\n2026-11-27 = early 09:15 Nothing\n",
		  "2: early close 09:15 is not inside the regular session 09:15-15:30 of in" },
		{ "[us]\n2026-11-27 = early\n", "2: no time after 'early': expected 'early HH:MM NAME'" },
		{ "[us]\n2026-11-26 = closed Thanksgiving Day\n2026-11-25 = closed X\n2026-11-26 = closed Again\n",
		  "4: 2026-11-26 is listed twice in [us]" },
		{ "[us]\n2026-11-28 = closed Saturday\n", "2: 2026-11-28 is a Saturday: the market is closed then anyway" },
		{ "[us]\n2026-11-26 = shut Thanksgiving\n",
		  "2: expected 'closed NAME' or 'early HH:MM NAME', not 'shut Thanksgiving'" },
		{ "[us]\n2026-11-26 = closed\n", "2: no name after 'closed': say which holiday it is" },
		{ "[us]\n2026-11-27 = early 13:00\n", "2: no name after 'early': say which holiday it is" },
		{ "[us]\n2026-11-26 = closed 0123456789012345678901234567890123456789012345678\n",
		  "2: name '0123456789012345678901234567890123456789012345678' is too long (at most 47 characters)" },
		{ "[us]\n2026-11-26 closed Thanksgiving Day\n", "2: expected '[section]' or 'name = value'" },
	};
	char path[4096], err[512], want[4700];

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		write_file("bad.conf", cases[i].text, path, sizeof path);
		err[0] = '\0';
		errno = 0;
		td_calendar *cal = td_calendar_load(path, err, sizeof err);
		snprintf(want, sizeof want, "%s:%s", path, cases[i].msg);
		if (cal || strcmp(err, want) != 0)
			fail_msg("case %zu: got %s '%s', expected NULL '%s'", i, cal ? "a calendar" : "NULL", err, want);
		assert_int_equal(errno, EINVAL);
	}
	snprintf(path, sizeof path, "%s/none.conf", tmpdir);
	assert_null(td_calendar_load(path, err, sizeof err));
	assert_int_equal(errno, ENOENT);
}

/* A good file: 47-character names, sanitised names, sorted lookups whatever the file order, an empty file. */
static void test_good_file(void **state)
{
	char path[4096], err[512], text[512];
	td_cal_day info;

	(void)state;
	snprintf(text, sizeof text,
		 "; comment\n[in]\n2026-12-25 = closed Christmas ; a comment\n[us]\n"
		 "2026-12-25 = closed Christmas Day\n2026-11-27 = early 9:45 Short \x1b[2Jday\n"
		 "2026-01-01 = closed 01234567890123456789012345678901234567890123456\n");
	write_file("good.conf", text, path, sizeof path);
	td_calendar *cal = td_calendar_load(path, err, sizeof err);
	if (!cal)
		fail_msg("%s", err);
	expect_day(cal, "us", 2026, 11, 27, TD_CAL_EARLY, "Short [2Jday", HM(9, 45));
	expect_day(cal, "us", 2026, 1, 1, TD_CAL_HOLIDAY, "01234567890123456789012345678901234567890123456", 0);
	expect_day(cal, "us", 2026, 12, 25, TD_CAL_HOLIDAY, "Christmas Day", 0);
	expect_day(cal, "in", 2026, 12, 25, TD_CAL_HOLIDAY, "Christmas", 0);
	expect_day(cal, "us", 2026, 12, 24, TD_CAL_OPEN, "", 0);
	/* an unknown market has weekends only */
	assert_int_equal(td_calendar_day(cal, "xx", 2026, 12, 25, &info), TD_CAL_OPEN);
	assert_string_equal(info.zone, "");
	assert_string_equal(td_calendar_source(cal), path);
	td_calendar_free(cal);

	write_file("empty.conf", "# nothing yet\n", path, sizeof path);
	cal = td_calendar_load(path, err, sizeof err);
	assert_non_null(cal);
	assert_int_equal(td_calendar_day(cal, "us", 2026, 11, 26, &info), TD_CAL_OPEN);
	assert_false(info.known);
	td_calendar_free(cal);
}

/* The user's file comes first; without one the shipped file is found from the source tree. */
static void test_locate_and_describe(void **state)
{
	char dir[4096], path[4096], found[4096], err[512], line[600], want[4700], cwd[4096];

	(void)state;
	snprintf(dir, sizeof dir, "%s/xdg", tmpdir);
	assert_int_equal(mkdir(dir, 0700), 0);
	setenv("XDG_CONFIG_HOME", dir, 1);
	assert_non_null(getcwd(cwd, sizeof cwd));
	assert_int_equal(chdir(root()), 0);
	assert_int_equal(td_calendar_locate(found, sizeof found), 0);
	assert_string_equal(found, "config/holidays.conf");

	snprintf(dir, sizeof dir, "%s/xdg/tapedeck", tmpdir);
	assert_int_equal(mkdir(dir, 0700), 0);
	write_file("xdg/tapedeck/holidays.conf", "[us]\n2026-11-26 = closed Thanksgiving Day\n", path, sizeof path);
	assert_int_equal(td_calendar_locate(found, sizeof found), 0);
	assert_string_equal(found, path);
	td_calendar *cal = td_calendar_open(err, sizeof err);
	assert_non_null(cal);
	td_calendar_describe(cal, line, sizeof line);
	snprintf(want, sizeof want, "holidays: %s (us 2026)", path);
	assert_string_equal(line, want);
	td_calendar_free(cal);

	write_file("xdg/tapedeck/holidays.conf", "[us]\n2026-11-26 = shut\n", path, sizeof path);
	assert_null(td_calendar_open(err, sizeof err));
	snprintf(want, sizeof want, "%s:2: expected 'closed NAME' or 'early HH:MM NAME', not 'shut'", path);
	assert_string_equal(err, want);

	assert_int_equal(chdir(cwd), 0);
	unsetenv("XDG_CONFIG_HOME");
	td_calendar_describe(shipped, line, sizeof line);
	assert_non_null(strstr(line, "(us 2025-2027, in 2025-2026)"));
	td_calendar_describe(NULL, line, sizeof line);
	assert_string_equal(line, "holidays: no holidays.conf found: only weekends are closed");
}

/*
 * The simulator's default date (feed.date empty) is today when the market
 * trades today, else the last trading day before it: a trading day with no
 * trading day after it up to today, whatever today is.
 */
static void test_sim_default_date_trades(void **state)
{
	static const char *const markets[] = { "us", "in" };
	char cwd[4096], err[512];

	(void)state;
	assert_non_null(getcwd(cwd, sizeof cwd));
	assert_int_equal(chdir(root()), 0);   /* the shipped holidays.conf, not a user's */
	setenv("XDG_CONFIG_HOME", tmpdir, 1);
	for (size_t i = 0; i < ARRAY_LEN(markets); i++) {
		td_config cfg;
		td_config_defaults(&cfg);
		snprintf(cfg.market, sizeof cfg.market, "%s", markets[i]);
		td_registry *reg = td_registry_new(4096);
		td_source src;
		if (td_source_open(&cfg, reg, &src, err, sizeof err) < 0)
			fail_msg("%s", err);
		td_event ev;
		assert_int_equal(src.ops->next(src.impl, &ev), 1);
		td_cal_now sim, today;
		td_calendar_now(shipped, markets[i], ev.exch_ns, &sim);
		td_calendar_now(shipped, markets[i], td_now(), &today);
		if (!td_calendar_trades(shipped, markets[i], sim.day) ||
		    td_calendar_business_days(shipped, markets[i], sim.day, today.day) != 0 || sim.day > today.day)
			fail_msg("%s: simulated day %lld, today %lld", markets[i], (long long)sim.day,
				 (long long)today.day);
		td_source_close(&src);
		td_registry_free(reg);
	}
	unsetenv("XDG_CONFIG_HOME");
	assert_int_equal(chdir(cwd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_us_days),
		cmocka_unit_test(test_in_days),
		cmocka_unit_test(test_trading_days_per_year),
		cmocka_unit_test(test_business_days),
		cmocka_unit_test(test_prev_trading_day),
		cmocka_unit_test(test_now),
		cmocka_unit_test(test_bad_lines),
		cmocka_unit_test(test_good_file),
		cmocka_unit_test(test_locate_and_describe),
		cmocka_unit_test(test_sim_default_date_trades),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
