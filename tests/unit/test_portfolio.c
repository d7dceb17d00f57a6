/*
 * Unit tests for src/engine/portfolio.c with the real engine pieces: a
 * registry with an equity, its European options, a second equity and a
 * future; a market state fed by hand; positions built by the order manager
 * through the paper broker; the option chains.
 *
 * Option quotes are Black-Scholes-Merton prices at 25 % volatility, quoted
 * 0.01 either side to 1e-8 so the mid is the price and the chain's implied
 * vol is 25 %.  Expected Greeks come from the textbook closed forms (Hull,
 * "Options, Futures, and Other Derivatives", 17.4-17.8 with a dividend
 * yield) computed here, not from the pricing module; the position figures
 * are worked out by hand from them: qty x multiplier x the option's Greek.
 */
#include <math.h>
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

#include "engine/portfolio.h"
#include "oms/oms.h"
#include "oms/paper.h"

#define SEC(x) ((td_ns)(x) * TD_NS_PER_SEC)

/* 2026-11-02 (a Monday) is day 20759; "now" is 10:00 UTC that day; options expire at 16:00 UTC. */
static const int64_t TODAY = 20759;
static const td_ns NOW = (td_ns)20759 * SEC(86400) + SEC(10 * 3600);
static const double R = 0.05, Q = 0.02, VOL = 0.25;

typedef struct fixture {
	char dir[64], path[128];
	td_registry *reg;
	td_market *m;
	td_oms *o;
	td_optchain *oc;
	td_portfolio *pf;
	uint32_t xyz, c100, p100, c110, old, abc, es;
} fixture;

/* ---- textbook Greeks ------------------------------------------------------------ */

typedef struct hull {
	double price, delta, gamma, theta, vega;   /* option.h units: theta a day, vega a point */
} hull;

static double ncdf(double x)
{
	return 0.5 * erfc(-x / sqrt(2.0));
}

static double npdf(double x)
{
	return exp(-0.5 * x * x) / sqrt(2.0 * M_PI);
}

static double years_to(int64_t exp_day)
{
	return (double)((td_ns)exp_day * SEC(86400) + SEC(16 * 3600) - NOW) / (365.0 * 86400 * 1e9);
}

/* European call (right 'C') or put on a spot with yield Q, at VOL. */
static hull bsm(char right, double S, double K, double T)
{
	double sd = VOL * sqrt(T), d1 = (log(S / K) + (R - Q + 0.5 * VOL * VOL) * T) / sd, d2 = d1 - sd;
	double dq = exp(-Q * T), dr = exp(-R * T);
	hull h = { .gamma = dq * npdf(d1) / (S * sd), .vega = S * dq * npdf(d1) * sqrt(T) / 100 };
	double decay = -S * dq * npdf(d1) * VOL / (2 * sqrt(T));
	if (right == 'C') {
		h.price = S * dq * ncdf(d1) - K * dr * ncdf(d2);
		h.delta = dq * ncdf(d1);
		h.theta = (decay - R * K * dr * ncdf(d2) + Q * S * dq * ncdf(d1)) / 365;
	} else {
		h.price = K * dr * ncdf(-d2) - S * dq * ncdf(-d1);
		h.delta = dq * (ncdf(d1) - 1);
		h.theta = (decay + R * K * dr * ncdf(-d2) - Q * S * dq * ncdf(-d1)) / 365;
	}
	return h;
}

/* ---- the market --------------------------------------------------------------------- */

static void feed(fixture *f, td_event ev)
{
	ev.exch_ns = NOW;
	assert_true(td_market_apply(f->m, &ev));
	if (f->o)
		td_oms_on_market(f->o, &ev);
}

/* A print and a two-sided quote a tick either side, deep enough for any order here. */
static void stock_at(fixture *f, uint32_t id, td_ticks px, td_ticks tick)
{
	feed(f, (td_event){ .type = TD_EV_TRADE, .instr = id, .u.trade = { .px = px, .size = 1 } });
	feed(f, (td_event){ .type = TD_EV_QUOTE, .instr = id,
			    .u.quote = { .bid = px - tick, .ask = px + tick, .bid_sz = 100000, .ask_sz = 100000 } });
}

/* An option quoted 0.01 either side of price (mid = price to 1e-8); a side not wanted is left empty. */
static void opt_quote(fixture *f, uint32_t id, double price, bool bid, bool ask)
{
	td_ticks b = (td_ticks)llround((price - 0.01) * 1e8), a = (td_ticks)llround((price + 0.01) * 1e8);
	feed(f, (td_event){ .type = TD_EV_OPTQ, .instr = id,
			    .u.optq = { .bid = bid ? b : TD_PX_NONE, .ask = ask ? a : TD_PX_NONE, .bid_sz = bid ? 1000 : 0,
					.ask_sz = ask ? 1000 : 0, .oi = 100 } });
}

static uint32_t add_option(fixture *f, int64_t exp_day, char right, double strike)
{
	td_instrument o = { .kind = TD_INS_OPTION, .px = { 1, 8 }, .multiplier = 100, .underlying = f->xyz,
			    .style = TD_EXERCISE_EUROPEAN, .expiry_days = exp_day };
	snprintf(o.occ.root, sizeof o.occ.root, "XYZ");
	td_civil_from_days(exp_day, &o.occ.year, &o.occ.month, &o.occ.day);
	o.occ.right = right;
	o.occ.strike_milli = (int64_t)llround(strike * 1000);
	td_occ_format_compact(&o.occ, o.symbol, sizeof o.symbol);
	uint32_t id = td_registry_add(f->reg, &o);
	assert_int_not_equal(id, TD_NO_ID);
	return id;
}

static uint32_t add_plain(fixture *f, const char *sym, td_ins_kind kind, td_pxfmt px, int64_t mult)
{
	td_instrument u = { .kind = kind, .px = px, .multiplier = mult, .underlying = TD_NO_ID };
	snprintf(u.symbol, sizeof u.symbol, "%s", sym);
	return td_registry_add(f->reg, &u);
}

/*
 * XYZ at 100.00 with 30-day calls at 100 and 110 and a put at 100, a call
 * that expired yesterday, ABC at 50.00 without options and the ESZ6 future
 * at 5100.00 (multiplier 50); an order manager on the paper broker.
 */
static int setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));
	if (!f)
		return -1;
	snprintf(f->dir, sizeof f->dir, "/tmp/td_portfolio_XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof f->path, "%s/orders.journal", f->dir);
	f->reg = td_registry_new(16);
	f->xyz = add_plain(f, "XYZ", TD_INS_EQUITY, (td_pxfmt){ 1, 2 }, 1);
	f->old = add_option(f, TODAY - 1, 'C', 100);
	f->p100 = add_option(f, TODAY + 30, 'P', 100);
	f->c110 = add_option(f, TODAY + 30, 'C', 110);
	f->c100 = add_option(f, TODAY + 30, 'C', 100);
	f->abc = add_plain(f, "ABC", TD_INS_EQUITY, (td_pxfmt){ 1, 2 }, 1);
	f->es = add_plain(f, "ESZ6", TD_INS_FUTURE, (td_pxfmt){ 25, 2 }, 50);
	f->m = td_market_new(f->reg);
	feed(f, (td_event){ .type = TD_EV_STATUS, .u.status = { .kind = TD_ST_PHASE, .phase = TD_PHASE_REGULAR } });
	stock_at(f, f->xyz, 10000, 1);
	stock_at(f, f->abc, 5000, 1);
	stock_at(f, f->es, 20400, 1);
	double T = years_to(TODAY + 30);
	opt_quote(f, f->c100, bsm('C', 100, 100, T).price, true, true);
	opt_quote(f, f->p100, bsm('P', 100, 100, T).price, true, true);
	opt_quote(f, f->c110, bsm('C', 100, 110, T).price, true, true);
	opt_quote(f, f->old, 1.0, true, true);

	td_paper_params pp = { .max_orders = 16, .max_events = 4 * TD_PAPER_MIN_EVENTS, .cash = 1e7 };
	td_oms_params p = { .reg = f->reg, .m = f->m, .capital = 1e7, .journal = f->path,
			    .broker = td_paper_new(f->m, f->reg, &pp) };
	td_risk_limits_default(&p.limits);
	p.limits.max_notional = 0;
	p.limits.max_gross = 0;
	char err[256];
	td_oms_recovery rec;
	f->o = td_oms_open(&p, &rec, err, sizeof err);
	if (!f->o)
		fail_msg("%s", err);
	td_optchain_params cp = { .rate = R, .yield = Q, .tz = td_tz_find("UTC"), .expiry_tod = SEC(16 * 3600),
				  .refresh_ms = 0, .iv_lookback = 365, .iv_min_days = 20 };
	f->oc = td_optchain_new(f->reg, f->m, &cp, err, sizeof err);
	f->pf = td_portfolio_new(td_registry_count(f->reg));
	assert_non_null(f->oc);
	assert_non_null(f->pf);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	td_portfolio_free(f->pf);
	td_optchain_free(f->oc);
	td_oms_close(f->o);
	td_market_free(f->m);
	td_registry_free(f->reg);
	unlink(f->path);
	rmdir(f->dir);
	free(f);
	return 0;
}

/* A market order through a confirmed ticket; it must fill. */
static void order(fixture *f, uint32_t id, td_side side, int64_t qty)
{
	td_order_req r = { .instr = id, .side = side, .qty = qty, .type = TD_OT_MARKET, .tif = TD_TIF_DAY,
			   .limit = TD_PX_NONE, .stop = TD_PX_NONE };
	char err[256], oid[TD_ORDER_ID_MAX];
	td_ticket t;
	if (td_oms_ticket(f->o, &r, &t, err, sizeof err) < 0)
		fail_msg("ticket: %s", err);
	td_ticket_key(&t, '\n');
	td_ticket_key(&t, 'y');
	if (td_oms_send(f->o, &t, oid, sizeof oid, err, sizeof err) < 0)
		fail_msg("send: %s", err);
	assert_int_equal(td_oms_find(f->o, oid)->state, TD_ORD_FILLED);
}

static const td_pf_line *update(fixture *f, size_t *n)
{
	td_portfolio_update(f->pf, td_oms_book(f->o), f->m, f->oc);
	return td_portfolio_lines(f->pf, n);
}

static const td_pf_total *group_of(fixture *f, uint32_t und)
{
	size_t n;
	const td_pf_total *g = td_portfolio_groups(f->pf, &n);
	for (size_t i = 0; i < n; i++)
		if (g[i].und == und)
			return &g[i];
	fail_msg("no group for %u", und);
	return NULL;
}

/* ---- tests ---------------------------------------------------------------------- */

/*
 * Covered call: long 100 XYZ at 100.01 (the ask), short 2 of the 110 calls.
 * Net delta = 100 - 2 x 100 x delta(110 call); gamma, theta and vega are
 * the calls' alone, times -200; the stock line has none.
 */
static void test_covered_call(void **state)
{
	fixture *f = *state;
	order(f, f->xyz, TD_SIDE_BUY, 100);
	order(f, f->c110, TD_SIDE_SELL, 2);
	size_t n;
	const td_pf_line *l = update(f, &n);
	hull c = bsm('C', 100, 110, years_to(TODAY + 30));
	assert_int_equal(n, 2);
	/* the underlying's line first */
	assert_int_equal(l[0].id, f->xyz);
	assert_true(l[0].greeks);
	assert_near(l[0].delta, 100, 0);
	assert_near(l[0].gamma, 0, 0);
	assert_near(l[0].theta, 0, 0);
	assert_near(l[0].vega, 0, 0);
	assert_near(l[0].mark, 100.00, 1e-12);
	assert_near(l[0].unrealised, (100.00 - 100.01) * 100, 1e-9);
	assert_near(l[0].delta_money, 100 * 100.00, 1e-9);
	assert_near(l[0].exposure, 100 * 100.00, 1e-9);
	/* the short calls */
	assert_int_equal(l[1].id, f->c110);
	assert_true(l[1].greeks && l[1].option);
	assert_near(l[1].qty, -2, 0);
	assert_near(l[1].delta, -200 * c.delta, 1e-4);
	assert_near(l[1].gamma, -200 * c.gamma, 1e-6);
	assert_near(l[1].theta, -200 * c.theta, 1e-4);
	assert_near(l[1].vega, -200 * c.vega, 1e-4);
	assert_near(l[1].und_px, 100, 0);
	assert_near(l[1].exposure, 2 * 100 * c.price, 1e-6);
	/* the underlying's totals, and the account's (one underlying: the same delta and gamma) */
	const td_pf_total *g = group_of(f, f->xyz);
	assert_int_equal(g->first, 0);
	assert_int_equal(g->n, 2);
	assert_int_equal(g->options, 1);
	assert_int_equal(g->open, 2);
	assert_int_equal(g->no_greeks, 0);
	assert_near(g->delta, 100 - 200 * c.delta, 1e-4);
	assert_near(g->gamma, -200 * c.gamma, 1e-6);
	assert_near(g->theta, -200 * c.theta, 1e-4);
	assert_near(g->vega, -200 * c.vega, 1e-4);
	assert_near(g->delta_money, (100 - 200 * c.delta) * 100, 1e-2);
	assert_near(g->gamma_money, -200 * c.gamma * 100 * 100 * 0.01, 1e-4);
	assert_near(g->exposure, 10000 + 200 * c.price, 1e-6);
	const td_pf_total *a = td_portfolio_account(f->pf);
	assert_int_equal(a->und, TD_NO_ID);
	assert_near(a->delta, g->delta, 0);
	assert_near(a->gamma, g->gamma, 0);
	assert_near(a->theta, g->theta, 0);
}

/*
 * The Greeks are linear in the quantity: long 3 of a call, then through
 * zero to short 3 of the same call, gives exactly the opposite figures;
 * buying the 3 back leaves a flat line (kept for its realised loss of the
 * spread) with zero Greeks and exposure, not unknown ones.
 */
static void test_long_and_short_same_contract(void **state)
{
	fixture *f = *state;
	order(f, f->c100, TD_SIDE_BUY, 3);
	size_t n;
	td_pf_line lng = update(f, &n)[0];
	assert_int_equal(n, 1);
	hull c = bsm('C', 100, 100, years_to(TODAY + 30));
	assert_near(lng.delta, 300 * c.delta, 1e-4);
	order(f, f->c100, TD_SIDE_SELL, 6);
	td_pf_line sht = update(f, &n)[0];
	assert_near(sht.qty, -3, 0);
	assert_near(sht.delta, -lng.delta, 1e-12);
	assert_near(sht.gamma, -lng.gamma, 1e-12);
	assert_near(sht.theta, -lng.theta, 1e-12);
	assert_near(sht.vega, -lng.vega, 1e-12);
	assert_near(sht.exposure, lng.exposure, 1e-12);
	order(f, f->c100, TD_SIDE_BUY, 3);
	const td_pf_line *flat = update(f, &n);
	assert_int_equal(n, 1);
	assert_near(flat[0].qty, 0, 0);
	assert_near(flat[0].realised, -0.02 * 100 * 6, 1e-5);   /* the spread, on each of the 6 contracts closed */
	assert_true(flat[0].greeks);
	assert_near(flat[0].delta, 0, 0);
	assert_near(flat[0].theta, 0, 0);
	assert_near(flat[0].exposure, 0, 0);
	const td_pf_total *g = group_of(f, f->xyz);
	assert_int_equal(g->open, 0);
	assert_int_equal(g->no_greeks, 0);
	assert_near(g->delta, 0, 0);
	assert_near(g->vega, 0, 0);
	assert_near(g->realised, flat[0].realised, 0);
}

/*
 * Long a call and short a put of the same strike and expiry is a synthetic
 * forward: delta = 100 x (delta_call - delta_put) = 100 x e^(-qT) by
 * put-call parity, gamma and vega 0 (they are equal for the call and the
 * put).  The lines come by strike, the call before the put.
 */
static void test_put_call_parity(void **state)
{
	fixture *f = *state;
	order(f, f->p100, TD_SIDE_SELL, 1);
	order(f, f->c100, TD_SIDE_BUY, 1);
	size_t n;
	const td_pf_line *l = update(f, &n);
	assert_int_equal(n, 2);
	assert_int_equal(l[0].id, f->c100);
	assert_int_equal(l[1].id, f->p100);
	double T = years_to(TODAY + 30);
	const td_pf_total *g = group_of(f, f->xyz);
	assert_near(g->delta, 100 * exp(-Q * T), 1e-4);
	assert_near(g->gamma, 0, 1e-6);
	assert_near(g->vega, 0, 1e-6);
	/* theta of a forward: the call's less the put's, by hand from the closed forms */
	hull c = bsm('C', 100, 100, T), p = bsm('P', 100, 100, T);
	assert_near(g->theta, 100 * (c.theta - p.theta), 1e-4);
	assert_near(g->theta, 100 * (Q * 100 * exp(-Q * T) - R * 100 * exp(-R * T)) / 365, 1e-4);
}

/*
 * Positions without options: a stock's delta is its quantity, a future's
 * its quantity x multiplier (index units); gamma, theta and vega are 0.
 * The account adds money across underlyings, but not deltas of different
 * underlyings.
 */
static void test_stock_and_future_only(void **state)
{
	fixture *f = *state;
	order(f, f->abc, TD_SIDE_BUY, 200);
	order(f, f->es, TD_SIDE_SELL, 2);
	size_t n;
	const td_pf_line *l = update(f, &n);
	assert_int_equal(n, 2);
	assert_int_equal(l[0].id, f->abc);
	assert_near(l[0].delta, 200, 0);
	assert_near(l[0].gamma + fabs(l[0].theta) + fabs(l[0].vega), 0, 0);
	assert_near(l[0].delta_money, 200 * 50.00, 1e-9);
	assert_int_equal(l[1].id, f->es);
	assert_near(l[1].delta, -100, 0);
	assert_near(l[1].gamma + fabs(l[1].theta) + fabs(l[1].vega), 0, 0);
	assert_near(l[1].delta_money, -100 * 5100.00, 1e-9);
	assert_near(l[1].exposure, 2 * 50 * 5100.00, 1e-9);
	size_t ng;
	td_portfolio_groups(f->pf, &ng);
	assert_int_equal(ng, 2);
	assert_int_equal(group_of(f, f->abc)->options, 0);
	const td_pf_total *a = td_portfolio_account(f->pf);
	assert_true(isnan(a->delta) && isnan(a->gamma));
	assert_near(a->delta_money, 200 * 50.00 - 100 * 5100.00, 1e-9);
	assert_near(a->exposure, 200 * 50.00 + 100 * 5100.00, 1e-9);
	assert_near(a->theta, 0, 0);
	assert_int_equal(a->open, 2);
	assert_int_equal(a->no_greeks, 0);
}

/*
 * Positions without Greeks are counted, not taken as zero: a call that
 * expired yesterday, and a call whose quote went one-sided after the fill
 * (no mid: no implied vol and no mark either).  The totals keep the
 * stock's delta and the Greeks of the one call that has them.
 */
static void test_missing_greeks_counted(void **state)
{
	fixture *f = *state;
	order(f, f->xyz, TD_SIDE_BUY, 100);
	order(f, f->old, TD_SIDE_BUY, 1);
	order(f, f->c110, TD_SIDE_BUY, 1);
	order(f, f->c100, TD_SIDE_BUY, 2);
	opt_quote(f, f->c110, 1.0, false, true);
	size_t n;
	const td_pf_line *l = update(f, &n);
	assert_int_equal(n, 4);
	/* XYZ, then by expiry: the expired call, then the 100 and 110 calls */
	assert_int_equal(l[1].id, f->old);
	assert_int_equal(l[2].id, f->c100);
	assert_int_equal(l[3].id, f->c110);
	assert_false(l[1].greeks);
	assert_true(isnan(l[1].delta) && isnan(l[1].theta) && isnan(l[1].delta_money));
	assert_near(l[1].exposure, 100 * 1.0, 1e-6);   /* still quoted: it has a mark */
	assert_false(l[3].greeks);
	assert_true(isnan(l[3].vega) && isnan(l[3].mark) && isnan(l[3].exposure));
	hull c = bsm('C', 100, 100, years_to(TODAY + 30));
	const td_pf_total *g = group_of(f, f->xyz);
	assert_int_equal(g->open, 4);
	assert_int_equal(g->no_greeks, 2);
	assert_int_equal(g->no_price, 1);
	assert_near(g->delta, 100 + 200 * c.delta, 1e-4);
	assert_near(g->vega, 200 * c.vega, 1e-4);
	assert_int_equal(td_portfolio_account(f->pf)->no_greeks, 2);
	/* without chains at all, every open option is missing */
	td_portfolio_update(f->pf, td_oms_book(f->o), f->m, NULL);
	assert_int_equal(td_portfolio_account(f->pf)->no_greeks, 3);
	assert_near(td_portfolio_account(f->pf)->delta, 100, 0);
}

/* The mark: the last trade, else the mid of a two-sided quote, else unknown. */
static void test_mark(void **state)
{
	fixture *f = *state;
	assert_near(td_portfolio_mark(f->m, f->xyz), 100.00, 1e-12);
	assert_near(td_portfolio_mark(f->m, f->c110), bsm('C', 100, 110, years_to(TODAY + 30)).price, 1e-8);
	opt_quote(f, f->c110, 1.0, true, false);
	assert_true(isnan(td_portfolio_mark(f->m, f->c110)));
	assert_true(isnan(td_portfolio_mark(f->m, 999)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_covered_call, setup, teardown),
		cmocka_unit_test_setup_teardown(test_long_and_short_same_contract, setup, teardown),
		cmocka_unit_test_setup_teardown(test_put_call_parity, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stock_and_future_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_greeks_counted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mark, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
