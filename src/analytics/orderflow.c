/*
 * Order-flow metrics: three independent pieces of state fed by one print.
 *
 * VPIN keeps the bucket being filled and a ring of the last n buckets'
 * |buy - sell|, with their running sum.  Volume is counted in half-lots so an
 * unknown-side print of odd size splits exactly in two.  A print larger than
 * n buckets only needs its last n full buckets written: the earlier ones would
 * be pushed out of the window by the same print, so they are counted and
 * skipped, which bounds the work of any print by n.
 *
 * Sweeps keep the one open run of same-side prints; a print that cannot
 * extend it closes it (and reports it if it was a sweep) and may start a new
 * one.
 *
 * Large lots keep a ring of the last N prints' size buckets, a histogram of
 * them, and the bucket qb holding the nearest-rank percentile with the count
 * of prints below it.  Each print adds one sample and drops one, so qb moves
 * at most a few buckets; the histogram is never rescanned.
 */
#include "orderflow.h"

#include <stdlib.h>

#include "core/text.h"

#define DEF_BUCKETS 50
#define DEF_SWEEP_WINDOW (50 * TD_NS_PER_MS)
#define DEF_SWEEP_LEVELS 2
#define DEF_LARGE_WINDOW 1000
#define DEF_LARGE_PCT 99

#define MAX_BUCKET_VOLUME ((int64_t)1 << 40)
#define MAX_BUCKETS 100000
#define MAX_LARGE_WINDOW 1000000

/* Size buckets: 0..15 exact, then 8 per power of two up to 2^63. */
#define SZ_EXACT 16
#define SZ_SUB 8
#define SZ_BUCKETS (SZ_EXACT + (63 - 4) * SZ_SUB)

struct td_orderflow {
	td_orderflow_params p;  /* with defaults filled in */
	uint64_t rejected;      /* bad prints refused */

	/* VPIN */
	int64_t fill;           /* lots in the bucket being filled, 0..V-1 */
	int64_t buy2, sell2;    /* its buy and sell volume in half-lots */
	int64_t *imb2;          /* ring of n completed buckets' |buy2 - sell2| (owned) */
	int64_t imb2_sum;       /* sum of imb2[] */
	int imb_pos;            /* next slot of imb2[] to overwrite */
	uint64_t completed;     /* buckets completed since creation */

	/* sweeps */
	td_orderflow_sweep run; /* the open run; none when run.prints == 0 */

	/* large lots */
	uint16_t *sz_ring;      /* size buckets of the last N prints (owned) */
	int sz_pos;             /* next slot of sz_ring[] to overwrite */
	int sz_filled;          /* valid entries of sz_ring[], up to N */
	int sz_rank;            /* nearest-rank index of the percentile, 0..N-1 */
	int qb;                 /* bucket holding the percentile once sz_filled == N */
	int below;              /* samples in buckets below qb */
	uint32_t hist[SZ_BUCKETS];
};

/* Replace zero fields by their defaults. */
static td_orderflow_params with_defaults(const td_orderflow_params *in)
{
	td_orderflow_params p = *in;
	if (p.buckets == 0)
		p.buckets = DEF_BUCKETS;
	if (p.sweep_window == 0)
		p.sweep_window = DEF_SWEEP_WINDOW;
	if (p.sweep_levels == 0)
		p.sweep_levels = DEF_SWEEP_LEVELS;
	if (p.large_window == 0)
		p.large_window = DEF_LARGE_WINDOW;
	if (p.large_pct == 0)
		p.large_pct = DEF_LARGE_PCT;
	return p;
}

/* The first out-of-range parameter's message, or NULL when all are usable. */
static const char *check_params(const td_orderflow_params *p)
{
	if (p->bucket_volume < 1 || p->bucket_volume > MAX_BUCKET_VOLUME)
		return "'bucket_volume' must be 1..2^40";
	if (p->buckets < 1 || p->buckets > MAX_BUCKETS)
		return "'buckets' must be 1..100000";
	if (p->sweep_window < 0)
		return "'sweep_window' must not be negative";
	if (p->sweep_levels < 2)
		return "'sweep_levels' must be at least 2";
	if (p->block_size < 0)
		return "'block_size' must not be negative";
	if (p->large_window < 1 || p->large_window > MAX_LARGE_WINDOW)
		return "'large_window' must be 1..1000000";
	if (p->large_pct < 1 || p->large_pct > 99)
		return "'large_pct' must be 1..99";
	return NULL;
}

td_orderflow *td_orderflow_new(const td_orderflow_params *params, char *err, size_t errlen)
{
	td_orderflow_params p = with_defaults(params);
	const char *bad = check_params(&p);
	if (bad) {
		td_errf(err, errlen, "bad order-flow parameter: %s", bad);
		return NULL;
	}
	td_orderflow *of = calloc(1, sizeof(*of));
	if (!of) {
		td_errf(err, errlen, "out of memory");
		return NULL;
	}
	of->p = p;
	of->imb2 = calloc((size_t)p.buckets, sizeof(*of->imb2));
	of->sz_ring = calloc((size_t)p.large_window, sizeof(*of->sz_ring));
	if (!of->imb2 || !of->sz_ring) {
		td_orderflow_free(of);
		td_errf(err, errlen, "out of memory");
		return NULL;
	}
	/* nearest rank: the ceil(pct * N / 100)-th smallest, 0-based */
	of->sz_rank = (int)(((int64_t)p.large_pct * p.large_window + 99) / 100 - 1);
	return of;
}

void td_orderflow_free(td_orderflow *of)
{
	if (!of)
		return;
	free(of->imb2);
	free(of->sz_ring);
	free(of);
}

/* ---- VPIN ----------------------------------------------------------------- */

/* Put q lots of side s into the bucket being filled. */
static void bucket_put(td_orderflow *of, uint8_t s, int64_t q)
{
	of->fill += q;
	if (s == TD_SIDE_BUY) {
		of->buy2 += 2 * q;
	} else if (s == TD_SIDE_SELL) {
		of->sell2 += 2 * q;
	} else {
		of->buy2 += q;
		of->sell2 += q;
	}
}

/* Move the full bucket into the window and start an empty one. */
static void bucket_close(td_orderflow *of)
{
	int64_t d = of->buy2 - of->sell2;
	int64_t imb = d < 0 ? -d : d;
	of->imb2_sum += imb - of->imb2[of->imb_pos];
	of->imb2[of->imb_pos] = imb;
	if (++of->imb_pos == of->p.buckets)
		of->imb_pos = 0;
	of->completed++;
	of->fill = of->buy2 = of->sell2 = 0;
}

/* Split a print across buckets; returns the buckets it completed. */
static uint64_t vpin_add(td_orderflow *of, const td_trade *t)
{
	const int64_t v = of->p.bucket_volume;
	int64_t left = t->size;
	int64_t take = left < v - of->fill ? left : v - of->fill;
	uint64_t done = 0;
	bucket_put(of, t->aggr, take);
	left -= take;
	if (of->fill == v) {
		bucket_close(of);
		done++;
	}
	int64_t full = left / v;
	int64_t skip = full > of->p.buckets ? full - of->p.buckets : 0;
	of->completed += (uint64_t)skip;
	for (int64_t i = skip; i < full; i++) {
		bucket_put(of, t->aggr, v);
		bucket_close(of);
	}
	bucket_put(of, t->aggr, left % v);
	return done + (uint64_t)full;
}

bool td_orderflow_vpin(const td_orderflow *of, double *vpin, uint64_t *have)
{
	if (have)
		*have = of->completed;
	if (of->completed < (uint64_t)of->p.buckets)
		return false;
	*vpin = (double)of->imb2_sum / (2.0 * of->p.buckets * (double)of->p.bucket_volume);
	return true;
}

/* ---- sweeps --------------------------------------------------------------- */

/* Whether t continues the open run: same side, in time, not against the side. */
static bool run_extends(const td_orderflow *of, const td_trade *t)
{
	const td_orderflow_sweep *r = &of->run;
	if (t->aggr != r->side || t->ts < r->end_ns)
		return false;
	/* unsigned: t->ts >= start_ns, so the difference fits even at the int64 ends */
	if ((uint64_t)t->ts - (uint64_t)r->start_ns > (uint64_t)of->p.sweep_window)
		return false;
	return r->side == TD_SIDE_BUY ? t->px >= r->end_px : t->px <= r->end_px;
}

/* Add t to the open run, or start a run with it; returns TD_OF_SWEEP_START or 0. */
static unsigned run_add(td_orderflow *of, const td_trade *t, td_orderflow_out *out)
{
	td_orderflow_sweep *r = &of->run;
	if (r->prints == 0) {
		*r = (td_orderflow_sweep){ .side = t->aggr, .start_px = t->px, .end_px = t->px,
					   .levels = 1, .prints = 1, .size = t->size,
					   .start_ns = t->ts, .end_ns = t->ts };
		return 0;
	}
	bool new_level = t->px != r->end_px;
	r->levels += new_level;
	r->prints++;
	r->size = r->size > INT64_MAX - t->size ? INT64_MAX : r->size + t->size;
	r->end_px = t->px;
	r->end_ns = t->ts;
	if (!new_level || r->levels != of->p.sweep_levels)
		return 0;
	out->sweep = *r;
	return TD_OF_SWEEP_START;
}

/* Close the open run if t breaks it, then let t extend or start a run. */
static unsigned sweep_add(td_orderflow *of, const td_trade *t, td_orderflow_out *out)
{
	unsigned flags = 0;
	if (of->run.prints > 0 && !run_extends(of, t)) {
		if (of->run.levels >= of->p.sweep_levels) {
			out->sweep = of->run;
			flags = TD_OF_SWEEP_END;
		}
		of->run.prints = 0;
	}
	if (t->aggr == TD_SIDE_NONE)
		return flags;
	return flags | run_add(of, t, out);
}

bool td_orderflow_sweep_live(const td_orderflow *of, td_orderflow_sweep *out)
{
	if (of->run.prints == 0 || of->run.levels < of->p.sweep_levels)
		return false;
	*out = of->run;
	return true;
}

/* ---- blocks and large lots ------------------------------------------------ */

/* The size bucket of a print of s >= 1 lots. */
static int size_bucket(int64_t s)
{
	if (s < SZ_EXACT)
		return (int)s;
	int o = 63 - __builtin_clzll((unsigned long long)s);
	int sub = (int)((s >> (o - 3)) & (SZ_SUB - 1));
	return SZ_EXACT + (o - 4) * SZ_SUB + sub;
}

/* Move qb until it holds the sz_rank-th smallest sample again. */
static void percentile_settle(td_orderflow *of)
{
	while (of->below > of->sz_rank) {
		of->qb--;
		of->below -= (int)of->hist[of->qb];
	}
	while (of->below + (int)of->hist[of->qb] <= of->sz_rank) {
		of->below += (int)of->hist[of->qb];
		of->qb++;
	}
}

/* Count one sample in (+1) or out (-1) of bucket b. */
static void hist_move(td_orderflow *of, int b, int dir)
{
	of->hist[b] += (uint32_t)dir;
	if (b < of->qb)
		of->below += dir;
}

/* Judge a print against the window before it, then slide it in. */
static unsigned size_add(td_orderflow *of, int64_t size)
{
	unsigned flags = of->p.block_size > 0 && size >= of->p.block_size ? TD_OF_BLOCK : 0;
	int b = size_bucket(size);
	if (of->sz_filled == of->p.large_window) {
		if (b > of->qb)
			flags |= TD_OF_LARGE;
		hist_move(of, of->sz_ring[of->sz_pos], -1);
	} else {
		of->sz_filled++;
	}
	hist_move(of, b, +1);
	of->sz_ring[of->sz_pos] = (uint16_t)b;
	if (++of->sz_pos == of->p.large_window)
		of->sz_pos = 0;
	if (of->sz_filled == of->p.large_window)
		percentile_settle(of);
	return flags;
}

/* ---- per print ------------------------------------------------------------ */

int td_orderflow_add_trade(td_orderflow *of, const td_trade *t, td_orderflow_out *out)
{
	*out = (td_orderflow_out){ 0 };
	if (t->size < 1 || t->size > TD_ORDERFLOW_MAX_SIZE || t->aggr > TD_SIDE_SELL) {
		of->rejected++;
		return -1;
	}
	out->buckets = vpin_add(of, t);
	if (out->buckets)
		out->flags |= TD_OF_BUCKET;
	out->flags |= sweep_add(of, t, out);
	out->flags |= size_add(of, t->size);
	return 0;
}

uint64_t td_orderflow_rejected(const td_orderflow *of)
{
	return of->rejected;
}

/* ---- book imbalance ------------------------------------------------------- */

/* Sum of the first k sizes of a side, negatives as 0; double so no sum overflows. */
static double side_depth(const int64_t *sz, size_t n, size_t k)
{
	double sum = 0;
	for (size_t i = 0; i < n && i < k; i++)
		sum += sz[i] > 0 ? (double)sz[i] : 0.0;
	return sum;
}

int td_orderflow_imbalance(const int64_t *bid_sz, size_t n_bid, const int64_t *ask_sz,
			   size_t n_ask, size_t k, double *out)
{
	double b = side_depth(bid_sz, n_bid, k), a = side_depth(ask_sz, n_ask, k);
	if (b + a <= 0) {
		*out = 0;
		return -1;
	}
	*out = (b - a) / (b + a);
	return 0;
}

int td_orderflow_imbalance_l1(int64_t bid_sz, int64_t ask_sz, double *out)
{
	return td_orderflow_imbalance(&bid_sz, 1, &ask_sz, 1, 1, out);
}
