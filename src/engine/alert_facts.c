/* Facts for the alert rules from the engine's state: see alert_facts.h. */
#include "engine/alert_facts.h"

#include <math.h>

#define BIT(f) ((uint64_t)1 << (f))

static double px(const td_instrument *ins, td_ticks t)
{
	return td_px_to_double(ins->px, t);
}

uint64_t td_alert_facts_quote(const td_instrument *ins, const td_quote_state *q, double *v)
{
	v[TD_AF_LAST] = px(ins, q->last);
	v[TD_AF_BID] = px(ins, q->bid);
	v[TD_AF_ASK] = px(ins, q->ask);
	v[TD_AF_SPREAD] = v[TD_AF_ASK] - v[TD_AF_BID];
	v[TD_AF_TICK] = px(ins, 1);
	return BIT(TD_AF_LAST) | BIT(TD_AF_BID) | BIT(TD_AF_ASK) | BIT(TD_AF_SPREAD) | BIT(TD_AF_TICK);
}

/* The day (daily forming bar), the forming bar of the alert timeframe and the session VWAP. */
static uint64_t bar_facts(const td_instrument *ins, const td_bars *b, double *v)
{
	td_bar day, bar;
	td_bars_vwap w;
	bool have_day = td_bars_forming(b, TD_BARS_DAILY, &day), have_bar = td_bars_forming(b, TD_ALERT_TF, &bar);
	bool have_w = td_bars_session_vwap(b, &w);
	v[TD_AF_OPEN] = have_day ? px(ins, day.open) : NAN;
	v[TD_AF_HIGH] = have_day ? px(ins, day.high) : NAN;
	v[TD_AF_LOW] = have_day ? px(ins, day.low) : NAN;
	v[TD_AF_DAY_VOLUME] = have_day ? (double)day.volume : NAN;
	v[TD_AF_VOLUME] = have_bar ? (double)bar.volume : 0;
	v[TD_AF_DELTA] = have_bar ? (double)bar.delta : 0;
	v[TD_AF_VWAP] = have_w && w.volume > 0 ? w.vwap * px(ins, 1) : NAN;
	v[TD_AF_CUM_DELTA] = have_w ? (double)w.cum_delta : NAN;
	return BIT(TD_AF_OPEN) | BIT(TD_AF_HIGH) | BIT(TD_AF_LOW) | BIT(TD_AF_DAY_VOLUME) | BIT(TD_AF_VOLUME) |
	       BIT(TD_AF_DELTA) | BIT(TD_AF_VWAP) | BIT(TD_AF_CUM_DELTA);
}

/* Point of control and 70 % value area of the day's volume profile. */
static uint64_t profile_facts(const td_instrument *ins, const td_profile *p, double *v)
{
	td_profile_stats s;
	bool ok = p && td_profile_stats_get(p, 70, &s) == 0;
	v[TD_AF_POC] = ok ? px(ins, s.poc) : NAN;
	v[TD_AF_VAH] = ok ? px(ins, s.vah) : NAN;
	v[TD_AF_VAL] = ok ? px(ins, s.val) : NAN;
	return BIT(TD_AF_POC) | BIT(TD_AF_VAH) | BIT(TD_AF_VAL);
}

/* Initial balance and opening type of the current TPO day; the type is unknown while it is pending. */
static uint64_t tpo_facts(const td_instrument *ins, const td_tpo *t, double *v)
{
	td_tpo_stats s;
	bool ok = t && td_tpo_days(t) > 0 && td_tpo_day_stats(t, td_tpo_days(t) - 1, &s) == 0;
	v[TD_AF_IB_HIGH] = ok ? px(ins, s.ib_high) : NAN;
	v[TD_AF_IB_LOW] = ok ? px(ins, s.ib_low) : NAN;
	v[TD_AF_IB_DONE] = ok ? (s.ib_done ? 1 : 0) : NAN;
	v[TD_AF_OPENING_TYPE] = ok && s.open_type != TD_OPEN_PENDING ? (double)s.open_type : NAN;
	v[TD_AF_OPENING_DIR] = ok && s.open_type != TD_OPEN_PENDING ? (double)s.open_dir : NAN;
	return BIT(TD_AF_IB_HIGH) | BIT(TD_AF_IB_LOW) | BIT(TD_AF_IB_DONE) | BIT(TD_AF_OPENING_TYPE) |
	       BIT(TD_AF_OPENING_DIR);
}

/* Stacked imbalances by direction and absorption in the live footprint bar. */
static uint64_t footprint_facts(td_footprint *fp, double *v)
{
	td_fp_bar bar;
	td_fp_stack st[32];
	bool ok = fp && td_footprint_bar(fp, 0, &bar);
	size_t n = ok ? td_footprint_stacks(fp, 0, st, 32) : 0;
	double buy = 0, sell = 0;
	for (size_t i = 0; i < n && i < 32; i++)
		*(st[i].dir == TD_SIDE_BUY ? &buy : &sell) += 1;
	v[TD_AF_STACKED_BUY] = ok ? buy : NAN;
	v[TD_AF_STACKED_SELL] = ok ? sell : NAN;
	v[TD_AF_ABSORPTION] = ok ? ((bar.patterns & (TD_FP_PAT_ABSORB_SELLING | TD_FP_PAT_ABSORB_BUYING)) ? 1 : 0) : NAN;
	return BIT(TD_AF_STACKED_BUY) | BIT(TD_AF_STACKED_SELL) | BIT(TD_AF_ABSORPTION);
}

uint64_t td_alert_facts_studies(const td_instrument *ins, td_studies *st, double *v)
{
	return bar_facts(ins, st->bars, v) | profile_facts(ins, st->profile, v) | tpo_facts(ins, st->tpo, v) |
	       footprint_facts(st->fp, v);
}

/* The ATM IV (else the max pain) of the nearest expiry that has one. */
static double front(const td_chainview *cv, bool atm_iv)
{
	for (size_t i = 0; i < cv->nexp; i++) {
		double x = atm_iv ? cv->exp[i].atm_iv : cv->exp[i].max_pain;
		if (isfinite(x))
			return x;
	}
	return NAN;
}

uint64_t td_alert_facts_chain(const td_chainview *cv, double *v)
{
	const td_chain_total *t = cv->total;
	v[TD_AF_PCR_OI] = t ? t->pcr_oi : NAN;
	v[TD_AF_PCR_VOL] = t ? t->pcr_volume : NAN;
	v[TD_AF_GEX] = t ? t->gex : NAN;
	v[TD_AF_ZERO_GAMMA] = t ? t->flip.spot : NAN;
	v[TD_AF_UNUSUAL] = t ? (double)(t->unusual_voi + t->unusual_hist) : NAN;
	v[TD_AF_MAX_PAIN] = front(cv, false);
	v[TD_AF_ATM_IV] = front(cv, true) * 100;
	v[TD_AF_IV30] = cv->iv30 * 100;
	v[TD_AF_IV_RANK] = cv->ivr.rank;
	v[TD_AF_IV_PCT] = cv->ivr.percentile;
	return BIT(TD_AF_PCR_OI) | BIT(TD_AF_PCR_VOL) | BIT(TD_AF_GEX) | BIT(TD_AF_ZERO_GAMMA) | BIT(TD_AF_UNUSUAL) |
	       BIT(TD_AF_MAX_PAIN) | BIT(TD_AF_ATM_IV) | BIT(TD_AF_IV30) | BIT(TD_AF_IV_RANK) | BIT(TD_AF_IV_PCT);
}

bool td_alert_facts_bar(const td_instrument *ins, td_studies *st, size_t i, td_alert_bar *out)
{
	td_bar b;
	if (!td_bars_get(st->bars, TD_ALERT_TF, i, &b))
		return false;
	*out = (td_alert_bar){ .open = px(ins, b.open), .high = px(ins, b.high), .low = px(ins, b.low),
			       .close = px(ins, b.close), .volume = (double)b.volume, .delta = (double)b.delta };
	return true;
}

double td_alert_facts_time(const td_tz *tz, td_ns t)
{
	int64_t sec = (int64_t)floor((double)t / TD_NS_PER_SEC) + td_tz_offset(tz, t);
	int64_t day = 86400;
	return (double)(((sec % day) + day) % day);
}
