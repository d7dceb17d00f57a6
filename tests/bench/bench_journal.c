/*
 * Order journal appends: the price of fdatasync on every record, against the
 * same appends unsynced, in a journal under $TMPDIR (or /tmp).  The synced
 * figure depends on the disk and file system under that directory, which is
 * printed with it.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"
#include "oms/journal.h"

#define BENCH_SYNCED_MAX 20000     /* synced appends at most ... */
#define BENCH_SYNCED_SECS 2.0      /* ... or this long, whichever ends first */
#define BENCH_UNSYNCED 200000

/* Append up to n records to a new journal in dir for at most secs; appends done, time in *took. */
static uint64_t bench_run(const char *dir, bool synced, uint64_t n, double secs, double *took)
{
	char path[512], err[1280], payload[128];
	snprintf(path, sizeof path, "%s/bench.journal", dir);
	td_journal_info info;
	td_journal *j = td_journal_open(path, NULL, NULL, &info, err, sizeof err);
	if (!j) {
		fprintf(stderr, "journal: %s\n", err);
		return 0;
	}
	if (!synced)
		td_journal_bench_nosync(j);
	uint64_t done = 0;
	double t0 = td_bench_seconds(), t = t0;
	while (done < n && t - t0 < secs) {
		snprintf(payload, sizeof payload, "id=TD-%" PRIu64 "\tinstr=3\tside=buy\tqty=100\t"
			 "type=limit\tpx=451230\ttif=day", done + 1);
		if (td_journal_append(j, 'O', 1700000000000000000 + (int64_t)done, payload, NULL, err,
				      sizeof err) != 0) {
			fprintf(stderr, "journal: %s\n", err);
			break;
		}
		done++;
		if (done % 64 == 0 || synced)
			t = td_bench_seconds();
	}
	*took = td_bench_seconds() - t0;
	td_journal_close(j);
	unlink(path);
	return done;
}

/* Print appends/s and µs per append. */
static void bench_print(const char *what, uint64_t n, double secs)
{
	if (n == 0 || secs <= 0)
		return;
	printf("journal %s: %.0f appends/s\n", what, (double)n / secs);
	printf("journal %s: %.2f us/append\n", what, secs / (double)n * 1e6);
}

void td_bench_journal(void)
{
	const char *tmp = getenv("TMPDIR");
	char dir[512];
	snprintf(dir, sizeof dir, "%s/td_bench_journal_XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir)) {
		perror("journal: mkdtemp");
		return;
	}
	double secs;
	uint64_t n = bench_run(dir, true, BENCH_SYNCED_MAX, BENCH_SYNCED_SECS, &secs);
	bench_print("fdatasync", n, secs);
	n = bench_run(dir, false, BENCH_UNSYNCED, 1e9, &secs);
	bench_print("no sync", n, secs);
	printf("journal dir: %s\n", tmp && *tmp ? tmp : "/tmp");
	rmdir(dir);
}
