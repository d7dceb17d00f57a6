/*
 * Exit rules: a bracket's break-even and scale-out at a reward/risk
 * trigger, and the auto-close of every position at a time of day; the
 * trigger arithmetic by hand, then the order manager with the paper broker.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "near.h"
#include "oms/oms.h"
#include "oms/paper.h"

static void test_trigger_by_hand(void **state)
{
	(void)state;
	td_manage_params m = { .r_mult = 1.5 };
	/* long at 100.00 (10000 ticks), stop 99.00: risk 100 ticks, 1.5R = 101.50 */
	assert_false(td_manage_triggered(&m, TD_SIDE_BUY, 10000, 9900, 10149));
	assert_true(td_manage_triggered(&m, TD_SIDE_BUY, 10000, 9900, 10150));
	/* short at 100.00, stop 101.00: 98.50 */
	assert_false(td_manage_triggered(&m, TD_SIDE_SELL, 10000, 10100, 9851));
	assert_true(td_manage_triggered(&m, TD_SIDE_SELL, 10000, 10100, 9850));
	/* a stop on the wrong side, no mark, or the rule off: never */
	assert_false(td_manage_triggered(&m, TD_SIDE_BUY, 10000, 10100, 20000));
	assert_false(td_manage_triggered(&m, TD_SIDE_BUY, 10000, 9900, TD_PX_NONE));
	m.r_mult = 0;
	assert_false(td_manage_triggered(&m, TD_SIDE_BUY, 10000, 9900, 20000));
}

static void test_breakeven_and_scale_by_hand(void **state)
{
	(void)state;
	/* an average of 100.004 (10000.4 ticks): a long's stop at 100.01 loses nothing, a short's at 100.00 */
	assert_int_equal(td_manage_breakeven(TD_SIDE_BUY, 10000.4), 10001);
	assert_int_equal(td_manage_breakeven(TD_SIDE_SELL, 10000.4), 10000);
	assert_int_equal(td_manage_breakeven(TD_SIDE_BUY, 10000), 10000);
	td_manage_params m = { .r_mult = 1, .scale_pct = 50 };
	assert_int_equal(td_manage_scale_qty(&m, 10), 5);
	assert_int_equal(td_manage_scale_qty(&m, 7), 3);
	assert_int_equal(td_manage_scale_qty(&m, 1), 0);
	m.scale_pct = 100;
	assert_int_equal(td_manage_scale_qty(&m, 3), 2);   /* never all of it: the bracket keeps the rest */
}

/* ---- with the order manager -------------------------------------------------------- */

#define HOUR (3600 * TD_NS_PER_SEC)
#define MIN (60 * TD_NS_PER_SEC)

static char dir[64], path[128];
static td_registry *reg;
static td_market *m;
static uint32_t spy;

static void feed(td_oms *o, td_event ev)
{
	td_market_apply(m, &ev);
	if (o)
		td_oms_on_market(o, &ev);
}

static void print_at(td_oms *o, td_ns t, td_ticks px)
{
	feed(o, (td_event){ .type = TD_EV_TRADE, .instr = spy, .exch_ns = t, .u.trade = { .px = px, .size = 1 } });
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/td_manage_XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof path, "%s/orders.journal", dir);
	reg = td_registry_new(4);
	td_instrument u = { .kind = TD_INS_EQUITY, .symbol = "SPY", .px = { 1, 2 }, .multiplier = 1,
			    .underlying = TD_NO_ID };
	spy = td_registry_add(reg, &u);
	m = td_market_new(reg);
	feed(NULL, (td_event){ .type = TD_EV_STATUS, .exch_ns = 10 * HOUR,
			       .u.status = { .kind = TD_ST_PHASE, .phase = TD_PHASE_REGULAR } });
	print_at(NULL, 10 * HOUR, 57000);
	feed(NULL, (td_event){ .type = TD_EV_QUOTE, .instr = spy, .exch_ns = 10 * HOUR,
			       .u.quote = { .bid = 56998, .ask = 57002, .bid_sz = 500, .ask_sz = 500 } });
	feed(NULL, (td_event){ .type = TD_EV_LEVEL, .instr = spy, .exch_ns = 10 * HOUR,
			       .u.level = { .px = 57002, .size = 500, .side = TD_SIDE_SELL } });
	feed(NULL, (td_event){ .type = TD_EV_LEVEL, .instr = spy, .exch_ns = 10 * HOUR,
			       .u.level = { .px = 56998, .size = 500, .side = TD_SIDE_BUY } });
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(path);
	rmdir(dir);
	td_market_free(m);
	td_registry_free(reg);
	return 0;
}

static td_oms *open_oms(const td_manage_params *mg, td_ns auto_close)
{
	td_paper_params pp = { .max_orders = 64, .max_events = 4 * TD_PAPER_MIN_EVENTS, .cash = 1e6 };
	td_oms_params p = { .reg = reg, .m = m, .capital = 1e6, .journal = path, .broker = td_paper_new(m, reg, &pp),
			    .manage = *mg, .auto_close = auto_close };
	td_risk_limits_default(&p.limits);
	p.limits.extended_hours = true;
	td_oms_recovery rec;
	char err[256];
	td_oms *o = td_oms_open(&p, &rec, err, sizeof err);
	if (!o)
		fail_msg("%s", err);
	return o;
}

static const td_order *send(td_oms *o, td_order_req r)
{
	char err[256], id[TD_ORDER_ID_MAX];
	td_ticket t;
	if (td_oms_ticket(o, &r, &t, err, sizeof err) < 0)
		fail_msg("%s", err);
	td_ticket_key(&t, '\n');
	td_ticket_key(&t, 'y');
	if (td_oms_send(o, &t, id, sizeof id, err, sizeof err) < 0)
		fail_msg("%s", err);
	return td_oms_find(o, id);
}

static const td_order *child(td_oms *o, const char *id, td_order_role role)
{
	size_t n;
	const td_order *all = td_oms_orders(o, &n);
	for (size_t i = n; i > 0; i--)
		if (strcmp(all[i - 1].parent, id) == 0 && all[i - 1].role == role)
			return &all[i - 1];
	return NULL;
}

/*
 * Buy 10 at market: filled at the ask 570.02, stop-loss 569.02 (risk 1.00),
 * target 580.00.  At 1R (a print at 571.02, not 571.01) the stop moves to
 * 570.02 and 50 % (5) is sold at market; the target and stop follow to 5.
 */
static void test_breakeven_and_scale_out(void **state)
{
	(void)state;
	td_manage_params mg = { .r_mult = 1, .breakeven = true, .scale_pct = 50 };
	td_oms *o = open_oms(&mg, 0);
	const td_order *e = send(o, (td_order_req){ .instr = spy, .side = TD_SIDE_BUY, .qty = 10, .type = TD_OT_MARKET,
						   .tif = TD_TIF_DAY, .limit = TD_PX_NONE, .stop = TD_PX_NONE,
						   .take_profit = 58000, .stop_loss = 56902 });
	char id[TD_ORDER_ID_MAX];
	snprintf(id, sizeof id, "%s", e->id);
	assert_int_equal(td_oms_find(o, id)->filled, 10);
	print_at(o, 10 * HOUR + MIN, 57101);
	assert_null(child(o, id, TD_OR_EXIT));
	assert_int_equal(child(o, id, TD_OR_STOP)->req.stop, 56902);
	print_at(o, 10 * HOUR + 2 * MIN, 57102);
	const td_order *x = child(o, id, TD_OR_EXIT);
	assert_non_null(x);
	assert_int_equal(x->req.side, TD_SIDE_SELL);
	assert_int_equal(x->filled, 5);
	assert_int_equal(child(o, id, TD_OR_STOP)->req.stop, 57002);
	assert_int_equal(td_order_open_qty(child(o, id, TD_OR_STOP)), 5);
	assert_int_equal(td_order_open_qty(child(o, id, TD_OR_TARGET)), 5);
	assert_near(td_book_position(td_oms_book(o), spy)->qty, 5, 0);
	char note[160];
	assert_true(td_oms_take_note(o, note, sizeof note));
	assert_non_null(strstr(note, "stop to break-even, 5 scaled out"));
	assert_false(td_oms_take_note(o, note, sizeof note));
	/* once: a higher print does nothing more */
	size_t n1, n2;
	td_oms_orders(o, &n1);
	print_at(o, 10 * HOUR + 3 * MIN, 57300);
	td_oms_orders(o, &n2);
	assert_int_equal(n1, n2);
	/* the stop at break-even takes the rest out at no loss on the entry price, and the deal closes by the stop */
	td_oms_cancel_all(o);
	td_oms_close(o);
	unlink(path);
}

/*
 * Auto-close at 15:55 (UTC here): a long of 10 is sold at market and the
 * working limit cancelled when the clock passes 15:55, once; the deal is
 * closed by the rule.  A manager that starts after 15:55 leaves positions
 * alone.
 */
static void test_auto_close(void **state)
{
	(void)state;
	td_manage_params off = { 0 };
	td_ns at = 15 * HOUR + 55 * MIN;
	td_oms *o = open_oms(&off, at);
	print_at(o, 15 * HOUR + 50 * MIN, 57000);
	send(o, (td_order_req){ .instr = spy, .side = TD_SIDE_BUY, .qty = 10, .type = TD_OT_MARKET, .tif = TD_TIF_DAY,
				.limit = TD_PX_NONE, .stop = TD_PX_NONE });
	const td_order *w = send(o, (td_order_req){ .instr = spy, .side = TD_SIDE_BUY, .qty = 1, .type = TD_OT_LIMIT,
						   .tif = TD_TIF_GTC, .limit = 56000, .stop = TD_PX_NONE });
	char wid[TD_ORDER_ID_MAX];
	snprintf(wid, sizeof wid, "%s", w->id);
	print_at(o, 15 * HOUR + 54 * MIN, 57000);
	assert_near(td_book_position(td_oms_book(o), spy)->qty, 10, 0);
	print_at(o, 15 * HOUR + 55 * MIN, 57000);
	assert_near(td_book_position(td_oms_book(o), spy)->qty, 0, 0);
	assert_int_equal(td_oms_find(o, wid)->state, TD_ORD_CANCELLED);
	size_t n;
	const td_deal *d = td_book_deals(td_oms_book(o), &n);
	assert_int_equal(n, 1);
	assert_int_equal(d[0].closed_by, TD_CLOSE_RULE);
	char note[160];
	assert_true(td_oms_take_note(o, note, sizeof note));
	assert_string_equal(note, "auto-close at 15:55:00: 1 positions closed at market, 1 orders cancelled");
	/* a new position after the time stays */
	send(o, (td_order_req){ .instr = spy, .side = TD_SIDE_BUY, .qty = 3, .type = TD_OT_MARKET, .tif = TD_TIF_DAY,
				.limit = TD_PX_NONE, .stop = TD_PX_NONE });
	print_at(o, 15 * HOUR + 58 * MIN, 57000);
	assert_near(td_book_position(td_oms_book(o), spy)->qty, 3, 0);
	td_oms_close(o);
	/* started after the time: nothing is closed */
	o = open_oms(&off, at);
	print_at(o, 16 * HOUR, 57000);
	print_at(o, 16 * HOUR + MIN, 57000);
	assert_near(td_book_position(td_oms_book(o), spy)->qty, 3, 0);
	assert_false(td_oms_take_note(o, note, sizeof note));
	td_oms_close(o);
	unlink(path);
}

/* The ticket's check of a kind: its verdict, and its detail in detail. */
static td_risk_status check_of(const td_ticket *t, const char *name, char *detail, size_t n)
{
	for (size_t i = 0; i < t->nchecks; i++)
		if (strcmp(t->checks[i].name, name) == 0) {
			snprintf(detail, n, "%s", t->checks[i].detail);
			return t->checks[i].status;
		}
	fail_msg("no check '%s'", name);
	return TD_RISK_NA;
}

/*
 * The manager feeds the breaker and the calendar to the checks: a 570.00 to
 * 582.00 move inside a minute is 2.1 % (> 2 %), and a day the calendar
 * closes (1970-01-02, a Friday, in a file made here) fails trading hours
 * with its name.
 */
static void test_breaker_and_calendar_reach_the_checks(void **state)
{
	(void)state;
	char cal_path[160], err[256], detail[128];
	snprintf(cal_path, sizeof cal_path, "%s/holidays.conf", dir);
	FILE *f = fopen(cal_path, "w");
	assert_non_null(f);
	fputs("[us]\n1970-01-02 = closed Test Holiday\n", f);
	fclose(f);
	td_calendar *cal = td_calendar_load(cal_path, err, sizeof err);
	if (!cal)
		fail_msg("%s", err);
	td_paper_params pp = { .max_orders = 64, .max_events = 4 * TD_PAPER_MIN_EVENTS, .cash = 1e6 };
	td_oms_params p = { .reg = reg, .m = m, .capital = 1e6, .journal = path, .broker = td_paper_new(m, reg, &pp),
			    .calendar = cal, .market = "us" };
	td_risk_limits_default(&p.limits);
	p.limits.vol_spike_pct = 2;
	p.limits.vol_spike_window = 60;
	p.limits.vol_spike_cooldown = 300;
	td_oms_recovery rec;
	td_oms *o = td_oms_open(&p, &rec, err, sizeof err);
	if (!o)
		fail_msg("%s", err);
	td_order_req r = { .instr = spy, .side = TD_SIDE_BUY, .qty = 1, .type = TD_OT_MARKET, .tif = TD_TIF_DAY,
			   .limit = TD_PX_NONE, .stop = TD_PX_NONE };
	td_ticket t;
	print_at(o, 16 * HOUR, 57000);
	print_at(o, 16 * HOUR + 30 * TD_NS_PER_SEC, 58000);   /* 1.75 % */
	assert_int_equal(td_oms_ticket(o, &r, &t, err, sizeof err), 0);
	assert_int_equal(check_of(&t, "volatility spike", detail, sizeof detail), TD_RISK_PASS);
	print_at(o, 16 * HOUR + 40 * TD_NS_PER_SEC, 58200);   /* 582 / 570 - 1 = 2.1 % */
	assert_int_equal(td_oms_ticket(o, &r, &t, err, sizeof err), 0);
	assert_int_equal(check_of(&t, "volatility spike", detail, sizeof detail), TD_RISK_FAIL);
	assert_non_null(strstr(detail, "SPY moved 2.1"));
	/* the next day is the holiday */
	print_at(o, 24 * HOUR + 15 * HOUR, 58200);
	assert_int_equal(td_oms_ticket(o, &r, &t, err, sizeof err), 0);
	assert_int_equal(check_of(&t, "trading hours", detail, sizeof detail), TD_RISK_FAIL);
	assert_non_null(strstr(detail, "Test Holiday (1970-01-02)"));
	td_oms_close(o);
	td_calendar_free(cal);
	unlink(cal_path);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_trigger_by_hand),
		cmocka_unit_test(test_breakeven_and_scale_by_hand),
		cmocka_unit_test(test_breakeven_and_scale_out),
		cmocka_unit_test(test_auto_close),
		cmocka_unit_test(test_breaker_and_calendar_reach_the_checks),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
