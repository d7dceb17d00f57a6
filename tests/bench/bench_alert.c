/*
 * Alert rules: 1,000 rules across 20 instruments (50 each: price levels,
 * the RSI/volume example, VWAP crosses with cumulative delta,
 * option-chain extremes, gamma flips, windows, value-area and opening
 * setups, spread watches and a cross-instrument correlation), fed 4 million
 * market events: trades (last, volume, day volume, delta, cumulative delta,
 * VWAP), quotes (bid, ask, spread), a closed bar every 1,000 events of an
 * instrument, a chain update every 20,000 events, and a tick each simulated
 * second.  The events are made beforehand, so the figure is the book's cost:
 * setting the facts, bars, ticks and evaluation.  The target is under 1 us
 * per event on average.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert/book.h"
#include "bench.h"

#define INSTRUMENTS 20
#define RULES_EACH 50
#define EVENTS 4000000
#define BAR_EVERY 1000     /* events of one instrument per closed bar */
#define CHAIN_EVERY 20000  /* events per chain update (one instrument) */
#define EVENTS_PER_SEC 20000

enum { EV_TRADE, EV_QUOTE, EV_BAR, EV_CHAIN };

struct ev {
	uint8_t type;
	uint8_t inst;
	double a, b, c;    /* trade: price, size, aggressor (+1/-1); quote: bid, ask */
};

/* Instruments are S0..S19; the lookup resolves "S<n>". */
static int lookup(void *ctx, const char *sym, uint32_t *inst)
{
	(void)ctx;
	char *end;
	if (sym[0] != 'S')
		return -1;
	long n = strtol(sym + 1, &end, 10);
	if (*end || n < 0 || n >= INSTRUMENTS)
		return -1;
	*inst = (uint32_t)n;
	return 0;
}

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Rule k of instrument i, around its price px. */
static void rule_text(char *buf, size_t n, int i, int k, double px)
{
	int other = (i + 1) % INSTRUMENTS;
	double lvl = px + (double)(k % 10 - 5) * 0.5;
	switch (k % 16) {
	case 0: snprintf(buf, n, "rsi(14) < 30 and volume > sma(volume, 20)"); break;
	case 1: snprintf(buf, n, "rsi(%d) > 70 and volume > sma(volume, 20)", 7 + k % 3); break;
	case 2: snprintf(buf, n, "last crosses above vwap and rising(cum_delta, 3)"); break;
	case 3: snprintf(buf, n, "last crosses below vwap and falling(cum_delta, 3)"); break;
	case 4: snprintf(buf, n, "pcr_oi > %.2f or pcr_oi < 0.6", 1.2 + 0.01 * k); break;
	case 5: snprintf(buf, n, "iv_rank > 80 and atm_iv > iv30"); break;
	case 6: snprintf(buf, n, "last crosses above zero_gamma"); break;
	case 7: snprintf(buf, n, "(last > vwap and delta > 0) for 2m"); break;
	case 8: snprintf(buf, n, "absorption within 5m and last <= val"); break;
	case 9: snprintf(buf, n, "last > swing_high(20) and last@S%d < swing_low(20)@S%d", other, other); break;
	case 10: snprintf(buf, n, "stacked_imbalance(buy) >= 1 and abs(last - val) <= 2 * tick"); break;
	case 11: snprintf(buf, n, "spread > 4 * tick"); break;
	case 12: snprintf(buf, n, "ib_done and opening_type == OD and last > ib_high"); break;
	case 13: snprintf(buf, n, "time >= 15:45 and abs(last - poc) < 2 * tick"); break;
	default: snprintf(buf, n, "last crosses %s %.2f", k % 2 ? "above" : "below", lvl); break;
	}
}

/* The event stream: a random walk per instrument, busier instruments first. */
static struct ev *make_events(double *px)
{
	struct ev *ev = malloc(EVENTS * sizeof(*ev));
	uint64_t s = 0x853c49e6748fea9bull;
	int since_bar[INSTRUMENTS] = { 0 };
	for (long n = 0; ev && n < EVENTS; n++) {
		uint32_t i = (uint32_t)(rnd(&s) % 64);
		i = i < 40 ? i % 4 : i % INSTRUMENTS; /* 4 busy instruments take most events */
		if (n % CHAIN_EVERY == 0) {
			ev[n] = (struct ev){ EV_CHAIN, (uint8_t)(n / CHAIN_EVERY % INSTRUMENTS),
				 (double)(rnd(&s) % 200) / 100, (double)(rnd(&s) % 100), 0 };
			continue;
		}
		if (++since_bar[i] == BAR_EVERY) {
			since_bar[i] = 0;
			ev[n] = (struct ev){ EV_BAR, (uint8_t)i, px[i], 0, 0 };
			continue;
		}
		if (rnd(&s) % 5 < 2) {
			px[i] += ((double)(rnd(&s) % 3) - 1) * 0.25;
			ev[n] = (struct ev){ EV_TRADE, (uint8_t)i, px[i], (double)(1 + rnd(&s) % 10),
				 rnd(&s) % 2 ? 1 : -1 };
		} else {
			double spread = 0.25 * (double)(1 + rnd(&s) % 6 / 5);
			ev[n] = (struct ev){ EV_QUOTE, (uint8_t)i, px[i] - 0.25, px[i] - 0.25 + spread, 0 };
		}
	}
	return ev;
}

/* What the engine keeps per instrument to derive the facts (not timed: it is the engine's work). */
struct derive {
	double bar_open, bar_high, bar_low, bar_vol, bar_delta;
	double day_vol, cum_delta, pv;
};

/* Feed every event to the book; seconds taken. */
static double feed(td_alert_book *b, const struct ev *ev, struct derive *d, uint64_t *fires)
{
	td_alert_fire out[64];
	double t0 = td_bench_seconds();
	for (long n = 0; n < EVENTS; n++) {
		const struct ev *e = &ev[n];
		struct derive *x = &d[e->inst];
		td_ns clock = (td_ns)n * (TD_NS_PER_SEC / EVENTS_PER_SEC);
		switch (e->type) {
		case EV_TRADE:
			x->bar_vol += e->b;
			x->bar_delta += e->b * e->c;
			x->day_vol += e->b;
			x->cum_delta += e->b * e->c;
			x->pv += e->a * e->b;
			x->bar_high = fmax(x->bar_high, e->a);
			x->bar_low = fmin(x->bar_low, e->a);
			td_alert_book_set(b, e->inst, TD_AF_LAST, e->a);
			td_alert_book_set(b, e->inst, TD_AF_VOLUME, x->bar_vol);
			td_alert_book_set(b, e->inst, TD_AF_DAY_VOLUME, x->day_vol);
			td_alert_book_set(b, e->inst, TD_AF_DELTA, x->bar_delta);
			td_alert_book_set(b, e->inst, TD_AF_CUM_DELTA, x->cum_delta);
			td_alert_book_set(b, e->inst, TD_AF_VWAP, x->pv / x->day_vol);
			break;
		case EV_QUOTE:
			td_alert_book_set(b, e->inst, TD_AF_BID, e->a);
			td_alert_book_set(b, e->inst, TD_AF_ASK, e->b);
			td_alert_book_set(b, e->inst, TD_AF_SPREAD, e->b - e->a);
			break;
		case EV_BAR: {
			td_alert_bar bar = { x->bar_open, fmax(x->bar_high, e->a), fmin(x->bar_low, e->a), e->a,
					     x->bar_vol, x->bar_delta };
			td_alert_book_bar(b, e->inst, &bar);
			*x = (struct derive){ e->a, e->a, e->a, 0, 0, x->day_vol, x->cum_delta, x->pv };
			td_alert_book_set(b, e->inst, TD_AF_VOLUME, 0);
			td_alert_book_set(b, e->inst, TD_AF_DELTA, 0);
			break;
		}
		default:
			td_alert_book_set(b, e->inst, TD_AF_PCR_OI, e->a);
			td_alert_book_set(b, e->inst, TD_AF_IV_RANK, e->b);
			break;
		}
		*fires += td_alert_book_evaluate(b, e->inst, clock, out, 64);
		if (n % EVENTS_PER_SEC == 0) {
			for (uint32_t i = 0; i < INSTRUMENTS; i++)
				td_alert_book_set(b, i, TD_AF_TIME, 9.5 * 3600 + (double)(n / EVENTS_PER_SEC));
			*fires += td_alert_book_tick(b, clock, out, 64);
		}
	}
	return td_bench_seconds() - t0;
}

/* Facts that do not move in the stream (levels around each price), and a start for the derived ones. */
static void set_statics(td_alert_book *b, struct derive *d, const double *px)
{
	static const struct { td_alert_fact f; double v; } level[] = {
		{ TD_AF_VAL, -1 }, { TD_AF_VAH, 1 }, { TD_AF_POC, 0 }, { TD_AF_IB_HIGH, 2 }, { TD_AF_ZERO_GAMMA, 0 },
	}, fixed[] = {
		{ TD_AF_TICK, 0.25 }, { TD_AF_IB_DONE, 1 }, { TD_AF_OPENING_TYPE, TD_ALERT_OD }, { TD_AF_ATM_IV, 20 },
		{ TD_AF_IV30, 18 }, { TD_AF_STACKED_BUY, 0 }, { TD_AF_ABSORPTION, 0 },
	};
	for (uint32_t i = 0; i < INSTRUMENTS; i++) {
		for (size_t k = 0; k < sizeof(level) / sizeof(level[0]); k++)
			td_alert_book_set(b, i, level[k].f, px[i] + level[k].v);
		for (size_t k = 0; k < sizeof(fixed) / sizeof(fixed[0]); k++)
			td_alert_book_set(b, i, fixed[k].f, fixed[k].v);
		d[i] = (struct derive){ px[i], px[i], px[i], 0, 0, 0, 0, 0 };
	}
}

/* Run the stream against a book with rules_each rules per instrument; prints one line. */
static void run(int rules_each, const struct ev *ev, const double *px0)
{
	td_alert_book_params p;
	td_alert_book_defaults(&p);
	p.instruments = INSTRUMENTS;
	td_alert_book *b = td_alert_book_new(&p);
	td_alert_expr **rule = calloc(INSTRUMENTS * RULES_EACH, sizeof(*rule));
	struct derive d[INSTRUMENTS];
	double px[INSTRUMENTS];
	memcpy(px, px0, sizeof(px));
	set_statics(b, d, px);
	/* 30 closed bars first, so the indicators are defined */
	for (uint32_t i = 0; i < INSTRUMENTS; i++)
		for (int k = 0; k < 30; k++) {
			double c = px[i] + (double)(k % 5) * 0.25;
			td_alert_bar bar = { c, c + 0.5, c - 0.5, c, 100 + k, k % 3 - 1.0 };
			td_alert_book_bar(b, i, &bar);
		}
	int n = 0;
	double t0 = td_bench_seconds();
	for (int i = 0; i < INSTRUMENTS; i++)
		for (int k = 0; k < rules_each; k++) {
			char text[256];
			td_alert_error err;
			rule_text(text, sizeof(text), i, k, px[i]);
			rule[n] = td_alert_compile(text, lookup, NULL, &err);
			if (!rule[n] || td_alert_book_attach(b, (uint32_t)n, rule[n], (uint32_t)i, NULL, 0) != 0) {
				printf("alert: rule '%s' failed: %s\n", text, err.msg);
				return;
			}
			n++;
		}
	double compile_s = td_bench_seconds() - t0;
	td_alert_stats st0, st;
	td_alert_book_stats(b, &st0);
	uint64_t fires = 0;
	double dt = feed(b, ev, d, &fires);
	td_alert_book_stats(b, &st);
	uint64_t evals = st.evaluations - st0.evaluations;
	printf("alert %d rules (%d on each of %d instruments): %d events in %.3f s = %.0f ns/event, "
	       "%.2f evaluations/event, %.1f ns/evaluation, %llu firings",
	       n, rules_each, INSTRUMENTS, EVENTS, dt, dt * 1e9 / EVENTS, (double)evals / EVENTS,
	       evals ? dt * 1e9 / (double)evals : 0.0, (unsigned long long)fires);
	if (n)
		printf(", compile+attach %.1f us/rule, book %.0f KB (%zu indicator states)", compile_s * 1e6 / n,
		       (double)st.bytes / 1024, st.indicators);
	printf("\n");
	td_alert_book_free(b);
	for (int i = 0; i < n; i++)
		td_alert_expr_free(rule[i]);
	free(rule);
}

/* Print the figures for an empty book (the cost of keeping facts) and for 1,000 rules. */
void td_bench_alert(void)
{
	double px[INSTRUMENTS];
	for (int i = 0; i < INSTRUMENTS; i++)
		px[i] = 100.0 * (i + 1);
	double px0[INSTRUMENTS];
	memcpy(px0, px, sizeof(px));
	struct ev *ev = make_events(px);
	if (!ev) {
		printf("alert: out of memory\n");
		return;
	}
	run(0, ev, px0);
	run(RULES_EACH, ev, px0);
	free(ev);
}
