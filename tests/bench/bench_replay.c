/* Tape write and read throughput: 2 million trades through a file in a temp directory. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench.h"
#include "feed/replay.h"

#define BENCH_EVENTS 2000000

/* Trade i of the synthetic tape, across two instruments. */
static td_event bench_event(uint32_t i)
{
	td_event e;
	memset(&e, 0, sizeof e);
	e.type = TD_EV_TRADE;
	e.instr = i & 1;
	e.exch_ns = 1700000000000000000LL + (td_ns)i * 1000;
	e.u.trade = (td_ev_trade){ .px = 50000 + (i % 97), .size = 1 + i % 500,
				   .aggressor = (uint8_t)(1 + i % 2) };
	return e;
}

/* Print events/s and MB/s for n events and bytes in secs. */
static void bench_print(const char *what, uint64_t n, double bytes, double secs)
{
	printf("replay %s: %.0f events/s\n", what, (double)n / secs);
	printf("replay %s: %.1f MB/s\n", what, bytes / secs / 1e6);
}

/* Write the tape at path; seconds taken (fsync included), or -1. */
static double bench_write(const char *path, const td_registry *reg)
{
	char err[256];
	double t0 = td_bench_seconds();
	td_tape_writer *w = td_tape_create(path, reg, err, sizeof err);
	if (!w)
		return fprintf(stderr, "replay: %s\n", err), -1;
	for (uint32_t i = 0; i < BENCH_EVENTS; i++) {
		td_event e = bench_event(i);
		if (td_tape_write(w, &e, err, sizeof err) < 0) {
			fprintf(stderr, "replay: %s\n", err);
			td_tape_close(w, err, sizeof err);
			return -1;
		}
	}
	if (td_tape_close(w, err, sizeof err) < 0)
		return fprintf(stderr, "replay: %s\n", err), -1;
	return td_bench_seconds() - t0;
}

/* Read the tape back; seconds taken, or -1. */
static double bench_read(const char *path)
{
	char err[256];
	td_registry *reg = td_registry_new(8);
	double t0 = td_bench_seconds();
	td_replay *r = td_replay_open(path, reg, err, sizeof err);
	if (!r) {
		fprintf(stderr, "replay: %s\n", err);
		td_registry_free(reg);
		return -1;
	}
	td_event e;
	uint64_t n = 0, sum = 0;
	int rc;
	while ((rc = td_replay_next(r, &e)) == 1) {
		n++;
		sum += (uint64_t)e.u.trade.size;
	}
	double secs = td_bench_seconds() - t0;
	if (rc < 0 || n != BENCH_EVENTS)
		fprintf(stderr, "replay: read %llu events (sum %llu): %s\n", (unsigned long long)n,
			(unsigned long long)sum, td_replay_first_error(r));
	td_replay_free(r);
	td_registry_free(reg);
	return secs;
}

void td_bench_replay(void)
{
	const char *tmp = getenv("TMPDIR");
	char dir[256], path[300];
	snprintf(dir, sizeof dir, "%s/td_bench_XXXXXX", tmp ? tmp : "/tmp");
	if (!mkdtemp(dir)) {
		perror("replay: mkdtemp");
		return;
	}
	snprintf(path, sizeof path, "%s/bench.td", dir);
	td_registry *reg = td_registry_new(8);
	td_instrument in;
	memset(&in, 0, sizeof in);
	in.px = (td_pxfmt){ .tick = 1, .scale = 2 };
	in.multiplier = 1;
	in.underlying = TD_NO_ID;
	strcpy(in.symbol, "AAA");
	td_registry_add(reg, &in);
	strcpy(in.symbol, "BBB");
	td_registry_add(reg, &in);

	double wsecs = bench_write(path, reg);
	struct stat st;
	if (wsecs > 0 && stat(path, &st) == 0) {
		bench_print("write", BENCH_EVENTS, (double)st.st_size, wsecs);
		double rsecs = bench_read(path);
		if (rsecs > 0)
			bench_print("read", BENCH_EVENTS, (double)st.st_size, rsecs);
	}
	unlink(path);
	rmdir(dir);
	td_registry_free(reg);
}
