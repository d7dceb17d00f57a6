/*
 * The option chain and exposure panes over ten recorded minutes of the
 * simulated SPY chain (Friday 2026-11-20, a weekly expiry day), drawn
 * off-screen and read as a trader would: calls and puts mirrored around
 * the strikes, deltas that fall with the strike, the spot line between
 * the two strikes around the price, the header's figures, and the keys
 * that move between sides and expiries.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>

#include "harness.h"

#define ROWS 44
#define WIDTH 120

static td_harness h;
static char text[ROWS][TD_HARNESS_COLS];

static int setup(void **state)
{
	(void)state;
	return td_harness_open(&h, 3, "us", "09:30", 10);
}

static int teardown(void **state)
{
	(void)state;
	td_harness_close(&h);
	return 0;
}

static int find(const char *s)
{
	for (int i = 0; i < ROWS; i++)
		if (strstr(text[i], s))
			return i;
	return -1;
}

/* The strike and the two sides' deltas of a table row "... delta ... strike ... delta ...", 0 if it is not one. */
static int parse_row(const char *line, double *call_delta, double *strike, double *put_delta)
{
	/* columns bid,ask,iv,delta,oi,volume: calls read vol oi delta iv ask bid | strike | bid ask iv delta oi vol */
	char cvol[16], coi[16], cd[16], civ[16], cask[16], cbid[16], k[16], pbid[16], pask[16], piv[16], pd[16];
	if (sscanf(line, "%15s %15s %15s %15s %15s %15s %15s %15s %15s %15s %15s", cvol, coi, cd, civ, cask, cbid, k, pbid,
		   pask, piv, pd) != 11)
		return 0;
	char *end;
	*strike = strtod(k, &end);
	if (*end || !strchr(k, '.'))
		return 0;
	*call_delta = strcmp(cd, "-") ? atof(cd) : NAN;
	*put_delta = strcmp(pd, "-") ? atof(pd) : NAN;
	return 1;
}

static void test_table_reads_like_a_chain(void **state)
{
	(void)state;
	void *st = td_pane_chain.create();
	td_harness_draw(&h, &td_pane_chain, st, WIDTH, ROWS, text);
	const td_chainview *cv = td_optchain_get(h.view.chains, h.view.selected, false);
	assert_non_null(cv);
	assert_true(cv->nexp >= 2);
	/* the header row of the table, mirrored */
	int head = find("strike");
	assert_true(head > 0);
	const char *c = strstr(text[head], "vol"), *o = strstr(text[head], "oi"), *d = strstr(text[head], "delta");
	const char *k = strstr(text[head], "strike");
	assert_true(c && o && d && k && c < o && o < d && d < k);
	assert_non_null(strstr(k, "bid"));
	assert_non_null(strstr(text[head], "CALLS"));
	assert_non_null(strstr(text[head], "PUTS"));
	/* rows: strikes ascending, call deltas in (0,1) falling, put deltas in (-1,0) falling; spot between */
	double prev_k = -1, prev_c = 2, prev_p = 1;
	int rows = 0, spot_row = find(" spot "), spot_after = -1;
	assert_true(spot_row > head);
	for (int i = head + 1; i < ROWS; i++) {
		double cd, kk, pd;
		if (!parse_row(text[i], &cd, &kk, &pd))
			continue;
		assert_true(kk > prev_k);
		if (isfinite(cd)) {
			assert_true(cd > 0 && cd < 1 && cd <= prev_c);
			prev_c = cd;
		}
		if (isfinite(pd)) {
			assert_true(pd < 0 && pd > -1 && pd <= prev_p);
			prev_p = pd;
		}
		if (i > spot_row && spot_after < 0) {
			spot_after = i;
			assert_true(kk >= cv->spot);
			assert_true(prev_k < cv->spot);
		}
		prev_k = kk;
		rows++;
	}
	assert_true(rows >= 30);
	/* the header: underlying, spot and this expiry's ATM IV, as the chain computed them */
	char want[64];
	snprintf(want, sizeof want, "SPY %.2f", cv->spot);
	assert_true(find(want) == 0);
	snprintf(want, sizeof want, "ATM IV %.1f%%", 100 * cv->exp[0].atm_iv);
	assert_true(find(want) == 0);
	/* the term structure: each expiry with its days and ATM IV */
	for (size_t i = 0; i < cv->nexp && i < 3; i++) {
		int yy, mm, dd;
		td_civil_from_days(cv->exp[i].expiry, &yy, &mm, &dd);
		snprintf(want, sizeof want, "%02d-%02d %.0fd %.1f%%", mm, dd, floor(cv->exp[i].T * 365), 100 * cv->exp[i].atm_iv);
		assert_true(find(want) == 1);
	}
	assert_true(find("11-20 0d") == 1);
	assert_true(find("IV rank") == 0);
	td_pane_chain.destroy(st);
}

/* h/l change sides, ] the expiry, k the strike: the footer names the contract under the cursor. */
static void test_keys_move_the_cursor(void **state)
{
	(void)state;
	void *st = td_pane_chain.create();
	td_harness_draw(&h, &td_pane_chain, st, WIDTH, ROWS, text);
	assert_non_null(strstr(text[ROWS - 1], "SPY261120C"));
	td_pane_chain.command(st, &h.view, TD_CMD_PUTS);
	td_harness_draw(&h, &td_pane_chain, st, WIDTH, ROWS, text);
	assert_non_null(strstr(text[ROWS - 1], "SPY261120P"));
	const td_instrument *ins = td_registry_get(td_market_registry(h.view.market), h.view.opt_cursor);
	assert_non_null(ins);
	assert_int_equal(ins->occ.right, 'P');
	int64_t atm = ins->occ.strike_milli;
	td_pane_chain.command(st, &h.view, TD_CMD_UP);
	ins = td_registry_get(td_market_registry(h.view.market), h.view.opt_cursor);
	assert_int_equal(ins->occ.strike_milli, atm - 1000);   /* SPY strikes are a dollar apart */
	td_pane_chain.command(st, &h.view, TD_CMD_EXPIRY_NEXT);
	td_harness_draw(&h, &td_pane_chain, st, WIDTH, ROWS, text);
	assert_non_null(strstr(text[ROWS - 1], "SPY261127P"));
	assert_non_null(strstr(text[ROWS - 1], "IV "));
	td_pane_chain.destroy(st);
}

/* The columns come from options.chain_columns; a narrow pane drops from the end of the list, both sides alike. */
static void test_columns_from_config(void **state)
{
	(void)state;
	td_config cfg = *h.view.cfg;
	const td_config *saved = h.view.cfg;
	snprintf(cfg.chain_columns, sizeof cfg.chain_columns, "gex,theta,vega");
	h.view.cfg = &cfg;
	void *st = td_pane_chain.create();
	td_harness_draw(&h, &td_pane_chain, st, WIDTH, ROWS, text);
	int head = find("strike");
	assert_non_null(strstr(text[head], "gex"));
	assert_non_null(strstr(text[head], "theta"));
	assert_null(strstr(text[head], "bid"));
	td_harness_draw(&h, &td_pane_chain, st, 46, ROWS, text);
	head = find("strike");
	/* 9 for the strike, 8 + 8 for gex and theta on each side would be 41; vega does not fit */
	assert_non_null(strstr(text[head], "theta"));
	assert_null(strstr(text[head], "vega"));
	td_pane_chain.destroy(st);
	h.view.cfg = saved;
}

/* The exposure pane: its total is the chain's, and the spot strike is marked. */
static void test_exposure(void **state)
{
	(void)state;
	void *st = td_pane_exposure.create();
	td_harness_draw(&h, &td_pane_exposure, st, 80, 30, text);
	const td_chainview *cv = td_optchain_get(h.view.chains, h.view.selected, false);
	char want[32];
	snprintf(want, sizeof want, "GEX %c", cv->total->gex < 0 ? '-' : '+');
	assert_non_null(strstr(text[0], want));
	int marked = 0;
	for (int i = 1; i < 30; i++)
		marked += strchr(text[i], '>') != NULL;
	assert_int_equal(marked, 1);
	td_pane_exposure.command(st, &h.view, TD_CMD_TOGGLE_DEX);
	td_harness_draw(&h, &td_pane_exposure, st, 80, 30, text);
	assert_non_null(strstr(text[0], "DEX"));
	td_pane_exposure.destroy(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_reads_like_a_chain),
		cmocka_unit_test(test_keys_move_the_cursor),
		cmocka_unit_test(test_columns_from_config),
		cmocka_unit_test(test_exposure),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
