/* The order ticket's editable fields and how they join the confirmation: see ticket_form.h. */
#include "ticket_form.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"

#define TEXT_MAX 21  /* 20 characters: any int64 quantity, a price with its decimals */
#define WHY_MAX 160

struct td_ticket_form {
	td_order_req opened;          /* the request the ticket opened with: what no field changes stays so */
	td_pxfmt px;                  /* the instrument's tick grid */
	td_form_kind kind;
	int64_t was_qty;              /* MODIFY: the working order's quantity */
	char note[128];               /* what the ticket said when it opened */
	td_form_field fields[TD_FF_COUNT]; /* the fields offered, in order */
	size_t n;
	int cursor;                   /* index into fields, or -1 */
	bool fresh;                   /* the next character typed replaces the field's text */
	td_tif tif;
	char text[TD_FF_COUNT][TEXT_MAX];
	char why[TD_FF_COUNT][WHY_MAX]; /* the field's parse error, or the order manager's reason; "" */
	bool ok;                      /* no field is in error */
	td_order_req req;             /* what the fields say (a field in error keeps the opened value) */
};

td_ticket_form *td_ticket_form_new(void)
{
	td_ticket_form *f = calloc(1, sizeof *f);
	if (f)
		f->cursor = -1;
	return f;
}

void td_ticket_form_free(td_ticket_form *f)
{
	free(f);
}

static bool is_trailing(td_order_type t)
{
	return t == TD_OT_TRAIL_AMOUNT || t == TD_OT_TRAIL_PERCENT;
}

/* The fields a ticket of this kind and type offers. */
static void choose_fields(td_ticket_form *f)
{
	td_order_type type = f->opened.type;
	bool is_new = f->kind == TD_FORM_NEW;
	f->n = 0;
	f->fields[f->n++] = TD_FF_QTY;
	if ((type == TD_OT_LIMIT || type == TD_OT_STOP_LIMIT) && f->kind != TD_FORM_SIZED)
		f->fields[f->n++] = TD_FF_LIMIT;
	if ((type == TD_OT_STOP || type == TD_OT_STOP_LIMIT) && f->kind != TD_FORM_SIZED)
		f->fields[f->n++] = TD_FF_STOP;
	if (is_trailing(type) && is_new)
		f->fields[f->n++] = TD_FF_TRAIL;
	if (f->kind != TD_FORM_MODIFY)
		f->fields[f->n++] = TD_FF_TAKE_PROFIT;
	if (is_new)
		f->fields[f->n++] = TD_FF_STOP_LOSS;
	if (f->kind != TD_FORM_MODIFY)
		f->fields[f->n++] = TD_FF_TIF;
}

/* A price as the instrument writes it; "" for none (0 or TD_PX_NONE). */
static void px_text(const td_ticket_form *f, td_ticks t, char *buf)
{
	if (t == 0 || t == TD_PX_NONE)
		buf[0] = '\0';
	else
		td_px_format(f->px, t, buf, TEXT_MAX);
}

static int parse_qty(const char *s, int64_t *out, char *why, size_t n)
{
	int64_t v = 0;
	if (!*s)
		return td_errf(why, n, "a quantity is needed");
	for (const char *c = s; *c; c++) {
		if (*c < '0' || *c > '9' || v > (INT64_MAX - (*c - '0')) / 10)
			return td_errf(why, n, "'%s' is not a whole positive quantity", s);
		v = v * 10 + (*c - '0');
	}
	if (v <= 0)
		return td_errf(why, n, "'%s' is not a whole positive quantity", s);
	*out = v;
	return 0;
}

/* A price on the tick grid, as the command line reads one; empty is none (0) when optional. */
static int parse_px(const td_ticket_form *f, const char *s, const char *what, td_ticks *out, char *why, size_t n)
{
	const char *e;
	char tick[32];
	td_ticks t;
	if (!*s) {
		if (!what)
			*out = 0;
		return what ? td_errf(why, n, "a %s is needed", what) : 0;
	}
	if (td_px_parse(f->px, s, &t, &e) < 0) {
		td_dec_format(f->px.tick, f->px.scale, tick, sizeof tick);
		return td_errf(why, n, "'%s' is not a price: %s (the tick is %s)", s, e, tick);
	}
	if (t <= 0)
		return td_errf(why, n, "'%s' is not a positive price", s);
	*out = t;
	return 0;
}

/* A trailing percentage with at most two decimals, as basis points. */
static int parse_pct(const char *s, int64_t *bp, char *why, size_t n)
{
	const char *e;
	int64_t v;
	if (!*s)
		return td_errf(why, n, "a percentage is needed");
	if (td_dec_parse(s, 2, &v, &e) < 0)
		return td_errf(why, n, "'%s' is not a percentage: %s", s, e);
	if (v <= 0 || v >= 10000)
		return td_errf(why, n, "'%s' is not a percentage between 0 and 100", s);
	*bp = v;
	return 0;
}

/* Parse one field's text into r; 0, or -1 with why (r keeps its value then). */
static int parse_field(const td_ticket_form *f, td_form_field fld, td_order_req *r, char *why, size_t n)
{
	const char *s = f->text[fld];
	switch (fld) {
	case TD_FF_QTY: return parse_qty(s, &r->qty, why, n);
	case TD_FF_LIMIT: return parse_px(f, s, "limit price", &r->limit, why, n);
	case TD_FF_STOP: return parse_px(f, s, "stop price", &r->stop, why, n);
	case TD_FF_TRAIL:
		return r->type == TD_OT_TRAIL_PERCENT ? parse_pct(s, &r->trail, why, n)
						      : parse_px(f, s, "trailing distance", &r->trail, why, n);
	case TD_FF_TAKE_PROFIT: return parse_px(f, s, NULL, &r->take_profit, why, n);
	case TD_FF_STOP_LOSS: return parse_px(f, s, NULL, &r->stop_loss, why, n);
	case TD_FF_TIF: r->tif = f->tif; return 0;
	case TD_FF_COUNT: break;
	}
	return td_errf(why, n, "no such field");
}

/* Every field again, from the request the ticket opened with. */
static void reparse(td_ticket_form *f)
{
	td_order_req r = f->opened;
	f->ok = true;
	for (size_t i = 0; i < f->n; i++) {
		td_form_field fld = f->fields[i];
		f->why[fld][0] = '\0';
		if (parse_field(f, fld, &r, f->why[fld], WHY_MAX) < 0)
			f->ok = false;
	}
	f->req = r;
}

void td_ticket_form_open(td_ticket_form *f, const td_order_req *req, td_pxfmt px, td_form_kind kind,
			 int64_t was_qty, const char *note)
{
	memset(f, 0, sizeof *f);
	f->opened = *req;
	f->px = px;
	f->kind = kind;
	f->was_qty = was_qty;
	td_strlcpy(f->note, note ? note : "", sizeof f->note);
	f->cursor = -1;
	f->tif = req->tif;
	choose_fields(f);
	snprintf(f->text[TD_FF_QTY], TEXT_MAX, "%lld", (long long)req->qty);
	px_text(f, req->limit, f->text[TD_FF_LIMIT]);
	px_text(f, req->stop, f->text[TD_FF_STOP]);
	if (req->type == TD_OT_TRAIL_PERCENT)
		td_dec_format(req->trail, 2, f->text[TD_FF_TRAIL], TEXT_MAX);
	else
		px_text(f, req->trail, f->text[TD_FF_TRAIL]);
	px_text(f, req->take_profit, f->text[TD_FF_TAKE_PROFIT]);
	px_text(f, req->stop_loss, f->text[TD_FF_STOP_LOSS]);
	td_strlcpy(f->text[TD_FF_TIF], td_tif_name(req->tif), TEXT_MAX);
	reparse(f);
}

size_t td_ticket_form_fields(const td_ticket_form *f, td_form_field *out)
{
	memcpy(out, f->fields, f->n * sizeof *out);
	return f->n;
}

int td_ticket_form_cursor(const td_ticket_form *f)
{
	return f->cursor < 0 ? -1 : (int)f->fields[f->cursor];
}

const char *td_ticket_form_text(const td_ticket_form *f, td_form_field fld)
{
	return (unsigned)fld < TD_FF_COUNT ? f->text[fld] : "";
}

const char *td_ticket_form_label(const td_ticket_form *f, td_form_field fld)
{
	static const char *const labels[TD_FF_COUNT] = {
		[TD_FF_QTY] = "qty", [TD_FF_LIMIT] = "lmt", [TD_FF_STOP] = "stp", [TD_FF_TRAIL] = "trail",
		[TD_FF_TAKE_PROFIT] = "tp", [TD_FF_STOP_LOSS] = "sl", [TD_FF_TIF] = "tif",
	};
	if (fld == TD_FF_TRAIL && f->opened.type == TD_OT_TRAIL_PERCENT)
		return "trail%";
	return (unsigned)fld < TD_FF_COUNT ? labels[fld] : "?";
}

const char *td_ticket_form_error(const td_ticket_form *f, td_form_field fld)
{
	return (unsigned)fld < TD_FF_COUNT ? f->why[fld] : "";
}

bool td_ticket_form_ok(const td_ticket_form *f)
{
	return f->ok;
}

bool td_ticket_form_why(const td_ticket_form *f, char *buf, size_t n)
{
	for (size_t i = 0; i < f->n; i++) {
		td_form_field fld = f->fields[i];
		if (f->why[fld][0]) {
			snprintf(buf, n, "%s: %s", td_ticket_form_label(f, fld), f->why[fld]);
			return true;
		}
	}
	return false;
}

int td_ticket_form_request(const td_ticket_form *f, td_order_req *out, char *err, size_t errlen)
{
	if (td_ticket_form_why(f, err, errlen))
		return -1;
	*out = f->req;
	return 0;
}

/* Put the cursor on field i; the next character typed replaces its text. */
static td_form_react move(td_ticket_form *f, size_t i)
{
	f->cursor = (int)i;
	f->fresh = true;
	return TD_FORM_MOVED;
}

/* Where a step from an empty price starts: the field's opened value, or for tp/sl the order's limit, else its stop. */
static td_ticks step_origin(const td_ticket_form *f, td_form_field fld)
{
	const td_order_req *r = &f->req;
	switch (fld) {
	case TD_FF_LIMIT: return r->limit;
	case TD_FF_STOP: return r->stop;
	case TD_FF_TRAIL: return r->trail;
	default: return r->limit != TD_PX_NONE ? r->limit : r->stop;
	}
}

/*
 * One tick from the field's price: an off-grid price goes to the grid line
 * on that side (512.23 at a tick of 0.05: + gives 512.25, - 512.20), an
 * empty one starts from step_origin; never below one tick.
 */
static bool price_step(const td_ticket_form *f, td_form_field fld, int dir, td_ticks *out)
{
	const char *s = f->text[fld], *e;
	int64_t v;
	td_ticks t;
	if (!*s) {
		t = step_origin(f, fld);
		if (t == TD_PX_NONE || t >= INT64_MAX / f->px.tick)
			return false;
		t += dir;
	} else {
		if (td_dec_parse(s, f->px.scale, &v, &e) < 0 || v < 0 || v / f->px.tick >= INT64_MAX / f->px.tick)
			return false;
		t = v / f->px.tick;
		if (v % f->px.tick == 0)
			t += dir;
		else if (dir > 0)
			t++;
	}
	*out = t < 1 ? 1 : t;
	return true;
}

/* + or - on a number field: one unit of quantity, one tick of price, 0.01 of a percentage. */
static bool step(td_ticket_form *f, td_form_field fld, int dir)
{
	char *s = f->text[fld], why[WHY_MAX];
	const char *e;
	int64_t v = 0;
	if (fld == TD_FF_QTY) {
		bool zeros = strspn(s, "0") == strlen(s);  /* "" or "0": + gives one unit */
		if ((!zeros && parse_qty(s, &v, why, sizeof why) < 0) || v == INT64_MAX)
			return false;
		snprintf(s, TEXT_MAX, "%lld", (long long)(v + dir < 1 ? 1 : v + dir));
	} else if (fld == TD_FF_TRAIL && f->opened.type == TD_OT_TRAIL_PERCENT) {
		if (*s && td_dec_parse(s, 2, &v, &e) < 0)
			return false;
		v = (v > 10000 ? 10000 : v) + dir;  /* from 100% or more the step comes back in range */
		td_dec_format(v < 1 ? 1 : v > 9999 ? 9999 : v, 2, s, TEXT_MAX);
	} else {
		td_ticks t;
		if (!price_step(f, fld, dir, &t))
			return false;
		td_px_format(f->px, t, s, TEXT_MAX);
	}
	f->fresh = true;
	return true;
}

/* Space, Right or + picks the next time in force; Left or - the one before. */
static td_form_react tif_key(td_ticket_form *f, int key)
{
	int d = key == ' ' || key == TD_FORM_KEY_RIGHT || key == '+' ? 1 : key == TD_FORM_KEY_LEFT || key == '-' ? -1 : 0;
	if (!d)
		return TD_FORM_NOT_MINE;
	f->tif = (td_tif)(((int)f->tif + TD_TIF_COUNT + d) % TD_TIF_COUNT);
	td_strlcpy(f->text[TD_FF_TIF], td_tif_name(f->tif), TEXT_MAX);
	return TD_FORM_EDITED;
}

/* Digits and '.' type (the first after a move replaces), Backspace, C-u, + and -. */
static td_form_react text_key(td_ticket_form *f, td_form_field fld, int key)
{
	char *s = f->text[fld];
	size_t len = f->fresh ? 0 : strlen(s);
	if ((key >= '0' && key <= '9') || key == '.') {
		if (len + 1 >= TEXT_MAX)
			return TD_FORM_MOVED;
		f->fresh = false;
		s[len] = (char)key;
		s[len + 1] = '\0';
		return TD_FORM_EDITED;
	}
	if (key == TD_FORM_KEY_BACKSPACE || key == TD_FORM_KEY_CLEAR) {
		f->fresh = false;
		len = strlen(s);
		if (!len)
			return TD_FORM_MOVED;
		s[key == TD_FORM_KEY_CLEAR ? 0 : len - 1] = '\0';
		return TD_FORM_EDITED;
	}
	if (key == '+' || key == '-')
		return step(f, fld, key == '+' ? 1 : -1) ? TD_FORM_EDITED : TD_FORM_MOVED;
	return TD_FORM_NOT_MINE;
}

td_form_react td_ticket_form_key(td_ticket_form *f, int key)
{
	size_t n = f->n, at = f->cursor < 0 ? 0 : (size_t)f->cursor;
	if (n == 0)
		return TD_FORM_NOT_MINE;   /* never opened */
	switch (key) {
	case TD_FORM_KEY_NEXT: return move(f, f->cursor < 0 ? 0 : (at + 1) % n);
	case TD_FORM_KEY_PREV: return move(f, f->cursor < 0 ? n - 1 : (at + n - 1) % n);
	case TD_FORM_KEY_FIRST: return move(f, 0);
	case TD_FORM_KEY_LAST: return move(f, n - 1);
	default: break;
	}
	if (f->cursor < 0)
		return TD_FORM_NOT_MINE;
	td_form_field fld = f->fields[at];
	td_form_react r = fld == TD_FF_TIF ? tif_key(f, key) : text_key(f, fld, key);
	if (r == TD_FORM_EDITED)
		reparse(f);
	return r;
}

const char *td_ticket_form_hint(const td_ticket_form *f)
{
	if (f->cursor < 0)
		return "Tab edits the order";
	switch (f->fields[f->cursor]) {
	case TD_FF_TIF: return "Space or Left/Right changes it, Tab: next field";
	case TD_FF_QTY: return "type, Bksp, +/- one unit, Tab: next field";
	case TD_FF_TRAIL:
		if (f->opened.type == TD_OT_TRAIL_PERCENT)
			return "type, Bksp, +/- 0.01%, Tab: next field";
		break;
	default: break;
	}
	return "type, Bksp, +/- one tick, Tab: next field";
}

void td_ticket_form_note(const td_ticket_form *f, const td_ticket *t, char *buf, size_t n)
{
	if (f->kind == TD_FORM_MODIFY)
		snprintf(buf, n, "modifies %s: quantity %lld -> %lld", t->replaces, (long long)f->was_qty,
			 (long long)t->req.qty);
	else if (f->kind == TD_FORM_SIZED && t->req.qty != f->opened.qty)
		snprintf(buf, n, "quantity overridden: %lld typed over the %lld sized by risk", (long long)t->req.qty,
			 (long long)f->opened.qty);
	else
		td_strlcpy(buf, f->note, n);
}

static bool req_equal(const td_order_req *a, const td_order_req *b)
{
	return a->instr == b->instr && a->side == b->side && a->qty == b->qty && a->type == b->type &&
	       a->tif == b->tif && a->limit == b->limit && a->stop == b->stop && a->trail == b->trail &&
	       a->take_profit == b->take_profit && a->stop_loss == b->stop_loss && strcmp(a->source, b->source) == 0;
}

/* The edited request through the order manager: the ticket is replaced, or the field under the cursor carries the refusal. */
static void rerun_ticket(td_ticket_form *f, td_ticket *t, td_form_rerun_fn rerun, void *ctx)
{
	td_ticket fresh;
	char err[WHY_MAX];
	int rc = rerun(ctx, &f->req, &fresh, err, sizeof err);
	if (rc == 0 && req_equal(&fresh.req, &f->req)) {
		*t = fresh;
		return;
	}
	if (rc == 0)
		td_strlcpy(err, "the order manager changed the request: Esc and type it again", sizeof err);
	td_strlcpy(f->why[f->fields[f->cursor < 0 ? 0 : f->cursor]], err, WHY_MAX);
	f->ok = false;
}

td_ticket_stage td_ticket_form_feed(td_ticket_form *f, td_ticket *t, int key, td_form_rerun_fn rerun, void *ctx)
{
	if (t->stage != TD_TICKET_SHOWN)
		return td_ticket_key(t, key);
	if (key == '\n' && !(f->ok && req_equal(&f->req, &t->req)))
		return t->stage;
	td_form_react r = td_ticket_form_key(f, key);
	if (r == TD_FORM_NOT_MINE)
		return td_ticket_key(t, key);
	if (r == TD_FORM_EDITED && f->ok)
		rerun_ticket(f, t, rerun, ctx);
	return t->stage;
}
