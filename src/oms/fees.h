/*
 * Commissions, fees and taxes from per-market fee schedules.
 *
 * A schedule is data: a named list of components read from config/fees.conf
 * (doc/fees.md describes the syntax).  Each component says which instrument
 * kinds and which side it applies to, how it is computed (per unit, per
 * contract, percent of the traded value, per order, or percent of other
 * components listed before it, as GST is), an optional minimum and maximum
 * per order and a rounding step.
 *
 * One call of td_fee_compute prices one order: its minimums, maximums and
 * per-order amounts are applied once per call.  For an order that fills in
 * parts, td_fee_compute_fill charges each fill the fees of the order so far
 * minus the fees of the order before that fill, so the fills of one order add
 * up to the fees of the whole order and a minimum is charged once, not once
 * per fill.
 *
 * Pure: no globals; a td_fees is read-only once loaded, so threads may share it.
 */
#ifndef TD_FEES_H
#define TD_FEES_H

#include <stddef.h>

#include "core/event.h"
#include "core/instrument.h"

#define TD_FEE_NAME_MAX 24       /* component and schedule names, with the NUL */
#define TD_FEE_LABEL_MAX 32      /* display labels, with the NUL */
#define TD_FEE_COMPONENTS_MAX 24 /* components in one schedule */

typedef struct td_fees td_fees;
typedef struct td_fee_schedule td_fee_schedule;

/* One component's share of a computed fee, for the ticket. */
typedef struct td_fee_item {
	char name[TD_FEE_NAME_MAX];   /* as in the file: "brokerage" */
	char label[TD_FEE_LABEL_MAX]; /* for display: "Brokerage" */
	double amount;                /* after minimum, maximum and rounding */
} td_fee_item;

/* Every component that applied to the order (kind and side matched), in schedule order. */
typedef struct td_fee_breakdown {
	size_t n;
	td_fee_item item[TD_FEE_COMPONENTS_MAX];
	double total;                 /* the sum of the amounts; what the compute call returns */
} td_fee_breakdown;

/*
 * Read a fee file.  Returns the schedules, or NULL with err set to
 * "FILE:LINE: what is wrong" for the first bad line: one bad line refuses the
 * whole file, because a fee silently left out or mistyped is worse than no
 * fees.  errno is ENOENT when the file does not exist (the caller may fall
 * back to td_fees_builtin()), and something else for every other failure.
 * Free with td_fees_free.
 */
td_fees *td_fees_load(const char *path, char *err, size_t errlen);

/*
 * The example schedules shipped in config/fees.conf ("us", "in" and
 * "in-delivery"), without reading any file; NULL when out of memory.
 */
td_fees *td_fees_builtin(void);

void td_fees_free(td_fees *f);

/* The schedule with this name, or NULL.  It lives as long as f. */
const td_fee_schedule *td_fees_find(const td_fees *f, const char *name);

/* The schedules in file order, for listing them. */
size_t td_fees_count(const td_fees *f);
const td_fee_schedule *td_fees_at(const td_fees *f, size_t i);

const char *td_fee_schedule_name(const td_fee_schedule *s);
/* The currency the schedule's amounts are in ("USD", "INR"), or "" when the file says none. */
const char *td_fee_schedule_currency(const td_fee_schedule *s);

/*
 * The schedule written back as the lines of a fee file, one per setting, in a
 * fixed form (":fees" shows it; the tests compare schedules through it).
 * Returns the length, or -1 when it does not fit in n bytes.
 */
int td_fee_schedule_format(const td_fee_schedule *s, char *buf, size_t n);

/*
 * The fees of one order of qty contracts (or shares) at price, each contract
 * being multiplier units (1 for shares; the lot size or contract multiplier
 * for derivatives; the traded value is |price| x qty x multiplier).  side is
 * TD_SIDE_BUY or TD_SIDE_SELL.  out, when not NULL, gets each applying
 * component's amount.  Returns the total; 0 for qty 0; NAN (and out->n = 0)
 * for arguments that cannot be priced: no side, a negative quantity, a
 * multiplier that is not positive, a value that is not finite.
 */
double td_fee_compute(const td_fee_schedule *s, td_ins_kind kind, td_side side, double qty,
		      double price, double multiplier, td_fee_breakdown *out);

/*
 * The fees of one fill of an order that had already filled done_qty at an
 * average price done_price: the fees of the order with this fill minus the
 * fees of the order without it.  out gets each component's increment.
 * Returns NAN on the arguments td_fee_compute refuses.
 */
double td_fee_compute_fill(const td_fee_schedule *s, td_ins_kind kind, td_side side,
			   double done_qty, double done_price, double qty, double price,
			   double multiplier, td_fee_breakdown *out);

#endif
