/* The engine draining the simulator at full speed: feed thread -> ring -> market state. */
#include "bench.h"

#include <stdio.h>

#include "core/config.h"
#include "engine/engine.h"

#define ENGINE_EVENTS 10000000ull

void td_bench_engine(void)
{
	td_config cfg;
	td_config_defaults(&cfg);
	cfg.speed = 0;
	char err[256];
	td_engine *e = td_engine_new(&cfg, err, sizeof(err));
	if (!e || td_engine_start(e, err, sizeof(err)) < 0) {
		printf("engine: %s\n", err);
		td_engine_free(e);
		return;
	}
	double t0 = td_bench_seconds();
	uint64_t got = 0;
	while (got < ENGINE_EVENTS)
		got += td_engine_drain(e, 1 << 16);
	double dt = td_bench_seconds() - t0;
	td_feed_stats fs = td_feed_get_stats(td_engine_feed(e));
	printf("engine: %llu events simulated (feed thread), queued and applied (engine) in %.3f s = %.0f events/s "
	       "end to end; the feed waited on a full ring %llu times\n",
	       (unsigned long long)got, dt, (double)got / dt, (unsigned long long)fs.stalls);
	td_engine_free(e);
}
