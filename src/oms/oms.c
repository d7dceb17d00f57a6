/*
 * The order manager: see oms.h.  Journal first, then act.
 */
#include "oms/oms.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"
#include "oms/bracket.h"

#define MAX_EVENTS 64

struct td_oms {
	td_oms_params p;
	td_journal *j;
	td_book *book;
	td_spike *spike;           /* the volatility breaker's windows, per instrument */
	td_order *orders;
	size_t n, cap;
	td_oms_group *groups;      /* multi-leg orders, oldest first */
	size_t ng, gcap;
	td_oms_fill *fills;        /* every fill, oldest first (the fills pane) */
	size_t nfills, fills_cap;
	bool halted;
	td_ns clock_seen;          /* the exchange clock at the last market event (the auto-close looks for its crossing) */
	char note[160];            /* td_oms_take_note */
	double day_high;           /* the day's high-water mark of equity */
	char refusal[TD_JOURNAL_MSG_MAX];
	td_oms_recovery *rec;      /* during td_oms_open only */
};

/* ---- records ---------------------------------------------------------------- */

/* The value of key in a tab-separated key=value payload, copied into buf; "" when absent. */
static const char *field(const char *payload, const char *key, char *buf, size_t n)
{
	size_t klen = strlen(key);
	for (const char *p = payload; p && *p;) {
		const char *end = strchr(p, '\t');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (len > klen && strncmp(p, key, klen) == 0 && p[klen] == '=') {
			size_t v = len - klen - 1 < n - 1 ? len - klen - 1 : n - 1;
			memcpy(buf, p + klen + 1, v);
			buf[v] = '\0';
			return buf;
		}
		p = end ? end + 1 : NULL;
	}
	buf[0] = '\0';
	return buf;
}

static int64_t field_i64(const char *payload, const char *key, int64_t none)
{
	char b[32];
	field(payload, key, b, sizeof b);
	return b[0] ? strtoll(b, NULL, 10) : none;
}

static double field_dbl(const char *payload, const char *key)
{
	char b[40];
	field(payload, key, b, sizeof b);
	return b[0] ? strtod(b, NULL) : 0.0;
}

/* The order with this id, or NULL. */
static td_order *find(const td_oms *o, const char *id)
{
	for (size_t i = o->n; i > 0; i--)
		if (strcmp(o->orders[i - 1].id, id) == 0)
			return &o->orders[i - 1];
	return NULL;
}

const td_order *td_oms_find(const td_oms *o, const char *id)
{
	return find(o, id);
}

static td_order *add_order(td_oms *o)
{
	if (o->n == o->cap) {
		size_t cap = o->cap ? 2 * o->cap : 64;
		td_order *n = realloc(o->orders, cap * sizeof(*n));
		if (!n)
			return NULL;
		o->orders = n;
		o->cap = cap;
	}
	return &o->orders[o->n++];
}

/* ---- applying events (live and on replay) ---------------------------------- */

static double multiplier(const td_oms *o, uint32_t instr)
{
	const td_instrument *ins = td_registry_get(o->p.reg, instr);
	return ins && ins->multiplier > 0 ? (double)ins->multiplier : 1.0;
}

static double to_price(const td_oms *o, uint32_t instr, td_ticks t)
{
	const td_instrument *ins = td_registry_get(o->p.reg, instr);
	return ins && t != TD_PX_NONE ? td_px_to_double(ins->px, t) : NAN;
}

/* An order event as the journal keeps it. */
typedef struct oev {
	td_order_event ev;
	int64_t qty;           /* FILL: units; REPLACE: the new total */
	td_ticks px;           /* FILL: price; REPLACE: the new limit or TD_PX_NONE */
	td_ticks stop;         /* REPLACE: the new stop or TD_PX_NONE */
	double fee;
	const char *why;
	td_ns t;
} oev;

static const td_close_reason close_reason[TD_OR_COUNT] = {
	[TD_OR_ALONE] = TD_CLOSE_MANUAL, [TD_OR_TARGET] = TD_CLOSE_TARGET,
	[TD_OR_STOP] = TD_CLOSE_STOP,    [TD_OR_EXIT] = TD_CLOSE_RULE,
};

static void log_fill(td_oms *o, const td_order *ord, const oev *e)
{
	if (o->nfills == o->fills_cap) {
		size_t cap = o->fills_cap ? 2 * o->fills_cap : 64;
		td_oms_fill *n = realloc(o->fills, cap * sizeof(*n));
		if (!n)
			return;
		o->fills = n;
		o->fills_cap = cap;
	}
	td_oms_fill *f = &o->fills[o->nfills++];
	*f = (td_oms_fill){ .t = e->t, .instr = ord->req.instr, .side = ord->req.side, .qty = e->qty, .px = e->px,
			    .fee = e->fee, .role = ord->role };
	td_strlcpy(f->id, ord->id, sizeof f->id);
}

/* Apply an order event; fills also move the positions.  0, or -1 with err. */
static int apply(td_oms *o, td_order *ord, const oev *e, char *err, size_t errlen)
{
	int rc = e->ev == TD_OEV_REPLACE ? td_order_replace(ord, e->qty, e->px, e->stop, e->t, err, errlen)
					 : td_order_apply(ord, e->ev, e->qty, e->px, e->why, e->t, err, errlen);
	if (rc < 0 || e->ev != TD_OEV_FILL || ord->req.instr == TD_NO_ID)
		return rc;
	td_book_fill(o->book, ord->req.instr, ord->req.side, (double)e->qty, to_price(o, ord->req.instr, e->px), e->fee,
		     multiplier(o, ord->req.instr), e->t, close_reason[ord->role]);
	td_book_tag(o->book, ord->req.instr, ord->req.source);
	log_fill(o, ord, e);
	return 0;
}

/* Journal an order event, then apply it.  0, or -1 with err (nothing applied). */
static int record(td_oms *o, td_order *ord, const oev *e, char *err, size_t errlen)
{
	char payload[TD_JOURNAL_PAYLOAD_MAX], clean[96];
	td_text_sanitize(clean, sizeof clean, e->why ? e->why : "");
	for (char *c = clean; *c; c++)
		if (*c == '\t')
			*c = ' ';
	snprintf(payload, sizeof payload, "id=%s\tev=%d\tqty=%lld\tpx=%lld\tstp=%lld\tfee=%.17g\twhy=%s", ord->id,
		 (int)e->ev, (long long)e->qty, (long long)e->px, (long long)e->stop, e->fee, clean);
	if (td_journal_append(o->j, 'E', e->t, payload, NULL, err, errlen) < 0) {
		td_strlcpy(o->refusal, err, sizeof o->refusal);
		return -1;
	}
	return apply(o, ord, e, err, errlen);
}

/* record() for an event without quantity or prices. */
static int record_event(td_oms *o, td_order *ord, td_order_event ev, const char *why, td_ns t, char *err,
			size_t errlen)
{
	oev e = { .ev = ev, .px = TD_PX_NONE, .stop = TD_PX_NONE, .why = why, .t = t };
	return record(o, ord, &e, err, errlen);
}

static td_ns clock_now(const td_oms *o)
{
	return td_market_stats_get(o->p.m)->clock;
}

/* ---- replay ------------------------------------------------------------------ */

static int replay_order(td_oms *o, const td_journal_rec *r, char *why, size_t n)
{
	char sym[TD_SYMBOL_MAX], id[TD_ORDER_ID_MAX];
	field(r->payload, "id", id, sizeof id);
	field(r->payload, "sym", sym, sizeof sym);
	td_order_req q = {
		.instr = td_registry_find(o->p.reg, sym), .side = (td_side)field_i64(r->payload, "side", 0),
		.qty = field_i64(r->payload, "qty", 0), .type = (td_order_type)field_i64(r->payload, "type", 0),
		.tif = (td_tif)field_i64(r->payload, "tif", 0), .limit = field_i64(r->payload, "lmt", TD_PX_NONE),
		.stop = field_i64(r->payload, "stp", TD_PX_NONE), .trail = field_i64(r->payload, "trail", 0),
		.take_profit = field_i64(r->payload, "tp", 0), .stop_loss = field_i64(r->payload, "sl", 0),
	};
	field(r->payload, "src", q.source, sizeof q.source);
	td_order_role role = (td_order_role)field_i64(r->payload, "role", TD_OR_ALONE);
	if ((unsigned)role >= TD_OR_COUNT)
		return td_errf(why, n, "order '%s' has an unknown role %d", id, (int)role);
	td_order *ord = add_order(o);
	if (!ord)
		return td_errf(why, n, "out of memory");
	td_order_init(ord, id, &q, r->ts);
	ord->role = role;
	field(r->payload, "parent", ord->parent, sizeof ord->parent);
	if (q.instr == TD_NO_ID)
		o->rec->unknown++;
	return 0;
}

static int replay_event(td_oms *o, const td_journal_rec *r, char *why, size_t n)
{
	char id[TD_ORDER_ID_MAX], text[96];
	td_order *ord = find(o, field(r->payload, "id", id, sizeof id));
	if (!ord)
		return td_errf(why, n, "an event for order '%s', which the journal never opened", id);
	field(r->payload, "why", text, sizeof text);
	oev e = { .ev = (td_order_event)field_i64(r->payload, "ev", -1), .qty = field_i64(r->payload, "qty", 0),
		  .px = field_i64(r->payload, "px", TD_PX_NONE), .stop = field_i64(r->payload, "stp", TD_PX_NONE),
		  .fee = field_dbl(r->payload, "fee"), .why = text, .t = r->ts };
	return apply(o, ord, &e, why, n);
}

static td_oms_group *add_group(td_oms *o)
{
	if (o->ng == o->gcap) {
		size_t cap = o->gcap ? 2 * o->gcap : 8;
		td_oms_group *g = realloc(o->groups, cap * sizeof *g);
		if (!g)
			return NULL;
		o->groups = g;
		o->gcap = cap;
	}
	return memset(&o->groups[o->ng++], 0, sizeof o->groups[0]);
}

static int replay_group(td_oms *o, const td_journal_rec *r, char *why, size_t n)
{
	char sym[TD_SYMBOL_MAX];
	td_oms_group *g = add_group(o);
	if (!g)
		return td_errf(why, n, "out of memory");
	field(r->payload, "id", g->id, sizeof g->id);
	g->kind = (td_combo_kind)field_i64(r->payload, "kind", 0);
	g->side = (td_side)field_i64(r->payload, "side", 0);
	g->qty = field_i64(r->payload, "qty", 0);
	g->limit = field_i64(r->payload, "lmt", TD_PX_NONE);
	g->first = td_registry_find(o->p.reg, field(r->payload, "sym", sym, sizeof sym));
	return 0;
}

static int replay(const td_journal_rec *r, void *user, char *why, size_t n)
{
	td_oms *o = user;
	switch (r->kind) {
	case 'O': return replay_order(o, r, why, n);
	case 'E': return replay_event(o, r, why, n);
	case 'K': o->halted = strcmp(r->payload, "halt") == 0; return 0;
	case 'G': return replay_group(o, r, why, n);
	case 'M': return 0;   /* a modify asked for: its effect is the REPLACE event that follows, if any */
	}
	return td_errf(why, n, "unknown record kind '%c'", r->kind);
}

/* Orders working when tapedeck stopped are gone from the paper broker: close them, journalled. */
static void close_orphans(td_oms *o)
{
	char err[256];
	td_ns t = clock_now(o);
	for (size_t i = 0; i < o->n; i++) {
		td_order *ord = &o->orders[i];
		if (td_order_final(ord->state))
			continue;
		const char *why = "not working after a restart";
		if (ord->state == TD_ORD_NEW)
			record_event(o, ord, TD_OEV_RISK_FAIL, "never sent: tapedeck stopped first", t, err, sizeof err);
		else if (ord->state == TD_ORD_PENDING)
			record_event(o, ord, TD_OEV_REJECT, why, t, err, sizeof err);
		else if (record_event(o, ord, TD_OEV_CANCEL_REQ, why, t, err, sizeof err) == 0 ||
			 ord->state == TD_ORD_CANCEL_PENDING)
			record_event(o, ord, TD_OEV_CANCELLED, why, t, err, sizeof err);
		o->rec->cancelled++;
	}
}

/* ---- open and close ------------------------------------------------------------ */

static int open_journal(td_oms *o, td_oms_recovery *rec, char *err, size_t errlen)
{
	char path[1024];
	if (o->p.journal)
		td_strlcpy(path, o->p.journal, sizeof path);
	else if (td_journal_default_path(path, sizeof path) < 0)
		return td_errf(err, errlen, "no state directory for the order journal");
	td_journal_info info;
	o->j = td_journal_open(path, replay, o, &info, err, errlen);
	if (!o->j)
		return -1;
	rec->records = info.records;
	rec->tail = info.tail;
	td_strlcpy(rec->msg, info.msg, sizeof rec->msg);
	if (td_journal_refusal(o->j))
		td_strlcpy(o->refusal, td_journal_refusal(o->j), sizeof o->refusal);
	return 0;
}

/* The volatility breaker, when its limit is set. */
static int open_breaker(td_oms *o, char *err, size_t errlen)
{
	const td_risk_limits *l = &o->p.limits;
	if (!(l->vol_spike_pct > 0))
		return 0;
	o->spike = td_spike_new(td_registry_count(o->p.reg), l->vol_spike_window, l->vol_spike_pct,
				l->vol_spike_cooldown);
	if (!o->spike)
		return td_errf(err, errlen, "no volatility breaker: out of memory, or a window of %d s or a cooldown "
			       "of %d s out of range", l->vol_spike_window, l->vol_spike_cooldown);
	return 0;
}

td_oms *td_oms_open(const td_oms_params *p, td_oms_recovery *rec, char *err, size_t errlen)
{
	td_oms *o = calloc(1, sizeof(*o));
	if (!o) {
		if (p->broker.ops)
			p->broker.ops->free(p->broker.impl);
		td_errf(err, errlen, "out of memory");
		return NULL;
	}
	o->p = *p;
	*rec = (td_oms_recovery){ 0 };
	o->rec = rec;
	o->book = td_book_new(td_registry_count(p->reg));
	if (!o->book || open_breaker(o, err, errlen) < 0 || open_journal(o, rec, err, errlen) < 0) {
		if (!o->book)
			td_errf(err, errlen, "out of memory");
		td_oms_close(o);
		return NULL;
	}
	if (!o->refusal[0])
		close_orphans(o);
	rec->orders = o->n;
	rec->halted = o->halted;
	for (uint32_t i = 0; i < td_registry_count(p->reg); i++)
		rec->positions += td_book_position(o->book, i)->qty != 0;
	o->rec = NULL;
	o->day_high = td_oms_equity(o);
	return o;
}

void td_oms_close(td_oms *o)
{
	if (!o)
		return;
	if (o->p.broker.ops)
		o->p.broker.ops->free(o->p.broker.impl);
	td_journal_close(o->j);
	td_book_free(o->book);
	td_spike_free(o->spike);
	free(o->orders);
	free(o->fills);
	free(o->groups);
	free(o);
}

/* ---- the risk context ------------------------------------------------------- */

/* The last trade, else the mid, in price units. */
static double mark(const td_oms *o, uint32_t instr)
{
	const td_quote_state *q = td_market_get(o->p.m, instr);
	if (!q)
		return NAN;
	if (q->last != TD_PX_NONE)
		return to_price(o, instr, q->last);
	return 0.5 * (to_price(o, instr, q->bid) + to_price(o, instr, q->ask));
}

double td_oms_equity(const td_oms *o)
{
	double e = o->p.capital;
	for (uint32_t i = 0; i < td_registry_count(o->p.reg); i++) {
		const td_position *pos = td_book_position(o->book, i);
		e += pos->realised + (pos->qty ? td_book_unrealised(o->book, i, mark(o, i)) : 0);
	}
	return e;
}

double td_oms_order_price(const td_oms *o, const td_order_req *r)
{
	if (r->limit != TD_PX_NONE)
		return to_price(o, r->instr, r->limit);
	if (r->stop != TD_PX_NONE)
		return to_price(o, r->instr, r->stop);
	const td_quote_state *q = td_market_get(o->p.m, r->instr);
	td_ticks touch = q ? (r->side == TD_SIDE_BUY ? q->ask : q->bid) : TD_PX_NONE;
	return touch != TD_PX_NONE ? to_price(o, r->instr, touch) : mark(o, r->instr);
}

static bool duplicate(const td_oms *o, const td_order_req *r, td_ns now)
{
	if (o->p.dup_window_ms <= 0)
		return false;
	for (size_t i = o->n; i > 0; i--) {
		const td_order *x = &o->orders[i - 1];
		if (now - x->created > (td_ns)o->p.dup_window_ms * 1000000)
			break;
		if (x->req.instr == r->instr && x->req.side == r->side && x->req.qty == r->qty &&
		    x->req.limit == r->limit && x->req.stop == r->stop && x->req.type == r->type)
			return true;
	}
	return false;
}

static void exposure(const td_oms *o, double *gross, double *day_pnl)
{
	*gross = *day_pnl = 0;
	for (uint32_t i = 0; i < td_registry_count(o->p.reg); i++) {
		const td_position *pos = td_book_position(o->book, i);
		*day_pnl += pos->day_realised;
		if (pos->qty == 0)
			continue;
		double px = mark(o, i), u = td_book_unrealised(o->book, i, px);
		*gross += fabs(pos->qty) * px * pos->multiplier;
		*day_pnl += isfinite(u) ? u : 0;
	}
}

/* The local date of t in the exchange's zone, days since 1970-01-01. */
static int64_t local_day(const td_oms *o, td_ns t)
{
	td_ns off = o->p.tz ? (td_ns)td_tz_offset(o->p.tz, t) * TD_NS_PER_SEC : 0;
	td_ns day = 86400 * TD_NS_PER_SEC, l = t + off;
	return (int64_t)(l >= 0 ? l / day : -((-l + day - 1) / day));
}

/* The first day of the 5 business days ending today (weekends skipped; holidays are not modelled). */
static int64_t five_business_days_from(const td_oms *o, int64_t today)
{
	int64_t d = today;
	for (int k = 0; k < 4; k++)
		d = td_calendar_prev_trading_day(o->p.calendar, o->p.market, d);
	return d;
}

/*
 * Day trades for the PDT check: deals opened and closed on the same local
 * day within the last 5 business days; and whether r would close a
 * position opened today (making another).
 */
static int day_trades_5d(const td_oms *o, int64_t today)
{
	int64_t from = five_business_days_from(o, today);
	size_t n;
	const td_deal *d = td_book_deals(o->book, &n);
	int count = 0;
	for (size_t i = n; i > 0; i--) {
		int64_t out = local_day(o, d[i - 1].exit_ns);
		if (out < from)
			break;
		count += local_day(o, d[i - 1].entry_ns) == out;
	}
	return count;
}

static void day_trades(const td_oms *o, const td_order_req *r, int *count, bool *completes)
{
	int64_t today = local_day(o, clock_now(o));
	*count = day_trades_5d(o, today);
	const td_position *pos = td_book_position(o->book, r->instr);
	bool against = pos && pos->qty != 0 && (pos->qty > 0) != (r->side == TD_SIDE_BUY);
	*completes = against && local_day(o, pos->deal.entry_ns) == today;
}

static double margin_of(const td_oms *o, const td_order_req *r, double price)
{
	const td_instrument *ins = td_registry_get(o->p.reg, r->instr);
	bool opt = ins && ins->kind == TD_INS_OPTION;
	double und = opt ? mark(o, ins->underlying) : NAN;
	double strike = opt ? (double)ins->occ.strike_milli / 1000.0 : NAN;
	return td_risk_margin(opt, opt && ins->occ.right == 'C', r->side, r->qty, price, multiplier(o, r->instr), und,
			      strike);
}

/* The instrument whose moves the breaker watches for an order: an option's underlying (an option moves 2 % in a tick). */
static uint32_t breaker_instrument(const td_oms *o, uint32_t instr)
{
	const td_instrument *ins = td_registry_get(o->p.reg, instr);
	return ins && ins->kind == TD_INS_OPTION && ins->underlying != TD_NO_ID ? ins->underlying : instr;
}

static td_broker_account account(const td_oms *o)
{
	td_broker_account acct = { .cash = o->p.capital, .buying_power = o->p.capital };
	if (o->p.broker.ops && o->p.broker.ops->account)
		o->p.broker.ops->account(o->p.broker.impl, &acct);
	return acct;
}

/* The checks' view of req now; replacing names the working order a modify would change ("" for a new order). */
static void risk_ctx(const td_oms *o, const td_order_req *r, const char *replacing, td_risk_ctx *c)
{
	const td_position *pos = td_book_position(o->book, r->instr);
	td_broker_account acct = account(o);
	size_t working = 0;
	for (size_t i = 0; i < o->n; i++)
		working += !td_order_final(o->orders[i].state) && strcmp(o->orders[i].id, replacing) != 0;
	double gross, day_pnl;
	exposure(o, &gross, &day_pnl);
	double equity = td_oms_equity(o);
	*c = (td_risk_ctx){
		.req = r, .price = td_oms_order_price(o, r), .last = mark(o, r->instr), .multiplier = multiplier(o, r->instr),
		.position = pos ? pos->qty : 0, .gross = gross, .open_orders = (int)working, .capital = o->p.capital,
		.equity = equity, .day_high_equity = fmax(o->day_high, equity), .day_pnl = day_pnl,
		.consecutive_losses = td_book_losing_streak(o->book), .stop_distance = NAN,
		.buying_power = acct.buying_power, .phase = td_market_stats_get(o->p.m)->phase, .halted = o->halted,
		.duplicate = !replacing[0] && duplicate(o, r, clock_now(o)),
	};
	c->margin = margin_of(o, r, c->price);
	td_ns now = clock_now(o);
	td_calendar_now(o->p.calendar, o->p.market, now, &c->cal);
	uint32_t moved = breaker_instrument(o, r->instr);
	const td_instrument *mi = td_registry_get(o->p.reg, moved);
	c->symbol = mi ? mi->symbol : NULL;
	if (o->spike)
		td_spike_state(o->spike, moved, now, &c->spike);
	day_trades(o, r, &c->day_trades_5d, &c->completes_day_trade);
	if (r->stop_loss > 0)
		c->stop_distance = fabs(c->price - to_price(o, r->instr, r->stop_loss));
	else if (r->stop != TD_PX_NONE && r->type != TD_OT_STOP && r->type != TD_OT_STOP_LIMIT)
		c->stop_distance = fabs(c->price - to_price(o, r->instr, r->stop));
}

static void usage_positions(const td_oms *o, td_risk_usage *u, td_ns now)
{
	for (uint32_t i = 0; i < td_registry_count(o->p.reg); i++) {
		const td_position *pos = td_book_position(o->book, i);
		if (pos->qty != 0 && fabs(pos->qty) > u->largest_position) {
			u->largest_position = fabs(pos->qty);
			u->largest_symbol = td_registry_get(o->p.reg, i)->symbol;
		}
		td_spike_info si;
		if (!o->spike)
			continue;
		td_spike_state(o->spike, i, now, &si);
		if (si.tripped && u->paused++ == 0) {
			u->paused_symbol = td_registry_get(o->p.reg, i)->symbol;
			u->spike = si;
		}
	}
}

void td_oms_usage(const td_oms *o, td_risk_usage *u)
{
	td_ns now = clock_now(o);
	double gross, day_pnl, equity = td_oms_equity(o);
	exposure(o, &gross, &day_pnl);
	size_t working = 0;
	for (size_t i = 0; i < o->n; i++)
		working += !td_order_final(o->orders[i].state);
	*u = (td_risk_usage){
		.open_orders = (int)working, .gross = gross, .capital = o->p.capital, .equity = equity,
		.day_high_equity = fmax(o->day_high, equity), .day_pnl = day_pnl,
		.consecutive_losses = td_book_losing_streak(o->book),
		.day_trades_5d = day_trades_5d(o, local_day(o, now)), .buying_power = account(o).buying_power,
		.phase = td_market_stats_get(o->p.m)->phase, .halted = o->halted,
	};
	td_calendar_now(o->p.calendar, o->p.market, now, &u->cal);
	usage_positions(o, u, now);
}

const td_risk_limits *td_oms_limits(const td_oms *o)
{
	return &o->p.limits;
}

/* ---- trading ------------------------------------------------------------------ */

static void run_checks(td_oms *o, const td_order_req *req, const char *replacing, td_ticket *t)
{
	td_risk_ctx c;
	risk_ctx(o, req, replacing, &c);
	td_risk_check checks[TD_RISK_MAX_CHECKS];
	td_risk_status worst;
	size_t n = td_risk_run(&o->p.limits, &c, checks, &worst);
	td_ticket_init(t, req, checks, n, worst, o->p.strict);
	td_strlcpy(t->replaces, replacing, sizeof t->replaces);
}

int td_oms_ticket(td_oms *o, const td_order_req *req, td_ticket *t, char *err, size_t errlen)
{
	if (td_order_req_check(req, err, errlen) < 0)
		return -1;
	if (!td_registry_get(o->p.reg, req->instr))
		return td_errf(err, errlen, "unknown instrument");
	run_checks(o, req, "", t);
	return 0;
}

int td_oms_size(const td_oms *o, td_order_req *req, const td_order_sizing *sz, char *note, size_t notelen,
		char *err, size_t errlen)
{
	double px = td_oms_order_price(o, req), sl = to_price(o, req->instr, req->stop_loss);
	double mult = multiplier(o, req->instr), money = sz->pct ? o->p.capital * sz->amount / 100 : sz->amount;
	if (!isfinite(px) || !isfinite(sl))
		return td_errf(err, errlen, "no price to size from: no quote or trade yet");
	double dist = (px - sl) * (req->side == TD_SIDE_BUY ? 1 : -1);
	if (!(dist > 0))
		return td_errf(err, errlen, "the stop-loss %.2f is not %s the price %.2f", sl,
			       req->side == TD_SIDE_BUY ? "below" : "above", px);
	double qty = floor(money / (dist * mult) + 1e-9);
	if (qty < 1)
		return td_errf(err, errlen, "risking %.2f with %.2f a unit at risk buys less than one unit", money,
			       dist * mult);
	req->qty = (int64_t)fmin(qty, 1e12);
	if (sz->pct)
		snprintf(note, notelen, "sized: %g%% of %.2f = %.2f at risk / %.2f a unit (%.2f to %.2f x %g) = %lld",
			 sz->amount, o->p.capital, money, dist * mult, px, sl, mult, (long long)req->qty);
	else
		snprintf(note, notelen, "sized: %.2f at risk / %.2f a unit (%.2f to %.2f x %g) = %lld", money, dist * mult,
			 px, sl, mult, (long long)req->qty);
	return 0;
}

/* A working order the trader may change: not final, not on its way out, not a bracket's child (the bracket sizes those). */
static td_order *modifiable(td_oms *o, const char *id, char *err, size_t errlen)
{
	td_order *ord = find(o, id);
	if (!ord) {
		td_errf(err, errlen, "no order %s", id);
		return NULL;
	}
	if (ord->state != TD_ORD_ACCEPTED && ord->state != TD_ORD_PARTIAL) {
		td_errf(err, errlen, "order %s is %s: only a working order can be modified", id,
			td_order_state_name(ord->state));
		return NULL;
	}
	if (ord->role == TD_OR_LEG) {
		td_errf(err, errlen, "order %s is a leg of %s: cancel the order and enter it again", id, ord->parent);
		return NULL;
	}
	if (ord->role == TD_OR_TARGET || ord->role == TD_OR_STOP) {
		td_errf(err, errlen, "order %s is a bracket's %s: its quantity follows the entry", id,
			td_order_role_name(ord->role));
		return NULL;
	}
	return ord;
}

int td_oms_modify_ticket(td_oms *o, const char *id, int64_t qty, td_ticks limit, td_ticks stop, td_ticket *t,
			 char *err, size_t errlen)
{
	const td_order *ord = modifiable(o, id, err, errlen);
	if (!ord)
		return -1;
	td_order_req req = ord->req;
	if (qty > 0)
		req.qty = qty;
	if (limit != TD_PX_NONE)
		req.limit = limit;
	if (stop != TD_PX_NONE)
		req.stop = stop;
	if (req.qty <= ord->filled)
		return td_errf(err, errlen, "a quantity of %lld is not above the %lld already filled", (long long)req.qty,
			       (long long)ord->filled);
	if (td_order_req_check(&req, err, errlen) < 0)
		return -1;
	run_checks(o, &req, ord->id, t);
	return 0;
}

/* Journal the intent of a new order; the order exists from here on. */
static td_order *journal_intent(td_oms *o, const td_order_req *r, td_order_role role, const char *parent, char *err,
				size_t errlen)
{
	char id[TD_ORDER_ID_MAX], payload[TD_JOURNAL_PAYLOAD_MAX], src[TD_ORDER_SOURCE_MAX];
	const td_instrument *ins = td_registry_get(o->p.reg, r->instr);
	if (td_journal_next_id(o->j, id, sizeof id) < 0) {
		td_errf(err, errlen, "no order id");
		return NULL;
	}
	td_text_sanitize(src, sizeof src, r->source[0] ? r->source : "manual");
	for (char *c = src; *c; c++)
		if (*c == '\t' || *c == ' ')
			*c = '_';
	snprintf(payload, sizeof payload,
		 "id=%s\tsym=%s\tside=%d\tqty=%lld\ttype=%d\ttif=%d\tlmt=%lld\tstp=%lld\ttrail=%lld\ttp=%lld\tsl=%lld"
		 "\trole=%d\tparent=%s\tsrc=%s",
		 id, ins->symbol, (int)r->side, (long long)r->qty, (int)r->type, (int)r->tif, (long long)r->limit,
		 (long long)r->stop, (long long)r->trail, (long long)r->take_profit, (long long)r->stop_loss, (int)role,
		 parent, src);
	td_order *ord = add_order(o);
	if (!ord) {
		td_errf(err, errlen, "out of memory");
		return NULL;
	}
	if (td_journal_append(o->j, 'O', clock_now(o), payload, NULL, err, errlen) < 0) {
		o->n--;
		td_strlcpy(o->refusal, err, sizeof o->refusal);
		return NULL;
	}
	td_order_init(ord, id, r, clock_now(o));
	ord->live = true;
	td_strlcpy(ord->req.source, src, sizeof ord->req.source);
	ord->role = role;
	td_strlcpy(ord->parent, parent, sizeof ord->parent);
	return ord;
}

/* The first failed check, as a reason. */
static void first_failure(const td_risk_check *c, size_t n, char *why, size_t whylen)
{
	for (size_t i = 0; i < n; i++)
		if (c[i].status == TD_RISK_FAIL) {
			snprintf(why, whylen, "%s: %s", c[i].name, c[i].detail);
			return;
		}
	td_strlcpy(why, "risk check failed", whylen);
}

/* The checks again, at the moment of sending: 0 when they pass, else -1 with the first failure in why. */
static int recheck(td_oms *o, const td_order_req *req, const char *replacing, char *why, size_t whylen)
{
	td_risk_ctx c;
	risk_ctx(o, req, replacing, &c);
	c.duplicate = false;   /* the intent just journalled is this order, not a twin */
	if (td_risk_verdict(&o->p.limits, &c) != TD_RISK_FAIL)
		return 0;
	td_risk_check checks[TD_RISK_MAX_CHECKS];
	td_risk_status worst;
	size_t n = td_risk_run(&o->p.limits, &c, checks, &worst);
	first_failure(checks, n, why, whylen);
	return -1;
}

/* Past the checks: journal that, then hand the order to the broker (a refusal is journalled as a rejection). */
static int place(td_oms *o, td_order *ord, char *err, size_t errlen)
{
	td_ns now = clock_now(o);
	if (record_event(o, ord, TD_OEV_RISK_OK, NULL, now, err, errlen) < 0)
		return -1;
	if (o->p.broker.ops->place(o->p.broker.impl, ord, err, errlen) == 0)
		return 0;
	char why[160];
	td_strlcpy(why, err, sizeof why);
	record_event(o, ord, TD_OEV_REJECT, why, now, err, errlen);
	return td_errf(err, errlen, "broker refused: %s", why);
}

/* A modify: journalled ('M') before the broker hears of it; the broker's REPLACE is journalled when it comes. */
static int modify(td_oms *o, const td_order *ord, int64_t qty, td_ticks limit, td_ticks stop, char *err,
		  size_t errlen)
{
	char payload[TD_JOURNAL_PAYLOAD_MAX];
	snprintf(payload, sizeof payload, "id=%s\tqty=%lld\tlmt=%lld\tstp=%lld", ord->id, (long long)qty,
		 (long long)limit, (long long)stop);
	if (td_journal_append(o->j, 'M', clock_now(o), payload, NULL, err, errlen) < 0) {
		td_strlcpy(o->refusal, err, sizeof o->refusal);
		return -1;
	}
	return o->p.broker.ops->modify(o->p.broker.impl, ord->id, qty, limit, stop, err, errlen);
}

static int send_modify(td_oms *o, td_ticket *t, char *err, size_t errlen)
{
	td_order *ord = modifiable(o, t->replaces, err, errlen);
	if (!ord)
		return -1;
	char why[160];
	if (recheck(o, &t->req, ord->id, why, sizeof why) < 0)
		return td_errf(err, errlen, "refused: %s", why);
	td_ticks lmt = t->req.limit != ord->req.limit ? t->req.limit : TD_PX_NONE;
	td_ticks stp = t->req.stop != ord->req.stop ? t->req.stop : TD_PX_NONE;
	if (modify(o, ord, t->req.qty, lmt, stp, err, errlen) < 0)
		return -1;
	td_oms_pump(o);
	return 0;
}

int td_oms_send(td_oms *o, td_ticket *t, char *id, size_t idlen, char *err, size_t errlen)
{
	if (t->stage != TD_TICKET_CONFIRMED)
		return td_errf(err, errlen, "the order was not confirmed (Enter, then y)");
	if (o->refusal[0])
		return td_errf(err, errlen, "not trading: %s", o->refusal);
	t->stage = TD_TICKET_SENT;
	if (t->replaces[0]) {
		td_strlcpy(id, t->replaces, idlen);
		return send_modify(o, t, err, errlen);
	}
	td_order *ord = journal_intent(o, &t->req, TD_OR_ALONE, "", err, errlen);
	if (!ord)
		return -1;
	td_strlcpy(id, ord->id, idlen);
	char why[160];
	if (recheck(o, &t->req, "", why, sizeof why) < 0) {
		record_event(o, ord, TD_OEV_RISK_FAIL, why, clock_now(o), err, errlen);
		return td_errf(err, errlen, "refused: %s", why);
	}
	if (place(o, ord, err, errlen) < 0)
		return -1;
	td_oms_pump(o);
	return 0;
}

/* ---- multi-leg orders ------------------------------------------------------------- */

static td_order_req leg_req(const td_combo_req *c, size_t i)
{
	td_order_req r = { .instr = c->legs[i].instr, .side = c->legs[i].side, .qty = c->qty, .type = TD_OT_MARKET,
			   .tif = c->tif, .limit = TD_PX_NONE, .stop = TD_PX_NONE };
	td_strlcpy(r.source, c->source, sizeof r.source);
	return r;
}

static int combo_legs_ok(const td_oms *o, const td_combo_req *c, char *err, size_t errlen)
{
	if (!o->p.broker.ops->place_group)
		return td_errf(err, errlen, "the %s broker takes no multi-leg orders", o->p.broker.ops->name);
	if (c->n < 2 || c->n > TD_COMBO_LEGS_MAX || c->qty <= 0)
		return td_errf(err, errlen, "a multi-leg order has 2 to %d legs and a quantity", TD_COMBO_LEGS_MAX);
	for (size_t i = 0; i < c->n; i++) {
		const td_instrument *ins = td_registry_get(o->p.reg, c->legs[i].instr);
		if (!ins || ins->kind != TD_INS_OPTION)
			return td_errf(err, errlen, "leg %zu is not a listed option", i + 1);
	}
	return 0;
}

/* Each leg's touch, and the margin of the whole order (td_combo_margin). */
static void combo_prices(const td_oms *o, td_combo_ticket *ct)
{
	const td_combo_req *c = &ct->combo;
	double px[TD_COMBO_LEGS_MAX], strike[TD_COMBO_LEGS_MAX], naked[TD_COMBO_LEGS_MAX];
	bool call[TD_COMBO_LEGS_MAX];
	int64_t expiry[TD_COMBO_LEGS_MAX];
	bool priced = true;
	for (size_t i = 0; i < c->n; i++) {
		const td_instrument *ins = td_registry_get(o->p.reg, c->legs[i].instr);
		const td_quote_state *q = td_market_get(o->p.m, c->legs[i].instr);
		ct->px[i] = q ? (c->legs[i].side == TD_SIDE_BUY ? q->ask : q->bid) : TD_PX_NONE;
		priced &= ct->px[i] != TD_PX_NONE;
		td_order_req r = leg_req(c, i);
		px[i] = td_oms_order_price(o, &r);
		strike[i] = (double)ins->occ.strike_milli / 1000.0;
		call[i] = ins->occ.right == 'C';
		expiry[i] = ins->expiry_days;
		naked[i] = margin_of(o, &r, px[i]);
	}
	td_ticks net = priced ? td_combo_net(c, ct->px) : TD_PX_NONE;
	ct->net = net == TD_PX_NONE || c->side == TD_SIDE_BUY ? net : -net;
	ct->margin = td_combo_margin(c, px, strike, call, expiry, naked, multiplier(o, c->legs[0].instr));
}

/* The checks' view of leg i: the first leg carries the whole order's margin, the legs before it are working. */
static void leg_ctx(const td_oms *o, const td_combo_ticket *ct, size_t i, const td_order_req *r, td_risk_ctx *c)
{
	risk_ctx(o, r, "", c);
	c->margin = i == 0 ? ct->margin : 0;
	c->open_orders += (int)i;
}

static void merge_check(td_risk_check *into, const td_risk_check *leg, const char *symbol)
{
	if (leg->status <= into->status)
		return;
	into->status = leg->status;
	snprintf(into->detail, sizeof into->detail, "%s: %s", symbol, leg->detail);
}

int td_oms_combo_ticket(td_oms *o, const td_combo_req *c, td_combo_ticket *ct, char *err, size_t errlen)
{
	if (combo_legs_ok(o, c, err, errlen) < 0)
		return -1;
	memset(ct, 0, sizeof *ct);
	ct->combo = *c;
	combo_prices(o, ct);
	td_risk_check merged[TD_RISK_MAX_CHECKS], leg[TD_RISK_MAX_CHECKS];
	td_risk_status worst = TD_RISK_PASS, w;
	size_t n = 0;
	for (size_t i = 0; i < c->n; i++) {
		td_order_req r = leg_req(c, i);
		td_risk_ctx rc;
		leg_ctx(o, ct, i, &r, &rc);
		n = td_risk_run(&o->p.limits, &rc, leg, &w);
		worst = w > worst ? w : worst;
		for (size_t k = 0; k < n; k++) {
			if (i == 0)
				merged[k] = (td_risk_check){ .name = leg[k].name, .status = TD_RISK_PASS };
			if (i == 0 && leg[k].status == TD_RISK_PASS)
				td_strlcpy(merged[k].detail, leg[k].detail, sizeof merged[k].detail);
			merge_check(&merged[k], &leg[k], td_registry_get(o->p.reg, r.instr)->symbol);
		}
	}
	td_order_req first = leg_req(c, 0);
	td_ticket_init(&ct->t, &first, merged, n, worst, o->p.strict);
	return 0;
}

static int combo_recheck(td_oms *o, const td_combo_ticket *ct, char *why, size_t whylen)
{
	for (size_t i = 0; i < ct->combo.n; i++) {
		td_order_req r = leg_req(&ct->combo, i);
		td_risk_ctx c;
		leg_ctx(o, ct, i, &r, &c);
		c.duplicate = false;
		c.open_orders -= (int)ct->combo.n;   /* the legs just journalled are this order */
		if (td_risk_verdict(&o->p.limits, &c) == TD_RISK_FAIL) {
			td_risk_check checks[TD_RISK_MAX_CHECKS];
			td_risk_status worst;
			first_failure(checks, td_risk_run(&o->p.limits, &c, checks, &worst), why, whylen);
			return -1;
		}
	}
	return 0;
}

static int journal_group(td_oms *o, const td_combo_req *c, char *gid, size_t gidlen, char *err, size_t errlen)
{
	char payload[TD_JOURNAL_PAYLOAD_MAX];
	if (td_journal_next_id(o->j, gid, gidlen) < 0)
		return td_errf(err, errlen, "no order id");
	td_oms_group *g = add_group(o);
	if (!g)
		return td_errf(err, errlen, "out of memory");
	snprintf(payload, sizeof payload, "id=%s\tkind=%d\tside=%d\tqty=%lld\tlmt=%lld\tsym=%s", gid, (int)c->kind,
		 (int)c->side, (long long)c->qty, (long long)c->limit, td_registry_get(o->p.reg, c->legs[0].instr)->symbol);
	if (td_journal_append(o->j, 'G', clock_now(o), payload, NULL, err, errlen) < 0) {
		o->ng--;
		td_strlcpy(o->refusal, err, sizeof o->refusal);
		return -1;
	}
	*g = (td_oms_group){ .kind = c->kind, .side = c->side, .qty = c->qty, .limit = c->limit,
			     .first = c->legs[0].instr };
	td_strlcpy(g->id, gid, sizeof g->id);
	return 0;
}

/* Every leg's event, journalled; the first failure is kept in err. */
static int record_legs(td_oms *o, size_t first, size_t n, td_order_event ev, const char *why, char *err,
		       size_t errlen)
{
	int rc = 0;
	for (size_t i = first; i < first + n; i++)
		if (record_event(o, &o->orders[i], ev, why, clock_now(o), err, errlen) < 0)
			rc = -1;
	return rc;
}

int td_oms_send_combo(td_oms *o, td_combo_ticket *ct, char *id, size_t idlen, char *err, size_t errlen)
{
	const td_combo_req *c = &ct->combo;
	if (ct->t.stage != TD_TICKET_CONFIRMED)
		return td_errf(err, errlen, "the order was not confirmed (Enter, then y)");
	if (o->refusal[0])
		return td_errf(err, errlen, "not trading: %s", o->refusal);
	if (combo_legs_ok(o, c, err, errlen) < 0)
		return -1;
	ct->t.stage = TD_TICKET_SENT;
	char gid[TD_ORDER_ID_MAX], why[160];
	if (journal_group(o, c, gid, sizeof gid, err, errlen) < 0)
		return -1;
	td_strlcpy(id, gid, idlen);
	size_t first = o->n;
	for (size_t i = 0; i < c->n; i++) {
		td_order_req r = leg_req(c, i);
		if (!journal_intent(o, &r, TD_OR_LEG, gid, err, errlen)) {
			record_legs(o, first, i, TD_OEV_RISK_FAIL, "a leg could not be journalled", why, sizeof why);
			return -1;
		}
	}
	if (combo_recheck(o, ct, why, sizeof why) < 0) {
		record_legs(o, first, c->n, TD_OEV_RISK_FAIL, why, err, errlen);
		return td_errf(err, errlen, "refused: %s", why);
	}
	if (record_legs(o, first, c->n, TD_OEV_RISK_OK, NULL, err, errlen) < 0)
		return -1;
	if (o->p.broker.ops->place_group(o->p.broker.impl, &o->orders[first], c->n, td_combo_max_debit(c), err,
					  errlen) < 0) {
		td_strlcpy(why, err, sizeof why);
		record_legs(o, first, c->n, TD_OEV_REJECT, why, err, errlen);
		return td_errf(err, errlen, "broker refused: %s", why);
	}
	td_oms_pump(o);
	return 0;
}

const td_oms_group *td_oms_group_find(const td_oms *o, const char *id)
{
	for (size_t i = o->ng; i > 0; i--)
		if (strcmp(o->groups[i - 1].id, id) == 0)
			return &o->groups[i - 1];
	return NULL;
}

td_ticks td_oms_working_stop(const td_oms *o, const td_order *ord)
{
	if (td_order_final(ord->state) || !o->p.broker.ops->working_stop)
		return TD_PX_NONE;
	return o->p.broker.ops->working_stop(o->p.broker.impl, ord->id);
}

/* Cancel a multi-leg order: every working leg's request journalled, then one cancel for them all. */
static int cancel_group(td_oms *o, const char *gid, const char *why, char *err, size_t errlen)
{
	td_order *any = NULL;
	for (size_t i = 0; i < o->n; i++) {
		td_order *leg = &o->orders[i];
		if (leg->role != TD_OR_LEG || strcmp(leg->parent, gid) != 0 || td_order_final(leg->state) ||
		    leg->state == TD_ORD_NEW || leg->state == TD_ORD_CANCEL_PENDING)
			continue;
		if (record_event(o, leg, TD_OEV_CANCEL_REQ, why, clock_now(o), err, errlen) < 0)
			return -1;
		any = leg;
	}
	if (!any)
		return td_errf(err, errlen, "no working leg of %s", gid);
	return o->p.broker.ops->cancel(o->p.broker.impl, any->id, err, errlen);
}

/* Ask the broker to cancel (journalled first), without taking in its answer. */
static int cancel(td_oms *o, td_order *ord, const char *why, char *err, size_t errlen)
{
	if (ord->role == TD_OR_LEG)
		return cancel_group(o, ord->parent, why, err, errlen);
	if (record_event(o, ord, TD_OEV_CANCEL_REQ, why, clock_now(o), err, errlen) < 0)
		return -1;
	return o->p.broker.ops->cancel(o->p.broker.impl, ord->id, err, errlen);
}

int td_oms_cancel(td_oms *o, const char *id, char *err, size_t errlen)
{
	td_order *ord = find(o, id);
	if (!ord && td_oms_group_find(o, id)) {
		int rc = cancel_group(o, id, NULL, err, errlen);
		td_oms_pump(o);
		return rc;
	}
	if (!ord)
		return td_errf(err, errlen, "no order %s", id);
	if (cancel(o, ord, NULL, err, errlen) < 0)
		return -1;
	td_oms_pump(o);
	return 0;
}

size_t td_oms_cancel_all(td_oms *o)
{
	size_t sent = 0;
	char err[256];
	for (size_t i = 0; i < o->n; i++) {
		td_order_state s = o->orders[i].state;
		if (!td_order_final(s) && s != TD_ORD_NEW && s != TD_ORD_CANCEL_PENDING)
			sent += cancel(o, &o->orders[i], NULL, err, sizeof err) == 0;
	}
	td_oms_pump(o);
	return sent;
}

static int switch_record(td_oms *o, bool halt, char *err, size_t errlen)
{
	if (td_journal_append(o->j, 'K', clock_now(o), halt ? "halt" : "rearm", NULL, err, errlen) < 0)
		return -1;
	o->halted = halt;
	return 0;
}

int td_oms_halt(td_oms *o, char *err, size_t errlen)
{
	/* the safe direction: halt in memory even if the journal refuses */
	int rc = switch_record(o, true, err, errlen);
	o->halted = true;
	return rc;
}

int td_oms_rearm(td_oms *o, char *err, size_t errlen)
{
	return switch_record(o, false, err, errlen);
}

bool td_oms_halted(const td_oms *o)
{
	return o->halted;
}

/* ---- the broker's events ----------------------------------------------------- */

static const td_order_event from_broker[] = {
	[TD_BEV_ACK] = TD_OEV_ACK,           [TD_BEV_REJECT] = TD_OEV_REJECT,
	[TD_BEV_FILL] = TD_OEV_FILL,         [TD_BEV_CANCELLED] = TD_OEV_CANCELLED,
	[TD_BEV_EXPIRED] = TD_OEV_EXPIRE,    [TD_BEV_REPLACED] = TD_OEV_REPLACE,
};

/*
 * Whether an event means anything for the order now.  Brokers send events
 * the state machine has no use for: a refused modify (a REJECT while the
 * order works on), or a cancel's refusal after the fill that beat it.  Those
 * are not journalled, so the journal replays without a refused transition.
 */
static bool applicable(const td_order *ord, td_order_event ev, int64_t qty)
{
	int64_t open = td_order_open_qty(ord);
	if (ev == TD_OEV_FILL && (qty <= 0 || qty > open))
		return false;
	if (ev == TD_OEV_REPLACE && qty <= ord->filled)
		return false;
	return td_order_next_state(ord->state, ev, ev == TD_OEV_FILL && qty == open, ord->filled > 0) >= 0;
}

/* ---- brackets (bracket.h plans, this sends) ---------------------------------------- */

static void bracket_view(const td_oms *o, const td_order *entry, td_bracket *b)
{
	*b = (td_bracket){ .entry = entry };
	for (size_t i = 0; i < o->n; i++) {
		const td_order *c = &o->orders[i];
		if (strcmp(c->parent, entry->id) != 0)
			continue;
		b->exited += c->filled;
		if (c->role == TD_OR_TARGET)
			b->target = c;
		else if (c->role == TD_OR_STOP)
			b->stop = c;
	}
}

/* A child of entry: journalled with its parent, then sent.  Its own checks are not run: it only reduces what the entry filled. */
static void place_child(td_oms *o, const char *entry_id, td_order_role role, int64_t qty)
{
	char err[256];
	const td_order *e = find(o, entry_id);
	td_order_req req = td_bracket_child(&e->req, role, qty);
	td_order *ord = journal_intent(o, &req, role, entry_id, err, sizeof err);
	if (ord)
		place(o, ord, err, sizeof err);
}

static void bracket_step(td_oms *o, const char *entry_id, const td_bracket_step *st)
{
	char err[256];
	td_order *ord = st->act == TD_BA_PLACE ? NULL : find(o, st->id);
	switch (st->act) {
	case TD_BA_PLACE: place_child(o, entry_id, st->role, st->qty); break;
	case TD_BA_MODIFY: modify(o, ord, st->qty, TD_PX_NONE, TD_PX_NONE, err, sizeof err); break;
	case TD_BA_CANCEL: cancel(o, ord, "bracket: nothing left to cover", err, sizeof err); break;
	}
}

/* Bring the bracket ord belongs to (as its entry or a child) in line with its fills. */
static void bracket_sync(td_oms *o, const td_order *ord)
{
	const td_order *e = ord->parent[0] ? find(o, ord->parent) : ord;
	if (!e || !td_bracket_is_entry(&e->req) || o->refusal[0])
		return;
	char entry_id[TD_ORDER_ID_MAX];
	td_strlcpy(entry_id, e->id, sizeof entry_id);
	td_bracket b;
	bracket_view(o, e, &b);
	td_bracket_step steps[TD_BRACKET_MAX_STEPS];
	size_t n = td_bracket_plan(&b, steps);
	for (size_t i = 0; i < n; i++)
		bracket_step(o, entry_id, &steps[i]);
}

/* Journal and apply one broker event, then let its bracket follow. */
static void take(td_oms *o, const td_broker_ev *be)
{
	char err[256];
	td_order *ord = find(o, be->id);
	td_order_event ev = from_broker[be->type];
	if (!ord || !applicable(ord, ev, be->qty))
		return;
	oev e = { .ev = ev, .qty = be->qty, .px = be->px, .stop = be->stop, .fee = be->fee, .why = be->why, .t = be->t };
	if (ev != TD_OEV_REPLACE)
		e.stop = TD_PX_NONE;
	if (record(o, ord, &e, err, sizeof err) == 0)
		bracket_sync(o, ord);
}

size_t td_oms_pump(td_oms *o)
{
	td_broker_ev ev[MAX_EVENTS];
	size_t total = 0, n;
	while ((n = o->p.broker.ops->poll(o->p.broker.impl, ev, MAX_EVENTS)) > 0) {
		for (size_t i = 0; i < n; i++)
			take(o, &ev[i]);
		total += n;
	}
	if (total) {
		double e = td_oms_equity(o);
		if (e > o->day_high)
			o->day_high = e;
	}
	return total;
}

/* ---- exit rules ------------------------------------------------------------------- */

/* An exit at market for qty units against side's position, journalled and sent; parent "" for none. */
static int send_exit(td_oms *o, uint32_t instr, td_side side, int64_t qty, const char *parent, const char *source)
{
	char err[256];
	td_order_req r = { .instr = instr, .side = side == TD_SIDE_BUY ? TD_SIDE_SELL : TD_SIDE_BUY, .qty = qty,
			   .type = TD_OT_MARKET, .tif = TD_TIF_DAY, .limit = TD_PX_NONE, .stop = TD_PX_NONE };
	td_strlcpy(r.source, source, sizeof r.source);
	td_order *ord = journal_intent(o, &r, TD_OR_EXIT, parent, err, sizeof err);
	return ord ? place(o, ord, err, sizeof err) : -1;
}

/* Break-even and scale-out for one bracket entry (index i) at the trade price px. */
static void manage_entry(td_oms *o, size_t i, td_ticks px)
{
	char err[256], id[TD_ORDER_ID_MAX];
	td_order *e = &o->orders[i];
	td_bracket b;
	bracket_view(o, e, &b);
	int64_t open = e->filled - b.exited;
	if (open <= 0 || !td_manage_triggered(&o->p.manage, e->req.side, td_order_avg_px(e), e->req.stop_loss, px))
		return;
	e->managed = true;
	td_strlcpy(id, e->id, sizeof id);
	td_side side = e->req.side;
	td_ticks be = td_manage_breakeven(side, td_order_avg_px(e));
	const td_order *stop = b.stop;
	if (o->p.manage.breakeven && stop && (stop->state == TD_ORD_ACCEPTED || stop->state == TD_ORD_PARTIAL))
		modify(o, stop, 0, TD_PX_NONE, be, err, sizeof err);
	int64_t q = td_manage_scale_qty(&o->p.manage, open);
	char source[TD_ORDER_SOURCE_MAX];
	td_strlcpy(source, e->req.source, sizeof source);
	if (q > 0)
		send_exit(o, e->req.instr, side, q, id, source);
	snprintf(o->note, sizeof o->note, "%s reached %gR: %s%lld scaled out", id, o->p.manage.r_mult,
		 o->p.manage.breakeven && stop ? "stop to break-even, " : "", (long long)(q > 0 ? q : 0));
}

/* The exit rules of the brackets on instr that this run sent and that have not acted yet. */
static void manage(td_oms *o, uint32_t instr, td_ticks px)
{
	if (!(o->p.manage.r_mult > 0))
		return;
	for (size_t i = 0; i < o->n; i++) {
		const td_order *e = &o->orders[i];
		if (e->req.instr == instr && e->live && !e->managed && e->role == TD_OR_ALONE && e->filled > 0 &&
		    e->req.stop_loss > 0)
			manage_entry(o, i, px);
	}
}

/* Local time of day of t in the exchange's zone, ns after midnight. */
static td_ns local_tod(const td_oms *o, td_ns t)
{
	td_ns off = o->p.tz ? (td_ns)td_tz_offset(o->p.tz, t) * TD_NS_PER_SEC : 0;
	return t + off - local_day(o, t) * 86400 * TD_NS_PER_SEC;
}

/*
 * Cancel every working order and close every position at market when the
 * exchange clock passes auto_close during this run: started after the
 * time, tapedeck does not close what the trader holds.
 */
static void auto_close(td_oms *o)
{
	td_ns now = clock_now(o), before = o->clock_seen;
	o->clock_seen = now;
	if (o->p.auto_close <= 0 || before <= 0 || now <= before || o->refusal[0])
		return;
	bool same_day = local_day(o, before) == local_day(o, now);
	if (local_tod(o, now) < o->p.auto_close || (same_day && local_tod(o, before) >= o->p.auto_close))
		return;
	size_t cancelled = td_oms_cancel_all(o), closed = 0;
	for (uint32_t i = 0; i < td_registry_count(o->p.reg); i++) {
		double q = td_book_position(o->book, i)->qty;
		if (q != 0)
			closed += send_exit(o, i, q > 0 ? TD_SIDE_BUY : TD_SIDE_SELL, (int64_t)fabs(q), "", "auto-close") == 0;
	}
	char at[9];
	td_time_fmt_hms(o->p.tz ? o->p.tz : td_tz_find("UTC"), now, at);
	snprintf(o->note, sizeof o->note, "auto-close at %s: %zu positions closed at market, %zu orders cancelled", at,
		 closed, cancelled);
}

void td_oms_on_market(td_oms *o, const td_event *ev)
{
	if (o->spike && ev->type == TD_EV_TRADE && breaker_instrument(o, ev->instr) == ev->instr) {
		const td_instrument *ins = td_registry_get(o->p.reg, ev->instr);
		if (ins)
			td_spike_trade(o->spike, ev->instr, td_px_to_double(ins->px, ev->u.trade.px), ev->exch_ns);
	}
	if (o->p.broker.ops->on_market)
		o->p.broker.ops->on_market(o->p.broker.impl, ev);
	td_oms_pump(o);
	if (ev->type == TD_EV_TRADE)
		manage(o, ev->instr, ev->u.trade.px);
	auto_close(o);
	td_oms_pump(o);
}

bool td_oms_take_note(td_oms *o, char *buf, size_t n)
{
	if (!o->note[0])
		return false;
	td_strlcpy(buf, o->note, n);
	o->note[0] = '\0';
	return true;
}

const td_order *td_oms_orders(const td_oms *o, size_t *n)
{
	*n = o->n;
	return o->orders;
}

const td_oms_fill *td_oms_fills(const td_oms *o, size_t *n)
{
	*n = o->nfills;
	return o->fills;
}

const td_book *td_oms_book(const td_oms *o)
{
	return o->book;
}

const char *td_oms_refusal(const td_oms *o)
{
	return o->refusal[0] ? o->refusal : NULL;
}
