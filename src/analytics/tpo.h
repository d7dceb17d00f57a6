/*
 * TPO (market) profile of the regular session, one profile per day, the last
 * max_days days kept, with a merge over any run of kept days.
 *
 * The day is cut into periods of period_ns from the regular open (the last
 * one may be short); period p is lettered A..Z then a..z (at most 52
 * periods, so td_tpo_new refuses a period too short for the session).  As
 * Market Profile charts do, a period marks every row from its low to its
 * high, so a trade only updates the period's open, high, low and close: the
 * per-trade cost is a compare of the time against the cached period and two
 * compares of the price.  Rows, counts and every statistic are built on
 * demand from those 52 brackets a day.  Trades outside the regular session
 * (and at weekends) are ignored; a late trade goes to the period its time
 * belongs to while its day is kept, and is counted as dropped after that.
 *
 * Bounds: about 2.6 KB a day times max_days, fixed at td_tpo_new; queries
 * allocate one array of the day's row span, refused past max_rows.
 *
 * Definitions (the numbers are the fields of td_tpo_params; doc/profile.md
 * has the reasoning and references):
 *  - Initial balance: the range of the first ib_periods periods.  Range
 *    extension: a period after the IB trading beyond the IB high or low.
 *  - POC and value area: td_profile_va_of on the TPO counts (70 % rule, two
 *    rows at a time from the POC; POC ties to the row nearest the middle).
 *  - Single prints: rows marked by one period that touch neither extreme.
 *    The run of one-period rows at the top (bottom) is the top (bottom) tail.
 *  - Excess: a tail of at least excess_rows rows.  Poor high (low): the top
 *    (bottom) row marked by two periods or more, so no tail at all.  A tail
 *    of fewer than excess_rows rows is neither.  Both need two periods.
 *  - Opening type, from period A (open O, high H, low L, close C, range
 *    R = H - L > 0; "up" shown, "down" mirrors it; judged once period B has
 *    traded):
 *      open-drive:      O - L <= open_tol_pct of R and C - L >= open_drive_pct of R
 *      open-test-drive: open_tol_pct < O - L <= open_test_pct of R, the low
 *                       printed before the high, and C - L >= open_drive_pct of R
 *      open-rejection-reverse: O - L > open_test_pct of R, the low printed
 *                       before the high, and C > O
 *      open-auction:    anything else, including R = 0.
 *  - Day type, once a period after the IB has traded (pending before that,
 *    and when no IB period traded), first rule that holds:
 *      neutral:  range extension on both sides
 *      double distribution: a run of at least dd_rows single prints with,
 *                on each side of it, at least dd_part_pct of the TPOs and a
 *                row of at least dd_node_tpos TPOs (a distribution that
 *                rotated, not the steps of a trend)
 *      trend:    extension on one side of at least trend_ext_pct of the IB
 *                range, and the last price beyond the IB on that side
 *      normal / non-trend: the IB holds at least normal_ib_pct of the day's
 *                range; non-trend when the IB range is also below
 *                nontrend_ib_pct of the mean range of the earlier kept days
 *                (normal when no earlier day is kept)
 *      normal variation: any other one-sided extension.
 */
#ifndef TD_TPO_H
#define TD_TPO_H

#include <stddef.h>
#include <stdint.h>

#include "analytics/trade.h"
#include "core/price.h"
#include "core/session.h"

#define TD_TPO_MAX_PERIODS 52

typedef struct td_tpo td_tpo;

typedef struct td_tpo_params {
	const td_session *session;  /* borrowed; regular open, close and zone */
	td_ns period_ns;            /* period length; default 30 minutes */
	td_ticks row_ticks;         /* ticks per row; default 1 */
	unsigned ib_periods;        /* periods in the initial balance; default 2 */
	unsigned va_pct;            /* value area percentage; default 70 */
	unsigned excess_rows;       /* shortest tail that is excess; default 2 */
	size_t max_rows;            /* cap on the row span of a query; default 65,536 */
	size_t max_days;            /* days kept; default 20 */
	unsigned open_tol_pct;      /* default 10 */
	unsigned open_test_pct;     /* default 30 */
	unsigned open_drive_pct;    /* default 75 */
	unsigned trend_ext_pct;     /* default 100 */
	unsigned normal_ib_pct;     /* default 85 */
	unsigned nontrend_ib_pct;   /* default 50 */
	unsigned dd_rows;           /* default 3 */
	unsigned dd_part_pct;       /* default 20 */
	int64_t dd_node_tpos;       /* default 3 */
} td_tpo_params;

/* The defaults above for a session. */
td_tpo_params td_tpo_params_default(const td_session *s);

/* A new TPO profile, or NULL with a message in err (bad parameters, no memory). */
td_tpo *td_tpo_new(const td_tpo_params *pp, char *err, size_t errlen);

void td_tpo_free(td_tpo *t);

/* Count one trade. */
void td_tpo_add(td_tpo *t, const td_trade *tr);

/* Regular-session trades whose day was no longer kept. */
int64_t td_tpo_dropped(const td_tpo *t);

/* The letter of period p: 'A'..'Z', 'a'..'z'; '?' past 51. */
char td_tpo_letter(unsigned p);

/* Days kept; day 0 is the oldest, day td_tpo_days() - 1 the current one. */
size_t td_tpo_days(const td_tpo *t);

/*
 * Row marks of a day: bit p of masks[i] is set when period p traded in row
 * i, row 0 being the lowest, whose low edge goes to *lo_px.  Returns the
 * number of rows, filling masks only when it is at most cap (so a call with
 * cap 0 sizes the buffer); 0 for an empty or unknown day.
 */
size_t td_tpo_marks(const td_tpo *t, size_t day, td_ticks *lo_px, uint64_t *masks, size_t cap);

/*
 * TPO counts of days [first, first + n) added row by row, as for
 * td_tpo_marks; one day gives that day's profile, several a merged one.
 */
size_t td_tpo_counts(const td_tpo *t, size_t first, size_t n, td_ticks *lo_px, int64_t *rows, size_t cap);

typedef enum td_tpo_open {
	TD_OPEN_PENDING = 0,         /* period A not finished, or no trade in it */
	TD_OPEN_DRIVE,
	TD_OPEN_TEST_DRIVE,
	TD_OPEN_REJECTION_REVERSE,
	TD_OPEN_AUCTION
} td_tpo_open;

typedef enum td_tpo_daytype {
	TD_DAY_PENDING = 0,          /* no trade after the initial balance yet */
	TD_DAY_NORMAL,
	TD_DAY_NORMAL_VARIATION,
	TD_DAY_TREND,
	TD_DAY_DOUBLE_DISTRIBUTION,
	TD_DAY_NEUTRAL,
	TD_DAY_NON_TREND
} td_tpo_daytype;

const char *td_tpo_open_name(td_tpo_open o);
const char *td_tpo_daytype_name(td_tpo_daytype d);

/* A profile's summary; prices are exact ticks, POC/VAH/VAL the low edges of rows. */
typedef struct td_tpo_stats {
	int64_t date;                /* local date of the first day, days since the epoch */
	unsigned nperiods;           /* index of the last period that traded + 1 (one day only) */
	td_ticks open, high, low, close;
	td_ticks poc, vah, val;
	int64_t tpos, va_tpos;       /* TPOs in all and inside the value area */
	/* the fields below are for one day only and zero for a merge */
	td_ticks ib_high, ib_low;    /* TD_PX_NONE when no IB period traded */
	int ib_done;                 /* a period after the IB has traded */
	td_ticks ext_up, ext_down;   /* ticks beyond the IB high / low after the IB; 0 when none */
	int ext_up_period;           /* first period that extended up; -1 when none */
	int ext_down_period;
	size_t top_tail, bottom_tail;     /* rows in the one-period tail at each extreme */
	int excess_high, excess_low, poor_high, poor_low;
	td_tpo_open open_type;
	int open_dir;                /* +1 up, -1 down, 0 for auction or pending */
	td_tpo_daytype day_type;
} td_tpo_stats;

/* Summary of one day; 0, or -1 for an empty or unknown day or a span past max_rows. */
int td_tpo_day_stats(const td_tpo *t, size_t day, td_tpo_stats *out);

/*
 * Summary of days [first, first + n) merged (date, prices and TPO counts;
 * the one-day fields are zero); 0, or -1 as above.
 */
int td_tpo_merge_stats(const td_tpo *t, size_t first, size_t n, td_tpo_stats *out);

typedef struct td_tpo_run {
	td_ticks lo, hi;  /* low edges of the lowest and highest row */
} td_tpo_run;

/* Single-print runs of a day (none with fewer than two periods), lowest first: writes up to max and returns how many. */
size_t td_tpo_singles(const td_tpo *t, size_t day, td_tpo_run *out, size_t max);

#endif
