/*
 * The broker interface: what the order manager asks of any broker, paper
 * or live, as a table of functions over an opaque broker.
 *
 * The order manager journals an order (and each change) before it calls
 * place/modify/cancel, and turns what poll returns into order state
 * changes, journalling each before applying it.  A broker never decides
 * anything about risk and never sends an order by itself.
 *
 * Threads: every call comes from the engine thread.  A live broker that
 * talks to the network does so on its own worker and hands events back
 * through poll; the paper broker answers at once.
 */
#ifndef TD_BROKER_H
#define TD_BROKER_H

#include <stddef.h>
#include <stdint.h>

#include "core/event.h"
#include "oms/order.h"

typedef enum td_broker_ev_type {
	TD_BEV_ACK = 0,      /* accepted and working */
	TD_BEV_REJECT,       /* refused (why says why); for a cancel: the cancel was refused */
	TD_BEV_FILL,         /* qty at px, paying fee */
	TD_BEV_CANCELLED,    /* no longer working; what was not filled is gone */
	TD_BEV_EXPIRED,      /* its time in force ran out (DAY at the close, IOC at once) */
	TD_BEV_REPLACED      /* a modify took effect */
} td_broker_ev_type;

typedef struct td_broker_ev {
	td_broker_ev_type type;
	char id[TD_ORDER_ID_MAX];   /* the client order id */
	int64_t qty;                /* FILL: units; REPLACED: the new total quantity */
	td_ticks px;                /* FILL: price; REPLACED: the new limit (or TD_PX_NONE) */
	td_ticks stop;              /* REPLACED: the new stop (or TD_PX_NONE) */
	double fee;                 /* FILL: money */
	td_ns t;                    /* exchange clock */
	char why[96];
} td_broker_ev;

typedef struct td_broker_account {
	double cash;                /* money */
	double buying_power;        /* money available for new margin */
} td_broker_account;

typedef struct td_broker_ops {
	const char *name;           /* "paper", ... */
	/* Send an order (already journalled and risk-checked).  0, or -1 with err when it could not be sent at all. */
	int (*place)(void *b, const td_order *o, char *err, size_t errlen);
	/*
	 * Send the legs of a multi-leg order (oms/combo.h; each leg a market
	 * order of the strategy's quantity) to fill together, a unit at a
	 * time, while the legs cost at most max_debit ticks per unit
	 * (TD_PX_NONE: at market).  Cancelling any leg cancels them all.
	 * NULL when the broker takes no multi-leg orders.
	 */
	int (*place_group)(void *b, const td_order *legs, size_t n, td_ticks max_debit, char *err, size_t errlen);
	/* Change a working order's quantity (total), limit or stop (TD_PX_NONE keeps it).  0, or -1 with err. */
	int (*modify)(void *b, const char *id, int64_t qty, td_ticks limit, td_ticks stop, char *err, size_t errlen);
	/* The stop a working stop order triggers at now (a trail's moves included), or TD_PX_NONE.  NULL: not told. */
	td_ticks (*working_stop)(void *b, const char *id);
	/* Ask to cancel a working order.  0, or -1 with err. */
	int (*cancel)(void *b, const char *id, char *err, size_t errlen);
	/* Market data, every event after the market state has applied it (a paper broker fills from it). */
	void (*on_market)(void *b, const td_event *ev);
	/* Events since the last poll, at most max, in the order they happened; returns how many. */
	size_t (*poll)(void *b, td_broker_ev *out, size_t max);
	/* Cash and buying power now.  0, or -1 when unknown. */
	int (*account)(void *b, td_broker_account *out);
	void (*free)(void *b);
} td_broker_ops;

typedef struct td_broker {
	const td_broker_ops *ops;
	void *impl;
} td_broker;

const char *td_broker_ev_name(td_broker_ev_type t);

#endif
