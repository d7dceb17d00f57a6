/*
 * Latency percentiles over a sliding window, in bounded memory.
 *
 * A log-linear histogram (8 sub-buckets per power of two, so any reported
 * value is within 12.5 % of the true one) from 1 µs to about 1 minute.  Two
 * windows alternate: the figures cover the current window plus the previous
 * complete one, so they change smoothly and old spikes age out.
 */
#ifndef TD_LATENCY_H
#define TD_LATENCY_H

#include <stdint.h>

#include "core/time.h"

#define TD_LAT_SUB 8
#define TD_LAT_OCTAVES 26
#define TD_LAT_BUCKETS (TD_LAT_SUB * TD_LAT_OCTAVES)

typedef struct td_latency {
	uint64_t win[2][TD_LAT_BUCKETS];
	uint64_t count[2];
	int cur;
	td_mono window_start;
	td_ns window_len;
} td_latency;

/* Start empty with a window of window_len ns. */
void td_latency_init(td_latency *l, td_ns window_len);

/* Record one sample of ns nanoseconds, taken at monotonic time now. */
void td_latency_add(td_latency *l, td_ns ns, td_mono now);

/* The q-quantile (0..1) in ns over both windows; -1 when there are no samples. */
td_ns td_latency_quantile(const td_latency *l, double q);

/* Samples in both windows. */
uint64_t td_latency_count(const td_latency *l);

#endif
