/*
 * Depth of book for the selected instrument: asks above (best at the bottom
 * of the ask block), bids below, so the spread sits in the middle like a DOM
 * ladder.  A size bar shows each level against the largest one visible.
 */
#include <stdio.h>

#include "draw.h"
#include "pane.h"

/* Largest size on either side, for scaling the bars. */
static int64_t largest(const td_quote_state *q)
{
	int64_t m = 1;
	for (int i = 0; i < q->bids.n; i++)
		m = q->bids.size[i] > m ? q->bids.size[i] : m;
	for (int i = 0; i < q->asks.n; i++)
		m = q->asks.size[i] > m ? q->asks.size[i] : m;
	return m;
}

/* One level: size, price, a bar; bids and asks in their roles. */
static void draw_level(const td_view *v, WINDOW *win, int y, int w, bool bid, td_ticks px, int64_t size, int64_t max)
{
	char p[32], sz[32];
	td_view_price(v, v->selected, px, p, sizeof(p));
	td_fmt_int(size, sz, sizeof(sz));
	td_role role = bid ? TD_ROLE_BID : TD_ROLE_ASK;
	const td_quote_state *q = td_market_get(v->market, v->selected);
	td_role prole = px == q->last ? TD_ROLE_CURSOR : role;
	td_draw_right(win, y, 1, 9, role, bid ? sz : "");
	td_draw_right(win, y, 11, 10, prole, p);
	td_draw_right(win, y, 22, 9, role, bid ? "" : sz);
	int barw = w - 32;
	if (barw <= 0)
		return;
	int len = (int)((double)barw * (double)size / (double)max + 0.5);
	td_draw_fill(win, y, 32, len > barw ? barw : len, bid ? TD_ROLE_LARGE_BUY : TD_ROLE_LARGE_SELL);
}

static void book_draw(void *st, const td_view *v, WINDOW *win, int h, int w)
{
	(void)st;
	const td_quote_state *q = td_market_get(v->market, v->selected);
	if (!q || (q->bids.n == 0 && q->asks.n == 0)) {
		td_draw_text(win, 1, 1, w, TD_ROLE_NOTE, "no depth for this instrument");
		return;
	}
	td_draw_right(win, 1, 1, 9, TD_ROLE_HEADER, "Bid");
	td_draw_right(win, 1, 11, 10, TD_ROLE_HEADER, "Price");
	td_draw_right(win, 1, 22, 9, TD_ROLE_HEADER, "Ask");
	int half = (h - 1) / 2;
	int64_t max = largest(q);
	int na = q->asks.n < half ? q->asks.n : half;
	for (int i = 0; i < na; i++)
		draw_level(v, win, 1 + half - i, w, false, q->asks.px[i], q->asks.size[i], max);
	int nb = q->bids.n < h - 1 - half ? q->bids.n : h - 1 - half;
	for (int i = 0; i < nb; i++)
		draw_level(v, win, 2 + half + i, w, true, q->bids.px[i], q->bids.size[i], max);
}

static void book_title(void *st, const td_view *v, char *buf, size_t n)
{
	(void)st;
	snprintf(buf, n, "Book: %s", td_view_symbol(v, v->selected));
}

const td_pane_ops td_pane_book = {
	.name = "book",
	.caption = "Book",
	.min_w = 32,
	.min_h = 8,
	.priority = 4,
	.draw = book_draw,
	.title = book_title,
};
