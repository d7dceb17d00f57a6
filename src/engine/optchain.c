/*
 * Option chains from the market state: see optchain.h.
 *
 * The contracts of each underlying are indexed once at creation (the
 * registry does not change while the feed runs) and kept sorted by expiry,
 * strike and right, which is the order the chain pane draws and the order
 * td_chain_stats is fastest with.  A computation reads each contract's
 * quote from the market, solves its implied volatility, prices its Greeks,
 * then hands the whole array to td_chain_stats; nothing is allocated then.
 */
#include "engine/optchain.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"
#include "options/american.h"
#include "options/bsm.h"
#include "options/iv.h"

#define DAYS_30 (30.0 / 365.0)
#define SQRT_2PI 2.50662827463100050242
/* recorded days behind a contract's mean volume */
#define VOLUME_DAYS 20
/* American implied vols to a ten-millionth of the mid: far below a tick, and a price or two fewer than 1e-10 */
#define AM_TOL 1e-7

/* One underlying's contracts and the buffers its computation fills. */
/* The European rows of one computation, in the arrays td_iv_many and td_bsm_greeks_many take. */
struct batch {
	td_opt *o;
	double *price, *sigma;
	int *rc;
	const char **why;
	td_greeks *g;
	size_t *row;   /* the row each entry prices */
};

struct chainset {
	uint32_t und;
	td_model model;
	double multiplier;
	size_t n, ntenors;
	td_optrow *rows;
	td_chain_contract *in;
	td_chain_tenor *tenors;
	td_chain *stats;
	struct batch work;
	td_chainview view;
	td_mono at;            /* wall time of the last computation */
	bool computed;
	const td_optchain *owner;  /* for the gamma callback */
};

struct td_optchain {
	int64_t today;         /* of the computation under way: the history's "before" */
	const td_registry *reg;
	const td_market *m;
	td_optchain_params p;
	struct chainset *sets;
	uint32_t *unds;
	size_t nsets;
};

const char *td_optchain_model_name(td_model m)
{
	switch (m) {
	case TD_MODEL_BSM: return "Black-Scholes";
	case TD_MODEL_BLACK76: return "Black-76";
	case TD_MODEL_AMERICAN: return "American (BS2002)";
	}
	return "?";
}

static struct chainset *set_of(const td_optchain *oc, uint32_t und)
{
	for (size_t i = 0; i < oc->nsets; i++)
		if (oc->sets[i].und == und)
			return &oc->sets[i];
	return NULL;
}

static int row_cmp(const void *a, const void *b)
{
	const td_optrow *x = a, *y = b;
	if (x->expiry != y->expiry)
		return x->expiry < y->expiry ? -1 : 1;
	if (x->strike != y->strike)
		return x->strike < y->strike ? -1 : 1;
	return (int)y->right - (int)x->right;   /* call (+1) before put (-1) */
}

/* The underlyings with options, each with its contract count in sets[i].n. */
static int find_underlyings(td_optchain *oc)
{
	size_t count = td_registry_count(oc->reg);
	oc->sets = calloc(count ? count : 1, sizeof(*oc->sets));
	oc->unds = calloc(count ? count : 1, sizeof(*oc->unds));
	if (!oc->sets || !oc->unds)
		return -1;
	for (uint32_t id = 0; id < count; id++) {
		const td_instrument *ins = td_registry_get(oc->reg, id);
		if (!ins || ins->kind != TD_INS_OPTION || !td_registry_get(oc->reg, ins->underlying))
			continue;
		struct chainset *s = set_of(oc, ins->underlying);
		if (!s) {
			s = &oc->sets[oc->nsets];
			oc->unds[oc->nsets++] = ins->underlying;
			s->und = ins->underlying;
			s->multiplier = (double)ins->multiplier;
			const td_instrument *u = td_registry_get(oc->reg, ins->underlying);
			s->model = u->kind == TD_INS_FUTURE ? TD_MODEL_BLACK76
				   : ins->style == TD_EXERCISE_AMERICAN ? TD_MODEL_AMERICAN : TD_MODEL_BSM;
		}
		s->n++;
	}
	return 0;
}

/* Allocate each set's buffers and list its contracts in chain order. */
static int fill_sets(td_optchain *oc)
{
	for (size_t i = 0; i < oc->nsets; i++) {
		struct chainset *s = &oc->sets[i];
		s->rows = calloc(s->n, sizeof(*s->rows));
		s->in = calloc(s->n, sizeof(*s->in));
		s->tenors = calloc(s->n, sizeof(*s->tenors));
		s->stats = td_chain_new(s->n, s->n);
		s->owner = oc;
		struct batch *w = &s->work;
		w->o = calloc(s->n, sizeof(*w->o));
		w->price = calloc(s->n, sizeof(*w->price));
		w->sigma = calloc(s->n, sizeof(*w->sigma));
		w->rc = calloc(s->n, sizeof(*w->rc));
		w->why = calloc(s->n, sizeof(*w->why));
		w->g = calloc(s->n, sizeof(*w->g));
		w->row = calloc(s->n, sizeof(*w->row));
		if (!s->rows || !s->in || !s->tenors || !s->stats || !w->o || !w->price || !w->sigma || !w->rc || !w->why ||
		    !w->g || !w->row)
			return -1;
		s->n = 0;
	}
	size_t count = td_registry_count(oc->reg);
	for (uint32_t id = 0; id < count; id++) {
		const td_instrument *ins = td_registry_get(oc->reg, id);
		struct chainset *s = ins && ins->kind == TD_INS_OPTION ? set_of(oc, ins->underlying) : NULL;
		if (!s)
			continue;
		s->rows[s->n++] = (td_optrow){
			.id = id, .expiry = (int32_t)ins->expiry_days,
			.right = ins->occ.right == 'P' ? TD_PUT : TD_CALL,
			.strike = (double)ins->occ.strike_milli / 1000.0,
		};
	}
	for (size_t i = 0; i < oc->nsets; i++)
		qsort(oc->sets[i].rows, oc->sets[i].n, sizeof(td_optrow), row_cmp);
	return 0;
}

td_optchain *td_optchain_new(const td_registry *reg, const td_market *m, const td_optchain_params *p,
			     char *err, size_t errlen)
{
	td_optchain *oc = calloc(1, sizeof(*oc));
	if (oc) {
		oc->reg = reg;
		oc->m = m;
		oc->p = *p;
	}
	if (!oc || find_underlyings(oc) < 0 || fill_sets(oc) < 0) {
		td_optchain_free(oc);
		td_errf(err, errlen, "out of memory for the option chains");
		return NULL;
	}
	return oc;
}

void td_optchain_free(td_optchain *oc)
{
	if (!oc)
		return;
	for (size_t i = 0; oc->sets && i < oc->nsets; i++) {
		free(oc->sets[i].rows);
		free(oc->sets[i].in);
		free(oc->sets[i].tenors);
		td_chain_free(oc->sets[i].stats);
		struct batch *w = &oc->sets[i].work;
		free(w->o);
		free(w->price);
		free(w->sigma);
		free(w->rc);
		free(w->why);
		free(w->g);
		free(w->row);
	}
	free(oc->sets);
	free(oc->unds);
	free(oc);
}

size_t td_optchain_underlyings(const td_optchain *oc, const uint32_t **ids)
{
	*ids = oc->unds;
	return oc->nsets;
}

uint32_t td_optchain_chain_of(const td_optchain *oc, uint32_t id)
{
	if (set_of(oc, id))
		return id;
	const td_instrument *ins = td_registry_get(oc->reg, id);
	if (ins && ins->kind == TD_INS_OPTION && set_of(oc, ins->underlying))
		return ins->underlying;
	return TD_NO_ID;
}

/* A price in ticks as a double, NaN when absent. */
static double px(const td_instrument *ins, td_ticks t)
{
	return t == TD_PX_NONE ? NAN : td_px_to_double(ins->px, t);
}

/* The underlying's price: last print, else the mid of a two-sided quote. */
static double spot_of(const td_optchain *oc, uint32_t und)
{
	const td_instrument *ins = td_registry_get(oc->reg, und);
	const td_quote_state *q = td_market_get(oc->m, und);
	if (!ins || !q)
		return NAN;
	if (q->last != TD_PX_NONE)
		return px(ins, q->last);
	if (q->bid != TD_PX_NONE && q->ask != TD_PX_NONE)
		return 0.5 * (px(ins, q->bid) + px(ins, q->ask));
	return NAN;
}

/* The model's view of a contract at volatility sigma. */
static td_opt opt_of(const struct chainset *s, const td_optrow *r, double spot, double sigma)
{
	const td_optchain_params *p = &s->owner->p;
	return (td_opt){ .right = r->right, .model = s->model, .S = spot, .K = r->strike, .T = r->T,
			 .r = p->rate, .q = s->model == TD_MODEL_BLACK76 ? 0.0 : p->yield, .sigma = sigma };
}

static void no_iv(td_optrow *r, const char *why)
{
	r->iv = NAN;
	r->iv_why = why;
	double n = NAN;
	r->g = (td_greeks){ n, n, n, n, n, n, n, n, n };
}

/* Why a row cannot be priced now, or NULL. */
static const char *unpriceable(const td_optrow *r, double spot)
{
	if (!(r->T > 0))
		return "expired";
	if (!(spot > 0))
		return "no underlying price";
	if (!(r->bid >= 0 && r->ask > 0 && r->bid <= r->ask))
		return "no two-sided quote";
	return NULL;
}

/* An American row: its implied volatility from the mid, one row at a time, and the Greeks at it. */
static void price_american(const struct chainset *s, td_optrow *r, double spot)
{
	/* the last implied volatility is the American solver's first guess */
	td_opt o = opt_of(s, r, spot, r->iv > 0 ? r->iv : 0.0);
	const char *why = NULL;
	double sigma;
	if (td_american_iv(&o, r->mid, AM_TOL, &sigma, &why) < 0)
		return no_iv(r, why);
	o.sigma = sigma;
	o.model = TD_MODEL_BSM;
	if (td_bsm_greeks(&o, &r->g) < 0)
		return no_iv(r, "greeks out of range");
	r->iv = sigma;
	r->iv_why = NULL;
}

/*
 * Implied volatility from the mid and the Greeks at it for every row: the
 * European models in one batch each (td_iv_many, then td_bsm_greeks_many
 * on the rows that have an IV), which runs four contracts at a time where
 * the CPU can; the American model row by row.
 */
static void price_rows(struct chainset *s, double spot)
{
	struct batch *w = &s->work;
	size_t k = 0;
	for (size_t i = 0; i < s->n; i++) {
		td_optrow *r = &s->rows[i];
		const char *why = unpriceable(r, spot);
		if (why) {
			no_iv(r, why);
		} else if (s->model == TD_MODEL_AMERICAN) {
			price_american(s, r, spot);
		} else {
			w->o[k] = opt_of(s, r, spot, 0.0);
			w->price[k] = r->mid;
			w->row[k++] = i;
		}
	}
	td_iv_many(w->o, w->price, w->sigma, w->rc, w->why, k);
	size_t m = 0;
	for (size_t j = 0; j < k; j++) {
		if (w->rc[j] != 0) {
			no_iv(&s->rows[w->row[j]], w->why[j]);
			continue;
		}
		w->o[m] = w->o[j];
		w->o[m].sigma = w->sigma[j];
		w->row[m++] = w->row[j];
	}
	td_bsm_greeks_many(w->o, w->g, w->rc, m);
	for (size_t j = 0; j < m; j++) {
		td_optrow *r = &s->rows[w->row[j]];
		if (w->rc[j] != 0) {
			no_iv(r, "greeks out of range");
			continue;
		}
		r->g = w->g[j];
		r->iv = w->o[j].sigma;
		r->iv_why = NULL;
	}
}

/* Read contract i's quote from the market. */
static void quote_row(const td_optchain *oc, struct chainset *s, size_t i, td_ns now)
{
	td_optrow *r = &s->rows[i];
	const td_instrument *ins = td_registry_get(oc->reg, r->id);
	const td_quote_state *q = td_market_get(oc->m, r->id);
	bool quoted = q && q->updated != 0;
	r->bid = quoted ? px(ins, q->bid) : NAN;
	r->ask = quoted ? px(ins, q->ask) : NAN;
	r->mid = 0.5 * (r->bid + r->ask);
	r->last = quoted ? px(ins, q->last) : NAN;
	r->volume = quoted ? (double)q->volume : NAN;
	r->oi = quoted ? (double)q->oi : NAN;
	r->T = td_expiry_years(now, r->expiry, oc->p.expiry_tod, oc->p.tz);
}

/* Contract i as the chain statistics take it, once price_rows has priced it. */
static void stats_row(const td_optchain *oc, struct chainset *s, size_t i)
{
	const td_optrow *r = &s->rows[i];
	const td_instrument *ins = td_registry_get(oc->reg, r->id);
	s->in[i] = (td_chain_contract){
		.expiry = r->expiry, .right = r->right, .strike = r->strike, .bid = r->bid, .ask = r->ask,
		.last = r->last, .volume = r->volume, .oi = r->oi, .prev_oi = NAN, .prev_close = NAN,
		.iv = r->iv, .delta = r->g.delta, .gamma = r->g.gamma, .avg_volume = NAN,
	};
	td_history_contract_day prev;
	if (oc->p.history && td_history_contract_prev(oc->p.history, ins->symbol, oc->today, &prev) == 0) {
		s->in[i].prev_oi = prev.oi;
		s->in[i].prev_close = prev.premium;
		s->in[i].avg_volume = td_history_volume_mean(oc->p.history, ins->symbol, oc->today, VOLUME_DAYS, NULL);
	}
}

/* One tenor per expiry (rows are sorted by expiry): T and the forward for the ATM point. */
static void fill_tenors(const td_optchain *oc, struct chainset *s, double spot)
{
	s->ntenors = 0;
	for (size_t i = 0; i < s->n; i++) {
		if (s->ntenors && s->tenors[s->ntenors - 1].expiry == s->rows[i].expiry)
			continue;
		double T = s->rows[i].T;
		double carry = s->model == TD_MODEL_BLACK76 ? 0.0 : oc->p.rate - oc->p.yield;
		s->tenors[s->ntenors++] = (td_chain_tenor){
			.expiry = s->rows[i].expiry, .T = T > 0 ? T : NAN,
			.forward = T > 0 && spot > 0 ? spot * exp(carry * T) : NAN,
		};
	}
}

/*
 * Gamma of contract i at another spot, its implied volatility held: the
 * zero-gamma search's callback, called about 40 times per contract, so the
 * closed form alone (BSM or Black-76; American contracts use BSM's, as for
 * their other Greeks).
 */
static double gamma_at(void *ctx, size_t i, double spot)
{
	const struct chainset *s = ctx;
	const td_optrow *r = &s->rows[i];
	if (!(r->iv > 0) || !(r->T > 0))
		return NAN;
	const td_optchain_params *p = &s->owner->p;
	double b = s->model == TD_MODEL_BLACK76 ? 0.0 : p->rate - p->yield;
	double sd = r->iv * sqrt(r->T);
	double d1 = (log(spot / r->strike) + b * r->T) / sd + 0.5 * sd;
	return exp((b - p->rate) * r->T - 0.5 * d1 * d1) / (spot * sd * SQRT_2PI);
}

double td_optchain_iv30(const td_chain_expiry *e, size_t n)
{
	const td_chain_expiry *lo = NULL, *hi = NULL;
	for (size_t i = 0; i < n; i++) {
		if (!(e[i].T > 0) || !(e[i].atm_iv > 0))
			continue;
		if (e[i].T <= DAYS_30)
			lo = &e[i];
		else if (!hi)
			hi = &e[i];
	}
	if (!lo || !hi)
		return lo ? lo->atm_iv : hi ? hi->atm_iv : NAN;
	double wl = lo->atm_iv * lo->atm_iv * lo->T, wh = hi->atm_iv * hi->atm_iv * hi->T;
	double w = wl + (wh - wl) * (DAYS_30 - lo->T) / (hi->T - lo->T);
	return sqrt(w / DAYS_30);
}

/* IV rank and percentile of the 30-day ATM IV against the recorded ones. */
static void iv_rank(const td_optchain *oc, const struct chainset *s, td_chainview *v)
{
	const td_instrument *u = td_registry_get(oc->reg, s->und);
	v->ivr = (td_history_ivstat){ .rank = NAN, .percentile = NAN, .lo = NAN, .hi = NAN,
				      .why = "no history kept (options.history = off)" };
	if (oc->p.history && u)
		td_history_iv_stats(oc->p.history, u->symbol, oc->today, v->iv30, oc->p.iv_lookback, oc->p.iv_min_days,
				    &v->ivr);
}

static void compute(td_optchain *oc, struct chainset *s)
{
	td_mono t0 = td_mono_now();
	td_ns now = td_market_stats_get(oc->m)->clock;
	oc->today = td_optchain_today(oc);
	double spot = spot_of(oc, s->und);
	s->view.no_iv = 0;
	for (size_t i = 0; i < s->n; i++)
		quote_row(oc, s, i, now);
	price_rows(s, spot);
	for (size_t i = 0; i < s->n; i++) {
		stats_row(oc, s, i);
		s->view.no_iv += !(s->rows[i].iv > 0);
	}
	fill_tenors(oc, s, spot);
	td_chain_params cp;
	td_chain_params_init(&cp, spot > 0 ? spot : 1.0, s->multiplier);
	cp.tenors = s->tenors;
	cp.n_tenors = s->ntenors;
	cp.gamma_at = spot > 0 ? gamma_at : NULL;
	cp.gamma_ctx = s;
	bool ok = td_chain_stats(s->stats, s->in, s->n, &cp) == 0;
	td_chainview *v = &s->view;
	v->underlying = s->und;
	v->model = s->model;
	v->spot = spot;
	v->rate = oc->p.rate;
	v->yield = s->model == TD_MODEL_BLACK76 ? 0.0 : oc->p.yield;
	v->multiplier = s->multiplier;
	v->rows = s->rows;
	v->nrows = s->n;
	v->exp = ok ? td_chain_expiries(s->stats, &v->nexp) : NULL;
	v->strikes = ok ? td_chain_strikes(s->stats, &v->nstrikes) : NULL;
	v->total = ok ? td_chain_totals(s->stats) : NULL;
	size_t nr = 0;
	v->stat_rows = ok ? td_chain_rows(s->stats, &nr) : NULL;
	if (!ok)
		v->nexp = v->nstrikes = 0;
	v->iv30 = ok ? td_optchain_iv30(v->exp, v->nexp) : NAN;
	iv_rank(oc, s, v);
	v->computed = now;
	v->compute_us = (double)(td_mono_now() - t0) / 1e3;
	s->at = td_mono_now();
	s->computed = true;
}

const td_chainview *td_optchain_get(td_optchain *oc, uint32_t und, bool force)
{
	struct chainset *s = set_of(oc, und);
	if (!s)
		return NULL;
	td_mono age = td_mono_now() - s->at;
	if (force || !s->computed || age >= (td_mono)oc->p.refresh_ms * 1000000)
		compute(oc, s);
	return &s->view;
}

int64_t td_optchain_today(const td_optchain *oc)
{
	td_ns now = td_market_stats_get(oc->m)->clock;
	td_ns local = now + (td_ns)td_tz_offset(oc->p.tz, now) * TD_NS_PER_SEC;
	td_ns day = 86400 * TD_NS_PER_SEC;
	return (int64_t)(local >= 0 ? local / day : -((-local + day - 1) / day));
}

/* One contract's day: what the feed said, the premium from the last print, else the mid. */
static int record_row(const td_optchain *oc, const td_optrow *r, int64_t today, td_history *h, char *err,
		      size_t errlen)
{
	if (!isfinite(r->oi) && !isfinite(r->volume))
		return 0;   /* never quoted today: nothing to say about it */
	const td_instrument *ins = td_registry_get(oc->reg, r->id);
	td_history_contract_day d = { .day = today, .oi = r->oi, .volume = r->volume,
				      .premium = isfinite(r->last) ? r->last : r->mid };
	return td_history_put_contract(h, ins->symbol, &d, err, errlen);
}

int td_optchain_record(td_optchain *oc, td_history *h, char *err, size_t errlen)
{
	int rc = 0;
	int64_t today = td_optchain_today(oc);
	for (size_t i = 0; i < oc->nsets; i++) {
		const td_chainview *v = td_optchain_get(oc, oc->sets[i].und, true);
		const td_instrument *u = td_registry_get(oc->reg, v->underlying);
		td_history_underlying_day d = { .day = today, .atm_iv = v->iv30, .close = v->spot };
		if (!isfinite(v->spot))
			continue;   /* the underlying never traded: no day to record */
		if (td_history_put_underlying(h, u->symbol, &d, err, errlen) < 0)
			rc = -1;
		for (size_t k = 0; k < v->nrows; k++)
			if (record_row(oc, &v->rows[k], today, h, err, errlen) < 0)
				rc = -1;
	}
	return rc;
}

int td_optchain_scan(const td_chainview *cv, td_scan_contract *c, td_scan_params *p, td_scan *sc)
{
	for (size_t i = 0; i < cv->nrows; i++) {
		const td_optrow *r = &cv->rows[i];
		c[i] = (td_scan_contract){
			.id = r->id, .expiry = r->expiry, .T = r->T > 0 ? r->T : NAN, .right = r->right,
			.strike = r->strike, .bid = r->bid, .ask = r->ask, .iv = r->iv, .delta = r->g.delta,
			.gamma = r->g.gamma, .theta = r->g.theta, .vega = r->g.vega, .volume = r->volume, .oi = r->oi,
		};
	}
	p->spot = cv->spot;
	p->multiplier = cv->multiplier;
	p->rate = cv->rate - cv->yield;
	p->iv_rank = cv->ivr.rank;
	return td_scan_run(sc, c, cv->nrows, p);
}
