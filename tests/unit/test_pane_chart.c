/* The candlestick chart drawn off-screen over a recorded simulated morning
 * (and over hand-made trades for the edge cases): what it shows must agree
 * with the bars, the profile and the axis it prints.  Curses runs in ASCII
 * mode, so candles are 'O' (up body), '#' (down body), '+' (doji) and '|'
 * (wick). */
#include <ctype.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <time.h>

#include "core/time.h"
#include "harness.h"

#define ROWS 30
#define MAXR 64

static td_harness h;

static int setup(void **state)
{
	(void)state;
	return td_harness_open(&h, 1, "us", "09:29", 120);
}

static int teardown(void **state)
{
	(void)state;
	td_harness_close(&h);
	return 0;
}

static bool candle_ch(char ch)
{
	return ch == '|' || ch == 'O' || ch == '#' || ch == '+';
}

static td_studies *studies(void)
{
	return td_analysis_get(h.view.analysis, h.view.selected);
}

static td_pxfmt pxfmt(void)
{
	return td_registry_get(td_market_registry(h.view.market), h.view.selected)->px;
}

/* A new pane with the overlays in `on` ("e", "w", "o", "v" letters) shown and the rest hidden. */
static void *pane_with(const char *on)
{
	void *st = td_pane_chart.create();
	assert_non_null(st);
	char title[200];
	td_pane_chart.title(st, &h.view, title, sizeof(title));
	/* Defaults, per the title: toggle each overlay whose state differs from the wish. */
	const struct { char key; const char *word; td_cmd cmd; } o[] = {
		{ 'e', " ema20/50", TD_CMD_TOGGLE_EMA }, { 'w', " vwap", TD_CMD_TOGGLE_VWAP },
		{ 'o', " bb20", TD_CMD_TOGGLE_BB }, { 'v', " levels", TD_CMD_TOGGLE_LEVELS },
	};
	for (size_t i = 0; i < 4; i++)
		if ((strstr(title, o[i].word) != NULL) != (strchr(on, o[i].key) != NULL))
			assert_int_equal(td_pane_chart.command(st, &h.view, o[i].cmd), TD_REACT_DONE);
	return st;
}

/* Columns holding a candle glyph in any row; the rightmost in *last. */
static int candle_columns(char text[][TD_HARNESS_COLS], int rows, int *last)
{
	int n = 0;
	*last = -1;
	for (int x = 0; x < TD_HARNESS_COLS; x++) {
		bool any = false;
		for (int r = 0; r < rows; r++)
			if ((size_t)x < strlen(text[r]) && candle_ch(text[r][x]))
				any = true;
		if (any)
			n++, *last = x;
	}
	return n;
}

/* The price scale read back from the axis: the grid labels (not the last
 * price's row, marked '<', nor a tagged level) must be equally spaced; then
 * row r is the price top - r * tpr. */
typedef struct scale {
	td_ticks top, tpr;
	int labels;
} scale;

static scale read_axis(char text[][TD_HARNESS_COLS], int rows)
{
	scale s = { 0, 0, 0 };
	int r0 = -1;
	td_ticks p0 = 0;
	for (int r = 0; r < rows; r++) {
		const char *row = text[r];
		const char *sp = strrchr(row, ' ');
		if (!sp || strchr(row, '<'))
			continue;
		if (sp - row >= 3 && isupper((unsigned char)sp[-1]))
			continue;  /* a level's own price */
		td_ticks px;
		const char *why;
		if (td_px_parse(pxfmt(), sp + 1, &px, &why) < 0)
			continue;  /* volume or time row */
		if (r0 < 0) {
			r0 = r, p0 = px;
		} else if (s.tpr == 0) {
			assert_int_equal((p0 - px) % (r - r0), 0);
			s.tpr = (p0 - px) / (r - r0);
			assert_true(s.tpr > 0);
		} else {
			assert_int_equal(p0 - px, (td_ticks)(r - r0) * s.tpr);
		}
		s.labels++;
	}
	assert_true(s.labels >= 2);
	s.top = p0 + (td_ticks)r0 * s.tpr;
	return s;
}

/* The row a price is drawn on: the nearest row, ties going down. */
static int row_of(const scale *s, td_ticks px)
{
	td_ticks d = s->top - px;
	return (int)((2 * d + s->tpr) / (2 * s->tpr));
}

/* The bars of tf oldest first, the forming one last; returns how many. */
static size_t all_bars(td_bars_tf tf, td_bar *out, size_t max)
{
	const td_bars *b = studies()->bars;
	size_t n = td_bars_count(b, tf), k = 0;
	for (size_t i = n; i-- > 0 && k < max;)
		assert_true(td_bars_get(b, tf, i, &out[k++]));
	if (k < max && td_bars_forming(b, tf, &out[k]))
		k++;
	return k;
}

/* With fewer bars than columns, one column a bar, all of them; with more,
 * the plot is full: the width less the marker column and the price labels. */
static void test_one_column_a_bar(void **state)
{
	(void)state;
	char text[ROWS][TD_HARNESS_COLS];
	td_bar bars[600];
	void *st = pane_with("");
	size_t n5 = all_bars(TD_BARS_5M, bars, 600);
	assert_true(n5 > 20 && n5 < 60);
	td_harness_draw(&h, &td_pane_chart, st, 100, ROWS, text);
	int last, n = candle_columns(text, ROWS, &last);
	assert_int_equal(n, (int)n5);
	assert_int_equal(last, n - 1);
	/* 1m at 40 columns: 120-odd bars do not fit; labels are like "570.12". */
	assert_int_equal(td_pane_chart.command(st, &h.view, TD_CMD_TF_PREV), TD_REACT_DONE);
	size_t n1 = all_bars(TD_BARS_1M, bars, 600);
	char px[32];
	td_px_format(pxfmt(), bars[n1 - 1].close, px, sizeof(px));
	int plot = 40 - 1 - (int)strlen(px);
	assert_true(n1 > (size_t)plot);
	td_harness_draw(&h, &td_pane_chart, st, 40, ROWS, text);
	n = candle_columns(text, ROWS, &last);
	assert_int_equal(n, plot);
	assert_int_equal(last, plot - 1);
	/* The last price is marked in the column after the plot. */
	int marks = 0;
	for (int r = 0; r < ROWS; r++)
		marks += (int)strlen(text[r]) > plot && text[r][plot] == '<';
	assert_int_equal(marks, 1);
	td_pane_chart.destroy(st);
}

/* Every candle's wick spans exactly the rows its high and low map to on the
 * printed axis; its body the rows of open and close, 'O' for up bars, '#'
 * for down, '+' when open equals close. */
static void test_candles_follow_axis(void **state)
{
	(void)state;
	char text[ROWS][TD_HARNESS_COLS];
	td_bar bars[100];
	void *st = pane_with("");
	size_t n = all_bars(TD_BARS_5M, bars, 100);
	td_harness_draw(&h, &td_pane_chart, st, 100, ROWS, text);
	scale s = read_axis(text, ROWS);
	int ups = 0, downs = 0;
	for (size_t x = 0; x < n; x++) {
		const td_bar *b = &bars[x];
		int top = -1, bottom = -1;
		for (int r = 0; r < ROWS; r++) {
			if (strlen(text[r]) > x && candle_ch(text[r][x])) {
				top = top < 0 ? r : top;
				bottom = r;
			}
		}
		assert_int_equal(top, row_of(&s, b->high));
		assert_int_equal(bottom, row_of(&s, b->low));
		int ro = row_of(&s, b->open), rc = row_of(&s, b->close);
		int bt = ro < rc ? ro : rc, bb = ro < rc ? rc : ro;
		char body = b->close > b->open ? 'O' : b->close < b->open ? '#' : '+';
		ups += body == 'O', downs += body == '#';
		for (int r = top; r <= bottom; r++)
			assert_int_equal(text[r][x], r >= bt && r <= bb ? body : '|');
	}
	assert_true(ups > 0 && downs > 0);
	td_pane_chart.destroy(st);
}

/* t and T step through 1m 5m 15m 30m 60m daily, round; 15m shows about a third of the 5m columns. */
static void test_timeframes(void **state)
{
	(void)state;
	char text[ROWS][TD_HARNESS_COLS], title[200];
	td_bar bars[100];
	void *st = pane_with("");
	td_harness_draw(&h, &td_pane_chart, st, 100, ROWS, text);
	int last, c5 = candle_columns(text, ROWS, &last);
	td_pane_chart.title(st, &h.view, title, sizeof(title));
	assert_non_null(strstr(title, "Chart: SPY 5m"));
	assert_int_equal(td_pane_chart.command(st, &h.view, TD_CMD_TF_NEXT), TD_REACT_DONE);
	td_pane_chart.title(st, &h.view, title, sizeof(title));
	assert_non_null(strstr(title, "Chart: SPY 15m"));
	td_harness_draw(&h, &td_pane_chart, st, 100, ROWS, text);
	int c15 = candle_columns(text, ROWS, &last);
	assert_int_equal(c15, (int)all_bars(TD_BARS_15M, bars, 100));
	assert_true(c15 * 2 <= c5 && c5 <= c15 * 4);
	const char *next[] = { "30m", "60m", "daily", "1m", "5m" };
	for (size_t i = 0; i < 5; i++) {
		td_pane_chart.command(st, &h.view, TD_CMD_TF_NEXT);
		td_pane_chart.title(st, &h.view, title, sizeof(title));
		char want[32];
		snprintf(want, sizeof(want), "SPY %s ", next[i]);
		assert_non_null(strstr(title, want));
	}
	td_pane_chart.command(st, &h.view, TD_CMD_TF_PREV);
	td_pane_chart.command(st, &h.view, TD_CMD_TF_PREV);
	td_pane_chart.title(st, &h.view, title, sizeof(title));
	assert_non_null(strstr(title, "SPY daily "));
	td_harness_draw(&h, &td_pane_chart, st, 100, ROWS, text);
	assert_int_equal(candle_columns(text, ROWS, &last), (int)all_bars(TD_BARS_DAILY, bars, 100));
	td_pane_chart.destroy(st);
}

/* v shows the levels: today's POC tagged at the axis, on the row its price
 * maps to; hidden again, no tag is left. */
static void test_levels_toggle(void **state)
{
	(void)state;
	char text[ROWS][TD_HARNESS_COLS], title[200];
	void *st = pane_with("v");
	td_profile_stats ps;
	assert_int_equal(td_profile_stats_get(studies()->profile, 70, &ps), 0);
	char poc[32], want[48];
	td_px_format(pxfmt(), ps.poc, poc, sizeof(poc));
	snprintf(want, sizeof(want), "POC %s", poc);
	td_harness_draw(&h, &td_pane_chart, st, 100, ROWS, text);
	scale s = read_axis(text, ROWS);
	int found = -1;
	for (int r = 0; r < ROWS; r++)
		if (strstr(text[r], want))
			found = r;
	assert_int_equal(found, row_of(&s, ps.poc));
	td_pane_chart.title(st, &h.view, title, sizeof(title));
	assert_non_null(strstr(title, " levels"));
	assert_int_equal(td_pane_chart.command(st, &h.view, TD_CMD_TOGGLE_LEVELS), TD_REACT_DONE);
	td_harness_draw(&h, &td_pane_chart, st, 100, ROWS, text);
	for (int r = 0; r < ROWS; r++) {
		assert_null(strstr(text[r], "POC"));
		assert_null(strstr(text[r], "VAH"));
		assert_null(strstr(text[r], "VAL"));
	}
	td_pane_chart.title(st, &h.view, title, sizeof(title));
	assert_null(strstr(title, " levels"));
	td_pane_chart.destroy(st);
}

/* The overlays show their glyphs, but never over a candle: each candle is
 * still one unbroken run from its high to its low, one a bar. */
static void test_overlays(void **state)
{
	(void)state;
	char text[ROWS][TD_HARNESS_COLS], title[200];
	td_bar bars[100];
	void *st = pane_with("ewo");
	td_pane_chart.title(st, &h.view, title, sizeof(title));
	assert_non_null(strstr(title, "Chart: SPY 5m ema20/50 vwap bb20 "));
	size_t n = all_bars(TD_BARS_5M, bars, 100);
	td_harness_draw(&h, &td_pane_chart, st, 100, ROWS, text);
	int e = 0, E = 0, W = 0, b = 0;
	for (int r = 0; r < ROWS; r++)
		for (const char *p = text[r]; *p; p++)
			e += *p == 'e', E += *p == 'E', W += *p == 'W', b += *p == 'b';
	assert_true(W > 0 && b > 0);
	assert_int_equal(E, 0);  /* EMA 50 needs 50 bars: the morning has fewer 5m bars */
	int last;
	assert_int_equal(candle_columns(text, ROWS, &last), (int)n);
	for (size_t x = 0; x < n; x++) {
		int top = -1, bottom = -1, cells = 0;
		for (int r = 0; r < ROWS; r++) {
			if (strlen(text[r]) > x && candle_ch(text[r][x])) {
				top = top < 0 ? r : top;
				bottom = r, cells++;
			}
		}
		assert_int_equal(cells, bottom - top + 1);
	}
	td_pane_chart.command(st, &h.view, TD_CMD_TF_PREV);
	td_harness_draw(&h, &td_pane_chart, st, 100, ROWS, text);
	for (int r = 0; r < ROWS; r++)
		for (const char *p = text[r]; *p; p++)
			e += *p == 'e', E += *p == 'E';
	assert_true(e > 0 && E > 0);
	td_pane_chart.destroy(st);
}

/* The start time of a bar as the time row prints it. */
static void hhmm(td_ns t, char *out)
{
	char hms[9];
	td_time_fmt_hms(td_session_tz(h.view.session), t, hms);
	memcpy(out, hms, 5);
	out[5] = '\0';
}

/* [ shows the page of bars before, ] comes back, Home stops at the oldest. */
static void test_scroll(void **state)
{
	(void)state;
	char text[ROWS][TD_HARNESS_COLS], title[200], want[8];
	td_bar bars[600];
	void *st = pane_with("");
	td_pane_chart.command(st, &h.view, TD_CMD_TF_PREV);
	size_t n = all_bars(TD_BARS_1M, bars, 600);
	td_harness_draw(&h, &td_pane_chart, st, 60, ROWS, text);
	int last, plot = candle_columns(text, ROWS, &last);
	assert_true(n > (size_t)plot * 2);
	hhmm(bars[n - (size_t)plot].start, want);
	assert_memory_equal(text[ROWS - 1], want, 5);
	assert_int_equal(td_pane_chart.command(st, &h.view, TD_CMD_OLDER), TD_REACT_DONE);
	td_harness_draw(&h, &td_pane_chart, st, 60, ROWS, text);
	hhmm(bars[n - 2 * (size_t)plot].start, want);
	assert_memory_equal(text[ROWS - 1], want, 5);
	td_pane_chart.title(st, &h.view, title, sizeof(title));
	assert_non_null(strstr(title, "bars back"));
	assert_int_equal(td_pane_chart.command(st, &h.view, TD_CMD_HOME), TD_REACT_DONE);
	td_harness_draw(&h, &td_pane_chart, st, 60, ROWS, text);
	hhmm(bars[0].start, want);
	assert_memory_equal(text[ROWS - 1], want, 5);
	assert_int_equal(candle_columns(text, ROWS, &last), plot);
	/* Newer from the oldest page, then back to the live end. */
	assert_int_equal(td_pane_chart.command(st, &h.view, TD_CMD_NEWER), TD_REACT_DONE);
	td_harness_draw(&h, &td_pane_chart, st, 60, ROWS, text);
	hhmm(bars[(size_t)plot].start, want);
	assert_memory_equal(text[ROWS - 1], want, 5);
	assert_int_equal(td_pane_chart.command(st, &h.view, TD_CMD_END), TD_REACT_DONE);
	td_harness_draw(&h, &td_pane_chart, st, 60, ROWS, text);
	hhmm(bars[n - (size_t)plot].start, want);
	assert_memory_equal(text[ROWS - 1], want, 5);
	td_pane_chart.title(st, &h.view, title, sizeof(title));
	assert_null(strstr(title, "bars back"));
	assert_int_equal(td_pane_chart.command(st, &h.view, TD_CMD_UP), TD_REACT_PASS);
	assert_int_equal(td_pane_chart.command(st, &h.view, TD_CMD_TAPE_ALL), TD_REACT_PASS);
	td_pane_chart.destroy(st);
}

/* No studies: a note, nothing else. */
static void test_no_data(void **state)
{
	(void)state;
	char text[ROWS][TD_HARNESS_COLS];
	void *st = td_pane_chart.create();
	td_analysis *a = h.view.analysis;
	h.view.analysis = NULL;
	td_harness_draw(&h, &td_pane_chart, st, 60, ROWS, text);
	h.view.analysis = a;
	assert_string_equal(text[0], "no 5m bars yet for SPY");
	for (int r = 1; r < ROWS; r++)
		assert_string_equal(text[r], "");
	td_pane_chart.destroy(st);
}

/* Fresh studies of the selected instrument fed the given trades. */
static td_analysis *analysis_of(const td_event *ev, size_t n)
{
	char err[256];
	td_analysis *a = td_analysis_new(h.view.cfg, h.view.session, td_market_registry(h.view.market), &h.view.selected,
					 1, err, sizeof(err));
	assert_non_null(a);
	for (size_t i = 0; i < n; i++)
		td_analysis_add(a, &ev[i]);
	td_analysis_flush(a);
	return a;
}

/* A trade of the selected instrument at 2026-11-DD HH:MM UTC. */
static td_event trade_at(int day, int hour, int min, td_ticks px, int64_t size, td_side side)
{
	td_event e = { .type = TD_EV_TRADE, .instr = h.view.selected };
	e.exch_ns = (td_ns)td_days_from_civil(2026, 11, day) * 86400 * TD_NS_PER_SEC +
		    ((td_ns)hour * 60 + min) * TD_NS_PER_MIN;
	e.u.trade = (td_ev_trade){ px, size, (uint8_t)side };
	return e;
}

/* Every trade at one price: a doji a bar, on one row in the middle (of 16
 * price rows, as 20 rows leave 3 to volume and 1 to times), that price at the
 * axis as the last. */
static void test_flat_range(void **state)
{
	(void)state;
	td_event ev[40];
	for (int m = 0; m < 40; m++)
		ev[m] = trade_at(20, 14, 31 + m / 2, 57000, 100, m % 2 ? TD_SIDE_BUY : TD_SIDE_SELL);
	td_analysis *a = analysis_of(ev, 40), *keep = h.view.analysis;
	h.view.analysis = a;
	char text[20][TD_HARNESS_COLS];
	void *st = pane_with("ewov");
	td_pane_chart.command(st, &h.view, TD_CMD_TF_PREV);
	td_harness_draw(&h, &td_pane_chart, st, 60, 20, text);
	int row = -1, cells = 0;
	for (int r = 0; r < 20; r++) {
		for (const char *p = text[r]; *p; p++) {
			if (candle_ch(*p)) {
				assert_int_equal(*p, '+');
				assert_true(row < 0 || row == r);
				row = r, cells++;
			}
		}
	}
	assert_int_equal(cells, 20);
	assert_true(row >= 7 && row <= 8);
	assert_non_null(strchr(text[row], '<'));
	assert_string_equal(strrchr(text[row], ' '), " 570.00");
	td_pane_chart.destroy(st);
	h.view.analysis = keep;
	td_analysis_free(a);
}

/* The prior day's high and low are levels on their rows; volumes of 10^13
 * scale like any other. */
static void test_prior_day_and_huge_volume(void **state)
{
	(void)state;
	td_event ev[200];
	size_t n = 0;
	ev[n++] = trade_at(19, 14, 31, 57000, 100, TD_SIDE_BUY);
	ev[n++] = trade_at(19, 15, 0, 57100, 100, TD_SIDE_BUY);
	ev[n++] = trade_at(19, 16, 0, 56900, 100, TD_SIDE_SELL);
	ev[n++] = trade_at(19, 20, 0, 56950, 100, TD_SIDE_SELL);
	static const int wave[8] = { 0, 100, 200, 100, 0, -100, -200, -100 };
	for (int m = 0; m < 30; m++) {
		ev[n++] = trade_at(20, 14, 31 + m, 57000, 1000000000000LL, TD_SIDE_SELL);
		ev[n++] = trade_at(20, 14, 31 + m, 57000 + wave[m % 8], m == 10 ? 11000000000000LL : 1000000000000LL,
				   TD_SIDE_BUY);
	}
	ev[n++] = trade_at(20, 15, 30, 57000, 100, TD_SIDE_BUY);  /* the last price, away from the levels tested */
	td_analysis *a = analysis_of(ev, n), *keep = h.view.analysis;
	h.view.analysis = a;
	char text[20][TD_HARNESS_COLS];
	void *st = pane_with("v");
	td_pane_chart.command(st, &h.view, TD_CMD_TF_PREV);
	td_harness_draw(&h, &td_pane_chart, st, 80, 20, text);
	scale s = read_axis(text, 16);
	int pdh = -1, pdl = -1;
	for (int r = 0; r < 16; r++) {
		pdh = strstr(text[r], "PDH 571.00") ? r : pdh;
		pdl = strstr(text[r], "PDL 569.00") ? r : pdl;
	}
	assert_int_equal(pdh, row_of(&s, 57100));
	assert_int_equal(pdl, row_of(&s, 56900));
	/* The largest bar, 12 * 10^12, fills the three volume rows and is labelled. */
	assert_non_null(strstr(text[16], "12.0T"));
	int tall = 0;
	for (int x = 0; x < 80; x++) {
		bool full = true;
		for (int r = 16; r < 19; r++)
			full = full && (int)strlen(text[r]) > x && text[r][x] == '=';
		tall += full;
	}
	assert_int_equal(tall, 1);
	td_pane_chart.destroy(st);
	h.view.analysis = keep;
	td_analysis_free(a);
}

/* Small panes degrade: the smallest advertised size still draws candles, a
 * tinier one says so; a large one is timed (printed, not asserted). */
static void test_sizes(void **state)
{
	(void)state;
	char text[60][TD_HARNESS_COLS];
	void *st = pane_with("ewov");
	int w = td_pane_chart.min_w - 2, rows = td_pane_chart.min_h - 2, last;
	td_harness_draw(&h, &td_pane_chart, st, w, rows, text);
	assert_true(candle_columns(text, rows, &last) > 10);
	td_harness_draw(&h, &td_pane_chart, st, 10, 2, text);
	assert_non_null(strstr(text[0], "too"));
	td_pane_chart.command(st, &h.view, TD_CMD_TF_PREV);
	WINDOW *win = newwin(62, 202, 0, 0);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < 100; i++)
		td_pane_chart.draw(st, &h.view, win, 60, 200);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	delwin(win);
	printf("# 200x60 1m chart, all overlays: %.1f us a frame\n",
	       ((double)(t1.tv_sec - t0.tv_sec) * 1e9 + (double)(t1.tv_nsec - t0.tv_nsec)) / 100 / 1e3);
	td_pane_chart.destroy(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_column_a_bar),
		cmocka_unit_test(test_candles_follow_axis),
		cmocka_unit_test(test_timeframes),
		cmocka_unit_test(test_levels_toggle),
		cmocka_unit_test(test_overlays),
		cmocka_unit_test(test_scroll),
		cmocka_unit_test(test_no_data),
		cmocka_unit_test(test_flat_range),
		cmocka_unit_test(test_prior_day_and_huge_volume),
		cmocka_unit_test(test_sizes),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
