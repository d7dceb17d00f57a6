/*
 * Inside a compiled alert rule: the program the compiler (expr_parse.c)
 * writes and the book (book.c) runs.  Private to src/alert.
 *
 * The program is postfix over doubles with a fixed stack bound: numbers are
 * pushed, operators pop their operands and push the result.  Truth values
 * are doubles too: 1 true, 0 false, NaN unknown (Kleene logic).  `and`/`or`
 * jump over their right side when the left side decides (false/true), but
 * only when the right side holds no state (crosses, windows): skipping a
 * cross would lose its previous values.
 *
 * Values a program reads are indexed per instrument: the facts
 * (td_alert_fact), then values the book derives from closed bars (close).
 * Each index has a bit in a dependency mask; everything a closed bar
 * changes (close and every indicator) shares TD_ALERT_BAR_BIT.
 */
#ifndef TD_ALERT_EXPR_INT_H
#define TD_ALERT_EXPR_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "alert/expr.h"
#include "core/time.h"

/* Per-instrument values: the facts, then the derived ones. */
enum {
	TD_AV_CLOSE = TD_AF_COUNT,  /* close of the last closed bar */
	TD_AV_COUNT
};

#define TD_ALERT_BAR_BIT (1ull << 63)

/* The dependency bit of value index v. */
static inline uint64_t td_alert_value_bit(unsigned v)
{
	return v < TD_AF_COUNT ? 1ull << v : TD_ALERT_BAR_BIT;
}

/* A bar sample: the facts at the bar's close, then the bar's fields. */
enum { TD_AS_BAR = TD_AF_COUNT, TD_AS_COUNT = TD_AF_COUNT + TD_ABF_COUNT };

/* Evaluation stack depth; the compiler refuses programs that need more. */
#define TD_ALERT_STACK 64

typedef enum td_alert_opcode {
	TD_OP_CONST,     /* push consts[arg] */
	TD_OP_VAL,       /* push value arg of instrument ref */
	TD_OP_FLAG,      /* same, as a truth value: NaN stays, nonzero is 1 */
	TD_OP_IND,       /* push indicator arg of the attachment */
	TD_OP_NEG,
	TD_OP_ABS,
	TD_OP_ADD,
	TD_OP_SUB,
	TD_OP_MUL,
	TD_OP_DIV,       /* a / 0 is unknown */
	TD_OP_MIN,       /* unknown when either side is */
	TD_OP_MAX,
	TD_OP_LT,        /* comparisons: unknown when either side is */
	TD_OP_LE,
	TD_OP_GT,
	TD_OP_GE,
	TD_OP_EQ,
	TD_OP_NE,
	TD_OP_NOT,
	TD_OP_AND,
	TD_OP_OR,
	TD_OP_JF,        /* top is false: jump to arg, keeping it */
	TD_OP_JT,        /* top is true: jump to arg, keeping it */
	TD_OP_XABOVE,    /* crosses above, state slot arg */
	TD_OP_XBELOW,    /* crosses below, state slot arg */
	TD_OP_FOR,       /* window slot arg: held true for its duration */
	TD_OP_WITHIN,    /* window slot arg: true at some moment of its duration */
} td_alert_opcode;

typedef struct td_alert_op {
	uint8_t code;    /* td_alert_opcode */
	uint8_t ref;     /* TD_OP_VAL/FLAG: instrument slot, 0 = the attached one */
	uint16_t arg;
} td_alert_op;

/* Indicator kinds the book computes on closed bars. */
typedef enum td_alert_ind_kind {
	TD_AI_RSI,       /* of close */
	TD_AI_EMA,       /* of series */
	TD_AI_SMA,
	TD_AI_ATR,       /* of the bars */
	TD_AI_HIGHEST,   /* of series; swing_high is highest(high, n) */
	TD_AI_LOWEST,
	TD_AI_RISING,    /* series now above series n bars ago */
	TD_AI_FALLING,
} td_alert_ind_kind;

/* One indicator: what to compute, on which instrument's bars. */
typedef struct td_alert_ind_spec {
	uint8_t kind;    /* td_alert_ind_kind */
	uint8_t ref;     /* instrument slot */
	uint16_t series; /* sample index (TD_AS_*) */
	uint32_t n;      /* period in bars */
} td_alert_ind_spec;

/*
 * Functions: X(ID, name, sig1, sig2, usage, unit, meaning).  sig1/sig2 are
 * the argument kinds of the one- and two-argument forms (NULL: no such
 * form): 'n' a period in bars, 'x' a series (bar field or fact), 'e' any
 * numeric expression, 's' a side (buy or sell).
 */
#define TD_ALERT_FUNCS(X) \
	X(RSI,        "rsi",        "n",  NULL, "rsi(n)",          "0-100", \
	  "Wilder's relative strength index of the closes") \
	X(EMA,        "ema",        "n",  "xn", "ema(n), ema(x, n)", "as x", \
	  "exponential moving average of x (of close when x is left out), seeded with the mean of its first n values") \
	X(SMA,        "sma",        NULL, "xn", "sma(x, n)",       "as x", \
	  "simple moving average of x over the last n closed bars") \
	X(ATR,        "atr",        "n",  NULL, "atr(n)",          "price", \
	  "Wilder's average true range") \
	X(HIGHEST,    "highest",    NULL, "xn", "highest(x, n)",   "as x", \
	  "highest x of the last n closed bars") \
	X(LOWEST,     "lowest",     NULL, "xn", "lowest(x, n)",    "as x", \
	  "lowest x of the last n closed bars") \
	X(SWING_HIGH, "swing_high", "n",  NULL, "swing_high(n)",   "price", \
	  "highest high of the last n closed bars, the same as highest(high, n)") \
	X(SWING_LOW,  "swing_low",  "n",  NULL, "swing_low(n)",    "price", \
	  "lowest low of the last n closed bars, the same as lowest(low, n)") \
	X(RISING,     "rising",     NULL, "xn", "rising(x, n)",    "condition", \
	  "x at the last close is above x at the close n bars before it") \
	X(FALLING,    "falling",    NULL, "xn", "falling(x, n)",   "condition", \
	  "x at the last close is below x at the close n bars before it") \
	X(ABS,        "abs",        "e",  NULL, "abs(a)",          "as a", \
	  "absolute value of a") \
	X(MIN,        "min",        NULL, "ee", "min(a, b)",       "as a", \
	  "the smaller of a and b") \
	X(MAX,        "max",        NULL, "ee", "max(a, b)",       "as a", \
	  "the larger of a and b") \
	X(STACKED,    "stacked_imbalance", "s", NULL, "stacked_imbalance(buy), stacked_imbalance(sell)", "count", \
	  "the same as stacked_buy or stacked_sell")

typedef enum td_alert_func {
#define TD_ALERT_FUNC_ENUM(id, name, sig1, sig2, usage, unit, meaning) TD_AFN_##id,
	TD_ALERT_FUNCS(TD_ALERT_FUNC_ENUM)
#undef TD_ALERT_FUNC_ENUM
	TD_AFN_COUNT
} td_alert_func;

typedef struct td_alert_func_info {
	const char *name;
	const char *sig[2];      /* argument kinds of the 1- and 2-argument forms */
	const char *usage;
} td_alert_func_info;

extern const td_alert_func_info td_alert_func_table[TD_AFN_COUNT];

/* Named constants (OD, ..., buy, sell): their value, or NaN when name is none. */
typedef struct td_alert_const_info {
	const char *name;
	double value;
	bool side;               /* buy/sell: only an argument of stacked_imbalance */
} td_alert_const_info;

extern const td_alert_const_info td_alert_const_table[];
extern const size_t td_alert_const_count;

/* Names of the bar fields as series, by td_alert_bar_field. */
extern const char *const td_alert_bar_field_name[TD_ABF_COUNT];

/* Keywords, for messages and suggestions. */
extern const char *const td_alert_keywords[];
extern const size_t td_alert_keyword_count;

/* Case-insensitive: does word (len bytes) spell name? */
bool td_alert_word_is(const char *word, size_t len, const char *name);

/*
 * The known name (fact, function, constant, bar field or keyword) nearest to
 * word by edit distance (with transpositions): within 1 edit for words of up
 * to 4 bytes, 2 above; NULL when none is that near.
 */
const char *td_alert_suggest(const char *word, size_t len);

/* A named leaf of the rule, for explaining a firing. */
typedef struct td_alert_term {
	uint8_t is_ind;  /* indicator slot, else a value */
	uint8_t ref;
	uint16_t index;  /* value index or indicator slot */
	uint8_t kind;    /* td_alert_kind, for printing */
	uint16_t text;   /* offset of its normalised text in terms_text */
} td_alert_term;

struct td_alert_expr {
	char *text;                  /* the source, owned */
	td_alert_op *ops;            /* owned */
	double *consts;              /* owned */
	char *terms_text;            /* NUL-separated term texts, owned */
	uint16_t nops, nconsts;
	uint8_t nrefs;               /* instrument slots, 1 + `@` symbols */
	uint8_t nind, ncross, nwin, nterms;
	bool timed;                  /* has a window or reads time */
	uint32_t ref_inst[TD_ALERT_MAX_REFS];  /* instrument of each slot; slot 0 unused */
	uint64_t ref_mask[TD_ALERT_MAX_REFS];  /* values read from each slot */
	td_alert_ind_spec ind[TD_ALERT_MAX_INDS];
	td_ns win_ns[TD_ALERT_MAX_NODES / 2];  /* window durations */
	td_alert_term term[TD_ALERT_MAX_TERMS];
};

#endif
