/*
 * analyze indicators: read a bars CSV whole (checked row by row, so a bad
 * row stops the run before anything is printed), then run an indicator
 * list over it and write one row per bar.
 *
 * BARS.csv (doc/analyze.md): a header naming at least time, open, high, low
 * and close (volume optional, other columns ignored, any order, any case);
 * blank lines and lines starting with '#' are skipped; no quoting.  time is
 * YYYY-MM-DD, an ISO-8601 date-time as in the trades CSV, or whole epoch
 * seconds, and must not go backwards.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analytics/indicators.h"
#include "analyze_int.h"

#define AZ_LINE_MAX 4096
#define AZ_MAX_FIELDS 64

enum { AZ_COL_TIME, AZ_COL_OPEN, AZ_COL_HIGH, AZ_COL_LOW, AZ_COL_CLOSE, AZ_COL_VOLUME, AZ_NCOLS };

static const char *const td_az_col_names[AZ_NCOLS] = { "time", "open", "high", "low", "close", "volume" };

/* The bars read, with each row's time text as written. */
typedef struct td_az_barfile {
	td_ind_bar *bar;
	char (*time)[40];
	size_t n, cap;
	int col[AZ_NCOLS];  /* field index of each column; -1 when absent (volume only) */
	int nfields;        /* fields in the header */
} td_az_barfile;

/* Split line at commas in place, trimming spaces and tabs; returns the field count (at most max). */
static int td_az_split(char *line, char **f, int max)
{
	int n = 0;
	char *p = line;
	for (;;) {
		char *comma = strchr(p, ',');
		if (comma)
			*comma = '\0';
		while (*p == ' ' || *p == '\t')
			p++;
		char *e = p + strlen(p);
		while (e > p && (e[-1] == ' ' || e[-1] == '\t'))
			*--e = '\0';
		if (n < max)
			f[n] = p;
		n++;
		if (!comma)
			return n;
		p = comma + 1;
	}
}

/* Parse the header; 0, or 1 after the message. */
static int td_az_bars_header(td_az_barfile *bf, char *line, const char *path, long lineno)
{
	char *f[AZ_MAX_FIELDS];
	if (!isalpha((unsigned char)line[0])) {
		td_az_error("%s:%ld: missing header: expected time,open,high,low,close,volume", path, lineno);
		return 1;
	}
	int n = td_az_split(line, f, AZ_MAX_FIELDS);
	if (n > AZ_MAX_FIELDS) {
		td_az_error("%s:%ld: more than %d columns", path, lineno, AZ_MAX_FIELDS);
		return 1;
	}
	for (int c = 0; c < AZ_NCOLS; c++) {
		bf->col[c] = -1;
		for (int i = 0; i < n; i++)
			if (strcasecmp(f[i], td_az_col_names[c]) == 0 && bf->col[c] < 0)
				bf->col[c] = i;
		if (bf->col[c] < 0 && c != AZ_COL_VOLUME) {
			td_az_error("%s:%ld: the header has no '%s' column (expected time,open,high,low,close,volume)", path,
				 lineno, td_az_col_names[c]);
			return 1;
		}
	}
	bf->nfields = n;
	return 0;
}

/* A bar's time as ns for the order check: a date is its midnight UTC; 0 or -1. */
static int td_az_parse_time(const char *s, td_ns *out)
{
	const char *why;
	int64_t days;
	if (strlen(s) == 10 && td_date_parse(s, &days, &why) == 0) {
		*out = days * TD_NS_PER_DAY;
		return 0;
	}
	if (strlen(s) > 10 && td_time_parse_iso(s, out, &why) == 0)
		return 0;
	const char *p = s + (*s == '-');
	if (!*p || strspn(p, "0123456789") != strlen(p) || strlen(p) > 11)
		return -1;
	*out = strtoll(s, NULL, 10) * TD_NS_PER_SEC;
	return 0;
}

/* A finite decimal number filling the whole field; 0 or -1. */
static int td_az_parse_num(const char *s, double *out)
{
	char *end;
	if (!*s)
		return -1;
	errno = 0;
	*out = strtod(s, &end);
	return (*end || errno == ERANGE || !isfinite(*out)) ? -1 : 0;
}

/* Make room for one more bar; 0 or -1. */
static int td_az_bars_grow(td_az_barfile *bf)
{
	if (bf->n < bf->cap)
		return 0;
	size_t cap = bf->cap ? bf->cap * 2 : 1024;
	td_ind_bar *nb = realloc(bf->bar, cap * sizeof(*nb));
	if (nb)
		bf->bar = nb;
	char(*nt)[40] = nb ? realloc(bf->time, cap * sizeof(*nt)) : NULL;
	if (!nt)
		return -1;
	bf->time = nt;
	bf->cap = cap;
	return 0;
}

/* Parse one data row into a new bar; 0, or 1 after the message. */
static int td_az_bars_row(td_az_barfile *bf, char *line, const char *path, long lineno, td_ns *last)
{
	char *f[AZ_MAX_FIELDS];
	int n = td_az_split(line, f, AZ_MAX_FIELDS);
	if (n != bf->nfields) {
		td_az_error("%s:%ld: expected %d fields, found %d", path, lineno, bf->nfields, n);
		return 1;
	}
	if (td_az_bars_grow(bf) < 0) {
		td_az_error("out of memory reading %s", path);
		return 1;
	}
	const char *ts = f[bf->col[AZ_COL_TIME]];
	td_ns t;
	if (strlen(ts) >= sizeof(bf->time[0]) || td_az_parse_time(ts, &t) < 0) {
		td_az_error("%s:%ld: bad time '%s': expected YYYY-MM-DD, an ISO-8601 date-time or epoch seconds", path,
			 lineno, ts);
		return 1;
	}
	if (bf->n > 0 && t < *last) {
		td_az_error("%s:%ld: time '%s' is before the previous row's", path, lineno, ts);
		return 1;
	}
	*last = t;
	double v[AZ_NCOLS] = { 0 };
	for (int c = AZ_COL_OPEN; c < AZ_NCOLS; c++) {
		if (bf->col[c] >= 0 && td_az_parse_num(f[bf->col[c]], &v[c]) < 0) {
			td_az_error("%s:%ld: bad %s '%s'", path, lineno, td_az_col_names[c], f[bf->col[c]]);
			return 1;
		}
	}
	if (v[AZ_COL_HIGH] < v[AZ_COL_LOW]) {
		td_az_error("%s:%ld: high '%s' is below low '%s'", path, lineno, f[bf->col[AZ_COL_HIGH]],
			 f[bf->col[AZ_COL_LOW]]);
		return 1;
	}
	bf->bar[bf->n] = (td_ind_bar){ v[AZ_COL_OPEN], v[AZ_COL_HIGH], v[AZ_COL_LOW], v[AZ_COL_CLOSE], v[AZ_COL_VOLUME] };
	snprintf(bf->time[bf->n], sizeof(bf->time[0]), "%s", ts);
	bf->n++;
	return 0;
}

/* Strip a line's end (LF, CRLF); -1 when the line did not fit the buffer. */
static int td_az_chomp(char *line, FILE *fp)
{
	size_t len = strlen(line);
	if (len > 0 && line[len - 1] == '\n')
		line[--len] = '\0';
	else if (!feof(fp))
		return -1;
	if (len > 0 && line[len - 1] == '\r')
		line[--len] = '\0';
	return 0;
}

/* Read the whole file; 0, or 1 after the message. */
static int td_az_bars_read(td_az_barfile *bf, const char *path)
{
	FILE *fp = fopen(path, "r");
	if (!fp) {
		td_az_error("cannot open '%s': %s", path, strerror(errno));
		return 1;
	}
	char line[AZ_LINE_MAX];
	long lineno = 0;
	bool header = false;
	int rc = 0;
	td_ns last = 0;
	while (rc == 0 && fgets(line, sizeof(line), fp)) {
		lineno++;
		char *p = line;
		if (lineno == 1 && strncmp(p, "\xEF\xBB\xBF", 3) == 0)
			p += 3;
		if (td_az_chomp(p, fp) < 0) {
			td_az_error("%s:%ld: line longer than %d bytes", path, lineno, AZ_LINE_MAX - 2);
			rc = 1;
		} else if (p[strspn(p, " \t")] == '\0' || p[0] == '#') {
			continue;
		} else if (!header) {
			rc = td_az_bars_header(bf, p, path, lineno);
			header = true;
		} else {
			rc = td_az_bars_row(bf, p, path, lineno, &last);
		}
	}
	if (rc == 0 && ferror(fp)) {
		td_az_error("cannot read '%s': %s", path, strerror(errno));
		rc = 1;
	}
	if (rc == 0 && !header) {
		td_az_error("%s: empty file: expected the header time,open,high,low,close,volume", path);
		rc = 1;
	}
	fclose(fp);
	return rc;
}

/* Write every bar's indicator values. */
static int td_az_ind_write(const td_az_barfile *bf, const td_ind_list *list, td_az_out *out)
{
	size_t nc = td_ind_columns(list, NULL, 0);
	char(*names)[TD_IND_COLNAME_MAX] = calloc(nc ? nc : 1, sizeof(*names));
	double *val = calloc(nc ? nc : 1, sizeof(*val));
	td_ind_set *set = td_ind_set_new(list);
	if (!names || !val || !set) {
		free(names);
		free(val);
		td_ind_set_free(set);
		td_az_error("out of memory");
		return 1;
	}
	td_ind_columns(list, names, nc);
	if (out->fmt == AZ_CSV) {
		fputs("time", out->f);
		for (size_t c = 0; c < nc; c++)
			fprintf(out->f, ",%s", names[c]);
		fputc('\n', out->f);
	}
	cJSON *arr = td_az_json_array(out, "rows");
	for (size_t i = 0; i < bf->n; i++) {
		td_ind_set_update(set, &bf->bar[i], val);  /* checked while reading: finite, high >= low */
		td_az_row_begin(out, arr);
		td_az_str(out, "time", bf->time[i]);
		for (size_t c = 0; c < nc; c++)
			td_az_num(out, names[c], val[c]);
		td_az_row_end(out);
	}
	free(names);
	free(val);
	td_ind_set_free(set);
	return 0;
}

int td_az_run_indicators(const td_az_opts *o, td_az_out *out)
{
	char err[256];
	td_ind_list list;
	if (td_ind_parse(o->ind, &list, err, sizeof(err)) < 0) {
		fprintf(stderr, "tapedeck: analyze: bad --ind: %s\n(try 'tapedeck analyze --help')\n", err);
		return 2;
	}
	td_az_barfile bf = { 0 };
	int rc = td_az_bars_read(&bf, o->in);
	if (rc == 0) {
		if (out->fmt == AZ_JSON) {
			td_az_str(out, "in", o->in);
			td_az_str(out, "ind", o->ind);
		}
		rc = td_az_ind_write(&bf, &list, out);
	}
	free(bf.bar);
	free(bf.time);
	return rc;
}
