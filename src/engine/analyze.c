/*
 * tapedeck analyze: the command line, the input, and the dispatch to one
 * subcommand (analyze_bars.c, analyze_profile.c, analyze_ind.c).
 *
 * The input is read whole before anything is computed: a trades file is
 * replayed once into memory (32 bytes a trade of every instrument, plus 4
 * for its id) and then narrowed to the chosen symbol, so the symbol can be
 * chosen from the file's contents and an error needs no output undone.
 */
#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "analyze.h"
#include "analyze_int.h"
#include "engine/cli.h"
#include "feed/replay.h"

/* Instruments a file may register: a tape holds at most 65,536, a CSV adds option roots. */
#define AZ_REGISTRY_CAP (1u << 17)

/* Symbols listed when --symbol is not in the file. */
#define AZ_LIST_SYMBOLS 20

/* One subcommand: its name, what it reads, its --rows choices. */
static const struct td_az_cmd {
	const char *name;
	int (*run)(const td_az_opts *o, const td_az_trades *tr, td_az_out *out);  /* NULL: indicators */
	const char *rows;  /* "a|b", the first the default; NULL: no --rows */
} td_az_cmds[] = {
	{ "bars", td_az_run_bars, NULL },
	{ "footprint", td_az_run_footprint, "cells|bars" },
	{ "profile", td_az_run_profile, "prices|summary" },
	{ "premarket", td_az_run_premarket, NULL },
	{ "levels", td_az_run_levels, NULL },
	{ "indicators", NULL, NULL },
};

#define AZ_NCMDS (sizeof(td_az_cmds) / sizeof(td_az_cmds[0]))

static const char *const td_az_tf_names[TD_BARS_NTF] = { "1m", "5m", "15m", "30m", "60m", "1d" };

enum {
	OPT_IN = 256, OPT_SYMBOL, OPT_TF, OPT_FORMAT, OPT_IND, OPT_MARKET, OPT_HOURS, OPT_ROWS,
	OPT_ROW, OPT_VA, OPT_TOL, OPT_SWING, OPT_STRICT, OPT_FROM, OPT_TO, OPT_HELP
};

static const struct option td_az_long_opts[] = {
	{ "in", required_argument, NULL, OPT_IN },
	{ "symbol", required_argument, NULL, OPT_SYMBOL },
	{ "tf", required_argument, NULL, OPT_TF },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "ind", required_argument, NULL, OPT_IND },
	{ "market", required_argument, NULL, OPT_MARKET },
	{ "hours", required_argument, NULL, OPT_HOURS },
	{ "rows", required_argument, NULL, OPT_ROWS },
	{ "row", required_argument, NULL, OPT_ROW },
	{ "va", required_argument, NULL, OPT_VA },
	{ "tol", required_argument, NULL, OPT_TOL },
	{ "swing", required_argument, NULL, OPT_SWING },
	{ "strict", no_argument, NULL, OPT_STRICT },
	{ "from", required_argument, NULL, OPT_FROM },
	{ "to", required_argument, NULL, OPT_TO },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

static void td_az_usage(FILE *f)
{
	fputs("usage: tapedeck analyze bars|footprint|profile|premarket|levels --in FILE [OPTIONS]\n"
	      "       tapedeck analyze indicators --in BARS.csv --ind SPEC [--format csv|json]\n"
	      "\n"
	      "FILE is a tape or a trades CSV; BARS.csv has the header time,open,high,low,close,volume.\n"
	      "\n"
	      "options:\n"
	      "  --in FILE             the input (required)\n"
	      "  --symbol S            the instrument (default: the first non-option one with trades)\n"
	      "  --tf TF               1m 5m 15m 30m 60m 1d (default 5m): bars, footprint, levels\n"
	      "  --format csv|json     the output (default csv)\n"
	      "  --market us|in        the session calendar (default us)\n"
	      "  --hours all|regular   the trades counted by bars, footprint, profile (default all)\n"
	      "  --rows R              footprint: cells|bars; profile: prices|summary\n"
	      "  --row N               ticks per profile row (default 1)\n"
	      "  --va PCT              value-area percentage (default 70)\n"
	      "  --tol N               levels: merge levels N ticks apart (default 2)\n"
	      "  --swing N             levels: bars each side of a swing point (default 5)\n"
	      "  --ind SPEC            indicators, e.g. ema:20,rsi:14,macd:12:26:9,bb:20:2\n"
	      "  --from T, --to T      keep trades from T up to (not including) T, ISO-8601;\n"
	      "                        with profile: the volume profile of any time range\n"
	      "  --strict              skipped bad input lines make the exit status 1\n"
	      "\n"
	      "exit status: 0 done, 1 bad input or data, 2 bad usage.  See doc/analyze.md.\n",
	      f);
}

/* Parse a whole decimal integer in [lo, hi]; 0 or -1. */
static int td_az_parse_int(const char *s, int64_t lo, int64_t hi, int64_t *out)
{
	char *end;
	if (!*s)
		return -1;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (*end || errno || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

/* Is word one of the '|'-separated choices? */
static bool td_az_in_choices(const char *choices, const char *word)
{
	size_t n = strlen(word);
	for (const char *p = choices; p && *p;) {
		const char *bar = strchr(p, '|');
		size_t len = bar ? (size_t)(bar - p) : strlen(p);
		if (len == n && strncmp(p, word, n) == 0)
			return true;
		p = bar ? bar + 1 : NULL;
	}
	return false;
}

/* Apply one option; 0, or 2 after a usage message. */
static int td_az_apply_opt(td_az_opts *o, int opt, const char *arg)
{
	int64_t v;
	switch (opt) {
	case OPT_IN: o->in = arg; return 0;
	case OPT_SYMBOL: o->symbol = arg; return 0;
	case OPT_IND: o->ind = arg; return 0;
	case OPT_ROWS: o->rows = arg; return 0;
	case OPT_STRICT: o->strict = true; return 0;
	case OPT_TF:
		for (int i = 0; i < TD_BARS_NTF; i++)
			if (strcmp(arg, td_az_tf_names[i]) == 0) {
				o->tf = (td_bars_tf)i;
				return 0;
			}
		return td_cli_usage_error("analyze", "bad --tf '%s': expected 1m, 5m, 15m, 30m, 60m or 1d", arg);
	case OPT_FORMAT:
		if (strcmp(arg, "csv") == 0 || strcmp(arg, "json") == 0) {
			o->format = arg[0] == 'c' ? AZ_CSV : AZ_JSON;
			return 0;
		}
		return td_cli_usage_error("analyze", "bad --format '%s': expected csv or json", arg);
	case OPT_MARKET:
		o->session = td_session_find(arg);
		return o->session ? 0 : td_cli_usage_error("analyze", "bad --market '%s': expected us or in", arg);
	case OPT_HOURS:
		if (strcmp(arg, "all") == 0 || strcmp(arg, "regular") == 0) {
			o->regular_only = arg[0] == 'r';
			return 0;
		}
		return td_cli_usage_error("analyze", "bad --hours '%s': expected all or regular", arg);
	case OPT_ROW:
		if (td_az_parse_int(arg, 1, INT64_C(1) << 40, &v) < 0)
			return td_cli_usage_error("analyze", "bad --row '%s': expected a positive number of ticks", arg);
		o->row_ticks = v;
		return 0;
	case OPT_VA:
		if (td_az_parse_int(arg, 1, 100, &v) < 0)
			return td_cli_usage_error("analyze", "bad --va '%s': expected a percentage from 1 to 100", arg);
		o->va_pct = (unsigned)v;
		return 0;
	case OPT_TOL:
		if (td_az_parse_int(arg, 0, INT64_C(1) << 40, &v) < 0)
			return td_cli_usage_error("analyze", "bad --tol '%s': expected a number of ticks (0 or more)", arg);
		o->tol = v;
		return 0;
	case OPT_SWING:
		if (td_az_parse_int(arg, 1, 1000, &v) < 0)
			return td_cli_usage_error("analyze", "bad --swing '%s': expected 1 to 1000 bars", arg);
		o->swing = (unsigned)v;
		return 0;
	case OPT_FROM:
	case OPT_TO: {
		const char *why;
		td_ns t;
		if (td_time_parse_iso(arg, &t, &why) < 0)
			return td_cli_usage_error("analyze", "bad --%s '%s': %s (expected ISO-8601, e.g. 2026-11-20T10:00:00-05:00)",
					       opt == OPT_FROM ? "from" : "to", arg, why);
		*(opt == OPT_FROM ? &o->from : &o->to) = t;
		return 0;
	}
	default:
		return 2;
	}
}

/* Parse argv (argv[0] "analyze"); 0, -1 after --help, or 2 after a usage message. */
static int td_az_parse(int argc, char **argv, td_az_opts *o, const struct td_az_cmd **cmd)
{
	*o = (td_az_opts){ .session = td_session_find("us"), .tf = TD_BARS_5M, .format = AZ_CSV,
			.row_ticks = 1, .va_pct = 70, .tol = 2, .swing = 5, .from = INT64_MIN, .to = INT64_MAX };
	if (argc < 2)
		return td_cli_usage_error("analyze", "analyze needs a subcommand: bars, footprint, profile, premarket, levels or indicators");
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		td_az_usage(stdout);
		return -1;
	}
	*cmd = NULL;
	for (size_t i = 0; i < AZ_NCMDS; i++)
		if (strcmp(argv[1], td_az_cmds[i].name) == 0)
			*cmd = &td_az_cmds[i];
	if (!*cmd)
		return td_cli_usage_error("analyze", "unknown analyze subcommand '%s': expected bars, footprint, profile, premarket, "
				    "levels or indicators", argv[1]);
	o->cmd = argv[1];
	int opt;
	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc - 1, argv + 1, ":h", td_az_long_opts, NULL)) != -1) {
		if (opt == 'h' || opt == OPT_HELP) {
			td_az_usage(stdout);
			return -1;
		}
		if (opt == '?')
			return td_cli_usage_error("analyze", "unknown option '%s'", argv[optind]);
		if (opt == ':')
			return td_cli_usage_error("analyze", "option '%s' needs a value", argv[optind]);
		int rc = td_az_apply_opt(o, opt, optarg);
		if (rc)
			return rc;
	}
	if (optind < argc - 1)
		return td_cli_usage_error("analyze", "unexpected argument '%s'", argv[optind + 1]);
	if (!o->in)
		return td_cli_usage_error("analyze", "analyze %s needs --in FILE", o->cmd);
	if ((*cmd)->run == NULL && !o->ind)
		return td_cli_usage_error("analyze", "analyze indicators needs --ind SPEC (e.g. ema:20,rsi:14)");
	if ((*cmd)->run != NULL && o->ind)
		return td_cli_usage_error("analyze", "--ind is for analyze indicators");
	if (o->rows && !(*cmd)->rows)
		return td_cli_usage_error("analyze", "analyze %s has no --rows", o->cmd);
	if (o->rows && !td_az_in_choices((*cmd)->rows, o->rows))
		return td_cli_usage_error("analyze", "bad --rows '%s': expected %s", o->rows, (*cmd)->rows);
	return 0;
}

int td_analyze_main(int argc, char **argv)
{
	setlocale(LC_NUMERIC, "C");
	td_az_opts o;
	const struct td_az_cmd *cmd = NULL;
	int rc = td_az_parse(argc, argv, &o, &cmd);
	if (rc)
		return rc < 0 ? 0 : rc;
	td_az_out out;
	if (td_az_out_init(&out, o.format, stdout) < 0) {
		td_az_error("out of memory");
		return 1;
	}
	if (!cmd->run) {
		rc = td_az_run_indicators(&o, &out);
	} else {
		td_az_trades tr;
		int warn = 0;
		rc = td_az_trades_load(&o, &tr, &warn);
		if (rc == 0) {
			rc = cmd->run(&o, &tr, &out);
			td_az_trades_release(&tr);
			if (rc == 0)
				rc = warn;
		}
	}
	if (rc != 0 && out.fmt == AZ_JSON && out.root && cJSON_GetArraySize(out.root) == 0) {
		cJSON_Delete(out.root);  /* nothing computed: print no document */
		out.root = NULL;
	}
	int wrc = td_az_out_finish(&out);
	return rc ? rc : wrc;
}

/* ---- input ------------------------------------------------------------------ */

/* Growable arrays of the trades read and their instrument ids. */
typedef struct td_az_vec {
	td_trade *t;
	uint32_t *id;
	size_t n, cap;
} td_az_vec;

/* Append one trade; 0 or -1 when out of memory. */
static int td_az_vec_push(td_az_vec *v, const td_trade *t, uint32_t id)
{
	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 4096;
		td_trade *nt = realloc(v->t, cap * sizeof(*nt));
		if (!nt)
			return -1;
		v->t = nt;
		uint32_t *ni = realloc(v->id, cap * sizeof(*ni));
		if (!ni)
			return -1;
		v->id = ni;
		v->cap = cap;
	}
	v->t[v->n] = *t;
	v->id[v->n++] = id;
	return 0;
}

/* Look a symbol up as given, then in its padded OCC form. */
static uint32_t td_az_find_symbol(const td_registry *reg, const char *sym)
{
	uint32_t id = td_registry_find(reg, sym);
	td_occ occ;
	char err[128], padded[TD_SYMBOL_MAX];
	if (id == TD_NO_ID && td_occ_parse(sym, &occ, err, sizeof(err)) == 0 &&
	    td_occ_format(&occ, padded, sizeof(padded)) > 0)
		id = td_registry_find(reg, padded);
	return id;
}

/* "not in FILE; it holds: A, B, ..." for a symbol that is not there. */
static void td_az_report_missing(const char *sym, const char *path, const td_registry *reg)
{
	char list[AZ_LIST_SYMBOLS * (TD_SYMBOL_MAX + 2) + 32];
	size_t len = 0, n = td_registry_count(reg);
	list[0] = '\0';
	for (uint32_t id = 0; id < n && id < AZ_LIST_SYMBOLS; id++)
		len += (size_t)snprintf(list + len, sizeof(list) - len, "%s'%s'", id ? ", " : "",
					td_registry_get(reg, id)->symbol);
	if (n > AZ_LIST_SYMBOLS)
		snprintf(list + len, sizeof(list) - len, " and %zu more", n - AZ_LIST_SYMBOLS);
	if (n == 0)
		td_az_error("symbol '%s' is not in %s: it holds no instruments", sym, path);
	else
		td_az_error("symbol '%s' is not in %s; it holds %s", sym, path, list);
}

/* The default instrument: the first non-option one with trades, else the first with trades. */
static uint32_t td_az_default_id(const td_registry *reg, const td_az_vec *v)
{
	size_t n = td_registry_count(reg);
	uint32_t first_any = TD_NO_ID;
	bool *has = calloc(n ? n : 1, sizeof(*has));
	if (!has)
		return TD_NO_ID;
	for (size_t i = 0; i < v->n; i++)
		if (v->id[i] < n)
			has[v->id[i]] = true;
	uint32_t pick = TD_NO_ID;
	for (uint32_t id = 0; id < n && pick == TD_NO_ID; id++) {
		if (!has[id])
			continue;
		if (first_any == TD_NO_ID)
			first_any = id;
		if (td_registry_get(reg, id)->kind != TD_INS_OPTION)
			pick = id;
	}
	free(has);
	return pick != TD_NO_ID ? pick : first_any;
}

/* Replay the whole file into v; returns the last td_replay_next result (0 end, -1 damage). */
static int td_az_read_all(td_replay *r, td_az_vec *v, bool *oom)
{
	td_event ev;
	int st;
	while ((st = td_replay_next(r, &ev)) == 1) {
		if (ev.type != TD_EV_TRADE)
			continue;
		td_trade t = td_trade_from_event(&ev);
		if (td_az_vec_push(v, &t, ev.instr) < 0) {
			*oom = true;
			return 0;
		}
	}
	return st;
}

/* Warn about damage or skipped lines; sets *warn_status to the status they earn. */
static void td_az_report_damage(const td_az_opts *o, td_replay *r, int st, size_t ntrades, int *warn_status)
{
	uint64_t bad = td_replay_bad_count(r);
	const char *first = td_replay_first_error(r);
	if (st < 0) {
		td_az_warn("%s; analysed the %zu trade%s before the damage", first ? first : "read error", ntrades,
			ntrades == 1 ? "" : "s");
		*warn_status = 1;
	} else if (bad) {
		td_az_warn("%llu bad line%s skipped; first: %s", (unsigned long long)bad, bad > 1 ? "s" : "",
			first ? first : "?");
		if (o->strict)
			*warn_status = 1;
	}
}

/* Keep only the trades of id within [from, to) in v (in place). */
static void td_az_vec_narrow(td_az_vec *v, uint32_t id, td_ns from, td_ns to)
{
	size_t k = 0;
	for (size_t i = 0; i < v->n; i++)
		if (v->id[i] == id && v->t[i].ts >= from && v->t[i].ts < to)
			v->t[k++] = v->t[i];
	v->n = k;
}

int td_az_trades_load(const td_az_opts *o, td_az_trades *out, int *warn_status)
{
	char err[600];
	memset(out, 0, sizeof(*out));
	*warn_status = 0;
	out->reg = td_registry_new(AZ_REGISTRY_CAP);
	if (!out->reg) {
		td_az_error("out of memory");
		return 1;
	}
	td_replay *r = td_replay_open(o->in, out->reg, err, sizeof(err));
	if (!r) {
		td_az_error("%s", err);
		td_registry_free(out->reg);
		return 1;
	}
	td_az_vec v = { 0 };
	bool oom = false;
	int st = td_az_read_all(r, &v, &oom);
	if (!oom)
		td_az_report_damage(o, r, st, v.n, warn_status);
	td_replay_free(r);
	uint32_t id = TD_NO_ID;
	int rc = 0;
	if (oom) {
		td_az_error("out of memory reading %s", o->in);
		rc = 1;
	} else if (o->symbol && (id = td_az_find_symbol(out->reg, o->symbol)) == TD_NO_ID) {
		td_az_report_missing(o->symbol, o->in, out->reg);
		rc = 1;
	} else if (!o->symbol && (id = td_az_default_id(out->reg, &v)) == TD_NO_ID) {
		td_az_error("%s holds no trades", o->in);
		rc = 1;
	}
	if (rc == 0) {
		td_az_vec_narrow(&v, id, o->from, o->to);
		out->ins = td_registry_get(out->reg, id);
		if (v.n == 0) {
			td_az_error("%s holds no trades of '%s'%s", o->in, out->ins->symbol,
				    o->from != INT64_MIN || o->to != INT64_MAX ? " between --from and --to" : "");
			rc = 1;
		}
	}
	free(v.id);
	out->t = v.t;
	out->n = v.n;
	if (rc)
		td_az_trades_release(out);
	return rc;
}

void td_az_trades_release(td_az_trades *tr)
{
	free(tr->t);
	td_registry_free(tr->reg);
	memset(tr, 0, sizeof(*tr));
}

/* ---- time -------------------------------------------------------------------- */

/* Floor division for negative times. */
static int64_t td_az_floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b < 0) ? q - 1 : q;
}

int64_t td_az_local_date(const td_session *s, td_ns t)
{
	int off = td_tz_offset(td_session_tz(s), t);
	return td_az_floor_div(t + (td_ns)off * TD_NS_PER_SEC, TD_NS_PER_DAY);
}

void td_az_fmt_date(int64_t days, char *buf, size_t n)
{
	int y, m, d;
	td_civil_from_days(days, &y, &m, &d);
	snprintf(buf, n, "%04d-%02d-%02d", y, m, d);
}

void td_az_fmt_local(const td_session *s, td_ns t, char *buf, size_t n)
{
	int off = td_tz_offset(td_session_tz(s), t);
	td_ns local = t + (td_ns)off * TD_NS_PER_SEC;
	int64_t days = td_az_floor_div(local, TD_NS_PER_DAY);
	td_ns tod = local - days * TD_NS_PER_DAY;
	int y, m, d;
	td_civil_from_days(days, &y, &m, &d);
	int64_t sec = tod / TD_NS_PER_SEC, frac = tod % TD_NS_PER_SEC;
	char fr[16] = "";
	if (frac)
		snprintf(fr, sizeof(fr), ".%09lld", (long long)frac);
	int aoff = off < 0 ? -off : off;
	snprintf(buf, n, "%04d-%02d-%02dT%02d:%02d:%02d%s%c%02d:%02d", y, m, d, (int)(sec / 3600),
		 (int)(sec / 60 % 60), (int)(sec % 60), fr, off < 0 ? '-' : '+', aoff / 3600, aoff / 60 % 60);
}

bool td_az_hours_ok(const td_az_opts *o, const td_trade *t)
{
	return !o->regular_only || td_session_phase_at(o->session, t->ts) == TD_PHASE_REGULAR;
}
