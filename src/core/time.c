/*
 * Time: clocks, the proleptic Gregorian calendar, ISO-8601 text and a small
 * table of time zones.
 *
 * Zones are data, never the TZ variable or localtime(): both are process-wide
 * and the feed thread converts times too.  A zone is a standard offset, plus
 * optionally the US daylight saving rule in force since 2007 (second Sunday of
 * March 02:00 local standard time to first Sunday of November 02:00 local
 * daylight time).  XXX: the 2007 rule is applied to every year, so instants
 * before 2007 in US zones may be an hour off around March/April and October.
 */
#include "time.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define TD_SEC_PER_DAY 86400

struct td_tz {
	const char *name;
	int std_offset;  /* seconds east of UTC outside daylight saving */
	bool us_dst;     /* +1 hour under the US rule described above */
};

static const struct td_tz td_zones[] = {
	{ "UTC", 0, false },
	{ "Asia/Kolkata", 5 * 3600 + 30 * 60, false },
	{ "America/New_York", -5 * 3600, true },
	{ "America/Chicago", -6 * 3600, true },
};

/* Read a clock as ns. */
static int64_t td_clock_ns(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * TD_NS_PER_SEC + ts.tv_nsec;
}

/* Wall-clock time now. */
td_ns td_now(void)
{
	return td_clock_ns(CLOCK_REALTIME);
}

/* Monotonic time now. */
td_mono td_mono_now(void)
{
	return td_clock_ns(CLOCK_MONOTONIC);
}

/* Division rounding towards minus infinity, for instants before 1970. */
static int64_t td_floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* Howard Hinnant's days_from_civil: eras of 400 years starting on 1 March. */
int64_t td_days_from_civil(int y, int m, int d)
{
	int64_t yy = (int64_t)y - (m <= 2);
	int64_t era = td_floor_div(yy, 400);
	int64_t yoe = yy - era * 400;                                /* [0, 399] */
	int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1; /* [0, 365] */
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;         /* [0, 146096] */
	return era * 146097 + doe - 719468;
}

/* The inverse of td_days_from_civil. */
void td_civil_from_days(int64_t days, int *y, int *m, int *d)
{
	int64_t z = days + 719468;
	int64_t era = td_floor_div(z, 146097);
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;  /* month counted from March */
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

/* Day of the week of a day count, 0 = Sunday. */
int td_weekday(int64_t days)
{
	int64_t r = (days + 4) % 7;  /* 1970-01-01 was a Thursday */
	return (int)(r < 0 ? r + 7 : r);
}

/* Days in month m of year y. */
static int td_month_days(int y, int m)
{
	static const int len[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : len[m - 1];
}

/* Set *err (when wanted) and return -1. */
static int td_fail(const char **err, const char *msg)
{
	if (err)
		*err = msg;
	return -1;
}

/* Read exactly `width` decimal digits at *p; advances *p only on success. */
static bool td_digits(const char **p, int width, int *v)
{
	int x = 0;
	for (int i = 0; i < width; i++) {
		char c = (*p)[i];
		if (c < '0' || c > '9')
			return false;
		x = x * 10 + (c - '0');
	}
	*p += width;
	*v = x;
	return true;
}

/* Consume character c at *p if it is there. */
static bool td_take(const char **p, char c)
{
	if (**p != c)
		return false;
	(*p)++;
	return true;
}

/* Parse "YYYY-MM-DD" at *p into days since the epoch. */
static int td_scan_date(const char **p, int64_t *days, const char **err)
{
	int y, m, d;
	if (!td_digits(p, 4, &y) || !td_take(p, '-'))
		return td_fail(err, "bad year: expected YYYY-");
	if (!td_digits(p, 2, &m) || m < 1 || m > 12 || !td_take(p, '-'))
		return td_fail(err, "bad month: expected 01-12 then '-'");
	if (!td_digits(p, 2, &d) || d < 1 || d > td_month_days(y, m))
		return td_fail(err, "bad day: not a day of that month");
	*days = td_days_from_civil(y, m, d);
	return 0;
}

/* Parse ":MM" and, when present or required, ":SS" into seconds. */
static int td_scan_min_sec(const char **p, bool need_sec, int *secs, const char **err)
{
	int mi, s = 0;
	if (!td_take(p, ':') || !td_digits(p, 2, &mi) || mi > 59)
		return td_fail(err, "bad minute: expected :00-:59");
	if (need_sec || **p == ':')
		if (!td_take(p, ':') || !td_digits(p, 2, &s) || s > 59)
			return td_fail(err, "bad second: expected :00-:59");
	*secs = mi * 60 + s;
	return 0;
}

/* Parse ".fraction" (1 to 9 digits) at *p into ns; none is 0. */
static int td_scan_fraction(const char **p, int64_t *ns, const char **err)
{
	*ns = 0;
	if (!td_take(p, '.'))
		return 0;
	int n = 0;
	for (; **p >= '0' && **p <= '9'; (*p)++, n++) {
		if (n == 9)
			return td_fail(err, "bad fraction: more than 9 digits");
		*ns = *ns * 10 + (**p - '0');
	}
	if (n == 0)
		return td_fail(err, "bad fraction: no digits after '.'");
	for (; n < 9; n++)
		*ns *= 10;
	return 0;
}

/* Parse "", "Z", "+HH:MM" or "-HH:MM" at *p into seconds east of UTC. */
static int td_scan_zone(const char **p, int *off, const char **err)
{
	*off = 0;
	if (**p == '\0' || td_take(p, 'Z'))
		return 0;
	int sign = **p == '-' ? -1 : 1;
	int h, m;
	if ((**p != '+' && **p != '-') || (++*p, !td_digits(p, 2, &h)) || h > 23 ||
	    !td_take(p, ':') || !td_digits(p, 2, &m) || m > 59)
		return td_fail(err, "bad zone: expected Z, +HH:MM or -HH:MM");
	*off = sign * (h * 3600 + m * 60);
	return 0;
}

/* Parse an ISO-8601 instant, naming the first bad part on error. */
int td_time_parse_iso(const char *s, td_ns *out, const char **err)
{
	if (!s || !*s)
		return td_fail(err, "empty time");
	const char *p = s;
	int64_t days, frac;
	int h, secs, off;
	if (td_scan_date(&p, &days, err) < 0)
		return -1;
	if (!td_take(&p, 'T') && !td_take(&p, ' '))
		return td_fail(err, "bad separator: expected 'T' or a space after the date");
	if (!td_digits(&p, 2, &h) || h > 23)
		return td_fail(err, "bad hour: expected 00-23");
	if (td_scan_min_sec(&p, true, &secs, err) < 0 || td_scan_fraction(&p, &frac, err) < 0 ||
	    td_scan_zone(&p, &off, err) < 0)
		return -1;
	if (*p)
		return td_fail(err, "trailing characters after the time");

	int64_t sec = days * TD_SEC_PER_DAY + h * 3600 + secs - off;
	if (sec < 0 && frac > 0) {
		/* borrow a second so the product stays in range near INT64_MIN */
		sec++;
		frac -= TD_NS_PER_SEC;
	}
	int64_t ns;
	if (__builtin_mul_overflow(sec, TD_NS_PER_SEC, &ns) || __builtin_add_overflow(ns, frac, &ns))
		return td_fail(err, "time out of range: years 1677 to 2262 only");
	*out = ns;
	return 0;
}

/* Parse H:MM, HH:MM or HH:MM:SS into ns after midnight. */
int td_time_parse_hms(const char *s, td_ns *out, const char **err)
{
	if (!s || !*s)
		return td_fail(err, "empty time of day");
	const char *p = s;
	int h, secs;
	/* one-digit hours ("9:30") are how people write them */
	if (!td_digits(&p, 2, &h) && !td_digits(&p, 1, &h))
		return td_fail(err, "bad hour: expected 0-23");
	if (h > 24)
		return td_fail(err, "bad hour: expected 0-23");
	if (td_scan_min_sec(&p, false, &secs, err) < 0)
		return -1;
	if (*p)
		return td_fail(err, "trailing characters after the time of day");
	/* "24:00" is accepted as the end of the day, for spans such as 20:00-24:00 */
	if (h == 24 && secs != 0)
		return td_fail(err, "bad hour: only 24:00 may use hour 24");
	*out = ((int64_t)h * 3600 + secs) * TD_NS_PER_SEC;
	return 0;
}

/* Parse YYYY-MM-DD into days since the epoch. */
int td_date_parse(const char *s, int64_t *days, const char **err)
{
	if (!s || !*s)
		return td_fail(err, "empty date");
	const char *p = s;
	int64_t d;
	if (td_scan_date(&p, &d, err) < 0)
		return -1;
	if (*p)
		return td_fail(err, "trailing characters after the date");
	*days = d;
	return 0;
}

/* The zone with this exact name, or NULL. */
const td_tz *td_tz_find(const char *name)
{
	for (size_t i = 0; name && i < sizeof td_zones / sizeof td_zones[0]; i++)
		if (strcmp(td_zones[i].name, name) == 0)
			return &td_zones[i];
	return NULL;
}

/* The zone's name as in the table. */
const char *td_tz_name(const td_tz *tz)
{
	return tz->name;
}

/* Whether UTC second `sec` falls in US daylight saving time for a zone with standard offset std. */
static bool td_us_dst_at(int std, int64_t sec)
{
	int y, m, d;
	td_civil_from_days(td_floor_div(sec + std, TD_SEC_PER_DAY), &y, &m, &d);
	int64_t mar1 = td_days_from_civil(y, 3, 1);
	int64_t nov1 = td_days_from_civil(y, 11, 1);
	int64_t start_day = mar1 + (7 - td_weekday(mar1)) % 7 + 7;  /* second Sunday */
	int64_t end_day = nov1 + (7 - td_weekday(nov1)) % 7;        /* first Sunday */
	int64_t start = start_day * TD_SEC_PER_DAY + 2 * 3600 - std;       /* 02:00 standard */
	int64_t end = end_day * TD_SEC_PER_DAY + 2 * 3600 - (std + 3600);  /* 02:00 daylight */
	return sec >= start && sec < end;
}

/* Seconds east of UTC in force at t. */
int td_tz_offset(const td_tz *tz, td_ns t)
{
	if (tz->us_dst && td_us_dst_at(tz->std_offset, td_floor_div(t, TD_NS_PER_SEC)))
		return tz->std_offset + 3600;
	return tz->std_offset;
}

/*
 * The UTC instant of a local time.  A time repeated when clocks go back is
 * taken at its first (daylight) occurrence; a time skipped when they go
 * forward is read as standard time, so 02:30 on the spring day is 03:30 EDT.
 */
td_ns td_tz_to_utc(const td_tz *tz, int64_t local_days, td_ns local_tod)
{
	td_ns local = local_days * TD_NS_PER_DAY + local_tod;
	if (tz->us_dst) {
		int dst = tz->std_offset + 3600;
		td_ns guess = local - (td_ns)dst * TD_NS_PER_SEC;
		if (td_tz_offset(tz, guess) == dst)
			return guess;
	}
	return local - (td_ns)tz->std_offset * TD_NS_PER_SEC;
}

/* Write v as two digits at p. */
static void td_put2(char *p, int v)
{
	p[0] = (char)('0' + v / 10);
	p[1] = (char)('0' + v % 10);
}

/* Write the local time of day of t in tz as HH:MM:SS. */
void td_time_fmt_hms(const td_tz *tz, td_ns t, char buf[9])
{
	int64_t sec = td_floor_div(t, TD_NS_PER_SEC) + td_tz_offset(tz, t);
	int tod = (int)(sec - td_floor_div(sec, TD_SEC_PER_DAY) * TD_SEC_PER_DAY);
	td_put2(buf, tod / 3600);
	buf[2] = ':';
	td_put2(buf + 3, tod / 60 % 60);
	buf[5] = ':';
	td_put2(buf + 6, tod % 60);
	buf[8] = '\0';
}

/* Write t in UTC with nanoseconds. */
void td_time_fmt_iso(td_ns t, char *buf, size_t n)
{
	int64_t sec = td_floor_div(t, TD_NS_PER_SEC);
	int64_t ns = t % TD_NS_PER_SEC;  /* not t - sec * 1e9, which overflows near INT64_MIN */
	if (ns < 0)
		ns += TD_NS_PER_SEC;
	int64_t days = td_floor_div(sec, TD_SEC_PER_DAY);
	int tod = (int)(sec - days * TD_SEC_PER_DAY);
	int y, m, d;
	td_civil_from_days(days, &y, &m, &d);
	snprintf(buf, n, "%04d-%02d-%02dT%02d:%02d:%02d.%09lldZ", y, m, d, tod / 3600,
	         tod / 60 % 60, tod % 60, (long long)ns);
}
