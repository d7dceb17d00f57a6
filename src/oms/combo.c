/*
 * Multi-leg orders: the strategies as a table, their parsing, net price
 * and margin (combo.h).
 */
#include "oms/combo.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/text.h"
#include "core/time.h"

/* One leg of a strategy as bought: which strike and expiry (indexes of those given), its right, its side. */
typedef struct leg_tpl {
	unsigned char strike, expiry;
	char right;          /* 'C', 'P', or 0: the right given */
	bool against;        /* traded against the order's side */
} leg_tpl;

static const struct strategy {
	const char *name;
	int expiries, strikes;
	bool takes_right;
	size_t n;
	leg_tpl legs[TD_COMBO_LEGS_MAX];
} strategies[TD_CK_COUNT] = {
	[TD_CK_VERTICAL] = { "vertical", 1, 2, true, 2, { { 0, 0, 0, false }, { 1, 0, 0, true } } },
	[TD_CK_STRADDLE] = { "straddle", 1, 1, false, 2, { { 0, 0, 'C', false }, { 0, 0, 'P', false } } },
	[TD_CK_STRANGLE] = { "strangle", 1, 2, false, 2, { { 0, 0, 'P', false }, { 1, 0, 'C', false } } },
	[TD_CK_CONDOR] = { "condor", 1, 4, false, 4,
			   { { 0, 0, 'P', true }, { 1, 0, 'P', false }, { 2, 0, 'C', false }, { 3, 0, 'C', true } } },
	[TD_CK_CALENDAR] = { "calendar", 2, 1, true, 2, { { 0, 0, 0, true }, { 0, 1, 0, false } } },
	[TD_CK_ROLL] = { "roll", 2, 2, true, 2, { { 0, 0, 0, true }, { 1, 1, 0, false } } },
};

#define WORDS_MAX 16

typedef struct words {
	char buf[256];
	char *w[WORDS_MAX];
	size_t n, at;
} words;

static int split(const char *line, words *ws, char *err, size_t errlen)
{
	ws->n = ws->at = 0;
	if (strlen(line) >= sizeof ws->buf)
		return td_errf(err, errlen, "the order is too long");
	td_strlcpy(ws->buf, line, sizeof ws->buf);
	char *save = NULL;
	for (char *t = strtok_r(ws->buf, " \t", &save); t; t = strtok_r(NULL, " \t", &save)) {
		if (ws->n == WORDS_MAX)
			return td_errf(err, errlen, "too many words");
		ws->w[ws->n++] = t;
	}
	return 0;
}

static const char *next(words *ws)
{
	return ws->at < ws->n ? ws->w[ws->at++] : NULL;
}

const char *td_combo_kind_name(td_combo_kind k)
{
	return (unsigned)k < TD_CK_COUNT ? strategies[k].name : "?";
}

static int kind_of(const char *word)
{
	for (int k = 0; k < TD_CK_COUNT; k++)
		if (k != TD_CK_ROLL && word && strcasecmp(word, strategies[k].name) == 0)
			return k;
	return -1;
}

bool td_combo_word(const char *word)
{
	return kind_of(word) >= 0;
}

/* The option of und with this expiry, right and strike (thousandths), or TD_NO_ID. */
static uint32_t find_option(const td_registry *reg, uint32_t und, int64_t expiry, char right, int64_t strike_milli)
{
	for (uint32_t i = 0; i < td_registry_count(reg); i++) {
		const td_instrument *x = td_registry_get(reg, i);
		if (x->kind == TD_INS_OPTION && x->underlying == und && x->expiry_days == expiry && x->occ.right == right &&
		    x->occ.strike_milli == strike_milli)
			return i;
	}
	return TD_NO_ID;
}

static int parse_strike(const char *s, int64_t *milli, char *err, size_t errlen)
{
	char *end;
	double k = s ? strtod(s, &end) : 0;
	if (!s || *end || !(k > 0) || k > 1e9)
		return td_errf(err, errlen, "'%s' is not a strike", s ? s : "");
	*milli = llround(k * 1000.0);
	return 0;
}

static int parse_expiry(const char *s, int64_t *day, char *err, size_t errlen)
{
	const char *why = "missing";
	if (!s || td_date_parse(s, day, &why) < 0)
		return td_errf(err, errlen, "'%s' is not an expiry (YYYY-MM-DD): %s", s ? s : "", why);
	return 0;
}

static int parse_tif(const char *s, td_tif *tif)
{
	static const char *const names[TD_TIF_COUNT] = { "day", "gtc", "ioc" };
	for (int i = 0; i < TD_TIF_COUNT; i++)
		if (strcasecmp(s, names[i]) == 0) {
			*tif = (td_tif)i;
			return 0;
		}
	return -1;
}

/* A net price, which may be negative (a credit asked of a bought strategy). */
static int parse_net(const td_registry *reg, const td_combo_req *c, const char *s, char *err, size_t errlen,
		     td_ticks *out)
{
	const char *why = "missing";
	bool neg = s && s[0] == '-';
	const td_instrument *ins = td_registry_get(reg, c->legs[0].instr);
	if (!s || td_px_parse(ins->px, s + neg, out, &why) < 0)
		return td_errf(err, errlen, "net price '%s': %s", s ? s : "", why);
	*out = neg ? -*out : *out;
	return 0;
}

/* "[lmt P|mkt] [TIF]": the rest of the words. */
static int parse_tail(words *ws, const td_registry *reg, td_combo_req *c, char *err, size_t errlen)
{
	c->limit = TD_PX_NONE;
	c->tif = TD_TIF_DAY;
	bool priced = false, timed = false;
	for (const char *w; (w = next(ws));) {
		if (!priced && (strcasecmp(w, "lmt") == 0 || strcasecmp(w, "limit") == 0)) {
			if (parse_net(reg, c, next(ws), err, errlen, &c->limit) < 0)
				return -1;
			priced = true;
		} else if (!priced && (strcasecmp(w, "mkt") == 0 || strcasecmp(w, "market") == 0)) {
			priced = true;
		} else if (!timed && parse_tif(w, &c->tif) == 0) {
			timed = true;
		} else {
			return td_errf(err, errlen, "'%s' is not understood here (lmt P, mkt, day, gtc or ioc)", w);
		}
	}
	return 0;
}

/* The legs of strategy k on und from its expiries, right and strikes. */
static int build_legs(const td_registry *reg, td_combo_req *c, uint32_t und, const int64_t *exp, char right,
		      const int64_t *strike, char *err, size_t errlen)
{
	const struct strategy *s = &strategies[c->kind];
	c->n = s->n;
	for (size_t i = 0; i < s->n; i++) {
		const leg_tpl *t = &s->legs[i];
		char r = t->right ? t->right : right;
		c->legs[i].instr = find_option(reg, und, exp[t->expiry], r, strike[t->strike]);
		c->legs[i].side = (t->against == (c->side == TD_SIDE_BUY)) ? TD_SIDE_SELL : TD_SIDE_BUY;
		if (c->legs[i].instr == TD_NO_ID) {
			int y, m, d;
			td_civil_from_days(exp[t->expiry], &y, &m, &d);
			return td_errf(err, errlen, "no %s %04d-%02d-%02d %c %g listed", td_registry_get(reg, und)->symbol, y,
				       m, d, r, (double)strike[t->strike] / 1000.0);
		}
	}
	const td_instrument *first = td_registry_get(reg, c->legs[0].instr);
	for (size_t i = 1; i < c->n; i++) {
		const td_instrument *x = td_registry_get(reg, c->legs[i].instr);
		if (x->px.tick != first->px.tick || x->px.scale != first->px.scale || x->multiplier != first->multiplier)
			return td_errf(err, errlen, "%s and %s differ in tick size or multiplier", first->symbol, x->symbol);
	}
	return 0;
}

static int parse_head(words *ws, td_combo_req *c, char *err, size_t errlen)
{
	const char *side = next(ws), *qty = next(ws), *kind = next(ws);
	if (!side || (strcasecmp(side, "buy") != 0 && strcasecmp(side, "sell") != 0))
		return td_errf(err, errlen, "expected buy or sell");
	c->side = strcasecmp(side, "buy") == 0 ? TD_SIDE_BUY : TD_SIDE_SELL;
	char *end;
	long long q = qty ? strtoll(qty, &end, 10) : 0;
	if (!qty || *end || q <= 0 || q > 1000000)
		return td_errf(err, errlen, "'%s' is not a quantity", qty ? qty : "");
	c->qty = q;
	int k = kind_of(kind);
	if (k < 0)
		return td_errf(err, errlen, "'%s' is not a strategy (vertical, straddle, strangle, condor, calendar)",
			       kind ? kind : "");
	c->kind = (td_combo_kind)k;
	return 0;
}

int td_combo_parse(const char *line, const td_registry *reg, td_combo_req *c, char *err, size_t errlen)
{
	words ws;
	memset(c, 0, sizeof *c);
	if (split(line, &ws, err, errlen) < 0 || parse_head(&ws, c, err, errlen) < 0)
		return -1;
	const struct strategy *s = &strategies[c->kind];
	const char *usym = next(&ws);
	uint32_t und = usym ? td_registry_find(reg, usym) : TD_NO_ID;
	if (und == TD_NO_ID)
		return td_errf(err, errlen, "unknown underlying '%s'", usym ? usym : "");
	int64_t exp[2], strike[4];
	char right = 0;
	for (int i = 0; i < s->expiries; i++)
		if (parse_expiry(next(&ws), &exp[i], err, errlen) < 0)
			return -1;
	if (s->takes_right) {
		const char *r = next(&ws);
		if (!r || (strcasecmp(r, "C") != 0 && strcasecmp(r, "P") != 0))
			return td_errf(err, errlen, "'%s' is not a right (C or P)", r ? r : "");
		right = (char)(r[0] & ~0x20);
	}
	for (int i = 0; i < s->strikes; i++)
		if (parse_strike(next(&ws), &strike[i], err, errlen) < 0)
			return -1;
	if (build_legs(reg, c, und, exp, right, strike, err, errlen) < 0)
		return -1;
	td_strlcpy(c->source, "manual", sizeof c->source);
	return parse_tail(&ws, reg, c, err, errlen);
}

int td_combo_roll(const td_registry *reg, uint32_t from, int64_t held, const char *rest, td_combo_req *c,
		  char *err, size_t errlen)
{
	memset(c, 0, sizeof *c);
	const td_instrument *old = td_registry_get(reg, from);
	if (!old || old->kind != TD_INS_OPTION)
		return td_errf(err, errlen, "only an option position can be rolled");
	if (held == 0)
		return td_errf(err, errlen, "no position in %s to roll", old->symbol);
	words ws;
	if (split(rest, &ws, err, errlen) < 0)
		return -1;
	int64_t exp, strike = old->occ.strike_milli;
	if (parse_expiry(next(&ws), &exp, err, errlen) < 0)
		return -1;
	const char *k = ws.at < ws.n ? ws.w[ws.at] : NULL;
	if (k && (k[0] == '.' || (k[0] >= '0' && k[0] <= '9')) && parse_strike(next(&ws), &strike, err, errlen) < 0)
		return -1;
	if (exp == old->expiry_days && strike == old->occ.strike_milli)
		return td_errf(err, errlen, "the roll lands on %s itself", old->symbol);
	*c = (td_combo_req){ .kind = TD_CK_ROLL, .side = held > 0 ? TD_SIDE_BUY : TD_SIDE_SELL,
			     .qty = held > 0 ? held : -held };
	int64_t exps[2] = { old->expiry_days, exp }, strikes[2] = { old->occ.strike_milli, strike };
	if (build_legs(reg, c, old->underlying, exps, old->occ.right, strikes, err, errlen) < 0)
		return -1;
	td_strlcpy(c->source, "roll", sizeof c->source);
	return parse_tail(&ws, reg, c, err, errlen);
}

td_ticks td_combo_max_debit(const td_combo_req *c)
{
	if (c->limit == TD_PX_NONE)
		return TD_PX_NONE;
	return c->side == TD_SIDE_BUY ? c->limit : -c->limit;
}

td_ticks td_combo_net(const td_combo_req *c, const td_ticks *price)
{
	td_ticks net = 0;
	for (size_t i = 0; i < c->n; i++)
		net += c->legs[i].side == TD_SIDE_BUY ? price[i] : -price[i];
	return net;
}

/* The legs' value at expiry with the underlying at s, per unit, as traded (bought legs count up). */
static double payoff(const td_combo_req *c, const double *strike, const bool *call, double s)
{
	double v = 0;
	for (size_t i = 0; i < c->n; i++) {
		double intrinsic = call[i] ? fmax(s - strike[i], 0) : fmax(strike[i] - s, 0);
		v += c->legs[i].side == TD_SIDE_BUY ? intrinsic : -intrinsic;
	}
	return v;
}

/* Sold calls without as many bought calls leave the loss open above the highest strike. */
static bool floored(const td_combo_req *c, const bool *call)
{
	int calls = 0;
	for (size_t i = 0; i < c->n; i++)
		if (call[i])
			calls += c->legs[i].side == TD_SIDE_BUY ? 1 : -1;
	return calls >= 0;
}

/* Each sold leg has a bought one of its right and strike expiring later. */
static bool covered_calendar(const td_combo_req *c, const double *strike, const bool *call, const int64_t *expiry)
{
	for (size_t i = 0; i < c->n; i++) {
		if (c->legs[i].side == TD_SIDE_BUY)
			continue;
		bool cover = false;
		for (size_t j = 0; j < c->n; j++)
			cover |= c->legs[j].side == TD_SIDE_BUY && call[j] == call[i] && strike[j] == strike[i] &&
				 expiry[j] > expiry[i];
		if (!cover)
			return false;
	}
	return true;
}

double td_combo_margin(const td_combo_req *c, const double *price, const double *strike, const bool *call,
		       const int64_t *expiry, const double *naked, double mult)
{
	double debit = 0, naked_sum = 0;
	bool one_expiry = true;
	for (size_t i = 0; i < c->n; i++) {
		debit += c->legs[i].side == TD_SIDE_BUY ? price[i] : -price[i];
		naked_sum += naked[i];
		one_expiry &= expiry[i] == expiry[0];
	}
	double units = (double)c->qty * mult;
	if (one_expiry && floored(c, call)) {
		double worst = payoff(c, strike, call, 0);
		for (size_t i = 0; i < c->n; i++)
			worst = fmin(worst, payoff(c, strike, call, strike[i]));
		return fmax(debit - worst, 0) * units;
	}
	if (!one_expiry && covered_calendar(c, strike, call, expiry))
		return fmax(debit, 0) * units;
	return naked_sum;
}
