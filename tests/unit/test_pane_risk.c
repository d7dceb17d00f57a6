/*
 * The risk pane drawn against a real order manager with the paper broker
 * (no fees), on a market set by hand: XYZ last 100.00, asks 100.01, bids
 * 99.99, the regular session.  What a trader reads: the account line, each
 * limit's state and standing; after a losing round trip the daily loss
 * with its percentage, at its reduce-only stage, as the ticket's own check
 * says; after the kill switch, HALT.  Narrow and short panes keep the name
 * and state of the limits that stand.  Curses comes from the pane harness
 * (its recorded session is not used: the pane reads the order manager only).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "harness.h"
#include "oms/paper.h"

#define ROWS 24

static td_harness h;
static char dir[64], path[128];
static td_registry *reg;
static td_market *m;
static uint32_t xyz;
static td_oms *oms;

static void apply(const td_event *ev)
{
	td_market_apply(m, ev);
	if (oms)
		td_oms_on_market(oms, ev);
}

static void level(td_ns t, td_ticks px, int64_t size, td_side side)
{
	td_event ev = { .type = TD_EV_LEVEL, .instr = xyz, .exch_ns = t, .u.level = { .px = px, .size = size, .side = side } };
	apply(&ev);
}

/* A daily loss limit of 80.00, the other limits at their defaults; 100,000 of capital and cash. */
static int setup(void **state)
{
	(void)state;
	if (td_harness_open(&h, 1, "us", "09:30", 1) < 0)
		return -1;
	snprintf(dir, sizeof dir, "/tmp/td_pane_risk_XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof path, "%s/orders.journal", dir);
	reg = td_registry_new(4);
	td_instrument u = { .kind = TD_INS_EQUITY, .symbol = "XYZ", .px = { 1, 2 }, .multiplier = 1,
			    .underlying = TD_NO_ID };
	xyz = td_registry_add(reg, &u);
	m = td_market_new(reg);
	td_event ph = { .type = TD_EV_STATUS, .exch_ns = 1000, .u.status = { .kind = TD_ST_PHASE, .phase = TD_PHASE_REGULAR } };
	apply(&ph);
	td_event tr = { .type = TD_EV_TRADE, .instr = xyz, .exch_ns = 2000, .u.trade = { .px = 10000, .size = 5 } };
	apply(&tr);
	level(2100, 10001, 1000, TD_SIDE_SELL);
	level(2200, 9999, 1000, TD_SIDE_BUY);
	td_paper_params pp = { .max_orders = 16, .max_events = 64, .cash = 100000 };
	td_oms_params p = { .reg = reg, .m = m, .capital = 100000, .journal = path, .broker = td_paper_new(m, reg, &pp) };
	td_risk_limits_default(&p.limits);
	p.limits.daily_loss = 80;
	char err[256];
	td_oms_recovery rec;
	oms = td_oms_open(&p, &rec, err, sizeof err);
	if (!oms)
		return -1;
	h.view.oms = oms;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	td_oms_close(oms);
	unlink(path);
	rmdir(dir);
	td_market_free(m);
	td_registry_free(reg);
	td_harness_close(&h);
	return 0;
}

/* The drawn row of a limit: the line that starts with its name; NULL when not drawn. */
static const char *line_of(char text[][TD_HARNESS_COLS], int rows, const char *name)
{
	for (int i = 1; i < rows; i++)
		if (strncmp(text[i], name, strlen(name)) == 0 && text[i][strlen(name)] == ' ')
			return text[i];
	return NULL;
}

/* A row as the pane lays it out at 90 columns and more: name, state, a 10-cell bar, the standing. */
static void want_row(char text[][TD_HARNESS_COLS], int rows, const char *name, const char *state_, const char *bar,
		     const char *use)
{
	char want[TD_HARNESS_COLS];
	snprintf(want, sizeof want, "%-18s %-11s %-10s %s", name, state_, bar, use);
	const char *got = line_of(text, rows, name);
	if (!got || strcmp(got, want) != 0)
		fail_msg("%s:\n got '%s'\nwant '%s'", name, got ? got : "(not drawn)", want);
}

static void title(char *buf, size_t n)
{
	td_pane_risk.title(NULL, &h.view, buf, n);
}

static void place(td_side side, int64_t qty, td_order_type type, td_ticks limit)
{
	td_order_req r = { .instr = xyz, .side = side, .qty = qty, .type = type, .tif = TD_TIF_DAY, .limit = limit,
			   .stop = TD_PX_NONE };
	td_ticket t;
	char err[256], id[64];
	assert_int_equal(td_oms_ticket(oms, &r, &t, err, sizeof err), 0);
	td_ticket_key(&t, '\n');
	td_ticket_key(&t, 'y');
	if (td_oms_send(oms, &t, id, sizeof id, err, sizeof err) < 0)
		fail_msg("send: %s", err);
}

static void test_without_orders(void **state)
{
	(void)state;
	char text[ROWS][TD_HARNESS_COLS], t[64];
	h.view.oms = NULL;
	td_harness_draw(&h, &td_pane_risk, NULL, 100, ROWS, text);
	h.view.oms = oms;
	assert_string_equal(text[0], "orders are off (see the log)");
	assert_string_equal(text[1], "");
	td_pane_risk.title(NULL, &(td_view){ 0 }, t, sizeof t);
	assert_string_equal(t, "Risk");
}

/*
 * Fresh: every limit, the standing ones OK; then bought 100 at 100.01
 * (the ask) and a resting buy of 1 at 99.00; then sold 100 at 99.41 after
 * the bid moved there: a round trip of (99.41 - 100.01) x 100 = -60.00, 75 %
 * of the 80.00 limit, the reduce-only stage.  Equity 100,000 - 60 =
 * 99,940.00; cash (the paper buying power) 100,000 - 10,001 + 9,941 the
 * same; the high-water mark stays the 100,000 of the start (equity never
 * rose above it), so the drawdown is 60.00.  Then the kill switch.
 */
static void test_losing_round_trip_then_halt(void **state)
{
	(void)state;
	char text[ROWS][TD_HARNESS_COLS], t[96];
	td_harness_draw(&h, &td_pane_risk, NULL, 100, ROWS, text);
	assert_string_equal(text[0], "equity 100,000.00  day P&L 0.00  high-water 100,000.00  buying power 100,000.00");
	want_row(text, ROWS, "kill switch", "OK", "", "kill switch armed");
	want_row(text, ROWS, "max quantity", "per order", "", "1,000 per order");
	want_row(text, ROWS, "open orders", "OK", "..........", "0 of 20 working");
	want_row(text, ROWS, "daily loss", "OK", "..........", "day P&L 0.00 of -80.00 (0 %)");
	want_row(text, ROWS, "duplicate order", "per order", "", "the same order twice within seconds");
	assert_string_equal(text[17], "");   /* the header and 16 limits */
	title(t, sizeof t);
	assert_string_equal(t, "Risk: OK");

	place(TD_SIDE_BUY, 100, TD_OT_MARKET, TD_PX_NONE);
	place(TD_SIDE_BUY, 1, TD_OT_LIMIT, 9900);
	td_harness_draw(&h, &td_pane_risk, NULL, 100, ROWS, text);
	/* 100 x 100.00 (the last trade) */
	want_row(text, ROWS, "gross exposure", "OK", "..........", "gross 10,000.00 of 1,000,000.00");
	/* 100 of 5,000 is 0.02: no cell yet; 1 of 20 is half a cell, shown */
	want_row(text, ROWS, "max position", "OK", "..........", "largest XYZ 100 of 5,000");
	want_row(text, ROWS, "open orders", "OK", "#.........", "1 of 20 working");

	level(3000, 9999, 0, TD_SIDE_BUY);
	level(3100, 9941, 1000, TD_SIDE_BUY);
	place(TD_SIDE_SELL, 100, TD_OT_MARKET, TD_PX_NONE);
	td_harness_draw(&h, &td_pane_risk, NULL, 100, ROWS, text);
	assert_string_equal(text[0], "equity 99,940.00  day P&L -60.00  high-water 100,000.00  buying power 99,940.00");
	want_row(text, ROWS, "daily loss", "REDUCE-ONLY", "########..", "day P&L -60.00 of -80.00 (75 %)");
	want_row(text, ROWS, "losing streak", "OK", "##........", "1 of 5 losing in a row");
	want_row(text, ROWS, "drawdown", "OK", "..........", "drawdown 60.00 of 3,000.00");
	want_row(text, ROWS, "max position", "OK", "..........", "flat");
	want_row(text, ROWS, "open orders", "OK", "#.........", "1 of 20 working");
	title(t, sizeof t);
	assert_string_equal(t, "Risk: REDUCE-ONLY daily loss");
	/* the ticket of an opening order says the same */
	td_order_req r = { .instr = xyz, .side = TD_SIDE_BUY, .qty = 1, .type = TD_OT_LIMIT, .tif = TD_TIF_DAY,
			   .limit = 9941, .stop = TD_PX_NONE };
	td_ticket tk;
	char err[256];
	assert_int_equal(td_oms_ticket(oms, &r, &tk, err, sizeof err), 0);
	for (size_t i = 0; i < tk.nchecks; i++)
		if (strcmp(tk.checks[i].name, "daily loss") == 0)
			assert_int_equal(tk.checks[i].status, TD_RISK_FAIL);

	assert_int_equal(td_oms_halt(oms, err, sizeof err), 0);
	td_harness_draw(&h, &td_pane_risk, NULL, 100, ROWS, text);
	want_row(text, ROWS, "kill switch", "HALT", "", "kill switch HALTED");
	title(t, sizeof t);
	assert_string_equal(t, "Risk: HALT kill switch (+1 more)");

	/* 40 columns: the name and the state */
	td_harness_draw(&h, &td_pane_risk, NULL, 40, ROWS, text);
	assert_string_equal(text[0], "equity 99,940.00  day -60.00");
	assert_string_equal(line_of(text, ROWS, "daily loss"), "daily loss         REDUCE-ONLY");
	assert_string_equal(line_of(text, ROWS, "kill switch"), "kill switch        HALT");
	/* 140: the settings in a column of their own at the right */
	td_harness_draw(&h, &td_pane_risk, NULL, 140, ROWS, text);
	const char *dl = line_of(text, ROWS, "daily loss");
	assert_non_null(dl);
	assert_string_equal(dl + 100, "80.00 (warn 50 %, reduce only 75 %)");
	assert_non_null(strstr(dl, " day P&L -60.00 of -80.00 (75 %) "));
}

/*
 * Twelve rows: the header and the 11 limits with a standing; the five that
 * apply to one order at a time give way.  Thirteen: the first of them,
 * max quantity, comes back.
 */
static void test_short_pane_keeps_the_standing(void **state)
{
	(void)state;
	char text[ROWS][TD_HARNESS_COLS];
	static const char *const standing[] = { "kill switch",   "max position",     "gross exposure",
						 "open orders",   "daily loss",       "drawdown",
						 "losing streak", "volatility spike", "pattern day trader",
						 "buying power",  "trading hours" };
	td_harness_draw(&h, &td_pane_risk, NULL, 100, 12, text);
	for (size_t i = 0; i < sizeof standing / sizeof standing[0]; i++)
		if (!line_of(text, 12, standing[i]))
			fail_msg("%s not drawn", standing[i]);
	assert_null(line_of(text, 12, "max quantity"));
	assert_null(line_of(text, 12, "duplicate order"));
	td_harness_draw(&h, &td_pane_risk, NULL, 100, 13, text);
	assert_non_null(line_of(text, 13, "max quantity"));
	assert_null(line_of(text, 13, "max notional"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_without_orders),
		cmocka_unit_test(test_losing_round_trip_then_halt),
		cmocka_unit_test(test_short_pane_keeps_the_standing),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
