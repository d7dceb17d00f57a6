/*
 * Unit tests for src/core/config.c.  Expected defaults and messages are
 * written out by hand from the specification, not taken from the code; the
 * shipped config/tapedeck.conf is checked to document exactly the defaults
 * and exactly the options of the table (as seen through the reference).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/config.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static char tmpdir[] = "/tmp/td-config-XXXXXX";

/* The repository root: $TD_TEST_ROOT, or the current directory. */
static const char *root(void)
{
	const char *r = getenv("TD_TEST_ROOT");
	return r && *r ? r : ".";
}

/* Write text to tmpdir/name; returns the path, kept in path. */
static const char *write_file(const char *name, const char *text, char *path, size_t n)
{
	snprintf(path, n, "%s/%s", tmpdir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
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

/* Every field equal, with a message naming the field that differs. */
static void assert_config_eq(const td_config *a, const td_config *b)
{
	assert_string_equal(a->feed, b->feed);
	assert_string_equal(a->market, b->market);
	assert_int_equal(a->seed, b->seed);
	assert_true(a->speed == b->speed);
	assert_string_equal(a->start, b->start);
	assert_string_equal(a->date, b->date);
	assert_int_equal(a->fps, b->fps);
	assert_string_equal(a->theme, b->theme);
	assert_string_equal(a->layout, b->layout);
	assert_int_equal(a->large_print, b->large_print);
	assert_int_equal(a->ascii, b->ascii);
	assert_string_equal(a->footprint_tf, b->footprint_tf);
	assert_int_equal(a->imbalance_ratio, b->imbalance_ratio);
	assert_int_equal(a->imbalance_min, b->imbalance_min);
	assert_int_equal(a->stacked_min, b->stacked_min);
	assert_int_equal(a->tpo_period, b->tpo_period);
	assert_int_equal(a->ib_periods, b->ib_periods);
	assert_int_equal(a->value_area, b->value_area);
	assert_true(a->vol_spike_pct == b->vol_spike_pct);
	assert_int_equal(a->vol_spike_window, b->vol_spike_window);
	assert_int_equal(a->vol_spike_cooldown, b->vol_spike_cooldown);
	assert_int_equal(a->log_level, b->log_level);
	assert_string_equal(a->log_file, b->log_file);
}

/* A config in which every option differs from its default. */
static void other_config(td_config *c)
{
	static const char *const set[][2] = {
		{ "feed.source", "replay:/tmp/x.tape" }, { "feed.market", "in" },
		{ "feed.seed", "99" }, { "feed.speed", "max" }, { "feed.start", "10:00" },
		{ "feed.date", "2026-01-02" }, { "ui.fps", "7" }, { "ui.theme", "mono" },
		{ "ui.layout", "wide" }, { "ui.large_print", "5" }, { "ui.ascii", "true" },
		{ "analysis.footprint_tf", "1m" }, { "analysis.imbalance_ratio", "150" },
		{ "analysis.imbalance_min", "1" }, { "analysis.stacked_min", "4" },
		{ "analysis.tpo_period", "15" }, { "analysis.ib_periods", "4" },
		{ "analysis.value_area", "68" },
		{ "risk.vol_spike_pct", "off" }, { "risk.vol_spike_window", "30" },
		{ "risk.vol_spike_cooldown", "0" },
		{ "log.level", "debug" }, { "log.file", "/tmp/other.log" },
	};
	char err[256];

	td_config_defaults(c);
	for (size_t i = 0; i < ARRAY_LEN(set); i++)
		assert_int_equal(td_config_set(c, set[i][0], set[i][1], err, sizeof err), 0);
}

/* The defaults are the documented ones. */
static void test_defaults(void **state)
{
	td_config c;

	(void)state;
	td_config_defaults(&c);
	assert_string_equal(c.feed, "sim");
	assert_string_equal(c.market, "us");
	assert_int_equal(c.seed, 1);
	assert_true(c.speed == 1.0);
	assert_string_equal(c.start, "");
	assert_string_equal(c.date, "");
	assert_int_equal(c.fps, 20);
	assert_string_equal(c.theme, "dark");
	assert_string_equal(c.layout, "default");
	assert_int_equal(c.large_print, 1000);
	assert_false(c.ascii);
	assert_string_equal(c.footprint_tf, "5m");
	assert_int_equal(c.imbalance_ratio, 300);
	assert_int_equal(c.imbalance_min, 10);
	assert_int_equal(c.stacked_min, 3);
	assert_int_equal(c.tpo_period, 30);
	assert_int_equal(c.ib_periods, 2);
	assert_int_equal(c.value_area, 70);
	assert_true(c.vol_spike_pct == 2.0);
	assert_int_equal(c.vol_spike_window, 60);
	assert_int_equal(c.vol_spike_cooldown, 300);
	assert_int_equal(c.log_level, TD_LOG_INFO);
	assert_string_equal(c.log_file, "");
}

/* Loading the shipped file over a changed config gives the defaults. */
static void test_shipped_file_is_defaults(void **state)
{
	char path[4096], err[512] = "";
	td_config c, d;

	(void)state;
	snprintf(path, sizeof path, "%s/config/tapedeck.conf", root());
	other_config(&c);
	assert_int_equal(td_config_load(&c, path, err, sizeof err), 0);
	assert_string_equal(err, "");
	td_config_defaults(&d);
	assert_config_eq(&c, &d);
}

/* The printed reference is itself a config file holding the defaults. */
static void test_reference_is_defaults(void **state)
{
	char path[4096], err[512] = "";
	td_config c, d;

	(void)state;
	snprintf(path, sizeof path, "%s/reference.conf", tmpdir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	td_config_print_reference(f);
	fclose(f);
	other_config(&c);
	assert_int_equal(td_config_load(&c, path, err, sizeof err), 0);
	td_config_defaults(&d);
	assert_config_eq(&c, &d);
}

struct keyset {
	char keys[64][64];
	size_t n;
};

/* Collect "section.name" of each pair; refuse none. */
static int collect_key(void *user, const char *section, const char *name,
		       const char *value, char *why, size_t whylen)
{
	struct keyset *ks = user;

	(void)value, (void)why, (void)whylen;
	assert_true(ks->n < ARRAY_LEN(ks->keys));
	snprintf(ks->keys[ks->n++], sizeof ks->keys[0], "%s.%s", section, name);
	return 0;
}

/* Is key in ks? */
static bool has_key(const struct keyset *ks, const char *key)
{
	for (size_t i = 0; i < ks->n; i++)
		if (strcmp(ks->keys[i], key) == 0)
			return true;
	return false;
}

/* Every option of the table (as printed by the reference) is in the shipped file, and nothing else. */
static void test_shipped_file_lists_every_option(void **state)
{
	static struct keyset table, shipped;
	char ref[4096], path[4096], err[512];

	(void)state;
	snprintf(ref, sizeof ref, "%s/reference-keys.conf", tmpdir);
	FILE *f = fopen(ref, "w");
	assert_non_null(f);
	td_config_print_reference(f);
	fclose(f);
	assert_int_equal(td_config_read_ini(ref, collect_key, &table, err, sizeof err), 0);
	snprintf(path, sizeof path, "%s/config/tapedeck.conf", root());
	assert_int_equal(td_config_read_ini(path, collect_key, &shipped, err, sizeof err), 0);

	for (size_t i = 0; i < table.n; i++) {
		if (!has_key(&shipped, table.keys[i]))
			fail_msg("option '%s' is missing from config/tapedeck.conf", table.keys[i]);
	}
	for (size_t i = 0; i < shipped.n; i++) {
		if (!has_key(&table, shipped.keys[i]))
			fail_msg("config/tapedeck.conf sets '%s', which is no option", shipped.keys[i]);
	}
	assert_int_equal(table.n, 55);
	assert_int_equal(shipped.n, table.n);
}

/* Each documented option has a help comment and a default in the shipped file. */
static void test_shipped_file_documents_defaults(void **state)
{
	char path[4096], line[512], prev[512] = "";
	int options = 0, documented = 0;

	(void)state;
	snprintf(path, sizeof path, "%s/config/tapedeck.conf", root());
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof line, f)) {
		if (line[0] != '#' && line[0] != '[' && strchr(line, '=')) {
			options++;
			documented += strncmp(prev, "# Default:", 10) == 0;
		}
		snprintf(prev, sizeof prev, "%s", line);
	}
	fclose(f);
	assert_int_equal(options, 55);
	assert_int_equal(documented, options);
}

struct msg_case {
	const char *text;   /* file contents */
	const char *msg;    /* expected error after "PATH:" */
};

/* Every error form of a config file, with its line number. */
static void test_file_errors(void **state)
{
	static const struct msg_case cases[] = {
		{ "[feed]\nsped = 2\n", "2: unknown option 'feed.sped'" },
		{ "[ui]\n\nfps = abc\n", "3: bad value 'abc' for 'ui.fps': expected an integer 1..120" },
		{ "# c\n[fed]\nsource = sim\n", "3: unknown section 'fed'" },
		{ "[feed]\nthis is not an option\n", "2: expected '[section]' or 'name = value'" },
		{ "[feed\nsource = sim\n", "1: expected '[section]' or 'name = value'" },
		{ "[ui]\nfps =\n", "2: bad value '' for 'ui.fps': expected an integer 1..120" },
		{ "nosuch = 1\n", "1: unknown option 'nosuch'" },
		{ "[log]\nlevel = loud ; comment\n",
		  "2: bad value 'loud' for 'log.level': expected error, warn, info or debug" },
		/* the handler's error and a later syntax error: the earlier line wins */
		{ "[ui]\nfps = 0\njunk\n", "2: bad value '0' for 'ui.fps': expected an integer 1..120" },
		/* a syntax error and a later refused value: the earlier line wins */
		{ "[ui]\njunk\nfps = 0\n", "2: expected '[section]' or 'name = value'" },
	};
	char path[4096], err[512], want[4200];

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		td_config c;
		td_config_defaults(&c);
		write_file("errors.conf", cases[i].text, path, sizeof path);
		assert_int_equal(td_config_load(&c, path, err, sizeof err), -1);
		snprintf(want, sizeof want, "%s:%s", path, cases[i].msg);
		assert_string_equal(err, want);
	}
}

/* An over-long line is reported and skipped whole: its tail is not read as a line. */
static void test_long_line(void **state)
{
	char text[1024], path[4096], err[512], want[4200];
	td_config c;
	int n;

	(void)state;
	n = snprintf(text, sizeof text, "[ui]\n# ");
	memset(text + n, 'x', 300);
	snprintf(text + n + 300, sizeof text - (size_t)n - 300, "fps = 99\ntheme = light\n");
	write_file("long.conf", text, path, sizeof path);
	td_config_defaults(&c);
	assert_int_equal(td_config_load(&c, path, err, sizeof err), -1);
	snprintf(want, sizeof want, "%s:2: line too long (the limit is 199 characters)", path);
	assert_string_equal(err, want);
	assert_int_equal(c.fps, 20);
	assert_string_equal(c.theme, "light");
}

/* A line of exactly 199 characters is accepted. */
static void test_longest_line(void **state)
{
	char text[512], path[4096], err[512] = "";
	td_config c;

	(void)state;
	int n = snprintf(text, sizeof text, "[feed]\nsource = replay:/");
	int fill = 199 - (n - 7);
	memset(text + n, 'a', (size_t)fill);
	snprintf(text + n + fill, sizeof text - (size_t)(n + fill), "\n");
	write_file("longest.conf", text, path, sizeof path);
	td_config_defaults(&c);
	assert_int_equal(td_config_load(&c, path, err, sizeof err), 0);
	assert_int_equal(strlen(c.feed), 199 - strlen("source = "));
}

/* A bad line does not stop the rest of the file. */
static void test_bad_line_keeps_going(void **state)
{
	char path[4096], err[512], want[4200];
	td_config c;

	(void)state;
	write_file("mixed.conf",
		   "[ui]\nfps = 30\nfps = abc\ntheme = light\n[bogus]\nx = 1\n"
		   "[log]\nlevel = debug\n[feed]\nspeed = 2.5\n", path, sizeof path);
	td_config_defaults(&c);
	assert_int_equal(td_config_load(&c, path, err, sizeof err), -1);
	snprintf(want, sizeof want, "%s:3: bad value 'abc' for 'ui.fps': expected an integer 1..120", path);
	assert_string_equal(err, want);
	assert_int_equal(c.fps, 30);
	assert_string_equal(c.theme, "light");
	assert_int_equal(c.log_level, TD_LOG_DEBUG);
	assert_true(c.speed == 2.5);
}

/* A second file overrides the first, and a later line an earlier one. */
static void test_override(void **state)
{
	char a[4096], b[4096], err[512];
	td_config c;

	(void)state;
	write_file("a.conf", "[ui]\nfps = 30\ntheme = light\n[feed]\nseed = 7\nseed = 8\n", a, sizeof a);
	write_file("b.conf", "[ui]\nfps = 60\n", b, sizeof b);
	td_config_defaults(&c);
	assert_int_equal(td_config_load(&c, a, err, sizeof err), 0);
	assert_int_equal(td_config_load(&c, b, err, sizeof err), 0);
	assert_int_equal(c.fps, 60);
	assert_string_equal(c.theme, "light");
	assert_int_equal(c.seed, 8);
	assert_string_equal(c.feed, "sim");
}

/* A missing file is -2 with the reason. */
static void test_open_error(void **state)
{
	char path[4096], err[512], want[4200];
	td_config c;

	(void)state;
	snprintf(path, sizeof path, "%s/missing.conf", tmpdir);
	td_config_defaults(&c);
	assert_int_equal(td_config_load(&c, path, err, sizeof err), -2);
	snprintf(want, sizeof want, "cannot open '%s': No such file or directory", path);
	assert_string_equal(err, want);
}

struct set_case {
	const char *key, *value;
	const char *err;     /* NULL: accepted */
};

/* td_config_set: qualified and bare names, every type, range edges, messages. */
static void test_set(void **state)
{
	static const struct set_case cases[] = {
		{ "ui.fps", "1", NULL },
		{ "fps", "120", NULL },
		{ "fps", "121", "bad value '121' for 'ui.fps': expected an integer 1..120" },
		{ "fps", "0", "bad value '0' for 'ui.fps': expected an integer 1..120" },
		{ "fps", "20x", "bad value '20x' for 'ui.fps': expected an integer 1..120" },
		{ "fps", "99999999999999999999", "bad value '99999999999999999999' for 'ui.fps': expected an integer 1..120" },
		{ "ui.large_print", "1", NULL },
		{ "large_print", "9223372036854775807", NULL },
		{ "large_print", "0", "bad value '0' for 'ui.large_print': expected an integer >= 1" },
		{ "seed", "0", NULL },
		{ "seed", "18446744073709551615", NULL },
		{ "seed", "18446744073709551616",
		  "bad value '18446744073709551616' for 'feed.seed': expected an integer 0..18446744073709551615" },
		{ "seed", "-1", "bad value '-1' for 'feed.seed': expected an integer 0..18446744073709551615" },
		{ "speed", "max", NULL },
		{ "speed", "0.25", NULL },
		{ "speed", "0", "bad value '0' for 'feed.speed': expected a number above 0 or 'max'" },
		{ "speed", "-2", "bad value '-2' for 'feed.speed': expected a number above 0 or 'max'" },
		{ "speed", "inf", "bad value 'inf' for 'feed.speed': expected a number above 0 or 'max'" },
		{ "speed", "nan", "bad value 'nan' for 'feed.speed': expected a number above 0 or 'max'" },
		{ "ascii", "yes", NULL },
		{ "ui.ascii", "maybe", "bad value 'maybe' for 'ui.ascii': expected true or false" },
		{ "market", "in", NULL },
		{ "market", "uk", "bad value 'uk' for 'feed.market': expected us or in" },
		{ "level", "warn", NULL },
		{ "level", "INFO", "bad value 'INFO' for 'log.level': expected error, warn, info or debug" },
		{ "source", "replay:/data/es.tape", NULL },
		{ "feed.source", "replay:", "bad value 'replay:' for 'feed.source': expected 'sim' or 'replay:PATH'" },
		{ "feed.source", "live", "bad value 'live' for 'feed.source': expected 'sim' or 'replay:PATH'" },
		{ "start", "09:25", NULL },
		{ "start", "09:25:30", NULL },
		{ "start", "", NULL },
		{ "start", "25:00", "bad value '25:00' for 'feed.start': expected HH:MM or HH:MM:SS, or empty" },
		{ "date", "2026-11-20", NULL },
		{ "date", "2026-13-01", "bad value '2026-13-01' for 'feed.date': expected YYYY-MM-DD, or empty" },
		{ "theme", "light", NULL },
		{ "theme", "0123456789012345678901234567890123456789012345678901234567890123",
		  "bad value '0123456789012345678901234567890123456789012345678901234567890123' "
		  "for 'ui.theme': expected printable text of at most 63 characters" },
		{ "layout", "a\x1b[2Jb", "bad value 'a?[2Jb' for 'ui.layout': expected printable text of at most 31 characters" },
		{ "nope", "1", "unknown option 'nope'" },
		{ "ui.nope", "1", "unknown option 'ui.nope'" },
		{ "feed.fps", "1", "unknown option 'feed.fps'" },
		{ "file", "/var/log/td.log", NULL },
		{ "options.rate", "4.25", NULL },
		{ "rate", "", NULL },
		{ "rate", "-5", NULL },
		{ "rate", "51", "bad value '51' for 'options.rate': expected a percentage from -5 to 50, or empty" },
		{ "yield", "1.3x", "bad value '1.3x' for 'options.yield': expected a percentage from -5 to 50, or empty" },
		{ "chain_columns", "gex,iv,oichg", NULL },
		{ "chain_columns", "iv,iv", "bad value 'iv,iv' for 'options.chain_columns': expected a comma-separated list "
		  "of " TD_CHAIN_COLUMNS },
		{ "chain_columns", "bid,rho", "bad value 'bid,rho' for 'options.chain_columns': expected a comma-separated "
		  "list of " TD_CHAIN_COLUMNS },
		{ "chain_columns", "bid,ask,last,iv,delta,gamma,theta,vega,oi", "bad value "
		  "'bid,ask,last,iv,delta,gamma,theta,vega,oi' for 'options.chain_columns': expected a comma-separated "
		  "list of " TD_CHAIN_COLUMNS },
		{ "chain_refresh", "49", "bad value '49' for 'options.chain_refresh': expected an integer 50..60000" },
		{ "vol_spike_pct", "2.5", NULL },
		{ "vol_spike_pct", "-1", "bad value '-1' for 'risk.vol_spike_pct': expected a number above 0 or 'off'" },
		{ "vol_spike_window", "0", "bad value '0' for 'risk.vol_spike_window': expected an integer 1..3600" },
		{ "vol_spike_window", "3601", "bad value '3601' for 'risk.vol_spike_window': expected an integer 1..3600" },
		{ "vol_spike_cooldown", "-1",
		  "bad value '-1' for 'risk.vol_spike_cooldown': expected an integer 0..86400" },
	};
	char err[512];
	td_config c, before;

	(void)state;
	td_config_defaults(&c);
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		before = c;
		err[0] = '\0';
		int rc = td_config_set(&c, cases[i].key, cases[i].value, err, sizeof err);
		if (!cases[i].err) {
			if (rc != 0)
				fail_msg("set %s = '%s' failed: %s", cases[i].key, cases[i].value, err);
			continue;
		}
		assert_int_equal(rc, -1);
		assert_string_equal(err, cases[i].err);
		assert_memory_equal(&c, &before, sizeof c);
	}
	assert_int_equal(c.fps, 120);
	assert_int_equal(c.large_print, INT64_MAX);
	assert_int_equal(c.seed, UINT64_MAX);
	assert_true(c.speed == 0.25);
	assert_true(c.ascii);
	assert_string_equal(c.market, "in");
	assert_int_equal(c.log_level, TD_LOG_WARN);
	assert_string_equal(c.feed, "replay:/data/es.tape");
	assert_string_equal(c.start, "");
	assert_string_equal(c.date, "2026-11-20");
	assert_string_equal(c.theme, "light");
	assert_string_equal(c.log_file, "/var/log/td.log");
	assert_true(c.vol_spike_pct == 2.5);
}

/* Each boolean spelling. */
static void test_set_bool_words(void **state)
{
	static const struct {
		const char *word;
		bool value;
	} words[] = {
		{ "true", true }, { "yes", true }, { "on", true }, { "1", true },
		{ "false", false }, { "no", false }, { "off", false }, { "0", false },
	};
	char err[256];
	td_config c;

	(void)state;
	td_config_defaults(&c);
	for (size_t i = 0; i < ARRAY_LEN(words); i++) {
		c.ascii = !words[i].value;
		assert_int_equal(td_config_set(&c, "ascii", words[i].word, err, sizeof err), 0);
		assert_int_equal(c.ascii, words[i].value);
	}
}

/* Each log level word maps to its level. */
static void test_set_log_levels(void **state)
{
	static const char *const words[] = { "error", "warn", "info", "debug" };
	static const td_log_level levels[] = { TD_LOG_ERROR, TD_LOG_WARN, TD_LOG_INFO, TD_LOG_DEBUG };
	char err[256];
	td_config c;

	(void)state;
	td_config_defaults(&c);
	for (size_t i = 0; i < ARRAY_LEN(words); i++) {
		assert_int_equal(td_config_set(&c, "log.level", words[i], err, sizeof err), 0);
		assert_int_equal(c.log_level, levels[i]);
	}
}

/* XDG variables win, relative ones are ignored, then HOME; nothing known is -1. */
static void test_xdg_paths(void **state)
{
	char buf[256];

	(void)state;
	setenv("HOME", "/home/u", 1);
	setenv("XDG_CONFIG_HOME", "/x/cfg", 1);
	setenv("XDG_STATE_HOME", "/x/state", 1);
	assert_int_equal(td_config_user_path(buf, sizeof buf), 0);
	assert_string_equal(buf, "/x/cfg/tapedeck/tapedeck.conf");
	assert_int_equal(td_config_state_dir(buf, sizeof buf), 0);
	assert_string_equal(buf, "/x/state/tapedeck");

	setenv("XDG_CONFIG_HOME", "relative/cfg", 1);
	setenv("XDG_STATE_HOME", "", 1);
	assert_int_equal(td_config_user_path(buf, sizeof buf), 0);
	assert_string_equal(buf, "/home/u/.config/tapedeck/tapedeck.conf");
	assert_int_equal(td_config_state_dir(buf, sizeof buf), 0);
	assert_string_equal(buf, "/home/u/.local/state/tapedeck");

	unsetenv("XDG_CONFIG_HOME");
	unsetenv("XDG_STATE_HOME");
	assert_int_equal(td_config_user_path(buf, sizeof buf), 0);
	assert_string_equal(buf, "/home/u/.config/tapedeck/tapedeck.conf");
	assert_int_equal(td_config_user_path(buf, 10), -1);

	unsetenv("HOME");
	assert_int_equal(td_config_user_path(buf, sizeof buf), -1);
	assert_int_equal(td_config_state_dir(buf, sizeof buf), -1);
}

/* The reference names every section and option with its default. */
static void test_reference_text(void **state)
{
	char *text = NULL;
	size_t len = 0;

	(void)state;
	FILE *f = open_memstream(&text, &len);
	assert_non_null(f);
	td_config_print_reference(f);
	fclose(f);
	assert_non_null(strstr(text, "\n[feed]\n"));
	assert_non_null(strstr(text, "\n[ui]\n"));
	assert_non_null(strstr(text, "\n[log]\n"));
	assert_non_null(strstr(text, "# values: an integer 1..120\nfps = 20\n"));
	assert_non_null(strstr(text, "# values: a number above 0 or 'max'\nspeed = 1\n"));
	assert_non_null(strstr(text, "# values: us or in\nmarket = us\n"));
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_shipped_file_is_defaults),
		cmocka_unit_test(test_reference_is_defaults),
		cmocka_unit_test(test_shipped_file_lists_every_option),
		cmocka_unit_test(test_shipped_file_documents_defaults),
		cmocka_unit_test(test_file_errors),
		cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_longest_line),
		cmocka_unit_test(test_bad_line_keeps_going),
		cmocka_unit_test(test_override),
		cmocka_unit_test(test_open_error),
		cmocka_unit_test(test_set),
		cmocka_unit_test(test_set_bool_words),
		cmocka_unit_test(test_set_log_levels),
		cmocka_unit_test(test_xdg_paths),
		cmocka_unit_test(test_reference_text),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
