/*
 * Black's normalised price for four options at once: black.h's formulas on
 * AVX2 vectors, for the batch entry points td_bsm_greeks_many (bsm_many.c)
 * and td_iv_many (iv_many.c).  Internal to src/options.
 *
 * The scalar code is latency-bound: one option is a chain of dependent
 * operations (a log, divisions, an exp, polynomials) that keeps few of the
 * CPU's units busy.  Four independent options in the four lanes of a vector
 * fill them.  Each lane follows the scalar formulas operation for operation
 * (fused multiply-adds where the scalar x86-64-v3 clone fuses), so a lane
 * agrees with the scalar result to a few ulp; where the scalar code branches
 * by region, the vector code computes the regions its lanes need and
 * selects per lane.  What the vector path does not cover (black.h's
 * asymptotic region, erfcx beyond 12, exponents where e^q may be subnormal,
 * invalid input) it flags in a lane mask, and the caller redoes those lanes
 * with the scalar function: rare regions cost as before, and answers never
 * differ in kind.
 *
 * Built only for x86-64 with gcc or clang (TD_V4), with the functions
 * compiled for AVX2 and FMA by attribute, so the rest of the build stays on
 * the baseline; callers check the CPU at run time (td_v4_usable).  The
 * exact-error formulas below spell out their fused operations and keep each
 * product that must stay rounded in its own statement: gcc in ISO C mode
 * fuses nothing by itself, clang (-ffp-contract=on) only within one
 * expression, so the formulas hold under both.
 */
#ifndef TD_BLACK_V4_H
#define TD_BLACK_V4_H

#include "options/black.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define TD_V4 1

#include <immintrin.h>

#define TD_V4_TARGET __attribute__((target("avx2,fma")))
#define TD_V4_FN static inline __attribute__((target("avx2,fma"), always_inline))

typedef __m256d td_v4;

/* True when this CPU runs the vector path (AVX2 and FMA). */
static inline int td_v4_usable(void)
{
	return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}

TD_V4_FN td_v4 v4(double a) { return _mm256_set1_pd(a); }
/* m ? a : b, lane by lane (m a comparison's mask) */
TD_V4_FN td_v4 v4_sel(td_v4 m, td_v4 a, td_v4 b) { return _mm256_blendv_pd(b, a, m); }
TD_V4_FN td_v4 v4_lt(td_v4 a, td_v4 b) { return _mm256_cmp_pd(a, b, _CMP_LT_OQ); }
TD_V4_FN td_v4 v4_le(td_v4 a, td_v4 b) { return _mm256_cmp_pd(a, b, _CMP_LE_OQ); }
TD_V4_FN td_v4 v4_eq(td_v4 a, td_v4 b) { return _mm256_cmp_pd(a, b, _CMP_EQ_OQ); }
/* not (a < b): true for NaN too, which is what a "bad lane" test wants */
TD_V4_FN td_v4 v4_nlt(td_v4 a, td_v4 b) { return _mm256_cmp_pd(a, b, _CMP_NLT_UQ); }
TD_V4_FN td_v4 v4_and(td_v4 a, td_v4 b) { return _mm256_and_pd(a, b); }
TD_V4_FN td_v4 v4_or(td_v4 a, td_v4 b) { return _mm256_or_pd(a, b); }
TD_V4_FN td_v4 v4_andnot(td_v4 a, td_v4 b) { return _mm256_andnot_pd(a, b); }   /* b and not a */
TD_V4_FN td_v4 v4_abs(td_v4 a) { return _mm256_andnot_pd(v4(-0.0), a); }
TD_V4_FN td_v4 v4_min(td_v4 a, td_v4 b) { return _mm256_min_pd(a, b); }
TD_V4_FN td_v4 v4_fma(td_v4 a, td_v4 b, td_v4 c) { return _mm256_fmadd_pd(a, b, c); }    /* a b + c */
TD_V4_FN td_v4 v4_fms(td_v4 a, td_v4 b, td_v4 c) { return _mm256_fmsub_pd(a, b, c); }    /* a b - c */
TD_V4_FN td_v4 v4_fnma(td_v4 a, td_v4 b, td_v4 c) { return _mm256_fnmadd_pd(a, b, c); }  /* c - a b */
TD_V4_FN td_v4 v4_sqrt(td_v4 a) { return _mm256_sqrt_pd(a); }
TD_V4_FN int v4_any(td_v4 m) { return _mm256_movemask_pd(m) != 0; }
TD_V4_FN int v4_mask(td_v4 m) { return _mm256_movemask_pd(m); }

/*
 * f (libm's log, log1p or expm1) lane by lane, for the lanes set in mask
 * (the others 0): more accurate than a vector version at hand, and lanes
 * that do not need it skip the call.
 */
TD_V4_FN td_v4 v4_lanes(double (*f)(double), td_v4 a, int mask)
{
	double v[4];
	_mm256_storeu_pd(v, a);
	for (int l = 0; l < 4; l++)
		v[l] = mask & (1 << l) ? f(v[l]) : 0.0;
	return _mm256_loadu_pd(v);
}

/* rows a0..a3 (one per lane) into columns c[0..3] */
TD_V4_FN void v4_transpose(td_v4 a0, td_v4 a1, td_v4 a2, td_v4 a3, td_v4 *c)
{
	td_v4 t0 = _mm256_unpacklo_pd(a0, a1), t1 = _mm256_unpackhi_pd(a0, a1);
	td_v4 t2 = _mm256_unpacklo_pd(a2, a3), t3 = _mm256_unpackhi_pd(a2, a3);
	c[0] = _mm256_permute2f128_pd(t0, t2, 0x20);
	c[1] = _mm256_permute2f128_pd(t1, t3, 0x20);
	c[2] = _mm256_permute2f128_pd(t0, t2, 0x31);
	c[3] = _mm256_permute2f128_pd(t1, t3, 0x31);
}

/* black.h's td_black_expd, lane by lane, for -708 < x < 709 (callers flag the rest). */
TD_V4_FN td_v4 v4_exp(td_v4 x)
{
	const td_v4 shift = v4(6755399441055744.0);
	td_v4 kd = v4_fma(x, v4(46.16624130844683), shift);
	__m256i kb = _mm256_castpd_si256(kd);
	kd = kd - shift;
	td_v4 r = v4_fnma(kd, v4(5.9631716539705866e-12), v4_fnma(kd, v4(0.02166084938653512), x));
	td_v4 r2 = r * r;
	td_v4 p = v4_fma(r2, v4_fma(r2, v4_fma(r2, v4(1.0 / 720), v4_fma(r, v4(1.0 / 120), v4(1.0 / 24))),
				    v4_fma(r, v4(1.0 / 6), v4(0.5))), r);
	/* each lane's (hi, rel) pair by a load and a shuffle: faster than a gather on the CPUs at hand */
	__m256i j = _mm256_and_si256(kb, _mm256_set1_epi64x(TD_BLACK_EXP_N - 1));
	__m128d e0 = _mm_loadu_pd(td_black_exp2_tab[_mm256_extract_epi64(j, 0)]);
	__m128d e1 = _mm_loadu_pd(td_black_exp2_tab[_mm256_extract_epi64(j, 1)]);
	__m128d e2 = _mm_loadu_pd(td_black_exp2_tab[_mm256_extract_epi64(j, 2)]);
	__m128d e3 = _mm_loadu_pd(td_black_exp2_tab[_mm256_extract_epi64(j, 3)]);
	td_v4 e02 = _mm256_set_m128d(e2, e0), e13 = _mm256_set_m128d(e3, e1);
	td_v4 hi = _mm256_unpacklo_pd(e02, e13), rel = _mm256_unpackhi_pd(e02, e13);
	__m256i pow2 = _mm256_slli_epi64(_mm256_srli_epi64(kb, 5), 52);
	td_v4 scale = _mm256_castsi256_pd(_mm256_add_epi64(_mm256_castpd_si256(hi), pow2));
	return v4_fma(scale, v4_fma(rel, p + 1.0, p), scale);
}

/*
 * black.h's td_black_erfcx for 0 <= u < 12 lane by lane; callers flag the
 * rest, which is clamped into the table here (NaN too) so that no lane
 * reads outside it.
 */
TD_V4_FN td_v4 v4_erfcx(td_v4 u)
{
	u = _mm256_max_pd(_mm256_min_pd(u, v4(11.999999999999998)), _mm256_setzero_pd());   /* min(NaN, c) is c */
	__m128i i = _mm256_cvttpd_epi32(u * 4.0);
	td_v4 v = v4_fnma(v4(0.25), _mm256_cvtepi32_pd(i), u) - 0.125, v2 = v * v, v4_ = v2 * v2;
	const double *r0 = td_black_erfcx_tab[_mm_extract_epi32(i, 0)], *r1 = td_black_erfcx_tab[_mm_extract_epi32(i, 1)];
	const double *r2 = td_black_erfcx_tab[_mm_extract_epi32(i, 2)], *r3 = td_black_erfcx_tab[_mm_extract_epi32(i, 3)];
	td_v4 c[TD_BLACK_ERFCX_DEG + 1];
	/* each lane's row in three loads of four, transposed into coefficient vectors (a gather is slower) */
#pragma GCC unroll 3
	for (int k = 0; k <= TD_BLACK_ERFCX_DEG; k += 4)
		v4_transpose(_mm256_loadu_pd(r0 + k), _mm256_loadu_pd(r1 + k), _mm256_loadu_pd(r2 + k), _mm256_loadu_pd(r3 + k), &c[k]);
	td_v4 p0 = v4_fma(v4_fma(c[3], v, c[2]), v2, v4_fma(c[1], v, c[0]));
	td_v4 p1 = v4_fma(v4_fma(c[7], v, c[6]), v2, v4_fma(c[5], v, c[4]));
	td_v4 p2 = v4_fma(v4_fma(c[11], v, c[10]), v2, v4_fma(c[9], v, c[8]));
	return v4_fma(v4_fma(p2, v4_, p1), v4_, p0);
}

/* black.h's td_black_two_sinh for |y| <= 1/4. */
TD_V4_FN td_v4 v4_two_sinh(td_v4 y)
{
	td_v4 z = y * y;
	td_v4 p = v4_fma(z, v4(1.0 / 1307674368000.0), v4(1.0 / 6227020800.0));
	p = v4_fma(z, p, v4(1.0 / 39916800));
	p = v4_fma(z, p, v4(1.0 / 362880));
	p = v4_fma(z, p, v4(1.0 / 5040));
	p = v4_fma(z, p, v4(1.0 / 120));
	p = v4_fma(z, p, v4(1.0 / 6));
	return 2.0 * v4_fma(y * z, p, y);
}

/* black.h's td_black_erf_series, S(y) for 0 <= y < 1. */
TD_V4_FN td_v4 v4_erf_series(td_v4 y)
{
	const double *c = td_black_erf_c;
	td_v4 y2 = y * y, y4 = y2 * y2, y8 = y4 * y4;
#define PAIR(k) v4_fma(v4(c[(k) + 1]), y, v4(c[k]))
	td_v4 p0 = v4_fma(v4_fma(PAIR(6), y2, PAIR(4)), y4, v4_fma(PAIR(2), y2, PAIR(0)));
	td_v4 p1 = v4_fma(v4_fma(PAIR(14), y2, PAIR(12)), y4, v4_fma(PAIR(10), y2, PAIR(8)));
#undef PAIR
	return v4_fma(p1, y8, p0);
}

/* black.h's td_black_mills_taylor: (Y(h+t) - Y(h-t))/2 for t < TD_BLACK_TAYLOR_T; y0 = sqrt(pi/2) erfcx(-h/sqrt 2). */
TD_V4_FN td_v4 v4_mills_taylor(td_v4 h, td_v4 t, td_v4 y0)
{
	const double (*a)[6] = td_black_taylor_a, (*b)[6] = td_black_taylor_b;
	td_v4 tau = t * t, ht = h * t, xi = ht * ht, A = v4(a[5][0]), B = v4(b[5][0]);
	/* the polynomial in xi for each power of tau (row i has 6 - i terms), then Horner in tau */
#pragma GCC unroll 5
	for (int i = 4; i >= 0; i--) {
		td_v4 pa = v4(a[i][5 - i]), pb = v4(b[i][5 - i]);
#pragma GCC unroll 5
		for (int j = 4 - i; j >= 0; j--) {
			pa = v4_fma(xi, pa, v4(a[i][j]));
			pb = v4_fma(xi, pb, v4(b[i][j]));
		}
		A = v4_fma(tau, A, pa);
		B = v4_fma(tau, B, pb);
	}
	return t * v4_fma(h * y0, B, A);
}

/* b(x, s) in parts for four lanes, as black.h's td_black with masks for its choices. */
typedef struct td_black_v4 {
	td_v4 h, t;
	td_v4 q, qlo;   /* the exponent as a double-double, its low part always computed */
	td_v4 above;    /* mask: b = b_max - e^q c */
	td_v4 m, c, z;
	td_v4 ex1;      /* erfcx(|h + t|/sqrt 2) in every lane (the Greeks and the solver's upper objective use it) */
	td_v4 ex2;      /* erfcx((t - h)/sqrt 2), likewise */
	td_v4 bad;      /* mask: lanes outside the vector path, to be redone by the scalar code */
} td_black_v4;

/* black.h's td_black_exponent with `always` set; flags lanes where e^q may be subnormal. */
TD_V4_FN td_v4 v4_exponent(td_v4 x, td_v4 s, td_v4 h, td_v4 is, td_v4 *lo, td_v4 *bad)
{
	td_v4 t = 0.5 * s;
	td_v4 h2 = h * h, t2 = t * t, sum = h2 + t2;
	*bad = v4_or(*bad, v4_nlt(sum, v4(1400.0)));   /* q <= -700: scalar, which takes the densities afresh */
	td_v4 hs = h * s;
	td_v4 hl = ((x - hs) - v4_fms(h, s, hs)) * is;
	td_v4 h2l = v4_fma(2.0 * h, hl, v4_fms(h, h, h2)), t2l = v4_fms(t, t, t2);
	td_v4 err = v4_sel(v4_le(t2, h2), t2 - (sum - h2), h2 - (sum - t2));
	*lo = -0.5 * (err + h2l + t2l);
	return -0.5 * sum;
}

/* black.h's td_black_erf_near: m and z near the money above the inflection point. */
TD_V4_FN void v4_erf_near(td_v4 x, td_v4 h, td_v4 t, td_v4 *m, td_v4 *z)
{
	td_v4 d1 = h + t, d2 = h - t;
	*m = 0.39894228040143267794 * v4_fms(d1, v4_erf_series(d1 * d1), d2 * v4_erf_series(d2 * d2));
	*z = 0.5 * v4_two_sinh(0.5 * x);
}

/*
 * black.h's td_black_parts for x <= 0, s > 0 in every lane (bad lanes may
 * hold anything: their results are not used).  The regions the lanes of
 * this vector need are computed and selected; the asymptotic region and
 * erfcx arguments of 12 or more are flagged in v->bad.
 */
TD_V4_FN void td_black_v4_parts(td_v4 x, td_v4 s, td_v4 h, td_v4 is, td_black_v4 *v)
{
	const td_v4 zero = _mm256_setzero_pd();
	td_v4 t = 0.5 * s, d1 = h + t;
	v->h = h;
	v->t = t;
	v->q = v4_exponent(x, s, h, is, &v->qlo, &v->bad);
	td_v4 u1 = v4_abs(d1) * 0.70710678118654752440, u2 = (t - h) * 0.70710678118654752440;
	/* u2 >= |u1| (h <= 0 < t) and >= the Taylor region's -h/sqrt 2: one test covers the table's range */
	v->bad = v4_or(v->bad, v4_or(v4_lt(d1, v4(TD_BLACK_ASYM_H)), v4_nlt(u2, v4(12.0))));
	v->ex1 = v4_erfcx(u1);
	v->ex2 = v4_erfcx(u2);
	td_v4 taylor = v4_lt(t, v4(TD_BLACK_TAYLOR_T));
	td_v4 upper = v4_andnot(taylor, v4_lt(zero, d1));   /* above the inflection point, outside the Taylor region */
	td_v4 near = v4_and(upper, v4_lt(t - h, v4(1.0)));
	v->above = v4_andnot(near, upper);
	v->m = v4_sel(upper, zero, 0.5 * (v->ex1 - v->ex2));
	v->c = v4_sel(v->above, 0.5 * (v->ex1 + v->ex2), zero);
	v->z = zero;
	if (v4_any(taylor)) {
		td_v4 y0 = 1.25331413731550025121 * v4_erfcx(v4_abs(h) * 0.70710678118654752440);
		v->m = v4_sel(taylor, 2.0 * 0.39894228040143267794 * v4_mills_taylor(h, t, y0), v->m);
	}
	if (v4_any(near)) {
		td_v4 mn, zn;
		v4_erf_near(x, h, t, &mn, &zn);
		v->m = v4_sel(near, mn, v->m);
		v->z = v4_sel(near, zn, zero);
	}
}

/* e^{q + qlo} for lanes with q > -700. */
TD_V4_FN td_v4 td_black_v4_exp(td_v4 q, td_v4 qlo)
{
	return v4_exp(q) * (1.0 + qlo);
}

#endif
#endif
