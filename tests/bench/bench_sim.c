/*
 * The simulated market's raw speed: events generated per second on one core,
 * unthrottled, over a trading day from just before the open, and the heap
 * the simulator holds.
 */
#include <malloc.h>
#include <stdio.h>

#include "bench.h"
#include "core/instrument.h"
#include "core/session.h"
#include "feed/sim.h"

#define BENCH_EVENTS 5000000L

/* Generate BENCH_EVENTS events of one preset and print the rate and footprint. */
static void bench_market(const char *market)
{
	const td_session *se = td_session_find(market);
	td_registry *reg = td_registry_new(4096);
	td_sim_params p = { .seed = 1, .session = se, .date_days = 20775,  /* 2026-11-18, a Wednesday */
			    .start_tod = se->open_tod - 5 * TD_NS_PER_MIN };
	char err[128];
	size_t heap0 = mallinfo2().uordblks;
	td_sim *s = td_sim_new(&p, reg, err, sizeof(err));
	if (!s) {
		printf("sim %s: %s\n", market, err);
		td_registry_free(reg);
		return;
	}
	size_t heap = mallinfo2().uordblks - heap0;
	td_event ev;
	td_ns first = 0;
	double t0 = td_bench_seconds();
	for (long i = 0; i < BENCH_EVENTS; i++) {
		td_sim_next(s, &ev);
		if (i == 0)
			first = ev.exch_ns;
	}
	double dt = td_bench_seconds() - t0;
	printf("sim %s: %ld events in %.3f s = %.0f events/s\n", market, BENCH_EVENTS, dt,
	       (double)BENCH_EVENTS / dt);
	printf("sim %s: %.1f simulated hours, %zu instruments, %zu bytes of heap\n", market,
	       (double)(ev.exch_ns - first) / 3600e9, td_registry_count(reg), heap);
	td_sim_free(s);
	td_registry_free(reg);
}

void td_bench_sim(void)
{
	bench_market("us");
	bench_market("in");
}
