/*
 * The alert evaluation book (book.h): per-instrument values, attachments
 * and their state, and the evaluator of the compiled programs.
 *
 * Layout for the hot path: each instrument holds two arrays of (mask,
 * attachment) slots, its own attachments and the attachments elsewhere
 * that read it; evaluating an instrument walks both and runs only the
 * attachments whose mask meets the changed bits.  An attachment points
 * straight at the value arrays of the instruments it reads and at its
 * indicator states, so running a program touches no lookup table.
 *
 * Every allocation happens at attach, at an instrument's first bar (its
 * history ring) and at detach; setting facts, bars and evaluation allocate
 * nothing.  Growable arrays double and never shrink.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert/book.h"
#include "alert/book_ind.h"
#include "core/text.h"

#define NO_TIME INT64_MIN

/* A window's state. */
struct win {
	td_ns since;       /* for: when the condition last became true; NO_TIME while not true */
	td_ns last_true;   /* within: last moment it was known true; NO_TIME when never */
	bool was_true;     /* within: true at the previous evaluation */
};

struct att {
	const td_alert_expr *e;   /* borrowed */
	uint32_t rule, inst;
	bool enabled;
	bool snapped;             /* snap holds the values of a firing */
	double result;            /* 1, 0 or NaN at the last evaluation */
	uint64_t evals, fires;
	td_ns last_fire;
	size_t bytes;             /* of this block */
	const double *src[TD_ALERT_MAX_REFS];      /* value arrays of the instrument slots */
	td_alert_ind *ind[TD_ALERT_MAX_INDS];      /* shared states, one reference each */
	double *cross;            /* 2 per cross: a and b at the last evaluation where both were known */
	struct win *win;
	double *snap;             /* term values at the last firing */
};

struct slot {
	uint64_t mask;            /* values of the instrument that the attachment reads */
	struct att *a;
};

struct slots {
	struct slot *v;
	uint32_t n, cap;
};

struct inst {
	double val[TD_AV_COUNT];  /* facts, then derived values */
	uint64_t changed;         /* bits of values changed since the last evaluate */
	struct slots own;         /* attachments on this instrument */
	struct slots watch;       /* attachments on others reading this one */
	td_alert_ind **ind;       /* indicator states on this instrument's bars */
	uint32_t nind, capind;
	double *hist;             /* ring of history samples (TD_AS_COUNT each), allocated at the first bar */
	uint32_t hist_pos, hist_n;
};

struct td_alert_book {
	uint32_t ninst;
	uint32_t history;
	struct inst *inst;
	struct slots timed;       /* attachments with windows or time (mask: all) */
	uint64_t evaluations, fires, lost, bars;
	size_t attachments, indicators, bytes;
};

void td_alert_book_defaults(td_alert_book_params *p)
{
	*p = (td_alert_book_params){ .instruments = 1, .history_bars = 256 };
}

td_alert_book *td_alert_book_new(const td_alert_book_params *p)
{
	if (!p || p->instruments == 0)
		return NULL;
	td_alert_book *b = calloc(1, sizeof(*b));
	if (!b)
		return NULL;
	b->inst = calloc(p->instruments, sizeof(*b->inst));
	if (!b->inst) {
		free(b);
		return NULL;
	}
	b->ninst = p->instruments;
	b->history = p->history_bars;
	for (uint32_t i = 0; i < b->ninst; i++)
		for (int v = 0; v < TD_AV_COUNT; v++)
			b->inst[i].val[v] = NAN;
	b->bytes = sizeof(*b) + b->ninst * sizeof(*b->inst);
	return b;
}

void td_alert_book_free(td_alert_book *b)
{
	if (!b)
		return;
	for (uint32_t i = 0; i < b->ninst; i++) {
		struct inst *in = &b->inst[i];
		while (in->own.n)
			td_alert_book_detach(b, in->own.v[0].a->rule, i);
	}
	for (uint32_t i = 0; i < b->ninst; i++) {
		struct inst *in = &b->inst[i];
		free(in->own.v);
		free(in->watch.v);
		free(in->ind);
		free(in->hist);
	}
	free(b->timed.v);
	free(b->inst);
	free(b);
}

/* ---- facts and bars -------------------------------------------------------------- */

void td_alert_book_set(td_alert_book *b, uint32_t inst, td_alert_fact f, double v)
{
	if (inst >= b->ninst || (unsigned)f >= TD_AF_COUNT)
		return;
	struct inst *in = &b->inst[inst];
	double old = in->val[f];
	if (old == v || (isnan(old) && isnan(v)))
		return;
	in->val[f] = v;
	in->changed |= 1ull << f;
}

void td_alert_book_set_facts(td_alert_book *b, uint32_t inst, const double *v, uint64_t which)
{
	which &= (1ull << TD_AF_COUNT) - 1;
	while (which) {
		int f = __builtin_ctzll(which);
		which &= which - 1;
		td_alert_book_set(b, inst, (td_alert_fact)f, v[f]);
	}
}

double td_alert_book_fact(const td_alert_book *b, uint32_t inst, td_alert_fact f)
{
	if (inst >= b->ninst || (unsigned)f >= TD_AF_COUNT)
		return NAN;
	return b->inst[inst].val[f];
}

/* Keep sample in the instrument's history ring (allocated at the first bar). */
static void remember(td_alert_book *b, struct inst *in, const double *sample)
{
	if (b->history == 0)
		return;
	if (!in->hist) {
		size_t bytes = (size_t)b->history * TD_AS_COUNT * sizeof(double);
		in->hist = malloc(bytes);
		if (!in->hist)
			return;
		b->bytes += bytes;
	}
	memcpy(in->hist + (size_t)in->hist_pos * TD_AS_COUNT, sample, TD_AS_COUNT * sizeof(double));
	in->hist_pos = in->hist_pos + 1 == b->history ? 0 : in->hist_pos + 1;
	if (in->hist_n < b->history)
		in->hist_n++;
}

int td_alert_book_bar(td_alert_book *b, uint32_t inst, const td_alert_bar *bar)
{
	if (inst >= b->ninst || !isfinite(bar->open) || !isfinite(bar->high) || !isfinite(bar->low) ||
	    !isfinite(bar->close) || bar->high < bar->low)
		return -1;
	struct inst *in = &b->inst[inst];
	double sample[TD_AS_COUNT];
	memcpy(sample, in->val, TD_AF_COUNT * sizeof(double));
	sample[TD_AS_BAR + TD_ABF_OPEN] = bar->open;
	sample[TD_AS_BAR + TD_ABF_HIGH] = bar->high;
	sample[TD_AS_BAR + TD_ABF_LOW] = bar->low;
	sample[TD_AS_BAR + TD_ABF_CLOSE] = bar->close;
	sample[TD_AS_BAR + TD_ABF_VOLUME] = bar->volume;
	sample[TD_AS_BAR + TD_ABF_DELTA] = bar->delta;
	remember(b, in, sample);
	for (uint32_t i = 0; i < in->nind; i++)
		td_alert_ind_update(in->ind[i], sample);
	in->val[TD_AV_CLOSE] = bar->close;
	in->changed |= TD_ALERT_BAR_BIT;
	b->bars++;
	return 0;
}

/* ---- the evaluator ---------------------------------------------------------------- */

static double kleene_and(double x, double y)
{
	if (x == 0 || y == 0)
		return 0;
	return isnan(x) || isnan(y) ? NAN : 1;
}

static double kleene_or(double x, double y)
{
	if (x == 1 || y == 1)
		return 1;
	return isnan(x) || isnan(y) ? NAN : 0;
}

/* A comparison's truth: unknown when either side is. */
#define CMP(x, op, y) (isnan(x) || isnan(y) ? NAN : (double)((x) op (y)))

/* x crosses above (below) y: the sign changed since the last evaluation where both were known. */
static double cross(double *prev, double x, double y, bool above)
{
	if (isnan(x) || isnan(y))
		return NAN;
	double r = 0;
	if (!isnan(prev[0]))
		r = above ? (x > y && prev[0] <= prev[1]) : (x < y && prev[0] >= prev[1]);
	prev[0] = x;
	prev[1] = y;
	return r;
}

/* x has been true continuously for at least dur. */
static double held_for(struct win *w, double x, td_ns now, td_ns dur)
{
	if (x != 1) {
		w->since = NO_TIME;
		return x;
	}
	if (w->since == NO_TIME)
		w->since = now;
	return now - w->since >= dur ? 1 : 0;
}

/*
 * x was true at some moment of the last dur.  Between evaluations the
 * condition keeps its value, so one that was true at the previous
 * evaluation stayed true until now.
 */
static double true_within(struct win *w, double x, td_ns now, td_ns dur)
{
	if (w->was_true)
		w->last_true = now;
	w->was_true = x == 1;
	if (x == 1) {
		w->last_true = now;
		return 1;
	}
	return w->last_true != NO_TIME && now - w->last_true <= dur ? 1 : x;
}

/* Run a's program; its truth value. */
static double run(struct att *a, td_ns now)
{
	const td_alert_expr *e = a->e;
	const td_alert_op *ops = e->ops;
	double st[TD_ALERT_STACK];
	int sp = 0;
	for (unsigned pc = 0; pc < e->nops;) {
		const td_alert_op *o = &ops[pc++];
		double y;
		switch (o->code) {
		case TD_OP_CONST: st[sp++] = e->consts[o->arg]; break;
		case TD_OP_VAL: st[sp++] = a->src[o->ref][o->arg]; break;
		case TD_OP_FLAG:
			y = a->src[o->ref][o->arg];
			st[sp++] = isnan(y) ? NAN : y != 0;
			break;
		case TD_OP_IND: st[sp++] = a->ind[o->arg]->value; break;
		case TD_OP_NEG: st[sp - 1] = -st[sp - 1]; break;
		case TD_OP_ABS: st[sp - 1] = fabs(st[sp - 1]); break;
		case TD_OP_NOT: st[sp - 1] = isnan(st[sp - 1]) ? NAN : st[sp - 1] == 0; break;
		case TD_OP_JF: if (st[sp - 1] == 0) pc = o->arg; break;
		case TD_OP_JT: if (st[sp - 1] == 1) pc = o->arg; break;
		case TD_OP_FOR: st[sp - 1] = held_for(&a->win[o->arg], st[sp - 1], now, e->win_ns[o->arg]); break;
		case TD_OP_WITHIN: st[sp - 1] = true_within(&a->win[o->arg], st[sp - 1], now, e->win_ns[o->arg]); break;
		default:
			y = st[--sp];
			double x = st[sp - 1], r;
			switch (o->code) {
			case TD_OP_ADD: r = x + y; break;
			case TD_OP_SUB: r = x - y; break;
			case TD_OP_MUL: r = x * y; break;
			case TD_OP_DIV: r = y == 0 ? NAN : x / y; break;
			case TD_OP_MIN: r = isnan(x) || isnan(y) ? NAN : fmin(x, y); break;
			case TD_OP_MAX: r = isnan(x) || isnan(y) ? NAN : fmax(x, y); break;
			case TD_OP_LT: r = CMP(x, <, y); break;
			case TD_OP_LE: r = CMP(x, <=, y); break;
			case TD_OP_GT: r = CMP(x, >, y); break;
			case TD_OP_GE: r = CMP(x, >=, y); break;
			case TD_OP_EQ: r = CMP(x, ==, y); break;
			case TD_OP_NE: r = CMP(x, !=, y); break;
			case TD_OP_AND: r = kleene_and(x, y); break;
			case TD_OP_OR: r = kleene_or(x, y); break;
			case TD_OP_XABOVE: r = cross(&a->cross[2 * o->arg], x, y, true); break;
			default: r = cross(&a->cross[2 * o->arg], x, y, false); break;
			}
			st[sp - 1] = r;
			break;
		}
	}
	return st[0];
}

/* A term's current value. */
static double term_value(const struct att *a, const td_alert_term *t)
{
	return t->is_ind ? a->ind[t->index]->value : a->src[t->ref][t->index];
}

/* Where firings go during one evaluate or tick. */
struct fires {
	td_alert_fire *out;
	size_t max, n;
};

/* Evaluate a and report a firing edge. */
static void step(td_alert_book *b, struct att *a, td_ns now, struct fires *f)
{
	if (!a->enabled)
		return;
	double r = run(a, now);
	a->evals++;
	b->evaluations++;
	bool edge = r == 1 && a->result != 1;
	a->result = r;
	if (!edge)
		return;
	for (int i = 0; i < a->e->nterms; i++)
		a->snap[i] = term_value(a, &a->e->term[i]);
	a->snapped = true;
	a->fires++;
	a->last_fire = now;
	b->fires++;
	if (f->n < f->max)
		f->out[f->n] = (td_alert_fire){ .rule = a->rule, .inst = a->inst };
	else
		b->lost++;
	f->n++;
}

/* Run the slots whose mask meets changed. */
static void run_slots(td_alert_book *b, const struct slots *s, uint64_t changed, td_ns now, struct fires *f)
{
	for (uint32_t i = 0; i < s->n; i++)
		if (s->v[i].mask & changed)
			step(b, s->v[i].a, now, f);
}

size_t td_alert_book_evaluate(td_alert_book *b, uint32_t inst, td_ns clock, td_alert_fire *out, size_t max)
{
	if (inst >= b->ninst)
		return 0;
	struct inst *in = &b->inst[inst];
	uint64_t changed = in->changed;
	if (!changed)
		return 0;
	in->changed = 0;
	struct fires f = { out, out ? max : 0, 0 };
	run_slots(b, &in->own, changed, clock, &f);
	run_slots(b, &in->watch, changed, clock, &f);
	return f.n;
}

size_t td_alert_book_tick(td_alert_book *b, td_ns clock, td_alert_fire *out, size_t max)
{
	struct fires f = { out, out ? max : 0, 0 };
	run_slots(b, &b->timed, ~0ull, clock, &f);
	return f.n;
}

/* ---- attachments -------------------------------------------------------------- */

/* Room for one more slot in s. */
static int reserve(td_alert_book *b, struct slots *s)
{
	if (s->n < s->cap)
		return 0;
	uint32_t cap = s->cap ? 2 * s->cap : 8;
	struct slot *v = realloc(s->v, cap * sizeof(*v));
	if (!v)
		return -1;
	b->bytes += (cap - s->cap) * sizeof(*v);
	s->v = v;
	s->cap = cap;
	return 0;
}

/* Append a slot (room was reserved). */
static void push(struct slots *s, uint64_t mask, struct att *a)
{
	s->v[s->n++] = (struct slot){ mask, a };
}

/* Remove a's slot from s; order is not kept. */
static void drop(struct slots *s, const struct att *a)
{
	for (uint32_t i = 0; i < s->n; i++)
		if (s->v[i].a == a) {
			s->v[i] = s->v[--s->n];
			return;
		}
}

/* The instrument of a's slot r. */
static uint32_t slot_inst(const struct att *a, int r)
{
	return r == 0 ? a->inst : a->e->ref_inst[r];
}

/* Feed a new indicator the instrument's remembered bars, oldest first. */
static void warm(const td_alert_book *b, const struct inst *in, td_alert_ind *d)
{
	uint32_t first = (in->hist_pos + b->history - in->hist_n) % (b->history ? b->history : 1);
	for (uint32_t k = 0; k < in->hist_n; k++)
		td_alert_ind_update(d, in->hist + (size_t)((first + k) % b->history) * TD_AS_COUNT);
}

/* A reference to the state of spec on instrument inst, created (and warmed) when new. */
static td_alert_ind *ind_get(td_alert_book *b, uint32_t inst, const td_alert_ind_spec *spec)
{
	struct inst *in = &b->inst[inst];
	for (uint32_t i = 0; i < in->nind; i++) {
		td_alert_ind *d = in->ind[i];
		if (d->spec.kind == spec->kind && d->spec.series == spec->series && d->spec.n == spec->n) {
			d->users++;
			return d;
		}
	}
	if (in->nind == in->capind) {
		uint32_t cap = in->capind ? 2 * in->capind : 4;
		td_alert_ind **v = realloc(in->ind, cap * sizeof(*v));
		if (!v)
			return NULL;
		b->bytes += (cap - in->capind) * sizeof(*v);
		in->ind = v;
		in->capind = cap;
	}
	td_alert_ind *d = td_alert_ind_new(spec);
	if (!d)
		return NULL;
	warm(b, in, d);
	d->users = 1;
	in->ind[in->nind++] = d;
	b->indicators++;
	b->bytes += td_alert_ind_bytes(spec);
	return d;
}

/* Drop one reference to d on instrument inst, freeing it with the last. */
static void ind_put(td_alert_book *b, uint32_t inst, td_alert_ind *d)
{
	if (--d->users > 0)
		return;
	struct inst *in = &b->inst[inst];
	for (uint32_t i = 0; i < in->nind; i++)
		if (in->ind[i] == d) {
			in->ind[i] = in->ind[--in->nind];
			break;
		}
	b->indicators--;
	b->bytes -= td_alert_ind_bytes(&d->spec);
	td_alert_ind_free(d);
}

/* Forget a's evaluation state: unknown, crosses and windows restart. */
static void reset_state(struct att *a)
{
	a->result = NAN;
	for (int i = 0; i < 2 * a->e->ncross; i++)
		a->cross[i] = NAN;
	for (int i = 0; i < a->e->nwin; i++)
		a->win[i] = (struct win){ .since = NO_TIME, .last_true = NO_TIME };
}

/* What a reads of its own instrument (a slot may name it with `@`). */
static uint64_t own_mask(const struct att *a)
{
	uint64_t m = a->e->ref_mask[0];
	for (int r = 1; r < a->e->nrefs; r++)
		if (slot_inst(a, r) == a->inst)
			m |= a->e->ref_mask[r];
	return m;
}

/* Have a evaluated at the next evaluate of the instruments it reads. */
static void mark_dirty(td_alert_book *b, const struct att *a)
{
	b->inst[a->inst].changed |= own_mask(a);
	for (int r = 1; r < a->e->nrefs; r++)
		b->inst[slot_inst(a, r)].changed |= a->e->ref_mask[r];
}

/* The attachment of rule on inst, or NULL. */
static struct att *find(const td_alert_book *b, uint32_t rule, uint32_t inst)
{
	if (inst >= b->ninst)
		return NULL;
	const struct slots *s = &b->inst[inst].own;
	for (uint32_t i = 0; i < s->n; i++)
		if (s->v[i].a->rule == rule)
			return s->v[i].a;
	return NULL;
}

/* One block for the attachment and its state arrays (all 8-byte aligned). */
static struct att *new_att(const td_alert_expr *e)
{
	size_t bytes = sizeof(struct att) + 2 * e->ncross * sizeof(double) + e->nwin * sizeof(struct win) +
		       e->nterms * sizeof(double);
	struct att *a = calloc(1, bytes);
	if (!a)
		return NULL;
	char *p = (char *)(a + 1);
	a->cross = (double *)p;
	p += 2 * e->ncross * sizeof(double);
	a->win = (struct win *)p;
	p += e->nwin * sizeof(struct win);
	a->snap = (double *)p;
	a->bytes = bytes;
	a->e = e;
	return a;
}

/* Reserve every slot a needs, take its indicators; 0 or -1 (nothing held). */
static int acquire(td_alert_book *b, struct att *a)
{
	const td_alert_expr *e = a->e;
	if (reserve(b, &b->inst[a->inst].own) < 0 || (e->timed && reserve(b, &b->timed) < 0))
		return -1;
	for (int r = 1; r < e->nrefs; r++)
		if (slot_inst(a, r) != a->inst && reserve(b, &b->inst[slot_inst(a, r)].watch) < 0)
			return -1;
	for (int i = 0; i < e->nind; i++) {
		a->ind[i] = ind_get(b, slot_inst(a, e->ind[i].ref), &e->ind[i]);
		if (!a->ind[i]) {
			while (i-- > 0)
				ind_put(b, slot_inst(a, e->ind[i].ref), a->ind[i]);
			return -1;
		}
	}
	return 0;
}

int td_alert_book_attach(td_alert_book *b, uint32_t rule, const td_alert_expr *e, uint32_t inst, char *err,
			 size_t errlen)
{
	if (inst >= b->ninst)
		return td_errf(err, errlen, "instrument %u out of range (the book has %u)", inst, b->ninst);
	for (int r = 1; r < e->nrefs; r++)
		if (e->ref_inst[r] >= b->ninst)
			return td_errf(err, errlen, "rule names instrument %u, out of range (the book has %u)",
				       e->ref_inst[r], b->ninst);
	if (find(b, rule, inst))
		return td_errf(err, errlen, "rule %u is already attached to instrument %u", rule, inst);
	struct att *a = new_att(e);
	if (!a)
		return td_errf(err, errlen, "out of memory");
	a->rule = rule;
	a->inst = inst;
	a->enabled = true;
	if (acquire(b, a) < 0) {
		free(a);
		return td_errf(err, errlen, "out of memory");
	}
	for (int r = 0; r < e->nrefs; r++)
		a->src[r] = b->inst[slot_inst(a, r)].val;
	reset_state(a);
	push(&b->inst[inst].own, own_mask(a), a);
	for (int r = 1; r < e->nrefs; r++)
		if (slot_inst(a, r) != inst)
			push(&b->inst[slot_inst(a, r)].watch, e->ref_mask[r], a);
	mark_dirty(b, a);
	if (e->timed)
		push(&b->timed, ~0ull, a);
	b->attachments++;
	b->bytes += a->bytes;
	return 0;
}

static void free_att(td_alert_book *b, struct att *a)
{
	const td_alert_expr *e = a->e;
	drop(&b->inst[a->inst].own, a);
	for (int r = 1; r < e->nrefs; r++)
		if (slot_inst(a, r) != a->inst)
			drop(&b->inst[slot_inst(a, r)].watch, a);
	if (e->timed)
		drop(&b->timed, a);
	for (int i = 0; i < e->nind; i++)
		ind_put(b, slot_inst(a, e->ind[i].ref), a->ind[i]);
	b->attachments--;
	b->bytes -= a->bytes;
	free(a);
}

int td_alert_book_detach(td_alert_book *b, uint32_t rule, uint32_t inst)
{
	struct att *a = find(b, rule, inst);
	if (!a)
		return -1;
	free_att(b, a);
	return 0;
}

size_t td_alert_book_detach_rule(td_alert_book *b, uint32_t rule)
{
	size_t n = 0;
	for (uint32_t i = 0; i < b->ninst; i++)
		n += td_alert_book_detach(b, rule, i) == 0;
	return n;
}

size_t td_alert_book_enable(td_alert_book *b, uint32_t rule, bool on)
{
	size_t n = 0;
	for (uint32_t i = 0; i < b->ninst; i++) {
		struct att *a = find(b, rule, i);
		if (!a)
			continue;
		if (on && !a->enabled) {
			reset_state(a);
			mark_dirty(b, a);
		}
		a->enabled = on;
		n++;
	}
	return n;
}

int td_alert_book_info(const td_alert_book *b, uint32_t rule, uint32_t inst, td_alert_att_info *out)
{
	const struct att *a = find(b, rule, inst);
	if (!a)
		return -1;
	*out = (td_alert_att_info){
		.result = isnan(a->result) ? TD_ALERT_UNKNOWN : a->result == 1 ? TD_ALERT_TRUE : TD_ALERT_FALSE,
		.enabled = a->enabled,
		.evaluations = a->evals,
		.fires = a->fires,
		.last_fire = a->fires ? a->last_fire : 0,
	};
	return 0;
}

/* ---- explaining ---------------------------------------------------------------------- */

static const char *const opening_name[] = { NULL, "OD", "OTD", "ORR", "OA" };

/* v as the explanation shows it. */
static void format_value(char *buf, size_t n, double v, uint8_t kind)
{
	if (isnan(v)) {
		snprintf(buf, n, "unknown");
	} else if (kind == TD_ALERT_FLAG) {
		snprintf(buf, n, "%s", v != 0 ? "true" : "false");
	} else if (kind == TD_ALERT_OPENING && v >= TD_ALERT_OD && v <= TD_ALERT_OA && v == floor(v)) {
		snprintf(buf, n, "%s", opening_name[(int)v]);
	} else if (kind == TD_ALERT_TOD && v >= 0 && v < 86400) {
		long s = (long)v;
		snprintf(buf, n, "%02ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
	} else if (fabs(v) >= 1e15 || (v != 0 && fabs(v) < 0.01)) {
		snprintf(buf, n, "%.4g", v);
	} else {
		int w = snprintf(buf, n, "%.4f", v);
		while (w > 0 && (size_t)w < n && buf[w - 1] == '0')
			buf[--w] = '\0';
		if (w > 0 && (size_t)w < n && buf[w - 1] == '.')
			buf[--w] = '\0';
	}
}

int td_alert_book_explain(const td_alert_book *b, uint32_t rule, uint32_t inst, char *buf, size_t len)
{
	const struct att *a = find(b, rule, inst);
	if (!a)
		return -1;
	const td_alert_expr *e = a->e;
	size_t need = 0;
	for (int i = 0; i < e->nterms; i++) {
		const td_alert_term *t = &e->term[i];
		char val[48];
		format_value(val, sizeof(val), a->snapped ? a->snap[i] : term_value(a, t), t->kind);
		int w = snprintf(len > need ? buf + need : NULL, len > need ? len - need : 0, "%s%s=%s", i ? " " : "",
				 e->terms_text + t->text, val);
		if (w > 0)
			need += (size_t)w;
	}
	if (len > 0 && need == 0)
		buf[0] = '\0';
	return (int)need;
}

void td_alert_book_stats(const td_alert_book *b, td_alert_stats *out)
{
	*out = (td_alert_stats){
		.evaluations = b->evaluations,
		.fires = b->fires,
		.lost = b->lost,
		.bars = b->bars,
		.attachments = b->attachments,
		.indicators = b->indicators,
		.bytes = b->bytes,
	};
}
