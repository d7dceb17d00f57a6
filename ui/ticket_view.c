/*
 * The order ticket overlay: instrument, side, quantity, type, prices and
 * time in force; the estimated value and fees and the position after the
 * fill; the editable fields (ticket_form.c) with the one under the cursor
 * in brackets; every risk check with its verdict and numbers; and the one
 * line saying what to press.  While a field is in error the order, costs
 * and checks give way to the reason, since nothing could be sent.  The
 * confirmation itself is src/oms/ticket.c.
 */
#include "ticket_view.h"

#include <math.h>
#include <stdio.h>

#include "draw.h"
#include "tui.h"

static const td_role verdict_role[] = {
	[TD_RISK_PASS] = TD_ROLE_UP, [TD_RISK_NA] = TD_ROLE_DIM,
	[TD_RISK_WARN] = TD_ROLE_STATUS_WARN, [TD_RISK_FAIL] = TD_ROLE_STATUS_ERR,
};

/* "limit 512.25", "stop 569.00 limit 568.50", "trailing 0.50", "market". */
static void prices_text(const td_ticket *t, const td_view *v, char *buf, size_t n)
{
	char a[32], b[32];
	const td_order_req *r = &t->req;
	td_view_price(v, r->instr, r->limit, a, sizeof a);
	td_view_price(v, r->instr, r->stop, b, sizeof b);
	switch (r->type) {
	case TD_OT_LIMIT: snprintf(buf, n, "limit %s", a); break;
	case TD_OT_STOP: snprintf(buf, n, "stop %s", b); break;
	case TD_OT_STOP_LIMIT: snprintf(buf, n, "stop %s limit %s", b, a); break;
	case TD_OT_TRAIL_AMOUNT: td_view_price(v, r->instr, r->trail, a, sizeof a); snprintf(buf, n, "trailing %s", a); break;
	case TD_OT_TRAIL_PERCENT: snprintf(buf, n, "trailing %.2f%%", (double)r->trail / 100); break;
	default: snprintf(buf, n, "market"); break;
	}
}

static void line(WINDOW *w, int y, int width, td_role role, const char *text)
{
	td_draw_text(w, y, 2, width - 4, role, text);
}

/* "then target 515.00 and stop 510.00 ..." for a bracket; "" otherwise. */
static void bracket_text(const td_ticket *t, const td_view *v, char *buf, size_t n)
{
	char tp[32] = "", sl[32] = "";
	const td_order_req *r = &t->req;
	buf[0] = '\0';
	if (r->take_profit)
		td_view_price(v, r->instr, r->take_profit, tp, sizeof tp);
	if (r->stop_loss)
		td_view_price(v, r->instr, r->stop_loss, sl, sizeof sl);
	if (r->take_profit && r->stop_loss)
		snprintf(buf, n, "then, for every unit filled: target %s and stop %s, one cancels the other", tp, sl);
	else if (r->take_profit || r->stop_loss)
		snprintf(buf, n, "then, for every unit filled: %s %s", r->take_profit ? "target" : "stop",
			 r->take_profit ? tp : sl);
}

/* The fields on one row, "qty [25]  lmt 512.25  tp -  sl -  tif DAY": the cursor's in brackets, one in error in the error role. */
static void fields_line(WINDOW *win, int y, int width, const td_ticket_form *f)
{
	td_form_field fl[TD_FF_COUNT];
	size_t n = td_ticket_form_fields(f, fl);
	int x = 2, end = width - 2;
	for (size_t i = 0; i < n && x < end; i++) {
		char seg[48];
		const char *text = td_ticket_form_text(f, fl[i]);
		bool at = td_ticket_form_cursor(f) == (int)fl[i];
		snprintf(seg, sizeof seg, at ? "[%s]" : "%s", text[0] || at ? text : "-");
		td_role role = td_ticket_form_error(f, fl[i])[0] ? TD_ROLE_STATUS_ERR : at ? TD_ROLE_CURSOR : TD_ROLE_NORMAL;
		x += td_draw_text(win, y, x, end - x, TD_ROLE_DIM, td_ticket_form_label(f, fl[i])) + 1;
		x += td_draw_text(win, y, x, end - x, role, seg) + 2;
	}
}

/* The order and its costs: what Enter then y would send. */
static void order_lines(WINDOW *win, int w, const td_ticket *t, const td_ticket_costs *c, const td_view *v)
{
	char buf[200], px[96];
	prices_text(t, v, px, sizeof px);
	snprintf(buf, sizeof buf, "%s %lld %s  %s  %s", t->req.side == TD_SIDE_BUY ? "BUY" : "SELL", (long long)t->req.qty,
		 td_view_symbol(v, t->req.instr), px, td_tif_name(t->req.tif));
	line(win, 1, w, t->req.side == TD_SIDE_BUY ? TD_ROLE_BUY : TD_ROLE_SELL, buf);
	double after = c->position + (t->req.side == TD_SIDE_BUY ? 1 : -1) * (double)t->req.qty;
	snprintf(buf, sizeof buf, "value %.2f at %.2f  fees %.2f (estimate)  position %+.0f -> %+.0f", c->value, c->price,
		 c->fees, c->position, after);
	line(win, 2, w, TD_ROLE_NORMAL, buf);
}

/* The last line: the confirmation's prompt, with the field keys while the ticket is only shown. */
static void prompt_line(WINDOW *win, int y, int w, const td_ticket *t, const td_ticket_form *f)
{
	char buf[200];
	if (!td_ticket_form_ok(f))
		snprintf(buf, sizeof buf, "Enter is refused until the field in error is fixed; Esc to cancel");
	else if (t->stage == TD_TICKET_SHOWN)
		snprintf(buf, sizeof buf, "%s; %s", td_ticket_prompt(t), td_ticket_form_hint(f));
	else
		snprintf(buf, sizeof buf, "%s", td_ticket_prompt(t));
	line(win, y, w, TD_ROLE_PROMPT, buf);
}

void td_ticket_draw_checks(WINDOW *win, int y, int end, int w, const td_ticket *t)
{
	for (size_t i = 0; i < t->nchecks && y < end; i++, y++) {
		char buf[200];
		snprintf(buf, sizeof buf, "%-4s %-19s %s", td_risk_status_name(t->checks[i].status), t->checks[i].name,
			 t->checks[i].detail);
		line(win, y, w, verdict_role[t->checks[i].status], buf);
	}
}

void td_ticket_draw(const td_ticket *t, const td_ticket_form *f, const td_ticket_costs *c, const td_view *v)
{
	char extra[2][200], why[200];
	bool ok = !td_ticket_form_why(f, why, sizeof why);
	bracket_text(t, v, extra[0], sizeof extra[0]);
	snprintf(extra[1], sizeof extra[1], "%s", c->note);
	int nextra = ok ? (extra[0][0] != '\0') + (extra[1][0] != '\0') : 0;
	int h = ok ? (int)t->nchecks + 9 + nextra : 7, w = COLS - 4 > 86 ? 86 : COLS - 4;
	if (h > LINES - 1)
		h = LINES - 1;
	if (h < 7 || w < 30)
		return;
	WINDOW *win = td_draw_overlay(h, w, t->replaces[0] ? "MODIFY ticket" : t->req.side == TD_SIDE_BUY ? "BUY ticket" : "SELL ticket");
	if (!win)
		return;
	if (ok) {
		order_lines(win, w, t, c, v);
	} else {
		line(win, 1, w, TD_ROLE_STATUS_ERR, why);
		line(win, 2, w, TD_ROLE_NOTE, "nothing can be sent until this is fixed");
	}
	fields_line(win, 3, w, f);
	int y = 4;
	for (int i = 0; i < 2 && ok; i++)
		if (extra[i][0])
			line(win, y++, w, TD_ROLE_NOTE, extra[i]);
	if (ok)
		td_ticket_draw_checks(win, y + 1, h - 2, w, t);
	prompt_line(win, h - 2, w, t, f);
	wnoutrefresh(win);
	delwin(win);
}
