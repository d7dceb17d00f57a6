/* The order ticket overlay: the order, its costs, its editable fields, every risk check, and what to press. */
#ifndef TD_TICKET_VIEW_H
#define TD_TICKET_VIEW_H

#include "oms/ticket.h"
#include "pane.h"
#include "ticket_form.h"

/* What the ticket shows besides the ticket itself. */
typedef struct td_ticket_costs {
	double price;          /* the price the order is valued at, price units; NaN unknown */
	double value;          /* quantity x price x multiplier */
	double fees;           /* estimated; NaN unknown */
	double position;       /* units now */
	char note[128];        /* how the quantity was sized, or what a modify changes; "" */
} td_ticket_costs;

/* Draw the ticket and its form (the fields as typed) centred on the screen. */
void td_ticket_draw(const td_ticket *t, const td_ticket_form *f, const td_ticket_costs *c, const td_view *v);

/* Draw t's risk checks, one a row with its verdict's role, from row y of win (w columns wide) up to row end (excluded). */
void td_ticket_draw_checks(WINDOW *win, int y, int end, int w, const td_ticket *t);

#endif
