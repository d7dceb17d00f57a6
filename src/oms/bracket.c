/* Brackets: see bracket.h. */
#include "oms/bracket.h"

#include <math.h>

#include "core/text.h"

bool td_bracket_is_entry(const td_order_req *r)
{
	return r->take_profit > 0 || r->stop_loss > 0;
}

td_order_req td_bracket_child(const td_order_req *entry, td_order_role role, int64_t qty)
{
	td_order_req c = {
		.instr = entry->instr, .side = entry->side == TD_SIDE_BUY ? TD_SIDE_SELL : TD_SIDE_BUY, .qty = qty,
		.type = role == TD_OR_TARGET ? TD_OT_LIMIT : TD_OT_STOP, .tif = entry->tif == TD_TIF_IOC ? TD_TIF_DAY : entry->tif,
		.limit = role == TD_OR_TARGET ? entry->take_profit : TD_PX_NONE,
		.stop = role == TD_OR_STOP ? entry->stop_loss : TD_PX_NONE,
	};
	td_strlcpy(c.source, entry->source, sizeof c.source);
	return c;
}

static bool working(const td_order *o)
{
	return o && !td_order_final(o->state) && o->state != TD_ORD_CANCEL_PENDING && o->state != TD_ORD_NEW;
}

static td_bracket_step *step(td_bracket_step *s, td_bracket_act act, td_order_role role, const td_order *o, int64_t qty)
{
	*s = (td_bracket_step){ .act = act, .role = role, .qty = qty };
	if (o)
		td_strlcpy(s->id, o->id, sizeof s->id);
	return s + 1;
}

static td_bracket_step *child_step(td_bracket_step *s, const td_order *child, td_order_role role, bool wanted,
				   int64_t open)
{
	if (working(child)) {
		if (open == 0)
			return step(s, TD_BA_CANCEL, role, child, 0);
		/* a pending child is sized once the broker has it: a modify cannot reach it before */
		if (child->state != TD_ORD_PENDING && td_order_open_qty(child) != open)
			return step(s, TD_BA_MODIFY, role, child, child->filled + open);
		return s;
	}
	if (wanted && open > 0 && !child)
		return step(s, TD_BA_PLACE, role, NULL, open);
	return s;
}

size_t td_bracket_plan(const td_bracket *b, td_bracket_step out[TD_BRACKET_MAX_STEPS])
{
	const td_order *e = b->entry;
	int64_t open = e->filled - b->exited;
	if (open < 0)
		open = 0;
	td_bracket_step *s = out;
	if (b->exited > 0 && open == 0 && working(e))
		s = step(s, TD_BA_CANCEL, TD_OR_ALONE, e, 0);
	s = child_step(s, b->target, TD_OR_TARGET, e->req.take_profit > 0, open);
	s = child_step(s, b->stop, TD_OR_STOP, e->req.stop_loss > 0, open);
	return (size_t)(s - out);
}

bool td_manage_triggered(const td_manage_params *m, td_side side, double avg, td_ticks stop, td_ticks mark)
{
	if (!(m->r_mult > 0) || stop <= 0 || mark == TD_PX_NONE || !isfinite(avg))
		return false;
	double dir = side == TD_SIDE_BUY ? 1 : -1, risk = (avg - (double)stop) * dir;
	return risk > 0 && ((double)mark - avg) * dir >= m->r_mult * risk - 1e-9;
}

td_ticks td_manage_breakeven(td_side side, double avg)
{
	return (td_ticks)(side == TD_SIDE_BUY ? ceil(avg - 1e-9) : floor(avg + 1e-9));
}

int64_t td_manage_scale_qty(const td_manage_params *m, int64_t open)
{
	int64_t q = (int64_t)floor((double)open * m->scale_pct / 100 + 1e-9);
	return q >= open ? open - 1 : q;
}
