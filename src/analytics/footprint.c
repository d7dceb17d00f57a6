/*
 * DESIGN
 *
 * A ladder is a flat array of cells, cells[i] being the price base + i, with
 * volume by aggressor in v[TD_SIDE_NONE|BUY|SELL] so adding a trade is one
 * indexed add and no branch on the side.  The array is re-based and grown
 * (at least twice the traded span, up to max_ticks) only when a price falls
 * outside it, so every price move costs amortised O(1).  Each kept bar owns a
 * ladder that is cleared and reused when its ring slot is recycled: after
 * the first ring turn nothing is allocated unless a bar is wider than any
 * before it.
 *
 * Derived figures are computed on demand: a ladder remembers how many trades
 * it had when it was last analysed, and any query on a changed ladder runs
 * one pass over its range (imbalances, stacks, POC, nodes, patterns).  The
 * add path stays a handful of instructions.
 */
#include "footprint.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BAR_INIT_CAP 64u
#define SESSION_INIT_CAP 256u
#define MAX_TICKS_LIMIT (1u << 24)   /* keeps cap doubling inside uint32_t */
#define NOT_ANALYSED UINT64_MAX
#define PX_LIMIT (INT64_MAX / 4)     /* prices beyond are refused, so price arithmetic cannot overflow */

struct cell {
	int64_t v[3];    /* volume by td_side: NONE, BUY (ask-traded), SELL (bid-traded) */
	uint32_t flags;  /* TD_FP_*, valid after analysis */
};

_Static_assert(sizeof(struct cell) == 32, "a cell is 32 bytes");

/* What analysis derives from a ladder. */
struct summary {
	td_ticks poc;
	uint32_t buy_imb, sell_imb, stacks, patterns;
};

struct ladder {
	struct cell *cells;  /* cap cells, owned; cells[i] is price base + i */
	td_ticks base;
	uint32_t cap;
	td_ticks lo, hi;     /* traded range; lo > hi while empty */
	td_ticks open, close;
	int64_t vol[3];      /* totals by td_side */
	uint64_t trades;
	uint64_t analysed;   /* trades at the last analysis, or NOT_ANALYSED */
	struct summary sum;  /* valid when analysed == trades */
};

struct bar {
	struct ladder lad;
	td_ns start;
	int64_t cum_before;  /* session delta before the bar's first trade */
};

struct td_footprint {
	td_fp_params p;
	struct bar *bars;       /* keep slots, owned; a ring */
	size_t head;            /* slot of the live bar */
	size_t count;           /* bars held */
	td_ns live_start;       /* start of the live bar */
	struct ladder session;
	td_ns session_start;    /* start of the first bar */
	int64_t *scratch;       /* smoothed volumes for node search, owned */
	size_t scratch_len;
	uint64_t rejected, late;
};

void td_footprint_defaults(td_fp_params *p)
{
	*p = (td_fp_params){
		.origin = 0, .tf = TD_NS_PER_MIN, .keep = 1440, .max_ticks = 16384,
		.imb_ratio_pct = 300, .imb_min_vol = 10, .imb_zero_counts = true, .stack_min = 3,
		.unfinished_min = 1, .absorb_ticks = 4, .exh_levels = 3, .exh_pct = 25,
		.trap_ticks = 2, .trap_ratio_pct = 200, .trap_min_vol = 10, .div_pct = 10,
		.node_half = 2, .hvn_pct = 150, .lvn_pct = 50,
	};
}

/* The first broken rule in *p, or NULL. */
static const char *params_error(const td_fp_params *p)
{
	if (p->tf <= 0)
		return "bar length 'tf' must be positive";
	if (p->keep < 1)
		return "'keep' must be at least 1 bar";
	if (p->max_ticks < 1 || p->max_ticks > MAX_TICKS_LIMIT)
		return "'max_ticks' must be between 1 and 16777216";
	if (p->imb_ratio_pct < 100)
		return "'imb_ratio_pct' must be at least 100";
	if (p->imb_min_vol < 0 || p->trap_min_vol < 0)
		return "minimum volumes must not be negative";
	if (p->stack_min < 2)
		return "'stack_min' must be at least 2";
	if (p->unfinished_min < 1)
		return "'unfinished_min' must be at least 1";
	if (p->absorb_ticks < 1 || p->trap_ticks < 1 || p->node_half < 1)
		return "'absorb_ticks', 'trap_ticks' and 'node_half' must be at least 1";
	if (p->exh_levels < 2)
		return "'exh_levels' must be at least 2";
	return NULL;
}

/* Mark a ladder empty, keeping its cells. */
static void ladder_reset(struct ladder *l)
{
	l->lo = INT64_MAX;
	l->hi = INT64_MIN;
	memset(l->vol, 0, sizeof(l->vol));
	l->trades = 0;
	l->analysed = NOT_ANALYSED;
}

td_footprint *td_footprint_new(const td_fp_params *p, char *err, size_t errlen)
{
	const char *why = params_error(p);
	if (why) {
		snprintf(err, errlen, "footprint: %s", why);
		return NULL;
	}
	td_footprint *fp = calloc(1, sizeof(*fp));
	struct bar *bars = calloc(p->keep, sizeof(*bars));
	if (!fp || !bars) {
		free(fp);
		free(bars);
		snprintf(err, errlen, "footprint: out of memory");
		return NULL;
	}
	fp->p = *p;
	fp->bars = bars;
	for (size_t i = 0; i < p->keep; i++)
		ladder_reset(&bars[i].lad);
	ladder_reset(&fp->session);
	return fp;
}

void td_footprint_free(td_footprint *fp)
{
	if (!fp)
		return;
	for (size_t i = 0; i < fp->p.keep; i++)
		free(fp->bars[i].lad.cells);
	free(fp->bars);
	free(fp->session.cells);
	free(fp->scratch);
	free(fp);
}

/*
 * Make room for px: a new array of at least twice the span from the traded
 * range to px (doubling from the old capacity, or init), centred on it, so
 * the next re-base needs the price to move a quarter of the array away.
 */
static bool ladder_widen(struct ladder *l, td_ticks px, uint32_t init, uint32_t max)
{
	if (px > PX_LIMIT || px < -PX_LIMIT)
		return false;
	bool empty = l->lo > l->hi;
	td_ticks lo = empty || px < l->lo ? px : l->lo;
	td_ticks hi = empty || px > l->hi ? px : l->hi;
	uint64_t span = (uint64_t)hi - (uint64_t)lo + 1;
	if (span > max)
		return false;
	uint32_t cap = l->cap ? l->cap : init;
	while (cap < 2 * span && cap < max)
		cap *= 2;
	if (cap > max)
		cap = max;
	struct cell *cells = calloc(cap, sizeof(*cells));
	if (!cells)
		return false;
	td_ticks base = lo - (td_ticks)((cap - span) / 2);
	if (!empty)
		memcpy(cells + (l->lo - base), l->cells + (l->lo - l->base),
		       (size_t)(l->hi - l->lo + 1) * sizeof(*cells));
	free(l->cells);
	l->cells = cells;
	l->cap = cap;
	l->base = base;
	return true;
}

/* Start bar slot b afresh at px, reusing its cells. */
static bool bar_restart(td_footprint *fp, struct bar *b, td_ticks px, td_ns start)
{
	struct ladder *l = &b->lad;
	if (l->lo <= l->hi)
		memset(l->cells + (l->lo - l->base), 0, (size_t)(l->hi - l->lo + 1) * sizeof(*l->cells));
	ladder_reset(l);
	if (!l->cells && !ladder_widen(l, px, BAR_INIT_CAP, fp->p.max_ticks))
		return false;
	l->base = px - (td_ticks)(l->cap / 2);
	l->open = px;
	b->start = start;
	b->cum_before = fp->session.vol[TD_SIDE_BUY] - fp->session.vol[TD_SIDE_SELL];
	return true;
}

/*
 * A trade outside the live bar: a later one opens its bar (gaps make no
 * empty bars), an earlier one is late and joins the live bar.
 */
static bool off_bar(td_footprint *fp, const td_trade *t)
{
	if (fp->count > 0 && t->ts < fp->live_start) {
		fp->late++;
		return true;
	}
	td_ns d, start;
	if (__builtin_sub_overflow(t->ts, fp->p.origin, &d))
		return false;
	td_ns mod = d % fp->p.tf;
	if (mod < 0)
		mod += fp->p.tf;
	if (__builtin_sub_overflow(t->ts, mod, &start))
		return false;
	size_t slot = fp->count == 0 ? 0 : (fp->head + 1) % fp->p.keep;
	if (!bar_restart(fp, &fp->bars[slot], t->px, start))
		return false;
	if (fp->count == 0) {
		fp->session_start = start;
		fp->session.open = t->px;
	}
	fp->head = slot;
	fp->count += fp->count < fp->p.keep;
	fp->live_start = start;
	return true;
}

/* Count size at px on a ladder whose array already covers px. */
static inline void ladder_add(struct ladder *l, td_ticks px, unsigned side, int64_t size)
{
	l->cells[px - l->base].v[side] += size;
	l->vol[side] += size;
	l->lo = px < l->lo ? px : l->lo;
	l->hi = px > l->hi ? px : l->hi;
	l->close = px;
	l->trades++;
}

/* Whether px lies outside the ladder's array. */
static inline bool outside(const struct ladder *l, td_ticks px)
{
	return (uint64_t)px - (uint64_t)l->base >= l->cap;
}

/* Count the trade on the session and the live bar, whose arrays cover px. */
static inline void add_both(td_footprint *fp, const td_trade *t)
{
	unsigned side = t->aggr <= TD_SIDE_SELL ? t->aggr : TD_SIDE_NONE;
	ladder_add(&fp->session, t->px, side, t->size);
	ladder_add(&fp->bars[fp->head].lad, t->px, side, t->size);
}

/* The rare cases, out of line: bad size, a new bar, a late trade, a wider ladder. */
static __attribute__((noinline)) bool add_slow(td_footprint *fp, const td_trade *t)
{
	struct ladder *s = &fp->session;
	uint64_t into_bar = (uint64_t)t->ts - (uint64_t)fp->live_start;
	if (t->size <= 0 || (outside(s, t->px) && !ladder_widen(s, t->px, SESSION_INIT_CAP, fp->p.max_ticks)) ||
	    ((into_bar >= (uint64_t)fp->p.tf || fp->count == 0) && !off_bar(fp, t)))
		goto reject;
	struct ladder *b = &fp->bars[fp->head].lad;
	if (outside(b, t->px) && !ladder_widen(b, t->px, BAR_INIT_CAP, fp->p.max_ticks))
		goto reject;
	add_both(fp, t);
	return true;
reject:
	fp->rejected++;
	return false;
}

/*
 * Before the first trade the live slot has no array (cap 0), so outside()
 * sends that trade down the slow path too.
 */
bool td_footprint_add(td_footprint *fp, const td_trade *t)
{
	uint64_t into_bar = (uint64_t)t->ts - (uint64_t)fp->live_start;
	if (t->size <= 0 || into_bar >= (uint64_t)fp->p.tf || outside(&fp->session, t->px) ||
	    outside(&fp->bars[fp->head].lad, t->px))
		return add_slow(fp, t);
	add_both(fp, t);
	return true;
}

/* The cell at px, or NULL when px is outside the traded range. */
static struct cell *cell_at(const struct ladder *l, td_ticks px)
{
	return px < l->lo || px > l->hi ? NULL : &l->cells[px - l->base];
}

/* Volume on one side at px; 0 outside the traded range. */
static int64_t vol_at(const struct ladder *l, td_ticks px, unsigned side)
{
	const struct cell *c = cell_at(l, px);
	return c ? c->v[side] : 0;
}

static int64_t cell_total(const struct cell *c)
{
	return c->v[TD_SIDE_NONE] + c->v[TD_SIDE_BUY] + c->v[TD_SIDE_SELL];
}

/* Whether dominant volume dom against opp on the diagonal is an imbalance. */
static bool imbalanced(int64_t dom, int64_t opp, const td_fp_params *p)
{
	if (dom == 0 || dom < p->imb_min_vol)
		return false;
	if (opp == 0)
		return p->imb_zero_counts;
	return dom * 100 >= (int64_t)p->imb_ratio_pct * opp;
}

/*
 * Overwrite every cell's flags with its imbalances and count them; remember
 * the lowest sell and highest buy imbalance for absorption.
 */
static void mark_imbalances(struct ladder *l, const td_fp_params *p, struct summary *s,
			    td_ticks *low_sell, td_ticks *high_buy)
{
	*low_sell = INT64_MAX;
	*high_buy = INT64_MIN;
	for (td_ticks px = l->lo; px <= l->hi; px++) {
		struct cell *c = cell_at(l, px);
		c->flags = 0;
		if (imbalanced(c->v[TD_SIDE_BUY], vol_at(l, px - 1, TD_SIDE_SELL), p)) {
			c->flags |= TD_FP_IMB_BUY;
			s->buy_imb++;
			*high_buy = px;
		}
		if (imbalanced(c->v[TD_SIDE_SELL], vol_at(l, px + 1, TD_SIDE_BUY), p)) {
			c->flags |= TD_FP_IMB_SELL;
			s->sell_imb++;
			if (*low_sell == INT64_MAX)
				*low_sell = px;
		}
	}
}

/* Flag runs of >= stack_min consecutive ticks carrying imb; returns the run count. */
static uint32_t mark_stacks(struct ladder *l, uint32_t imb, uint32_t stack, uint32_t min)
{
	uint32_t n = 0;
	td_ticks run = 0;
	for (td_ticks px = l->lo; px <= l->hi + 1; px++) {
		const struct cell *c = cell_at(l, px);
		if (c && (c->flags & imb)) {
			run++;
			continue;
		}
		if (run >= (td_ticks)min) {
			for (td_ticks q = px - run; q < px; q++)
				cell_at(l, q)->flags |= stack;
			n++;
		}
		run = 0;
	}
	return n;
}

/* Most total volume; ties go to the price nearest the middle, then the lower. */
static td_ticks find_poc(const struct ladder *l)
{
	td_ticks best = l->lo;
	int64_t best_vol = -1;
	uint64_t best_dist = UINT64_MAX;
	for (td_ticks px = l->lo; px <= l->hi; px++) {
		int64_t v = cell_total(cell_at(l, px));
		int64_t twice_off = 2 * px - l->lo - l->hi;
		uint64_t dist = (uint64_t)(twice_off < 0 ? -twice_off : twice_off);
		if (v > best_vol || (v == best_vol && dist < best_dist)) {
			best = px;
			best_vol = v;
			best_dist = dist;
		}
	}
	return best;
}

/*
 * Volume nodes.  s[i] is the total volume over the 2h+1 ticks centred on
 * lo+h+i, for every centre whose window lies inside the range.  A node is a
 * local extreme of s within h ticks (strict below, weak above, so a flat
 * top yields its lowest price) that is far enough from the mean.
 */
static void mark_nodes(td_footprint *fp, struct ladder *l)
{
	const td_fp_params *p = &fp->p;
	td_ticks h = p->node_half, w = 2 * h + 1, range = l->hi - l->lo + 1;
	if (range < w)
		return;
	td_ticks n = range - 2 * h;
	if ((size_t)n > fp->scratch_len) {
		int64_t *grown = realloc(fp->scratch, (size_t)n * sizeof(*grown));
		if (!grown)
			return;  /* no nodes until the ladder changes again */
		fp->scratch = grown;
		fp->scratch_len = (size_t)n;
	}
	int64_t *s = fp->scratch;
	int64_t sum = 0, total = 0;
	for (td_ticks px = l->lo; px <= l->hi; px++)
		total += cell_total(cell_at(l, px));
	for (td_ticks i = 0; i < w; i++)
		sum += cell_total(cell_at(l, l->lo + i));
	for (td_ticks i = 0; i < n; i++) {
		s[i] = sum;
		if (i + 1 < n)
			sum += cell_total(cell_at(l, l->lo + i + w)) - cell_total(cell_at(l, l->lo + i));
	}
	/* node threshold: s / w >= pct/100 * total / range */
	double scale = 100.0 * (double)range, mean_w = (double)w * (double)total;
	for (td_ticks i = 0; i < n; i++) {
		bool max = true, min = true;
		for (td_ticks j = i - h; j <= i + h; j++) {
			if (j < 0 || j >= n || j == i)
				continue;
			max = max && (j < i ? s[i] > s[j] : s[i] >= s[j]);
			min = min && (j < i ? s[i] < s[j] : s[i] <= s[j]);
		}
		double v = (double)s[i] * scale;
		struct cell *c = cell_at(l, l->lo + h + i);
		if (max && v >= (double)p->hvn_pct * mean_w)
			c->flags |= TD_FP_HVN;
		if (min && v <= (double)p->lvn_pct * mean_w)
			c->flags |= TD_FP_LVN;
	}
}

/* Sum one side's volume over [lo, hi] clipped to the traded range. */
static int64_t zone_vol(const struct ladder *l, td_ticks lo, td_ticks hi, unsigned side)
{
	int64_t v = 0;
	for (td_ticks px = lo < l->lo ? l->lo : lo; px <= hi && px <= l->hi; px++)
		v += cell_at(l, px)->v[side];
	return v;
}

/*
 * Whether `side` volume fades into the extreme: strictly smaller at every
 * tick from `from` (inner) to `to` (the extreme), and the extreme at most
 * pct of the inner level.
 */
static bool fades(const struct ladder *l, td_ticks from, td_ticks to, unsigned side, uint32_t pct)
{
	td_ticks step = to > from ? 1 : -1;
	for (td_ticks px = from; px != to; px += step)
		if (vol_at(l, px + step, side) >= vol_at(l, px, side))
			return false;
	return vol_at(l, to, side) * 100 <= (int64_t)pct * vol_at(l, from, side);
}

/* Whether both sides traded at least min at px. */
static bool two_sided(const struct ladder *l, td_ticks px, int64_t min)
{
	return vol_at(l, px, TD_SIDE_BUY) >= min && vol_at(l, px, TD_SIDE_SELL) >= min;
}

/* Whether dom in the zone reaches the minimum and ratio over opp. */
static bool dominates(int64_t dom, int64_t opp, const td_fp_params *p)
{
	return dom > 0 && dom >= p->trap_min_vol && dom * 100 >= (int64_t)p->trap_ratio_pct * opp;
}

/* Pattern flags (definitions in doc/footprint.md). */
static uint32_t find_patterns(const struct ladder *l, const td_fp_params *p, td_ticks low_sell,
			      td_ticks high_buy)
{
	uint32_t f = 0;
	int64_t ask = l->vol[TD_SIDE_BUY], bid = l->vol[TD_SIDE_SELL], delta = ask - bid;
	td_ticks z = p->trap_ticks, k = p->exh_levels;
	if (two_sided(l, l->hi, p->unfinished_min))
		f |= TD_FP_PAT_UNFINISHED_HIGH;
	if (two_sided(l, l->lo, p->unfinished_min))
		f |= TD_FP_PAT_UNFINISHED_LOW;
	if (low_sell != INT64_MAX && l->close - low_sell >= (td_ticks)p->absorb_ticks)
		f |= TD_FP_PAT_ABSORB_SELLING;
	if (high_buy != INT64_MIN && high_buy - l->close >= (td_ticks)p->absorb_ticks)
		f |= TD_FP_PAT_ABSORB_BUYING;
	if (l->hi - l->lo + 1 >= k) {
		if (fades(l, l->hi - k + 1, l->hi, TD_SIDE_BUY, p->exh_pct))
			f |= TD_FP_PAT_EXHAUST_BUYING;
		if (fades(l, l->lo + k - 1, l->lo, TD_SIDE_SELL, p->exh_pct))
			f |= TD_FP_PAT_EXHAUST_SELLING;
	}
	if (l->close < l->open && dominates(zone_vol(l, l->hi - z + 1, l->hi, TD_SIDE_BUY),
					    zone_vol(l, l->hi - z + 1, l->hi, TD_SIDE_SELL), p))
		f |= TD_FP_PAT_TRAPPED_BUYERS;
	if (l->close > l->open && dominates(zone_vol(l, l->lo, l->lo + z - 1, TD_SIDE_SELL),
					    zone_vol(l, l->lo, l->lo + z - 1, TD_SIDE_BUY), p))
		f |= TD_FP_PAT_TRAPPED_SELLERS;
	if (l->close > l->open && delta < 0 && -delta * 100 >= (int64_t)p->div_pct * (ask + bid))
		f |= TD_FP_PAT_DIVERGENCE_BEAR;
	if (l->close < l->open && delta > 0 && delta * 100 >= (int64_t)p->div_pct * (ask + bid))
		f |= TD_FP_PAT_DIVERGENCE_BULL;
	return f;
}

/* Refresh the ladder's derived figures and cell flags if it changed. */
static void analyse(td_footprint *fp, struct ladder *l)
{
	const td_fp_params *p = &fp->p;
	if (l->analysed == l->trades)
		return;
	struct summary s = { 0 };
	td_ticks low_sell, high_buy;
	mark_imbalances(l, p, &s, &low_sell, &high_buy);
	uint32_t up = mark_stacks(l, TD_FP_IMB_BUY, TD_FP_STACK_BUY, p->stack_min);
	uint32_t down = mark_stacks(l, TD_FP_IMB_SELL, TD_FP_STACK_SELL, p->stack_min);
	s.stacks = up + down;
	s.poc = find_poc(l);
	cell_at(l, s.poc)->flags |= TD_FP_POC;
	mark_nodes(fp, l);
	s.patterns = find_patterns(l, p, low_sell, high_buy) |
		     (up ? TD_FP_PAT_STACKED_BUY : 0) | (down ? TD_FP_PAT_STACKED_SELL : 0);
	l->sum = s;
	l->analysed = l->trades;
}

/* The analysed ladder of bar `ago` or the session, with its bar, or NULL. */
static struct ladder *lookup(td_footprint *fp, size_t ago, const struct bar **bar)
{
	struct ladder *l;
	*bar = NULL;
	if (ago == TD_FP_SESSION) {
		if (fp->count == 0)
			return NULL;
		l = &fp->session;
	} else {
		if (ago >= fp->count)
			return NULL;
		struct bar *b = &fp->bars[(fp->head + fp->p.keep - ago) % fp->p.keep];
		*bar = b;
		l = &b->lad;
	}
	analyse(fp, l);
	return l;
}

size_t td_footprint_count(const td_footprint *fp)
{
	return fp->count;
}

bool td_footprint_bar(td_footprint *fp, size_t ago, td_fp_bar *out)
{
	const struct bar *b;
	const struct ladder *l = lookup(fp, ago, &b);
	if (!l)
		return false;
	int64_t delta = l->vol[TD_SIDE_BUY] - l->vol[TD_SIDE_SELL];
	*out = (td_fp_bar){
		.start = b ? b->start : fp->session_start,
		.open = l->open, .high = l->hi, .low = l->lo, .close = l->close, .poc = l->sum.poc,
		.bid = l->vol[TD_SIDE_SELL], .ask = l->vol[TD_SIDE_BUY], .other = l->vol[TD_SIDE_NONE],
		.volume = l->vol[TD_SIDE_SELL] + l->vol[TD_SIDE_BUY] + l->vol[TD_SIDE_NONE],
		.delta = delta, .cum_delta = (b ? b->cum_before : 0) + delta,
		.trades = l->trades, .buy_imb = l->sum.buy_imb, .sell_imb = l->sum.sell_imb,
		.stacks = l->sum.stacks, .patterns = l->sum.patterns,
	};
	return true;
}

/* The public view of the cell at px (zero when untraded). */
static td_fp_cell view(const struct ladder *l, td_ticks px)
{
	const struct cell *c = cell_at(l, px);
	if (!c)
		return (td_fp_cell){ .px = px };
	return (td_fp_cell){ .px = px, .bid = c->v[TD_SIDE_SELL], .ask = c->v[TD_SIDE_BUY],
			     .other = c->v[TD_SIDE_NONE], .flags = c->flags };
}

size_t td_footprint_rows(td_footprint *fp, size_t ago, td_ticks top, td_fp_cell *out, size_t n)
{
	const struct bar *b;
	const struct ladder *l = lookup(fp, ago, &b);
	if (!l)
		return 0;
	for (size_t i = 0; i < n; i++)
		out[i] = view(l, (td_ticks)((uint64_t)top - i));  /* wraps, never overflows */
	return n;
}

bool td_footprint_cell(td_footprint *fp, size_t ago, td_ticks px, td_fp_cell *out)
{
	const struct bar *b;
	const struct ladder *l = lookup(fp, ago, &b);
	if (!l)
		return false;
	*out = view(l, px);
	const struct cell *c = cell_at(l, px);
	return c && cell_total(c) > 0;
}

size_t td_footprint_stacks(td_footprint *fp, size_t ago, td_fp_stack *out, size_t max)
{
	const struct bar *b;
	const struct ladder *l = lookup(fp, ago, &b);
	if (!l)
		return 0;
	static const uint32_t bit[2] = { TD_FP_STACK_BUY, TD_FP_STACK_SELL };
	static const td_side dir[2] = { TD_SIDE_BUY, TD_SIDE_SELL };
	td_ticks top[2] = { 0, 0 };
	bool in[2] = { false, false };
	size_t n = 0;
	for (td_ticks px = l->hi; px >= l->lo - 1; px--) {
		const struct cell *c = cell_at(l, px);
		for (int d = 0; d < 2; d++) {
			bool on = c && (c->flags & bit[d]);
			if (on && !in[d])
				top[d] = px;
			if (!on && in[d]) {
				if (n < max)
					out[n] = (td_fp_stack){ .lo = px + 1, .hi = top[d], .dir = dir[d] };
				n++;
			}
			in[d] = on;
		}
	}
	return n;
}

uint64_t td_footprint_rejected(const td_footprint *fp)
{
	return fp->rejected;
}

uint64_t td_footprint_late(const td_footprint *fp)
{
	return fp->late;
}

size_t td_footprint_bytes(const td_footprint *fp)
{
	size_t bytes = sizeof(*fp) + fp->p.keep * sizeof(*fp->bars);
	for (size_t i = 0; i < fp->p.keep; i++)
		bytes += fp->bars[i].lad.cap * sizeof(struct cell);
	bytes += fp->session.cap * sizeof(struct cell) + fp->scratch_len * sizeof(*fp->scratch);
	return bytes;
}
