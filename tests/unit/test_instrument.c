/* Unit tests for src/core/instrument.c: OCC symbols and the registry. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/instrument.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

struct occ_case {
	const char *in;
	const char *root;
	int year, month, day;
	char right;
	int64_t strike_milli;
	const char *padded;
	const char *compact;
};

/* Valid symbols in both forms, with roots that end in digits. */
static void test_occ_parse_ok(void **state)
{
	(void)state;
	static const struct occ_case cases[] = {
		{ "SPY   241220C00450000", "SPY", 2024, 12, 20, 'C', 450000,
		  "SPY   241220C00450000", "SPY241220C00450000" },
		{ "SPY241220C00450000", "SPY", 2024, 12, 20, 'C', 450000,
		  "SPY   241220C00450000", "SPY241220C00450000" },
		{ "SPX   231215P04500000", "SPX", 2023, 12, 15, 'P', 4500000,
		  "SPX   231215P04500000", "SPX231215P04500000" },
		{ "SPXW  240229P05012500", "SPXW", 2024, 2, 29, 'P', 5012500,
		  "SPXW  240229P05012500", "SPXW240229P05012500" },
		{ "AAPL1 250117C00002500", "AAPL1", 2025, 1, 17, 'C', 2500,
		  "AAPL1 250117C00002500", "AAPL1250117C00002500" },
		{ "AAPL1250117C00002500", "AAPL1", 2025, 1, 17, 'C', 2500,
		  "AAPL1 250117C00002500", "AAPL1250117C00002500" },
		{ "BRKB12000101C00000001", "BRKB12", 2000, 1, 1, 'C', 1,
		  "BRKB12000101C00000001", "BRKB12000101C00000001" },
		{ "F991231P99999999", "F", 2099, 12, 31, 'P', 99999999,
		  "F     991231P99999999", "F991231P99999999" },
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		const struct occ_case *c = &cases[i];
		td_occ o;
		char err[128] = "";
		if (td_occ_parse(c->in, &o, err, sizeof err) != 0)
			fail_msg("'%s': %s", c->in, err);
		assert_string_equal(o.root, c->root);
		assert_int_equal(o.year, c->year);
		assert_int_equal(o.month, c->month);
		assert_int_equal(o.day, c->day);
		assert_int_equal(o.right, c->right);
		assert_int_equal(o.strike_milli, c->strike_milli);

		char buf[32];
		assert_int_equal(td_occ_format(&o, buf, sizeof buf), 21);
		assert_string_equal(buf, c->padded);
		assert_int_equal(td_occ_format_compact(&o, buf, sizeof buf), (int)strlen(c->compact));
		assert_string_equal(buf, c->compact);
	}
}

struct occ_bad {
	const char *in;
	const char *err;
};

/* Every malformed part is named, with the offending text quoted. */
static void test_occ_parse_bad(void **state)
{
	(void)state;
	static const struct occ_bad cases[] = {
		{ "", "wrong length 0 in '': expected 16 to 21 characters" },
		{ "SPY", "wrong length 3 in 'SPY': expected 16 to 21 characters" },
		{ "241220C00450000", "wrong length 15 in '241220C00450000': expected 16 to 21 characters" },
		{ "SPY    241220C00450000",
		  "wrong length in 'SPY    241220C0045000...': expected 16 to 21 characters" },
		{ "SPY241340C00450000", "bad expiry '241340': month 13" },
		{ "SPY240001C00450000", "bad expiry '240001': month 0" },
		{ "SPY240230C00450000", "bad expiry '240230': day 30" },
		{ "SPY230229C00450000", "bad expiry '230229': day 29" },
		{ "SPY240431C00450000", "bad expiry '240431': day 31" },
		{ "SPY241200C00450000", "bad expiry '241200': day 0" },
		{ "SPY24122XC00450000", "bad expiry '24122X': expected YYMMDD" },
		{ "SPY241220X00450000", "bad right 'X': expected C or P" },
		{ "SPY241220c00450000", "bad right 'c': expected C or P" },
		{ "SPY24122000450000", "bad right '0': expected C or P" },
		{ "SPY241220C0045000", "bad strike '0045000': expected 8 digits" },
		{ "SPY241220C004500000", "bad strike '004500000': expected 8 digits" },
		{ "SPY241220C0045000X", "bad strike '': expected 8 digits" },
		{ "SPY241220C00000000", "bad strike '00000000': zero" },
		{ "spy241220C00450000", "bad root 'spy': expected A-Z or 0-9" },
		{ "SP.Y  241220C00450000", "bad root 'SP.Y': expected A-Z or 0-9" },
		{ "SP Y  241220C00450000", "bad root 'SP Y': expected A-Z or 0-9" },
		{ "      241220C00450000", "bad root '      ': empty" },
		{ " SPY241220C00450000", "bad root ' SPY': expected A-Z or 0-9" },
		{ "SPY  241220C00450000", "bad root 'SPY  ': pad to 6 characters or not at all" },
		{ "TOOLONG241220C00450000",
		  "wrong length in 'TOOLONG241220C0045000...': expected 16 to 21 characters" },
		{ "TOOLONG241220C0045000", "bad strike '0045000': expected 8 digits" },
		{ "ABCDEFG41220C00450000", "bad expiry 'G41220': expected YYMMDD" },
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		td_occ o;
		char err[128] = "";
		if (td_occ_parse(cases[i].in, &o, err, sizeof err) != -1)
			fail_msg("'%s' was accepted", cases[i].in);
		if (strcmp(err, cases[i].err) != 0)
			fail_msg("'%s': got \"%s\", want \"%s\"", cases[i].in, err, cases[i].err);
	}
}

/* A small error buffer truncates the message but stays terminated. */
static void test_occ_small_err(void **state)
{
	(void)state;
	td_occ o;
	char err[8];
	assert_int_equal(td_occ_parse("SPY241340C00450000", &o, err, sizeof err), -1);
	assert_string_equal(err, "bad exp");
}

/* Formatting refuses what no OCC symbol can hold, and short buffers. */
static void test_occ_format_bad(void **state)
{
	(void)state;
	const td_occ good = { "SPY", 2024, 12, 20, 'C', 450000 };
	char buf[32];
	assert_int_equal(td_occ_format(&good, buf, 21), -1);
	assert_int_equal(td_occ_format(&good, buf, 22), 21);
	assert_int_equal(td_occ_format_compact(&good, buf, 18), -1);
	assert_int_equal(td_occ_format_compact(&good, buf, 19), 18);

	td_occ o = good;
	o.right = 'X';
	assert_int_equal(td_occ_format(&o, buf, sizeof buf), -1);
	o = good;
	o.year = 2100;
	assert_int_equal(td_occ_format(&o, buf, sizeof buf), -1);
	o = good;
	o.month = 2;
	o.day = 30;
	assert_int_equal(td_occ_format(&o, buf, sizeof buf), -1);
	o = good;
	o.strike_milli = 100000000;
	assert_int_equal(td_occ_format(&o, buf, sizeof buf), -1);
	o = good;
	o.root[0] = '\0';
	assert_int_equal(td_occ_format(&o, buf, sizeof buf), -1);
	o = good;
	o.root[1] = 'p';
	assert_int_equal(td_occ_format(&o, buf, sizeof buf), -1);
}

/* format(parse(x)) == x over a grid of dates, rights and strikes. */
static void test_occ_round_trip(void **state)
{
	(void)state;
	static const char *const roots[] = { "A", "QQQ", "SPXW", "AAPL1", "BRKB12" };
	static const int mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int n = 0;
	for (int yy = 0; yy < 100; yy += 3) {
		for (int m = 1; m <= 12; m++) {
			int last = mdays[m - 1] + (m == 2 && yy % 4 == 0);
			for (int d = 1; d <= last; d += 5 + (d == 26 ? -4 : 0)) {
				const char *root = roots[n % ARRAY_LEN(roots)];
				char right = n % 2 ? 'P' : 'C';
				long strike = 1 + (n * 7919L) % 99999999;
				char padded[32], compact[32], out[32], err[128];
				snprintf(padded, sizeof padded, "%-6s%02d%02d%02d%c%08ld", root, yy, m, d,
				         right, strike);
				snprintf(compact, sizeof compact, "%s%02d%02d%02d%c%08ld", root, yy, m, d,
				         right, strike);
				td_occ a, b;
				if (td_occ_parse(padded, &a, err, sizeof err) != 0)
					fail_msg("'%s': %s", padded, err);
				if (td_occ_parse(compact, &b, err, sizeof err) != 0)
					fail_msg("'%s': %s", compact, err);
				assert_int_equal(td_occ_format(&b, out, sizeof out), 21);
				assert_string_equal(out, padded);
				assert_int_equal(td_occ_format_compact(&a, out, sizeof out), (int)strlen(compact));
				assert_string_equal(out, compact);
				assert_int_equal(a.year, 2000 + yy);
				n++;
			}
		}
	}
	assert_true(n > 1000);
}

/* Kinds have names; unknown ones get "?". */
static void test_kind_names(void **state)
{
	(void)state;
	assert_string_equal(td_ins_kind_name(TD_INS_EQUITY), "equity");
	assert_string_equal(td_ins_kind_name(TD_INS_FUTURE), "future");
	assert_string_equal(td_ins_kind_name(TD_INS_INDEX), "index");
	assert_string_equal(td_ins_kind_name(TD_INS_OPTION), "option");
	assert_string_equal(td_ins_kind_name(TD_INS_KIND_COUNT), "?");
	assert_string_equal(td_ins_kind_name((td_ins_kind)-1), "?");
}

/* An instrument with just a symbol and kind. */
static td_instrument ins_named(const char *sym, td_ins_kind kind)
{
	td_instrument ins = { .kind = kind, .px = { 1, 2 }, .multiplier = 1, .underlying = TD_NO_ID };
	snprintf(ins.symbol, sizeof ins.symbol, "%s", sym);
	return ins;
}

/* Ids are handed out in order and symbols look them up. */
static void test_registry_basic(void **state)
{
	(void)state;
	td_registry *r = td_registry_new(4);
	assert_non_null(r);
	assert_int_equal(td_registry_count(r), 0);
	assert_null(td_registry_get(r, 0));

	td_instrument spy = ins_named("SPY", TD_INS_EQUITY);
	spy.id = 77; /* ignored: the registry assigns ids */
	assert_int_equal(td_registry_add(r, &spy), 0);
	td_instrument opt = ins_named("SPY   241220C00450000", TD_INS_OPTION);
	opt.underlying = 0;
	opt.multiplier = 100;
	assert_int_equal(td_registry_add(r, &opt), 1);
	assert_int_equal(td_registry_count(r), 2);

	const td_instrument *got = td_registry_get(r, 1);
	assert_non_null(got);
	assert_int_equal(got->id, 1);
	assert_string_equal(got->symbol, "SPY   241220C00450000");
	assert_int_equal(got->multiplier, 100);
	assert_int_equal(got->underlying, 0);
	assert_int_equal(td_registry_get(r, 0)->id, 0);

	assert_int_equal(td_registry_find(r, "SPY"), 0);
	assert_int_equal(td_registry_find(r, "SPY   241220C00450000"), 1);
	assert_int_equal(td_registry_find(r, "spy"), TD_NO_ID);
	assert_int_equal(td_registry_find(r, "QQQ"), TD_NO_ID);
	assert_int_equal(td_registry_find(r, ""), TD_NO_ID);
	assert_int_equal(td_registry_find(r, NULL), TD_NO_ID);
	assert_int_equal(td_registry_find(r, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"), TD_NO_ID);
	assert_null(td_registry_get(r, 2));
	assert_null(td_registry_get(r, TD_NO_ID));
	td_registry_free(r);
	td_registry_free(NULL);
}

/* Duplicates, empty or unterminated symbols and a full registry are refused. */
static void test_registry_refusals(void **state)
{
	(void)state;
	td_registry *r = td_registry_new(2);
	td_instrument a = ins_named("ES", TD_INS_FUTURE);
	td_instrument b = ins_named("NQ", TD_INS_FUTURE);
	td_instrument c = ins_named("RTY", TD_INS_FUTURE);
	td_instrument empty = ins_named("", TD_INS_FUTURE);
	td_instrument unterminated = ins_named("", TD_INS_FUTURE);
	memset(unterminated.symbol, 'X', sizeof unterminated.symbol);

	assert_int_equal(td_registry_add(r, &empty), TD_NO_ID);
	assert_int_equal(td_registry_add(r, &unterminated), TD_NO_ID);
	assert_int_equal(td_registry_add(r, &a), 0);
	assert_int_equal(td_registry_add(r, &a), TD_NO_ID);
	assert_int_equal(td_registry_add(r, &b), 1);
	assert_int_equal(td_registry_add(r, &c), TD_NO_ID);
	assert_int_equal(td_registry_count(r), 2);
	assert_int_equal(td_registry_find(r, "RTY"), TD_NO_ID);
	td_registry_free(r);

	r = td_registry_new(0);
	assert_non_null(r);
	assert_int_equal(td_registry_add(r, &a), TD_NO_ID);
	td_registry_free(r);
}

/* A full registry of many symbols finds every one of them. */
static void test_registry_many(void **state)
{
	(void)state;
	enum { N = 5000 };
	td_registry *r = td_registry_new(N);
	char sym[TD_SYMBOL_MAX];
	for (int i = 0; i < N; i++) {
		snprintf(sym, sizeof sym, "SYM%05d", i);
		td_instrument ins = ins_named(sym, TD_INS_EQUITY);
		assert_int_equal(td_registry_add(r, &ins), (uint32_t)i);
	}
	for (int i = N - 1; i >= 0; i--) {
		snprintf(sym, sizeof sym, "SYM%05d", i);
		assert_int_equal(td_registry_find(r, sym), (uint32_t)i);
		assert_string_equal(td_registry_get(r, (uint32_t)i)->symbol, sym);
	}
	td_instrument extra = ins_named("EXTRA", TD_INS_EQUITY);
	assert_int_equal(td_registry_add(r, &extra), TD_NO_ID);
	td_registry_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_occ_parse_ok),
		cmocka_unit_test(test_occ_parse_bad),
		cmocka_unit_test(test_occ_small_err),
		cmocka_unit_test(test_occ_format_bad),
		cmocka_unit_test(test_occ_round_trip),
		cmocka_unit_test(test_kind_names),
		cmocka_unit_test(test_registry_basic),
		cmocka_unit_test(test_registry_refusals),
		cmocka_unit_test(test_registry_many),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
