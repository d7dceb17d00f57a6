/*
 * Option-chain history across sessions: what IV rank, IV percentile, open
 * interest change, premium change and relative volume need from earlier days.
 *
 * DESIGN
 *
 * Two kinds of daily record, each keyed by (symbol, day):
 *   underlying day  ATM implied vol and close of an underlying;
 *   contract day    open interest, closing premium and volume of a contract.
 * A day is a count of days since 1970-01-01 (the exchange's trading date,
 * not a UTC instant).  Every number may be NaN, meaning "not known"; open
 * interest and volume are whole numbers carried in doubles so that NaN can
 * mark them missing too.  IV is annualised and a fraction (0.1834 = 18.34%).
 *
 * The handle is an in-memory store; the functions below know nothing of how
 * it is persisted beyond open and save, so another store (a database) can
 * take its place behind the same queries.  Records live per symbol in arrays
 * sorted by day, and the symbols of each kind in an array sorted by symbol,
 * so a query is two binary searches and a walk over at most the lookback.
 *
 * The file is one UTF-8 text file of tab-separated lines:
 *   tapedeck-history 1
 *   U <date> <underlying> <atm_iv> <close>
 *   C <date> <contract> <open_interest> <premium> <volume>
 * with dates as YYYY-MM-DD and a missing number written "nan".  Symbols hold
 * no control characters, so a tab never occurs inside one and spaces (padded
 * OCC symbols) survive as they are.  doc/formats.md, "Chain history file",
 * gives it byte by byte.  A bad line is skipped and reported as
 * "PATH:LINE: what (column N)", N counting tab-separated fields from 1;
 * the other lines still load.
 *
 * Not thread-safe: one thread owns a handle.
 */
#ifndef TD_HISTORY_H
#define TD_HISTORY_H

#include <stddef.h>
#include <stdint.h>

#define TD_HISTORY_SYMBOL_MAX 31         /* bytes of a symbol, without the NUL */
#define TD_HISTORY_MAX_LINES 2000000     /* a file with more lines is refused */
#define TD_HISTORY_MAX_RECORDS 2000000   /* records one history holds at most */
#define TD_HISTORY_MAX_BYTES (256L << 20)  /* a larger file is refused */
#define TD_HISTORY_MSG_MAX 50            /* bad lines reported one by one at load */

typedef struct td_history td_history;

/* Receives each load message; msg is valid during the call only. */
typedef void td_history_msg_fn(const char *msg, void *user);

typedef struct td_history_underlying_day {
	int64_t day;     /* days since 1970-01-01 */
	double atm_iv;   /* 30-day ATM implied vol, annual fraction, 0..100; NaN = missing */
	double close;    /* underlying close, |close| <= 1e12; NaN = missing */
} td_history_underlying_day;

typedef struct td_history_contract_day {
	int64_t day;     /* days since 1970-01-01 */
	double oi;       /* open interest, whole number 0..2^53; NaN = missing */
	double premium;  /* closing premium (mid or last), 0..1e12; NaN = missing */
	double volume;   /* contracts traded that day, whole number 0..2^53; NaN = missing */
} td_history_contract_day;

typedef struct td_history_ivstat {
	double rank;        /* (iv - lo) / (hi - lo) * 100, clamped to 0..100; NaN if unknown */
	double percentile;  /* share of lookback days with IV strictly below iv, 0..100; NaN if unknown */
	double lo, hi;      /* lowest and highest IV of the lookback; NaN with no days */
	int days;           /* lookback days that had an IV */
	const char *why;    /* static text saying why rank or percentile is NaN; NULL if neither */
} td_history_ivstat;

/* An empty history; NULL when out of memory. */
td_history *td_history_new(void);

/*
 * Load the history at path.  A missing file, or an empty one, is an empty
 * history.  Bad lines are skipped: the first TD_HISTORY_MSG_MAX each reach fn
 * (when not NULL) as "PATH:LINE: what (column N)", then one line says how many
 * more were skipped.  Returns NULL with err set when the file cannot be read,
 * is not a history file, has an unknown version, or is past the limits above.
 */
td_history *td_history_open(const char *path, td_history_msg_fn *fn, void *user, char *err,
			    size_t errlen);

void td_history_free(td_history *h);

/* Lines skipped by the load that made h (0 for td_history_new). */
uint64_t td_history_bad_lines(const td_history *h);

/* Records held, both kinds. */
size_t td_history_size(const td_history *h);

/*
 * Record one day (upsert: a record for the same symbol and day is replaced).
 * The symbol is 1..31 bytes of valid UTF-8 without control characters, the
 * day within years 0000..9999, numbers NaN or in the ranges given with the
 * structs.  Returns 0, or -1 with err set and h unchanged; past
 * TD_HISTORY_MAX_RECORDS records every put fails ("history full") until a
 * save prunes.
 */
int td_history_put_underlying(td_history *h, const char *sym, const td_history_underlying_day *d,
			      char *err, size_t errlen);
int td_history_put_contract(td_history *h, const char *sym, const td_history_contract_day *d,
			    char *err, size_t errlen);

/*
 * The latest record of sym dated strictly before `before`, whatever its
 * numbers hold, into *out.  Returns 0, or -1 when there is none.
 */
int td_history_underlying_prev(const td_history *h, const char *sym, int64_t before,
			       td_history_underlying_day *out);
int td_history_contract_prev(const td_history *h, const char *sym, int64_t before,
			     td_history_contract_day *out);

/*
 * IV rank and IV percentile of iv_now for underlying sym on `day`, over the
 * lookback_days calendar days before it: records dated day - lookback_days
 * to day - 1, both included (day's own record is left out).  Records whose IV
 * is NaN do not count.  With fewer than min_days counted days, or iv_now NaN
 * or negative, both are NaN; when every counted IV is equal, rank alone is
 * NaN.  Calendar days, not recorded days, so that weeks without recording do
 * not pull stale data into the window; 365 is the usual year (~252 sessions).
 * Returns 0 when both are numbers, else -1 with out->why set.
 */
int td_history_iv_stats(const td_history *h, const char *sym, int64_t day, double iv_now,
			int lookback_days, int min_days, td_history_ivstat *out);

/*
 * Mean daily volume of contract sym over its last ndays records dated before
 * `before` whose volume is known (records with NaN volume are passed over).
 * *used (when not NULL) gets the number of days averaged.  NaN when none.
 */
double td_history_volume_mean(const td_history *h, const char *sym, int64_t before, int ndays,
			      int *used);

/*
 * Drop contract records dated before today - keep_contract_days and underlying
 * records dated before today - keep_underlying_days (a negative keep drops
 * nothing of that kind), then write h to path atomically: PATH.tmp is written
 * with mode 0600, synced and renamed over path, and the directory is synced.
 * Missing parent directories are created with mode 0700.  Returns 0, or -1
 * with err set: path is then as it was and PATH.tmp is removed, except when
 * only the final directory sync failed (the new file is in place; err says so).
 */
int td_history_save(td_history *h, const char *path, int64_t today, int keep_contract_days,
		    int keep_underlying_days, char *err, size_t errlen);

/* $XDG_STATE_HOME/tapedeck/history.tsv, or ~/.local/state/tapedeck/history.tsv; 0 or -1. */
int td_history_default_path(char *buf, size_t n);

#endif
