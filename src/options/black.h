/*
 * Black's normalised price, the one implementation behind bsm.c (prices and
 * Greeks) and iv.c (the implied-volatility solver).  Internal to
 * src/options: callers outside it use bsm.h and iv.h.
 *
 * With x = ln(F/K) <= 0 and the total vol s = sigma sqrt(T) > 0, the
 * out-of-the-money call is worth, per sqrt(F K) of undiscounted notional,
 *
 *     b(x, s) = e^{x/2} N(h + t) - e^{-x/2} N(h - t),   h = x/s, t = s/2.
 *
 * Writing N(z) = n(z) Y(z) (Y is the Mills ratio) gives b = e^q m with
 * q = -(h^2 + t^2)/2 and m = (Y(h+t) - Y(h-t))/sqrt(2 pi): the large
 * exponent is applied once and never amplified by the cancellation, which
 * stays inside m (black.c says how m is kept exact).  Above the inflection
 * point (h + t > 0, outside the Taylor and asymptotic regions) the
 * complement b_max - b = e^q c, with b_max = e^{x/2}, is the sum of two
 * positive terms and b = b_max - e^q c loses at most a digit; near the
 * money there b = sinh(x/2) + e^q m instead, which loses less.
 *
 * The same quantities give everything the Greeks need: n(h + t) and
 * n(h - t) are e^q e^{-+x/2} / sqrt(2 pi), and the normal tails are
 * N(-|d|) = e^{-d^2/2} erfcx(|d|/sqrt 2) / 2, so no erfc or extra exp.
 */
#ifndef TD_BLACK_H
#define TD_BLACK_H

#include <math.h>
#include <stdint.h>
#include <string.h>

/*
 * The hot entry points of src/options (td_bsm_greeks, td_bsm_price, td_iv
 * and the like) are compiled twice on x86-64: for the baseline and for
 * x86-64-v3 (AVX2 and FMA), and the loader picks one by the CPU (gcc's
 * target_clones, an ifunc, as glibc does for its own libm).  The
 * options files are compiled with -ffp-contract=fast (Makefile), so on v3
 * a*b + c becomes one fused multiply-add: fewer instructions and shorter
 * dependency chains, and never less accurate.  The few exact-error formulas
 * below keep their products rounded with td_black_rounded.  TD_NO_CLONES
 * (the sanitizer builds) leaves only the baseline code, so both are tested.
 * gcc only: clang 14 names the dispatcher name.ifunc, so every caller's
 * declaration would need the attribute; clang builds run the baseline.
 */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(TD_NO_CLONES)
#define TD_BLACK_CLONES __attribute__((target_clones("default", "arch=x86-64-v3")))
#else
#define TD_BLACK_CLONES
#endif

/*
 * For the helpers of a cloned entry point: inlined, they are compiled for
 * each clone's instruction set.  TD_BLACK_RARE and TD_BLACK_COLD mark the
 * out-of-range fallbacks, so that the compiler keeps the values live across
 * their calls in registers on the common path and spills only on the rare one.
 */
#if defined(__GNUC__)
#define TD_BLACK_INLINE __attribute__((always_inline))
#define TD_BLACK_COLD __attribute__((cold))
#define TD_BLACK_RARE(c) __builtin_expect(!!(c), 0)
#else
#define TD_BLACK_INLINE
#define TD_BLACK_COLD
#define TD_BLACK_RARE(c) (c)
#endif

/*
 * v as a rounded double the compiler may not fuse into a later sum: an
 * exact-error formula such as a*b - p needs p = a*b rounded, and
 * -ffp-contract=fast would otherwise compute a*b - a*b exactly (0).
 */
static inline double td_black_rounded(double v)
{
#if defined(__GNUC__) && defined(__x86_64__)
	__asm__("" : "+x"(v));
#elif defined(__GNUC__)
	__asm__("" : "+m"(v));
#endif
	return v;
}

#define TD_BLACK_ERFCX_N 48     /* intervals of width 1/4 on [0, 12) */
#define TD_BLACK_ERFCX_DEG 11   /* polynomial degree per interval */
extern const double td_black_erfcx_tab[TD_BLACK_ERFCX_N][TD_BLACK_ERFCX_DEG + 1];

/* erfcx(u) outside [0, 12): the asymptotic series for u >= 12, the reflection for u < 0, NaN for NaN. */
TD_BLACK_COLD double td_black_erfcx_slow(double u);

/* erfcx(u) = e^{u^2} erfc(u), to about 2e-16 relative on [0, 12) and beyond. */
static inline TD_BLACK_INLINE double td_black_erfcx(double u)
{
	if (TD_BLACK_RARE(!(u >= 0.0 && u < 12.0)))
		return td_black_erfcx_slow(u);
	int i = (int)(u * 4.0);
	const double *c = td_black_erfcx_tab[i];
	double v = u - 0.25 * i - 0.125, v2 = v * v, v4 = v2 * v2;
	/* Estrin's scheme: three independent chains instead of one long Horner chain */
	double p0 = (c[0] + c[1] * v) + (c[2] + c[3] * v) * v2;
	double p1 = (c[4] + c[5] * v) + (c[6] + c[7] * v) * v2;
	double p2 = (c[8] + c[9] * v) + (c[10] + c[11] * v) * v2;
	return p0 + (p1 + p2 * v4) * v4;
}

#define TD_BLACK_EXP_N 32   /* table steps per power of 2 in td_black_expd */
extern const double td_black_exp2_tab[TD_BLACK_EXP_N][2];

/*
 * e^x within 0.55 ulp with fused multiply-adds and 0.77 without (the worst
 * of 4e7 points against long double), inline and without a branch for
 * -708 < x < 709, else libm's exp.  libm's exp is more accurate (0.502)
 * and as fast alone, but as a call it makes the caller save and reload every
 * live floating-point register, which in the Greeks' pass costs more than
 * the exp itself.  x = (32 k + j) ln2/32 + r, |r| <= ln2/64, so
 * e^x = 2^k 2^{j/32} e^r with 2^{j/32} from a table as hi (1 + rel) and
 * e^r - 1 by its Taylor series to r^6 (the first term left out is below
 * 4e-18 relative).
 */
static inline TD_BLACK_INLINE double td_black_expd(double x)
{
	if (TD_BLACK_RARE(!(x > -708.0 && x < 709.0)))
		return exp(x);
	const double shift = 6755399441055744.0;   /* 1.5 * 2^52: adding it rounds to an integer held in the low bits */
	const double n_ln2 = 46.16624130844683;   /* 32 / ln 2 */
	const double ln2_n_hi = 0.02166084938653512, ln2_n_lo = 5.9631716539705866e-12;   /* ln2/32 = hi + lo, hi with 21 low bits 0: hi * k exact */
	double kd = x * n_ln2 + shift;
	uint64_t kb;
	memcpy(&kb, &kd, sizeof(kb));
	kd -= shift;
	double r = (x - kd * ln2_n_hi) - kd * ln2_n_lo;
	double r2 = r * r;
	double p = r + r2 * ((0.5 + r * (1.0 / 6)) + r2 * ((1.0 / 24 + r * (1.0 / 120)) + r2 * (1.0 / 720)));
	const double *t = td_black_exp2_tab[kb % TD_BLACK_EXP_N];
	uint64_t tb;
	memcpy(&tb, &t[0], sizeof(tb));
	tb += (kb >> 5) << 52;   /* the power of 2 into the exponent field (mod 2^64: k may be negative) */
	double scale;
	memcpy(&scale, &tb, sizeof(scale));
	return scale + scale * (p + t[1] * (1.0 + p));
}

/*
 * a*b - p exactly, where p = a*b rounded and |a|, |b| < 1e300: fma where the
 * target has it in hardware (not the x86-64 baseline, where fma() is a slow
 * library call), else Dekker's product.
 */
static inline double td_black_prod_err(double a, double b, double p)
{
#ifdef FP_FAST_FMA
	return fma(a, b, -p);
#else
	const double split = 134217729.0;   /* 2^27 + 1 */
	double ca = td_black_rounded(split * a), cb = td_black_rounded(split * b);
	double ah = ca - (ca - a), al = a - ah, bh = cb - (cb - b), bl = b - bh;
	return ((ah * bh - p) + ah * bl + al * bh) + al * bl;
#endif
}

/* a*a - p exactly, where p = a*a rounded: td_black_prod_err with one split. */
static inline double td_black_sq_err(double a, double p)
{
#ifdef FP_FAST_FMA
	return fma(a, a, -p);
#else
	const double split = 134217729.0;
	double ca = td_black_rounded(split * a), ah = ca - (ca - a), al = a - ah;
	return ((ah * ah - p) + 2.0 * ah * al) + al * al;
#endif
}

/*
 * ln(a/b) for a, b > 0, to about an ulp of the result even near a = b, where
 * ln of the rounded ratio m would be off by up to 1e-16 absolute: there
 * a/b = m (1 + (a - m b)/(m b)) and a - m b is exact (Sterbenz, then the
 * product's error), so one division corrects it.  Cheaper than log1p.
 */
static inline TD_BLACK_INLINE double td_black_log_ratio(double a, double b)
{
	double m = a / b;
	if (!(m > 0.5 && m < 2.0 && b < 1e300))
		return log(m);
	double p = td_black_rounded(m * b);
	return log(m) + ((a - p) - td_black_prod_err(m, b, p)) / a;
}

/*
 * Acklam's rational approximation of the inverse normal CDF (published
 * coefficients), for the solvers' initial guess (iv.c, iv_many.c): rows
 * a, b (central region, numerator and denominator) and c, d (tails), each
 * highest power first, zero-padded.
 */
extern const double td_black_acklam[4][6];

/* b(x, s) in parts, from td_black_parts. */
typedef struct td_black {
	double h, t;     /* x/s and s/2 */
	double q, qlo;   /* the exponent -(h^2 + t^2)/2 as a double-double hi + lo */
	int above;       /* 0: b = e^q m + z;  1: b = b_max - e^q c (above the inflection point) */
	double m, c;
	double z;        /* sinh(x/2) near the money above the inflection point (black.c), else 0 */
	double ex1;      /* erfcx(|h + t|/sqrt 2) where the erfcx form was used, else 0 */
	double ex2;      /* erfcx((t - h)/sqrt 2), likewise */
} td_black;

#define TD_BLACK_ASYM_H (-10.0)      /* h + t below: asymptotic series for the Mills ratio difference */
#define TD_BLACK_TAYLOR_T 0.1        /* t below (and h + t above the asymptotic region): Taylor series in t */
#define TD_BLACK_Q_UNDERFLOW (-800.0)   /* e^q is 0 below this whatever the low part */

/* 2 sinh(y) for |y| <= 1/4, by its Taylor series: as accurate as expm1 there, without a library call. */
static inline TD_BLACK_INLINE double td_black_two_sinh(double y)
{
	double z = y * y;
	/* the first term left out, y^17/17!, is below 1e-24 of the result for |y| <= 1/4 */
	double p = 1.0 / 6 + z * (1.0 / 120 + z * (1.0 / 5040 + z * (1.0 / 362880 + z * (1.0 / 39916800 +
		   z * (1.0 / 6227020800.0 + z * (1.0 / 1307674368000.0))))));
	return 2.0 * (y + y * z * p);
}

/* Y(h+t) - Y(h-t) for h + t < TD_BLACK_ASYM_H (black.c): out of line, rare and a loop. */
TD_BLACK_COLD double td_black_mills_asym(double h, double t);

/*
 * (Y(h+t) - Y(h-t)) / 2 for t < TD_BLACK_TAYLOR_T, h <= 0: the odd part of Y's
 * Taylor series in t up to t^11 (at h = 0, the slowest case, the first term
 * left out is t^12/13!! < 1e-17 relative).  Y' = 1 + hY gives
 * Y^(n) = P_n(h) + Q_n(h) Y(h) with P_{n+1} = h P_n + n P_{n-1} (P_0 = 0,
 * P_1 = 1) and the same for Q (Q_0 = 1, Q_1 = h), so the sum is
 * t (A + h Y(h) B) with A, B polynomials in tau = t^2 and xi = (h t)^2 =
 * x^2/4; a[i][j] and b[i][j] are the exact coefficients of tau^i xi^j.
 * A and B do not wait for Y(h), which keeps the latency low.
 */
extern const double td_black_taylor_a[6][6], td_black_taylor_b[6][6];

static inline TD_BLACK_INLINE double td_black_mills_taylor(double h, double t)
{
	const double (*a)[6] = td_black_taylor_a, (*b)[6] = td_black_taylor_b;
	double y0 = 1.25331413731550025121 * td_black_erfcx(-h * 0.70710678118654752440);
	double tau = t * t, ht = h * t, xi = ht * ht;
	/* the polynomial in xi for each power of tau, then Horner in tau (written out: no loops to unroll) */
#define XI_POLY(c, i) (c[i][0] + xi * (c[i][1] + xi * (c[i][2] + xi * (c[i][3] + xi * (c[i][4] + xi * c[i][5])))))
	double a0 = XI_POLY(a, 0), b0 = XI_POLY(b, 0);
#undef XI_POLY
	double a1 = a[1][0] + xi * (a[1][1] + xi * (a[1][2] + xi * (a[1][3] + xi * a[1][4])));
	double b1 = b[1][0] + xi * (b[1][1] + xi * (b[1][2] + xi * (b[1][3] + xi * b[1][4])));
	double a2 = a[2][0] + xi * (a[2][1] + xi * (a[2][2] + xi * a[2][3]));
	double b2 = b[2][0] + xi * (b[2][1] + xi * (b[2][2] + xi * b[2][3]));
	double a3 = a[3][0] + xi * (a[3][1] + xi * a[3][2]), b3 = b[3][0] + xi * (b[3][1] + xi * b[3][2]);
	double a4 = a[4][0] + xi * a[4][1], b4 = b[4][0] + xi * b[4][1];
	double A = a0 + tau * (a1 + tau * (a2 + tau * (a3 + tau * (a4 + tau * a[5][0]))));
	double B = b0 + tau * (b1 + tau * (b2 + tau * (b3 + tau * (b4 + tau * b[5][0]))));
	return t * (A + h * y0 * B);
}

/*
 * S(y) = sum_n y^n / (2n+1)!!, so that erf(d/sqrt 2) = sqrt(2/pi) d e^{-d^2/2} S(d^2):
 * for 0 <= y < 1 the first term left out, y^16/33!!, is below 1e-18.
 * td_black_erf_c[n] = 1/(2n+1)!!.
 */
extern const double td_black_erf_c[16];

static inline TD_BLACK_INLINE double td_black_erf_series(double y)
{
	const double *c = td_black_erf_c;
	double y2 = y * y, y4 = y2 * y2, y8 = y4 * y4;
	/* Estrin: four short chains */
	double p0 = (c[0] + c[1] * y) + (c[2] + c[3] * y) * y2 + ((c[4] + c[5] * y) + (c[6] + c[7] * y) * y2) * y4;
	double p1 = (c[8] + c[9] * y) + (c[10] + c[11] * y) * y2 + ((c[12] + c[13] * y) + (c[14] + c[15] * y) * y2) * y4;
	return p0 + p1 * y8;
}

/*
 * Near the money above the inflection point, d1 = h + t in (0, 1) and
 * d2 = h - t in (-1, 0): N(d) = (1 + erf(d/sqrt 2))/2 gives
 * b = sinh(x/2) + e^q (d1 S(d1^2) - d2 S(d2^2)) / sqrt(2 pi), since
 * e^{+-x/2} e^{-d^2/2} = e^q.  Both terms of m are positive, and
 * sinh(x/2) <= 0 takes off less than the complement form does here.
 */
static inline TD_BLACK_INLINE void td_black_erf_near(double x, double h, double t, td_black *v)
{
	double d1 = h + t, d2 = h - t;
	v->m = 0.39894228040143267794 * (d1 * td_black_erf_series(d1 * d1) - d2 * td_black_erf_series(d2 * d2));
	v->z = 0.5 * td_black_two_sinh(0.5 * x);
}

/*
 * q = -(h^2 + t^2)/2 as the double-double q + *lo, for t = s/2, h = x/s as
 * the caller rounded it (x/s, or x times is = 1/s where speed matters more
 * than the last ulp of h) and is = 1/s.  Below q = -1 the rounding of h
 * (x/s = h + hl) and of both squares goes into lo; above it they cost less
 * than an ulp of e^q, and lo is 0 unless `always`: the pricer, whose inputs
 * come in any order, computes it always rather than pay a mispredicted
 * branch; the solver, latency-bound, skips it.  Below TD_BLACK_Q_UNDERFLOW
 * e^q is 0 whatever the low part, and the splits could overflow.
 */
static inline TD_BLACK_INLINE double td_black_exponent(double x, double s, double h, double is, int always, double *lo)
{
	double t = 0.5 * s;
	double h2 = td_black_rounded(h * h), t2 = td_black_rounded(t * t), sum = h2 + t2;
	*lo = 0;
	if ((!always && sum < 2.0) || !(sum < -2.0 * TD_BLACK_Q_UNDERFLOW))
		return -0.5 * sum;
	double hs = td_black_rounded(h * s);
	double hl = ((x - hs) - td_black_prod_err(h, s, hs)) * is;   /* x - hs is exact (Sterbenz) */
	double h2l = td_black_sq_err(h, h2) + 2.0 * h * hl, t2l = td_black_sq_err(t, t2);
	double err = h2 >= t2 ? t2 - (sum - h2) : h2 - (sum - t2);   /* Fast2Sum */
	*lo = -0.5 * (err + h2l + t2l);
	return -0.5 * sum;
}

/*
 * Fill *v for x <= 0 and s > 0 (x may be -inf: then b = 0), h, is and
 * always as for td_black_exponent.  Inline: the common region (two erfcx values) is a
 * few dozen operations, which the call and the stores of *v would double.
 */
static inline TD_BLACK_INLINE void td_black_parts(double x, double s, double h, double is, int always, td_black *v)
{
	double t = 0.5 * s;
	v->h = h;
	v->t = t;
	v->q = td_black_exponent(x, s, h, is, always, &v->qlo);
	v->above = 0;
	v->c = v->z = v->ex1 = v->ex2 = 0;
	if (h + t < TD_BLACK_ASYM_H) {
		v->m = 0.39894228040143267794 * td_black_mills_asym(h, t);
	} else if (t < TD_BLACK_TAYLOR_T) {
		v->m = 2.0 * 0.39894228040143267794 * td_black_mills_taylor(h, t);
	} else {
		double u1 = -(h + t) * 0.70710678118654752440, u2 = (t - h) * 0.70710678118654752440;   /* u1 <= 7.1 < u2 */
		if (u1 < 0 && t - h < 1.0) {
			td_black_erf_near(x, h, t, v);
			return;
		}
		v->ex1 = td_black_erfcx(fabs(u1));
		v->ex2 = td_black_erfcx(u2);
		if (u1 >= 0) {
			v->m = 0.5 * (v->ex1 - v->ex2);
		} else {
			v->above = 1;
			v->m = 0;
			v->c = 0.5 * (v->ex1 + v->ex2);
		}
	}
}

/* e^{q + qlo}, 0 where it underflows. */
static inline double td_black_exp(double q, double qlo)
{
	return td_black_expd(q) * (1.0 + qlo);
}

/* b(x, s) of the out-of-the-money call, x <= 0, s > 0 finite, bmax = e^{x/2}. */
double td_black_otm(double x, double s, double bmax);


/* e^{y/2} - e^{-y/2} = 2 sinh(y/2) for y >= 0, the normalised intrinsic value, without cancellation near 0. */
double td_black_intrinsic(double y);

/*
 * b(x, s) of a call (w = +1) or put (w = -1), any x with |x| <= 1400 and
 * s > 0 finite: the out-of-the-money side at -|x| plus the intrinsic value.
 */
double td_black_normalised(double x, double s, double w);

#endif
