/*
 * Scanner speed: one scan of a synthetic chain of 10,000 contracts (20
 * weekly expiries x 250 strikes x call and put) around spot 5000, with every
 * strategy.  Quotes and Greeks come from Black-Scholes with r = q = 0, a
 * smile in IV and a spread of 2 % of the price (at least 0.10), computed
 * here once: pricing is not timed.  Wings and verticals are 5 strikes (25
 * points) wide.  Printed: a scan with the default filters, and one with
 * everything let through (every candidate priced and ranked, the worst
 * case).  The machine is shared, so the fastest run is printed beside the
 * mean.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "bench.h"
#include "options/scan.h"

#define EXPIRIES 20
#define STRIKES 250
#define N (EXPIRIES * STRIKES * 2)

static double norm_pdf(double x)
{
	return exp(-x * x / 2) / sqrt(2 * M_PI);
}

static double norm_cdf(double x)
{
	return 0.5 * erfc(-x / M_SQRT2);
}

/* One contract priced by Black-Scholes (r = q = 0) with a quote around the price. */
static td_scan_contract priced(uint32_t id, int32_t expiry, double T, td_right r, double S, double K, double iv)
{
	double sd = iv * sqrt(T), d1 = log(S / K) / sd + sd / 2, d2 = d1 - sd;
	double call = S * norm_cdf(d1) - K * norm_cdf(d2), price = r == TD_CALL ? call : call - S + K;
	double half = fmax(0.05, 0.01 * price);
	return (td_scan_contract){
		.id = id, .expiry = expiry, .T = T, .right = r, .strike = K,
		.bid = fmax(price - half, 0), .ask = price + half, .iv = iv,
		.delta = r == TD_CALL ? norm_cdf(d1) : norm_cdf(d1) - 1,
		.gamma = norm_pdf(d1) / (S * sd),
		.theta = -S * norm_pdf(d1) * iv / (2 * sqrt(T)) / 365,
		.vega = S * norm_pdf(d1) * sqrt(T) / 100,
	};
}

/* Weekly expiries, strikes every 5 points, OI and volume from a xorshift. */
static void build(td_scan_contract *c, double S)
{
	uint64_t x = 88172645463325252ull;
	size_t n = 0;
	for (int e = 0; e < EXPIRIES; e++) {
		double T = (e + 1) * 7.0 / 365;
		for (int j = 0; j < STRIKES; j++) {
			double K = S - 5.0 * STRIKES / 2 + 5.0 * j, m = log(K / S);
			double iv = 0.18 - 0.3 * m + 0.8 * m * m;
			for (int side = 0; side < 2; side++, n++) {
				x ^= x << 13, x ^= x >> 7, x ^= x << 17;
				c[n] = priced((uint32_t)n, 20000 + e * 7, T, side ? TD_PUT : TD_CALL, S, K, iv);
				c[n].oi = (double)(x % 5000);
				c[n].volume = (double)(x >> 16 & 1023);
			}
		}
	}
}

/* Mean and fastest seconds of reps scans. */
static double timed(td_scan *sc, const td_scan_contract *c, const td_scan_params *p, int reps, double *best)
{
	double sum = 0;
	*best = 1e9;
	for (int k = 0; k < reps; k++) {
		double t0 = td_bench_seconds();
		if (td_scan_run(sc, c, N, p) != 0) {
			printf("scan: %s\n", td_scan_error(sc));
			return NAN;
		}
		double dt = td_bench_seconds() - t0;
		sum += dt;
		*best = dt < *best ? dt : *best;
	}
	return sum / reps;
}

static void report(const char *what, td_scan *sc, double mean, double best)
{
	const td_scan_total *t = td_scan_totals(sc);
	size_t n;
	const td_scan_pick *pk = td_scan_picks(sc, &n);
	printf("scan (%d contracts, %d expiries, all strategies, %s): %.0f us (fastest %.0f us), "
	       "%u candidates, %u passed the filters, %zu returned",
	       N, EXPIRIES, what, mean * 1e6, best * 1e6, t->candidates_all, t->kept_all, n);
	if (n > 0)
		printf("; best: %s %.0f dte, score %.1f", td_scan_strategy_name(pk[0].strategy), pk[0].dte, pk[0].score);
	printf("\n");
}

void td_bench_scan(void)
{
	const double S = 5000;
	td_scan_contract *c = malloc(N * sizeof(*c));
	td_scan *sc = td_scan_new(N, 100);
	if (!c || !sc) {
		printf("scan: out of memory\n");
		goto out;
	}
	build(c, S);

	td_scan_params p;
	td_scan_params_init(&p, S, 100);
	p.top_n = 20;
	p.width_steps = 5; /* 25-point wings and verticals */
	double best, mean = timed(sc, c, &p, 200, &best);
	report("default filters", sc, mean, best);

	p.dte_max = INFINITY;
	p.dte_min = p.short_delta_min = p.long_delta_min = p.liquidity_min = p.oi_min = 0;
	p.short_delta_max = p.long_delta_max = p.straddle_delta_max = 1;
	mean = timed(sc, c, &p, 50, &best);
	report("no filters", sc, mean, best);
out:
	td_scan_free(sc);
	free(c);
}
