/*
 * Unit tests for src/oms/risk.c.  Each check is driven just past and just
 * inside its limit with numbers worked by hand in the comments; the margin
 * estimate is checked against the documented formulas by hand.  The
 * calendar and volatility-breaker inputs are set by hand in the context, as
 * the order manager would fill them from td_calendar_now and td_spike_state.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "near.h"
#include "oms/risk.h"

static td_order_req req;
static td_risk_limits lim;

/* A calm context: 100 shares bought at a 500.00 limit, last 500.00, flat, plenty of capital, regular hours. */
static td_risk_ctx calm(void)
{
	req = (td_order_req){ .instr = 1, .side = TD_SIDE_BUY, .qty = 100, .type = TD_OT_LIMIT, .limit = 50000,
			      .stop = TD_PX_NONE };
	td_risk_limits_default(&lim);
	return (td_risk_ctx){ .req = &req, .price = 500, .last = 500, .multiplier = 1, .capital = 100000,
			      .equity = 100000, .day_high_equity = 100000, .stop_distance = 2, .buying_power = 200000,
			      .margin = 25000, .phase = TD_PHASE_REGULAR };
}

/* The verdict of the named check. */
static td_risk_status verdict(const td_risk_ctx *c, const char *name, char *detail)
{
	td_risk_check out[TD_RISK_MAX_CHECKS];
	td_risk_status worst;
	size_t n = td_risk_run(&lim, c, out, &worst);
	for (size_t i = 0; i < n; i++)
		if (strcmp(out[i].name, name) == 0) {
			if (detail)
				strcpy(detail, out[i].detail);
			return out[i].status;
		}
	fail_msg("no check named %s", name);
	return TD_RISK_FAIL;
}

static void test_calm_order_passes_everything(void **state)
{
	(void)state;
	td_risk_ctx c = calm();
	td_risk_check out[TD_RISK_MAX_CHECKS];
	td_risk_status worst;
	size_t n = td_risk_run(&lim, &c, out, &worst);
	assert_true(n >= 16);
	for (size_t i = 0; i < n; i++)
		if (out[i].status != TD_RISK_PASS)
			fail_msg("%s: %s %s", out[i].name, td_risk_status_name(out[i].status), out[i].detail);
	assert_int_equal(worst, TD_RISK_PASS);
}

static void test_size_limits(void **state)
{
	(void)state;
	char d[128];
	td_risk_ctx c = calm();
	req.qty = 1001;   /* default max 1000 per order */
	assert_int_equal(verdict(&c, "max quantity", d), TD_RISK_FAIL);
	assert_string_equal(d, "1001 > 1000 per order");
	/* 600 x 500 = 300,000 > 250,000 */
	req.qty = 600;
	assert_int_equal(verdict(&c, "max notional", d), TD_RISK_FAIL);
	assert_string_equal(d, "300000.00 > 250000.00 per order");
	req.qty = 500;   /* 250,000: at the limit is allowed */
	assert_int_equal(verdict(&c, "max notional", NULL), TD_RISK_PASS);
	/* holding 4,950, buying 100 makes 5,050 > 5,000; selling 100 reduces and passes */
	req.qty = 100;
	c.position = 4950;
	assert_int_equal(verdict(&c, "max position", NULL), TD_RISK_FAIL);
	req.side = TD_SIDE_SELL;
	assert_int_equal(verdict(&c, "max position", NULL), TD_RISK_PASS);
	/* gross 990,000 + 100 x 500 = 1,040,000 > 1,000,000 for a new position */
	c = calm();
	c.gross = 990000;
	assert_int_equal(verdict(&c, "gross exposure", d), TD_RISK_FAIL);
	assert_string_equal(d, "gross after 1040000.00, limit 1000000.00");
	c.open_orders = 19;
	assert_int_equal(verdict(&c, "open orders", NULL), TD_RISK_PASS);
	c.open_orders = 20;
	assert_int_equal(verdict(&c, "open orders", NULL), TD_RISK_FAIL);
	lim.max_qty = 0;
	assert_int_equal(verdict(&c, "max quantity", d), TD_RISK_NA);
	assert_string_equal(d, "no limit set");
}

/* Fat finger: a limit 5.2 % above the last fails a 5 % band; 4.8 % passes; a market order cannot be checked. */
static void test_price_band(void **state)
{
	(void)state;
	char d[128];
	td_risk_ctx c = calm();
	c.price = 526;
	assert_int_equal(verdict(&c, "price band", d), TD_RISK_FAIL);
	assert_string_equal(d, "526.00 is 5.20% from last 500.00 (band 5.00%)");
	c.price = 476;
	assert_int_equal(verdict(&c, "price band", NULL), TD_RISK_PASS);
	c.last = NAN;
	assert_int_equal(verdict(&c, "price band", NULL), TD_RISK_NA);
	c = calm();
	req.type = TD_OT_MARKET;
	req.limit = TD_PX_NONE;
	assert_int_equal(verdict(&c, "price band", NULL), TD_RISK_NA);
}

/* 1 % of 100,000 = 1,000: 100 shares with a 10.01 stop risk 1,001; with no stop it warns. */
static void test_risk_per_trade(void **state)
{
	(void)state;
	char d[128];
	td_risk_ctx c = calm();
	c.stop_distance = 10.01;
	assert_int_equal(verdict(&c, "risk per trade", d), TD_RISK_FAIL);
	assert_string_equal(d, "1001.00 at the stop = 1.00% of capital (limit 1.00%)");
	c.stop_distance = 10;
	assert_int_equal(verdict(&c, "risk per trade", NULL), TD_RISK_PASS);
	c.stop_distance = NAN;
	assert_int_equal(verdict(&c, "risk per trade", NULL), TD_RISK_WARN);
}

/* Daily loss limit 2,000: warn from 1,000 lost, reduce only from 1,500, halt at 2,000 (reducing orders still go). */
static void test_daily_loss_progression(void **state)
{
	(void)state;
	char d[128];
	td_risk_ctx c = calm();
	c.day_pnl = -999;
	assert_int_equal(verdict(&c, "daily loss", NULL), TD_RISK_PASS);
	c.day_pnl = -1000;
	assert_int_equal(verdict(&c, "daily loss", d), TD_RISK_WARN);
	assert_string_equal(d, "day P&L -1000.00, 50% of the 2000.00 limit: warning");
	c.day_pnl = -1500;
	assert_int_equal(verdict(&c, "daily loss", NULL), TD_RISK_FAIL);
	c.position = 300;   /* selling 100 of 300 reduces */
	req.side = TD_SIDE_SELL;
	assert_int_equal(verdict(&c, "daily loss", d), TD_RISK_WARN);
	assert_non_null(strstr(d, "reduce only"));
	req.qty = 400;       /* selling 400 of 300 reverses: not a reduction */
	assert_int_equal(verdict(&c, "daily loss", NULL), TD_RISK_FAIL);
	req.qty = 100;
	c.day_pnl = -2000;
	assert_int_equal(verdict(&c, "daily loss", d), TD_RISK_WARN);
	assert_non_null(strstr(d, "halted"));
}

static void test_drawdown_and_streak(void **state)
{
	(void)state;
	td_risk_ctx c = calm();
	c.day_high_equity = 103000;   /* 3,000 below the high: at the limit */
	assert_int_equal(verdict(&c, "drawdown", NULL), TD_RISK_FAIL);
	c.day_high_equity = 102999;
	assert_int_equal(verdict(&c, "drawdown", NULL), TD_RISK_PASS);
	c.consecutive_losses = 5;
	assert_int_equal(verdict(&c, "losing streak", NULL), TD_RISK_FAIL);
	c.consecutive_losses = 4;
	assert_int_equal(verdict(&c, "losing streak", NULL), TD_RISK_PASS);
}

/* Under 25,000: a 4th day trade in 5 days is refused, reaching the 3rd warns; above 25,000 no limit. */
static void test_pattern_day_trader(void **state)
{
	(void)state;
	char d[128];
	td_risk_ctx c = calm();
	c.equity = 20000;
	c.completes_day_trade = true;
	c.day_trades_5d = 3;
	assert_int_equal(verdict(&c, "pattern day trader", d), TD_RISK_FAIL);
	assert_string_equal(d, "4 day trades in 5 days with this one, 3 allowed (equity 20000.00 < 25000.00)");
	c.day_trades_5d = 2;
	assert_int_equal(verdict(&c, "pattern day trader", NULL), TD_RISK_WARN);
	/* an opening order with the allowance used up warns: closing it today would be refused */
	c.completes_day_trade = false;
	c.day_trades_5d = 3;
	assert_int_equal(verdict(&c, "pattern day trader", NULL), TD_RISK_WARN);
	c.day_trades_5d = 1;
	assert_int_equal(verdict(&c, "pattern day trader", NULL), TD_RISK_PASS);
	c.completes_day_trade = true;
	c.equity = 25000;
	assert_int_equal(verdict(&c, "pattern day trader", NULL), TD_RISK_PASS);
}

static void test_hours_kill_duplicate_buying_power(void **state)
{
	(void)state;
	char d[128];
	td_risk_ctx c = calm();
	c.phase = TD_PHASE_PREMARKET;
	assert_int_equal(verdict(&c, "trading hours", d), TD_RISK_FAIL);
	assert_non_null(strstr(d, "extended hours are off"));
	lim.extended_hours = true;
	assert_int_equal(verdict(&c, "trading hours", NULL), TD_RISK_WARN);
	c.phase = TD_PHASE_CLOSED;
	assert_int_equal(verdict(&c, "trading hours", NULL), TD_RISK_FAIL);
	c = calm();
	c.halted = true;
	assert_int_equal(verdict(&c, "kill switch", NULL), TD_RISK_FAIL);
	c.halted = false;
	c.duplicate = true;
	assert_int_equal(verdict(&c, "duplicate order", NULL), TD_RISK_FAIL);
	/* 5 % of buying power is kept back: 200,000 leaves 190,000 */
	c = calm();
	c.margin = 190001;
	assert_int_equal(verdict(&c, "buying power", d), TD_RISK_FAIL);
	assert_string_equal(d, "margin 190001.00 > 190000.00 available");
	c.margin = 190000;
	assert_int_equal(verdict(&c, "buying power", NULL), TD_RISK_PASS);
}

/*
 * Margin: stock 100 x 500 x 50 % = 25,000.  A sold SPY 560 put at 3.00 with
 * the stock at 570: 20 % x 570 - 10 (OTM) = 104 against 10 % x 560 = 56, so
 * (104 + 3) x 100 = 10,700 a contract.  A sold 600 call at 1.00: 114 - 30 =
 * 84 against 57: (84 + 1) x 100 = 8,500.  Far OTM 700 call at 0.05: 114 - 130
 * < 0, so 57 + 0.05 = 5,705.  A bought option ties up its premium.
 */
static void test_margin(void **state)
{
	(void)state;
	assert_near(td_risk_margin(false, false, TD_SIDE_BUY, 100, 500, 1, 0, 0), 25000, 1e-9);
	assert_near(td_risk_margin(true, false, TD_SIDE_SELL, 1, 3.00, 100, 570, 560), 10700, 1e-9);
	assert_near(td_risk_margin(true, true, TD_SIDE_SELL, 1, 1.00, 100, 570, 600), 8500, 1e-9);
	assert_near(td_risk_margin(true, true, TD_SIDE_SELL, 2, 0.05, 100, 570, 700), 2 * 5705, 1e-9);
	assert_near(td_risk_margin(true, true, TD_SIDE_BUY, 3, 2.50, 100, 570, 580), 750, 1e-9);
}

/* The verdict alone is the worst of the full run's, on every context above and a failing one. */
static void test_verdict_matches_run(void **state)
{
	(void)state;
	td_risk_ctx c = calm();
	td_risk_check out[TD_RISK_MAX_CHECKS];
	td_risk_status worst;
	td_risk_run(&lim, &c, out, &worst);
	assert_int_equal(td_risk_verdict(&lim, &c), worst);
	c.stop_distance = NAN;
	td_risk_run(&lim, &c, out, &worst);
	assert_int_equal(worst, TD_RISK_WARN);
	assert_int_equal(td_risk_verdict(&lim, &c), TD_RISK_WARN);
	c.halted = true;
	assert_int_equal(td_risk_verdict(&lim, &c), TD_RISK_FAIL);
}

#define HMS(h, m, s) ((((h) * 3600LL) + (m) * 60LL + (s)) * TD_NS_PER_SEC)
#define NOW (1795794640LL * TD_NS_PER_SEC)   /* any instant: the checks only read the fields below */

/* The calendar as td_calendar_now would give it for New York at local time tod on y-m-d. */
static void set_day(td_risk_ctx *c, int y, int m, int d, td_ns tod, td_cal_kind kind, const char *name,
		    td_ns close_tod)
{
	c->cal = (td_cal_now){ .now = NOW, .day = td_days_from_civil(y, m, d), .tod = tod,
			       .today = { .kind = kind, .name = name, .close_tod = close_tod, .zone = "ET",
					  .known = true } };
}

/* Holidays and early closes fail with the day's name and date, whatever the phase and extended hours say. */
static void test_trading_hours_calendar(void **state)
{
	(void)state;
	char d[128];
	td_risk_ctx c = calm();
	set_day(&c, 2026, 11, 26, HMS(10, 0, 0), TD_CAL_HOLIDAY, "Thanksgiving Day", 0);
	assert_int_equal(verdict(&c, "trading hours", d), TD_RISK_FAIL);
	assert_string_equal(d, "closed: Thanksgiving Day (2026-11-26)");
	lim.extended_hours = true;
	c.phase = TD_PHASE_PREMARKET;
	assert_int_equal(verdict(&c, "trading hours", NULL), TD_RISK_FAIL);

	/* the day after: open until 13:00, closed from 13:00, post-market included */
	c = calm();
	set_day(&c, 2026, 11, 27, HMS(12, 59, 59), TD_CAL_EARLY, "Day after Thanksgiving", HMS(13, 0, 0));
	assert_int_equal(verdict(&c, "trading hours", d), TD_RISK_PASS);
	assert_string_equal(d, "regular session; early close at 13:00 ET today");
	c.cal.tod = HMS(13, 0, 0);
	assert_int_equal(verdict(&c, "trading hours", d), TD_RISK_FAIL);
	assert_string_equal(d, "early close at 13:00 ET on 2026-11-27");
	lim.extended_hours = true;
	c.cal.tod = HMS(16, 30, 0);
	c.phase = TD_PHASE_POSTMARKET;
	assert_int_equal(verdict(&c, "trading hours", NULL), TD_RISK_FAIL);
	/* the pre-market of an early-close day is an ordinary pre-market */
	c.cal.tod = HMS(8, 0, 0);
	c.phase = TD_PHASE_PREMARKET;
	assert_int_equal(verdict(&c, "trading hours", NULL), TD_RISK_WARN);

	/* an ordinary day of a year the calendar does not list trades, and says the holidays are unknown */
	c = calm();
	set_day(&c, 2028, 3, 1, HMS(11, 0, 0), TD_CAL_OPEN, "", 0);
	c.cal.today.known = false;
	assert_int_equal(verdict(&c, "trading hours", d), TD_RISK_PASS);
	assert_string_equal(d, "regular session; holidays of 2028 not in the calendar");
	c.cal.today.known = true;
	assert_int_equal(verdict(&c, "trading hours", d), TD_RISK_PASS);
	assert_string_equal(d, "regular session");
}

/* The breaker tripped on a 2.40 % move, clearing 95 s from now: 10:30:40 + 95 s = 10:32:15 ET. */
static td_risk_ctx spiked(void)
{
	td_risk_ctx c = calm();
	set_day(&c, 2026, 11, 23, HMS(10, 30, 40), TD_CAL_OPEN, "", 0);
	c.symbol = "SPY";
	c.spike = (td_spike_info){ .tripped = true, .traded = true, .move_pct = 2.4, .window_s = 60, .limit_pct = 2,
				   .at = NOW, .until = NOW + 95 * TD_NS_PER_SEC };
	return c;
}

/* Tripped: orders that open or grow a position fail; reducing ones warn; calm, it passes with the move. */
static void test_volatility_spike(void **state)
{
	(void)state;
	char d[128];
	td_risk_ctx c = spiked();
	assert_int_equal(verdict(&c, "volatility spike", d), TD_RISK_FAIL);   /* flat: buying opens */
	assert_string_equal(d, "SPY moved 2.40% in 60 s (limit 2.00%): opening orders paused until 10:32:15 ET");
	c.position = 300;   /* buying more grows it */
	assert_int_equal(verdict(&c, "volatility spike", NULL), TD_RISK_FAIL);
	req.side = TD_SIDE_SELL;   /* selling 100 of 300 reduces */
	assert_int_equal(verdict(&c, "volatility spike", d), TD_RISK_WARN);
	assert_string_equal(d, "SPY moved 2.40% in 60 s (limit 2.00%): reduces the position; opening orders paused "
			       "until 10:32:15 ET");
	req.qty = 400;   /* selling 400 of 300 reverses: a new short */
	assert_int_equal(verdict(&c, "volatility spike", NULL), TD_RISK_FAIL);
	c.position = -300;   /* short 300, sell 400 more */
	assert_int_equal(verdict(&c, "volatility spike", NULL), TD_RISK_FAIL);

	/* without the calendar the pause is said in seconds */
	c = spiked();
	c.cal = (td_cal_now){ 0 };
	assert_int_equal(verdict(&c, "volatility spike", d), TD_RISK_FAIL);
	assert_string_equal(d, "SPY moved 2.40% in 60 s (limit 2.00%): opening orders paused for 95 s more");

	c = spiked();
	c.spike = (td_spike_info){ .traded = true, .move_pct = 0.8, .window_s = 60, .limit_pct = 2, .at = NOW };
	assert_int_equal(verdict(&c, "volatility spike", d), TD_RISK_PASS);
	assert_string_equal(d, "SPY moved 0.80% in 60 s (limit 2.00%)");
	c.spike.traded = false;
	assert_int_equal(verdict(&c, "volatility spike", d), TD_RISK_PASS);
	assert_string_equal(d, "no trades of SPY in the last 60 s");

	c = spiked();
	lim.vol_spike_pct = 0;
	assert_int_equal(verdict(&c, "volatility spike", d), TD_RISK_NA);
	assert_string_equal(d, "no limit set");
}

/* The fast verdict agrees with the full run on the calendar and the breaker. */
static void test_verdict_matches_run_new_checks(void **state)
{
	(void)state;
	td_risk_check out[TD_RISK_MAX_CHECKS];
	td_risk_status worst;
	td_risk_ctx c = spiked();
	td_risk_run(&lim, &c, out, &worst);
	assert_int_equal(worst, TD_RISK_FAIL);
	assert_int_equal(td_risk_verdict(&lim, &c), TD_RISK_FAIL);
	c.position = 300;
	req.side = TD_SIDE_SELL;   /* reducing: the breaker's warning is the worst */
	td_risk_run(&lim, &c, out, &worst);
	assert_int_equal(worst, TD_RISK_WARN);
	assert_int_equal(td_risk_verdict(&lim, &c), TD_RISK_WARN);

	c = calm();
	set_day(&c, 2026, 11, 27, HMS(12, 0, 0), TD_CAL_EARLY, "Day after Thanksgiving", HMS(13, 0, 0));
	td_risk_run(&lim, &c, out, &worst);
	assert_int_equal(worst, TD_RISK_PASS);
	assert_int_equal(td_risk_verdict(&lim, &c), TD_RISK_PASS);
	c.cal.tod = HMS(13, 0, 1);
	td_risk_run(&lim, &c, out, &worst);
	assert_int_equal(worst, TD_RISK_FAIL);
	assert_int_equal(td_risk_verdict(&lim, &c), TD_RISK_FAIL);
	set_day(&c, 2026, 11, 26, HMS(10, 0, 0), TD_CAL_HOLIDAY, "Thanksgiving Day", 0);
	assert_int_equal(td_risk_verdict(&lim, &c), TD_RISK_FAIL);
}

static void test_reduces(void **state)
{
	(void)state;
	assert_true(td_risk_reduces(300, TD_SIDE_SELL, 300));
	assert_true(td_risk_reduces(-50, TD_SIDE_BUY, 20));
	assert_false(td_risk_reduces(300, TD_SIDE_SELL, 301));
	assert_false(td_risk_reduces(0, TD_SIDE_SELL, 1));
	assert_false(td_risk_reduces(10, TD_SIDE_BUY, 1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_calm_order_passes_everything),
		cmocka_unit_test(test_size_limits),
		cmocka_unit_test(test_price_band),
		cmocka_unit_test(test_risk_per_trade),
		cmocka_unit_test(test_daily_loss_progression),
		cmocka_unit_test(test_drawdown_and_streak),
		cmocka_unit_test(test_pattern_day_trader),
		cmocka_unit_test(test_hours_kill_duplicate_buying_power),
		cmocka_unit_test(test_margin),
		cmocka_unit_test(test_verdict_matches_run),
		cmocka_unit_test(test_trading_hours_calendar),
		cmocka_unit_test(test_volatility_spike),
		cmocka_unit_test(test_verdict_matches_run_new_checks),
		cmocka_unit_test(test_reduces),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
