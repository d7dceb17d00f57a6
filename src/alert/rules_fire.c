/*
 * Firing (rules.h): the gate between the book's firing edges and the
 * alert, and the message and order templates.
 *
 * The gate checks, in this order: the rule still exists, it is enabled, it
 * is attached to the instrument, the exchange-local weekday is one of its
 * days, the time of day is inside one of its hour ranges, and the last
 * admitted firing of the rule on this instrument is at least the cooldown
 * ago.  Only an admitted firing starts a cooldown, so a storm of edges is
 * one alert per cooldown.
 *
 * Numbers are written under a C locale of the set's, so an order line has
 * a '.' for its decimal point whatever the user's locale says.
 *
 * A template is text with placeholders in braces: {symbol}, {rule},
 * {level}, {expr}, {explain}, or a fact by name ({last}, {vwap}), which may
 * add or subtract a number ({last+0.50}).  The same walker checks a
 * template when the rule is loaded (so a bad one is refused then) and
 * fills it at a firing.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "alert/rules_int.h"
#include "core/text.h"

#define TEMPLATE_MAX 400   /* bytes of a template */
#define PH_MAX 64          /* bytes inside one pair of braces */

static const char *const gate_names[TD_ALERT_GATE_COUNT] = {
	"admitted", "no such rule", "disabled", "not an active day", "outside active hours", "cooling down",
};

const char *td_alert_gate_name(td_alert_gate g)
{
	return (unsigned)g < TD_ALERT_GATE_COUNT ? gate_names[g] : "?";
}

void td_alert_rules_gate_stats(const td_alert_rules *r, uint64_t out[TD_ALERT_GATE_COUNT])
{
	memcpy(out, r->gate, sizeof r->gate);
}

/* ---- templates ---------------------------------------------------------------------------- */

typedef enum ph_kind { PH_SYMBOL, PH_RULE, PH_LEVEL, PH_EXPR, PH_EXPLAIN, PH_FACT } ph_kind;

static const char *const ph_words[] = { "symbol", "rule", "level", "expr", "explain" };

/* A parsed placeholder. */
typedef struct placeholder {
	ph_kind kind;
	td_alert_fact fact;
	double offset;
} placeholder;

/* What a template is filled from. */
typedef struct fill {
	const td_alert_rules *r;
	const td_ar_rule *ru;
	uint32_t inst;
	const char *symbol;        /* sanitized */
	td_alert_price_fn price_fn;
	void *ctx;
} fill;

/* An output buffer that counts what it could not hold, like snprintf. */
struct out {
	char *buf;
	size_t len, need;
};

static void put(struct out *o, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++, o->need++)
		if (o->need + 1 < o->len)
			o->buf[o->need] = s[i];
}

static void put_str(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

static bool is_price(td_alert_fact f)
{
	return strcmp(td_alert_fact_table[f].unit, "price") == 0;
}

/* A decimal number ("12", "0.5", ".25") read without the locale's decimal point; 0, or -1. */
static int parse_number(const char *s, double *out)
{
	double v = 0, scale = 1;
	int digits = 0;
	for (; isdigit((unsigned char)*s); s++, digits++)
		v = v * 10 + (*s - '0');
	if (*s == '.')
		for (s++; isdigit((unsigned char)*s); s++, digits++, scale *= 10)
			v = v * 10 + (*s - '0');
	if (*s || digits == 0 || digits > 15)
		return -1;
	*out = v / scale;
	return 0;
}

/* Parse the text between braces; 0, or -1 with why. */
static int ph_parse(const char *s, size_t len, bool order, placeholder *out, char *why, size_t whylen)
{
	char buf[PH_MAX], name[PH_MAX];

	if (len >= sizeof buf)
		return td_errf(why, whylen, "placeholder too long (at most %d characters)", PH_MAX - 1);
	memcpy(buf, s, len);
	buf[len] = '\0';
	char *p = td_trim(buf);
	size_t nlen = 0;
	while (isalnum((unsigned char)p[nlen]) || p[nlen] == '_')
		nlen++;
	memcpy(name, p, nlen);
	name[nlen] = '\0';
	char *rest = p + nlen;
	rest += strspn(rest, " \t");
	out->offset = 0;
	out->kind = PH_FACT;
	for (size_t i = 0; i < sizeof ph_words / sizeof ph_words[0]; i++)
		if (strcasecmp(name, ph_words[i]) == 0)
			out->kind = (ph_kind)i;
	int f = out->kind == PH_FACT ? td_alert_fact_find(name) : 0;
	if (nlen == 0 || f < 0 || (order && out->kind != PH_SYMBOL && (out->kind != PH_FACT || !is_price((td_alert_fact)f))))
		return td_errf(why, whylen, order ? "unknown placeholder '{%s}' (symbol or a price fact such as {bid})"
					   : "unknown placeholder '{%s}' (symbol, rule, level, expr, explain or a fact "
					     "such as {last})", p);
	out->fact = (td_alert_fact)f;
	if (*rest == '\0')
		return 0;
	double v;
	if ((*rest == '+' || *rest == '-') && out->kind == PH_FACT && td_alert_fact_table[f].kind == TD_ALERT_NUM &&
	    parse_number(rest + 1 + strspn(rest + 1, " \t"), &v) == 0) {
		out->offset = *rest == '-' ? -v : v;
		return 0;
	}
	return td_errf(why, whylen, "bad placeholder '{%s}': write {%s} or {%s+NUMBER}", p, name, name);
}

/* Number of decimals of a tick size (0.25 -> 2, 0.1 -> 1, 1 -> 0). */
static int tick_decimals(double tick)
{
	double x = tick;
	for (int d = 0; d < 8; d++, x *= 10)
		if (fabs(x - round(x)) < 1e-9 * fmax(1, x))
			return d;
	return 8;
}

/* The instrument's tick size when known and usable, else 0. */
static double tick_of(const fill *f)
{
	double t = f->r->book ? td_alert_book_fact(f->r->book, f->inst, TD_AF_TICK) : NAN;
	return isfinite(t) && t > 0 ? t : 0;
}

/* v with up to 4 decimals, trailing zeros cut, as the book's explanation writes numbers. */
static void fmt_plain(char *buf, size_t n, double v)
{
	if (fabs(v) >= 1e15 || (v != 0 && fabs(v) < 0.01)) {
		snprintf(buf, n, "%.4g", v);
		return;
	}
	int w = snprintf(buf, n, "%.4f", v);
	while (w > 0 && (size_t)w < n && buf[w - 1] == '0')
		buf[--w] = '\0';
	if (w > 0 && (size_t)w < n && buf[w - 1] == '.')
		buf[--w] = '\0';
}

static const char *const opening_names[] = { NULL, "OD", "OTD", "ORR", "OA" };

/* A fact's value for a message: prices with the tick's decimals, the rest as the explanation shows it. */
static void fmt_fact(const fill *f, const placeholder *p, double v, char *buf, size_t n)
{
	td_alert_kind kind = td_alert_fact_table[p->fact].kind;
	double tick = tick_of(f);
	if (isnan(v))
		snprintf(buf, n, "unknown");
	else if (kind == TD_ALERT_FLAG)
		snprintf(buf, n, "%s", v != 0 ? "true" : "false");
	else if (kind == TD_ALERT_OPENING && v >= TD_ALERT_OD && v <= TD_ALERT_OA && v == floor(v))
		snprintf(buf, n, "%s", opening_names[(int)v]);
	else if (kind == TD_ALERT_TOD && v >= 0 && v < 86400)
		snprintf(buf, n, "%02d:%02d:%02d", (int)v / 3600, (int)v / 60 % 60, (int)v % 60);
	else if (is_price(p->fact) && tick > 0 && fabs(v) < 1e15)
		snprintf(buf, n, "%.*f", tick_decimals(tick), v);
	else
		fmt_plain(buf, n, v);
}

/* A price for an order line: the caller's format, else rounded to the tick. */
static int fmt_price(const fill *f, double v, char *buf, size_t n)
{
	double tick = tick_of(f);
	if (f->price_fn)
		return f->price_fn(f->ctx, f->inst, v, buf, n);
	if (tick > 0) {
		snprintf(buf, n, "%.*f", tick_decimals(tick), round(v / tick) * tick);
		return 0;
	}
	fmt_plain(buf, n, v);
	return 0;
}

/* Write the value of p into o; 0, or -1 with why (orders only: an unknown or unwritable price). */
static int ph_fill(const fill *f, bool order, const placeholder *p, struct out *o, char *why, size_t whylen)
{
	char buf[TD_ALERT_TEXT_MAX];
	double v;

	switch (p->kind) {
	case PH_SYMBOL:
		put_str(o, f->symbol);
		return 0;
	case PH_RULE:
		put_str(o, f->ru->name);
		return 0;
	case PH_LEVEL:
		put_str(o, td_alert_level_name(f->ru->level));
		return 0;
	case PH_EXPR:
		put_str(o, td_ar_value(f->ru, TD_AR_EXPR));
		return 0;
	case PH_EXPLAIN:
		if (f->r->book && td_alert_book_explain(f->r->book, f->ru->id, f->inst, buf, sizeof buf) >= 0)
			put_str(o, buf);
		return 0;
	case PH_FACT:
		break;
	}
	v = f->r->book ? td_alert_book_fact(f->r->book, f->inst, p->fact) + p->offset : NAN;
	if (!order) {
		fmt_fact(f, p, v, buf, sizeof buf);
	} else if (!isfinite(v)) {
		return td_errf(why, whylen, "'%s' is unknown for %s", td_alert_fact_table[p->fact].name, f->symbol);
	} else if (fmt_price(f, v, buf, sizeof buf) != 0) {
		fmt_plain(buf, sizeof buf, v);
		return td_errf(why, whylen, "cannot write %s as a price of %s", buf, f->symbol);
	}
	put_str(o, buf);
	return 0;
}

/*
 * Walk template t: check it (f NULL) or fill it into o.  0, or -1 with
 * why: a bad placeholder, an unclosed brace, a control character, or (an
 * order, filling) an unknown price.
 */
static int walk(const char *t, bool order, const fill *f, struct out *o, char *why, size_t whylen)
{
	size_t len = strlen(t);
	if (len > TEMPLATE_MAX)
		return td_errf(why, whylen, "template longer than %d bytes", TEMPLATE_MAX);
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)t[i] < 0x20 || t[i] == 0x7f)
			return td_errf(why, whylen, "control character in the template (column %zu)", i + 1);
	if (order && f == NULL) {
		size_t w = strcspn(t, " \t");
		if (!((w == 3 && strncasecmp(t, "buy", 3) == 0) || (w == 4 && strncasecmp(t, "sell", 4) == 0)))
			return td_errf(why, whylen, "an order template is a buy or sell line, e.g. 'buy 100 {symbol} "
				       "lmt {ask}'");
	}
	for (const char *p = t; *p;) {
		const char *open = strchr(p, '{');
		if (!open) {
			if (o)
				put_str(o, p);
			break;
		}
		if (o)
			put(o, p, (size_t)(open - p));
		const char *close = strchr(open + 1, '}');
		if (!close)
			return td_errf(why, whylen, "unclosed '{' at column %zu", (size_t)(open - t) + 1);
		placeholder ph;
		if (ph_parse(open + 1, (size_t)(close - open - 1), order, &ph, why, whylen) < 0)
			return -1;
		if (f && ph_fill(f, order, &ph, o, why, whylen) < 0)
			return -1;
		p = close + 1;
	}
	return 0;
}

int td_ar_template_check(const char *t, bool order, char *why, size_t whylen)
{
	return walk(t, order, NULL, NULL, why, whylen);
}

/* ---- the gate ------------------------------------------------------------------------------- */

static bool in_hours(const td_ar_rule *ru, td_ns tod)
{
	if (ru->nhours == 0)
		return true;
	for (int i = 0; i < ru->nhours; i++) {
		td_ns from = ru->hours[i][0], to = ru->hours[i][1];
		if (from < to ? tod >= from && tod < to : tod >= from || tod < to)
			return true;
	}
	return false;
}

static td_ar_att *find_att(td_ar_rule *ru, uint32_t inst)
{
	for (size_t i = 0; i < ru->natt; i++)
		if (ru->att[i].inst == inst)
			return &ru->att[i];
	return NULL;
}

/* The gate's decision; *att is the attachment of an admitted firing. */
static td_alert_gate gate(td_ar_rule *ru, const td_alert_fire *f, td_ns now, const td_tz *tz, td_ar_att **att)
{
	if (!ru)
		return TD_ALERT_NO_RULE;
	if (!ru->enabled || ru->error)
		return TD_ALERT_DISABLED;
	if (!(*att = find_att(ru, f->inst)))
		return TD_ALERT_NO_RULE;
	td_ns local = now + (td_ns)(tz ? td_tz_offset(tz, now) : 0) * TD_NS_PER_SEC;
	int64_t day = local / TD_NS_PER_DAY - (local % TD_NS_PER_DAY < 0);
	if (!(ru->days & (1u << td_weekday(day))))
		return TD_ALERT_OFF_DAY;
	if (!in_hours(ru, local - day * TD_NS_PER_DAY))
		return TD_ALERT_OFF_HOURS;
	/* a clock that went back (a replay started over) ends the cooldown rather than stretching it */
	if ((*att)->fired && now >= (*att)->last && now - (*att)->last < ru->cooldown_s * TD_NS_PER_SEC)
		return TD_ALERT_COOLDOWN;
	return TD_ALERT_ADMIT;
}

td_alert_gate td_alert_rules_fire(td_alert_rules *r, const td_alert_fire *f, td_ns now, const td_tz *tz,
				  const char *symbol, td_alert_fired *out)
{
	td_ar_rule *ru = td_ar_by_id(r, f->rule);
	td_ar_att *att = NULL;
	td_alert_gate g = gate(ru, f, now, tz, &att);
	r->gate[g]++;
	if (g != TD_ALERT_ADMIT)
		return g;
	att->fired = true;
	att->last = now;

	char sym[TD_ALERT_SYMBOL_MAX], text[TD_ALERT_TEXT_MAX], explain[TD_ALERT_TEXT_MAX];
	td_text_sanitize(sym, sizeof sym, symbol ? symbol : "");
	fill fl = { .r = r, .ru = ru, .inst = f->inst, .symbol = sym };
	struct out o = { text, sizeof text, 0 };
	const char *tmpl = td_ar_value(ru, TD_AR_MESSAGE);
	locale_t old = uselocale(r->c_locale);
	if (*tmpl) {
		walk(tmpl, false, &fl, &o, NULL, 0);
	} else {
		put_str(&o, td_ar_value(ru, TD_AR_EXPR));
		if (r->book && td_alert_book_explain(r->book, ru->id, f->inst, explain, sizeof explain) > 0) {
			put_str(&o, " (");
			put_str(&o, explain);
			put_str(&o, ")");
		}
	}
	uselocale(old);
	text[o.need < sizeof text ? o.need : sizeof text - 1] = '\0';
	*out = (td_alert_fired){ .sinks = ru->sinks, .ui = ru->ui, .rule = ru->id, .inst = f->inst,
				 .has_order = *td_ar_value(ru, TD_AR_ORDER) != '\0' };
	td_alert_msg_make(&out->msg, now, ru->level, ru->name, sym, text);
	return TD_ALERT_ADMIT;
}

int td_alert_rules_order(const td_alert_rules *r, uint32_t rule, uint32_t inst, const char *symbol,
			 td_alert_price_fn price_fn, void *ctx, char *out, size_t outlen, char *err, size_t errlen)
{
	const td_ar_rule *ru = td_ar_by_id(r, rule);
	if (!ru)
		return td_errf(err, errlen, "the rule of this alert no longer exists");
	const char *tmpl = td_ar_value(ru, TD_AR_ORDER);
	if (!*tmpl)
		return td_errf(err, errlen, "rule '%s' has no order template", ru->name);
	if (!r->book)
		return td_errf(err, errlen, "rule '%s': no market values to fill its order with", ru->name);
	char sym[TD_ALERT_SYMBOL_MAX];
	td_text_sanitize(sym, sizeof sym, symbol ? symbol : "");
	fill fl = { .r = r, .ru = ru, .inst = inst, .symbol = sym, .price_fn = price_fn, .ctx = ctx };
	struct out o = { out, outlen, 0 };
	char why[256];
	locale_t old = uselocale(r->c_locale);
	int rc = walk(tmpl, true, &fl, &o, why, sizeof why);
	uselocale(old);
	if (rc < 0) {
		if (outlen)
			out[0] = '\0';
		return td_errf(err, errlen, "rule '%s': %s", ru->name, why);
	}
	if (o.need >= outlen) {
		if (outlen)
			out[0] = '\0';
		return td_errf(err, errlen, "rule '%s': the order line is longer than %zu bytes", ru->name,
			       outlen ? outlen - 1 : 0);
	}
	out[o.need] = '\0';
	return 0;
}
