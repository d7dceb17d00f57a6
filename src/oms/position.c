/*
 * Positions by average cost and the deals they make; see position.h.
 */
#include "oms/position.h"

#include <math.h>
#include <stdlib.h>

#include "core/text.h"

struct td_book {
	td_position *pos;
	size_t cap;
	td_deal *deals;
	size_t ndeals, deals_cap;
};

td_book *td_book_new(size_t capacity)
{
	td_book *b = calloc(1, sizeof(*b));
	if (!b)
		return NULL;
	b->pos = calloc(capacity ? capacity : 1, sizeof(*b->pos));
	if (!b->pos) {
		free(b);
		return NULL;
	}
	b->cap = capacity;
	for (size_t i = 0; i < capacity; i++)
		b->pos[i].avg_px = NAN;
	return b;
}

void td_book_free(td_book *b)
{
	if (!b)
		return;
	free(b->pos);
	free(b->deals);
	free(b);
}

const char *td_close_reason_name(td_close_reason r)
{
	static const char *const names[TD_CLOSE_COUNT] = { "manual", "stop", "target", "exit rule", "reversal" };
	return (unsigned)r < TD_CLOSE_COUNT ? names[r] : "?";
}

static int log_deal(td_book *b, const td_deal *d)
{
	if (b->ndeals == b->deals_cap) {
		size_t cap = b->deals_cap ? 2 * b->deals_cap : 64;
		td_deal *n = realloc(b->deals, cap * sizeof(*n));
		if (!n)
			return -1;
		b->deals = n;
		b->deals_cap = cap;
	}
	b->deals[b->ndeals++] = *d;
	return 0;
}

/* Open a position (and its deal) of signed quantity q at px. */
static void open_at(td_position *p, uint32_t instr, double q, double px, td_ns t)
{
	p->qty = q;
	p->avg_px = px;
	p->deal = (td_deal){ .instr = instr, .side = q > 0 ? 1 : -1, .entry_qty = fabs(q), .entry_px = px,
			     .entry_ns = t, .exit_px = NAN, .open = true };
}

/* Add to the position in its own direction. */
static void add(td_position *p, double q, double px)
{
	double n = fabs(p->qty) + fabs(q);
	p->avg_px = (p->avg_px * fabs(p->qty) + px * fabs(q)) / n;
	p->deal.entry_px = (p->deal.entry_px * p->deal.entry_qty + px * fabs(q)) / (p->deal.entry_qty + fabs(q));
	p->deal.entry_qty += fabs(q);
	p->qty += q;
}

/* Reduce the position by c units (0 < c <= |qty|) at px; closes the deal at zero. */
static int reduce(td_book *b, td_position *p, double c, double px, td_ns t, td_close_reason why)
{
	int side = p->qty > 0 ? 1 : -1;
	double pnl = (px - p->avg_px) * c * p->multiplier * side;
	p->realised += pnl;
	p->day_realised += pnl;
	td_deal *d = &p->deal;
	d->exit_px = d->exit_qty > 0 ? (d->exit_px * d->exit_qty + px * c) / (d->exit_qty + c) : px;
	d->exit_qty += c;
	d->exit_ns = t;
	d->gross += pnl;
	p->qty -= side * c;
	if (fabs(p->qty) > 1e-9)
		return 0;
	p->qty = 0;
	p->avg_px = NAN;
	d->net = d->gross - d->charges;
	double value = d->entry_qty * d->entry_px * p->multiplier;
	d->net_pct = value > 0 ? d->net / value * 100 : NAN;
	d->closed_by = why;
	d->open = false;
	return log_deal(b, d);
}

int td_book_fill(td_book *b, uint32_t instr, td_side side, double qty, double px, double fee, double mult, td_ns t,
		 td_close_reason why)
{
	if (instr >= b->cap || !(qty > 0) || !isfinite(px) || !isfinite(fee) || (side != TD_SIDE_BUY && side != TD_SIDE_SELL))
		return -1;
	td_position *p = &b->pos[instr];
	if (p->multiplier == 0)
		p->multiplier = mult > 0 ? mult : 1;
	double q = side == TD_SIDE_BUY ? qty : -qty;
	p->realised -= fee;
	p->day_realised -= fee;
	p->fees += fee;
	if (p->qty == 0) {
		open_at(p, instr, q, px, t);
		p->deal.charges = fee;
		return 0;
	}
	p->deal.charges += fee;
	if (p->qty * q > 0) {
		add(p, q, px);
		return 0;
	}
	double close = fmin(fabs(q), fabs(p->qty)), rest = fabs(q) - close;
	if (reduce(b, p, close, px, t, rest > 0 ? TD_CLOSE_REVERSAL : why) < 0)
		return -1;
	if (rest > 0)
		open_at(p, instr, q > 0 ? rest : -rest, px, t);
	return 0;
}

void td_book_tag(td_book *b, uint32_t instr, const char *source)
{
	if (instr < b->cap && b->pos[instr].qty != 0 && !b->pos[instr].deal.source[0])
		td_strlcpy(b->pos[instr].deal.source, source && *source ? source : "manual", TD_DEAL_SOURCE_MAX);
}

const td_position *td_book_position(const td_book *b, uint32_t instr)
{
	return instr < b->cap ? &b->pos[instr] : NULL;
}

double td_book_unrealised(const td_book *b, uint32_t instr, double mark)
{
	const td_position *p = td_book_position(b, instr);
	if (!p || p->qty == 0)
		return 0;
	if (!isfinite(mark))
		return NAN;
	return (mark - p->avg_px) * p->qty * p->multiplier;
}

const td_deal *td_book_deals(const td_book *b, size_t *n)
{
	*n = b->ndeals;
	return b->deals;
}

int td_book_losing_streak(const td_book *b)
{
	int k = 0;
	for (size_t i = b->ndeals; i > 0 && b->deals[i - 1].net < 0; i--)
		k++;
	return k;
}

void td_book_new_day(td_book *b)
{
	for (size_t i = 0; i < b->cap; i++)
		b->pos[i].day_realised = 0;
}
