/*
 * Portfolio Greeks and exposure: see portfolio.h.
 *
 * An update sorts the positions into groups by underlying (through a key
 * per position, sorted once), then values each group: a group with open
 * option positions asks for its chain once and finds each contract's row
 * by binary search, since the chain's rows are sorted by expiry, strike
 * and right.  Nothing is allocated after creation.
 */
#include "engine/portfolio.h"

#include <math.h>
#include <stdlib.h>

/* Where a position sorts: its group, the underlying's own line first, then the chain's order. */
typedef struct pf_key {
	uint32_t und;
	int option;              /* 0 for the underlying itself, 1 for an option */
	int64_t expiry;
	int64_t strike_milli;
	int right;               /* td_right: calls (+1) sort first */
	uint32_t id;
} pf_key;

struct td_portfolio {
	size_t cap;
	pf_key *keys;            /* cap */
	td_pf_line *lines;       /* cap */
	size_t nlines;
	td_pf_total *groups;     /* cap */
	size_t ngroups;
	td_pf_total account;
};

td_portfolio *td_portfolio_new(size_t capacity)
{
	td_portfolio *pf = calloc(1, sizeof(*pf));
	size_t n = capacity ? capacity : 1;
	if (!pf)
		return NULL;
	pf->cap = capacity;
	pf->keys = calloc(n, sizeof(*pf->keys));
	pf->lines = calloc(n, sizeof(*pf->lines));
	pf->groups = calloc(n, sizeof(*pf->groups));
	if (!pf->keys || !pf->lines || !pf->groups) {
		td_portfolio_free(pf);
		return NULL;
	}
	pf->account.und = TD_NO_ID;
	return pf;
}

void td_portfolio_free(td_portfolio *pf)
{
	if (!pf)
		return;
	free(pf->keys);
	free(pf->lines);
	free(pf->groups);
	free(pf);
}

double td_portfolio_mark(const td_market *m, uint32_t id)
{
	const td_quote_state *q = td_market_get(m, id);
	const td_instrument *ins = td_registry_get(td_market_registry(m), id);
	if (!q || !ins)
		return NAN;
	if (q->last != TD_PX_NONE)
		return td_px_to_double(ins->px, q->last);
	if (q->bid != TD_PX_NONE && q->ask != TD_PX_NONE)
		return 0.5 * (td_px_to_double(ins->px, q->bid) + td_px_to_double(ins->px, q->ask));
	return NAN;
}

static int cmp_i64(int64_t a, int64_t b)
{
	return a < b ? -1 : a > b;
}

static int key_cmp(const void *a, const void *b)
{
	const pf_key *x = a, *y = b;
	int c = cmp_i64(x->und, y->und);
	c = c ? c : cmp_i64(x->option, y->option);
	c = c ? c : cmp_i64(x->expiry, y->expiry);
	c = c ? c : cmp_i64(x->strike_milli, y->strike_milli);
	c = c ? c : cmp_i64(y->right, x->right);
	return c ? c : cmp_i64(x->id, y->id);
}

static bool is_option(const td_instrument *ins)
{
	return ins->kind == TD_INS_OPTION && ins->underlying != TD_NO_ID;
}

static pf_key key_of(const td_instrument *ins)
{
	if (!is_option(ins))
		return (pf_key){ .und = ins->id, .id = ins->id };
	return (pf_key){ .und = ins->underlying, .option = 1, .expiry = ins->expiry_days,
			 .strike_milli = ins->occ.strike_milli, .right = ins->occ.right == 'P' ? TD_PUT : TD_CALL,
			 .id = ins->id };
}

/* The positions to list (held or traded), sorted into groups; returns how many. */
static size_t collect(td_portfolio *pf, const td_book *b, const td_registry *reg)
{
	size_t n = 0, count = td_registry_count(reg);
	for (uint32_t id = 0; id < count && id < pf->cap; id++) {
		const td_position *p = td_book_position(b, id);
		const td_instrument *ins = td_registry_get(reg, id);
		if (p && ins && (p->qty != 0 || p->realised != 0))
			pf->keys[n++] = key_of(ins);
	}
	qsort(pf->keys, n, sizeof(*pf->keys), key_cmp);
	return n;
}

/* A line's position, mark and P&L; Greeks unknown until valued. */
static td_pf_line line_of(const pf_key *k, const td_position *p, const td_instrument *ins, const td_book *b,
			  const td_market *m)
{
	td_pf_line l = { .id = k->id, .und = k->und, .option = k->option, .qty = p->qty, .avg_px = p->avg_px,
			 .multiplier = (double)ins->multiplier, .realised = p->realised, .und_px = NAN };
	l.mark = td_portfolio_mark(m, k->id);
	l.unrealised = td_book_unrealised(b, k->id, l.mark);
	l.day = p->day_realised + (isfinite(l.unrealised) ? l.unrealised : 0);
	l.exposure = fabs(l.qty) * l.mark * l.multiplier;
	return l;
}

static void set_greeks(td_pf_line *l, double delta, double gamma, double theta, double vega)
{
	l->greeks = true;
	l->delta = delta;
	l->gamma = gamma;
	l->theta = theta;
	l->vega = vega;
	l->delta_money = delta * l->und_px;
	l->gamma_money = gamma * l->und_px * l->und_px * 0.01;
}

/* The row of contract k in a chain, by binary search on (expiry, strike, right); NULL when absent. */
static const td_optrow *find_row(const td_chainview *cv, const pf_key *k)
{
	double strike = (double)k->strike_milli / 1000.0;
	size_t lo = 0, hi = cv->nrows;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const td_optrow *r = &cv->rows[mid];
		bool before = r->expiry != k->expiry ? r->expiry < k->expiry
			      : r->strike != strike ? r->strike < strike
			      : (int)r->right > k->right;
		if (before)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* several roots may list the same expiry, strike and right (SPX and SPXW): the id decides */
	for (; lo < cv->nrows && cv->rows[lo].expiry == k->expiry && cv->rows[lo].strike == strike &&
	       (int)cv->rows[lo].right == k->right;
	     lo++)
		if (cv->rows[lo].id == k->id)
			return &cv->rows[lo];
	return NULL;
}

/* Greeks of a line: the position's own for an underlying, its chain row's times qty x multiplier for an option. */
static void value(td_pf_line *l, const pf_key *k, const td_chainview *cv)
{
	if (l->qty == 0) {
		l->greeks = true;
		l->delta = l->gamma = l->theta = l->vega = l->delta_money = l->gamma_money = l->exposure = 0;
		return;
	}
	if (!l->option) {
		l->und_px = l->mark;
		set_greeks(l, l->qty * l->multiplier, 0, 0, 0);
		return;
	}
	const td_optrow *r = cv ? find_row(cv, k) : NULL;
	if (!r || !isfinite(r->g.delta) || !isfinite(cv->spot)) {
		l->delta = l->gamma = l->theta = l->vega = l->delta_money = l->gamma_money = NAN;
		return;
	}
	double n = l->qty * l->multiplier;
	l->und_px = cv->spot;
	set_greeks(l, n * r->g.delta, n * r->g.gamma, n * r->g.theta, n * r->g.vega);
}

static bool has_open_option(const td_portfolio *pf, size_t first, size_t end)
{
	for (size_t i = first; i < end; i++)
		if (pf->keys[i].option && pf->lines[i].qty != 0)
			return true;
	return false;
}

static void add(double *sum, double x)
{
	if (isfinite(x))
		*sum += x;
}

/* Add a line to a total. */
static void total_line(td_pf_total *t, const td_pf_line *l)
{
	t->options += l->option;
	t->realised += l->realised;
	add(&t->unrealised, l->unrealised);
	t->day += l->day;
	if (l->qty == 0)
		return;
	t->open++;
	t->no_price += !isfinite(l->mark);
	add(&t->exposure, l->exposure);
	if (!l->greeks) {
		t->no_greeks++;
		return;
	}
	t->delta += l->delta;
	t->gamma += l->gamma;
	t->theta += l->theta;
	t->vega += l->vega;
	add(&t->delta_money, l->delta_money);
	add(&t->gamma_money, l->gamma_money);
}

/* Add a group's totals to the account's. */
static void total_group(td_pf_total *a, const td_pf_total *g)
{
	a->options += g->options;
	a->open += g->open;
	a->no_greeks += g->no_greeks;
	a->no_price += g->no_price;
	a->unrealised += g->unrealised;
	a->realised += g->realised;
	a->day += g->day;
	a->theta += g->theta;
	a->vega += g->vega;
	a->delta_money += g->delta_money;
	a->gamma_money += g->gamma_money;
	a->exposure += g->exposure;
}

/* Value the group of lines [first, end) on one underlying and total it. */
static void value_group(td_portfolio *pf, size_t first, size_t end, td_optchain *oc)
{
	td_pf_total *g = &pf->groups[pf->ngroups++];
	*g = (td_pf_total){ .und = pf->keys[first].und, .first = first, .n = end - first };
	const td_chainview *cv = oc && has_open_option(pf, first, end) ? td_optchain_get(oc, g->und, false) : NULL;
	for (size_t i = first; i < end; i++) {
		value(&pf->lines[i], &pf->keys[i], cv);
		total_line(g, &pf->lines[i]);
	}
}

void td_portfolio_update(td_portfolio *pf, const td_book *b, const td_market *m, td_optchain *oc)
{
	const td_registry *reg = td_market_registry(m);
	pf->nlines = collect(pf, b, reg);
	pf->ngroups = 0;
	for (size_t i = 0; i < pf->nlines; i++)
		pf->lines[i] = line_of(&pf->keys[i], td_book_position(b, pf->keys[i].id),
				       td_registry_get(reg, pf->keys[i].id), b, m);
	td_pf_total *a = &pf->account;
	*a = (td_pf_total){ .und = TD_NO_ID, .n = pf->nlines };
	size_t holding = 0;   /* groups with an open position */
	for (size_t first = 0, end; first < pf->nlines; first = end) {
		for (end = first + 1; end < pf->nlines && pf->keys[end].und == pf->keys[first].und; end++)
			;
		value_group(pf, first, end, oc);
		const td_pf_total *g = &pf->groups[pf->ngroups - 1];
		total_group(a, g);
		if (g->open) {
			holding++;
			a->delta = g->delta;
			a->gamma = g->gamma;
		}
	}
	if (holding > 1)
		a->delta = a->gamma = NAN;
}

const td_pf_line *td_portfolio_lines(const td_portfolio *pf, size_t *n)
{
	*n = pf->nlines;
	return pf->lines;
}

const td_pf_total *td_portfolio_groups(const td_portfolio *pf, size_t *n)
{
	*n = pf->ngroups;
	return pf->groups;
}

const td_pf_total *td_portfolio_account(const td_portfolio *pf)
{
	return &pf->account;
}
