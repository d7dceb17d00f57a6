/*
 * The order state machine: one transition table, looked up by (state,
 * event).  See order.h for the table in words.
 */
#include "oms/order.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/text.h"

/* "to" values beyond the states: resolved by what is filled. */
enum { TO_FILL = TD_ORD_STATE_COUNT, TO_WORKING };

static const struct transition {
	td_order_state from;
	td_order_event ev;
	int to;   /* a state; TO_FILL: partial or filled, or stay (cancel pending); TO_WORKING: accepted or partial */
} table[] = {
	{ TD_ORD_NEW, TD_OEV_RISK_OK, TD_ORD_PENDING },
	{ TD_ORD_NEW, TD_OEV_RISK_FAIL, TD_ORD_RISK_REJECTED },
	{ TD_ORD_PENDING, TD_OEV_ACK, TD_ORD_ACCEPTED },
	{ TD_ORD_PENDING, TD_OEV_REJECT, TD_ORD_REJECTED },
	{ TD_ORD_PENDING, TD_OEV_FILL, TO_FILL },
	{ TD_ORD_PENDING, TD_OEV_CANCEL_REQ, TD_ORD_CANCEL_PENDING },
	{ TD_ORD_PENDING, TD_OEV_EXPIRE, TD_ORD_EXPIRED },
	{ TD_ORD_ACCEPTED, TD_OEV_FILL, TO_FILL },
	{ TD_ORD_ACCEPTED, TD_OEV_REPLACE, TD_ORD_ACCEPTED },
	{ TD_ORD_ACCEPTED, TD_OEV_CANCEL_REQ, TD_ORD_CANCEL_PENDING },
	{ TD_ORD_ACCEPTED, TD_OEV_EXPIRE, TD_ORD_EXPIRED },
	{ TD_ORD_PARTIAL, TD_OEV_FILL, TO_FILL },
	{ TD_ORD_PARTIAL, TD_OEV_REPLACE, TD_ORD_PARTIAL },
	{ TD_ORD_PARTIAL, TD_OEV_CANCEL_REQ, TD_ORD_CANCEL_PENDING },
	{ TD_ORD_PARTIAL, TD_OEV_EXPIRE, TD_ORD_EXPIRED },
	{ TD_ORD_CANCEL_PENDING, TD_OEV_FILL, TO_FILL },
	{ TD_ORD_CANCEL_PENDING, TD_OEV_CANCELLED, TD_ORD_CANCELLED },
	{ TD_ORD_CANCEL_PENDING, TD_OEV_REJECT, TO_WORKING },
	{ TD_ORD_CANCEL_PENDING, TD_OEV_EXPIRE, TD_ORD_EXPIRED },
};

static const char *const state_names[] = {
#define TD_ORDER_X_(name, text, final) text,
	TD_ORDER_STATES(TD_ORDER_X_)
#undef TD_ORDER_X_
};

static const bool state_final[] = {
#define TD_ORDER_X_(name, text, final) final,
	TD_ORDER_STATES(TD_ORDER_X_)
#undef TD_ORDER_X_
};

static const char *const event_names[] = {
#define TD_ORDER_X_(name, text) text,
	TD_ORDER_EVENTS(TD_ORDER_X_)
#undef TD_ORDER_X_
};

/* Order types and times in force: display name and the words the command line takes. */
static const struct {
	const char *name, *words;
} types[TD_OT_COUNT] = {
	[TD_OT_MARKET] = { "market", "|market|mkt|" },
	[TD_OT_LIMIT] = { "limit", "|limit|lmt|" },
	[TD_OT_STOP] = { "stop", "|stop|stp|" },
	[TD_OT_STOP_LIMIT] = { "stop-limit", "|stop-limit|stplmt|" },
	[TD_OT_TRAIL_AMOUNT] = { "trailing stop", "|trail|" },
	[TD_OT_TRAIL_PERCENT] = { "trailing stop %", "|trail%|" },
};
static const char *const tifs[TD_TIF_COUNT] = { "DAY", "GTC", "IOC" };

const char *td_order_state_name(td_order_state s)
{
	return (unsigned)s < TD_ORD_STATE_COUNT ? state_names[s] : "?";
}

const char *td_order_event_name(td_order_event e)
{
	return (unsigned)e < TD_OEV_COUNT ? event_names[e] : "?";
}

const char *td_order_type_name(td_order_type t)
{
	return (unsigned)t < TD_OT_COUNT ? types[t].name : "?";
}

const char *td_tif_name(td_tif t)
{
	return (unsigned)t < TD_TIF_COUNT ? tifs[t] : "?";
}

bool td_order_final(td_order_state s)
{
	return (unsigned)s < TD_ORD_STATE_COUNT && state_final[s];
}

int td_order_type_parse(const char *s, td_order_type *out)
{
	char key[24];
	if (strlen(s) > 16)
		return -1;
	snprintf(key, sizeof key, "|%s|", s);
	for (int t = 0; t < TD_OT_COUNT; t++)
		if (strstr(types[t].words, key)) {
			*out = (td_order_type)t;
			return 0;
		}
	return -1;
}

int td_tif_parse(const char *s, td_tif *out)
{
	for (int t = 0; t < TD_TIF_COUNT; t++)
		if (strcasecmp(s, tifs[t]) == 0) {
			*out = (td_tif)t;
			return 0;
		}
	return -1;
}

/* The prices each type needs: limit, stop, trail. */
static const struct {
	bool limit, stop, trail;
} needs[TD_OT_COUNT] = {
	[TD_OT_MARKET] = { false, false, false },     [TD_OT_LIMIT] = { true, false, false },
	[TD_OT_STOP] = { false, true, false },        [TD_OT_STOP_LIMIT] = { true, true, false },
	[TD_OT_TRAIL_AMOUNT] = { false, false, true }, [TD_OT_TRAIL_PERCENT] = { false, false, true },
};

/* A bracket's target lies beyond the entry's limit and its stop before it, on the side that protects. */
static int bracket_check(const td_order_req *r, char *why, size_t whylen)
{
	if (r->take_profit < 0 || r->stop_loss < 0)
		return td_errf(why, whylen, "a bracket's target and stop must be positive prices");
	int dir = r->side == TD_SIDE_BUY ? 1 : -1;
	if (r->take_profit && r->stop_loss && (r->take_profit - r->stop_loss) * dir <= 0)
		return td_errf(why, whylen, "the target must be %s the stop for a %s", dir > 0 ? "above" : "below",
			       dir > 0 ? "buy" : "sell");
	if (r->limit == TD_PX_NONE)
		return 0;
	if (r->take_profit && (r->take_profit - r->limit) * dir <= 0)
		return td_errf(why, whylen, "the target must be %s the limit for a %s", dir > 0 ? "above" : "below",
			       dir > 0 ? "buy" : "sell");
	if (r->stop_loss && (r->limit - r->stop_loss) * dir <= 0)
		return td_errf(why, whylen, "the stop-loss must be %s the limit for a %s", dir > 0 ? "below" : "above",
			       dir > 0 ? "buy" : "sell");
	return 0;
}

int td_order_req_check(const td_order_req *r, char *why, size_t whylen)
{
	if (r->side != TD_SIDE_BUY && r->side != TD_SIDE_SELL)
		return td_errf(why, whylen, "no side (buy or sell)");
	if (r->qty <= 0)
		return td_errf(why, whylen, "quantity %lld is not positive", (long long)r->qty);
	if ((unsigned)r->type >= TD_OT_COUNT || (unsigned)r->tif >= TD_TIF_COUNT)
		return td_errf(why, whylen, "unknown order type or time in force");
	if (needs[r->type].limit != (r->limit != TD_PX_NONE))
		return td_errf(why, whylen, "a %s order %s limit price", types[r->type].name,
			       needs[r->type].limit ? "needs a" : "takes no");
	if (needs[r->type].stop && r->stop == TD_PX_NONE)
		return td_errf(why, whylen, "a %s order needs a stop price", types[r->type].name);
	if (!needs[r->type].stop && !needs[r->type].trail && r->stop != TD_PX_NONE)
		return td_errf(why, whylen, "a %s order takes no stop price", types[r->type].name);
	if (needs[r->type].trail != (r->trail > 0))
		return td_errf(why, whylen, "a %s order %s trailing distance", types[r->type].name,
			       needs[r->type].trail ? "needs a" : "takes no");
	if (r->limit != TD_PX_NONE && r->limit <= 0)
		return td_errf(why, whylen, "limit price is not positive");
	if (r->stop != TD_PX_NONE && r->stop <= 0)
		return td_errf(why, whylen, "stop price is not positive");
	if (r->type == TD_OT_TRAIL_PERCENT && r->trail >= 10000)
		return td_errf(why, whylen, "a trailing distance of 100%% or more never triggers");
	return bracket_check(r, why, whylen);
}

void td_order_init(td_order *o, const char *id, const td_order_req *r, td_ns now)
{
	memset(o, 0, sizeof(*o));
	td_strlcpy(o->id, id, sizeof o->id);
	o->req = *r;
	o->state = TD_ORD_NEW;
	o->created = o->updated = now;
}

int td_order_next_state(td_order_state s, td_order_event ev, bool fills_rest, bool has_fills)
{
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
		if (table[i].from != s || table[i].ev != ev)
			continue;
		if (table[i].to == TO_FILL)
			return fills_rest ? TD_ORD_FILLED : s == TD_ORD_CANCEL_PENDING ? (int)s : TD_ORD_PARTIAL;
		if (table[i].to == TO_WORKING)
			return has_fills ? TD_ORD_PARTIAL : TD_ORD_ACCEPTED;
		return table[i].to;
	}
	return -1;
}

int td_order_replace(td_order *o, int64_t qty, td_ticks limit, td_ticks stop, td_ns now, char *err, size_t errlen)
{
	if (qty <= o->filled)
		return td_errf(err, errlen, "order %s: a quantity of %lld is not above the %lld filled", o->id,
			       (long long)qty, (long long)o->filled);
	int to = td_order_next_state(o->state, TD_OEV_REPLACE, false, o->filled > 0);
	if (to < 0)
		return td_errf(err, errlen, "order %s: no '%s' while %s", o->id, td_order_event_name(TD_OEV_REPLACE),
			       td_order_state_name(o->state));
	o->req.qty = qty;
	if (limit != TD_PX_NONE)
		o->req.limit = limit;
	if (stop != TD_PX_NONE)
		o->req.stop = stop;
	o->state = (td_order_state)to;
	o->updated = now;
	return 0;
}

const char *td_order_role_name(td_order_role r)
{
	static const char *const names[TD_OR_COUNT] = { "", "target", "stop", "exit", "leg" };
	return (unsigned)r < TD_OR_COUNT ? names[r] : "?";
}

int64_t td_order_open_qty(const td_order *o)
{
	return o->req.qty - o->filled;
}

double td_order_avg_px(const td_order *o)
{
	return o->filled ? (double)o->fill_value / (double)o->filled : NAN;
}

int td_order_apply(td_order *o, td_order_event ev, int64_t qty, td_ticks px, const char *why, td_ns now,
		   char *err, size_t errlen)
{
	bool fill = ev == TD_OEV_FILL;
	if (fill && (qty <= 0 || qty > td_order_open_qty(o) || px == TD_PX_NONE))
		return td_errf(err, errlen, "order %s: a fill of %lld at %s does not fit its %lld open units", o->id,
			       (long long)qty, px == TD_PX_NONE ? "no price" : "a price", (long long)td_order_open_qty(o));
	int to = td_order_next_state(o->state, ev, fill && qty == td_order_open_qty(o), o->filled > 0);
	if (to < 0)
		return td_errf(err, errlen, "order %s: no '%s' while %s", o->id, td_order_event_name(ev),
			       td_order_state_name(o->state));
	if (fill) {
		o->filled += qty;
		o->fill_value += qty * px;
	}
	if (why && (ev == TD_OEV_RISK_FAIL || ev == TD_OEV_REJECT || ev == TD_OEV_EXPIRE))
		td_strlcpy(o->why, why, sizeof o->why);
	o->state = (td_order_state)to;
	o->updated = now;
	return 0;
}
