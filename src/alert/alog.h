/*
 * The alert log: what the alerts pane shows.  A ring of the last
 * `capacity` fired alerts, newest first, each with its acknowledged flag,
 * its rule and instrument (to turn it into an order ticket) and whether
 * its rule has an order template.
 *
 * Pure data: no I/O, no threads, no drawing.  Adding is O(1) and never
 * allocates; when the ring is full the oldest alert goes and is counted as
 * dropped.  Alerts are named by a sequence number (1, 2, ... in order of
 * arrival) that stays valid while the alert is held, so the pane can
 * acknowledge "the one under the cursor" while new ones arrive.
 *
 * Filtering is by least level: TD_ALERT_INFO shows everything,
 * TD_ALERT_WARNING warnings and criticals, TD_ALERT_CRITICAL criticals
 * only.  td_alert_log_at is O(1) without a filter and O(i + skipped) with
 * one (1,000 entries at most is a short walk).
 */
#ifndef TD_ALERT_ALOG_H
#define TD_ALERT_ALOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alert/message.h"

typedef struct td_alert_log td_alert_log;

typedef struct td_alert_log_entry {
	td_alert_msg msg;   /* level clamped to a known one */
	uint64_t seq;       /* 1, 2, ... in order of arrival */
	uint32_t rule;      /* the rule's id in td_alert_rules */
	uint32_t inst;      /* the instrument */
	bool has_order;     /* the rule has an order template */
	bool acked;
} td_alert_log_entry;

/* NULL when capacity is 0 or out of memory. */
td_alert_log *td_alert_log_new(size_t capacity);
void td_alert_log_free(td_alert_log *l);

/* Add a fired alert (copied), unacknowledged; returns its sequence number. */
uint64_t td_alert_log_add(td_alert_log *l, const td_alert_msg *m, uint32_t rule, uint32_t inst, bool has_order);

/* Alerts held at level min or above. */
size_t td_alert_log_count(const td_alert_log *l, td_alert_level min);

/* The i-th newest alert at level min or above (0 = the newest); NULL past the end. Valid until the next add. */
const td_alert_log_entry *td_alert_log_at(const td_alert_log *l, td_alert_level min, size_t i);

/* The alert with sequence number seq, or NULL when it is not held (never was, or dropped). */
const td_alert_log_entry *td_alert_log_find(const td_alert_log *l, uint64_t seq);

/* Acknowledge one alert; 0 (also when it already was), or -1 when it is not held. */
int td_alert_log_ack(td_alert_log *l, uint64_t seq);

/* Acknowledge every alert at level min or above; returns how many were not yet. */
size_t td_alert_log_ack_all(td_alert_log *l, td_alert_level min);

typedef struct td_alert_log_counts {
	size_t held[TD_ALERT_LEVEL_COUNT];     /* alerts held, per level */
	size_t unacked[TD_ALERT_LEVEL_COUNT];  /* of them not acknowledged, per level */
	uint64_t added;                        /* alerts added since the log was made */
	uint64_t dropped;                      /* pushed out of the full ring */
	size_t capacity;
} td_alert_log_counts;

void td_alert_log_counts_get(const td_alert_log *l, td_alert_log_counts *out);

#endif
