/*
 * Holiday calendars: reading holidays.conf and the day arithmetic on it.
 *
 * The file is INI, read by td_config_read_ini, which hands each
 * "DATE = closed NAME" or "DATE = early HH:MM NAME" line to td_cal_line
 * with its section and turns a refusal into "FILE:LINE: why".  Each market
 * keeps its dates in one array, sorted once loaded, so a lookup is a binary
 * search.  The loader refuses weekend dates, so every listed closure is a
 * weekday and business days can be counted as weekdays less closures.
 */
#include "core/calendar.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/config.h"
#include "core/session.h"
#include "core/text.h"

/* The markets a file may list, with their zones as messages name them; each is a session preset. */
static const struct {
	const char *name, *zone;
} td_cal_markets[] = {
	{ "us", "ET" },
	{ "in", "IST" },
};

#define TD_CAL_NMARKETS (sizeof td_cal_markets / sizeof td_cal_markets[0])

typedef struct td_cal_entry {
	int64_t day;
	td_ns close_tod;              /* the early close; 0 = closed all day */
	char name[TD_CAL_NAME_MAX];
} td_cal_entry;

typedef struct td_cal_market {
	size_t n, cap;
	td_cal_entry *e;              /* sorted by day once loaded */
} td_cal_market;

struct td_calendar {
	td_cal_market m[TD_CAL_NMARKETS];
	char path[PATH_MAX];          /* "" = no file */
};

static int td_cal_market_index(const char *market)
{
	for (size_t i = 0; market && i < TD_CAL_NMARKETS; i++)
		if (strcmp(td_cal_markets[i].name, market) == 0)
			return (int)i;
	return -1;
}

static const td_cal_market *td_cal_market_of(const td_calendar *cal, const char *market)
{
	int i = td_cal_market_index(market);
	return cal && i >= 0 ? &cal->m[i] : NULL;
}

/* The first entry on or after day (m->n when none). */
static size_t td_cal_lower_bound(const td_cal_market *m, int64_t day)
{
	size_t lo = 0, hi = m->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (m->e[mid].day < day)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static const td_cal_entry *td_cal_find(const td_cal_market *m, int64_t day)
{
	if (!m)
		return NULL;
	size_t i = td_cal_lower_bound(m, day);
	return i < m->n && m->e[i].day == day ? &m->e[i] : NULL;
}

static bool td_cal_weekend(int64_t day)
{
	int wd = td_weekday(day);
	return wd == 0 || wd == 6;
}

/* ---- reading ------------------------------------------------------------------ */

static void td_cal_fmt_hm(td_ns tod, char buf[8])
{
	long long min = (long long)(tod / TD_NS_PER_MIN);
	snprintf(buf, 8, "%02lld:%02lld", min / 60 % 100, min % 60);
}

/* "early HH:MM NAME": the time must fall inside the market's regular session. */
static int td_cal_parse_early(const char *market, char *rest, td_ns *tod, const char **name, char *why,
			      size_t whylen)
{
	const td_session *s = td_session_find(market);
	const char *e;
	char open[8], close[8];

	rest += strspn(rest, " \t");
	size_t len = strcspn(rest, " \t");
	if (len == 0)
		return td_errf(why, whylen, "no time after 'early': expected 'early HH:MM NAME'");
	char saved = rest[len];
	rest[len] = '\0';
	if (td_time_parse_hms(rest, tod, &e) < 0)
		return td_errf(why, whylen, "bad early close time '%s': %s", rest, e);
	if (s && (*tod <= s->open_tod || *tod >= s->close_tod)) {
		td_cal_fmt_hm(s->open_tod, open);
		td_cal_fmt_hm(s->close_tod, close);
		return td_errf(why, whylen, "early close %s is not inside the regular session %s-%s of %s", rest, open,
			       close, market);
	}
	rest[len] = saved;
	*name = rest + len;
	return 0;
}

/* The value of a date line: its kind, early close and name. */
static int td_cal_parse_value(const char *market, const char *value, td_cal_entry *out, char *why, size_t whylen)
{
	char buf[256];
	const char *name = "";

	if (td_strlcpy(buf, value, sizeof buf) >= sizeof buf)
		return td_errf(why, whylen, "line too long");
	size_t len = strcspn(buf, " \t");
	char *rest = buf + len + (buf[len] != '\0');
	buf[len] = '\0';
	out->close_tod = 0;
	if (strcmp(buf, "closed") == 0) {
		name = rest;
	} else if (strcmp(buf, "early") == 0) {
		if (td_cal_parse_early(market, rest, &out->close_tod, &name, why, whylen) < 0)
			return -1;
	} else {
		return td_errf(why, whylen, "expected 'closed NAME' or 'early HH:MM NAME', not '%s'", value);
	}
	name += strspn(name, " \t");
	if (*name == '\0')
		return td_errf(why, whylen, "no name after '%s': say which holiday it is", buf);
	if (strlen(name) >= TD_CAL_NAME_MAX)
		return td_errf(why, whylen, "name '%s' is too long (at most %d characters)", name, TD_CAL_NAME_MAX - 1);
	td_text_sanitize(out->name, sizeof out->name, name);
	return 0;
}

static int td_cal_add(td_cal_market *m, const td_cal_entry *e)
{
	if (m->n == m->cap) {
		size_t cap = m->cap ? 2 * m->cap : 32;
		td_cal_entry *n = realloc(m->e, cap * sizeof *n);
		if (!n)
			return -1;
		m->e = n;
		m->cap = cap;
	}
	m->e[m->n++] = *e;
	return 0;
}

/* td_config_ini_fn: one "DATE = ..." line of a holidays file. */
static int td_cal_line(void *user, const char *section, const char *key, const char *value, char *why,
		       size_t whylen)
{
	static const char *const weekday[] = { "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
					       "Saturday" };
	td_calendar *cal = user;
	td_cal_entry e;
	const char *bad;

	if (*section == '\0')
		return td_errf(why, whylen, "'%s' is outside a market section such as [us]", key);
	int mi = td_cal_market_index(section);
	if (mi < 0)
		return td_errf(why, whylen, "unknown market '%s': expected us or in", section);
	if (td_date_parse(key, &e.day, &bad) < 0)
		return td_errf(why, whylen, "bad date '%s': %s (expected YYYY-MM-DD)", key, bad);
	if (td_cal_weekend(e.day))
		return td_errf(why, whylen, "%s is a %s: the market is closed then anyway", key,
			       weekday[td_weekday(e.day)]);
	for (size_t i = 0; i < cal->m[mi].n; i++)
		if (cal->m[mi].e[i].day == e.day)
			return td_errf(why, whylen, "%s is listed twice in [%s]", key, section);
	if (td_cal_parse_value(section, value, &e, why, whylen) < 0)
		return -1;
	return td_cal_add(&cal->m[mi], &e) == 0 ? 0 : td_errf(why, whylen, "out of memory");
}

static int td_cal_entry_cmp(const void *a, const void *b)
{
	const td_cal_entry *x = a, *y = b;
	return (x->day > y->day) - (x->day < y->day);
}

void td_calendar_free(td_calendar *cal)
{
	if (!cal)
		return;
	for (size_t i = 0; i < TD_CAL_NMARKETS; i++)
		free(cal->m[i].e);
	free(cal);
}

td_calendar *td_calendar_load(const char *path, char *err, size_t errlen)
{
	struct stat st;

	if (stat(path, &st) != 0) {
		int e = errno;
		td_errf(err, errlen, "cannot open '%s': %s", path, strerror(e));
		errno = e;
		return NULL;
	}
	td_calendar *cal = calloc(1, sizeof *cal);
	if (!cal) {
		td_errf(err, errlen, "out of memory loading '%s'", path);
		errno = ENOMEM;
		return NULL;
	}
	int rc = td_config_read_ini(path, td_cal_line, cal, err, errlen);
	if (rc != 0) {
		td_calendar_free(cal);
		errno = rc == -2 ? EACCES : EINVAL;
		return NULL;
	}
	for (size_t i = 0; i < TD_CAL_NMARKETS; i++)
		if (cal->m[i].n)
			qsort(cal->m[i].e, cal->m[i].n, sizeof cal->m[i].e[0], td_cal_entry_cmp);
	td_strlcpy(cal->path, path, sizeof cal->path);
	return cal;
}

/* ---- finding the file ------------------------------------------------------------ */

int td_calendar_locate(char *path, size_t n)
{
	return td_config_locate_data("holidays.conf", path, n);
}

td_calendar *td_calendar_open(char *err, size_t errlen)
{
	char path[PATH_MAX];

	if (td_calendar_locate(path, sizeof path) == 0)
		return td_calendar_load(path, err, errlen);
	td_calendar *cal = calloc(1, sizeof *cal);
	if (!cal)
		td_errf(err, errlen, "out of memory");
	return cal;
}

const char *td_calendar_source(const td_calendar *cal)
{
	return cal ? cal->path : "";
}

/* The calendar year of a date. */
static int td_cal_year(int64_t day)
{
	int y, m, d;
	td_civil_from_days(day, &y, &m, &d);
	return y;
}

void td_calendar_describe(const td_calendar *cal, char *buf, size_t n)
{
	if (!cal || !cal->path[0]) {
		snprintf(buf, n, "holidays: no holidays.conf found: only weekends are closed");
		return;
	}
	size_t len = (size_t)snprintf(buf, n, "holidays: %s (", cal->path);
	const char *sep = "";
	for (size_t i = 0; i < TD_CAL_NMARKETS && len < n; i++) {
		const td_cal_market *m = &cal->m[i];
		if (!m->n)
			continue;
		int a = td_cal_year(m->e[0].day), b = td_cal_year(m->e[m->n - 1].day);
		len += (size_t)(a == b ? snprintf(buf + len, n - len, "%s%s %d", sep, td_cal_markets[i].name, a)
				       : snprintf(buf + len, n - len, "%s%s %d-%d", sep, td_cal_markets[i].name, a, b));
		sep = ", ";
	}
	if (len < n)
		snprintf(buf + len, n - len, "%s)", *sep ? "" : "no dates");
}

/* ---- lookups ---------------------------------------------------------------------- */

/* Whether the market's list has any date in the year of day. */
static bool td_cal_year_known(const td_cal_market *m, int64_t day)
{
	if (!m)
		return false;
	int y = td_cal_year(day);
	size_t i = td_cal_lower_bound(m, td_days_from_civil(y, 1, 1));
	return i < m->n && m->e[i].day < td_days_from_civil(y + 1, 1, 1);
}

td_cal_kind td_calendar_lookup(const td_calendar *cal, const char *market, int64_t day, td_cal_day *info)
{
	static const char *const weekend[] = { "Sunday", "Saturday" };
	const td_cal_market *m = td_cal_market_of(cal, market);
	const td_cal_entry *e = td_cal_find(m, day);
	int mi = td_cal_market_index(market);

	*info = (td_cal_day){ .kind = TD_CAL_OPEN, .name = "", .zone = mi >= 0 ? td_cal_markets[mi].zone : "",
			      .known = td_cal_year_known(m, day) };
	if (td_cal_weekend(day)) {
		info->kind = TD_CAL_WEEKEND;
		info->name = weekend[td_weekday(day) == 6];
	} else if (e) {
		info->kind = e->close_tod ? TD_CAL_EARLY : TD_CAL_HOLIDAY;
		info->name = e->name;
		info->close_tod = e->close_tod;
	}
	return info->kind;
}

td_cal_kind td_calendar_day(const td_calendar *cal, const char *market, int y, int m, int d, td_cal_day *info)
{
	return td_calendar_lookup(cal, market, td_days_from_civil(y, m, d), info);
}

void td_calendar_now(const td_calendar *cal, const char *market, td_ns t, td_cal_now *out)
{
	const td_session *s = td_session_find(market);
	const td_tz *tz = s ? td_session_tz(s) : td_tz_find("UTC");
	td_ns local = t + (td_ns)td_tz_offset(tz, t) * TD_NS_PER_SEC;

	out->now = t;
	out->day = local / TD_NS_PER_DAY - (local % TD_NS_PER_DAY < 0);
	out->tod = local - out->day * TD_NS_PER_DAY;
	td_calendar_lookup(cal, market, out->day, &out->today);
}

bool td_calendar_trades(const td_calendar *cal, const char *market, int64_t day)
{
	td_cal_day info;
	td_cal_kind k = td_calendar_lookup(cal, market, day, &info);
	return k == TD_CAL_OPEN || k == TD_CAL_EARLY;
}

int64_t td_calendar_prev_trading_day(const td_calendar *cal, const char *market, int64_t day)
{
	int64_t d = day - 1;
	while (!td_calendar_trades(cal, market, d))
		d--;
	return d;
}

/* Weekdays among the days [0, x), negated for x < 0: 5 a week, plus those of the part week from a Thursday. */
static int64_t td_cal_weekdays_before(int64_t x)
{
	int64_t q = x / 7 - (x % 7 < 0), r = x - 7 * q, count = 5 * q;
	for (int64_t d = 0; d < r; d++)
		count += !td_cal_weekend(d);
	return count;
}

int64_t td_calendar_business_days(const td_calendar *cal, const char *market, int64_t from, int64_t to)
{
	if (to < from)
		return -td_calendar_business_days(cal, market, to, from);
	int64_t count = td_cal_weekdays_before(to + 1) - td_cal_weekdays_before(from + 1);
	const td_cal_market *m = td_cal_market_of(cal, market);
	for (size_t i = m ? td_cal_lower_bound(m, from + 1) : 0; m && i < m->n && m->e[i].day <= to; i++)
		count -= m->e[i].close_tod == 0;
	return count;
}
