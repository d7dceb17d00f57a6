/*
 * Unit tests for src/analytics/bars.c.
 *
 * Every expected figure is worked out by hand in the comment beside it, from
 * the trades listed and the definitions in bars.h (OHLC, volume by aggressor,
 * delta = buy - sell, VWAP = sum(v p) / sum(v), sd = sqrt(sum(v p^2) / sum(v)
 * - vwap^2)).  Instants are written in local time with their offset: New
 * York is UTC-5 in winter and UTC-4 from 10 March to 3 November 2024; Kolkata
 * is UTC+5:30.  2024-01-01 was a Monday and is day 19723 since the epoch
 * (1704067200 s / 86400).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "analytics/bars.h"

/* Session dates used below, counted from 2024-01-01 = 19723. */
#define D_JAN02 19724              /* Tuesday */
#define D_JAN03 19725              /* Wednesday */
#define D_MAR08 (19723 + 31 + 29 + 7)   /* Friday, last EST weekday */
#define D_MAR11 (19723 + 31 + 29 + 10)  /* Monday, first EDT weekday */
#define D_JUL02 (19723 + 31 + 29 + 31 + 30 + 31 + 30 + 1)  /* Tuesday */

/* Parse an ISO instant the test trusts (time.c has its own tests). */
static td_ns at(const char *iso)
{
	td_ns t = 0;
	const char *err = NULL;
	if (td_time_parse_iso(iso, &t, &err) != 0)
		fail_msg("'%s': %s", iso, err);
	return t;
}

/* got is want within tol (this cmocka has no assert_double_equal). */
static void assert_near(double got, double want, double tol)
{
	if (!(fabs(got - want) <= tol))
		fail_msg("%.17g is not %.17g within %g", got, want, tol);
}

/* Bars on a preset with default capacities. */
static td_bars *bars_on(const char *session, bool all_hours)
{
	td_bars_params p = { .session = td_session_find(session), .all_hours = all_hours };
	char err[128];
	td_bars *b = td_bars_new(&p, err, sizeof(err));
	if (!b)
		fail_msg("td_bars_new: %s", err);
	return b;
}

/* Add one trade that must be accepted. */
static void add(td_bars *b, const char *iso, td_ticks px, int64_t size, td_side aggr)
{
	td_trade t = { at(iso), px, size, (uint8_t)aggr };
	assert_int_equal(td_bars_add(b, &t), 0);
}

struct want {
	const char *start, *end;
	td_ticks o, h, l, c;
	int64_t vol, buy, sell, trades;
	bool regular;
};

/* A bar equals w in every field; delta must be buy - sell. */
static void check_bar(const td_bar *bar, const struct want *w)
{
	assert_int_equal(bar->start, at(w->start));
	assert_int_equal(bar->end, at(w->end));
	assert_int_equal(bar->open, w->o);
	assert_int_equal(bar->high, w->h);
	assert_int_equal(bar->low, w->l);
	assert_int_equal(bar->close, w->c);
	assert_int_equal(bar->volume, w->vol);
	assert_int_equal(bar->buy_volume, w->buy);
	assert_int_equal(bar->sell_volume, w->sell);
	assert_int_equal(bar->delta, w->buy - w->sell);
	assert_int_equal(bar->trades, w->trades);
	assert_int_equal(bar->regular, w->regular);
}

/* Closed bar i of tf equals w. */
static void check_get(const td_bars *b, td_bars_tf tf, size_t i, const struct want *w)
{
	td_bar bar;
	assert_true(td_bars_get(b, tf, i, &bar));
	check_bar(&bar, w);
}

/* The forming bar of tf equals w. */
static void check_forming(const td_bars *b, td_bars_tf tf, const struct want *w)
{
	td_bar bar;
	assert_true(td_bars_forming(b, tf, &bar));
	check_bar(&bar, w);
}

/*
 * Three trades in the 09:30 minute, one at 09:31, none at 09:32, one at
 * 09:33 (New York, Tuesday 2 January 2024, regular hours only).
 *   09:30 bar: O 100, H 103, L 99, C 99; volume 10 + 5 + 2 = 17, buy 10,
 *     sell 5 (the 2 lots of unknown aggressor count in neither), delta 5,
 *     3 trades; VWAP (100*10 + 103*5 + 99*2) / 17 = 1713 / 17.
 *   09:31 bar: one trade 101 x 4 bought.
 *   09:32: no trades, so no bar.
 *   forming 5m bar 09:30-09:35: all five trades: O 100, H 103, L 99, C 102,
 *     volume 17 + 4 + 1 = 22, buy 14, sell 6, VWAP (1713 + 404 + 102) / 22.
 */
static void test_ohlcv_across_minutes(void **state)
{
	(void)state;
	td_bars *b = bars_on("us", false);
	add(b, "2024-01-02T09:30:05-05:00", 100, 10, TD_SIDE_BUY);
	add(b, "2024-01-02T09:30:20-05:00", 103, 5, TD_SIDE_SELL);
	add(b, "2024-01-02T09:30:59.999999999-05:00", 99, 2, TD_SIDE_NONE);
	assert_int_equal(td_bars_closed(b, TD_BARS_1M), 0);
	assert_int_equal(td_bars_count(b, TD_BARS_1M), 0);
	add(b, "2024-01-02T09:31:00-05:00", 101, 4, TD_SIDE_BUY);
	assert_int_equal(td_bars_closed(b, TD_BARS_1M), 1);
	add(b, "2024-01-02T09:33:10-05:00", 102, 1, TD_SIDE_SELL);
	assert_int_equal(td_bars_closed(b, TD_BARS_1M), 2);
	assert_int_equal(td_bars_count(b, TD_BARS_1M), 2);

	check_get(b, TD_BARS_1M, 1, &(struct want){ "2024-01-02T09:30:00-05:00", "2024-01-02T09:31:00-05:00",
				100, 103, 99, 99, 17, 10, 5, 3, true });
	check_get(b, TD_BARS_1M, 0, &(struct want){ "2024-01-02T09:31:00-05:00", "2024-01-02T09:32:00-05:00",
				101, 101, 101, 101, 4, 4, 0, 1, true });
	td_bar bar;
	assert_false(td_bars_get(b, TD_BARS_1M, 2, &bar));
	assert_true(td_bars_get(b, TD_BARS_1M, 1, &bar));
	assert_near(bar.vwap, 1713.0 / 17.0, 1e-12);
	assert_int_equal(bar.date, D_JAN02);

	check_forming(b, TD_BARS_1M, &(struct want){ "2024-01-02T09:33:00-05:00", "2024-01-02T09:34:00-05:00",
				102, 102, 102, 102, 1, 0, 1, 1, true });
	check_forming(b, TD_BARS_5M, &(struct want){ "2024-01-02T09:30:00-05:00", "2024-01-02T09:35:00-05:00",
				100, 103, 99, 102, 22, 14, 6, 5, true });
	assert_true(td_bars_forming(b, TD_BARS_5M, &bar));
	assert_near(bar.vwap, 2219.0 / 22.0, 1e-12);
	assert_int_equal(td_bars_closed(b, TD_BARS_5M), 0);
	assert_int_equal(td_bars_count(b, TD_BARS_5M), 0);

	td_bars_counts n;
	td_bars_counts_get(b, &n);
	assert_int_equal(n.accepted, 5);
	assert_int_equal(n.rejected + n.late + n.skipped, 0);
	td_bars_free(b);
}

/*
 * NIFTY opens 09:15 Kolkata, so 15m bars start 09:15, 09:30, ...; 30m bars
 * 09:15, 09:45, ...; 60m bars 09:15, 10:15, ....  Pre-open trades (all
 * hours) sit on the same grid counted back from 09:15: 09:05 is in the 5m
 * bar 09:05, the 15m bar 09:00 and the 60m bar 08:15-09:15.
 */
static void test_alignment_nifty(void **state)
{
	(void)state;
	td_bars *b = bars_on("in", true);
	add(b, "2024-01-02T09:05:30+05:30", 2000, 3, TD_SIDE_BUY);
	check_forming(b, TD_BARS_5M, &(struct want){ "2024-01-02T09:05:00+05:30", "2024-01-02T09:10:00+05:30",
				2000, 2000, 2000, 2000, 3, 3, 0, 1, false });
	check_forming(b, TD_BARS_15M, &(struct want){ "2024-01-02T09:00:00+05:30", "2024-01-02T09:15:00+05:30",
				2000, 2000, 2000, 2000, 3, 3, 0, 1, false });
	check_forming(b, TD_BARS_60M, &(struct want){ "2024-01-02T08:15:00+05:30", "2024-01-02T09:15:00+05:30",
				2000, 2000, 2000, 2000, 3, 3, 0, 1, false });

	add(b, "2024-01-02T09:15:00+05:30", 2010, 1, TD_SIDE_BUY);
	add(b, "2024-01-02T09:29:59+05:30", 2020, 1, TD_SIDE_SELL);
	add(b, "2024-01-02T09:30:00+05:30", 2015, 2, TD_SIDE_SELL);
	/* 15m: the pre-open bar, then 09:15-09:30 with two trades */
	assert_int_equal(td_bars_count(b, TD_BARS_15M), 2);
	check_get(b, TD_BARS_15M, 0, &(struct want){ "2024-01-02T09:15:00+05:30", "2024-01-02T09:30:00+05:30",
				2010, 2020, 2010, 2020, 2, 1, 1, 2, true });
	check_forming(b, TD_BARS_15M, &(struct want){ "2024-01-02T09:30:00+05:30", "2024-01-02T09:45:00+05:30",
				2015, 2015, 2015, 2015, 2, 0, 2, 1, true });
	/* 30m and 60m: one pre-open bar closed, the regular one still forming */
	check_forming(b, TD_BARS_30M, &(struct want){ "2024-01-02T09:15:00+05:30", "2024-01-02T09:45:00+05:30",
				2010, 2020, 2010, 2015, 4, 1, 3, 3, true });
	add(b, "2024-01-02T10:14:59+05:30", 2030, 1, TD_SIDE_BUY);
	add(b, "2024-01-02T10:15:00+05:30", 2025, 1, TD_SIDE_BUY);
	assert_int_equal(td_bars_count(b, TD_BARS_60M), 2);
	check_get(b, TD_BARS_60M, 0, &(struct want){ "2024-01-02T09:15:00+05:30", "2024-01-02T10:15:00+05:30",
				2010, 2030, 2010, 2030, 5, 2, 3, 4, true });
	check_get(b, TD_BARS_60M, 1, &(struct want){ "2024-01-02T08:15:00+05:30", "2024-01-02T09:15:00+05:30",
				2000, 2000, 2000, 2000, 3, 3, 0, 1, false });
	check_forming(b, TD_BARS_60M, &(struct want){ "2024-01-02T10:15:00+05:30", "2024-01-02T11:15:00+05:30",
				2025, 2025, 2025, 2025, 1, 1, 0, 1, true });
	/* 30m closed 09:15-09:45 at the 10:14:59 trade, then 09:45-10:15 at 10:15 */
	check_get(b, TD_BARS_30M, 0, &(struct want){ "2024-01-02T09:45:00+05:30", "2024-01-02T10:15:00+05:30",
				2030, 2030, 2030, 2030, 1, 1, 0, 1, true });

	/* the last 60m bar of the day is cut at the 15:30 close: 15:15-15:30 */
	add(b, "2024-01-02T15:29:00+05:30", 2040, 1, TD_SIDE_BUY);
	check_forming(b, TD_BARS_60M, &(struct want){ "2024-01-02T15:15:00+05:30", "2024-01-02T15:30:00+05:30",
				2040, 2040, 2040, 2040, 1, 1, 0, 1, true });
	/* and the post-close bar starts at the close: 15:30-16:15, extended */
	add(b, "2024-01-02T15:40:00+05:30", 2041, 1, TD_SIDE_BUY);
	check_forming(b, TD_BARS_60M, &(struct want){ "2024-01-02T15:30:00+05:30", "2024-01-02T16:15:00+05:30",
				2041, 2041, 2041, 2041, 1, 1, 0, 1, false });
	td_bars_free(b);
}

/*
 * US 09:30 open: 5m bars 09:30, 09:35; 60m bars 09:30, 10:30, ... and the
 * last regular one is 15:30-16:00, cut at the close.
 */
static void test_alignment_us(void **state)
{
	(void)state;
	td_bars *b = bars_on("us", false);
	add(b, "2024-01-02T09:34:59-05:00", 500, 1, TD_SIDE_BUY);
	add(b, "2024-01-02T09:35:00-05:00", 501, 1, TD_SIDE_BUY);
	check_get(b, TD_BARS_5M, 0, &(struct want){ "2024-01-02T09:30:00-05:00", "2024-01-02T09:35:00-05:00",
				500, 500, 500, 500, 1, 1, 0, 1, true });
	check_forming(b, TD_BARS_60M, &(struct want){ "2024-01-02T09:30:00-05:00", "2024-01-02T10:30:00-05:00",
				500, 501, 500, 501, 2, 2, 0, 2, true });
	add(b, "2024-01-02T15:59:59-05:00", 502, 1, TD_SIDE_SELL);
	check_forming(b, TD_BARS_60M, &(struct want){ "2024-01-02T15:30:00-05:00", "2024-01-02T16:00:00-05:00",
				502, 502, 502, 502, 1, 0, 1, 1, true });
	check_forming(b, TD_BARS_30M, &(struct want){ "2024-01-02T15:30:00-05:00", "2024-01-02T16:00:00-05:00",
				502, 502, 502, 502, 1, 0, 1, 1, true });
	td_bars_free(b);
}

/*
 * Daylight saving: the open is 14:30 UTC in winter (EST) and 13:30 UTC in
 * summer (EDT).  The same UTC instant 13:40 is pre-market on 2 January (08:40
 * EST, skipped in regular-only mode) and regular on 2 July (09:40 EDT, in the
 * 15m bar 13:30-13:45 UTC).  Across the March change the daily bars start at
 * each day's open: Friday 8 March 14:30 UTC, Monday 11 March 13:30 UTC.
 */
static void test_dst(void **state)
{
	(void)state;
	td_bars *b = bars_on("us", false);
	add(b, "2024-01-02T13:40:00Z", 300, 1, TD_SIDE_BUY);
	td_bar bar;
	assert_false(td_bars_forming(b, TD_BARS_1M, &bar));
	assert_false(td_bars_forming(b, TD_BARS_DAILY, &bar));
	add(b, "2024-01-02T14:40:00Z", 301, 1, TD_SIDE_BUY);
	check_forming(b, TD_BARS_15M, &(struct want){ "2024-01-02T14:30:00Z", "2024-01-02T14:45:00Z",
				301, 301, 301, 301, 1, 1, 0, 1, true });
	check_forming(b, TD_BARS_DAILY, &(struct want){ "2024-01-02T14:30:00Z", "2024-01-02T21:00:00Z",
				301, 301, 301, 301, 1, 1, 0, 1, true });
	add(b, "2024-07-02T13:40:00Z", 310, 2, TD_SIDE_SELL);
	check_forming(b, TD_BARS_15M, &(struct want){ "2024-07-02T13:30:00Z", "2024-07-02T13:45:00Z",
				310, 310, 310, 310, 2, 0, 2, 1, true });
	check_forming(b, TD_BARS_DAILY, &(struct want){ "2024-07-02T13:30:00Z", "2024-07-02T20:00:00Z",
				310, 310, 310, 310, 2, 0, 2, 1, true });
	assert_true(td_bars_forming(b, TD_BARS_DAILY, &bar));
	assert_int_equal(bar.date, D_JUL02);
	td_bars_counts n;
	td_bars_counts_get(b, &n);
	assert_int_equal(n.skipped, 1);
	td_bars_free(b);

	b = bars_on("us", false);
	add(b, "2024-03-08T10:00:00-05:00", 400, 1, TD_SIDE_BUY);
	add(b, "2024-03-11T10:00:00-04:00", 401, 1, TD_SIDE_BUY);
	check_get(b, TD_BARS_DAILY, 0, &(struct want){ "2024-03-08T14:30:00Z", "2024-03-08T21:00:00Z",
				400, 400, 400, 400, 1, 1, 0, 1, true });
	check_forming(b, TD_BARS_DAILY, &(struct want){ "2024-03-11T13:30:00Z", "2024-03-11T20:00:00Z",
				401, 401, 401, 401, 1, 1, 0, 1, true });
	assert_true(td_bars_get(b, TD_BARS_DAILY, 0, &bar));
	assert_int_equal(bar.date, D_MAR08);
	assert_true(td_bars_forming(b, TD_BARS_DAILY, &bar));
	assert_int_equal(bar.date, D_MAR11);
	/* 10:00 EDT is on the 09:30 grid: the 60m bar is 09:30-10:30 EDT */
	check_forming(b, TD_BARS_60M, &(struct want){ "2024-03-11T09:30:00-04:00", "2024-03-11T10:30:00-04:00",
				401, 401, 401, 401, 1, 1, 0, 1, true });
	td_bars_free(b);
}

/*
 * All hours, New York.  The daily bar runs local midnight to midnight: a
 * 23:30 overnight trade belongs to 2 January, one at 00:10 to 3 January.  The
 * 60m bar from 23:30 is cut at midnight, and the next starts at 00:00.  The
 * daily bar is regular only when every trade in it was: 2 January mixes
 * pre-market, regular and overnight trades, so it is not; a day with two
 * regular trades is, until a post-market trade joins it.
 *   2 January daily: 08:00 pre 50 x 1 buy, 10:00 regular 52 x 2 sell,
 *   23:30 overnight 49 x 3 unknown: O 50, H 52, L 49, C 49, volume 6,
 *   buy 1, sell 2, 3 trades.
 */
static void test_daily_boundary(void **state)
{
	(void)state;
	td_bars *b = bars_on("us", true);
	add(b, "2024-01-02T08:00:00-05:00", 50, 1, TD_SIDE_BUY);
	check_forming(b, TD_BARS_1M, &(struct want){ "2024-01-02T08:00:00-05:00", "2024-01-02T08:01:00-05:00",
				50, 50, 50, 50, 1, 1, 0, 1, false });
	add(b, "2024-01-02T10:00:00-05:00", 52, 2, TD_SIDE_SELL);
	check_forming(b, TD_BARS_1M, &(struct want){ "2024-01-02T10:00:00-05:00", "2024-01-02T10:01:00-05:00",
				52, 52, 52, 52, 2, 0, 2, 1, true });
	add(b, "2024-01-02T23:30:00-05:00", 49, 3, TD_SIDE_NONE);
	check_forming(b, TD_BARS_60M, &(struct want){ "2024-01-02T23:30:00-05:00", "2024-01-03T00:00:00-05:00",
				49, 49, 49, 49, 3, 0, 0, 1, false });
	check_forming(b, TD_BARS_DAILY, &(struct want){ "2024-01-02T00:00:00-05:00", "2024-01-03T00:00:00-05:00",
				50, 52, 49, 49, 6, 1, 2, 3, false });
	assert_int_equal(td_bars_closed(b, TD_BARS_DAILY), 0);

	add(b, "2024-01-03T00:10:00-05:00", 48, 1, TD_SIDE_SELL);
	assert_int_equal(td_bars_closed(b, TD_BARS_DAILY), 1);
	check_get(b, TD_BARS_DAILY, 0, &(struct want){ "2024-01-02T00:00:00-05:00", "2024-01-03T00:00:00-05:00",
				50, 52, 49, 49, 6, 1, 2, 3, false });
	check_forming(b, TD_BARS_60M, &(struct want){ "2024-01-03T00:00:00-05:00", "2024-01-03T00:30:00-05:00",
				48, 48, 48, 48, 1, 0, 1, 1, false });
	td_bar bar;
	assert_true(td_bars_forming(b, TD_BARS_DAILY, &bar));
	assert_int_equal(bar.date, D_JAN03);
	td_bars_free(b);

	/* a day of regular trades only is regular until an extended one joins it */
	b = bars_on("us", true);
	add(b, "2024-01-02T10:00:00-05:00", 60, 1, TD_SIDE_BUY);
	add(b, "2024-01-02T10:05:00-05:00", 61, 1, TD_SIDE_BUY);
	check_forming(b, TD_BARS_DAILY, &(struct want){ "2024-01-02T00:00:00-05:00", "2024-01-03T00:00:00-05:00",
				60, 61, 60, 61, 2, 2, 0, 2, true });
	add(b, "2024-01-02T16:30:00-05:00", 62, 1, TD_SIDE_BUY);
	check_forming(b, TD_BARS_DAILY, &(struct want){ "2024-01-02T00:00:00-05:00", "2024-01-03T00:00:00-05:00",
				60, 62, 60, 62, 3, 3, 0, 3, false });
	td_bars_free(b);

	/* regular only: the daily bar is the regular session, 09:15-15:30 Kolkata */
	b = bars_on("in", false);
	add(b, "2024-01-02T10:00:00+05:30", 700, 1, TD_SIDE_BUY);
	add(b, "2024-01-02T15:29:59+05:30", 705, 2, TD_SIDE_BUY);
	add(b, "2024-01-03T09:15:00+05:30", 690, 1, TD_SIDE_SELL);
	check_get(b, TD_BARS_DAILY, 0, &(struct want){ "2024-01-02T09:15:00+05:30", "2024-01-02T15:30:00+05:30",
				700, 705, 700, 705, 3, 3, 0, 2, true });
	assert_true(td_bars_get(b, TD_BARS_DAILY, 0, &bar));
	assert_int_equal(bar.date, D_JAN02);
	td_bars_free(b);
}

/*
 * A regular-only day ends without trades after the close; td_bars_advance at
 * 16:00 closes the forming bars of every timeframe at once, and the daily bar
 * (09:30-16:00) with them.  Advancing to an earlier time changes nothing.
 */
static void test_advance(void **state)
{
	(void)state;
	td_bars *b = bars_on("us", false);
	add(b, "2024-01-02T15:59:30-05:00", 10, 1, TD_SIDE_BUY);
	td_bars_advance(b, at("2024-01-02T15:59:59-05:00"));
	for (int tf = 0; tf < TD_BARS_NTF; tf++)
		assert_int_equal(td_bars_closed(b, (td_bars_tf)tf), 0);
	td_bars_advance(b, at("2024-01-02T16:00:00-05:00"));
	td_bar bar;
	for (int tf = 0; tf < TD_BARS_NTF; tf++) {
		assert_int_equal(td_bars_closed(b, (td_bars_tf)tf), 1);
		assert_false(td_bars_forming(b, (td_bars_tf)tf, &bar));
		assert_true(td_bars_get(b, (td_bars_tf)tf, 0, &bar));
		assert_int_equal(bar.end, at("2024-01-02T16:00:00-05:00"));
	}
	td_bars_advance(b, at("2024-01-02T15:00:00-05:00"));
	assert_int_equal(td_bars_closed(b, TD_BARS_1M), 1);
	td_bars_free(b);
}

/*
 * Session VWAP with bands, five regular trades over several minutes (so the
 * figures go through the minute fold), New York 2 January, all hours:
 *   100 x 1 buy, 102 x 2 sell, 104 x 1 buy, 101 x 4 unknown, 98 x 2 sell.
 *   sum v = 10; sum v p = 100 + 204 + 104 + 404 + 196 = 1008; VWAP 100.8.
 *   Deviations p - 100.8: -0.8, 1.2, 3.2, 0.2, -2.8; sum v d^2 = 0.64 + 2.88
 *   + 10.24 + 0.16 + 15.68 = 29.6; variance 29.6 / 10 = 2.96 (the same as
 *   sum v p^2 / sum v - VWAP^2 = 101636 / 10 - 10160.64); sd = sqrt(2.96) =
 *   1.7204650534085253 (Python math.sqrt).  Cumulative delta (1 + 1) - (2 +
 *   2) = -2.
 * A pre-market and a post-market trade of 200 x 100 change nothing.  On 3
 * January the figures stay on 2 January until the first regular trade, 50 x 3
 * bought: then VWAP 50, sd 0, delta 3.
 */
static void test_session_vwap(void **state)
{
	(void)state;
	td_bars *b = bars_on("us", true);
	td_bars_vwap v;
	assert_false(td_bars_session_vwap(b, &v));
	add(b, "2024-01-02T09:00:00-05:00", 200, 100, TD_SIDE_BUY);
	assert_false(td_bars_session_vwap(b, &v));
	add(b, "2024-01-02T09:30:10-05:00", 100, 1, TD_SIDE_BUY);
	add(b, "2024-01-02T09:31:10-05:00", 102, 2, TD_SIDE_SELL);
	add(b, "2024-01-02T09:45:00-05:00", 104, 1, TD_SIDE_BUY);
	add(b, "2024-01-02T10:02:00-05:00", 101, 4, TD_SIDE_NONE);
	add(b, "2024-01-02T10:02:30-05:00", 98, 2, TD_SIDE_SELL);
	const double sd = 1.7204650534085253;
	for (int pass = 0; pass < 2; pass++) {
		/* pass 0: the last two trades are in the forming minute; pass 1: folded */
		assert_true(td_bars_session_vwap(b, &v));
		assert_int_equal(v.date, D_JAN02);
		assert_int_equal(v.volume, 10);
		assert_int_equal(v.cum_delta, -2);
		assert_near(v.vwap, 100.8, 1e-12);
		assert_near(v.sd, sd, 1e-12);
		assert_near(v.upper1, 100.8 + sd, 1e-12);
		assert_near(v.lower1, 100.8 - sd, 1e-12);
		assert_near(v.upper2, 100.8 + 2 * sd, 1e-12);
		assert_near(v.lower2, 100.8 - 2 * sd, 1e-12);
		add(b, "2024-01-02T16:30:00-05:00", 200, 100, TD_SIDE_SELL);
	}
	add(b, "2024-01-03T09:00:00-05:00", 200, 100, TD_SIDE_BUY);
	assert_true(td_bars_session_vwap(b, &v));
	assert_int_equal(v.date, D_JAN02);
	assert_int_equal(v.volume, 10);
	add(b, "2024-01-03T09:30:00-05:00", 50, 3, TD_SIDE_BUY);
	assert_true(td_bars_session_vwap(b, &v));
	assert_int_equal(v.date, D_JAN03);
	assert_int_equal(v.volume, 3);
	assert_int_equal(v.cum_delta, 3);
	assert_near(v.vwap, 50.0, 0.0);
	assert_near(v.sd, 0.0, 0.0);
	td_bars_free(b);
}

/*
 * Precision: 3 million trades at 10^9 - 1 and 10^9 + 1 ticks, alternately,
 * 10^6 lots each, across the regular session.  By symmetry the VWAP is 10^9
 * exactly and every trade is 1 tick from it, so sd = 1.  Naive double sums
 * would lose it: sum v p^2 / sum v is about 10^18, where a double's spacing
 * is 128.
 */
static void test_precision(void **state)
{
	(void)state;
	enum { N = 3000000 };
	td_trade *t = malloc(N * sizeof(*t));
	assert_non_null(t);
	td_ns open = at("2024-01-02T09:30:00-05:00");
	td_ns step = (390 * TD_NS_PER_MIN) / N;  /* 390 minutes of regular hours */
	for (int i = 0; i < N; i++)
		t[i] = (td_trade){ open + i * step, 1000000000 + (i % 2 ? 1 : -1), 1000000,
				   (uint8_t)(i % 2 ? TD_SIDE_BUY : TD_SIDE_SELL) };
	td_bars *b = bars_on("us", false);
	assert_int_equal(td_bars_add_all(b, t, N), N);
	td_bars_vwap v;
	assert_true(td_bars_session_vwap(b, &v));
	assert_int_equal(v.volume, (int64_t)N * 1000000);
	assert_int_equal(v.cum_delta, 0);
	assert_near(v.vwap, 1e9, 0.0);
	assert_near(v.sd, 1.0, 1e-12);
	td_bar bar;
	assert_true(td_bars_forming(b, TD_BARS_DAILY, &bar));
	assert_near(bar.vwap, 1e9, 0.0);
	assert_int_equal(bar.trades, N);
	/* 390 minute bars: 389 closed, the last forming */
	assert_int_equal(td_bars_closed(b, TD_BARS_1M), 389);
	free(t);
	td_bars_free(b);
}

/*
 * Far from the open: two trades of 1 lot at 0 and 2^40 ticks in one minute
 * (beyond the 2^31 ticks the hot path squares in 64 bits).  By the
 * definitions VWAP = 2^40 / 2 = 2^39 = 549755813888 and, each trade being
 * 2^39 from it, sd = 2^39.
 */
static void test_far_from_open(void **state)
{
	(void)state;
	const td_ns t0 = at("2024-01-02T10:00:00-05:00");
	const td_trade t[] = {
		{ t0, 0, 1, TD_SIDE_BUY },
		{ t0 + 1, INT64_C(1) << 40, 1, TD_SIDE_SELL },
	};
	for (int batch = 0; batch < 2; batch++) {
		td_bars *b = bars_on("us", false);
		if (batch)
			assert_int_equal(td_bars_add_all(b, t, 2), 2);
		else
			for (int i = 0; i < 2; i++)
				assert_int_equal(td_bars_add(b, &t[i]), 0);
		td_bar bar;
		assert_true(td_bars_forming(b, TD_BARS_1M, &bar));
		assert_int_equal(bar.high, INT64_C(1) << 40);
		assert_int_equal(bar.close, INT64_C(1) << 40);
		assert_int_equal(bar.trades, 2);
		assert_near(bar.vwap, 549755813888.0, 0.0);
		td_bars_vwap v;
		assert_true(td_bars_session_vwap(b, &v));
		assert_near(v.sd, 549755813888.0, 0.0);
		td_bars_free(b);
	}
}

/* Two bars agree in every field (not memcmp: padding may differ). */
static void assert_same_bar(const td_bar *a, const td_bar *b)
{
	assert_int_equal(a->start, b->start);
	assert_int_equal(a->end, b->end);
	assert_int_equal(a->open, b->open);
	assert_int_equal(a->high, b->high);
	assert_int_equal(a->low, b->low);
	assert_int_equal(a->close, b->close);
	assert_int_equal(a->volume, b->volume);
	assert_int_equal(a->buy_volume, b->buy_volume);
	assert_int_equal(a->sell_volume, b->sell_volume);
	assert_int_equal(a->delta, b->delta);
	assert_int_equal(a->trades, b->trades);
	assert_near(a->vwap, b->vwap, 0.0);
	assert_int_equal(a->date, b->date);
	assert_int_equal(a->regular, b->regular);
}

/*
 * td_bars_add_all is td_bars_add in a loop: on a mixed stream (regular and
 * extended hours, gaps, late, bad and far trades, two dates) both leave the
 * same bars in every timeframe, the same VWAP and the same counts.
 */
static void test_batch_same_as_single(void **state)
{
	(void)state;
	enum { N = 20000 };
	td_trade *t = malloc(N * sizeof(*t));
	assert_non_null(t);
	td_ns ts = at("2024-01-02T07:00:00-05:00");
	uint64_t x = 12345;
	td_ticks px = 1000;
	for (int i = 0; i < N; i++) {
		x = x * 6364136223846793005u + 1442695040888963407u;  /* Knuth's MMIX LCG */
		uint64_t r = x >> 33;
		ts += (td_ns)(r % 9000) * TD_NS_PER_MS - (r % 50 == 0 ? 20 * TD_NS_PER_SEC : 0);
		px += (td_ticks)(r % 7) - 3 + (r % 997 == 0 ? INT64_C(1) << 33 : 0);
		t[i] = (td_trade){ ts, px, (int64_t)(r % 11) - 1, (uint8_t)(r % 4) };
	}
	for (int all = 0; all < 2; all++) {
		td_bars_params p = { .session = td_session_find("us"), .all_hours = all,
				     .capacity = { 50, 50, 50, 50, 50, 50 } };
		td_bars *one = td_bars_new(&p, NULL, 0), *many = td_bars_new(&p, NULL, 0);
		assert_non_null(one);
		assert_non_null(many);
		size_t ok = 0;
		for (int i = 0; i < N; i++)
			ok += td_bars_add(one, &t[i]) == 0;
		assert_int_equal(td_bars_add_all(many, t, N), ok);
		td_bars_counts c1, c2;
		td_bars_counts_get(one, &c1);
		td_bars_counts_get(many, &c2);
		assert_memory_equal(&c1, &c2, sizeof(c1));
		assert_true(c1.rejected > 0 && c1.late > 0 && c1.accepted > 0);
		for (int tf = 0; tf < TD_BARS_NTF; tf++) {
			assert_int_equal(td_bars_closed(one, (td_bars_tf)tf), td_bars_closed(many, (td_bars_tf)tf));
			assert_int_equal(td_bars_count(one, (td_bars_tf)tf), td_bars_count(many, (td_bars_tf)tf));
			td_bar a, b;
			for (size_t i = 0; td_bars_get(one, (td_bars_tf)tf, i, &a); i++) {
				assert_true(td_bars_get(many, (td_bars_tf)tf, i, &b));
				assert_same_bar(&a, &b);
			}
			assert_int_equal(td_bars_forming(one, (td_bars_tf)tf, &a), td_bars_forming(many, (td_bars_tf)tf, &b));
			if (td_bars_forming(one, (td_bars_tf)tf, &a) && td_bars_forming(many, (td_bars_tf)tf, &b))
				assert_same_bar(&a, &b);
		}
		td_bars_vwap v1, v2;
		assert_true(td_bars_session_vwap(one, &v1));
		assert_true(td_bars_session_vwap(many, &v2));
		assert_int_equal(v1.date, v2.date);
		assert_int_equal(v1.volume, v2.volume);
		assert_int_equal(v1.cum_delta, v2.cum_delta);
		assert_near(v1.vwap, v2.vwap, 0.0);
		assert_near(v1.sd, v2.sd, 0.0);
		td_bars_free(one);
		td_bars_free(many);
	}
	free(t);
}

/*
 * A ring of 3 one-minute bars after five minutes with a trade each (prices
 * 1..5): four closed, three kept, newest first 4, 3, 2; the fifth is forming.
 */
static void test_ring_wrap(void **state)
{
	(void)state;
	td_bars_params p = { .session = td_session_find("us"), .capacity = { [TD_BARS_1M] = 3 } };
	char err[128];
	td_bars *b = td_bars_new(&p, err, sizeof(err));
	assert_non_null(b);
	static const char *const when[] = {
		"2024-01-02T10:00:01-05:00", "2024-01-02T10:01:01-05:00", "2024-01-02T10:02:01-05:00",
		"2024-01-02T10:03:01-05:00", "2024-01-02T10:04:01-05:00",
	};
	for (int i = 0; i < 5; i++)
		add(b, when[i], i + 1, 1, TD_SIDE_BUY);
	assert_int_equal(td_bars_closed(b, TD_BARS_1M), 4);
	assert_int_equal(td_bars_count(b, TD_BARS_1M), 3);
	td_bar bar;
	for (int i = 0; i < 3; i++) {
		assert_true(td_bars_get(b, TD_BARS_1M, (size_t)i, &bar));
		assert_int_equal(bar.close, 4 - i);
	}
	assert_false(td_bars_get(b, TD_BARS_1M, 3, &bar));
	assert_true(td_bars_forming(b, TD_BARS_1M, &bar));
	assert_int_equal(bar.close, 5);
	/* memory: the struct plus 3 + 5 * 2000 slots */
	assert_true(td_bars_memory(b) > (3 + 5 * TD_BARS_DEFAULT_CAP) * sizeof(td_bar));
	td_bars_free(b);
}

/*
 * Bad input is rejected and counted and changes no bar; a trade stamped
 * before the forming bar counts in it, as late.
 */
static void test_bad_input(void **state)
{
	(void)state;
	td_bars *b = bars_on("us", false);
	add(b, "2024-01-02T10:00:10-05:00", 100, 2, TD_SIDE_BUY);
	td_ns t0 = at("2024-01-02T10:00:20-05:00");
	const td_trade bad[] = {
		{ t0, 101, 0, TD_SIDE_BUY },
		{ t0, 101, -5, TD_SIDE_BUY },
		{ t0, 101, 1, 3 },
		{ t0, TD_PX_NONE, 1, TD_SIDE_BUY },
		{ t0, INT64_C(1) << 61, 1, TD_SIDE_BUY },          /* px limits [-2^61, 2^61) */
		{ t0, -(INT64_C(1) << 61) - 1, 1, TD_SIDE_BUY },
		{ t0, 101, (INT64_C(1) << 62) + 1, TD_SIDE_BUY },  /* size limit 2^62 */
		{ t0, 101, INT64_MIN, TD_SIDE_BUY },
		{ t0, 101, 1, 255 },
		{ at("2024-01-02T10:07:00-05:00"), 101, 0, TD_SIDE_BUY },
		{ INT64_MAX, 101, 1, TD_SIDE_BUY },
		{ INT64_MIN, 101, 1, TD_SIDE_BUY },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(td_bars_add(b, &bad[i]), -1);
	assert_int_equal(td_bars_add_all(b, bad, 2), 0);
	check_forming(b, TD_BARS_1M, &(struct want){ "2024-01-02T10:00:00-05:00", "2024-01-02T10:01:00-05:00",
				100, 100, 100, 100, 2, 2, 0, 1, true });

	/* late: the 10:01 bar is forming when a 10:00:50 trade arrives; it joins 10:01 */
	add(b, "2024-01-02T10:01:05-05:00", 103, 1, TD_SIDE_SELL);
	add(b, "2024-01-02T10:00:50-05:00", 104, 1, TD_SIDE_BUY);
	check_forming(b, TD_BARS_1M, &(struct want){ "2024-01-02T10:01:00-05:00", "2024-01-02T10:02:00-05:00",
				103, 104, 103, 104, 2, 1, 1, 2, true });
	check_get(b, TD_BARS_1M, 0, &(struct want){ "2024-01-02T10:00:00-05:00", "2024-01-02T10:01:00-05:00",
				100, 100, 100, 100, 2, 2, 0, 1, true });
	td_bars_counts n;
	td_bars_counts_get(b, &n);
	assert_int_equal(n.rejected, 14);
	assert_int_equal(n.late, 1);
	assert_int_equal(n.accepted, 3);
	td_bars_advance(b, INT64_MAX);  /* ignored: out of range */
	assert_true(td_bars_forming(b, TD_BARS_1M, &(td_bar){ 0 }));
	td_bars_free(b);

	/*
	 * The extremes that are accepted: prices -2^61 and 2^61 - 1, sizes of
	 * 2^62, times near both limits (+-(2^62 - 1) ns).  The figures wrap (bars.h says so); what is
	 * tested is that nothing crashes or overflows a signed type (the
	 * sanitizer build checks that) and every trade is counted.
	 */
	b = bars_on("us", true);
	const int64_t big = (INT64_C(1) << 62) - 1, hi = (INT64_C(1) << 61) - 1, lo = -(INT64_C(1) << 61);
	const td_trade edge[] = {
		{ -big, hi, big + 1, TD_SIDE_BUY },
		{ -big + 1, lo, big + 1, TD_SIDE_SELL },
		{ at("2024-01-02T10:00:00-05:00"), hi, big + 1, TD_SIDE_BUY },
		{ at("2024-01-02T10:00:01-05:00"), lo, big + 1, TD_SIDE_NONE },
		{ at("2024-01-02T10:01:00-05:00"), hi, big + 1, TD_SIDE_SELL },
		{ big, lo, big + 1, TD_SIDE_BUY },
	};
	assert_int_equal(td_bars_add_all(b, edge, sizeof(edge) / sizeof(edge[0])), sizeof(edge) / sizeof(edge[0]));
	td_bars_vwap v;
	assert_true(td_bars_session_vwap(b, &v));
	td_bars_advance(b, big);
	assert_true(td_bars_count(b, TD_BARS_DAILY) > 0);
	td_bars_free(b);
}

/* Unusable parameters give a message; names are listed. */
static void test_params_and_names(void **state)
{
	(void)state;
	char err[128];
	td_bars_params p = { 0 };
	assert_null(td_bars_new(&p, err, sizeof(err)));
	assert_string_equal(err, "no session for bars");
	p.session = td_session_find("in");
	p.capacity[TD_BARS_15M] = TD_BARS_MAX_CAP + 1;
	assert_null(td_bars_new(&p, err, sizeof(err)));
	assert_string_equal(err, "15m bar capacity '1048577' is over 1048576");
	assert_string_equal(td_bars_tf_name(TD_BARS_1M), "1m");
	assert_string_equal(td_bars_tf_name(TD_BARS_60M), "60m");
	assert_string_equal(td_bars_tf_name(TD_BARS_DAILY), "daily");
	assert_string_equal(td_bars_tf_name(TD_BARS_NTF), "?");
	td_bars_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ohlcv_across_minutes),
		cmocka_unit_test(test_alignment_nifty),
		cmocka_unit_test(test_alignment_us),
		cmocka_unit_test(test_dst),
		cmocka_unit_test(test_daily_boundary),
		cmocka_unit_test(test_advance),
		cmocka_unit_test(test_session_vwap),
		cmocka_unit_test(test_precision),
		cmocka_unit_test(test_far_from_open),
		cmocka_unit_test(test_batch_same_as_single),
		cmocka_unit_test(test_ring_wrap),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_params_and_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
