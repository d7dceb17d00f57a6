/*
 * Cleaning outside text.
 *
 * UTF-8 is validated by table 3-7 of the Unicode Standard (section 3.9):
 * the second byte's range depends on the lead byte, which is what rules out
 * overlong forms, surrogates and code points past U+10FFFF.  Each byte of an
 * invalid or truncated sequence becomes one '?', so the damage stays visible
 * and the output never grows past the input.
 */
#include "text.h"

#include <stdarg.h>
#include <stdio.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/*
 * Length of the valid UTF-8 sequence at s (1 to 4), or 0 when the bytes at s
 * do not start one.  Never reads past a NUL.
 */
static size_t td_utf8_len(const unsigned char *s)
{
	unsigned char c = s[0];
	size_t len;
	unsigned char lo = 0x80, hi = 0xBF;  /* allowed range of the second byte */

	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		len = 2;
	else if (c >= 0xE0 && c <= 0xEF)
		len = 3;
	else if (c >= 0xF0 && c <= 0xF4)
		len = 4;
	else
		return 0;  /* continuation byte, C0/C1 overlong lead, or F5..FF */

	if (c == 0xE0)
		lo = 0xA0;  /* overlong below U+0800 */
	else if (c == 0xED)
		hi = 0x9F;  /* surrogates U+D800..U+DFFF */
	else if (c == 0xF0)
		lo = 0x90;  /* overlong below U+10000 */
	else if (c == 0xF4)
		hi = 0x8F;  /* past U+10FFFF */

	if (s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xBF)
			return 0;
	return len;
}

/* Whether the valid sequence of length len at s is a control character. */
static bool td_is_control(const unsigned char *s, size_t len)
{
	if (len == 1)
		return s[0] < 0x20 || s[0] == 0x7F;
	/* C1 controls U+0080..U+009F are encoded C2 80..C2 9F */
	return len == 2 && s[0] == 0xC2 && s[1] <= 0x9F;
}

/* Copy src into dst, keeping only printable, valid UTF-8 that fits whole. */
size_t td_text_sanitize(char *dst, size_t n, const char *src)
{
	if (n == 0)
		return 0;
	const unsigned char *s = (const unsigned char *)src;
	size_t out = 0;

	while (*s) {
		size_t len = td_utf8_len(s);
		if (len != 0 && td_is_control(s, len)) {
			s += len;
			continue;
		}
		const char *bytes = len ? (const char *)s : "?";
		size_t put = len ? len : 1;
		if (out + put > n - 1)
			break;  /* stop rather than split a character */
		memcpy(dst + out, bytes, put);
		out += put;
		s += len ? len : 1;
	}
	dst[out] = '\0';
	return out;
}

/* BSD strlcpy: copy what fits, terminate, return the source length. */
size_t td_strlcpy(char *dst, const char *src, size_t n)
{
	size_t len = strlen(src);
	if (n > 0) {
		size_t k = len < n - 1 ? len : n - 1;
		memcpy(dst, src, k);
		dst[k] = '\0';
	}
	return len;
}

int td_errf(char *err, size_t errlen, const char *fmt, ...)
{
	if (err && errlen) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

void td_chomp(char *s)
{
	size_t n = strlen(s);
	while (n && (s[n - 1] == '\n' || s[n - 1] == '\r'))
		s[--n] = '\0';
}

char *td_trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = '\0';
	return s;
}

char **td_split_csv(char *line, size_t *n)
{
	size_t cap = 1;
	for (const char *p = line; *p; p++)
		cap += *p == ',';
	char **f = malloc(cap * sizeof *f);
	if (!f)
		return NULL;
	size_t k = 0;
	for (char *p = line;;) {
		char *c = strchr(p, ',');
		if (c)
			*c = '\0';
		f[k++] = td_trim(p);
		if (!c)
			break;
		p = c + 1;
	}
	*n = k;
	return f;
}
