/*
 * Pre-trade checks: a table of functions, each writing its verdict and the
 * numbers behind it.  See risk.h and doc/orders.md "Pre-trade risk".
 */
#include "oms/risk.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

typedef td_risk_status (*check_fn)(const td_risk_limits *l, const td_risk_ctx *c, char *d, size_t n);

/* The numbers behind a verdict; skipped (n == 0) when only the verdict is wanted: formatting is most of the cost. */
#define DETAIL(d, n, ...) ((n) ? (void)snprintf((d), (n), __VA_ARGS__) : (void)0)

void td_risk_limits_default(td_risk_limits *l)
{
	*l = (td_risk_limits){
		.max_qty = 1000, .max_notional = 250000, .price_band_pct = 5, .max_position = 5000,
		.max_gross = 1000000, .max_open_orders = 20, .risk_per_trade_pct = 1, .daily_loss = 2000,
		.warn_pct = 50, .reduce_pct = 75, .max_drawdown = 3000, .max_consecutive_losses = 5,
		.pdt_equity = 25000, .pdt_day_trades = 4, .extended_hours = false, .margin_buffer_pct = 5,
		.vol_spike_pct = 2, .vol_spike_window = 60, .vol_spike_cooldown = 300,
	};
}

const char *td_risk_status_name(td_risk_status s)
{
	static const char *const names[] = { "ok", "n/a", "warn", "FAIL" };
	return (unsigned)s <= TD_RISK_FAIL ? names[s] : "?";
}

static double signed_qty(const td_order_req *r)
{
	return r->side == TD_SIDE_BUY ? (double)r->qty : -(double)r->qty;
}

bool td_risk_reduces(double position, td_side side, int64_t qty)
{
	double after = position + (side == TD_SIDE_BUY ? (double)qty : -(double)qty);
	return position != 0 && fabs(after) < fabs(position) && after * position >= 0;
}

static bool reduces(const td_risk_ctx *c)
{
	return td_risk_reduces(c->position, c->req->side, c->req->qty);
}

static td_risk_status off(char *d, size_t n)
{
	DETAIL(d, n, "no limit set");
	return TD_RISK_NA;
}

static td_risk_status kill_switch(const td_risk_limits *l, const td_risk_ctx *c, char *d, size_t n)
{
	(void)l;
	DETAIL(d, n, c->halted ? "trading halted: re-arm the kill switch first" : "armed");
	return c->halted ? TD_RISK_FAIL : TD_RISK_PASS;
}

static td_risk_status max_qty(const td_risk_limits *l, const td_risk_ctx *c, char *d, size_t n)
{
	if (!l->max_qty)
		return off(d, n);
	bool bad = c->req->qty > l->max_qty;
	DETAIL(d, n, "%lld %s %lld per order", (long long)c->req->qty, bad ? ">" : "<=", (long long)l->max_qty);
	return bad ? TD_RISK_FAIL : TD_RISK_PASS;
}

static td_risk_status max_notional(const td_risk_limits *l, const td_risk_ctx *c, char *d, size_t n)
{
	if (!(l->max_notional > 0))
		return off(d, n);
	double v = (double)c->req->qty * c->price * c->multiplier;
	if (!isfinite(v)) {
		DETAIL(d, n, "no price to value the order");
		return TD_RISK_NA;
	}
	bool bad = v > l->max_notional;
	DETAIL(d, n, "%.2f %s %.2f per order", v, bad ? ">" : "<=", l->max_notional);
	return bad ? TD_RISK_FAIL : TD_RISK_PASS;
}

static td_risk_status price_band(const td_risk_limits *l, const td_risk_ctx *c, char *d, size_t n)
{
	if (!(l->price_band_pct > 0))
		return off(d, n);
	if (c->req->limit == TD_PX_NONE && c->req->stop == TD_PX_NONE) {
		DETAIL(d, n, "no price given (market order)");
		return TD_RISK_NA;
	}
	if (!(c->last > 0) || !isfinite(c->price)) {
		DETAIL(d, n, "no last trade to compare with");
		return TD_RISK_NA;
	}
	double pct = fabs(c->price / c->last - 1) * 100;
	bool bad = pct > l->price_band_pct;
	DETAIL(d, n, "%.2f is %.2f%% from last %.2f (band %.2f%%)", c->price, pct, c->last, l->price_band_pct);
	return bad ? TD_RISK_FAIL : TD_RISK_PASS;
}

static td_risk_status max_position(const td_risk_limits *l, const td_risk_ctx *c, char *d, size_t n)
{
	if (!l->max_position)
		return off(d, n);
	double after = c->position + signed_qty(c->req);
	bool bad = fabs(after) > (double)l->max_position && !reduces(c);
	DETAIL(d, n, "position after %+.0f, limit %lld", after, (long long)l->max_position);
	return bad ? TD_RISK_FAIL : TD_RISK_PASS;
}

static td_risk_status max_gross(const td_risk_limits *l, const td_risk_ctx *c, char *d, size_t n)
{
	if (!(l->max_gross > 0))
		return off(d, n);
	double after = c->position + signed_qty(c->req);
	double g = c->gross + (fabs(after) - fabs(c->position)) * c->price * c->multiplier;
	if (!isfinite(g)) {
		DETAIL(d, n, "no price to value the exposure");
		return TD_RISK_NA;
	}
	bool bad = g > l->max_gross && !reduces(c);
	DETAIL(d, n, "gross after %.2f, limit %.2f", g, l->max_gross);
	return bad ? TD_RISK_FAIL : TD_RISK_PASS;
}

static td_risk_status open_orders(const td_risk_limits *l, const td_risk_ctx *c, char *d, size_t n)
{
	if (!l->max_open_orders)
		return off(d, n);
	bool bad = c->open_orders + 1 > l->max_open_orders;
	DETAIL(d, n, "%d working with this one, limit %d", c->open_orders + 1, l->max_open_orders);
	return bad ? TD_RISK_FAIL : TD_RISK_PASS;
}

static td_risk_status risk_per_trade(const td_risk_limits *l, const td_risk_ctx *c, char *d, size_t n)
{
	if (!(l->risk_per_trade_pct > 0))
		return off(d, n);
	if (reduces(c)) {
		DETAIL(d, n, "reduces the position");
		return TD_RISK_PASS;
	}
	if (!(c->stop_distance > 0) || !(c->capital > 0)) {
		DETAIL(d, n, "no protective stop: the loss is not bounded");
		return TD_RISK_WARN;
	}
	double risk = c->stop_distance * (double)c->req->qty * c->multiplier, pct = risk / c->capital * 100;
	bool bad = pct > l->risk_per_trade_pct;
	DETAIL(d, n, "%.2f at the stop = %.2f%% of capital (limit %.2f%%)", risk, pct, l->risk_per_trade_pct);
	return bad ? TD_RISK_FAIL : TD_RISK_PASS;
}

/* Daily loss: warn, then reducing orders only, then halt (reducing orders still pass: they cut risk). */
static td_risk_status daily_loss(const td_risk_limits *l, const td_risk_ctx *c, char *d, size_t n)
{
	if (!(l->daily_loss > 0))
		return off(d, n);
	double loss = -c->day_pnl, pct = loss / l->daily_loss * 100;
	const char *stage = pct >= 100 ? "halted" : pct >= l->reduce_pct ? "reduce only" : pct >= l->warn_pct ? "warning" : "ok";
	DETAIL(d, n, "day P&L %+.2f, %.0f%% of the %.2f limit: %s", c->day_pnl, pct > 0 ? pct : 0.0, l->daily_loss,
		 stage);
	if (pct >= l->reduce_pct)
		return reduces(c) ? TD_RISK_WARN : TD_RISK_FAIL;
	return pct >= l->warn_pct ? TD_RISK_WARN : TD_RISK_PASS;
}

static td_risk_status drawdown(const td_risk_limits *l, const td_risk_ctx *c, char *d, size_t n)
{
	if (!(l->max_drawdown > 0))
		return off(d, n);
	double dd = c->day_high_equity - c->equity;
	bool hit = dd >= l->max_drawdown;
	DETAIL(d, n, "%.2f below the day's high %.2f, limit %.2f%s", dd > 0 ? dd : 0.0, c->day_high_equity,
		 l->max_drawdown, hit ? ": reduce only" : "");
	return hit ? (reduces(c) ? TD_RISK_WARN : TD_RISK_FAIL) : TD_RISK_PASS;
}

static td_risk_status losing_streak(const td_risk_limits *l, const td_risk_ctx *c, char *d, size_t n)
{
	if (!l->max_consecutive_losses)
		return off(d, n);
	bool hit = c->consecutive_losses >= l->max_consecutive_losses;
	DETAIL(d, n, "%d losing trades in a row, limit %d%s", c->consecutive_losses, l->max_consecutive_losses,
		 hit ? ": reduce only" : "");
	return hit ? (reduces(c) ? TD_RISK_WARN : TD_RISK_FAIL) : TD_RISK_PASS;
}

/* US pattern day trader: under pdt_equity, the pdt_day_trades-th day trade in 5 business days is refused. */
static td_risk_status pattern_day_trader(const td_risk_limits *l, const td_risk_ctx *c, char *d, size_t n)
{
	if (!l->pdt_day_trades)
		return off(d, n);
	if (c->equity >= l->pdt_equity) {
		DETAIL(d, n, "equity %.2f >= %.2f: %d day trades in 5 days, no limit", c->equity, l->pdt_equity,
			 c->day_trades_5d);
		return TD_RISK_PASS;
	}
	int after = c->day_trades_5d + (c->completes_day_trade ? 1 : 0);
	bool bad = c->completes_day_trade && after >= l->pdt_day_trades;
	DETAIL(d, n, "%d day trades in 5 days with this one, %d allowed (equity %.2f < %.2f)", after,
		 l->pdt_day_trades - 1, c->equity, l->pdt_equity);
	return bad ? TD_RISK_FAIL : after == l->pdt_day_trades - 1 ? TD_RISK_WARN : TD_RISK_PASS;
}

static td_risk_status buying_power(const td_risk_limits *l, const td_risk_ctx *c, char *d, size_t n)
{
	double avail = c->buying_power * (1 - l->margin_buffer_pct / 100);
	if (reduces(c)) {
		DETAIL(d, n, "reduces the position: frees margin");
		return TD_RISK_PASS;
	}
	if (!isfinite(c->margin)) {
		DETAIL(d, n, "no price to estimate the margin");
		return TD_RISK_NA;
	}
	bool bad = c->margin > avail;
	DETAIL(d, n, "margin %.2f %s %.2f available", c->margin, bad ? ">" : "<=", avail);
	return bad ? TD_RISK_FAIL : TD_RISK_PASS;
}

/* "YYYY-MM-DD" of a day number. */
static void fmt_date(int64_t day, char buf[16])
{
	int y, m, dd;
	td_civil_from_days(day, &y, &m, &dd);
	snprintf(buf, 16, "%04d-%02d-%02d", y, m, dd);
}

/* "HH:MM" or "HH:MM:SS" of local ns after midnight, wrapped into one day. */
static void fmt_tod(td_ns tod, bool secs, char buf[16])
{
	long long s = (long long)(tod / TD_NS_PER_SEC % 86400);
	s += s < 0 ? 86400 : 0;
	if (secs)
		snprintf(buf, 16, "%02lld:%02lld:%02lld", s / 3600, s / 60 % 60, s % 60);
	else
		snprintf(buf, 16, "%02lld:%02lld", s / 3600, s / 60 % 60);
}

/* The session phase, and the exchange calendar over it: a holiday, or the time after an early close, is closed. */
static td_risk_status trading_hours(const td_risk_limits *l, const td_risk_ctx *c, char *d, size_t n)
{
	const td_cal_day *day = &c->cal.today;
	char date[16], hm[16];
	if (n) {
		fmt_date(c->cal.day, date);
		fmt_tod(day->close_tod, false, hm);
	}
	if (day->kind == TD_CAL_HOLIDAY) {
		DETAIL(d, n, "closed: %s (%s)", day->name, date);
		return TD_RISK_FAIL;
	}
	if (day->kind == TD_CAL_EARLY && c->cal.tod >= day->close_tod) {
		DETAIL(d, n, "early close at %s %s on %s", hm, day->zone, date);
		return TD_RISK_FAIL;
	}
	bool ext = c->phase == TD_PHASE_PREMARKET || c->phase == TD_PHASE_POSTMARKET;
	DETAIL(d, n, "%s session%s", td_phase_name(c->phase),
		 ext && !l->extended_hours ? ": extended hours are off (risk.extended_hours)" : "");
	size_t len = n ? strlen(d) : 0;
	if (n && day->kind == TD_CAL_EARLY)
		snprintf(d + len, n - len, "; early close at %s %s today", hm, day->zone);
	else if (n && c->cal.now && !day->known)
		snprintf(d + len, n - len, "; holidays of %.4s not in the calendar", date);
	if (c->phase == TD_PHASE_REGULAR)
		return TD_RISK_PASS;
	return ext && l->extended_hours ? TD_RISK_WARN : TD_RISK_FAIL;
}

/* When opening orders may go again: local time when the calendar was looked up, else the seconds left. */
static void fmt_resume(const td_risk_ctx *c, char *buf, size_t n)
{
	char hms[16];
	if (c->cal.now) {
		fmt_tod(c->cal.tod + (c->spike.until - c->cal.now), true, hms);
		snprintf(buf, n, "until %s%s%s", hms, *c->cal.today.zone ? " " : "", c->cal.today.zone);
	} else {
		snprintf(buf, n, "for %lld s more", (long long)((c->spike.until - c->spike.at + TD_NS_PER_SEC - 1) /
							      TD_NS_PER_SEC));
	}
}

/* Volatility breaker: while tripped, orders that would open or grow a position wait; reducing ones warn. */
static td_risk_status vol_spike(const td_risk_limits *l, const td_risk_ctx *c, char *d, size_t n)
{
	if (!(l->vol_spike_pct > 0))
		return off(d, n);
	const char *sym = c->symbol ? c->symbol : "", *sp = *sym ? " " : "";
	const td_spike_info *s = &c->spike;
	if (!s->tripped && !s->traded) {
		DETAIL(d, n, "no trades%s%s in the last %d s", *sym ? " of " : "", sym, l->vol_spike_window);
		return TD_RISK_PASS;
	}
	char resume[48] = "";
	if (n && s->tripped)
		fmt_resume(c, resume, sizeof resume);
	bool red = reduces(c);
	const char *why = "";
	if (s->tripped)
		why = red ? ": reduces the position; opening orders paused " : ": opening orders paused ";
	DETAIL(d, n, "%s%smoved %.2f%% in %d s (limit %.2f%%)%s%s", sym, sp, s->move_pct, l->vol_spike_window,
	       l->vol_spike_pct, why, resume);
	if (!s->tripped)
		return TD_RISK_PASS;
	return red ? TD_RISK_WARN : TD_RISK_FAIL;
}

static td_risk_status duplicate(const td_risk_limits *l, const td_risk_ctx *c, char *d, size_t n)
{
	(void)l;
	DETAIL(d, n, c->duplicate ? "the same order was sent seconds ago" : "no recent twin");
	return c->duplicate ? TD_RISK_FAIL : TD_RISK_PASS;
}

#define TD_RISK_CHECK_ROW_(fn, name) { name, fn },
static const struct {
	const char *name;
	check_fn fn;
} checks[] = { TD_RISK_CHECKS(TD_RISK_CHECK_ROW_) };
#undef TD_RISK_CHECK_ROW_
_Static_assert(sizeof checks / sizeof checks[0] <= TD_RISK_MAX_CHECKS, "TD_RISK_MAX_CHECKS too small");

size_t td_risk_run(const td_risk_limits *l, const td_risk_ctx *c, td_risk_check *out, td_risk_status *worst)
{
	size_t k = sizeof checks / sizeof checks[0];
	*worst = TD_RISK_PASS;
	for (size_t i = 0; i < k; i++) {
		out[i].name = checks[i].name;
		out[i].status = checks[i].fn(l, c, out[i].detail, sizeof out[i].detail);
		if (out[i].status > *worst)
			*worst = out[i].status;
	}
	return k;
}

td_risk_status td_risk_verdict(const td_risk_limits *l, const td_risk_ctx *c)
{
	td_risk_status worst = TD_RISK_PASS;
	for (size_t i = 0; i < sizeof checks / sizeof checks[0]; i++) {
		td_risk_status s = checks[i].fn(l, c, NULL, 0);
		if (s > worst)
			worst = s;
	}
	return worst;
}

double td_risk_margin(bool is_option, bool is_call, td_side side, int64_t qty, double price, double multiplier,
		      double underlying, double strike)
{
	double q = (double)qty;
	if (!is_option)
		return 0.5 * q * price * multiplier;
	if (side == TD_SIDE_BUY)
		return q * price * multiplier;
	double otm = is_call ? fmax(strike - underlying, 0) : fmax(underlying - strike, 0);
	double naked = fmax(0.20 * underlying - otm, 0.10 * (is_call ? underlying : strike));
	return q * (naked + price) * multiplier;
}
