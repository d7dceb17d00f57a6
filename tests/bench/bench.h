/*
 * `make bench`: each module contributes one function that prints its figures
 * as "name: value unit" lines.  Figures, never assertions.
 */
#ifndef TD_BENCH_H
#define TD_BENCH_H

#include <stdint.h>

/* Wall-clock seconds since an arbitrary start, for the figures. */
double td_bench_seconds(void);

/*
 * The median of v[0..n) (n >= 1), sorting v, with the least in *best.  On
 * a shared machine one long run mixes the code's cost with other tenants'
 * load; the best of many short rounds is the code's, the median the
 * typical, and both are printed.
 */
double td_bench_median(double *v, int n, double *best);

void td_bench_sim(void);
void td_bench_ring(void);
void td_bench_engine(void);
void td_bench_render(void);
void td_bench_replay(void);
void td_bench_bars(void);
void td_bench_footprint(void);
void td_bench_profile(void);
void td_bench_indicators(void);
void td_bench_orderflow(void);
void td_bench_analytics(void);
void td_bench_panes(void);
void td_bench_bsm(void);
void td_bench_iv(void);
void td_bench_american(void);
void td_bench_chain(void);
void td_bench_scan(void);
void td_bench_journal(void);
void td_bench_paper(void);
void td_bench_alert(void);

#endif
