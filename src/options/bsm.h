/*
 * European option models: Black-Scholes-Merton on a spot with a continuous
 * dividend yield (TD_MODEL_BSM) and Black-76 on a forward or future
 * (TD_MODEL_BLACK76), price and every Greek of td_greeks in one pass.
 * Pure functions: no I/O, no global state, safe from any thread.
 *
 * Formulas.  Both models are the generalized Black-Scholes formula (Haug,
 * "The Complete Guide to Option Pricing Formulas", 2nd ed., ch. 1-2) with
 * cost of carry b = r - q (BSM) or b = 0 (Black-76), underlying U = S or F:
 *
 *   A  = U e^{(b-r)T}   (the discounted forward)     B  = K e^{-rT}
 *   s  = sigma sqrt(T)  x = ln(U/K) + bT = ln(F/K)
 *   d1 = x/s + s/2      d2 = x/s - s/2               w = +1 call, -1 put
 *   price = w (A N(w d1) - B N(w d2))
 *
 * Units are those of option.h, exactly:
 *   delta   dV/dU, per 1 unit of the underlying (S for BSM, F for Black-76)
 *   gamma   d2V/dU2
 *   theta   -dV/dT / 365: per calendar day, everything else fixed
 *   vega    dV/dsigma / 100: per volatility point
 *   rho     dV/dr / 100: per percentage point of r.  BSM: S and q fixed,
 *           so the carry b = r - q moves with r (rho = w K T e^{-rT} N(w d2)).
 *           Black-76: F fixed, only the discount factor moves, so
 *           rho = -T price (per 1.00 of r) for calls and puts alike.
 *   vanna   d2V/dU dsigma / 100: the change of delta per volatility point
 *   charm   -d2V/dU dT / 365: the change of delta as one calendar day passes
 *   vomma   d2V/dsigma2 / 10^4: the change of vega (per point) per point
 *
 * Accuracy (checked against 50-digit arithmetic, see tests/unit/test_bsm.c).
 * N(x) is erfc-based with the rounding of x/sqrt(2) corrected: within
 * 3 ulps (7e-16 relative) down to N(x) ~ 2e-308 (x ~ -37.5); below that
 * it is subnormal, then 0.  Prices are formed from the out-of-the-money
 * option (call if F < K, else put), the other one by put-call parity with
 * A - B taken from x near the money.  The out-of-the-money difference
 * A N(d1) - B N(d2), which in textbook form loses up to 8 digits far from
 * the money or with a small sigma sqrt(T), is evaluated without
 * cancellation as sqrt(A B) b(-|x|, s), Black's normalised price from the
 * code the IV solver inverts (src/options/black.c: e^q times a Mills ratio
 * difference by series where it would cancel).  What is left is the
 * conditioning of the price on x = ln(F/K) itself: a relative error of a
 * few ulps times (1 + d^2), d the smaller of |d1|, |d2|, since x and x/s
 * are rounded (about 1e-13 at |d| = 20, 1e-14 at |d| = 6).
 *
 * Degenerate inputs.  T <= 0, sigma <= 0, S <= 0, K <= 0, a right other
 * than TD_CALL/TD_PUT, a model other than BSM/Black-76, or any non-finite
 * S, K, T, r, sigma (or q for BSM; Black-76 ignores q) make td_bsm_greeks
 * and td_bsm_price return -1.  Even then the output is never NaN:
 *   - T == 0 or sigma == 0 exactly (the rest valid): the limit as T or
 *     sigma tends to 0, that is the discounted intrinsic value on the
 *     forward (with T == 0: max(w (U - K), 0)), delta a step (0 or
 *     w e^{(b-r)T}; half of it exactly at the money), gamma, vega, vanna,
 *     vomma 0, theta, rho and charm from the carry and discounting terms;
 *   - anything else: all zeros.
 * For valid but tiny T or sigma, results tend smoothly to that limit and
 * stay finite: gamma, vega, vanna and vomma concentrate at the strike and
 * grow there like 1/(sigma sqrt(T)), charm like 1/T.  If T or sigma is so
 * small that a Greek would overflow (S sigma sqrt(T) or T below about
 * 1e-300), the limit is returned, with 0.  If inputs are so extreme that no finite answer exists
 * (say e^{-qT} overflows), the result is -1 with zeros.
 */
#ifndef TD_BSM_H
#define TD_BSM_H

#include <stddef.h>

#include "options/option.h"

/* Days in the year for theta and charm (option.h: a year's theta / 365). */
#define TD_BSM_DAYS_PER_YEAR 365.0

/*
 * Price and all Greeks of a European option, o->model TD_MODEL_BSM or
 * TD_MODEL_BLACK76.  Returns 0, or -1 for invalid input (see "Degenerate
 * inputs" above for what *out then holds).  o and out are borrowed.
 */
int td_bsm_greeks(const td_opt *o, td_greeks *out);

/*
 * td_bsm_greeks for the n options o[0..n-1]: out[i] and, when rc is not
 * NULL, rc[i] are what td_bsm_greeks(&o[i], &out[i]) gives, to a few ulp.
 * Returns how many failed.  On a CPU with AVX2 and FMA four options go
 * through at once (bsm_many.c), for the throughput of a chain; elsewhere it
 * is the loop.  o, out and rc are borrowed.
 */
size_t td_bsm_greeks_many(const td_opt *o, td_greeks *out, int *rc, size_t n);

/* The price alone, same rules and returns as td_bsm_greeks. */
int td_bsm_price(const td_opt *o, double *price);

/* Standard normal CDF N(x); NaN for NaN. */
double td_bsm_ncdf(double x);

/* Standard normal density n(x) = exp(-x^2/2) / sqrt(2 pi). */
double td_bsm_npdf(double x);

/*
 * Normalised Black function (Jaeckel's convention), the undiscounted
 * Black price divided by sqrt(F K):
 *
 *   b(x, s) = w (e^{x/2} N(w (x/s + s/2)) - e^{-x/2} N(w (x/s - s/2)))
 *
 * with x = ln(F/K), s = sigma sqrt(T), w = +1 (call) or -1 (put).  Any
 * Black or BSM price is e^{-rT} sqrt(F K) b(x, s) with F the forward
 * (S e^{(r-q)T} for BSM).  Computed, like the prices, from the
 * out-of-the-money side plus the intrinsic value 2 w sinh(x/2).  s == 0
 * gives the intrinsic value max(2 w sinh(x/2), 0); s < 0 or NaN gives NaN.
 * Accuracy as above: a few ulps times (1 + (x/s)^2) in the far tails, from
 * rounding x/s.  The same code as iv.h's td_iv_black_normalised, which the
 * IV solver inverts: the two agree bit for bit.
 */
double td_bsm_black_normalised(double x, double s, td_right right);

/*
 * db/ds, the normalised vega, the same for calls and puts:
 * e^{x/2} n(x/s + s/2) = exp(-(x^2/s^2 + s^2/4) / 2) / sqrt(2 pi).
 * 0 for s <= 0 (and s = +inf); NaN for NaN.
 */
double td_bsm_black_normalised_vega(double x, double s);

#endif
