/*
 * Orders, newest first: id, instrument, side, quantity, type and price,
 * what it is to a linked group (a bracket's target or stop, an exit, a
 * multi-leg order's leg), state, filled quantity at its average price, and
 * why it was refused or expired.  Working orders are drawn in the normal
 * role, final ones dim.
 */
#include <math.h>
#include <stdio.h>

#include "draw.h"
#include "pane.h"

/*
 * The price column: a leg shows its group's net ("net 3.20", "net mkt"), a
 * working stop where it would trigger now (a trail as it has moved), else
 * the limit or the stop asked.
 */
static void order_price(const td_view *v, const td_order *o, char *px, size_t n)
{
	const td_oms_group *g = o->role == TD_OR_LEG ? td_oms_group_find(v->oms, o->parent) : NULL;
	bool trails = o->req.type == TD_OT_TRAIL_AMOUNT || o->req.type == TD_OT_TRAIL_PERCENT;
	td_ticks stop = trails ? td_oms_working_stop(v->oms, o) : TD_PX_NONE;
	char p[32];
	if (g && g->limit == TD_PX_NONE) {
		snprintf(px, n, "net mkt");
	} else if (g) {
		td_view_price(v, g->first, g->limit < 0 ? -g->limit : g->limit, p, sizeof p);
		snprintf(px, n, "net %s%s", g->limit < 0 ? "-" : "", p);
	} else if (stop != TD_PX_NONE) {
		td_view_price(v, o->req.instr, stop, p, sizeof p);
		snprintf(px, n, "@%s", p);
	} else {
		td_view_price(v, o->req.instr, o->req.limit != TD_PX_NONE ? o->req.limit : o->req.stop, px, n);
	}
}

static void order_line(const td_view *v, const td_order *o, char *buf, size_t n)
{
	char px[40], avg[32] = "-";
	order_price(v, o, px, sizeof px);
	if (o->filled)
		td_view_price(v, o->req.instr, (td_ticks)llround(td_order_avg_px(o)), avg, sizeof avg);
	snprintf(buf, n, "%-16s %-20.20s %-4s %6lld %-10.10s %9s %-6s %-16.16s %6lld @ %-9s %s", o->id,
		 td_view_symbol(v, o->req.instr), o->req.side == TD_SIDE_BUY ? "BUY" : "SELL", (long long)o->req.qty,
		 td_order_type_name(o->req.type), px, td_order_role_name(o->role), td_order_state_name(o->state),
		 (long long)o->filled, avg, o->why);
}

static void orders_draw(void *st, const td_view *v, WINDOW *win, int h, int w)
{
	(void)st;
	if (!v->oms) {
		td_draw_text(win, 1, 1, w, TD_ROLE_NOTE, "orders are off (see the log)");
		return;
	}
	char buf[256];
	snprintf(buf, sizeof buf, "%-16s %-20s %-4s %6s %-10s %9s %-6s %-16s %18s %s", "id", "instrument", "side", "qty",
		 "type", "price", "link", "state", "filled @ avg", "why");
	td_draw_text(win, 1, 1, w, TD_ROLE_HEADER, buf);
	size_t n;
	const td_order *all = td_oms_orders(v->oms, &n);
	for (int r = 0; r < h - 1 && (size_t)r < n; r++) {
		const td_order *o = &all[n - 1 - (size_t)r];
		order_line(v, o, buf, sizeof buf);
		td_draw_text(win, 2 + r, 1, w, td_order_final(o->state) ? TD_ROLE_DIM : TD_ROLE_NORMAL, buf);
	}
	if (!n)
		td_draw_text(win, 2, 1, w, TD_ROLE_NOTE, "no orders yet: B or S opens a ticket, :buy QTY SYMBOL ...");
}

static void orders_title(void *st, const td_view *v, char *buf, size_t n)
{
	(void)st;
	size_t total = 0, working = 0;
	const td_order *all = v->oms ? td_oms_orders(v->oms, &total) : NULL;
	for (size_t i = 0; i < total; i++)
		working += !td_order_final(all[i].state);
	snprintf(buf, n, "Orders: %zu working, %zu in all%s", working, total, v->oms && td_oms_halted(v->oms) ? " (HALTED)" : "");
}

const td_pane_ops td_pane_orders = {
	.name = "orders",
	.caption = "Orders",
	.min_w = 40,
	.min_h = 4,
	.priority = 3,
	.draw = orders_draw,
	.title = orders_title,
};
