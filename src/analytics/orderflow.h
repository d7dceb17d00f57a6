/*
 * Order-flow metrics over the tape of one instrument: VPIN, sweeps, block and
 * large-lot prints, plus order-book imbalance as plain functions.
 *
 * Feed every print of the instrument, in feed order, to td_orderflow_add_trade.
 * The work per print is O(1) amortised and the memory is fixed at creation:
 *
 *   8 * buckets + 2 * large_window + about 2 KB (the size histogram)
 *
 * so the defaults (50 buckets, 1000 prints) hold about 4.4 KB however long the
 * day.  Definitions, with the reasons for each choice, are in doc/orderflow.md.
 *
 * VPIN (Easley, López de Prado, O'Hara 2012): the tape is cut into buckets of
 * exactly V units of volume, a print that overflows a bucket being split
 * across buckets.  Volume is classified by the feed's aggressor side, not by
 * the paper's bulk volume classification; volume of unknown side counts half
 * buy, half sell.  VPIN = sum |V_buy - V_sell| / (n * V) over the last n
 * completed buckets, in [0, 1].
 *
 * Sweep: a run of consecutive prints with the same known aggressor side whose
 * prices never move against the aggressor (a buy run never prints lower, a
 * sell run never higher), that lasts at most W from its first print to its
 * last, and that touches at least min_levels distinct prices.
 *
 * Block: a print of size >= block_size.  Large lot: a print whose size is in
 * a higher size bucket than the large_pct-th percentile (nearest rank) of the
 * previous large_window prints; sizes below 16 have a bucket each, larger
 * sizes 8 buckets per power of two (12.5 % wide).
 */
#ifndef TD_ORDERFLOW_H
#define TD_ORDERFLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "trade.h"

/* Largest print size accepted; bigger ones are bad input (keeps sums exact). */
#define TD_ORDERFLOW_MAX_SIZE ((int64_t)1 << 48)

/* A zero field takes the default named in its comment. */
typedef struct td_orderflow_params {
	int64_t bucket_volume;  /* V, VPIN bucket size in lots, 1..2^40; required
				   (the paper takes average daily volume / 50) */
	int buckets;            /* n, buckets in the VPIN window, 1..100000; 50 */
	td_ns sweep_window;     /* W, longest sweep, first to last print, ns; 50 ms */
	int sweep_levels;       /* distinct prices that make a sweep, >= 2; 2 */
	int64_t block_size;     /* block print threshold in lots; 0 = no blocks */
	int large_window;       /* prints the large-lot percentile is taken over,
				   1..1000000; 1000 */
	int large_pct;          /* percentile a large lot must exceed, 1..99; 99 */
} td_orderflow_params;

/* A sweep: one aggressor taking several price levels in a short time. */
typedef struct td_orderflow_sweep {
	uint8_t side;        /* td_side of the aggressor: BUY or SELL */
	td_ticks start_px;   /* price of the first print */
	td_ticks end_px;     /* price of the last print (further in the side's direction) */
	int levels;          /* distinct prices printed */
	int prints;          /* prints in the run */
	int64_t size;        /* total size, saturating at INT64_MAX */
	td_ns start_ns;      /* time of the first print */
	td_ns end_ns;        /* time of the last print; duration = end_ns - start_ns */
} td_orderflow_sweep;

/* What one print did; bits of td_orderflow_out.flags. */
enum td_orderflow_flag {
	TD_OF_BLOCK = 1 << 0,        /* this print is a block */
	TD_OF_LARGE = 1 << 1,        /* this print is a large lot */
	TD_OF_SWEEP_START = 1 << 2,  /* this print made the open run a sweep; out.sweep is it so far */
	TD_OF_SWEEP_END = 1 << 3,    /* this print closed a sweep, which it is not part of; out.sweep */
	TD_OF_BUCKET = 1 << 4        /* this print completed out.buckets VPIN buckets */
};

typedef struct td_orderflow_out {
	unsigned flags;            /* td_orderflow_flag bits */
	td_orderflow_sweep sweep;  /* valid with TD_OF_SWEEP_START or TD_OF_SWEEP_END */
	uint64_t buckets;          /* VPIN buckets completed by this print */
} td_orderflow_out;

typedef struct td_orderflow td_orderflow;

/*
 * Order-flow state for one instrument.  Returns NULL with err filled when a
 * parameter is out of range or memory runs out.
 */
td_orderflow *td_orderflow_new(const td_orderflow_params *p, char *err, size_t errlen);
void td_orderflow_free(td_orderflow *of);

/*
 * Account one print and say what it did in *out.  Returns 0, or -1 when the
 * print is bad input (size outside 1..TD_ORDERFLOW_MAX_SIZE, aggressor not a
 * td_side); a bad print changes nothing but the rejected count.
 */
int td_orderflow_add_trade(td_orderflow *of, const td_trade *t, td_orderflow_out *out);

/*
 * VPIN over the last n completed buckets into *vpin.  Returns false, leaving
 * *vpin alone, while fewer than n buckets have completed ("not enough
 * buckets").  *have, when not NULL, gets the buckets completed so far.
 */
bool td_orderflow_vpin(const td_orderflow *of, double *vpin, uint64_t *have);

/*
 * The open run when it already is a sweep (true), for a live display; a run
 * only closes when a later print breaks it.
 */
bool td_orderflow_sweep_live(const td_orderflow *of, td_orderflow_sweep *out);

/* Prints refused by td_orderflow_add_trade. */
uint64_t td_orderflow_rejected(const td_orderflow *of);

/*
 * Book imbalance over the best k levels of each side:
 *
 *   (sum bid sizes - sum ask sizes) / (sum bid sizes + sum ask sizes)
 *
 * in [-1, 1]: +1 all resting size is bid, -1 all offered.  Arrays are best
 * level first; a side with fewer than k levels counts what it has, and
 * negative sizes count as 0.  Returns 0, or -1 with *out = 0 when no size
 * rests on either side within k levels (empty book, or k = 0).
 */
int td_orderflow_imbalance(const int64_t *bid_sz, size_t n_bid, const int64_t *ask_sz,
			   size_t n_ask, size_t k, double *out);

/* Level-1 imbalance, from a TD_EV_QUOTE's sizes; as above with k = 1. */
int td_orderflow_imbalance_l1(int64_t bid_sz, int64_t ask_sz, double *out);

#endif
