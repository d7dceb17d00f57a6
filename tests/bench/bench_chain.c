/*
 * Chain statistics speed: one recompute of every statistic over a synthetic
 * chain of 10,000 contracts (20 expiries x 250 strikes x call and put), IV,
 * delta and gamma given.  Printed: the statistics without the zero-gamma
 * search, the same on a shuffled input (the sort's worst case here), and
 * with the search, whose cost is gamma_at calls: a Black-Scholes gamma here,
 * as the pricer would give.  Then the full recompute a new quote set costs:
 * the IV of every contract from its mid (td_iv), price and Greeks at that
 * IV (td_bsm_greeks), then the statistics without the zero-gamma search.
 * The machine is shared, so the fastest run is printed beside the mean.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "bench.h"
#include "options/bsm.h"
#include "options/chain.h"
#include "options/iv.h"

#define EXPIRIES 20
#define STRIKES 250
#define N (EXPIRIES * STRIKES * 2)
#define RATE 0.04    /* the full recompute prices BSM on the spot with these */
#define YIELD 0.015

typedef struct synth {
	td_chain_contract c[N];
	double T[N];  /* years, per contract, for gamma_at */
	td_chain_tenor tn[EXPIRIES];
} synth;

static double norm_pdf(double x)
{
	return exp(-x * x / 2) / sqrt(2 * M_PI);
}

/* Black-Scholes d1 with r = q = 0. */
static double d1(double S, double K, double T, double v)
{
	return (log(S / K) + v * v * T / 2) / (v * sqrt(T));
}

/* gamma_at for the synthetic chain: Black-Scholes gamma at the contract's own IV. */
static double bsm_gamma_at(void *ctx, size_t i, double s)
{
	const synth *sy = ctx;
	const td_chain_contract *k = &sy->c[i];
	double T = sy->T[i];
	return norm_pdf(d1(s, k->strike, T, k->iv)) / (s * k->iv * sqrt(T));
}

/* A chain around spot 5000, strikes every 5 points, a smile in IV, OI and volume from a xorshift. */
static void build(synth *sy, double S)
{
	uint64_t x = 88172645463325252ull;
	size_t n = 0;
	for (int e = 0; e < EXPIRIES; e++) {
		double T = (e + 1) * 7.0 / 365;
		sy->tn[e] = (td_chain_tenor){ 20000 + e * 7, T, NAN };
		for (int j = 0; j < STRIKES; j++) {
			double K = S - 5.0 * STRIKES / 2 + 5.0 * j;
			for (int side = 0; side < 2; side++, n++) {
				x ^= x << 13, x ^= x >> 7, x ^= x << 17;
				td_right r = side ? TD_PUT : TD_CALL;
				double m = log(K / S), iv = 0.18 - 0.3 * m + 0.8 * m * m, dd = d1(S, K, T, iv);
				double delta = r == TD_CALL ? 0.5 * erfc(-dd / M_SQRT2) : -0.5 * erfc(dd / M_SQRT2);
				double oi = (double)(x % 5000), vol = (double)(x >> 16 & 1023);
				sy->c[n] = (td_chain_contract){
					.expiry = sy->tn[e].expiry, .right = r, .strike = K,
					.bid = 10, .ask = 10.5, .last = 10.2, .volume = vol, .oi = oi,
					.prev_oi = oi + (double)(x >> 32 & 63) - 32, .prev_close = 10 + (double)(x >> 40 & 7) / 8 - 0.5,
					.iv = iv, .delta = delta, .gamma = norm_pdf(dd) / (S * iv * sqrt(T)),
					.avg_volume = (double)(x >> 48 & 511),
				};
				sy->T[n] = T;
			}
		}
	}
}

/* Mean and fastest seconds of reps recomputes. */
static double timed(td_chain *ch, const td_chain_contract *c, const td_chain_params *p, int reps, double *best)
{
	double sum = 0;
	*best = 1e9;
	for (int k = 0; k < reps; k++) {
		double t0 = td_bench_seconds();
		if (td_chain_stats(ch, c, N, p) != 0) {
			printf("chain: %s\n", td_chain_error(ch));
			return NAN;
		}
		double dt = td_bench_seconds() - t0;
		sum += dt;
		*best = dt < *best ? dt : *best;
	}
	return sum / reps;
}

/* The contract as an option at spot S (sigma left 0: td_iv fills it). */
static td_opt as_option(const synth *sy, size_t i, double S)
{
	return (td_opt){ .right = sy->c[i].right, .model = TD_MODEL_BSM, .S = S, .K = sy->c[i].strike,
			 .T = sy->T[i], .r = RATE, .q = YIELD };
}

/* Quotes a 2 % wide market around the model price at each contract's smile IV, as a feed would. */
static void quote(synth *sy, td_chain_contract *q, double S)
{
	for (size_t i = 0; i < N; i++) {
		td_opt o = as_option(sy, i, S);
		o.sigma = sy->c[i].iv;
		double p = 0;
		td_bsm_price(&o, &p);
		q[i] = sy->c[i];
		q[i].bid = 0.99 * p;
		q[i].ask = 1.01 * p;
		q[i].iv = q[i].delta = q[i].gamma = NAN;
	}
}

/* The pricing of a full recompute one call per contract (td_iv, td_bsm_greeks); the contracts without an IV. */
static size_t price_each(const synth *sy, td_chain_contract *q, double S)
{
	size_t no_iv = 0;
	for (size_t i = 0; i < N; i++) {
		td_opt o = as_option(sy, i, S);
		td_greeks g;
		if (td_iv(&o, 0.5 * (q[i].bid + q[i].ask), &o.sigma, NULL) != 0 || td_bsm_greeks(&o, &g) != 0) {
			q[i].iv = q[i].delta = q[i].gamma = NAN;
			no_iv++;
			continue;
		}
		q[i].iv = o.sigma;
		q[i].delta = g.delta;
		q[i].gamma = g.gamma;
	}
	return no_iv;
}

/* The same through td_iv_many and td_bsm_greeks_many, as the chain pane prices (src/engine/optchain.c). */
static size_t price_many(const synth *sy, td_chain_contract *q, double S)
{
	static td_opt o[N];
	static double mid[N], sigma[N];
	static int rc[N];
	static td_greeks g[N];
	for (size_t i = 0; i < N; i++) {
		o[i] = as_option(sy, i, S);
		mid[i] = 0.5 * (q[i].bid + q[i].ask);
	}
	td_iv_many(o, mid, sigma, rc, NULL, N);
	for (size_t i = 0; i < N; i++)
		o[i].sigma = rc[i] == 0 ? sigma[i] : NAN;   /* NaN: td_bsm_greeks_many refuses the lane */
	size_t no_iv = td_bsm_greeks_many(o, g, rc, N);
	for (size_t i = 0; i < N; i++) {
		q[i].iv = rc[i] == 0 ? o[i].sigma : NAN;
		q[i].delta = rc[i] == 0 ? g[i].delta : NAN;
		q[i].gamma = rc[i] == 0 ? g[i].gamma : NAN;
	}
	return no_iv;
}

/* IV from the mid, Greeks at that IV, then the statistics: seconds, and the contracts without an IV. */
static double full_recompute(td_chain *ch, const synth *sy, td_chain_contract *q, const td_chain_params *p,
			     double S, int many, size_t *no_iv)
{
	double t0 = td_bench_seconds();
	*no_iv = many ? price_many(sy, q, S) : price_each(sy, q, S);
	if (td_chain_stats(ch, q, N, p) != 0) {
		printf("chain: %s\n", td_chain_error(ch));
		return NAN;
	}
	return td_bench_seconds() - t0;
}

/* Mean and fastest of reps full recomputes, printed, by batch (many) or by call. */
static void timed_full(td_chain *ch, synth *sy, td_chain_contract *q, const td_chain_params *p, double S, int many,
		       int reps)
{
	quote(sy, q, S);
	double sum = 0, best = 1e9;
	size_t no_iv = 0;
	for (int k = 0; k < reps; k++) {
		double dt = full_recompute(ch, sy, q, p, S, many, &no_iv);
		sum += dt;
		best = dt < best ? dt : best;
	}
	printf("chain full recompute (%d contracts: %s from the mid, %s, stats without zero-gamma): "
	       "%.0f us (fastest %.0f us, target < 5000; %zu without an IV)\n",
	       N, many ? "td_iv_many" : "td_iv", many ? "td_bsm_greeks_many" : "td_bsm_greeks", sum / reps * 1e6,
	       best * 1e6, no_iv);
}

void td_bench_chain(void)
{
	const double S = 5000;
	synth *sy = malloc(sizeof(*sy));
	td_chain_contract *shuf = malloc(sizeof(sy->c));
	td_chain *ch = td_chain_new(N, EXPIRIES);
	if (!sy || !shuf || !ch) {
		printf("chain: out of memory\n");
		goto out;
	}
	build(sy, S);
	for (size_t i = 0; i < N; i++) /* a fixed shuffle: stride 7919 is coprime with 10,000 */
		shuf[i] = sy->c[i * 7919 % N];

	td_chain_params p;
	td_chain_params_init(&p, S, 100);
	p.tenors = sy->tn;
	p.n_tenors = EXPIRIES;
	double best, mean = timed(ch, sy->c, &p, 200, &best);
	printf("chain stats (%d contracts, %d expiries, sorted input, no zero-gamma): %.0f us (fastest %.0f us)\n", N,
	       EXPIRIES, mean * 1e6, best * 1e6);
	mean = timed(ch, shuf, &p, 200, &best);
	printf("chain stats (shuffled input, no zero-gamma): %.0f us (fastest %.0f us)\n", mean * 1e6, best * 1e6);
	timed_full(ch, sy, shuf, &p, S, 1, 20);
	timed_full(ch, sy, shuf, &p, S, 0, 20);

	p.gamma_at = bsm_gamma_at;
	p.gamma_ctx = sy;
	mean = timed(ch, sy->c, &p, 20, &best);
	const td_chain_flip *f = &td_chain_totals(ch)->flip;
	printf("chain stats with zero-gamma search (grid %d, tol %g): %.0f us (fastest %.0f us), %llu gamma_at calls, "
	       "%.1f ns per call with the statistics; flip at %.1f (spot %.0f)\n",
	       p.flip_steps, p.flip_tol, mean * 1e6, best * 1e6, (unsigned long long)f->evals,
	       best / (double)f->evals * 1e9, f->spot, S);
out:
	td_chain_free(ch);
	free(shuf);
	free(sy);
}
