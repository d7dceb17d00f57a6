/*
 * Alert rules: the named rules a trader keeps, each an expression (expr.h)
 * with a level, a cooldown, active days and hours, the instruments it
 * watches, the sinks it goes to and optional message and order templates.
 *
 * Where rules come from (doc/alerts.md "Rules"):
 *
 *   alerts.conf      the user's $XDG_CONFIG_HOME/tapedeck/alerts.conf, else
 *                    the shipped config/alerts.conf; never written
 *   alerts.state     $XDG_STATE_HOME/tapedeck/alerts.state: the rules added
 *                    with `:alert add` and which rules of alerts.conf were
 *                    enabled, disabled or deleted at run time; rewritten
 *                    (atomically, mode 0600) by every change
 *
 * The set compiles every rule when it is loaded or added, with the
 * caller's symbol lookup, so a rule that does not parse or names something
 * unknown is refused before it runs; it attaches each enabled rule to the
 * evaluation book (book.h) for its instruments and keeps the book in line
 * with every change.  A disabled rule is not attached: it costs the book
 * nothing.
 *
 * The engine hands each firing edge of the book to td_alert_rules_fire,
 * which applies the gate (enabled, active day and hours in the exchange's
 * zone, cooldown per rule and instrument) and makes the sanitized message.
 * An order template only ever becomes the text of a `:buy`/`:sell` line
 * (td_alert_rules_order) that the UI opens a ticket with: the ticket's risk
 * checks and confirmation keystroke still decide; nothing here sends or
 * creates an order.
 *
 * Engine thread only; no ncurses, no threads, no engine state.  The book,
 * the lookup's context and the notifier params are borrowed.
 */
#ifndef TD_ALERT_RULES_H
#define TD_ALERT_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alert/book.h"
#include "alert/expr.h"
#include "alert/message.h"
#include "alert/notifier.h"
#include "core/time.h"

#define TD_ALERT_NAME_LEN 32        /* characters of a rule name: [A-Za-z0-9_.-] */
#define TD_ALERT_RULES_MAX 10000    /* rules in one set */
#define TD_ALERT_INSTRUMENTS_MAX 64 /* instruments one rule names in `instruments` */
#define TD_ALERT_COOLDOWN_MAX (24LL * 3600)  /* seconds */

typedef struct td_alert_rules td_alert_rules;

typedef struct td_alert_rules_params {
	/* The book rules are attached to (borrowed, must outlive the set); NULL attaches nothing. */
	td_alert_book *book;
	/* Resolves `@SYMBOL` and the symbols of `instruments`; NULL: none resolves. */
	td_alert_symbol_fn lookup;
	void *lookup_ctx;
	/* The instruments of `instruments = *` (the watchlist); copied. */
	const uint32_t *defaults;
	size_t ndefaults;
	/*
	 * Webhook targets for checking and resolving `sinks` (borrowed, must
	 * outlive the set); NULL: words other than pane and bell are kept as
	 * written and resolve to no sink.
	 */
	const td_notifier_params *notifier;
	/* The market running ("us", "in"); rules of alerts.conf with another `market` are left out; NULL keeps all. */
	const char *market;
	/* The state file; NULL or "" keeps run-time changes in memory only. */
	const char *state_path;
} td_alert_rules_params;

/* NULL when out of memory. */
td_alert_rules *td_alert_rules_new(const td_alert_rules_params *p);

/* Detach every rule from the book and free the set (free it before the book). */
void td_alert_rules_free(td_alert_rules *r);

/*
 * Find alerts.conf the way holidays.conf is found (core/calendar.h):
 * $XDG_CONFIG_HOME/tapedeck/alerts.conf, then beside the program
 * (../config/alerts.conf, ../share/tapedeck/config/alerts.conf), then
 * ./config/alerts.conf, then the data directory chosen at build time.
 * 0 with the path, or -1 when there is none.
 */
int td_alert_rules_locate(char *path, size_t n);

/* $XDG_STATE_HOME/tapedeck/alerts.state (or ~/.local/state/...); 0, or -1 when no home is known. */
int td_alert_rules_state_path(char *path, size_t n);

/*
 * A problem (or a note: a run-time rule replaced one of alerts.conf) found
 * while loading, for the log: "FILE:LINE: what".  An expression error adds
 * the rule and a caret line under the bad token, so msg may hold several
 * lines separated by '\n'; log each one.
 */
typedef void (*td_alert_rules_msg_fn)(void *user, const char *msg);

/*
 * Load conf_path (NULL: td_alert_rules_locate's; none found is no rules),
 * then the state file, once, on a new set.  Every bad line and every bad
 * rule goes to fn (may be NULL) and the rest still loads: a refused rule is
 * listed, with why, but never attached.  A state file this build cannot read
 * (another version, a bad line) is named and left alone: run-time changes
 * are then refused, so it is never overwritten.  Returns 0 when everything
 * loaded, -1 when something was refused (td_alert_rules_describe sums up).
 */
int td_alert_rules_load(td_alert_rules *r, const char *conf_path, td_alert_rules_msg_fn fn, void *user);

typedef struct td_alert_rules_report {
	size_t rules;       /* in the set, refused ones included */
	size_t enabled;     /* enabled and attached */
	size_t refused;     /* rules that did not load: listed ones, and those with a bad or repeated name */
	size_t bad_lines;   /* malformed lines, keys outside a rule, unknown sections */
	bool state_locked;  /* the state file was not understood: changes are refused */
} td_alert_rules_report;

void td_alert_rules_report_get(const td_alert_rules *r, td_alert_rules_report *out);

/* One line for the status bar: "alerts: 12 rules, 9 enabled, 1 refused (see the log)". */
void td_alert_rules_describe(const td_alert_rules *r, char *buf, size_t n);

/*
 * Change the instruments of `instruments = *` (the watchlist changed) and
 * re-attach the rules that use them; their cooldowns start afresh.  0, or
 * -1 with err for the first rule that could not be attached (it is left
 * detached).
 */
int td_alert_rules_set_defaults(td_alert_rules *r, const uint32_t *ids, size_t n, char *err, size_t errlen);

/* ---- The :alert command -------------------------------------------------------------- */

/*
 * Run one `:alert` command line (args without ":alert"):
 *
 *   add NAME EXPRESSION [level=L] [cooldown=D] [sinks=S] [instruments=A,B]
 *                       [days=D] [hours=H] [message="..."] [order="..."]
 *   list | show NAME | enable NAME | disable NAME | delete NAME
 *
 * Options are the trailing words key=value with a single '=' (so `x <= 3`
 * and `a == b` stay in the expression); a value with blanks is written in
 * double quotes.  A change is saved before success is returned; when the
 * save fails the change is undone and the error says why.  Returns 0 with
 * what was done in out, or -1 with what and where (an expression error
 * adds the rule and a caret line: out may hold several lines).
 */
int td_alert_rules_command(td_alert_rules *r, const char *args, char *out, size_t outlen);

/* ---- Listing ---------------------------------------------------------------------------- */

/* Where a rule was defined. */
typedef enum td_alert_origin {
	TD_ALERT_FROM_FILE = 0,   /* alerts.conf, at file:line */
	TD_ALERT_FROM_RUNTIME,    /* :alert add, kept in the state file */
} td_alert_origin;

/* A rule as listed; the strings belong to the set and live until its next change. */
typedef struct td_alert_rule_info {
	uint32_t id;              /* the rule id of the book's firings */
	const char *name;
	const char *expr;
	td_alert_level level;
	int64_t cooldown_s;
	const char *days, *hours, *instruments, *sinks;   /* as written, or the default */
	const char *message, *order;                      /* "" when none */
	bool enabled;
	const char *error;        /* why the rule was refused; NULL when it loaded */
	td_alert_origin origin;
	const char *file;         /* FROM_FILE: the file (its path with any control characters dropped) */
	int line;                 /* FROM_FILE: the line of its section */
	size_t attached;          /* instruments it is attached to in the book */
} td_alert_rule_info;

size_t td_alert_rules_count(const td_alert_rules *r);
/* The i-th rule in order of definition; -1 when i is out of range. */
int td_alert_rules_get(const td_alert_rules *r, size_t i, td_alert_rule_info *out);
/* The rule named name (case-sensitive); -1 when there is none. */
int td_alert_rules_find(const td_alert_rules *r, const char *name, td_alert_rule_info *out);

/* ---- Firing ------------------------------------------------------------------------------ */

/* What the gate decided about a firing edge. */
typedef enum td_alert_gate {
	TD_ALERT_ADMIT = 0,
	TD_ALERT_NO_RULE,     /* the id is not (or no longer) a rule of the set, or not on that instrument */
	TD_ALERT_DISABLED,    /* disabled since the edge was made, or refused */
	TD_ALERT_OFF_DAY,     /* not one of the rule's days, in the exchange's zone */
	TD_ALERT_OFF_HOURS,   /* outside the rule's hours, in the exchange's zone */
	TD_ALERT_COOLDOWN,    /* within the cooldown of the last admitted firing of this rule and instrument */
	TD_ALERT_GATE_COUNT
} td_alert_gate;

/* "admitted", "no such rule", "disabled", "not an active day", "outside active hours", "cooling down". */
const char *td_alert_gate_name(td_alert_gate g);

/* The UI's own sinks, beside the notifier's td_sinks. */
#define TD_ALERT_UI_PANE 1u   /* the alerts pane's log */
#define TD_ALERT_UI_BELL 2u   /* the terminal bell and the status bar flash */

/* An admitted firing. */
typedef struct td_alert_fired {
	td_alert_msg msg;         /* sanitized: level, rule name, symbol, text */
	td_sinks sinks;           /* for td_notifier_post; 0 = none */
	unsigned ui;              /* TD_ALERT_UI_* bits */
	uint32_t rule;            /* the rule id */
	uint32_t inst;
	bool has_order;           /* td_alert_rules_order can make an order line */
} td_alert_fired;

/*
 * Gate the firing f (from td_alert_book_evaluate or _tick, just made) at
 * now (the clock of the book: exchange time) and, when admitted, fill *out:
 * the message is the rule's template with its placeholders filled from the
 * book, or the expression and td_alert_book_explain's values.  tz is the
 * exchange's zone for days and hours (NULL: UTC); symbol is the
 * instrument's, from outside (sanitized here).  An admitted firing starts
 * the cooldown of the rule on that instrument.
 */
td_alert_gate td_alert_rules_fire(td_alert_rules *r, const td_alert_fire *f, td_ns now, const td_tz *tz,
				  const char *symbol, td_alert_fired *out);

/* Counts of the gate's decisions since the set was made, indexed by td_alert_gate. */
void td_alert_rules_gate_stats(const td_alert_rules *r, uint64_t out[TD_ALERT_GATE_COUNT]);

/*
 * Write a price for an order line: price in the instrument's format, on its
 * tick (the caller rounds); 0, or -1 when it cannot (the fill fails).
 */
typedef int (*td_alert_price_fn)(void *ctx, uint32_t inst, double price, char *buf, size_t n);

/*
 * The order line of rule's template for inst, its placeholders filled from
 * the book's facts now: "buy 100 SPY lmt 512.26".  Prices go through
 * price_fn when given, else are rounded to the nearest multiple of the
 * instrument's `tick` fact and written with its decimals (unrounded, 4
 * decimals, when the tick is unknown).  0, or -1 with err: no such rule, no
 * order template, or a fact it reads is unknown.
 */
int td_alert_rules_order(const td_alert_rules *r, uint32_t rule, uint32_t inst, const char *symbol,
			 td_alert_price_fn price_fn, void *ctx, char *out, size_t outlen, char *err, size_t errlen);

#endif
