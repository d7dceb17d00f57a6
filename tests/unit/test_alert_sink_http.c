/*
 * The notifier's worker against a loopback HTTP server (tests/unit/httpd.h):
 * what each webhook kind receives, byte for byte; retries and when there
 * are none; timeouts; Retry-After; the per-target backlog bound; secrets
 * kept out of every log line; a prompt stop.  Also the sink queue between
 * two threads.  Runs under ThreadSanitizer too (TSAN_UNITS).
 *
 * Nothing here measures time: back-offs are a few milliseconds so the tests
 * are quick, and every check is on counts, order and text.  Waits are for a
 * condition, bounded by a generous deadline that only a hang reaches.
 */
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

#include "alert/notifier.h"
#include "alert/sink_queue.h"
#include "httpd.h"

#define DEADLINE_S 20
#define LOG_MAX 65536

/* A notifier under test, with every event it produced so far. */
typedef struct rig {
	td_notifier_params p;
	td_notifier *n;
	char log[LOG_MAX];   /* event texts, one a line, "KIND LEVEL text" */
	size_t len;
	int desktop_off;
} rig;

/* Params for tests: small back-offs, no desktop. */
static void rig_params(rig *r)
{
	memset(r, 0, sizeof(*r));
	td_notifier_defaults(&r->p);
	r->p.desktop = false;
	r->p.policy.backoff_ms = 5;
	r->p.policy.backoff_max_ms = 20;
	r->p.policy.retry_after_max_ms = 30;
	r->p.policy.connect_timeout_ms = 5000;
	r->p.policy.timeout_ms = 5000;
}

/* Add a target line, printf-style. */
__attribute__((format(printf, 2, 3)))
static void rig_target(rig *r, const char *fmt, ...)
{
	char line[512], err[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (td_notifier_add_target(&r->p, line, err, sizeof err) != 0)
		fail_msg("%s: %s", line, err);
}

static void rig_start(rig *r)
{
	char err[256];
	r->n = td_notifier_new(&r->p, err, sizeof err);
	if (!r->n)
		fail_msg("td_notifier_new: %s", err);
}

/* Move every waiting event into r->log. */
static void rig_drain(rig *r)
{
	td_notifier_event ev;
	while (td_notifier_poll(r->n, &ev)) {
		int w = snprintf(r->log + r->len, LOG_MAX - r->len, "%d %d %s\n", ev.kind, ev.level, ev.text);
		if (w > 0 && r->len + (size_t)w < LOG_MAX)
			r->len += (size_t)w;
		r->desktop_off += ev.kind == TD_NOTE_DESKTOP_OFF;
	}
}

typedef bool (*stats_pred)(const td_notifier_stats *s, uint64_t want);

static bool sent_at_least(const td_notifier_stats *s, uint64_t want) { return s->sent >= want; }
static bool done_at_least(const td_notifier_stats *s, uint64_t want) { return s->sent + s->failed >= want; }
static bool backlog_dropped_at_least(const td_notifier_stats *s, uint64_t want) { return s->backlog_dropped >= want; }

/* Poll events until pred holds; fail on the deadline. */
static td_notifier_stats rig_wait(rig *r, stats_pred pred, uint64_t want)
{
	time_t end = time(NULL) + DEADLINE_S;
	for (;;) {
		rig_drain(r);
		td_notifier_stats s = td_notifier_get_stats(r->n);
		if (pred(&s, want))
			return s;
		if (time(NULL) > end)
			fail_msg("gave up waiting: sent %llu failed %llu; log:\n%s", (unsigned long long)s.sent,
				 (unsigned long long)s.failed, r->log);
		usleep(2000);
	}
}

static void rig_stop(rig *r)
{
	td_notifier_free(r->n);
	r->n = NULL;
}

/* Count occurrences of needle in hay. */
static int count_of(const char *hay, const char *needle)
{
	int n = 0;
	for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

static void post(rig *r, const char *rule, const char *sym, const char *text, td_sinks sinks)
{
	td_alert_msg m;
	td_alert_msg_make(&m, 1795271405LL * TD_NS_PER_SEC, TD_ALERT_WARNING, rule, sym, text);
	assert_true(td_notifier_post(r->n, &m, sinks));
}

/* The request whose path is `path`; fails when none. */
static void request_at(td_httpd *h, const char *path, td_httpd_request *out)
{
	size_t n = td_httpd_count(h);
	for (size_t i = 0; i < n; i++) {
		td_httpd_get(h, i, out);
		if (strcmp(out->path, path) == 0)
			return;
	}
	fail_msg("no request for %s", path);
}

static const char *json_str(const cJSON *o, const char *name)
{
	const cJSON *f = cJSON_GetObjectItemCaseSensitive(o, name);
	assert_true(cJSON_IsString(f));
	return f->valuestring;
}

/* Each kind's request: POST, JSON, our User-Agent, the exact body, telegram's path. */
static void test_each_kind_delivered(void **state)
{
	static td_httpd h;
	static rig r;
	td_httpd_request q;
	char v[128];

	(void)state;
	assert_int_equal(td_httpd_start(&h, NULL, 0), 0);
	rig_params(&r);
	snprintf(r.p.telegram_api, sizeof r.p.telegram_api, "http://127.0.0.1:%d/tg", h.port);
	rig_target(&r, "j json http://127.0.0.1:%d/hook/json", h.port);
	rig_target(&r, "s slack http://127.0.0.1:%d/hook/slack", h.port);
	rig_target(&r, "d discord http://127.0.0.1:%d/hook/discord", h.port);
	rig_target(&r, "t telegram 123456:ABC-def_GHI -1001234567890");
	rig_start(&r);
	post(&r, "spy_break", "SPY", "SPY above 600.00 \"now\"", TD_SINK_WEBHOOK(0) | TD_SINK_WEBHOOK(1) |
	     TD_SINK_WEBHOOK(2) | TD_SINK_WEBHOOK(3));
	td_notifier_stats s = rig_wait(&r, done_at_least, 4);
	assert_int_equal(s.sent, 4);
	assert_int_equal(s.failed, 0);
	assert_int_equal(s.retried, 0);
	assert_int_equal(td_httpd_wait(&h, 4), 4);

	request_at(&h, "/hook/json", &q);
	assert_string_equal(q.method, "POST");
	assert_true(td_httpd_header(q.head, "Content-Type", v, sizeof v));
	assert_string_equal(v, "application/json");
	assert_true(td_httpd_header(q.head, "User-Agent", v, sizeof v));
	assert_string_equal(v, "tapedeck/" TD_VERSION);
	assert_string_equal(q.body, "{\"time\":\"2026-11-21T14:30:05Z\",\"level\":\"WARNING\",\"rule\":"
			    "\"spy_break\",\"symbol\":\"SPY\",\"message\":\"SPY above 600.00 \\\"now\\\"\"}");

	request_at(&h, "/hook/slack", &q);
	cJSON *j = cJSON_Parse(q.body);
	assert_non_null(j);
	assert_string_equal(json_str(j, "text"), "[WARNING] spy_break SPY: SPY above 600.00 \"now\"");
	cJSON_Delete(j);

	request_at(&h, "/hook/discord", &q);
	j = cJSON_Parse(q.body);
	assert_non_null(j);
	assert_string_equal(json_str(j, "content"), "[WARNING] spy_break SPY: SPY above 600.00 \"now\"");
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "allowed_mentions"), "parse")), 0);
	cJSON_Delete(j);

	request_at(&h, "/tg/bot123456:ABC-def_GHI/sendMessage", &q);
	assert_string_equal(q.method, "POST");
	j = cJSON_Parse(q.body);
	assert_non_null(j);
	assert_true(cJSON_GetObjectItem(j, "chat_id")->valuedouble == -1001234567890.0);
	assert_string_equal(json_str(j, "text"), "[WARNING] spy_break SPY: SPY above 600.00 \"now\"");
	cJSON_Delete(j);

	rig_stop(&r);
	td_httpd_stop(&h);
}

/* 500, 500, 200: three attempts with the same body, two retries logged, then delivered. */
static void test_retry_then_deliver(void **state)
{
	static const td_httpd_reply script[] = { { 500, NULL, false }, { 503, NULL, false }, { 200, NULL, false } };
	static td_httpd h;
	static rig r;
	td_httpd_request a, b;

	(void)state;
	assert_int_equal(td_httpd_start(&h, script, 3), 0);
	rig_params(&r);
	rig_target(&r, "ops slack http://127.0.0.1:%d/hook", h.port);
	rig_start(&r);
	post(&r, "r1", "SPY", "first", TD_SINK_WEBHOOK(0));
	td_notifier_stats s = rig_wait(&r, done_at_least, 1);
	assert_int_equal(s.sent, 1);
	assert_int_equal(s.retried, 2);
	assert_int_equal(s.failed, 0);
	assert_int_equal(td_httpd_count(&h), 3);
	td_httpd_get(&h, 0, &a);
	for (size_t i = 1; i < 3; i++) {
		td_httpd_get(&h, i, &b);
		assert_string_equal(a.body, b.body);
	}
	rig_drain(&r);
	assert_non_null(strstr(r.log, "webhook 'ops' (slack): HTTP 500, retry 1 of 3 in 5 ms\n"));
	assert_non_null(strstr(r.log, "webhook 'ops' (slack): HTTP 503, retry 2 of 3 in 10 ms\n"));
	assert_non_null(strstr(r.log, "webhook 'ops' (slack): delivered on attempt 3\n"));
	assert_true(strstr(r.log, "retry 1 of 3") < strstr(r.log, "retry 2 of 3"));
	rig_stop(&r);
	td_httpd_stop(&h);
}

/* Always 500: 1 + 3 attempts, back-off capped at 20 ms, then given up and said so. */
static void test_retry_give_up(void **state)
{
	static const td_httpd_reply script[] = { { 500, NULL, false }, { 500, NULL, false }, { 500, NULL, false }, { 500, NULL, false }, { 200, NULL, false } };
	static td_httpd h;
	static rig r;

	(void)state;
	assert_int_equal(td_httpd_start(&h, script, 5), 0);
	rig_params(&r);
	rig_target(&r, "ops json http://127.0.0.1:%d/hook", h.port);
	rig_start(&r);
	post(&r, "r1", "SPY", "x", TD_SINK_WEBHOOK(0));
	td_notifier_stats s = rig_wait(&r, done_at_least, 1);
	assert_int_equal(s.failed, 1);
	assert_int_equal(s.sent, 0);
	assert_int_equal(s.retried, 3);
	assert_int_equal(td_httpd_count(&h), 4);
	rig_drain(&r);
	assert_non_null(strstr(r.log, "HTTP 500, retry 3 of 3 in 20 ms\n"));  /* 5 * 4 = 20, the cap */
	assert_non_null(strstr(r.log, "webhook 'ops' (json): HTTP 500, giving up after 4 attempts: "
			       "alert 'r1' SPY not delivered\n"));
	/* the next alert starts afresh */
	post(&r, "r2", "SPY", "y", TD_SINK_WEBHOOK(0));
	s = rig_wait(&r, done_at_least, 2);
	assert_int_equal(s.sent, 1);
	assert_int_equal(td_httpd_count(&h), 5);
	rig_stop(&r);
	td_httpd_stop(&h);
}

/* 404 is not retried; neither is 400. */
static void test_no_retry_on_4xx(void **state)
{
	static const td_httpd_reply script[] = { { 404, NULL, false }, { 400, NULL, false } };
	static td_httpd h;
	static rig r;

	(void)state;
	assert_int_equal(td_httpd_start(&h, script, 2), 0);
	rig_params(&r);
	rig_target(&r, "ops discord http://127.0.0.1:%d/hook", h.port);
	rig_start(&r);
	post(&r, "r1", "", "x", TD_SINK_WEBHOOK(0));
	post(&r, "r2", "QQQ", "x", TD_SINK_WEBHOOK(0));
	td_notifier_stats s = rig_wait(&r, done_at_least, 2);
	assert_int_equal(s.failed, 2);
	assert_int_equal(s.retried, 0);
	assert_int_equal(td_httpd_count(&h), 2);
	rig_drain(&r);
	assert_non_null(strstr(r.log, "webhook 'ops' (discord): HTTP 404, not retried: alert 'r1' not delivered\n"));
	assert_non_null(strstr(r.log, "webhook 'ops' (discord): HTTP 400, not retried: alert 'r2' QQQ not delivered\n"));
	rig_stop(&r);
	td_httpd_stop(&h);
}

/* 429 with Retry-After: the server's delay is used, capped by retry_after_max_ms. */
static void test_retry_after(void **state)
{
	static const td_httpd_reply script[] = {
		{ 429, "Retry-After: 7\r\n", false }, { 429, NULL, false }, { 200, NULL, false },
	};
	static td_httpd h;
	static rig r;

	(void)state;
	assert_int_equal(td_httpd_start(&h, script, 3), 0);
	rig_params(&r);
	rig_target(&r, "ops slack http://127.0.0.1:%d/hook", h.port);
	rig_start(&r);
	post(&r, "r1", "SPY", "x", TD_SINK_WEBHOOK(0));
	td_notifier_stats s = rig_wait(&r, done_at_least, 1);
	assert_int_equal(s.sent, 1);
	assert_int_equal(s.retried, 2);
	rig_drain(&r);
	/* 7 s asked, 30 ms allowed; the second 429 has no header: back-off 10 ms */
	assert_non_null(strstr(r.log, "HTTP 429, retry 1 of 3 in 30 ms (Retry-After 7 s, capped)\n"));
	assert_non_null(strstr(r.log, "HTTP 429, retry 2 of 3 in 10 ms\n"));
	rig_stop(&r);
	td_httpd_stop(&h);
}

/* A server slower than the timeout: the attempt times out, is retried, then given up. */
static void test_timeout_retry_give_up(void **state)
{
	static const td_httpd_reply script[] = { { 200, NULL, true }, { 200, NULL, true } };
	static td_httpd h;
	static rig r;
	td_httpd_request q;

	(void)state;
	assert_int_equal(td_httpd_start(&h, script, 2), 0);
	rig_params(&r);
	r.p.policy.timeout_ms = 200;
	r.p.policy.retries = 1;
	rig_target(&r, "slow json http://127.0.0.1:%d/hook", h.port);
	rig_start(&r);
	post(&r, "r1", "SPY", "x", TD_SINK_WEBHOOK(0));
	td_notifier_stats s = rig_wait(&r, done_at_least, 1);
	assert_int_equal(s.failed, 1);
	assert_int_equal(s.retried, 1);
	assert_int_equal(td_httpd_wait(&h, 2), 2);
	for (size_t i = 0; i < 2; i++) {
		td_httpd_get(&h, i, &q);
		assert_false(q.answered);  /* the client hung up first */
	}
	rig_drain(&r);
	const char *retry = strstr(r.log, "webhook 'slow' (json): Operation timed out after");
	assert_non_null(retry);
	assert_non_null(strstr(retry, "retry 1 of 1 in 5 ms\n"));
	assert_non_null(strstr(r.log, "giving up after 2 attempts: alert 'r1' SPY not delivered\n"));
	rig_stop(&r);
	td_httpd_stop(&h);
}

/* A target stuck on one request keeps at most `backlog` alerts and drops the rest, said once. */
static void test_backlog_bound(void **state)
{
	static const td_httpd_reply script[] = { { 200, NULL, true } };
	static td_httpd h;
	static rig r;

	(void)state;
	assert_int_equal(td_httpd_start(&h, script, 1), 0);
	rig_params(&r);
	r.p.backlog = 2;
	r.p.policy.timeout_ms = 60000;
	rig_target(&r, "ops slack http://127.0.0.1:%d/hook", h.port);
	rig_start(&r);
	for (int i = 0; i < 10; i++)
		post(&r, "r", "SPY", "x", TD_SINK_WEBHOOK(0));
	td_notifier_stats s = rig_wait(&r, backlog_dropped_at_least, 8);
	assert_int_equal(s.backlog_dropped, 8);
	assert_int_equal(s.posted, 10);
	assert_int_equal(s.dropped, 0);
	td_httpd_release(&h);
	s = rig_wait(&r, sent_at_least, 2);
	assert_int_equal(s.sent, 2);
	assert_int_equal(s.backlog_dropped, 8);
	assert_int_equal(td_httpd_count(&h), 2);
	rig_drain(&r);
	assert_int_equal(count_of(r.log, "webhook 'ops' (slack): backlog full (2 alerts waiting), "
				  "dropping alerts until it drains\n"), 1);
	assert_int_equal(count_of(r.log, "webhook 'ops' (slack): backlog has room again; 8 alerts "
				  "were dropped\n"), 1);
	rig_stop(&r);
	td_httpd_stop(&h);
}

/* A closed port (bound, then closed): nothing listens there. */
static int closed_port(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof a;
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	close(fd);
	return ntohs(a.sin_port);
}

/* No log line carries a URL, a token, a path or a query, whatever went wrong. */
static void test_secrets_never_logged(void **state)
{
	static const td_httpd_reply script[] = {
		{ 500, NULL, false }, { 500, NULL, false }, { 500, NULL, false }, { 500, NULL, false },
		{ 500, NULL, false }, { 500, NULL, false }, { 500, NULL, false }, { 500, NULL, false },
	};
	static td_httpd h;
	static rig r;
	char url[256], closed[256], port[16];

	(void)state;
	assert_int_equal(td_httpd_start(&h, script, 8), 0);
	snprintf(url, sizeof url, "http://127.0.0.1:%d/services/SECRETPATH/B0?key=SECRETQUERY", h.port);
	snprintf(closed, sizeof closed, "http://127.0.0.1:%d/x/SECRETPATH2?key=SECRETQUERY2", closed_port());
	setenv("TD_TEST_HOOK", url, 1);
	setenv("TD_TEST_CLOSED", closed, 1);
	setenv("TD_TEST_TG", "777:SECRETTOKEN", 1);
	unsetenv("TD_TEST_MISSING");
	rig_params(&r);
	r.p.policy.retries = 1;
	snprintf(r.p.telegram_api, sizeof r.p.telegram_api, "http://127.0.0.1:%d", h.port);
	snprintf(r.p.credentials, sizeof r.p.credentials, "/nonexistent/td-credentials");
	rig_target(&r, "a slack env:TD_TEST_HOOK");
	rig_target(&r, "b json env:TD_TEST_CLOSED");
	rig_target(&r, "c telegram env:TD_TEST_TG 42");
	rig_target(&r, "d discord env:TD_TEST_MISSING");
	rig_target(&r, "e json file:hook_e");
	rig_target(&r, "f slack http://127.0.0.1:%d/literal/SECRETLITERAL?k=SECRETLQ", h.port);
	rig_start(&r);
	post(&r, "r", "SPY", "x", TD_SINK_WEBHOOK(0) | TD_SINK_WEBHOOK(1) | TD_SINK_WEBHOOK(2) |
	     TD_SINK_WEBHOOK(3) | TD_SINK_WEBHOOK(4) | TD_SINK_WEBHOOK(5));
	td_notifier_stats s = rig_wait(&r, done_at_least, 6);
	assert_int_equal(s.failed, 6);
	rig_drain(&r);
	snprintf(port, sizeof port, ":%d", h.port);
	static const char *const never[] = { "SECRET", "http:", "?key", "services", "777:", "/bot" };
	for (size_t i = 0; i < sizeof never / sizeof *never; i++)
		if (strstr(r.log, never[i]))
			fail_msg("'%s' in the log:\n%s", never[i], r.log);
	assert_null(strstr(r.log, port));
	/* each target is named, and the reasons are there */
	assert_non_null(strstr(r.log, "webhook 'a' (slack): HTTP 500, giving up after 2 attempts"));
	assert_non_null(strstr(r.log, "webhook 'b' (json): Failed to connect to *** port"));
	assert_non_null(strstr(r.log, "webhook 'c' (telegram): HTTP 500, giving up"));
	assert_non_null(strstr(r.log, "webhook 'd' (discord): disabled: environment variable "
			       "'TD_TEST_MISSING' is not set"));
	assert_non_null(strstr(r.log, "webhook 'e' (json): disabled: credentials file"));
	assert_non_null(strstr(r.log, "webhook 'f' (slack): HTTP 500, giving up"));
	rig_stop(&r);
	td_httpd_stop(&h);
	unsetenv("TD_TEST_HOOK");
	unsetenv("TD_TEST_CLOSED");
	unsetenv("TD_TEST_TG");
}

/* Control characters in rule, symbol and message never reach the receiver. */
static void test_controls_never_sent(void **state)
{
	static td_httpd h;
	static rig r;
	td_httpd_request q;
	td_alert_msg m;

	(void)state;
	assert_int_equal(td_httpd_start(&h, NULL, 0), 0);
	rig_params(&r);
	rig_target(&r, "j json http://127.0.0.1:%d/j", h.port);
	rig_start(&r);
	td_alert_msg_make(&m, 0, TD_ALERT_CRITICAL, "r\x1b]0;x\x07", "SP\x7fY", "a\nb\tc\x1b[2J\xc2\x9b");
	assert_true(td_notifier_post(r.n, &m, TD_SINK_WEBHOOK(0)));
	rig_wait(&r, sent_at_least, 1);
	td_httpd_get(&h, 0, &q);
	for (size_t i = 0; i < q.body_len; i++)
		assert_true((unsigned char)q.body[i] >= 0x20 && q.body[i] != 0x7f);
	assert_null(strstr(q.body, "\\u00"));
	cJSON *j = cJSON_Parse(q.body);
	assert_non_null(j);
	assert_string_equal(json_str(j, "rule"), "r]0;x");
	assert_string_equal(json_str(j, "symbol"), "SPY");
	assert_string_equal(json_str(j, "message"), "abc[2J");
	assert_string_equal(json_str(j, "level"), "CRITICAL");
	cJSON_Delete(j);
	rig_stop(&r);
	td_httpd_stop(&h);
}

/* td_notifier_free returns during a long back-off and during a request that never ends. */
static void test_stop_is_prompt(void **state)
{
	static const td_httpd_reply script[] = { { 500, NULL, false }, { 200, NULL, true } };
	static td_httpd h;
	static rig r;

	(void)state;
	assert_int_equal(td_httpd_start(&h, script, 2), 0);
	rig_params(&r);
	r.p.policy.backoff_ms = 3600 * 1000;      /* an hour */
	r.p.policy.backoff_max_ms = 3600 * 1000;
	r.p.policy.timeout_ms = 3600 * 1000;
	rig_target(&r, "a json http://127.0.0.1:%d/a", h.port);
	rig_start(&r);
	post(&r, "r", "SPY", "x", TD_SINK_WEBHOOK(0));
	time_t end = time(NULL) + DEADLINE_S;
	while (td_notifier_get_stats(r.n).retried == 0 && time(NULL) <= end)
		usleep(2000);
	assert_int_equal(td_notifier_get_stats(r.n).retried, 1);
	rig_stop(&r);  /* in the hour-long back-off */

	rig_params(&r);
	r.p.policy.timeout_ms = 3600 * 1000;
	rig_target(&r, "a json http://127.0.0.1:%d/a", h.port);
	rig_start(&r);
	post(&r, "r", "SPY", "x", TD_SINK_WEBHOOK(0));
	rig_stop(&r);  /* the request is held by the server, or not yet made */
	assert_true(td_httpd_count(&h) >= 1);
	td_httpd_stop(&h);
}

/* Events come in order; the event fd wakes a sleeping engine; sinks 0 sends nothing. */
static void test_events_and_fd(void **state)
{
	static rig r;
	td_notifier_event ev[4];
	td_alert_msg m;
	size_t nev = 0;

	(void)state;
	rig_params(&r);
	r.p.policy.retries = 0;
	rig_target(&r, "x json env:TD_TEST_NOT_SET_1");
	rig_target(&r, "y json http://127.0.0.1:%d/y", closed_port());
	unsetenv("TD_TEST_NOT_SET_1");
	rig_start(&r);
	struct pollfd p = { .fd = td_notifier_fd(r.n), .events = POLLIN };
	/* the disabled target (said before the worker started), then desktop off (said by the worker) */
	while (nev < 2) {
		if (td_notifier_poll(r.n, &ev[nev])) {
			nev++;
			continue;
		}
		assert_int_equal(poll(&p, 1, DEADLINE_S * 1000), 1);
	}
	assert_int_equal(ev[0].kind, TD_NOTE_LOG);
	assert_int_equal(ev[0].level, TD_LOG_ERROR);
	assert_string_equal(ev[0].text, "webhook 'x' (json): disabled: environment variable 'TD_TEST_NOT_SET_1' is not set");
	assert_int_equal(ev[1].kind, TD_NOTE_DESKTOP_OFF);
	assert_string_equal(ev[1].text, "desktop notifications unavailable: turned off in the configuration; "
			    "alerts go to the bell and the pane");
	assert_false(td_notifier_poll(r.n, &ev[2]));  /* nothing more: the engine may sleep */
	td_alert_msg_make(&m, 0, TD_ALERT_INFO, "r", "", "x");
	assert_true(td_notifier_post(r.n, &m, 0));
	assert_true(td_notifier_post(r.n, &m, TD_SINK_WEBHOOK(0) | TD_SINK_WEBHOOK(1) | TD_SINK_DESKTOP));
	assert_int_equal(poll(&p, 1, DEADLINE_S * 1000), 1);  /* woken by y's failure */
	assert_true(td_notifier_poll(r.n, &ev[2]));
	assert_non_null(strstr(ev[2].text, "webhook 'y' (json): Failed to connect to *** port"));
	assert_non_null(strstr(ev[2].text, "giving up after 1 attempt: alert 'r' not delivered"));
	td_notifier_stats s = td_notifier_get_stats(r.n);
	assert_int_equal(s.posted, 1);
	assert_int_equal(s.failed, 2);  /* x disabled, y refused */
	assert_int_equal(s.fallback, 1);
	assert_int_equal(s.sent, 0);
	rig_stop(&r);
}

/* Log lines that find the event queue full are counted and summed up once there is room. */
static void test_event_queue_full(void **state)
{
	static const td_httpd_reply script[] = {
		{ 404, NULL, false }, { 404, NULL, false }, { 404, NULL, false }, { 404, NULL, false }, { 404, NULL, false },
	};
	static td_httpd h;
	static rig r;
	char rule[8];

	(void)state;
	assert_int_equal(td_httpd_start(&h, script, 5), 0);
	rig_params(&r);
	r.p.events = 2;
	rig_target(&r, "ops json http://127.0.0.1:%d/hook", h.port);
	rig_start(&r);
	for (int i = 1; i <= 5; i++) {
		snprintf(rule, sizeof rule, "r%d", i);
		post(&r, rule, "SPY", "x", TD_SINK_WEBHOOK(0));
	}
	/* wait without polling, so the event queue stays full */
	time_t end = time(NULL) + DEADLINE_S;
	while (td_notifier_get_stats(r.n).failed < 5 && time(NULL) <= end)
		usleep(2000);
	td_notifier_stats s = td_notifier_get_stats(r.n);
	assert_int_equal(s.failed, 5);
	assert_int_equal(s.events_dropped, 4);  /* desktop off and r1's line filled the 2 slots */
	end = time(NULL) + DEADLINE_S;
	while (!strstr(r.log, "lost") && time(NULL) <= end) {
		rig_drain(&r);
		usleep(2000);
	}
	assert_string_equal(r.log, "2 2 desktop notifications unavailable: turned off in the configuration; "
			    "alerts go to the bell and the pane\n"
			    "0 0 webhook 'ops' (json): HTTP 404, not retried: alert 'r1' SPY not delivered\n"
			    "0 1 alert sinks: 4 log lines lost (event queue full)\n");
	rig_stop(&r);
	td_httpd_stop(&h);
}

/* Two threads through a small queue: every item arrives once, in order. */
enum { QUEUE_ITEMS = 200000 };

static void *producer(void *arg)
{
	td_sink_queue *q = arg;
	for (uint64_t i = 0; i < QUEUE_ITEMS; i++)
		while (!td_sink_queue_push(q, &i))
			sched_yield();
	return NULL;
}

static void test_queue_two_threads(void **state)
{
	td_sink_queue *q = td_sink_queue_new(7, sizeof(uint64_t));
	pthread_t t;
	uint64_t want = 0, v;

	(void)state;
	assert_non_null(q);
	assert_int_equal(pthread_create(&t, NULL, producer, q), 0);
	while (want < QUEUE_ITEMS) {
		if (td_sink_queue_pop(q, &v)) {
			assert_int_equal(v, want);
			want++;
			continue;
		}
		if (td_sink_queue_arm(q)) {
			struct pollfd p = { .fd = td_sink_queue_fd(q), .events = POLLIN };
			assert_int_equal(poll(&p, 1, DEADLINE_S * 1000), 1);  /* a lost wake-up hangs here */
			td_sink_queue_drain_fd(q);
		}
	}
	pthread_join(t, NULL);
	assert_false(td_sink_queue_pop(q, &v));
	td_sink_queue_free(q);
}

int main(void)
{
	/* loopback only: no proxy from the environment may stand in between */
	static const char *const proxies[] = { "http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY" };
	for (size_t i = 0; i < sizeof proxies / sizeof *proxies; i++)
		unsetenv(proxies[i]);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_each_kind_delivered),
		cmocka_unit_test(test_retry_then_deliver),
		cmocka_unit_test(test_retry_give_up),
		cmocka_unit_test(test_no_retry_on_4xx),
		cmocka_unit_test(test_retry_after),
		cmocka_unit_test(test_timeout_retry_give_up),
		cmocka_unit_test(test_backlog_bound),
		cmocka_unit_test(test_secrets_never_logged),
		cmocka_unit_test(test_controls_never_sent),
		cmocka_unit_test(test_stop_is_prompt),
		cmocka_unit_test(test_events_and_fd),
		cmocka_unit_test(test_event_queue_full),
		cmocka_unit_test(test_queue_two_threads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
