/*
 * Unit tests for src/oms/order.c.  The expected transitions are written
 * out here by hand from the table in doc/orders.md, every (state, event)
 * pair of them, so a change to the code's table that the document does not
 * have fails.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "near.h"
#include "oms/order.h"

#define S(x) TD_ORD_##x
#define NONE (-1)

/* expected[state][event] with the fill not completing the order and no fills yet */
static const int expected[TD_ORD_STATE_COUNT][TD_OEV_COUNT] = {
	/*                 RISK_OK     RISK_FAIL            ACK          REJECT        FILL        CANCEL_REQ          CANCELLED     EXPIRE      REPLACE */
	[S(NEW)] =         { S(PENDING), S(RISK_REJECTED), NONE,        NONE,         NONE,       NONE,               NONE,         NONE,       NONE },
	[S(RISK_REJECTED)] = { NONE,     NONE,             NONE,        NONE,         NONE,       NONE,               NONE,         NONE,       NONE },
	[S(PENDING)] =     { NONE,       NONE,             S(ACCEPTED), S(REJECTED),  S(PARTIAL), S(CANCEL_PENDING),  NONE,         S(EXPIRED), NONE },
	[S(ACCEPTED)] =    { NONE,       NONE,             NONE,        NONE,         S(PARTIAL), S(CANCEL_PENDING),  NONE,         S(EXPIRED), S(ACCEPTED) },
	[S(PARTIAL)] =     { NONE,       NONE,             NONE,        NONE,         S(PARTIAL), S(CANCEL_PENDING),  NONE,         S(EXPIRED), S(PARTIAL) },
	[S(FILLED)] =      { NONE,       NONE,             NONE,        NONE,         NONE,       NONE,               NONE,         NONE,       NONE },
	[S(CANCEL_PENDING)] = { NONE,    NONE,             NONE,        S(ACCEPTED),  S(CANCEL_PENDING), NONE,        S(CANCELLED), S(EXPIRED), NONE },
	[S(CANCELLED)] =   { NONE,       NONE,             NONE,        NONE,         NONE,       NONE,               NONE,         NONE,       NONE },
	[S(REJECTED)] =    { NONE,       NONE,             NONE,        NONE,         NONE,       NONE,               NONE,         NONE,       NONE },
	[S(EXPIRED)] =     { NONE,       NONE,             NONE,        NONE,         NONE,       NONE,               NONE,         NONE,       NONE },
};

static void test_every_transition(void **state)
{
	(void)state;
	for (int s = 0; s < TD_ORD_STATE_COUNT; s++)
		for (int e = 0; e < TD_OEV_COUNT; e++) {
			int got = td_order_next_state((td_order_state)s, (td_order_event)e, false, false);
			if (got != expected[s][e])
				fail_msg("from %s on %s: got %d, want %d", td_order_state_name((td_order_state)s),
					 td_order_event_name((td_order_event)e), got, expected[s][e]);
			/* a fill of the rest ends FILLED wherever a fill is allowed */
			if (e == TD_OEV_FILL && expected[s][e] != NONE)
				assert_int_equal(td_order_next_state((td_order_state)s, TD_OEV_FILL, true, false), S(FILLED));
		}
	/* a refused cancel goes back to partially filled when there are fills */
	assert_int_equal(td_order_next_state(S(CANCEL_PENDING), TD_OEV_REJECT, false, true), S(PARTIAL));
	/* the final states are the ones without a way out */
	for (int s = 0; s < TD_ORD_STATE_COUNT; s++) {
		bool out = false;
		for (int e = 0; e < TD_OEV_COUNT; e++)
			out |= expected[s][e] != NONE;
		assert_true(td_order_final((td_order_state)s) == !out);
	}
}

static td_order_req limit_buy(int64_t qty, td_ticks px)
{
	return (td_order_req){ .instr = 1, .side = TD_SIDE_BUY, .qty = qty, .type = TD_OT_LIMIT, .tif = TD_TIF_DAY,
			       .limit = px, .stop = TD_PX_NONE };
}

/* 100 at limit 5000: 30 at 4998, 70 at 5000: average (30*4998 + 70*5000)/100 = 4999.4 */
static void test_fills_and_average(void **state)
{
	(void)state;
	td_order o;
	char err[128];
	td_order_req r = limit_buy(100, 5000);
	td_order_init(&o, "TD-1-1", &r, 10);
	assert_int_equal(o.state, S(NEW));
	assert_int_equal(td_order_apply(&o, TD_OEV_RISK_OK, 0, 0, NULL, 11, err, sizeof err), 0);
	assert_int_equal(td_order_apply(&o, TD_OEV_ACK, 0, 0, NULL, 12, err, sizeof err), 0);
	assert_int_equal(td_order_apply(&o, TD_OEV_FILL, 30, 4998, NULL, 13, err, sizeof err), 0);
	assert_int_equal(o.state, S(PARTIAL));
	assert_int_equal(td_order_open_qty(&o), 70);
	/* more than is open is refused and changes nothing */
	assert_int_equal(td_order_apply(&o, TD_OEV_FILL, 71, 5000, NULL, 14, err, sizeof err), -1);
	assert_non_null(strstr(err, "70 open"));
	assert_int_equal(o.filled, 30);
	assert_int_equal(td_order_apply(&o, TD_OEV_FILL, 70, 5000, NULL, 15, err, sizeof err), 0);
	assert_int_equal(o.state, S(FILLED));
	assert_near(td_order_avg_px(&o), 4999.4, 1e-12);
	assert_int_equal(o.updated, 15);
	assert_int_equal(td_order_apply(&o, TD_OEV_CANCEL_REQ, 0, 0, NULL, 16, err, sizeof err), -1);
	assert_string_equal(err, "order TD-1-1: no 'cancel requested' while filled");
	assert_int_equal(o.updated, 15);
}

/* A fill racing a cancel is applied; the cancel then completes with the rest. */
static void test_fill_while_cancel_pending(void **state)
{
	(void)state;
	td_order o;
	char err[128];
	td_order_req r = limit_buy(10, 100);
	td_order_init(&o, "x", &r, 0);
	td_order_apply(&o, TD_OEV_RISK_OK, 0, 0, NULL, 1, err, sizeof err);
	td_order_apply(&o, TD_OEV_ACK, 0, 0, NULL, 2, err, sizeof err);
	assert_int_equal(td_order_apply(&o, TD_OEV_CANCEL_REQ, 0, 0, NULL, 3, err, sizeof err), 0);
	assert_int_equal(td_order_apply(&o, TD_OEV_FILL, 4, 100, NULL, 4, err, sizeof err), 0);
	assert_int_equal(o.state, S(CANCEL_PENDING));
	assert_int_equal(td_order_apply(&o, TD_OEV_REJECT, 0, 0, "too late", 5, err, sizeof err), 0);
	assert_int_equal(o.state, S(PARTIAL));
	assert_string_equal(o.why, "too late");
	td_order_apply(&o, TD_OEV_CANCEL_REQ, 0, 0, NULL, 6, err, sizeof err);
	assert_int_equal(td_order_apply(&o, TD_OEV_CANCELLED, 0, 0, NULL, 7, err, sizeof err), 0);
	assert_int_equal(o.state, S(CANCELLED));
	assert_int_equal(o.filled, 4);
}

static void test_request_check(void **state)
{
	(void)state;
	char why[128];
	td_order_req r = limit_buy(10, 100);
	assert_int_equal(td_order_req_check(&r, why, sizeof why), 0);
	r.qty = 0;
	assert_int_equal(td_order_req_check(&r, why, sizeof why), -1);
	assert_string_equal(why, "quantity 0 is not positive");
	r = limit_buy(10, TD_PX_NONE);
	assert_int_equal(td_order_req_check(&r, why, sizeof why), -1);
	assert_string_equal(why, "a limit order needs a limit price");
	r = (td_order_req){ .side = TD_SIDE_SELL, .qty = 1, .type = TD_OT_MARKET, .limit = 5, .stop = TD_PX_NONE };
	assert_int_equal(td_order_req_check(&r, why, sizeof why), -1);
	assert_string_equal(why, "a market order takes no limit price");
	r = (td_order_req){ .side = TD_SIDE_SELL, .qty = 1, .type = TD_OT_STOP_LIMIT, .limit = 5, .stop = TD_PX_NONE };
	assert_int_equal(td_order_req_check(&r, why, sizeof why), -1);
	assert_string_equal(why, "a stop-limit order needs a stop price");
	r = (td_order_req){ .side = TD_SIDE_SELL, .qty = 1, .type = TD_OT_TRAIL_PERCENT, .limit = TD_PX_NONE,
			    .stop = TD_PX_NONE, .trail = 10000 };
	assert_int_equal(td_order_req_check(&r, why, sizeof why), -1);
	r.trail = 150;
	assert_int_equal(td_order_req_check(&r, why, sizeof why), 0);
	r.side = TD_SIDE_NONE;
	assert_int_equal(td_order_req_check(&r, why, sizeof why), -1);
}

static void test_names(void **state)
{
	(void)state;
	td_order_type t;
	td_tif f;
	assert_int_equal(td_order_type_parse("lmt", &t), 0);
	assert_int_equal(t, TD_OT_LIMIT);
	assert_int_equal(td_order_type_parse("mkt", &t), 0);
	assert_int_equal(t, TD_OT_MARKET);
	assert_int_equal(td_order_type_parse("trail%", &t), 0);
	assert_int_equal(t, TD_OT_TRAIL_PERCENT);
	assert_int_equal(td_order_type_parse("lm", &t), -1);
	assert_int_equal(td_order_type_parse("", &t), -1);
	assert_int_equal(td_tif_parse("gtc", &f), 0);
	assert_int_equal(f, TD_TIF_GTC);
	assert_int_equal(td_tif_parse("fok", &f), -1);
	assert_string_equal(td_order_state_name(S(PARTIAL)), "partially filled");
	assert_string_equal(td_order_state_name((td_order_state)99), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_transition),
		cmocka_unit_test(test_fills_and_average),
		cmocka_unit_test(test_fill_while_cancel_pending),
		cmocka_unit_test(test_request_check),
		cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
