/*
 * The order ticket's confirmation: the only way an order request becomes
 * sendable.
 *
 * A ticket starts SHOWN (the trader sees the order, its costs and every
 * risk check).  Enter moves it to ARMED ("press y to send"), y then makes
 * it CONFIRMED, and only a CONFIRMED ticket is accepted by td_oms_send,
 * once.  Escape cancels from any stage.  Any other key, or Enter/y out of
 * turn, drops the ticket back to SHOWN, so no sequence of keys confirms an
 * order except one ending in Enter immediately followed by y.  The strict
 * mode (risk.confirm_quantity) also wants the quantity typed again between
 * Enter and y.  A ticket whose risk verdict is FAIL cannot be armed.
 *
 * Keys are the curses codes the UI reads (Enter as '\n', Escape 27).
 * Pure: no I/O.
 */
#ifndef TD_TICKET_H
#define TD_TICKET_H

#include <stdbool.h>
#include <stdint.h>

#include "oms/order.h"
#include "oms/risk.h"

typedef enum td_ticket_stage {
	TD_TICKET_SHOWN = 0,
	TD_TICKET_ARMED,      /* Enter pressed: y sends (strict: type the quantity, then y) */
	TD_TICKET_CONFIRMED,  /* sendable, once */
	TD_TICKET_CANCELLED,
	TD_TICKET_SENT
} td_ticket_stage;

typedef struct td_ticket {
	td_order_req req;
	td_risk_check checks[TD_RISK_MAX_CHECKS];
	size_t nchecks;
	td_risk_status worst;
	td_ticket_stage stage;
	bool strict;            /* the quantity must be typed again */
	char typed[24];         /* strict mode: what has been typed since Enter */
	char replaces[TD_ORDER_ID_MAX]; /* a modify: the working order req replaces; "" for a new order */
} td_ticket;

/* A fresh ticket for req with its risk results (copied). */
void td_ticket_init(td_ticket *t, const td_order_req *req, const td_risk_check *checks, size_t n,
		   td_risk_status worst, bool strict);

/* Feed one key; returns the new stage. */
td_ticket_stage td_ticket_key(td_ticket *t, int key);

/* What the trader should do next, for the ticket's last line. */
const char *td_ticket_prompt(const td_ticket *t);

#endif
