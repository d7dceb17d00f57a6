/*
 * American exercise: calls and puts on a spot with a continuous yield q,
 * priced by the Bjerksund-Stensland (2002) approximation.
 *
 * The 2002 method splits the life [0, T] at t1 = (sqrt(5) - 1) / 2 * T and
 * gives each part a flat early-exercise boundary (I1 after t1, I2 before).
 * Exercising at those boundaries is a feasible strategy, so the value is a
 * lower bound on the true American value; in published comparisons it is
 * within about a cent of it for options of up to a year.
 *
 * Puts use the put-call transformation
 *     P(S, K, T, r, q, sigma) = C(K, S, T, q, r, sigma).
 *
 * Rules the prices keep:
 *   - a call with q <= 0 is never exercised early, so it is priced as the
 *     European (BSM) call; a put with r <= 0 likewise as the European put;
 *   - the price is never below max(European value, intrinsic value);
 *   - at or beyond the (approximate) boundary the price is the intrinsic value.
 *
 * Units are those of option.h: S, K in price units, T in years, r, q, sigma
 * annual and continuously compounded.  o->model is not read (the caller has
 * already chosen the American model); o->right selects call or put.
 *
 * Pure functions: no state, no allocation, safe from any thread.
 */
#ifndef TD_AMERICAN_H
#define TD_AMERICAN_H

#include "options/option.h"

/*
 * The American value of o in *price.  Returns 0, or -1 (and leaves *price
 * alone) when S, K, T or sigma is not a positive finite number, r or q is not
 * finite, or right is neither TD_CALL nor TD_PUT.
 */
int td_american_price(const td_opt *o, double *price);

/*
 * Price and Greeks of o by finite differences of td_american_price, in the
 * units of option.h.  Bumps (all central differences):
 *   delta, gamma  S +- 1e-4 * S
 *   theta         T +- min(1e-5, T / 2) years; -dP/dT / 365 (per calendar day)
 *   vega, vomma   sigma +- min(1e-4, sigma / 2); scaled to one volatility point
 *   rho           r +- 1e-4; scaled to one percentage point
 *   vanna         the four corners of the S and sigma bumps
 *   charm         the four corners of the S and T bumps; -d(delta)/dT / 365
 * About 17 prices per call.  Returns 0, or -1 for invalid input as
 * td_american_price (g is then left alone).
 */
int td_american_greeks(const td_opt *o, td_greeks *g);

/*
 * The volatility at which td_american_price equals price.  A positive
 * o->sigma is the first guess (a contract's previous implied volatility
 * makes it converge in one or two prices); otherwise the European implied
 * volatility of the same price, an upper bound, is.  Secant steps (the
 * first on the European vega) inside a bracket that every price narrows,
 * bisecting when a step would leave it, over [0.01 %, 1600 %]; it stops
 * when the model price is within tol (1e-14 to 1e-3) relative of the
 * input.  A price costs about 10-17 us (the bivariate normal); at tol 1e-10
 * a call takes 2 to 5 of them, at 1e-7 (a ten-millionth of the price, far
 * below any quote's tick, what the chain uses) usually 1 to 3.  A price
 * itself carries rounding of about 1e-14 of the spot, so a price of a few
 * millionths of the spot can only be matched to about that absolute error:
 * when the bracket has shrunk to an ulp of sigma first, the answer is kept
 * if it reprices within 1e-6 relative (else no IV).  Returns 0 and the annual
 * vol in *sigma, or -1 with *why a static reason (why may be NULL):
 * invalid option, price below the intrinsic value (exercising now pays
 * more), at or above the upper bound (spot for a call, strike for a put),
 * at or below the model value at the lowest volatility (no time value), or
 * above the value at 1600 %.
 */
int td_american_iv(const td_opt *o, double price, double tol, double *sigma, const char **why);

#endif
