/*
 * Implied volatility by Jaeckel's "Let's Be Rational" (Wilmott 2015).
 *
 * DESIGN
 *
 * Everything happens in Black's normalised form.  With x = ln(F/K) and the
 * total vol s = sigma sqrt(T), an out-of-the-money call (x <= 0) is worth
 *
 *     b(x, s) = e^{x/2} Phi(h + t) - e^{-x/2} Phi(h - t),   h = x/s, t = s/2,
 *
 * times D sqrt(F K).  Every European option reduces to this: subtract the
 * intrinsic value (in price units, as D sqrt(F K) 2 sinh(|x|/2), exact to a
 * few ulp even at the money) and use the put-call symmetry put(x) = call(-x),
 * so x_otm = -|x| always.  b rises from 0 to b_max = e^{x/2}, is convex
 * below the inflection point s_c = sqrt(2|x|) and concave above it, and its
 * derivatives in s are closed forms of the vega b' = e^{-(h^2+t^2)/2} / sqrt(2 pi):
 *
 *     b''/b'  = x^2/s^3 - s/4
 *     b'''/b' = (b''/b')^2 - 3 x^2/s^4 - 1/4
 *
 * The price is black.h's, shared with bsm.c: b = e^q m with
 * q = -(h^2+t^2)/2 carried in double-double and m a Mills ratio difference
 * kept exact by series where it would cancel (black.c), or above the
 * inflection point b = b_max - e^q c, two positive terms in c.
 * ln b = q + ln m is finite even where b is below DBL_MIN.
 *
 * The guess (paper, section 3): the tangent at the inflection point meets 0
 * at s_l = s_c - b_c/b'_c and b_max at s_u = s_c + (b_max - b_c)/b'_c, which
 * splits (0, b_max) into four branches by b_l = b(s_l), b_c = b(s_c),
 * b_u = b(s_u):
 *   - beta < b_l: the lower map f_l(s) = (2 pi |x| / 3^{3/2}) Phi(-|x|/(sqrt3 s))^3
 *     has the same leading asymptotics as b for s -> 0 and a closed-form
 *     inverse; f is interpolated in beta on [0, b_l] by a rational cubic
 *     (Delbourgo-Gregory) with value and slope at both ends (slope 1 at 0)
 *     and the map's curvature at b_l, then s = f_l^{-1}(f);
 *   - b_l <= beta < b_c and b_c <= beta <= b_u: s itself interpolated by
 *     rational cubics through (b_l, s_l), (b_c, s_c), (b_u, s_u) with slopes
 *     1/b' and s'' = 0 at b_c, as it is there;
 *   - beta > b_u: the upper map f_u(s) = Phi(-s/2) (b_max - b ~ 2 Phi(-s/2)
 *     for large s), interpolated on [b_u, b_max] with the curvature at b_u
 *     and slope -1/2 at b_max.
 * The rational cubic's parameter is raised where needed to keep the
 * interpolant monotone and convex or concave like its data.
 *
 * The iteration: Householder's method of order four (Householder(3)),
 *     s += nu (1 + nu g2/2) / (1 + nu (g2 + nu g3/6)),  nu = -g/g', g2 = g''/g', g3 = g'''/g',
 * on a branch-specific objective g that is nearly linear in s where the
 * guess lands:
 *   - lowest branch: g = 1/ln b(s) - 1/ln beta (ln b ~ -x^2/(2 s^2) there),
 *   - upper branch:  g = ln(b_max - beta) - ln(b_max - b(s)),
 *   - middle branches: g = b(s) - beta.
 * The guesses are good to 1e-1..1e-4, so one step leaves 1e-6..1e-16 and a
 * second reaches machine precision.  We stop after a step that moved s by
 * less than TOL = 1e-5 relative (the error left is then of order TOL^4; a
 * looser 1e-4 would save a step on 6 % of the bench mix but leave up to
 * 5e-16, measured, where the second step leaves rounding).  A call costs
 * three evaluations of b: one to place the branch (b_c has closed forms,
 * black_at_inflection) and two steps.  Each step is written with its only
 * division at the end (the 1/ln b and b/b' of the objectives cancel out of
 * it), since the chain of evaluations and steps is latency-bound.  A
 * bracket from the branch limits, tightened by every evaluation, catches a
 * step that would leave it (then bisect); the iteration is capped at
 * MAX_ITER.
 *
 * Phi^{-1} for the two maps is Acklam's rational approximation (relative
 * error ~1e-9, published coefficients); it only shapes the initial guess.
 */
#include "options/iv.h"

#include "options/black.h"

#include <float.h>
#include <math.h>

#define SQRT_2PI 2.50662827463100050242
#define INV_SQRT_2PI 0.39894228040143267794
#define INV_SQRT2 0.70710678118654752440
#define INV_SQRT_PI 0.56418958354775628695
#define SQRT3 1.73205080756887729353
#define TWO_PI 6.28318530717958647693

#define X_MAX 700.0      /* |ln(F/K)| accepted: keeps e^{+-x/2} far from overflow */
#define TOL 1e-5          /* stop after a relative step this small: the error left is ~TOL^4 */
#define MAX_ITER 12

/* ---- special functions ------------------------------------------------- */

/* Phi(-z) for z >= 0, and phi(z) in *density. */
static inline TD_BLACK_INLINE double norm_cdf_neg(double z, double *density)
{
	double g = td_black_expd(-0.5 * z * z);
	*density = INV_SQRT_2PI * g;
	return 0.5 * g * td_black_erfcx(z * INV_SQRT2);
}

/*
 * Phi^{-1}(p) = num / *den for 0 < p <= 0.5 given lp = ln p (Acklam's
 * approximation, ~1e-9 relative), as a ratio so that the caller folds its
 * own division into one: the guess is a chain of dependent operations.
 */
static inline TD_BLACK_INLINE double norm_inv_low_log(double lp, double *den)
{
	const double *a = td_black_acklam[0], *b = td_black_acklam[1], *c = td_black_acklam[2], *d = td_black_acklam[3];
	if (lp < -3.719339664619971) {   /* p < 0.02425 */
		double q = sqrt(-2.0 * lp);
		*den = (((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1.0;
		return ((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5];
	}
	double q = td_black_expd(lp) - 0.5, r = q * q;
	*den = ((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1.0;
	return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q;
}

/* ---- the normalised price of an out-of-the-money call ------------------ */

/* One evaluation of b(x, s) for x <= 0, s > 0: the price or its logarithm, as the objective needs. */
typedef struct bval {
	double b;     /* b(x, s), may underflow to 0 in the far tail (price mode) */
	double vega;  /* b'(s) = e^{-(h^2+t^2)/2} / sqrt(2 pi) (price mode) */
	double lnb;   /* ln b, finite where b underflows (log mode) */
	double bv;    /* b/b' (log mode) */
} bval;

/*
 * b = e^q m (black.h): in log mode e^q is not needed at all (ln b = q + ln m)
 * except above the inflection point, where b = b_max - e^q c or e^q m + z.
 */
static inline TD_BLACK_INLINE void black_otm(double x, double s, double is, double bmax, int log_mode, bval *v)
{
	td_black p;
	td_black_parts(x, s, x * is, is, 0, &p);   /* x * is: h on the solver's critical path without a division */
	if (p.above || p.z != 0) {
		double e = td_black_exp(p.q, p.qlo);
		double b = p.above ? bmax - e * p.c : e * p.m + p.z;
		if (log_mode) {
			v->lnb = log(b);
			v->bv = SQRT_2PI * b / e;
		} else {
			v->b = b;
			v->vega = e * INV_SQRT_2PI;
		}
	} else if (log_mode) {
		v->lnb = p.q + p.qlo + log(p.m);
		v->bv = SQRT_2PI * p.m;
	} else {
		double e = td_black_exp(p.q, p.qlo);
		v->b = e * p.m;
		v->vega = e * INV_SQRT_2PI;
	}
}

/*
 * ln(b_max - b(x, s)) for x <= 0 and s >= sqrt(2|x|), and *wi = (b_max - b)/b'.
 * b_max - b = e^{x/2} Phi(-h-t) + e^{-x/2} Phi(h-t), two positive terms,
 * = e^q (erfcx(v1) + erfcx(v2))/2: no cancellation and no underflow.
 */
static inline TD_BLACK_INLINE double black_otm_compl_log(double x, double s, double is, double *wi)
{
	double h = x * is, t = 0.5 * s;
	double qlo, q = td_black_exponent(x, s, h, is, 0, &qlo);
	double m = 0.5 * (td_black_erfcx((h + t) * INV_SQRT2) + td_black_erfcx((t - h) * INV_SQRT2));
	*wi = SQRT_2PI * m;
	return q + qlo + log(m);
}

double td_iv_black_normalised(double x, double s, double theta)
{
	double ax = fabs(x);
	if (!(s > 0))
		return theta * x > 0 ? td_black_intrinsic(ax) : 0.0;
	if (isinf(s))
		return theta * x > 0 ? exp(0.5 * ax) : exp(-0.5 * ax);
	return td_black_normalised(x, s, theta);
}

/* ---- the initial guess -------------------------------------------------- */

/* The rational cubic through (xl, yl), (xr, yr) with slopes dl, dr and parameter r (r = 3: Hermite cubic). */
static inline TD_BLACK_INLINE double rational_cubic(double xv, double xl, double xr, double yl, double yr, double dl, double dr, double r)
{
	double h = xr - xl, u = (xv - xl) / h, o = 1.0 - u;
	if (!(h > 0))
		return 0.5 * (yl + yr);
	double num = yr * u * u * u + (r * yr - h * dr) * u * u * o + (r * yl + h * dl) * u * o * o + yl * o * o * o;
	return num / (1.0 + (r - 3.0) * u * o);
}

/*
 * The parameter r of that rational cubic on an interval of width w which
 * gives it the second derivative d2 at the left (left != 0) or right end,
 * from y''(left) = 2 (r (delta - dl) + dl - dr) / w and its mirror image;
 * then raised where needed so the curve keeps the data's shape: monotone
 * (Delbourgo-Gregory: r >= (dl + dr) / delta), and convex or concave at both
 * ends when the slopes are (the same relation with y'' = 0).
 */
static inline TD_BLACK_INLINE double rational_cubic_r(double w, double dl, double dr, double delta, double d2, int left)
{
	double il = 1.0 / (delta - dl), ir = 1.0 / (dr - delta);   /* independent divisions, in parallel */
	double r = (0.5 * w * d2 + dr - dl) * (left ? il : ir);
	double rmin = 0, mono = (dl + dr) / delta;
	if (isfinite(mono) && mono > rmin)
		rmin = mono;
	if ((dl - delta) * (dr - delta) < 0) {
		/* comparisons, not fmax, which is a library call on the x86-64 baseline */
		double a = (dr - dl) * il, b = (dr - dl) * ir;
		rmin = a > rmin ? a : rmin;
		rmin = b > rmin ? b : rmin;
	}
	if (!(r >= rmin))
		r = rmin;
	return r < 1e6 ? r : 1e6;
}

/* b''/b' = x^2/s^3 - s/4 */
static inline TD_BLACK_INLINE double curvature(double ax, double s)
{
	return ax * ax / (s * s * s) - 0.25 * s;
}

/* The lower map f_l(s) = (2 pi |x| / 3^{3/2}) Phi(-z)^3, z = |x|/(sqrt3 s), with its first two derivatives. */
static inline TD_BLACK_INLINE double lower_map(double ax, double s, double *d1, double *d2)
{
	double is = 1.0 / s, z = ax * is * (1.0 / SQRT3), phi;
	double p = norm_cdf_neg(z, &phi);
	double a = TWO_PI * ax / (3.0 * SQRT3);
	*d1 = 3.0 * a * p * p * phi * z * is;
	*d2 = 3.0 * a * p * phi * z * is * is * (2.0 * phi * z + p * (z * z - 2.0));
	return a * p * p * p;
}

/*
 * b_c = b(-|x|, sqrt(2|x|)) = b_max (1 - erfcx(u)) / 2 with u = sqrt|x|.
 * Where 1 - erfcx(u) would cancel (it loses 3 bits at |x| = 0.02), the
 * series erfcx(u) = sum (-u)^n / Gamma(n/2 + 1) instead: 1 - erfcx(u) =
 * u (2 + 4 u^2/3 + 8 u^4/15 + ...)/sqrt(pi) - (u^2 + u^4/2! + u^6/3! + ...),
 * the second part at most 0.13 of the first; for u^2 < 0.02 the first
 * terms left out, u^17 2^9/(17!! sqrt(pi)) and u^16/8!, are below 1e-17 of
 * it.  b_c only places the branch and shapes the guess, but it is cheap
 * this way and a full evaluation of b is not.
 */
static inline TD_BLACK_INLINE double black_at_inflection(double ax, double bmax)
{
	if (ax >= 0.02)
		return 0.5 * bmax * (1.0 - td_black_erfcx(sqrt(ax)));
	double v = ax, u = sqrt(ax);
	double odd = 2.0 + v * (4.0 / 3 + v * (8.0 / 15 + v * (16.0 / 105 + v * (32.0 / 945 + v * (64.0 / 10395 +
		     v * (128.0 / 135135 + v * (256.0 / 2027025)))))));
	double even = 1.0 + v * (1.0 / 2 + v * (1.0 / 6 + v * (1.0 / 24 + v * (1.0 / 120 + v * (1.0 / 720 + v * (1.0 / 5040))))));
	return 0.5 * bmax * (u * odd * INV_SQRT_PI - v * even);
}

/* ---- the iteration ------------------------------------------------------- */

enum objective { OBJ_LOWER, OBJ_MIDDLE, OBJ_UPPER };

/* Total vol s of an out-of-the-money call, x <= 0, 0 < beta < bmax = e^{x/2}. */
static inline TD_BLACK_INLINE double iv_otm(double beta, double x, double bmax)
{
	double ax = -x;
	double sc = sqrt(2.0 * ax);
	/* 1/b'(s_c) (at s_c, h = -t so (h^2 + t^2)/2 = |x|/2), while b_c is still being computed: no division after it */
	double ivc = SQRT_2PI / bmax;
	double bc = black_at_inflection(ax, bmax);
	double s, lo, hi;
	enum objective obj;
	bval v;

	if (beta < bc) {
		double sl = sc - bc * ivc;
		double bl = 0, vl = 0;
		if (sl > 0) {
			black_otm(x, sl, 1.0 / sl, bmax, 0, &v);
			bl = v.b;
			vl = v.vega;
		}
		if (beta < bl) {
			/* f(beta) = f_l(s(beta)): slope 1 at 0, and value, slope, curvature of the map at b_l */
			double f1, f2, fl = lower_map(ax, sl, &f1, &f2);
			double ivl = 1.0 / vl, dr = f1 * ivl, d2 = (f2 - f1 * curvature(ax, sl)) * ivl * ivl;
			double r = rational_cubic_r(bl, 1.0, dr, fl / bl, d2, 0);
			double f = rational_cubic(beta, 0.0, bl, 0.0, fl, 1.0, dr, r);
			double lp = log(3.0 * SQRT3 * f / (TWO_PI * ax)) / 3.0;   /* ln Phi(-z) */
			double den, num = norm_inv_low_log(lp, &den);   /* z = -num/den, s = ax/(sqrt3 z) */
			s = lp < -0.6931471805599453 ? -ax * den / (SQRT3 * num) : NAN;
			lo = 0;
			hi = sl;
			obj = OBJ_LOWER;
		} else {
			double dl = 1.0 / vl, dr = ivc, delta = (sc - sl) / (bc - bl);
			s = rational_cubic(beta, bl, bc, sl, sc, dl, dr, rational_cubic_r(bc - bl, dl, dr, delta, 0.0, 0));
			lo = sl;
			hi = sc;
			obj = OBJ_MIDDLE;
		}
	} else {
		double su = sc + (bmax - bc) * ivc;
		black_otm(x, su, 1.0 / su, bmax, 0, &v);
		double bu = v.b, vu = v.vega;
		if (beta <= bu) {
			double dl = ivc, dr = 1.0 / vu, delta = (su - sc) / (bu - bc);
			s = rational_cubic(beta, bc, bu, sc, su, dl, dr, rational_cubic_r(bu - bc, dl, dr, delta, 0.0, 1));
			lo = sc;
			hi = su;
			obj = OBJ_MIDDLE;
		} else {
			/* f(beta) = f_u(s(beta)) = Phi(-s/2): value, slope, curvature at b_u, slope -1/2 at b_max */
			double phiu, fu = norm_cdf_neg(0.5 * su, &phiu);
			double f1 = -0.5 * phiu, f2 = 0.125 * su * phiu;
			double dl = f1 / vu, dr = -0.5, d2 = (f2 - f1 * curvature(ax, su)) / (vu * vu);
			double r = rational_cubic_r(bmax - bu, dl, dr, -fu / (bmax - bu), d2, 1);
			double f = rational_cubic(beta, bu, bmax, fu, 0.0, dl, dr, r);
			double den = 1.0, num = NAN;
			if (f > 0 && f < 0.5)
				num = norm_inv_low_log(log(f), &den);
			s = -2.0 * num / den;
			lo = su;
			hi = INFINITY;
			obj = OBJ_UPPER;
		}
	}

	double lnbeta = obj == OBJ_LOWER ? log(beta) : 0, ilnbeta = 1.0 / lnbeta;
	double lncbeta = obj == OBJ_UPPER ? log(bmax - beta) : 0;
	for (int it = 0; it < MAX_ITER; it++) {
		if (!(s > lo && s < hi))   /* a guess or step outside the bracket: bisect */
			s = isinf(hi) ? 2.0 * lo + 1.0 : 0.5 * (lo + hi);
		double is = 1.0 / s, xs2 = ax * ax * is * is;
		double a2 = xs2 * is - 0.25 * s;                    /* b''/b', as curvature() */
		double a3 = a2 * a2 - 3.0 * xs2 * is * is - 0.25;   /* b'''/b' */
		/* the step in nu = n/d, p1 = nu g2 d and p2 = nu^2 g3 d^2, so that d (the vega) divides once */
		double n, d = 1.0, p1, p2;
		int below;   /* b(s) < beta */
		if (obj == OBJ_LOWER) {
			/*
			 * g2 = a2 - k u, g3 = a3 + (2 + 6 (1 + 1/L)/L) u^2 - 3 k u a2 with
			 * u = b'/b, L = ln b, k = (2 + L)/L; nu u = w below, so the 1/L and
			 * 1/u cancel and the step needs no division but its own.
			 */
			black_otm(x, s, is, bmax, 1, &v);
			double L = v.lnb, e = (lnbeta - L) * ilnbeta, w = L * e, kw = (2.0 + L) * e;
			below = L < lnbeta;
			n = w * v.bv;
			p1 = n * a2 - kw;
			p2 = n * n * a3 + 2.0 * w * w + 6.0 * (L + 1.0) * e * e - 3.0 * kw * n * a2;
		} else if (obj == OBJ_UPPER) {
			/* g2 = a2 + w, g3 = a3 + 2 w^2 + 3 w a2 with w = b'/(b_max - b); nu w = c */
			double wi, lc = black_otm_compl_log(x, s, is, &wi), c = lc - lncbeta;
			below = lc > lncbeta;
			n = c * wi;
			p1 = n * a2 + c;
			p2 = n * n * a3 + 2.0 * c * c + 3.0 * c * n * a2;
		} else {
			black_otm(x, s, is, bmax, 0, &v);
			below = v.b < beta;
			n = beta - v.b;
			d = v.vega;
			p1 = n * a2;
			p2 = n * n * a3;
		}
		if (below)
			lo = s;
		else
			hi = s;
		/* nu (1 + g2 nu/2) / (1 + nu (g2 + nu g3/6)) times 6 d^2 / (6 d^2): one division */
		double ds = 3.0 * n * (2.0 * d + p1) / (6.0 * d * (d + p1) + p2);
		if (!isfinite(ds))
			ds = 0.5 * ((below ? (isinf(hi) ? 2.0 * s : hi) : lo) - s);
		s += ds;
		if (fabs(ds) <= TOL * s)
			break;
	}
	return s;
}

/* ---- the public functions ------------------------------------------------ */

TD_BLACK_CLONES double td_iv_normalised(double beta, double x, double theta)
{
	if (!isfinite(beta) || !isfinite(x) || fabs(x) > X_MAX || (theta != 1.0 && theta != -1.0))
		return NAN;
	double ax = fabs(x), bmax = td_black_expd(-0.5 * ax);
	double intrinsic = theta * x > 0 ? td_black_intrinsic(ax) : 0.0;
	double tv = beta - intrinsic;
	if (!(tv > 0) || !(tv < bmax))
		return NAN;
	return iv_otm(tv, -ax, bmax);
}

/*
 * ln(a/b) to a few ulp of the result itself: near the money ln of the
 * rounded ratio would carry an absolute error of 1e-16, which a short expiry
 * turns into a large relative error of x/s (and of the price).
 */
static inline TD_BLACK_INLINE double log_ratio(double a, double b)
{
	if (a > 0.5 * b && a < 2.0 * b)
		return log1p((a - b) / b);   /* a - b is exact here */
	return log(a / b);
}

static int fail(const char **why, const char *reason)
{
	if (why)
		*why = reason;
	return -1;
}

TD_BLACK_CLONES int td_iv(const td_opt *o, double price, double *sigma, const char **why)
{
	if (!o || !sigma)
		return fail(why, "no option or no result given");
	if (o->model == TD_MODEL_AMERICAN)
		return fail(why, "american exercise is not supported (european models only)");
	if (o->model != TD_MODEL_BSM && o->model != TD_MODEL_BLACK76)
		return fail(why, "unknown pricing model");
	if (o->right != TD_CALL && o->right != TD_PUT)
		return fail(why, "option right must be call or put");
	if (!(o->T > 0) || !isfinite(o->T))
		return fail(why, "expiry must be positive");
	if (!(o->S > 0) || !isfinite(o->S) || !(o->K > 0) || !isfinite(o->K))
		return fail(why, "underlying and strike must be positive and finite");
	if (!isfinite(o->r) || (o->model == TD_MODEL_BSM && !isfinite(o->q)))
		return fail(why, "rates must be finite");
	if (!isfinite(price) || price < 0)
		return fail(why, "price not finite or negative");

	double disc = td_black_expd(-o->r * o->T);   /* the inline exp bsm.c discounts with: the bounds are the pricer's A and B */
	double x = log_ratio(o->S, o->K), fd, kd = o->K * disc;   /* fd, kd: the discounted forward and strike */
	if (o->model == TD_MODEL_BSM) {
		x += (o->r - o->q) * o->T;
		fd = o->S * td_black_expd(-o->q * o->T);
	} else {
		fd = o->S * disc;
	}
	if (!(fabs(x) <= X_MAX) || !(fd > 0) || !(kd > 0) || !isfinite(fd) || !isfinite(kd))
		return fail(why, "moneyness or discounting out of range");

	int call = o->right == TD_CALL;
	if (price >= (call ? fd : kd))
		return fail(why, call ? "price at or above the upper bound (the discounted forward for a call)"
				      : "price at or above the upper bound (the discounted strike for a put)");
	/*
	 * The intrinsic value D |F - K| as D sqrt(F K) 2 sinh(|x|/2): relative
	 * accuracy near the money, where fd - kd would lose digits to cancellation.
	 */
	double norm = sqrt(fd) * sqrt(kd), ax = fabs(x), bmax = td_black_expd(-0.5 * ax);
	double intrinsic = 0;
	if (call ? x > 0 : x < 0)
		intrinsic = norm * td_black_intrinsic(ax);
	if (price < intrinsic)
		return fail(why, "price below intrinsic value");
	double tv = price - intrinsic;
	if (!(tv > 0))
		return fail(why, "price has no time value (at intrinsic value)");

	/* the time value is an out-of-the-money call at -|x| in normalised units */
	double beta = tv / norm;
	if (!(beta > 0))
		return fail(why, "time value too small to imply a volatility");
	if (!(beta < bmax))
		return fail(why, call ? "price at or above the upper bound (the discounted forward for a call)"
				      : "price at or above the upper bound (the discounted strike for a put)");
	double s = iv_otm(beta, -ax, bmax);
	if (!(s > 0) || !isfinite(s))
		return fail(why, "no implied volatility found");
	*sigma = s / sqrt(o->T);
	return 0;
}
