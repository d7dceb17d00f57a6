/*
 * Positions: per instrument held or traded, quantity, average price, last,
 * unrealised, realised and day P&L, and the Greeks and exposure of
 * engine/portfolio.h: delta in units of the underlying, gamma per point,
 * theta a day, vega a volatility point, dollar delta and gross exposure
 * (money).  Each underlying with options listed gets a totals line (the
 * stock and its options together), and the account's net Greeks sit above
 * its equity against its capital.  An option without Greeks shows "-" and
 * the totals say how many they leave out.
 *
 * Narrow panes drop columns by importance (cols[].keep): at 78 columns the
 * instrument, quantity, unrealised, delta, theta, day and vega stay.
 * Money is the account currency; prices in price units.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "engine/portfolio.h"
#include "pane.h"

enum col_id { C_INSTR, C_QTY, C_AVG, C_LAST, C_UNREAL, C_REAL, C_DAY, C_DELTA, C_GAMMA, C_THETA, C_VEGA, C_DMONEY,
	      C_EXPO, NCOLS };

/* The columns in screen order. */
static const struct pos_col {
	const char *head;
	int width;      /* without the blank before it */
	int keep;       /* a narrow pane keeps the lowest first */
	int decimals;
	bool sign;
	bool total;     /* shown on a totals line */
} cols[NCOLS] = {
	[C_INSTR] = { "instrument", 18, 0, 0, false, true },
	[C_QTY] = { "qty", 7, 1, 0, true, false },
	[C_AVG] = { "avg", 9, 11, 2, false, false },
	[C_LAST] = { "last", 9, 9, 2, false, false },
	[C_UNREAL] = { "unrealised", 10, 2, 2, true, true },
	[C_REAL] = { "realised", 10, 12, 2, true, true },
	[C_DAY] = { "day", 10, 5, 2, true, true },
	[C_DELTA] = { "delta", 9, 3, 1, true, true },
	[C_GAMMA] = { "gamma", 8, 7, 2, true, true },
	[C_THETA] = { "theta", 9, 4, 2, true, true },
	[C_VEGA] = { "vega", 9, 6, 2, true, true },
	[C_DMONEY] = { "$delta", 10, 8, 0, true, true },
	[C_EXPO] = { "exposure", 10, 10, 0, false, true },
};

typedef struct positions_pane {
	td_portfolio *pf;      /* made at the first draw, sized to the registry */
	bool shown[NCOLS];     /* the columns that fit the last width */
	int width;             /* the width they were chosen for */
} positions_pane;

/* One row's values, indexed by column; the instrument column is text. */
typedef struct row_vals {
	const char *name;
	double v[NCOLS];
	bool total;
} row_vals;

static void *positions_create(void)
{
	return calloc(1, sizeof(positions_pane));
}

static void positions_destroy(void *st)
{
	positions_pane *s = st;
	td_portfolio_free(s->pf);
	free(s);
}

/* Choose the columns that fit w, most important first. */
static void choose_columns(positions_pane *s, int w)
{
	if (s->width == w)
		return;
	s->width = w;
	memset(s->shown, 0, sizeof s->shown);
	int used = cols[C_INSTR].width;
	s->shown[C_INSTR] = true;
	for (int keep = 1; keep < NCOLS; keep++)
		for (int c = 1; c < NCOLS; c++)
			if (cols[c].keep == keep && used + 1 + cols[c].width <= w) {
				s->shown[c] = true;
				used += 1 + cols[c].width;
			}
}

/* x in at most 7 columns ("-85.2k"), with its sign, or "+" too when sign is set. */
static void fmt_compact_signed(double x, bool sign, char *buf, size_t n)
{
	char k[12];
	td_fmt_compact(fabs(x), k, sizeof k);
	snprintf(buf, n, "%s%s", x < 0 ? "-" : sign ? "+" : "", k);
}

/* A number in a column's width: its decimals, else compact; "-" when unknown. */
static void fmt_cell(const struct pos_col *c, double x, char *buf, size_t n)
{
	if (!isfinite(x))
		snprintf(buf, n, "-");
	else if (snprintf(buf, n, c->sign ? "%+.*f" : "%.*f", c->decimals, x) > c->width)
		fmt_compact_signed(x, c->sign, buf, n);
}

/* The text of a row in the chosen columns. */
static void format_row(const positions_pane *s, const row_vals *r, char *buf, size_t n)
{
	size_t at = (size_t)snprintf(buf, n, "%-*.*s", cols[C_INSTR].width, cols[C_INSTR].width, r->name);
	for (int c = 1; c < NCOLS && at < n; c++) {
		if (!s->shown[c])
			continue;
		char cell[32] = "";
		if (!r->total || cols[c].total)
			fmt_cell(&cols[c], r->v[c], cell, sizeof cell);
		at += (size_t)snprintf(buf + at, n - at, " %*s", cols[c].width, cell);
	}
}

static void draw_header(const positions_pane *s, WINDOW *win, int w)
{
	char buf[256];
	size_t at = (size_t)snprintf(buf, sizeof buf, "%-*s", cols[C_INSTR].width, cols[C_INSTR].head);
	for (int c = 1; c < NCOLS; c++)
		if (s->shown[c])
			at += (size_t)snprintf(buf + at, sizeof buf - at, " %*s", cols[c].width, cols[c].head);
	td_draw_text(win, 1, 1, w, TD_ROLE_HEADER, buf);
}

static row_vals line_vals(const td_view *v, const td_pf_line *l)
{
	return (row_vals){ .name = td_view_symbol(v, l->id),
			   .v = { [C_QTY] = l->qty, [C_AVG] = l->avg_px, [C_LAST] = l->mark,
				  [C_UNREAL] = l->unrealised, [C_REAL] = l->realised, [C_DAY] = l->day,
				  [C_DELTA] = l->delta, [C_GAMMA] = l->gamma, [C_THETA] = l->theta,
				  [C_VEGA] = l->vega, [C_DMONEY] = l->delta_money, [C_EXPO] = l->exposure } };
}

static row_vals total_vals(const char *name, const td_pf_total *t)
{
	return (row_vals){ .name = name, .total = true,
			   .v = { [C_UNREAL] = t->unrealised, [C_REAL] = t->realised, [C_DAY] = t->day,
				  [C_DELTA] = t->delta, [C_GAMMA] = t->gamma, [C_THETA] = t->theta,
				  [C_VEGA] = t->vega, [C_DMONEY] = t->delta_money, [C_EXPO] = t->exposure } };
}

/* "2 without Greeks, 1 without a price" (empty when nothing is left out); returns buf. */
static const char *left_out(const td_pf_total *t, char *buf, size_t n)
{
	int at = 0;
	buf[0] = '\0';
	if (t->no_greeks)
		at = snprintf(buf, n, "%zu without Greeks", t->no_greeks);
	if (t->no_price && at >= 0 && (size_t)at < n)
		snprintf(buf + at, n - (size_t)at, "%s%zu without a price", at ? ", " : "", t->no_price);
	return buf;
}

/* The lines of one underlying, then its totals when it has options; returns the next free row. */
static int draw_group(const positions_pane *s, const td_view *v, const td_pf_total *g, WINDOW *win, int y, int end,
		      int w)
{
	size_t n;
	const td_pf_line *lines = td_portfolio_lines(s->pf, &n);
	char buf[256], name[48], why[96];
	for (size_t i = g->first; i < g->first + g->n && y < end; i++) {
		row_vals r = line_vals(v, &lines[i]);
		format_row(s, &r, buf, sizeof buf);
		td_draw_text(win, y++, 1, w, lines[i].unrealised + lines[i].realised < 0 ? TD_ROLE_DOWN : TD_ROLE_UP, buf);
	}
	if (!g->options || y >= end)
		return y;
	snprintf(name, sizeof name, "%s total", td_view_symbol(v, g->und));
	row_vals r = total_vals(name, g);
	format_row(s, &r, buf, sizeof buf);
	td_draw_text(win, y++, 1, w, TD_ROLE_HEADER, buf);
	if (*left_out(g, why, sizeof why) && y < end) {
		snprintf(buf, sizeof buf, "  %s leaves out %s", name, why);
		td_draw_text(win, y++, 1, w, TD_ROLE_NOTE, buf);
	}
	return y;
}

/* A signed amount of money: two decimals below 10,000, else compact ("+85.2k"). */
static void fmt_money(double x, char *buf, size_t n)
{
	if (!isfinite(x))
		snprintf(buf, n, "-");
	else if (fabs(x) < 10000)
		snprintf(buf, n, "%+.2f", x);
	else
		fmt_compact_signed(x, true, buf, n);
}

/* Append piece to buf (holding len > 0 bytes) when the whole stays within w columns; returns the new length. */
static size_t append_fitting(char *buf, size_t n, size_t len, size_t w, const char *piece)
{
	const char *sep = buf[len - 1] == ':' ? " " : "  ";
	size_t add = strlen(sep) + strlen(piece);
	if (len + add > w || len + add >= n)
		return len;
	snprintf(buf + len, n - len, "%s%s", sep, piece);
	return len + add;
}

/*
 * The account's net Greeks in at most w columns: what they leave out
 * first, so that a narrow pane still says it, then the figures in order of
 * importance while they fit.
 */
static void account_greeks(const td_pf_total *a, size_t w, char *buf, size_t n)
{
	char why[96], m[16], piece[48];
	const char *lo = left_out(a, why, sizeof why);
	size_t len = (size_t)snprintf(buf, n, "net%s%s:", *lo ? ", " : "", lo);
	if (isfinite(a->delta)) {
		snprintf(piece, sizeof piece, "delta %+.1f", a->delta);
		len = append_fitting(buf, n, len, w, piece);
	}
	static const char *const name[] = { "$delta", "theta", "vega", "$gamma" };
	static const char *const unit[] = { "", "/day", "/pt", "/1%" };
	const double x[] = { a->delta_money, a->theta, a->vega, a->gamma_money };
	for (size_t i = 0; i < sizeof x / sizeof x[0]; i++) {
		fmt_money(x[i], m, sizeof m);
		snprintf(piece, sizeof piece, "%s %s%s", name[i], m, unit[i]);
		len = append_fitting(buf, n, len, w, piece);
	}
}

static void positions_draw(void *st, const td_view *v, WINDOW *win, int h, int w)
{
	positions_pane *s = st;
	if (!v->oms) {
		td_draw_text(win, 1, 1, w, TD_ROLE_NOTE, "orders are off (see the log)");
		return;
	}
	if (!s->pf)
		s->pf = td_portfolio_new(td_registry_count(td_market_registry(v->market)));
	if (!s->pf) {
		td_draw_text(win, 1, 1, w, TD_ROLE_NOTE, "out of memory");
		return;
	}
	td_portfolio_update(s->pf, td_oms_book(v->oms), v->market, v->chains);
	const td_pf_total *a = td_portfolio_account(s->pf);
	choose_columns(s, w);
	draw_header(s, win, w);
	char eq_text[128], net[192];
	double eq = td_oms_equity(v->oms);
	int eq_w = snprintf(eq_text, sizeof eq_text, "equity %.2f (capital %lld, %+.2f)", eq, (long long)v->cfg->capital,
			    eq - (double)v->cfg->capital);
	td_draw_text(win, h, 1, w, TD_ROLE_STATUS, eq_text);
	int end = h;
	if (a->open) {
		/* beside the equity when both fit (or there is no row to spare), else on the row above */
		account_greeks(a, sizeof net, net, sizeof net);
		if (eq_w + 2 + (int)strlen(net) <= w || h < 5) {
			td_draw_fill(win, h, 1 + eq_w, w - eq_w < 2 ? w - eq_w : 2, TD_ROLE_STATUS);
			td_draw_text(win, h, 3 + eq_w, w - 2 - eq_w, TD_ROLE_STATUS, net);
		} else {
			account_greeks(a, (size_t)w, net, sizeof net);
			td_draw_text(win, --end, 1, w, TD_ROLE_STATUS, net);
		}
	}
	size_t ng;
	const td_pf_total *g = td_portfolio_groups(s->pf, &ng);
	int y = 2;
	for (size_t i = 0; i < ng && y < end; i++)
		y = draw_group(s, v, &g[i], win, y, end, w);
	if (ng == 0)
		td_draw_text(win, 2, 1, w, TD_ROLE_NOTE, "no positions");
}

const td_pane_ops td_pane_positions = {
	.name = "positions",
	.caption = "Positions",
	.min_w = 40,
	.min_h = 4,
	.priority = 3,
	.create = positions_create,
	.destroy = positions_destroy,
	.draw = positions_draw,
};
