/* The multi-leg order ticket overlay: the legs, the net now and asked, the margin, every check, what to press. */
#ifndef TD_COMBO_VIEW_H
#define TD_COMBO_VIEW_H

#include "oms/oms.h"
#include "pane.h"

/* What the ticket shows besides the ticket itself. */
typedef struct td_combo_costs {
	double fees;                             /* estimated over every leg; NaN unknown */
	double position[TD_COMBO_LEGS_MAX];      /* units held now in each leg */
} td_combo_costs;

/* Draw the ticket centred on the screen. */
void td_combo_ticket_draw(const td_combo_ticket *ct, const td_combo_costs *c, const td_view *v);

#endif
