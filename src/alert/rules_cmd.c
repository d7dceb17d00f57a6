/*
 * The :alert command (rules.h): add, list, show, enable, disable, delete.
 *
 * `add NAME EXPRESSION [key=value ...]`: the options are the trailing words
 * made of a key, one '=' and a value.  The alert language has no single
 * '=' (it writes ==, <=, >=, !=), so such a word never belongs to a valid
 * expression: `x <= 3 level=critical` splits after 3, and a trailing
 * `foo=1` with an unknown key is an error rather than part of the rule.
 * Words are separated by blanks outside double quotes, so a value (or an
 * `@"BRK B"` in the expression) may hold blanks.
 *
 * Every change is made, saved, and undone when the save fails; the steps
 * that could fail (compiling, attaching) come before the save, and the
 * undo steps cannot fail.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert/rules_int.h"
#include "core/text.h"

#define ARGS_MAX 4096
#define TOKS_MAX (ARGS_MAX / 2 + 1)

#define USAGE "usage: alert add NAME EXPRESSION [level=L] [cooldown=D] [sinks=S] [instruments=A,B] [days=D] " \
	      "[hours=H] [message=\"...\"] [order=\"...\"] | list | show NAME | enable NAME | disable NAME | delete NAME"

typedef struct tok {
	const char *s;
	size_t len;
} tok;

/* A bounded output that keeps what fits. */
typedef struct out {
	char *buf;
	size_t len, used;
} out;

__attribute__((format(printf, 2, 3)))
static void outf(out *o, const char *fmt, ...)
{
	if (o->len == 0 || o->used + 1 >= o->len)
		return;
	va_list ap;
	va_start(ap, fmt);
	int w = vsnprintf(o->buf + o->used, o->len - o->used, fmt, ap);
	va_end(ap);
	if (w > 0)
		o->used = o->used + (size_t)w < o->len ? o->used + (size_t)w : o->len - 1;
}

__attribute__((format(printf, 2, 3)))
static int fail(out *o, const char *fmt, ...)
{
	if (o->len == 0)
		return -1;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(o->buf, o->len, fmt, ap);
	va_end(ap);
	return -1;
}

/* Split s into words; 0, or -1 with why (an unclosed quote, too many words). */
static int tokenize(const char *s, tok *t, size_t max, size_t *n, out *o)
{
	*n = 0;
	for (const char *p = s;;) {
		p += strspn(p, " \t");
		if (!*p)
			return 0;
		if (*n == max)
			return fail(o, "alert: too many words");
		const char *start = p;
		bool quoted = false;
		for (; *p && (quoted || (*p != ' ' && *p != '\t')); p++)
			if (*p == '"')
				quoted = !quoted;
		if (quoted)
			return fail(o, "alert: missing closing '\"' (column %zu)", (size_t)(strrchr(start, '"') - s) + 1);
		t[(*n)++] = (tok){ start, (size_t)(p - start) };
	}
}

static bool tok_is(const tok *t, const char *word)
{
	return t->len == strlen(word) && strncmp(t->s, word, t->len) == 0;
}

/* Whether t is key=value: a key of letters and '_', then one '=' not followed by another. */
static bool is_option(const tok *t)
{
	size_t k = 0;
	while (k < t->len && ((t->s[k] >= 'a' && t->s[k] <= 'z') || (t->s[k] >= 'A' && t->s[k] <= 'Z') || t->s[k] == '_'))
		k++;
	return k > 0 && k < t->len && t->s[k] == '=' && (k + 1 == t->len || t->s[k + 1] != '=');
}

/* The one NAME argument of a command; 0, or -1 with why. */
static int name_arg(const tok *t, size_t n, const char *cmd, char name[TD_ALERT_NAME_LEN + 1], out *o)
{
	if (n != 2)
		return fail(o, "alert %s: give one rule name", cmd);
	if (t[1].len > TD_ALERT_NAME_LEN)
		return fail(o, "alert %s: rule name is longer than %d characters", cmd, TD_ALERT_NAME_LEN);
	memcpy(name, t[1].s, t[1].len);
	name[t[1].len] = '\0';
	return 0;
}

/* The rule named name, or NULL with why. */
static td_ar_rule *named(td_alert_rules *r, const char *name, long *at, out *o)
{
	char clean[TD_ALERT_NAME_LEN * 4 + 1];
	*at = td_ar_index(r, name);
	if (*at >= 0)
		return r->rule[*at];
	td_text_sanitize(clean, sizeof clean, name);
	fail(o, "no alert rule named '%s'", clean);
	return NULL;
}

/* Where a rule comes from, for messages. */
static void origin(const td_alert_rules *r, const td_ar_rule *ru, char *buf, size_t n)
{
	if (ru->origin == TD_ALERT_FROM_FILE)
		snprintf(buf, n, "%s:%d", r->conf_path, ru->line);
	else
		snprintf(buf, n, "added at run time");
}

/* Save after a change; on failure the caller undoes it.  A warning (saved, not synced) is appended to o. */
static int save(td_alert_rules *r, out *o)
{
	char err[768];
	int rc = td_ar_save(r, err, sizeof err);
	if (rc < 0)
		return fail(o, "alert: the change is undone: %s", err);
	if (rc > 0)
		outf(o, " (warning: %s)", err);
	return 0;
}

/* ---- add ------------------------------------------------------------------------------------ */

/* Take the option word t into ru; 0, or -1 with why. */
static int take_option(td_ar_rule *ru, const tok *t, out *o)
{
	char key[32], clean[64];
	size_t klen = (size_t)((const char *)memchr(t->s, '=', t->len) - t->s);
	const char *v = t->s + klen + 1;
	size_t vlen = t->len - klen - 1;

	td_strlcpy(key, t->s, klen + 1 < sizeof key ? klen + 1 : sizeof key);
	int k = td_ar_key_find(key);
	if (k < 0 || !td_ar_keys[k].option) {
		td_text_sanitize(clean, sizeof clean, key);
		return fail(o, "alert add: unknown option '%s' (level, cooldown, days, hours, instruments, sinks, message, "
			    "order); a comparison is written ==", clean);
	}
	if (ru->val[k])
		return fail(o, "alert add: option '%s' given twice", key);
	if (vlen >= 2 && v[0] == '"' && v[vlen - 1] == '"') {
		v++;
		vlen -= 2;
	}
	if (memchr(v, '"', vlen))
		return fail(o, "alert add: option '%s': put the whole value in double quotes", key);
	char *val = strndup(v, vlen);
	if (!val)
		return fail(o, "alert add: out of memory");
	int rc = td_ar_rule_set(ru, (td_ar_key)k, td_trim(val));
	free(val);
	if (rc < 0)
		return fail(o, "alert add: out of memory");
	if (!*ru->val[k])
		return fail(o, "alert add: option '%s' needs a value", key);
	return 0;
}

/* Where first_bad keeps the first problem of a rule's values. */
typedef struct first {
	char buf[512];
} first;

/* td_ar_bad_fn for add: keep the first problem. */
static void first_bad(void *ctx, td_ar_key k, const char *msg)
{
	first *f = ctx;
	(void)k;
	if (!f->buf[0])
		td_strlcpy(f->buf, msg, sizeof f->buf);
}

/* Build, compile and attach the rule of an add; NULL with why. */
static td_ar_rule *build(td_alert_rules *r, const char *name, const tok *t, size_t n, out *o)
{
	size_t first_opt = n;
	while (first_opt > 2 && is_option(&t[first_opt - 1]))
		first_opt--;
	if (first_opt == 2)
		return fail(o, "alert add: no expression after the name '%s'", name), NULL;
	td_ar_rule *ru = td_ar_rule_new(name, TD_ALERT_FROM_RUNTIME, 0);
	char *expr = ru ? strndup(t[2].s, (size_t)(t[first_opt - 1].s + t[first_opt - 1].len - t[2].s)) : NULL;
	if (!expr || td_ar_rule_set(ru, TD_AR_EXPR, expr) < 0) {
		free(expr);
		td_ar_rule_free(ru);
		return fail(o, "alert add: out of memory"), NULL;
	}
	free(expr);
	for (size_t i = first_opt; i < n; i++)
		if (take_option(ru, &t[i], o) < 0)
			goto bad;
	first problem = { "" };
	if (td_ar_rule_parse(r, ru, first_bad, &problem) < 0) {
		fail(o, "rule '%s': %s", name, problem.buf);
		goto bad;
	}
	td_alert_error err;
	if (td_ar_rule_compile(r, ru, &err) < 0) {
		char msg[2048];
		td_ar_expr_error(ru->val[TD_AR_EXPR], &err, msg, sizeof msg);
		fail(o, "rule '%s': %s", name, msg);
		goto bad;
	}
	/* the id the book knows it by, now; it stays the largest, so the set stays in id order */
	ru->id = r->next_id++;
	char why[256];
	if (td_ar_attach(r, ru, why, sizeof why) < 0) {
		fail(o, "rule '%s': %s", name, why);
		goto bad;
	}
	return ru;
bad:
	td_ar_rule_free(ru);
	return NULL;
}

static int cmd_add(td_alert_rules *r, const tok *t, size_t n, out *o)
{
	char name[TD_ALERT_NAME_LEN * 4 + 1], why[256], where[4200];
	if (n < 3)
		return fail(o, "alert add: give a name and an expression");
	if (t[1].len > TD_ALERT_NAME_LEN)
		return fail(o, "alert add: rule name is longer than %d characters", TD_ALERT_NAME_LEN);
	memcpy(name, t[1].s, t[1].len);
	name[t[1].len] = '\0';
	if (td_ar_name_check(name, why, sizeof why) < 0)
		return fail(o, "alert add: %s", why);
	long at = td_ar_index(r, name);
	if (at >= 0) {
		origin(r, r->rule[at], where, sizeof where);
		return fail(o, "alert add: a rule named '%s' already exists (%s)", name, where);
	}
	if (r->state_locked)
		return fail(o, "alert add: run-time changes cannot be saved: %s", r->lock_why);
	td_ar_rule *ru = build(r, name, t, n, o);
	if (!ru)
		return -1;
	if (td_ar_append(r, ru) < 0) {
		td_ar_detach(r, ru);
		td_ar_rule_free(ru);
		return fail(o, "alert add: out of memory or more than %d rules", TD_ALERT_RULES_MAX);
	}
	outf(o, "rule '%s' added: %s, cooldown %s, %zu instrument%s", name, td_alert_level_name(ru->level),
	     td_ar_value(ru, TD_AR_COOLDOWN), ru->natt, ru->natt == 1 ? "" : "s");
	if (save(r, o) == 0)
		return 0;
	td_ar_detach(r, ru);
	td_ar_rule_free(td_ar_remove(r, r->n - 1));
	return -1;
}

/* ---- enable, disable, delete ----------------------------------------------------------------- */

/* What a change replaced, to undo it. */
typedef struct undo {
	bool had_override;
	td_ar_change override;
	bool val_set;           /* a run-time rule's `enabled` was replaced ... */
	char *val;              /* ... and this was it (owned) */
} undo;

/*
 * Record that ru is now enabled, disabled or deleted, keeping what it
 * replaces in *u: a rule of alerts.conf in [changes], a run-time rule in its
 * own `enabled`.  Deleting a run-time rule that replaced a rule of
 * alerts.conf deletes that one too, or it would come back at the next start.
 */
static int note_change(td_alert_rules *r, td_ar_rule *ru, td_ar_change change, undo *u)
{
	td_ar_override *ov = td_ar_override_find(r, ru->name);
	*u = (undo){ .had_override = ov != NULL, .override = ov ? ov->change : TD_AR_CH_ENABLED };
	if (ru->origin == TD_ALERT_FROM_RUNTIME && change == TD_AR_CH_DELETED)
		return ru->shadows ? td_ar_override_set(r, ru->name, TD_AR_CH_DELETED) : 0;
	if (ru->origin == TD_ALERT_FROM_RUNTIME) {
		char *v = strdup(change == TD_AR_CH_ENABLED ? "true" : "false");
		if (!v)
			return -1;
		u->val_set = true;
		u->val = ru->val[TD_AR_ENABLED];
		ru->val[TD_AR_ENABLED] = v;
		return 0;
	}
	/* only a difference from alerts.conf is kept, so that an edit of the file is not hidden for nothing */
	if (change != TD_AR_CH_DELETED && (change == TD_AR_CH_ENABLED) == ru->file_enabled) {
		td_ar_override_clear(r, ru->name);
		return 0;
	}
	return td_ar_override_set(r, ru->name, change);
}

/* Put back what note_change replaced; cannot fail (a cleared override's slot is still allocated). */
static void undo_change(td_alert_rules *r, td_ar_rule *ru, undo *u)
{
	if (u->val_set) {
		free(ru->val[TD_AR_ENABLED]);
		ru->val[TD_AR_ENABLED] = u->val;
		u->val_set = false;
		u->val = NULL;
	}
	if (u->had_override)
		td_ar_override_set(r, ru->name, u->override);
	else
		td_ar_override_clear(r, ru->name);
}

static int cmd_enable(td_alert_rules *r, const tok *t, size_t n, bool on, out *o)
{
	const char *cmd = on ? "enable" : "disable";
	char name[TD_ALERT_NAME_LEN + 1], why[256];
	long at;
	undo u;

	if (name_arg(t, n, cmd, name, o) < 0)
		return -1;
	td_ar_rule *ru = named(r, name, &at, o);
	if (!ru)
		return -1;
	if (on && ru->error)
		return fail(o, "rule '%s' was refused: %s", name, ru->error);
	if (ru->enabled == on) {
		outf(o, "rule '%s' is already %sd", name, cmd);
		return 0;
	}
	if (r->state_locked)
		return fail(o, "alert %s: run-time changes cannot be saved: %s", cmd, r->lock_why);
	ru->enabled = on;
	if (on && td_ar_attach(r, ru, why, sizeof why) < 0) {
		ru->enabled = false;
		return fail(o, "rule '%s': %s", name, why);
	}
	if (note_change(r, ru, on ? TD_AR_CH_ENABLED : TD_AR_CH_DISABLED, &u) < 0) {
		ru->enabled = !on;
		if (on)
			td_ar_detach(r, ru);
		return fail(o, "alert %s: out of memory", cmd);
	}
	outf(o, "rule '%s' %sd", name, cmd);
	if (save(r, o) < 0) {
		undo_change(r, ru, &u);
		ru->enabled = !on;
		if (on)
			td_ar_detach(r, ru);
		return -1;
	}
	free(u.val);
	if (!on)
		td_ar_detach(r, ru);
	return 0;
}

static int cmd_delete(td_alert_rules *r, const tok *t, size_t n, out *o)
{
	char name[TD_ALERT_NAME_LEN + 1];
	long at;
	undo u;

	if (name_arg(t, n, "delete", name, o) < 0)
		return -1;
	td_ar_rule *ru = named(r, name, &at, o);
	if (!ru)
		return -1;
	if (r->state_locked)
		return fail(o, "alert delete: run-time changes cannot be saved: %s", r->lock_why);
	if (note_change(r, ru, TD_AR_CH_DELETED, &u) < 0)
		return fail(o, "alert delete: out of memory");
	td_ar_remove(r, (size_t)at);
	outf(o, "rule '%s' deleted", name);
	if (save(r, o) < 0) {
		td_ar_insert(r, (size_t)at, ru);
		undo_change(r, ru, &u);
		return -1;
	}
	td_ar_detach(r, ru);
	td_ar_rule_free(ru);
	return 0;
}

/* ---- list, show ------------------------------------------------------------------------------- */

static const char *state_word(const td_ar_rule *ru)
{
	return ru->error ? "refused" : ru->enabled ? "on" : "off";
}

static int cmd_list(td_alert_rules *r, size_t n, out *o)
{
	if (n != 1)
		return fail(o, "alert list: takes no arguments");
	if (r->n == 0) {
		outf(o, "no alert rules");
		return 0;
	}
	outf(o, "%-20s %-8s %-7s %-12s %s", "NAME", "LEVEL", "STATE", "INSTRUMENTS", "EXPRESSION");
	for (size_t i = 0; i < r->n; i++) {
		const td_ar_rule *ru = r->rule[i];
		outf(o, "\n%-20s %-8s %-7s %-12s %s", ru->name, td_alert_level_name(ru->level), state_word(ru),
		     td_ar_value(ru, TD_AR_INSTRUMENTS), td_ar_value(ru, TD_AR_EXPR));
	}
	return 0;
}

static int cmd_show(td_alert_rules *r, const tok *t, size_t n, out *o)
{
	char name[TD_ALERT_NAME_LEN + 1], where[4200];
	long at;

	if (name_arg(t, n, "show", name, o) < 0)
		return -1;
	const td_ar_rule *ru = named(r, name, &at, o);
	if (!ru)
		return -1;
	origin(r, ru, where, sizeof where);
	outf(o, "rule '%s' (%s): %s", ru->name, where,
	     ru->error ? "refused" : ru->enabled ? "enabled" : "disabled");
	if (!ru->error && ru->enabled)
		outf(o, ", on %zu instrument%s", ru->natt, ru->natt == 1 ? "" : "s");
	if (ru->error)
		outf(o, "\nrefused: %s", ru->error);
	for (int k = 0; k < TD_AR_NKEYS; k++)
		if (k != TD_AR_ENABLED && (k != TD_AR_MARKET || ru->val[k]))
			outf(o, "\n%s = %s%s", td_ar_keys[k].name, td_ar_value(ru, (td_ar_key)k),
			     ru->val[k] || k == TD_AR_EXPR ? "" : " (default)");
	return 0;
}

/* Sanitize each line of buf in place (a refused rule's values are as the file had them). */
static void clean_lines(char *buf, size_t len)
{
	char line[ARGS_MAX];
	size_t w = 0;
	for (char *p = buf; len && *p;) {
		size_t n = strcspn(p, "\n");
		char saved = p[n];
		p[n] = '\0';
		size_t k = td_text_sanitize(line, sizeof line, p);
		memmove(buf + w, line, k);   /* never longer than what it replaces */
		w += k;
		p[n] = saved;
		if (!saved)
			break;
		buf[w++] = '\n';
		p += n + 1;
	}
	if (len)
		buf[w] = '\0';
}

int td_alert_rules_command(td_alert_rules *r, const char *args, char *buf, size_t outlen)
{
	out o = { buf, outlen, 0 };
	tok *t;
	size_t n;

	if (outlen)
		buf[0] = '\0';
	if (!args || strlen(args) >= ARGS_MAX)
		return fail(&o, "alert: command longer than %d bytes", ARGS_MAX - 1);
	if (!(t = malloc(TOKS_MAX * sizeof *t)))
		return fail(&o, "alert: out of memory");
	int rc = tokenize(args, t, TOKS_MAX, &n, &o);
	if (rc == 0 && n == 0)
		rc = fail(&o, USAGE);
	else if (rc == 0 && tok_is(&t[0], "add"))
		rc = cmd_add(r, t, n, &o);
	else if (rc == 0 && tok_is(&t[0], "list"))
		rc = cmd_list(r, n, &o);
	else if (rc == 0 && tok_is(&t[0], "show"))
		rc = cmd_show(r, t, n, &o);
	else if (rc == 0 && (tok_is(&t[0], "enable") || tok_is(&t[0], "disable")))
		rc = cmd_enable(r, t, n, tok_is(&t[0], "enable"), &o);
	else if (rc == 0 && tok_is(&t[0], "delete"))
		rc = cmd_delete(r, t, n, &o);
	else if (rc == 0) {
		char word[40], clean[40];
		td_strlcpy(word, t[0].s, t[0].len + 1 < sizeof word ? t[0].len + 1 : sizeof word);
		td_text_sanitize(clean, sizeof clean, word);
		rc = fail(&o, "alert: unknown command '%s'; " USAGE, clean);
	}
	free(t);
	clean_lines(buf, o.len);
	return rc;
}
