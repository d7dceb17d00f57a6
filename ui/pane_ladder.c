/*
 * Footprint ladder: a DOM-style price ladder, one tick a row, centred on the
 * last trade.  Each row shows the resting book (bid size left, ask size
 * right), the volume traded at the bid (sold) and at the ask (bought) for the
 * session or for one footprint bar, the row's delta and a volume bar split by
 * side.  Diagonal imbalances colour the traded cells, stacked ones stand out.
 * A marker column shows the last price (>) and the point of control (P),
 * VWAP (W) and value-area edges (H, L).  The cursor row is a price the order
 * ticket will start from.  The last row carries the order flow: VPIN, the
 * top-10 book imbalance, sweeps, blocks and large lots.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "pane.h"

#define MAX_ROWS 256

typedef struct ladder {
	td_ticks cursor;     /* price under the cursor; TD_PX_NONE until the first print */
	bool follow;         /* keep the last price near the middle */
	bool bars;           /* one footprint bar instead of the session */
	size_t ago;          /* which bar in bar view: 0 = the live one */
	uint32_t instr;      /* the instrument the cursor belongs to */
	td_ticks top;        /* price of the first row drawn */
} ladder;

/* Columns, left to right, with widths and the order they go when narrow;
 * columns sharing a keep value go together (never half a book). */
typedef enum lcol { LC_MARK, LC_BIDSZ, LC_SOLD, LC_PRICE, LC_BOUGHT, LC_ASKSZ, LC_DELTA, LC_BAR } lcol;

static const struct {
	const char *head;
	int width;
	int keep;   /* higher is kept longer */
} lcols[] = {
	[LC_MARK] = { "", 2, 99 },      [LC_BIDSZ] = { "BidSz", 7, 60 }, [LC_SOLD] = { "Sold", 7, 95 },
	[LC_PRICE] = { "Price", 10, 99 }, [LC_BOUGHT] = { "Bought", 7, 95 }, [LC_ASKSZ] = { "AskSz", 7, 60 },
	[LC_DELTA] = { "Delta", 7, 70 }, [LC_BAR] = { "Volume", 8, 50 },
};

#define NLCOLS (sizeof(lcols) / sizeof(lcols[0]))

static void *ladder_create(void)
{
	ladder *l = calloc(1, sizeof(*l));
	if (l) {
		l->cursor = TD_PX_NONE;
		l->follow = true;
	}
	return l;
}

static void ladder_destroy(void *st)
{
	free(st);
}

/* Which columns fit in w; the volume bar takes whatever is left. */
static void choose(int w, bool *show)
{
	int total = 0;
	for (size_t i = 0; i < NLCOLS; i++)
		show[i] = true, total += lcols[i].width + 1;
	while (total > w) {
		size_t worst = NLCOLS;
		for (size_t i = 0; i < NLCOLS; i++)
			if (show[i] && (worst == NLCOLS || lcols[i].keep < lcols[worst].keep))
				worst = i;
		if (lcols[worst].keep >= 99)
			break;
		for (size_t i = 0; i < NLCOLS; i++) {
			if (show[i] && lcols[i].keep == lcols[worst].keep) {
				show[i] = false;
				total -= lcols[i].width + 1;
			}
		}
	}
}

/* What the ladder needs each frame besides the cells. */
typedef struct frame {
	const td_quote_state *q;
	const td_instrument *ins;
	td_studies *st;
	size_t ago;                 /* TD_FP_SESSION or a bar */
	td_ticks poc, vah, val, vwap;
	int64_t max_vol;
	int bar_w;
} frame;

/* Value area and VWAP markers for the session view (bar view: the bar's POC only). */
static void markers(frame *f, const ladder *l)
{
	td_fp_bar bar;
	f->poc = f->vah = f->val = f->vwap = TD_PX_NONE;
	if (td_footprint_bar(f->st->fp, f->ago, &bar))
		f->poc = bar.poc;
	if (l->bars)
		return;
	td_profile_stats ps;
	if (td_profile_stats_get(f->st->profile, 70, &ps) == 0)
		f->vah = ps.vah, f->val = ps.val;
	td_bars_vwap vw;
	if (td_bars_session_vwap(f->st->bars, &vw) && vw.volume > 0)
		f->vwap = (td_ticks)llround(vw.vwap);
}

/* The marker letter of a price: point of control first, then VWAP, then VA edges. */
static char marker(const frame *f, td_ticks px)
{
	return px == f->poc ? 'P' : px == f->vwap ? 'W' : px == f->vah ? 'H' : px == f->val ? 'L' : ' ';
}

/* Resting size at px on one side of the book, or 0. */
static int64_t resting(const td_book_side *s, td_ticks px)
{
	for (int i = 0; i < s->n; i++)
		if (s->px[i] == px)
			return s->size[i];
	return 0;
}

/* Draw a number right-aligned in a column: exact when it fits, compact when not, blank when zero. */
static void num(WINDOW *win, int y, int x, int w, td_role role, int64_t v)
{
	char buf[32] = "";
	if (v) {
		td_fmt_int(v, buf, sizeof(buf));
		if ((int)strlen(buf) > w)
			td_fmt_compact((double)v, buf, sizeof(buf));
	}
	td_draw_right(win, y, x, w, role, buf);
}

/* The role of a traded cell: stacked, imbalanced, or plain side colour. */
static td_role traded_role(uint32_t flags, bool buy)
{
	if (flags & (buy ? TD_FP_STACK_BUY : TD_FP_STACK_SELL))
		return buy ? TD_ROLE_LARGE_BUY : TD_ROLE_LARGE_SELL;
	if (flags & (buy ? TD_FP_IMB_BUY : TD_FP_IMB_SELL))
		return buy ? TD_ROLE_BUY : TD_ROLE_SELL;
	return TD_ROLE_NORMAL;
}

/* One cell of a row. */
static void draw_cell(WINDOW *win, int y, int x, lcol c, const frame *f, const td_fp_cell *cell, const td_view *v)
{
	int w = lcols[c].width;
	char buf[48];
	switch (c) {
	case LC_MARK:
		buf[0] = cell->px == f->q->last ? '>' : ' ';
		buf[1] = marker(f, cell->px);
		buf[2] = '\0';
		td_draw_text(win, y, x, w, TD_ROLE_HEADER, buf);
		break;
	case LC_BIDSZ: num(win, y, x, w, TD_ROLE_BID, resting(&f->q->bids, cell->px)); break;
	case LC_ASKSZ: num(win, y, x, w, TD_ROLE_ASK, resting(&f->q->asks, cell->px)); break;
	case LC_SOLD: num(win, y, x, w, traded_role(cell->flags, false), cell->bid); break;
	case LC_BOUGHT: num(win, y, x, w, traded_role(cell->flags, true), cell->ask); break;
	case LC_PRICE:
		td_view_price(v, f->ins->id, cell->px, buf, sizeof(buf));
		td_draw_right(win, y, x, w, cell->px == f->q->last ? TD_ROLE_HEADER : TD_ROLE_NORMAL, buf);
		break;
	case LC_DELTA: {
		int64_t d = cell->ask - cell->bid;
		num(win, y, x, w, d > 0 ? TD_ROLE_UP : d < 0 ? TD_ROLE_DOWN : TD_ROLE_DIM, d);
		break;
	}
	case LC_BAR: {
		int64_t vol = cell->bid + cell->ask + cell->other;
		int len = f->max_vol ? (int)((double)f->bar_w * (double)vol / (double)f->max_vol + 0.5) : 0;
		int sold = vol ? (int)((double)len * (double)cell->bid / (double)vol + 0.5) : 0;
		td_draw_fill(win, y, x, sold, TD_ROLE_LARGE_SELL);
		td_draw_fill(win, y, x + sold, len - sold, TD_ROLE_LARGE_BUY);
		break;
	}
	}
}

/* The order-flow line under the ladder: VPIN, book imbalance, sweeps, blocks. */
static void flow_line(const frame *f, const td_view *v, char *buf, size_t n)
{
	const td_studies *st = f->st;
	double imb = 0;
	char ib[16] = "-";
	if (td_orderflow_imbalance(f->q->bids.size, (size_t)f->q->bids.n, f->q->asks.size, (size_t)f->q->asks.n, 10,
				   &imb) == 0)
		snprintf(ib, sizeof(ib), "%+.2f", imb);
	if (!st->of) {
		snprintf(buf, n, "book imb %s | VPIN and sweeps start 30 min into the regular session", ib);
		return;
	}
	double vpin;
	uint64_t have;
	char vp[64], bucket[16], sw[96] = "";
	td_fmt_compact((double)st->of_bucket, bucket, sizeof(bucket));
	if (td_orderflow_vpin(st->of, &vpin, &have))
		snprintf(vp, sizeof(vp), "VPIN %.3f (bucket %s)", vpin, bucket);
	else
		snprintf(vp, sizeof(vp), "VPIN - (%llu of 50 buckets of %s)", (unsigned long long)have, bucket);
	if (st->sweeps) {
		char px[32], size[24];
		td_view_price(v, f->ins->id, st->last_sweep.end_px, px, sizeof(px));
		td_fmt_int(st->last_sweep.size, size, sizeof(size));
		snprintf(sw, sizeof(sw), ", last %s %d lv to %s x%s", st->last_sweep.side == TD_SIDE_BUY ? "B" : "S",
			 st->last_sweep.levels, px, size);
	}
	snprintf(buf, n, "%s | book imb %s | sweeps %llu%s | blocks %llu | large %llu", vp, ib,
		 (unsigned long long)st->sweeps, sw, (unsigned long long)st->blocks, (unsigned long long)st->large);
}

/* Keep the cursor and the window of rows sensible for this frame. */
static void place_rows(ladder *l, const frame *f, int rows)
{
	if (l->instr != f->ins->id || l->cursor == TD_PX_NONE) {
		l->instr = f->ins->id;
		l->cursor = f->q->last;
		l->follow = true;
	}
	if (l->follow)
		l->cursor = f->q->last;
	if (l->follow || l->cursor > l->top || l->cursor <= l->top - rows)
		l->top = l->cursor + rows / 2;
}

static void ladder_draw(void *st, const td_view *v, WINDOW *win, int h, int w)
{
	ladder *l = st;
	frame f = { .q = td_market_get(v->market, v->selected),
		    .ins = td_registry_get(td_market_registry(v->market), v->selected),
		    .st = v->analysis ? td_analysis_get(v->analysis, v->selected) : NULL };
	if (!f.q || !f.ins || !f.st || f.q->last == TD_PX_NONE) {
		td_draw_text(win, 1, 1, w, TD_ROLE_NOTE, "no prints yet for this instrument");
		return;
	}
	f.ago = l->bars ? l->ago : TD_FP_SESSION;
	bool show[NLCOLS];
	choose(w, show);
	bool footer = h >= 10;
	int rows = h - 1 - footer < MAX_ROWS ? h - 1 - footer : MAX_ROWS;
	place_rows(l, &f, rows);
	markers(&f, l);
	td_fp_cell cells[MAX_ROWS];
	size_t n = td_footprint_rows(f.st->fp, f.ago, l->top, cells, (size_t)rows);
	for (size_t i = 0; i < n; i++) {
		int64_t vol = cells[i].bid + cells[i].ask + cells[i].other;
		f.max_vol = vol > f.max_vol ? vol : f.max_vol;
	}
	int x = 1, used = 0;
	for (size_t c = 0; c < NLCOLS; c++)
		if (show[c] && c != LC_BAR)
			used += lcols[c].width + 1;
	f.bar_w = w - used;
	for (size_t c = 0; c < NLCOLS; c++) {
		if (!show[c])
			continue;
		td_draw_right(win, 1, x, c == LC_BAR ? 6 : lcols[c].width, TD_ROLE_HEADER, lcols[c].head);
		x += lcols[c].width + 1;
	}
	if (footer) {
		char line[256];
		flow_line(&f, v, line, sizeof(line));
		td_draw_text(win, h, 1, w, TD_ROLE_DIM, line);
	}
	for (int r = 0; r < rows; r++) {
		td_fp_cell cell = (size_t)r < n ? cells[r] : (td_fp_cell){ .px = l->top - r };
		int y = 2 + r;
		if (cell.px == l->cursor && !l->follow)
			td_draw_fill(win, y, 1, w, TD_ROLE_CURSOR);
		x = 1;
		for (size_t c = 0; c < NLCOLS; c++) {
			if (!show[c])
				continue;
			draw_cell(win, y, x, (lcol)c, &f, &cell, v);
			x += lcols[c].width + 1;
		}
	}
}

/* Move the cursor by d ticks; it stops following the last price. */
static void move_cursor(ladder *l, td_view *v, td_ticks d)
{
	if (l->cursor == TD_PX_NONE)
		return;
	l->cursor += d;
	l->follow = false;
	v->ladder_px = l->cursor;
}

static td_reaction ladder_command(void *st, td_view *v, td_cmd cmd)
{
	ladder *l = st;
	switch (cmd) {
	case TD_CMD_UP: move_cursor(l, v, 1); break;
	case TD_CMD_DOWN: move_cursor(l, v, -1); break;
	case TD_CMD_PAGE_UP: move_cursor(l, v, 20); break;
	case TD_CMD_PAGE_DOWN: move_cursor(l, v, -20); break;
	case TD_CMD_CENTRE: l->follow = true; v->ladder_px = TD_PX_NONE; break;
	case TD_CMD_LADDER_VIEW: l->bars = !l->bars; l->ago = 0; break;
	case TD_CMD_OLDER: if (l->bars) l->ago++; break;
	case TD_CMD_NEWER: if (l->bars && l->ago > 0) l->ago--; break;
	default: return TD_REACT_PASS;
	}
	return TD_REACT_DONE;
}

/* "Ladder: SPY session" or "Ladder: SPY 5m bar 10:35", with delta and the cursor price. */
static void ladder_title(void *st, const td_view *v, char *buf, size_t n)
{
	ladder *l = st;
	td_studies *s = v->analysis ? td_analysis_get(v->analysis, v->selected) : NULL;
	td_fp_bar bar;
	if (!s || !td_footprint_bar(s->fp, l->bars ? l->ago : TD_FP_SESSION, &bar)) {
		snprintf(buf, n, "Ladder: %s", td_view_symbol(v, v->selected));
		return;
	}
	char delta[24], when[16] = "session", cur[40] = "";
	td_fmt_int(bar.delta, delta, sizeof(delta));
	if (l->bars) {
		char hms[9];
		td_time_fmt_hms(td_session_tz(v->session), bar.start, hms);
		snprintf(when, sizeof(when), "bar %.5s", hms);
	}
	if (!l->follow) {
		char px[32];
		td_view_price(v, v->selected, l->cursor, px, sizeof(px));
		snprintf(cur, sizeof(cur), " cursor %s", px);
	}
	snprintf(buf, n, "Ladder: %s %s delta %s%s%s", td_view_symbol(v, v->selected), when, bar.delta > 0 ? "+" : "",
		 delta, cur);
}

const td_pane_ops td_pane_ladder = {
	.name = "ladder",
	.caption = "Ladder",
	.min_w = 34,
	.min_h = 8,
	.priority = 2,
	.create = ladder_create,
	.destroy = ladder_destroy,
	.draw = ladder_draw,
	.command = ladder_command,
	.title = ladder_title,
};
