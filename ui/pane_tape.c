/*
 * Time and sales: newest print on top.  Buys and sells have their own roles,
 * prints of at least ui.large_print are highlighted, and the side is spelt
 * out (B/S/-) so the tape reads the same without colour.
 */
#include <stdio.h>
#include <stdlib.h>

#include "draw.h"
#include "pane.h"

typedef struct tape {
	bool all;      /* every symbol, or only the selected one */
	size_t skip;   /* rows scrolled back from the newest */
} tape;

static void *tape_create(void)
{
	return calloc(1, sizeof(tape));
}

static void tape_destroy(void *st)
{
	free(st);
}

/* The role of a print: side, and large or not. */
static td_role print_role(const td_view *v, const td_print *p)
{
	bool large = p->size >= v->cfg->large_print;
	if (p->aggr == TD_SIDE_BUY)
		return large ? TD_ROLE_LARGE_BUY : TD_ROLE_BUY;
	if (p->aggr == TD_SIDE_SELL)
		return large ? TD_ROLE_LARGE_SELL : TD_ROLE_SELL;
	return TD_ROLE_NORMAL;
}

/* One row: time, [symbol], price, size, side; utc_off is the zone's offset in seconds. */
static void draw_print(const td_view *v, const tape *s, WINDOW *win, int y, int w, const td_print *p, int utc_off)
{
	char t[16], px[32], sz[32], line[160];
	int64_t ms = (p->exch_ns / TD_NS_PER_MS + (int64_t)utc_off * 1000) % (86400 * 1000LL);
	if (ms < 0)
		ms += 86400 * 1000LL;
	snprintf(t, sizeof(t), "%02d:%02d:%02d.%03d", (int)(ms / 3600000), (int)(ms / 60000 % 60), (int)(ms / 1000 % 60),
		 (int)(ms % 1000));
	td_view_price(v, p->instr, p->px, px, sizeof(px));
	td_fmt_int(p->size, sz, sizeof(sz));
	char side = p->aggr == TD_SIDE_BUY ? 'B' : p->aggr == TD_SIDE_SELL ? 'S' : '-';
	td_role role = print_role(v, p);
	if (s->all && w >= 44)
		snprintf(line, sizeof(line), "%-12s %-10.10s %10s %9s %c", t, td_view_symbol(v, p->instr), px, sz, side);
	else if (w >= 33)
		snprintf(line, sizeof(line), "%-12s %9s %8s %c", t, px, sz, side);
	else
		snprintf(line, sizeof(line), "%-8.8s %9s %7s %c", t, px, sz, side);
	td_draw_fill(win, y, 1, w, role);
	td_draw_text(win, y, 1, w, role, line);
}

static void tape_draw(void *st, const td_view *v, WINDOW *win, int h, int w)
{
	tape *s = st;
	size_t n = td_market_print_count(v->market), skipped = 0;
	int y = 1;
	/* One offset for the frame: the zone's rules are costly per row, and a
	 * screenful of prints never straddles a daylight-saving change by much. */
	int off = n ? td_tz_offset(td_session_tz(v->session), td_market_print(v->market, 0)->exch_ns) : 0;
	for (size_t i = 0; i < n && y <= h; i++) {
		const td_print *p = td_market_print(v->market, i);
		if (!s->all && p->instr != v->selected)
			continue;
		if (skipped++ < s->skip)
			continue;
		draw_print(v, s, win, y++, w, p, off);
	}
	if (y == 1)
		td_draw_text(win, 1, 1, w, TD_ROLE_NOTE, "no prints yet");
}

static td_reaction tape_command(void *st, td_view *v, td_cmd cmd)
{
	tape *s = st;
	(void)v;
	switch (cmd) {
	case TD_CMD_TAPE_ALL: s->all = !s->all; s->skip = 0; break;
	case TD_CMD_DOWN: if (s->skip + 1 < TD_TAPE_LEN) s->skip++; break;
	case TD_CMD_UP: if (s->skip > 0) s->skip--; break;
	case TD_CMD_PAGE_DOWN: s->skip = s->skip + 20 < TD_TAPE_LEN ? s->skip + 20 : TD_TAPE_LEN - 1; break;
	case TD_CMD_PAGE_UP: s->skip = s->skip > 20 ? s->skip - 20 : 0; break;
	case TD_CMD_HOME: s->skip = 0; break;
	default: return TD_REACT_PASS;
	}
	return TD_REACT_DONE;
}

static void tape_title(void *st, const td_view *v, char *buf, size_t n)
{
	const tape *s = st;
	if (s->all)
		snprintf(buf, n, "Tape: all%s", s->skip ? " (scrolled)" : "");
	else
		snprintf(buf, n, "Tape: %s%s", td_view_symbol(v, v->selected), s->skip ? " (scrolled)" : "");
}

const td_pane_ops td_pane_tape = {
	.name = "tape",
	.caption = "Tape",
	.min_w = 26,
	.min_h = 5,
	.priority = 3,
	.create = tape_create,
	.destroy = tape_destroy,
	.draw = tape_draw,
	.command = tape_command,
	.title = tape_title,
};
