/*
 * Private to src/engine/analyze*.c: the parsed options, the trades read from
 * --in, and a small row writer that emits the same rows as CSV or JSON.
 *
 * Output rules (doc/analyze.md):
 *  - prices go through td_px_format, so they print exactly with the
 *    instrument's decimals; in JSON they are number literals, not strings;
 *  - integers print exactly (JSON too: written as raw number text, never
 *    through a double);
 *  - other real numbers print in the shortest form that reads back to the
 *    same double (%.15g, else %.16g, else %.17g);
 *  - a value that is not defined is an empty CSV cell and a JSON null.
 */
#ifndef TD_ANALYZE_INT_H
#define TD_ANALYZE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cjson/cJSON.h>

#include "analytics/bars.h"
#include "analytics/trade.h"
#include "core/instrument.h"
#include "core/session.h"

typedef enum td_az_format { AZ_CSV, AZ_JSON } td_az_format;

/* The command line, validated. */
typedef struct td_az_opts {
	const char *cmd;            /* subcommand name */
	const char *in;             /* --in FILE */
	const char *symbol;         /* --symbol, NULL = the default instrument */
	const char *ind;            /* --ind SPEC (indicators) */
	const char *rows;           /* --rows, NULL = the subcommand's default */
	const td_session *session;  /* --market preset (static) */
	td_bars_tf tf;              /* --tf */
	td_az_format format;           /* --format */
	bool regular_only;          /* --hours regular */
	bool strict;                /* --strict: skipped input lines fail the run */
	int64_t row_ticks;          /* --row: ticks per profile row, >= 1 */
	unsigned va_pct;            /* --va: value-area percent, 1..100 */
	int64_t tol;                /* --tol: level merge tolerance in ticks, >= 0 */
	unsigned swing;             /* --swing: bars each side of a swing point */
	td_ns from, to;             /* --from/--to: keep trades in [from, to); INT64_MIN/MAX = open */
} td_az_opts;

/* The chosen instrument's trades, in time order. */
typedef struct td_az_trades {
	td_registry *reg;           /* owns the instruments */
	const td_instrument *ins;   /* borrowed from reg */
	td_trade *t;                /* owned */
	size_t n;
} td_az_trades;

/* Read --in and keep the trades of the chosen symbol; 0, or the exit status with the message printed. */
int td_az_trades_load(const td_az_opts *o, td_az_trades *out, int *warn_status);
void td_az_trades_release(td_az_trades *tr);

/* Report an error or warning on stderr as "tapedeck: analyze: ...". */
void td_az_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void td_az_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- time ---------------------------------------------------------------- */

/* The local date (days since the epoch) of t in the session's zone. */
int64_t td_az_local_date(const td_session *s, td_ns t);

/* t as local ISO-8601 with its offset, "2024-03-15T09:30:00-04:00" (fraction only when not whole seconds). */
void td_az_fmt_local(const td_session *s, td_ns t, char *buf, size_t n);

/* A date as "YYYY-MM-DD". */
void td_az_fmt_date(int64_t days, char *buf, size_t n);

/* ---- the row writer -------------------------------------------------------- */

#define AZ_OUT_DEPTH 8  /* rows open inside rows, at most */

typedef struct td_az_out {
	td_az_format fmt;
	FILE *f;          /* stdout */
	cJSON *root;      /* JSON document, owned; printed by td_az_out_finish */
	cJSON *cur;       /* JSON object the next values go into (borrowed) */
	cJSON *outer[AZ_OUT_DEPTH];  /* JSON: cur before each open row, restored by td_az_row_end */
	int depth;        /* rows open */
	int cells;        /* CSV cells written on the current line */
} td_az_out;

/* Start the output: CSV writes nothing yet, JSON makes the root object. */
int td_az_out_init(td_az_out *o, td_az_format fmt, FILE *f);
/* Print the JSON document (CSV: nothing), free it; 0, or 1 when writing failed. */
int td_az_out_finish(td_az_out *o);

/* CSV: print the header line (cols as given). JSON: nothing. */
void td_az_csv_header(td_az_out *o, const char *cols);

/*
 * Start a row: JSON appends a new object to arr and writes into it until
 * td_az_row_end (rows nest, up to AZ_OUT_DEPTH); CSV starts a line.
 */
void td_az_row_begin(td_az_out *o, cJSON *arr);
/* End a row: CSV ends the line; JSON goes back to the object before td_az_row_begin. */
void td_az_row_end(td_az_out *o);

/* One value each; name is the JSON key (ignored in CSV). */
void td_az_px(td_az_out *o, const char *name, td_pxfmt f, td_ticks t);     /* TD_PX_NONE: empty/null */
void td_az_int(td_az_out *o, const char *name, int64_t v);
void td_az_num(td_az_out *o, const char *name, double v);                  /* NaN: empty/null */
void td_az_fixed(td_az_out *o, const char *name, double v, int decimals);  /* NaN: empty/null */
void td_az_str(td_az_out *o, const char *name, const char *s);            /* NULL: empty/null */
void td_az_flag(td_az_out *o, const char *name, bool b);                  /* CSV 1/0, JSON true/false */

/* JSON helpers: a new array or object under the current object (NULL in CSV). */
cJSON *td_az_json_array(td_az_out *o, const char *name);
cJSON *td_az_json_object(td_az_out *o, const char *name);

/* A fractional tick count (a VWAP, a deviation) in price units. */
double td_az_ticks_price(td_pxfmt f, double ticks);

/* Write the shortest text that reads back to v; returns buf. */
const char *td_az_dtoa(double v, char *buf, size_t n);

/* ---- the subcommands --------------------------------------------------------- */

int td_az_run_bars(const td_az_opts *o, const td_az_trades *tr, td_az_out *out);
int td_az_run_footprint(const td_az_opts *o, const td_az_trades *tr, td_az_out *out);
int td_az_run_profile(const td_az_opts *o, const td_az_trades *tr, td_az_out *out);
int td_az_run_premarket(const td_az_opts *o, const td_az_trades *tr, td_az_out *out);
int td_az_run_levels(const td_az_opts *o, const td_az_trades *tr, td_az_out *out);
int td_az_run_indicators(const td_az_opts *o, td_az_out *out);

/* Whether a trade passes --hours. */
bool td_az_hours_ok(const td_az_opts *o, const td_trade *t);

#endif
