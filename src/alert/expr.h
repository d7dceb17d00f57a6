/*
 * Alert rule expressions: the small language a trader writes alert
 * conditions in, e.g. "rsi(14) < 30 and volume > sma(volume, 20)".
 *
 * A rule is compiled once (td_alert_compile) into an immutable program that
 * any number of instruments can share; the evaluation book (book.h) keeps
 * the per-instrument values and state and runs the programs.  Everything a
 * rule can name is data in the tables below, and doc/alerts.md documents
 * each name (a unit test checks that the document names them all).
 *
 * Module boundary: nothing here reads engine state.  The engine supplies,
 * per instrument, a vector of facts (td_alert_fact, doubles, NaN = unknown)
 * and the closed bars of the alert timeframe; indicators are computed by the
 * book from those closed bars.
 *
 * Compiling never crashes on bad text: an error carries the 1-based column
 * and length of the offending token, and td_alert_error_render draws the
 * rule with a caret line under it.  Text is bounded (TD_ALERT_MAX_TEXT
 * bytes, TD_ALERT_MAX_DEPTH levels of nesting, TD_ALERT_MAX_NODES terms and
 * operators), so hostile input cannot exhaust the stack or memory.  The
 * language is ASCII; a column counts bytes.
 */
#ifndef TD_ALERT_EXPR_H
#define TD_ALERT_EXPR_H

#include <stddef.h>
#include <stdint.h>

/* How a fact's value reads: a number, a flag (0/1), a time of day, an opening type. */
typedef enum td_alert_kind {
	TD_ALERT_NUM = 0,
	TD_ALERT_FLAG,
	TD_ALERT_TOD,
	TD_ALERT_OPENING,
} td_alert_kind;

/*
 * The facts the engine supplies per instrument: X(ID, name, kind, unit,
 * meaning).  Volume, delta, the footprint facts and absorption are about
 * the forming bar of the alert timeframe; open, high and low are the day's.
 * Unknown is NaN (say, no chain for a future, or before the first trade).
 */
#define TD_ALERT_FACTS(X) \
	X(LAST,         "last",         TD_ALERT_NUM,     "price",            "last trade price") \
	X(BID,          "bid",          TD_ALERT_NUM,     "price",            "best bid") \
	X(ASK,          "ask",          TD_ALERT_NUM,     "price",            "best ask") \
	X(SPREAD,       "spread",       TD_ALERT_NUM,     "price",            "ask minus bid") \
	X(VOLUME,       "volume",       TD_ALERT_NUM,     "shares/contracts", "volume of the forming bar of the alert timeframe") \
	X(DAY_VOLUME,   "day_volume",   TD_ALERT_NUM,     "shares/contracts", "volume of the day so far") \
	X(VWAP,         "vwap",         TD_ALERT_NUM,     "price",            "the day's volume-weighted average price") \
	X(DELTA,        "delta",        TD_ALERT_NUM,     "shares/contracts", "buy minus sell volume of the forming bar") \
	X(CUM_DELTA,    "cum_delta",    TD_ALERT_NUM,     "shares/contracts", "the day's cumulative buy minus sell volume") \
	X(OPEN,         "open",         TD_ALERT_NUM,     "price",            "the day's opening price") \
	X(HIGH,         "high",         TD_ALERT_NUM,     "price",            "the day's high") \
	X(LOW,          "low",          TD_ALERT_NUM,     "price",            "the day's low") \
	X(POC,          "poc",          TD_ALERT_NUM,     "price",            "point of control of the day's volume profile") \
	X(VAH,          "vah",          TD_ALERT_NUM,     "price",            "value-area high of the day's volume profile") \
	X(VAL,          "val",          TD_ALERT_NUM,     "price",            "value-area low of the day's volume profile") \
	X(IB_HIGH,      "ib_high",      TD_ALERT_NUM,     "price",            "initial-balance high") \
	X(IB_LOW,       "ib_low",       TD_ALERT_NUM,     "price",            "initial-balance low") \
	X(IB_DONE,      "ib_done",      TD_ALERT_FLAG,    "flag",             "true once the initial balance period is over") \
	X(OPENING_TYPE, "opening_type", TD_ALERT_OPENING, "OD, OTD, ORR, OA", "the day's opening type, unknown until judged") \
	X(OPENING_DIR,  "opening_dir",  TD_ALERT_NUM,     "+1, -1, 0",        "direction of the opening type: +1 up, -1 down, 0 none") \
	X(STACKED_BUY,  "stacked_buy",  TD_ALERT_NUM,     "count",            "stacked buy imbalances in the forming footprint bar") \
	X(STACKED_SELL, "stacked_sell", TD_ALERT_NUM,     "count",            "stacked sell imbalances in the forming footprint bar") \
	X(ABSORPTION,   "absorption",   TD_ALERT_FLAG,    "flag",             "true when the forming footprint bar shows absorption") \
	X(PCR_OI,       "pcr_oi",       TD_ALERT_NUM,     "ratio",            "put-call ratio of open interest, whole chain") \
	X(PCR_VOL,      "pcr_vol",      TD_ALERT_NUM,     "ratio",            "put-call ratio of the day's option volume, whole chain") \
	X(MAX_PAIN,     "max_pain",     TD_ALERT_NUM,     "price",            "max-pain strike of the nearest expiry") \
	X(GEX,          "gex",          TD_ALERT_NUM,     "money per 1% move", "dealer gamma exposure of the chain") \
	X(ZERO_GAMMA,   "zero_gamma",   TD_ALERT_NUM,     "price",            "spot where the chain's gamma exposure changes sign (gamma flip)") \
	X(IV_RANK,      "iv_rank",      TD_ALERT_NUM,     "0-100",            "IV rank of iv30 over the history's lookback") \
	X(IV_PCT,       "iv_pct",       TD_ALERT_NUM,     "0-100",            "IV percentile of iv30 over the history's lookback") \
	X(ATM_IV,       "atm_iv",       TD_ALERT_NUM,     "% a year",         "at-the-money implied volatility of the nearest expiry") \
	X(IV30,         "iv30",         TD_ALERT_NUM,     "% a year",         "30-day at-the-money implied volatility") \
	X(UNUSUAL,      "unusual",      TD_ALERT_NUM,     "count",            "option contracts flagged for unusual activity") \
	X(TICK,         "tick",         TD_ALERT_NUM,     "price",            "tick size") \
	X(TIME,         "time",         TD_ALERT_TOD,     "time of day",      "exchange-local time of day, in seconds after midnight (compare with 09:30)")

typedef enum td_alert_fact {
#define TD_ALERT_FACT_ENUM(id, name, kind, unit, meaning) TD_AF_##id,
	TD_ALERT_FACTS(TD_ALERT_FACT_ENUM)
#undef TD_ALERT_FACT_ENUM
	TD_AF_COUNT
} td_alert_fact;

_Static_assert(TD_AF_COUNT < 63, "facts, the bar bit and their mask must fit 64 bits");

/* One fact of the table. */
typedef struct td_alert_fact_info {
	const char *name;      /* as written in a rule */
	td_alert_fact id;
	td_alert_kind kind;
	const char *unit;
	const char *meaning;   /* one line for the documentation */
} td_alert_fact_info;

extern const td_alert_fact_info td_alert_fact_table[TD_AF_COUNT];

/*
 * Values of the opening_type fact: the numbers of td_tpo_open
 * (analytics/tpo.h), so the engine copies the TPO's judgement as it is;
 * unknown (NaN) while the TPO says pending.
 */
typedef enum td_alert_opening {
	TD_ALERT_OD = 1,   /* open-drive */
	TD_ALERT_OTD,      /* open-test-drive */
	TD_ALERT_ORR,      /* open-rejection-reverse */
	TD_ALERT_OA,       /* open-auction */
} td_alert_opening;

/* Bar fields, as series arguments of the indicators (`sma(volume, 20)`). */
typedef enum td_alert_bar_field {
	TD_ABF_OPEN = 0,
	TD_ABF_HIGH,
	TD_ABF_LOW,
	TD_ABF_CLOSE,
	TD_ABF_VOLUME,
	TD_ABF_DELTA,
	TD_ABF_COUNT
} td_alert_bar_field;

/*
 * Every other name a rule can use, for the documentation and its test:
 * functions with their usage, named constants, series-only names and
 * keywords.  `usage` shows the arguments (n: a period in bars, x: a series,
 * a/b: any numeric expression).
 */
typedef enum td_alert_name_kind {
	TD_ALERT_NAME_FUNCTION,
	TD_ALERT_NAME_CONSTANT,
	TD_ALERT_NAME_SERIES,   /* a bar field, as an indicator's series argument */
	TD_ALERT_NAME_VALUE,    /* a value that is not a fact (close) */
	TD_ALERT_NAME_KEYWORD,
} td_alert_name_kind;

typedef struct td_alert_name {
	const char *name;
	td_alert_name_kind kind;
	const char *usage;     /* e.g. "sma(x, n)"; the name itself when there are no arguments */
	const char *unit;      /* of the result */
	const char *meaning;
} td_alert_name;

extern const td_alert_name td_alert_name_table[];
extern const size_t td_alert_name_count;

/* ---- Compiling ------------------------------------------------------------ */

#define TD_ALERT_MAX_TEXT   1024   /* bytes of rule text */
#define TD_ALERT_MAX_DEPTH  32     /* nesting: the rule is level 1; parentheses, argument lists,
					    not and unary minus each open one more */
#define TD_ALERT_MAX_NODES  256    /* numbers, names and operators in one rule */
#define TD_ALERT_MAX_REFS   8      /* instruments: the attached one and up to 7 `@SYMBOL`s */
#define TD_ALERT_MAX_TERMS  32     /* distinct facts and indicators in one rule */
#define TD_ALERT_MAX_INDS   16     /* distinct indicators in one rule */
#define TD_ALERT_MAX_PERIOD 10000  /* bars, for indicator periods */
#define TD_ALERT_MAX_WINDOW (24LL * 3600)  /* seconds, for `for` and `within` */
#define TD_ALERT_ERR_MAX    160

/* A compile error: where and what.  column is 1-based; 0 when there is no position. */
typedef struct td_alert_error {
	int column;
	int length;                  /* bytes of the offending token, >= 1 when column > 0 */
	char msg[TD_ALERT_ERR_MAX];  /* lowercase, no full stop, printable ASCII */
} td_alert_error;

/*
 * Resolves a symbol written after '@' to an instrument id; 0 when found, -1
 * when unknown.  symbol is NUL-terminated printable ASCII, valid during the
 * call only.
 */
typedef int (*td_alert_symbol_fn)(void *ctx, const char *symbol, uint32_t *inst);

typedef struct td_alert_expr td_alert_expr;

/*
 * Compile text.  lookup may be NULL, and then any `@SYMBOL` is an error.
 * Returns the program (free with td_alert_expr_free), or NULL with err
 * filled (err may be NULL); out of memory is an error with column 0.
 */
td_alert_expr *td_alert_compile(const char *text, td_alert_symbol_fn lookup, void *ctx,
				td_alert_error *err);
void td_alert_expr_free(td_alert_expr *e);

/* The rule's text as it was compiled (owned by e). */
const char *td_alert_expr_text(const td_alert_expr *e);

/*
 * The instruments the rule names with `@SYMBOL`, in order of first use,
 * without repeats: writes at most max ids and returns how many there are.
 */
size_t td_alert_expr_instruments(const td_alert_expr *e, uint32_t *out, size_t max);

/* True when the rule has a `for`/`within` window or reads `time` (so it needs td_alert_book_tick). */
int td_alert_expr_timed(const td_alert_expr *e);

/*
 * Draw text and a caret line under the error's token, then the message:
 *
 *     rsi(14) < 30 and volumen > sma(volume, 20)
 *                      ^^^^^^^
 *     unknown name 'volumen': did you mean 'volume'?
 *
 * Lines are cut to width columns (0 = no limit; at least 20 when given)
 * around the token, with "..." where text was left out; bytes that are not
 * printable ASCII show as '?', so the caret stays aligned.  Writes at most
 * len bytes (NUL included) into buf and returns the length it needed.
 */
size_t td_alert_error_render(const char *text, const td_alert_error *err, int width, char *buf, size_t len);

/* The fact named name (as in the table, case-insensitive), or -1. */
int td_alert_fact_find(const char *name);

#endif
