/*
 * Time to expiry: the T of option.h, in years from "now" to the instant an
 * option expires.
 *
 * An expiry is a local date and time of day in the exchange's zone:
 *   US equity and PM-settled index options   16:00 America/New_York
 *   AM-settled US index options (SPX monthly) 09:30 America/New_York (the
 *                                             opening print that sets the
 *                                             settlement value)
 *   NSE index and stock options               15:30 Asia/Kolkata
 * The date is td_instrument.expiry_days (days since 1970-01-01); the zone's
 * rules, daylight saving included, come from src/core/time.h.
 *
 * Day count: ACT/365 of calendar time, i.e. the exact number of seconds to
 * the expiry instant divided by 365 * 86400.  Nights, weekends and holidays
 * count like trading hours; a leap year's extra day counts as 1/365.  A day
 * with a DST change is 23 or 25 hours long, so "16:00 to 16:00" across the
 * change is 23/24 or 25/24 of a day, as the clock on the wall says.
 *
 * Pure functions over their arguments; the zone pointers come from the
 * static table in time.c and are never freed.
 */
#ifndef TD_EXPIRY_H
#define TD_EXPIRY_H

#include <stdint.h>

#include "core/time.h"

#define TD_EXPIRY_SEC_PER_YEAR (365.0 * 86400.0)  /* ACT/365 */

/* Exchange conventions for the time of day an option expires. */
typedef enum td_expiry_style {
	TD_EXPIRY_US_PM = 0,  /* 16:00 America/New_York: US equity options, PM-settled index options */
	TD_EXPIRY_US_AM,      /* 09:30 America/New_York: AM-settled index options */
	TD_EXPIRY_NSE,        /* 15:30 Asia/Kolkata: NSE options */
	TD_EXPIRY_STYLE_COUNT
} td_expiry_style;

/*
 * The zone and local time of day of a style.  Returns 0, or -1 when the
 * style is out of range (*tz and *tod are then left alone).  Either output
 * pointer may be NULL.
 */
int td_expiry_style_rule(td_expiry_style style, const td_tz **tz, td_ns *tod);

/* A short name ("us-pm", "us-am", "nse"), or "?" when out of range. */
const char *td_expiry_style_name(td_expiry_style style);

/* The UTC instant of expiry_tod (ns after local midnight) on local date expiry_days in tz. */
td_ns td_expiry_instant(int64_t expiry_days, td_ns expiry_tod, const td_tz *tz);

/*
 * Years (ACT/365) from now to the expiry instant; zero or negative once it
 * has passed.  NAN when tz is NULL.  Pricing wants T > 0: callers treat
 * T <= 0 as expired rather than passing it to a model.
 */
double td_expiry_years(td_ns now, int64_t expiry_days, td_ns expiry_tod, const td_tz *tz);

/* td_expiry_years with the zone and time of day of a style; NAN when the style is out of range. */
double td_expiry_years_style(td_ns now, int64_t expiry_days, td_expiry_style style);

#endif
