/*
 * analyze profile, premarket and levels: volume profiles by session date,
 * the pre-market read of the last date against the one before it, and the
 * key levels of both merged.
 *
 * Days.  A trade's day is its local date in the session's zone.  "Today" is
 * the date of the last trade in the file; the prior day is the latest
 * earlier date with a regular-hours trade.  premarket and levels describe
 * today as the file leaves it (doc/analyze.md).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analytics/indicators.h"
#include "analytics/levels.h"
#include "analytics/premarket.h"
#include "analytics/profile.h"
#include "analyze_int.h"

#define AZ_PROFILE_MAX_ROWS ((size_t)1 << 20)  /* 8 MB a profile at most */
#define AZ_NODE_WIDTH 2                        /* rows each side of a volume node */
#define AZ_HVN_PCT 60                          /* HVN: at least this % of the POC row */
#define AZ_LVN_PCT 25                          /* LVN: at most this % of the POC row */
#define AZ_INV_BAND_PCT 10                     /* overnight inventory band, % of its range */
#define AZ_NO_DATE INT64_MIN
#define AZ_REASON 64

/* A new profile with --row; NULL after the message. */
static td_profile *td_az_profile_new(const td_az_opts *o)
{
	char err[256];
	td_profile_params pp = { .row_ticks = o->row_ticks, .max_rows = AZ_PROFILE_MAX_ROWS };
	td_profile *p = td_profile_new(&pp, err, sizeof(err));
	if (!p)
		td_az_error("%s", err);
	return p;
}

/* The volume nodes of rows[0..n) as a per-row kind (0, TD_NODE_HVN or TD_NODE_LVN); NULL when out of memory. */
static uint8_t *td_az_node_marks(const int64_t *rows, size_t n)
{
	uint8_t *mark = calloc(n ? n : 1, 1);
	size_t max = n / 2 + 1;
	td_node *nodes = malloc(max * sizeof(*nodes));
	if (!mark || !nodes) {
		free(mark);
		free(nodes);
		return NULL;
	}
	size_t k = td_profile_nodes_of(rows, n, AZ_NODE_WIDTH, AZ_HVN_PCT, AZ_LVN_PCT, nodes, max);
	for (size_t i = 0; i < k && i < max; i++)
		mark[nodes[i].row] = (uint8_t)nodes[i].kind;
	free(nodes);
	return mark;
}

/* ---- profile ---------------------------------------------------------------------- */

/* The price rows of a day, high to low: CSV rows or a JSON "rows" array in the current object. */
static void td_az_profile_rows(td_az_out *out, const td_profile *p, const td_profile_stats *st, td_pxfmt f,
			    td_ticks row_ticks, const char *date)
{
	td_ticks lo;
	const int64_t *rows;
	size_t n = td_profile_rows(p, &lo, &rows);
	uint8_t *mark = td_az_node_marks(rows, n);
	cJSON *keep = out->cur, *arr = td_az_json_array(out, "rows");
	for (size_t i = n; i-- > 0;) {
		td_ticks px = lo + (td_ticks)i * row_ticks;
		td_az_row_begin(out, arr);
		if (out->fmt == AZ_CSV)
			td_az_str(out, "date", date);
		td_az_px(out, "price", f, px);
		td_az_int(out, "volume", rows[i]);
		td_az_flag(out, "poc", px == st->poc);
		td_az_flag(out, "in_value", px >= st->val && px <= st->vah);
		td_az_flag(out, "hvn", mark && mark[i] == TD_NODE_HVN);
		td_az_flag(out, "lvn", mark && mark[i] == TD_NODE_LVN);
		td_az_row_end(out);
	}
	out->cur = keep;
	free(mark);
}

/* The summary fields of a day. */
static void td_az_profile_stats_out(td_az_out *out, const td_profile_stats *st, td_pxfmt f)
{
	td_az_int(out, "trades", st->trades);
	td_az_int(out, "volume", st->volume);
	td_az_px(out, "high", f, st->high);
	td_az_px(out, "low", f, st->low);
	td_az_px(out, "poc", f, st->poc);
	td_az_px(out, "vah", f, st->vah);
	td_az_px(out, "val", f, st->val);
	td_az_int(out, "poc_volume", st->poc_volume);
	td_az_int(out, "va_volume", st->va_volume);
}

/* Write one day's profile and clear it. */
static void td_az_profile_day(const td_az_opts *o, td_az_out *out, cJSON *days, td_profile *p, int64_t date, td_pxfmt f)
{
	td_profile_stats st;
	char ds[16];
	if (td_profile_stats_get(p, o->va_pct, &st) < 0)
		return;
	td_az_fmt_date(date, ds, sizeof(ds));
	bool summary = o->rows && strcmp(o->rows, "summary") == 0;
	if (out->fmt == AZ_CSV && !summary) {
		td_az_profile_rows(out, p, &st, f, o->row_ticks, ds);
	} else {
		td_az_row_begin(out, days);
		td_az_str(out, "date", ds);
		td_az_profile_stats_out(out, &st, f);
		if (out->fmt == AZ_JSON)
			td_az_profile_rows(out, p, &st, f, o->row_ticks, ds);
		td_az_row_end(out);
	}
	if (td_profile_dropped(p))
		td_az_warn("%s: %lld trade%s dropped by the profile (a range over %zu rows)", ds,
			(long long)td_profile_dropped(p), td_profile_dropped(p) > 1 ? "s" : "", AZ_PROFILE_MAX_ROWS);
	td_profile_clear(p);
}

int td_az_run_profile(const td_az_opts *o, const td_az_trades *tr, td_az_out *out)
{
	td_profile *p = td_az_profile_new(o);
	if (!p)
		return 1;
	td_pxfmt f = tr->ins->px;
	if (out->fmt == AZ_JSON) {
		td_az_str(out, "symbol", tr->ins->symbol);
		td_az_str(out, "market", o->session->name);
		td_az_int(out, "row_ticks", o->row_ticks);
		td_az_int(out, "va_pct", o->va_pct);
	}
	cJSON *days = td_az_json_array(out, "days");
	if (o->rows && strcmp(o->rows, "summary") == 0)
		td_az_csv_header(out, "date,trades,volume,high,low,poc,vah,val,poc_volume,va_volume");
	else
		td_az_csv_header(out, "date,price,volume,poc,in_value,hvn,lvn");
	int64_t date = AZ_NO_DATE;
	for (size_t i = 0; i < tr->n; i++) {
		if (!td_az_hours_ok(o, &tr->t[i]))
			continue;
		int64_t d = td_az_local_date(o->session, tr->t[i].ts);
		if (d != date && date != AZ_NO_DATE)
			td_az_profile_day(o, out, days, p, date, f);
		date = d;
		td_profile_add(p, &tr->t[i]);
	}
	if (date != AZ_NO_DATE)
		td_az_profile_day(o, out, days, p, date, f);
	td_profile_free(p);
	return 0;
}

/* ---- premarket ------------------------------------------------------------------------ */

/* Today, the prior day and the pre-market report, shared by premarket and levels. */
typedef struct td_az_pm {
	int64_t today;
	int64_t prior;            /* AZ_NO_DATE when none */
	size_t prior_first;       /* index of the prior day's first trade */
	td_profile *prior_prof;   /* the prior day's regular session; NULL when none */
	td_profile_stats prior_st;
	td_pm_prior pp;
	td_pm_report rep;
} td_az_pm;

/* Find the prior day and build its regular-session profile; 0 or 1. */
static int td_az_pm_prior(const td_az_opts *o, const td_az_trades *tr, td_az_pm *pm)
{
	pm->prior = AZ_NO_DATE;
	pm->pp = (td_pm_prior){ TD_PX_NONE, TD_PX_NONE, TD_PX_NONE, TD_PX_NONE, TD_PX_NONE, TD_PX_NONE };
	for (size_t i = tr->n; i-- > 0;) {
		int64_t d = td_az_local_date(o->session, tr->t[i].ts);
		if (d < pm->today && td_session_phase_at(o->session, tr->t[i].ts) == TD_PHASE_REGULAR) {
			pm->prior = d;
			break;
		}
	}
	if (pm->prior == AZ_NO_DATE)
		return 0;
	pm->prior_prof = td_az_profile_new(o);
	if (!pm->prior_prof)
		return 1;
	bool first = true;
	for (size_t i = 0; i < tr->n; i++) {
		const td_trade *t = &tr->t[i];
		if (td_az_local_date(o->session, t->ts) != pm->prior)
			continue;
		if (first)
			pm->prior_first = i;
		first = false;
		if (td_session_phase_at(o->session, t->ts) != TD_PHASE_REGULAR)
			continue;
		td_profile_add(pm->prior_prof, t);
		pm->pp.close = t->px;
	}
	if (td_profile_stats_get(pm->prior_prof, o->va_pct, &pm->prior_st) == 0) {
		pm->pp.vah = pm->prior_st.vah;
		pm->pp.val = pm->prior_st.val;
		pm->pp.poc = pm->prior_st.poc;
		pm->pp.high = pm->prior_st.high;
		pm->pp.low = pm->prior_st.low;
	}
	return 0;
}

/* Run the pre-market analysis of today; 0 or 1 after the message. */
static int td_az_pm_compute(const td_az_opts *o, const td_az_trades *tr, td_az_pm *pm)
{
	char err[256];
	memset(pm, 0, sizeof(*pm));
	pm->today = td_az_local_date(o->session, tr->t[tr->n - 1].ts);
	if (td_az_pm_prior(o, tr, pm))
		return 1;
	td_premarket *p = td_premarket_new(o->session, tr->ins->px, o->row_ticks, AZ_INV_BAND_PCT, err, sizeof(err));
	if (!p) {
		td_az_error("%s", err);
		return 1;
	}
	td_premarket_set_prior(p, pm->prior == AZ_NO_DATE ? NULL : &pm->pp);
	td_ns from = INT64_MIN;
	if (pm->prior != AZ_NO_DATE)
		from = td_tz_to_utc(td_session_tz(o->session), pm->prior, o->session->close_tod);
	for (size_t i = 0; i < tr->n; i++)
		if (tr->t[i].ts >= from)
			td_premarket_add(p, &tr->t[i]);
	td_premarket_report(p, &pm->rep);
	td_premarket_free(p);
	return 0;
}

static void td_az_pm_release(td_az_pm *pm)
{
	td_profile_free(pm->prior_prof);
	pm->prior_prof = NULL;
}

static const struct {
	unsigned bit;
	const char *name;
} td_az_pm_missing[] = {
	{ TD_PM_NO_PRIOR, "no_prior" },         { TD_PM_NO_PRIOR_VALUE, "no_prior_value" },
	{ TD_PM_NO_PRIOR_RANGE, "no_prior_range" }, { TD_PM_NO_PRIOR_CLOSE, "no_prior_close" },
	{ TD_PM_NO_OVERNIGHT, "no_overnight" }, { TD_PM_NO_OPEN, "no_open" },
	{ TD_PM_PARTIAL, "partial" },
};

/* Start a "section,name,value" CSV row; in JSON the value becomes a field of the current object. */
static void td_az_kv_begin(td_az_out *out, const char *section, const char *name)
{
	if (out->fmt != AZ_CSV)
		return;
	td_az_row_begin(out, NULL);
	td_az_str(out, "section", section);
	td_az_str(out, "name", name);
}

/* End it (CSV only). */
static void td_az_kv_end(td_az_out *out)
{
	if (out->fmt == AZ_CSV)
		td_az_row_end(out);
}

static void td_az_kv_px(td_az_out *out, const char *section, const char *name, td_pxfmt f, td_ticks v)
{
	td_az_kv_begin(out, section, name);
	td_az_px(out, name, f, v);
	td_az_kv_end(out);
}

static void td_az_kv_str(td_az_out *out, const char *section, const char *name, const char *v)
{
	td_az_kv_begin(out, section, name);
	td_az_str(out, name, v);
	td_az_kv_end(out);
}

static void td_az_kv_int(td_az_out *out, const char *section, const char *name, int64_t v)
{
	td_az_kv_begin(out, section, name);
	td_az_int(out, name, v);
	td_az_kv_end(out);
}

/* The prior-day block. */
static void td_az_pm_out_prior(td_az_out *out, const td_az_pm *pm, td_pxfmt f)
{
	char ds[16];
	if (pm->prior == AZ_NO_DATE) {
		td_az_kv_str(out, "prior", "date", NULL);
	} else {
		td_az_fmt_date(pm->prior, ds, sizeof(ds));
		td_az_kv_str(out, "prior", "date", ds);
	}
	td_az_kv_px(out, "prior", "high", f, pm->pp.high);
	td_az_kv_px(out, "prior", "low", f, pm->pp.low);
	td_az_kv_px(out, "prior", "close", f, pm->pp.close);
	td_az_kv_px(out, "prior", "poc", f, pm->pp.poc);
	td_az_kv_px(out, "prior", "vah", f, pm->pp.vah);
	td_az_kv_px(out, "prior", "val", f, pm->pp.val);
}

/* The overnight block. */
static void td_az_pm_out_overnight(td_az_out *out, const td_pm_report *r, td_pxfmt f)
{
	td_az_kv_px(out, "overnight", "high", f, r->on_high);
	td_az_kv_px(out, "overnight", "low", f, r->on_low);
	td_az_kv_px(out, "overnight", "last", f, r->on_last);
	td_az_kv_px(out, "overnight", "vwap", f, r->on_vwap);
	td_az_kv_px(out, "overnight", "poc", f, r->on_poc);
	td_az_kv_px(out, "overnight", "vah", f, r->on_vah);
	td_az_kv_px(out, "overnight", "val", f, r->on_val);
	td_az_kv_int(out, "overnight", "volume", r->on_volume);
}

/* Missing inputs, reasons and levels: CSV rows or JSON arrays. */
static void td_az_pm_out_lists(td_az_out *out, const td_pm_report *r, td_pxfmt f)
{
	cJSON *miss = td_az_json_array(out, "missing");
	for (size_t i = 0; i < sizeof(td_az_pm_missing) / sizeof(td_az_pm_missing[0]); i++)
		if (r->missing & td_az_pm_missing[i].bit) {
			if (miss)
				cJSON_AddItemToArray(miss, cJSON_CreateString(td_az_pm_missing[i].name));
			else
				td_az_kv_str(out, "missing", td_az_pm_missing[i].name, "1");
		}
	cJSON *reasons = td_az_json_array(out, "reasons");
	for (size_t i = 0; i < r->nreasons && i < TD_PM_MAX_REASONS; i++) {
		if (reasons) {
			cJSON_AddItemToArray(reasons, cJSON_CreateString(r->reasons[i]));
			continue;
		}
		char num[8];
		snprintf(num, sizeof(num), "%zu", i + 1);
		td_az_kv_str(out, "reason", num, r->reasons[i]);
	}
	cJSON *levels = td_az_json_array(out, "levels");
	for (size_t i = 0; i < r->nlevels && i < TD_PM_MAX_LEVELS; i++) {
		if (!levels) {
			td_az_kv_px(out, "level", r->levels[i].name, f, r->levels[i].px);
			continue;
		}
		td_az_row_begin(out, levels);
		td_az_str(out, "name", r->levels[i].name);
		td_az_px(out, "price", f, r->levels[i].px);
		td_az_row_end(out);
	}
}

int td_az_run_premarket(const td_az_opts *o, const td_az_trades *tr, td_az_out *out)
{
	td_az_pm pm;
	if (td_az_pm_compute(o, tr, &pm)) {
		td_az_pm_release(&pm);
		return 1;
	}
	td_pxfmt f = tr->ins->px;
	const td_pm_report *r = &pm.rep;
	char ds[16];
	td_az_fmt_date(pm.today, ds, sizeof(ds));
	td_az_csv_header(out, "section,name,value");
	td_az_kv_str(out, "analysis", "symbol", tr->ins->symbol);
	td_az_kv_str(out, "analysis", "market", o->session->name);
	td_az_kv_str(out, "analysis", "date", ds);
	td_az_kv_px(out, "analysis", "open", f, r->open);
	td_az_kv_px(out, "analysis", "ref", f, r->ref);
	td_az_kv_str(out, "analysis", "gap", td_pm_gap_name(r->gap));
	td_az_kv_str(out, "analysis", "inventory", td_pm_inventory_name(r->inventory));
	td_az_kv_int(out, "analysis", "score", r->score);
	td_az_kv_str(out, "analysis", "bias", td_pm_bias_name(r->bias));
	cJSON *keep = out->cur;
	out->cur = out->fmt == AZ_JSON ? td_az_json_object(out, "prior") : NULL;
	td_az_pm_out_prior(out, &pm, f);
	out->cur = out->fmt == AZ_JSON ? cJSON_AddObjectToObject(keep, "overnight") : NULL;
	td_az_pm_out_overnight(out, r, f);
	out->cur = keep;
	td_az_pm_out_lists(out, r, f);
	td_az_pm_release(&pm);
	return 0;
}

/* ---- levels --------------------------------------------------------------------------- */

/* Level candidates with their reason text. */
typedef struct td_az_cands {
	td_level_in *in;
	char (*reason)[AZ_REASON];
	size_t n, cap;
	int64_t date;            /* for the reasons */
	bool oom;
} td_az_cands;

/* Add one candidate; reasons are "WHAT DATE" or "WHAT TIME". */
static void td_az_cand(td_az_cands *c, td_ticks px, td_level_kind kind, const char *what, const char *when)
{
	if (px == TD_PX_NONE || c->oom)
		return;
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 64;
		td_level_in *ni = realloc(c->in, cap * sizeof(*ni));
		char(*nr)[AZ_REASON] = ni ? realloc(c->reason, cap * sizeof(*nr)) : NULL;
		if (ni)
			c->in = ni;
		if (!ni || !nr) {
			c->oom = true;
			return;
		}
		c->reason = nr;
		c->cap = cap;
	}
	c->in[c->n] = (td_level_in){ .px = px, .kind = (uint8_t)kind };
	snprintf(c->reason[c->n], AZ_REASON, "%s %s", what, when);
	c->n++;
}

/* The prior day's profile, range and floor pivots. */
static void td_az_cands_prior(td_az_cands *c, const td_az_pm *pm, td_ticks row_ticks)
{
	char ds[16];
	if (pm->prior == AZ_NO_DATE)
		return;
	td_az_fmt_date(pm->prior, ds, sizeof(ds));
	td_az_cand(c, pm->pp.poc, TD_LVL_POC, "POC", ds);
	td_az_cand(c, pm->pp.vah, TD_LVL_VAH, "VAH", ds);
	td_az_cand(c, pm->pp.val, TD_LVL_VAL, "VAL", ds);
	td_az_cand(c, pm->pp.high, TD_LVL_PRIOR_HIGH, "prior high", ds);
	td_az_cand(c, pm->pp.low, TD_LVL_PRIOR_LOW, "prior low", ds);
	td_az_cand(c, pm->pp.close, TD_LVL_PRIOR_CLOSE, "prior close", ds);
	td_ticks lo;
	const int64_t *rows;
	size_t n = td_profile_rows(pm->prior_prof, &lo, &rows);
	uint8_t *mark = td_az_node_marks(rows, n);
	for (size_t i = 0; mark && i < n; i++) {
		if (mark[i] == TD_NODE_HVN)
			td_az_cand(c, lo + (td_ticks)i * row_ticks, TD_LVL_HVN, "HVN", ds);
		else if (mark[i] == TD_NODE_LVN)
			td_az_cand(c, lo + (td_ticks)i * row_ticks, TD_LVL_LVN, "LVN", ds);
	}
	free(mark);
	if (pm->pp.high == TD_PX_NONE || pm->pp.close == TD_PX_NONE)
		return;
	/* floor pivots in ticks, rounded to the nearest tick (halves away from zero) */
	td_ind_pivot_levels pv;
	td_ind_pivots_compute(TD_IND_PIVOT_STANDARD, (double)pm->pp.high, (double)pm->pp.low, (double)pm->pp.close,
			      &pv);
	static const char *const rname[3] = { "pivot R1", "pivot R2", "pivot R3" };
	static const char *const sname[3] = { "pivot S1", "pivot S2", "pivot S3" };
	td_az_cand(c, (td_ticks)llround(pv.pp), TD_LVL_PIVOT, "pivot PP", ds);
	for (int i = 0; i < 3; i++) {
		td_az_cand(c, (td_ticks)llround(pv.r[i]), TD_LVL_PIVOT, rname[i], ds);
		td_az_cand(c, (td_ticks)llround(pv.s[i]), TD_LVL_PIVOT, sname[i], ds);
	}
}

/* Feed one closed bar to the swing finder; starts[] remembers each bar's start for the reasons. */
static void td_az_swing_bar(td_az_cands *c, const td_az_opts *o, td_ind_swing *sw, const td_bar *b, td_ns **starts,
			 size_t *nb)
{
	td_ns *ns = realloc(*starts, (*nb + 1) * sizeof(*ns));
	if (!ns) {
		c->oom = true;
		return;
	}
	*starts = ns;
	ns[(*nb)++] = b->start;
	td_ind_swing_out so;
	if (!td_ind_swing_update(sw, (double)b->high, (double)b->low, &so) || so.bar >= *nb)
		return;
	char when[48];
	td_az_fmt_local(o->session, ns[so.bar], when, sizeof(when));
	if (!isnan(so.high))
		td_az_cand(c, (td_ticks)llround(so.high), TD_LVL_SWING_HIGH, "swing high", when);
	if (!isnan(so.low))
		td_az_cand(c, (td_ticks)llround(so.low), TD_LVL_SWING_LOW, "swing low", when);
}

/* Swing highs and lows of --tf bars over the prior day and today; 0 or 1. */
static int td_az_cands_swings(td_az_cands *c, const td_az_opts *o, const td_az_trades *tr, const td_az_pm *pm)
{
	char err[256];
	td_bars_params bp = { .session = o->session, .all_hours = !o->regular_only };
	td_bars *b = td_bars_new(&bp, err, sizeof(err));
	td_ind_swing *sw = td_ind_swing_new(o->swing);
	if (!b || !sw) {
		td_az_error("%s", b ? "out of memory" : err);
		td_bars_free(b);
		td_ind_swing_free(sw);
		return 1;
	}
	td_ns *starts = NULL;
	size_t nb = 0;
	uint64_t seen = 0;
	td_bar bar;
	for (size_t i = pm->prior == AZ_NO_DATE ? 0 : pm->prior_first; i < tr->n; i++) {
		td_bars_add(b, &tr->t[i]);
		uint64_t closed = td_bars_closed(b, o->tf);
		size_t k = (size_t)(closed - seen), have = td_bars_count(b, o->tf);
		for (size_t j = k < have ? k : have; j-- > 0;)
			if (td_bars_get(b, o->tf, j, &bar))
				td_az_swing_bar(c, o, sw, &bar, &starts, &nb);
		seen = closed;
	}
	if (td_bars_forming(b, o->tf, &bar))
		td_az_swing_bar(c, o, sw, &bar, &starts, &nb);
	free(starts);
	td_ind_swing_free(sw);
	td_bars_free(b);
	return 0;
}

/* Write the merged levels, lowest price first. */
static void td_az_levels_out(td_az_out *out, const td_levels *lv, td_pxfmt f)
{
	cJSON *keep = out->cur, *arr = td_az_json_array(out, "levels");
	td_az_csv_header(out, "price,lo,hi,strength,members,kinds,reasons");
	for (size_t i = 0; i < td_levels_count(lv); i++) {
		const td_level *l = td_levels_get(lv, i);
		char kinds[512];
		size_t used = 0;
		kinds[0] = '\0';
		td_az_row_begin(out, arr);
		td_az_px(out, "price", f, l->px);
		td_az_px(out, "lo", f, l->lo);
		td_az_px(out, "hi", f, l->hi);
		td_az_int(out, "strength", l->strength);
		td_az_int(out, "members", l->members);
		cJSON *karr = td_az_json_array(out, "kinds");
		for (int k = 0; k < TD_LVL_KIND_COUNT; k++) {
			if (!(l->kinds & (1u << k)))
				continue;
			const char *name = td_levels_kind_name((td_level_kind)k);
			if (karr)
				cJSON_AddItemToArray(karr, cJSON_CreateString(name));
			else if (used < sizeof(kinds))
				used += (size_t)snprintf(kinds + used, sizeof(kinds) - used, "%s%s", used ? "|" : "", name);
		}
		if (out->fmt == AZ_CSV)
			td_az_str(out, "kinds", kinds);
		td_az_str(out, "reasons", l->reasons);
		td_az_row_end(out);
	}
	out->cur = keep;
}

int td_az_run_levels(const td_az_opts *o, const td_az_trades *tr, td_az_out *out)
{
	td_az_pm pm;
	td_az_cands c = { 0 };
	int rc = td_az_pm_compute(o, tr, &pm);
	if (rc == 0) {
		td_az_cands_prior(&c, &pm, o->row_ticks);
		char ds[16];
		td_az_fmt_date(pm.today, ds, sizeof(ds));
		td_az_cand(&c, pm.rep.on_high, TD_LVL_ON_HIGH, "overnight high", ds);
		td_az_cand(&c, pm.rep.on_low, TD_LVL_ON_LOW, "overnight low", ds);
		rc = td_az_cands_swings(&c, o, tr, &pm);
	}
	td_levels *lv = NULL;
	if (rc == 0 && !c.oom) {
		for (size_t i = 0; i < c.n; i++)
			c.in[i].reason = c.reason[i];
		lv = td_levels_new(c.n ? c.n : 1);
		if (!lv || td_levels_build(lv, c.in, c.n, o->tol) < 0) {
			td_az_error("cannot merge %zu levels", c.n);
			rc = 1;
		}
	} else if (c.oom) {
		td_az_error("out of memory");
		rc = 1;
	}
	if (rc == 0) {
		char ds[16];
		td_az_fmt_date(pm.today, ds, sizeof(ds));
		if (out->fmt == AZ_JSON) {
			td_az_str(out, "symbol", tr->ins->symbol);
			td_az_str(out, "market", o->session->name);
			td_az_str(out, "date", ds);
			td_az_int(out, "tol", o->tol);
		}
		td_az_levels_out(out, lv, tr->ins->px);
	}
	td_levels_free(lv);
	free(c.in);
	free(c.reason);
	td_az_pm_release(&pm);
	return rc;
}
