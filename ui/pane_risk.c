/*
 * Risk: every limit of [risk] with the account's standing against it
 * (src/oms/risk_view.h), so that the trader sees how close each limit is
 * before a ticket says so.  A line with equity, day P&L, the day's
 * high-water mark and buying power; then a row a limit: its name, its
 * state, a bar of the fraction used, and the standing now (the setting for
 * limits of one order), with the settings in a column of their own when the
 * pane is wide.  Narrower panes lose the settings column, then the bar,
 * then the standing; shorter ones leave out the per-order and switched-off
 * limits, the last first.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "draw.h"
#include "oms/risk_view.h"
#include "pane.h"

#define NAME_W 18     /* "pattern day trader" */
#define STATE_W 11    /* "REDUCE-ONLY" */
#define SETTING_W 40
#define WIDE 120      /* from here the settings have a column */
#define MIN_TEXT_W 12 /* less room than this for the standing: name and state only, rather than a stub */

/* The state's word: the severe ones stand out even without colour. */
static const td_role state_role[] = {
	[TD_RISK_STATE_OK] = TD_ROLE_UP,          [TD_RISK_STATE_PER_ORDER] = TD_ROLE_NOTE,
	[TD_RISK_STATE_OFF] = TD_ROLE_DIM,        [TD_RISK_STATE_WARN] = TD_ROLE_ALERT_WARNING,
	[TD_RISK_STATE_REDUCE] = TD_ROLE_STATUS_WARN, [TD_RISK_STATE_HALT] = TD_ROLE_ALERT_CRITICAL,
};

/* The bar's cells: foreground colours, since a block drawn in a reversed role shows as its background. */
static const td_role bar_role[] = {
	[TD_RISK_STATE_OK] = TD_ROLE_UP,          [TD_RISK_STATE_PER_ORDER] = TD_ROLE_NOTE,
	[TD_RISK_STATE_OFF] = TD_ROLE_DIM,        [TD_RISK_STATE_WARN] = TD_ROLE_ALERT_WARNING,
	[TD_RISK_STATE_REDUCE] = TD_ROLE_DOWN,    [TD_RISK_STATE_HALT] = TD_ROLE_DOWN,
};

static size_t rows_now(const td_view *v, td_risk_usage *u, td_risk_row *rows)
{
	td_oms_usage(v->oms, u);
	return td_risk_rows(td_oms_limits(v->oms), u, rows, TD_RISK_MAX_CHECKS);
}

/* The account in one line, shortened to fit. */
static void draw_account(WINDOW *win, int w, const td_risk_usage *u)
{
	char eq[32], pnl[32], high[32], bp[32], buf[160];
	td_risk_fmt_money(u->equity, false, eq, sizeof eq);
	td_risk_fmt_money(u->day_pnl, true, pnl, sizeof pnl);
	td_risk_fmt_money(u->day_high_equity, false, high, sizeof high);
	td_risk_fmt_money(u->buying_power, false, bp, sizeof bp);
	int len = snprintf(buf, sizeof buf, "equity %s  day P&L %s  high-water %s  buying power %s", eq, pnl, high, bp);
	if (len > w)
		len = snprintf(buf, sizeof buf, "equity %s  day %s  high %s  BP %s", eq, pnl, high, bp);
	if (len > w)
		snprintf(buf, sizeof buf, "equity %s  day %s", eq, pnl);
	td_draw_text(win, 1, 1, w, TD_ROLE_HEADER, buf);
}

/* cells (at most 10) of the bar filled for f (0..1), the rest dotted; nothing for NaN. */
static void draw_bar(WINDOW *win, int y, int x, int cells, double f, td_role role)
{
	if (isnan(f))
		return;
	int full = (int)lround(f * cells);
	char bar[48] = "";
	for (int i = 0; i < full; i++)
		strcat(bar, td_glyph_block());
	td_draw_text(win, y, x, full, role, bar);
	td_draw_text(win, y, x + full, cells - full, TD_ROLE_DIM, "..........");
}

static void draw_row(WINDOW *win, int y, int w, const td_risk_row *r)
{
	bool off = r->state == TD_RISK_STATE_OFF;
	int bar = w >= 90 ? 10 : w >= 60 ? 6 : 0, x = 1 + NAME_W + 1;
	bool settings = w >= WIDE;
	td_draw_text(win, y, 1, w < NAME_W ? w : NAME_W, off ? TD_ROLE_DIM : TD_ROLE_NORMAL, r->name);
	if (x > w)
		return;
	td_draw_text(win, y, x, w - x + 1 < STATE_W ? w - x + 1 : STATE_W, state_role[r->state],
		     td_risk_state_name(r->state));
	x += STATE_W + 1;
	if (bar) {
		draw_bar(win, y, x, bar, r->used, bar_role[r->state]);
		x += bar + 1;
	}
	int text_w = w - x + 1 - (settings ? SETTING_W + 1 : 0);
	const char *now = r->use[0] ? r->use : settings ? "" : r->setting;
	if (text_w >= MIN_TEXT_W)
		td_draw_text(win, y, x, text_w, off ? TD_ROLE_DIM : TD_ROLE_NORMAL, now);
	if (settings)
		td_draw_text(win, y, w - SETTING_W + 1, SETTING_W, TD_ROLE_NOTE, r->setting);
}

/* A limit with nothing to watch: it applies to each order alone, or it is off. */
static bool quiet(const td_risk_row *r)
{
	return r->state == TD_RISK_STATE_PER_ORDER || r->state == TD_RISK_STATE_OFF;
}

static void risk_draw(void *st, const td_view *v, WINDOW *win, int h, int w)
{
	(void)st;
	if (!v->oms) {
		td_draw_text(win, 1, 1, w, TD_ROLE_NOTE, "orders are off (see the log)");
		return;
	}
	td_risk_usage u;
	td_risk_row rows[TD_RISK_MAX_CHECKS];
	size_t n = rows_now(v, &u, rows);
	draw_account(win, w, &u);
	/* when short, per-order and switched-off limits (nothing to watch) give way, the last first */
	int nquiet = 0, y = 2;
	for (size_t i = 0; i < n; i++)
		nquiet += quiet(&rows[i]);
	int room_for_quiet = (h - 1) - ((int)n - nquiet);
	for (size_t i = 0; i < n && y <= h; i++) {
		if (quiet(&rows[i]) && room_for_quiet-- <= 0)
			continue;
		draw_row(win, y++, w, &rows[i]);
	}
}

/* "Risk: OK", or the most severe state with its limit: "Risk: HALT kill switch (+1 more)". */
static void risk_title(void *st, const td_view *v, char *buf, size_t n)
{
	(void)st;
	if (!v->oms) {
		snprintf(buf, n, "Risk");
		return;
	}
	td_risk_usage u;
	td_risk_row rows[TD_RISK_MAX_CHECKS];
	size_t k = rows_now(v, &u, rows), worst = 0, severe = 0;
	for (size_t i = 0; i < k; i++) {
		severe += rows[i].state >= TD_RISK_STATE_WARN;
		if (rows[i].state > rows[worst].state)
			worst = i;
	}
	if (!severe)
		snprintf(buf, n, "Risk: OK");
	else if (severe == 1)
		snprintf(buf, n, "Risk: %s %s", td_risk_state_name(rows[worst].state), rows[worst].name);
	else
		snprintf(buf, n, "Risk: %s %s (+%zu more)", td_risk_state_name(rows[worst].state), rows[worst].name,
			 severe - 1);
}

const td_pane_ops td_pane_risk = {
	.name = "risk",
	.caption = "Risk",
	.min_w = 40,
	.min_h = 6,
	.priority = 2,
	.draw = risk_draw,
	.title = risk_title,
};
