/*
 * Order requests typed on the command line:
 *
 *   buy|sell QTY|risk MONEY|risk PCT% SYMBOL [TYPE [PRICE [PRICE]]] [tp PRICE] [sl PRICE] [TIF]
 *
 *   :buy 100 SPY lmt 512.25          limit
 *   :sell 2 SPY261120C00570000 mkt   market (the default type)
 *   :buy 10 ESZ6 stp 5725.50         stop
 *   :sell 50 SPY stplmt 569 568.5    stop-limit: the stop, then the limit
 *   :sell 100 SPY trail 0.50 gtc     trailing stop by a price distance
 *   :sell 100 SPY trail% 1.5         trailing stop by a percentage
 *   :buy 100 SPY lmt 512.25 tp 515 sl 510   a bracket (oms/bracket.h)
 *   :buy risk 1% SPY lmt 512.25 sl 510      sized so that the stop loses 1 % of capital
 *   :buy risk 500 SPY sl 510                ... or 500 of the account's money
 *
 * Prices are in the instrument's own format (its tick size and decimals,
 * core/price.h), so an off-tick price is refused rather than rounded.  An
 * error names the column (1-based) and what is wrong.  Pure: no I/O.
 */
#ifndef TD_OMS_PARSE_H
#define TD_OMS_PARSE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/instrument.h"
#include "oms/order.h"

/* A quantity to be worked out from the risk of the stop-loss (td_oms_size). */
typedef struct td_order_sizing {
	bool set;              /* the line said risk ...; the request's qty is 0 until sized */
	bool pct;              /* amount is a percent of capital, else money */
	double amount;
} td_order_sizing;

/*
 * Parse line (without the leading ':') into *out and *sizing (NULL: a
 * risk amount is refused).  0, or -1 with err "column N: what".
 */
int td_order_parse(const char *line, const td_registry *reg, td_order_req *out, td_order_sizing *sizing, char *err,
		   size_t errlen);

/*
 * The changes of a modify, typed after the order id: "qty 20 lmt 512.30
 * stp 510", any of them, each at most once, prices in ins's format.  An
 * absent one is 0 (qty) or TD_PX_NONE.  0, or -1 with err "column N: what".
 */
int td_modify_parse(const char *args, const td_instrument *ins, int64_t *qty, td_ticks *limit, td_ticks *stop,
		    char *err, size_t errlen);

#endif
