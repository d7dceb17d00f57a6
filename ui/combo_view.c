/*
 * The multi-leg ticket overlay: the strategy, each leg with its side, its
 * touch now and the position held in it, the net at those touches against
 * the net asked, the margin and fees, then every check (the worst over the
 * legs, with that leg named) and what to press.  Confirmation is the same
 * as any ticket's (src/oms/ticket.c).
 */
#include "combo_view.h"

#include <math.h>
#include <stdio.h>

#include "draw.h"
#include "ticket_view.h"
#include "tui.h"

static void line(WINDOW *w, int y, int width, td_role role, const char *text)
{
	td_draw_text(w, y, 2, width - 4, role, text);
}

/* "net 3.20 debit", "net 1.10 credit", "market". */
static void net_text(const td_view *v, uint32_t instr, td_ticks net, bool credit_positive, char *buf, size_t n)
{
	char p[32];
	if (net == TD_PX_NONE) {
		snprintf(buf, n, "-");
		return;
	}
	td_view_price(v, instr, net < 0 ? -net : net, p, sizeof p);
	bool credit = credit_positive ? net >= 0 : net < 0;
	snprintf(buf, n, "%s %s", p, credit ? "credit" : "debit");
}

static void head(WINDOW *win, int w, const td_combo_ticket *ct, const td_combo_costs *c, const td_view *v)
{
	const td_combo_req *r = &ct->combo;
	bool sold = r->side == TD_SIDE_SELL;
	char buf[200], now[48], asked[48];
	net_text(v, r->legs[0].instr, ct->net, sold, now, sizeof now);
	if (r->limit == TD_PX_NONE)
		snprintf(asked, sizeof asked, "market");
	else
		net_text(v, r->legs[0].instr, r->limit, sold, asked, sizeof asked);
	snprintf(buf, sizeof buf, "%s %lld %s  net asked %s  %s", sold ? "SELL" : "BUY", (long long)r->qty,
		 td_combo_kind_name(r->kind), asked, td_tif_name(r->tif));
	line(win, 1, w, sold ? TD_ROLE_SELL : TD_ROLE_BUY, buf);
	snprintf(buf, sizeof buf, "net now %s  margin %.2f  fees %.2f (estimate)", now, ct->margin, c->fees);
	line(win, 2, w, TD_ROLE_NORMAL, buf);
	for (size_t i = 0; i < r->n; i++) {
		char px[32];
		td_view_price(v, r->legs[i].instr, ct->px[i], px, sizeof px);
		double after = c->position[i] + (r->legs[i].side == TD_SIDE_BUY ? 1 : -1) * (double)r->qty;
		snprintf(buf, sizeof buf, "  leg %zu  %-4s %lld %-22.22s at %-9s position %+.0f -> %+.0f", i + 1,
			 r->legs[i].side == TD_SIDE_BUY ? "BUY" : "SELL", (long long)r->qty, td_view_symbol(v, r->legs[i].instr),
			 px, c->position[i], after);
		line(win, 3 + (int)i, w, r->legs[i].side == TD_SIDE_BUY ? TD_ROLE_BUY : TD_ROLE_SELL, buf);
	}
}

void td_combo_ticket_draw(const td_combo_ticket *ct, const td_combo_costs *c, const td_view *v)
{
	int legs = (int)ct->combo.n;
	int h = (int)ct->t.nchecks + 7 + legs, w = COLS - 4 > 86 ? 86 : COLS - 4;
	if (h > LINES - 1)
		h = LINES - 1;
	if (h < 6 + legs || w < 30)
		return;
	WINDOW *win = td_draw_overlay(h, w, ct->combo.side == TD_SIDE_BUY ? "BUY multi-leg ticket" : "SELL multi-leg ticket");
	if (!win)
		return;
	head(win, w, ct, c, v);
	td_ticket_draw_checks(win, 4 + legs, h - 2, w, &ct->t);
	line(win, h - 2, w, TD_ROLE_PROMPT, td_ticket_prompt(&ct->t));
	wnoutrefresh(win);
	delwin(win);
}
