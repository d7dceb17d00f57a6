/*
 * The alert rule code generator: a checked tree of nodes to the postfix
 * program of expr_int.h, and td_alert_compile, which runs the three stages.
 *
 * Besides the operations it records what the book needs to run a rule:
 * which values of which instrument it reads (the dependency masks), its
 * indicators (each distinct one once), its crosses and windows (state
 * slots), and its named terms with their normalised text for explaining a
 * firing.
 */
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "alert/expr_cc.h"

/* Append one operation; push is what it does to the stack depth.  Its index, or -1. */
static int emit(struct td_alert_cc *c, uint8_t code, uint8_t ref, unsigned arg, int push)
{
	if (c->e->nops >= MAX_OPS)
		return td_alert_fail(c, 1, c->textlen, "rule too long to compile");
	c->ops[c->e->nops] = (td_alert_op){ .code = code, .ref = ref, .arg = (uint16_t)arg };
	c->sp += push;
	if (c->sp > c->sp_max)
		c->sp_max = c->sp;
	return c->e->nops++;
}

/* The normalised text of a value or indicator node, e.g. "sma(volume,20)@NQ". */
static void term_text(const struct td_alert_cc *c, const struct node *nd, char *buf, size_t n)
{
	int w;
	if (nd->kind == N_VAL && nd->index == TD_AV_CLOSE) {
		w = snprintf(buf, n, "close");
	} else if (nd->kind == N_VAL) {
		w = snprintf(buf, n, "%s", td_alert_fact_table[nd->index].name);
	} else {
		const char *fname = td_alert_func_table[nd->func].name;
		unsigned s = nd->ind.series;
		const char *sname = s >= TD_AS_BAR ? td_alert_bar_field_name[s - TD_AS_BAR] : td_alert_fact_table[s].name;
		bool has_series = nd->func != TD_AFN_RSI && nd->func != TD_AFN_ATR && nd->func != TD_AFN_SWING_HIGH &&
				  nd->func != TD_AFN_SWING_LOW && !(nd->func == TD_AFN_EMA && s == TD_AS_BAR + TD_ABF_CLOSE);
		if (has_series)
			w = snprintf(buf, n, "%s(%s,%u)", fname, sname, (unsigned)nd->ind.n);
		else
			w = snprintf(buf, n, "%s(%u)", fname, (unsigned)nd->ind.n);
	}
	if (nd->ref && w >= 0 && (size_t)w < n)
		snprintf(buf + w, n - (size_t)w, "@%s", c->ref_sym[nd->ref]);
}

/* Record node nd as a term of the rule (once), for explaining a firing. */
static int add_term(struct td_alert_cc *c, const struct node *nd, bool is_ind, unsigned index)
{
	td_alert_expr *e = c->e;
	for (int i = 0; i < e->nterms; i++)
		if (e->term[i].is_ind == is_ind && e->term[i].ref == nd->ref && e->term[i].index == index)
			return 0;
	if (e->nterms >= TD_ALERT_MAX_TERMS)
		return td_alert_fail(c, nd->col, nd->end - nd->col, "rule names more than %d facts and indicators",
				     TD_ALERT_MAX_TERMS);
	uint8_t kind = is_ind ? (nd->type == TY_BOOL ? TD_ALERT_FLAG : TD_ALERT_NUM) : nd->vkind;
	e->term[e->nterms++] = (td_alert_term){ .is_ind = is_ind, .ref = nd->ref, .index = (uint16_t)index,
						.kind = kind, .text = (uint16_t)c->terms_len };
	term_text(c, nd, c->terms + c->terms_len, TERM_TEXT_MAX);
	c->terms_len += strlen(c->terms + c->terms_len) + 1;
	return 0;
}

/* The rule's indicator slot for nd's spec, added when new. */
static int ind_slot(struct td_alert_cc *c, const struct node *nd)
{
	td_alert_expr *e = c->e;
	const td_alert_ind_spec *s = &nd->ind;
	for (int i = 0; i < e->nind; i++)
		if (e->ind[i].kind == s->kind && e->ind[i].ref == s->ref && e->ind[i].series == s->series &&
		    e->ind[i].n == s->n)
			return i;
	if (e->nind >= TD_ALERT_MAX_INDS)
		return td_alert_fail(c, nd->col, nd->end - nd->col, "rule uses more than %d indicators",
				     TD_ALERT_MAX_INDS);
	e->ind[e->nind] = *s;
	return e->nind++;
}

static int gen(struct td_alert_cc *c, int n);

/* and/or: the right side is skipped when the left decides and holds no state. */
static int gen_logic(struct td_alert_cc *c, const struct node *nd)
{
	if (gen(c, nd->l) < 0)
		return -1;
	int jump = -1;
	if (!c->node[nd->r].stateful && (jump = emit(c, nd->kind == N_AND ? TD_OP_JF : TD_OP_JT, 0, 0, 0)) < 0)
		return -1;
	if (gen(c, nd->r) < 0 || emit(c, nd->op, 0, 0, -1) < 0)
		return -1;
	if (jump >= 0)
		c->ops[jump].arg = c->e->nops;
	return 0;
}

/* Emit node n after its operands (postfix), recording what it reads. */
static int gen(struct td_alert_cc *c, int n)
{
	const struct node *nd = &c->node[n];
	td_alert_expr *e = c->e;
	switch (nd->kind) {
	case N_NUM:
		c->consts[e->nconsts] = nd->num;
		return emit(c, TD_OP_CONST, 0, e->nconsts++, 1);
	case N_VAL:
		e->ref_mask[nd->ref] |= td_alert_value_bit(nd->index);
		e->timed |= nd->index == TD_AF_TIME;
		if (add_term(c, nd, false, nd->index) < 0)
			return -1;
		return emit(c, nd->vkind == TD_ALERT_FLAG ? TD_OP_FLAG : TD_OP_VAL, nd->ref, nd->index, 1);
	case N_IND: {
		int slot = ind_slot(c, nd);
		if (slot < 0 || add_term(c, nd, true, (unsigned)slot) < 0)
			return -1;
		e->ref_mask[nd->ref] |= TD_ALERT_BAR_BIT;
		return emit(c, TD_OP_IND, 0, (unsigned)slot, 1);
	}
	case N_AND:
	case N_OR:
		return gen_logic(c, nd);
	case N_CROSS:
		if (gen(c, nd->l) < 0 || gen(c, nd->r) < 0)
			return -1;
		return emit(c, nd->op, 0, e->ncross++, -1);
	case N_WIN:
		if (gen(c, nd->l) < 0)
			return -1;
		e->win_ns[e->nwin] = (td_ns)nd->num * TD_NS_PER_SEC;
		e->timed = true;
		return emit(c, nd->op, 0, e->nwin++, 0);
	default:
		if (gen(c, nd->l) < 0 || (nd->r >= 0 && gen(c, nd->r) < 0))
			return -1;
		return emit(c, nd->op, 0, 0, nd->r >= 0 ? -1 : 0);
	}
}

/* Copy the generated program into e. */
static int finish(struct td_alert_cc *c)
{
	td_alert_expr *e = c->e;
	if (c->sp_max > TD_ALERT_STACK)
		return td_alert_fail(c, 1, c->textlen,
				     "rule too deeply nested to evaluate (needs %d stack slots, at most %d)", c->sp_max,
				     TD_ALERT_STACK);
	e->ops = malloc(e->nops * sizeof(*e->ops));
	e->consts = malloc((e->nconsts ? e->nconsts : 1) * sizeof(*e->consts));
	e->terms_text = malloc(c->terms_len ? c->terms_len : 1);
	e->text = malloc((size_t)c->textlen + 1);
	if (!e->ops || !e->consts || !e->terms_text || !e->text)
		return td_alert_fail(c, 0, 0, "out of memory");
	memcpy(e->ops, c->ops, e->nops * sizeof(*e->ops));
	memcpy(e->consts, c->consts, e->nconsts * sizeof(*e->consts));
	memcpy(e->terms_text, c->terms, c->terms_len);
	memcpy(e->text, c->text, (size_t)c->textlen);
	e->text[c->textlen] = '\0';
	return 0;
}

/* Does the program read anything that changes (facts, bars, time, windows)? */
static bool reads_anything(const td_alert_expr *e)
{
	for (int r = 0; r < e->nrefs; r++)
		if (e->ref_mask[r])
			return true;
	return e->timed;
}

td_alert_expr *td_alert_compile(const char *text, td_alert_symbol_fn lookup, void *ctx, td_alert_error *err)
{
	if (err)
		*err = (td_alert_error){ 0 };
	if (!text)
		text = "";
	size_t len = strnlen(text, TD_ALERT_MAX_TEXT + 1);
	struct td_alert_cc *c = calloc(1, sizeof(*c));
	td_alert_expr *e = calloc(1, sizeof(*e));
	if (!c || !e) {
		free(c);
		free(e);
		if (err)
			snprintf(err->msg, sizeof(err->msg), "out of memory");
		return NULL;
	}
	/* field by field: the state is about 42 KB, too big for a compound literal on the stack */
	c->text = text;
	c->textlen = (int)len;
	c->lookup = lookup;
	c->ctx = ctx;
	c->err = err;
	c->e = e;
	e->nrefs = 1;
	if (len > TD_ALERT_MAX_TEXT)
		td_alert_fail(c, TD_ALERT_MAX_TEXT + 1, 1, "rule longer than %d bytes", TD_ALERT_MAX_TEXT);
	else if (len == 0 || strspn(text, " \t") == len)
		td_alert_fail(c, 1, 1, "empty rule");
	int root = c->failed || td_alert_lex(c) < 0 ? -1 : td_alert_parse(c);
	if (root >= 0 && gen(c, root) >= 0 && !reads_anything(e))
		td_alert_fail(c, 1, c->textlen, "the rule reads no fact, indicator or time, so it could never change");
	if (!c->failed)
		finish(c);
	bool ok = !c->failed;
	free(c);
	if (ok)
		return e;
	td_alert_expr_free(e);
	return NULL;
}
