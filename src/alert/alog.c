/*
 * The alert log (alog.h): a ring of entries indexed by sequence number.
 *
 * Entry seq lives in slot (seq - 1) % capacity, and the ring holds the
 * sequence numbers (added - held, added], so finding an alert by its
 * number is one division and the i-th newest without a filter is one too.
 * Counts per level are kept as alerts come, go and are acknowledged, so no
 * count walks the ring.
 */
#include "alert/alog.h"

#include <stdlib.h>

struct td_alert_log {
	size_t cap;
	size_t held;
	uint64_t added;
	uint64_t dropped;
	size_t n_level[TD_ALERT_LEVEL_COUNT];
	size_t n_unacked[TD_ALERT_LEVEL_COUNT];
	td_alert_log_entry *e;
};

td_alert_log *td_alert_log_new(size_t capacity)
{
	if (capacity == 0)
		return NULL;
	td_alert_log *l = calloc(1, sizeof *l);
	if (!l)
		return NULL;
	l->e = calloc(capacity, sizeof *l->e);
	if (!l->e) {
		free(l);
		return NULL;
	}
	l->cap = capacity;
	return l;
}

void td_alert_log_free(td_alert_log *l)
{
	if (!l)
		return;
	free(l->e);
	free(l);
}

static td_alert_log_entry *slot(const td_alert_log *l, uint64_t seq)
{
	return &l->e[(seq - 1) % l->cap];
}

/* Take a held entry out of the counts. */
static void uncount(td_alert_log *l, const td_alert_log_entry *e)
{
	l->n_level[e->msg.level]--;
	if (!e->acked)
		l->n_unacked[e->msg.level]--;
}

uint64_t td_alert_log_add(td_alert_log *l, const td_alert_msg *m, uint32_t rule, uint32_t inst, bool has_order)
{
	uint64_t seq = ++l->added;
	td_alert_log_entry *e = slot(l, seq);
	if (l->held == l->cap) {
		uncount(l, e);
		l->dropped++;
	} else {
		l->held++;
	}
	*e = (td_alert_log_entry){ .msg = *m, .seq = seq, .rule = rule, .inst = inst, .has_order = has_order };
	if ((unsigned)e->msg.level >= TD_ALERT_LEVEL_COUNT)
		e->msg.level = TD_ALERT_CRITICAL;  /* as td_alert_msg_make does: a corrupted level never hides an alert */
	l->n_level[e->msg.level]++;
	l->n_unacked[e->msg.level]++;
	return seq;
}

size_t td_alert_log_count(const td_alert_log *l, td_alert_level min)
{
	size_t n = 0;
	for (int lv = min < 0 ? 0 : (int)min; lv < TD_ALERT_LEVEL_COUNT; lv++)
		n += l->n_level[lv];
	return n;
}

const td_alert_log_entry *td_alert_log_at(const td_alert_log *l, td_alert_level min, size_t i)
{
	if (min <= TD_ALERT_INFO)
		return i < l->held ? slot(l, l->added - i) : NULL;
	for (size_t k = 0; k < l->held; k++) {
		const td_alert_log_entry *e = slot(l, l->added - k);
		if (e->msg.level >= min && i-- == 0)
			return e;
	}
	return NULL;
}

/* The held entry seq, or NULL. */
static td_alert_log_entry *find(const td_alert_log *l, uint64_t seq)
{
	if (seq == 0 || seq > l->added || seq <= l->added - l->held)
		return NULL;
	return slot(l, seq);
}

const td_alert_log_entry *td_alert_log_find(const td_alert_log *l, uint64_t seq)
{
	return find(l, seq);
}

int td_alert_log_ack(td_alert_log *l, uint64_t seq)
{
	td_alert_log_entry *e = find(l, seq);
	if (!e)
		return -1;
	if (!e->acked) {
		e->acked = true;
		l->n_unacked[e->msg.level]--;
	}
	return 0;
}

size_t td_alert_log_ack_all(td_alert_log *l, td_alert_level min)
{
	size_t n = 0;
	for (size_t k = 0; k < l->held; k++) {
		td_alert_log_entry *e = slot(l, l->added - k);
		if (e->msg.level >= min && !e->acked) {
			e->acked = true;
			l->n_unacked[e->msg.level]--;
			n++;
		}
	}
	return n;
}

void td_alert_log_counts_get(const td_alert_log *l, td_alert_log_counts *out)
{
	*out = (td_alert_log_counts){ .added = l->added, .dropped = l->dropped, .capacity = l->cap };
	for (int lv = 0; lv < TD_ALERT_LEVEL_COUNT; lv++) {
		out->held[lv] = l->n_level[lv];
		out->unacked[lv] = l->n_unacked[lv];
	}
}
