/*
 * Bars: trades per second through all six timeframes, the session VWAP and
 * the cumulative delta, from an in-memory array, and the bytes held.
 *
 * Two days of 3 million trades each (a busy future): one inside regular
 * hours (regular-only bars), one spread over the whole local date (all
 * hours, so segment and date changes are crossed).  Prices walk a tick at a
 * time; sizes and aggressors vary.  Each day is run BENCH_PASSES times on a
 * fresh instance and the best pass is reported, through td_bars_add_all and
 * (regular hours) through one td_bars_add call a trade.
 */
#include <stdio.h>
#include <stdlib.h>

#include "analytics/bars.h"
#include "bench.h"

#define BENCH_TRADES 3000000
#define BENCH_PASSES 10

/* A deterministic day of n trades from `from` over `span` ns. */
static void bench_day(td_trade *t, size_t n, td_ns from, td_ns span)
{
	uint64_t x = 88172645463325252ull;  /* xorshift64 */
	td_ticks px = 500000;
	for (size_t i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		px += (td_ticks)(x % 3) - 1;
		t[i] = (td_trade){ from + (td_ns)i * (span / (td_ns)n), px,
				   1 + (int64_t)(x >> 40) % 50, (uint8_t)((x >> 20) % 3) };
	}
}

/* Feed n trades one td_bars_add call at a time, as the engine does per event. */
static void bench_add_each(td_bars *b, const td_trade *t, size_t n)
{
	for (size_t i = 0; i < n; i++)
		td_bars_add(b, &t[i]);
}

/* Run one day through fresh instances, batched or one call a trade; print the best rate. */
static void bench_run(const char *what, const td_trade *t, size_t n, bool all_hours, bool batch)
{
	td_bars_params p = { .session = td_session_find("us"), .all_hours = all_hours };
	char err[128];
	double best = 1e30;
	size_t mem = 0;
	uint64_t bars = 0;
	for (int pass = 0; pass < BENCH_PASSES; pass++) {
		td_bars *b = td_bars_new(&p, err, sizeof(err));
		if (!b) {
			printf("bars: %s\n", err);
			return;
		}
		double t0 = td_bench_seconds();
		if (batch)
			td_bars_add_all(b, t, n);
		else
			bench_add_each(b, t, n);
		double dt = td_bench_seconds() - t0;
		best = dt < best ? dt : best;
		mem = td_bars_memory(b);
		bars = td_bars_closed(b, TD_BARS_1M);
		td_bars_free(b);
	}
	printf("bars %s%s: %zu trades in %.4f s = %.0f trades/s (%.2f ns/trade, %llu 1m bars closed)\n", what,
	       batch ? "" : " (one call a trade)", n, best, (double)n / best, best * 1e9 / (double)n,
	       (unsigned long long)bars);
	if (batch)
		printf("bars %s: %zu bytes (%zu per ring slot, 2000 slots x 6 timeframes)\n", what, mem,
		       sizeof(td_bar));
}

void td_bench_bars(void)
{
	td_trade *t = malloc(BENCH_TRADES * sizeof(*t));
	if (!t) {
		printf("bars: out of memory\n");
		return;
	}
	const td_tz *ny = td_tz_find("America/New_York");
	int64_t day = td_days_from_civil(2024, 1, 2);  /* a Tuesday */
	bench_day(t, BENCH_TRADES, td_tz_to_utc(ny, day, (9 * 60 + 30) * TD_NS_PER_MIN), 390 * TD_NS_PER_MIN);
	bench_run("regular", t, BENCH_TRADES, false, true);
	bench_run("regular", t, BENCH_TRADES, false, false);
	bench_day(t, BENCH_TRADES, td_tz_to_utc(ny, day, 0), TD_NS_PER_DAY);
	bench_run("all-hours", t, BENCH_TRADES, true, true);
	free(t);
}
