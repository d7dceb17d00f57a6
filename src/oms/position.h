/*
 * Positions, P&L and round trips, from fills.
 *
 * Average cost: buying onto a long (or selling onto a short) moves the
 * average price to the quantity-weighted mean; a fill against the position
 * realises (fill - average) x quantity x multiplier for a long, the
 * opposite for a short, and leaves the average alone; a fill that goes
 * through zero closes the old position at the fill price and opens the rest
 * as a new one at the same price.  Fees are subtracted from realised P&L
 * when they are paid.
 *
 * A round trip (a "deal") runs from the fill that takes a position away
 * from zero to the fill that brings it back; it keeps what a deals report
 * shows: entry and exit quantity, average price and time, gross P&L,
 * charges, net P&L, net as a percent of the entry value, and how it closed.
 * A reversal closes one deal and opens the next.
 *
 * Prices in price units (not ticks), quantities in units, money in the
 * account currency.  Pure: no I/O, no globals.  Memory: one slot per
 * instrument id below the capacity given at creation, and a deal log that
 * grows as deals close.
 */
#ifndef TD_POSITION_H
#define TD_POSITION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/event.h"
#include "core/time.h"

#define TD_DEAL_SOURCE_MAX 40

/* How a deal was closed, as the closing fill was tagged. */
typedef enum td_close_reason {
	TD_CLOSE_MANUAL = 0,
	TD_CLOSE_STOP,
	TD_CLOSE_TARGET,
	TD_CLOSE_RULE,       /* an exit rule: trailing stop, break-even, time-based close */
	TD_CLOSE_REVERSAL,   /* the position went through zero */
	TD_CLOSE_COUNT
} td_close_reason;

typedef struct td_deal {
	uint32_t instr;
	int side;                /* +1 long, -1 short */
	double entry_qty, entry_px;   /* units and average price of the fills that built it */
	double exit_qty, exit_px;     /* of the fills that closed it */
	td_ns entry_ns, exit_ns;      /* first fill, last fill */
	double gross;            /* (exit - entry) x qty x multiplier x side */
	double charges;          /* fees of every fill of the deal */
	double net;              /* gross - charges */
	double net_pct;          /* net / (entry_qty x entry_px x multiplier) x 100 */
	td_close_reason closed_by;
	char source[TD_DEAL_SOURCE_MAX]; /* the strategy or source of the order that opened it: "manual", "scan", "alert:NAME" */
	bool open;               /* still running (only the current one of an instrument) */
} td_deal;

typedef struct td_position {
	double qty;              /* signed units */
	double avg_px;           /* average price of the open quantity; NaN when flat */
	double realised;         /* money, fees included, since the book was created */
	double day_realised;     /* money realised since the last td_book_new_day */
	double fees;             /* money paid */
	double multiplier;
	td_deal deal;            /* the running deal when qty != 0 */
} td_position;

typedef struct td_book td_book;

/* A book for instrument ids below capacity. NULL on no memory. */
td_book *td_book_new(size_t capacity);
void td_book_free(td_book *b);

/*
 * Apply a fill: side and qty (> 0) at px, paying fee, for an instrument
 * whose contract multiplier is mult (set by its first fill), at time t,
 * tagged with why it closes anything.  Returns 0, or -1 for an id out of
 * range, a quantity that is not positive or a price that is not finite.
 */
int td_book_fill(td_book *b, uint32_t instr, td_side side, double qty, double px, double fee, double mult, td_ns t,
		 td_close_reason why);

/* Name the source of the running deal of instr when it has none yet (the fill that opened it is the one just applied). */
void td_book_tag(td_book *b, uint32_t instr, const char *source);

/* The position of an instrument (all zero when never traded), or NULL out of range. */
const td_position *td_book_position(const td_book *b, uint32_t instr);

/* Unrealised P&L of an instrument at a mark price; 0 when flat, NaN when the mark is not finite. */
double td_book_unrealised(const td_book *b, uint32_t instr, double mark);

/* Closed deals in the order they closed. */
const td_deal *td_book_deals(const td_book *b, size_t *n);

/* Losing deals in a row at the end of the log (a net of zero breaks the run). */
int td_book_losing_streak(const td_book *b);

/* Start a new day: day_realised back to 0 for every instrument. */
void td_book_new_day(td_book *b);

const char *td_close_reason_name(td_close_reason r);

#endif
