/*
 * Bucket b covers [lo, hi) where, for octave o = b / SUB and sub s = b % SUB,
 * lo = 2^o us * (1 + s/SUB).  A quantile reports the bucket's midpoint.
 */
#include "latency.h"

#include <string.h>

void td_latency_init(td_latency *l, td_ns window_len)
{
	memset(l, 0, sizeof(*l));
	l->window_len = window_len;
}

/* The bucket holding ns. */
static int bucket_of(td_ns ns)
{
	uint64_t us = ns < TD_NS_PER_US ? 1 : (uint64_t)(ns / TD_NS_PER_US);
	int o = 63 - __builtin_clzll(us);
	if (o >= TD_LAT_OCTAVES)
		return TD_LAT_BUCKETS - 1;
	uint64_t base = (uint64_t)1 << o;
	int s = (int)(((us - base) * TD_LAT_SUB) >> o);
	return o * TD_LAT_SUB + s;
}

/* The midpoint of bucket b in ns. */
static td_ns bucket_mid(int b)
{
	int o = b / TD_LAT_SUB, s = b % TD_LAT_SUB;
	double lo = (double)((uint64_t)1 << o) * (1.0 + (double)s / TD_LAT_SUB);
	double width = (double)((uint64_t)1 << o) / TD_LAT_SUB;
	return (td_ns)((lo + width / 2) * TD_NS_PER_US);
}

void td_latency_add(td_latency *l, td_ns ns, td_mono now)
{
	if (l->window_start == 0)
		l->window_start = now;
	if (now - l->window_start >= l->window_len) {
		l->cur ^= 1;
		memset(l->win[l->cur], 0, sizeof(l->win[l->cur]));
		l->count[l->cur] = 0;
		l->window_start = now;
	}
	l->win[l->cur][bucket_of(ns < 0 ? 0 : ns)]++;
	l->count[l->cur]++;
}

uint64_t td_latency_count(const td_latency *l)
{
	return l->count[0] + l->count[1];
}

td_ns td_latency_quantile(const td_latency *l, double q)
{
	uint64_t total = td_latency_count(l);
	if (total == 0)
		return -1;
	uint64_t rank = (uint64_t)(q * (double)total);
	if (rank >= total)
		rank = total - 1;
	uint64_t seen = 0;
	for (int b = 0; b < TD_LAT_BUCKETS; b++) {
		seen += l->win[0][b] + l->win[1][b];
		if (seen > rank)
			return bucket_mid(b);
	}
	return bucket_mid(TD_LAT_BUCKETS - 1);
}
