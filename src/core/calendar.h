/*
 * Exchange holiday calendars: the days an exchange is closed and the days
 * it closes early, per market preset ("us", "in"), read from holidays.conf
 * (doc/formats.md "Holiday calendar").
 *
 * The session presets (session.h) give a weekday's phases; this says which
 * weekdays are not ordinary ones.  Exchanges publish their holidays a year or
 * two ahead and add closures at short notice (a day of mourning, an
 * election), so the dates are data to edit, not rules computed from the
 * date.  A year the file does not list for a market is "not known": only
 * its weekends are closed.
 *
 * Every lookup accepts a NULL calendar and treats it as an empty one, so a
 * caller without a holidays file still gets weekends right.  Read-only once
 * loaded: threads may share one.
 */
#ifndef TD_CALENDAR_H
#define TD_CALENDAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "time.h"

#define TD_CAL_NAME_MAX 48   /* a holiday's name, with the NUL */

typedef struct td_calendar td_calendar;

typedef enum td_cal_kind {
	TD_CAL_OPEN = 0,   /* an ordinary trading day */
	TD_CAL_EARLY,      /* trades, but the regular session closes early */
	TD_CAL_HOLIDAY,    /* closed all day */
	TD_CAL_WEEKEND     /* Saturday or Sunday */
} td_cal_kind;

/* One day of one market. */
typedef struct td_cal_day {
	td_cal_kind kind;
	const char *name;   /* the holiday's name ("Thanksgiving Day"), "Saturday"/"Sunday", "" on an ordinary day;
			       lives as long as the calendar */
	td_ns close_tod;    /* TD_CAL_EARLY: the early close, local ns after midnight; else 0 */
	const char *zone;   /* the market's zone as messages name it: "ET", "IST"; "" for an unknown market */
	bool known;         /* the calendar lists dates of this year for this market */
} td_cal_day;

/* A UTC instant seen from a market's zone, with the calendar's entry for that local day. */
typedef struct td_cal_now {
	td_ns now;          /* the instant looked up (UTC) */
	int64_t day;        /* its local date, days since 1970-01-01 */
	td_ns tod;          /* its local time of day, ns after midnight */
	td_cal_day today;
} td_cal_now;

/*
 * Read a holidays file.  NULL with err "FILE:LINE: what is wrong" for the
 * first bad line (an unknown market section, a line outside a section, a
 * bad date or time, a duplicate date, a weekend, an early close outside the
 * regular session): one bad line refuses the whole file, because a holiday
 * silently dropped is worse than none.  errno is ENOENT when the file does
 * not exist.  Free with td_calendar_free.
 */
td_calendar *td_calendar_load(const char *path, char *err, size_t errlen);

/*
 * Find holidays.conf: $XDG_CONFIG_HOME/tapedeck/holidays.conf (the user's,
 * where fees.conf is looked for), then beside the program
 * (../config/holidays.conf in the source tree,
 * ../share/tapedeck/config/holidays.conf when installed), then
 * ./config/holidays.conf, then the data directory chosen at build time.
 * Returns 0 with the path, or -1 when there is none.
 */
int td_calendar_locate(char *path, size_t n);

/*
 * The calendar of the file td_calendar_locate finds, or an empty calendar
 * when there is none (td_calendar_describe says so).  NULL with err when the
 * file found is bad, or when out of memory.
 */
td_calendar *td_calendar_open(char *err, size_t errlen);

void td_calendar_free(td_calendar *cal);

/* The file the calendar was read from; "" for an empty one. */
const char *td_calendar_source(const td_calendar *cal);

/*
 * One line for the status bar or the log: "holidays: PATH (us 2025-2027,
 * in 2025-2026)", or that no holidays file was found and only weekends are
 * closed.
 */
void td_calendar_describe(const td_calendar *cal, char *buf, size_t n);

/* A market's date (y, m, d) into *info; returns info->kind. */
td_cal_kind td_calendar_day(const td_calendar *cal, const char *market, int y, int m, int d, td_cal_day *info);

/* The same for a date in days since 1970-01-01. */
td_cal_kind td_calendar_lookup(const td_calendar *cal, const char *market, int64_t day, td_cal_day *info);

/* The UTC instant t in the market's zone (its session preset's), with that day's entry. */
void td_calendar_now(const td_calendar *cal, const char *market, td_ns t, td_cal_now *out);

/* Whether the market trades on day at all (an early close trades). */
bool td_calendar_trades(const td_calendar *cal, const char *market, int64_t day);

/* The last day strictly before day on which the market trades. */
int64_t td_calendar_prev_trading_day(const td_calendar *cal, const char *market, int64_t day);

/*
 * Business days from one date to another: the trading days d with
 * from < d <= to (Friday to the next Monday is 1), or minus the count of
 * to < d <= from when to is before from.
 */
int64_t td_calendar_business_days(const td_calendar *cal, const char *market, int64_t from, int64_t to);

#endif
