/*
 * The status bar is a list of items, most important first; items that do not
 * fit are left out from the end, so 80 columns keep the phase, the clock and
 * the feed health.
 */
#include "statusbar.h"

#include <stdio.h>
#include <string.h>

#include "draw.h"

#define STALE_NS (2 * TD_NS_PER_SEC)

typedef struct item {
	char text[96];
	td_role role;
	int priority;   /* lower is kept first when the bar is narrow */
} item;

/* The phase badge: short names, so a narrow bar keeps room for the rest. */
static void phase_item(const td_view *v, item *it)
{
	static const char *const badge[TD_PHASE_COUNT] = {
		[TD_PHASE_CLOSED] = "CLOSED", [TD_PHASE_OVERNIGHT] = "OVERNIGHT", [TD_PHASE_PREMARKET] = "PRE",
		[TD_PHASE_REGULAR] = "REGULAR", [TD_PHASE_POSTMARKET] = "POST",
	};
	const td_market_stats *ms = td_market_stats_get(v->market);
	snprintf(it->text, sizeof(it->text), "[%s]", badge[ms->phase]);
	it->role = ms->phase == TD_PHASE_REGULAR ? TD_ROLE_STATUS_OK : TD_ROLE_STATUS;
}

/* The exchange clock with its UTC offset (the zone of the session preset). */
static void clock_item(const td_view *v, item *it)
{
	const td_market_stats *ms = td_market_stats_get(v->market);
	const td_tz *tz = td_session_tz(v->session);
	if (ms->clock == 0) {
		snprintf(it->text, sizeof(it->text), "--:--:--");
		it->role = TD_ROLE_STATUS;
		return;
	}
	char hms[9];
	td_time_fmt_hms(tz, ms->clock, hms);
	int off = td_tz_offset(tz, ms->clock) / 60;
	int ah = (off < 0 ? -off : off) / 60, am = (off < 0 ? -off : off) % 60;
	if (am)
		snprintf(it->text, sizeof(it->text), "%s UTC%c%d:%02d", hms, off < 0 ? '-' : '+', ah, am);
	else
		snprintf(it->text, sizeof(it->text), "%s UTC%c%d", hms, off < 0 ? '-' : '+', ah);
	it->role = TD_ROLE_STATUS;
}

/* Feed name, speed and health. */
static void feed_item(const td_view *v, const td_status_info *si, item *it)
{
	char speed[16];
	if (si->speed <= 0)
		snprintf(speed, sizeof(speed), "max");
	else
		snprintf(speed, sizeof(speed), "x%g", si->speed);
	char rate[16];
	td_fmt_compact(v->rates->feed_eps, rate, sizeof(rate));
	if (si->feed_failed) {
		snprintf(it->text, sizeof(it->text), "%s FAILED", si->feed_name);
		it->role = TD_ROLE_STATUS_ERR;
	} else if (si->feed_done) {
		snprintf(it->text, sizeof(it->text), "%s ended", si->feed_name);
		it->role = TD_ROLE_STATUS_WARN;
	} else if (v->rates->idle_wall > STALE_NS) {
		snprintf(it->text, sizeof(it->text), "%s %s STALE %llds", si->feed_name, speed,
			 (long long)(v->rates->idle_wall / TD_NS_PER_SEC));
		it->role = TD_ROLE_STATUS_WARN;
	} else {
		snprintf(it->text, sizeof(it->text), "%s %s ok %s/s", si->feed_name, speed, rate);
		it->role = TD_ROLE_STATUS_OK;
	}
}

/* Feed-to-screen latency. */
static void latency_item(const td_view *v, item *it)
{
	char p50[16], p99[16];
	td_fmt_duration(v->rates->lat_p50, p50, sizeof(p50));
	td_fmt_duration(v->rates->lat_p99, p99, sizeof(p99));
	snprintf(it->text, sizeof(it->text), "lat p50 %s p99 %s", p50, p99);
	it->role = TD_ROLE_STATUS;
}

/* Dropped and stalled counters; warn when anything was dropped. */
static void counters_item(const td_view *v, item *it)
{
	snprintf(it->text, sizeof(it->text), "drop %llu stall %llu", (unsigned long long)v->rates->dropped,
		 (unsigned long long)v->rates->stalls);
	it->role = v->rates->dropped ? TD_ROLE_STATUS_WARN : TD_ROLE_STATUS;
}

/* Append an item with a priority. */
static item *add(item *items, int *n, int priority)
{
	item *it = &items[(*n)++];
	it->priority = priority;
	it->role = TD_ROLE_STATUS;
	return it;
}

/* Choose which items fit in w columns, most important first; keep screen order. */
static void fit_items(const item *items, int n, int w, bool *show)
{
	int used = 0;
	for (int p = 0; p < 10; p++) {
		for (int i = 0; i < n; i++) {
			if (items[i].priority != p)
				continue;
			int len = (int)strlen(items[i].text) + 1;
			show[i] = used + len <= w + 1;
			if (show[i])
				used += len;
		}
	}
}

void td_status_draw(WINDOW *win, int y, int w, const td_view *v, const td_status_info *si)
{
	item items[9];
	bool show[9] = { false };
	int n = 0;
	if (si->halted) {
		item *it = add(items, &n, 0);
		snprintf(it->text, sizeof(it->text), "HALTED");
		it->role = TD_ROLE_STATUS_ERR;
	}
	phase_item(v, add(items, &n, 0));
	clock_item(v, add(items, &n, 1));
	if (si->message) {
		item *it = add(items, &n, 2);
		snprintf(it->text, sizeof(it->text), "%s", si->message);
		it->role = si->message_is_error ? TD_ROLE_STATUS_ERR : TD_ROLE_STATUS;
	}
	feed_item(v, si, add(items, &n, 3));
	if (si->hidden) {
		item *it = add(items, &n, 4);
		snprintf(it->text, sizeof(it->text), "%d pane%s hidden", si->hidden, si->hidden > 1 ? "s" : "");
		it->role = TD_ROLE_STATUS_WARN;
	}
	counters_item(v, add(items, &n, 5));
	latency_item(v, add(items, &n, 6));
	snprintf(add(items, &n, 7)->text, sizeof(items[0].text), "? help");
	fit_items(items, n, w, show);
	td_draw_fill(win, y, 0, w, TD_ROLE_STATUS);
	int x = 0;
	for (int i = 0; i < n && x < w; i++) {
		if (!show[i])
			continue;
		x += td_draw_text(win, y, x, w - x, items[i].role, items[i].text);
		x += td_draw_text(win, y, x, w - x, TD_ROLE_STATUS, " ");
	}
}
