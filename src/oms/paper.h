/*
 * The paper broker: fills orders against the market the engine sees (the
 * simulator's or a replayed tape's), by the rules of doc/paper.md.
 *
 * In short: a market order walks the displayed book, one fill per level; a
 * limit order takes what is marketable the same way and rests, and a resting
 * limit fills when a print goes through its price (at the limit, up to the
 * print's size) or, at its price, once the displayed queue it joined has
 * traded away; stops trigger on prints.  The broker never changes the
 * market: it reads the borrowed td_market and nothing else.
 *
 * Memory is fixed at creation: a number of working orders and an event
 * queue.  An order that would not fit is refused with a message; no event
 * is ever dropped (a market event whose fills would not fit the queue is
 * skipped for the order concerned and counted, see td_paper_stats).
 *
 * Deterministic: the same calls and market events give the same events.
 * Every call comes from the engine thread, like the market it reads.
 */
#ifndef TD_PAPER_H
#define TD_PAPER_H

#include <stddef.h>
#include <stdint.h>

#include "core/instrument.h"
#include "engine/market.h"
#include "oms/broker.h"

/*
 * The money a fill costs: o as it stood before this fill, qty units at px
 * (ticks of o's instrument).  Called once per FILL event.
 */
typedef double (*td_paper_fee_fn)(void *ctx, const td_order *o, int64_t qty, td_ticks px);

typedef struct td_paper_params {
	size_t max_orders;     /* orders resting or waiting for a trigger at once; > 0 */
	size_t max_events;     /* events held until poll; >= TD_PAPER_MIN_EVENTS */
	double cash;           /* the account's cash at the start */
	td_paper_fee_fn fee;   /* NULL: no fees */
	void *fee_ctx;         /* passed to fee */
} td_paper_params;

/* The most events one call can add: an ACK, a fill per book level, a final event. */
#define TD_PAPER_MIN_EVENTS (TD_BOOK_DEPTH + 2)

typedef struct td_paper_stats {
	size_t working;        /* orders resting or waiting for a trigger */
	size_t queued;         /* events waiting for poll */
	uint64_t stalled;      /* (order, market event) pairs skipped because the queue was too full */
} td_paper_stats;

/*
 * A paper broker over m and reg (both borrowed; they must outlive it).
 * Returns { ops, impl }, or { NULL, NULL } when p is out of range or memory
 * runs out.  b.ops->free(b.impl) frees it.
 */
td_broker td_paper_new(const td_market *m, const td_registry *reg, const td_paper_params *p);

/* Counters of a broker made by td_paper_new: 0, or -1 when b is not one. */
int td_paper_stats_get(const td_broker *b, td_paper_stats *out);

#endif
