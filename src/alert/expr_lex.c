/*
 * The alert rule lexer: text to tokens.  The language is ASCII; numbers are
 * read digit by digit (never through strtod, whose decimal point follows
 * the locale), and every token keeps its column for the error messages.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "alert/expr_cc.h"

/* Keyword tokens, in the order of td_alert_keywords. */
static const uint8_t keyword_tok[] = { TK_AND, TK_OR, TK_NOT, TK_CROSSES, TK_ABOVE, TK_BELOW, TK_FOR, TK_WITHIN };

/* Record the first error; -1. */
int td_alert_fail(struct td_alert_cc *c, int col, int len, const char *fmt, ...)
{
	if (c->failed)
		return -1;
	c->failed = true;
	if (!c->err)
		return -1;
	c->err->column = col;
	c->err->length = col > 0 && len < 1 ? 1 : len;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->err->msg, sizeof(c->err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

static bool is_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

static bool is_alpha(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_';
}

static bool is_word(char ch)
{
	return is_alpha(ch) || is_digit(ch);
}

/* Characters of an unquoted symbol after '@'. */
static bool is_sym(char ch)
{
	return is_word(ch) || ch == '.' || ch == '/' || ch == '^';
}

/* Add a token of len bytes at 0-based start. */
static int push_tok(struct td_alert_cc *c, uint8_t kind, int start, int len, double num, bool integer)
{
	if (c->ntok >= MAX_TOKENS)
		return td_alert_fail(c, start + 1, len, "too many tokens");
	c->tok[c->ntok++] = (struct tok){ .kind = kind, .col = start + 1, .len = len, .num = num, .integer = integer };
	return 0;
}

/* Exactly two digits at s[i]: their value, or -1. */
static int two_digits(const char *s, int i)
{
	if (!is_digit(s[i]) || !is_digit(s[i + 1]) || is_digit(s[i + 2]))
		return -1;
	return (s[i] - '0') * 10 + (s[i + 1] - '0');
}

/* A time of day H:MM or H:MM:SS at start; i is at the first ':'. */
static int lex_time(struct td_alert_cc *c, int start, int i, int hours, int hdigits)
{
	const char *s = c->text;
	int end = i;
	while (is_word(s[end]) || s[end] == ':' || s[end] == '.')
		end++;
	int mm = two_digits(s, i + 1), ss = 0, j = i + 3;
	bool ok = hdigits <= 2 && mm >= 0;
	if (ok && s[j] == ':') {
		ss = two_digits(s, j + 1);
		j += 3;
		ok = ss >= 0;
	}
	if (!ok || j != end)
		return td_alert_fail(c, start + 1, end - start, "bad time of day '%.*s': write HH:MM or HH:MM:SS",
				     end - start, s + start);
	if (hours > 23 || mm > 59 || ss > 59)
		return td_alert_fail(c, start + 1, end - start, "time of day '%.*s' out of range 00:00:00 to 23:59:59",
				     end - start, s + start);
	if (push_tok(c, TK_TIME, start, end - start, hours * 3600.0 + mm * 60.0 + ss, true) < 0)
		return -1;
	return end;
}

#define NUM_DIGITS_MAX 18

/* A number, a time of day or a duration at start; returns the index after it, or -1. */
static int lex_number(struct td_alert_cc *c, int start)
{
	static const double pow10[] = { 1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9,
					1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18 };
	const char *s = c->text;
	int i = start, digits = 0, frac = 0;
	uint64_t mant = 0;
	for (; is_digit(s[i]); i++, digits++)
		mant = digits < NUM_DIGITS_MAX ? mant * 10 + (uint64_t)(s[i] - '0') : mant;
	if (s[i] == ':' && is_digit(s[i + 1]) && digits > 0)
		return lex_time(c, start, i, (int)(digits <= 2 ? mant : 99), digits);
	if (s[i] == '.' && is_digit(s[i + 1]))
		for (i++; is_digit(s[i]); i++, digits++, frac++)
			mant = digits < NUM_DIGITS_MAX ? mant * 10 + (uint64_t)(s[i] - '0') : mant;
	int tail = i;
	while (is_word(s[i]) || s[i] == '.')
		i++;
	if (digits > NUM_DIGITS_MAX)
		return td_alert_fail(c, start + 1, i - start, "number '%.*s' has more than %d digits", i - start,
				     s + start, NUM_DIGITS_MAX);
	double v = (double)mant / pow10[frac];
	if (i == tail)
		return push_tok(c, TK_NUM, start, i - start, v, frac == 0) < 0 ? -1 : i;
	static const struct { char unit; double seconds; } units[] = { { 's', 1 }, { 'm', 60 }, { 'h', 3600 } };
	for (size_t u = 0; u < sizeof(units) / sizeof(units[0]); u++)
		if (i == tail + 1 && (s[tail] == units[u].unit || s[tail] == units[u].unit - 'a' + 'A')) {
			if (frac)
				return td_alert_fail(c, start + 1, i - start,
						     "duration '%.*s' must be a whole number of %c", i - start,
						     s + start, units[u].unit);
			return push_tok(c, TK_DUR, start, i - start, v * units[u].seconds, true) < 0 ? -1 : i;
		}
	const char *hint = is_alpha(s[tail]) ? ": a duration is a whole number followed by s, m or h (30s, 2m, 1h)" : "";
	return td_alert_fail(c, start + 1, i - start, "bad number '%.*s'%s", i - start, s + start, hint);
}

/* A name or keyword at start. */
static int lex_word(struct td_alert_cc *c, int start)
{
	int i = start;
	while (is_word(c->text[i]))
		i++;
	uint8_t kind = TK_NAME;
	for (size_t k = 0; k < td_alert_keyword_count; k++)
		if (td_alert_word_is(c->text + start, (size_t)(i - start), td_alert_keywords[k]))
			kind = keyword_tok[k];
	return push_tok(c, kind, start, i - start, 0, false) < 0 ? -1 : i;
}

/* '@' and a symbol, bare or in double quotes. */
static int lex_symbol(struct td_alert_cc *c, int start)
{
	const char *s = c->text;
	int i = start + 1;
	if (s[i] == '"') {
		for (i++; s[i] != '"'; i++)
			if (s[i] < 0x20 || s[i] > 0x7e)
				return td_alert_fail(c, start + 1, i - start, "unterminated quoted symbol");
		i++;
		if (i - start == 3)
			return td_alert_fail(c, start + 1, i - start, "empty symbol after '@'");
	} else {
		while (is_sym(s[i]))
			i++;
		if (i == start + 1)
			return td_alert_fail(c, start + 1, 1, "expected a symbol after '@'");
	}
	return push_tok(c, TK_SYM, start, i - start, 0, false) < 0 ? -1 : i;
}

/* A one- or two-character operator at i. */
static int lex_operator(struct td_alert_cc *c, int i)
{
	static const struct { const char *text; uint8_t kind; const char *hint; } ops[] = {
		{ "<=", TK_LE, NULL }, { ">=", TK_GE, NULL }, { "==", TK_EQ, NULL }, { "!=", TK_NE, NULL },
		{ "<>", TK_END, "use '!=' for not equal" }, { "&&", TK_END, "use 'and'" },
		{ "||", TK_END, "use 'or'" }, { "<", TK_LT, NULL }, { ">", TK_GT, NULL },
		{ "=", TK_END, "use '==' to compare" }, { "!", TK_END, "use 'not'" }, { "&", TK_END, "use 'and'" },
		{ "|", TK_END, "use 'or'" }, { "(", TK_LP, NULL }, { ")", TK_RP, NULL }, { ",", TK_COMMA, NULL },
		{ "+", TK_PLUS, NULL }, { "-", TK_MINUS, NULL }, { "*", TK_STAR, NULL }, { "/", TK_SLASH, NULL },
	};
	const char *s = c->text + i;
	for (size_t k = 0; k < sizeof(ops) / sizeof(ops[0]); k++) {
		int n = (int)strlen(ops[k].text);
		if (strncmp(s, ops[k].text, (size_t)n) != 0)
			continue;
		if (ops[k].hint)
			return td_alert_fail(c, i + 1, n, "unexpected '%s': %s", ops[k].text, ops[k].hint);
		return push_tok(c, ops[k].kind, i, n, 0, false) < 0 ? -1 : i + n;
	}
	unsigned char ch = (unsigned char)*s;
	if (ch < 0x20 || ch > 0x7e)
		return td_alert_fail(c, i + 1, 1, "unexpected byte 0x%02x: rules are plain ASCII text", ch);
	return td_alert_fail(c, i + 1, 1, "unexpected character '%c'", ch);
}

/* Blanks are spaces and tabs; anything else must start a token. */
int td_alert_lex(struct td_alert_cc *c)
{
	const char *s = c->text;
	int i = 0;
	while (i >= 0 && i < c->textlen) {
		if (s[i] == ' ' || s[i] == '\t')
			i++;
		else if (is_digit(s[i]) || (s[i] == '.' && is_digit(s[i + 1])))
			i = lex_number(c, i);
		else if (is_alpha(s[i]))
			i = lex_word(c, i);
		else if (s[i] == '@')
			i = lex_symbol(c, i);
		else
			i = lex_operator(c, i);
	}
	if (i < 0)
		return -1;
	return push_tok(c, TK_END, c->textlen, 1, 0, false);
}
