/*
 * Unit tests for src/core/text.c.  The UTF-8 cases follow table 3-7 of the
 * Unicode Standard and the classic malformed-sequence examples (overlong
 * slash C0 AF, surrogate ED A0 80, U+110000 as F4 90 80 80).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/text.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

struct san_case {
	const char *in;
	const char *want;
};

/* What is kept, dropped and replaced, with room to spare. */
static void test_sanitize_table(void **state)
{
	(void)state;
	static const struct san_case cases[] = {
		{ "", "" },
		{ "SPY 450C", "SPY 450C" },
		/* C0 controls, DEL, ESC sequences lose their control bytes */
		{ "a\tb\nc\rd", "abcd" },
		{ "\x1b[31mred\x1b[0m", "[31mred[0m" },
		{ "bell\x07", "bell" },
		{ "del\x7f!", "del!" },
		{ "\x01\x02\x1f", "" },
		/* valid UTF-8: 2, 3 and 4 bytes, the edges of each length */
		{ "caf\xc3\xa9", "caf\xc3\xa9" },                  /* é U+00E9 */
		{ "\xc2\xa0", "\xc2\xa0" },                        /* U+00A0, first after C1 */
		{ "\xe2\x82\xac 5", "\xe2\x82\xac 5" },            /* € U+20AC */
		{ "\xe0\xa0\x80", "\xe0\xa0\x80" },                /* U+0800 */
		{ "\xef\xbf\xbd", "\xef\xbf\xbd" },                /* U+FFFD */
		{ "\xed\x9f\xbf", "\xed\x9f\xbf" },                /* U+D7FF, before surrogates */
		{ "\xf0\x9f\x93\x88", "\xf0\x9f\x93\x88" },        /* U+1F4C8 chart emoji */
		{ "\xf0\x90\x80\x80", "\xf0\x90\x80\x80" },        /* U+10000 */
		{ "\xf4\x8f\xbf\xbf", "\xf4\x8f\xbf\xbf" },        /* U+10FFFF */
		/* C1 controls U+0080..U+009F are dropped (CSI is U+009B) */
		{ "a\xc2\x80" "b\xc2\x9b" "c\xc2\x9f" "d", "abcd" },
		/* invalid: each bad byte is one '?' */
		{ "\xc0\xaf", "??" },                              /* overlong '/' */
		{ "\xc1\xbf", "??" },
		{ "\xe0\x80\xaf", "???" },                         /* overlong '/' in 3 bytes */
		{ "\xe0\x9f\xbf", "???" },                         /* overlong U+07FF */
		{ "\xed\xa0\x80", "???" },                         /* surrogate U+D800 */
		{ "\xed\xbf\xbf", "???" },                         /* surrogate U+DFFF */
		{ "\xf0\x8f\xbf\xbf", "????" },                    /* overlong U+FFFF */
		{ "\xf4\x90\x80\x80", "????" },                    /* U+110000 */
		{ "\xf5\x80\x80\x80", "????" },
		{ "\xff\xfe", "??" },
		{ "\x80x", "?x" },                                 /* lone continuation */
		{ "\xbf\xbf", "??" },
		/* truncated sequences, at the end and followed by ASCII */
		{ "ok\xe2\x82", "ok??" },
		{ "\xe2\x82x", "??x" },
		{ "\xf0\x9f\x93", "???" },
		{ "\xc3", "?" },
		{ "\xc3\x0a", "?" },                               /* then a dropped newline */
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		char out[64];
		memset(out, 'Z', sizeof out);
		size_t len = td_text_sanitize(out, sizeof out, cases[i].in);
		if (strcmp(out, cases[i].want) != 0)
			fail_msg("case %zu: output differs", i);
		assert_int_equal(len, strlen(cases[i].want));
	}
}

/* A full buffer ends on a character boundary and is always terminated. */
static void test_sanitize_never_splits(void **state)
{
	(void)state;
	const char *euro3 = "\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac"; /* 9 bytes */
	char out[16];

	for (size_t n = 1; n <= 10; n++) {
		memset(out, 'Z', sizeof out);
		size_t len = td_text_sanitize(out, n, euro3);
		size_t whole = (n - 1) / 3 * 3;
		assert_int_equal(len, whole);
		assert_int_equal(out[len], '\0');
		assert_memory_equal(out, euro3, whole);
	}

	memset(out, 'Z', sizeof out);
	assert_int_equal(td_text_sanitize(out, 4, "ab\xf0\x9f\x93\x88"), 2);
	assert_string_equal(out, "ab");
	assert_int_equal(td_text_sanitize(out, 3, "\x80\x80\x80\x80"), 2);
	assert_string_equal(out, "??");
	assert_int_equal(td_text_sanitize(out, 1, "abc"), 0);
	assert_string_equal(out, "");

	out[0] = 'Z';
	assert_int_equal(td_text_sanitize(out, 0, "abc"), 0);
	assert_int_equal(out[0], 'Z');
}

/* Every single byte: the output is clean and never longer than the input. */
static void test_sanitize_all_bytes(void **state)
{
	(void)state;
	for (int b = 1; b < 256; b++) {
		char in[4] = { 'a', (char)b, 'z', '\0' };
		char out[8];
		size_t len = td_text_sanitize(out, sizeof out, in);
		assert_true(len <= 3);
		assert_int_equal(out[0], 'a');
		assert_int_equal(out[len - 1], 'z');
		if (b < 0x20 || b == 0x7f)
			assert_string_equal(out, "az");
		else if (b < 0x80)
			assert_int_equal(out[1], b);
		else
			assert_string_equal(out, "a?z");
	}
}

/* Output is valid and idempotent over a pseudo-random byte soup. */
static void test_sanitize_idempotent(void **state)
{
	(void)state;
	uint32_t x = 2463534242u; /* xorshift32 seed */
	for (int round = 0; round < 2000; round++) {
		char in[48], once[48], twice[48];
		for (size_t i = 0; i + 1 < sizeof in; i++) {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			in[i] = (char)(x % 255 + 1);
		}
		in[sizeof in - 1] = '\0';
		size_t a = td_text_sanitize(once, sizeof once, in);
		size_t b = td_text_sanitize(twice, sizeof twice, once);
		assert_int_equal(a, b);
		assert_string_equal(once, twice);
		for (size_t i = 0; i < a; i++)
			assert_true((unsigned char)once[i] >= 0x20 && once[i] != 0x7f);
	}
}

/* strlcpy: truncation, termination and the source length as result. */
static void test_strlcpy(void **state)
{
	(void)state;
	char buf[6];
	assert_int_equal(td_strlcpy(buf, "hello", sizeof buf), 5);
	assert_string_equal(buf, "hello");
	assert_int_equal(td_strlcpy(buf, "hello world", sizeof buf), 11);
	assert_string_equal(buf, "hello");
	assert_int_equal(td_strlcpy(buf, "", sizeof buf), 0);
	assert_string_equal(buf, "");
	buf[0] = 'Z';
	assert_int_equal(td_strlcpy(buf, "abc", 0), 3);
	assert_int_equal(buf[0], 'Z');
	assert_int_equal(td_strlcpy(buf, "abc", 1), 3);
	assert_string_equal(buf, "");
}

/* td_errf formats into the caller's buffer, truncating safely, tolerates no buffer, and returns -1. */
static void test_errf(void **state)
{
	(void)state;
	char err[16];
	assert_int_equal(td_errf(err, sizeof(err), "bad '%s' at %d", "x", 7), -1);
	assert_string_equal(err, "bad 'x' at 7");
	assert_int_equal(td_errf(err, 6, "%s", "truncated"), -1);
	assert_string_equal(err, "trunc");
	assert_int_equal(td_errf(NULL, 0, "%s", "nowhere"), -1);
	err[0] = 'k';
	assert_int_equal(td_errf(err, 0, "%s", "nowhere"), -1);
	assert_int_equal(err[0], 'k');
}

/* Fields split on every comma, trimmed of blanks; line ends stripped first. */
static void test_split_csv(void **state)
{
	(void)state;
	char line[] = " a , b,,c d \t\r\n";
	td_chomp(line);
	size_t n;
	char **f = td_split_csv(line, &n);
	assert_non_null(f);
	assert_int_equal(n, 4);
	assert_string_equal(f[0], "a");
	assert_string_equal(f[1], "b");
	assert_string_equal(f[2], "");
	assert_string_equal(f[3], "c d");
	free(f);
	char empty[] = "";
	f = td_split_csv(empty, &n);
	assert_int_equal(n, 1);
	assert_string_equal(f[0], "");
	free(f);
	char blanks[] = " \t ";
	assert_string_equal(td_trim(blanks), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split_csv),
		cmocka_unit_test(test_sanitize_table),
		cmocka_unit_test(test_sanitize_never_splits),
		cmocka_unit_test(test_sanitize_all_bytes),
		cmocka_unit_test(test_sanitize_idempotent),
		cmocka_unit_test(test_strlcpy),
		cmocka_unit_test(test_errf),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
