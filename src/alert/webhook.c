/*
 * Webhook targets, bodies and the retry policy.
 *
 * The chat kinds carry text that came partly from outside, so each body is
 * made harmless for its receiver beyond JSON escaping: Slack reads <...> as
 * links and mentions (<!channel> pings everyone), so &, < and > are escaped
 * as Slack documents; Discord would ping on @everyone, so the body allows
 * no mentions; Telegram is sent without parse_mode, which is plain text.
 */
#include "webhook.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>

#include "core/text.h"
#include "secrets.h"

#define TD_WEBHOOK_FIELDS_MAX 5

static const char *const td_webhook_kinds[TD_WEBHOOK_KIND_COUNT] = {
	"json", "slack", "discord", "telegram",
};

/* Names td_sinks_parse gives a meaning of its own. */
static const char *const td_webhook_reserved[] = { "desktop", "webhooks", "all" };

const char *td_webhook_kind_name(td_webhook_kind kind)
{
	if ((unsigned)kind >= TD_WEBHOOK_KIND_COUNT)
		return "?";
	return td_webhook_kinds[kind];
}

int td_webhook_kind_parse(const char *s, td_webhook_kind *out)
{
	for (int i = 0; i < TD_WEBHOOK_KIND_COUNT; i++) {
		if (strcmp(s, td_webhook_kinds[i]) == 0) {
			*out = (td_webhook_kind)i;
			return 0;
		}
	}
	return -1;
}

/* Whether s is a target name: 1 to 31 letters, digits, '-' or '_'. */
static bool td_webhook_name_ok(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n >= TD_WEBHOOK_NAME_MAX)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_')
			return false;
	return true;
}

/* Whether s could be a bot token: Telegram's are digits, ':' and [A-Za-z0-9_-]. */
static bool td_webhook_token_ok(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr(":_-", *s))
			return false;
	return true;
}

/* Whether s is a Telegram chat id: an integer or "@" and a channel name. */
static bool td_webhook_chat_ok(const char *s)
{
	if (*s == '@') {
		if (!s[1])
			return false;
		for (s++; *s; s++)
			if (!isalnum((unsigned char)*s) && *s != '_')
				return false;
		return true;
	}
	if (*s == '-')
		s++;
	size_t digits = strspn(s, "0123456789");
	return digits > 0 && digits <= 19 && s[digits] == '\0';
}

/* Whether s starts with http:// or https:// (any case). */
static bool td_webhook_is_http(const char *s)
{
	return strncasecmp(s, "http://", 7) == 0 || strncasecmp(s, "https://", 8) == 0;
}

/* Split line on blanks into at most max fields, cut in place; returns the count (max + 1 when more). */
static size_t td_webhook_split(char *line, char **f, size_t max)
{
	size_t n = 0;
	char *save = NULL;
	for (char *p = strtok_r(line, " \t\r\n", &save); p; p = strtok_r(NULL, " \t\r\n", &save)) {
		if (n == max)
			return max + 1;
		f[n++] = p;
	}
	return n;
}

/* Check the first two fields and fill t's name and kind. */
static int td_webhook_name_kind(char **f, td_webhook_target *t, char *err, size_t errlen)
{
	char clean[64];

	td_text_sanitize(clean, sizeof clean, f[0]);
	if (!td_webhook_name_ok(f[0]))
		return td_errf(err, errlen, "webhook target '%s': the name (field 1) must be 1 to %d "
			       "letters, digits, '-' or '_'", clean, TD_WEBHOOK_NAME_MAX - 1);
	for (size_t i = 0; i < sizeof td_webhook_reserved / sizeof *td_webhook_reserved; i++)
		if (strcmp(f[0], td_webhook_reserved[i]) == 0)
			return td_errf(err, errlen, "webhook target '%s': the name is reserved (field 1)",
				       clean);
	td_strlcpy(t->name, f[0], sizeof t->name);
	if (td_webhook_kind_parse(f[1], &t->kind) == 0)
		return 0;
	td_text_sanitize(clean, sizeof clean, f[1]);
	return td_errf(err, errlen, "webhook '%s': unknown kind '%s' (field 2; json, slack, discord "
		       "or telegram)", t->name, clean);
}

/* Check the third field (a URL or token, or a reference to one) and fill t->ref. */
static int td_webhook_ref(const char *field, td_webhook_target *t, char *err, size_t errlen)
{
	const char *kind = td_webhook_kind_name(t->kind);
	char why[160];

	if (strlen(field) >= sizeof t->ref)
		return td_errf(err, errlen, "webhook '%s' (%s): field 3 is too long (at most %zu bytes)",
			       t->name, kind, sizeof t->ref - 1);
	td_strlcpy(t->ref, field, sizeof t->ref);
	if (td_secret_kind_of(t->ref) != TD_SECRET_LITERAL) {
		if (td_secret_ref_check(t->ref, why, sizeof why) == 0)
			return 0;
		return td_errf(err, errlen, "webhook '%s' (%s): field 3: %s", t->name, kind, why);
	}
	if (t->kind == TD_WEBHOOK_TELEGRAM ? td_webhook_token_ok(t->ref) : td_webhook_is_http(t->ref))
		return 0;
	return td_errf(err, errlen, "webhook '%s' (%s): field 3 is not %s, env:NAME or file:KEY",
		       t->name, kind, t->kind == TD_WEBHOOK_TELEGRAM ? "a bot token" : "an http or https URL");
}

/* Check the fourth field (field is NULL when absent): telegram needs a chat id, the others take none. */
static int td_webhook_chat(const char *field, td_webhook_target *t, char *err, size_t errlen)
{
	if (t->kind != TD_WEBHOOK_TELEGRAM) {
		if (!field)
			return 0;
		return td_errf(err, errlen, "webhook '%s' (%s): unexpected field 4 (only telegram "
			       "takes a chat id)", t->name, td_webhook_kind_name(t->kind));
	}
	if (!field)
		return td_errf(err, errlen, "webhook '%s' (telegram): missing the chat id (field 4)",
			       t->name);
	if (strlen(field) >= sizeof t->chat_id || !td_webhook_chat_ok(field))
		return td_errf(err, errlen, "webhook '%s' (telegram): field 4 is not a chat id "
			       "(an integer, or @channel)", t->name);
	td_strlcpy(t->chat_id, field, sizeof t->chat_id);
	return 0;
}

int td_webhook_target_parse(const char *line, td_webhook_target *t, char *err, size_t errlen)
{
	char buf[TD_WEBHOOK_REF_MAX + 256];
	char *f[TD_WEBHOOK_FIELDS_MAX];
	int rc;

	memset(t, 0, sizeof(*t));
	if (strlen(line) >= sizeof buf)
		return td_errf(err, errlen, "webhook target: line too long (at most %zu bytes)",
			       sizeof buf - 1);
	td_strlcpy(buf, line, sizeof buf);
	size_t n = td_webhook_split(buf, f, 4);
	if (n < 3 || n > 4)
		rc = td_errf(err, errlen, "webhook target: expected 'NAME KIND URL|env:NAME|file:KEY "
			     "[CHAT_ID]', got %s%zu fields", n > 4 ? "more than " : "", n > 4 ? 4 : n);
	else if ((rc = td_webhook_name_kind(f, t, err, errlen)) == 0 &&
		 (rc = td_webhook_ref(f[2], t, err, errlen)) == 0)
		rc = td_webhook_chat(n == 4 ? f[3] : NULL, t, err, errlen);
	/* the line may hold a literal secret */
	td_secret_wipe(buf, sizeof buf);
	if (rc != 0)
		td_secret_wipe(t, sizeof(*t));
	return rc;
}

void td_webhook_text(const td_alert_msg *m, char *buf, size_t n)
{
	snprintf(buf, n, "[%s] %s%s%s: %s", td_alert_level_name(m->level), m->rule,
		 m->symbol[0] ? " " : "", m->symbol, m->text);
}

/* Escape &, < and > the way Slack's message formatting asks; out needs 5 bytes per byte of in. */
static void td_webhook_slack_escape(char *out, const char *in)
{
	for (; *in; in++) {
		const char *rep = *in == '&' ? "&amp;" : *in == '<' ? "&lt;" : *in == '>' ? "&gt;" : NULL;
		if (rep) {
			size_t k = strlen(rep);
			memcpy(out, rep, k);
			out += k;
		} else {
			*out++ = *in;
		}
	}
	*out = '\0';
}

/* Add the generic JSON fields. */
static bool td_webhook_json_body(cJSON *o, const td_alert_msg *m)
{
	char when[32];

	td_alert_msg_time(m, when, sizeof when);
	return cJSON_AddStringToObject(o, "time", when) &&
	       cJSON_AddStringToObject(o, "level", td_alert_level_name(m->level)) &&
	       cJSON_AddStringToObject(o, "rule", m->rule) &&
	       cJSON_AddStringToObject(o, "symbol", m->symbol) &&
	       cJSON_AddStringToObject(o, "message", m->text);
}

/* Add the fields of a chat kind. */
static bool td_webhook_chat_body(cJSON *o, const td_webhook_target *t, const char *text)
{
	char slack[5 * (TD_ALERT_RULE_MAX + TD_ALERT_SYMBOL_MAX + TD_ALERT_TEXT_MAX + 32)];
	cJSON *am;

	switch (t->kind) {
	case TD_WEBHOOK_SLACK:
		td_webhook_slack_escape(slack, text);
		return cJSON_AddStringToObject(o, "text", slack);
	case TD_WEBHOOK_DISCORD:
		am = cJSON_CreateObject();
		if (!cJSON_AddStringToObject(o, "content", text) || !am ||
		    !cJSON_AddItemToObject(o, "allowed_mentions", am)) {
			cJSON_Delete(am);
			return false;
		}
		return cJSON_AddArrayToObject(am, "parse");
	case TD_WEBHOOK_TELEGRAM:
		/* chat_id was checked to be an integer or @name: no escaping needed for the raw form */
		if (t->chat_id[0] == '@' ? !cJSON_AddStringToObject(o, "chat_id", t->chat_id)
					 : !cJSON_AddRawToObject(o, "chat_id", t->chat_id))
			return false;
		return cJSON_AddStringToObject(o, "text", text);
	default:
		return false;
	}
}

char *td_webhook_payload(const td_webhook_target *t, const td_alert_msg *m)
{
	char text[TD_ALERT_RULE_MAX + TD_ALERT_SYMBOL_MAX + TD_ALERT_TEXT_MAX + 32];
	cJSON *o = cJSON_CreateObject();
	char *out = NULL;

	if (!o)
		return NULL;
	td_webhook_text(m, text, sizeof text);
	bool ok = t->kind == TD_WEBHOOK_JSON ? td_webhook_json_body(o, m)
					     : td_webhook_chat_body(o, t, text);
	if (ok)
		out = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return out;
}

/* Check that url parses and is http or https. */
static int td_webhook_check_url(const td_webhook_target *t, const char *url, const char *what,
				char *err, size_t errlen)
{
	CURLU *u = curl_url();
	char *scheme = NULL;
	int rc = 0;

	if (!u)
		return td_errf(err, errlen, "out of memory");
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK)
		rc = td_errf(err, errlen, "webhook '%s' (%s): the %s is not a valid URL", t->name,
			     td_webhook_kind_name(t->kind), what);
	else if (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0)
		rc = td_errf(err, errlen, "webhook '%s' (%s): the %s is not http or https", t->name,
			     td_webhook_kind_name(t->kind), what);
	curl_free(scheme);
	curl_url_cleanup(u);
	return rc;
}

int td_webhook_url(const td_webhook_target *t, const char *secret, const char *telegram_api,
		   char *url, size_t n, char *err, size_t errlen)
{
	const char *kind = td_webhook_kind_name(t->kind);

	if (t->kind != TD_WEBHOOK_TELEGRAM) {
		if (strlen(secret) >= n)
			return td_errf(err, errlen, "webhook '%s' (%s): the URL is too long", t->name, kind);
		td_strlcpy(url, secret, n);
		return td_webhook_check_url(t, url, "URL", err, errlen);
	}
	if (!td_webhook_token_ok(secret))
		return td_errf(err, errlen, "webhook '%s' (telegram): the bot token has characters "
			       "a token never has", t->name);
	int base = (int)strlen(telegram_api);
	while (base > 0 && telegram_api[base - 1] == '/')
		base--;
	int w = snprintf(url, n, "%.*s/bot%s/sendMessage", base, telegram_api, secret);
	if (w < 0 || (size_t)w >= n)
		return td_errf(err, errlen, "webhook '%s' (telegram): the URL is too long", t->name);
	return td_webhook_check_url(t, url, "telegram API URL", err, errlen);
}

void td_webhook_redact(char *text, const char *url, const char *secret)
{
	static const CURLUPart parts[] = {
		CURLUPART_HOST, CURLUPART_PATH, CURLUPART_QUERY, CURLUPART_USER, CURLUPART_PASSWORD,
	};
	char *got[sizeof parts / sizeof parts[0]] = { NULL };
	const char *needles[2 + sizeof parts / sizeof parts[0]] = { url, secret };
	CURLU *u = url ? curl_url() : NULL;

	if (u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK) {
		for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
			if (curl_url_get(u, parts[i], &got[i], 0) != CURLUE_OK)
				got[i] = NULL;
			/* "/" alone says nothing; longer paths carry webhook keys */
			needles[2 + i] = got[i] && strcmp(got[i], "/") != 0 ? got[i] : NULL;
		}
	}
	td_secret_redact(text, needles, sizeof needles / sizeof needles[0]);
	for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
		curl_free(got[i]);
	curl_url_cleanup(u);
}

/* Whether curl's error is one a later attempt may not have. */
static bool td_webhook_transient(int code)
{
	switch (code) {
	case CURLE_COULDNT_RESOLVE_PROXY:
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
		return true;
	default:
		return false;
	}
}

td_webhook_verdict td_webhook_judge(int curl_code, long status)
{
	if (curl_code != CURLE_OK)
		return td_webhook_transient(curl_code) ? TD_WEBHOOK_RETRY : TD_WEBHOOK_FAIL;
	if (status >= 200 && status <= 299)
		return TD_WEBHOOK_OK;
	if (status == 429 || (status >= 500 && status <= 599))
		return TD_WEBHOOK_RETRY;
	return TD_WEBHOOK_FAIL;
}

int64_t td_webhook_delay_ms(const td_webhook_policy *p, int retry, long retry_after_s)
{
	if (retry_after_s >= 0) {
		int64_t ms = (int64_t)retry_after_s * 1000;
		return ms < p->retry_after_max_ms ? ms : p->retry_after_max_ms;
	}
	int64_t ms = p->backoff_ms;
	for (int i = 1; i < retry && ms < p->backoff_max_ms; i++)
		ms *= 2;
	return ms < p->backoff_max_ms ? ms : p->backoff_max_ms;
}
