/* The footprint chart drawn off-screen over a recorded simulated morning:
 * what it shows must agree with the footprint bars it reads.
 *
 * The layout the checks read (inside the frame, 0-based columns):
 *   row 0          "Price", then each bar's start "HH:MM" at slot + 4
 *   rows 1..h-2    ">" on the last price, the price, then one 13-column slot
 *                  a bar: '[' on the POC, sold right-aligned in 5, 'x',
 *                  bought left-aligned in 5, ']' on the POC; blank outside
 *                  the bar's high..low
 *   row h-1        each bar's delta right-aligned in slot+0..5, its volume
 *                  from slot + 7 */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "harness.h"

#define SLOT 13
#define MAXB 64

static td_harness h;

static int setup(void **state)
{
	(void)state;
	return td_harness_open(&h, 1, "us", "09:29", 60);
}

static int teardown(void **state)
{
	(void)state;
	td_harness_close(&h);
	return 0;
}

static td_studies *studies(void)
{
	return td_analysis_get(h.view.analysis, h.view.selected);
}

/* The "HH:MM" tokens of the header row: their count, slot columns and text. */
static int header(const char *row, int *slot, char times[][6])
{
	int n = 0;
	for (int i = 0; row[i] && row[i + 1] && row[i + 2] && row[i + 3] && row[i + 4]; i++) {
		const char *p = row + i;
		if (isdigit((unsigned char)p[0]) && isdigit((unsigned char)p[1]) && p[2] == ':' &&
		    isdigit((unsigned char)p[3]) && isdigit((unsigned char)p[4]) && n < MAXB) {
			slot[n] = i - 4;
			memcpy(times[n], p, 5);
			times[n][5] = '\0';
			n++;
			i += 4;
		}
	}
	return n;
}

/* The price of a row (after an optional ">"), in ticks; TD_PX_NONE when unreadable. */
static td_ticks row_price(const char *row)
{
	const td_instrument *ins = td_registry_get(td_market_registry(h.view.market), h.view.selected);
	char tok[40];
	while (*row == '>' || *row == ' ')
		row++;
	if (sscanf(row, "%39s", tok) != 1)
		return TD_PX_NONE;
	td_ticks t;
	const char *err;
	return td_px_parse(ins->px, tok, &t, &err) == 0 ? t : TD_PX_NONE;
}

/* The 13 characters of a slot, blanks past the end of the row. */
static void slot_text(const char *row, int x, char out[SLOT + 1])
{
	size_t len = strlen(row);
	for (int i = 0; i < SLOT; i++)
		out[i] = (size_t)(x + i) < len ? row[x + i] : ' ';
	out[SLOT] = '\0';
}

/* How a cell below 100,000 a side reads in its slot, worked out by hand from the layout. */
static void expect_cell(int64_t bid, int64_t ask, bool poc, char out[SLOT + 1])
{
	char b[16], a[16];
	assert_true(bid < 100000 && ask < 100000);
	snprintf(b, sizeof(b), "%5lld", (long long)bid);
	snprintf(a, sizeof(a), "%-5lld", (long long)ask);
	snprintf(out, SLOT + 1, "%c%.5sx%.5s%c", poc ? '[' : ' ', b, a, poc ? ']' : ' ');
}

/* "HH:MM" of a bar's start in the session's zone (the studies' own figure). */
static void bar_time(size_t ago, char out[6])
{
	td_fp_bar b;
	char hms[9];
	assert_true(td_footprint_bar(studies()->fp, ago, &b));
	td_time_fmt_hms(td_session_tz(h.view.session), b.start, hms);
	memcpy(out, hms, 5);
	out[5] = '\0';
}

/* A number as the pane may shorten it ("-1234", "+12.3k", "1.23M") read back. */
static double compact_value(const char *s)
{
	char *end;
	double v = strtod(s, &end);
	switch (*end) {
	case 'k': return v * 1e3;
	case 'M': return v * 1e6;
	case 'G': return v * 1e9;
	case 'T': return v * 1e12;
	default: return v;
	}
}

static int minutes_of(const char *hhmm)
{
	return (hhmm[0] - '0') * 600 + (hhmm[1] - '0') * 60 + (hhmm[3] - '0') * 10 + (hhmm[4] - '0');
}

/* Header: one time per bar, newest (the live bar) on the right, 5 minutes apart on the 5-minute grid. */
static void test_header_times(void **state)
{
	(void)state;
	void *st = td_pane_fpchart.create();
	char text[30][TD_HARNESS_COLS], title[160], times[MAXB][6], want[6];
	int slot[MAXB];
	td_harness_draw(&h, &td_pane_fpchart, st, 100, 30, text);
	assert_int_equal(td_analysis_footprint_tf(h.view.analysis), 5 * TD_NS_PER_MIN);
	int n = header(text[0], slot, times);
	assert_true(n >= 3);
	for (int i = 0; i < n; i++) {
		bar_time((size_t)(n - 1 - i), want);
		assert_string_equal(times[i], want);
		assert_int_equal(minutes_of(times[i]) % 5, 0);
		if (i > 0) {
			assert_int_equal(minutes_of(times[i]) - minutes_of(times[i - 1]), 5);
			assert_int_equal(slot[i] - slot[i - 1], SLOT);
		}
	}
	/* The recording runs 09:29 to 10:29: the live bar is the 10:25 one. */
	assert_string_equal(times[n - 1], "10:25");
	td_pane_fpchart.title(st, &h.view, title, sizeof(title));
	char bars[32];
	snprintf(bars, sizeof(bars), "%s 5m  %d bars", td_view_symbol(&h.view, h.view.selected), n);
	assert_non_null(strstr(title, "Footprint: "));
	assert_non_null(strstr(title, bars));
	assert_null(strstr(title, "back"));
	td_pane_fpchart.destroy(st);
}

/* Rows are consecutive ticks centred on the last trade; every slot shows its
 * bar's cell at that price, blank outside the bar's range. */
static void test_cells_match_studies(void **state)
{
	(void)state;
	void *st = td_pane_fpchart.create();
	char text[30][TD_HARNESS_COLS], times[MAXB][6], got[SLOT + 1], want[SLOT + 1];
	int slot[MAXB];
	td_harness_draw(&h, &td_pane_fpchart, st, 100, 30, text);
	const td_quote_state *q = td_market_get(h.view.market, h.view.selected);
	int n = header(text[0], slot, times);
	assert_true(n >= 1);
	int rows = 28, traded = 0;
	for (int r = 1; r <= rows; r++) {
		td_ticks px = row_price(text[r]);
		assert_true(px != TD_PX_NONE);
		if (r > 1)
			assert_int_equal(row_price(text[r - 1]) - px, 1);
		if (r == 1 + rows / 2) {
			assert_int_equal(px, q->last);
			assert_int_equal(text[r][0], '>');
		} else {
			assert_int_not_equal(text[r][0], '>');
		}
		for (int i = 0; i < n; i++) {
			size_t ago = (size_t)(n - 1 - i);
			td_fp_bar b;
			td_fp_cell c = { .px = px };
			assert_true(td_footprint_bar(studies()->fp, ago, &b));
			slot_text(text[r], slot[i], got);
			if (px > b.high || px < b.low) {
				assert_string_equal(got, "             ");
				continue;
			}
			if (td_footprint_cell(studies()->fp, ago, px, &c))
				traded++;
			expect_cell(c.bid, c.ask, px == b.poc, want);
			assert_string_equal(got, want);
		}
	}
	assert_true(traded > 20);
	/* Footer: each bar's delta and volume, to 3 significant digits when compacted. */
	for (int i = 0; i < n; i++) {
		td_fp_bar b;
		assert_true(td_footprint_bar(studies()->fp, (size_t)(n - 1 - i), &b));
		char d[16], v[16], foot[SLOT + 1];
		slot_text(text[29], slot[i], foot);
		assert_int_equal(sscanf(foot, "%15s %15s", d, v), 2);
		assert_true(b.delta > 0 ? d[0] == '+' : b.delta < 0 ? d[0] == '-' : d[0] == '0');
		assert_true(fabs(compact_value(d) - (double)b.delta) <= 0.005 * fabs((double)b.delta));
		assert_true(fabs(compact_value(v) - (double)b.volume) <= 0.005 * (double)b.volume);
		assert_true(strlen(d) <= 6 && strlen(v) <= 5);
	}
	td_pane_fpchart.destroy(st);
}

/* The POC brackets sit on each bar's POC row and nowhere else. */
static void test_poc_marker(void **state)
{
	(void)state;
	void *st = td_pane_fpchart.create();
	enum { ROWS = 90 };
	static char text[ROWS][TD_HARNESS_COLS];
	char times[MAXB][6], got[SLOT + 1];
	int slot[MAXB];
	td_harness_draw(&h, &td_pane_fpchart, st, 100, ROWS, text);
	/* Put the highest high of the shown bars on the first row. */
	assert_int_equal(td_pane_fpchart.command(st, &h.view, TD_CMD_HOME), TD_REACT_DONE);
	td_harness_draw(&h, &td_pane_fpchart, st, 100, ROWS, text);
	int n = header(text[0], slot, times), seen = 0;
	assert_true(n >= 1);
	for (int i = 0; i < n; i++) {
		td_fp_bar b;
		assert_true(td_footprint_bar(studies()->fp, (size_t)(n - 1 - i), &b));
		int marked = 0;
		td_ticks at = TD_PX_NONE;
		for (int r = 1; r < ROWS - 1; r++) {
			slot_text(text[r], slot[i], got);
			if (got[0] == '[') {
				assert_int_equal(got[SLOT - 1], ']');
				marked++;
				at = row_price(text[r]);
			} else {
				assert_int_not_equal(got[SLOT - 1], ']');
			}
		}
		td_ticks top = row_price(text[1]), bottom = row_price(text[ROWS - 2]);
		if (b.poc <= top && b.poc >= bottom) {
			assert_int_equal(marked, 1);
			assert_int_equal(at, b.poc);
			seen++;
		} else {
			assert_int_equal(marked, 0);
		}
	}
	assert_true(seen >= 1);
	td_pane_fpchart.destroy(st);
}

/* `[` steps the window of bars back one bar, `]` forward; both stop at the ends. */
static void test_older_newer(void **state)
{
	(void)state;
	void *st = td_pane_fpchart.create();
	char text[30][TD_HARNESS_COLS], title[160], t0[MAXB][6], t1[MAXB][6], want[6];
	int slot[MAXB];
	td_harness_draw(&h, &td_pane_fpchart, st, 100, 30, text);
	int n0 = header(text[0], slot, t0);
	assert_true(n0 >= 2);
	assert_int_equal(td_pane_fpchart.command(st, &h.view, TD_CMD_OLDER), TD_REACT_DONE);
	td_harness_draw(&h, &td_pane_fpchart, st, 100, 30, text);
	int n1 = header(text[0], slot, t1);
	assert_int_equal(n1, n0);
	for (int i = 1; i < n1; i++)
		assert_string_equal(t1[i], t0[i - 1]);
	assert_int_equal(minutes_of(t0[0]) - minutes_of(t1[0]), 5);
	td_pane_fpchart.title(st, &h.view, title, sizeof(title));
	assert_non_null(strstr(title, "back 1"));

	assert_int_equal(td_pane_fpchart.command(st, &h.view, TD_CMD_NEWER), TD_REACT_DONE);
	assert_int_equal(td_pane_fpchart.command(st, &h.view, TD_CMD_NEWER), TD_REACT_DONE);
	td_harness_draw(&h, &td_pane_fpchart, st, 100, 30, text);
	assert_int_equal(header(text[0], slot, t1), n0);
	for (int i = 0; i < n0; i++)
		assert_string_equal(t1[i], t0[i]);
	td_pane_fpchart.title(st, &h.view, title, sizeof(title));
	assert_null(strstr(title, "back"));

	/* Far back: the oldest bar alone, on the left. */
	size_t count = td_footprint_count(studies()->fp);
	for (int i = 0; i < 200; i++)
		td_pane_fpchart.command(st, &h.view, TD_CMD_OLDER);
	td_harness_draw(&h, &td_pane_fpchart, st, 100, 30, text);
	assert_int_equal(header(text[0], slot, t1), 1);
	bar_time(count - 1, want);
	assert_string_equal(t1[0], want);
	td_pane_fpchart.title(st, &h.view, title, sizeof(title));
	char back[32];
	snprintf(back, sizeof(back), "1 bar  back %zu", count - 1);
	assert_non_null(strstr(title, back));
	td_pane_fpchart.destroy(st);
}

/* The whole slots that fit, never a cut one: fewer bars at 80 columns than at 200. */
static int whole_bars(int w, int rows)
{
	void *st = td_pane_fpchart.create();
	static char text[40][TD_HARNESS_COLS];
	char times[MAXB][6];
	int slot[MAXB];
	td_harness_draw(&h, &td_pane_fpchart, st, w, rows, text);
	int n = header(text[0], slot, times);
	if (n > 0) {
		/* Every slot ends inside the pane; one more would not fit. */
		assert_true(slot[n - 1] + SLOT <= w);
		assert_true(slot[n - 1] + 2 * SLOT > w || (size_t)n == td_footprint_count(studies()->fp));
		for (int r = 1; r < rows; r++)
			assert_true((int)strlen(text[r]) <= w);
		/* The rightmost slot's footer has both of its numbers. */
		char foot[SLOT + 1], d[16], v[16];
		slot_text(text[rows - 1], slot[n - 1], foot);
		assert_int_equal(sscanf(foot, "%15s %15s", d, v), 2);
	}
	char title[160], bars[32];
	td_pane_fpchart.title(st, &h.view, title, sizeof(title));
	snprintf(bars, sizeof(bars), "  %d bar", n);
	if (n > 0)
		assert_non_null(strstr(title, bars));
	td_pane_fpchart.destroy(st);
	return n;
}

static void test_widths(void **state)
{
	(void)state;
	int n80 = whole_bars(78, 22), n200 = whole_bars(198, 40);
	assert_true(n80 >= 4 && n80 <= 6);
	assert_true(n200 > n80);
	assert_int_equal(whole_bars(28, 6), 1); /* min_w x min_h, frame taken off */
	/* Narrower than one bar: a note, no bar. */
	void *st = td_pane_fpchart.create();
	char text[6][TD_HARNESS_COLS];
	td_harness_draw(&h, &td_pane_fpchart, st, 16, 6, text);
	assert_non_null(strstr(text[0], "narrow"));
	td_harness_draw(&h, &td_pane_fpchart, st, 40, 1, text);
	td_pane_fpchart.destroy(st);
	assert_true(td_pane_fpchart.min_w <= 30 && td_pane_fpchart.min_h <= 8);
}

/* Up/down/page scroll by ticks and stop following; c centres again; home/end show the extremes. */
static void test_scroll_and_centre(void **state)
{
	(void)state;
	void *st = td_pane_fpchart.create();
	char text[30][TD_HARNESS_COLS], times[MAXB][6];
	int slot[MAXB];
	const int rows = 28;
	td_harness_draw(&h, &td_pane_fpchart, st, 100, 30, text);
	td_ticks top = row_price(text[1]);
	const td_quote_state *q = td_market_get(h.view.market, h.view.selected);
	assert_int_equal(top, q->last + rows / 2);

	assert_int_equal(td_pane_fpchart.command(st, &h.view, TD_CMD_UP), TD_REACT_DONE);
	td_harness_draw(&h, &td_pane_fpchart, st, 100, 30, text);
	assert_int_equal(row_price(text[1]), top + 1);
	td_pane_fpchart.command(st, &h.view, TD_CMD_DOWN);
	td_pane_fpchart.command(st, &h.view, TD_CMD_DOWN);
	td_harness_draw(&h, &td_pane_fpchart, st, 100, 30, text);
	assert_int_equal(row_price(text[1]), top - 1);
	td_pane_fpchart.command(st, &h.view, TD_CMD_PAGE_UP);
	td_harness_draw(&h, &td_pane_fpchart, st, 100, 30, text);
	assert_int_equal(row_price(text[1]), top - 1 + (rows - 1));
	td_pane_fpchart.command(st, &h.view, TD_CMD_PAGE_DOWN);
	td_harness_draw(&h, &td_pane_fpchart, st, 100, 30, text);
	assert_int_equal(row_price(text[1]), top - 1);

	/* Home: the highest high of the shown bars on the first row; end: the lowest low on the last. */
	int n = header(text[0], slot, times);
	td_ticks hi = TD_PX_NONE, lo = TD_PX_NONE;
	for (int i = 0; i < n; i++) {
		td_fp_bar b;
		assert_true(td_footprint_bar(studies()->fp, (size_t)i, &b));
		hi = hi == TD_PX_NONE || b.high > hi ? b.high : hi;
		lo = lo == TD_PX_NONE || b.low < lo ? b.low : lo;
	}
	td_pane_fpchart.command(st, &h.view, TD_CMD_HOME);
	td_harness_draw(&h, &td_pane_fpchart, st, 100, 30, text);
	assert_int_equal(row_price(text[1]), hi);
	td_pane_fpchart.command(st, &h.view, TD_CMD_END);
	td_harness_draw(&h, &td_pane_fpchart, st, 100, 30, text);
	assert_int_equal(row_price(text[rows]), lo);

	assert_int_equal(td_pane_fpchart.command(st, &h.view, TD_CMD_CENTRE), TD_REACT_DONE);
	td_harness_draw(&h, &td_pane_fpchart, st, 100, 30, text);
	assert_int_equal(row_price(text[1]), top);
	assert_int_equal(text[1 + rows / 2][0], '>');

	assert_int_equal(td_pane_fpchart.command(st, &h.view, TD_CMD_TAPE_ALL), TD_REACT_PASS);
	assert_int_equal(td_pane_fpchart.command(st, &h.view, TD_CMD_QUIT), TD_REACT_PASS);
	td_pane_fpchart.destroy(st);
}

/* An instrument that is not analysed (an option of the chain): a note, not a chart. */
static void test_no_data(void **state)
{
	(void)state;
	const td_registry *reg = td_market_registry(h.view.market);
	uint32_t opt = TD_NO_ID;
	for (uint32_t id = 0; id < td_registry_count(reg) && opt == TD_NO_ID; id++) {
		const td_instrument *ins = td_registry_get(reg, id);
		if (ins && ins->kind == TD_INS_OPTION)
			opt = id;
	}
	assert_int_not_equal(opt, TD_NO_ID);
	assert_null(td_analysis_get(h.view.analysis, opt));
	void *st = td_pane_fpchart.create();
	char text[10][TD_HARNESS_COLS], title[160];
	/* Stepped back on the first instrument; the selection change starts afresh. */
	td_harness_draw(&h, &td_pane_fpchart, st, 100, 10, text);
	td_pane_fpchart.command(st, &h.view, TD_CMD_OLDER);
	uint32_t keep = h.view.selected;
	h.view.selected = opt;
	td_harness_draw(&h, &td_pane_fpchart, st, 100, 10, text);
	assert_non_null(strstr(text[0], "no footprint"));
	for (int r = 1; r < 10; r++)
		assert_string_equal(text[r], "");
	td_pane_fpchart.title(st, &h.view, title, sizeof(title));
	assert_null(strstr(title, "bars"));
	assert_int_equal(td_pane_fpchart.command(st, &h.view, TD_CMD_OLDER), TD_REACT_DONE);
	assert_int_equal(td_pane_fpchart.command(st, &h.view, TD_CMD_UP), TD_REACT_DONE);
	h.view.selected = keep;
	td_harness_draw(&h, &td_pane_fpchart, st, 100, 10, text);
	td_pane_fpchart.title(st, &h.view, title, sizeof(title));
	assert_null(strstr(title, "back"));
	td_pane_fpchart.destroy(st);
}

/* Add one trade to studies a test owns. */
static void trade(td_analysis *a, td_ns t, td_ticks px, int64_t size, td_side aggr)
{
	td_event ev = { .type = TD_EV_TRADE, .instr = h.view.selected, .exch_ns = t };
	ev.u.trade.px = px;
	ev.u.trade.size = size;
	ev.u.trade.aggressor = (uint8_t)aggr;
	td_analysis_add(a, &ev);
}

/* Bars that traded at one price only, with volumes far wider than a cell:
 * trillions go compact, quintillions as an exponent; nothing is cut. */
static void test_single_price_and_huge_volume(void **state)
{
	(void)state;
	char err[256];
	const td_quote_state *q = td_market_get(h.view.market, h.view.selected);
	td_analysis *a = td_analysis_new(h.view.cfg, h.view.session, td_market_registry(h.view.market),
					 &h.view.selected, 1, err, sizeof(err));
	assert_non_null(a);
	td_ns t = q->updated;
	trade(a, t - 10 * TD_NS_PER_MIN, q->last, 1000000000000LL, TD_SIDE_SELL);
	trade(a, t - 10 * TD_NS_PER_MIN, q->last, 4000000000000LL, TD_SIDE_BUY);
	trade(a, t, q->last, 1000000000000000000LL, TD_SIDE_SELL);
	trade(a, t, q->last, 2000000000000000000LL, TD_SIDE_BUY);
	td_analysis_flush(a);
	td_analysis *keep = h.view.analysis;
	h.view.analysis = a;

	void *st = td_pane_fpchart.create();
	char text[10][TD_HARNESS_COLS], times[MAXB][6], got[SLOT + 1], title[160];
	int slot[MAXB];
	td_harness_draw(&h, &td_pane_fpchart, st, 100, 10, text);
	int n = header(text[0], slot, times);
	assert_int_equal(n, 2);
	assert_int_equal(minutes_of(times[1]) - minutes_of(times[0]), 10);
	/* Rows 1..8; the last price in the middle (row 1 + 8/2). */
	for (int r = 1; r <= 8; r++) {
		slot_text(text[r], slot[0], got);
		assert_string_equal(got, r == 5 ? "[1.00Tx4.00T]" : "             ");
		slot_text(text[r], slot[1], got);
		assert_string_equal(got, r == 5 ? "[1e+18x2e+18]" : "             ");
	}
	assert_int_equal(row_price(text[5]), q->last);
	char d[16], v[16];
	slot_text(text[9], slot[0], got);
	assert_int_equal(sscanf(got, "%15s %15s", d, v), 2);
	assert_string_equal(d, "+3.00T");
	assert_string_equal(v, "5.00T");
	slot_text(text[9], slot[1], got);
	assert_int_equal(sscanf(got, "%15s %15s", d, v), 2);
	assert_string_equal(d, "+1e+18");
	assert_string_equal(v, "3e+18");
	td_pane_fpchart.title(st, &h.view, title, sizeof(title));
	assert_non_null(strstr(title, "2 bars"));
	td_pane_fpchart.destroy(st);
	h.view.analysis = keep;
	td_analysis_free(a);
}

/* Stepped back, the shown bars stay put when a new bar opens; at the live end they move on. */
static void test_window_holds_while_back(void **state)
{
	(void)state;
	char err[256];
	const td_quote_state *q = td_market_get(h.view.market, h.view.selected);
	td_analysis *a = td_analysis_new(h.view.cfg, h.view.session, td_market_registry(h.view.market),
					 &h.view.selected, 1, err, sizeof(err));
	assert_non_null(a);
	td_ns t = q->updated - 30 * TD_NS_PER_MIN;
	for (int k = 0; k < 4; k++)
		trade(a, t + k * 5 * TD_NS_PER_MIN, q->last + k, 100, TD_SIDE_BUY);
	td_analysis_flush(a);
	td_analysis *keep = h.view.analysis;
	h.view.analysis = a;

	void *st = td_pane_fpchart.create();
	char text[10][TD_HARNESS_COLS], t0[MAXB][6], t1[MAXB][6], title[160];
	int slot[MAXB];
	td_harness_draw(&h, &td_pane_fpchart, st, 100, 10, text);
	assert_int_equal(header(text[0], slot, t0), 4);
	td_pane_fpchart.command(st, &h.view, TD_CMD_OLDER);
	td_harness_draw(&h, &td_pane_fpchart, st, 100, 10, text);
	assert_int_equal(header(text[0], slot, t0), 3);

	/* A trade in the live bar, then one opening a new bar 10 minutes on. */
	trade(a, t + 15 * TD_NS_PER_MIN + 1, q->last, 100, TD_SIDE_SELL);
	td_analysis_flush(a);
	td_harness_draw(&h, &td_pane_fpchart, st, 100, 10, text);
	assert_int_equal(header(text[0], slot, t1), 3);
	trade(a, t + 25 * TD_NS_PER_MIN, q->last, 100, TD_SIDE_SELL);
	td_analysis_flush(a);
	td_harness_draw(&h, &td_pane_fpchart, st, 100, 10, text);
	assert_int_equal(header(text[0], slot, t1), 3);
	for (int i = 0; i < 3; i++)
		assert_string_equal(t1[i], t0[i]);
	td_pane_fpchart.title(st, &h.view, title, sizeof(title));
	assert_non_null(strstr(title, "back 2"));

	/* Back at the live end the new bar shows on the right. */
	td_pane_fpchart.command(st, &h.view, TD_CMD_NEWER);
	td_pane_fpchart.command(st, &h.view, TD_CMD_NEWER);
	td_harness_draw(&h, &td_pane_fpchart, st, 100, 10, text);
	assert_int_equal(header(text[0], slot, t1), 5);
	assert_int_equal(minutes_of(t1[4]) - minutes_of(t1[3]), 10);
	td_pane_fpchart.destroy(st);
	h.view.analysis = keep;
	td_analysis_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header_times),
		cmocka_unit_test(test_cells_match_studies),
		cmocka_unit_test(test_poc_marker),
		cmocka_unit_test(test_older_newer),
		cmocka_unit_test(test_widths),
		cmocka_unit_test(test_scroll_and_centre),
		cmocka_unit_test(test_no_data),
		cmocka_unit_test(test_single_price_and_huge_volume),
		cmocka_unit_test(test_window_holds_while_back),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
