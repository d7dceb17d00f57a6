/*
 * The alert rule set (rules.h): rule records, the parsing of their values,
 * compiling, attaching to the book, and listing.
 *
 * The set is an array of rules in order of definition.  Ids are handed out
 * in that order and never reused, and a rule is only ever appended, removed,
 * or put back where it was, so the array stays sorted by id and a firing
 * finds its rule by binary search.
 *
 * Attachment follows the enabled flag: an enabled rule that loaded is
 * attached to every instrument it watches; anything else is detached, so
 * the book never holds an expression the set is about to free.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "alert/rules_int.h"
#include "core/text.h"

const td_ar_key_info td_ar_keys[TD_AR_NKEYS] = {
#define TD_AR_KEY_INFO(id, name, def, option, meaning) [TD_AR_##id] = { name, def, option, meaning },
	TD_AR_KEYS(TD_AR_KEY_INFO)
#undef TD_AR_KEY_INFO
};

int td_ar_key_find(const char *name)
{
	for (int k = 0; k < TD_AR_NKEYS; k++)
		if (strcmp(td_ar_keys[k].name, name) == 0)
			return k;
	return -1;
}

/* ---- the set ------------------------------------------------------------------------- */

td_alert_rules *td_alert_rules_new(const td_alert_rules_params *p)
{
	td_alert_rules *r = calloc(1, sizeof *r);
	if (!r)
		return NULL;
	r->book = p->book;
	r->lookup = p->lookup;
	r->lookup_ctx = p->lookup_ctx;
	r->notifier = p->notifier;
	r->next_id = 1;
	/* tapedeck runs in the user's locale, whose decimal point may be a comma; an order line needs a '.' */
	r->c_locale = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
	if (!r->c_locale)
		goto oom;
	if (p->market)
		td_strlcpy(r->market, p->market, sizeof r->market);
	if (p->state_path && *p->state_path && !(r->state_path = strdup(p->state_path)))
		goto oom;
	if (p->ndefaults) {
		r->defaults = malloc(p->ndefaults * sizeof *r->defaults);
		if (!r->defaults)
			goto oom;
		memcpy(r->defaults, p->defaults, p->ndefaults * sizeof *r->defaults);
		r->ndefaults = p->ndefaults;
	}
	return r;
oom:
	td_alert_rules_free(r);
	return NULL;
}

void td_alert_rules_free(td_alert_rules *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++) {
		td_ar_detach(r, r->rule[i]);
		td_ar_rule_free(r->rule[i]);
	}
	free(r->rule);
	free(r->ov);
	free(r->defaults);
	free(r->state_path);
	if (r->c_locale)
		freelocale(r->c_locale);
	free(r);
}

/* ---- rule records ---------------------------------------------------------------------- */

td_ar_rule *td_ar_rule_new(const char *name, td_alert_origin origin, int line)
{
	td_ar_rule *ru = calloc(1, sizeof *ru);
	if (!ru)
		return NULL;
	td_strlcpy(ru->name, name, sizeof ru->name);
	ru->origin = origin;
	ru->line = line;
	ru->enabled = ru->file_enabled = true;
	return ru;
}

void td_ar_rule_free(td_ar_rule *ru)
{
	if (!ru)
		return;
	for (int k = 0; k < TD_AR_NKEYS; k++)
		free(ru->val[k]);
	td_alert_expr_free(ru->expr);
	free(ru->insts);
	free(ru->error);
	free(ru->att);
	free(ru);
}

int td_ar_rule_set(td_ar_rule *ru, td_ar_key k, const char *value)
{
	char *v = value ? strdup(value) : NULL;
	if (value && !v)
		return -1;
	free(ru->val[k]);
	ru->val[k] = v;
	return 0;
}

const char *td_ar_value(const td_ar_rule *ru, td_ar_key k)
{
	if (ru->val[k])
		return ru->val[k];
	return td_ar_keys[k].def ? td_ar_keys[k].def : "";
}

int td_ar_name_check(const char *name, char *why, size_t whylen)
{
	size_t len = strlen(name);
	if (len == 0)
		return td_errf(why, whylen, "a rule needs a name");
	if (len > TD_ALERT_NAME_LEN)
		return td_errf(why, whylen, "rule name is longer than %d characters", TD_ALERT_NAME_LEN);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];
		if (!isalnum(c) && c != '_' && c != '.' && c != '-') {
			char clean[TD_ALERT_NAME_LEN * 4 + 1];
			td_text_sanitize(clean, sizeof clean, name);
			return td_errf(why, whylen, "bad rule name '%s': use letters, digits, '_', '.' and '-'", clean);
		}
	}
	return 0;
}

void td_ar_rule_refuse(td_ar_rule *ru, const char *why)
{
	if (ru->error)
		return;  /* the first reason stays */
	ru->error = strdup(why);
	if (!ru->error)
		ru->error = strdup("out of memory");
	td_alert_expr_free(ru->expr);
	ru->expr = NULL;
}

/* ---- values ----------------------------------------------------------------------------- */

#define QUOTE_MAX 80

/* Outside text for a message: control characters dropped, cut to fit. */
static const char *quote(char buf[QUOTE_MAX], const char *s)
{
	td_text_sanitize(buf, QUOTE_MAX, s);
	return buf;
}

/* "90s", "5m", "1h" or "0" into seconds. */
static int parse_cooldown(const char *s, int64_t *out, char *why, size_t whylen)
{
	char *end, q[QUOTE_MAX];
	if (strcmp(s, "0") == 0) {
		*out = 0;
		return 0;
	}
	if (!isdigit((unsigned char)*s))
		goto bad;
	long long v = strtoll(s, &end, 10);
	int64_t unit = strcmp(end, "s") == 0 ? 1 : strcmp(end, "m") == 0 ? 60 : strcmp(end, "h") == 0 ? 3600 : 0;
	if (unit == 0 || v > TD_ALERT_COOLDOWN_MAX || v * unit > TD_ALERT_COOLDOWN_MAX)
		goto bad;
	*out = v * unit;
	return 0;
bad:
	return td_errf(why, whylen, "bad cooldown '%s': write 90s, 5m, 1h or 0 (at most 24h)", quote(q, s));
}

static const char *const day_names[7] = { "sun", "mon", "tue", "wed", "thu", "fri", "sat" };

static int day_index(const char *s)
{
	for (int d = 0; d < 7; d++)
		if (strcasecmp(s, day_names[d]) == 0)
			return d;
	return -1;
}

/* "mon-fri", "mon,wed,fri", "fri-mon" (wraps), "all" into a weekday mask. */
static int parse_days(const char *s, uint8_t *out, char *why, size_t whylen)
{
	char buf[128], q[QUOTE_MAX];
	uint8_t mask = 0;

	if (strcasecmp(s, "all") == 0) {
		*out = 0x7f;
		return 0;
	}
	if (td_strlcpy(buf, s, sizeof buf) >= sizeof buf)
		goto bad;
	size_t n;
	char **f = td_split_csv(buf, &n);
	if (!f)
		return td_errf(why, whylen, "out of memory");
	for (size_t i = 0; i < n; i++) {
		char *dash = strchr(f[i], '-');
		if (dash)
			*dash = '\0';
		int a = day_index(td_trim(f[i])), b = dash ? day_index(td_trim(dash + 1)) : a;
		if (a < 0 || b < 0) {
			free(f);
			goto bad;
		}
		for (int d = a;; d = (d + 1) % 7) {
			mask |= (uint8_t)(1u << d);
			if (d == b)
				break;
		}
	}
	free(f);
	*out = mask;
	return 0;
bad:
	return td_errf(why, whylen, "bad days '%s': write mon-fri, mon,wed,fri or all", quote(q, s));
}

/* "09:30-16:00", "09:30-11:00,14:00-16:00", "18:00-02:00" (wraps midnight) or "all". */
static int parse_hours(const char *s, td_ar_rule *ru, char *why, size_t whylen)
{
	char buf[128], q[QUOTE_MAX];
	const char *e = "";

	ru->nhours = 0;
	if (strcasecmp(s, "all") == 0)
		return 0;
	if (td_strlcpy(buf, s, sizeof buf) >= sizeof buf)
		goto bad;
	size_t n;
	char **f = td_split_csv(buf, &n);
	if (!f)
		return td_errf(why, whylen, "out of memory");
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		char *dash = strchr(f[i], '-');
		if (!dash || ru->nhours == TD_AR_HOURS_MAX) {
			rc = -1;
			break;
		}
		*dash = '\0';
		td_ns *h = ru->hours[ru->nhours++];
		if (td_time_parse_hms(td_trim(f[i]), &h[0], &e) < 0 || td_time_parse_hms(td_trim(dash + 1), &h[1], &e) < 0)
			rc = -1;
		else if (h[0] == h[1])
			rc = -1, e = "a range from a time to itself is empty";
	}
	free(f);
	if (rc == 0)
		return 0;
bad:
	ru->nhours = 0;
	return td_errf(why, whylen, "bad hours '%s'%s%s: write 09:30-16:00 (up to %d ranges) or all", quote(q, s),
		       *e ? ": " : "", e, TD_AR_HOURS_MAX);
}

/* "*" (or empty) for the defaults, else a comma list of symbols resolved by the lookup. */
static int parse_instruments(td_alert_rules *r, const char *s, td_ar_rule *ru, char *why, size_t whylen)
{
	char buf[2048], q[QUOTE_MAX];

	free(ru->insts);
	ru->insts = NULL;
	ru->ninsts = 0;
	ru->star = *s == '\0' || strcmp(s, "*") == 0;
	if (ru->star)
		return 0;
	if (td_strlcpy(buf, s, sizeof buf) >= sizeof buf)
		return td_errf(why, whylen, "instrument list too long");
	size_t n;
	char **f = td_split_csv(buf, &n);
	if (!f)
		return td_errf(why, whylen, "out of memory");
	int rc = 0;
	if (n > TD_ALERT_INSTRUMENTS_MAX)
		rc = td_errf(why, whylen, "more than %d instruments", TD_ALERT_INSTRUMENTS_MAX);
	else if (!(ru->insts = malloc(n * sizeof *ru->insts)))
		rc = td_errf(why, whylen, "out of memory");
	for (size_t i = 0; i < n && rc == 0; i++) {
		uint32_t id;
		if (*f[i] == '\0' || strcmp(f[i], "*") == 0)
			rc = td_errf(why, whylen, "bad instrument list '%s': write * or symbols separated by commas",
				     quote(q, s));
		else if (!r->lookup || r->lookup(r->lookup_ctx, f[i], &id) != 0)
			rc = td_errf(why, whylen, "unknown instrument '%s'", quote(q, f[i]));
		else {
			bool dup = false;
			for (size_t k = 0; k < ru->ninsts; k++)
				dup |= ru->insts[k] == id;
			if (!dup)
				ru->insts[ru->ninsts++] = id;
		}
	}
	free(f);
	return rc;
}

/* Sinks: pane and bell are the UI's; the rest goes to td_sinks_parse (when there are notifier params). */
static int parse_sinks(td_alert_rules *r, const char *s, td_ar_rule *ru, char *why, size_t whylen)
{
	char buf[1024], q[QUOTE_MAX];
	char *save = NULL;

	ru->sinks = 0;
	ru->ui = 0;
	if (td_strlcpy(buf, s, sizeof buf) >= sizeof buf)
		return td_errf(why, whylen, "sink list too long");
	for (char *w = strtok_r(buf, ", \t", &save); w; w = strtok_r(NULL, ", \t", &save)) {
		td_sinks bits = 0;
		if (strcmp(w, "pane") == 0) {
			ru->ui |= TD_ALERT_UI_PANE;
			continue;
		}
		if (strcmp(w, "bell") == 0) {
			ru->ui |= TD_ALERT_UI_BELL;
			continue;
		}
		if (strcmp(w, "all") == 0)
			ru->ui |= TD_ALERT_UI_PANE | TD_ALERT_UI_BELL;
		if (r->notifier && td_sinks_parse(r->notifier, w, &bits, NULL, 0) != 0)
			return td_errf(why, whylen, "unknown sink '%s' (pane, bell, desktop, webhooks, all, or a webhook "
				       "target's name)", quote(q, w));
		ru->sinks |= bits;
	}
	return 0;
}

static int parse_bool(const char *s, bool *out, char *why, size_t whylen)
{
	char q[QUOTE_MAX];
	static const char *const yes[] = { "true", "yes", "on", "1" }, *const no[] = { "false", "no", "off", "0" };
	for (size_t i = 0; i < 4; i++) {
		if (strcasecmp(s, yes[i]) == 0)
			return *out = true, 0;
		if (strcasecmp(s, no[i]) == 0)
			return *out = false, 0;
	}
	return td_errf(why, whylen, "expected true or false, not '%s'", quote(q, s));
}

/* Parse the value of key k; 0, or -1 with why. */
static int parse_key(td_alert_rules *r, td_ar_rule *ru, td_ar_key k, char *why, size_t whylen)
{
	const char *v = td_ar_value(ru, k);
	char q[QUOTE_MAX];

	switch (k) {
	case TD_AR_LEVEL:
		if (td_alert_level_parse(v, &ru->level) == 0)
			return 0;
		return td_errf(why, whylen, "unknown level '%s' (info, warning or critical)", quote(q, v));
	case TD_AR_COOLDOWN:
		return parse_cooldown(v, &ru->cooldown_s, why, whylen);
	case TD_AR_DAYS:
		return parse_days(v, &ru->days, why, whylen);
	case TD_AR_HOURS:
		return parse_hours(v, ru, why, whylen);
	case TD_AR_INSTRUMENTS:
		return parse_instruments(r, v, ru, why, whylen);
	case TD_AR_SINKS:
		return parse_sinks(r, v, ru, why, whylen);
	case TD_AR_MESSAGE:
	case TD_AR_ORDER:
		return *v ? td_ar_template_check(v, k == TD_AR_ORDER, why, whylen) : 0;
	case TD_AR_ENABLED:
		if (parse_bool(v, &ru->enabled, why, whylen) < 0)
			return -1;
		ru->file_enabled = ru->enabled;
		return 0;
	case TD_AR_EXPR:
	case TD_AR_MARKET:
	case TD_AR_NKEYS:
		break;
	}
	return 0;
}

int td_ar_rule_parse(td_alert_rules *r, td_ar_rule *ru, td_ar_bad_fn bad, void *ctx)
{
	char why[512], msg[600];
	int rc = 0;
	for (int k = 0; k < TD_AR_NKEYS; k++) {
		if (parse_key(r, ru, (td_ar_key)k, why, sizeof why) == 0)
			continue;
		snprintf(msg, sizeof msg, "%s: %s", td_ar_keys[k].name, why);
		if (bad)
			bad(ctx, (td_ar_key)k, msg);
		td_ar_rule_refuse(ru, msg);
		rc = -1;
	}
	return rc;
}

int td_ar_rule_compile(td_alert_rules *r, td_ar_rule *ru, td_alert_error *err)
{
	if (!ru->val[TD_AR_EXPR] || !*ru->val[TD_AR_EXPR]) {
		*err = (td_alert_error){ 0 };
		snprintf(err->msg, sizeof err->msg, "no expr: a rule needs a condition");
		return -1;
	}
	td_alert_expr_free(ru->expr);
	ru->expr = td_alert_compile(ru->val[TD_AR_EXPR], r->lookup, r->lookup_ctx, err);
	return ru->expr ? 0 : -1;
}

void td_ar_expr_error(const char *text, const td_alert_error *err, char *buf, size_t n)
{
	if (err->column <= 0) {
		snprintf(buf, n, "%s", err->msg);
		return;
	}
	int w = snprintf(buf, n, "column %d: %s\n", err->column, err->msg);
	if (w < 0 || (size_t)w >= n)
		return;
	td_alert_error caret = *err;
	caret.msg[0] = '\0';
	td_alert_error_render(text, &caret, 0, buf + w, n - (size_t)w);
	size_t len = strlen(buf);
	while (len && buf[len - 1] == '\n')
		buf[--len] = '\0';
}

/* ---- attaching ---------------------------------------------------------------------------- */

/* Attach ru to inst and note it; 0, or -1 with err. */
static int attach_one(td_alert_rules *r, td_ar_rule *ru, uint32_t inst, char *err, size_t errlen)
{
	if (ru->natt == ru->capatt) {
		size_t cap = ru->capatt ? 2 * ru->capatt : 4;
		td_ar_att *a = realloc(ru->att, cap * sizeof *a);
		if (!a)
			return td_errf(err, errlen, "out of memory");
		ru->att = a;
		ru->capatt = cap;
	}
	if (td_alert_book_attach(r->book, ru->id, ru->expr, inst, err, errlen) != 0)
		return -1;
	ru->att[ru->natt++] = (td_ar_att){ .inst = inst };
	return 0;
}

int td_ar_attach(td_alert_rules *r, td_ar_rule *ru, char *err, size_t errlen)
{
	if (!r->book || ru->natt || !ru->expr || ru->error || !ru->enabled)
		return 0;
	const uint32_t *ids = ru->star ? r->defaults : ru->insts;
	size_t n = ru->star ? r->ndefaults : ru->ninsts;
	for (size_t i = 0; i < n; i++) {
		if (attach_one(r, ru, ids[i], err, errlen) != 0) {
			td_ar_detach(r, ru);
			return -1;
		}
	}
	return 0;
}

void td_ar_detach(td_alert_rules *r, td_ar_rule *ru)
{
	if (r->book && ru->natt)
		td_alert_book_detach_rule(r->book, ru->id);
	ru->natt = 0;
}

int td_alert_rules_set_defaults(td_alert_rules *r, const uint32_t *ids, size_t n, char *err, size_t errlen)
{
	uint32_t *copy = NULL;
	if (n && !(copy = malloc(n * sizeof *copy)))
		return td_errf(err, errlen, "out of memory");
	if (n)
		memcpy(copy, ids, n * sizeof *copy);
	free(r->defaults);
	r->defaults = copy;
	r->ndefaults = n;
	int rc = 0;
	for (size_t i = 0; i < r->n; i++) {
		td_ar_rule *ru = r->rule[i];
		if (!ru->star)
			continue;
		td_ar_detach(r, ru);
		char why[256];
		if (td_ar_attach(r, ru, why, sizeof why) != 0 && rc == 0)
			rc = td_errf(err, errlen, "rule '%s': %s", ru->name, why);
	}
	return rc;
}

/* ---- the array ------------------------------------------------------------------------------ */

int td_ar_append(td_alert_rules *r, td_ar_rule *ru)
{
	if (r->n >= TD_ALERT_RULES_MAX)
		return -1;
	if (r->n == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 16;
		td_ar_rule **v = realloc(r->rule, cap * sizeof *v);
		if (!v)
			return -1;
		r->rule = v;
		r->cap = cap;
	}
	if (ru->id == 0)
		ru->id = r->next_id++;
	r->rule[r->n++] = ru;
	return 0;
}

td_ar_rule *td_ar_remove(td_alert_rules *r, size_t i)
{
	td_ar_rule *ru = r->rule[i];
	memmove(&r->rule[i], &r->rule[i + 1], (r->n - i - 1) * sizeof r->rule[0]);
	r->n--;
	return ru;
}

void td_ar_insert(td_alert_rules *r, size_t i, td_ar_rule *ru)
{
	memmove(&r->rule[i + 1], &r->rule[i], (r->n - i) * sizeof r->rule[0]);
	r->rule[i] = ru;
	r->n++;
}

long td_ar_index(const td_alert_rules *r, const char *name)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->rule[i]->name, name) == 0)
			return (long)i;
	return -1;
}

td_ar_rule *td_ar_by_id(const td_alert_rules *r, uint32_t id)
{
	size_t lo = 0, hi = r->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (r->rule[mid]->id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < r->n && r->rule[lo]->id == id ? r->rule[lo] : NULL;
}

/* ---- overrides ------------------------------------------------------------------------------ */

td_ar_override *td_ar_override_find(td_alert_rules *r, const char *name)
{
	for (size_t i = 0; i < r->nov; i++)
		if (strcmp(r->ov[i].name, name) == 0)
			return &r->ov[i];
	return NULL;
}

int td_ar_override_set(td_alert_rules *r, const char *name, td_ar_change change)
{
	td_ar_override *o = td_ar_override_find(r, name);
	if (!o) {
		if (r->nov == r->capov) {
			size_t cap = r->capov ? 2 * r->capov : 8;
			td_ar_override *v = realloc(r->ov, cap * sizeof *v);
			if (!v)
				return -1;
			r->ov = v;
			r->capov = cap;
		}
		o = &r->ov[r->nov++];
		td_strlcpy(o->name, name, sizeof o->name);
	}
	o->change = change;
	return 0;
}

void td_ar_override_clear(td_alert_rules *r, const char *name)
{
	td_ar_override *o = td_ar_override_find(r, name);
	if (!o)
		return;
	size_t i = (size_t)(o - r->ov);
	memmove(&r->ov[i], &r->ov[i + 1], (r->nov - i - 1) * sizeof r->ov[0]);
	r->nov--;
}

/* ---- listing -------------------------------------------------------------------------------- */

static void fill_info(const td_alert_rules *r, const td_ar_rule *ru, td_alert_rule_info *out)
{
	*out = (td_alert_rule_info){
		.id = ru->id,
		.name = ru->name,
		.expr = td_ar_value(ru, TD_AR_EXPR),
		.level = ru->level,
		.cooldown_s = ru->cooldown_s,
		.days = td_ar_value(ru, TD_AR_DAYS),
		.hours = td_ar_value(ru, TD_AR_HOURS),
		.instruments = td_ar_value(ru, TD_AR_INSTRUMENTS),
		.sinks = td_ar_value(ru, TD_AR_SINKS),
		.message = td_ar_value(ru, TD_AR_MESSAGE),
		.order = td_ar_value(ru, TD_AR_ORDER),
		.enabled = ru->enabled,
		.error = ru->error,
		.origin = ru->origin,
		.file = ru->origin == TD_ALERT_FROM_FILE ? r->conf_path : "",
		.line = ru->line,
		.attached = ru->natt,
	};
}

size_t td_alert_rules_count(const td_alert_rules *r)
{
	return r->n;
}

int td_alert_rules_get(const td_alert_rules *r, size_t i, td_alert_rule_info *out)
{
	if (i >= r->n)
		return -1;
	fill_info(r, r->rule[i], out);
	return 0;
}

int td_alert_rules_find(const td_alert_rules *r, const char *name, td_alert_rule_info *out)
{
	long i = td_ar_index(r, name);
	if (i < 0)
		return -1;
	fill_info(r, r->rule[i], out);
	return 0;
}

void td_alert_rules_report_get(const td_alert_rules *r, td_alert_rules_report *out)
{
	*out = (td_alert_rules_report){ .rules = r->n, .refused = r->refused, .bad_lines = r->bad_lines,
					.state_locked = r->state_locked };
	for (size_t i = 0; i < r->n; i++) {
		out->enabled += r->rule[i]->enabled && !r->rule[i]->error;
		out->refused += r->rule[i]->error != NULL;
	}
}

void td_alert_rules_describe(const td_alert_rules *r, char *buf, size_t n)
{
	td_alert_rules_report rep;
	td_alert_rules_report_get(r, &rep);
	int w = snprintf(buf, n, "alerts: %zu rule%s, %zu enabled", rep.rules, rep.rules == 1 ? "" : "s", rep.enabled);
	if (w >= 0 && (size_t)w < n && rep.refused)
		w += snprintf(buf + w, n - (size_t)w, ", %zu refused", rep.refused);
	if (w >= 0 && (size_t)w < n && rep.bad_lines)
		w += snprintf(buf + w, n - (size_t)w, ", %zu bad line%s", rep.bad_lines, rep.bad_lines == 1 ? "" : "s");
	if (w >= 0 && (size_t)w < n && (rep.refused || rep.bad_lines))
		w += snprintf(buf + w, n - (size_t)w, " (see the log)");
	if (w >= 0 && (size_t)w < n && rep.state_locked)
		snprintf(buf + w, n - (size_t)w, "; changes not saved: %s", r->lock_why);
}
