/* The order command line (src/oms/parse.c): each form, and errors that name the column. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "oms/parse.h"

static td_registry *reg;
static uint32_t spy, opt;

static int setup(void **state)
{
	(void)state;
	reg = td_registry_new(8);
	td_instrument u = { .kind = TD_INS_EQUITY, .symbol = "SPY", .px = { 1, 2 }, .multiplier = 1, .underlying = TD_NO_ID };
	spy = td_registry_add(reg, &u);
	td_instrument o = { .kind = TD_INS_OPTION, .symbol = "SPY261120C00570000", .px = { 1, 2 }, .multiplier = 100,
			    .underlying = spy };
	opt = td_registry_add(reg, &o);
	td_instrument f = { .kind = TD_INS_FUTURE, .symbol = "ESZ6", .px = { 25, 2 }, .multiplier = 50, .underlying = TD_NO_ID };
	td_registry_add(reg, &f);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	td_registry_free(reg);
	return 0;
}

static td_order_req ok(const char *line)
{
	td_order_req r;
	char err[160];
	if (td_order_parse(line, reg, &r, err, sizeof err) < 0)
		fail_msg("'%s': %s", line, err);
	return r;
}

static void bad(const char *line, const char *want)
{
	td_order_req r;
	char err[160];
	assert_int_equal(td_order_parse(line, reg, &r, err, sizeof err), -1);
	if (strcmp(err, want) != 0)
		fail_msg("'%s': got '%s', want '%s'", line, err, want);
}

static void test_forms(void **state)
{
	(void)state;
	td_order_req r = ok("buy 100 SPY lmt 512.25");
	assert_int_equal(r.side, TD_SIDE_BUY);
	assert_int_equal(r.qty, 100);
	assert_int_equal(r.instr, spy);
	assert_int_equal(r.type, TD_OT_LIMIT);
	assert_int_equal(r.limit, 51225);
	assert_int_equal(r.tif, TD_TIF_DAY);
	r = ok("sell 2 SPY261120C00570000 mkt");
	assert_int_equal(r.instr, opt);
	assert_int_equal(r.type, TD_OT_MARKET);
	assert_int_equal(r.limit, TD_PX_NONE);
	r = ok("sell 2 SPY261120C00570000");
	assert_int_equal(r.type, TD_OT_MARKET);
	r = ok("buy 10 ESZ6 stp 5725.50");   /* ticks of 0.25: 5725.50 is 22902 ticks */
	assert_int_equal(r.stop, 22902);
	r = ok("  SELL  50 SPY stplmt 569 568.5 ioc ");
	assert_int_equal(r.type, TD_OT_STOP_LIMIT);
	assert_int_equal(r.stop, 56900);
	assert_int_equal(r.limit, 56850);
	assert_int_equal(r.tif, TD_TIF_IOC);
	r = ok("sell 100 SPY trail 0.50 gtc");
	assert_int_equal(r.type, TD_OT_TRAIL_AMOUNT);
	assert_int_equal(r.trail, 50);
	assert_int_equal(r.tif, TD_TIF_GTC);
	r = ok("sell 100 SPY trail% 1.5");
	assert_int_equal(r.trail, 150);
}

static void test_errors_name_the_column(void **state)
{
	(void)state;
	bad("purchase 1 SPY", "column 1: 'purchase' is not buy or sell");
	bad("buy", "column 1: expected buy|sell QTY SYMBOL [TYPE PRICE...] [TIF]");
	bad("buy -5 SPY", "column 5: '-5' is not a whole positive quantity");
	bad("buy 1.5 SPY", "column 5: '1.5' is not a whole positive quantity");
	bad("buy 5 QQQ", "column 7: no instrument 'QQQ' on this feed");
	bad("buy 5 SPY lmt", "column 15: a price is missing");
	bad("buy 5 ESZ6 lmt 5725.10", "column 16: '5725.10' is not a price of ESZ6 (price off the tick grid)");
	bad("buy 5 SPY lmt 512.25 fok", "column 22: 'fok' is not an order type, a price or a time in force");
	bad("buy 5 SPY 512.25", "column 11: '512.25' is not an order type, a price or a time in force");
	bad("sell 1 SPY trail% 120", "column 19: a percentage between 0 and 100 is needed");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_forms),
		cmocka_unit_test(test_errors_name_the_column),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
