/*
 * td_bsm_greeks_many: bsm.c's price and Greeks for an array of options,
 * four at a time in AVX2 vectors (black_v4.h).
 *
 * DESIGN.  The same pass as bsm.c, lane for lane: the setup (the per-lane
 * checks and ln(S/K) stay scalar; libm's log is more accurate than any
 * vector log at hand), the out-of-the-money price sqrt(A B) b(-|x|, s) from
 * black_v4.h's parts, the parity, and the Greeks from e^q, the two erfcx
 * values and d1, d2.  bsm.c's choices that are already branch-free are
 * selects here too; its rare cases are not repeated: a lane with invalid
 * input, T or sigma of 0, discount factors or sqrt(A B) out of range, a
 * region black_v4.h flags, or a Greek that is not finite is computed again
 * by td_bsm_greeks itself, whose answer (and return code) is then the
 * lane's.  So the batch returns what td_bsm_greeks returns, to a few ulp
 * (tests/unit/test_bsm.c runs every reference test through both).
 *
 * Cost: tests/bench/bench_bsm.c prints both; doc/options.md has the figures.
 */
#include "options/bsm.h"

#include <math.h>

#include "options/black_v4.h"

#ifdef TD_V4

#define INV_SQRT_2PI 0.39894228040143267794
#define SQRT_HALF_PI 1.25331413731550025121

/* One block of four options in lanes, as bsm.c's struct gbs. */
struct lanes {
	td_v4 w, b76;   /* +1 call / -1 put; mask of Black-76 lanes */
	td_v4 U, K, T, r, q, sigma;
	td_v4 x0;       /* ln(U/K) */
	int bad;        /* lane bits for td_bsm_greeks */
};

/*
 * Four options into lanes, with bsm.c's checks: lanes with invalid input, or
 * T or sigma of 0 (the limit case), are flagged and hold a harmless stand-in
 * (an at-the-money option) so that their arithmetic stays in range.
 * ln(U/K) as td_black_log_ratio: libm's log lane by lane (more accurate than
 * any vector log at hand), the rounding of U/K corrected near the money.
 */
TD_V4_FN void load(const td_opt *o, struct lanes *L)
{
	const td_v4 zero = _mm256_setzero_pd(), one = v4(1.0);
	int rights[4], models[4];
	td_v4 f[4];
	for (int l = 0; l < 4; l++) {
		rights[l] = o[l].right;
		models[l] = o[l].model;
	}
	/* S, K, T, r of each lane in one load, q and sigma in another, transposed into fields */
	v4_transpose(_mm256_loadu_pd(&o[0].S), _mm256_loadu_pd(&o[1].S), _mm256_loadu_pd(&o[2].S), _mm256_loadu_pd(&o[3].S), f);
	td_v4 qs02 = _mm256_set_m128d(_mm_loadu_pd(&o[2].q), _mm_loadu_pd(&o[0].q));
	td_v4 qs13 = _mm256_set_m128d(_mm_loadu_pd(&o[3].q), _mm_loadu_pd(&o[1].q));
	__m256i right = _mm256_cvtepi32_epi64(_mm_loadu_si128((const __m128i *)(const void *)rights));
	__m256i model = _mm256_cvtepi32_epi64(_mm_loadu_si128((const __m128i *)(const void *)models));
	td_v4 call = _mm256_castsi256_pd(_mm256_cmpeq_epi64(right, _mm256_set1_epi64x(TD_CALL)));
	td_v4 put = _mm256_castsi256_pd(_mm256_cmpeq_epi64(right, _mm256_set1_epi64x(TD_PUT)));
	td_v4 b76 = _mm256_castsi256_pd(_mm256_cmpeq_epi64(model, _mm256_set1_epi64x(TD_MODEL_BLACK76)));
	td_v4 bsm = _mm256_castsi256_pd(_mm256_cmpeq_epi64(model, _mm256_set1_epi64x(TD_MODEL_BSM)));
	td_v4 U = f[0], K = f[1], T = f[2], r = f[3];
	td_v4 q = v4_sel(b76, r, _mm256_unpacklo_pd(qs02, qs13)), sigma = _mm256_unpackhi_pd(qs02, qs13);
	/* z - z is 0 exactly for finite z */
	td_v4 fin = (U - U) + (K - K) + (T - T) + (r - r) + (q - q) + (sigma - sigma);
	td_v4 ok = v4_and(v4_and(v4_or(call, put), v4_or(b76, bsm)), v4_eq(fin, zero));
	ok = v4_and(ok, v4_and(v4_and(v4_lt(zero, U), v4_lt(zero, K)), v4_and(v4_lt(zero, T), v4_lt(zero, sigma))));
	L->bad = v4_mask(ok) ^ 0xf;
	L->w = v4_sel(ok, v4_sel(call, one, v4(-1.0)), one);
	L->b76 = v4_and(ok, b76);
	L->U = v4_sel(ok, U, one);
	L->K = v4_sel(ok, K, one);
	L->T = v4_sel(ok, T, one);
	L->r = v4_sel(ok, r, zero);
	L->q = v4_sel(ok, q, zero);
	L->sigma = v4_sel(ok, sigma, v4(0.2));
	td_v4 m = L->U / L->K;
	/* a/b = m (1 + (a - m b)/(m b)); a - m b is exact, the product's error by a fused multiply-add */
	td_v4 p = m * L->K, corr = ((L->U - p) - v4_fms(m, L->K, p)) / L->U;
	td_v4 near = v4_and(v4_and(v4_lt(v4(0.5), m), v4_lt(m, v4(2.0))), v4_lt(L->K, v4(1e300)));
	L->x0 = v4_lanes(log, m, 0xf) + v4_and(near, corr);
}

/* Price and Greeks in option.h's units, one vector per field. */
struct result {
	td_v4 f[9];   /* td_greeks' order: price, delta, gamma, theta, vega, rho, vanna, charm, vomma */
};

/* The Greeks from the pass (bsm.c's greeks_from), for lanes with s > 0. */
TD_V4_FN void greeks(const struct lanes *L, td_v4 sqrtT, td_v4 dq, td_v4 A, td_v4 B, td_v4 is, td_v4 price,
		     td_v4 d1, td_v4 d2, td_v4 n1, td_v4 Nw1, td_v4 Nw2, struct result *R)
{
	const td_v4 zero = _mm256_setzero_pd();
	td_v4 w = L->w, b = L->r - L->q, carry = b - L->r;
	td_v4 delta = w * dq * Nw1;
	td_v4 theta = v4_fms(-w * carry * A, Nw1, w * L->r * B * Nw2);
	td_v4 rho = v4_sel(L->b76, -L->T * price, w * L->T * B * Nw2);
	td_v4 charm = -dq * w * carry * Nw1;
	/* 1/sigma = sqrt(T)/s and 1/T = (sigma/s)^2: one division for all of them */
	td_v4 dqn = dq * n1, sis = L->sigma * is, iv = sqrtT * is;
	td_v4 gamma = dqn * is / L->U;
	td_v4 vega = A * n1 * sqrtT;
	td_v4 theta_n = v4_fnma(0.5 * A * n1 * L->sigma, sis, theta);
	td_v4 charm_n = v4_fnma(dqn, v4_fms(b, is, 0.5 * d2 * sis * sis), charm);
	td_v4 vanna = -dqn * d2 * iv;
	td_v4 vomma = vega * d1 * d2 * iv;
	td_v4 dens = v4_eq(n1, zero);   /* the terms in n(d1) are skipped when it is 0, as in bsm.c */
	R->f[0] = price;
	R->f[1] = delta;
	R->f[2] = v4_sel(dens, zero, gamma);
	R->f[3] = v4_sel(dens, theta, theta_n) * (1.0 / TD_BSM_DAYS_PER_YEAR);
	R->f[4] = v4_sel(dens, zero, vega) * 0.01;
	R->f[5] = rho * 0.01;
	R->f[6] = v4_sel(dens, zero, vanna) * 0.01;
	R->f[7] = v4_sel(dens, charm, charm_n) * (1.0 / TD_BSM_DAYS_PER_YEAR);
	R->f[8] = v4_sel(dens, zero, vomma) * 1e-4;
}

/* bsm.c's setup, otm_eval, price_of and general_pass for four lanes; flags what it cannot do in L->bad. */
TD_V4_FN void block(struct lanes *L, struct result *R)
{
	const td_v4 zero = _mm256_setzero_pd(), one = v4(1.0);
	td_v4 sqrtT = v4_sqrt(L->T), s = L->sigma * sqrtT;
	td_v4 rT = -L->r * L->T, qT = -L->q * L->T;
	td_v4 bad = v4_or(v4_nlt(v4_abs(rT), v4(708.0)), v4_nlt(v4_abs(qT), v4(708.0)));
	td_v4 dr = v4_exp(rT), dq = v4_exp(qT);
	td_v4 A = L->U * dq, B = L->K * dr;
	td_v4 x = v4_fma(L->r - L->q, L->T, L->x0);
	td_v4 AB = A * B;
	bad = v4_or(bad, v4_or(v4_nlt(v4(1e-300), AB), v4_nlt(AB, v4(1e300))));   /* bsm.c takes two roots there */
	td_v4 P = v4_sqrt(AB);

	/* the out-of-the-money option at -|x| */
	td_v4 xo = -v4_abs(x), is = one / s;
	td_black_v4 v;
	v.bad = bad;
	td_black_v4_parts(xo, s, xo / s, is, &v);
	td_v4 e = td_black_v4_exp(v.q, v.qlo), pe = P * e;
	td_v4 value = v4_sel(v.above, v4_fnma(pe, v.c, v4_min(A, B)), v4_fma(pe, v.m, P * v.z));

	/* the parity: A - B = sqrt(A B) 2 sinh(x/2) near the money */
	td_v4 call = v4_lt(zero, L->w), call_otm = v4_lt(x, zero);
	td_v4 gap = v4_sel(v4_lt(v4_abs(x), v4(0.5)), P * v4_two_sinh(0.5 * x), A - B);
	td_v4 itm = v4_sel(_mm256_xor_pd(call, call_otm), L->w, zero);
	td_v4 price = v4_fma(itm, gap, value);

	/* densities and tails: A n(d1) = B n(d2) = P e^q / sqrt(2 pi), N(-|d|) = sqrt(pi/2) n(d) erfcx(|d|/sqrt 2) */
	td_v4 g0 = INV_SQRT_2PI * e, iP = one / P;
	td_v4 n_A = g0 * B * iP, n_B = g0 * A * iP;
	td_v4 n_near = v4_sel(call_otm, n_A, n_B), n_far = v4_sel(call_otm, n_B, n_A);
	td_v4 t_near = SQRT_HALF_PI * n_near * v.ex1, t_far = SQRT_HALF_PI * n_far * v.ex2;
	td_v4 h = v4_sel(call_otm, v.h, -v.h);
	td_v4 d1 = h + v.t, d2 = h - v.t;
	td_v4 n1 = v4_sel(call_otm, n_near, n_far);
	td_v4 Nw1 = v4_abs(v4_and(v4_lt(zero, L->w * d1), one) - v4_sel(call_otm, t_near, t_far));
	td_v4 Nw2 = v4_abs(v4_and(v4_lt(zero, L->w * d2), one) - v4_sel(call_otm, t_far, t_near));
	greeks(L, sqrtT, dq, A, B, is, price, d1, d2, n1, Nw1, Nw2, R);

	/* z - z is 0 exactly for finite z: one test for the nine fields */
	td_v4 fin = zero;
	for (int k = 0; k < 9; k++)
		fin = fin + (R->f[k] - R->f[k]);
	L->bad |= v4_mask(v4_or(v.bad, _mm256_cmp_pd(fin, zero, _CMP_NEQ_UQ)));
}

/* Blocks of four from the start of o; returns how many options it did and adds the failures to *failed. */
TD_V4_TARGET static size_t greeks_v4(const td_opt *o, td_greeks *out, int *rc, size_t n, size_t *failed)
{
	size_t i = 0;
	for (; i + 4 <= n; i += 4) {
		struct lanes L;
		struct result R;
		load(o + i, &L);
		block(&L, &R);
		double f[9][4];
		for (int k = 0; k < 9; k++)
			_mm256_storeu_pd(f[k], R.f[k]);
		for (int l = 0; l < 4; l++) {
			td_greeks *g = &out[i + l];
			int r = 0;
			if (L.bad & (1 << l)) {
				r = td_bsm_greeks(&o[i + l], g);
			} else {
				*g = (td_greeks){ .price = f[0][l], .delta = f[1][l], .gamma = f[2][l], .theta = f[3][l],
						  .vega = f[4][l], .rho = f[5][l], .vanna = f[6][l], .charm = f[7][l],
						  .vomma = f[8][l] };
			}
			if (rc)
				rc[i + l] = r;
			*failed += r != 0;
		}
	}
	return i;
}

#endif

size_t td_bsm_greeks_many(const td_opt *o, td_greeks *out, int *rc, size_t n)
{
	size_t i = 0, failed = 0;
#ifdef TD_V4
	if (n >= 4 && td_v4_usable())
		i = greeks_v4(o, out, rc, n, &failed);
#endif
	for (; i < n; i++) {
		int r = td_bsm_greeks(&o[i], &out[i]);
		if (rc)
			rc[i] = r;
		failed += r != 0;
	}
	return failed;
}
