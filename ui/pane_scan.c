/*
 * The option scanner: the ranked structures of src/options/scan.c over the
 * chain on screen (the selected instrument's, as the chain pane shows),
 * each with the numbers that justify it, and a line saying what was left
 * out and why.  Enter opens the chain at the pick's first sold leg.  The
 * scan runs again whenever the chain has been recomputed.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "pane.h"

#define PICKS 50

typedef struct scan_pane {
	uint32_t und, seen_sel;
	td_scan *sc;
	td_scan_contract *in;
	size_t cap;
	td_ns scanned;        /* the chain computation the results are of */
	size_t cursor, top;
	bool ok;
} scan_pane;

static void *scan_create(void)
{
	scan_pane *s = calloc(1, sizeof(*s));
	if (s)
		s->und = s->seen_sel = TD_NO_ID;
	return s;
}

static void scan_destroy(void *st)
{
	scan_pane *s = st;
	td_scan_free(s->sc);
	free(s->in);
	free(s);
}

static void follow_selection(scan_pane *s, const td_view *v)
{
	if (v->selected != s->seen_sel) {
		s->seen_sel = v->selected;
		uint32_t c = td_optchain_chain_of(v->chains, v->selected);
		if (c != TD_NO_ID && c != s->und) {
			s->und = c;
			s->scanned = 0;
		}
	}
	const uint32_t *ids;
	if (s->und == TD_NO_ID && td_optchain_underlyings(v->chains, &ids))
		s->und = ids[0];
}

/* Scan again when the chain is newer than the results; sized to the chain on first use. */
static void rescan(scan_pane *s, const td_chainview *cv)
{
	if (s->ok && cv->computed == s->scanned)
		return;
	if (s->cap < cv->nrows) {
		td_scan_free(s->sc);
		free(s->in);
		s->sc = td_scan_new(cv->nrows, PICKS);
		s->in = calloc(cv->nrows, sizeof(*s->in));
		s->cap = s->sc && s->in ? cv->nrows : 0;
	}
	if (!s->cap)
		return;
	td_scan_params p;
	td_scan_params_init(&p, cv->spot, cv->multiplier);
	s->ok = td_optchain_scan(cv, s->in, &p, s->sc) == 0;
	s->scanned = cv->computed;
}

/* "-P565 +P560" */
static void legs_text(const td_scan_pick *k, char *buf, size_t n)
{
	size_t used = 0;
	buf[0] = '\0';
	for (int i = 0; i < k->n_legs && used < n; i++) {
		int w = snprintf(buf + used, n - used, "%s%c%c%g", i ? " " : "", k->legs[i].qty > 0 ? '+' : '-',
				 k->legs[i].right == TD_CALL ? 'C' : 'P', k->legs[i].strike);
		used += w > 0 ? (size_t)w : 0;
	}
	if (k->shares > 0 && used < n)
		snprintf(buf + used, n - used, " +%gsh", k->shares);
}

static void pick_line(const td_scan_pick *k, char *buf, size_t n)
{
	char legs[64], loss[16];
	legs_text(k, legs, sizeof legs);
	int yy, mm, dd;
	td_civil_from_days(k->expiry, &yy, &mm, &dd);
	if (isinf(k->max_loss))
		snprintf(loss, sizeof loss, "unltd");
	else
		snprintf(loss, sizeof loss, "%.2f", k->max_loss);
	snprintf(buf, n, "%-16.16s %02d-%02d %3.0fd %-24.24s %7.2f %7s %5.1f%% %6.1f%% %7.1f %4.0f %5.1f", 
		 td_scan_strategy_name(k->strategy), mm, dd, floor(k->dte), legs, k->credit, loss, 100 * k->pop,
		 100 * k->ret_annual, k->theta, k->liquidity, k->score);
}

/* What was left out: contracts by reason, in words. */
static void skipped_line(const td_scan_total *t, char *buf, size_t n)
{
	size_t used = (size_t)snprintf(buf, n, "%u picks of %u candidates; %u contracts skipped", t->picks,
				       t->candidates_all, t->skipped);
	for (int b = 0; b < TD_SCAN_WHY_COUNT && used < n; b++)
		if (t->why[b])
			used += (size_t)snprintf(buf + used, n - used, "%s %s %u", b ? "," : ":", td_scan_why_name(b),
						 t->why[b]);
}

static void scan_draw(void *st, const td_view *v, WINDOW *win, int h, int w)
{
	scan_pane *s = st;
	follow_selection(s, v);
	const td_chainview *cv = s->und == TD_NO_ID ? NULL : td_optchain_get(v->chains, s->und, false);
	if (!cv || !cv->nexp) {
		td_draw_text(win, 1, 1, w, TD_ROLE_NOTE, cv ? "no quotes in this chain yet" : "no options listed on this feed");
		return;
	}
	rescan(s, cv);
	if (!s->ok) {
		td_draw_text(win, 1, 1, w, TD_ROLE_NOTE, s->sc ? td_scan_error(s->sc) : "out of memory");
		return;
	}
	char buf[256];
	skipped_line(td_scan_totals(s->sc), buf, sizeof buf);
	td_draw_text(win, 1, 1, w, TD_ROLE_NOTE, buf);
	snprintf(buf, sizeof buf, "%-16s %-5s %4s %-24s %7s %7s %6s %7s %7s %4s %5s", "strategy", "exp", "dte", "legs",
		 "credit", "maxloss", "POP", "ann%", "theta", "liq", "score");
	td_draw_text(win, 2, 1, w, TD_ROLE_HEADER, buf);
	size_t n;
	const td_scan_pick *k = td_scan_picks(s->sc, &n);
	size_t rows = h > 2 ? (size_t)h - 2 : 0;
	if (s->cursor >= n)
		s->cursor = n ? n - 1 : 0;
	if (s->cursor < s->top)
		s->top = s->cursor;
	if (rows && s->cursor >= s->top + rows)
		s->top = s->cursor - rows + 1;
	for (size_t r = 0; r < rows && s->top + r < n; r++) {
		pick_line(&k[s->top + r], buf, sizeof buf);
		bool cur = s->top + r == s->cursor;
		if (cur)
			td_draw_fill(win, 3 + (int)r, 1, w, TD_ROLE_CURSOR);
		td_draw_text(win, 3 + (int)r, 1, w, cur ? TD_ROLE_CURSOR : TD_ROLE_NORMAL, buf);
	}
	if (!n)
		td_draw_text(win, 3, 1, w, TD_ROLE_NOTE, "nothing passes the filters (doc/scanner.md has the defaults)");
}

/* The first sold leg of the pick under the cursor, for the chain to open at. */
static uint32_t short_leg(const scan_pane *s)
{
	size_t n;
	const td_scan_pick *k = s->ok ? td_scan_picks(s->sc, &n) : NULL;
	if (!k || s->cursor >= n)
		return TD_NO_ID;
	for (int i = 0; i < k[s->cursor].n_legs; i++)
		if (k[s->cursor].legs[i].qty < 0)
			return k[s->cursor].legs[i].id;
	return k[s->cursor].legs[0].id;
}

static td_reaction scan_command(void *st, td_view *v, td_cmd cmd)
{
	scan_pane *s = st;
	switch (cmd) {
	case TD_CMD_UP: s->cursor -= s->cursor > 0; break;
	case TD_CMD_DOWN: s->cursor++; break;
	case TD_CMD_HOME: s->cursor = 0; break;
	case TD_CMD_SELECT:
		if (short_leg(s) == TD_NO_ID)
			return TD_REACT_PASS;
		v->opt_cursor = short_leg(s);
		v->focus_request = "chain";
		break;
	default: return TD_REACT_PASS;
	}
	return TD_REACT_DONE;
}

static void scan_title(void *st, const td_view *v, char *buf, size_t n)
{
	const scan_pane *s = st;
	snprintf(buf, n, "Scanner: %s (ranked by composite score; Enter opens the chain)",
		 s->und == TD_NO_ID ? "-" : td_view_symbol(v, s->und));
}

const td_pane_ops td_pane_scan = {
	.name = "scan",
	.caption = "Scanner",
	.min_w = 60,
	.min_h = 5,
	.priority = 3,
	.create = scan_create,
	.destroy = scan_destroy,
	.draw = scan_draw,
	.command = scan_command,
	.title = scan_title,
};
