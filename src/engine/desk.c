/* The order desk: fees, paper broker, order manager; see desk.h. */
#include "engine/desk.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/text.h"
#include "oms/fees.h"
#include "oms/paper.h"

#define PAPER_ORDERS 256
#define PAPER_EVENTS 1024

struct td_desk {
	td_calendar *cal;
	td_fees *fees;
	const td_fee_schedule *schedule;
	const td_registry *reg;
	td_oms *oms;
};

void td_desk_limits(const td_config *cfg, td_risk_limits *l)
{
	td_risk_limits_default(l);
	l->max_qty = cfg->max_qty;
	l->max_notional = (double)cfg->max_notional;
	l->price_band_pct = cfg->price_band;
	l->max_position = cfg->max_position;
	l->max_gross = (double)cfg->max_gross;
	l->max_open_orders = cfg->max_open_orders;
	l->risk_per_trade_pct = cfg->risk_per_trade;
	l->daily_loss = (double)cfg->daily_loss;
	l->max_drawdown = (double)cfg->max_drawdown;
	l->max_consecutive_losses = cfg->max_losing_streak;
	l->pdt_day_trades = cfg->pdt ? l->pdt_day_trades : 0;
	l->extended_hours = cfg->extended_hours;
	l->vol_spike_pct = cfg->vol_spike_pct;
	l->vol_spike_window = cfg->vol_spike_window;
	l->vol_spike_cooldown = cfg->vol_spike_cooldown;
}

/* The fees of a paper fill: this fill's share of the order's fees (td_fee_compute_fill). */
static double paper_fee(void *ctx, const td_order *o, int64_t qty, td_ticks px)
{
	const td_desk *d = ctx;
	const td_instrument *ins = td_registry_get(d->reg, o->req.instr);
	if (!ins || !d->schedule)
		return 0;
	double mult = ins->multiplier > 0 ? (double)ins->multiplier : 1;
	double tick = td_px_to_double(ins->px, 1);   /* the price of one tick: ticks to price units */
	double done_px = o->filled ? td_order_avg_px(o) * tick : 0;
	return td_fee_compute_fill(d->schedule, ins->kind, o->req.side, (double)o->filled, done_px, (double)qty,
				   td_px_to_double(ins->px, px), mult, NULL);
}

/* The user's fee file, else the built-in schedules. */
static int load_fees(td_desk *d, const td_config *cfg, const td_session *s, char *err, size_t errlen)
{
	char dir[512], path[600];
	d->fees = NULL;
	if (td_config_user_path(dir, sizeof dir) == 0) {
		char *slash = strrchr(dir, '/');
		if (slash)
			*slash = '\0';
		snprintf(path, sizeof path, "%s/fees.conf", dir);
		d->fees = td_fees_load(path, err, errlen);
		if (!d->fees && errno != ENOENT)
			return -1;
	}
	if (!d->fees)
		d->fees = td_fees_builtin();
	const char *name = cfg->fee_schedule[0] ? cfg->fee_schedule : s->name;
	d->schedule = d->fees ? td_fees_find(d->fees, name) : NULL;
	if (!d->schedule)
		return td_errf(err, errlen, "no fee schedule '%s' (orders.fee_schedule)", name);
	return 0;
}

/* orders.auto_close as ns after local midnight; 0 when empty. */
static int parse_auto_close(const td_config *cfg, td_ns *out, char *err, size_t errlen)
{
	const char *why;
	*out = 0;
	if (cfg->auto_close[0] && td_time_parse_hms(cfg->auto_close, out, &why) < 0)
		return td_errf(err, errlen, "orders.auto_close '%s': %s", cfg->auto_close, why);
	return 0;
}

td_desk *td_desk_open(const td_config *cfg, const td_session *s, const td_registry *reg, const td_market *m,
		      td_oms_recovery *rep, char *err, size_t errlen)
{
	td_desk *d = calloc(1, sizeof(*d));
	if (!d) {
		td_errf(err, errlen, "out of memory");
		return NULL;
	}
	d->reg = reg;
	td_ns auto_close = 0;
	d->cal = td_calendar_open(err, errlen);
	if (!d->cal || load_fees(d, cfg, s, err, errlen) < 0 || parse_auto_close(cfg, &auto_close, err, errlen) < 0) {
		td_desk_close(d);
		return NULL;
	}
	char cal[256];
	td_calendar_describe(d->cal, cal, sizeof cal);
	td_log_write(TD_LOG_INFO, "%s", cal);
	td_paper_params pp = { .max_orders = PAPER_ORDERS, .max_events = PAPER_EVENTS, .cash = (double)cfg->capital,
			       .fee = paper_fee, .fee_ctx = d };
	td_oms_params p = { .reg = reg, .m = m, .capital = (double)cfg->capital,
			    .journal = cfg->journal[0] ? cfg->journal : NULL, .broker = td_paper_new(m, reg, &pp),
			    .strict = cfg->confirm_quantity, .dup_window_ms = 2000, .tz = td_session_tz(s),
			    .calendar = d->cal, .market = s->name, .auto_close = auto_close,
			    .manage = { .r_mult = cfg->manage_at_r, .breakeven = cfg->breakeven, .scale_pct = cfg->scale_out } };
	td_desk_limits(cfg, &p.limits);
	if (!p.broker.ops) {
		td_errf(err, errlen, "out of memory for the paper broker");
		td_desk_close(d);
		return NULL;
	}
	d->oms = td_oms_open(&p, rep, err, errlen);
	if (!d->oms) {
		td_desk_close(d);
		return NULL;
	}
	return d;
}

void td_desk_close(td_desk *d)
{
	if (!d)
		return;
	td_oms_close(d->oms);
	td_fees_free(d->fees);
	td_calendar_free(d->cal);
	free(d);
}

td_oms *td_desk_oms(td_desk *d)
{
	return d->oms;
}

void td_desk_recovery_text(const td_oms_recovery *r, char *buf, size_t n)
{
	int len = snprintf(buf, n, "orders: %zu recovered from %llu journal records, %zu positions", r->orders,
			   (unsigned long long)r->records, r->positions);
	if (r->cancelled && len > 0 && (size_t)len < n)
		len += snprintf(buf + len, n - (size_t)len, ", %zu working orders cancelled", r->cancelled);
	if (r->halted && len > 0 && (size_t)len < n)
		len += snprintf(buf + len, n - (size_t)len, ", HALTED");
	if (r->tail != TD_JOURNAL_CLEAN && len > 0 && (size_t)len < n)
		snprintf(buf + len, n - (size_t)len, "; %s", r->msg);
}

double td_desk_fee_estimate(const td_desk *d, const td_order_req *req, double price)
{
	const td_instrument *ins = td_registry_get(d->reg, req->instr);
	if (!ins || !d->schedule)
		return NAN;
	return td_fee_compute(d->schedule, ins->kind, req->side, (double)req->qty, price,
			      ins->multiplier > 0 ? (double)ins->multiplier : 1, NULL);
}
