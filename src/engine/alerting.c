/* Alerting on the engine thread: see alerting.h. */
#include "engine/alerting.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/text.h"
#include "engine/alert_facts.h"

#define MAX_FIRES 256
#define LOG_CAPACITY 1000

struct td_alerting {
	td_alerting_params p;
	td_alert_book *book;
	td_alert_rules *rules;
	td_alert_log *log;
	td_notifier_params np;
	td_notifier *notifier;       /* NULL: no desktop or webhook sinks (tests, or none could start) */
	uint8_t *dirty;              /* per instrument: events since the last turn */
	uint32_t *marked;            /* the dirty ones, in order */
	size_t nmarked;
	uint64_t *bars_seen;         /* per instrument: closed bars of the alert timeframe taken */
	td_ns next_second;           /* clock of the next once-a-second pass */
	td_alert_level bell;         /* least level that flashes; LEVEL_COUNT = never */
	td_alert_msg flash;
	bool flash_new;
	td_alert_fire fires[MAX_FIRES];
};

static int lookup(void *ctx, const char *symbol, uint32_t *inst)
{
	const td_alerting *a = ctx;
	uint32_t id = td_registry_find(a->p.reg, symbol);
	if (id == TD_NO_ID)
		return -1;
	*inst = id;
	return 0;
}

static void load_msg(void *user, const char *msg)
{
	(void)user;
	td_log_write(TD_LOG_WARN, "%s", msg);
}

/* [alerts] webhooks: targets separated by ';'. */
static int add_webhooks(td_alerting *a, char *err, size_t errlen)
{
	char list[sizeof a->p.cfg->alert_webhooks], *save = NULL;
	td_strlcpy(list, a->p.cfg->alert_webhooks, sizeof list);
	for (char *t = strtok_r(list, ";", &save); t; t = strtok_r(NULL, ";", &save)) {
		char *line = td_trim(t);
		if (*line && td_notifier_add_target(&a->np, line, err, errlen) < 0)
			return -1;
	}
	return 0;
}

static int open_rules(td_alerting *a, char *err, size_t errlen)
{
	char state[1024] = "";
	if (a->p.state_path)
		td_strlcpy(state, a->p.state_path, sizeof state);
	else if (td_alert_rules_state_path(state, sizeof state) < 0)
		state[0] = '\0';
	td_alert_rules_params rp = { .book = a->book, .lookup = lookup, .lookup_ctx = a, .defaults = a->p.watch,
				     .ndefaults = a->p.nwatch, .notifier = &a->np, .market = a->p.cfg->market,
				     .state_path = state };
	a->rules = td_alert_rules_new(&rp);
	if (!a->rules)
		return td_errf(err, errlen, "out of memory for the alert rules");
	const char *conf = a->p.rules_path ? a->p.rules_path : a->p.cfg->alert_rules[0] ? a->p.cfg->alert_rules : NULL;
	td_alert_rules_load(a->rules, conf, load_msg, a);
	return 0;
}

static int parse_bell(const char *s, td_alert_level *out)
{
	if (strcmp(s, "off") == 0) {
		*out = TD_ALERT_LEVEL_COUNT;
		return 0;
	}
	return td_alert_level_parse(s, out);
}

td_alerting *td_alerting_new(const td_alerting_params *p, char *err, size_t errlen)
{
	td_alerting *a = calloc(1, sizeof(*a));
	size_t n = td_registry_count(p->reg);
	if (!a)
		return td_errf(err, errlen, "out of memory"), NULL;
	a->p = *p;
	td_alert_book_params bp;
	td_alert_book_defaults(&bp);
	bp.instruments = n ? (uint32_t)n : 1;
	a->book = td_alert_book_new(&bp);
	a->log = td_alert_log_new(LOG_CAPACITY);
	a->dirty = calloc(bp.instruments, 1);
	a->marked = calloc(bp.instruments, sizeof(*a->marked));
	a->bars_seen = calloc(bp.instruments, sizeof(*a->bars_seen));
	td_notifier_defaults(&a->np);
	a->np.desktop = p->cfg->alert_desktop;
	if (!a->book || !a->log || !a->dirty || !a->marked || !a->bars_seen) {
		td_errf(err, errlen, "out of memory for alerts");
	} else if (parse_bell(p->cfg->alert_bell, &a->bell) < 0) {
		td_errf(err, errlen, "alerts.bell '%s': expected info, warning, critical or off", p->cfg->alert_bell);
	} else if (add_webhooks(a, err, errlen) == 0 && open_rules(a, err, errlen) == 0) {
		if (p->notify && !(a->notifier = td_notifier_new(&a->np, err, errlen)))
			td_log_write(TD_LOG_WARN, "alerts: no desktop or webhook notifications: %s", err);
		return a;
	}
	td_alerting_free(a);
	return NULL;
}

void td_alerting_free(td_alerting *a)
{
	if (!a)
		return;
	td_notifier_free(a->notifier);
	td_alert_rules_free(a->rules);
	td_alert_book_free(a->book);
	td_alert_log_free(a->log);
	free(a->dirty);
	free(a->marked);
	free(a->bars_seen);
	free(a);
}

void td_alerting_event(td_alerting *a, const td_event *ev)
{
	if ((ev->type != TD_EV_TRADE && ev->type != TD_EV_QUOTE) || ev->instr >= td_registry_count(a->p.reg) ||
	    a->dirty[ev->instr])
		return;
	a->dirty[ev->instr] = 1;
	a->marked[a->nmarked++] = ev->instr;
}

/* How many of n firings the buffer took, with used already in it (the book counts the rest as lost). */
static size_t fit(size_t n, size_t used)
{
	return n < MAX_FIRES - used ? n : MAX_FIRES - used;
}

/* The quote and study facts of one instrument, and the bars of the alert timeframe that closed since the last look. */
static void refresh(td_alerting *a, uint32_t id)
{
	const td_instrument *ins = td_registry_get(a->p.reg, id);
	const td_quote_state *q = td_market_get(a->p.m, id);
	double v[TD_AF_COUNT];
	uint64_t which = td_alert_facts_quote(ins, q, v);
	td_studies *st = td_analysis_get(a->p.analysis, id);
	if (st) {
		which |= td_alert_facts_studies(ins, st, v);
		uint64_t closed = td_bars_closed(st->bars, TD_ALERT_TF);
		size_t fresh = (size_t)(closed - a->bars_seen[id]);
		for (size_t i = fresh; i > 0; i--) {
			td_alert_bar bar;
			if (td_alert_facts_bar(ins, st, i - 1, &bar))
				td_alert_book_bar(a->book, id, &bar);
		}
		a->bars_seen[id] = closed;
	}
	td_alert_book_set_facts(a->book, id, v, which);
}

/* Once a second: every instrument's time of day and, while any rule is attached, the underlyings' chains. */
static size_t second(td_alerting *a, td_ns clock, size_t used)
{
	double tod = td_alert_facts_time(td_session_tz(a->p.session), clock);
	for (uint32_t i = 0; i < td_registry_count(a->p.reg); i++)
		td_alert_book_set(a->book, i, TD_AF_TIME, tod);
	td_alert_stats st;
	td_alert_book_stats(a->book, &st);
	const uint32_t *und;
	size_t nu = st.attachments ? td_optchain_underlyings(a->p.chains, &und) : 0;
	for (size_t i = 0; i < nu && used < MAX_FIRES; i++) {
		const td_chainview *cv = td_optchain_get(a->p.chains, und[i], false);
		double v[TD_AF_COUNT];
		if (!cv)
			continue;
		td_alert_book_set_facts(a->book, und[i], v, td_alert_facts_chain(cv, v));
		used += fit(td_alert_book_evaluate(a->book, und[i], clock, a->fires + used, MAX_FIRES - used), used);
	}
	return used + fit(td_alert_book_tick(a->book, clock, a->fires + used, MAX_FIRES - used), used);
}

/* The notifier's news (log lines; desktop notifications working or not, and why) go to the log. */
static void notifier_news(td_alerting *a)
{
	td_notifier_event ev;
	while (a->notifier && td_notifier_poll(a->notifier, &ev))
		td_log_write(ev.level, "alerts: %s", ev.text);
}

/* A firing through the gate: into the log, to the notifier, and the flash when loud enough. */
static bool admit(td_alerting *a, const td_alert_fire *f, td_ns clock)
{
	const td_instrument *ins = td_registry_get(a->p.reg, f->inst);
	td_alert_fired out;
	if (td_alert_rules_fire(a->rules, f, clock, td_session_tz(a->p.session), ins ? ins->symbol : "", &out) !=
	    TD_ALERT_ADMIT)
		return false;
	td_alert_log_add(a->log, &out.msg, out.rule, out.inst, out.has_order);
	if (out.sinks && a->notifier)
		td_notifier_post(a->notifier, &out.msg, out.sinks);
	if ((out.ui & TD_ALERT_UI_BELL) && out.msg.level >= a->bell && a->bell < TD_ALERT_LEVEL_COUNT) {
		a->flash = out.msg;
		a->flash_new = true;
	}
	return true;
}

size_t td_alerting_turn(td_alerting *a, td_ns clock)
{
	size_t n = 0;
	for (size_t i = 0; i < a->nmarked; i++) {
		uint32_t id = a->marked[i];
		a->dirty[id] = 0;
		refresh(a, id);
		n += fit(td_alert_book_evaluate(a->book, id, clock, a->fires + n, MAX_FIRES - n), n);
	}
	a->nmarked = 0;
	if (clock >= a->next_second) {
		n = second(a, clock, n);
		a->next_second = clock - clock % TD_NS_PER_SEC + TD_NS_PER_SEC;
	}
	notifier_news(a);
	size_t admitted = 0;
	for (size_t i = 0; i < n; i++)
		admitted += admit(a, &a->fires[i], clock);
	return admitted;
}

td_alert_rules *td_alerting_rules(td_alerting *a)
{
	return a->rules;
}

td_alert_log *td_alerting_log(td_alerting *a)
{
	return a->log;
}

td_alert_book *td_alerting_book(td_alerting *a)
{
	return a->book;
}

bool td_alerting_take_flash(td_alerting *a, td_alert_msg *out)
{
	if (!a->flash_new)
		return false;
	*out = a->flash;
	a->flash_new = false;
	return true;
}

/* Prices of an order line: on the instrument's tick, in its format. */
static int order_price(void *ctx, uint32_t inst, double price, char *buf, size_t n)
{
	const td_alerting *a = ctx;
	const td_instrument *ins = td_registry_get(a->p.reg, inst);
	if (!ins || !isfinite(price))
		return -1;
	double tick = td_px_to_double(ins->px, 1);
	td_px_format(ins->px, (td_ticks)llround(price / tick), buf, n);
	return 0;
}

int td_alerting_order_line(td_alerting *a, uint32_t rule, uint32_t inst, char *out, size_t outlen, char *err,
			   size_t errlen)
{
	const td_instrument *ins = td_registry_get(a->p.reg, inst);
	return td_alert_rules_order(a->rules, rule, inst, ins ? ins->symbol : "", order_price, a, out, outlen, err,
				    errlen);
}

void td_alerting_describe(const td_alerting *a, char *buf, size_t n)
{
	td_alert_rules_describe(a->rules, buf, n);
}
