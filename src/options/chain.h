/*
 * Chain statistics: what an option chain for one underlying says as a whole.
 * Put-call ratios, max pain, open-interest build-up per contract, OI walls,
 * dealer gamma and delta exposure with the zero-gamma level, ATM implied
 * volatility, its term structure and 25-delta skew, the expected move, and
 * unusual activity.  Every definition, with its sign convention and units,
 * is in doc/options.md ("Chain statistics").
 *
 * The module prices nothing: each contract arrives with its IV, delta and
 * gamma already computed (by the pricer and IV solver), and the zero-gamma
 * search asks the caller for gamma at other spots through a callback.
 * It keeps no per-quote state: td_chain_stats recomputes everything from the
 * array it is given, in O(n log n) (O(n log expiries) when the array is
 * already sorted by expiry then strike), plus the gamma_at calls of the
 * zero-gamma search.
 * Memory is fixed by td_chain_new; a computation allocates nothing.
 *
 * Missing data is never zero.  An input that is NaN (or negative where a
 * count is expected) is missing; the contract is left out of each statistic
 * that needs it, and that statistic's td_chain_gap counts it and records the
 * reason.  A statistic that cannot be formed is NaN, with the reason why.
 *
 * Units: prices, strikes and spot in price units; T in years; IV annual
 * (0.20 = 20 %); delta per unit of underlying; gamma per unit squared (see
 * option.h); volume and open interest in contracts; the multiplier in units
 * of underlying per contract (100 for US equity options).
 */
#ifndef TD_CHAIN_H
#define TD_CHAIN_H

#include <stddef.h>
#include <stdint.h>

#include "options/option.h"

/* One contract of the chain, as given by the caller. */
typedef struct td_chain_contract {
	int32_t expiry;      /* expiry key: days since 1970-01-01, or any index; equal keys are one expiry */
	td_right right;      /* TD_CALL or TD_PUT; anything else rejects the contract */
	double strike;       /* > 0; anything else rejects the contract */
	double bid, ask;     /* quote; a two-sided quote needs 0 <= bid <= ask, ask > 0 */
	double last;         /* last trade today, > 0; NaN or <= 0 = none (the mid is used instead) */
	double volume;       /* contracts traded today, >= 0; NaN = missing */
	double oi;           /* open interest now, >= 0; NaN = missing */
	double prev_oi;      /* open interest at the previous close, >= 0; NaN = missing */
	double prev_close;   /* the option's previous close, >= 0; NaN = missing */
	double iv;           /* implied volatility, > 0; NaN = none */
	double delta;        /* NaN = none */
	double gamma;        /* NaN = none */
	double avg_volume;   /* the contract's mean daily volume over its history, >= 0; NaN = no history */
} td_chain_contract;

/* Per-expiry inputs; an expiry of the chain with no tenor has no T and its forward is the spot. */
typedef struct td_chain_tenor {
	int32_t expiry;      /* the key used in td_chain_contract.expiry */
	double T;            /* years to expiry, > 0; else the expected move is missing */
	double forward;      /* forward for the ATM point, > 0; NaN = use the spot */
} td_chain_tenor;

/* Cap on the OI walls kept per side per expiry. */
#define TD_CHAIN_WALLS 5
/* Cap on the zero-gamma search grid. */
#define TD_CHAIN_FLIP_STEPS_MAX 1000

/* Parameters; td_chain_params_init fills the defaults. */
typedef struct td_chain_params {
	double spot;             /* underlying price now, > 0 */
	double multiplier;       /* units of underlying per contract, > 0 */
	const td_chain_tenor *tenors;  /* borrowed, read during td_chain_stats only; may be NULL */
	size_t n_tenors;
	int walls;               /* OI walls per side per expiry, 1..TD_CHAIN_WALLS; default 3 */
	double voi_above;        /* unusual when volume / OI > this, >= 0; default 1.0 */
	double hist_k;           /* unusual when volume >= hist_k * avg_volume, > 0; default 3.0 */
	double flip_range;       /* zero-gamma searched in spot * (1 -/+ range), 0 < range < 1; default 0.20 */
	int flip_steps;          /* grid intervals over that range, 1..TD_CHAIN_FLIP_STEPS_MAX; default 20 */
	double flip_tol;         /* bisection stops at a bracket <= tol * spot, > 0; default 1e-4 */
	/* Gamma of contract i (index into the caller's array) at a hypothetical
	 * spot, all else equal; NaN when it cannot be priced.  Optional: NULL
	 * skips the zero-gamma search (reason TD_CHAIN_WHY_NO_CALLBACK). */
	double (*gamma_at)(void *ctx, size_t i, double spot);
	void *gamma_ctx;         /* borrowed, passed to gamma_at */
} td_chain_params;

/* Why data is missing or a statistic could not be formed: bits. */
#define TD_CHAIN_WHY_LIST(X) \
	X(OI,          "no open interest") \
	X(VOLUME,      "no volume") \
	X(PREV_OI,     "no previous open interest") \
	X(PRICE,       "no last price or mid") \
	X(PREV_CLOSE,  "no previous close") \
	X(IV,          "no implied volatility") \
	X(DELTA,       "no delta") \
	X(GAMMA,       "no gamma") \
	X(QUOTE,       "no two-sided quote") \
	X(HISTORY,     "no volume history") \
	X(T,           "no time to expiry") \
	X(NO_BRACKET,  "target not bracketed") \
	X(ZERO_BASE,   "nothing to divide by or weigh") \
	X(NO_CALLBACK, "no gamma_at callback") \
	X(NO_FLIP,     "no sign change in range") \
	X(DUPLICATE,   "duplicate contract") \
	X(INVALID,     "invalid strike or right")

enum {
#define TD_CHAIN_X_(name, text) TD_CHAIN_WHY_BIT_##name,
	TD_CHAIN_WHY_LIST(TD_CHAIN_X_)
#undef TD_CHAIN_X_
	TD_CHAIN_WHY_COUNT
};
#define TD_CHAIN_WHY_OI          (1u << TD_CHAIN_WHY_BIT_OI)
#define TD_CHAIN_WHY_VOLUME      (1u << TD_CHAIN_WHY_BIT_VOLUME)
#define TD_CHAIN_WHY_PREV_OI     (1u << TD_CHAIN_WHY_BIT_PREV_OI)
#define TD_CHAIN_WHY_PRICE       (1u << TD_CHAIN_WHY_BIT_PRICE)
#define TD_CHAIN_WHY_PREV_CLOSE  (1u << TD_CHAIN_WHY_BIT_PREV_CLOSE)
#define TD_CHAIN_WHY_IV          (1u << TD_CHAIN_WHY_BIT_IV)
#define TD_CHAIN_WHY_DELTA       (1u << TD_CHAIN_WHY_BIT_DELTA)
#define TD_CHAIN_WHY_GAMMA       (1u << TD_CHAIN_WHY_BIT_GAMMA)
#define TD_CHAIN_WHY_QUOTE       (1u << TD_CHAIN_WHY_BIT_QUOTE)
#define TD_CHAIN_WHY_HISTORY     (1u << TD_CHAIN_WHY_BIT_HISTORY)
#define TD_CHAIN_WHY_T           (1u << TD_CHAIN_WHY_BIT_T)
#define TD_CHAIN_WHY_NO_BRACKET  (1u << TD_CHAIN_WHY_BIT_NO_BRACKET)
#define TD_CHAIN_WHY_ZERO_BASE   (1u << TD_CHAIN_WHY_BIT_ZERO_BASE)
#define TD_CHAIN_WHY_NO_CALLBACK (1u << TD_CHAIN_WHY_BIT_NO_CALLBACK)
#define TD_CHAIN_WHY_NO_FLIP     (1u << TD_CHAIN_WHY_BIT_NO_FLIP)
#define TD_CHAIN_WHY_DUPLICATE   (1u << TD_CHAIN_WHY_BIT_DUPLICATE)
#define TD_CHAIN_WHY_INVALID     (1u << TD_CHAIN_WHY_BIT_INVALID)

/* The statistics, each with its own gap record; the name is for display. */
#define TD_CHAIN_STAT_LIST(X) \
	X(PCR_OI,       "put-call ratio (OI)") \
	X(PCR_VOLUME,   "put-call ratio (volume)") \
	X(MAX_PAIN,     "max pain") \
	X(WALLS,        "OI walls") \
	X(GEX,          "gamma exposure") \
	X(DEX,          "delta exposure") \
	X(FLIP,         "zero gamma") \
	X(ATM_IV,       "ATM IV") \
	X(SKEW,         "25-delta skew") \
	X(MOVE,         "expected move") \
	X(STRADDLE,     "ATM straddle") \
	X(OI_CLASS,     "OI build-up") \
	X(UNUSUAL_VOI,  "volume/OI") \
	X(UNUSUAL_HIST, "volume vs history")

typedef enum td_chain_stat {
#define TD_CHAIN_X_(name, text) TD_CHAIN_STAT_##name,
	TD_CHAIN_STAT_LIST(TD_CHAIN_X_)
#undef TD_CHAIN_X_
	TD_CHAIN_STAT_COUNT
} td_chain_stat;

/* What a statistic left out. */
typedef struct td_chain_gap {
	uint32_t n;          /* contracts left out for missing inputs (the straddle: of its two legs) */
	uint32_t why;        /* TD_CHAIN_WHY_* bits: the inputs missing, and why the value is NaN if it is */
} td_chain_gap;

/* OI build-up of one contract, from its own premium and open interest (doc/options.md). */
typedef enum td_chain_oi_class {
	TD_CHAIN_OI_LONG_BUILDUP = 0,  /* premium up, OI up */
	TD_CHAIN_OI_SHORT_BUILDUP,     /* premium down, OI up */
	TD_CHAIN_OI_SHORT_COVERING,    /* premium up, OI down */
	TD_CHAIN_OI_LONG_UNWINDING,    /* premium down, OI down */
	TD_CHAIN_OI_UNCHANGED,         /* premium or OI exactly unchanged: unclassified */
	TD_CHAIN_OI_MISSING,           /* an input missing, or the contract rejected */
	TD_CHAIN_OI_COUNT
} td_chain_oi_class;

/* td_chain_row.flags */
#define TD_CHAIN_UNUSUAL_VOI  0x1u  /* volume / OI above voi_above */
#define TD_CHAIN_UNUSUAL_HIST 0x2u  /* volume at least hist_k times the mean daily volume */
#define TD_CHAIN_PRICE_MID    0x4u  /* the premium change used the mid (no last trade) */

/* Per input contract, at the same index as the input. */
typedef struct td_chain_row {
	td_chain_oi_class oi_class;
	double price_change; /* premium (last, else mid) - prev_close; NaN when missing */
	double oi_change;    /* oi - prev_oi; NaN when missing */
	double gex;          /* dealer gamma exposure, money per 1 % move; NaN when missing */
	double dex;          /* dealer delta exposure, units of underlying; NaN when missing */
	double voi;          /* volume / oi; +inf when oi is 0 and volume > 0; NaN when 0/0 or missing */
	double vol_hist;     /* volume / avg_volume; +inf when avg is 0 and volume > 0; NaN when 0/0 or missing */
	uint32_t flags;      /* TD_CHAIN_UNUSUAL_*, TD_CHAIN_PRICE_MID */
	uint32_t why;        /* TD_CHAIN_WHY_* bits of this contract's missing or invalid inputs */
} td_chain_row;

/* One OI wall. */
typedef struct td_chain_wall {
	double strike;
	double oi;
} td_chain_wall;

/* One expiry.  Expiries come in ascending key order: read with T, they are the term structure. */
typedef struct td_chain_expiry {
	int32_t expiry;
	double T;            /* from the tenor; NaN when none */
	double forward;      /* the ATM point: the tenor's forward, else the spot */
	uint32_t contracts;  /* valid, non-duplicate contracts */
	uint32_t strikes;    /* distinct listed strikes */
	double call_oi, put_oi, call_volume, put_volume;  /* sums over the contracts that have them */
	double pcr_oi;       /* put_oi / call_oi; NaN when call_oi is 0 */
	double pcr_volume;   /* put_volume / call_volume; NaN when call_volume is 0 */
	double max_pain;     /* listed strike minimising the payout; ties: the lowest strike */
	double max_pain_payout;  /* that minimum, money (OI x intrinsic x multiplier) */
	td_chain_wall support[TD_CHAIN_WALLS];     /* largest put OI first; ties: lower strike first */
	td_chain_wall resistance[TD_CHAIN_WALLS];  /* largest call OI first; ties: lower strike first */
	int n_support, n_resistance;
	double gex, gex_call, gex_put;  /* sums of td_chain_row.gex; gex_put <= 0 */
	double dex;          /* sum of td_chain_row.dex */
	double atm_iv;       /* IV interpolated in strike at the forward */
	double atm_k_lo, atm_k_hi;  /* the strikes it was interpolated between (equal when on a strike) */
	double iv25_call, iv25_put; /* IV interpolated in delta at +0.25 (calls) and -0.25 (puts) */
	double rr25;         /* iv25_call - iv25_put */
	double bf25;         /* (iv25_call + iv25_put) / 2 - atm_iv */
	double move;         /* 1-sigma expected move: spot * atm_iv * sqrt(T), price units */
	double straddle;     /* call mid + put mid at straddle_strike, price units per unit of underlying */
	double straddle_strike;  /* listed strike nearest the forward with both a call and a put; ties: lower */
	uint32_t oi_class[TD_CHAIN_OI_COUNT];  /* contracts per class */
	td_chain_gap gap[TD_CHAIN_STAT_COUNT];  /* FLIP is chain-wide only and stays empty here */
} td_chain_expiry;

/* Dealer exposure at one strike, over all expiries; strikes ascending. */
typedef struct td_chain_strike {
	double strike;
	double call_oi, put_oi;      /* sums over the contracts that have them */
	double gex_call, gex_put, gex;  /* gex = gex_call + gex_put; gex_put <= 0 */
	double dex;
	uint32_t missing;            /* contracts here left out of gex or dex */
} td_chain_strike;

/* The zero-gamma (gamma flip) search. */
typedef struct td_chain_flip {
	double spot;         /* spot where total GEX changes sign, nearest the current spot; NaN when none */
	double lo, hi;       /* range searched */
	double gex_lo, gex_hi;  /* total GEX at lo and hi */
	int crossings;       /* sign changes seen on the grid */
	uint64_t evals;      /* gamma_at calls made */
} td_chain_flip;

/* Whole-chain figures. */
typedef struct td_chain_total {
	uint32_t contracts;  /* given */
	uint32_t used;       /* valid and not duplicates */
	uint32_t rejected;   /* invalid strike or right */
	uint32_t duplicates; /* same expiry, right and strike as an earlier contract */
	double call_oi, put_oi, call_volume, put_volume;
	double pcr_oi, pcr_volume;    /* over all expiries; NaN when the call side is 0 */
	double gex, gex_call, gex_put, dex;
	td_chain_flip flip;
	uint32_t oi_class[TD_CHAIN_OI_COUNT];
	uint32_t unusual_voi, unusual_hist;  /* contracts flagged */
	td_chain_gap gap[TD_CHAIN_STAT_COUNT];  /* per-expiry gaps summed, reasons merged, but an
						   expiry's zero base is not the total PCR's; FLIP: the search's */
} td_chain_total;

typedef struct td_chain td_chain;

/*
 * A calculator for chains of up to max_contracts contracts and max_expiries
 * distinct expiries: 228 bytes per contract and 512 per expiry, plus 8 KB.
 * NULL when either is 0, too large (more than 2^24 contracts) or out of memory.
 */
td_chain *td_chain_new(size_t max_contracts, size_t max_expiries);
void td_chain_free(td_chain *ch);

/* Defaults for everything but the spot and the multiplier, which it sets. */
void td_chain_params_init(td_chain_params *p, double spot, double multiplier);

/*
 * Replace the results by the statistics of the n contracts c (borrowed, read
 * during the call only).  Returns 0, or -1 with no results and a message in
 * td_chain_error when a parameter is out of range, n exceeds the capacity or
 * there are more expiries than the capacity.
 */
int td_chain_stats(td_chain *ch, const td_chain_contract *c, size_t n, const td_chain_params *p);

/* Why the last td_chain_stats failed (a static string), NULL after a success. */
const char *td_chain_error(const td_chain *ch);

/* Results of the last td_chain_stats; valid until the next call or td_chain_free. */
const td_chain_total *td_chain_totals(const td_chain *ch);
const td_chain_expiry *td_chain_expiries(const td_chain *ch, size_t *n);
const td_chain_strike *td_chain_strikes(const td_chain *ch, size_t *n);
const td_chain_row *td_chain_rows(const td_chain *ch, size_t *n);

/* Names for display: a statistic, one reason bit (its index, 0..TD_CHAIN_WHY_COUNT-1), an OI class; "?" when unknown. */
const char *td_chain_stat_name(td_chain_stat s);
const char *td_chain_why_name(int bit);
const char *td_chain_oi_class_name(td_chain_oi_class k);

#endif
