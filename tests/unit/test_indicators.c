/*
 * Indicators: hand-computed small cases for each one, every value of the
 * TA-Lib regression bars against the technicalindicators reference fixture
 * (tests/fixtures/indicators_ref.csv, see its README), pivots against the
 * trendyways anchor values, rolling extremes and long-run drift against brute
 * force, and the spec parser's columns and error messages.
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

#include "analytics/indicators.h"

/* Values from a formula or another library: equal to 1e-9 relative (absolute near 0). */
static void assert_close(double got, double want, const char *what, int bar)
{
	double tol = 1e-9 * fmax(1.0, fmax(fabs(got), fabs(want)));
	if (isnan(want) && isnan(got))
		return;
	if (isnan(want) || isnan(got) || fabs(got - want) > tol)
		fail_msg("%s at bar %d: got %.17g, want %.17g", what, bar, got, want);
}

static void assert_nan(double v)
{
	assert_true(isnan(v));
}

/* ---- reading the bars and the fixture ------------------------------------- */

#define MAX_BARS 300
#define MAX_COLS 128

struct table {
	int ncols;
	int nrows;
	char name[MAX_COLS][TD_IND_COLNAME_MAX];
	double v[MAX_COLS][MAX_BARS];   /* NaN for an empty cell */
};

/* $TD_TEST_ROOT/rel, or ./rel. */
static FILE *open_data(const char *rel)
{
	const char *root = getenv("TD_TEST_ROOT");
	char path[1024];
	snprintf(path, sizeof(path), "%s/%s", root && *root ? root : ".", rel);
	FILE *f = fopen(path, "r");
	if (!f)
		fail_msg("cannot open '%s' (set TD_TEST_ROOT to the repository)", path);
	return f;
}

/* Split line at commas in place, keeping empty fields; returns the count. */
static int split(char *line, char **field, int max)
{
	int n = 0;
	line[strcspn(line, "\r\n")] = '\0';
	for (char *s = line; n < max; s++) {
		field[n++] = s;
		s = strchr(s, ',');
		if (!s)
			break;
		*s = '\0';
	}
	return n;
}

/* A CSV with one header line, '#' comment lines skipped, numeric cells. */
static struct table *read_table(const char *rel)
{
	FILE *f = open_data(rel);
	struct table *t = calloc(1, sizeof(*t));
	static char line[65536];
	char *field[MAX_COLS];
	assert_non_null(t);
	while (fgets(line, sizeof(line), f)) {
		if (line[0] == '#')
			continue;
		int n = split(line, field, MAX_COLS);
		if (t->ncols == 0) {
			t->ncols = n;
			for (int c = 0; c < n; c++)
				snprintf(t->name[c], sizeof(t->name[c]), "%s", field[c]);
			continue;
		}
		assert_int_equal(n, t->ncols);
		assert_true(t->nrows < MAX_BARS);
		for (int c = 0; c < n; c++)
			t->v[c][t->nrows] = *field[c] ? strtod(field[c], NULL) : NAN;
		t->nrows++;
	}
	fclose(f);
	return t;
}

static int table_col(const struct table *t, const char *name)
{
	for (int c = 0; c < t->ncols; c++)
		if (strcmp(t->name[c], name) == 0)
			return c;
	return -1;
}

static const double *column(const struct table *t, const char *name)
{
	int c = table_col(t, name);
	if (c < 0)
		fail_msg("no column '%s'", name);
	return t->v[c];
}

static struct table *bars_table(void)
{
	return read_table("tests/data/ta_regtest_daily_ref_252.csv");
}

static struct table *ref_table(void)
{
	return read_table("tests/fixtures/indicators_ref.csv");
}

static td_ind_bar bar_at(const struct table *b, int i)
{
	return (td_ind_bar){ column(b, "open")[i], column(b, "high")[i], column(b, "low")[i],
			     column(b, "close")[i], column(b, "volume")[i] };
}

/* ---- against the reference fixture ----------------------------------------- */

#define REF_SPEC "sma:20,ema:20,ema:5,rsi:14,macd,bb,atr:14,donchian:20,ichimoku,pivots," \
		 "pivots:fibonacci,pivots:woodie,pivots:camarilla,fractal,swing:5,fib:5"

/* Every column of the whole set, every bar, against the fixture by name. */
static void test_fixture_all_columns(void **state)
{
	(void)state;
	struct table *b = bars_table(), *ref = ref_table();
	assert_int_equal(ref->nrows, b->nrows);
	td_ind_list l;
	char err[256];
	assert_int_equal(td_ind_parse(REF_SPEC, &l, err, sizeof(err)), 0);
	size_t ncol = td_ind_columns(&l, NULL, 0);
	static char names[MAX_COLS][TD_IND_COLNAME_MAX];
	assert_true(ncol <= MAX_COLS);
	assert_int_equal(td_ind_columns(&l, names, ncol), ncol);
	td_ind_set *s = td_ind_set_new(&l);
	assert_non_null(s);
	assert_int_equal(td_ind_set_columns(s), ncol);
	double out[MAX_COLS];
	int defined = 0;
	for (int i = 0; i < b->nrows; i++) {
		td_ind_bar bar = bar_at(b, i);
		assert_int_equal(td_ind_set_update(s, &bar, out), 0);
		for (size_t c = 0; c < ncol; c++) {
			assert_close(out[c], column(ref, names[c])[i], names[c], i);
			defined += !isnan(out[c]);
		}
	}
	/* Guard against a fixture of NaNs agreeing with NaNs. */
	assert_true(defined > 100 * (int)ncol);
	td_ind_set_free(s);
	free(b);
	free(ref);
}

/* Wilder's averages and the true range, which the set does not output. */
static void test_fixture_rsi_parts_and_tr(void **state)
{
	(void)state;
	struct table *b = bars_table(), *ref = ref_table();
	td_ind_rsi r;
	td_ind_atr a;
	assert_true(td_ind_rsi_init(&r, 14));
	assert_true(td_ind_atr_init(&a, 14));
	for (int i = 0; i < b->nrows; i++) {
		td_ind_bar bar = bar_at(b, i);
		double rsi = td_ind_rsi_update(&r, bar.close);
		td_ind_atr_update(&a, bar.high, bar.low, bar.close);
		assert_close(r.avg_gain, column(ref, "rsi14_avg_gain")[i], "avg gain", i);
		assert_close(r.avg_loss, column(ref, "rsi14_avg_loss")[i], "avg loss", i);
		assert_close(a.tr, column(ref, "tr")[i], "true range", i);
		/* The library rounds its RSI to 2 decimals. */
		double lib = column(ref, "rsi14_lib2dp")[i];
		assert_int_equal(isnan(rsi), isnan(lib));
		if (!isnan(lib))
			assert_true(fabs(rsi - lib) <= 0.005 + 1e-9);
	}
	free(b);
	free(ref);
}

/* ---- hand-computed cases ----------------------------------------------------- */

static void test_sma_hand(void **state)
{
	(void)state;
	td_ind_sma *s = td_ind_sma_new(3);
	const double x[] = { 1, 2, 6, 4, 5 }, want[] = { NAN, NAN, 3, 4, 5 };
	for (int i = 0; i < 5; i++)
		assert_close(td_ind_sma_update(s, x[i]), want[i], "sma", i);
	td_ind_sma_free(s);
	assert_null(td_ind_sma_new(0));
	assert_null(td_ind_sma_new(TD_IND_MAX_PERIOD + 1));
	td_ind_sma_free(NULL);
}

static void test_ema_hand(void **state)
{
	(void)state;
	td_ind_ema e;
	assert_true(td_ind_ema_init(&e, 3));   /* alpha 0.5, seed = mean of first 3 */
	const double x[] = { 2, 4, 6, 8, 12 }, want[] = { NAN, NAN, 4, 6, 9 };
	for (int i = 0; i < 5; i++)
		assert_close(td_ind_ema_update(&e, x[i]), want[i], "ema", i);
	assert_false(td_ind_ema_init(&e, 0));
	assert_true(td_ind_ema_init(&e, 1));    /* period 1 follows its input */
	assert_close(td_ind_ema_update(&e, 7), 7, "ema1", 0);
	assert_close(td_ind_ema_update(&e, 9), 9, "ema1", 1);
}

static void test_rsi_hand(void **state)
{
	(void)state;
	td_ind_rsi r;
	assert_true(td_ind_rsi_init(&r, 2));
	/* changes +1, -0.5, +1.5, -1; seed gain 0.5 loss 0.25, then Wilder. */
	const double x[] = { 10, 11, 10.5, 12, 11 };
	const double want[] = { NAN, NAN, 200.0 / 3, 800.0 / 9, 100 * 0.5 / 1.0625 };
	for (int i = 0; i < 5; i++)
		assert_close(td_ind_rsi_update(&r, x[i]), want[i], "rsi", i);
	assert_close(r.avg_gain, 0.5, "gain", 4);
	assert_close(r.avg_loss, 0.5625, "loss", 4);

	assert_true(td_ind_rsi_init(&r, 3));     /* only rises: 100; flat: 50 */
	for (int i = 0; i < 5; i++)
		td_ind_rsi_update(&r, i);
	assert_close(r.value, 100, "rsi up", 4);
	assert_true(td_ind_rsi_init(&r, 3));
	for (int i = 0; i < 5; i++)
		td_ind_rsi_update(&r, 42);
	assert_close(r.value, 50, "rsi flat", 4);
	assert_false(td_ind_rsi_init(&r, 0));
}

static void test_macd_hand(void **state)
{
	(void)state;
	td_ind_macd m;
	assert_true(td_ind_macd_init(&m, 2, 3, 2));
	/* fast 1.5, 19/6, 115/18, 691/54; slow 7/3, 31/6, 127/12 (exact fractions). */
	const double x[] = { 1, 2, 4, 8, 16 };
	const double line[] = { NAN, NAN, 5.0 / 6, 11.0 / 9, 239.0 / 108 };
	const double sig[] = { NAN, NAN, NAN, 37.0 / 36, 589.0 / 324 };
	for (int i = 0; i < 5; i++) {
		assert_int_equal(td_ind_macd_update(&m, x[i]), i == 4 || i == 3);
		assert_close(m.line, line[i], "macd", i);
		assert_close(m.signal, sig[i], "signal", i);
		assert_close(m.hist, line[i] - sig[i], "hist", i);
	}
	assert_close(m.hist, 32.0 / 81, "hist", 4);
	assert_false(td_ind_macd_init(&m, 26, 12, 9));
	assert_false(td_ind_macd_init(&m, 12, 26, 0));
}

static void test_bb_hand(void **state)
{
	(void)state;
	td_ind_bb *b = td_ind_bb_new(3, 2);
	td_ind_bands v;
	assert_false(td_ind_bb_update(b, 1, &v));
	assert_nan(v.mid);
	assert_nan(v.up);
	assert_false(td_ind_bb_update(b, 2, &v));
	assert_true(td_ind_bb_update(b, 3, &v));
	/* population sd of 1, 2, 3 is sqrt(2/3) */
	assert_close(v.mid, 2, "mid", 2);
	assert_close(v.sd, sqrt(2.0 / 3), "sd", 2);
	assert_close(v.up, 2 + 2 * sqrt(2.0 / 3), "up", 2);
	assert_close(v.low, 2 - 2 * sqrt(2.0 / 3), "low", 2);
	assert_true(td_ind_bb_update(b, 7, &v));   /* 2, 3, 7: mean 4, var 14/3 */
	assert_close(v.mid, 4, "mid", 3);
	assert_close(v.sd, sqrt(14.0 / 3), "sd", 3);
	for (int i = 0; i < 3; i++)
		td_ind_bb_update(b, 5, &v);
	assert_close(v.sd, 0, "sd flat", 6);
	assert_close(v.up, 5, "up flat", 6);
	td_ind_bb_free(b);
	assert_null(td_ind_bb_new(20, -1));
	assert_null(td_ind_bb_new(20, NAN));
	assert_null(td_ind_bb_new(0, 2));
}

static void test_atr_hand(void **state)
{
	(void)state;
	td_ind_atr a;
	assert_true(td_ind_atr_init(&a, 2));
	/* TR: -, 2, 2, 2.5 (low to previous close), 5.5 (gap up) */
	const double h[] = { 10, 11, 12, 11.5, 15 }, l[] = { 8, 9, 10, 9, 14 };
	const double c[] = { 9, 10.5, 11, 9.5, 14.5 };
	const double tr[] = { NAN, 2, 2, 2.5, 5.5 }, want[] = { NAN, NAN, 2, 2.25, 3.875 };
	for (int i = 0; i < 5; i++) {
		assert_close(td_ind_atr_update(&a, h[i], l[i], c[i]), want[i], "atr", i);
		assert_close(a.tr, tr[i], "tr", i);
	}
}

static void test_donchian_hand(void **state)
{
	(void)state;
	td_ind_donchian *d = td_ind_donchian_new(3);
	const double h[] = { 5, 7, 6, 4, 3 }, l[] = { 1, 2, 3, 2, 2.5 };
	const double up[] = { NAN, NAN, 7, 7, 6 }, lo[] = { NAN, NAN, 1, 2, 2 };
	td_ind_channel ch;
	for (int i = 0; i < 5; i++) {
		assert_int_equal(td_ind_donchian_update(d, h[i], l[i], &ch), i >= 2);
		assert_close(ch.up, up[i], "up", i);
		assert_close(ch.low, lo[i], "low", i);
		assert_close(ch.mid, (up[i] + lo[i]) / 2, "mid", i);
	}
	td_ind_donchian_free(d);
}

static void test_ichimoku_hand(void **state)
{
	(void)state;
	/* tenkan 2, kijun 3, span B 4, displacement 2 */
	td_ind_ichimoku *k = td_ind_ichimoku_new(2, 3, 4, 2);
	const double h[] = { 10, 12, 11, 13, 15, 14 }, l[] = { 8, 9, 7, 10, 12, 11 };
	const double c[] = { 9, 11, 10, 12, 14, 13 };
	const double tenkan[] = { NAN, 10, 9.5, 10, 12.5, 13 };
	const double kijun[] = { NAN, NAN, 9.5, 10, 11, 12.5 };
	const double span_a[] = { NAN, NAN, 9.5, 10, 11.75, 12.75 };
	const double span_b[] = { NAN, NAN, NAN, 10, 11, 11 };
	td_ind_ichimoku_out o;
	for (int i = 0; i < 6; i++) {
		assert_int_equal(td_ind_ichimoku_update(k, h[i], l[i], c[i], &o), i == 5);
		assert_close(o.tenkan, tenkan[i], "tenkan", i);
		assert_close(o.kijun, kijun[i], "kijun", i);
		assert_close(o.span_a, span_a[i], "span a", i);
		assert_close(o.span_b, span_b[i], "span b", i);
		assert_close(o.cloud_a, i >= 2 ? span_a[i - 2] : NAN, "cloud a", i);
		assert_close(o.cloud_b, i >= 2 ? span_b[i - 2] : NAN, "cloud b", i);
		assert_close(o.chikou, c[i], "chikou", i);
	}
	td_ind_ichimoku_free(k);
	assert_null(td_ind_ichimoku_new(9, 26, 52, 0));
}

static void test_fractal_hand(void **state)
{
	(void)state;
	td_ind_swing *s = td_ind_swing_new(TD_IND_FRACTAL_N);
	/* high fractal at bar 3 (5), low fractal at bar 2 (0.5); both need 2 bars after */
	const double h[] = { 1, 3, 2, 5, 4, 3, 6 }, l[] = { 0.9, 1, 0.5, 2, 3, 2.5, 4 };
	td_ind_swing_out o;
	for (int i = 0; i < 7; i++) {
		bool got = td_ind_swing_update(s, h[i], l[i], &o);
		assert_int_equal(got, i == 4 || i == 5);
		if (i == 4) {
			assert_int_equal(o.bar, 2);
			assert_close(o.low, 0.5, "fractal low", i);
			assert_nan(o.high);
		}
		if (i == 5) {
			assert_int_equal(o.bar, 3);
			assert_close(o.high, 5, "fractal high", i);
			assert_nan(o.low);
		}
	}
	td_ind_swing_free(s);

	/* equal highs: the first is the pivot, the second is not */
	s = td_ind_swing_new(2);
	const double h2[] = { 1, 2, 5, 5, 3, 2, 1 };
	int highs = 0;
	for (int i = 0; i < 7; i++) {
		if (td_ind_swing_update(s, h2[i], 0.5, &o) && !isnan(o.high)) {
			assert_int_equal(o.bar, 2);
			highs++;
		}
	}
	assert_int_equal(highs, 1);
	td_ind_swing_free(s);
	assert_null(td_ind_swing_new(0));
	assert_null(td_ind_swing_new(TD_IND_MAX_PERIOD / 2));
}

static void test_fib_hand(void **state)
{
	(void)state;
	td_ind_fib *f = td_ind_fib_new(1);
	td_ind_fib_out o;
	/* swing high 110 at bar 1, swing low 100 at bar 3: a down leg from 110 to 100 */
	const double h[] = { 105, 110, 106, 104, 107 }, l[] = { 103, 107, 102, 100, 103 };
	for (int i = 0; i < 4; i++) {
		assert_false(td_ind_fib_update(f, h[i], l[i], &o));
		assert_nan(o.level[0]);
	}
	assert_true(td_ind_fib_update(f, h[4], l[4], &o));
	const double want[] = { 100, 102.36, 103.82, 105, 106.18, 107.86, 110 };
	for (int i = 0; i < TD_IND_FIB_LEVELS; i++)
		assert_close(o.level[i], want[i], "fib down", i);
	assert_close(o.start, 110, "start", 4);
	assert_close(o.end, 100, "end", 4);
	/* a new swing high at 108 (bar 5, confirmed at 6): up leg from 100 */
	td_ind_fib_update(f, 108, 104, &o);
	assert_true(td_ind_fib_update(f, 106, 104.5, &o));
	assert_close(o.level[0], 108, "fib up 0", 6);
	assert_close(o.level[3], 104, "fib up 50", 6);
	assert_close(o.level[6], 100, "fib up 100", 6);
	td_ind_fib_free(f);
}

/* github.com/rubenafo/trendyways tests/sup_resTest.js values (shared/data/pivots_trendyways_anchor.json). */
static void test_pivots_trendyways(void **state)
{
	(void)state;
	td_ind_pivot_levels p;
	td_ind_pivots_compute(TD_IND_PIVOT_STANDARD, 18, 5, 15, &p);
	const double fr[] = { 20.333333333333332, 25.666666666666664, 33.33333333333333 };
	const double fs[] = { 7.333333333333332, -0.3333333333333339, -5.666666666666668 };
	assert_close(p.pp, 12.666666666666666, "floor pp", 0);
	for (int i = 0; i < 3; i++) {
		assert_close(p.r[i], fr[i], "floor r", i);
		assert_close(p.s[i], fs[i], "floor s", i);
	}
	assert_nan(p.r[3]);
	assert_nan(p.s[3]);

	static const struct { double h, l, c, pp, r1, r2, s1, s2; } woodie[] = {
		{ 10, 5, 7, 7.25, 9.5, 12.25, 4.5, 2.25 },
		{ 15, 8, 11, 11.25, 14.5, 18.25, 7.5, 4.25 },
		{ 25, 10, 12, 14.75, 19.5, 29.75, 4.5, -0.25 },
		{ 10, 8, 9, 9, 10, 11, 8, 7 },
	};
	for (int i = 0; i < 4; i++) {
		td_ind_pivots_compute(TD_IND_PIVOT_WOODIE, woodie[i].h, woodie[i].l, woodie[i].c, &p);
		assert_close(p.pp, woodie[i].pp, "woodie pp", i);
		assert_close(p.r[0], woodie[i].r1, "woodie r1", i);
		assert_close(p.r[1], woodie[i].r2, "woodie r2", i);
		assert_close(p.s[0], woodie[i].s1, "woodie s1", i);
		assert_close(p.s[1], woodie[i].s2, "woodie s2", i);
		assert_nan(p.r[2]);
	}

	static const struct { double h, l, c, r[4], s[4]; } cam[] = {
		{ 10, 5, 7, { 7.458333333333333, 7.916666666666667, 8.375, 9.75 },
		  { 6.541666666666667, 6.083333333333333, 5.625, 4.25 } },
		{ 15, 8, 11, { 11.641666666666667, 12.283333333333333, 12.925, 14.850000000000001 },
		  { 10.358333333333333, 9.716666666666667, 9.075, 7.1499999999999995 } },
		{ 25, 10, 12, { 13.375, 14.75, 16.125, 20.25 }, { 10.625, 9.25, 7.875, 3.75 } },
		{ 10, 8, 9, { 9.183333333333334, 9.366666666666667, 9.55, 10.1 },
		  { 8.816666666666666, 8.633333333333333, 8.45, 7.9 } },
	};
	for (int i = 0; i < 4; i++) {
		td_ind_pivots_compute(TD_IND_PIVOT_CAMARILLA, cam[i].h, cam[i].l, cam[i].c, &p);
		for (int j = 0; j < 4; j++) {
			assert_close(p.r[j], cam[i].r[j], "camarilla r", i);
			assert_close(p.s[j], cam[i].s[j], "camarilla s", i);
		}
	}

	/* Fibonacci pivots by hand: pp 38/3, range 13 */
	td_ind_pivots_compute(TD_IND_PIVOT_FIBONACCI, 18, 5, 15, &p);
	assert_close(p.r[0], 38.0 / 3 + 0.382 * 13, "fib r1", 0);
	assert_close(p.r[1], 38.0 / 3 + 0.618 * 13, "fib r2", 0);
	assert_close(p.r[2], 38.0 / 3 + 13, "fib r3", 0);
	assert_close(p.s[0], 38.0 / 3 - 0.382 * 13, "fib s1", 0);
	assert_close(p.s[2], 38.0 / 3 - 13, "fib s3", 0);

	/* incremental: the first bar has no levels, the second gets the first's */
	td_ind_pivots inc;
	td_ind_pivots_init(&inc, TD_IND_PIVOT_STANDARD);
	assert_false(td_ind_pivots_update(&inc, 18, 5, 15, &p));
	assert_nan(p.pp);
	assert_nan(p.r[0]);
	assert_true(td_ind_pivots_update(&inc, 1, 1, 1, &p));
	assert_close(p.pp, 12.666666666666666, "incremental pp", 1);
}

/* ---- properties against brute force ---------------------------------------------- */

/* xorshift64: a fixed, portable sequence. */
static uint64_t rng_next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* A random walk on a 0.25 grid, so equal highs and lows happen often. */
static void random_bars(uint64_t seed, int n, double *h, double *l, double *c)
{
	double px = 1000;
	for (int i = 0; i < n; i++) {
		px += 0.25 * (double)((int)(rng_next(&seed) % 9) - 4);
		h[i] = px + 0.25 * (double)(rng_next(&seed) % 4);
		l[i] = px - 0.25 * (double)(rng_next(&seed) % 4);
		c[i] = px;
	}
}

/* Donchian and swings against loops over the window, on prices with many ties. */
static void test_extremes_brute_force(void **state)
{
	(void)state;
	enum { N = 3000 };
	static double h[N], l[N], c[N];
	random_bars(7, N, h, l, c);
	const uint32_t sizes[] = { 1, 2, 3, 7, 20 };
	for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		uint32_t p = sizes[k];
		td_ind_donchian *d = td_ind_donchian_new(p);
		td_ind_swing *s = td_ind_swing_new(p);
		for (int i = 0; i < N; i++) {
			td_ind_channel ch;
			td_ind_swing_out so;
			td_ind_donchian_update(d, h[i], l[i], &ch);
			td_ind_swing_update(s, h[i], l[i], &so);
			double up = NAN, lo = NAN;
			if (i + 1 >= (int)p) {
				up = -INFINITY;
				lo = INFINITY;
				for (int j = i + 1 - (int)p; j <= i; j++) {
					up = fmax(up, h[j]);
					lo = fmin(lo, l[j]);
				}
			}
			assert_close(ch.up, up, "donchian up", i);
			assert_close(ch.low, lo, "donchian low", i);
			int q = i - (int)p;   /* candidate pivot */
			bool is_hi = q >= (int)p, is_lo = q >= (int)p;
			for (int j = q - (int)p; q >= (int)p && j <= i; j++) {
				if (j != q && (j < q ? h[j] >= h[q] : h[j] > h[q]))
					is_hi = false;
				if (j != q && (j < q ? l[j] <= l[q] : l[j] < l[q]))
					is_lo = false;
			}
			assert_close(so.high, is_hi ? h[q] : NAN, "swing high", i);
			assert_close(so.low, is_lo ? l[q] : NAN, "swing low", i);
		}
		td_ind_donchian_free(d);
		td_ind_swing_free(s);
	}
}

/* SMA and Bollinger stay within 1e-9 of a two-pass computation over a long run. */
static void test_window_drift(void **state)
{
	(void)state;
	enum { N = 400000, P = 50 };
	double *h = malloc(N * sizeof(double)), *l = malloc(N * sizeof(double));
	double *c = malloc(N * sizeof(double));
	random_bars(11, N, h, l, c);
	for (int i = 0; i < N; i++)
		c[i] = c[i] * 1000 + (double)(i % 3) * 1e-3;   /* a large level, small moves */
	td_ind_sma *s = td_ind_sma_new(P);
	td_ind_bb *b = td_ind_bb_new(P, 2.5);
	for (int i = 0; i < N; i++) {
		td_ind_bands v;
		double sma = td_ind_sma_update(s, c[i]);
		td_ind_bb_update(b, c[i], &v);
		if (i % 997 != 0 || i < P)
			continue;
		double mean = 0, m2 = 0;
		for (int j = i - P + 1; j <= i; j++)
			mean += c[j] / P;
		for (int j = i - P + 1; j <= i; j++)
			m2 += (c[j] - mean) * (c[j] - mean);
		assert_close(sma, mean, "sma", i);
		assert_close(v.mid, mean, "bb mid", i);
		double sd = sqrt(m2 / P);
		if (fabs(v.sd - sd) > 1e-9 * mean)
			fail_msg("bb sd at bar %d: got %.17g, want %.17g", i, v.sd, sd);
	}
	td_ind_sma_free(s);
	td_ind_bb_free(b);
	free(h);
	free(l);
	free(c);
}

/* ---- spec parser ------------------------------------------------------------------- */

static void test_parse_columns(void **state)
{
	(void)state;
	td_ind_list l;
	char err[256];
	assert_int_equal(td_ind_parse("ema:20,rsi:14,macd:12:26:9,bb:20:2,atr:14,donchian:20,"
				      "ichimoku:9:26:52,pivots:camarilla", &l, err, sizeof(err)), 0);
	assert_int_equal(l.n, 8);
	assert_int_equal(l.item[7].pivot, TD_IND_PIVOT_CAMARILLA);
	assert_int_equal(l.item[6].n[3], 26);
	const char *want[] = {
		"ema20", "rsi14", "macd", "macd_signal", "macd_hist", "bb_mid", "bb_up", "bb_low",
		"atr14", "donchian20_up", "donchian20_mid", "donchian20_low",
		"ichimoku_tenkan", "ichimoku_kijun", "ichimoku_span_a", "ichimoku_span_b",
		"ichimoku_cloud_a", "ichimoku_cloud_b", "ichimoku_chikou",
		"pivots_camarilla_pp", "pivots_camarilla_r1", "pivots_camarilla_r2",
		"pivots_camarilla_r3", "pivots_camarilla_r4", "pivots_camarilla_s1",
		"pivots_camarilla_s2", "pivots_camarilla_s3", "pivots_camarilla_s4",
	};
	size_t nwant = sizeof(want) / sizeof(want[0]);
	char names[40][TD_IND_COLNAME_MAX];
	assert_int_equal(td_ind_columns(&l, NULL, 0), nwant);
	assert_int_equal(td_ind_columns(&l, names, 40), nwant);
	for (size_t i = 0; i < nwant; i++)
		assert_string_equal(names[i], want[i]);
	/* max bounds the writes, not the count */
	assert_int_equal(td_ind_columns(&l, names, 2), nwant);

	/* defaults, non-default names, spaces around items */
	assert_int_equal(td_ind_parse(" macd:5:35:5 , bb:10:1.5,ichimoku:20:60:120:30,swing,fib:3,"
				      "fractal,pivots,sma", &l, err, sizeof(err)), 0);
	const char *want2[] = { "macd_5_35_5", "macd_5_35_5_signal", "macd_5_35_5_hist",
				"bb_10_1.5_mid", "ichimoku_20_60_120_30_tenkan", "swing5_high",
				"fib3_0", "fib3_236", "fractal_high", "fractal_low", "pivots_pp",
				"pivots_r3", "pivots_s3", "sma20" };
	const int at2[] = { 0, 1, 2, 3, 6, 13, 15, 16, 22, 23, 24, 27, 30, 31 };
	assert_int_equal(td_ind_columns(&l, names, 40), 32);
	for (size_t i = 0; i < sizeof(at2) / sizeof(at2[0]); i++)
		assert_string_equal(names[at2[i]], want2[i]);
	assert_true(fabs(l.item[1].k - 1.5) < 1e-15);
	assert_int_equal(l.item[3].n[0], 5);
}

static void test_parse_errors(void **state)
{
	(void)state;
	static const struct { const char *spec, *err; } cases[] = {
		{ "ema:20,rsi:14,macd:12:x:9",
		  "indicator 3 'macd:12:x:9': bad parameter 'x': expected a positive integer" },
		{ "ema:20,emma", "indicator 2 'emma': unknown indicator 'emma' (known: sma, ema, rsi, "
				 "macd, bb, atr, donchian, ichimoku, pivots, fractal, swing, fib)" },
		{ "ema:0", "indicator 1 'ema:0': bad parameter '0': expected an integer from 1 to 100000" },
		{ "ema:100001", "indicator 1 'ema:100001': bad parameter '100001': expected an integer from 1 to 100000" },
		{ "ema:-3", "indicator 1 'ema:-3': bad parameter '-3': expected a positive integer" },
		{ "ema:", "indicator 1 'ema:': bad parameter '': expected a positive integer" },
		{ "ema:20:5", "indicator 1 'ema:20:5': too many parameters: 'ema' takes at most 1" },
		{ "fractal:2", "indicator 1 'fractal:2': too many parameters: 'fractal' takes at most 0" },
		{ "macd:26:12:9", "indicator 1 'macd:26:12:9': fast period 26 must be less than slow period 12" },
		{ "bb:20:-1", "indicator 1 'bb:20:-1': bad parameter '-1': expected a positive number with at most 3 decimals" },
		{ "bb:20:0", "indicator 1 'bb:20:0': bad parameter '0': expected a positive number with at most 3 decimals" },
		{ "bb:20:1.2345", "indicator 1 'bb:20:1.2345': bad parameter '1.2345': expected a positive number with at most 3 decimals" },
		{ "pivots:floor", "indicator 1 'pivots:floor': bad parameter 'floor': expected standard, fibonacci, woodie or camarilla" },
		{ "", "indicator 1 '': empty item" },
		{ "ema:20,,rsi", "indicator 2 '': empty item" },
		{ "ema:20,", "indicator 2 '': empty item" },
		{ "ema:20,rsi,ema:20", "indicator 3 'ema:20': same as indicator 1" },
		{ "bb,bb:20:2.000", "indicator 2 'bb:20:2.000': same as indicator 1" },
		{ "swing:60000", "indicator 1 'swing:60000': swing size 60000 is above 49999" },
		{ "e\033[2Jma", "indicator 1 'e?[2Jma': unknown indicator 'e?[2Jma' (known: sma, ema, rsi, "
				"macd, bb, atr, donchian, ichimoku, pivots, fractal, swing, fib)" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		td_ind_list l;
		char err[512];
		assert_int_equal(td_ind_parse(cases[i].spec, &l, err, sizeof(err)), -1);
		assert_string_equal(err, cases[i].err);
	}

	/* long items and lists are cut short in the message, never overflow */
	char spec[600], err[64];
	td_ind_list l;
	memset(spec, 'x', sizeof(spec) - 1);
	spec[sizeof(spec) - 1] = '\0';
	assert_int_equal(td_ind_parse(spec, &l, err, sizeof(err)), -1);
	assert_int_equal(strlen(err), sizeof(err) - 1);
	assert_int_equal(td_ind_parse(spec, &l, err, 0), -1);
	spec[0] = '\0';
	for (int i = 1; i <= TD_IND_LIST_MAX + 1; i++)
		snprintf(spec + strlen(spec), sizeof(spec) - strlen(spec), "%sema:%d", i > 1 ? "," : "", i);
	char err2[256];
	assert_int_equal(td_ind_parse(spec, &l, err2, sizeof(err2)), -1);
	assert_string_equal(err2, "indicator 33 'ema:33': more than 32 indicators");
}

/* A bad bar is refused and changes nothing. */
static void test_set_rejects_bad_bars(void **state)
{
	(void)state;
	td_ind_list l;
	char err[128];
	assert_int_equal(td_ind_parse("sma:3,rsi:2,atr:2,swing:1", &l, err, sizeof(err)), 0);
	td_ind_set *a = td_ind_set_new(&l), *b = td_ind_set_new(&l);
	double oa[8], ob[8];
	assert_int_equal(td_ind_set_columns(a), 5);
	for (int i = 0; i < 20; i++) {
		td_ind_bar bar = { 10 + i % 3, 12 + i % 5, 9 - i % 2, 11 + i % 4, 100 };
		if (i == 7) {
			td_ind_bar bad = bar;
			bad.close = NAN;
			assert_int_equal(td_ind_set_update(b, &bad, ob), -1);
			bad = bar;
			bad.high = bad.low - 1;
			assert_int_equal(td_ind_set_update(b, &bad, ob), -1);
			bad = bar;
			bad.open = INFINITY;
			assert_int_equal(td_ind_set_update(b, &bad, ob), -1);
		}
		assert_int_equal(td_ind_set_update(a, &bar, oa), 0);
		assert_int_equal(td_ind_set_update(b, &bar, ob), 0);
		assert_memory_equal(oa, ob, 5 * sizeof(double));
	}
	td_ind_set_free(a);
	td_ind_set_free(b);
	td_ind_set_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixture_all_columns),
		cmocka_unit_test(test_fixture_rsi_parts_and_tr),
		cmocka_unit_test(test_sma_hand),
		cmocka_unit_test(test_ema_hand),
		cmocka_unit_test(test_rsi_hand),
		cmocka_unit_test(test_macd_hand),
		cmocka_unit_test(test_bb_hand),
		cmocka_unit_test(test_atr_hand),
		cmocka_unit_test(test_donchian_hand),
		cmocka_unit_test(test_ichimoku_hand),
		cmocka_unit_test(test_fractal_hand),
		cmocka_unit_test(test_fib_hand),
		cmocka_unit_test(test_pivots_trendyways),
		cmocka_unit_test(test_extremes_brute_force),
		cmocka_unit_test(test_window_drift),
		cmocka_unit_test(test_parse_columns),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_set_rejects_bad_bars),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
