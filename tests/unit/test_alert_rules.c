/*
 * Unit tests for the alert rule set (src/alert/rules*.c): the shipped
 * config/alerts.conf (every rule compiles and is off, one per built-in
 * signal), good and bad files with each message's FILE:LINE and caret, the
 * state file's round trip, its mode and its refusal of another version,
 * every :alert command and its errors, the attachments following the
 * changes, the gate (cooldown, days and hours in New York time), the
 * message and order templates, and sanitizing.
 *
 * Expected messages are written out from doc/alerts.md ("Rules"); columns
 * and times are counted by hand in the comments.  2024-03-15 is a Friday;
 * New York is on daylight time (UTC-4) from 2024-03-10.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alert/book.h"
#include "alert/notifier.h"
#include "alert/rules.h"
#include "alert/rules_int.h"
#include "core/time.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define SEC TD_NS_PER_SEC
#define MSGS_MAX 32

enum { ES, NQ, SPY, NIFTY, BRK, NINST, FAR = 9 };

static char tmpdir[] = "/tmp/td-rules-XXXXXX";

/* The book has NINST instruments; FAR is a symbol the registry knows beyond it. */
static int lookup(void *ctx, const char *sym, uint32_t *inst)
{
	static const char *const syms[] = { "ES", "NQ", "SPY", "NIFTY", "BRK B", [FAR] = "FAR" };
	(void)ctx;
	for (uint32_t i = 0; i < ARRAY_LEN(syms); i++)
		if (syms[i] && strcmp(sym, syms[i]) == 0) {
			*inst = i;
			return 0;
		}
	return -1;
}

/* A book, a rule set and the messages its load gave. */
typedef struct fx {
	td_alert_book *book;
	td_alert_rules *r;
	char msg[MSGS_MAX][2048];
	int nmsg;
	char conf[512], state[512];
} fx;

static void on_msg(void *user, const char *msg)
{
	fx *f = user;
	if (f->nmsg < MSGS_MAX)
		snprintf(f->msg[f->nmsg++], sizeof f->msg[0], "%s", msg);
}

/* The repository root: $TD_TEST_ROOT, or the current directory. */
static const char *root(void)
{
	const char *r = getenv("TD_TEST_ROOT");
	return r && *r ? r : ".";
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* The whole file, malloc'ed ("" when missing). */
static char *read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return strdup("");
	char *buf = calloc(1, 1 << 18);
	size_t n = fread(buf, 1, (1 << 18) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* A rule set over a fresh book, with conf text in tmpdir/NAME.conf (NULL: empty), the state in tmpdir/NAME/alerts.state. */
static fx *fx_open(const char *name, const char *conf, const char *market, const td_notifier_params *np)
{
	fx *f = calloc(1, sizeof *f);
	td_alert_book_params bp;
	td_alert_book_defaults(&bp);
	bp.instruments = NINST;
	f->book = td_alert_book_new(&bp);
	assert_non_null(f->book);
	snprintf(f->conf, sizeof f->conf, "%s/%s.conf", tmpdir, name);
	snprintf(f->state, sizeof f->state, "%s/%s/alerts.state", tmpdir, name);
	write_file(f->conf, conf ? conf : "");
	static const uint32_t watchlist[] = { ES, SPY };
	td_alert_rules_params p = { .book = f->book, .lookup = lookup, .defaults = watchlist, .ndefaults = 2,
				    .notifier = np, .market = market, .state_path = f->state };
	f->r = td_alert_rules_new(&p);
	assert_non_null(f->r);
	td_alert_rules_load(f->r, f->conf, on_msg, f);
	return f;
}

/* The same files, loaded again by a new set over the same book (the old set goes first). */
static void fx_reload(fx *f)
{
	td_alert_rules_free(f->r);
	td_alert_rules_params p = { .book = f->book, .lookup = lookup, .state_path = f->state };
	static const uint32_t watchlist[] = { ES, SPY };
	p.defaults = watchlist;
	p.ndefaults = 2;
	f->r = td_alert_rules_new(&p);
	assert_non_null(f->r);
	f->nmsg = 0;
	td_alert_rules_load(f->r, f->conf, on_msg, f);
}

static void fx_free(fx *f)
{
	td_alert_rules_free(f->r);
	td_alert_book_free(f->book);
	free(f);
}

static void no_messages(const fx *f)
{
	for (int i = 0; i < f->nmsg; i++)
		print_error("message: %s\n", f->msg[i]);
	assert_int_equal(f->nmsg, 0);
}

/* Run an :alert command that must succeed; its output in out. */
static void ok(fx *f, const char *args, char *out, size_t n)
{
	if (td_alert_rules_command(f->r, args, out, n) != 0)
		fail_msg("'%s': %s", args, out);
}

/* Run an :alert command that must fail with exactly want. */
static void refused(fx *f, const char *args, const char *want)
{
	char out[2048];
	if (td_alert_rules_command(f->r, args, out, sizeof out) == 0)
		fail_msg("'%s' was accepted: %s", args, out);
	assert_string_equal(out, want);
}

static td_alert_rule_info info(const fx *f, const char *name)
{
	td_alert_rule_info i;
	if (td_alert_rules_find(f->r, name, &i) != 0)
		fail_msg("no rule '%s'", name);
	return i;
}

static bool has(const fx *f, const char *name)
{
	td_alert_rule_info i;
	return td_alert_rules_find(f->r, name, &i) == 0;
}

static size_t attachments(const fx *f)
{
	td_alert_stats s;
	td_alert_book_stats(f->book, &s);
	return s.attachments;
}

/* UTC instant of a New York daylight-time (UTC-4) date and time. */
static td_ns ny(int y, int m, int d, int hh, int mm, int ss)
{
	return td_days_from_civil(y, m, d) * TD_NS_PER_DAY + ((hh + 4) * 3600LL + mm * 60 + ss) * SEC;
}

static int group_setup(void **state)
{
	(void)state;
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int group_teardown(void **state)
{
	char cmd[128];
	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

/* ---- the shipped file ---------------------------------------------------------------------- */

/* Whether some rule's expression contains every one of the words. */
static bool some_rule_reads(const fx *f, const char *a, const char *b)
{
	for (size_t i = 0; i < td_alert_rules_count(f->r); i++) {
		td_alert_rule_info in;
		assert_int_equal(td_alert_rules_get(f->r, i, &in), 0);
		if (strstr(in.expr, a) && (!b || strstr(in.expr, b)))
			return true;
	}
	return false;
}

/*
 * config/alerts.conf loads without a message on either market; every rule
 * compiled, is off and attached nowhere; each built-in signal of the issue
 * has a rule; the correlation pair of the other market is left out.
 */
static void test_shipped_file(void **state)
{
	(void)state;
	static const char *const markets[] = { NULL, "us", "in" };
	char conf[4096];
	snprintf(conf, sizeof conf, "%s/config/alerts.conf", root());
	for (size_t m = 0; m < ARRAY_LEN(markets); m++) {
		fx *f = fx_open("shipped", NULL, markets[m], NULL);
		td_alert_rules_free(f->r);
		td_alert_rules_params p = { .book = f->book, .lookup = lookup, .market = markets[m] };
		f->r = td_alert_rules_new(&p);
		assert_int_equal(td_alert_rules_load(f->r, conf, on_msg, f), 0);
		no_messages(f);
		size_t n = td_alert_rules_count(f->r);
		assert_true(n >= 12);
		for (size_t i = 0; i < n; i++) {
			td_alert_rule_info in;
			assert_int_equal(td_alert_rules_get(f->r, i, &in), 0);
			if (in.error)
				fail_msg("rule '%s': %s", in.name, in.error);
			assert_false(in.enabled);
			assert_int_equal(in.attached, 0);
			assert_int_equal(in.origin, TD_ALERT_FROM_FILE);
		}
		assert_int_equal(attachments(f), 0);
		assert_true(some_rule_reads(f, "pcr_oi >", NULL));
		assert_true(some_rule_reads(f, "pcr_oi <", NULL));
		assert_true(some_rule_reads(f, "crosses above vwap", "rising(cum_delta"));
		assert_true(some_rule_reads(f, "crosses below vwap", "falling(cum_delta"));
		assert_true(some_rule_reads(f, "stacked_imbalance(buy)", "val"));
		assert_true(some_rule_reads(f, "stacked_imbalance(sell)", "vah"));
		assert_true(some_rule_reads(f, "ib_done", "opening_type"));
		assert_true(some_rule_reads(f, "crosses above zero_gamma", NULL));
		assert_true(some_rule_reads(f, "crosses below zero_gamma", NULL));
		assert_true(some_rule_reads(f, "unusual", NULL));
		bool us = !markets[m] || strcmp(markets[m], "us") == 0, in = !markets[m] || strcmp(markets[m], "in") == 0;
		assert_int_equal(has(f, "corr_long_us") && has(f, "corr_short_us"), us);
		assert_int_equal(has(f, "corr_long_in") && has(f, "corr_short_in"), in);
		if (us)
			assert_true(some_rule_reads(f, "swing_high(20) and last@SPY < swing_low(20)@SPY", NULL));
		char line[200];
		td_alert_rules_describe(f->r, line, sizeof line);
		char want[200];
		snprintf(want, sizeof want, "alerts: %zu rules, 0 enabled", n);
		assert_string_equal(line, want);
		fx_free(f);
	}
}

/* The user's alerts.conf comes first; the state file's default place follows XDG. */
static void test_locate(void **state)
{
	char dir[600], path[600], found[600], cwd[4096];
	(void)state;
	assert_non_null(getcwd(cwd, sizeof cwd));
	assert_int_equal(chdir(root()), 0);
	snprintf(dir, sizeof dir, "%s/xdg", tmpdir);
	assert_int_equal(mkdir(dir, 0700), 0);
	setenv("XDG_CONFIG_HOME", dir, 1);
	assert_int_equal(td_alert_rules_locate(found, sizeof found), 0);
	assert_string_equal(found, "config/alerts.conf");
	snprintf(path, sizeof path, "%s/xdg/tapedeck", tmpdir);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof path, "%s/xdg/tapedeck/alerts.conf", tmpdir);
	write_file(path, "[rule mine]\nexpr = last > 1\n");
	assert_int_equal(td_alert_rules_locate(found, sizeof found), 0);
	assert_string_equal(found, path);
	unsetenv("XDG_CONFIG_HOME");
	assert_int_equal(chdir(cwd), 0);

	setenv("XDG_STATE_HOME", "/x/state", 1);
	assert_int_equal(td_alert_rules_state_path(found, sizeof found), 0);
	assert_string_equal(found, "/x/state/tapedeck/alerts.state");
	unsetenv("XDG_STATE_HOME");
}

/* ---- loading ------------------------------------------------------------------------------- */

/* Every key read as written: level, cooldown in seconds, instruments resolved and attached. */
static void test_load_good(void **state)
{
	(void)state;
	fx *f = fx_open("good",
			"# two rules\n"
			"[rule es.high]\n"
			"expr = last > 5000\n"
			"level = Critical\n"
			"cooldown = 90s\n"
			"days = mon,wed,fri\n"
			"hours = 09:30-16:00\n"
			"instruments = ES, NQ\n"
			"sinks = pane\n"
			"message = {symbol} above 5000\n"
			"order = sell 1 {symbol} lmt {bid}\n"
			"enabled = yes\n"
			"\n"
			"  ; indented comment\n"
			"[ rule  watch_all ]\n"
			"expr=bid>1\n",
			NULL, NULL);
	no_messages(f);
	assert_int_equal(td_alert_rules_count(f->r), 2);
	td_alert_rule_info a = info(f, "es.high");
	assert_string_equal(a.expr, "last > 5000");
	assert_int_equal(a.level, TD_ALERT_CRITICAL);
	assert_int_equal(a.cooldown_s, 90);
	assert_string_equal(a.days, "mon,wed,fri");
	assert_string_equal(a.instruments, "ES, NQ");
	assert_string_equal(a.message, "{symbol} above 5000");
	assert_string_equal(a.order, "sell 1 {symbol} lmt {bid}");
	assert_true(a.enabled);
	assert_null(a.error);
	assert_int_equal(a.attached, 2);
	assert_int_equal(a.line, 2);
	assert_string_equal(a.file, f->conf);
	td_alert_att_info ai;
	assert_int_equal(td_alert_book_info(f->book, a.id, ES, &ai), 0);
	assert_int_equal(td_alert_book_info(f->book, a.id, NQ, &ai), 0);
	assert_int_equal(td_alert_book_info(f->book, a.id, SPY, &ai), -1);

	td_alert_rule_info b = info(f, "watch_all");
	assert_string_equal(b.expr, "bid>1");
	/* the defaults of doc/alerts.md */
	assert_int_equal(b.level, TD_ALERT_INFO);
	assert_int_equal(b.cooldown_s, 300);
	assert_string_equal(b.days, "mon-fri");
	assert_string_equal(b.hours, "all");
	assert_string_equal(b.instruments, "*");
	assert_string_equal(b.sinks, "pane,bell");
	assert_string_equal(b.message, "");
	assert_true(b.enabled);
	assert_int_equal(b.attached, 2);   /* the watchlist: ES and SPY */
	assert_int_equal(td_alert_book_info(f->book, b.id, SPY, &ai), 0);
	assert_int_equal(attachments(f), 4);
	char line[200];
	td_alert_rules_describe(f->r, line, sizeof line);
	assert_string_equal(line, "alerts: 2 rules, 2 enabled");
	fx_free(f);
}

/* Each bad line and rule is named with FILE:LINE; the good rule still loads and is attached. */
static void test_load_bad(void **state)
{
	(void)state;
	fx *f = fx_open("bad",
			"# bad rules\n"                                               /* 1 */
			"expr = last > 1\n"                                           /* 2 */
			"[rule ok]\n"                                                 /* 3 */
			"expr = last > 100\n"                                         /* 4 */
			"[rule bad name]\n"                                           /* 5 */
			"expr = last > 1\n"                                           /* 6 */
			"[rule lvl]\n"                                                /* 7 */
			"expr = last > 1\n"                                           /* 8 */
			"level = urgent\n"                                            /* 9 */
			"[rule typo]\n"                                               /* 10 */
			"expr = rsi(14) < 30 and volumen > sma(volume, 20)\n"         /* 11 */
			"[ruleset x]\n"                                               /* 12 */
			"expr = last > 1\n"                                           /* 13 */
			"[rule ok]\n"                                                 /* 14 */
			"expr = last > 2\n"                                           /* 15 */
			"[rule nokey]\n"                                              /* 16 */
			"expr = last > 1\n"                                           /* 17 */
			"cooldwn = 10m\n"                                             /* 18 */
			"[rule noexpr]\n"                                             /* 19 */
			"level = info\n"                                              /* 20 */
			"this is not a key\n"                                         /* 21 */
			"[rule twice]\n"                                              /* 22 */
			"expr = last > 1\n"                                           /* 23 */
			"expr = last > 2\n"                                           /* 24 */
			"[rule badvals]\n"                                            /* 25 */
			"expr = last > 1\n"                                           /* 26 */
			"cooldown = 5x\n"                                             /* 27 */
			"days = mon-fry\n"                                            /* 28 */
			"hours = 09:30-09:30\n"                                       /* 29 */
			"instruments = ES,ZZ\n"                                       /* 30 */
			"enabled = maybe\n"                                           /* 31 */
			"message = {nothing}\n"                                       /* 32 */
			"order = hold {symbol}\n",                                    /* 33 */
			NULL, NULL);
	char want[MSGS_MAX][1024];
	int n = 0;
#define WANT(...) snprintf(want[n++], sizeof want[0], __VA_ARGS__)
	WANT("%s:2: 'expr' is outside a rule: a rule begins with [rule NAME]", f->conf);
	WANT("%s:5: bad rule name 'bad name': use letters, digits, '_', '.' and '-'", f->conf);
	WANT("%s:9: rule 'lvl': level: unknown level 'urgent' (info, warning or critical)", f->conf);
	/* "rsi(14) < 30 and " is 17 bytes: volumen starts at column 18 */
	WANT("%s:11: rule 'typo': column 18: unknown name 'volumen': did you mean 'volume'?\n"
	     "rsi(14) < 30 and volumen > sma(volume, 20)\n"
	     "                 ^^^^^^^", f->conf);
	WANT("%s:12: unknown section '[ruleset x]': a rule begins with [rule NAME]", f->conf);
	WANT("%s:14: rule 'ok' is already defined at line 3; this one is left out", f->conf);
	WANT("%s:18: rule 'nokey': unknown key 'cooldwn' (expr, level, cooldown, days, hours, instruments, sinks, "
	     "message, order, enabled, market)", f->conf);
	WANT("%s:21: expected '[rule NAME]' or 'key = value'", f->conf);
	WANT("%s:19: rule 'noexpr': no expr: a rule needs a condition", f->conf);
	WANT("%s:24: rule 'twice': 'expr' given twice (first at line 23)", f->conf);
	WANT("%s:27: rule 'badvals': cooldown: bad cooldown '5x': write 90s, 5m, 1h or 0 (at most 24h)", f->conf);
	WANT("%s:28: rule 'badvals': days: bad days 'mon-fry': write mon-fri, mon,wed,fri or all", f->conf);
	WANT("%s:29: rule 'badvals': hours: bad hours '09:30-09:30': a range from a time to itself is empty: write "
	     "09:30-16:00 (up to 4 ranges) or all", f->conf);
	WANT("%s:30: rule 'badvals': instruments: unknown instrument 'ZZ'", f->conf);
	WANT("%s:32: rule 'badvals': message: unknown placeholder '{nothing}' (symbol, rule, level, expr, explain or a "
	     "fact such as {last})", f->conf);
	WANT("%s:33: rule 'badvals': order: an order template is a buy or sell line, e.g. 'buy 100 {symbol} lmt "
	     "{ask}'", f->conf);
	WANT("%s:31: rule 'badvals': enabled: expected true or false, not 'maybe'", f->conf);
#undef WANT
	for (int i = 0; i < n && i < f->nmsg; i++)
		assert_string_equal(f->msg[i], want[i]);
	assert_int_equal(f->nmsg, n);

	/* listed: ok, and the refused rules with their first reason; not listed: 'bad name' and the second ok */
	assert_int_equal(td_alert_rules_count(f->r), 7);
	assert_null(info(f, "ok").error);
	assert_string_equal(info(f, "ok").expr, "last > 100");
	assert_int_equal(info(f, "ok").attached, 2);
	assert_string_equal(info(f, "lvl").error, "level: unknown level 'urgent' (info, warning or critical)");
	assert_string_equal(info(f, "typo").error, "expr: column 18: unknown name 'volumen': did you mean 'volume'?");
	assert_string_equal(info(f, "nokey").error, "unknown key 'cooldwn'");
	assert_string_equal(info(f, "noexpr").error, "bad line 21 in the rule");
	assert_string_equal(info(f, "twice").error, "'expr' given twice");
	assert_int_equal(attachments(f), 2);
	td_alert_rules_report rep;
	td_alert_rules_report_get(f->r, &rep);
	assert_int_equal(rep.rules, 7);
	assert_int_equal(rep.enabled, 1);
	assert_int_equal(rep.refused, 8);     /* 6 listed + bad name + the second ok */
	assert_int_equal(rep.bad_lines, 3);   /* lines 2, 12 and 21 */
	assert_false(rep.state_locked);
	char line[200];
	td_alert_rules_describe(f->r, line, sizeof line);
	assert_string_equal(line, "alerts: 7 rules, 1 enabled, 8 refused, 3 bad lines (see the log)");
	/* a refused rule cannot be enabled */
	refused(f, "enable typo", "rule 'typo' was refused: expr: column 18: unknown name 'volumen': did you mean "
		"'volume'?");
	fx_free(f);
}

/* A missing file given by name is said; long lines, NUL bytes and CRLF endings. */
static void test_load_file_problems(void **state)
{
	(void)state;
	char path[600], want[700];
	fx *f = fx_open("missing", NULL, NULL, NULL);
	no_messages(f);
	td_alert_rules_free(f->r);
	td_alert_rules_params p = { .book = f->book, .lookup = lookup };
	f->r = td_alert_rules_new(&p);
	snprintf(path, sizeof path, "%s/none.conf", tmpdir);
	assert_int_equal(td_alert_rules_load(f->r, path, on_msg, f), -1);
	snprintf(want, sizeof want, "%s: cannot read it: No such file or directory", path);
	assert_int_equal(f->nmsg, 1);
	assert_string_equal(f->msg[0], want);
	assert_int_equal(td_alert_rules_count(f->r), 0);
	/* loading twice is refused */
	assert_int_equal(td_alert_rules_load(f->r, path, on_msg, f), -1);
	assert_string_equal(f->msg[1], "alerts: the rules are already loaded");
	fx_free(f);

	char *big = malloc(6000);
	strcpy(big, "[rule a]\r\nexpr = last > 1\r\n[rule b]\nexpr = ");
	size_t len = strlen(big);
	memset(big + len, '1', 5000);
	strcpy(big + len + 5000, "\n[rule c]\nexpr = last > 2\n");
	f = fx_open("long", big, NULL, NULL);
	free(big);
	assert_int_equal(f->nmsg, 2);
	snprintf(want, sizeof want, "%s:4: line longer than 4095 bytes", f->conf);
	assert_string_equal(f->msg[0], want);
	snprintf(want, sizeof want, "%s:3: rule 'b': no expr: a rule needs a condition", f->conf);
	assert_string_equal(f->msg[1], want);
	assert_null(info(f, "a").error);
	assert_string_equal(info(f, "a").expr, "last > 1");   /* the \r is not part of it */
	assert_null(info(f, "c").error);
	fx_free(f);
}

/* A rule the book cannot take (an instrument beyond it) is refused at load, named at its section. */
static void test_load_attach_refused(void **state)
{
	(void)state;
	char want[700];
	fx *f = fx_open("far", "[rule near]\nexpr = last > 1\n[rule far]\nexpr = last > last@FAR\n", NULL, NULL);
	assert_int_equal(f->nmsg, 1);
	snprintf(want, sizeof want, "%s:3: rule 'far': rule names instrument 9, out of range (the book has 5)", f->conf);
	assert_string_equal(f->msg[0], want);
	assert_string_equal(info(f, "far").error, "rule names instrument 9, out of range (the book has 5)");
	assert_int_equal(info(f, "far").attached, 0);
	assert_int_equal(info(f, "near").attached, 2);
	assert_int_equal(attachments(f), 2);
	fx_free(f);
}

/* A rule for another market is left out without a word; every market loads it when none is given. */
static void test_market(void **state)
{
	(void)state;
	static const char conf[] = "[rule n]\nexpr = last > last@NIFTY\nmarket = in\n[rule a]\nexpr = bid > 1\n";
	fx *f = fx_open("mkt_us", conf, "us", NULL);
	no_messages(f);
	assert_false(has(f, "n"));
	assert_true(has(f, "a"));
	fx_free(f);
	f = fx_open("mkt_in", conf, "in", NULL);
	no_messages(f);
	assert_true(has(f, "n"));
	fx_free(f);
	f = fx_open("mkt_all", conf, NULL, NULL);
	assert_true(has(f, "n"));
	fx_free(f);
}

/* ---- the state file ------------------------------------------------------------------------ */

static const char two_rules[] = "[rule a]\nexpr = last > 100\ninstruments = ES\n"
				"[rule b]\nexpr = bid > 1\ninstruments = ES\nenabled = false\n";

/* add, disable, enable and delete survive a reload; alerts.conf is never written; the state is 0600. */
static void test_state_round_trip(void **state)
{
	(void)state;
	char out[2048];
	struct stat before, after, st;
	fx *f = fx_open("round", two_rules, NULL, NULL);
	no_messages(f);
	char *conf_text = read_file(f->conf);
	assert_int_equal(stat(f->conf, &before), 0);

	ok(f, "add c last < 50 level=warning cooldown=90s instruments=ES,NQ message=\"{symbol} low\"", out, sizeof out);
	assert_string_equal(out, "rule 'c' added: WARNING, cooldown 90s, 2 instruments");
	ok(f, "disable a", out, sizeof out);
	assert_string_equal(out, "rule 'a' disabled");
	ok(f, "enable b", out, sizeof out);
	assert_string_equal(out, "rule 'b' enabled");
	ok(f, "delete b", out, sizeof out);
	assert_string_equal(out, "rule 'b' deleted");
	ok(f, "add d ask > 1", out, sizeof out);
	ok(f, "delete d", out, sizeof out);

	char *text = read_file(f->state);
	assert_string_equal(text,
			    "tapedeck-alerts-state 1\n"
			    "# Run-time changes to the alert rules, written by tapedeck at each :alert command\n"
			    "# (doc/alerts.md, Rules).  The rules of alerts.conf are not copied here:\n"
			    "# [changes] says which of them were enabled, disabled or deleted at run time.\n"
			    "\n"
			    "[changes]\n"
			    "a = disabled\n"
			    "b = deleted\n"
			    "\n"
			    "[rule c]\n"
			    "expr = last < 50\n"
			    "level = warning\n"
			    "cooldown = 90s\n"
			    "instruments = ES,NQ\n"
			    "message = {symbol} low\n");
	free(text);
	assert_int_equal(stat(f->state, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);

	fx_reload(f);
	no_messages(f);
	assert_int_equal(td_alert_rules_count(f->r), 2);
	assert_false(info(f, "a").enabled);
	assert_int_equal(info(f, "a").attached, 0);
	assert_false(has(f, "b"));
	assert_false(has(f, "d"));
	td_alert_rule_info c = info(f, "c");
	assert_true(c.enabled);
	assert_int_equal(c.origin, TD_ALERT_FROM_RUNTIME);
	assert_int_equal(c.level, TD_ALERT_WARNING);
	assert_int_equal(c.cooldown_s, 90);
	assert_int_equal(c.attached, 2);
	assert_string_equal(c.message, "{symbol} low");
	assert_int_equal(attachments(f), 2);

	/* enabling a again matches alerts.conf: its change is dropped rather than kept */
	ok(f, "enable a", out, sizeof out);
	text = read_file(f->state);
	assert_null(strstr(text, "a = "));
	assert_non_null(strstr(text, "b = deleted\n"));
	free(text);
	/* a run-time rule keeps its flag in its own section */
	ok(f, "disable c", out, sizeof out);
	text = read_file(f->state);
	assert_non_null(strstr(text, "message = {symbol} low\nenabled = false\n"));
	free(text);
	fx_reload(f);
	assert_false(info(f, "c").enabled);
	assert_true(info(f, "a").enabled);

	char *conf_after = read_file(f->conf);
	assert_string_equal(conf_after, conf_text);
	assert_int_equal(stat(f->conf, &after), 0);
	assert_int_equal(after.st_mtim.tv_sec, before.st_mtim.tv_sec);
	assert_int_equal(after.st_mtim.tv_nsec, before.st_mtim.tv_nsec);
	free(conf_after);
	free(conf_text);
	fx_free(f);
}

/* A state file of another version is named, not applied, and never overwritten. */
static void test_state_other_version(void **state)
{
	(void)state;
	char dir[600], want[1200];
	static const char v2[] = "tapedeck-alerts-state 2\n[changes]\na = disabled\n[rule z]\nexpr = last > 1\n";
	snprintf(dir, sizeof dir, "%s/v2", tmpdir);
	assert_int_equal(mkdir(dir, 0700), 0);
	snprintf(dir, sizeof dir, "%s/v2/alerts.state", tmpdir);
	write_file(dir, v2);
	fx *f = fx_open("v2", two_rules, NULL, NULL);
	assert_int_equal(f->nmsg, 2);
	snprintf(want, sizeof want, "%s:1: unsupported alert state version '2' (this build reads version 1)", f->state);
	assert_string_equal(f->msg[0], want);
	snprintf(want, sizeof want, "%s:1: run-time alert changes will not be saved, and the file is left as it is",
		 f->state);
	assert_string_equal(f->msg[1], want);
	assert_true(info(f, "a").enabled);   /* nothing of it applied */
	assert_false(has(f, "z"));
	td_alert_rules_report rep;
	td_alert_rules_report_get(f->r, &rep);
	assert_true(rep.state_locked);

	snprintf(want, sizeof want, "alert disable: run-time changes cannot be saved: %s:1: unsupported alert state "
		 "version '2' (this build reads version 1)", f->state);
	refused(f, "disable a", want);
	assert_true(info(f, "a").enabled);
	snprintf(want, sizeof want, "alert add: run-time changes cannot be saved: %s:1: unsupported alert state "
		 "version '2' (this build reads version 1)", f->state);
	refused(f, "add y last > 1", want);
	assert_false(has(f, "y"));
	char *text = read_file(f->state);
	assert_string_equal(text, v2);
	free(text);
	char line[400];
	td_alert_rules_describe(f->r, line, sizeof line);
	snprintf(want, sizeof want, "alerts: 2 rules, 1 enabled; changes not saved: %s:1: unsupported alert state "
		 "version '2' (this build reads version 1)", f->state);
	assert_string_equal(line, want);
	fx_free(f);

	/* a line this build does not understand locks it too; the rest of it applies */
	static const char bad[] = "tapedeck-alerts-state 1\n[changes]\na = disabled\nb = sleeping\n";
	snprintf(dir, sizeof dir, "%s/badstate", tmpdir);
	assert_int_equal(mkdir(dir, 0700), 0);
	snprintf(dir, sizeof dir, "%s/badstate/alerts.state", tmpdir);
	write_file(dir, bad);
	f = fx_open("badstate", two_rules, NULL, NULL);
	snprintf(want, sizeof want, "%s:4: expected enabled, disabled or deleted, not 'sleeping'", f->state);
	assert_int_equal(f->nmsg, 2);
	assert_string_equal(f->msg[0], want);
	assert_false(info(f, "a").enabled);
	char out[512];
	assert_int_equal(td_alert_rules_command(f->r, "enable a", out, sizeof out), -1);
	text = read_file(f->state);
	assert_string_equal(text, bad);
	free(text);
	fx_free(f);
}

/* A run-time rule that cannot load today (an unknown symbol) is listed as refused and kept in the file. */
static void test_state_keeps_refused(void **state)
{
	(void)state;
	char dir[600], out[2048];
	snprintf(dir, sizeof dir, "%s/keep", tmpdir);
	assert_int_equal(mkdir(dir, 0700), 0);
	snprintf(dir, sizeof dir, "%s/keep/alerts.state", tmpdir);
	write_file(dir, "tapedeck-alerts-state 1\n\n[rule far]\nexpr = last > last@QQQ\nlevel = critical\n");
	fx *f = fx_open("keep", NULL, NULL, NULL);
	assert_int_equal(f->nmsg, 1);
	/* "last > last" is 11 bytes: the bad token @QQQ starts at column 12 */
	char want[1200];
	snprintf(want, sizeof want, "%s:4: rule 'far': column 12: unknown symbol 'QQQ'\nlast > last@QQQ\n"
		 "           ^^^^", dir);
	assert_string_equal(f->msg[0], want);
	assert_string_equal(info(f, "far").error, "expr: column 12: unknown symbol 'QQQ'");
	ok(f, "add other bid > 2", out, sizeof out);
	char *text = read_file(dir);
	assert_non_null(strstr(text, "\n[rule far]\nexpr = last > last@QQQ\nlevel = critical\n"));
	assert_non_null(strstr(text, "\n[rule other]\nexpr = bid > 2\n"));
	free(text);
	/* deleting it removes it from the file */
	ok(f, "delete far", out, sizeof out);
	text = read_file(dir);
	assert_null(strstr(text, "far"));
	free(text);
	fx_free(f);
}

/* A run-time rule replaces a rule of alerts.conf of the same name. */
static void test_state_replaces_file_rule(void **state)
{
	(void)state;
	char dir[600], want[1200];
	snprintf(dir, sizeof dir, "%s/repl", tmpdir);
	assert_int_equal(mkdir(dir, 0700), 0);
	snprintf(dir, sizeof dir, "%s/repl/alerts.state", tmpdir);
	write_file(dir, "tapedeck-alerts-state 1\n[rule a]\nexpr = ask > 7\n");
	fx *f = fx_open("repl", two_rules, NULL, NULL);
	assert_int_equal(f->nmsg, 1);
	snprintf(want, sizeof want, "%s:2: rule 'a' added at run time replaces the one of %s:1", dir, f->conf);
	assert_string_equal(f->msg[0], want);
	assert_string_equal(info(f, "a").expr, "ask > 7");
	assert_int_equal(info(f, "a").origin, TD_ALERT_FROM_RUNTIME);
	assert_int_equal(td_alert_rules_count(f->r), 2);
	/* deleting it deletes the one of alerts.conf too: it does not come back at the next start */
	char out[512];
	ok(f, "delete a", out, sizeof out);
	fx_reload(f);
	no_messages(f);
	assert_false(has(f, "a"));
	assert_true(has(f, "b"));
	fx_free(f);
}

/* A save that fails undoes the change: nothing listed, nothing attached, nothing else changed. */
static void test_save_failure_undoes(void **state)
{
	(void)state;
	char out[2048], blocker[600];
	/* a directory where the temporary file goes: it cannot be removed or opened as a file */
	snprintf(blocker, sizeof blocker, "%s/blocked", tmpdir);
	assert_int_equal(mkdir(blocker, 0700), 0);
	snprintf(blocker, sizeof blocker, "%s/blocked/alerts.state.tmp", tmpdir);
	assert_int_equal(mkdir(blocker, 0700), 0);
	fx *f = fx_open("blocked", two_rules, NULL, NULL);
	no_messages(f);
	size_t att = attachments(f);
	assert_int_equal(att, 1);   /* a on ES */

	assert_int_equal(td_alert_rules_command(f->r, "add x last > 1", out, sizeof out), -1);
	char want[1200];
	snprintf(want, sizeof want, "alert: the change is undone: %s: cannot write: Is a directory", f->state);
	assert_string_equal(out, want);
	assert_false(has(f, "x"));
	assert_int_equal(attachments(f), att);

	assert_int_equal(td_alert_rules_command(f->r, "disable a", out, sizeof out), -1);
	assert_string_equal(out, want);
	assert_true(info(f, "a").enabled);
	assert_int_equal(info(f, "a").attached, 1);

	assert_int_equal(td_alert_rules_command(f->r, "enable b", out, sizeof out), -1);
	assert_false(info(f, "b").enabled);
	assert_int_equal(attachments(f), att);

	assert_int_equal(td_alert_rules_command(f->r, "delete a", out, sizeof out), -1);
	assert_true(has(f, "a"));
	assert_int_equal(info(f, "a").attached, 1);
	/* the order of the list is unchanged */
	td_alert_rule_info first;
	assert_int_equal(td_alert_rules_get(f->r, 0, &first), 0);
	assert_string_equal(first.name, "a");
	fx_free(f);
}

/* ---- the command ---------------------------------------------------------------------------- */

/* Options are the trailing key=value words; comparisons with '=' stay in the expression. */
static void test_command_add_split(void **state)
{
	(void)state;
	char out[2048];
	fx *f = fx_open("split", NULL, NULL, NULL);
	ok(f, "add le last <= 3 level=critical", out, sizeof out);
	assert_string_equal(info(f, "le").expr, "last <= 3");
	assert_int_equal(info(f, "le").level, TD_ALERT_CRITICAL);
	ok(f, "add eq   bid == ask   cooldown=0", out, sizeof out);
	assert_string_equal(info(f, "eq").expr, "bid == ask");
	assert_int_equal(info(f, "eq").cooldown_s, 0);
	ok(f, "add tight last>=3 and bid!=ask", out, sizeof out);
	assert_string_equal(info(f, "tight").expr, "last>=3 and bid!=ask");
	assert_int_equal(info(f, "tight").level, TD_ALERT_INFO);
	ok(f, "add brk last@\"BRK B\" > 400 instruments=ES sinks=bell days=all hours=09:30-11:00,14:00-16:00 "
	      "order=\"buy 1 {symbol} lmt {ask}\"", out, sizeof out);
	td_alert_rule_info b = info(f, "brk");
	assert_string_equal(b.expr, "last@\"BRK B\" > 400");
	assert_string_equal(b.sinks, "bell");
	assert_string_equal(b.days, "all");
	assert_string_equal(b.hours, "09:30-11:00,14:00-16:00");
	assert_string_equal(b.order, "buy 1 {symbol} lmt {ask}");
	assert_int_equal(b.attached, 1);
	ok(f, "list", out, sizeof out);
	assert_string_equal(out,
			    "NAME                 LEVEL    STATE   INSTRUMENTS  EXPRESSION\n"
			    "le                   CRITICAL on      *            last <= 3\n"
			    "eq                   INFO     on      *            bid == ask\n"
			    "tight                INFO     on      *            last>=3 and bid!=ask\n"
			    "brk                  INFO     on      ES           last@\"BRK B\" > 400");
	ok(f, "show brk", out, sizeof out);
	assert_string_equal(out,
			    "rule 'brk' (added at run time): enabled, on 1 instrument\n"
			    "expr = last@\"BRK B\" > 400\n"
			    "level = info (default)\n"
			    "cooldown = 5m (default)\n"
			    "days = all\n"
			    "hours = 09:30-11:00,14:00-16:00\n"
			    "instruments = ES\n"
			    "sinks = bell\n"
			    "message =  (default)\n"
			    "order = buy 1 {symbol} lmt {ask}");
	fx_free(f);
}

/* Every refusal says what and where. */
static void test_command_errors(void **state)
{
	(void)state;
	char out[2048];
	fx *f = fx_open("errors", "[rule a]\nexpr = last > 1\n", NULL, NULL);
	refused(f, "add x last > 1 foo=1", "alert add: unknown option 'foo' (level, cooldown, days, hours, "
		"instruments, sinks, message, order); a comparison is written ==");
	refused(f, "add x last = 1", "rule 'x': column 6: unexpected '=': use '==' to compare\n"
		"last = 1\n"
		"     ^");
	char want[700];
	snprintf(want, sizeof want, "alert add: a rule named 'a' already exists (%s:1)", f->conf);
	refused(f, "add a bid > 1", want);
	refused(f, "add b@d last > 1", "alert add: bad rule name 'b@d': use letters, digits, '_', '.' and '-'");
	refused(f, "add x level=info", "alert add: no expression after the name 'x'");
	refused(f, "add x", "alert add: give a name and an expression");
	refused(f, "add x last > 1 level=info level=critical", "alert add: option 'level' given twice");
	refused(f, "add x last > 1 expr=1", "alert add: unknown option 'expr' (level, cooldown, days, hours, "
		"instruments, sinks, message, order); a comparison is written ==");
	refused(f, "add x last > 1 level=loud", "rule 'x': level: unknown level 'loud' (info, warning or critical)");
	refused(f, "add x last > 1 instruments=QQQ", "rule 'x': instruments: unknown instrument 'QQQ'");
	refused(f, "add x last > 1 message=\"a b", "alert: missing closing '\"' (column 24)");
	refused(f, "add x last > 1 message=a\"b\"", "alert add: option 'message': put the whole value in double quotes");
	/* "volumen > 1": column 1 */
	refused(f, "add x volumen > 1", "rule 'x': column 1: unknown name 'volumen': did you mean 'volume'?\n"
		"volumen > 1\n"
		"^^^^^^^");
	refused(f, "add x last > 1 message=\"a\x1b[2Jb\"", "rule 'x': message: control character in the template "
		"(column 2)");
	refused(f, "enable nope", "no alert rule named 'nope'");
	refused(f, "enable", "alert enable: give one rule name");
	refused(f, "delete a b", "alert delete: give one rule name");
	refused(f, "list all", "alert list: takes no arguments");
	refused(f, "frobnicate x", "alert: unknown command 'frobnicate'; usage: alert add NAME EXPRESSION [level=L] "
		"[cooldown=D] [sinks=S] [instruments=A,B] [days=D] [hours=H] [message=\"...\"] [order=\"...\"] | list | "
		"show NAME | enable NAME | disable NAME | delete NAME");
	assert_int_equal(td_alert_rules_count(f->r), 1);
	ok(f, "enable a", out, sizeof out);
	assert_string_equal(out, "rule 'a' is already enabled");
	fx_free(f);
}

/* ---- attachments ----------------------------------------------------------------------------- */

/* Evaluate inst at second t; the firings of rule id. */
static size_t fires_of(fx *f, uint32_t inst, double t, uint32_t id)
{
	td_alert_fire out[16];
	size_t n = td_alert_book_evaluate(f->book, inst, (td_ns)(t * SEC), out, 16), k = 0;
	for (size_t i = 0; i < n && i < 16; i++)
		k += out[i].rule == id && out[i].inst == inst;
	return k;
}

/* Firings appear and disappear with add, disable, enable and delete. */
static void test_attachments_follow(void **state)
{
	(void)state;
	char out[2048];
	fx *f = fx_open("attach", NULL, NULL, NULL);
	ok(f, "add up last > 100 instruments=ES", out, sizeof out);
	uint32_t id = info(f, "up").id;
	td_alert_book_set(f->book, ES, TD_AF_LAST, 101);
	assert_int_equal(fires_of(f, ES, 1, id), 1);

	ok(f, "disable up", out, sizeof out);
	assert_int_equal(attachments(f), 0);
	td_alert_book_set(f->book, ES, TD_AF_LAST, 99);
	assert_int_equal(fires_of(f, ES, 2, id), 0);
	td_alert_book_set(f->book, ES, TD_AF_LAST, 102);
	assert_int_equal(fires_of(f, ES, 3, id), 0);

	ok(f, "enable up", out, sizeof out);
	assert_int_equal(attachments(f), 1);
	assert_int_equal(fires_of(f, ES, 4, id), 1);   /* already true: fires at its first evaluation */

	ok(f, "delete up", out, sizeof out);
	assert_int_equal(attachments(f), 0);
	td_alert_book_set(f->book, ES, TD_AF_LAST, 98);
	assert_int_equal(fires_of(f, ES, 5, id), 0);
	td_alert_book_set(f->book, ES, TD_AF_LAST, 103);
	assert_int_equal(fires_of(f, ES, 6, id), 0);
	td_alert_fire fire = { id, ES };
	td_alert_fired fired;
	assert_int_equal(td_alert_rules_fire(f->r, &fire, 6 * SEC, NULL, "ES", &fired), TD_ALERT_NO_RULE);
	fx_free(f);
}

/* The watchlist changes: rules on * follow it, rules with their own instruments do not. */
static void test_set_defaults(void **state)
{
	(void)state;
	fx *f = fx_open("defaults", "[rule all]\nexpr = last > 1\n[rule mine]\nexpr = bid > 1\ninstruments = NQ\n", NULL,
			NULL);
	assert_int_equal(info(f, "all").attached, 2);
	static const uint32_t ids[] = { NIFTY };
	char err[256];
	assert_int_equal(td_alert_rules_set_defaults(f->r, ids, 1, err, sizeof err), 0);
	td_alert_att_info ai;
	assert_int_equal(info(f, "all").attached, 1);
	assert_int_equal(td_alert_book_info(f->book, info(f, "all").id, NIFTY, &ai), 0);
	assert_int_equal(td_alert_book_info(f->book, info(f, "all").id, ES, &ai), -1);
	assert_int_equal(info(f, "mine").attached, 1);
	assert_int_equal(attachments(f), 2);
	fx_free(f);
}

/* ---- the gate -------------------------------------------------------------------------------- */

static td_alert_gate fire_at(fx *f, const char *rule, uint32_t inst, td_ns now, const td_tz *tz)
{
	td_alert_fire fire = { info(f, rule).id, inst };
	td_alert_fired out;
	return td_alert_rules_fire(f->r, &fire, now, tz, "ES", &out);
}

/* Fires, is quiet within the cooldown (per instrument), fires again once it is over. */
static void test_gate_cooldown(void **state)
{
	(void)state;
	fx *f = fx_open("cool", "[rule c]\nexpr = last > 1\ncooldown = 1m\ndays = all\n", NULL, NULL);
	td_ns t0 = 1000 * SEC;
	assert_int_equal(fire_at(f, "c", ES, t0, NULL), TD_ALERT_ADMIT);
	assert_int_equal(fire_at(f, "c", ES, t0 + 59 * SEC, NULL), TD_ALERT_COOLDOWN);
	assert_int_equal(fire_at(f, "c", SPY, t0 + 59 * SEC, NULL), TD_ALERT_ADMIT);   /* its own cooldown */
	assert_int_equal(fire_at(f, "c", ES, t0 + 60 * SEC, NULL), TD_ALERT_ADMIT);
	/* measured from the last admitted firing, not from the suppressed one */
	assert_int_equal(fire_at(f, "c", ES, t0 + 100 * SEC, NULL), TD_ALERT_COOLDOWN);
	assert_int_equal(fire_at(f, "c", ES, t0 + 120 * SEC, NULL), TD_ALERT_ADMIT);
	/* a clock that went back ends it */
	assert_int_equal(fire_at(f, "c", ES, t0, NULL), TD_ALERT_ADMIT);
	/* an instrument it is not attached to */
	assert_int_equal(fire_at(f, "c", NQ, t0, NULL), TD_ALERT_NO_RULE);
	uint64_t g[TD_ALERT_GATE_COUNT];
	td_alert_rules_gate_stats(f->r, g);
	assert_int_equal(g[TD_ALERT_ADMIT], 5);
	assert_int_equal(g[TD_ALERT_COOLDOWN], 2);
	assert_int_equal(g[TD_ALERT_NO_RULE], 1);
	assert_string_equal(td_alert_gate_name(TD_ALERT_COOLDOWN), "cooling down");
	fx_free(f);
}

/* Days and hours are the exchange's: New York time, 09:30 included, 16:00 not, Saturday never. */
static void test_gate_days_hours(void **state)
{
	(void)state;
	const td_tz *tz = td_tz_find("America/New_York");
	assert_non_null(tz);
	fx *f = fx_open("hours", "[rule h]\nexpr = last > 1\ncooldown = 0\ndays = mon-fri\nhours = 09:30-16:00\n"
			"[rule night]\nexpr = last > 1\ncooldown = 0\nhours = 18:00-02:00\n"
			"[rule off]\nexpr = last > 1\ncooldown = 0\ndays = all\nenabled = false\n", NULL, NULL);
	no_messages(f);
	assert_int_equal(fire_at(f, "h", ES, ny(2024, 3, 15, 9, 29, 59), tz), TD_ALERT_OFF_HOURS);
	assert_int_equal(fire_at(f, "h", ES, ny(2024, 3, 15, 9, 30, 0), tz), TD_ALERT_ADMIT);
	assert_int_equal(fire_at(f, "h", ES, ny(2024, 3, 15, 15, 59, 59), tz), TD_ALERT_ADMIT);
	assert_int_equal(fire_at(f, "h", ES, ny(2024, 3, 15, 16, 0, 0), tz), TD_ALERT_OFF_HOURS);
	assert_int_equal(fire_at(f, "h", ES, ny(2024, 3, 16, 10, 0, 0), tz), TD_ALERT_OFF_DAY);   /* a Saturday */
	/* 13:29:59 UTC is 09:29:59 in New York: in UTC the same instant is inside the hours */
	assert_int_equal(fire_at(f, "h", ES, ny(2024, 3, 15, 9, 29, 59), NULL), TD_ALERT_ADMIT);
	/* Friday 23:00 in New York is Saturday 03:00 UTC: a Friday for the exchange */
	assert_int_equal(fire_at(f, "night", ES, ny(2024, 3, 15, 23, 0, 0), tz), TD_ALERT_ADMIT);
	assert_int_equal(fire_at(f, "night", ES, ny(2024, 3, 15, 23, 0, 0), NULL), TD_ALERT_OFF_DAY);
	/* a range across midnight: 01:59:59 in, 02:00 and 17:59:59 out */
	assert_int_equal(fire_at(f, "night", ES, ny(2024, 3, 15, 1, 59, 59), tz), TD_ALERT_ADMIT);
	assert_int_equal(fire_at(f, "night", ES, ny(2024, 3, 15, 2, 0, 0), tz), TD_ALERT_OFF_HOURS);
	assert_int_equal(fire_at(f, "night", ES, ny(2024, 3, 15, 17, 59, 59), tz), TD_ALERT_OFF_HOURS);
	assert_int_equal(fire_at(f, "night", ES, ny(2024, 3, 15, 18, 0, 0), tz), TD_ALERT_ADMIT);
	/* a disabled rule is attached nowhere, and the gate refuses its id */
	assert_int_equal(info(f, "off").attached, 0);
	assert_int_equal(fire_at(f, "off", ES, ny(2024, 3, 15, 12, 0, 0), tz), TD_ALERT_DISABLED);
	fx_free(f);
}

/* A rule disabled after its edge was produced is refused by the gate. */
static void test_gate_disabled(void **state)
{
	(void)state;
	char out[512];
	fx *f = fx_open("dis", "[rule d]\nexpr = last > 1\ndays = all\n", NULL, NULL);
	td_alert_fire fire = { info(f, "d").id, ES };
	ok(f, "disable d", out, sizeof out);
	td_alert_fired fired;
	assert_int_equal(td_alert_rules_fire(f->r, &fire, SEC, NULL, "ES", &fired), TD_ALERT_DISABLED);
	/* the book fires nothing for it either */
	td_alert_book_set(f->book, ES, TD_AF_LAST, 5);
	assert_int_equal(fires_of(f, ES, 1, fire.rule), 0);
	fx_free(f);
}

/* ---- messages and orders ---------------------------------------------------------------------- */

static bool has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

/* The template's placeholders from the book's facts; prices with the tick's decimals; outside text sanitized. */
static void test_message_template(void **state)
{
	(void)state;
	fx *f = fx_open("msg", "[rule t]\nexpr = last > vwap\ndays = all\nlevel = warning\ninstruments = SPY\n"
			"message = {symbol} {last} over VWAP {vwap} ({rule}, {level}) spread {spread} iv {atm_iv} "
			"ib {ib_done} open {opening_type} at {time} {pcr_oi} {last+0.5} {last - 1}\n"
			"sinks = bell,pane\n"
			"[rule plain]\nexpr = last > 100\ndays = all\ninstruments = SPY\n"
			"[rule both]\nexpr = last > vwap and tick > 0\ndays = all\ninstruments = SPY\n"
			"message = {expr}: {explain}\n", NULL, NULL);
	no_messages(f);
	td_alert_book_set(f->book, SPY, TD_AF_LAST, 512.3);
	td_alert_book_set(f->book, SPY, TD_AF_VWAP, 511.987);
	td_alert_book_set(f->book, SPY, TD_AF_TICK, 0.01);
	td_alert_book_set(f->book, SPY, TD_AF_SPREAD, 0.02);
	td_alert_book_set(f->book, SPY, TD_AF_ATM_IV, 18.25);
	td_alert_book_set(f->book, SPY, TD_AF_IB_DONE, 1);
	td_alert_book_set(f->book, SPY, TD_AF_OPENING_TYPE, TD_ALERT_OTD);
	td_alert_book_set(f->book, SPY, TD_AF_TIME, 10 * 3600 + 5 * 60 + 7);
	td_alert_fire fire = { info(f, "t").id, SPY };
	td_alert_fired out;
	td_ns now = 1700000000LL * SEC;
	assert_int_equal(td_alert_rules_fire(f->r, &fire, now, NULL, "SPY\x1b[2J\n", &out), TD_ALERT_ADMIT);
	/* ESC and the newline are dropped; the rest of the escape sequence is printable and stays */
	assert_string_equal(out.msg.symbol, "SPY[2J");
	assert_string_equal(out.msg.text, "SPY[2J 512.30 over VWAP 511.99 (t, WARNING) spread 0.02 iv 18.25 ib true "
			    "open OTD at 10:05:07 unknown 512.80 511.30");
	assert_false(has_control(out.msg.text));
	assert_string_equal(out.msg.rule, "t");
	assert_int_equal(out.msg.level, TD_ALERT_WARNING);
	assert_true(out.msg.time == now);
	assert_int_equal(out.ui, TD_ALERT_UI_BELL | TD_ALERT_UI_PANE);
	assert_true(out.sinks == 0);
	assert_false(out.has_order);
	assert_int_equal(out.rule, fire.rule);
	assert_int_equal(out.inst, SPY);

	/* {expr} and {explain} */
	td_alert_fire both = { info(f, "both").id, SPY };
	assert_int_equal(td_alert_rules_fire(f->r, &both, now, NULL, "SPY", &out), TD_ALERT_ADMIT);
	assert_string_equal(out.msg.text, "last > vwap and tick > 0: last=512.3 vwap=511.987 tick=0.01");

	/* without a template: the expression and the values it read */
	td_alert_fire plain = { info(f, "plain").id, SPY };
	assert_int_equal(td_alert_rules_fire(f->r, &plain, now, NULL, "SPY", &out), TD_ALERT_ADMIT);
	assert_string_equal(out.msg.text, "last > 100 (last=512.3)");
	assert_int_equal(out.msg.level, TD_ALERT_INFO);
	fx_free(f);

	/* a control character in a line refuses its rule when the file is read ("message = ring " is 15 bytes) */
	f = fx_open("msgctl", "[rule c]\nexpr = last > 1\nmessage = ring \a the bell\n", NULL, NULL);
	char want[700];
	snprintf(want, sizeof want, "%s:3: control character in the line (column 16)", f->conf);
	assert_int_equal(f->nmsg, 1);
	assert_string_equal(f->msg[0], want);
	assert_string_equal(info(f, "c").error, "bad line 3 in the rule");
	fx_free(f);
}

/* Price formatter for the order tests: "<price to 3 decimals>@inst". */
static int price3(void *ctx, uint32_t inst, double price, char *buf, size_t n)
{
	int *calls = ctx;
	(*calls)++;
	if (price < 0)
		return -1;
	snprintf(buf, n, "%.3f@%u", price, inst);
	return 0;
}

/* The order line: prices on the tick (0.01 and 0.25), the caller's formatter, and every refusal. */
static void test_order_template(void **state)
{
	(void)state;
	char line[256], err[256];
	fx *f = fx_open("order", "[rule o]\nexpr = last > 1\ninstruments = SPY, ES\n"
			"order = buy 1 {symbol} lmt {ask} sl {bid-0.5}\n"
			"[rule none]\nexpr = last > 1\n"
			"[rule bad1]\nexpr = last > 1\norder = hold 1 {symbol}\n"
			"[rule bad2]\nexpr = last > 1\norder = buy 1 {symbol} lmt {volume}\n"
			"[rule bad3]\nexpr = last > 1\norder = buy 1 {symbol} lmt {ask\n", NULL, NULL);
	assert_int_equal(f->nmsg, 3);
	assert_string_equal(info(f, "bad1").error, "order: an order template is a buy or sell line, e.g. 'buy 100 "
			    "{symbol} lmt {ask}'");
	assert_string_equal(info(f, "bad2").error, "order: unknown placeholder '{volume}' (symbol or a price fact such "
			    "as {bid})");
	assert_string_equal(info(f, "bad3").error, "order: unclosed '{' at column 20");
	uint32_t id = info(f, "o").id;

	td_alert_book_set(f->book, SPY, TD_AF_TICK, 0.01);
	td_alert_book_set(f->book, SPY, TD_AF_BID, 512.34);
	td_alert_book_set(f->book, SPY, TD_AF_ASK, 512.35);
	assert_int_equal(td_alert_rules_order(f->r, id, SPY, "SPY", NULL, NULL, line, sizeof line, err, sizeof err), 0);
	assert_string_equal(line, "buy 1 SPY lmt 512.35 sl 511.84");   /* 512.34 - 0.5 */
	/* ES: tick 0.25, an ask of 5000.30 is written on the tick: 5000.30 / 0.25 = 20001.2 -> 20001 -> 5000.25 */
	td_alert_book_set(f->book, ES, TD_AF_TICK, 0.25);
	td_alert_book_set(f->book, ES, TD_AF_BID, 5000.1);
	td_alert_book_set(f->book, ES, TD_AF_ASK, 5000.3);
	assert_int_equal(td_alert_rules_order(f->r, id, ES, "ESZ6", NULL, NULL, line, sizeof line, err, sizeof err), 0);
	assert_string_equal(line, "buy 1 ESZ6 lmt 5000.25 sl 4999.50");   /* 4999.6 -> 19998.4 -> 19998 -> 4999.50 */
	int calls = 0;
	assert_int_equal(td_alert_rules_order(f->r, id, ES, "ESZ6", price3, &calls, line, sizeof line, err, sizeof err),
			 0);
	assert_string_equal(line, "buy 1 ESZ6 lmt 5000.300@0 sl 4999.600@0");
	assert_int_equal(calls, 2);
	/* a symbol from outside is sanitized before it reaches the line */
	assert_int_equal(td_alert_rules_order(f->r, id, SPY, "SP\x07Y", NULL, NULL, line, sizeof line, err, sizeof err),
			 0);
	assert_string_equal(line, "buy 1 SPY lmt 512.35 sl 511.84");

	td_alert_book_set(f->book, SPY, TD_AF_ASK, NAN);
	assert_int_equal(td_alert_rules_order(f->r, id, SPY, "SPY", NULL, NULL, line, sizeof line, err, sizeof err), -1);
	assert_string_equal(err, "rule 'o': 'ask' is unknown for SPY");
	assert_string_equal(line, "");
	assert_int_equal(td_alert_rules_order(f->r, info(f, "none").id, SPY, "SPY", NULL, NULL, line, sizeof line, err,
					      sizeof err), -1);
	assert_string_equal(err, "rule 'none' has no order template");
	assert_int_equal(td_alert_rules_order(f->r, 9999, SPY, "SPY", NULL, NULL, line, sizeof line, err, sizeof err),
			 -1);
	assert_string_equal(err, "the rule of this alert no longer exists");
	assert_int_equal(td_alert_rules_order(f->r, id, ES, "ESZ6", NULL, NULL, line, 12, err, sizeof err), -1);
	assert_string_equal(err, "rule 'o': the order line is longer than 11 bytes");

	/* a firing of a rule with an order template says so */
	td_alert_fire fire = { id, ES };
	td_alert_fired out;
	td_ns fri_noon = ny(2024, 3, 15, 12, 0, 0);
	assert_int_equal(td_alert_rules_fire(f->r, &fire, fri_noon, td_tz_find("America/New_York"), "ESZ6", &out),
			 TD_ALERT_ADMIT);
	assert_true(out.has_order);
	fx_free(f);
}

/* Sinks: pane and bell are the UI's; the rest resolve against the notifier's targets. */
static void test_sinks(void **state)
{
	(void)state;
	td_notifier_params np;
	char err[256];
	td_notifier_defaults(&np);
	assert_int_equal(td_notifier_add_target(&np, "ops json http://127.0.0.1:9/", err, sizeof err), 0);
	assert_int_equal(td_notifier_add_target(&np, "chat slack env:S", err, sizeof err), 0);
	fx *f = fx_open("sinks", "[rule a]\nexpr = last > 1\ndays = all\nsinks = bell, desktop chat\n"
			"[rule b]\nexpr = last > 1\ndays = all\nsinks = all\n"
			"[rule c]\nexpr = last > 1\nsinks = pane,pager\n", NULL, &np);
	char want[800];
	snprintf(want, sizeof want, "%s:11: rule 'c': sinks: unknown sink 'pager' (pane, bell, desktop, webhooks, all, "
		 "or a webhook target's name)", f->conf);
	assert_int_equal(f->nmsg, 1);
	assert_string_equal(f->msg[0], want);
	td_alert_fire fire = { info(f, "a").id, ES };
	td_alert_fired out;
	assert_int_equal(td_alert_rules_fire(f->r, &fire, SEC, NULL, "ES", &out), TD_ALERT_ADMIT);
	assert_int_equal(out.ui, TD_ALERT_UI_BELL);
	assert_true(out.sinks == (TD_SINK_DESKTOP | TD_SINK_WEBHOOK(1)));
	fire.rule = info(f, "b").id;
	assert_int_equal(td_alert_rules_fire(f->r, &fire, SEC, NULL, "ES", &out), TD_ALERT_ADMIT);
	assert_int_equal(out.ui, TD_ALERT_UI_BELL | TD_ALERT_UI_PANE);
	assert_true(out.sinks == (TD_SINK_DESKTOP | TD_SINK_WEBHOOK(0) | TD_SINK_WEBHOOK(1)));
	fx_free(f);

	/* without notifier params, names are kept unchecked and send nowhere */
	f = fx_open("sinks_none", "[rule a]\nexpr = last > 1\ndays = all\nsinks = pager\n", NULL, NULL);
	no_messages(f);
	fire.rule = info(f, "a").id;
	assert_int_equal(td_alert_rules_fire(f->r, &fire, SEC, NULL, "ES", &out), TD_ALERT_ADMIT);
	assert_int_equal(out.ui, 0);
	assert_true(out.sinks == 0);
	fx_free(f);
}

/* Bytes that are not valid UTF-8 never reach the terminal through list or show; a control character never gets in. */
static void test_output_sanitized(void **state)
{
	(void)state;
	char out[2048];
	fx *f = fx_open("clean", "[rule a]\nexpr = last > 1\nmessage = caf\xe9 {symbol}\n"
			"[rule b]\nexpr = last > 1\ninstruments = E\x01S\n", NULL, NULL);
	assert_int_equal(f->nmsg, 1);
	assert_string_equal(info(f, "b").error, "bad line 6 in the rule");
	assert_string_equal(info(f, "b").instruments, "*");   /* the bad line was not taken */
	ok(f, "show a", out, sizeof out);
	assert_non_null(strstr(out, "\nmessage = caf? {symbol}\n"));
	ok(f, "list", out, sizeof out);
	for (const char *c = out; *c; c++)
		assert_true(*c == '\n' || ((unsigned char)*c >= 0x20 && *c != 0x7f));
	fx_free(f);
}

/* xorshift64: the same pseudo-random sequence on every run. */
static uint64_t next_rand(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/*
 * Files and command lines made of pieces of the syntax and random bytes
 * never crash (ASan and UBSan watch) and never leave a control character
 * in a command's output.
 */
static void test_hostile_input(void **state)
{
	(void)state;
	static const char *const pieces[] = {
		"[rule ", "]", "\n", "expr = ", "last > 1", "level = ", "cooldown = ", "days = ", "hours = ", "=", " ",
		"instruments = ", "sinks = ", "message = {", "order = buy 1 {symbol} lmt {ask", "}", "\"", "@", "mon-",
		"09:30-", "*", ",", "enabled = ", "market = ", "#", "x", "add ", "delete ", "enable ", "level=", "a",
	};
	uint64_t seed = 0x9e3779b97f4a7c15ull;
	char text[1024], out[4096];
	for (int round = 0; round < 300; round++) {
		size_t len = 0;
		while (len < sizeof text - 40) {
			uint64_t r = next_rand(&seed);
			if (r % 5 == 0) {
				text[len++] = (char)(1 + (r >> 8) % 255);
			} else {
				const char *p = pieces[(r >> 8) % ARRAY_LEN(pieces)];
				memcpy(text + len, p, strlen(p));
				len += strlen(p);
			}
			if (r % 97 == 0)
				break;
		}
		text[len] = '\0';
		fx *f = fx_open("hostile", text, NULL, NULL);
		for (size_t i = 0; i < td_alert_rules_count(f->r); i++) {
			td_alert_rule_info in;
			assert_int_equal(td_alert_rules_get(f->r, i, &in), 0);
			assert_true(in.error || in.attached <= 2);
		}
		char cmd[1100];
		snprintf(cmd, sizeof cmd, "add r%d %s", round, text);
		const char *const cmds[] = { text, cmd, "list", "show a", "show x" };
		for (size_t i = 0; i < ARRAY_LEN(cmds); i++) {
			td_alert_rules_command(f->r, cmds[i], out, sizeof out);
			for (const char *c = out; *c; c++)
				if (*c != '\n' && ((unsigned char)*c < 0x20 || *c == 0x7f))
					fail_msg("control character 0x%02x in '%s'", *c, out);
		}
		fx_free(f);
	}
}

/* doc/alerts.md's Rules section has a table row for every key of a rule. */
static void test_doc_names_every_key(void **state)
{
	(void)state;
	char path[4096], key[64];
	snprintf(path, sizeof path, "%s/doc/alerts.md", root());
	char *doc = read_file(path);
	const char *rules = strstr(doc, "\n## Rules\n");
	assert_non_null(rules);
	for (int k = 0; k < TD_AR_NKEYS; k++) {
		snprintf(key, sizeof key, "| `%s` |", td_ar_keys[k].name);
		if (!strstr(rules, key))
			fail_msg("doc/alerts.md has no row for the key '%s'", td_ar_keys[k].name);
	}
	free(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shipped_file),
		cmocka_unit_test(test_locate),
		cmocka_unit_test(test_load_good),
		cmocka_unit_test(test_load_bad),
		cmocka_unit_test(test_load_file_problems),
		cmocka_unit_test(test_load_attach_refused),
		cmocka_unit_test(test_market),
		cmocka_unit_test(test_state_round_trip),
		cmocka_unit_test(test_state_other_version),
		cmocka_unit_test(test_state_keeps_refused),
		cmocka_unit_test(test_state_replaces_file_rule),
		cmocka_unit_test(test_save_failure_undoes),
		cmocka_unit_test(test_command_add_split),
		cmocka_unit_test(test_command_errors),
		cmocka_unit_test(test_attachments_follow),
		cmocka_unit_test(test_set_defaults),
		cmocka_unit_test(test_gate_cooldown),
		cmocka_unit_test(test_gate_days_hours),
		cmocka_unit_test(test_gate_disabled),
		cmocka_unit_test(test_message_template),
		cmocka_unit_test(test_order_template),
		cmocka_unit_test(test_sinks),
		cmocka_unit_test(test_output_sanitized),
		cmocka_unit_test(test_hostile_input),
		cmocka_unit_test(test_doc_names_every_key),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
