/*
 * Orders and their state machine.
 *
 * An order is what the trader asked for (instrument, side, quantity, type,
 * prices, time in force) plus where it stands.  It moves only through the
 * transitions of one table (order.c; the same table in doc/orders.md):
 *
 *   from             event        to
 *   new              risk passed  pending
 *   new              risk failed  risk-rejected
 *   pending          ack          accepted
 *   pending          reject       rejected
 *   pending, accepted, partially filled
 *                    fill         partially filled, or filled when none is left
 *   accepted, partially filled
 *                    replace      the same (price or quantity changed)
 *   pending, accepted, partially filled
 *                    cancel req   cancel pending
 *   pending, accepted, partially filled, cancel pending
 *                    expire       expired
 *   cancel pending   fill         cancel pending, or filled when none is left
 *   cancel pending   cancelled    cancelled
 *   cancel pending   reject       back to accepted or partially filled (the cancel was refused)
 *
 * Risk-rejected, filled, cancelled, rejected and expired are final.  A fill
 * may arrive while a cancel is pending (the race every broker has); it is
 * applied.  A transition the table does not have is refused with a message
 * naming the state and the event, and the order is unchanged.
 *
 * Quantities are whole units (shares, contracts, lots) as int64; prices are
 * ticks of the instrument (core/price.h).  Pure: no I/O, no globals.
 */
#ifndef TD_ORDER_H
#define TD_ORDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/event.h"
#include "core/price.h"
#include "core/time.h"

#define TD_ORDER_ID_MAX 32
#define TD_ORDER_SOURCE_MAX 40

/* X(name, "text", final) */
#define TD_ORDER_STATES(X)                       \
	X(NEW, "new", false)                     \
	X(RISK_REJECTED, "risk-rejected", true)  \
	X(PENDING, "pending", false)             \
	X(ACCEPTED, "accepted", false)           \
	X(PARTIAL, "partially filled", false)    \
	X(FILLED, "filled", true)                \
	X(CANCEL_PENDING, "cancel pending", false) \
	X(CANCELLED, "cancelled", true)          \
	X(REJECTED, "rejected", true)            \
	X(EXPIRED, "expired", true)

typedef enum td_order_state {
#define TD_ORDER_X_(name, text, final) TD_ORD_##name,
	TD_ORDER_STATES(TD_ORDER_X_)
#undef TD_ORDER_X_
	TD_ORD_STATE_COUNT
} td_order_state;

/* What happens to an order. */
#define TD_ORDER_EVENTS(X)                 \
	X(RISK_OK, "risk passed")          \
	X(RISK_FAIL, "risk failed")        \
	X(ACK, "acknowledged")             \
	X(REJECT, "rejected")              \
	X(FILL, "fill")                    \
	X(CANCEL_REQ, "cancel requested")  \
	X(CANCELLED, "cancelled")          \
	X(EXPIRE, "expired")               \
	X(REPLACE, "replaced")

typedef enum td_order_event {
#define TD_ORDER_X_(name, text) TD_OEV_##name,
	TD_ORDER_EVENTS(TD_ORDER_X_)
#undef TD_ORDER_X_
	TD_OEV_COUNT
} td_order_event;

typedef enum td_order_type {
	TD_OT_MARKET = 0,
	TD_OT_LIMIT,
	TD_OT_STOP,         /* a market order once a trade reaches the stop */
	TD_OT_STOP_LIMIT,   /* a limit order once a trade reaches the stop */
	TD_OT_TRAIL_AMOUNT, /* a stop that follows the best price by a fixed distance (ticks) */
	TD_OT_TRAIL_PERCENT,/* ... by a percentage of it (basis points) */
	TD_OT_COUNT
} td_order_type;

typedef enum td_tif {
	TD_TIF_DAY = 0,  /* expires at the session's close */
	TD_TIF_GTC,      /* until cancelled */
	TD_TIF_IOC,      /* what fills at once; the rest is cancelled */
	TD_TIF_COUNT
} td_tif;

/* What the trader asks for. */
typedef struct td_order_req {
	uint32_t instr;
	td_side side;          /* TD_SIDE_BUY or TD_SIDE_SELL */
	int64_t qty;           /* > 0 */
	td_order_type type;
	td_tif tif;
	td_ticks limit;        /* LIMIT, STOP_LIMIT; else TD_PX_NONE */
	td_ticks stop;         /* STOP, STOP_LIMIT: the trigger; TRAIL_*: the initial trigger, or TD_PX_NONE */
	int64_t trail;         /* TRAIL_AMOUNT: ticks; TRAIL_PERCENT: basis points; else 0 */
	td_ticks take_profit;  /* a bracket's target: a limit for the whole filled quantity; 0 = none */
	td_ticks stop_loss;    /* a bracket's protective stop; 0 = none (doc/orders.md "Brackets") */
	char source[TD_ORDER_SOURCE_MAX]; /* what asked for it: "manual", "scan", "alert:NAME"; "" reads as manual */
} td_order_req;

/* Why the order manager holds an order: the trader's own, or a part of a linked group. */
typedef enum td_order_role {
	TD_OR_ALONE = 0,   /* sent from a ticket */
	TD_OR_TARGET,      /* a bracket's take-profit, placed when its entry fills */
	TD_OR_STOP,        /* a bracket's stop-loss, likewise */
	TD_OR_EXIT,        /* sent by an exit rule: scale-out, time-based close */
	TD_OR_LEG,         /* a leg of a multi-leg order (oms/combo.h): parent is the group */
	TD_OR_COUNT
} td_order_role;

typedef struct td_order {
	char id[TD_ORDER_ID_MAX];  /* client order id, unique across restarts */
	char parent[TD_ORDER_ID_MAX]; /* the entry a target, stop or exit belongs to, a leg's group; "" when alone */
	td_order_role role;
	td_order_req req;
	td_order_state state;
	int64_t filled;            /* units filled so far */
	int64_t fill_value;        /* sum of fill price (ticks) x units, for the average */
	td_ns created, updated;    /* exchange clock */
	char why[96];              /* the reason of a rejection or expiry, "" otherwise */
	bool live;                 /* sent in this run (not rebuilt from the journal): exit rules manage only these */
	bool managed;              /* a bracket's exit rules have acted (once) */
} td_order;

/* Names for display: "filled", "fill", "limit", "DAY"; "?" when out of range. */
const char *td_order_state_name(td_order_state s);
const char *td_order_event_name(td_order_event e);
const char *td_order_type_name(td_order_type t);
const char *td_tif_name(td_tif t);

/* Parse "market|mkt", "limit|lmt", "stop|stp", "stop-limit|stplmt", "trail", "trail%" and "day|gtc|ioc"; -1 when unknown. */
int td_order_type_parse(const char *s, td_order_type *out);
int td_tif_parse(const char *s, td_tif *out);

/* True for the final states. */
bool td_order_final(td_order_state s);

/*
 * Whether a request is well formed by itself (positive quantity, the prices
 * its type needs and no others, a side): 0, or -1 with why.  Risk limits
 * are td_risk's business, not this.
 */
int td_order_req_check(const td_order_req *r, char *why, size_t whylen);

/* A fresh order in state NEW. */
void td_order_init(td_order *o, const char *id, const td_order_req *r, td_ns now);

/*
 * Apply an event.  FILL takes qty units at px (ticks; 0 < qty <= what is
 * left); the others ignore qty and px.  why (may be NULL) is kept as the
 * order's reason for RISK_FAIL, REJECT and EXPIRE.  Returns 0, or -1 with
 * err naming the state and the event when the table has no such transition
 * (the order is then unchanged).
 */
int td_order_apply(td_order *o, td_order_event ev, int64_t qty, td_ticks px, const char *why, td_ns now,
		   char *err, size_t errlen);

/*
 * Apply a modify the broker confirmed (REPLACE): the new total quantity
 * (above what is filled), limit and stop (TD_PX_NONE keeps each).  0, or
 * -1 with err and the order unchanged.
 */
int td_order_replace(td_order *o, int64_t qty, td_ticks limit, td_ticks stop, td_ns now, char *err, size_t errlen);

/* "target", "stop", "exit"; "" for an order of its own. */
const char *td_order_role_name(td_order_role r);

/* Units not yet filled. */
int64_t td_order_open_qty(const td_order *o);

/* Average fill price in ticks (NaN before the first fill). */
double td_order_avg_px(const td_order *o);

/*
 * The state an event leads to from s, or -1 when the table has no such
 * transition.  fills_rest: the event is a fill of everything left;
 * has_fills: the order has fills already.
 */
int td_order_next_state(td_order_state s, td_order_event ev, bool fills_rest, bool has_fills);

#endif
