/*
 * Unit tests for src/core/session.c.  Instants are worked out by hand from the
 * zone offsets: New York is UTC-5 in winter and UTC-4 from 10 March to
 * 3 November 2024; Kolkata is UTC+5:30 all year.  2024-01-01 was a Monday.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/session.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Parse an ISO instant the test trusts (time.c has its own tests). */
static td_ns at(const char *iso)
{
	td_ns t = 0;
	const char *err = NULL;
	if (td_time_parse_iso(iso, &t, &err) != 0)
		fail_msg("'%s': %s", iso, err);
	return t;
}

/* The presets are listed, found by name, and in their zones. */
static void test_presets(void **state)
{
	(void)state;
	const td_session *us = td_session_find("us");
	const td_session *in = td_session_find("in");
	assert_non_null(us);
	assert_non_null(in);
	assert_ptr_equal(td_session_at(0), us);
	assert_ptr_equal(td_session_at(1), in);
	assert_null(td_session_at(2));
	assert_null(td_session_find("xx"));
	assert_null(td_session_find(NULL));
	assert_string_equal(td_tz_name(td_session_tz(us)), "America/New_York");
	assert_string_equal(td_tz_name(td_session_tz(in)), "Asia/Kolkata");
	assert_int_equal(us->open_tod, (9 * 3600 + 30 * 60) * TD_NS_PER_SEC);
	assert_int_equal(us->close_tod, 16 * 3600 * TD_NS_PER_SEC);
	assert_int_equal(in->open_tod, (9 * 3600 + 15 * 60) * TD_NS_PER_SEC);
	assert_int_equal(in->close_tod, (15 * 3600 + 30 * 60) * TD_NS_PER_SEC);

	for (size_t i = 0; td_session_at(i); i++) {
		const td_session *s = td_session_at(i);
		assert_non_null(s->description);
		assert_non_null(td_session_tz(s));
		assert_true(s->nspans <= TD_SESSION_MAX_SPANS);
		for (size_t k = 0; k < s->nspans; k++) {
			assert_true(s->spans[k].start_tod < s->spans[k].end_tod);
			if (k > 0)
				assert_true(s->spans[k - 1].end_tod <= s->spans[k].start_tod);
		}
	}
}

struct phase_case {
	const char *session;
	const char *utc;
	td_phase want;
};

/* Phases at and around every edge, on weekdays, weekends and both DST sides. */
static void test_phase_at(void **state)
{
	(void)state;
	static const struct phase_case cases[] = {
		/* Tuesday 2 January 2024, EST */
		{ "us", "2024-01-02T08:59:59Z", TD_PHASE_OVERNIGHT },  /* 03:59:59 */
		{ "us", "2024-01-02T09:00:00Z", TD_PHASE_PREMARKET },  /* 04:00 */
		{ "us", "2024-01-02T14:29:59Z", TD_PHASE_PREMARKET },  /* 09:29:59 */
		{ "us", "2024-01-02T14:30:00Z", TD_PHASE_REGULAR },    /* 09:30 */
		{ "us", "2024-01-02T20:59:59Z", TD_PHASE_REGULAR },    /* 15:59:59 */
		{ "us", "2024-01-02T21:00:00Z", TD_PHASE_POSTMARKET }, /* 16:00 */
		{ "us", "2024-01-03T00:59:59Z", TD_PHASE_POSTMARKET }, /* 19:59:59 */
		{ "us", "2024-01-03T01:00:00Z", TD_PHASE_OVERNIGHT },  /* 20:00 */
		{ "us", "2024-01-03T05:00:00Z", TD_PHASE_OVERNIGHT },  /* Wed 00:00 */
		/* Monday 1 July 2024, EDT */
		{ "us", "2024-07-01T13:29:59Z", TD_PHASE_PREMARKET },
		{ "us", "2024-07-01T13:30:00Z", TD_PHASE_REGULAR },
		{ "us", "2024-07-01T20:00:00Z", TD_PHASE_POSTMARKET },
		/* the weekend of 6-7 January 2024 */
		{ "us", "2024-01-06T01:00:00Z", TD_PHASE_OVERNIGHT },  /* Fri 20:00 */
		{ "us", "2024-01-06T04:59:59Z", TD_PHASE_OVERNIGHT },  /* Fri 23:59:59 */
		{ "us", "2024-01-06T05:00:00Z", TD_PHASE_CLOSED },     /* Sat 00:00 */
		{ "us", "2024-01-06T15:00:00Z", TD_PHASE_CLOSED },     /* Sat 10:00 */
		{ "us", "2024-01-08T02:00:00Z", TD_PHASE_CLOSED },     /* Sun 21:00 */
		{ "us", "2024-01-08T04:59:59Z", TD_PHASE_CLOSED },     /* Sun 23:59:59 */
		{ "us", "2024-01-08T05:00:00Z", TD_PHASE_OVERNIGHT },  /* Mon 00:00 */
		/* DST starts Sunday 10 March: Monday 11 March is on EDT */
		{ "us", "2024-03-08T14:30:00Z", TD_PHASE_REGULAR },    /* Fri 09:30 EST */
		{ "us", "2024-03-11T13:30:00Z", TD_PHASE_REGULAR },    /* Mon 09:30 EDT */
		{ "us", "2024-03-11T13:29:59Z", TD_PHASE_PREMARKET },
		/* India, Tuesday 2 January 2024 */
		{ "in", "2024-01-02T03:29:59Z", TD_PHASE_CLOSED },     /* 08:59:59 */
		{ "in", "2024-01-02T03:30:00Z", TD_PHASE_PREMARKET },  /* 09:00 */
		{ "in", "2024-01-02T03:45:00Z", TD_PHASE_REGULAR },    /* 09:15 */
		{ "in", "2024-01-02T09:59:59Z", TD_PHASE_REGULAR },    /* 15:29:59 */
		{ "in", "2024-01-02T10:00:00Z", TD_PHASE_POSTMARKET }, /* 15:30 */
		{ "in", "2024-01-02T10:30:00Z", TD_PHASE_CLOSED },     /* 16:00 */
		{ "in", "2024-01-01T20:00:00Z", TD_PHASE_CLOSED },     /* Tue 01:30 */
		/* Saturday 6 January 2024, 10:00 IST */
		{ "in", "2024-01-06T04:30:00Z", TD_PHASE_CLOSED },
		/* before 1970: Wednesday 31 December 1969 */
		{ "us", "1969-12-31T14:30:00Z", TD_PHASE_REGULAR },    /* Wed 09:30 EST */
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		const td_session *s = td_session_find(cases[i].session);
		td_phase got = td_session_phase_at(s, at(cases[i].utc));
		if (got != cases[i].want)
			fail_msg("%s %s: got %s, want %s", cases[i].session, cases[i].utc,
			         td_phase_name(got), td_phase_name(cases[i].want));
	}
}

struct next_case {
	const char *session;
	const char *from;
	const char *want;
};

/* The next change, across midnight, weekends and DST changes. */
static void test_next_change(void **state)
{
	(void)state;
	static const struct next_case cases[] = {
		{ "us", "2024-01-02T15:00:00Z", "2024-01-02T21:00:00Z" }, /* regular -> 16:00 */
		{ "us", "2024-01-02T14:29:59Z", "2024-01-02T14:30:00Z" },
		{ "us", "2024-01-02T14:30:00Z", "2024-01-02T21:00:00Z" }, /* strictly after t */
		{ "us", "2024-01-05T23:00:00Z", "2024-01-06T01:00:00Z" }, /* Fri post -> 20:00 */
		{ "us", "2024-01-06T01:00:00Z", "2024-01-06T05:00:00Z" }, /* Fri overnight -> Sat */
		{ "us", "2024-01-06T05:00:00Z", "2024-01-08T05:00:00Z" }, /* Sat -> Mon 00:00 */
		{ "us", "2024-01-07T23:59:59Z", "2024-01-08T05:00:00Z" },
		/* Monday 21:00 overnight runs through midnight to Tuesday 04:00 */
		{ "us", "2024-01-09T02:00:00Z", "2024-01-09T09:00:00Z" },
		/* the DST weekend: closed Saturday 00:00 EST until Monday 00:00 EDT */
		{ "us", "2024-03-09T05:00:00Z", "2024-03-11T04:00:00Z" },
		{ "us", "2024-03-11T04:00:00Z", "2024-03-11T08:00:00Z" },
		/* the end of DST: Saturday 00:00 EDT until Monday 00:00 EST */
		{ "us", "2024-11-02T04:00:00Z", "2024-11-04T05:00:00Z" },
		{ "us", "2024-11-04T05:00:00Z", "2024-11-04T09:00:00Z" },
		{ "in", "2024-01-02T03:00:00Z", "2024-01-02T03:30:00Z" },
		{ "in", "2024-01-02T03:30:00Z", "2024-01-02T03:45:00Z" },
		{ "in", "2024-01-05T10:00:00Z", "2024-01-05T10:30:00Z" }, /* Fri post -> 16:00 */
		{ "in", "2024-01-05T10:30:00Z", "2024-01-08T03:30:00Z" }, /* Fri 16:00 -> Mon 09:00 */
		{ "in", "2024-01-07T20:00:00Z", "2024-01-08T03:30:00Z" }, /* Mon 01:30 -> 09:00 */
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		const td_session *s = td_session_find(cases[i].session);
		td_ns got = td_session_next_change(s, at(cases[i].from));
		if (got != at(cases[i].want)) {
			char buf[31];
			td_time_fmt_iso(got, buf, sizeof buf);
			fail_msg("%s from %s: got %s, want %s", cases[i].session, cases[i].from, buf,
			         cases[i].want);
		}
	}
}

/*
 * Walk minute by minute: the phase must hold until the predicted change and
 * differ exactly there.  Returns the number of changes seen.
 */
static int walk(const td_session *s, td_ns from, td_ns to)
{
	td_phase p = td_session_phase_at(s, from);
	td_ns next = td_session_next_change(s, from);
	int changes = 0;
	for (td_ns u = from + TD_NS_PER_MIN; u < to; u += TD_NS_PER_MIN) {
		td_phase q = td_session_phase_at(s, u);
		if (u < next) {
			assert_int_equal(q, p);
			continue;
		}
		assert_int_equal(u, next);
		assert_int_not_equal(q, p);
		assert_int_equal(td_session_phase_at(s, u - 1), p);
		p = q;
		next = td_session_next_change(s, u);
		changes++;
	}
	return changes;
}

/*
 * One week, Sunday noon to Sunday noon.  US: Monday has 5 changes (midnight,
 * 04:00, 09:30, 16:00, 20:00), Tuesday to Thursday 4, Friday 4 plus Saturday
 * midnight: 22.  India: 4 a weekday: 20.
 */
static void test_walk_week(void **state)
{
	(void)state;
	assert_int_equal(walk(td_session_find("us"), at("2024-01-07T12:00:00Z"),
	                      at("2024-01-14T12:00:00Z")), 22);
	assert_int_equal(walk(td_session_find("in"), at("2024-01-07T12:00:00Z"),
	                      at("2024-01-14T12:00:00Z")), 20);
	/* the weeks that contain the 2024 DST changes */
	assert_int_equal(walk(td_session_find("us"), at("2024-03-10T12:00:00Z"),
	                      at("2024-03-17T12:00:00Z")), 22);
	assert_int_equal(walk(td_session_find("us"), at("2024-11-03T12:00:00Z"),
	                      at("2024-11-10T12:00:00Z")), 22);
}

/* Phase names, and event type names while here. */
static void test_names(void **state)
{
	(void)state;
	assert_string_equal(td_phase_name(TD_PHASE_CLOSED), "closed");
	assert_string_equal(td_phase_name(TD_PHASE_OVERNIGHT), "overnight");
	assert_string_equal(td_phase_name(TD_PHASE_PREMARKET), "pre-market");
	assert_string_equal(td_phase_name(TD_PHASE_REGULAR), "regular");
	assert_string_equal(td_phase_name(TD_PHASE_POSTMARKET), "post-market");
	assert_string_equal(td_phase_name(TD_PHASE_COUNT), "?");
	assert_string_equal(td_ev_type_name(TD_EV_NONE), "none");
	assert_string_equal(td_ev_type_name(TD_EV_TRADE), "trade");
	assert_string_equal(td_ev_type_name(TD_EV_QUOTE), "quote");
	assert_string_equal(td_ev_type_name(TD_EV_LEVEL), "level");
	assert_string_equal(td_ev_type_name(TD_EV_OPTQ), "optq");
	assert_string_equal(td_ev_type_name(TD_EV_STATUS), "status");
	assert_string_equal(td_ev_type_name(TD_EV_TYPE_COUNT), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_presets),
		cmocka_unit_test(test_phase_at),
		cmocka_unit_test(test_next_change),
		cmocka_unit_test(test_walk_week),
		cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
