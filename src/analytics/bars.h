/*
 * Bars: 1, 5, 15, 30 and 60 minute and daily OHLCV bars, all from one stream
 * of trades, plus the session VWAP with its bands and the cumulative delta.
 *
 * Grid.  Intraday bars are aligned to the session's regular open: with a
 * 09:30 open, 5 minute bars start 09:30, 09:35, ... and 60 minute bars 09:30,
 * 10:30, ...; before the open they sit on the same grid (08:30, 07:30, ...).
 * The grid is anchored each day at that day's open in UTC, so it follows
 * daylight saving time.  No bar crosses the regular open or close or local
 * midnight: a 60 minute US bar from 15:30 ends at the 16:00 close, and the
 * post-market bar after it covers 16:00-16:30.  So every bar is wholly
 * regular-hours or wholly extended-hours, and belongs to one session date
 * (the local date in the session's zone).
 *
 * Gaps are gaps.  A bar exists only if a trade fell in it: a minute without
 * trades produces no 1 minute bar, and nothing is carried forward.
 *
 * Hours.  With all_hours false, trades outside regular hours are skipped
 * (counted) and the daily bar is the regular session; with all_hours true,
 * extended-hours bars are built too and the daily bar covers the whole local
 * date.
 *
 * VWAP.  The session VWAP, its bands and the cumulative delta cover the
 * regular-hours trades of one session date, in either mode: they restart
 * with the first regular-hours trade of a later date (the open) and until
 * then keep the previous session's figures, with its date.  The band width
 * is the volume-weighted standard deviation of price around the VWAP,
 * sqrt(sum(v p^2) / sum(v) - vwap^2).
 *
 * Closing.  A bar closes when a trade or td_bars_advance() reaches its end;
 * it then moves to its timeframe's ring and the timeframe's closed counter
 * goes up by one, which is how a consumer notices.
 *
 * Precision.  Sums are 128-bit integers of size * (price - bar open) and
 * size * (price - bar open)^2, taken relative to the bar's open so they stay
 * small, and turned into floating point only when read; they are exact while
 * each bar's and session's sum of size * (price - open)^2 stays below 2^127
 * (about 1.7 * 10^38; for example 10^7 trades of up to 10^6 lots, each up
 * to 10^8 ticks from the open, sum to at most 10^7 * 10^6 * 10^16 = 10^29).
 * Volumes are exact below 2^63.
 * Past those bounds figures wrap, but nothing overflows into undefined
 * behaviour.
 *
 * Cost and memory.  A trade inside the forming minute updates only the
 * 1 minute bar (a handful of operations, about 3 ns); once per minute the
 * minute is folded into the longer bars and the session.  Memory is fixed at
 * td_bars_new: sizeof(td_bar) (104 bytes) per ring slot plus about 1.5 KB,
 * so 1.25 MB with the default 2000 slots a timeframe (td_bars_memory() says
 * exactly); it never grows.
 */
#ifndef TD_BARS_H
#define TD_BARS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analytics/trade.h"
#include "core/session.h"

typedef enum td_bars_tf {
	TD_BARS_1M = 0,
	TD_BARS_5M,
	TD_BARS_15M,
	TD_BARS_30M,
	TD_BARS_60M,
	TD_BARS_DAILY,
	TD_BARS_NTF  /* number of timeframes */
} td_bars_tf;

/* Ring slots per timeframe when the parameters say 0, and the most allowed. */
#define TD_BARS_DEFAULT_CAP 2000
#define TD_BARS_MAX_CAP (1u << 20)

typedef struct td_bars_params {
	const td_session *session;       /* borrowed; the presets are static */
	bool all_hours;                  /* false: regular hours only */
	size_t capacity[TD_BARS_NTF];    /* closed bars kept per timeframe; 0 = default */
} td_bars_params;

/* One bar.  Prices are ticks; volumes are in the trades' size units. */
typedef struct td_bar {
	td_ns start;          /* first instant the bar covers, UTC */
	td_ns end;            /* first instant after it */
	td_ticks open, high, low, close;
	int64_t volume;       /* every trade, unknown aggressor included */
	int64_t buy_volume;   /* aggressor bought (lifted the offer) */
	int64_t sell_volume;  /* aggressor sold (hit the bid) */
	int64_t delta;        /* buy_volume - sell_volume; unknown aggressor counts in neither */
	int64_t trades;
	double vwap;          /* ticks: sum(size * px) / volume */
	int32_t date;         /* session date: local days since 1970-01-01 */
	bool regular;         /* every trade in it was in regular hours */
} td_bar;

/* The session's running figures; see VWAP above. */
typedef struct td_bars_vwap {
	int32_t date;        /* session date they belong to */
	int64_t volume;      /* regular-hours volume */
	int64_t cum_delta;   /* regular-hours buy volume - sell volume */
	double vwap;         /* ticks */
	double sd;           /* ticks: volume-weighted standard deviation around vwap */
	double upper1, lower1, upper2, lower2;  /* vwap +- 1 sd and +- 2 sd */
} td_bars_vwap;

/* What happened to the trades offered. */
typedef struct td_bars_counts {
	uint64_t accepted;  /* counted in bars, or skipped below */
	uint64_t skipped;   /* extended-hours trades when all_hours is false */
	uint64_t late;      /* stamped before the forming bar or the last advance;
	                       counted at that time, in the forming bar */
	uint64_t rejected;  /* size <= 0 or > 2^62, aggressor not a td_side, px outside
	                       [-2^61, 2^61) ticks, or |ts| >= 2^62 ns (outside 1824 to 2116) */
} td_bars_counts;

typedef struct td_bars td_bars;

/*
 * Bars on p's session.  Returns NULL with err filled when the session is
 * missing or its zone unknown, a capacity is over TD_BARS_MAX_CAP, or memory
 * runs out.
 */
td_bars *td_bars_new(const td_bars_params *p, char *err, size_t errlen);
void td_bars_free(td_bars *b);

/*
 * Count one trade, in time order (see late in td_bars_counts).  Returns 0, or
 * -1 when the trade is rejected (counted).  An aggressor of TD_SIDE_NONE adds
 * to volume, not to buy, sell or delta.
 */
int td_bars_add(td_bars *b, const td_trade *t);

/*
 * td_bars_add on each of n trades in order, with the same result, only
 * faster; returns how many were not rejected.
 */
size_t td_bars_add_all(td_bars *b, const td_trade *t, size_t n);

/*
 * Close every bar that ends at or before now, as a trade at now would, for a
 * clock tick when trades stop (after the close, say).  Times earlier than
 * the latest seen, or out of the trades' range, are ignored.
 */
void td_bars_advance(td_bars *b, td_ns now);

/* Closed bars held for tf, at most its capacity. */
size_t td_bars_count(const td_bars *b, td_bars_tf tf);

/* Closed bar i of tf, 0 being the most recent; false when i >= count. */
bool td_bars_get(const td_bars *b, td_bars_tf tf, size_t i, td_bar *out);

/* The bar of tf still forming; false when none is. */
bool td_bars_forming(const td_bars *b, td_bars_tf tf, td_bar *out);

/* Bars of tf closed since td_bars_new; goes up by one per close. */
uint64_t td_bars_closed(const td_bars *b, td_bars_tf tf);

/* The session VWAP, bands and cumulative delta; false before any regular-hours trade. */
bool td_bars_session_vwap(const td_bars *b, td_bars_vwap *out);

/* The counters since td_bars_new. */
void td_bars_counts_get(const td_bars *b, td_bars_counts *out);

/* Bytes this instance holds, all allocated at td_bars_new. */
size_t td_bars_memory(const td_bars *b);

/* "1m", "5m", "15m", "30m", "60m", "daily"; "?" out of range. */
const char *td_bars_tf_name(td_bars_tf tf);

#endif
