/*
 * Unit tests for src/core/time.c.  Expected values are published facts:
 * 2024-01-01T00:00:00Z is Unix time 1704067200, int64 ns ends at
 * 2262-04-11T23:47:16.854775807Z, US DST 2024 ran from 10 March to 3 November.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/time.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define SEC(x) ((td_ns)(x) * TD_NS_PER_SEC)
#define HMS(h, m, s) SEC((h) * 3600 + (m) * 60 + (s))

static const int64_t jan1_2024 = 19723; /* 1704067200 / 86400 */

struct civil_case {
	int y, m, d;
	int64_t days;
	int weekday;
};

/* Known dates and their weekdays. */
static void test_civil_known(void **state)
{
	(void)state;
	static const struct civil_case cases[] = {
		{ 1970, 1, 1, 0, 4 },             /* Thursday */
		{ 1969, 12, 31, -1, 3 },
		{ 2000, 1, 1, 10957, 6 },         /* Saturday; 946684800 / 86400 */
		{ 2000, 3, 1, 11017, 3 },         /* Wednesday */
		{ 1600, 3, 1, 11017 - 146097, 3 }, /* 400 years earlier, same weekday */
		{ 2024, 1, 1, 19723, 1 },         /* Monday */
		{ 2024, 2, 29, 19723 + 31 + 28, 4 },
		{ 2024, 3, 10, 19723 + 31 + 29 + 9, 0 }, /* Sunday */
		{ 2262, 4, 11, 106751, 5 },       /* INT64_MAX ns / 86400e9 = 106751.99 */
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		const struct civil_case *c = &cases[i];
		assert_int_equal(td_days_from_civil(c->y, c->m, c->d), c->days);
		int y, m, d;
		td_civil_from_days(c->days, &y, &m, &d);
		assert_int_equal(y, c->y);
		assert_int_equal(m, c->m);
		assert_int_equal(d, c->d);
		assert_int_equal(td_weekday(c->days), c->weekday);
	}
}

/* Days in a month by the Gregorian rule, written out independently. */
static int month_len(int y, int m)
{
	if (m == 2)
		return (y % 400 == 0 || (y % 4 == 0 && y % 100 != 0)) ? 29 : 28;
	return (m == 4 || m == 6 || m == 9 || m == 11) ? 30 : 31;
}

/* Walking day by day from 1600-03-01 to 2400: dates advance like a calendar. */
static void test_civil_walk(void **state)
{
	(void)state;
	int y = 1600, m = 3, d = 1;
	int64_t start = td_days_from_civil(y, m, d);
	for (int64_t days = start; days < start + 800 * 366; days++) {
		int gy, gm, gd;
		td_civil_from_days(days, &gy, &gm, &gd);
		assert_int_equal(gy, y);
		assert_int_equal(gm, m);
		assert_int_equal(gd, d);
		assert_int_equal(td_days_from_civil(y, m, d), days);
		assert_int_equal(td_weekday(days), (int)(((days - start) % 7 + 3) % 7));
		if (++d > month_len(y, m)) {
			d = 1;
			if (++m > 12) {
				m = 1;
				y++;
			}
		}
	}
}

struct iso_case {
	const char *in;
	td_ns want;
};

/* Well-formed ISO-8601 instants. */
static void test_iso_parse_ok(void **state)
{
	(void)state;
	static const struct iso_case cases[] = {
		{ "1970-01-01T00:00:00Z", 0 },
		{ "1970-01-01T00:00:00", 0 },
		{ "1970-01-01 00:00:01", SEC(1) },
		{ "2000-03-01T00:00:00Z", SEC(11017LL * 86400) },
		{ "2024-01-01T00:00:00Z", SEC(1704067200LL) },
		{ "2024-01-01T00:00:00+05:30", SEC(1704067200LL - 19800) },
		{ "2024-01-01T00:00:00-05:00", SEC(1704067200LL + 18000) },
		{ "2024-01-01T00:00:00+00:00", SEC(1704067200LL) },
		{ "2024-01-01T09:30:00.5Z", SEC(1704067200LL + 34200) + 500000000 },
		{ "2024-01-01T09:30:00.123456789Z", SEC(1704067200LL + 34200) + 123456789 },
		{ "2024-01-01T09:30:00.000000001", SEC(1704067200LL + 34200) + 1 },
		{ "1969-12-31T23:59:59.999999999Z", -1 },
		{ "2262-04-11T23:47:16.854775807Z", INT64_MAX },
		{ "1677-09-21T00:12:43.145224192Z", INT64_MIN },
		{ "2024-02-29T12:00:00Z", SEC((jan1_2024 + 59) * 86400 + 43200) },
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		td_ns t = 42;
		const char *err = NULL;
		if (td_time_parse_iso(cases[i].in, &t, &err) != 0)
			fail_msg("'%s': %s", cases[i].in, err);
		assert_int_equal(t, cases[i].want);
	}
}

struct bad_case {
	const char *in;
	const char *err;
};

/* Each malformed part gets a message naming it. */
static void test_iso_parse_bad(void **state)
{
	(void)state;
	static const struct bad_case cases[] = {
		{ "", "empty time" },
		{ "24-01-01T00:00:00Z", "bad year: expected YYYY-" },
		{ "2024/01/01T00:00:00Z", "bad year: expected YYYY-" },
		{ "2024-1-01T00:00:00Z", "bad month: expected 01-12 then '-'" },
		{ "2024-13-01T00:00:00Z", "bad month: expected 01-12 then '-'" },
		{ "2024-00-01T00:00:00Z", "bad month: expected 01-12 then '-'" },
		{ "2024-02-30T00:00:00Z", "bad day: not a day of that month" },
		{ "2023-02-29T00:00:00Z", "bad day: not a day of that month" },
		{ "1900-02-29T00:00:00Z", "bad day: not a day of that month" },
		{ "2024-04-31T00:00:00Z", "bad day: not a day of that month" },
		{ "2024-01-00T00:00:00Z", "bad day: not a day of that month" },
		{ "2024-01-01", "bad separator: expected 'T' or a space after the date" },
		{ "2024-01-01t00:00:00Z", "bad separator: expected 'T' or a space after the date" },
		{ "2024-01-01T24:00:00Z", "bad hour: expected 00-23" },
		{ "2024-01-01T9:30:00Z", "bad hour: expected 00-23" },
		{ "2024-01-01T09:60:00Z", "bad minute: expected :00-:59" },
		{ "2024-01-01T09:30Z", "bad second: expected :00-:59" },
		{ "2024-01-01T09:30:60Z", "bad second: expected :00-:59" },
		{ "2024-01-01T09:30:00.Z", "bad fraction: no digits after '.'" },
		{ "2024-01-01T09:30:00.1234567890Z", "bad fraction: more than 9 digits" },
		{ "2024-01-01T09:30:00+5:30", "bad zone: expected Z, +HH:MM or -HH:MM" },
		{ "2024-01-01T09:30:00+0530", "bad zone: expected Z, +HH:MM or -HH:MM" },
		{ "2024-01-01T09:30:00+24:00", "bad zone: expected Z, +HH:MM or -HH:MM" },
		{ "2024-01-01T09:30:00 Z", "bad zone: expected Z, +HH:MM or -HH:MM" },
		{ "2024-01-01T09:30:00Zx", "trailing characters after the time" },
		{ "2024-01-01T09:30:00+05:30 ", "trailing characters after the time" },
		{ "2262-04-11T23:47:16.854775808Z", "time out of range: years 1677 to 2262 only" },
		{ "1677-09-21T00:12:43.145224191Z", "time out of range: years 1677 to 2262 only" },
		{ "9999-12-31T23:59:59Z", "time out of range: years 1677 to 2262 only" },
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		td_ns t = 42;
		const char *err = NULL;
		if (td_time_parse_iso(cases[i].in, &t, &err) != -1)
			fail_msg("'%s' was accepted", cases[i].in);
		assert_non_null(err);
		if (strcmp(err, cases[i].err) != 0)
			fail_msg("'%s': got '%s', want '%s'", cases[i].in, err, cases[i].err);
		assert_int_equal(t, 42);
	}
}

/* Times of day, including one-digit hours and the 24:00 end of day. */
static void test_hms_parse(void **state)
{
	(void)state;
	static const struct iso_case ok[] = {
		{ "00:00", 0 },
		{ "09:30", HMS(9, 30, 0) },
		{ "9:30", HMS(9, 30, 0) },
		{ "16:00:01", HMS(16, 0, 1) },
		{ "23:59:59", HMS(23, 59, 59) },
		{ "24:00", SEC(86400) },
		{ "24:00:00", SEC(86400) },
	};
	for (size_t i = 0; i < ARRAY_LEN(ok); i++) {
		td_ns t = -1;
		assert_int_equal(td_time_parse_hms(ok[i].in, &t, NULL), 0);
		assert_int_equal(t, ok[i].want);
	}
	static const struct bad_case bad[] = {
		{ "", "empty time of day" },
		{ ":30", "bad hour: expected 0-23" },
		{ "25:00", "bad hour: expected 0-23" },
		{ "24:01", "bad hour: only 24:00 may use hour 24" },
		{ "12", "bad minute: expected :00-:59" },
		{ "12:6", "bad minute: expected :00-:59" },
		{ "12:60", "bad minute: expected :00-:59" },
		{ "12:30:", "bad second: expected :00-:59" },
		{ "12:30:61", "bad second: expected :00-:59" },
		{ "12:30 ", "trailing characters after the time of day" },
		{ "12:30:00.5", "trailing characters after the time of day" },
	};
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		td_ns t;
		const char *err = NULL;
		assert_int_equal(td_time_parse_hms(bad[i].in, &t, &err), -1);
		if (strcmp(err, bad[i].err) != 0)
			fail_msg("'%s': got '%s', want '%s'", bad[i].in, err, bad[i].err);
	}
}

/* Dates alone. */
static void test_date_parse(void **state)
{
	(void)state;
	int64_t days = 0;
	const char *err = NULL;
	assert_int_equal(td_date_parse("2000-03-01", &days, &err), 0);
	assert_int_equal(days, 11017);
	assert_int_equal(td_date_parse("1969-12-31", &days, &err), 0);
	assert_int_equal(days, -1);
	assert_int_equal(td_date_parse("2024-02-30", &days, &err), -1);
	assert_string_equal(err, "bad day: not a day of that month");
	assert_int_equal(td_date_parse("2024-02-01T", &days, &err), -1);
	assert_string_equal(err, "trailing characters after the date");
	assert_int_equal(td_date_parse("", &days, &err), -1);
	assert_string_equal(err, "empty date");
}

/* The zone table and its names. */
static void test_tz_find(void **state)
{
	(void)state;
	static const char *const names[] = {
		"UTC", "Asia/Kolkata", "America/New_York", "America/Chicago",
	};
	for (size_t i = 0; i < ARRAY_LEN(names); i++) {
		const td_tz *tz = td_tz_find(names[i]);
		assert_non_null(tz);
		assert_string_equal(td_tz_name(tz), names[i]);
	}
	assert_null(td_tz_find("Europe/Atlantis"));
	assert_null(td_tz_find("utc"));
	assert_null(td_tz_find(""));
	assert_null(td_tz_find(NULL));
}

struct tz_case {
	const char *zone;
	const char *utc;   /* ISO instant */
	int offset;        /* seconds */
	const char *local; /* HH:MM:SS */
};

/* Offsets and local clocks around the US DST changes of 2023-2025. */
static void test_tz_offsets(void **state)
{
	(void)state;
	static const struct tz_case cases[] = {
		{ "UTC", "2024-07-01T12:00:00Z", 0, "12:00:00" },
		{ "Asia/Kolkata", "2024-01-01T00:00:00Z", 19800, "05:30:00" },
		{ "Asia/Kolkata", "2024-07-01T20:00:00Z", 19800, "01:30:00" },
		/* 2024: second Sunday of March is the 10th, first Sunday of November the 3rd */
		{ "America/New_York", "2024-03-10T06:59:59Z", -18000, "01:59:59" },
		{ "America/New_York", "2024-03-10T07:00:00Z", -14400, "03:00:00" },
		{ "America/New_York", "2024-11-03T05:59:59Z", -14400, "01:59:59" },
		{ "America/New_York", "2024-11-03T06:00:00Z", -18000, "01:00:00" },
		{ "America/New_York", "2024-07-01T13:30:00Z", -14400, "09:30:00" },
		{ "America/New_York", "2024-01-02T14:30:00Z", -18000, "09:30:00" },
		{ "America/New_York", "2024-01-01T03:00:00Z", -18000, "22:00:00" },
		/* 2023: 12 March and 5 November */
		{ "America/New_York", "2023-03-12T06:59:59Z", -18000, "01:59:59" },
		{ "America/New_York", "2023-03-12T07:00:00Z", -14400, "03:00:00" },
		{ "America/New_York", "2023-11-05T05:59:59Z", -14400, "01:59:59" },
		{ "America/New_York", "2023-11-05T06:00:00Z", -18000, "01:00:00" },
		/* 2025: 9 March and 2 November */
		{ "America/New_York", "2025-03-09T06:59:59Z", -18000, "01:59:59" },
		{ "America/New_York", "2025-03-09T07:00:00Z", -14400, "03:00:00" },
		{ "America/New_York", "2025-11-02T06:00:00Z", -18000, "01:00:00" },
		/* Chicago changes at its own 02:00, one hour later in UTC */
		{ "America/Chicago", "2024-03-10T07:59:59Z", -21600, "01:59:59" },
		{ "America/Chicago", "2024-03-10T08:00:00Z", -18000, "03:00:00" },
		{ "America/Chicago", "2024-11-03T06:59:59Z", -18000, "01:59:59" },
		{ "America/Chicago", "2024-11-03T07:00:00Z", -21600, "01:00:00" },
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		const td_tz *tz = td_tz_find(cases[i].zone);
		td_ns t;
		assert_int_equal(td_time_parse_iso(cases[i].utc, &t, NULL), 0);
		assert_int_equal(td_tz_offset(tz, t), cases[i].offset);
		char hms[9];
		td_time_fmt_hms(tz, t, hms);
		if (strcmp(hms, cases[i].local) != 0)
			fail_msg("%s %s: got %s, want %s", cases[i].zone, cases[i].utc, hms,
			         cases[i].local);
	}
}

struct local_case {
	const char *zone;
	const char *date;
	td_ns tod;
	const char *utc;
};

/* Local wall-clock times to UTC, including the skipped and repeated hours. */
static void test_tz_to_utc(void **state)
{
	(void)state;
	static const struct local_case cases[] = {
		{ "UTC", "2024-01-01", HMS(9, 30, 0), "2024-01-01T09:30:00Z" },
		{ "Asia/Kolkata", "2024-01-01", HMS(9, 15, 0), "2024-01-01T03:45:00Z" },
		{ "Asia/Kolkata", "2024-01-01", HMS(3, 0, 0), "2023-12-31T21:30:00Z" },
		{ "America/New_York", "2024-01-02", HMS(9, 30, 0), "2024-01-02T14:30:00Z" },
		{ "America/New_York", "2024-07-01", HMS(9, 30, 0), "2024-07-01T13:30:00Z" },
		{ "America/New_York", "2024-03-10", HMS(1, 59, 59), "2024-03-10T06:59:59Z" },
		{ "America/New_York", "2024-03-10", HMS(3, 0, 0), "2024-03-10T07:00:00Z" },
		/* 02:30 does not exist that day: read as EST, i.e. 03:30 EDT */
		{ "America/New_York", "2024-03-10", HMS(2, 30, 0), "2024-03-10T07:30:00Z" },
		/* 01:30 happens twice: the first (EDT) one */
		{ "America/New_York", "2024-11-03", HMS(1, 30, 0), "2024-11-03T05:30:00Z" },
		{ "America/New_York", "2024-11-03", HMS(2, 0, 0), "2024-11-03T07:00:00Z" },
		{ "America/New_York", "2024-11-03", HMS(0, 59, 59), "2024-11-03T04:59:59Z" },
		{ "America/New_York", "2024-11-03", SEC(86400), "2024-11-04T05:00:00Z" },
		{ "America/Chicago", "2024-07-01", HMS(8, 30, 0), "2024-07-01T13:30:00Z" },
		{ "America/Chicago", "2024-12-02", HMS(8, 30, 0), "2024-12-02T14:30:00Z" },
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		const td_tz *tz = td_tz_find(cases[i].zone);
		int64_t days;
		td_ns want;
		assert_int_equal(td_date_parse(cases[i].date, &days, NULL), 0);
		assert_int_equal(td_time_parse_iso(cases[i].utc, &want, NULL), 0);
		assert_int_equal(td_tz_to_utc(tz, days, cases[i].tod), want);
	}
}

/* ISO output at the epoch, before it, and at the int64 limits. */
static void test_fmt_iso(void **state)
{
	(void)state;
	char buf[31];
	td_time_fmt_iso(0, buf, sizeof buf);
	assert_string_equal(buf, "1970-01-01T00:00:00.000000000Z");
	td_time_fmt_iso(-1, buf, sizeof buf);
	assert_string_equal(buf, "1969-12-31T23:59:59.999999999Z");
	td_time_fmt_iso(INT64_MAX, buf, sizeof buf);
	assert_string_equal(buf, "2262-04-11T23:47:16.854775807Z");
	td_time_fmt_iso(INT64_MIN, buf, sizeof buf);
	assert_string_equal(buf, "1677-09-21T00:12:43.145224192Z");
	td_time_fmt_iso(SEC(1704067200LL + 34200) + 5, buf, sizeof buf);
	assert_string_equal(buf, "2024-01-01T09:30:00.000000005Z");
}

/* format(parse(x)) == x for canonical text, and parse(format(t)) == t. */
static void test_iso_round_trip(void **state)
{
	(void)state;
	/* a stride that is prime in ns walks through every field */
	const td_ns step = 2718281828459045LL;
	for (td_ns t = INT64_MIN / 2; t < INT64_MAX / 2; t += step) {
		char buf[31], again[31];
		td_time_fmt_iso(t, buf, sizeof buf);
		td_ns back;
		const char *err = NULL;
		if (td_time_parse_iso(buf, &back, &err) != 0)
			fail_msg("'%s': %s", buf, err);
		assert_int_equal(back, t);
		td_time_fmt_iso(back, again, sizeof again);
		assert_string_equal(again, buf);
	}
}

/* Local HH:MM:SS from a zone agrees with UTC shifted by the offset. */
static void test_fmt_hms_consistent(void **state)
{
	(void)state;
	const td_tz *ny = td_tz_find("America/New_York");
	for (td_ns t = SEC(1704067200LL); t < SEC(1735689600LL); t += SEC(3607)) {
		char local[9], iso[31];
		td_time_fmt_hms(ny, t, local);
		td_time_fmt_iso(t + SEC(td_tz_offset(ny, t)), iso, sizeof iso);
		assert_memory_equal(local, iso + 11, 8);
	}
}

/* Both clocks tick, and the wall clock is after this code was written. */
static void test_clocks(void **state)
{
	(void)state;
	assert_true(td_now() > SEC(1704067200LL));
	td_mono a = td_mono_now();
	td_mono b = td_mono_now();
	assert_true(b >= a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_civil_known),
		cmocka_unit_test(test_civil_walk),
		cmocka_unit_test(test_iso_parse_ok),
		cmocka_unit_test(test_iso_parse_bad),
		cmocka_unit_test(test_hms_parse),
		cmocka_unit_test(test_date_parse),
		cmocka_unit_test(test_tz_find),
		cmocka_unit_test(test_tz_offsets),
		cmocka_unit_test(test_tz_to_utc),
		cmocka_unit_test(test_fmt_iso),
		cmocka_unit_test(test_iso_round_trip),
		cmocka_unit_test(test_fmt_hms_consistent),
		cmocka_unit_test(test_clocks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
