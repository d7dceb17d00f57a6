/*
 * A build copies the usable candidates into scratch, sorts them by price,
 * cuts them into levels anchored at each level's lowest price, then sorts
 * each level's members strongest first to pick its price and order its
 * reasons.  O(n log n) in the candidates; a few dozen per instrument.
 */
#include "levels.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Weights: 3 for the references most participants watch (Dalton's prior-day
 * extremes and the point of control), 2 for value-area edges, volume peaks,
 * swing points, the prior close and overnight extremes, 1 for low-volume
 * nodes (prices the market tends to move through, not stop at) and formula
 * pivots.  A judgment, documented in doc/orderflow.md, not a published table.
 */
static const struct {
	const char *name;
	int weight;
} kind_info[TD_LVL_KIND_COUNT] = {
	[TD_LVL_POC] = { "POC", 3 },
	[TD_LVL_VAH] = { "VAH", 2 },
	[TD_LVL_VAL] = { "VAL", 2 },
	[TD_LVL_HVN] = { "HVN", 2 },
	[TD_LVL_LVN] = { "LVN", 1 },
	[TD_LVL_SWING_HIGH] = { "swing high", 2 },
	[TD_LVL_SWING_LOW] = { "swing low", 2 },
	[TD_LVL_PIVOT] = { "pivot", 1 },
	[TD_LVL_PRIOR_HIGH] = { "prior-day high", 3 },
	[TD_LVL_PRIOR_LOW] = { "prior-day low", 3 },
	[TD_LVL_PRIOR_CLOSE] = { "prior-day close", 2 },
	[TD_LVL_ON_HIGH] = { "overnight high", 2 },
	[TD_LVL_ON_LOW] = { "overnight low", 2 },
};

struct td_levels {
	size_t capacity;     /* candidates a build accepts */
	td_level_in *work;   /* scratch copy of the candidates (owned) */
	td_level *out;       /* levels of the last build, by price (owned) */
	size_t n_out;
};

int td_levels_weight(td_level_kind k)
{
	return (unsigned)k < TD_LVL_KIND_COUNT ? kind_info[k].weight : 0;
}

const char *td_levels_kind_name(td_level_kind k)
{
	return (unsigned)k < TD_LVL_KIND_COUNT ? kind_info[k].name : "?";
}

td_levels *td_levels_new(size_t capacity)
{
	if (capacity == 0)
		return NULL;
	td_levels *lv = calloc(1, sizeof(*lv));
	if (!lv)
		return NULL;
	lv->capacity = capacity;
	lv->work = calloc(capacity, sizeof(*lv->work));
	lv->out = calloc(capacity, sizeof(*lv->out));
	if (!lv->work || !lv->out) {
		td_levels_free(lv);
		return NULL;
	}
	return lv;
}

void td_levels_free(td_levels *lv)
{
	if (!lv)
		return;
	free(lv->work);
	free(lv->out);
	free(lv);
}

/* qsort order: price ascending. */
static int by_price(const void *a, const void *b)
{
	const td_level_in *x = a, *y = b;
	return (x->px > y->px) - (x->px < y->px);
}

/* qsort order: weight descending, then price ascending. */
static int by_strength(const void *a, const void *b)
{
	const td_level_in *x = a, *y = b;
	int wx = kind_info[x->kind].weight, wy = kind_info[y->kind].weight;
	if (wx != wy)
		return wy - wx;
	return by_price(a, b);
}

/* Append s at *pos, after "; " unless first; when it does not fit, end the buffer in "..." and return false. */
static bool add_reason(char *buf, size_t cap, size_t *pos, const char *s)
{
	int n = snprintf(buf + *pos, cap - *pos, "%s%s", *pos ? "; " : "", s);
	if (n >= 0 && (size_t)n < cap - *pos) {
		*pos += (size_t)n;
		return true;
	}
	memcpy(buf + cap - 4, "...", 4);
	return false;
}

/* Make one level of the members m[0..n), already sorted strongest first. */
static void make_level(td_level *l, const td_level_in *m, size_t n)
{
	memset(l, 0, sizeof(*l));
	l->px = m[0].px;
	l->lo = l->hi = m[0].px;
	l->members = (int)n;
	int distinct = 0;
	size_t pos = 0;
	bool room = true;
	for (size_t i = 0; i < n; i++) {
		uint32_t bit = 1u << m[i].kind;
		distinct += !(l->kinds & bit);
		l->kinds |= bit;
		l->strength += kind_info[m[i].kind].weight;
		l->lo = m[i].px < l->lo ? m[i].px : l->lo;
		l->hi = m[i].px > l->hi ? m[i].px : l->hi;
		if (room)
			room = add_reason(l->reasons, sizeof(l->reasons), &pos,
					  m[i].reason ? m[i].reason : kind_info[m[i].kind].name);
	}
	l->strength += distinct - 1;
}

/* Copy the usable candidates into scratch; returns how many, or -1 on a bad kind. */
static long take_candidates(td_levels *lv, const td_level_in *in, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (in[i].kind >= TD_LVL_KIND_COUNT)
			return -1;
		if (in[i].px != TD_PX_NONE)
			lv->work[k++] = in[i];
	}
	return (long)k;
}

int td_levels_build(td_levels *lv, const td_level_in *in, size_t n, td_ticks tol)
{
	lv->n_out = 0;
	if (n > lv->capacity || tol < 0)
		return -1;
	long k = take_candidates(lv, in, n);
	if (k < 0)
		return -1;
	td_level_in *w = lv->work;
	qsort(w, (size_t)k, sizeof(*w), by_price);
	for (size_t i = 0; i < (size_t)k;) {
		size_t j = i + 1;
		/* unsigned: w[j].px >= w[i].px, so the distance fits */
		while (j < (size_t)k && (uint64_t)w[j].px - (uint64_t)w[i].px <= (uint64_t)tol)
			j++;
		qsort(w + i, j - i, sizeof(*w), by_strength);
		make_level(&lv->out[lv->n_out++], w + i, j - i);
		i = j;
	}
	return (int)lv->n_out;
}

size_t td_levels_count(const td_levels *lv)
{
	return lv->n_out;
}

const td_level *td_levels_get(const td_levels *lv, size_t i)
{
	return i < lv->n_out ? &lv->out[i] : NULL;
}

/* Index of the first level with price >= px (n_out when none). */
static size_t lower_bound(const td_levels *lv, td_ticks px)
{
	size_t lo = 0, hi = lv->n_out;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (lv->out[mid].px < px)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

size_t td_levels_near(const td_levels *lv, td_ticks px, td_ticks band, size_t *first)
{
	if (band < 0)
		band = 0;
	td_ticks from = px < INT64_MIN + band ? INT64_MIN : px - band;
	td_ticks to = px > INT64_MAX - band ? INT64_MAX : px + band;
	size_t a = lower_bound(lv, from), b = a;
	while (b < lv->n_out && lv->out[b].px <= to)
		b++;
	*first = a;
	return b - a;
}
