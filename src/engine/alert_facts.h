/*
 * The facts an alert rule reads (alert/expr.h), taken from the engine's
 * state: the market's quote of an instrument, its studies (bars of the
 * alert timeframe, footprint, volume profile, TPO) when it is on the
 * watchlist, and the chain of an underlying with options.  NaN where a
 * fact is not known (no print yet, not on the watchlist, no chain).
 *
 * Units are those of doc/alerts.md: prices in price units, volumes in
 * units, implied volatilities and IV rank in percent, time of day in
 * seconds after local midnight of the exchange.  Which expiry a per-expiry
 * figure comes from: the front one with the figure defined (max pain, ATM
 * IV).  Pure reads: no I/O.
 */
#ifndef TD_ALERT_FACTS_H
#define TD_ALERT_FACTS_H

#include <stdint.h>

#include "alert/book.h"
#include "core/instrument.h"
#include "core/time.h"
#include "engine/analysis.h"
#include "engine/market.h"
#include "engine/optchain.h"

/* The alert timeframe: what "a bar" means to a rule. */
#define TD_ALERT_TF TD_BARS_1M

/* Quote facts of ins (last, bid, ask, spread, day figures, tick) into v; returns the mask of facts written. */
uint64_t td_alert_facts_quote(const td_instrument *ins, const td_quote_state *q, double *v);

/* Study facts (bar volume and delta, VWAP, cumulative delta, profile, IB, opening, footprint) into v; the mask. */
uint64_t td_alert_facts_studies(const td_instrument *ins, td_studies *st, double *v);

/* Chain facts of an underlying's chain (PCR, max pain, GEX, zero gamma, IVs, IV rank, unusual) into v; the mask. */
uint64_t td_alert_facts_chain(const td_chainview *cv, double *v);

/* The closed bar i (0 = the newest) of the alert timeframe as a rule's bar; false when there is none. */
bool td_alert_facts_bar(const td_instrument *ins, td_studies *st, size_t i, td_alert_bar *out);

/* Seconds after local midnight of t in tz. */
double td_alert_facts_time(const td_tz *tz, td_ns t);

#endif
