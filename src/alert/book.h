/*
 * The alert evaluation book: the facts of every instrument, the compiled
 * rules (expr.h) attached to instruments, and the state of each attachment
 * (crosses, windows, the last result); it evaluates incrementally and
 * reports firing edges.
 *
 * How the engine drives it (all on the engine thread; nothing here blocks,
 * allocates per event or reads engine state):
 *
 *   td_alert_book_set / _set_facts   when facts change (a trade, a quote, a
 *                                    new chain computation, ...); only a value
 *                                    that differs marks its bit as changed
 *   td_alert_book_bar                at each closed bar of the alert timeframe,
 *                                    after the facts of that moment are set:
 *                                    updates the instrument's indicators
 *   td_alert_book_evaluate(inst)     then: re-evaluates the attachments of inst
 *                                    that read a changed value, and those on
 *                                    other instruments that read inst's
 *                                    changed values (`last@NQ`)
 *   td_alert_book_tick               about once a second: re-evaluates every
 *                                    attachment with a `for`/`within` window
 *                                    or reading `time` (set `time` first)
 *
 * A firing is an edge: the attachment's result went from false or unknown
 * to true.  It fires once, not again while it stays true, and again after
 * it was false (or unknown) and becomes true.  A new or re-enabled
 * attachment starts unknown, so a rule already true fires at its first
 * evaluation.  Cooldowns, active hours, levels and sinks are the rules
 * layer's business.
 *
 * Indicators are computed on closed bars only (no repainting), one state per
 * instrument and distinct (indicator, series, period) shared by every
 * attachment reading it.  Each instrument keeps its last history_bars bar
 * samples so an indicator created by a new attachment starts from them
 * rather than from nothing.
 *
 * Clocks: `clock` is any td_ns timeline that does not go backwards (the
 * exchange time of the event, so replays behave like live); windows measure
 * durations on it.
 *
 * Rules are borrowed: a td_alert_expr must outlive its attachments (detach
 * before freeing it).
 *
 * Memory: 360 bytes per instrument, and once it has had a bar its history
 * ring of history_bars samples of 41 doubles (84 KB at the default 256);
 * about 300 bytes per attachment plus 16 per cross, 24 per window and 8 per
 * named term; each indicator state once per instrument (about 100 bytes,
 * plus 8 per bar of period for sma and rising/falling, 32 for highest and
 * lowest).  td_alert_book_stats reports the total.  1,000 rules on 20
 * instruments take about 2 MB, most of it the history rings.
 */
#ifndef TD_ALERT_BOOK_H
#define TD_ALERT_BOOK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alert/expr.h"
#include "core/time.h"

typedef struct td_alert_book td_alert_book;

typedef struct td_alert_book_params {
	uint32_t instruments;    /* instrument ids are 0 .. instruments - 1; at least 1 */
	uint32_t history_bars;   /* bar samples kept per instrument for warming new indicators;
				    0 keeps none (default in td_alert_book_defaults: 256) */
} td_alert_book_params;

void td_alert_book_defaults(td_alert_book_params *p);

/* NULL when p->instruments is 0 or out of memory. */
td_alert_book *td_alert_book_new(const td_alert_book_params *p);
void td_alert_book_free(td_alert_book *b);

/* ---- Facts and bars ----------------------------------------------------------- */

/* Set one fact (NaN = unknown).  Ids out of range are ignored. */
void td_alert_book_set(td_alert_book *b, uint32_t inst, td_alert_fact f, double v);
/* Set the facts whose bit (1 << fact) is in which, from v[fact]. */
void td_alert_book_set_facts(td_alert_book *b, uint32_t inst, const double *v, uint64_t which);
/* A fact's current value; NaN when unknown or out of range. */
double td_alert_book_fact(const td_alert_book *b, uint32_t inst, td_alert_fact f);

/* One closed bar of the alert timeframe; volume and delta may be NaN (unknown). */
typedef struct td_alert_bar {
	double open, high, low, close;
	double volume;
	double delta;    /* buy minus sell volume */
} td_alert_bar;

/*
 * Add a closed bar: the instrument's indicators take it, with the facts as
 * they are now as the sample of every fact series.  Returns -1, changing
 * nothing, when inst is out of range, a price is not finite or high < low.
 */
int td_alert_book_bar(td_alert_book *b, uint32_t inst, const td_alert_bar *bar);

/* ---- Evaluation --------------------------------------------------------------- */

/* A firing edge. */
typedef struct td_alert_fire {
	uint32_t rule;   /* the caller's rule id given to td_alert_book_attach */
	uint32_t inst;   /* the instrument the rule is attached to */
} td_alert_fire;

/*
 * Evaluate what inst's changes since its last evaluation affect, and clear
 * them.  Writes at most max firings into out and returns how many there
 * were (like snprintf: more than max means some were lost, and counted in
 * the stats); out may be NULL when max is 0.
 */
size_t td_alert_book_evaluate(td_alert_book *b, uint32_t inst, td_ns clock, td_alert_fire *out, size_t max);

/* Evaluate every attachment that has a window or reads time; firings as above. */
size_t td_alert_book_tick(td_alert_book *b, td_ns clock, td_alert_fire *out, size_t max);

/* ---- Attachments -------------------------------------------------------------- */

/*
 * Attach rule e (borrowed) to inst under the caller's id rule (a rule may be
 * attached to several instruments).  It is evaluated at the next evaluate
 * of inst.  Returns 0, or -1 with a message in err: inst or an instrument
 * the rule names is out of range, the pair is already attached, or out of
 * memory.
 */
int td_alert_book_attach(td_alert_book *b, uint32_t rule, const td_alert_expr *e, uint32_t inst, char *err,
			 size_t errlen);
/* Detach rule from inst; 0, or -1 when it was not attached there. */
int td_alert_book_detach(td_alert_book *b, uint32_t rule, uint32_t inst);
/* Detach rule from every instrument; returns how many attachments went. */
size_t td_alert_book_detach_rule(td_alert_book *b, uint32_t rule);
/*
 * Enable or disable rule on every instrument; returns how many attachments
 * it has.  A disabled attachment is not evaluated (its indicators still
 * follow the bars); enabling one that was disabled restarts its state
 * (unknown, crosses and windows forgotten) and has it evaluated at the next
 * evaluate of its instrument, so a rule that is true then fires.
 */
size_t td_alert_book_enable(td_alert_book *b, uint32_t rule, bool on);

typedef enum td_alert_truth {
	TD_ALERT_UNKNOWN = -1,
	TD_ALERT_FALSE = 0,
	TD_ALERT_TRUE = 1,
} td_alert_truth;

/* What one attachment is doing. */
typedef struct td_alert_att_info {
	td_alert_truth result;   /* at its last evaluation; unknown before the first */
	bool enabled;
	uint64_t evaluations;
	uint64_t fires;
	td_ns last_fire;         /* clock of the last firing; 0 when none */
} td_alert_att_info;

/* 0, or -1 when rule is not attached to inst. */
int td_alert_book_info(const td_alert_book *b, uint32_t rule, uint32_t inst, td_alert_att_info *out);

/*
 * The values of the rule's facts and indicators at its last firing (now,
 * when it has not fired), e.g. "rsi(14)=27.3 volume=1520 sma(volume,20)=1210":
 * prices and numbers with up to 4 decimals, times as HH:MM:SS, flags as
 * true/false, opening types by name, unknown values as "unknown".  Writes at
 * most len bytes into buf (always terminated) and returns the length needed,
 * or -1 when rule is not attached to inst.
 */
int td_alert_book_explain(const td_alert_book *b, uint32_t rule, uint32_t inst, char *buf, size_t len);

typedef struct td_alert_stats {
	uint64_t evaluations;    /* rule evaluations since creation */
	uint64_t fires;          /* firing edges */
	uint64_t lost;           /* firings that did not fit the caller's buffer */
	uint64_t bars;           /* closed bars taken */
	size_t attachments;
	size_t indicators;       /* indicator states (shared ones once) */
	size_t bytes;            /* memory held, indicator internals estimated */
} td_alert_stats;

void td_alert_book_stats(const td_alert_book *b, td_alert_stats *out);

#endif
