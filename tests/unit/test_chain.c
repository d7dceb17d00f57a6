/*
 * Chain statistics on tiny hand-made chains.  Every expected number is
 * worked out beside it from the definitions in doc/options.md (max pain from
 * the reference's worked example, section 3.7), or is a property (the order
 * of the input does not matter, a symmetric gamma profile flips at the centre).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "options/chain.h"

#define LEN(a) (sizeof(a) / sizeof((a)[0]))
#define EPS 1e-9

/* got within tol of want (a NaN never is), reported with the line of the check. */
#define assert_near(got, want, tol) near_((got), (want), (tol), #got, __LINE__)
static void near_(double got, double want, double tol, const char *what, int line)
{
	if (isnan(got) || !(fabs(got - want) <= tol))
		fail_msg("line %d: %s = %.17g, want %.17g within %g", line, what, got, want, tol);
}

/* Like assert_near, but two NaNs are the same (for comparing two computations). */
#define assert_same(a, b, tol) \
	do { \
		if (!(isnan(a) && isnan(b))) \
			assert_near(a, b, tol); \
	} while (0)

/* A contract with every market field missing. */
static td_chain_contract con(int32_t e, td_right r, double K)
{
	return (td_chain_contract){ .expiry = e, .right = r, .strike = K, .bid = NAN, .ask = NAN, .last = NAN,
				    .volume = NAN, .oi = NAN, .prev_oi = NAN, .prev_close = NAN, .iv = NAN,
				    .delta = NAN, .gamma = NAN, .avg_volume = NAN };
}

static td_chain_contract con_oi(int32_t e, td_right r, double K, double oi)
{
	td_chain_contract c = con(e, r, K);
	c.oi = oi;
	return c;
}

static td_chain_contract con_iv(td_right r, double K, double iv, double delta)
{
	td_chain_contract c = con(1, r, K);
	c.iv = iv;
	c.delta = delta;
	return c;
}

/* Run the statistics with default parameters at spot S and multiplier m; asserts success. */
static td_chain *run(const td_chain_contract *c, size_t n, double S, double m, const td_chain_params *over)
{
	td_chain *ch = td_chain_new(64, 8);
	assert_non_null(ch);
	td_chain_params p;
	td_chain_params_init(&p, S, m);
	if (over)
		p = *over;
	assert_int_equal(td_chain_stats(ch, c, n, &p), 0);
	assert_null(td_chain_error(ch));
	return ch;
}

static const td_chain_expiry *expiry(const td_chain *ch, size_t i)
{
	size_t n;
	const td_chain_expiry *e = td_chain_expiries(ch, &n);
	assert_true(i < n);
	return &e[i];
}

static const td_chain_row *row(const td_chain *ch, size_t i)
{
	size_t n;
	const td_chain_row *r = td_chain_rows(ch, &n);
	assert_true(i < n);
	return &r[i];
}

/* Expiry 1: call OI 100 + 200, put OI 150 + 50, call volume 10 + 30, put volume 20 + 40.
 * Expiry 2: call OI 50, put OI 100, call volume 0, put volume 5. */
static void test_pcr(void **state)
{
	(void)state;
	td_chain_contract c[] = {
		con_oi(2, TD_CALL, 100, 50), con_oi(2, TD_PUT, 100, 100),
		con_oi(1, TD_CALL, 100, 100), con_oi(1, TD_PUT, 100, 150),
		con_oi(1, TD_CALL, 110, 200), con_oi(1, TD_PUT, 110, 50),
	};
	double vol[] = { 0, 5, 10, 20, 30, 40 };
	for (size_t i = 0; i < LEN(c); i++)
		c[i].volume = vol[i];
	td_chain *ch = run(c, LEN(c), 100, 100, NULL);
	size_t ne;
	td_chain_expiries(ch, &ne);
	assert_int_equal(ne, 2);
	const td_chain_expiry *e1 = expiry(ch, 0), *e2 = expiry(ch, 1);
	assert_int_equal(e1->expiry, 1); /* ascending keys whatever the input order */
	assert_near(e1->pcr_oi, 200.0 / 300.0, EPS);
	assert_near(e1->pcr_volume, 60.0 / 40.0, EPS);
	assert_near(e2->pcr_oi, 2.0, EPS);
	assert_true(isnan(e2->pcr_volume)); /* 5 / 0: undefined, and said why */
	assert_true(e2->gap[TD_CHAIN_STAT_PCR_VOLUME].why & TD_CHAIN_WHY_ZERO_BASE);
	assert_int_equal(e2->gap[TD_CHAIN_STAT_PCR_VOLUME].n, 0);
	const td_chain_total *t = td_chain_totals(ch);
	assert_near(t->pcr_oi, 300.0 / 350.0, EPS);
	assert_near(t->pcr_volume, 65.0 / 40.0, EPS);
	assert_int_equal(t->gap[TD_CHAIN_STAT_PCR_VOLUME].why, 0); /* the total ratio is defined */
	td_chain_free(ch);
}

/* The reference's example (3.7): strikes 95/100/105, put OI 21/33/5, call OI 9/45/25, x100.
 * payout(95) = 21,500, payout(100) = 7,000, payout(105) = 31,500. */
static void test_max_pain_reference(void **state)
{
	(void)state;
	const td_chain_contract c[] = {
		con_oi(1, TD_PUT, 95, 21), con_oi(1, TD_PUT, 100, 33), con_oi(1, TD_PUT, 105, 5),
		con_oi(1, TD_CALL, 95, 9), con_oi(1, TD_CALL, 100, 45), con_oi(1, TD_CALL, 105, 25),
	};
	td_chain *ch = run(c, LEN(c), 100, 100, NULL);
	assert_near(expiry(ch, 0)->max_pain, 100, EPS);
	assert_near(expiry(ch, 0)->max_pain_payout, 7000, EPS);
	td_chain_free(ch);
}

/* Five strikes, multiplier 1.  Calls 90:10 100:20 110:5; puts 90:5 100:10 105:30.
 *   X=90:  puts 10*10 + 30*15 = 550
 *   X=95:  calls 10*5 = 50; puts 10*5 + 30*10 = 350; 400
 *   X=100: calls 10*10 = 100; puts 30*5 = 150; 250
 *   X=105: calls 10*15 + 20*5 = 250; 250  (tie with 100: the lower strike wins)
 *   X=110: calls 10*20 + 20*10 = 400 */
static void test_max_pain_tie(void **state)
{
	(void)state;
	td_chain_contract c[] = {
		con_oi(1, TD_CALL, 90, 10), con_oi(1, TD_CALL, 100, 20), con_oi(1, TD_CALL, 110, 5),
		con_oi(1, TD_PUT, 90, 5), con_oi(1, TD_PUT, 100, 10), con_oi(1, TD_PUT, 105, 30),
		con(1, TD_CALL, 95), /* listed, OI missing: still a candidate, counted as left out */
	};
	td_chain *ch = run(c, LEN(c), 100, 1, NULL);
	const td_chain_expiry *e = expiry(ch, 0);
	assert_int_equal(e->strikes, 5);
	assert_near(e->max_pain, 100, EPS);
	assert_near(e->max_pain_payout, 250, EPS);
	assert_int_equal(e->gap[TD_CHAIN_STAT_MAX_PAIN].n, 1);
	assert_int_equal(e->gap[TD_CHAIN_STAT_MAX_PAIN].why, TD_CHAIN_WHY_OI);
	td_chain_free(ch);

	/* with 105's puts at 31 instead of 30, X=100 costs 255 and 105 wins alone at 250 */
	c[5].oi = 31;
	ch = run(c, LEN(c), 100, 1, NULL);
	assert_near(expiry(ch, 0)->max_pain, 105, EPS);
	td_chain_free(ch);

	/* no open interest at all: no max pain */
	for (size_t i = 0; i < LEN(c); i++)
		c[i].oi = i % 2 ? NAN : 0;
	ch = run(c, LEN(c), 100, 1, NULL);
	assert_true(isnan(expiry(ch, 0)->max_pain));
	assert_true(expiry(ch, 0)->gap[TD_CHAIN_STAT_MAX_PAIN].why & TD_CHAIN_WHY_ZERO_BASE);
	td_chain_free(ch);
}

/* A contract with the given premium and OI now and at the previous close. */
static td_chain_contract moved(double K, double last, double prev_close, double oi, double prev_oi)
{
	td_chain_contract c = con(1, TD_CALL, K);
	c.last = last;
	c.prev_close = prev_close;
	c.oi = oi;
	c.prev_oi = prev_oi;
	return c;
}

static void test_oi_classes(void **state)
{
	(void)state;
	td_chain_contract c[] = {
		moved(100, 2.0, 1.5, 120, 100),  /* up, up: long build-up */
		moved(101, 1.0, 1.5, 120, 100),  /* down, up: short build-up */
		moved(102, 2.0, 1.5, 80, 100),   /* up, down: short covering */
		moved(103, 1.0, 1.5, 80, 100),   /* down, down: long unwinding */
		moved(104, 1.5, 1.5, 120, 100),  /* flat premium: unchanged */
		moved(105, 2.0, 1.5, 100, 100),  /* flat OI: unchanged */
		moved(106, NAN, 1.5, 120, 100),  /* no last: mid of 1.9/2.1 = 2.0, up, up */
		moved(107, NAN, 1.5, 120, 100),  /* no last, no quote: missing */
		moved(108, 2.0, 1.5, 120, NAN),  /* no previous OI: missing */
	};
	c[6].bid = 1.9;
	c[6].ask = 2.1;
	td_chain *ch = run(c, LEN(c), 100, 100, NULL);
	const td_chain_oi_class want[] = {
		TD_CHAIN_OI_LONG_BUILDUP, TD_CHAIN_OI_SHORT_BUILDUP, TD_CHAIN_OI_SHORT_COVERING,
		TD_CHAIN_OI_LONG_UNWINDING, TD_CHAIN_OI_UNCHANGED, TD_CHAIN_OI_UNCHANGED,
		TD_CHAIN_OI_LONG_BUILDUP, TD_CHAIN_OI_MISSING, TD_CHAIN_OI_MISSING,
	};
	for (size_t i = 0; i < LEN(c); i++)
		assert_int_equal(row(ch, i)->oi_class, want[i]);
	assert_near(row(ch, 0)->price_change, 0.5, EPS);
	assert_near(row(ch, 0)->oi_change, 20, EPS);
	assert_near(row(ch, 3)->price_change, -0.5, EPS);
	assert_near(row(ch, 3)->oi_change, -20, EPS);
	assert_near(row(ch, 6)->price_change, 0.5, EPS);
	assert_true(row(ch, 6)->flags & TD_CHAIN_PRICE_MID);
	assert_false(row(ch, 0)->flags & TD_CHAIN_PRICE_MID);
	assert_true(isnan(row(ch, 7)->price_change));
	assert_true(row(ch, 7)->why & TD_CHAIN_WHY_PRICE);
	assert_true(isnan(row(ch, 8)->oi_change));
	assert_true(row(ch, 8)->why & TD_CHAIN_WHY_PREV_OI);
	const td_chain_total *t = td_chain_totals(ch);
	assert_int_equal(t->oi_class[TD_CHAIN_OI_LONG_BUILDUP], 2);
	assert_int_equal(t->oi_class[TD_CHAIN_OI_UNCHANGED], 2);
	assert_int_equal(t->oi_class[TD_CHAIN_OI_MISSING], 2);
	assert_int_equal(t->gap[TD_CHAIN_STAT_OI_CLASS].n, 2);
	assert_int_equal(t->gap[TD_CHAIN_STAT_OI_CLASS].why, TD_CHAIN_WHY_PRICE | TD_CHAIN_WHY_PREV_OI);
	assert_string_equal(td_chain_oi_class_name(TD_CHAIN_OI_SHORT_COVERING), "short covering");
	assert_string_equal(td_chain_oi_class_name(TD_CHAIN_OI_COUNT), "?");
	td_chain_free(ch);
}

/* Put OI 90:500 95:800 100:300 105:800 110:0; call OI 90:0 95:100 100:400 105:900 110:1200. */
static void test_oi_walls(void **state)
{
	(void)state;
	const double K[] = { 90, 95, 100, 105, 110 }, put[] = { 500, 800, 300, 800, 0 },
		     call[] = { 0, 100, 400, 900, 1200 };
	td_chain_contract c[10];
	for (size_t i = 0; i < 5; i++) {
		c[2 * i] = con_oi(1, TD_PUT, K[i], put[i]);
		c[2 * i + 1] = con_oi(1, TD_CALL, K[i], call[i]);
	}
	td_chain *ch = run(c, LEN(c), 100, 100, NULL); /* default: top 3 */
	const td_chain_expiry *e = expiry(ch, 0);
	assert_int_equal(e->n_support, 3);
	assert_near(e->support[0].strike, 95, EPS); /* 800 tie: the lower strike first */
	assert_near(e->support[1].strike, 105, EPS);
	assert_near(e->support[2].strike, 90, EPS);
	assert_near(e->support[2].oi, 500, EPS);
	assert_int_equal(e->n_resistance, 3);
	assert_near(e->resistance[0].strike, 110, EPS);
	assert_near(e->resistance[1].strike, 105, EPS);
	assert_near(e->resistance[2].strike, 100, EPS);
	td_chain_free(ch);

	td_chain_params p;
	td_chain_params_init(&p, 100, 100);
	p.walls = 5;
	ch = run(c, LEN(c), 100, 100, &p);
	e = expiry(ch, 0);
	assert_int_equal(e->n_support, 4); /* a strike with no OI is no wall */
	assert_near(e->support[3].strike, 100, EPS);
	assert_int_equal(e->n_resistance, 4);
	assert_near(e->resistance[3].strike, 95, EPS);
	td_chain_free(ch);
}

/* S = 100, m = 100, GEX = sign * gamma * OI * m * S^2 * 0.01:
 *   call 100: 0.05 * 1000 * 100 * 10^4 * 0.01 = +500,000;  DEX 0.5 * 1000 * 100 = +50,000
 *   put 100:  0.04 * 2000 * ...               = -800,000;  DEX -(-0.45) * 2000 * 100 = +90,000
 *   call 110: 0.02 * 500 * ...                = +100,000;  DEX 0.2 * 500 * 100 = +10,000
 *   expiry 2, call 100: 0.01 * 100 * ...      = +10,000;   DEX 0.6 * 100 * 100 = +6,000
 *   expiry 2, put 110: gamma missing (left out of GEX, counted), DEX -(-0.5) * 10 * 100 = +500 */
static void test_gex_dex(void **state)
{
	(void)state;
	td_chain_contract c[] = {
		con_oi(1, TD_CALL, 100, 1000), con_oi(1, TD_PUT, 100, 2000), con_oi(1, TD_CALL, 110, 500),
		con_oi(2, TD_CALL, 100, 100), con_oi(2, TD_PUT, 110, 10),
	};
	const double g[] = { 0.05, 0.04, 0.02, 0.01, NAN }, d[] = { 0.5, -0.45, 0.2, 0.6, -0.5 };
	for (size_t i = 0; i < LEN(c); i++) {
		c[i].gamma = g[i];
		c[i].delta = d[i];
	}
	td_chain *ch = run(c, LEN(c), 100, 100, NULL);
	assert_near(row(ch, 0)->gex, 5e5, 1e-6);
	assert_near(row(ch, 1)->gex, -8e5, 1e-6);
	assert_near(row(ch, 1)->dex, 9e4, 1e-6);
	assert_true(isnan(row(ch, 4)->gex));
	assert_near(row(ch, 4)->dex, 500, 1e-9);
	const td_chain_expiry *e1 = expiry(ch, 0);
	assert_near(e1->gex, -2e5, 1e-6);
	assert_near(e1->gex_call, 6e5, 1e-6);
	assert_near(e1->gex_put, -8e5, 1e-6);
	assert_near(e1->dex, 1.5e5, 1e-6);
	size_t ns;
	const td_chain_strike *s = td_chain_strikes(ch, &ns);
	assert_int_equal(ns, 2);
	assert_near(s[0].strike, 100, EPS);
	assert_near(s[0].gex_call, 5.1e5, 1e-6);
	assert_near(s[0].gex_put, -8e5, 1e-6);
	assert_near(s[0].gex, -2.9e5, 1e-6);
	assert_near(s[0].dex, 5e4 + 9e4 + 6e3, 1e-6);
	assert_near(s[0].call_oi, 1100, EPS);
	assert_int_equal(s[0].missing, 0);
	assert_near(s[1].gex, 1e5, 1e-6);
	assert_near(s[1].dex, 1e4 + 500, 1e-6);
	assert_int_equal(s[1].missing, 1);
	const td_chain_total *t = td_chain_totals(ch);
	assert_near(t->gex, -1.9e5, 1e-6);
	assert_near(t->gex_call, 6.1e5, 1e-6);
	assert_near(t->dex, 1.5e5 + 6e3 + 500, 1e-6);
	assert_int_equal(t->gap[TD_CHAIN_STAT_GEX].n, 1);
	assert_int_equal(t->gap[TD_CHAIN_STAT_GEX].why, TD_CHAIN_WHY_GAMMA);
	assert_int_equal(t->gap[TD_CHAIN_STAT_DEX].n, 0);
	td_chain_free(ch);
}

/* Synthetic gamma: a Gaussian bump of width 10 around each contract's strike (calls at 110, puts at 90). */
typedef struct bumps {
	const td_chain_contract *c;
	size_t nan_at;  /* index answering NaN, or SIZE_MAX */
} bumps;

static double gamma_bump(void *ctx, size_t i, double spot)
{
	const bumps *b = ctx;
	if (i == b->nan_at)
		return NAN;
	double x = spot - b->c[i].strike;
	return exp(-x * x / 200);
}

/* Equal OI: call and put bumps cancel at 100, the midpoint.  Call OI twice the put OI:
 * 2 exp(-(s-110)^2/200) = exp(-(s-90)^2/200)  =>  ln 2 = ((s-110)^2 - (s-90)^2) / 200 = 20 - s/5
 * =>  s = 100 - 5 ln 2 = 96.534...  Below it the puts dominate (negative), above it the calls. */
static void test_zero_gamma(void **state)
{
	(void)state;
	td_chain_contract c[] = { con_oi(1, TD_CALL, 110, 10), con_oi(1, TD_PUT, 90, 10) };
	bumps b = { c, SIZE_MAX };
	td_chain_params p;
	td_chain_params_init(&p, 101, 100);
	p.gamma_at = gamma_bump;
	p.gamma_ctx = &b;
	td_chain *ch = run(c, LEN(c), 101, 100, &p);
	const td_chain_flip *f = &td_chain_totals(ch)->flip;
	/* grid 80.8 .. 121.2 step 2.02; bracket 2.02 halved 8 times to 0.0079 <= 1e-4 * 101 */
	assert_near(f->spot, 100, 0.0101 / 2);
	assert_int_equal(f->crossings, 1);
	assert_int_equal(f->evals, 2 * (21 + 8));
	assert_near(f->lo, 80.8, EPS);
	assert_near(f->hi, 121.2, EPS);
	assert_true(f->gex_lo < 0 && f->gex_hi > 0);
	assert_int_equal(td_chain_totals(ch)->gap[TD_CHAIN_STAT_FLIP].why, 0);
	td_chain_free(ch);

	c[0].oi = 20;
	p.flip_tol = 1e-8;
	ch = run(c, LEN(c), 101, 100, &p);
	assert_near(td_chain_totals(ch)->flip.spot, 100 - 5 * log(2), 1e-5);
	td_chain_free(ch);

	/* calls only: GEX positive everywhere, no flip, and it says so */
	c[1].right = TD_CALL;
	ch = run(c, LEN(c), 101, 100, &p);
	f = &td_chain_totals(ch)->flip;
	assert_true(isnan(f->spot));
	assert_int_equal(f->crossings, 0);
	assert_true(td_chain_totals(ch)->gap[TD_CHAIN_STAT_FLIP].why & TD_CHAIN_WHY_NO_FLIP);
	td_chain_free(ch);

	/* no callback: not searched */
	p.gamma_at = NULL;
	ch = run(c, LEN(c), 101, 100, &p);
	assert_true(isnan(td_chain_totals(ch)->flip.spot));
	assert_int_equal(td_chain_totals(ch)->flip.evals, 0);
	assert_true(td_chain_totals(ch)->gap[TD_CHAIN_STAT_FLIP].why & TD_CHAIN_WHY_NO_CALLBACK);
	td_chain_free(ch);
}

/* Gamma that cannot be priced, and OI that is missing, are counted, not zeroed. */
static void test_zero_gamma_missing(void **state)
{
	(void)state;
	td_chain_contract c[] = { con_oi(1, TD_CALL, 110, 10), con_oi(1, TD_PUT, 90, 10), con(1, TD_PUT, 95),
				  con_oi(1, TD_PUT, 80, 0) };
	bumps b = { c, 1 };
	td_chain_params p;
	td_chain_params_init(&p, 100, 100);
	p.gamma_at = gamma_bump;
	p.gamma_ctx = &b;
	td_chain *ch = run(c, LEN(c), 100, 100, &p);
	const td_chain_total *t = td_chain_totals(ch);
	assert_true(isnan(t->flip.spot)); /* the put's gamma is NaN: only the call is left, positive */
	assert_int_equal(t->gap[TD_CHAIN_STAT_FLIP].n, 2);  /* one without OI, one without gamma */
	assert_int_equal(t->gap[TD_CHAIN_STAT_FLIP].why, TD_CHAIN_WHY_OI | TD_CHAIN_WHY_GAMMA | TD_CHAIN_WHY_NO_FLIP);
	assert_int_equal(t->flip.evals, 2 * 21); /* zero OI is not asked for */
	td_chain_free(ch);
}

/* Strikes 90/100/110: call IV .25/.20/.18, put IV .27/.22/.20, so strike IVs .26/.21/.19. */
static void test_atm_iv(void **state)
{
	(void)state;
	td_chain_contract c[] = {
		con_iv(TD_CALL, 90, .25, NAN), con_iv(TD_CALL, 100, .20, NAN), con_iv(TD_CALL, 110, .18, NAN),
		con_iv(TD_PUT, 90, .27, NAN), con_iv(TD_PUT, 100, .22, NAN), con_iv(TD_PUT, 110, .20, NAN),
	};
	/* spot 104: .21 + (.19 - .21) * 4 / 10 = .202 */
	td_chain *ch = run(c, LEN(c), 104, 100, NULL);
	const td_chain_expiry *e = expiry(ch, 0);
	assert_near(e->atm_iv, .202, EPS);
	assert_near(e->atm_k_lo, 100, EPS);
	assert_near(e->atm_k_hi, 110, EPS);
	assert_near(e->forward, 104, EPS);
	td_chain_free(ch);

	/* a forward from the tenor, on a strike: that strike's IV */
	const td_chain_tenor tn[] = { { 1, 0.25, 100 } };
	td_chain_params p;
	td_chain_params_init(&p, 104, 100);
	p.tenors = tn;
	p.n_tenors = 1;
	ch = run(c, LEN(c), 104, 100, &p);
	e = expiry(ch, 0);
	assert_near(e->atm_iv, .21, EPS);
	assert_near(e->atm_k_lo, 100, EPS);
	assert_near(e->atm_k_hi, 100, EPS);
	td_chain_free(ch);

	/* no IV at 100: between 90 and 110, .26 + (.19 - .26) * 14 / 20 = .211; the two left out are counted */
	c[1].iv = NAN;
	c[4].iv = 0; /* not a volatility */
	ch = run(c, LEN(c), 104, 100, NULL);
	e = expiry(ch, 0);
	assert_near(e->atm_iv, .211, EPS);
	assert_int_equal(e->gap[TD_CHAIN_STAT_ATM_IV].n, 2);
	assert_int_equal(e->gap[TD_CHAIN_STAT_ATM_IV].why, TD_CHAIN_WHY_IV);
	td_chain_free(ch);

	/* spot beyond the last strike: no extrapolation */
	ch = run(c, LEN(c), 120, 100, NULL);
	assert_true(isnan(expiry(ch, 0)->atm_iv));
	assert_true(expiry(ch, 0)->gap[TD_CHAIN_STAT_ATM_IV].why & TD_CHAIN_WHY_NO_BRACKET);
	td_chain_free(ch);
}

/* Calls 100/105/110: delta .55/.35/.20, IV .20/.19/.18 -> 25d call IV = .19 - .01 * (.10/.15) = .18333
 * Puts 90/95/100: delta -.15/-.30/-.45, IV .26/.24/.22 -> 25d put IV = .26 - .02 * (.10/.15) = .24667
 * ATM at 100 = (.20 + .22) / 2 = .21; RR = -.063333; BF = (.18333 + .24667) / 2 - .21 = .005 */
static void test_skew(void **state)
{
	(void)state;
	td_chain_contract c[] = {
		con_iv(TD_CALL, 100, .20, .55), con_iv(TD_CALL, 105, .19, .35), con_iv(TD_CALL, 110, .18, .20),
		con_iv(TD_PUT, 90, .26, -.15), con_iv(TD_PUT, 95, .24, -.30), con_iv(TD_PUT, 100, .22, -.45),
	};
	td_chain *ch = run(c, LEN(c), 100, 100, NULL);
	const td_chain_expiry *e = expiry(ch, 0);
	assert_near(e->iv25_call, .19 - .01 * 2 / 3, EPS);
	assert_near(e->iv25_put, .26 - .02 * 2 / 3, EPS);
	assert_near(e->atm_iv, .21, EPS);
	assert_near(e->rr25, -.19 / 3, EPS);
	assert_near(e->bf25, .005, EPS);
	assert_int_equal(e->gap[TD_CHAIN_STAT_SKEW].why, 0);
	td_chain_free(ch);

	/* a delta exactly at 0.25 is used as is; a put side not reaching -0.25 gives no skew */
	c[1].delta = .25;
	c[3].delta = -.28;
	c[3].iv = NAN;
	ch = run(c, LEN(c), 100, 100, NULL);
	e = expiry(ch, 0);
	assert_near(e->iv25_call, .19, EPS);
	assert_true(isnan(e->iv25_put) && isnan(e->rr25) && isnan(e->bf25));
	assert_int_equal(e->gap[TD_CHAIN_STAT_SKEW].n, 1);
	assert_int_equal(e->gap[TD_CHAIN_STAT_SKEW].why, TD_CHAIN_WHY_IV | TD_CHAIN_WHY_NO_BRACKET);
	td_chain_free(ch);
}

/* S = 100, ATM IV .20, T = .25: move = 100 * .2 * .5 = 10; straddle at 100 = 4.0 + 3.5. */
static void test_expected_move(void **state)
{
	(void)state;
	td_chain_contract c[] = {
		con_iv(TD_CALL, 100, .20, NAN), con_iv(TD_PUT, 100, .20, NAN),
		con_iv(TD_CALL, 105, .20, NAN), con_iv(TD_PUT, 105, .20, NAN),
		con_iv(TD_CALL, 110, .20, NAN),
	};
	const double bid[] = { 3.9, 3.4, 1.9, 6.0, 0.5 }, ask[] = { 4.1, 3.6, 2.1, 6.4, 0.7 };
	for (size_t i = 0; i < LEN(c); i++) {
		c[i].bid = bid[i];
		c[i].ask = ask[i];
	}
	const td_chain_tenor tn[] = { { 7, 1.0, NAN }, { 1, 0.25, NAN } };
	td_chain_params p;
	td_chain_params_init(&p, 100, 100);
	p.tenors = tn;
	p.n_tenors = LEN(tn);
	td_chain *ch = run(c, LEN(c), 100, 100, &p);
	const td_chain_expiry *e = expiry(ch, 0);
	assert_near(e->T, 0.25, EPS);
	assert_near(e->move, 10, EPS);
	assert_near(e->straddle_strike, 100, EPS);
	assert_near(e->straddle, 7.5, EPS);
	td_chain_free(ch);

	/* spot 103: 105 is nearer (2 < 3): 2.0 + 6.2; move 103 * .2 * .5 */
	p.spot = 103;
	ch = run(c, LEN(c), 103, 100, &p);
	e = expiry(ch, 0);
	assert_near(e->straddle_strike, 105, EPS);
	assert_near(e->straddle, 8.2, EPS);
	assert_near(e->move, 10.3, EPS);
	td_chain_free(ch);

	/* spot 102.5: equally far, the lower strike; its put has no two-sided quote */
	p.spot = 102.5;
	c[1].bid = 3.7; /* bid above ask */
	c[1].ask = 3.6;
	ch = run(c, LEN(c), 102.5, 100, &p);
	e = expiry(ch, 0);
	assert_near(e->straddle_strike, 100, EPS);
	assert_true(isnan(e->straddle));
	assert_int_equal(e->gap[TD_CHAIN_STAT_STRADDLE].n, 1);
	assert_int_equal(e->gap[TD_CHAIN_STAT_STRADDLE].why, TD_CHAIN_WHY_QUOTE);
	td_chain_free(ch);

	/* no tenor for this expiry: no T, no move, said why */
	p.n_tenors = 1;
	ch = run(c, LEN(c), 102.5, 100, &p);
	e = expiry(ch, 0);
	assert_true(isnan(e->T) && isnan(e->move));
	assert_false(isnan(e->atm_iv));
	assert_int_equal(e->gap[TD_CHAIN_STAT_MOVE].why, TD_CHAIN_WHY_T);
	td_chain_free(ch);
}

static td_chain_contract active(double K, double volume, double oi, double avg)
{
	td_chain_contract c = con_oi(1, TD_CALL, K, oi);
	c.volume = volume;
	c.avg_volume = avg;
	return c;
}

/* volume/OI > 1.0 (strict) and volume >= 3 x mean (inclusive), volume > 0 for either. */
static void test_unusual_boundaries(void **state)
{
	(void)state;
	const td_chain_contract c[] = {
		active(100, 100, 100, NAN),  /* ratio exactly 1.0: not above */
		active(101, 101, 100, NAN),  /* above */
		active(102, 5, 0, NAN),      /* new contract with volume: +inf, above */
		active(103, 0, 0, NAN),      /* 0/0: undefined, not flagged */
		active(104, 300, 1000, 100), /* exactly 3 x mean: flagged */
		active(105, 299, 1000, 100), /* just below */
		active(106, 0, 1000, 0),     /* no volume against no history: not flagged */
		active(107, 1, 1000, 0),     /* volume where the mean is 0: flagged */
	};
	td_chain *ch = run(c, LEN(c), 100, 100, NULL);
	const uint32_t voi[] = { 0, 1, 1, 0, 0, 0, 0, 0 }, hist[] = { 0, 0, 0, 0, 1, 0, 0, 1 };
	for (size_t i = 0; i < LEN(c); i++) {
		assert_int_equal(!!(row(ch, i)->flags & TD_CHAIN_UNUSUAL_VOI), voi[i]);
		assert_int_equal(!!(row(ch, i)->flags & TD_CHAIN_UNUSUAL_HIST), hist[i]);
	}
	assert_near(row(ch, 0)->voi, 1.0, EPS);
	assert_true(isinf(row(ch, 2)->voi));
	assert_true(isnan(row(ch, 3)->voi));
	assert_near(row(ch, 4)->vol_hist, 3.0, EPS);
	assert_true(isnan(row(ch, 0)->vol_hist));
	const td_chain_total *t = td_chain_totals(ch);
	assert_int_equal(t->unusual_voi, 2);
	assert_int_equal(t->unusual_hist, 2);
	assert_int_equal(t->gap[TD_CHAIN_STAT_UNUSUAL_HIST].n, 4); /* the four without history */
	assert_int_equal(t->gap[TD_CHAIN_STAT_UNUSUAL_HIST].why, TD_CHAIN_WHY_HISTORY);
	assert_int_equal(t->gap[TD_CHAIN_STAT_UNUSUAL_VOI].n, 0);
	td_chain_free(ch);

	/* thresholds move the boundary: 1.01 x OI and 2.99 x the mean */
	td_chain_params p;
	td_chain_params_init(&p, 100, 100);
	p.voi_above = 1.01;
	p.hist_k = 2.99;
	ch = run(c, LEN(c), 100, 100, &p);
	assert_false(row(ch, 1)->flags & TD_CHAIN_UNUSUAL_VOI);
	assert_true(row(ch, 5)->flags & TD_CHAIN_UNUSUAL_HIST);
	td_chain_free(ch);
}

/* A contract with nothing known is in the chain but in no statistic, and each one counts it. */
static void test_missing_counted(void **state)
{
	(void)state;
	td_chain_contract c[] = { con(1, TD_CALL, 100), con(1, TD_PUT, 100) };
	td_chain *ch = run(c, LEN(c), 100, 100, NULL);
	const td_chain_expiry *e = expiry(ch, 0);
	assert_int_equal(e->contracts, 2);
	assert_true(isnan(e->pcr_oi) && isnan(e->pcr_volume) && isnan(e->max_pain) && isnan(e->atm_iv));
	assert_true(isnan(e->rr25) && isnan(e->move) && isnan(e->straddle));
	assert_int_equal(e->n_support + e->n_resistance, 0);
	assert_near(e->gex, 0, 0); /* an empty sum, with both contracts counted as left out: */
	const uint32_t need[TD_CHAIN_STAT_COUNT] = {
		[TD_CHAIN_STAT_PCR_OI] = TD_CHAIN_WHY_OI,
		[TD_CHAIN_STAT_PCR_VOLUME] = TD_CHAIN_WHY_VOLUME,
		[TD_CHAIN_STAT_MAX_PAIN] = TD_CHAIN_WHY_OI,
		[TD_CHAIN_STAT_WALLS] = TD_CHAIN_WHY_OI,
		[TD_CHAIN_STAT_GEX] = TD_CHAIN_WHY_OI | TD_CHAIN_WHY_GAMMA,
		[TD_CHAIN_STAT_DEX] = TD_CHAIN_WHY_OI | TD_CHAIN_WHY_DELTA,
		[TD_CHAIN_STAT_ATM_IV] = TD_CHAIN_WHY_IV,
		[TD_CHAIN_STAT_SKEW] = TD_CHAIN_WHY_IV | TD_CHAIN_WHY_DELTA,
		[TD_CHAIN_STAT_MOVE] = TD_CHAIN_WHY_IV,
		[TD_CHAIN_STAT_OI_CLASS] = TD_CHAIN_WHY_OI | TD_CHAIN_WHY_PREV_OI | TD_CHAIN_WHY_PRICE |
					   TD_CHAIN_WHY_PREV_CLOSE,
		[TD_CHAIN_STAT_UNUSUAL_VOI] = TD_CHAIN_WHY_VOLUME | TD_CHAIN_WHY_OI,
		[TD_CHAIN_STAT_UNUSUAL_HIST] = TD_CHAIN_WHY_VOLUME | TD_CHAIN_WHY_HISTORY,
	};
	for (int s = 0; s < TD_CHAIN_STAT_COUNT; s++) {
		if (s == TD_CHAIN_STAT_FLIP || s == TD_CHAIN_STAT_STRADDLE)
			continue;
		assert_int_equal(e->gap[s].n, 2);
		assert_int_equal(e->gap[s].why & need[s], need[s]);
	}
	assert_int_equal(e->gap[TD_CHAIN_STAT_STRADDLE].n, 2); /* both legs unquoted */
	for (size_t i = 0; i < 2; i++) {
		assert_true(isnan(row(ch, i)->gex) && isnan(row(ch, i)->dex) && isnan(row(ch, i)->voi));
		assert_int_equal(row(ch, i)->oi_class, TD_CHAIN_OI_MISSING);
	}
	assert_int_equal(td_chain_totals(ch)->gap[TD_CHAIN_STAT_GEX].n, 2);
	td_chain_free(ch);
}

/* Invalid contracts are rejected and duplicates counted; the first of a duplicate pair is kept. */
static void test_rejects_and_duplicates(void **state)
{
	(void)state;
	td_chain_contract c[] = {
		con_oi(1, TD_CALL, 100, 10), con_oi(1, TD_PUT, 100, 30),
		con_oi(1, TD_CALL, 100, 999),        /* duplicate of the first */
		con_oi(1, TD_CALL, 0, 5),            /* strike 0 */
		con_oi(1, TD_CALL, NAN, 5),          /* no strike */
		con_oi(1, (td_right)0, 100, 5),      /* no right */
	};
	td_chain *ch = run(c, LEN(c), 100, 100, NULL);
	const td_chain_total *t = td_chain_totals(ch);
	assert_int_equal(t->contracts, 6);
	assert_int_equal(t->used, 2);
	assert_int_equal(t->rejected, 3);
	assert_int_equal(t->duplicates, 1);
	assert_near(t->pcr_oi, 3.0, EPS);
	assert_true(row(ch, 2)->why & TD_CHAIN_WHY_DUPLICATE);
	assert_int_equal(row(ch, 3)->why, TD_CHAIN_WHY_INVALID);
	assert_int_equal(row(ch, 5)->oi_class, TD_CHAIN_OI_MISSING);
	td_chain_free(ch);
}

/* Property: the statistics do not depend on the order of the input. */
static void test_order_invariant(void **state)
{
	(void)state;
	enum { N = 48 };
	td_chain_contract a[N], b[N];
	uint64_t x = 88172645463325252ull;
	for (size_t i = 0; i < N; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		td_right r = i % 2 ? TD_PUT : TD_CALL;
		double K = 80 + 5 * (double)(i / 2 % 8);
		a[i] = con_oi((int32_t)(i / 16), r, K, (double)(x % 1000));
		a[i].volume = (double)(x >> 20 & 255);
		a[i].iv = 0.15 + (double)(x >> 30 & 63) / 1000;
		a[i].gamma = 0.01 + (double)(x >> 40 & 15) / 1000;
		a[i].delta = r == TD_CALL ? 1 - (K - 70) / 50 : -(K - 70) / 50;
	}
	for (size_t i = 0; i < N; i++) /* a fixed shuffle: a stride coprime with N */
		b[i] = a[i * 29 % N];
	td_chain *ca = run(a, N, 100, 100, NULL), *cb = run(b, N, 100, 100, NULL);
	size_t na, nb;
	const td_chain_expiry *ea = td_chain_expiries(ca, &na), *eb = td_chain_expiries(cb, &nb);
	assert_int_equal(na, 3);
	assert_int_equal(nb, 3);
	for (size_t k = 0; k < na; k++) {
		assert_false(isnan(ea[k].max_pain) || isnan(ea[k].atm_iv) || isnan(ea[k].rr25) || isnan(ea[k].bf25));
		assert_same(ea[k].pcr_oi, eb[k].pcr_oi, EPS);
		assert_same(ea[k].max_pain, eb[k].max_pain, EPS);
		assert_same(ea[k].gex, eb[k].gex, 1e-6);
		assert_same(ea[k].atm_iv, eb[k].atm_iv, EPS);
		assert_same(ea[k].rr25, eb[k].rr25, EPS);
		assert_same(ea[k].support[0].strike, eb[k].support[0].strike, EPS);
	}
	const td_chain_strike *sa = td_chain_strikes(ca, &na), *sb = td_chain_strikes(cb, &nb);
	assert_int_equal(na, 8);
	assert_int_equal(nb, 8);
	for (size_t k = 0; k < na; k++) {
		assert_near(sa[k].strike, 80 + 5 * (double)k, EPS);
		assert_same(sa[k].gex, sb[k].gex, 1e-6);
	}
	td_chain_free(ca);
	td_chain_free(cb);
}

static void test_bad_input(void **state)
{
	(void)state;
	assert_null(td_chain_new(0, 1));
	assert_null(td_chain_new(1, 0));
	td_chain *ch = td_chain_new(2, 1);
	assert_non_null(ch);
	td_chain_params p;
	const td_chain_contract c[] = { con_oi(1, TD_CALL, 100, 1), con_oi(2, TD_CALL, 100, 1),
					con_oi(3, TD_CALL, 100, 1) };
	td_chain_params_init(&p, 0, 100);
	assert_int_equal(td_chain_stats(ch, c, 1, &p), -1);
	assert_string_equal(td_chain_error(ch), "spot must be a positive number");
	td_chain_params_init(&p, 100, 100);
	p.walls = TD_CHAIN_WALLS + 1;
	assert_int_equal(td_chain_stats(ch, c, 1, &p), -1);
	td_chain_params_init(&p, 100, 100);
	p.flip_range = 1;
	assert_int_equal(td_chain_stats(ch, c, 1, &p), -1);
	td_chain_params_init(&p, 100, NAN);
	assert_int_equal(td_chain_stats(ch, c, 1, &p), -1);
	td_chain_params_init(&p, 100, 100);
	assert_int_equal(td_chain_stats(ch, c, 3, &p), -1);
	assert_string_equal(td_chain_error(ch), "more contracts than the capacity");
	assert_int_equal(td_chain_stats(ch, c, 2, &p), -1); /* two expiries, room for one */
	assert_string_equal(td_chain_error(ch), "more expiries than the capacity");
	size_t n;
	td_chain_expiries(ch, &n);
	assert_int_equal(n, 0);
	assert_int_equal(td_chain_stats(ch, c, 0, &p), 0); /* empty chain: nothing, no error */
	assert_null(td_chain_error(ch));
	assert_true(isnan(td_chain_totals(ch)->pcr_oi));
	assert_int_equal(td_chain_stats(ch, c, 1, &p), 0);
	td_chain_expiries(ch, &n);
	assert_int_equal(n, 1);
	td_chain_free(ch);
	td_chain_free(NULL);
	assert_string_equal(td_chain_stat_name(TD_CHAIN_STAT_MAX_PAIN), "max pain");
	assert_string_equal(td_chain_stat_name(TD_CHAIN_STAT_COUNT), "?");
	assert_string_equal(td_chain_why_name(TD_CHAIN_WHY_BIT_GAMMA), "no gamma");
	assert_string_equal(td_chain_why_name(TD_CHAIN_WHY_COUNT), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pcr),
		cmocka_unit_test(test_max_pain_reference),
		cmocka_unit_test(test_max_pain_tie),
		cmocka_unit_test(test_oi_classes),
		cmocka_unit_test(test_oi_walls),
		cmocka_unit_test(test_gex_dex),
		cmocka_unit_test(test_zero_gamma),
		cmocka_unit_test(test_zero_gamma_missing),
		cmocka_unit_test(test_atm_iv),
		cmocka_unit_test(test_skew),
		cmocka_unit_test(test_expected_move),
		cmocka_unit_test(test_unusual_boundaries),
		cmocka_unit_test(test_missing_counted),
		cmocka_unit_test(test_rejects_and_duplicates),
		cmocka_unit_test(test_order_invariant),
		cmocka_unit_test(test_bad_input),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
