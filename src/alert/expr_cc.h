/*
 * The alert rule compiler's working state, shared by its three stages:
 * the lexer (expr_lex.c: text to tokens), the parser (expr_parse.c: tokens
 * to a checked tree of nodes) and the code generator (expr_gen.c: the tree
 * to the program of expr_int.h, and td_alert_compile itself).  Private to
 * src/alert.
 *
 * Everything lives in one heap block of fixed-size arrays (text, tokens,
 * nodes, the program as it grows), so a hostile rule costs a bounded amount
 * of memory; the parser counts its depth, and left-associative chains are
 * loops, so it costs a bounded stack too.  The first error wins.
 */
#ifndef TD_ALERT_EXPR_CC_H
#define TD_ALERT_EXPR_CC_H

#include <stdbool.h>
#include <stdint.h>

#include "alert/expr_int.h"
#include "core/instrument.h"

enum tok_kind {
	TK_END, TK_NUM, TK_TIME, TK_DUR, TK_NAME, TK_SYM,
	TK_LP, TK_RP, TK_COMMA, TK_PLUS, TK_MINUS, TK_STAR, TK_SLASH,
	TK_LT, TK_LE, TK_GT, TK_GE, TK_EQ, TK_NE,
	TK_AND, TK_OR, TK_NOT, TK_CROSSES, TK_ABOVE, TK_BELOW, TK_FOR, TK_WITHIN,
};

struct tok {
	uint8_t kind;
	bool integer;      /* TK_NUM: written without a fraction */
	int col;           /* 1-based; TK_SYM: the '@' */
	int len;           /* bytes, '@' and quotes included */
	double num;        /* TK_NUM, TK_TIME (s after midnight), TK_DUR (s) */
};

enum node_kind { N_NUM, N_VAL, N_IND, N_UNARY, N_BINARY, N_NOT, N_AND, N_OR, N_CROSS, N_WIN };

enum { TY_NUM, TY_BOOL };

struct node {
	uint8_t kind;
	uint8_t op;        /* N_UNARY, N_BINARY (comparisons too), N_CROSS, N_WIN: the opcode */
	uint8_t type;      /* TY_* */
	uint8_t ref;       /* N_VAL, N_IND: instrument slot */
	uint8_t vkind;     /* N_VAL: td_alert_kind */
	uint8_t func;      /* N_IND: the function as written, for its text */
	bool stateful;     /* holds a cross or a window */
	int16_t l, r;      /* children */
	uint16_t index;    /* N_VAL: value index */
	int col, end;      /* text span [col, end), 1-based */
	double num;        /* N_NUM value; N_WIN seconds */
	td_alert_ind_spec ind;  /* N_IND */
};

#define SYM_MAX TD_SYMBOL_MAX
#define MAX_TOKENS (TD_ALERT_MAX_TEXT + 1)
#define MAX_OPS (2 * TD_ALERT_MAX_NODES)
#define TERM_TEXT_MAX 96

struct td_alert_cc {
	const char *text;            /* the rule (borrowed), textlen bytes */
	int textlen;
	td_alert_symbol_fn lookup;   /* resolves `@SYMBOL`; may be NULL */
	void *ctx;
	td_alert_error *err;         /* the caller's, may be NULL */
	bool failed;                 /* an error was recorded */
	int depth;                   /* nesting of the recursive descent */
	int pos, ntok;               /* current token, tokens */
	struct tok tok[MAX_TOKENS];
	int nnode;
	struct node node[TD_ALERT_MAX_NODES];
	char ref_sym[TD_ALERT_MAX_REFS][SYM_MAX];  /* symbol of each instrument slot, as written */
	td_alert_expr *e;            /* the program being built (refs, masks, tables) */
	int sp, sp_max;              /* stack depth while generating, and its peak */
	td_alert_op ops[MAX_OPS];
	double consts[TD_ALERT_MAX_NODES];
	char terms[TD_ALERT_MAX_TERMS * TERM_TEXT_MAX];  /* term texts, NUL-separated */
	size_t terms_len;
};

/* Record the first error (column 0: no position); returns -1 for `return td_alert_fail(...)`. */
int td_alert_fail(struct td_alert_cc *c, int col, int len, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* The text at a 1-based column. */
static inline const char *td_alert_at(const struct td_alert_cc *c, int col)
{
	return c->text + col - 1;
}

/* Cut the text into c->tok, ending with TK_END; 0 or -1. */
int td_alert_lex(struct td_alert_cc *c);

/* Parse the tokens into nodes and check the rule is a condition; the root node, or -1. */
int td_alert_parse(struct td_alert_cc *c);

#endif
