/*
 * tapedeck: command line, configuration, and the wiring of engine and UI.
 *
 *   tapedeck [OPTIONS]                  the workstation
 *   tapedeck record --out FILE [...]    record the source to a tape, headless
 */
#include <getopt.h>
#include <locale.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/config.h"
#include "core/log.h"
#include "core/session.h"
#include "engine/analyze.h"
#include "engine/engine.h"
#include "engine/options_cli.h"
#include "engine/record.h"
#include "engine/report_cli.h"
#include "keymap.h"
#include "tui.h"
#include "ui.h"

/* The engine the signal handlers stop: signal state is the one place a global is needed. */
static td_engine *volatile signal_engine;

enum {
	OPT_ASCII = 256, OPT_NO_COLOR, OPT_KEYS_MAN, OPT_CONFIG_REF, OPT_OUT, OPT_EVENTS, OPT_DURATION
};

static const struct option long_opts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ "config", required_argument, NULL, 'c' },
	{ "set", required_argument, NULL, 'o' },
	{ "feed", required_argument, NULL, 'f' },
	{ "market", required_argument, NULL, 'm' },
	{ "seed", required_argument, NULL, 's' },
	{ "speed", required_argument, NULL, 'x' },
	{ "start", required_argument, NULL, 't' },
	{ "date", required_argument, NULL, 'd' },
	{ "theme", required_argument, NULL, 'T' },
	{ "layout", required_argument, NULL, 'l' },
	{ "fps", required_argument, NULL, 'r' },
	{ "ascii", no_argument, NULL, OPT_ASCII },
	{ "no-color", no_argument, NULL, OPT_NO_COLOR },
	{ "keys-man", no_argument, NULL, OPT_KEYS_MAN },
	{ "config-reference", no_argument, NULL, OPT_CONFIG_REF },
	{ "out", required_argument, NULL, OPT_OUT },
	{ "events", required_argument, NULL, OPT_EVENTS },
	{ "duration", required_argument, NULL, OPT_DURATION },
	{ NULL, 0, NULL, 0 },
};

/* Options that are plain config keys. */
static const struct {
	int opt;
	const char *key;
} opt_keys[] = {
	{ 'f', "feed.source" }, { 'm', "feed.market" }, { 's', "feed.seed" }, { 'x', "feed.speed" },
	{ 't', "feed.start" },  { 'd', "feed.date" },   { 'T', "ui.theme" },  { 'l', "ui.layout" },
	{ 'r', "ui.fps" },
};

typedef struct cli {
	td_config cfg;
	const char *config_file;
	bool no_color;
	bool record;
	const char *out;
	uint64_t events;
	td_ns duration;
} cli;

static void usage(FILE *f)
{
	fputs("usage: tapedeck [OPTIONS]\n"
	      "       tapedeck record --out FILE [--events N] [--duration MIN] [OPTIONS]\n"
	      "       tapedeck analyze bars|footprint|profile|premarket|levels|indicators ... (see doc/analyze.md)\n"
	      "       tapedeck options price|iv|greeks|chain|scan --in FILE [--format ...] (see doc/options.md)\n"
	      "       tapedeck report deals|positions [--from D --to D] [--format text|csv|json] (see doc/orders.md)\n"
	      "\n"
	      "A keyboard-driven terminal trading workstation.  With nothing configured it\n"
	      "opens on the built-in simulated market.  Press ? inside for the keys.\n"
	      "\n"
	      "options:\n"
	      "  -c, --config FILE     read FILE after the user config\n"
	      "  -o, --set KEY=VALUE   set any config option (see --config-reference)\n"
	      "  -f, --feed SOURCE     sim, or replay:FILE (a tape or a trades CSV)\n"
	      "  -m, --market PRESET   session calendar and instruments: us or in\n"
	      "  -s, --seed N          simulator seed (same seed, same market)\n"
	      "  -x, --speed N|max     1 = real time, 10 = ten times faster, max = unthrottled\n"
	      "  -t, --start HH:MM     local exchange time to start the simulated day at\n"
	      "  -d, --date YYYY-MM-DD simulated session date (default: today, or the last trading day)\n"
	      "  -T, --theme NAME      dark, light, high-contrast, mono, or a file path\n"
	      "  -l, --layout NAME     default, flow, auction, chart, wide, tape, trade, alerts, options or risk\n"
	      "  -r, --fps N           frame cap (default 20)\n"
	      "      --ascii           draw with ASCII only\n"
	      "      --no-color        no colours (also when NO_COLOR is set)\n"
	      "      --config-reference  print every config option with its default\n"
	      "  -h, --help            this text\n"
	      "  -V, --version         the version\n"
	      "\n"
	      "record options:\n"
	      "      --out FILE        the tape to write\n"
	      "      --events N        stop after N events\n"
	      "      --duration MIN    stop after MIN minutes of source time (default 60)\n"
	      "\n"
	      "files: $XDG_CONFIG_HOME/tapedeck/tapedeck.conf, $XDG_STATE_HOME/tapedeck/tapedeck.log\n"
	      "see tapedeck(1)\n",
	      f);
}

/* Report a command-line error and return the exit status for it. */
static int bad_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int bad_usage(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("tapedeck: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputs("\n(try 'tapedeck --help')\n", stderr);
	va_end(ap);
	return 2;
}

/* Parse an unsigned count for --events / --duration. */
static int parse_count(const char *s, uint64_t *out)
{
	char *end;
	if (!*s || *s == '-')
		return -1;
	unsigned long long v = strtoull(s, &end, 10);
	if (*end)
		return -1;
	*out = v;
	return 0;
}

/* Apply one option that is not a config key; returns -1 to stop with status in *rc. */
static int apply_special(cli *c, int opt, const char *arg, int *rc)
{
	char err[256];
	uint64_t n;
	switch (opt) {
	case 'h': usage(stdout); *rc = 0; return -1;
	case 'V': printf("tapedeck %s\n", TD_VERSION); *rc = 0; return -1;
	case 'c': c->config_file = arg; return 0;
	case OPT_ASCII: c->cfg.ascii = true; return 0;
	case OPT_NO_COLOR: c->no_color = true; return 0;
	case OPT_KEYS_MAN: td_keymap_write_man(stdout); *rc = 0; return -1;
	case OPT_CONFIG_REF: td_config_print_reference(stdout); *rc = 0; return -1;
	case OPT_OUT: c->out = arg; return 0;
	case OPT_EVENTS:
		if (parse_count(arg, &c->events) < 0) { *rc = bad_usage("bad --events '%s': expected a count", arg); return -1; }
		return 0;
	case OPT_DURATION:
		if (parse_count(arg, &n) < 0) { *rc = bad_usage("bad --duration '%s': expected minutes", arg); return -1; }
		c->duration = (td_ns)n * TD_NS_PER_MIN;
		return 0;
	case 'o': {
		char key[128];
		const char *eq = strchr(arg, '=');
		if (!eq || (size_t)(eq - arg) >= sizeof(key)) { *rc = bad_usage("bad --set '%s': expected KEY=VALUE", arg); return -1; }
		memcpy(key, arg, (size_t)(eq - arg));
		key[eq - arg] = '\0';
		if (td_config_set(&c->cfg, key, eq + 1, err, sizeof(err)) < 0) { *rc = bad_usage("--set: %s", err); return -1; }
		return 0;
	}
	default: *rc = 2; return -1;
	}
}

/* Load the user config and --config, then re-apply the command line over them. */
static int load_files(cli *c, int argc, char **argv)
{
	char path[512], err[600];
	td_config_defaults(&c->cfg);
	if (td_config_user_path(path, sizeof(path)) == 0) {
		int rc = td_config_load(&c->cfg, path, err, sizeof(err));
		if (rc == -1) {
			fprintf(stderr, "tapedeck: %s\n", err);
			return 1;
		}
	}
	for (int i = 1; i < argc - 1; i++)
		if (strcmp(argv[i], "-c") == 0 || strcmp(argv[i], "--config") == 0)
			c->config_file = argv[i + 1];
	if (c->config_file && td_config_load(&c->cfg, c->config_file, err, sizeof(err)) != 0) {
		fprintf(stderr, "tapedeck: %s\n", err);
		return 1;
	}
	return 0;
}

/* Parse the command line over the loaded config.  Returns -1 to go on, else an exit status. */
static int parse_args(cli *c, int argc, char **argv)
{
	int rc = load_files(c, argc, argv);
	if (rc)
		return rc;
	int opt;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":hVc:o:f:m:s:x:t:d:T:l:r:", long_opts, NULL)) != -1) {
		if (opt == '?')
			return bad_usage("unknown option '%s'", argv[optind - 1]);
		if (opt == ':')
			return bad_usage("option '%s' needs a value", argv[optind - 1]);
		bool done = false;
		for (size_t i = 0; i < sizeof(opt_keys) / sizeof(opt_keys[0]); i++) {
			if (opt_keys[i].opt != opt)
				continue;
			char err[256];
			if (td_config_set(&c->cfg, opt_keys[i].key, optarg, err, sizeof(err)) < 0)
				return bad_usage("%s", err);
			done = true;
		}
		if (!done && apply_special(c, opt, optarg, &rc) < 0)
			return rc;
	}
	if (optind < argc && strcmp(argv[optind], "record") == 0) {
		c->record = true;
		optind++;
		return optind < argc ? parse_args(c, argc, argv) : -1;
	}
	if (optind < argc)
		return bad_usage("unexpected argument '%s'", argv[optind]);
	if (getenv("NO_COLOR") && getenv("NO_COLOR")[0])
		c->no_color = true;
	return -1;
}

/* tapedeck record */
static int run_record(const cli *c)
{
	if (!c->out)
		return bad_usage("record needs --out FILE");
	uint64_t n = 0;
	char err[600], note[600];
	td_ns dur = c->duration ? c->duration : (c->events ? 0 : 60 * TD_NS_PER_MIN);
	int rc = td_record(&c->cfg, c->out, c->events, dur, &n, note, sizeof(note), err, sizeof(err));
	if (note[0])
		fprintf(stderr, "tapedeck: %s\n", note);
	if (rc < 0) {
		fprintf(stderr, "tapedeck: %s\n", err);
		return 1;
	}
	fprintf(stderr, "tapedeck: recorded %llu events to %s\n", (unsigned long long)n, c->out);
	return 0;
}

static void on_signal(int sig)
{
	(void)sig;
	if (signal_engine)
		td_engine_quit(signal_engine);
}

/* The theme from the config, or the built-in one with a warning. */
static td_theme *open_theme(const td_config *cfg)
{
	char path[512], err[600];
	if (td_theme_locate(cfg->theme, path, sizeof(path)) == 0) {
		td_theme *t = td_theme_load(path, err, sizeof(err));
		if (t)
			return t;
		td_log_warn("%s; using the built-in theme", err);
	} else {
		td_log_warn("theme '%s' not found; using the built-in theme", cfg->theme);
	}
	return td_theme_builtin();
}

/* Run the TUI over an engine until the user quits. */
static int run_ui(td_engine *e, const cli *c)
{
	char err[600];
	td_theme *theme = open_theme(&c->cfg);
	if (td_tui_open(stdout, stdin, NULL, c->cfg.ascii, c->no_color, err, sizeof(err)) < 0) {
		td_theme_free(theme);
		fprintf(stderr, "tapedeck: %s\n", err);
		return 1;
	}
	td_oms_recovery rec;
	char desk[TD_JOURNAL_MSG_MAX + 160];
	if (td_engine_open_desk(e, &rec, err, sizeof(err)) == 0)
		td_desk_recovery_text(&rec, desk, sizeof(desk));
	else
		snprintf(desk, sizeof(desk), "orders are off: %s", err);
	td_log_info("%s", desk);
	char alerts[640];
	td_alert_rules_report ar = { 0 };
	if (td_engine_open_alerts(e, true, err, sizeof(err)) == 0) {
		td_alerting_describe(td_engine_alerts(e), alerts, sizeof(alerts));
		td_alert_rules_report_get(td_alerting_rules(td_engine_alerts(e)), &ar);
	} else {
		snprintf(alerts, sizeof(alerts), "alerts are off: %s", err);
	}
	td_log_info("%s", alerts);
	td_ui *u = td_ui_new(e, theme, err, sizeof(err));
	/* an empty journal has nothing to report: the status bar keeps its room */
	if (u && (!td_engine_oms(e) || rec.records || rec.tail != TD_JOURNAL_CLEAN))
		td_ui_note(u, !td_engine_oms(e) || rec.tail != TD_JOURNAL_CLEAN, desk);
	if (u && (!td_engine_alerts(e) || ar.refused || ar.bad_lines || ar.state_locked))
		td_ui_note(u, true, alerts);
	if (u && td_engine_history_note(e))
		td_ui_note(u, true, td_engine_history_note(e));   /* last: the one left on the bar */
	if (!u || td_engine_start(e, err, sizeof(err)) < 0) {
		td_ui_free(u);
		td_tui_close();
		fprintf(stderr, "tapedeck: %s\n", err);
		return 1;
	}
	signal_engine = e;
	struct sigaction sa = { .sa_handler = on_signal };
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	td_engine_run(e, &td_ui_frontend_ops, u);
	signal_engine = NULL;
	td_ui_free(u);
	td_tui_close();
	if (td_engine_save_history(e, err, sizeof(err)) < 0) {
		td_log_error("chain history not saved: %s", err);
		fprintf(stderr, "tapedeck: chain history not saved: %s\n", err);
	}
	return 0;
}

int main(int argc, char **argv)
{
	setlocale(LC_ALL, "");
	if (argc > 1 && strcmp(argv[1], "analyze") == 0)
		return td_analyze_main(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "options") == 0)
		return td_options_main(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "report") == 0)
		return td_report_main(argc - 1, argv + 1);
	cli c = { 0 };
	int rc = parse_args(&c, argc, argv);
	if (rc >= 0)
		return rc;
	td_log_open(c.cfg.log_file[0] ? c.cfg.log_file : NULL, c.cfg.log_level);
	td_log_info("tapedeck %s starting, feed '%s'", TD_VERSION, c.cfg.feed);
	if (c.record) {
		rc = run_record(&c);
		td_log_close();
		return rc;
	}
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "tapedeck: the workstation needs a terminal (for scripts use 'tapedeck record')\n");
		return 1;
	}
	char err[600];
	td_engine *e = td_engine_new(&c.cfg, err, sizeof(err));
	if (!e) {
		fprintf(stderr, "tapedeck: %s\n", err);
		td_log_error("%s", err);
		td_log_close();
		return 1;
	}
	rc = run_ui(e, &c);
	td_engine_free(e);
	td_log_info("tapedeck exiting");
	td_log_close();
	return rc;
}
