/*
 * Unit tests for the alert log (src/alert/alog.c): newest first, the ring
 * dropping the oldest, the level filter, acknowledging one and all, and
 * the counts kept as alerts come, go and are acknowledged.  Expected
 * sequences are worked out by hand in the comments.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>

#include "alert/alog.h"

#define I TD_ALERT_INFO
#define W TD_ALERT_WARNING
#define C TD_ALERT_CRITICAL

/* Add an alert of level lv whose text is its number n; returns its sequence number. */
static uint64_t add(td_alert_log *l, td_alert_level lv, int n)
{
	td_alert_msg m;
	char text[16];
	snprintf(text, sizeof text, "%d", n);
	td_alert_msg_make(&m, (td_ns)n, lv, "r", "ES", text);
	return td_alert_log_add(l, &m, (uint32_t)(100 + n), (uint32_t)n % 3, n % 2 == 0);
}

/* The texts of the alerts shown at filter min, newest first, joined by spaces; as many as the count says. */
static void shown(const td_alert_log *l, td_alert_level min, char *buf, size_t n)
{
	size_t used = 0, i = 0;
	buf[0] = '\0';
	for (const td_alert_log_entry *e; (e = td_alert_log_at(l, min, i)) != NULL; i++) {
		assert_true(e->msg.level >= min);
		used += (size_t)snprintf(buf + used, n - used, "%s%s", i ? " " : "", e->msg.text);
	}
	assert_int_equal(i, td_alert_log_count(l, min));
}

static void test_empty_and_zero(void **state)
{
	(void)state;
	assert_null(td_alert_log_new(0));
	td_alert_log *l = td_alert_log_new(4);
	assert_non_null(l);
	assert_int_equal(td_alert_log_count(l, I), 0);
	assert_null(td_alert_log_at(l, I, 0));
	assert_null(td_alert_log_at(l, W, 0));
	assert_null(td_alert_log_find(l, 0));
	assert_null(td_alert_log_find(l, 1));
	assert_int_equal(td_alert_log_ack(l, 1), -1);
	assert_int_equal(td_alert_log_ack_all(l, I), 0);
	td_alert_log_counts c;
	td_alert_log_counts_get(l, &c);
	assert_int_equal(c.capacity, 4);
	assert_true(c.added == 0 && c.dropped == 0);
	td_alert_log_free(l);
	td_alert_log_free(NULL);
}

/* Newest first; a full ring drops the oldest and counts it. */
static void test_ring(void **state)
{
	(void)state;
	char buf[256];
	td_alert_log *l = td_alert_log_new(3);
	for (int n = 1; n <= 5; n++)
		assert_int_equal(add(l, I, n), n);
	/* capacity 3: 1 and 2 were pushed out */
	shown(l, I, buf, sizeof buf);
	assert_string_equal(buf, "5 4 3");
	assert_int_equal(td_alert_log_count(l, I), 3);
	assert_null(td_alert_log_find(l, 2));
	const td_alert_log_entry *e = td_alert_log_find(l, 3);
	assert_non_null(e);
	assert_string_equal(e->msg.text, "3");
	assert_int_equal(e->seq, 3);
	assert_int_equal(e->rule, 103);
	assert_int_equal(e->inst, 0);        /* 3 % 3 */
	assert_false(e->has_order);          /* 3 is odd */
	assert_true(td_alert_log_find(l, 4)->has_order);
	assert_null(td_alert_log_find(l, 6));
	td_alert_log_counts c;
	td_alert_log_counts_get(l, &c);
	assert_true(c.added == 5 && c.dropped == 2);
	assert_int_equal(c.held[I], 3);
	assert_int_equal(c.unacked[I], 3);
	td_alert_log_free(l);
}

/* Filter by least level: all, warning and up, critical only. */
static void test_filter(void **state)
{
	(void)state;
	char buf[256];
	td_alert_log *l = td_alert_log_new(10);
	static const td_alert_level lv[] = { I, W, C, I, C, W, I };   /* alerts 1..7 */
	for (int n = 1; n <= 7; n++)
		add(l, lv[n - 1], n);
	shown(l, I, buf, sizeof buf);
	assert_string_equal(buf, "7 6 5 4 3 2 1");
	shown(l, W, buf, sizeof buf);
	assert_string_equal(buf, "6 5 3 2");
	shown(l, C, buf, sizeof buf);
	assert_string_equal(buf, "5 3");
	assert_int_equal(td_alert_log_count(l, I), 7);
	assert_int_equal(td_alert_log_count(l, W), 4);
	assert_int_equal(td_alert_log_count(l, C), 2);
	assert_null(td_alert_log_at(l, C, 2));
	assert_string_equal(td_alert_log_at(l, W, 3)->msg.text, "2");
	td_alert_log_free(l);
}

/* Acknowledge one (twice is fine), one no longer held, and all at a level. */
static void test_ack(void **state)
{
	(void)state;
	td_alert_log *l = td_alert_log_new(4);
	static const td_alert_level lv[] = { W, I, C, W, C, I };   /* alerts 1..6; 1 and 2 are dropped */
	for (int n = 1; n <= 6; n++)
		add(l, lv[n - 1], n);
	td_alert_log_counts c;
	td_alert_log_counts_get(l, &c);
	/* held: 3 C, 4 W, 5 C, 6 I */
	assert_int_equal(c.held[I], 1);
	assert_int_equal(c.held[W], 1);
	assert_int_equal(c.held[C], 2);
	assert_int_equal(c.unacked[C], 2);

	assert_int_equal(td_alert_log_ack(l, 5), 0);
	assert_int_equal(td_alert_log_ack(l, 5), 0);
	assert_true(td_alert_log_find(l, 5)->acked);
	assert_int_equal(td_alert_log_ack(l, 1), -1);   /* dropped */
	assert_int_equal(td_alert_log_ack(l, 7), -1);   /* not yet */
	td_alert_log_counts_get(l, &c);
	assert_int_equal(c.unacked[C], 1);
	assert_int_equal(c.unacked[W], 1);

	/* warning and up: 3 and 4 (5 was already) */
	assert_int_equal(td_alert_log_ack_all(l, W), 2);
	td_alert_log_counts_get(l, &c);
	assert_int_equal(c.unacked[C], 0);
	assert_int_equal(c.unacked[W], 0);
	assert_int_equal(c.unacked[I], 1);
	assert_false(td_alert_log_find(l, 6)->acked);

	/* an unacknowledged alert pushed out leaves the counts */
	add(l, I, 7);   /* drops 3 (C, acknowledged) */
	add(l, I, 8);   /* drops 4 (W, acknowledged) */
	add(l, I, 9);   /* drops 5 (C, acknowledged) */
	add(l, C, 10);  /* drops 6 (I, not acknowledged) */
	td_alert_log_counts_get(l, &c);
	assert_int_equal(c.held[I], 3);
	assert_int_equal(c.unacked[I], 3);   /* 7, 8, 9 */
	assert_int_equal(c.held[W], 0);
	assert_int_equal(c.held[C], 1);
	assert_int_equal(c.unacked[C], 1);
	assert_true(c.dropped == 6);
	assert_int_equal(td_alert_log_ack_all(l, I), 4);
	td_alert_log_counts_get(l, &c);
	assert_int_equal(c.unacked[I] + c.unacked[W] + c.unacked[C], 0);
	td_alert_log_free(l);
}

/* A message with a level out of range is kept as critical, never hidden. */
static void test_bad_level(void **state)
{
	(void)state;
	td_alert_log *l = td_alert_log_new(2);
	td_alert_msg m;
	td_alert_msg_make(&m, 1, TD_ALERT_INFO, "r", "ES", "x");
	m.level = (td_alert_level)7;
	uint64_t seq = td_alert_log_add(l, &m, 1, 0, false);
	assert_int_equal(td_alert_log_find(l, seq)->msg.level, TD_ALERT_CRITICAL);
	assert_int_equal(td_alert_log_count(l, TD_ALERT_CRITICAL), 1);
	td_alert_log_free(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_and_zero),
		cmocka_unit_test(test_ring),
		cmocka_unit_test(test_filter),
		cmocka_unit_test(test_ack),
		cmocka_unit_test(test_bad_level),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
