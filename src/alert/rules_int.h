/*
 * Inside the alert rule set (rules.h): the rule record and the set, shared
 * by rules.c (building, attaching, listing), rules_file.c (alerts.conf and
 * the state file), rules_cmd.c (the :alert command) and rules_fire.c (the
 * gate and the templates).  Private to src/alert.
 *
 * A rule keeps every value as it was written (NULL when left to the
 * default), so the state file can write a run-time rule back exactly and a
 * refused one is kept rather than lost, and the parsed form the gate and
 * the book use.
 */
#ifndef TD_ALERT_RULES_INT_H
#define TD_ALERT_RULES_INT_H

#include <locale.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alert/rules.h"

/*
 * The keys of a rule: X(ID, name, default, option, meaning).  option: it
 * may be given to `:alert add` as key=value; `expr` is the command's
 * expression, `enabled` is what enable/disable change, and `market` is
 * alerts.conf's only.
 */
#define TD_AR_KEYS(X) \
	X(EXPR,        "expr",        NULL,        false, "the condition, in the alert language") \
	X(LEVEL,       "level",       "info",      true,  "info, warning or critical") \
	X(COOLDOWN,    "cooldown",    "5m",        true,  "quiet time after a firing, per instrument: 90s, 5m, 1h, 0") \
	X(DAYS,        "days",        "mon-fri",   true,  "active days in the exchange's zone: mon-fri, mon,wed,fri, all") \
	X(HOURS,       "hours",       "all",       true,  "active hours in the exchange's zone: 09:30-16:00, all") \
	X(INSTRUMENTS, "instruments", "*",         true,  "symbols the rule watches; * = the watchlist") \
	X(SINKS,       "sinks",       "pane,bell", true,  "pane, bell, desktop, webhooks, all or a webhook target") \
	X(MESSAGE,     "message",     "",          true,  "message template: {symbol} {rule} {level} {expr} {explain} {FACT}") \
	X(ORDER,       "order",       "",          true,  "order template: a :buy/:sell line with {symbol} and {PRICE-FACT}") \
	X(ENABLED,     "enabled",     "true",      false, "true or false") \
	X(MARKET,      "market",      "",          false, "alerts.conf only: load the rule on this market only (us, in)")

typedef enum td_ar_key {
#define TD_AR_KEY_ENUM(id, name, def, option, meaning) TD_AR_##id,
	TD_AR_KEYS(TD_AR_KEY_ENUM)
#undef TD_AR_KEY_ENUM
	TD_AR_NKEYS
} td_ar_key;

typedef struct td_ar_key_info {
	const char *name;
	const char *def;       /* NULL: required */
	bool option;
	const char *meaning;
} td_ar_key_info;

extern const td_ar_key_info td_ar_keys[TD_AR_NKEYS];

/* The key named name, or -1. */
int td_ar_key_find(const char *name);

#define TD_AR_HOURS_MAX 4   /* ranges in `hours` */

/* One instrument a rule is attached to, with its cooldown. */
typedef struct td_ar_att {
	uint32_t inst;
	bool fired;            /* an admitted firing happened; last is its time */
	td_ns last;
} td_ar_att;

typedef struct td_ar_rule {
	uint32_t id;                       /* 0 until it is given one */
	char name[TD_ALERT_NAME_LEN + 1];
	td_alert_origin origin;
	int line;                          /* FROM_FILE: its section's line */
	char *val[TD_AR_NKEYS];            /* as written, NULL = the default; owned */
	/* parsed */
	td_alert_level level;
	int64_t cooldown_s;
	uint8_t days;                      /* bit d: weekday d (0 = Sunday) */
	int nhours;                        /* 0 = all day */
	td_ns hours[TD_AR_HOURS_MAX][2];   /* [from, to) local ns after midnight; to < from wraps midnight */
	bool star;                         /* instruments = * */
	uint32_t *insts;                   /* the named instruments (owned) */
	size_t ninsts;
	td_sinks sinks;
	unsigned ui;                       /* TD_ALERT_UI_* */
	bool enabled;
	bool file_enabled;                 /* FROM_FILE: `enabled` as the file says */
	bool shadows;                      /* FROM_RUNTIME: it replaced a rule of alerts.conf of its name */
	td_alert_expr *expr;               /* NULL when refused */
	char *error;                       /* why it was refused (owned); NULL when it loaded */
	td_ar_att *att;                    /* attached instruments, in the book's order of attaching */
	size_t natt, capatt;
} td_ar_rule;

/* What the state file says about a rule of alerts.conf. */
typedef enum td_ar_change {
	TD_AR_CH_ENABLED = 0,
	TD_AR_CH_DISABLED,
	TD_AR_CH_DELETED,
} td_ar_change;

typedef struct td_ar_override {
	char name[TD_ALERT_NAME_LEN + 1];
	td_ar_change change;
} td_ar_override;

struct td_alert_rules {
	td_alert_book *book;               /* borrowed, may be NULL */
	td_alert_symbol_fn lookup;
	void *lookup_ctx;
	uint32_t *defaults;                /* owned copy */
	size_t ndefaults;
	const td_notifier_params *notifier;   /* borrowed, may be NULL */
	char market[16];
	char *state_path;                  /* owned; NULL = changes stay in memory */
	char conf_path[4096];              /* the alerts.conf loaded, sanitized for messages; "" = none */
	td_ar_rule **rule;                 /* in order of definition, so by increasing id */
	size_t n, cap;
	td_ar_override *ov;                /* for rules of alerts.conf, by name; kept even for names not loaded */
	size_t nov, capov;
	uint32_t next_id;
	bool loaded;
	bool state_locked;                 /* the state file was not understood: never write it */
	char lock_why[1024];
	size_t refused;                    /* rules refused and not kept (a bad or repeated name) */
	size_t bad_lines;                  /* lines outside any rule that were bad */
	uint64_t gate[TD_ALERT_GATE_COUNT];
	locale_t c_locale;                 /* numbers in messages and order lines are written with a '.' */
};

/* Reports one problem of a rule's key (msg without file or line); used by the loader and the command. */
typedef void (*td_ar_bad_fn)(void *ctx, td_ar_key key, const char *msg);

/* A new rule record named name (not in the set yet); NULL when out of memory. */
td_ar_rule *td_ar_rule_new(const char *name, td_alert_origin origin, int line);
void td_ar_rule_free(td_ar_rule *ru);

/* Set a written value (copied); 0, or -1 when out of memory. */
int td_ar_rule_set(td_ar_rule *ru, td_ar_key k, const char *value);

/* The value as written, or the default ("" for a required key left out). */
const char *td_ar_value(const td_ar_rule *ru, td_ar_key k);

/* Whether name is a valid rule name; -1 with why when not. */
int td_ar_name_check(const char *name, char *why, size_t whylen);

/*
 * Parse every value but the expression into the rule's fields, reporting
 * each bad one through bad; 0, or -1 when any was bad.
 */
int td_ar_rule_parse(td_alert_rules *r, td_ar_rule *ru, td_ar_bad_fn bad, void *ctx);

/* Compile the expression; 0, or -1 with err (column 0 when it is missing). */
int td_ar_rule_compile(td_alert_rules *r, td_ar_rule *ru, td_alert_error *err);

/*
 * Write an expression error as "column C: what" and the caret drawing
 * under the text on the next lines (width 0: no limit).
 */
void td_ar_expr_error(const char *text, const td_alert_error *err, char *buf, size_t n);

/* Mark ru refused with why (copied); it stays detached. */
void td_ar_rule_refuse(td_ar_rule *ru, const char *why);

/* Attach an enabled, loaded rule to the book for its instruments; 0, or -1 with err (nothing left attached). */
int td_ar_attach(td_alert_rules *r, td_ar_rule *ru, char *err, size_t errlen);
void td_ar_detach(td_alert_rules *r, td_ar_rule *ru);

/* Append ru to the set, with the next id unless it has one (td_ar_new_id); 0, or -1 when full or out of memory. */
int td_ar_append(td_alert_rules *r, td_ar_rule *ru);
/* Take the rule at index i out of the set (the caller frees or re-inserts it). */
td_ar_rule *td_ar_remove(td_alert_rules *r, size_t i);
/* Put ru back at index i (after td_ar_remove; room is there). */
void td_ar_insert(td_alert_rules *r, size_t i, td_ar_rule *ru);

/* Index of the rule named name, or -1. */
long td_ar_index(const td_alert_rules *r, const char *name);
/* The rule with id, or NULL (binary search: the set is in increasing id order). */
td_ar_rule *td_ar_by_id(const td_alert_rules *r, uint32_t id);

/* The override for name, or NULL. */
td_ar_override *td_ar_override_find(td_alert_rules *r, const char *name);
/* Set (add or change) the override for name; 0, or -1 when out of memory. */
int td_ar_override_set(td_alert_rules *r, const char *name, td_ar_change change);
/* Remove the override for name, if any. */
void td_ar_override_clear(td_alert_rules *r, const char *name);

/* Write the state file (a no-op without one); 0; 1 with a warning in err when saved but not synced; -1 with err. */
int td_ar_save(td_alert_rules *r, char *err, size_t errlen);

/* Check a message (order false) or order template; 0, or -1 with why. */
int td_ar_template_check(const char *t, bool order, char *why, size_t whylen);

#endif
