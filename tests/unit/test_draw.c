/* Number formatting used by every pane; expected strings written by hand. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdint.h>
#include <string.h>

#include "draw.h"

static void test_grouped_integers(void **state)
{
	(void)state;
	static const struct {
		int64_t v;
		const char *want;
	} cases[] = {
		{ 0, "0" },
		{ 999, "999" },
		{ 1000, "1,000" },
		{ -1000, "-1,000" },
		{ 1234567, "1,234,567" },
		{ INT64_MAX, "9,223,372,036,854,775,807" },
		{ INT64_MIN, "-9,223,372,036,854,775,808" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char buf[40];
		td_fmt_int(cases[i].v, buf, sizeof(buf));
		assert_string_equal(buf, cases[i].want);
	}
	char small[4];
	td_fmt_int(1234567, small, sizeof(small));
	assert_string_equal(small, "1,2");
}

/* Three significant digits with a suffix, so sizes fit six columns. */
static void test_compact_numbers(void **state)
{
	(void)state;
	static const struct {
		double v;
		const char *want;
	} cases[] = {
		{ 0, "0" },         { 999, "999" },      { 999.5, "1.00k" }, { 1234, "1.23k" },
		{ 12345, "12.3k" }, { 123456, "123k" },  { 1234567, "1.23M" }, { -2500, "-2.50k" },
		{ 5e12, "5.00T" },  { 5e15, "5000T" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char buf[16];
		td_fmt_compact(cases[i].v, buf, sizeof(buf));
		if (strcmp(buf, cases[i].want) != 0)
			fail_msg("%g: got '%s', want '%s'", cases[i].v, buf, cases[i].want);
	}
}

static void test_durations(void **state)
{
	(void)state;
	char buf[16];
	td_fmt_duration(-1, buf, sizeof(buf));
	assert_string_equal(buf, "-");
	td_fmt_duration(850000, buf, sizeof(buf));
	assert_string_equal(buf, "850us");
	td_fmt_duration(12300000, buf, sizeof(buf));
	assert_string_equal(buf, "12.3ms");
	td_fmt_duration(1500000000, buf, sizeof(buf));
	assert_string_equal(buf, "1.5s");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_grouped_integers),
		cmocka_unit_test(test_compact_numbers),
		cmocka_unit_test(test_durations),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
