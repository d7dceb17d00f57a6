/*
 * The combined figure: bars (all timeframes, VWAP and bands,
 * cumulative delta) + footprint (1-minute bars, session ladder) + volume
 * profile + TPO, fed together, trade by trade, from an in-memory array of a
 * busy future's day: 3 million trades over the 6.5-hour US session, a
 * bursty random walk of about 300 ticks.  Each module takes a batch of 1,024
 * trades in turn, as the engine will (it drains the ring in batches), so each
 * module's state stays in cache for its batch.  Memory is the heap the analytics
 * hold after the day (mallinfo2), reported apart from the trade array.
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>

#include "analytics/bars.h"
#include "analytics/footprint.h"
#include "analytics/profile.h"
#include "analytics/tpo.h"
#include "bench.h"
#include "core/session.h"

#define DAY_TRADES 3000000L
#define PASSES 3
#define BATCH 1024  /* trades per module turn, as the engine drains the ring in batches */

/* A reproducible day starting at the 2026-11-20 regular open in New York. */
static td_trade *make_day(const td_session *s)
{
	td_trade *t = malloc(DAY_TRADES * sizeof(*t));
	td_ns open = td_tz_to_utc(td_session_tz(s), td_days_from_civil(2026, 11, 20), s->open_tod);
	td_ns step = (s->close_tod - s->open_tod) / DAY_TRADES;
	uint64_t x = 88172645463325252ull;
	td_ticks px = 20000;
	for (long i = 0; i < DAY_TRADES; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		int move = (int)(x % 7) - 3;
		if ((px + move) > 20150 || (px + move) < 19850)
			move = -move;
		px += move / 2;
		t[i] = (td_trade){ open + i * step, px, 1 + (int64_t)((x >> 20) % 20), (uint8_t)(1 + (x >> 40) % 2) };
	}
	return t;
}

/* One pass of all four modules; returns seconds, and the heap they hold in *bytes. */
static double one_pass(const td_session *s, const td_trade *t, size_t *bytes)
{
	char err[256];
	size_t before = mallinfo2().uordblks;
	td_bars_params bp = { .session = s, .all_hours = false };
	td_fp_params fp;
	td_footprint_defaults(&fp);
	fp.origin = t[0].ts;
	fp.tf = 60 * TD_NS_PER_SEC;
	fp.keep = 500;
	td_profile_params pp = { .row_ticks = 1, .max_rows = 1 << 16, .slice_ns = 0 };
	td_tpo_params tp = td_tpo_params_default(s);
	td_bars *b = td_bars_new(&bp, err, sizeof(err));
	td_footprint *f = td_footprint_new(&fp, err, sizeof(err));
	td_profile *p = td_profile_new(&pp, err, sizeof(err));
	td_tpo *o = td_tpo_new(&tp, err, sizeof(err));
	if (!b || !f || !p || !o) {
		printf("analytics: %s\n", err);
		exit(1);
	}
	double t0 = td_bench_seconds();
	for (long at = 0; at < DAY_TRADES; at += BATCH) {
		long n = DAY_TRADES - at < BATCH ? DAY_TRADES - at : BATCH;
		const td_trade *c = t + at;
		td_bars_add_all(b, c, (size_t)n);
		for (long i = 0; i < n; i++)
			td_footprint_add(f, &c[i]);
		for (long i = 0; i < n; i++)
			td_profile_add(p, &c[i]);
		for (long i = 0; i < n; i++)
			td_tpo_add(o, &c[i]);
	}
	double dt = td_bench_seconds() - t0;
	*bytes = mallinfo2().uordblks - before;
	td_bars_free(b);
	td_footprint_free(f);
	td_profile_free(p);
	td_tpo_free(o);
	return dt;
}

void td_bench_analytics(void)
{
	const td_session *s = td_session_find("us");
	td_trade *t = make_day(s);
	double best = 1e9;
	size_t bytes = 0;
	for (int i = 0; i < PASSES; i++) {
		double dt = one_pass(s, t, &bytes);
		best = dt < best ? dt : best;
	}
	printf("analytics (bars+VWAP+footprint+volume profile+TPO, one core): %.1f M trades/s, %.1f ns/trade "
	       "(best of %d passes over %ld trades, batches of %d)\n",
	       DAY_TRADES / best / 1e6, best * 1e9 / DAY_TRADES, PASSES, DAY_TRADES, BATCH);
	printf("analytics memory for the day: %.1f MB held by the analytics, plus %.1f MB for the 3M-trade array\n",
	       (double)bytes / 1e6, (double)DAY_TRADES * sizeof(td_trade) / 1e6);
	free(t);
}
