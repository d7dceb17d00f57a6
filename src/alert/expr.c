/*
 * Compiled alert rules from the outside: their text, the instruments they
 * name, and the caret drawing of a compile error for the command line and
 * the config loader.  Compiling itself is in expr_parse.c.
 */
#include <stdlib.h>
#include <string.h>

#include "alert/expr_int.h"

void td_alert_expr_free(td_alert_expr *e)
{
	if (!e)
		return;
	free(e->text);
	free(e->ops);
	free(e->consts);
	free(e->terms_text);
	free(e);
}

const char *td_alert_expr_text(const td_alert_expr *e)
{
	return e->text;
}

size_t td_alert_expr_instruments(const td_alert_expr *e, uint32_t *out, size_t max)
{
	size_t n = 0;
	for (int r = 1; r < e->nrefs; r++, n++)
		if (n < max)
			out[n] = e->ref_inst[r];
	return n;
}

int td_alert_expr_timed(const td_alert_expr *e)
{
	return e->timed;
}

/* An output buffer that counts what it could not hold, like snprintf. */
struct out {
	char *buf;
	size_t len;
	size_t need;
};

static void put_char(struct out *o, char ch)
{
	if (o->need + 1 < o->len)
		o->buf[o->need] = ch;
	o->need++;
}

static void put_str(struct out *o, const char *s)
{
	while (*s)
		put_char(o, *s++);
}

/* Bytes of text[from, to) with anything but printable ASCII as '?'. */
static void put_text(struct out *o, const char *text, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++)
		put_char(o, text[i] >= 0x20 && text[i] <= 0x7e ? text[i] : '?');
}

#define ELLIPSIS "..."
#define RENDER_MIN_WIDTH 20

size_t td_alert_error_render(const char *text, const td_alert_error *err, int width, char *buf, size_t len)
{
	struct out o = { buf, len, 0 };
	if (!text)
		text = "";
	size_t tlen = strnlen(text, (size_t)TD_ALERT_MAX_TEXT * 4);
	if (err->column > 0) {
		size_t col = (size_t)err->column - 1, tok = err->length > 0 ? (size_t)err->length : 1;
		if (col > tlen)
			col = tlen;
		size_t from = 0, to = tlen;
		if (width > 0) {
			size_t avail = (size_t)(width < RENDER_MIN_WIDTH ? RENDER_MIN_WIDTH : width) - 2 * strlen(ELLIPSIS);
			if (tlen > avail + 2 * strlen(ELLIPSIS)) {
				from = col > avail / 3 ? col - avail / 3 : 0;
				if (from + avail > tlen)
					from = tlen - avail;
				to = from + avail;
			}
		}
		size_t lead = from > 0 ? strlen(ELLIPSIS) : 0;
		if (from > 0)
			put_str(&o, ELLIPSIS);
		put_text(&o, text, from, to);
		if (to < tlen)
			put_str(&o, ELLIPSIS);
		put_char(&o, '\n');
		for (size_t i = 0; i < lead + col - from; i++)
			put_char(&o, ' ');
		size_t stop = to < tlen ? to : tlen + 1;
		for (size_t i = col; i < col + tok && (i < stop || i == col); i++)
			put_char(&o, '^');
		put_char(&o, '\n');
	}
	put_str(&o, err->msg);
	if (len > 0)
		buf[o.need < len ? o.need : len - 1] = '\0';
	return o.need;
}
