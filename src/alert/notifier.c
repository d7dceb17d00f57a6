/*
 * The notifier's worker.
 *
 * DESIGN.  One thread, one wait: curl_multi_poll, which sleeps until a
 * transfer needs attention, the alert queue's wake fd fires, the next
 * retry is due, or td_notifier_free calls curl_multi_wakeup.  Each turn:
 *
 *   1. take every queued alert: show it on the desktop (a blocking D-Bus
 *      call), and append one body per named webhook target to the target's
 *      backlog (or drop it there when the backlog is full);
 *   2. start the oldest delivery of every idle target whose back-off is over;
 *   3. let curl move the transfers, and judge each one that finished:
 *      delivered, retry after a delay, or give up;
 *   4. sleep until the earliest of: a retry due, curl's own timeout.
 *
 * Targets never wait on each other: each has its own easy handle (kept
 * between alerts, so a connection to the receiver is reused) and sends its
 * backlog in order, one request at a time.
 *
 * Ownership by thread: fields marked (engine) are touched only by the
 * thread that calls post and poll; (worker) only by the worker, after
 * td_notifier_new has handed them over by starting it; counters are atomic.
 */
#include "notifier.h"

#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>

#include "core/text.h"
#include "core/time.h"
#include "desktop.h"
#include "secrets.h"
#include "sink_queue.h"

#define TD_NOTIFIER_IDLE_MS 60000     /* longest sleep with nothing due */
#define TD_NOTIFIER_RETRY_NOTE_MS 100 /* how soon to retry a note that found the event queue full */

/* One alert on its way to the worker. */
typedef struct td_notifier_slot {
	td_alert_msg msg;
	td_sinks sinks;
} td_notifier_slot;

/* One alert waiting in a target's backlog. */
typedef struct td_delivery {
	char *body;                        /* owned; cJSON_free */
	char rule[TD_ALERT_RULE_MAX];      /* for log lines */
	char symbol[TD_ALERT_SYMBOL_MAX];
} td_delivery;

typedef enum td_desk_state { TD_DESK_UNKNOWN = 0, TD_DESK_ON, TD_DESK_OFF } td_desk_state;

/* A webhook target as the worker sees it. */
typedef struct td_target {
	td_webhook_target cfg;
	bool usable;                       /* its secret and URL resolved */
	char secret[TD_WEBHOOK_REF_MAX];   /* wiped at free */
	char url[TD_WEBHOOK_URL_MAX];      /* wiped at free */
	CURL *easy;
	char errbuf[CURL_ERROR_SIZE];
	td_delivery *backlog;              /* ring of params.backlog entries */
	size_t head, count;                /* oldest entry, entries held */
	bool inflight;                     /* the oldest entry's request is running */
	int attempts;                      /* made for the oldest entry */
	td_mono due;                       /* the oldest entry may be tried from then */
	uint64_t burst;                    /* alerts dropped since the backlog filled */
} td_target;

struct td_notifier {
	td_notifier_params p;
	td_sink_queue *in;                 /* alerts: engine -> worker */
	td_sink_queue *out;                /* events: worker -> engine */
	CURLM *multi;
	struct curl_slist *headers;
	td_target *targets;                /* p.ntargets */
	pthread_t thread;
	bool started;
	_Atomic bool stop;
	/* counters (any thread) */
	_Atomic uint64_t posted, dropped, sent, failed, retried, backlog_dropped, fallback,
		events_dropped;
	/* (engine) drops at td_notifier_post not yet said */
	uint64_t burst;                    /* dropped since the queue filled */
	bool burst_said;                   /* its first event was returned */
	uint64_t burst_total;              /* dropped in bursts that ended, to report */
	/* (worker) */
	td_desktop *desk;
	td_desk_state desk_state;
	td_mono desk_next_check;
	td_notifier_event pending_state;   /* a state change that found the event queue full */
	bool has_pending_state;
	uint64_t lost_lines;               /* log lines lost since the last summary */
};

static const char td_user_agent[] = "tapedeck/" TD_VERSION;

void td_notifier_defaults(td_notifier_params *p)
{
	memset(p, 0, sizeof(*p));
	p->queue = 256;
	p->events = 64;
	p->backlog = 64;
	p->desktop = true;
	p->desktop_recheck_s = 300;
	p->policy = (td_webhook_policy){
		.connect_timeout_ms = 5000,
		.timeout_ms = 10000,
		.retries = 3,
		.backoff_ms = 1000,
		.backoff_max_ms = 30000,
		.retry_after_max_ms = 60000,
	};
	td_strlcpy(p->telegram_api, "https://api.telegram.org", sizeof p->telegram_api);
}

int td_notifier_add_target(td_notifier_params *p, const char *line, char *err, size_t errlen)
{
	td_webhook_target t;

	if (p->ntargets == TD_NOTIFIER_TARGETS_MAX)
		return td_errf(err, errlen, "webhook target: too many (at most %d)",
			       TD_NOTIFIER_TARGETS_MAX);
	if (td_webhook_target_parse(line, &t, err, errlen) != 0)
		return -1;
	for (size_t i = 0; i < p->ntargets; i++)
		if (strcmp(p->targets[i].name, t.name) == 0)
			return td_errf(err, errlen, "webhook '%s': the name is already used", t.name);
	p->targets[p->ntargets++] = t;
	return 0;
}

/* The bits for one sink name. */
static int td_sinks_one(const td_notifier_params *p, const char *name, td_sinks *out)
{
	td_sinks every = 0;
	for (size_t i = 0; i < p->ntargets; i++)
		every |= TD_SINK_WEBHOOK(i);
	if (strcmp(name, "desktop") == 0)
		*out = TD_SINK_DESKTOP;
	else if (strcmp(name, "webhooks") == 0)
		*out = every;
	else if (strcmp(name, "all") == 0)
		*out = every | TD_SINK_DESKTOP;
	else {
		if (strncmp(name, "webhook:", 8) == 0)
			name += 8;
		for (size_t i = 0; i < p->ntargets; i++) {
			if (strcmp(name, p->targets[i].name) == 0) {
				*out = TD_SINK_WEBHOOK(i);
				return 0;
			}
		}
		return -1;
	}
	return 0;
}

int td_sinks_parse(const td_notifier_params *p, const char *list, td_sinks *out, char *err,
		   size_t errlen)
{
	char buf[1024], clean[64];
	char *save = NULL;

	*out = 0;
	if (strlen(list) >= sizeof buf)
		return td_errf(err, errlen, "sink list too long (at most %zu bytes)", sizeof buf - 1);
	td_strlcpy(buf, list, sizeof buf);
	for (char *s = strtok_r(buf, ", \t", &save); s; s = strtok_r(NULL, ", \t", &save)) {
		td_sinks bits;
		if (td_sinks_one(p, s, &bits) != 0) {
			td_text_sanitize(clean, sizeof clean, s);
			return td_errf(err, errlen, "unknown sink '%s' (desktop, webhooks, all, or a "
				       "webhook target's name)", clean);
		}
		*out |= bits;
	}
	return 0;
}

/* Add 1 to a counter. */
static void td_count(_Atomic uint64_t *c)
{
	atomic_fetch_add_explicit(c, 1, memory_order_relaxed);
}

/* Queue an event for the engine (worker, or engine before the worker starts). */
__attribute__((format(printf, 4, 5)))
static void td_note(td_notifier *n, td_notifier_event_kind kind, td_log_level level,
		    const char *fmt, ...)
{
	td_notifier_event ev = { .kind = kind, .level = level };
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ev.text, sizeof ev.text, fmt, ap);
	va_end(ap);
	if (td_sink_queue_push(n->out, &ev))
		return;
	if (kind != TD_NOTE_LOG) {
		n->pending_state = ev;  /* the latest state is the one that matters */
		n->has_pending_state = true;
		return;
	}
	n->lost_lines++;
	td_count(&n->events_dropped);
}

/* Retry what found the event queue full; true while something still waits. */
static bool td_note_flush(td_notifier *n)
{
	if (n->has_pending_state && td_sink_queue_push(n->out, &n->pending_state))
		n->has_pending_state = false;
	if (n->lost_lines && !n->has_pending_state) {
		td_notifier_event ev = { .kind = TD_NOTE_LOG, .level = TD_LOG_WARN };
		snprintf(ev.text, sizeof ev.text, "alert sinks: %llu log line%s lost (event queue full)",
			 (unsigned long long)n->lost_lines, n->lost_lines == 1 ? "" : "s");
		if (td_sink_queue_push(n->out, &ev))
			n->lost_lines = 0;
	}
	return n->has_pending_state || n->lost_lines;
}

/* ---- desktop (worker) ---- */

/* Record a desktop state, telling the engine only when it changed. */
static void td_desk_set(td_notifier *n, td_desk_state st, td_log_level level, const char *text)
{
	if (n->desk_state == st)
		return;
	n->desk_state = st;
	if (st == TD_DESK_ON)
		td_note(n, TD_NOTE_DESKTOP_ON, level, "%s", text);
	else
		td_note(n, TD_NOTE_DESKTOP_OFF, level, "desktop notifications unavailable: %s; "
			"alerts go to the bell and the pane", text);
}

/* Try to open the desktop sink, at most once per recheck interval. */
static void td_desk_try_open(td_notifier *n)
{
	char info[TD_NOTIFIER_EVENT_MAX - 80];
	td_mono now = td_mono_now();

	if (now < n->desk_next_check)
		return;
	n->desk_next_check = now + (td_mono)n->p.desktop_recheck_s * TD_NS_PER_SEC;
	if (td_desktop_open(n->desk, info, sizeof info) == 0)
		td_desk_set(n, TD_DESK_ON, TD_LOG_INFO, info);
	else
		td_desk_set(n, TD_DESK_OFF, TD_LOG_WARN, info);
}

/* Show m on the desktop, or leave it to the UI's fallback. */
static void td_desk_send(td_notifier *n, const td_alert_msg *m)
{
	char why[TD_NOTIFIER_EVENT_MAX - 80];

	if (!n->desk) {
		td_count(&n->fallback);
		return;
	}
	if (!td_desktop_is_open(n->desk))
		td_desk_try_open(n);
	if (!td_desktop_is_open(n->desk)) {
		td_count(&n->fallback);
		return;
	}
	if (td_desktop_show(n->desk, m, why, sizeof why) == 0) {
		td_count(&n->sent);
		return;
	}
	n->desk_next_check = td_mono_now() + (td_mono)n->p.desktop_recheck_s * TD_NS_PER_SEC;
	td_desk_set(n, TD_DESK_OFF, TD_LOG_WARN, why);
	td_count(&n->fallback);
}

/* ---- webhooks (worker) ---- */

/* "webhook 'NAME' (KIND)" is how every line names a target. */
#define TD_TGT_FMT "webhook '%s' (%s)"
#define TD_TGT_ARGS(t) (t)->cfg.name, td_webhook_kind_name((t)->cfg.kind)

/* Queue one body for target t, or drop it when the backlog is full. */
static void td_target_enqueue(td_notifier *n, td_target *t, const td_alert_msg *m)
{
	if (!t->usable) {
		td_count(&n->failed);
		return;
	}
	if (t->count == n->p.backlog) {
		td_count(&n->backlog_dropped);
		if (t->burst++ == 0)
			td_note(n, TD_NOTE_LOG, TD_LOG_WARN, TD_TGT_FMT ": backlog full (%zu alerts "
				"waiting), dropping alerts until it drains", TD_TGT_ARGS(t), t->count);
		return;
	}
	char *body = td_webhook_payload(&t->cfg, m);
	if (!body) {
		td_count(&n->failed);
		td_note(n, TD_NOTE_LOG, TD_LOG_ERROR, TD_TGT_FMT ": out of memory for alert '%s'",
			TD_TGT_ARGS(t), m->rule);
		return;
	}
	td_delivery *d = &t->backlog[(t->head + t->count) % n->p.backlog];
	d->body = body;
	td_strlcpy(d->rule, m->rule, sizeof d->rule);
	td_strlcpy(d->symbol, m->symbol, sizeof d->symbol);
	if (t->count++ == 0) {
		t->attempts = 0;
		t->due = 0;
	}
}

/* Take every queued alert and hand it to its sinks. */
static void td_intake(td_notifier *n)
{
	td_notifier_slot s;

	while (!atomic_load_explicit(&n->stop, memory_order_relaxed) && td_sink_queue_pop(n->in, &s)) {
		if (s.sinks & TD_SINK_DESKTOP)
			td_desk_send(n, &s.msg);
		for (size_t i = 0; i < n->p.ntargets; i++)
			if (s.sinks & TD_SINK_WEBHOOK(i))
				td_target_enqueue(n, &n->targets[i], &s.msg);
	}
}

/* Drop the oldest entry of t's backlog (sent or given up). */
static void td_target_pop(td_notifier *n, td_target *t)
{
	td_delivery *d = &t->backlog[t->head];
	cJSON_free(d->body);
	d->body = NULL;
	t->head = (t->head + 1) % n->p.backlog;
	t->count--;
	t->attempts = 0;
	t->due = 0;
	if (t->burst) {
		td_note(n, TD_NOTE_LOG, TD_LOG_WARN, TD_TGT_FMT ": backlog has room again; %llu "
			"alerts were dropped", TD_TGT_ARGS(t), (unsigned long long)t->burst);
		t->burst = 0;
	}
}

/* Start the oldest delivery of every idle target whose wait is over. */
static void td_start_due(td_notifier *n, td_mono now)
{
	for (size_t i = 0; i < n->p.ntargets; i++) {
		td_target *t = &n->targets[i];
		if (t->inflight || t->count == 0 || t->due > now)
			continue;
		const char *body = t->backlog[t->head].body;
		curl_easy_setopt(t->easy, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(t->easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(body));
		t->errbuf[0] = '\0';
		if (curl_multi_add_handle(n->multi, t->easy) != CURLM_OK) {
			td_count(&n->failed);
			td_note(n, TD_NOTE_LOG, TD_LOG_ERROR, TD_TGT_FMT ": cannot start a request",
				TD_TGT_ARGS(t));
			td_target_pop(n, t);
			continue;
		}
		t->inflight = true;
		t->attempts++;
	}
}

/* Write a delay as "250 ms", "2 s" or "1.5 s". */
static void td_fmt_delay(char *buf, size_t n, int64_t ms)
{
	if (ms < 1000)
		snprintf(buf, n, "%lld ms", (long long)ms);
	else if (ms % 1000 == 0)
		snprintf(buf, n, "%lld s", (long long)(ms / 1000));
	else
		snprintf(buf, n, "%.1f s", (double)ms / 1000.0);
}

/* What went wrong with an attempt, for the log: curl's text (redacted) or the status. */
static void td_describe(td_target *t, CURLcode rc, long status, char *buf, size_t n)
{
	char text[CURL_ERROR_SIZE + 64];

	if (rc == CURLE_OK) {
		snprintf(buf, n, "HTTP %ld%s", status,
			 status >= 300 && status <= 399 ? " (redirects are not followed)" : "");
		return;
	}
	td_strlcpy(text, t->errbuf[0] ? t->errbuf : curl_easy_strerror(rc), sizeof text);
	td_webhook_redact(text, t->url, t->secret);
	td_text_sanitize(buf, n, text);
}

/* Judge t's finished request: delivered, retry later, or give up. */
static void td_finish(td_notifier *n, td_target *t, CURLcode rc)
{
	long status = 0;
	curl_off_t after = 0;
	char what[160], delay[32];

	curl_multi_remove_handle(n->multi, t->easy);
	t->inflight = false;
	curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &status);
	td_webhook_verdict v = td_webhook_judge(rc, status);
	const td_delivery *d = &t->backlog[t->head];
	if (v == TD_WEBHOOK_OK) {
		td_count(&n->sent);
		if (t->attempts > 1)
			td_note(n, TD_NOTE_LOG, TD_LOG_INFO, TD_TGT_FMT ": delivered on attempt %d",
				TD_TGT_ARGS(t), t->attempts);
		td_target_pop(n, t);
		return;
	}
	td_describe(t, rc, status, what, sizeof what);
	if (v == TD_WEBHOOK_RETRY && t->attempts <= n->p.policy.retries) {
		/* curl gives 0 when there was no Retry-After: the back-off applies then */
		if ((status == 429 || status == 503) &&
		    curl_easy_getinfo(t->easy, CURLINFO_RETRY_AFTER, &after) != CURLE_OK)
			after = 0;
		int64_t ms = td_webhook_delay_ms(&n->p.policy, t->attempts, after > 0 ? (long)after : -1);
		t->due = td_mono_now() + ms * TD_NS_PER_MS;
		td_count(&n->retried);
		td_fmt_delay(delay, sizeof delay, ms);
		char why[64] = "";
		if (after > 0)
			snprintf(why, sizeof why, " (Retry-After %lld s%s)", (long long)after,
				 (int64_t)after * 1000 > ms ? ", capped" : "");
		td_note(n, TD_NOTE_LOG, TD_LOG_WARN, TD_TGT_FMT ": %s, retry %d of %d in %s%s",
			TD_TGT_ARGS(t), what, t->attempts, n->p.policy.retries, delay, why);
		return;
	}
	td_count(&n->failed);
	if (v == TD_WEBHOOK_RETRY)
		td_note(n, TD_NOTE_LOG, TD_LOG_ERROR, TD_TGT_FMT ": %s, giving up after %d attempt%s: "
			"alert '%s'%s%s not delivered", TD_TGT_ARGS(t), what, t->attempts,
			t->attempts == 1 ? "" : "s", d->rule, d->symbol[0] ? " " : "", d->symbol);
	else
		td_note(n, TD_NOTE_LOG, TD_LOG_ERROR, TD_TGT_FMT ": %s, not retried: alert '%s'%s%s "
			"not delivered", TD_TGT_ARGS(t), what, d->rule, d->symbol[0] ? " " : "", d->symbol);
	td_target_pop(n, t);
}

/* Judge every request curl has finished. */
static void td_reap(td_notifier *n)
{
	CURLMsg *msg;
	int left;

	while ((msg = curl_multi_info_read(n->multi, &left))) {
		if (msg->msg != CURLMSG_DONE)
			continue;
		char *t = NULL;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &t);
		if (t)
			td_finish(n, (td_target *)(void *)t, msg->data.result);
	}
}

/* Milliseconds until the next retry is due (0 if one is due now). */
static int td_next_wait(const td_notifier *n, td_mono now)
{
	int64_t wait = TD_NOTIFIER_IDLE_MS;
	for (size_t i = 0; i < n->p.ntargets; i++) {
		const td_target *t = &n->targets[i];
		if (t->inflight || t->count == 0)
			continue;
		int64_t ms = t->due <= now ? 0 : (t->due - now + TD_NS_PER_MS - 1) / TD_NS_PER_MS;
		if (ms < wait)
			wait = ms;
	}
	return (int)wait;
}

/* Thread body: the loop of the file comment, until stop. */
static void *td_notifier_main(void *arg)
{
	td_notifier *n = arg;
	struct curl_waitfd wake = { .fd = td_sink_queue_fd(n->in), .events = CURL_WAIT_POLLIN };
	int running;

	if (!n->p.desktop)
		td_desk_set(n, TD_DESK_OFF, TD_LOG_INFO, "turned off in the configuration");
	else if (!(n->desk = td_desktop_new()))
		td_desk_set(n, TD_DESK_OFF, TD_LOG_ERROR, "out of memory");
	else
		td_desk_try_open(n);
	while (!atomic_load_explicit(&n->stop, memory_order_relaxed)) {
		td_intake(n);
		td_start_due(n, td_mono_now());
		curl_multi_perform(n->multi, &running);
		td_reap(n);
		int wait = td_next_wait(n, td_mono_now());
		if (td_note_flush(n) && wait > TD_NOTIFIER_RETRY_NOTE_MS)
			wait = TD_NOTIFIER_RETRY_NOTE_MS;
		if (!td_sink_queue_arm(n->in))
			continue;  /* alerts arrived meanwhile */
		if (wait > 0)
			curl_multi_poll(n->multi, &wake, 1, wait, NULL);
		td_sink_queue_drain_fd(n->in);
	}
	td_desktop_free(n->desk);
	n->desk = NULL;
	return NULL;
}

/* ---- lifecycle (engine) ---- */

/* Discard a response body: only the status matters. */
static size_t td_discard(char *ptr, size_t size, size_t nmemb, void *user)
{
	(void)ptr;
	(void)user;
	return size * nmemb;
}

/* Resolve t's secret and URL and make its easy handle; false (t disabled) with err. */
static bool td_target_setup(td_notifier *n, td_target *t, char *err, size_t errlen)
{
	char why[256];
	const td_webhook_policy *pol = &n->p.policy;

	if (td_secret_resolve(t->cfg.ref, n->p.credentials, t->secret, sizeof t->secret, why,
			      sizeof why) != 0) {
		td_errf(err, errlen, TD_TGT_FMT ": disabled: %s", TD_TGT_ARGS(t), why);
		return false;
	}
	if (td_webhook_url(&t->cfg, t->secret, n->p.telegram_api, t->url, sizeof t->url, why,
			   sizeof why) != 0) {
		td_errf(err, errlen, "%s; disabled", why);
		return false;
	}
	t->easy = curl_easy_init();
	if (!t->easy) {
		td_errf(err, errlen, TD_TGT_FMT ": disabled: out of memory", TD_TGT_ARGS(t));
		return false;
	}
	curl_easy_setopt(t->easy, CURLOPT_URL, t->url);
	curl_easy_setopt(t->easy, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(t->easy, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(t->easy, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(t->easy, CURLOPT_HTTPHEADER, n->headers);
	curl_easy_setopt(t->easy, CURLOPT_USERAGENT, td_user_agent);
	curl_easy_setopt(t->easy, CURLOPT_CONNECTTIMEOUT_MS, (long)pol->connect_timeout_ms);
	curl_easy_setopt(t->easy, CURLOPT_TIMEOUT_MS, (long)pol->timeout_ms);
	curl_easy_setopt(t->easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(t->easy, CURLOPT_ERRORBUFFER, t->errbuf);
	curl_easy_setopt(t->easy, CURLOPT_WRITEFUNCTION, td_discard);
	curl_easy_setopt(t->easy, CURLOPT_PRIVATE, (void *)t);
	return true;
}

/* Check the params that must be positive. */
static int td_notifier_check(const td_notifier_params *p, char *err, size_t errlen)
{
	const td_webhook_policy *pol = &p->policy;

	if (p->queue == 0 || p->events == 0 || p->backlog == 0)
		return td_errf(err, errlen, "alert sinks: queue, events and backlog must be at least 1");
	if (pol->connect_timeout_ms <= 0 || pol->timeout_ms <= 0 || pol->retries < 0 ||
	    pol->backoff_ms < 0 || pol->backoff_max_ms < pol->backoff_ms ||
	    pol->retry_after_max_ms < 0 || p->desktop_recheck_s < 0)
		return td_errf(err, errlen, "alert sinks: timeouts must be positive, retries, "
			       "back-off and recheck not negative, back-off max at least back-off");
	if (p->ntargets > TD_NOTIFIER_TARGETS_MAX)
		return td_errf(err, errlen, "alert sinks: too many webhook targets");
	return 0;
}

/* Make the queues, the curl handles and the targets; -1 with err. */
static int td_notifier_build(td_notifier *n, char *err, size_t errlen)
{
	char why[TD_NOTIFIER_EVENT_MAX];

	n->in = td_sink_queue_new(n->p.queue, sizeof(td_notifier_slot));
	n->out = td_sink_queue_new(n->p.events, sizeof(td_notifier_event));
	n->multi = curl_multi_init();
	n->headers = curl_slist_append(NULL, "Content-Type: application/json");
	/* never wait for a "100 Continue" a webhook receiver may not send */
	if (n->headers)
		n->headers = curl_slist_append(n->headers, "Expect:");
	n->targets = calloc(n->p.ntargets ? n->p.ntargets : 1, sizeof(*n->targets));
	if (!n->in || !n->out || !n->multi || !n->headers || !n->targets)
		return td_errf(err, errlen, "alert sinks: out of memory");
	for (size_t i = 0; i < n->p.ntargets; i++) {
		td_target *t = &n->targets[i];
		t->cfg = n->p.targets[i];
		t->backlog = calloc(n->p.backlog, sizeof(*t->backlog));
		if (!t->backlog)
			return td_errf(err, errlen, "alert sinks: out of memory");
		t->usable = td_target_setup(n, t, why, sizeof why);
		if (!t->usable)
			td_note(n, TD_NOTE_LOG, TD_LOG_ERROR, "%s", why);
	}
	return 0;
}

/* Start the worker with every signal blocked, as the feed thread does; 0 or -1 with err. */
static int td_notifier_start(td_notifier *n, char *err, size_t errlen)
{
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	int rc = pthread_create(&n->thread, NULL, td_notifier_main, n);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	n->started = rc == 0;
	if (rc != 0)
		return td_errf(err, errlen, "alert sinks: cannot start the worker thread: %s",
			       strerror(rc));
	return 0;
}

td_notifier *td_notifier_new(const td_notifier_params *p, char *err, size_t errlen)
{
	if (td_notifier_check(p, err, errlen) != 0)
		return NULL;
	td_notifier *n = calloc(1, sizeof(*n));
	if (!n) {
		td_errf(err, errlen, "alert sinks: out of memory");
		return NULL;
	}
	n->p = *p;
	/* before any thread: curl_global_init is not safe to race with other curl calls */
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		td_errf(err, errlen, "alert sinks: libcurl could not start");
		free(n);
		return NULL;
	}
	if (td_notifier_build(n, err, errlen) != 0 || td_notifier_start(n, err, errlen) != 0) {
		td_notifier_free(n);
		return NULL;
	}
	return n;
}

void td_notifier_free(td_notifier *n)
{
	if (!n)
		return;
	if (n->started) {
		atomic_store(&n->stop, true);
		curl_multi_wakeup(n->multi);
		pthread_join(n->thread, NULL);
	}
	for (size_t i = 0; n->targets && i < n->p.ntargets; i++) {
		td_target *t = &n->targets[i];
		if (t->easy) {
			if (t->inflight)
				curl_multi_remove_handle(n->multi, t->easy);
			curl_easy_cleanup(t->easy);
		}
		for (size_t k = 0; t->backlog && k < t->count; k++)
			cJSON_free(t->backlog[(t->head + k) % n->p.backlog].body);
		free(t->backlog);
		td_secret_wipe(t, sizeof(*t));
	}
	free(n->targets);
	curl_slist_free_all(n->headers);
	if (n->multi)
		curl_multi_cleanup(n->multi);
	td_sink_queue_free(n->in);
	td_sink_queue_free(n->out);
	td_secret_wipe(&n->p, sizeof n->p);
	free(n);
	curl_global_cleanup();
}

/* ---- engine side ---- */

bool td_notifier_post(td_notifier *n, const td_alert_msg *m, td_sinks sinks)
{
	td_notifier_slot s;

	if (!sinks)
		return true;
	s.msg = *m;
	s.sinks = sinks;
	if (td_sink_queue_push(n->in, &s)) {
		td_count(&n->posted);
		if (n->burst) {
			n->burst_total += n->burst;
			n->burst = 0;
			n->burst_said = false;
		}
		return true;
	}
	td_count(&n->dropped);
	n->burst++;
	return false;
}

/* The engine's own notes about drops at post, if any is due; false otherwise. */
static bool td_notifier_burst_note(td_notifier *n, td_notifier_event *out)
{
	memset(out, 0, sizeof(*out));
	out->kind = TD_NOTE_LOG;
	out->level = TD_LOG_WARN;
	if (n->burst && !n->burst_said) {
		n->burst_said = true;
		snprintf(out->text, sizeof out->text, "alert queue full (%zu alerts): dropping alerts "
			 "until the sink worker catches up", n->p.queue);
		return true;
	}
	if (n->burst_total) {
		snprintf(out->text, sizeof out->text, "alert queue has room again; %llu alerts were "
			 "dropped", (unsigned long long)n->burst_total);
		n->burst_total = 0;
		return true;
	}
	return false;
}

bool td_notifier_poll(td_notifier *n, td_notifier_event *out)
{
	if (td_notifier_burst_note(n, out) || td_sink_queue_pop(n->out, out))
		return true;
	td_sink_queue_drain_fd(n->out);
	/* armed: the next event wakes the fd; not armed: one arrived just now */
	return !td_sink_queue_arm(n->out) && td_sink_queue_pop(n->out, out);
}

int td_notifier_fd(const td_notifier *n)
{
	return td_sink_queue_fd(n->out);
}

td_notifier_stats td_notifier_get_stats(const td_notifier *n)
{
	return (td_notifier_stats){
		.posted = atomic_load_explicit(&n->posted, memory_order_relaxed),
		.dropped = atomic_load_explicit(&n->dropped, memory_order_relaxed),
		.sent = atomic_load_explicit(&n->sent, memory_order_relaxed),
		.failed = atomic_load_explicit(&n->failed, memory_order_relaxed),
		.retried = atomic_load_explicit(&n->retried, memory_order_relaxed),
		.backlog_dropped = atomic_load_explicit(&n->backlog_dropped, memory_order_relaxed),
		.fallback = atomic_load_explicit(&n->fallback, memory_order_relaxed),
		.events_dropped = atomic_load_explicit(&n->events_dropped, memory_order_relaxed),
	};
}
