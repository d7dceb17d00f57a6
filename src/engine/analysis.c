/* Per-instrument studies fed in batches; see analysis.h. */
#include "analysis.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analytics/trade.h"

#define BATCH 1024
#define BAR_KEEP 500          /* footprint bars kept (a full day of 1-minute bars is 390) */
#define FP_MAX_TICKS 65536
#define PROFILE_MAX_ROWS (1 << 20)
#define PM_INVENTORY_BAND 10  /* percent of the overnight range that counts as balanced */

typedef struct slot {
	td_studies st;
	td_trade queue[BATCH];
	size_t nq;
} slot;

struct td_analysis {
	const td_session *session;  /* borrowed */
	const td_registry *reg;     /* borrowed */
	td_fp_params fp;            /* footprint parameters for every instrument */
	td_tpo_params tpo;          /* TPO parameters, row size set per instrument */
	int64_t block_size;         /* prints of at least this size are blocks (ui.large_print) */
	int16_t *index;             /* registry id -> slot, or -1 */
	size_t nids;
	slot *slots;
	size_t n;
};

/* "5m" -> ns. */
static td_ns tf_ns(const char *tf)
{
	static const struct { const char *name; int minutes; } tfs[] = {
		{ "1m", 1 }, { "5m", 5 }, { "15m", 15 }, { "30m", 30 }, { "60m", 60 },
	};
	for (size_t i = 0; i < sizeof(tfs) / sizeof(tfs[0]); i++)
		if (strcmp(tfs[i].name, tf) == 0)
			return tfs[i].minutes * TD_NS_PER_MIN;
	return 5 * TD_NS_PER_MIN;
}

/* Footprint and TPO parameters from the [analysis] options. */
static void set_params(td_analysis *a, const td_config *cfg)
{
	td_footprint_defaults(&a->fp);
	/* Any day's open aligns every day: each tf divides both a day and an hour (DST). */
	a->fp.origin = td_tz_to_utc(td_session_tz(a->session), td_days_from_civil(2000, 1, 3), a->session->open_tod);
	a->fp.tf = tf_ns(cfg->footprint_tf);
	a->fp.keep = BAR_KEEP;
	a->fp.max_ticks = FP_MAX_TICKS;
	a->fp.imb_ratio_pct = (uint32_t)cfg->imbalance_ratio;
	a->fp.imb_min_vol = cfg->imbalance_min;
	a->fp.stack_min = (uint32_t)cfg->stacked_min;
	a->tpo = td_tpo_params_default(a->session);
	a->tpo.period_ns = (td_ns)cfg->tpo_period * TD_NS_PER_MIN;
	a->tpo.ib_periods = (unsigned)cfg->ib_periods;
	a->tpo.va_pct = (unsigned)cfg->value_area;
	a->block_size = cfg->large_print;
}

/* Bars, footprint and profile for one instrument (the TPO waits for a price). */
static int open_studies(td_analysis *a, td_studies *st, uint32_t id, char *err, size_t errlen)
{
	st->instr = id;
	st->day_start = st->day_end = INT64_MIN;
	st->phase_end = INT64_MIN;
	st->warm_end = INT64_MIN;
	st->rth_close = TD_PX_NONE;
	td_bars_params bp = { .session = a->session, .all_hours = true };
	td_profile_params pp = { .row_ticks = 1, .max_rows = PROFILE_MAX_ROWS };
	const td_instrument *ins = td_registry_get(a->reg, id);
	st->bars = td_bars_new(&bp, err, errlen);
	st->fp = st->bars ? td_footprint_new(&a->fp, err, errlen) : NULL;
	st->profile = st->fp ? td_profile_new(&pp, err, errlen) : NULL;
	st->rth = st->profile ? td_profile_new(&pp, err, errlen) : NULL;
	st->pm = st->rth ? td_premarket_new(a->session, ins->px, 1, PM_INVENTORY_BAND, err, errlen) : NULL;
	return st->pm ? 0 : -1;
}

static void close_studies(td_studies *st)
{
	td_bars_free(st->bars);
	td_footprint_free(st->fp);
	td_profile_free(st->profile);
	td_profile_free(st->rth);
	td_premarket_free(st->pm);
	td_orderflow_free(st->of);
	td_tpo_free(st->tpo);
}

td_analysis *td_analysis_new(const td_config *cfg, const td_session *s, const td_registry *reg,
			     const uint32_t *ids, size_t n, char *err, size_t errlen)
{
	td_analysis *a = calloc(1, sizeof(*a));
	if (!a || n > INT16_MAX) {
		free(a);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	a->session = s;
	a->reg = reg;
	a->nids = td_registry_count(reg);
	a->index = malloc((a->nids ? a->nids : 1) * sizeof(*a->index));
	a->slots = calloc(n ? n : 1, sizeof(*a->slots));
	if (!a->index || !a->slots) {
		snprintf(err, errlen, "out of memory");
		td_analysis_free(a);
		return NULL;
	}
	memset(a->index, 0xff, (a->nids ? a->nids : 1) * sizeof(*a->index));
	set_params(a, cfg);
	for (; a->n < n; a->n++) {
		if (ids[a->n] >= a->nids || open_studies(a, &a->slots[a->n].st, ids[a->n], err, errlen) < 0) {
			a->n++;
			td_analysis_free(a);
			return NULL;
		}
		a->index[ids[a->n]] = (int16_t)a->n;
	}
	return a;
}

void td_analysis_free(td_analysis *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->n && a->slots; i++)
		close_studies(&a->slots[i].st);
	free(a->slots);
	free(a->index);
	free(a);
}

/* A new local day containing t: fresh ladder and profile.  -1 if the footprint cannot be rebuilt. */
static int new_day(td_analysis *a, td_studies *st, td_ns t)
{
	const td_tz *tz = td_session_tz(a->session);
	td_ns local = t + (td_ns)td_tz_offset(tz, t) * TD_NS_PER_SEC;
	int64_t day = local >= 0 ? local / TD_NS_PER_DAY : (local - TD_NS_PER_DAY + 1) / TD_NS_PER_DAY;
	char err[128];
	td_footprint *fp = td_footprint_new(&a->fp, err, sizeof(err));
	if (!fp)
		return -1;
	td_footprint_free(st->fp);
	st->fp = fp;
	td_profile_clear(st->profile);
	st->day_start = td_tz_to_utc(tz, day, 0);
	st->day_end = td_tz_to_utc(tz, day + 1, 0);
	return 0;
}

/* The TPO, once the first price says how tall a row should be. */
static void open_tpo(td_analysis *a, td_studies *st, td_ticks px)
{
	char err[128];
	td_tpo_params p = a->tpo;
	p.row_ticks = px / 2000 > 1 ? px / 2000 : 1;
	st->tpo = td_tpo_new(&p, err, sizeof(err));
	st->tpo_row = p.row_ticks;
}

/* The regular session in rth has ended: it becomes the prior day of a fresh pre-market analysis. */
static void roll_session(td_analysis *a, td_studies *st)
{
	td_profile_stats ps;
	td_pm_prior prior = { TD_PX_NONE, TD_PX_NONE, TD_PX_NONE, TD_PX_NONE, TD_PX_NONE, st->rth_close };
	if (td_profile_stats_get(st->rth, (unsigned)a->tpo.va_pct, &ps) == 0)
		prior = (td_pm_prior){ ps.vah, ps.val, ps.poc, ps.high, ps.low, st->rth_close };
	td_premarket_reset(st->pm);
	td_premarket_set_prior(st->pm, &prior);
	st->rth_open = false;
}

/* Measure the first 30 regular minutes, then start the order flow with V = estimated day / 50. */
static void warm_orderflow(td_analysis *a, td_studies *st, const td_trade *t)
{
	if (st->warm_end == INT64_MIN)
		st->warm_end = t->ts + 30 * TD_NS_PER_MIN;
	if (t->ts < st->warm_end) {
		st->warm_volume += t->size;
		return;
	}
	int64_t halves = (a->session->close_tod - a->session->open_tod) / (30 * TD_NS_PER_MIN);
	td_orderflow_params p = { .bucket_volume = st->warm_volume * halves / 50, .block_size = a->block_size };
	if (p.bucket_volume < 1)
		p.bucket_volume = 1;
	char err[128];
	st->of = td_orderflow_new(&p, err, sizeof(err));
	st->of_bucket = p.bucket_volume;
}

/* One print through the order flow; counts what it found. */
static void add_orderflow(td_studies *st, const td_trade *t)
{
	td_orderflow_out out;
	if (td_orderflow_add_trade(st->of, t, &out) < 0)
		return;
	st->blocks += (out.flags & TD_OF_BLOCK) != 0;
	st->large += (out.flags & TD_OF_LARGE) != 0;
	if (out.flags & TD_OF_SWEEP_START) {
		st->sweeps++;
		st->last_sweep = out.sweep;
	}
	if (out.flags & TD_OF_SWEEP_END)
		st->last_sweep = out.sweep;
}

/* Regular-hours profile and the pre-market analysis, trade by trade (phases cached). */
static void feed_sessions(td_analysis *a, td_studies *st, const td_trade *t, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (t[i].ts >= st->phase_end) {
			if (st->rth_open)
				roll_session(a, st);
			st->phase = td_session_phase_at(a->session, t[i].ts);
			st->phase_end = td_session_next_change(a->session, t[i].ts);
		}
		if (st->phase == TD_PHASE_REGULAR) {
			if (!st->rth_open)
				td_profile_clear(st->rth);
			st->rth_open = true;
			td_profile_add(st->rth, &t[i]);
			st->rth_close = t[i].px;
			if (!st->of)
				warm_orderflow(a, st, &t[i]);
		}
		if (st->of)
			add_orderflow(st, &t[i]);
		td_premarket_add(st->pm, &t[i]);
	}
}

/* Feed one instrument's queue to each study in turn. */
static void flush_slot(td_analysis *a, slot *sl)
{
	td_studies *st = &sl->st;
	size_t start = 0;
	while (start < sl->nq) {
		td_ns t0 = sl->queue[start].ts;
		if ((t0 < st->day_start || t0 >= st->day_end) && new_day(a, st, t0) < 0)
			break;
		size_t end = start;
		while (end < sl->nq && sl->queue[end].ts >= st->day_start && sl->queue[end].ts < st->day_end)
			end++;
		const td_trade *t = sl->queue + start;
		size_t n = end - start;
		if (!st->tpo)
			open_tpo(a, st, t[0].px);
		td_bars_add_all(st->bars, t, n);
		for (size_t i = 0; i < n; i++)
			td_footprint_add(st->fp, &t[i]);
		for (size_t i = 0; i < n; i++)
			td_profile_add(st->profile, &t[i]);
		for (size_t i = 0; st->tpo && i < n; i++)
			td_tpo_add(st->tpo, &t[i]);
		feed_sessions(a, st, t, n);
		start = end;
	}
	sl->nq = 0;
}

void td_analysis_add(td_analysis *a, const td_event *ev)
{
	if (ev->type != TD_EV_TRADE || ev->instr >= a->nids || a->index[ev->instr] < 0)
		return;
	slot *sl = &a->slots[a->index[ev->instr]];
	if (sl->nq == BATCH)
		flush_slot(a, sl);
	sl->queue[sl->nq++] = td_trade_from_event(ev);
}

void td_analysis_flush(td_analysis *a)
{
	for (size_t i = 0; i < a->n; i++)
		if (a->slots[i].nq)
			flush_slot(a, &a->slots[i]);
}

td_studies *td_analysis_get(td_analysis *a, uint32_t instr)
{
	if (instr >= a->nids || a->index[instr] < 0)
		return NULL;
	return &a->slots[a->index[instr]].st;
}

td_ns td_analysis_footprint_tf(const td_analysis *a)
{
	return a->fp.tf;
}
