/*
 * Deals (round trips), newest first: instrument, side, entry and exit
 * quantity, price and time, gross P&L, charges, net P&L, net %, how the
 * deal closed and the source (or strategy) of the order that opened it;
 * the day's totals in the title.
 */
#include <stdio.h>

#include "draw.h"
#include "pane.h"

static void deal_line(const td_view *v, const td_deal *d, char *buf, size_t n)
{
	char t_in[9], t_out[9];
	const td_tz *tz = td_session_tz(v->session);
	td_time_fmt_hms(tz, d->entry_ns, t_in);
	td_time_fmt_hms(tz, d->exit_ns, t_out);
	snprintf(buf, n, "%-20.20s %-5s %6.0f %10.2f %s  %6.0f %10.2f %s %+10.2f %8.2f %+10.2f %+7.2f%% %-9s %s",
		 td_view_symbol(v, d->instr), d->side > 0 ? "long" : "short", d->entry_qty, d->entry_px, t_in, d->exit_qty,
		 d->exit_px, t_out, d->gross, d->charges, d->net, d->net_pct, td_close_reason_name(d->closed_by),
		 d->source[0] ? d->source : "manual");
}

static void deals_draw(void *st, const td_view *v, WINDOW *win, int h, int w)
{
	(void)st;
	if (!v->oms) {
		td_draw_text(win, 1, 1, w, TD_ROLE_NOTE, "orders are off (see the log)");
		return;
	}
	char buf[256];
	snprintf(buf, sizeof buf, "%-20s %-5s %6s %10s %-8s  %6s %10s %-8s %10s %8s %10s %8s %-9s %s", "instrument",
		 "side", "in", "price", "time", "out", "price", "time", "gross", "charges", "net", "net %", "closed by",
		 "source");
	td_draw_text(win, 1, 1, w, TD_ROLE_HEADER, buf);
	size_t n;
	const td_deal *d = td_book_deals(td_oms_book(v->oms), &n);
	for (int r = 0; r < h - 1 && (size_t)r < n; r++) {
		const td_deal *x = &d[n - 1 - (size_t)r];
		deal_line(v, x, buf, sizeof buf);
		td_draw_text(win, 2 + r, 1, w, x->net < 0 ? TD_ROLE_DOWN : TD_ROLE_UP, buf);
	}
	if (!n)
		td_draw_text(win, 2, 1, w, TD_ROLE_NOTE, "no closed deals yet");
}

static void deals_title(void *st, const td_view *v, char *buf, size_t n)
{
	(void)st;
	size_t count = 0;
	const td_deal *d = v->oms ? td_book_deals(td_oms_book(v->oms), &count) : NULL;
	double net = 0;
	int wins = 0;
	for (size_t i = 0; i < count; i++) {
		net += d[i].net;
		wins += d[i].net > 0;
	}
	snprintf(buf, n, "Deals: %zu closed, %d won, net %+.2f", count, wins, net);
}

const td_pane_ops td_pane_deals = {
	.name = "deals",
	.caption = "Deals",
	.min_w = 40,
	.min_h = 4,
	.priority = 4,
	.draw = deals_draw,
	.title = deals_title,
};
