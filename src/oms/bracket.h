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

/*
 * Management of a bracket once the trade has gone its way: when the mark
 * has moved r_mult times the initial risk (the entry's average fill to its
 * stop-loss) in the trade's favour, the stop moves to break-even (the
 * average fill, rounded to the tick on the side that loses nothing) and
 * scale_pct percent of the open units are closed at market.  Once per
 * bracket.  r_mult 0 turns it off.
 */
typedef struct td_manage_params {
	double r_mult;             /* reward/risk that triggers; 0 = off */
	bool breakeven;            /* move the stop to the average fill */
	double scale_pct;          /* percent of the open units to close at market; 0 = none */
} td_manage_params;

/* Whether mark has reached the trigger for a trade on side entered at avg (ticks) with its stop-loss at stop (ticks). */
bool td_manage_triggered(const td_manage_params *m, td_side side, double avg, td_ticks stop, td_ticks mark);

/* The break-even stop for an average fill (ticks): rounded up for a long, down for a short. */
td_ticks td_manage_breakeven(td_side side, double avg);

/* Units to scale out of open: scale_pct of it rounded down, never all of it. */
int64_t td_manage_scale_qty(const td_manage_params *m, int64_t open);

#endif
