/*
 * Technical indicators over bars, one bar at a time.
 *
 * Every indicator is incremental: each update costs O(1) (amortised O(1)
 * for the windowed ones) and memory is fixed when it is created, never
 * grown.  Nothing here does I/O or keeps global state, so one state object
 * per instrument and timeframe is all a caller needs.
 *
 * Units: prices are plain doubles in price units (not ticks).  Inputs must be
 * finite and high >= low; td_ind_set_update checks this for whole bars, the
 * single indicators trust their caller (they sit on the hot path).
 *
 * "Not enough data yet" is always NaN, never a made-up number: a
 * single-value update returns NaN until the value is defined, and a
 * multi-value update returns false and leaves NaN in every field that is not
 * defined yet (fields become defined one after another, e.g. the MACD line
 * before its signal).  Test with isnan().
 *
 * Lifecycle: fixed-size state (EMA, RSI, MACD, ATR, pivots) is a plain
 * struct set up by td_ind_<x>_init, no allocation, nothing to release.
 * State whose size depends on a period (SMA, Bollinger, Donchian, Ichimoku,
 * swings, Fibonacci) is an opaque handle from td_ind_<x>_new, released by
 * td_ind_<x>_free (NULL is fine).  Periods run from 1 to TD_IND_MAX_PERIOD.
 *
 * Conventions (why early values differ between libraries) are in
 * doc/indicators.md; in short: EMA seeded with the SMA of its first `period`
 * inputs; RSI and ATR with Wilder smoothing seeded with simple means, the
 * first true range at the second bar; MACD from two such EMAs, its signal an
 * EMA of the MACD line seeded the same way; Bollinger with the population
 * standard deviation.
 */
#ifndef TD_INDICATORS_H
#define TD_INDICATORS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Largest period any indicator accepts: bounds a handle at about 10 MB. */
#define TD_IND_MAX_PERIOD 100000u

/* One bar in price units. */
typedef struct td_ind_bar {
	double open;
	double high;
	double low;
	double close;
	double volume;
} td_ind_bar;

/* ---- Moving averages --------------------------------------------------- */

/* Simple moving average over the last `period` inputs. */
typedef struct td_ind_sma td_ind_sma;

/* NULL when period is 0 or above TD_IND_MAX_PERIOD, or out of memory. */
td_ind_sma *td_ind_sma_new(uint32_t period);
void td_ind_sma_free(td_ind_sma *s);
/* Add x; the mean of the last `period` inputs, NaN for the first period-1. */
double td_ind_sma_update(td_ind_sma *s, double x);

/*
 * Exponential moving average, alpha = 2 / (period + 1), seeded with the SMA
 * of the first `period` inputs (TA-Lib, TTR, technicalindicators).
 */
typedef struct td_ind_ema {
	double alpha;    /* 2 / (period + 1) */
	double keep;     /* 1 - alpha: value = keep * value + alpha * x */
	double value;    /* current EMA; NaN until `period` inputs were seen */
	double seed_sum; /* sum of the first inputs, for the SMA seed */
	uint32_t period; /* inputs in the seed */
	uint32_t count;  /* inputs seen, stops counting at period */
} td_ind_ema;

/* False (and e unusable) when period is 0 or above TD_IND_MAX_PERIOD. */
bool td_ind_ema_init(td_ind_ema *e, uint32_t period);
/* Add x; the EMA, NaN for the first period-1 inputs. */
double td_ind_ema_update(td_ind_ema *e, double x);

/* ---- Oscillators -------------------------------------------------------- */

/*
 * Wilder's RSI on closes.  Average gain and loss start as the simple means
 * of the first `period` changes (so the first RSI is at the period+1-th
 * close) and then follow avg = (avg * (period - 1) + x) / period.
 * RSI = 100 * gain / (gain + loss); 50 when both are 0 (no movement).
 */
typedef struct td_ind_rsi {
	double alpha;    /* 1 / period, Wilder's smoothing factor */
	double keep;     /* 1 - alpha */
	double prev;     /* previous close; NaN before the first */
	double avg_gain; /* Wilder average gain; NaN until defined */
	double avg_loss; /* Wilder average loss (positive); NaN until defined */
	double gain_sum; /* seed sums of the first `period` changes */
	double loss_sum;
	double value;    /* current RSI in [0, 100]; NaN until defined */
	uint32_t period;
	uint32_t count;  /* changes seen, stops counting at period */
} td_ind_rsi;

bool td_ind_rsi_init(td_ind_rsi *r, uint32_t period);
/* Add a close; the RSI, NaN for the first `period` closes. */
double td_ind_rsi_update(td_ind_rsi *r, double close);

/*
 * MACD: line = EMA(fast) - EMA(slow), signal = EMA(signal) of the line,
 * histogram = line - signal.  Each EMA is seeded with its own SMA, and the
 * signal's EMA starts at the first defined line value (TTR,
 * technicalindicators); so the line is defined from bar slow-1 and the signal
 * and histogram from bar slow+signal-2 (0-based).
 */
typedef struct td_ind_macd {
	td_ind_ema fast_ema;
	td_ind_ema slow_ema;
	td_ind_ema signal_ema;
	double line;     /* MACD line; NaN until defined */
	double signal;   /* signal line; NaN until defined */
	double hist;     /* line - signal; NaN until defined */
} td_ind_macd;

/* False when a period is out of range or fast >= slow. */
bool td_ind_macd_init(td_ind_macd *m, uint32_t fast, uint32_t slow, uint32_t signal);
/* Add a close; true once line, signal and histogram are all defined. */
bool td_ind_macd_update(td_ind_macd *m, double close);

/* ---- Volatility ---------------------------------------------------------- */

/*
 * Bollinger bands: mid = SMA(period), up/low = mid +/- k * sd, with sd the
 * POPULATION standard deviation of the window (divide by period), as John
 * Bollinger defines it and TA-Lib, TTR and technicalindicators compute it.
 */
typedef struct td_ind_bb td_ind_bb;

typedef struct td_ind_bands {
	double mid;   /* SMA */
	double up;    /* mid + k * sd */
	double low;   /* mid - k * sd */
	double sd;    /* population standard deviation of the window */
} td_ind_bands;

/* NULL when period is out of range, k is not a finite number >= 0, or out of memory. */
td_ind_bb *td_ind_bb_new(uint32_t period, double k);
void td_ind_bb_free(td_ind_bb *b);
/* Add a close; true once the window is full (fields are NaN before). */
bool td_ind_bb_update(td_ind_bb *b, double close, td_ind_bands *out);

/*
 * Wilder's average true range.  The true range needs the previous close, so
 * the first one is at the second bar; ATR starts as the mean of the first
 * `period` true ranges (defined at bar `period`, 0-based) and then follows
 * Wilder's smoothing (TA-Lib, technicalindicators).
 */
typedef struct td_ind_atr {
	double alpha;      /* 1 / period, Wilder's smoothing factor */
	double keep;       /* 1 - alpha */
	double prev_close; /* NaN before the first bar */
	double tr;         /* latest true range; NaN at the first bar */
	double value;      /* ATR; NaN until defined */
	double seed_sum;   /* sum of the first true ranges */
	uint32_t period;
	uint32_t count;    /* true ranges seen, stops counting at period */
} td_ind_atr;

bool td_ind_atr_init(td_ind_atr *a, uint32_t period);
/* Add a bar's high, low and close; the ATR, NaN for the first `period` bars. */
double td_ind_atr_update(td_ind_atr *a, double high, double low, double close);

/* ---- Channels ------------------------------------------------------------ */

/*
 * Donchian channel over the last `period` bars, current bar included:
 * up = highest high, low = lowest low, mid = their average.  Monotonic
 * deques give O(1) amortised updates with at most `period` entries each.
 */
typedef struct td_ind_donchian td_ind_donchian;

typedef struct td_ind_channel {
	double up;
	double mid;
	double low;
} td_ind_channel;

td_ind_donchian *td_ind_donchian_new(uint32_t period);
void td_ind_donchian_free(td_ind_donchian *d);
/* Add a bar; true once `period` bars were seen (fields are NaN before). */
bool td_ind_donchian_update(td_ind_donchian *d, double high, double low, td_ind_channel *out);

/*
 * Ichimoku kinko hyo.  tenkan, kijun and the span B base are midpoints of
 * the highest high and lowest low over their periods (current bar included);
 * span A = (tenkan + kijun) / 2.
 *
 * Displacement D: the spans computed at bar t are drawn D bars ahead, at
 * t + D; the chikou (lagging) line is the close of bar t drawn D bars back.
 * A real-time update cannot know future closes, so the outputs are stated
 * from bar t's point of view:
 *   span_a/span_b   computed at t, to be drawn at t + D (what most libraries
 *                   call senkou A/B);
 *   cloud_a/cloud_b the spans drawn AT t, i.e. computed at t - D: compare
 *                   the price of bar t with these;
 *   chikou          the close of t, to be drawn at t - D.
 * D counts whole bars (TradingView draws at t + D - 1; with D = 26 that is
 * our D = 25).
 */
typedef struct td_ind_ichimoku td_ind_ichimoku;

typedef struct td_ind_ichimoku_out {
	double tenkan;   /* conversion line, from bar tenkan-1 */
	double kijun;    /* base line, from bar kijun-1 */
	double span_a;   /* leading span A computed now, drawn D bars ahead */
	double span_b;   /* leading span B computed now, drawn D bars ahead */
	double cloud_a;  /* span A drawn at this bar (computed D bars ago) */
	double cloud_b;  /* span B drawn at this bar (computed D bars ago) */
	double chikou;   /* this close, drawn D bars back */
} td_ind_ichimoku_out;

/* Periods 9, 26, 52 and displacement 26 are the classic settings. */
td_ind_ichimoku *td_ind_ichimoku_new(uint32_t tenkan, uint32_t kijun, uint32_t senkou_b,
				     uint32_t displacement);
void td_ind_ichimoku_free(td_ind_ichimoku *k);
/* Add a bar; true once every field is defined. */
bool td_ind_ichimoku_update(td_ind_ichimoku *k, double high, double low, double close,
			    td_ind_ichimoku_out *out);

/* ---- Swings and fractals ------------------------------------------------- */

/*
 * N-bar swing (pivot) highs and lows, confirmed N bars after the pivot bar.
 * Bar p is a swing high when its high is above each of the N highs before it
 * and not below any of the N highs after it; a swing low mirrors this.
 * So of equal highs (a flat double top) the first one is the pivot.
 * Williams fractals are the N = 2 case (TD_IND_FRACTAL_N): a 5-bar pattern.
 * Monotonic deques over the 2N+1 bar window keep updates O(1) amortised.
 */
#define TD_IND_FRACTAL_N 2u

typedef struct td_ind_swing td_ind_swing;

typedef struct td_ind_swing_out {
	double high;     /* high of the swing high confirmed by this bar, or NaN */
	double low;      /* low of the swing low confirmed by this bar, or NaN */
	uint64_t bar;    /* 0-based index of the pivot bar (this bar - N) */
} td_ind_swing_out;

/* NULL when n is 0 or 2n+1 exceeds TD_IND_MAX_PERIOD, or out of memory. */
td_ind_swing *td_ind_swing_new(uint32_t n);
void td_ind_swing_free(td_ind_swing *s);
/* Add a bar; true when it confirms a swing high or low (2N bars needed first). */
bool td_ind_swing_update(td_ind_swing *s, double high, double low, td_ind_swing_out *out);

/*
 * Fibonacci retracements of the last confirmed N-bar swing leg: the leg runs
 * from the older of the last swing high and last swing low (start) to the
 * newer (end).  Level r is at end + (start - end) * r, so 0% is the end of
 * the leg and 100% its start (technicalindicators' fibonacciretracement).
 * When one bar is both a swing high and a swing low, the high counts first.
 */
#define TD_IND_FIB_LEVELS 7

/* The ratios 0, 0.236, 0.382, 0.5, 0.618, 0.786, 1 in that order. */
extern const double td_ind_fib_ratio[TD_IND_FIB_LEVELS];

typedef struct td_ind_fib td_ind_fib;

typedef struct td_ind_fib_out {
	double level[TD_IND_FIB_LEVELS]; /* prices at td_ind_fib_ratio; NaN until a leg exists */
	double start;                    /* price where the leg starts (100%) */
	double end;                      /* price where the leg ends (0%) */
} td_ind_fib_out;

/* n: the swing size; same limits as td_ind_swing_new. */
td_ind_fib *td_ind_fib_new(uint32_t n);
void td_ind_fib_free(td_ind_fib *f);
/* Add a bar; true once both a swing high and a swing low were confirmed. */
bool td_ind_fib_update(td_ind_fib *f, double high, double low, td_ind_fib_out *out);

/* ---- Pivot points -------------------------------------------------------- */

typedef enum td_ind_pivot_kind {
	TD_IND_PIVOT_STANDARD,   /* floor pivots */
	TD_IND_PIVOT_FIBONACCI,
	TD_IND_PIVOT_WOODIE,     /* with the prior close, not today's open */
	TD_IND_PIVOT_CAMARILLA,
} td_ind_pivot_kind;

/*
 * Pivot levels from one bar's high, low and close.  r[0] is R1.  Levels a
 * method does not have are NaN: standard and Fibonacci have 3 a side,
 * Woodie 2, Camarilla 4 (its pp is the standard (H + L + C) / 3).
 */
typedef struct td_ind_pivot_levels {
	double pp;
	double r[4];
	double s[4];
} td_ind_pivot_levels;

/* The levels of `kind` from a prior period's h, l, c. */
void td_ind_pivots_compute(td_ind_pivot_kind kind, double h, double l, double c,
			   td_ind_pivot_levels *out);

/* Incremental form: each bar gets the levels of the bar before it. */
typedef struct td_ind_pivots {
	td_ind_pivot_kind kind;
	double h, l, c;          /* the previous bar; NaN before the first */
} td_ind_pivots;

void td_ind_pivots_init(td_ind_pivots *p, td_ind_pivot_kind kind);
/* Add a bar; true (levels from the previous bar) from the second bar on. */
bool td_ind_pivots_update(td_ind_pivots *p, double high, double low, double close,
			  td_ind_pivot_levels *out);

/* ---- Specs: "ema:20,rsi:14,macd:12:26:9,..." ------------------------------ */

typedef enum td_ind_kind {
	TD_IND_SMA,        /* sma[:period=20] */
	TD_IND_EMA,        /* ema[:period=20] */
	TD_IND_RSI,        /* rsi[:period=14] */
	TD_IND_MACD,       /* macd[:fast=12[:slow=26[:signal=9]]] */
	TD_IND_BB,         /* bb[:period=20[:k=2]] */
	TD_IND_ATR,        /* atr[:period=14] */
	TD_IND_DONCHIAN,   /* donchian[:period=20] */
	TD_IND_ICHIMOKU,   /* ichimoku[:9[:26[:52[:displacement=kijun]]]] */
	TD_IND_PIVOTS,     /* pivots[:standard|fibonacci|woodie|camarilla] */
	TD_IND_FRACTAL,    /* fractal (Williams, 5 bars) */
	TD_IND_SWING,      /* swing[:n=5] */
	TD_IND_FIB,        /* fib[:n=5] retracements of the last n-bar swing */
} td_ind_kind;

/* One configured indicator. */
typedef struct td_ind_spec {
	td_ind_kind kind;
	uint32_t n[4];            /* integer parameters in spec order (unused: 0; k below is Bollinger's second) */
	double k;                 /* Bollinger width in standard deviations */
	td_ind_pivot_kind pivot;  /* pivot method */
} td_ind_spec;

/* Most indicators in one list, and longest column name with its NUL. */
#define TD_IND_LIST_MAX 32
#define TD_IND_COLNAME_MAX 48

typedef struct td_ind_list {
	size_t n;
	td_ind_spec item[TD_IND_LIST_MAX];
} td_ind_list;

/*
 * Parse a comma-separated spec into out.  Returns 0, or -1 with a message in
 * err naming the item and its 1-based position, e.g.
 * "indicator 3 'macd:12:x:9': bad parameter 'x': expected a positive integer".
 * Omitted parameters take the defaults listed in td_ind_kind.  Repeating an
 * indicator with the same parameters is an error (its columns would clash).
 */
int td_ind_parse(const char *spec, td_ind_list *out, char *err, size_t errlen);

/*
 * The output column names of the list in order (e.g. ema20, rsi14, macd,
 * macd_signal, macd_hist, bb_mid, bb_up, bb_low).  Writes at most max names
 * and returns how many there are in all (call with max 0 to count).
 */
size_t td_ind_columns(const td_ind_list *l, char (*names)[TD_IND_COLNAME_MAX], size_t max);

/* ---- A whole list at once -------------------------------------------------- */

/* The state of every indicator in a list. */
typedef struct td_ind_set td_ind_set;

/* The list is copied.  NULL when out of memory. */
td_ind_set *td_ind_set_new(const td_ind_list *l);
void td_ind_set_free(td_ind_set *s);
/* Number of values td_ind_set_update writes: td_ind_columns(list, NULL, 0). */
size_t td_ind_set_columns(const td_ind_set *s);
/*
 * Add a bar and write one value per column to out (NaN where not defined,
 * and for swing/fractal columns on bars that confirm nothing).  Returns -1,
 * changing nothing, when a price is not finite or high < low.
 */
int td_ind_set_update(td_ind_set *s, const td_ind_bar *bar, double *out);

#endif
