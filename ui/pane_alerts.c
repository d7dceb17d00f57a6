/*
 * Alerts, newest first: time (exchange zone), level in its colour, rule,
 * instrument and message; '*' marks one not yet acknowledged and '>' one
 * with an order template.  a acknowledges the alert under the cursor, A
 * every one shown, f filters by level (all, warning and up, critical);
 * Enter on an alert with an order template opens a pre-filled ticket,
 * which still needs its checks and Enter, then y.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"
#include "draw.h"
#include "pane.h"

typedef struct alerts_state {
	size_t cursor;
	td_alert_level min;   /* the filter: the least level shown */
} alerts_state;

static const td_role level_role[TD_ALERT_LEVEL_COUNT] = {
	[TD_ALERT_INFO] = TD_ROLE_ALERT_INFO,
	[TD_ALERT_WARNING] = TD_ROLE_ALERT_WARNING,
	[TD_ALERT_CRITICAL] = TD_ROLE_ALERT_CRITICAL,
};

static void *alerts_create(void)
{
	return calloc(1, sizeof(alerts_state));
}

static void alerts_destroy(void *st)
{
	free(st);
}

static td_alert_log *log_of(const td_view *v)
{
	return v->alerts ? td_alerting_log(v->alerts) : NULL;
}

static void entry_line(const td_view *v, const td_alert_log_entry *e, char *buf, size_t n)
{
	char t[9];
	td_time_fmt_hms(td_session_tz(v->session), e->msg.time, t);
	snprintf(buf, n, "%c%c%s %-8s %-18.18s %-12.12s %s", e->acked ? ' ' : '*', e->has_order ? '>' : ' ', t,
		 td_alert_level_name(e->msg.level), e->msg.rule, e->msg.symbol, e->msg.text);
}

static void alerts_draw(void *st, const td_view *v, WINDOW *win, int h, int w)
{
	alerts_state *s = st;
	td_alert_log *log = log_of(v);
	if (!log) {
		td_draw_text(win, 1, 1, w, TD_ROLE_NOTE, "alerts are off (see the log)");
		return;
	}
	char buf[TD_ALERT_TEXT_MAX + 128];
	snprintf(buf, sizeof buf, "  %-8s %-8s %-18s %-12s %s", "time", "level", "rule", "instrument", "message");
	td_draw_text(win, 1, 1, w, TD_ROLE_HEADER, buf);
	size_t n = td_alert_log_count(log, s->min);
	if (s->cursor >= n)
		s->cursor = n ? n - 1 : 0;
	size_t rows = h > 1 ? (size_t)(h - 1) : 0, top = s->cursor >= rows ? s->cursor - rows + 1 : 0;
	for (size_t r = 0; r < rows && top + r < n; r++) {
		const td_alert_log_entry *e = td_alert_log_at(log, s->min, top + r);
		entry_line(v, e, buf, sizeof buf);
		td_role role = top + r == s->cursor ? TD_ROLE_CURSOR : e->acked ? TD_ROLE_DIM : level_role[e->msg.level];
		td_draw_text(win, 2 + (int)r, 1, w, role, buf);
	}
	if (!n)
		td_draw_text(win, 2, 1, w, TD_ROLE_NOTE,
			     "no alerts: :alert add NAME EXPRESSION, or enable an example (:alert list)");
}

/* Enter: the alert's order template as a :buy/:sell line for the UI to open a ticket with. */
static void order_request(td_view *v, const td_alert_log_entry *e)
{
	char err[160], src[80];
	if (!e->has_order ||
	    td_alerting_order_line(v->alerts, e->rule, e->inst, v->order_request, sizeof v->order_request, err,
				   sizeof err) < 0) {
		snprintf(v->order_request, sizeof v->order_request, "!%s", e->has_order ? err : "this alert has no order template");
		return;
	}
	snprintf(src, sizeof src, "alert:%s", e->msg.rule);
	td_strlcpy(v->order_source, src, sizeof v->order_source);
}

static td_reaction alerts_command(void *st, td_view *v, td_cmd cmd)
{
	alerts_state *s = st;
	td_alert_log *log = log_of(v);
	if (!log)
		return TD_REACT_PASS;
	const td_alert_log_entry *e = td_alert_log_at(log, s->min, s->cursor);
	switch (cmd) {
	case TD_CMD_UP: s->cursor -= s->cursor > 0; break;
	case TD_CMD_DOWN: s->cursor++; break;
	case TD_CMD_PAGE_UP: s->cursor = s->cursor > 10 ? s->cursor - 10 : 0; break;
	case TD_CMD_PAGE_DOWN: s->cursor += 10; break;
	case TD_CMD_HOME: s->cursor = 0; break;
	case TD_CMD_END: s->cursor = td_alert_log_count(log, s->min); break;
	case TD_CMD_ACK: if (e) td_alert_log_ack(log, e->seq); break;
	case TD_CMD_ACK_ALL: td_alert_log_ack_all(log, s->min); break;
	case TD_CMD_ALERT_FILTER: s->min = (td_alert_level)((s->min + 1) % TD_ALERT_LEVEL_COUNT); s->cursor = 0; break;
	case TD_CMD_SELECT: if (e) order_request(v, e); break;
	default: return TD_REACT_PASS;
	}
	return TD_REACT_DONE;
}

static void alerts_title(void *st, const td_view *v, char *buf, size_t n)
{
	const alerts_state *s = st;
	td_alert_log *log = log_of(v);
	if (!log) {
		snprintf(buf, n, "Alerts");
		return;
	}
	td_alert_log_counts c;
	td_alert_log_counts_get(log, &c);
	size_t unacked = c.unacked[TD_ALERT_INFO] + c.unacked[TD_ALERT_WARNING] + c.unacked[TD_ALERT_CRITICAL];
	snprintf(buf, n, "Alerts: %zu new (%zu critical)%s%s%s", unacked, c.unacked[TD_ALERT_CRITICAL],
		 s->min == TD_ALERT_INFO ? "" : ", showing ", s->min == TD_ALERT_INFO ? "" : td_alert_level_name(s->min),
		 s->min == TD_ALERT_WARNING ? " and up" : "");
}

const td_pane_ops td_pane_alerts = {
	.name = "alerts",
	.caption = "Alerts",
	.min_w = 40,
	.min_h = 4,
	.priority = 3,
	.create = alerts_create,
	.destroy = alerts_destroy,
	.draw = alerts_draw,
	.command = alerts_command,
	.title = alerts_title,
};
