/*
 * Multi-leg option orders: verticals, straddles, strangles, iron condors,
 * calendars and rolls, entered as one order with one net price and filled
 * all legs together (doc/orders.md "Multi-leg orders").
 *
 * A strategy is a row of a table: how many expiries and strikes it takes
 * and, for each leg, which strike, which expiry, which right and whether
 * the leg trades on the order's side or against it.  Buying a strategy
 * trades its legs as the table says; selling it trades every leg the other
 * way.  Every leg has the order's quantity (ratio 1).
 *
 * Net price, per one unit of the strategy, in price units: the legs bought
 * at their price minus the legs sold at theirs, as the legs are traded.  A
 * bought strategy with limit L may cost at most L (a negative L asks for a
 * credit of at least -L); a sold strategy with limit L must bring in at
 * least L.  Inside, both become the most the legs may cost, max_debit:
 * L when buying, -L when selling.
 *
 * Pure: the legs are looked up in a registry; no I/O, no globals.
 */
#ifndef TD_COMBO_H
#define TD_COMBO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/instrument.h"
#include "oms/order.h"

#define TD_COMBO_LEGS_MAX 4

typedef enum td_combo_kind {
	TD_CK_VERTICAL = 0,  /* EXP RIGHT K1 K2: K1 on the order's side, K2 against */
	TD_CK_STRADDLE,      /* EXP K: the call and the put at K */
	TD_CK_STRANGLE,      /* EXP K1 K2: the put at K1 and the call at K2 */
	TD_CK_CONDOR,        /* EXP K1 K2 K3 K4, an iron condor: sold = short the K2 put and K3 call, long K1 put and K4 call */
	TD_CK_CALENDAR,      /* EXP1 EXP2 RIGHT K: bought = sell EXP1, buy EXP2 */
	TD_CK_ROLL,          /* a held option to another expiry (and strike): close it, open the new one */
	TD_CK_COUNT
} td_combo_kind;

typedef struct td_combo_leg {
	uint32_t instr;
	td_side side;        /* as traded */
} td_combo_leg;

typedef struct td_combo_req {
	td_combo_kind kind;
	td_side side;        /* how the trader asked for it: buy or sell */
	int64_t qty;         /* units of the strategy (contracts per leg) */
	td_ticks limit;      /* the net price as asked, ticks of the legs' format; TD_PX_NONE = market */
	td_tif tif;
	td_combo_leg legs[TD_COMBO_LEGS_MAX];
	size_t n;
	char source[TD_ORDER_SOURCE_MAX];
} td_combo_req;

/* The strategy's name ("vertical", ...). */
const char *td_combo_kind_name(td_combo_kind k);

/* Whether word names a strategy the parser takes (roll excepted: it has a command of its own). */
bool td_combo_word(const char *word);

/*
 * Parse "buy|sell QTY STRATEGY UNDERLYING EXPIRY... [RIGHT] STRIKE... [lmt P|mkt] [day|gtc|ioc]"
 * into c, finding each leg in reg (expiries as YYYY-MM-DD).  -1 with err
 * naming the word that is wrong or the leg that is not listed.
 */
int td_combo_parse(const char *line, const td_registry *reg, td_combo_req *c, char *err, size_t errlen);

/*
 * A roll of a held option: held is the position now (signed units, not
 * zero); the new contract has the same right and underlying, expiry to and
 * strike (0 keeps the strike).  Parses "EXPIRY [STRIKE] [lmt P|mkt] [TIF]"
 * from rest.  The order is bought when the position is long (sell the old,
 * buy the new), sold when short.  -1 with err.
 */
int td_combo_roll(const td_registry *reg, uint32_t from, int64_t held, const char *rest, td_combo_req *c,
		  char *err, size_t errlen);

/* The most the legs may cost per unit, ticks (see above); TD_PX_NONE at market. */
td_ticks td_combo_max_debit(const td_combo_req *c);

/*
 * The net price of the legs now, per unit, in ticks: each bought leg at
 * price[i], each sold one at -price[i] (price in ticks, one per leg).
 */
td_ticks td_combo_net(const td_combo_req *c, const td_ticks *price);

/*
 * The margin the order ties up (doc/orders.md): legs of one expiry whose
 * payoff at expiry has a floor: that worst loss (the net debit paid
 * counted in), at least 0; calendars whose every sold leg has a bought leg
 * of the same right and strike expiring later: the debit paid; anything
 * else: naked[i] summed over the legs (the caller's per-leg estimate).
 * price[i] is each leg's price in price units, strike[i] its strike,
 * call[i] its right, expiry[i] its expiry day; mult the multiplier.
 */
double td_combo_margin(const td_combo_req *c, const double *price, const double *strike, const bool *call,
		       const int64_t *expiry, const double *naked, double mult);

#endif
