/*
 * The account against every limit of [risk], one row a limit, for the risk
 * pane: the limit's setting, the standing now where there is one, the
 * fraction of the limit used, and a state that says what an order opening
 * or growing a position would meet now.
 *
 * The rows follow the checks of risk.c, in their order and under their
 * names, so that the pane and a ticket speak of the same thing.  The states
 * agree with the checks: a row says REDUCE-ONLY or HALT exactly when its
 * check would refuse an opening order now (the daily loss, whose check
 * refuses opening orders from its reduce-only stage on, says HALT from 100 %
 * of the limit, as doc/orders.md names the stage).  Limits that look at one
 * order only (quantity, notional, price band, risk per trade, duplicates)
 * have no standing and say "per order".
 *
 * Pure: no I/O, no ncurses, no globals; a test can state any standing.
 */
#ifndef TD_RISK_VIEW_H
#define TD_RISK_VIEW_H

#include <stdbool.h>
#include <stddef.h>

#include "oms/risk.h"

typedef enum td_risk_state {
	TD_RISK_STATE_OK = 0,      /* room left */
	TD_RISK_STATE_PER_ORDER,   /* the limit applies to each order on its own: nothing stands against it */
	TD_RISK_STATE_OFF,         /* the limit is 0: no check */
	TD_RISK_STATE_WARN,        /* orders pass, the ticket warns (daily loss past warn_pct; PDT allowance used up) */
	TD_RISK_STATE_REDUCE,      /* only orders that reduce a position pass */
	TD_RISK_STATE_HALT         /* no new order passes this check */
} td_risk_state;

#define TD_RISK_ROW_TEXT 128

typedef struct td_risk_row {
	const char *name;                /* the check's name, as the ticket shows it (static) */
	char setting[80];                /* "1,000 per order", "off" */
	char use[TD_RISK_ROW_TEXT];      /* the standing now ("3 of 20 working"); "" when the limit has none */
	double used;                     /* fraction of the limit used, 0..1 (clamped); NaN when it has no measure */
	td_risk_state state;
} td_risk_row;

/*
 * Fill out (room for cap rows) with the rows of l against u, in the order
 * of the checks.  Returns the rows written: every limit's when cap is at
 * least TD_RISK_MAX_CHECKS.
 */
size_t td_risk_rows(const td_risk_limits *l, const td_risk_usage *u, td_risk_row *out, size_t cap);

/* "OK", "per order", "OFF", "WARN", "REDUCE-ONLY", "HALT". */
const char *td_risk_state_name(td_risk_state s);

/*
 * Money with thousands separators and two decimals: -1250 -> "-1,250.00";
 * plus adds "+" to amounts above zero.  Amounts of 1e15 and more (or NaN)
 * in %g, so a wild figure still shows.
 */
void td_risk_fmt_money(double v, bool plus, char *buf, size_t n);

#endif
