/*
 * Brackets: the plan (src/oms/bracket.c) by hand, case by case, and the
 * order manager carrying one out against the paper broker: children placed
 * as the entry fills, sized to what is open, one cancelling the other, the
 * deal closed "target" or "stop", and all of it back from the journal.
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
#include "oms/bracket.h"

/* ---- the plan ------------------------------------------------------------------ */

static td_order order(const char *id, td_order_state st, int64_t qty, int64_t filled)
{
	td_order o = { .state = st, .req = { .side = TD_SIDE_BUY, .qty = qty, .type = TD_OT_LIMIT, .limit = 100,
					     .stop = TD_PX_NONE, .take_profit = 110, .stop_loss = 95 },
		       .filled = filled };
	snprintf(o.id, sizeof o.id, "%s", id);
	return o;
}

static void test_plan_nothing_before_a_fill(void **state)
{
	(void)state;
	td_order e = order("e", TD_ORD_ACCEPTED, 10, 0);
	td_bracket b = { .entry = &e };
	td_bracket_step s[TD_BRACKET_MAX_STEPS];
	assert_int_equal(td_bracket_plan(&b, s), 0);
}

static void test_plan_first_fill_places_both(void **state)
{
	(void)state;
	td_order e = order("e", TD_ORD_PARTIAL, 10, 4);
	td_bracket b = { .entry = &e };
	td_bracket_step s[TD_BRACKET_MAX_STEPS];
	assert_int_equal(td_bracket_plan(&b, s), 2);
	assert_int_equal(s[0].act, TD_BA_PLACE);
	assert_int_equal(s[0].role, TD_OR_TARGET);
	assert_int_equal(s[0].qty, 4);
	assert_int_equal(s[1].act, TD_BA_PLACE);
	assert_int_equal(s[1].role, TD_OR_STOP);
	assert_int_equal(s[1].qty, 4);
	/* only the prices asked for */
	e.req.take_profit = 0;
	assert_int_equal(td_bracket_plan(&b, s), 1);
	assert_int_equal(s[0].role, TD_OR_STOP);
}

/* The entry fills 10 of 10; children of 4 grow to 10. */
static void test_plan_children_follow_the_entry(void **state)
{
	(void)state;
	td_order e = order("e", TD_ORD_FILLED, 10, 10);
	td_order t = order("t", TD_ORD_ACCEPTED, 4, 0), st = order("s", TD_ORD_ACCEPTED, 4, 0);
	td_bracket b = { .entry = &e, .target = &t, .stop = &st };
	td_bracket_step s[TD_BRACKET_MAX_STEPS];
	assert_int_equal(td_bracket_plan(&b, s), 2);
	assert_int_equal(s[0].act, TD_BA_MODIFY);
	assert_string_equal(s[0].id, "t");
	assert_int_equal(s[0].qty, 10);
	assert_string_equal(s[1].id, "s");
	assert_int_equal(s[1].qty, 10);
	/* in line already: nothing */
	t.req.qty = st.req.qty = 10;
	assert_int_equal(td_bracket_plan(&b, s), 0);
	/* a child the broker has not acknowledged yet waits */
	t.req.qty = 4;
	t.state = TD_ORD_PENDING;
	assert_int_equal(td_bracket_plan(&b, s), 0);
}

/* The target fills 3 of 10: the stop shrinks to 7 (the target's own 7 are open already). */
static void test_plan_partial_exit_shrinks_the_other(void **state)
{
	(void)state;
	td_order e = order("e", TD_ORD_FILLED, 10, 10);
	td_order t = order("t", TD_ORD_PARTIAL, 10, 3), st = order("s", TD_ORD_ACCEPTED, 10, 0);
	td_bracket b = { .entry = &e, .target = &t, .stop = &st, .exited = 3 };
	td_bracket_step s[TD_BRACKET_MAX_STEPS];
	assert_int_equal(td_bracket_plan(&b, s), 1);
	assert_int_equal(s[0].act, TD_BA_MODIFY);
	assert_string_equal(s[0].id, "s");
	assert_int_equal(s[0].qty, 7);
}

/* The target fills everything the entry filled: the stop and the entry's rest are cancelled. */
static void test_plan_one_cancels_the_other(void **state)
{
	(void)state;
	td_order e = order("e", TD_ORD_PARTIAL, 20, 10);
	td_order t = order("t", TD_ORD_FILLED, 10, 10), st = order("s", TD_ORD_ACCEPTED, 10, 0);
	td_bracket b = { .entry = &e, .target = &t, .stop = &st, .exited = 10 };
	td_bracket_step s[TD_BRACKET_MAX_STEPS];
	assert_int_equal(td_bracket_plan(&b, s), 2);
	assert_int_equal(s[0].act, TD_BA_CANCEL);
	assert_string_equal(s[0].id, "e");
	assert_int_equal(s[1].act, TD_BA_CANCEL);
	assert_string_equal(s[1].id, "s");
	/* once asked, not again */
	st.state = TD_ORD_CANCEL_PENDING;
	e.state = TD_ORD_CANCEL_PENDING;
	assert_int_equal(td_bracket_plan(&b, s), 0);
}

/* A child the broker rejected is not sent again; the other one still is. */
static void test_plan_rejected_child_stays_gone(void **state)
{
	(void)state;
	td_order e = order("e", TD_ORD_FILLED, 10, 10);
	td_order st = order("s", TD_ORD_REJECTED, 10, 0);
	td_bracket b = { .entry = &e, .stop = &st };
	td_bracket_step s[TD_BRACKET_MAX_STEPS];
	assert_int_equal(td_bracket_plan(&b, s), 1);
	assert_int_equal(s[0].act, TD_BA_PLACE);
	assert_int_equal(s[0].role, TD_OR_TARGET);
}

static void test_child_request(void **state)
{
	(void)state;
	td_order_req e = { .side = TD_SIDE_SELL, .qty = 9, .type = TD_OT_MARKET, .tif = TD_TIF_IOC, .limit = TD_PX_NONE,
			   .stop = TD_PX_NONE, .take_profit = 90, .stop_loss = 105, .source = "scan" };
	td_order_req t = td_bracket_child(&e, TD_OR_TARGET, 4), s = td_bracket_child(&e, TD_OR_STOP, 4);
	assert_int_equal(t.side, TD_SIDE_BUY);
	assert_int_equal(t.type, TD_OT_LIMIT);
	assert_int_equal(t.limit, 90);
	assert_int_equal(t.tif, TD_TIF_DAY);
	assert_int_equal(s.type, TD_OT_STOP);
	assert_int_equal(s.stop, 105);
	assert_int_equal(s.qty, 4);
	assert_string_equal(s.source, "scan");
	char why[128];
	assert_int_equal(td_order_req_check(&t, why, sizeof why), 0);
	assert_int_equal(td_order_req_check(&s, why, sizeof why), 0);
}

/* A buy's target above its limit and its stop below; the mirror for a sell. */
static void test_bracket_prices_checked(void **state)
{
	(void)state;
	char why[128];
	td_order_req r = { .side = TD_SIDE_BUY, .qty = 1, .type = TD_OT_LIMIT, .limit = 100, .stop = TD_PX_NONE,
			   .take_profit = 99, .stop_loss = 95 };
	assert_int_equal(td_order_req_check(&r, why, sizeof why), -1);
	assert_non_null(strstr(why, "target must be above the limit"));
	r.take_profit = 110;
	r.stop_loss = 101;
	assert_int_equal(td_order_req_check(&r, why, sizeof why), -1);
	assert_non_null(strstr(why, "stop-loss must be below"));
	r.stop_loss = 95;
	assert_int_equal(td_order_req_check(&r, why, sizeof why), 0);
	r.side = TD_SIDE_SELL;
	assert_int_equal(td_order_req_check(&r, why, sizeof why), -1);
	assert_non_null(strstr(why, "below the stop for a sell"));
}

/* ---- carried out against the paper broker ------------------------------------------------ */

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

static void print(td_oms *o, td_ticks px, uint32_t size)
{
	static td_ns t = 100;
	feed(o, (td_event){ .type = TD_EV_TRADE, .instr = spy, .exch_ns = ++t, .u.trade = { .px = px, .size = size } });
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/td_bracket_XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof path, "%s/orders.journal", dir);
	setenv("XDG_CONFIG_HOME", dir, 1);
	reg = td_registry_new(4);
	td_instrument u = { .kind = TD_INS_EQUITY, .symbol = "SPY", .px = { 1, 2 }, .multiplier = 1,
			    .underlying = TD_NO_ID };
	spy = td_registry_add(reg, &u);
	m = td_market_new(reg);
	feed(NULL, (td_event){ .type = TD_EV_STATUS, .exch_ns = 1,
			       .u.status = { .kind = TD_ST_PHASE, .phase = TD_PHASE_REGULAR } });
	print(NULL, 57000, 1);
	feed(NULL, (td_event){ .type = TD_EV_LEVEL, .instr = spy, .exch_ns = 3,
			       .u.level = { .px = 57002, .size = 500, .side = TD_SIDE_SELL } });
	feed(NULL, (td_event){ .type = TD_EV_LEVEL, .instr = spy, .exch_ns = 3,
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

static td_desk *open_desk(void)
{
	td_config c;
	td_config_defaults(&c);
	snprintf(c.journal, sizeof c.journal, "%s", path);
	td_oms_recovery rec;
	char err[256];
	td_desk *d = td_desk_open(&c, td_session_find("us"), reg, m, &rec, err, sizeof err);
	if (!d)
		fail_msg("%s", err);
	return d;
}

static void send(td_oms *o, td_order_req r, char *id)
{
	char err[256];
	td_ticket t;
	if (td_oms_ticket(o, &r, &t, err, sizeof err) < 0)
		fail_msg("%s", err);
	td_ticket_key(&t, '\n');
	td_ticket_key(&t, 'y');
	if (td_oms_send(o, &t, id, TD_ORDER_ID_MAX, err, sizeof err) < 0)
		fail_msg("%s", err);
}

/* The child of a role of entry id, or NULL. */
static const td_order *child(td_oms *o, const char *id, td_order_role role)
{
	size_t n;
	const td_order *all = td_oms_orders(o, &n);
	const td_order *found = NULL;
	for (size_t i = 0; i < n; i++)
		if (strcmp(all[i].parent, id) == 0 && all[i].role == role)
			found = &all[i];
	return found;
}

/*
 * Buy 10 at 570.00 with a target at 571.00 and a stop at 569.00.  Prints
 * through the limit fill 4 then 6; the target fills 3 then 7 at 571.00.
 * Gross: (571.00 - 570.00) x 10 = 10.00, closed by the target.
 */
static void run_target(td_oms *o, char *id)
{
	send(o, (td_order_req){ .instr = spy, .side = TD_SIDE_BUY, .qty = 10, .type = TD_OT_LIMIT, .tif = TD_TIF_DAY,
				.limit = 57000, .stop = TD_PX_NONE, .take_profit = 57100, .stop_loss = 56900 },
	     id);
	assert_null(child(o, id, TD_OR_TARGET));
	print(o, 56999, 4);
	assert_int_equal(td_oms_find(o, id)->filled, 4);
	assert_int_equal(child(o, id, TD_OR_TARGET)->req.qty, 4);
	assert_int_equal(child(o, id, TD_OR_STOP)->req.qty, 4);
	assert_int_equal(child(o, id, TD_OR_STOP)->req.side, TD_SIDE_SELL);
	print(o, 56999, 6);
	assert_int_equal(child(o, id, TD_OR_TARGET)->req.qty, 10);
	assert_int_equal(child(o, id, TD_OR_STOP)->req.qty, 10);
	print(o, 57101, 3);
	assert_int_equal(child(o, id, TD_OR_TARGET)->filled, 3);
	assert_int_equal(td_order_open_qty(child(o, id, TD_OR_STOP)), 7);
	print(o, 57105, 50);
	assert_int_equal(child(o, id, TD_OR_TARGET)->state, TD_ORD_FILLED);
	assert_int_equal(child(o, id, TD_OR_STOP)->state, TD_ORD_CANCELLED);
}

static void check_target_deal(td_oms *o)
{
	size_t n;
	const td_deal *d = td_book_deals(td_oms_book(o), &n);
	assert_int_equal(n, 1);
	assert_near(d[0].gross, 10.0, 1e-9);
	assert_int_equal(d[0].closed_by, TD_CLOSE_TARGET);
	assert_string_equal(d[0].source, "manual");
	assert_near(td_book_position(td_oms_book(o), spy)->qty, 0, 0);
}

static void test_bracket_to_target_and_back_from_journal(void **state)
{
	(void)state;
	char id[TD_ORDER_ID_MAX];
	td_desk *d = open_desk();
	run_target(td_desk_oms(d), id);
	check_target_deal(td_desk_oms(d));
	td_desk_close(d);
	d = open_desk();
	td_oms *o = td_desk_oms(d);
	check_target_deal(o);
	assert_int_equal(child(o, id, TD_OR_TARGET)->state, TD_ORD_FILLED);
	assert_int_equal(child(o, id, TD_OR_STOP)->state, TD_ORD_CANCELLED);
	assert_int_equal(child(o, id, TD_OR_TARGET)->req.qty, 10);
	td_desk_close(d);
	unlink(path);
}

/*
 * Sell 5 at market with a stop at 571.00 (and a target at 568.00): it takes
 * the bid at 569.98.  A print at 571.00 triggers the stop, which buys 5 at
 * the ask 570.02.  Gross (569.98 - 570.02) x 5 = -0.20, closed by the stop;
 * the target is cancelled.
 */
static void test_bracket_to_stop(void **state)
{
	(void)state;
	char id[TD_ORDER_ID_MAX];
	td_desk *d = open_desk();
	td_oms *o = td_desk_oms(d);
	send(o, (td_order_req){ .instr = spy, .side = TD_SIDE_SELL, .qty = 5, .type = TD_OT_MARKET, .tif = TD_TIF_DAY,
				.limit = TD_PX_NONE, .stop = TD_PX_NONE, .take_profit = 56800, .stop_loss = 57100,
				.source = "scan" },
	     id);
	assert_int_equal(td_oms_find(o, id)->state, TD_ORD_FILLED);
	assert_int_equal(child(o, id, TD_OR_STOP)->req.side, TD_SIDE_BUY);
	print(o, 57100, 1);
	assert_int_equal(child(o, id, TD_OR_STOP)->state, TD_ORD_FILLED);
	assert_int_equal(child(o, id, TD_OR_TARGET)->state, TD_ORD_CANCELLED);
	size_t n;
	const td_deal *deal = td_book_deals(td_oms_book(o), &n);
	assert_int_equal(n, 1);
	assert_near(deal[0].gross, (569.98 - 570.02) * 5, 1e-9);
	assert_int_equal(deal[0].closed_by, TD_CLOSE_STOP);
	assert_string_equal(deal[0].source, "scan");
	td_desk_close(d);
	unlink(path);
}

/* A modify ticket: shown with its checks, sent on Enter then y, journalled, and the order changes when the broker confirms. */
static void test_modify_ticket(void **state)
{
	(void)state;
	char id[TD_ORDER_ID_MAX], err[256], got[TD_ORDER_ID_MAX];
	td_desk *d = open_desk();
	td_oms *o = td_desk_oms(d);
	send(o, (td_order_req){ .instr = spy, .side = TD_SIDE_BUY, .qty = 10, .type = TD_OT_LIMIT, .tif = TD_TIF_DAY,
				.limit = 56990, .stop = TD_PX_NONE },
	     id);
	td_ticket t;
	assert_int_equal(td_oms_modify_ticket(o, id, 20, 56995, TD_PX_NONE, &t, err, sizeof err), 0);
	assert_int_equal(t.req.qty, 20);
	assert_int_equal(t.req.limit, 56995);
	assert_int_equal(td_oms_send(o, &t, got, sizeof got, err, sizeof err), -1);   /* not confirmed */
	assert_int_equal(td_oms_find(o, id)->req.qty, 10);
	td_ticket_key(&t, '\n');
	td_ticket_key(&t, 'y');
	assert_int_equal(td_oms_send(o, &t, got, sizeof got, err, sizeof err), 0);
	assert_string_equal(got, id);
	assert_int_equal(td_oms_find(o, id)->req.qty, 20);
	assert_int_equal(td_oms_find(o, id)->req.limit, 56995);
	/* a quantity at or below what is filled, and an order that is not working, are refused */
	assert_int_equal(td_oms_cancel(o, id, err, sizeof err), 0);
	assert_int_equal(td_oms_modify_ticket(o, id, 30, TD_PX_NONE, TD_PX_NONE, &t, err, sizeof err), -1);
	assert_non_null(strstr(err, "only a working order"));
	td_desk_close(d);
	d = open_desk();
	assert_int_equal(td_oms_find(td_desk_oms(d), id)->req.qty, 20);
	td_desk_close(d);
	unlink(path);
}

/* The fills pane's log: every fill with its order, role and price, and the same after a restart. */
static void test_fill_log(void **state)
{
	(void)state;
	char id[TD_ORDER_ID_MAX];
	td_desk *d = open_desk();
	run_target(td_desk_oms(d), id);
	size_t n;
	const td_oms_fill *f = td_oms_fills(td_desk_oms(d), &n);
	assert_int_equal(n, 4);
	assert_int_equal(f[0].qty + f[1].qty, 10);
	assert_int_equal(f[1].px, 57000);
	assert_int_equal(f[2].role, TD_OR_TARGET);
	assert_int_equal(f[2].qty + f[3].qty, 10);
	assert_int_equal(f[3].px, 57100);
	char last[TD_ORDER_ID_MAX];
	snprintf(last, sizeof last, "%s", f[3].id);
	td_desk_close(d);
	d = open_desk();
	const td_oms_fill *g = td_oms_fills(td_desk_oms(d), &n);
	assert_int_equal(n, 4);
	assert_int_equal(g[3].px, 57100);
	assert_string_equal(g[3].id, last);
	td_desk_close(d);
	unlink(path);
}

/*
 * Sizing by risk, by hand: capital c (config), buy at limit 570.00 with the
 * stop-loss at 569.00 loses 1.00 a share, so 1 % of c buys c / 100 shares;
 * 500 with the stop at 569.50 buys 1,000; at market the price is the ask
 * 570.02, 1.02 a share, 500 / 1.02 = 490.2, so 490.
 */
static void test_sizing(void **state)
{
	(void)state;
	td_config c;
	td_config_defaults(&c);
	td_desk *d = open_desk();
	td_oms *o = td_desk_oms(d);
	char note[128], err[200];
	td_order_req r = { .instr = spy, .side = TD_SIDE_BUY, .type = TD_OT_LIMIT, .tif = TD_TIF_DAY, .limit = 57000,
			   .stop = TD_PX_NONE, .stop_loss = 56900 };
	td_order_sizing pct = { .set = true, .pct = true, .amount = 1 }, money = { .set = true, .amount = 500 };
	assert_int_equal(td_oms_size(o, &r, &pct, note, sizeof note, err, sizeof err), 0);
	assert_int_equal(r.qty, (int64_t)(c.capital / 100));
	assert_non_null(strstr(note, "1% of"));
	r.stop_loss = 56950;
	assert_int_equal(td_oms_size(o, &r, &money, note, sizeof note, err, sizeof err), 0);
	assert_int_equal(r.qty, 1000);
	r.type = TD_OT_MARKET;
	r.limit = TD_PX_NONE;
	r.stop_loss = 56900;
	feed(NULL, (td_event){ .type = TD_EV_QUOTE, .instr = spy, .exch_ns = 1000,
			       .u.quote = { .bid = 56998, .ask = 57002, .bid_sz = 500, .ask_sz = 500 } });
	assert_int_equal(td_oms_size(o, &r, &money, note, sizeof note, err, sizeof err), 0);
	assert_int_equal(r.qty, 490);
	/* a stop-loss above a buy's price, and less than one unit, are refused */
	r.stop_loss = 57100;
	assert_int_equal(td_oms_size(o, &r, &money, note, sizeof note, err, sizeof err), -1);
	assert_non_null(strstr(err, "is not below the price"));
	r.stop_loss = 56900;
	money.amount = 0.5;
	assert_int_equal(td_oms_size(o, &r, &money, note, sizeof note, err, sizeof err), -1);
	assert_non_null(strstr(err, "less than one unit"));
	td_desk_close(d);
	unlink(path);
}

/*
 * A trailing sell stop 0.50 behind the best print: placed at 570.00 it
 * triggers at 569.50; prints at 570.40 and 570.80 move it to 569.90 and
 * 570.30; a print back at 570.50 leaves it; once it has triggered there is
 * no working stop.
 */
static void test_trailing_stop_reported(void **state)
{
	(void)state;
	char id[TD_ORDER_ID_MAX];
	td_desk *d = open_desk();
	td_oms *o = td_desk_oms(d);
	send(o, (td_order_req){ .instr = spy, .side = TD_SIDE_BUY, .qty = 5, .type = TD_OT_MARKET, .tif = TD_TIF_DAY,
				.limit = TD_PX_NONE, .stop = TD_PX_NONE },
	     id);
	print(o, 57000, 1);
	send(o, (td_order_req){ .instr = spy, .side = TD_SIDE_SELL, .qty = 5, .type = TD_OT_TRAIL_AMOUNT,
				.tif = TD_TIF_DAY, .limit = TD_PX_NONE, .stop = TD_PX_NONE, .trail = 50 },
	     id);
	assert_int_equal(td_oms_working_stop(o, td_oms_find(o, id)), 56950);
	print(o, 57040, 1);
	assert_int_equal(td_oms_working_stop(o, td_oms_find(o, id)), 56990);
	print(o, 57080, 1);
	print(o, 57050, 1);
	assert_int_equal(td_oms_working_stop(o, td_oms_find(o, id)), 57030);
	print(o, 57030, 1);
	assert_int_equal(td_oms_find(o, id)->state, TD_ORD_FILLED);
	assert_int_equal(td_oms_working_stop(o, td_oms_find(o, id)), TD_PX_NONE);
	td_desk_close(d);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plan_nothing_before_a_fill),
		cmocka_unit_test(test_plan_first_fill_places_both),
		cmocka_unit_test(test_plan_children_follow_the_entry),
		cmocka_unit_test(test_plan_partial_exit_shrinks_the_other),
		cmocka_unit_test(test_plan_one_cancels_the_other),
		cmocka_unit_test(test_plan_rejected_child_stays_gone),
		cmocka_unit_test(test_child_request),
		cmocka_unit_test(test_bracket_prices_checked),
		cmocka_unit_test(test_bracket_to_target_and_back_from_journal),
		cmocka_unit_test(test_bracket_to_stop),
		cmocka_unit_test(test_modify_ticket),
		cmocka_unit_test(test_fill_log),
		cmocka_unit_test(test_sizing),
		cmocka_unit_test(test_trailing_stop_reported),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
