/*
 * European models (src/options/bsm.h): published textbook values (Hull,
 * Haug), the normal CDF and deep out-of-the-money prices against 50-digit
 * arithmetic, put-call parity, every Greek against Richardson-extrapolated
 * central differences of the price over moneyness x expiry x volatility,
 * symmetries and bounds, the normalised Black function, and degenerate
 * input (never NaN).
 *
 * No expected value here comes from this code's output.  The 50-digit
 * references were computed with mpmath 1.3 (mp.dps = 50) from the
 * textbook formula on the exact binary value of each double input:
 *   S,K,T,r,q,v = [mpf(float(z)) for z in inputs]; b = r - q (BSM) or 0
 *   d1 = (log(S/K) + (b + v*v/2)*T) / (v*sqrt(T)); d2 = d1 - v*sqrt(T)
 *   price = w*(S*exp((b-r)*T)*ncdf(w*d1) - K*exp(-r*T)*ncdf(w*d2))
 * and for the normalised function b(x, s) as defined in bsm.h.
 *
 * Every test runs twice: through td_bsm_greeks, then through the batch
 * entry point td_bsm_greeks_many, with the option in each lane in turn of a
 * block of four whose other lanes hold options of other regions (greeks_rc).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <float.h>
#include <stdbool.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "options/bsm.h"
#include "options/iv.h"

/* got within tol of want, absolute. */
static void near_abs(double got, double want, double tol, const char *what)
{
	if (!(fabs(got - want) <= tol))
		fail_msg("%s: got %.17g, want %.17g (tol %.3g)", what, got, want, tol);
}

/* got within rel * |want| of want. */
static void near_rel(double got, double want, double rel, const char *what)
{
	if (!(fabs(got - want) <= rel * fabs(want)))
		fail_msg("%s: got %.17g, want %.17g (rel err %.3g > %.3g)", what, got, want,
			 fabs(got - want) / fabs(want), rel);
}

static td_opt opt(td_right w, td_model m, double S, double K, double T, double r, double q, double sigma)
{
	return (td_opt){ .right = w, .model = m, .S = S, .K = K, .T = T, .r = r, .q = q, .sigma = sigma };
}

static int use_many;   /* the second run: through td_bsm_greeks_many */

/*
 * td_bsm_greeks(o, g), or in the second run td_bsm_greeks_many with o in
 * lane (calls mod 4) of four options: the others are out of the money with
 * minutes to go (the Taylor region), near the money (erf) and a Black-76
 * put in the erfcx region, so that each lane's answer is checked next to
 * neighbours that take other paths.
 */
static int greeks_rc(const td_opt *o, td_greeks *g)
{
	if (!use_many)
		return td_bsm_greeks(o, g);
	static unsigned calls;
	td_opt in[4] = {
		{ .right = TD_CALL, .model = TD_MODEL_BSM, .S = 100, .K = 101, .T = 1e-4, .r = 0.03, .q = 0.01, .sigma = 0.2 },
		{ .right = TD_PUT, .model = TD_MODEL_BSM, .S = 100, .K = 101, .T = 1.5, .r = 0.03, .q = 0.01, .sigma = 0.3 },
		{ .right = TD_PUT, .model = TD_MODEL_BLACK76, .S = 50, .K = 40, .T = 0.5, .r = 0.04, .sigma = 0.6 },
		{ .right = TD_CALL, .model = TD_MODEL_BSM, .S = 10, .K = 12, .T = 2, .r = 0.01, .q = 0, .sigma = 0.25 },
	};
	td_greeks out[4];
	int rc[4];
	unsigned lane = calls++ % 4;
	in[lane] = *o;
	size_t failed = td_bsm_greeks_many(in, out, rc, 4);
	assert_int_equal(failed, rc[lane] != 0);
	*g = out[lane];
	return rc[lane];
}

static td_greeks greeks(const td_opt *o)
{
	td_greeks g;
	if (greeks_rc(o, &g) != 0)
		fail_msg("td_bsm_greeks refused S=%g K=%g T=%g sigma=%g", o->S, o->K, o->T, o->sigma);
	return g;
}

static double price(const td_opt *o)
{
	double p;
	if (td_bsm_price(o, &p) != 0)
		fail_msg("td_bsm_price refused S=%g K=%g T=%g sigma=%g", o->S, o->K, o->T, o->sigma);
	return p;
}

/* ---- the normal CDF ------------------------------------------------------ */

/* N(x) against 40-digit mpmath ncdf(x); every x here is exactly representable. */
static void test_ncdf_reference(void **state)
{
	(void)state;
	static const struct {
		double x, want;
	} ref[] = {
		{ 0.0, 0.5 },
		{ -1.0, 0.15865525393145705141 },
		{ 1.0, 0.84134474606854294859 },
		{ -3.0, 0.0013498980316300945267 },
		{ -5.0, 2.8665157187919391167e-7 },
		{ 5.0, 0.99999971334842812081 },
		{ -10.0, 7.619853024160526066e-24 },
		{ -20.0, 2.7536241186062336951e-89 },
		{ -30.0, 4.9067139271481870595e-198 },
		{ -37.5, 4.6053530095819548438e-308 },
	};
	char what[64];
	for (size_t i = 0; i < sizeof(ref) / sizeof(ref[0]); i++) {
		snprintf(what, sizeof(what), "N(%g)", ref[i].x);
		/* ~1e-15 relative over the whole range: a few ulps of erfc, the argument's rounding corrected */
		near_rel(td_bsm_ncdf(ref[i].x), ref[i].want, 1e-15, what);
	}
	assert_true(td_bsm_ncdf(-40.0) == 0.0);
	assert_true(td_bsm_ncdf(INFINITY) == 1.0);
	assert_true(td_bsm_ncdf(-INFINITY) == 0.0);
	assert_true(isnan(td_bsm_ncdf(NAN)));
	/* symmetry N(x) + N(-x) = 1 and n(x) against its definition at a normal point */
	for (double x = -8; x <= 8; x += 0.37)
		near_abs(td_bsm_ncdf(x) + td_bsm_ncdf(-x), 1.0, 2e-16, "N(x) + N(-x)");
	near_rel(td_bsm_npdf(1.5), 0.12951759566589172761, 1e-15, "n(1.5)");   /* exp(-1.125)/sqrt(2 pi), mpmath */
}

/* ---- published examples -------------------------------------------------- */

/*
 * Hull, "Options, Futures, and Other Derivatives": the Black-Scholes-Merton
 * example S0 = 42, K = 40, r = 10 %, sigma = 20 %, T = 0.5 (c = 4.76,
 * p = 0.81), and the Greek letters example S0 = 49, K = 50, r = 5 %,
 * sigma = 20 %, T = 20 weeks = 0.3846 (price 2.40 per option, delta 0.522,
 * gamma 0.066, vega 12.1 per 1.00 of sigma, theta -4.31 per year =
 * -0.0118 per calendar day, rho 8.91 per 1.00 of r).  Tolerances are half
 * a unit of the last printed digit.
 */
static void test_hull_examples(void **state)
{
	(void)state;
	td_opt c = opt(TD_CALL, TD_MODEL_BSM, 42, 40, 0.5, 0.10, 0, 0.20);
	td_opt p = opt(TD_PUT, TD_MODEL_BSM, 42, 40, 0.5, 0.10, 0, 0.20);
	near_abs(price(&c), 4.76, 0.005, "Hull c");
	near_abs(price(&p), 0.81, 0.005, "Hull p");

	td_opt o = opt(TD_CALL, TD_MODEL_BSM, 49, 50, 0.3846, 0.05, 0, 0.20);
	td_greeks g = greeks(&o);
	near_abs(g.price, 2.40, 0.005, "Hull price");
	near_abs(g.delta, 0.522, 0.0005, "Hull delta");
	near_abs(g.gamma, 0.066, 0.0005, "Hull gamma");
	near_abs(g.vega * 100, 12.1, 0.05, "Hull vega per 1.00");
	near_abs(g.vega, 0.121, 0.0005, "Hull vega per point");
	near_abs(g.theta * 365, -4.31, 0.005, "Hull theta per year");
	near_abs(g.theta, -0.0118, 0.00005, "Hull theta per calendar day");
	near_abs(g.rho * 100, 8.91, 0.005, "Hull rho per 1.00");
}

/*
 * Haug, "The Complete Guide to Option Pricing Formulas", 2nd ed. (2007),
 * chapters 1-2, generalized Black-Scholes examples (b = cost of carry):
 *   Black-Scholes 1973: S = 60, K = 65, T = 0.25, r = 8 %, sigma = 30 %: c = 2.1334
 *   Merton 1973 (index): S = 100, K = 95, T = 0.5, r = 10 %, q = 5 %, sigma = 20 %: p = 2.4648
 *   Black 1976: F = 19, K = 19, T = 0.75, r = 10 %, sigma = 28 %: c = p = 1.7011
 *   delta, futures option: F = 105, K = 100, T = 0.5, r = 10 %, sigma = 36 %: 0.5946 and -0.3566
 *   gamma: S = 55, K = 60, T = 0.75, r = b = 10 %, sigma = 30 %: 0.0278
 *   theta: S = 430, K = 405, T = 0.0833, r = 7 %, b = 2 % (q = 5 %), sigma = 20 %: put -31.1924 per year
 *   rho: S = 72, K = 75, T = 1, r = b = 9 %, sigma = 19 %: call 38.7325 per 1.00 of r
 */
static void test_haug_examples(void **state)
{
	(void)state;
	td_opt o = opt(TD_CALL, TD_MODEL_BSM, 60, 65, 0.25, 0.08, 0, 0.30);
	near_abs(price(&o), 2.1334, 0.00005, "Haug BS73 call");
	o = opt(TD_PUT, TD_MODEL_BSM, 100, 95, 0.5, 0.10, 0.05, 0.20);
	near_abs(price(&o), 2.4648, 0.00005, "Haug Merton put");
	o = opt(TD_CALL, TD_MODEL_BLACK76, 19, 19, 0.75, 0.10, 0, 0.28);
	near_abs(price(&o), 1.7011, 0.00005, "Haug Black-76 call");
	o.right = TD_PUT;
	near_abs(price(&o), 1.7011, 0.00005, "Haug Black-76 put");

	o = opt(TD_CALL, TD_MODEL_BLACK76, 105, 100, 0.5, 0.10, 0, 0.36);
	near_abs(greeks(&o).delta, 0.5946, 0.00005, "Haug futures call delta");
	o.right = TD_PUT;
	near_abs(greeks(&o).delta, -0.3566, 0.00005, "Haug futures put delta");
	o = opt(TD_CALL, TD_MODEL_BSM, 55, 60, 0.75, 0.10, 0, 0.30);
	near_abs(greeks(&o).gamma, 0.0278, 0.00005, "Haug gamma");
	o = opt(TD_PUT, TD_MODEL_BSM, 430, 405, 0.0833, 0.07, 0.05, 0.20);
	near_abs(greeks(&o).theta * 365, -31.1924, 0.00005, "Haug put theta per year");
	o = opt(TD_CALL, TD_MODEL_BSM, 72, 75, 1, 0.09, 0, 0.19);
	near_abs(greeks(&o).rho * 100, 38.7325, 0.00005, "Haug call rho per 1.00");
}

/* ---- deep out of the money: 50-digit references -------------------------- */

/*
 * Far from the money the textbook difference S e^{-qT} N(d1) - K e^{-rT} N(d2)
 * loses up to 8 digits; the implied-volatility solver needs these exact.
 * The bound is the conditioning of the price on x = ln(F/K) itself (about
 * d^2 ulps, since x must be rounded) with room: 3e-14 at |d| ~ 8.
 */
static void test_deep_otm_reference(void **state)
{
	(void)state;
	static const struct {
		td_right w;
		td_model m;
		double S, K, T, r, q, sigma, want;
	} ref[] = {
		{ TD_CALL, TD_MODEL_BSM, 100, 150, 0.25, 0.05, 0.02, 0.20, 0.000094811096796257289308 },     /* d1 -3.9 */
		{ TD_PUT, TD_MODEL_BSM, 100, 60, 0.1, 0.03, 0.0, 0.25, 3.6282623129204555877e-11 },          /* d1 6.5 */
		{ TD_CALL, TD_MODEL_BLACK76, 50, 80, 0.05, 0.04, 0, 0.30, 7.1106215417565254742e-13 },       /* d1 -7.0 */
		{ TD_CALL, TD_MODEL_BSM, 100, 101, 1.0 / 8760, 0.05, 0, 0.15, 6.7659583464889662358e-12 },   /* 1 hour */
		{ TD_CALL, TD_MODEL_BSM, 100, 300, 0.5, 0.01, 0, 0.20, 1.6041417454439595849e-14 },          /* d1 -7.7 */
		{ TD_PUT, TD_MODEL_BLACK76, 100, 99.5, 0.01, 0.02, 0, 0.05, 0.04134700292382645223 },        /* near */
		{ TD_CALL, TD_MODEL_BSM, 100, 100, 1.0 / 8760, 0, 0, 0.20, 0.085248731569901733929 },        /* at */
	};
	char what[96];
	for (size_t i = 0; i < sizeof(ref) / sizeof(ref[0]); i++) {
		td_opt o = opt(ref[i].w, ref[i].m, ref[i].S, ref[i].K, ref[i].T, ref[i].r, ref[i].q, ref[i].sigma);
		snprintf(what, sizeof(what), "reference %zu price", i);
		near_rel(price(&o), ref[i].want, 3e-14, what);
		snprintf(what, sizeof(what), "reference %zu greeks.price", i);
		near_rel(greeks(&o).price, ref[i].want, 3e-14, what);
	}
	/* the normalised Black function b(x, s), same arithmetic */
	static const struct {
		double x, s;
		td_right w;
		double want;
	} nb[] = {
		{ -1.5, 0.1, TD_CALL, 2.4230205703911933545e-53 },
		{ 1.5, 0.1, TD_PUT, 2.4230205703911933545e-53 },
		{ -0.01, 0.001, TD_CALL, 7.4745593377628339521e-28 },
		{ 0.0, 1e-6, TD_CALL, 3.9894228040141603729e-7 },
		{ 2.0, 0.3, TD_CALL, 2.3504023872881616921 },
		{ -6.0, 0.25, TD_CALL, 1.4321455483135047513e-129 },
		{ 0.5, 3.0, TD_PUT, 0.64640138673324614219 },
	};
	for (size_t i = 0; i < sizeof(nb) / sizeof(nb[0]); i++) {
		snprintf(what, sizeof(what), "b(%g, %g, %d)", nb[i].x, nb[i].s, nb[i].w);
		/* |x/s| = 15 and 24 here: d^2 ~ 600 ulps is the conditioning on x/s */
		near_rel(td_bsm_black_normalised(nb[i].x, nb[i].s, nb[i].w), nb[i].want, 2e-13, what);
	}
}

/* ---- the grid -------------------------------------------------------------- */

static const double grid_K[] = { 60, 80, 95, 100, 105, 125, 160 };   /* S = 100 */
static const double grid_T[] = { 0.01, 0.1, 0.5, 2.0 };
static const double grid_sigma[] = { 0.08, 0.25, 0.7 };
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Call the visitor for every grid option: 2 models x 2 rights x 7 strikes x 4 expiries x 3 vols. */
static void for_grid(void (*visit)(const td_opt *o))
{
	for (int m = 0; m < 2; m++)
		for (int w = -1; w <= 1; w += 2)
			for (size_t i = 0; i < NELEM(grid_K); i++)
				for (size_t j = 0; j < NELEM(grid_T); j++)
					for (size_t k = 0; k < NELEM(grid_sigma); k++) {
						td_opt o = opt(w, m ? TD_MODEL_BLACK76 : TD_MODEL_BSM, 100, grid_K[i],
							       grid_T[j], 0.045, 0.015, grid_sigma[k]);
						visit(&o);
					}
}

/* C - P = S e^{-qT} - K e^{-rT} (Black-76: (F - K) e^{-rT}). */
static void visit_parity(const td_opt *o)
{
	if (o->right != TD_CALL)
		return;
	td_opt p = *o;
	p.right = TD_PUT;
	double dq = o->model == TD_MODEL_BLACK76 ? exp(-o->r * o->T) : exp(-o->q * o->T);
	double fwd = o->S * dq - o->K * exp(-o->r * o->T);
	double c = price(o), pp = price(&p);
	near_abs(c - pp, fwd, 1e-13 * (o->S + o->K), "put-call parity");
	td_greeks gc = greeks(o), gp = greeks(&p);
	near_abs(gc.delta - gp.delta, dq, 1e-15, "delta parity");
}

static void test_put_call_parity(void **state)
{
	(void)state;
	for_grid(visit_parity);
}

/*
 * Finite differences.  Each Greek is checked against central differences
 * of the price, Richardson-extrapolated, (4 D(h/2) - D(h)) / 3, so the
 * truncation error is O(h^4).  The price is a function of d1 and d2, which
 * move by dS/(S s), dsigma/sigma * max|d|, ..., so every step is a
 * fraction c of the distance that moves d by 1: for S, c S s / D; for
 * sigma, c sigma / D; for T, c T / D; for r, c min(1, s) / (T D), where
 * s = sigma sqrt(T) and D = max(1, |d1|, |d2|).  c = 0.01 for first
 * derivatives (truncation ~c^4 = 1e-8 of the scale, rounding ~eps D / (c s)
 * = 1e-11 at worst here) and 0.03 for second and mixed ones (rounding
 * ~eps (D / (c s))^2 ~ 1e-8).  The tolerance is 1e-6 of the Greek's size
 * at the money (its natural scale) plus 1e-6 of its own value.
 */
enum { V_S, V_SIGMA, V_T, V_R };

static double price_at(const td_opt *o, int var, double delta)
{
	td_opt b = *o;
	if (var == V_S)
		b.S += delta;
	else if (var == V_SIGMA)
		b.sigma += delta;
	else if (var == V_T)
		b.T += delta;
	else
		b.r += delta;
	return price(&b);
}

/* dV/dvar at o. */
static double fd1(const td_opt *o, int var, double h)
{
	double d_h = (price_at(o, var, h) - price_at(o, var, -h)) / (2 * h);
	double d_h2 = (price_at(o, var, h / 2) - price_at(o, var, -h / 2)) / h;
	return (4 * d_h2 - d_h) / 3;
}

/* d2V/dvar2 at o. */
static double fd2(const td_opt *o, int var, double h)
{
	double f0 = price_at(o, var, 0);
	double d_h = (price_at(o, var, h) - 2 * f0 + price_at(o, var, -h)) / (h * h);
	double d_h2 = (price_at(o, var, h / 2) - 2 * f0 + price_at(o, var, -h / 2)) / (h * h / 4);
	return (4 * d_h2 - d_h) / 3;
}

/* d2V/dS dvar at o: the S difference of fd1 in var. */
static double fd_mixed(const td_opt *o, int var, double hS, double h)
{
	td_opt a = *o, b = *o, a2 = *o, b2 = *o;
	a.S += hS;
	b.S -= hS;
	a2.S += hS / 2;
	b2.S -= hS / 2;
	double d_h = (fd1(&a, var, h) - fd1(&b, var, h)) / (2 * hS);
	double d_h2 = (fd1(&a2, var, h) - fd1(&b2, var, h)) / hS;
	return (4 * d_h2 - d_h) / 3;
}

static void check_fd(double an, double fd, double scale, const char *what, const td_opt *o)
{
	double tol = 1e-6 * (scale + fabs(an));
	if (!(fabs(an - fd) <= tol))
		fail_msg("%s (%s %s K=%g T=%g sigma=%g): analytic %.12g, finite difference %.12g, tol %.3g", what,
			 o->model == TD_MODEL_BSM ? "bsm" : "b76", o->right == TD_CALL ? "call" : "put", o->K, o->T,
			 o->sigma, an, fd, tol);
}

static int fd_checked;

static void visit_fd(const td_opt *o)
{
	td_greeks g = greeks(o);
	double s = o->sigma * sqrt(o->T);
	double x = log(o->S / o->K) + (o->model == TD_MODEL_BSM ? o->r - o->q : 0) * o->T;
	double d1 = x / s + s / 2, d2 = d1 - s;
	double D = fmax(1, fmax(fabs(d1), fabs(d2)));
	double hS = 0.01 * o->S * s / D, hsig = 0.01 * o->sigma / D, hT = 0.01 * o->T / D;
	double hr = 0.01 * fmin(1, s) / (o->T * D);
	double S = o->S, K = o->K, T = o->T, sig = o->sigma;

	check_fd(g.delta, fd1(o, V_S, hS), 1, "delta", o);
	check_fd(g.vega, 0.01 * fd1(o, V_SIGMA, hsig), 0.01 * S * sqrt(T), "vega", o);
	check_fd(g.theta, -fd1(o, V_T, hT) / 365, (S * sig / sqrt(T) + o->r * K + S) / 365, "theta", o);
	check_fd(g.rho, 0.01 * fd1(o, V_R, hr), 0.01 * (K + S) * T, "rho", o);
	check_fd(g.gamma, fd2(o, V_S, 3 * hS), 1 / (S * s), "gamma", o);
	check_fd(g.vomma, 1e-4 * fd2(o, V_SIGMA, 3 * hsig), 1e-4 * S * sqrt(T) * D * D / sig, "vomma", o);
	check_fd(g.vanna, 0.01 * fd_mixed(o, V_SIGMA, 3 * hS, 3 * hsig), 0.01 * D / sig, "vanna", o);
	check_fd(g.charm, -fd_mixed(o, V_T, 3 * hS, 3 * hT) / 365, (D / T + fabs(o->r) / s + 1) / 365, "charm", o);
	fd_checked++;
}

static void test_greeks_finite_difference(void **state)
{
	(void)state;
	fd_checked = 0;
	for_grid(visit_fd);
	assert_int_equal(fd_checked, 2 * 2 * 7 * 4 * 3);
}

/* Bounds and symmetries that hold for any European option. */
static void visit_bounds(const td_opt *o)
{
	td_greeks g = greeks(o);
	double dq = o->model == TD_MODEL_BLACK76 ? exp(-o->r * o->T) : exp(-o->q * o->T);
	double A = o->S * dq, B = o->K * exp(-o->r * o->T);
	double w = o->right == TD_CALL ? 1 : -1;
	/* no-arbitrage: intrinsic on the forward <= price <= A (call) or B (put) */
	assert_true(g.price >= fmax(w * (A - B), 0) - 1e-14 * (A + B));
	assert_true(g.price <= (w > 0 ? A : B) * (1 + 1e-15));
	/* call delta in [0, e^{-qT}], put delta in [-e^{-qT}, 0] (closed: far tails round to the bounds) */
	assert_true(w * g.delta >= 0 && w * g.delta <= dq * (1 + 1e-15));
	assert_true(g.gamma >= 0 && g.vega >= 0);
	/* gamma, vega, vanna and vomma are the same for the call and the put */
	td_opt other = *o;
	other.right = o->right == TD_CALL ? TD_PUT : TD_CALL;
	td_greeks h = greeks(&other);
	near_abs(g.gamma, h.gamma, 1e-15 * fmax(1, fabs(g.gamma)), "gamma call = put");
	near_abs(g.vega, h.vega, 1e-15 * fmax(1, fabs(g.vega)), "vega call = put");
	near_abs(g.vanna, h.vanna, 1e-15 * fmax(1, fabs(g.vanna)), "vanna call = put");
	near_abs(g.vomma, h.vomma, 1e-15 * fmax(1, fabs(g.vomma)), "vomma call = put");
	/* the price alone equals the price with the Greeks: exactly from the same code, to rounding from the batch */
	if (use_many)
		near_rel(g.price, price(o), 1e-14, "batch price = price alone");   /* deep out of the money, rounding x/s costs (x/s)^2 ulp */
	else
		assert_true(price(o) == g.price);
	/* Black-76 rho holds F fixed: only the discount factor moves, so rho = -T V per 1.00 */
	if (o->model == TD_MODEL_BLACK76)
		near_abs(g.rho, -0.01 * o->T * g.price, 1e-15 * fmax(1, g.price), "Black-76 rho = -T V");
}

static void test_bounds_and_symmetry(void **state)
{
	(void)state;
	for_grid(visit_bounds);
	/* at the money, zero rates: the call delta is N(s/2) in (0.5, 1) */
	td_opt o = opt(TD_CALL, TD_MODEL_BSM, 100, 100, 1, 0, 0, 0.2);
	td_greeks g = greeks(&o);
	assert_true(g.delta > 0.5 && g.delta < 1);
	near_rel(g.delta, td_bsm_ncdf(0.1), 1e-15, "ATM delta = N(s/2)");
}

/* ---- the normalised Black function --------------------------------------- */

/* Price = e^{-rT} sqrt(F K) b(x, s); b grows with s even in the far tail; its vega is db/ds. */
static void test_normalised(void **state)
{
	(void)state;
	for (size_t i = 0; i < NELEM(grid_K); i++)
		for (size_t j = 0; j < NELEM(grid_T); j++)
			for (size_t k = 0; k < NELEM(grid_sigma); k++) {
				double F = 100, K = grid_K[i], T = grid_T[j], sig = grid_sigma[k], r = 0.03;
				td_opt o = opt(TD_CALL, TD_MODEL_BLACK76, F, K, T, r, 0, sig);
				double want = price(&o);
				double got = exp(-r * T) * sqrt(F * K) * td_bsm_black_normalised(log(F / K), sig * sqrt(T), TD_CALL);
				/* the two routes round ln(F/K) differently: d^2 ulps of the larger */
				near_abs(got, want, 1e-12 * want + 1e-300, "normalised vs Black-76");
			}
	/* strictly increasing in s, far out of the money too, where the IV solver works */
	for (double x = -8; x <= 8; x += 1.0) {
		double prev = 0;
		for (double s = 0.02; s < 4; s *= 1.05) {
			double b = td_bsm_black_normalised(x, s, x < 0 ? TD_CALL : TD_PUT);
			if (b < 1e-300)
				continue;
			if (!(b > prev))
				fail_msg("b(%g, s) not increasing at s = %g: %.17g after %.17g", x, s, b, prev);
			prev = b;
		}
	}
	/* vega: central difference, steps as in the Greeks test */
	for (double x = -3; x <= 3; x += 0.5)
		for (double s = 0.05; s < 3; s *= 1.7) {
			double D = fmax(1, fabs(x / s) + s), h = 0.01 * s / D;
			double d_h = (td_bsm_black_normalised(x, s + h, TD_CALL) - td_bsm_black_normalised(x, s - h, TD_CALL)) / (2 * h);
			double d_h2 = (td_bsm_black_normalised(x, s + h / 2, TD_CALL) -
				       td_bsm_black_normalised(x, s - h / 2, TD_CALL)) / h;
			double fd = (4 * d_h2 - d_h) / 3;
			double v = td_bsm_black_normalised_vega(x, s);
			near_abs(fd, v, 1e-6 * (v + 1e-3), "normalised vega");
		}
	/* limits and refusals */
	near_abs(td_bsm_black_normalised(0.4, 0, TD_CALL), 2 * sinh(0.2), 1e-16, "b at s = 0, call");
	assert_true(td_bsm_black_normalised(0.4, 0, TD_PUT) == 0);
	assert_true(isnan(td_bsm_black_normalised(0.4, -1, TD_CALL)));
	assert_true(isnan(td_bsm_black_normalised(NAN, 0.2, TD_CALL)));
	assert_true(td_bsm_black_normalised_vega(0.4, 0) == 0);
}

/*
 * Near the money above the inflection point (x/s + s/2 in (0, 1)), where
 * the price is sinh(x/2) plus a positive series: 50-digit references (as
 * in the header), and the pricer and the IV solver share one b.
 */
static void test_normalised_near_money(void **state)
{
	(void)state;
	static const struct {
		double x, s;
		td_right w;
		double want;
	} nb[] = {
		{ -0.1, 0.8, TD_CALL, 0.263510457964504683695 },
		{ 0.05, 0.5, TD_PUT, 0.173437657654471291486 },
		{ -0.3, 1.2, TD_CALL, 0.318474109994119032426 },
		{ 0.0, 0.3, TD_CALL, 0.119235384740485031545 },
		{ -0.2, 0.25, TD_CALL, 0.0299136655942519248259 },
	};
	char what[64];
	for (size_t i = 0; i < NELEM(nb); i++) {
		snprintf(what, sizeof(what), "b(%g, %g, %d)", nb[i].x, nb[i].s, nb[i].w);
		/* |d| < 1 here: a few ulps */
		near_rel(td_bsm_black_normalised(nb[i].x, nb[i].s, nb[i].w), nb[i].want, 1e-15, what);
	}
	for (double x = -3; x <= 3; x += 0.125)
		for (double s = 1e-3; s < 8; s *= 1.3)
			for (int w = -1; w <= 1; w += 2)
				assert_true(td_bsm_black_normalised(x, s, w > 0 ? TD_CALL : TD_PUT) ==
					    td_iv_black_normalised(x, s, w));
}

/* ---- degenerate input ------------------------------------------------------ */

static bool all_finite(const td_greeks *g)
{
	const double *v = &g->price;
	for (int i = 0; i < 9; i++)
		if (!isfinite(v[i]))
			return false;
	return true;
}

static bool all_zero(const td_greeks *g)
{
	const double *v = &g->price;
	for (int i = 0; i < 9; i++)
		if (v[i] != 0)
			return false;
	return true;
}

static void test_bad_input(void **state)
{
	(void)state;
	const td_opt good = opt(TD_CALL, TD_MODEL_BSM, 100, 100, 0.5, 0.03, 0.01, 0.2);
	td_opt bad[16];
	int n = 0;
	bad[n] = good, bad[n++].T = -0.1;
	bad[n] = good, bad[n++].sigma = -0.2;
	bad[n] = good, bad[n++].S = 0;
	bad[n] = good, bad[n++].S = -100;
	bad[n] = good, bad[n++].K = 0;
	bad[n] = good, bad[n++].S = NAN;
	bad[n] = good, bad[n++].K = INFINITY;
	bad[n] = good, bad[n++].T = INFINITY;
	bad[n] = good, bad[n++].r = NAN;
	bad[n] = good, bad[n++].q = INFINITY;
	bad[n] = good, bad[n++].sigma = NAN;
	bad[n] = good, bad[n++].right = (td_right)0;
	bad[n] = good, bad[n++].model = TD_MODEL_AMERICAN;
	bad[n] = good, bad[n++].model = (td_model)42;
	for (int i = 0; i < n; i++) {
		td_greeks g;
		memset(&g, 0x7f, sizeof(g));
		assert_int_equal(greeks_rc(&bad[i], &g), -1);
		assert_true(all_zero(&g));
		double p = 1;
		assert_int_equal(td_bsm_price(&bad[i], &p), -1);
		assert_true(p == 0);
	}
	/* Black-76 ignores q, even a NaN one */
	td_opt f = good;
	f.model = TD_MODEL_BLACK76;
	f.q = NAN;
	td_greeks g;
	assert_int_equal(greeks_rc(&f, &g), 0);
	assert_true(all_finite(&g));
}

/* T == 0 and sigma == 0 are refused, but the output holds the limit, never NaN. */
static void test_expiry_and_zero_vol_limits(void **state)
{
	(void)state;
	td_greeks g;
	td_opt o = opt(TD_CALL, TD_MODEL_BSM, 110, 100, 0, 0.05, 0.02, 0.2);
	assert_int_equal(greeks_rc(&o, &g), -1);
	assert_true(all_finite(&g));
	near_abs(g.price, 10, 1e-12, "T = 0 call intrinsic");
	near_abs(g.delta, 1, 0, "T = 0 call delta");
	assert_true(g.gamma == 0 && g.vega == 0 && g.vanna == 0 && g.vomma == 0);
	o.right = TD_PUT;
	assert_int_equal(greeks_rc(&o, &g), -1);
	near_abs(g.price, 0, 0, "T = 0 put intrinsic");
	near_abs(g.delta, 0, 0, "T = 0 put delta");
	double p;
	assert_int_equal(td_bsm_price(&o, &p), -1);
	assert_true(p == 0);

	/* sigma = 0: the discounted intrinsic value on the forward, 100 e^{(0.05-0.02)} = 103.05 > 100 */
	o = opt(TD_CALL, TD_MODEL_BSM, 100, 100, 1, 0.05, 0.02, 0);
	assert_int_equal(greeks_rc(&o, &g), -1);
	near_abs(g.price, 100 * exp(-0.02) - 100 * exp(-0.05), 1e-12, "sigma = 0 call");
	near_abs(g.delta, exp(-0.02), 1e-15, "sigma = 0 call delta");
	near_abs(g.rho, 0.01 * 100 * exp(-0.05), 1e-14, "sigma = 0 call rho");

	/* tiny but valid T and sigma: accepted, finite, approaching the limits */
	static const double tiny[] = { 1e-8, 1e-12, 1e-20, 1e-100, 1e-200, 1e-300, 5e-324 };
	for (size_t i = 0; i < NELEM(tiny); i++)
		for (int atm = 0; atm < 2; atm++)
			for (int w = -1; w <= 1; w += 2) {
				td_opt a = opt(w, TD_MODEL_BSM, 100, atm ? 100 : 90, tiny[i], 0.05, 0.02, 0.2);
				td_opt b = opt(w, TD_MODEL_BSM, 100, atm ? 100 : 90, 0.5, 0.05, 0.02, tiny[i]);
				assert_int_equal(greeks_rc(&a, &g), 0);
				assert_true(all_finite(&g));
				if (!atm)
					near_abs(g.price, w > 0 ? 10 : 0, 1e-6, "tiny T price");
				assert_int_equal(greeks_rc(&b, &g), 0);
				assert_true(all_finite(&g));
			}
}

/* Nothing on a wide sweep of valid inputs gives NaN or infinity. */
static void test_never_nan(void **state)
{
	(void)state;
	static const double S[] = { 1e-6, 0.01, 1, 100, 1e6, 1e12 };
	static const double m[] = { 1e-6, 0.1, 0.5, 0.99, 1, 1.01, 2, 10, 1e6 };
	static const double T[] = { 1e-10, 1e-5, 0.003, 1, 30, 200 };
	static const double v[] = { 1e-8, 1e-4, 0.01, 0.3, 3, 30 };
	static const double r[] = { -0.05, 0, 0.2 };
	long n = 0;
	for (size_t a = 0; a < NELEM(S); a++)
		for (size_t b = 0; b < NELEM(m); b++)
			for (size_t c = 0; c < NELEM(T); c++)
				for (size_t d = 0; d < NELEM(v); d++)
					for (size_t e = 0; e < NELEM(r); e++)
						for (int mod = 0; mod < 2; mod++)
							for (int w = -1; w <= 1; w += 2) {
								td_opt o = opt(w, mod ? TD_MODEL_BLACK76 : TD_MODEL_BSM, S[a],
									       S[a] * m[b], T[c], r[e], 0.03, v[d]);
								td_greeks g;
								if (greeks_rc(&o, &g) != 0 || !all_finite(&g))
									fail_msg("S=%g K=%g T=%g sigma=%g r=%g: not finite", o.S,
										 o.K, o.T, o.sigma, o.r);
								assert_true(g.price >= 0);
								n++;
							}
	assert_true(n > 10000);
}

/*
 * Near the money with minutes to expiry, x = ln(F/K) is a few 1e-5 and the
 * price follows x/s closely, so ln(S/K) must keep the accuracy of x itself:
 * the ratio's rounding is corrected with the exact product error
 * (td_black_log_ratio).  If the compiler fused that product into the
 * following difference (black.h: td_black_rounded), the correction would
 * count twice and these prices would be off by 1e-14..1e-13.  References:
 * the generalized Black-Scholes formula in mpmath at 50 digits, on the same
 * doubles.
 */
static void test_near_money_short_expiry_reference(void **state)
{
	(void)state;
	static const struct {
		td_right w;
		double S, K, T, r, q, sigma, want;
	} ref[] = {
		{ TD_CALL, 100.01, 100, 1 / (365 * 24 * 60.0), 0.05, 0.01, 0.2, 0.01672621393707728150269768 },
		{ TD_PUT, 100.01, 100, 1 / (365 * 24 * 60.0), 0.05, 0.01, 0.2, 0.00671860377768919288474373 },
		{ TD_CALL, 4999.99, 5000, 1e-4, 0.04, 0.0, 0.15, 2.997060485916658484618684 },
		{ TD_PUT, 99.999, 100.003, 2e-5, 0.03, 0.02, 0.5, 0.09121116367435458100531649 },
		{ TD_CALL, 1.00003, 1.00001, 1e-6, 0.0, 0.0, 0.1, 0.00005069024565437846974414411 },
	};
	char what[96];
	for (size_t i = 0; i < sizeof(ref) / sizeof(ref[0]); i++) {
		td_opt o = opt(ref[i].w, TD_MODEL_BSM, ref[i].S, ref[i].K, ref[i].T, ref[i].r, ref[i].q, ref[i].sigma);
		snprintf(what, sizeof(what), "near-money reference %zu price", i);
		near_rel(price(&o), ref[i].want, 2e-15, what);
		snprintf(what, sizeof(what), "near-money reference %zu greeks.price", i);
		near_rel(greeks(&o).price, ref[i].want, 2e-15, what);
	}
}

/*
 * The batch over a long, mixed array (every region, invalid and limit
 * lanes among valid ones, a length that is not a multiple of four) gives
 * each option what td_bsm_greeks gives it alone: the same return code and,
 * lane by lane, the same numbers to rounding.  The two paths may round
 * differently (a build whose td_bsm_greeks is not the FMA clone), so the
 * tolerance is relative, 1e-13, with an absolute floor of 1e-13 times the
 * option's largest field for Greeks that cancel to near 0.
 */
static void test_many_matches_single(void **state)
{
	(void)state;
	enum { N = 4099 };
	static td_opt o[N];
	static td_greeks many[N];
	static int rc[N];
	uint64_t st = 0x2545f4914f6cdd1dull;
	for (int i = 0; i < N; i++) {
		double u[8];
		for (int k = 0; k < 8; k++) {
			st ^= st << 13;
			st ^= st >> 7;
			st ^= st << 17;
			u[k] = (double)(st >> 11) / 9007199254740992.0;
		}
		double S = pow(10, -3 + 9 * u[0]);
		o[i] = opt(u[1] < 0.5 ? TD_CALL : TD_PUT, u[2] < 0.6 ? TD_MODEL_BSM : TD_MODEL_BLACK76, S,
			   S * exp(3 * (u[3] - 0.5) * u[4]), pow(10, -6 + 7 * u[5]), 0.2 * (u[6] - 0.25), 0.05 * u[7],
			   pow(10, -3 + 3.5 * u[4]));
		if (i % 97 == 0)
			o[i].sigma = 0;   /* the limit: td_bsm_greeks returns -1 with the limit's numbers */
		if (i % 101 == 0)
			o[i].K = -1;      /* invalid */
		if (i % 103 == 0)
			o[i].right = 0;   /* invalid */
	}
	size_t failed = td_bsm_greeks_many(o, many, rc, N), want_failed = 0;
	char what[160];
	for (int i = 0; i < N; i++) {
		td_greeks one;
		int r = td_bsm_greeks(&o[i], &one);
		want_failed += r != 0;
		assert_int_equal(rc[i], r);
		const double *a = &one.price, *b = &many[i].price;
		double scale = 0;
		for (int k = 0; k < 9; k++)
			scale = fmax(scale, fabs(a[k]));
		for (int k = 0; k < 9; k++) {
			snprintf(what, sizeof(what), "option %d (S=%g K=%g T=%g sigma=%g) field %d", i, o[i].S, o[i].K, o[i].T,
				 o[i].sigma, k);
			near_abs(b[k], a[k], 1e-13 * fabs(a[k]) + 1e-13 * scale, what);
		}
	}
	assert_int_equal(failed, want_failed);
	assert_true(want_failed > 100);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ncdf_reference),
		cmocka_unit_test(test_hull_examples),
		cmocka_unit_test(test_haug_examples),
		cmocka_unit_test(test_deep_otm_reference),
		cmocka_unit_test(test_near_money_short_expiry_reference),
		cmocka_unit_test(test_put_call_parity),
		cmocka_unit_test(test_greeks_finite_difference),
		cmocka_unit_test(test_bounds_and_symmetry),
		cmocka_unit_test(test_normalised),
		cmocka_unit_test(test_normalised_near_money),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_expiry_and_zero_vol_limits),
		cmocka_unit_test(test_never_nan),
		cmocka_unit_test(test_many_matches_single),
	};
	int failed = cmocka_run_group_tests_name("td_bsm_greeks", tests, NULL, NULL);
	use_many = 1;
	return failed + cmocka_run_group_tests_name("td_bsm_greeks_many", tests, NULL, NULL);
}
