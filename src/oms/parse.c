/* The order command line: see parse.h. */
#include "oms/parse.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/text.h"

#define MAX_WORDS 16

typedef struct words {
	char buf[256];
	char *w[MAX_WORDS];
	int col[MAX_WORDS];   /* 1-based column of each word in the line */
	int n;
} words;

static int split(const char *line, words *ws, char *err, size_t errlen)
{
	if (td_strlcpy(ws->buf, line, sizeof ws->buf) >= sizeof ws->buf)
		return td_errf(err, errlen, "column 1: the line is too long");
	ws->n = 0;
	for (char *p = ws->buf; *p;) {
		while (*p && isspace((unsigned char)*p))
			*p++ = '\0';
		if (!*p)
			break;
		if (ws->n == MAX_WORDS)
			return td_errf(err, errlen, "column %d: too many words", (int)(p - ws->buf) + 1);
		ws->col[ws->n] = (int)(p - ws->buf) + 1;
		ws->w[ws->n++] = p;
		while (*p && !isspace((unsigned char)*p))
			p++;
	}
	return 0;
}

static int parse_qty(const words *ws, int i, int64_t *qty, char *err, size_t errlen)
{
	char *end;
	long long v = strtoll(ws->w[i], &end, 10);
	if (*end || v <= 0 || !isdigit((unsigned char)ws->w[i][0]))
		return td_errf(err, errlen, "column %d: '%s' is not a whole positive quantity", ws->col[i], ws->w[i]);
	*qty = v;
	return 0;
}

static int parse_px(const words *ws, int i, const td_instrument *ins, td_ticks *px, char *err, size_t errlen)
{
	const char *why;
	if (i >= ws->n)
		return td_errf(err, errlen, "column %d: a price is missing", ws->n ? ws->col[ws->n - 1] + (int)strlen(ws->w[ws->n - 1]) + 1 : 1);
	if (td_px_parse(ins->px, ws->w[i], px, &why) < 0)
		return td_errf(err, errlen, "column %d: '%s' is not a price of %s (%s)", ws->col[i], ws->w[i], ins->symbol,
			       why);
	if (*px <= 0)
		return td_errf(err, errlen, "column %d: '%s' is not a positive price", ws->col[i], ws->w[i]);
	return 0;
}

/* A trailing distance: a price distance in ticks (trail), or basis points from a percentage (trail%). */
static int parse_trail(const words *ws, int i, const td_instrument *ins, td_order_req *r, char *err, size_t errlen)
{
	if (r->type == TD_OT_TRAIL_AMOUNT)
		return parse_px(ws, i, ins, &r->trail, err, errlen);
	char *end;
	double pct = i < ws->n ? strtod(ws->w[i], &end) : 0;
	if (i >= ws->n || *end || !(pct > 0 && pct < 100))
		return td_errf(err, errlen, "column %d: a percentage between 0 and 100 is needed",
			       i < ws->n ? ws->col[i] : ws->col[ws->n - 1]);
	r->trail = (int64_t)(pct * 100 + 0.5);
	return 0;
}

/* The prices a type takes, from word i on; returns the index after them, or -1. */
static int parse_prices(const words *ws, int i, const td_instrument *ins, td_order_req *r, char *err, size_t errlen)
{
	switch (r->type) {
	case TD_OT_MARKET: return i;
	case TD_OT_LIMIT: return parse_px(ws, i, ins, &r->limit, err, errlen) < 0 ? -1 : i + 1;
	case TD_OT_STOP: return parse_px(ws, i, ins, &r->stop, err, errlen) < 0 ? -1 : i + 1;
	case TD_OT_STOP_LIMIT:
		if (parse_px(ws, i, ins, &r->stop, err, errlen) < 0 || parse_px(ws, i + 1, ins, &r->limit, err, errlen) < 0)
			return -1;
		return i + 2;
	case TD_OT_TRAIL_AMOUNT:
	case TD_OT_TRAIL_PERCENT: return parse_trail(ws, i, ins, r, err, errlen) < 0 ? -1 : i + 1;
	case TD_OT_COUNT: break;
	}
	return td_errf(err, errlen, "column %d: unknown order type", ws->col[i - 1]);
}

/* risk MONEY | risk PCT%: a positive amount below the absurd. */
static int parse_risk(const words *ws, int i, td_order_sizing *sz, char *err, size_t errlen)
{
	if (!sz)
		return td_errf(err, errlen, "column %d: a risk amount cannot size this order", ws->col[i - 1]);
	if (i >= ws->n)
		return td_errf(err, errlen, "column %d: an amount or a percentage of capital is missing after 'risk'",
			       ws->col[i - 1] + 5);
	char *end;
	double v = strtod(ws->w[i], &end);
	sz->pct = *end == '%';
	if (sz->pct)
		end++;
	if (*end || !(v > 0) || (sz->pct && v > 100) || v > 1e12)
		return td_errf(err, errlen, "column %d: '%s' is not a positive amount or a percentage up to 100%%",
			       ws->col[i], ws->w[i]);
	sz->set = true;
	sz->amount = v;
	return 0;
}

/* The words after the type and its prices: tp PRICE, sl PRICE and a time in force, each at most once. */
static int parse_tail(const words *ws, int i, const td_instrument *ins, td_order_req *r, char *err, size_t errlen)
{
	bool tif = false;
	for (; i < ws->n; i++) {
		td_ticks *px = strcasecmp(ws->w[i], "tp") == 0 ? &r->take_profit
			       : strcasecmp(ws->w[i], "sl") == 0 ? &r->stop_loss : NULL;
		if (px && *px == 0) {
			if (parse_px(ws, i + 1, ins, px, err, errlen) < 0)
				return -1;
			i++;
		} else if (!tif && td_tif_parse(ws->w[i], &r->tif) == 0) {
			tif = true;
		} else {
			return td_errf(err, errlen, "column %d: '%s' is not an order type, a price, tp, sl or a time in force",
				       ws->col[i], ws->w[i]);
		}
	}
	return 0;
}

/* The request's own checks; a request to be sized is checked as if for one unit. */
static int check(td_order_req *r, const td_order_sizing *sz, char *err, size_t errlen)
{
	if (sz && sz->set && !r->stop_loss)
		return td_errf(err, errlen, "sizing by risk needs a stop-loss: add sl PRICE");
	td_order_req c = *r;
	if (sz && sz->set)
		c.qty = 1;
	return td_order_req_check(&c, err, errlen);
}

int td_order_parse(const char *line, const td_registry *reg, td_order_req *out, td_order_sizing *sizing, char *err,
		   size_t errlen)
{
	words ws;
	if (split(line, &ws, err, errlen) < 0)
		return -1;
	if (ws.n < 3)
		return td_errf(err, errlen, "column 1: expected buy|sell QTY SYMBOL [TYPE PRICE...] [tp P] [sl P] [TIF]");
	td_order_req r = { .type = TD_OT_MARKET, .tif = TD_TIF_DAY, .limit = TD_PX_NONE, .stop = TD_PX_NONE };
	if (sizing)
		*sizing = (td_order_sizing){ 0 };
	if (strcasecmp(ws.w[0], "buy") == 0)
		r.side = TD_SIDE_BUY;
	else if (strcasecmp(ws.w[0], "sell") == 0)
		r.side = TD_SIDE_SELL;
	else
		return td_errf(err, errlen, "column 1: '%s' is not buy or sell", ws.w[0]);
	int i = 2;
	if (strcasecmp(ws.w[1], "risk") == 0) {
		if (parse_risk(&ws, 2, sizing, err, errlen) < 0)
			return -1;
		i = 3;
	} else if (parse_qty(&ws, 1, &r.qty, err, errlen) < 0) {
		return -1;
	}
	if (i >= ws.n)
		return td_errf(err, errlen, "column %d: the symbol is missing", ws.col[i - 1] + (int)strlen(ws.w[i - 1]) + 1);
	r.instr = td_registry_find(reg, ws.w[i]);
	const td_instrument *ins = td_registry_get(reg, r.instr);
	if (!ins)
		return td_errf(err, errlen, "column %d: no instrument '%s' on this feed", ws.col[i], ws.w[i]);
	i++;
	if (i < ws.n && td_order_type_parse(ws.w[i], &r.type) == 0)
		i = parse_prices(&ws, i + 1, ins, &r, err, errlen);
	if (i < 0 || parse_tail(&ws, i, ins, &r, err, errlen) < 0 || check(&r, sizing, err, errlen) < 0)
		return -1;
	*out = r;
	return 0;
}

int td_modify_parse(const char *args, const td_instrument *ins, int64_t *qty, td_ticks *limit, td_ticks *stop,
		    char *err, size_t errlen)
{
	words ws;
	if (split(args, &ws, err, errlen) < 0)
		return -1;
	*qty = 0;
	*limit = *stop = TD_PX_NONE;
	if (ws.n == 0)
		return td_errf(err, errlen, "column 1: expected qty N, lmt PRICE or stp PRICE");
	for (int i = 0; i < ws.n; i += 2) {
		const char *k = ws.w[i];
		int rc;
		if (strcasecmp(k, "qty") == 0 && !*qty)
			rc = i + 1 < ws.n ? parse_qty(&ws, i + 1, qty, err, errlen)
					  : td_errf(err, errlen, "column %d: a quantity is missing", ws.col[i] + 4);
		else if (strcasecmp(k, "lmt") == 0 && *limit == TD_PX_NONE)
			rc = parse_px(&ws, i + 1, ins, limit, err, errlen);
		else if (strcasecmp(k, "stp") == 0 && *stop == TD_PX_NONE)
			rc = parse_px(&ws, i + 1, ins, stop, err, errlen);
		else
			rc = td_errf(err, errlen, "column %d: '%s' is not qty, lmt or stp (each at most once)", ws.col[i], k);
		if (rc < 0)
			return -1;
	}
	return 0;
}
