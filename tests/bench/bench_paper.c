/*
 * The paper broker's share of handling one order (the budget for
 * risk check plus paper broker is 5 us, the journal's fsync aside): place
 * and match a market order that walks three levels, place a limit that
 * rests and is filled by the next print, and one print offered to 32
 * working orders; a two-leg order at market, and a quote offered to a
 * two-leg order resting away from its net.  Each figure includes taking
 * the events with poll.
 */
#include <stdio.h>
#include <string.h>

#include "bench.h"
#include "oms/paper.h"
#include "oms/risk.h"

#define BENCH_ORDERS 1000000
#define BENCH_RESTING 32

typedef struct rig {
	td_registry *reg;
	td_market *m;
	td_broker b;
	uint32_t id, abc;             /* abc: a second leg for two-leg orders */
	td_broker_ev ev[64];
} rig;

static void feed(rig *r, td_event e)
{
	td_market_apply(r->m, &e);
	r->b.ops->on_market(r->b.impl, &e);
}

/* An equity with 20 levels of 100 a side around 10.00 / 9.99. */
static int rig_open(rig *r)
{
	memset(r, 0, sizeof *r);
	r->reg = td_registry_new(2);
	td_instrument ins = { .kind = TD_INS_EQUITY, .symbol = "XYZ", .px = { 1, 2 }, .multiplier = 1,
			      .underlying = TD_NO_ID };
	r->id = td_registry_add(r->reg, &ins);
	snprintf(ins.symbol, sizeof ins.symbol, "ABC");
	r->abc = td_registry_add(r->reg, &ins);
	r->m = td_market_new(r->reg);
	td_paper_params p = { .max_orders = 64, .max_events = 256, .cash = 1e9 };
	r->b = td_paper_new(r->m, r->reg, &p);
	if (!r->b.impl)
		return -1;
	for (int i = 0; i < 20; i++) {
		td_event e = { .type = TD_EV_LEVEL, .instr = r->id };
		e.u.level = (td_ev_level){ 1000 + i, 100, TD_SIDE_SELL };
		feed(r, e);
		e.u.level = (td_ev_level){ 999 - i, 100, TD_SIDE_BUY };
		feed(r, e);
	}
	return 0;
}

static void rig_close(rig *r)
{
	if (r->b.impl)
		r->b.ops->free(r->b.impl);
	td_market_free(r->m);
	td_registry_free(r->reg);
}

static td_order order(const rig *r, const char *id, td_order_type type, td_side side, int64_t qty, td_ticks limit)
{
	td_order_req q = { .instr = r->id, .side = side, .qty = qty, .type = type, .tif = TD_TIF_GTC,
			   .limit = limit, .stop = TD_PX_NONE };
	td_order o;
	td_order_init(&o, id, &q, 0);
	return o;
}

static void report(const char *what, double secs, size_t n, size_t events)
{
	printf("paper %s: %.0f ns/order (%.2f us; %zu events)\n", what, secs * 1e9 / (double)n, secs * 1e6 / (double)n,
	       events);
}

/* Market buys of 250 against 100 a level: three fills each. */
static void bench_market(rig *r)
{
	td_order o = order(r, "M", TD_OT_MARKET, TD_SIDE_BUY, 250, TD_PX_NONE);
	char err[128];
	size_t events = 0;
	double t0 = td_bench_seconds();
	for (size_t i = 0; i < BENCH_ORDERS; i++) {
		r->b.ops->place(r->b.impl, &o, err, sizeof err);
		events += r->b.ops->poll(r->b.impl, r->ev, 64);
	}
	report("market order, 3 levels", td_bench_seconds() - t0, BENCH_ORDERS, events);
}

/* A buy limit at 9.98 that rests behind the 100 displayed there, then a print through it at 9.97 fills it. */
static void bench_rest_fill(rig *r)
{
	td_order o = order(r, "L", TD_OT_LIMIT, TD_SIDE_BUY, 100, 998);
	td_event print = { .type = TD_EV_TRADE, .instr = r->id };
	print.u.trade = (td_ev_trade){ 997, 100, TD_SIDE_SELL };
	char err[128];
	size_t events = 0;
	double t0 = td_bench_seconds();
	for (size_t i = 0; i < BENCH_ORDERS; i++) {
		r->b.ops->place(r->b.impl, &o, err, sizeof err);
		r->b.ops->on_market(r->b.impl, &print);
		events += r->b.ops->poll(r->b.impl, r->ev, 64);
	}
	report("limit rests then fills on a print", td_bench_seconds() - t0, BENCH_ORDERS, events);
}

/* One print (at a price none of them reaches) offered to 32 resting limits. */
static void bench_print(rig *r)
{
	char id[16], err[128];
	for (int i = 0; i < BENCH_RESTING; i++) {
		snprintf(id, sizeof id, "R%d", i);
		td_order o = order(r, id, TD_OT_LIMIT, TD_SIDE_BUY, 100, 900 + i);
		r->b.ops->place(r->b.impl, &o, err, sizeof err);
	}
	r->b.ops->poll(r->b.impl, r->ev, 64);
	td_event print = { .type = TD_EV_TRADE, .instr = r->id };
	print.u.trade = (td_ev_trade){ 1000, 100, TD_SIDE_BUY };
	double t0 = td_bench_seconds();
	for (size_t i = 0; i < BENCH_ORDERS; i++)
		r->b.ops->on_market(r->b.impl, &print);
	double dt = td_bench_seconds() - t0;
	printf("paper print with %d resting orders: %.0f ns/print\n", BENCH_RESTING, dt * 1e9 / BENCH_ORDERS);
}

/* The budget: every pre-trade check, then the paper broker's place, match and poll of a market order. */
static void bench_risk_and_place(rig *r)
{
	td_order o = order(r, "K", TD_OT_MARKET, TD_SIDE_BUY, 250, TD_PX_NONE);
	td_risk_limits lim;
	td_risk_limits_default(&lim);
	td_risk_ctx c = { .req = &o.req, .price = 10.01, .last = 10.00, .multiplier = 1, .capital = 1e5,
			  .equity = 1e5, .day_high_equity = 1e5, .stop_distance = 0.1, .buying_power = 1e5,
			  .margin = 1250, .phase = TD_PHASE_REGULAR };
	td_risk_check checks[TD_RISK_MAX_CHECKS];
	td_risk_status worst;
	char err[128];
	size_t events = 0;
	double t0 = td_bench_seconds();
	for (size_t i = 0; i < BENCH_ORDERS; i++) {
		if (td_risk_verdict(&lim, &c) != TD_RISK_FAIL)
			r->b.ops->place(r->b.impl, &o, err, sizeof err);
		events += r->b.ops->poll(r->b.impl, r->ev, 64);
	}
	report("risk verdict + market order (the send path)", td_bench_seconds() - t0, BENCH_ORDERS, events);
	t0 = td_bench_seconds();
	for (size_t i = 0; i < BENCH_ORDERS / 10; i++)
		td_risk_run(&lim, &c, checks, &worst);
	printf("paper risk checks with their numbers (the ticket): %.0f ns/ticket\n",
	       (td_bench_seconds() - t0) * 1e9 / (BENCH_ORDERS / 10));
}

/* A two-leg order at market: buy 10 XYZ, sell 10 ABC (quoted 5.00 / 5.01 with 1,000,000 a side, L1 only). */
static void bench_combo(rig *r)
{
	uint32_t abc = r->abc;
	feed(r, (td_event){ .type = TD_EV_QUOTE, .instr = abc, .u.quote = { 500, 501, 1000000, 1000000 } });
	td_order legs[2] = { order(r, "C1", TD_OT_MARKET, TD_SIDE_BUY, 10, TD_PX_NONE),
			     order(r, "C2", TD_OT_MARKET, TD_SIDE_SELL, 10, TD_PX_NONE) };
	legs[1].req.instr = abc;
	char err[128];
	size_t events = 0;
	double t0 = td_bench_seconds();
	for (size_t i = 0; i < BENCH_ORDERS; i++) {
		r->b.ops->place_group(r->b.impl, legs, 2, TD_PX_NONE, err, sizeof err);
		events += r->b.ops->poll(r->b.impl, r->ev, 64);
	}
	report("two-leg order at market", td_bench_seconds() - t0, BENCH_ORDERS, events);
	r->b.ops->place_group(r->b.impl, legs, 2, 400, err, sizeof err);   /* 10.00 - 5.00 = 5.00 > 4.00: rests */
	r->b.ops->poll(r->b.impl, r->ev, 64);
	td_event q = { .type = TD_EV_QUOTE, .instr = abc, .u.quote = { 500, 501, 1000000, 1000000 } };
	t0 = td_bench_seconds();
	for (size_t i = 0; i < BENCH_ORDERS; i++) {
		td_market_apply(r->m, &q);
		r->b.ops->on_market(r->b.impl, &q);
	}
	printf("paper quote offered to a resting two-leg order: %.0f ns/quote\n",
	       (td_bench_seconds() - t0) * 1e9 / BENCH_ORDERS);
}

void td_bench_paper(void)
{
	rig r;
	if (rig_open(&r) != 0) {
		fprintf(stderr, "paper: could not create the broker\n");
		rig_close(&r);
		return;
	}
	bench_market(&r);
	bench_risk_and_place(&r);
	bench_rest_fill(&r);
	bench_print(&r);
	bench_combo(&r);
	rig_close(&r);
}
