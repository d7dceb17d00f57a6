/*
 * tapedeck options chain|scan: option chains computed headless, from a
 * recorded tape or from a CSV of quotes, then written as text, CSV or JSON.
 *
 * Both inputs end in a td_chainview, which the output and the scanner
 * (td_optchain_scan) read, so they print and scan alike:
 *
 *   tape    replayed into a market state up to --at, then td_optchain,
 *           exactly as the workstation's chain pane computes it;
 *   CSV     each row priced here the way optchain.c prices a contract (the
 *           implied volatility from the mid, Greeks at it), then
 *           td_chain_stats.  The CSV carries what a feed cannot (an IV to
 *           use instead of solving one, the previous OI and close, exact
 *           decimal prices, a fractional multiplier), so it does not go
 *           through a registry and market state of ticks and integers.
 *
 * A bad CSV row is reported once on stderr and left out of its chain; the
 * other rows are computed.  Nothing is printed before the whole input is
 * read, so an error never leaves half an output behind.
 */
#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "core/instrument.h"
#include "core/text.h"
#include "core/session.h"
#include "core/time.h"
#include "engine/cli.h"
#include "engine/market.h"
#include "engine/optchain.h"
#include "engine/options_chain_cli.h"
#include "feed/replay.h"
#include "options/american.h"
#include "options/bsm.h"
#include "options/chain.h"
#include "options/expiry.h"
#include "options/iv.h"
#include "options/scan.h"

/* Instruments a tape may register (it holds at most 65,536). */
#define CC_REGISTRY_CAP (1u << 17)
#define CC_ERR_LEN 512
#define CC_TOP_DEFAULT 20
#define CC_TOP_MAX 10000
#define CC_MULTIPLIER_DEFAULT 100.0
/* American implied vols to a ten-millionth of the mid, as optchain.c solves them */
#define CC_AM_TOL 1e-7
#define CC_TAPE_MAGIC "TDTAPE\0\0"
#define CC_TAPE_MAGIC_LEN 8

typedef enum { CC_CHAIN, CC_SCAN } cc_cmd;
typedef enum { CC_TEXT, CC_CSV, CC_JSON } cc_fmt;

typedef struct cc_opts {
	cc_cmd cmd;
	const char *cmd_name;
	const char *in;
	cc_fmt fmt;
	const char *rows;            /* csv: which table; NULL = the first choice */
	const char *underlying;      /* NULL = every underlying with options */
	const td_session *session;
	double rate, yield;          /* annual decimals; NaN = the market preset's */
	double iv_rank;              /* 0..100; NaN = unknown (no history headless) */
	/* a CSV chain only */
	td_ns now;
	double spot;                 /* NaN = from the spot column */
	td_model model;
	double multiplier;
	/* a tape only */
	td_ns at_tod;                /* local time of day; -1 = the end of the tape */
	/* which input-specific options were given, for the error naming them */
	const char *csv_only, *tape_only;
	/* scan */
	td_scan_params scan;
	size_t top;
	const char *scan_only;       /* a scanner option given to chain */
} cc_opts;

/* One chain ready to print or scan, with its scan results once scanned. */
typedef struct cc_view {
	const char *name;            /* the underlying's symbol */
	td_chainview cv;
	const td_registry *reg;      /* tape: the contracts' symbols; NULL for a CSV chain */
	const td_session *session;   /* the zone times are printed in */
	td_scan_params sp;           /* the scan's, with the chain's spot and multiplier */
	const td_scan_total *st;
	const td_scan_pick *picks;
	size_t npicks;
	const td_scan_skip *skips;
	size_t nskips;
} cc_view;

/* ---- usage -------------------------------------------------------------------- */

static const char *const cc_rows_chain = "contracts|expiries|strikes|totals";
static const char *const cc_rows_scan = "picks|skipped|strategies";

static void cc_usage(FILE *f)
{
	fputs("usage: tapedeck options chain --in TAPE|CHAIN.csv [OPTIONS]\n"
	      "       tapedeck options scan --in TAPE|CHAIN.csv [OPTIONS] [SCANNER OPTIONS]\n"
	      "\n"
	      "TAPE is a tape from `tapedeck record` (or any file --feed replay: opens); CHAIN.csv has\n"
	      "a header with underlying, expiry (YYYY-MM-DD), right (C|P|call|put), strike, bid, ask\n"
	      "and optionally last, volume, oi, prev_oi, prev_close, iv, spot, avg_volume.\n"
	      "\n"
	      "options:\n"
	      "  --in FILE               the input (required)\n"
	      "  --format text|csv|json  the output (default text)\n"
	      "  --rows R                csv: chain contracts|expiries|strikes|totals, scan picks|skipped|strategies\n"
	      "  --underlying SYM        one chain (default: every underlying with options)\n"
	      "  --market us|in          expiry time and zone, default rate and yield (default us)\n"
	      "  --rate PCT, --yield PCT risk-free rate and dividend yield in percent (default: the market's)\n"
	      "  --iv-rank N             the underlying's IV rank, 0-100 (default unknown)\n"
	      "  --at HH:MM              TAPE: the chain as of this local time (default: the end)\n"
	      "  --now T                 CSV: the instant, ISO-8601 (default: the clock)\n"
	      "  --spot PRICE            CSV: the underlying's price where the spot column is absent or empty\n"
	      "  --model bsm|black76|american  CSV: the model (default bsm)\n"
	      "  --multiplier M          CSV: units of underlying per contract (default 100)\n"
	      "\n"
	      "scanner options:\n"
	      "  --strategies LIST       comma-separated: csp, covered_call, strangle, straddle, iron_condor,\n"
	      "                          bull_put, bear_call, bull_call, bear_put, or all (default all)\n"
	      "  --dte MIN:MAX           days to expiry (default 1:60; MAX may be inf)\n"
	      "  --delta MIN:MAX         |delta| of sold legs (default 0.10:0.35)\n"
	      "  --width N               wings and verticals: listed strikes away (default 1)\n"
	      "  --min-liquidity X       worst leg's liquidity score, 0-100 (default 25)\n"
	      "  --min-oi N              every leg's open interest (default 10)\n"
	      "  --iv-rank-min N, --iv-rank-max N  IV-rank bounds (default none)\n"
	      "  --rank composite|return|pop|theta_vega  (default composite)\n"
	      "  --top N                 picks per chain, 1-10000 (default 20)\n"
	      "\n"
	      "exit status: 0 done, 1 unreadable input or any bad row, 2 bad usage.  See doc/options.md.\n",
	      f);
}

static void cc_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void cc_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("tapedeck: options: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

/* ---- arguments ------------------------------------------------------------------ */

enum {
	OPT_IN = 256, OPT_FORMAT, OPT_ROWS, OPT_UNDERLYING, OPT_MARKET, OPT_RATE, OPT_YIELD, OPT_IV_RANK,
	OPT_AT, OPT_NOW, OPT_SPOT, OPT_MODEL, OPT_MULTIPLIER, OPT_STRATEGIES, OPT_DTE, OPT_DELTA, OPT_WIDTH,
	OPT_MIN_LIQUIDITY, OPT_MIN_OI, OPT_IV_RANK_MIN, OPT_IV_RANK_MAX, OPT_RANK, OPT_TOP, OPT_HELP
};

static const struct option cc_long_opts[] = {
	{ "in", required_argument, NULL, OPT_IN },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "rows", required_argument, NULL, OPT_ROWS },
	{ "underlying", required_argument, NULL, OPT_UNDERLYING },
	{ "market", required_argument, NULL, OPT_MARKET },
	{ "rate", required_argument, NULL, OPT_RATE },
	{ "yield", required_argument, NULL, OPT_YIELD },
	{ "iv-rank", required_argument, NULL, OPT_IV_RANK },
	{ "at", required_argument, NULL, OPT_AT },
	{ "now", required_argument, NULL, OPT_NOW },
	{ "spot", required_argument, NULL, OPT_SPOT },
	{ "model", required_argument, NULL, OPT_MODEL },
	{ "multiplier", required_argument, NULL, OPT_MULTIPLIER },
	{ "strategies", required_argument, NULL, OPT_STRATEGIES },
	{ "dte", required_argument, NULL, OPT_DTE },
	{ "delta", required_argument, NULL, OPT_DELTA },
	{ "width", required_argument, NULL, OPT_WIDTH },
	{ "min-liquidity", required_argument, NULL, OPT_MIN_LIQUIDITY },
	{ "min-oi", required_argument, NULL, OPT_MIN_OI },
	{ "iv-rank-min", required_argument, NULL, OPT_IV_RANK_MIN },
	{ "iv-rank-max", required_argument, NULL, OPT_IV_RANK_MAX },
	{ "rank", required_argument, NULL, OPT_RANK },
	{ "top", required_argument, NULL, OPT_TOP },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

/* A finite number in [lo, hi]; 0 or -1. */
static int cc_parse_num(const char *s, double lo, double hi, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (!*s || *end || errno == ERANGE || !isfinite(v) || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

/* "MIN:MAX" within [lo, hi], MIN <= MAX; MAX may be "inf" when inf_ok.  0 or -1. */
static int cc_parse_range(const char *s, double lo, double hi, bool inf_ok, double *a, double *b)
{
	const char *colon = strchr(s, ':');
	char first[64];
	if (!colon || (size_t)(colon - s) >= sizeof first)
		return -1;
	memcpy(first, s, (size_t)(colon - s));
	first[colon - s] = '\0';
	if (cc_parse_num(first, lo, hi, a) < 0)
		return -1;
	if (inf_ok && strcmp(colon + 1, "inf") == 0)
		*b = INFINITY;
	else if (cc_parse_num(colon + 1, lo, hi, b) < 0)
		return -1;
	return *a <= *b ? 0 : -1;
}

/* A set of strategies from their keys, or "all"; 0 or -1. */
static int cc_parse_strategies(const char *s, uint32_t *set)
{
	*set = 0;
	if (strcmp(s, "all") == 0) {
		*set = TD_SCAN_ALL;
		return 0;
	}
	for (const char *p = s; *p;) {
		size_t len = strcspn(p, ",");
		int found = -1;
		for (int k = 0; k < TD_SCAN_STRATEGY_COUNT; k++) {
			const char *key = td_scan_strategy_key((td_scan_strategy)k);
			if (strlen(key) == len && strncmp(p, key, len) == 0)
				found = k;
		}
		if (found < 0)
			return -1;
		*set |= TD_SCAN_BIT(found);
		p += len;
		if (*p == ',' && *++p == '\0')
			return -1;
	}
	return *set ? 0 : -1;
}

/* Is word one of the '|'-separated choices? */
static bool cc_in_choices(const char *choices, const char *word)
{
	size_t n = strlen(word);
	for (const char *p = choices; *p;) {
		size_t len = strcspn(p, "|");
		if (len == n && strncmp(p, word, n) == 0)
			return true;
		p += len + (p[len] == '|');
	}
	return false;
}

/* The general options; 0, 1 not one of them, or 2 after a usage message. */
static int cc_apply_common(cc_opts *o, int opt, const char *arg)
{
	const char *why = NULL;
	switch (opt) {
	case OPT_IN: o->in = arg; return 0;
	case OPT_ROWS: o->rows = arg; return 0;
	case OPT_UNDERLYING: o->underlying = arg; return 0;
	case OPT_FORMAT:
		if (strcmp(arg, "text") == 0)
			o->fmt = CC_TEXT;
		else if (strcmp(arg, "csv") == 0)
			o->fmt = CC_CSV;
		else if (strcmp(arg, "json") == 0)
			o->fmt = CC_JSON;
		else
			return td_cli_usage_error("options", "bad --format '%s': expected text, csv or json", arg);
		return 0;
	case OPT_MARKET:
		o->session = td_session_find(arg);
		return o->session ? 0 : td_cli_usage_error("options", "bad --market '%s': expected us or in", arg);
	case OPT_RATE:
	case OPT_YIELD: {
		double v;
		if (cc_parse_num(arg, -100, 100, &v) < 0)
			return td_cli_usage_error("options", "bad --%s '%s': expected a percentage, e.g. 4.5", opt == OPT_RATE ? "rate" : "yield",
					    arg);
		*(opt == OPT_RATE ? &o->rate : &o->yield) = v / 100.0;
		return 0;
	}
	case OPT_IV_RANK:
		return cc_parse_num(arg, 0, 100, &o->iv_rank) < 0
			       ? td_cli_usage_error("options", "bad --iv-rank '%s': expected 0 to 100", arg) : 0;
	case OPT_AT:
		o->tape_only = "--at";
		if (td_time_parse_hms(arg, &o->at_tod, &why) < 0)
			return td_cli_usage_error("options", "bad --at '%s': %s (expected HH:MM local time)", arg, why ? why : "not a time");
		return 0;
	default:
		return 1;
	}
}

/* The options of a CSV chain; 0, 1 not one of them, or 2 after a usage message. */
static int cc_apply_csv(cc_opts *o, int opt, const char *arg)
{
	const char *why = NULL;
	switch (opt) {
	case OPT_NOW:
		o->csv_only = "--now";
		if (td_time_parse_iso(arg, &o->now, &why) < 0)
			return td_cli_usage_error("options", "bad --now '%s': %s", arg, why ? why : "not ISO-8601");
		return 0;
	case OPT_SPOT:
		o->csv_only = "--spot";
		return cc_parse_num(arg, 1e-300, 1e300, &o->spot) < 0
			       ? td_cli_usage_error("options", "bad --spot '%s': expected a positive price", arg) : 0;
	case OPT_MULTIPLIER:
		o->csv_only = "--multiplier";
		return cc_parse_num(arg, 1e-300, 1e300, &o->multiplier) < 0
			       ? td_cli_usage_error("options", "bad --multiplier '%s': expected a positive number", arg) : 0;
	case OPT_MODEL:
		o->csv_only = "--model";
		if (strcmp(arg, "bsm") == 0)
			o->model = TD_MODEL_BSM;
		else if (strcmp(arg, "black76") == 0)
			o->model = TD_MODEL_BLACK76;
		else if (strcmp(arg, "american") == 0)
			o->model = TD_MODEL_AMERICAN;
		else
			return td_cli_usage_error("options", "bad --model '%s': expected bsm, black76 or american", arg);
		return 0;
	default:
		return 1;
	}
}

/* The scanner's options; 0, 1 not one of them, or 2 after a usage message. */
static int cc_apply_scan(cc_opts *o, int opt, const char *arg)
{
	td_scan_params *p = &o->scan;
	double v;
	switch (opt) {
	case OPT_STRATEGIES:
		o->scan_only = "--strategies";
		return cc_parse_strategies(arg, &p->strategies) < 0
			       ? td_cli_usage_error("options", "bad --strategies '%s': expected keys like csp,iron_condor, or all", arg) : 0;
	case OPT_DTE:
		o->scan_only = "--dte";
		return cc_parse_range(arg, 0, 1e6, true, &p->dte_min, &p->dte_max) < 0
			       ? td_cli_usage_error("options", "bad --dte '%s': expected MIN:MAX days, MIN <= MAX", arg) : 0;
	case OPT_DELTA:
		o->scan_only = "--delta";
		return cc_parse_range(arg, 0, 1, false, &p->short_delta_min, &p->short_delta_max) < 0
			       ? td_cli_usage_error("options", "bad --delta '%s': expected MIN:MAX within 0:1", arg) : 0;
	case OPT_WIDTH:
		o->scan_only = "--width";
		if (cc_parse_num(arg, 1, 1000, &v) < 0 || v != floor(v))
			return td_cli_usage_error("options", "bad --width '%s': expected 1 to 1000 listed strikes", arg);
		p->width_steps = (int)v;
		return 0;
	case OPT_MIN_LIQUIDITY:
		o->scan_only = "--min-liquidity";
		return cc_parse_num(arg, 0, 100, &p->liquidity_min) < 0
			       ? td_cli_usage_error("options", "bad --min-liquidity '%s': expected 0 to 100", arg) : 0;
	case OPT_MIN_OI:
		o->scan_only = "--min-oi";
		return cc_parse_num(arg, 0, 1e15, &p->oi_min) < 0
			       ? td_cli_usage_error("options", "bad --min-oi '%s': expected a number of contracts", arg) : 0;
	case OPT_IV_RANK_MIN:
	case OPT_IV_RANK_MAX:
		o->scan_only = opt == OPT_IV_RANK_MIN ? "--iv-rank-min" : "--iv-rank-max";
		return cc_parse_num(arg, 0, 100, opt == OPT_IV_RANK_MIN ? &p->iv_rank_min : &p->iv_rank_max) < 0
			       ? td_cli_usage_error("options", "bad %s '%s': expected 0 to 100", o->scan_only, arg) : 0;
	case OPT_RANK:
		o->scan_only = "--rank";
		for (int k = 0; k < TD_SCAN_RANK_COUNT; k++)
			if (strcmp(arg, td_scan_rank_key((td_scan_rank)k)) == 0) {
				p->rank = (td_scan_rank)k;
				return 0;
			}
		return td_cli_usage_error("options", "bad --rank '%s': expected composite, return, pop or theta_vega", arg);
	case OPT_TOP:
		o->scan_only = "--top";
		if (cc_parse_num(arg, 1, CC_TOP_MAX, &v) < 0 || v != floor(v))
			return td_cli_usage_error("options", "bad --top '%s': expected 1 to %d", arg, CC_TOP_MAX);
		o->top = (size_t)v;
		return 0;
	default:
		return 1;
	}
}

/* What the options say together; 0 or 2 after a usage message. */
static int cc_check_args(const cc_opts *o)
{
	if (!o->in)
		return td_cli_usage_error("options", "options %s needs --in FILE", o->cmd_name);
	if (o->cmd == CC_CHAIN && o->scan_only)
		return td_cli_usage_error("options", "%s is for options scan", o->scan_only);
	const char *choices = o->cmd == CC_CHAIN ? cc_rows_chain : cc_rows_scan;
	if (o->rows && o->fmt != CC_CSV)
		return td_cli_usage_error("options", "--rows is for --format csv (text and json show everything)");
	if (o->rows && !cc_in_choices(choices, o->rows))
		return td_cli_usage_error("options", "bad --rows '%s': expected %s", o->rows, choices);
	double lo = o->scan.iv_rank_min, hi = o->scan.iv_rank_max;
	if (lo > hi)
		return td_cli_usage_error("options", "--iv-rank-min %g is above --iv-rank-max %g", lo, hi);
	return 0;
}

/* Parse argv (argv[1] "chain" or "scan"); 0, -1 after --help, or 2 after a usage message. */
static int cc_parse_args(int argc, char **argv, cc_opts *o)
{
	*o = (cc_opts){ .cmd = strcmp(argv[1], "scan") == 0 ? CC_SCAN : CC_CHAIN, .cmd_name = argv[1],
			.fmt = CC_TEXT, .session = td_session_find("us"), .rate = NAN, .yield = NAN, .iv_rank = NAN,
			.now = td_now(), .spot = NAN, .model = TD_MODEL_BSM, .multiplier = CC_MULTIPLIER_DEFAULT,
			.at_tod = -1, .top = CC_TOP_DEFAULT };
	td_scan_params_init(&o->scan, 1.0, 1.0);  /* spot and multiplier come from each chain */
	int opt;
	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc - 1, argv + 1, ":h", cc_long_opts, NULL)) != -1) {
		if (opt == 'h' || opt == OPT_HELP) {
			cc_usage(stdout);
			return -1;
		}
		if (opt == '?')
			return td_cli_usage_error("options", "unknown option '%s'", argv[optind]);
		if (opt == ':')
			return td_cli_usage_error("options", "option '%s' needs a value", argv[optind]);
		int rc = cc_apply_common(o, opt, optarg);
		if (rc == 1)
			rc = cc_apply_csv(o, opt, optarg);
		if (rc == 1)
			rc = cc_apply_scan(o, opt, optarg);
		if (rc)
			return rc == 1 ? td_cli_usage_error("options", "unknown option") : rc;
	}
	if (optind < argc - 1)
		return td_cli_usage_error("options", "unexpected argument '%s'", argv[optind + 1]);
	return cc_check_args(o);
}

/* ---- the CSV chain: reading -------------------------------------------------------- */

/* Input columns; the first CC_NREQ are required. */
enum {
	K_UNDERLYING, K_EXPIRY, K_RIGHT, K_STRIKE, K_BID, K_ASK, K_LAST, K_VOLUME, K_OI, K_PREV_OI, K_PREV_CLOSE,
	K_IV, K_SPOT, K_AVG_VOLUME, CC_NCOLS
};
#define CC_NREQ 6

static const char *const cc_col_names[CC_NCOLS] = {
	"underlying", "expiry", "right", "strike", "bid", "ask", "last", "volume", "oi", "prev_oi", "prev_close",
	"iv", "spot", "avg_volume",
};

/* How a number column is checked. */
typedef enum { NUM_NONNEG, NUM_POSITIVE } cc_numkind;

static const cc_numkind cc_col_kind[CC_NCOLS] = {
	[K_STRIKE] = NUM_POSITIVE, [K_IV] = NUM_POSITIVE, [K_SPOT] = NUM_POSITIVE,
};

/* One good row. */
typedef struct cc_in {
	size_t und;                  /* index into cc_csv.unds */
	int32_t expiry;
	td_right right;
	double v[CC_NCOLS];          /* the number columns; NaN = empty */
	long line;
} cc_in;

typedef struct cc_und {
	char name[TD_SYMBOL_MAX];
	double spot;                 /* from the spot column; NaN = none yet */
	long spot_line;
} cc_und;

typedef struct cc_csv {
	cc_in *rows;
	size_t n, cap;
	cc_und *unds;
	size_t nund, capund;
	int pos[CC_NCOLS];           /* field index of each column, -1 absent */
	size_t nfields;              /* in the header */
} cc_csv;

/* The header's columns; 0, or -1 after naming each required one missing. */
static int cc_read_header(const char *path, char *line, cc_csv *c)
{
	size_t nf;
	char **f = td_split_csv(line, &nf);
	if (!f) {
		cc_error("out of memory");
		return -1;
	}
	c->nfields = nf;
	int rc = 0;
	for (int k = 0; k < CC_NCOLS; k++) {
		c->pos[k] = -1;
		for (size_t i = 0; i < nf && c->pos[k] < 0; i++)
			if (strcmp(f[i], cc_col_names[k]) == 0)
				c->pos[k] = (int)i;
		if (k < CC_NREQ && c->pos[k] < 0) {
			fprintf(stderr, "%s:1: the header has no column '%s'\n", path, cc_col_names[k]);
			rc = -1;
		}
	}
	free(f);
	return rc;
}

/* The field of column k: NULL when the header lacks it or the row is short. */
static const char *cc_field(const cc_csv *c, char **f, size_t nf, int k)
{
	int p = c->pos[k];
	return p >= 0 && (size_t)p < nf ? f[p] : NULL;
}

/* The underlying named s, added when new; its index, or -1 when out of memory. */
static long cc_und_of(cc_csv *c, const char *s)
{
	for (size_t i = 0; i < c->nund; i++)
		if (strcmp(c->unds[i].name, s) == 0)
			return (long)i;
	if (c->nund == c->capund) {
		size_t cap = c->capund ? 2 * c->capund : 8;
		cc_und *u = realloc(c->unds, cap * sizeof *u);
		if (!u)
			return -1;
		c->unds = u;
		c->capund = cap;
	}
	cc_und *u = &c->unds[c->nund];
	snprintf(u->name, sizeof u->name, "%s", s);
	u->spot = NAN;
	u->spot_line = 0;
	return (long)c->nund++;
}

/* A number column into r->v[k] (NaN when empty and optional); 0 or -1 with err. */
static int cc_row_num(const cc_csv *c, char **f, size_t nf, int k, cc_in *r, char *err)
{
	const char *s = cc_field(c, f, nf, k);
	r->v[k] = NAN;
	if (!s || !*s) {
		if (k >= CC_NREQ || k == K_BID || k == K_ASK)
			return 0;  /* optional, or a side without a quote: missing, not bad */
		snprintf(err, CC_ERR_LEN, "column '%s': %s", cc_col_names[k], s ? "empty" : "missing");
		return -1;
	}
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (*end || errno == ERANGE || !isfinite(v)) {
		snprintf(err, CC_ERR_LEN, "column '%s': bad number '%s'", cc_col_names[k], s);
		return -1;
	}
	if (cc_col_kind[k] == NUM_POSITIVE ? !(v > 0) : v < 0) {
		snprintf(err, CC_ERR_LEN, "column '%s': must be %s, not '%s'", cc_col_names[k],
			 cc_col_kind[k] == NUM_POSITIVE ? "positive" : "0 or more", s);
		return -1;
	}
	r->v[k] = v;
	return 0;
}

/* The text columns of a row; 0 or -1 with err. */
static int cc_row_text(const cc_csv *c, char **f, size_t nf, cc_in *r, char *err)
{
	const char *s = cc_field(c, f, nf, K_EXPIRY);
	int64_t days;
	const char *why = NULL;
	if (!s || !*s) {
		snprintf(err, CC_ERR_LEN, "column 'expiry': %s", s ? "empty" : "missing");
		return -1;
	}
	if (td_date_parse(s, &days, &why) < 0) {
		snprintf(err, CC_ERR_LEN, "column 'expiry': bad date '%s' (YYYY-MM-DD)", s);
		return -1;
	}
	r->expiry = (int32_t)days;
	if (!(s = cc_field(c, f, nf, K_RIGHT))) {
		snprintf(err, CC_ERR_LEN, "column 'right': missing");
		return -1;
	}
	if (strcasecmp(s, "C") == 0 || strcasecmp(s, "call") == 0)
		r->right = TD_CALL;
	else if (strcasecmp(s, "P") == 0 || strcasecmp(s, "put") == 0)
		r->right = TD_PUT;
	else {
		snprintf(err, CC_ERR_LEN, "column 'right': unknown right '%s' (C, P, call or put)", s);
		return -1;
	}
	return 0;
}

/* Check one data row into r; 0, or -1 with err. */
static int cc_row(cc_csv *c, char **f, size_t nf, cc_in *r, char *err)
{
	if (nf > c->nfields) {
		snprintf(err, CC_ERR_LEN, "%zu fields, the header has %zu", nf, c->nfields);
		return -1;
	}
	const char *s = cc_field(c, f, nf, K_UNDERLYING);
	if (!s || !*s || strlen(s) >= TD_SYMBOL_MAX) {
		snprintf(err, CC_ERR_LEN, "column 'underlying': %s", !s ? "missing" : *s ? "longer than 31 characters"
											 : "empty");
		return -1;
	}
	char und[TD_SYMBOL_MAX];
	snprintf(und, sizeof und, "%s", s);
	if (cc_row_text(c, f, nf, r, err) < 0)
		return -1;
	for (int k = K_STRIKE; k < CC_NCOLS; k++)
		if (cc_row_num(c, f, nf, k, r, err) < 0)
			return -1;
	long u = cc_und_of(c, und);
	if (u < 0) {
		snprintf(err, CC_ERR_LEN, "out of memory");
		return -1;
	}
	cc_und *cu = &c->unds[u];
	if (!isnan(r->v[K_SPOT]) && !isnan(cu->spot) && r->v[K_SPOT] != cu->spot) {
		snprintf(err, CC_ERR_LEN, "column 'spot': %.10g differs from %.10g given for '%s' at line %ld",
			 r->v[K_SPOT], cu->spot, cu->name, cu->spot_line);
		return -1;
	}
	if (!isnan(r->v[K_SPOT]) && isnan(cu->spot)) {
		cu->spot = r->v[K_SPOT];
		cu->spot_line = r->line;
	}
	r->und = (size_t)u;
	return 0;
}

static int cc_push(cc_csv *c, const cc_in *r)
{
	if (c->n == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 256;
		cc_in *p = realloc(c->rows, cap * sizeof *p);
		if (!p)
			return -1;
		c->rows = p;
		c->cap = cap;
	}
	c->rows[c->n++] = *r;
	return 0;
}

/* Read the data rows; bad ones are reported and left out.  Returns the status so far. */
static int cc_read_rows(const char *path, FILE *in, cc_csv *c)
{
	char *line = NULL;
	size_t cap = 0;
	long lineno = 1;
	int status = 0;
	while (getline(&line, &cap, in) >= 0) {
		lineno++;
		td_chomp(line);
		if (!*td_trim(line))
			continue;
		size_t nf;
		char **f = td_split_csv(line, &nf);
		cc_in r = { .line = lineno };
		char err[CC_ERR_LEN];
		if (!f || cc_row(c, f, nf, &r, err) < 0 || cc_push(c, &r) < 0) {
			fprintf(stderr, "%s:%ld: %s\n", path, lineno, f ? err : "out of memory");
			status = 1;
		}
		free(f);
	}
	if (ferror(in)) {
		cc_error("%s: read error", path);
		status = 1;
	}
	free(line);
	return status;
}

/* Open and read a chain CSV whose first line is already in `header`; returns the status. */
static int cc_csv_load(const char *path, FILE *in, char *header, cc_csv *c)
{
	if (cc_read_header(path, header, c) < 0)
		return 1;
	int status = cc_read_rows(path, in, c);
	if (c->n == 0) {
		cc_error("%s: no contracts to compute", path);
		status = 1;
	}
	return status;
}

static void cc_csv_free(cc_csv *c)
{
	free(c->rows);
	free(c->unds);
}

/* ---- the CSV chain: computing -------------------------------------------------------- */

/* One underlying's chain from CSV rows, laid out as optchain.c lays out its own. */
typedef struct cc_calc {
	td_model model;
	double spot, rate, yield;    /* yield 0 for Black-76 */
	size_t n, ntenors;
	td_optrow *rows;
	td_chain_contract *in;
	td_chain_tenor *tenors;
	td_chain *stats;
} cc_calc;

static int cc_in_cmp(const void *a, const void *b)
{
	const cc_in *x = a, *y = b;
	if (x->und != y->und)
		return x->und < y->und ? -1 : 1;
	if (x->expiry != y->expiry)
		return x->expiry < y->expiry ? -1 : 1;
	if (x->v[K_STRIKE] != y->v[K_STRIKE])
		return x->v[K_STRIKE] < y->v[K_STRIKE] ? -1 : 1;
	if (x->right != y->right)
		return (int)y->right - (int)x->right;  /* call (+1) before put (-1) */
	return x->line < y->line ? -1 : 1;         /* duplicates: the first given is used */
}

/* The model's view of a row at volatility sigma; American Greeks are BSM's (as optchain.c). */
static td_opt cc_opt_of(const cc_calc *k, const td_optrow *r, double spot, double sigma, bool greeks)
{
	td_model m = greeks && k->model == TD_MODEL_AMERICAN ? TD_MODEL_BSM : k->model;
	return (td_opt){ .right = r->right, .model = m, .S = spot, .K = r->strike, .T = r->T, .r = k->rate,
			 .q = k->yield, .sigma = sigma };
}

static void cc_no_iv(td_optrow *r, const char *why)
{
	double n = NAN;
	r->iv = n;
	r->iv_why = why;
	r->g = (td_greeks){ n, n, n, n, n, n, n, n, n };
}

/* The implied volatility (given, or from the mid) and the Greeks at it. */
static void cc_price_row(const cc_calc *k, td_optrow *r, double given_iv)
{
	if (!(r->T > 0))
		return cc_no_iv(r, "expired");
	double sigma = given_iv;
	if (isnan(sigma)) {
		if (!(r->bid >= 0 && r->ask > 0 && r->bid <= r->ask))
			return cc_no_iv(r, "no two-sided quote");
		td_opt o = cc_opt_of(k, r, k->spot, 0.0, false);
		const char *why = NULL;
		int rc = k->model == TD_MODEL_AMERICAN ? td_american_iv(&o, r->mid, CC_AM_TOL, &sigma, &why)
						       : td_iv(&o, r->mid, &sigma, &why);
		if (rc < 0)
			return cc_no_iv(r, why ? why : "no implied volatility");
	}
	td_opt o = cc_opt_of(k, r, k->spot, sigma, true);
	if (td_bsm_greeks(&o, &r->g) < 0)
		return cc_no_iv(r, "greeks out of range");
	r->iv = sigma;
	r->iv_why = NULL;
}

/* Gamma of row i at another spot, its IV held: the zero-gamma search's callback. */
static double cc_gamma_at(void *ctx, size_t i, double spot)
{
	const cc_calc *k = ctx;
	const td_optrow *r = &k->rows[i];
	if (!(r->iv > 0) || !(r->T > 0))
		return NAN;
	td_opt o = cc_opt_of(k, r, spot, r->iv, true);
	td_greeks g;
	return td_bsm_greeks(&o, &g) == 0 ? g.gamma : NAN;
}

/* Rows in chain order, priced, and each expiry's tenor. */
static void cc_fill(cc_calc *k, const cc_in *in, const cc_opts *o)
{
	const td_tz *tz = td_session_tz(o->session);
	double carry = k->model == TD_MODEL_BLACK76 ? 0.0 : k->rate - k->yield;
	k->ntenors = 0;
	for (size_t i = 0; i < k->n; i++) {
		const double *v = in[i].v;
		td_optrow *r = &k->rows[i];
		*r = (td_optrow){ .id = (uint32_t)i, .expiry = in[i].expiry, .right = in[i].right, .strike = v[K_STRIKE],
				  .bid = v[K_BID], .ask = v[K_ASK], .mid = 0.5 * (v[K_BID] + v[K_ASK]), .last = v[K_LAST],
				  .volume = v[K_VOLUME], .oi = v[K_OI],
				  .T = td_expiry_years(o->now, in[i].expiry, o->session->close_tod, tz) };
		cc_price_row(k, r, v[K_IV]);
		k->in[i] = (td_chain_contract){
			.expiry = r->expiry, .right = r->right, .strike = r->strike, .bid = r->bid, .ask = r->ask,
			.last = r->last, .volume = r->volume, .oi = r->oi, .prev_oi = v[K_PREV_OI],
			.prev_close = v[K_PREV_CLOSE], .iv = r->iv, .delta = r->g.delta, .gamma = r->g.gamma,
			.avg_volume = v[K_AVG_VOLUME],
		};
		if (k->ntenors && k->tenors[k->ntenors - 1].expiry == r->expiry)
			continue;
		k->tenors[k->ntenors++] = (td_chain_tenor){ .expiry = r->expiry, .T = r->T > 0 ? r->T : NAN,
							    .forward = r->T > 0 ? k->spot * exp(carry * r->T) : NAN };
	}
}

static void cc_calc_free(cc_calc *k)
{
	free(k->rows);
	free(k->in);
	free(k->tenors);
	td_chain_free(k->stats);
	memset(k, 0, sizeof *k);
}

/* Compute the chain of rows in[0..n) (one underlying, sorted) into k and v; 0 or -1 with a message. */
static int cc_calc_run(cc_calc *k, const cc_in *in, size_t n, double spot, const cc_opts *o, cc_view *v)
{
	*k = (cc_calc){ .model = o->model, .spot = spot, .n = n,
			.rate = isnan(o->rate) ? o->session->rate : o->rate,
			.yield = o->model == TD_MODEL_BLACK76 ? 0.0 : isnan(o->yield) ? o->session->yield : o->yield };
	k->rows = calloc(n, sizeof *k->rows);
	k->in = calloc(n, sizeof *k->in);
	k->tenors = calloc(n, sizeof *k->tenors);
	k->stats = td_chain_new(n, n);
	if (!k->rows || !k->in || !k->tenors || !k->stats) {
		cc_error("out of memory");
		return -1;
	}
	cc_fill(k, in, o);
	td_chain_params cp;
	td_chain_params_init(&cp, spot, o->multiplier);
	cp.tenors = k->tenors;
	cp.n_tenors = k->ntenors;
	cp.gamma_at = cc_gamma_at;
	cp.gamma_ctx = k;
	if (td_chain_stats(k->stats, k->in, n, &cp) < 0) {
		cc_error("%s: the chain statistics failed: %s", v->name, td_chain_error(k->stats));
		return -1;
	}
	td_chainview *cv = &v->cv;
	size_t nr;
	*cv = (td_chainview){ .model = k->model, .spot = spot, .rate = k->rate, .yield = k->yield,
			      .multiplier = o->multiplier, .rows = k->rows, .nrows = n, .computed = o->now };
	cv->exp = td_chain_expiries(k->stats, &cv->nexp);
	cv->strikes = td_chain_strikes(k->stats, &cv->nstrikes);
	cv->total = td_chain_totals(k->stats);
	cv->stat_rows = td_chain_rows(k->stats, &nr);
	cv->iv30 = td_optchain_iv30(cv->exp, cv->nexp);
	for (size_t i = 0; i < n; i++)
		cv->no_iv += !(k->rows[i].iv > 0);
	return 0;
}

/* ---- the tape ------------------------------------------------------------------------- */

typedef struct cc_tape {
	td_registry *reg;
	td_market *m;
	td_optchain *oc;
} cc_tape;

static void cc_tape_free(cc_tape *t)
{
	td_optchain_free(t->oc);
	td_market_free(t->m);
	td_registry_free(t->reg);
	memset(t, 0, sizeof *t);
}

/* The UTC instant of local time tod on the local date of t. */
static td_ns cc_same_day(const td_tz *tz, td_ns t, td_ns tod)
{
	td_ns local = t + (td_ns)td_tz_offset(tz, t) * TD_NS_PER_SEC;
	int64_t days = local >= 0 ? local / TD_NS_PER_DAY : -((-local + TD_NS_PER_DAY - 1) / TD_NS_PER_DAY);
	return td_tz_to_utc(tz, days, tod);
}

/* Apply the events up to --at; returns the status (1 on damage or nothing applied). */
static int cc_tape_replay(const cc_opts *o, td_replay *r, td_market *m)
{
	td_event ev;
	td_ns stop = INT64_MAX;
	uint64_t applied = 0;
	bool dated = false;
	int st;
	while ((st = td_replay_next(r, &ev)) == 1) {
		if (!dated && o->at_tod >= 0 && ev.exch_ns > 0) {
			stop = cc_same_day(td_session_tz(o->session), ev.exch_ns, o->at_tod);
			dated = true;
		}
		if (ev.exch_ns > stop)
			break;
		td_market_apply(m, &ev);
		applied++;
	}
	const char *first = td_replay_first_error(r);
	int status = 0;
	if (st < 0) {
		cc_error("warning: %s; used the %llu events before the damage", first ? first : "read error",
			 (unsigned long long)applied);
		status = 1;
	} else if (td_replay_bad_count(r)) {
		cc_error("warning: %llu bad lines skipped; first: %s", (unsigned long long)td_replay_bad_count(r),
			 first ? first : "?");
	}
	if (applied == 0) {
		cc_error("%s: no events%s", o->in, o->at_tod >= 0 ? " at or before --at" : "");
		status = 1;
	}
	return status;
}

/* Replay the tape and build its chains; returns the status (chains usable when t->oc is set). */
static int cc_tape_load(const cc_opts *o, cc_tape *t)
{
	char err[CC_ERR_LEN];
	memset(t, 0, sizeof *t);
	t->reg = td_registry_new(CC_REGISTRY_CAP);
	if (!t->reg) {
		cc_error("out of memory");
		return 1;
	}
	td_replay *r = td_replay_open(o->in, t->reg, err, sizeof err);
	if (!r) {
		cc_error("%s", err);
		return 1;
	}
	t->m = td_market_new(t->reg);
	int status = t->m ? cc_tape_replay(o, r, t->m) : 1;
	td_replay_free(r);
	if (!t->m) {
		cc_error("out of memory");
		return 1;
	}
	td_optchain_params p = {
		.rate = isnan(o->rate) ? o->session->rate : o->rate,
		.yield = isnan(o->yield) ? o->session->yield : o->yield,
		.tz = td_session_tz(o->session),
		.expiry_tod = o->session->close_tod,
	};
	t->oc = td_optchain_new(t->reg, t->m, &p, err, sizeof err);
	if (!t->oc) {
		cc_error("%s", err);
		return 1;
	}
	return status;
}

/* ---- output: CSV records and JSON objects from one description ---------------------- */

typedef struct cc_out {
	cc_fmt fmt;
	cJSON *root;        /* json: the array of chains or scans */
	bool header;        /* csv: the header line is out */
	bool names;         /* csv: this pass writes the names */
	int nf;             /* csv: fields on this line */
	cJSON *obj;         /* json: the object being filled */
} cc_out;

/* A record: fields of item i of v, through cc_str and cc_num. */
typedef void cc_rec_fn(cc_out *w, const cc_view *v, size_t i);

static void cc_csv_text(cc_out *w, const char *s)
{
	if (w->nf++)
		fputc(',', stdout);
	if (!strpbrk(s, ",\"\n\r")) {
		fputs(s, stdout);
		return;
	}
	fputc('"', stdout);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', stdout);
		fputc(*s, stdout);
	}
	fputc('"', stdout);
}

/* A string field; NULL is empty (csv) or null (json). */
static void cc_str(cc_out *w, const char *name, const char *s)
{
	if (w->fmt == CC_CSV)
		cc_csv_text(w, w->names ? name : s ? s : "");
	else if (s)
		cJSON_AddStringToObject(w->obj, name, s);
	else
		cJSON_AddNullToObject(w->obj, name);
}

/* %.10g; NaN empty, infinities "inf" and "-inf". */
static void cc_fmt_num(double v, char buf[32])
{
	if (isfinite(v))
		snprintf(buf, 32, "%.10g", v);
	else
		snprintf(buf, 32, "%s", isnan(v) ? "" : v > 0 ? "inf" : "-inf");
}

/* A number field: csv as cc_fmt_num, json a number, or null when not finite. */
static void cc_num(cc_out *w, const char *name, double v)
{
	char buf[32];
	cc_fmt_num(v, buf);
	if (w->fmt == CC_CSV) {
		cc_csv_text(w, w->names ? name : buf);
		return;
	}
	cJSON *item = isfinite(v) ? cJSON_CreateRaw(buf) : cJSON_CreateNull();
	if (!cJSON_AddItemToObject(w->obj, name, item))
		cJSON_Delete(item);
}

/* A new object appended to array (NULL when out of memory). */
static cJSON *cc_json_push(cJSON *array)
{
	cJSON *obj = cJSON_CreateObject();
	if (obj && !cJSON_AddItemToArray(array, obj)) {
		cJSON_Delete(obj);
		return NULL;
	}
	return obj;
}

/* One record: a CSV line (after the header line, the first time) or an object in array. */
static void cc_record(cc_out *w, cJSON *array, cc_rec_fn *fn, const cc_view *v, size_t i)
{
	if (w->fmt == CC_JSON) {
		w->obj = cc_json_push(array);
		fn(w, v, i);
		return;
	}
	if (!w->header) {
		w->names = true;
		w->nf = 0;
		fn(w, v, i);
		fputc('\n', stdout);
		w->names = false;
		w->header = true;
	}
	w->nf = 0;
	fn(w, v, i);
	fputc('\n', stdout);
}

/* A zeroed item of every kind a record reads, for a CSV header over an empty table. */
static const union {
	td_optrow row;
	td_chain_row stat;
	td_chain_expiry exp;
	td_chain_strike strike;
	td_chain_total total;
	td_scan_pick pick;
	td_scan_skip skip;
	td_scan_total scan;
} cc_zero;

/* The CSV header of a table with no record, so that an empty table still names its columns. */
static void cc_header_only(cc_out *w, cc_rec_fn *fn, const cc_view *v)
{
	if (w->fmt != CC_CSV || w->header)
		return;
	cc_view z = *v;
	z.cv.rows = &cc_zero.row;
	z.cv.stat_rows = &cc_zero.stat;
	z.cv.exp = &cc_zero.exp;
	z.cv.strikes = &cc_zero.strike;
	z.cv.total = &cc_zero.total;
	z.picks = &cc_zero.pick;
	z.skips = &cc_zero.skip;
	z.st = &cc_zero.scan;
	w->names = true;
	w->nf = 0;
	fn(w, &z, 0);
	fputc('\n', stdout);
	w->names = false;
	w->header = true;
}

/* ---- names and small formats ---------------------------------------------------------- */

static const char *const cc_stat_keys[TD_CHAIN_STAT_COUNT] = {
	[TD_CHAIN_STAT_PCR_OI] = "pcr_oi", [TD_CHAIN_STAT_PCR_VOLUME] = "pcr_volume",
	[TD_CHAIN_STAT_MAX_PAIN] = "max_pain", [TD_CHAIN_STAT_WALLS] = "walls", [TD_CHAIN_STAT_GEX] = "gex",
	[TD_CHAIN_STAT_DEX] = "dex", [TD_CHAIN_STAT_FLIP] = "zero_gamma", [TD_CHAIN_STAT_ATM_IV] = "atm_iv",
	[TD_CHAIN_STAT_SKEW] = "skew", [TD_CHAIN_STAT_MOVE] = "move", [TD_CHAIN_STAT_STRADDLE] = "straddle",
	[TD_CHAIN_STAT_OI_CLASS] = "oi_class", [TD_CHAIN_STAT_UNUSUAL_VOI] = "unusual_voi",
	[TD_CHAIN_STAT_UNUSUAL_HIST] = "unusual_hist",
};

static const char *const cc_oi_keys[TD_CHAIN_OI_COUNT] = {
	[TD_CHAIN_OI_LONG_BUILDUP] = "long_buildup", [TD_CHAIN_OI_SHORT_BUILDUP] = "short_buildup",
	[TD_CHAIN_OI_SHORT_COVERING] = "short_covering", [TD_CHAIN_OI_LONG_UNWINDING] = "long_unwinding",
	[TD_CHAIN_OI_UNCHANGED] = "unchanged", [TD_CHAIN_OI_MISSING] = "missing",
};

static void cc_date(int64_t days, char buf[16])
{
	int y, m, d;
	td_civil_from_days(days, &y, &m, &d);
	snprintf(buf, 16, "%04d-%02d-%02d", y, m, d);
}

/* t as local ISO-8601 with its offset, to the second. */
static void cc_local_iso(const td_session *s, td_ns t, char buf[48])
{
	int off = td_tz_offset(td_session_tz(s), t);
	td_ns local = t + (td_ns)off * TD_NS_PER_SEC;
	int64_t sec = local >= 0 ? local / TD_NS_PER_SEC : -((-local + TD_NS_PER_SEC - 1) / TD_NS_PER_SEC);
	int64_t days = sec >= 0 ? sec / 86400 : -((-sec + 86399) / 86400);
	int64_t tod = sec - days * 86400;
	char date[16];
	cc_date(days, date);
	int aoff = off < 0 ? -off : off;
	snprintf(buf, 48, "%sT%02d:%02d:%02d%c%02d:%02d", date, (int)(tod / 3600), (int)(tod / 60 % 60),
		 (int)(tod % 60), off < 0 ? '-' : '+', aoff / 3600, aoff / 60 % 60);
}

/* The contract's symbol: the tape's, or empty for a CSV chain. */
static const char *cc_symbol(const cc_view *v, const td_optrow *r)
{
	const td_instrument *ins = v->reg ? td_registry_get(v->reg, r->id) : NULL;
	return ins ? ins->symbol : "";
}

/* Names of the bits set, from name(bit), joined by sep. */
static void cc_bits(uint32_t bits, int nbits, const char *(*name)(int), const char *sep, char *buf, size_t n)
{
	size_t len = 0;
	buf[0] = '\0';
	for (int b = 0; b < nbits && len < n; b++)
		if (bits & (1u << b))
			len += (size_t)snprintf(buf + len, n - len, "%s%s", len ? sep : "", name(b));
}

/* ---- chain records ------------------------------------------------------------------------ */

static void cc_rec_contract(cc_out *w, const cc_view *v, size_t i)
{
	const td_optrow *r = &v->cv.rows[i];
	const td_chain_row *s = &v->cv.stat_rows[i];
	char date[16], flags[32];
	cc_date(r->expiry, date);
	snprintf(flags, sizeof flags, "%s%s%s", s->flags & TD_CHAIN_UNUSUAL_VOI ? "voi " : "",
		 s->flags & TD_CHAIN_UNUSUAL_HIST ? "hist " : "", s->flags & TD_CHAIN_PRICE_MID ? "mid " : "");
	if (flags[0])
		flags[strlen(flags) - 1] = '\0';
	cc_str(w, "underlying", v->name);
	cc_str(w, "symbol", cc_symbol(v, r));
	cc_str(w, "expiry", date);
	cc_str(w, "right", r->right == TD_CALL ? "call" : "put");
	cc_num(w, "strike", r->strike);
	cc_num(w, "bid", r->bid);
	cc_num(w, "ask", r->ask);
	cc_num(w, "mid", r->mid);
	cc_num(w, "last", r->last);
	cc_num(w, "volume", r->volume);
	cc_num(w, "oi", r->oi);
	cc_num(w, "T", r->T);
	cc_num(w, "iv", r->iv);
	cc_str(w, "iv_why", r->iv_why);
	cc_num(w, "delta", r->g.delta);
	cc_num(w, "gamma", r->g.gamma);
	cc_num(w, "theta", r->g.theta);
	cc_num(w, "vega", r->g.vega);
	cc_num(w, "gex", s->gex);
	cc_num(w, "dex", s->dex);
	cc_num(w, "oi_change", s->oi_change);
	cc_num(w, "price_change", s->price_change);
	cc_str(w, "oi_class", (unsigned)s->oi_class < TD_CHAIN_OI_COUNT ? cc_oi_keys[s->oi_class] : "?");
	cc_num(w, "voi", s->voi);
	cc_str(w, "flags", flags);
}

/* Walls: "strike:oi strike:oi" in csv, [{strike, oi}] in json. */
static void cc_walls(cc_out *w, const char *name, const td_chain_wall *wall, int n)
{
	if (w->fmt == CC_JSON) {
		cJSON *a = cJSON_AddArrayToObject(w->obj, name);
		for (int i = 0; i < n && a; i++) {
			cJSON *o = cc_json_push(a);
			cJSON_AddNumberToObject(o, "strike", wall[i].strike);
			cJSON_AddNumberToObject(o, "oi", wall[i].oi);
		}
		return;
	}
	char buf[TD_CHAIN_WALLS * 48] = "";
	size_t len = 0;
	for (int i = 0; i < n && !w->names; i++)
		len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%.10g:%.10g", i ? " " : "", wall[i].strike,
					wall[i].oi);
	cc_str(w, name, buf);
}

/* What each statistic left out: "stat: N (why, why); ..." in csv, {stat: {left_out, why: []}} in json. */
static void cc_gaps(cc_out *w, const td_chain_gap *gap)
{
	cJSON *obj = w->fmt == CC_JSON ? cJSON_AddObjectToObject(w->obj, "gaps") : NULL;
	char buf[2048] = "", why[512];
	size_t len = 0;
	for (int s = 0; s < TD_CHAIN_STAT_COUNT && !w->names; s++) {
		if (!gap[s].n && !gap[s].why)
			continue;
		cc_bits(gap[s].why, TD_CHAIN_WHY_COUNT, td_chain_why_name, ", ", why, sizeof why);
		if (obj) {
			cJSON *g = cJSON_AddObjectToObject(obj, cc_stat_keys[s]);
			cJSON_AddNumberToObject(g, "left_out", gap[s].n);
			cJSON *a = cJSON_AddArrayToObject(g, "why");
			for (int b = 0; b < TD_CHAIN_WHY_COUNT && a; b++)
				if (gap[s].why & (1u << b))
					cJSON_AddItemToArray(a, cJSON_CreateString(td_chain_why_name(b)));
		} else if (len < sizeof buf) {
			len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%s: %u (%s)", len ? "; " : "",
						cc_stat_keys[s], (unsigned)gap[s].n, why);
		}
	}
	if (!obj)
		cc_str(w, "gaps", buf);
}

/* OI build-up counts, one field per class. */
static void cc_oi_counts(cc_out *w, const uint32_t *count)
{
	char name[40];
	for (int k = 0; k < TD_CHAIN_OI_COUNT; k++) {
		snprintf(name, sizeof name, "oi_%s", cc_oi_keys[k]);
		cc_num(w, name, count[k]);
	}
}

static void cc_rec_expiry(cc_out *w, const cc_view *v, size_t i)
{
	const td_chain_expiry *e = &v->cv.exp[i];
	char date[16];
	cc_date(e->expiry, date);
	cc_str(w, "underlying", v->name);
	cc_str(w, "expiry", date);
	cc_num(w, "T", e->T);
	cc_num(w, "dte", 365.0 * e->T);
	cc_num(w, "forward", e->forward);
	cc_num(w, "contracts", e->contracts);
	cc_num(w, "strikes", e->strikes);
	cc_num(w, "call_oi", e->call_oi);
	cc_num(w, "put_oi", e->put_oi);
	cc_num(w, "call_volume", e->call_volume);
	cc_num(w, "put_volume", e->put_volume);
	cc_num(w, "pcr_oi", e->pcr_oi);
	cc_num(w, "pcr_volume", e->pcr_volume);
	cc_num(w, "max_pain", e->max_pain);
	cc_num(w, "max_pain_payout", e->max_pain_payout);
	cc_walls(w, "support", e->support, e->n_support);
	cc_walls(w, "resistance", e->resistance, e->n_resistance);
	cc_num(w, "atm_iv", e->atm_iv);
	cc_num(w, "atm_k_lo", e->atm_k_lo);
	cc_num(w, "atm_k_hi", e->atm_k_hi);
	cc_num(w, "iv25_call", e->iv25_call);
	cc_num(w, "iv25_put", e->iv25_put);
	cc_num(w, "rr25", e->rr25);
	cc_num(w, "bf25", e->bf25);
	cc_num(w, "move", e->move);
	cc_num(w, "straddle", e->straddle);
	cc_num(w, "straddle_strike", e->straddle_strike);
	cc_num(w, "gex", e->gex);
	cc_num(w, "gex_call", e->gex_call);
	cc_num(w, "gex_put", e->gex_put);
	cc_num(w, "dex", e->dex);
	cc_oi_counts(w, e->oi_class);
	cc_gaps(w, e->gap);
}

static void cc_rec_strike(cc_out *w, const cc_view *v, size_t i)
{
	const td_chain_strike *k = &v->cv.strikes[i];
	cc_str(w, "underlying", v->name);
	cc_num(w, "strike", k->strike);
	cc_num(w, "call_oi", k->call_oi);
	cc_num(w, "put_oi", k->put_oi);
	cc_num(w, "gex_call", k->gex_call);
	cc_num(w, "gex_put", k->gex_put);
	cc_num(w, "gex", k->gex);
	cc_num(w, "dex", k->dex);
	cc_num(w, "missing", k->missing);
}

/* The chain as a whole: the JSON chain object's own fields, or one CSV line. */
static void cc_rec_total(cc_out *w, const cc_view *v, size_t i)
{
	(void)i;
	const td_chainview *cv = &v->cv;
	const td_chain_total *t = cv->total;
	const td_chain_flip *f = &t->flip;
	char at[48], why[256];
	cc_local_iso(v->session, cv->computed, at);
	cc_bits(t->gap[TD_CHAIN_STAT_FLIP].why, TD_CHAIN_WHY_COUNT, td_chain_why_name, ", ", why, sizeof why);
	cc_str(w, "underlying", v->name);
	cc_str(w, "model", td_optchain_model_name(cv->model));
	cc_num(w, "spot", cv->spot);
	cc_num(w, "rate", cv->rate);
	cc_num(w, "yield", cv->yield);
	cc_num(w, "multiplier", cv->multiplier);
	cc_str(w, "at", at);
	cc_num(w, "n_contracts", t->contracts);
	cc_num(w, "used", t->used);
	cc_num(w, "rejected", t->rejected);
	cc_num(w, "duplicates", t->duplicates);
	cc_num(w, "no_iv", cv->no_iv);
	cc_num(w, "call_oi", t->call_oi);
	cc_num(w, "put_oi", t->put_oi);
	cc_num(w, "call_volume", t->call_volume);
	cc_num(w, "put_volume", t->put_volume);
	cc_num(w, "pcr_oi", t->pcr_oi);
	cc_num(w, "pcr_volume", t->pcr_volume);
	cc_num(w, "gex", t->gex);
	cc_num(w, "gex_call", t->gex_call);
	cc_num(w, "gex_put", t->gex_put);
	cc_num(w, "dex", t->dex);
	cc_num(w, "zero_gamma", f->spot);
	cc_str(w, "zero_gamma_why", isnan(f->spot) ? why : NULL);
	cc_num(w, "zero_gamma_lo", f->lo);
	cc_num(w, "zero_gamma_hi", f->hi);
	cc_num(w, "zero_gamma_crossings", f->crossings);
	cc_num(w, "iv30", cv->iv30);
	cc_str(w, "iv30_why", isnan(cv->iv30) ? "no ATM IV in any expiry" : NULL);
	cc_num(w, "iv_rank", cv->ivr.rank);
	cc_str(w, "iv_rank_why", cv->ivr.why);
	cc_oi_counts(w, t->oi_class);
	cc_num(w, "unusual_voi", t->unusual_voi);
	cc_num(w, "unusual_hist", t->unusual_hist);
	cc_gaps(w, t->gap);
}

/* ---- chain text -------------------------------------------------------------------------- */

/* printf one table row and a newline, without the blanks an empty last column leaves. */
static void cc_row_out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void cc_row_out(const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	size_t n = strlen(line);
	while (n && line[n - 1] == ' ')
		line[--n] = '\0';
	puts(line);
}

/* %.*g, or "-" for NaN. */
static const char *cc_tx(double v, int prec, char buf[32])
{
	if (isnan(v))
		return "-";
	snprintf(buf, 32, "%.*g", prec, v);
	return buf;
}

/* The reason a statistic is NaN: its gap's reasons, or "" when it has a value. */
static const char *cc_tx_why(double v, const td_chain_gap *g, char buf[256])
{
	char why[200];
	if (!isnan(v))
		return "";
	cc_bits(g->why, TD_CHAIN_WHY_COUNT, td_chain_why_name, ", ", why, sizeof why);
	snprintf(buf, 256, " (%s)", why[0] ? why : "no data");
	return buf;
}

static void cc_text_walls(const char *label, const td_chain_wall *wall, int n)
{
	printf("  %s", label);
	if (n == 0)
		fputs(" -", stdout);
	for (int i = 0; i < n; i++)
		printf("%s %.10g (%.10g)", i ? "," : "", wall[i].strike, wall[i].oi);
}

static void cc_text_oi(const uint32_t *count)
{
	printf("OI build-up:");
	for (int k = 0; k < TD_CHAIN_OI_COUNT; k++)
		printf("%s %s %u", k ? "," : "", td_chain_oi_class_name((td_chain_oi_class)k), (unsigned)count[k]);
	fputc('\n', stdout);
}

static void cc_text_totals(const cc_view *v)
{
	const td_chainview *cv = &v->cv;
	const td_chain_total *t = cv->total;
	const td_chain_flip *f = &t->flip;
	char at[48], a[32], b[32], c[32], d[32], why[256];
	cc_local_iso(v->session, cv->computed, at);
	printf("%s: %s, spot %s, rate %.6g, yield %.6g, multiplier %.10g, at %s\n", v->name,
	       td_optchain_model_name(cv->model), cc_tx(cv->spot, 10, a), cv->rate, cv->yield, cv->multiplier, at);
	printf("  contracts %u: used %u, rejected %u, duplicates %u, without IV %u\n", (unsigned)t->contracts,
	       (unsigned)t->used, (unsigned)t->rejected, (unsigned)t->duplicates, (unsigned)cv->no_iv);
	printf("  PCR OI %s (put %.10g / call %.10g)", cc_tx(t->pcr_oi, 6, a), t->put_oi, t->call_oi);
	printf("  PCR volume %s (put %.10g / call %.10g)\n", cc_tx(t->pcr_volume, 6, b), t->put_volume, t->call_volume);
	printf("  GEX %s (calls %s, puts %s)  DEX %s\n", cc_tx(t->gex, 6, a), cc_tx(t->gex_call, 6, b),
	       cc_tx(t->gex_put, 6, c), cc_tx(t->dex, 6, d));
	printf("  zero gamma %s%s, searched %s to %s, %d sign change%s\n", cc_tx(f->spot, 6, a),
	       cc_tx_why(f->spot, &t->gap[TD_CHAIN_STAT_FLIP], why), cc_tx(f->lo, 6, b), cc_tx(f->hi, 6, c),
	       f->crossings, f->crossings == 1 ? "" : "s");
	printf("  IV30 %s%s  IV rank %s%s%s%s\n", cc_tx(cv->iv30, 6, a), isnan(cv->iv30) ? " (no ATM IV)" : "",
	       cc_tx(cv->ivr.rank, 4, b), cv->ivr.why ? " (" : "", cv->ivr.why ? cv->ivr.why : "",
	       cv->ivr.why ? ")" : "");
	printf("  ");
	cc_text_oi(t->oi_class);
	printf("  unusual: volume/OI %u, volume vs history %u\n", (unsigned)t->unusual_voi, (unsigned)t->unusual_hist);
}

static void cc_text_expiry(const td_chain_expiry *e)
{
	char date[16], a[32], b[32], c[32], d[32], f[32], w1[256], w2[256], w3[256];
	const td_chain_gap *g = e->gap;
	cc_date(e->expiry, date);
	printf("\n  expiry %s: T %s (%s days), forward %s, %u contracts, %u strikes\n", date, cc_tx(e->T, 6, a),
	       cc_tx(365.0 * e->T, 4, b), cc_tx(e->forward, 8, c), (unsigned)e->contracts, (unsigned)e->strikes);
	printf("    ATM IV %s%s (strikes %s to %s)  RR25 %s%s  BF25 %s%s\n", cc_tx(e->atm_iv, 6, a),
	       cc_tx_why(e->atm_iv, &g[TD_CHAIN_STAT_ATM_IV], w1), cc_tx(e->atm_k_lo, 8, b), cc_tx(e->atm_k_hi, 8, c),
	       cc_tx(e->rr25, 6, d), cc_tx_why(e->rr25, &g[TD_CHAIN_STAT_SKEW], w2), cc_tx(e->bf25, 6, f),
	       cc_tx_why(e->bf25, &g[isnan(e->atm_iv) ? TD_CHAIN_STAT_ATM_IV : TD_CHAIN_STAT_SKEW], w3));
	printf("    PCR OI %s%s  PCR volume %s%s  max pain %s%s (payout %s)\n", cc_tx(e->pcr_oi, 6, a),
	       cc_tx_why(e->pcr_oi, &g[TD_CHAIN_STAT_PCR_OI], w1), cc_tx(e->pcr_volume, 6, b),
	       cc_tx_why(e->pcr_volume, &g[TD_CHAIN_STAT_PCR_VOLUME], w2), cc_tx(e->max_pain, 8, c),
	       cc_tx_why(e->max_pain, &g[TD_CHAIN_STAT_MAX_PAIN], w3), cc_tx(e->max_pain_payout, 8, d));
	printf("  ");
	cc_text_walls("support", e->support, e->n_support);
	cc_text_walls("  resistance", e->resistance, e->n_resistance);
	fputc('\n', stdout);
	printf("    expected move %s%s  straddle %s%s at %s\n", cc_tx(e->move, 6, a),
	       cc_tx_why(e->move, &g[TD_CHAIN_STAT_MOVE], w1), cc_tx(e->straddle, 6, b),
	       cc_tx_why(e->straddle, &g[TD_CHAIN_STAT_STRADDLE], w2), cc_tx(e->straddle_strike, 8, c));
	printf("    GEX %s (calls %s, puts %s)  DEX %s\n", cc_tx(e->gex, 6, a), cc_tx(e->gex_call, 6, b),
	       cc_tx(e->gex_put, 6, c), cc_tx(e->dex, 6, d));
	printf("    ");
	cc_text_oi(e->oi_class);
}

static void cc_text_contracts(const cc_view *v)
{
	char n[13][32];
	printf("\n  %-10s %-5s %9s %9s %9s %9s %8s %8s %10s %9s %9s %11s %8s  %s\n", "expiry", "right", "strike", "bid",
	       "ask", "mid", "iv", "delta", "gamma", "theta", "vega", "gex", "oi_chg", "flags / why no iv");
	for (size_t i = 0; i < v->cv.nrows; i++) {
		const td_optrow *r = &v->cv.rows[i];
		const td_chain_row *s = &v->cv.stat_rows[i];
		char date[16];
		cc_date(r->expiry, date);
		cc_row_out("  %-10s %-5s %9s %9s %9s %9s %8s %8s %10s %9s %9s %11s %8s  %s%s%s%s", date,
		       r->right == TD_CALL ? "call" : "put", cc_tx(r->strike, 8, n[0]), cc_tx(r->bid, 6, n[1]),
		       cc_tx(r->ask, 6, n[2]), cc_tx(r->mid, 6, n[3]), cc_tx(r->iv, 4, n[4]), cc_tx(r->g.delta, 4, n[5]),
		       cc_tx(r->g.gamma, 4, n[6]), cc_tx(r->g.theta, 4, n[7]), cc_tx(r->g.vega, 4, n[8]),
		       cc_tx(s->gex, 5, n[9]), cc_tx(s->oi_change, 6, n[10]),
		       s->flags & TD_CHAIN_UNUSUAL_VOI ? "voi " : "", s->flags & TD_CHAIN_UNUSUAL_HIST ? "hist " : "",
		       s->flags & TD_CHAIN_PRICE_MID ? "mid " : "", r->iv_why ? r->iv_why : "");
	}
}

static void cc_text_chain(const cc_view *v, bool first)
{
	if (!first)
		fputc('\n', stdout);
	cc_text_totals(v);
	for (size_t i = 0; i < v->cv.nexp; i++)
		cc_text_expiry(&v->cv.exp[i]);
	cc_text_contracts(v);
}

/* One chain in the chosen format. */
static void cc_emit_chain(cc_out *w, const cc_view *v, const cc_opts *o, bool first)
{
	if (w->fmt == CC_TEXT) {
		cc_text_chain(v, first);
		return;
	}
	if (w->fmt == CC_JSON) {
		w->obj = cc_json_push(w->root);
		cJSON *chain = w->obj;
		cc_rec_total(w, v, 0);
		cJSON *a = cJSON_AddArrayToObject(chain, "expiries");
		for (size_t i = 0; i < v->cv.nexp; i++)
			cc_record(w, a, cc_rec_expiry, v, i);
		a = cJSON_AddArrayToObject(chain, "strikes");
		for (size_t i = 0; i < v->cv.nstrikes; i++)
			cc_record(w, a, cc_rec_strike, v, i);
		a = cJSON_AddArrayToObject(chain, "contracts");
		for (size_t i = 0; i < v->cv.nrows; i++)
			cc_record(w, a, cc_rec_contract, v, i);
		return;
	}
	const char *rows = o->rows ? o->rows : "contracts";
	if (strcmp(rows, "totals") == 0)
		cc_record(w, NULL, cc_rec_total, v, 0);
	else if (strcmp(rows, "expiries") == 0)
		for (size_t i = 0; i < v->cv.nexp; i++)
			cc_record(w, NULL, cc_rec_expiry, v, i);
	else if (strcmp(rows, "strikes") == 0)
		for (size_t i = 0; i < v->cv.nstrikes; i++)
			cc_record(w, NULL, cc_rec_strike, v, i);
	else
		for (size_t i = 0; i < v->cv.nrows; i++)
			cc_record(w, NULL, cc_rec_contract, v, i);
}

/* ---- scan records ------------------------------------------------------------------------- */

/* Legs as "+P560 -P565 -C580 +C585" (bought +, sold -). */
static void cc_legs_text(const td_scan_pick *p, char *buf, size_t n)
{
	size_t len = 0;
	buf[0] = '\0';
	for (int k = 0; k < p->n_legs && len < n; k++)
		len += (size_t)snprintf(buf + len, n - len, "%s%c%c%.10g", k ? " " : "", p->legs[k].qty > 0 ? '+' : '-',
					p->legs[k].right == TD_CALL ? 'C' : 'P', p->legs[k].strike);
	if (p->shares > 0 && len < n)
		snprintf(buf + len, n - len, " +%.10g shares", p->shares);
}

static void cc_pick_flags(uint32_t flags, char *buf, size_t n)
{
	snprintf(buf, n, "%s%s%s", flags & TD_SCAN_PICK_RANK_UNKNOWN ? "rank_unknown " : "",
		 flags & TD_SCAN_PICK_RISK_PROXY ? "risk_proxy " : "", flags & TD_SCAN_PICK_NO_VOLUME ? "no_volume " : "");
	size_t len = strlen(buf);
	if (len)
		buf[len - 1] = '\0';
}

/* Legs: a string in csv, [{qty, right, strike, symbol}] in json. */
static void cc_legs(cc_out *w, const cc_view *v, const td_scan_pick *p)
{
	if (w->fmt == CC_JSON) {
		cJSON *a = cJSON_AddArrayToObject(w->obj, "legs");
		for (int k = 0; k < p->n_legs && a; k++) {
			const td_scan_leg *l = &p->legs[k];
			cJSON *o = cc_json_push(a);
			cJSON_AddNumberToObject(o, "qty", l->qty);
			cJSON_AddStringToObject(o, "right", l->right == TD_CALL ? "call" : "put");
			cJSON_AddNumberToObject(o, "strike", l->strike);
			cJSON_AddStringToObject(o, "symbol", cc_symbol(v, &v->cv.rows[l->index]));
		}
		return;
	}
	char buf[160];
	cc_legs_text(p, buf, sizeof buf);
	cc_str(w, "legs", buf);
}

static void cc_rec_pick(cc_out *w, const cc_view *v, size_t i)
{
	const td_scan_pick *p = &v->picks[i];
	char date[16], flags[64];
	cc_date(p->expiry, date);
	cc_pick_flags(p->flags, flags, sizeof flags);
	cc_str(w, "underlying", v->name);
	cc_num(w, "rank", (double)i + 1);
	cc_str(w, "strategy", td_scan_strategy_key(p->strategy));
	cc_str(w, "expiry", date);
	cc_num(w, "dte", p->dte);
	cc_legs(w, v, p);
	cc_num(w, "shares", p->shares);
	cc_num(w, "credit", p->credit);
	cc_num(w, "credit_mid", p->credit_mid);
	cc_num(w, "max_profit", p->max_profit);
	cc_num(w, "max_loss", p->max_loss);
	cc_num(w, "max_profit_money", p->max_profit_money);
	cc_num(w, "max_loss_money", p->max_loss_money);
	cc_num(w, "risk", p->risk);
	cc_num(w, "risk_money", p->risk_money);
	cc_num(w, "breakeven_lo", p->breakeven[0]);
	cc_num(w, "breakeven_hi", p->n_breakevens > 1 ? p->breakeven[1] : NAN);
	cc_num(w, "pop", p->pop);
	cc_num(w, "delta", p->delta);
	cc_num(w, "gamma", p->gamma);
	cc_num(w, "theta", p->theta);
	cc_num(w, "vega", p->vega);
	cc_num(w, "theta_vega", p->theta_vega);
	cc_num(w, "ret", p->ret);
	cc_num(w, "ret_annual", p->ret_annual);
	cc_num(w, "liquidity", p->liquidity);
	cc_num(w, "oi", p->oi);
	cc_num(w, "score", p->score);
	cc_str(w, "flags", flags);
}

/* Reasons: keys "bid|iv" in csv, an array of keys in json. */
static void cc_skip_why(cc_out *w, uint32_t why)
{
	if (w->fmt == CC_JSON) {
		cJSON *a = cJSON_AddArrayToObject(w->obj, "why");
		for (int b = 0; b < TD_SCAN_WHY_COUNT && a; b++)
			if (why & (1u << b))
				cJSON_AddItemToArray(a, cJSON_CreateString(td_scan_why_key(b)));
		return;
	}
	char buf[256];
	cc_bits(why, TD_SCAN_WHY_COUNT, td_scan_why_key, "|", buf, sizeof buf);
	cc_str(w, "why", buf);
}

static void cc_rec_skip(cc_out *w, const cc_view *v, size_t i)
{
	const td_scan_skip *s = &v->skips[i];
	const td_optrow *r = w->names ? &cc_zero.row : &v->cv.rows[s->index];
	char date[16], text[512];
	cc_date(r->expiry, date);
	cc_bits(s->why, TD_SCAN_WHY_COUNT, td_scan_why_name, ", ", text, sizeof text);
	cc_str(w, "underlying", v->name);
	cc_str(w, "symbol", cc_symbol(v, r));
	cc_str(w, "expiry", date);
	cc_str(w, "right", r->right == TD_CALL ? "call" : "put");
	cc_num(w, "strike", r->strike);
	cc_num(w, "bid", r->bid);
	cc_num(w, "ask", r->ask);
	cc_num(w, "iv", r->iv);
	cc_str(w, "iv_why", r->iv_why);
	cc_num(w, "oi", r->oi);
	cc_skip_why(w, s->why);
	cc_str(w, "reasons", text);
}

/* One strategy's candidates and what filtered them (i: the strategy). */
static void cc_rec_strategy(cc_out *w, const cc_view *v, size_t i)
{
	const td_scan_total *t = v->st;
	cc_str(w, "underlying", v->name);
	cc_str(w, "strategy", td_scan_strategy_key((td_scan_strategy)i));
	cc_str(w, "scanned", v->sp.strategies & TD_SCAN_BIT(i) ? "yes" : "no");
	cc_num(w, "candidates", t->candidates[i]);
	cc_num(w, "kept", t->kept[i]);
	for (int f = 0; f < TD_SCAN_FILTER_COUNT; f++)
		cc_num(w, td_scan_filter_key((td_scan_filter)f), t->filtered[i][f]);
}

/* The scan as a whole: the JSON scan object's own fields. */
static void cc_json_scan_head(cc_out *w, const cc_view *v)
{
	const td_scan_total *t = v->st;
	const td_scan_params *p = &v->sp;
	char at[48];
	cc_local_iso(v->session, v->cv.computed, at);
	cc_str(w, "underlying", v->name);
	cc_str(w, "model", td_optchain_model_name(v->cv.model));
	cc_num(w, "spot", v->cv.spot);
	cc_num(w, "multiplier", v->cv.multiplier);
	cc_str(w, "at", at);
	cc_num(w, "iv_rank", v->cv.ivr.rank);
	cc_str(w, "iv_rank_why", v->cv.ivr.why);
	cc_str(w, "iv_rank_filter", td_scan_ivr_name(t->ivr));
	cc_str(w, "rank_by", td_scan_rank_key(p->rank));
	cc_num(w, "dte_min", p->dte_min);
	cc_num(w, "dte_max", p->dte_max);
	cc_num(w, "short_delta_min", p->short_delta_min);
	cc_num(w, "short_delta_max", p->short_delta_max);
	cc_num(w, "liquidity_min", p->liquidity_min);
	cc_num(w, "oi_min", p->oi_min);
	cc_num(w, "n_contracts", t->contracts);
	cc_num(w, "usable", t->usable);
	cc_num(w, "n_skipped", t->skipped);
	cc_num(w, "no_volume", t->no_volume);
	cc_num(w, "expiries", t->expiries);
	cc_num(w, "candidates", t->candidates_all);
	cc_num(w, "kept", t->kept_all);
	cc_num(w, "n_picks", t->picks);
}

/* ---- scan text ------------------------------------------------------------------------------ */

static void cc_text_picks(const cc_view *v)
{
	char n[16][32], legs[160], date[16], flags[64];
	printf("\n  %3s %-18s %-10s %6s %-28s %8s %8s %9s %9s %9s %9s %6s %7s %8s %9s %9s %5s %7s %7s  %s\n", "#",
	       "strategy", "expiry", "dte", "legs", "credit", "mid", "max_prof", "max_loss", "be_lo", "be_hi", "pop",
	       "ret", "ret/yr", "theta", "vega", "liq", "oi", "score", "flags");
	for (size_t i = 0; i < v->npicks; i++) {
		const td_scan_pick *p = &v->picks[i];
		cc_date(p->expiry, date);
		cc_legs_text(p, legs, sizeof legs);
		cc_pick_flags(p->flags, flags, sizeof flags);
		cc_row_out("  %3zu %-18s %-10s %6s %-28s %8s %8s %9s %9s %9s %9s %6s %7s %8s %9s %9s %5s %7s %7s  %s", i + 1,
		       td_scan_strategy_name(p->strategy), date, cc_tx(p->dte, 4, n[0]), legs, cc_tx(p->credit, 6, n[1]),
		       cc_tx(p->credit_mid, 6, n[2]), cc_tx(p->max_profit, 6, n[3]),
		       isinf(p->max_loss) ? "inf" : cc_tx(p->max_loss, 6, n[4]), cc_tx(p->breakeven[0], 6, n[5]),
		       p->n_breakevens > 1 ? cc_tx(p->breakeven[1], 6, n[6]) : "-", cc_tx(p->pop, 4, n[7]),
		       cc_tx(p->ret, 4, n[8]), cc_tx(p->ret_annual, 4, n[9]), cc_tx(p->theta, 5, n[10]),
		       cc_tx(p->vega, 5, n[11]), cc_tx(p->liquidity, 3, n[12]), cc_tx(p->oi, 6, n[13]),
		       cc_tx(p->score, 4, n[14]), flags);
	}
}

static void cc_text_strategies(const cc_view *v)
{
	const td_scan_total *t = v->st;
	printf("\n  per strategy: candidates, kept, then filtered by");
	for (int f = 0; f < TD_SCAN_FILTER_COUNT; f++)
		printf(" %s", td_scan_filter_key((td_scan_filter)f));
	fputc('\n', stdout);
	for (int s = 0; s < TD_SCAN_STRATEGY_COUNT; s++) {
		if (!(v->sp.strategies & TD_SCAN_BIT(s)))
			continue;
		printf("    %-18s %6u %6u   ", td_scan_strategy_name((td_scan_strategy)s), (unsigned)t->candidates[s],
		       (unsigned)t->kept[s]);
		for (int f = 0; f < TD_SCAN_FILTER_COUNT; f++)
			printf(" %s %u", td_scan_filter_key((td_scan_filter)f), (unsigned)t->filtered[s][f]);
		fputc('\n', stdout);
	}
}

static void cc_text_skipped(const cc_view *v)
{
	char text[512], date[16], k[32];
	printf("\n  skipped contracts (%zu):\n", v->nskips);
	for (size_t i = 0; i < v->nskips; i++) {
		const td_optrow *r = &v->cv.rows[v->skips[i].index];
		cc_date(r->expiry, date);
		cc_bits(v->skips[i].why, TD_SCAN_WHY_COUNT, td_scan_why_name, ", ", text, sizeof text);
		printf("    %-10s %-4s %9s  %s%s%s%s\n", date, r->right == TD_CALL ? "call" : "put",
		       cc_tx(r->strike, 8, k), text, r->iv_why ? " (" : "", r->iv_why ? r->iv_why : "",
		       r->iv_why ? ")" : "");
	}
}

static void cc_text_scan(const cc_view *v, bool first)
{
	const td_scan_total *t = v->st;
	char at[48], a[32], b[32];
	cc_local_iso(v->session, v->cv.computed, at);
	if (!first)
		fputc('\n', stdout);
	printf("%s: %s, spot %s, multiplier %.10g, at %s\n", v->name, td_optchain_model_name(v->cv.model),
	       cc_tx(v->cv.spot, 10, a), v->cv.multiplier, at);
	printf("  %u contracts: %u usable, %u skipped; %u candidates, %u kept, %u picks by %s\n",
	       (unsigned)t->contracts, (unsigned)t->usable, (unsigned)t->skipped, (unsigned)t->candidates_all,
	       (unsigned)t->kept_all, (unsigned)t->picks, td_scan_rank_name(v->sp.rank));
	printf("  IV rank %s%s%s%s; IV-rank filter: %s\n", cc_tx(v->cv.ivr.rank, 4, b), v->cv.ivr.why ? " (" : "",
	       v->cv.ivr.why ? v->cv.ivr.why : "", v->cv.ivr.why ? ")" : "", td_scan_ivr_name(t->ivr));
	cc_text_picks(v);
	cc_text_strategies(v);
	cc_text_skipped(v);
}

static void cc_emit_scan(cc_out *w, const cc_view *v, const cc_opts *o, bool first)
{
	if (w->fmt == CC_TEXT) {
		cc_text_scan(v, first);
		return;
	}
	if (w->fmt == CC_JSON) {
		w->obj = cc_json_push(w->root);
		cJSON *scan = w->obj;
		cc_json_scan_head(w, v);
		cJSON *a = cJSON_AddArrayToObject(scan, "picks");
		for (size_t i = 0; i < v->npicks; i++)
			cc_record(w, a, cc_rec_pick, v, i);
		a = cJSON_AddArrayToObject(scan, "skipped");
		for (size_t i = 0; i < v->nskips; i++)
			cc_record(w, a, cc_rec_skip, v, i);
		a = cJSON_AddArrayToObject(scan, "strategies");
		for (size_t i = 0; i < TD_SCAN_STRATEGY_COUNT; i++)
			cc_record(w, a, cc_rec_strategy, v, i);
		return;
	}
	const char *rows = o->rows ? o->rows : "picks";
	if (strcmp(rows, "skipped") == 0)
		for (size_t i = 0; i < v->nskips; i++)
			cc_record(w, NULL, cc_rec_skip, v, i);
	else if (strcmp(rows, "strategies") == 0)
		for (size_t i = 0; i < TD_SCAN_STRATEGY_COUNT; i++)
			cc_record(w, NULL, cc_rec_strategy, v, i);
	else
		for (size_t i = 0; i < v->npicks; i++)
			cc_record(w, NULL, cc_rec_pick, v, i);
}

/* ---- one chain: chain or scan -------------------------------------------------------------- */

/* The header of an empty CSV table, after the last chain. */
static void cc_finish_csv(cc_out *w, const cc_view *v, const cc_opts *o)
{
	const char *rows = o->rows ? o->rows : o->cmd == CC_CHAIN ? "contracts" : "picks";
	cc_rec_fn *fn = strcmp(rows, "expiries") == 0 ? cc_rec_expiry
			: strcmp(rows, "strikes") == 0  ? cc_rec_strike
			: strcmp(rows, "totals") == 0   ? cc_rec_total
			: strcmp(rows, "skipped") == 0  ? cc_rec_skip
			: strcmp(rows, "picks") == 0    ? cc_rec_pick
			: strcmp(rows, "strategies") == 0 ? cc_rec_strategy
							  : cc_rec_contract;
	cc_header_only(w, fn, v);
}

/* The scan of v's chain, then its output; returns the status. */
static int cc_scan_chain(cc_out *w, cc_view *v, const cc_opts *o, bool first)
{
	size_t n = v->cv.nrows;
	td_scan_contract *c = malloc((n ? n : 1) * sizeof *c);
	td_scan *sc = td_scan_new(n ? n : 1, o->top);
	td_scan_params p = o->scan;
	p.top_n = o->top;
	int status = 0;
	if (!c || !sc) {
		cc_error("out of memory");
		status = 1;
	} else if (td_optchain_scan(&v->cv, c, &p, sc) < 0) {
		cc_error("%s: the scanner refused the chain: %s", v->name, td_scan_error(sc));
		status = 1;
	} else {
		v->sp = p;
		v->st = td_scan_totals(sc);
		v->picks = td_scan_picks(sc, &v->npicks);
		v->skips = td_scan_skipped(sc, &v->nskips);
		cc_emit_scan(w, v, o, first);
		if (w->fmt == CC_CSV)
			cc_finish_csv(w, v, o);
	}
	td_scan_free(sc);
	free(c);
	return status;
}

/* Show or scan one computed chain; returns the status. */
static int cc_one(cc_out *w, cc_view *v, const cc_opts *o, bool first)
{
	if (!v->cv.total) {
		cc_error("%s: the chain statistics failed", v->name);
		return 1;
	}
	if (!isnan(o->iv_rank))
		v->cv.ivr = (td_history_ivstat){ .rank = o->iv_rank, .percentile = NAN, .lo = NAN, .hi = NAN };
	else
		v->cv.ivr = (td_history_ivstat){ .rank = NAN, .percentile = NAN, .lo = NAN, .hi = NAN,
						 .why = "no history headless; --iv-rank N gives one" };
	if (o->cmd == CC_SCAN)
		return cc_scan_chain(w, v, o, first);
	cc_emit_chain(w, v, o, first);
	if (w->fmt == CC_CSV)
		cc_finish_csv(w, v, o);
	return 0;
}

/* ---- the two inputs --------------------------------------------------------------------------- */

/* Every chain of the CSV (or --underlying's); returns the status. */
static int cc_run_csv(cc_out *w, const cc_opts *o, FILE *in, char *header)
{
	cc_csv c = { 0 };
	int status = cc_csv_load(o->in, in, header, &c);
	qsort(c.rows, c.n, sizeof *c.rows, cc_in_cmp);
	bool found = false;
	for (size_t a = 0, b; a < c.n; a = b) {
		for (b = a; b < c.n && c.rows[b].und == c.rows[a].und; b++)
			;
		const cc_und *u = &c.unds[c.rows[a].und];
		if (o->underlying && strcmp(o->underlying, u->name) != 0)
			continue;
		double spot = isnan(u->spot) ? o->spot : u->spot;
		if (isnan(spot)) {
			cc_error("%s: no spot for '%s': give --spot or a spot column", o->in, u->name);
			status = 1;
			continue;
		}
		cc_calc k;
		cc_view v = { .name = u->name, .session = o->session };
		if (cc_calc_run(&k, &c.rows[a], b - a, spot, o, &v) < 0)
			status = 1;
		else if (cc_one(w, &v, o, !found))
			status = 1;
		found = true;
		cc_calc_free(&k);
	}
	if (o->underlying && !found && c.n) {
		cc_error("%s: no contracts of '%s'", o->in, o->underlying);
		status = 1;
	}
	cc_csv_free(&c);
	return status;
}

/* "A, B, C": the underlyings with options, for a message. */
static void cc_list_unds(const td_registry *reg, const uint32_t *ids, size_t n, char *buf, size_t cap)
{
	size_t len = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < n && len < cap; i++)
		len += (size_t)snprintf(buf + len, cap - len, "%s%s", i ? ", " : "", td_registry_get(reg, ids[i])->symbol);
}

/* Every chain of the tape (or --underlying's); returns the status. */
static int cc_run_tape(cc_out *w, const cc_opts *o)
{
	cc_tape t;
	int status = cc_tape_load(o, &t);
	const uint32_t *ids = NULL;
	size_t n = t.oc ? td_optchain_underlyings(t.oc, &ids) : 0;
	char list[512];
	if (t.oc && n == 0 && status == 0) {
		cc_error("%s holds no options", o->in);
		status = 1;
	}
	cc_list_unds(t.reg, ids, n, list, sizeof list);
	bool found = false;
	for (size_t i = 0; i < n; i++) {
		const td_instrument *u = td_registry_get(t.reg, ids[i]);
		if (o->underlying && strcmp(o->underlying, u->symbol) != 0)
			continue;
		cc_view v = { .name = u->symbol, .reg = t.reg, .session = o->session };
		v.cv = *td_optchain_get(t.oc, ids[i], true);
		if (cc_one(w, &v, o, !found))
			status = 1;
		found = true;
	}
	if (o->underlying && n && !found) {
		cc_error("%s has no options on '%s'; it has options on %s", o->in, o->underlying, list);
		status = 1;
	}
	cc_tape_free(&t);
	return status;
}

/* Is this a tape (by its magic) or a chain CSV (a header with a strike column)?  Reads the first line. */
static bool cc_is_chain_csv(FILE *in, char **line, size_t *cap)
{
	char magic[CC_TAPE_MAGIC_LEN];
	if (fread(magic, 1, sizeof magic, in) == sizeof magic && memcmp(magic, CC_TAPE_MAGIC, sizeof magic) == 0)
		return false;
	rewind(in);
	if (getline(line, cap, in) < 0)
		return false;
	td_chomp(*line);
	char *copy = strdup(*line);
	size_t nf = 0;
	char **f = copy ? td_split_csv(copy, &nf) : NULL;
	bool chain = false;
	for (size_t i = 0; f && i < nf; i++)
		chain |= strcmp(f[i], "strike") == 0;
	free(f);
	free(copy);
	return chain;
}

/* The input's options that do not apply to its kind; 0 or 2. */
static int cc_check_kind(const cc_opts *o, bool csv)
{
	if (csv && o->tape_only)
		return td_cli_usage_error("options", "%s is for a tape; %s is a chain CSV (use --now)", o->tape_only, o->in);
	if (!csv && o->csv_only)
		return td_cli_usage_error("options", "%s is for a chain CSV; %s is a tape (its instruments and clock decide)", o->csv_only,
				    o->in);
	return 0;
}

static int cc_print_json(cc_out *w)
{
	char *s = cJSON_Print(w->root);
	if (!s) {
		cc_error("out of memory");
		return 1;
	}
	fputs(s, stdout);
	fputc('\n', stdout);
	cJSON_free(s);
	return 0;
}

int td_options_chain_main(int argc, char **argv)
{
	setlocale(LC_NUMERIC, "C");
	cc_opts o;
	int rc = cc_parse_args(argc, argv, &o);
	if (rc)
		return rc < 0 ? 0 : rc;
	FILE *in = fopen(o.in, "r");
	if (!in) {
		cc_error("%s: %s", o.in, strerror(errno));
		return 1;
	}
	char *line = NULL;
	size_t cap = 0;
	bool csv = cc_is_chain_csv(in, &line, &cap);
	cc_out w = { .fmt = o.fmt };
	if ((rc = cc_check_kind(&o, csv)) == 0) {
		if (o.fmt == CC_JSON && !(w.root = cJSON_CreateArray())) {
			cc_error("out of memory");
			rc = 1;
		} else {
			rc = csv ? cc_run_csv(&w, &o, in, line) : cc_run_tape(&w, &o);
		}
	}
	fclose(in);
	free(line);
	if (w.root && cJSON_GetArraySize(w.root) > 0 && cc_print_json(&w))
		rc = 1;
	cJSON_Delete(w.root);
	if (fflush(stdout) != 0) {
		cc_error("writing the output: %s", strerror(errno));
		rc = rc ? rc : 1;
	}
	return rc;
}
