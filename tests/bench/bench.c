/*
 * make bench: print the figures.  Nothing here asserts a time: machines are
 * shared and noisy, so speed is reported, not tested.
 */
#include "bench.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/ring.h"

double td_bench_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

double td_bench_median(double *v, int n, double *best)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	*best = v[0];
	return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

#define RING_EVENTS 20000000ull

static void *ring_producer(void *arg)
{
	td_ring *r = arg;
	td_event ev = { .type = TD_EV_TRADE };
	for (uint64_t i = 0; i < RING_EVENTS; i++) {
		ev.exch_ns = (td_ns)i;
		while (!td_ring_push(r, &ev))
			;
	}
	return NULL;
}

/* Two threads through one ring of 64k events, batches of 1024 on the consumer side. */
void td_bench_ring(void)
{
	td_ring *r = td_ring_new(1 << 16);
	static td_event buf[1024];
	pthread_t t;
	double t0 = td_bench_seconds();
	pthread_create(&t, NULL, ring_producer, r);
	uint64_t got = 0, sum = 0;
	while (got < RING_EVENTS) {
		size_t n = td_ring_pop(r, buf, 1024);
		for (size_t i = 0; i < n; i++)
			sum += (uint64_t)buf[i].exch_ns;
		got += n;
	}
	pthread_join(t, NULL);
	double dt = td_bench_seconds() - t0;
	printf("ring: %llu events across two threads in %.3f s = %.0f events/s (%.1f ns/event, checksum %llu)\n",
	       (unsigned long long)got, dt, (double)got / dt, dt * 1e9 / (double)got, (unsigned long long)(sum & 0xffff));
	td_ring_free(r);
}

static const struct {
	const char *name;
	void (*run)(void);
} benches[] = {
	{ "sim", td_bench_sim },
	{ "ring", td_bench_ring },
	{ "engine", td_bench_engine },
	{ "render", td_bench_render },
	{ "panes", td_bench_panes },
	{ "replay", td_bench_replay },
	{ "bars", td_bench_bars },
	{ "footprint", td_bench_footprint },
	{ "profile", td_bench_profile },
	{ "indicators", td_bench_indicators },
	{ "orderflow", td_bench_orderflow },
	{ "analytics", td_bench_analytics },
	{ "bsm", td_bench_bsm },
	{ "iv", td_bench_iv },
	{ "american", td_bench_american },
	{ "chain", td_bench_chain },
	{ "scan", td_bench_scan },
	{ "journal", td_bench_journal },
	{ "paper", td_bench_paper },
	{ "alert", td_bench_alert },
};

/* With arguments, only the named benches run (./build/bench bsm iv). */
static int wanted(const char *name, int argc, char **argv)
{
	if (argc < 2)
		return 1;
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], name) == 0)
			return 1;
	return 0;
}

int main(int argc, char **argv)
{
	printf("tapedeck bench (figures only; %s)\n", "one run, this machine, now");
	for (size_t i = 0; i < sizeof benches / sizeof benches[0]; i++)
		if (wanted(benches[i].name, argc, argv))
			benches[i].run();
	return 0;
}
