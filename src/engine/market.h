/*
 * Market state: what the engine knows now about every instrument.
 *
 * Updated by the engine thread from feed events (td_market_apply) and read by
 * the panes through const accessors on the same thread, so it needs no locks.
 * Memory is fixed at creation: one td_quote_state per registered instrument,
 * TD_BOOK_DEPTH levels per side, and a ring of the last TD_TAPE_LEN prints.
 */
#ifndef TD_MARKET_H
#define TD_MARKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/event.h"
#include "core/instrument.h"

/* Levels kept per side: deeper than any source here sends (the simulator
 * quotes at most 28), so levels behind the best are known when it is taken. */
#define TD_BOOK_DEPTH 32
#define TD_TAPE_LEN 4096

typedef struct td_book_side {
	td_ticks px[TD_BOOK_DEPTH];  /* best first */
	int64_t size[TD_BOOK_DEPTH];
	int n;                       /* levels in use */
} td_book_side;

typedef struct td_quote_state {
	td_ticks last;          /* TD_PX_NONE before the first print */
	int64_t last_size;
	uint8_t last_aggr;      /* td_side */
	td_ticks ref;           /* first print seen: the base of "change" */
	td_ticks high, low;     /* of the prints seen */
	td_ticks bid, ask;      /* L1; TD_PX_NONE when empty */
	int32_t bid_sz, ask_sz;
	int64_t volume;         /* size printed (options: the feed's cumulative volume) */
	int64_t buy_volume;     /* printed with a buy aggressor */
	int64_t sell_volume;    /* printed with a sell aggressor */
	int64_t pv;             /* sum of price (ticks) x size, for VWAP */
	int64_t trades;
	int64_t oi;             /* options: open interest from the feed */
	td_ns updated;          /* exch_ns of the last event that changed it */
	td_book_side bids, asks;
} td_quote_state;

typedef struct td_print {
	uint32_t instr;
	uint8_t aggr;     /* td_side */
	td_ticks px;
	int64_t size;
	td_ns exch_ns;
} td_print;

typedef struct td_market_stats {
	uint64_t events;        /* applied */
	uint64_t by_type[TD_EV_TYPE_COUNT];
	uint64_t gaps;          /* events the source said it lost (TD_ST_GAP) */
	uint64_t rejected;      /* events naming an unknown instrument or type */
	td_phase phase;         /* last phase announced */
	td_ns clock;            /* latest exch_ns seen */
	td_ns last_recv;        /* wall clock recv_ns of the latest event */
	bool feed_down;         /* the source said it ended */
} td_market_stats;

typedef struct td_market td_market;

/* State for every instrument in reg (borrowed; must outlive the market). */
td_market *td_market_new(const td_registry *reg);
void td_market_free(td_market *m);

/* Apply one event.  Returns false (and counts it) for an event it cannot use. */
bool td_market_apply(td_market *m, const td_event *ev);

/* State of instrument id, or NULL. */
const td_quote_state *td_market_get(const td_market *m, uint32_t id);

/* VWAP of the prints seen, in price units; NaN before the first print. */
double td_market_vwap(const td_market *m, uint32_t id);

const td_market_stats *td_market_stats_get(const td_market *m);

const td_registry *td_market_registry(const td_market *m);

/* The i-th most recent print of any instrument (0 = newest); NULL past what is kept. */
const td_print *td_market_print(const td_market *m, size_t i);

/* Prints kept (at most TD_TAPE_LEN). */
size_t td_market_print_count(const td_market *m);

#endif
