/*
 * Option model speed: price and all eight Greeks (td_bsm_greeks), then the
 * price alone (td_bsm_price), for 10 million options each.  Inputs cycle
 * through a 64k table of varied options (calls and puts, BSM and Black-76,
 * strikes 0.6-1.5 of spot, 1 day to 3 years, 5-120 % volatility), held in
 * memory (2.5 MB) so the figure is the model's cost, not the input's.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "bench.h"
#include "options/bsm.h"

#define BENCH_OPTIONS 10000000L
#define OPT_RING (1 << 16)

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

void td_bench_bsm(void)
{
	td_opt *opts = make_options();
	if (!opts) {
		printf("bsm: out of memory\n");
		return;
	}
	td_greeks g;
	double sum = 0;
	double t0 = td_bench_seconds();
	for (long i = 0; i < BENCH_OPTIONS; i++) {
		td_bsm_greeks(&opts[i & (OPT_RING - 1)], &g);
		sum += g.price + g.delta + g.gamma + g.theta + g.vega + g.rho + g.vanna + g.charm + g.vomma;
	}
	double dt = td_bench_seconds() - t0;
	printf("bsm: price + 8 greeks for %ld options in %.3f s = %.1f ns/option (target < 100; checksum %.6g)\n",
	       BENCH_OPTIONS, dt, dt * 1e9 / (double)BENCH_OPTIONS, sum);
	sum = 0;
	t0 = td_bench_seconds();
	for (long i = 0; i < BENCH_OPTIONS; i++) {
		double p;
		td_bsm_price(&opts[i & (OPT_RING - 1)], &p);
		sum += p;
	}
	dt = td_bench_seconds() - t0;
	printf("bsm: price only for %ld options in %.3f s = %.1f ns/option (checksum %.6g)\n", BENCH_OPTIONS, dt,
	       dt * 1e9 / (double)BENCH_OPTIONS, sum);
	free(opts);
}
