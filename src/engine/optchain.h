/*
 * Option chains as the panes show them: for each underlying with listed
 * options, every contract's quote, implied volatility from the mid, Greeks
 * at that volatility, and the chain statistics of src/options/chain.h.
 *
 * The engine thread owns it.  Quotes come from the market state (the feed's
 * option quotes are applied there); td_optchain_get recomputes one
 * underlying's chain from them when it is asked and the last computation is
 * older than the refresh interval, so the cost follows what is on screen,
 * not the quote rate.
 *
 * Models, per underlying (doc/options.md "Chains in the workstation"):
 *   future underlying            Black-76 on the futures price
 *   American-style options       Bjerksund-Stensland 2002 for the price and
 *                                the implied volatility; the Greeks are
 *                                Black-Scholes-Merton's at that volatility
 *                                (the early-exercise premium's own
 *                                sensitivities are left out, which is within
 *                                the approximation for all but deep
 *                                in-the-money puts)
 *   otherwise                    Black-Scholes-Merton with the yield
 * The implied volatility comes from the mid of a two-sided quote; a contract
 * without one, or whose mid has no implied volatility (below intrinsic, at
 * the upper bound), keeps NaN and the reason.  Time to expiry is ACT/365 to
 * the exchange's expiry instant (options/expiry.h), measured from the
 * market's clock (the feed's exchange time), so a replay prices as of its
 * own day.
 *
 * History (store/history.h), when given: each contract's open interest and
 * premium on the last recorded day before today feed the chain statistics'
 * OI change and build-up, its mean volume over the last 20 recorded days
 * their unusual-volume test, and the underlying's recorded 30-day ATM IVs
 * give IV rank and IV percentile.
 */
#ifndef TD_OPTCHAIN_H
#define TD_OPTCHAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/instrument.h"
#include "core/time.h"
#include "engine/market.h"
#include "options/chain.h"
#include "options/expiry.h"
#include "options/option.h"
#include "options/scan.h"
#include "store/history.h"

/* One contract. */
typedef struct td_optrow {
	uint32_t id;             /* instrument id */
	int32_t expiry;          /* expiry date, days since 1970-01-01 */
	td_right right;
	double strike;           /* price units */
	double bid, ask, mid;    /* price units; NaN when the side is empty */
	double last;             /* last print, NaN before one */
	double volume, oi;       /* contracts; NaN before the first quote */
	double T;                /* years to expiry; <= 0 once expired */
	double iv;               /* annual; NaN when none (iv_why says why) */
	const char *iv_why;      /* static reason, NULL when iv is set */
	td_greeks g;             /* at iv, option.h units; every field NaN when there is no iv */
} td_optrow;

/* One underlying's chain after a computation. */
typedef struct td_chainview {
	uint32_t underlying;
	td_model model;
	double spot;             /* the underlying's last print, else its mid; NaN when neither */
	double rate, yield;      /* annual, continuously compounded */
	double multiplier;       /* units of underlying per contract */
	const td_optrow *rows;   /* sorted by expiry, strike, then call before put */
	size_t nrows;
	const td_chain_expiry *exp;  /* per expiry statistics, ascending */
	size_t nexp;
	const td_chain_strike *strikes;  /* dealer exposure per strike, ascending */
	size_t nstrikes;
	const td_chain_total *total;
	const td_chain_row *stat_rows;   /* per contract statistics, same index as rows */
	double iv30;             /* 30-day ATM IV, variance-interpolated between expiries; NaN when none */
	td_history_ivstat ivr;   /* IV rank and percentile of iv30 over the history (NaN and why without it) */
	td_ns computed;          /* market clock of the computation */
	double compute_us;       /* wall time it took */
	uint32_t no_iv;          /* contracts without an implied volatility */
} td_chainview;

typedef struct td_optchain_params {
	double rate;             /* risk-free rate */
	double yield;            /* dividend yield of equity and index underlyings */
	const td_tz *tz;         /* zone and local time of day contracts expire in (the session close) */
	td_ns expiry_tod;
	int refresh_ms;          /* recompute at most this often, >= 0 */
	const td_history *history;  /* borrowed; NULL = none: no IV rank, OI change or volume history */
	int iv_lookback;         /* calendar days behind IV rank and percentile */
	int iv_min_days;         /* days with an IV needed before they are shown */
} td_optchain_params;

typedef struct td_optchain td_optchain;

/*
 * Chains for every underlying in reg that has options (reg and m are
 * borrowed and must outlive the chains).  NULL with err on no memory.
 */
td_optchain *td_optchain_new(const td_registry *reg, const td_market *m, const td_optchain_params *p,
			     char *err, size_t errlen);
void td_optchain_free(td_optchain *oc);

/* The underlyings with options, in registry order. */
size_t td_optchain_underlyings(const td_optchain *oc, const uint32_t **ids);

/* The chain an instrument belongs to: its own id for an underlying with options, its underlying's for an option, else TD_NO_ID. */
uint32_t td_optchain_chain_of(const td_optchain *oc, uint32_t id);

/*
 * The chain of underlying und, recomputed first when force is set or the
 * last computation is older than the refresh interval; NULL when und has no
 * options.  Valid until the next call for the same underlying.
 */
const td_chainview *td_optchain_get(td_optchain *oc, uint32_t und, bool force);

/*
 * Record today's figures of every chain into h (freshly computed): each
 * underlying's 30-day ATM IV and price, each quoted contract's open
 * interest, premium (last print, else mid) and volume.  "Today" is the
 * market clock's date in the session's zone.  Returns 0, or -1 with err
 * naming the record that was refused (the others are still recorded).
 */
int td_optchain_record(td_optchain *oc, td_history *h, char *err, size_t errlen);

/*
 * The scanner over a computed chain: fills c (room for cv->nrows) with its
 * contracts and p's spot, multiplier, drift (rate - yield) and IV rank from
 * the chain, then runs td_scan_run with the rest of p as given.  Returns
 * td_scan_run's result (see td_scan_error).
 */
int td_optchain_scan(const td_chainview *cv, td_scan_contract *c, td_scan_params *p, td_scan *sc);

/* ATM IV at 30 days from per-expiry ATM IVs: total variance linear in T between the expiries around 30 days, flat beyond them; NaN without any. */
double td_optchain_iv30(const td_chain_expiry *e, size_t n);

/* The market clock's date (days since 1970-01-01) in the expiry zone: the "today" of the history. */
int64_t td_optchain_today(const td_optchain *oc);

/* "Black-Scholes", "Black-76" or "American (BS2002)"; "?" when unknown. */
const char *td_optchain_model_name(td_model m);

#endif
