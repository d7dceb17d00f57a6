/*
 * Every name an alert rule can use, as data: the facts, the functions, the
 * named constants, the bar fields and the keywords.  The compiler resolves
 * names here, the documentation lists them (doc/alerts.md, checked by a unit
 * test), and a misspelt name gets the nearest one as a suggestion.
 */
#include <math.h>
#include <string.h>

#include "alert/expr_int.h"

const td_alert_fact_info td_alert_fact_table[TD_AF_COUNT] = {
#define FACT_ROW(ID, nm, kd, un, mn) [TD_AF_##ID] = { .name = nm, .id = TD_AF_##ID, .kind = kd, .unit = un, .meaning = mn },
	TD_ALERT_FACTS(FACT_ROW)
#undef FACT_ROW
};

const td_alert_func_info td_alert_func_table[TD_AFN_COUNT] = {
#define FUNC_ROW(ID, nm, s1, s2, us, un, mn) [TD_AFN_##ID] = { .name = nm, .sig = { s1, s2 }, .usage = us },
	TD_ALERT_FUNCS(FUNC_ROW)
#undef FUNC_ROW
};

const td_alert_const_info td_alert_const_table[] = {
	{ "OD", TD_ALERT_OD, false },
	{ "OTD", TD_ALERT_OTD, false },
	{ "ORR", TD_ALERT_ORR, false },
	{ "OA", TD_ALERT_OA, false },
	{ "buy", NAN, true },
	{ "sell", NAN, true },
};

const size_t td_alert_const_count = sizeof(td_alert_const_table) / sizeof(td_alert_const_table[0]);

const char *const td_alert_bar_field_name[TD_ABF_COUNT] = {
	[TD_ABF_OPEN] = "open", [TD_ABF_HIGH] = "high", [TD_ABF_LOW] = "low",
	[TD_ABF_CLOSE] = "close", [TD_ABF_VOLUME] = "volume", [TD_ABF_DELTA] = "delta",
};

const char *const td_alert_keywords[] = { "and", "or", "not", "crosses", "above", "below", "for", "within" };

const size_t td_alert_keyword_count = sizeof(td_alert_keywords) / sizeof(td_alert_keywords[0]);

const td_alert_name td_alert_name_table[] = {
#define NAME_ROW(ID, nm, s1, s2, us, un, mn) { nm, TD_ALERT_NAME_FUNCTION, us, un, mn },
	TD_ALERT_FUNCS(NAME_ROW)
#undef NAME_ROW
	{ "close", TD_ALERT_NAME_VALUE, "close", "price",
	  "close of the last closed bar (as a series: each closed bar's close)" },
	{ "open", TD_ALERT_NAME_SERIES, "open", "price", "as a series: each closed bar's open" },
	{ "high", TD_ALERT_NAME_SERIES, "high", "price", "as a series: each closed bar's high" },
	{ "low", TD_ALERT_NAME_SERIES, "low", "price", "as a series: each closed bar's low" },
	{ "volume", TD_ALERT_NAME_SERIES, "volume", "shares/contracts", "as a series: each closed bar's volume" },
	{ "delta", TD_ALERT_NAME_SERIES, "delta", "shares/contracts",
	  "as a series: each closed bar's buy minus sell volume" },
	{ "OD", TD_ALERT_NAME_CONSTANT, "OD", "opening type", "open-drive" },
	{ "OTD", TD_ALERT_NAME_CONSTANT, "OTD", "opening type", "open-test-drive" },
	{ "ORR", TD_ALERT_NAME_CONSTANT, "ORR", "opening type", "open-rejection-reverse" },
	{ "OA", TD_ALERT_NAME_CONSTANT, "OA", "opening type", "open-auction" },
	{ "buy", TD_ALERT_NAME_CONSTANT, "buy", "side", "the buy side, in stacked_imbalance(buy)" },
	{ "sell", TD_ALERT_NAME_CONSTANT, "sell", "side", "the sell side, in stacked_imbalance(sell)" },
	{ "and", TD_ALERT_NAME_KEYWORD, "a and b", "condition", "both (Kleene: false wins over unknown)" },
	{ "or", TD_ALERT_NAME_KEYWORD, "a or b", "condition", "either (Kleene: true wins over unknown)" },
	{ "not", TD_ALERT_NAME_KEYWORD, "not a", "condition", "negation (unknown stays unknown)" },
	{ "crosses", TD_ALERT_NAME_KEYWORD, "a crosses above b, a crosses below b", "condition",
	  "a moved from one side of b to the other since the previous evaluation" },
	{ "above", TD_ALERT_NAME_KEYWORD, "a crosses above b", "condition", "a > b now, a <= b before" },
	{ "below", TD_ALERT_NAME_KEYWORD, "a crosses below b", "condition", "a < b now, a >= b before" },
	{ "for", TD_ALERT_NAME_KEYWORD, "c for 2m", "condition", "c has held true for the whole duration" },
	{ "within", TD_ALERT_NAME_KEYWORD, "c within 5m", "condition", "c was true at some moment of the duration" },
};

const size_t td_alert_name_count = sizeof(td_alert_name_table) / sizeof(td_alert_name_table[0]);

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

bool td_alert_word_is(const char *word, size_t len, const char *name)
{
	for (size_t i = 0; i < len; i++)
		if (name[i] == '\0' || lower(word[i]) != lower(name[i]))
			return false;
	return name[len] == '\0';
}

int td_alert_fact_find(const char *name)
{
	size_t len = strlen(name);
	for (int f = 0; f < TD_AF_COUNT; f++)
		if (td_alert_word_is(name, len, td_alert_fact_table[f].name))
			return f;
	return -1;
}

#define SUGGEST_MAX 32  /* longer words get no suggestion */

/* Optimal string alignment distance (edits and adjacent transpositions), case-insensitive. */
static size_t distance(const char *a, size_t la, const char *b)
{
	size_t lb = strlen(b);
	if (la >= SUGGEST_MAX || lb >= SUGGEST_MAX)
		return SIZE_MAX;
	size_t d[SUGGEST_MAX + 1][SUGGEST_MAX + 1];
	for (size_t i = 0; i <= la; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= la; i++)
		for (size_t j = 1; j <= lb; j++) {
			size_t cost = lower(a[i - 1]) != lower(b[j - 1]);
			size_t v = d[i - 1][j - 1] + cost;
			if (d[i - 1][j] + 1 < v)
				v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) && lower(a[i - 2]) == lower(b[j - 1]) &&
			    d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	return d[la][lb];
}

/* Keep name when it is nearer than the best so far. */
static void consider(const char *word, size_t len, const char *name, const char **best, size_t *best_d)
{
	size_t d = distance(word, len, name);
	if (d < *best_d) {
		*best_d = d;
		*best = name;
	}
}

const char *td_alert_suggest(const char *word, size_t len)
{
	const char *best = NULL;
	size_t best_d = SIZE_MAX;
	for (int f = 0; f < TD_AF_COUNT; f++)
		consider(word, len, td_alert_fact_table[f].name, &best, &best_d);
	for (size_t i = 0; i < td_alert_name_count; i++)
		consider(word, len, td_alert_name_table[i].name, &best, &best_d);
	size_t limit = len <= 4 ? 1 : 2;
	return best_d >= 1 && best_d <= limit ? best : NULL;
}
