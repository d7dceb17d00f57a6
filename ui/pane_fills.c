/*
 * Fills, newest first: time, order id, instrument, side, quantity, price,
 * fee, and what the order was to a bracket (target, stop, exit); the
 * count and the fees paid in the title.
 */
#include <stdio.h>

#include "draw.h"
#include "pane.h"

static void fill_line(const td_view *v, const td_oms_fill *f, char *buf, size_t n)
{
	char t[9], px[32];
	td_time_fmt_hms(td_session_tz(v->session), f->t, t);
	td_view_price(v, f->instr, f->px, px, sizeof px);
	snprintf(buf, n, "%s %-16s %-20.20s %-4s %6lld %10s %8.2f %s", t, f->id, td_view_symbol(v, f->instr),
		 f->side == TD_SIDE_BUY ? "BUY" : "SELL", (long long)f->qty, px, f->fee, td_order_role_name(f->role));
}

static void fills_draw(void *st, const td_view *v, WINDOW *win, int h, int w)
{
	(void)st;
	if (!v->oms) {
		td_draw_text(win, 1, 1, w, TD_ROLE_NOTE, "orders are off (see the log)");
		return;
	}
	char buf[256];
	snprintf(buf, sizeof buf, "%-8s %-16s %-20s %-4s %6s %10s %8s %s", "time", "order", "instrument", "side", "qty",
		 "price", "fee", "link");
	td_draw_text(win, 1, 1, w, TD_ROLE_HEADER, buf);
	size_t n;
	const td_oms_fill *all = td_oms_fills(v->oms, &n);
	for (int r = 0; r < h - 1 && (size_t)r < n; r++) {
		const td_oms_fill *f = &all[n - 1 - (size_t)r];
		fill_line(v, f, buf, sizeof buf);
		td_draw_text(win, 2 + r, 1, w, f->side == TD_SIDE_BUY ? TD_ROLE_BUY : TD_ROLE_SELL, buf);
	}
	if (!n)
		td_draw_text(win, 2, 1, w, TD_ROLE_NOTE, "no fills yet");
}

static void fills_title(void *st, const td_view *v, char *buf, size_t n)
{
	(void)st;
	size_t count = 0;
	const td_oms_fill *all = v->oms ? td_oms_fills(v->oms, &count) : NULL;
	double fees = 0;
	for (size_t i = 0; i < count; i++)
		fees += all[i].fee;
	snprintf(buf, n, "Fills: %zu, fees %.2f", count, fees);
}

const td_pane_ops td_pane_fills = {
	.name = "fills",
	.caption = "Fills",
	.min_w = 40,
	.min_h = 4,
	.priority = 4,
	.draw = fills_draw,
	.title = fills_title,
};
