/*
 * The volatility-spike circuit breaker's window: per instrument, the high
 * and low of the trade prices over the last `window` seconds, and whether
 * the breaker is tripped.
 *
 * The move over the window is (high - low) / low, in percent.  The breaker
 * trips for an instrument when the move exceeds the limit, and stays tripped
 * until `cooldown` seconds after the last instant the move exceeded it.  As
 * time passes without trades the window slides and old prices leave it, so
 * that instant can come after the last trade: it is when the older end of
 * the move leaves the window.
 *
 * The window is a ring of buckets per instrument, each the high and low of
 * the trades of w whole seconds (w = 1 for windows up to TD_SPIKE_BUCKETS
 * seconds, else the window divided by TD_SPIKE_BUCKETS, rounded up).  At
 * time t the window holds the bucket of t and the ones before it that start
 * less than `window` seconds (rounded up to whole buckets) before that
 * bucket's end.  Memory is fixed when made: at most TD_SPIKE_BUCKETS
 * buckets of 24 bytes per instrument.  A trade costs O(1) and allocates
 * nothing; rolling into a new bucket rescans the window (at most
 * TD_SPIKE_BUCKETS buckets, once per bucket of an instrument that trades),
 * and so does a trade that makes a new high or low of its bucket while the
 * move is over the limit.
 *
 * Pure: no I/O, no clock.  Times are what the caller passes (the
 * exchange's, ns); not thread-safe, like the rest of the order manager.
 */
#ifndef TD_SPIKE_H
#define TD_SPIKE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/time.h"

#define TD_SPIKE_BUCKETS 120   /* most buckets of one instrument's window */

typedef struct td_spike td_spike;

/* The breaker's state for one instrument at an instant. */
typedef struct td_spike_info {
	bool tripped;
	bool traded;        /* some trade of the instrument is inside the window */
	double move_pct;    /* tripped: the largest move since it tripped; else the move over the window now */
	int window_s;       /* the window, seconds */
	double limit_pct;   /* the limit, percent */
	td_ns at;           /* the instant asked about */
	td_ns until;        /* tripped: when it clears if the move goes no further; else 0 */
} td_spike_info;

/*
 * A breaker for instruments 0 .. n_instruments - 1 over a window of
 * window_s seconds (at least 1) that trips above pct percent and stays
 * tripped cooldown_s seconds (0 or more) after the move last exceeded it.
 * pct <= 0 makes a breaker that never trips.  NULL when out of memory or
 * for a window or cooldown out of range.
 */
td_spike *td_spike_new(size_t n_instruments, int window_s, double pct, int cooldown_s);
void td_spike_free(td_spike *s);

/*
 * A trade of instr at price (price units; any positive scale, the move is a
 * ratio) at t_ns.  Trades of unknown instruments, at prices that are not
 * positive and finite, or older than the window are ignored.
 */
void td_spike_trade(td_spike *s, uint32_t instr, double price, td_ns t_ns);

/* The state of instr at t_ns (not before its last trade); an unknown instrument is never tripped. */
void td_spike_state(const td_spike *s, uint32_t instr, td_ns t_ns, td_spike_info *info);

#endif
