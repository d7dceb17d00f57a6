/*
 * Fixed-point prices: decimal text <-> scaled int64 <-> ticks.
 *
 * Text conversion is integer arithmetic with explicit overflow checks.  The
 * magnitude of a parsed value is capped at INT64_MAX on both sides, so
 * INT64_MIN can never come out of a parser and stays free for TD_PX_NONE.
 */
#include "price.h"

#include <math.h>
#include <stdbool.h>
#include <string.h>

static const int64_t td_pow10[TD_PX_MAX_SCALE + 1] = {
	1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000,
};

/* One message per scale, because *err must be static. */
static const char *const td_too_many_decimals[TD_PX_MAX_SCALE + 1] = {
	"decimals not allowed", "more than 1 decimal", "more than 2 decimals",
	"more than 3 decimals", "more than 4 decimals", "more than 5 decimals",
	"more than 6 decimals", "more than 7 decimals", "more than 8 decimals",
	"more than 9 decimals",
};

/* Set *err (when wanted) and return -1, so callers can `return td_fail(...)`. */
static int td_fail(const char **err, const char *msg)
{
	if (err)
		*err = msg;
	return -1;
}

/* Whether f describes a usable tick grid. */
static bool td_pxfmt_ok(td_pxfmt f)
{
	return f.tick > 0 && f.scale >= 0 && f.scale <= TD_PX_MAX_SCALE;
}

/* Append decimal digit d to *mag; false when the result would pass INT64_MAX. */
static bool td_push_digit(uint64_t *mag, unsigned d)
{
	if (*mag > ((uint64_t)INT64_MAX - d) / 10)
		return false;
	*mag = *mag * 10 + d;
	return true;
}

/* Copy len bytes of s into buf like snprintf would; returns len. */
static int td_put(const char *s, size_t len, char *buf, size_t n)
{
	if (n > 0) {
		size_t k = len < n - 1 ? len : n - 1;
		memcpy(buf, s, k);
		buf[k] = '\0';
	}
	return (int)len;
}

/* Parse sign, digits and decimals into an integer scaled by 10^scale. */
int td_dec_parse(const char *s, int scale, int64_t *out, const char **err)
{
	if (scale < 0 || scale > TD_PX_MAX_SCALE)
		return td_fail(err, "scale out of range");
	if (!s || !*s)
		return td_fail(err, "empty number");

	const char *p = s;
	bool neg = false;
	if (*p == '+' || *p == '-')
		neg = *p++ == '-';

	uint64_t mag = 0;
	int digits = 0;
	for (; *p >= '0' && *p <= '9'; p++, digits++)
		if (!td_push_digit(&mag, (unsigned)(*p - '0')))
			return td_fail(err, "number out of range");

	int decimals = 0;
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++, digits++) {
			if (decimals == scale) {
				/* "1.230" at scale 2 is still exactly 1.23 */
				if (*p != '0')
					return td_fail(err, td_too_many_decimals[scale]);
				continue;
			}
			if (!td_push_digit(&mag, (unsigned)(*p - '0')))
				return td_fail(err, "number out of range");
			decimals++;
		}
	}
	if (*p)
		return td_fail(err, "unexpected character in number");
	if (digits == 0)
		return td_fail(err, "no digits in number");

	for (; decimals < scale; decimals++)
		if (!td_push_digit(&mag, 0))
			return td_fail(err, "number out of range");

	*out = neg ? -(int64_t)mag : (int64_t)mag;
	return 0;
}

/* Write a scaled integer right to left into a scratch buffer, then copy it out. */
int td_dec_format(int64_t v, int scale, char *buf, size_t n)
{
	if (scale < 0 || scale > TD_PX_MAX_SCALE) {
		td_put("", 0, buf, n);
		return -1;
	}
	char tmp[32];  /* sign, 19 digits, point, and zeros up to the scale */
	char *end = tmp + sizeof tmp;
	char *p = end;
	/* negate in unsigned arithmetic so INT64_MIN works too */
	uint64_t mag = v < 0 ? -(uint64_t)v : (uint64_t)v;

	for (int i = 0; i < scale; i++, mag /= 10)
		*--p = (char)('0' + mag % 10);
	if (scale > 0)
		*--p = '.';
	do {
		*--p = (char)('0' + mag % 10);
		mag /= 10;
	} while (mag);
	if (v < 0)
		*--p = '-';
	return td_put(p, (size_t)(end - p), buf, n);
}

/* Parse a price and divide it onto the tick grid. */
int td_px_parse(td_pxfmt f, const char *s, td_ticks *out, const char **err)
{
	if (!td_pxfmt_ok(f))
		return td_fail(err, "bad tick size");
	int64_t v;
	if (td_dec_parse(s, f.scale, &v, err) < 0)
		return -1;
	if (v % f.tick != 0)
		return td_fail(err, "price off the tick grid");
	*out = v / f.tick;
	return 0;
}

/* Format ticks as a price; "-" for no price, "?" when it cannot be shown. */
int td_px_format(td_pxfmt f, td_ticks t, char *buf, size_t n)
{
	if (t == TD_PX_NONE)
		return td_put("-", 1, buf, n);
	int64_t v;
	if (!td_pxfmt_ok(f) || __builtin_mul_overflow(t, f.tick, &v)) {
		td_put("?", 1, buf, n);
		return -1;
	}
	return td_dec_format(v, f.scale, buf, n);
}

/* Ticks in price units as a double; NaN for no price. */
double td_px_to_double(td_pxfmt f, td_ticks t)
{
	if (!td_pxfmt_ok(f) || t == TD_PX_NONE)
		return NAN;
	return (double)t * (double)f.tick / (double)td_pow10[f.scale];
}

/* Round a double price to the nearest tick; TD_PX_NONE when it cannot be one. */
td_ticks td_px_from_double(td_pxfmt f, double price)
{
	if (!td_pxfmt_ok(f) || !isfinite(price))
		return TD_PX_NONE;
	double x = price * (double)td_pow10[f.scale] / (double)f.tick;
	if (!(fabs(x) < 0x1p63))
		return TD_PX_NONE;
	return (td_ticks)llround(x);  /* halves round away from zero */
}

/* Parse a tick size; its decimals as written become the display scale. */
int td_pxfmt_parse(const char *tick, td_pxfmt *out, const char **err)
{
	if (!tick || !*tick)
		return td_fail(err, "empty tick size");
	/* the decimals as written are the decimals shown: "0.50" keeps two */
	const char *dot = strchr(tick, '.');
	size_t scale = dot ? strlen(dot + 1) : 0;
	if (scale > TD_PX_MAX_SCALE)
		return td_fail(err, "tick size has more than 9 decimals");
	int64_t v;
	if (td_dec_parse(tick, (int)scale, &v, err) < 0)
		return -1;
	if (v <= 0)
		return td_fail(err, "tick size must be positive");
	*out = (td_pxfmt){ .tick = v, .scale = (int)scale };
	return 0;
}
