/*
 * The rows of the risk pane: each limit of [risk] with its setting and the
 * account's standing against it.  See risk_view.h; the thresholds are the
 * checks' own (risk.c, doc/orders.md "Pre-trade risk").
 */
#include "oms/risk_view.h"

#include <math.h>
#include <stdio.h>

#include "core/time.h"

#define MONEY 24   /* a td_risk_fmt_money figure below 1e15: sign, 15 digits, 4 commas, 3 for the cents, NUL */

/* Fill a row's texts and fraction; returns its state. */
typedef td_risk_state (*row_fn)(const td_risk_limits *l, const td_risk_usage *u, td_risk_row *r);

const char *td_risk_state_name(td_risk_state s)
{
	static const char *const names[] = { "OK", "per order", "OFF", "WARN", "REDUCE-ONLY", "HALT" };
	return (unsigned)s <= TD_RISK_STATE_HALT ? names[s] : "?";
}

/* The digits of v grouped by thousands: 1234567 -> "1,234,567". */
static void grouped(unsigned long long v, char *buf, size_t n)
{
	char digits[24], out[32];
	int len = snprintf(digits, sizeof digits, "%llu", v);
	size_t o = 0;
	for (int i = 0; i < len; i++) {
		if (i > 0 && (len - i) % 3 == 0)
			out[o++] = ',';
		out[o++] = digits[i];
	}
	out[o] = '\0';
	snprintf(buf, n, "%s", out);
}

void td_risk_fmt_money(double v, bool plus, char *buf, size_t n)
{
	if (!(fabs(v) < 1e15)) {
		snprintf(buf, n, "%g", v);
		return;
	}
	/* whole units and cents apart: cents of 1e15 would be past a double's exact integers */
	double a = fabs(v), units = floor(a);
	long long cents = llround((a - units) * 100);
	if (cents == 100)
		units += 1, cents = 0;
	char whole[32];
	grouped((unsigned long long)units, whole, sizeof whole);
	const char *sign = units == 0 && cents == 0 ? "" : v < 0 ? "-" : plus ? "+" : "";
	snprintf(buf, n, "%s%s.%02lld", sign, whole, cents);
}

/* A count of units with thousands separators. */
static void fmt_units(double v, char *buf, size_t n)
{
	if (!(fabs(v) < 1e18)) {
		snprintf(buf, n, "%g", v);
		return;
	}
	char g[28];
	grouped((unsigned long long)llround(fabs(v)), g, sizeof g);
	snprintf(buf, n, "%s%s", v <= -0.5 ? "-" : "", g);
}

/* x / limit within 0..1. */
static double fraction(double x, double limit)
{
	double f = x / limit;
	return f > 1 ? 1 : f > 0 ? f : 0;
}

/* "HH:MM:SS" of local ns after midnight (any day: wrapped). */
static void fmt_tod(td_ns tod, char buf[9])
{
	td_time_fmt_hms(td_tz_find("UTC"), tod, buf);
}

static td_risk_state off(td_risk_row *r)
{
	snprintf(r->setting, sizeof r->setting, "off");
	return TD_RISK_STATE_OFF;
}

static td_risk_state kill_switch(const td_risk_limits *l, const td_risk_usage *u, td_risk_row *r)
{
	(void)l;
	snprintf(r->setting, sizeof r->setting, "halts every order while on");
	snprintf(r->use, sizeof r->use, "kill switch %s", u->halted ? "HALTED" : "armed");
	return u->halted ? TD_RISK_STATE_HALT : TD_RISK_STATE_OK;
}

static td_risk_state max_qty(const td_risk_limits *l, const td_risk_usage *u, td_risk_row *r)
{
	(void)u;
	if (!l->max_qty)
		return off(r);
	char q[32];
	fmt_units((double)l->max_qty, q, sizeof q);
	snprintf(r->setting, sizeof r->setting, "%s per order", q);
	return TD_RISK_STATE_PER_ORDER;
}

static td_risk_state max_notional(const td_risk_limits *l, const td_risk_usage *u, td_risk_row *r)
{
	(void)u;
	if (!(l->max_notional > 0))
		return off(r);
	char m[MONEY];
	td_risk_fmt_money(l->max_notional, false, m, sizeof m);
	snprintf(r->setting, sizeof r->setting, "%s per order", m);
	return TD_RISK_STATE_PER_ORDER;
}

static td_risk_state price_band(const td_risk_limits *l, const td_risk_usage *u, td_risk_row *r)
{
	(void)u;
	if (!(l->price_band_pct > 0))
		return off(r);
	snprintf(r->setting, sizeof r->setting, "%g %% from the last trade", l->price_band_pct);
	return TD_RISK_STATE_PER_ORDER;
}

/* The largest position stands for all: an instrument at the limit may only be reduced. */
static td_risk_state max_position(const td_risk_limits *l, const td_risk_usage *u, td_risk_row *r)
{
	if (!l->max_position)
		return off(r);
	char lim[32], q[32];
	fmt_units((double)l->max_position, lim, sizeof lim);
	fmt_units(u->largest_position, q, sizeof q);
	snprintf(r->setting, sizeof r->setting, "%s units an instrument", lim);
	if (u->largest_symbol && u->largest_position > 0)
		snprintf(r->use, sizeof r->use, "largest %s %s of %s", u->largest_symbol, q, lim);
	else
		snprintf(r->use, sizeof r->use, "flat");
	r->used = fraction(u->largest_position, (double)l->max_position);
	return u->largest_position >= (double)l->max_position ? TD_RISK_STATE_REDUCE : TD_RISK_STATE_OK;
}

static td_risk_state max_gross(const td_risk_limits *l, const td_risk_usage *u, td_risk_row *r)
{
	if (!(l->max_gross > 0))
		return off(r);
	char lim[MONEY], g[MONEY];
	td_risk_fmt_money(l->max_gross, false, lim, sizeof lim);
	td_risk_fmt_money(u->gross, false, g, sizeof g);
	snprintf(r->setting, sizeof r->setting, "%s", lim);
	snprintf(r->use, sizeof r->use, "gross %s of %s", g, lim);
	r->used = fraction(u->gross, l->max_gross);
	return u->gross >= l->max_gross ? TD_RISK_STATE_REDUCE : TD_RISK_STATE_OK;
}

/* The check counts the new order with the working ones: at the limit nothing more may be sent. */
static td_risk_state open_orders(const td_risk_limits *l, const td_risk_usage *u, td_risk_row *r)
{
	if (!l->max_open_orders)
		return off(r);
	snprintf(r->setting, sizeof r->setting, "%d working", l->max_open_orders);
	snprintf(r->use, sizeof r->use, "%d of %d working", u->open_orders, l->max_open_orders);
	r->used = fraction(u->open_orders, l->max_open_orders);
	return u->open_orders >= l->max_open_orders ? TD_RISK_STATE_HALT : TD_RISK_STATE_OK;
}

static td_risk_state risk_per_trade(const td_risk_limits *l, const td_risk_usage *u, td_risk_row *r)
{
	if (!(l->risk_per_trade_pct > 0))
		return off(r);
	char m[MONEY];
	td_risk_fmt_money(u->capital * l->risk_per_trade_pct / 100, false, m, sizeof m);
	snprintf(r->setting, sizeof r->setting, "%g %% of capital (%s) at the stop", l->risk_per_trade_pct, m);
	return TD_RISK_STATE_PER_ORDER;
}

/* Progressive: warn from warn_pct, opening orders refused from reduce_pct, the halt stage at 100 %. */
static td_risk_state daily_loss(const td_risk_limits *l, const td_risk_usage *u, td_risk_row *r)
{
	if (!(l->daily_loss > 0))
		return off(r);
	char lim[MONEY], pnl[MONEY];
	td_risk_fmt_money(l->daily_loss, false, lim, sizeof lim);
	td_risk_fmt_money(u->day_pnl, true, pnl, sizeof pnl);
	snprintf(r->setting, sizeof r->setting, "%s (warn %g %%, reduce only %g %%)", lim, l->warn_pct, l->reduce_pct);
	double pct = -u->day_pnl / l->daily_loss * 100;
	/* shown rounded down, so a figure shown never reaches a stage the state has not */
	snprintf(r->use, sizeof r->use, "day P&L %s of -%s (%.0f %%)", pnl, lim, pct > 0 ? floor(pct) : 0.0);
	r->used = fraction(-u->day_pnl, l->daily_loss);
	if (pct >= 100)
		return TD_RISK_STATE_HALT;
	if (pct >= l->reduce_pct)
		return TD_RISK_STATE_REDUCE;
	return pct >= l->warn_pct ? TD_RISK_STATE_WARN : TD_RISK_STATE_OK;
}

static td_risk_state drawdown(const td_risk_limits *l, const td_risk_usage *u, td_risk_row *r)
{
	if (!(l->max_drawdown > 0))
		return off(r);
	double dd = u->day_high_equity - u->equity;
	char lim[MONEY], d[MONEY];
	td_risk_fmt_money(l->max_drawdown, false, lim, sizeof lim);
	td_risk_fmt_money(dd > 0 ? dd : 0, false, d, sizeof d);
	snprintf(r->setting, sizeof r->setting, "%s below the day's high", lim);
	snprintf(r->use, sizeof r->use, "drawdown %s of %s", d, lim);
	r->used = fraction(dd, l->max_drawdown);
	return dd >= l->max_drawdown ? TD_RISK_STATE_REDUCE : TD_RISK_STATE_OK;
}

static td_risk_state losing_streak(const td_risk_limits *l, const td_risk_usage *u, td_risk_row *r)
{
	if (!l->max_consecutive_losses)
		return off(r);
	snprintf(r->setting, sizeof r->setting, "%d losing round trips in a row", l->max_consecutive_losses);
	snprintf(r->use, sizeof r->use, "%d of %d losing in a row", u->consecutive_losses, l->max_consecutive_losses);
	r->used = fraction(u->consecutive_losses, l->max_consecutive_losses);
	return u->consecutive_losses >= l->max_consecutive_losses ? TD_RISK_STATE_REDUCE : TD_RISK_STATE_OK;
}

/* When opening orders may go again: local time when the calendar was looked up, else the seconds left. */
static void fmt_resume(const td_risk_usage *u, char *buf, size_t n)
{
	char hms[9];
	if (u->cal.now) {
		fmt_tod(u->cal.tod + (u->spike.until - u->cal.now), hms);
		const char *zone = u->cal.today.zone ? u->cal.today.zone : "";
		snprintf(buf, n, "until %s%s%s", hms, *zone ? " " : "", zone);
	} else {
		snprintf(buf, n, "for %lld s more",
			 (long long)((u->spike.until - u->spike.at + TD_NS_PER_SEC - 1) / TD_NS_PER_SEC));
	}
}

static td_risk_state vol_spike(const td_risk_limits *l, const td_risk_usage *u, td_risk_row *r)
{
	if (!(l->vol_spike_pct > 0))
		return off(r);
	snprintf(r->setting, sizeof r->setting, "%g %% in %d s pauses %d s", l->vol_spike_pct, l->vol_spike_window,
		 l->vol_spike_cooldown);
	if (u->paused <= 0) {
		snprintf(r->use, sizeof r->use, "no instrument paused");
		return TD_RISK_STATE_OK;
	}
	char resume[48], more[24] = "";
	fmt_resume(u, resume, sizeof resume);
	if (u->paused > 1)
		snprintf(more, sizeof more, " and %d more", u->paused - 1);
	snprintf(r->use, sizeof r->use, "%s%s paused %s (move %.1f %%)", u->paused_symbol ? u->paused_symbol : "?", more,
		 resume, u->spike.move_pct);
	return TD_RISK_STATE_REDUCE;
}

/*
 * Under the equity floor pdt_day_trades - 1 day trades in 5 business days
 * are allowed and the next is refused; with the allowance used up the
 * check warns even an opening order, so the row does.
 */
static td_risk_state pattern_day_trader(const td_risk_limits *l, const td_risk_usage *u, td_risk_row *r)
{
	if (!l->pdt_day_trades)
		return off(r);
	char floor_[MONEY], eq[MONEY];
	td_risk_fmt_money(l->pdt_equity, false, floor_, sizeof floor_);
	td_risk_fmt_money(u->equity, false, eq, sizeof eq);
	int allowed = l->pdt_day_trades - 1;
	snprintf(r->setting, sizeof r->setting, "%d day trades in 5 days under %s", allowed, floor_);
	if (u->equity >= l->pdt_equity) {
		snprintf(r->use, sizeof r->use, "%d day trades in 5 business days, no limit: equity %s >= %s",
			 u->day_trades_5d, eq, floor_);
		return TD_RISK_STATE_OK;
	}
	snprintf(r->use, sizeof r->use, "%d of %d day trades allowed in 5 business days, equity %s < %s", u->day_trades_5d,
		 allowed, eq, floor_);
	r->used = allowed > 0 ? fraction(u->day_trades_5d, allowed) : 1;
	return u->day_trades_5d >= allowed ? TD_RISK_STATE_WARN : TD_RISK_STATE_OK;
}

/* Any margin is more than nothing: with nothing available only reducing orders pass. */
static td_risk_state buying_power(const td_risk_limits *l, const td_risk_usage *u, td_risk_row *r)
{
	double avail = u->buying_power * (1 - l->margin_buffer_pct / 100);
	char a[MONEY], bp[MONEY];
	td_risk_fmt_money(avail, false, a, sizeof a);
	td_risk_fmt_money(u->buying_power, false, bp, sizeof bp);
	snprintf(r->setting, sizeof r->setting, "keep %g %% back", l->margin_buffer_pct);
	snprintf(r->use, sizeof r->use, "%s available of %s", a, bp);
	return avail > 0 ? TD_RISK_STATE_OK : TD_RISK_STATE_REDUCE;
}

/* The session and the calendar, as the check reads them: a holiday or the time after an early close is closed. */
static td_risk_state trading_hours(const td_risk_limits *l, const td_risk_usage *u, td_risk_row *r)
{
	const td_cal_day *day = &u->cal.today;
	char hm[9];
	fmt_tod(day->close_tod, hm);
	hm[5] = '\0';
	snprintf(r->setting, sizeof r->setting, "%s", l->extended_hours ? "regular and extended hours" : "regular session");
	const char *zone = day->zone ? day->zone : "", *zs = *zone ? " " : "";
	if (day->kind == TD_CAL_HOLIDAY) {
		snprintf(r->use, sizeof r->use, "holiday: %s", day->name);
		return TD_RISK_STATE_HALT;
	}
	if (day->kind == TD_CAL_EARLY && u->cal.tod >= day->close_tod) {
		snprintf(r->use, sizeof r->use, "early close %s%s%s: closed", hm, zs, zone);
		return TD_RISK_STATE_HALT;
	}
	bool ext = u->phase == TD_PHASE_PREMARKET || u->phase == TD_PHASE_POSTMARKET;
	int len = snprintf(r->use, sizeof r->use, "%s session%s", td_phase_name(u->phase),
			   ext && !l->extended_hours ? ": extended hours are off" : "");
	if (day->kind == TD_CAL_EARLY && len > 0 && (size_t)len < sizeof r->use)
		snprintf(r->use + len, sizeof r->use - (size_t)len, "; early close %s%s%s", hm, zs, zone);
	if (u->phase == TD_PHASE_REGULAR)
		return TD_RISK_STATE_OK;
	return ext && l->extended_hours ? TD_RISK_STATE_WARN : TD_RISK_STATE_HALT;
}

static td_risk_state duplicate(const td_risk_limits *l, const td_risk_usage *u, td_risk_row *r)
{
	(void)l, (void)u;
	snprintf(r->setting, sizeof r->setting, "the same order twice within seconds");
	return TD_RISK_STATE_PER_ORDER;
}

/* In the order and under the names of risk.c's checks: the one list of risk.h. */
#define TD_RISK_VIEW_ROW_(fn, name) { name, fn },
static const struct {
	const char *name;
	row_fn fn;
} rows[] = { TD_RISK_CHECKS(TD_RISK_VIEW_ROW_) };
#undef TD_RISK_VIEW_ROW_
_Static_assert(sizeof rows / sizeof rows[0] <= TD_RISK_MAX_CHECKS, "more rows than checks");

size_t td_risk_rows(const td_risk_limits *l, const td_risk_usage *u, td_risk_row *out, size_t cap)
{
	size_t k = sizeof rows / sizeof rows[0];
	if (k > cap)
		k = cap;
	for (size_t i = 0; i < k; i++) {
		out[i] = (td_risk_row){ .name = rows[i].name, .used = NAN };
		out[i].state = rows[i].fn(l, u, &out[i]);
	}
	return k;
}
