/*
 * Multi-leg orders: the strategies' legs and sides as their definitions
 * say, net prices and margins worked by hand, and the order manager with
 * the paper broker filling the legs together only at the net asked,
 * cancelling them together, and rebuilding the group from the journal.
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

#include "core/time.h"
#include "engine/desk.h"
#include "near.h"
#include "oms/combo.h"

static char dir[64], path[128];
static td_registry *reg;
static td_market *m;
static uint32_t spy;
static int64_t dec, jan;

/* The option of SPY at this expiry, right and strike, added to the registry. */
static uint32_t add_option(int64_t expiry, char right, int strike)
{
	td_instrument x = { .kind = TD_INS_OPTION, .px = { 1, 2 }, .multiplier = 100, .underlying = spy,
			    .expiry_days = expiry, .style = TD_EXERCISE_AMERICAN };
	int y, mo, d;
	td_civil_from_days(expiry, &y, &mo, &d);
	x.occ = (td_occ){ .root = "SPY", .year = y, .month = mo, .day = d, .right = right,
			  .strike_milli = (int64_t)strike * 1000 };
	td_occ_format_compact(&x.occ, x.symbol, sizeof x.symbol);
	return td_registry_add(reg, &x);
}

static uint32_t opt(int64_t expiry, char right, int strike)
{
	char sym[TD_SYMBOL_MAX];
	int y, mo, d;
	td_civil_from_days(expiry, &y, &mo, &d);
	td_occ o = { .root = "SPY", .year = y, .month = mo, .day = d, .right = right, .strike_milli = (int64_t)strike * 1000 };
	td_occ_format_compact(&o, sym, sizeof sym);
	return td_registry_find(reg, sym);
}

static void feed(td_oms *o, td_event ev)
{
	td_market_apply(m, &ev);
	if (o)
		td_oms_on_market(o, &ev);
}

/* A two-sided quote of an option, prices in cents. */
static void quote(td_oms *o, uint32_t id, td_ticks bid, int32_t bsz, td_ticks ask, int32_t asz)
{
	static td_ns t = 10;
	feed(o, (td_event){ .type = TD_EV_OPTQ, .instr = id, .exch_ns = ++t,
			    .u.optq = { .bid = bid, .ask = ask, .bid_sz = bsz, .ask_sz = asz, .oi = 100 } });
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/td_combo_XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof path, "%s/orders.journal", dir);
	setenv("XDG_CONFIG_HOME", dir, 1);
	reg = td_registry_new(16);
	td_instrument u = { .kind = TD_INS_EQUITY, .symbol = "SPY", .px = { 1, 2 }, .multiplier = 1,
			    .underlying = TD_NO_ID };
	spy = td_registry_add(reg, &u);
	dec = td_days_from_civil(2026, 12, 18);
	jan = td_days_from_civil(2027, 1, 15);
	add_option(dec, 'C', 600);
	add_option(dec, 'C', 610);
	add_option(dec, 'C', 620);
	add_option(dec, 'P', 580);
	add_option(dec, 'P', 590);
	add_option(dec, 'P', 600);
	add_option(jan, 'C', 600);
	add_option(jan, 'C', 610);
	m = td_market_new(reg);
	feed(NULL, (td_event){ .type = TD_EV_STATUS, .exch_ns = 1,
			       .u.status = { .kind = TD_ST_PHASE, .phase = TD_PHASE_REGULAR } });
	feed(NULL, (td_event){ .type = TD_EV_TRADE, .instr = spy, .exch_ns = 2, .u.trade = { .px = 60000, .size = 1 } });
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

static td_combo_req parse_ok(const char *line)
{
	td_combo_req c;
	char err[200];
	if (td_combo_parse(line, reg, &c, err, sizeof err) < 0)
		fail_msg("%s: %s", line, err);
	return c;
}

static void parse_fails(const char *line, const char *why)
{
	td_combo_req c;
	char err[200];
	assert_int_equal(td_combo_parse(line, reg, &c, err, sizeof err), -1);
	if (!strstr(err, why))
		fail_msg("%s: said '%s', wanted '%s'", line, err, why);
}

static void assert_leg(const td_combo_req *c, size_t i, uint32_t instr, td_side side)
{
	assert_int_equal(c->legs[i].instr, instr);
	assert_int_equal(c->legs[i].side, side);
}

/* ---- the strategies ---------------------------------------------------------------- */

static void test_vertical_legs(void **state)
{
	(void)state;
	td_combo_req c = parse_ok("buy 2 vertical SPY 2026-12-18 C 600 610 lmt 3.20 gtc");
	assert_int_equal(c.kind, TD_CK_VERTICAL);
	assert_int_equal(c.n, 2);
	assert_int_equal(c.qty, 2);
	assert_int_equal(c.limit, 320);
	assert_int_equal(c.tif, TD_TIF_GTC);
	assert_leg(&c, 0, opt(dec, 'C', 600), TD_SIDE_BUY);
	assert_leg(&c, 1, opt(dec, 'C', 610), TD_SIDE_SELL);
	assert_int_equal(td_combo_max_debit(&c), 320);
	/* selling the same vertical trades both legs the other way and asks a credit */
	c = parse_ok("sell 2 vertical SPY 2026-12-18 c 600 610 lmt 3.20");
	assert_leg(&c, 0, opt(dec, 'C', 600), TD_SIDE_SELL);
	assert_leg(&c, 1, opt(dec, 'C', 610), TD_SIDE_BUY);
	assert_int_equal(td_combo_max_debit(&c), -320);
	assert_int_equal(c.tif, TD_TIF_DAY);
	/* a bought strategy may ask a credit with a negative net */
	c = parse_ok("buy 1 vertical SPY 2026-12-18 C 610 600 lmt -0.50");
	assert_int_equal(c.limit, -50);
	c = parse_ok("buy 1 vertical SPY 2026-12-18 C 600 610 mkt");
	assert_int_equal(c.limit, TD_PX_NONE);
	assert_int_equal(td_combo_max_debit(&c), TD_PX_NONE);
}

static void test_other_strategies(void **state)
{
	(void)state;
	td_combo_req c = parse_ok("buy 1 straddle SPY 2026-12-18 600 lmt 9");
	assert_leg(&c, 0, opt(dec, 'C', 600), TD_SIDE_BUY);
	assert_leg(&c, 1, opt(dec, 'P', 600), TD_SIDE_BUY);
	c = parse_ok("sell 1 strangle SPY 2026-12-18 590 610");
	assert_leg(&c, 0, opt(dec, 'P', 590), TD_SIDE_SELL);
	assert_leg(&c, 1, opt(dec, 'C', 610), TD_SIDE_SELL);
	/* a sold iron condor: short the inner put and call, long the wings */
	c = parse_ok("sell 3 condor SPY 2026-12-18 580 590 610 620 lmt 2.00");
	assert_int_equal(c.n, 4);
	assert_leg(&c, 0, opt(dec, 'P', 580), TD_SIDE_BUY);
	assert_leg(&c, 1, opt(dec, 'P', 590), TD_SIDE_SELL);
	assert_leg(&c, 2, opt(dec, 'C', 610), TD_SIDE_SELL);
	assert_leg(&c, 3, opt(dec, 'C', 620), TD_SIDE_BUY);
	/* a bought calendar sells the near month and buys the far one */
	c = parse_ok("buy 1 calendar SPY 2026-12-18 2027-01-15 C 600 lmt 2.50");
	assert_leg(&c, 0, opt(dec, 'C', 600), TD_SIDE_SELL);
	assert_leg(&c, 1, opt(jan, 'C', 600), TD_SIDE_BUY);
}

static void test_parse_errors(void **state)
{
	(void)state;
	parse_fails("buy 1 butterfly SPY 2026-12-18 C 600 610 620", "'butterfly' is not a strategy");
	parse_fails("buy 1 vertical QQQ 2026-12-18 C 600 610", "unknown underlying 'QQQ'");
	parse_fails("buy 1 vertical SPY 2026-13-18 C 600 610", "is not an expiry");
	parse_fails("buy 1 vertical SPY 2026-12-18 X 600 610", "'X' is not a right");
	parse_fails("buy 1 vertical SPY 2026-12-18 C 600 605", "no SPY 2026-12-18 C 605 listed");
	parse_fails("buy 0 vertical SPY 2026-12-18 C 600 610", "'0' is not a quantity");
	parse_fails("buy 1 vertical SPY 2026-12-18 C 600", "is not a strike");
	parse_fails("buy 1 vertical SPY 2026-12-18 C 600 610 lmt 3.205", "net price '3.205'");
	parse_fails("buy 1 vertical SPY 2026-12-18 C 600 610 lmt 3 lmt 4", "'lmt' is not understood here");
	parse_fails("hold 1 vertical SPY 2026-12-18 C 600 610", "expected buy or sell");
}

static void test_roll(void **state)
{
	(void)state;
	td_combo_req c;
	char err[200];
	/* long 3 December 600 calls to January, same strike: sell December, buy January */
	assert_int_equal(td_combo_roll(reg, opt(dec, 'C', 600), 3, "2027-01-15 lmt 1.10", &c, err, sizeof err), 0);
	assert_int_equal(c.kind, TD_CK_ROLL);
	assert_int_equal(c.qty, 3);
	assert_int_equal(c.side, TD_SIDE_BUY);
	assert_leg(&c, 0, opt(dec, 'C', 600), TD_SIDE_SELL);
	assert_leg(&c, 1, opt(jan, 'C', 600), TD_SIDE_BUY);
	assert_int_equal(c.limit, 110);
	/* short 2, rolled up and out: buy back December, sell January 610 */
	assert_int_equal(td_combo_roll(reg, opt(dec, 'C', 600), -2, "2027-01-15 610", &c, err, sizeof err), 0);
	assert_int_equal(c.qty, 2);
	assert_leg(&c, 0, opt(dec, 'C', 600), TD_SIDE_BUY);
	assert_leg(&c, 1, opt(jan, 'C', 610), TD_SIDE_SELL);
	assert_int_equal(td_combo_roll(reg, opt(dec, 'C', 600), 1, "2026-12-18", &c, err, sizeof err), -1);
	assert_non_null(strstr(err, "itself"));
	assert_int_equal(td_combo_roll(reg, opt(dec, 'C', 600), 0, "2027-01-15", &c, err, sizeof err), -1);
	assert_non_null(strstr(err, "no position"));
	assert_int_equal(td_combo_roll(reg, spy, 100, "2027-01-15", &c, err, sizeof err), -1);
	assert_non_null(strstr(err, "only an option"));
	assert_int_equal(td_combo_roll(reg, opt(dec, 'C', 600), 1, "2027-02-19", &c, err, sizeof err), -1);
	assert_non_null(strstr(err, "no SPY 2027-02-19 C 600 listed"));
}

/* Net per unit: legs bought count up, legs sold down. */
static void test_net(void **state)
{
	(void)state;
	td_combo_req c = parse_ok("sell 1 condor SPY 2026-12-18 580 590 610 620");
	td_ticks px[4] = { 120, 250, 230, 100 };
	/* +1.20 - 2.50 - 2.30 + 1.00 = -2.60: the condor brings in 2.60 */
	assert_int_equal(td_combo_net(&c, px), -260);
}

/* Margins worked by hand (doc/orders.md "Multi-leg orders"). */
static void test_margin(void **state)
{
	(void)state;
	double naked[4] = { 1000, 2000, 3000, 4000 };
	int64_t same[4] = { 0, 0, 0, 0 }, cal[2] = { 0, 28 };
	/* a bought call vertical at 3.50: the debit, 3.50 x 100 x 2 */
	td_combo_req c = parse_ok("buy 2 vertical SPY 2026-12-18 C 600 610");
	double px[4] = { 5.00, 1.50 }, k[4] = { 600, 610 };
	bool call[4] = { true, true };
	assert_near(td_combo_margin(&c, px, k, call, same, naked, 100), 700, 1e-9);
	/* sold: 3.50 in, the width 10 at risk: (10 - 3.50) x 100 x 2 */
	c = parse_ok("sell 2 vertical SPY 2026-12-18 C 600 610");
	double sold[2] = { 5.00, 1.50 };
	assert_near(td_combo_margin(&c, sold, k, call, same, naked, 100), 1300, 1e-9);
	/* a sold iron condor for 2.60 with 10-wide wings: (10 - 2.60) x 100 */
	c = parse_ok("sell 1 condor SPY 2026-12-18 580 590 610 620");
	double cpx[4] = { 1.20, 2.50, 2.30, 1.00 }, ck[4] = { 580, 590, 610, 620 };
	bool ccall[4] = { false, false, true, true };
	assert_near(td_combo_margin(&c, cpx, ck, ccall, same, naked, 100), 740, 1e-9);
	/* a sold straddle has no floor: the legs' naked margins */
	c = parse_ok("sell 1 straddle SPY 2026-12-18 600");
	double spx[2] = { 5, 4 }, sk[2] = { 600, 600 };
	bool scall[2] = { true, false };
	assert_near(td_combo_margin(&c, spx, sk, scall, same, naked, 100), 3000, 1e-9);
	/* a bought calendar: the debit, (6.20 - 5.00) x 100; sold, naked */
	c = parse_ok("buy 1 calendar SPY 2026-12-18 2027-01-15 C 600");
	double kpx[2] = { 5.00, 6.20 }, kk[2] = { 600, 600 };
	assert_near(td_combo_margin(&c, kpx, kk, call, cal, naked, 100), 120, 1e-9);
	c = parse_ok("sell 1 calendar SPY 2026-12-18 2027-01-15 C 600");
	assert_near(td_combo_margin(&c, kpx, kk, call, cal, naked, 100), 3000, 1e-9);
}

/* ---- with the order manager and the paper broker ------------------------------------------ */

static td_desk *open_desk(int64_t max_position)
{
	td_config c;
	td_config_defaults(&c);
	snprintf(c.journal, sizeof c.journal, "%s", path);
	c.max_position = max_position;
	td_oms_recovery rec;
	char err[256];
	td_desk *d = td_desk_open(&c, td_session_find("us"), reg, m, &rec, err, sizeof err);
	if (!d)
		fail_msg("%s", err);
	return d;
}

static void send_combo(td_oms *o, const char *line, char *id)
{
	td_combo_ticket ct;
	td_combo_req c = parse_ok(line);
	char err[256];
	if (td_oms_combo_ticket(o, &c, &ct, err, sizeof err) < 0)
		fail_msg("%s", err);
	td_ticket_key(&ct.t, '\n');
	td_ticket_key(&ct.t, 'y');
	if (td_oms_send_combo(o, &ct, id, TD_ORDER_ID_MAX, err, sizeof err) < 0)
		fail_msg("%s", err);
}

/* The legs of group id, in order. */
static size_t legs_of(td_oms *o, const char *id, const td_order **out)
{
	size_t n, k = 0;
	const td_order *all = td_oms_orders(o, &n);
	for (size_t i = 0; i < n; i++)
		if (all[i].role == TD_OR_LEG && strcmp(all[i].parent, id) == 0)
			out[k++] = &all[i];
	return k;
}

static double held(td_oms *o, uint32_t id)
{
	return td_book_position(td_oms_book(o), id)->qty;
}

static void vertical_quotes(td_oms *o)
{
	quote(o, opt(dec, 'C', 600), 490, 10, 500, 10);
	quote(o, opt(dec, 'C', 610), 150, 10, 160, 10);
}

/*
 * Buy 5 600/610 call verticals at 3.20.  At 5.00 - 1.50 = 3.50 nothing
 * fills.  The 600 call offered at 4.70 for 3 makes 3.20: 3 units fill,
 * each leg at its touch; 10 offered fills the other 2.
 */
static void test_fills_together_at_the_net(void **state)
{
	(void)state;
	char id[TD_ORDER_ID_MAX];
	td_desk *d = open_desk(0);
	td_oms *o = td_desk_oms(d);
	vertical_quotes(o);
	send_combo(o, "buy 5 vertical SPY 2026-12-18 C 600 610 lmt 3.20", id);
	const td_order *leg[4];
	assert_int_equal(legs_of(o, id, leg), 2);
	assert_int_equal(leg[0]->state, TD_ORD_ACCEPTED);
	assert_int_equal(leg[1]->state, TD_ORD_ACCEPTED);
	assert_int_equal(leg[0]->filled + leg[1]->filled, 0);
	const td_oms_group *g = td_oms_group_find(o, id);
	assert_non_null(g);
	assert_int_equal(g->kind, TD_CK_VERTICAL);
	assert_int_equal(g->limit, 320);
	quote(o, opt(dec, 'C', 600), 460, 10, 470, 3);
	legs_of(o, id, leg);
	assert_int_equal(leg[0]->filled, 3);
	assert_int_equal(leg[1]->filled, 3);
	assert_near(td_order_avg_px(leg[0]), 470, 1e-9);
	assert_near(td_order_avg_px(leg[1]), 150, 1e-9);
	assert_int_equal(leg[0]->state, TD_ORD_PARTIAL);
	quote(o, opt(dec, 'C', 600), 460, 10, 470, 10);
	legs_of(o, id, leg);
	assert_int_equal(leg[0]->state, TD_ORD_FILLED);
	assert_int_equal(leg[1]->state, TD_ORD_FILLED);
	assert_near(held(o, opt(dec, 'C', 600)), 5, 0);
	assert_near(held(o, opt(dec, 'C', 610)), -5, 0);
	td_desk_close(d);

	/* back from the journal: the group, its legs and the positions */
	d = open_desk(0);
	o = td_desk_oms(d);
	g = td_oms_group_find(o, id);
	assert_non_null(g);
	assert_int_equal(g->qty, 5);
	assert_int_equal(g->side, TD_SIDE_BUY);
	assert_int_equal(g->first, opt(dec, 'C', 600));
	assert_int_equal(legs_of(o, id, leg), 2);
	assert_int_equal(leg[1]->req.side, TD_SIDE_SELL);
	assert_near(held(o, opt(dec, 'C', 600)), 5, 0);
	assert_near(held(o, opt(dec, 'C', 610)), -5, 0);
	td_desk_close(d);
	unlink(path);
}

/* Cancelling one leg cancels both; a leg cannot be modified. */
static void test_cancel_and_modify(void **state)
{
	(void)state;
	char id[TD_ORDER_ID_MAX], err[200];
	td_desk *d = open_desk(0);
	td_oms *o = td_desk_oms(d);
	vertical_quotes(o);
	send_combo(o, "buy 1 vertical SPY 2026-12-18 C 600 610 lmt 1.00", id);
	const td_order *leg[4];
	legs_of(o, id, leg);
	td_ticket t;
	assert_int_equal(td_oms_modify_ticket(o, leg[0]->id, 2, TD_PX_NONE, TD_PX_NONE, &t, err, sizeof err), -1);
	assert_non_null(strstr(err, "a leg of"));
	char second[TD_ORDER_ID_MAX];
	snprintf(second, sizeof second, "%s", leg[1]->id);
	assert_int_equal(td_oms_cancel(o, second, err, sizeof err), 0);
	legs_of(o, id, leg);
	assert_int_equal(leg[0]->state, TD_ORD_CANCELLED);
	assert_int_equal(leg[1]->state, TD_ORD_CANCELLED);
	/* the quotes coming to the net later fill nothing */
	quote(o, opt(dec, 'C', 600), 90, 10, 100, 10);
	assert_int_equal(leg[0]->filled, 0);
	td_desk_close(d);
	unlink(path);
}

/* An IOC strategy away from the net expires, every leg; a market one fills at the touches. */
static void test_ioc_and_market(void **state)
{
	(void)state;
	char id[TD_ORDER_ID_MAX];
	td_desk *d = open_desk(0);
	td_oms *o = td_desk_oms(d);
	vertical_quotes(o);
	send_combo(o, "sell 2 vertical SPY 2026-12-18 C 600 610 lmt 3.60 ioc", id);
	const td_order *leg[4];
	legs_of(o, id, leg);
	assert_int_equal(leg[0]->state, TD_ORD_EXPIRED);
	assert_int_equal(leg[1]->state, TD_ORD_EXPIRED);
	/* sold at market (1, not a duplicate of the 2 just sent): the 600 call to the 4.90 bid, the 610 bought at the 1.60 offer */
	send_combo(o, "sell 1 vertical SPY 2026-12-18 C 600 610 mkt", id);
	legs_of(o, id, leg);
	assert_int_equal(leg[0]->state, TD_ORD_FILLED);
	assert_near(td_order_avg_px(leg[0]), 490, 1e-9);
	assert_near(td_order_avg_px(leg[1]), 160, 1e-9);
	assert_near(held(o, opt(dec, 'C', 600)), -1, 0);
	assert_near(held(o, opt(dec, 'C', 610)), 1, 0);
	td_desk_close(d);
	unlink(path);
}

/* The ticket: the net at the touches, the margin, and a failed check named with its leg. */
static void test_ticket(void **state)
{
	(void)state;
	td_desk *d = open_desk(3);
	td_oms *o = td_desk_oms(d);
	vertical_quotes(o);
	td_combo_req c = parse_ok("sell 4 vertical SPY 2026-12-18 C 600 610 lmt 3.20");
	td_combo_ticket ct;
	char err[200];
	assert_int_equal(td_oms_combo_ticket(o, &c, &ct, err, sizeof err), 0);
	/* sold: 4.90 bid in, 1.60 offer out: a credit of 3.30 */
	assert_int_equal(ct.net, 330);
	/* (10 - 3.30) x 100 x 4 */
	assert_near(ct.margin, 2680, 1e-9);
	assert_int_equal(ct.t.worst, TD_RISK_FAIL);
	bool named = false;
	for (size_t i = 0; i < ct.t.nchecks; i++)
		if (ct.t.checks[i].status == TD_RISK_FAIL && strstr(ct.t.checks[i].name, "position"))
			named = strstr(ct.t.checks[i].detail, "SPY") != NULL;
	assert_true(named);
	/* a ticket that fails cannot be armed, so nothing can be sent */
	td_ticket_key(&ct.t, '\n');
	td_ticket_key(&ct.t, 'y');
	char id[TD_ORDER_ID_MAX];
	assert_int_equal(td_oms_send_combo(o, &ct, id, sizeof id, err, sizeof err), -1);
	size_t n;
	td_oms_orders(o, &n);
	assert_int_equal(n, 0);
	td_desk_close(d);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vertical_legs),
		cmocka_unit_test(test_other_strategies),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_roll),
		cmocka_unit_test(test_net),
		cmocka_unit_test(test_margin),
		cmocka_unit_test(test_fills_together_at_the_net),
		cmocka_unit_test(test_cancel_and_modify),
		cmocka_unit_test(test_ioc_and_market),
		cmocka_unit_test(test_ticket),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
