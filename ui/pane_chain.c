/*
 * The option chain as a heatmap: calls | strike | puts for one expiry, the
 * columns chosen by options.chain_columns (calls mirrored so each column
 * sits the same distance from the strike on both sides), each column
 * coloured on a five-step heat scale of its magnitude over the strikes on
 * screen.  The at-the-money strike is marked, a line shows where the
 * underlying trades between two strikes, and a header carries the chain's
 * figures.  The cursor sits on one contract (view->opt_cursor), which the
 * footer details and order entry will use.
 *
 * The chain shown follows the selected instrument when it has options (or
 * is one), else stays on the last one; u steps through the underlyings.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"
#include "draw.h"
#include "pane.h"

#define MAX_COLS 8
#define STRIKE_W 9

enum col_id { C_BID, C_ASK, C_LAST, C_IV, C_DELTA, C_GAMMA, C_THETA, C_VEGA, C_OI, C_OICHG, C_VOLUME, C_GEX };

/* The columns, named as options.chain_columns names them (TD_CHAIN_COLUMNS). */
static const struct chain_col {
	const char *name;
	const char *head;
	int width;
} cols[] = {
	[C_BID] = { "bid", "bid", 8 },        [C_ASK] = { "ask", "ask", 8 },
	[C_LAST] = { "last", "last", 8 },     [C_IV] = { "iv", "iv%", 6 },
	[C_DELTA] = { "delta", "delta", 6 },  [C_GAMMA] = { "gamma", "gamma", 7 },
	[C_THETA] = { "theta", "theta", 7 },  [C_VEGA] = { "vega", "vega", 6 },
	[C_OI] = { "oi", "oi", 7 },           [C_OICHG] = { "oichg", "oi chg", 7 },
	[C_VOLUME] = { "volume", "vol", 7 },  [C_GEX] = { "gex", "gex", 7 },
};
#define NCOLS (sizeof(cols) / sizeof(cols[0]))

/* One strike of the expiry shown: the indexes of its call and put in the chain's rows, -1 when unlisted. */
typedef struct strike_row {
	double strike;
	long call, put;
} strike_row;

typedef struct chain_pane {
	uint32_t und;          /* the chain shown; TD_NO_ID until the first draw */
	uint32_t seen_sel;     /* view->selected when last looked at */
	size_t exp;            /* expiry shown, index into the chain's expiries */
	size_t row;            /* cursor strike */
	int put;               /* cursor side */
	size_t top;            /* first strike on screen */
	bool follow;           /* keep the cursor on the ATM strike until it is moved */
	uint32_t told;         /* the contract last put in view->opt_cursor: any other was put there to jump to */
	int col[MAX_COLS], ncol;
	strike_row *strikes;   /* of the expiry shown */
	size_t nstrikes, cap;
} chain_pane;

static void *chain_create(void)
{
	chain_pane *s = calloc(1, sizeof(*s));
	if (s) {
		s->und = TD_NO_ID;
		s->seen_sel = TD_NO_ID;
		s->told = TD_NO_ID;
		s->follow = true;
	}
	return s;
}

static void chain_destroy(void *st)
{
	chain_pane *s = st;
	free(s->strikes);
	free(s);
}

/* The configured columns (validated by the configuration already). */
static void parse_columns(chain_pane *s, const char *spec)
{
	char buf[128];
	td_strlcpy(buf, spec, sizeof buf);
	char *save = NULL;
	s->ncol = 0;
	for (char *t = strtok_r(buf, ",", &save); t && s->ncol < MAX_COLS; t = strtok_r(NULL, ",", &save))
		for (size_t c = 0; c < NCOLS; c++)
			if (strcmp(t, cols[c].name) == 0)
				s->col[s->ncol++] = (int)c;
}

/* Follow the selection to its chain; keep the current one otherwise. */
static void pick_chain(chain_pane *s, const td_view *v)
{
	if (v->selected != s->seen_sel) {
		s->seen_sel = v->selected;
		uint32_t c = td_optchain_chain_of(v->chains, v->selected);
		if (c != TD_NO_ID && c != s->und) {
			s->und = c;
			s->exp = 0;
			s->follow = true;
		}
	}
	if (s->und == TD_NO_ID) {
		const uint32_t *ids;
		if (td_optchain_underlyings(v->chains, &ids))
			s->und = ids[0];
	}
}

/* The strikes of expiry s->exp with their call and put. */
static int list_strikes(chain_pane *s, const td_chainview *cv)
{
	if (s->cap < cv->nrows) {
		strike_row *n = realloc(s->strikes, cv->nrows * sizeof(*n));
		if (!n)
			return -1;
		s->strikes = n;
		s->cap = cv->nrows;
	}
	s->nstrikes = 0;
	int32_t key = cv->exp[s->exp].expiry;
	for (size_t i = 0; i < cv->nrows; i++) {
		const td_optrow *r = &cv->rows[i];
		if (r->expiry != key)
			continue;
		if (!s->nstrikes || s->strikes[s->nstrikes - 1].strike != r->strike)
			s->strikes[s->nstrikes++] = (strike_row){ r->strike, -1, -1 };
		strike_row *k = &s->strikes[s->nstrikes - 1];
		*(r->right == TD_CALL ? &k->call : &k->put) = (long)i;
	}
	return 0;
}

/* The strike at the money: the straddle strike, else the one nearest the forward. */
static size_t atm_index(const chain_pane *s, const td_chain_expiry *e)
{
	size_t best = 0;
	double target = isfinite(e->straddle_strike) ? e->straddle_strike : e->forward;
	for (size_t i = 1; i < s->nstrikes; i++)
		if (fabs(s->strikes[i].strike - target) < fabs(s->strikes[best].strike - target))
			best = i;
	return best;
}

/* A column's value for row i of the chain; NaN when missing. */
static double value(const td_chainview *cv, long i, int c)
{
	if (i < 0)
		return NAN;
	const td_optrow *r = &cv->rows[i];
	const td_chain_row *st = cv->stat_rows ? &cv->stat_rows[i] : NULL;
	switch ((enum col_id)c) {
	case C_BID: return r->bid;
	case C_ASK: return r->ask;
	case C_LAST: return r->last;
	case C_IV: return r->iv * 100.0;
	case C_DELTA: return r->g.delta;
	case C_GAMMA: return r->g.gamma;
	case C_THETA: return r->g.theta;
	case C_VEGA: return r->g.vega;
	case C_OI: return r->oi;
	case C_OICHG: return st ? st->oi_change : NAN;
	case C_VOLUME: return r->volume;
	case C_GEX: return st ? st->gex : NAN;
	}
	return NAN;
}

static void format(double x, int c, char *buf, size_t n)
{
	if (!isfinite(x)) {
		td_strlcpy(buf, "-", n);
		return;
	}
	switch ((enum col_id)c) {
	case C_BID: case C_ASK: case C_LAST: snprintf(buf, n, "%.2f", x); break;
	case C_IV: snprintf(buf, n, "%.1f", x); break;
	case C_DELTA: snprintf(buf, n, "%.3f", x); break;
	case C_GAMMA: snprintf(buf, n, "%.4f", x); break;
	case C_THETA: case C_VEGA: snprintf(buf, n, "%.3f", x); break;
	case C_OICHG: case C_GEX:
		td_fmt_compact(fabs(x), buf + 1, n - 1);
		buf[0] = x < 0 ? '-' : '+';
		break;
	default: td_fmt_compact(x, buf, n); break;
	}
}

/* Heat roles, coolest first. */
static const td_role heat[] = { TD_ROLE_HEAT1, TD_ROLE_HEAT2, TD_ROLE_HEAT3, TD_ROLE_HEAT4, TD_ROLE_HEAT5 };

/* The magnitude range of one column on one side over strikes [a, b). */
static void col_range(const chain_pane *s, const td_chainview *cv, int c, int put, size_t a, size_t b,
		      double *lo, double *hi)
{
	*lo = INFINITY;
	*hi = -INFINITY;
	for (size_t k = a; k < b; k++) {
		double x = fabs(value(cv, put ? s->strikes[k].put : s->strikes[k].call, c));
		if (isfinite(x)) {
			*lo = fmin(*lo, x);
			*hi = fmax(*hi, x);
		}
	}
}

static td_role heat_role(double x, double lo, double hi)
{
	x = fabs(x);
	if (!isfinite(x))
		return TD_ROLE_DIM;
	if (!(hi > lo))
		return TD_ROLE_HEAT3;
	int k = (int)((x - lo) / (hi - lo) * 5.0);
	return heat[k > 4 ? 4 : k < 0 ? 0 : k];
}

/* Columns that fit: both sides and the strike in w. */
static int fitting_cols(const chain_pane *s, int w)
{
	int n = 0, side = 0;
	while (n < s->ncol && 2 * (side + cols[s->col[n]].width + 1) + STRIKE_W <= w)
		side += cols[s->col[n++]].width + 1;
	return n;
}

/* x of column k of a side: calls run leftwards from the strike, puts rightwards. */
static int col_x(const chain_pane *s, int k, int put, int mid)
{
	int off = 0;
	for (int i = 0; i < k; i++)
		off += cols[s->col[i]].width + 1;
	return put ? mid + STRIKE_W + 1 + off : mid - 1 - off - cols[s->col[k]].width;
}

typedef struct table_ctx {
	const td_chainview *cv;
	WINDOW *win;
	int ncols, mid;
	size_t a, b, atm;
	double lo[2][MAX_COLS], hi[2][MAX_COLS];
} table_ctx;

static void draw_side(chain_pane *s, const table_ctx *t, int y, size_t k, int put)
{
	long i = put ? s->strikes[k].put : s->strikes[k].call;
	bool cur = k == s->row && put == s->put;
	for (int c = 0; c < t->ncols; c++) {
		char buf[32];
		double x = value(t->cv, i, s->col[c]);
		format(x, s->col[c], buf, sizeof buf);
		td_role role = cur ? TD_ROLE_CURSOR : heat_role(x, t->lo[put][c], t->hi[put][c]);
		int cx = col_x(s, c, put, t->mid);
		td_draw_fill(t->win, y, cx, cols[s->col[c]].width + 1, cur ? TD_ROLE_CURSOR : TD_ROLE_NORMAL);
		td_draw_right(t->win, y, cx, cols[s->col[c]].width, role, buf);
	}
}

static void draw_strike(const chain_pane *s, const table_ctx *t, int y, size_t k)
{
	char buf[32];
	snprintf(buf, sizeof buf, "%.2f", s->strikes[k].strike);
	td_role role = k == t->atm ? TD_ROLE_ATM : TD_ROLE_HEADER;
	td_draw_fill(t->win, y, t->mid, STRIKE_W, role);
	td_draw_right(t->win, y, t->mid, STRIKE_W - 1, role, buf);
}

/* The spot line between the strikes around the underlying's price. */
static void draw_spot_line(const table_ctx *t, int y, int w, double spot)
{
	char buf[64];
	snprintf(buf, sizeof buf, " spot %.2f ", spot);
	td_draw_fill(t->win, y, 1, w, TD_ROLE_DIM);
	for (int x = 1; x <= w; x++)
		mvwaddch(t->win, y, x, ACS_HLINE);
	int len = (int)strlen(buf);
	td_draw_text(t->win, y, t->mid + (STRIKE_W - len) / 2, len, TD_ROLE_NOTE, buf);
}

static void draw_heads(const chain_pane *s, const table_ctx *t, int y, int w)
{
	td_draw_fill(t->win, y, 1, w, TD_ROLE_HEADER);
	for (int put = 0; put < 2; put++)
		for (int c = 0; c < t->ncols; c++)
			td_draw_right(t->win, y, col_x(s, c, put, t->mid), cols[s->col[c]].width, TD_ROLE_HEADER,
				      cols[s->col[c]].head);
	td_draw_text(t->win, y, t->mid + 1, STRIKE_W - 1, TD_ROLE_HEADER, "strike");
	if (t->ncols > 0 && col_x(s, t->ncols - 1, 0, t->mid) > 6) {   /* room left of the outermost column */
		td_draw_text(t->win, y, 1, 5, TD_ROLE_HEADER, "CALLS");
		td_draw_right(t->win, y, w - 4, 4, TD_ROLE_HEADER, "PUTS");
	}
}

/* Keep the cursor in range and on screen; rows is the table's height. */
static void place_cursor(chain_pane *s, size_t atm, int rows)
{
	if (s->follow)
		s->row = atm;
	if (s->row >= s->nstrikes)
		s->row = s->nstrikes ? s->nstrikes - 1 : 0;
	size_t r = rows > 1 ? (size_t)rows - 1 : 1;   /* one line may go to the spot */
	if (s->follow || s->row < s->top || s->row >= s->top + r)
		s->top = s->row > r / 2 ? s->row - r / 2 : 0;
	if (s->top + r > s->nstrikes)
		s->top = s->nstrikes > r ? s->nstrikes - r : 0;
}

static void draw_table(chain_pane *s, table_ctx *t, int y0, int rows, int w)
{
	const td_chainview *cv = t->cv;
	t->a = s->top;
	t->b = s->top + (size_t)rows < s->nstrikes ? s->top + (size_t)rows : s->nstrikes;
	for (int put = 0; put < 2; put++)
		for (int c = 0; c < t->ncols; c++)
			col_range(s, cv, s->col[c], put, t->a, t->b, &t->lo[put][c], &t->hi[put][c]);
	int y = y0;
	for (size_t k = t->a; k < s->nstrikes && y < y0 + rows; k++) {
		if (k > 0 && s->strikes[k - 1].strike < cv->spot && s->strikes[k].strike >= cv->spot) {
			draw_spot_line(t, y++, w, cv->spot);
			if (y >= y0 + rows)
				break;
		}
		draw_side(s, t, y, k, 0);
		draw_strike(s, t, y, k);
		draw_side(s, t, y, k, 1);
		y++;
	}
}

/* Header items, most important first; as many as fit. */
static void draw_header(const td_view *v, const td_chainview *cv, const td_chain_expiry *e, WINDOW *win, int w)
{
	char items[12][48];
	int n = 0;
	const td_chain_total *tot = cv->total;
	snprintf(items[n++], 48, "%s %.2f", td_view_symbol(v, cv->underlying), cv->spot);
	snprintf(items[n++], 48, "ATM IV %.1f%%", 100 * e->atm_iv);
	snprintf(items[n++], 48, "IV30 %.1f%%", 100 * cv->iv30);
	if (isfinite(cv->ivr.rank))
		snprintf(items[n++], 48, "IV rank %.0f pct %.0f (%dd)", cv->ivr.rank, cv->ivr.percentile, cv->ivr.days);
	else if (cv->ivr.why && strstr(cv->ivr.why, "too few"))
		snprintf(items[n++], 48, "IV rank n/a (%d of %d days)", cv->ivr.days, v->cfg->iv_min_days);
	else
		snprintf(items[n++], 48, "IV rank n/a (%.30s)", cv->ivr.why ? cv->ivr.why : "?");
	if (tot) {
		snprintf(items[n++], 48, "PCR %.2f", e->pcr_oi);
		snprintf(items[n++], 48, "max pain %.2f", e->max_pain);
		char g[16];
		td_fmt_compact(fabs(tot->gex), g, sizeof g);
		snprintf(items[n++], 48, "GEX %s%s", tot->gex < 0 ? "-" : "+", g);
		if (isfinite(tot->flip.spot))
			snprintf(items[n++], 48, "zero gamma %.2f", tot->flip.spot);
		else
			snprintf(items[n++], 48, "zero gamma none in +-20%%");
	}
	snprintf(items[n++], 48, "move +-%.2f", e->move);
	snprintf(items[n++], 48, "RR25 %+.1f BF25 %+.1f", 100 * e->rr25, 100 * e->bf25);
	int x = 1;
	for (int i = 0; i < n; i++) {
		int len = (int)strlen(items[i]);
		if (x + len > w)
			break;
		td_draw_text(win, 1, x, len, i == 0 ? TD_ROLE_HEADER : TD_ROLE_NORMAL, items[i]);
		x += len + 2;
	}
}

/* The term structure: each expiry as "MM-DD 7d 12.3%" (its ATM IV), the one shown in the cursor role. */
static void draw_expiries(const chain_pane *s, const td_chainview *cv, WINDOW *win, int y, int w)
{
	char buf[32];
	int x = 1;
	size_t first = s->exp > 3 ? s->exp - 3 : 0;
	for (size_t i = first; i < cv->nexp; i++) {
		int yy, mm, dd;
		td_civil_from_days(cv->exp[i].expiry, &yy, &mm, &dd);
		/* days to expiry as traders count them: 0 on expiry day */
		double days = cv->exp[i].T * 365.0;
		snprintf(buf, sizeof buf, " %02d-%02d %.0fd %.1f%% ", mm, dd, isfinite(days) ? floor(days) : 0.0,
			 100 * cv->exp[i].atm_iv);
		int len = (int)strlen(buf);
		if (x + len > w)
			break;
		td_draw_text(win, y, x, len, i == s->exp ? TD_ROLE_CURSOR : TD_ROLE_DIM, buf);
		x += len + 1;
	}
}

/* The cursor contract in full, or why it has no implied volatility. */
static void draw_footer(const td_view *v, const td_chainview *cv, const chain_pane *s, WINDOW *win, int y, int w)
{
	const strike_row *k = &s->strikes[s->row];
	long i = s->put ? k->put : k->call;
	char buf[256];
	if (i < 0) {
		snprintf(buf, sizeof buf, "%.2f %s: not listed", k->strike, s->put ? "put" : "call");
	} else {
		const td_optrow *r = &cv->rows[i];
		int len = snprintf(buf, sizeof buf, "%s  bid %.2f ask %.2f mid %.2f  ", td_view_symbol(v, r->id), r->bid,
				   r->ask, r->mid);
		if (r->iv > 0)
			snprintf(buf + len, sizeof buf - (size_t)len,
				 "IV %.2f%%  delta %.3f gamma %.5f theta %.3f vega %.3f  %.1f days", 100 * r->iv,
				 r->g.delta, r->g.gamma, r->g.theta, r->g.vega, r->T * 365.0);
		else
			snprintf(buf + len, sizeof buf - (size_t)len, "no IV: %s", r->iv_why ? r->iv_why : "?");
	}
	td_draw_fill(win, y, 1, w, TD_ROLE_STATUS);
	td_draw_text(win, y, 1, w, TD_ROLE_STATUS, buf);
}

/* Another pane put a contract in view->opt_cursor: show its chain and expiry with the cursor on it. */
static void jump_to(chain_pane *s, const td_view *v)
{
	s->told = v->opt_cursor;
	uint32_t und = td_optchain_chain_of(v->chains, v->opt_cursor);
	const td_chainview *cv = und == TD_NO_ID ? NULL : td_optchain_get(v->chains, und, false);
	for (size_t i = 0; cv && i < cv->nrows; i++) {
		if (cv->rows[i].id != v->opt_cursor)
			continue;
		s->und = und;
		for (s->exp = 0; s->exp + 1 < cv->nexp && cv->exp[s->exp].expiry != cv->rows[i].expiry; s->exp++)
			;
		if (list_strikes(s, cv) < 0)
			return;
		for (s->row = 0; s->row + 1 < s->nstrikes && s->strikes[s->row].strike != cv->rows[i].strike; s->row++)
			;
		s->put = cv->rows[i].right == TD_PUT;
		s->follow = false;
		return;
	}
}

static void chain_draw(void *st, const td_view *v, WINDOW *win, int h, int w)
{
	chain_pane *s = st;
	if (!s->ncol)
		parse_columns(s, v->cfg->chain_columns);
	pick_chain(s, v);
	if (v->opt_cursor != TD_NO_ID && v->opt_cursor != s->told)
		jump_to(s, v);
	const td_chainview *cv = s->und == TD_NO_ID ? NULL : td_optchain_get(v->chains, s->und, false);
	if (!cv || !cv->nexp) {
		td_draw_text(win, 1, 1, w, TD_ROLE_NOTE, cv ? "no quotes in this chain yet" : "no options listed on this feed");
		return;
	}
	if (s->exp >= cv->nexp)
		s->exp = cv->nexp - 1;
	if (list_strikes(s, cv) < 0 || !s->nstrikes)
		return;
	const td_chain_expiry *e = &cv->exp[s->exp];
	table_ctx t = { .cv = cv, .win = win, .ncols = fitting_cols(s, w), .atm = atm_index(s, e) };
	int side = 0;
	for (int c = 0; c < t.ncols; c++)
		side += cols[s->col[c]].width + 1;
	t.mid = 1 + (w - STRIKE_W - 2 * side) / 2 + side;
	bool footer = h >= 7;
	int rows = h - 3 - (footer ? 1 : 0);
	place_cursor(s, t.atm, rows);
	draw_header(v, cv, e, win, w);
	draw_expiries(s, cv, win, 2, w);
	draw_heads(s, &t, 3, w);
	draw_table(s, &t, 4, rows, w);
	if (footer)
		draw_footer(v, cv, s, win, h, w);
}

/* The contract under the cursor, for order entry. */
static uint32_t cursor_contract(chain_pane *s, const td_view *v)
{
	const td_chainview *cv = s->und == TD_NO_ID ? NULL : td_optchain_get(v->chains, s->und, false);
	if (!cv || !cv->nexp || list_strikes(s, cv) < 0 || s->row >= s->nstrikes)
		return TD_NO_ID;
	long i = s->put ? s->strikes[s->row].put : s->strikes[s->row].call;
	return i < 0 ? TD_NO_ID : cv->rows[i].id;
}

/* Step to the next underlying with options. */
static void next_chain(chain_pane *s, const td_view *v)
{
	const uint32_t *ids;
	size_t n = td_optchain_underlyings(v->chains, &ids);
	for (size_t i = 0; i < n; i++)
		if (ids[i] == s->und) {
			s->und = ids[(i + 1) % n];
			break;
		}
	s->exp = 0;
	s->follow = true;
}

static td_reaction chain_command(void *st, td_view *v, td_cmd cmd)
{
	chain_pane *s = st;
	size_t page = 10;
	switch (cmd) {
	case TD_CMD_UP: s->row -= s->row > 0; s->follow = false; break;
	case TD_CMD_DOWN: s->row += s->row + 1 < s->nstrikes; s->follow = false; break;
	case TD_CMD_PAGE_UP: s->row = s->row > page ? s->row - page : 0; s->follow = false; break;
	case TD_CMD_PAGE_DOWN: s->row += page; s->follow = false; break;
	case TD_CMD_HOME: s->row = 0; s->follow = false; break;
	case TD_CMD_END: s->row = s->nstrikes ? s->nstrikes - 1 : 0; s->follow = false; break;
	case TD_CMD_CALLS: s->put = 0; break;
	case TD_CMD_PUTS: s->put = 1; break;
	case TD_CMD_EXPIRY_NEXT: s->exp++; s->follow = true; break;
	case TD_CMD_EXPIRY_PREV: s->exp -= s->exp > 0; s->follow = true; break;
	case TD_CMD_CENTRE: s->follow = true; break;
	case TD_CMD_CHAIN_NEXT: next_chain(s, v); break;
	default: return TD_REACT_PASS;
	}
	if (s->row >= s->nstrikes)
		s->row = s->nstrikes ? s->nstrikes - 1 : 0;
	v->opt_cursor = s->told = cursor_contract(s, v);
	return TD_REACT_DONE;
}

static void chain_title(void *st, const td_view *v, char *buf, size_t n)
{
	const chain_pane *s = st;
	const td_chainview *cv = s->und == TD_NO_ID ? NULL : td_optchain_get(v->chains, s->und, false);
	if (!cv)
		snprintf(buf, n, "Option chain");
	else
		snprintf(buf, n, "Option chain: %s (%s, computed in %.1f ms)", td_view_symbol(v, s->und),
			 td_optchain_model_name(cv->model), cv->compute_us / 1000.0);
}

const td_pane_ops td_pane_chain = {
	.name = "chain",
	.caption = "Option chain",
	.min_w = 40,
	.min_h = 8,
	.priority = 2,
	.create = chain_create,
	.destroy = chain_destroy,
	.draw = chain_draw,
	.command = chain_command,
	.title = chain_title,
};
