/*
 * Bars for six timeframes from one pass over the trades.
 *
 * DESIGN.  Only the forming 1 minute bar is touched per trade.  Every longer
 * bar is a union of whole 1 minute bars: all timeframes share one anchor (the
 * day's regular open), their lengths are multiples of a minute, and they are
 * cut at the same segment edges (open, close, local midnight) as the minute
 * bars.  So when a minute closes it is folded into one accumulator per longer
 * timeframe and, in regular hours, into the session; a longer bar's forming
 * state is its accumulator plus the forming minute, merged on read.
 *
 * The hot path takes a valid trade inside the forming minute and within
 * 2^31 ticks of the minute's open, whose square then fits 64 bits; anything
 * else goes to a slow path.  That path decides where a trade falls, with
 * the session date (its midnights and open) and the current segment (its
 * edges and whether it is regular) cached, so td_session_phase_at and
 * td_session_next_change run a few times a day, not per trade.
 *
 * Sums of size * (px - open) and size * (px - open)^2 are unsigned 128-bit:
 * wrapping is defined, so input past the documented bounds gives wrong
 * figures but never undefined behaviour; read back as signed, they are exact
 * within the bounds.
 */
#include "analytics/bars.h"

#include <math.h>
#include <stdlib.h>

#include "core/text.h"

__extension__ typedef unsigned __int128 td_u128;
__extension__ typedef __int128 td_i128;

/* Trades keep px in [-2^61, 2^61), so any two prices differ by less than 2^62. */
#define TD_BARS_PX_LIM (UINT64_C(1) << 61)

/* And |ts| below this (years 1824 to 2116), so zone and grid sums cannot overflow. */
#define TD_BARS_TS_LIM (INT64_C(1) << 62)

static const td_ns td_bars_len[TD_BARS_NTF] = {
	1 * TD_NS_PER_MIN, 5 * TD_NS_PER_MIN, 15 * TD_NS_PER_MIN,
	30 * TD_NS_PER_MIN, 60 * TD_NS_PER_MIN, TD_NS_PER_DAY,
};

static const char *const td_bars_names[TD_BARS_NTF] = {
	"1m", "5m", "15m", "30m", "60m", "daily",
};

/* A bar being built; trades == 0 means empty (start and end may still be set). */
typedef struct td_bacc {
	td_ns start, end;
	uint64_t len;          /* end - start, for the one-compare range test */
	td_ticks open, high, low, close;
	uint64_t vol[3];       /* by td_side: unknown, buy, sell; indexed, so no branch */
	uint64_t trades;
	td_u128 s1;            /* sum size * (px - open), wrapping */
	td_u128 s2;            /* sum size * (px - open)^2, wrapping */
	int32_t date;
	bool regular;
} td_bacc;

/* A timeframe's closed bars: a ring of cap slots, head the next to write. */
typedef struct td_bars_ring {
	td_bar *slot;          /* cap slots inside td_bars.store */
	size_t cap, head, count;
	uint64_t closed;
} td_bars_ring;

struct td_bars {
	td_bacc minute;                  /* forming 1 minute bar: the hot path */
	const td_session *session;       /* borrowed */
	const td_tz *tz;
	bool all_hours;
	td_ns hw;                        /* latest time placed; earlier trades are late */

	int32_t date;                    /* cached session date and its instants */
	td_ns day_start, day_end, anchor;
	td_ns seg_start, seg_end;        /* cached segment: same regular flag, one date */
	bool seg_regular;

	td_bacc acc[TD_BARS_NTF];        /* longer timeframes; acc[TD_BARS_1M] unused */
	td_bacc session_acc;             /* regular hours of session_acc.date */
	td_bars_ring ring[TD_BARS_NTF];
	td_bars_counts counts;
	size_t store_bytes;
	td_bar *store;                   /* owned: every ring's slots */
};

/* a / b rounded towards minus infinity; b > 0. */
static int64_t td_bars_floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b < 0);
}

td_bars *td_bars_new(const td_bars_params *p, char *err, size_t errlen)
{
	if (!p || !p->session) {
		td_errf(err, errlen, "no session for bars");
		return NULL;
	}
	const td_tz *tz = td_session_tz(p->session);
	if (!tz) {
		td_errf(err, errlen, "unknown time zone '%s'", p->session->tz_name);
		return NULL;
	}
	size_t cap[TD_BARS_NTF], total = 0;
	for (int tf = 0; tf < TD_BARS_NTF; tf++) {
		cap[tf] = p->capacity[tf] ? p->capacity[tf] : TD_BARS_DEFAULT_CAP;
		if (cap[tf] > TD_BARS_MAX_CAP) {
			td_errf(err, errlen, "%s bar capacity '%zu' is over %u", td_bars_names[tf], cap[tf],
				TD_BARS_MAX_CAP);
			return NULL;
		}
		total += cap[tf];
	}
	td_bars *b = calloc(1, sizeof(*b));
	td_bar *store = calloc(total, sizeof(*store));
	if (!b || !store) {
		free(b);
		free(store);
		td_errf(err, errlen, "out of memory");
		return NULL;
	}
	b->session = p->session;
	b->tz = tz;
	b->all_hours = p->all_hours;
	b->hw = INT64_MIN;
	b->day_start = b->day_end = INT64_MIN;  /* empty: the first trade locates */
	b->seg_start = b->seg_end = INT64_MIN;
	b->store = store;
	b->store_bytes = total * sizeof(*store);
	for (int tf = 0; tf < TD_BARS_NTF; tf++) {
		b->ring[tf].slot = store;
		b->ring[tf].cap = cap[tf];
		store += cap[tf];
	}
	return b;
}

void td_bars_free(td_bars *b)
{
	if (!b)
		return;
	free(b->store);
	free(b);
}

/*
 * Non-zero unless a trade is one the sums can take: 1 <= size <= 2^62,
 * aggressor a td_side, -2^61 <= px < 2^61.  Each term maps its good values,
 * and only those, below 2^62, so one OR and one shift test all three.
 */
static inline uint64_t td_bars_trade_bad(const td_trade *t)
{
	return (((uint64_t)t->size - 1) | ((uint64_t)t->px + TD_BARS_PX_LIM) |
	        ((uint64_t)t->aggr + 2 * TD_BARS_PX_LIM - (TD_SIDE_SELL + 1))) >> 62;
}

/* High, low and volume of a valid trade added to a bar. */
static inline void td_bacc_tally(td_bacc *a, const td_trade *t)
{
	a->high = t->px > a->high ? t->px : a->high;
	a->low = t->px < a->low ? t->px : a->low;
	a->vol[t->aggr] += (uint64_t)t->size;
}

/*
 * Add a valid trade d = px - open ticks from the open, |d| < 2^31 so the
 * square fits 64 bits, to everything but close and trades: the caller sets
 * those, once per run of trades in td_bars_add_all.
 */
static inline void td_bacc_near(td_bacc *a, const td_trade *t, int64_t d)
{
	a->s1 += (td_u128)((td_i128)t->size * d);
	a->s2 += (td_u128)(uint64_t)t->size * ((uint64_t)d * (uint64_t)d);
	td_bacc_tally(a, t);
}

/* Add a valid trade to a bar that already has its open, at any distance from it. */
static void td_bacc_add(td_bacc *a, const td_trade *t)
{
	int64_t d = t->px - a->open;
	td_u128 vd = (td_u128)((td_i128)t->size * d);
	a->s1 += vd;
	a->s2 += vd * (td_u128)(td_i128)d;
	td_bacc_tally(a, t);
	a->close = t->px;
	a->trades++;
}

/* All the volume of a bar. */
static uint64_t td_bacc_volume(const td_bacc *a)
{
	return a->vol[TD_SIDE_NONE] + a->vol[TD_SIDE_BUY] + a->vol[TD_SIDE_SELL];
}

/*
 * Fold bar src (not empty) into dst, which keeps its start and end.  The sums
 * move from src's open to dst's: with k = src.open - dst.open,
 * sum v(p - dst.open) = s1 + kV and sum v(p - dst.open)^2 = s2 + 2k s1 + k^2 V.
 */
static void td_bacc_merge(td_bacc *dst, const td_bacc *src)
{
	if (dst->trades == 0) {
		td_ns start = dst->start, end = dst->end;
		bool regular = dst->regular;
		*dst = *src;
		dst->start = start;
		dst->end = end;
		dst->len = (uint64_t)end - (uint64_t)start;
		dst->regular = regular && src->regular;
		return;
	}
	td_u128 k = (td_u128)(td_i128)(src->open - dst->open);  /* prices within 2^61 of 0: fits */
	td_u128 v = td_bacc_volume(src);
	dst->s2 += src->s2 + 2 * k * src->s1 + k * k * v;
	dst->s1 += src->s1 + k * v;
	dst->high = src->high > dst->high ? src->high : dst->high;
	dst->low = src->low < dst->low ? src->low : dst->low;
	dst->close = src->close;
	for (int s = 0; s < 3; s++)
		dst->vol[s] += src->vol[s];
	dst->trades += src->trades;
	dst->regular = dst->regular && src->regular;
}

/* The public view of a bar. */
static void td_bacc_bar(const td_bacc *a, td_bar *out)
{
	*out = (td_bar){
		.start = a->start,
		.end = a->end,
		.open = a->open,
		.high = a->high,
		.low = a->low,
		.close = a->close,
		.volume = (int64_t)td_bacc_volume(a),
		.buy_volume = (int64_t)a->vol[TD_SIDE_BUY],
		.sell_volume = (int64_t)a->vol[TD_SIDE_SELL],
		.delta = (int64_t)(a->vol[TD_SIDE_BUY] - a->vol[TD_SIDE_SELL]),
		.trades = (int64_t)a->trades,
		.vwap = (double)((long double)a->open + (long double)(td_i128)a->s1 / (long double)td_bacc_volume(a)),
		.date = a->date,
		.regular = a->regular,
	};
}

/* Append a closed bar to tf's ring, dropping the oldest when full. */
static void td_bars_push(td_bars *b, td_bars_tf tf, const td_bacc *a)
{
	td_bars_ring *r = &b->ring[tf];
	td_bacc_bar(a, &r->slot[r->head]);
	r->head = r->head + 1 == r->cap ? 0 : r->head + 1;
	if (r->count < r->cap)
		r->count++;
	r->closed++;
}

/* Fold a regular minute into the session, restarting it on a new date. */
static void td_bars_session_fold(td_bacc *s, const td_bacc *m)
{
	if (s->trades && s->date != m->date)
		s->trades = 0;
	td_bacc_merge(s, m);
}

/* Close the forming minute: ring, longer timeframes, and the session if regular. */
static void td_bars_close_minute(td_bars *b)
{
	td_bacc *m = &b->minute;
	td_bars_push(b, TD_BARS_1M, m);
	for (int tf = TD_BARS_5M; tf < TD_BARS_NTF; tf++)
		td_bacc_merge(&b->acc[tf], m);
	if (m->regular)
		td_bars_session_fold(&b->session_acc, m);
	m->trades = 0;
	m->start = m->end = 0;
	m->len = 0;  /* nothing is in range: the next trade takes the slow path */
}

/* Whether t is a time the calendar arithmetic can take. */
static bool td_bars_time_ok(td_ns t)
{
	return t > -TD_BARS_TS_LIM && t < TD_BARS_TS_LIM;
}

void td_bars_advance(td_bars *b, td_ns now)
{
	if (now < b->hw || !td_bars_time_ok(now))
		return;
	b->hw = now;
	if (b->minute.trades && now >= b->minute.end)
		td_bars_close_minute(b);
	for (int tf = TD_BARS_5M; tf < TD_BARS_NTF; tf++) {
		td_bacc *a = &b->acc[tf];
		if (a->trades && now >= a->end) {
			td_bars_push(b, (td_bars_tf)tf, a);
			a->trades = 0;
		}
	}
}

/* Whether the session is in regular hours at t. */
static bool td_bars_regular_at(const td_bars *b, td_ns t)
{
	return td_session_phase_at(b->session, t) == TD_PHASE_REGULAR;
}

/* Cache the session date holding t: its midnights and its regular open. */
static void td_bars_locate_day(td_bars *b, td_ns t)
{
	td_ns local = t + (td_ns)td_tz_offset(b->tz, t) * TD_NS_PER_SEC;
	int64_t day = td_bars_floor_div(local, TD_NS_PER_DAY);
	/* a daylight-saving edge between t and midnight can put the guess a day out */
	while (td_tz_to_utc(b->tz, day, 0) > t)
		day--;
	while (td_tz_to_utc(b->tz, day + 1, 0) <= t)
		day++;
	b->date = (int32_t)day;
	b->day_start = td_tz_to_utc(b->tz, day, 0);
	b->day_end = td_tz_to_utc(b->tz, day + 1, 0);
	b->anchor = td_tz_to_utc(b->tz, day, b->session->open_tod);
	b->seg_start = b->seg_end = INT64_MIN;  /* the segment belongs to the old day */
}

/*
 * Cache the segment holding t: the longest run of the day, cut at phase
 * changes, whose instants are all regular or all not.  Walks the day's phase
 * changes from midnight, a handful at most.
 */
static void td_bars_locate_segment(td_bars *b, td_ns t)
{
	td_ns start = b->day_start, end;
	bool regular = td_bars_regular_at(b, start);
	for (;;) {
		end = start;
		do
			end = td_session_next_change(b->session, end);
		while (end < b->day_end && td_bars_regular_at(b, end) == regular);
		if (end > b->day_end)
			end = b->day_end;
		if (t < end)
			break;
		start = end;
		regular = !regular;
	}
	b->seg_start = start;
	b->seg_end = end;
	b->seg_regular = regular;
}

/* The edges of tf's bar holding t, for t in the cached segment. */
static void td_bars_edges(const td_bars *b, td_bars_tf tf, td_ns t, td_ns *start, td_ns *end)
{
	if (tf == TD_BARS_DAILY) {
		*start = b->all_hours ? b->day_start : b->seg_start;
		*end = b->all_hours ? b->day_end : b->seg_end;
		return;
	}
	td_ns len = td_bars_len[tf];
	td_ns slot = b->anchor + td_bars_floor_div(t - b->anchor, len) * len;
	*start = slot > b->seg_start ? slot : b->seg_start;
	*end = slot + len < b->seg_end ? slot + len : b->seg_end;
}

/* Give an empty bar the edges, date and flag of the bar holding t. */
static void td_bars_key(const td_bars *b, td_bars_tf tf, td_ns t, td_bacc *a)
{
	td_bars_edges(b, tf, t, &a->start, &a->end);
	a->len = (uint64_t)a->end - (uint64_t)a->start;
	a->date = b->date;
	a->regular = b->seg_regular;
}

/* Start a minute with trade t at time ts, and key the empty longer bars. */
static void td_bars_open(td_bars *b, const td_trade *t, td_ns ts)
{
	for (int tf = TD_BARS_5M; tf < TD_BARS_NTF; tf++)
		if (b->acc[tf].trades == 0)
			td_bars_key(b, (td_bars_tf)tf, ts, &b->acc[tf]);
	td_bacc *m = &b->minute;
	td_bars_key(b, TD_BARS_1M, ts, m);
	m->open = m->high = m->low = m->close = t->px;
	m->vol[0] = m->vol[1] = m->vol[2] = 0;
	m->s1 = m->s2 = 0;
	td_bacc_add(m, t);
}

/* A trade the hot path did not take: elsewhere in time, far from the open, or bad. */
static int td_bars_add_slow(td_bars *b, const td_trade *t)
{
	if (td_bars_trade_bad(t) || !td_bars_time_ok(t->ts)) {
		b->counts.rejected++;
		return -1;
	}
	b->counts.accepted++;
	td_ns ts = t->ts;
	if (ts < b->hw) {
		ts = b->hw;
		b->counts.late++;
	}
	if (b->minute.trades && (uint64_t)ts - (uint64_t)b->minute.start < b->minute.len) {
		td_bacc_add(&b->minute, t);  /* late, or too far from the open for the hot path */
		return 0;
	}
	td_bars_advance(b, ts);
	if (ts < b->day_start || ts >= b->day_end)
		td_bars_locate_day(b, ts);
	if (ts < b->seg_start || ts >= b->seg_end)
		td_bars_locate_segment(b, ts);
	if (!b->seg_regular && !b->all_hours) {
		b->counts.skipped++;
		return 0;
	}
	td_bars_open(b, t, ts);
	return 0;
}

/*
 * The hot path's one test: t is valid, inside the forming minute m, and
 * within 2^31 ticks of its open; *d is then px - open.
 */
static inline bool td_bars_hot(const td_bacc *m, const td_trade *t, int64_t *d)
{
	*d = (int64_t)((uint64_t)t->px - (uint64_t)m->open);
	uint64_t bad = td_bars_trade_bad(t) | ((uint64_t)*d + (UINT64_C(1) << 31)) >> 32;
	return bad == 0 && (uint64_t)t->ts - (uint64_t)m->start < m->len;
}

int td_bars_add(td_bars *b, const td_trade *t)
{
	int64_t d;
	if (td_bars_hot(&b->minute, t, &d)) {
		b->counts.accepted++;
		td_bacc_near(&b->minute, t, d);
		b->minute.close = t->px;
		b->minute.trades++;
		return 0;
	}
	return td_bars_add_slow(b, t);
}

/*
 * The same steps as td_bars_add, with the forming minute copied to a local
 * for each run of trades inside it: through b the compiler must assume the
 * minute may alias the trades and keep it in memory, as a local it stays in
 * registers.
 */
size_t td_bars_add_all(td_bars *b, const td_trade *t, size_t n)
{
	const td_trade *end = t + n;
	size_t ok = 0;
	while (t < end) {
		int64_t d;
		if (!td_bars_hot(&b->minute, t, &d)) {
			ok += td_bars_add_slow(b, t++) == 0;
			continue;
		}
		td_bacc m = b->minute;
		const td_trade *run = t;
		for (; t < end && td_bars_hot(&m, t, &d); t++)
			td_bacc_near(&m, t, d);
		m.close = t[-1].px;
		m.trades += (uint64_t)(t - run);
		b->minute = m;
		b->counts.accepted += (uint64_t)(t - run);
		ok += (size_t)(t - run);
	}
	return ok;
}

size_t td_bars_count(const td_bars *b, td_bars_tf tf)
{
	return (unsigned)tf < TD_BARS_NTF ? b->ring[tf].count : 0;
}

bool td_bars_get(const td_bars *b, td_bars_tf tf, size_t i, td_bar *out)
{
	if ((unsigned)tf >= TD_BARS_NTF || i >= b->ring[tf].count)
		return false;
	const td_bars_ring *r = &b->ring[tf];
	*out = r->slot[(r->head + r->cap - 1 - i) % r->cap];
	return true;
}

bool td_bars_forming(const td_bars *b, td_bars_tf tf, td_bar *out)
{
	if ((unsigned)tf >= TD_BARS_NTF)
		return false;
	if (tf == TD_BARS_1M) {
		if (b->minute.trades == 0)
			return false;
		td_bacc_bar(&b->minute, out);
		return true;
	}
	td_bacc a = b->acc[tf];
	if (b->minute.trades)
		td_bacc_merge(&a, &b->minute);
	if (a.trades == 0)
		return false;
	td_bacc_bar(&a, out);
	return true;
}

uint64_t td_bars_closed(const td_bars *b, td_bars_tf tf)
{
	return (unsigned)tf < TD_BARS_NTF ? b->ring[tf].closed : 0;
}

bool td_bars_session_vwap(const td_bars *b, td_bars_vwap *out)
{
	td_bacc s = b->session_acc;
	const td_bacc *m = &b->minute;
	if (m->trades && m->regular)
		td_bars_session_fold(&s, m);
	if (s.trades == 0)
		return false;
	td_bar bar;
	td_bacc_bar(&s, &bar);
	/* about the open: mean d = s1/V, variance = s2/V - (s1/V)^2, d small so no cancellation */
	long double v = (long double)bar.volume;
	long double mean = (long double)(td_i128)s.s1 / v;
	long double var = (long double)(td_i128)s.s2 / v - mean * mean;
	double sd = var > 0 ? (double)sqrtl(var) : 0.0;
	*out = (td_bars_vwap){
		.date = s.date,
		.volume = bar.volume,
		.cum_delta = bar.delta,
		.vwap = bar.vwap,
		.sd = sd,
		.upper1 = bar.vwap + sd,
		.lower1 = bar.vwap - sd,
		.upper2 = bar.vwap + 2 * sd,
		.lower2 = bar.vwap - 2 * sd,
	};
	return true;
}

void td_bars_counts_get(const td_bars *b, td_bars_counts *out)
{
	*out = b->counts;
}

size_t td_bars_memory(const td_bars *b)
{
	return sizeof(*b) + b->store_bytes;
}

const char *td_bars_tf_name(td_bars_tf tf)
{
	return (unsigned)tf < TD_BARS_NTF ? td_bars_names[tf] : "?";
}
