/*
 * Portfolio Greeks and exposure: the book's positions valued with the
 * market's prices and the option chains' Greeks, per position, per
 * underlying and for the account, as the positions pane shows them.
 *
 * Units (doc/orders.md "Positions pane"):
 *   delta        units of the underlying: money per 1.00 move of the
 *                underlying's price.  Shares for a stock (a stock
 *                position's delta is its quantity x multiplier); for an
 *                option qty x multiplier x the option's delta; for a
 *                future and its options "index units" (one ES contract
 *                of multiplier 50 is 50), which divided by the future's
 *                multiplier gives futures-contract equivalents
 *   gamma        change of that delta per 1.00 move of the underlying
 *   theta        money per calendar day (option.h: a year's theta / 365)
 *   vega         money per volatility point (sigma + 0.01)
 *   delta_money  delta x the underlying's price: money ("dollar delta")
 *   gamma_money  gamma x S^2 x 0.01: the change of delta_money for a 1 %
 *                move, the same measure as the chains' GEX
 *   exposure     |qty| x mark x multiplier: the gross money value (the
 *                premium for an option)
 * Stock, index and futures positions have zero gamma, theta and vega.
 *
 * An option's Greeks are its chain row's (engine/optchain.h, the
 * underlying's td_optchain_get), so they agree with the chain pane: the
 * chain's model, implied vol from the mid and refresh interval.  An open
 * option position whose row has no Greeks (no two-sided quote, no implied
 * vol, expired, no chain) is left out of every Greek total and counted in
 * no_greeks, never taken as zero; one without a mark is left out of the
 * exposure and counted in no_price (a stock without a price is left out of
 * delta_money too).  A flat position (traded today, closed) has zero
 * Greeks and exposure and only carries its realised P&L.
 *
 * Totals are per underlying (a stock and its options together) and for the
 * account.  delta and gamma are in units of one underlying, so the
 * account's are NaN unless every open position is on one underlying;
 * delta_money, gamma_money, theta, vega and exposure add up across
 * underlyings.
 *
 * The engine thread owns it.  Memory: fixed at creation, one line and one
 * group per instrument id below the capacity.  An update costs O(positions
 * x log contracts) plus the chain recomputations it asks for (at most one
 * per underlying with options per refresh interval).
 */
#ifndef TD_PORTFOLIO_H
#define TD_PORTFOLIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/instrument.h"
#include "engine/market.h"
#include "engine/optchain.h"
#include "oms/position.h"

/* One position. */
typedef struct td_pf_line {
	uint32_t id;             /* instrument */
	uint32_t und;            /* the underlying it is grouped under: an option's underlying, else itself */
	bool option;
	double qty;              /* signed units */
	double avg_px;           /* price units; NaN when flat */
	double multiplier;       /* the instrument's */
	double mark;             /* last trade, else the mid (price units); NaN when neither */
	double unrealised;       /* money at the mark; 0 when flat, NaN without a mark */
	double realised;         /* money since the book began */
	double day;              /* realised today + unrealised (an unknown unrealised counts 0) */
	bool greeks;             /* the Greeks below are known */
	double delta, gamma, theta, vega;   /* units above; NaN when !greeks */
	double und_px;           /* the underlying's price (an option's chain spot, else the mark); NaN when none */
	double delta_money, gamma_money;    /* NaN when unknown */
	double exposure;         /* NaN without a mark */
} td_pf_line;

/* Totals of a group of lines: one underlying's or the account's. */
typedef struct td_pf_total {
	uint32_t und;            /* the underlying; TD_NO_ID for the account */
	size_t first, n;         /* the group's lines: lines[first .. first + n - 1] (the account: all) */
	size_t options;          /* lines that are options */
	size_t open;             /* lines with a position (qty != 0) */
	size_t no_greeks;        /* open lines left out of delta, gamma, theta, vega and delta/gamma money */
	size_t no_price;         /* open lines left out of exposure (and, without a price, delta money) */
	double unrealised, realised, day;   /* money; unknown unrealised left out */
	double delta, gamma;     /* per underlying; the account's NaN unless one underlying holds every open line */
	double theta, vega, delta_money, gamma_money, exposure;
} td_pf_total;

typedef struct td_portfolio td_portfolio;

/* A portfolio for instrument ids below capacity (the registry's count).  NULL on no memory. */
td_portfolio *td_portfolio_new(size_t capacity);
void td_portfolio_free(td_portfolio *pf);

/*
 * Recompute from the book's positions (every instrument held or traded),
 * the market's prices and the chains (NULL: no option has Greeks).  Lines
 * come grouped by underlying in id order, the underlying's own line first,
 * then its options by expiry, strike, call before put.  b and m are
 * borrowed for the call; oc's chains may be recomputed (td_optchain_get
 * without force).
 */
void td_portfolio_update(td_portfolio *pf, const td_book *b, const td_market *m, td_optchain *oc);

/* The lines of the last update; valid until the next. */
const td_pf_line *td_portfolio_lines(const td_portfolio *pf, size_t *n);

/* The per-underlying totals of the last update, in line order; valid until the next. */
const td_pf_total *td_portfolio_groups(const td_portfolio *pf, size_t *n);

/* The account's totals of the last update. */
const td_pf_total *td_portfolio_account(const td_portfolio *pf);

/* The mark of an instrument in price units: its last trade, else the mid of a two-sided quote, else NaN. */
double td_portfolio_mark(const td_market *m, uint32_t id);

#endif
