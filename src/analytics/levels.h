/*
 * Key price levels: candidates from the other analytics (profile edges,
 * volume nodes, swing points, pivots, prior-day and overnight extremes),
 * merged where they lie within a tolerance of each other into one level with
 * a strength score and the combined reasons, sorted by price.
 *
 * The combiner takes plain arrays, so it depends on no other analytic and is
 * tested with hand-made inputs.  Memory is fixed at creation: a scratch and
 * an output entry per candidate of the capacity (24 + 168 = 192 bytes); a
 * build makes no allocation of its own.  Definitions and the scoring are in
 * doc/orderflow.md ("Levels").
 *
 * Merging: candidates are sorted by price; a level starts at the lowest
 * candidate not yet taken and takes every candidate at most tol ticks above
 * that first one, so a level never spans more than tol ticks (chains of
 * close candidates do not grow without bound).
 *
 * Strength: the sum of the members' kind weights (td_levels_weight) plus 1
 * for each distinct kind beyond the first, since agreement between
 * different methods is more telling than one method repeating itself.
 */
#ifndef TD_LEVELS_H
#define TD_LEVELS_H

#include <stddef.h>
#include <stdint.h>

#include "core/price.h"

typedef enum td_level_kind {
	TD_LVL_POC = 0,       /* profile point of control */
	TD_LVL_VAH,           /* value-area high */
	TD_LVL_VAL,           /* value-area low */
	TD_LVL_HVN,           /* high-volume node */
	TD_LVL_LVN,           /* low-volume node */
	TD_LVL_SWING_HIGH,
	TD_LVL_SWING_LOW,
	TD_LVL_PIVOT,         /* floor-trader pivot or its support/resistance lines */
	TD_LVL_PRIOR_HIGH,    /* prior day's high */
	TD_LVL_PRIOR_LOW,
	TD_LVL_PRIOR_CLOSE,
	TD_LVL_ON_HIGH,       /* overnight session high */
	TD_LVL_ON_LOW,
	TD_LVL_KIND_COUNT
} td_level_kind;

/* One candidate, from some analytic. */
typedef struct td_level_in {
	td_ticks px;          /* TD_PX_NONE = no level (skipped), e.g. no overnight session yet */
	uint8_t kind;         /* td_level_kind */
	const char *reason;   /* borrowed, read during td_levels_build only; NULL = the kind's name */
} td_level_in;

#define TD_LEVEL_REASONS 128  /* bytes of a level's combined reasons, with the NUL */

/* One merged level. */
typedef struct td_level {
	td_ticks px;          /* price of the strongest member (ties: the lowest price) */
	td_ticks lo, hi;      /* lowest and highest member price; hi - lo <= tol */
	int strength;         /* see the top of this header */
	int members;          /* candidates merged */
	uint32_t kinds;       /* bit (1u << kind) for each kind present */
	char reasons[TD_LEVEL_REASONS];  /* members' reasons, strongest first, "; " between;
					    ends in "..." when cut */
} td_level;

typedef struct td_levels td_levels;

/* A combiner for up to capacity candidates per build; NULL when 0 or out of memory. */
td_levels *td_levels_new(size_t capacity);
void td_levels_free(td_levels *lv);

/*
 * Replace the levels by the merge of n candidates with tolerance tol ticks
 * (>= 0; 0 merges equal prices only).  Returns the number of levels, or -1
 * with no levels when n exceeds the capacity, tol < 0, or a kind is unknown.
 */
int td_levels_build(td_levels *lv, const td_level_in *in, size_t n, td_ticks tol);

/* Levels from the last build, by price ascending. */
size_t td_levels_count(const td_levels *lv);
const td_level *td_levels_get(const td_levels *lv, size_t i);

/*
 * Micro levels: the levels whose price is within band ticks of px (|level -
 * px| <= band).  They are contiguous in price order: returns how many and
 * sets *first to the index of the lowest.  O(log n + levels returned).
 */
size_t td_levels_near(const td_levels *lv, td_ticks px, td_ticks band, size_t *first);

/* A kind's weight in the strength score, 1..3, and its short name ("POC", "prior-day high"). */
int td_levels_weight(td_level_kind k);
const char *td_levels_kind_name(td_level_kind k);

#endif
