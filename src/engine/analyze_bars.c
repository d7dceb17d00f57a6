/*
 * analyze bars and analyze footprint: time bars from the trades of one
 * instrument, written as each bar closes so memory stays that of the
 * analytics (the bars' rings, one footprint day).
 */
#include <stdlib.h>
#include <string.h>

#include "analytics/footprint.h"
#include "analyze_int.h"

static const td_ns td_az_tf_ns[TD_BARS_NTF] = {
	TD_NS_PER_MIN, 5 * TD_NS_PER_MIN, 15 * TD_NS_PER_MIN, 30 * TD_NS_PER_MIN, 60 * TD_NS_PER_MIN, TD_NS_PER_DAY,
};

static const char *const td_az_tf_label[TD_BARS_NTF] = { "1m", "5m", "15m", "30m", "60m", "1d" };

/* Symbol, market and timeframe at the top of a JSON document. */
static void td_az_json_head(td_az_out *out, const td_az_opts *o, const td_az_trades *tr, bool with_tf)
{
	if (out->fmt != AZ_JSON)
		return;
	td_az_str(out, "symbol", tr->ins->symbol);
	td_az_str(out, "market", o->session->name);
	if (with_tf)
		td_az_str(out, "tf", td_az_tf_label[o->tf]);
}

/* ---- bars ---------------------------------------------------------------------- */

/* One bar row. */
static void td_az_bar_row(td_az_out *out, cJSON *arr, const td_az_opts *o, td_pxfmt f, const td_bar *b)
{
	char ts[48];
	td_az_row_begin(out, arr);
	td_az_fmt_local(o->session, b->start, ts, sizeof(ts));
	td_az_str(out, "start", ts);
	td_az_fmt_local(o->session, b->end, ts, sizeof(ts));
	td_az_str(out, "end", ts);
	td_az_px(out, "open", f, b->open);
	td_az_px(out, "high", f, b->high);
	td_az_px(out, "low", f, b->low);
	td_az_px(out, "close", f, b->close);
	td_az_int(out, "volume", b->volume);
	td_az_int(out, "buy_volume", b->buy_volume);
	td_az_int(out, "sell_volume", b->sell_volume);
	td_az_int(out, "delta", b->delta);
	td_az_int(out, "trades", b->trades);
	td_az_fixed(out, "vwap", td_az_ticks_price(f, b->vwap), f.scale + 4);
	td_az_flag(out, "regular", b->regular);
	td_az_row_end(out);
}

/* The session VWAP figures, in JSON only (a CSV holds bar rows alone). */
static void td_az_bars_session(td_az_out *out, const td_bars *b, td_pxfmt f)
{
	td_bars_vwap v;
	if (out->fmt != AZ_JSON || !td_bars_session_vwap(b, &v))
		return;
	char date[16];
	cJSON *keep = out->cur;
	out->cur = td_az_json_object(out, "session");
	td_az_fmt_date(v.date, date, sizeof(date));
	td_az_str(out, "date", date);
	td_az_int(out, "volume", v.volume);
	td_az_int(out, "cum_delta", v.cum_delta);
	td_az_fixed(out, "vwap", td_az_ticks_price(f, v.vwap), f.scale + 4);
	td_az_fixed(out, "sd", td_az_ticks_price(f, v.sd), f.scale + 4);
	td_az_fixed(out, "upper1", td_az_ticks_price(f, v.upper1), f.scale + 4);
	td_az_fixed(out, "lower1", td_az_ticks_price(f, v.lower1), f.scale + 4);
	td_az_fixed(out, "upper2", td_az_ticks_price(f, v.upper2), f.scale + 4);
	td_az_fixed(out, "lower2", td_az_ticks_price(f, v.lower2), f.scale + 4);
	out->cur = keep;
}

/* Warn about trades the bars refused or skipped out of order. */
static void td_az_bars_warn(const td_bars *b)
{
	td_bars_counts c;
	td_bars_counts_get(b, &c);
	if (c.rejected)
		td_az_warn("%llu trade%s rejected by the bars (bad size, side, price or time)",
			(unsigned long long)c.rejected, c.rejected > 1 ? "s" : "");
	if (c.late)
		td_az_warn("%llu trade%s out of time order, counted in the bar forming when they came",
			(unsigned long long)c.late, c.late > 1 ? "s" : "");
}

int td_az_run_bars(const td_az_opts *o, const td_az_trades *tr, td_az_out *out)
{
	char err[256];
	td_bars_params p = { .session = o->session, .all_hours = !o->regular_only };
	td_bars *b = td_bars_new(&p, err, sizeof(err));
	if (!b) {
		td_az_error("%s", err);
		return 1;
	}
	td_pxfmt f = tr->ins->px;
	td_az_json_head(out, o, tr, true);
	cJSON *arr = td_az_json_array(out, "bars");
	td_az_csv_header(out, "start,end,open,high,low,close,volume,buy_volume,sell_volume,delta,trades,vwap,regular");
	uint64_t seen = 0;
	td_bar bar;
	for (size_t i = 0; i < tr->n; i++) {
		td_bars_add(b, &tr->t[i]);
		uint64_t closed = td_bars_closed(b, o->tf);
		size_t k = (size_t)(closed - seen), have = td_bars_count(b, o->tf);
		for (size_t j = k < have ? k : have; j-- > 0;)
			if (td_bars_get(b, o->tf, j, &bar))
				td_az_bar_row(out, arr, o, f, &bar);
		seen = closed;
	}
	if (td_bars_forming(b, o->tf, &bar))
		td_az_bar_row(out, arr, o, f, &bar);
	td_az_bars_session(out, b, f);
	td_az_bars_warn(b);
	td_bars_free(b);
	return 0;
}

/* ---- footprint ------------------------------------------------------------------ */

static const struct {
	uint32_t bit;
	const char *name;
} td_az_fp_patterns[] = {
	{ TD_FP_PAT_UNFINISHED_HIGH, "unfinished_high" },   { TD_FP_PAT_UNFINISHED_LOW, "unfinished_low" },
	{ TD_FP_PAT_STACKED_BUY, "stacked_buy" },           { TD_FP_PAT_STACKED_SELL, "stacked_sell" },
	{ TD_FP_PAT_ABSORB_SELLING, "absorb_selling" },     { TD_FP_PAT_ABSORB_BUYING, "absorb_buying" },
	{ TD_FP_PAT_EXHAUST_BUYING, "exhaust_buying" },     { TD_FP_PAT_EXHAUST_SELLING, "exhaust_selling" },
	{ TD_FP_PAT_TRAPPED_BUYERS, "trapped_buyers" },     { TD_FP_PAT_TRAPPED_SELLERS, "trapped_sellers" },
	{ TD_FP_PAT_DIVERGENCE_BEAR, "divergence_bear" },   { TD_FP_PAT_DIVERGENCE_BULL, "divergence_bull" },
};

static const struct {
	uint32_t bit;
	const char *name;
} td_az_fp_cellflags[] = {
	{ TD_FP_IMB_BUY, "imb_buy" }, { TD_FP_IMB_SELL, "imb_sell" }, { TD_FP_STACK_BUY, "stack_buy" },
	{ TD_FP_STACK_SELL, "stack_sell" }, { TD_FP_POC, "poc" }, { TD_FP_HVN, "hvn" }, { TD_FP_LVN, "lvn" },
};

#define AZ_NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define AZ_FP_MAX_STACKS 64
#define AZ_NO_TIME INT64_MIN

/* One day's footprint and the start of its live bar. */
typedef struct td_az_fp_day {
	td_footprint *fp;
	int64_t date;
	td_ns live_start;
	const td_az_opts *o;
	td_pxfmt f;
	td_az_out *out;
	cJSON *bars, *sessions;  /* JSON arrays */
} td_az_fp_day;

/* The cells of bar `ago` (or TD_FP_SESSION), high to low: CSV rows or a JSON array in the current object. */
static void td_az_fp_cells(td_az_fp_day *d, size_t ago, const td_fp_bar *fb, const char *start)
{
	size_t n = (size_t)(fb->high - fb->low + 1);
	td_fp_cell *c = malloc(n * sizeof(*c));
	if (!c)
		return;
	n = td_footprint_rows(d->fp, ago, fb->high, c, n);
	td_az_out *out = d->out;
	cJSON *keep = out->cur, *arr = td_az_json_array(out, "cells");
	for (size_t i = 0; i < n; i++) {
		td_az_row_begin(out, arr);
		if (out->fmt == AZ_CSV)
			td_az_str(out, "start", start);
		td_az_px(out, "price", d->f, c[i].px);
		td_az_int(out, "bid", c[i].bid);
		td_az_int(out, "ask", c[i].ask);
		td_az_int(out, "other", c[i].other);
		td_az_int(out, "volume", c[i].bid + c[i].ask + c[i].other);
		td_az_int(out, "delta", c[i].ask - c[i].bid);
		for (size_t k = 0; k < AZ_NELEM(td_az_fp_cellflags); k++)
			td_az_flag(out, td_az_fp_cellflags[k].name, c[i].flags & td_az_fp_cellflags[k].bit);
		td_az_row_end(out);
	}
	out->cur = keep;
	free(c);
}

/* "buy 10.02-10.04; sell 9.98-10.00" and the JSON array of the same ranges. */
static void td_az_fp_stacks(td_az_fp_day *d, size_t ago, char *text, size_t len)
{
	td_fp_stack st[AZ_FP_MAX_STACKS];
	size_t n = td_footprint_stacks(d->fp, ago, st, AZ_FP_MAX_STACKS), used = 0;
	n = n < AZ_FP_MAX_STACKS ? n : AZ_FP_MAX_STACKS;
	text[0] = '\0';
	cJSON *keep = d->out->cur, *arr = td_az_json_array(d->out, "stacks");
	for (size_t i = 0; i < n; i++) {
		const char *side = st[i].dir == TD_SIDE_BUY ? "buy" : "sell";
		char lo[48], hi[48];
		td_px_format(d->f, st[i].lo, lo, sizeof(lo));
		td_px_format(d->f, st[i].hi, hi, sizeof(hi));
		if (used < len)
			used += (size_t)snprintf(text + used, len - used, "%s%s %s-%s", i ? "; " : "", side, lo, hi);
		if (arr) {
			td_az_row_begin(d->out, arr);
			td_az_str(d->out, "side", side);
			td_az_px(d->out, "lo", d->f, st[i].lo);
			td_az_px(d->out, "hi", d->f, st[i].hi);
			td_az_row_end(d->out);
		}
	}
	d->out->cur = keep;
}

/* The pattern names joined by '|', and a JSON array of them. */
static void td_az_fp_patterns_out(td_az_out *out, uint32_t pats, char *text, size_t len)
{
	size_t used = 0;
	text[0] = '\0';
	cJSON *arr = td_az_json_array(out, "patterns");
	for (size_t k = 0; k < AZ_NELEM(td_az_fp_patterns); k++) {
		if (!(pats & td_az_fp_patterns[k].bit))
			continue;
		if (used < len)
			used += (size_t)snprintf(text + used, len - used, "%s%s", used ? "|" : "", td_az_fp_patterns[k].name);
		if (arr)
			cJSON_AddItemToArray(arr, cJSON_CreateString(td_az_fp_patterns[k].name));
	}
}

/* The figures of bar `ago` (or the session) as fields of the current row. */
static void td_az_fp_figures(td_az_fp_day *d, size_t ago, const td_fp_bar *fb)
{
	td_az_out *out = d->out;
	char stacks[512], pats[256];
	td_az_px(out, "open", d->f, fb->open);
	td_az_px(out, "high", d->f, fb->high);
	td_az_px(out, "low", d->f, fb->low);
	td_az_px(out, "close", d->f, fb->close);
	td_az_px(out, "poc", d->f, fb->poc);
	td_az_int(out, "volume", fb->volume);
	td_az_int(out, "bid", fb->bid);
	td_az_int(out, "ask", fb->ask);
	td_az_int(out, "other", fb->other);
	td_az_int(out, "delta", fb->delta);
	td_az_int(out, "cum_delta", fb->cum_delta);
	td_az_int(out, "trades", (int64_t)fb->trades);
	td_az_int(out, "buy_imb", fb->buy_imb);
	td_az_int(out, "sell_imb", fb->sell_imb);
	td_az_int(out, "stack_count", fb->stacks);
	td_az_fp_patterns_out(out, fb->patterns, pats, sizeof(pats));
	td_az_fp_stacks(d, ago, stacks, sizeof(stacks));
	if (out->fmt == AZ_CSV) {
		td_az_str(out, "patterns", pats);
		td_az_str(out, "stacks", stacks);
	}
}

/* Write bar `ago` of the day: its cells (CSV cells), its figures (CSV bars), or both (JSON). */
static void td_az_fp_emit(td_az_fp_day *d, size_t ago)
{
	td_fp_bar fb;
	char start[48];
	if (!td_footprint_bar(d->fp, ago, &fb))
		return;
	td_az_fmt_local(d->o->session, fb.start, start, sizeof(start));
	td_az_out *out = d->out;
	bool bars_rows = d->o->rows && strcmp(d->o->rows, "bars") == 0;
	if (out->fmt == AZ_CSV && !bars_rows) {
		td_az_fp_cells(d, ago, &fb, start);
		return;
	}
	td_az_row_begin(out, d->bars);
	td_az_str(out, "start", start);
	td_az_fp_figures(d, ago, &fb);
	if (out->fmt == AZ_JSON)
		td_az_fp_cells(d, ago, &fb, start);
	td_az_row_end(out);
}

/* End a day: its live bar, and in JSON its session ladder; frees the footprint. */
static void td_az_fp_close_day(td_az_fp_day *d)
{
	if (!d->fp)
		return;
	td_az_fp_emit(d, 0);
	td_fp_bar fb;
	if (d->out->fmt == AZ_JSON && td_footprint_bar(d->fp, TD_FP_SESSION, &fb)) {
		char date[16];
		td_az_fmt_date(d->date, date, sizeof(date));
		td_az_row_begin(d->out, d->sessions);
		td_az_str(d->out, "date", date);
		td_az_fp_figures(d, TD_FP_SESSION, &fb);
		td_az_fp_cells(d, TD_FP_SESSION, &fb, date);
		td_az_row_end(d->out);
	}
	uint64_t rej = td_footprint_rejected(d->fp);
	if (rej) {
		char date[16];
		td_az_fmt_date(d->date, date, sizeof(date));
		td_az_warn("%s: %llu trade%s rejected by the footprint (bad size, or a range over 16384 ticks)", date,
			(unsigned long long)rej, rej > 1 ? "s" : "");
	}
	td_footprint_free(d->fp);
	d->fp = NULL;
}

/* Start the footprint of a new day; 0 or 1. */
static int td_az_fp_open_day(td_az_fp_day *d, int64_t date)
{
	char err[256];
	td_fp_params p;
	td_footprint_defaults(&p);
	const td_tz *tz = td_session_tz(d->o->session);
	if (d->o->tf == TD_BARS_DAILY) {
		p.origin = td_tz_to_utc(tz, date, 0);
		p.tf = 2 * TD_NS_PER_DAY;  /* one bar: the day is reset before it could end */
	} else {
		p.origin = td_tz_to_utc(tz, date, d->o->session->open_tod);
		p.tf = td_az_tf_ns[d->o->tf];
	}
	p.keep = 2;
	d->fp = td_footprint_new(&p, err, sizeof(err));
	if (!d->fp) {
		td_az_error("%s", err);
		return 1;
	}
	d->date = date;
	d->live_start = AZ_NO_TIME;
	return 0;
}

int td_az_run_footprint(const td_az_opts *o, const td_az_trades *tr, td_az_out *out)
{
	td_az_fp_day d = { .o = o, .f = tr->ins->px, .out = out };
	td_az_json_head(out, o, tr, true);
	d.bars = td_az_json_array(out, "bars");
	d.sessions = td_az_json_array(out, "sessions");
	if (o->rows && strcmp(o->rows, "bars") == 0)
		td_az_csv_header(out, "start,open,high,low,close,poc,volume,bid,ask,other,delta,cum_delta,trades,"
				   "buy_imb,sell_imb,stack_count,patterns,stacks");
	else
		td_az_csv_header(out, "start,price,bid,ask,other,volume,delta,imb_buy,imb_sell,stack_buy,stack_sell,"
				   "poc,hvn,lvn");
	for (size_t i = 0; i < tr->n; i++) {
		const td_trade *t = &tr->t[i];
		if (!td_az_hours_ok(o, t))
			continue;
		int64_t date = td_az_local_date(o->session, t->ts);
		if (!d.fp || date != d.date) {
			td_az_fp_close_day(&d);
			if (td_az_fp_open_day(&d, date))
				return 1;
		}
		td_footprint_add(d.fp, t);
		td_fp_bar fb;
		if (!td_footprint_bar(d.fp, 0, &fb))
			continue;
		if (d.live_start != AZ_NO_TIME && fb.start != d.live_start && td_footprint_count(d.fp) > 1)
			td_az_fp_emit(&d, 1);
		d.live_start = fb.start;
	}
	td_az_fp_close_day(&d);
	return 0;
}
