/*
 * make bench: print the figures.  Nothing here asserts a time: machines are
 * shared and noisy, so speed is reported, not tested.
 */
#include "bench.h"

#include <pthread.h>
#include <stdio.h>
#include <time.h>

#include "core/ring.h"

double td_bench_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
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

int main(void)
{
	printf("tapedeck bench (figures only; %s)\n", "one run, this machine, now");
	td_bench_sim();
	td_bench_ring();
	td_bench_engine();
	td_bench_render();
	td_bench_panes();
	td_bench_replay();
	td_bench_bars();
	td_bench_footprint();
	td_bench_profile();
	td_bench_indicators();
	td_bench_orderflow();
	td_bench_analytics();
	td_bench_bsm();
	td_bench_iv();
	td_bench_american();
	td_bench_chain();
	return 0;
}
