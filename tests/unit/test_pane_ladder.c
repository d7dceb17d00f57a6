/* The footprint ladder drawn off-screen over a recorded simulated morning:
 * what it shows must agree with the studies and the book it reads. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "harness.h"

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

/* The price in a ladder row (columns at 100 wide: mark 0-1, bid size 3-9,
 * sold 11-17, price 19-28), in ticks of 0.01; -1 when there is none. */
static long row_price(const char *row)
{
	if (strlen(row) < 29)
		return -1;
	char px[11];
	memcpy(px, row + 19, 10);
	px[10] = '\0';
	double d;
	return sscanf(px, "%lf", &d) == 1 ? (long)(d * 100 + 0.5) : -1;
}

/* How a volume below a million reads in a 7-wide column: right-aligned, with
 * a thousands separator; blank for zero. */
static void grouped7(int64_t v, char *out, size_t n)
{
	if (v == 0)
		snprintf(out, n, "%7s", "");
	else if (v < 1000)
		snprintf(out, n, "%7lld", (long long)v);
	else
		snprintf(out, n, "%3lld,%03lld", (long long)(v / 1000), (long long)(v % 1000));
}

/* The 7 characters of a row from column x. */
static void column7(const char *row, int x, char *out)
{
	size_t len = strlen(row);
	for (int i = 0; i < 7; i++)
		out[i] = (size_t)(x + i) < len ? row[x + i] : ' ';
	out[7] = '\0';
}

/* Rows are consecutive ticks; the ">" row is the last price; sold and bought
 * at that row equal the session ladder's cell there. */
static void test_rows_agree_with_studies(void **state)
{
	(void)state;
	void *st = td_pane_ladder.create();
	char text[40][TD_HARNESS_COLS];
	td_harness_draw(&h, &td_pane_ladder, st, 100, 40, text);
	assert_non_null(strstr(text[0], "Sold"));
	const td_quote_state *q = td_market_get(h.view.market, h.view.selected);
	int marked = -1;
	/* row 0 is the header and row 39 the order-flow line */
	assert_non_null(strstr(text[39], "book imb"));
	for (int r = 1; r < 39; r++) {
		long px = row_price(text[r]);
		assert_true(px > 0);
		if (r > 1)
			assert_int_equal(row_price(text[r - 1]) - px, 1);
		if (text[r][0] == '>')
			marked = r;
	}
	assert_true(marked > 0);
	assert_int_equal(row_price(text[marked]), q->last);
	td_fp_cell cell;
	td_studies *s = td_analysis_get(h.view.analysis, h.view.selected);
	assert_true(td_footprint_cell(s->fp, TD_FP_SESSION, q->last, &cell));
	assert_true(cell.bid < 1000000 && cell.ask < 1000000);
	char got[8], want[32];
	column7(text[marked], 11, got);
	grouped7(cell.bid, want, sizeof(want));
	assert_string_equal(got, want);
	column7(text[marked], 30, got);
	grouped7(cell.ask, want, sizeof(want));
	assert_string_equal(got, want);
	td_pane_ladder.destroy(st);
}

/* Moving the cursor stops following; centring follows again. */
static void test_cursor_and_centre(void **state)
{
	(void)state;
	void *st = td_pane_ladder.create();
	char text[20][TD_HARNESS_COLS], title[160];
	td_harness_draw(&h, &td_pane_ladder, st, 100, 20, text);
	const td_quote_state *q = td_market_get(h.view.market, h.view.selected);
	assert_int_equal(td_pane_ladder.command(st, &h.view, TD_CMD_UP), TD_REACT_DONE);
	assert_int_equal(td_pane_ladder.command(st, &h.view, TD_CMD_UP), TD_REACT_DONE);
	assert_int_equal(h.view.ladder_px, q->last + 2);
	td_pane_ladder.title(st, &h.view, title, sizeof(title));
	assert_non_null(strstr(title, "cursor"));
	assert_int_equal(td_pane_ladder.command(st, &h.view, TD_CMD_CENTRE), TD_REACT_DONE);
	assert_int_equal(h.view.ladder_px, TD_PX_NONE);
	td_pane_ladder.title(st, &h.view, title, sizeof(title));
	assert_null(strstr(title, "cursor"));
	assert_int_equal(td_pane_ladder.command(st, &h.view, TD_CMD_TAPE_ALL), TD_REACT_PASS);
	td_pane_ladder.destroy(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows_agree_with_studies),
		cmocka_unit_test(test_cursor_and_centre),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
