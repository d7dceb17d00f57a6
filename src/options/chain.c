/*
 * A computation runs in five steps, all over buffers sized at creation:
 *
 *   1. per contract: validate, flag missing inputs, and the per-contract
 *      figures (premium and OI change, build-up class, GEX, DEX, volume
 *      ratios and flags), in input order;
 *   2. sort the valid contracts by (expiry, strike, call before put) with a
 *      natural merge sort: O(n) when the feed already sends them in that
 *      order, O(n log n) otherwise; stable, so of two contracts with the same
 *      key the one given first is kept and the other counted as a duplicate;
 *   3. per expiry, a contiguous range of that order: the strikes as "lines"
 *      (a call and a put per strike), then PCR, max pain with running sums
 *      (O(strikes), not O(strikes^2)), walls, ATM IV, skew, move, straddle;
 *   4. the valid contracts again sorted by strike only (the per-expiry runs
 *      are merged, O(n log expiries)) and summed per strike for the GEX profile;
 *   5. the zero-gamma search: total GEX on a grid over spot * (1 -/+ range),
 *      then bisection in the sign change nearest the spot.  Each evaluation
 *      calls gamma_at once per contract with open interest, so this step
 *      costs (flip_steps + 1 + about log2(range * 2 / steps / tol)) * n calls.
 */
#include "chain.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CONTRACTS ((size_t)1 << 24)
#define MAX_EXPIRIES ((size_t)1 << 20)
#define TIE_REL 1e-12  /* max-pain payouts this close (relative) are equal */

/* A contract in the sort: its key and its index in the caller's array. */
typedef struct srow {
	double strike;
	int32_t expiry;
	int32_t right;
	uint32_t i;
} srow;

/* One listed strike of an expiry: its call and put (index, or -1 when not listed). */
typedef struct line {
	double K;
	int32_t c, p;
} line;

struct td_chain {
	size_t cap, cap_exp;
	srow *s0, *s1, *s2;     /* sort buffers, cap each (owned) */
	line *lines;            /* one expiry's strikes, cap (owned) */
	double *pay;            /* max-pain put payouts per strike, cap (owned) */
	uint32_t *use;          /* contracts in the zero-gamma search, cap (owned) */
	td_chain_row *rows;     /* per input contract, cap (owned) */
	td_chain_strike *strikes;  /* cap (owned) */
	td_chain_expiry *exp;   /* cap_exp (owned) */
	size_t n_rows, n_strikes, n_exp;
	td_chain_total tot;
	const char *err;        /* static string or NULL */
	double grid[TD_CHAIN_FLIP_STEPS_MAX + 1];
};

static const char *const why_names[TD_CHAIN_WHY_COUNT] = {
#define X_(name, text) text,
	TD_CHAIN_WHY_LIST(X_)
#undef X_
};

static const char *const stat_names[TD_CHAIN_STAT_COUNT] = {
#define X_(name, text) text,
	TD_CHAIN_STAT_LIST(X_)
#undef X_
};

/* The inputs each statistic needs: a contract missing one is left out of it and counted. */
static const uint32_t stat_needs[TD_CHAIN_STAT_COUNT] = {
	[TD_CHAIN_STAT_PCR_OI] = TD_CHAIN_WHY_OI,
	[TD_CHAIN_STAT_PCR_VOLUME] = TD_CHAIN_WHY_VOLUME,
	[TD_CHAIN_STAT_MAX_PAIN] = TD_CHAIN_WHY_OI,
	[TD_CHAIN_STAT_WALLS] = TD_CHAIN_WHY_OI,
	[TD_CHAIN_STAT_GEX] = TD_CHAIN_WHY_OI | TD_CHAIN_WHY_GAMMA,
	[TD_CHAIN_STAT_DEX] = TD_CHAIN_WHY_OI | TD_CHAIN_WHY_DELTA,
	[TD_CHAIN_STAT_FLIP] = 0,      /* chain-wide, counted by the search */
	[TD_CHAIN_STAT_ATM_IV] = TD_CHAIN_WHY_IV,
	[TD_CHAIN_STAT_SKEW] = TD_CHAIN_WHY_IV | TD_CHAIN_WHY_DELTA,
	[TD_CHAIN_STAT_MOVE] = TD_CHAIN_WHY_IV,
	[TD_CHAIN_STAT_STRADDLE] = 0,  /* only its two legs count */
	[TD_CHAIN_STAT_OI_CLASS] = TD_CHAIN_WHY_OI | TD_CHAIN_WHY_PREV_OI | TD_CHAIN_WHY_PRICE |
				   TD_CHAIN_WHY_PREV_CLOSE,
	[TD_CHAIN_STAT_UNUSUAL_VOI] = TD_CHAIN_WHY_VOLUME | TD_CHAIN_WHY_OI,
	[TD_CHAIN_STAT_UNUSUAL_HIST] = TD_CHAIN_WHY_VOLUME | TD_CHAIN_WHY_HISTORY,
};

static const char *const oi_class_names[TD_CHAIN_OI_COUNT] = {
	[TD_CHAIN_OI_LONG_BUILDUP] = "long build-up",
	[TD_CHAIN_OI_SHORT_BUILDUP] = "short build-up",
	[TD_CHAIN_OI_SHORT_COVERING] = "short covering",
	[TD_CHAIN_OI_LONG_UNWINDING] = "long unwinding",
	[TD_CHAIN_OI_UNCHANGED] = "unchanged",
	[TD_CHAIN_OI_MISSING] = "missing",
};

const char *td_chain_stat_name(td_chain_stat s)
{
	return (unsigned)s < TD_CHAIN_STAT_COUNT ? stat_names[s] : "?";
}

const char *td_chain_why_name(int bit)
{
	return bit >= 0 && bit < TD_CHAIN_WHY_COUNT ? why_names[bit] : "?";
}

const char *td_chain_oi_class_name(td_chain_oi_class k)
{
	return (unsigned)k < TD_CHAIN_OI_COUNT ? oi_class_names[k] : "?";
}

td_chain *td_chain_new(size_t max_contracts, size_t max_expiries)
{
	if (max_contracts == 0 || max_contracts > MAX_CONTRACTS || max_expiries == 0 || max_expiries > MAX_EXPIRIES)
		return NULL;
	td_chain *ch = calloc(1, sizeof(*ch));
	if (!ch)
		return NULL;
	size_t n = max_contracts;
	ch->cap = n;
	ch->cap_exp = max_expiries;
	ch->s0 = malloc(n * sizeof(*ch->s0));
	ch->s1 = malloc(n * sizeof(*ch->s1));
	ch->s2 = malloc(n * sizeof(*ch->s2));
	ch->lines = malloc(n * sizeof(*ch->lines));
	ch->pay = malloc(n * sizeof(*ch->pay));
	ch->use = malloc(n * sizeof(*ch->use));
	ch->rows = malloc(n * sizeof(*ch->rows));
	ch->strikes = malloc(n * sizeof(*ch->strikes));
	ch->exp = malloc(max_expiries * sizeof(*ch->exp));
	if (!ch->s0 || !ch->s1 || !ch->s2 || !ch->lines || !ch->pay || !ch->use || !ch->rows || !ch->strikes ||
	    !ch->exp) {
		td_chain_free(ch);
		return NULL;
	}
	return ch;
}

void td_chain_free(td_chain *ch)
{
	if (!ch)
		return;
	free(ch->s0);
	free(ch->s1);
	free(ch->s2);
	free(ch->lines);
	free(ch->pay);
	free(ch->use);
	free(ch->rows);
	free(ch->strikes);
	free(ch->exp);
	free(ch);
}

void td_chain_params_init(td_chain_params *p, double spot, double multiplier)
{
	*p = (td_chain_params){
		.spot = spot,
		.multiplier = multiplier,
		.walls = 3,
		.voi_above = 1.0,
		.hist_k = 3.0,
		.flip_range = 0.20,
		.flip_steps = 20,
		.flip_tol = 1e-4,
	};
}

const char *td_chain_error(const td_chain *ch)
{
	return ch->err;
}

const td_chain_total *td_chain_totals(const td_chain *ch)
{
	return &ch->tot;
}

const td_chain_expiry *td_chain_expiries(const td_chain *ch, size_t *n)
{
	*n = ch->n_exp;
	return ch->exp;
}

const td_chain_strike *td_chain_strikes(const td_chain *ch, size_t *n)
{
	*n = ch->n_strikes;
	return ch->strikes;
}

const td_chain_row *td_chain_rows(const td_chain *ch, size_t *n)
{
	*n = ch->n_rows;
	return ch->rows;
}

/* ---- per contract ---- */

/* A count or a price that may be zero: finite and >= 0. */
static bool nonneg(double x)
{
	return isfinite(x) && x >= 0;
}

/* A two-sided quote: 0 <= bid <= ask, ask > 0. */
static bool two_sided(const td_chain_contract *k)
{
	return nonneg(k->bid) && isfinite(k->ask) && k->ask > 0 && k->bid <= k->ask;
}

static double mid(const td_chain_contract *k)
{
	return two_sided(k) ? (k->bid + k->ask) / 2 : NAN;
}

static bool iv_ok(double iv)
{
	return isfinite(iv) && iv > 0;
}

static bool valid_contract(const td_chain_contract *k)
{
	return (k->right == TD_CALL || k->right == TD_PUT) && isfinite(k->strike) && k->strike > 0;
}

/* The build-up class from the premium and OI changes (reference 3.8). */
static td_chain_oi_class classify(double dp, double doi)
{
	if (dp == 0 || doi == 0)
		return TD_CHAIN_OI_UNCHANGED;
	if (doi > 0)
		return dp > 0 ? TD_CHAIN_OI_LONG_BUILDUP : TD_CHAIN_OI_SHORT_BUILDUP;
	return dp > 0 ? TD_CHAIN_OI_SHORT_COVERING : TD_CHAIN_OI_LONG_UNWINDING;
}

/* Fill one contract's row; everything here depends on that contract alone. */
static void row_fill(td_chain_row *r, const td_chain_contract *k, const td_chain_params *p)
{
	*r = (td_chain_row){ TD_CHAIN_OI_MISSING, NAN, NAN, NAN, NAN, NAN, NAN, 0, 0 };
	if (!valid_contract(k)) {
		r->why = TD_CHAIN_WHY_INVALID;
		return;
	}
	bool quote = two_sided(k), last = isfinite(k->last) && k->last > 0;
	uint32_t w = 0;
	w |= nonneg(k->oi) ? 0 : TD_CHAIN_WHY_OI;
	w |= nonneg(k->volume) ? 0 : TD_CHAIN_WHY_VOLUME;
	w |= nonneg(k->prev_oi) ? 0 : TD_CHAIN_WHY_PREV_OI;
	w |= nonneg(k->prev_close) ? 0 : TD_CHAIN_WHY_PREV_CLOSE;
	w |= nonneg(k->avg_volume) ? 0 : TD_CHAIN_WHY_HISTORY;
	w |= iv_ok(k->iv) ? 0 : TD_CHAIN_WHY_IV;
	w |= isfinite(k->delta) ? 0 : TD_CHAIN_WHY_DELTA;
	w |= isfinite(k->gamma) ? 0 : TD_CHAIN_WHY_GAMMA;
	w |= quote ? 0 : TD_CHAIN_WHY_QUOTE;
	w |= last || quote ? 0 : TD_CHAIN_WHY_PRICE;
	r->why = w;

	if (!(w & (TD_CHAIN_WHY_PRICE | TD_CHAIN_WHY_PREV_CLOSE))) {
		r->price_change = (last ? k->last : mid(k)) - k->prev_close;
		r->flags |= last ? 0 : TD_CHAIN_PRICE_MID;
	}
	if (!(w & (TD_CHAIN_WHY_OI | TD_CHAIN_WHY_PREV_OI)))
		r->oi_change = k->oi - k->prev_oi;
	if (!(w & stat_needs[TD_CHAIN_STAT_OI_CLASS]))
		r->oi_class = classify(r->price_change, r->oi_change);

	/* dealers long the calls and short the puts (reference 3.9) */
	double sign = k->right == TD_CALL ? 1.0 : -1.0;
	if (!(w & stat_needs[TD_CHAIN_STAT_GEX]))
		r->gex = sign * k->gamma * k->oi * p->multiplier * p->spot * p->spot * 0.01;
	if (!(w & stat_needs[TD_CHAIN_STAT_DEX]))
		r->dex = sign * k->delta * k->oi * p->multiplier;

	if (!(w & stat_needs[TD_CHAIN_STAT_UNUSUAL_VOI])) {
		r->voi = k->oi > 0 ? k->volume / k->oi : k->volume > 0 ? INFINITY : NAN;
		if (k->volume > 0 && k->volume > p->voi_above * k->oi)
			r->flags |= TD_CHAIN_UNUSUAL_VOI;
	}
	if (!(w & stat_needs[TD_CHAIN_STAT_UNUSUAL_HIST])) {
		r->vol_hist = k->avg_volume > 0 ? k->volume / k->avg_volume : k->volume > 0 ? INFINITY : NAN;
		if (k->volume > 0 && k->volume >= p->hist_k * k->avg_volume)
			r->flags |= TD_CHAIN_UNUSUAL_HIST;
	}
}

/* ---- sorting ---- */

/* By expiry, then strike, then call before put. */
static inline bool less_esr(const srow *a, const srow *b)
{
	if (a->expiry != b->expiry)
		return a->expiry < b->expiry;
	if (a->strike != b->strike)
		return a->strike < b->strike;
	return a->right > b->right;
}

static inline bool less_strike(const srow *a, const srow *b)
{
	return a->strike < b->strike;
}

/*
 * A stable natural merge sort of a[0..n) with b as scratch, named NAME and
 * ordered by LESS; returns the buffer holding the result.  Generated once per
 * order so that the comparison is inlined.  Runs already in order are found
 * and merged pairwise: O(n) for sorted input, O(n log runs) in general.
 * Of equal elements, the one from the left run is taken first (stable).
 */
#define TD_CHAIN_MSORT(NAME, LESS) \
	static srow *NAME(srow *a, srow *b, size_t n) \
	{ \
		for (;;) { \
			size_t i = 0, runs = 0; \
			while (i < n) { \
				size_t m = i + 1, e; \
				while (m < n && !LESS(&a[m], &a[m - 1])) \
					m++; \
				if (i == 0 && m >= n) \
					return a; /* one run: sorted */ \
				for (e = m < n ? m + 1 : m; e < n && !LESS(&a[e], &a[e - 1]); e++) \
					; \
				size_t x = i, y = m, k = i; \
				while (x < m && y < e) \
					b[k++] = LESS(&a[y], &a[x]) ? a[y++] : a[x++]; \
				while (x < m) \
					b[k++] = a[x++]; \
				while (y < e) \
					b[k++] = a[y++]; \
				runs++; \
				i = e; \
			} \
			srow *t = a; \
			a = b; \
			b = t; \
			if (runs <= 1) \
				return a; \
		} \
	}

TD_CHAIN_MSORT(msort_esr, less_esr)
TD_CHAIN_MSORT(msort_strike, less_strike)

/* ---- per expiry ---- */

/* Add a contract's inputs missing for each statistic to a gap table. */
static void gap_add(td_chain_gap *gap, uint32_t why)
{
	if (!why)
		return;
	for (int s = 0; s < TD_CHAIN_STAT_COUNT; s++)
		if (why & stat_needs[s]) {
			gap[s].n++;
			gap[s].why |= why & stat_needs[s];
		}
}

/* Insert (K, oi) into a wall list of at most cap entries, largest OI first, earlier (lower strike) first on ties. */
static int wall_add(td_chain_wall *w, int n, int cap, double K, double oi)
{
	if (!(oi > 0))
		return n;
	int at = n;
	while (at > 0 && oi > w[at - 1].oi)
		at--;
	if (at >= cap)
		return n;
	int last = n < cap ? n : cap - 1;
	memmove(&w[at + 1], &w[at], (size_t)(last - at) * sizeof(*w));
	w[at] = (td_chain_wall){ K, oi };
	return n < cap ? n + 1 : n;
}

/* A contract's usable OI, or 0 when missing (it is then counted in the gaps) or absent (-1). */
static double oi_of(const td_chain_contract *c, int32_t i)
{
	return i >= 0 && nonneg(c[i].oi) ? c[i].oi : 0;
}

/* A strike's IV: the mean of its call's and put's IVs, or the one that has one; NaN when neither. */
static double line_iv(const td_chain_contract *c, const line *l)
{
	double a = l->c >= 0 && iv_ok(c[l->c].iv) ? c[l->c].iv : NAN;
	double b = l->p >= 0 && iv_ok(c[l->p].iv) ? c[l->p].iv : NAN;
	if (isnan(a))
		return b;
	return isnan(b) ? a : (a + b) / 2;
}

/* Max pain over the L strikes (reference 3.7); NaN when no contract has open interest. */
static double max_pain(const td_chain_contract *c, const line *ln, size_t L, double *pay_put, double mult,
		       double *payout)
{
	/* put payout at strike j: sum over higher strikes of OI_put * (K - K_j), built from the top */
	double cum = 0, total = 0;
	pay_put[L - 1] = 0;
	for (size_t j = L - 1; j-- > 0;) {
		cum += oi_of(c, ln[j + 1].p);
		pay_put[j] = pay_put[j + 1] + (ln[j + 1].K - ln[j].K) * cum;
	}
	total = cum + oi_of(c, ln[0].p);
	/* call payout at strike j: sum over lower strikes of OI_call * (K_j - K), built from the bottom */
	double pay_call = 0, best = INFINITY, bestK = NAN;
	cum = 0;
	for (size_t j = 0; j < L; j++) {
		if (j > 0)
			pay_call += (ln[j].K - ln[j - 1].K) * cum;
		cum += oi_of(c, ln[j].c);
		double t = (pay_call + pay_put[j]) * mult;
		if (j == 0 || t < best - TIE_REL * best) {
			best = t;
			bestK = ln[j].K;
		}
	}
	total += cum;
	if (!(total > 0)) {
		*payout = NAN;
		return NAN;
	}
	*payout = best;
	return bestK;
}

/* IV interpolated linearly in delta at target over one side's contracts in strike order; NaN when not bracketed. */
static double iv_at_delta(const td_chain_contract *c, const line *ln, size_t L, bool calls, double target)
{
	bool have = false;
	double pd = 0, pv = 0;
	for (size_t j = 0; j < L; j++) {
		int32_t i = calls ? ln[j].c : ln[j].p;
		if (i < 0 || !iv_ok(c[i].iv) || !isfinite(c[i].delta))
			continue;
		double d = c[i].delta, v = c[i].iv;
		if (d == target)
			return v;
		if (have && (pd - target) * (d - target) < 0)
			return pv + (v - pv) * (target - pd) / (d - pd);
		have = true;
		pd = d;
		pv = v;
	}
	return NAN;
}

/* The tenor of an expiry, or NULL. */
static const td_chain_tenor *tenor_of(const td_chain_params *p, int32_t expiry)
{
	for (size_t i = 0; i < p->n_tenors; i++)
		if (p->tenors[i].expiry == expiry)
			return &p->tenors[i];
	return NULL;
}

/* A ratio of sums, NaN with the reason when the base is 0. */
static double ratio(double num, double den, td_chain_gap *g)
{
	if (den > 0)
		return num / den;
	g->why |= TD_CHAIN_WHY_ZERO_BASE;
	return NAN;
}

/* All statistics of one expiry from its m contracts r[0..m), sorted by strike, call first. */
static void expiry_stats(td_chain *ch, td_chain_expiry *e, const srow *r, size_t m, const td_chain_contract *c,
			 const td_chain_params *p)
{
	memset(e, 0, sizeof(*e));
	e->expiry = r[0].expiry;
	const td_chain_tenor *tn = tenor_of(p, e->expiry);
	e->T = tn && isfinite(tn->T) && tn->T > 0 ? tn->T : NAN;
	e->forward = tn && isfinite(tn->forward) && tn->forward > 0 ? tn->forward : p->spot;
	e->contracts = (uint32_t)m;

	line *ln = ch->lines;
	size_t L = 0;
	for (size_t j = 0; j < m; j++) {
		const srow *s = &r[j];
		const td_chain_contract *k = &c[s->i];
		const td_chain_row *row = &ch->rows[s->i];
		if (L == 0 || ln[L - 1].K != s->strike)
			ln[L++] = (line){ s->strike, -1, -1 };
		bool call = s->right == TD_CALL;
		if (call)
			ln[L - 1].c = (int32_t)s->i;
		else
			ln[L - 1].p = (int32_t)s->i;
		gap_add(e->gap, row->why);
		if (nonneg(k->oi))
			*(call ? &e->call_oi : &e->put_oi) += k->oi;
		if (nonneg(k->volume))
			*(call ? &e->call_volume : &e->put_volume) += k->volume;
		if (!isnan(row->gex)) {
			*(call ? &e->gex_call : &e->gex_put) += row->gex;
			e->gex += row->gex;
		}
		if (!isnan(row->dex))
			e->dex += row->dex;
		e->oi_class[row->oi_class]++;
	}
	e->strikes = (uint32_t)L;

	e->pcr_oi = ratio(e->put_oi, e->call_oi, &e->gap[TD_CHAIN_STAT_PCR_OI]);
	e->pcr_volume = ratio(e->put_volume, e->call_volume, &e->gap[TD_CHAIN_STAT_PCR_VOLUME]);

	e->max_pain = max_pain(c, ln, L, ch->pay, p->multiplier, &e->max_pain_payout);
	if (isnan(e->max_pain))
		e->gap[TD_CHAIN_STAT_MAX_PAIN].why |= TD_CHAIN_WHY_ZERO_BASE;

	for (size_t j = 0; j < L; j++) {
		e->n_support = wall_add(e->support, e->n_support, p->walls, ln[j].K, oi_of(c, ln[j].p));
		e->n_resistance = wall_add(e->resistance, e->n_resistance, p->walls, ln[j].K, oi_of(c, ln[j].c));
	}
	if (e->n_support == 0 || e->n_resistance == 0)
		e->gap[TD_CHAIN_STAT_WALLS].why |= TD_CHAIN_WHY_ZERO_BASE;

	/* ATM IV: between the nearest strikes at or below and at or above the forward that have an IV */
	double F = e->forward;
	const line *lo = NULL, *hi = NULL;
	for (size_t j = 0; j < L; j++) {
		if (isnan(line_iv(c, &ln[j])))
			continue;
		if (ln[j].K <= F)
			lo = &ln[j];
		if (ln[j].K >= F && !hi)
			hi = &ln[j];
	}
	e->atm_iv = e->atm_k_lo = e->atm_k_hi = NAN;
	if (lo && hi) {
		double vl = line_iv(c, lo), vh = line_iv(c, hi);
		e->atm_k_lo = lo->K;
		e->atm_k_hi = hi->K;
		e->atm_iv = lo == hi ? vl : vl + (vh - vl) * (F - lo->K) / (hi->K - lo->K);
	} else {
		e->gap[TD_CHAIN_STAT_ATM_IV].why |= TD_CHAIN_WHY_NO_BRACKET;
	}

	e->iv25_call = iv_at_delta(c, ln, L, true, 0.25);
	e->iv25_put = iv_at_delta(c, ln, L, false, -0.25);
	e->rr25 = e->iv25_call - e->iv25_put;
	e->bf25 = (e->iv25_call + e->iv25_put) / 2 - e->atm_iv;
	if (isnan(e->iv25_call) || isnan(e->iv25_put))
		e->gap[TD_CHAIN_STAT_SKEW].why |= TD_CHAIN_WHY_NO_BRACKET;
	if (isnan(e->atm_iv))  /* the butterfly needs the ATM IV too */
		e->gap[TD_CHAIN_STAT_SKEW].why |= e->gap[TD_CHAIN_STAT_ATM_IV].why;

	e->move = p->spot * e->atm_iv * sqrt(e->T);
	if (isnan(e->T))
		e->gap[TD_CHAIN_STAT_MOVE].why |= TD_CHAIN_WHY_T;
	if (isnan(e->atm_iv))
		e->gap[TD_CHAIN_STAT_MOVE].why |= e->gap[TD_CHAIN_STAT_ATM_IV].why;

	/* straddle at the listed strike nearest the forward that has both a call and a put */
	const line *at = NULL;
	for (size_t j = 0; j < L; j++)
		if (ln[j].c >= 0 && ln[j].p >= 0 && (!at || fabs(ln[j].K - F) < fabs(at->K - F)))
			at = &ln[j];
	e->straddle = e->straddle_strike = NAN;
	td_chain_gap *gs = &e->gap[TD_CHAIN_STAT_STRADDLE];
	if (at) {
		e->straddle_strike = at->K;
		e->straddle = mid(&c[at->c]) + mid(&c[at->p]);
		gs->n = !two_sided(&c[at->c]) + !two_sided(&c[at->p]);
		gs->why |= gs->n ? TD_CHAIN_WHY_QUOTE : 0;
	} else {
		gs->why |= TD_CHAIN_WHY_NO_BRACKET;
	}
}

/* ---- zero gamma ---- */

/* Total dealer GEX at hypothetical spot s over the nu contracts in ch->use. */
static double gex_at(td_chain *ch, const td_chain_contract *c, size_t nu, const td_chain_params *p, double s,
		     uint32_t *nan_max)
{
	double sum = 0;
	uint32_t nan = 0;
	for (size_t k = 0; k < nu; k++) {
		uint32_t i = ch->use[k];
		double g = p->gamma_at(p->gamma_ctx, i, s);
		if (!isfinite(g)) {
			nan++;
			continue;
		}
		sum += (c[i].right == TD_CALL ? g : -g) * c[i].oi;
	}
	ch->tot.flip.evals += nu;
	if (nan > *nan_max)
		*nan_max = nan;
	return sum * p->multiplier * s * s * 0.01;
}

static int sgn(double x)
{
	return (x > 0) - (x < 0);
}

/* The zero-gamma search over the nu contracts in ch->use; missing_oi of the valid contracts had no OI. */
static void flip_search(td_chain *ch, const td_chain_contract *c, size_t nu, uint32_t missing_oi,
			const td_chain_params *p)
{
	td_chain_flip *f = &ch->tot.flip;
	td_chain_gap *g = &ch->tot.gap[TD_CHAIN_STAT_FLIP];
	double S = p->spot;
	f->spot = f->gex_lo = f->gex_hi = NAN;
	f->lo = S * (1 - p->flip_range);
	f->hi = S * (1 + p->flip_range);
	g->n = missing_oi;
	g->why = missing_oi ? TD_CHAIN_WHY_OI : 0;
	if (!p->gamma_at) {
		g->why |= TD_CHAIN_WHY_NO_CALLBACK;
		return;
	}
	if (nu == 0) {
		g->why |= TD_CHAIN_WHY_ZERO_BASE;
		return;
	}
	uint32_t nan_max = 0;
	int steps = p->flip_steps;
	double *v = ch->grid, step = (f->hi - f->lo) / steps;
	bool any = false;
	for (int k = 0; k <= steps; k++) {
		v[k] = gex_at(ch, c, nu, p, k == steps ? f->hi : f->lo + step * k, &nan_max);
		any |= v[k] != 0;
	}
	f->gex_lo = v[0];
	f->gex_hi = v[steps];
	/* the sign change nearest the spot: an exact zero on the grid, or a bracket [k, k+1] */
	int best = -1;
	bool exact = false;
	double bestd = INFINITY;
	for (int k = 0; any && k <= steps; k++) {
		double sk = f->lo + step * k;
		if (v[k] == 0) {
			f->crossings++;
			if (fabs(sk - S) < bestd) {
				bestd = fabs(sk - S);
				best = k;
				exact = true;
			}
		} else if (k < steps && sgn(v[k]) * sgn(v[k + 1]) < 0) {
			f->crossings++;
			double d = fabs(sk + step / 2 - S);
			if (d < bestd) {
				bestd = d;
				best = k;
				exact = false;
			}
		}
	}
	if (best < 0) {
		g->why |= TD_CHAIN_WHY_NO_FLIP;
	} else if (exact) {
		f->spot = f->lo + step * best;
	} else {
		double a = f->lo + step * best, b = best + 1 == steps ? f->hi : a + step, ga = v[best];
		while (b - a > p->flip_tol * S) {
			double m = (a + b) / 2, gm = gex_at(ch, c, nu, p, m, &nan_max);
			if (gm == 0) {
				a = b = m;
				break;
			}
			if (sgn(gm) == sgn(ga)) {
				a = m;
				ga = gm;
			} else {
				b = m;
			}
		}
		f->spot = (a + b) / 2;
	}
	if (nan_max) {
		g->n += nan_max;
		g->why |= TD_CHAIN_WHY_GAMMA;
	}
}

/* ---- the whole chain ---- */

/* Why params or sizes are unusable, or NULL. */
static const char *check(const td_chain *ch, const td_chain_contract *c, size_t n, const td_chain_params *p)
{
	if (!p)
		return "no parameters";
	if (n > ch->cap)
		return "more contracts than the capacity";
	if (n > 0 && !c)
		return "no contracts array";
	if (!(isfinite(p->spot) && p->spot > 0))
		return "spot must be a positive number";
	if (!(isfinite(p->multiplier) && p->multiplier > 0))
		return "multiplier must be a positive number";
	if (p->n_tenors > 0 && !p->tenors)
		return "no tenors array";
	if (p->walls < 1 || p->walls > TD_CHAIN_WALLS)
		return "walls must be 1 to 5";
	if (!nonneg(p->voi_above))
		return "volume/OI threshold must be >= 0";
	if (!(isfinite(p->hist_k) && p->hist_k > 0))
		return "history multiple must be > 0";
	if (!(p->flip_range > 0 && p->flip_range < 1))
		return "zero-gamma range must be in (0, 1)";
	if (p->flip_steps < 1 || p->flip_steps > TD_CHAIN_FLIP_STEPS_MAX)
		return "zero-gamma steps must be 1 to 1000";
	if (!(isfinite(p->flip_tol) && p->flip_tol > 0))
		return "zero-gamma tolerance must be > 0";
	return NULL;
}

/* Forget the last results. */
static void reset(td_chain *ch)
{
	ch->n_rows = ch->n_strikes = ch->n_exp = 0;
	memset(&ch->tot, 0, sizeof(ch->tot));
}

/* Add an expiry's figures to the chain's. */
static void total_add(td_chain_total *t, const td_chain_expiry *e)
{
	t->call_oi += e->call_oi;
	t->put_oi += e->put_oi;
	t->call_volume += e->call_volume;
	t->put_volume += e->put_volume;
	t->gex += e->gex;
	t->gex_call += e->gex_call;
	t->gex_put += e->gex_put;
	t->dex += e->dex;
	for (int k = 0; k < TD_CHAIN_OI_COUNT; k++)
		t->oi_class[k] += e->oi_class[k];
	for (int s = 0; s < TD_CHAIN_STAT_COUNT; s++) {
		t->gap[s].n += e->gap[s].n;
		t->gap[s].why |= e->gap[s].why;
	}
}

/* Per-strike GEX and DEX over all expiries from the m valid contracts in r (sorted by strike in place). */
static void strike_stats(td_chain *ch, srow *r, srow *tmp, size_t m, const td_chain_contract *c)
{
	r = msort_strike(r, tmp, m);
	size_t ns = 0;
	for (size_t j = 0; j < m; j++) {
		if (ns == 0 || ch->strikes[ns - 1].strike != r[j].strike)
			ch->strikes[ns++] = (td_chain_strike){ .strike = r[j].strike };
		td_chain_strike *s = &ch->strikes[ns - 1];
		const td_chain_row *row = &ch->rows[r[j].i];
		bool call = r[j].right == TD_CALL;
		if (nonneg(c[r[j].i].oi))
			*(call ? &s->call_oi : &s->put_oi) += c[r[j].i].oi;
		if (!isnan(row->gex)) {
			*(call ? &s->gex_call : &s->gex_put) += row->gex;
			s->gex += row->gex;
		}
		if (!isnan(row->dex))
			s->dex += row->dex;
		s->missing += isnan(row->gex) || isnan(row->dex);
	}
	ch->n_strikes = ns;
}

int td_chain_stats(td_chain *ch, const td_chain_contract *c, size_t n, const td_chain_params *p)
{
	reset(ch);
	ch->err = check(ch, c, n, p);
	if (ch->err)
		return -1;
	td_chain_total *t = &ch->tot;
	t->contracts = (uint32_t)n;

	/* 1. per contract, and the valid ones into the sort */
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		row_fill(&ch->rows[i], &c[i], p);
		if (ch->rows[i].why & TD_CHAIN_WHY_INVALID) {
			t->rejected++;
			continue;
		}
		ch->s0[m++] = (srow){ c[i].strike, c[i].expiry, c[i].right, (uint32_t)i };
	}
	ch->n_rows = n;

	/* 2. by expiry, strike, right; drop later duplicates */
	srow *r = msort_esr(ch->s0, ch->s1, m);
	srow *spare = r == ch->s0 ? ch->s1 : ch->s0;
	size_t u = 0;
	for (size_t j = 0; j < m; j++) {
		if (u > 0 && !less_esr(&r[u - 1], &r[j])) {
			ch->rows[r[j].i].why |= TD_CHAIN_WHY_DUPLICATE;
			t->duplicates++;
			continue;
		}
		r[u++] = r[j];
	}
	t->used = (uint32_t)u;

	/* 3. per expiry */
	size_t ne = 0;
	for (size_t a = 0, b; a < u; a = b) {
		for (b = a + 1; b < u && r[b].expiry == r[a].expiry; b++)
			;
		if (ne == ch->cap_exp) {
			reset(ch);
			ch->err = "more expiries than the capacity";
			return -1;
		}
		expiry_stats(ch, &ch->exp[ne], r + a, b - a, c, p);
		total_add(t, &ch->exp[ne]);
		ne++;
	}
	ch->n_exp = ne;
	t->gap[TD_CHAIN_STAT_PCR_OI].why &= ~TD_CHAIN_WHY_ZERO_BASE;
	t->gap[TD_CHAIN_STAT_PCR_VOLUME].why &= ~TD_CHAIN_WHY_ZERO_BASE;
	t->pcr_oi = ratio(t->put_oi, t->call_oi, &t->gap[TD_CHAIN_STAT_PCR_OI]);
	t->pcr_volume = ratio(t->put_volume, t->call_volume, &t->gap[TD_CHAIN_STAT_PCR_VOLUME]);

	/* unusual-activity counts, and the contracts of the zero-gamma search */
	size_t nu = 0;
	uint32_t missing_oi = 0;
	for (size_t j = 0; j < u; j++) {
		uint32_t i = r[j].i;
		t->unusual_voi += !!(ch->rows[i].flags & TD_CHAIN_UNUSUAL_VOI);
		t->unusual_hist += !!(ch->rows[i].flags & TD_CHAIN_UNUSUAL_HIST);
		if (!nonneg(c[i].oi))
			missing_oi++;
		else if (c[i].oi > 0)
			ch->use[nu++] = i;
	}

	/* 4. per strike */
	memcpy(ch->s2, r, u * sizeof(*r));
	strike_stats(ch, ch->s2, spare, u, c);

	/* 5. zero gamma */
	flip_search(ch, c, nu, missing_oi, p);
	return 0;
}
