/*
 * The paper broker.  The rules are doc/paper.md's; this is how they run.
 *
 * Working orders (resting limits and stops waiting for their trigger) sit
 * in one array in queue-time order, so a print is offered to them in the
 * order they were placed and a re-queued order moves to the end.
 *
 * The event queue is a ring of fixed size.  Each working order keeps one
 * slot of it for its final event (expired at the close, cancelled), so
 * those can always be written; every other step first checks that the ring
 * has room for the most events it can write (an ACK, a fill per book level,
 * a final event) and is refused, or skipped and counted, when it has not.
 */
#include "oms/paper.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"
#include "oms/combo.h"

typedef td_ticks (*trail_fn)(td_ticks best, int64_t trail);

static td_ticks trail_ticks(td_ticks best, int64_t ticks)
{
	(void)best;
	return ticks;
}

/* Basis points of the price, rounded up to a whole tick: that puts the
 * stop further from the market on either side. */
static td_ticks trail_bps(td_ticks best, int64_t bps)
{
	td_ticks mag = best < 0 ? -best : best;
	return (mag * bps + 9999) / 10000;
}

/* How each order type matches. */
static const struct kind {
	bool limit;     /* fills at the limit or better, and the rest rests */
	bool waits;     /* does nothing until a print reaches the stop */
	trail_fn trail; /* the stop follows the best print by this distance; NULL: it stays */
} kinds[TD_OT_COUNT] = {
	[TD_OT_MARKET] = { false, false, NULL },
	[TD_OT_LIMIT] = { true, false, NULL },
	[TD_OT_STOP] = { false, true, NULL },
	[TD_OT_STOP_LIMIT] = { true, true, NULL },
	[TD_OT_TRAIL_AMOUNT] = { false, true, trail_ticks },
	[TD_OT_TRAIL_PERCENT] = { false, true, trail_bps },
};

/* What a time in force does with what the immediate matching left. */
static const struct tif_rule {
	bool rests;     /* it may work on */
	bool day;       /* it expires when the trading day ends */
} tif_rules[TD_TIF_COUNT] = {
	[TD_TIF_DAY] = { true, true },
	[TD_TIF_GTC] = { true, false },
	[TD_TIF_IOC] = { false, false },
};

typedef struct work {
	td_order o;                 /* as placed, with its fills counted */
	const td_instrument *ins;
	td_ticks limit, stop;       /* now: a modify changes them, a trail moves the stop */
	td_ticks best;              /* trails: the best print since placement, or TD_PX_NONE */
	int64_t ahead;              /* a resting limit: displayed units ahead of it at its price */
	bool live;                  /* matching as a market or limit order (a stop: triggered) */
} work;

/* A multi-leg order: its legs fill together, a unit of the strategy at a time. */
typedef struct combo {
	work legs[TD_COMBO_LEGS_MAX];
	size_t n;
	td_ticks max_debit;         /* the most the legs may cost per unit (ticks); TD_PX_NONE at market */
} combo;

typedef struct paper {
	const td_market *m;
	const td_registry *reg;
	td_paper_params p;
	work *w;                    /* p.max_orders; nw in use, in queue-time order */
	size_t nw;
	combo *c;                   /* p.max_orders; nc in use */
	size_t nc;
	td_broker_ev *q;            /* ring of p.max_events; qn from qhead */
	size_t qhead, qn;
	double cash;
	td_phase phase;             /* last phase announced */
	uint64_t stalled;
} paper;

/* One book side as levels, best first: the displayed book, or the L1 quote
 * as a single level when the source sends no book. */
typedef struct side_view {
	const td_ticks *px;
	const int64_t *size;
	int n;
	td_ticks one_px;
	int64_t one_size;
} side_view;

static bool is_buy(const work *w)
{
	return w->o.req.side == TD_SIDE_BUY;
}

static int64_t open_qty(const work *w)
{
	return w->o.req.qty - w->o.filled;
}

static int64_t min64(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

/* Can a price trade against a buy (sell) limit?  No limit: any price can. */
static bool reaches(bool buy, td_ticks px, td_ticks limit)
{
	return limit == TD_PX_NONE || (buy ? px <= limit : px >= limit);
}

static td_ns clock_now(const paper *p)
{
	return td_market_stats_get(p->m)->clock;
}

/* Ring slots free beyond those the working orders keep for their final event. */
static size_t room(const paper *p)
{
	size_t used = p->qn + p->nw;
	for (size_t i = 0; i < p->nc; i++)
		used += p->c[i].n;
	return used < p->p.max_events ? p->p.max_events - used : 0;
}

static td_broker_ev *push(paper *p, td_broker_ev_type type, const char *id, td_ns t)
{
	td_broker_ev *e = &p->q[(p->qhead + p->qn++) % p->p.max_events];
	memset(e, 0, sizeof *e);
	e->type = type;
	td_strlcpy(e->id, id, sizeof e->id);
	e->px = e->stop = TD_PX_NONE;
	e->t = t;
	return e;
}

static void push_why(paper *p, td_broker_ev_type type, const char *id, td_ns t, const char *why)
{
	td_broker_ev *e = push(p, type, id, t);
	td_strlcpy(e->why, why, sizeof e->why);
}

static void view_side(const td_book_side *b, td_ticks l1, int32_t l1_size, side_view *v)
{
	if (b->n > 0) {
		v->px = b->px;
		v->size = b->size;
		v->n = b->n;
		return;
	}
	v->one_px = l1;
	v->one_size = l1_size;
	v->px = &v->one_px;
	v->size = &v->one_size;
	v->n = l1 != TD_PX_NONE && l1_size > 0;
}

/* The side an order of this direction takes from (asks for a buy). */
static void view_opposite(const td_quote_state *q, bool buy, side_view *v)
{
	if (buy)
		view_side(&q->asks, q->ask, q->ask_sz, v);
	else
		view_side(&q->bids, q->bid, q->bid_sz, v);
}

/* Displayed units at px on the order's own side: the queue it joins. */
static int64_t displayed(const td_quote_state *q, bool buy, td_ticks px)
{
	side_view v;
	if (buy)
		view_side(&q->bids, q->bid, q->bid_sz, &v);
	else
		view_side(&q->asks, q->ask, q->ask_sz, &v);
	for (int i = 0; i < v.n; i++)
		if (v.px[i] == px)
			return v.size[i];
	return 0;
}

static void fill(paper *p, work *w, int64_t qty, td_ticks px, td_ns t)
{
	double fee = p->p.fee ? p->p.fee(p->p.fee_ctx, &w->o, qty, px) : 0.0;
	double value = td_px_to_double(w->ins->px, px) * (double)qty * (double)w->ins->multiplier;
	p->cash += (is_buy(w) ? -value : value) - fee;
	w->o.filled += qty;
	w->o.fill_value += qty * px;
	td_broker_ev *e = push(p, TD_BEV_FILL, w->o.id, t);
	e->qty = qty;
	e->px = px;
	e->fee = fee;
}

/* Take the opposite side best first, up to the limit if the order has one;
 * one fill per level.  Returns the levels that were there to take. */
static int walk(paper *p, work *w, const td_quote_state *q, td_ns t)
{
	side_view v;
	view_opposite(q, is_buy(w), &v);
	td_ticks limit = kinds[w->o.req.type].limit ? w->limit : TD_PX_NONE;
	int i = 0;
	for (; i < v.n && open_qty(w) > 0 && reaches(is_buy(w), v.px[i], limit); i++)
		if (v.size[i] > 0)
			fill(p, w, min64(open_qty(w), v.size[i]), v.px[i], t);
	return i;
}

/* After the immediate matching: true when the order works on (it joins the
 * back of the displayed queue at its limit); otherwise its end is written. */
static bool settle(paper *p, work *w, const td_quote_state *q, int levels, td_ns t)
{
	char why[96];
	if (open_qty(w) == 0)
		return false;
	if (!tif_rules[w->o.req.tif].rests)
		snprintf(why, sizeof why, "IOC: %lld not filled at once", (long long)open_qty(w));
	else if (!kinds[w->o.req.type].limit && levels == 0)
		snprintf(why, sizeof why, "no quotes to fill against: %lld not filled", (long long)open_qty(w));
	else if (!kinds[w->o.req.type].limit)
		snprintf(why, sizeof why, "the book ran out after %d level%s: %lld not filled", levels,
			 levels == 1 ? "" : "s", (long long)open_qty(w));
	else {
		w->ahead = displayed(q, is_buy(w), w->limit);
		return true;
	}
	push_why(p, TD_BEV_EXPIRED, w->o.id, t, why);
	return false;
}

/* Match now as a market or limit order; true when it works on. */
static bool go_live(paper *p, work *w, const td_quote_state *q, td_ns t)
{
	w->live = true;
	int levels = walk(p, w, q, t);
	return settle(p, w, q, levels, t);
}

static bool find(const paper *p, const char *id, size_t *at)
{
	for (size_t i = 0; i < p->nw; i++)
		if (strcmp(p->w[i].o.id, id) == 0) {
			*at = i;
			return true;
		}
	return false;
}

static void drop(paper *p, size_t i)
{
	memmove(&p->w[i], &p->w[i + 1], (p->nw - i - 1) * sizeof p->w[0]);
	p->nw--;
}

/* Move order i to the back of the queue-time order; returns its new place. */
static work *to_back(paper *p, size_t i)
{
	work w = p->w[i];
	drop(p, i);
	p->w[p->nw] = w;
	return &p->w[p->nw++];
}

/* Why an order cannot be taken at all, or 0. */
static int refuse(const paper *p, const td_order *o, char *why, size_t n)
{
	size_t at;
	if (td_order_req_check(&o->req, why, n) != 0)
		return -1;
	if (!td_registry_get(p->reg, o->req.instr) || !td_market_get(p->m, o->req.instr))
		return td_errf(why, n, "unknown instrument %u", o->req.instr);
	if (o->id[0] == '\0' || find(p, o->id, &at))
		return td_errf(why, n, "order id '%s' is empty or already working", o->id);
	const struct kind *k = &kinds[o->req.type];
	bool may_work = k->waits || (k->limit && tif_rules[o->req.tif].rests);
	if (may_work && p->nw == p->p.max_orders)
		return td_errf(why, n, "%zu orders working: the paper broker's limit", p->nw);
	side_view v;
	view_opposite(td_market_get(p->m, o->req.instr), o->req.side == TD_SIDE_BUY, &v);
	if (o->req.type == TD_OT_MARKET && v.n == 0)
		return td_errf(why, n, "no quotes to fill a market order against");
	return 0;
}

/* A trail's first stop: the one given, else the distance from the last print. */
static void trail_start(work *w, const td_quote_state *q)
{
	w->best = TD_PX_NONE;
	if (w->stop != TD_PX_NONE || q->last == TD_PX_NONE)
		return;
	td_ticks d = kinds[w->o.req.type].trail(q->last, w->o.req.trail);
	w->best = q->last;
	w->stop = is_buy(w) ? q->last + d : q->last - d;
}

static void work_init(const paper *p, work *w, const td_order *o, const td_quote_state *q)
{
	memset(w, 0, sizeof *w);
	w->o = *o;
	w->o.filled = 0;
	w->o.fill_value = 0;
	w->ins = td_registry_get(p->reg, o->req.instr);
	w->limit = o->req.limit;
	w->stop = o->req.stop;
	w->best = TD_PX_NONE;
	if (kinds[o->req.type].trail)
		trail_start(w, q);
}

static int paper_place(void *b, const td_order *o, char *err, size_t errlen)
{
	paper *p = b;
	if (room(p) < TD_PAPER_MIN_EVENTS)
		return td_errf(err, errlen, "paper broker: event queue too full for an order, poll first "
			       "(%zu of %zu slots used)", p->qn + p->nw, p->p.max_events);
	td_ns t = clock_now(p);
	char why[96];
	if (refuse(p, o, why, sizeof why) != 0) {
		push_why(p, TD_BEV_REJECT, o->id, t, why);
		return 0;
	}
	const td_quote_state *q = td_market_get(p->m, o->req.instr);
	work *w = &p->w[p->nw];  /* kept only when it works on */
	work_init(p, w, o, q);
	push(p, TD_BEV_ACK, o->id, t);
	if (kinds[o->req.type].waits || go_live(p, w, q, t))
		p->nw++;
	return 0;
}

/* ---- multi-leg orders ------------------------------------------------------------ */

/*
 * Match a combo at the top of each leg's book: when every leg has a touch
 * and the legs' net there is within the limit, fill the units all the
 * touches' sizes allow, every leg at its touch.  True when it works on.
 */
static bool combo_match(paper *p, combo *c, td_ns t)
{
	td_ticks px[TD_COMBO_LEGS_MAX], net = 0;
	int64_t units = open_qty(&c->legs[0]);
	for (size_t i = 0; i < c->n; i++) {
		side_view v;
		bool buy = is_buy(&c->legs[i]);
		view_opposite(td_market_get(p->m, c->legs[i].o.req.instr), buy, &v);
		px[i] = v.n > 0 ? v.px[0] : TD_PX_NONE;
		units = v.n > 0 ? min64(units, v.size[0]) : 0;
		net += buy ? px[i] : -px[i];
	}
	if (units > 0 && (c->max_debit == TD_PX_NONE || net <= c->max_debit))
		for (size_t i = 0; i < c->n; i++)
			fill(p, &c->legs[i], units, px[i], t);
	if (open_qty(&c->legs[0]) == 0)
		return false;
	const char *why = !tif_rules[c->legs[0].o.req.tif].rests ? "IOC: not filled at once"
			  : c->max_debit == TD_PX_NONE		 ? "market: the legs' quotes ran out"
								 : NULL;
	for (size_t i = 0; why && i < c->n; i++)
		push_why(p, TD_BEV_EXPIRED, c->legs[i].o.id, t, why);
	return why == NULL;
}

static void combo_drop(paper *p, size_t i)
{
	memmove(&p->c[i], &p->c[i + 1], (p->nc - i - 1) * sizeof p->c[0]);
	p->nc--;
}

static bool combo_find(const paper *p, const char *id, size_t *at)
{
	for (size_t i = 0; i < p->nc; i++)
		for (size_t k = 0; k < p->c[i].n; k++)
			if (strcmp(p->c[i].legs[k].o.id, id) == 0) {
				*at = i;
				return true;
			}
	return false;
}

static int combo_refuse(const paper *p, const td_order *legs, size_t n, char *why, size_t len)
{
	if (n < 2 || n > TD_COMBO_LEGS_MAX)
		return td_errf(why, len, "a multi-leg order has 2 to %d legs, not %zu", TD_COMBO_LEGS_MAX, n);
	if (p->nc == p->p.max_orders)
		return td_errf(why, len, "%zu multi-leg orders working: the paper broker's limit", p->nc);
	for (size_t i = 0; i < n; i++) {
		const td_quote_state *q = td_market_get(p->m, legs[i].req.instr);
		if (legs[i].req.type != TD_OT_MARKET || legs[i].req.qty != legs[0].req.qty || !q)
			return td_errf(why, len, "leg %s is not a plain leg of the order", legs[i].id);
	}
	return 0;
}

static int paper_place_group(void *b, const td_order *legs, size_t n, td_ticks max_debit, char *err, size_t errlen)
{
	paper *p = b;
	if (room(p) < 2 * TD_COMBO_LEGS_MAX)
		return td_errf(err, errlen, "paper broker: event queue too full for an order, poll first");
	td_ns t = clock_now(p);
	char why[96];
	bool bad = combo_refuse(p, legs, n, why, sizeof why) != 0;
	combo *c = &p->c[p->nc];  /* kept only when it works on */
	memset(c, 0, sizeof *c);
	c->n = n;
	c->max_debit = max_debit;
	for (size_t i = 0; i < n; i++) {
		if (bad) {
			push_why(p, TD_BEV_REJECT, legs[i].id, t, why);
			continue;
		}
		work_init(p, &c->legs[i], &legs[i], td_market_get(p->m, legs[i].req.instr));
		push(p, TD_BEV_ACK, legs[i].id, t);
	}
	if (!bad && combo_match(p, c, t))
		p->nc++;
	return 0;
}

static bool combo_has(const combo *c, uint32_t instr)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->legs[i].o.req.instr == instr)
			return true;
	return false;
}

/* Quotes moved: the combos on that instrument try again. */
static void combos_on(paper *p, uint32_t instr, td_ns t)
{
	for (size_t i = 0; i < p->nc;) {
		if (combo_has(&p->c[i], instr) && room(p) >= p->c[i].n && !combo_match(p, &p->c[i], t))
			combo_drop(p, i);
		else
			i++;
	}
}

static void combos_cancel(paper *p, size_t i, td_ns t, const char *why)
{
	for (size_t k = 0; k < p->c[i].n; k++)
		push_why(p, TD_BEV_CANCELLED, p->c[i].legs[k].o.id, t, why);
	combo_drop(p, i);
}

/* Why a modify cannot apply to w, or 0. */
static int modify_refuse(const work *w, int64_t qty, td_ticks limit, td_ticks stop, char *why, size_t n)
{
	const struct kind *k = &kinds[w->o.req.type];
	if (qty < 0 || (qty > 0 && qty <= w->o.filled))
		return td_errf(why, n, "a total of %lld is not above the %lld filled (cancel the rest instead)",
			       (long long)qty, (long long)w->o.filled);
	if (limit != TD_PX_NONE && (!k->limit || limit <= 0))
		return td_errf(why, n, "a %s order takes no limit price %lld", td_order_type_name(w->o.req.type),
			       (long long)limit);
	if (stop != TD_PX_NONE && (!k->waits || w->live || stop <= 0))
		return td_errf(why, n, "no stop to change on this %s order", td_order_type_name(w->o.req.type));
	return 0;
}

static void modify_apply(paper *p, work *w, int64_t qty, td_ticks limit, td_ticks stop, td_ns t)
{
	if (qty > 0)
		w->o.req.qty = qty;
	if (limit != TD_PX_NONE)
		w->limit = w->o.req.limit = limit;
	if (stop != TD_PX_NONE)
		w->stop = w->o.req.stop = stop;
	td_broker_ev *e = push(p, TD_BEV_REPLACED, w->o.id, t);
	e->qty = w->o.req.qty;
	e->px = w->limit;
	e->stop = w->stop;
}

static int paper_modify(void *b, const char *id, int64_t qty, td_ticks limit, td_ticks stop, char *err,
			size_t errlen)
{
	paper *p = b;
	if (room(p) < TD_BOOK_DEPTH + 1)
		return td_errf(err, errlen, "paper broker: event queue too full for a modify, poll first "
			       "(%zu of %zu slots used)", p->qn + p->nw, p->p.max_events);
	td_ns t = clock_now(p);
	char why[96];
	size_t i;
	work *w = find(p, id, &i) ? &p->w[i] : NULL;
	if (!w)
		snprintf(why, sizeof why, "no working order '%s' (unknown, or filled, cancelled or expired)", id);
	if (!w || modify_refuse(w, qty, limit, stop, why, sizeof why) != 0) {
		push_why(p, TD_BEV_REJECT, id, t, why);
		return 0;
	}
	/* A new price, or more quantity, loses the place in the queue (as on most exchanges). */
	bool requeue = (limit != TD_PX_NONE && limit != w->limit) || qty > w->o.req.qty;
	modify_apply(p, w, qty, limit, stop, t);
	if (!requeue)
		return 0;
	w = to_back(p, i);
	if (w->live && !go_live(p, w, td_market_get(p->m, w->o.req.instr), t))
		drop(p, p->nw - 1);
	return 0;
}

static td_ticks paper_working_stop(void *b, const char *id)
{
	const paper *p = b;
	size_t i;
	return find(p, id, &i) && !p->w[i].live ? p->w[i].stop : TD_PX_NONE;
}

static int paper_cancel(void *b, const char *id, char *err, size_t errlen)
{
	paper *p = b;
	size_t i;
	if (find(p, id, &i)) {
		push_why(p, TD_BEV_CANCELLED, id, clock_now(p), "cancelled on request");
		drop(p, i);
		return 0;
	}
	if (combo_find(p, id, &i)) {
		combos_cancel(p, i, clock_now(p), "cancelled on request, with every leg");
		return 0;
	}
	if (room(p) < 1)
		return td_errf(err, errlen, "paper broker: event queue full, poll first (%zu of %zu slots used)",
			       p->qn + p->nw, p->p.max_events);
	char why[96];
	snprintf(why, sizeof why, "no working order '%s' (unknown, or filled, cancelled or expired)", id);
	push_why(p, TD_BEV_REJECT, id, clock_now(p), why);
	return 0;
}

/*
 * The units a print of px (with *left of its size not yet given to an
 * earlier order of ours) gives a resting limit.  Through the limit: at
 * once; at the limit: only once the displayed queue ahead has traded.
 */
static int64_t print_take(work *w, td_ticks px, int64_t *left)
{
	int64_t avail = *left;
	if (px == w->limit) {
		int64_t used = min64(w->ahead, *left);
		w->ahead -= used;
		avail -= used;
	} else {
		w->ahead = 0;
	}
	int64_t take = min64(avail, open_qty(w));
	*left -= take;
	return take;
}

/* A print against a resting limit; true while it works on. */
static bool print_resting(paper *p, work *w, td_ticks px, int64_t *left, td_ns t)
{
	if (!reaches(is_buy(w), px, w->limit))
		return true;
	if (room(p) < 1) {
		p->stalled++;
		return true;
	}
	int64_t take = print_take(w, px, left);
	if (take > 0)
		fill(p, w, take, w->limit, t);
	return open_qty(w) > 0;
}

/* A trail's stop follows the best print; it never moves back. */
static void trail_follow(work *w, td_ticks px)
{
	bool buy = is_buy(w);
	if (w->best == TD_PX_NONE || (buy ? px < w->best : px > w->best))
		w->best = px;
	td_ticks d = kinds[w->o.req.type].trail(w->best, w->o.req.trail);
	td_ticks to = buy ? w->best + d : w->best - d;
	if (w->stop == TD_PX_NONE || (buy ? to < w->stop : to > w->stop))
		w->stop = to;
}

/* A print against a stop waiting for it; true while it works on. */
static bool print_waiting(paper *p, work *w, const td_quote_state *q, td_ticks px, td_ns t)
{
	if (kinds[w->o.req.type].trail)
		trail_follow(w, px);
	if (w->stop == TD_PX_NONE || (is_buy(w) ? px < w->stop : px > w->stop))
		return true;
	if (room(p) < TD_BOOK_DEPTH) {
		p->stalled++;
		return true;
	}
	return go_live(p, w, q, t);
}

static void on_trade(paper *p, const td_event *ev)
{
	const td_quote_state *q = td_market_get(p->m, ev->instr);
	if (!q)
		return;
	int64_t left = ev->u.trade.size;
	size_t i = 0;
	while (i < p->nw) {
		work *w = &p->w[i];
		bool keep = w->o.req.instr != ev->instr ? true
			    : w->live ? print_resting(p, w, ev->u.trade.px, &left, ev->exch_ns)
				      : print_waiting(p, w, q, ev->u.trade.px, ev->exch_ns);
		if (keep)
			i++;
		else
			drop(p, i);
	}
}

/* The trading day ends when the regular session, or the post-market after
 * it, gives way to another phase: DAY orders expire then. */
static void on_phase(paper *p, td_phase to, td_ns t)
{
	td_phase from = p->phase;
	p->phase = to;
	if (to == from || (from != TD_PHASE_REGULAR && from != TD_PHASE_POSTMARKET))
		return;
	char why[96];
	snprintf(why, sizeof why, "DAY order: the %s session ended",
		 from == TD_PHASE_REGULAR ? "regular" : td_phase_name(from));
	for (size_t i = 0; i < p->nw;) {
		if (tif_rules[p->w[i].o.req.tif].day) {
			push_why(p, TD_BEV_EXPIRED, p->w[i].o.id, t, why);
			drop(p, i);
		} else {
			i++;
		}
	}
	for (size_t i = 0; i < p->nc;) {
		if (tif_rules[p->c[i].legs[0].o.req.tif].day) {
			for (size_t k = 0; k < p->c[i].n; k++)
				push_why(p, TD_BEV_EXPIRED, p->c[i].legs[k].o.id, t, why);
			combo_drop(p, i);
		} else {
			i++;
		}
	}
}

static void paper_on_market(void *b, const td_event *ev)
{
	paper *p = b;
	if (ev->type == TD_EV_TRADE)
		on_trade(p, ev);
	if (ev->type != TD_EV_STATUS && p->nc > 0)
		combos_on(p, ev->instr, ev->exch_ns);
	if (ev->type == TD_EV_STATUS && ev->u.status.kind == TD_ST_PHASE && ev->u.status.phase < TD_PHASE_COUNT)
		on_phase(p, (td_phase)ev->u.status.phase, ev->exch_ns);
}

static size_t paper_poll(void *b, td_broker_ev *out, size_t max)
{
	paper *p = b;
	size_t n = 0;
	for (; n < max && p->qn > 0; n++, p->qn--) {
		out[n] = p->q[p->qhead];
		p->qhead = (p->qhead + 1) % p->p.max_events;
	}
	return n;
}

/* No leverage on paper: what can be spent is the cash. */
static int paper_account(void *b, td_broker_account *out)
{
	const paper *p = b;
	out->cash = p->cash;
	out->buying_power = p->cash;
	return 0;
}

static void paper_free(void *b)
{
	paper *p = b;
	if (!p)
		return;
	free(p->w);
	free(p->c);
	free(p->q);
	free(p);
}

static const td_broker_ops paper_ops = {
	.name = "paper",
	.place = paper_place,
	.place_group = paper_place_group,
	.modify = paper_modify,
	.working_stop = paper_working_stop,
	.cancel = paper_cancel,
	.on_market = paper_on_market,
	.poll = paper_poll,
	.account = paper_account,
	.free = paper_free,
};

td_broker td_paper_new(const td_market *m, const td_registry *reg, const td_paper_params *prm)
{
	td_broker none = { NULL, NULL };
	if (!m || !reg || !prm || prm->max_orders == 0 || prm->max_events < TD_PAPER_MIN_EVENTS ||
	    prm->max_orders > SIZE_MAX / sizeof(work) - 1 || prm->max_events > SIZE_MAX / sizeof(td_broker_ev))
		return none;
	paper *p = calloc(1, sizeof *p);
	if (!p)
		return none;
	p->m = m;
	p->reg = reg;
	p->p = *prm;
	p->cash = prm->cash;
	p->phase = td_market_stats_get(m)->phase;
	/* one slot past the working orders: an order that cannot work on (market, IOC) is matched there */
	p->w = calloc(prm->max_orders + 1, sizeof *p->w);
	p->c = calloc(prm->max_orders + 1, sizeof *p->c);
	p->q = calloc(prm->max_events, sizeof *p->q);
	if (!p->w || !p->c || !p->q) {
		paper_free(p);
		return none;
	}
	return (td_broker){ &paper_ops, p };
}

int td_paper_stats_get(const td_broker *b, td_paper_stats *out)
{
	if (!b || b->ops != &paper_ops || !b->impl)
		return -1;
	const paper *p = b->impl;
	*out = (td_paper_stats){ .working = p->nw + p->nc, .queued = p->qn, .stalled = p->stalled };
	return 0;
}
