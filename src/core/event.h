/*
 * The one event type that flows from feeds to the engine.
 *
 * Every event is 64 bytes, carries the instrument's registry id, the exchange
 * timestamp and the receive timestamp.  Feeds fill exch_ns from the source (the
 * simulated clock for the built-in market); the feed thread stamps recv_ns with
 * the wall clock when it hands the event over, so feed-to-screen latency is
 * measurable.  The layout is fixed: tapes store these fields little-endian.
 */
#ifndef TD_EVENT_H
#define TD_EVENT_H

#include <stdint.h>

#include "price.h"
#include "time.h"

typedef enum td_ev_type {
	TD_EV_NONE = 0,
	TD_EV_TRADE,   /* a print, with the aggressor side */
	TD_EV_QUOTE,   /* level-1 best bid and offer */
	TD_EV_LEVEL,   /* level-2 book change: one price level's new size */
	TD_EV_OPTQ,    /* option quote with cumulative volume and open interest */
	TD_EV_STATUS,  /* session phase, heartbeat, feed health */
	TD_EV_TYPE_COUNT
} td_ev_type;

/* Aggressor side of a trade, or side of a book level. */
typedef enum td_side {
	TD_SIDE_NONE = 0,  /* unknown aggressor */
	TD_SIDE_BUY = 1,   /* buyer lifted the offer / bid side of the book */
	TD_SIDE_SELL = 2   /* seller hit the bid / ask side of the book */
} td_side;

/* Session phases, in the order a day goes through them. */
typedef enum td_phase {
	TD_PHASE_CLOSED = 0,
	TD_PHASE_OVERNIGHT,
	TD_PHASE_PREMARKET,
	TD_PHASE_REGULAR,
	TD_PHASE_POSTMARKET,
	TD_PHASE_COUNT
} td_phase;

typedef enum td_status_kind {
	TD_ST_HEARTBEAT = 0,  /* the feed is alive; nothing else happened */
	TD_ST_PHASE,          /* the session phase changed to status.phase */
	TD_ST_FEED_UP,        /* the feed connected or started */
	TD_ST_FEED_DOWN,      /* the feed ended or lost its source; code says why */
	TD_ST_GAP             /* events were lost upstream; code counts them */
} td_status_kind;

typedef struct td_ev_trade {
	td_ticks px;
	int64_t size;
	uint8_t aggressor;  /* td_side */
} td_ev_trade;

typedef struct td_ev_quote {
	td_ticks bid, ask;      /* TD_PX_NONE when a side is empty */
	int32_t bid_sz, ask_sz;
} td_ev_quote;

typedef struct td_ev_level {
	td_ticks px;
	int64_t size;     /* new total size at px; 0 removes the level */
	uint8_t side;     /* TD_SIDE_BUY = bid, TD_SIDE_SELL = ask */
} td_ev_level;

typedef struct td_ev_optq {
	td_ticks bid, ask;      /* in the option's own ticks */
	int32_t bid_sz, ask_sz;
	int64_t volume;         /* contracts traded this session */
	int64_t oi;             /* open interest (as of the start of the day) */
} td_ev_optq;

typedef struct td_ev_status {
	uint8_t kind;   /* td_status_kind */
	uint8_t phase;  /* td_phase, for TD_ST_PHASE */
	int64_t code;   /* kind-specific: lost count for TD_ST_GAP, reason for FEED_DOWN */
} td_ev_status;

typedef struct td_event {
	uint8_t type;     /* td_ev_type */
	uint8_t flags;    /* reserved, 0 */
	uint16_t pad;
	uint32_t instr;   /* registry id */
	td_ns exch_ns;    /* exchange (or simulated) time */
	td_ns recv_ns;    /* wall clock when the feed thread handed it over */
	union {
		td_ev_trade trade;
		td_ev_quote quote;
		td_ev_level level;
		td_ev_optq optq;
		td_ev_status status;
	} u;
} td_event;

_Static_assert(sizeof(td_event) == 64, "td_event must stay 64 bytes");

const char *td_ev_type_name(td_ev_type t);
const char *td_phase_name(td_phase p);

#endif
