/*
 * Unit tests for the alert sinks' pure parts (src/alert/message, webhook,
 * secrets, sink_queue, the sink names of notifier): levels, the sanitizing
 * constructor, the exact webhook bodies, target lines and their errors,
 * retry verdicts and delays, redaction, the credentials file and its mode.
 * Everything that sends is in test_alert_sink_http.c and
 * test_alert_sink_desktop.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <cjson/cJSON.h>
#include <curl/curl.h>

#include "alert/message.h"
#include "alert/notifier.h"
#include "alert/secrets.h"
#include "alert/sink_queue.h"
#include "alert/webhook.h"

/* 2026-11-21T14:30:05Z: calendar.timegm((2026, 11, 21, 14, 30, 5)) in Python */
#define T_2026_11_21_143005 (1795271405LL * TD_NS_PER_SEC)

static char tmpdir[] = "/tmp/td-sink-XXXXXX";

static int group_setup(void **state)
{
	(void)state;
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int group_teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Write text to tmpdir/name with mode, returning the path in buf. */
static void write_file(const char *name, const char *text, mode_t mode, char *buf, size_t n)
{
	snprintf(buf, n, "%s/%s", tmpdir, name);
	FILE *f = fopen(buf, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(chmod(buf, mode), 0);
}

/* The body for a target line and a message, parsed. */
static cJSON *body_of(const char *line, const td_alert_msg *m, char **raw)
{
	td_webhook_target t;
	char err[256];

	assert_int_equal(td_webhook_target_parse(line, &t, err, sizeof err), 0);
	char *s = td_webhook_payload(&t, m);
	assert_non_null(s);
	cJSON *j = cJSON_Parse(s);
	assert_non_null(j);
	if (raw)
		*raw = s;
	else
		cJSON_free(s);
	return j;
}

static const char *str_field(const cJSON *o, const char *name)
{
	const cJSON *f = cJSON_GetObjectItemCaseSensitive(o, name);
	assert_true(cJSON_IsString(f));
	return f->valuestring;
}

/* Level names, and parsing in any case. */
static void test_levels(void **state)
{
	td_alert_level lv;

	(void)state;
	assert_string_equal(td_alert_level_name(TD_ALERT_INFO), "INFO");
	assert_string_equal(td_alert_level_name(TD_ALERT_WARNING), "WARNING");
	assert_string_equal(td_alert_level_name(TD_ALERT_CRITICAL), "CRITICAL");
	assert_string_equal(td_alert_level_name((td_alert_level)7), "?");
	assert_int_equal(td_alert_level_parse("warning", &lv), 0);
	assert_int_equal(lv, TD_ALERT_WARNING);
	assert_int_equal(td_alert_level_parse("Critical", &lv), 0);
	assert_int_equal(lv, TD_ALERT_CRITICAL);
	assert_int_equal(td_alert_level_parse("INFO", &lv), 0);
	assert_int_equal(lv, TD_ALERT_INFO);
	assert_int_equal(td_alert_level_parse("warn", &lv), -1);
	assert_int_equal(td_alert_level_parse("", &lv), -1);
}

/* The constructor drops control characters (C0, DEL, C1), marks bad UTF-8, keeps the rest. */
static void test_msg_sanitized(void **state)
{
	td_alert_msg m;

	(void)state;
	td_alert_msg_make(&m, 5, TD_ALERT_WARNING, "brk\x1b[31m\x07", "SP\x7fY\xc2\x9b",
			  "line1\nline2\ttab \xff caf\xc3\xa9");
	assert_int_equal(m.time, 5);
	assert_int_equal(m.level, TD_ALERT_WARNING);
	assert_string_equal(m.rule, "brk[31m");
	assert_string_equal(m.symbol, "SPY");
	assert_string_equal(m.text, "line1line2tab ? caf\xc3\xa9");
	td_alert_msg_make(&m, 0, (td_alert_level)42, NULL, NULL, NULL);
	assert_int_equal(m.level, TD_ALERT_CRITICAL);
	assert_string_equal(m.rule, "");
	assert_string_equal(m.text, "");
}

/* A text too long is cut at a character boundary, never inside one. */
static void test_msg_cut_whole_characters(void **state)
{
	char text[1001];
	td_alert_msg m;

	(void)state;
	for (int i = 0; i < 500; i++)
		memcpy(text + 2 * i, "\xc3\xa9", 2);  /* é, two bytes */
	text[1000] = '\0';
	td_alert_msg_make(&m, 0, TD_ALERT_INFO, "r", "", text);
	/* 399 bytes fit; 199 whole two-byte characters are 398 */
	assert_int_equal(strlen(m.text), 398);
	assert_int_equal((unsigned char)m.text[396], 0xc3);
	assert_int_equal((unsigned char)m.text[397], 0xa9);
}

/* Times are whole UTC seconds, rounded towards the past. */
static void test_msg_time(void **state)
{
	td_alert_msg m;
	char buf[32];

	(void)state;
	td_alert_msg_make(&m, T_2026_11_21_143005 + 999 * TD_NS_PER_MS, TD_ALERT_INFO, "r", "", "");
	td_alert_msg_time(&m, buf, sizeof buf);
	assert_string_equal(buf, "2026-11-21T14:30:05Z");
	td_alert_msg_make(&m, -1, TD_ALERT_INFO, "r", "", "");
	td_alert_msg_time(&m, buf, sizeof buf);
	assert_string_equal(buf, "1969-12-31T23:59:59Z");
}

/* The generic JSON body, byte for byte (quotes and backslashes escaped by cJSON). */
static void test_payload_json_exact(void **state)
{
	td_alert_msg m;
	char *raw;

	(void)state;
	td_alert_msg_make(&m, T_2026_11_21_143005 + 123, TD_ALERT_WARNING, "spy_break", "SPY",
			  "SPY above 600.00 \"breakout\" C:\\x caf\xc3\xa9");
	cJSON *j = body_of("ops json http://127.0.0.1:9/hook", &m, &raw);
	assert_string_equal(raw, "{\"time\":\"2026-11-21T14:30:05Z\",\"level\":\"WARNING\","
			    "\"rule\":\"spy_break\",\"symbol\":\"SPY\",\"message\":\"SPY above "
			    "600.00 \\\"breakout\\\" C:\\\\x caf\xc3\xa9\"}");
	assert_string_equal(str_field(j, "message"), "SPY above 600.00 \"breakout\" C:\\x caf\xc3\xa9");
	cJSON_Delete(j);
	cJSON_free(raw);
}

/* Slack: one "text" field; &, < and > escaped so <!channel> cannot ping. */
static void test_payload_slack(void **state)
{
	td_alert_msg m;
	char *raw;

	(void)state;
	td_alert_msg_make(&m, 0, TD_ALERT_CRITICAL, "gap", "QQQ", "<!channel> R&D > 5%");
	cJSON *j = body_of("s slack https://hooks.slack.invalid/services/T/B/X", &m, &raw);
	assert_int_equal(cJSON_GetArraySize(j), 1);
	assert_string_equal(str_field(j, "text"), "[CRITICAL] gap QQQ: &lt;!channel&gt; R&amp;D &gt; 5%");
	assert_string_equal(raw, "{\"text\":\"[CRITICAL] gap QQQ: &lt;!channel&gt; R&amp;D &gt; 5%\"}");
	cJSON_Delete(j);
	cJSON_free(raw);
}

/* Discord: "content" and no mentions allowed; no symbol means no extra blank. */
static void test_payload_discord(void **state)
{
	td_alert_msg m;

	(void)state;
	td_alert_msg_make(&m, 0, TD_ALERT_INFO, "feed_down", "", "@everyone feed lost");
	cJSON *j = body_of("d discord https://discord.invalid/api/webhooks/1/abc", &m, NULL);
	assert_int_equal(cJSON_GetArraySize(j), 2);
	assert_string_equal(str_field(j, "content"), "[INFO] feed_down: @everyone feed lost");
	const cJSON *am = cJSON_GetObjectItemCaseSensitive(j, "allowed_mentions");
	assert_true(cJSON_IsObject(am));
	const cJSON *parse = cJSON_GetObjectItemCaseSensitive(am, "parse");
	assert_true(cJSON_IsArray(parse));
	assert_int_equal(cJSON_GetArraySize(parse), 0);
	cJSON_Delete(j);
}

/* Telegram: chat_id a number for a numeric id, a string for @channel; plain text. */
static void test_payload_telegram(void **state)
{
	td_alert_msg m;
	char *raw;

	(void)state;
	td_alert_msg_make(&m, 0, TD_ALERT_WARNING, "iv", "SPY", "iv rank 90 <b>");
	cJSON *j = body_of("t telegram 123456:ABC-def_GHI -1001234567890", &m, &raw);
	assert_string_equal(raw, "{\"chat_id\":-1001234567890,\"text\":\"[WARNING] iv SPY: iv rank 90 <b>\"}");
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(j, "chat_id");
	assert_true(cJSON_IsNumber(id));
	assert_true(id->valuedouble == -1001234567890.0);
	cJSON_Delete(j);
	cJSON_free(raw);
	j = body_of("t telegram env:TG_TOKEN @desk_alerts", &m, NULL);
	assert_string_equal(str_field(j, "chat_id"), "@desk_alerts");
	assert_string_equal(str_field(j, "text"), "[WARNING] iv SPY: iv rank 90 <b>");
	cJSON_Delete(j);
}

/* Control characters given to the constructor never reach any body, not even escaped. */
static void test_payload_no_controls(void **state)
{
	static const char *const lines[] = {
		"a json http://127.0.0.1:9/x", "b slack http://127.0.0.1:9/x",
		"c discord http://127.0.0.1:9/x", "d telegram 1:x 42",
	};
	td_alert_msg m;

	(void)state;
	td_alert_msg_make(&m, 0, TD_ALERT_INFO, "r\x1b]0;pwned\x07", "SP\x7fY", "a\nb\r\tc\x1b[2J\xc2\x85");
	for (size_t i = 0; i < sizeof lines / sizeof *lines; i++) {
		char *raw;
		cJSON *j = body_of(lines[i], &m, &raw);
		for (const char *p = raw; *p; p++)
			assert_true((unsigned char)*p >= 0x20 && *p != 0x7f);
		assert_null(strstr(raw, "\\u00"));
		assert_null(strstr(raw, "\\n"));
		assert_null(strstr(raw, "\\t"));
		assert_null(strstr(raw, "\xc2\x85"));
		cJSON_Delete(j);
		cJSON_free(raw);
	}
	char *raw;
	cJSON *j = body_of(lines[0], &m, &raw);
	assert_string_equal(str_field(j, "rule"), "r]0;pwned");
	assert_string_equal(str_field(j, "symbol"), "SPY");
	assert_string_equal(str_field(j, "message"), "abc[2J");
	cJSON_Delete(j);
	cJSON_free(raw);
}

/* Good target lines of each kind. */
static void test_target_parse_good(void **state)
{
	td_webhook_target t;
	char err[256];

	(void)state;
	assert_int_equal(td_webhook_target_parse("ops json https://example.invalid/hook?key=1", &t, err, sizeof err), 0);
	assert_string_equal(t.name, "ops");
	assert_int_equal(t.kind, TD_WEBHOOK_JSON);
	assert_string_equal(t.ref, "https://example.invalid/hook?key=1");
	assert_string_equal(t.chat_id, "");
	assert_int_equal(td_webhook_target_parse("  team-1\tslack   env:SLACK_HOOK  ", &t, err, sizeof err), 0);
	assert_string_equal(t.name, "team-1");
	assert_int_equal(t.kind, TD_WEBHOOK_SLACK);
	assert_string_equal(t.ref, "env:SLACK_HOOK");
	assert_int_equal(td_webhook_target_parse("d_2 discord file:discord.main", &t, err, sizeof err), 0);
	assert_int_equal(t.kind, TD_WEBHOOK_DISCORD);
	assert_int_equal(td_webhook_target_parse("tg telegram file:tg -100123", &t, err, sizeof err), 0);
	assert_int_equal(t.kind, TD_WEBHOOK_TELEGRAM);
	assert_string_equal(t.chat_id, "-100123");
}

/* Bad lines: the message says which field and why, and never repeats a URL or token. */
static void test_target_parse_bad(void **state)
{
	static const struct {
		const char *line, *want;
	} cases[] = {
		{ "ops json", "expected 'NAME KIND URL|env:NAME|file:KEY [CHAT_ID]', got 2 fields" },
		{ "", "got 0 fields" },
		{ "a b c d e", "got more than 4 fields" },
		{ "ops slak http://x.invalid/", "webhook 'ops': unknown kind 'slak' (field 2" },
		{ "o!ps json http://x.invalid/", "webhook target 'o!ps': the name (field 1) must be" },
		{ "desktop json http://x.invalid/", "webhook target 'desktop': the name is reserved" },
		{ "all slack env:X", "the name is reserved" },
		{ "ops slack ftp://secret.invalid/k", "webhook 'ops' (slack): field 3 is not an http or https URL" },
		{ "ops json env:1BAD", "webhook 'ops' (json): field 3: 'env:1BAD': not a variable name" },
		{ "ops json file:bad/key", "field 3: 'file:bad/key': not a key" },
		{ "tg telegram 123:abc", "webhook 'tg' (telegram): missing the chat id (field 4)" },
		{ "tg telegram 123:abc @", "field 4 is not a chat id" },
		{ "tg telegram 123:abc 12x", "field 4 is not a chat id" },
		{ "tg telegram 123/abc?x 5", "webhook 'tg' (telegram): field 3 is not a bot token" },
		{ "ops slack http://x.invalid/ 42", "webhook 'ops' (slack): unexpected field 4" },
	};
	td_webhook_target t;
	char err[256];

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		err[0] = '\0';
		assert_int_equal(td_webhook_target_parse(cases[i].line, &t, err, sizeof err), -1);
		if (!strstr(err, cases[i].want))
			fail_msg("'%s': got '%s', want '%s'", cases[i].line, err, cases[i].want);
	}
	assert_int_equal(td_webhook_target_parse("ops slack ftp://secret.invalid/k", &t, err, sizeof err), -1);
	assert_null(strstr(err, "secret"));
	assert_int_equal(td_webhook_target_parse("tg telegram 123/abc?x 5", &t, err, sizeof err), -1);
	assert_null(strstr(err, "abc"));
}

/* A field longer than its room is refused, never cut: a cut URL would post somewhere else. */
static void test_target_parse_too_long(void **state)
{
	char line[1024], err[256];
	td_webhook_target t;

	(void)state;
	int k = snprintf(line, sizeof line, "ops json http://127.0.0.1:9/");
	memset(line + k, 'a', 600);
	line[k + 600] = '\0';
	assert_int_equal(td_webhook_target_parse(line, &t, err, sizeof err), -1);
	assert_string_equal(err, "webhook 'ops' (json): field 3 is too long (at most 511 bytes)");
	k = snprintf(line, sizeof line, "tg telegram 1:x @");
	memset(line + k, 'c', 70);
	line[k + 70] = '\0';
	assert_int_equal(td_webhook_target_parse(line, &t, err, sizeof err), -1);
	assert_string_equal(err, "webhook 'tg' (telegram): field 4 is not a chat id (an integer, or @channel)");
	memset(line, 'x', 900);
	line[900] = '\0';
	assert_int_equal(td_webhook_target_parse(line, &t, err, sizeof err), -1);
	assert_string_equal(err, "webhook target: line too long (at most 767 bytes)");
}

/* Sink names resolve to bits: desktop, a target by name or webhook:NAME, webhooks, all. */
static void test_sinks_parse(void **state)
{
	td_notifier_params p;
	td_sinks s;
	char err[256];

	(void)state;
	td_notifier_defaults(&p);
	assert_int_equal(td_notifier_add_target(&p, "ops json http://127.0.0.1:9/", err, sizeof err), 0);
	assert_int_equal(td_notifier_add_target(&p, "slack slack env:S", err, sizeof err), 0);
	assert_int_equal(td_notifier_add_target(&p, "ops discord env:D", err, sizeof err), -1);
	assert_non_null(strstr(err, "webhook 'ops': the name is already used"));
	assert_int_equal(td_sinks_parse(&p, "desktop", &s, err, sizeof err), 0);
	assert_int_equal(s, 1);
	assert_int_equal(td_sinks_parse(&p, "ops", &s, err, sizeof err), 0);
	assert_int_equal(s, 2);
	assert_int_equal(td_sinks_parse(&p, "webhook:slack", &s, err, sizeof err), 0);
	assert_int_equal(s, 4);
	assert_int_equal(td_sinks_parse(&p, "desktop, slack", &s, err, sizeof err), 0);
	assert_int_equal(s, 5);
	assert_int_equal(td_sinks_parse(&p, "webhooks", &s, err, sizeof err), 0);
	assert_int_equal(s, 6);
	assert_int_equal(td_sinks_parse(&p, "all", &s, err, sizeof err), 0);
	assert_int_equal(s, 7);
	assert_int_equal(td_sinks_parse(&p, "", &s, err, sizeof err), 0);
	assert_int_equal(s, 0);
	assert_int_equal(td_sinks_parse(&p, "desktop,teams", &s, err, sizeof err), -1);
	assert_non_null(strstr(err, "unknown sink 'teams'"));
	assert_int_equal(td_sinks_parse(&p, "webhook:desktop", &s, err, sizeof err), -1);
}

/* Retry verdicts: 2xx delivered; 5xx, 429 and network errors retried; other 4xx and 3xx not. */
static void test_judge(void **state)
{
	static const struct {
		int code;
		long status;
		td_webhook_verdict want;
	} cases[] = {
		{ CURLE_OK, 200, TD_WEBHOOK_OK },     { CURLE_OK, 204, TD_WEBHOOK_OK },
		{ CURLE_OK, 500, TD_WEBHOOK_RETRY },  { CURLE_OK, 503, TD_WEBHOOK_RETRY },
		{ CURLE_OK, 429, TD_WEBHOOK_RETRY },  { CURLE_OK, 404, TD_WEBHOOK_FAIL },
		{ CURLE_OK, 400, TD_WEBHOOK_FAIL },   { CURLE_OK, 401, TD_WEBHOOK_FAIL },
		{ CURLE_OK, 301, TD_WEBHOOK_FAIL },   { CURLE_OK, 0, TD_WEBHOOK_FAIL },
		{ CURLE_COULDNT_CONNECT, 0, TD_WEBHOOK_RETRY },
		{ CURLE_OPERATION_TIMEDOUT, 0, TD_WEBHOOK_RETRY },
		{ CURLE_COULDNT_RESOLVE_HOST, 0, TD_WEBHOOK_RETRY },
		{ CURLE_GOT_NOTHING, 0, TD_WEBHOOK_RETRY },
		{ CURLE_UNSUPPORTED_PROTOCOL, 0, TD_WEBHOOK_FAIL },
		{ CURLE_PEER_FAILED_VERIFICATION, 0, TD_WEBHOOK_FAIL },
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
		if (td_webhook_judge(cases[i].code, cases[i].status) != cases[i].want)
			fail_msg("curl %d, HTTP %ld", cases[i].code, cases[i].status);
}

/* Back-off doubles from backoff_ms to its cap; Retry-After wins, up to its own cap. */
static void test_delays(void **state)
{
	td_webhook_policy p = { .backoff_ms = 1000, .backoff_max_ms = 30000, .retry_after_max_ms = 60000 };

	(void)state;
	assert_int_equal(td_webhook_delay_ms(&p, 1, -1), 1000);
	assert_int_equal(td_webhook_delay_ms(&p, 2, -1), 2000);
	assert_int_equal(td_webhook_delay_ms(&p, 3, -1), 4000);
	assert_int_equal(td_webhook_delay_ms(&p, 5, -1), 16000);
	assert_int_equal(td_webhook_delay_ms(&p, 6, -1), 30000);  /* 32 s, capped */
	assert_int_equal(td_webhook_delay_ms(&p, 60, -1), 30000);
	assert_int_equal(td_webhook_delay_ms(&p, 1, 7), 7000);
	assert_int_equal(td_webhook_delay_ms(&p, 1, 0), 0);
	assert_int_equal(td_webhook_delay_ms(&p, 3, 100), 60000);
}

/* The URL: as given for the URL kinds; <api>/bot<TOKEN>/sendMessage for telegram. */
static void test_urls(void **state)
{
	td_webhook_target t;
	char url[TD_WEBHOOK_URL_MAX], err[256];

	(void)state;
	assert_int_equal(td_webhook_target_parse("tg telegram env:T 5", &t, err, sizeof err), 0);
	assert_int_equal(td_webhook_url(&t, "123:AB-c_d", "https://api.telegram.org", url, sizeof url, err, sizeof err), 0);
	assert_string_equal(url, "https://api.telegram.org/bot123:AB-c_d/sendMessage");
	assert_int_equal(td_webhook_url(&t, "123:AB", "http://127.0.0.1:8/tg//", url, sizeof url, err, sizeof err), 0);
	assert_string_equal(url, "http://127.0.0.1:8/tg/bot123:AB/sendMessage");
	assert_int_equal(td_webhook_url(&t, "12/../x?y", "https://api.telegram.org", url, sizeof url, err, sizeof err), -1);
	assert_non_null(strstr(err, "webhook 'tg' (telegram): the bot token has characters"));
	assert_null(strstr(err, "12/"));
	assert_int_equal(td_webhook_url(&t, "1:x", "ftp://api.telegram.org", url, sizeof url, err, sizeof err), -1);
	assert_non_null(strstr(err, "not http or https"));

	assert_int_equal(td_webhook_target_parse("s slack env:S", &t, err, sizeof err), 0);
	assert_int_equal(td_webhook_url(&t, "https://hooks.slack.invalid/services/A/B", "", url, sizeof url, err, sizeof err), 0);
	assert_string_equal(url, "https://hooks.slack.invalid/services/A/B");
	assert_int_equal(td_webhook_url(&t, "gopher://secret.invalid/k", "", url, sizeof url, err, sizeof err), -1);
	assert_non_null(strstr(err, "webhook 's' (slack): the URL is not http or https"));
	assert_null(strstr(err, "secret"));
	assert_int_equal(td_webhook_url(&t, "not a url at all", "", url, sizeof url, err, sizeof err), -1);
	assert_non_null(strstr(err, "the URL is not a valid URL"));
}

/* Redaction removes the URL and each part of it that could carry a key, in any case. */
static void test_redact(void **state)
{
	const char *url = "https://user:pw1234@Hooks.Example.invalid/services/T0/B0/KEYKEY?token=QSECRET";
	char text[512];

	(void)state;
	snprintf(text, sizeof text, "Failed to connect to hooks.example.invalid port 443; url %s; "
		 "path /services/T0/B0/KEYKEY; query token=QSECRET; user pw1234", url);
	td_webhook_redact(text, url, NULL);
	assert_null(strstr(text, "example"));
	assert_null(strstr(text, "Example"));
	assert_null(strstr(text, "KEYKEY"));
	assert_null(strstr(text, "QSECRET"));
	assert_null(strstr(text, "pw1234"));
	assert_null(strstr(text, "https://"));
	assert_non_null(strstr(text, "Failed to connect to *** port 443"));

	snprintf(text, sizeof text, "bad reply from /bot555:TOKENTOKEN/sendMessage");
	td_webhook_redact(text, "http://127.0.0.1:1/bot555:TOKENTOKEN/sendMessage", "555:TOKENTOKEN");
	assert_string_equal(text, "bad reply from ***");

	const char *needles[] = { "ab", NULL, "abcd" };
	snprintf(text, sizeof text, "xabcdx ab");
	td_secret_redact(text, needles, 3);
	assert_string_equal(text, "x***x ab");  /* needles under 3 bytes are ignored */
}

/* env: references: the value, or an error naming the variable. */
static void test_secret_env(void **state)
{
	char out[64], err[256];

	(void)state;
	setenv("TD_TEST_SECRET", "https://h.invalid/k?x=1", 1);
	assert_int_equal(td_secret_resolve("env:TD_TEST_SECRET", NULL, out, sizeof out, err, sizeof err), 0);
	assert_string_equal(out, "https://h.invalid/k?x=1");
	unsetenv("TD_TEST_SECRET");
	assert_int_equal(td_secret_resolve("env:TD_TEST_SECRET", NULL, out, sizeof out, err, sizeof err), -1);
	assert_string_equal(err, "environment variable 'TD_TEST_SECRET' is not set");
	setenv("TD_TEST_SECRET", "", 1);
	assert_int_equal(td_secret_resolve("env:TD_TEST_SECRET", NULL, out, sizeof out, err, sizeof err), -1);
	assert_string_equal(err, "environment variable 'TD_TEST_SECRET' is empty");
	unsetenv("TD_TEST_SECRET");
	assert_int_equal(td_secret_resolve("http://literal.invalid/", NULL, out, sizeof out, err, sizeof err), 0);
	assert_string_equal(out, "http://literal.invalid/");
	assert_int_equal(td_secret_kind_of("env:X"), TD_SECRET_ENV);
	assert_int_equal(td_secret_kind_of("file:X"), TD_SECRET_FILE);
	assert_int_equal(td_secret_kind_of("environment"), TD_SECRET_LITERAL);
}

/* file: references: keys, comments, blanks and trimming; the first line with a key wins. */
static void test_secret_file_0600(void **state)
{
	char path[256], out[128], err[1024];

	(void)state;
	write_file("cred_ok", "# tapedeck credentials\n\n  slack_ops =  https://hooks.invalid/T/B/X  \n"
		   "tg=123:abc\ntg = 999:other\n", 0600, path, sizeof path);
	assert_int_equal(td_secret_resolve("file:slack_ops", path, out, sizeof out, err, sizeof err), 0);
	assert_string_equal(out, "https://hooks.invalid/T/B/X");
	assert_int_equal(td_secret_resolve("file:tg", path, out, sizeof out, err, sizeof err), 0);
	assert_string_equal(out, "123:abc");
	assert_int_equal(td_secret_resolve("file:nokey", path, out, sizeof out, err, sizeof err), -1);
	char want[1024];
	snprintf(want, sizeof want, "credentials file '%s' has no key 'nokey'", path);
	assert_string_equal(err, want);
	assert_int_equal(chmod(path, 0400), 0);
	assert_int_equal(td_secret_resolve("file:tg", path, out, sizeof out, err, sizeof err), 0);
}

/* A file group or others may read or write is refused with its path, mode and the fix. */
static void test_secret_file_modes_refused(void **state)
{
	static const mode_t modes[] = { 0644, 0640, 0620, 0604, 0602, 0610 };
	char path[256], out[128], err[1024], want[1024];

	(void)state;
	for (size_t i = 0; i < sizeof modes / sizeof *modes; i++) {
		write_file("cred_open", "k = SECRETVALUE\n", modes[i], path, sizeof path);
		assert_int_equal(td_secret_file_get(path, "k", out, sizeof out, err, sizeof err), -1);
		snprintf(want, sizeof want, "credentials file '%s' has mode %04o: group or others may "
			 "use it; run 'chmod 600 %s'", path, (unsigned)modes[i], path);
		assert_string_equal(err, want);
	}
	snprintf(path, sizeof path, "%s/missing", tmpdir);
	assert_int_equal(td_secret_file_get(path, "k", out, sizeof out, err, sizeof err), -1);
	snprintf(want, sizeof want, "credentials file '%s': No such file or directory", path);
	assert_string_equal(err, want);
	assert_int_equal(td_secret_file_get(tmpdir, "k", out, sizeof out, err, sizeof err), -1);
	assert_non_null(strstr(err, "is not a regular file"));
}

/* A malformed line is reported with its number and without its text. */
static void test_secret_file_malformed(void **state)
{
	char path[256], out[128], err[1024], want[1024];

	(void)state;
	write_file("cred_bad", "a = 1\nSECRETVALUE_WITHOUT_EQUALS\nk = v\n", 0600, path, sizeof path);
	assert_int_equal(td_secret_file_get(path, "k", out, sizeof out, err, sizeof err), -1);
	snprintf(want, sizeof want, "credentials file '%s' line 2: expected 'key = value'", path);
	assert_string_equal(err, want);
	assert_int_equal(td_secret_file_get(path, "a", out, sizeof out, err, sizeof err), -1);
	assert_null(strstr(err, "SECRETVALUE"));
	write_file("cred_long", "k = 0123456789\n", 0600, path, sizeof path);
	assert_int_equal(td_secret_file_get(path, "k", out, 8, err, sizeof err), -1);
	assert_non_null(strstr(err, "line 1: the value of 'k' is too long (at most 7 bytes)"));
}

/* The default file is under $XDG_CONFIG_HOME, else ~/.config. */
static void test_secret_default_path(void **state)
{
	char path[512], want[1024], out[64], err[1024];
	char *home = getenv("HOME") ? strdup(getenv("HOME")) : NULL;
	char *xdg = getenv("XDG_CONFIG_HOME") ? strdup(getenv("XDG_CONFIG_HOME")) : NULL;

	(void)state;
	setenv("XDG_CONFIG_HOME", tmpdir, 1);
	assert_int_equal(td_secret_default_path(path, sizeof path), 0);
	snprintf(want, sizeof want, "%s/tapedeck/credentials", tmpdir);
	assert_string_equal(path, want);
	snprintf(path, sizeof path, "%s/tapedeck", tmpdir);
	assert_int_equal(mkdir(path, 0700), 0);
	write_file("tapedeck/credentials", "hook = http://127.0.0.1:9/h\n", 0600, path, sizeof path);
	assert_int_equal(td_secret_resolve("file:hook", "", out, sizeof out, err, sizeof err), 0);
	assert_string_equal(out, "http://127.0.0.1:9/h");
	unsetenv("XDG_CONFIG_HOME");
	setenv("HOME", "/home/someone", 1);
	assert_int_equal(td_secret_default_path(path, sizeof path), 0);
	assert_string_equal(path, "/home/someone/.config/tapedeck/credentials");
	unsetenv("HOME");
	assert_int_equal(td_secret_default_path(path, sizeof path), -1);
	assert_int_equal(td_secret_resolve("file:hook", NULL, out, sizeof out, err, sizeof err), -1);
	assert_non_null(strstr(err, "neither XDG_CONFIG_HOME nor HOME is set"));
	if (home)
		setenv("HOME", home, 1);
	if (xdg)
		setenv("XDG_CONFIG_HOME", xdg, 1);
	free(home);
	free(xdg);
}

/* The queue holds exactly its capacity, in order, and says when it is empty or full. */
static void test_queue_bound(void **state)
{
	td_sink_queue *q = td_sink_queue_new(3, sizeof(int));
	int v;

	(void)state;
	assert_non_null(q);
	assert_int_equal(td_sink_queue_capacity(q), 3);
	assert_true(td_sink_queue_arm(q));  /* empty: may sleep */
	for (int i = 1; i <= 3; i++)
		assert_true(td_sink_queue_push(q, &i));
	v = 4;
	assert_false(td_sink_queue_push(q, &v));
	assert_int_equal(td_sink_queue_count(q), 3);
	assert_false(td_sink_queue_arm(q));  /* items wait: do not sleep */
	for (int i = 1; i <= 3; i++) {
		assert_true(td_sink_queue_pop(q, &v));
		assert_int_equal(v, i);
	}
	assert_false(td_sink_queue_pop(q, &v));
	assert_true(td_sink_queue_push(q, &v));
	td_sink_queue_free(q);
	assert_null(td_sink_queue_new(0, 4));
	assert_null(td_sink_queue_new(4, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_levels),
		cmocka_unit_test(test_msg_sanitized),
		cmocka_unit_test(test_msg_cut_whole_characters),
		cmocka_unit_test(test_msg_time),
		cmocka_unit_test(test_payload_json_exact),
		cmocka_unit_test(test_payload_slack),
		cmocka_unit_test(test_payload_discord),
		cmocka_unit_test(test_payload_telegram),
		cmocka_unit_test(test_payload_no_controls),
		cmocka_unit_test(test_target_parse_good),
		cmocka_unit_test(test_target_parse_bad),
		cmocka_unit_test(test_target_parse_too_long),
		cmocka_unit_test(test_sinks_parse),
		cmocka_unit_test(test_judge),
		cmocka_unit_test(test_delays),
		cmocka_unit_test(test_urls),
		cmocka_unit_test(test_redact),
		cmocka_unit_test(test_secret_env),
		cmocka_unit_test(test_secret_file_0600),
		cmocka_unit_test(test_secret_file_modes_refused),
		cmocka_unit_test(test_secret_file_malformed),
		cmocka_unit_test(test_secret_default_path),
		cmocka_unit_test(test_queue_bound),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
