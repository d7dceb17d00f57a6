/*
 * American option speed: Bjerksund-Stensland 2002 price, then price and the
 * nine Greeks (about 17 prices each), over a fixed chain of puts and calls
 * that cycles strikes, expiries and yields so no branch is always taken.
 * Figures in ns per option; the checksum keeps the work from being elided.
 */
#include <stdio.h>

#include "bench.h"
#include "options/american.h"

#define CHAIN 64
#define PRICE_ROUNDS 20000
#define GREEK_ROUNDS 2000

/* A chain around spot 100: strikes 80..118, four expiries, calls and puts. */
static void make_chain(td_opt *o)
{
	static const double T[4] = { 7 / 365.0, 30 / 365.0, 0.25, 1.0 };
	for (int i = 0; i < CHAIN; i++)
		o[i] = (td_opt){ .right = i & 1 ? TD_PUT : TD_CALL, .model = TD_MODEL_AMERICAN,
				 .S = 100, .K = 80 + (i % 20) * 2, .T = T[(i / 2) % 4], .r = 0.05,
				 .q = i % 3 ? 0.02 : 0.0, .sigma = 0.15 + (i % 5) * 0.05 };
}

/* Time the price and the Greeks per option. */
void td_bench_american(void)
{
	td_opt chain[CHAIN];
	make_chain(chain);
	double sum = 0;

	double t0 = td_bench_seconds();
	for (int n = 0; n < PRICE_ROUNDS; n++)
		for (int i = 0; i < CHAIN; i++) {
			double p = 0;
			td_american_price(&chain[i], &p);
			sum += p;
		}
	double tp = td_bench_seconds() - t0;

	t0 = td_bench_seconds();
	for (int n = 0; n < GREEK_ROUNDS; n++)
		for (int i = 0; i < CHAIN; i++) {
			td_greeks g;
			if (td_american_greeks(&chain[i], &g) == 0)
				sum += g.delta + g.gamma;
		}
	double tg = td_bench_seconds() - t0;

	printf("american bs2002 price: %.0f ns/option\n", tp * 1e9 / ((double)PRICE_ROUNDS * CHAIN));
	printf("american bs2002 price+greeks: %.0f ns/option\n",
	       tg * 1e9 / ((double)GREEK_ROUNDS * CHAIN));
	printf("american checksum: %.6g\n", sum);
}
