/*
 * Indicator speed: EMA(20), RSI(14), MACD(12,26,9), Bollinger(20,2) and
 * ATR(14) updated together on each of 10 million bars, then each alone.
 * Bars cycle through a 64k-bar random walk held in memory (2.5 MB, in
 * cache), so the figure is the indicators' cost, not the bar source's.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "analytics/indicators.h"
#include "bench.h"

#define BENCH_BARS 10000000L
#define BAR_RING (1 << 16)

/* The indicators under test and a checksum of the last values. */
struct kit {
	td_ind_ema ema;
	td_ind_rsi rsi;
	td_ind_macd macd;
	td_ind_bb *bb;
	td_ind_atr atr;
	td_ind_bands bands;
	double sum;
};

enum { RUN_ALL, RUN_EMA, RUN_RSI, RUN_MACD, RUN_BB, RUN_ATR, RUN_COUNT };
static const char *const run_name[RUN_COUNT] = { "ema+rsi+macd+bb+atr", "ema", "rsi", "macd",
						 "bb", "atr" };

/* A random walk around 100 with highs and lows a little apart. */
static td_ind_bar *make_bars(void)
{
	td_ind_bar *b = malloc(BAR_RING * sizeof(*b));
	uint64_t s = 88172645463325252ull;
	double px = 100;
	for (int i = 0; b && i < BAR_RING; i++) {
		s ^= s << 13;
		s ^= s >> 7;
		s ^= s << 17;
		px += ((double)(s % 2001) - 1000) * 1e-4;
		b[i] = (td_ind_bar){ px, px + 0.05, px - 0.05, px + 0.01, 1000 };
	}
	return b;
}

/* Feed every bar to the indicators selected by run; seconds taken. */
static double run(int which, const td_ind_bar *bars, struct kit *k)
{
	double t0 = td_bench_seconds();
	for (long i = 0; i < BENCH_BARS; i++) {
		const td_ind_bar *b = &bars[i & (BAR_RING - 1)];
		if (which == RUN_ALL || which == RUN_EMA)
			td_ind_ema_update(&k->ema, b->close);
		if (which == RUN_ALL || which == RUN_RSI)
			td_ind_rsi_update(&k->rsi, b->close);
		if (which == RUN_ALL || which == RUN_MACD)
			td_ind_macd_update(&k->macd, b->close);
		if (which == RUN_ALL || which == RUN_BB)
			td_ind_bb_update(k->bb, b->close, &k->bands);
		if (which == RUN_ALL || which == RUN_ATR)
			td_ind_atr_update(&k->atr, b->high, b->low, b->close);
	}
	double dt = td_bench_seconds() - t0;
	double last[] = { k->ema.value, k->rsi.value, k->macd.hist, k->bands.up, k->atr.value };
	for (int i = 0; i < 5; i++)
		k->sum += isnan(last[i]) ? 0 : last[i];
	return dt;
}

/* Print ns per bar for all five together, then for each alone. */
void td_bench_indicators(void)
{
	td_ind_bar *bars = make_bars();
	if (!bars) {
		printf("indicators: out of memory\n");
		return;
	}
	for (int w = 0; w < RUN_COUNT; w++) {
		struct kit k = { .bb = td_ind_bb_new(20, 2) };
		td_ind_ema_init(&k.ema, 20);
		td_ind_rsi_init(&k.rsi, 14);
		td_ind_macd_init(&k.macd, 12, 26, 9);
		td_ind_atr_init(&k.atr, 14);
		if (!k.bb) {
			printf("indicators: out of memory\n");
			break;
		}
		double dt = run(w, bars, &k);
		printf("indicators %s: %ld bars in %.3f s = %.1f ns/bar (checksum %.6f)\n", run_name[w],
		       BENCH_BARS, dt, dt * 1e9 / (double)BENCH_BARS, k.sum);
		td_ind_bb_free(k.bb);
	}
	free(bars);
}
