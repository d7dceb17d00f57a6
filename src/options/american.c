/*
 * Bjerksund-Stensland (2002) American call, the put by the put-call
 * transformation, and Greeks by finite differences.
 *
 * DESIGN
 *
 * Notation follows Bjerksund & Stensland, "Closed form valuation of American
 * options" (NHH discussion paper 2002:9) and Haug, "The Complete Guide to
 * Option Pricing Formulas" (2nd ed., section 3.3): cost of carry b = r - q,
 * boundaries I1 (on [t1, T]) and I2 (on [0, t1]) with t1 = (sqrt 5 - 1)/2 T,
 *
 *   C = a2 S^beta - a2 phi(S,t1,beta,I2,I2) + phi(S,t1,1,I2,I2) - phi(S,t1,1,I1,I2)
 *       - K phi(S,t1,0,I2,I2) + K phi(S,t1,0,I1,I2) + a1 phi(S,t1,beta,I1,I2)
 *       - a1 psi(S,T,beta,I1,I2,I1,t1) + psi(S,T,1,I1,I2,I1,t1) - psi(S,T,1,K,I2,I1,t1)
 *       - K psi(S,T,0,I1,I2,I1,t1) + K psi(S,T,0,K,I2,I1,t1)
 *
 * with a_i = (I_i - K) I_i^-beta.  beta grows like 1/sigma^2, so S^beta and
 * I^-beta over- and underflow at small volatilities long before their product
 * does.  Every term is therefore evaluated as exp(sum of logarithms): the
 * a_i I_i^-beta factor is folded into phi and psi as a log scale, and the
 * normal probabilities enter as log N, which is -inf (not NaN) when they
 * underflow.  The bivariate normal is Genz's (2004) algorithm, accurate to
 * about 1e-15.
 *
 * The European pieces (the q <= 0 call, the r <= 0 put and the floor) are
 * written here as private helpers so this file depends on nothing but libm;
 * see doc/options.md.
 */
#include "options/american.h"

#include <math.h>
#include <stdbool.h>
#include <stddef.h>

#include "options/iv.h"

#define TD_SQRT2 1.41421356237309504880
#define TD_2PI 6.28318530717958647693

/* Implied volatility search: range and cap on prices computed. */
#define AM_IV_MIN 1e-4
#define AM_IV_MAX 16.0
#define AM_IV_ITER 60

/* Standard normal CDF. */
static double norm_cdf(double x)
{
	return 0.5 * erfc(-x / TD_SQRT2);
}

/* log of the standard normal CDF; -inf once the CDF underflows. */
static double norm_lcdf(double x)
{
	return log(0.5 * erfc(-x / TD_SQRT2));
}

/* Gauss-Legendre half-rules with 6, 12 and 20 points (abscissae negative). */
static const double gl_w[3][10] = {
	{ 0.1713244923791705, 0.3607615730481384, 0.4679139345726904 },
	{ 0.04717533638651177, 0.1069393259953183, 0.1600783285433464, 0.2031674267230659,
	  0.2334925365383547, 0.2491470458134029 },
	{ 0.01761400713915212, 0.04060142980038694, 0.06267204833410906, 0.08327674157670475,
	  0.1019301198172404, 0.1181945319615184, 0.1316886384491766, 0.1420961093183821,
	  0.1491729864726037, 0.1527533871307259 },
};
static const double gl_x[3][10] = {
	{ -0.9324695142031522, -0.6612093864662647, -0.2386191860831970 },
	{ -0.9815606342467191, -0.9041172563704750, -0.7699026741943050, -0.5873179542866171,
	  -0.3678314989981802, -0.1252334085114692 },
	{ -0.9931285991850949, -0.9639719272779138, -0.9122344282513259, -0.8391169718222188,
	  -0.7463319064601508, -0.6360536807265150, -0.5108670019508271, -0.3737060887154196,
	  -0.2277858511416451, -0.07652652113349733 },
};

/*
 * P(X < x, Y < y) for standard normals with correlation rho: Genz (2004),
 * "Numerical computation of rectangular bivariate and trivariate normal and
 * t probabilities", Statistics and Computing 14, 251-260 (his BVND).
 */
static double bvn_cdf(double x, double y, double rho)
{
	double ar = fabs(rho);
	int ng = ar < 0.3 ? 0 : ar < 0.75 ? 1 : 2;
	int lg = ng == 0 ? 3 : ng == 1 ? 6 : 10;
	double h = -x, k = -y, hk = h * k, bvn = 0;

	if (ar < 0.925) {
		if (ar > 0) {
			double hs = (h * h + k * k) / 2, asr = asin(rho);
			for (int i = 0; i < lg; i++) {
				for (int is = -1; is <= 1; is += 2) {
					double sn = sin(asr * (is * gl_x[ng][i] + 1) / 2);
					bvn += gl_w[ng][i] * exp((sn * hk - hs) / (1 - sn * sn));
				}
			}
			bvn *= asr / (2 * TD_2PI);
		}
		return bvn + norm_cdf(-h) * norm_cdf(-k);
	}
	if (rho < 0) {
		k = -k;
		hk = -hk;
	}
	if (ar < 1) {
		double as = (1 - rho) * (1 + rho), a = sqrt(as), bs = (h - k) * (h - k);
		double c = (4 - hk) / 8, d = (12 - hk) / 16;
		double asr = -(bs / as + hk) / 2;
		if (asr > -100)
			bvn = a * exp(asr) * (1 - c * (bs - as) * (1 - d * bs / 5) / 3 + c * d * as * as / 5);
		if (-hk < 100) {
			double b = sqrt(bs);
			bvn -= exp(-hk / 2) * sqrt(TD_2PI) * norm_cdf(-b / a) * b *
			       (1 - c * bs * (1 - d * bs / 5) / 3);
		}
		a /= 2;
		for (int i = 0; i < lg; i++) {
			for (int is = -1; is <= 1; is += 2) {
				double xs = a * (is * gl_x[ng][i] + 1);
				xs *= xs;
				double rs = sqrt(1 - xs);
				asr = -(bs / xs + hk) / 2;
				if (asr > -100)
					bvn += a * gl_w[ng][i] * exp(asr) *
					       (exp(-hk * (1 - rs) / (2 * (1 + rs))) / rs -
					        (1 + c * xs * (1 + d * xs)));
			}
		}
		bvn = -bvn / TD_2PI;
	}
	if (rho > 0)
		return bvn + norm_cdf(-fmax(h, k));
	bvn = -bvn;
	if (k > h)
		bvn += norm_cdf(k) - norm_cdf(h);
	return bvn;
}

/* log of the bivariate normal CDF; -inf when it underflows (or rounds below 0). */
static double bvn_lcdf(double x, double y, double rho)
{
	double p = bvn_cdf(x, y, rho);
	return p > 0 ? log(p) : -INFINITY;
}

/* Generalised BSM call with cost of carry b: S e^((b-r)T) N(d1) - K e^(-rT) N(d2). */
static double euro_call(double S, double K, double T, double r, double b, double v)
{
	double sd = v * sqrt(T);
	double d1 = (log(S / K) + (b + v * v / 2) * T) / sd;
	return S * exp((b - r) * T) * norm_cdf(d1) - K * exp(-r * T) * norm_cdf(d1 - sd);
}

/* Generalised BSM put with cost of carry b. */
static double euro_put(double S, double K, double T, double r, double b, double v)
{
	double sd = v * sqrt(T);
	double d1 = (log(S / K) + (b + v * v / 2) * T) / sd;
	return K * exp(-r * T) * norm_cdf(sd - d1) - S * exp((b - r) * T) * norm_cdf(-d1);
}

/*
 * Bjerksund-Stensland phi(S, t, gamma, H, I) times X^-gamma:
 *   e^lambda (S/X)^gamma [N(d) - (I/S)^kappa N(d - 2 ln(I/S) / (v sqrt t))].
 */
static double bs_phi(double S, double t, double g, double H, double I, double X, double r,
		     double b, double v)
{
	double v2 = v * v, sd = v * sqrt(t);
	double lambda = (-r + g * b + 0.5 * g * (g - 1) * v2) * t;
	double d = -(log(S / H) + (b + (g - 0.5) * v2) * t) / sd;
	double kappa = 2 * b / v2 + 2 * g - 1;
	double a = lambda + g * log(S / X);
	double lis = log(I / S);
	return exp(a + norm_lcdf(d)) - exp(a + kappa * lis + norm_lcdf(d - 2 * lis / sd));
}

/*
 * Bjerksund-Stensland psi(S, T, gamma, H, I2, I1, t1) times X^-gamma; the
 * two-period counterpart of phi, with bivariate probabilities.
 */
static double bs_psi(double S, double T, double g, double H, double I2, double I1, double t1,
		     double X, double r, double b, double v)
{
	double v2 = v * v, m = b + (g - 0.5) * v2;
	double s1 = v * sqrt(t1), sT = v * sqrt(T);
	double ls1 = log(S / I1), l21 = log(I2 * I2 / (S * I1));
	double e1 = (ls1 + m * t1) / s1, e2 = (l21 + m * t1) / s1;
	double e3 = (ls1 - m * t1) / s1, e4 = (l21 - m * t1) / s1;
	double f1 = (log(S / H) + m * T) / sT;
	double f2 = (log(I2 * I2 / (S * H)) + m * T) / sT;
	double f3 = (log(I1 * I1 / (S * H)) + m * T) / sT;
	double f4 = (log(S * I1 * I1 / (H * I2 * I2)) + m * T) / sT;
	double rho = sqrt(t1 / T);
	double lambda = -r + g * b + 0.5 * g * (g - 1) * v2;
	double kappa = 2 * b / v2 + 2 * g - 1;
	double a = lambda * T + g * log(S / X);
	return exp(a + bvn_lcdf(-e1, -f1, rho)) -
	       exp(a + kappa * log(I2 / S) + bvn_lcdf(-e2, -f2, rho)) -
	       exp(a + kappa * log(I1 / S) + bvn_lcdf(-e3, -f3, -rho)) +
	       exp(a + kappa * log(I1 / I2) + bvn_lcdf(-e4, -f4, -rho));
}

/* The Bjerksund-Stensland 2002 call with cost of carry b = r - q. */
static double bs2002_call(double S, double K, double T, double r, double b, double v)
{
	if (b >= r) /* q <= 0: never exercised early */
		return euro_call(S, K, T, r, b, v);
	double v2 = v * v;
	double beta = (0.5 - b / v2) + sqrt((b / v2 - 0.5) * (b / v2 - 0.5) + 2 * r / v2);
	double binf = beta / (beta - 1) * K;
	double b0 = fmax(K, r / (r - b) * K);
	double t1 = 0.5 * (sqrt(5.0) - 1) * T;
	double span = (binf - b0) * b0;
	double h1 = -(b * t1 + 2 * v * sqrt(t1)) * K * K / span;
	double h2 = -(b * T + 2 * v * sqrt(T)) * K * K / span;
	/*
	 * XXX: with a carry far below zero and a small volatility (b t + 2 sigma
	 * sqrt t < 0) the published h turns positive and puts the boundary under
	 * B0, even under the strike.  Any boundaries I2 >= I1 >= B0 >= K are a
	 * feasible strategy and keep the lower bound, so clamp to that.
	 */
	double i1 = b0 + (binf - b0) * (1 - exp(fmin(h1, 0)));
	double i2 = fmax(b0 + (binf - b0) * (1 - exp(fmin(h2, 0))), i1);
	if (S >= i2)
		return S - K;
	double c1 = i1 - K, c2 = i2 - K; /* a_i = c_i * I_i^-beta, folded into the scale */
	return c2 * exp(beta * log(S / i2)) - c2 * bs_phi(S, t1, beta, i2, i2, i2, r, b, v) +
	       bs_phi(S, t1, 1, i2, i2, 1, r, b, v) - bs_phi(S, t1, 1, i1, i2, 1, r, b, v) -
	       K * bs_phi(S, t1, 0, i2, i2, 1, r, b, v) + K * bs_phi(S, t1, 0, i1, i2, 1, r, b, v) +
	       c1 * bs_phi(S, t1, beta, i1, i2, i1, r, b, v) -
	       c1 * bs_psi(S, T, beta, i1, i2, i1, t1, i1, r, b, v) +
	       bs_psi(S, T, 1, i1, i2, i1, t1, 1, r, b, v) -
	       bs_psi(S, T, 1, K, i2, i1, t1, 1, r, b, v) -
	       K * bs_psi(S, T, 0, i1, i2, i1, t1, 1, r, b, v) +
	       K * bs_psi(S, T, 0, K, i2, i1, t1, 1, r, b, v);
}

/* True when x is a finite number greater than zero. */
static int positive(double x)
{
	return isfinite(x) && x > 0;
}

/* Price without input checks, floored at max(European, intrinsic). */
static double am_price(td_right right, double S, double K, double T, double r, double q,
		       double v)
{
	double b = r - q, am, eu, in;
	if (right == TD_CALL) {
		am = bs2002_call(S, K, T, r, b, v);
		eu = euro_call(S, K, T, r, b, v);
		in = S - K;
	} else {
		am = bs2002_call(K, S, T, q, -b, v); /* P(S,K,T,r,q) = C(K,S,T,q,r) */
		eu = euro_put(S, K, T, r, b, v);
		in = K - S;
	}
	/*
	 * XXX: BS2002 is a feasible-strategy value, so it should already clear
	 * both floors; the floor catches the corners (tiny sigma, extreme
	 * rates) where rounding in its terms would otherwise show through.
	 * fmax also drops a NaN term in favour of the floors.
	 */
	return fmax(am, fmax(eu, in));
}

/* 0 when o can be priced, -1 otherwise. */
static int check(const td_opt *o)
{
	if (!o || (o->right != TD_CALL && o->right != TD_PUT))
		return -1;
	if (!positive(o->S) || !positive(o->K) || !positive(o->T) || !positive(o->sigma))
		return -1;
	if (!isfinite(o->r) || !isfinite(o->q))
		return -1;
	return 0;
}

/* American value of o. */
int td_american_price(const td_opt *o, double *price)
{
	if (check(o) < 0 || !price)
		return -1;
	*price = am_price(o->right, o->S, o->K, o->T, o->r, o->q, o->sigma);
	return 0;
}

/* Price and Greeks by central differences of am_price; bumps in american.h. */
int td_american_greeks(const td_opt *o, td_greeks *g)
{
	if (check(o) < 0 || !g)
		return -1;
	td_right w = o->right;
	double S = o->S, K = o->K, T = o->T, r = o->r, q = o->q, v = o->sigma;
	double hs = 1e-4 * S, ht = fmin(1e-5, T / 2), hv = fmin(1e-4, v / 2), hr = 1e-4;

	double p = am_price(w, S, K, T, r, q, v);
	double ps_u = am_price(w, S + hs, K, T, r, q, v), ps_d = am_price(w, S - hs, K, T, r, q, v);
	double pt_u = am_price(w, S, K, T + ht, r, q, v), pt_d = am_price(w, S, K, T - ht, r, q, v);
	double pv_u = am_price(w, S, K, T, r, q, v + hv), pv_d = am_price(w, S, K, T, r, q, v - hv);
	double pr_u = am_price(w, S, K, T, r + hr, q, v), pr_d = am_price(w, S, K, T, r - hr, q, v);
	double puu = am_price(w, S + hs, K, T, r, q, v + hv), pud = am_price(w, S + hs, K, T, r, q, v - hv);
	double pdu = am_price(w, S - hs, K, T, r, q, v + hv), pdd = am_price(w, S - hs, K, T, r, q, v - hv);
	double tuu = am_price(w, S + hs, K, T + ht, r, q, v), tud = am_price(w, S + hs, K, T - ht, r, q, v);
	double tdu = am_price(w, S - hs, K, T + ht, r, q, v), tdd = am_price(w, S - hs, K, T - ht, r, q, v);

	*g = (td_greeks){
		.price = p,
		.delta = (ps_u - ps_d) / (2 * hs),
		.gamma = (ps_u - 2 * p + ps_d) / (hs * hs),
		.theta = -(pt_u - pt_d) / (2 * ht) / 365,
		.vega = (pv_u - pv_d) / (2 * hv) * 0.01,
		.rho = (pr_u - pr_d) / (2 * hr) * 0.01,
		.vanna = (puu - pud - pdu + pdd) / (4 * hs * hv) * 0.01,
		.charm = -(tuu - tud - tdu + tdd) / (4 * hs * ht) / 365,
		.vomma = (pv_u - 2 * p + pv_d) / (hv * hv) * 1e-4,
	};
	return 0;
}

/* The reason in *why (may be NULL) and -1. */
static int am_fail(const char **why, const char *reason)
{
	if (why)
		*why = reason;
	return -1;
}

/* European vega per unit of sigma: the slope used for the Newton steps (the American one is close and unknown). */
static double euro_vega(double S, double K, double T, double r, double q, double v)
{
	double s = v * sqrt(T), d1 = (log(S / K) + (r - q) * T) / s + 0.5 * s;
	return S * exp(-q * T) * sqrt(T) * exp(-0.5 * d1 * d1) / sqrt(TD_2PI);
}

/* The search's state: the bracket so far and the last point. */
struct am_search {
	const td_opt *o;
	double price;
	double lo, hi;     /* am(lo) < price < am(hi) as far as seen; hi may be +inf */
	double v, err;     /* last sigma and am(v) - price */
	int evals;
};

/*
 * ln(price at sigma v / the target), narrowing the bracket.  In logarithms
 * because out of the money the price grows like e^{-c/sigma^2}: a secant
 * on the price itself crawls there, on its logarithm it does not.
 */
static double am_eval(struct am_search *s, double v)
{
	const td_opt *o = s->o;
	double err = log(am_price(o->right, o->S, o->K, o->T, o->r, o->q, v) / s->price);
	s->evals++;
	if (err > 0)
		s->hi = fmin(s->hi, v);
	else
		s->lo = fmax(s->lo, v);
	return err;
}

/* A first guess: the caller's, else the European IV of the price (an upper bound), else 30 %. */
static double am_guess(const td_opt *o, double price)
{
	if (o->sigma > 0 && isfinite(o->sigma))
		return fmin(fmax(o->sigma, AM_IV_MIN), AM_IV_MAX);
	td_opt e = *o;
	e.model = TD_MODEL_BSM;
	double v;
	if (td_iv(&e, price, &v, NULL) == 0 && v > AM_IV_MIN && v < AM_IV_MAX)
		return v;
	return 0.3;
}

/* The next point: a secant (Newton on the European vega at first) kept inside the bracket, else bisect or double. */
static double am_step(const struct am_search *s, double slope)
{
	double next = s->v - s->err / slope;
	if (isfinite(next) && next > s->lo && next < s->hi)
		return next;
	return isinf(s->hi) ? fmin(2.0 * s->v, AM_IV_MAX) : 0.5 * (s->lo + s->hi);
}

int td_american_iv(const td_opt *o, double price, double tol, double *sigma, const char **why)
{
	if (!o || !sigma)
		return am_fail(why, "no option or no result given");
	td_opt c = *o;
	c.sigma = 1.0;
	if (check(&c) < 0)
		return am_fail(why, "invalid option (right, prices, expiry or rates)");
	if (!isfinite(price) || price < 0)
		return am_fail(why, "price not finite or negative");
	if (!(tol >= 1e-14 && tol <= 1e-3))
		return am_fail(why, "tolerance out of range (1e-14 to 1e-3)");
	double intrinsic = fmax(o->right == TD_CALL ? o->S - o->K : o->K - o->S, 0.0);
	if (price < intrinsic)
		return am_fail(why, "price below intrinsic value (immediate exercise pays more)");
	if (price >= (o->right == TD_CALL ? o->S : o->K))
		return am_fail(why, o->right == TD_CALL ? "price at or above the upper bound (the spot for a call)"
							: "price at or above the upper bound (the strike for a put)");
	struct am_search s = { .o = o, .price = price, .lo = AM_IV_MIN, .hi = INFINITY };
	s.v = am_guess(o, price);
	s.err = am_eval(&s, s.v);
	double slope = euro_vega(o->S, o->K, o->T, o->r, o->q, s.v) / price, width = INFINITY;
	while (fabs(s.err) > tol && s.evals < AM_IV_ITER) {
		if (isfinite(s.hi) && s.hi - s.lo <= 1e-15 * s.hi)
			break;
		if (s.v >= AM_IV_MAX && s.err < 0)
			return am_fail(why, "price above the model value at 1600% volatility");
		/* a secant stuck on one end of a finite bracket (strong convexity) gives way to bisection */
		bool slow = isfinite(s.hi) && s.hi - s.lo > 0.5 * width;
		if (s.evals % 2 == 0)
			width = s.hi - s.lo;
		double next = slow ? 0.5 * (s.lo + s.hi) : am_step(&s, slope), err = am_eval(&s, next);
		slope = next != s.v ? (err - s.err) / (next - s.v) : 0;
		if (!(slope > 0) || !isfinite(slope))
			slope = euro_vega(o->S, o->K, o->T, o->r, o->q, next) / price;
		s.v = next;
		s.err = err;
	}
	if (!(fabs(s.err) <= fmax(tol, 1e-6)))
		return am_fail(why, s.lo <= AM_IV_MIN ? "price at or below the model value at zero volatility"
						    : "no implied volatility found");
	*sigma = s.v;
	return 0;
}
