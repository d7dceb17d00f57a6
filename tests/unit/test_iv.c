/*
 * Implied volatility: round trips over a dense grid (moneyness ln(F/K) from
 * -5 to +5, expiries from one minute to ten years, vols from 1 % to 500 %,
 * calls and puts, BSM and Black-76) priced by an independent Black formula
 * in long double (erfcl, 64-bit mantissa), then the edges: prices outside
 * the no-arbitrage interval, at intrinsic value, not finite, bad contracts,
 * each with its reason.  No expected value here comes from the code under
 * test.
 *
 * Every test runs twice: through td_iv, then through the batch entry point
 * td_iv_many with the option in each lane in turn of a block of four whose
 * other lanes take other branches of the solver (iv_of).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>

#include "options/iv.h"

static int use_many;   /* the second run: through td_iv_many */

/*
 * td_iv(o, price, sigma, why), or in the second run td_iv_many with o in
 * lane (calls mod 4) of four options whose others land on other branches
 * (near the money, far out of the money with a day to go, a Black-76 put in
 * the money, a long-dated put); *sigma is left alone on failure either way.
 */
static int iv_of(const td_opt *o, double price, double *sigma, const char **why)
{
	if (!use_many)
		return td_iv(o, price, sigma, why);
	static unsigned calls;
	td_opt in[4] = {
		{ .right = TD_CALL, .model = TD_MODEL_BSM, .S = 100, .K = 100, .T = 0.5, .r = 0.03, .q = 0.01 },
		{ .right = TD_CALL, .model = TD_MODEL_BSM, .S = 100, .K = 130, .T = 0.02, .r = 0.03, .q = 0.01 },
		{ .right = TD_PUT, .model = TD_MODEL_BLACK76, .S = 50, .K = 60, .T = 0.1, .r = 0.02 },
		{ .right = TD_PUT, .model = TD_MODEL_BSM, .S = 100, .K = 70, .T = 2, .r = 0.03, .q = 0.01 },
	};
	double p[4] = { 6.0, 0.001, 10.5, 1.5 }, sig[4];
	const char *reasons[4];
	int rc[4];
	unsigned lane = calls++ % 4;
	in[lane] = *o;
	p[lane] = price;
	sig[lane] = *sigma;
	size_t failed = td_iv_many(in, p, sig, rc, why ? reasons : NULL, 4);
	assert_int_equal(failed, rc[lane] != 0);
	*sigma = sig[lane];
	if (why && rc[lane] != 0)
		*why = reasons[lane];
	return rc[lane];
}

/* ---- the reference: Black in long double ----------------------------------- */

/*
 * Long double (64-bit mantissa, eps 1.1e-19) and libm's erfcl/expl.  The
 * textbook D (F Phi(d1) - K Phi(d2)) is not good enough even in long double
 * far out of the money at short expiries: the two terms cancel (by up to
 * |h|/(2t) with h = x/s, t = s/2) and each carries erfcl's sensitivity to its
 * rounded argument (2 d^2 ulp).  So the reference is the out-of-the-money
 * normalised price
 *   b(x, s) = e^{x/2} Phi(h + t) - e^{-x/2} Phi(h - t),  x = ln(F/K) <= 0,
 * in one of three exact rearrangements, plus the intrinsic value:
 *   - t < 1e-3: its Taylor series in t, 2 phi(h) e^{-t^2/2} (Y1 t + Y3 t^3/6
 *     + Y5 t^5/120) with Y = Phi/phi and its derivatives Y1 = 1 + hY,
 *     Y3 = 2 + h^2 + (3h + h^3) Y, Y5 = 8 + 9h^2 + h^4 + (15h + 10h^3 + h^5) Y;
 *   - h + t <= 0: (e^{-(h^2+t^2)/2} / 2) (erfcx(u1) - erfcx(u2)), u = -(h -+ t)/sqrt2,
 *     erfcx(u) = e^{u^2} erfc(u) with u^2 split exactly so e^{u^2} is not rounded;
 *   - otherwise the plain formula (t >= |h| there, so the loss is small).
 * The reference is good to about 1e-15 relative over the whole grid.
 */
#define LD_PI 3.14159265358979323846264338327950288L

struct ref {
	long double price;      /* present value */
	long double intrinsic;  /* D max(theta (F - K), 0) */
	long double vega;       /* d price / d sigma */
};

static long double ref_cdf(long double z)
{
	return 0.5L * erfcl(-z / sqrtl(2.0L));
}

/* e^{u^2} erfc(u), u >= 0, with the square split exactly. */
static long double ref_erfcx(long double u)
{
	long double hi = u * u, lo = fmal(u, u, -hi);
	return expl(hi) * erfcl(u) * (1.0L + lo);
}

/* The out-of-the-money normalised call, x <= 0, s > 0. */
static long double ref_otm(long double x, long double s)
{
	if (x == 0)
		return erfl(s / (2.0L * sqrtl(2.0L)));
	long double h = x / s, t = s / 2, g = expl(-(h * h + t * t) / 2);
	if (t < 1e-3L) {
		long double y = sqrtl(LD_PI / 2) * ref_erfcx(-h / sqrtl(2.0L)), h2 = h * h;
		long double y1 = 1 + h * y, y3 = 2 + h2 + (3 * h + h * h2) * y;
		long double y5 = 8 + 9 * h2 + h2 * h2 + (15 * h + 10 * h * h2 + h * h2 * h2) * y;
		return 2 * g / sqrtl(2 * LD_PI) * (y1 * t + y3 * t * t * t / 6 + y5 * t * t * t * t * t / 120);
	}
	if (h + t <= 0)
		return g / 2 * (ref_erfcx(-(h + t) / sqrtl(2.0L)) - ref_erfcx((t - h) / sqrtl(2.0L)));
	return expl(x / 2) * ref_cdf(h + t) - expl(-x / 2) * ref_cdf(h - t);
}

/* o at sigma: F = S e^{(r-q)T} (BSM) or S (Black-76), discounted at e^{-rT}. */
static struct ref ref_black(const td_opt *o, long double sigma)
{
	long double T = o->T, D = expl(-(long double)o->r * T);
	long double F = o->model == TD_MODEL_BSM ? o->S * expl(((long double)o->r - o->q) * T) : (long double)o->S;
	long double K = o->K, sd = sigma * sqrtl(T), x = logl(F / K);
	int itm = o->right == TD_CALL ? F > K : K > F;
	struct ref r;
	r.intrinsic = itm ? D * fabsl(F - K) : 0;
	r.price = D * sqrtl(F * K) * (ref_otm(-fabsl(x), sd) + (itm ? 2 * sinhl(fabsl(x) / 2) : 0));
	long double d1 = x / sd + sd / 2;
	r.vega = D * F * expl(-d1 * d1 / 2) / sqrtl(2 * LD_PI) * sqrtl(T);
	return r;
}

/* ---- the round-trip grid ------------------------------------------------------ */

static const double grid_x[] = { -5, -3, -2, -1.5, -1, -0.5, -0.25, -0.1, -0.05, -0.02, -0.01, -1e-3, -1e-4, 0,
				 1e-4, 1e-3, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 1.5, 2, 3, 5 };
#define MINUTE (1.0 / (365.0 * 24 * 60))
static const double grid_t[] = { MINUTE, 10 * MINUTE, 60 * MINUTE, 1.0 / 365, 7.0 / 365, 30.0 / 365, 0.25, 0.5, 1, 2, 5, 10 };
static const double grid_sigma[] = { 0.01, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 3, 4, 5 };
#define NX (sizeof(grid_x) / sizeof(grid_x[0]))
#define NT (sizeof(grid_t) / sizeof(grid_t[0]))
#define NS (sizeof(grid_sigma) / sizeof(grid_sigma[0]))

#define PRICE_TOL 1e-12   /* repricing, relative to the price */
#define VOL_TOL 1e-12     /* the vol itself, where the price pins it down (condition <= VOL_COND) */
#define VOL_COND 10.0     /* p / (sigma vega): relative vol error per relative price error */

struct tally {
	int cases, solved, underflow, floor, floor_solved;
	double worst_price, worst_vol, smallest;  /* worst errors; smallest price solved, relative to S */
	td_opt worst_o;
	double worst_sigma;
};

/* One grid point: price at sigma, imply, and check what came back. */
static void round_trip(td_opt o, double sigma, struct tally *t)
{
	struct ref r = ref_black(&o, sigma);
	double p = (double)r.price;
	double got = -1;
	const char *why = NULL;
	int rc = iv_of(&o, p, &got, &why);
	t->cases++;
	if (!(p >= DBL_MIN)) {
		/* the price underflows a double: nothing to identify; a zero must be refused */
		t->underflow++;
		if (p == 0)
			assert_int_equal(rc, -1);
		return;
	}
	/* the time value is below what the double price can carry: at the intrinsic floor */
	int at_floor = r.price - r.intrinsic <= 1e-14L * r.price;
	if (at_floor) {
		t->floor++;
		if (t->floor <= 6)
			printf("# no IV identifiable: %s %s ln(F/K)=%g T=%.3g sigma=%g price=%.17g (%s)\n",
			       o.model == TD_MODEL_BSM ? "bsm" : "b76", o.right == TD_CALL ? "call" : "put",
			       (double)logl((o.model == TD_MODEL_BSM ? o.S * expl(((long double)o.r - o.q) * o.T) : o.S) / o.K),
			       o.T, sigma, p, rc < 0 ? why : "solved");
		if (rc < 0) {
			assert_true(strcmp(why, "price has no time value (at intrinsic value)") == 0 ||
				    strcmp(why, "price below intrinsic value") == 0);
			return;
		}
		t->floor_solved++;
	}
	if (rc != 0)
		fail_msg("no IV at %s %s S=%.17g K=%.17g T=%.17g sigma=%.17g price=%.17g: %s",
			 o.model == TD_MODEL_BSM ? "bsm" : "b76", o.right == TD_CALL ? "call" : "put", o.S, o.K, o.T, sigma, p,
			 why);
	assert_true(got > 0 && isfinite(got));
	t->solved += !at_floor;
	double err = (double)fabsl(ref_black(&o, got).price / p - 1);
	if (err > t->worst_price) {
		t->worst_price = err;
		t->worst_o = o;
		t->worst_sigma = sigma;
	}
	if (err > PRICE_TOL)
		fail_msg("reprices %.3g off at %s %s S=%.17g K=%.17g T=%.17g sigma=%.17g -> %.17g",
			 err, o.model == TD_MODEL_BSM ? "bsm" : "b76", o.right == TD_CALL ? "call" : "put", o.S, o.K, o.T,
			 sigma, got);
	if (!at_floor && p / o.S < t->smallest)
		t->smallest = p / o.S;
	if (r.price / (sigma * r.vega) <= VOL_COND) {
		double verr = fabs(got / sigma - 1);
		if (verr > t->worst_vol)
			t->worst_vol = verr;
		if (verr > VOL_TOL)
			fail_msg("vol %.3g off at %s %s S=%.17g K=%.17g T=%.17g sigma=%.17g -> %.17g", verr,
				 o.model == TD_MODEL_BSM ? "bsm" : "b76", o.right == TD_CALL ? "call" : "put", o.S, o.K, o.T,
				 sigma, got);
	}
}

/* The whole grid for one model and right. */
static void grid(td_model model, td_right right)
{
	struct tally t = { .smallest = 1 };
	for (size_t i = 0; i < NX; i++)
		for (size_t j = 0; j < NT; j++)
			for (size_t k = 0; k < NS; k++) {
				td_opt o = { .right = right, .model = model, .S = 100, .T = grid_t[j], .r = 0.03 };
				double f = 100;
				if (model == TD_MODEL_BSM) {
					o.q = 0.01;
					f = (double)(100 * expl((0.03L - 0.01L) * grid_t[j]));
				}
				o.K = f * exp(-grid_x[i]);
				round_trip(o, grid_sigma[k], &t);
			}
	printf("# %s %s: %d cases, %d solved, %d underflow, %d at the intrinsic floor (%d of them solved anyway)\n",
	       model == TD_MODEL_BSM ? "bsm" : "b76", right == TD_CALL ? "calls" : "puts", t.cases, t.solved, t.underflow,
	       t.floor, t.floor_solved);
	printf("# worst repricing %.2e (K=%.6g T=%.3g sigma=%g), worst vol %.2e where p/(sigma vega) <= %g, smallest price %.2e of S\n",
	       t.worst_price, t.worst_o.K, t.worst_o.T, t.worst_sigma, t.worst_vol, VOL_COND, t.smallest);
	assert_true(t.solved > t.cases / 2);
}

static void test_grid_bsm_calls(void **state)
{
	(void)state;
	grid(TD_MODEL_BSM, TD_CALL);
}

static void test_grid_bsm_puts(void **state)
{
	(void)state;
	grid(TD_MODEL_BSM, TD_PUT);
}

static void test_grid_black76_calls(void **state)
{
	(void)state;
	grid(TD_MODEL_BLACK76, TD_CALL);
}

static void test_grid_black76_puts(void **state)
{
	(void)state;
	grid(TD_MODEL_BLACK76, TD_PUT);
}

/*
 * Very cheap options: for each moneyness, a vol low enough that the price is
 * near 1e-300 of the forward; the IV must come back and reprice.
 */
static void test_tiny_prices(void **state)
{
	(void)state;
	static const double xs[] = { -0.01, -0.1, -1, -5 };
	double smallest = 1;
	for (size_t i = 0; i < sizeof(xs) / sizeof(xs[0]); i++) {
		/* b ~ e^{-x^2/(2 s^2)}: s = |x| / sqrt(2 * 690) puts the price near 1e-300 */
		for (double f = 0.97; f <= 1.031; f += 0.01) {
			double s = f * fabs(xs[i]) / sqrt(2 * 690.0);
			td_opt o = { .right = TD_CALL, .model = TD_MODEL_BLACK76, .S = 1, .K = exp(-xs[i]), .T = 1 };
			struct ref r = ref_black(&o, s);
			double p = (double)r.price, got = 0;
			const char *why;
			if (!(p >= DBL_MIN))
				continue;
			if (iv_of(&o, p, &got, &why) != 0)
				fail_msg("no IV for a price of %g: %s", p, why);
			double err = (double)fabsl(ref_black(&o, got).price / p - 1);
			if (err > PRICE_TOL || fabs(got / s - 1) > 1e-12)
				fail_msg("price %g: vol %.17g for %.17g, reprices %.3g off", p, got, s, err);
			smallest = fmin(smallest, p);
		}
	}
	printf("# smallest price solved: %.3g of the forward\n", smallest);
	assert_true(smallest < 1e-295);
}

/* ---- edges ------------------------------------------------------------------------ */

/* td_iv must fail with exactly `reason` and leave *sigma alone. */
static void expect_no_iv(const td_opt *o, double price, const char *reason)
{
	double sigma = 1234.5;
	const char *why = NULL;
	assert_int_equal(iv_of(o, price, &sigma, &why), -1);
	assert_non_null(why);
	if (strcmp(why, reason) != 0)
		fail_msg("price %.17g: got '%s', want '%s'", price, why, reason);
	assert_true(sigma == 1234.5);
	assert_int_equal(iv_of(o, price, &sigma, NULL), -1);   /* why may be NULL */
}

static void test_edges_bounds(void **state)
{
	(void)state;
	/* Black-76 with r = 0: intrinsic F - K and the bounds are exact in double */
	td_opt call = { .right = TD_CALL, .model = TD_MODEL_BLACK76, .S = 110, .K = 100, .T = 0.5, .r = 0 };
	td_opt put = call;
	put.right = TD_PUT;
	expect_no_iv(&call, 9.999, "price below intrinsic value");
	expect_no_iv(&call, 10.0, "price has no time value (at intrinsic value)");
	expect_no_iv(&call, 110.0, "price at or above the upper bound (the discounted forward for a call)");
	expect_no_iv(&call, 111.0, "price at or above the upper bound (the discounted forward for a call)");
	expect_no_iv(&put, 0.0, "price has no time value (at intrinsic value)");
	expect_no_iv(&put, 100.0, "price at or above the upper bound (the discounted strike for a put)");
	put.S = 90;
	expect_no_iv(&put, 9.5, "price below intrinsic value");
	expect_no_iv(&put, 10.0, "price has no time value (at intrinsic value)");

	/* BSM: the bounds are discounted, S e^{-qT} and K e^{-rT} */
	td_opt b = { .right = TD_CALL, .model = TD_MODEL_BSM, .S = 100, .K = 90, .T = 1, .r = 0.05, .q = 0.02 };
	double sd = (double)(100 * expl(-0.02L)), kd = (double)(90 * expl(-0.05L));
	expect_no_iv(&b, sd, "price at or above the upper bound (the discounted forward for a call)");
	expect_no_iv(&b, (sd - kd) * (1 - 1e-9), "price below intrinsic value");
	b.right = TD_PUT;
	expect_no_iv(&b, kd, "price at or above the upper bound (the discounted strike for a put)");
	/* just inside the bounds there is an IV, and a large one near the top */
	double sigma = 0;
	assert_int_equal(iv_of(&b, kd * (1 - 1e-6), &sigma, NULL), 0);
	assert_true(sigma > 5);
	b.right = TD_CALL;
	assert_int_equal(iv_of(&b, (sd - kd) * (1 + 1e-6), &sigma, NULL), 0);
	assert_true(sigma > 0 && sigma < 0.1);
}

static void test_edges_inputs(void **state)
{
	(void)state;
	td_opt o = { .right = TD_CALL, .model = TD_MODEL_BSM, .S = 100, .K = 100, .T = 1, .r = 0.01 };
	expect_no_iv(&o, NAN, "price not finite or negative");
	expect_no_iv(&o, INFINITY, "price not finite or negative");
	expect_no_iv(&o, -1.0, "price not finite or negative");
	td_opt t = o;
	t.T = 0;
	expect_no_iv(&t, 5.0, "expiry must be positive");
	t.T = -1;
	expect_no_iv(&t, 5.0, "expiry must be positive");
	t.T = NAN;
	expect_no_iv(&t, 5.0, "expiry must be positive");
	td_opt a = o;
	a.model = TD_MODEL_AMERICAN;
	expect_no_iv(&a, 5.0, "american exercise is not supported (european models only)");
	td_opt k = o;
	k.K = 0;
	expect_no_iv(&k, 5.0, "underlying and strike must be positive and finite");
	k.K = 100;
	k.S = NAN;
	expect_no_iv(&k, 5.0, "underlying and strike must be positive and finite");
	td_opt r = o;
	r.r = NAN;
	expect_no_iv(&r, 5.0, "rates must be finite");
	td_opt w = o;
	w.right = (td_right)0;
	expect_no_iv(&w, 5.0, "option right must be call or put");
	td_opt m = o;
	m.S = 1e-300;
	m.K = 1e300;   /* ln(F/K) = -1381: beyond |x| <= 700 */
	expect_no_iv(&m, 5e-301, "moneyness or discounting out of range");
	double sigma = 0;
	assert_int_equal(td_iv(NULL, 5.0, &sigma, NULL), -1);
	assert_int_equal(td_iv(&o, 5.0, NULL, NULL), -1);
	/* o->sigma is ignored */
	o.sigma = NAN;
	assert_int_equal(iv_of(&o, 5.0, &sigma, NULL), 0);
}

/* ---- the normalised entry points ------------------------------------------------ */

/* At the money b(0, s) = erf(s / (2 sqrt 2)) for either right: invert values from libm's erf. */
static void test_normalised_atm(void **state)
{
	(void)state;
	static const double ss[] = { 1e-6, 1e-3, 0.05, 0.2, 1, 3, 8 };
	for (size_t i = 0; i < sizeof(ss) / sizeof(ss[0]); i++) {
		double beta = erf(ss[i] / (2 * sqrt(2.0)));
		for (double theta = -1; theta <= 1; theta += 2) {
			double s = td_iv_normalised(beta, 0, theta);
			/* erf is good to an ulp; the vol's condition number here is at most ~2 for s <= 3 */
			if (!(fabs(s / ss[i] - 1) < (ss[i] > 3 ? 1e-9 : 1e-14)))
				fail_msg("s = %g: got %.17g", ss[i], s);
		}
	}
}

static void test_normalised_edges(void **state)
{
	(void)state;
	assert_true(isnan(td_iv_normalised(0, -0.1, 1)));                 /* zero time value */
	assert_true(isnan(td_iv_normalised(-1e-3, -0.1, 1)));             /* negative */
	assert_true(isnan(td_iv_normalised(exp(-0.05), -0.1, 1)));        /* the upper bound e^{x/2} */
	assert_true(isnan(td_iv_normalised(NAN, -0.1, 1)));
	assert_true(isnan(td_iv_normalised(0.1, NAN, 1)));
	assert_true(isnan(td_iv_normalised(0.1, -0.1, 0.5)));             /* theta must be +-1 */
	assert_true(isnan(td_iv_normalised(0.1, 701, 1)));
	/* in the money: intrinsic e^{x/2} - e^{-x/2} = 2 sinh(x/2); at it, no IV */
	assert_true(isnan(td_iv_normalised(2 * sinh(0.5), 1, 1)));
	assert_false(isnan(td_iv_normalised(2 * sinh(0.5) + 1e-3, 1, 1)));
}

/*
 * The exported normalised price against the long double reference, both
 * rights: 5e-14 relative (the worst cases are short expiries around
 * |x/s| = 10, where the Taylor series' first term 1 + hY(h) loses h^2 ulp).
 */
static void test_normalised_price(void **state)
{
	(void)state;
	static const double xs[] = { -30, -5, -1, -0.1, -1e-3, 0, 1e-3, 0.1, 1, 5 };
	static const double ss[] = { 1e-4, 1e-2, 0.05, 0.2, 0.7, 1.5, 4, 12 };
	double worst = 0;
	for (size_t i = 0; i < sizeof(xs) / sizeof(xs[0]); i++)
		for (size_t j = 0; j < sizeof(ss) / sizeof(ss[0]); j++)
			for (int theta = -1; theta <= 1; theta += 2) {
				long double x = xs[i], s = ss[j];
				long double ref = ref_otm(-fabsl(x), s) + (theta * x > 0 ? 2 * sinhl(fabsl(x) / 2) : 0);
				if (!(ref > 1e-300L))
					continue;
				double got = td_iv_black_normalised(xs[i], ss[j], theta);
				double err = (double)fabsl(got / ref - 1);
				worst = fmax(worst, err);
				if (err > 5e-14)
					fail_msg("b(%g, %g, %d) = %.17g, want %.17Lg", xs[i], ss[j], theta, got, ref);
			}
	printf("# normalised price: worst %.2e relative\n", worst);
	assert_true(td_iv_black_normalised(1, 0, 1) == 2 * sinh(0.5) || fabs(td_iv_black_normalised(1, 0, 1) / (2 * sinh(0.5)) - 1) < 1e-15);
	assert_true(td_iv_black_normalised(-1, 0, 1) == 0);
}

/*
 * The batch over a long mixed array (every branch of the solver, expiries
 * from minutes to years, prices outside the bounds and bad contracts among
 * good ones, a length that is not a multiple of four) gives each option
 * what td_iv gives it alone: the same return code and reason, and a vol
 * that reprices to 1e-12 (the reference in long double) and is td_iv's to
 * 1e-12 relative wherever the price pins the vol down.  Deep in the money
 * the two may differ by more: there the time value is a sliver of the price
 * and an ulp of the intrinsic value moves the vol, for either.
 */
static void test_many_matches_single(void **state)
{
	(void)state;
	enum { N = 4099 };
	static td_opt o[N];
	static double price[N], many[N];
	static int rc[N];
	static const char *why[N];
	uint64_t st = 0x9e3779b97f4a7c15ull;
	for (int i = 0; i < N; i++) {
		double u[6];
		for (int k = 0; k < 6; k++) {
			st ^= st << 13;
			st ^= st >> 7;
			st ^= st << 17;
			u[k] = (double)(st >> 11) / 9007199254740992.0;
		}
		o[i] = (td_opt){ .right = u[0] < 0.5 ? TD_CALL : TD_PUT, .model = u[1] < 0.7 ? TD_MODEL_BSM : TD_MODEL_BLACK76,
				 .S = 100, .K = 100 * exp(4 * (u[2] - 0.5)), .T = exp(log(1e-5) + u[3] * log(1e6)), .r = 0.03,
				 .q = 0.01 };
		double sigma = exp(log(0.02) + u[4] * log(250.0));
		price[i] = (double)ref_black(&o[i], sigma).price * (u[5] < 0.05 ? 3 * u[5] / 0.05 : 1);
		if (!(price[i] >= DBL_MIN))
			price[i] = 1e-3 * o[i].S;   /* a subnormal price pins nothing down (see round_trip) */
		if (i % 89 == 0)
			o[i].T = -1;   /* refused */
		if (i % 97 == 0)
			price[i] = NAN;
		many[i] = -1;
	}
	size_t failed = td_iv_many(o, price, many, rc, why, N), want_failed = 0;
	for (int i = 0; i < N; i++) {
		double one = -1;
		const char *reason = NULL;
		int code = td_iv(&o[i], price[i], &one, &reason);
		want_failed += code != 0;
		assert_int_equal(rc[i], code);
		if (code != 0) {
			assert_string_equal(why[i], reason);
			assert_true(many[i] == -1);
			continue;
		}
		/* the batch's vol reprices as td_iv's does, and is td_iv's where the price pins the vol down */
		struct ref r = ref_black(&o[i], many[i]);
		double err = (double)fabsl(r.price / price[i] - 1), cond = (double)(r.price / (many[i] * r.vega));
		if (!(err <= PRICE_TOL) || (cond <= VOL_COND && !(fabs(many[i] / one - 1) <= 1e-12)))
			fail_msg("option %d (K=%g T=%g price %.17g): vol %.17g reprices %.3g off, td_iv %.17g", i, o[i].K,
				 o[i].T, price[i], many[i], err, one);
	}
	assert_int_equal(failed, want_failed);
	assert_true(want_failed > 100 && want_failed < N - 100);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_grid_bsm_calls),
		cmocka_unit_test(test_grid_bsm_puts),
		cmocka_unit_test(test_grid_black76_calls),
		cmocka_unit_test(test_grid_black76_puts),
		cmocka_unit_test(test_tiny_prices),
		cmocka_unit_test(test_edges_bounds),
		cmocka_unit_test(test_edges_inputs),
		cmocka_unit_test(test_normalised_atm),
		cmocka_unit_test(test_normalised_edges),
		cmocka_unit_test(test_normalised_price),
		cmocka_unit_test(test_many_matches_single),
	};
	int failed = cmocka_run_group_tests_name("td_iv", tests, NULL, NULL);
	use_many = 1;
	return failed + cmocka_run_group_tests_name("td_iv_many", tests, NULL, NULL);
}
