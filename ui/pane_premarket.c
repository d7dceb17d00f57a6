/*
 * Pre-market summary: the stated bias with its reasons, the gap and the
 * overnight inventory, the overnight session against the prior regular
 * session, and the key levels, highest first.  Whatever is missing (no prior
 * day, no overnight trade, not open yet) is said in words, never shown as 0.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "draw.h"
#include "pane.h"

#define MAX_LINES 48

typedef struct pm_line {
	char text[160];
	td_role role;
} pm_line;

typedef struct pm_pane {
	int top;   /* first line shown */
} pm_pane;

static void *pm_create(void)
{
	return calloc(1, sizeof(pm_pane));
}

static void pm_destroy(void *st)
{
	free(st);
}

/* Append a line (dropped past MAX_LINES). */
static void add(pm_line *lines, int *n, td_role role, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void add(pm_line *lines, int *n, td_role role, const char *fmt, ...)
{
	if (*n >= MAX_LINES)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(lines[*n].text, sizeof(lines[*n].text), fmt, ap);
	va_end(ap);
	lines[(*n)++].role = role;
}

/* "570.10", or "-" when the price is not known. */
static const char *px(const td_view *v, td_ticks t, char *buf, size_t n)
{
	td_view_price(v, v->selected, t, buf, n);
	return buf;
}

/* The missing-input bits in words. */
static void missing(pm_line *l, int *n, unsigned m)
{
	static const struct { unsigned bit; const char *what; } words[] = {
		{ TD_PM_NO_PRIOR, "no prior regular session seen yet (the feed started today)" },
		{ TD_PM_NO_PRIOR_VALUE, "the prior value area is unknown" },
		{ TD_PM_NO_PRIOR_RANGE, "the prior high or low is unknown" },
		{ TD_PM_NO_PRIOR_CLOSE, "the prior close is unknown" },
		{ TD_PM_NO_OVERNIGHT, "no overnight trade" },
		{ TD_PM_NO_OPEN, "not open yet: the gap uses the last overnight price" },
		{ TD_PM_PARTIAL, "some overnight trades were dropped (partial data)" },
	};
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (m & words[i].bit)
			add(l, n, TD_ROLE_NOTE, "  %s", words[i].what);
}

/* Overnight figures. */
static void overnight(const td_view *v, const td_pm_report *r, pm_line *l, int *n)
{
	char a[32], b[32], c[32], d[32], e[32], f[32];
	if (r->on_high == TD_PX_NONE) {
		add(l, n, TD_ROLE_NOTE, "Overnight: no trades");
		return;
	}
	add(l, n, TD_ROLE_HEADER, "Overnight");
	add(l, n, TD_ROLE_NORMAL, "  high %s  low %s  POC %s  VA %s-%s", px(v, r->on_high, a, 32), px(v, r->on_low, b, 32),
	    px(v, r->on_poc, c, 32), px(v, r->on_val, d, 32), px(v, r->on_vah, e, 32));
	add(l, n, TD_ROLE_NORMAL, "  VWAP %s  last %s  volume %lld", px(v, r->on_vwap, a, 32), px(v, r->on_last, f, 32),
	    (long long)r->on_volume);
}

/* All lines of the summary for the selected instrument. */
static int build(const td_view *v, pm_line *l)
{
	int n = 0;
	td_studies *st = v->analysis ? td_analysis_get(v->analysis, v->selected) : NULL;
	if (!st) {
		add(l, &n, TD_ROLE_NOTE, "no analysis for this instrument");
		return n;
	}
	td_pm_report r;
	td_premarket_report(st->pm, &r);
	char a[32];
	add(l, &n, r.bias == TD_BIAS_BULLISH ? TD_ROLE_UP : r.bias == TD_BIAS_BEARISH ? TD_ROLE_DOWN : TD_ROLE_HEADER,
	    "Bias: %s (score %+d)   gap: %s   inventory: %s", td_pm_bias_name(r.bias), r.score, td_pm_gap_name(r.gap),
	    td_pm_inventory_name(r.inventory));
	add(l, &n, TD_ROLE_NORMAL, "  %s %s", r.open != TD_PX_NONE ? "open" : "reference", px(v, r.ref, a, 32));
	for (size_t i = 0; i < r.nreasons; i++)
		add(l, &n, TD_ROLE_NORMAL, "  - %s", r.reasons[i]);
	if (r.missing) {
		add(l, &n, TD_ROLE_STATUS_WARN, "Missing");
		missing(l, &n, r.missing);
	}
	overnight(v, &r, l, &n);
	add(l, &n, TD_ROLE_HEADER, "Key levels");
	for (size_t i = 0; i < r.nlevels; i++)
		add(l, &n, TD_ROLE_NORMAL, "  %10s  %s", px(v, r.levels[i].px, a, 32), r.levels[i].name);
	if (r.nlevels == 0)
		add(l, &n, TD_ROLE_NOTE, "  none known yet");
	return n;
}

static void pm_draw(void *st, const td_view *v, WINDOW *win, int h, int w)
{
	pm_pane *p = st;
	pm_line lines[MAX_LINES];
	int n = build(v, lines);
	if (p->top > n - h)
		p->top = n - h > 0 ? n - h : 0;
	for (int y = 0; y < h && p->top + y < n; y++)
		td_draw_text(win, 1 + y, 1, w, lines[p->top + y].role, lines[p->top + y].text);
}

static td_reaction pm_command(void *st, td_view *v, td_cmd cmd)
{
	pm_pane *p = st;
	(void)v;
	switch (cmd) {
	case TD_CMD_DOWN: p->top++; break;
	case TD_CMD_UP: if (p->top > 0) p->top--; break;
	case TD_CMD_HOME: p->top = 0; break;
	default: return TD_REACT_PASS;
	}
	return TD_REACT_DONE;
}

static void pm_title(void *st, const td_view *v, char *buf, size_t n)
{
	(void)st;
	snprintf(buf, n, "Pre-market: %s", td_view_symbol(v, v->selected));
}

const td_pane_ops td_pane_premarket = {
	.name = "premarket",
	.caption = "Pre-market",
	.min_w = 40,
	.min_h = 8,
	.priority = 7,
	.create = pm_create,
	.destroy = pm_destroy,
	.draw = pm_draw,
	.command = pm_command,
	.title = pm_title,
};
