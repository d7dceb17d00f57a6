/*
 * The order manager (src/oms/oms.c) with a scripted broker: nothing is sent
 * without a confirmed ticket; every intent and change is in the journal
 * before it takes effect (the broker reads the journal file when it is
 * called); fills move positions; a reopened manager rebuilds orders,
 * positions and the kill switch from the journal and cancels what was
 * working.
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

/* The scripted broker: counts calls, checks the journal, hands out queued events. */
typedef struct fake {
	const char *journal;
	int places, cancels;
	bool refuse;
	bool intent_on_disk;     /* at place: the file held the order's intent and its risk verdict */
	td_broker_ev q[16];
	size_t nq;
} fake;

/* Whether the journal file contains both strings on its last two lines. */
static bool journal_ends_with(const char *path, const char *a, const char *b)
{
	FILE *f = fopen(path, "r");
	char line[2048], prev[2048] = "", last[2048] = "";
	while (f && fgets(line, sizeof line, f)) {
		strcpy(prev, last);
		strcpy(last, line);
	}
	if (f)
		fclose(f);
	return strstr(prev, a) && strstr(last, b);
}

static int f_place(void *b, const td_order *o, char *err, size_t n)
{
	fake *f = b;
	f->places++;
	char id[64];
	snprintf(id, sizeof id, "\tO\t");
	f->intent_on_disk = journal_ends_with(f->journal, id, "\tev=0\t") && strstr(o->id, "TD");
	if (f->refuse) {
		snprintf(err, n, "market closed for this account");
		return -1;
	}
	f->q[f->nq++] = (td_broker_ev){ .type = TD_BEV_ACK };
	strcpy(f->q[f->nq - 1].id, o->id);
	return 0;
}

static int f_modify(void *b, const char *id, int64_t qty, td_ticks l, td_ticks s, char *err, size_t n)
{
	(void)b, (void)id, (void)qty, (void)l, (void)s, (void)err, (void)n;
	return -1;
}

static int f_cancel(void *b, const char *id, char *err, size_t n)
{
	(void)err, (void)n;
	fake *f = b;
	f->cancels++;
	f->q[f->nq] = (td_broker_ev){ .type = TD_BEV_CANCELLED };
	strcpy(f->q[f->nq++].id, id);
	return 0;
}

static size_t f_poll(void *b, td_broker_ev *out, size_t max)
{
	fake *f = b;
	size_t n = f->nq < max ? f->nq : max;
	memcpy(out, f->q, n * sizeof *out);
	memmove(f->q, f->q + n, (f->nq - n) * sizeof *out);
	f->nq -= n;
	return n;
}

static int f_account(void *b, td_broker_account *a)
{
	(void)b;
	*a = (td_broker_account){ .cash = 100000, .buying_power = 100000 };
	return 0;
}

static void f_free(void *b)
{
	(void)b;
}

static const td_broker_ops fake_ops = {
	.name = "fake", .place = f_place, .modify = f_modify, .cancel = f_cancel, .poll = f_poll, .account = f_account,
	.free = f_free,
};

static char dir[64], path[128];
static td_registry *reg;
static td_market *m;
static uint32_t xyz;
static fake fk;

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/td_oms_XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof path, "%s/orders.journal", dir);
	reg = td_registry_new(8);
	td_instrument u = { .kind = TD_INS_EQUITY, .symbol = "XYZ", .px = { 1, 2 }, .multiplier = 1,
			    .underlying = TD_NO_ID };
	xyz = td_registry_add(reg, &u);
	m = td_market_new(reg);
	td_event ph = { .type = TD_EV_STATUS, .exch_ns = 1000, .u.status = { .kind = TD_ST_PHASE, .phase = TD_PHASE_REGULAR } };
	td_market_apply(m, &ph);
	td_event tr = { .type = TD_EV_TRADE, .instr = xyz, .exch_ns = 2000, .u.trade = { .px = 10000, .size = 5 } };
	td_market_apply(m, &tr);
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

static td_oms *open_oms(td_oms_recovery *rec)
{
	memset(&fk, 0, sizeof fk);
	fk.journal = path;
	td_oms_params p = { .reg = reg, .m = m, .capital = 100000, .journal = path,
			    .broker = { &fake_ops, &fk }, .dup_window_ms = 2000 };
	td_risk_limits_default(&p.limits);
	char err[256];
	td_oms *o = td_oms_open(&p, rec, err, sizeof err);
	if (!o)
		fail_msg("open: %s", err);
	return o;
}

static td_order_req buy(int64_t qty, td_ticks limit)
{
	return (td_order_req){ .instr = xyz, .side = TD_SIDE_BUY, .qty = qty, .type = TD_OT_LIMIT, .tif = TD_TIF_DAY,
			       .limit = limit, .stop = TD_PX_NONE };
}

static void confirm(td_ticket *t)
{
	td_ticket_key(t, '\n');
	td_ticket_key(t, 'y');
}

static void test_nothing_without_confirmation(void **state)
{
	(void)state;
	td_oms_recovery rec;
	td_oms *o = open_oms(&rec);
	td_ticket t;
	char err[256], id[64];
	td_order_req r = buy(10, 9990);
	assert_int_equal(td_oms_ticket(o, &r, &t, err, sizeof err), 0);
	/* every check passes but risk per trade, which warns: no protective stop */
	for (size_t i = 0; i < t.nchecks; i++)
		if (t.checks[i].status != (strcmp(t.checks[i].name, "risk per trade") ? TD_RISK_PASS : TD_RISK_WARN))
			fail_msg("%s: %s", t.checks[i].name, t.checks[i].detail);
	assert_int_equal(td_oms_send(o, &t, id, sizeof id, err, sizeof err), -1);
	assert_string_equal(err, "the order was not confirmed (Enter, then y)");
	td_ticket_key(&t, '\n');
	assert_int_equal(td_oms_send(o, &t, id, sizeof id, err, sizeof err), -1);
	assert_int_equal(fk.places, 0);
	size_t n;
	td_oms_orders(o, &n);
	assert_int_equal(n, 0);
	td_oms_close(o);
}

/* A confirmed order: intent and verdict on disk before place; an ack and fills become state and a position. */
static void test_send_fill_and_recover(void **state)
{
	(void)state;
	td_oms_recovery rec;
	td_oms *o = open_oms(&rec);
	td_ticket t;
	char err[256], id[64], id2[64];
	td_order_req r = buy(10, 9990);
	td_oms_ticket(o, &r, &t, err, sizeof err);
	confirm(&t);
	assert_int_equal(td_oms_send(o, &t, id, sizeof id, err, sizeof err), 0);
	assert_int_equal(fk.places, 1);
	assert_true(fk.intent_on_disk);
	assert_int_equal(td_oms_send(o, &t, id, sizeof id, err, sizeof err), -1);   /* once */
	assert_int_equal(fk.places, 1);
	const td_order *ord = td_oms_find(o, id);
	assert_int_equal(ord->state, TD_ORD_ACCEPTED);
	/* 4 at 99.90 then 6 at 99.85, fee 0.50 each */
	fk.q[0] = (td_broker_ev){ .type = TD_BEV_FILL, .qty = 4, .px = 9990, .fee = 0.5, .t = 3000 };
	fk.q[1] = (td_broker_ev){ .type = TD_BEV_FILL, .qty = 6, .px = 9985, .fee = 0.5, .t = 3001 };
	strcpy(fk.q[0].id, id);
	strcpy(fk.q[1].id, id);
	fk.nq = 2;
	assert_int_equal(td_oms_pump(o), 2);
	assert_int_equal(ord->state, TD_ORD_FILLED);
	/* a cancel refused after the fill that beat it means nothing now: not applied, not journalled */
	fk.q[0] = (td_broker_ev){ .type = TD_BEV_REJECT, .t = 3002 };
	strcpy(fk.q[0].id, id);
	fk.nq = 1;
	td_oms_pump(o);
	assert_int_equal(ord->state, TD_ORD_FILLED);
	const td_position *pos = td_book_position(td_oms_book(o), xyz);
	assert_near(pos->qty, 10, 0);
	assert_near(pos->avg_px, (4 * 99.90 + 6 * 99.85) / 10, 1e-9);
	assert_near(pos->realised, -1.0, 1e-12);
	/* a second order left working, then the kill switch */
	r = buy(5, 9900);
	td_oms_ticket(o, &r, &t, err, sizeof err);
	confirm(&t);
	assert_int_equal(td_oms_send(o, &t, id2, sizeof id2, err, sizeof err), 0);
	assert_int_equal(td_oms_halt(o, err, sizeof err), 0);
	td_oms_close(o);

	/* reopen: the filled order and its position come back, the working one is cancelled, halted stays */
	o = open_oms(&rec);
	assert_int_equal(rec.orders, 2);
	assert_int_equal(rec.cancelled, 1);
	assert_int_equal(rec.positions, 1);
	assert_true(rec.halted);
	assert_int_equal(rec.tail, TD_JOURNAL_CLEAN);
	assert_int_equal(td_oms_find(o, id)->state, TD_ORD_FILLED);
	assert_int_equal(td_oms_find(o, id2)->state, TD_ORD_CANCELLED);
	assert_string_equal(td_oms_find(o, id2)->why, "");
	pos = td_book_position(td_oms_book(o), xyz);
	assert_near(pos->qty, 10, 0);
	assert_near(pos->avg_px, (4 * 99.90 + 6 * 99.85) / 10, 1e-9);
	/* halted: a ticket fails its kill-switch check and cannot be armed */
	r = buy(1, 9990);
	td_oms_ticket(o, &r, &t, err, sizeof err);
	assert_int_equal(t.worst, TD_RISK_FAIL);
	assert_int_equal(td_ticket_key(&t, '\n'), TD_TICKET_SHOWN);
	assert_int_equal(td_oms_rearm(o, err, sizeof err), 0);
	td_oms_close(o);
	o = open_oms(&rec);
	assert_false(rec.halted);
	assert_int_equal(rec.cancelled, 0);
	td_oms_close(o);
	unlink(path);
}

/* A check that fails at send time (the switch went on after the ticket was confirmed): journalled, not sent. */
static void test_risk_again_at_send(void **state)
{
	(void)state;
	td_oms_recovery rec;
	td_oms *o = open_oms(&rec);
	td_ticket t;
	char err[256], id[64];
	td_order_req r = buy(10, 9990);
	td_oms_ticket(o, &r, &t, err, sizeof err);
	confirm(&t);
	td_oms_halt(o, err, sizeof err);
	assert_int_equal(td_oms_send(o, &t, id, sizeof id, err, sizeof err), -1);
	assert_non_null(strstr(err, "refused: kill switch"));
	assert_int_equal(fk.places, 0);
	assert_int_equal(td_oms_find(o, id)->state, TD_ORD_RISK_REJECTED);
	td_oms_rearm(o, err, sizeof err);
	/* a broker refusal is an order rejection, with its reason */
	fk.refuse = true;
	r = buy(3, 9990);
	td_oms_ticket(o, &r, &t, err, sizeof err);
	confirm(&t);
	assert_int_equal(td_oms_send(o, &t, id, sizeof id, err, sizeof err), -1);
	assert_int_equal(td_oms_find(o, id)->state, TD_ORD_REJECTED);
	assert_string_equal(td_oms_find(o, id)->why, "market closed for this account");
	td_oms_close(o);
	unlink(path);
}

/* Cancel: journalled request, the broker's confirmation; cancel-all skips what is final. */
static void test_cancel(void **state)
{
	(void)state;
	td_oms_recovery rec;
	td_oms *o = open_oms(&rec);
	td_ticket t;
	char err[256], id[64];
	for (int i = 0; i < 3; i++) {
		td_order_req r = buy(1 + i, 9900 - i);
		td_oms_ticket(o, &r, &t, err, sizeof err);
		confirm(&t);
		assert_int_equal(td_oms_send(o, &t, id, sizeof id, err, sizeof err), 0);
	}
	assert_int_equal(td_oms_cancel(o, id, err, sizeof err), 0);
	assert_int_equal(td_oms_find(o, id)->state, TD_ORD_CANCELLED);
	assert_int_equal(td_oms_cancel_all(o), 2);
	assert_int_equal(fk.cancels, 3);
	size_t n;
	const td_order *all = td_oms_orders(o, &n);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(all[i].state, TD_ORD_CANCELLED);
	td_oms_close(o);
	unlink(path);
}

/*
 * With the real paper broker: a market buy of 150 against asks 100 @ 100.01
 * and 100 @ 100.02 fills 100 + 50, average (100 x 100.01 + 50 x 100.02) /
 * 150; the journal, reopened, gives the same position.
 */
static void test_with_paper_broker(void **state)
{
	(void)state;
	td_event lv = { .type = TD_EV_LEVEL, .instr = xyz, .exch_ns = 2500,
			.u.level = { .px = 10001, .size = 100, .side = TD_SIDE_SELL } };
	td_market_apply(m, &lv);
	lv.u.level = (td_ev_level){ .px = 10002, .size = 100, .side = TD_SIDE_SELL };
	td_market_apply(m, &lv);
	td_paper_params pp = { .max_orders = 16, .max_events = 64, .cash = 100000 };
	td_oms_params p = { .reg = reg, .m = m, .capital = 100000, .journal = path,
			    .broker = td_paper_new(m, reg, &pp), .dup_window_ms = 2000 };
	assert_non_null(p.broker.ops);
	td_risk_limits_default(&p.limits);
	char err[256], id[64];
	td_oms_recovery rec;
	td_oms *o = td_oms_open(&p, &rec, err, sizeof err);
	assert_non_null(o);
	td_order_req r = { .instr = xyz, .side = TD_SIDE_BUY, .qty = 150, .type = TD_OT_MARKET, .tif = TD_TIF_DAY,
			   .limit = TD_PX_NONE, .stop = TD_PX_NONE };
	td_ticket t;
	assert_int_equal(td_oms_ticket(o, &r, &t, err, sizeof err), 0);
	confirm(&t);
	assert_int_equal(td_oms_send(o, &t, id, sizeof id, err, sizeof err), 0);
	const td_order *ord = td_oms_find(o, id);
	assert_int_equal(ord->state, TD_ORD_FILLED);
	double avg = (100 * 100.01 + 50 * 100.02) / 150;
	assert_near(td_book_position(td_oms_book(o), xyz)->avg_px, avg, 1e-9);
	td_oms_close(o);
	p.broker = td_paper_new(m, reg, &pp);
	o = td_oms_open(&p, &rec, err, sizeof err);
	assert_near(td_book_position(td_oms_book(o), xyz)->qty, 150, 0);
	assert_near(td_book_position(td_oms_book(o), xyz)->avg_px, avg, 1e-9);
	assert_int_equal(td_oms_find(o, id)->state, TD_ORD_FILLED);
	td_oms_close(o);
	unlink(path);
}

/*
 * Day trades for the PDT check: with equity under 25,000 (capital 20,000),
 * three round trips opened and closed today are allowed; a ticket that
 * would close a fourth fails "pattern day trader".  The market clock is
 * Monday 2026-11-02 in UTC (the test's zone).
 */
static void test_day_trades(void **state)
{
	(void)state;
	td_event lv = { .type = TD_EV_LEVEL, .instr = xyz, .exch_ns = 2600,
			.u.level = { .px = 10001, .size = 100000, .side = TD_SIDE_SELL } };
	td_market_apply(m, &lv);
	lv.u.level = (td_ev_level){ .px = 9999, .size = 100000, .side = TD_SIDE_BUY };
	td_market_apply(m, &lv);
	td_event tr = { .type = TD_EV_TRADE, .instr = xyz, .exch_ns = (td_ns)20759 * 86400 * TD_NS_PER_SEC + 3600 * TD_NS_PER_SEC,
			.u.trade = { .px = 10000, .size = 1 } };
	td_market_apply(m, &tr);
	td_paper_params pp = { .max_orders = 16, .max_events = 64, .cash = 20000 };
	td_oms_params p = { .reg = reg, .m = m, .capital = 20000, .journal = path,
			    .broker = td_paper_new(m, reg, &pp), .dup_window_ms = 0 };
	td_risk_limits_default(&p.limits);
	char err[256], id[64];
	td_oms_recovery rec;
	td_oms *o = td_oms_open(&p, &rec, err, sizeof err);
	assert_non_null(o);
	td_ticket t;
	for (int i = 0; i < 7; i++) {
		td_order_req r = { .instr = xyz, .side = i % 2 ? TD_SIDE_SELL : TD_SIDE_BUY, .qty = 10, .type = TD_OT_MARKET,
				   .tif = TD_TIF_DAY, .limit = TD_PX_NONE, .stop = TD_PX_NONE };
		assert_int_equal(td_oms_ticket(o, &r, &t, err, sizeof err), 0);
		const td_risk_check *pdt = NULL;
		for (size_t k = 0; k < t.nchecks; k++)
			if (strcmp(t.checks[k].name, "pattern day trader") == 0)
				pdt = &t.checks[k];
		assert_non_null(pdt);
		if (i == 5)   /* closing the third round trip: the allowance is then used up, a warning */
			assert_int_equal(pdt->status, TD_RISK_WARN);
		confirm(&t);
		if (td_oms_send(o, &t, id, sizeof id, err, sizeof err) != 0)
			fail_msg("order %d: %s", i, err);
	}
	/* a long of 10 is open; selling it would be the 4th day trade */
	td_order_req r = { .instr = xyz, .side = TD_SIDE_SELL, .qty = 10, .type = TD_OT_MARKET, .tif = TD_TIF_DAY,
			   .limit = TD_PX_NONE, .stop = TD_PX_NONE };
	td_oms_ticket(o, &r, &t, err, sizeof err);
	assert_int_equal(t.worst, TD_RISK_FAIL);
	bool found = false;
	for (size_t k = 0; k < t.nchecks; k++)
		if (strcmp(t.checks[k].name, "pattern day trader") == 0) {
			assert_int_equal(t.checks[k].status, TD_RISK_FAIL);
			assert_non_null(strstr(t.checks[k].detail, "4 day trades in 5 days with this one"));
			found = true;
		}
	assert_true(found);
	td_oms_close(o);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nothing_without_confirmation),
		cmocka_unit_test(test_send_fill_and_recover),
		cmocka_unit_test(test_risk_again_at_send),
		cmocka_unit_test(test_cancel),
		cmocka_unit_test(test_with_paper_broker),
		cmocka_unit_test(test_day_trades),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
