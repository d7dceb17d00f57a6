/*
 * Chart: candlesticks of the selected instrument on 1m, 5m, 15m, 30m, 60m or
 * daily bars, one column a bar, newest on the right (the forming bar
 * included), with a volume histogram, overlays and key levels.
 *
 * Layout (inside the frame, h rows x w columns):
 *
 *   rows 0..P-1      candles and overlays    | marker | price axis
 *   next V rows      volume histogram        |        | largest volume shown
 *   last row         bar start times (HH:MM; MM-DD on daily), when h >= 12
 *
 * V is h / 6 rows, 1 to 5.  The axis is as wide as the widest price it can
 * show, plus a 4-column tag ("POC ") while levels are on; the marker column
 * between plot and axis holds '<' at the last price.  When the bars do not
 * fill the width they start at the left edge; scrolling back stops when the
 * oldest kept bar reaches the left edge, so a scrolled chart is always full.
 *
 * Scale.  Each row covers a whole number of ticks, tpr, and row 0 is the
 * price `top`, a multiple of tpr where possible, so every axis label is an
 * exact price and a price px is drawn on row floor((top - px) / tpr + 1/2).
 * The scale fits the visible bars and, while shown, the EMAs, the Bollinger
 * bands, VWAP and its 1 sd band; the 2 sd band and the levels are drawn only
 * where they fall inside.  A range of fewer ticks than rows (a flat market)
 * is centred at one tick a row.
 *
 * Glyphs, told apart without colour:
 *
 *                 UTF-8  ASCII
 *   up body         ║      O     close > open, hollow       TD_ROLE_UP
 *   down body       ┃      #     close < open, filled       TD_ROLE_DOWN
 *   doji            ┼      +     close == open              TD_ROLE_NORMAL
 *   wick            │      |     in the body's role
 *   volume        ▁ .. █  _ =    eighths of a row (ASCII: under half, more);
 *                                the sold part, at the bottom, TD_ROLE_SELL,
 *                                the rest TD_ROLE_BUY
 *   EMA 20          e      e     TD_ROLE_BID
 *   EMA 50          E      E     TD_ROLE_ASK
 *   VWAP            W      W     TD_ROLE_HEADER, per bar of the VWAP's session
 *   VWAP +-1 sd     -      -     TD_ROLE_DIM, horizontal (see below)
 *   VWAP +-2 sd     :      :     TD_ROLE_DIM, horizontal
 *   Bollinger       b      b     TD_ROLE_NOTE, (20, 2) upper and lower band
 *   level           ┄      .     TD_ROLE_DIM, tagged at the axis
 *
 * Overlays are drawn first and candles over them, so they show only where no
 * candle is.  VWAP per bar is the running VWAP of the session's regular bars
 * (from each bar's VWAP and volume); the bands are the session's current
 * width (td_bars_session_vwap), drawn over that session's columns only, since
 * bars do not keep what an earlier band width would need.
 *
 * Levels (v): prior day's high, low and close (PDH PDL PDC) from the daily
 * bars, today's volume POC and 70 % value area (POC VAH VAL) from the
 * profile, and the last two 3-bar swing highs and lows (SWH SWL) of the
 * timeframe, merged with td_levels_build where they share a row; a merged
 * level is tagged with its strongest member.
 *
 * Keys (context "chart"): t / T next and previous timeframe; [ and ] (or
 * page up and down) a page of bars older and newer; Home the oldest page,
 * End the live one; e, w, o, v show or hide the EMAs, VWAP, Bollinger and
 * levels.  It opens on 5m with the EMAs, VWAP and levels shown.
 *
 * Cost.  The indicators run over every kept bar of the timeframe once per
 * change of its closed-bar count, timeframe or instrument, into cache arrays
 * grown with realloc; the forming bar's values come from copies of the EMA
 * states and its 20-close window.  A frame copies the visible bars into the
 * pane's fixed arrays and allocates nothing.  Indicators are fed ticks as
 * doubles: EMA, Bollinger and swings commute with the tick scale.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analytics/indicators.h"
#include "analytics/levels.h"
#include "core/time.h"
#include "draw.h"
#include "pane.h"
#include "tui.h"

#define MAX_COLS 512     /* bars shown at most, however wide the pane */
#define MAX_ROWS 256     /* price rows at most */
#define EMA_FAST 20
#define EMA_SLOW 50
#define BB_N 20
#define BB_K 2.0
#define SWING_N 3
#define SWINGS 2         /* swing highs (and lows) kept as levels */
#define VA_PCT 70
#define MAX_LEVELS 16    /* level candidates per frame */
#define TAG_W 4          /* "POC " before a level's price on the axis */

/* Overlay values of one bar, in ticks; NaN where not defined. */
typedef struct ovl {
	double ema_f, ema_s;
	double bb_up, bb_low;
	double vwap;
} ovl;

/* One axis label; a higher prio replaces a lower one on the same row. */
typedef struct label {
	int prio;            /* 0: none, 1: grid, 2: level, 3: last price */
	td_role role;
	char tag[TAG_W];     /* level tag or "" */
	td_ticks px;
} label;

typedef struct chart {
	td_bars_tf tf;
	bool ema, vwap, bb, levels;  /* overlays shown */
	uint32_t instr;              /* the instrument `back` belongs to */
	size_t back;                 /* bars between the newest and the rightmost shown */
	uint64_t closed_seen;        /* td_bars_closed at the last frame: new bars keep a scrolled view still */
	td_bars_tf seen_tf;          /* the timeframe closed_seen counts */
	int page;                    /* bar columns in the last frame */
	/* Cache over the closed bars of (c_instr, c_tf); index 0 = the most recent. */
	bool c_valid;
	uint32_t c_instr;
	td_bars_tf c_tf;
	uint64_t c_closed;
	size_t c_n, c_cap;
	ovl *c_ovl;                  /* c_n values, c_cap allocated */
	td_ind_ema c_ema_f, c_ema_s; /* after the most recent closed bar */
	td_ticks swing_hi[SWINGS], swing_lo[SWINGS]; /* newest first; TD_PX_NONE when none */
	td_levels *lv;               /* level combiner, MAX_LEVELS candidates */
	/* Per frame, kept here to stay off the stack. */
	td_bar vis[MAX_COLS];        /* the shown bars, oldest first */
	ovl vo[MAX_COLS];            /* their overlays */
	label lbl[MAX_ROWS];
} chart;

/* The glyphs of the top comment, for one mode. */
typedef struct glyphs {
	const char *up, *down, *doji, *wick, *level;
	const char *vol[8];          /* volume cell filled 1/8 .. 8/8 */
} glyphs;

static const glyphs glyphs_utf8 = {
	"\u2551", "\u2503", "\u253c", "\u2502", "\u2504",
	{ "\u2581", "\u2582", "\u2583", "\u2584", "\u2585", "\u2586", "\u2587", "\u2588" },
};
static const glyphs glyphs_ascii = {
	"O", "#", "+", "|", ".",
	{ "_", "_", "_", "=", "=", "=", "=", "=" },
};

static void *chart_create(void)
{
	chart *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->lv = td_levels_new(MAX_LEVELS);
	if (!c->lv) {
		free(c);
		return NULL;
	}
	c->tf = TD_BARS_5M;
	c->ema = c->vwap = c->levels = true;
	c->instr = TD_NO_ID;
	return c;
}

static void chart_destroy(void *st)
{
	chart *c = st;
	if (!c)
		return;
	td_levels_free(c->lv);
	free(c->c_ovl);
	free(c);
}

/* The selected instrument's studies, or NULL. */
static td_studies *studies(const td_view *v)
{
	return v->analysis ? td_analysis_get(v->analysis, v->selected) : NULL;
}

/* Bar `age` of tf counting the forming one (if any) as 0. */
static bool bar_at(const td_bars *b, td_bars_tf tf, bool forming, size_t age, td_bar *out)
{
	if (forming) {
		if (age == 0)
			return td_bars_forming(b, tf, out);
		age--;
	}
	return td_bars_get(b, tf, age, out);
}

/* The newest bar of tf, forming or closed. */
static bool newest(const td_bars *b, td_bars_tf tf, td_bar *out)
{
	return td_bars_forming(b, tf, out) || td_bars_get(b, tf, 0, out);
}

/* Put px first in a newest-first list of SWINGS prices. */
static void push_swing(td_ticks *list, td_ticks px)
{
	memmove(list + 1, list, (SWINGS - 1) * sizeof(*list));
	list[0] = px;
}

/* Run the indicators over the closed bars again if they changed since the last run. */
static void refresh_cache(chart *c, const td_bars *b, uint32_t instr)
{
	uint64_t closed = td_bars_closed(b, c->tf);
	size_t n = td_bars_count(b, c->tf);
	if (c->c_valid && c->c_instr == instr && c->c_tf == c->tf && c->c_closed == closed && c->c_n == n)
		return;
	c->c_valid = false;
	c->c_n = 0;
	for (int i = 0; i < SWINGS; i++)
		c->swing_hi[i] = c->swing_lo[i] = TD_PX_NONE;
	td_ind_ema_init(&c->c_ema_f, EMA_FAST);
	td_ind_ema_init(&c->c_ema_s, EMA_SLOW);
	if (n > c->c_cap) {
		ovl *p = realloc(c->c_ovl, n * sizeof(*p));
		if (!p)
			return;  /* no overlays this frame; tried again on the next */
		c->c_ovl = p;
		c->c_cap = n;
	}
	td_ind_bb *bb = td_ind_bb_new(BB_N, BB_K);
	td_ind_swing *sw = td_ind_swing_new(SWING_N);
	int32_t date = INT32_MIN;
	double pv = 0, vol = 0;
	for (size_t i = n; i-- > 0;) {
		ovl *o = &c->c_ovl[i];
		*o = (ovl){ NAN, NAN, NAN, NAN, NAN };
		td_bar bar;
		if (!td_bars_get(b, c->tf, i, &bar))
			continue;
		double close = (double)bar.close;
		o->ema_f = td_ind_ema_update(&c->c_ema_f, close);
		o->ema_s = td_ind_ema_update(&c->c_ema_s, close);
		td_ind_bands bands;
		if (bb && td_ind_bb_update(bb, close, &bands))
			o->bb_up = bands.up, o->bb_low = bands.low;
		td_ind_swing_out so;
		if (sw && td_ind_swing_update(sw, (double)bar.high, (double)bar.low, &so)) {
			if (!isnan(so.high))
				push_swing(c->swing_hi, (td_ticks)llround(so.high));
			if (!isnan(so.low))
				push_swing(c->swing_lo, (td_ticks)llround(so.low));
		}
		if (bar.date != date)
			date = bar.date, pv = vol = 0;
		if (bar.regular && bar.volume > 0)
			pv += bar.vwap * (double)bar.volume, vol += (double)bar.volume;
		if (bar.regular && vol > 0)
			o->vwap = pv / vol;
	}
	c->c_valid = bb && sw;  /* out of memory: run again next frame */
	td_ind_bb_free(bb);
	td_ind_swing_free(sw);
	c->c_instr = instr;
	c->c_tf = c->tf;
	c->c_closed = closed;
	c->c_n = n;
}

/* Overlays of the forming bar fb: the cached EMA states and the last BB_N closes, fb's included. */
static ovl forming_ovl(const chart *c, const td_bars *b, const td_bar *fb, const td_bars_vwap *vw)
{
	ovl o = { NAN, NAN, NAN, NAN, NAN };
	td_ind_ema e = c->c_ema_f;
	o.ema_f = td_ind_ema_update(&e, (double)fb->close);
	e = c->c_ema_s;
	o.ema_s = td_ind_ema_update(&e, (double)fb->close);
	if (c->c_n >= BB_N - 1) {
		/* Deviations from fb's close keep the sums small. */
		double s = 0, s2 = 0;
		for (size_t i = 0; i < BB_N - 1; i++) {
			td_bar bar;
			if (!td_bars_get(b, c->tf, i, &bar))
				return o;
			double d = (double)(bar.close - fb->close);
			s += d, s2 += d * d;
		}
		double mean = s / BB_N, var = s2 / BB_N - mean * mean;
		double sd = sqrt(var > 0 ? var : 0);
		o.bb_up = (double)fb->close + mean + BB_K * sd;
		o.bb_low = (double)fb->close + mean - BB_K * sd;
	}
	if (vw && fb->regular && fb->date == vw->date)
		o.vwap = vw->vwap;
	return o;
}

/* Geometry of one frame. */
typedef struct geo {
	int P, V, T;         /* price rows, volume rows, time rows */
	int pw, aw, pxw;     /* plot columns, axis columns, price label columns */
	int n;               /* bars shown */
	int session_x;       /* first shown column of the VWAP's session, or n */
	td_ticks top, tpr;   /* price of row 0, ticks a row */
} geo;

/* Floor division for a positive divisor. */
static td_ticks floor_div(td_ticks a, td_ticks d)
{
	td_ticks q = a / d;
	return (a % d != 0 && a < 0) ? q - 1 : q;
}

/* The row of a price, or -1 when it is off the price area or not a number. */
static int row_of(const geo *g, double px)
{
	double d = ((double)g->top - px) / (double)g->tpr + 0.5;
	if (!(d >= 0 && d < g->P))
		return -1;
	return (int)d;
}

/* Widen [*lo, *hi] to take a defined overlay value. */
static void take(double x, td_ticks *lo, td_ticks *hi)
{
	if (!isfinite(x) || fabs(x) > 4e18)
		return;
	td_ticks f = (td_ticks)floor(x), c = (td_ticks)ceil(x);
	*lo = f < *lo ? f : *lo;
	*hi = c > *hi ? c : *hi;
}

/* Choose ticks a row and the top price so that [lo, hi] fills the P rows. */
static void fit(geo *g, td_ticks lo, td_ticks hi)
{
	td_ticks span = hi - lo, rows = g->P - 1;
	g->tpr = (span + rows - 1) / rows;
	if (g->tpr < 1)
		g->tpr = 1;
	td_ticks extra = rows * g->tpr - span;
	g->top = hi + extra / 2;
	td_ticks aligned = floor_div(g->top, g->tpr) * g->tpr;
	if (aligned >= hi)
		g->top = aligned;
	else if (aligned + g->tpr <= hi + extra)
		g->top = aligned + g->tpr;
}

/* Columns the price labels of the current scale need. */
static int price_width(const td_view *v, const geo *g)
{
	char a[32], b[32];
	td_view_price(v, v->selected, g->top, a, sizeof(a));
	td_view_price(v, v->selected, g->top - (td_ticks)(g->P - 1) * g->tpr, b, sizeof(b));
	int la = (int)strlen(a), lb = (int)strlen(b);
	return la > lb ? la : lb;
}

/* Load the shown bars for plot width pw and fit the scale to them and their overlays. */
static void load(chart *c, const td_studies *s, bool forming, size_t total, const td_bars_vwap *vw, geo *g)
{
	size_t pw = (size_t)g->pw;
	size_t maxback = total > pw ? total - pw : 0;
	if (c->back > maxback)
		c->back = maxback;
	size_t n = total - c->back < pw ? total - c->back : pw;
	g->n = (int)n;
	g->session_x = g->n;
	td_ticks lo = INT64_MAX, hi = INT64_MIN;
	for (size_t x = 0; x < n; x++) {
		size_t age = c->back + n - 1 - x;
		td_bar *b = &c->vis[x];
		if (!bar_at(s->bars, c->tf, forming, age, b)) {
			memset(b, 0, sizeof(*b));
			b->open = b->high = b->low = b->close = TD_PX_NONE;
			c->vo[x] = (ovl){ NAN, NAN, NAN, NAN, NAN };
			continue;
		}
		if (forming && age == 0)
			c->vo[x] = forming_ovl(c, s->bars, b, vw);
		else if (age - (size_t)forming < c->c_n)
			c->vo[x] = c->c_ovl[age - (size_t)forming];
		else
			c->vo[x] = (ovl){ NAN, NAN, NAN, NAN, NAN };
		lo = b->low < lo ? b->low : lo;
		hi = b->high > hi ? b->high : hi;
		const ovl *o = &c->vo[x];
		if (c->ema)
			take(o->ema_f, &lo, &hi), take(o->ema_s, &lo, &hi);
		if (c->bb)
			take(o->bb_up, &lo, &hi), take(o->bb_low, &lo, &hi);
		if (vw && b->date == vw->date && b->regular && g->session_x == g->n)
			g->session_x = (int)x;
		if (c->vwap)
			take(o->vwap, &lo, &hi);
	}
	if (c->vwap && vw && g->session_x < g->n)
		take(vw->upper1, &lo, &hi), take(vw->lower1, &lo, &hi);
	if (lo > hi)  /* no bar could be read */
		lo = hi = 0;
	fit(g, lo, hi);
}

/* Draw a single glyph. */
static void put(WINDOW *win, int y, int x, td_role role, const char *g)
{
	td_draw_text(win, y, x, 1, role, g);
}

/* Draw n copies of a glyph from (y, x). */
static void run(WINDOW *win, int y, int x, int n, td_role role, const char *g)
{
	char buf[256];
	size_t len = strlen(g);
	int per = (int)((sizeof(buf) - 1) / len);
	while (n > 0) {
		int k = n < per ? n : per;
		for (int i = 0; i < k; i++)
			memcpy(buf + (size_t)i * len, g, len);
		buf[(size_t)k * len] = '\0';
		td_draw_text(win, y, x, k, role, buf);
		x += k, n -= k;
	}
}

/* Offer a label for a price row. */
static void offer(chart *c, const geo *g, td_ticks px, int prio, td_role role, const char *tag)
{
	int r = row_of(g, (double)px);
	if (r < 0 || c->lbl[r].prio >= prio)
		return;
	c->lbl[r] = (label){ .prio = prio, .role = role, .px = px };
	snprintf(c->lbl[r].tag, sizeof(c->lbl[r].tag), "%s", tag);
}

/* Append a level candidate unless it has no price. */
static size_t add_level(td_level_in *in, size_t n, td_ticks px, td_level_kind kind, const char *tag)
{
	if (px == TD_PX_NONE || n >= MAX_LEVELS)
		return n;
	in[n] = (td_level_in){ .px = px, .kind = (uint8_t)kind, .reason = tag };
	return n + 1;
}

/* Level candidates: prior day, today's profile, recent swings. */
static size_t level_inputs(const chart *c, const td_studies *s, td_level_in *in)
{
	size_t n = 0;
	td_bar today, d;
	bool have = td_bars_forming(s->bars, TD_BARS_DAILY, &today) || td_bars_get(s->bars, TD_BARS_DAILY, 0, &today);
	size_t nd = td_bars_count(s->bars, TD_BARS_DAILY);
	for (size_t i = 0; have && i < nd && i < 3; i++) {
		if (td_bars_get(s->bars, TD_BARS_DAILY, i, &d) && d.date < today.date) {
			n = add_level(in, n, d.high, TD_LVL_PRIOR_HIGH, "PDH");
			n = add_level(in, n, d.low, TD_LVL_PRIOR_LOW, "PDL");
			n = add_level(in, n, d.close, TD_LVL_PRIOR_CLOSE, "PDC");
			break;
		}
	}
	td_profile_stats ps;
	if (s->profile && td_profile_stats_get(s->profile, VA_PCT, &ps) == 0) {
		n = add_level(in, n, ps.poc, TD_LVL_POC, "POC");
		n = add_level(in, n, ps.vah, TD_LVL_VAH, "VAH");
		n = add_level(in, n, ps.val, TD_LVL_VAL, "VAL");
	}
	for (int i = 0; i < SWINGS; i++) {
		n = add_level(in, n, c->swing_hi[i], TD_LVL_SWING_HIGH, "SWH");
		n = add_level(in, n, c->swing_lo[i], TD_LVL_SWING_LOW, "SWL");
	}
	return n;
}

/* Levels: a line across the plot and a tagged label. */
static void draw_levels(chart *c, const td_studies *s, const geo *g, WINDOW *win, const glyphs *gl)
{
	td_level_in in[MAX_LEVELS];
	size_t n = level_inputs(c, s, in);
	if (n == 0 || td_levels_build(c->lv, in, n, g->tpr - 1) <= 0)
		return;
	for (size_t i = 0; i < td_levels_count(c->lv); i++) {
		const td_level *l = td_levels_get(c->lv, i);
		int r = row_of(g, (double)l->px);
		if (r < 0)
			continue;
		char tag[TAG_W];
		size_t k = 0;
		for (; k < TAG_W - 1 && l->reasons[k] && l->reasons[k] != ';'; k++)
			tag[k] = l->reasons[k];
		tag[k] = '\0';
		run(win, 1 + r, 1, g->pw, TD_ROLE_DIM, gl->level);
		offer(c, g, l->px, 2, TD_ROLE_NORMAL, tag);
	}
}

/* The overlays drawn one glyph a bar. */
typedef enum ovl_field { OV_EMA_F, OV_EMA_S, OV_BB_UP, OV_BB_LOW, OV_VWAP } ovl_field;

static double ovl_get(const ovl *o, ovl_field f)
{
	switch (f) {
	case OV_EMA_F: return o->ema_f;
	case OV_EMA_S: return o->ema_s;
	case OV_BB_UP: return o->bb_up;
	case OV_BB_LOW: return o->bb_low;
	case OV_VWAP: return o->vwap;
	}
	return NAN;
}

/* One overlay's glyph on each bar where it is defined and on the price area;
 * VWAP only on bars of its session. */
static void draw_overlay(const chart *c, const geo *g, WINDOW *win, ovl_field f, td_role role, const char *glyph,
			 const td_bars_vwap *vw)
{
	for (int x = 0; x < g->n; x++) {
		if (f == OV_VWAP && (!vw || c->vis[x].date != vw->date))
			continue;
		int r = row_of(g, ovl_get(&c->vo[x], f));
		if (r >= 0)
			put(win, 1 + r, 1 + x, role, glyph);
	}
}

/* VWAP's bands across the columns of its session. */
static void draw_bands(const geo *g, WINDOW *win, const td_bars_vwap *vw)
{
	if (!vw || g->session_x >= g->n || !(vw->sd > 0))
		return;
	const double band[4] = { vw->upper2, vw->lower2, vw->upper1, vw->lower1 };
	for (int i = 0; i < 4; i++) {
		int r = row_of(g, band[i]);
		if (r >= 0)
			run(win, 1 + r, 1 + g->session_x, g->n - g->session_x, TD_ROLE_DIM, i < 2 ? ":" : "-");
	}
}

/* One candle: wick from high to low, body from open to close. */
static void draw_candle(const geo *g, WINDOW *win, int x, const td_bar *b, const glyphs *gl)
{
	if (b->high == TD_PX_NONE)
		return;
	int rh = row_of(g, (double)b->high), rl = row_of(g, (double)b->low);
	int ro = row_of(g, (double)b->open), rc = row_of(g, (double)b->close);
	if (rh < 0 || rl < 0 || ro < 0 || rc < 0)
		return;
	bool up = b->close > b->open, down = b->close < b->open;
	td_role role = up ? TD_ROLE_UP : down ? TD_ROLE_DOWN : TD_ROLE_NORMAL;
	const char *body = up ? gl->up : down ? gl->down : gl->doji;
	int bt = ro < rc ? ro : rc, bb = ro < rc ? rc : ro;
	for (int r = rh; r <= rl; r++)
		put(win, 1 + r, 1 + x, role, r >= bt && r <= bb ? body : gl->wick);
}

/* Volume columns, sold part at the bottom, and the largest volume at the axis. */
static void draw_volume(const chart *c, const geo *g, WINDOW *win, const glyphs *gl)
{
	int64_t maxv = 0;
	for (int x = 0; x < g->n; x++)
		maxv = c->vis[x].volume > maxv ? c->vis[x].volume : maxv;
	if (maxv <= 0)
		return;
	int base = 1 + g->P + g->V - 1;  /* the bottom volume row */
	for (int x = 0; x < g->n; x++) {
		const td_bar *b = &c->vis[x];
		if (b->volume <= 0)
			continue;
		int eighths = (int)llround((double)b->volume / (double)maxv * g->V * 8);
		eighths = eighths < 1 ? 1 : eighths;
		int sold = (int)llround((double)eighths * (double)b->sell_volume / (double)b->volume);
		for (int rb = 0; rb < g->V && eighths - rb * 8 > 0; rb++) {
			int e = eighths - rb * 8;
			e = e > 8 ? 8 : e;
			put(win, base - rb, 1 + x, rb * 8 < sold ? TD_ROLE_SELL : TD_ROLE_BUY, gl->vol[e - 1]);
		}
	}
	char buf[16];
	td_fmt_compact((double)maxv, buf, sizeof(buf));
	td_draw_right(win, 1 + g->P, 1 + g->pw + 1, g->aw, TD_ROLE_DIM, buf);
}

/* Bar start times every 10 columns. */
static void draw_times(const chart *c, const td_view *v, const geo *g, WINDOW *win)
{
	int y = 1 + g->P + g->V;
	for (int x = 0; x + 5 <= g->pw && x < g->n; x += 10) {
		const td_bar *b = &c->vis[x];
		char buf[16];
		if (b->high == TD_PX_NONE)
			continue;
		if (c->tf == TD_BARS_DAILY) {
			int yy, mm, dd;
			td_civil_from_days(b->date, &yy, &mm, &dd);
			snprintf(buf, sizeof(buf), "%02d-%02d", mm, dd);
		} else if (v->session) {
			char hms[9];
			td_time_fmt_hms(td_session_tz(v->session), b->start, hms);
			snprintf(buf, sizeof(buf), "%.5s", hms);
		} else {
			continue;
		}
		td_draw_text(win, y, 1 + x, 5, TD_ROLE_DIM, buf);
	}
}

/* Grid labels, the last price and the label column. */
static void draw_axis(chart *c, const td_view *v, const geo *g, WINDOW *win, td_ticks last)
{
	int step = g->P >= 20 ? 5 : g->P >= 8 ? 4 : 3;
	for (int r = 0; r < g->P; r++)
		if (r % step == 0 || r == g->P - 1)
			offer(c, g, g->top - (td_ticks)r * g->tpr, 1, TD_ROLE_DIM, "");
	int lr = row_of(g, (double)last);
	if (lr >= 0) {
		offer(c, g, last, 3, TD_ROLE_HEADER, "");
		put(win, 1 + lr, 1 + g->pw, TD_ROLE_HEADER, "<");
	}
	int x = 1 + g->pw + 1;
	for (int r = 0; r < g->P; r++) {
		const label *l = &c->lbl[r];
		if (!l->prio)
			continue;
		char px[32];
		td_view_price(v, v->selected, l->px, px, sizeof(px));
		if (c->levels && l->tag[0])
			td_draw_text(win, 1 + r, x, TAG_W - 1, l->role, l->tag);
		td_draw_right(win, 1 + r, x + g->aw - g->pxw, g->pxw, l->role, px);
	}
}

static void chart_draw(void *st, const td_view *v, WINDOW *win, int h, int w)
{
	chart *c = st;
	td_studies *s = studies(v);
	char msg[96];
	if (c->instr != v->selected)
		c->instr = v->selected, c->back = 0;
	td_bar fb;
	bool forming = s && td_bars_forming(s->bars, c->tf, &fb);
	size_t total = s ? td_bars_count(s->bars, c->tf) + forming : 0;
	if (total == 0) {
		snprintf(msg, sizeof(msg), "no %s bars yet for %s", td_bars_tf_name(c->tf), td_view_symbol(v, v->selected));
		td_draw_text(win, 1, 1, w, TD_ROLE_NOTE, msg);
		return;
	}
	uint64_t closed = td_bars_closed(s->bars, c->tf);
	if (c->back > 0 && c->seen_tf == c->tf && closed > c->closed_seen)
		c->back += (size_t)(closed - c->closed_seen);
	c->closed_seen = closed;
	c->seen_tf = c->tf;
	geo g = { .V = h / 6 };
	g.V = g.V < 1 ? 1 : g.V > 5 ? 5 : g.V;
	g.T = h >= 12;
	g.P = h - g.V - g.T;
	g.P = g.P > MAX_ROWS ? MAX_ROWS : g.P;
	if (g.P < 3 || w < 16) {
		td_draw_text(win, 1, 1, w, TD_ROLE_NOTE, "too small for the chart");
		return;
	}
	refresh_cache(c, s->bars, v->selected);
	td_bars_vwap vwbuf;
	const td_bars_vwap *vw = td_bars_session_vwap(s->bars, &vwbuf) && vwbuf.volume > 0 ? &vwbuf : NULL;
	td_bar nb;
	td_ticks last = newest(s->bars, c->tf, &nb) ? nb.close : TD_PX_NONE;
	/* The axis width depends on the scale, which depends on the bars the rest of the width shows. */
	char lp[32];
	td_view_price(v, v->selected, last, lp, sizeof(lp));
	g.pxw = (int)strlen(lp);
	for (int pass = 0;; pass++) {
		g.aw = g.pxw + (c->levels ? TAG_W : 0);
		g.pw = w - 1 - g.aw;
		g.pw = g.pw > MAX_COLS ? MAX_COLS : g.pw;
		if (g.pw < 5) {
			td_draw_text(win, 1, 1, w, TD_ROLE_NOTE, "too narrow for the chart");
			return;
		}
		load(c, s, forming, total, vw, &g);
		int need = price_width(v, &g);
		/* Settle on the width the labels need; should it swing, on the wider one. */
		if (need == g.pxw || (pass >= 2 && need < g.pxw) || pass >= 3)
			break;
		g.pxw = pass < 2 || need > g.pxw ? need : g.pxw;
	}
	c->page = g.pw;
	const glyphs *gl = td_tui_utf8() ? &glyphs_utf8 : &glyphs_ascii;
	memset(c->lbl, 0, sizeof(c->lbl[0]) * (size_t)g.P);
	if (c->levels)
		draw_levels(c, s, &g, win, gl);
	if (c->vwap)
		draw_bands(&g, win, vw);
	if (c->bb) {
		draw_overlay(c, &g, win, OV_BB_UP, TD_ROLE_NOTE, "b", vw);
		draw_overlay(c, &g, win, OV_BB_LOW, TD_ROLE_NOTE, "b", vw);
	}
	if (c->ema) {
		draw_overlay(c, &g, win, OV_EMA_S, TD_ROLE_ASK, "E", vw);
		draw_overlay(c, &g, win, OV_EMA_F, TD_ROLE_BID, "e", vw);
	}
	if (c->vwap)
		draw_overlay(c, &g, win, OV_VWAP, TD_ROLE_HEADER, "W", vw);
	for (int x = 0; x < g.n; x++)
		draw_candle(&g, win, x, &c->vis[x], gl);
	draw_volume(c, &g, win, gl);
	if (g.T)
		draw_times(c, v, &g, win);
	draw_axis(c, v, &g, win, last);
}

/* Scroll by d bars, older for positive d. */
static void scroll_by(chart *c, long d)
{
	if (d > 0)
		c->back += (size_t)d;
	else
		c->back = c->back > (size_t)-d ? c->back - (size_t)-d : 0;
}

static td_reaction chart_command(void *st, td_view *v, td_cmd cmd)
{
	chart *c = st;
	long page = c->page > 0 ? c->page : 20;
	(void)v;
	switch (cmd) {
	case TD_CMD_TF_NEXT: c->tf = (td_bars_tf)((c->tf + 1) % TD_BARS_NTF); c->back = 0; break;
	case TD_CMD_TF_PREV: c->tf = (td_bars_tf)((c->tf + TD_BARS_NTF - 1) % TD_BARS_NTF); c->back = 0; break;
	case TD_CMD_OLDER:
	case TD_CMD_PAGE_UP: scroll_by(c, page); break;
	case TD_CMD_NEWER:
	case TD_CMD_PAGE_DOWN: scroll_by(c, -page); break;
	case TD_CMD_HOME: c->back = TD_BARS_MAX_CAP; break;  /* clamped to the oldest bar when drawn */
	case TD_CMD_END: c->back = 0; break;
	case TD_CMD_TOGGLE_EMA: c->ema = !c->ema; break;
	case TD_CMD_TOGGLE_VWAP: c->vwap = !c->vwap; break;
	case TD_CMD_TOGGLE_BB: c->bb = !c->bb; break;
	case TD_CMD_TOGGLE_LEVELS: c->levels = !c->levels; break;
	default: return TD_REACT_PASS;
	}
	return TD_REACT_DONE;
}

/* "Chart: SPY 5m ema20/50 vwap levels 451.23", and how far back when scrolled. */
static void chart_title(void *st, const td_view *v, char *buf, size_t n)
{
	const chart *c = st;
	td_studies *s = studies(v);
	char last[40] = "", back[48] = "";
	td_bar b;
	if (s && newest(s->bars, c->tf, &b)) {
		char px[32];
		td_view_price(v, v->selected, b.close, px, sizeof(px));
		snprintf(last, sizeof(last), " %s", px);
	}
	if (c->back > 0)
		snprintf(back, sizeof(back), " (%zu bars back)", c->back);
	snprintf(buf, n, "Chart: %s %s%s%s%s%s%s%s", td_view_symbol(v, v->selected), td_bars_tf_name(c->tf),
		 c->ema ? " ema20/50" : "", c->vwap ? " vwap" : "", c->bb ? " bb20" : "", c->levels ? " levels" : "",
		 last, back);
}

const td_pane_ops td_pane_chart = {
	.name = "chart",
	.caption = "Chart",
	.min_w = 30,
	.min_h = 10,
	.priority = 4,
	.create = chart_create,
	.destroy = chart_destroy,
	.draw = chart_draw,
	.command = chart_command,
	.title = chart_title,
};
