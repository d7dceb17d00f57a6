/* Layouts: tiling without gaps or overlaps, degradation order, spec errors. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "layout.h"

static const td_layout_pane panes[] = {
	{ "watchlist", 34, 4, 1 },
	{ "tape", 26, 5, 3 },
	{ "book", 32, 8, 4 },
	{ "ladder", 34, 8, 2 },
	{ "fpchart", 30, 8, 5 },
	{ "tpo", 24, 8, 6 },
	{ "chart", 30, 10, 4 },
	{ "premarket", 40, 8, 7 },
	{ "chain", 40, 8, 2 },
	{ "exposure", 30, 6, 3 },
	{ "scan", 60, 5, 3 },
	{ "orders", 40, 4, 3 },
	{ "positions", 40, 4, 3 },
	{ "deals", 40, 4, 4 },
	{ "fills", 40, 4, 4 },
	{ "alerts", 40, 4, 3 },
	{ "risk", 40, 6, 2 },
};
#define NP 17

/* Every cell of the area is covered by exactly one placement. */
static void assert_tiles(const td_placement *pl, int n, td_rect area)
{
	static unsigned char cover[100][300];
	memset(cover, 0, sizeof(cover));
	for (int i = 0; i < n; i++) {
		const td_rect *r = &pl[i].r;
		assert_true(r->y >= area.y && r->x >= area.x && r->y + r->h <= area.y + area.h && r->x + r->w <= area.x + area.w);
		for (int y = r->y; y < r->y + r->h; y++)
			for (int x = r->x; x < r->x + r->w; x++)
				cover[y][x]++;
	}
	for (int y = area.y; y < area.y + area.h; y++)
		for (int x = area.x; x < area.x + area.w; x++)
			assert_int_equal(cover[y][x], 1);
}

static void test_every_named_layout_tiles_a_large_screen(void **state)
{
	(void)state;
	td_rect area = { 0, 0, 59, 200 };
	for (size_t i = 0; i < td_layout_count(); i++) {
		td_placement pl[TD_LAYOUT_MAX];
		int hidden = -1;
		char err[200];
		int n = td_layout_compute(td_layout_at(i)->spec, area, panes, NP, pl, &hidden, err, sizeof(err));
		assert_true(n > 0);
		assert_int_equal(hidden, 0);
		assert_tiles(pl, n, area);
		for (int k = 0; k < n; k++) {
			assert_true(pl[k].r.w >= panes[pl[k].pane].min_w);
			assert_true(pl[k].r.h >= panes[pl[k].pane].min_h);
		}
	}
}

/* default = v(watchlist=6,h(ladder:5,tape:4,book:3)).  At 80x23 the watchlist
 * gets its 6 rows, the rest 17.  Across 80 columns the ladder would get
 * 80*5/12 = 33 < 34, so the least important, the book, goes; then the
 * ladder gets 80*5/9 = 44 and the tape the other 36. */
static void test_default_at_80x24(void **state)
{
	(void)state;
	td_placement pl[TD_LAYOUT_MAX];
	int hidden;
	char err[200];
	td_rect area = { 0, 0, 23, 80 };
	int n = td_layout_compute(td_layout_find("default")->spec, area, panes, NP, pl, &hidden, err, sizeof(err));
	assert_int_equal(n, 3);
	assert_int_equal(hidden, 1);
	assert_int_equal(pl[0].pane, 0);
	assert_int_equal(pl[0].r.h, 6);
	assert_int_equal(pl[1].pane, 3);
	assert_int_equal(pl[1].r.h, 17);
	assert_int_equal(pl[1].r.w, 44);
	assert_int_equal(pl[2].pane, 1);
	assert_int_equal(pl[2].r.w, 36);
	assert_tiles(pl, n, area);
}

/* At 60 columns the ladder (60*5/9 = 33 < 34) cannot sit beside the tape
 * either: the tape goes too and the ladder takes the whole width. */
static void test_narrow_drops_least_important(void **state)
{
	(void)state;
	td_placement pl[TD_LAYOUT_MAX];
	int hidden;
	char err[200];
	td_rect area = { 0, 0, 23, 60 };
	int n = td_layout_compute(td_layout_find("default")->spec, area, panes, NP, pl, &hidden, err, sizeof(err));
	assert_int_equal(n, 2);
	assert_int_equal(hidden, 2);
	assert_int_equal(pl[1].pane, 3);
	assert_int_equal(pl[1].r.w, 60);
	assert_tiles(pl, n, area);
}

/* Fixed sizes are taken first; with every sibling fixed the last takes the
 * slack; a fixed size larger than the room is cut to it. */
static void test_fixed_sizes(void **state)
{
	(void)state;
	td_placement pl[TD_LAYOUT_MAX];
	int hidden;
	char err[200];
	int n = td_layout_compute("v(watchlist=5,tape:1,book=10)", (td_rect){ 0, 0, 40, 100 }, panes, NP, pl, &hidden,
				  err, sizeof(err));
	assert_int_equal(n, 3);
	assert_int_equal(pl[0].r.h, 5);
	assert_int_equal(pl[1].r.h, 25);
	assert_int_equal(pl[2].r.h, 10);
	n = td_layout_compute("h(watchlist=40,tape=30)", (td_rect){ 0, 0, 20, 100 }, panes, NP, pl, &hidden, err,
			      sizeof(err));
	assert_int_equal(n, 2);
	assert_int_equal(pl[0].r.w, 40);
	assert_int_equal(pl[1].r.w, 60);
	n = td_layout_compute("v(watchlist=50,tape)", (td_rect){ 0, 0, 30, 100 }, panes, NP, pl, &hidden, err,
			      sizeof(err));
	assert_int_equal(n, 1);
	assert_int_equal(hidden, 1);
	assert_int_equal(pl[0].r.h, 30);
}

/* risk = v(watchlist=5,h(risk:3,v(positions:1,orders:1):2)).  At 160x39
 * the risk pane gets 160*3/5 = 96 columns and the 34 rows under the
 * watchlist; positions and orders share the other 64 columns, 17 rows
 * each.  At 80x23 the right column would get 80 - 48 = 32 < 40: it holds
 * the less important panes (priority 3 against the risk pane's 2), so it
 * goes and the risk pane takes the whole width. */
static void test_risk_layout(void **state)
{
	(void)state;
	td_placement pl[TD_LAYOUT_MAX];
	int hidden;
	char err[200];
	td_rect area = { 0, 0, 39, 160 };
	int n = td_layout_compute(td_layout_find("risk")->spec, area, panes, NP, pl, &hidden, err, sizeof(err));
	assert_int_equal(n, 4);
	assert_int_equal(hidden, 0);
	assert_string_equal(panes[pl[1].pane].name, "risk");
	assert_int_equal(pl[1].r.w, 96);
	assert_int_equal(pl[1].r.h, 34);
	assert_string_equal(panes[pl[2].pane].name, "positions");
	assert_int_equal(pl[2].r.w, 64);
	assert_int_equal(pl[2].r.h, 17);
	assert_int_equal(pl[3].r.h, 17);
	assert_tiles(pl, n, area);
	area = (td_rect){ 0, 0, 23, 80 };
	n = td_layout_compute(td_layout_find("risk")->spec, area, panes, NP, pl, &hidden, err, sizeof(err));
	assert_int_equal(n, 2);
	assert_int_equal(hidden, 2);
	assert_string_equal(panes[pl[0].pane].name, "watchlist");
	assert_int_equal(pl[0].r.h, 5);
	assert_string_equal(panes[pl[1].pane].name, "risk");
	assert_int_equal(pl[1].r.w, 80);
	assert_int_equal(pl[1].r.h, 18);
	assert_tiles(pl, n, area);
}

static void test_tiny_screen_places_nothing(void **state)
{
	(void)state;
	td_placement pl[TD_LAYOUT_MAX];
	int hidden;
	char err[200];
	int n = td_layout_compute(td_layout_find("default")->spec, (td_rect){ 0, 0, 4, 20 }, panes, NP, pl, &hidden,
				  err, sizeof(err));
	assert_int_equal(n, 0);
	assert_int_equal(hidden, 4);
}

static void test_bad_specs(void **state)
{
	(void)state;
	static const struct {
		const char *spec;
		const char *want;
	} cases[] = {
		{ "h(watchlist", "column 12: expected ',' or ')'" },
		{ "v(foo)", "column 3: unknown pane" },
		{ "h(tape:x)", "column 8: expected a weight" },
		{ "v(tape=,book)", "column 8: expected a size" },
		{ "tape)", "column 5: unexpected text" },
		{ "", "column 1: expected a pane name" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		td_placement pl[TD_LAYOUT_MAX];
		int hidden;
		char err[200] = "";
		assert_int_equal(td_layout_compute(cases[i].spec, (td_rect){ 0, 0, 50, 100 }, panes, NP, pl, &hidden, err,
						   sizeof(err)),
				 -1);
		if (!strstr(err, cases[i].want))
			fail_msg("'%s': got '%s', want '%s'", cases[i].spec, err, cases[i].want);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_named_layout_tiles_a_large_screen),
		cmocka_unit_test(test_default_at_80x24),
		cmocka_unit_test(test_narrow_drops_least_important),
		cmocka_unit_test(test_fixed_sizes),
		cmocka_unit_test(test_risk_layout),
		cmocka_unit_test(test_tiny_screen_places_nothing),
		cmocka_unit_test(test_bad_specs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
