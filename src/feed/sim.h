/*
 * The built-in simulated market: a small limit-order-book model per
 * instrument, deterministic from a seed, on a session calendar, with an option
 * chain on each underlying.  Design notes are at the top of sim.c and in
 * doc/ARCHITECTURE.md.
 */
#ifndef TD_SIM_H
#define TD_SIM_H

#include <stddef.h>
#include <stdint.h>

#include "../core/instrument.h"
#include "../core/session.h"
#include "feed.h"

typedef struct td_sim_params {
	uint64_t seed;
	const td_session *session;  /* preset: its market decides the instruments */
	int64_t date_days;          /* local session date, days since the epoch */
	td_ns start_tod;            /* local time of day the simulated clock starts at */
} td_sim_params;

typedef struct td_sim td_sim;

/*
 * A simulator that registers its instruments (underlyings, then options) in
 * reg.  Returns NULL with err filled when the parameters are unusable.
 */
td_sim *td_sim_new(const td_sim_params *p, td_registry *reg, char *err, size_t errlen);
void td_sim_free(td_sim *s);

/* The next event (the td_feed_ops.next contract); never ends. */
int td_sim_next(td_sim *s, td_event *ev);

/* The underlyings this simulator quotes, in watchlist order; n returned. */
size_t td_sim_underlyings(const td_sim *s, uint32_t *ids, size_t max);

/*
 * The market regime in force: "range", "trend-up", "trend-down" or "news"
 * (a static string), for a status line and for tests.
 */
const char *td_sim_regime(const td_sim *s);

/* The feed operations for a td_sim passed as impl. */
extern const td_feed_ops td_sim_feed_ops;

#endif
