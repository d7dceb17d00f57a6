/*
 * Pre-market analysis: the overnight session set against the prior day's
 * regular-session value, before and at the open.
 *
 * Feed it every trade from the prior regular close onwards: trades outside
 * the regular session before the first regular trade build the overnight
 * profile, VWAP and last price; the first regular trade is the open; later
 * trades are ignored until td_premarket_reset.  The prior day comes from
 * the caller (a TPO or volume profile of yesterday), field by field, and a
 * missing field is TD_PX_NONE.  Nothing missing is ever read as zero: every
 * absent input sets a TD_PM_NO_* bit, and whatever depends on it is
 * reported unknown with a reason line saying why.
 *
 * Definitions (doc/profile.md has the reasoning):
 *  - Reference price: the regular open, or before it the last overnight
 *    price (TD_PM_NO_OPEN is then set).
 *  - Gap: above the prior high is a gap up, below the prior low a gap down;
 *    otherwise inside [VAL, VAH] (inclusive) is in value, else above or
 *    below value.  Needs the prior high and low; the value classes also
 *    need VAH and VAL.
 *  - Overnight inventory: the last overnight price against the overnight
 *    VWAP; long when above it by more than inv_band_pct of the overnight
 *    range, short when below by more, balanced otherwise (the band edge is
 *    balanced).
 *  - Bias: a vote, not advice.  Gap up +2, above value +1, below value -1,
 *    gap down -2; inventory long +1, short -1; overnight POC above the prior
 *    VAH +1, below the prior VAL -1.  Score >= 2 bullish, <= -2 bearish,
 *    otherwise neutral; unknown when neither the gap nor the inventory
 *    could be classified.
 *
 * Bounds: one volume profile of the overnight session (at most 2^20 rows,
 * 8 MB; a trade past that is dropped and TD_PM_PARTIAL set) and a fixed
 * report.
 */
#ifndef TD_PREMARKET_H
#define TD_PREMARKET_H

#include <stddef.h>
#include <stdint.h>

#include "analytics/trade.h"
#include "core/price.h"
#include "core/session.h"

typedef struct td_premarket td_premarket;

/* The prior regular session; any field may be TD_PX_NONE. */
typedef struct td_pm_prior {
	td_ticks vah, val, poc;
	td_ticks high, low, close;
} td_pm_prior;

/* Missing or partial inputs, bits of td_pm_report.missing. */
#define TD_PM_NO_PRIOR       0x01u  /* no prior day given at all */
#define TD_PM_NO_PRIOR_VALUE 0x02u  /* prior VAH, VAL or POC missing */
#define TD_PM_NO_PRIOR_RANGE 0x04u  /* prior high or low missing */
#define TD_PM_NO_PRIOR_CLOSE 0x08u
#define TD_PM_NO_OVERNIGHT   0x10u  /* no overnight trade */
#define TD_PM_NO_OPEN        0x20u  /* the regular session has not traded yet */
#define TD_PM_PARTIAL        0x40u  /* overnight trades were dropped (span cap or bad size) */

typedef enum td_pm_gap {
	TD_GAP_UNKNOWN = 0,
	TD_GAP_IN_VALUE,
	TD_GAP_ABOVE_VALUE,   /* above VAH, not above the prior high */
	TD_GAP_BELOW_VALUE,
	TD_GAP_UP,            /* above the prior high */
	TD_GAP_DOWN
} td_pm_gap;

typedef enum td_pm_inventory {
	TD_INV_UNKNOWN = 0,
	TD_INV_BALANCED,
	TD_INV_LONG,
	TD_INV_SHORT
} td_pm_inventory;

typedef enum td_pm_bias {
	TD_BIAS_UNKNOWN = 0,
	TD_BIAS_NEUTRAL,
	TD_BIAS_BULLISH,
	TD_BIAS_BEARISH
} td_pm_bias;

typedef struct td_pm_level {
	const char *name;  /* static: "prior VAH", "overnight high", ... */
	td_ticks px;
} td_pm_level;

#define TD_PM_MAX_LEVELS 11
#define TD_PM_MAX_REASONS 6
#define TD_PM_REASON_LEN 120

typedef struct td_pm_report {
	unsigned missing;                 /* TD_PM_* bits */
	td_ticks on_high, on_low, on_poc, on_vah, on_val, on_last;  /* TD_PX_NONE without overnight */
	td_ticks on_vwap;                 /* rounded to the nearest tick, halves up; TD_PX_NONE without overnight */
	int64_t on_volume;
	td_ticks open;                    /* TD_PX_NONE before the open */
	td_ticks ref;                     /* the price classified; TD_PX_NONE when none */
	td_pm_gap gap;
	td_pm_inventory inventory;
	int score;
	td_pm_bias bias;
	size_t nreasons;                  /* one line per vote or per unknown */
	char reasons[TD_PM_MAX_REASONS][TD_PM_REASON_LEN];
	size_t nlevels;                   /* known levels, highest first */
	td_pm_level levels[TD_PM_MAX_LEVELS];
} td_pm_report;

/*
 * A new analysis for a session (borrowed) with overnight rows of row_ticks
 * ticks, the inventory band in percent and prices printed with fmt; NULL
 * with a message in err on bad parameters or no memory.
 */
td_premarket *td_premarket_new(const td_session *s, td_pxfmt fmt, td_ticks row_ticks, unsigned inv_band_pct,
			       char *err, size_t errlen);

void td_premarket_free(td_premarket *pm);

/* Forget the overnight session, the open and the prior day, for a new day. */
void td_premarket_reset(td_premarket *pm);

/* Set the prior day (copied), or NULL for none. */
void td_premarket_set_prior(td_premarket *pm, const td_pm_prior *prior);

/* Count one trade (see the top of this file for which trades count). */
void td_premarket_add(td_premarket *pm, const td_trade *tr);

/* The analysis as of now. */
void td_premarket_report(const td_premarket *pm, td_pm_report *out);

const char *td_pm_gap_name(td_pm_gap g);
const char *td_pm_inventory_name(td_pm_inventory i);
const char *td_pm_bias_name(td_pm_bias b);

#endif
