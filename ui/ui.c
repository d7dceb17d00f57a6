/*
 * The front end.  State: the pane instances, the layout and which panes it
 * placed, focus and zoom, the help overlay, the command line and a transient
 * message.  Keys become commands through the keymap; the focused pane sees a
 * command first and whatever it passes goes to run_global().  Every change
 * only marks the screen dirty: the engine loop decides when to draw.
 */
#include "ui.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "core/log.h"
#include "core/text.h"
#include "draw.h"
#include "keymap.h"
#include "layout.h"
#include "pane.h"
#include "oms/parse.h"
#include "statusbar.h"
#include "ticket_form.h"
#include "combo_view.h"
#include "ticket_view.h"
#include "tui.h"

#define MSG_NS (5 * TD_NS_PER_SEC)
#define PROMPT_MAX 128

static const td_pane_ops *const pane_table[] = {
	&td_pane_watchlist, &td_pane_ladder, &td_pane_fpchart, &td_pane_tpo,
	&td_pane_chart,     &td_pane_premarket, &td_pane_tape, &td_pane_book,
	&td_pane_chain,     &td_pane_exposure,  &td_pane_scan,      &td_pane_orders,
	&td_pane_positions, &td_pane_deals,     &td_pane_fills,     &td_pane_alerts,
	&td_pane_risk,
};
#define NPANES (sizeof(pane_table) / sizeof(pane_table[0]))

typedef struct pane_inst {
	const td_pane_ops *ops;
	void *st;
	WINDOW *win;      /* NULL when not placed */
	td_rect r;
} pane_inst;

struct td_ui {
	td_engine *engine;    /* borrowed */
	td_theme *theme;      /* owned */
	td_view view;
	pane_inst panes[NPANES];
	size_t layout;        /* index into the layout table */
	int hidden;
	size_t order[NPANES]; /* placed panes in layout order */
	size_t nplaced;
	size_t focus;         /* index into order */
	bool zoom;
	bool help;
	int help_top;
	char text[8192];      /* the overlay shows this instead of the keys when set (the output of :alert list) */
	char text_title[64];
	bool prompt;
	char line[PROMPT_MAX];
	size_t len;
	char msg[160];
	bool msg_error;
	td_mono msg_at;
	bool dirty;
	bool relayout;
	bool quit;
	bool ticket_open;     /* an order ticket has the keyboard */
	td_ticket ticket;
	td_ticket_form *form; /* owned: the ticket's fields as the trader edits them */
	td_ticket_costs costs;
	bool combo_open;      /* a multi-leg ticket has the keyboard */
	td_combo_ticket combo;
	td_combo_costs combo_costs;
	td_cmd confirm;       /* a command waiting for y (cancel-all, rearm), or TD_CMD_NONE */
};

/* Show a transient message on the status bar. */
static void message(td_ui *u, bool error, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void message(td_ui *u, bool error, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(u->msg, sizeof(u->msg), fmt, ap);
	va_end(ap);
	u->msg_error = error;
	u->msg_at = td_mono_now();
	u->dirty = true;
	if (error)
		td_log_warn("%s", u->msg);
}

/* The pane instance with focus, or NULL when nothing is placed. */
static pane_inst *focused(td_ui *u)
{
	return u->nplaced ? &u->panes[u->order[u->focus]] : NULL;
}

/* Delete every pane window. */
static void drop_windows(td_ui *u)
{
	for (size_t i = 0; i < NPANES; i++) {
		if (u->panes[i].win)
			delwin(u->panes[i].win);
		u->panes[i].win = NULL;
	}
}

/* Create a window for each placement; keep focus on the same pane if it is still placed. */
static void place_windows(td_ui *u, const td_placement *pl, int n)
{
	size_t was = u->nplaced ? u->order[u->focus] : 0;
	u->nplaced = 0;
	u->focus = 0;
	for (int i = 0; i < n; i++) {
		pane_inst *p = &u->panes[pl[i].pane];
		p->r = pl[i].r;
		p->win = newwin(p->r.h, p->r.w, p->r.y, p->r.x);
		if (!p->win)
			continue;
		if (pl[i].pane == was)
			u->focus = u->nplaced;
		u->order[u->nplaced++] = pl[i].pane;
	}
}

/* Recompute placements for the current size, layout and zoom. */
static void do_layout(td_ui *u)
{
	td_layout_pane lp[NPANES];
	for (size_t i = 0; i < NPANES; i++)
		lp[i] = (td_layout_pane){ pane_table[i]->name, pane_table[i]->min_w, pane_table[i]->min_h,
					  pane_table[i]->priority };
	td_rect area = { 0, 0, LINES - 1, COLS };
	td_placement pl[TD_LAYOUT_MAX];
	char err[160];
	int n;
	pane_inst *f = focused(u);
	if (u->zoom && f) {
		pl[0] = (td_placement){ (size_t)(f - u->panes), area };
		n = area.h >= 3 && area.w >= 10 ? 1 : 0;
		u->hidden = 0;
	} else {
		n = td_layout_compute(td_layout_at(u->layout)->spec, area, lp, NPANES, pl, &u->hidden, err, sizeof(err));
		if (n < 0) {
			message(u, true, "%s", err);
			n = 0;
		}
	}
	drop_windows(u);
	place_windows(u, pl, n);
	u->relayout = false;
	clearok(curscr, TRUE);
	u->dirty = true;
}

/* Speed changes: doubling and halving, with max (0) at the fast end. */
static void set_speed(td_ui *u, double s)
{
	td_feed_set_speed(td_engine_feed(u->engine), s);
	if (s <= 0)
		message(u, false, "speed max");
	else
		message(u, false, "speed x%g", s);
}

/* Switch theme by name. */
static int load_theme(td_ui *u, const char *name)
{
	char path[512], err[256];
	if (td_theme_locate(name, path, sizeof(path)) < 0) {
		message(u, true, "theme '%s' not found", name);
		return -1;
	}
	td_theme *t = td_theme_load(path, err, sizeof(err));
	if (!t) {
		message(u, true, "%s", err);
		return -1;
	}
	td_theme_free(u->theme);
	u->theme = t;
	td_tui_apply_theme(t);
	clearok(curscr, TRUE);
	message(u, false, "theme %s", td_theme_name(t));
	return 0;
}

/* ":set KEY VALUE" on the running configuration. */
static int set_option(td_ui *u, const char *arg)
{
	char key[64], err[256];
	const char *sp = strchr(arg, ' ');
	if (!sp || (size_t)(sp - arg) >= sizeof(key)) {
		message(u, true, "usage: :set KEY VALUE (for example :set ui.fps 10)");
		return -1;
	}
	memcpy(key, arg, (size_t)(sp - arg));
	key[sp - arg] = '\0';
	while (*sp == ' ')
		sp++;
	if (td_engine_set_option(u->engine, key, sp, err, sizeof(err)) < 0) {
		message(u, true, "%s", err);
		return -1;
	}
	message(u, false, "%s = %s", key, sp);
	return 0;
}

/* The order manager, or NULL with the reason on the status bar. */
static td_oms *desk_oms(td_ui *u)
{
	td_oms *oms = td_engine_oms(u->engine);
	if (!oms)
		message(u, true, "orders are off: %s", td_engine_desk_note(u->engine));
	return oms;
}

/* What ticket t shows beside its checks: value, fees, the position now, and the form's note. */
static void ticket_costs(td_ui *u, td_oms *oms, const td_ticket *t)
{
	const td_order_req *req = &t->req;
	const td_instrument *ins = td_registry_get(td_market_registry(u->view.market), req->instr);
	const td_position *pos = td_book_position(td_oms_book(oms), req->instr);
	double price = td_oms_order_price(oms, req);
	u->costs = (td_ticket_costs){
		.price = price, .value = (double)req->qty * price * (double)(ins && ins->multiplier > 0 ? ins->multiplier : 1),
		.fees = td_desk_fee_estimate(td_engine_desk(u->engine), req, price), .position = pos ? pos->qty : 0,
	};
	td_ticket_form_note(u->form, t, u->costs.note, sizeof u->costs.note);
	u->dirty = true;
}

/* Show the ticket just made in u->ticket, its fields ready to edit (was_qty: a modified order's quantity). */
static void show_ticket(td_ui *u, td_oms *oms, td_form_kind kind, int64_t was_qty, const char *note)
{
	const td_instrument *ins = td_registry_get(td_market_registry(u->view.market), u->ticket.req.instr);
	td_ticket_form_open(u->form, &u->ticket.req, ins ? ins->px : (td_pxfmt){ 1, 0 }, kind, was_qty, note);
	ticket_costs(u, oms, &u->ticket);
	u->ticket_open = true;
}

/* Open a ticket for req: its risk checks and costs as of now. */
static int open_ticket(td_ui *u, const td_order_req *req, td_form_kind kind, const char *note)
{
	td_oms *oms = desk_oms(u);
	char err[256];
	if (!oms)
		return -1;
	if (td_oms_ticket(oms, req, &u->ticket, err, sizeof err) < 0) {
		message(u, true, "%s", err);
		return -1;
	}
	show_ticket(u, oms, kind, 0, note);
	return 0;
}

/* A multi-leg ticket for c: the legs at their touches, the net, the margin, the fees and every check. */
static int open_combo(td_ui *u, const td_combo_req *c)
{
	td_oms *oms = desk_oms(u);
	char err[256];
	if (!oms)
		return -1;
	if (td_oms_combo_ticket(oms, c, &u->combo, err, sizeof err) < 0) {
		message(u, true, "%s", err);
		return -1;
	}
	u->combo_costs.fees = 0;
	for (size_t i = 0; i < c->n; i++) {
		td_order_req r = { .instr = c->legs[i].instr, .side = c->legs[i].side, .qty = c->qty,
				   .type = TD_OT_MARKET, .tif = c->tif, .limit = TD_PX_NONE, .stop = TD_PX_NONE };
		u->combo_costs.fees += td_desk_fee_estimate(td_engine_desk(u->engine), &r, td_oms_order_price(oms, &r));
		u->combo_costs.position[i] = td_book_position(td_oms_book(oms), r.instr)->qty;
	}
	u->combo_open = true;
	u->dirty = true;
	return 0;
}

/* The third word of an order line names a strategy: "buy 1 vertical SPY ...". */
static bool is_combo_line(const char *line)
{
	char word[32];
	return sscanf(line, "%*s %*s %31s", word) == 1 && td_combo_word(word);
}

static int typed_combo(td_ui *u, const char *line, const char *source)
{
	td_combo_req c;
	char err[200];
	if (td_combo_parse(line, td_market_registry(u->view.market), &c, err, sizeof err) < 0) {
		message(u, true, ":%s: %s", line, err);
		return -1;
	}
	td_strlcpy(c.source, source, sizeof c.source);
	return open_combo(u, &c);
}

/* :roll SYMBOL EXPIRY [STRIKE] [lmt P|mkt] [TIF]: the position in SYMBOL to another expiry, as one order. */
static int typed_roll(td_ui *u, const char *arg)
{
	char sym[64], err[200];
	int used = 0;
	td_oms *oms = desk_oms(u);
	const td_registry *reg = td_market_registry(u->view.market);
	if (!oms)
		return -1;
	uint32_t id = sscanf(arg, "%63s %n", sym, &used) == 1 ? td_registry_find(reg, sym) : TD_NO_ID;
	if (id == TD_NO_ID) {
		message(u, true, ":roll %s: expected a listed option SYMBOL, then EXPIRY [STRIKE] [lmt P|mkt] [TIF]", arg);
		return -1;
	}
	td_combo_req c;
	if (td_combo_roll(reg, id, (int64_t)td_book_position(td_oms_book(oms), id)->qty, arg + used, &c, err,
			  sizeof err) < 0) {
		message(u, true, ":roll %s: %s", arg, err);
		return -1;
	}
	return open_combo(u, &c);
}

/* A ticket for an order line "buy|sell QTY|risk AMOUNT SYMBOL [TYPE PRICE...] [tp P] [sl P] [TIF]" from source. */
static int typed_line(td_ui *u, const char *line, const char *source)
{
	char err[200], note[128] = "";
	if (is_combo_line(line))
		return typed_combo(u, line, source);
	td_order_req req;
	td_order_sizing sz;
	if (td_order_parse(line, td_market_registry(u->view.market), &req, &sz, err, sizeof err) < 0) {
		message(u, true, ":%s: %s", line, err);
		return -1;
	}
	td_oms *oms = desk_oms(u);
	if (!oms)
		return -1;
	if (sz.set && td_oms_size(oms, &req, &sz, note, sizeof note, err, sizeof err) < 0) {
		message(u, true, ":%s: %s", line, err);
		return -1;
	}
	td_strlcpy(req.source, source, sizeof req.source);
	return open_ticket(u, &req, sz.set ? TD_FORM_SIZED : TD_FORM_NEW, note);
}

/* :buy / :sell */
static int typed_order(td_ui *u, td_cmd cmd, const char *arg)
{
	char line[PROMPT_MAX + 8];
	snprintf(line, sizeof line, "%s %s", cmd == TD_CMD_BUY ? "buy" : "sell", arg);
	return typed_line(u, line, "manual");
}

/* Lines of text in the overlay the keys use (? or Esc closes it). */
static void show_text(td_ui *u, const char *title, const char *text)
{
	td_strlcpy(u->text, text, sizeof u->text);
	snprintf(u->text_title, sizeof u->text_title, "%s (Esc closes, j/k scroll)", title);
	u->help = true;
	u->help_top = 0;
}

/* :alert ...: the rules' answer on the status bar, or in the text overlay when it has several lines. */
static int alert_command(td_ui *u, const char *arg)
{
	td_alerting *a = td_engine_alerts(u->engine);
	if (!a) {
		message(u, true, "alerts are off (see the log)");
		return -1;
	}
	char out[8192];
	int rc = td_alert_rules_command(td_alerting_rules(a), arg, out, sizeof out);
	if (strchr(out, '\n'))
		show_text(u, "alert", out);
	else
		message(u, rc < 0, "%s", out);
	return rc;
}

/* :modify ID [qty N] [lmt P] [stp P]: a ticket for the changed order, confirmed like any other. */
static int typed_modify(td_ui *u, const char *arg)
{
	char id[TD_ORDER_ID_MAX], err[200];
	int used = 0;
	td_oms *oms = desk_oms(u);
	if (!oms)
		return -1;
	if (sscanf(arg, "%31s %n", id, &used) != 1) {
		message(u, true, ":modify: expected ID [qty N] [lmt P] [stp P]");
		return -1;
	}
	const td_order *o = td_oms_find(oms, id);
	const td_instrument *ins = o ? td_registry_get(td_market_registry(u->view.market), o->req.instr) : NULL;
	int64_t qty;
	td_ticks lmt, stp;
	if (!ins)
		snprintf(err, sizeof err, "no order %s", id);
	if (!ins || td_modify_parse(arg + used, ins, &qty, &lmt, &stp, err, sizeof err) < 0 ||
	    td_oms_modify_ticket(oms, id, qty, lmt, stp, &u->ticket, err, sizeof err) < 0) {
		message(u, true, ":modify %s: %s", arg, err);
		return -1;
	}
	show_ticket(u, oms, TD_FORM_MODIFY, o->req.qty, NULL);
	return 0;
}

/*
 * A ticket from where the focus is: the ladder's cursor price as a limit,
 * the chain's cursor contract as a limit at the touch it would take, else a
 * market order for the selected instrument; options.default_qty units.
 */
static void pane_ticket(td_ui *u, td_side side)
{
	pane_inst *p = focused(u);
	const char *name = p ? p->ops->name : "";
	td_order_req req = { .instr = u->view.selected, .side = side, .qty = u->view.cfg->default_qty,
			     .type = TD_OT_MARKET, .tif = TD_TIF_DAY, .limit = TD_PX_NONE, .stop = TD_PX_NONE };
	if (strcmp(name, "ladder") == 0 && u->view.ladder_px != TD_PX_NONE) {
		req.type = TD_OT_LIMIT;
		req.limit = u->view.ladder_px;
	} else if (strcmp(name, "chain") == 0 && u->view.opt_cursor != TD_NO_ID) {
		const td_quote_state *q = td_market_get(u->view.market, u->view.opt_cursor);
		req.instr = u->view.opt_cursor;
		req.limit = q ? (side == TD_SIDE_BUY ? q->ask : q->bid) : TD_PX_NONE;
		req.type = req.limit != TD_PX_NONE ? TD_OT_LIMIT : TD_OT_MARKET;
	}
	open_ticket(u, &req, TD_FORM_NEW, "");
}

/* An edited request through the order manager again (td_form_rerun_fn): a fresh ticket and its costs. */
static int rerun_ticket(void *ctx, const td_order_req *req, td_ticket *t, char *err, size_t errlen)
{
	td_ui *u = ctx;
	td_oms *oms = td_engine_oms(u->engine);
	if (!oms)
		return td_errf(err, errlen, "orders are off: %s", td_engine_desk_note(u->engine));
	int rc = u->ticket.replaces[0]
			 ? td_oms_modify_ticket(oms, u->ticket.replaces, req->qty, req->limit, req->stop, t, err, errlen)
			 : td_oms_ticket(oms, req, t, err, errlen);
	if (rc == 0)
		ticket_costs(u, oms, t);
	return rc;
}

/* A terminal key as the ticket's form reads it: the "ticket" keymap's cursor moves, the arrows and Backspace by name. */
static int form_key(int key)
{
	key = td_keymap_normalise(key);
	switch (td_keymap_lookup("ticket", key)) {
	case TD_CMD_DOWN: return TD_FORM_KEY_NEXT;
	case TD_CMD_UP: return TD_FORM_KEY_PREV;
	case TD_CMD_HOME: return TD_FORM_KEY_FIRST;
	case TD_CMD_END: return TD_FORM_KEY_LAST;
	default: break;
	}
	if (key == KEY_LEFT || key == KEY_RIGHT)
		return key == KEY_LEFT ? TD_FORM_KEY_LEFT : TD_FORM_KEY_RIGHT;
	return key == KEY_BACKSPACE || key == 127 || key == 8 ? TD_FORM_KEY_BACKSPACE : key;
}

/* A key while a multi-leg ticket is open: its confirmation sequence decides (no fields to edit). */
static void combo_key(td_ui *u, int key)
{
	td_ticket_stage st = td_ticket_key(&u->combo.t, td_keymap_normalise(key));
	u->dirty = true;
	if (st == TD_TICKET_CANCELLED) {
		u->combo_open = false;
		message(u, false, "ticket cancelled: nothing was sent");
	} else if (st == TD_TICKET_CONFIRMED) {
		char id[64], err[256];
		u->combo_open = false;
		if (td_oms_send_combo(td_engine_oms(u->engine), &u->combo, id, sizeof id, err, sizeof err) < 0)
			message(u, true, "order not sent: %s", err);
		else
			message(u, false, "%s order %s sent (%zu legs)", td_combo_kind_name(u->combo.combo.kind), id,
				u->combo.combo.n);
	}
}

/* A key while the ticket is open: the form edits while the ticket is shown, the confirmation sequence decides the rest. */
static void ticket_key(td_ui *u, int key)
{
	td_ticket_stage st = td_ticket_form_feed(u->form, &u->ticket, form_key(key), rerun_ticket, u);
	u->dirty = true;
	if (st == TD_TICKET_CANCELLED) {
		u->ticket_open = false;
		message(u, false, "ticket cancelled: nothing was sent");
	} else if (st == TD_TICKET_CONFIRMED) {
		char id[64], err[256];
		u->ticket_open = false;
		if (td_oms_send(td_engine_oms(u->engine), &u->ticket, id, sizeof id, err, sizeof err) < 0)
			message(u, true, "order not sent: %s", err);
		else
			message(u, false, "order %s sent", id);
	}
}

/* The keys the trader would type to confirm t: Enter, the quantity in strict mode, y. */
static bool confirm_for_trader(td_ticket *t)
{
	char qty[24];
	td_ticket_key(t, '\n');
	if (t->strict) {
		snprintf(qty, sizeof qty, "%lld", (long long)t->req.qty);
		for (const char *c = qty; *c; c++)
			td_ticket_key(t, *c);
	}
	return td_ticket_key(t, 'y') == TD_TICKET_CONFIRMED;
}

/*
 * Flatten: a market order against each position, each through its own
 * ticket and risk checks, confirmed by the y the trader just gave to the one
 * question; a ticket whose checks fail cannot be armed and is not sent.
 */
static void flatten(td_ui *u, td_oms *oms)
{
	const td_book *b = td_oms_book(oms);
	size_t count = td_registry_count(td_market_registry(u->view.market)), sent = 0, refused = 0;
	char err[256], id[64];
	for (uint32_t i = 0; i < count; i++) {
		double q = td_book_position(b, i)->qty;
		if (q == 0)
			continue;
		td_order_req r = { .instr = i, .side = q > 0 ? TD_SIDE_SELL : TD_SIDE_BUY, .qty = (int64_t)fabs(q),
				   .type = TD_OT_MARKET, .tif = TD_TIF_DAY, .limit = TD_PX_NONE, .stop = TD_PX_NONE };
		td_ticket t;
		bool ok = td_oms_ticket(oms, &r, &t, err, sizeof err) == 0 && confirm_for_trader(&t) &&
			  td_oms_send(oms, &t, id, sizeof id, err, sizeof err) == 0;
		sent += ok;
		refused += !ok;
	}
	message(u, refused > 0, "flatten: %zu orders sent, %zu refused by their checks", sent, refused);
}

/* A key while a y/n question is open. */
static void confirm_key(td_ui *u, int key)
{
	td_cmd c = u->confirm;
	td_oms *oms = td_engine_oms(u->engine);
	char err[256];
	u->confirm = TD_CMD_NONE;
	if (key != 'y' || !oms) {
		message(u, false, "not done");
		return;
	}
	if (c == TD_CMD_CANCEL_ALL)
		message(u, false, "%zu cancels sent", td_oms_cancel_all(oms));
	else if (c == TD_CMD_FLATTEN)
		flatten(u, oms);
	else if (td_oms_rearm(oms, err, sizeof err) < 0)
		message(u, true, "not re-armed: %s", err);
	else
		message(u, false, "re-armed: orders may be sent again");
}

/* The order commands that need no argument. */
static void order_command(td_ui *u, td_cmd cmd)
{
	td_oms *oms = td_engine_oms(u->engine);
	char err[256];
	if (cmd == TD_CMD_TICKET_BUY || cmd == TD_CMD_TICKET_SELL) {
		pane_ticket(u, cmd == TD_CMD_TICKET_BUY ? TD_SIDE_BUY : TD_SIDE_SELL);
	} else if (!oms) {
		message(u, true, "orders are off: %s", td_engine_desk_note(u->engine));
	} else if (cmd == TD_CMD_KILL) {
		if (td_oms_halt(oms, err, sizeof err) < 0)
			message(u, true, "HALTED (the journal refused the record: %s)", err);
		else
			message(u, true, "HALTED: no new order until :rearm");
	} else {
		u->confirm = cmd;
		message(u, false, "%s? y to confirm, any other key: no",
			cmd == TD_CMD_REARM ? "re-arm trading" : cmd == TD_CMD_FLATTEN ? "close every position at market"
											: "cancel every working order");
	}
}

/* Commands with an argument. */
static int run_with_arg(td_ui *u, td_cmd cmd, const char *arg)
{
	switch (cmd) {
	case TD_CMD_LAYOUT:
		for (size_t i = 0; i < td_layout_count(); i++) {
			if (strcmp(td_layout_at(i)->name, arg) == 0) {
				u->layout = i;
				u->zoom = false;
				u->relayout = true;
				message(u, false, "layout %s", arg);
				return 0;
			}
		}
		message(u, true, "unknown layout '%s'", arg);
		return -1;
	case TD_CMD_SPEED: {
		char *end;
		double s = strcmp(arg, "max") == 0 ? 0 : strtod(arg, &end);
		if (strcmp(arg, "max") != 0 && (*end || s <= 0)) {
			message(u, true, "bad speed '%s': expected a number > 0 or max", arg);
			return -1;
		}
		set_speed(u, s);
		return 0;
	}
	case TD_CMD_THEME:
		return load_theme(u, arg);
	case TD_CMD_SET:
		return set_option(u, arg);
	case TD_CMD_BUY:
	case TD_CMD_SELL:
		return typed_order(u, cmd, arg);
	case TD_CMD_MODIFY:
		return typed_modify(u, arg);
	case TD_CMD_ROLL:
		return typed_roll(u, arg);
	case TD_CMD_ALERT:
		return alert_command(u, arg);
	default:
		return 0;
	}
}

/* Commands every context understands. */
static void run_global(td_ui *u, td_cmd cmd)
{
	double s = td_feed_speed(td_engine_feed(u->engine));
	switch (cmd) {
	case TD_CMD_QUIT: u->quit = true; break;
	case TD_CMD_HELP: u->help = !u->help; u->help_top = 0; u->text[0] = '\0'; break;
	case TD_CMD_PROMPT: u->prompt = true; u->len = 0; u->line[0] = '\0'; break;
	case TD_CMD_REDRAW: clearok(curscr, TRUE); break;
	case TD_CMD_FOCUS_NEXT: if (u->nplaced) u->focus = (u->focus + 1) % u->nplaced; break;
	case TD_CMD_FOCUS_PREV: if (u->nplaced) u->focus = (u->focus + u->nplaced - 1) % u->nplaced; break;
	case TD_CMD_ZOOM: u->zoom = !u->zoom; u->relayout = true; break;
	case TD_CMD_LAYOUT_NEXT:
		u->layout = (u->layout + 1) % td_layout_count();
		u->zoom = false;
		u->relayout = true;
		message(u, false, "layout %s", td_layout_at(u->layout)->name);
		break;
	case TD_CMD_SPEED_UP: if (s > 0) set_speed(u, s * 2 > 1e6 ? 0 : s * 2); break;
	case TD_CMD_SPEED_DOWN: set_speed(u, s <= 0 ? 1024 : s / 2 < 1.0 / 64 ? 1.0 / 64 : s / 2); break;
	case TD_CMD_TICKET_BUY: case TD_CMD_TICKET_SELL: case TD_CMD_KILL: case TD_CMD_REARM: case TD_CMD_CANCEL_ALL:
	case TD_CMD_FLATTEN:
		order_command(u, cmd);
		break;
	case TD_CMD_LAYOUT: case TD_CMD_SPEED: case TD_CMD_THEME: case TD_CMD_SET: case TD_CMD_BUY: case TD_CMD_SELL:
	case TD_CMD_MODIFY: case TD_CMD_ALERT: {
		const td_cmd_info *ci = td_cmd_info_get(cmd);
		message(u, true, "'%s' needs an argument: :%s %s", ci->name, ci->name, ci->arg);
		break;
	}
	default: break;
	}
	u->dirty = true;
}

/* A pane asked for a ticket (an alert's order template): the line goes through the command line's parser and the ticket. */
static void take_order_request(td_ui *u)
{
	char line[sizeof u->view.order_request];
	td_strlcpy(line, u->view.order_request, sizeof line);
	u->view.order_request[0] = '\0';
	if (line[0] == '!')
		message(u, true, "%s", line + 1);
	else if (line[0])
		typed_line(u, line, u->view.order_source);
}

/* A pane asked for another to take the focus (the scanner's Enter opens the chain): give it, if placed. */
static void take_focus_request(td_ui *u)
{
	const char *want = u->view.focus_request;
	u->view.focus_request = NULL;
	for (size_t i = 0; want && i < u->nplaced; i++)
		if (strcmp(u->panes[u->order[i]].ops->name, want) == 0)
			u->focus = i;
}

/* Give a command to the overlay, the focused pane, then the global handler. */
static void dispatch(td_ui *u, td_cmd cmd)
{
	if (u->help && cmd != TD_CMD_HELP && cmd != TD_CMD_QUIT) {
		if (cmd == TD_CMD_DOWN || cmd == TD_CMD_PAGE_DOWN)
			u->help_top += cmd == TD_CMD_DOWN ? 1 : 10;
		else if (cmd == TD_CMD_UP || cmd == TD_CMD_PAGE_UP)
			u->help_top = u->help_top > (cmd == TD_CMD_UP ? 1 : 10) ? u->help_top - (cmd == TD_CMD_UP ? 1 : 10) : 0;
		u->dirty = true;
		return;
	}
	pane_inst *p = focused(u);
	if (p && p->ops->command && p->ops->command(p->st, &u->view, cmd) == TD_REACT_DONE) {
		u->dirty = true;
		take_focus_request(u);
		take_order_request(u);
		return;
	}
	run_global(u, cmd);
}

int td_ui_run_command(td_ui *u, const char *line)
{
	char buf[PROMPT_MAX];
	td_strlcpy(buf, line, sizeof(buf));
	char *name = buf;
	while (isspace((unsigned char)*name))
		name++;
	char *arg = name;
	while (*arg && !isspace((unsigned char)*arg))
		arg++;
	if (*arg)
		*arg++ = '\0';
	while (isspace((unsigned char)*arg))
		arg++;
	for (char *e = arg + strlen(arg); e > arg && isspace((unsigned char)e[-1]);)
		*--e = '\0';
	if (!*name)
		return 0;
	td_cmd cmd = td_cmd_find(name);
	if (cmd == TD_CMD_NONE) {
		message(u, true, "unknown command '%s' (Tab completes, ? lists)", name);
		return -1;
	}
	const td_cmd_info *ci = td_cmd_info_get(cmd);
	if (ci->arg && *arg)
		return run_with_arg(u, cmd, arg);
	if (!ci->arg && *arg) {
		message(u, true, "'%s' takes no argument", name);
		return -1;
	}
	dispatch(u, cmd);
	return 0;
}

/* Tab at the prompt: complete the command name as far as it is unambiguous. */
static void complete(td_ui *u)
{
	if (strchr(u->line, ' '))
		return;
	char common[PROMPT_MAX];
	const td_cmd_info *first;
	size_t n = td_cmd_complete(u->line, &first, common, sizeof(common));
	if (n == 0) {
		message(u, true, "no command starts with '%s'", u->line);
		return;
	}
	td_strlcpy(u->line, common, sizeof(u->line));
	if (n == 1 && strlen(u->line) + 1 < sizeof(u->line))
		strcat(u->line, " ");
	u->len = strlen(u->line);
	if (n > 1)
		message(u, false, "%zu commands start with '%s'", n, common);
}

/* A key while the command line is open. */
static void prompt_key(td_ui *u, int key)
{
	if (key == 27) {
		u->prompt = false;
	} else if (key == '\n' || key == '\r' || key == KEY_ENTER) {
		u->prompt = false;
		td_ui_run_command(u, u->line);
	} else if (key == KEY_BACKSPACE || key == 127 || key == 8) {
		if (u->len > 0)
			u->line[--u->len] = '\0';
		else
			u->prompt = false;
	} else if (key == 21) {
		u->len = 0;
		u->line[0] = '\0';
	} else if (key == '\t') {
		complete(u);
	} else if (key >= 32 && key < 127 && u->len + 1 < sizeof(u->line)) {
		u->line[u->len++] = (char)key;
		u->line[u->len] = '\0';
	}
	u->dirty = true;
}

/* Read every pending key. */
static bool ui_on_input(void *fe)
{
	td_ui *u = fe;
	int key;
	if (td_tui_take_resize())
		u->relayout = true;
	while (!u->quit && (key = getch()) != ERR) {
		if (key == KEY_RESIZE) {
			u->relayout = true;
			continue;
		}
		if (u->prompt) {
			prompt_key(u, key);
			continue;
		}
		if (u->ticket_open) {
			ticket_key(u, key);
			continue;
		}
		if (u->combo_open) {
			combo_key(u, key);
			continue;
		}
		if (u->confirm != TD_CMD_NONE) {
			confirm_key(u, key);
			continue;
		}
		pane_inst *p = focused(u);
		const char *ctx = u->help ? "help" : p ? p->ops->name : "global";
		td_cmd cmd = td_keymap_lookup(ctx, key);
		if (cmd != TD_CMD_NONE)
			dispatch(u, cmd);
	}
	if (u->relayout)
		do_layout(u);
	return !u->quit;
}

/* Draw one pane: frame, title, content. */
static void draw_pane(td_ui *u, pane_inst *p, bool focus)
{
	char title[128];
	if (p->ops->title)
		p->ops->title(p->st, &u->view, title, sizeof(title));
	else
		td_strlcpy(title, p->ops->caption, sizeof(title));
	wattrset(p->win, td_tui_attr(TD_ROLE_NORMAL));
	werase(p->win);
	td_draw_frame(p->win, title, focus);
	if (p->r.h > 2 && p->r.w > 2)
		p->ops->draw(p->st, &u->view, p->win, p->r.h - 2, p->r.w - 2);
	wnoutrefresh(p->win);
}

/* Lines of the help overlay: one per binding group and command. */
static int help_lines(char lines[][128], int max)
{
	int n = 0;
	const char *group = "";
	const char *const *contexts;
	size_t ncontexts = td_keymap_contexts(&contexts);
	for (int c = TD_CMD_NONE + 1; c < TD_CMD_COUNT && n < max - 2; c++) {
		const td_cmd_info *ci = td_cmd_info_get((td_cmd)c);
		char keys[64] = "", all[96] = "";
		for (size_t k = 0; k < ncontexts; k++) {
			if (!td_keymap_keys_for(contexts[k], ci->cmd, keys, sizeof(keys)))
				continue;
			size_t l = strlen(all);
			snprintf(all + l, sizeof(all) - l, "%s%s", l ? ", " : "", keys);
		}
		if (strcmp(group, ci->group) != 0) {
			group = ci->group;
			snprintf(lines[n++], 128, "%s", group);
		}
		char cmdname[48];
		snprintf(cmdname, sizeof(cmdname), ":%s%s%s", ci->name, ci->arg ? " " : "", ci->arg ? ci->arg : "");
		snprintf(lines[n++], 128, "  %-14s %-18s %s", all[0] ? all : "-", cmdname, ci->help);
	}
	return n;
}

/* The overlay's own text, one line each (cut at 127 bytes). */
static int text_lines(const char *text, char lines[][128], int max)
{
	int n = 0;
	for (const char *p = text; *p && n < max; n++) {
		size_t len = strcspn(p, "\n");
		snprintf(lines[n], 128, "  %.*s", (int)(len < 125 ? len : 125), p);
		p += len + (p[len] == '\n');
	}
	return n;
}

/* The `?` overlay, generated from the command and key tables, or the text of a command. */
static void draw_help(td_ui *u)
{
	char lines[256][128];
	int n = u->text[0] ? text_lines(u->text, lines, 256) : help_lines(lines, 256);
	int h = n + 2 < LINES - 1 ? n + 2 : LINES - 1, w = COLS - 4 > 92 ? 92 : COLS - 4;
	if (h < 3 || w < 20)
		return;
	WINDOW *win = td_draw_overlay(h, w, u->text[0] ? u->text_title : "Keys (? or Esc closes, j/k scroll)");
	if (!win)
		return;
	if (u->help_top > n - (h - 2))
		u->help_top = n - (h - 2) > 0 ? n - (h - 2) : 0;
	for (int i = 0; i < h - 2 && u->help_top + i < n; i++) {
		const char *l = lines[u->help_top + i];
		td_draw_text(win, 1 + i, 2, w - 4, l[0] == ' ' ? TD_ROLE_NORMAL : TD_ROLE_HELP_KEY, l);
	}
	wnoutrefresh(win);
	delwin(win);
}

/* The bottom row: the command line when open, the status bar otherwise. */
static void draw_bottom(td_ui *u)
{
	if (u->prompt) {
		td_draw_fill(stdscr, LINES - 1, 0, COLS, TD_ROLE_NORMAL);
		td_draw_text(stdscr, LINES - 1, 0, COLS, TD_ROLE_PROMPT, ":");
		td_draw_text(stdscr, LINES - 1, 1, COLS - 1, TD_ROLE_NORMAL, u->line);
		return;
	}
	td_feed *f = td_engine_feed(u->engine);
	td_feed_stats fs = td_feed_get_stats(f);
	bool fresh = u->msg[0] && td_mono_now() - u->msg_at < MSG_NS;
	const char *err = fs.failed ? td_engine_feed_error(u->engine) : NULL;
	td_status_info si = {
		.feed_name = td_feed_name(f),
		.speed = td_feed_speed(f),
		.feed_done = fs.done,
		.feed_failed = fs.failed,
		.layout = td_layout_at(u->layout)->name,
		.message = err ? err : fresh ? u->msg : NULL,
		.message_is_error = err ? true : u->msg_error,
		.hidden = u->hidden,
		.halted = td_engine_oms(u->engine) && td_oms_halted(td_engine_oms(u->engine)),
	};
	td_status_draw(stdscr, LINES - 1, COLS, &u->view, &si);
}

void td_ui_render(td_ui *u)
{
	if (u->relayout)
		do_layout(u);
	wattrset(stdscr, td_tui_attr(TD_ROLE_NORMAL));
	if (LINES < 3 || COLS < 20) {
		werase(stdscr);
		mvprintw(0, 0, "%dx%d: too small", COLS, LINES);
		wnoutrefresh(stdscr);
		td_tui_flush();
		return;
	}
	if (u->nplaced == 0) {
		werase(stdscr);
		td_draw_text(stdscr, 0, 0, COLS, TD_ROLE_NOTE, "no pane fits this terminal: enlarge it, or z to zoom");
	}
	draw_bottom(u);
	wnoutrefresh(stdscr);
	for (size_t i = 0; i < u->nplaced; i++)
		draw_pane(u, &u->panes[u->order[i]], i == u->focus);
	if (u->help)
		draw_help(u);
	if (u->ticket_open)
		td_ticket_draw(&u->ticket, u->form, &u->costs, &u->view);
	if (u->combo_open)
		td_combo_ticket_draw(&u->combo, &u->combo_costs, &u->view);
	td_tui_flush();
	u->dirty = false;
}

static int ui_input_fd(void *fe)
{
	(void)fe;
	return 0;
}

static int ui_signal_fd(void *fe)
{
	(void)fe;
	return td_tui_signal_fd();
}

/* The newest loud alert on the status bar, with the bell. */
static void alert_flash(td_ui *u)
{
	td_alerting *a = td_engine_alerts(u->engine);
	td_alert_msg m;
	if (!a || !td_alerting_take_flash(a, &m))
		return;
	message(u, m.level == TD_ALERT_CRITICAL, "ALERT %s %s %s: %s", td_alert_level_name(m.level), m.rule, m.symbol,
		m.text);
	beep();
}

static void ui_render(void *fe)
{
	td_ui *u = fe;
	td_oms *oms = td_engine_oms(u->engine);
	char note[160];
	if (oms && td_oms_take_note(oms, note, sizeof note))
		message(u, false, "%s", note);
	alert_flash(u);
	td_ui_render(u);
}

static bool ui_dirty(void *fe)
{
	td_ui *u = fe;
	return u->dirty || u->relayout;
}

const td_frontend_ops td_ui_frontend_ops = {
	.input_fd = ui_input_fd,
	.signal_fd = ui_signal_fd,
	.on_input = ui_on_input,
	.render = ui_render,
	.dirty = ui_dirty,
};

/* Find the configured layout; default when unknown (with a message). */
static void initial_layout(td_ui *u, const char *name)
{
	for (size_t i = 0; i < td_layout_count(); i++)
		if (strcmp(td_layout_at(i)->name, name) == 0)
			u->layout = i;
	if (strcmp(td_layout_at(u->layout)->name, name) != 0)
		message(u, true, "unknown layout '%s', using default", name);
}

td_ui *td_ui_new(td_engine *e, td_theme *theme, char *err, size_t errlen)
{
	td_ui *u = calloc(1, sizeof(*u));
	if (!u) {
		td_theme_free(theme);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	u->engine = e;
	u->theme = theme;
	u->view.market = td_engine_market(e);
	u->view.rates = td_engine_rates_get(e);
	u->view.session = td_engine_session(e);
	u->view.cfg = td_engine_config(e);
	u->view.nwatch = td_engine_watchlist(e, &u->view.watch);
	u->view.selected = u->view.nwatch ? u->view.watch[0] : 0;
	u->view.analysis = td_engine_analysis(e);
	u->view.ladder_px = TD_PX_NONE;
	u->view.chains = td_engine_chains(e);
	u->view.opt_cursor = TD_NO_ID;
	u->view.oms = td_engine_oms(e);
	u->view.alerts = td_engine_alerts(e);
	if (!(u->form = td_ticket_form_new())) {
		snprintf(err, errlen, "out of memory");
		td_ui_free(u);
		return NULL;
	}
	for (size_t i = 0; i < NPANES; i++) {
		u->panes[i].ops = pane_table[i];
		if (pane_table[i]->create && !(u->panes[i].st = pane_table[i]->create())) {
			snprintf(err, errlen, "out of memory");
			td_ui_free(u);
			return NULL;
		}
	}
	td_tui_apply_theme(theme);
	initial_layout(u, u->view.cfg->layout);
	u->relayout = true;
	return u;
}

void td_ui_free(td_ui *u)
{
	if (!u)
		return;
	drop_windows(u);
	for (size_t i = 0; i < NPANES; i++)
		if (u->panes[i].st)
			u->panes[i].ops->destroy(u->panes[i].st);
	td_ticket_form_free(u->form);
	td_theme_free(u->theme);
	free(u);
}

const char *td_view_symbol(const td_view *v, uint32_t id)
{
	const td_instrument *ins = td_registry_get(td_market_registry(v->market), id);
	return ins ? ins->symbol : "?";
}

void td_view_price(const td_view *v, uint32_t id, td_ticks px, char *buf, size_t n)
{
	const td_instrument *ins = td_registry_get(td_market_registry(v->market), id);
	if (!ins || px == TD_PX_NONE) {
		td_strlcpy(buf, "-", n);
		return;
	}
	td_px_format(ins->px, px, buf, n);
}

void td_ui_note(td_ui *u, bool error, const char *text)
{
	message(u, error, "%s", text);
}
