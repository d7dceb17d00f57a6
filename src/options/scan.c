/*
 * A scan runs in four steps, all over buffers sized at creation:
 *
 *   1. per contract: the reasons it cannot take part (none = usable) and
 *      its liquidity score, in input order;
 *   2. the valid contracts sorted by (expiry, put before call, strike) with
 *      a stable bottom-up merge sort; of two with the same key the one given
 *      first is kept and the other marked a duplicate.  Each expiry is then
 *      a put run and a call run, each ascending in strike: the "listed
 *      strikes" that wings and verticals step through;
 *   3. per expiry, the usable calls sorted by |delta| (for strangle pairing
 *      by binary search), then one candidate per strategy and usable anchor
 *      leg, checked against the filters in the order of TD_SCAN_FILTER_LIST;
 *      the cheap checks come first, so the payoff, POP and Greeks are worked
 *      out only for candidates that passed the leg filters;
 *   4. the survivors go through a bounded heap holding the best top N (the
 *      worst on top), which is finally emptied into best-first order.
 *
 * The ranking order is total (see cmp_rank), so the picks do not depend on
 * the order of the input.
 */
#include "scan.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CAP ((size_t)1 << 24)
#define DAYS_PER_YEAR 365.0

/* Liquidity weights (doc/scanner.md): spread, volume, OI. */
#define LIQ_W_SPREAD 0.50
#define LIQ_W_VOLUME 0.25
#define LIQ_W_OI 0.25

/* A valid contract in the sort: its key and its index in the caller's array. */
typedef struct srow {
	double strike;
	int32_t expiry;
	int32_t right;
	uint32_t i;
} srow;

/* A usable call of one expiry by |delta|: pos is its place in the sorted srow array. */
typedef struct drow {
	double ad;
	double strike;
	uint32_t pos;
} drow;

struct td_scan {
	size_t cap, cap_picks;
	srow *s0, *s1;          /* sort buffers, cap each (owned) */
	drow *d0, *d1;          /* one expiry's calls by |delta|, cap each (owned) */
	uint32_t *why;          /* per input contract, cap (owned) */
	double *liq;            /* per input contract, cap (owned) */
	td_scan_skip *skips;    /* cap (owned) */
	td_scan_pick *slot;     /* heap storage, cap_picks (owned) */
	uint32_t *heap;         /* slot numbers, worst pick on top, cap_picks (owned) */
	td_scan_pick *out;      /* best first, cap_picks (owned) */
	size_t n_skips, n_heap, n_out, top;
	td_scan_total tot;
	const char *err;        /* static string or NULL */
};

/* ---- names ---- */

static const char *const strategy_names[] = {
#define X_(name, key, text) text,
	TD_SCAN_STRATEGY_LIST(X_)
#undef X_
};
static const char *const strategy_keys[] = {
#define X_(name, key, text) key,
	TD_SCAN_STRATEGY_LIST(X_)
#undef X_
};
static const char *const rank_names[] = {
#define X_(name, key, text) text,
	TD_SCAN_RANK_LIST(X_)
#undef X_
};
static const char *const rank_keys[] = {
#define X_(name, key, text) key,
	TD_SCAN_RANK_LIST(X_)
#undef X_
};
static const char *const why_names[] = {
#define X_(name, key, text) text,
	TD_SCAN_WHY_LIST(X_)
#undef X_
};
static const char *const why_keys[] = {
#define X_(name, key, text) key,
	TD_SCAN_WHY_LIST(X_)
#undef X_
};
static const char *const filter_names[] = {
#define X_(name, key, text) text,
	TD_SCAN_FILTER_LIST(X_)
#undef X_
};
static const char *const filter_keys[] = {
#define X_(name, key, text) key,
	TD_SCAN_FILTER_LIST(X_)
#undef X_
};
static const char *const ivr_names[TD_SCAN_IVR_COUNT] = {
	[TD_SCAN_IVR_OFF] = "not filtered",
	[TD_SCAN_IVR_PASS] = "within bounds",
	[TD_SCAN_IVR_FAIL] = "outside bounds",
	[TD_SCAN_IVR_UNKNOWN] = "unknown",
};

static const char *name_of(const char *const *names, int count, int i)
{
	return i >= 0 && i < count ? names[i] : "?";
}

const char *td_scan_strategy_name(td_scan_strategy s)
{
	return name_of(strategy_names, TD_SCAN_STRATEGY_COUNT, (int)s);
}

const char *td_scan_strategy_key(td_scan_strategy s)
{
	return name_of(strategy_keys, TD_SCAN_STRATEGY_COUNT, (int)s);
}

const char *td_scan_rank_name(td_scan_rank r)
{
	return name_of(rank_names, TD_SCAN_RANK_COUNT, (int)r);
}

const char *td_scan_rank_key(td_scan_rank r)
{
	return name_of(rank_keys, TD_SCAN_RANK_COUNT, (int)r);
}

const char *td_scan_why_name(int bit)
{
	return name_of(why_names, TD_SCAN_WHY_COUNT, bit);
}

const char *td_scan_why_key(int bit)
{
	return name_of(why_keys, TD_SCAN_WHY_COUNT, bit);
}

const char *td_scan_filter_name(td_scan_filter f)
{
	return name_of(filter_names, TD_SCAN_FILTER_COUNT, (int)f);
}

const char *td_scan_filter_key(td_scan_filter f)
{
	return name_of(filter_keys, TD_SCAN_FILTER_COUNT, (int)f);
}

const char *td_scan_ivr_name(td_scan_ivr s)
{
	return name_of(ivr_names, TD_SCAN_IVR_COUNT, (int)s);
}

/* ---- lifetime and accessors ---- */

td_scan *td_scan_new(size_t max_contracts, size_t max_picks)
{
	if (max_contracts == 0 || max_contracts > MAX_CAP || max_picks == 0 || max_picks > MAX_CAP)
		return NULL;
	td_scan *sc = calloc(1, sizeof(*sc));
	if (!sc)
		return NULL;
	size_t n = max_contracts, k = max_picks;
	sc->cap = n;
	sc->cap_picks = k;
	sc->s0 = malloc(n * sizeof(*sc->s0));
	sc->s1 = malloc(n * sizeof(*sc->s1));
	sc->d0 = malloc(n * sizeof(*sc->d0));
	sc->d1 = malloc(n * sizeof(*sc->d1));
	sc->why = malloc(n * sizeof(*sc->why));
	sc->liq = malloc(n * sizeof(*sc->liq));
	sc->skips = malloc(n * sizeof(*sc->skips));
	sc->slot = malloc(k * sizeof(*sc->slot));
	sc->heap = malloc(k * sizeof(*sc->heap));
	sc->out = malloc(k * sizeof(*sc->out));
	if (!sc->s0 || !sc->s1 || !sc->d0 || !sc->d1 || !sc->why || !sc->liq || !sc->skips || !sc->slot ||
	    !sc->heap || !sc->out) {
		td_scan_free(sc);
		return NULL;
	}
	return sc;
}

void td_scan_free(td_scan *sc)
{
	if (!sc)
		return;
	free(sc->s0);
	free(sc->s1);
	free(sc->d0);
	free(sc->d1);
	free(sc->why);
	free(sc->liq);
	free(sc->skips);
	free(sc->slot);
	free(sc->heap);
	free(sc->out);
	free(sc);
}

void td_scan_params_init(td_scan_params *p, double spot, double multiplier)
{
	*p = (td_scan_params){
		.spot = spot,
		.multiplier = multiplier,
		.rate = 0,
		.strategies = TD_SCAN_ALL,
		.iv_rank = NAN,
		.iv_rank_min = NAN,
		.iv_rank_max = NAN,
		.iv_rank_strict = false,
		.dte_min = 1,
		.dte_max = 60,
		.short_delta_min = 0.10,
		.short_delta_max = 0.35,
		.long_delta_min = 0.40,
		.long_delta_max = 0.70,
		.straddle_delta_max = 0.10,
		.width_steps = 1,
		.liquidity_min = 25,
		.oi_min = 10,
		.liq_spread_zero = 0.20,
		.liq_volume_full = 500,
		.liq_oi_full = 5000,
		.naked_pct = 0.20,
		.naked_min_pct = 0.10,
		.rank = TD_SCAN_RANK_COMPOSITE,
		.w_pop = 0.4,
		.w_return = 0.4,
		.w_liquidity = 0.2,
		.return_half = 0.50,
		.top_n = 0,
	};
}

const char *td_scan_error(const td_scan *sc)
{
	return sc->err;
}

const td_scan_total *td_scan_totals(const td_scan *sc)
{
	return &sc->tot;
}

const td_scan_pick *td_scan_picks(const td_scan *sc, size_t *n)
{
	*n = sc->n_out;
	return sc->out;
}

const td_scan_skip *td_scan_skipped(const td_scan *sc, size_t *n)
{
	*n = sc->n_skips;
	return sc->skips;
}

/* ---- per contract ---- */

static bool nonneg(double x)
{
	return isfinite(x) && x >= 0;
}

static bool positive(double x)
{
	return isfinite(x) && x > 0;
}

static double clamp01(double x)
{
	return x < 0 ? 0 : x > 1 ? 1 : x;
}

static bool valid_contract(const td_scan_contract *k)
{
	return (k->right == TD_CALL || k->right == TD_PUT) && positive(k->strike);
}

/* Both sides present, and 0 <= bid <= ask, ask > 0. */
static bool quote_ok(const td_scan_contract *k)
{
	return nonneg(k->bid) && positive(k->ask) && k->bid <= k->ask;
}

/* Why a contract cannot take part: TD_SCAN_WHY_* bits other than DUPLICATE. */
static uint32_t contract_why(const td_scan_contract *k)
{
	if (!valid_contract(k))
		return TD_SCAN_WHY_INVALID;
	uint32_t w = 0;
	w |= positive(k->T) ? 0 : TD_SCAN_WHY_T;
	w |= isfinite(k->bid) ? 0 : TD_SCAN_WHY_BID;
	w |= isfinite(k->ask) ? 0 : TD_SCAN_WHY_ASK;
	if (isfinite(k->bid) && isfinite(k->ask) && !quote_ok(k))
		w |= TD_SCAN_WHY_QUOTE;
	w |= positive(k->iv) ? 0 : TD_SCAN_WHY_IV;
	w |= isfinite(k->delta) ? 0 : TD_SCAN_WHY_DELTA;
	w |= isfinite(k->theta) ? 0 : TD_SCAN_WHY_THETA;
	w |= isfinite(k->vega) ? 0 : TD_SCAN_WHY_VEGA;
	w |= nonneg(k->oi) ? 0 : TD_SCAN_WHY_OI;
	return w;
}

/* Sub-score of a count on a log scale: 0 at 0, 100 at full and above; log_full = ln(1 + full). */
static double count_score(double x, double log_full)
{
	return 100 * clamp01(log1p(x) / log_full);
}

/* td_scan_liquidity with the scales' logarithms given, so that a scan takes them once. */
static double liquidity(const td_scan_contract *k, const td_scan_params *p, double log_vol, double log_oi)
{
	if (!quote_ok(k) || !nonneg(k->oi))
		return NAN;
	double mid = (k->bid + k->ask) / 2, rel = (k->ask - k->bid) / mid;
	double s = 100 * clamp01(1 - rel / p->liq_spread_zero);
	double o = count_score(k->oi, log_oi);
	if (!nonneg(k->volume)) /* missing is not zero: the other two weigh alone */
		return (LIQ_W_SPREAD * s + LIQ_W_OI * o) / (LIQ_W_SPREAD + LIQ_W_OI);
	return LIQ_W_SPREAD * s + LIQ_W_VOLUME * count_score(k->volume, log_vol) + LIQ_W_OI * o;
}

double td_scan_liquidity(const td_scan_contract *k, const td_scan_params *p)
{
	return liquidity(k, p, log1p(p->liq_volume_full), log1p(p->liq_oi_full));
}

/* ---- sorting ---- */

/* By expiry, then put before call, then strike. */
static inline bool less_erk(const srow *a, const srow *b)
{
	if (a->expiry != b->expiry)
		return a->expiry < b->expiry;
	if (a->right != b->right)
		return a->right < b->right;
	return a->strike < b->strike;
}

/* By |delta|, then strike. */
static inline bool less_delta(const drow *a, const drow *b)
{
	if (a->ad != b->ad)
		return a->ad < b->ad;
	return a->strike < b->strike;
}

/*
 * A stable bottom-up merge sort of a[0..n) with b as scratch, named NAME for
 * the type T and ordered by LESS; returns the buffer holding the result.
 * Of equal elements the left one is taken first, hence stable.
 */
#define TD_SCAN_MSORT(NAME, T, LESS) \
	static T *NAME(T *a, T *b, size_t n) \
	{ \
		for (size_t w = 1; w < n; w *= 2) { \
			for (size_t lo = 0; lo < n; lo += 2 * w) { \
				size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n; \
				size_t x = lo, y = mid, k = lo; \
				while (x < mid && y < hi) \
					b[k++] = LESS(&a[y], &a[x]) ? a[y++] : a[x++]; \
				while (x < mid) \
					b[k++] = a[x++]; \
				while (y < hi) \
					b[k++] = a[y++]; \
			} \
			T *t = a; \
			a = b; \
			b = t; \
		} \
		return a; \
	}

TD_SCAN_MSORT(msort_erk, srow, less_erk)
TD_SCAN_MSORT(msort_delta, drow, less_delta)

/* ---- one expiry ---- */

/* What a candidate is scanned against: one expiry of the sorted contracts. */
typedef struct ctx {
	td_scan *sc;
	const td_scan_contract *c;
	const td_scan_params *p;
	const srow *r;          /* the valid contracts, sorted */
	size_t pa, pb, ca, cb;  /* this expiry's puts r[pa..pb) and calls r[ca..cb) */
	const drow *d;          /* its usable calls by |delta| */
	size_t nd;
} ctx;

/* A structure's option legs (positions in r) and shares per unit of underlying. */
typedef struct legset {
	size_t pos[TD_SCAN_LEGS_MAX];
	int qty[TD_SCAN_LEGS_MAX];
	int n;
	double sh;
} legset;

static const td_scan_contract *at(const ctx *x, size_t pos)
{
	return &x->c[x->r[pos].i];
}

static bool usable(const ctx *x, size_t pos)
{
	return x->sc->why[x->r[pos].i] == 0;
}

static void add_leg(legset *L, size_t pos, int qty)
{
	L->pos[L->n] = pos;
	L->qty[L->n] = qty;
	L->n++;
}

/* The listed contract `steps` places from pos within [lo, hi), if usable. */
static bool wing(const ctx *x, size_t pos, long steps, size_t lo, size_t hi, size_t *out)
{
	long q = (long)pos + steps;
	if (q < (long)lo || q >= (long)hi || !usable(x, (size_t)q))
		return false;
	*out = (size_t)q;
	return true;
}

/* First index of d[0..n) with |delta| >= v. */
static size_t lower_delta(const drow *d, size_t n, double v)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t m = lo + (hi - lo) / 2;
		if (d[m].ad < v)
			lo = m + 1;
		else
			hi = m;
	}
	return lo;
}

/*
 * The strangle's call for the put at pos: the usable call whose |delta| is
 * nearest the put's; equally near, the smaller |delta|; equal |delta|, the
 * lower strike.  It must be above the put's strike.
 */
static bool strangle_call(const ctx *x, size_t pos, size_t *out)
{
	double t = fabs(at(x, pos)->delta);
	if (x->nd == 0)
		return false;
	size_t b = lower_delta(x->d, x->nd, t), best;
	if (b == 0)
		best = 0;
	else {
		size_t a = lower_delta(x->d, b, x->d[b - 1].ad);
		best = b < x->nd && x->d[b].ad - t < t - x->d[a].ad ? b : a;
	}
	if (!(x->d[best].strike > x->r[pos].strike))
		return false;
	*out = x->d[best].pos;
	return true;
}

/* The straddle's call: the call listed at the put's strike, if usable. */
static bool straddle_call(const ctx *x, size_t pos, size_t *out)
{
	double K = x->r[pos].strike;
	size_t lo = x->ca, hi = x->cb;
	while (lo < hi) {
		size_t m = lo + (hi - lo) / 2;
		if (x->r[m].strike < K)
			lo = m + 1;
		else
			hi = m;
	}
	if (lo == x->cb || x->r[lo].strike != K || !usable(x, lo))
		return false;
	*out = lo;
	return true;
}

/* The legs of strategy s anchored at pos; false when a partner leg is not there or unusable. */
static bool form(const ctx *x, td_scan_strategy s, size_t a, legset *L)
{
	long w = x->p->width_steps;
	size_t b, cw;
	*L = (legset){ .n = 0 };
	switch (s) {
	case TD_SCAN_CSP:
		add_leg(L, a, -1);
		return true;
	case TD_SCAN_COVERED_CALL:
		add_leg(L, a, -1);
		L->sh = 1;
		return true;
	case TD_SCAN_STRANGLE:
	case TD_SCAN_STRADDLE:
		if (!(s == TD_SCAN_STRANGLE ? strangle_call(x, a, &b) : straddle_call(x, a, &b)))
			return false;
		add_leg(L, a, -1);
		add_leg(L, b, -1);
		return true;
	case TD_SCAN_IRON_CONDOR:
		if (!strangle_call(x, a, &b) || !wing(x, a, -w, x->pa, x->pb, &cw))
			return false;
		add_leg(L, cw, +1);
		add_leg(L, a, -1);
		add_leg(L, b, -1);
		if (!wing(x, b, w, x->ca, x->cb, &cw))
			return false;
		add_leg(L, cw, +1);
		return true;
	case TD_SCAN_BULL_PUT:
	case TD_SCAN_BEAR_PUT:
		if (!wing(x, a, -w, x->pa, x->pb, &b))
			return false;
		add_leg(L, a, s == TD_SCAN_BULL_PUT ? -1 : +1);
		add_leg(L, b, s == TD_SCAN_BULL_PUT ? +1 : -1);
		return true;
	case TD_SCAN_BEAR_CALL:
	case TD_SCAN_BULL_CALL:
		if (!wing(x, a, w, x->ca, x->cb, &b))
			return false;
		add_leg(L, a, s == TD_SCAN_BEAR_CALL ? -1 : +1);
		add_leg(L, b, s == TD_SCAN_BEAR_CALL ? +1 : -1);
		return true;
	case TD_SCAN_STRATEGY_COUNT:
		break;
	}
	return false;
}

static bool in_range(double v, double lo, double hi)
{
	return v >= lo && v <= hi;
}

/* Straddle: net delta; debit verticals: the bought leg; the rest: every sold leg. */
static bool delta_ok(const ctx *x, td_scan_strategy s, const legset *L)
{
	const td_scan_params *p = x->p;
	if (s == TD_SCAN_STRADDLE)
		return fabs(at(x, L->pos[0])->delta + at(x, L->pos[1])->delta) <= p->straddle_delta_max;
	bool debit = s == TD_SCAN_BULL_CALL || s == TD_SCAN_BEAR_PUT;
	for (int j = 0; j < L->n; j++) {
		double ad = fabs(at(x, L->pos[j])->delta);
		if (debit && L->qty[j] > 0 && !in_range(ad, p->long_delta_min, p->long_delta_max))
			return false;
		if (!debit && L->qty[j] < 0 && !in_range(ad, p->short_delta_min, p->short_delta_max))
			return false;
	}
	return true;
}

/* ---- economics of one structure ---- */

/* The legs, ascending in strike, put before call at one strike, with what the payoff needs. */
typedef struct leg {
	const td_scan_contract *k;
	uint32_t i;
	int qty;
} leg;

static int leg_order(const leg *a, const leg *b)
{
	if (a->k->strike != b->k->strike)
		return a->k->strike < b->k->strike ? -1 : 1;
	return (a->k->right > b->k->right) - (a->k->right < b->k->right);
}

static int legs_of(const ctx *x, const legset *L, leg *g)
{
	for (int j = 0; j < L->n; j++) {
		leg v = { at(x, L->pos[j]), x->r[L->pos[j]].i, L->qty[j] };
		int m = j;
		for (; m > 0 && leg_order(&v, &g[m - 1]) < 0; m--)
			g[m] = g[m - 1];
		g[m] = v;
	}
	return L->n;
}

/* Payoff at expiry per unit of underlying, for an underlying at s. */
static double payoff(const leg *g, int n, double sh, double credit, double s)
{
	double v = credit + sh * s;
	for (int j = 0; j < n; j++) {
		double intrinsic = g[j].k->right == TD_CALL ? s - g[j].k->strike : g[j].k->strike - s;
		v += g[j].qty * (intrinsic > 0 ? intrinsic : 0);
	}
	return v;
}

/*
 * IV at an underlying level s, from the legs as a smile: linear in strike
 * between the legs around s, flat beyond the outermost.  Where two legs share
 * the outer strike (a straddle), the put serves below and the call above.
 */
static double smile_iv(const leg *g, int n, double s)
{
	int j = 0;
	while (j < n && g[j].k->strike <= s)
		j++;
	if (j == 0)
		return g[0].k->iv;
	if (j == n)
		return g[n - 1].k->iv;
	const td_scan_contract *a = g[j - 1].k, *b = g[j].k;
	return a->iv + (b->iv - a->iv) * (s - a->strike) / (b->strike - a->strike);
}

/* Risk-neutral P(S_T > b) = N(d2) under a lognormal with drift r and volatility sigma. */
static double prob_above(double S, double b, double r, double sigma, double T)
{
	double sd = sigma * sqrt(T);
	double d2 = (log(S / b) + (r - sigma * sigma / 2) * T) / sd;
	return 0.5 * erfc(-d2 / M_SQRT2);
}

/* The payoff's knots (0 and the distinct strikes) and its values there; returns the count. */
static int knots(const leg *g, int n, double sh, double credit, double *xs, double *vs)
{
	int k = 0;
	xs[k] = 0;
	vs[k++] = payoff(g, n, sh, credit, 0);
	for (int j = 0; j < n; j++)
		if (g[j].k->strike != xs[k - 1]) {
			xs[k] = g[j].k->strike;
			vs[k] = payoff(g, n, sh, credit, xs[k]);
			k++;
		}
	return k;
}

/*
 * Max profit and loss, breakevens and POP from the payoff, which is linear
 * between knots and beyond the last one with slope sh + (calls' quantities).
 */
static void payoff_stats(const leg *g, int n, double sh, const td_scan_params *p, double T, td_scan_pick *pk)
{
	double xs[TD_SCAN_LEGS_MAX + 1], vs[TD_SCAN_LEGS_MAX + 1], roots[TD_SCAN_LEGS_MAX + 1];
	int k = knots(g, n, sh, pk->credit, xs, vs), nr = 0;
	double slope = sh, hi = vs[0], lo = vs[0];
	for (int j = 0; j < n; j++)
		slope += g[j].k->right == TD_CALL ? g[j].qty : 0;
	for (int j = 0; j < k; j++) {
		hi = vs[j] > hi ? vs[j] : hi;
		lo = vs[j] < lo ? vs[j] : lo;
		bool up = j + 1 < k ? vs[j + 1] > 0 : slope > 0 || (slope == 0 && vs[j] > 0);
		if ((vs[j] > 0) != up)
			roots[nr++] = j + 1 < k ? xs[j] - vs[j] * (xs[j + 1] - xs[j]) / (vs[j + 1] - vs[j])
						: xs[j] - vs[j] / slope;
	}
	pk->max_profit = slope > 0 ? INFINITY : hi;
	pk->max_loss = slope < 0 ? INFINITY : -lo;

	/* profit where the payoff is > 0: from 0 (if positive there) and between alternate roots */
	bool in = vs[0] > 0;
	double from = 1, pop = 0;
	pk->n_breakevens = 0;
	pk->breakeven[0] = pk->breakeven[1] = NAN;
	for (int j = 0; j < nr; j++) {
		double q = prob_above(p->spot, roots[j], p->rate, smile_iv(g, n, roots[j]), T);
		if (in)
			pop += from - q;
		from = q;
		in = !in;
		if (pk->n_breakevens < 2)
			pk->breakeven[pk->n_breakevens++] = roots[j];
	}
	pop += in ? from : 0;
	pk->pop = clamp01(pop);
}

/*
 * Margin proxy of naked short legs, per unit of underlying: the largest
 * requirement of one leg, max(naked_pct * S - OTM, naked_min_pct * (S for a
 * call, K for a put)), plus the premium of every sold leg.
 */
static double margin_proxy(const leg *g, int n, const td_scan_params *p)
{
	double base = 0, prem = 0, S = p->spot;
	for (int j = 0; j < n; j++) {
		if (g[j].qty > 0)
			continue;
		const td_scan_contract *k = g[j].k;
		bool call = k->right == TD_CALL;
		double otm = call ? k->strike - S : S - k->strike;
		double req = p->naked_pct * S - (otm > 0 ? otm : 0), floor = p->naked_min_pct * (call ? S : k->strike);
		req = req > floor ? req : floor;
		base = req > base ? req : base;
		prem += k->bid;
	}
	return base + prem;
}

/* Prices, position Greeks and liquidity of the legs. */
static void legs_stats(const ctx *x, const leg *g, int n, double sh, td_scan_pick *pk)
{
	double m = x->p->multiplier;
	pk->credit = pk->credit_mid = -sh * x->p->spot;
	pk->delta = sh;
	pk->gamma = pk->theta = pk->vega = 0;
	pk->liquidity = pk->oi = INFINITY;
	pk->n_legs = n;
	for (int j = 0; j < n; j++) {
		const td_scan_contract *k = g[j].k;
		pk->legs[j] = (td_scan_leg){ g[j].i, k->id, g[j].qty, k->right, k->strike };
		pk->credit -= g[j].qty * (g[j].qty < 0 ? k->bid : k->ask);
		pk->credit_mid -= g[j].qty * (k->bid + k->ask) / 2;
		pk->delta += g[j].qty * k->delta;
		pk->gamma += g[j].qty * k->gamma; /* NaN when a gamma is missing */
		pk->theta += g[j].qty * k->theta;
		pk->vega += g[j].qty * k->vega;
		double liq = x->sc->liq[g[j].i];
		pk->liquidity = liq < pk->liquidity ? liq : pk->liquidity;
		pk->oi = k->oi < pk->oi ? k->oi : pk->oi;
		pk->flags |= nonneg(k->volume) ? 0 : TD_SCAN_PICK_NO_VOLUME;
	}
	pk->delta *= m;
	pk->gamma *= m;
	pk->theta *= m;
	pk->vega *= m;
	pk->shares = sh * m;
	pk->theta_vega = pk->vega != 0 ? pk->theta / fabs(pk->vega) : NAN;
}

/* What the trade takes in or pays at the natural price; not positive = no trade. */
static bool price_ok(td_scan_strategy s, const leg *g, const td_scan_pick *pk)
{
	double premium = pk->credit;
	if (s == TD_SCAN_COVERED_CALL)
		premium = g[0].k->bid; /* the shares make every covered call a net debit */
	else if (s == TD_SCAN_BULL_CALL || s == TD_SCAN_BEAR_PUT)
		premium = -pk->credit;
	return premium > 0 && pk->max_profit > 0 && pk->max_loss > 0;
}

/* Risk, returns and the score ranked on. */
static void finish(const td_scan_params *p, const leg *g, int n, td_scan_pick *pk)
{
	double m = p->multiplier;
	pk->risk = pk->max_loss;
	if (isinf(pk->max_loss)) {
		pk->risk = margin_proxy(g, n, p);
		pk->flags |= TD_SCAN_PICK_RISK_PROXY;
	}
	pk->max_profit_money = pk->max_profit * m;
	pk->max_loss_money = pk->max_loss * m;
	pk->risk_money = pk->risk * m;
	pk->ret = pk->max_profit / pk->risk;
	pk->ret_annual = pk->ret * DAYS_PER_YEAR / pk->dte;
	switch (p->rank) {
	case TD_SCAN_RANK_RETURN:
		pk->score = pk->ret;
		break;
	case TD_SCAN_RANK_POP:
		pk->score = pk->pop;
		break;
	case TD_SCAN_RANK_THETA_VEGA:
		pk->score = pk->theta_vega;
		break;
	case TD_SCAN_RANK_COMPOSITE:
	default: {
		double ra = pk->ret_annual, w = p->w_pop + p->w_return + p->w_liquidity;
		pk->score = (p->w_pop * 100 * pk->pop + p->w_return * 100 * ra / (ra + p->return_half) +
			     p->w_liquidity * pk->liquidity) / w;
	}
	}
}

/* ---- ranking ---- */

/* < 0 when a ranks before b: higher score (NaN last), then strategy, expiry, leg strikes. */
static int cmp_rank(const td_scan_pick *a, const td_scan_pick *b)
{
	bool na = isnan(a->score), nb = isnan(b->score);
	if (na != nb)
		return na ? 1 : -1;
	if (!na && a->score != b->score)
		return a->score > b->score ? -1 : 1;
	if (a->strategy != b->strategy)
		return a->strategy < b->strategy ? -1 : 1;
	if (a->expiry != b->expiry)
		return a->expiry < b->expiry ? -1 : 1;
	for (int j = 0; j < a->n_legs && j < b->n_legs; j++)
		if (a->legs[j].strike != b->legs[j].strike)
			return a->legs[j].strike < b->legs[j].strike ? -1 : 1;
	return 0;
}

/* Heap of slot numbers with the pick ranking last on top. */
static bool heap_above(const td_scan *sc, size_t i, size_t j)
{
	return cmp_rank(&sc->slot[sc->heap[i]], &sc->slot[sc->heap[j]]) > 0;
}

static void heap_swap(td_scan *sc, size_t i, size_t j)
{
	uint32_t t = sc->heap[i];
	sc->heap[i] = sc->heap[j];
	sc->heap[j] = t;
}

static void sift_down(td_scan *sc, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, top = i;
		if (l < sc->n_heap && heap_above(sc, l, top))
			top = l;
		if (r < sc->n_heap && heap_above(sc, r, top))
			top = r;
		if (top == i)
			return;
		heap_swap(sc, i, top);
		i = top;
	}
}

static void sift_up(td_scan *sc, size_t i)
{
	while (i > 0 && heap_above(sc, i, (i - 1) / 2)) {
		heap_swap(sc, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
}

/* Keep pk if it is among the best top so far. */
static void offer(td_scan *sc, const td_scan_pick *pk)
{
	if (sc->n_heap < sc->top) {
		sc->slot[sc->n_heap] = *pk;
		sc->heap[sc->n_heap] = (uint32_t)sc->n_heap;
		sift_up(sc, sc->n_heap++);
	} else if (cmp_rank(pk, &sc->slot[sc->heap[0]]) < 0) {
		sc->slot[sc->heap[0]] = *pk;
		sift_down(sc, 0);
	}
}

/* Empty the heap into out, best first. */
static void drain(td_scan *sc)
{
	sc->n_out = sc->n_heap;
	while (sc->n_heap > 0) {
		sc->out[sc->n_heap - 1] = sc->slot[sc->heap[0]];
		sc->heap[0] = sc->heap[--sc->n_heap];
		sift_down(sc, 0);
	}
	sc->tot.picks = (uint32_t)sc->n_out;
}

/* ---- candidates ---- */

/* Build and check one candidate; the filter that dropped it, or TD_SCAN_FILTER_COUNT when kept. */
static td_scan_filter evaluate(const ctx *x, td_scan_strategy s, size_t a, td_scan_pick *pk)
{
	const td_scan_params *p = x->p;
	double T = at(x, a)->T, dte = T * DAYS_PER_YEAR;
	if (!in_range(dte, p->dte_min, p->dte_max))
		return TD_SCAN_FILTER_DTE;
	legset L;
	if (!form(x, s, a, &L))
		return TD_SCAN_FILTER_NO_LEG;
	if (!delta_ok(x, s, &L))
		return TD_SCAN_FILTER_DELTA;
	leg g[TD_SCAN_LEGS_MAX];
	int n = legs_of(x, &L, g);
	*pk = (td_scan_pick){ .strategy = s, .expiry = x->r[a].expiry, .T = T, .dte = dte };
	legs_stats(x, g, n, L.sh, pk);
	if (!(pk->oi >= p->oi_min))
		return TD_SCAN_FILTER_OI;
	if (!(pk->liquidity >= p->liquidity_min))
		return TD_SCAN_FILTER_LIQUIDITY;
	payoff_stats(g, n, L.sh, p, T, pk);
	if (!price_ok(s, g, pk))
		return TD_SCAN_FILTER_PRICE;
	td_scan_ivr ivr = x->sc->tot.ivr;
	if (ivr == TD_SCAN_IVR_FAIL || (ivr == TD_SCAN_IVR_UNKNOWN && p->iv_rank_strict))
		return TD_SCAN_FILTER_IV_RANK;
	pk->flags |= ivr == TD_SCAN_IVR_UNKNOWN ? TD_SCAN_PICK_RANK_UNKNOWN : 0;
	finish(p, g, n, pk);
	return TD_SCAN_FILTER_COUNT;
}

static bool put_anchored(td_scan_strategy s)
{
	return s != TD_SCAN_COVERED_CALL && s != TD_SCAN_BEAR_CALL && s != TD_SCAN_BULL_CALL;
}

/* Every candidate of one expiry: r[a..b), puts first. */
static void scan_expiry(td_scan *sc, const td_scan_contract *c, const srow *r, size_t a, size_t b,
			const td_scan_params *p)
{
	size_t m = a;
	while (m < b && r[m].right == TD_PUT)
		m++;
	size_t nd = 0;
	for (size_t j = m; j < b; j++)
		if (sc->why[r[j].i] == 0)
			sc->d0[nd++] = (drow){ fabs(c[r[j].i].delta), r[j].strike, (uint32_t)j };
	ctx x = { sc, c, p, r, a, m, m, b, msort_delta(sc->d0, sc->d1, nd), nd };
	td_scan_total *t = &sc->tot;
	td_scan_pick pk;
	for (int s = 0; s < TD_SCAN_STRATEGY_COUNT; s++) {
		if (!(p->strategies & TD_SCAN_BIT(s)))
			continue;
		size_t lo = put_anchored(s) ? a : m, hi = put_anchored(s) ? m : b;
		for (size_t j = lo; j < hi; j++) {
			if (!usable(&x, j))
				continue;
			t->candidates[s]++;
			td_scan_filter f = evaluate(&x, (td_scan_strategy)s, j, &pk);
			if (f != TD_SCAN_FILTER_COUNT) {
				t->filtered[s][f]++;
				continue;
			}
			t->kept[s]++;
			offer(sc, &pk);
		}
	}
}

/* ---- the whole scan ---- */

static bool bound_ok(double b)
{
	return isnan(b) || (b >= 0 && b <= 100);
}

static bool delta_range_ok(double lo, double hi)
{
	return lo >= 0 && hi >= lo && hi <= 1;
}

/* Why the parameters or sizes are unusable, or NULL. */
static const char *check(const td_scan *sc, const td_scan_contract *c, size_t n, const td_scan_params *p)
{
	if (!p)
		return "no parameters";
	if (n > sc->cap)
		return "more contracts than the capacity";
	if (n > 0 && !c)
		return "no contracts array";
	if (!positive(p->spot) || !positive(p->multiplier))
		return "spot and multiplier must be positive numbers";
	if (!isfinite(p->rate))
		return "rate must be a number";
	if (p->strategies == 0 || (p->strategies & ~TD_SCAN_ALL))
		return "strategies must be a non-empty set of TD_SCAN_BIT";
	if (!bound_ok(p->iv_rank) || !bound_ok(p->iv_rank_min) || !bound_ok(p->iv_rank_max) ||
	    p->iv_rank_min > p->iv_rank_max)
		return "IV rank and its bounds must be 0 to 100 or NaN, min <= max";
	if (!(p->dte_min >= 0 && p->dte_max >= p->dte_min))
		return "days to expiry: need 0 <= min <= max";
	if (!delta_range_ok(p->short_delta_min, p->short_delta_max) ||
	    !delta_range_ok(p->long_delta_min, p->long_delta_max) || !nonneg(p->straddle_delta_max))
		return "delta ranges: need 0 <= min <= max <= 1";
	if (p->width_steps < 1)
		return "width must be at least 1 strike step";
	if (!in_range(p->liquidity_min, 0, 100) || !nonneg(p->oi_min))
		return "liquidity minimum must be 0 to 100, OI minimum >= 0";
	if (!positive(p->liq_spread_zero) || !positive(p->liq_volume_full) || !positive(p->liq_oi_full))
		return "liquidity scales must be positive";
	if (!(p->naked_pct > 0 && p->naked_pct <= 1) || !in_range(p->naked_min_pct, 0, 1))
		return "margin proxy shares must be in (0, 1] and [0, 1]";
	if ((unsigned)p->rank >= TD_SCAN_RANK_COUNT)
		return "unknown ranking key";
	if (!nonneg(p->w_pop) || !nonneg(p->w_return) || !nonneg(p->w_liquidity) ||
	    !(p->w_pop + p->w_return + p->w_liquidity > 0) || !positive(p->return_half))
		return "composite weights must be >= 0 with a positive sum, return_half > 0";
	if (p->top_n > sc->cap_picks)
		return "top N exceeds the pick capacity";
	return NULL;
}

static td_scan_ivr ivr_state(const td_scan_params *p)
{
	if (isnan(p->iv_rank_min) && isnan(p->iv_rank_max))
		return TD_SCAN_IVR_OFF;
	if (isnan(p->iv_rank))
		return TD_SCAN_IVR_UNKNOWN;
	bool ok = (isnan(p->iv_rank_min) || p->iv_rank >= p->iv_rank_min) &&
		  (isnan(p->iv_rank_max) || p->iv_rank <= p->iv_rank_max);
	return ok ? TD_SCAN_IVR_PASS : TD_SCAN_IVR_FAIL;
}

static void reset(td_scan *sc)
{
	sc->n_skips = sc->n_heap = sc->n_out = 0;
	memset(&sc->tot, 0, sizeof(sc->tot));
}

/* Valid contracts sorted, later duplicates marked; returns the sorted array and its length in *u. */
static srow *sort_valid(td_scan *sc, const td_scan_contract *c, size_t n, size_t *u)
{
	size_t m = 0;
	for (size_t i = 0; i < n; i++)
		if (!(sc->why[i] & TD_SCAN_WHY_INVALID))
			sc->s0[m++] = (srow){ c[i].strike, c[i].expiry, c[i].right, (uint32_t)i };
	srow *r = msort_erk(sc->s0, sc->s1, m);
	size_t k = 0;
	for (size_t j = 0; j < m; j++) {
		if (k > 0 && !less_erk(&r[k - 1], &r[j])) {
			sc->why[r[j].i] |= TD_SCAN_WHY_DUPLICATE;
			continue;
		}
		r[k++] = r[j];
	}
	*u = k;
	return r;
}

/* The skipped list in input order, with the counts per reason. */
static void list_skips(td_scan *sc, const td_scan_contract *c, size_t n)
{
	td_scan_total *t = &sc->tot;
	for (size_t i = 0; i < n; i++) {
		uint32_t w = sc->why[i];
		if (w == 0) {
			t->usable++;
			t->no_volume += !nonneg(c[i].volume);
			continue;
		}
		sc->skips[sc->n_skips++] = (td_scan_skip){ (uint32_t)i, c[i].id, w };
		for (int b = 0; b < TD_SCAN_WHY_COUNT; b++)
			t->why[b] += (w >> b) & 1u;
	}
	t->skipped = (uint32_t)sc->n_skips;
}

int td_scan_run(td_scan *sc, const td_scan_contract *c, size_t n, const td_scan_params *p)
{
	reset(sc);
	sc->err = check(sc, c, n, p);
	if (sc->err)
		return -1;
	td_scan_total *t = &sc->tot;
	t->contracts = (uint32_t)n;
	t->ivr = ivr_state(p);
	sc->top = p->top_n ? p->top_n : sc->cap_picks;
	double log_vol = log1p(p->liq_volume_full), log_oi = log1p(p->liq_oi_full);
	for (size_t i = 0; i < n; i++) {
		sc->why[i] = contract_why(&c[i]);
		sc->liq[i] = sc->why[i] ? NAN : liquidity(&c[i], p, log_vol, log_oi);
	}
	size_t u;
	srow *r = sort_valid(sc, c, n, &u);
	for (size_t a = 0, b; a < u; a = b) {
		for (b = a + 1; b < u && r[b].expiry == r[a].expiry; b++)
			;
		t->expiries++;
		scan_expiry(sc, c, r, a, b, p);
	}
	list_skips(sc, c, n);
	for (int s = 0; s < TD_SCAN_STRATEGY_COUNT; s++) {
		t->candidates_all += t->candidates[s];
		t->kept_all += t->kept[s];
	}
	drain(sc);
	return 0;
}
