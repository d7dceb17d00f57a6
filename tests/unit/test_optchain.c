/*
 * Unit tests for src/engine/optchain.c: chains built from a registry and a
 * market fed by hand.  Option quotes are the model's own price at a known
 * volatility, quoted to 1e-8 (scale 8 ticks) with bid = ask, so the
 * implied vol read back from the mid must be that volatility; the other
 * expected values are the pricing modules' own (tested elsewhere against
 * published values) at that volatility, and the chain figures are worked
 * out by hand from the open interest fed in.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "near.h"

#include "core/time.h"
#include "engine/market.h"
#include "engine/optchain.h"
#include "options/american.h"
#include "options/bsm.h"

#define SEC(x) ((td_ns)(x) * TD_NS_PER_SEC)
#define DAY_NS SEC(86400)

/* 2026-11-02 (a Monday) is day 20759; "now" is 10:00 UTC that day. */
static const int64_t TODAY = 20759;
static const td_ns NOW = (td_ns)20759 * SEC(86400) + SEC(10 * 3600);

typedef struct fixture {
	td_registry *reg;
	td_market *m;
	uint32_t und;
} fixture;

static td_instrument option(uint32_t und, const char *root, int64_t exp_day, char right, double strike, td_exercise style)
{
	td_instrument o = { .kind = TD_INS_OPTION, .px = { 1, 8 }, .multiplier = 100, .underlying = und,
			    .style = style, .expiry_days = exp_day };
	snprintf(o.occ.root, sizeof o.occ.root, "%s", root);
	td_civil_from_days(exp_day, &o.occ.year, &o.occ.month, &o.occ.day);
	o.occ.right = right;
	o.occ.strike_milli = (int64_t)llround(strike * 1000);
	td_occ_format_compact(&o.occ, o.symbol, sizeof o.symbol);
	return o;
}

static void feed(td_market *m, td_event ev)
{
	assert_true(td_market_apply(m, &ev));
}

static void trade(td_market *m, uint32_t id, td_ticks px)
{
	feed(m, (td_event){ .type = TD_EV_TRADE, .instr = id, .exch_ns = NOW, .u.trade = { .px = px, .size = 1 } });
}

/* A quote at exactly price (to 1e-8) with the given open interest and volume. */
static void quote(td_market *m, uint32_t id, double price, int64_t oi, int64_t volume)
{
	td_ticks t = (td_ticks)llround(price * 1e8);
	feed(m, (td_event){ .type = TD_EV_OPTQ, .instr = id, .exch_ns = NOW,
			    .u.optq = { .bid = t, .ask = t, .bid_sz = 1, .ask_sz = 1, .volume = volume, .oi = oi } });
}

static td_optchain *chains_with(fixture *f, const td_history *h)
{
	td_optchain_params p = { .rate = 0.05, .yield = 0.02, .tz = td_tz_find("UTC"), .expiry_tod = SEC(16 * 3600),
				 .refresh_ms = 60000, .history = h, .iv_lookback = 365, .iv_min_days = 20 };
	char err[128];
	td_optchain *oc = td_optchain_new(f->reg, f->m, &p, err, sizeof err);
	assert_non_null(oc);
	return oc;
}

static td_optchain *chains(fixture *f)
{
	return chains_with(f, NULL);
}

static double years_to(int64_t exp_day)
{
	return (double)((td_ns)exp_day * DAY_NS + SEC(16 * 3600) - NOW) / (365.0 * 86400 * 1e9);
}

/* An equity at 100 with European calls and puts at 90, 100, 110 for two expiries, each at its own flat vol. */
static void equity_chain(fixture *f, td_exercise style, const double vol[2], const int64_t days[2])
{
	f->reg = td_registry_new(64);
	td_instrument u = { .kind = TD_INS_EQUITY, .symbol = "XYZ", .px = { 1, 2 }, .multiplier = 1,
			    .underlying = TD_NO_ID };
	f->und = td_registry_add(f->reg, &u);
	static const double K[] = { 110, 90, 100 };   /* out of order: the chain sorts */
	uint32_t ids[2][3][2];
	for (int e = 1; e >= 0; e--)
		for (int k = 0; k < 3; k++)
			for (int w = 0; w < 2; w++) {
				td_instrument o = option(f->und, "XYZ", TODAY + days[e], w ? 'P' : 'C', K[k], style);
				ids[e][k][w] = td_registry_add(f->reg, &o);
			}
	f->m = td_market_new(f->reg);
	trade(f->m, f->und, 10000);
	for (int e = 0; e < 2; e++)
		for (int k = 0; k < 3; k++)
			for (int w = 0; w < 2; w++) {
				td_opt o = { .right = w ? TD_PUT : TD_CALL, .model = TD_MODEL_BSM, .S = 100, .K = K[k],
					     .T = years_to(TODAY + days[e]), .r = 0.05, .q = 0.02, .sigma = vol[e] };
				double p;
				if (style == TD_EXERCISE_AMERICAN)
					td_american_price(&o, &p);
				else
					td_bsm_price(&o, &p);
				/* open interest: calls 1000 + 100 k, puts 2000 + 100 k */
				quote(f->m, ids[e][k][w], p, (w ? 2000 : 1000) + 100 * k, 10 * (k + 1));
			}
}

static void done(fixture *f, td_optchain *oc)
{
	td_optchain_free(oc);
	td_market_free(f->m);
	td_registry_free(f->reg);
}

/* Rows come sorted by expiry, strike, call first; each IV is the vol its quote was priced at. */
static void test_european_chain(void **state)
{
	(void)state;
	fixture f;
	const double vol[2] = { 0.25, 0.35 };
	const int64_t days[2] = { 10, 50 };
	equity_chain(&f, TD_EXERCISE_EUROPEAN, vol, days);
	td_optchain *oc = chains(&f);
	const td_chainview *cv = td_optchain_get(oc, f.und, true);
	assert_non_null(cv);
	assert_int_equal(cv->model, TD_MODEL_BSM);
	assert_int_equal(cv->nrows, 12);
	assert_near(cv->spot, 100.0, 0);
	assert_int_equal(cv->no_iv, 0);
	for (size_t i = 0; i < cv->nrows; i++) {
		const td_optrow *r = &cv->rows[i];
		int e = i >= 6;
		assert_int_equal(r->expiry, TODAY + days[e]);
		assert_near(r->strike, 90 + 10 * (double)((i % 6) / 2), 0);
		assert_int_equal(r->right, i % 2 ? TD_PUT : TD_CALL);
		assert_near(r->T, years_to(TODAY + days[e]), 1e-12);
		assert_near(r->iv, vol[e], 1e-6);
		assert_null(r->iv_why);
		td_opt o = { .right = r->right, .model = TD_MODEL_BSM, .S = 100, .K = r->strike, .T = r->T,
			     .r = 0.05, .q = 0.02, .sigma = r->iv };
		td_greeks g;
		assert_int_equal(td_bsm_greeks(&o, &g), 0);
		assert_near(r->g.delta, g.delta, 1e-12);
		assert_near(r->g.gamma, g.gamma, 1e-12);
		assert_near(r->g.theta, g.theta, 1e-12);
	}
	/* PCR by OI, per expiry: puts 2000+2100+2200 over calls 1000+1100+1200 */
	assert_int_equal(cv->nexp, 2);
	assert_near(cv->exp[0].pcr_oi, 6300.0 / 3300.0, 1e-12);
	assert_near(cv->total->pcr_oi, 12600.0 / 6600.0, 1e-12);
	/* flat vol per expiry: the ATM IV is that vol */
	assert_near(cv->exp[0].atm_iv, 0.25, 1e-6);
	assert_near(cv->exp[1].atm_iv, 0.35, 1e-6);
	/* 30 days between T1 = 10 and T2 = 50 days (less 6 hours each): total variance linear in T */
	double T1 = years_to(TODAY + 10), T2 = years_to(TODAY + 50), T30 = 30.0 / 365;
	double w = 0.0625 * T1 + (0.1225 * T2 - 0.0625 * T1) * (T30 - T1) / (T2 - T1);
	assert_near(cv->iv30, sqrt(w / T30), 1e-6);
	done(&f, oc);
}

/* American-style contracts: BS2002 implied vols; Greeks are BSM's at that vol. */
static void test_american_chain(void **state)
{
	(void)state;
	fixture f;
	const double vol[2] = { 0.3, 0.3 };
	const int64_t days[2] = { 20, 90 };
	equity_chain(&f, TD_EXERCISE_AMERICAN, vol, days);
	td_optchain *oc = chains(&f);
	const td_chainview *cv = td_optchain_get(oc, f.und, true);
	assert_int_equal(cv->model, TD_MODEL_AMERICAN);
	assert_int_equal(cv->no_iv, 0);
	for (size_t i = 0; i < cv->nrows; i++)
		assert_near(cv->rows[i].iv, 0.3, 1e-5);
	/* a second computation starts from the first's vols and must land on the same ones */
	cv = td_optchain_get(oc, f.und, true);
	for (size_t i = 0; i < cv->nrows; i++)
		assert_near(cv->rows[i].iv, 0.3, 1e-5);
	done(&f, oc);
}

/* No IV, with the reason: no quote, no underlying price, a mid below intrinsic, an expired contract. */
static void test_no_iv_reasons(void **state)
{
	(void)state;
	fixture f = { .reg = td_registry_new(16) };
	td_instrument u = { .kind = TD_INS_EQUITY, .symbol = "ABC", .px = { 1, 2 }, .multiplier = 1,
			    .underlying = TD_NO_ID };
	f.und = td_registry_add(f.reg, &u);
	td_instrument a = option(f.und, "ABC", TODAY + 30, 'C', 80, TD_EXERCISE_EUROPEAN);
	td_instrument b = option(f.und, "ABC", TODAY + 30, 'C', 90, TD_EXERCISE_EUROPEAN);
	td_instrument c = option(f.und, "ABC", TODAY - 1, 'C', 90, TD_EXERCISE_EUROPEAN);
	uint32_t ia = td_registry_add(f.reg, &a), ib = td_registry_add(f.reg, &b), ic = td_registry_add(f.reg, &c);
	(void)ia;
	f.m = td_market_new(f.reg);
	td_optchain *oc = chains(&f);
	quote(f.m, ib, 5.0, 10, 0);
	const td_chainview *cv = td_optchain_get(oc, f.und, true);
	assert_int_equal(cv->no_iv, 3);
	/* rows: the expired 90 call first (earlier expiry), then the 80 and 90 calls */
	assert_string_equal(cv->rows[0].iv_why, "expired");
	assert_string_equal(cv->rows[1].iv_why, "no underlying price");
	assert_string_equal(cv->rows[2].iv_why, "no underlying price");
	trade(f.m, f.und, 10000);   /* 100.00: the 90 call is worth at least 10 */
	quote(f.m, ic, 12.0, 10, 0);
	cv = td_optchain_get(oc, f.und, true);
	assert_string_equal(cv->rows[0].iv_why, "expired");
	assert_string_equal(cv->rows[1].iv_why, "no two-sided quote");
	assert_non_null(strstr(cv->rows[2].iv_why, "intrinsic"));
	assert_true(isnan(cv->rows[2].iv) && isnan(cv->rows[2].g.delta) && isnan(cv->rows[2].g.price));
	done(&f, oc);
}

/* A future's options are Black-76 on the futures price; instruments map to their chain. */
static void test_future_and_mapping(void **state)
{
	(void)state;
	fixture f = { .reg = td_registry_new(16) };
	td_instrument fut = { .kind = TD_INS_FUTURE, .symbol = "ESZ6", .px = { 25, 2 }, .multiplier = 50,
			      .underlying = TD_NO_ID };
	td_instrument eq = { .kind = TD_INS_EQUITY, .symbol = "NOPT", .px = { 1, 2 }, .multiplier = 1,
			     .underlying = TD_NO_ID };
	f.und = td_registry_add(f.reg, &fut);
	uint32_t plain = td_registry_add(f.reg, &eq);
	td_instrument o = option(f.und, "ES", TODAY + 45, 'P', 5000, TD_EXERCISE_EUROPEAN);
	o.multiplier = 50;
	uint32_t put = td_registry_add(f.reg, &o);
	f.m = td_market_new(f.reg);
	trade(f.m, f.und, 20400);   /* 20400 ticks of 0.25 = 5100.00 */
	td_opt b = { .right = TD_PUT, .model = TD_MODEL_BLACK76, .S = 5100, .K = 5000, .T = years_to(TODAY + 45),
		     .r = 0.05, .sigma = 0.18 };
	double p;
	td_bsm_price(&b, &p);
	quote(f.m, put, p, 100, 0);
	td_optchain *oc = chains(&f);
	assert_int_equal(td_optchain_chain_of(oc, put), f.und);
	assert_int_equal(td_optchain_chain_of(oc, f.und), f.und);
	assert_int_equal(td_optchain_chain_of(oc, plain), TD_NO_ID);
	assert_null(td_optchain_get(oc, plain, true));
	const uint32_t *ids;
	assert_int_equal(td_optchain_underlyings(oc, &ids), 1);
	assert_int_equal(ids[0], f.und);
	const td_chainview *cv = td_optchain_get(oc, f.und, true);
	assert_int_equal(cv->model, TD_MODEL_BLACK76);
	assert_near(cv->multiplier, 50, 0);
	assert_near(cv->rows[0].iv, 0.18, 1e-6);
	assert_near(cv->yield, 0, 0);
	done(&f, oc);
}

/* Within the refresh interval the last computation is returned; force recomputes. */
static void test_refresh(void **state)
{
	(void)state;
	fixture f;
	const double vol[2] = { 0.2, 0.2 };
	const int64_t days[2] = { 5, 40 };
	equity_chain(&f, TD_EXERCISE_EUROPEAN, vol, days);
	td_optchain *oc = chains(&f);   /* refresh_ms = 60000 */
	const td_chainview *cv = td_optchain_get(oc, f.und, false);
	double spot = cv->spot;
	trade(f.m, f.und, 10100);
	cv = td_optchain_get(oc, f.und, false);
	assert_near(cv->spot, spot, 0);
	cv = td_optchain_get(oc, f.und, true);
	assert_near(cv->spot, 101.0, 0);
	done(&f, oc);
}

/*
 * With a history: IV rank and percentile of the 30-day IV against 25 recorded
 * days of IV 0.10, 0.11, ..., 0.34; the 100 call's OI change against its
 * previous day; and recording today's chain puts back what the chain shows.
 */
static void test_history(void **state)
{
	(void)state;
	fixture f;
	const double vol[2] = { 0.25, 0.35 };
	const int64_t days[2] = { 10, 50 };
	equity_chain(&f, TD_EXERCISE_EUROPEAN, vol, days);
	td_history *h = td_history_new();
	char err[128];
	for (int i = 0; i < 25; i++) {
		td_history_underlying_day d = { .day = TODAY - 25 + i, .atm_iv = 0.10 + 0.01 * i, .close = 99 };
		assert_int_equal(td_history_put_underlying(h, "XYZ", &d, err, sizeof err), 0);
	}
	char call100[32];
	td_occ occ = { .root = "XYZ", .right = 'C', .strike_milli = 100000 };
	td_civil_from_days(TODAY + 10, &occ.year, &occ.month, &occ.day);
	td_occ_format_compact(&occ, call100, sizeof call100);
	td_history_contract_day c = { .day = TODAY - 3, .oi = 900, .premium = 2.0, .volume = 4 };
	assert_int_equal(td_history_put_contract(h, call100, &c, err, sizeof err), 0);
	td_optchain *oc = chains_with(&f, h);
	const td_chainview *cv = td_optchain_get(oc, f.und, true);
	double iv = cv->iv30;
	int below = 0;
	for (int i = 0; i < 25; i++)
		below += 0.10 + 0.01 * i < iv;
	assert_int_equal(cv->ivr.days, 25);
	assert_near(cv->ivr.rank, (iv - 0.10) / 0.24 * 100, 1e-9);
	assert_near(cv->ivr.percentile, below * 100.0 / 25, 1e-9);
	/* the 100 call of the first expiry: rows 2 (strikes 90, 100, 110; call first) */
	const td_optrow *r = &cv->rows[2];
	assert_near(r->strike, 100, 0);
	assert_int_equal(r->right, TD_CALL);
	assert_near(cv->stat_rows[2].oi_change, 1200 - 900, 0);
	assert_near(cv->stat_rows[2].price_change, r->mid - 2.0, 1e-12);
	assert_near(cv->stat_rows[2].vol_hist, 30.0 / 4.0, 1e-12);
	/* record today: the day's figures come back as "the day before tomorrow" */
	td_history *fresh = td_history_new();
	assert_int_equal(td_optchain_record(oc, fresh, err, sizeof err), 0);
	assert_int_equal(td_optchain_today(oc), TODAY);
	td_history_underlying_day u;
	assert_int_equal(td_history_underlying_prev(fresh, "XYZ", TODAY + 1, &u), 0);
	assert_int_equal(u.day, TODAY);
	assert_near(u.atm_iv, iv, 1e-15);
	assert_near(u.close, 100, 0);
	td_history_contract_day back;
	assert_int_equal(td_history_contract_prev(fresh, call100, TODAY + 1, &back), 0);
	assert_near(back.oi, 1200, 0);
	assert_near(back.premium, r->mid, 0);
	assert_near(back.volume, 30, 0);
	td_history_free(fresh);
	td_history_free(h);
	done(&f, oc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_european_chain),
		cmocka_unit_test(test_american_chain),
		cmocka_unit_test(test_no_iv_reasons),
		cmocka_unit_test(test_future_and_mapping),
		cmocka_unit_test(test_refresh),
		cmocka_unit_test(test_history),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
