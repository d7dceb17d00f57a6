/*
 * Watchlist: one row per main instrument.  Columns are dropped from the
 * right when the pane is narrow, most expendable first, so the symbol, last
 * and change always show.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "pane.h"

typedef struct watchlist {
	size_t cursor;
	size_t top;
} watchlist;

typedef enum col_id { COL_SYM, COL_LAST, COL_CHG, COL_PCT, COL_BID, COL_ASK, COL_BSZ, COL_ASZ, COL_VOL, COL_VWAP, COL_HIGH, COL_LOW } col_id;

/* Columns in screen order with their widths and the order they are dropped:
 * at 80 columns symbol, last, change, bid, ask, volume and VWAP remain. */
static const struct {
	col_id id;
	const char *head;
	int width;
	int keep;   /* higher is kept longer */
} cols[] = {
	{ COL_SYM, "Symbol", 14, 99 }, { COL_LAST, "Last", 10, 98 }, { COL_CHG, "Chg", 9, 97 },
	{ COL_PCT, "Chg%", 7, 70 },   { COL_BID, "Bid", 10, 95 },   { COL_ASK, "Ask", 10, 94 },
	{ COL_BSZ, "BidSz", 7, 60 },  { COL_ASZ, "AskSz", 7, 59 },  { COL_VOL, "Volume", 7, 80 },
	{ COL_VWAP, "VWAP", 10, 85 }, { COL_HIGH, "High", 10, 50 }, { COL_LOW, "Low", 10, 49 },
};

#define NCOLS (sizeof(cols) / sizeof(cols[0]))

static void *wl_create(void)
{
	return calloc(1, sizeof(watchlist));
}

static void wl_destroy(void *st)
{
	free(st);
}

/* Which columns fit in width w: drop the lowest `keep` until they do. */
static void choose_columns(int w, bool *show)
{
	int total = 0;
	for (size_t i = 0; i < NCOLS; i++)
		show[i] = true, total += cols[i].width + 1;
	while (total > w) {
		size_t worst = 0;
		for (size_t i = 1; i < NCOLS; i++)
			if (show[i] && (!show[worst] || cols[i].keep < cols[worst].keep))
				worst = i;
		if (cols[worst].id == COL_SYM)
			break;
		show[worst] = false;
		total -= cols[worst].width + 1;
	}
}

/* The text and role of one cell. */
static td_role cell(const td_view *v, uint32_t id, col_id c, char *buf, size_t n)
{
	const td_quote_state *q = td_market_get(v->market, id);
	const td_instrument *ins = td_registry_get(td_market_registry(v->market), id);
	bool have = q->last != TD_PX_NONE && q->ref != TD_PX_NONE;
	td_ticks chg = have ? q->last - q->ref : 0;
	td_role dir = !have || chg == 0 ? TD_ROLE_NORMAL : chg > 0 ? TD_ROLE_UP : TD_ROLE_DOWN;
	switch (c) {
	case COL_SYM: snprintf(buf, n, "%s", ins->symbol); return TD_ROLE_HEADER;
	case COL_LAST: td_view_price(v, id, q->last, buf, n); return dir;
	case COL_CHG: {
		if (!have) { snprintf(buf, n, "-"); return TD_ROLE_DIM; }
		char px[48];
		td_view_price(v, id, chg, px, sizeof(px));
		snprintf(buf, n, "%s%s", chg > 0 ? "+" : "", px);
		return dir;
	}
	case COL_PCT:
		if (!have || q->ref == 0) { snprintf(buf, n, "-"); return TD_ROLE_DIM; }
		snprintf(buf, n, "%+.2f%%", 100.0 * (double)chg / (double)q->ref);
		return dir;
	case COL_BID: td_view_price(v, id, q->bid, buf, n); return TD_ROLE_BID;
	case COL_ASK: td_view_price(v, id, q->ask, buf, n); return TD_ROLE_ASK;
	case COL_BSZ: td_fmt_compact(q->bid_sz, buf, n); return TD_ROLE_BID;
	case COL_ASZ: td_fmt_compact(q->ask_sz, buf, n); return TD_ROLE_ASK;
	case COL_VOL: td_fmt_compact((double)q->volume, buf, n); return TD_ROLE_NORMAL;
	case COL_VWAP: {
		double vw = td_market_vwap(v->market, id);
		if (isnan(vw))
			snprintf(buf, n, "-");
		else
			td_view_price(v, id, td_px_from_double(ins->px, vw), buf, n);
		return TD_ROLE_NORMAL;
	}
	case COL_HIGH: td_view_price(v, id, q->high, buf, n); return TD_ROLE_NORMAL;
	case COL_LOW: td_view_price(v, id, q->low, buf, n); return TD_ROLE_NORMAL;
	}
	return TD_ROLE_NORMAL;
}

static void wl_draw(void *st, const td_view *v, WINDOW *win, int h, int w)
{
	watchlist *s = st;
	bool show[NCOLS];
	choose_columns(w, show);
	int x = 1;
	for (size_t c = 0; c < NCOLS; c++) {
		if (!show[c])
			continue;
		if (c == 0)
			td_draw_text(win, 1, x, cols[c].width, TD_ROLE_HEADER, cols[c].head);
		else
			td_draw_right(win, 1, x, cols[c].width, TD_ROLE_HEADER, cols[c].head);
		x += cols[c].width + 1;
	}
	int rows = h - 1;
	if (s->cursor >= v->nwatch && v->nwatch)
		s->cursor = v->nwatch - 1;
	if (s->cursor < s->top)
		s->top = s->cursor;
	if (rows > 0 && s->cursor >= s->top + (size_t)rows)
		s->top = s->cursor - (size_t)rows + 1;
	for (int r = 0; r < rows && s->top + (size_t)r < v->nwatch; r++) {
		uint32_t id = v->watch[s->top + (size_t)r];
		bool cur = s->top + (size_t)r == s->cursor;
		x = 1;
		if (cur)
			td_draw_fill(win, 2 + r, 1, w, TD_ROLE_CURSOR);
		for (size_t c = 0; c < NCOLS; c++) {
			if (!show[c])
				continue;
			char buf[64];
			td_role role = cell(v, id, cols[c].id, buf, sizeof(buf));
			if (cur)
				role = TD_ROLE_CURSOR;
			if (c == 0) {
				if (id == v->selected)
					td_draw_text(win, 2 + r, x, 1, role, ">");
				td_draw_text(win, 2 + r, x + 1, cols[c].width - 1, role, buf);
			} else {
				td_draw_right(win, 2 + r, x, cols[c].width, role, buf);
			}
			x += cols[c].width + 1;
		}
	}
}

static td_reaction wl_command(void *st, td_view *v, td_cmd cmd)
{
	watchlist *s = st;
	size_t last = v->nwatch ? v->nwatch - 1 : 0;
	switch (cmd) {
	case TD_CMD_UP: if (s->cursor > 0) s->cursor--; break;
	case TD_CMD_DOWN: if (s->cursor < last) s->cursor++; break;
	case TD_CMD_HOME: case TD_CMD_PAGE_UP: s->cursor = 0; break;
	case TD_CMD_END: case TD_CMD_PAGE_DOWN: s->cursor = last; break;
	case TD_CMD_SELECT:
		if (v->nwatch)
			v->selected = v->watch[s->cursor];
		break;
	default:
		return TD_REACT_PASS;
	}
	return TD_REACT_DONE;
}

const td_pane_ops td_pane_watchlist = {
	.name = "watchlist",
	.caption = "Watchlist",
	.min_w = 34,
	.min_h = 4,
	.priority = 1,
	.create = wl_create,
	.destroy = wl_destroy,
	.draw = wl_draw,
	.command = wl_command,
};
