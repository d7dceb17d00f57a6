/*
 * The facts the engine gives the alert rules (src/engine/alert_facts.c),
 * checked against the raw prints and quotes of a recorded simulated
 * session: the last price and the forming minute's volume and delta summed
 * from the tape, the spread from the quote, the chain's put-call ratio from
 * its rows' open interest, implied vols in percent, the time of day.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>

#include "engine/alert_facts.h"
#include "harness.h"
#include "near.h"

static td_harness h;
static uint32_t spy;
static const td_instrument *ins;

static int setup(void **state)
{
	(void)state;
	if (td_harness_open(&h, 5, "us", "09:29", 75) < 0)
		return -1;
	spy = td_registry_find(td_market_registry(h.view.market), "SPY");
	ins = td_registry_get(td_market_registry(h.view.market), spy);
	return ins ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	td_harness_close(&h);
	return 0;
}

static void test_quote_facts(void **state)
{
	(void)state;
	double v[TD_AF_COUNT];
	const td_quote_state *q = td_market_get(h.view.market, spy);
	td_alert_facts_quote(ins, q, v);
	const td_print *newest = NULL;
	for (size_t i = 0; !newest && td_market_print(h.view.market, i); i++)
		if (td_market_print(h.view.market, i)->instr == spy)
			newest = td_market_print(h.view.market, i);
	assert_non_null(newest);
	assert_near(v[TD_AF_LAST], (double)newest->px / 100, 1e-9);   /* SPY: cents */
	assert_near(v[TD_AF_SPREAD], (double)(q->ask - q->bid) / 100, 1e-9);
	assert_near(v[TD_AF_TICK], 0.01, 1e-12);
}

/* The forming minute's volume and delta are the sums of SPY's prints since the minute began. */
static void test_forming_bar_from_the_tape(void **state)
{
	(void)state;
	double v[TD_AF_COUNT];
	td_studies *st = td_analysis_get(td_engine_analysis(h.e), spy);
	assert_non_null(st);
	td_alert_facts_studies(ins, st, v);
	const td_print *p = td_market_print(h.view.market, 0);
	td_ns minute = p->exch_ns - p->exch_ns % (60 * TD_NS_PER_SEC);
	double vol = 0, delta = 0;
	size_t i = 0;
	for (; (p = td_market_print(h.view.market, i)) && p->exch_ns >= minute; i++)
		if (p->instr == spy) {
			vol += (double)p->size;
			delta += p->aggr == TD_SIDE_BUY ? (double)p->size : p->aggr == TD_SIDE_SELL ? -(double)p->size : 0;
		}
	assert_non_null(p);   /* the tape reaches back past the minute */
	assert_near(v[TD_AF_VOLUME], vol, 0);
	assert_near(v[TD_AF_DELTA], delta, 0);
	/* the profile and the IB by their definitions' order */
	assert_true(v[TD_AF_VAL] <= v[TD_AF_POC] && v[TD_AF_POC] <= v[TD_AF_VAH]);
	assert_true(v[TD_AF_IB_LOW] <= v[TD_AF_IB_HIGH]);
	assert_near(v[TD_AF_IB_DONE], 1, 0);   /* 10:44: the first hour is over */
	assert_true(v[TD_AF_LOW] <= v[TD_AF_VWAP] && v[TD_AF_VWAP] <= v[TD_AF_HIGH]);
	/* a closed bar: high at least open and close, and the newest before the forming one */
	td_alert_bar b;
	assert_true(td_alert_facts_bar(ins, st, 0, &b));
	assert_true(b.high >= b.open && b.high >= b.close && b.low <= b.open && b.low <= b.close);
}

static void test_chain_facts(void **state)
{
	(void)state;
	double v[TD_AF_COUNT];
	const td_chainview *cv = td_optchain_get(td_engine_chains(h.e), spy, true);
	assert_non_null(cv);
	td_alert_facts_chain(cv, v);
	double call_oi = 0, put_oi = 0;
	for (size_t i = 0; i < cv->nrows; i++)
		if (isfinite(cv->rows[i].oi))
			*(cv->rows[i].right == TD_CALL ? &call_oi : &put_oi) += cv->rows[i].oi;
	assert_true(call_oi > 0);
	assert_near(v[TD_AF_PCR_OI], put_oi / call_oi, 1e-9);
	assert_near(v[TD_AF_IV30], cv->iv30 * 100, 1e-9);
	assert_true(v[TD_AF_ATM_IV] > 1 && v[TD_AF_ATM_IV] < 200);   /* percent, not a fraction */
}

static void test_time_of_day(void **state)
{
	(void)state;
	const td_tz *ny = td_tz_find("America/New_York");
	assert_non_null(ny);
	/* 2026-11-20 14:30:15 UTC is 09:30:15 in New York (EST, UTC-5) */
	td_ns t = td_tz_to_utc(ny, td_days_from_civil(2026, 11, 20), (9 * 3600 + 30 * 60 + 15) * TD_NS_PER_SEC);
	assert_near(td_alert_facts_time(ny, t), 9 * 3600 + 30 * 60 + 15, 0);
	assert_int_equal(t, (td_days_from_civil(2026, 11, 20) * 86400 + 14 * 3600 + 30 * 60 + 15) * TD_NS_PER_SEC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quote_facts),
		cmocka_unit_test(test_forming_bar_from_the_tape),
		cmocka_unit_test(test_chain_facts),
		cmocka_unit_test(test_time_of_day),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
