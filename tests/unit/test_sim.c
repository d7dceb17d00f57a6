/*
 * The simulated market: determinism, the invariants of its event stream over
 * whole sessions (clock, books, prints, phases, heartbeats, options), and the
 * statistical shape it promises (bursts, U-shape, regimes).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/event.h"
#include "core/instrument.h"
#include "core/session.h"
#include "core/time.h"
#include "feed/sim.h"

#define MAXI 1024          /* instruments a test registry holds */
#define BOOK_SLOTS 65536   /* price-indexed book copy, centred on the opening quote */
#define MAX_SWEEP 8        /* levels one aggressive order may walk (sim.c) */

typedef struct fixture {
	td_registry *reg;
	td_sim *sim;
	const td_session *se;
	const td_tz *tz;
	int64_t date;
	td_ns start;
} fixture;

/* A simulator for a preset, a date "YYYY-MM-DD" and a local start time. */
static void open_sim(fixture *f, const char *market, uint64_t seed, const char *date, int h, int m)
{
	const char *why;
	f->reg = td_registry_new(MAXI);
	f->se = td_session_find(market);
	assert_non_null(f->se);
	f->tz = td_session_tz(f->se);
	assert_int_equal(td_date_parse(date, &f->date, &why), 0);
	td_sim_params p = { .seed = seed, .session = f->se, .date_days = f->date,
			    .start_tod = ((td_ns)h * 3600 + m * 60) * TD_NS_PER_SEC };
	char err[128] = "";
	f->sim = td_sim_new(&p, f->reg, err, sizeof(err));
	assert_non_null(f->sim);
	f->start = td_tz_to_utc(f->tz, f->date, p.start_tod);
}

static void close_sim(fixture *f)
{
	td_sim_free(f->sim);
	td_registry_free(f->reg);
}

static td_ns local(const fixture *f, int h, int m)
{
	return td_tz_to_utc(f->tz, f->date, ((td_ns)h * 3600 + m * 60) * TD_NS_PER_SEC);
}

/* ---- determinism --------------------------------------------------------- */

static void test_same_seed_same_stream(void **state)
{
	(void)state;
	fixture a, b;
	open_sim(&a, "us", 7, "2026-11-18", 9, 25);
	open_sim(&b, "us", 7, "2026-11-18", 9, 25);
	for (int i = 0; i < 200000; i++) {
		td_event x, y;
		assert_int_equal(td_sim_next(a.sim, &x), 1);
		assert_int_equal(td_sim_next(b.sim, &y), 1);
		assert_memory_equal(&x, &y, sizeof(x));
	}
	close_sim(&a);
	close_sim(&b);
}

static void test_other_seed_other_stream(void **state)
{
	(void)state;
	fixture a, b;
	open_sim(&a, "us", 7, "2026-11-18", 9, 25);
	open_sim(&b, "us", 8, "2026-11-18", 9, 25);
	int differ = 0;
	for (int i = 0; i < 200000; i++) {
		td_event x, y;
		td_sim_next(a.sim, &x);
		td_sim_next(b.sim, &y);
		differ += memcmp(&x, &y, sizeof(x)) != 0;
	}
	assert_true(differ > 100000);
	close_sim(&a);
	close_sim(&b);
}

/* ---- one pass over a session, checking as it goes ------------------------- */

typedef struct book {
	td_ticks base;                 /* price of slot 0 */
	int64_t bid[BOOK_SLOTS], ask[BOOK_SLOTS];
	td_ticks qb, qa;               /* last QUOTE */
	int nquotes;
	int64_t depth_sum;             /* contiguous bid levels behind each quote */
	/* prints of the current aggressive order, awaiting their LEVEL */
	int npend;
	td_ticks pend_px[MAX_SWEEP];
	int64_t pend_sz[MAX_SWEEP];
	uint8_t pend_side;             /* book side the order took from */
	int64_t traded, removed;
} book;

typedef struct opt_seen {
	int quotes;
	int64_t volume;                /* last OPTQ volume */
	int64_t traded;                /* sum of prints */
	td_ticks bid, ask;
	td_ns at;                      /* time of the last OPTQ */
} opt_seen;

typedef struct scan {
	fixture *f;
	book *books[2];
	uint32_t und[2];
	size_t nund;
	size_t follow;                 /* the first underlying with a book */
	td_ticks index_px;             /* last index print */
	opt_seen opt[MAXI];
	td_ns last, last_hb;
	td_phase phase;
	td_ns phase_at[TD_PHASE_COUNT]; /* first PHASE event into each phase */
	int64_t events;
	/* aggressive orders of the followed book per second, in one window */
	td_ns win_lo, win_hi;
	int *orders;
	td_ns last_order;
	/* its orders per half hour of the regular session */
	int half_hour[16];
	/* regimes */
	const char *regimes[8];
	int nregimes;
	double rg_ret[4];              /* log return of the followed book by regime */
	int64_t rg_buy[4], rg_sell[4]; /* aggressor volume by regime */
	const char *rg_now;
	double last_mid;
	/* absorption: volume taken at the best while it stayed the best */
	td_ticks abs_px[2];            /* best bid, best ask of the followed book */
	int64_t abs_vol[2], abs_max;
	int64_t touch_sum, touch_n;    /* displayed size at the touch */
} scan;

static book *book_for(scan *sc, uint32_t id)
{
	for (size_t i = 0; i < sc->nund; i++)
		if (sc->und[i] == id)
			return sc->books[i];
	return NULL;
}

static int64_t *book_slot(book *b, uint8_t side, td_ticks px)
{
	td_ticks i = px - b->base;
	assert_true(i >= 0 && i < BOOK_SLOTS);
	return side == TD_SIDE_BUY ? &b->bid[i] : &b->ask[i];
}

/* Every print of the last order must have been matched by its LEVEL. */
static void settle(book *b)
{
	assert_int_equal(b->npend, 0);
}

static void on_level(book *b, const td_ev_level *l)
{
	int64_t *sz = book_slot(b, l->side, l->px);
	for (int i = 0; i < b->npend; i++) {
		if (b->pend_px[i] != l->px || b->pend_side != l->side)
			continue;
		assert_int_equal(*sz - l->size, b->pend_sz[i]);  /* exactly what printed */
		b->removed += *sz - l->size;
		b->pend_px[i] = b->pend_px[b->npend - 1];
		b->pend_sz[i] = b->pend_sz[b->npend - 1];
		b->npend--;
		break;
	}
	assert_true(l->size >= 0);
	*sz = l->size;
}

/* A QUOTE must be the top of the book the LEVEL events built. */
static void on_quote(book *b, const td_ev_quote *q)
{
	settle(b);
	assert_true(q->bid != TD_PX_NONE && q->ask != TD_PX_NONE);
	assert_true(q->bid > 0 && q->bid < q->ask);
	assert_int_equal(*book_slot(b, TD_SIDE_BUY, q->bid), q->bid_sz);
	assert_int_equal(*book_slot(b, TD_SIDE_SELL, q->ask), q->ask_sz);
	for (int i = 1; i <= 40; i++) {
		assert_int_equal(*book_slot(b, TD_SIDE_BUY, q->bid + i), 0);
		assert_int_equal(*book_slot(b, TD_SIDE_SELL, q->ask - i), 0);
	}
	int depth = 0;
	while (depth < 40 && *book_slot(b, TD_SIDE_BUY, q->bid - depth) > 0)
		depth++;
	b->depth_sum += depth;
	b->nquotes++;
	b->qb = q->bid;
	b->qa = q->ask;
}

/* A print takes from the side opposite its aggressor, at or through the quote. */
static void on_trade(book *b, const td_ev_trade *t)
{
	assert_true(t->size > 0);
	if (t->aggressor == TD_SIDE_BUY) {
		assert_true(t->px >= b->qa && t->px < b->qa + MAX_SWEEP);
		b->pend_side = TD_SIDE_SELL;
	} else {
		assert_int_equal(t->aggressor, TD_SIDE_SELL);
		assert_true(t->px <= b->qb && t->px > b->qb - MAX_SWEEP);
		b->pend_side = TD_SIDE_BUY;
	}
	assert_true(b->npend < MAX_SWEEP);
	b->pend_px[b->npend] = t->px;
	b->pend_sz[b->npend++] = t->size;
	b->traded += t->size;
}

static int regime_index(const char *name)
{
	static const char *const names[4] = { "range", "trend-up", "trend-down", "news" };
	for (int i = 0; i < 4; i++)
		if (strcmp(names[i], name) == 0)
			return i;
	fail_msg("unknown regime '%s'", name);
	return 0;
}

/* Note the regime in force and attribute price moves and flow to it. */
static void track_regime(scan *sc, const td_event *ev)
{
	const char *rg = td_sim_regime(sc->f->sim);
	if (!sc->rg_now || strcmp(rg, sc->rg_now) != 0) {
		int known = 0;
		for (int i = 0; i < sc->nregimes; i++)
			known |= strcmp(sc->regimes[i], rg) == 0;
		if (!known && sc->nregimes < 8)
			sc->regimes[sc->nregimes++] = rg;
		sc->rg_now = rg;
	}
	if (ev->instr != sc->und[sc->follow])
		return;
	int r = regime_index(rg);
	if (ev->type == TD_EV_QUOTE) {
		double mid = log(0.5 * (double)(ev->u.quote.bid + ev->u.quote.ask));
		if (sc->last_mid != 0.0)
			sc->rg_ret[r] += mid - sc->last_mid;
		sc->last_mid = mid;
	}
	if (ev->type == TD_EV_TRADE && sc->phase == TD_PHASE_REGULAR)
		*(ev->u.trade.aggressor == TD_SIDE_BUY ? &sc->rg_buy[r] : &sc->rg_sell[r]) += ev->u.trade.size;
}

/* Count aggressive orders (prints of one instant are one order) of the followed book. */
static void count_order(scan *sc, const td_event *ev)
{
	if (ev->instr != sc->und[sc->follow] || ev->exch_ns == sc->last_order)
		return;
	sc->last_order = ev->exch_ns;
	if (sc->orders && ev->exch_ns >= sc->win_lo && ev->exch_ns < sc->win_hi)
		sc->orders[(ev->exch_ns - sc->win_lo) / TD_NS_PER_SEC]++;
	td_ns open = td_tz_to_utc(sc->f->tz, sc->f->date, sc->f->se->open_tod);
	if (ev->exch_ns >= open && ev->exch_ns < open + 13 * 30 * TD_NS_PER_MIN)
		sc->half_hour[(ev->exch_ns - open) / (30 * TD_NS_PER_MIN)]++;
}

/* Aggression soaked up at one price that stays the best: absorption. */
static void track_absorb(scan *sc, const td_event *ev)
{
	if (ev->instr != sc->und[sc->follow])
		return;
	if (ev->type == TD_EV_QUOTE) {
		const td_ev_quote *q = &ev->u.quote;
		td_ticks px[2] = { q->bid, q->ask };
		for (int i = 0; i < 2; i++)
			if (px[i] != sc->abs_px[i]) {
				sc->abs_px[i] = px[i];
				sc->abs_vol[i] = 0;
			}
		sc->touch_sum += q->bid_sz + q->ask_sz;
		sc->touch_n += 2;
	} else if (ev->type == TD_EV_TRADE) {
		int i = ev->u.trade.aggressor == TD_SIDE_BUY;
		if (ev->u.trade.px != sc->abs_px[i])
			return;
		sc->abs_vol[i] += ev->u.trade.size;
		if (sc->abs_vol[i] > sc->abs_max)
			sc->abs_max = sc->abs_vol[i];
	}
}

static void on_status(scan *sc, const td_event *ev)
{
	const td_ev_status *st = &ev->u.status;
	if (st->kind == TD_ST_HEARTBEAT) {
		assert_true(ev->exch_ns - sc->last_hb <= TD_NS_PER_SEC);
		sc->last_hb = ev->exch_ns;
	} else if (st->kind == TD_ST_PHASE) {
		assert_int_equal(st->phase, td_session_phase_at(sc->f->se, ev->exch_ns));
		assert_int_not_equal(st->phase, sc->phase);
		sc->phase = (td_phase)st->phase;
		if (sc->phase_at[sc->phase] == 0)
			sc->phase_at[sc->phase] = ev->exch_ns;
	}
}

static void on_option(scan *sc, const td_instrument *ins, const td_event *ev)
{
	opt_seen *o = &sc->opt[ev->instr];
	if (ev->type == TD_EV_OPTQ) {
		const td_ev_optq *q = &ev->u.optq;
		assert_true(q->ask != TD_PX_NONE && q->ask > 0);
		assert_true(q->bid == TD_PX_NONE || (q->bid > 0 && q->bid < q->ask));
		assert_true(q->volume >= o->volume);
		assert_int_equal(q->volume, o->traded);
		assert_true(q->oi > 0);
		o->volume = q->volume;
		o->bid = q->bid;
		o->ask = q->ask;
		o->at = ev->exch_ns;
		o->quotes++;
		return;
	}
	const td_ev_trade *t = &ev->u.trade;
	assert_int_equal(sc->phase, TD_PHASE_REGULAR);
	assert_true(t->size > 0);
	assert_int_equal(t->px, t->aggressor == TD_SIDE_BUY ? o->ask : o->bid);
	assert_true(ev->exch_ns < td_tz_to_utc(sc->f->tz, ins->expiry_days, sc->f->se->close_tod));
	o->traded += t->size;
}

/* Check one event against everything seen so far. */
static void check_event(scan *sc, const td_event *ev)
{
	assert_true(ev->exch_ns >= sc->last);
	assert_int_equal(ev->recv_ns, 0);
	sc->last = ev->exch_ns;
	sc->events++;
	if (ev->type == TD_EV_STATUS) {
		on_status(sc, ev);
		return;
	}
	const td_instrument *ins = td_registry_get(sc->f->reg, ev->instr);
	assert_non_null(ins);
	track_regime(sc, ev);
	track_absorb(sc, ev);
	if (ins->kind == TD_INS_OPTION) {
		assert_true(ev->type == TD_EV_OPTQ || ev->type == TD_EV_TRADE);
		on_option(sc, ins, ev);
		return;
	}
	book *b = book_for(sc, ev->instr);
	if (ins->kind == TD_INS_INDEX) {
		assert_int_equal(ev->type, TD_EV_TRADE);
		assert_int_equal(ev->u.trade.size, 0);
		assert_int_equal(ev->u.trade.aggressor, TD_SIDE_NONE);
		assert_true(sc->phase == TD_PHASE_REGULAR || ev->exch_ns == sc->f->start);
		sc->index_px = ev->u.trade.px;
		return;
	}
	assert_non_null(b);
	if (ev->type == TD_EV_TRADE) {
		assert_true(sc->phase != TD_PHASE_CLOSED);
		assert_true(ins->kind == TD_INS_FUTURE || sc->phase != TD_PHASE_OVERNIGHT);
		on_trade(b, &ev->u.trade);
		count_order(sc, ev);
	} else if (ev->type == TD_EV_LEVEL) {
		on_level(b, &ev->u.level);
	} else {
		assert_int_equal(ev->type, TD_EV_QUOTE);
		on_quote(b, &ev->u.quote);
	}
}

/* Set up the book copies around each underlying's opening quote. */
static void scan_init(scan *sc, fixture *f)
{
	memset(sc, 0, sizeof(*sc));
	sc->f = f;
	sc->nund = td_sim_underlyings(f->sim, sc->und, 2);
	sc->phase = TD_PHASE_COUNT;
	sc->last_hb = f->start;
	sc->follow = SIZE_MAX;
	for (size_t i = 0; i < sc->nund; i++) {
		if (td_registry_get(f->reg, sc->und[i])->kind == TD_INS_INDEX)
			continue;
		if (sc->follow == SIZE_MAX)
			sc->follow = i;
		sc->books[i] = calloc(1, sizeof(book));
		assert_non_null(sc->books[i]);
		sc->books[i]->base = TD_PX_NONE;
	}
}

static void scan_free(scan *sc)
{
	for (size_t i = 0; i < sc->nund; i++)
		free(sc->books[i]);
	free(sc->orders);
}

/* Centre each book copy on its first level event. */
static void centre(scan *sc, const td_event *ev)
{
	book *b = ev->type == TD_EV_LEVEL ? book_for(sc, ev->instr) : NULL;
	if (b && b->base == TD_PX_NONE)
		b->base = ev->u.level.px - BOOK_SLOTS / 2;
}

/* The next event, checked. */
static void scan_one(scan *sc, td_event *ev)
{
	assert_int_equal(td_sim_next(sc->f->sim, ev), 1);
	centre(sc, ev);
	check_event(sc, ev);
}

/* Run the simulator until the first event at or after end, checking every event. */
static void scan_until(scan *sc, td_ns end)
{
	td_event ev;
	do
		scan_one(sc, &ev);
	while (ev.exch_ns < end);
}

/* ---- a US session from 09:25 to 20:05 ------------------------------------- */

static void test_us_session(void **state)
{
	(void)state;
	fixture f;
	scan sc;
	open_sim(&f, "us", 11, "2026-11-18", 9, 25);  /* a Wednesday */
	scan_init(&sc, &f);
	sc.win_lo = local(&f, 11, 0);
	sc.win_hi = local(&f, 14, 0);
	sc.orders = calloc((size_t)((sc.win_hi - sc.win_lo) / TD_NS_PER_SEC), sizeof(int));
	td_event ev;
	td_sim_next(f.sim, &ev);
	assert_int_equal(ev.type, TD_EV_STATUS);
	assert_int_equal(ev.u.status.kind, TD_ST_FEED_UP);
	assert_int_equal(ev.exch_ns, f.start);
	scan_until(&sc, local(&f, 20, 5));

	/* phases at the table's instants, exactly */
	assert_int_equal(sc.phase_at[TD_PHASE_PREMARKET], f.start);
	assert_int_equal(sc.phase_at[TD_PHASE_REGULAR], local(&f, 9, 30));
	assert_int_equal(sc.phase_at[TD_PHASE_POSTMARKET], local(&f, 16, 0));
	assert_int_equal(sc.phase_at[TD_PHASE_OVERNIGHT], local(&f, 20, 0));

	/* books: volume conservation, depth */
	for (int i = 0; i < 2; i++) {
		book *b = sc.books[i];
		assert_true(b->traded > 0);
		assert_int_equal(b->traded, b->removed);
		assert_true(b->depth_sum >= 10LL * b->nquotes);
	}

	/* every option quoted; prints add up to the reported volume */
	int traded_options = 0;
	for (uint32_t id = 0; id < td_registry_count(f.reg); id++) {
		if (td_registry_get(f.reg, id)->kind != TD_INS_OPTION)
			continue;
		assert_true(sc.opt[id].quotes > 0);
		traded_options += sc.opt[id].traded > 0;
	}
	assert_true(traded_options > 50);

	/* bursts: order counts per second are overdispersed (Poisson: var = mean) */
	size_t nb = (size_t)((sc.win_hi - sc.win_lo) / TD_NS_PER_SEC);
	double mean = 0, var = 0;
	for (size_t i = 0; i < nb; i++)
		mean += sc.orders[i];
	mean /= (double)nb;
	for (size_t i = 0; i < nb; i++)
		var += (sc.orders[i] - mean) * (sc.orders[i] - mean);
	var /= (double)(nb - 1);
	assert_true(mean > 0.5);
	assert_true(var > 1.5 * mean);

	/* U-shape: the first and last half hours are busier than midday */
	assert_true(sc.half_hour[0] > sc.half_hour[6]);
	assert_true(sc.half_hour[12] > sc.half_hour[6]);

	/* absorption: somewhere far more traded at one best price than is ever shown there */
	assert_true(sc.abs_max > 10 * (sc.touch_sum / sc.touch_n));

	/* regimes: several occur, and trends lean their flow and price their way */
	assert_true(sc.nregimes >= 2);
	if (sc.rg_buy[1] + sc.rg_sell[1] > 0)
		assert_true(sc.rg_buy[1] > sc.rg_sell[1]);
	if (sc.rg_buy[2] + sc.rg_sell[2] > 0)
		assert_true(sc.rg_sell[2] > sc.rg_buy[2]);
	scan_free(&sc);
	close_sim(&f);
}

/* Trends move prices their way, summed over several sessions. */
static void test_trends_move_prices(void **state)
{
	(void)state;
	double up = 0, down = 0;
	for (uint64_t seed = 1; seed <= 3; seed++) {
		fixture f;
		scan sc;
		open_sim(&f, "in", seed, "2026-11-17", 9, 10);
		scan_init(&sc, &f);
		scan_until(&sc, local(&f, 15, 30));
		up += sc.rg_ret[1];
		down += sc.rg_ret[2];
		scan_free(&sc);
		close_sim(&f);
	}
	assert_true(up > 0.0);
	assert_true(down < 0.0);
}

/* ---- option chains ----------------------------------------------------------- */

typedef struct chain_pt {
	double strike;
	double cmid, pmid, chalf, phalf;  /* NAN when a side is missing */
} chain_pt;

/* The latest quotes of one expiry of a chain, by strike. */
static size_t chain_at(const fixture *f, const scan *sc, uint32_t und, int64_t expiry, chain_pt *pts, size_t max)
{
	size_t n = 0;
	for (uint32_t id = 0; id < td_registry_count(f->reg); id++) {
		const td_instrument *ins = td_registry_get(f->reg, id);
		if (ins->kind != TD_INS_OPTION || ins->underlying != und || ins->expiry_days != expiry)
			continue;
		double k = (double)ins->occ.strike_milli / 1000.0;
		size_t i = 0;
		while (i < n && pts[i].strike != k)
			i++;
		if (i == n) {
			assert_true(n < max);
			pts[n++] = (chain_pt){ k, NAN, NAN, NAN, NAN };
		}
		const opt_seen *o = &sc->opt[id];
		double mid = NAN, half = NAN;
		if (o->bid != TD_PX_NONE) {
			mid = td_px_to_double(ins->px, o->bid + o->ask) / 2.0;
			half = td_px_to_double(ins->px, o->ask - o->bid) / 2.0;
		}
		if (ins->occ.right == 'C') {
			pts[i].cmid = mid;
			pts[i].chalf = half;
		} else {
			pts[i].pmid = mid;
			pts[i].phalf = half;
		}
	}
	for (size_t i = 1; i < n; i++)
		assert_true(pts[i].strike > pts[i - 1].strike);  /* registered in strike order */
	return n;
}

/* Calls fall and puts rise with the strike, within the quoted spreads. */
static void check_monotone(const chain_pt *p, size_t n, double tick)
{
	for (size_t i = 1; i < n; i++) {
		if (!isnan(p[i].cmid) && !isnan(p[i - 1].cmid))
			assert_true(p[i].cmid <= p[i - 1].cmid + p[i].chalf + p[i - 1].chalf + tick);
		if (!isnan(p[i].pmid) && !isnan(p[i - 1].pmid))
			assert_true(p[i].pmid + p[i].phalf + p[i - 1].phalf + tick >= p[i - 1].pmid);
	}
}

/*
 * Put-call parity for European options: C - P = D (F - K) with D = e^-rT close
 * to 1, so the forward implied at each strike, K + (C - P), is the same
 * everywhere up to the spreads and (1 - D) |F - K|.
 */
static int check_parity(const chain_pt *p, size_t n, double fwd_hint)
{
	double fwd = NAN, best = INFINITY;
	for (size_t i = 0; i < n; i++)
		if (!isnan(p[i].cmid + p[i].pmid) && fabs(p[i].strike - fwd_hint) < best) {
			best = fabs(p[i].strike - fwd_hint);
			fwd = p[i].strike + p[i].cmid - p[i].pmid;
		}
	assert_false(isnan(fwd));
	assert_true(fabs(fwd - fwd_hint) < 0.01 * fwd_hint);
	int checked = 0;
	for (size_t i = 0; i < n; i++) {
		if (isnan(p[i].cmid + p[i].pmid))
			continue;
		double implied = p[i].strike + p[i].cmid - p[i].pmid;
		double tol = 2.0 * (p[i].chalf + p[i].phalf) + 0.02 * fabs(fwd - p[i].strike) + 1e-3 * fwd;
		assert_true(fabs(implied - fwd) <= tol);
		checked++;
	}
	return checked;
}

/* Every expiry of every chain, after the opening snapshot and later in the day. */
static void check_chains(const fixture *f, const scan *sc, bool parity)
{
	chain_pt pts[64];
	int64_t seen[32];
	size_t nseen = 0;
	int pairs = 0;
	for (uint32_t id = 0; id < td_registry_count(f->reg); id++) {
		const td_instrument *ins = td_registry_get(f->reg, id);
		if (ins->kind != TD_INS_OPTION)
			continue;
		int64_t key = ins->expiry_days * 4096 + ins->underlying;
		size_t j = 0;
		while (j < nseen && seen[j] != key)
			j++;
		if (j < nseen)
			continue;
		assert_true(nseen < 32);
		seen[nseen++] = key;
		if (td_tz_to_utc(f->tz, ins->expiry_days, f->se->close_tod) <= sc->last)
			continue;  /* expired: its last quotes are from before the close */
		size_t n = chain_at(f, sc, ins->underlying, ins->expiry_days, pts, 64);
		check_monotone(pts, n, td_px_to_double(ins->px, 1));
		const td_instrument *u = td_registry_get(f->reg, ins->underlying);
		if (parity && ins->style == TD_EXERCISE_EUROPEAN) {
			const book *b = u->kind == TD_INS_INDEX ? NULL : book_for((scan *)sc, u->id);
			double hint = b ? td_px_to_double(u->px, b->qb + b->qa) / 2.0
					: td_px_to_double(u->px, sc->index_px);
			pairs += check_parity(pts, n, hint);
		}
	}
	assert_true(!parity || pairs >= 40);  /* near expiry only a few strikes have two sides */
}

static void test_option_chains(void **state)
{
	(void)state;
	const char *markets[2] = { "us", "in" };
	int opens[2][2] = { { 9, 25 }, { 9, 10 } };
	for (int m = 0; m < 2; m++) {
		fixture f;
		scan sc;
		open_sim(&f, markets[m], 5, "2026-11-20", opens[m][0], opens[m][1]);  /* a Friday */
		scan_init(&sc, &f);
		scan_until(&sc, f.start + 1);  /* the opening snapshot: one spot for all */
		check_chains(&f, &sc, true);
		scan_until(&sc, local(&f, 12, 0));
		check_chains(&f, &sc, true);
		scan_until(&sc, local(&f, 16, 30));  /* past the 0DTE expiry */
		check_chains(&f, &sc, false);
		scan_free(&sc);
		close_sim(&f);
	}
}

/* ---- instruments per preset -------------------------------------------------- */

/* Expiries of the options on an underlying, ascending, distinct. */
static size_t expiries_of(const fixture *f, uint32_t und, int64_t *out, size_t max)
{
	size_t n = 0;
	for (uint32_t id = 0; id < td_registry_count(f->reg); id++) {
		const td_instrument *ins = td_registry_get(f->reg, id);
		if (ins->kind != TD_INS_OPTION || ins->underlying != und)
			continue;
		if (n > 0 && out[n - 1] == ins->expiry_days)
			continue;
		assert_true(n < max);
		assert_true(n == 0 || ins->expiry_days > out[n - 1]);
		out[n++] = ins->expiry_days;
	}
	return n;
}

/* Count monthlies (nth weekday rule given) and check every expiry's weekday. */
static int count_monthlies(const int64_t *e, size_t n, int wday, bool last)
{
	int monthly = 0;
	for (size_t i = 0; i < n; i++) {
		int y, m, d;
		assert_int_equal(td_weekday(e[i]), wday);
		td_civil_from_days(e[i], &y, &m, &d);
		int y2, m2, d2;
		td_civil_from_days(e[i] + 7, &y2, &m2, &d2);
		monthly += last ? m2 != m : (d >= 15 && d <= 21);
	}
	return monthly;
}

static void check_option_fields(const fixture *f, uint32_t und, int64_t mult, td_exercise style)
{
	for (uint32_t id = 0; id < td_registry_count(f->reg); id++) {
		const td_instrument *ins = td_registry_get(f->reg, id);
		if (ins->kind != TD_INS_OPTION || ins->underlying != und)
			continue;
		int y, m, d;
		td_civil_from_days(ins->expiry_days, &y, &m, &d);
		assert_int_equal(ins->occ.year, y);
		assert_int_equal(ins->occ.month, m);
		assert_int_equal(ins->occ.day, d);
		assert_int_equal(ins->multiplier, mult);
		assert_int_equal(ins->style, style);
		assert_true(ins->occ.right == 'C' || ins->occ.right == 'P');
	}
}

static void test_us_instruments(void **state)
{
	(void)state;
	fixture f;
	open_sim(&f, "us", 1, "2026-11-18", 9, 25);
	uint32_t ids[4];
	assert_int_equal(td_sim_underlyings(f.sim, ids, 4), 2);
	const td_instrument *spy = td_registry_get(f.reg, ids[0]), *es = td_registry_get(f.reg, ids[1]);
	assert_string_equal(spy->symbol, "SPY");
	assert_int_equal(spy->kind, TD_INS_EQUITY);
	assert_int_equal(spy->px.tick, 1);
	assert_int_equal(spy->px.scale, 2);
	assert_string_equal(es->symbol, "ESZ6");
	assert_int_equal(es->kind, TD_INS_FUTURE);
	assert_int_equal(es->px.tick, 25);
	assert_int_equal(es->multiplier, 50);
	int64_t e[8];
	size_t n = expiries_of(&f, ids[0], e, 8);
	assert_int_equal(n, 4);
	assert_int_equal(count_monthlies(e, n, 5, false), 2);
	assert_int_equal(e[0], td_days_from_civil(2026, 11, 20));  /* the 3rd Friday */
	check_option_fields(&f, ids[0], 100, TD_EXERCISE_AMERICAN);
	check_option_fields(&f, ids[1], 50, TD_EXERCISE_EUROPEAN);
	/* compact OCC names: root, YYMMDD, C/P, strike x 1000 in 8 digits */
	const td_instrument *o = td_registry_get(f.reg, ids[1] + 1);
	char want[32];
	snprintf(want, sizeof(want), "SPY%02d%02d%02d%c%08lld", o->occ.year % 100, o->occ.month,
		 o->occ.day, o->occ.right, (long long)o->occ.strike_milli);
	assert_string_equal(o->symbol, want);
	close_sim(&f);
}

static void test_in_instruments(void **state)
{
	(void)state;
	fixture f;
	open_sim(&f, "in", 1, "2026-11-18", 9, 10);
	uint32_t ids[4];
	assert_int_equal(td_sim_underlyings(f.sim, ids, 4), 2);
	const td_instrument *nifty = td_registry_get(f.reg, ids[0]), *fut = td_registry_get(f.reg, ids[1]);
	assert_string_equal(nifty->symbol, "NIFTY");
	assert_int_equal(nifty->kind, TD_INS_INDEX);
	assert_int_equal(nifty->px.tick, 5);
	assert_string_equal(fut->symbol, "NIFTY26NOVFUT");
	assert_int_equal(fut->kind, TD_INS_FUTURE);
	assert_int_equal(fut->multiplier, 75);
	int64_t e[8];
	size_t n = expiries_of(&f, ids[0], e, 8);
	assert_int_equal(n, 4);
	assert_int_equal(count_monthlies(e, n, 2, true), 2);
	assert_int_equal(e[0], td_days_from_civil(2026, 11, 24));  /* last Tuesday */
	check_option_fields(&f, ids[0], 75, TD_EXERCISE_EUROPEAN);
	/* NSE names: monthly NIFTY<YY><MON><K><CE|PE>, weekly NIFTY<YY><M><DD><K><CE|PE> */
	const td_instrument *o = td_registry_get(f.reg, ids[1] + 1);
	char want[32];
	snprintf(want, sizeof(want), "NIFTY26NOV%lld%s", (long long)(o->occ.strike_milli / 1000),
		 o->occ.right == 'C' ? "CE" : "PE");
	assert_string_equal(o->symbol, want);
	for (uint32_t id = ids[1] + 1; id < td_registry_count(f.reg); id++) {
		o = td_registry_get(f.reg, id);
		if (o->expiry_days != e[1])
			continue;
		snprintf(want, sizeof(want), "NIFTY26D01%lld%s", (long long)(o->occ.strike_milli / 1000),
			 o->occ.right == 'C' ? "CE" : "PE");
		assert_string_equal(o->symbol, want);
	}
	close_sim(&f);
}

/* ---- quiet days and bad parameters -------------------------------------------- */

static void test_weekend_only_heartbeats(void **state)
{
	(void)state;
	fixture f;
	open_sim(&f, "us", 3, "2026-11-21", 9, 25);  /* a Saturday */
	scan sc;
	scan_init(&sc, &f);
	td_event ev;
	int beats = 0;
	do {
		scan_one(&sc, &ev);
		if (ev.exch_ns == f.start)
			continue;  /* the opening book and option snapshot */
		assert_int_equal(ev.type, TD_EV_STATUS);
		assert_int_equal(ev.u.status.kind, TD_ST_HEARTBEAT);
		beats++;
	} while (ev.exch_ns < f.start + 6 * 3600 * TD_NS_PER_SEC);
	assert_int_equal(sc.phase, TD_PHASE_CLOSED);
	assert_true(beats >= 6 * 3600 && beats <= 6 * 3600 + 1);
	scan_free(&sc);
	close_sim(&f);
}

static void test_bad_params(void **state)
{
	(void)state;
	char err[128];
	td_registry *reg = td_registry_new(MAXI);
	td_sim_params p = { .seed = 1, .session = NULL, .date_days = 20000 };
	err[0] = 0;
	assert_null(td_sim_new(&p, reg, err, sizeof(err)));
	assert_true(err[0] != 0);
	td_session odd = *td_session_find("us");
	odd.name = "xx";
	p.session = &odd;
	assert_null(td_sim_new(&p, reg, err, sizeof(err)));
	assert_non_null(strstr(err, "'xx'"));
	p.session = td_session_find("us");
	p.start_tod = -1;
	assert_null(td_sim_new(&p, reg, err, sizeof(err)));
	p.start_tod = 0;
	assert_null(td_sim_new(NULL, reg, err, sizeof(err)));
	td_registry *small = td_registry_new(10);
	assert_null(td_sim_new(&p, small, err, sizeof(err)));
	assert_non_null(strstr(err, "registry"));
	td_registry_free(small);
	td_registry_free(reg);
}

static void test_feed_ops(void **state)
{
	(void)state;
	assert_string_equal(td_sim_feed_ops.name, "sim");
	td_registry *reg = td_registry_new(MAXI);
	td_sim_params p = { .seed = 1, .session = td_session_find("in"), .date_days = 20000 };
	char err[128];
	td_sim *s = td_sim_new(&p, reg, err, sizeof(err));
	td_event ev;
	assert_int_equal(td_sim_feed_ops.next(s, &ev), 1);
	td_sim_feed_ops.free(s);
	td_registry_free(reg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_seed_same_stream),
		cmocka_unit_test(test_other_seed_other_stream),
		cmocka_unit_test(test_us_session),
		cmocka_unit_test(test_trends_move_prices),
		cmocka_unit_test(test_option_chains),
		cmocka_unit_test(test_us_instruments),
		cmocka_unit_test(test_in_instruments),
		cmocka_unit_test(test_weekend_only_heartbeats),
		cmocka_unit_test(test_bad_params),
		cmocka_unit_test(test_feed_ops),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
