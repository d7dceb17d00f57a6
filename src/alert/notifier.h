/*
 * The notifier: sends fired alerts to the sinks that can block (desktop
 * notifications, webhooks) from one worker thread, so the engine never
 * waits on D-Bus, DNS or HTTP.
 *
 *   engine thread                          worker thread
 *   td_notifier_post ──alert queue──▶  desktop (libnotify), webhooks (libcurl
 *   (copy, never blocks)  (bounded)        multi: every target at once, each
 *                                          with its own backlog and retries)
 *   td_notifier_poll ◀─event queue───  log lines (redacted), state changes
 *
 * The engine posts a td_alert_msg with the sinks a rule named (td_sinks,
 * from td_sinks_parse) and once per loop turn polls events: each is a line
 * for the log, and some are also state changes the UI acts on (desktop
 * notifications became unavailable: fall back to the bell and the pane).
 * The bell, the status-bar flash and the alerts pane are the UI's: they do
 * not go through the notifier.
 *
 * Bounds: the alert queue holds `queue` alerts; a post to a full queue is
 * dropped and counted, and said once in the events per burst.  Each webhook
 * target holds at most `backlog` alerts (the one being sent included); more
 * are dropped for that target, counted and said once per burst, so a dead
 * receiver never holds back the others.  The event queue holds `events`
 * entries; log lines that find it full are counted and summed up later,
 * state changes wait for room.
 *
 * td_notifier_free stops the worker promptly, even in a retry back-off or
 * a slow request (both wait on the wake fd): alerts still in the queue, in
 * a backlog or in flight are given up without a word.  The one wait it
 * cannot cut is a D-Bus call in progress to a hung notification server
 * (at most the D-Bus timeout, 25 s).
 */
#ifndef TD_ALERT_NOTIFIER_H
#define TD_ALERT_NOTIFIER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/log.h"
#include "message.h"
#include "webhook.h"

#define TD_NOTIFIER_TARGETS_MAX 32
#define TD_NOTIFIER_EVENT_MAX 320  /* bytes of an event's text, with the NUL */

/*
 * The sinks an alert goes to: bit 0 desktop, bit 1 + i webhook target i
 * of the params.  0 sends nowhere (the UI's bell and pane still show it).
 */
typedef uint64_t td_sinks;
#define TD_SINK_DESKTOP ((td_sinks)1)
#define TD_SINK_WEBHOOK(i) ((td_sinks)1 << (1 + (i)))

typedef struct td_notifier_params {
	size_t queue;             /* alerts the engine may post ahead of the worker */
	size_t events;            /* log lines and state changes waiting for td_notifier_poll */
	size_t backlog;           /* alerts waiting per webhook target, the one in flight included */
	bool desktop;             /* try desktop notifications at all */
	int desktop_recheck_s;    /* when unavailable, look again at most this often (on an alert) */
	td_webhook_policy policy; /* timeouts, retries, back-off */
	char telegram_api[256];   /* base of the Telegram Bot API, no trailing '/' */
	char credentials[512];    /* credentials file; "" = the default (secrets.h) */
	size_t ntargets;
	td_webhook_target targets[TD_NOTIFIER_TARGETS_MAX];
} td_notifier_params;

/* The defaults listed in doc/alert-sinks.md, with no webhook targets. */
void td_notifier_defaults(td_notifier_params *p);

/* Append the target a line describes (td_webhook_target_parse); 0, or -1 with err. */
int td_notifier_add_target(td_notifier_params *p, const char *line, char *err, size_t errlen);

/*
 * Resolve a list of sink names (comma- or blank-separated) against the
 * params' targets: "desktop", "webhook:NAME" or just "NAME" for a target,
 * "webhooks" for every target, "all" for everything.  0, or -1 with err
 * naming the first unknown sink.
 */
int td_sinks_parse(const td_notifier_params *p, const char *list, td_sinks *out, char *err,
		   size_t errlen);

typedef enum td_notifier_event_kind {
	TD_NOTE_LOG = 0,       /* a line for the log */
	TD_NOTE_DESKTOP_ON,    /* desktop notifications work (text says through what) */
	TD_NOTE_DESKTOP_OFF    /* they do not: the UI falls back to the bell; text says why */
} td_notifier_event_kind;

typedef struct td_notifier_event {
	td_notifier_event_kind kind;
	td_log_level level;                 /* for the log */
	char text[TD_NOTIFIER_EVENT_MAX];   /* the log line; never a URL or a token */
} td_notifier_event;

typedef struct td_notifier_stats {
	uint64_t posted;          /* alerts accepted by td_notifier_post */
	uint64_t dropped;         /* alerts refused by td_notifier_post: the queue was full */
	uint64_t sent;            /* deliveries done (one alert to one sink) */
	uint64_t failed;          /* deliveries given up: retries spent, refused, or target unusable */
	uint64_t retried;         /* retries scheduled */
	uint64_t backlog_dropped; /* deliveries refused because a target's backlog was full */
	uint64_t fallback;        /* desktop deliveries left to the bell and pane: no service */
	uint64_t events_dropped;  /* log lines lost because the event queue was full */
} td_notifier_stats;

typedef struct td_notifier td_notifier;

/*
 * Resolve every target's secret, initialise libcurl (curl_global_init) and
 * start the worker.  A target whose secret or URL is unusable does not stop
 * the others: it is disabled, its alerts count as failed, and the first
 * events say why.  NULL with err when the notifier itself cannot start.
 * Engine thread; at most one notifier per process (libnotify's state is
 * process-wide).
 */
td_notifier *td_notifier_new(const td_notifier_params *p, char *err, size_t errlen);

/* Stop the worker (see above), release everything. */
void td_notifier_free(td_notifier *n);

/*
 * Engine thread: hand m to the worker for `sinks`.  Never blocks, never
 * allocates: copies m into a slot.  True when queued; false when the queue
 * is full (the alert is counted as dropped) or sinks is 0.
 */
bool td_notifier_post(td_notifier *n, const td_alert_msg *m, td_sinks sinks);

/* Engine thread: take the next event into *out; false when there is none. */
bool td_notifier_poll(td_notifier *n, td_notifier_event *out);

/*
 * An fd for the engine's poll(): it becomes readable when an event arrives
 * after td_notifier_poll last returned false (that call also cleared it).
 */
int td_notifier_fd(const td_notifier *n);

/* A snapshot of the counters; any thread. */
td_notifier_stats td_notifier_get_stats(const td_notifier *n);

#endif
