/*
 * Alerting on the engine thread: the evaluation book fed with the facts of
 * the engine's state (alert_facts.h), the rule set (alert/rules.h), the
 * log the alerts pane shows (alert/alog.h) and the notifier whose worker
 * sends desktop notifications and webhooks (alert/notifier.h).
 *
 *   drain: td_alerting_event per market event (marks the instrument)
 *   after the turn's studies are flushed: td_alerting_turn
 *       facts of each marked instrument -> closed bars -> evaluate ->
 *       once a second: time, chains of underlyings with rules, tick ->
 *       each firing through the rules' gate -> log, notifier, flash
 *
 * So a rule sees the state at the end of an engine turn (a turn applies
 * what arrived since the last one: at live speed one or a few events; a
 * price that crosses a level and comes back inside one turn is not seen).
 * Chains are recomputed for alerts at most once a second, and only for
 * underlyings that have rules.  Nothing here blocks: the notifier's queue
 * refuses (and counts) what does not fit.
 */
#ifndef TD_ALERTING_H
#define TD_ALERTING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alert/alog.h"
#include "alert/rules.h"
#include "core/config.h"
#include "core/session.h"
#include "engine/analysis.h"
#include "engine/market.h"
#include "engine/optchain.h"

typedef struct td_alerting td_alerting;

typedef struct td_alerting_params {
	const td_config *cfg;       /* [alerts] */
	const td_registry *reg;
	const td_market *m;
	td_analysis *analysis;      /* studies of the watchlist */
	td_optchain *chains;
	const td_session *session;  /* the zone of days, hours and `time` */
	const uint32_t *watch;      /* the watchlist: `instruments = *` */
	size_t nwatch;
	const char *rules_path;     /* alerts.conf; NULL = found (alert/rules.h) */
	const char *state_path;     /* alerts.state; NULL = the default, "" = none kept */
	bool notify;                /* start the notifier (desktop, webhooks); false in tests and headless */
} td_alerting_params;

/* NULL with err when out of memory or [alerts] is bad (a webhook target, a sink). */
td_alerting *td_alerting_new(const td_alerting_params *p, char *err, size_t errlen);
void td_alerting_free(td_alerting *a);

/* A market event the market state has applied: its instrument's facts are looked at after the turn. */
void td_alerting_event(td_alerting *a, const td_event *ev);

/* After a turn (studies flushed): evaluate, gate, log and send; returns the alerts admitted. */
size_t td_alerting_turn(td_alerting *a, td_ns clock);

td_alert_rules *td_alerting_rules(td_alerting *a);
td_alert_log *td_alerting_log(td_alerting *a);
td_alert_book *td_alerting_book(td_alerting *a);

/*
 * The newest alert at or above [alerts] bell since the last call, for the
 * status bar flash and the terminal bell; false when none.
 */
bool td_alerting_take_flash(td_alerting *a, td_alert_msg *out);

/* The order line of an alert's order template (rules.h td_alert_rules_order) with prices on the tick. */
int td_alerting_order_line(td_alerting *a, uint32_t rule, uint32_t inst, char *out, size_t outlen, char *err,
			   size_t errlen);

/* One line for the status bar or log: the load report and the notifier's state. */
void td_alerting_describe(const td_alerting *a, char *buf, size_t n);

#endif
