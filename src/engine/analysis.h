/*
 * Analysis: the analytics the panes show, kept for each instrument of the
 * watchlist and fed from the engine's drain.
 *
 * Trades are buffered per instrument and handed to each module a batch at a
 * time (td_analysis_flush, after every drain), so each module's state stays
 * in cache for its batch: bars + footprint + profile + TPO together then run
 * at over 50 million trades a second on one core (make bench).
 *
 * The footprint's session ladder and the volume profile cover the current
 * local calendar day of the session's zone: the first trade of a new day
 * starts them afresh.  Bars and the TPO keep several days themselves.
 *
 * Pre-market: a regular-hours volume profile follows each regular session;
 * when the session ends (seen at the first trade after its end) its value
 * area, high, low and close become the prior day of a fresh pre-market
 * analysis, which then takes the overnight trades up to the next open.
 * Before a regular session has been seen the analysis says it has no prior
 * day, rather than inventing one.
 *
 * Order flow: VPIN needs a bucket size, the paper's average daily volume /
 * 50.  With no history, the daily volume is estimated from the first 30
 * regular minutes seen (times the session's half-hours), so VPIN starts 30
 * minutes into the first regular session; sweeps, blocks (prints of at least
 * ui.large_print) and large lots are counted from then on too.
 */
#ifndef TD_ANALYSIS_H
#define TD_ANALYSIS_H

#include <stddef.h>
#include <stdint.h>

#include "analytics/bars.h"
#include "analytics/footprint.h"
#include "analytics/orderflow.h"
#include "analytics/premarket.h"
#include "analytics/profile.h"
#include "analytics/tpo.h"
#include "core/config.h"
#include "core/event.h"
#include "core/instrument.h"
#include "core/session.h"

/* One instrument's studies; owned by the td_analysis. */
typedef struct td_studies {
	uint32_t instr;
	td_bars *bars;          /* all timeframes, session VWAP and bands */
	td_footprint *fp;       /* bars of analysis.footprint_tf and the day's ladder */
	td_profile *profile;    /* the day's volume profile, one row per tick */
	td_tpo *tpo;            /* NULL until the first trade fixes its row size */
	td_ticks tpo_row;       /* ticks per TPO row: about 0.05 % of the first price */
	td_ns day_start, day_end; /* UTC bounds of the local day the ladder and profile cover */
	td_premarket *pm;       /* overnight against the prior regular session */
	td_profile *rth;        /* the current (or last) regular session's volume profile */
	td_ticks rth_close;     /* its last price */
	bool rth_open;          /* rth holds a session not yet rolled into pm's prior */
	td_phase phase;         /* session phase of the last trade */
	td_ns phase_end;        /* when that phase ends */
	td_orderflow *of;       /* NULL until the VPIN bucket size is known */
	int64_t of_bucket;      /* the VPIN bucket volume chosen */
	int64_t warm_volume;    /* regular volume seen while estimating it */
	td_ns warm_end;         /* end of the 30 minutes measured, or INT64_MIN before */
	uint64_t sweeps, blocks, large;  /* counted since the order flow started */
	td_orderflow_sweep last_sweep;   /* valid when sweeps > 0 */
} td_studies;

typedef struct td_analysis td_analysis;

/*
 * Studies for each of the n instruments in ids (copied), with the
 * [analysis] options of cfg.  Returns NULL with err on bad options or no memory.
 */
td_analysis *td_analysis_new(const td_config *cfg, const td_session *s, const td_registry *reg,
			     const uint32_t *ids, size_t n, char *err, size_t errlen);
void td_analysis_free(td_analysis *a);

/* Queue a trade event; other instruments and event types are ignored. */
void td_analysis_add(td_analysis *a, const td_event *ev);

/* Hand every queued trade to the studies. */
void td_analysis_flush(td_analysis *a);

/* The studies of an instrument, or NULL when it is not analysed.  Queries on
 * the footprint update its caches, hence not const. */
td_studies *td_analysis_get(td_analysis *a, uint32_t instr);

/* The footprint bar length in ns. */
td_ns td_analysis_footprint_tf(const td_analysis *a);

#endif
