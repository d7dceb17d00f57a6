/*
 * The order desk (src/engine/desk.c) wires the fee schedule into the paper
 * broker: the fees a market order pays over its fills must add up to what
 * the schedule charges the whole order at its average price (the fee
 * module's per-fill rule, tested on its own in test_fees.c), and the
 * ticket's estimate must be that same figure.  Also: [risk] settings reach
 * the limits, and a journal that another tapedeck holds refuses the desk.
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

#include "engine/desk.h"
#include "near.h"
#include "oms/fees.h"

static char dir[64], path[128];
static td_registry *reg;
static td_market *m;
static uint32_t spy;

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/td_desk_XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof path, "%s/orders.journal", dir);
	setenv("XDG_CONFIG_HOME", dir, 1);   /* no fees.conf there: the built-in schedules */
	reg = td_registry_new(4);
	td_instrument u = { .kind = TD_INS_EQUITY, .symbol = "SPY", .px = { 1, 2 }, .multiplier = 1,
			    .underlying = TD_NO_ID };
	spy = td_registry_add(reg, &u);
	m = td_market_new(reg);
	td_event ev = { .type = TD_EV_STATUS, .exch_ns = 1, .u.status = { .kind = TD_ST_PHASE, .phase = TD_PHASE_REGULAR } };
	td_market_apply(m, &ev);
	ev = (td_event){ .type = TD_EV_TRADE, .instr = spy, .exch_ns = 2, .u.trade = { .px = 57000, .size = 1 } };
	td_market_apply(m, &ev);
	/* asks 100 @ 570.01 and 200 @ 570.02 */
	ev = (td_event){ .type = TD_EV_LEVEL, .instr = spy, .exch_ns = 3,
			 .u.level = { .px = 57001, .size = 100, .side = TD_SIDE_SELL } };
	td_market_apply(m, &ev);
	ev.u.level = (td_ev_level){ .px = 57002, .size = 200, .side = TD_SIDE_SELL };
	td_market_apply(m, &ev);
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

static td_config config(void)
{
	td_config c;
	td_config_defaults(&c);
	snprintf(c.journal, sizeof c.journal, "%s", path);
	return c;
}

/*
 * With the "us" schedule (per share) and the "in" one (percentages of the
 * traded value, so the average price of the earlier fills matters).
 */
static void fills_pay(const char *schedule)
{
	td_config c = config();
	snprintf(c.fee_schedule, sizeof c.fee_schedule, "%s", schedule);
	td_oms_recovery rec;
	char err[256], id[64];
	td_desk *d = td_desk_open(&c, td_session_find("us"), reg, m, &rec, err, sizeof err);
	if (!d)
		fail_msg("%s", err);
	td_oms *o = td_desk_oms(d);
	td_order_req r = { .instr = spy, .side = TD_SIDE_BUY, .qty = 250, .type = TD_OT_MARKET, .tif = TD_TIF_DAY,
			   .limit = TD_PX_NONE, .stop = TD_PX_NONE };
	td_ticket t;
	assert_int_equal(td_oms_ticket(o, &r, &t, err, sizeof err), 0);
	td_ticket_key(&t, '\n');
	td_ticket_key(&t, 'y');
	assert_int_equal(td_oms_send(o, &t, id, sizeof id, err, sizeof err), 0);
	assert_int_equal(td_oms_find(o, id)->state, TD_ORD_FILLED);
	/* 100 @ 570.01 + 150 @ 570.02: average (57001 + 1.5 x 57002) / 2.5 cents */
	double avg = (100 * 570.01 + 150 * 570.02) / 250;
	td_fees *f = td_fees_builtin();
	double want = td_fee_compute(td_fees_find(f, schedule), TD_INS_EQUITY, TD_SIDE_BUY, 250, avg, 1, NULL);
	assert_true(want > 0);
	assert_near(td_book_position(td_oms_book(o), spy)->fees, want, 1e-9);
	/* the ticket's estimate at one price is the schedule at that price */
	assert_near(td_desk_fee_estimate(d, &r, 570.01),
		    td_fee_compute(td_fees_find(f, schedule), TD_INS_EQUITY, TD_SIDE_BUY, 250, 570.01, 1, NULL), 1e-12);
	td_fees_free(f);
	td_desk_close(d);
	unlink(path);
}

static void test_fills_pay_the_schedule(void **state)
{
	(void)state;
	fills_pay("us");
	fills_pay("in");
}

/* [risk] reaches the limits; pdt = false turns the PDT check off. */
static void test_limits_from_config(void **state)
{
	(void)state;
	td_config c = config();
	c.max_qty = 7;
	c.price_band = 2.5;
	c.pdt = false;
	c.daily_loss = 900;
	td_risk_limits l;
	td_desk_limits(&c, &l);
	assert_int_equal(l.max_qty, 7);
	assert_near(l.price_band_pct, 2.5, 0);
	assert_int_equal(l.pdt_day_trades, 0);
	assert_near(l.daily_loss, 900, 0);
}

/* A second desk on the same journal is refused with the reason; an unknown fee schedule too. */
static void test_refusals(void **state)
{
	(void)state;
	td_config c = config();
	td_oms_recovery rec;
	char err[256];
	td_desk *d = td_desk_open(&c, td_session_find("us"), reg, m, &rec, err, sizeof err);
	assert_non_null(d);
	assert_null(td_desk_open(&c, td_session_find("us"), reg, m, &rec, err, sizeof err));
	assert_non_null(strstr(err, "in use by another tapedeck"));
	td_desk_close(d);
	snprintf(c.fee_schedule, sizeof c.fee_schedule, "nowhere");
	assert_null(td_desk_open(&c, td_session_find("us"), reg, m, &rec, err, sizeof err));
	assert_string_equal(err, "no fee schedule 'nowhere' (orders.fee_schedule)");
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fills_pay_the_schedule),
		cmocka_unit_test(test_limits_from_config),
		cmocka_unit_test(test_refusals),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
