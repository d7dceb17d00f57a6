/*
 * Implied volatility speed: td_iv on 1 million options from a realistic
 * chain mix, in 16 rounds of 64k (the best and the median round, bench.h
 * says why), the same through the batch entry point a chain uses
 * (td_iv_many, 512 options a call), then the worst repricing error seen
 * by either.  The options cycle through
 * a 64k set held in memory (4 MB), so the figure is the solver's cost.
 *
 * The mix: BSM on a spot of 100 (r = 4 %, q = 1.5 %) and Black-76 on a
 * future, expiries from 30 minutes to 3 years (log-uniform, so short dates
 * weigh as much as they do on a real screen), at-the-money vols 10-80 %
 * with a skew, strikes spread to +-3 standard deviations of the forward,
 * calls and puts.  Prices come from the module's own normalised Black
 * function at the chosen vol; the error is the relative difference between
 * that price and the price at the implied vol.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "bench.h"
#include "options/iv.h"

void td_bench_iv(void);

#define IV_SET (1 << 16)
#define IV_PASSES 16   /* 16 x 64k = 1,048,576 IVs */

struct iv_case {
	td_opt o;
	double price;
};

static uint64_t iv_rng(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static double iv_unit(uint64_t *s)
{
	return (double)(iv_rng(s) >> 11) * (1.0 / 9007199254740992.0);
}

/*
 * The present value of o at o->sigma, through the normalised Black function,
 * with ln(F/K) formed as td_iv forms it (log1p near the money), so the
 * repricing error measures the solver and not two roundings of ln(F/K).
 */
static double iv_price(const td_opt *o)
{
	double d = exp(-o->r * o->T);
	double x = o->S > 0.5 * o->K && o->S < 2.0 * o->K ? log1p((o->S - o->K) / o->K) : log(o->S / o->K);
	if (o->model == TD_MODEL_BSM)
		x += (o->r - o->q) * o->T;
	double s = o->sigma * sqrt(o->T);
	return d * o->K * exp(0.5 * x) * td_iv_black_normalised(x, s, o->right == TD_CALL ? 1.0 : -1.0);
}

/* Fill the set; options whose price has no identifiable IV (underflow, no time value) are redrawn. */
static void iv_fill(struct iv_case *c)
{
	uint64_t st = 0x9e3779b97f4a7c15ull;
	for (int i = 0; i < IV_SET;) {
		td_opt o = { .right = iv_rng(&st) & 1 ? TD_CALL : TD_PUT,
			     .model = iv_rng(&st) % 4 == 0 ? TD_MODEL_BLACK76 : TD_MODEL_BSM,
			     .S = 100.0, .r = 0.04, .q = 0.015 };
		o.T = exp(log(30.0 / (365.0 * 24 * 60)) + iv_unit(&st) * (log(3.0) - log(30.0 / (365.0 * 24 * 60))));
		double atm = 0.10 + 0.70 * iv_unit(&st);
		double z = 6.0 * iv_unit(&st) - 3.0;                 /* strike in standard deviations */
		o.sigma = atm * (1.0 - 0.08 * z + 0.03 * z * z);      /* a skewed smile */
		double f = o.model == TD_MODEL_BSM ? o.S * exp((o.r - o.q) * o.T) : o.S;
		o.K = f * exp(-z * atm * sqrt(o.T));
		double p = iv_price(&o);
		double sig;
		if (!(p > 0) || td_iv(&o, p, &sig, NULL) < 0)
			continue;
		c[i].o = o;
		c[i].price = p;
		i++;
	}
}

#define MANY_CHUNK 512   /* options per td_iv_many call; divides IV_SET */

/* ns per IV of one round over the set, one td_iv call per option or (many) td_iv_many by chunks; *sum gathers the vols. */
static double iv_round(const struct iv_case *c, int many, double *sum, long *fails)
{
	static td_opt o[MANY_CHUNK];
	static double price[MANY_CHUNK], sig[MANY_CHUNK];
	static int rc[MANY_CHUNK];
	double t0 = td_bench_seconds();
	for (int i = 0; i < IV_SET; i += MANY_CHUNK) {
		if (many) {
			for (int k = 0; k < MANY_CHUNK; k++) {
				o[k] = c[i + k].o;
				price[k] = c[i + k].price;
			}
			*fails += (long)td_iv_many(o, price, sig, rc, NULL, MANY_CHUNK);
		} else {
			for (int k = 0; k < MANY_CHUNK; k++)
				rc[k] = td_iv(&c[i + k].o, c[i + k].price, &sig[k], NULL);
			for (int k = 0; k < MANY_CHUNK; k++)
				*fails += rc[k] != 0;
		}
		for (int k = 0; k < MANY_CHUNK; k++)
			*sum += rc[k] == 0 ? sig[k] : 0;
	}
	return (td_bench_seconds() - t0) * 1e9 / IV_SET;
}

/* The worst relative repricing error over the set, and how far the vol was off there. */
static double worst_error(const struct iv_case *c, int many, double *worst_sig)
{
	static td_opt o[IV_SET];
	static double price[IV_SET], sig[IV_SET];
	static int rc[IV_SET];
	for (int i = 0; i < IV_SET; i++) {
		o[i] = c[i].o;
		price[i] = c[i].price;
	}
	if (many) {
		td_iv_many(o, price, sig, rc, NULL, IV_SET);
	} else {
		for (int i = 0; i < IV_SET; i++)
			rc[i] = td_iv(&o[i], price[i], &sig[i], NULL);
	}
	double worst = 0;
	*worst_sig = 0;
	for (int i = 0; i < IV_SET; i++) {
		if (rc[i] != 0)
			continue;
		td_opt r = o[i];
		r.sigma = sig[i];
		double err = fabs(iv_price(&r) / price[i] - 1.0);
		if (err > worst) {
			worst = err;
			*worst_sig = fabs(sig[i] / o[i].sigma - 1.0);
		}
	}
	return worst;
}

/* Print ns per IV over the mix, one call per option and in batches, and the worst relative repricing error. */
void td_bench_iv(void)
{
	struct iv_case *c = malloc(IV_SET * sizeof(*c));
	if (!c) {
		printf("iv: out of memory\n");
		return;
	}
	iv_fill(c);
	static const char *what[] = { "td_iv", "batch (td_iv_many)" };
	for (int many = 0; many < 2; many++) {
		double sum = 0, ns[IV_PASSES];
		long fails = 0;
		for (int pass = 0; pass < IV_PASSES; pass++)
			ns[pass] = iv_round(c, many, &sum, &fails);
		long n = (long)IV_PASSES * IV_SET;
		double best, median = td_bench_median(ns, IV_PASSES, &best), worst_sig;
		double worst = worst_error(c, many, &worst_sig);
		printf("iv: %s, %ld implied vols in %d rounds of %d: best %.1f ns/iv, median %.1f (target < 300; %ld failed, checksum %.6f)\n",
		       what[many], n, IV_PASSES, IV_SET, best, median, fails, sum / (double)n);
		printf("iv: %s, worst repricing error %.2e relative (vol off by %.2e relative there)\n", what[many], worst, worst_sig);
	}
	free(c);
}
