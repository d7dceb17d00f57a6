/*
 * Incremental indicators.  DESIGN:
 *
 * Windowed means and variances (SMA, Bollinger) keep a ring of the last
 * `period` inputs and update the mean and the sum of squared deviations
 * (Welford, sliding form) in O(1).  Rolling updates drift by a few ulps per
 * step, so every max(period, WINDOW_RESYNC) bars the two are recomputed from
 * the ring: O(1) amortised, and the drift stays that of a thousand steps
 * (~1e-13 relative) however long the series.  A window that turns nearly flat after
 * large moves would lose the variance to cancellation (its square root
 * magnifies the error: sd ~1e-8 off instead of 0), so the window also
 * recomputes when the variance falls below a millionth of the update
 * magnitudes summed since the last recompute; that keeps sd within about
 * 1e-10 relative and costs nothing in a market that stays flat.
 *
 * Rolling extremes (Donchian, Ichimoku, swings) use monotonic deques of
 * (bar index, value): a new value removes the entries it dominates from the
 * back, entries that left the window fall off the front, so the front is the
 * extreme.  Each entry is pushed and popped once: O(1) amortised, and a deque
 * never holds more than its window.  Equal values are kept, so the front is
 * the earliest bar holding the extreme, which is what the swing rule needs.
 */
#include "indicators.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- window: ring with running mean and squared deviations ---------------- */

/* Fewest bars between two recomputes of a window: keeps short windows cheap. */
#define WINDOW_RESYNC 1024u

struct window {
	double *buf;     /* the last n inputs (owned) */
	double mean;     /* mean of the inputs in buf */
	double m2;       /* sum of squared deviations from mean */
	double churn;    /* sum of |m2 updates| since the last recompute */
	double inv_n;    /* 1 / n */
	uint32_t n;      /* capacity */
	uint32_t pos;    /* next slot to write */
	uint32_t count;  /* inputs held, up to n */
	uint32_t since;  /* inputs since the last recompute */
	uint32_t every;  /* recompute after this many: max(n, WINDOW_RESYNC) */
};

static bool window_init(struct window *w, uint32_t n)
{
	memset(w, 0, sizeof(*w));
	if (n == 0 || n > TD_IND_MAX_PERIOD)
		return false;
	w->buf = calloc(n, sizeof(*w->buf));
	w->n = n;
	w->inv_n = 1.0 / n;
	w->every = n > WINDOW_RESYNC ? n : WINDOW_RESYNC;
	return w->buf != NULL;
}

/* Recompute mean and m2 from the full ring (two passes) to cancel drift. */
static void window_resync(struct window *w)
{
	double sum = 0, m2 = 0;
	for (uint32_t i = 0; i < w->n; i++)
		sum += w->buf[i];
	double mean = sum / w->n;
	for (uint32_t i = 0; i < w->n; i++)
		m2 += (w->buf[i] - mean) * (w->buf[i] - mean);
	w->mean = mean;
	w->m2 = m2;
	w->churn = 0;
	w->since = 0;
}

/* Add x, dropping the oldest input once the ring is full. */
static inline void window_add(struct window *w, double x)
{
	double dm2;
	if (w->count < w->n) {
		w->count++;
		double d = x - w->mean;
		w->mean += d / w->count;
		dm2 = d * (x - w->mean);
	} else {
		double old = w->buf[w->pos];
		double mean = w->mean + (x - old) * w->inv_n;
		dm2 = (x - old) * (x - mean + old - w->mean);
		w->mean = mean;
	}
	w->m2 += dm2;
	w->churn += fabs(dm2);
	w->buf[w->pos] = x;
	if (++w->pos == w->n)
		w->pos = 0;
	if (w->count == w->n && (++w->since >= w->every || w->m2 < w->churn * 1e-6))
		window_resync(w);
}

/* ---- mono: monotonic deque for rolling max or min ------------------------- */

struct mono_entry {
	uint64_t bar;
	double v;
};

struct mono {
	struct mono_entry *e; /* ring of cap entries (owned) */
	uint32_t cap;         /* the window, in bars */
	uint32_t head;        /* index of the front */
	uint32_t len;         /* entries held */
	bool max;             /* true: front is the max; false: the min */
};

static bool mono_init(struct mono *q, uint32_t window, bool max)
{
	q->e = calloc(window, sizeof(*q->e));
	q->cap = window;
	q->head = q->len = 0;
	q->max = max;
	return q->e != NULL;
}

static void mono_release(struct mono *q)
{
	free(q->e);
	q->e = NULL;
}

/* Ring index of the i-th entry from the front (i <= cap), without a division. */
static uint32_t mono_slot(const struct mono *q, uint32_t i)
{
	uint32_t at = q->head + i;
	return at >= q->cap ? at - q->cap : at;
}

/* Add bar's value; afterwards the front is the extreme of the last cap bars. */
static void mono_push(struct mono *q, uint64_t bar, double v)
{
	while (q->len && q->e[q->head].bar + q->cap <= bar) {
		q->head = q->head + 1 == q->cap ? 0 : q->head + 1;
		q->len--;
	}
	while (q->len && !(q->max ? q->e[mono_slot(q, q->len - 1)].v >= v
				  : q->e[mono_slot(q, q->len - 1)].v <= v))
		q->len--;
	q->e[mono_slot(q, q->len)] = (struct mono_entry){ bar, v };
	q->len++;
}

static const struct mono_entry *mono_front(const struct mono *q)
{
	return &q->e[q->head];
}

/* ---- SMA ------------------------------------------------------------------ */

struct td_ind_sma {
	struct window w;
};

td_ind_sma *td_ind_sma_new(uint32_t period)
{
	td_ind_sma *s = malloc(sizeof(*s));
	if (s && !window_init(&s->w, period)) {
		td_ind_sma_free(s);
		return NULL;
	}
	return s;
}

void td_ind_sma_free(td_ind_sma *s)
{
	if (!s)
		return;
	free(s->w.buf);
	free(s);
}

double td_ind_sma_update(td_ind_sma *s, double x)
{
	window_add(&s->w, x);
	return s->w.count == s->w.n ? s->w.mean : NAN;
}

/* ---- EMA ------------------------------------------------------------------ */

bool td_ind_ema_init(td_ind_ema *e, uint32_t period)
{
	*e = (td_ind_ema){ .value = NAN, .period = period };
	if (period == 0 || period > TD_IND_MAX_PERIOD)
		return false;
	e->alpha = 2.0 / (period + 1.0);
	e->keep = 1.0 - e->alpha;
	return true;
}

double td_ind_ema_update(td_ind_ema *e, double x)
{
	if (e->count == e->period) {
		/* keep * v + alpha * x: one multiply and one add on the carried chain */
		e->value = e->keep * e->value + e->alpha * x;
		return e->value;
	}
	e->seed_sum += x;
	if (++e->count == e->period)
		e->value = e->seed_sum / e->period;
	return e->value;
}

/* ---- RSI ------------------------------------------------------------------ */

bool td_ind_rsi_init(td_ind_rsi *r, uint32_t period)
{
	*r = (td_ind_rsi){ .prev = NAN, .avg_gain = NAN, .avg_loss = NAN, .value = NAN,
			   .period = period };
	if (period == 0 || period > TD_IND_MAX_PERIOD)
		return false;
	r->alpha = 1.0 / period;
	r->keep = 1.0 - r->alpha;
	return true;
}

/* 100 * gain / (gain + loss): Wilder's 100 - 100 / (1 + RS) without RS's division by 0. */
static double rsi_of(double gain, double loss)
{
	double sum = gain + loss;
	return sum > 0 ? 100.0 * gain / sum : 50.0;
}

double td_ind_rsi_update(td_ind_rsi *r, double close)
{
	double change = close - r->prev;
	if (isnan(change)) {   /* the first close: no change yet */
		r->prev = close;
		return r->value;
	}
	r->prev = close;
	double gain = change > 0 ? change : 0, loss = change < 0 ? -change : 0;
	if (r->count == r->period) {
		/* Wilder: (avg * (period - 1) + x) / period, without a division */
		r->avg_gain = r->keep * r->avg_gain + r->alpha * gain;
		r->avg_loss = r->keep * r->avg_loss + r->alpha * loss;
	} else {
		r->gain_sum += gain;
		r->loss_sum += loss;
		if (++r->count < r->period)
			return r->value;
		r->avg_gain = r->gain_sum / r->period;
		r->avg_loss = r->loss_sum / r->period;
	}
	r->value = rsi_of(r->avg_gain, r->avg_loss);
	return r->value;
}

/* ---- MACD ----------------------------------------------------------------- */

bool td_ind_macd_init(td_ind_macd *m, uint32_t fast, uint32_t slow, uint32_t signal)
{
	m->line = m->signal = m->hist = NAN;
	bool ok = td_ind_ema_init(&m->fast_ema, fast);
	ok = td_ind_ema_init(&m->slow_ema, slow) && ok;
	ok = td_ind_ema_init(&m->signal_ema, signal) && ok;
	return ok && fast < slow;
}

bool td_ind_macd_update(td_ind_macd *m, double close)
{
	double fast = td_ind_ema_update(&m->fast_ema, close);
	double slow = td_ind_ema_update(&m->slow_ema, close);
	if (isnan(slow))
		return false;
	m->line = fast - slow;
	m->signal = td_ind_ema_update(&m->signal_ema, m->line);
	m->hist = m->line - m->signal;
	return !isnan(m->signal);
}

/* ---- Bollinger ------------------------------------------------------------ */

struct td_ind_bb {
	struct window w;
	double k;        /* width in standard deviations */
};

td_ind_bb *td_ind_bb_new(uint32_t period, double k)
{
	if (!isfinite(k) || k < 0)
		return NULL;
	td_ind_bb *b = malloc(sizeof(*b));
	if (!b)
		return NULL;
	b->k = k;
	if (!window_init(&b->w, period)) {
		td_ind_bb_free(b);
		return NULL;
	}
	return b;
}

void td_ind_bb_free(td_ind_bb *b)
{
	if (!b)
		return;
	free(b->w.buf);
	free(b);
}

bool td_ind_bb_update(td_ind_bb *b, double close, td_ind_bands *out)
{
	window_add(&b->w, close);
	if (b->w.count < b->w.n) {
		*out = (td_ind_bands){ NAN, NAN, NAN, NAN };
		return false;
	}
	/* Rounding can leave m2 a hair below 0 for a constant window. */
	double sd = b->w.m2 > 0 ? sqrt(b->w.m2 * b->w.inv_n) : 0;
	*out = (td_ind_bands){ .mid = b->w.mean, .up = b->w.mean + b->k * sd,
			       .low = b->w.mean - b->k * sd, .sd = sd };
	return true;
}

/* ---- ATR ------------------------------------------------------------------ */

bool td_ind_atr_init(td_ind_atr *a, uint32_t period)
{
	*a = (td_ind_atr){ .prev_close = NAN, .tr = NAN, .value = NAN, .period = period };
	if (period == 0 || period > TD_IND_MAX_PERIOD)
		return false;
	a->alpha = 1.0 / period;
	a->keep = 1.0 - a->alpha;
	return true;
}

double td_ind_atr_update(td_ind_atr *a, double high, double low, double close)
{
	double pc = a->prev_close;
	a->prev_close = close;
	if (isnan(pc))
		return a->value;
	double tr = high - low;
	if (fabs(high - pc) > tr)
		tr = fabs(high - pc);
	if (fabs(low - pc) > tr)
		tr = fabs(low - pc);
	a->tr = tr;
	if (a->count == a->period) {
		a->value = a->keep * a->value + a->alpha * tr;
		return a->value;
	}
	a->seed_sum += tr;
	if (++a->count == a->period)
		a->value = a->seed_sum / a->period;
	return a->value;
}

/* ---- Donchian ------------------------------------------------------------- */

struct td_ind_donchian {
	struct mono hi;  /* highest high of the window */
	struct mono lo;  /* lowest low of the window */
	uint64_t bars;   /* bars seen */
};

td_ind_donchian *td_ind_donchian_new(uint32_t period)
{
	if (period == 0 || period > TD_IND_MAX_PERIOD)
		return NULL;
	td_ind_donchian *d = calloc(1, sizeof(*d));
	if (d && !(mono_init(&d->hi, period, true) && mono_init(&d->lo, period, false))) {
		td_ind_donchian_free(d);
		return NULL;
	}
	return d;
}

void td_ind_donchian_free(td_ind_donchian *d)
{
	if (!d)
		return;
	mono_release(&d->hi);
	mono_release(&d->lo);
	free(d);
}

bool td_ind_donchian_update(td_ind_donchian *d, double high, double low, td_ind_channel *out)
{
	uint64_t bar = d->bars++;
	mono_push(&d->hi, bar, high);
	mono_push(&d->lo, bar, low);
	if (d->bars < d->hi.cap) {
		*out = (td_ind_channel){ NAN, NAN, NAN };
		return false;
	}
	double up = mono_front(&d->hi)->v, lo = mono_front(&d->lo)->v;
	*out = (td_ind_channel){ .up = up, .mid = (up + lo) / 2, .low = lo };
	return true;
}

/* ---- Ichimoku ------------------------------------------------------------- */

/* Highest high and lowest low over one period. */
struct range {
	struct mono hi;
	struct mono lo;
};

struct td_ind_ichimoku {
	struct range tenkan, kijun, senkou;
	double *span_a;      /* ring of the last D spans A, oldest at pos (owned) */
	double *span_b;      /* same for span B (owned) */
	uint32_t disp;       /* D */
	uint32_t pos;        /* ring slot of the span computed D bars ago */
	uint64_t bars;       /* bars seen */
};

static bool range_init(struct range *r, uint32_t period)
{
	bool hi = mono_init(&r->hi, period, true);
	return mono_init(&r->lo, period, false) && hi;
}

static void range_release(struct range *r)
{
	mono_release(&r->hi);
	mono_release(&r->lo);
}

/* Add a bar; the midpoint of the range, NaN until `period` bars were seen. */
static double range_mid(struct range *r, uint64_t bar, double high, double low)
{
	mono_push(&r->hi, bar, high);
	mono_push(&r->lo, bar, low);
	if (bar + 1 < r->hi.cap)
		return NAN;
	return (mono_front(&r->hi)->v + mono_front(&r->lo)->v) / 2;
}

td_ind_ichimoku *td_ind_ichimoku_new(uint32_t tenkan, uint32_t kijun, uint32_t senkou_b,
				     uint32_t displacement)
{
	uint32_t p[4] = { tenkan, kijun, senkou_b, displacement };
	for (int i = 0; i < 4; i++)
		if (p[i] == 0 || p[i] > TD_IND_MAX_PERIOD)
			return NULL;
	td_ind_ichimoku *k = calloc(1, sizeof(*k));
	if (!k)
		return NULL;
	k->disp = displacement;
	k->span_a = malloc(displacement * sizeof(double));
	k->span_b = malloc(displacement * sizeof(double));
	bool ok = range_init(&k->tenkan, tenkan);
	ok = range_init(&k->kijun, kijun) && ok;
	ok = range_init(&k->senkou, senkou_b) && ok;
	if (!ok || !k->span_a || !k->span_b) {
		td_ind_ichimoku_free(k);
		return NULL;
	}
	for (uint32_t i = 0; i < displacement; i++)
		k->span_a[i] = k->span_b[i] = NAN;
	return k;
}

void td_ind_ichimoku_free(td_ind_ichimoku *k)
{
	if (!k)
		return;
	range_release(&k->tenkan);
	range_release(&k->kijun);
	range_release(&k->senkou);
	free(k->span_a);
	free(k->span_b);
	free(k);
}

bool td_ind_ichimoku_update(td_ind_ichimoku *k, double high, double low, double close,
			    td_ind_ichimoku_out *out)
{
	uint64_t bar = k->bars++;
	out->tenkan = range_mid(&k->tenkan, bar, high, low);
	out->kijun = range_mid(&k->kijun, bar, high, low);
	out->span_a = (out->tenkan + out->kijun) / 2;
	out->span_b = range_mid(&k->senkou, bar, high, low);
	out->chikou = close;
	/* The slot about to be overwritten holds the spans of bar - D. */
	out->cloud_a = k->span_a[k->pos];
	out->cloud_b = k->span_b[k->pos];
	k->span_a[k->pos] = out->span_a;
	k->span_b[k->pos] = out->span_b;
	k->pos = k->pos + 1 == k->disp ? 0 : k->pos + 1;
	return !isnan(out->span_a) && !isnan(out->span_b) && !isnan(out->cloud_a) &&
	       !isnan(out->cloud_b);
}

/* ---- Swings --------------------------------------------------------------- */

struct td_ind_swing {
	struct mono hi;  /* over the 2N+1 bars centred on the candidate */
	struct mono lo;
	uint32_t n;
	uint64_t bars;   /* bars seen */
};

td_ind_swing *td_ind_swing_new(uint32_t n)
{
	if (n == 0 || n > (TD_IND_MAX_PERIOD - 1) / 2)
		return NULL;
	td_ind_swing *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->n = n;
	bool ok = mono_init(&s->hi, 2 * n + 1, true);
	if (!(mono_init(&s->lo, 2 * n + 1, false) && ok)) {
		td_ind_swing_free(s);
		return NULL;
	}
	return s;
}

void td_ind_swing_free(td_ind_swing *s)
{
	if (!s)
		return;
	mono_release(&s->hi);
	mono_release(&s->lo);
	free(s);
}

/*
 * The candidate (the bar N back) is a swing high when it is the earliest bar
 * holding the window's highest high: strictly above the N before it, not
 * below the N after it.
 */
bool td_ind_swing_update(td_ind_swing *s, double high, double low, td_ind_swing_out *out)
{
	uint64_t bar = s->bars++;
	mono_push(&s->hi, bar, high);
	mono_push(&s->lo, bar, low);
	*out = (td_ind_swing_out){ .high = NAN, .low = NAN };
	if (bar < 2 * (uint64_t)s->n)
		return false;
	out->bar = bar - s->n;
	if (mono_front(&s->hi)->bar == out->bar)
		out->high = mono_front(&s->hi)->v;
	if (mono_front(&s->lo)->bar == out->bar)
		out->low = mono_front(&s->lo)->v;
	return !isnan(out->high) || !isnan(out->low);
}

/* ---- Fibonacci retracements ----------------------------------------------- */

const double td_ind_fib_ratio[TD_IND_FIB_LEVELS] = { 0, 0.236, 0.382, 0.5, 0.618, 0.786, 1 };

struct td_ind_fib {
	td_ind_swing *swing;  /* owned */
	double high, low;     /* last swing high and low; NaN until seen */
	bool high_newer;      /* the high came after the low: an up leg */
};

td_ind_fib *td_ind_fib_new(uint32_t n)
{
	td_ind_fib *f = malloc(sizeof(*f));
	if (!f)
		return NULL;
	*f = (td_ind_fib){ .swing = td_ind_swing_new(n), .high = NAN, .low = NAN };
	if (!f->swing) {
		free(f);
		return NULL;
	}
	return f;
}

void td_ind_fib_free(td_ind_fib *f)
{
	if (!f)
		return;
	td_ind_swing_free(f->swing);
	free(f);
}

bool td_ind_fib_update(td_ind_fib *f, double high, double low, td_ind_fib_out *out)
{
	td_ind_swing_out sw;
	td_ind_swing_update(f->swing, high, low, &sw);
	if (!isnan(sw.high)) {
		f->high = sw.high;
		f->high_newer = true;
	}
	if (!isnan(sw.low)) {   /* after the high: a bar that is both ends a down leg */
		f->low = sw.low;
		f->high_newer = false;
	}
	out->start = f->high_newer ? f->low : f->high;
	out->end = f->high_newer ? f->high : f->low;
	for (int i = 0; i < TD_IND_FIB_LEVELS; i++)
		out->level[i] = out->end + (out->start - out->end) * td_ind_fib_ratio[i];
	return !isnan(out->start) && !isnan(out->end);
}

/* ---- Pivot points ----------------------------------------------------------- */

void td_ind_pivots_compute(td_ind_pivot_kind kind, double h, double l, double c,
			   td_ind_pivot_levels *out)
{
	double range = h - l, pp = (h + l + c) / 3;
	*out = (td_ind_pivot_levels){ .pp = pp, .r = { NAN, NAN, NAN, NAN },
				      .s = { NAN, NAN, NAN, NAN } };
	switch (kind) {
	case TD_IND_PIVOT_STANDARD:
		out->r[0] = 2 * pp - l;
		out->s[0] = 2 * pp - h;
		out->r[1] = pp + range;
		out->s[1] = pp - range;
		out->r[2] = h + 2 * (pp - l);
		out->s[2] = l - 2 * (h - pp);
		break;
	case TD_IND_PIVOT_FIBONACCI:
		for (int i = 0; i < 3; i++) {
			static const double ratio[3] = { 0.382, 0.618, 1.0 };
			out->r[i] = pp + ratio[i] * range;
			out->s[i] = pp - ratio[i] * range;
		}
		break;
	case TD_IND_PIVOT_WOODIE:
		out->pp = pp = (h + l + 2 * c) / 4;
		out->r[0] = 2 * pp - l;
		out->s[0] = 2 * pp - h;
		out->r[1] = pp + range;
		out->s[1] = pp - range;
		break;
	case TD_IND_PIVOT_CAMARILLA:
		for (int i = 0; i < 4; i++) {
			static const double div[4] = { 12, 6, 4, 2 };
			out->r[i] = c + range * 1.1 / div[i];
			out->s[i] = c - range * 1.1 / div[i];
		}
		break;
	}
}

void td_ind_pivots_init(td_ind_pivots *p, td_ind_pivot_kind kind)
{
	*p = (td_ind_pivots){ .kind = kind, .h = NAN, .l = NAN, .c = NAN };
}

bool td_ind_pivots_update(td_ind_pivots *p, double high, double low, double close,
			  td_ind_pivot_levels *out)
{
	td_ind_pivots_compute(p->kind, p->h, p->l, p->c, out);
	p->h = high;
	p->l = low;
	p->c = close;
	return !isnan(out->pp);
}

/* ---- Spec parser ------------------------------------------------------------ */

/* How one parameter is written. */
enum param_type {
	PARAM_INT,      /* a period: 1..TD_IND_MAX_PERIOD */
	PARAM_WIDTH,    /* a positive decimal with at most 3 decimals */
	PARAM_PIVOT,    /* a pivot method name */
};

/* What the parser knows about each kind, indexed by td_ind_kind. */
static const struct kind_info {
	const char *name;
	unsigned nparams;               /* parameters it takes at most */
	enum param_type type[4];
	uint32_t def[4];                /* integer defaults (0: see parse_item) */
} kinds[] = {
	[TD_IND_SMA] = { "sma", 1, { PARAM_INT }, { 20 } },
	[TD_IND_EMA] = { "ema", 1, { PARAM_INT }, { 20 } },
	[TD_IND_RSI] = { "rsi", 1, { PARAM_INT }, { 14 } },
	[TD_IND_MACD] = { "macd", 3, { PARAM_INT, PARAM_INT, PARAM_INT }, { 12, 26, 9 } },
	[TD_IND_BB] = { "bb", 2, { PARAM_INT, PARAM_WIDTH }, { 20 } },
	[TD_IND_ATR] = { "atr", 1, { PARAM_INT }, { 14 } },
	[TD_IND_DONCHIAN] = { "donchian", 1, { PARAM_INT }, { 20 } },
	[TD_IND_ICHIMOKU] = { "ichimoku", 4, { PARAM_INT, PARAM_INT, PARAM_INT, PARAM_INT },
			      { 9, 26, 52, 0 } },
	[TD_IND_PIVOTS] = { "pivots", 1, { PARAM_PIVOT }, { 0 } },
	[TD_IND_FRACTAL] = { "fractal", 0, { PARAM_INT }, { 0 } },
	[TD_IND_SWING] = { "swing", 1, { PARAM_INT }, { 5 } },
	[TD_IND_FIB] = { "fib", 1, { PARAM_INT }, { 5 } },
};

#define NKINDS (sizeof(kinds) / sizeof(kinds[0]))
#define KNOWN "sma, ema, rsi, macd, bb, atr, donchian, ichimoku, pivots, fractal, swing, fib"

/* Pivot method names, indexed by td_ind_pivot_kind, and levels a side. */
static const struct {
	const char *name;
	int levels;
} pivot_kinds[] = {
	[TD_IND_PIVOT_STANDARD] = { "standard", 3 },
	[TD_IND_PIVOT_FIBONACCI] = { "fibonacci", 3 },
	[TD_IND_PIVOT_WOODIE] = { "woodie", 2 },
	[TD_IND_PIVOT_CAMARILLA] = { "camarilla", 4 },
};

#define ITEM_MAX 128   /* longest item we parse */
#define QUOTE_MAX 40   /* longest text we quote back in a message */

/* Copy s[0..len) for a message: control and non-ASCII bytes become '?'. */
static void quote(char *dst, size_t size, const char *s, size_t len)
{
	size_t n = 0;
	for (size_t i = 0; i < len && n + 4 < size; i++) {
		if (n == QUOTE_MAX) {
			memcpy(dst + n, "...", 3);
			n += 3;
			break;
		}
		unsigned char ch = (unsigned char)s[i];
		dst[n++] = ch >= 0x20 && ch < 0x7f ? (char)ch : '?';
	}
	dst[n] = '\0';
}

/* "indicator 3 'macd:12:x:9': " followed by the formatted rest, into err. */
__attribute__((format(printf, 6, 7)))
static int item_error(char *err, size_t errlen, size_t pos, const char *item, size_t len,
		      const char *fmt, ...)
{
	char q[QUOTE_MAX + 4], rest[160];
	va_list ap;
	quote(q, sizeof(q), item, len);
	va_start(ap, fmt);
	vsnprintf(rest, sizeof(rest), fmt, ap);
	va_end(ap);
	if (errlen)
		snprintf(err, errlen, "indicator %zu '%s': %s", pos, q, rest);
	return -1;
}

/* A period: decimal digits only, 1..TD_IND_MAX_PERIOD; -1 for not a number, -2 out of range. */
static int parse_period(const char *s, uint32_t *out)
{
	uint64_t v = 0;
	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (uint64_t)(*s - '0');
		if (v > TD_IND_MAX_PERIOD)
			return -2;
	}
	if (v == 0)
		return -2;
	*out = (uint32_t)v;
	return 0;
}

/* A positive decimal with at most 3 decimals and 6 integer digits; locale-free. */
static bool parse_width(const char *s, double *out)
{
	uint64_t milli = 0;
	int ints = 0, decs = -1;
	for (; *s; s++) {
		if (*s == '.' && decs < 0) {
			decs = 0;
		} else if (*s >= '0' && *s <= '9' && (decs < 0 ? ++ints <= 6 : ++decs <= 3)) {
			milli = milli * 10 + (uint64_t)(*s - '0');
		} else {
			return false;
		}
	}
	if (ints == 0 && decs <= 0)
		return false;
	for (int d = decs < 0 ? 0 : decs; d < 3; d++)
		milli *= 10;
	*out = (double)milli / 1000.0;
	return milli > 0;
}

/* Parse one parameter of type t into spec slot i. */
static int parse_param(td_ind_spec *sp, unsigned i, enum param_type t, const char *text,
		       char *msg, size_t msglen)
{
	char q[QUOTE_MAX + 4];
	quote(q, sizeof(q), text, strlen(text));
	switch (t) {
	case PARAM_INT: {
		int rc = parse_period(text, &sp->n[i]);
		if (rc == -1)
			snprintf(msg, msglen, "bad parameter '%s': expected a positive integer", q);
		else if (rc == -2)
			snprintf(msg, msglen, "bad parameter '%s': expected an integer from 1 to %u",
				 q, TD_IND_MAX_PERIOD);
		return rc;
	}
	case PARAM_WIDTH:
		if (parse_width(text, &sp->k))
			return 0;
		snprintf(msg, msglen, "bad parameter '%s': expected a positive number with at most 3 decimals", q);
		return -1;
	case PARAM_PIVOT:
		for (size_t k = 0; k < sizeof(pivot_kinds) / sizeof(pivot_kinds[0]); k++) {
			if (strcmp(text, pivot_kinds[k].name) == 0) {
				sp->pivot = (td_ind_pivot_kind)k;
				return 0;
			}
		}
		snprintf(msg, msglen, "bad parameter '%s': expected standard, fibonacci, woodie or camarilla", q);
		return -1;
	}
	return -1;
}

/* Checks that need all parameters; a message in msg when they fail. */
static int check_spec(const td_ind_spec *sp, char *msg, size_t msglen)
{
	if (sp->kind == TD_IND_MACD && sp->n[0] >= sp->n[1]) {
		snprintf(msg, msglen, "fast period %u must be less than slow period %u", sp->n[0], sp->n[1]);
		return -1;
	}
	if ((sp->kind == TD_IND_SWING || sp->kind == TD_IND_FIB) &&
	    sp->n[0] > (TD_IND_MAX_PERIOD - 1) / 2) {
		snprintf(msg, msglen, "swing size %u is above %u", sp->n[0], (TD_IND_MAX_PERIOD - 1) / 2);
		return -1;
	}
	return 0;
}

/* Split item (NUL-terminated, modified in place) at ':' and fill sp. */
static int parse_fields(char *item, td_ind_spec *sp, char *msg, size_t msglen)
{
	char *rest = strchr(item, ':');
	if (rest)
		*rest++ = '\0';
	size_t k = 0;
	while (k < NKINDS && strcmp(item, kinds[k].name) != 0)
		k++;
	if (k == NKINDS) {
		char q[QUOTE_MAX + 4];
		quote(q, sizeof(q), item, strlen(item));
		snprintf(msg, msglen, "unknown indicator '%s' (known: %s)", q, KNOWN);
		return -1;
	}
	const struct kind_info *ki = &kinds[k];
	*sp = (td_ind_spec){ .kind = (td_ind_kind)k, .k = 2.0, .pivot = TD_IND_PIVOT_STANDARD };
	memcpy(sp->n, ki->def, sizeof(sp->n));
	for (unsigned i = 0; rest; i++) {
		char *next = strchr(rest, ':');
		if (next)
			*next++ = '\0';
		if (i == ki->nparams) {
			snprintf(msg, msglen, "too many parameters: '%s' takes at most %u", ki->name, ki->nparams);
			return -1;
		}
		if (parse_param(sp, i, ki->type[i], rest, msg, msglen) != 0)
			return -1;
		rest = next;
	}
	if (sp->kind == TD_IND_ICHIMOKU && sp->n[3] == 0)
		sp->n[3] = sp->n[1];     /* displacement defaults to the kijun period */
	return check_spec(sp, msg, msglen);
}

static bool spec_equal(const td_ind_spec *a, const td_ind_spec *b)
{
	return a->kind == b->kind && memcmp(a->n, b->n, sizeof(a->n)) == 0 && a->k == b->k &&
	       a->pivot == b->pivot;
}

/* Parse item number pos, text s[0..len), and append it to out. */
static int parse_item(const char *s, size_t len, size_t pos, td_ind_list *out,
		      char *err, size_t errlen)
{
	while (len && (*s == ' ' || *s == '\t')) {
		s++;
		len--;
	}
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	if (len == 0)
		return item_error(err, errlen, pos, s, len, "empty item");
	if (len >= ITEM_MAX)
		return item_error(err, errlen, pos, s, len, "longer than %d characters", ITEM_MAX - 1);
	if (out->n == TD_IND_LIST_MAX)
		return item_error(err, errlen, pos, s, len, "more than %d indicators", TD_IND_LIST_MAX);
	char item[ITEM_MAX], msg[200];
	memcpy(item, s, len);
	item[len] = '\0';
	td_ind_spec *sp = &out->item[out->n];
	if (parse_fields(item, sp, msg, sizeof(msg)) != 0)
		return item_error(err, errlen, pos, s, len, "%s", msg);
	for (size_t i = 0; i < out->n; i++)
		if (spec_equal(&out->item[i], sp))
			return item_error(err, errlen, pos, s, len, "same as indicator %zu", i + 1);
	out->n++;
	return 0;
}

int td_ind_parse(const char *spec, td_ind_list *out, char *err, size_t errlen)
{
	out->n = 0;
	if (errlen)
		err[0] = '\0';
	size_t pos = 1;
	for (const char *s = spec;; pos++) {
		const char *comma = strchr(s, ',');
		size_t len = comma ? (size_t)(comma - s) : strlen(s);
		if (parse_item(s, len, pos, out, err, errlen) != 0)
			return -1;
		if (!comma)
			return 0;
		s = comma + 1;
	}
}

/* ---- Column names ------------------------------------------------------------ */

/* Parameters in the name: the first one for single-period kinds, all for the rest. */
static void column_prefix(const td_ind_spec *sp, char *buf, size_t size)
{
	const struct kind_info *ki = &kinds[sp->kind];
	bool defaults = memcmp(sp->n, ki->def, sizeof(sp->n)) == 0;
	switch (sp->kind) {
	case TD_IND_MACD:
		if (defaults)
			snprintf(buf, size, "macd");
		else
			snprintf(buf, size, "macd_%u_%u_%u", sp->n[0], sp->n[1], sp->n[2]);
		break;
	case TD_IND_BB: {
		/* k to 3 decimals without locale: 2.5 -> "2.5", 2 -> "2" */
		unsigned milli = (unsigned)llround(sp->k * 1000);
		char kbuf[24];
		int n = snprintf(kbuf, sizeof(kbuf), "%u.%03u", milli / 1000, milli % 1000);
		while (kbuf[n - 1] == '0')
			kbuf[--n] = '\0';
		if (kbuf[n - 1] == '.')
			kbuf[--n] = '\0';
		if (sp->n[0] == 20 && milli == 2000)
			snprintf(buf, size, "bb");
		else
			snprintf(buf, size, "bb_%u_%s", sp->n[0], kbuf);
		break;
	}
	case TD_IND_ICHIMOKU:
		if (sp->n[0] == 9 && sp->n[1] == 26 && sp->n[2] == 52 && sp->n[3] == 26)
			snprintf(buf, size, "ichimoku");
		else
			snprintf(buf, size, "ichimoku_%u_%u_%u_%u", sp->n[0], sp->n[1], sp->n[2], sp->n[3]);
		break;
	case TD_IND_PIVOTS:
		if (sp->pivot == TD_IND_PIVOT_STANDARD)
			snprintf(buf, size, "pivots");
		else
			snprintf(buf, size, "pivots_%s", pivot_kinds[sp->pivot].name);
		break;
	case TD_IND_FRACTAL:
		snprintf(buf, size, "fractal");
		break;
	default:
		snprintf(buf, size, "%s%u", ki->name, sp->n[0]);
		break;
	}
}

/* Append prefix + suffix as name number *at when it fits under max; always count it. */
static void add_column(char (*names)[TD_IND_COLNAME_MAX], size_t max, size_t *at,
		       const char *prefix, const char *suffix)
{
	if (*at < max)
		snprintf(names[*at], TD_IND_COLNAME_MAX, "%s%s", prefix, suffix);
	(*at)++;
}

/* Column suffixes of the multi-value kinds, in the order td_ind_set_update writes. */
static const char *const macd_cols[] = { "", "_signal", "_hist", NULL };
static const char *const bb_cols[] = { "_mid", "_up", "_low", NULL };
static const char *const donchian_cols[] = { "_up", "_mid", "_low", NULL };
static const char *const ichimoku_cols[] = { "_tenkan", "_kijun", "_span_a", "_span_b",
					      "_cloud_a", "_cloud_b", "_chikou", NULL };
static const char *const swing_cols[] = { "_high", "_low", NULL };
static const char *const fib_cols[] = { "_0", "_236", "_382", "_500", "_618", "_786", "_1000", NULL };
static const char *const pivot_cols[] = { "_pp", "_r1", "_r2", "_r3", "_r4", "_s1", "_s2", "_s3", "_s4" };
static const char *const single_col[] = { "", NULL };

static const char *const *kind_columns(td_ind_kind kind)
{
	switch (kind) {
	case TD_IND_MACD: return macd_cols;
	case TD_IND_BB: return bb_cols;
	case TD_IND_DONCHIAN: return donchian_cols;
	case TD_IND_ICHIMOKU: return ichimoku_cols;
	case TD_IND_FRACTAL:
	case TD_IND_SWING: return swing_cols;
	case TD_IND_FIB: return fib_cols;
	default: return single_col;
	}
}

size_t td_ind_columns(const td_ind_list *l, char (*names)[TD_IND_COLNAME_MAX], size_t max)
{
	size_t at = 0;
	for (size_t i = 0; i < l->n; i++) {
		const td_ind_spec *sp = &l->item[i];
		char prefix[TD_IND_COLNAME_MAX - 8];
		column_prefix(sp, prefix, sizeof(prefix));
		if (sp->kind == TD_IND_PIVOTS) {
			int side = pivot_kinds[sp->pivot].levels;
			add_column(names, max, &at, prefix, pivot_cols[0]);
			for (int r = 0; r < side; r++)
				add_column(names, max, &at, prefix, pivot_cols[1 + r]);
			for (int s = 0; s < side; s++)
				add_column(names, max, &at, prefix, pivot_cols[5 + s]);
			continue;
		}
		for (const char *const *c = kind_columns(sp->kind); *c; c++)
			add_column(names, max, &at, prefix, *c);
	}
	return at;
}

/* ---- A whole list ------------------------------------------------------------- */

/* One indicator's state, by kind. */
struct slot {
	td_ind_spec spec;
	union {
		td_ind_sma *sma;
		td_ind_ema ema;
		td_ind_rsi rsi;
		td_ind_macd macd;
		td_ind_bb *bb;
		td_ind_atr atr;
		td_ind_donchian *donchian;
		td_ind_ichimoku *ichimoku;
		td_ind_pivots pivots;
		td_ind_swing *swing;     /* swing and fractal */
		td_ind_fib *fib;
	} u;
};

struct td_ind_set {
	size_t n;           /* slots */
	size_t columns;     /* values per update */
	struct slot *slot;  /* owned */
};

/* Create slot s's state; false when out of memory or the spec is invalid. */
static bool slot_init(struct slot *s)
{
	const td_ind_spec *sp = &s->spec;
	switch (sp->kind) {
	case TD_IND_SMA: return (s->u.sma = td_ind_sma_new(sp->n[0])) != NULL;
	case TD_IND_EMA: return td_ind_ema_init(&s->u.ema, sp->n[0]);
	case TD_IND_RSI: return td_ind_rsi_init(&s->u.rsi, sp->n[0]);
	case TD_IND_MACD: return td_ind_macd_init(&s->u.macd, sp->n[0], sp->n[1], sp->n[2]);
	case TD_IND_BB: return (s->u.bb = td_ind_bb_new(sp->n[0], sp->k)) != NULL;
	case TD_IND_ATR: return td_ind_atr_init(&s->u.atr, sp->n[0]);
	case TD_IND_DONCHIAN: return (s->u.donchian = td_ind_donchian_new(sp->n[0])) != NULL;
	case TD_IND_ICHIMOKU:
		s->u.ichimoku = td_ind_ichimoku_new(sp->n[0], sp->n[1], sp->n[2], sp->n[3]);
		return s->u.ichimoku != NULL;
	case TD_IND_PIVOTS:
		td_ind_pivots_init(&s->u.pivots, sp->pivot);
		return true;
	case TD_IND_FRACTAL: return (s->u.swing = td_ind_swing_new(TD_IND_FRACTAL_N)) != NULL;
	case TD_IND_SWING: return (s->u.swing = td_ind_swing_new(sp->n[0])) != NULL;
	case TD_IND_FIB: return (s->u.fib = td_ind_fib_new(sp->n[0])) != NULL;
	}
	return false;
}

static void slot_release(struct slot *s)
{
	switch (s->spec.kind) {
	case TD_IND_SMA: td_ind_sma_free(s->u.sma); break;
	case TD_IND_BB: td_ind_bb_free(s->u.bb); break;
	case TD_IND_DONCHIAN: td_ind_donchian_free(s->u.donchian); break;
	case TD_IND_ICHIMOKU: td_ind_ichimoku_free(s->u.ichimoku); break;
	case TD_IND_FRACTAL:
	case TD_IND_SWING: td_ind_swing_free(s->u.swing); break;
	case TD_IND_FIB: td_ind_fib_free(s->u.fib); break;
	default: break;
	}
}

td_ind_set *td_ind_set_new(const td_ind_list *l)
{
	td_ind_set *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->slot = calloc(l->n ? l->n : 1, sizeof(*s->slot));
	if (!s->slot) {
		free(s);
		return NULL;
	}
	s->columns = td_ind_columns(l, NULL, 0);
	for (; s->n < l->n; s->n++) {
		s->slot[s->n].spec = l->item[s->n];
		if (!slot_init(&s->slot[s->n])) {
			slot_release(&s->slot[s->n]);
			td_ind_set_free(s);
			return NULL;
		}
	}
	return s;
}

void td_ind_set_free(td_ind_set *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++)
		slot_release(&s->slot[i]);
	free(s->slot);
	free(s);
}

size_t td_ind_set_columns(const td_ind_set *s)
{
	return s->columns;
}

/* Write the pivot columns that exist for the method: pp, R1..Rn, S1..Sn. */
static double *put_pivots(double *out, td_ind_pivot_kind kind, const td_ind_pivot_levels *lv)
{
	int side = pivot_kinds[kind].levels;
	*out++ = lv->pp;
	for (int i = 0; i < side; i++)
		*out++ = lv->r[i];
	for (int i = 0; i < side; i++)
		*out++ = lv->s[i];
	return out;
}

/* Update one slot with the bar and write its columns; returns the next column. */
static double *slot_update(struct slot *s, const td_ind_bar *b, double *out)
{
	switch (s->spec.kind) {
	case TD_IND_SMA: *out++ = td_ind_sma_update(s->u.sma, b->close); break;
	case TD_IND_EMA: *out++ = td_ind_ema_update(&s->u.ema, b->close); break;
	case TD_IND_RSI: *out++ = td_ind_rsi_update(&s->u.rsi, b->close); break;
	case TD_IND_ATR: *out++ = td_ind_atr_update(&s->u.atr, b->high, b->low, b->close); break;
	case TD_IND_MACD:
		td_ind_macd_update(&s->u.macd, b->close);
		*out++ = s->u.macd.line;
		*out++ = s->u.macd.signal;
		*out++ = s->u.macd.hist;
		break;
	case TD_IND_BB: {
		td_ind_bands v;
		td_ind_bb_update(s->u.bb, b->close, &v);
		*out++ = v.mid;
		*out++ = v.up;
		*out++ = v.low;
		break;
	}
	case TD_IND_DONCHIAN: {
		td_ind_channel v;
		td_ind_donchian_update(s->u.donchian, b->high, b->low, &v);
		*out++ = v.up;
		*out++ = v.mid;
		*out++ = v.low;
		break;
	}
	case TD_IND_ICHIMOKU: {
		td_ind_ichimoku_out v;
		td_ind_ichimoku_update(s->u.ichimoku, b->high, b->low, b->close, &v);
		double vals[7] = { v.tenkan, v.kijun, v.span_a, v.span_b, v.cloud_a, v.cloud_b, v.chikou };
		memcpy(out, vals, sizeof(vals));
		out += 7;
		break;
	}
	case TD_IND_PIVOTS: {
		td_ind_pivot_levels lv;
		td_ind_pivots_update(&s->u.pivots, b->high, b->low, b->close, &lv);
		out = put_pivots(out, s->spec.pivot, &lv);
		break;
	}
	case TD_IND_FRACTAL:
	case TD_IND_SWING: {
		td_ind_swing_out v;
		td_ind_swing_update(s->u.swing, b->high, b->low, &v);
		*out++ = v.high;
		*out++ = v.low;
		break;
	}
	case TD_IND_FIB: {
		td_ind_fib_out v;
		td_ind_fib_update(s->u.fib, b->high, b->low, &v);
		memcpy(out, v.level, sizeof(v.level));
		out += TD_IND_FIB_LEVELS;
		break;
	}
	}
	return out;
}

int td_ind_set_update(td_ind_set *s, const td_ind_bar *b, double *out)
{
	if (!isfinite(b->open) || !isfinite(b->high) || !isfinite(b->low) || !isfinite(b->close) ||
	    b->high < b->low)
		return -1;
	for (size_t i = 0; i < s->n; i++)
		out = slot_update(&s->slot[i], b, out);
	return 0;
}
