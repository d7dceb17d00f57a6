/*
 * Chain history store and its text file.
 *
 * DESIGN
 *
 * A table holds the series of one record kind, sorted by symbol (strcmp
 * order); a series holds that symbol's days sorted by day, without
 * duplicates.  Recording today's values appends to each series, so the usual
 * upsert costs a binary search; only a symbol never seen before moves the
 * table's tail.
 *
 * Loading reads every good line into a flat array first and sorts it by
 * (kind, symbol, day, line) before filling the tables: the tables then only
 * ever grow at their ends, so even a shuffled file of the maximum size loads
 * in O(n log n), and for a key written twice the later line wins, as it would
 * have had the lines been recorded in order.
 *
 * Numbers are read and written in the C locale (tapedeck runs under the
 * user's locale, whose decimal point may be a comma) through a locale object
 * of the call, never by changing the process locale.  Reals are written with
 * the fewest digits that read back to the same double, so a round trip is
 * exact; whole numbers are written as integers.
 */
#include "history.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../core/config.h"
#include "../core/fsutil.h"
#include "../core/text.h"
#include "../core/time.h"

#define TD_HIST_MAGIC "tapedeck-history "
#define TD_HIST_VERSION "1"
#define TD_HIST_LINE_MAX 256      /* bytes of a line with its NUL; longer lines are bad */
#define TD_HIST_FIELDS_MAX 8      /* fields split out of a line; more only count */
#define TD_HIST_QUOTE 40          /* bytes of outside text quoted in a message */
#define TD_HIST_PRICE_MAX 1e12
#define TD_HIST_IV_MAX 100.0
#define TD_HIST_WHOLE_MAX 9007199254740992.0  /* 2^53: every whole number up to it is exact */
#define TD_HIST_PATH_MAX 4096
#define TD_HIST_MSG_LEN 512

enum { TD_HIST_U, TD_HIST_C, TD_HIST_KINDS };

/* One day of one symbol: v[] is atm_iv, close for U; oi, premium, volume for C. */
typedef struct td_hist_rec {
	int64_t day;
	double v[3];
} td_hist_rec;

typedef struct td_hist_series {
	char sym[TD_HISTORY_SYMBOL_MAX + 1];
	td_hist_rec *rec;   /* n records sorted by day */
	size_t n, cap;
} td_hist_series;

typedef struct td_hist_table {
	td_hist_series *s;  /* n series sorted by symbol */
	size_t n, cap;
} td_hist_table;

struct td_history {
	td_hist_table t[TD_HIST_KINDS];
	size_t nrec;
	uint64_t bad;
};

/* A parsed line waiting for the sort. */
typedef struct td_hist_flat {
	char sym[TD_HISTORY_SYMBOL_MAX + 1];
	int64_t day;
	double v[3];
	uint32_t line;
	uint8_t kind;
} td_hist_flat;

/* State of one load. */
typedef struct td_hist_load {
	char name[TD_HIST_PATH_MAX];  /* the path, cleaned, for messages */
	td_history_msg_fn *fn;
	void *user;
	locale_t loc;
	uint64_t bad;
	td_hist_flat *flat;
	size_t n, cap;
} td_hist_load;

/* What one number field of a record accepts. */
typedef struct td_hist_field {
	const char *name;   /* for messages */
	bool whole;         /* a whole number, written without decimals */
	double lo, hi;
} td_hist_field;

static const td_hist_field td_hist_fields[TD_HIST_KINDS][3] = {
	[TD_HIST_U] = { { "ATM IV", false, 0, TD_HIST_IV_MAX },
			{ "close", false, -TD_HIST_PRICE_MAX, TD_HIST_PRICE_MAX } },
	[TD_HIST_C] = { { "open interest", true, 0, TD_HIST_WHOLE_MAX },
			{ "premium", false, 0, TD_HIST_PRICE_MAX },
			{ "volume", true, 0, TD_HIST_WHOLE_MAX } },
};

static const int td_hist_nvals[TD_HIST_KINDS] = { 2, 3 };
static const char td_hist_tag[TD_HIST_KINDS] = { 'U', 'C' };

/* p (room for *cap items of elem bytes) with room for need; NULL when out of memory, p intact. */
static void *grow(void *p, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return p;
	size_t ncap = *cap ? *cap : 8;
	while (ncap < need)
		ncap *= 2;
	void *q = reallocarray(p, ncap, elem);
	if (q)
		*cap = ncap;
	return q;
}

/* Index of the first series whose symbol is not below sym. */
static size_t table_lower(const td_hist_table *t, const char *sym)
{
	size_t lo = 0, hi = t->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(t->s[mid].sym, sym) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The series of sym, or NULL. */
static const td_hist_series *table_find(const td_hist_table *t, const char *sym)
{
	if (!sym)
		return NULL;
	size_t i = table_lower(t, sym);
	return i < t->n && strcmp(t->s[i].sym, sym) == 0 ? &t->s[i] : NULL;
}

/* The series of sym, added empty when missing; NULL when out of memory. */
static td_hist_series *table_get(td_hist_table *t, const char *sym)
{
	size_t i = table_lower(t, sym);
	if (i < t->n && strcmp(t->s[i].sym, sym) == 0)
		return &t->s[i];
	td_hist_series *grown = grow(t->s, &t->cap, t->n + 1, sizeof *t->s);
	if (!grown)
		return NULL;
	t->s = grown;
	memmove(&t->s[i + 1], &t->s[i], (t->n - i) * sizeof *t->s);
	t->n++;
	memset(&t->s[i], 0, sizeof t->s[i]);
	td_strlcpy(t->s[i].sym, sym, sizeof t->s[i].sym);
	return &t->s[i];
}

/* Index of the first record of s dated on or after day. */
static size_t series_lower(const td_hist_series *s, int64_t day)
{
	size_t lo = 0, hi = s->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->rec[mid].day < day)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Insert or replace r in s; 1 when added, 0 when replaced, -1 out of memory. */
static int series_put(td_hist_series *s, const td_hist_rec *r)
{
	size_t i = s->n && s->rec[s->n - 1].day < r->day ? s->n : series_lower(s, r->day);
	if (i < s->n && s->rec[i].day == r->day) {
		s->rec[i] = *r;
		return 0;
	}
	td_hist_rec *grown = grow(s->rec, &s->cap, s->n + 1, sizeof *s->rec);
	if (!grown)
		return -1;
	s->rec = grown;
	memmove(&s->rec[i + 1], &s->rec[i], (s->n - i) * sizeof *s->rec);
	s->rec[i] = *r;
	s->n++;
	return 1;
}

/* Upsert r under sym in table kind; 0, or -1 with err. */
static int history_put(td_history *h, int kind, const char *sym, const td_hist_rec *r, char *err,
		       size_t errlen)
{
	if (h->nrec >= TD_HISTORY_MAX_RECORDS)
		return td_errf(err, errlen, "history full: %d records", TD_HISTORY_MAX_RECORDS);
	td_hist_table *t = &h->t[kind];
	size_t before = t->n;
	td_hist_series *s = table_get(t, sym);
	int rc = s ? series_put(s, r) : -1;
	if (rc < 0) {
		if (s && t->n > before && s->n == 0) {
			size_t i = (size_t)(s - t->s);
			memmove(&t->s[i], &t->s[i + 1], (t->n - i - 1) * sizeof *t->s);
			t->n--;
		}
		return td_errf(err, errlen, "out of memory");
	}
	h->nrec += (size_t)rc;
	return 0;
}

td_history *td_history_new(void)
{
	return calloc(1, sizeof(td_history));
}

void td_history_free(td_history *h)
{
	if (!h)
		return;
	for (int k = 0; k < TD_HIST_KINDS; k++) {
		for (size_t i = 0; i < h->t[k].n; i++)
			free(h->t[k].s[i].rec);
		free(h->t[k].s);
	}
	free(h);
}

uint64_t td_history_bad_lines(const td_history *h)
{
	return h->bad;
}

size_t td_history_size(const td_history *h)
{
	return h->nrec;
}

/* Why sym cannot be a symbol, or NULL when it can. */
static const char *symbol_problem(const char *sym)
{
	char clean[TD_HISTORY_SYMBOL_MAX + 1];
	if (!sym || !*sym)
		return "empty symbol";
	if (strlen(sym) > TD_HISTORY_SYMBOL_MAX)
		return "symbol longer than 31 bytes";
	/* sanitising drops controls and turns bad bytes into '?', so any change is a fault */
	td_text_sanitize(clean, sizeof clean, sym);
	if (strcmp(clean, sym) != 0)
		return "control character or invalid UTF-8 in symbol";
	return NULL;
}

/* Whether day can be written as a four-digit year date. */
static bool day_writable(int64_t day)
{
	return day >= td_days_from_civil(0, 1, 1) && day <= td_days_from_civil(9999, 12, 31);
}

/* Why v does not fit field f, or NULL when it does (NaN always fits). */
static const char *value_problem(const td_hist_field *f, double v)
{
	if (isnan(v))
		return NULL;
	if (!isfinite(v))
		return "infinite; write nan for a missing value";
	if (v < f->lo || v > f->hi)
		return "out of range";
	if (f->whole && v != floor(v))
		return "not a whole number";
	return NULL;
}

/* Check and store one record given through the API. */
static int put_checked(td_history *h, int kind, const char *sym, const td_hist_rec *r, char *err,
		       size_t errlen)
{
	const char *why = symbol_problem(sym);
	if (why)
		return td_errf(err, errlen, "%s", why);
	if (!day_writable(r->day))
		return td_errf(err, errlen, "day %" PRId64 " outside years 0000-9999", r->day);
	for (int i = 0; i < td_hist_nvals[kind]; i++) {
		const td_hist_field *f = &td_hist_fields[kind][i];
		if ((why = value_problem(f, r->v[i])) != NULL)
			return td_errf(err, errlen, "bad %s %g: %s", f->name, r->v[i], why);
	}
	return history_put(h, kind, sym, r, err, errlen);
}

int td_history_put_underlying(td_history *h, const char *sym, const td_history_underlying_day *d,
			      char *err, size_t errlen)
{
	td_hist_rec r = { .day = d->day, .v = { d->atm_iv, d->close, NAN } };
	return put_checked(h, TD_HIST_U, sym, &r, err, errlen);
}

int td_history_put_contract(td_history *h, const char *sym, const td_history_contract_day *d,
			    char *err, size_t errlen)
{
	td_hist_rec r = { .day = d->day, .v = { d->oi, d->premium, d->volume } };
	return put_checked(h, TD_HIST_C, sym, &r, err, errlen);
}

/* The latest record of sym in kind dated before `before`, or NULL. */
static const td_hist_rec *prev_rec(const td_history *h, int kind, const char *sym, int64_t before)
{
	const td_hist_series *s = table_find(&h->t[kind], sym);
	if (!s)
		return NULL;
	size_t i = series_lower(s, before);
	return i ? &s->rec[i - 1] : NULL;
}

int td_history_underlying_prev(const td_history *h, const char *sym, int64_t before,
			       td_history_underlying_day *out)
{
	const td_hist_rec *r = prev_rec(h, TD_HIST_U, sym, before);
	if (!r)
		return -1;
	*out = (td_history_underlying_day){ .day = r->day, .atm_iv = r->v[0], .close = r->v[1] };
	return 0;
}

int td_history_contract_prev(const td_history *h, const char *sym, int64_t before,
			     td_history_contract_day *out)
{
	const td_hist_rec *r = prev_rec(h, TD_HIST_C, sym, before);
	if (!r)
		return -1;
	*out = (td_history_contract_day){ .day = r->day, .oi = r->v[0], .premium = r->v[1],
					  .volume = r->v[2] };
	return 0;
}

/* day - n without overflow, for window starts. */
static int64_t day_minus(int64_t day, int64_t n)
{
	int64_t r;
	return __builtin_sub_overflow(day, n, &r) ? INT64_MIN : r;
}

/* Min, max and days of the known IVs of s in [from, to), and the count below iv. */
static void iv_window(const td_hist_series *s, int64_t from, int64_t to, double iv,
		      td_history_ivstat *out, int *below)
{
	*below = 0;
	for (size_t i = series_lower(s, from); i < s->n && s->rec[i].day < to; i++) {
		double v = s->rec[i].v[0];
		if (isnan(v))
			continue;
		if (out->days == 0 || v < out->lo)
			out->lo = v;
		if (out->days == 0 || v > out->hi)
			out->hi = v;
		out->days++;
		*below += v < iv;
	}
}

int td_history_iv_stats(const td_history *h, const char *sym, int64_t day, double iv_now,
			int lookback_days, int min_days, td_history_ivstat *out)
{
	*out = (td_history_ivstat){ .rank = NAN, .percentile = NAN, .lo = NAN, .hi = NAN };
	if (lookback_days < 1)
		return out->why = "lookback shorter than one day", -1;
	const td_hist_series *s = table_find(&h->t[TD_HIST_U], sym);
	int below = 0;
	if (s)
		iv_window(s, day_minus(day, lookback_days), day, iv_now, out, &below);
	if (isnan(iv_now) || iv_now < 0)
		return out->why = "no current IV", -1;
	if (out->days < (min_days > 1 ? min_days : 1))
		return out->why = "too few days of IV history", -1;
	out->percentile = 100.0 * below / out->days;
	if (out->hi == out->lo)
		return out->why = "IV did not move over the lookback", -1;
	/* Beyond the range is a new high or low: what the rank would be with today included. */
	double rank = (iv_now - out->lo) / (out->hi - out->lo) * 100.0;
	out->rank = rank < 0 ? 0 : rank > 100 ? 100 : rank;
	return 0;
}

double td_history_volume_mean(const td_history *h, const char *sym, int64_t before, int ndays,
			      int *used)
{
	const td_hist_series *s = table_find(&h->t[TD_HIST_C], sym);
	double sum = 0;
	int n = 0;
	for (size_t i = s ? series_lower(s, before) : 0; s && i > 0 && n < ndays; i--) {
		double v = s->rec[i - 1].v[2];
		if (!isnan(v)) {
			sum += v;
			n++;
		}
	}
	if (used)
		*used = n;
	return n ? sum / n : NAN;
}

/* ---- loading ---- */

/* Count a bad line and pass its message on while under the limit. */
__attribute__((format(printf, 3, 4)))
static void load_bad(td_hist_load *ld, uint64_t line, const char *f, ...)
{
	ld->bad++;
	if (!ld->fn || ld->bad > TD_HISTORY_MSG_MAX)
		return;
	char what[TD_HIST_MSG_LEN], msg[TD_HIST_PATH_MAX + TD_HIST_MSG_LEN + 32];
	va_list ap;
	va_start(ap, f);
	vsnprintf(what, sizeof what, f, ap);
	va_end(ap);
	snprintf(msg, sizeof msg, "%s:%" PRIu64 ": %s", ld->name, line, what);
	ld->fn(msg, ld->user);
}

/* Clean outside text for quoting in a message. */
static const char *quote(char buf[TD_HIST_QUOTE], const char *s)
{
	td_text_sanitize(buf, TD_HIST_QUOTE, s);
	return buf;
}

/* Whether s is [-]digits[.digits][e[+-]digits] with a digit in the mantissa. */
static bool real_syntax(const char *s)
{
	size_t digits = 0;
	if (*s == '-')
		s++;
	for (; *s >= '0' && *s <= '9'; s++)
		digits++;
	if (*s == '.')
		for (s++; *s >= '0' && *s <= '9'; s++)
			digits++;
	if (!digits)
		return false;
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '+' || *s == '-')
			s++;
		if (*s < '0' || *s > '9')
			return false;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	return *s == '\0';
}

/* Read field text s as field f into *v; NULL, or why it is bad. */
static const char *parse_value(const td_hist_load *ld, const td_hist_field *f, const char *s,
			       double *v)
{
	if (!*s)
		return "empty; write nan for a missing value";
	if (strcasecmp(s, "nan") == 0) {
		*v = NAN;
		return NULL;
	}
	const char *t = *s == '-' || *s == '+' ? s + 1 : s;
	if (strcasecmp(t, "inf") == 0 || strcasecmp(t, "infinity") == 0)
		return "infinite; write nan for a missing value";
	if (f->whole ? strspn(s, "0123456789") != strlen(s) : !real_syntax(s))
		return f->whole ? "not a whole number" : "not a number";
	*v = strtod_l(s, NULL, ld->loc);
	return isfinite(*v) ? value_problem(f, *v) : "out of range";
}

/* Split line at tabs into fld (up to TD_HIST_FIELDS_MAX); the number of fields. */
static int split(char *line, char *fld[TD_HIST_FIELDS_MAX])
{
	int nf = 0;
	for (char *p = line;;) {
		char *tab = strchr(p, '\t');
		if (nf < TD_HIST_FIELDS_MAX)
			fld[nf] = p;
		nf++;
		if (!tab)
			return nf;
		*tab = '\0';
		p = tab + 1;
	}
}

/* 1-based field number of byte offset `at` of line (tabs before it, plus one). */
static int column_at(const char *line, size_t at)
{
	int col = 1;
	for (size_t i = 0; i < at; i++)
		col += line[i] == '\t';
	return col;
}

/* Parse one record line into *r; 0, or -1 after reporting it. */
static int parse_record(td_hist_load *ld, uint64_t no, char *line, td_hist_flat *r)
{
	char *fld[TD_HIST_FIELDS_MAX], q[TD_HIST_QUOTE];
	int nf = split(line, fld);
	int kind = !strcmp(fld[0], "U") ? TD_HIST_U : !strcmp(fld[0], "C") ? TD_HIST_C : -1;
	if (kind < 0)
		return load_bad(ld, no, "unknown record type '%s', expected U or C (column 1)",
				quote(q, fld[0])), -1;
	int want = 3 + td_hist_nvals[kind];
	if (nf != want)
		return load_bad(ld, no, "expected %d fields in a %c record, found %d (column %d)",
				want, td_hist_tag[kind], nf, nf < want ? nf + 1 : want + 1), -1;
	const char *why;
	if (td_date_parse(fld[1], &r->day, &why) < 0)
		return load_bad(ld, no, "bad date '%s': %s (column 2)", quote(q, fld[1]), why), -1;
	if ((why = symbol_problem(fld[2])) != NULL)
		return load_bad(ld, no, "%s (column 3)", why), -1;
	td_strlcpy(r->sym, fld[2], sizeof r->sym);
	r->v[2] = NAN;
	for (int i = 0; i < td_hist_nvals[kind]; i++) {
		const td_hist_field *f = &td_hist_fields[kind][i];
		if ((why = parse_value(ld, f, fld[3 + i], &r->v[i])) != NULL)
			return load_bad(ld, no, "bad %s '%s': %s (column %d)", f->name,
					quote(q, fld[3 + i]), why, 4 + i), -1;
	}
	r->kind = (uint8_t)kind;
	r->line = (uint32_t)no;
	return 0;
}

/* Read one line without its '\n'; its length, -1 at end of file, -2 when too long. */
static long read_line(FILE *f, char *buf, size_t n)
{
	size_t len = 0;
	bool too_long = false;
	int c;
	while ((c = getc_unlocked(f)) != EOF && c != '\n') {
		if (len + 1 < n)
			buf[len++] = (char)c;
		else
			too_long = true;
	}
	buf[len] = '\0';
	if (too_long)
		return -2;
	if (c == EOF && len == 0)
		return -1;
	return (long)len;
}

/* Handle line number no (raw length len); -1 only when out of memory. */
static int load_line(td_hist_load *ld, uint64_t no, char *line, long len)
{
	if (len == -2)
		return load_bad(ld, no, "line longer than %d bytes (column %d)", TD_HIST_LINE_MAX - 1,
				column_at(line, strlen(line))), 0;
	const char *nul = memchr(line, '\0', (size_t)len);
	if (nul)
		return load_bad(ld, no, "NUL byte in the line (column %d)",
				column_at(line, (size_t)(nul - line))), 0;
	if (len > 0 && line[len - 1] == '\r')
		line[len - 1] = '\0';
	if (!*line || *line == '#')
		return 0;
	td_hist_flat r;
	if (parse_record(ld, no, line, &r) < 0)
		return 0;
	td_hist_flat *grown = grow(ld->flat, &ld->cap, ld->n + 1, sizeof *ld->flat);
	if (!grown)
		return -1;
	ld->flat = grown;
	ld->flat[ld->n++] = r;
	return 0;
}

/* Check the version line; 0, or -1 with err. */
static int load_header(const td_hist_load *ld, char *line, long len, char *err, size_t errlen)
{
	char q[TD_HIST_QUOTE];
	size_t mlen = strlen(TD_HIST_MAGIC);
	if (len < 0 || memchr(line, '\0', (size_t)len) || strncmp(line, TD_HIST_MAGIC, mlen) != 0)
		return td_errf(err, errlen, "%s:1: not a tapedeck history file (the first line "
			       "should be '" TD_HIST_MAGIC TD_HIST_VERSION "')", ld->name);
	if (line[len - 1] == '\r')
		line[len - 1] = '\0';
	if (strcmp(line + mlen, TD_HIST_VERSION) != 0)
		return td_errf(err, errlen, "%s:1: unsupported history version '%s' (this build "
			       "reads version " TD_HIST_VERSION ")", ld->name,
			       quote(q, line + mlen));
	return 0;
}

/* Order of the load: kind, symbol, day, then line so that a later line wins. */
static int flat_cmp(const void *pa, const void *pb)
{
	const td_hist_flat *a = pa, *b = pb;
	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	int c = strcmp(a->sym, b->sym);
	if (c)
		return c;
	if (a->day != b->day)
		return a->day < b->day ? -1 : 1;
	return a->line < b->line ? -1 : a->line > b->line;
}

/* Move the sorted lines into h; 0, or -1 with err. */
static int load_fill(td_hist_load *ld, td_history *h, char *err, size_t errlen)
{
	if (ld->n)
		qsort(ld->flat, ld->n, sizeof *ld->flat, flat_cmp);
	for (size_t i = 0; i < ld->n; i++) {
		const td_hist_flat *f = &ld->flat[i];
		td_hist_rec r = { .day = f->day, .v = { f->v[0], f->v[1], f->v[2] } };
		if (history_put(h, f->kind, f->sym, &r, err, errlen) < 0)
			return -1;
	}
	return 0;
}

/* Read every line of f into ld; 0, or -1 with err. */
static int load_lines(td_hist_load *ld, FILE *f, char *err, size_t errlen)
{
	char line[TD_HIST_LINE_MAX];
	long len = read_line(f, line, sizeof line);
	if (len == -1 && !ferror(f))
		return 0;  /* an empty file is an empty history */
	if (!ferror(f) && load_header(ld, line, len, err, errlen) < 0)
		return -1;
	uint64_t no = 1;
	while (!ferror(f) && (len = read_line(f, line, sizeof line)) != -1) {
		if (++no > TD_HISTORY_MAX_LINES)
			return td_errf(err, errlen, "%s: more than %d lines; refusing a file this "
				       "large", ld->name, TD_HISTORY_MAX_LINES);
		if (load_line(ld, no, line, len) < 0)
			return td_errf(err, errlen, "%s:%" PRIu64 ": out of memory", ld->name, no);
	}
	if (ferror(f))
		return td_errf(err, errlen, "%s: read error: %s", ld->name, strerror(errno));
	return 0;
}

/* Open path for reading as a regular file within the size limit; NULL with err or *missing. */
static FILE *open_regular(const td_hist_load *ld, const char *path, bool *missing, char *err,
			  size_t errlen)
{
	/* O_NONBLOCK so that a FIFO put in the file's place cannot hang the open */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	struct stat st;
	*missing = fd < 0 && errno == ENOENT;
	if (fd < 0) {
		td_errf(err, errlen, "%s: %s", ld->name, strerror(errno));
		return NULL;
	}
	const char *why = fstat(fd, &st) < 0 ? strerror(errno)
			  : !S_ISREG(st.st_mode) ? "not a regular file"
			  : st.st_size > TD_HISTORY_MAX_BYTES ? "larger than 256 MiB; refusing it"
			  : NULL;
	FILE *f = why ? NULL : fdopen(fd, "r");
	if (!f) {
		td_errf(err, errlen, "%s: %s", ld->name, why ? why : strerror(errno));
		close(fd);
	}
	return f;
}

td_history *td_history_open(const char *path, td_history_msg_fn *fn, void *user, char *err,
			    size_t errlen)
{
	td_hist_load ld = { .fn = fn, .user = user };
	td_text_sanitize(ld.name, sizeof ld.name, path);
	td_history *h = td_history_new();
	if (!h) {
		td_errf(err, errlen, "out of memory");
		return NULL;
	}
	bool missing;
	FILE *f = open_regular(&ld, path, &missing, err, errlen);
	if (!f) {
		if (missing)
			return h;  /* no history yet */
		td_history_free(h);
		return NULL;
	}
	ld.loc = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
	int rc = ld.loc ? load_lines(&ld, f, err, errlen)
			: td_errf(err, errlen, "%s: no C locale: %s", ld.name, strerror(errno));
	fclose(f);
	if (rc == 0)
		rc = load_fill(&ld, h, err, errlen);
	if (ld.bad > TD_HISTORY_MSG_MAX && fn && rc == 0) {
		char msg[TD_HIST_PATH_MAX + 96];
		snprintf(msg, sizeof msg, "%s: %" PRIu64 " more bad lines skipped without a message",
			 ld.name, ld.bad - TD_HISTORY_MSG_MAX);
		fn(msg, user);
	}
	if (ld.loc)
		freelocale(ld.loc);
	free(ld.flat);
	if (rc < 0) {
		td_history_free(h);
		return NULL;
	}
	h->bad = ld.bad;
	return h;
}

/* ---- saving ---- */

/* Drop the records of t dated before cutoff, and the series left empty. */
static size_t prune_table(td_hist_table *t, int64_t cutoff)
{
	size_t dropped = 0, kept = 0;
	for (size_t i = 0; i < t->n; i++) {
		td_hist_series *s = &t->s[i];
		size_t cut = series_lower(s, cutoff);
		memmove(s->rec, s->rec + cut, (s->n - cut) * sizeof *s->rec);
		s->n -= cut;
		dropped += cut;
		if (s->n == 0)
			free(s->rec);
		else
			t->s[kept++] = *s;
	}
	t->n = kept;
	return dropped;
}

/* Write v as the fewest significant digits that read back as v ("nan" for NaN). */
static void fmt_real(char *buf, size_t n, double v, locale_t loc)
{
	if (isnan(v)) {
		snprintf(buf, n, "nan");
		return;
	}
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(buf, n, "%.*g", prec, v);
		if (strtod_l(buf, NULL, loc) == v)
			return;
	}
}

/* Write field f's value v. */
static void fmt_value(char *buf, size_t n, const td_hist_field *f, double v, locale_t loc)
{
	if (f->whole && !isnan(v))
		snprintf(buf, n, "%" PRId64, (int64_t)v);
	else
		fmt_real(buf, n, v, loc);
}

/* Write one record line. */
static void write_rec(FILE *f, int kind, const char *sym, const td_hist_rec *r, locale_t loc)
{
	int y, m, d;
	char num[3][40];
	td_civil_from_days(r->day, &y, &m, &d);
	for (int i = 0; i < td_hist_nvals[kind]; i++)
		fmt_value(num[i], sizeof num[i], &td_hist_fields[kind][i], r->v[i], loc);
	fprintf(f, "%c\t%04d-%02d-%02d\t%s\t%s\t%s", td_hist_tag[kind], y, m, d, sym, num[0],
		num[1]);
	if (td_hist_nvals[kind] == 3)
		fprintf(f, "\t%s", num[2]);
	fputc('\n', f);
}

/* Write every record of h to f, in the C locale for the decimal point. */
static void write_all(const td_history *h, FILE *f, locale_t loc)
{
	locale_t old = uselocale(loc);
	fputs(TD_HIST_MAGIC TD_HIST_VERSION "\n"
	      "# U\tdate\tunderlying\tatm_iv\tclose\n"
	      "# C\tdate\tcontract\topen_interest\tpremium\tvolume\n", f);
	for (int k = 0; k < TD_HIST_KINDS; k++)
		for (size_t i = 0; i < h->t[k].n; i++)
			for (size_t j = 0; j < h->t[k].s[i].n; j++)
				write_rec(f, k, h->t[k].s[i].sym, &h->t[k].s[i].rec[j], loc);
	uselocale(old);
}

/* Write h into the new file tmp; 0, or -1 with errno. */
static int write_tmp(const td_history *h, const char *tmp, locale_t loc)
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
	write_all(h, f, loc);
	int rc = fflush(f) == 0 && !ferror(f) && fsync(fd) == 0 ? 0 : -1;
	int e = errno;
	if (fclose(f) != 0 && rc == 0)
		return -1;
	return errno = e, rc;
}

int td_history_save(td_history *h, const char *path, int64_t today, int keep_contract_days,
		    int keep_underlying_days, char *err, size_t errlen)
{
	char name[TD_HIST_PATH_MAX], tmp[TD_HIST_PATH_MAX];
	td_text_sanitize(name, sizeof name, path);
	if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp", path) >= sizeof tmp)
		return td_errf(err, errlen, "%s: path too long", name);
	if (keep_contract_days >= 0)
		h->nrec -= prune_table(&h->t[TD_HIST_C], day_minus(today, keep_contract_days));
	if (keep_underlying_days >= 0)
		h->nrec -= prune_table(&h->t[TD_HIST_U], day_minus(today, keep_underlying_days));
	if (td_fs_make_parents(path) != 0)
		return td_errf(err, errlen, "%s: cannot create its directory: %s", name,
			       strerror(errno));
	locale_t loc = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
	if (!loc)
		return td_errf(err, errlen, "%s: no C locale: %s", name, strerror(errno));
	int rc = write_tmp(h, tmp, loc);
	freelocale(loc);
	if (rc != 0 || rename(tmp, path) != 0) {
		int e = errno;
		unlink(tmp);
		return td_errf(err, errlen, "%s: cannot write: %s", name, strerror(e));
	}
	if (td_fs_sync_parent(path) != 0)
		return td_errf(err, errlen, "%s: saved, but syncing its directory failed: %s", name,
			       strerror(errno));
	return 0;
}

int td_history_default_path(char *buf, size_t n)
{
	char dir[TD_HIST_PATH_MAX];
	if (td_config_state_dir(dir, sizeof dir) != 0)
		return -1;
	int w = snprintf(buf, n, "%s/history.tsv", dir);
	return w < 0 || (size_t)w >= n ? -1 : 0;
}
