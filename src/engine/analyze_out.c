/*
 * The analyze row writer: the same calls produce a CSV line or a JSON
 * object, so every subcommand describes its rows once.  Numbers never pass
 * through cJSON's double printer: they go in as raw number text.
 */
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "analyze_int.h"

/* Print "tapedeck: analyze: " and the message with a prefix word. */
static void td_az_vreport(const char *prefix, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
static void td_az_vreport(const char *prefix, const char *fmt, va_list ap)
{
	fprintf(stderr, "tapedeck: analyze: %s", prefix);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void td_az_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	td_az_vreport("", fmt, ap);
	va_end(ap);
}

void td_az_warn(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	td_az_vreport("warning: ", fmt, ap);
	va_end(ap);
}

int td_az_out_init(td_az_out *o, td_az_format fmt, FILE *f)
{
	memset(o, 0, sizeof(*o));
	o->fmt = fmt;
	o->f = f;
	if (fmt == AZ_JSON) {
		o->root = cJSON_CreateObject();
		if (!o->root)
			return -1;
		o->cur = o->root;
	}
	return 0;
}

int td_az_out_finish(td_az_out *o)
{
	int rc = 0;
	if (o->fmt == AZ_JSON && o->root) {
		char *s = cJSON_Print(o->root);
		if (!s)
			rc = 1;
		else
			fprintf(o->f, "%s\n", s);
		cJSON_free(s);
		cJSON_Delete(o->root);
		o->root = o->cur = NULL;
	}
	if (fflush(o->f) != 0 || ferror(o->f)) {
		td_az_error("cannot write the output");
		rc = 1;
	}
	return rc;
}

void td_az_csv_header(td_az_out *o, const char *cols)
{
	if (o->fmt == AZ_CSV)
		fprintf(o->f, "%s\n", cols);
}

void td_az_row_begin(td_az_out *o, cJSON *arr)
{
	if (o->fmt == AZ_CSV) {
		o->cells = 0;
		return;
	}
	cJSON *obj = cJSON_CreateObject();
	if (!cJSON_AddItemToArray(arr, obj)) {
		cJSON_Delete(obj);
		obj = NULL;  /* out of memory: the values of this row are dropped */
	}
	if (o->depth < AZ_OUT_DEPTH)
		o->outer[o->depth] = o->cur;
	o->depth++;
	o->cur = obj;
}

void td_az_row_end(td_az_out *o)
{
	if (o->fmt == AZ_CSV) {
		fputc('\n', o->f);
		return;
	}
	if (o->depth > 0 && --o->depth < AZ_OUT_DEPTH)
		o->cur = o->outer[o->depth];
}

/* A CSV separator before every cell but the first. */
static void csv_sep(td_az_out *o)
{
	if (o->cells++ > 0)
		fputc(',', o->f);
}

/* Write a CSV text cell, quoted (RFC 4180) only when it holds a comma, quote or line break. */
static void csv_text(td_az_out *o, const char *s)
{
	csv_sep(o);
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, o->f);
		return;
	}
	fputc('"', o->f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', o->f);
		fputc(*s, o->f);
	}
	fputc('"', o->f);
}

/* One number already formatted as text: a CSV cell or a raw JSON number. */
static void put_number(td_az_out *o, const char *name, const char *text)
{
	if (o->fmt == AZ_CSV)
		csv_text(o, text);
	else
		cJSON_AddItemToObject(o->cur, name, cJSON_CreateRaw(text));
}

/* An undefined value: an empty cell or null. */
static void put_null(td_az_out *o, const char *name)
{
	if (o->fmt == AZ_CSV)
		csv_sep(o);
	else
		cJSON_AddNullToObject(o->cur, name);
}

void td_az_px(td_az_out *o, const char *name, td_pxfmt f, td_ticks t)
{
	char buf[48];
	if (t == TD_PX_NONE || td_px_format(f, t, buf, sizeof(buf)) < 0) {
		put_null(o, name);
		return;
	}
	put_number(o, name, buf);
}

void td_az_int(td_az_out *o, const char *name, int64_t v)
{
	char buf[32];
	snprintf(buf, sizeof(buf), "%" PRId64, v);
	put_number(o, name, buf);
}

const char *td_az_dtoa(double v, char *buf, size_t n)
{
	for (int digits = 15; digits <= 17; digits++) {
		snprintf(buf, n, "%.*g", digits, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	return buf;
}

void td_az_num(td_az_out *o, const char *name, double v)
{
	char buf[40];
	if (!isfinite(v)) {
		put_null(o, name);
		return;
	}
	put_number(o, name, td_az_dtoa(v, buf, sizeof(buf)));
}

void td_az_fixed(td_az_out *o, const char *name, double v, int decimals)
{
	char buf[64];
	if (!isfinite(v)) {
		put_null(o, name);
		return;
	}
	snprintf(buf, sizeof(buf), "%.*f", decimals, v);
	put_number(o, name, buf);
}

void td_az_str(td_az_out *o, const char *name, const char *s)
{
	if (!s) {
		put_null(o, name);
		return;
	}
	if (o->fmt == AZ_CSV)
		csv_text(o, s);
	else
		cJSON_AddStringToObject(o->cur, name, s);
}

void td_az_flag(td_az_out *o, const char *name, bool b)
{
	if (o->fmt == AZ_CSV) {
		csv_sep(o);
		fputc(b ? '1' : '0', o->f);
	} else {
		cJSON_AddBoolToObject(o->cur, name, b);
	}
}

cJSON *td_az_json_array(td_az_out *o, const char *name)
{
	return o->fmt == AZ_JSON ? cJSON_AddArrayToObject(o->cur, name) : NULL;
}

cJSON *td_az_json_object(td_az_out *o, const char *name)
{
	return o->fmt == AZ_JSON ? cJSON_AddObjectToObject(o->cur, name) : NULL;
}

double td_az_ticks_price(td_pxfmt f, double ticks)
{
	double p10 = 1;
	for (int i = 0; i < f.scale; i++)
		p10 *= 10;
	return ticks * (double)f.tick / p10;
}
