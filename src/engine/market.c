/*
 * Market state.  Per-event work is O(TD_BOOK_DEPTH) at worst (a level
 * insert); everything else is O(1).  Book levels arrive one at a time as
 * TD_EV_LEVEL, so each side is kept as a small sorted array; a level that
 * falls off the kept depth is forgotten, as on any depth-limited feed.
 */
#include "market.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct td_market {
	const td_registry *reg;  /* borrowed */
	size_t n;
	td_quote_state *q;       /* n entries */
	td_print tape[TD_TAPE_LEN];
	size_t tape_head;        /* next slot */
	size_t tape_count;
	td_market_stats stats;
};

/* A quote state with no data yet. */
static void quote_init(td_quote_state *q)
{
	memset(q, 0, sizeof(*q));
	q->last = q->ref = q->high = q->low = TD_PX_NONE;
	q->bid = q->ask = TD_PX_NONE;
}

td_market *td_market_new(const td_registry *reg)
{
	td_market *m = calloc(1, sizeof(*m));
	if (!m)
		return NULL;
	m->reg = reg;
	m->n = td_registry_count(reg);
	m->q = calloc(m->n ? m->n : 1, sizeof(*m->q));
	if (!m->q) {
		free(m);
		return NULL;
	}
	for (size_t i = 0; i < m->n; i++)
		quote_init(&m->q[i]);
	m->stats.phase = TD_PHASE_CLOSED;
	return m;
}

void td_market_free(td_market *m)
{
	if (!m)
		return;
	free(m->q);
	free(m);
}

/* Record a print in the quote and on the tape. */
static void apply_trade(td_market *m, td_quote_state *q, const td_event *ev)
{
	const td_ev_trade *t = &ev->u.trade;
	q->last = t->px;
	q->last_size = t->size;
	q->last_aggr = t->aggressor;
	if (q->ref == TD_PX_NONE)
		q->ref = t->px;
	if (q->high == TD_PX_NONE || t->px > q->high)
		q->high = t->px;
	if (q->low == TD_PX_NONE || t->px < q->low)
		q->low = t->px;
	q->volume += t->size;
	q->pv += t->px * t->size;
	q->trades++;
	if (t->aggressor == TD_SIDE_BUY)
		q->buy_volume += t->size;
	else if (t->aggressor == TD_SIDE_SELL)
		q->sell_volume += t->size;
	m->tape[m->tape_head] = (td_print){ ev->instr, t->aggressor, t->px, t->size, ev->exch_ns };
	m->tape_head = (m->tape_head + 1) % TD_TAPE_LEN;
	if (m->tape_count < TD_TAPE_LEN)
		m->tape_count++;
}

/* Does price a rank before b on this side (bids descending, asks ascending)? */
static bool better(bool bid, td_ticks a, td_ticks b)
{
	return bid ? a > b : a < b;
}

/* Set one level's size on a sorted, depth-limited side; size 0 removes it. */
static void side_set(td_book_side *s, bool bid, td_ticks px, int64_t size)
{
	int i = 0;
	while (i < s->n && better(bid, s->px[i], px))
		i++;
	bool found = i < s->n && s->px[i] == px;
	if (size <= 0) {
		if (!found)
			return;
		memmove(&s->px[i], &s->px[i + 1], (size_t)(s->n - i - 1) * sizeof(s->px[0]));
		memmove(&s->size[i], &s->size[i + 1], (size_t)(s->n - i - 1) * sizeof(s->size[0]));
		s->n--;
		return;
	}
	if (found) {
		s->size[i] = size;
		return;
	}
	if (i >= TD_BOOK_DEPTH)
		return;
	int tail = (s->n < TD_BOOK_DEPTH ? s->n : TD_BOOK_DEPTH - 1) - i;
	memmove(&s->px[i + 1], &s->px[i], (size_t)tail * sizeof(s->px[0]));
	memmove(&s->size[i + 1], &s->size[i], (size_t)tail * sizeof(s->size[0]));
	s->px[i] = px;
	s->size[i] = size;
	if (s->n < TD_BOOK_DEPTH)
		s->n++;
}

/* A best bid/offer; the L2 book is trimmed so it never crosses the new L1. */
static void apply_quote(td_quote_state *q, const td_ev_quote *u)
{
	q->bid = u->bid;
	q->ask = u->ask;
	q->bid_sz = u->bid_sz;
	q->ask_sz = u->ask_sz;
	while (u->bid != TD_PX_NONE && q->bids.n > 0 && q->bids.px[0] > u->bid)
		side_set(&q->bids, true, q->bids.px[0], 0);
	while (u->ask != TD_PX_NONE && q->asks.n > 0 && q->asks.px[0] < u->ask)
		side_set(&q->asks, false, q->asks.px[0], 0);
}

/* An option quote with the source's cumulative volume and open interest. */
static void apply_optq(td_quote_state *q, const td_ev_optq *u)
{
	q->bid = u->bid;
	q->ask = u->ask;
	q->bid_sz = u->bid_sz;
	q->ask_sz = u->ask_sz;
	if (u->volume > q->volume)
		q->volume = u->volume;
	q->oi = u->oi;
}

/* Session and feed-health announcements. */
static void apply_status(td_market *m, const td_ev_status *s)
{
	switch ((td_status_kind)s->kind) {
	case TD_ST_PHASE:
		if (s->phase < TD_PHASE_COUNT)
			m->stats.phase = (td_phase)s->phase;
		break;
	case TD_ST_GAP:
		if (s->code > 0)
			m->stats.gaps += (uint64_t)s->code;
		break;
	case TD_ST_FEED_DOWN:
		m->stats.feed_down = true;
		break;
	case TD_ST_FEED_UP:
		m->stats.feed_down = false;
		break;
	case TD_ST_HEARTBEAT:
		break;
	}
}

bool td_market_apply(td_market *m, const td_event *ev)
{
	if (ev->type == TD_EV_NONE || ev->type >= TD_EV_TYPE_COUNT ||
	    (ev->type != TD_EV_STATUS && ev->instr >= m->n)) {
		m->stats.rejected++;
		return false;
	}
	td_quote_state *q = ev->type == TD_EV_STATUS ? NULL : &m->q[ev->instr];
	switch ((td_ev_type)ev->type) {
	case TD_EV_TRADE:
		apply_trade(m, q, ev);
		break;
	case TD_EV_QUOTE:
		apply_quote(q, &ev->u.quote);
		break;
	case TD_EV_LEVEL:
		side_set(ev->u.level.side == TD_SIDE_BUY ? &q->bids : &q->asks,
			 ev->u.level.side == TD_SIDE_BUY, ev->u.level.px, ev->u.level.size);
		break;
	case TD_EV_OPTQ:
		apply_optq(q, &ev->u.optq);
		break;
	case TD_EV_STATUS:
		apply_status(m, &ev->u.status);
		break;
	case TD_EV_NONE:
	case TD_EV_TYPE_COUNT:
		break;
	}
	if (q)
		q->updated = ev->exch_ns;
	m->stats.events++;
	m->stats.by_type[ev->type]++;
	if (ev->exch_ns > m->stats.clock)
		m->stats.clock = ev->exch_ns;
	m->stats.last_recv = ev->recv_ns;
	return true;
}

const td_quote_state *td_market_get(const td_market *m, uint32_t id)
{
	return id < m->n ? &m->q[id] : NULL;
}

double td_market_vwap(const td_market *m, uint32_t id)
{
	const td_quote_state *q = td_market_get(m, id);
	const td_instrument *ins = td_registry_get(m->reg, id);
	if (!q || !ins || q->volume <= 0 || q->trades == 0)
		return NAN;
	return td_px_to_double(ins->px, 1) * (double)q->pv / (double)q->volume;
}

const td_market_stats *td_market_stats_get(const td_market *m)
{
	return &m->stats;
}

const td_registry *td_market_registry(const td_market *m)
{
	return m->reg;
}

const td_print *td_market_print(const td_market *m, size_t i)
{
	if (i >= m->tape_count)
		return NULL;
	return &m->tape[(m->tape_head + TD_TAPE_LEN - 1 - i) % TD_TAPE_LEN];
}

size_t td_market_print_count(const td_market *m)
{
	return m->tape_count;
}
