/*
 * Fee schedules: parsing, the built-in examples and the computation.
 *
 * A file is read by td_config_read_ini, which hands every "name = value" line
 * to td_fees_line with its section and turns a refusal into
 * "FILE:LINE: why".  The built-in schedules are the same kind of lines, kept
 * as text and put through the same td_fees_line, so the built-ins cannot say
 * anything a file could not.
 */
#include "oms/fees.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/config.h"
#include "core/text.h"

typedef enum td_fee_basis {
	TD_FEE_PER_UNIT,     /* rate x qty x multiplier: per share, per underlying unit */
	TD_FEE_PER_CONTRACT, /* rate x qty: per contract or lot */
	TD_FEE_PERCENT,      /* rate % of the traded value */
	TD_FEE_PER_ORDER,    /* rate, once per order */
	TD_FEE_PERCENT_OF    /* rate % of the sum of earlier components */
} td_fee_basis;

/* Accepted spellings; the first of each basis is the one td_fee_schedule_format writes. */
static const struct {
	const char *word;
	td_fee_basis basis;
} td_fee_basis_words[] = {
	{ "per-unit", TD_FEE_PER_UNIT },       { "per-share", TD_FEE_PER_UNIT },
	{ "per-contract", TD_FEE_PER_CONTRACT }, { "per-lot", TD_FEE_PER_CONTRACT },
	{ "percent", TD_FEE_PERCENT },         { "per-order", TD_FEE_PER_ORDER },
	{ "percent-of", TD_FEE_PERCENT_OF },
};

#define TD_FEE_NBASIS_WORDS (sizeof td_fee_basis_words / sizeof td_fee_basis_words[0])

/* Instrument kinds a component can name, in the order format writes them. */
static const struct {
	const char *word;
	td_ins_kind kind;
} td_fee_kind_words[] = {
	{ "equity", TD_INS_EQUITY }, { "option", TD_INS_OPTION }, { "future", TD_INS_FUTURE },
};

#define TD_FEE_NKIND_WORDS (sizeof td_fee_kind_words / sizeof td_fee_kind_words[0])
#define TD_FEE_KIND_ALL ((1u << TD_INS_KIND_COUNT) - 1u)
#define TD_FEE_SIDE_BIT(side) (1u << (side))
#define TD_FEE_SIDE_BOTH (TD_FEE_SIDE_BIT(TD_SIDE_BUY) | TD_FEE_SIDE_BIT(TD_SIDE_SELL))

/* A minimum or maximum per order: an amount, or a percent of the traded value; 0 = none. */
typedef struct td_fee_limit {
	double v;
	bool pct;
} td_fee_limit;

/* Round to the nearest multiple of step, or up to one; step 0 = leave as computed. */
typedef struct td_fee_rounding {
	double step;
	bool up;
	bool set; /* components: false = use the schedule's */
} td_fee_rounding;

typedef struct td_fee_comp {
	char name[TD_FEE_NAME_MAX];
	char label[TD_FEE_LABEL_MAX];
	unsigned kinds;          /* bit per td_ins_kind */
	unsigned sides;          /* TD_FEE_SIDE_BIT of the sides */
	td_fee_basis basis;
	double rate;             /* percent for the two percent bases */
	td_fee_limit min, max;
	td_fee_rounding round;
	uint32_t of;             /* percent-of: bit i = component i, always an earlier one */
} td_fee_comp;

struct td_fee_schedule {
	char name[TD_FEE_NAME_MAX];
	char currency[8];
	td_fee_rounding round;   /* for components that do not say */
	size_t n;
	td_fee_comp comp[TD_FEE_COMPONENTS_MAX];
};

struct td_fees {
	size_t n, cap;
	td_fee_schedule **s;     /* separately allocated so that pointers to them stay valid */
};

/* Parsing state: the schedule the lines of the current section go to. */
typedef struct td_fees_loader {
	td_fees *f;
	td_fee_schedule *cur;
	char section[128];       /* section of the previous line, to notice a new one */
} td_fees_loader;

static bool td_fee_is_name(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= TD_FEE_NAME_MAX || s[0] < 'a' || s[0] > 'z')
		return false;
	return strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_-") == n;
}

/*
 * A non-negative decimal: digits with at most one point, and a '%' at the end
 * when pct is not NULL (*pct tells whether it was there).  No signs, exponents,
 * "inf" or hex: a fee file has no use for them and they hide typos.
 */
static bool td_fee_number(const char *s, double *out, bool *pct)
{
	size_t n = strlen(s);
	size_t digits = strspn(s, "0123456789.");

	if (pct)
		*pct = n > 0 && s[n - 1] == '%';
	if (pct && *pct)
		n--;
	if (n == 0 || digits != n || strchr(s, '.') != strrchr(s, '.') || strcspn(s, "0123456789") >= n)
		return false;
	*out = strtod(s, NULL);
	return isfinite(*out);
}

/* Word by word, with one optional double-quoted label last. */
typedef struct td_fee_words {
	char buf[256];
	char *w[16];
	size_t n;
	const char *label;       /* NULL when none */
} td_fee_words;

static int td_fee_split(const char *value, td_fee_words *ws, char *why, size_t whylen)
{
	char *p = ws->buf;

	if (td_strlcpy(ws->buf, value, sizeof ws->buf) >= sizeof ws->buf)
		return td_errf(why, whylen, "component line too long");
	ws->n = 0;
	ws->label = NULL;
	for (;;) {
		p += strspn(p, " \t");
		if (*p == '\0')
			return 0;
		if (ws->label)
			return td_errf(why, whylen, "text after the quoted label");
		if (*p == '"') {
			char *end = strchr(p + 1, '"');
			if (!end)
				return td_errf(why, whylen, "the label's closing '\"' is missing");
			*end = '\0';
			ws->label = p + 1;
			p = end + 1;
			continue;
		}
		if (ws->n == sizeof ws->w / sizeof ws->w[0])
			return td_errf(why, whylen, "too many words");
		ws->w[ws->n++] = p;
		p += strcspn(p, " \t");
		if (*p)
			*p++ = '\0';
	}
}

/* "equity", "option,future", "all" */
static int td_fee_parse_kinds(char *s, unsigned *kinds, char *why, size_t whylen)
{
	*kinds = 0;
	for (char *save = NULL, *k = strtok_r(s, ",", &save); k; k = strtok_r(NULL, ",", &save)) {
		size_t i = 0;
		while (i < TD_FEE_NKIND_WORDS && strcmp(k, td_fee_kind_words[i].word) != 0)
			i++;
		if (strcmp(k, "all") == 0)
			*kinds |= TD_FEE_KIND_ALL;
		else if (i < TD_FEE_NKIND_WORDS)
			*kinds |= 1u << td_fee_kind_words[i].kind;
		else
			return td_errf(why, whylen,
				       "unknown instrument kind '%s': expected equity, option, future or all", k);
	}
	return *kinds ? 0 : td_errf(why, whylen, "no instrument kind");
}

static int td_fee_parse_side(const char *s, unsigned *sides, char *why, size_t whylen)
{
	if (strcmp(s, "buy") == 0)
		*sides = TD_FEE_SIDE_BIT(TD_SIDE_BUY);
	else if (strcmp(s, "sell") == 0)
		*sides = TD_FEE_SIDE_BIT(TD_SIDE_SELL);
	else if (strcmp(s, "both") == 0)
		*sides = TD_FEE_SIDE_BOTH;
	else
		return td_errf(why, whylen, "unknown side '%s': expected buy, sell or both", s);
	return 0;
}

static int td_fee_parse_basis(const char *s, td_fee_basis *b, char *why, size_t whylen)
{
	for (size_t i = 0; i < TD_FEE_NBASIS_WORDS; i++) {
		if (strcmp(s, td_fee_basis_words[i].word) == 0) {
			*b = td_fee_basis_words[i].basis;
			return 0;
		}
	}
	return td_errf(why, whylen,
		       "unknown basis '%s': expected per-unit (per-share), per-contract (per-lot), "
		       "percent, per-order or percent-of", s);
}

static bool td_fee_is_percent_basis(td_fee_basis b)
{
	return b == TD_FEE_PERCENT || b == TD_FEE_PERCENT_OF;
}

static int td_fee_parse_rate(const char *s, td_fee_comp *c, char *why, size_t whylen)
{
	bool pct;

	if (!td_fee_number(s, &c->rate, &pct))
		return td_errf(why, whylen, "bad rate '%s': expected a number such as 0.65 or 0.03", s);
	if (pct && !td_fee_is_percent_basis(c->basis))
		return td_errf(why, whylen, "rate '%s' is a percentage but the basis is not percent or percent-of", s);
	if (td_fee_is_percent_basis(c->basis) && c->rate > 100)
		return td_errf(why, whylen, "rate %s is above 100 percent", s);
	return 0;
}

static int td_fee_parse_limit(const char *key, const char *s, td_fee_limit *l, char *why, size_t whylen)
{
	if (!td_fee_number(s, &l->v, &l->pct))
		return td_errf(why, whylen, "bad %s '%s': expected an amount such as 20, or a percent of the value such as 1%%",
			       key, s);
	if (l->pct && l->v > 100)
		return td_errf(why, whylen, "%s %s is more than 100 percent of the value", key, s);
	return 0;
}

static int td_fee_parse_rounding(const char *key, const char *s, td_fee_rounding *r, char *why, size_t whylen)
{
	if (!td_fee_number(s, &r->step, NULL))
		return td_errf(why, whylen, "bad %s '%s': expected a step such as 0.01 or 1, or 0 for none", key, s);
	r->up = strcmp(key, "roundup") == 0;
	r->set = true;
	return 0;
}

/* The index of the component called name in s, or -1. */
static int td_fee_index(const td_fee_schedule *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->comp[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* "brokerage+exchange+sebi": components listed above, so GST is computed after what it taxes. */
static int td_fee_parse_of(const td_fee_schedule *s, char *list, uint32_t *of, char *why, size_t whylen)
{
	*of = 0;
	for (char *save = NULL, *n = strtok_r(list, "+", &save); n; n = strtok_r(NULL, "+", &save)) {
		int i = td_fee_index(s, n);
		if (i < 0)
			return td_errf(why, whylen,
				       "of= names '%s', which is not a component above this line "
				       "(percent-of can only take components listed before it)", n);
		if (*of & (1u << i))
			return td_errf(why, whylen, "of= names '%s' twice", n);
		*of |= 1u << i;
	}
	return *of ? 0 : td_errf(why, whylen, "of= names no component");
}

/* One "key=value" after the rate. */
static int td_fee_parse_option(const td_fee_schedule *s, char *opt, td_fee_comp *c, unsigned *seen,
			       char *why, size_t whylen)
{
	static const char *const keys[] = { "min", "max", "round", "roundup", "of" };
	char *eq = strchr(opt, '=');
	size_t k = 0;

	if (eq)
		*eq = '\0';
	while (k < sizeof keys / sizeof keys[0] && strcmp(opt, keys[k]) != 0)
		k++;
	if (!eq || k == sizeof keys / sizeof keys[0])
		return td_errf(why, whylen, "unknown option '%s%s': expected min=, max=, round=, roundup= or of=",
			       opt, eq ? "=" : "");
	/* round= and roundup= are one setting */
	unsigned bit = 1u << (k == 3 ? 2 : k);
	if (*seen & bit)
		return td_errf(why, whylen, "%s given twice", k == 2 || k == 3 ? "rounding" : opt);
	*seen |= bit;
	switch (k) {
	case 0:
		return td_fee_parse_limit("min", eq + 1, &c->min, why, whylen);
	case 1:
		return td_fee_parse_limit("max", eq + 1, &c->max, why, whylen);
	case 2:
	case 3:
		return td_fee_parse_rounding(opt, eq + 1, &c->round, why, whylen);
	default:
		if (c->basis != TD_FEE_PERCENT_OF)
			return td_errf(why, whylen, "of= belongs to the percent-of basis only");
		return td_fee_parse_of(s, eq + 1, &c->of, why, whylen);
	}
}

/* Limits that contradict each other whatever the order: a minimum above the maximum. */
static int td_fee_check_limits(const td_fee_comp *c, char *why, size_t whylen)
{
	if (c->min.v > 0 && c->max.v > 0 && c->min.pct == c->max.pct && c->min.v > c->max.v)
		return td_errf(why, whylen, "min is above max");
	if (c->basis == TD_FEE_PERCENT_OF && c->of == 0)
		return td_errf(why, whylen, "percent-of needs of=NAME+NAME... naming the components it is a percent of");
	return 0;
}

static int td_fee_parse_label(const char *label, td_fee_comp *c, char *why, size_t whylen)
{
	char clean[TD_FEE_LABEL_MAX];

	if (!label) {
		td_strlcpy(c->label, c->name, sizeof c->label);
		return 0;
	}
	if (label[0] == '\0' || strlen(label) >= sizeof c->label)
		return td_errf(why, whylen, "the label must have 1 to %d characters", TD_FEE_LABEL_MAX - 1);
	td_text_sanitize(clean, sizeof clean, label);
	if (strcmp(clean, label) != 0)
		return td_errf(why, whylen, "the label has control characters or is not UTF-8");
	td_strlcpy(c->label, label, sizeof c->label);
	return 0;
}

/* "NAME KIND SIDE BASIS RATE [min=..] [max=..] [round=..|roundup=..] [of=..] ["Label"]" */
static int td_fee_parse_component(td_fee_schedule *s, const char *value, char *why, size_t whylen)
{
	td_fee_words ws;
	td_fee_comp c = { 0 };
	unsigned seen = 0;
	char msg[400];

	if (td_fee_split(value, &ws, why, whylen) != 0)
		return -1;
	if (ws.n < 5)
		return td_errf(why, whylen, "expected 'component = NAME KIND SIDE BASIS RATE [options] [\"Label\"]'");
	if (!td_fee_is_name(ws.w[0]))
		return td_errf(why, whylen,
			       "bad component name '%s': expected a lower-case letter, then letters, digits, '_' or '-', "
			       "at most %d in all", ws.w[0], TD_FEE_NAME_MAX - 1);
	if (td_fee_index(s, ws.w[0]) >= 0)
		return td_errf(why, whylen, "component '%s' is defined twice in schedule '%s'", ws.w[0], s->name);
	if (s->n == TD_FEE_COMPONENTS_MAX)
		return td_errf(why, whylen, "too many components in schedule '%s' (the limit is %d)", s->name,
			       TD_FEE_COMPONENTS_MAX);
	td_strlcpy(c.name, ws.w[0], sizeof c.name);
	int bad = td_fee_parse_kinds(ws.w[1], &c.kinds, msg, sizeof msg) ||
		  td_fee_parse_side(ws.w[2], &c.sides, msg, sizeof msg) ||
		  td_fee_parse_basis(ws.w[3], &c.basis, msg, sizeof msg) ||
		  td_fee_parse_rate(ws.w[4], &c, msg, sizeof msg);
	for (size_t i = 5; !bad && i < ws.n; i++)
		bad = td_fee_parse_option(s, ws.w[i], &c, &seen, msg, sizeof msg);
	bad = bad || td_fee_check_limits(&c, msg, sizeof msg) || td_fee_parse_label(ws.label, &c, msg, sizeof msg);
	if (bad)
		return td_errf(why, whylen, "component '%s': %s", c.name, msg);
	s->comp[s->n++] = c;
	return 0;
}

static int td_fee_parse_currency(td_fee_schedule *s, const char *value, char *why, size_t whylen)
{
	size_t n = strlen(value);

	if (s->currency[0])
		return td_errf(why, whylen, "currency given twice in schedule '%s'", s->name);
	if (n < 1 || n >= sizeof s->currency || strspn(value, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != n)
		return td_errf(why, whylen, "bad currency '%s': expected a code in capitals such as USD or INR", value);
	memcpy(s->currency, value, n + 1);
	return 0;
}

/* Add an empty schedule called name; NULL when out of memory. */
static td_fee_schedule *td_fees_add(td_fees *f, const char *name)
{
	if (f->n == f->cap) {
		size_t cap = f->cap ? 2 * f->cap : 4;
		td_fee_schedule **s = realloc(f->s, cap * sizeof *s);
		if (!s)
			return NULL;
		f->s = s;
		f->cap = cap;
	}
	td_fee_schedule *s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	td_strlcpy(s->name, name, sizeof s->name);
	f->s[f->n++] = s;
	return s;
}

/* A new section: "[schedule NAME]" opens schedule NAME, which must not exist yet. */
static int td_fees_section(td_fees_loader *ld, const char *section, char *why, size_t whylen)
{
	char word[16], name[64], extra[2];

	td_strlcpy(ld->section, section, sizeof ld->section);
	ld->cur = NULL;
	if (sscanf(section, "%15s %63s %1s", word, name, extra) != 2 || strcmp(word, "schedule") != 0)
		return td_errf(why, whylen, "unknown section '[%s]': expected '[schedule NAME]'", section);
	if (!td_fee_is_name(name))
		return td_errf(why, whylen,
			       "bad schedule name '%s': expected a lower-case letter, then letters, digits, '_' or '-', "
			       "at most %d in all", name, TD_FEE_NAME_MAX - 1);
	if (td_fees_find(ld->f, name))
		return td_errf(why, whylen, "schedule '%s' appears twice; put all its lines in one section", name);
	ld->cur = td_fees_add(ld->f, name);
	return ld->cur ? 0 : td_errf(why, whylen, "out of memory");
}

/* td_config_ini_fn: one "name = value" line of a fee file. */
static int td_fees_line(void *user, const char *section, const char *name, const char *value, char *why,
			size_t whylen)
{
	td_fees_loader *ld = user;

	if (section[0] == '\0')
		return td_errf(why, whylen, "'%s' is outside a [schedule NAME] section", name);
	if (strcmp(section, ld->section) != 0 && td_fees_section(ld, section, why, whylen) != 0)
		return -1;
	if (!ld->cur)
		return td_errf(why, whylen, "in a bad section");
	if (strcmp(name, "component") == 0)
		return td_fee_parse_component(ld->cur, value, why, whylen);
	if (strcmp(name, "currency") == 0)
		return td_fee_parse_currency(ld->cur, value, why, whylen);
	if (strcmp(name, "round") == 0 || strcmp(name, "roundup") == 0) {
		if (ld->cur->round.set)
			return td_errf(why, whylen, "rounding given twice in schedule '%s'", ld->cur->name);
		return td_fee_parse_rounding(name, value, &ld->cur->round, why, whylen);
	}
	return td_errf(why, whylen, "unknown setting '%s': expected component, currency, round or roundup", name);
}

void td_fees_free(td_fees *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->n; i++)
		free(f->s[i]);
	free(f->s);
	free(f);
}

/* Read path; errno is ENOENT only when the file is not there. */
td_fees *td_fees_load(const char *path, char *err, size_t errlen)
{
	struct stat st;
	td_fees_loader ld = { 0 };

	if (stat(path, &st) != 0) {
		int e = errno;
		td_errf(err, errlen, "cannot open '%s': %s", path, strerror(e));
		errno = e;
		return NULL;
	}
	ld.f = calloc(1, sizeof *ld.f);
	if (!ld.f) {
		td_errf(err, errlen, "out of memory loading '%s'", path);
		errno = ENOMEM;
		return NULL;
	}
	int rc = td_config_read_ini(path, td_fees_line, &ld, err, errlen);
	if (rc == 0 && ld.f->n == 0) {
		td_errf(err, errlen, "%s: no [schedule NAME] section", path);
		rc = -1;
	}
	if (rc != 0) {
		td_fees_free(ld.f);
		errno = rc == -2 ? EACCES : EINVAL;
		return NULL;
	}
	return ld.f;
}

/*
 * The example schedules: the setting lines of config/fees.conf, without the
 * comments that give their sources and dates (test_fees checks that the two
 * agree).  Change both together.
 */
static const struct {
	const char *schedule, *key, *value;
} td_fees_builtin_lines[] = {
	{ "us", "currency", "USD" },
	{ "us", "round", "0.01" },
	{ "us", "component", "commission equity both per-share 0.005 min=1 max=1% \"Commission\"" },
	{ "us", "component", "commission-opt option both per-contract 0.65 min=1 \"Commission\"" },
	{ "us", "component", "commission-fut future both per-contract 0.85 \"Commission\"" },
	{ "us", "component", "nfa future both per-contract 0.02 \"NFA fee\"" },
	{ "us", "component", "sec equity,option sell percent 0.00278 roundup=0.01 \"SEC fee\"" },
	{ "us", "component", "taf equity sell per-share 0.000166 max=8.30 roundup=0.01 \"FINRA TAF\"" },
	{ "us", "component", "taf-opt option sell per-contract 0.00279 roundup=0.01 \"FINRA TAF\"" },
	{ "in", "currency", "INR" },
	{ "in", "round", "0.01" },
	{ "in", "component", "brokerage all both percent 0.03 max=20 \"Brokerage\"" },
	{ "in", "component", "stt-eq equity sell percent 0.025 \"STT\"" },
	{ "in", "component", "stt-fut future sell percent 0.05 \"STT\"" },
	{ "in", "component", "stt-opt option sell percent 0.15 \"STT\"" },
	{ "in", "component", "exch-eq equity both percent 0.00297 \"Exchange txn\"" },
	{ "in", "component", "exch-fut future both percent 0.00173 \"Exchange txn\"" },
	{ "in", "component", "exch-opt option both percent 0.03503 \"Exchange txn\"" },
	{ "in", "component", "sebi all both percent 0.0001 \"SEBI fee\"" },
	{ "in", "component", "stamp-eq equity buy percent 0.003 \"Stamp duty\"" },
	{ "in", "component", "stamp-fut future buy percent 0.002 \"Stamp duty\"" },
	{ "in", "component", "stamp-opt option buy percent 0.003 \"Stamp duty\"" },
	{ "in", "component", "gst all both percent-of 18 of=brokerage+exch-eq+exch-fut+exch-opt+sebi \"GST\"" },
	{ "in-delivery", "currency", "INR" },
	{ "in-delivery", "round", "0.01" },
	{ "in-delivery", "component", "brokerage equity both percent 0.03 max=20 \"Brokerage\"" },
	{ "in-delivery", "component", "stt equity both percent 0.1 \"STT\"" },
	{ "in-delivery", "component", "exch equity both percent 0.00297 \"Exchange txn\"" },
	{ "in-delivery", "component", "sebi equity both percent 0.0001 \"SEBI fee\"" },
	{ "in-delivery", "component", "stamp equity buy percent 0.015 \"Stamp duty\"" },
	{ "in-delivery", "component", "gst equity both percent-of 18 of=brokerage+exch+sebi \"GST\"" },
};

td_fees *td_fees_builtin(void)
{
	td_fees_loader ld = { 0 };
	char section[64], why[256];

	ld.f = calloc(1, sizeof *ld.f);
	if (!ld.f)
		return NULL;
	for (size_t i = 0; i < sizeof td_fees_builtin_lines / sizeof td_fees_builtin_lines[0]; i++) {
		snprintf(section, sizeof section, "schedule %s", td_fees_builtin_lines[i].schedule);
		if (td_fees_line(&ld, section, td_fees_builtin_lines[i].key, td_fees_builtin_lines[i].value, why,
				 sizeof why) != 0) {
			td_fees_free(ld.f);
			return NULL;
		}
	}
	return ld.f;
}

const td_fee_schedule *td_fees_find(const td_fees *f, const char *name)
{
	for (size_t i = 0; f && name && i < f->n; i++)
		if (strcmp(f->s[i]->name, name) == 0)
			return f->s[i];
	return NULL;
}

size_t td_fees_count(const td_fees *f)
{
	return f ? f->n : 0;
}

const td_fee_schedule *td_fees_at(const td_fees *f, size_t i)
{
	return f && i < f->n ? f->s[i] : NULL;
}

const char *td_fee_schedule_name(const td_fee_schedule *s)
{
	return s->name;
}

const char *td_fee_schedule_currency(const td_fee_schedule *s)
{
	return s->currency;
}

/* A number as the parser reads it back: plain decimals, no exponent, no trailing zeros. */
static void td_fee_format_number(char *buf, size_t n, double v)
{
	snprintf(buf, n, "%.12f", v);
	char *end = buf + strlen(buf) - 1;
	while (*end == '0')
		*end-- = '\0';
	if (*end == '.')
		*end = '\0';
}

/* Append to buf at *len, keeping *len the length the text would have had. */
__attribute__((format(printf, 4, 5))) static void td_fee_append(char *buf, size_t n, size_t *len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int w = vsnprintf(*len < n ? buf + *len : NULL, *len < n ? n - *len : 0, fmt, ap);
	va_end(ap);
	*len += w > 0 ? (size_t)w : 0;
}

static void td_fee_format_kinds(char *buf, size_t n, size_t *len, unsigned kinds)
{
	const char *sep = "";

	if (kinds == TD_FEE_KIND_ALL) {
		td_fee_append(buf, n, len, " all");
		return;
	}
	td_fee_append(buf, n, len, " ");
	for (size_t i = 0; i < TD_FEE_NKIND_WORDS; i++) {
		if (kinds & (1u << td_fee_kind_words[i].kind)) {
			td_fee_append(buf, n, len, "%s%s", sep, td_fee_kind_words[i].word);
			sep = ",";
		}
	}
}

static const char *td_fee_basis_word(td_fee_basis b)
{
	for (size_t i = 0; i < TD_FEE_NBASIS_WORDS; i++)
		if (td_fee_basis_words[i].basis == b)
			return td_fee_basis_words[i].word;
	return "?";
}

static void td_fee_format_limit(char *buf, size_t n, size_t *len, const char *key, td_fee_limit l)
{
	char num[48];

	if (l.v <= 0)
		return;
	td_fee_format_number(num, sizeof num, l.v);
	td_fee_append(buf, n, len, " %s=%s%s", key, num, l.pct ? "%" : "");
}

static void td_fee_format_component(const td_fee_schedule *s, const td_fee_comp *c, char *buf, size_t n,
				    size_t *len)
{
	static const char *const sides[] = { [TD_FEE_SIDE_BIT(TD_SIDE_BUY)] = "buy",
					     [TD_FEE_SIDE_BIT(TD_SIDE_SELL)] = "sell",
					     [TD_FEE_SIDE_BOTH] = "both" };
	char num[48];
	const char *sep = "=";

	td_fee_append(buf, n, len, "component = %s", c->name);
	td_fee_format_kinds(buf, n, len, c->kinds);
	td_fee_format_number(num, sizeof num, c->rate);
	td_fee_append(buf, n, len, " %s %s %s", sides[c->sides], td_fee_basis_word(c->basis), num);
	td_fee_format_limit(buf, n, len, "min", c->min);
	td_fee_format_limit(buf, n, len, "max", c->max);
	if (c->round.set) {
		td_fee_format_number(num, sizeof num, c->round.step);
		td_fee_append(buf, n, len, " %s=%s", c->round.up ? "roundup" : "round", num);
	}
	if (c->of)
		td_fee_append(buf, n, len, " of");
	for (size_t i = 0; i < s->n; i++) {
		if (c->of & (1u << i)) {
			td_fee_append(buf, n, len, "%s%s", sep, s->comp[i].name);
			sep = "+";
		}
	}
	if (strcmp(c->label, c->name) != 0)
		td_fee_append(buf, n, len, " \"%s\"", c->label);
	td_fee_append(buf, n, len, "\n");
}

int td_fee_schedule_format(const td_fee_schedule *s, char *buf, size_t n)
{
	size_t len = 0;
	char num[48];

	if (n > 0)
		buf[0] = '\0';
	td_fee_append(buf, n, &len, "[schedule %s]\n", s->name);
	if (s->currency[0])
		td_fee_append(buf, n, &len, "currency = %s\n", s->currency);
	if (s->round.set) {
		td_fee_format_number(num, sizeof num, s->round.step);
		td_fee_append(buf, n, &len, "%s = %s\n", s->round.up ? "roundup" : "round", num);
	}
	for (size_t i = 0; i < s->n; i++)
		td_fee_format_component(s, &s->comp[i], buf, n, &len);
	return len < n && len <= INT_MAX ? (int)len : -1;
}

/*
 * To a multiple of the step.  Amounts within a millionth of a step of a
 * multiple are taken as that multiple, so that 0.1 x 0.2 computed in binary
 * does not round up a whole cent.
 */
static double td_fee_round(double x, const td_fee_rounding *r)
{
	if (r->step <= 0)
		return x;
	double q = x / r->step;
	q = r->up ? ceil(q - 1e-6) : floor(q + 0.5 + 1e-6);
	return q * r->step;
}

static double td_fee_limit_value(td_fee_limit l, double value)
{
	return l.pct ? l.v / 100.0 * value : l.v;
}

/* One component for an order, given the amounts of the components before it. */
static double td_fee_amount(const td_fee_schedule *s, const td_fee_comp *c, const double *done, double qty,
			    double multiplier, double value)
{
	double a = 0;

	switch (c->basis) {
	case TD_FEE_PER_UNIT:
		a = c->rate * qty * multiplier;
		break;
	case TD_FEE_PER_CONTRACT:
		a = c->rate * qty;
		break;
	case TD_FEE_PERCENT:
		a = c->rate / 100.0 * value;
		break;
	case TD_FEE_PER_ORDER:
		a = c->rate;
		break;
	case TD_FEE_PERCENT_OF:
		for (size_t j = 0; j < s->n; j++)
			if (c->of & (1u << j))
				a += done[j];
		a = c->rate / 100.0 * a;
		break;
	}
	/* The minimum first, then the maximum: when a maximum of 1% of a small order
	 * is below a $1 minimum, the maximum is what brokers charge. */
	if (c->min.v > 0)
		a = fmax(a, td_fee_limit_value(c->min, value));
	if (c->max.v > 0)
		a = fmin(a, td_fee_limit_value(c->max, value));
	return td_fee_round(a, c->round.set ? &c->round : &s->round);
}

static bool td_fee_applies(const td_fee_comp *c, td_ins_kind kind, td_side side)
{
	return (c->kinds & (1u << kind)) && (c->sides & TD_FEE_SIDE_BIT(side));
}

/* Every component's amount for one whole order (0 where it does not apply, and for qty 0). */
static void td_fee_eval(const td_fee_schedule *s, td_ins_kind kind, td_side side, double qty,
			double multiplier, double value, double *amount)
{
	for (size_t i = 0; i < s->n; i++) {
		const td_fee_comp *c = &s->comp[i];
		amount[i] = qty > 0 && td_fee_applies(c, kind, side)
				    ? td_fee_amount(s, c, amount, qty, multiplier, value)
				    : 0;
	}
}

static bool td_fee_args_ok(td_ins_kind kind, td_side side, double qty, double price, double multiplier)
{
	return (unsigned)kind < TD_INS_KIND_COUNT && (side == TD_SIDE_BUY || side == TD_SIDE_SELL) &&
	       isfinite(qty) && qty >= 0 && isfinite(price) && isfinite(multiplier) && multiplier > 0 &&
	       isfinite(fabs(price) * qty * multiplier);
}

/* The breakdown of amounts now - before (before may be NULL), over the applying components. */
static double td_fee_report(const td_fee_schedule *s, td_ins_kind kind, td_side side, const double *now,
			    const double *before, td_fee_breakdown *out)
{
	double total = 0;

	if (out)
		out->n = 0;
	for (size_t i = 0; i < s->n; i++) {
		const td_fee_comp *c = &s->comp[i];
		if (!td_fee_applies(c, kind, side))
			continue;
		double a = now[i] - (before ? before[i] : 0);
		total += a;
		if (out) {
			td_fee_item *it = &out->item[out->n++];
			td_strlcpy(it->name, c->name, sizeof it->name);
			td_strlcpy(it->label, c->label, sizeof it->label);
			it->amount = a;
		}
	}
	if (out)
		out->total = total;
	return total;
}

static double td_fee_refuse(td_fee_breakdown *out)
{
	if (out) {
		out->n = 0;
		out->total = NAN;
	}
	return NAN;
}

double td_fee_compute(const td_fee_schedule *s, td_ins_kind kind, td_side side, double qty, double price,
		      double multiplier, td_fee_breakdown *out)
{
	double amount[TD_FEE_COMPONENTS_MAX];

	if (!td_fee_args_ok(kind, side, qty, price, multiplier))
		return td_fee_refuse(out);
	td_fee_eval(s, kind, side, qty, multiplier, fabs(price) * qty * multiplier, amount);
	return td_fee_report(s, kind, side, amount, NULL, out);
}

double td_fee_compute_fill(const td_fee_schedule *s, td_ins_kind kind, td_side side, double done_qty,
			   double done_price, double qty, double price, double multiplier,
			   td_fee_breakdown *out)
{
	double before[TD_FEE_COMPONENTS_MAX], now[TD_FEE_COMPONENTS_MAX];

	if (!td_fee_args_ok(kind, side, qty, price, multiplier) ||
	    !td_fee_args_ok(kind, side, done_qty, done_price, multiplier))
		return td_fee_refuse(out);
	double done_value = fabs(done_price) * done_qty * multiplier;
	td_fee_eval(s, kind, side, done_qty, multiplier, done_value, before);
	td_fee_eval(s, kind, side, done_qty + qty, multiplier, done_value + fabs(price) * qty * multiplier, now);
	return td_fee_report(s, kind, side, now, before, out);
}
