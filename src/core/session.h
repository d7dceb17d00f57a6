/*
 * Session calendars: the phases of a trading day in an exchange's time zone.
 *
 * Presets are data (a table in session.c).  Times are local to the preset's
 * zone.  A day runs overnight -> pre-market -> regular -> post-market ->
 * closed; weekends are closed (exchange holidays are not modelled).
 */
#ifndef TD_SESSION_H
#define TD_SESSION_H

#include <stddef.h>

#include "event.h"
#include "time.h"

typedef struct td_session_span {
	td_phase phase;
	td_ns start_tod;  /* local ns after midnight, inclusive */
	td_ns end_tod;    /* exclusive */
} td_session_span;

#define TD_SESSION_MAX_SPANS 6

typedef struct td_session {
	const char *name;         /* "us", "in" */
	const char *description;  /* one line for --help and the man page */
	const char *tz_name;      /* zone of all times below */
	td_session_span spans[TD_SESSION_MAX_SPANS];
	size_t nspans;
	td_ns open_tod;           /* regular-hours open */
	td_ns close_tod;          /* regular-hours close; also when its options expire (options/expiry.h) */
	double rate;              /* option models' risk-free rate unless options.rate says otherwise */
	double yield;             /* dividend yield of its index and ETF underlyings, likewise options.yield */
} td_session;

/* The preset named `name`, or NULL. */
const td_session *td_session_find(const char *name);

/* Preset i (0-based), or NULL past the end; for listing. */
const td_session *td_session_at(size_t i);

const td_tz *td_session_tz(const td_session *s);

/* The phase in force at UTC instant t. */
td_phase td_session_phase_at(const td_session *s, td_ns t);

/* The next UTC instant after t at which the phase changes. */
td_ns td_session_next_change(const td_session *s, td_ns t);

#endif
