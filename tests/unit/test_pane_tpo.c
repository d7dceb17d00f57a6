/* The TPO pane drawn off-screen over recorded simulated sessions: every
 * letter, marker and title word must agree with the TPO module it reads
 * (td_tpo_marks, td_tpo_day_stats, td_tpo_singles, td_tpo_counts), never
 * with the pane's own earlier output. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "harness.h"

#define H_MAX 96    /* the harness terminal is 100 lines */

static td_harness h;
static char text[H_MAX][TD_HARNESS_COLS];

static int setup_day(void **state)
{
	(void)state;
	return td_harness_open(&h, 1, "us", "09:29", 150);
}

static int setup_one_period(void **state)
{
	(void)state;
	return td_harness_open(&h, 1, "us", "09:29", 20);
}

static int setup_premarket(void **state)
{
	(void)state;
	return td_harness_open(&h, 1, "us", "07:00", 60);
}

/* Thursday 15:00 to Friday 11:00: the last hour of one day and the first ninety minutes of the next. */
static int setup_two_days(void **state)
{
	(void)state;
	return td_harness_open_at(&h, 1, "us", "2026-11-19", "15:00", 1200);
}

static int teardown(void **state)
{
	(void)state;
	td_harness_close(&h);
	return 0;
}

static const td_tpo *tpo(void)
{
	td_studies *s = td_analysis_get(h.view.analysis, h.view.selected);
	assert_non_null(s);
	assert_non_null(s->tpo);
	return s->tpo;
}

static td_ticks row_ticks(void)
{
	return td_analysis_get(h.view.analysis, h.view.selected)->tpo_row;
}

/* Floor division: the row of a price. */
static int64_t row_of(td_ticks px)
{
	td_ticks rt = row_ticks();
	return px / rt - (px % rt < 0);
}

/* The price label the pane should print for a row: its low edge in the instrument's format. */
static void label(int64_t row, char *buf, size_t n)
{
	td_view_price(&h.view, h.view.selected, row * row_ticks(), buf, n);
}

/* The row whose label starts a drawn line, searched over [lo, hi]; INT64_MIN when none matches. */
static int64_t line_row(const char *line, int64_t lo, int64_t hi)
{
	char tok[64];
	if (sscanf(line, "%63s", tok) != 1)
		return INT64_MIN;
	for (int64_t r = lo; r <= hi; r++) {
		char want[64];
		label(r, want, sizeof(want));
		if (strcmp(tok, want) == 0)
			return r;
	}
	return INT64_MIN;
}

/* The letters of a row's period mask, in period order. */
static void letters(uint64_t m, char *out)
{
	int n = 0;
	for (unsigned p = 0; p < TD_TPO_MAX_PERIODS; p++)
		if (m & ((uint64_t)1 << p))
			out[n++] = td_tpo_letter(p);
	out[n] = '\0';
}

/* The character at column x of a trimmed line (blank past its end). */
static char at(const char *line, int x)
{
	return (size_t)x < strlen(line) ? line[x] : ' ';
}

/* The word at column x of a line (up to a blank). */
static void word_at(const char *line, int x, char *out, size_t n)
{
	size_t i = 0;
	while (i + 1 < n && at(line, x + (int)i) != ' ')
		out[i] = line[x + (int)i], i++;
	out[i] = '\0';
}

/* Column where a header word starts; fails the test when absent. */
static int column_of(const char *line, const char *what)
{
	const char *p = strstr(line, what);
	assert_non_null(p);
	return (int)(p - line);
}

/* Is row r inside [lo, hi] given as prices (low edges)? */
static bool within(int64_t r, td_ticks lo, td_ticks hi)
{
	return lo != TD_PX_NONE && r >= row_of(lo) && r <= row_of(hi);
}

/* The day's marks, in a buffer the caller frees. */
static uint64_t *marks_of(size_t day, td_ticks *lo_px, size_t *n)
{
	*n = td_tpo_marks(tpo(), day, lo_px, NULL, 0);
	assert_true(*n > 0);
	uint64_t *m = calloc(*n, sizeof(*m));
	assert_non_null(m);
	assert_int_equal(td_tpo_marks(tpo(), day, lo_px, m, *n), *n);
	return m;
}

/*
 * Check every drawn row of the rightmost profile (header date at column x of
 * text[0]) against the API: consecutive row steps, letters from the marks,
 * > on the last price, : inside the IB, * on the POC, | in the value area,
 * ~ on single prints.  Returns the rows checked.
 */
static int check_focus(size_t day, int x, int rows)
{
	td_ticks lo_px;
	size_t n;
	uint64_t *m = marks_of(day, &lo_px, &n);
	td_tpo_stats s;
	assert_int_equal(td_tpo_day_stats(tpo(), day, &s), 0);
	td_tpo_run runs[64];
	size_t nruns = td_tpo_singles(tpo(), day, runs, 64);
	assert_true(nruns <= 64);
	int64_t lo = row_of(lo_px), hi = lo + (int64_t)n - 1;
	const td_quote_state *q = td_market_get(h.view.market, h.view.selected);
	int64_t cur = row_of(q->last), prev = INT64_MIN;
	int checked = 0;
	for (int y = 1; y < rows; y++) {
		if (text[y][0] == '\0')
			continue;
		int64_t r = line_row(text[y], lo, hi);
		if (r == INT64_MIN)
			continue;  /* a row of another day's span */
		if (prev != INT64_MIN)
			assert_int_equal(prev - r, 1);
		prev = r;
		char want[64], got[64];
		letters(m[r - lo], want);
		word_at(text[y], x + 5, got, sizeof(got));
		assert_string_equal(got, want);
		assert_int_equal(at(text[y], x), r == cur ? '>' : ' ');
		assert_int_equal(at(text[y], x + 1), within(r, s.ib_low, s.ib_high) ? ':' : ' ');
		char va = r == row_of(s.poc) ? '*' : within(r, s.val, s.vah) ? '|' : ' ';
		assert_int_equal(at(text[y], x + 2), va);
		bool single = false;
		for (size_t i = 0; i < nruns; i++)
			single = single || within(r, runs[i].lo, runs[i].hi);
		assert_int_equal(at(text[y], x + 3), single ? '~' : ' ');
		checked++;
	}
	free(m);
	return checked;
}

/* A whole day fits: every row drawn, top to bottom, and every marker where the API puts it. */
static void test_rows_letters_markers(void **state)
{
	(void)state;
	assert_int_equal(td_tpo_days(tpo()), 1);
	td_tpo_stats s;
	assert_int_equal(td_tpo_day_stats(tpo(), 0, &s), 0);
	assert_true(s.nperiods >= 5);
	size_t n = td_tpo_marks(tpo(), 0, &(td_ticks){ 0 }, NULL, 0);
	assert_true(n + 1 < H_MAX);
	void *st = td_pane_tpo.create();
	td_harness_draw(&h, &td_pane_tpo, st, 100, (int)n + 1, text);
	int x = column_of(text[0], "11-20");
	assert_int_equal(check_focus(0, x, (int)n + 1), (int)n);
	/* the first line is the highest row, the last the lowest */
	assert_int_equal(line_row(text[1], row_of(s.high), row_of(s.high)), row_of(s.high));
	assert_int_equal(line_row(text[n], row_of(s.low), row_of(s.low)), row_of(s.low));
	td_pane_tpo.destroy(st);
}

/* The IB periods' letters (A and B with ib_periods 2) are bold, later ones not (no colour here). */
static void test_ib_letters_bold(void **state)
{
	(void)state;
	assert_int_equal(h.view.cfg->ib_periods, 2);
	size_t n = td_tpo_marks(tpo(), 0, &(td_ticks){ 0 }, NULL, 0);
	int rows = (int)n + 1, w = 100;
	void *st = td_pane_tpo.create();
	WINDOW *win = newwin(rows + 2, w + 2, 0, 0);
	td_pane_tpo.draw(st, &h.view, win, rows, w);
	int seen[3] = { 0 };
	for (int y = 2; y <= rows; y++)
		for (int x = 1; x <= w; x++) {
			chtype c = mvwinch(win, y, x);
			char ch = (char)(c & A_CHARTEXT);
			/* letters sit after the five marker columns, which hold no letters */
			if (ch < 'A' || ch > 'E' || x < 8)
				continue;
			bool bold = (c & A_BOLD) != 0;
			if (ch == 'A' || ch == 'B')
				assert_true(bold), seen[ch - 'A']++;
			else
				assert_false(bold), seen[2]++;
		}
	assert_true(seen[0] > 0 && seen[1] > 0 && seen[2] > 0);
	delwin(win);
	td_pane_tpo.destroy(st);
}

/* The title names the date, the opening and day types, the IB range and the value area. */
static void test_title(void **state)
{
	(void)state;
	td_tpo_stats s;
	assert_int_equal(td_tpo_day_stats(tpo(), 0, &s), 0);
	void *st = td_pane_tpo.create();
	char title[128], want[128], lo[48], hi[48];
	td_pane_tpo.title(st, &h.view, title, sizeof(title));
	snprintf(want, sizeof(want), "TPO: %s 2026-11-20 ", td_view_symbol(&h.view, h.view.selected));
	assert_non_null(strstr(title, want));
	assert_true(s.open_type != TD_OPEN_PENDING && s.day_type != TD_DAY_PENDING);
	assert_non_null(strstr(title, td_tpo_open_name(s.open_type)));
	assert_non_null(strstr(title, td_tpo_daytype_name(s.day_type)));
	td_view_price(&h.view, h.view.selected, s.ib_low, lo, sizeof(lo));
	td_view_price(&h.view, h.view.selected, s.ib_high, hi, sizeof(hi));
	snprintf(want, sizeof(want), "IB %s-%s", lo, hi);
	assert_non_null(strstr(title, want));
	td_view_price(&h.view, h.view.selected, s.val, lo, sizeof(lo));
	td_view_price(&h.view, h.view.selected, s.vah, hi, sizeof(hi));
	snprintf(want, sizeof(want), "VA %s-%s", lo, hi);
	assert_non_null(strstr(title, want));
	td_pane_tpo.destroy(st);
}

/* m draws the merged counts as '#' bars and the count; m again brings the letters back. */
static void test_merge_toggle(void **state)
{
	(void)state;
	td_ticks lo_px;
	size_t n = td_tpo_counts(tpo(), 0, 1, &lo_px, NULL, 0);
	int64_t counts[H_MAX];
	assert_true(n + 1 < H_MAX);
	td_tpo_counts(tpo(), 0, 1, &lo_px, counts, n);
	int64_t lo = row_of(lo_px), hi = lo + (int64_t)n - 1;
	void *st = td_pane_tpo.create();
	char title[128];
	assert_int_equal(td_pane_tpo.command(st, &h.view, TD_CMD_MERGE_DAYS), TD_REACT_DONE);
	td_pane_tpo.title(st, &h.view, title, sizeof(title));
	assert_non_null(strstr(title, "merged"));
	td_harness_draw(&h, &td_pane_tpo, st, 100, (int)n + 1, text);
	int x = column_of(text[0], "11-20 merged");
	for (int y = 1; y <= (int)n; y++) {
		int64_t r = line_row(text[y], lo, hi);
		assert_true(r != INT64_MIN);
		int64_t c = counts[r - lo];
		char bar[64], num[32];
		word_at(text[y], x + 3, bar, sizeof(bar));
		assert_int_equal((int64_t)strlen(bar), c);  /* five counts at most: no scaling at 100 wide */
		for (int64_t i = 0; i < c; i++)
			assert_int_equal(bar[i], '#');
		snprintf(num, sizeof(num), "%lld", (long long)c);
		assert_string_equal(text[y] + x + 3 + c + 1, num);
		assert_null(strpbrk(text[y] + x, "ABCDE"));
	}
	assert_int_equal(td_pane_tpo.command(st, &h.view, TD_CMD_MERGE_DAYS), TD_REACT_DONE);
	td_harness_draw(&h, &td_pane_tpo, st, 100, (int)n + 1, text);
	assert_null(strstr(text[0], "merged"));
	assert_null(strchr(text[1], '#'));
	assert_int_equal(check_focus(0, column_of(text[0], "11-20"), (int)n + 1), (int)n);
	td_pane_tpo.destroy(st);
}

/* Where the pane should start drawing when centred on row c with `vis` rows, kept inside [lo, hi]. */
static int64_t centred_top(int64_t c, int vis, int64_t lo, int64_t hi)
{
	int64_t top = c + vis / 2;
	top = top > hi ? hi : top;
	return top < lo + vis - 1 ? lo + vis - 1 : top;
}

/* Taller than the pane: centred on the last price; UP/DOWN, HOME/END scroll; c centres again. */
static void test_small_pane_scrolls(void **state)
{
	(void)state;
	td_ticks lo_px;
	size_t n = td_tpo_marks(tpo(), 0, &lo_px, NULL, 0);
	const int vis = 7;   /* 8 rows inside: the dates and 7 profile rows */
	assert_true((int)n > vis);
	int64_t lo = row_of(lo_px), hi = lo + (int64_t)n - 1;
	int64_t cur = row_of(td_market_get(h.view.market, h.view.selected)->last);
	assert_true(cur >= lo && cur <= hi);
	void *st = td_pane_tpo.create();
	int64_t top = centred_top(cur, vis, lo, hi);
	td_harness_draw(&h, &td_pane_tpo, st, 24, vis + 1, text);
	assert_int_equal(line_row(text[1], lo, hi), top);
	assert_int_equal(at(text[1 + top - cur], column_of(text[0], "11-20")), '>');
	check_focus(0, column_of(text[0], "11-20"), vis + 1);

	assert_int_equal(td_pane_tpo.command(st, &h.view, TD_CMD_UP), TD_REACT_DONE);
	td_harness_draw(&h, &td_pane_tpo, st, 24, vis + 1, text);
	assert_int_equal(line_row(text[1], lo, hi), top + 1 > hi ? hi : top + 1);

	assert_int_equal(td_pane_tpo.command(st, &h.view, TD_CMD_HOME), TD_REACT_DONE);
	td_harness_draw(&h, &td_pane_tpo, st, 24, vis + 1, text);
	assert_int_equal(line_row(text[1], lo, hi), hi);

	assert_int_equal(td_pane_tpo.command(st, &h.view, TD_CMD_END), TD_REACT_DONE);
	td_harness_draw(&h, &td_pane_tpo, st, 24, vis + 1, text);
	assert_int_equal(line_row(text[vis], lo, hi), lo);
	assert_int_equal(line_row(text[1], lo, hi), lo + vis - 1);

	assert_int_equal(td_pane_tpo.command(st, &h.view, TD_CMD_DOWN), TD_REACT_DONE);
	td_harness_draw(&h, &td_pane_tpo, st, 24, vis + 1, text);
	assert_int_equal(line_row(text[vis], lo, hi), lo);  /* already at the bottom */

	assert_int_equal(td_pane_tpo.command(st, &h.view, TD_CMD_CENTRE), TD_REACT_DONE);
	td_harness_draw(&h, &td_pane_tpo, st, 24, vis + 1, text);
	assert_int_equal(line_row(text[1], lo, hi), top);
	assert_int_equal(td_pane_tpo.command(st, &h.view, TD_CMD_TAPE_ALL), TD_REACT_PASS);
	td_pane_tpo.destroy(st);
}

/* Narrower than the letters: each row keeps what fits and ends in '+' when periods are cut. */
static void test_too_narrow_for_letters(void **state)
{
	(void)state;
	td_ticks lo_px;
	size_t n;
	uint64_t *m = marks_of(0, &lo_px, &n);
	int64_t lo = row_of(lo_px), hi = lo + (int64_t)n - 1;
	void *st = td_pane_tpo.create();
	char lab[48];
	label(hi, lab, sizeof(lab));
	int pw = (int)strlen(lab), w = pw + 1 + 5 + 3;   /* room for three letters */
	td_harness_draw(&h, &td_pane_tpo, st, w, (int)n + 1, text);
	int seen_cut = 0;
	for (int y = 1; y <= (int)n; y++) {
		int64_t r = line_row(text[y], lo, hi);
		assert_true(r != INT64_MIN);
		char want[64], got[64];
		letters(m[r - lo], want);
		if (strlen(want) > 3) {
			want[2] = '+', want[3] = '\0';
			seen_cut++;
		}
		word_at(text[y], pw + 1 + 5, got, sizeof(got));
		assert_string_equal(got, want);
		assert_true((int)strlen(text[y]) <= w);
	}
	assert_true(seen_cut > 0);
	free(m);
	td_pane_tpo.destroy(st);
}

/* Without studies the pane says so, and the title is the bare caption with the symbol. */
static void test_no_studies(void **state)
{
	(void)state;
	td_view saved = h.view;
	void *st = td_pane_tpo.create();
	h.view.analysis = NULL;
	td_harness_draw(&h, &td_pane_tpo, st, 60, 10, text);
	assert_non_null(strstr(text[0], "no studies"));
	char title[128], want[64];
	td_pane_tpo.title(st, &h.view, title, sizeof(title));
	snprintf(want, sizeof(want), "TPO: %s", td_view_symbol(&h.view, h.view.selected));
	assert_string_equal(title, want);
	h.view = saved;
	td_harness_draw(&h, &td_pane_tpo, st, 60, 10, text);
	assert_null(strstr(text[0], "no studies"));
	td_pane_tpo.destroy(st);
}

/* Only pre-market trades: no regular-session day yet, so a note instead of a profile. */
static void test_no_tpo_yet(void **state)
{
	(void)state;
	td_studies *s = td_analysis_get(h.view.analysis, h.view.selected);
	assert_non_null(s);
	assert_true(!s->tpo || td_tpo_days(s->tpo) == 0);
	void *st = td_pane_tpo.create();
	td_harness_draw(&h, &td_pane_tpo, st, 60, 10, text);
	assert_non_null(strstr(text[0], "no TPO yet"));
	for (int y = 1; y < 10; y++)
		assert_string_equal(text[y], "");
	assert_int_equal(td_pane_tpo.command(st, &h.view, TD_CMD_OLDER), TD_REACT_DONE);
	assert_int_equal(td_pane_tpo.command(st, &h.view, TD_CMD_MERGE_DAYS), TD_REACT_DONE);
	td_harness_draw(&h, &td_pane_tpo, st, 60, 10, text);
	assert_non_null(strstr(text[0], "no TPO yet"));
	td_pane_tpo.destroy(st);
}

/* Period A only: letters A, the IB marked on every row, both types pending, no singles. */
static void test_one_period(void **state)
{
	(void)state;
	td_tpo_stats s;
	assert_int_equal(td_tpo_day_stats(tpo(), 0, &s), 0);
	assert_int_equal(s.nperiods, 1);
	assert_int_equal(s.open_type, TD_OPEN_PENDING);
	assert_int_equal(s.day_type, TD_DAY_PENDING);
	size_t n = td_tpo_marks(tpo(), 0, &(td_ticks){ 0 }, NULL, 0);
	int rows = (int)n + 1 < H_MAX ? (int)n + 1 : H_MAX;
	void *st = td_pane_tpo.create();
	td_harness_draw(&h, &td_pane_tpo, st, 60, rows, text);
	int x = column_of(text[0], "11-20");
	assert_int_equal(check_focus(0, x, rows), rows - 1);
	for (int y = 1; y < rows; y++) {
		char got[8];
		word_at(text[y], x + 5, got, sizeof(got));
		assert_string_equal(got, "A");
		assert_int_equal(at(text[y], x + 1), ':');
	}
	char title[128];
	td_pane_tpo.title(st, &h.view, title, sizeof(title));
	assert_non_null(strstr(title, "open pending"));
	assert_non_null(strstr(title, "day pending"));
	td_pane_tpo.destroy(st);
}

/* Two days: the prior day's letters left of today's under its date; [ and ] step the rightmost day. */
static void test_two_days(void **state)
{
	(void)state;
	assert_int_equal(td_tpo_days(tpo()), 2);
	td_tpo_stats d0, d1;
	assert_int_equal(td_tpo_day_stats(tpo(), 0, &d0), 0);
	assert_int_equal(td_tpo_day_stats(tpo(), 1, &d1), 0);
	int64_t lo = row_of(d0.low < d1.low ? d0.low : d1.low), hi = row_of(d0.high > d1.high ? d0.high : d1.high);
	td_ticks lo0;
	size_t n0;
	uint64_t *m0 = marks_of(0, &lo0, &n0);
	int64_t r0 = row_of(lo0);
	void *st = td_pane_tpo.create();
	const int rows = H_MAX - 2;
	td_harness_draw(&h, &td_pane_tpo, st, 120, rows, text);
	int xp = column_of(text[0], "11-19"), xt = column_of(text[0], "11-20");
	assert_true(xp < xt);
	assert_true(check_focus(1, xt, rows) > 0);
	int prior_rows = 0;
	for (int y = 1; y < rows; y++) {
		int64_t r = line_row(text[y], lo, hi);
		if (r == INT64_MIN)
			continue;
		char want[64] = "", got[64];
		if (r >= r0 && r < r0 + (int64_t)n0)
			letters(m0[r - r0], want);
		word_at(text[y], xp + 1, got, sizeof(got));
		assert_string_equal(got, want);
		char va = r == row_of(d0.poc) ? '*' : within(r, d0.val, d0.vah) ? '|' : ' ';
		assert_int_equal(at(text[y], xp), va);
		prior_rows += want[0] != '\0';
	}
	assert_true(prior_rows > 0);
	free(m0);

	char title[128];
	td_pane_tpo.title(st, &h.view, title, sizeof(title));
	assert_non_null(strstr(title, " 2026-11-20 "));
	assert_int_equal(td_pane_tpo.command(st, &h.view, TD_CMD_OLDER), TD_REACT_DONE);
	assert_int_equal(td_pane_tpo.command(st, &h.view, TD_CMD_OLDER), TD_REACT_DONE);  /* no older day: stays */
	td_pane_tpo.title(st, &h.view, title, sizeof(title));
	assert_non_null(strstr(title, " 2026-11-19 "));
	assert_non_null(strstr(title, td_tpo_daytype_name(d0.day_type)));
	td_harness_draw(&h, &td_pane_tpo, st, 120, rows, text);
	assert_null(strstr(text[0], "11-20"));
	assert_true(check_focus(0, column_of(text[0], "11-19"), rows) > 0);
	assert_int_equal(td_pane_tpo.command(st, &h.view, TD_CMD_NEWER), TD_REACT_DONE);
	td_pane_tpo.title(st, &h.view, title, sizeof(title));
	assert_non_null(strstr(title, " 2026-11-20 "));
	td_pane_tpo.destroy(st);
}

/* m over two days: the counts are both days' TPOs added row by row. */
static void test_two_days_merged(void **state)
{
	(void)state;
	td_ticks lo_px;
	size_t n = td_tpo_counts(tpo(), 0, 2, &lo_px, NULL, 0);
	int64_t *counts = calloc(n, sizeof(*counts));
	assert_non_null(counts);
	td_tpo_counts(tpo(), 0, 2, &lo_px, counts, n);
	int64_t lo = row_of(lo_px), hi = lo + (int64_t)n - 1;
	void *st = td_pane_tpo.create();
	td_pane_tpo.command(st, &h.view, TD_CMD_MERGE_DAYS);
	const int rows = H_MAX - 2;
	td_harness_draw(&h, &td_pane_tpo, st, 120, rows, text);
	assert_non_null(strstr(text[0], "11-19..11-20 merged"));
	int x = column_of(text[0], "11-19");
	int checked = 0;
	for (int y = 1; y < rows; y++) {
		int64_t r = line_row(text[y], lo, hi);
		if (r == INT64_MIN)
			continue;
		char bar[64], num[32];
		word_at(text[y], x + 3, bar, sizeof(bar));
		int64_t c = counts[r - lo];
		if (c == 0) {
			assert_string_equal(bar, "");
			continue;
		}
		assert_int_equal((int64_t)strlen(bar), c);
		snprintf(num, sizeof(num), "%lld", (long long)c);
		assert_string_equal(text[y] + x + 3 + c + 1, num);
		checked++;
	}
	assert_true(checked > 0);
	char title[128];
	td_pane_tpo.title(st, &h.view, title, sizeof(title));
	assert_non_null(strstr(title, "2026-11-19..2026-11-20 merged"));
	free(counts);
	td_pane_tpo.destroy(st);
}

int main(void)
{
	const struct CMUnitTest day[] = {
		cmocka_unit_test(test_rows_letters_markers),
		cmocka_unit_test(test_ib_letters_bold),
		cmocka_unit_test(test_title),
		cmocka_unit_test(test_merge_toggle),
		cmocka_unit_test(test_small_pane_scrolls),
		cmocka_unit_test(test_too_narrow_for_letters),
		cmocka_unit_test(test_no_studies),
	};
	const struct CMUnitTest premarket[] = { cmocka_unit_test(test_no_tpo_yet) };
	const struct CMUnitTest one_period[] = { cmocka_unit_test(test_one_period) };
	const struct CMUnitTest two_days[] = {
		cmocka_unit_test(test_two_days),
		cmocka_unit_test(test_two_days_merged),
	};
	int fails = cmocka_run_group_tests_name("one day", day, setup_day, teardown);
	fails += cmocka_run_group_tests_name("pre-market only", premarket, setup_premarket, teardown);
	fails += cmocka_run_group_tests_name("one period", one_period, setup_one_period, teardown);
	fails += cmocka_run_group_tests_name("two days", two_days, setup_two_days, teardown);
	return fails;
}
