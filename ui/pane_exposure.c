/*
 * Dealer exposure by strike as a horizontal bar chart: one row per strike
 * around the underlying's price, negative exposure to the left of the axis
 * and positive to the right, all expiries together.  d switches between
 * gamma exposure (GEX, money per 1 % move) and delta exposure (DEX, units of
 * the underlying); the sign convention is doc/options.md's (dealers long
 * calls and short puts).  The strike nearest the price and the zero-gamma
 * level are marked.  It shows the same chain as the option chain pane
 * would: the selected instrument's when it has options.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "pane.h"

#define LABEL_W 10

typedef struct exposure_pane {
	uint32_t und;
	uint32_t seen_sel;
	bool dex;
} exposure_pane;

static void *exp_create(void)
{
	exposure_pane *s = calloc(1, sizeof(*s));
	if (s)
		s->und = s->seen_sel = TD_NO_ID;
	return s;
}

static void exp_destroy(void *st)
{
	free(st);
}

static void follow_selection(exposure_pane *s, const td_view *v)
{
	if (v->selected != s->seen_sel) {
		s->seen_sel = v->selected;
		uint32_t c = td_optchain_chain_of(v->chains, v->selected);
		if (c != TD_NO_ID)
			s->und = c;
	}
	const uint32_t *ids;
	if (s->und == TD_NO_ID && td_optchain_underlyings(v->chains, &ids))
		s->und = ids[0];
}

static double bar_value(const exposure_pane *s, const td_chain_strike *k)
{
	return s->dex ? k->dex : k->gex;
}

/* The index of the strike nearest x. */
static size_t nearest(const td_chainview *cv, double x)
{
	size_t best = 0;
	for (size_t i = 1; i < cv->nstrikes; i++)
		if (fabs(cv->strikes[i].strike - x) < fabs(cv->strikes[best].strike - x))
			best = i;
	return best;
}

/* A bar of |x| / scale of half cells, left of the axis when x < 0; glyphs, so it shows without colour too. */
static void draw_bar(WINDOW *win, int y, int axis, int half, double x, double scale)
{
	int len = isfinite(x) && scale > 0 ? (int)(fabs(x) / scale * half + 0.5) : 0;
	if (len > half)
		len = half;
	td_role role = x < 0 ? TD_ROLE_SELL : TD_ROLE_BUY;
	int from = x < 0 ? axis - len : axis + 1;
	for (int i = 0; i < len; i++)
		td_draw_text(win, y, from + i, 1, role, td_glyph_block());
	mvwaddch(win, y, axis, ACS_VLINE);
}

static void draw_rows(const exposure_pane *s, const td_chainview *cv, WINDOW *win, int h, int w)
{
	int rows = h - 1;
	size_t spot = nearest(cv, cv->spot);
	size_t flip = isfinite(cv->total->flip.spot) ? nearest(cv, cv->total->flip.spot) : (size_t)-1;
	size_t first = spot > (size_t)rows / 2 ? spot - (size_t)rows / 2 : 0;
	if (first + (size_t)rows > cv->nstrikes)
		first = cv->nstrikes > (size_t)rows ? cv->nstrikes - (size_t)rows : 0;
	double scale = 0;
	for (size_t i = first; i < cv->nstrikes && i < first + (size_t)rows; i++)
		if (isfinite(bar_value(s, &cv->strikes[i])))
			scale = fmax(scale, fabs(bar_value(s, &cv->strikes[i])));
	int value_w = 8, half = (w - LABEL_W - value_w - 2) / 2, axis = LABEL_W + 1 + half;
	for (int r = 0; r < rows && first + (size_t)r < cv->nstrikes; r++) {
		size_t i = first + (size_t)r;
		const td_chain_strike *k = &cv->strikes[i];
		char label[32], val[16];
		snprintf(label, sizeof label, "%s%.2f", i == spot ? ">" : i == flip ? "0" : " ", k->strike);
		td_draw_right(win, 2 + r, 1, LABEL_W, i == spot ? TD_ROLE_ATM : TD_ROLE_NORMAL, label);
		double x = bar_value(s, k);
		draw_bar(win, 2 + r, axis, half, x, scale);
		td_fmt_compact(fabs(x), val + 1, sizeof val - 1);
		val[0] = x < 0 ? '-' : '+';
		td_draw_right(win, 2 + r, w - value_w + 1, value_w, TD_ROLE_DIM, isfinite(x) ? val : "-");
	}
}

static void exp_draw(void *st, const td_view *v, WINDOW *win, int h, int w)
{
	exposure_pane *s = st;
	follow_selection(s, v);
	const td_chainview *cv = s->und == TD_NO_ID ? NULL : td_optchain_get(v->chains, s->und, false);
	if (!cv || !cv->total || !cv->nstrikes) {
		td_draw_text(win, 1, 1, w, TD_ROLE_NOTE, cv ? "no quotes in this chain yet" : "no options listed on this feed");
		return;
	}
	char tot[16], head[160];
	double total = s->dex ? cv->total->dex : cv->total->gex;
	td_fmt_compact(fabs(total), tot, sizeof tot);
	if (isfinite(cv->total->flip.spot))
		snprintf(head, sizeof head, "%s %s%s  flip %.2f  >spot 0flip", s->dex ? "DEX" : "GEX", total < 0 ? "-" : "+",
			 tot, cv->total->flip.spot);
	else
		snprintf(head, sizeof head, "%s %s%s  no flip in +-20%%  >spot", s->dex ? "DEX" : "GEX", total < 0 ? "-" : "+",
			 tot);
	td_draw_text(win, 1, 1, w, TD_ROLE_HEADER, head);
	draw_rows(s, cv, win, h, w);
}

static td_reaction exp_command(void *st, td_view *v, td_cmd cmd)
{
	exposure_pane *s = st;
	const uint32_t *ids;
	size_t n;
	switch (cmd) {
	case TD_CMD_TOGGLE_DEX:
		s->dex = !s->dex;
		return TD_REACT_DONE;
	case TD_CMD_CHAIN_NEXT:
		n = td_optchain_underlyings(v->chains, &ids);
		for (size_t i = 0; i < n; i++)
			if (ids[i] == s->und) {
				s->und = ids[(i + 1) % n];
				break;
			}
		return TD_REACT_DONE;
	default:
		return TD_REACT_PASS;
	}
}

static void exp_title(void *st, const td_view *v, char *buf, size_t n)
{
	const exposure_pane *s = st;
	snprintf(buf, n, "%s by strike: %s", s->dex ? "Delta exposure" : "Gamma exposure",
		 s->und == TD_NO_ID ? "-" : td_view_symbol(v, s->und));
}

const td_pane_ops td_pane_exposure = {
	.name = "exposure",
	.caption = "Exposure",
	.min_w = 30,
	.min_h = 6,
	.priority = 3,
	.create = exp_create,
	.destroy = exp_destroy,
	.draw = exp_draw,
	.command = exp_command,
	.title = exp_title,
};
