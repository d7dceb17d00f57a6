/*
 * The option-selling scanner on tiny hand-made chains.  Every expected number
 * is worked out beside it from the definitions in doc/scanner.md (payoffs at
 * expiry, the liquidity formula, the margin proxy), or from the published
 * lognormal formula P(S_T > B) = N(d2), computed here independently of the
 * module; or it is a property (put-call parity mirrors, ranking order, input
 * order not mattering).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "options/scan.h"

#define LEN(a) (sizeof(a) / sizeof((a)[0]))
#define EPS 1e-9
#define T30 (30.0 / 365)

/* got within tol of want (a NaN never is), reported with the line of the check. */
#define assert_near(got, want, tol) near_((got), (want), (tol), #got, __LINE__)
static void near_(double got, double want, double tol, const char *what, int line)
{
	if (isnan(got) || !(fabs(got - want) <= tol))
		fail_msg("line %d: %s = %.17g, want %.17g within %g", line, what, got, want, tol);
}

/* Standard normal CDF and the risk-neutral lognormal P(S_T > B): Hull, eq. 15.20's N(d2). */
static double ncdf(double x)
{
	return 0.5 * erfc(-x / sqrt(2.0));
}

static double p_above(double S, double B, double r, double sigma, double T)
{
	double d2 = (log(S / B) + (r - sigma * sigma / 2) * T) / (sigma * sqrt(T));
	return ncdf(d2);
}

/* A complete contract, 30 days out, volume 100, OI 1000, gamma 0.01. */
static td_scan_contract con(td_right r, double K, double bid, double ask, double iv, double delta)
{
	static uint32_t next_id = 1000;
	return (td_scan_contract){ .id = next_id++, .expiry = 20000, .T = T30, .right = r, .strike = K,
				   .bid = bid, .ask = ask, .iv = iv, .delta = delta, .gamma = 0.01,
				   .theta = -0.05, .vega = 0.10, .volume = 100, .oi = 1000 };
}

/* Parameters that let everything through, for one set of strategies. */
static td_scan_params loose(uint32_t strategies)
{
	td_scan_params p;
	td_scan_params_init(&p, 100, 100);
	p.strategies = strategies;
	p.dte_min = 0;
	p.dte_max = INFINITY;
	p.short_delta_min = p.long_delta_min = 0;
	p.short_delta_max = p.long_delta_max = 1;
	p.straddle_delta_max = 1;
	p.liquidity_min = 0;
	p.oi_min = 0;
	return p;
}

static td_scan *run(const td_scan_contract *c, size_t n, const td_scan_params *p)
{
	td_scan *sc = td_scan_new(64, 32);
	assert_non_null(sc);
	assert_int_equal(td_scan_run(sc, c, n, p), 0);
	assert_null(td_scan_error(sc));
	return sc;
}

static const td_scan_pick *pick(const td_scan *sc, size_t i)
{
	size_t n;
	const td_scan_pick *pk = td_scan_picks(sc, &n);
	assert_true(i < n);
	return &pk[i];
}

/* The only pick of strategy s. */
static const td_scan_pick *only(const td_scan *sc, td_scan_strategy s)
{
	size_t n;
	const td_scan_pick *pk = td_scan_picks(sc, &n), *got = NULL;
	for (size_t i = 0; i < n; i++)
		if (pk[i].strategy == s) {
			assert_null(got);
			got = &pk[i];
		}
	assert_non_null(got);
	return got;
}

/*
 * A small chain at spot 100: puts 90 / 95, calls 105 / 110.
 *   put  90: 0.90 / 1.00, iv 0.28, delta -0.12
 *   put  95: 1.90 / 2.10, iv 0.25, delta -0.25
 *   call 105: 1.50 / 1.60, iv 0.22, delta 0.24
 *   call 110: 0.60 / 0.70, iv 0.21, delta 0.12
 */
static size_t small_chain(td_scan_contract *c)
{
	c[0] = con(TD_PUT, 90, 0.90, 1.00, 0.28, -0.12);
	c[1] = con(TD_PUT, 95, 1.90, 2.10, 0.25, -0.25);
	c[2] = con(TD_CALL, 105, 1.50, 1.60, 0.22, 0.24);
	c[3] = con(TD_CALL, 110, 0.60, 0.70, 0.21, 0.12);
	return 4;
}

/*
 * CSP on the 95 put, r = 5 %, 100 per contract:
 *   credit 1.90 (bid), mid 2.00; max profit 1.90 = 190; breakeven 95 - 1.90 = 93.10;
 *   max loss 93.10 = collateral 95 * 100 - 190 = 9,310;
 *   return 1.90 / 93.10, annualised x 365 / 30;
 *   POP = N(d2) at 93.10 with the put's IV: d2 = (ln(100/93.1) + (0.05 - 0.25^2/2) * 30/365) / (0.25 * sqrt(30/365))
 *       = 1.01904, and a normal table gives N(1.01) = 0.84375, N(1.02) = 0.84614: 0.84591 by interpolation;
 *   Greeks: delta -(-0.25) x 100 = 25, theta -(-0.05) x 100 = 5 a day, vega -0.10 x 100 = -10; theta/vega 0.5.
 */
static void test_csp_by_hand(void **state)
{
	(void)state;
	td_scan_contract c[4];
	small_chain(c);
	td_scan_params p = loose(TD_SCAN_BIT(TD_SCAN_CSP));
	p.rate = 0.05;
	td_scan *sc = run(c, 4, &p);
	assert_int_equal(td_scan_totals(sc)->kept[TD_SCAN_CSP], 2);
	const td_scan_pick *k = NULL;
	for (size_t i = 0; i < 2; i++)
		if (pick(sc, i)->legs[0].strike == 95)
			k = pick(sc, i);
	assert_non_null(k);
	assert_int_equal(k->n_legs, 1);
	assert_int_equal(k->legs[0].qty, -1);
	assert_int_equal(k->legs[0].index, 1);
	assert_int_equal(k->legs[0].id, c[1].id);
	assert_near(k->credit, 1.90, EPS);
	assert_near(k->credit_mid, 2.00, EPS);
	assert_near(k->max_profit, 1.90, EPS);
	assert_near(k->max_profit_money, 190, 1e-7);
	assert_near(k->max_loss, 93.10, EPS);
	assert_near(k->max_loss_money, 9310, 1e-7);
	assert_near(k->risk_money, 95 * 100 - 190, 1e-7);
	assert_int_equal(k->n_breakevens, 1);
	assert_near(k->breakeven[0], 93.10, EPS);
	assert_true(isnan(k->breakeven[1]));
	assert_near(k->dte, 30, 1e-9);
	assert_near(k->ret, 1.90 / 93.10, EPS);
	assert_near(k->ret_annual, 1.90 / 93.10 * 365 / 30, EPS);
	assert_near(k->pop, p_above(100, 93.10, 0.05, 0.25, T30), 1e-12);
	assert_near(k->pop, 0.84591, 2e-4);
	assert_near(k->delta, 25, EPS);
	assert_near(k->gamma, -1, EPS);
	assert_near(k->theta, 5, EPS);
	assert_near(k->vega, -10, EPS);
	assert_near(k->theta_vega, 0.5, EPS);
	assert_int_equal(k->flags, 0);
	td_scan_free(sc);
}

/*
 * Covered call on the 105 call, shares bought at 100:
 *   credit 1.50 - 100 = -98.50 (paid); max profit 105 - 100 + 1.50 = 6.50; max loss 100 - 1.50 = 98.50;
 *   breakeven 98.50; POP = N(d2) at 98.50 with the call's IV 0.22 (r = 0);
 *   shares 100; delta (1 - 0.24) x 100 = 76.
 */
static void test_covered_call_by_hand(void **state)
{
	(void)state;
	td_scan_contract c[4];
	small_chain(c);
	td_scan_params p = loose(TD_SCAN_BIT(TD_SCAN_COVERED_CALL));
	td_scan *sc = run(c, 4, &p);
	const td_scan_pick *k = pick(sc, 0)->legs[0].strike == 105 ? pick(sc, 0) : pick(sc, 1);
	assert_near(k->legs[0].strike, 105, 0);
	assert_near(k->shares, 100, 0);
	assert_near(k->credit, -98.50, EPS);
	assert_near(k->credit_mid, 1.55 - 100, EPS);
	assert_near(k->max_profit, 6.50, EPS);
	assert_near(k->max_loss, 98.50, EPS);
	assert_near(k->breakeven[0], 98.50, EPS);
	assert_int_equal(k->n_breakevens, 1);
	assert_near(k->pop, p_above(100, 98.50, 0, 0.22, T30), 1e-12);
	assert_near(k->delta, 76, EPS);
	assert_near(k->ret, 6.50 / 98.50, EPS);
	td_scan_free(sc);
}

/*
 * The four verticals on the small chain (width one listed strike):
 *   bull put 95/90: credit 1.90 - 1.00 = 0.90, max loss 5 - 0.90 = 4.10, breakeven 94.10,
 *     IV at 94.10 between the legs: 0.28 + (0.25 - 0.28) * 4.10 / 5 = 0.2554;
 *   bear call 105/110: credit 1.50 - 0.70 = 0.80, max loss 4.20, breakeven 105.80, IV 0.22 - 0.01 * 0.80 / 5;
 *   bull call 105/110: debit 1.60 - 0.60 = 1.00, max profit 5 - 1 = 4, max loss 1, breakeven 106, IV 0.22 - 0.01/5;
 *   bear put 95/90: debit 2.10 - 0.90 = 1.20, max profit 3.80, max loss 1.20, breakeven 93.80, IV 0.28 - 0.03 * 3.8/5.
 */
static void test_verticals_by_hand(void **state)
{
	(void)state;
	td_scan_contract c[4];
	small_chain(c);
	td_scan_params p = loose(TD_SCAN_BIT(TD_SCAN_BULL_PUT) | TD_SCAN_BIT(TD_SCAN_BEAR_CALL) |
				 TD_SCAN_BIT(TD_SCAN_BULL_CALL) | TD_SCAN_BIT(TD_SCAN_BEAR_PUT));
	td_scan *sc = run(c, 4, &p);
	const td_scan_total *t = td_scan_totals(sc);
	assert_int_equal(t->kept_all, 4);
	/* the 90 put and 110 call have no listed strike beyond them */
	assert_int_equal(t->filtered[TD_SCAN_BULL_PUT][TD_SCAN_FILTER_NO_LEG], 1);
	assert_int_equal(t->filtered[TD_SCAN_BULL_CALL][TD_SCAN_FILTER_NO_LEG], 1);

	const td_scan_pick *k = only(sc, TD_SCAN_BULL_PUT);
	assert_near(k->legs[0].strike, 90, 0);
	assert_int_equal(k->legs[0].qty, +1);
	assert_int_equal(k->legs[1].qty, -1);
	assert_near(k->credit, 0.90, EPS);
	assert_near(k->credit_mid, 2.00 - 0.95, EPS);
	assert_near(k->max_profit, 0.90, EPS);
	assert_near(k->max_loss, 5 - 0.90, EPS);
	assert_near(k->breakeven[0], 94.10, EPS);
	assert_near(k->pop, p_above(100, 94.10, 0, 0.28 - 0.03 * 4.10 / 5, T30), 1e-12);

	k = only(sc, TD_SCAN_BEAR_CALL);
	assert_near(k->credit, 0.80, EPS);
	assert_near(k->max_loss, 5 - 0.80, EPS);
	assert_near(k->breakeven[0], 105.80, EPS);
	assert_near(k->pop, 1 - p_above(100, 105.80, 0, 0.22 - 0.01 * 0.80 / 5, T30), 1e-12);

	k = only(sc, TD_SCAN_BULL_CALL);
	assert_near(k->credit, -1.00, EPS);
	assert_near(k->max_profit, 5 - 1.00, EPS);
	assert_near(k->max_loss, 1.00, EPS);
	assert_near(k->breakeven[0], 106, EPS);
	assert_near(k->pop, p_above(100, 106, 0, 0.22 - 0.01 * 1.0 / 5, T30), 1e-12);
	assert_near(k->ret, 4.0, EPS);

	k = only(sc, TD_SCAN_BEAR_PUT);
	assert_near(k->credit, -1.20, EPS);
	assert_near(k->max_profit, 5 - 1.20, EPS);
	assert_near(k->max_loss, 1.20, EPS);
	assert_near(k->breakeven[0], 93.80, EPS);
	assert_near(k->pop, 1 - p_above(100, 93.80, 0, 0.28 - 0.03 * 3.80 / 5, T30), 1e-12);
	td_scan_free(sc);
}

/*
 * Iron condor 90/95/105/110: the 95 put pairs with the 105 call (|delta| 0.24 is nearest 0.25).
 *   credit 1.90 - 1.00 + 1.50 - 0.70 = 1.70; max loss 5 - 1.70 = 3.30;
 *   breakevens 95 - 1.70 = 93.30 and 105 + 1.70 = 106.70;
 *   POP = N(d2(93.30, iv 0.28 - 0.03 * 3.3/5)) - N(d2(106.70, iv 0.22 - 0.01 * 1.7/5)).
 * The 90 put pairs with the 110 call but has no wing below it.
 */
static void test_iron_condor_by_hand(void **state)
{
	(void)state;
	td_scan_contract c[4];
	small_chain(c);
	td_scan_params p = loose(TD_SCAN_BIT(TD_SCAN_IRON_CONDOR));
	td_scan *sc = run(c, 4, &p);
	const td_scan_total *t = td_scan_totals(sc);
	assert_int_equal(t->candidates[TD_SCAN_IRON_CONDOR], 2);
	assert_int_equal(t->filtered[TD_SCAN_IRON_CONDOR][TD_SCAN_FILTER_NO_LEG], 1);
	const td_scan_pick *k = only(sc, TD_SCAN_IRON_CONDOR);
	const double K[] = { 90, 95, 105, 110 };
	const int q[] = { +1, -1, -1, +1 };
	assert_int_equal(k->n_legs, 4);
	for (int j = 0; j < 4; j++) {
		assert_near(k->legs[j].strike, K[j], 0);
		assert_int_equal(k->legs[j].qty, q[j]);
	}
	assert_near(k->credit, 1.70, EPS);
	assert_near(k->max_profit, 1.70, EPS);
	assert_near(k->max_loss, 3.30, EPS);
	assert_int_equal(k->n_breakevens, 2);
	assert_near(k->breakeven[0], 93.30, EPS);
	assert_near(k->breakeven[1], 106.70, EPS);
	double want = p_above(100, 93.30, 0, 0.28 - 0.03 * 3.3 / 5, T30) -
		      p_above(100, 106.70, 0, 0.22 - 0.01 * 1.7 / 5, T30);
	assert_near(k->pop, want, 1e-12);
	assert_near(k->delta, (+1 * -0.12 - 1 * -0.25 - 1 * 0.24 + 1 * 0.12) * 100, EPS);
	assert_near(k->vega, 0, EPS);
	assert_true(isnan(k->theta_vega)); /* two long, two short legs of equal vega */
	/* worst leg: the 110 call, spread 0.10 / 0.65; volume 100 of 500, OI 1000 of 5000 on the log scale */
	double liq = 0.5 * 100 * (1 - 0.10 / 0.65 / 0.20) + 0.25 * 100 * log(101) / log(501) +
		     0.25 * 100 * log(1001) / log(5001);
	assert_near(k->liquidity, liq, 1e-9);
	assert_near(k->liquidity, 50.376, 1e-3);
	double ra = 1.70 / 3.30 * 365 / 30;
	assert_near(k->score, 0.4 * 100 * want + 0.4 * 100 * ra / (ra + 0.5) + 0.2 * liq, 1e-9);
	td_scan_free(sc);
}

/*
 * Short strangle 95 put / 105 call: credit 3.40, breakevens 91.60 and 108.40, loss unbounded.
 * Margin proxy: put max(0.20 * 100 - 5, 0.10 * 95) = 15, call max(20 - 5, 0.10 * 100) = 15;
 * risk 15 + 1.90 + 1.50 = 18.40 and return 3.40 / 18.40.
 * Straddle at 100 (put -0.48, call 0.52): credit 3.00 + 3.20, breakevens 100 -/+ 6.20;
 * proxy max(20, 10) + 6.20 = 26.20.
 */
static void test_strangle_straddle_unbounded(void **state)
{
	(void)state;
	td_scan_contract c[6];
	small_chain(c);
	c[4] = con(TD_PUT, 100, 3.00, 3.10, 0.24, -0.48);
	c[5] = con(TD_CALL, 100, 3.20, 3.30, 0.23, 0.52);
	td_scan_params p = loose(TD_SCAN_BIT(TD_SCAN_STRANGLE) | TD_SCAN_BIT(TD_SCAN_STRADDLE));
	td_scan *sc = run(c, 6, &p);
	size_t n;
	const td_scan_pick *pk = td_scan_picks(sc, &n);
	const td_scan_pick *k = NULL;
	for (size_t i = 0; i < n; i++)
		if (pk[i].strategy == TD_SCAN_STRANGLE && pk[i].legs[0].strike == 95)
			k = &pk[i];
	assert_non_null(k);
	assert_near(k->legs[1].strike, 105, 0);
	assert_near(k->credit, 3.40, EPS);
	assert_true(isinf(k->max_loss) && k->max_loss > 0);
	assert_true(isinf(k->max_loss_money));
	assert_true(k->flags & TD_SCAN_PICK_RISK_PROXY);
	assert_near(k->risk, 18.40, EPS);
	assert_near(k->risk_money, 1840, 1e-7);
	assert_near(k->ret, 3.40 / 18.40, EPS);
	assert_near(k->breakeven[0], 91.60, EPS);
	assert_near(k->breakeven[1], 108.40, EPS);
	assert_near(k->pop, p_above(100, 91.60, 0, 0.25, T30) - p_above(100, 108.40, 0, 0.22, T30), 1e-12);
	assert_false(isnan(k->score));

	k = only(sc, TD_SCAN_STRADDLE);
	assert_near(k->legs[0].strike, 100, 0);
	assert_int_equal(k->legs[0].right, TD_PUT);
	assert_int_equal(k->legs[1].right, TD_CALL);
	assert_near(k->credit, 6.20, EPS);
	assert_near(k->breakeven[0], 93.80, EPS);
	assert_near(k->breakeven[1], 106.20, EPS);
	assert_near(k->risk, 26.20, EPS);
	/* below the strike the put's IV, above it the call's */
	assert_near(k->pop, p_above(100, 93.80, 0, 0.24, T30) - p_above(100, 106.20, 0, 0.23, T30), 1e-12);
	td_scan_free(sc);
}

/* Strangle pairing tie: put |delta| 0.25, calls at 0.375 and 0.125, equally near: the smaller |delta| wins. */
static void test_strangle_pairing_tie(void **state)
{
	(void)state;
	td_scan_contract c[] = {
		con(TD_PUT, 95, 1.90, 2.10, 0.25, -0.25),
		con(TD_CALL, 102, 2.00, 2.10, 0.22, 0.375),
		con(TD_CALL, 108, 0.80, 0.90, 0.22, 0.125),
	};
	td_scan_params p = loose(TD_SCAN_BIT(TD_SCAN_STRANGLE));
	td_scan *sc = run(c, LEN(c), &p);
	assert_near(only(sc, TD_SCAN_STRANGLE)->legs[1].strike, 108, 0);
	td_scan_free(sc);
}

/* Mirror a structure: the other's figures, with profit and loss swapped. */
static void assert_mirror(const td_scan_pick *a, const td_scan_pick *b)
{
	assert_near(a->credit, -b->credit, EPS);
	assert_near(a->max_profit, b->max_loss, EPS);
	assert_near(a->max_loss, b->max_profit, EPS);
	assert_near(a->breakeven[0], b->breakeven[0], EPS);
	assert_near(a->pop + b->pop, 1, 1e-12);
	assert_near(a->delta, -b->delta, EPS);
	assert_near(a->theta, -b->theta, EPS);
	assert_near(a->vega, -b->vega, EPS);
}

/*
 * With bid = ask, a credit vertical and the debit vertical on the same strikes
 * are the two sides of one trade: opposite credits and Greeks, profit and loss
 * swapped, one breakeven, and POPs summing to 1.
 */
static void test_credit_debit_mirror(void **state)
{
	(void)state;
	td_scan_contract c[] = {
		con(TD_PUT, 90, 1.00, 1.00, 0.28, -0.12), con(TD_PUT, 95, 2.00, 2.00, 0.25, -0.25),
		con(TD_CALL, 105, 1.50, 1.50, 0.22, 0.24), con(TD_CALL, 110, 0.60, 0.60, 0.21, 0.12),
	};
	c[0].theta = -0.03, c[0].vega = 0.07;
	td_scan_params p = loose(TD_SCAN_ALL);
	td_scan *sc = run(c, LEN(c), &p);
	const td_scan_pick *bp = only(sc, TD_SCAN_BULL_PUT), *brp = only(sc, TD_SCAN_BEAR_PUT);
	const td_scan_pick *bc = only(sc, TD_SCAN_BEAR_CALL), *blc = only(sc, TD_SCAN_BULL_CALL);
	assert_mirror(bp, brp);
	assert_mirror(bc, blc);
	assert_near(bp->max_profit + bp->max_loss, 5, EPS); /* width */
	td_scan_free(sc);
}

/*
 * Put-call parity at r = 0: call = put + S - K.  A covered call and a
 * cash-secured put at one strike have the same payoff, so the same max profit
 * and loss, breakeven, POP (one IV) and delta (call delta - put delta = 1).
 */
static void test_covered_call_is_csp(void **state)
{
	(void)state;
	td_scan_contract c[] = {
		con(TD_PUT, 95, 1.90, 1.90, 0.25, -0.30),
		con(TD_CALL, 95, 6.90, 6.90, 0.25, 0.70),
	};
	td_scan_params p = loose(TD_SCAN_BIT(TD_SCAN_CSP) | TD_SCAN_BIT(TD_SCAN_COVERED_CALL));
	td_scan *sc = run(c, LEN(c), &p);
	const td_scan_pick *a = only(sc, TD_SCAN_CSP), *b = only(sc, TD_SCAN_COVERED_CALL);
	assert_near(a->max_profit, b->max_profit, EPS);
	assert_near(a->max_loss, b->max_loss, EPS);
	assert_near(a->breakeven[0], b->breakeven[0], EPS);
	assert_near(a->pop, b->pop, 1e-12);
	assert_near(a->delta, b->delta, EPS);
	td_scan_free(sc);
}

/*
 * Liquidity: 0.50 * spread + 0.25 * volume + 0.25 * OI, with
 *   spread = 100 * clamp(1 - ((ask - bid) / mid) / 0.20), volume = 100 * clamp(ln(1 + v) / ln(1 + 99)),
 *   OI = 100 * clamp(ln(1 + oi) / ln(1 + 999)).
 */
static void test_liquidity_by_hand(void **state)
{
	(void)state;
	td_scan_params p = loose(TD_SCAN_ALL);
	p.liq_volume_full = 99;
	p.liq_oi_full = 999;
	td_scan_contract k = con(TD_PUT, 95, 1.90, 2.10, 0.25, -0.25);
	k.volume = 9;   /* ln 10 / ln 100 = 0.5 */
	k.oi = 999;
	/* spread 0.2 / 2 = 0.10 -> 50; volume 50; OI 100 */
	assert_near(td_scan_liquidity(&k, &p), 0.5 * 50 + 0.25 * 50 + 0.25 * 100, 1e-9);
	k.volume = 5000;
	k.oi = 1e6;
	k.bid = k.ask = 2;
	assert_near(td_scan_liquidity(&k, &p), 100, 1e-9);
	k.bid = 1.5, k.ask = 2.5, k.volume = 0, k.oi = 0; /* spread 0.5 beyond 0.20 */
	assert_near(td_scan_liquidity(&k, &p), 0, 1e-9);
	k.bid = 1.9, k.ask = 2.1, k.volume = NAN, k.oi = 9; /* ln 10 / ln 1000 = 1/3 */
	assert_near(td_scan_liquidity(&k, &p), (0.5 * 50 + 0.25 * 100.0 / 3) / 0.75, 1e-9);
	k.oi = NAN;
	assert_true(isnan(td_scan_liquidity(&k, &p)));
	k.oi = 10, k.bid = 2.2; /* crossed */
	assert_true(isnan(td_scan_liquidity(&k, &p)));
}

/* A wider spread never scores higher: around a fixed mid, and with the bid fixed. */
static void test_liquidity_monotone(void **state)
{
	(void)state;
	td_scan_params p = loose(TD_SCAN_ALL);
	td_scan_contract k = con(TD_CALL, 100, 2, 2, 0.2, 0.5);
	double prev = INFINITY, prev2 = INFINITY;
	for (int i = 0; i <= 300; i++) {
		double h = i * 0.002;
		k.bid = 2 - h, k.ask = 2 + h;
		double s = td_scan_liquidity(&k, &p);
		assert_true(s <= prev && s >= 0 && s <= 100);
		prev = s;
		k.bid = 1, k.ask = 1 + h;
		s = td_scan_liquidity(&k, &p);
		assert_true(s <= prev2);
		prev2 = s;
	}
	assert_near(prev, 0.25 * (100 * log1p(100) / log1p(500)) + 0.25 * (100 * log1p(1000) / log1p(5000)), 1e-9);
}

/* A put for the filter chain: a two-sided quote 1.90 / 2.10 unless changed. */
static td_scan_contract fput(double K, double delta)
{
	return con(TD_PUT, K, 1.90, 2.10, 0.25, delta);
}

/*
 * Each filter drops exactly its contract (CSPs, default liquidity scales, oi_min 10, liquidity_min 30, delta 0.10-0.35):
 *   95: kept; 70: |delta| exactly 0.10, kept (inclusive);
 *   90: |delta| 0.05 -> delta;  85: OI 5 -> OI;
 *   80: OI 10 (= minimum, passes), 0.10 / 1.00, no volume traded:
 *       spread 0, volume 0, OI 100 * ln 11 / ln 5001 = 28.2 -> 7.0 < 30 -> liquidity;
 *   75: 0 / 0.02: liquidity 0.25 * 74.3 + 0.25 * 81.1 = 38.8 passes, no credit -> price;
 *   95 at 90 days -> DTE (default max 60).
 */
static void test_filters_each(void **state)
{
	(void)state;
	td_scan_contract c[7];
	c[0] = fput(95, -0.25);
	c[1] = fput(90, -0.05);
	c[2] = fput(85, -0.20);
	c[2].oi = 5;
	c[3] = fput(80, -0.15);
	c[3].bid = 0.10, c[3].ask = 1.00, c[3].volume = 0, c[3].oi = 10;
	c[4] = fput(75, -0.20);
	c[4].bid = 0, c[4].ask = 0.02;
	c[5] = fput(95, -0.25);
	c[5].expiry = 20060, c[5].T = 90.0 / 365;
	c[6] = fput(70, -0.10);
	td_scan_params p;
	td_scan_params_init(&p, 100, 100);
	p.strategies = TD_SCAN_BIT(TD_SCAN_CSP);
	p.liquidity_min = 30;
	td_scan *sc = run(c, LEN(c), &p);
	const td_scan_total *t = td_scan_totals(sc);
	const uint32_t *f = t->filtered[TD_SCAN_CSP];
	assert_int_equal(t->candidates[TD_SCAN_CSP], 7);
	assert_int_equal(f[TD_SCAN_FILTER_DTE], 1);
	assert_int_equal(f[TD_SCAN_FILTER_NO_LEG], 0);
	assert_int_equal(f[TD_SCAN_FILTER_DELTA], 1);
	assert_int_equal(f[TD_SCAN_FILTER_OI], 1);
	assert_int_equal(f[TD_SCAN_FILTER_LIQUIDITY], 1);
	assert_int_equal(f[TD_SCAN_FILTER_PRICE], 1);
	assert_int_equal(f[TD_SCAN_FILTER_IV_RANK], 0);
	assert_int_equal(t->kept[TD_SCAN_CSP], 2);
	assert_int_equal(t->expiries, 2);
	size_t n;
	const td_scan_pick *pk = td_scan_picks(sc, &n);
	assert_int_equal(n, 2);
	for (size_t i = 0; i < n; i++)
		assert_true(pk[i].legs[0].index == 0 || pk[i].legs[0].index == 6);
	td_scan_free(sc);
}

/* The debit verticals' bought leg is held to the long range, their sold leg to none. */
static void test_filters_long_delta(void **state)
{
	(void)state;
	td_scan_contract c[] = {
		con(TD_CALL, 100, 3.00, 3.10, 0.22, 0.50), con(TD_CALL, 105, 1.50, 1.60, 0.22, 0.30),
		con(TD_CALL, 110, 0.60, 0.70, 0.21, 0.12),
	};
	td_scan_params p = loose(TD_SCAN_BIT(TD_SCAN_BULL_CALL));
	p.long_delta_min = 0.40, p.long_delta_max = 0.70;
	td_scan *sc = run(c, LEN(c), &p);
	const td_scan_total *t = td_scan_totals(sc);
	assert_int_equal(t->kept_all, 1); /* 100/105 */
	assert_int_equal(t->filtered[TD_SCAN_BULL_CALL][TD_SCAN_FILTER_DELTA], 1); /* 105/110: 0.30 bought */
	assert_int_equal(t->filtered[TD_SCAN_BULL_CALL][TD_SCAN_FILTER_NO_LEG], 1); /* 110 */
	assert_near(pick(sc, 0)->legs[0].strike, 100, 0);
	td_scan_free(sc);
}

/* IV rank: off, pass, fail, unknown (kept and flagged), unknown and strict (all dropped). */
static void test_filters_iv_rank(void **state)
{
	(void)state;
	td_scan_contract c[] = { fput(95, -0.25) };
	const struct {
		double rank, lo, hi;
		bool strict;
		td_scan_ivr ivr;
		uint32_t kept, dropped, flags;
	} cases[] = {
		{ 40, NAN, NAN, false, TD_SCAN_IVR_OFF, 1, 0, 0 },
		{ NAN, NAN, NAN, true, TD_SCAN_IVR_OFF, 1, 0, 0 },
		{ 40, 30, NAN, false, TD_SCAN_IVR_PASS, 1, 0, 0 },
		{ 30, 30, 30, false, TD_SCAN_IVR_PASS, 1, 0, 0 },
		{ 20, 30, NAN, false, TD_SCAN_IVR_FAIL, 0, 1, 0 },
		{ 90, NAN, 80, false, TD_SCAN_IVR_FAIL, 0, 1, 0 },
		{ NAN, 30, NAN, false, TD_SCAN_IVR_UNKNOWN, 1, 0, TD_SCAN_PICK_RANK_UNKNOWN },
		{ NAN, 30, NAN, true, TD_SCAN_IVR_UNKNOWN, 0, 1, 0 },
	};
	for (size_t i = 0; i < LEN(cases); i++) {
		td_scan_params p = loose(TD_SCAN_BIT(TD_SCAN_CSP));
		p.iv_rank = cases[i].rank, p.iv_rank_min = cases[i].lo, p.iv_rank_max = cases[i].hi;
		p.iv_rank_strict = cases[i].strict;
		td_scan *sc = run(c, 1, &p);
		const td_scan_total *t = td_scan_totals(sc);
		assert_int_equal(t->ivr, cases[i].ivr);
		assert_int_equal(t->kept_all, cases[i].kept);
		assert_int_equal(t->filtered[TD_SCAN_CSP][TD_SCAN_FILTER_IV_RANK], cases[i].dropped);
		if (cases[i].kept)
			assert_int_equal(pick(sc, 0)->flags, cases[i].flags);
		td_scan_free(sc);
	}
}

/* Every missing input is listed with its reason, in input order; gamma and volume are not required. */
static void test_missing_data_listed(void **state)
{
	(void)state;
	td_scan_contract c[15];
	for (size_t i = 0; i < LEN(c); i++)
		c[i] = fput(95 - (double)i, -0.25);
	c[1].bid = NAN;
	c[2].ask = NAN;
	c[3].bid = 2, c[3].ask = 1;
	c[4].iv = NAN;
	c[5].delta = NAN, c[5].theta = NAN;
	c[6].vega = NAN;
	c[7].oi = NAN;
	c[8].T = NAN;
	c[9].strike = 0;
	c[10].right = (td_right)0;
	c[11].strike = 95; /* same expiry, right and strike as c[0] */
	c[12].gamma = NAN, c[12].volume = NAN;
	c[13].bid = 0, c[13].ask = 0;
	c[14].T = -0.01;
	const uint32_t want[][2] = {
		{ 1, TD_SCAN_WHY_BID },
		{ 2, TD_SCAN_WHY_ASK },
		{ 3, TD_SCAN_WHY_QUOTE },
		{ 4, TD_SCAN_WHY_IV },
		{ 5, TD_SCAN_WHY_DELTA | TD_SCAN_WHY_THETA },
		{ 6, TD_SCAN_WHY_VEGA },
		{ 7, TD_SCAN_WHY_OI },
		{ 8, TD_SCAN_WHY_T },
		{ 9, TD_SCAN_WHY_INVALID },
		{ 10, TD_SCAN_WHY_INVALID },
		{ 11, TD_SCAN_WHY_DUPLICATE },
		{ 13, TD_SCAN_WHY_QUOTE },
		{ 14, TD_SCAN_WHY_T },
	};
	td_scan_params p = loose(TD_SCAN_BIT(TD_SCAN_CSP));
	td_scan *sc = run(c, LEN(c), &p);
	size_t n;
	const td_scan_skip *s = td_scan_skipped(sc, &n);
	assert_int_equal(n, LEN(want));
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(s[i].index, want[i][0]);
		assert_int_equal(s[i].why, want[i][1]);
		assert_int_equal(s[i].id, c[want[i][0]].id);
	}
	const td_scan_total *t = td_scan_totals(sc);
	assert_int_equal(t->contracts, 15);
	assert_int_equal(t->usable, 2);
	assert_int_equal(t->skipped, 13);
	assert_int_equal(t->no_volume, 1);
	assert_int_equal(t->why[TD_SCAN_WHY_BIT_QUOTE], 2);
	assert_int_equal(t->why[TD_SCAN_WHY_BIT_T], 2);
	assert_int_equal(t->why[TD_SCAN_WHY_BIT_INVALID], 2);
	assert_int_equal(t->why[TD_SCAN_WHY_BIT_DELTA], 1);
	assert_int_equal(t->why[TD_SCAN_WHY_BIT_THETA], 1);
	assert_int_equal(t->why[TD_SCAN_WHY_BIT_DUPLICATE], 1);
	assert_int_equal(t->candidates[TD_SCAN_CSP], 2);
	/* the usable one without gamma or volume: kept, flagged, net gamma unknown */
	const td_scan_pick *k = pick(sc, 0)->legs[0].index == 12 ? pick(sc, 0) : pick(sc, 1);
	assert_int_equal(k->legs[0].index, 12);
	assert_true(k->flags & TD_SCAN_PICK_NO_VOLUME);
	assert_true(isnan(k->gamma));
	assert_string_equal(td_scan_why_name(TD_SCAN_WHY_BIT_OI), "no open interest");
	assert_string_equal(td_scan_why_key(TD_SCAN_WHY_BIT_DUPLICATE), "duplicate");
	assert_string_equal(td_scan_why_name(TD_SCAN_WHY_COUNT), "?");
	td_scan_free(sc);
}

/* A skipped contract is never stepped over: the vertical's wing is the next listed strike or nothing. */
static void test_wing_not_stepped_over(void **state)
{
	(void)state;
	td_scan_contract c[] = { fput(95, -0.25), fput(90, -0.15), fput(85, -0.10) };
	c[1].iv = NAN;
	c[2].bid = 0.90, c[2].ask = 1.00;
	td_scan_params p = loose(TD_SCAN_BIT(TD_SCAN_BULL_PUT));
	td_scan *sc = run(c, LEN(c), &p);
	const td_scan_total *t = td_scan_totals(sc);
	assert_int_equal(t->candidates[TD_SCAN_BULL_PUT], 2);
	assert_int_equal(t->filtered[TD_SCAN_BULL_PUT][TD_SCAN_FILTER_NO_LEG], 2);
	assert_int_equal(t->picks, 0);
	p.width_steps = 2; /* 95 / 85 now */
	assert_int_equal(td_scan_run(sc, c, LEN(c), &p), 0);
	assert_int_equal(td_scan_totals(sc)->kept_all, 1);
	assert_near(pick(sc, 0)->legs[0].strike, 85, 0);
	assert_near(pick(sc, 0)->credit, 1.90 - 1.00, EPS);
	td_scan_free(sc);
}

/* Six CSPs of varied delta, quote and Greeks, two expiries. */
static size_t rank_chain(td_scan_contract *c)
{
	const double K[] = { 96, 94, 92, 90, 88, 86 };
	const double d[] = { -0.34, -0.30, -0.25, -0.20, -0.15, -0.11 };
	const double bid[] = { 2.60, 2.20, 1.60, 1.20, 0.70, 0.40 };
	const double sp[] = { 0.05, 0.30, 0.10, 0.05, 0.20, 0.02 };
	const double th[] = { -0.06, -0.05, -0.045, -0.03, -0.025, -0.012 };
	const double ve[] = { 0.11, 0.10, 0.12, 0.08, 0.05, 0.04 };
	for (int i = 0; i < 6; i++) {
		c[i] = con(TD_PUT, K[i], bid[i], bid[i] + sp[i], 0.22 + 0.01 * i, d[i]);
		c[i].theta = th[i], c[i].vega = ve[i], c[i].oi = 200.0 * (i + 1);
	}
	for (int i = 0; i < 6; i++) {
		c[6 + i] = c[i];
		c[6 + i].expiry = 20030, c[6 + i].T = 60.0 / 365;
		c[6 + i].bid *= 1.6, c[6 + i].ask *= 1.6;
	}
	return 12;
}

/* The key's value of a pick, recomputed from its fields by the documented formulas. */
static double key_of(const td_scan_pick *k, const td_scan_params *p)
{
	switch (p->rank) {
	case TD_SCAN_RANK_RETURN:
		return k->max_profit / k->risk;
	case TD_SCAN_RANK_POP:
		return k->pop;
	case TD_SCAN_RANK_THETA_VEGA:
		return k->theta / fabs(k->vega);
	default: {
		double ra = k->max_profit / k->risk / (k->dte / 365);
		return (0.4 * 100 * k->pop + 0.4 * 100 * ra / (ra + 0.5) + 0.2 * k->liquidity) / 1.0;
	}
	}
}

/* Each key orders the picks by its own value, best first, and the score is that value. */
static void test_rank_keys(void **state)
{
	(void)state;
	td_scan_contract c[12];
	size_t nc = rank_chain(c);
	for (int r = 0; r < TD_SCAN_RANK_COUNT; r++) {
		td_scan_params p = loose(TD_SCAN_BIT(TD_SCAN_CSP));
		p.rank = (td_scan_rank)r;
		td_scan *sc = run(c, nc, &p);
		size_t n;
		const td_scan_pick *pk = td_scan_picks(sc, &n);
		assert_int_equal(n, 12);
		for (size_t i = 0; i < n; i++) {
			assert_near(pk[i].score, key_of(&pk[i], &p), 1e-9);
			if (i > 0)
				assert_true(pk[i - 1].score >= pk[i].score);
		}
		td_scan_free(sc);
	}
	/* POP: the 86 put at 30 days first: the lowest breakeven, and fewer standard deviations of travel than at 60 */
	td_scan_params p = loose(TD_SCAN_BIT(TD_SCAN_CSP));
	p.rank = TD_SCAN_RANK_POP;
	td_scan *sc = run(c, nc, &p);
	assert_near(pick(sc, 0)->legs[0].strike, 86, 0);
	assert_int_equal(pick(sc, 0)->expiry, 20000);
	td_scan_free(sc);
	assert_string_equal(td_scan_rank_name(TD_SCAN_RANK_THETA_VEGA), "theta/vega");
	assert_string_equal(td_scan_rank_key(TD_SCAN_RANK_POP), "pop");
}

/* Equal scores: strategy order, then the earlier expiry, then lower strikes; the input order does not matter. */
static void test_rank_ties_and_input_order(void **state)
{
	(void)state;
	td_scan_contract c[4] = { fput(95, -0.25), fput(95, -0.25), fput(90, -0.25), fput(90, -0.25) };
	c[0].expiry = c[2].expiry = 20010;
	td_scan_params p = loose(TD_SCAN_BIT(TD_SCAN_CSP));
	p.rank = TD_SCAN_RANK_THETA_VEGA; /* 0.5 for all four */
	td_scan *sc = run(c, 4, &p);
	const struct {
		int32_t e;
		double K;
	} want[] = { { 20000, 90 }, { 20000, 95 }, { 20010, 90 }, { 20010, 95 } };
	for (size_t i = 0; i < 4; i++) {
		assert_int_equal(pick(sc, i)->expiry, want[i].e);
		assert_near(pick(sc, i)->legs[0].strike, want[i].K, 0);
	}
	td_scan_free(sc);

	td_scan_contract r[12], s[12];
	size_t nc = rank_chain(r);
	for (size_t i = 0; i < nc; i++) /* 5 is coprime with 12: a permutation */
		s[i] = r[(i * 5) % nc];
	p = loose(TD_SCAN_ALL);
	td_scan *a = run(r, nc, &p), *b = run(s, nc, &p);
	size_t na, nb;
	const td_scan_pick *pa = td_scan_picks(a, &na), *pb = td_scan_picks(b, &nb);
	assert_int_equal(na, nb);
	for (size_t i = 0; i < na; i++) {
		assert_int_equal(pa[i].strategy, pb[i].strategy);
		assert_int_equal(pa[i].expiry, pb[i].expiry);
		assert_near(pa[i].legs[0].strike, pb[i].legs[0].strike, 0);
		assert_near(pa[i].score, pb[i].score, 0);
		assert_int_equal(pb[i].legs[0].index, (pa[i].legs[0].index * 5) % nc);
	}
	td_scan_free(a);
	td_scan_free(b);
}

/* Top N keeps the best N of the full ranking; a small pick capacity keeps the best it can hold. */
static void test_top_n(void **state)
{
	(void)state;
	td_scan_contract c[12];
	size_t nc = rank_chain(c);
	td_scan_params p = loose(TD_SCAN_BIT(TD_SCAN_CSP));
	td_scan *full = run(c, nc, &p);
	size_t nf;
	const td_scan_pick *all = td_scan_picks(full, &nf);
	assert_int_equal(nf, 12);

	p.top_n = 3;
	td_scan *sc = run(c, nc, &p);
	size_t n;
	const td_scan_pick *pk = td_scan_picks(sc, &n);
	assert_int_equal(n, 3);
	assert_int_equal(td_scan_totals(sc)->kept_all, 12);
	assert_int_equal(td_scan_totals(sc)->picks, 3);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(pk[i].legs[0].index, all[i].legs[0].index);
	td_scan_free(sc);

	sc = td_scan_new(64, 5);
	p.top_n = 0;
	assert_int_equal(td_scan_run(sc, c, nc, &p), 0);
	pk = td_scan_picks(sc, &n);
	assert_int_equal(n, 5);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(pk[i].legs[0].index, all[i].legs[0].index);
	td_scan_free(sc);
	td_scan_free(full);
}

/* Capacity and parameter errors: -1, a message, and no results. */
static void test_errors(void **state)
{
	(void)state;
	assert_null(td_scan_new(0, 1));
	assert_null(td_scan_new(1, 0));
	assert_null(td_scan_new((size_t)1 << 25, 1));
	td_scan_contract c[5];
	small_chain(c);
	c[4] = c[0];
	td_scan *sc = td_scan_new(4, 2);
	assert_non_null(sc);
	td_scan_params p = loose(TD_SCAN_ALL);
	assert_int_equal(td_scan_run(sc, c, 4, &p), 0);
	size_t n;
	td_scan_picks(sc, &n);
	assert_int_equal(n, 2);
	assert_int_equal(td_scan_run(sc, c, 5, &p), -1);
	assert_non_null(td_scan_error(sc));
	td_scan_picks(sc, &n);
	assert_int_equal(n, 0);
	td_scan_skipped(sc, &n);
	assert_int_equal(n, 0);
	assert_int_equal(td_scan_totals(sc)->contracts, 0);

	td_scan_params bad[9];
	for (int i = 0; i < 9; i++)
		bad[i] = p;
	bad[0].top_n = 3;
	bad[1].spot = 0;
	bad[2].multiplier = NAN;
	bad[3].strategies = 0;
	bad[4].iv_rank_min = 50, bad[4].iv_rank_max = 40;
	bad[5].dte_min = 10, bad[5].dte_max = 5;
	bad[6].short_delta_max = 1.5;
	bad[7].width_steps = 0;
	bad[8].w_pop = bad[8].w_return = bad[8].w_liquidity = 0;
	for (int i = 0; i < 9; i++) {
		assert_int_equal(td_scan_run(sc, c, 4, &bad[i]), -1);
		assert_non_null(td_scan_error(sc));
	}
	assert_int_equal(td_scan_run(sc, c, 4, NULL), -1);
	assert_int_equal(td_scan_run(sc, NULL, 0, &p), 0); /* an empty chain is fine */
	assert_null(td_scan_error(sc));
	assert_int_equal(td_scan_totals(sc)->picks, 0);
	td_scan_free(sc);
	td_scan_free(NULL);
}

/* Names for the TUI and files. */
static void test_names(void **state)
{
	(void)state;
	assert_string_equal(td_scan_strategy_name(TD_SCAN_CSP), "cash-secured put");
	assert_string_equal(td_scan_strategy_key(TD_SCAN_IRON_CONDOR), "iron_condor");
	assert_string_equal(td_scan_strategy_name(TD_SCAN_STRATEGY_COUNT), "?");
	assert_string_equal(td_scan_filter_name(TD_SCAN_FILTER_IV_RANK), "IV rank");
	assert_string_equal(td_scan_filter_key(TD_SCAN_FILTER_NO_LEG), "no_leg");
	assert_string_equal(td_scan_ivr_name(TD_SCAN_IVR_UNKNOWN), "unknown");
	assert_string_equal(td_scan_ivr_name(TD_SCAN_IVR_COUNT), "?");
	for (int s = 0; s < TD_SCAN_STRATEGY_COUNT; s++)
		assert_string_not_equal(td_scan_strategy_name((td_scan_strategy)s), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csp_by_hand),
		cmocka_unit_test(test_covered_call_by_hand),
		cmocka_unit_test(test_verticals_by_hand),
		cmocka_unit_test(test_iron_condor_by_hand),
		cmocka_unit_test(test_strangle_straddle_unbounded),
		cmocka_unit_test(test_strangle_pairing_tie),
		cmocka_unit_test(test_credit_debit_mirror),
		cmocka_unit_test(test_covered_call_is_csp),
		cmocka_unit_test(test_liquidity_by_hand),
		cmocka_unit_test(test_liquidity_monotone),
		cmocka_unit_test(test_filters_each),
		cmocka_unit_test(test_filters_long_delta),
		cmocka_unit_test(test_filters_iv_rank),
		cmocka_unit_test(test_missing_data_listed),
		cmocka_unit_test(test_wing_not_stepped_over),
		cmocka_unit_test(test_rank_keys),
		cmocka_unit_test(test_rank_ties_and_input_order),
		cmocka_unit_test(test_top_n),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
