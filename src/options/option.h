/*
 * Shared option types for src/options: the contract as the models see it,
 * and the Greeks with their units.
 *
 * Units (all documented in doc/options.md):
 *   S, K, F     price units (not ticks)
 *   T           years (ACT/365 from now to the expiry instant)
 *   r, q        continuously compounded annual rates (0.05 = 5 %)
 *   sigma       annual volatility (0.20 = 20 %)
 *   delta       per 1 unit of the underlying
 *   gamma       per 1 unit of the underlying, squared
 *   theta       per calendar day (a year's theta / 365); negative for a long option losing value
 *   vega        per 1 volatility point (sigma + 0.01)
 *   rho         per 1 percentage point of r (r + 0.01)
 *   vanna       d(delta)/d(sigma) per 1 volatility point
 *   charm       d(delta)/dt per calendar day (the change of delta as a day passes)
 *   vomma       d(vega)/d(sigma) per 1 volatility point (vega per point, per point)
 */
#ifndef TD_OPTION_H
#define TD_OPTION_H

typedef enum td_right {
	TD_CALL = 1,
	TD_PUT = -1
} td_right;

/* Which model prices the option. */
typedef enum td_model {
	TD_MODEL_BSM = 0,   /* Black-Scholes-Merton on a spot with a continuous dividend yield q */
	TD_MODEL_BLACK76,   /* Black-76 on a forward or future F (the underlying price is F; q is ignored) */
	TD_MODEL_AMERICAN   /* American exercise on a spot with yield q: Bjerksund-Stensland 2002 */
} td_model;

typedef struct td_opt {
	td_right right;
	td_model model;
	double S;      /* spot (BSM, American) or forward/futures price (Black-76) */
	double K;      /* strike */
	double T;      /* years to expiry, > 0 */
	double r;      /* risk-free rate */
	double q;      /* dividend yield (BSM, American) */
	double sigma;  /* volatility */
} td_opt;

typedef struct td_greeks {
	double price;
	double delta, gamma, theta, vega, rho;
	double vanna, charm, vomma;
} td_greeks;

#endif
