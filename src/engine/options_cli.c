/*
 * tapedeck options: read a CSV of contracts, price them, compute Greeks or
 * implied volatilities, and write one row per input row (CSV or JSON).
 *
 * The input is a plain comma-separated file (no quoting) with a header.
 * Each data row is checked column by column; the first problem makes it a
 * bad row: one message on stderr, the row written with its input columns,
 * empty results and the message in `error`, and the rest still computed.
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

#include <cjson/cJSON.h>

#include "core/text.h"
#include "core/time.h"
#include "engine/cli.h"
#include "engine/options_chain_cli.h"
#include "engine/options_cli.h"
#include "options/american.h"
#include "options/bsm.h"
#include "options/expiry.h"
#include "options/iv.h"
#include "options/option.h"

typedef enum { OC_PRICE, OC_IV, OC_GREEKS } oc_cmd;
typedef enum { OC_CSV, OC_JSON } oc_fmt;

/* Input columns the code reads; OC_NCOLS of them. */
enum { C_TYPE, C_STYLE, C_UNDERLYING, C_STRIKE, C_YEARS, C_EXPIRY, C_RATE, C_DIVIDEND, C_VOL, C_PRICE, OC_NCOLS };

static const char *const oc_col_names[OC_NCOLS] = {
	"type", "style", "underlying", "strike", "years", "expiry", "rate", "dividend", "vol", "price",
};

/* Result columns per subcommand (the `error` column follows them all). */
static const char *const oc_out_price[] = { "price" };
static const char *const oc_out_iv[] = { "iv", "why" };
static const char *const oc_out_greeks[] = {
	"price", "delta", "gamma", "theta", "vega", "rho", "vanna", "charm", "vomma",
};

#define OC_MAX_RES 9
#define OC_ERR_LEN 512

typedef struct oc_opts {
	oc_cmd cmd;
	const char *cmd_name;
	const char *in;
	oc_fmt fmt;
	td_ns now;
} oc_opts;

/* The header: its fields and where each known column sits (-1 absent). */
typedef struct oc_header {
	char **names;
	size_t n;
	int pos[OC_NCOLS];
} oc_header;

/* One row's results: numbers (NAN = empty) or, for iv, a reason. */
typedef struct oc_result {
	double v[OC_MAX_RES];
	const char *why;          /* iv: the reason there is no IV, else NULL */
	char err[OC_ERR_LEN];     /* empty: a good row */
} oc_result;

static void oc_usage(FILE *f)
{
	fputs("usage: tapedeck options price|iv|greeks --in FILE.csv [--format csv|json] [--now ISO-8601]\n"
	      "       tapedeck options chain|scan --in TAPE|CHAIN.csv [OPTIONS] (see 'tapedeck options chain --help')\n"
	      "\n"
	      "FILE.csv has a header with the columns type (call|put), style (european|american|black76),\n"
	      "underlying, strike, years or expiry (YYYY-MM-DD, 16:00 New York), rate, dividend (optional),\n"
	      "and vol (price, greeks) or price (iv).\n"
	      "\n"
	      "options:\n"
	      "  --in FILE            the input (required)\n"
	      "  --format csv|json    the output (default csv)\n"
	      "  --now T              the instant expiry dates count from (default: the clock)\n"
	      "\n"
	      "exit status: 0 done, 1 unreadable file or any bad row, 2 bad usage.  See doc/options.md.\n",
	      f);
}

enum { OPT_IN = 256, OPT_FORMAT, OPT_NOW, OPT_HELP };

static const struct option oc_long_opts[] = {
	{ "in", required_argument, NULL, OPT_IN },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "now", required_argument, NULL, OPT_NOW },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

/* 0 parsed, -1 help printed (exit 0), else the exit status 2. */
static int oc_parse_args(int argc, char **argv, oc_opts *o)
{
	memset(o, 0, sizeof *o);
	o->fmt = OC_CSV;
	if (argc < 2)
		return td_cli_usage_error("options", "missing subcommand: expected price, iv, greeks, chain or scan");
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		oc_usage(stdout);
		return -1;
	}
	if (strcmp(argv[1], "price") == 0)
		o->cmd = OC_PRICE;
	else if (strcmp(argv[1], "iv") == 0)
		o->cmd = OC_IV;
	else if (strcmp(argv[1], "greeks") == 0)
		o->cmd = OC_GREEKS;
	else
		return td_cli_usage_error("options", "unknown options subcommand '%s': expected price, iv, greeks, chain or scan", argv[1]);
	o->cmd_name = argv[1];

	bool have_now = false;
	int opt;
	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc - 1, argv + 1, ":h", oc_long_opts, NULL)) != -1) {
		const char *err = NULL;
		switch (opt) {
		case 'h':
		case OPT_HELP:
			oc_usage(stdout);
			return -1;
		case '?':
			return td_cli_usage_error("options", "unknown option '%s'", argv[optind]);
		case ':':
			return td_cli_usage_error("options", "option '%s' needs a value", argv[optind]);
		case OPT_IN:
			o->in = optarg;
			break;
		case OPT_FORMAT:
			if (strcmp(optarg, "csv") == 0)
				o->fmt = OC_CSV;
			else if (strcmp(optarg, "json") == 0)
				o->fmt = OC_JSON;
			else
				return td_cli_usage_error("options", "bad --format '%s': expected csv or json", optarg);
			break;
		case OPT_NOW:
			if (td_time_parse_iso(optarg, &o->now, &err) != 0)
				return td_cli_usage_error("options", "bad --now '%s': %s", optarg, err ? err : "not ISO-8601");
			have_now = true;
			break;
		default:
			return td_cli_usage_error("options", "unknown option");
		}
	}
	if (optind < argc - 1)
		return td_cli_usage_error("options", "unexpected argument '%s'", argv[optind + 1]);
	if (!o->in)
		return td_cli_usage_error("options", "options %s needs --in FILE", o->cmd_name);
	if (!have_now)
		o->now = td_now();
	return 0;
}

/* ---- input ----------------------------------------------------------------- */

static void oc_err(oc_result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void oc_err(oc_result *r, const char *fmt, ...)
{
	if (r->err[0])
		return;  /* the first problem only */
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->err, sizeof r->err, fmt, ap);
	va_end(ap);
}

/* The field of column c, or NULL (with an error) when the row is too short. */
static const char *oc_field(const oc_header *h, char **f, size_t nf, int c, oc_result *r)
{
	int p = h->pos[c];
	if (p < 0 || (size_t)p >= nf) {
		oc_err(r, "column '%s': missing", oc_col_names[c]);
		return NULL;
	}
	return f[p];
}

/* A finite number from column c, positive if asked; 0 or -1 (error set). */
static int oc_num(const oc_header *h, char **f, size_t nf, int c, bool positive, oc_result *r, double *out)
{
	const char *s = oc_field(h, f, nf, c, r);
	if (!s)
		return -1;
	if (!*s) {
		oc_err(r, "column '%s': empty", oc_col_names[c]);
		return -1;
	}
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (*end || errno == ERANGE || !isfinite(v)) {
		oc_err(r, "column '%s': bad number '%s'", oc_col_names[c], s);
		return -1;
	}
	if (positive && !(v > 0)) {
		oc_err(r, "column '%s': must be positive, not '%s'", oc_col_names[c], s);
		return -1;
	}
	*out = v;
	return 0;
}

/* Compute one data row into r (r->err set for a bad row). */
static void oc_row(const oc_opts *o, const oc_header *h, char **f, size_t nf, oc_result *r)
{
	td_opt opt = { 0 };
	const char *s;

	for (int i = 0; i < OC_MAX_RES; i++)
		r->v[i] = NAN;
	r->why = NULL;
	r->err[0] = '\0';

	if (nf > h->n) {
		oc_err(r, "%zu fields, the header has %zu", nf, h->n);
		return;
	}
	if (!(s = oc_field(h, f, nf, C_TYPE, r)))
		return;
	if (strcmp(s, "call") == 0)
		opt.right = TD_CALL;
	else if (strcmp(s, "put") == 0)
		opt.right = TD_PUT;
	else {
		oc_err(r, "column 'type': unknown type '%s' (call or put)", s);
		return;
	}
	if (!(s = oc_field(h, f, nf, C_STYLE, r)))
		return;
	if (strcmp(s, "european") == 0)
		opt.model = TD_MODEL_BSM;
	else if (strcmp(s, "american") == 0)
		opt.model = TD_MODEL_AMERICAN;
	else if (strcmp(s, "black76") == 0)
		opt.model = TD_MODEL_BLACK76;
	else {
		oc_err(r, "column 'style': unknown style '%s' (european, american or black76)", s);
		return;
	}
	if (o->cmd == OC_IV && opt.model == TD_MODEL_AMERICAN) {
		oc_err(r, "column 'style': iv supports european and black76, not american");
		return;
	}
	if (oc_num(h, f, nf, C_UNDERLYING, true, r, &opt.S) || oc_num(h, f, nf, C_STRIKE, true, r, &opt.K))
		return;

	/* T: `years` when present and not empty, else `expiry`. */
	int yp = h->pos[C_YEARS], ep = h->pos[C_EXPIRY];
	bool use_years = yp >= 0 && (ep < 0 || ((size_t)yp < nf && f[yp][0]));
	if (use_years) {
		if (oc_num(h, f, nf, C_YEARS, true, r, &opt.T))
			return;
	} else {
		if (!(s = oc_field(h, f, nf, C_EXPIRY, r)))
			return;
		int64_t days;
		const char *err = NULL;
		if (!*s) {
			oc_err(r, "column 'expiry': empty");
			return;
		}
		if (td_date_parse(s, &days, &err) != 0) {
			oc_err(r, "column 'expiry': bad date '%s'", s);
			return;
		}
		opt.T = td_expiry_years_style(o->now, days, TD_EXPIRY_US_PM);
		if (!(opt.T > 0)) {
			oc_err(r, "column 'expiry': '%s' has expired (16:00 New York, before --now)", s);
			return;
		}
	}
	if (oc_num(h, f, nf, C_RATE, false, r, &opt.r))
		return;
	if (h->pos[C_DIVIDEND] >= 0 && oc_num(h, f, nf, C_DIVIDEND, false, r, &opt.q))
		return;
	if (opt.model == TD_MODEL_BLACK76)
		opt.q = 0;

	if (o->cmd == OC_IV) {
		double price, sigma;
		const char *why = NULL;
		if (oc_num(h, f, nf, C_PRICE, false, r, &price))
			return;
		if (td_iv(&opt, price, &sigma, &why) == 0)
			r->v[0] = sigma;
		else
			r->why = why ? why : "no implied volatility";
		return;
	}

	if (oc_num(h, f, nf, C_VOL, true, r, &opt.sigma))
		return;
	td_greeks g;
	int rc;
	if (o->cmd == OC_PRICE)
		rc = opt.model == TD_MODEL_AMERICAN ? td_american_price(&opt, &g.price) : td_bsm_price(&opt, &g.price);
	else
		rc = opt.model == TD_MODEL_AMERICAN ? td_american_greeks(&opt, &g) : td_bsm_greeks(&opt, &g);
	if (rc != 0) {
		oc_err(r, "the model rejected the inputs");
		return;
	}
	r->v[0] = g.price;
	if (o->cmd == OC_GREEKS) {
		r->v[1] = g.delta;
		r->v[2] = g.gamma;
		r->v[3] = g.theta;
		r->v[4] = g.vega;
		r->v[5] = g.rho;
		r->v[6] = g.vanna;
		r->v[7] = g.charm;
		r->v[8] = g.vomma;
	}
}

/* ---- output ---------------------------------------------------------------- */

/* A CSV field, quoted when it holds a comma, quote or newline. */
static void oc_csv_field(FILE *out, const char *s, bool first)
{
	if (!first)
		fputc(',', out);
	if (!strpbrk(s, ",\"\n\r")) {
		fputs(s, out);
		return;
	}
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

static void oc_fmt_num(double v, char buf[32])
{
	if (isfinite(v))
		snprintf(buf, 32, "%.10g", v);
	else
		buf[0] = '\0';
}

int td_options_main(int argc, char **argv)
{
	if (argc >= 2 && (strcmp(argv[1], "chain") == 0 || strcmp(argv[1], "scan") == 0))
		return td_options_chain_main(argc, argv);
	setlocale(LC_NUMERIC, "C");
	oc_opts o;
	int rc = oc_parse_args(argc, argv, &o);
	if (rc)
		return rc < 0 ? 0 : rc;

	const char *const *res_names;
	size_t nres;
	switch (o.cmd) {
	case OC_PRICE:
		res_names = oc_out_price;
		nres = sizeof oc_out_price / sizeof oc_out_price[0];
		break;
	case OC_IV:
		res_names = oc_out_iv;
		nres = sizeof oc_out_iv / sizeof oc_out_iv[0];
		break;
	default:
		res_names = oc_out_greeks;
		nres = sizeof oc_out_greeks / sizeof oc_out_greeks[0];
		break;
	}

	FILE *in = fopen(o.in, "r");
	if (!in) {
		fprintf(stderr, "tapedeck: options: %s: %s\n", o.in, strerror(errno));
		return 1;
	}

	int status = 0;
	char *line = NULL, *hline = NULL;
	size_t cap = 0;
	long lineno = 0;
	oc_header h = { 0 };
	cJSON *root = NULL;
	bool *skip = NULL;
	size_t first = 0;  /* the first input column written */

	/* The header: the first line. */
	if (getline(&line, &cap, in) < 0) {
		fprintf(stderr, "tapedeck: options: %s: empty file, no header\n", o.in);
		status = 1;
		goto done;
	}
	lineno = 1;
	td_chomp(line);
	hline = strdup(line);
	if (!hline || !(h.names = td_split_csv(hline, &h.n))) {
		fprintf(stderr, "tapedeck: options: out of memory\n");
		status = 1;
		goto done;
	}
	for (int c = 0; c < OC_NCOLS; c++) {
		h.pos[c] = -1;
		for (size_t i = 0; i < h.n; i++)
			if (strcmp(h.names[i], oc_col_names[c]) == 0) {
				h.pos[c] = (int)i;
				break;
			}
	}
	{
		/* Required columns of the header. */
		int need[] = { C_TYPE, C_STYLE, C_UNDERLYING, C_STRIKE, C_RATE, o.cmd == OC_IV ? C_PRICE : C_VOL };
		for (size_t i = 0; i < sizeof need / sizeof need[0]; i++)
			if (h.pos[need[i]] < 0) {
				fprintf(stderr, "%s:1: the header has no column '%s'\n", o.in, oc_col_names[need[i]]);
				status = 1;
			}
		if (h.pos[C_YEARS] < 0 && h.pos[C_EXPIRY] < 0) {
			fprintf(stderr, "%s:1: the header has no column 'years' or 'expiry'\n", o.in);
			status = 1;
		}
		if (status)
			goto done;
	}

	/* An input column named like a result (or `error`) is replaced by it. */
	if (!(skip = calloc(h.n ? h.n : 1, sizeof *skip))) {
		fprintf(stderr, "tapedeck: options: out of memory\n");
		status = 1;
		goto done;
	}
	first = h.n;
	for (size_t i = h.n; i-- > 0;) {
		skip[i] = strcmp(h.names[i], "error") == 0;
		for (size_t k = 0; k < nres; k++)
			skip[i] |= strcmp(h.names[i], res_names[k]) == 0;
		if (!skip[i])
			first = i;
	}

	if (o.fmt == OC_CSV) {
		for (size_t i = 0; i < h.n; i++)
			if (!skip[i])
				oc_csv_field(stdout, h.names[i], i == first);
		for (size_t i = 0; i < nres; i++)
			oc_csv_field(stdout, res_names[i], first == h.n && i == 0);
		oc_csv_field(stdout, "error", false);
		fputc('\n', stdout);
	} else if (!(root = cJSON_CreateArray())) {
		fprintf(stderr, "tapedeck: options: out of memory\n");
		status = 1;
		goto done;
	}

	while (getline(&line, &cap, in) >= 0) {
		lineno++;
		td_chomp(line);
		if (!*td_trim(line))
			continue;  /* blank lines are skipped */
		size_t nf;
		char **f = td_split_csv(line, &nf);
		if (!f) {
			fprintf(stderr, "tapedeck: options: out of memory\n");
			status = 1;
			break;
		}
		oc_result r;
		oc_row(&o, &h, f, nf, &r);
		if (r.err[0]) {
			fprintf(stderr, "%s:%ld: %s\n", o.in, lineno, r.err);
			status = 1;
		}
		char num[32];
		if (o.fmt == OC_CSV) {
			for (size_t i = 0; i < h.n; i++)
				if (!skip[i])
					oc_csv_field(stdout, i < nf ? f[i] : "", i == first);
			for (size_t i = 0; i < nres; i++) {
				if (o.cmd == OC_IV && i == 1) {
					oc_csv_field(stdout, r.why ? r.why : "", false);
					continue;
				}
				oc_fmt_num(r.v[i], num);
				oc_csv_field(stdout, num, first == h.n && i == 0);
			}
			oc_csv_field(stdout, r.err, false);
			fputc('\n', stdout);
		} else {
			cJSON *obj = cJSON_CreateObject();
			if (!obj || !cJSON_AddItemToArray(root, obj)) {
				cJSON_Delete(obj);
				free(f);
				fprintf(stderr, "tapedeck: options: out of memory\n");
				status = 1;
				break;
			}
			for (size_t i = 0; i < h.n; i++)
				if (skip[i])
					continue;
				else if (i < nf)
					cJSON_AddStringToObject(obj, h.names[i], f[i]);
				else
					cJSON_AddNullToObject(obj, h.names[i]);
			for (size_t i = 0; i < nres; i++) {
				if (o.cmd == OC_IV && i == 1) {
					if (r.why)
						cJSON_AddStringToObject(obj, "why", r.why);
					else
						cJSON_AddNullToObject(obj, "why");
					continue;
				}
				oc_fmt_num(r.v[i], num);
				if (num[0])
					cJSON_AddItemToObject(obj, res_names[i], cJSON_CreateRaw(num));
				else
					cJSON_AddNullToObject(obj, res_names[i]);
			}
			if (r.err[0])
				cJSON_AddStringToObject(obj, "error", r.err);
			else
				cJSON_AddNullToObject(obj, "error");
		}
		free(f);
	}
	if (ferror(in)) {
		fprintf(stderr, "tapedeck: options: %s: read error\n", o.in);
		status = 1;
	}
	if (root) {
		char *s = cJSON_Print(root);
		if (s) {
			fputs(s, stdout);
			fputc('\n', stdout);
			cJSON_free(s);
		} else {
			fprintf(stderr, "tapedeck: options: out of memory\n");
			status = 1;
		}
	}
	if (fflush(stdout) != 0) {
		fprintf(stderr, "tapedeck: options: writing the output: %s\n", strerror(errno));
		status = 1;
	}

done:
	cJSON_Delete(root);
	free(skip);
	free(h.names);
	free(hline);
	free(line);
	fclose(in);
	return status;
}
