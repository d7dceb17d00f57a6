/*
 * Time.
 *
 * td_ns is wall-clock time: nanoseconds since the Unix epoch, UTC.  Monotonic
 * readings have their own type so the two never mix silently.  Time zones are
 * a small table of rules (fixed offset, or a fixed offset with the US daylight
 * saving rule) rather than the process-wide TZ variable, so the engine and the
 * feed thread can each convert without touching global state.
 */
#ifndef TD_TIME_H
#define TD_TIME_H

#include <stddef.h>
#include <stdint.h>

typedef int64_t td_ns;    /* wall clock, ns since 1970-01-01T00:00:00Z */
typedef int64_t td_mono;  /* CLOCK_MONOTONIC, ns; only differences mean anything */

#define TD_NS_PER_US  1000LL
#define TD_NS_PER_MS  1000000LL
#define TD_NS_PER_SEC 1000000000LL
#define TD_NS_PER_MIN (60LL * TD_NS_PER_SEC)
#define TD_NS_PER_DAY (86400LL * TD_NS_PER_SEC)

td_ns td_now(void);
td_mono td_mono_now(void);

/* Days since 1970-01-01 for a proleptic Gregorian date, and back. */
int64_t td_days_from_civil(int y, int m, int d);
void td_civil_from_days(int64_t days, int *y, int *m, int *d);

/* 0 = Sunday .. 6 = Saturday */
int td_weekday(int64_t days);

/*
 * Parse ISO-8601 "YYYY-MM-DDTHH:MM:SS[.fraction][Z|+HH:MM|-HH:MM]" (a space
 * may replace the T; no zone means UTC).  Returns 0 or -1 with *err.
 */
int td_time_parse_iso(const char *s, td_ns *out, const char **err);

/* Parse "HH:MM" or "HH:MM:SS" into ns after midnight; 0 or -1 with *err. */
int td_time_parse_hms(const char *s, td_ns *out, const char **err);

/* Parse "YYYY-MM-DD" into days since the epoch; 0 or -1 with *err. */
int td_date_parse(const char *s, int64_t *days, const char **err);

typedef struct td_tz td_tz;

/* Look up a zone by name ("America/New_York", "Asia/Kolkata", "UTC"); NULL if unknown. */
const td_tz *td_tz_find(const char *name);
const char *td_tz_name(const td_tz *tz);

/* Offset from UTC in seconds in force at instant t. */
int td_tz_offset(const td_tz *tz, td_ns t);

/* The UTC instant of a local date and time of day in a zone. */
td_ns td_tz_to_utc(const td_tz *tz, int64_t local_days, td_ns local_tod);

/* Write t as local "HH:MM:SS" (9 bytes with NUL) in the zone. */
void td_time_fmt_hms(const td_tz *tz, td_ns t, char buf[9]);

/* Write t as "YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ"; buf needs 31 bytes. */
void td_time_fmt_iso(td_ns t, char *buf, size_t n);

#endif
