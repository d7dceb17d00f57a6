/*
 * Footprint: bid- and ask-traded volume at every price, per time bar, plus a
 * session ladder that sums every bar (the DOM-style view).
 *
 * Bars are fixed time buckets aligned to an origin: bar k covers
 * [origin + k*tf, origin + (k+1)*tf), k may be negative.  Only buckets that
 * saw a trade exist (no empty bars are made for gaps).  The last `keep` bars
 * are kept in a ring; older bars are dropped but stay in the session ladder
 * and the cumulative delta.
 *
 * Volume by aggressor (td_trade.aggr):
 *   BUY  lifted the offer  -> "ask" volume (ask-traded)
 *   SELL hit the bid       -> "bid" volume (bid-traded)
 *   NONE unknown           -> "other" volume: counted in totals, POC and
 *                             volume nodes, never in delta or imbalances.
 * Delta = ask - bid.
 *
 * Cost: adding a trade is O(1): two flat arrays of cells indexed by
 * price - base (the bar's and the session's), grown geometrically up to
 * max_ticks; no hashing, no allocation except when a ladder widens.
 * Everything derived (POC, imbalances, stacks, patterns, volume nodes) is
 * computed on the first query after a change, in one O(range) pass over the
 * bar, and cached, so a UI redrawing 20 times a second pays for each bar
 * once, and the live bar at most once per frame.  Queries therefore take a
 * non-const handle.  Exact definitions: doc/footprint.md.
 *
 * Memory: 32 bytes a cell.  Each kept bar holds a ladder no wider than
 * max_ticks, the session one more, plus 8 bytes a tick of scratch: at most
 * (keep + 1) * max_ticks * 32 + max_ticks * 8 bytes; in practice each ladder
 * is about twice its price range (a 1-minute bar of a busy future ~ 64 cells,
 * 2 KB), so a whole day of 1,440 kept bars is about 3 MB.
 *
 * Not thread-safe; one owner (the engine thread).
 */
#ifndef TD_FOOTPRINT_H
#define TD_FOOTPRINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analytics/trade.h"

/* Thresholds and shape; fill with td_footprint_defaults, then adjust. */
typedef struct td_fp_params {
	td_ns origin;             /* bars start at origin + k*tf (e.g. the session open) */
	td_ns tf;                 /* bar length, > 0 */
	uint32_t keep;            /* bars kept in the ring, >= 1 */
	uint32_t max_ticks;       /* widest ladder (bar or session) in ticks; wider trades are rejected */

	/* Diagonal imbalance: buy at p when ask(p)*100 >= ratio_pct * bid(p-1). */
	uint32_t imb_ratio_pct;   /* ratio in percent, >= 100; 300 means x3 (default) */
	int64_t imb_min_vol;      /* the dominant side must reach this (default 10) */
	bool imb_zero_counts;     /* opposite side 0: imbalance if dominant >= min (default true) */
	uint32_t stack_min;       /* consecutive ticks making a stack, >= 2 (default 3) */

	int64_t unfinished_min;   /* both sides at an extreme >= this: unfinished (default 1) */
	uint32_t absorb_ticks;    /* reversal after an imbalance, in ticks, >= 1 (default 4) */
	uint32_t exh_levels;      /* ticks at an extreme that must fade, >= 2 (default 3) */
	uint32_t exh_pct;         /* extreme's volume <= pct of the innermost level's (default 25) */
	uint32_t trap_ticks;      /* zone at an extreme, in ticks, >= 1 (default 2) */
	uint32_t trap_ratio_pct;  /* aggressor / opposite in the zone, percent (default 200) */
	int64_t trap_min_vol;     /* aggressor volume in the zone at least (default 10) */
	uint32_t div_pct;         /* |delta| as percent of bid+ask volume (default 10) */

	uint32_t node_half;       /* volume nodes: smoothing window 2*half+1 ticks, >= 1 (default 2) */
	uint32_t hvn_pct;         /* high-volume node: smoothed >= pct of the mean (default 150) */
	uint32_t lvn_pct;         /* low-volume node: smoothed <= pct of the mean (default 50) */
} td_fp_params;

/* Per-cell flags (td_fp_cell.flags). */
#define TD_FP_IMB_BUY    0x01u  /* buy (ask) imbalance at this price */
#define TD_FP_IMB_SELL   0x02u  /* sell (bid) imbalance at this price */
#define TD_FP_STACK_BUY  0x04u  /* inside a stacked buy-imbalance range */
#define TD_FP_STACK_SELL 0x08u  /* inside a stacked sell-imbalance range */
#define TD_FP_POC        0x10u  /* the ladder's point of control */
#define TD_FP_HVN        0x20u  /* high-volume node */
#define TD_FP_LVN        0x40u  /* low-volume node */

/* Per-bar pattern flags (td_fp_bar.patterns). */
#define TD_FP_PAT_UNFINISHED_HIGH 0x001u  /* bid and ask both traded at the high */
#define TD_FP_PAT_UNFINISHED_LOW  0x002u  /* bid and ask both traded at the low */
#define TD_FP_PAT_STACKED_BUY     0x004u  /* at least one stacked buy range */
#define TD_FP_PAT_STACKED_SELL    0x008u  /* at least one stacked sell range */
#define TD_FP_PAT_ABSORB_SELLING  0x010u  /* sell imbalance, then close >= absorb_ticks above it (bullish) */
#define TD_FP_PAT_ABSORB_BUYING   0x020u  /* buy imbalance, then close >= absorb_ticks below it (bearish) */
#define TD_FP_PAT_EXHAUST_BUYING  0x040u  /* ask volume fades into the high (bearish) */
#define TD_FP_PAT_EXHAUST_SELLING 0x080u  /* bid volume fades into the low (bullish) */
#define TD_FP_PAT_TRAPPED_BUYERS  0x100u  /* buyers dominate the top zone, bar closes down */
#define TD_FP_PAT_TRAPPED_SELLERS 0x200u  /* sellers dominate the bottom zone, bar closes up */
#define TD_FP_PAT_DIVERGENCE_BEAR 0x400u  /* up bar with negative delta */
#define TD_FP_PAT_DIVERGENCE_BULL 0x800u  /* down bar with positive delta */

/* Pass as `ago` to any bar query to address the session ladder instead. */
#define TD_FP_SESSION SIZE_MAX

/* One price of a ladder. */
typedef struct td_fp_cell {
	td_ticks px;
	int64_t bid;     /* bid-traded (sell aggressor) */
	int64_t ask;     /* ask-traded (buy aggressor) */
	int64_t other;   /* unknown aggressor */
	uint32_t flags;  /* TD_FP_* */
} td_fp_cell;

/* A bar's (or the session's) figures. */
typedef struct td_fp_bar {
	td_ns start;          /* first ns of the bar (session: of its first bar) */
	td_ticks open, high, low, close;
	td_ticks poc;         /* most volume; tie: nearest (high+low)/2, then the lower */
	int64_t bid, ask, other;
	int64_t volume;       /* bid + ask + other */
	int64_t delta;        /* ask - bid */
	int64_t cum_delta;    /* session delta from the first trade to this bar's last */
	uint64_t trades;
	uint32_t buy_imb, sell_imb;  /* imbalanced prices */
	uint32_t stacks;      /* stacked ranges, both directions */
	uint32_t patterns;    /* TD_FP_PAT_* */
} td_fp_bar;

/* A stacked-imbalance range, prices inclusive. */
typedef struct td_fp_stack {
	td_ticks lo, hi;
	td_side dir;          /* TD_SIDE_BUY or TD_SIDE_SELL */
} td_fp_stack;

typedef struct td_footprint td_footprint;

/* Defaults: origin 0, 1-minute bars, keep 1440, max_ticks 16384, thresholds as above. */
void td_footprint_defaults(td_fp_params *p);

/* A new, empty footprint (copies *p), or NULL with a message in err. */
td_footprint *td_footprint_new(const td_fp_params *p, char *err, size_t errlen);

void td_footprint_free(td_footprint *fp);

/*
 * Add one trade.  A trade stamped before the live bar's start (out of order)
 * is counted in the live bar and in td_footprint_late.  Returns false, adding
 * nothing, when size <= 0 or the price would widen the session past
 * max_ticks (or memory runs out); such trades are counted as rejected.
 * An aggr outside td_side counts as NONE.
 */
bool td_footprint_add(td_footprint *fp, const td_trade *t);

/* Bars held (<= keep); ago 0 is the live bar, ago count-1 the oldest. */
size_t td_footprint_count(const td_footprint *fp);

/* Figures of bar `ago` (or TD_FP_SESSION); false when there is no such bar. */
bool td_footprint_bar(td_footprint *fp, size_t ago, td_fp_bar *out);

/*
 * Fill out[0..n) with the rows top, top-1, ... top-n+1 of bar `ago` (or
 * TD_FP_SESSION), high to low; untraded prices come back as zero cells.
 * For every traded price pass top = high and n = high - low + 1.
 * Returns n, or 0 when there is no such bar.
 */
size_t td_footprint_rows(td_footprint *fp, size_t ago, td_ticks top, td_fp_cell *out, size_t n);

/* The cell at px of bar `ago` (or TD_FP_SESSION); false when untraded. */
bool td_footprint_cell(td_footprint *fp, size_t ago, td_ticks px, td_fp_cell *out);

/*
 * Stacked ranges of bar `ago` (or TD_FP_SESSION), high to low, at most max
 * written to out; returns how many there are.
 */
size_t td_footprint_stacks(td_footprint *fp, size_t ago, td_fp_stack *out, size_t max);

/* Trades refused by td_footprint_add. */
uint64_t td_footprint_rejected(const td_footprint *fp);

/* Trades that arrived stamped before the live bar and were counted in it. */
uint64_t td_footprint_late(const td_footprint *fp);

/* Heap bytes held. */
size_t td_footprint_bytes(const td_footprint *fp);

#endif
