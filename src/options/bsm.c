/*
 * Black-Scholes-Merton and Black-76, price and Greeks in one pass.
 *
 * DESIGN.  Both models go through the generalized formula (bsm.h): one
 * setup turns a td_opt into the carry b, the discounted forward A, the
 * discounted strike B and x = ln(F/K); one pass then computes d1, d2, the
 * four values N(+-d1), N(+-d2) from two erfc (or erf) calls, one density,
 * and the out-of-the-money price, and every Greek is a few
 * multiplications on those.
 *
 *   setup ──▶ pass_d: d1 d2, n(d), N(+-d) ──▶ otm_price ──▶ parity ──▶ greeks_from
 *                                              │ s <= a/4: Mills-ratio series
 *                                              │ a < 1:    erf form
 *                                              └ else:     plain difference
 *
 * Accuracy decisions.  N(x) takes the small tail from erfc and the large
 * one as 1 minus it (>= 0.5, so no loss).  erfc(|x|/sqrt 2) is conditioned
 * like x^2 in the tail, so the rounding of |x|/sqrt 2 alone would cost up
 * to 1e-13 relative near x = -37; it is measured with fma and corrected to
 * first order (the correction needs only a few digits, so the density of
 * x stands in for exp(-z^2)).  Prices come from the out-of-the-money
 * option plus put-call parity, never from N(d) close to 1, and the
 * out-of-the-money price itself is formed without cancellation
 * (otm_price).  ln(F/K) uses log1p(U/K - 1) near the money, where U - K
 * is exact, so that x keeps its relative accuracy when it is small.
 *
 * Cost.  Three exp, one log1p, two erfc or erf, and for out-of-the-money
 * options with s <= a/4 a series of 5 to 40 terms: about twice the
 * textbook formula (see tests/bench/bench_bsm.c).
 *
 * Degenerate inputs never give NaN: see bsm.h.  The general formulas are
 * used whenever they give finite results; when T or sigma sqrt(T) is so
 * small that they overflow, the zero-volatility limit is used instead.
 */
#include "options/bsm.h"

#include <math.h>
#include <stdbool.h>
#include <string.h>

#define INV_SQRT_2PI 0.39894228040143267794
#define SQRT2 1.41421356237309504880
/* 1/sqrt(2) = SQRT1_2_HI + SQRT1_2_LO, the low part from 50-digit arithmetic. */
#define SQRT1_2_HI 0.70710678118654752440
#define SQRT1_2_LO (-4.833646656726457e-17)
/* Beyond this |x|, N(-|x|) is below the least subnormal, so 0. */
#define TAIL_CUT 38.5

/* A td_opt reduced to the generalized formula's terms. */
struct gbs {
	double w;       /* +1 call, -1 put */
	bool black76;   /* rho holds F fixed */
	double U;       /* underlying: S or F */
	double K, T, r, sigma;
	double b;       /* cost of carry: r - q, or 0 for Black-76 */
	double sqrtT;
	double s;       /* sigma sqrt(T) */
	double dq;      /* e^{(b-r)T} */
	double dr;      /* e^{-rT} */
	double A;       /* U dq, the discounted forward */
	double B;       /* K dr, the discounted strike */
	double x;       /* ln(F/K) */
};

/* n(x), with x^2 split exactly (fma) so its rounding does not cost x^2 ulps. */
double td_bsm_npdf(double x)
{
	if (!(fabs(x) < 40.0))
		return isnan(x) ? x : 0.0;   /* n(38.6) is below the least subnormal already */
	double hi = x * x, lo = fma(x, x, -hi);
	return INV_SQRT_2PI * exp(-0.5 * hi) * (1.0 - 0.5 * lo);
}

/* N(-a) for a >= 0 given pdf = n(a): erfc with the rounding of a/sqrt 2 corrected. */
static inline double tail(double a, double pdf)
{
	if (!(a < TAIL_CUT))
		return 0.0;
	double z = a * SQRT1_2_HI;
	double zlo = fma(a, SQRT1_2_HI, -z) + a * SQRT1_2_LO;
	/* erfc(z + zlo) = erfc(z) - 2/sqrt(pi) exp(-z^2) zlo, and exp(-z^2) = sqrt(2 pi) n(a) */
	return 0.5 * erfc(z) - SQRT2 * pdf * zlo;
}

/* N(d) into *pos and N(-d) into *neg, given pdf = n(d). */
static inline void ncdf2(double d, double pdf, double *pos, double *neg)
{
	double t = tail(fabs(d), pdf);
	if (d < 0) {
		*pos = t;
		*neg = 1.0 - t;
	} else {
		*neg = t;
		*pos = 1.0 - t;
	}
}

double td_bsm_ncdf(double x)
{
	if (isnan(x))
		return x;
	double pos, neg;
	ncdf2(x, td_bsm_npdf(x), &pos, &neg);
	return pos;
}

/* d1, d2, their densities and N(+-d1), N(+-d2), shared by the price and every Greek. */
struct pass {
	double d1, d2, n1, n2;
	double N1, Nm1, N2, Nm2;   /* N(d1), N(-d1), N(d2), N(-d2) */
	double e1, e2;             /* erf(d/sqrt 2) where |d| < 1, else 0 */
	double gap;                /* A - B, computed from x near the money */
	double call, put;
};

/*
 * The Mills ratio R(d) = N(d)/n(d) grows by R(s - a) - R(-a) over [-a, s - a]:
 * a sum of positive terms s^k/k! M_k with M_k = R^(k)(-a) =
 * int_0^inf t^k e^{-at - t^2/2} dt > 0, related by M_{k+1} = k M_{k-1} - a M_k.
 * Used for 0 < s <= a/4, where the terms fall at least like (s/a)^k; the
 * count below is what 1e-17 needs at that ratio.
 */
static int mills_terms(double a, double s)
{
	double ratio = s / a;
	return ratio <= 1e-4 ? 5 : ratio <= 1e-2 ? 9 : ratio <= 0.1 ? 18 : 29;
}

/*
 * R(s - a) - R(-a) for 3 <= a <= 1000.  The recurrence subtracts going up,
 * so it runs down (Miller's algorithm), where it only adds: from m_N = 1
 * and m_{N+1} = the large-k ratio M_{k+1}/M_k ~ (sqrt(a^2 + 4k) - a)/2,
 * down to m_0; the unknown scale cancels against M_0 = R(-a), itself found
 * from M_1 = 1 - a M_0 as m_0 / (a m_0 + m_1).  N covers both the terms
 * and the steps the run needs to forget its start (fewer for large a);
 * the counts were checked against 50-digit arithmetic to 3e-16.
 */
static double mills_down(double a, double s)
{
	int n = mills_terms(a, s);
	int forget = a >= 12 ? 9 : a >= 8 ? 13 : a >= 6 ? 18 : a >= 4 ? 28 : 40;
	if (n < forget)
		n = forget;
	/* hi = m_{k+1}, cur = m_k, acc = sum_{j>=k} s^(j-k+1) (k-1)!/j! m_j, all unscaled */
	double hi = 0.5 * (sqrt(a * a + 4.0 * (n + 1)) - a), cur = 1.0, acc = 0.0;
	for (int k = n; k >= 1; k--) {
		double ik = 1.0 / k;
		acc = s * ik * (cur + acc);
		double lo = (hi + a * cur) * ik;
		hi = cur;
		cur = lo;
	}
	return acc / (a * cur + hi);
}

/* R(s - a)/R(-a) - 1 for 0 < a < 3, given R0 = R(-a): the recurrence upwards, which loses under a digit here. */
static double mills_up(double a, double s, double R0)
{
	int n = mills_terms(a, s);
	double prev = R0, cur = 1.0 - a * R0;
	double c = s, sum = s * cur;   /* c = s^k/k! */
	for (int k = 1; k < n; k++) {
		double next = k * prev - a * cur;
		prev = cur;
		cur = next;
		c *= s / (k + 1);
		sum += c * cur;
		if (c * cur <= 1e-17 * sum)
			break;
	}
	return sum / R0;
}

/*
 * The out-of-the-money price from a pass: the call A N(d1) - B N(d2) when
 * x = ln(A/B) < 0, else the put B N(-d2) - A N(-d1); s = d1 - d2.  An1 is
 * A n(d1), passed in so the normalised form can avoid its underflow.
 *
 * Taken as it stands, the difference loses digits where d1 and d2 are
 * close relative to their size (far from the money, or s small): with
 * a = -d2 (call) or d1 (put), about log10(a/s) digits, on top of the a^2
 * ulps each N(d) carries from the rounding of d.  So:
 *   s <= a/4:   A n(d1) times the growth of the Mills ratio (a >= 3), or
 *               B N(d2) or A N(-d1) times its relative growth (a < 3),
 *               no subtraction either way;
 *   a < 1:      near the money, +-(A - B)/2 computed from x, plus
 *               (A erf(d1/sqrt2) - B erf(d2/sqrt2))/2, all terms of the
 *               size of the result (here |d1|, |d2| < 1);
 *   otherwise:  the plain difference, which then loses under a digit.
 */
static double otm_price(double x, double s, double A, double B, double An1, const struct pass *p)
{
	bool call = x < 0;
	double a = call ? -p->d2 : p->d1;
	if (s <= 0.25 * a) {
		/* call: A n(d1) (R(d1) - R(d2)) = B N(d2) (R(d1)/R(d2) - 1); put: A n(d1) (R(-d2) - R(-d1)) */
		if (a >= 3.0)
			return a <= 1000.0 ? An1 * mills_down(a, s) : 0.0;
		/* the density afresh at the same rounded d as Na, so that R(-a) = Na/na is right to an ulp or two */
		double Na = call ? p->N2 : p->Nm1, na = td_bsm_npdf(a);
		return (call ? B : A) * Na * mills_up(a, s, Na / na);
	}
	double v;
	if (a < 1.0)
		v = 0.5 * ((call ? p->gap : -p->gap) + (A * p->e1 - B * p->e2));
	else
		v = call ? A * p->N1 - B * p->N2 : B * p->Nm2 - A * p->Nm1;
	return fmax(v, 0.0);
}

/* N(d), N(-d) into *pos, *neg, and erf(d/sqrt 2) into *e when |d| < 1, where erf is the accurate way. */
static inline void ncdf_near(double d, double pdf, double *pos, double *neg, double *e)
{
	if (fabs(d) < 1.0) {
		*e = erf(d * SQRT1_2_HI);
		*pos = 0.5 + 0.5 * *e;
		*neg = 0.5 - 0.5 * *e;
	} else {
		ncdf2(d, pdf, pos, neg);
	}
}

/*
 * d1, d2, densities, N values and A - B, for x = ln(A/B) and s = sigma
 * sqrt(T) > 0.  Only the density of the d nearer 0 takes an exp; the
 * other follows from A n(d1) = B n(d2) (it only has to be good to a few
 * ulps, and cannot wrongly underflow that way).
 */
static void pass_d(double x, double s, double A, double B, struct pass *p)
{
	double h = x / s, t = 0.5 * s;
	p->d1 = h + t;
	p->d2 = h - t;
	p->e1 = p->e2 = 0.0;   /* read only where |d1|, |d2| < 1 (otm_price), but never left undefined */
	if (x < 0) {
		p->n1 = td_bsm_npdf(p->d1);
		p->n2 = p->n1 * (A / B);
	} else {
		p->n2 = td_bsm_npdf(p->d2);
		p->n1 = p->n2 * (B / A);
	}
	ncdf_near(p->d1, p->n1, &p->N1, &p->Nm1, &p->e1);
	ncdf_near(p->d2, p->n2, &p->N2, &p->Nm2, &p->e2);
	/* A - B = B (e^x - 1): near the money the plain difference would carry the rounding of A and B */
	p->gap = fabs(x) < 0.5 ? B * expm1(x) : A - B;
}

/* ln(U/K), exact in U - K near the money (U - K is exact there, Sterbenz). */
static double log_moneyness(double U, double K)
{
	double m = U / K;
	return m > 0.5 && m < 2.0 ? log1p((U - K) / K) : log(m);
}

/*
 * Fill g from o.  0: valid.  1: the limit case T == 0 or sigma == 0 with
 * everything else valid (g is filled with s = 0).  -1: invalid.
 */
static int setup(const td_opt *o, struct gbs *g)
{
	if (o->right != TD_CALL && o->right != TD_PUT)
		return -1;
	if (o->model != TD_MODEL_BSM && o->model != TD_MODEL_BLACK76)
		return -1;
	g->black76 = o->model == TD_MODEL_BLACK76;
	double q = g->black76 ? 0.0 : o->q;
	if (!isfinite(o->S) || !isfinite(o->K) || !isfinite(o->T) || !isfinite(o->r) || !isfinite(q) ||
	    !isfinite(o->sigma))
		return -1;
	if (o->S <= 0 || o->K <= 0 || o->T < 0 || o->sigma < 0)
		return -1;
	g->w = o->right == TD_CALL ? 1.0 : -1.0;
	g->U = o->S;
	g->K = o->K;
	g->T = o->T;
	g->r = o->r;
	g->sigma = o->sigma;
	g->b = g->black76 ? 0.0 : o->r - q;
	g->sqrtT = sqrt(o->T);
	g->s = o->sigma * g->sqrtT;
	g->dr = exp(-o->r * o->T);
	g->dq = g->black76 ? g->dr : exp(-q * o->T);
	g->A = g->U * g->dq;
	g->B = g->K * g->dr;
	g->x = log_moneyness(g->U, g->K) + g->b * o->T;
	return o->T == 0 || o->sigma == 0 ? 1 : 0;
}

/* One pass of the general formula: the out-of-the-money price, the other by parity. */
static void compute(const struct gbs *g, struct pass *p)
{
	pass_d(g->x, g->s, g->A, g->B, p);
	double otm = otm_price(g->x, g->s, g->A, g->B, g->A * p->n1, p);
	if (g->x < 0) {
		p->call = otm;
		p->put = otm - p->gap;
	} else {
		p->put = otm;
		p->call = otm + p->gap;
	}
}

/* The sigma sqrt(T) -> 0 limit: N(d1) and N(d2) become a step at F = K, n(d1) vanishes. */
static void limit_pass(const struct gbs *g, struct pass *p)
{
	double step = g->x > 0 ? 1.0 : g->x < 0 ? 0.0 : 0.5;
	p->d1 = p->d2 = g->x > 0 ? INFINITY : g->x < 0 ? -INFINITY : 0.0;
	p->n1 = p->n2 = 0.0;
	p->N1 = p->N2 = step;
	p->Nm1 = p->Nm2 = 1.0 - step;
	p->call = fmax(g->A - g->B, 0.0);
	p->put = fmax(g->B - g->A, 0.0);
}

/* Price and Greeks from a pass, in option.h's units; the terms in n(d1) are skipped when it is 0. */
static void greeks_from(const struct gbs *g, const struct pass *p, td_greeks *out)
{
	double w = g->w;
	bool call = w > 0;
	double Nw1 = call ? p->N1 : p->Nm1;   /* N(w d1) */
	double Nw2 = call ? p->N2 : p->Nm2;   /* N(w d2) */
	double price = call ? p->call : p->put;
	double carry = g->b - g->r;           /* -q, or -r for Black-76 */

	double delta = w * g->dq * Nw1;
	double theta = -w * carry * g->A * Nw1 - w * g->r * g->B * Nw2;
	double rho = g->black76 ? -g->T * price : w * g->T * g->B * Nw2;
	double charm = -g->dq * w * carry * Nw1;
	double gamma = 0, vega = 0, vanna = 0, vomma = 0;
	if (p->n1 != 0) {
		double n1 = p->n1;
		gamma = g->dq * n1 / (g->U * g->s);
		vega = g->A * n1 * g->sqrtT;
		theta -= g->A * n1 * g->sigma / (2.0 * g->sqrtT);
		charm -= g->dq * (n1 * g->b / g->s - n1 * p->d2 / (2.0 * g->T));
		vanna = -g->dq * n1 * p->d2 / g->sigma;
		vomma = vega * p->d1 * p->d2 / g->sigma;
	}
	out->price = price;
	out->delta = delta;
	out->gamma = gamma;
	out->theta = theta / TD_BSM_DAYS_PER_YEAR;
	out->vega = vega * 0.01;
	out->rho = rho * 0.01;
	out->vanna = vanna * 0.01;
	out->charm = charm / TD_BSM_DAYS_PER_YEAR;
	out->vomma = vomma * 1e-4;
}

/* True when every field of g is finite. */
static bool all_finite(const td_greeks *g)
{
	return isfinite(g->price) && isfinite(g->delta) && isfinite(g->gamma) && isfinite(g->theta) &&
	       isfinite(g->vega) && isfinite(g->rho) && isfinite(g->vanna) && isfinite(g->charm) &&
	       isfinite(g->vomma);
}

int td_bsm_greeks(const td_opt *o, td_greeks *out)
{
	struct gbs g;
	struct pass p;
	int rc = setup(o, &g);
	if (rc == 0) {
		compute(&g, &p);
		greeks_from(&g, &p, out);
		if (all_finite(out))
			return 0;
		if (g.s < 1.0) {
			/* XXX: only reached when S sigma sqrt(T) underflows the Greeks; the limit is the honest answer */
			limit_pass(&g, &p);
			greeks_from(&g, &p, out);
			if (all_finite(out))
				return 0;
		}
	} else if (rc > 0) {
		limit_pass(&g, &p);
		greeks_from(&g, &p, out);
		if (all_finite(out))
			return -1;
	}
	memset(out, 0, sizeof(*out));
	return -1;
}

int td_bsm_price(const td_opt *o, double *price)
{
	struct gbs g;
	struct pass p;
	int rc = setup(o, &g);
	if (rc == 0) {
		compute(&g, &p);
		*price = g.w > 0 ? p.call : p.put;
		if (isfinite(*price))
			return 0;
		if (g.s < 1.0) {
			limit_pass(&g, &p);
			*price = g.w > 0 ? p.call : p.put;
			if (isfinite(*price))
				return 0;
		}
	} else if (rc > 0) {
		limit_pass(&g, &p);
		*price = g.w > 0 ? p.call : p.put;
		if (isfinite(*price))
			return -1;
	}
	*price = 0;
	return -1;
}

double td_bsm_black_normalised(double x, double s, td_right right)
{
	if (isnan(x) || isnan(s) || s < 0 || (right != TD_CALL && right != TD_PUT))
		return NAN;
	double w = right == TD_CALL ? 1.0 : -1.0;
	if (s == 0 || isinf(x) || fabs(x) >= 1400.0)
		return fmax(w * 2.0 * sinh(0.5 * x), 0.0);   /* beyond 1400 the time value is below 1e-300 */
	struct pass p;
	double A = exp(0.5 * x), B = exp(-0.5 * x);
	pass_d(x, s, A, B, &p);
	/* e^{x/2} n(d1) = exp(-(h^2 + t^2)/2) / sqrt(2 pi), which stays representable */
	double otm = otm_price(x, s, A, B, td_bsm_black_normalised_vega(x, s), &p);
	return w * x > 0 ? otm + w * p.gap : otm;   /* the out-of-the-money option is the call when x < 0 */
}

double td_bsm_black_normalised_vega(double x, double s)
{
	if (isnan(x) || isnan(s))
		return NAN;
	if (s <= 0)
		return 0.0;
	double h = x / s;
	return INV_SQRT_2PI * exp(-0.5 * (h * h + 0.25 * s * s));
}
