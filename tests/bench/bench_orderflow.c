/*
 * Order-flow speed: prints per second through VPIN, sweep, block and
 * large-lot detection together, on a synthetic tape with bursts of same-side
 * prints walking the book and heavy-tailed sizes, so every branch is taken.
 * The tape is built before the clock starts; the figures are the module's.
 */
#include <stdio.h>
#include <stdlib.h>

#include "bench.h"
#include "analytics/orderflow.h"

#define TAPE_LEN (1u << 20)
#define PASSES 10

/* xorshift64: cheap, deterministic noise for the tape. */
static uint64_t next_rand(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* A tape of bursts: 1 to 8 prints of one side, stepping a tick or holding, 0..2 ms apart. */
static void build_tape(td_trade *tape, size_t n)
{
	uint64_t s = 88172645463325252ull;
	td_ns ts = 0;
	td_ticks px = 100000;
	size_t i = 0;
	while (i < n) {
		uint64_t r = next_rand(&s);
		uint8_t side = (uint8_t)(r % 16 == 0 ? TD_SIDE_NONE : 1 + (r >> 4) % 2);
		int burst = 1 + (int)((r >> 8) % 8);
		ts += (td_ns)((r >> 16) % (20 * TD_NS_PER_MS));
		for (int k = 0; k < burst && i < n; k++, i++) {
			uint64_t q = next_rand(&s);
			if (k > 0 && q % 2 && side != TD_SIDE_NONE)
				px += side == TD_SIDE_BUY ? 1 : -1;
			ts += (td_ns)((q >> 8) % (2 * TD_NS_PER_MS));
			/* sizes 1..16 mostly, a 1-in-64 tail up to ~1000 */
			int64_t size = 1 + (int64_t)((q >> 32) % 16);
			if ((q >> 48) % 64 == 0)
				size *= 1 + (int64_t)((q >> 20) % 64);
			tape[i] = (td_trade){ .ts = ts, .px = px, .size = size, .aggr = side };
		}
	}
}

/* Run the tape PASSES times, shifting time forward so every pass continues the last. */
static void bench_tape(const td_trade *tape, size_t n)
{
	td_orderflow_params p = { .bucket_volume = 5000, .block_size = 500 };
	td_orderflow *of = td_orderflow_new(&p, NULL, 0);
	if (!of) {
		printf("orderflow: cannot create\n");
		return;
	}
	td_ns span = tape[n - 1].ts + TD_NS_PER_SEC;
	td_orderflow_out out;
	uint64_t sweeps = 0, blocks = 0, large = 0;
	double t0 = td_bench_seconds();
	for (int pass = 0; pass < PASSES; pass++) {
		for (size_t i = 0; i < n; i++) {
			td_trade t = tape[i];
			t.ts += span * pass;
			td_orderflow_add_trade(of, &t, &out);
			sweeps += (out.flags & TD_OF_SWEEP_END) != 0;
			blocks += (out.flags & TD_OF_BLOCK) != 0;
			large += (out.flags & TD_OF_LARGE) != 0;
		}
	}
	double dt = td_bench_seconds() - t0;
	double total = (double)n * PASSES, vpin = 0;
	uint64_t buckets = 0;
	td_orderflow_vpin(of, &vpin, &buckets);
	printf("orderflow: %.0f prints in %.3f s = %.0f prints/s, %.1f ns/print (VPIN + sweeps + blocks + large lots)\n",
	       total, dt, total / dt, dt * 1e9 / total);
	printf("orderflow: %llu buckets (VPIN %.3f), %llu sweeps, %llu blocks, %llu large lots\n",
	       (unsigned long long)buckets, vpin, (unsigned long long)sweeps,
	       (unsigned long long)blocks, (unsigned long long)large);
	td_orderflow_free(of);
}

/* Book imbalance over the top 10 levels of two 32-level sides. */
static void bench_imbalance(void)
{
	int64_t bid[32], ask[32];
	uint64_t s = 7;
	for (int i = 0; i < 32; i++) {
		bid[i] = 1 + (int64_t)(next_rand(&s) % 100);
		ask[i] = 1 + (int64_t)(next_rand(&s) % 100);
	}
	const long calls = 20000000;
	double sum = 0, x;
	double t0 = td_bench_seconds();
	for (long i = 0; i < calls; i++) {
		bid[i & 31] ^= 1;  /* a book that changes, so the calls are not hoisted */
		td_orderflow_imbalance(bid, 32, ask, 32, 10, &x);
		sum += x;
	}
	double dt = td_bench_seconds() - t0;
	printf("orderflow: imbalance top 10: %.1f ns/call (checksum %.3f)\n", dt * 1e9 / (double)calls,
	       sum / (double)calls);
}

void td_bench_orderflow(void)
{
	td_trade *tape = malloc(TAPE_LEN * sizeof(*tape));
	if (!tape) {
		printf("orderflow: out of memory for the tape\n");
		return;
	}
	build_tape(tape, TAPE_LEN);
	bench_tape(tape, TAPE_LEN);
	free(tape);
	bench_imbalance();
}
