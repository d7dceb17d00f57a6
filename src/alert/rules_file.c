/*
 * The rule files (rules.h): reading alerts.conf and the state file, and
 * writing the state file.
 *
 * Both files are INI as config/tapedeck.conf is ([section], key = value,
 * '#' or ';' comments on their own lines), but read here line by line
 * rather than with libinih: libinih stops at 200-byte lines (a rule may be
 * 1,024) and reports only the first malformed line, where every bad line
 * and every bad rule must be named while the others still load.
 *
 * Loading is in three steps so that the order of sections does not matter:
 * the rules of alerts.conf; then the state file's [changes] (which rules of
 * alerts.conf were enabled, disabled or deleted at run time) applied to
 * them; then the state file's own rules, which replace a rule of
 * alerts.conf of the same name.  Last, every enabled rule is attached.
 *
 * The state file starts with a version line.  When it is of another
 * version, or has a line this build does not understand, it is named and
 * the set refuses run-time changes, so that nothing it holds is lost by a
 * rewrite; a rule of it that is refused (an unknown symbol on today's
 * market) is kept as written and written back.  Saving writes a temporary
 * file (mode 0600), syncs it and renames it over the old one.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alert/rules_int.h"
#include "core/config.h"
#include "core/fsutil.h"
#include "core/text.h"

#define STATE_MAGIC "tapedeck-alerts-state "
#define STATE_VERSION "1"
#define LINE_MAX_BYTES 4096          /* with the NUL; a rule's text is at most 1,024 */
#define FILE_MAX_BYTES (4L << 20)
#define MSG_MAX 2048

static const char *const change_names[] = { "enabled", "disabled", "deleted" };

/* ---- finding the files ------------------------------------------------------------------ */

int td_alert_rules_locate(char *path, size_t n)
{
	return td_config_locate_data("alerts.conf", path, n);
}

int td_alert_rules_state_path(char *path, size_t n)
{
	char dir[PATH_MAX];
	if (td_config_state_dir(dir, sizeof dir) != 0)
		return -1;
	int w = snprintf(path, n, "%s/alerts.state", dir);
	return w < 0 || (size_t)w >= n ? -1 : 0;
}

/* ---- reading lines ----------------------------------------------------------------------- */

typedef struct reader {
	FILE *f;
	char name[512];   /* the path, sanitized, for messages */
	int line;
} reader;

enum { L_EOF, L_SECTION, L_KEY, L_BAD };

/* Read one line without its end; its length, -1 at the end of the file, -2 when too long. */
static long read_raw(reader *rd, char *buf, size_t n)
{
	size_t len = 0;
	bool too_long = false;
	int c;
	while ((c = getc(rd->f)) != EOF && c != '\n') {
		if (len + 1 < n)
			buf[len++] = (char)c;
		else
			too_long = true;
	}
	buf[len] = '\0';
	if (c == EOF && len == 0 && !too_long)
		return -1;
	rd->line++;
	if (too_long)
		return -2;
	if (len && buf[len - 1] == '\r')
		buf[--len] = '\0';
	return (long)len;
}

/*
 * The next line that says something: L_SECTION with *a the text between
 * the brackets, L_KEY with *a the key and *b the value (both trimmed),
 * L_BAD with why, or L_EOF.
 */
static int next_line(reader *rd, char *buf, size_t n, char **a, char **b, char *why, size_t whylen)
{
	for (;;) {
		long len = read_raw(rd, buf, n);
		if (len == -1)
			return L_EOF;
		if (len == -2)
			return td_errf(why, whylen, "line longer than %zu bytes", n - 1), L_BAD;
		if (strlen(buf) != (size_t)len)
			return td_errf(why, whylen, "NUL byte in the line"), L_BAD;
		for (long i = 0; i < len; i++)
			if (((unsigned char)buf[i] < 0x20 && buf[i] != '\t') || buf[i] == 0x7f)
				return td_errf(why, whylen, "control character in the line (column %ld)", i + 1), L_BAD;
		char *s = buf;
		if (rd->line == 1 && strncmp(s, "\xEF\xBB\xBF", 3) == 0)
			s += 3;
		s = td_trim(s);
		if (*s == '\0' || *s == '#' || *s == ';')
			continue;
		if (*s == '[') {
			size_t l = strlen(s);
			if (s[l - 1] != ']')
				return td_errf(why, whylen, "expected ']' at the end of the section line"), L_BAD;
			s[l - 1] = '\0';
			*a = td_trim(s + 1);
			return L_SECTION;
		}
		char *eq = strchr(s, '=');
		if (!eq || eq == s)
			return td_errf(why, whylen, "expected '[rule NAME]' or 'key = value'"), L_BAD;
		*eq = '\0';
		*a = td_trim(s);
		*b = td_trim(eq + 1);
		return L_KEY;
	}
}

/* Open path for reading as a regular file within the size limit; NULL with why (errno ENOENT: missing). */
static FILE *open_regular(const char *path, char *why, size_t whylen)
{
	/* O_NONBLOCK so that a FIFO put in the file's place cannot hang the open */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	struct stat st;
	if (fd < 0) {
		int e = errno;
		td_errf(why, whylen, "%s", strerror(e));
		errno = e;
		return NULL;
	}
	const char *bad = fstat(fd, &st) < 0 ? strerror(errno)
			  : !S_ISREG(st.st_mode) ? "not a regular file"
			  : st.st_size > FILE_MAX_BYTES ? "larger than 4 MiB; refusing it"
			  : NULL;
	FILE *f = bad ? NULL : fdopen(fd, "r");
	if (!f) {
		td_errf(why, whylen, "%s", bad ? bad : strerror(errno));
		close(fd);
		errno = EINVAL;
	}
	return f;
}

/* ---- loading ------------------------------------------------------------------------------ */

/* The state of one load. */
typedef struct load {
	td_alert_rules *r;
	reader rd;
	td_alert_rules_msg_fn fn;
	void *user;
	bool state;                  /* reading the state file */
	bool problems;               /* something was reported */
	td_ar_rule *cur;             /* the rule being read */
	int key_line[TD_AR_NKEYS];   /* lines of its keys; 0 = not given */
	char cur_why[256];           /* a bad line inside it: why it is refused */
	bool skip;                   /* ignoring the lines of a refused section */
	bool in_changes;             /* state: inside [changes] */
	td_ar_rule **later;          /* state: its rules, added once [changes] is applied */
	size_t nlater, caplater;
} load;

/* Give fn "NAME:LINE: what" (line 0: "NAME: what"). */
__attribute__((format(printf, 4, 0)))
static void vtell(load *ld, const char *name, int line, const char *fmt, va_list ap)
{
	char msg[MSG_MAX];
	int w = line > 0 ? snprintf(msg, sizeof msg, "%s:%d: ", name, line) : snprintf(msg, sizeof msg, "%s: ", name);
	if (w > 0 && (size_t)w < sizeof msg)
		vsnprintf(msg + w, sizeof msg - (size_t)w, fmt, ap);
	if (ld->fn)
		ld->fn(ld->user, msg);
}

/* A problem at a line of the file being read. */
__attribute__((format(printf, 3, 4)))
static void say(load *ld, int line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vtell(ld, ld->rd.name, line, fmt, ap);
	va_end(ap);
	ld->problems = true;
}

/* A note at a line of file name; not a problem by itself. */
__attribute__((format(printf, 4, 5)))
static void note(load *ld, const char *name, int line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vtell(ld, name, line, fmt, ap);
	va_end(ap);
}

/* The state file cannot be rewritten safely: say why once and refuse changes. */
__attribute__((format(printf, 3, 4)))
static void lock_state(load *ld, int line, const char *fmt, ...)
{
	char why[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	say(ld, line, "%s", why);
	if (!ld->r->state_locked) {
		ld->r->state_locked = true;
		if (line > 0)
			snprintf(ld->r->lock_why, sizeof ld->r->lock_why, "%s:%d: %s", ld->rd.name, line, why);
		else
			snprintf(ld->r->lock_why, sizeof ld->r->lock_why, "%s: %s", ld->rd.name, why);
		say(ld, line, "run-time alert changes will not be saved, and the file is left as it is");
	}
}

/* A line the file's reader did not accept: in the state file it locks; in a rule it refuses the rule. */
static void bad_line(load *ld, const char *why)
{
	if (ld->state) {
		lock_state(ld, ld->rd.line, "%s", why);
		return;
	}
	say(ld, ld->rd.line, "%s", why);
	ld->r->bad_lines++;
	if (ld->cur && !ld->cur_why[0])
		snprintf(ld->cur_why, sizeof ld->cur_why, "bad line %d in the rule", ld->rd.line);
}

/* td_ar_bad_fn: a bad value, named at the line of its key. */
static void bad_value(void *ctx, td_ar_key k, const char *msg)
{
	load *ld = ctx;
	int line = ld->key_line[k] ? ld->key_line[k] : ld->cur->line;
	say(ld, line, "rule '%s': %s", ld->cur->name, msg);
}

/* Check and compile the rule just read; refused rules are kept, with why. */
static void check_rule(load *ld, td_ar_rule *ru)
{
	td_alert_error err;
	char msg[MSG_MAX];

	if (ld->cur_why[0])
		td_ar_rule_refuse(ru, ld->cur_why);
	td_ar_rule_parse(ld->r, ru, bad_value, ld);
	if (td_ar_rule_compile(ld->r, ru, &err) == 0) {
		if (ru->error) {   /* compiled only to report its errors too */
			td_alert_expr_free(ru->expr);
			ru->expr = NULL;
		}
		return;
	}
	int line = ld->key_line[TD_AR_EXPR] ? ld->key_line[TD_AR_EXPR] : ru->line;
	td_ar_expr_error(td_ar_value(ru, TD_AR_EXPR), &err, msg, sizeof msg);
	say(ld, line, "rule '%s': %s", ru->name, msg);
	if (err.column > 0)
		snprintf(msg, sizeof msg, "expr: column %d: %s", err.column, err.msg);
	else
		snprintf(msg, sizeof msg, "expr: %s", err.msg);
	td_ar_rule_refuse(ru, msg);
}

/* End the rule being read: check it and add it to the set (alerts.conf) or to the later list (state). */
static void finish_rule(load *ld)
{
	td_ar_rule *ru = ld->cur;
	if (!ru)
		return;
	const char *market = td_ar_value(ru, TD_AR_MARKET);
	if (!ld->state && *market && ld->r->market[0] && strcasecmp(market, ld->r->market) != 0) {
		ld->cur = NULL;
		td_ar_rule_free(ru);   /* a rule for another market: not today's business */
		return;
	}
	check_rule(ld, ru);   /* its messages name ld->cur */
	ld->cur = NULL;
	if (ld->state) {
		if (ld->nlater == ld->caplater) {
			size_t cap = ld->caplater ? 2 * ld->caplater : 8;
			td_ar_rule **v = realloc(ld->later, cap * sizeof *v);
			if (!v) {
				lock_state(ld, ru->line, "rule '%s': out of memory", ru->name);
				td_ar_rule_free(ru);
				return;
			}
			ld->later = v;
			ld->caplater = cap;
		}
		ld->later[ld->nlater++] = ru;
		return;
	}
	if (td_ar_append(ld->r, ru) == 0)
		return;
	say(ld, ru->line, "rule '%s': out of memory or more than %d rules", ru->name, TD_ALERT_RULES_MAX);
	ld->r->refused++;
	td_ar_rule_free(ru);
}

/* Whether a rule named name was already read from this file; its line in *line. */
static bool seen(load *ld, const char *name, int *line)
{
	if (ld->state) {
		for (size_t i = 0; i < ld->nlater; i++)
			if (strcmp(ld->later[i]->name, name) == 0)
				return *line = ld->later[i]->line, true;
		return false;
	}
	long i = td_ar_index(ld->r, name);
	return i >= 0 ? (*line = ld->r->rule[i]->line, true) : false;
}

/* A section line. */
static void on_section(load *ld, char *text)
{
	char why[256];
	int line;

	finish_rule(ld);
	ld->skip = false;
	ld->in_changes = false;
	ld->cur_why[0] = '\0';
	memset(ld->key_line, 0, sizeof ld->key_line);
	if (ld->state && strcmp(text, "changes") == 0) {
		ld->in_changes = true;
		return;
	}
	size_t w = strcspn(text, " \t");
	char *name = td_trim(text + w);
	if (w != 4 || strncmp(text, "rule", 4) != 0) {
		char clean[80];
		td_text_sanitize(clean, sizeof clean, text);
		ld->skip = true;
		if (ld->state)
			return lock_state(ld, ld->rd.line, "unknown section '[%s]'", clean);
		ld->r->bad_lines++;
		return say(ld, ld->rd.line, "unknown section '[%s]': a rule begins with [rule NAME]", clean);
	}
	ld->skip = true;
	if (td_ar_name_check(name, why, sizeof why) < 0) {
		if (ld->state)
			return lock_state(ld, ld->rd.line, "%s", why);
		ld->r->refused++;
		return say(ld, ld->rd.line, "%s", why);
	}
	if (seen(ld, name, &line)) {
		if (ld->state)
			return lock_state(ld, ld->rd.line, "rule '%s' is already defined at line %d", name, line);
		ld->r->refused++;
		return say(ld, ld->rd.line, "rule '%s' is already defined at line %d; this one is left out", name, line);
	}
	ld->cur = td_ar_rule_new(name, ld->state ? TD_ALERT_FROM_RUNTIME : TD_ALERT_FROM_FILE, ld->rd.line);
	if (!ld->cur)
		return say(ld, ld->rd.line, "out of memory");
	ld->skip = false;
}

/* A "NAME = enabled|disabled|deleted" line of the state file's [changes]. */
static void on_change(load *ld, const char *name, const char *value)
{
	char why[256];
	for (int c = 0; c < 3; c++) {
		if (strcmp(value, change_names[c]) != 0)
			continue;
		if (td_ar_name_check(name, why, sizeof why) < 0)
			return lock_state(ld, ld->rd.line, "%s", why);
		if (td_ar_override_find(ld->r, name))
			return lock_state(ld, ld->rd.line, "rule '%s' is listed twice in [changes]", name);
		if (td_ar_override_set(ld->r, name, (td_ar_change)c) < 0)
			return say(ld, ld->rd.line, "out of memory");
		return;
	}
	char clean[80];
	td_text_sanitize(clean, sizeof clean, value);
	lock_state(ld, ld->rd.line, "expected enabled, disabled or deleted, not '%s'", clean);
}

/* A key line. */
static void on_key(load *ld, const char *key, const char *value)
{
	char clean[80];
	if (ld->skip)
		return;
	if (ld->in_changes)
		return on_change(ld, key, value);
	td_text_sanitize(clean, sizeof clean, key);
	if (!ld->cur) {
		if (ld->state)
			return lock_state(ld, ld->rd.line, "'%s' is outside a section", clean);
		ld->r->bad_lines++;
		return say(ld, ld->rd.line, "'%s' is outside a rule: a rule begins with [rule NAME]", clean);
	}
	int k = td_ar_key_find(key);
	if (k < 0 || (ld->state && k == TD_AR_MARKET)) {
		if (ld->state)
			return lock_state(ld, ld->rd.line, "rule '%s': unknown key '%s'", ld->cur->name, clean);
		snprintf(ld->cur_why, sizeof ld->cur_why, "unknown key '%s'", clean);
		return say(ld, ld->rd.line, "rule '%s': unknown key '%s' (expr, level, cooldown, days, hours, "
			   "instruments, sinks, message, order, enabled, market)", ld->cur->name, clean);
	}
	if (ld->key_line[k]) {
		if (ld->state)
			return lock_state(ld, ld->rd.line, "rule '%s': '%s' given twice", ld->cur->name, key);
		snprintf(ld->cur_why, sizeof ld->cur_why, "'%s' given twice", key);
		return say(ld, ld->rd.line, "rule '%s': '%s' given twice (first at line %d)", ld->cur->name, key,
			   ld->key_line[k]);
	}
	ld->key_line[k] = ld->rd.line;
	if (td_ar_rule_set(ld->cur, (td_ar_key)k, value) < 0)
		snprintf(ld->cur_why, sizeof ld->cur_why, "out of memory");
}

/* Read every line of an open file. */
static void read_all(load *ld)
{
	char buf[LINE_MAX_BYTES], why[256], *a, *b;
	int kind;
	while ((kind = next_line(&ld->rd, buf, sizeof buf, &a, &b, why, sizeof why)) != L_EOF) {
		if (kind == L_BAD)
			bad_line(ld, why);
		else if (kind == L_SECTION)
			on_section(ld, a);
		else
			on_key(ld, a, b);
	}
	if (ferror(ld->rd.f))
		bad_line(ld, "read error");
	finish_rule(ld);
}

/* Open path into ld->rd; false (said, unless missing_ok and it does not exist) when it cannot be read. */
static bool open_file(load *ld, const char *path, bool missing_ok)
{
	char why[256];
	td_text_sanitize(ld->rd.name, sizeof ld->rd.name, path);
	ld->rd.line = 0;
	ld->rd.f = open_regular(path, why, sizeof why);
	if (ld->rd.f)
		return true;
	if (errno == ENOENT && missing_ok)
		return false;
	if (ld->state)
		lock_state(ld, 0, "cannot read it: %s", why);
	else
		say(ld, 0, "cannot read it: %s", why);
	return false;
}

static void load_conf(load *ld, const char *path)
{
	td_text_sanitize(ld->r->conf_path, sizeof ld->r->conf_path, path);
	if (!open_file(ld, path, false))
		return;
	read_all(ld);
	fclose(ld->rd.f);
}

/* Apply [changes] to the rules of alerts.conf. */
static void apply_changes(td_alert_rules *r)
{
	for (size_t i = 0; i < r->n;) {
		td_ar_rule *ru = r->rule[i];
		td_ar_override *o = td_ar_override_find(r, ru->name);
		if (o && o->change == TD_AR_CH_DELETED) {
			td_ar_rule_free(td_ar_remove(r, i));
			continue;
		}
		if (o)
			ru->enabled = o->change == TD_AR_CH_ENABLED;
		i++;
	}
}

/* Add the state's rules; one of the name of a rule of alerts.conf replaces it. */
static void add_later(load *ld)
{
	for (size_t i = 0; i < ld->nlater; i++) {
		td_ar_rule *ru = ld->later[i];
		long at = td_ar_index(ld->r, ru->name);
		if (at >= 0) {
			note(ld, ld->rd.name, ru->line, "rule '%s' added at run time replaces the one of %s:%d", ru->name,
			     ld->r->conf_path, ld->r->rule[at]->line);
			td_ar_rule_free(td_ar_remove(ld->r, (size_t)at));
			ru->shadows = true;
		}
		if (td_ar_append(ld->r, ru) != 0) {
			lock_state(ld, ru->line, "rule '%s': out of memory or more than %d rules", ru->name,
				   TD_ALERT_RULES_MAX);
			td_ar_rule_free(ru);
		}
	}
	ld->nlater = 0;
}

static void load_state(load *ld)
{
	char buf[LINE_MAX_BYTES];
	ld->state = true;
	if (!open_file(ld, ld->r->state_path, true))
		return;
	long len = read_raw(&ld->rd, buf, sizeof buf);
	size_t mlen = strlen(STATE_MAGIC);
	if (len >= 0 && strncmp(buf, STATE_MAGIC, mlen) == 0 && strcmp(buf + mlen, STATE_VERSION) == 0) {
		read_all(ld);
	} else if (len >= 0 && strncmp(buf, STATE_MAGIC, mlen) == 0) {
		char clean[40];
		td_text_sanitize(clean, sizeof clean, buf + mlen);
		lock_state(ld, 1, "unsupported alert state version '%s' (this build reads version " STATE_VERSION ")",
			   clean);
	} else if (len != -1) {
		lock_state(ld, 1, "not a tapedeck alert state file (the first line should be '" STATE_MAGIC
			   STATE_VERSION "')");
	}
	fclose(ld->rd.f);
}

/* Attach every enabled rule; one the book refuses (an instrument it does not have) is refused. */
static void attach_all(load *ld)
{
	char state[512];
	td_text_sanitize(state, sizeof state, ld->r->state_path ? ld->r->state_path : "");
	for (size_t i = 0; i < ld->r->n; i++) {
		td_ar_rule *ru = ld->r->rule[i];
		char why[256];
		if (td_ar_attach(ld->r, ru, why, sizeof why) == 0)
			continue;
		ld->problems = true;
		note(ld, ru->origin == TD_ALERT_FROM_FILE ? ld->r->conf_path : state, ru->line, "rule '%s': %s", ru->name,
		     why);
		td_ar_rule_refuse(ru, why);
	}
}

int td_alert_rules_load(td_alert_rules *r, const char *conf_path, td_alert_rules_msg_fn fn, void *user)
{
	char path[PATH_MAX];
	load ld = { .r = r, .fn = fn, .user = user };

	if (r->loaded) {
		if (fn)
			fn(user, "alerts: the rules are already loaded");
		return -1;
	}
	r->loaded = true;
	if (conf_path)
		load_conf(&ld, conf_path);
	else if (td_alert_rules_locate(path, sizeof path) == 0)
		load_conf(&ld, path);
	if (r->state_path) {
		memset(&ld.rd, 0, sizeof ld.rd);
		load_state(&ld);
	}
	apply_changes(r);
	add_later(&ld);
	free(ld.later);
	attach_all(&ld);
	return ld.problems ? -1 : 0;
}

/* ---- saving ------------------------------------------------------------------------------ */

static void write_all(const td_alert_rules *r, FILE *f)
{
	fputs(STATE_MAGIC STATE_VERSION "\n"
	      "# Run-time changes to the alert rules, written by tapedeck at each :alert command\n"
	      "# (doc/alerts.md, Rules).  The rules of alerts.conf are not copied here:\n"
	      "# [changes] says which of them were enabled, disabled or deleted at run time.\n", f);
	if (r->nov) {
		fputs("\n[changes]\n", f);
		for (size_t i = 0; i < r->nov; i++)
			fprintf(f, "%s = %s\n", r->ov[i].name, change_names[r->ov[i].change]);
	}
	for (size_t i = 0; i < r->n; i++) {
		const td_ar_rule *ru = r->rule[i];
		if (ru->origin != TD_ALERT_FROM_RUNTIME)
			continue;
		fprintf(f, "\n[rule %s]\n", ru->name);
		for (int k = 0; k < TD_AR_NKEYS; k++)
			if (ru->val[k])
				fprintf(f, "%s = %s\n", td_ar_keys[k].name, ru->val[k]);
	}
}

/* Write the state into the new file tmp; 0, or -1 with errno. */
static int write_tmp(const td_alert_rules *r, const char *tmp)
{
	/* A stale tmp (or a link planted there) is removed; O_EXCL then refuses to follow one. */
	if (unlink(tmp) != 0 && errno != ENOENT)
		return -1;
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	FILE *f = fchmod(fd, 0600) == 0 ? fdopen(fd, "w") : NULL;
	if (!f) {
		int e = errno;
		close(fd);
		return errno = e, -1;
	}
	write_all(r, f);
	int rc = fflush(f) == 0 && !ferror(f) && fsync(fd) == 0 ? 0 : -1;
	int e = errno;
	if (fclose(f) != 0 && rc == 0)
		return -1;
	return errno = e, rc;
}

int td_ar_save(td_alert_rules *r, char *err, size_t errlen)
{
	char name[512], tmp[PATH_MAX];
	if (!r->state_path)
		return 0;
	if (r->state_locked)
		return td_errf(err, errlen, "run-time changes cannot be saved: %s", r->lock_why);
	td_text_sanitize(name, sizeof name, r->state_path);
	if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp", r->state_path) >= sizeof tmp)
		return td_errf(err, errlen, "%s: path too long", name);
	if (td_fs_make_parents(r->state_path) != 0)
		return td_errf(err, errlen, "%s: cannot create its directory: %s", name, strerror(errno));
	if (write_tmp(r, tmp) != 0 || rename(tmp, r->state_path) != 0) {
		int e = errno;
		unlink(tmp);
		return td_errf(err, errlen, "%s: cannot write: %s", name, strerror(e));
	}
	/* the new file is in place: the change stands, only its durability is in doubt */
	if (td_fs_sync_parent(r->state_path) != 0)
		return td_errf(err, errlen, "%s: saved, but syncing its directory failed: %s", name, strerror(errno)), 1;
	return 0;
}
