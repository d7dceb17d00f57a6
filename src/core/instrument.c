/*
 * Instruments: OCC option symbols and the registry.
 *
 * An OCC symbol is read from the right, because a root may end in digits
 * ("AAPL1") and so cannot be told apart from the expiry by reading from the
 * left: the trailing digits are the strike, the letter before them the right,
 * the six characters before that the expiry, and the rest the root (with any
 * padding).
 *
 * The registry is a fixed array (ids are indexes) plus a glibc hsearch_r table
 * keyed by symbol.  Its keys point into the array, which never moves.
 */
#include "instrument.h"

#include <search.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TD_OCC_ROOT_MAX 6
#define TD_OCC_TAIL 15  /* YYMMDD + right + 8-digit strike */
#define TD_OCC_LEN (TD_OCC_ROOT_MAX + TD_OCC_TAIL)

struct td_registry {
	td_instrument *items;        /* capacity slots; ids index this */
	size_t count, capacity;
	struct hsearch_data *index;  /* symbol -> id; keys borrowed from items */
};

/* Whether c may appear in an OCC root. */
static bool td_root_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* Whether c is a decimal digit. */
static bool td_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Value of n decimal digits at s (already checked). */
static int64_t td_num(const char *s, size_t n)
{
	int64_t v = 0;
	for (size_t i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

/* Days in month m of year y. */
static int td_month_days(int y, int m)
{
	static const int len[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : len[m - 1];
}

/* Check the root field (root plus padding, n <= 6 bytes at s) and copy the root out. */
static int td_occ_root(const char *s, size_t n, td_occ *out, char *err, size_t errlen)
{
	size_t len = n;
	while (len > 0 && s[len - 1] == ' ')
		len--;
	if (len == 0) {
		snprintf(err, errlen, "bad root '%.*s': empty", (int)n, s);
		return -1;
	}
	if (len != n && n != TD_OCC_ROOT_MAX) {
		snprintf(err, errlen, "bad root '%.*s': pad to 6 characters or not at all", (int)n, s);
		return -1;
	}
	for (size_t i = 0; i < len; i++) {
		if (!td_root_char(s[i])) {
			snprintf(err, errlen, "bad root '%.*s': expected A-Z or 0-9", (int)len, s);
			return -1;
		}
	}
	memcpy(out->root, s, len);
	out->root[len] = '\0';
	return 0;
}

/* Check a YYMMDD expiry at s and store it in out. */
static int td_occ_expiry(const char *s, td_occ *out, char *err, size_t errlen)
{
	for (int i = 0; i < 6; i++) {
		if (!td_digit(s[i])) {
			snprintf(err, errlen, "bad expiry '%.6s': expected YYMMDD", s);
			return -1;
		}
	}
	int y = 2000 + (int)td_num(s, 2), m = (int)td_num(s + 2, 2), d = (int)td_num(s + 4, 2);
	if (m < 1 || m > 12) {
		snprintf(err, errlen, "bad expiry '%.6s': month %d", s, m);
		return -1;
	}
	if (d < 1 || d > td_month_days(y, m)) {
		snprintf(err, errlen, "bad expiry '%.6s': day %d", s, d);
		return -1;
	}
	out->year = y;
	out->month = m;
	out->day = d;
	return 0;
}

/* Parse an OCC symbol from the right, naming the first bad part on error. */
int td_occ_parse(const char *s, td_occ *out, char *err, size_t errlen)
{
	if (!s) {
		snprintf(err, errlen, "wrong length: no symbol");
		return -1;
	}
	size_t n = strnlen(s, TD_OCC_LEN + 1);
	if (n > TD_OCC_LEN) {
		snprintf(err, errlen, "wrong length in '%.21s...': expected 16 to 21 characters", s);
		return -1;
	}
	if (n < 1 + TD_OCC_TAIL) {
		snprintf(err, errlen, "wrong length %zu in '%s': expected 16 to 21 characters", n, s);
		return -1;
	}
	size_t k = n;
	while (k > 0 && td_digit(s[k - 1]))
		k--;
	if (n - k != 8) {
		/* more than 8 digits with no right before them: the right is what is missing */
		bool no_right = k == 0 || (s[k - 1] != 'C' && s[k - 1] != 'P');
		if (n - k < 8 || !no_right) {
			snprintf(err, errlen, "bad strike '%s': expected 8 digits", s + k);
			return -1;
		}
		k = n - 8;
	}
	char right = s[k - 1];
	if (right != 'C' && right != 'P') {
		snprintf(err, errlen, "bad right '%c': expected C or P", right);
		return -1;
	}
	td_occ o;
	if (td_occ_expiry(s + k - 7, &o, err, errlen) < 0 ||
	    td_occ_root(s, k - 7, &o, err, errlen) < 0)
		return -1;
	o.right = right;
	o.strike_milli = td_num(s + k, 8);
	if (o.strike_milli == 0) {
		snprintf(err, errlen, "bad strike '%s': zero", s + k);
		return -1;
	}
	*out = o;
	return 0;
}

/* Whether o holds what an OCC symbol can carry. */
static bool td_occ_valid(const td_occ *o)
{
	size_t len = strnlen(o->root, sizeof o->root);
	if (len == 0 || len > TD_OCC_ROOT_MAX)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!td_root_char(o->root[i]))
			return false;
	return o->year >= 2000 && o->year <= 2099 && o->month >= 1 && o->month <= 12 &&
	       o->day >= 1 && o->day <= td_month_days(o->year, o->month) &&
	       (o->right == 'C' || o->right == 'P') && o->strike_milli > 0 &&
	       o->strike_milli <= 99999999;
}

/* Write o with the root padded to `width`; -1 when invalid or it does not fit. */
static int td_occ_write(const td_occ *o, int width, char *buf, size_t n)
{
	if (!td_occ_valid(o))
		return -1;
	int len = snprintf(buf, n, "%-*s%02d%02d%02d%c%08lld", width, o->root, o->year - 2000,
	                   o->month, o->day, o->right, (long long)o->strike_milli);
	return len >= 0 && (size_t)len < n ? len : -1;
}

/* Write the padded 21-character form. */
int td_occ_format(const td_occ *o, char *buf, size_t n)
{
	return td_occ_write(o, TD_OCC_ROOT_MAX, buf, n);
}

/* Write the form without root padding. */
int td_occ_format_compact(const td_occ *o, char *buf, size_t n)
{
	return td_occ_write(o, 0, buf, n);
}

/* Lowercase name of an instrument kind; "?" for unknown. */
const char *td_ins_kind_name(td_ins_kind k)
{
	static const char *const names[TD_INS_KIND_COUNT] = {
		[TD_INS_EQUITY] = "equity",
		[TD_INS_FUTURE] = "future",
		[TD_INS_INDEX] = "index",
		[TD_INS_OPTION] = "option",
	};
	return (unsigned)k < TD_INS_KIND_COUNT ? names[k] : "?";
}

/* Allocate a registry and its symbol index; NULL when out of memory. */
td_registry *td_registry_new(size_t capacity)
{
	td_registry *r = calloc(1, sizeof *r);
	if (!r)
		return NULL;
	r->capacity = capacity;
	r->items = calloc(capacity ? capacity : 1, sizeof *r->items);
	r->index = calloc(1, sizeof *r->index);
	/* twice the entries keeps hsearch's open addressing probes short */
	if (!r->items || !r->index || !hcreate_r(capacity * 2 + 1, r->index)) {
		free(r->items);
		free(r->index);
		free(r);
		return NULL;
	}
	return r;
}

/* Free a registry and its index; NULL is fine. */
void td_registry_free(td_registry *r)
{
	if (!r)
		return;
	hdestroy_r(r->index);
	free(r->index);
	free(r->items);
	free(r);
}

/* Copy an instrument into the next slot and index its symbol. */
uint32_t td_registry_add(td_registry *r, const td_instrument *ins)
{
	size_t len = strnlen(ins->symbol, TD_SYMBOL_MAX);
	if (len == 0 || len == TD_SYMBOL_MAX || r->count == r->capacity || r->count >= TD_NO_ID ||
	    td_registry_find(r, ins->symbol) != TD_NO_ID)
		return TD_NO_ID;

	uint32_t id = (uint32_t)r->count;
	td_instrument *slot = &r->items[id];
	*slot = *ins;
	slot->id = id;
	ENTRY e = { .key = slot->symbol, .data = slot };
	ENTRY *found;
	if (!hsearch_r(e, ENTER, &found, r->index))
		return TD_NO_ID;
	r->count++;
	return id;
}

/* The instrument with this id, or NULL. */
const td_instrument *td_registry_get(const td_registry *r, uint32_t id)
{
	return id < r->count ? &r->items[id] : NULL;
}

/* The id of a symbol through the hash index, or TD_NO_ID. */
uint32_t td_registry_find(const td_registry *r, const char *symbol)
{
	/* hsearch_r wants a mutable key; copy rather than cast const away */
	char key[TD_SYMBOL_MAX];
	size_t len = symbol ? strnlen(symbol, TD_SYMBOL_MAX) : TD_SYMBOL_MAX;
	if (len == TD_SYMBOL_MAX)
		return TD_NO_ID;
	memcpy(key, symbol, len + 1);
	ENTRY e = { .key = key, .data = NULL };
	ENTRY *found;
	if (!hsearch_r(e, FIND, &found, r->index))
		return TD_NO_ID;
	return ((const td_instrument *)found->data)->id;
}

/* How many instruments have been added. */
size_t td_registry_count(const td_registry *r)
{
	return r->count;
}
