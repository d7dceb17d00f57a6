/*
 * Webhook targets: the config line that names one, the exact body each kind
 * of receiver accepts, the URL to post to, and the retry policy.
 *
 * Kinds (doc/alert-sinks.md shows each body):
 *   json      POST {"time","level","rule","symbol","message"} to the URL
 *   slack     POST {"text"} to a Slack incoming-webhook URL
 *   discord   POST {"content","allowed_mentions"} to a Discord webhook URL
 *   telegram  POST {"chat_id","text"} to <api>/bot<TOKEN>/sendMessage
 * Bodies are built with cJSON, so escaping is cJSON's.  Everything here is
 * pure (no I/O); the notifier's worker does the sending.
 *
 * A target is named in logs only as "webhook 'NAME' (KIND)": its URL and
 * token are secrets and no message made here contains them.
 */
#ifndef TD_ALERT_WEBHOOK_H
#define TD_ALERT_WEBHOOK_H

#include <stddef.h>
#include <stdint.h>

#include "message.h"

#define TD_WEBHOOK_NAME_MAX 32   /* bytes with the NUL */
#define TD_WEBHOOK_REF_MAX 512
#define TD_WEBHOOK_CHAT_MAX 64
#define TD_WEBHOOK_URL_MAX 1024

typedef enum td_webhook_kind {
	TD_WEBHOOK_JSON = 0,
	TD_WEBHOOK_SLACK,
	TD_WEBHOOK_DISCORD,
	TD_WEBHOOK_TELEGRAM,
	TD_WEBHOOK_KIND_COUNT
} td_webhook_kind;

typedef struct td_webhook_target {
	char name[TD_WEBHOOK_NAME_MAX];  /* letters, digits, '-', '_' */
	td_webhook_kind kind;
	/* the URL (json, slack, discord) or the bot token (telegram): literal, env:NAME or file:KEY */
	char ref[TD_WEBHOOK_REF_MAX];
	char chat_id[TD_WEBHOOK_CHAT_MAX];  /* telegram: -?digits or @channel; "" otherwise */
} td_webhook_target;

/* "json", "slack", "discord", "telegram"; "?" out of range. */
const char *td_webhook_kind_name(td_webhook_kind kind);

/* Parse a kind name (lower case); 0, or -1 when unknown. */
int td_webhook_kind_parse(const char *s, td_webhook_kind *out);

/*
 * Parse a target line "NAME KIND URL-OR-SECRET-REF [CHAT_ID]" (blank
 * separated; CHAT_ID for telegram only).  0, or -1 with err saying which
 * field is wrong and why; err never repeats a literal URL or token.  The
 * names "desktop", "webhooks" and "all" are taken by td_sinks_parse.
 */
int td_webhook_target_parse(const char *line, td_webhook_target *t, char *err, size_t errlen);

/*
 * The one-line text the chat kinds send: "[LEVEL] RULE SYMBOL: MESSAGE", or
 * "[LEVEL] RULE: MESSAGE" without a symbol.
 */
void td_webhook_text(const td_alert_msg *m, char *buf, size_t n);

/*
 * The request body for m, unformatted JSON as the target's kind wants it.
 * The caller frees it with cJSON_free.  NULL when out of memory.
 */
char *td_webhook_payload(const td_webhook_target *t, const td_alert_msg *m);

/*
 * The URL to post to, from the resolved secret (the URL itself, or the
 * telegram token appended to telegram_api, which has no trailing '/').
 * Only http and https are accepted.  0, or -1 with err (without the secret).
 */
int td_webhook_url(const td_webhook_target *t, const char *secret, const char *telegram_api,
		   char *url, size_t n, char *err, size_t errlen);

/*
 * Replace in text (in place) the URL, the secret and the URL's host, path,
 * query and user info with "***": for error texts that may quote them, such
 * as curl's CURLOPT_ERRORBUFFER.  url or secret may be NULL.
 */
void td_webhook_redact(char *text, const char *url, const char *secret);

typedef struct td_webhook_policy {
	int connect_timeout_ms;  /* to connect (DNS, TCP, TLS) */
	int timeout_ms;          /* the whole request */
	int retries;             /* retries after the first attempt */
	int backoff_ms;          /* before the first retry; doubles for each next one */
	int backoff_max_ms;      /* cap of the doubling */
	int retry_after_max_ms;  /* cap of a server's Retry-After */
} td_webhook_policy;

typedef enum td_webhook_verdict {
	TD_WEBHOOK_OK = 0,  /* delivered (HTTP 2xx) */
	TD_WEBHOOK_RETRY,   /* 5xx, 429 or a network error: try again later */
	TD_WEBHOOK_FAIL     /* any other status, or an error retrying cannot fix */
} td_webhook_verdict;

/* Judge one attempt by curl's result code and the HTTP status (0 when none came). */
td_webhook_verdict td_webhook_judge(int curl_code, long status);

/*
 * Milliseconds to wait before retry number `retry` (1 for the first):
 * backoff_ms * 2^(retry - 1), at most backoff_max_ms; or, when the server
 * sent Retry-After (retry_after_s >= 0; -1 when absent), that many seconds,
 * at most retry_after_max_ms.
 */
int64_t td_webhook_delay_ms(const td_webhook_policy *p, int retry, long retry_after_s);

#endif
