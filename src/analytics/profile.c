/*
 * Volume profile.  DESIGN: vol[] covers rows base .. base + cap - 1; a trade
 * outside it regrows the window around both the old span and the new row,
 * at least doubling, so moving prices cost O(1) amortised.  With slices on, a
 * second array svol[] of the same geometry accumulates the open slice, and
 * touched[] lists its non-zero rows so closing the slice costs one entry per
 * row touched, never a scan of the window.
 */
#include "analytics/profile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Exact products of prices, sizes and percentages (GCC and Clang). */
__extension__ typedef __int128 i128;

#define MAX_ROWS_LIMIT ((size_t)1 << 26)
#define FIRST_ROWS 256

typedef struct slice_entry {
	int64_t row;  /* absolute row number */
	int64_t vol;
} slice_entry;

typedef struct slice {
	td_ns start;
	size_t first, n;  /* entries[first .. first + n) */
} slice;

struct td_profile {
	td_profile_params pp;
	int64_t base;           /* row number of vol[0] */
	size_t cap;             /* rows allocated */
	int64_t *vol;           /* volume per row */
	td_ticks high, low;     /* exact traded extremes (row edges for a range result); INT64_MIN / INT64_MAX when empty */
	int64_t trades, dropped;

	int64_t *svol;          /* open slice's volume per row (slices only) */
	int64_t *touched;       /* rows with svol != 0, absolute numbers */
	size_t ntouched;
	td_ns slice_start, slice_end;
	slice *slices;          /* closed slices, oldest first */
	size_t nslices, slices_cap;
	slice_entry *entries;
	size_t nentries, entries_cap;
	td_ns full_from;        /* first slice start not kept; INT64_MAX while none lost */
};

/* Write a message to err if there is room. */
static void set_err(char *err, size_t errlen, const char *msg)
{
	if (err && errlen)
		snprintf(err, errlen, "%s", msg);
}

td_profile *td_profile_new(const td_profile_params *pp, char *err, size_t errlen)
{
	if (pp->row_ticks < 1 || pp->max_rows < 1 || pp->max_rows > MAX_ROWS_LIMIT || pp->slice_ns < 0) {
		set_err(err, errlen, "profile: row_ticks must be >= 1, max_rows 1..2^26, slice_ns >= 0");
		return NULL;
	}
	td_profile *p = calloc(1, sizeof(*p));
	if (!p) {
		set_err(err, errlen, "profile: out of memory");
		return NULL;
	}
	p->pp = *pp;
	td_profile_clear(p);
	return p;
}

void td_profile_free(td_profile *p)
{
	if (!p)
		return;
	free(p->vol);
	free(p->svol);
	free(p->touched);
	free(p->slices);
	free(p->entries);
	free(p);
}

void td_profile_clear(td_profile *p)
{
	if (p->vol)
		memset(p->vol, 0, p->cap * sizeof(*p->vol));
	if (p->svol)
		memset(p->svol, 0, p->cap * sizeof(*p->svol));
	p->high = INT64_MIN;
	p->low = INT64_MAX;
	p->trades = p->dropped = 0;
	p->ntouched = p->nslices = p->nentries = 0;
	p->slice_start = p->slice_end = INT64_MIN;
	p->full_from = INT64_MAX;
}

/*
 * The traded row span, derived from the extremes so a trade updates two
 * fields, not four; 0, or -1 (and lo > hi) when empty.
 */
static int traded_rows(const td_profile *p, int64_t *lo, int64_t *hi)
{
	*lo = 1;
	*hi = 0;
	if (p->high < p->low)
		return -1;
	*lo = td_profile_row_of(p->low, p->pp.row_ticks);
	*hi = td_profile_row_of(p->high, p->pp.row_ticks);
	return 0;
}

/* Copy the traded span of one row array into a new window; NULL without memory. */
static int64_t *rewindow(const int64_t *old, int64_t old_base, size_t cap, int64_t base,
			 int64_t lo_row, int64_t hi_row)
{
	int64_t *a = calloc(cap, sizeof(*a));
	if (a && old && lo_row <= hi_row)
		memcpy(a + (lo_row - base), old + (lo_row - old_base),
		       (size_t)(hi_row - lo_row + 1) * sizeof(*a));
	return a;
}

/*
 * Move to a window holding the traded span and row r: at least twice the
 * old one and twice the span, slack split evenly.  At the max_rows cap the
 * slack all goes the way prices are moving, so a drifting market does not
 * regrow on every new row.  0, or -1 when the span would pass the cap or
 * memory ran out (the profile is unchanged).
 */
static int grow(td_profile *p, int64_t r)
{
	int64_t lo_row, hi_row;
	int traded = traded_rows(p, &lo_row, &hi_row) == 0;
	int64_t lo = traded && lo_row < r ? lo_row : r;
	int64_t hi = traded && hi_row > r ? hi_row : r;
	uint64_t span = (uint64_t)hi - (uint64_t)lo + 1;
	if (span > p->pp.max_rows)
		return -1;
	size_t cap = p->cap ? 2 * p->cap : FIRST_ROWS;
	if (cap < 2 * span)
		cap = 2 * span;
	if (cap > p->pp.max_rows)
		cap = p->pp.max_rows;
	int64_t base = lo - (int64_t)(cap - span) / 2;
	if (cap == p->pp.max_rows && p->cap)
		base = r < p->base ? hi - (int64_t)cap + 1 : lo;
	int64_t *nv = rewindow(p->vol, p->base, cap, base, lo_row, hi_row);
	int64_t *ns = p->pp.slice_ns ? rewindow(p->svol, p->base, cap, base, lo_row, hi_row) : NULL;
	int64_t *nt = p->pp.slice_ns ? realloc(p->touched, cap * sizeof(*nt)) : NULL;
	if (nt)
		p->touched = nt;  /* holds absolute rows, so it survives the move as is */
	if (!nv || (p->pp.slice_ns && (!ns || !nt))) {
		free(nv);
		free(ns);
		return -1;
	}
	free(p->vol);
	free(p->svol);
	p->vol = nv;
	p->svol = ns;
	p->base = base;
	p->cap = cap;
	return 0;
}

/* Append to a growable array of `size`-byte items, within a byte budget; 0 or -1. */
static int reserve(void **arr, size_t *cap, size_t n, size_t size, size_t budget)
{
	if (n < *cap)
		return 0;
	size_t ncap = *cap ? 2 * *cap : 64;
	if (ncap * size > budget)
		ncap = budget / size;
	if (ncap <= n)
		return -1;
	void *a = realloc(*arr, ncap * size);
	if (!a)
		return -1;
	*arr = a;
	*cap = ncap;
	return 0;
}

/*
 * Close the open slice into the store.  Once the store is full the slice is
 * lost and full_from records where range queries stop being whole.
 */
static void close_slice(td_profile *p)
{
	if (p->ntouched == 0)
		return;
	size_t budget = p->pp.max_slice_bytes / 2;  /* half for headers, half for entries */
	int ok = p->full_from == INT64_MAX &&
		 reserve((void **)&p->slices, &p->slices_cap, p->nslices, sizeof(slice), budget) == 0;
	for (size_t k = 0; ok && k < p->ntouched; k++)
		ok = reserve((void **)&p->entries, &p->entries_cap, p->nentries + k, sizeof(slice_entry), budget) == 0;
	if (ok)
		p->slices[p->nslices++] = (slice){ p->slice_start, p->nentries, p->ntouched };
	else if (p->full_from == INT64_MAX)
		p->full_from = p->slice_start;
	for (size_t k = 0; k < p->ntouched; k++) {
		int64_t *v = &p->svol[p->touched[k] - p->base];
		if (ok)
			p->entries[p->nentries++] = (slice_entry){ p->touched[k], *v };
		*v = 0;
	}
	p->ntouched = 0;
}

/* Move to the slice holding ts (the trade that crossed its start). */
static void roll_slice(td_profile *p, td_ns ts)
{
	close_slice(p);
	td_ns s = ts / p->pp.slice_ns * p->pp.slice_ns;
	if (s > ts)
		s -= p->pp.slice_ns;
	p->slice_start = s;
	p->slice_end = s + p->pp.slice_ns;
}

/*
 * Add volume at row r for a price px in it, growing the window; 0, or -1
 * when r is past the cap.  The fields are read before the row is written,
 * since the row store may alias them for the compiler.
 */
static int put(td_profile *p, int64_t r, td_ticks px, int64_t size)
{
	if ((uint64_t)r - (uint64_t)p->base >= p->cap && grow(p, r) != 0) {
		p->dropped++;
		return -1;
	}
	int64_t *row = &p->vol[r - p->base];
	td_ticks high = p->high, low = p->low;
	p->high = px > high ? px : high;
	p->low = px < low ? px : low;
	*row += size;
	return 0;
}

/* Off the hot path: refuse a bad size, or widen the window and add again. */
static void add_slow(td_profile *p, const td_trade *tr, int64_t r)
{
	if (tr->size <= 0 || grow(p, r) != 0) {  /* size <= 0 would break the touched list */
		p->dropped++;
		return;
	}
	td_profile_add(p, tr);
}

/*
 * The hot path: everything is read into locals before the row is written,
 * since the compiler must assume the row store may alias the fields.
 */
void td_profile_add(td_profile *p, const td_trade *tr)
{
	td_ticks px = tr->px, high = p->high, low = p->low;
	int64_t size = tr->size;
	int64_t r = td_profile_row_of(px, p->pp.row_ticks);
	uint64_t i = (uint64_t)r - (uint64_t)p->base;
	if (size <= 0 || i >= p->cap) {
		add_slow(p, tr, r);
		return;
	}
	int64_t *vol = p->vol;
	p->high = px > high ? px : high;
	p->low = px < low ? px : low;
	p->trades++;
	vol[i] += size;
	if (p->pp.slice_ns) {
		if (tr->ts >= p->slice_end)
			roll_slice(p, tr->ts);
		int64_t *v = &p->svol[i];
		if (*v == 0)
			p->touched[p->ntouched++] = r;  /* a row enters the list once per slice */
		*v += size;
	}
}

int64_t td_profile_dropped(const td_profile *p)
{
	return p->dropped;
}

const td_profile_params *td_profile_params_of(const td_profile *p)
{
	return &p->pp;
}

size_t td_profile_rows(const td_profile *p, td_ticks *lo_px, const int64_t **rows)
{
	int64_t lo, hi;
	if (traded_rows(p, &lo, &hi) != 0)
		return 0;
	*lo_px = lo * p->pp.row_ticks;
	*rows = p->vol + (lo - p->base);
	return (size_t)(hi - lo + 1);
}

int td_profile_stats_get(const td_profile *p, unsigned va_pct, td_profile_stats *out)
{
	td_ticks lo_px;
	const int64_t *rows;
	size_t n = td_profile_rows(p, &lo_px, &rows);
	td_va va;
	if (n == 0 || td_profile_va_of(rows, n, va_pct, &va) != 0)
		return -1;
	td_ticks rt = p->pp.row_ticks;
	*out = (td_profile_stats){
		.volume = va.total, .trades = p->trades, .high = p->high, .low = p->low,
		.poc = lo_px + (td_ticks)va.poc * rt, .vah = lo_px + (td_ticks)va.vah * rt,
		.val = lo_px + (td_ticks)va.val * rt, .poc_volume = rows[va.poc], .va_volume = va.in_va,
	};
	return 0;
}

int td_profile_range(const td_profile *p, td_ns from, td_ns to, td_profile *out)
{
	td_profile_clear(out);
	td_ticks rt = p->pp.row_ticks;
	if (!p->pp.slice_ns || out->pp.row_ticks != rt)
		return -1;
	for (size_t i = 0; i < p->nslices; i++) {
		const slice *s = &p->slices[i];
		if (s->start < from || s->start >= to)
			continue;
		for (size_t k = s->first; k < s->first + s->n; k++)
			put(out, p->entries[k].row, p->entries[k].row * rt, p->entries[k].vol);
	}
	if (p->slice_start >= from && p->slice_start < to)
		for (size_t k = 0; k < p->ntouched; k++)
			put(out, p->touched[k], p->touched[k] * rt, p->svol[p->touched[k] - p->base]);
	/* lost slices start at full_from and end before the open slice */
	return to <= p->full_from || from >= p->slice_start ? 0 : -1;
}

/* Sum of rows[i] over the valid indices i in [a, b] (clipped to [lo, hi]). */
static int64_t sum_rows(const int64_t *rows, ptrdiff_t a, ptrdiff_t b, ptrdiff_t lo, ptrdiff_t hi)
{
	int64_t s = 0;
	for (ptrdiff_t i = a < lo ? lo : a; i <= b && i <= hi; i++)
		s += rows[i];
	return s;
}

/*
 * The POC: the largest row, ties to the row nearest the middle of [lo, hi];
 * equidistant ties go to the side of the middle holding more, then lower.
 * Distances are doubled so the middle of an even span stays an integer.
 */
static size_t poc_of(const int64_t *rows, size_t lo, size_t hi)
{
	int64_t best = -1;
	size_t poc = lo;
	int64_t mid2 = (int64_t)(lo + hi);
	int64_t below = sum_rows(rows, (ptrdiff_t)lo, (mid2 - 1) / 2, (ptrdiff_t)lo, (ptrdiff_t)hi);
	int64_t above = sum_rows(rows, mid2 / 2 + 1, (ptrdiff_t)hi, (ptrdiff_t)lo, (ptrdiff_t)hi);
	for (size_t i = lo; i <= hi; i++) {
		int64_t d = llabs(2 * (int64_t)i - mid2), dp = llabs(2 * (int64_t)poc - mid2);
		if (rows[i] > best || (rows[i] == best && d < dp)) {
			best = rows[i];
			poc = i;
		} else if (rows[i] == best && d == dp) {
			/* i is above the middle and poc below it: the heavier side wins, a tie keeps the lower */
			if (above > below)
				poc = i;
		}
	}
	return poc;
}

/* First and last non-zero rows; -1 when all are zero. */
static int span_of(const int64_t *rows, size_t n, size_t *lo, size_t *hi)
{
	size_t a = 0, b = n;
	while (a < n && rows[a] == 0)
		a++;
	if (a == n)
		return -1;
	while (rows[b - 1] == 0)
		b--;
	*lo = a;
	*hi = b - 1;
	return 0;
}

int td_profile_va_of(const int64_t *rows, size_t n, unsigned va_pct, td_va *out)
{
	size_t lo, hi;
	if (va_pct < 1 || va_pct > 100 || span_of(rows, n, &lo, &hi) != 0)
		return -1;
	int64_t total = sum_rows(rows, (ptrdiff_t)lo, (ptrdiff_t)hi, (ptrdiff_t)lo, (ptrdiff_t)hi);
	size_t poc = poc_of(rows, lo, hi);
	size_t val = poc, vah = poc;
	int64_t in = rows[poc];
	/* in / total >= pct / 100, exactly: sizes are far below 2^56, pct <= 100 */
	while ((i128)in * 100 < (i128)total * va_pct) {
		int64_t up = sum_rows(rows, (ptrdiff_t)vah + 1, (ptrdiff_t)vah + 2, (ptrdiff_t)lo, (ptrdiff_t)hi);
		int64_t down = sum_rows(rows, (ptrdiff_t)val - 2, (ptrdiff_t)val - 1, (ptrdiff_t)lo, (ptrdiff_t)hi);
		int up_ok = vah < hi, down_ok = val > lo;
		if (up_ok && (!down_ok || up >= down)) {
			vah = vah + 2 <= hi ? vah + 2 : hi;
			in += up;
		} else {
			val = val >= lo + 2 ? val - 2 : lo;
			in += down;
		}
	}
	*out = (td_va){ .poc = poc, .val = val, .vah = vah, .total = total, .in_va = in };
	return 0;
}

/* Is row i a node of `kind` against its neighbours within w (all inside [lo, hi])? */
static int is_node(const int64_t *rows, size_t i, size_t w, td_node_kind kind)
{
	for (size_t k = 1; k <= w; k++) {
		int64_t below = rows[i - k], above = rows[i + k];
		if (kind == TD_NODE_HVN && (rows[i] <= below || rows[i] < above))
			return 0;
		if (kind == TD_NODE_LVN && (rows[i] >= below || rows[i] > above))
			return 0;
	}
	return 1;
}

size_t td_profile_nodes_of(const int64_t *rows, size_t n, size_t width, unsigned hvn_pct,
			   unsigned lvn_pct, td_node *out, size_t max)
{
	size_t lo, hi;
	if (width == 0 || span_of(rows, n, &lo, &hi) != 0)
		return 0;
	int64_t peak = 0;
	for (size_t i = lo; i <= hi; i++)
		peak = rows[i] > peak ? rows[i] : peak;
	size_t count = 0;
	for (size_t i = lo + width; i + width <= hi; i++) {
		td_node_kind kind = 0;
		if ((i128)rows[i] * 100 >= (i128)peak * hvn_pct && is_node(rows, i, width, TD_NODE_HVN))
			kind = TD_NODE_HVN;
		else if ((i128)rows[i] * 100 <= (i128)peak * lvn_pct && is_node(rows, i, width, TD_NODE_LVN))
			kind = TD_NODE_LVN;
		if (kind && count < max)
			out[count] = (td_node){ i, kind };
		count += kind != 0;
	}
	return count;
}
