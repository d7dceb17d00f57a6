/* The order command line (src/oms/parse.c): each form, and errors that name the column. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "near.h"
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

static td_order_sizing sz;

static td_order_req ok(const char *line)
{
	td_order_req r;
	char err[160];
	if (td_order_parse(line, reg, &r, &sz, err, sizeof err) < 0)
		fail_msg("'%s': %s", line, err);
	return r;
}

static void bad(const char *line, const char *want)
{
	td_order_req r;
	char err[160];
	assert_int_equal(td_order_parse(line, reg, &r, &sz, err, sizeof err), -1);
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
	assert_false(sz.set);
}

/* A bracket's prices in any order with the time in force; sizing by risk leaves the quantity to the manager. */
static void test_brackets_and_sizing(void **state)
{
	(void)state;
	td_order_req r = ok("buy 100 SPY lmt 512.25 tp 515 sl 510.50 gtc");
	assert_int_equal(r.take_profit, 51500);
	assert_int_equal(r.stop_loss, 51050);
	assert_int_equal(r.tif, TD_TIF_GTC);
	r = ok("sell 3 SPY ioc sl 520 tp 500");
	assert_int_equal(r.take_profit, 50000);
	assert_int_equal(r.stop_loss, 52000);
	assert_int_equal(r.tif, TD_TIF_IOC);
	r = ok("buy risk 1.5% SPY lmt 512.25 sl 510");
	assert_true(sz.set);
	assert_true(sz.pct);
	assert_near(sz.amount, 1.5, 0);
	assert_int_equal(r.qty, 0);
	r = ok("buy risk 500 SPY sl 510");
	assert_false(sz.pct);
	assert_near(sz.amount, 500, 0);
	/* without a place for the sizing, risk is refused */
	char err[160];
	assert_int_equal(td_order_parse("buy risk 500 SPY sl 510", reg, &r, NULL, err, sizeof err), -1);
	assert_string_equal(err, "column 5: a risk amount cannot size this order");
}

static void test_modify_changes(void **state)
{
	(void)state;
	const td_instrument *ins = td_registry_get(reg, spy);
	int64_t q;
	td_ticks l, s;
	char err[160];
	assert_int_equal(td_modify_parse("qty 20 lmt 512.30", ins, &q, &l, &s, err, sizeof err), 0);
	assert_int_equal(q, 20);
	assert_int_equal(l, 51230);
	assert_int_equal(s, TD_PX_NONE);
	assert_int_equal(td_modify_parse("stp 510", ins, &q, &l, &s, err, sizeof err), 0);
	assert_int_equal(q, 0);
	assert_int_equal(s, 51000);
	assert_int_equal(td_modify_parse("qty 2 qty 3", ins, &q, &l, &s, err, sizeof err), -1);
	assert_string_equal(err, "column 7: 'qty' is not qty, lmt or stp (each at most once)");
	assert_int_equal(td_modify_parse("lmt 512.255", ins, &q, &l, &s, err, sizeof err), -1);
	assert_non_null(strstr(err, "column 5: '512.255' is not a price of SPY"));
	assert_int_equal(td_modify_parse("", ins, &q, &l, &s, err, sizeof err), -1);
}

static void test_errors_name_the_column(void **state)
{
	(void)state;
	bad("purchase 1 SPY", "column 1: 'purchase' is not buy or sell");
	bad("buy", "column 1: expected buy|sell QTY SYMBOL [TYPE PRICE...] [tp P] [sl P] [TIF]");
	bad("buy -5 SPY", "column 5: '-5' is not a whole positive quantity");
	bad("buy 1.5 SPY", "column 5: '1.5' is not a whole positive quantity");
	bad("buy 5 QQQ", "column 7: no instrument 'QQQ' on this feed");
	bad("buy 5 SPY lmt", "column 15: a price is missing");
	bad("buy 5 ESZ6 lmt 5725.10", "column 16: '5725.10' is not a price of ESZ6 (price off the tick grid)");
	bad("buy 5 SPY lmt 512.25 fok", "column 22: 'fok' is not an order type, a price, tp, sl or a time in force");
	bad("buy 5 SPY 512.25", "column 11: '512.25' is not an order type, a price, tp, sl or a time in force");
	bad("buy 5 SPY lmt 512.25 tp 515 tp 516", "column 29: 'tp' is not an order type, a price, tp, sl or a time in force");
	bad("buy 5 SPY lmt 512.25 sl", "column 25: a price is missing");
	bad("buy 5 SPY lmt 512.25 tp 511", "the target must be above the limit for a buy");
	bad("buy risk SPY", "column 10: 'SPY' is not a positive amount or a percentage up to 100%");
	bad("buy risk 150% SPY sl 500", "column 10: '150%' is not a positive amount or a percentage up to 100%");
	bad("buy risk 500", "column 14: the symbol is missing");
	bad("buy risk 500 SPY lmt 512", "sizing by risk needs a stop-loss: add sl PRICE");
	bad("sell 1 SPY trail% 120", "column 19: a percentage between 0 and 100 is needed");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_forms),
		cmocka_unit_test(test_errors_name_the_column),
		cmocka_unit_test(test_brackets_and_sizing),
		cmocka_unit_test(test_modify_changes),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
