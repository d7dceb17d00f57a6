/*
 * Order requests typed on the command line:
 *
 *   buy|sell QTY SYMBOL [TYPE [PRICE [PRICE]]] [TIF]
 *
 *   :buy 100 SPY lmt 512.25          limit
 *   :sell 2 SPY261120C00570000 mkt   market (the default type)
 *   :buy 10 ESZ6 stp 5725.50         stop
 *   :sell 50 SPY stplmt 569 568.5    stop-limit: the stop, then the limit
 *   :sell 100 SPY trail 0.50 gtc     trailing stop by a price distance
 *   :sell 100 SPY trail% 1.5         trailing stop by a percentage
 *
 * Prices are in the instrument's own format (its tick size and decimals,
 * core/price.h), so an off-tick price is refused rather than rounded.  An
 * error names the column (1-based) and what is wrong.  Pure: no I/O.
 */
#ifndef TD_OMS_PARSE_H
#define TD_OMS_PARSE_H

#include <stddef.h>

#include "core/instrument.h"
#include "oms/order.h"

/* Parse line (without the leading ':') into *out.  0, or -1 with err "column N: what". */
int td_order_parse(const char *line, const td_registry *reg, td_order_req *out, char *err, size_t errlen);

#endif
