/*
 * Brackets: an entry order that carries a take-profit and a stop-loss
 * price.  Nothing of them is at the broker before the entry fills; then a
 * target (a limit) and a stop (a stop order) on the other side cover every
 * unit filled and not yet exited, and stay equal to it:
 *
 *   open = units the entry filled - units its target, stop and exit orders filled
 *
 * each working child is sized to `open` (placed when missing, modified
 * when the entry fills more or a sibling fills part), and cancelled when
 * `open` drops to zero, so the other child of a pair that filled is
 * cancelled: one cancels the other.  The entry's unfilled rest is
 * cancelled then too: the trade is over.  A child is placed once: one the
 * broker rejected, or the trader cancelled, is not placed again (the
 * position then shows without it).  So units the entry fills after its
 * exit completed (a fill racing the cancel of its rest) are left without
 * a target or stop; the positions pane shows them.
 *
 * This file only plans: given the group as the order manager holds it, it
 * says what to place, modify and cancel.  The manager journals and sends
 * (oms.c).  Pure: no I/O, no globals.
 */
#ifndef TD_BRACKET_H
#define TD_BRACKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "oms/order.h"

typedef enum td_bracket_act {
	TD_BA_PLACE = 0,   /* a new child of `role` for qty units */
	TD_BA_MODIFY,      /* order id to a total quantity of qty */
	TD_BA_CANCEL       /* order id */
} td_bracket_act;

typedef struct td_bracket_step {
	td_bracket_act act;
	td_order_role role;
	char id[TD_ORDER_ID_MAX];
	int64_t qty;
} td_bracket_step;

/* An entry and its target and stop (NULL when none was placed), with the units its children and exits filled. */
typedef struct td_bracket {
	const td_order *entry;
	const td_order *target, *stop;
	int64_t exited;
} td_bracket;

#define TD_BRACKET_MAX_STEPS 3

/* What to do now; returns the number of steps written to out. */
size_t td_bracket_plan(const td_bracket *b, td_bracket_step out[TD_BRACKET_MAX_STEPS]);

/* Whether an order request is a bracket's entry (it carries a target or a stop-loss). */
bool td_bracket_is_entry(const td_order_req *r);

/* The child order of a role for an entry: the other side, qty units, the entry's time in force (IOC becomes DAY). */
td_order_req td_bracket_child(const td_order_req *entry, td_order_role role, int64_t qty);

#endif
