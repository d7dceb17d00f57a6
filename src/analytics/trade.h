/*
 * The input every analytic consumes: one print, compact (32 bytes) so a day of
 * a busy future (3 million prints) is 96 MB at most and a pass over an
 * in-memory array runs at memory speed.  Built from a TD_EV_TRADE event with
 * td_trade_from_event; prices stay in the instrument's ticks.
 */
#ifndef TD_TRADE_H
#define TD_TRADE_H

#include <stdint.h>

#include "core/event.h"

typedef struct td_trade {
	td_ns ts;         /* exchange time */
	td_ticks px;      /* price in ticks */
	int64_t size;     /* > 0 */
	uint8_t aggr;     /* td_side: BUY = lifted the offer, SELL = hit the bid, NONE = unknown */
} td_trade;

_Static_assert(sizeof(td_trade) == 32, "td_trade must stay 32 bytes");

/* The trade in a TD_EV_TRADE event. */
static inline td_trade td_trade_from_event(const td_event *ev)
{
	return (td_trade){ ev->exch_ns, ev->u.trade.px, ev->u.trade.size, ev->u.trade.aggressor };
}

#endif
