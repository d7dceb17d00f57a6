/*
 * The volatility-spike breaker: see spike.h.
 *
 * Per instrument a ring of nb buckets, bucket k holding the trades of
 * [k w, (k + 1) w).  Besides the ring each instrument keeps the high and low
 * of the window's buckets before the newest one, so a trade in the newest
 * bucket finds the window's range in O(1); they are rescanned when a trade
 * opens a new bucket.
 *
 * While the move exceeds the limit, the instant it stops doing so if no
 * trade comes is when the older end of the move leaves the window: the
 * newest bucket k such that buckets k .. newest alone still span more than
 * the limit leaves at (k + nb) w.  hold_end keeps the latest such instant;
 * the breaker is tripped until hold_end + cooldown.
 */
#include "oms/spike.h"

#include <math.h>
#include <stdlib.h>

#define NONE INT64_MIN

typedef struct bucket {
	int64_t idx;        /* which bucket of time it holds; NONE = empty */
	double hi, lo;
} bucket;

typedef struct inst {
	int64_t cur;        /* the newest bucket with a trade; NONE = no trade yet */
	double old_hi, old_lo;  /* over the window's buckets before cur */
	td_ns hold_end;     /* the last instant the move exceeded the limit, given the trades so far; NONE = never */
	double peak_pct;    /* the largest move since the breaker last tripped */
} inst;

struct td_spike {
	size_t n;
	int64_t nb;         /* buckets in the window */
	td_ns w;            /* bucket width, ns */
	int window_s;
	td_ns cooldown;
	double pct;
	inst *in;
	bucket *b;          /* n x nb */
};

static int64_t floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

td_spike *td_spike_new(size_t n_instruments, int window_s, double pct, int cooldown_s)
{
	if (window_s < 1 || window_s > 86400 || cooldown_s < 0 || cooldown_s > 86400)
		return NULL;
	int64_t w = (window_s + TD_SPIKE_BUCKETS - 1) / TD_SPIKE_BUCKETS;
	int64_t nb = (window_s + w - 1) / w;
	size_t n = n_instruments ? n_instruments : 1;
	if (n > SIZE_MAX / ((size_t)nb * sizeof(bucket)))
		return NULL;
	td_spike *s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	*s = (td_spike){ .n = n_instruments, .nb = nb, .w = w * TD_NS_PER_SEC, .window_s = window_s,
			 .cooldown = cooldown_s * TD_NS_PER_SEC, .pct = pct > 0 ? pct : 0 };
	s->in = malloc(n * sizeof *s->in);
	s->b = malloc(n * (size_t)nb * sizeof *s->b);
	if (!s->in || !s->b) {
		td_spike_free(s);
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		s->in[i] = (inst){ .cur = NONE, .old_hi = 0, .old_lo = INFINITY, .hold_end = NONE };
	for (size_t i = 0; i < n * (size_t)nb; i++)
		s->b[i].idx = NONE;
	return s;
}

void td_spike_free(td_spike *s)
{
	if (!s)
		return;
	free(s->in);
	free(s->b);
	free(s);
}

static bucket *ring(const td_spike *s, uint32_t instr)
{
	return &s->b[(size_t)instr * (size_t)s->nb];
}

static bucket *slot(const td_spike *s, bucket *r, int64_t idx)
{
	int64_t k = idx % s->nb;
	return &r[k < 0 ? k + s->nb : k];
}

/* High and low of the buckets first < idx <= last; false when none has a trade. */
static bool range(const td_spike *s, const bucket *r, int64_t first, int64_t last, double *hi, double *lo)
{
	bool any = false;
	*hi = 0;
	*lo = INFINITY;
	for (int64_t k = 0; k < s->nb; k++) {
		if (r[k].idx == NONE || r[k].idx <= first || r[k].idx > last)
			continue;
		any = true;
		*hi = fmax(*hi, r[k].hi);
		*lo = fmin(*lo, r[k].lo);
	}
	return any;
}

static double move_pct(double hi, double lo)
{
	return (hi - lo) / lo * 100;
}

/* When the move would stop exceeding the limit with no more trades: see the top of the file. */
static td_ns hold_end(const td_spike *s, bucket *r, int64_t cur)
{
	double hi = 0, lo = INFINITY;
	for (int64_t k = cur; k > cur - s->nb; k--) {
		const bucket *b = slot(s, r, k);
		if (b->idx != k)
			continue;
		hi = fmax(hi, b->hi);
		lo = fmin(lo, b->lo);
		if (move_pct(hi, lo) > s->pct)
			return (k + s->nb) * s->w;
	}
	return NONE;   /* not reached while the move exceeds the limit */
}

void td_spike_trade(td_spike *s, uint32_t instr, double price, td_ns t_ns)
{
	if (instr >= s->n || !(price > 0) || !isfinite(price))
		return;
	inst *in = &s->in[instr];
	bucket *r = ring(s, instr);
	int64_t idx = floor_div(t_ns, s->w);
	if (in->cur != NONE && idx <= in->cur - s->nb)
		return;
	bucket *b = slot(s, r, idx);
	/* inside its bucket's range: the window's range, and when the move would end, are as they were */
	if (b->idx == idx && price <= b->hi && price >= b->lo)
		return;
	if (in->cur == NONE || idx > in->cur) {
		in->cur = idx;
		range(s, r, idx - s->nb, idx - 1, &in->old_hi, &in->old_lo);
	} else if (idx < in->cur) {
		in->old_hi = fmax(in->old_hi, price);
		in->old_lo = fmin(in->old_lo, price);
	}
	if (b->idx != idx)
		*b = (bucket){ .idx = idx, .hi = price, .lo = price };
	b->hi = fmax(b->hi, price);
	b->lo = fmin(b->lo, price);

	const bucket *c = slot(s, r, in->cur);
	double move = move_pct(fmax(in->old_hi, c->hi), fmin(in->old_lo, c->lo));
	if (!(s->pct > 0) || !(move > s->pct))
		return;
	bool tripped = in->hold_end != NONE && t_ns < in->hold_end + s->cooldown;
	in->peak_pct = tripped ? fmax(in->peak_pct, move) : move;
	td_ns end = hold_end(s, r, in->cur);
	if (in->hold_end == NONE || end > in->hold_end)
		in->hold_end = end;
}

void td_spike_state(const td_spike *s, uint32_t instr, td_ns t_ns, td_spike_info *info)
{
	*info = (td_spike_info){ .window_s = s->window_s, .limit_pct = s->pct, .at = t_ns };
	if (instr >= s->n)
		return;
	const inst *in = &s->in[instr];
	double hi, lo;
	int64_t idx = floor_div(t_ns, s->w);
	info->traded = range(s, ring(s, instr), idx - s->nb, idx, &hi, &lo);
	info->tripped = in->hold_end != NONE && t_ns < in->hold_end + s->cooldown;
	if (info->tripped) {
		info->move_pct = in->peak_pct;
		info->until = in->hold_end + s->cooldown;
	} else if (info->traded) {
		info->move_pct = move_pct(hi, lo);
	}
}
