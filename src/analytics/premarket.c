/*
 * Pre-market analysis.  The phase of each trade comes from the session
 * calendar, cached for the stretch until the next phase change, so a trade
 * costs one compare plus the overnight profile's add.  The report is built
 * on demand from the overnight profile, the VWAP sums and the prior day.
 */
#include "analytics/premarket.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "analytics/profile.h"

/* Exact products of prices, sizes and percentages (GCC and Clang). */
__extension__ typedef __int128 i128;

#define ON_MAX_ROWS ((size_t)1 << 20)

struct td_premarket {
	const td_session *session;
	td_pxfmt fmt;
	unsigned inv_band_pct;
	td_profile *on;              /* overnight volume profile */
	i128 on_pv;              /* sum of price * size overnight, exact */
	int64_t on_vol;
	td_ticks on_last;            /* TD_PX_NONE until an overnight trade */
	td_ticks open;               /* TD_PX_NONE until the first regular trade */
	int has_prior;
	td_pm_prior prior;
	td_ns iv_start, iv_end;      /* cached stretch of one phase */
	td_phase iv_phase;
};

td_premarket *td_premarket_new(const td_session *s, td_pxfmt fmt, td_ticks row_ticks, unsigned inv_band_pct,
			       char *err, size_t errlen)
{
	if (!s || row_ticks < 1 || inv_band_pct > 100 || fmt.tick <= 0) {
		if (err && errlen)
			snprintf(err, errlen, "premarket: need a session, a tick format, row_ticks >= 1 and a band of 0..100 %%");
		return NULL;
	}
	td_premarket *pm = calloc(1, sizeof(*pm));
	td_profile_params pp = { row_ticks, ON_MAX_ROWS, 0, 0 };
	if (!pm || !(pm->on = td_profile_new(&pp, err, errlen))) {
		free(pm);
		return NULL;
	}
	pm->session = s;
	pm->fmt = fmt;
	pm->inv_band_pct = inv_band_pct;
	td_premarket_reset(pm);
	return pm;
}

void td_premarket_free(td_premarket *pm)
{
	if (!pm)
		return;
	td_profile_free(pm->on);
	free(pm);
}

void td_premarket_reset(td_premarket *pm)
{
	td_profile_clear(pm->on);
	pm->on_pv = 0;
	pm->on_vol = 0;
	pm->on_last = pm->open = TD_PX_NONE;
	pm->has_prior = 0;
	pm->iv_start = pm->iv_end = 0;
}

void td_premarket_set_prior(td_premarket *pm, const td_pm_prior *prior)
{
	pm->has_prior = prior != NULL;
	if (prior)
		pm->prior = *prior;
}

void td_premarket_add(td_premarket *pm, const td_trade *tr)
{
	if (pm->open != TD_PX_NONE)
		return;
	if (tr->ts < pm->iv_start || tr->ts >= pm->iv_end) {
		pm->iv_phase = td_session_phase_at(pm->session, tr->ts);
		pm->iv_start = tr->ts;
		pm->iv_end = td_session_next_change(pm->session, tr->ts);
	}
	if (pm->iv_phase == TD_PHASE_REGULAR) {
		pm->open = tr->px;
		return;
	}
	int64_t dropped = td_profile_dropped(pm->on);
	td_profile_add(pm->on, tr);
	if (td_profile_dropped(pm->on) != dropped)
		return;
	pm->on_pv += (i128)tr->px * tr->size;
	pm->on_vol += tr->size;
	pm->on_last = tr->px;
}

static const char *const gap_names[] = {
	[TD_GAP_UNKNOWN] = "unknown", [TD_GAP_IN_VALUE] = "in value", [TD_GAP_ABOVE_VALUE] = "above value",
	[TD_GAP_BELOW_VALUE] = "below value", [TD_GAP_UP] = "gap up", [TD_GAP_DOWN] = "gap down",
};
static const char *const inv_names[] = {
	[TD_INV_UNKNOWN] = "unknown", [TD_INV_BALANCED] = "balanced", [TD_INV_LONG] = "long", [TD_INV_SHORT] = "short",
};
static const char *const bias_names[] = {
	[TD_BIAS_UNKNOWN] = "unknown", [TD_BIAS_NEUTRAL] = "neutral", [TD_BIAS_BULLISH] = "bullish",
	[TD_BIAS_BEARISH] = "bearish",
};

const char *td_pm_gap_name(td_pm_gap g)
{
	return (unsigned)g < sizeof(gap_names) / sizeof(gap_names[0]) ? gap_names[g] : "?";
}

const char *td_pm_inventory_name(td_pm_inventory i)
{
	return (unsigned)i < sizeof(inv_names) / sizeof(inv_names[0]) ? inv_names[i] : "?";
}

const char *td_pm_bias_name(td_pm_bias b)
{
	return (unsigned)b < sizeof(bias_names) / sizeof(bias_names[0]) ? bias_names[b] : "?";
}

/* Append a reason line; lines past the limit are dropped (the limit fits every rule). */
__attribute__((format(printf, 2, 3)))
static void reason(td_pm_report *r, const char *fmt, ...)
{
	if (r->nreasons == TD_PM_MAX_REASONS)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->reasons[r->nreasons++], TD_PM_REASON_LEN, fmt, ap);
	va_end(ap);
}

/* A price as text in slot k of buf, so one line can hold three prices. */
static const char *px(const td_premarket *pm, td_ticks t, char buf[3][32], int k)
{
	td_px_format(pm->fmt, t, buf[k], sizeof(buf[k]));
	return buf[k];
}

/* Which inputs are missing. */
static unsigned missing_of(const td_premarket *pm)
{
	const td_pm_prior *p = &pm->prior;
	unsigned m = 0;
	if (!pm->has_prior)
		m |= TD_PM_NO_PRIOR | TD_PM_NO_PRIOR_VALUE | TD_PM_NO_PRIOR_RANGE | TD_PM_NO_PRIOR_CLOSE;
	else {
		if (p->vah == TD_PX_NONE || p->val == TD_PX_NONE || p->poc == TD_PX_NONE)
			m |= TD_PM_NO_PRIOR_VALUE;
		if (p->high == TD_PX_NONE || p->low == TD_PX_NONE)
			m |= TD_PM_NO_PRIOR_RANGE;
		if (p->close == TD_PX_NONE)
			m |= TD_PM_NO_PRIOR_CLOSE;
	}
	if (pm->on_vol == 0)
		m |= TD_PM_NO_OVERNIGHT;
	if (pm->open == TD_PX_NONE)
		m |= TD_PM_NO_OPEN;
	if (td_profile_dropped(pm->on) > 0)
		m |= TD_PM_PARTIAL;
	return m;
}

/* The overnight figures, when there are any. */
static void overnight_of(const td_premarket *pm, td_pm_report *r)
{
	td_profile_stats st;
	r->on_high = r->on_low = r->on_poc = r->on_vah = r->on_val = r->on_last = r->on_vwap = TD_PX_NONE;
	if (pm->on_vol == 0 || td_profile_stats_get(pm->on, 70, &st) != 0)
		return;
	r->on_high = st.high;
	r->on_low = st.low;
	r->on_poc = st.poc;
	r->on_vah = st.vah;
	r->on_val = st.val;
	r->on_last = pm->on_last;
	r->on_volume = pm->on_vol;
	/* nearest tick, halves up: floor((2 * pv + vol) / (2 * vol)) */
	i128 num = 2 * pm->on_pv + pm->on_vol, den = 2 * (i128)pm->on_vol;
	i128 q = num / den;
	r->on_vwap = (td_ticks)(num % den < 0 ? q - 1 : q);
}

/* Gap class of the reference price and its vote. */
static void gap_of(const td_premarket *pm, td_pm_report *r)
{
	const td_pm_prior *p = &pm->prior;
	char b[3][32];
	if (r->ref == TD_PX_NONE) {
		reason(r, "no open and no overnight trade: gap unknown");
		return;
	}
	if (r->missing & TD_PM_NO_PRIOR_RANGE) {
		reason(r, "no prior high/low: gap unknown");
		return;
	}
	const char *what = r->missing & TD_PM_NO_OPEN ? "last overnight" : "open";
	if (r->ref > p->high) {
		r->gap = TD_GAP_UP;
		r->score += 2;
		reason(r, "%s %s above prior high %s: gap up (+2)", what, px(pm, r->ref, b, 0), px(pm, p->high, b, 1));
	} else if (r->ref < p->low) {
		r->gap = TD_GAP_DOWN;
		r->score -= 2;
		reason(r, "%s %s below prior low %s: gap down (-2)", what, px(pm, r->ref, b, 0), px(pm, p->low, b, 1));
	} else if (r->missing & TD_PM_NO_PRIOR_VALUE) {
		reason(r, "%s %s inside the prior range; no prior value area: gap unknown", what, px(pm, r->ref, b, 0));
	} else if (r->ref > p->vah) {
		r->gap = TD_GAP_ABOVE_VALUE;
		r->score += 1;
		reason(r, "%s %s above prior VAH %s, in range (+1)", what, px(pm, r->ref, b, 0), px(pm, p->vah, b, 1));
	} else if (r->ref < p->val) {
		r->gap = TD_GAP_BELOW_VALUE;
		r->score -= 1;
		reason(r, "%s %s below prior VAL %s, in range (-1)", what, px(pm, r->ref, b, 0), px(pm, p->val, b, 1));
	} else {
		r->gap = TD_GAP_IN_VALUE;
		reason(r, "%s %s inside prior value %s..%s (0)", what, px(pm, r->ref, b, 0), px(pm, p->val, b, 1),
		       px(pm, p->vah, b, 2));
	}
}

/* Overnight inventory and its vote: last against VWAP, with a band of the range. */
static void inventory_of(const td_premarket *pm, td_pm_report *r)
{
	char b[3][32];
	if (pm->on_vol == 0) {
		reason(r, "no overnight trade: inventory unknown");
		return;
	}
	/* (last - vwap) * 100 against band_pct * range, times the volume to stay exact */
	i128 diff = ((i128)pm->on_last * pm->on_vol - pm->on_pv) * 100;
	i128 band = (i128)pm->inv_band_pct * (r->on_high - r->on_low) * pm->on_vol;
	if (diff > band) {
		r->inventory = TD_INV_LONG;
		r->score += 1;
	} else if (diff < -band) {
		r->inventory = TD_INV_SHORT;
		r->score -= 1;
	} else {
		r->inventory = TD_INV_BALANCED;
	}
	reason(r, "overnight last %s vs VWAP %s: inventory %s (%+d)", px(pm, pm->on_last, b, 0), px(pm, r->on_vwap, b, 1),
	       td_pm_inventory_name(r->inventory), r->inventory == TD_INV_LONG ? 1 : r->inventory == TD_INV_SHORT ? -1 : 0);
}

/* Vote of the overnight POC against the prior value area. */
static void poc_vote(const td_premarket *pm, td_pm_report *r)
{
	char b[3][32];
	if (r->on_poc == TD_PX_NONE || (r->missing & TD_PM_NO_PRIOR_VALUE))
		return;
	int v = r->on_poc > pm->prior.vah ? 1 : r->on_poc < pm->prior.val ? -1 : 0;
	r->score += v;
	reason(r, "overnight POC %s %s prior value (%+d)", px(pm, r->on_poc, b, 0),
	       v > 0 ? "above" : v < 0 ? "below" : "inside", v);
}

/* Add a level when known, keeping the list highest first (stable for ties). */
static void level(td_pm_report *r, const char *name, td_ticks p)
{
	if (p == TD_PX_NONE || r->nlevels == TD_PM_MAX_LEVELS)
		return;
	size_t i = r->nlevels++;
	while (i > 0 && r->levels[i - 1].px < p) {
		r->levels[i] = r->levels[i - 1];
		i--;
	}
	r->levels[i] = (td_pm_level){ name, p };
}

/* The key levels. */
static void levels_of(const td_premarket *pm, td_pm_report *r)
{
	const td_pm_prior *p = &pm->prior;
	if (pm->has_prior) {
		level(r, "prior high", p->high);
		level(r, "prior VAH", p->vah);
		level(r, "prior POC", p->poc);
		level(r, "prior VAL", p->val);
		level(r, "prior low", p->low);
		level(r, "prior close", p->close);
	}
	level(r, "overnight high", r->on_high);
	level(r, "overnight POC", r->on_poc);
	level(r, "overnight VWAP", r->on_vwap);
	level(r, "overnight low", r->on_low);
	level(r, "open", r->open);
}

void td_premarket_report(const td_premarket *pm, td_pm_report *out)
{
	*out = (td_pm_report){ .missing = missing_of(pm), .open = pm->open };
	overnight_of(pm, out);
	out->ref = pm->open != TD_PX_NONE ? pm->open : out->on_last;
	gap_of(pm, out);
	inventory_of(pm, out);
	poc_vote(pm, out);
	levels_of(pm, out);
	if (out->gap == TD_GAP_UNKNOWN && out->inventory == TD_INV_UNKNOWN)
		out->bias = TD_BIAS_UNKNOWN;
	else
		out->bias = out->score >= 2 ? TD_BIAS_BULLISH : out->score <= -2 ? TD_BIAS_BEARISH : TD_BIAS_NEUTRAL;
	if (out->missing & TD_PM_PARTIAL)
		reason(out, "overnight trades were dropped: figures are partial");
}
