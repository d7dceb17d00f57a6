/*
 * Alert evaluation book: arithmetic and precedence worked by hand, Kleene
 * truth tables, crosses above/below sequences, `for`/`within` on a fake
 * clock, indicators on closed bars against hand-computed values (SMA, EMA,
 * Wilder's RSI and ATR, extremes, rising/falling, a fact series), warm
 * starts from the history, shared indicator states, cross-instrument
 * references, firing edges, dependency masks (what a change re-evaluates,
 * seen through the evaluation counters), enable/detach, and explanations.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert/book.h"
#include "alert/expr.h"
#include "near.h"

#define SEC TD_NS_PER_SEC

/* ES = 0, NQ = 1, YM = 2, FAR = 9 (beyond a small book). */
static int lookup(void *ctx, const char *sym, uint32_t *inst)
{
	(void)ctx;
	static const struct { const char *sym; uint32_t id; } syms[] = { { "ES", 0 }, { "NQ", 1 }, { "YM", 2 }, { "FAR", 9 } };
	for (size_t i = 0; i < sizeof(syms) / sizeof(syms[0]); i++)
		if (strcmp(sym, syms[i].sym) == 0) {
			*inst = syms[i].id;
			return 0;
		}
	return -1;
}

/* The rules of one test, freed together. */
#define MAX_RULES 16

struct fx {
	td_alert_book *b;
	td_alert_expr *rule[MAX_RULES];
	int nrules;
};

static struct fx *fx_new(uint32_t instruments, uint32_t history)
{
	struct fx *f = calloc(1, sizeof(*f));
	td_alert_book_params p;
	td_alert_book_defaults(&p);
	assert_int_equal(p.history_bars, 256);
	p.instruments = instruments;
	p.history_bars = history;
	f->b = td_alert_book_new(&p);
	assert_non_null(f->b);
	return f;
}

static void fx_free(struct fx *f)
{
	td_alert_book_free(f->b);
	for (int i = 0; i < f->nrules; i++)
		td_alert_expr_free(f->rule[i]);
	free(f);
}

/* Compile text and attach it as rule id to inst; returns the rule id. */
static uint32_t attach(struct fx *f, uint32_t id, const char *text, uint32_t inst)
{
	td_alert_error err;
	td_alert_expr *e = td_alert_compile(text, lookup, NULL, &err);
	if (!e)
		fail_msg("'%s' at column %d: %s", text, err.column, err.msg);
	assert_true(f->nrules < MAX_RULES);
	f->rule[f->nrules++] = e;
	char msg[128];
	if (td_alert_book_attach(f->b, id, e, inst, msg, sizeof(msg)) != 0)
		fail_msg("attach '%s': %s", text, msg);
	return id;
}

static td_alert_att_info info(struct fx *f, uint32_t rule, uint32_t inst)
{
	td_alert_att_info i;
	assert_int_equal(td_alert_book_info(f->b, rule, inst, &i), 0);
	return i;
}

static td_alert_truth result(struct fx *f, uint32_t rule, uint32_t inst)
{
	return info(f, rule, inst).result;
}

static uint64_t evals(struct fx *f, uint32_t rule, uint32_t inst)
{
	return info(f, rule, inst).evaluations;
}

static void set(struct fx *f, uint32_t inst, td_alert_fact fact, double v)
{
	td_alert_book_set(f->b, inst, fact, v);
}

/* Evaluate inst at second t; the number of firings. */
static size_t eval(struct fx *f, uint32_t inst, double t)
{
	td_alert_fire out[16];
	return td_alert_book_evaluate(f->b, inst, (td_ns)(t * SEC), out, 16);
}

static size_t tick(struct fx *f, double t)
{
	td_alert_fire out[16];
	return td_alert_book_tick(f->b, (td_ns)(t * SEC), out, 16);
}

static void bar(struct fx *f, uint32_t inst, double o, double h, double l, double c, double v)
{
	td_alert_bar b = { .open = o, .high = h, .low = l, .close = c, .volume = v, .delta = NAN };
	assert_int_equal(td_alert_book_bar(f->b, inst, &b), 0);
}

static void close_at(struct fx *f, uint32_t inst, double c)
{
	bar(f, inst, c, c, c, c, 1);
}

/* The value of term name in the explanation of rule on inst (NaN for "unknown"). */
static double term(struct fx *f, uint32_t rule, uint32_t inst, const char *name)
{
	char buf[512], key[64];
	assert_true(td_alert_book_explain(f->b, rule, inst, buf, sizeof(buf)) > 0);
	snprintf(key, sizeof(key), "%s=", name);
	const char *p = strstr(buf, key);
	if (!p || (p != buf && p[-1] != ' '))
		fail_msg("no '%s' in '%s'", name, buf);
	p += strlen(key);
	if (strncmp(p, "unknown", 7) == 0)
		return NAN;
	return strtod(p, NULL);
}

static void assert_unknown(double v)
{
	assert_true(isnan(v));
}

/* got is want within tol, or both are unknown. */
#define assert_value(got, want, tol) \
	do { \
		double want_ = (want); \
		if (isnan(want_)) \
			assert_unknown(got); \
		else \
			assert_near(got, want_, tol); \
	} while (0)

/* ---- arithmetic and logic ------------------------------------------------------------ */

/* last = 2, bid = 3, ask = 4 */
static void test_arithmetic_and_precedence(void **state)
{
	(void)state;
	static const struct { const char *text; td_alert_truth want; } cases[] = {
		{ "last + bid * ask == 14", TD_ALERT_TRUE },           /* 2 + 12 */
		{ "(last + bid) * ask == 20", TD_ALERT_TRUE },
		{ "last - bid - ask == -5", TD_ALERT_TRUE },           /* left to right: (2 - 3) - 4 */
		{ "ask / last / last == 1", TD_ALERT_TRUE },           /* (4 / 2) / 2 */
		{ "-last * -bid == 6", TD_ALERT_TRUE },
		{ "last - -bid == 5", TD_ALERT_TRUE },
		{ "bid * ask - last * 2 > 7", TD_ALERT_TRUE },         /* 12 - 4 = 8 */
		{ "bid * ask - last * 2 > 8", TD_ALERT_FALSE },
		{ "last > ask and bid > ask or last < bid", TD_ALERT_TRUE },  /* (F and F) or T */
		{ "last < bid or bid > ask and last > ask", TD_ALERT_TRUE },  /* T or (F and F) */
		{ "(last < bid or bid > ask) and last > ask", TD_ALERT_FALSE },
		{ "not last > bid and last > ask", TD_ALERT_FALSE },   /* (not F) and F */
		{ "not (last > bid and last > ask)", TD_ALERT_TRUE },
		{ "not not last < bid", TD_ALERT_TRUE },
		{ "abs(last - ask) == 2 and abs(ask - last) == 2", TD_ALERT_TRUE },
		{ "min(last, bid) == 2 and max(last, ask) == 4", TD_ALERT_TRUE },
		{ "last <= 2 and last >= 2 and last != 3 and last == 2.0", TD_ALERT_TRUE },
		{ "last < 2 or last > 2", TD_ALERT_FALSE },
		{ "(last > bid) + (ask > bid) == 1", TD_ALERT_TRUE },  /* conditions count as 0 and 1 */
		{ "last / (bid - bid) > 0", TD_ALERT_UNKNOWN },        /* division by zero */
		{ "last / (bid - bid) > 0 or last == 2", TD_ALERT_TRUE },
		{ "ask * 0.25 == 1 and .5 * ask == last", TD_ALERT_TRUE },
		{ "2 * last - ask == 0", TD_ALERT_TRUE },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct fx *f = fx_new(1, 0);
		attach(f, 1, cases[i].text, 0);
		set(f, 0, TD_AF_LAST, 2);
		set(f, 0, TD_AF_BID, 3);
		set(f, 0, TD_AF_ASK, 4);
		eval(f, 0, 0);
		if (result(f, 1, 0) != cases[i].want)
			fail_msg("'%s': got %d, want %d", cases[i].text, result(f, 1, 0), cases[i].want);
		fx_free(f);
	}
}

#define T 1.0
#define F 0.0
#define U NAN

static td_alert_truth truth(double v)
{
	return isnan(v) ? TD_ALERT_UNKNOWN : v == 1 ? TD_ALERT_TRUE : TD_ALERT_FALSE;
}

/* Kleene's tables, with the flags ib_done (p) and absorption (q). */
static void test_kleene_tables(void **state)
{
	(void)state;
	static const double v[3] = { T, F, U };
	/* and[p][q], or[p][q] in the order T, F, U */
	static const double and_want[3][3] = { { T, F, U }, { F, F, F }, { U, F, U } };
	static const double or_want[3][3] = { { T, T, T }, { T, F, U }, { T, U, U } };
	static const double not_want[3] = { F, T, U };
	struct fx *f = fx_new(1, 0);
	attach(f, 1, "ib_done and absorption", 0);
	attach(f, 2, "ib_done or absorption", 0);
	attach(f, 3, "not ib_done", 0);
	attach(f, 4, "absorption and ib_done", 0);
	attach(f, 5, "absorption or ib_done", 0);
	for (int p = 0; p < 3; p++)
		for (int q = 0; q < 3; q++) {
			set(f, 0, TD_AF_IB_DONE, v[p]);
			set(f, 0, TD_AF_ABSORPTION, v[q]);
			eval(f, 0, 0);
			assert_int_equal(result(f, 1, 0), truth(and_want[p][q]));
			assert_int_equal(result(f, 2, 0), truth(or_want[p][q]));
			assert_int_equal(result(f, 3, 0), truth(not_want[p]));
			assert_int_equal(result(f, 4, 0), truth(and_want[q][p]));
			assert_int_equal(result(f, 5, 0), truth(or_want[q][p]));
		}
	/* a flag holding any nonzero number is true */
	set(f, 0, TD_AF_IB_DONE, 7);
	set(f, 0, TD_AF_ABSORPTION, -1);
	eval(f, 0, 0);
	assert_int_equal(result(f, 1, 0), TD_ALERT_TRUE);
	fx_free(f);
}

static void test_unknown_comparisons(void **state)
{
	(void)state;
	struct fx *f = fx_new(1, 0);
	attach(f, 1, "last > 1", 0);
	attach(f, 2, "last != 1", 0);
	attach(f, 3, "last == last", 0);
	attach(f, 4, "not (last > 1)", 0);
	attach(f, 5, "bid > 1 and last > 1", 0);      /* false decides even with last unknown */
	attach(f, 6, "bid < 1 or last > 1", 0);       /* true decides */
	attach(f, 7, "abs(last) > 0 or -last < 0", 0);
	set(f, 0, TD_AF_BID, 0);
	set(f, 0, TD_AF_ASK, 5); /* something changes, last stays unknown */
	eval(f, 0, 0);
	for (uint32_t r = 1; r <= 4; r++) {
		assert_int_equal(evals(f, r, 0), 1);
		assert_int_equal(result(f, r, 0), TD_ALERT_UNKNOWN);
	}
	assert_int_equal(result(f, 5, 0), TD_ALERT_FALSE);
	assert_int_equal(result(f, 6, 0), TD_ALERT_TRUE);
	assert_int_equal(result(f, 7, 0), TD_ALERT_UNKNOWN);
	fx_free(f);
}

/* ---- crosses ------------------------------------------------------------------------- */

static void test_crosses_above(void **state)
{
	(void)state;
	struct fx *f = fx_new(1, 0);
	attach(f, 1, "last crosses above vwap", 0);
	set(f, 0, TD_AF_VWAP, 100);
	static const struct { double last; td_alert_truth want; size_t fires; } seq[] = {
		{ 99, TD_ALERT_FALSE, 0 },     /* first known values: no previous, no cross */
		{ 101, TD_ALERT_TRUE, 1 },     /* 99 <= 100, 101 > 100 */
		{ 102, TD_ALERT_FALSE, 0 },    /* already above */
		{ 100, TD_ALERT_FALSE, 0 },    /* touching is not above */
		{ 101, TD_ALERT_TRUE, 1 },     /* from equal: a cross here (TradingView's strict < says no) */
		{ NAN, TD_ALERT_UNKNOWN, 0 },  /* unknown: state kept at 101 */
		{ 99, TD_ALERT_FALSE, 0 },
		{ NAN, TD_ALERT_UNKNOWN, 0 },
		{ 101, TD_ALERT_TRUE, 1 },     /* against 99, the last known */
	};
	for (size_t i = 0; i < sizeof(seq) / sizeof(seq[0]); i++) {
		set(f, 0, TD_AF_LAST, seq[i].last);
		size_t fired = eval(f, 0, (double)i);
		if (result(f, 1, 0) != seq[i].want || fired != seq[i].fires)
			fail_msg("step %zu (last %g): got %d, %zu firings", i, seq[i].last, result(f, 1, 0), fired);
	}
	fx_free(f);
}

static void test_crosses_below_moving_level(void **state)
{
	(void)state;
	struct fx *f = fx_new(1, 0);
	attach(f, 1, "last crosses below vwap", 0);
	static const struct { double last, vwap; td_alert_truth want; } seq[] = {
		{ 101, 100, TD_ALERT_FALSE },
		{ 99, 100, TD_ALERT_TRUE },
		{ 98, 100, TD_ALERT_FALSE },
		{ 100, 100, TD_ALERT_FALSE },  /* equal is not below */
		{ 99, 100, TD_ALERT_TRUE },    /* from equal */
		{ 99, 98, TD_ALERT_FALSE },    /* the level moved below the price */
		{ 99, 99.5, TD_ALERT_TRUE },   /* and back above it: the level crossed the price */
	};
	for (size_t i = 0; i < sizeof(seq) / sizeof(seq[0]); i++) {
		set(f, 0, TD_AF_LAST, seq[i].last);
		set(f, 0, TD_AF_VWAP, seq[i].vwap);
		eval(f, 0, (double)i);
		if (result(f, 1, 0) != seq[i].want)
			fail_msg("step %zu: got %d, want %d", i, result(f, 1, 0), seq[i].want);
	}
	fx_free(f);
}

/* A cross on the right of `and` is evaluated even when the left is false, so its state stays current. */
static void test_cross_not_skipped(void **state)
{
	(void)state;
	struct fx *f = fx_new(1, 0);
	attach(f, 1, "volume > 0 and last crosses above vwap", 0);
	set(f, 0, TD_AF_VWAP, 100);
	set(f, 0, TD_AF_VOLUME, 5);
	set(f, 0, TD_AF_LAST, 99);
	eval(f, 0, 0);              /* the cross has seen 99 */
	set(f, 0, TD_AF_VOLUME, 0);
	eval(f, 0, 1);
	set(f, 0, TD_AF_LAST, 101); /* the cross happens while volume is 0 */
	eval(f, 0, 2);
	assert_int_equal(result(f, 1, 0), TD_ALERT_FALSE);
	set(f, 0, TD_AF_VOLUME, 5); /* 101 against 101: no new cross (a skipped cross would compare with 99) */
	assert_int_equal(eval(f, 0, 3), 0);
	assert_int_equal(result(f, 1, 0), TD_ALERT_FALSE);
	fx_free(f);
}

/* Without state on the right, `and` skips it when the left is false: fewer ops, same result. */
static void test_short_circuit_result(void **state)
{
	(void)state;
	struct fx *f = fx_new(1, 0);
	attach(f, 1, "bid > 1 and last / (ask - ask) > 0", 0);  /* the right side alone is unknown */
	set(f, 0, TD_AF_BID, 0);
	set(f, 0, TD_AF_LAST, 1);
	set(f, 0, TD_AF_ASK, 1);
	eval(f, 0, 0);
	assert_int_equal(result(f, 1, 0), TD_ALERT_FALSE);
	set(f, 0, TD_AF_BID, 2);
	eval(f, 0, 1);
	assert_int_equal(result(f, 1, 0), TD_ALERT_UNKNOWN);
	fx_free(f);
}

/* ---- windows ------------------------------------------------------------------------- */

static void test_for_window(void **state)
{
	(void)state;
	struct fx *f = fx_new(1, 0);
	attach(f, 1, "last > 100 for 1m", 0);
	set(f, 0, TD_AF_LAST, 101);
	assert_int_equal(eval(f, 0, 0), 0);      /* true since 0 */
	assert_int_equal(result(f, 1, 0), TD_ALERT_FALSE);
	assert_int_equal(tick(f, 30), 0);
	assert_int_equal(tick(f, 59.999), 0);
	assert_int_equal(tick(f, 60), 1);        /* held for exactly 1m */
	assert_int_equal(result(f, 1, 0), TD_ALERT_TRUE);
	assert_int_equal(tick(f, 61), 0);        /* still true: no new edge */
	set(f, 0, TD_AF_LAST, 99);
	eval(f, 0, 70);
	assert_int_equal(result(f, 1, 0), TD_ALERT_FALSE);
	set(f, 0, TD_AF_LAST, 102);
	eval(f, 0, 80);                          /* true again since 80 */
	assert_int_equal(tick(f, 139), 0);
	assert_int_equal(tick(f, 140), 1);
	set(f, 0, TD_AF_LAST, NAN);
	eval(f, 0, 150);                         /* unknown breaks the run */
	assert_int_equal(result(f, 1, 0), TD_ALERT_UNKNOWN);
	set(f, 0, TD_AF_LAST, 101);
	eval(f, 0, 160);
	assert_int_equal(tick(f, 219), 0);
	assert_int_equal(tick(f, 220), 1);
	fx_free(f);
}

static void test_within_window(void **state)
{
	(void)state;
	struct fx *f = fx_new(1, 0);
	attach(f, 1, "last > 100 within 5m", 0);
	set(f, 0, TD_AF_LAST, 99);
	eval(f, 0, 0);
	assert_int_equal(result(f, 1, 0), TD_ALERT_FALSE);
	set(f, 0, TD_AF_LAST, 101);
	assert_int_equal(eval(f, 0, 10), 1);
	set(f, 0, TD_AF_LAST, 99);
	assert_int_equal(eval(f, 0, 20), 0);    /* true until 20 (it held from 10 to 20) */
	assert_int_equal(result(f, 1, 0), TD_ALERT_TRUE);
	assert_int_equal(tick(f, 320), 0);      /* 320 - 20 = 300 s: still within */
	assert_int_equal(result(f, 1, 0), TD_ALERT_TRUE);
	assert_int_equal(tick(f, 321), 0);
	assert_int_equal(result(f, 1, 0), TD_ALERT_FALSE);
	set(f, 0, TD_AF_LAST, NAN);
	eval(f, 0, 325);                        /* unknown now, not true in the window: unknown */
	assert_int_equal(result(f, 1, 0), TD_ALERT_UNKNOWN);
	set(f, 0, TD_AF_LAST, 101);
	assert_int_equal(eval(f, 0, 330), 1);
	fx_free(f);
}

/* A condition over several facts, windowed; and `time`, re-evaluated by the tick. */
static void test_window_compound_and_time(void **state)
{
	(void)state;
	struct fx *f = fx_new(1, 0);
	attach(f, 1, "(last > vwap and delta > 0) for 30s", 0);
	attach(f, 2, "time >= 09:30 and last > 1", 0);
	set(f, 0, TD_AF_VWAP, 100);
	set(f, 0, TD_AF_LAST, 101);
	set(f, 0, TD_AF_DELTA, 5);
	set(f, 0, TD_AF_TIME, 9 * 3600 + 29 * 60 + 59);
	eval(f, 0, 0);
	assert_int_equal(result(f, 2, 0), TD_ALERT_FALSE);
	set(f, 0, TD_AF_DELTA, 6);    /* still true: the run goes on */
	eval(f, 0, 10);
	set(f, 0, TD_AF_TIME, 9 * 3600 + 30 * 60);
	td_alert_fire out[4];
	size_t n = td_alert_book_tick(f->b, 30 * SEC, out, 4);
	assert_int_equal(n, 2);
	assert_true((out[0].rule == 1 && out[1].rule == 2) || (out[0].rule == 2 && out[1].rule == 1));
	assert_int_equal(out[0].inst, 0);
	fx_free(f);
}

/* ---- indicators ----------------------------------------------------------------------- */

#define TOL 1e-4  /* explanations print 4 decimals */

static void test_sma_ema_closed_bars(void **state)
{
	(void)state;
	struct fx *f = fx_new(1, 0);
	attach(f, 1, "sma(close, 3) < -999999 or ema(3) < -999999 or close < -999999", 0);
	const double want_sma[] = { NAN, NAN, 2, 3, 4 };  /* means of 1..3, 2..4, 3..5 */
	const double want_ema[] = { NAN, NAN, 2, 3, 4 };  /* seed 2, then 0.5 * x + 0.5 * ema */
	for (int i = 0; i < 5; i++) {
		close_at(f, 0, i + 1);
		eval(f, 0, i);
		assert_value(term(f, 1, 0, "sma(close,3)"), want_sma[i], TOL);
		assert_value(term(f, 1, 0, "ema(3)"), want_ema[i], TOL);
		assert_near(term(f, 1, 0, "close"), i + 1, TOL);
	}
	/* the forming bar does not count: trades move last, not the indicators */
	set(f, 0, TD_AF_LAST, 1000);
	eval(f, 0, 9);
	assert_near(term(f, 1, 0, "sma(close,3)"), 4, TOL);
	fx_free(f);
}

static void test_rsi_by_hand(void **state)
{
	(void)state;
	/*
	 * RSI(2), closes 10, 11, 10.5, 11.5, 11: changes +1, -0.5, +1, -0.5.
	 * Seeds at the 3rd close: gain (1 + 0) / 2 = 0.5, loss (0 + 0.5) / 2 = 0.25, RSI 100 * 0.5 / 0.75.
	 * 4th: gain (0.5 + 1) / 2 = 0.75, loss 0.25 / 2 = 0.125, RSI 100 * 0.75 / 0.875.
	 * 5th: gain 0.75 / 2 = 0.375, loss (0.125 + 0.5) / 2 = 0.3125, RSI 100 * 0.375 / 0.6875.
	 */
	const double close[] = { 10, 11, 10.5, 11.5, 11 };
	const double want[] = { NAN, NAN, 100 * 0.5 / 0.75, 100 * 0.75 / 0.875, 100 * 0.375 / 0.6875 };
	struct fx *f = fx_new(1, 0);
	attach(f, 1, "rsi(2) < 30", 0);
	for (int i = 0; i < 5; i++) {
		close_at(f, 0, close[i]);
		eval(f, 0, i);
		assert_value(term(f, 1, 0, "rsi(2)"), want[i], TOL);
	}
	assert_int_equal(result(f, 1, 0), TD_ALERT_FALSE); /* 54.5 */
	fx_free(f);
}

static void test_atr_and_extremes_by_hand(void **state)
{
	(void)state;
	/*
	 * Bars (h, l, c): (10, 9, 9.5), (11, 9.5, 10.5), (10.8, 10, 10.2), (12, 10.1, 11.9).
	 * True ranges from the 2nd bar: 1.5, max(0.8, 0.3, 0.5) = 0.8, max(1.9, 1.8, 0.1) = 1.9.
	 * ATR(2): (1.5 + 0.8) / 2 = 1.15 at the 3rd bar, then (1.15 + 1.9) / 2 = 1.525.
	 * swing_high(2): highest high of the last 2 bars; swing_low(2) the lowest low.
	 */
	const double h[] = { 10, 11, 10.8, 12 }, l[] = { 9, 9.5, 10, 10.1 }, c[] = { 9.5, 10.5, 10.2, 11.9 };
	const double atr[] = { NAN, NAN, 1.15, 1.525 };
	const double sh[] = { NAN, 11, 11, 12 }, sl[] = { NAN, 9, 9.5, 10 };
	const double hc3[] = { NAN, NAN, 10.5, 11.9 }, lc3[] = { NAN, NAN, 9.5, 10.2 };
	struct fx *f = fx_new(1, 0);
	attach(f, 1,
	       "atr(2) < 0 or swing_high(2) < 0 or swing_low(2) < 0 or highest(close, 3) < 0 or lowest(close, 3) < 0",
	       0);
	for (int i = 0; i < 4; i++) {
		bar(f, 0, c[i], h[i], l[i], c[i], 100);
		eval(f, 0, i);
		assert_value(term(f, 1, 0, "atr(2)"), atr[i], TOL);
		assert_value(term(f, 1, 0, "swing_high(2)"), sh[i], TOL);
		assert_value(term(f, 1, 0, "swing_low(2)"), sl[i], TOL);
		assert_value(term(f, 1, 0, "highest(close,3)"), hc3[i], TOL);
		assert_value(term(f, 1, 0, "lowest(close,3)"), lc3[i], TOL);
	}
	fx_free(f);
}

static void test_rising_falling(void **state)
{
	(void)state;
	struct fx *f = fx_new(1, 0);
	attach(f, 1, "rising(close, 2)", 0);
	attach(f, 2, "falling(close, 1)", 0);
	const double close[] = { 1, 3, 2, 1.5, 4 };
	/* rising(close, 2): close vs the close 2 bars before; falling(close, 1): vs the previous close */
	const td_alert_truth up[] = { TD_ALERT_UNKNOWN, TD_ALERT_UNKNOWN, TD_ALERT_TRUE, TD_ALERT_FALSE, TD_ALERT_TRUE };
	const td_alert_truth down[] = { TD_ALERT_UNKNOWN, TD_ALERT_FALSE, TD_ALERT_TRUE, TD_ALERT_TRUE, TD_ALERT_FALSE };
	for (int i = 0; i < 5; i++) {
		close_at(f, 0, close[i]);
		eval(f, 0, i);
		assert_int_equal(result(f, 1, 0), up[i]);
		assert_int_equal(result(f, 2, 0), down[i]);
	}
	fx_free(f);
}

/* A fact as a series: sampled at each bar close; unknown samples are skipped by the SMA. */
static void test_fact_series(void **state)
{
	(void)state;
	struct fx *f = fx_new(1, 0);
	attach(f, 1, "sma(cum_delta, 2) < -999999 or ema(volume, 2) < 0", 0);
	const double cd[] = { 100, 300, NAN, 500 };
	const double want_sma[] = { NAN, 200, 200, 400 };
	const double vol[] = { 10, 20, 40, 40 };
	/* EMA(2) of volume: seed (10 + 20) / 2 = 15, then 2/3 * 40 + 1/3 * 15, then 2/3 * 40 + 1/3 of that */
	const double e3 = 2.0 / 3 * 40 + 15.0 / 3;
	const double want_ema[] = { NAN, 15, e3, 2.0 / 3 * 40 + e3 / 3 };
	for (int i = 0; i < 4; i++) {
		set(f, 0, TD_AF_CUM_DELTA, cd[i]);
		bar(f, 0, 1, 1, 1, 1, vol[i]);
		eval(f, 0, i);
		assert_value(term(f, 1, 0, "sma(cum_delta,2)"), want_sma[i], TOL);
		assert_value(term(f, 1, 0, "ema(volume,2)"), want_ema[i], TOL);
	}
	fx_free(f);
}

/* A new indicator starts from the remembered bars; the history is bounded. */
static void test_warm_start(void **state)
{
	(void)state;
	struct fx *f = fx_new(2, 2);
	for (int i = 1; i <= 3; i++) {
		close_at(f, 0, i);
		close_at(f, 1, i);
	}
	attach(f, 1, "sma(close, 2) < 0 or sma(close, 3) < 0", 0);
	/* both bars of sma(2) are remembered: (2 + 3) / 2; sma(3) needs 3 and only 2 are kept */
	assert_near(term(f, 1, 0, "sma(close,2)"), 2.5, TOL);
	assert_unknown(term(f, 1, 0, "sma(close,3)"));
	close_at(f, 0, 4);
	eval(f, 0, 0);
	assert_near(term(f, 1, 0, "sma(close,3)"), 3, TOL); /* 2, 3, 4 */
	fx_free(f);

	f = fx_new(1, 0); /* no history: every indicator starts empty */
	for (int i = 1; i <= 3; i++)
		close_at(f, 0, i);
	attach(f, 1, "sma(close, 2) < 0", 0);
	assert_unknown(term(f, 1, 0, "sma(close,2)"));
	fx_free(f);
}

static void test_shared_indicators(void **state)
{
	(void)state;
	struct fx *f = fx_new(2, 16);
	td_alert_stats st;
	attach(f, 1, "rsi(14) < 30", 0);
	attach(f, 2, "rsi(14) > 70 and sma(volume, 20) > 0", 0);
	attach(f, 3, "rsi(14) < 30", 1);
	attach(f, 4, "last > ema(20) and ema(close, 20) > 0", 1); /* the same EMA twice */
	td_alert_book_stats(f->b, &st);
	assert_int_equal(st.attachments, 4);
	assert_int_equal(st.indicators, 4); /* rsi@0, sma@0, rsi@1, ema@1 */
	size_t bytes = st.bytes;
	assert_int_equal(td_alert_book_detach(f->b, 1, 0), 0);
	td_alert_book_stats(f->b, &st);
	assert_int_equal(st.indicators, 4);
	assert_int_equal(td_alert_book_detach(f->b, 2, 0), 0);
	td_alert_book_stats(f->b, &st);
	assert_int_equal(st.indicators, 2);
	assert_true(st.bytes < bytes);
	assert_int_equal(td_alert_book_detach_rule(f->b, 3), 1);
	assert_int_equal(td_alert_book_detach_rule(f->b, 4), 1);
	td_alert_book_stats(f->b, &st);
	assert_int_equal(st.indicators, 0);
	assert_int_equal(st.attachments, 0);
	fx_free(f);
}

static void test_bad_bars(void **state)
{
	(void)state;
	struct fx *f = fx_new(1, 4);
	td_alert_bar ok = { 1, 2, 0.5, 1.5, 10, 3 };
	td_alert_bar b = ok;
	b.close = NAN;
	assert_int_equal(td_alert_book_bar(f->b, 0, &b), -1);
	b = ok;
	b.high = 0.4; /* below the low */
	assert_int_equal(td_alert_book_bar(f->b, 0, &b), -1);
	b = ok;
	b.open = INFINITY;
	assert_int_equal(td_alert_book_bar(f->b, 0, &b), -1);
	assert_int_equal(td_alert_book_bar(f->b, 1, &ok), -1);
	b = ok;
	b.volume = NAN; /* unknown volume is fine */
	assert_int_equal(td_alert_book_bar(f->b, 0, &b), 0);
	td_alert_stats st;
	td_alert_book_stats(f->b, &st);
	assert_int_equal(st.bars, 1);
	fx_free(f);
}

/* ---- instruments ----------------------------------------------------------------------- */

static void test_cross_instrument(void **state)
{
	(void)state;
	struct fx *f = fx_new(3, 0);
	attach(f, 1, "last > last@NQ", 0);
	set(f, 0, TD_AF_LAST, 10);
	assert_int_equal(eval(f, 0, 0), 0);
	assert_int_equal(result(f, 1, 0), TD_ALERT_UNKNOWN);
	/* NQ's trade re-evaluates the rule attached to ES and reports it as ES's */
	set(f, 1, TD_AF_LAST, 9);
	td_alert_fire out[4];
	assert_int_equal(td_alert_book_evaluate(f->b, 1, 1, out, 4), 1);
	assert_int_equal(out[0].rule, 1);
	assert_int_equal(out[0].inst, 0);
	set(f, 1, TD_AF_LAST, 11);
	eval(f, 1, 2);
	assert_int_equal(result(f, 1, 0), TD_ALERT_FALSE);
	/* YM's changes do not touch it, nor NQ's bid */
	uint64_t n = evals(f, 1, 0);
	set(f, 2, TD_AF_LAST, 5);
	eval(f, 2, 3);
	set(f, 1, TD_AF_BID, 5);
	eval(f, 1, 3);
	assert_int_equal(evals(f, 1, 0), n);
	fx_free(f);
}

/* The correlation signal: ES above its swing high while NQ is below its swing low. */
static void test_correlation_signal(void **state)
{
	(void)state;
	struct fx *f = fx_new(2, 0);
	attach(f, 1, "last > swing_high(2) and last@NQ < swing_low(2)@NQ", 0);
	bar(f, 0, 100, 101, 99, 100, 1);
	bar(f, 0, 100, 102, 99, 101, 1);   /* ES swing high 102 */
	bar(f, 1, 200, 201, 198, 200, 1);
	bar(f, 1, 200, 202, 197, 199, 1);  /* NQ swing low 197 */
	set(f, 0, TD_AF_LAST, 103);
	set(f, 1, TD_AF_LAST, 198);
	eval(f, 0, 0);
	eval(f, 1, 0);
	assert_int_equal(result(f, 1, 0), TD_ALERT_FALSE);
	set(f, 1, TD_AF_LAST, 196.5);
	assert_int_equal(eval(f, 1, 1), 1);
	assert_near(term(f, 1, 0, "swing_low(2)@NQ"), 197, TOL);
	assert_near(term(f, 1, 0, "last@NQ"), 196.5, TOL);
	fx_free(f);
}

/* A rule naming its own instrument with '@' reads it like a plain name. */
static void test_self_reference(void **state)
{
	(void)state;
	struct fx *f = fx_new(2, 0);
	attach(f, 1, "last@ES > bid", 0);
	set(f, 0, TD_AF_LAST, 2);
	set(f, 0, TD_AF_BID, 1);
	assert_int_equal(eval(f, 0, 0), 1);
	fx_free(f);
}

/* ---- firing edges and dependencies ------------------------------------------------------ */

static void test_firing_edges(void **state)
{
	(void)state;
	struct fx *f = fx_new(1, 0);
	attach(f, 7, "last > 100", 0);
	const double last[] = { 99, 101, 102, 103, 99, 101, NAN, 101, 101.5 };
	const size_t fires[] = { 0, 1, 0, 0, 0, 1, 0, 1, 0 };
	for (size_t i = 0; i < sizeof(last) / sizeof(last[0]); i++) {
		set(f, 0, TD_AF_LAST, last[i]);
		td_alert_fire out[2] = { { 0, 0 }, { 0, 0 } };
		size_t n = td_alert_book_evaluate(f->b, 0, (td_ns)i, out, 2);
		if (n != fires[i])
			fail_msg("step %zu (last %g): %zu firings, want %zu", i, last[i], n, fires[i]);
		if (n)
			assert_true(out[0].rule == 7 && out[0].inst == 0);
	}
	td_alert_att_info in = info(f, 7, 0);
	assert_int_equal(in.fires, 3);
	assert_int_equal(in.last_fire, 7);
	td_alert_stats st;
	td_alert_book_stats(f->b, &st);
	assert_int_equal(st.fires, 3);
	fx_free(f);
}

/* Attached while already true: fires at the next evaluation of its instrument. */
static void test_fires_when_attached_true(void **state)
{
	(void)state;
	struct fx *f = fx_new(1, 0);
	set(f, 0, TD_AF_LAST, 101);
	eval(f, 0, 0);
	attach(f, 1, "last > 100", 0);
	assert_int_equal(eval(f, 0, 1), 1);
	assert_int_equal(eval(f, 0, 2), 0);
	fx_free(f);
}

static void test_lost_firings(void **state)
{
	(void)state;
	struct fx *f = fx_new(1, 0);
	attach(f, 1, "last > 100", 0);
	attach(f, 2, "last > 50", 0);
	set(f, 0, TD_AF_LAST, 101);
	td_alert_fire out[1];
	assert_int_equal(td_alert_book_evaluate(f->b, 0, 0, out, 1), 2);
	assert_true(out[0].rule == 1 || out[0].rule == 2);
	td_alert_stats st;
	td_alert_book_stats(f->b, &st);
	assert_int_equal(st.fires, 2);
	assert_int_equal(st.lost, 1);
	fx_free(f);
}

/* A rule on rsi is not re-evaluated by a quote; a quote rule not by a bar; nothing by a repeated value. */
static void test_dependency_masks(void **state)
{
	(void)state;
	struct fx *f = fx_new(1, 0);
	attach(f, 1, "rsi(14) < 30", 0);
	attach(f, 2, "bid > 1", 0);
	attach(f, 3, "last crosses above vwap", 0);
	attach(f, 4, "last > 1 for 1m", 0);
	eval(f, 0, 0); /* the attachments' first evaluation */
	uint64_t e1 = evals(f, 1, 0), e2 = evals(f, 2, 0), e3 = evals(f, 3, 0), e4 = evals(f, 4, 0);
	set(f, 0, TD_AF_BID, 2);
	set(f, 0, TD_AF_ASK, 3);
	set(f, 0, TD_AF_SPREAD, 1);
	eval(f, 0, 1);
	assert_int_equal(evals(f, 1, 0), e1);
	assert_int_equal(evals(f, 2, 0), e2 + 1);
	assert_int_equal(evals(f, 3, 0), e3);
	assert_int_equal(evals(f, 4, 0), e4);
	set(f, 0, TD_AF_BID, 2); /* the same value: no change, nothing evaluated */
	assert_int_equal(eval(f, 0, 2), 0);
	assert_int_equal(evals(f, 2, 0), e2 + 1);
	close_at(f, 0, 5);
	eval(f, 0, 3);
	assert_int_equal(evals(f, 1, 0), e1 + 1);
	assert_int_equal(evals(f, 2, 0), e2 + 1);
	set(f, 0, TD_AF_VWAP, 4);
	eval(f, 0, 4);
	assert_int_equal(evals(f, 3, 0), e3 + 1);
	assert_int_equal(evals(f, 4, 0), e4);
	tick(f, 5); /* windows only */
	assert_int_equal(evals(f, 4, 0), e4 + 1);
	assert_int_equal(evals(f, 1, 0), e1 + 1);
	assert_int_equal(evals(f, 3, 0), e3 + 1);
	/* several facts at once */
	double v[TD_AF_COUNT] = { 0 };
	v[TD_AF_LAST] = 7;
	v[TD_AF_BID] = 6;
	td_alert_book_set_facts(f->b, 0, v, (1ull << TD_AF_LAST) | (1ull << TD_AF_BID));
	assert_near(td_alert_book_fact(f->b, 0, TD_AF_LAST), 7, 0);
	assert_near(td_alert_book_fact(f->b, 0, TD_AF_BID), 6, 0);
	assert_near(td_alert_book_fact(f->b, 0, TD_AF_ASK), 3, 0);
	assert_unknown(td_alert_book_fact(f->b, 5, TD_AF_LAST));
	eval(f, 0, 6);
	assert_int_equal(evals(f, 2, 0), e2 + 2);
	assert_int_equal(evals(f, 3, 0), e3 + 2);
	assert_int_equal(evals(f, 4, 0), e4 + 2);
	fx_free(f);
}

static void test_enable_detach_attach_errors(void **state)
{
	(void)state;
	struct fx *f = fx_new(2, 0);
	attach(f, 1, "last > 100", 0);
	attach(f, 1, "last > 100", 1);
	assert_int_equal(td_alert_book_enable(f->b, 1, false), 2);
	set(f, 0, TD_AF_LAST, 101);
	assert_int_equal(eval(f, 0, 0), 0);
	assert_int_equal(evals(f, 1, 0), 0);
	assert_false(info(f, 1, 0).enabled);
	assert_int_equal(td_alert_book_enable(f->b, 1, true), 2);
	assert_int_equal(eval(f, 0, 1), 1);     /* evaluated again, true: fires */
	assert_int_equal(td_alert_book_enable(f->b, 1, true), 2);
	assert_int_equal(eval(f, 0, 2), 0);     /* enabling an enabled rule changes nothing */
	assert_int_equal(td_alert_book_enable(f->b, 99, true), 0);

	char err[128];
	assert_int_equal(td_alert_book_attach(f->b, 1, f->rule[0], 0, err, sizeof(err)), -1);
	assert_string_equal(err, "rule 1 is already attached to instrument 0");
	assert_int_equal(td_alert_book_attach(f->b, 2, f->rule[0], 2, err, sizeof(err)), -1);
	assert_string_equal(err, "instrument 2 out of range (the book has 2)");
	td_alert_expr *far = td_alert_compile("last@FAR > 1", lookup, NULL, NULL);
	assert_int_equal(td_alert_book_attach(f->b, 3, far, 0, err, sizeof(err)), -1);
	assert_string_equal(err, "rule names instrument 9, out of range (the book has 2)");
	td_alert_expr_free(far);

	assert_int_equal(td_alert_book_detach(f->b, 1, 0), 0);
	assert_int_equal(td_alert_book_detach(f->b, 1, 0), -1);
	td_alert_att_info in;
	assert_int_equal(td_alert_book_info(f->b, 1, 0, &in), -1);
	assert_int_equal(td_alert_book_explain(f->b, 1, 0, err, sizeof(err)), -1);
	assert_int_equal(td_alert_book_detach_rule(f->b, 1), 1);
	assert_int_equal(td_alert_book_detach_rule(f->b, 1), 0);
	td_alert_book_params p = { .instruments = 0 };
	assert_null(td_alert_book_new(&p));
	assert_null(td_alert_book_new(NULL));
	td_alert_book_free(NULL);
	fx_free(f);
}

/* ---- explanations -------------------------------------------------------------------- */

static void test_explain(void **state)
{
	(void)state;
	struct fx *f = fx_new(2, 0);
	attach(f, 1, "last > vwap and time >= 09:30 and ib_done and opening_type == OD and pcr_oi < 0.7", 0);
	attach(f, 2, "sma(volume, 20)@NQ > 1 and stacked_imbalance(buy) > 0", 0);
	char buf[256];
	td_alert_book_explain(f->b, 1, 0, buf, sizeof(buf));
	assert_string_equal(buf, "last=unknown vwap=unknown time=unknown ib_done=unknown opening_type=unknown "
				 "pcr_oi=unknown");
	set(f, 0, TD_AF_LAST, 4512.25);
	set(f, 0, TD_AF_VWAP, 4510.5);
	set(f, 0, TD_AF_TIME, 9 * 3600 + 31 * 60 + 5);
	set(f, 0, TD_AF_IB_DONE, 1);
	set(f, 0, TD_AF_OPENING_TYPE, TD_ALERT_OD);
	set(f, 0, TD_AF_PCR_OI, 0.6666666);
	assert_int_equal(eval(f, 0, 0), 1);
	const char *want = "last=4512.25 vwap=4510.5 time=09:31:05 ib_done=true opening_type=OD pcr_oi=0.6667";
	assert_int_equal(td_alert_book_explain(f->b, 1, 0, buf, sizeof(buf)), (int)strlen(want));
	assert_string_equal(buf, want);
	/* the firing's values stay until the next firing */
	set(f, 0, TD_AF_LAST, 4000);
	eval(f, 0, 1);
	td_alert_book_explain(f->b, 1, 0, buf, sizeof(buf));
	assert_string_equal(buf, want);
	/* cut to the buffer, terminated, full length returned */
	char small[12];
	assert_int_equal(td_alert_book_explain(f->b, 1, 0, small, sizeof(small)), (int)strlen(want));
	assert_string_equal(small, "last=4512.2");
	td_alert_book_explain(f->b, 2, 0, buf, sizeof(buf));
	assert_string_equal(buf, "sma(volume,20)@NQ=unknown stacked_buy=unknown");
	set(f, 0, TD_AF_STACKED_BUY, 3);
	td_alert_book_explain(f->b, 2, 0, buf, sizeof(buf));
	assert_string_equal(buf, "sma(volume,20)@NQ=unknown stacked_buy=3");
	attach(f, 3, "bid < 0 and time >= 0 and gex > 0 and ib_done", 0);
	set(f, 0, TD_AF_BID, -0.001234);
	set(f, 0, TD_AF_TIME, 0);
	set(f, 0, TD_AF_GEX, 2.5e15);
	set(f, 0, TD_AF_IB_DONE, 0);
	td_alert_book_explain(f->b, 3, 0, buf, sizeof(buf));
	assert_string_equal(buf, "bid=-0.001234 time=00:00:00 gex=2.5e+15 ib_done=false");
	fx_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arithmetic_and_precedence),
		cmocka_unit_test(test_kleene_tables),
		cmocka_unit_test(test_unknown_comparisons),
		cmocka_unit_test(test_crosses_above),
		cmocka_unit_test(test_crosses_below_moving_level),
		cmocka_unit_test(test_cross_not_skipped),
		cmocka_unit_test(test_short_circuit_result),
		cmocka_unit_test(test_for_window),
		cmocka_unit_test(test_within_window),
		cmocka_unit_test(test_window_compound_and_time),
		cmocka_unit_test(test_sma_ema_closed_bars),
		cmocka_unit_test(test_rsi_by_hand),
		cmocka_unit_test(test_atr_and_extremes_by_hand),
		cmocka_unit_test(test_rising_falling),
		cmocka_unit_test(test_fact_series),
		cmocka_unit_test(test_warm_start),
		cmocka_unit_test(test_shared_indicators),
		cmocka_unit_test(test_bad_bars),
		cmocka_unit_test(test_cross_instrument),
		cmocka_unit_test(test_correlation_signal),
		cmocka_unit_test(test_self_reference),
		cmocka_unit_test(test_firing_edges),
		cmocka_unit_test(test_fires_when_attached_true),
		cmocka_unit_test(test_lost_firings),
		cmocka_unit_test(test_dependency_masks),
		cmocka_unit_test(test_enable_detach_attach_errors),
		cmocka_unit_test(test_explain),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
