/*
 * Footprint speed and size on a synthetic busy-future day: 3 million trades
 * over 6.5 hours (one every 7.8 ms), a random walk held inside about 300
 * ticks, 1-minute bars, every bar kept.  Prints the add rate, the cost of
 * analysing every bar once (what a chart pays when bars close), the cost of
 * a UI frame on the live bar, and the heap held.
 */
#include <stdio.h>
#include <stdlib.h>

#include "bench.h"
#include "analytics/footprint.h"

#define DAY_TRADES 3000000L
#define PASSES 5
#define CENTRE 20000
#define HALF_RANGE 150

/* A reproducible day of trades in a fresh array (caller frees). */
static td_trade *make_day(void)
{
	td_trade *t = malloc(DAY_TRADES * sizeof(*t));
	if (!t)
		return NULL;
	uint64_t x = 88172645463325252ULL;
	td_ticks px = CENTRE;
	for (long i = 0; i < DAY_TRADES; i++) {
		x ^= x << 13;  /* xorshift64 */
		x ^= x >> 7;
		x ^= x << 17;
		unsigned r = (unsigned)(x >> 40);
		if ((r & 31) == 0)
			px += px >= CENTRE + HALF_RANGE ? -1 : 1;
		else if ((r & 31) == 1)
			px -= px <= CENTRE - HALF_RANGE ? -1 : 1;
		t[i] = (td_trade){ .ts = (td_ns)i * 7800000, .px = px, .size = 1 + (int64_t)((r >> 5) & 7),
				   .aggr = (uint8_t)(1 + ((r >> 8) & 1)) };
	}
	return t;
}

void td_bench_footprint(void)
{
	td_trade *day = make_day();
	if (!day) {
		printf("footprint: out of memory\n");
		return;
	}
	td_fp_params p;
	td_footprint_defaults(&p);
	char err[128];
	double add_s = 0, analyse_s = 0, frame_s = 0;
	size_t bytes = 0, bars = 0;
	for (int pass = 0; pass < PASSES; pass++) {
		td_footprint *fp = td_footprint_new(&p, err, sizeof(err));
		if (!fp) {
			printf("footprint: %s\n", err);
			break;
		}
		double t0 = td_bench_seconds();
		for (long i = 0; i < DAY_TRADES; i++)
			td_footprint_add(fp, &day[i]);
		double t1 = td_bench_seconds();
		td_fp_bar b;
		bars = td_footprint_count(fp);
		for (size_t i = 0; i < bars; i++)
			td_footprint_bar(fp, i, &b);
		td_footprint_bar(fp, TD_FP_SESSION, &b);
		double t2 = td_bench_seconds();
		/* a frame: 20 bars of 50 rows around the session POC, live bar changed */
		td_fp_cell rows[50];
		td_footprint_add(fp, &day[DAY_TRADES - 1]);
		for (size_t i = 0; i < 20; i++)
			td_footprint_rows(fp, i, b.poc + 25, rows, 50);
		double t3 = td_bench_seconds();
		add_s += t1 - t0;
		analyse_s += t2 - t1;
		frame_s += t3 - t2;
		bytes = td_footprint_bytes(fp);
		td_footprint_free(fp);
	}
	double n = (double)DAY_TRADES * PASSES;
	printf("footprint add: %.0f trades/s, %.2f ns/trade\n", n / add_s, add_s * 1e9 / n);
	printf("footprint analyse: %zu bars + session in %.3f ms, %.2f us/bar\n", bars,
	       analyse_s * 1e3 / PASSES, analyse_s * 1e6 / PASSES / (double)(bars + 1));
	printf("footprint frame: 20 bars x 50 rows in %.1f us\n", frame_s * 1e6 / PASSES);
	printf("footprint memory: %zu bytes for %ld trades, %zu bars kept\n", bytes, DAY_TRADES, bars);
	free(day);
}
