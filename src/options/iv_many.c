/*
 * td_iv_many: iv.c's implied-volatility solver for an array of options,
 * four at a time in AVX2 vectors (black_v4.h).
 *
 * DESIGN.  The same algorithm as iv.c, lane for lane: td_iv's reduction to
 * Black's normalised form (its logs and expm1 lane by lane through libm),
 * the evaluation of b at s_l or s_u that places the branch, the branch's
 * guess, and Householder steps on the branch's objective until the lane's
 * step is below TOL.  Where iv.c branches, the vector code computes what
 * its lanes need and selects:
 *   - the four guesses share one rational cubic, its ends and slopes
 *     selected per lane, and the lower and upper maps share one evaluation
 *     of Phi(-z), one log and one inverse of Phi;
 *   - each step evaluates b's parts once; the log the lower and upper
 *     objectives need is taken only in their lanes;
 *   - a lane that has converged keeps its s while the others step on.
 * A lane with input td_iv refuses or must think about (any "no IV" reason),
 * or whose evaluation black_v4.h flags (the asymptotic region, erfcx beyond
 * 12, e^q near the subnormals), is solved again by td_iv, whose answer and
 * reason are then the lane's.
 *
 * The results agree with td_iv's to a few ulp of s, not bit for bit: the
 * vector exponent always carries its low part (iv.c's skips it where it
 * costs less than an ulp), and a few products round in another order.
 * tests/unit/test_iv.c runs every test through both entry points.
 */
#include "options/iv.h"

#include <math.h>

#include "options/black_v4.h"

#ifdef TD_V4

#define SQRT_2PI 2.50662827463100050242
#define INV_SQRT_2PI 0.39894228040143267794
#define INV_SQRT2 0.70710678118654752440
#define INV_SQRT_PI 0.56418958354775628695
#define SQRT3 1.73205080756887729353
#define TWO_PI 6.28318530717958647693
#define X_MAX 700.0   /* as iv.c */
#define TOL 1e-5
#define MAX_ITER 12

/* The inputs td_iv takes without a reason to refuse them (its first checks). */
static int lane_plain(const td_opt *o, double price)
{
	return (o->model == TD_MODEL_BSM || o->model == TD_MODEL_BLACK76) && (o->right == TD_CALL || o->right == TD_PUT) &&
	       o->T > 0 && isfinite(o->T) && o->S > 0 && isfinite(o->S) && o->K > 0 && isfinite(o->K) &&
	       isfinite(o->r) && (o->model == TD_MODEL_BLACK76 || isfinite(o->q)) && isfinite(price) && price >= 0;
}

/* ln(a/b) as iv.c's log_ratio: log1p of the exact difference near the money. */
static double log_ratio(double a, double b)
{
	return a > 0.5 * b && a < 2.0 * b ? log1p((a - b) / b) : log(a / b);
}

/* Four options reduced to Black's normalised form: beta of the out-of-the-money call at -|x|. */
struct reduced {
	td_v4 beta, ax, bmax, sqrtT;
	int bad;   /* lane bits for td_iv */
};

/* td_iv's reduction, lane for lane. */
TD_V4_FN void reduce(const td_opt *o, const double *price, struct reduced *R)
{
	const td_v4 zero = _mm256_setzero_pd(), one = v4(1.0);
	double S[4], K[4], T[4], r[4], q[4], pr[4], call[4], bsm[4], xl[4];
	R->bad = 0;
	for (int l = 0; l < 4; l++) {
		static const td_opt dummy = { .right = TD_CALL, .model = TD_MODEL_BSM, .S = 1, .K = 1, .T = 1 };
		const td_opt *p = &o[l];
		pr[l] = price[l];
		if (!lane_plain(p, price[l])) {
			/* an at-the-money stand-in with a price that has an IV keeps the lane's arithmetic in range */
			p = &dummy;
			pr[l] = 0.1;
			R->bad |= 1 << l;
		}
		S[l] = p->S;
		K[l] = p->K;
		T[l] = p->T;
		r[l] = p->r;
		q[l] = p->model == TD_MODEL_BSM ? p->q : 0.0;
		call[l] = p->right == TD_CALL ? -1.0 : 0.0;   /* sign bit set: a blend mask */
		bsm[l] = p->model == TD_MODEL_BSM ? -1.0 : 0.0;
		xl[l] = log_ratio(p->S, p->K);
	}
	td_v4 vS = _mm256_loadu_pd(S), vK = _mm256_loadu_pd(K), vT = _mm256_loadu_pd(T), vr = _mm256_loadu_pd(r);
	td_v4 vq = _mm256_loadu_pd(q), vp = _mm256_loadu_pd(pr), vcall = _mm256_loadu_pd(call), vbsm = _mm256_loadu_pd(bsm);
	td_v4 rT = -vr * vT, qT = -vq * vT;
	td_v4 bad = v4_or(v4_nlt(v4_abs(rT), v4(708.0)), v4_nlt(v4_abs(qT), v4(708.0)));
	td_v4 disc = v4_exp(rT);
	td_v4 x = v4_sel(vbsm, v4_fma(vr - vq, vT, _mm256_loadu_pd(xl)), _mm256_loadu_pd(xl));
	td_v4 fd = vS * v4_sel(vbsm, v4_exp(qT), disc), kd = vK * disc;
	/* z - z is 0 only for finite z; the reasons are td_iv's to give */
	td_v4 fin = (fd - fd) + (kd - kd);
	bad = v4_or(bad, v4_or(_mm256_cmp_pd(v4_abs(x), v4(X_MAX), _CMP_NLE_UQ), _mm256_cmp_pd(fin, zero, _CMP_NEQ_UQ)));
	bad = v4_or(bad, v4_or(v4_nlt(zero, fd), v4_nlt(zero, kd)));
	bad = v4_or(bad, v4_nlt(vp, v4_sel(vcall, fd, kd)));
	td_v4 norm = v4_sqrt(fd) * v4_sqrt(kd), ax = v4_abs(x);
	td_v4 bmax = v4_exp(-0.5 * ax);
	td_v4 itm = v4_sel(vcall, v4_lt(zero, x), v4_lt(x, zero));
	td_v4 e = v4_lanes(expm1, 0.5 * ax, v4_mask(itm) & ~R->bad & ~v4_mask(bad));
	td_v4 intrinsic = v4_and(itm, norm * (e * (2.0 + e) / (one + e)));
	td_v4 tv = vp - intrinsic, beta = tv / norm;
	bad = v4_or(bad, v4_or(v4_nlt(zero, tv), v4_or(v4_nlt(zero, beta), v4_nlt(beta, bmax))));
	R->bad |= v4_mask(bad);
	/* bad lanes: an at-the-money stand-in (beta 0.1) for the solver's arithmetic */
	R->ax = v4_sel(bad, zero, ax);
	R->bmax = v4_sel(bad, one, bmax);
	R->beta = v4_sel(bad, v4(0.1), beta);
	R->sqrtT = v4_sqrt(vT);
}

/* b(x, s) and the pieces the objectives take from it, as iv.c's black_otm in both modes. */
struct bval {
	td_black_v4 p;
	td_v4 e;   /* e^q */
	td_v4 b;   /* b itself (0 or underflowing far below: the lower objective takes ln b) */
};

TD_V4_FN void black_at(td_v4 x, td_v4 s, td_v4 is, td_v4 bmax, struct bval *v)
{
	v->p.bad = _mm256_setzero_pd();
	td_black_v4_parts(x, s, x * is, is, &v->p);
	v->e = td_black_v4_exp(v->p.q, v->p.qlo);
	v->b = v4_sel(v->p.above, v4_fnma(v->e, v->p.c, bmax), v4_fma(v->e, v->p.m, v->p.z));
}

/* iv.c's black_at_inflection: b_c = b(-|x|, sqrt(2|x|)); flags |x| >= 144 (erfcx beyond its table). */
TD_V4_FN td_v4 inflection(td_v4 ax, td_v4 bmax, td_v4 *bad)
{
	td_v4 u = v4_sqrt(ax), v = ax;
	*bad = v4_or(*bad, v4_nlt(u, v4(12.0)));
	td_v4 far = 0.5 * bmax * (1.0 - v4_erfcx(u));
	td_v4 odd = v4(256.0 / 2027025), even = v4(1.0 / 5040);
	static const double co[] = { 128.0 / 135135, 64.0 / 10395, 32.0 / 945, 16.0 / 105, 8.0 / 15, 4.0 / 3, 2.0 };
	static const double ce[] = { 1.0 / 720, 1.0 / 120, 1.0 / 24, 1.0 / 6, 1.0 / 2, 1.0 };
	for (int k = 0; k < 7; k++)
		odd = v4_fma(v, odd, v4(co[k]));
	for (int k = 0; k < 6; k++)
		even = v4_fma(v, even, v4(ce[k]));
	td_v4 near = 0.5 * bmax * v4_fms(u * odd, v4(INV_SQRT_PI), v * even);
	return v4_sel(v4_lt(ax, v4(0.02)), near, far);
}

/* iv.c's rational_cubic_r with `left` a lane mask. */
TD_V4_FN td_v4 cubic_r(td_v4 w, td_v4 dl, td_v4 dr, td_v4 delta, td_v4 d2, td_v4 left)
{
	const td_v4 zero = _mm256_setzero_pd(), one = v4(1.0);
	td_v4 il = one / (delta - dl), ir = one / (dr - delta);
	td_v4 r = (0.5 * w * d2 + dr - dl) * v4_sel(left, il, ir);
	td_v4 mono = (dl + dr) / delta;
	td_v4 rmin = v4_and(v4_and(v4_eq(mono - mono, zero), v4_lt(zero, mono)), mono);
	td_v4 shape = v4_lt((dl - delta) * (dr - delta), zero);
	td_v4 a = (dr - dl) * il, b = (dr - dl) * ir;
	rmin = v4_sel(v4_and(shape, v4_lt(rmin, a)), a, rmin);
	rmin = v4_sel(v4_and(shape, v4_lt(rmin, b)), b, rmin);
	r = v4_sel(v4_le(rmin, r), r, rmin);   /* !(r >= rmin), NaN included, takes rmin */
	return v4_min(r, v4(1e6));
}

/* iv.c's rational_cubic. */
TD_V4_FN td_v4 cubic(td_v4 xv, td_v4 xl, td_v4 xr, td_v4 yl, td_v4 yr, td_v4 dl, td_v4 dr, td_v4 r)
{
	const td_v4 one = v4(1.0);
	td_v4 h = xr - xl, u = (xv - xl) / h, o = one - u;
	td_v4 num = yr * u * u * u + (r * yr - h * dr) * u * u * o + (r * yl + h * dl) * u * o * o + yl * o * o * o;
	td_v4 y = num / (one + (r - 3.0) * u * o);
	return v4_sel(v4_lt(_mm256_setzero_pd(), h), y, 0.5 * (yl + yr));
}

/* iv.c's norm_inv_low_log: Phi^{-1}(p) = num / *den given lp = ln p, both of Acklam's branches selected. */
TD_V4_FN td_v4 norm_inv_low_log(td_v4 lp, td_v4 *den)
{
	const double *a = td_black_acklam[0], *b = td_black_acklam[1], *c = td_black_acklam[2], *d = td_black_acklam[3];
	td_v4 tail = v4_lt(lp, v4(-3.719339664619971));
	td_v4 qt = v4_sqrt(v4_and(tail, -2.0 * lp));
	td_v4 qc = v4_exp(v4_min(v4_andnot(tail, lp), _mm256_setzero_pd())) - 0.5, rc = qc * qc;
	td_v4 dt = v4(d[0]), nt = v4(c[0]), dc = v4(b[0]), nc = v4(a[0]);
	for (int k = 1; k < 4; k++)
		dt = v4_fma(dt, qt, v4(d[k]));
	for (int k = 1; k < 6; k++)
		nt = v4_fma(nt, qt, v4(c[k]));
	for (int k = 1; k < 5; k++)
		dc = v4_fma(dc, rc, v4(b[k]));
	for (int k = 1; k < 6; k++)
		nc = v4_fma(nc, rc, v4(a[k]));
	*den = v4_sel(tail, v4_fma(dt, qt, v4(1.0)), v4_fma(dc, rc, v4(1.0)));
	return v4_sel(tail, nt, nc * qc);
}

/* b''/b' = x^2/s^3 - s/4 */
TD_V4_FN td_v4 curvature(td_v4 ax, td_v4 s)
{
	return ax * ax / (s * s * s) - 0.25 * s;
}

/* The branches of iv.c's iv_otm, as lane masks. */
struct branch {
	td_v4 lower, mid_lo, mid_hi, upper;
};

/* iv.c's initial guess with its bracket, for the lanes' branches; flags what black_v4.h cannot evaluate. */
TD_V4_FN td_v4 guess(td_v4 beta, td_v4 ax, td_v4 bmax, struct branch *B, td_v4 *lo, td_v4 *hi, td_v4 *bad)
{
	const td_v4 zero = _mm256_setzero_pd(), one = v4(1.0), x = -ax;
	td_v4 sc = v4_sqrt(2.0 * ax), ivc = SQRT_2PI / bmax;
	td_v4 bc = inflection(ax, bmax, bad);
	td_v4 low = v4_lt(beta, bc);
	td_v4 sl = v4_fnma(bc, ivc, sc), su = v4_fma(bmax - bc, ivc, sc);
	td_v4 noeval = v4_and(low, v4_nlt(zero, sl));   /* s_l <= 0: b_l = 0, no evaluation */
	td_v4 s1 = v4_sel(low, v4_sel(noeval, sc, sl), su), is1 = one / s1;
	struct bval v;
	black_at(x, s1, is1, bmax, &v);
	td_v4 b1 = v4_andnot(noeval, v.b), v1 = v4_andnot(noeval, v.e * INV_SQRT_2PI), iv1 = one / v1;
	B->lower = v4_and(low, v4_lt(beta, b1));
	B->mid_lo = v4_andnot(B->lower, low);
	B->mid_hi = v4_andnot(low, v4_le(beta, b1));
	B->upper = v4_andnot(v4_or(low, B->mid_hi), _mm256_castsi256_pd(_mm256_set1_epi64x(-1)));
	*bad = v4_or(*bad, v4_andnot(noeval, v.p.bad));

	/* Phi(-z) for the lower map at z = |x|/(sqrt3 s_l), or for the upper one at s_u/2 */
	td_v4 zl = ax * is1 * (1.0 / SQRT3);
	td_v4 z = v4_sel(B->lower, zl, v4_and(B->upper, 0.5 * su));
	*bad = v4_or(*bad, v4_and(v4_or(B->lower, B->upper), v4_nlt(z * INV_SQRT2, v4(12.0))));
	td_v4 g = v4_exp(-0.5 * z * z), phi = INV_SQRT_2PI * g, p = 0.5 * g * v4_erfcx(z * INV_SQRT2);

	/* the lower map's value, slope and curvature at s_l, in beta */
	td_v4 a = TWO_PI * ax / (3.0 * SQRT3);
	td_v4 f1l = 3.0 * a * p * p * phi * z * is1;
	td_v4 f2l = 3.0 * a * p * phi * z * is1 * is1 * v4_fma(2.0 * phi, z, p * (z * z - 2.0));
	td_v4 fl = a * p * p * p;
	td_v4 drl = f1l * iv1, d2l = (f2l - f1l * curvature(ax, s1)) * iv1 * iv1;
	/* the upper map's at s_u */
	td_v4 f1u = -0.5 * phi, f2u = 0.125 * su * phi;
	td_v4 dlu = f1u * iv1, d2u = (f2u - f1u * curvature(ax, su)) * iv1 * iv1;

	/* one rational cubic: its ends, slopes and curvature chosen per branch */
	td_v4 left = v4_or(B->mid_hi, B->upper);
	td_v4 xl = v4_sel(B->lower, zero, v4_sel(B->mid_lo, b1, v4_sel(B->mid_hi, bc, b1)));
	td_v4 xr = v4_sel(B->lower, b1, v4_sel(B->mid_lo, bc, v4_sel(B->mid_hi, b1, bmax)));
	td_v4 yl = v4_sel(B->lower, zero, v4_sel(B->mid_lo, sl, v4_sel(B->mid_hi, sc, p)));
	td_v4 yr = v4_sel(B->lower, fl, v4_sel(B->mid_lo, sc, v4_sel(B->mid_hi, su, zero)));
	td_v4 dl = v4_sel(B->lower, one, v4_sel(B->mid_lo, iv1, v4_sel(B->mid_hi, ivc, dlu)));
	td_v4 dr = v4_sel(B->lower, drl, v4_sel(B->mid_lo, ivc, v4_sel(B->mid_hi, iv1, v4(-0.5))));
	td_v4 d2 = v4_sel(B->lower, d2l, v4_and(B->upper, d2u));
	td_v4 r = cubic_r(xr - xl, dl, dr, (yr - yl) / (xr - xl), d2, left);
	td_v4 f = cubic(beta, xl, xr, yl, yr, dl, dr, r);

	/* the maps' inverses: s = |x|/(sqrt3 z) below, s = 2 z above, z = -Phi^{-1}(f) */
	td_v4 up_ok = v4_and(B->upper, v4_and(v4_lt(zero, f), v4_lt(f, v4(0.5))));
	td_v4 larg = v4_sel(B->lower, 3.0 * SQRT3 * f / (TWO_PI * ax), f);
	td_v4 lg = v4_lanes(log, larg, v4_mask(v4_or(B->lower, up_ok)) & ~v4_mask(*bad));
	td_v4 lp = v4_sel(B->lower, lg / 3.0, lg), den, num = norm_inv_low_log(lp, &den);
	td_v4 s_low = v4_sel(v4_lt(lp, v4(-0.6931471805599453)), -ax * den / (SQRT3 * num), v4(NAN));
	td_v4 s_up = v4_sel(up_ok, -2.0 * num / den, v4(NAN));
	*lo = v4_sel(B->lower, zero, v4_sel(B->mid_lo, sl, v4_sel(B->mid_hi, sc, su)));
	*hi = v4_sel(B->lower, sl, v4_sel(B->mid_lo, sc, v4_sel(B->mid_hi, su, v4(INFINITY))));
	return v4_sel(B->lower, s_low, v4_sel(B->upper, s_up, f));
}

/* One Householder step's terms for the lanes' objectives (iv.c's loop body): the step is 3 n (2 d + p1) / (6 d (d + p1) + p2). */
struct step {
	td_v4 n, d, p1, p2, below;
};

TD_V4_FN void objective(const struct branch *B, td_v4 s, td_v4 ax, td_v4 bmax, td_v4 beta, td_v4 lnbeta, td_v4 ilnbeta,
			td_v4 lncbeta, int active, struct step *st, td_v4 *bad)
{
	const td_v4 one = v4(1.0), zero = _mm256_setzero_pd();
	td_v4 is = one / s, xs2 = ax * ax * is * is;
	td_v4 a2 = xs2 * is - 0.25 * s;
	td_v4 a3 = a2 * a2 - 3.0 * xs2 * is * is - 0.25;
	struct bval v;
	black_at(-ax, s, is, bmax, &v);
	*bad = v4_or(*bad, v.p.bad);
	/* the one log: ln b (or ln m, with ln e^q = q) below, ln(b_max - b) = ln e^q + ln c_u above */
	td_v4 direct = v4_or(v.p.above, _mm256_cmp_pd(v.p.z, zero, _CMP_NEQ_UQ));
	td_v4 cu = 0.5 * (v.p.ex1 + v.p.ex2);
	td_v4 larg = v4_sel(B->lower, v4_sel(direct, v.b, v.p.m), cu);
	td_v4 lg = v4_lanes(log, larg, v4_mask(v4_or(B->lower, B->upper)) & active & ~v4_mask(*bad));
	td_v4 qq = v.p.q + v.p.qlo;

	/* lower: g = 1/ln b - 1/ln beta */
	td_v4 L = v4_sel(direct, lg, qq + lg), bv = SQRT_2PI * v4_sel(direct, v.b / v.e, v.p.m);
	td_v4 el = (lnbeta - L) * ilnbeta, w = L * el, kw = (2.0 + L) * el;
	td_v4 nl = w * bv;
	td_v4 p1l = nl * a2 - kw;
	td_v4 p2l = nl * nl * a3 + 2.0 * w * w + 6.0 * (L + 1.0) * el * el - 3.0 * kw * nl * a2;
	/* upper: g = ln(b_max - beta) - ln(b_max - b) */
	td_v4 c = (qq + lg) - lncbeta, nu = c * (SQRT_2PI * cu);
	td_v4 p1u = nu * a2 + c;
	td_v4 p2u = nu * nu * a3 + 2.0 * c * c + 3.0 * c * nu * a2;
	/* middle: g = b - beta */
	td_v4 nm = beta - v.b;

	st->below = v4_sel(B->lower, v4_lt(L, lnbeta), v4_sel(B->upper, v4_lt(lncbeta, qq + lg), v4_lt(v.b, beta)));
	st->n = v4_sel(B->lower, nl, v4_sel(B->upper, nu, nm));
	st->d = v4_sel(v4_or(B->lower, B->upper), one, v.e * INV_SQRT_2PI);
	st->p1 = v4_sel(B->lower, p1l, v4_sel(B->upper, p1u, nm * a2));
	st->p2 = v4_sel(B->lower, p2l, v4_sel(B->upper, p2u, nm * nm * a3));
}

/* iv.c's iv_otm for four lanes: the total vol s; lanes it cannot solve are added to *badm. */
TD_V4_FN td_v4 solve(td_v4 beta, td_v4 ax, td_v4 bmax, int *badm)
{
	const td_v4 zero = _mm256_setzero_pd(), inf = v4(INFINITY);
	struct branch B;
	td_v4 lo, hi, bad = zero;
	td_v4 s = guess(beta, ax, bmax, &B, &lo, &hi, &bad);
	*badm |= v4_mask(bad);
	td_v4 lb = v4_lanes(log, v4_sel(B.lower, beta, bmax - beta), v4_mask(v4_or(B.lower, B.upper)) & ~*badm);
	td_v4 lnbeta = v4_and(B.lower, lb), ilnbeta = v4(1.0) / lnbeta, lncbeta = v4_and(B.upper, lb);
	int active = 0xf & ~*badm;
	for (int it = 0; it < MAX_ITER && active; it++) {
		td_v4 act = _mm256_castsi256_pd(_mm256_set_epi64x(-(active >> 3 & 1), -(active >> 2 & 1), -(active >> 1 & 1), -(active & 1)));
		td_v4 out = v4_nlt(lo, s);
		out = v4_or(out, v4_nlt(s, hi));   /* a guess or step outside the bracket: bisect */
		td_v4 mid = v4_sel(v4_eq(hi, inf), 2.0 * lo + 1.0, 0.5 * (lo + hi));
		s = v4_sel(v4_and(act, out), mid, s);
		struct step st;
		objective(&B, s, ax, bmax, beta, lnbeta, ilnbeta, lncbeta, active, &st, &bad);
		int nowbad = v4_mask(bad) & active;
		*badm |= nowbad;
		active &= ~nowbad;
		act = v4_andnot(bad, act);
		lo = v4_sel(v4_and(act, st.below), s, lo);
		hi = v4_sel(v4_andnot(st.below, act), s, hi);
		td_v4 ds = 3.0 * st.n * (2.0 * st.d + st.p1) / (6.0 * st.d * (st.d + st.p1) + st.p2);
		td_v4 far = v4_sel(st.below, v4_sel(v4_eq(hi, inf), 2.0 * s, hi), lo);
		ds = v4_sel(v4_eq(ds - ds, zero), ds, 0.5 * (far - s));
		td_v4 sn = s + ds;
		s = v4_sel(act, sn, s);
		active &= ~v4_mask(v4_and(act, v4_le(v4_abs(ds), TOL * sn)));
	}
	return s;
}

/* Blocks of four from the start; returns how many options it did and adds the failures to *failed. */
TD_V4_TARGET static size_t iv_v4(const td_opt *o, const double *price, double *sigma, int *rc, const char **why, size_t n,
				 size_t *failed)
{
	size_t i = 0;
	for (; i + 4 <= n; i += 4) {
		struct reduced R;
		reduce(o + i, price + i, &R);
		td_v4 s = solve(R.beta, R.ax, R.bmax, &R.bad);
		td_v4 ok = v4_and(v4_lt(_mm256_setzero_pd(), s), v4_lt(s, v4(INFINITY)));
		R.bad |= ~v4_mask(ok) & 0xf;
		double sig[4];
		_mm256_storeu_pd(sig, s / R.sqrtT);
		for (int l = 0; l < 4; l++) {
			int r = 0;
			const char *reason = NULL;
			if (R.bad & (1 << l))
				r = td_iv(&o[i + l], price[i + l], &sigma[i + l], &reason);
			else
				sigma[i + l] = sig[l];
			if (rc)
				rc[i + l] = r;
			if (why)
				why[i + l] = reason;
			*failed += r != 0;
		}
	}
	return i;
}

#endif

size_t td_iv_many(const td_opt *o, const double *price, double *sigma, int *rc, const char **why, size_t n)
{
	size_t i = 0, failed = 0;
#ifdef TD_V4
	if (n >= 4 && td_v4_usable())
		i = iv_v4(o, price, sigma, rc, why, n, &failed);
#endif
	for (; i < n; i++) {
		const char *reason = NULL;
		int r = td_iv(&o[i], price[i], &sigma[i], &reason);
		if (rc)
			rc[i] = r;
		if (why)
			why[i] = reason;
		failed += r != 0;
	}
	return failed;
}
