/*
 * Unit tests for src/analytics/tpo.c.  Days are built period by period on
 * the "us" preset: 2024-01-03 is a Wednesday and New York is UTC-5 in
 * January, so the 09:30 open is 14:30Z and period p starts p * 30 minutes
 * later (A 14:30Z, B 15:00Z, ... M 20:30Z, close 21:00Z).  Each expected
 * count, value area and classification is worked out in the comment above
 * it from the definitions in tpo.h (reference §3.2-3.6).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "analytics/tpo.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define MIN TD_NS_PER_MIN

/* Parse an ISO instant the test trusts (time.c has its own tests). */
static td_ns at(const char *iso)
{
	td_ns t = 0;
	const char *err = NULL;
	if (td_time_parse_iso(iso, &t, &err) != 0)
		fail_msg("'%s': %s", iso, err);
	return t;
}

/* A TPO profile on the "us" preset with default rules. */
static td_tpo *new_tpo(size_t max_days, td_ticks row_ticks)
{
	td_tpo_params pp = td_tpo_params_default(td_session_find("us"));
	pp.max_days = max_days;
	pp.row_ticks = row_ticks;
	char err[128];
	td_tpo *t = td_tpo_new(&pp, err, sizeof(err));
	if (!t)
		fail_msg("%s", err);
	return t;
}

/* Trade px at an instant. */
static void trade(td_tpo *t, td_ns ts, td_ticks px)
{
	td_trade tr = { ts, px, 1, 0 };
	td_tpo_add(t, &tr);
}

/* Trade the prices of px[] in order, one a minute, in period p of the day opening at open. */
static void period(td_tpo *t, td_ns open, unsigned p, const td_ticks *px, size_t n)
{
	for (size_t i = 0; i < n; i++)
		trade(t, open + (td_ns)p * 30 * MIN + (td_ns)i * MIN, px[i]);
}

#define PERIOD(t, open, p, ...) \
	period((t), (open), (p), (const td_ticks[]){ __VA_ARGS__ }, sizeof((td_ticks[]){ __VA_ARGS__ }) / sizeof(td_ticks))

/* Stats of the latest day. */
static td_tpo_stats latest(const td_tpo *t)
{
	td_tpo_stats st;
	assert_true(td_tpo_days(t) > 0);
	assert_int_equal(td_tpo_day_stats(t, td_tpo_days(t) - 1, &st), 0);
	return st;
}

/* Letters: A..Z, then a..z, then nothing. */
static void test_letters(void **state)
{
	(void)state;
	assert_int_equal(td_tpo_letter(0), 'A');
	assert_int_equal(td_tpo_letter(25), 'Z');
	assert_int_equal(td_tpo_letter(26), 'a');
	assert_int_equal(td_tpo_letter(51), 'z');
	assert_int_equal(td_tpo_letter(52), '?');
	assert_string_equal(td_tpo_open_name(TD_OPEN_TEST_DRIVE), "open-test-drive");
	assert_string_equal(td_tpo_daytype_name(TD_DAY_DOUBLE_DISTRIBUTION), "double distribution");
}

/* 6.5 hours hold 52 periods of 7.5 minutes but not 56 of 7 minutes. */
static void test_params(void **state)
{
	(void)state;
	td_tpo_params pp = td_tpo_params_default(td_session_find("us"));
	char err[128];
	pp.period_ns = 7 * MIN + 30 * TD_NS_PER_SEC;
	td_tpo *t = td_tpo_new(&pp, err, sizeof(err));
	assert_non_null(t);
	td_tpo_free(t);
	pp.period_ns = 7 * MIN;
	assert_null(td_tpo_new(&pp, err, sizeof(err)));
	pp = td_tpo_params_default(NULL);
	assert_null(td_tpo_new(&pp, err, sizeof(err)));
	pp = td_tpo_params_default(td_session_find("us"));
	pp.va_pct = 0;
	assert_null(td_tpo_new(&pp, err, sizeof(err)));
}

/*
 * A 100..104 (open 100, then 104), B 102..106, C 105..107.  Counts:
 * 100 A, 101 A, 102-104 AB, 105-106 BC, 107 C: 1 1 2 2 2 2 2 1, 13 TPOs.
 * POC: rows 102..106 tie at 2; the middle of 100..107 is 103.5, so 103 and
 * 104 are both half a row away; below the middle 1+1+2+2 = 6, above
 * 2+2+2+1 = 7: POC 104.  VA target 9.1: pairs 105-106 (4) and 103-102 (4)
 * tie, up goes first (6); then 107 alone (1) against 103-102 (4): down, 10.
 * IB = A+B = 100..106; C reaches 107: extension up 1 in period 2.
 * Open: O = L = 100, C = H = 104: open-drive up.  Day: IB 6 of range 7,
 * 600 >= 85 * 7 = 595: normal.  Tails: top 1 row (neither excess nor
 * poor), bottom 2 rows (excess at 2).
 */
static void test_day_profile(void **state)
{
	(void)state;
	td_tpo *t = new_tpo(5, 1);
	td_ns open = at("2024-01-03T14:30:00Z");
	PERIOD(t, open, 0, 100, 104);
	PERIOD(t, open, 1, 102, 106);
	PERIOD(t, open, 2, 105, 107);
	td_ticks lo;
	uint64_t masks[16];
	assert_int_equal(td_tpo_marks(t, 0, &lo, masks, 0), 8);
	assert_int_equal(td_tpo_marks(t, 0, &lo, masks, 16), 8);
	assert_int_equal(lo, 100);
	assert_int_equal(masks[0], 1);
	assert_int_equal(masks[2], 3);
	assert_int_equal(masks[5], 6);
	assert_int_equal(masks[7], 4);

	td_tpo_stats st = latest(t);
	assert_int_equal(st.date, td_days_from_civil(2024, 1, 3));
	assert_int_equal(st.nperiods, 3);
	assert_int_equal(st.open, 100);
	assert_int_equal(st.high, 107);
	assert_int_equal(st.low, 100);
	assert_int_equal(st.close, 107);
	assert_int_equal(st.tpos, 13);
	assert_int_equal(st.poc, 104);
	assert_int_equal(st.vah, 106);
	assert_int_equal(st.val, 102);
	assert_int_equal(st.va_tpos, 10);
	assert_int_equal(st.ib_high, 106);
	assert_int_equal(st.ib_low, 100);
	assert_true(st.ib_done);
	assert_int_equal(st.ext_up, 1);
	assert_int_equal(st.ext_up_period, 2);
	assert_int_equal(st.ext_down, 0);
	assert_int_equal(st.ext_down_period, -1);
	assert_int_equal(st.top_tail, 1);
	assert_int_equal(st.bottom_tail, 2);
	assert_false(st.excess_high);
	assert_false(st.poor_high);
	assert_true(st.excess_low);
	assert_false(st.poor_low);
	assert_int_equal(st.open_type, TD_OPEN_DRIVE);
	assert_int_equal(st.open_dir, 1);
	assert_int_equal(st.day_type, TD_DAY_NORMAL);
	td_tpo_run run[4];
	assert_int_equal(td_tpo_singles(t, 0, run, 4), 0);
	assert_int_equal(td_tpo_days(t), 1);
	assert_int_equal(td_tpo_day_stats(t, 1, &st), -1);
	td_tpo_free(t);
}

/* Only A and B: the open type is judged (B traded) but the day type waits; only A: both wait. */
static void test_pending(void **state)
{
	(void)state;
	td_tpo *t = new_tpo(5, 1);
	td_ns open = at("2024-01-03T14:30:00Z");
	PERIOD(t, open, 0, 100, 104);
	td_tpo_stats st = latest(t);
	assert_int_equal(st.open_type, TD_OPEN_PENDING);
	assert_int_equal(st.day_type, TD_DAY_PENDING);
	assert_int_equal(st.top_tail, 0);  /* one period: no tails */
	td_tpo_run run[4];
	assert_int_equal(td_tpo_singles(t, 0, run, 4), 0);
	PERIOD(t, open, 1, 102);
	st = latest(t);
	assert_int_equal(st.open_type, TD_OPEN_DRIVE);
	assert_int_equal(st.day_type, TD_DAY_PENDING);
	assert_false(st.ib_done);
	td_tpo_free(t);
}

/* The opening type of a day whose period A trades px[] and B trades once at 100. */
static td_tpo_open open_of(const td_ticks *px, size_t n, int *dir)
{
	td_tpo *t = new_tpo(5, 1);
	td_ns open = at("2024-01-03T14:30:00Z");
	period(t, open, 0, px, n);
	PERIOD(t, open, 1, 100);
	td_tpo_stats st = latest(t);
	td_tpo_free(t);
	*dir = st.open_dir;
	return st.open_type;
}

#define OPEN_OF(dir, ...) \
	open_of((const td_ticks[]){ __VA_ARGS__ }, sizeof((td_ticks[]){ __VA_ARGS__ }) / sizeof(td_ticks), (dir))

/*
 * Constructed openings, R = H - L of period A, tolerances 10/30/75 %:
 *  100 101 105 110: O = L, C - L = 10 of 10 -> drive up
 *  101 100 110: O - L = 1 = 10 % exactly -> still a drive
 *  110 108 100 101: H - O = 0, H - C = 9 >= 7.5 -> drive down
 *  103 100 110 109: O - L = 3 = 30 % (test), low first, C - L = 9 -> test-drive up
 *  104 100 120 115: O - L = 4 = 20 % of 20, C - L = 15 = 75 % exactly -> test-drive
 *  104 100 120 114: C - L = 14 < 15 -> no drive; the test is too shallow
 *      for a rejection, and down H - O = 16 came after the low -> auction
 *  106 100 110 108: O - L = 6 > 30 %, low first, C > O -> rejection-reverse up
 *  100 106 96 98:   up: low after high; down: H - O = 6 > 30 %, high first,
 *      C < O -> rejection-reverse down
 *  100 103 97 101:  both probes 3 of 6 = 50 %; up: low after high; down:
 *      C > O -> auction
 *  100 100: R = 0 -> auction
 */
static void test_open_types(void **state)
{
	(void)state;
	int dir;
	assert_int_equal(OPEN_OF(&dir, 100, 101, 105, 110), TD_OPEN_DRIVE);
	assert_int_equal(dir, 1);
	assert_int_equal(OPEN_OF(&dir, 101, 100, 110), TD_OPEN_DRIVE);
	assert_int_equal(dir, 1);
	assert_int_equal(OPEN_OF(&dir, 110, 108, 100, 101), TD_OPEN_DRIVE);
	assert_int_equal(dir, -1);
	assert_int_equal(OPEN_OF(&dir, 103, 100, 110, 109), TD_OPEN_TEST_DRIVE);
	assert_int_equal(dir, 1);
	assert_int_equal(OPEN_OF(&dir, 104, 100, 120, 115), TD_OPEN_TEST_DRIVE);
	assert_int_equal(OPEN_OF(&dir, 104, 100, 120, 114), TD_OPEN_AUCTION);
	assert_int_equal(dir, 0);
	assert_int_equal(OPEN_OF(&dir, 106, 100, 110, 108), TD_OPEN_REJECTION_REVERSE);
	assert_int_equal(dir, 1);
	assert_int_equal(OPEN_OF(&dir, 100, 106, 96, 98), TD_OPEN_REJECTION_REVERSE);
	assert_int_equal(dir, -1);
	assert_int_equal(OPEN_OF(&dir, 100, 103, 97, 101), TD_OPEN_AUCTION);
	assert_int_equal(OPEN_OF(&dir, 100, 100), TD_OPEN_AUCTION);
}

/* A 100..110, B 102..108, C 111..112, D 97..99: extension both sides -> neutral. */
static void test_neutral(void **state)
{
	(void)state;
	td_tpo *t = new_tpo(5, 1);
	td_ns open = at("2024-01-03T14:30:00Z");
	PERIOD(t, open, 0, 100, 110);
	PERIOD(t, open, 1, 102, 108);
	PERIOD(t, open, 2, 111, 112);
	PERIOD(t, open, 3, 99, 97);
	td_tpo_stats st = latest(t);
	assert_int_equal(st.ext_up, 2);
	assert_int_equal(st.ext_down, 3);
	assert_int_equal(st.ext_down_period, 3);
	assert_int_equal(st.day_type, TD_DAY_NEUTRAL);
	td_tpo_free(t);
}

/*
 * A 100..104, B 103..106 (IB 100..106, 6 ticks), C 107..110, D 110..113,
 * last 113.  Counts 100-102: 1, 103-104: 2, 105-109: 1, 110: 2, 111-113: 1.
 * The singles 105..109 have 2-TPO rows at most on either side, so no double
 * distribution; extension 7 >= 100 % of 6 and the close is above the IB:
 * trend.  Tails of 3 rows at both ends: excess high and low.
 */
static void test_trend(void **state)
{
	(void)state;
	td_tpo *t = new_tpo(5, 1);
	td_ns open = at("2024-01-03T14:30:00Z");
	PERIOD(t, open, 0, 100, 104);
	PERIOD(t, open, 1, 103, 106);
	PERIOD(t, open, 2, 107, 110);
	PERIOD(t, open, 3, 110, 113);
	td_tpo_stats st = latest(t);
	assert_int_equal(st.ext_up, 7);
	assert_int_equal(st.day_type, TD_DAY_TREND);
	assert_int_equal(st.top_tail, 3);
	assert_int_equal(st.bottom_tail, 3);
	assert_true(st.excess_high);
	assert_true(st.excess_low);
	assert_false(st.poor_high);
	td_tpo_run run[4];
	assert_int_equal(td_tpo_singles(t, 0, run, 4), 1);
	assert_int_equal(run[0].lo, 105);
	assert_int_equal(run[0].hi, 109);
	/* back to 105 inside the IB before the close: range 13, IB 6 < 85 %: normal variation */
	PERIOD(t, open, 4, 105);
	st = latest(t);
	assert_int_equal(st.day_type, TD_DAY_NORMAL_VARIATION);
	td_tpo_free(t);
}

/*
 * Trend boundary: A 100..104, B 103..106, C 107..110, D 109..112: extension
 * exactly 6 = 100 % of the IB: trend.  D 108..111 instead: extension 5, IB 6
 * of range 11 is below 85 %: normal variation.
 */
static void test_trend_boundary(void **state)
{
	(void)state;
	td_ns open = at("2024-01-03T14:30:00Z");
	td_tpo *t = new_tpo(5, 1);
	PERIOD(t, open, 0, 100, 104);
	PERIOD(t, open, 1, 103, 106);
	PERIOD(t, open, 2, 107, 110);
	PERIOD(t, open, 3, 109, 112);
	assert_int_equal(latest(t).day_type, TD_DAY_TREND);
	td_tpo_free(t);
	t = new_tpo(5, 1);
	PERIOD(t, open, 0, 100, 104);
	PERIOD(t, open, 1, 103, 106);
	PERIOD(t, open, 2, 107, 110);
	PERIOD(t, open, 3, 108, 111);
	assert_int_equal(latest(t).ext_up, 5);
	assert_int_equal(latest(t).day_type, TD_DAY_NORMAL_VARIATION);
	td_tpo_free(t);
}

/*
 * A and B 100..104, C 101..103: 100 2, 101-103 3, 104 2.  D 105..112 alone,
 * then E, F 110..112 and G 111..112: 105-109 1, 110 3, 111-112 4.  29 TPOs;
 * 13 below the singles 105..109 and 11 above, both >= 20 % (5.8), with rows
 * of 3 and 4: double distribution.  Both extremes are 2+ TPOs: poor.
 */
static void test_double_distribution(void **state)
{
	(void)state;
	td_tpo *t = new_tpo(5, 1);
	td_ns open = at("2024-01-03T14:30:00Z");
	PERIOD(t, open, 0, 100, 104);
	PERIOD(t, open, 1, 100, 104);
	PERIOD(t, open, 2, 101, 103);
	PERIOD(t, open, 3, 105, 112);
	PERIOD(t, open, 4, 110, 112);
	PERIOD(t, open, 5, 112, 110);
	PERIOD(t, open, 6, 111, 112);
	td_tpo_stats st = latest(t);
	assert_int_equal(st.tpos, 29);
	assert_int_equal(st.day_type, TD_DAY_DOUBLE_DISTRIBUTION);
	assert_true(st.poor_high);
	assert_true(st.poor_low);
	assert_int_equal(st.top_tail, 0);
	td_tpo_run run[4];
	assert_int_equal(td_tpo_singles(t, 0, run, 4), 1);
	assert_int_equal(run[0].lo, 105);
	assert_int_equal(run[0].hi, 109);
	td_tpo_free(t);
}

/*
 * Normal at the 85 % line: A, B 100..117 (IB 17), C 117..120: range 20,
 * 1700 >= 85 * 20 = 1700: normal (extension 3 is far from a trend).  C to
 * 121: range 21, 1700 < 1785: normal variation.
 */
static void test_normal_boundary(void **state)
{
	(void)state;
	td_ns open = at("2024-01-03T14:30:00Z");
	td_tpo *t = new_tpo(5, 1);
	PERIOD(t, open, 0, 100, 117);
	PERIOD(t, open, 1, 117, 100);
	PERIOD(t, open, 2, 117, 120);
	assert_int_equal(latest(t).day_type, TD_DAY_NORMAL);
	assert_int_equal(latest(t).top_tail, 3);
	td_tpo_free(t);
	t = new_tpo(5, 1);
	PERIOD(t, open, 0, 100, 117);
	PERIOD(t, open, 1, 117, 100);
	PERIOD(t, open, 2, 117, 121);
	assert_int_equal(latest(t).day_type, TD_DAY_NORMAL_VARIATION);
	td_tpo_free(t);
}

/*
 * Non-trend needs history: Wednesday trades 100..120 in A, B, C (range 20).
 * Thursday A, B 100..104, C 101..103: IB 4 is the whole range (normal rule)
 * and 4 < 50 % of 20: non-trend.  An IB of 10 is not below 10: normal.
 */
static void test_non_trend(void **state)
{
	(void)state;
	td_ns wed = at("2024-01-03T14:30:00Z"), thu = at("2024-01-04T14:30:00Z");
	td_tpo *t = new_tpo(5, 1);
	for (unsigned p = 0; p < 3; p++)
		PERIOD(t, wed, p, 100, 120);
	PERIOD(t, thu, 0, 100, 104);
	PERIOD(t, thu, 1, 100, 104);
	PERIOD(t, thu, 2, 101, 103);
	assert_int_equal(td_tpo_days(t), 2);
	assert_int_equal(latest(t).day_type, TD_DAY_NON_TREND);
	assert_int_equal(latest(t).date, td_days_from_civil(2024, 1, 4));
	td_tpo_free(t);
	t = new_tpo(5, 1);
	for (unsigned p = 0; p < 3; p++)
		PERIOD(t, wed, p, 100, 120);
	PERIOD(t, thu, 0, 100, 110);
	PERIOD(t, thu, 1, 100, 110);
	PERIOD(t, thu, 2, 101, 103);
	assert_int_equal(latest(t).day_type, TD_DAY_NORMAL);
	td_tpo_free(t);
}

/*
 * Merge: Wednesday A 100..102, B 101..103 (100 1, 101-102 2, 103 1);
 * Thursday A 102..104, B 102..103 (102-103 2, 104 1).  Merged 1 2 4 3 1,
 * 11 TPOs: POC 102; target 7.7: pair 103-104 (4) beats 101-100 (3): 8.
 */
static void test_merge(void **state)
{
	(void)state;
	td_ns wed = at("2024-01-03T14:30:00Z"), thu = at("2024-01-04T14:30:00Z");
	td_tpo *t = new_tpo(5, 1);
	PERIOD(t, wed, 0, 100, 102);
	PERIOD(t, wed, 1, 101, 103);
	PERIOD(t, thu, 0, 102, 104);
	PERIOD(t, thu, 1, 103, 102);
	int64_t rows[8];
	td_ticks lo;
	assert_int_equal(td_tpo_counts(t, 0, 2, &lo, rows, 8), 5);
	assert_int_equal(lo, 100);
	const int64_t want[] = { 1, 2, 4, 3, 1 };
	assert_memory_equal(rows, want, sizeof(want));
	td_tpo_stats st;
	assert_int_equal(td_tpo_merge_stats(t, 0, 2, &st), 0);
	assert_int_equal(st.date, td_days_from_civil(2024, 1, 3));
	assert_int_equal(st.tpos, 11);
	assert_int_equal(st.poc, 102);
	assert_int_equal(st.val, 102);
	assert_int_equal(st.vah, 104);
	assert_int_equal(st.va_tpos, 8);
	assert_int_equal(st.open, 100);
	assert_int_equal(st.close, 102);
	assert_int_equal(st.high, 104);
	assert_int_equal(st.low, 100);
	assert_int_equal(st.day_type, TD_DAY_PENDING);
	/* one day through the merge is that day */
	assert_int_equal(td_tpo_merge_stats(t, 1, 1, &st), 0);
	assert_int_equal(st.tpos, 5);
	assert_int_equal(td_tpo_merge_stats(t, 1, 2, &st), -1);
	assert_int_equal(td_tpo_merge_stats(t, 0, 0, &st), -1);
	td_tpo_free(t);
}

/* 5-tick rows: A 100..109 marks rows 100 and 105, B 103..112 rows 100, 105, 110. */
static void test_row_ticks(void **state)
{
	(void)state;
	td_tpo *t = new_tpo(5, 5);
	td_ns open = at("2024-01-03T14:30:00Z");
	PERIOD(t, open, 0, 100, 109);
	PERIOD(t, open, 1, 103, 112);
	uint64_t masks[4];
	td_ticks lo;
	assert_int_equal(td_tpo_marks(t, 0, &lo, masks, 4), 3);
	assert_int_equal(lo, 100);
	assert_int_equal(masks[0], 3);
	assert_int_equal(masks[1], 3);
	assert_int_equal(masks[2], 2);
	td_tpo_stats st = latest(t);
	assert_int_equal(st.high, 112);
	assert_int_equal(st.poc, 105);  /* 100 and 105 tie; 105 is the middle row */
	td_tpo_free(t);
}

/*
 * Session edges: 14:29:59Z is 09:29:59 in New York (before the open) and
 * 21:00Z the close (exclusive): ignored.  14:30Z is A, 20:59:59Z is M (12).
 * Saturday is closed.  In July New York is UTC-4: 13:30Z is A.
 */
static void test_session_edges(void **state)
{
	(void)state;
	td_tpo *t = new_tpo(5, 1);
	trade(t, at("2024-01-03T14:29:59Z"), 90);
	trade(t, at("2024-01-03T21:00:00Z"), 91);
	trade(t, at("2024-01-06T15:00:00Z"), 92);
	assert_int_equal(td_tpo_days(t), 0);
	trade(t, at("2024-01-03T14:30:00Z"), 100);
	trade(t, at("2024-01-03T20:59:59Z"), 101);
	uint64_t masks[2];
	td_ticks lo;
	assert_int_equal(td_tpo_marks(t, 0, &lo, masks, 2), 2);
	assert_int_equal(masks[0], 1);
	assert_int_equal(masks[1], (uint64_t)1 << 12);
	assert_int_equal(latest(t).nperiods, 13);
	trade(t, at("2024-07-10T13:30:00Z"), 200);
	trade(t, at("2024-07-10T13:29:59Z"), 201);
	assert_int_equal(td_tpo_days(t), 2);
	assert_int_equal(td_tpo_marks(t, 1, &lo, masks, 2), 1);
	assert_int_equal(lo, 200);
	assert_int_equal(masks[0], 1);
	td_tpo_free(t);
}

/* The "in" preset closes 15:30 IST (10:00Z), 15 minutes into period M. */
static void test_short_last_period(void **state)
{
	(void)state;
	td_tpo_params pp = td_tpo_params_default(td_session_find("in"));
	td_tpo *t = td_tpo_new(&pp, NULL, 0);
	assert_non_null(t);
	trade(t, at("2024-01-03T09:59:59Z"), 100);  /* 15:29:59 IST */
	trade(t, at("2024-01-03T10:00:00Z"), 101);  /* 15:30 IST: closed */
	uint64_t masks[2];
	td_ticks lo;
	assert_int_equal(td_tpo_marks(t, 0, &lo, masks, 2), 1);
	assert_int_equal(masks[0], (uint64_t)1 << 12);
	td_tpo_free(t);
}

/*
 * Two days kept: Monday, Tuesday, Wednesday leave Tuesday and Wednesday.
 * A late Monday trade is dropped; a late Tuesday trade widens Tuesday.
 */
static void test_days_ring(void **state)
{
	(void)state;
	td_tpo *t = new_tpo(2, 1);
	trade(t, at("2024-01-01T15:00:00Z"), 100);
	trade(t, at("2024-01-02T15:00:00Z"), 110);
	trade(t, at("2024-01-03T15:00:00Z"), 120);
	assert_int_equal(td_tpo_days(t), 2);
	td_tpo_stats st;
	assert_int_equal(td_tpo_day_stats(t, 0, &st), 0);
	assert_int_equal(st.date, td_days_from_civil(2024, 1, 2));
	trade(t, at("2024-01-01T15:01:00Z"), 101);
	assert_int_equal(td_tpo_dropped(t), 1);
	trade(t, at("2024-01-02T15:01:00Z"), 115);
	trade(t, at("2024-01-03T15:02:00Z"), 121);
	assert_int_equal(td_tpo_day_stats(t, 0, &st), 0);
	assert_int_equal(st.high, 115);
	assert_int_equal(latest(t).high, 121);
	assert_int_equal(td_tpo_dropped(t), 1);
	td_tpo_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_letters),
		cmocka_unit_test(test_params),
		cmocka_unit_test(test_day_profile),
		cmocka_unit_test(test_pending),
		cmocka_unit_test(test_open_types),
		cmocka_unit_test(test_neutral),
		cmocka_unit_test(test_trend),
		cmocka_unit_test(test_trend_boundary),
		cmocka_unit_test(test_double_distribution),
		cmocka_unit_test(test_normal_boundary),
		cmocka_unit_test(test_non_trend),
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_row_ticks),
		cmocka_unit_test(test_session_edges),
		cmocka_unit_test(test_short_last_period),
		cmocka_unit_test(test_days_ring),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
