/* Unit tests for src/core/price.c: decimal text, tick grids, overflow edges. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/price.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static const td_pxfmt nickel = { .tick = 5, .scale = 2 };   /* 0.05 */
static const td_pxfmt cent = { .tick = 1, .scale = 2 };     /* 0.01 */
static const td_pxfmt quarter = { .tick = 25, .scale = 2 }; /* 0.25 */

struct dec_case {
	const char *in;
	int scale;
	int64_t want;
};

/* Well-formed decimals at various scales. */
static void test_dec_parse_ok(void **state)
{
	(void)state;
	static const struct dec_case cases[] = {
		{ "0", 0, 0 },
		{ "-0", 2, 0 },
		{ "+1", 0, 1 },
		{ "1.23", 2, 123 },
		{ "1.230", 2, 123 },
		{ "1.2300000000000", 2, 123 },
		{ "1.2", 2, 120 },
		{ "1", 2, 100 },
		{ "1.", 2, 100 },
		{ ".5", 1, 5 },
		{ "-.5", 1, -5 },
		{ "-12.5", 3, -12500 },
		{ "007.10", 2, 710 },
		{ "0.000000001", 9, 1 },
		{ "9223372036854775807", 0, INT64_MAX },
		{ "-9223372036854775807", 0, -INT64_MAX },
		{ "92233720368547758.07", 2, INT64_MAX },
		{ "-92233720368547758.07", 2, -INT64_MAX },
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		int64_t v = -1;
		const char *err = NULL;
		assert_int_equal(td_dec_parse(cases[i].in, cases[i].scale, &v, &err), 0);
		assert_null(err);
		assert_int_equal(v, cases[i].want);
	}
}

struct dec_bad {
	const char *in;
	int scale;
	const char *err;
};

/* Malformed and out-of-range decimals, each with the message it earns. */
static void test_dec_parse_bad(void **state)
{
	(void)state;
	static const struct dec_bad cases[] = {
		{ "", 2, "empty number" },
		{ "+", 2, "no digits in number" },
		{ "-", 2, "no digits in number" },
		{ ".", 2, "no digits in number" },
		{ "-.", 2, "no digits in number" },
		{ "1e5", 2, "unexpected character in number" },
		{ " 1.5", 2, "unexpected character in number" },
		{ "1.5 ", 2, "unexpected character in number" },
		{ "1,5", 2, "unexpected character in number" },
		{ "--1", 2, "unexpected character in number" },
		{ "1.2.3", 2, "unexpected character in number" },
		{ "0x10", 0, "unexpected character in number" },
		{ "1.235", 2, "more than 2 decimals" },
		{ "1.2301", 2, "more than 2 decimals" },
		{ "1.5", 0, "decimals not allowed" },
		{ "1.05", 1, "more than 1 decimal" },
		{ "9223372036854775808", 0, "number out of range" },
		{ "-9223372036854775808", 0, "number out of range" },
		{ "92233720368547758.08", 2, "number out of range" },
		{ "92233720368547759", 2, "number out of range" },
		{ "99999999999999999999999", 0, "number out of range" },
		{ "1", 10, "scale out of range" },
		{ "1", -1, "scale out of range" },
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		int64_t v = 42;
		const char *err = NULL;
		assert_int_equal(td_dec_parse(cases[i].in, cases[i].scale, &v, &err), -1);
		assert_string_equal(err, cases[i].err);
		assert_int_equal(v, 42); /* untouched on error */
	}
	assert_int_equal(td_dec_parse(NULL, 2, &(int64_t){ 0 }, NULL), -1);
}

struct fmt_case {
	int64_t v;
	int scale;
	const char *want;
};

/* Formatting signs, leading zeros and the extremes of int64. */
static void test_dec_format(void **state)
{
	(void)state;
	static const struct fmt_case cases[] = {
		{ 0, 0, "0" },
		{ 0, 2, "0.00" },
		{ 5, 2, "0.05" },
		{ -5, 2, "-0.05" },
		{ 123, 2, "1.23" },
		{ -123, 2, "-1.23" },
		{ 100, 2, "1.00" },
		{ 1, 9, "0.000000001" },
		{ INT64_MAX, 0, "9223372036854775807" },
		{ INT64_MAX, 2, "92233720368547758.07" },
		{ INT64_MIN, 0, "-9223372036854775808" },
		{ INT64_MIN, 9, "-9223372036.854775808" },
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		char buf[32];
		int len = td_dec_format(cases[i].v, cases[i].scale, buf, sizeof buf);
		assert_string_equal(buf, cases[i].want);
		assert_int_equal(len, (int)strlen(cases[i].want));
	}
}

/* A short buffer truncates like snprintf but reports the full length. */
static void test_dec_format_truncates(void **state)
{
	(void)state;
	char buf[4] = "xxx";
	assert_int_equal(td_dec_format(-12345, 2, buf, sizeof buf), 7);
	assert_string_equal(buf, "-12");
	assert_int_equal(td_dec_format(7, 0, NULL, 0), 1);
	assert_int_equal(td_dec_format(7, 10, buf, sizeof buf), -1);
	assert_string_equal(buf, "");
}

/* The worked example in the header: tick 0.05 at scale 2. */
static void test_px_parse_grid(void **state)
{
	(void)state;
	td_ticks t = 0;
	const char *err = NULL;

	assert_int_equal(td_px_parse(nickel, "6.15", &t, &err), 0);
	assert_int_equal(t, 123);
	assert_int_equal(td_px_parse(nickel, "6.1", &t, &err), 0);
	assert_int_equal(t, 122);
	assert_int_equal(td_px_parse(nickel, "-0.35", &t, &err), 0);
	assert_int_equal(t, -7);
	assert_int_equal(td_px_parse(nickel, "1.230", &t, &err), -1);
	assert_string_equal(err, "price off the tick grid");
	assert_int_equal(td_px_parse(nickel, "6.17", &t, &err), -1);
	assert_string_equal(err, "price off the tick grid");
	assert_int_equal(td_px_parse(nickel, "6.175", &t, &err), -1);
	assert_string_equal(err, "more than 2 decimals");
	assert_int_equal(td_px_parse(cent, "1.230", &t, &err), 0);
	assert_int_equal(t, 123);
	assert_int_equal(td_px_parse(cent, "1.235", &t, &err), -1);
	assert_string_equal(err, "more than 2 decimals");
	assert_int_equal(td_px_parse((td_pxfmt){ 0, 2 }, "1", &t, &err), -1);
	assert_string_equal(err, "bad tick size");
	assert_int_equal(td_px_parse((td_pxfmt){ 1, 12 }, "1", &t, &err), -1);
	assert_string_equal(err, "bad tick size");
}

/* Spreads and some futures trade below zero. */
static void test_px_negative(void **state)
{
	(void)state;
	char buf[32];
	td_ticks t = 0;
	assert_int_equal(td_px_parse(quarter, "-3.75", &t, NULL), 0);
	assert_int_equal(t, -15);
	td_px_format(quarter, -15, buf, sizeof buf);
	assert_string_equal(buf, "-3.75");
	td_px_format(quarter, -1, buf, sizeof buf);
	assert_string_equal(buf, "-0.25");
}

/* NONE prints a dash; INT64_MAX/tick is the largest that formats; one more is "?". */
static void test_px_format_edges(void **state)
{
	(void)state;
	char buf[32];

	assert_int_equal(td_px_format(nickel, TD_PX_NONE, buf, sizeof buf), 1);
	assert_string_equal(buf, "-");

	/* 9223372036854775807 / 5 = 1844674407370955161, times 5 = ...805 */
	int len = td_px_format(nickel, 1844674407370955161LL, buf, sizeof buf);
	assert_string_equal(buf, "92233720368547758.05");
	assert_int_equal(len, 20);
	assert_int_equal(td_px_format(nickel, 1844674407370955162LL, buf, sizeof buf), -1);
	assert_string_equal(buf, "?");
	assert_int_equal(td_px_format(nickel, -1844674407370955162LL, buf, sizeof buf), -1);
	assert_string_equal(buf, "?");

	td_px_format(cent, INT64_MAX, buf, sizeof buf);
	assert_string_equal(buf, "92233720368547758.07");
	td_px_format(cent, INT64_MIN + 1, buf, sizeof buf);
	assert_string_equal(buf, "-92233720368547758.07");

	assert_int_equal(td_px_format((td_pxfmt){ -5, 2 }, 1, buf, sizeof buf), -1);
	assert_string_equal(buf, "?");
}

/* The largest price text parses back to the largest tick count. */
static void test_px_parse_extremes(void **state)
{
	(void)state;
	td_ticks t = 0;
	const char *err = NULL;
	assert_int_equal(td_px_parse(nickel, "92233720368547758.05", &t, &err), 0);
	assert_int_equal(t, 1844674407370955161LL);
	assert_int_equal(td_px_parse(nickel, "-92233720368547758.05", &t, &err), 0);
	assert_int_equal(t, -1844674407370955161LL);
	assert_int_equal(td_px_parse(nickel, "92233720368547758.10", &t, &err), -1);
	assert_string_equal(err, "number out of range");
}

/* Nearest tick, halves away from zero, and non-finite input. */
static void test_px_from_double(void **state)
{
	(void)state;
	assert_int_equal(td_px_from_double(nickel, 6.15), 123);
	assert_int_equal(td_px_from_double(nickel, 6.16), 123); /* 123.2 ticks */
	assert_int_equal(td_px_from_double(nickel, 6.18), 124); /* 123.6 ticks */
	assert_int_equal(td_px_from_double(nickel, -6.16), -123);
	assert_int_equal(td_px_from_double(quarter, 1.125), 5);   /* 4.5 ticks */
	assert_int_equal(td_px_from_double(quarter, -1.125), -5);
	assert_int_equal(td_px_from_double(quarter, 0.0), 0);
	assert_int_equal(td_px_from_double(nickel, INFINITY), TD_PX_NONE);
	assert_int_equal(td_px_from_double(nickel, NAN), TD_PX_NONE);
	assert_int_equal(td_px_from_double(cent, 1e30), TD_PX_NONE);
	assert_int_equal(td_px_from_double(cent, -1e30), TD_PX_NONE);
}

/* Ticks to double for display maths. */
static void test_px_to_double(void **state)
{
	(void)state;
	assert_true(td_px_to_double(nickel, 123) == 6.15);
	assert_true(td_px_to_double(quarter, -15) == -3.75);
	assert_true(td_px_to_double(cent, 0) == 0.0);
}

struct tick_case {
	const char *in;
	int64_t tick;
	int scale;
};

/* Tick sizes as written in config files. */
static void test_pxfmt_parse(void **state)
{
	(void)state;
	static const struct tick_case ok[] = {
		{ "0.25", 25, 2 },
		{ "1", 1, 0 },
		{ "0.0001", 1, 4 },
		{ "0.05", 5, 2 },
		{ "0.50", 50, 2 },
		{ "5", 5, 0 },
		{ "0.000000001", 1, 9 },
	};
	for (size_t i = 0; i < ARRAY_LEN(ok); i++) {
		td_pxfmt f = { 0, 0 };
		assert_int_equal(td_pxfmt_parse(ok[i].in, &f, NULL), 0);
		assert_int_equal(f.tick, ok[i].tick);
		assert_int_equal(f.scale, ok[i].scale);
	}

	static const struct { const char *in, *err; } bad[] = {
		{ "", "empty tick size" },
		{ "0", "tick size must be positive" },
		{ "0.00", "tick size must be positive" },
		{ "-0.05", "tick size must be positive" },
		{ "0.0000000001", "tick size has more than 9 decimals" },
		{ "1e-2", "unexpected character in number" },
		{ "abc", "unexpected character in number" },
		{ ".", "no digits in number" },
	};
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		td_pxfmt f;
		const char *err = NULL;
		assert_int_equal(td_pxfmt_parse(bad[i].in, &f, &err), -1);
		assert_string_equal(err, bad[i].err);
	}
}

/*
 * Round trip over a range of ticks: the canonical text is built here from
 * integer division, parsed, and must format back to the same text.
 */
static void test_px_round_trip(void **state)
{
	(void)state;
	static const td_pxfmt grids[] = {
		{ 5, 2 }, { 1, 2 }, { 25, 2 }, { 1, 4 }, { 1, 0 }, { 10, 1 }, { 3125, 5 },
	};
	static const int64_t pow10[] = { 1, 10, 100, 1000, 10000, 100000 };
	for (size_t g = 0; g < ARRAY_LEN(grids); g++) {
		td_pxfmt f = grids[g];
		for (int64_t t = -2000; t <= 2000; t += 7) {
			int64_t v = t * f.tick;
			int64_t mag = v < 0 ? -v : v;
			int64_t unit = pow10[f.scale];
			char want[48];
			int w;
			if (f.scale > 0)
				w = snprintf(want, sizeof want, "%s%lld.%0*lld", v < 0 ? "-" : "",
				             (long long)(mag / unit), f.scale, (long long)(mag % unit));
			else
				w = snprintf(want, sizeof want, "%lld", (long long)v);
			assert_true(w > 0 && (size_t)w < sizeof want);

			td_ticks back = TD_PX_NONE;
			assert_int_equal(td_px_parse(f, want, &back, NULL), 0);
			assert_int_equal(back, t);
			char got[48];
			int len = td_px_format(f, back, got, sizeof got);
			assert_string_equal(got, want);
			assert_int_equal(len, (int)strlen(want));
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dec_parse_ok),
		cmocka_unit_test(test_dec_parse_bad),
		cmocka_unit_test(test_dec_format),
		cmocka_unit_test(test_dec_format_truncates),
		cmocka_unit_test(test_px_parse_grid),
		cmocka_unit_test(test_px_negative),
		cmocka_unit_test(test_px_format_edges),
		cmocka_unit_test(test_px_parse_extremes),
		cmocka_unit_test(test_px_from_double),
		cmocka_unit_test(test_px_to_double),
		cmocka_unit_test(test_pxfmt_parse),
		cmocka_unit_test(test_px_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
