/*
 * tapedeck report: see report_cli.h.
 *
 * The order manager itself replays the journal (td_oms_open), so a report
 * finds the positions and deals the workstation would.  But opening a
 * journal may write to it: a torn last record is cut off, a missing file
 * is created, orders working at the stop are cancelled with new records,
 * and the file is locked while open.  A report must leave the journal
 * exactly as it is (the workstation may have it open meanwhile), so the
 * manager replays a private copy (mkostemp, mode 0600, under $TMPDIR or
 * /tmp) that is deleted as soon as it has been read.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "core/config.h"
#include "core/instrument.h"
#include "core/session.h"
#include "core/text.h"
#include "core/time.h"
#include "engine/cli.h"
#include "engine/market.h"
#include "engine/report_cli.h"
#include "engine/source.h"
#include "oms/oms.h"

#define RP_REGISTRY_CAP 8192   /* the engine's: room for every instrument a source lists */
#define RP_PATH_MAX 1024
#define RP_ERR_LEN 1400

typedef enum { RP_DEALS, RP_POSITIONS } rp_cmd;
typedef enum { RP_TEXT, RP_CSV, RP_JSON } rp_fmt;

typedef struct rp_opts {
	rp_cmd cmd;
	const char *journal, *market, *config;
	const char *from_arg, *to_arg;   /* NULL when not given */
	int64_t from_days, to_days;      /* local dates, days since the epoch */
	rp_fmt fmt;
} rp_opts;

/* What a report reads: the market's instruments and the replayed journal. */
typedef struct rp_ctx {
	td_config cfg;
	td_registry *reg;
	td_source src;
	td_market *m;
	td_oms *oms;
	const td_tz *tz;
	char journal[RP_PATH_MAX];
} rp_ctx;

/* ---- usage and messages ------------------------------------------------------ */

static void rp_usage(FILE *f)
{
	fputs("usage: tapedeck report deals|positions [OPTIONS]\n"
	      "\n"
	      "The closed round trips (deals) or the positions the order journal holds.\n"
	      "The journal is read, never written.\n"
	      "\n"
	      "options:\n"
	      "  --journal FILE        the order journal (default: orders.journal of the\n"
	      "                        configuration, else $XDG_STATE_HOME/tapedeck/orders.journal)\n"
	      "  --market us|in        the market whose instruments the journal names\n"
	      "  --config FILE         read FILE after the user config\n"
	      "  --from YYYY-MM-DD     deals: only those closed on or after this day\n"
	      "  --to YYYY-MM-DD       deals: only those closed on or before this day\n"
	      "                        (days in the market's time zone)\n"
	      "  --format text|csv|json  the output (default text)\n"
	      "\n"
	      "exit status: 0 reported, 1 unreadable or damaged journal, 2 bad usage.\n"
	      "See doc/orders.md, \"Reports\".\n",
	      f);
}

/* Report an error that ends the report; returns the exit status 1. */
static int rp_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int rp_fail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("tapedeck: report: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	return 1;
}

/* ---- arguments ----------------------------------------------------------------- */

enum { OPT_JOURNAL = 256, OPT_MARKET, OPT_CONFIG, OPT_FROM, OPT_TO, OPT_FORMAT, OPT_HELP };

static const struct option rp_long_opts[] = {
	{ "journal", required_argument, NULL, OPT_JOURNAL },
	{ "market", required_argument, NULL, OPT_MARKET },
	{ "config", required_argument, NULL, OPT_CONFIG },
	{ "from", required_argument, NULL, OPT_FROM },
	{ "to", required_argument, NULL, OPT_TO },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

/* A --from or --to date into *days; 0, or the exit status 2. */
static int rp_date(const char *opt, const char *arg, int64_t *days)
{
	const char *why = NULL;
	if (td_date_parse(arg, days, &why) != 0)
		return td_cli_usage_error("report", "bad %s '%s': %s", opt, arg, why ? why : "expected YYYY-MM-DD");
	return 0;
}

/* One option into o; 0, -1 after --help, else the exit status 2. */
static int rp_option(int opt, rp_opts *o)
{
	switch (opt) {
	case 'h':
	case OPT_HELP:
		rp_usage(stdout);
		return -1;
	case OPT_JOURNAL: o->journal = optarg; return 0;
	case OPT_CONFIG: o->config = optarg; return 0;
	case OPT_MARKET:
		if (!td_session_find(optarg))
			return td_cli_usage_error("report", "bad --market '%s': expected us or in", optarg);
		o->market = optarg;
		return 0;
	case OPT_FROM: o->from_arg = optarg; return rp_date("--from", optarg, &o->from_days);
	case OPT_TO: o->to_arg = optarg; return rp_date("--to", optarg, &o->to_days);
	case OPT_FORMAT:
		if (strcmp(optarg, "text") == 0)
			o->fmt = RP_TEXT;
		else if (strcmp(optarg, "csv") == 0)
			o->fmt = RP_CSV;
		else if (strcmp(optarg, "json") == 0)
			o->fmt = RP_JSON;
		else
			return td_cli_usage_error("report", "bad --format '%s': expected text, csv or json", optarg);
		return 0;
	}
	return td_cli_usage_error("report", "unknown option");
}

/* 0 parsed, -1 help printed (exit 0), else the exit status 2. */
static int rp_parse_args(int argc, char **argv, rp_opts *o)
{
	memset(o, 0, sizeof *o);
	o->fmt = RP_TEXT;
	if (argc < 2)
		return td_cli_usage_error("report", "missing subcommand: expected deals or positions");
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		rp_usage(stdout);
		return -1;
	}
	if (strcmp(argv[1], "deals") == 0)
		o->cmd = RP_DEALS;
	else if (strcmp(argv[1], "positions") == 0)
		o->cmd = RP_POSITIONS;
	else
		return td_cli_usage_error("report", "unknown report '%s': expected deals or positions", argv[1]);

	int opt;
	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc - 1, argv + 1, ":h", rp_long_opts, NULL)) != -1) {
		if (opt == '?')
			return td_cli_usage_error("report", "unknown option '%s'", argv[optind]);
		if (opt == ':')
			return td_cli_usage_error("report", "option '%s' needs a value", argv[optind]);
		int rc = rp_option(opt, o);
		if (rc)
			return rc;
	}
	if (optind < argc - 1)
		return td_cli_usage_error("report", "unexpected argument '%s'", argv[optind + 1]);
	if (o->cmd == RP_POSITIONS && (o->from_arg || o->to_arg))
		return td_cli_usage_error("report", "%s: positions are as of the end of the journal; --from and --to select deals",
				    o->from_arg ? "--from" : "--to");
	if (o->from_arg && o->to_arg && o->from_days > o->to_days)
		return td_cli_usage_error("report", "--from %s is after --to %s", o->from_arg, o->to_arg);
	return 0;
}

/* ---- opening: configuration, market, journal ------------------------------------ */

/* The configuration as the workstation reads it: defaults, the user's file, --config, --market.  0 or 1. */
static int rp_config(const rp_opts *o, td_config *cfg)
{
	char path[512], err[600];
	td_config_defaults(cfg);
	if (td_config_user_path(path, sizeof path) == 0 && td_config_load(cfg, path, err, sizeof err) == -1)
		return rp_fail("%s", err);
	if (o->config && td_config_load(cfg, o->config, err, sizeof err) != 0)
		return rp_fail("%s", err);
	if (o->market && td_config_set(cfg, "market", o->market, err, sizeof err) < 0)
		return rp_fail("%s", err);
	return 0;
}

/* The journal a report reads: --journal, else orders.journal, else the default.  0 or 1. */
static int rp_journal_path(const rp_opts *o, rp_ctx *x)
{
	const char *p = o->journal ? o->journal : x->cfg.journal[0] ? x->cfg.journal : NULL;
	if (!p) {
		if (td_journal_default_path(x->journal, sizeof x->journal) < 0)
			return rp_fail("no state directory for the order journal (set HOME or use --journal)");
		return 0;
	}
	if (td_strlcpy(x->journal, p, sizeof x->journal) >= sizeof x->journal)
		return rp_fail("%s: path too long", p);
	return 0;
}

/* Copy every byte of in to out; 0, or -1 with errno and *reading saying which side failed. */
static int rp_copy_fd(int in, int out, bool *reading)
{
	char buf[65536];
	for (;;) {
		*reading = true;
		ssize_t n = read(in, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -1 : 0;
		*reading = false;
		for (ssize_t done = 0; done < n;) {
			ssize_t w = write(out, buf + done, (size_t)(n - done));
			if (w < 0 && errno != EINTR)
				return -1;
			done += w > 0 ? w : 0;
		}
	}
}

/*
 * Copy the regular file at path into a new private file (mode 0600) whose
 * name goes to tmp.  0, or -1 with err (and no file left behind).
 */
static int rp_copy(const char *path, char *tmp, size_t tmplen, char *err, size_t errlen)
{
	const char *dir = getenv("TMPDIR");
	dir = dir && *dir ? dir : "/tmp";
	tmp[0] = '\0';
	/* O_NONBLOCK: a FIFO in the journal's place must not hang the report */
	int in = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (in < 0)
		return td_errf(err, errlen, "%s: %s", path, strerror(errno));
	struct stat st;
	const char *bad = fstat(in, &st) != 0 ? strerror(errno) : !S_ISREG(st.st_mode) ? "not a regular file" : NULL;
	if (bad) {
		close(in);
		return td_errf(err, errlen, "%s: %s", path, bad);
	}
	int len = snprintf(tmp, tmplen, "%s/tapedeck-report.XXXXXX", dir);
	int out = len > 0 && (size_t)len < tmplen ? mkostemp(tmp, O_CLOEXEC) : -1;
	if (out < 0) {
		close(in);
		tmp[0] = '\0';
		return td_errf(err, errlen, "cannot make a private copy of the journal in %s: %s", dir,
			       len > 0 && (size_t)len < tmplen ? strerror(errno) : "path too long");
	}
	bool reading = false;
	int rc = rp_copy_fd(in, out, &reading);
	int e = errno;
	close(in);
	if (close(out) != 0 && rc == 0) {
		rc = -1;
		e = errno;
	}
	if (rc == 0)
		return 0;
	unlink(tmp);
	tmp[0] = '\0';
	return reading ? td_errf(err, errlen, "%s: read error: %s", path, strerror(e))
		       : td_errf(err, errlen, "cannot write the private copy of the journal in %s: %s", dir,
				 strerror(e));
}

/* A message of the journal, which names the private copy, as the journal's own. */
static void rp_note(const rp_ctx *x, const char *tmp, const char *msg)
{
	size_t n = strlen(tmp);
	if (n && strncmp(msg, tmp, n) == 0)
		fprintf(stderr, "tapedeck: report: %s%s\n", x->journal, msg + n);
	else
		fprintf(stderr, "tapedeck: report: %s\n", msg);
}

/* ---- the broker of a report: it never trades ------------------------------------ */

static int rp_no_place(void *b, const td_order *o, char *err, size_t errlen)
{
	(void)b;
	(void)o;
	return td_errf(err, errlen, "a report never trades");
}

static int rp_no_modify(void *b, const char *id, int64_t qty, td_ticks limit, td_ticks stop, char *err,
			size_t errlen)
{
	(void)b;
	(void)id;
	(void)qty;
	(void)limit;
	(void)stop;
	return td_errf(err, errlen, "a report never trades");
}

static int rp_no_cancel(void *b, const char *id, char *err, size_t errlen)
{
	(void)b;
	(void)id;
	return td_errf(err, errlen, "a report never trades");
}

static void rp_no_market(void *b, const td_event *ev)
{
	(void)b;
	(void)ev;
}

static size_t rp_no_poll(void *b, td_broker_ev *out, size_t max)
{
	(void)b;
	(void)out;
	(void)max;
	return 0;
}

static int rp_no_account(void *b, td_broker_account *out)
{
	(void)b;
	(void)out;
	return -1;
}

static void rp_no_free(void *b)
{
	(void)b;
}

static const td_broker_ops rp_broker_ops = {
	.name = "report", .place = rp_no_place, .modify = rp_no_modify, .cancel = rp_no_cancel,
	.on_market = rp_no_market, .poll = rp_no_poll, .account = rp_no_account, .free = rp_no_free,
};

/* Replay a private copy of the journal into x->oms.  0 or 1. */
static int rp_replay(rp_ctx *x)
{
	char tmp[RP_PATH_MAX], err[RP_ERR_LEN];
	if (rp_copy(x->journal, tmp, sizeof tmp, err, sizeof err) < 0)
		return rp_fail("%s", err);
	td_oms_params p = { .reg = x->reg, .m = x->m, .capital = (double)x->cfg.capital, .journal = tmp,
			    .broker = { .ops = &rp_broker_ops, .impl = NULL } };
	td_oms_recovery rec;
	x->oms = td_oms_open(&p, &rec, err, sizeof err);
	unlink(tmp);
	if (!x->oms) {
		rp_note(x, tmp, err);
		return 1;
	}
	if (rec.tail == TD_JOURNAL_DAMAGED) {
		rp_note(x, tmp, rec.msg);
		return 1;
	}
	if (rec.tail == TD_JOURNAL_TORN)
		rp_note(x, tmp, rec.msg);
	if (rec.unknown)
		fprintf(stderr, "tapedeck: report: %zu of the journal's orders name instruments market '%s' does not list; "
			"their fills are left out\n", rec.unknown, x->cfg.market);
	return 0;
}

/* Everything a report reads; 0, or the exit status (x is then closed by rp_close). */
static int rp_open(rp_ctx *x, const rp_opts *o)
{
	char err[RP_ERR_LEN];
	memset(x, 0, sizeof *x);
	int rc = rp_config(o, &x->cfg);
	if (rc || (rc = rp_journal_path(o, x)))
		return rc;
	if (!(x->reg = td_registry_new(RP_REGISTRY_CAP)))
		return rp_fail("out of memory");
	if (td_source_open(&x->cfg, x->reg, &x->src, err, sizeof err) < 0)
		return rp_fail("the market's instruments: %s", err);
	x->tz = td_session_tz(x->src.session);
	if (!(x->m = td_market_new(x->reg)))
		return rp_fail("out of memory");
	return rp_replay(x);
}

static void rp_close(rp_ctx *x)
{
	td_oms_close(x->oms);
	td_market_free(x->m);
	td_source_close(&x->src);
	td_registry_free(x->reg);
}

/* ---- tables ---------------------------------------------------------------------- */

typedef enum { RK_STR, RK_TIME, RK_QTY, RK_PRICE, RK_MONEY, RK_PCT } rp_kind;

typedef struct rp_col {
	const char *key;    /* the CSV header and the JSON key */
	const char *title;  /* the text header */
	rp_kind kind;
} rp_col;

typedef struct rp_cell {
	double v;           /* numbers; NaN = none */
	td_ns t;            /* RK_TIME */
	int scale;          /* RK_PRICE: the instrument's decimals, for text */
	char s[48];         /* RK_STR */
} rp_cell;

typedef struct rp_table {
	const rp_col *cols;
	size_t ncols, nrows;
	rp_cell *cells;     /* nrows x ncols, row by row */
	const char *noun, *nouns;  /* what a row is, one and many, for the text totals */
	const td_tz *tz;
} rp_table;

enum { D_SOURCE, D_SYMBOL, D_SIDE, D_EQTY, D_EPX, D_ETIME, D_XQTY, D_XPX, D_XTIME, D_GROSS, D_CHARGES, D_NET,
       D_PCT, D_CLOSED, D_NCOLS };

#define RP_MAX_COLS D_NCOLS   /* the widest table's */

static const rp_col rp_deal_cols[D_NCOLS] = {
	[D_SOURCE] = { "source", "source", RK_STR },
	[D_SYMBOL] = { "symbol", "symbol", RK_STR },
	[D_SIDE] = { "side", "side", RK_STR },
	[D_EQTY] = { "entry_qty", "entry qty", RK_QTY },
	[D_EPX] = { "entry_price", "entry price", RK_PRICE },
	[D_ETIME] = { "entry_time", "entry time", RK_TIME },
	[D_XQTY] = { "exit_qty", "exit qty", RK_QTY },
	[D_XPX] = { "exit_price", "exit price", RK_PRICE },
	[D_XTIME] = { "exit_time", "exit time", RK_TIME },
	[D_GROSS] = { "gross_pnl", "gross P&L", RK_MONEY },
	[D_CHARGES] = { "charges", "charges", RK_MONEY },
	[D_NET] = { "net_pnl", "net P&L", RK_MONEY },
	[D_PCT] = { "net_pct", "net %", RK_PCT },
	[D_CLOSED] = { "closed_by", "closed by", RK_STR },
};

enum { P_SYMBOL, P_QTY, P_AVG, P_REALISED, P_FEES, P_NCOLS };

static const rp_col rp_pos_cols[P_NCOLS] = {
	[P_SYMBOL] = { "symbol", "symbol", RK_STR },
	[P_QTY] = { "qty", "qty", RK_QTY },
	[P_AVG] = { "avg_price", "avg price", RK_PRICE },
	[P_REALISED] = { "realised_pnl", "realised P&L", RK_MONEY },
	[P_FEES] = { "fees", "fees", RK_MONEY },
};

/* Room for rows rows of t's columns, every cell empty; 0 or -1. */
static int rp_table_alloc(rp_table *t, size_t rows)
{
	t->nrows = rows;
	t->cells = calloc(rows * t->ncols + 1, sizeof *t->cells);  /* + 1: a block even without rows */
	if (!t->cells)
		return -1;
	for (size_t i = 0; i < rows * t->ncols; i++)
		t->cells[i].v = NAN;
	return 0;
}

static void rp_str(rp_cell *c, const char *s)
{
	td_strlcpy(c->s, s, sizeof c->s);
}

static void rp_price(rp_cell *c, double v, const td_instrument *ins)
{
	c->v = v;
	c->scale = ins ? ins->px.scale : 2;
}

/* A deal's row; its source is the strategy or source of the order that opened it ("manual" from a ticket). */
static void rp_deal_row(const rp_ctx *x, const td_deal *d, rp_cell *c)
{
	const td_instrument *ins = td_registry_get(x->reg, d->instr);
	rp_str(&c[D_SOURCE], d->source[0] ? d->source : "manual");
	rp_str(&c[D_SYMBOL], ins ? ins->symbol : "?");
	rp_str(&c[D_SIDE], d->side > 0 ? "long" : "short");
	c[D_EQTY].v = d->entry_qty;
	rp_price(&c[D_EPX], d->entry_px, ins);
	c[D_ETIME].t = d->entry_ns;
	c[D_XQTY].v = d->exit_qty;
	rp_price(&c[D_XPX], d->exit_px, ins);
	c[D_XTIME].t = d->exit_ns;
	c[D_GROSS].v = d->gross;
	c[D_CHARGES].v = d->charges;
	c[D_NET].v = d->net;
	c[D_PCT].v = d->net_pct;
	rp_str(&c[D_CLOSED], td_close_reason_name(d->closed_by));
}

/* The instants [*lo, *hi) that --from and --to select, in the market's zone. */
static void rp_window(const rp_ctx *x, const rp_opts *o, td_ns *lo, td_ns *hi)
{
	*lo = o->from_arg ? td_tz_to_utc(x->tz, o->from_days, 0) : INT64_MIN;
	*hi = o->to_arg ? td_tz_to_utc(x->tz, o->to_days + 1, 0) : INT64_MAX;
}

/* The closed deals whose exit falls in the window, in the order they closed; 0 or -1. */
static int rp_deals(const rp_ctx *x, const rp_opts *o, rp_table *t)
{
	size_t n, rows = 0;
	const td_deal *d = td_book_deals(td_oms_book(x->oms), &n);
	td_ns lo, hi;
	rp_window(x, o, &lo, &hi);
	for (size_t i = 0; i < n; i++)
		rows += d[i].exit_ns >= lo && d[i].exit_ns < hi;
	*t = (rp_table){ .cols = rp_deal_cols, .ncols = D_NCOLS, .noun = "deal", .nouns = "deals", .tz = x->tz };
	if (rp_table_alloc(t, rows) < 0)
		return -1;
	rp_cell *c = t->cells;
	for (size_t i = 0; i < n; i++)
		if (d[i].exit_ns >= lo && d[i].exit_ns < hi) {
			rp_deal_row(x, &d[i], c);
			c += D_NCOLS;
		}
	return 0;
}

/* Every instrument the journal traded (a position's multiplier is set by its first fill); 0 or -1. */
static int rp_positions(const rp_ctx *x, rp_table *t)
{
	const td_book *b = td_oms_book(x->oms);
	size_t n = td_registry_count(x->reg), rows = 0;
	for (uint32_t i = 0; i < n; i++)
		rows += td_book_position(b, i)->multiplier != 0;
	*t = (rp_table){ .cols = rp_pos_cols, .ncols = P_NCOLS, .noun = "position", .nouns = "positions", .tz = x->tz };
	if (rp_table_alloc(t, rows) < 0)
		return -1;
	rp_cell *c = t->cells;
	for (uint32_t i = 0; i < n; i++) {
		const td_position *p = td_book_position(b, i);
		if (p->multiplier == 0)
			continue;
		const td_instrument *ins = td_registry_get(x->reg, i);
		rp_str(&c[P_SYMBOL], ins->symbol);
		c[P_QTY].v = p->qty;
		rp_price(&c[P_AVG], p->avg_px, ins);
		c[P_REALISED].v = p->realised;
		c[P_FEES].v = p->fees;
		c += P_NCOLS;
	}
	return 0;
}

/* ---- formatting ------------------------------------------------------------------- */

/* The shortest decimal that reads back as v exactly. */
static void rp_num(double v, char *buf, size_t n)
{
	v += 0.0;  /* no "-0" */
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(buf, n, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			return;
	}
}

/* t as local ISO-8601 with the zone's offset; nanoseconds when frac and not zero. */
static void rp_time(const td_tz *tz, td_ns t, bool frac, char *buf, size_t n)
{
	int off = td_tz_offset(tz, t), a = off < 0 ? -off : off;
	td_ns local = t + (td_ns)off * TD_NS_PER_SEC;
	int64_t days = local / TD_NS_PER_DAY;
	td_ns tod = local % TD_NS_PER_DAY;
	if (tod < 0) {
		tod += TD_NS_PER_DAY;
		days--;
	}
	int y, m, d;
	td_civil_from_days(days, &y, &m, &d);
	long long s = tod / TD_NS_PER_SEC, ns = tod % TD_NS_PER_SEC;
	char fs[16] = "";
	if (frac && ns)
		snprintf(fs, sizeof fs, ".%09lld", ns);
	snprintf(buf, n, "%04d-%02d-%02dT%02lld:%02lld:%02lld%s%c%02d:%02d", y, m, d, s / 3600, s / 60 % 60, s % 60,
		 fs, off < 0 ? '-' : '+', a / 3600, a / 60 % 60);
}

/* A cell as text (text: rounded for reading; csv and json: full precision); "" when empty. */
static void rp_cell_text(const rp_table *t, rp_kind k, const rp_cell *c, rp_fmt fmt, char *buf, size_t n)
{
	if (k == RK_STR) {
		td_strlcpy(buf, c->s, n);
		return;
	}
	if (k == RK_TIME) {
		rp_time(t->tz, c->t, fmt != RP_TEXT, buf, n);
		return;
	}
	if (!isfinite(c->v))
		buf[0] = '\0';
	else if (fmt != RP_TEXT || k == RK_QTY)
		rp_num(c->v, buf, n);
	else if (k == RK_PRICE)
		snprintf(buf, n, "%.*f", c->scale, c->v + 0.0);
	else
		snprintf(buf, n, "%.2f", c->v + 0.0);
}

/* A CSV field, quoted when it holds a comma, quote or newline. */
static void rp_csv_field(FILE *out, const char *s, bool first)
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

static int rp_write_csv(const rp_table *t)
{
	char buf[64];
	for (size_t c = 0; c < t->ncols; c++)
		rp_csv_field(stdout, t->cols[c].key, c == 0);
	fputc('\n', stdout);
	for (size_t r = 0; r < t->nrows; r++) {
		for (size_t c = 0; c < t->ncols; c++) {
			rp_cell_text(t, t->cols[c].kind, &t->cells[r * t->ncols + c], RP_CSV, buf, sizeof buf);
			rp_csv_field(stdout, buf, c == 0);
		}
		fputc('\n', stdout);
	}
	return 0;
}

/* One row as a JSON object: strings and times as strings, numbers as numbers, none as null. */
static cJSON *rp_json_row(const rp_table *t, const rp_cell *row)
{
	char buf[64];
	cJSON *obj = cJSON_CreateObject();
	for (size_t c = 0; obj && c < t->ncols; c++) {
		rp_kind k = t->cols[c].kind;
		rp_cell_text(t, k, &row[c], RP_JSON, buf, sizeof buf);
		cJSON *v = k == RK_STR || k == RK_TIME ? cJSON_CreateString(buf) : buf[0] ? cJSON_CreateRaw(buf)
											  : cJSON_CreateNull();
		if (!v || !cJSON_AddItemToObject(obj, t->cols[c].key, v)) {
			cJSON_Delete(v);
			cJSON_Delete(obj);
			obj = NULL;
		}
	}
	return obj;
}

static int rp_write_json(const rp_table *t)
{
	cJSON *root = cJSON_CreateArray();
	for (size_t r = 0; root && r < t->nrows; r++) {
		cJSON *obj = rp_json_row(t, &t->cells[r * t->ncols]);
		if (!obj || !cJSON_AddItemToArray(root, obj)) {
			cJSON_Delete(obj);
			cJSON_Delete(root);
			root = NULL;
		}
	}
	char *s = root ? cJSON_Print(root) : NULL;
	cJSON_Delete(root);
	if (!s)
		return -1;
	fputs(s, stdout);
	fputc('\n', stdout);
	cJSON_free(s);
	return 0;
}

/* The text totals: a count in the first column and the sum of every money column. */
static void rp_totals(const rp_table *t, rp_cell *row)
{
	for (size_t c = 0; c < t->ncols; c++)
		row[c].v = NAN;
	snprintf(row[0].s, sizeof row[0].s, "total: %zu %s", t->nrows, t->nrows == 1 ? t->noun : t->nouns);
	for (size_t c = 0; c < t->ncols; c++) {
		if (t->cols[c].kind != RK_MONEY)
			continue;
		row[c].v = 0;
		for (size_t r = 0; r < t->nrows; r++)
			row[c].v += t->cells[r * t->ncols + c].v;
	}
}

static bool rp_left(rp_kind k)
{
	return k == RK_STR || k == RK_TIME;
}

/* Cell c of a text row: an empty number shows "-"; the totals row has only its count and sums. */
static void rp_text_cell(const rp_table *t, const rp_cell *row, size_t c, bool totals, char *buf, size_t n)
{
	rp_kind k = t->cols[c].kind;
	if (totals && c == 0)
		td_strlcpy(buf, row[c].s, n);
	else if (totals && k != RK_MONEY)
		buf[0] = '\0';
	else
		rp_cell_text(t, k, &row[c], RP_TEXT, buf, n);
	if (!totals && !rp_left(k) && !buf[0])
		td_strlcpy(buf, "-", n);
}

/* One line of columns: strings and times to the left, numbers to the right, no trailing blanks. */
static void rp_text_line(const rp_table *t, const char *const *f, const int *w)
{
	size_t n = t->ncols;
	while (n > 1 && !f[n - 1][0])
		n--;
	for (size_t c = 0; c < n; c++) {
		bool last = c + 1 == n, left = rp_left(t->cols[c].kind);
		printf(left ? "%-*s%s" : "%*s%s", last && left ? 0 : w[c], f[c], last ? "\n" : "  ");
	}
}

/* A text row, with the widths w. */
static void rp_text_row(const rp_table *t, const rp_cell *row, bool totals, const int *w)
{
	char buf[RP_MAX_COLS][64];
	const char *f[RP_MAX_COLS] = { 0 };
	for (size_t c = 0; c < t->ncols; c++) {
		rp_text_cell(t, row, c, totals, buf[c], sizeof buf[c]);
		f[c] = buf[c];
	}
	rp_text_line(t, f, w);
}

static int rp_write_text(const rp_table *t)
{
	rp_cell tot[RP_MAX_COLS] = { 0 };
	int w[RP_MAX_COLS] = { 0 };
	char buf[64];
	const char *titles[RP_MAX_COLS] = { 0 };
	rp_totals(t, tot);
	for (size_t c = 0; c < t->ncols; c++) {
		titles[c] = t->cols[c].title;
		w[c] = (int)strlen(titles[c]);
		for (size_t r = 0; r <= t->nrows; r++) {
			bool totals = r == t->nrows;
			rp_text_cell(t, totals ? tot : &t->cells[r * t->ncols], c, totals, buf, sizeof buf);
			w[c] = (int)strlen(buf) > w[c] ? (int)strlen(buf) : w[c];
		}
	}
	rp_text_line(t, titles, w);
	for (size_t r = 0; r < t->nrows; r++)
		rp_text_row(t, &t->cells[r * t->ncols], false, w);
	rp_text_row(t, tot, true, w);
	return 0;
}

/* ---- the report ----------------------------------------------------------------- */

static int rp_report(const rp_ctx *x, const rp_opts *o)
{
	rp_table t;
	int rc = o->cmd == RP_DEALS ? rp_deals(x, o, &t) : rp_positions(x, &t);
	if (rc == 0)
		rc = o->fmt == RP_CSV ? rp_write_csv(&t) : o->fmt == RP_JSON ? rp_write_json(&t) : rp_write_text(&t);
	free(t.cells);
	if (rc < 0)
		return rp_fail("out of memory");
	if (fflush(stdout) != 0)
		return rp_fail("writing the report: %s", strerror(errno));
	return 0;
}

int td_report_main(int argc, char **argv)
{
	setlocale(LC_NUMERIC, "C");
	rp_opts o;
	int rc = rp_parse_args(argc, argv, &o);
	if (rc)
		return rc < 0 ? 0 : rc;
	rp_ctx x;
	rc = rp_open(&x, &o);
	if (rc == 0)
		rc = rp_report(&x, &o);
	rp_close(&x);
	return rc;
}
