/*
 * Option model speed: price and all eight Greeks one call per option
 * (td_bsm_greeks), the same through the batch entry point a chain uses
 * (td_bsm_greeks_many, 512 options a call), then the price alone
 * (td_bsm_price), each in 20 rounds of 500,000 options; the best and the
 * median round are printed (bench.h says why).  Inputs cycle
 * through a table of 64,000 varied options in random order (calls and puts,
 * BSM and Black-76, strikes 0.6-1.5 of spot, 1 day to 3 years, 5-120 %
 * volatility), held in memory (3.5 MB) so the figure is the model's cost,
 * not the input's.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "bench.h"
#include "options/bsm.h"

#define ROUNDS 20
#define ROUND_OPTIONS 500000L
#define MANY_CHUNK 500   /* options per td_bsm_greeks_many call: a chain's expiry or two */
#define OPT_RING 64000   /* a multiple of MANY_CHUNK, which divides ROUND_OPTIONS: no chunk crosses the end */

/* xorshift64 in [0, 1). */
static double uniform(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return (double)(*s >> 11) / 9007199254740992.0;
}

/* A chain-like spread of options; the fixed seed keeps runs comparable. */
static td_opt *make_options(void)
{
	td_opt *v = malloc(OPT_RING * sizeof(*v));
	uint64_t s = 88172645463325252ull;
	for (int i = 0; v && i < OPT_RING; i++) {
		v[i] = (td_opt){
			.right = uniform(&s) < 0.5 ? TD_CALL : TD_PUT,
			.model = uniform(&s) < 0.8 ? TD_MODEL_BSM : TD_MODEL_BLACK76,
			.S = 100.0,
			.K = 100.0 * (0.6 + 0.9 * uniform(&s)),
			.T = 1.0 / 365.0 + 3.0 * uniform(&s) * uniform(&s),
			.r = 0.05 * uniform(&s),
			.q = 0.03 * uniform(&s),
			.sigma = 0.05 + 1.15 * uniform(&s) * uniform(&s),
		};
	}
	return v;
}

enum mode { GREEKS, GREEKS_MANY, PRICE_ONLY };

/* ns per option of one round of td_bsm_greeks_many, adding the results to *sum. */
static double round_many_ns(const td_opt *opts, long start, double *sum)
{
	static td_greeks out[MANY_CHUNK];
	double t0 = td_bench_seconds();
	for (long i = start; i < start + ROUND_OPTIONS; i += MANY_CHUNK) {
		td_bsm_greeks_many(&opts[i % OPT_RING], out, NULL, MANY_CHUNK);
		for (int k = 0; k < MANY_CHUNK; k++) {
			const td_greeks *g = &out[k];
			*sum += g->price + g->delta + g->gamma + g->theta + g->vega + g->rho + g->vanna + g->charm + g->vomma;
		}
	}
	return (td_bench_seconds() - t0) * 1e9 / (double)ROUND_OPTIONS;
}

/* ns per option of one round of td_bsm_greeks or td_bsm_price, adding the results to *sum. */
static double round_ns(const td_opt *opts, long start, enum mode mode, double *sum)
{
	if (mode == GREEKS_MANY)
		return round_many_ns(opts, start, sum);
	double t0 = td_bench_seconds();
	long j = start % OPT_RING;
	for (long i = 0; i < ROUND_OPTIONS; i++, j = j + 1 < OPT_RING ? j + 1 : 0) {
		const td_opt *o = &opts[j];
		if (mode == PRICE_ONLY) {
			double p;
			td_bsm_price(o, &p);
			*sum += p;
		} else {
			td_greeks g;
			td_bsm_greeks(o, &g);
			*sum += g.price + g.delta + g.gamma + g.theta + g.vega + g.rho + g.vanna + g.charm + g.vomma;
		}
	}
	return (td_bench_seconds() - t0) * 1e9 / (double)ROUND_OPTIONS;
}

void td_bench_bsm(void)
{
	td_opt *opts = make_options();
	if (!opts) {
		printf("bsm: out of memory\n");
		return;
	}
	static const char *what[] = { "price + 8 greeks", "price + 8 greeks, batch (td_bsm_greeks_many)", "price only" };
	for (enum mode mode = GREEKS; mode <= PRICE_ONLY; mode++) {
		double ns[ROUNDS], sum = 0, best;
		for (int r = 0; r < ROUNDS; r++)
			ns[r] = round_ns(opts, r * ROUND_OPTIONS, mode, &sum);
		double median = td_bench_median(ns, ROUNDS, &best);
		printf("bsm: %s, %d rounds of %ld options: best %.1f ns/option, median %.1f%s (checksum %.6g)\n",
		       what[mode], ROUNDS, ROUND_OPTIONS, best, median, mode == PRICE_ONLY ? "" : " (target < 100)", sum);
	}
	free(opts);
}
