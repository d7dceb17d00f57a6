/*
 * Black-Scholes-Merton and Black-76, price and Greeks in one pass.
 *
 * DESIGN.  Both models go through the generalized formula (bsm.h): one
 * setup turns a td_opt into the carry b, the discounted forward A, the
 * discounted strike B and x = ln(F/K).  The out-of-the-money option (the
 * call when x < 0, else the put) is then sqrt(A B) b(-|x|, s) with Black's
 * normalised function from black.h, the same code the implied-volatility
 * solver inverts, and the other option follows by put-call parity.  The
 * Greeks reuse its pieces: b = e^q m gives the densities,
 * A n(d1) = B n(d2) = sqrt(A B) e^q / sqrt(2 pi), and the normal tails
 * N(-|d|) = e^{-d^2/2} erfcx(|d|/sqrt 2) / 2 come from the same erfcx table
 * (black.c hands back the two values where it computed them), so every
 * Greek is a few multiplications on e^q, two erfcx values and d1, d2.
 *
 *   setup ──▶ td_black_parts(-|x|, s): e^q, m ──▶ otm ──▶ parity ──▶ price
 *                      └─▶ n(d1), N(+-d1), N(+-d2) ─────────────────▶ greeks_from
 *
 * Accuracy decisions.  The out-of-the-money price is free of cancellation
 * (black.c: the large exponent applied once, the Mills ratio difference m
 * by a series where it cancels), never formed from N(d) close to 1.  The
 * tails need no erfc: erfcx is insensitive to the rounding of its argument,
 * and e^{-d^2/2} is e^q e^{-+x/2} (td_bsm_ncdf alone keeps libm's erfc,
 * which is an ulp better).  In the parity A - B is sqrt(A B) 2 sinh(x/2)
 * near the money, so it keeps the relative accuracy of x; ln(U/K) corrects the rounding of U/K
 * near the money (td_black_log_ratio) for the same reason.
 *
 * Cost.  exp(-rT), exp(-qT) and e^q by black.h's inline exp, one libm log;
 * one to three erfcx polynomials; no erfc, erf or expm1 (A - B near the
 * money is sqrt(A B) 2 sinh(x/2) by its series).  The entry points are
 * compiled for the baseline and for x86-64-v3 (black.h), and everything
 * they call on the common path is inlined into each, so the v3 clone runs
 * on fused multiply-adds throughout.  The choices a chain in any order
 * makes unpredictable (in or out of the money, near or far, the low part
 * of the exponent, Black-76 or not) compute both sides and select.
 * tests/bench/bench_bsm.c: best rounds 98-99 ns with the Greeks and
 * 72-75 ns for the price on the development VM in a quiet hour, against
 * 125 and 98 ns before (interleaved runs); doc/options.md has the medians.
 *
 * Degenerate inputs never give NaN: see bsm.h.  The general formulas are
 * used whenever they give finite results; when T or sigma sqrt(T) is so
 * small that they overflow, the zero-volatility limit is used instead.
 */
#include "options/bsm.h"

#include <math.h>
#include <stdbool.h>
#include <string.h>

#include "options/black.h"

#define INV_SQRT_2PI 0.39894228040143267794
#define SQRT_HALF_PI 1.25331413731550025121
#define INV_SQRT2 0.70710678118654752440
#define SQRT2 1.41421356237309504880
/* 1/sqrt(2) = SQRT1_2_HI + SQRT1_2_LO, the low part from 50-digit arithmetic. */
#define SQRT1_2_HI 0.70710678118654752440
#define SQRT1_2_LO (-4.833646656726457e-17)
/* Beyond this |x|, N(-|x|) is below the least subnormal, so 0. */
#define TAIL_CUT 38.5
/* Beyond this |ln(F/K)| the normalised time value is below 1e-300: the intrinsic value is the answer. */
#define X_NORMALISED_MAX 1400.0
/* Below this exponent e^q may be subnormal, so the nearer density is taken afresh. */
#define Q_SUBNORMAL (-700.0)

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

/*
 * z - z is 0 for a finite z and NaN for an infinite or NaN one, so a sum of
 * such differences is 0 exactly when all the z are finite: one test (and no
 * unpredictable branch) for many values.
 */
static bool finite_all(double sum_of_differences)
{
	return sum_of_differences == 0;
}

/* n(x), with x^2 split exactly so its rounding does not cost x^2 ulps. */
double td_bsm_npdf(double x)
{
	if (!(fabs(x) < 40.0))
		return isnan(x) ? x : 0.0;   /* n(38.6) is below the least subnormal already */
	double hi = td_black_rounded(x * x), lo = td_black_prod_err(x, x, hi);
	return INV_SQRT_2PI * exp(-0.5 * hi) * (1.0 - 0.5 * lo);
}

/*
 * N(-a) for a >= 0: erfc with the rounding of a/sqrt 2 corrected to first
 * order (erfc is conditioned like a^2 in the tail; the correction needs only
 * a few digits, so n(a) stands in for exp(-z^2)).  One libm erfc is more
 * accurate than the erfcx route the Greeks take, and N(x) alone is not hot.
 */
static double tail(double a)
{
	if (!(a < TAIL_CUT))
		return 0.0;
	double z = td_black_rounded(a * SQRT1_2_HI);
	double zlo = td_black_prod_err(a, SQRT1_2_HI, z) + a * SQRT1_2_LO;
	return 0.5 * erfc(z) - SQRT2 * td_bsm_npdf(a) * zlo;
}

double td_bsm_ncdf(double x)
{
	if (isnan(x))
		return x;
	double t = tail(fabs(x));
	return x < 0 ? t : 1.0 - t;
}

/*
 * Fill g from o.  0: valid.  1: the limit case T == 0 or sigma == 0 with
 * everything else valid (g is filled with s = 0).  -1: invalid.
 */
static inline TD_BLACK_INLINE int setup(const td_opt *o, struct gbs *g)
{
	if (o->right != TD_CALL && o->right != TD_PUT)
		return -1;
	if (o->model != TD_MODEL_BSM && o->model != TD_MODEL_BLACK76)
		return -1;
	g->black76 = o->model == TD_MODEL_BLACK76;
	/* Black-76 is BSM with q = r: carry 0 and e^{(b-r)T} = e^{-rT} */
	double q = g->black76 ? o->r : o->q;
	if (!finite_all(o->S - o->S + (o->K - o->K) + (o->T - o->T) + (o->r - o->r) + (q - q) + (o->sigma - o->sigma)))
		return -1;
	if (o->S <= 0 || o->K <= 0 || o->T < 0 || o->sigma < 0)
		return -1;
	g->w = o->right == TD_CALL ? 1.0 : -1.0;
	g->U = o->S;
	g->K = o->K;
	g->T = o->T;
	g->r = o->r;
	g->sigma = o->sigma;
	g->b = o->r - q;
	g->sqrtT = sqrt(o->T);
	g->s = o->sigma * g->sqrtT;
	g->dr = td_black_expd(-o->r * o->T);
	g->dq = td_black_expd(-q * o->T);   /* always: a choice here would be a mispredicted branch, costlier than the inline exp */
	g->A = g->U * g->dq;
	g->B = g->K * g->dr;
	g->x = td_black_log_ratio(g->U, g->K) + g->b * o->T;
	return o->T == 0 || o->sigma == 0 ? 1 : 0;
}


/* The out-of-the-money option, sqrt(A B) b(-|x|, s), with the parts of b the Greeks reuse; s > 0. */
struct otm {
	td_black v;
	double P;    /* sqrt(A B), as sqrt(A) sqrt(B) so that A B cannot overflow */
	double is;   /* 1/s */
	double e;    /* e^q */
	double value;
};

static inline TD_BLACK_INLINE void otm_eval(const struct gbs *g, struct otm *o)
{
	double AB = g->A * g->B;
	o->P = AB > 1e-300 && AB < 1e300 ? sqrt(AB) : sqrt(g->A) * sqrt(g->B);   /* one root unless A B would leave the range */
	double xo = -fabs(g->x);
	o->is = 1.0 / g->s;
	td_black_parts(xo, g->s, xo / g->s, o->is, 1, &o->v);   /* x/s: the last ulp of h counts (h^2 conditioning) */
	o->e = td_black_exp(o->v.q, o->v.qlo);
	/* above the inflection point b = b_max - e^q c, and sqrt(A B) b_max = min(A, B) */
	double pe = o->P * o->e;
	o->value = o->v.above ? (g->A < g->B ? g->A : g->B) - pe * o->v.c : pe * o->v.m + o->P * o->v.z;
}

/* The requested option's price: the out-of-the-money one, or it plus w (A - B). */
static inline double price_of(const struct gbs *g, const struct otm *o)
{
	/* A - B = sqrt(A B) 2 sinh(x/2): near the money the plain difference would carry the rounding of A and B */
	double near = o->P * td_black_two_sinh(0.5 * g->x), far = g->A - g->B;
	double gap = fabs(g->x) < 0.5 ? near : far;
	double itm = (g->x < 0) == (g->w > 0) ? 0.0 : g->w;   /* both computed and selected: the choice is random in a chain */
	return o->value + itm * gap;
}

/* What the Greeks need: d1, d2, n(d1), N(w d1), N(w d2), 1/s and the price. */
struct pass {
	double d1, d2, n1;
	double Nw1, Nw2;
	double is;
	double price;
};

/* N(wd) from the tail t = N(-|d|): |0 - t| or |1 - t|, without a branch. */
static inline double ncdf_side(double wd, double t)
{
	return fabs((double)(wd > 0) - t);
}

/*
 * The general pass from the out-of-the-money evaluation: A n(d1) = B n(d2)
 * = sqrt(A B) e^q / sqrt(2 pi), and N(-|d|) = sqrt(pi/2) n(d) erfcx(|d|/sqrt 2),
 * with the erfcx values black.c computed where it did.  At -|x| the d
 * nearer 0 is h + t (d1 for a call out of the money, else -d2); where e^q
 * may be subnormal its density is taken afresh (then |x| is large and the
 * ratio sqrt(B/A) or sqrt(A/B) is what would overflow).
 */
static inline TD_BLACK_INLINE void general_pass(const struct gbs *g, const struct otm *o, struct pass *p)
{
	double hn = o->v.h, t = o->v.t;   /* h at -|x|, so -|x/s| */
	bool call_otm = g->x < 0;         /* then d1 = hn + t, else d1 = -(hn - t) */
	double ex1 = o->v.ex1 != 0 ? o->v.ex1 : td_black_erfcx(fabs(hn + t) * INV_SQRT2);
	double ex2 = o->v.ex2 != 0 ? o->v.ex2 : td_black_erfcx((t - hn) * INV_SQRT2);
	double g0 = INV_SQRT_2PI * o->e, iP = 1.0 / o->P;
	double n_A = g0 * g->B * iP, n_B = g0 * g->A * iP;   /* n(d1) = P g0 / A, n(d2) = P g0 / B */
	double n_near = call_otm ? n_A : n_B, n_far = call_otm ? n_B : n_A;
	if (!(o->v.q > Q_SUBNORMAL))
		n_near = td_bsm_npdf(hn + t);
	double t_near = SQRT_HALF_PI * n_near * ex1, t_far = SQRT_HALF_PI * n_far * ex2;
	double h = call_otm ? hn : -hn;
	p->d1 = h + t;
	p->d2 = h - t;
	p->n1 = call_otm ? n_near : n_far;
	p->Nw1 = ncdf_side(g->w * p->d1, call_otm ? t_near : t_far);
	p->Nw2 = ncdf_side(g->w * p->d2, call_otm ? t_far : t_near);
	p->is = o->is;
	p->price = price_of(g, o);
}

/* The sigma sqrt(T) -> 0 limit: N(d1) and N(d2) become a step at F = K, n(d1) vanishes. */
static inline void limit_pass(const struct gbs *g, struct pass *p)
{
	double step = g->x > 0 ? 1.0 : g->x < 0 ? 0.0 : 0.5;
	p->d1 = p->d2 = g->x > 0 ? INFINITY : g->x < 0 ? -INFINITY : 0.0;
	p->n1 = 0.0;
	p->is = 0.0;
	p->Nw1 = p->Nw2 = g->w > 0 ? step : 1.0 - step;
	p->price = fmax(g->w * (g->A - g->B), 0.0);
}

/* Price and Greeks from a pass, in option.h's units; the terms in n(d1) are skipped when it is 0. */
static inline TD_BLACK_INLINE void greeks_from(const struct gbs *g, const struct pass *p, td_greeks *out)
{
	double w = g->w;
	double Nw1 = p->Nw1, Nw2 = p->Nw2;
	double carry = g->b - g->r;           /* -q, or -r for Black-76 */

	double delta = w * g->dq * Nw1;
	double theta = -w * carry * g->A * Nw1 - w * g->r * g->B * Nw2;
	double rho = g->black76 ? -g->T * p->price : w * g->T * g->B * Nw2;
	double charm = -g->dq * w * carry * Nw1;
	double gamma = 0, vega = 0, vanna = 0, vomma = 0;
	if (p->n1 != 0) {
		/* 1/sigma = sqrt(T)/s and 1/T = (sigma/s)^2: one division for all of them */
		double n1 = p->n1, is = p->is, dqn = g->dq * n1, sis = g->sigma * is, iv = g->sqrtT * is;
		gamma = dqn * is / g->U;
		vega = g->A * n1 * g->sqrtT;
		theta -= 0.5 * g->A * n1 * g->sigma * sis;
		charm -= dqn * (g->b * is - 0.5 * p->d2 * sis * sis);
		vanna = -dqn * p->d2 * iv;
		vomma = vega * p->d1 * p->d2 * iv;
	}
	out->price = p->price;
	out->delta = delta;
	out->gamma = gamma;
	out->theta = theta * (1.0 / TD_BSM_DAYS_PER_YEAR);   /* a product: a division costs more than its half ulp is worth here */
	out->vega = vega * 0.01;
	out->rho = rho * 0.01;
	out->vanna = vanna * 0.01;
	out->charm = charm * (1.0 / TD_BSM_DAYS_PER_YEAR);
	out->vomma = vomma * 1e-4;
}

/* True when every field of g is finite. */
static inline bool all_finite(const td_greeks *g)
{
	return finite_all(g->price - g->price + (g->delta - g->delta) + (g->gamma - g->gamma) + (g->theta - g->theta) +
			  (g->vega - g->vega) + (g->rho - g->rho) + (g->vanna - g->vanna) + (g->charm - g->charm) +
			  (g->vomma - g->vomma));
}

TD_BLACK_CLONES int td_bsm_greeks(const td_opt *o, td_greeks *out)
{
	struct gbs g;
	struct pass p;
	int rc = setup(o, &g);
	if (rc == 0) {
		struct otm v;
		otm_eval(&g, &v);
		general_pass(&g, &v, &p);
		greeks_from(&g, &p, out);
		if (all_finite(out))
			return 0;
		if (g.s < 1.0) {
			/* only reached when S sigma sqrt(T) underflows the Greeks; the limit is the honest answer */
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

TD_BLACK_CLONES int td_bsm_price(const td_opt *o, double *price)
{
	struct gbs g;
	struct pass p;
	int rc = setup(o, &g);
	if (rc == 0) {
		struct otm v;
		otm_eval(&g, &v);
		*price = price_of(&g, &v);
		if (isfinite(*price))
			return 0;
		if (g.s < 1.0) {
			limit_pass(&g, &p);
			*price = p.price;
			if (isfinite(*price))
				return 0;
		}
	} else if (rc > 0) {
		limit_pass(&g, &p);
		*price = p.price;
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
	if (s == 0 || isinf(x) || fabs(x) >= X_NORMALISED_MAX)
		return fmax(w * 2.0 * sinh(0.5 * x), 0.0);
	return td_black_normalised(x, s, w);
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
