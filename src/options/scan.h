/*
 * Option-selling scanner: from one underlying's chain, with quotes and Greeks
 * already computed, list the candidate cash-secured puts, covered calls,
 * short strangles and straddles, iron condors and credit and debit
 * verticals; filter them and rank them.  Every definition (liquidity score,
 * probability of profit, the margin proxy, the composite score, how legs
 * are paired, what the filters count) is in doc/scanner.md.
 *
 * The module prices nothing and keeps no state between scans: td_scan_run
 * recomputes everything from the array it is given.  Legs are paired by rule,
 * never all against all: the wings and verticals take the listed strike a
 * fixed number of steps away, a strangle's call is the one whose |delta| is
 * nearest its put's, a straddle's call shares its put's strike.  A scan is
 * O(n log n) for n contracts.  Memory is fixed by td_scan_new; a scan
 * allocates nothing.  No globals: one td_scan per thread.
 *
 * Missing data is listed, never zero.  A NaN input is missing.  A contract
 * that lacks something a structure needs is left out of every structure and
 * appears in td_scan_skipped with its reason bits; a candidate that fails a
 * filter is counted under the first filter it fails.
 *
 * Units: prices, strikes and spot in price units, per unit of underlying
 * (per share) unless a name ends in _money (per structure: times the
 * multiplier).  T in years (ACT/365); "days" are 365 * T calendar days.
 * IV annual (0.20 = 20 %).  Greeks in as option.h: delta per unit of
 * underlying, gamma per unit squared, theta per calendar day, vega per
 * volatility point.  Position Greeks out are per structure, multiplier
 * included: delta in units of underlying, theta in money per day, vega in
 * money per volatility point.  Volume and open interest in contracts.
 */
#ifndef TD_SCAN_H
#define TD_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "options/option.h"

/* One contract, as given by the caller.  Every double: NaN = missing. */
typedef struct td_scan_contract {
	uint32_t id;         /* the caller's, copied into legs and the skipped list */
	int32_t expiry;      /* days since 1970-01-01; equal keys are one expiry */
	double T;            /* years to expiry, > 0 */
	td_right right;      /* TD_CALL or TD_PUT */
	double strike;       /* > 0 */
	double bid, ask;     /* a usable quote: 0 <= bid <= ask, ask > 0 */
	double iv;           /* > 0 */
	double delta, gamma, theta, vega;  /* option.h units; gamma may be missing (net gamma is then NaN) */
	double volume;       /* today, >= 0; may be missing (liquidity from spread and OI alone) */
	double oi;           /* open interest, >= 0 */
} td_scan_contract;

/* The strategies: X(name, key for files, display name). */
#define TD_SCAN_STRATEGY_LIST(X) \
	X(CSP,          "csp",          "cash-secured put") \
	X(COVERED_CALL, "covered_call", "covered call") \
	X(STRANGLE,     "strangle",     "short strangle") \
	X(STRADDLE,     "straddle",     "short straddle") \
	X(IRON_CONDOR,  "iron_condor",  "iron condor") \
	X(BULL_PUT,     "bull_put",     "bull put spread") \
	X(BEAR_CALL,    "bear_call",    "bear call spread") \
	X(BULL_CALL,    "bull_call",    "bull call spread") \
	X(BEAR_PUT,     "bear_put",     "bear put spread")

typedef enum td_scan_strategy {
#define TD_SCAN_X_(name, key, text) TD_SCAN_##name,
	TD_SCAN_STRATEGY_LIST(TD_SCAN_X_)
#undef TD_SCAN_X_
	TD_SCAN_STRATEGY_COUNT
} td_scan_strategy;

/* A set of strategies for td_scan_params.strategies. */
#define TD_SCAN_BIT(s) (1u << (s))
#define TD_SCAN_ALL ((1u << TD_SCAN_STRATEGY_COUNT) - 1u)

/* Ranking keys: X(name, key, display name).  Higher ranks first for every key. */
#define TD_SCAN_RANK_LIST(X) \
	X(COMPOSITE,  "composite",  "composite score") \
	X(RETURN,     "return",     "return on risk") \
	X(POP,        "pop",        "probability of profit") \
	X(THETA_VEGA, "theta_vega", "theta/vega")

typedef enum td_scan_rank {
#define TD_SCAN_X_(name, key, text) TD_SCAN_RANK_##name,
	TD_SCAN_RANK_LIST(TD_SCAN_X_)
#undef TD_SCAN_X_
	TD_SCAN_RANK_COUNT
} td_scan_rank;

/* Why a contract was skipped: bits, X(name, key, display name). */
#define TD_SCAN_WHY_LIST(X) \
	X(INVALID,   "invalid",   "invalid strike or right") \
	X(DUPLICATE, "duplicate", "duplicate contract") \
	X(T,         "t",         "no time to expiry") \
	X(BID,       "bid",       "no bid") \
	X(ASK,       "ask",       "no ask") \
	X(QUOTE,     "quote",     "invalid quote") \
	X(IV,        "iv",        "no implied volatility") \
	X(DELTA,     "delta",     "no delta") \
	X(THETA,     "theta",     "no theta") \
	X(VEGA,      "vega",      "no vega") \
	X(OI,        "oi",        "no open interest")

enum {
#define TD_SCAN_X_(name, key, text) TD_SCAN_WHY_BIT_##name,
	TD_SCAN_WHY_LIST(TD_SCAN_X_)
#undef TD_SCAN_X_
	TD_SCAN_WHY_COUNT
};
#define TD_SCAN_WHY_INVALID   (1u << TD_SCAN_WHY_BIT_INVALID)
#define TD_SCAN_WHY_DUPLICATE (1u << TD_SCAN_WHY_BIT_DUPLICATE)
#define TD_SCAN_WHY_T         (1u << TD_SCAN_WHY_BIT_T)
#define TD_SCAN_WHY_BID       (1u << TD_SCAN_WHY_BIT_BID)
#define TD_SCAN_WHY_ASK       (1u << TD_SCAN_WHY_BIT_ASK)
#define TD_SCAN_WHY_QUOTE     (1u << TD_SCAN_WHY_BIT_QUOTE)
#define TD_SCAN_WHY_IV        (1u << TD_SCAN_WHY_BIT_IV)
#define TD_SCAN_WHY_DELTA     (1u << TD_SCAN_WHY_BIT_DELTA)
#define TD_SCAN_WHY_THETA     (1u << TD_SCAN_WHY_BIT_THETA)
#define TD_SCAN_WHY_VEGA      (1u << TD_SCAN_WHY_BIT_VEGA)
#define TD_SCAN_WHY_OI        (1u << TD_SCAN_WHY_BIT_OI)

/* What drops a candidate, in the order checked; it is counted under the first it fails. */
#define TD_SCAN_FILTER_LIST(X) \
	X(DTE,       "dte",       "days to expiry") \
	X(NO_LEG,    "no_leg",    "no usable partner leg") \
	X(DELTA,     "delta",     "delta range") \
	X(OI,        "oi",        "open interest") \
	X(LIQUIDITY, "liquidity", "liquidity") \
	X(PRICE,     "price",     "no trade at the natural price") \
	X(IV_RANK,   "iv_rank",   "IV rank")

typedef enum td_scan_filter {
#define TD_SCAN_X_(name, key, text) TD_SCAN_FILTER_##name,
	TD_SCAN_FILTER_LIST(TD_SCAN_X_)
#undef TD_SCAN_X_
	TD_SCAN_FILTER_COUNT
} td_scan_filter;

/* What the IV-rank filter did in the last scan. */
typedef enum td_scan_ivr {
	TD_SCAN_IVR_OFF = 0,   /* no bound set: not applied */
	TD_SCAN_IVR_PASS,      /* rank known and within the bounds */
	TD_SCAN_IVR_FAIL,      /* rank known and outside: every candidate filtered */
	TD_SCAN_IVR_UNKNOWN,   /* bound set, rank NaN: picks kept and flagged, or all filtered when iv_rank_strict */
	TD_SCAN_IVR_COUNT
} td_scan_ivr;

/* Parameters; td_scan_params_init fills the defaults (in brackets). */
typedef struct td_scan_params {
	double spot;             /* underlying price now, > 0; the covered call buys its shares here */
	double multiplier;       /* units of underlying per contract, > 0 (100 US equity; NSE lots 25, 50, 75...) */
	double rate;             /* drift of the POP lognormal, continuously compounded [0]: r, or r - q */
	uint32_t strategies;     /* TD_SCAN_BIT set, non-empty [TD_SCAN_ALL] */
	double iv_rank;          /* the underlying's IV rank, 0..100; NaN = unknown [NaN] */
	double iv_rank_min, iv_rank_max;  /* inclusive bounds; NaN = no bound [NaN, NaN] */
	bool iv_rank_strict;     /* unknown rank with a bound set drops every candidate [false: keep, flag] */
	double dte_min, dte_max; /* inclusive, days = 365 T [1, 60]; dte_max may be +inf */
	double short_delta_min, short_delta_max;  /* |delta| of sold legs, inclusive [0.10, 0.35] */
	double long_delta_min, long_delta_max;    /* |delta| of a debit vertical's bought leg [0.40, 0.70] */
	double straddle_delta_max;  /* a straddle's |call delta + put delta| at most this [0.10] */
	int width_steps;         /* wings and verticals: listed strikes of that right away, >= 1 [1] */
	double liquidity_min;    /* worst leg's liquidity score, 0..100 [25] */
	double oi_min;           /* every option leg's OI at least this, >= 0 [10] */
	double liq_spread_zero;  /* relative spread scoring 0 on spread, > 0 [0.20] */
	double liq_volume_full;  /* volume scoring 100 on volume, > 0 [500] */
	double liq_oi_full;      /* OI scoring 100 on OI, > 0 [5000] */
	double naked_pct;        /* margin proxy: share of spot, 0..1 [0.20] */
	double naked_min_pct;    /* margin proxy floor: share of spot (call) or strike (put), 0..1 [0.10] */
	td_scan_rank rank;       /* [TD_SCAN_RANK_COMPOSITE] */
	double w_pop, w_return, w_liquidity;  /* composite weights, >= 0, sum > 0 [0.4, 0.4, 0.2] */
	double return_half;      /* annualised return scoring 50 in the composite, > 0 [0.50] */
	size_t top_n;            /* picks returned, <= max_picks; 0 = up to max_picks [0] */
} td_scan_params;

/* td_scan_pick.flags */
#define TD_SCAN_PICK_RANK_UNKNOWN 0x1u  /* an IV-rank bound was set but the rank is unknown */
#define TD_SCAN_PICK_RISK_PROXY   0x2u  /* max loss unbounded: risk is the margin proxy */
#define TD_SCAN_PICK_NO_VOLUME    0x4u  /* a leg had no volume: its liquidity is from spread and OI alone */

#define TD_SCAN_LEGS_MAX 4

/* One option leg of a pick. */
typedef struct td_scan_leg {
	uint32_t index;      /* into the caller's array */
	uint32_t id;         /* that contract's id */
	int qty;             /* +1 bought, -1 sold */
	td_right right;
	double strike;
} td_scan_leg;

/* One structure, one lot.  Prices per unit of underlying unless _money. */
typedef struct td_scan_pick {
	td_scan_strategy strategy;
	int32_t expiry;
	double T, dte;       /* of the legs' expiry (the anchor leg's T); dte = 365 T */
	int n_legs;
	td_scan_leg legs[TD_SCAN_LEGS_MAX];  /* ascending strike, put before call at one strike */
	double shares;       /* units of underlying bought at spot: the multiplier for a covered call, else 0 */
	double credit;       /* natural price (sell at bid, buy at ask, shares at spot): > 0 received, < 0 paid */
	double credit_mid;   /* the same at mids */
	double max_profit, max_loss;  /* at expiry, natural price, > 0; max_loss +inf when unbounded */
	double max_profit_money, max_loss_money;
	double risk, risk_money;  /* max_loss, or the margin proxy when that is unbounded */
	double breakeven[2]; /* ascending; NaN when absent */
	int n_breakevens;
	double pop;          /* risk-neutral probability of profit at expiry, 0..1 */
	double delta, gamma, theta, vega;  /* position Greeks, multiplier included */
	double theta_vega;   /* theta / |vega|; NaN when vega is 0 */
	double ret;          /* return on risk: max_profit / risk */
	double ret_annual;   /* ret * 365 / dte (simple) */
	double liquidity;    /* the worst leg's score, 0..100 */
	double oi;           /* the smallest leg OI */
	double score;        /* what was ranked on: the composite, ret, pop or theta_vega */
	uint32_t flags;      /* TD_SCAN_PICK_* */
} td_scan_pick;

/* A contract left out, and why. */
typedef struct td_scan_skip {
	uint32_t index;      /* into the caller's array */
	uint32_t id;
	uint32_t why;        /* TD_SCAN_WHY_* bits */
} td_scan_skip;

/* What the last scan saw. */
typedef struct td_scan_total {
	uint32_t contracts;  /* given */
	uint32_t usable;     /* not skipped */
	uint32_t skipped;
	uint32_t why[TD_SCAN_WHY_COUNT];  /* skipped contracts per reason (one contract may have several) */
	uint32_t no_volume;  /* usable contracts without volume */
	uint32_t expiries;   /* distinct expiry keys among the valid contracts */
	uint32_t candidates[TD_SCAN_STRATEGY_COUNT];  /* one per usable anchor leg and strategy scanned */
	uint32_t filtered[TD_SCAN_STRATEGY_COUNT][TD_SCAN_FILTER_COUNT];
	uint32_t kept[TD_SCAN_STRATEGY_COUNT];        /* passed every filter */
	uint32_t candidates_all, kept_all;            /* sums over the strategies */
	uint32_t picks;      /* returned: the best min(kept_all, top N) */
	td_scan_ivr ivr;
} td_scan_total;

typedef struct td_scan td_scan;

/*
 * A scanner for up to max_contracts contracts, returning up to max_picks
 * picks: 120 bytes per contract and 2 * sizeof(td_scan_pick) + 4 per
 * pick.  NULL when either is 0 or above 2^24, or out of memory.
 * The caller owns the result and frees it with td_scan_free.
 */
td_scan *td_scan_new(size_t max_contracts, size_t max_picks);
void td_scan_free(td_scan *sc);

/* Defaults for everything but the spot and the multiplier, which it sets. */
void td_scan_params_init(td_scan_params *p, double spot, double multiplier);

/*
 * Replace the results by a scan of the n contracts c (borrowed, read during
 * the call only).  Returns 0, or -1 with no results and a message in
 * td_scan_error when a parameter is out of range or n exceeds the capacity.
 */
int td_scan_run(td_scan *sc, const td_scan_contract *c, size_t n, const td_scan_params *p);

/* Why the last td_scan_run failed (a static string), NULL after a success. */
const char *td_scan_error(const td_scan *sc);

/* Results of the last td_scan_run; valid until the next run or td_scan_free. */
const td_scan_total *td_scan_totals(const td_scan *sc);
const td_scan_pick *td_scan_picks(const td_scan *sc, size_t *n);      /* best first */
const td_scan_skip *td_scan_skipped(const td_scan *sc, size_t *n);   /* ascending index */

/* A contract's liquidity score, 0..100; NaN when its quote or OI is unusable. */
double td_scan_liquidity(const td_scan_contract *k, const td_scan_params *p);

/* Names: display text and a key for files; "?" when unknown.  A reason is its bit's index. */
const char *td_scan_strategy_name(td_scan_strategy s);
const char *td_scan_strategy_key(td_scan_strategy s);
const char *td_scan_rank_name(td_scan_rank r);
const char *td_scan_rank_key(td_scan_rank r);
const char *td_scan_why_name(int bit);
const char *td_scan_why_key(int bit);
const char *td_scan_filter_name(td_scan_filter f);
const char *td_scan_filter_key(td_scan_filter f);
const char *td_scan_ivr_name(td_scan_ivr s);

#endif
