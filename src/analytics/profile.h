/*
 * Volume profile: volume traded at each price row, for a session, and for any
 * time range after the fact through fixed time slices.
 *
 * Rows are `row_ticks` ticks tall; row r holds prices [r * row_ticks,
 * (r + 1) * row_ticks) and is reported by its low edge.  Volume lives in a
 * flat array indexed by row - base that grows geometrically towards a new
 * price, so a trade costs an index and an add (O(1) amortised).  Point of
 * control, value area and nodes are computed on demand by the helpers at the
 * bottom, which work on any array of row counts (the TPO profile uses them).
 *
 * Bounds: the row span (lowest to highest row ever traded) is capped at
 * max_rows, 8 bytes a row (16 with slices); a trade that would widen it
 * further is dropped and counted (td_profile_dropped).  The slice store holds
 * one 16-byte entry per row touched in each slice and stops growing at
 * max_slice_bytes; after that range queries that reach later say so.
 */
#ifndef TD_PROFILE_H
#define TD_PROFILE_H

#include <stddef.h>
#include <stdint.h>

#include "analytics/trade.h"
#include "core/price.h"
#include "core/time.h"

typedef struct td_profile td_profile;

/* The row of a price: floor(px / row_ticks), so negative prices (spreads) round down. */
static inline int64_t td_profile_row_of(td_ticks px, td_ticks row_ticks)
{
	if (row_ticks == 1)
		return px;
	int64_t q = px / row_ticks;
	return (px % row_ticks < 0) ? q - 1 : q;
}

typedef struct td_profile_params {
	td_ticks row_ticks;      /* ticks per row; >= 1 */
	size_t max_rows;         /* cap on the row span; 1 .. 2^26 */
	td_ns slice_ns;          /* slice length for td_profile_range (aligned to the epoch); 0 = no slices */
	size_t max_slice_bytes;  /* cap on the slice store; ignored without slices */
} td_profile_params;

/* A new empty profile, or NULL with a message in err (bad parameters, no memory). */
td_profile *td_profile_new(const td_profile_params *pp, char *err, size_t errlen);

void td_profile_free(td_profile *p);

/* Forget every trade and slice; the parameters and the memory stay. */
void td_profile_clear(td_profile *p);

/* Count one trade: size at its price row (and in the slice of its time). */
void td_profile_add(td_profile *p, const td_trade *tr);

/* Trades dropped: size <= 0, or they would have widened the span past max_rows. */
int64_t td_profile_dropped(const td_profile *p);

/* Parameters the profile was made with. */
const td_profile_params *td_profile_params_of(const td_profile *p);

/*
 * The rows from the lowest to the highest traded row: returns their number (0
 * when empty), sets *lo_px to the low edge of the first row and *rows to the
 * counts (borrowed; valid until the next add or clear).
 */
size_t td_profile_rows(const td_profile *p, td_ticks *lo_px, const int64_t **rows);

typedef struct td_profile_stats {
	int64_t volume;       /* total size counted */
	int64_t trades;       /* trades counted */
	td_ticks high, low;   /* highest and lowest traded price (exact ticks; row edges for a range result) */
	td_ticks poc;         /* low edge of the point-of-control row */
	td_ticks vah, val;    /* low edges of the highest and lowest value-area rows */
	int64_t poc_volume;   /* volume in the POC row */
	int64_t va_volume;    /* volume inside the value area */
} td_profile_stats;

/* POC and value area at va_pct percent (1..100); 0, or -1 when empty or va_pct is bad. */
int td_profile_stats_get(const td_profile *p, unsigned va_pct, td_profile_stats *out);

/*
 * Fill `out` (cleared first; it must have the same row_ticks and no slices
 * of its own are needed) with the trades of the slices starting in
 * [from, to); a late trade counts in the slice open when it arrived.
 * Returns 0, or -1 when the profile keeps no slices, the row sizes differ,
 * or slices in the range were lost to a full store (out then holds the rest).
 */
int td_profile_range(const td_profile *p, td_ns from, td_ns to, td_profile *out);

/* ---- helpers on any array of row counts (index 0 = lowest price) ---- */

typedef struct td_va {
	size_t poc;        /* row of the point of control */
	size_t val, vah;   /* lowest and highest rows of the value area */
	int64_t total;     /* sum of all rows */
	int64_t in_va;     /* sum of rows val..vah */
} td_va;

/*
 * Point of control and value area of rows[0..n).  POC: the largest row; on a
 * tie the one closest to the middle of the traded range (first to last
 * non-zero row); equidistant candidates go to the side of the middle holding
 * more, then to the lower row (mypivots DVATool).  Value area: start at the
 * POC, compare the sum of the next two rows above with the next two below and
 * add the larger pair (an equal pair goes up), until the area holds at least
 * va_pct percent of the total (Linnsoft Investor/RT "Method A").  A side with
 * one row left offers that row alone; a side with none left is skipped.
 * Returns 0, or -1 when every row is zero or va_pct is not 1..100.
 */
int td_profile_va_of(const int64_t *rows, size_t n, unsigned va_pct, td_va *out);

typedef enum td_node_kind {
	TD_NODE_HVN = 1,  /* high-volume node: a local peak */
	TD_NODE_LVN = 2   /* low-volume node: a local trough */
} td_node_kind;

typedef struct td_node {
	size_t row;         /* index into the rows given */
	td_node_kind kind;
} td_node;

/*
 * High- and low-volume nodes of rows[0..n), lowest row first.  Only rows
 * between the first and last non-zero rows count, and a node needs `width`
 * such rows on both sides.  HVN: strictly above every row within `width`
 * below it, at least every row within `width` above it (so a flat top yields
 * its lowest row), and at least hvn_pct percent of the POC row.  LVN: the
 * mirror (strictly below the rows under it, at most the rows over it) and at
 * most lvn_pct percent of the POC row.  Writes up to max nodes and returns
 * how many there are in all.
 */
size_t td_profile_nodes_of(const int64_t *rows, size_t n, size_t width, unsigned hvn_pct,
			   unsigned lvn_pct, td_node *out, size_t max);

#endif
