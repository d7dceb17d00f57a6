/*
 * Unit tests for src/oms/risk_view.c, the rows of the risk pane: each
 * limit's setting and standing from hand-built limits and usage, every
 * state boundary (the daily loss at exactly 50, 75 and 100 %, PDT at 3 and
 * 4 day trades under and over the equity floor, each standing limit at and
 * just under its value), "off" for limits set to 0, and the figures of the
 * texts worked by hand.  The rows must follow the checks' names and order,
 * and their states must agree with what risk.c decides for an opening
 * order on the same standing.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "near.h"
#include "oms/risk_view.h"

static td_risk_limits lim;

/* A fresh account on an ordinary day: 100,000 of capital, nothing held, nothing working, regular hours. */
static td_risk_usage fresh(void)
{
	td_risk_limits_default(&lim);
	return (td_risk_usage){ .capital = 100000, .equity = 100000, .day_high_equity = 100000, .buying_power = 100000,
				.phase = TD_PHASE_REGULAR };
}

/* The row of the named limit. */
static td_risk_row row(const td_risk_usage *u, const char *name)
{
	td_risk_row rows[TD_RISK_MAX_CHECKS];
	size_t n = td_risk_rows(&lim, u, rows, TD_RISK_MAX_CHECKS);
	for (size_t i = 0; i < n; i++)
		if (strcmp(rows[i].name, name) == 0)
			return rows[i];
	fail_msg("no row named %s", name);
	return rows[0];
}

static void expect(const td_risk_usage *u, const char *name, td_risk_state state, const char *use)
{
	td_risk_row r = row(u, name);
	if (r.state != state || strcmp(r.use, use) != 0)
		fail_msg("%s: got %s '%s', want %s '%s'", name, td_risk_state_name(r.state), r.use, td_risk_state_name(state),
			 use);
}

/*
 * What risk.c decides on u's standing for an order that opens: a buy of
 * one unit at 0.01 (so that it adds next to nothing to the gross), in the
 * instrument of the largest position (a long), or of the paused one.
 */
static td_risk_status opening_verdict(const td_risk_usage *u, const char *name)
{
	static td_order_req req;
	req = (td_order_req){ .instr = 1, .side = TD_SIDE_BUY, .qty = 1, .type = TD_OT_LIMIT, .limit = 1,
			      .stop = TD_PX_NONE };
	td_risk_ctx c = { .req = &req, .price = 0.01, .last = 0.01, .multiplier = 1, .position = u->largest_position,
			  .gross = u->gross, .open_orders = u->open_orders, .capital = u->capital, .equity = u->equity,
			  .day_high_equity = u->day_high_equity, .day_pnl = u->day_pnl,
			  .consecutive_losses = u->consecutive_losses, .day_trades_5d = u->day_trades_5d,
			  .stop_distance = 0.01, .buying_power = u->buying_power, .margin = 0.005, .phase = u->phase,
			  .halted = u->halted, .symbol = u->paused_symbol, .cal = u->cal, .spike = u->spike };
	td_risk_check out[TD_RISK_MAX_CHECKS];
	td_risk_status worst;
	size_t n = td_risk_run(&lim, &c, out, &worst);
	for (size_t i = 0; i < n; i++)
		if (strcmp(out[i].name, name) == 0)
			return out[i].status;
	fail_msg("no check named %s", name);
	return TD_RISK_PASS;
}

/* Every row with a standing says what its check would: REDUCE-ONLY or HALT when it fails, WARN when it warns. */
static void agrees_with_checks(const td_risk_usage *u)
{
	td_risk_row rows[TD_RISK_MAX_CHECKS];
	size_t n = td_risk_rows(&lim, u, rows, TD_RISK_MAX_CHECKS);
	for (size_t i = 0; i < n; i++) {
		if (rows[i].state == TD_RISK_STATE_PER_ORDER || rows[i].state == TD_RISK_STATE_OFF)
			continue;
		td_risk_status want = rows[i].state == TD_RISK_STATE_REDUCE || rows[i].state == TD_RISK_STATE_HALT
					      ? TD_RISK_FAIL
				      : rows[i].state == TD_RISK_STATE_WARN ? TD_RISK_WARN
									    : TD_RISK_PASS;
		td_risk_status got = opening_verdict(u, rows[i].name);
		if (got != want)
			fail_msg("%s: the row says %s (%s), the check %s", rows[i].name, td_risk_state_name(rows[i].state),
				 rows[i].use, td_risk_status_name(got));
	}
}

/* The same names in the same order as the checks of a ticket. */
static void test_rows_follow_the_checks(void **state)
{
	(void)state;
	td_risk_usage u = fresh();
	td_order_req req = { .instr = 1, .side = TD_SIDE_BUY, .qty = 1, .type = TD_OT_MARKET, .limit = TD_PX_NONE,
			     .stop = TD_PX_NONE };
	td_risk_ctx c = { .req = &req, .price = 1, .last = 1, .multiplier = 1 };
	td_risk_check checks[TD_RISK_MAX_CHECKS];
	td_risk_status worst;
	size_t nc = td_risk_run(&lim, &c, checks, &worst);
	td_risk_row rows[TD_RISK_MAX_CHECKS];
	size_t nr = td_risk_rows(&lim, &u, rows, TD_RISK_MAX_CHECKS);
	assert_int_equal(nr, nc);
	for (size_t i = 0; i < nr; i++)
		assert_string_equal(rows[i].name, checks[i].name);
	/* less room: the first rows only */
	assert_int_equal(td_risk_rows(&lim, &u, rows, 3), 3);
	assert_string_equal(rows[2].name, checks[2].name);
}

/* The defaults against a fresh account, every text worked out from the defaults of doc/orders.md. */
static void test_fresh_account_with_the_defaults(void **state)
{
	(void)state;
	td_risk_usage u = fresh();
	static const struct {
		const char *name, *setting, *use;
		td_risk_state state;
		double used; /* NaN: no measure */
	} want[] = {
		{ "kill switch", "halts every order while on", "kill switch armed", TD_RISK_STATE_OK, NAN },
		{ "max quantity", "1,000 per order", "", TD_RISK_STATE_PER_ORDER, NAN },
		{ "max notional", "250,000.00 per order", "", TD_RISK_STATE_PER_ORDER, NAN },
		{ "price band", "5 % from the last trade", "", TD_RISK_STATE_PER_ORDER, NAN },
		{ "max position", "5,000 units an instrument", "flat", TD_RISK_STATE_OK, 0 },
		{ "gross exposure", "1,000,000.00", "gross 0.00 of 1,000,000.00", TD_RISK_STATE_OK, 0 },
		{ "open orders", "20 working", "0 of 20 working", TD_RISK_STATE_OK, 0 },
		/* 1 % of 100,000 */
		{ "risk per trade", "1 % of capital (1,000.00) at the stop", "", TD_RISK_STATE_PER_ORDER, NAN },
		{ "daily loss", "2,000.00 (warn 50 %, reduce only 75 %)", "day P&L 0.00 of -2,000.00 (0 %)",
		  TD_RISK_STATE_OK, 0 },
		{ "drawdown", "3,000.00 below the day's high", "drawdown 0.00 of 3,000.00", TD_RISK_STATE_OK, 0 },
		{ "losing streak", "5 losing round trips in a row", "0 of 5 losing in a row", TD_RISK_STATE_OK, 0 },
		{ "volatility spike", "2 % in 60 s pauses 300 s", "no instrument paused", TD_RISK_STATE_OK, NAN },
		{ "pattern day trader", "3 day trades in 5 days under 25,000.00",
		  "0 day trades in 5 business days, no limit: equity 100,000.00 >= 25,000.00", TD_RISK_STATE_OK, NAN },
		/* 100,000 less the 5 % buffer */
		{ "buying power", "keep 5 % back", "95,000.00 available of 100,000.00", TD_RISK_STATE_OK, NAN },
		{ "trading hours", "regular session", "regular session", TD_RISK_STATE_OK, NAN },
		{ "duplicate order", "the same order twice within seconds", "", TD_RISK_STATE_PER_ORDER, NAN },
	};
	td_risk_row rows[TD_RISK_MAX_CHECKS];
	size_t n = td_risk_rows(&lim, &u, rows, TD_RISK_MAX_CHECKS);
	assert_int_equal(n, sizeof want / sizeof want[0]);
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(rows[i].name, want[i].name);
		assert_string_equal(rows[i].setting, want[i].setting);
		assert_string_equal(rows[i].use, want[i].use);
		if (rows[i].state != want[i].state)
			fail_msg("%s: %s", rows[i].name, td_risk_state_name(rows[i].state));
		if (isnan(want[i].used))
			assert_true(isnan(rows[i].used));
		else
			assert_near(rows[i].used, want[i].used, 0);
	}
	assert_string_equal(td_risk_state_name(TD_RISK_STATE_PER_ORDER), "per order");
	agrees_with_checks(&u);
}

/* A limit of 0 turns its check off, and the row says so; the kill switch, buying power, hours and duplicates stay. */
static void test_zero_limits_are_off(void **state)
{
	(void)state;
	td_risk_usage u = fresh();
	lim = (td_risk_limits){ 0 };
	static const char *const off[] = { "max quantity", "max notional", "price band", "max position",
					   "gross exposure", "open orders", "risk per trade", "daily loss",
					   "drawdown", "losing streak", "volatility spike", "pattern day trader" };
	for (size_t i = 0; i < sizeof off / sizeof off[0]; i++) {
		td_risk_row r = row(&u, off[i]);
		if (r.state != TD_RISK_STATE_OFF || strcmp(r.setting, "off") != 0 || r.use[0] || !isnan(r.used))
			fail_msg("%s: %s '%s' '%s'", off[i], td_risk_state_name(r.state), r.setting, r.use);
	}
	assert_int_equal(row(&u, "kill switch").state, TD_RISK_STATE_OK);
	assert_int_equal(row(&u, "duplicate order").state, TD_RISK_STATE_PER_ORDER);
	/* no buffer: all of the buying power */
	assert_string_equal(row(&u, "buying power").use, "100,000.00 available of 100,000.00");
	assert_string_equal(row(&u, "buying power").setting, "keep 0 % back");
}

/*
 * The daily loss of 5,000 with the default stages: warn from 50 % (2,500),
 * reduce only from 75 % (3,750), halt at 100 % (5,000).  The percentage is
 * shown rounded down, so 2,499.99 (49.9998 %) shows 49.
 */
static void test_daily_loss_stages(void **state)
{
	(void)state;
	td_risk_usage u = fresh();
	lim.daily_loss = 5000;
	static const struct {
		double pnl;
		td_risk_state state;
		const char *use;
		double used;
	} cases[] = {
		{ 500, TD_RISK_STATE_OK, "day P&L +500.00 of -5,000.00 (0 %)", 0 },
		{ -1250, TD_RISK_STATE_OK, "day P&L -1,250.00 of -5,000.00 (25 %)", 0.25 },
		{ -2499.99, TD_RISK_STATE_OK, "day P&L -2,499.99 of -5,000.00 (49 %)", 2499.99 / 5000 },
		{ -2500, TD_RISK_STATE_WARN, "day P&L -2,500.00 of -5,000.00 (50 %)", 0.5 },
		{ -3749.99, TD_RISK_STATE_WARN, "day P&L -3,749.99 of -5,000.00 (74 %)", 3749.99 / 5000 },
		{ -3750, TD_RISK_STATE_REDUCE, "day P&L -3,750.00 of -5,000.00 (75 %)", 0.75 },
		{ -4999.99, TD_RISK_STATE_REDUCE, "day P&L -4,999.99 of -5,000.00 (99 %)", 4999.99 / 5000 },
		{ -5000, TD_RISK_STATE_HALT, "day P&L -5,000.00 of -5,000.00 (100 %)", 1 },
		{ -6000, TD_RISK_STATE_HALT, "day P&L -6,000.00 of -5,000.00 (120 %)", 1 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		u.day_pnl = cases[i].pnl;
		expect(&u, "daily loss", cases[i].state, cases[i].use);
		assert_near(row(&u, "daily loss").used, cases[i].used, 1e-12);
		agrees_with_checks(&u);
	}
	assert_string_equal(td_risk_state_name(TD_RISK_STATE_REDUCE), "REDUCE-ONLY");
	/* other stages: warn at 40 %, reduce only at 60 % */
	lim.warn_pct = 40;
	lim.reduce_pct = 60;
	assert_string_equal(row(&u, "daily loss").setting, "5,000.00 (warn 40 %, reduce only 60 %)");
	u.day_pnl = -2000;
	expect(&u, "daily loss", TD_RISK_STATE_WARN, "day P&L -2,000.00 of -5,000.00 (40 %)");
	u.day_pnl = -3000;
	expect(&u, "daily loss", TD_RISK_STATE_REDUCE, "day P&L -3,000.00 of -5,000.00 (60 %)");
}

/*
 * Pattern day trader, 4 (the 4th is refused, 3 allowed) under 25,000:
 * at 2 day trades the next is allowed; at 3 and 4 the allowance is used up
 * (WARN, as the check warns an order at 3); at or over the floor there is
 * no limit.
 */
static void test_pattern_day_trader(void **state)
{
	(void)state;
	td_risk_usage u = fresh();
	u.equity = 18000;
	u.day_high_equity = 18000;
	u.day_trades_5d = 2;
	expect(&u, "pattern day trader", TD_RISK_STATE_OK,
	       "2 of 3 day trades allowed in 5 business days, equity 18,000.00 < 25,000.00");
	assert_near(row(&u, "pattern day trader").used, 2.0 / 3, 1e-12);
	agrees_with_checks(&u);
	u.day_trades_5d = 3;
	expect(&u, "pattern day trader", TD_RISK_STATE_WARN,
	       "3 of 3 day trades allowed in 5 business days, equity 18,000.00 < 25,000.00");
	assert_near(row(&u, "pattern day trader").used, 1, 0);
	agrees_with_checks(&u);
	u.day_trades_5d = 4;
	expect(&u, "pattern day trader", TD_RISK_STATE_WARN,
	       "4 of 3 day trades allowed in 5 business days, equity 18,000.00 < 25,000.00");
	assert_near(row(&u, "pattern day trader").used, 1, 0);
	u.equity = u.day_high_equity = 30000;
	u.day_trades_5d = 3;
	expect(&u, "pattern day trader", TD_RISK_STATE_OK,
	       "3 day trades in 5 business days, no limit: equity 30,000.00 >= 25,000.00");
	assert_true(isnan(row(&u, "pattern day trader").used));
	agrees_with_checks(&u);
	u.day_trades_5d = 4;
	expect(&u, "pattern day trader", TD_RISK_STATE_OK,
	       "4 day trades in 5 business days, no limit: equity 30,000.00 >= 25,000.00");
	/* exactly at the floor: no limit, as the check has it */
	u.equity = u.day_high_equity = 25000;
	u.day_trades_5d = 3;
	expect(&u, "pattern day trader", TD_RISK_STATE_OK,
	       "3 day trades in 5 business days, no limit: equity 25,000.00 >= 25,000.00");
	agrees_with_checks(&u);
}

/* Open orders at the limit stop every order; gross, position, drawdown and streak at theirs let only reductions by. */
static void test_standing_limits_at_and_under(void **state)
{
	(void)state;
	td_risk_usage u = fresh();
	u.open_orders = 19;
	expect(&u, "open orders", TD_RISK_STATE_OK, "19 of 20 working");
	assert_near(row(&u, "open orders").used, 0.95, 1e-12);
	u.open_orders = 20;
	expect(&u, "open orders", TD_RISK_STATE_HALT, "20 of 20 working");
	agrees_with_checks(&u);

	u.gross = 999999.99;
	expect(&u, "gross exposure", TD_RISK_STATE_OK, "gross 999,999.99 of 1,000,000.00");
	u.gross = 1000000;
	expect(&u, "gross exposure", TD_RISK_STATE_REDUCE, "gross 1,000,000.00 of 1,000,000.00");
	assert_near(row(&u, "gross exposure").used, 1, 0);
	agrees_with_checks(&u);
	u.gross = 0;

	u.largest_position = 4999;
	u.largest_symbol = "SPY";
	expect(&u, "max position", TD_RISK_STATE_OK, "largest SPY 4,999 of 5,000");
	agrees_with_checks(&u);
	u.largest_position = 5000;
	expect(&u, "max position", TD_RISK_STATE_REDUCE, "largest SPY 5,000 of 5,000");
	agrees_with_checks(&u);

	/* 101,000 high, 99,000 now: 2,000 of 3,000 */
	u.day_high_equity = 101000;
	u.equity = 99000;
	expect(&u, "drawdown", TD_RISK_STATE_OK, "drawdown 2,000.00 of 3,000.00");
	assert_near(row(&u, "drawdown").used, 2.0 / 3, 1e-12);
	u.equity = 98000;
	expect(&u, "drawdown", TD_RISK_STATE_REDUCE, "drawdown 3,000.00 of 3,000.00");
	agrees_with_checks(&u);

	u.consecutive_losses = 4;
	expect(&u, "losing streak", TD_RISK_STATE_OK, "4 of 5 losing in a row");
	u.consecutive_losses = 5;
	expect(&u, "losing streak", TD_RISK_STATE_REDUCE, "5 of 5 losing in a row");
	agrees_with_checks(&u);

	u.halted = true;
	expect(&u, "kill switch", TD_RISK_STATE_HALT, "kill switch HALTED");
	agrees_with_checks(&u);

	/* nothing left: any margin is too much, reducing frees it */
	u.buying_power = 0;
	expect(&u, "buying power", TD_RISK_STATE_REDUCE, "0.00 available of 0.00");
	agrees_with_checks(&u);
}

/*
 * The breaker paused SPY at 10:30:00 ET with 65 s to go: until 10:31:05 ET.
 * Without the calendar's clock: the seconds left.
 */
static void test_volatility_pause(void **state)
{
	(void)state;
	td_risk_usage u = fresh();
	td_ns at = (td_ns)1764000000 * TD_NS_PER_SEC;
	u.paused = 1;
	u.paused_symbol = "SPY";
	u.spike = (td_spike_info){ .tripped = true, .traded = true, .move_pct = 2.4, .window_s = 60, .limit_pct = 2,
				   .at = at, .until = at + 65 * TD_NS_PER_SEC };
	u.cal = (td_cal_now){ .now = at, .tod = (td_ns)(10 * 3600 + 30 * 60) * TD_NS_PER_SEC,
			      .today = { .kind = TD_CAL_OPEN, .name = "", .zone = "ET", .known = true } };
	expect(&u, "volatility spike", TD_RISK_STATE_REDUCE, "SPY paused until 10:31:05 ET (move 2.4 %)");
	agrees_with_checks(&u);
	u.paused = 3;
	expect(&u, "volatility spike", TD_RISK_STATE_REDUCE, "SPY and 2 more paused until 10:31:05 ET (move 2.4 %)");
	u.paused = 1;
	u.cal.now = 0;
	expect(&u, "volatility spike", TD_RISK_STATE_REDUCE, "SPY paused for 65 s more (move 2.4 %)");
}

/* Holidays and early closes as the check reads them; extended hours pass with a warning only when allowed. */
static void test_trading_hours(void **state)
{
	(void)state;
	td_risk_usage u = fresh();
	td_ns h = 3600 * TD_NS_PER_SEC;
	u.cal = (td_cal_now){ .now = 1, .tod = 10 * h,
			      .today = { .kind = TD_CAL_HOLIDAY, .name = "Thanksgiving Day", .zone = "ET", .known = true } };
	u.phase = TD_PHASE_CLOSED;
	expect(&u, "trading hours", TD_RISK_STATE_HALT, "holiday: Thanksgiving Day");
	agrees_with_checks(&u);
	u.cal.today = (td_cal_day){ .kind = TD_CAL_EARLY, .name = "day after Thanksgiving", .close_tod = 13 * h,
				    .zone = "ET", .known = true };
	u.cal.tod = 12 * h;
	u.phase = TD_PHASE_REGULAR;
	expect(&u, "trading hours", TD_RISK_STATE_OK, "regular session; early close 13:00 ET");
	agrees_with_checks(&u);
	u.cal.tod = 13 * h;
	expect(&u, "trading hours", TD_RISK_STATE_HALT, "early close 13:00 ET: closed");
	agrees_with_checks(&u);
	u.cal.today = (td_cal_day){ .kind = TD_CAL_OPEN, .name = "", .zone = "ET", .known = true };
	u.phase = TD_PHASE_PREMARKET;
	expect(&u, "trading hours", TD_RISK_STATE_HALT, "pre-market session: extended hours are off");
	agrees_with_checks(&u);
	lim.extended_hours = true;
	expect(&u, "trading hours", TD_RISK_STATE_WARN, "pre-market session");
	assert_string_equal(row(&u, "trading hours").setting, "regular and extended hours");
	agrees_with_checks(&u);
	u.phase = TD_PHASE_CLOSED;
	expect(&u, "trading hours", TD_RISK_STATE_HALT, "closed session");
	agrees_with_checks(&u);
}

static void test_money_format(void **state)
{
	(void)state;
	static const struct {
		double v;
		bool plus;
		const char *want;
	} cases[] = {
		{ 0, true, "0.00" },          { -0.004, false, "0.00" },       { 0.005, false, "0.01" },
		{ 999.99, false, "999.99" },  { 1000, false, "1,000.00" },     { -1250, false, "-1,250.00" },
		{ 500, true, "+500.00" },     { 1234567.891, false, "1,234,567.89" },
		{ 999999999999999, false, "999,999,999,999,999.00" },
		{ 1e15, false, "1e+15" },
	};
	char buf[32];
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		td_risk_fmt_money(cases[i].v, cases[i].plus, buf, sizeof buf);
		assert_string_equal(buf, cases[i].want);
	}
	td_risk_fmt_money(NAN, false, buf, sizeof buf);
	assert_string_equal(buf, "nan");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows_follow_the_checks),
		cmocka_unit_test(test_fresh_account_with_the_defaults),
		cmocka_unit_test(test_zero_limits_are_off),
		cmocka_unit_test(test_daily_loss_stages),
		cmocka_unit_test(test_pattern_day_trader),
		cmocka_unit_test(test_standing_limits_at_and_under),
		cmocka_unit_test(test_volatility_pause),
		cmocka_unit_test(test_trading_hours),
		cmocka_unit_test(test_money_format),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
