/*
 * The alert rule parser: tokens to a tree of nodes, by recursive descent
 * with one function per precedence level (doc/alerts.md has the grammar).
 *
 * Everything is checked here, before any program exists: every name is
 * resolved (facts, functions, constants, `@SYMBOL` through the caller's
 * lookup), every function gets the arguments its signature asks for, and
 * every operator gets operands of the right type (numbers for arithmetic
 * and comparisons, conditions for and/or/not/for/within; a condition is
 * also a number, 1 or 0, where a number is wanted).
 */
#include <stdio.h>
#include <string.h>

#include "alert/expr_cc.h"

/* The token at hand. */
static const struct tok *cur(const struct td_alert_cc *c)
{
	return &c->tok[c->pos];
}

/* The token ahead of the current one (the end token past the end). */
static const struct tok *peek(const struct td_alert_cc *c, int ahead)
{
	int p = c->pos + ahead;
	return &c->tok[p < c->ntok ? p : c->ntok - 1];
}

#define SHOW_MAX 40  /* longest token or span quoted in a message */

/* A token for a message: 'text', or "the end of the rule". */
static const char *show_tok(const struct td_alert_cc *c, const struct tok *t, char *buf, size_t n)
{
	if (t->kind == TK_END)
		return "the end of the rule";
	if (t->len > SHOW_MAX)
		snprintf(buf, n, "'%.*s...'", SHOW_MAX - 3, td_alert_at(c, t->col));
	else
		snprintf(buf, n, "'%.*s'", t->len, td_alert_at(c, t->col));
	return buf;
}

/* A node's text for a message, cut when long. */
static const char *show_span(const struct td_alert_cc *c, const struct node *nd, char *buf, size_t n)
{
	int len = nd->end - nd->col;
	if (len > SHOW_MAX)
		snprintf(buf, n, "%.*s...", SHOW_MAX - 3, td_alert_at(c, nd->col));
	else
		snprintf(buf, n, "%.*s", len, td_alert_at(c, nd->col));
	return buf;
}

/* A node spanning [col, end); its index, or -1 past TD_ALERT_MAX_NODES. */
static int new_node(struct td_alert_cc *c, uint8_t kind, uint8_t type, int col, int end)
{
	if (c->nnode >= TD_ALERT_MAX_NODES) {
		const struct tok *t = cur(c);
		return td_alert_fail(c, t->col, t->len, "rule too long: more than %d numbers, names and operators",
				     TD_ALERT_MAX_NODES);
	}
	struct node *nd = &c->node[c->nnode];
	*nd = (struct node){ .kind = kind, .type = type, .l = -1, .r = -1, .col = col, .end = end };
	return c->nnode++;
}

/* A node over children l and r (r may be -1). */
static int join(struct td_alert_cc *c, uint8_t kind, uint8_t op, uint8_t type, int l, int r)
{
	int end = c->node[r >= 0 ? r : l].end;
	int n = new_node(c, kind, type, c->node[l].col, end);
	if (n < 0)
		return -1;
	struct node *nd = &c->node[n];
	nd->op = op;
	nd->l = (int16_t)l;
	nd->r = (int16_t)r;
	nd->stateful = kind == N_CROSS || kind == N_WIN || c->node[l].stateful || (r >= 0 && c->node[r].stateful);
	return n;
}

/* Node n must be a condition, for what (e.g. "'and'"). */
static int need_bool(struct td_alert_cc *c, int n, const char *what)
{
	if (n < 0)
		return -1;
	const struct node *nd = &c->node[n];
	if (nd->type == TY_BOOL)
		return n;
	char buf[SHOW_MAX + 4];
	return td_alert_fail(c, nd->col, nd->end - nd->col, "%s needs a condition, but '%s' is a number (compare it)",
			     what, show_span(c, nd, buf, sizeof(buf)));
}

/* One level deeper (the caller undoes it with c->depth--); -1 past TD_ALERT_MAX_DEPTH. */
static int enter(struct td_alert_cc *c)
{
	if (++c->depth <= TD_ALERT_MAX_DEPTH)
		return 0;
	const struct tok *t = cur(c);
	return td_alert_fail(c, t->col, t->len, "nesting deeper than %d levels", TD_ALERT_MAX_DEPTH);
}

/* "unexpected X" with what was expected, and a suggestion for a misspelt name. */
static int unexpected(struct td_alert_cc *c, const char *expected)
{
	const struct tok *t = cur(c);
	char buf[SHOW_MAX + 8];
	const char *hint = t->kind == TK_NAME ? td_alert_suggest(td_alert_at(c, t->col), (size_t)t->len) : NULL;
	if (hint)
		return td_alert_fail(c, t->col, t->len, "expected %s, found %s: did you mean '%s'?", expected,
				     show_tok(c, t, buf, sizeof(buf)), hint);
	return td_alert_fail(c, t->col, t->len, "expected %s, found %s", expected, show_tok(c, t, buf, sizeof(buf)));
}

/* ---- names -------------------------------------------------------------------------- */

static int parse_or(struct td_alert_cc *c);

/* Slot of the instrument named by symbol token t (resolved through the lookup). */
static int resolve_symbol(struct td_alert_cc *c, const struct tok *t)
{
	const char *s = td_alert_at(c, t->col) + 1;
	int len = t->len - 1;
	if (*s == '"') {
		s++;
		len -= 2;
	}
	if (!c->lookup)
		return td_alert_fail(c, t->col, t->len, "no other instruments can be named here ('@%.*s')", len, s);
	if (len >= SYM_MAX)
		return td_alert_fail(c, t->col, t->len, "symbol longer than %d characters", SYM_MAX - 1);
	char sym[SYM_MAX];
	memcpy(sym, s, (size_t)len);
	sym[len] = '\0';
	uint32_t inst;
	if (c->lookup(c->ctx, sym, &inst) != 0)
		return td_alert_fail(c, t->col, t->len, "unknown symbol '%s'", sym);
	td_alert_expr *e = c->e;
	for (int r = 1; r < e->nrefs; r++)
		if (e->ref_inst[r] == inst)
			return r;
	if (e->nrefs >= TD_ALERT_MAX_REFS)
		return td_alert_fail(c, t->col, t->len, "a rule can name at most %d other instruments",
				     TD_ALERT_MAX_REFS - 1);
	e->ref_inst[e->nrefs] = inst;
	memcpy(c->ref_sym[e->nrefs], sym, (size_t)len + 1);
	return e->nrefs++;
}

/* An optional `@SYMBOL` after node n (a value or an indicator). */
static int parse_at(struct td_alert_cc *c, int n)
{
	if (n < 0 || cur(c)->kind != TK_SYM)
		return n;
	int ref = resolve_symbol(c, cur(c));
	if (ref < 0)
		return -1;
	struct node *nd = &c->node[n];
	nd->ref = (uint8_t)ref;
	nd->ind.ref = (uint8_t)ref;
	nd->end = cur(c)->col + cur(c)->len;
	c->pos++;
	return n;
}

/* A node reading value index of the attached instrument (parse_at may change the instrument). */
static int value_node(struct td_alert_cc *c, const struct tok *t, unsigned index, uint8_t vkind)
{
	int n = new_node(c, N_VAL, vkind == TD_ALERT_FLAG ? TY_BOOL : TY_NUM, t->col, t->col + t->len);
	if (n < 0)
		return -1;
	c->node[n].index = (uint16_t)index;
	c->node[n].vkind = vkind;
	return n;
}

/* The series a name stands for as an indicator argument (TD_AS_*), or -1. */
static int series_index(const char *w, size_t len)
{
	for (int f = 0; f < TD_ABF_COUNT; f++)
		if (td_alert_word_is(w, len, td_alert_bar_field_name[f]))
			return TD_AS_BAR + f;
	for (int f = 0; f < TD_AF_COUNT; f++)
		if (td_alert_word_is(w, len, td_alert_fact_table[f].name))
			return f;
	return -1;
}

/* The function named w, or -1. */
static int func_find(const char *w, size_t len)
{
	for (int f = 0; f < TD_AFN_COUNT; f++)
		if (td_alert_word_is(w, len, td_alert_func_table[f].name))
			return f;
	return -1;
}

/* Is w a function or a constant (names that are not series)? */
static bool known_name(const char *w, size_t len)
{
	if (func_find(w, len) >= 0)
		return true;
	for (size_t i = 0; i < td_alert_const_count; i++)
		if (td_alert_word_is(w, len, td_alert_const_table[i].name))
			return true;
	return false;
}

/* An unknown name at token t. */
static int unknown_name(struct td_alert_cc *c, const struct tok *t)
{
	const char *hint = td_alert_suggest(td_alert_at(c, t->col), (size_t)t->len);
	char buf[SHOW_MAX + 8];
	if (hint)
		return td_alert_fail(c, t->col, t->len, "unknown name %s: did you mean '%s'?",
				     show_tok(c, t, buf, sizeof(buf)), hint);
	return td_alert_fail(c, t->col, t->len, "unknown name %s", show_tok(c, t, buf, sizeof(buf)));
}

/* ---- function calls ----------------------------------------------------------------- */

struct call {
	int fn;
	const struct tok *name;
	int lp;               /* token index of '(' */
	int nargs;
	int arg[3];           /* token index where each of the first 3 arguments starts */
	int rp;               /* token index of ')' */
};

/* Find the arguments of the call whose '(' is at token lp. */
static int scan_args(struct td_alert_cc *c, struct call *k)
{
	int depth = 0;
	k->nargs = 0;
	if (c->tok[k->lp + 1].kind == TK_RP) {
		k->rp = k->lp + 1;
		return 0;
	}
	k->arg[k->nargs++] = k->lp + 1;
	for (int p = k->lp + 1;; p++) {
		const struct tok *t = &c->tok[p];
		if (t->kind == TK_END)
			return td_alert_fail(c, c->tok[k->lp].col, 1, "this '(' is never closed");
		if (t->kind == TK_LP) {
			depth++;
		} else if (t->kind == TK_RP && depth-- == 0) {
			k->rp = p;
			return 0;
		} else if (t->kind == TK_COMMA && depth == 0) {
			if (k->nargs < 3)
				k->arg[k->nargs] = p + 1;
			k->nargs++;
		}
	}
}

/* The argument count is wrong for k's function. */
static int bad_arity(struct td_alert_cc *c, const struct call *k)
{
	const td_alert_func_info *f = &td_alert_func_table[k->fn];
	int max = f->sig[1] ? 2 : 1, min = f->sig[0] ? 1 : 2;
	const struct tok *t = k->nargs > max ? &c->tok[k->arg[max]] : &c->tok[k->rp];
	char want[32];
	if (min == max)
		snprintf(want, sizeof(want), "%d argument%s", min, min == 1 ? "" : "s");
	else
		snprintf(want, sizeof(want), "%d or %d arguments", min, max);
	return td_alert_fail(c, t->col, t->len, "'%s' takes %s: %s", f->name, want, f->usage);
}

/* After an argument: ',' or ')'; what names a plain argument (NULL after an expression). */
static int end_of_arg(struct td_alert_cc *c, const char *what)
{
	const struct tok *t = cur(c);
	if (t->kind == TK_COMMA || t->kind == TK_RP) {
		c->pos++;
		return 0;
	}
	if (!what)
		return unexpected(c, "',' or ')'");
	char buf[SHOW_MAX + 8];
	return td_alert_fail(c, t->col, t->len, "a %s is a single word or number; found %s after it", what,
			     show_tok(c, t, buf, sizeof(buf)));
}

/* A period argument: a whole number of bars. */
static int arg_period(struct td_alert_cc *c, const struct call *k, uint32_t *n)
{
	const struct tok *t = cur(c);
	const char *fname = td_alert_func_table[k->fn].name;
	char buf[SHOW_MAX + 8];
	bool neg = t->kind == TK_MINUS && peek(c, 1)->kind == TK_NUM;
	const struct tok *num = neg ? peek(c, 1) : t;
	if (num->kind != TK_NUM)
		return td_alert_fail(c, t->col, t->len, "'%s' wants a period in bars here (e.g. %s(14)), not %s", fname,
				     fname, show_tok(c, t, buf, sizeof(buf)));
	if (neg || !num->integer || num->num < 1 || num->num > TD_ALERT_MAX_PERIOD)
		return td_alert_fail(c, t->col, num->col + num->len - t->col,
				     "period must be a whole number of bars from 1 to %d, not '%.*s'",
				     TD_ALERT_MAX_PERIOD, num->col + num->len - t->col, td_alert_at(c, t->col));
	*n = (uint32_t)num->num;
	c->pos++;
	return end_of_arg(c, "period");
}

/* A series argument: a bar field or a fact. */
static int arg_series(struct td_alert_cc *c, const struct call *k, uint16_t *series)
{
	const struct tok *t = cur(c);
	const char *fname = td_alert_func_table[k->fn].name;
	char buf[SHOW_MAX + 8];
	int s = t->kind == TK_NAME ? series_index(td_alert_at(c, t->col), (size_t)t->len) : -1;
	if (s < 0 && t->kind == TK_NAME && !known_name(td_alert_at(c, t->col), (size_t)t->len))
		return unknown_name(c, t);
	if (s < 0)
		return td_alert_fail(c, t->col, t->len,
				     "'%s' wants a series here (a bar field or a fact, e.g. volume), not %s", fname,
				     show_tok(c, t, buf, sizeof(buf)));
	*series = (uint16_t)s;
	c->pos++;
	return end_of_arg(c, "series");
}

/* A side argument: buy or sell; *buy gets which. */
static int arg_side(struct td_alert_cc *c, const struct call *k, bool *buy)
{
	const struct tok *t = cur(c);
	char buf[SHOW_MAX + 8];
	bool is_buy = t->kind == TK_NAME && td_alert_word_is(td_alert_at(c, t->col), (size_t)t->len, "buy");
	bool is_sell = t->kind == TK_NAME && td_alert_word_is(td_alert_at(c, t->col), (size_t)t->len, "sell");
	if (!is_buy && !is_sell)
		return td_alert_fail(c, t->col, t->len, "'%s' wants 'buy' or 'sell', not %s",
				     td_alert_func_table[k->fn].name, show_tok(c, t, buf, sizeof(buf)));
	*buy = is_buy;
	c->pos++;
	return end_of_arg(c, "side");
}

/* An expression argument, as a number. */
static int arg_expr(struct td_alert_cc *c)
{
	int n = parse_or(c);
	if (n < 0 || end_of_arg(c, NULL) < 0)
		return -1;
	return n;
}

/* Node for an indicator call. */
static int ind_node(struct td_alert_cc *c, const struct call *k, uint8_t kind, uint16_t series, uint32_t n)
{
	const struct tok *rp = &c->tok[k->rp];
	uint8_t type = kind == TD_AI_RISING || kind == TD_AI_FALLING ? TY_BOOL : TY_NUM;
	int nd = new_node(c, N_IND, type, k->name->col, rp->col + 1);
	if (nd < 0)
		return -1;
	c->node[nd].func = (uint8_t)k->fn;
	c->node[nd].ind = (td_alert_ind_spec){ .kind = kind, .series = series, .n = n };
	return nd;
}

/* Parse the arguments of k by the signature sig and build its node. */
static int build_call(struct td_alert_cc *c, const struct call *k, const char *sig)
{
	uint32_t n = 0;
	uint16_t series = TD_AS_BAR + TD_ABF_CLOSE;
	int e[2] = { -1, -1 };
	bool buy = false;
	c->pos = k->lp + 1;
	for (int i = 0; sig[i]; i++) {
		int rc = sig[i] == 'n' ? arg_period(c, k, &n)
			: sig[i] == 'x' ? arg_series(c, k, &series)
			: sig[i] == 's' ? arg_side(c, k, &buy)
			: (e[i] = arg_expr(c));
		if (rc < 0)
			return -1;
	}
	switch (k->fn) {
	case TD_AFN_RSI: return ind_node(c, k, TD_AI_RSI, series, n);
	case TD_AFN_EMA: return ind_node(c, k, TD_AI_EMA, series, n);
	case TD_AFN_SMA: return ind_node(c, k, TD_AI_SMA, series, n);
	case TD_AFN_ATR: return ind_node(c, k, TD_AI_ATR, TD_AS_BAR + TD_ABF_HIGH, n);
	case TD_AFN_HIGHEST: return ind_node(c, k, TD_AI_HIGHEST, series, n);
	case TD_AFN_LOWEST: return ind_node(c, k, TD_AI_LOWEST, series, n);
	case TD_AFN_SWING_HIGH: return ind_node(c, k, TD_AI_HIGHEST, TD_AS_BAR + TD_ABF_HIGH, n);
	case TD_AFN_SWING_LOW: return ind_node(c, k, TD_AI_LOWEST, TD_AS_BAR + TD_ABF_LOW, n);
	case TD_AFN_RISING: return ind_node(c, k, TD_AI_RISING, series, n);
	case TD_AFN_FALLING: return ind_node(c, k, TD_AI_FALLING, series, n);
	case TD_AFN_STACKED: return value_node(c, k->name, buy ? TD_AF_STACKED_BUY : TD_AF_STACKED_SELL, TD_ALERT_NUM);
	default: break;
	}
	int nd = join(c, e[1] >= 0 ? N_BINARY : N_UNARY, 0, TY_NUM, e[0], e[1]);
	if (nd < 0)
		return -1;
	c->node[nd].op = k->fn == TD_AFN_ABS ? TD_OP_ABS : k->fn == TD_AFN_MIN ? TD_OP_MIN : TD_OP_MAX;
	c->node[nd].col = k->name->col;
	c->node[nd].end = c->tok[k->rp].col + 1;
	return nd;
}

/* A call of function fn; the name is the current token, '(' the next. */
static int parse_call(struct td_alert_cc *c, int fn)
{
	struct call k = { .fn = fn, .name = cur(c), .lp = c->pos + 1 };
	if (scan_args(c, &k) < 0)
		return -1;
	const td_alert_func_info *f = &td_alert_func_table[fn];
	const char *sig = k.nargs >= 1 && k.nargs <= 2 ? f->sig[k.nargs - 1] : NULL;
	if (!sig)
		return bad_arity(c, &k);
	if (enter(c) < 0)
		return -1;
	int n = build_call(c, &k, sig);
	c->depth--;
	if (n < 0)
		return -1;
	c->pos = k.rp + 1;
	c->node[n].end = c->tok[k.rp].col + 1;
	if (c->node[n].kind == N_VAL || c->node[n].kind == N_IND)
		return parse_at(c, n);
	if (cur(c)->kind == TK_SYM)
		return td_alert_fail(c, cur(c)->col, cur(c)->len,
				     "'@' must follow a fact or an indicator, not '%s(...)'", f->name);
	return n;
}

/* A name: a fact, a function call, close or a constant. */
static int parse_name(struct td_alert_cc *c)
{
	const struct tok *t = cur(c);
	const char *w = td_alert_at(c, t->col);
	size_t len = (size_t)t->len;
	bool call = peek(c, 1)->kind == TK_LP;
	int fn = func_find(w, len);
	if (fn >= 0) {
		if (call)
			return parse_call(c, fn);
		return td_alert_fail(c, t->col, t->len, "'%s' needs its arguments: %s", td_alert_func_table[fn].name,
				     td_alert_func_table[fn].usage);
	}
	int f = -1;
	for (int i = 0; i < TD_AF_COUNT && f < 0; i++)
		if (td_alert_word_is(w, len, td_alert_fact_table[i].name))
			f = i;
	bool is_close = td_alert_word_is(w, len, "close");
	if ((f >= 0 || is_close) && call)
		return td_alert_fail(c, t->col, t->len, "'%.*s' is a value and takes no arguments", t->len, w);
	if (f >= 0 || is_close) {
		int n = value_node(c, t, is_close ? TD_AV_CLOSE : (unsigned)f,
				   is_close ? TD_ALERT_NUM : (uint8_t)td_alert_fact_table[f].kind);
		c->pos++;
		return parse_at(c, n);
	}
	for (size_t i = 0; i < td_alert_const_count; i++) {
		const td_alert_const_info *k = &td_alert_const_table[i];
		if (!td_alert_word_is(w, len, k->name))
			continue;
		if (k->side)
			return td_alert_fail(c, t->col, t->len, "'%s' only goes inside stacked_imbalance(...)",
					     k->name);
		int n = new_node(c, N_NUM, TY_NUM, t->col, t->col + t->len);
		if (n >= 0)
			c->node[n].num = k->value;
		c->pos++;
		return n;
	}
	return unknown_name(c, t);
}

/* ---- expressions ---------------------------------------------------------------- */

static int parse_unary(struct td_alert_cc *c);

/* number | time | name | "(" condition ")" */
static int parse_primary(struct td_alert_cc *c)
{
	const struct tok *t = cur(c);
	char buf[SHOW_MAX + 8];
	switch (t->kind) {
	case TK_NUM:
	case TK_TIME: {
		int n = new_node(c, N_NUM, TY_NUM, t->col, t->col + t->len);
		if (n >= 0)
			c->node[n].num = t->num;
		c->pos++;
		return n;
	}
	case TK_NAME:
		return parse_name(c);
	case TK_LP: {
		int lp = c->pos++;
		int n = parse_or(c);
		if (n < 0)
			return -1;
		if (cur(c)->kind != TK_RP)
			return td_alert_fail(c, cur(c)->col, cur(c)->len,
					     "expected ')' to close the '(' at column %d, found %s", c->tok[lp].col,
					     show_tok(c, cur(c), buf, sizeof(buf)));
		c->node[n].col = c->tok[lp].col;
		c->node[n].end = cur(c)->col + 1;
		c->pos++;
		return n;
	}
	case TK_DUR:
		return td_alert_fail(c, t->col, t->len, "a duration such as %s only goes after 'for' or 'within'",
				     show_tok(c, t, buf, sizeof(buf)));
	case TK_SYM:
		return td_alert_fail(c, t->col, t->len, "'@' must follow a fact or an indicator");
	default:
		return unexpected(c, "a number, a name or '('");
	}
}

/* "-" unary | primary */
static int parse_unary(struct td_alert_cc *c)
{
	if (cur(c)->kind != TK_MINUS)
		return parse_primary(c);
	int col = cur(c)->col;
	if (enter(c) < 0)
		return -1;
	c->pos++;
	int x = parse_unary(c);
	c->depth--;
	if (x < 0)
		return -1;
	struct node *nd = &c->node[x];
	if (nd->kind == N_NUM) {
		nd->num = -nd->num;
		nd->col = col;
		return x;
	}
	int n = join(c, N_UNARY, TD_OP_NEG, TY_NUM, x, -1);
	if (n >= 0)
		c->node[n].col = col;
	return n;
}

/* Left-associative loop over the operators of one level. */
static int parse_binary(struct td_alert_cc *c, int (*operand)(struct td_alert_cc *), const uint8_t *toks,
			const uint8_t *ops, int nops)
{
	int l = operand(c);
	while (l >= 0) {
		int k = 0;
		while (k < nops && cur(c)->kind != toks[k])
			k++;
		if (k == nops)
			return l;
		c->pos++;
		int r = operand(c);
		if (r < 0)
			return -1;
		l = join(c, N_BINARY, ops[k], TY_NUM, l, r);
	}
	return -1;
}

/* unary { ("*" | "/") unary } */
static int parse_product(struct td_alert_cc *c)
{
	static const uint8_t toks[] = { TK_STAR, TK_SLASH }, ops[] = { TD_OP_MUL, TD_OP_DIV };
	return parse_binary(c, parse_unary, toks, ops, 2);
}

/* product { ("+" | "-") product } */
static int parse_sum(struct td_alert_cc *c)
{
	static const uint8_t toks[] = { TK_PLUS, TK_MINUS }, ops[] = { TD_OP_ADD, TD_OP_SUB };
	return parse_binary(c, parse_product, toks, ops, 2);
}

static const uint8_t cmp_tok[] = { TK_LT, TK_LE, TK_GT, TK_GE, TK_EQ, TK_NE };
static const uint8_t cmp_op[] = { TD_OP_LT, TD_OP_LE, TD_OP_GT, TD_OP_GE, TD_OP_EQ, TD_OP_NE };

/* Which comparison token kind is, or -1. */
static int cmp_index(uint8_t kind)
{
	for (int k = 0; k < 6; k++)
		if (cmp_tok[k] == kind)
			return k;
	return -1;
}

/* sum [ cmp sum | "crosses" ("above" | "below") sum ] */
static int parse_compare(struct td_alert_cc *c)
{
	int l = parse_sum(c);
	if (l < 0)
		return -1;
	int k = cmp_index(cur(c)->kind);
	uint8_t kind = N_BINARY, op;
	if (k >= 0) {
		op = cmp_op[k];
		c->pos++;
	} else if (cur(c)->kind == TK_CROSSES) {
		c->pos++;
		if (cur(c)->kind != TK_ABOVE && cur(c)->kind != TK_BELOW)
			return unexpected(c, "'above' or 'below' after 'crosses'");
		kind = N_CROSS;
		op = cur(c)->kind == TK_ABOVE ? TD_OP_XABOVE : TD_OP_XBELOW;
		c->pos++;
	} else {
		return l;
	}
	int r = parse_sum(c);
	if (r < 0)
		return -1;
	if (cmp_index(cur(c)->kind) >= 0 || cur(c)->kind == TK_CROSSES)
		return td_alert_fail(c, cur(c)->col, cur(c)->len, "comparisons do not chain: write 'a < b and b < c'");
	return join(c, kind, op, TY_BOOL, l, r);
}

/* compare [ ("for" | "within") duration ] */
static int parse_window(struct td_alert_cc *c)
{
	int x = parse_compare(c);
	if (x < 0 || (cur(c)->kind != TK_FOR && cur(c)->kind != TK_WITHIN))
		return x;
	const struct tok *kw = cur(c);
	bool is_for = kw->kind == TK_FOR;
	if (need_bool(c, x, is_for ? "'for'" : "'within'") < 0)
		return -1;
	c->pos++;
	const struct tok *d = cur(c);
	if (d->kind != TK_DUR)
		return unexpected(c,
				  is_for ? "a duration after 'for' (e.g. 2m)" : "a duration after 'within' (e.g. 5m)");
	if (d->num < 1 || d->num > TD_ALERT_MAX_WINDOW)
		return td_alert_fail(c, d->col, d->len, "duration must be from 1s to 24h");
	int n = join(c, N_WIN, is_for ? TD_OP_FOR : TD_OP_WITHIN, TY_BOOL, x, -1);
	if (n < 0)
		return -1;
	c->node[n].num = d->num;
	c->node[n].end = d->col + d->len;
	c->pos++;
	return n;
}

/* "not" not | window */
static int parse_not(struct td_alert_cc *c)
{
	if (cur(c)->kind != TK_NOT)
		return parse_window(c);
	int col = cur(c)->col;
	if (enter(c) < 0)
		return -1;
	c->pos++;
	int x = need_bool(c, parse_not(c), "'not'");
	c->depth--;
	if (x < 0)
		return -1;
	int n = join(c, N_NOT, TD_OP_NOT, TY_BOOL, x, -1);
	if (n >= 0)
		c->node[n].col = col;
	return n;
}

/* A chain of one logical operator over conditions. */
static int parse_logic(struct td_alert_cc *c, int (*operand)(struct td_alert_cc *), uint8_t tok, uint8_t kind,
		       uint8_t op, const char *what)
{
	int l = operand(c);
	while (l >= 0 && cur(c)->kind == tok) {
		if (need_bool(c, l, what) < 0)
			return -1;
		c->pos++;
		int r = need_bool(c, operand(c), what);
		if (r < 0)
			return -1;
		l = join(c, kind, op, TY_BOOL, l, r);
	}
	return l;
}

/* not { "and" not } */
static int parse_and(struct td_alert_cc *c)
{
	return parse_logic(c, parse_not, TK_AND, N_AND, TD_OP_AND, "'and'");
}

/* and { "or" and }: every condition, so each parenthesis and argument is one level deeper */
static int parse_or(struct td_alert_cc *c)
{
	if (enter(c) < 0)
		return -1;
	int n = parse_logic(c, parse_and, TK_OR, N_OR, TD_OP_OR, "'or'");
	c->depth--;
	return n;
}

/* Parse the whole rule and check it is a condition; the root node, or -1. */
int td_alert_parse(struct td_alert_cc *c)
{
	int root = parse_or(c);
	if (root < 0)
		return -1;
	if (cur(c)->kind == TK_RP)
		return td_alert_fail(c, cur(c)->col, 1, "unmatched ')'");
	if (cur(c)->kind != TK_END)
		return unexpected(c, "an operator or the end of the rule");
	const struct node *nd = &c->node[root];
	if (nd->type != TY_BOOL)
		return td_alert_fail(c, nd->col, nd->end - nd->col,
				     "a rule must be a condition (e.g. 'last > vwap'), not a number");
	return root;
}
