/*
 * Alert rule compiler: the issue's example and one rule per built-in
 * signal compile; every bad input gets its exact column, length and
 * message (columns counted by hand); names resolve case-insensitively, with
 * a suggestion for a misspelling; symbols go through the lookup; the caret
 * drawing; hostile text (too long, too deep, too many nodes, random bytes)
 * never crashes; and doc/alerts.md names every fact, function, constant and
 * keyword of the tables.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert/book.h"
#include "alert/expr.h"

/* ES = 0, NQ = 1, YM = 2, "BRK B" = 3; counts the calls. */
static int lookups;

static int lookup(void *ctx, const char *sym, uint32_t *inst)
{
	(void)ctx;
	static const char *const syms[] = { "ES", "NQ", "YM", "BRK B" };
	lookups++;
	for (uint32_t i = 0; i < 4; i++)
		if (strcmp(sym, syms[i]) == 0) {
			*inst = i;
			return 0;
		}
	return -1;
}

static td_alert_expr *must_compile(const char *text)
{
	td_alert_error err;
	td_alert_expr *e = td_alert_compile(text, lookup, NULL, &err);
	if (!e)
		fail_msg("'%s' at column %d: %s", text, err.column, err.msg);
	return e;
}

static void compiles(const char *text)
{
	td_alert_expr *e = must_compile(text);
	assert_string_equal(td_alert_expr_text(e), text);
	td_alert_expr_free(e);
}

/* ---- what must compile ------------------------------------------------------------ */

static void test_issue_example_and_signals(void **state)
{
	(void)state;
	static const char *const rules[] = {
		/* the issue's example */
		"rsi(14) < 30 and volume > sma(volume, 20)",
		/* put-call-ratio extremes */
		"pcr_oi > 1.3 or pcr_oi < 0.6",
		/* price crossing VWAP with rising cumulative delta */
		"last crosses above vwap and rising(cum_delta, 3)",
		"last crosses below vwap and falling(cum_delta, 3)",
		/* stacked imbalances at a value-area edge */
		"stacked_imbalance(buy) >= 1 and abs(last - val) <= 2 * tick",
		"stacked_imbalance(sell) >= 1 and abs(last - vah) <= 2 * tick",
		/* opening-type bias at the end of the initial balance */
		"ib_done and (opening_type == OD or opening_type == OTD) and opening_dir > 0 and last > ib_high",
		/* gamma flip: spot crossing the zero-gamma level */
		"last crosses above zero_gamma",
		"last crosses below zero_gamma",
		/* two-symbol correlation, and its mirror for shorts */
		"last > swing_high(20) and last@NQ < swing_low(20)@NQ",
		"last < swing_low(20) and last@NQ > swing_high(20)@NQ",
		/* unusual options activity */
		"unusual > 0 and rising(unusual, 1)",
		/* the rest of the language */
		"ema(20) > ema(close, 50) and atr(14) > 4 * tick",
		"highest(high, 10) - lowest(low, 10) > 3 * atr(14)",
		"time >= 09:30 and time < 16:00:00 and spread <= tick",
		"(last > vwap and delta > 0) for 2m",
		"absorption within 30s and last <= val",
		"-delta > 500 or not (bid > 0)",
		"iv_rank > 80 and atm_iv > iv30 and gex < 0 and max_pain > last and iv_pct >= 90",
		"min(bid, ask) > 0 and max(bid, ask) < 1000000 and day_volume > 0 and pcr_vol > 1",
		"cum_delta@ES > 0 and last@\"BRK B\" > 400 and close > open and high - low > poc - poc",
		"stacked_buy + stacked_sell > 2 and ib_high - ib_low > 10 and last / tick > 4 and rising(close, 1) within 1h",
		"RSI(14) < 30 AND Volume > SMA(VOLUME, 20) and opening_type == oa",
		".5 < last",
	};
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		compiles(rules[i]);
}

/* Every fact of the table compiles on its own (compared with itself), case-insensitively. */
static void test_every_fact_resolves(void **state)
{
	(void)state;
	for (int f = 0; f < TD_AF_COUNT; f++) {
		char text[128], upper[128];
		const char *n = td_alert_fact_table[f].name;
		assert_int_equal(td_alert_fact_table[f].id, f);
		snprintf(text, sizeof(text), "%s == %s", n, n);
		compiles(text);
		size_t i = 0;
		for (; text[i]; i++)
			upper[i] = (char)(text[i] >= 'a' && text[i] <= 'z' ? text[i] - 32 : text[i]);
		upper[i] = '\0';
		compiles(upper);
		assert_int_equal(td_alert_fact_find(n), f);
	}
	assert_int_equal(td_alert_fact_find("VWAP"), TD_AF_VWAP);
	assert_int_equal(td_alert_fact_find("vwapp"), -1);
}

/* One call per function of the name table; a new function needs a line here. */
static void test_every_function_resolves(void **state)
{
	(void)state;
	static const char *const calls[] = {
		"rsi(14) > 0", "ema(20) > 0", "ema(volume, 20) > 0", "sma(volume, 20) > 0", "atr(14) > 0",
		"highest(high, 5) > 0", "lowest(low, 5) > 0", "swing_high(20) > 0", "swing_low(20) > 0",
		"rising(cum_delta, 3)", "falling(close, 2)", "abs(delta) > 0", "min(bid, ask) > 0",
		"max(bid, ask) > 0", "stacked_imbalance(buy) > 0", "stacked_imbalance(sell) > 0",
	};
	size_t ncalls = sizeof(calls) / sizeof(calls[0]);
	for (size_t i = 0; i < ncalls; i++)
		compiles(calls[i]);
	for (size_t i = 0; i < td_alert_name_count; i++) {
		const td_alert_name *nm = &td_alert_name_table[i];
		if (nm->kind != TD_ALERT_NAME_FUNCTION)
			continue;
		char prefix[64];
		snprintf(prefix, sizeof(prefix), "%s(", nm->name);
		bool tested = false;
		for (size_t k = 0; k < ncalls; k++)
			tested |= strncmp(calls[k], prefix, strlen(prefix)) == 0;
		if (!tested)
			fail_msg("function '%s' has no test call", nm->name);
	}
}

static void test_symbols_resolve(void **state)
{
	(void)state;
	lookups = 0;
	td_alert_expr *e = must_compile("last@NQ > 1 and bid@NQ < 2 and last@YM > last and swing_low(5)@NQ > 0");
	uint32_t ids[4] = { 99, 99, 99, 99 };
	assert_int_equal(td_alert_expr_instruments(e, ids, 4), 2);
	assert_int_equal(ids[0], 1);
	assert_int_equal(ids[1], 2);
	assert_int_equal(ids[2], 99);
	assert_int_equal(td_alert_expr_instruments(e, ids, 1), 2); /* counts past max */
	assert_int_equal(lookups, 4);                              /* each '@' once */
	assert_false(td_alert_expr_timed(e));
	td_alert_expr_free(e);

	e = must_compile("last > vwap");
	assert_int_equal(td_alert_expr_instruments(e, ids, 4), 0);
	td_alert_expr_free(e);
	e = must_compile("last > vwap for 30s");
	assert_true(td_alert_expr_timed(e));
	td_alert_expr_free(e);
	e = must_compile("time > 10:00");
	assert_true(td_alert_expr_timed(e));
	td_alert_expr_free(e);
}

/* ---- errors ------------------------------------------------------------------------ */

struct bad {
	const char *text;
	int column;
	int length;
	const char *msg;
};

static const struct bad bad_rules[] = {
	{ "rsj(14) < 30", 1, 3, "unknown name 'rsj': did you mean 'rsi'?" },
	{ "rsi(14) < 30 and volumen > sma(volume, 20)", 18, 7, "unknown name 'volumen': did you mean 'volume'?" },
	{ "qqqqqq > 1", 1, 6, "unknown name 'qqqqqq'" },
	{ "rsi(0) < 30", 5, 1, "period must be a whole number of bars from 1 to 10000, not '0'" },
	{ "rsi(14.5) < 30", 5, 4, "period must be a whole number of bars from 1 to 10000, not '14.5'" },
	{ "rsi(-3) < 30", 5, 2, "period must be a whole number of bars from 1 to 10000, not '-3'" },
	{ "rsi(10001) < 30", 5, 5, "period must be a whole number of bars from 1 to 10000, not '10001'" },
	{ "ema(cum_delta, 0) > 1", 16, 1, "period must be a whole number of bars from 1 to 10000, not '0'" },
	{ "rsi(volume) < 30", 5, 6, "'rsi' wants a period in bars here (e.g. rsi(14)), not 'volume'" },
	{ "rsi(14 3) > 1", 8, 1, "a period is a single word or number; found '3' after it" },
	{ "stacked_imbalance(up) > 0", 19, 2, "'stacked_imbalance' wants 'buy' or 'sell', not 'up'" },
	{ "sma(20) > 1", 7, 1, "'sma' takes 2 arguments: sma(x, n)" },
	{ "rsi(14, 3) > 1", 9, 1, "'rsi' takes 1 argument: rsi(n)" },
	{ "ema() > 1", 5, 1, "'ema' takes 1 or 2 arguments: ema(n), ema(x, n)" },
	{ "min(last) > 1", 9, 1, "'min' takes 2 arguments: min(a, b)" },
	{ "min(last, 3, 4) > 1", 14, 1, "'min' takes 2 arguments: min(a, b)" },
	{ "abs(last 1) > 1", 10, 1, "expected ',' or ')', found '1'" },
	{ "sma(volumen, 20) > 1", 5, 7, "unknown name 'volumen': did you mean 'volume'?" },
	{ "sma(rsi, 20) > 1", 5, 3, "'sma' wants a series here (a bar field or a fact, e.g. volume), not 'rsi'" },
	{ "sma(volume + 1, 20) > 1", 12, 1, "a series is a single word or number; found '+' after it" },
	{ "sma(volume, 20", 4, 1, "this '(' is never closed" },
	{ "rsi(14 > 3", 4, 1, "this '(' is never closed" },
	{ "last(3) > 1", 1, 4, "'last' is a value and takes no arguments" },
	{ "rsi > 30", 1, 3, "'rsi' needs its arguments: rsi(n)" },
	{ "buy > 1", 1, 3, "'buy' only goes inside stacked_imbalance(...)" },
	{ "last > 3 adn bid < 2", 10, 3, "expected an operator or the end of the rule, found 'adn': did you mean 'and'?" },
	{ "last > 3 for 2m within 1m", 17, 6, "expected an operator or the end of the rule, found 'within'" },
	{ "last +", 7, 1, "expected a number, a name or '(', found the end of the rule" },
	{ "last > 1 or", 12, 1, "expected a number, a name or '(', found the end of the rule" },
	{ "last > and", 8, 3, "expected a number, a name or '(', found 'and'" },
	{ "1 < last < 3", 10, 1, "comparisons do not chain: write 'a < b and b < c'" },
	{ "last crosses vwap", 14, 4, "expected 'above' or 'below' after 'crosses', found 'vwap'" },
	{ "last = 3", 6, 1, "unexpected '=': use '==' to compare" },
	{ "last > 3 && bid < 2", 10, 2, "unexpected '&&': use 'and'" },
	{ "last > 3 | bid", 10, 1, "unexpected '|': use 'or'" },
	{ "last > 3 ! 1", 10, 1, "unexpected '!': use 'not'" },
	{ "last <> 3", 6, 2, "unexpected '<>': use '!=' for not equal" },
	{ "last > 3 ~ 1", 10, 1, "unexpected character '~'" },
	{ "last > 3 \a 4", 10, 1, "unexpected byte 0x07: rules are plain ASCII text" },
	{ "last > \xc3\xa9", 8, 1, "unexpected byte 0xc3: rules are plain ASCII text" },
	{ "last + 1", 1, 8, "a rule must be a condition (e.g. 'last > vwap'), not a number" },
	{ "rsi(14) and last > 2", 1, 7, "'and' needs a condition, but 'rsi(14)' is a number (compare it)" },
	{ "last > 2 or (bid + 1)", 13, 9, "'or' needs a condition, but '(bid + 1)' is a number (compare it)" },
	{ "not rsi(14)", 5, 7, "'not' needs a condition, but 'rsi(14)' is a number (compare it)" },
	{ "last for 2m", 1, 4, "'for' needs a condition, but 'last' is a number (compare it)" },
	{ "last > 3 for 2", 14, 1, "expected a duration after 'for' (e.g. 2m), found '2'" },
	{ "last > 3 within", 16, 1, "expected a duration after 'within' (e.g. 5m), found the end of the rule" },
	{ "last > 3 for 2x", 14, 2,
	  "bad number '2x': a duration is a whole number followed by s, m or h (30s, 2m, 1h)" },
	{ "last > 3 for 1.5m", 14, 4, "duration '1.5m' must be a whole number of m" },
	{ "last > 3 for 25h", 14, 3, "duration must be from 1s to 24h" },
	{ "last > 3 for 0s", 14, 2, "duration must be from 1s to 24h" },
	{ "last > 5m", 8, 2, "a duration such as '5m' only goes after 'for' or 'within'" },
	{ "last > 1.5.5", 8, 5, "bad number '1.5.5'" },
	{ "last > 1234567890123456789", 8, 19, "number '1234567890123456789' has more than 18 digits" },
	{ "time > 25:00", 8, 5, "time of day '25:00' out of range 00:00:00 to 23:59:59" },
	{ "time > 9:60", 8, 4, "time of day '9:60' out of range 00:00:00 to 23:59:59" },
	{ "time > 9:5", 8, 3, "bad time of day '9:5': write HH:MM or HH:MM:SS" },
	{ "time > 9:30:1", 8, 6, "bad time of day '9:30:1': write HH:MM or HH:MM:SS" },
	{ "time > 123:30", 8, 6, "bad time of day '123:30': write HH:MM or HH:MM:SS" },
	{ "last@NQX > 3", 5, 4, "unknown symbol 'NQX'" },
	{ "last@ > 1", 5, 1, "expected a symbol after '@'" },
	{ "last > @NQ", 8, 3, "'@' must follow a fact or an indicator" },
	{ "last@\"NQ > 1", 5, 8, "unterminated quoted symbol" },
	{ "last@\"\" > 1", 5, 3, "empty symbol after '@'" },
	{ "abs(last)@NQ > 1", 10, 3, "'@' must follow a fact or an indicator, not 'abs(...)'" },
	{ "last > (1", 10, 1, "expected ')' to close the '(' at column 8, found the end of the rule" },
	{ "last > 3)", 9, 1, "unmatched ')'" },
	{ "", 1, 1, "empty rule" },
	{ " \t ", 1, 1, "empty rule" },
	{ "1 < 2", 1, 5, "the rule reads no fact, indicator or time, so it could never change" },
	{ "OD == OD", 1, 8, "the rule reads no fact, indicator or time, so it could never change" },
};

static void test_error_columns(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_rules) / sizeof(bad_rules[0]); i++) {
		const struct bad *b = &bad_rules[i];
		td_alert_error err;
		memset(&err, 0x55, sizeof(err));
		td_alert_expr *e = td_alert_compile(b->text, lookup, NULL, &err);
		if (e)
			fail_msg("'%s' compiled", b->text);
		if (err.column != b->column || err.length != b->length || strcmp(err.msg, b->msg) != 0)
			fail_msg("'%s': got column %d length %d '%s', want column %d length %d '%s'", b->text,
				 err.column, err.length, err.msg, b->column, b->length, b->msg);
	}
}

static void test_no_lookup_and_no_error_struct(void **state)
{
	(void)state;
	td_alert_error err;
	assert_null(td_alert_compile("last@NQ > 1", NULL, NULL, &err));
	assert_int_equal(err.column, 5);
	assert_int_equal(err.length, 3);
	assert_string_equal(err.msg, "no other instruments can be named here ('@NQ')");
	assert_null(td_alert_compile("last >", NULL, NULL, NULL));
	assert_null(td_alert_compile(NULL, NULL, NULL, &err));
	assert_string_equal(err.msg, "empty rule");
	td_alert_expr *e = td_alert_compile("last > 1", NULL, NULL, NULL);
	assert_non_null(e);
	td_alert_expr_free(e);
	td_alert_expr_free(NULL);
}

/* ---- the caret drawing ---------------------------------------------------------- */

static void test_render_caret(void **state)
{
	(void)state;
	const char *text = "rsi(14) < 30 and volumen > sma(volume, 20)";
	td_alert_error err;
	assert_null(td_alert_compile(text, lookup, NULL, &err));
	char buf[512];
	const char *want = "rsi(14) < 30 and volumen > sma(volume, 20)\n"
			   "                 ^^^^^^^\n"
			   "unknown name 'volumen': did you mean 'volume'?";
	assert_int_equal(td_alert_error_render(text, &err, 0, buf, sizeof(buf)), strlen(want));
	assert_string_equal(buf, want);
	/* a short buffer: cut, terminated, the full length returned */
	char small[10];
	assert_int_equal(td_alert_error_render(text, &err, 0, small, sizeof(small)), strlen(want));
	assert_string_equal(small, "rsi(14) <");
	/* no position: the message alone */
	td_alert_error plain = { .column = 0, .length = 0, .msg = "out of memory" };
	assert_int_equal(td_alert_error_render(text, &plain, 0, buf, sizeof(buf)), 13);
	assert_string_equal(buf, "out of memory");
}

static void test_render_control_and_end(void **state)
{
	(void)state;
	td_alert_error err;
	assert_null(td_alert_compile("last > 3 \a 4", lookup, NULL, &err));
	char buf[256];
	td_alert_error_render("last > 3 \a 4", &err, 0, buf, sizeof(buf));
	assert_string_equal(buf, "last > 3 ? 4\n         ^\nunexpected byte 0x07: rules are plain ASCII text");
	assert_null(td_alert_compile("last >", lookup, NULL, &err));
	td_alert_error_render("last >", &err, 0, buf, sizeof(buf));
	assert_string_equal(buf, "last >\n      ^\nexpected a number, a name or '(', found the end of the rule");
}

/* A long rule is cut around the token; the caret stays under it. */
static void test_render_window(void **state)
{
	(void)state;
	char text[512] = "";
	for (int i = 0; i < 12; i++)
		strcat(text, "last > 1 and ");
	strcat(text, "bogus > 1 and bid > 1 and ask > 1 and spread > 0");
	td_alert_error err;
	assert_null(td_alert_compile(text, lookup, NULL, &err));
	assert_int_equal(err.column, 12 * 13 + 1);
	char buf[512];
	td_alert_error_render(text, &err, 40, buf, sizeof(buf));
	char *l1 = buf, *l2 = strchr(l1, '\n') + 1, *l3 = strchr(l2, '\n') + 1;
	assert_true(l2 - l1 - 1 <= 40);
	assert_true(l3 - l2 - 1 <= 40);
	assert_memory_equal(l1, "...", 3);
	assert_memory_equal(l2 - 4, "...", 3); /* cut on the right too */
	size_t caret = strspn(l2, " ");
	assert_memory_equal(l2 + caret, "^^^^^\n", 6);
	assert_memory_equal(l1 + caret, "bogus", 5);
	assert_string_equal(l3, "unknown name 'bogus'");
}

/* ---- hostile input ------------------------------------------------------------------ */

static void expect_error(const char *text, int column, const char *msg)
{
	td_alert_error err;
	assert_null(td_alert_compile(text, lookup, NULL, &err));
	if (err.column != column || strcmp(err.msg, msg) != 0)
		fail_msg("got column %d '%s', want column %d '%s'", err.column, err.msg, column, msg);
}

static void test_limits(void **state)
{
	(void)state;
	char *text = malloc(4096);
	/* length: 1024 bytes compile, 1025 do not */
	memset(text, ' ', 4096);
	memcpy(text, "last > 1", 8);
	text[TD_ALERT_MAX_TEXT] = '\0';
	compiles(text);
	text[TD_ALERT_MAX_TEXT] = ' ';
	text[4095] = '\0';
	expect_error(text, 1025, "rule longer than 1024 bytes");

	/* nesting: the rule is level 1, so 31 parentheses fit and the 32nd '(' opens level 33 */
	char *p = text;
	for (int i = 0; i < 31; i++)
		*p++ = '(';
	p += sprintf(p, "last > 1");
	for (int i = 0; i < 31; i++)
		*p++ = ')';
	*p = '\0';
	compiles(text);
	p = text;
	for (int i = 0; i < 40; i++)
		*p++ = '(';
	sprintf(p, "last > 1");
	expect_error(text, 33, "nesting deeper than 32 levels");

	/* unary minus and not count as levels: the 32nd '-' (column 7 + 32) is too deep */
	p = text + sprintf(text, "last > ");
	for (int i = 0; i < 40; i++)
		*p++ = '-';
	sprintf(p, "1");
	expect_error(text, 39, "nesting deeper than 32 levels");
	p = text;
	for (int i = 0; i < 40; i++)
		p += sprintf(p, "not ");
	sprintf(p, "last > 1");
	expect_error(text, 125, "nesting deeper than 32 levels");

	/* nodes: 'last' and then 139 '+ last' are 279 nodes; the 257th is the '+'
	   after the 129th 'last', made when the parser stands on the next '+' at
	   column 4 + 128 * 7 + 2 */
	p = text + sprintf(text, "last");
	for (int i = 0; i < 139; i++)
		p += sprintf(p, " + last");
	sprintf(p, " > 1");
	expect_error(text, 902, "rule too long: more than 256 numbers, names and operators");
	free(text);
}

/* xorshift64 for reproducible garbage */
static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* A compile error must lie inside the text (or just past it) and read as printable ASCII. */
static void check_error(const char *text, const td_alert_error *err)
{
	size_t tlen = strlen(text);
	if (err->column < 1 || (size_t)err->column > tlen + 1 || err->length < 1 || err->msg[0] == '\0')
		fail_msg("'%s': column %d length %d '%s'", text, err->column, err->length, err->msg);
	for (const char *m = err->msg; *m; m++)
		if (*m < 0x20 || *m > 0x7e)
			fail_msg("unprintable byte in message '%s'", err->msg);
	char out[2048];
	td_alert_error_render(text, err, 60, out, sizeof(out));
}

/* Attach e, feed it a little and evaluate, then detach. */
static void exercise(td_alert_book *b, const td_alert_expr *e, int round)
{
	assert_int_equal(td_alert_book_attach(b, 1, e, 0, NULL, 0), 0);
	td_alert_book_set(b, 0, TD_AF_LAST, (double)(round % 7));
	td_alert_book_set(b, 1, TD_AF_LAST, (double)(round % 5));
	td_alert_bar bar = { 1, 2, 0.5, 1 + round % 3, 10, -2 };
	td_alert_book_bar(b, 0, &bar);
	td_alert_book_evaluate(b, 0, round, NULL, 0);
	td_alert_book_evaluate(b, 1, round, NULL, 0);
	td_alert_book_tick(b, round, NULL, 0);
	char buf[64];
	assert_true(td_alert_book_explain(b, 1, 0, buf, sizeof(buf)) >= 0);
	assert_int_equal(td_alert_book_detach(b, 1, 0), 0);
}

/* Random token soup and random bytes: never a crash, every error placed inside the text. */
static void test_garbage(void **state)
{
	(void)state;
	static const char *const piece[] = {
		"last", "rsi(", "sma(", "volume", ",", "14", ")", "(", "@NQ", "@", "\"", " and ", " or ", "not ",
		" crosses above ", " crosses below ", " for ", " within ", "2m", "30s", "9:30", ":", ".", "5", "-",
		"+", "*", "/", " < ", " >= ", "==", "!=", "\a", "\xff", "stacked_imbalance(", "buy", "OD", " ",
		"rising(", "abs(", "min(", "time", "close", "1.5", "swing_low(", "20", ")@YM", "ib_done",
	};
	td_alert_book_params bp;
	td_alert_book_defaults(&bp);
	bp.instruments = 4;
	td_alert_book *b = td_alert_book_new(&bp);
	uint64_t s = 0x9e3779b97f4a7c15ull;
	char text[600];
	for (int round = 0; round < 20000; round++) {
		size_t len = 0;
		int n = (int)(rnd(&s) % 24) + 1;
		for (int i = 0; i < n; i++) {
			if (rnd(&s) % 8 == 0) {
				text[len++] = (char)(rnd(&s) % 255 + 1);
			} else {
				const char *pc = piece[rnd(&s) % (sizeof(piece) / sizeof(piece[0]))];
				memcpy(text + len, pc, strlen(pc));
				len += strlen(pc);
			}
		}
		text[len] = '\0';
		td_alert_error err;
		td_alert_expr *e = td_alert_compile(text, lookup, NULL, &err);
		if (e)
			exercise(b, e, round);
		else
			check_error(text, &err);
		td_alert_expr_free(e);
	}
	td_alert_book_free(b);
}

/* ---- a generator of valid rules ---------------------------------------------------- */

struct gen {
	uint64_t s;
	char *p;
};

static void emit(struct gen *g, const char *text)
{
	g->p += sprintf(g->p, "%s", text);
}

static const char *pick(struct gen *g, const char *const *from, size_t n)
{
	return from[rnd(&g->s) % n];
}

#define PICK(g, a) pick((g), (a), sizeof(a) / sizeof((a)[0]))

/* A numeric expression of at most depth levels. */
static void gen_num(struct gen *g, int depth)
{
	static const char *const leaf[] = {
		"last", "bid", "vwap", "delta", "cum_delta", "close", "rsi(14)", "ema(3)", "sma(volume, 2)", "atr(2)",
		"swing_high(2)", "lowest(low, 3)", "last@NQ", "ema(close, 2)@NQ", "stacked_imbalance(buy)", "tick",
		"1", "2.5", ".25", "09:30", "100", "OD", "time", "opening_type", "gex", "iv_rank",
	};
	static const char *const op[] = { " + ", " - ", " * ", " / " };
	unsigned k = depth > 0 ? (unsigned)(rnd(&g->s) % 6) : 0;
	switch (k) {
	case 1: case 2:
		emit(g, "(");
		gen_num(g, depth - 1);
		emit(g, PICK(g, op));
		gen_num(g, depth - 1);
		emit(g, ")");
		break;
	case 3:
		emit(g, "-");
		gen_num(g, depth - 1);
		break;
	case 4:
		emit(g, rnd(&g->s) % 2 ? "min(" : "max(");
		gen_num(g, depth - 1);
		emit(g, ", ");
		gen_num(g, depth - 1);
		emit(g, ")");
		break;
	case 5:
		emit(g, "abs(");
		gen_num(g, depth - 1);
		emit(g, ")");
		break;
	default:
		emit(g, PICK(g, leaf));
		break;
	}
}

/* A condition of at most depth levels. */
static void gen_cond(struct gen *g, int depth)
{
	static const char *const cmp[] = { " < ", " <= ", " > ", " >= ", " == ", " != ",
					   " crosses above ", " crosses below " };
	static const char *const flag[] = { "ib_done", "absorption", "rising(close, 2)", "falling(cum_delta, 1)" };
	static const char *const win[] = { " for 30s", " for 2m", " within 5m", " within 1h" };
	unsigned k = depth > 0 ? (unsigned)(rnd(&g->s) % 7) : (unsigned)(rnd(&g->s) % 2);
	switch (k) {
	case 1:
		emit(g, PICK(g, flag));
		break;
	case 2: case 3:
		emit(g, "(");
		gen_cond(g, depth - 1);
		emit(g, k == 2 ? " and " : " or ");
		gen_cond(g, depth - 1);
		emit(g, ")");
		break;
	case 4:
		emit(g, "not ");
		gen_cond(g, depth - 1);
		break;
	case 5:
		emit(g, "(");
		gen_cond(g, depth - 1);
		emit(g, ")");
		emit(g, PICK(g, win));
		break;
	default:
		gen_num(g, depth);
		emit(g, PICK(g, cmp));
		gen_num(g, depth);
		break;
	}
}

/* Generated rules all compile and run; every mutation of them compiles or fails cleanly. */
static void test_generated_rules(void **state)
{
	(void)state;
	td_alert_book_params bp;
	td_alert_book_defaults(&bp);
	bp.instruments = 4;
	td_alert_book *b = td_alert_book_new(&bp);
	struct gen g = { .s = 0x2545f4914f6cdd1dull };
	char text[8192];
	int compiled = 0;
	for (int round = 0; round < 5000; round++) {
		g.p = text;
		gen_cond(&g, 3);
		emit(&g, " or bid > 0");
		if (strlen(text) > TD_ALERT_MAX_TEXT)
			continue;
		td_alert_error err;
		td_alert_expr *e = td_alert_compile(text, lookup, NULL, &err);
		if (!e && (strstr(err.msg, "too long") || strstr(err.msg, "more than") || strstr(err.msg, "nested")))
			continue; /* a limit, not a bug */
		if (!e)
			fail_msg("'%s' at column %d: %s", text, err.column, err.msg);
		compiled++;
		exercise(b, e, round);
		td_alert_expr_free(e);
		/* mutate: drop, double or replace one byte */
		size_t len = strlen(text), at = rnd(&g.s) % len;
		switch (rnd(&g.s) % 3) {
		case 0: memmove(text + at, text + at + 1, len - at); break;
		case 1: memmove(text + at + 1, text + at, len - at + 1); break;
		default: text[at] = (char)(rnd(&g.s) % 255 + 1); break;
		}
		e = td_alert_compile(text, lookup, NULL, &err);
		if (e)
			exercise(b, e, round);
		else
			check_error(text, &err);
		td_alert_expr_free(e);
	}
	assert_true(compiled > 4000);
	td_alert_book_free(b);
}

/* ---- the documentation ---------------------------------------------------------------- */

static char *read_doc(void)
{
	const char *root = getenv("TD_TEST_ROOT");
	char path[1024];
	snprintf(path, sizeof(path), "%s/doc/alerts.md", root && *root ? root : ".");
	FILE *f = fopen(path, "r");
	if (!f)
		fail_msg("cannot open '%s' (set TD_TEST_ROOT to the repository)", path);
	static char doc[1 << 18];
	size_t n = fread(doc, 1, sizeof(doc) - 1, f);
	fclose(f);
	doc[n] = '\0';
	return doc;
}

/* A table row of doc/alerts.md starts with "| `name`" (functions: "| `name("). */
static void documented(const char *doc, const char *name, bool function)
{
	char key[96];
	snprintf(key, sizeof(key), function ? "| `%s(" : "| `%s`", name);
	if (!strstr(doc, key))
		fail_msg("doc/alerts.md has no table row for '%s' (expected a line starting '%s')", name, key);
}

static void test_doc_names_everything(void **state)
{
	(void)state;
	const char *doc = read_doc();
	for (int f = 0; f < TD_AF_COUNT; f++)
		documented(doc, td_alert_fact_table[f].name, false);
	for (size_t i = 0; i < td_alert_name_count; i++)
		documented(doc, td_alert_name_table[i].name, td_alert_name_table[i].kind == TD_ALERT_NAME_FUNCTION);
	assert_non_null(strstr(doc, "## Rules"));
	assert_non_null(strstr(doc, "## Sinks"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_issue_example_and_signals),
		cmocka_unit_test(test_every_fact_resolves),
		cmocka_unit_test(test_every_function_resolves),
		cmocka_unit_test(test_symbols_resolve),
		cmocka_unit_test(test_error_columns),
		cmocka_unit_test(test_no_lookup_and_no_error_struct),
		cmocka_unit_test(test_render_caret),
		cmocka_unit_test(test_render_control_and_end),
		cmocka_unit_test(test_render_window),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_generated_rules),
		cmocka_unit_test(test_doc_names_everything),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
