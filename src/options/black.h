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

#define TD_BLACK_ERFCX_N 48     /* intervals of width 1/4 on [0, 12) */
#define TD_BLACK_ERFCX_DEG 11   /* polynomial degree per interval */
extern const double td_black_erfcx_tab[TD_BLACK_ERFCX_N][TD_BLACK_ERFCX_DEG + 1];

/* erfcx(u) outside [0, 12): the asymptotic series for u >= 12, the reflection for u < 0, NaN for NaN. */
double td_black_erfcx_slow(double u);

/* erfcx(u) = e^{u^2} erfc(u), to about 2e-16 relative on [0, 12) and beyond. */
static inline double td_black_erfcx(double u)
{
	if (!(u >= 0.0 && u < 12.0))
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
	double ca = split * a, cb = split * b;
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
	double ca = split * a, ah = ca - (ca - a), al = a - ah;
	return ((ah * ah - p) + 2.0 * ah * al) + al * al;
#endif
}

/*
 * ln(a/b) for a, b > 0, to about an ulp of the result even near a = b, where
 * ln of the rounded ratio m would be off by up to 1e-16 absolute: there
 * a/b = m (1 + (a - m b)/(m b)) and a - m b is exact (Sterbenz, then the
 * product's error), so one division corrects it.  Cheaper than log1p.
 */
static inline double td_black_log_ratio(double a, double b)
{
	double m = a / b;
	if (!(m > 0.5 && m < 2.0 && b < 1e300))
		return log(m);
	double p = m * b;
	return log(m) + ((a - p) - td_black_prod_err(m, b, p)) / a;
}

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

/*
 * q = -(h^2 + t^2)/2 as the double-double q + *lo, for t = s/2, h = x/s as
 * the caller rounded it (x/s, or x times is = 1/s where speed matters more
 * than the last ulp of h) and is = 1/s.
 */
double td_black_exponent(double x, double s, double h, double is, double *lo);

/* Fill *v for x <= 0 and s > 0 (x may be -inf: then b = 0), h and is as for td_black_exponent. */
void td_black_parts(double x, double s, double h, double is, td_black *v);

/* e^{q + qlo}, 0 where it underflows. */
static inline double td_black_exp(double q, double qlo)
{
	return exp(q) * (1.0 + qlo);
}

/* b(x, s) of the out-of-the-money call, x <= 0, s > 0 finite, bmax = e^{x/2}. */
double td_black_otm(double x, double s, double bmax);

/* 2 sinh(y) for |y| <= 1/4, by its Taylor series: as accurate as expm1 there, without a library call. */
double td_black_two_sinh(double y);

/* e^{y/2} - e^{-y/2} = 2 sinh(y/2) for y >= 0, the normalised intrinsic value, without cancellation near 0. */
double td_black_intrinsic(double y);

/*
 * b(x, s) of a call (w = +1) or put (w = -1), any x with |x| <= 1400 and
 * s > 0 finite: the out-of-the-money side at -|x| plus the intrinsic value.
 */
double td_black_normalised(double x, double s, double w);

#endif
