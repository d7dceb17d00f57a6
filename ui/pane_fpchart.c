/*
 * Footprint chart: the last few footprint bars of the selected instrument
 * side by side, newest on the right.  Rows are prices, one tick a row; each
 * bar is a column of "sold x bought" cells (volume traded at the bid x at
 * the ask).  The window of rows follows the last trade until the user
 * scrolls, and `[` / `]` step the window of bars back and forward in time.
 *
 * Layout (inside the frame, w columns):
 *
 *   row 0       Price  |  HH:MM  |  HH:MM  | ...     bar start times
 *   rows 1..    >589.23 [  120x340  ]  55x12        price, then one slot a bar
 *   last row    d/vol   +220 460     -43 67          bar delta and volume
 *
 * The price column is as wide as the widest price shown plus a last-price
 * marker (>) and a gap; each bar takes a SLOT_W-column slot: a marker column,
 * the sold number right-aligned in NUM_W, an 'x', the bought number
 * left-aligned in NUM_W and a marker column.  The markers are brackets around
 * the bar's point of control, so it shows without colour.  As many whole
 * slots as fit are drawn (about 5 at 80 columns); none is ever cut.
 *
 * Cost per frame: one td_footprint_bar and one td_footprint_rows per shown
 * bar into a stack array; no allocation.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "pane.h"

#define MAX_ROWS 256   /* price rows drawn at most */
#define MAX_BARS 64    /* bars shown at most, however wide the pane */
#define NUM_W 5        /* one side of a cell */
#define SLOT_W (1 + NUM_W + 1 + NUM_W + 1)
#define DELTA_W (1 + NUM_W) /* the footer's delta: under the marker and the sold number */

typedef struct fpchart {
	uint32_t instr;      /* the instrument the state below belongs to */
	bool follow;         /* keep the anchor price in the middle row */
	td_ticks top;        /* price of the first row; TD_PX_NONE before the first draw */
	size_t back;         /* bars between the live one and the rightmost shown */
	td_ns live_start;    /* start of the live bar when `back` was last right */
	int rows;            /* price rows in the last frame (a page) */
	int shown;           /* bars shown in the last frame (for the title) */
	td_ticks vis_hi, vis_lo; /* highest high and lowest low of the shown bars */
} fpchart;

static void *fpchart_create(void)
{
	fpchart *c = calloc(1, sizeof(*c));
	if (c) {
		c->instr = TD_NO_ID;
		c->follow = true;
		c->top = TD_PX_NONE;
		c->vis_hi = c->vis_lo = TD_PX_NONE;
	}
	return c;
}

static void fpchart_destroy(void *st)
{
	free(st);
}

/* The selected instrument's studies with at least one bar, or NULL. */
static td_studies *studies(const td_view *v)
{
	td_studies *s = v->analysis ? td_analysis_get(v->analysis, v->selected) : NULL;
	return s && td_footprint_count(s->fp) > 0 ? s : NULL;
}

/* Forget the view when the selection changes. */
static void follow_instrument(fpchart *c, const td_view *v)
{
	if (c->instr == v->selected)
		return;
	c->instr = v->selected;
	c->follow = true;
	c->top = TD_PX_NONE;
	c->back = 0;
	c->live_start = 0;
	c->shown = 0;
	c->vis_hi = c->vis_lo = TD_PX_NONE;
}

/*
 * Keep the shown bars still while scrolled back: when new bars have opened
 * since `back` was set, step back by as many.  Bars exist only for buckets
 * that traded, so count them by walking back to the remembered live bar
 * (one step per new bar; bounded by the bars held).
 */
static void keep_window(fpchart *c, td_footprint *fp)
{
	size_t count = td_footprint_count(fp);
	td_fp_bar live, b;
	if (!td_footprint_bar(fp, 0, &live))
		return;
	if (c->back > 0 && live.start != c->live_start) {
		for (size_t k = 1; k < count && td_footprint_bar(fp, k, &b) && b.start >= c->live_start; k++) {
			if (b.start == c->live_start) {
				c->back += k;
				break;
			}
		}
	}
	c->live_start = live.start;
	if (c->back > count - 1)
		c->back = count - 1;
}

/* A volume in at most `w` (>= 5) columns: exact when it fits, else compact
 * (12.3k), else, past 99999 trillion, an exponent (3e+18). */
static void fmt_num(int64_t v, int w, bool sign, char *buf, size_t n)
{
	snprintf(buf, n, sign ? "%+lld" : "%lld", (long long)v);
	if ((int)strlen(buf) > w) {
		char c[24];
		td_fmt_compact((double)v, c, sizeof(c));
		snprintf(buf, n, "%s%s", sign && v > 0 ? "+" : "", c);
	}
	if ((int)strlen(buf) > w)
		snprintf(buf, n, sign ? "%+.0e" : "%.0e", (double)v);
}

/* The role of one side of a cell: stacked, imbalanced or plain. */
static td_role side_role(uint32_t flags, bool buy)
{
	if (flags & (buy ? TD_FP_STACK_BUY : TD_FP_STACK_SELL))
		return buy ? TD_ROLE_LARGE_BUY : TD_ROLE_LARGE_SELL;
	if (flags & (buy ? TD_FP_IMB_BUY : TD_FP_IMB_SELL))
		return buy ? TD_ROLE_BUY : TD_ROLE_SELL;
	return TD_ROLE_NORMAL;
}

/* One cell of a bar's slot at column x; untraded prices inside the bar's range read 0x0, dim. */
static void draw_cell(WINDOW *win, int y, int x, const td_fp_cell *cell, bool poc)
{
	char buf[32];
	if (poc) {
		td_draw_text(win, y, x, 1, TD_ROLE_HEADER, "[");
		td_draw_text(win, y, x + SLOT_W - 1, 1, TD_ROLE_HEADER, "]");
	}
	bool traded = cell->bid || cell->ask || cell->other;
	fmt_num(cell->bid, NUM_W, false, buf, sizeof(buf));
	td_draw_right(win, y, x + 1, NUM_W, traded ? side_role(cell->flags, false) : TD_ROLE_DIM, buf);
	td_draw_text(win, y, x + 1 + NUM_W, 1, TD_ROLE_DIM, "x");
	fmt_num(cell->ask, NUM_W, false, buf, sizeof(buf));
	td_draw_text(win, y, x + 2 + NUM_W, NUM_W, traded ? side_role(cell->flags, true) : TD_ROLE_DIM, buf);
}

/* A bar's start time as "HH:MM" centred over the slot's 'x', and its delta and volume below. */
static void draw_bar_edges(WINDOW *win, const td_view *v, int x, int foot_y, const td_fp_bar *b)
{
	char hms[9], buf[32];
	td_time_fmt_hms(td_session_tz(v->session), b->start, hms);
	hms[5] = '\0';
	td_draw_text(win, 1, x + 1 + NUM_W - 2, 5, TD_ROLE_HEADER, hms);
	fmt_num(b->delta, DELTA_W, b->delta != 0, buf, sizeof(buf));
	td_draw_right(win, foot_y, x, DELTA_W, b->delta > 0 ? TD_ROLE_UP : b->delta < 0 ? TD_ROLE_DOWN : TD_ROLE_DIM,
		      buf);
	fmt_num(b->volume, NUM_W, false, buf, sizeof(buf));
	td_draw_text(win, foot_y, x + 2 + NUM_W, NUM_W, TD_ROLE_NORMAL, buf);
}

/* Columns the price column needs for the rows top .. top-rows+1: marker, price, gap. */
static int price_width(const td_view *v, td_ticks top, int rows)
{
	char a[40], b[40];
	td_view_price(v, v->selected, top, a, sizeof(a));
	td_view_price(v, v->selected, top - (rows - 1), b, sizeof(b));
	size_t n = strlen(a) > strlen(b) ? strlen(a) : strlen(b);
	return (int)n + 2;
}

/* Header, price rows and footer for the bars that fit, the rightmost `back` bars before the live one. */
static void fpchart_draw(void *st, const td_view *v, WINDOW *win, int h, int w)
{
	fpchart *c = st;
	follow_instrument(c, v);
	c->shown = 0;
	td_studies *s = studies(v);
	if (!s) {
		td_draw_text(win, 1, 1, w, TD_ROLE_NOTE, "no footprint bars yet for this instrument");
		return;
	}
	int rows = h - 2 < MAX_ROWS ? h - 2 : MAX_ROWS;
	if (rows < 1) {
		td_draw_text(win, 1, 1, w, TD_ROLE_NOTE, "too small");
		return;
	}
	c->rows = rows;
	keep_window(c, s->fp);
	td_fp_bar right;
	if (!td_footprint_bar(s->fp, c->back, &right))
		return;
	const td_quote_state *q = td_market_get(v->market, v->selected);
	td_ticks last = q ? q->last : TD_PX_NONE;
	if (c->follow || c->top == TD_PX_NONE) {
		td_ticks centre = c->back == 0 && last != TD_PX_NONE ? last : right.close;
		c->top = centre + rows / 2;
	}
	int pw = price_width(v, c->top, rows);
	int fit = (w - pw) / SLOT_W;
	size_t avail = td_footprint_count(s->fp) - c->back;
	int nbars = fit < MAX_BARS ? fit : MAX_BARS;
	nbars = (size_t)nbars < avail ? nbars : (int)avail;
	if (nbars < 1) {
		td_draw_text(win, 1, 1, w, TD_ROLE_NOTE, "too narrow for a bar");
		return;
	}
	c->shown = nbars;
	c->vis_hi = c->vis_lo = TD_PX_NONE;

	int foot_y = 1 + rows + 1;
	char buf[40];
	td_draw_right(win, 1, 1, pw - 1, TD_ROLE_HEADER, "Price");
	td_draw_right(win, foot_y, 1, pw - 1, TD_ROLE_HEADER, "d/vol");
	for (int r = 0; r < rows; r++) {
		td_ticks px = c->top - r;
		td_view_price(v, v->selected, px, buf, sizeof(buf));
		if (px == last)
			td_draw_text(win, 2 + r, 1, 1, TD_ROLE_HEADER, ">");
		td_draw_right(win, 2 + r, 2, pw - 2, px == last ? TD_ROLE_HEADER : TD_ROLE_NORMAL, buf);
	}

	td_fp_cell cells[MAX_ROWS];
	for (int i = 0; i < nbars; i++) {
		size_t ago = c->back + (size_t)(nbars - 1 - i);
		int x = 1 + pw + i * SLOT_W;
		td_fp_bar b;
		if (!td_footprint_bar(s->fp, ago, &b))
			continue;
		if (c->vis_hi == TD_PX_NONE || b.high > c->vis_hi)
			c->vis_hi = b.high;
		if (c->vis_lo == TD_PX_NONE || b.low < c->vis_lo)
			c->vis_lo = b.low;
		draw_bar_edges(win, v, x, foot_y, &b);
		if (c->top < b.low || c->top - (rows - 1) > b.high)
			continue;
		size_t n = td_footprint_rows(s->fp, ago, c->top, cells, (size_t)rows);
		for (size_t r = 0; r < n; r++)
			if (cells[r].px <= b.high && cells[r].px >= b.low)
				draw_cell(win, 2 + (int)r, x, &cells[r], cells[r].px == b.poc);
	}
}

/* Scroll the rows by d ticks; the rows stop following the price. */
static void scroll_by(fpchart *c, td_ticks d)
{
	if (c->top == TD_PX_NONE)
		return;
	c->top += d;
	c->follow = false;
}

/* Put a price at the top (top) or at the bottom (!top) row. */
static void place_at(fpchart *c, td_ticks px, bool top)
{
	if (px == TD_PX_NONE || c->top == TD_PX_NONE)
		return;
	c->top = top ? px : px + (c->rows - 1);
	c->follow = false;
}

/* Scrolling, centring and stepping through bars; anything else passes. */
static td_reaction fpchart_command(void *st, td_view *v, td_cmd cmd)
{
	fpchart *c = st;
	follow_instrument(c, v);
	td_ticks page = c->rows > 2 ? c->rows - 1 : 1;
	switch (cmd) {
	case TD_CMD_UP: scroll_by(c, 1); break;
	case TD_CMD_DOWN: scroll_by(c, -1); break;
	case TD_CMD_PAGE_UP: scroll_by(c, page); break;
	case TD_CMD_PAGE_DOWN: scroll_by(c, -page); break;
	case TD_CMD_HOME: place_at(c, c->vis_hi, true); break;
	case TD_CMD_END: place_at(c, c->vis_lo, false); break;
	case TD_CMD_CENTRE: c->follow = true; break;
	case TD_CMD_OLDER: {
		td_studies *s = studies(v);
		if (s && c->back + 1 < td_footprint_count(s->fp)) {
			td_fp_bar live;
			if (c->back == 0 && td_footprint_bar(s->fp, 0, &live))
				c->live_start = live.start;
			c->back++;
		}
		break;
	}
	case TD_CMD_NEWER:
		if (c->back > 0)
			c->back--;
		break;
	default: return TD_REACT_PASS;
	}
	return TD_REACT_DONE;
}

/* The bar length as "5m", "1h" or "30s". */
static void fmt_tf(td_ns tf, char *buf, size_t n)
{
	if (tf >= TD_NS_PER_MIN * 60 && tf % (TD_NS_PER_MIN * 60) == 0)
		snprintf(buf, n, "%lldh", (long long)(tf / (TD_NS_PER_MIN * 60)));
	else if (tf >= TD_NS_PER_MIN && tf % TD_NS_PER_MIN == 0)
		snprintf(buf, n, "%lldm", (long long)(tf / TD_NS_PER_MIN));
	else
		snprintf(buf, n, "%llds", (long long)(tf / 1000000000));
}

/* "Footprint: SPY 5m  5 bars", plus "  back 3" when stepped back in time. */
static void fpchart_title(void *st, const td_view *v, char *buf, size_t n)
{
	fpchart *c = st;
	const char *sym = td_view_symbol(v, v->selected);
	if (!v->analysis || c->instr != v->selected) {
		snprintf(buf, n, "Footprint: %s", sym);
		return;
	}
	char tf[24], bars[32] = "", back[32] = "";
	fmt_tf(td_analysis_footprint_tf(v->analysis), tf, sizeof(tf));
	if (c->shown > 0)
		snprintf(bars, sizeof(bars), "  %d bar%s", c->shown, c->shown == 1 ? "" : "s");
	if (c->back > 0)
		snprintf(back, sizeof(back), "  back %zu", c->back);
	snprintf(buf, n, "Footprint: %s %s%s%s", sym, tf, bars, back);
}

const td_pane_ops td_pane_fpchart = {
	.name = "fpchart",
	.caption = "Footprint",
	.min_w = 30,
	.min_h = 8,
	.priority = 5,
	.create = fpchart_create,
	.destroy = fpchart_destroy,
	.draw = fpchart_draw,
	.command = fpchart_command,
	.title = fpchart_title,
};
