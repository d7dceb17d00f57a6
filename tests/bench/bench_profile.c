/*
 * Volume profile and TPO speed: trades per second on one core over a
 * synthetic regular session (a random walk of one tick, 20 million trades
 * spread over 6.5 hours), and the heap each holds afterwards.  The trades
 * are generated a block of 4,096 at a time outside the timed part and fed
 * from cache, as the engine feeds a batch drained from its ring; only the
 * feeding is timed.  The machine is shared, so besides the mean the fastest
 * block is printed: it is the cost when nothing else runs.
 */
#include <malloc.h>
#include <stdio.h>

#include "analytics/profile.h"
#include "analytics/tpo.h"
#include "bench.h"

#define BENCH_TRADES 20000000L
#define BLOCK 4096

/* A random walk of one tick from the 09:30 New York open of 2024-01-03 (14:30Z). */
typedef struct walk {
	uint64_t x;  /* xorshift64 state */
	td_ticks px;
	long i;
} walk;

/* The next block of trades of the walk. */
static void next_block(walk *w, td_trade *tr)
{
	const td_ns t0 = 1704292200LL * TD_NS_PER_SEC, span = 390LL * TD_NS_PER_MIN;
	for (long k = 0; k < BLOCK; k++, w->i++) {
		w->x ^= w->x << 13;
		w->x ^= w->x >> 7;
		w->x ^= w->x << 17;
		w->px += (td_ticks)(w->x % 3) - 1;
		tr[k] = (td_trade){ t0 + span / BENCH_TRADES * w->i, w->px, (int64_t)(w->x >> 60) + 1,
				    (uint8_t)((w->x >> 40 & 1) + 1) };
	}
}

typedef void (*add_fn)(void *h, const td_trade *tr);

/* Feed BENCH_TRADES trades to h in blocks; the seconds spent feeding, and in the fastest block. */
static double feed(void *h, add_fn add, double *best)
{
	static td_trade tr[BLOCK];
	walk w = { 88172645463325252ull, 400000, 0 };
	double busy = 0;
	*best = 1e9;
	for (long n = 0; n < BENCH_TRADES; n += BLOCK) {
		next_block(&w, tr);
		double t0 = td_bench_seconds();
		for (long k = 0; k < BLOCK; k++)
			add(h, &tr[k]);
		double dt = td_bench_seconds() - t0;
		busy += dt;
		*best = dt < *best ? dt : *best;
	}
	return busy;
}

/* Adapters to the common shape. */
static void read_only(void *h, const td_trade *tr)
{
	*(int64_t *)h += tr->size;
}

static void add_profile(void *h, const td_trade *tr)
{
	td_profile_add(h, tr);
}

static void add_tpo(void *h, const td_trade *tr)
{
	td_tpo_add(h, tr);
}

/* Heap in use, counting the large blocks malloc maps on its own. */
static size_t heap_now(void)
{
	struct mallinfo2 mi = mallinfo2();
	return mi.uordblks + mi.hblkhd;
}

/* Print the rate of one pass, its fastest block and the heap it took. */
static void report(const char *name, double dt, double best, size_t heap)
{
	printf("%s: %.0f trades/s, %.2f ns/trade (fastest block %.2f ns/trade), %zu bytes of heap\n", name,
	       (double)BENCH_TRADES / dt, dt * 1e9 / (double)BENCH_TRADES, best * 1e9 / BLOCK, heap);
}

/* The cost of the loop and an indirect call alone, to set the figures against. */
static void bench_baseline(void)
{
	int64_t sum = 0;
	double best, dt = feed(&sum, read_only, &best);
	printf("profile baseline (a call per trade, no work): %.2f ns/trade (fastest block %.2f; checksum %lld)\n",
	       dt * 1e9 / (double)BENCH_TRADES, best * 1e9 / BLOCK, (long long)sum);
}

/* Feed every trade to a volume profile, with or without one-minute slices. */
static void bench_volume(td_ns slice_ns, const char *name)
{
	size_t heap0 = heap_now();
	td_profile_params pp = { 1, 1 << 20, slice_ns, 64 << 20 };
	td_profile *p = td_profile_new(&pp, NULL, 0);
	double best, dt = feed(p, add_profile, &best);
	report(name, dt, best, heap_now() - heap0);
	td_profile_stats st;
	double t0 = td_bench_seconds();
	td_profile_stats_get(p, 70, &st);
	printf("%s: value area query %.1f us over %lld ticks of range\n", name,
	       (td_bench_seconds() - t0) * 1e6, (long long)(st.high - st.low));
	td_profile_free(p);
}

/* Feed every trade to a TPO profile with the default 30-minute periods. */
static void bench_tpo(void)
{
	size_t heap0 = heap_now();
	td_tpo_params pp = td_tpo_params_default(td_session_find("us"));
	td_tpo *t = td_tpo_new(&pp, NULL, 0);
	double best, dt = feed(t, add_tpo, &best);
	report("tpo", dt, best, heap_now() - heap0);
	td_tpo_stats st;
	double t0 = td_bench_seconds();
	td_tpo_day_stats(t, 0, &st);
	printf("tpo: day statistics query %.1f us (%s day, %s)\n", (td_bench_seconds() - t0) * 1e6,
	       td_tpo_daytype_name(st.day_type), td_tpo_open_name(st.open_type));
	td_tpo_free(t);
}

void td_bench_profile(void)
{
	bench_baseline();
	bench_volume(0, "volume profile");
	bench_volume(60 * TD_NS_PER_SEC, "volume profile, 1-minute slices");
	bench_tpo();
}
