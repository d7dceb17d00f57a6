/*
 * The order manager: orders, the book of positions, the pre-trade checks,
 * the journal and a broker, on the engine thread.
 *
 *   ticket (risk shown) --Enter, y--> td_oms_send:
 *       journal the intent (fsync) -> risk again -> journal the verdict ->
 *       broker place
 *   market event -> broker -> events -> journal each (fsync) -> apply to the
 *       order and the positions
 *
 * Nothing changes before its journal record is on disk: an order exists
 * once its intent is journalled, and every state change is journalled
 * before it is applied.  td_oms_open rebuilds orders, positions and P&L by
 * replaying the journal.  Orders that were working when tapedeck stopped
 * are not working any more (the paper broker keeps them in memory): they are
 * cancelled on open, with a journalled reason, and the recovery report says
 * how many.
 *
 * Journal records (payloads are tab-separated key=value, doc/orders.md):
 *   'O' an order intent, 'E' an order event, 'M' a modify asked of the
 *   broker, 'K' the kill switch, 'G' a multi-leg order (its legs follow as
 *   'O' records of role leg).
 *
 * Brackets (bracket.h): when a bracket's entry fills, its target and stop
 * are journalled and sent as orders of their own linked to it, and kept the
 * size of what the entry filled and has not exited.
 */
#ifndef TD_OMS_H
#define TD_OMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/calendar.h"
#include "core/instrument.h"
#include "engine/market.h"
#include "oms/bracket.h"
#include "oms/broker.h"
#include "oms/combo.h"
#include "oms/journal.h"
#include "oms/order.h"
#include "oms/parse.h"
#include "oms/position.h"
#include "oms/risk.h"
#include "oms/ticket.h"

typedef struct td_oms_params {
	const td_registry *reg;    /* borrowed */
	const td_market *m;        /* borrowed */
	td_risk_limits limits;
	double capital;            /* the account's capital at the start of the day */
	const char *journal;       /* path; NULL = the default in the state directory */
	td_broker broker;          /* owned by the manager from td_oms_open on (freed even when it fails) */
	bool strict;               /* tickets want the quantity typed again */
	int dup_window_ms;         /* an identical order within this many ms is a duplicate; 0 = no check */
	const td_tz *tz;           /* the exchange's zone: what "the same day" means for day trades; NULL = UTC */
	const td_calendar *calendar; /* borrowed; holidays and early closes for the checks and PDT; NULL = weekends only */
	const char *market;        /* the calendar's market: "us", "in" */
	td_manage_params manage;   /* a bracket's break-even and scale-out (oms/bracket.h) */
	td_ns auto_close;          /* local time of day (exchange zone, ns after midnight) to close every position; 0 = never */
} td_oms_params;

/* What td_oms_open found in the journal. */
typedef struct td_oms_recovery {
	uint64_t records;          /* journal records replayed */
	size_t orders;             /* orders rebuilt */
	size_t cancelled;          /* of them, working at the stop and cancelled now */
	size_t positions;          /* instruments with a position */
	size_t unknown;            /* orders for instruments this feed does not list (kept aside) */
	bool halted;               /* the kill switch was on */
	td_journal_tail tail;
	char msg[TD_JOURNAL_MSG_MAX]; /* the journal's message when its tail was torn or damaged */
} td_oms_recovery;

typedef struct td_oms td_oms;

/* Open the journal, replay it, and take the broker.  NULL with err on failure. */
td_oms *td_oms_open(const td_oms_params *p, td_oms_recovery *rec, char *err, size_t errlen);
void td_oms_close(td_oms *o);

/*
 * A ticket for req: the request's own check, then every risk check with
 * the numbers of now.  Returns 0, or -1 with err when the request is
 * malformed (no ticket then).
 */
int td_oms_ticket(td_oms *o, const td_order_req *req, td_ticket *t, char *err, size_t errlen);

/*
 * Send a confirmed ticket (td_ticket_key reached CONFIRMED), once: the
 * intent is journalled, the risk checks run again (the market may have
 * moved since the ticket was shown) and their verdict is journalled, then
 * the broker gets the order.  Returns 0 with the client order id in id, or
 * -1 with err (the ticket was not confirmed, a check now fails, the journal
 * refused, the broker refused).
 */
int td_oms_send(td_oms *o, td_ticket *t, char *id, size_t idlen, char *err, size_t errlen);

/*
 * The quantity of req from a risk amount (oms/parse.h): the money the
 * stop-loss would lose (sz's amount, or its percent of the capital)
 * divided by the loss a unit takes from the order's price (its limit or
 * stop, else the touch) to the stop-loss, times the multiplier, rounded
 * down.  note gets the working ("sized: 1% of 100000.00 = 1000.00 at risk
 * / 2.25 a unit ... = 444").  0, or -1 with err (no price, a stop-loss on
 * the wrong side, less than one unit).
 */
int td_oms_size(const td_oms *o, td_order_req *req, const td_order_sizing *sz, char *note, size_t notelen,
		char *err, size_t errlen);

/*
 * A ticket that changes a working order (not a bracket's target or stop,
 * whose quantity follows the entry): the new total quantity (0 keeps it),
 * limit and stop (TD_PX_NONE keeps each), with every risk check run on the
 * order as it would be.  td_oms_send then journals the modify ('M') and
 * asks the broker; the order changes when the broker confirms.  0, or -1
 * with err.
 */
int td_oms_modify_ticket(td_oms *o, const char *id, int64_t qty, td_ticks limit, td_ticks stop, td_ticket *t,
			 char *err, size_t errlen);

/* A multi-leg order as the manager keeps it; its legs are orders of role leg whose parent is id. */
typedef struct td_oms_group {
	char id[TD_ORDER_ID_MAX];
	td_combo_kind kind;
	td_side side;
	int64_t qty;
	td_ticks limit;            /* the net as asked, ticks of the first leg; TD_PX_NONE at market */
	uint32_t first;            /* the first leg's instrument (the net's price format) */
} td_oms_group;

/* A multi-leg ticket: the legs, their prices now, and every check over all of them. */
typedef struct td_combo_ticket {
	td_combo_req combo;
	td_ticket t;               /* the confirmation; its checks are each check's worst over the legs; t.req is the first leg at the strategy's quantity */
	td_ticks px[TD_COMBO_LEGS_MAX]; /* each leg's touch now (what it would take), TD_PX_NONE when none */
	td_ticks net;              /* the legs' net at those touches per unit as the trader sees it (a sold strategy's credit is positive); TD_PX_NONE when a leg has no touch */
	double margin;             /* money the order ties up (td_combo_margin) */
} td_combo_ticket;

/*
 * A ticket for a multi-leg order: every check run for each leg as an
 * order of its own (the first leg carries the whole order's margin, each
 * leg counts the legs before it as working), merged check by check into
 * the worst verdict with that leg's numbers.  0, or -1 with err (the
 * broker takes no multi-leg orders, a leg is not an option, ...).
 */
int td_oms_combo_ticket(td_oms *o, const td_combo_req *c, td_combo_ticket *ct, char *err, size_t errlen);

/*
 * Send a confirmed multi-leg ticket, once: the group ('G') and each leg's
 * intent are journalled, the checks run again for every leg, and the
 * broker gets the legs together.  id gets the group's id.  0, or -1 with
 * err.  Cancelling any leg (or the group's id) cancels every leg; legs
 * cannot be modified.
 */
int td_oms_send_combo(td_oms *o, td_combo_ticket *ct, char *id, size_t idlen, char *err, size_t errlen);

/* The group of a leg (by the group's id), or NULL. */
const td_oms_group *td_oms_group_find(const td_oms *o, const char *id);

/* The stop a working stop or trailing stop would trigger at now (the broker's, as it trails), or TD_PX_NONE. */
td_ticks td_oms_working_stop(const td_oms *o, const td_order *ord);

/* Ask the broker to cancel a working order (journalled first).  0, or -1 with err. */
int td_oms_cancel(td_oms *o, const char *id, char *err, size_t errlen);

/* Cancel every working order; returns how many cancels were sent. */
size_t td_oms_cancel_all(td_oms *o);

/* The kill switch: no new order passes until re-armed.  Journalled.  0, or -1 with err. */
int td_oms_halt(td_oms *o, char *err, size_t errlen);
int td_oms_rearm(td_oms *o, char *err, size_t errlen);
bool td_oms_halted(const td_oms *o);

/*
 * A market event (after the market state applied it): the broker sees it,
 * then its events are taken in; then the exit rules: a trade may trigger
 * a bracket's break-even and scale-out, and the first event at or after
 * the auto-close time of a day cancels every working order and closes
 * every position at market (orders of role "exit", journalled like any
 * other; they only reduce, so they are not held to the risk checks).
 */
void td_oms_on_market(td_oms *o, const td_event *ev);

/* Take in the broker's events (journal, then apply); returns how many.  A journal failure stops trading (td_oms_refusal). */
size_t td_oms_pump(td_oms *o);

/* Orders, oldest first; valid until the next call that adds one. */
const td_order *td_oms_orders(const td_oms *o, size_t *n);
const td_order *td_oms_find(const td_oms *o, const char *id);

/* One fill as the fills pane shows it. */
typedef struct td_oms_fill {
	td_ns t;
	char id[TD_ORDER_ID_MAX];
	uint32_t instr;
	td_side side;
	int64_t qty;
	td_ticks px;
	double fee;
	td_order_role role;
} td_oms_fill;

/* Every fill since the journal began, oldest first; valid until the next event. */
const td_oms_fill *td_oms_fills(const td_oms *o, size_t *n);

const td_book *td_oms_book(const td_oms *o);

/* The price (price units) an order is valued at: its limit, its stop, else the touch it would take, else the last trade. */
double td_oms_order_price(const td_oms *o, const td_order_req *r);

/* The account against its limits now (risk.h td_risk_usage), for the risk pane. */
void td_oms_usage(const td_oms *o, td_risk_usage *u);

/* The limits the manager checks orders against. */
const td_risk_limits *td_oms_limits(const td_oms *o);

/* Equity now: capital + realised + unrealised at the last prices. */
double td_oms_equity(const td_oms *o);

/* What the exit rules did last ("auto-close at 15:55:00: 2 positions closed ..."): copied to buf and forgotten; false when nothing new. */
bool td_oms_take_note(td_oms *o, char *buf, size_t n);

/* Why the manager refuses to trade (a damaged journal, a failed append), or NULL. */
const char *td_oms_refusal(const td_oms *o);

#endif
