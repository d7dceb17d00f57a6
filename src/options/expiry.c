/*
 * Time to expiry by exchange convention, ACT/365 of calendar time.
 */
#include "options/expiry.h"

#include <math.h>
#include <stddef.h>

#define HM(h, m) (((td_ns)(h) * 60 + (m)) * TD_NS_PER_MIN)

/* One row per td_expiry_style, in enum order. */
static const struct {
	const char *name;  /* short name for logs and the CLI */
	const char *zone;  /* td_tz_find name */
	td_ns tod;         /* local time of day of expiry */
} expiry_rules[TD_EXPIRY_STYLE_COUNT] = {
	[TD_EXPIRY_US_PM] = { "us-pm", "America/New_York", HM(16, 0) },
	[TD_EXPIRY_US_AM] = { "us-am", "America/New_York", HM(9, 30) },
	[TD_EXPIRY_NSE] = { "nse", "Asia/Kolkata", HM(15, 30) },
};

/* True when style indexes expiry_rules. */
static int style_ok(td_expiry_style style)
{
	return (int)style >= 0 && style < TD_EXPIRY_STYLE_COUNT;
}

/* Zone and time of day of a style. */
int td_expiry_style_rule(td_expiry_style style, const td_tz **tz, td_ns *tod)
{
	if (!style_ok(style))
		return -1;
	const td_tz *z = td_tz_find(expiry_rules[style].zone);
	if (!z)
		return -1;
	if (tz)
		*tz = z;
	if (tod)
		*tod = expiry_rules[style].tod;
	return 0;
}

/* Short name of a style. */
const char *td_expiry_style_name(td_expiry_style style)
{
	return style_ok(style) ? expiry_rules[style].name : "?";
}

/* UTC instant of a local expiry date and time. */
td_ns td_expiry_instant(int64_t expiry_days, td_ns expiry_tod, const td_tz *tz)
{
	return td_tz_to_utc(tz, expiry_days, expiry_tod);
}

/* Years from now to expiry, ACT/365. */
double td_expiry_years(td_ns now, int64_t expiry_days, td_ns expiry_tod, const td_tz *tz)
{
	if (!tz)
		return NAN;
	td_ns left = td_expiry_instant(expiry_days, expiry_tod, tz) - now;
	/* whole seconds and the ns remainder apart, so far dates keep ns precision */
	return ((double)(left / TD_NS_PER_SEC) + (double)(left % TD_NS_PER_SEC) / 1e9) /
	       TD_EXPIRY_SEC_PER_YEAR;
}

/* Years to expiry under a style's convention. */
double td_expiry_years_style(td_ns now, int64_t expiry_days, td_expiry_style style)
{
	const td_tz *tz;
	td_ns tod;
	if (td_expiry_style_rule(style, &tz, &tod) < 0)
		return NAN;
	return td_expiry_years(now, expiry_days, tod, tz);
}
