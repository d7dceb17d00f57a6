/*
 * Session presets and the phase clock.
 *
 * A phase depends only on the local date and time of day in the preset's
 * zone: Saturday and Sunday are closed, and on weekdays the span containing
 * the time of day gives the phase (closed where no span covers it).  So the
 * phase can only change at a span edge or at local midnight, and the next
 * change is found by trying those instants in order, at most a few days ahead.
 *
 * XXX: the US overnight session is modelled per calendar day (00:00-04:00 and
 * 20:00-24:00, Monday to Friday).  The 24x5 venues that trade it actually open
 * Sunday 20:00 and close Friday 20:00 New York time, so this shows Sunday
 * evening closed and Friday evening as overnight.  Exchange holidays and
 * early closes are not modelled either.
 */
#include "session.h"

#include <string.h>

#define TD_HM(h, m) (((h) * 3600LL + (m) * 60LL) * TD_NS_PER_SEC)

static const td_session td_sessions[] = {
	{
		.name = "us",
		.description = "US equities, New York time: overnight to 04:00, pre-market "
		               "04:00-09:30, regular 09:30-16:00, post-market 16:00-20:00, "
		               "overnight from 20:00",
		.tz_name = "America/New_York",
		.spans = {
			{ TD_PHASE_OVERNIGHT, TD_HM(0, 0), TD_HM(4, 0) },
			{ TD_PHASE_PREMARKET, TD_HM(4, 0), TD_HM(9, 30) },
			{ TD_PHASE_REGULAR, TD_HM(9, 30), TD_HM(16, 0) },
			{ TD_PHASE_POSTMARKET, TD_HM(16, 0), TD_HM(20, 0) },
			{ TD_PHASE_OVERNIGHT, TD_HM(20, 0), TD_HM(24, 0) },
		},
		.nspans = 5,
		.open_tod = TD_HM(9, 30),
		.close_tod = TD_HM(16, 0),
		.rate = 0.040,
		.yield = 0.013,
	},
	{
		.name = "in",
		.description = "India (NSE/BSE), India time: pre-open 09:00-09:15, regular "
		               "09:15-15:30, post-close 15:30-16:00",
		.tz_name = "Asia/Kolkata",
		.spans = {
			{ TD_PHASE_PREMARKET, TD_HM(9, 0), TD_HM(9, 15) },
			{ TD_PHASE_REGULAR, TD_HM(9, 15), TD_HM(15, 30) },
			{ TD_PHASE_POSTMARKET, TD_HM(15, 30), TD_HM(16, 0) },
		},
		.nspans = 3,
		.open_tod = TD_HM(9, 15),
		.close_tod = TD_HM(15, 30),
		.rate = 0.065,
		.yield = 0.012,
	},
};

#define TD_NSESSIONS (sizeof td_sessions / sizeof td_sessions[0])

/* Days ahead to search for a change: covers a weekend with a day to spare. */
#define TD_SEARCH_DAYS 8

/* The preset with this name, or NULL. */
const td_session *td_session_find(const char *name)
{
	for (size_t i = 0; name && i < TD_NSESSIONS; i++)
		if (strcmp(td_sessions[i].name, name) == 0)
			return &td_sessions[i];
	return NULL;
}

/* Preset i, or NULL past the end. */
const td_session *td_session_at(size_t i)
{
	return i < TD_NSESSIONS ? &td_sessions[i] : NULL;
}

/* The zone a preset's times are in. */
const td_tz *td_session_tz(const td_session *s)
{
	return td_tz_find(s->tz_name);
}

/* The phase at a local date (days since the epoch) and time of day. */
static td_phase td_phase_local(const td_session *s, int64_t days, td_ns tod)
{
	int wd = td_weekday(days);
	if (wd == 0 || wd == 6)
		return TD_PHASE_CLOSED;
	for (size_t i = 0; i < s->nspans; i++)
		if (tod >= s->spans[i].start_tod && tod < s->spans[i].end_tod)
			return s->spans[i].phase;
	return TD_PHASE_CLOSED;
}

/* The local date (days since the epoch) of t in tz, and its time of day in *tod. */
static int64_t td_local_day(const td_tz *tz, td_ns t, td_ns *tod)
{
	td_ns local = t + (td_ns)td_tz_offset(tz, t) * TD_NS_PER_SEC;
	/* floor division, so instants before 1970 land on the right day */
	int64_t days = local / TD_NS_PER_DAY - (local % TD_NS_PER_DAY < 0);
	*tod = local - days * TD_NS_PER_DAY;
	return days;
}

/* The phase in force at UTC instant t. */
td_phase td_session_phase_at(const td_session *s, td_ns t)
{
	td_ns tod;
	int64_t days = td_local_day(td_session_tz(s), t, &tod);
	return td_phase_local(s, days, tod);
}

/*
 * The edges of a day in increasing order: midnight, then every span start and
 * end before the next midnight.  Returns how many were written to edges[].
 */
static size_t td_day_edges(const td_session *s, td_ns *edges)
{
	size_t n = 0;
	edges[n++] = 0;
	for (size_t i = 0; i < s->nspans; i++) {
		td_ns e[2] = { s->spans[i].start_tod, s->spans[i].end_tod };
		for (int k = 0; k < 2; k++) {
			if (e[k] <= 0 || e[k] >= TD_NS_PER_DAY)
				continue;
			size_t j = n++;
			for (; j > 0 && edges[j - 1] > e[k]; j--)
				edges[j] = edges[j - 1];
			edges[j] = e[k];
		}
	}
	return n;
}

/* The first edge after t whose phase differs from the phase at t. */
td_ns td_session_next_change(const td_session *s, td_ns t)
{
	const td_tz *tz = td_session_tz(s);
	td_ns edges[1 + 2 * TD_SESSION_MAX_SPANS];
	size_t nedges = td_day_edges(s, edges);
	td_ns tod;
	int64_t today = td_local_day(tz, t, &tod);
	td_phase now = td_phase_local(s, today, tod);

	/* start a day early: a DST shift can put today's first edges before t */
	for (int64_t d = today - 1; d <= today + TD_SEARCH_DAYS; d++) {
		for (size_t i = 0; i < nedges; i++) {
			td_ns at = td_tz_to_utc(tz, d, edges[i]);
			if (at > t && td_session_phase_at(s, at) != now)
				return at;
		}
	}
	return INT64_MAX;  /* a preset whose phase never changes */
}
