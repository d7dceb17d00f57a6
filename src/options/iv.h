/*
 * Implied volatility: the sigma at which a European option's model price
 * equals a given price, for Black-Scholes-Merton (spot with yield q) and
 * Black-76 (forward or future).
 *
 * Contract:
 *   - Accuracy: where an IV exists, the returned sigma reprices the input to
 *     better than 1e-12 relative: about 1e-15 typically, 5e-13 at worst for
 *     prices near 1e-307 of the forward, where one ulp of sigma already moves
 *     the price by 1e-13 (doc/options.md "Implied volatility" has the grid).
 *   - Honesty: a price outside the no-arbitrage interval gets no number.
 *     td_iv returns -1 and a static reason; td_iv_normalised returns NaN.
 *     A price exactly at intrinsic value has no IV either ("no time value"):
 *     every sigma from 0 up to some small value prices to it in floating
 *     point, so no single sigma is identifiable.  Callers treat -1 as "no IV".
 *   - Range: every moneyness with |ln(F/K)| <= 700, expiries from seconds to
 *     decades, vols from near 0 to several hundred percent; time values down
 *     to the smallest positive double relative to the forward.
 *   - Speed: three evaluations of the normalised price per call, about
 *     0.34 us and 2,000 instructions on the development VM
 *     (tests/bench/bench_iv.c); no allocation, no global state, thread-safe.
 *
 * Method (details in iv.c and doc/options.md): Peter Jaeckel, "Let's Be
 * Rational", Wilmott 2015 (pp. 40-53): reduce to an out-of-the-money call in
 * Black's normalised form, an initial guess from one of four branches
 * around the inflection point sigma*sqrt(T) = sqrt(2|x|), then Householder
 * steps of order four on a branch-specific transform of the price.
 * Implemented from the published description; the code is our own.
 *
 * Units as in option.h: T in years, rates continuously compounded, sigma
 * annual (0.2 = 20 %).
 */
#ifndef TD_IV_H
#define TD_IV_H

#include <stddef.h>

#include "options/option.h"

/*
 * The implied volatility of o (o->sigma is ignored) at `price`, the option's
 * present value in price units.  o->model: TD_MODEL_BSM (F = S e^{(r-q)T},
 * discounted at e^{-rT}) or TD_MODEL_BLACK76 (o->S is the forward, q
 * ignored, discounted at e^{-rT}); TD_MODEL_AMERICAN is not supported.
 * Returns 0 and the annual vol in *sigma, or -1 with *why pointing to a
 * static, lowercase reason (sigma untouched).  why may be NULL.
 *
 * The bounds, with D = e^{-rT}, F the forward:
 *   call: D max(F - K, 0) < price < D F
 *   put:  D max(K - F, 0) < price < D K
 */
int td_iv(const td_opt *o, double price, double *sigma, const char **why);

/*
 * td_iv for the n options o[0..n-1] at price[0..n-1]: sigma[i], and when
 * not NULL rc[i] and why[i] (NULL on success), as td_iv gives them, to a
 * few ulp.  Returns how many failed.  On a CPU with AVX2 and FMA four
 * options go through at once (iv_many.c), for the throughput of a chain;
 * elsewhere it is the loop.  All arrays are borrowed.
 */
size_t td_iv_many(const td_opt *o, const double *price, double *sigma, int *rc, const char **why, size_t n);

/*
 * Black's normalised price b(x, s, theta) of a call (theta = +1) or put
 * (theta = -1) with x = ln(F/K) and total vol s = sigma sqrt(T):
 *   b = theta (e^{x/2} Phi(theta (x/s + s/2)) - e^{-x/2} Phi(theta (x/s - s/2)))
 * which is the undiscounted price divided by sqrt(F K).  Accurate to a few
 * 1e-16 relative where it does not underflow (no cancellation in the
 * out-of-the-money tails).  s <= 0 gives the intrinsic value.  One
 * implementation with bsm.h's td_bsm_black_normalised (src/options/black.c).
 */
double td_iv_black_normalised(double x, double s, double theta);

/*
 * The core solver: the total vol s = sigma sqrt(T) >= 0 with
 * td_iv_black_normalised(x, s, theta) == beta, or NaN when beta is not
 * strictly between the intrinsic value and the upper bound e^{theta x/2}
 * (or an input is not finite, |x| > 700, theta is not +-1).  For
 * in-the-money options the intrinsic value is subtracted here, in normalised
 * units; td_iv does it in price units, which is more accurate deep in the money.
 */
double td_iv_normalised(double beta, double x, double theta);

#endif
