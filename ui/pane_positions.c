/*
 * Positions: quantity, average price, last, unrealised, realised and day
 * P&L per instrument held or traded, and the account's equity against its
 * capital.  Money is the account currency; prices in each instrument's
 * format.
 */
#include <math.h>
#include <stdio.h>

#include "draw.h"
#include "pane.h"

static double last_price(const td_view *v, uint32_t id)
{
	const td_quote_state *q = td_market_get(v->market, id);
	const td_instrument *ins = td_registry_get(td_market_registry(v->market), id);
	if (!q || !ins)
		return NAN;
	if (q->last != TD_PX_NONE)
		return td_px_to_double(ins->px, q->last);
	if (q->bid != TD_PX_NONE && q->ask != TD_PX_NONE)
		return 0.5 * (td_px_to_double(ins->px, q->bid) + td_px_to_double(ins->px, q->ask));
	return NAN;
}

static void positions_draw(void *st, const td_view *v, WINDOW *win, int h, int w)
{
	(void)st;
	if (!v->oms) {
		td_draw_text(win, 1, 1, w, TD_ROLE_NOTE, "orders are off (see the log)");
		return;
	}
	const td_book *b = td_oms_book(v->oms);
	char buf[256];
	snprintf(buf, sizeof buf, "%-20s %8s %10s %10s %12s %12s %12s", "instrument", "qty", "avg", "last", "unrealised",
		 "realised", "day");
	td_draw_text(win, 1, 1, w, TD_ROLE_HEADER, buf);
	int y = 2;
	size_t count = td_registry_count(td_market_registry(v->market));
	for (uint32_t id = 0; id < count && y < h; id++) {
		const td_position *p = td_book_position(b, id);
		if (p->qty == 0 && p->realised == 0)
			continue;
		double last = last_price(v, id), u = td_book_unrealised(b, id, last);
		snprintf(buf, sizeof buf, "%-20.20s %+8.0f %10.2f %10.2f %+12.2f %+12.2f %+12.2f", td_view_symbol(v, id), p->qty,
			 p->avg_px, last, u, p->realised, p->day_realised + (isfinite(u) ? u : 0));
		td_draw_text(win, y++, 1, w, u + p->realised < 0 ? TD_ROLE_DOWN : TD_ROLE_UP, buf);
	}
	if (y == 2)
		td_draw_text(win, 2, 1, w, TD_ROLE_NOTE, "no positions");
	double eq = td_oms_equity(v->oms);
	snprintf(buf, sizeof buf, "equity %.2f (capital %lld, %+.2f)", eq, (long long)v->cfg->capital,
		 eq - (double)v->cfg->capital);
	td_draw_text(win, h, 1, w, TD_ROLE_STATUS, buf);
}

const td_pane_ops td_pane_positions = {
	.name = "positions",
	.caption = "Positions",
	.min_w = 40,
	.min_h = 4,
	.priority = 3,
	.draw = positions_draw,
};
