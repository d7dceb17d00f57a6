/*
 * Unit tests for src/oms/fees.c.  Every expected amount is worked out by
 * hand from the rates of config/fees.conf, with the arithmetic beside it;
 * error messages are written out in full.  The shipped file is checked to
 * hold exactly the built-in schedules.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "near.h"
#include "oms/fees.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define CENT 1e-9 /* amounts are whole cents or paise, up to binary noise */

static char tmpdir[] = "/tmp/td-fees-XXXXXX";

/* The repository root: $TD_TEST_ROOT, or the current directory. */
static const char *root(void)
{
	const char *r = getenv("TD_TEST_ROOT");
	return r && *r ? r : ".";
}

/* Write text to tmpdir/name; returns the path, kept in path. */
static const char *write_file(const char *name, const char *text, char *path, size_t n)
{
	snprintf(path, n, "%s/%s", tmpdir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

static int group_setup(void **state)
{
	(void)state;
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int group_teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Load text as a fee file; fails the test if it does not load. */
static td_fees *load_text(const char *text)
{
	char path[256], err[512] = "";

	write_file("ok.conf", text, path, sizeof path);
	td_fees *f = td_fees_load(path, err, sizeof err);
	if (!f)
		fail_msg("%s", err);
	return f;
}

/* The amount of the breakdown item called name; fails when it is not there. */
static double item(const td_fee_breakdown *b, const char *name)
{
	for (size_t i = 0; i < b->n; i++)
		if (strcmp(b->item[i].name, name) == 0)
			return b->item[i].amount;
	fail_msg("no breakdown item '%s'", name);
	return NAN;
}

/* The names of the breakdown's items, space-separated, for checking which applied. */
static const char *names(const td_fee_breakdown *b, char *buf, size_t n)
{
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < b->n && len < n; i++)
		len += (size_t)snprintf(buf + len, n - len, "%s%s", i ? " " : "", b->item[i].name);
	return buf;
}

/* Selling 1 lot (75) of a NIFTY option at a premium of 120.50, schedule "in". */
static void test_in_option_sell(void **state)
{
	td_fees *f = td_fees_builtin();
	td_fee_breakdown b;
	char buf[256];

	(void)state;
	assert_non_null(f);
	const td_fee_schedule *s = td_fees_find(f, "in");
	assert_non_null(s);
	double total = td_fee_compute(s, TD_INS_OPTION, TD_SIDE_SELL, 1, 120.50, 75, &b);
	/* value = 120.50 x 1 x 75 = 9,037.50 */
	assert_string_equal(names(&b, buf, sizeof buf), "brokerage stt-opt exch-opt sebi gst");
	/* brokerage = min(20, 0.03% x 9037.50 = 2.71125) = 2.71 */
	assert_near(item(&b, "brokerage"), 2.71, CENT);
	/* STT = 0.15% of the premium = 13.55625 -> 13.56 */
	assert_near(item(&b, "stt-opt"), 13.56, CENT);
	/* exchange = 0.03503% x 9037.50 = 3.16583625 -> 3.17 */
	assert_near(item(&b, "exch-opt"), 3.17, CENT);
	/* SEBI = Rs 10 a crore = 0.0001% x 9037.50 = 0.0090375 -> 0.01 */
	assert_near(item(&b, "sebi"), 0.01, CENT);
	/* GST = 18% x (2.71 + 3.17 + 0.01 = 5.89) = 1.0602 -> 1.06; no stamp duty on a sale */
	assert_near(item(&b, "gst"), 1.06, CENT);
	/* 2.71 + 13.56 + 3.17 + 0.01 + 1.06 */
	assert_near(total, 20.51, CENT);
	assert_near(b.total, total, 0);
	assert_string_equal(b.item[0].label, "Brokerage");
	assert_string_equal(b.item[4].label, "GST");
	td_fees_free(f);
}

/* Buying 2 lots of the same option: stamp duty instead of STT. */
static void test_in_option_buy(void **state)
{
	td_fees *f = td_fees_builtin();
	td_fee_breakdown b;
	char buf[256];

	(void)state;
	const td_fee_schedule *s = td_fees_find(f, "in");
	double total = td_fee_compute(s, TD_INS_OPTION, TD_SIDE_BUY, 2, 120.50, 75, &b);
	/* value = 120.50 x 2 x 75 = 18,075 */
	assert_string_equal(names(&b, buf, sizeof buf), "brokerage exch-opt sebi stamp-opt gst");
	assert_near(item(&b, "brokerage"), 5.42, CENT); /* min(20, 5.4225) */
	assert_near(item(&b, "exch-opt"), 6.33, CENT);  /* 6.3316725 */
	assert_near(item(&b, "sebi"), 0.02, CENT);      /* 0.018075 */
	assert_near(item(&b, "stamp-opt"), 0.54, CENT); /* 0.003% = 0.54225 */
	assert_near(item(&b, "gst"), 2.12, CENT);       /* 18% x 11.77 = 2.1186 */
	assert_near(total, 14.43, CENT);                /* 5.42 + 6.33 + 0.02 + 0.54 + 2.12 */
	td_fees_free(f);
}

/* Selling 1 lot (75) of a NIFTY future at 24,500: brokerage hits its Rs 20 cap. */
static void test_in_future_sell(void **state)
{
	td_fees *f = td_fees_builtin();
	td_fee_breakdown b;

	(void)state;
	const td_fee_schedule *s = td_fees_find(f, "in");
	double total = td_fee_compute(s, TD_INS_FUTURE, TD_SIDE_SELL, 1, 24500, 75, &b);
	/* value = 1,837,500 */
	assert_int_equal(b.n, 5);
	assert_near(item(&b, "brokerage"), 20.00, CENT); /* 0.03% = 551.25, max 20 */
	assert_near(item(&b, "stt-fut"), 918.75, CENT);  /* 0.05% */
	assert_near(item(&b, "exch-fut"), 31.79, CENT);  /* 0.00173% = 31.78875 */
	assert_near(item(&b, "sebi"), 1.84, CENT);       /* 1.8375 */
	assert_near(item(&b, "gst"), 9.65, CENT);        /* 18% x (20 + 31.79 + 1.84 = 53.63) = 9.6534 */
	assert_near(total, 982.03, CENT);
	td_fees_free(f);
}

/* An intraday round trip in an NSE stock, schedule "in". */
static void test_in_equity_intraday(void **state)
{
	td_fees *f = td_fees_builtin();
	td_fee_breakdown b;
	char buf[256];

	(void)state;
	const td_fee_schedule *s = td_fees_find(f, "in");
	/* buy 100 at 2,950: value 295,000 */
	double buy = td_fee_compute(s, TD_INS_EQUITY, TD_SIDE_BUY, 100, 2950, 1, &b);
	assert_string_equal(names(&b, buf, sizeof buf), "brokerage exch-eq sebi stamp-eq gst");
	assert_near(item(&b, "brokerage"), 20.00, CENT); /* 88.50 capped */
	assert_near(item(&b, "exch-eq"), 8.76, CENT);    /* 0.00297% = 8.7615 */
	assert_near(item(&b, "sebi"), 0.30, CENT);       /* 0.295, half up */
	assert_near(item(&b, "stamp-eq"), 8.85, CENT);   /* 0.003% */
	assert_near(item(&b, "gst"), 5.23, CENT);        /* 18% x 29.06 = 5.2308 */
	assert_near(buy, 43.14, CENT);
	/* sell 100 at 2,960: value 296,000 */
	double sell = td_fee_compute(s, TD_INS_EQUITY, TD_SIDE_SELL, 100, 2960, 1, &b);
	assert_string_equal(names(&b, buf, sizeof buf), "brokerage stt-eq exch-eq sebi gst");
	assert_near(item(&b, "stt-eq"), 74.00, CENT);    /* 0.025% */
	assert_near(item(&b, "exch-eq"), 8.79, CENT);    /* 8.7912 */
	assert_near(item(&b, "gst"), 5.24, CENT);        /* 18% x (20 + 8.79 + 0.30) = 5.2362 */
	assert_near(sell, 108.33, CENT);                 /* 20 + 74 + 8.79 + 0.30 + 5.24 */
	td_fees_free(f);
}

/* Delivery: STT on both sides, the higher stamp duty. */
static void test_in_delivery(void **state)
{
	td_fees *f = td_fees_builtin();
	td_fee_breakdown b;

	(void)state;
	const td_fee_schedule *s = td_fees_find(f, "in-delivery");
	assert_non_null(s);
	/* buy 10 at 1,500: value 15,000 */
	double total = td_fee_compute(s, TD_INS_EQUITY, TD_SIDE_BUY, 10, 1500, 1, &b);
	assert_near(item(&b, "brokerage"), 4.50, CENT); /* 0.03% */
	assert_near(item(&b, "stt"), 15.00, CENT);      /* 0.1% */
	assert_near(item(&b, "exch"), 0.45, CENT);      /* 0.4455 */
	assert_near(item(&b, "sebi"), 0.02, CENT);      /* 0.015, half up */
	assert_near(item(&b, "stamp"), 2.25, CENT);     /* 0.015% */
	assert_near(item(&b, "gst"), 0.89, CENT);       /* 18% x 4.97 = 0.8946 */
	assert_near(total, 23.11, CENT);
	/* the sale pays STT too, and no stamp duty: 4.50 + 15 + 0.45 + 0.02 + 0.89 */
	assert_near(td_fee_compute(s, TD_INS_EQUITY, TD_SIDE_SELL, 10, 1500, 1, &b), 20.86, CENT);
	assert_int_equal(b.n, 5);
	td_fees_free(f);
}

/* US stocks: the $1 minimum, the 1% maximum, and fees on sales only. */
static void test_us_equity(void **state)
{
	td_fees *f = td_fees_builtin();
	td_fee_breakdown b;
	char buf[256];

	(void)state;
	const td_fee_schedule *s = td_fees_find(f, "us");
	assert_string_equal(td_fee_schedule_currency(s), "USD");
	/* buy 100 at $50: 0.005 x 100 = 0.50, raised to the $1 minimum */
	assert_near(td_fee_compute(s, TD_INS_EQUITY, TD_SIDE_BUY, 100, 50, 1, &b), 1.00, CENT);
	assert_string_equal(names(&b, buf, sizeof buf), "commission");
	/* sell 1,000 at $50 (value 50,000): commission 5.00; SEC 0.00278% = 1.39;
	 * TAF 0.000166 x 1000 = 0.166, rounded up to 0.17 */
	assert_near(td_fee_compute(s, TD_INS_EQUITY, TD_SIDE_SELL, 1000, 50, 1, &b), 6.56, CENT);
	assert_string_equal(names(&b, buf, sizeof buf), "commission sec taf");
	assert_near(item(&b, "sec"), 1.39, CENT);
	assert_near(item(&b, "taf"), 0.17, CENT);
	assert_string_equal(b.item[2].label, "FINRA TAF");
	td_fees_free(f);
}

static void test_us_min_max(void **state)
{
	td_fees *f = td_fees_builtin();

	(void)state;
	const td_fee_schedule *s = td_fees_find(f, "us");
	/* 100 at $0.50 (value 50): 0.50 -> min 1.00 -> max 1% = 0.50; the maximum wins */
	assert_near(td_fee_compute(s, TD_INS_EQUITY, TD_SIDE_BUY, 100, 0.50, 1, NULL), 0.50, CENT);
	/* 100,000 at $0.10 (value 10,000): 500 cut to 1% = 100 */
	assert_near(td_fee_compute(s, TD_INS_EQUITY, TD_SIDE_BUY, 100000, 0.10, 1, NULL), 100.00, CENT);
	/* sell 100,000 at $10 (value 1,000,000): commission 500 (under 1% = 10,000);
	 * SEC 27.80; TAF 16.60 capped at 8.30 */
	assert_near(td_fee_compute(s, TD_INS_EQUITY, TD_SIDE_SELL, 100000, 10, 1, NULL), 536.10, CENT);
	td_fees_free(f);
}

/* US options and futures: per contract, the multiplier only in the value. */
static void test_us_options_futures(void **state)
{
	td_fees *f = td_fees_builtin();
	td_fee_breakdown b;
	char buf[256];

	(void)state;
	const td_fee_schedule *s = td_fees_find(f, "us");
	/* sell 10 at 2.35 (value 2,350): 6.50; SEC 0.06533 up to 0.07; TAF 0.0279 up to 0.03 */
	assert_near(td_fee_compute(s, TD_INS_OPTION, TD_SIDE_SELL, 10, 2.35, 100, &b), 6.60, CENT);
	assert_string_equal(names(&b, buf, sizeof buf), "commission-opt sec taf-opt");
	/* buy 1 at 1.00: 0.65 raised to the $1 minimum */
	assert_near(td_fee_compute(s, TD_INS_OPTION, TD_SIDE_BUY, 1, 1.00, 100, &b), 1.00, CENT);
	/* 2 futures either way: 2 x 0.85 + 2 x 0.02; no SEC fee or TAF on futures */
	assert_near(td_fee_compute(s, TD_INS_FUTURE, TD_SIDE_BUY, 2, 5000, 50, &b), 1.74, CENT);
	assert_near(td_fee_compute(s, TD_INS_FUTURE, TD_SIDE_SELL, 2, 5000, 50, &b), 1.74, CENT);
	assert_string_equal(names(&b, buf, sizeof buf), "commission-fut nfa");
	td_fees_free(f);
}

/* Kind and side filters, several kinds in one component, "all". */
static void test_filters(void **state)
{
	td_fee_breakdown b;
	char buf[256];

	(void)state;
	td_fees *f = load_text("[schedule t]\n"
			       "component = a equity buy per-order 1\n"
			       "component = b option,future sell per-order 2\n"
			       "component = c all both per-order 4\n");
	const td_fee_schedule *s = td_fees_find(f, "t");
	assert_near(td_fee_compute(s, TD_INS_EQUITY, TD_SIDE_BUY, 1, 1, 1, &b), 5, 0);
	assert_string_equal(names(&b, buf, sizeof buf), "a c");
	assert_near(td_fee_compute(s, TD_INS_EQUITY, TD_SIDE_SELL, 1, 1, 1, &b), 4, 0);
	assert_near(td_fee_compute(s, TD_INS_OPTION, TD_SIDE_SELL, 1, 1, 1, &b), 6, 0);
	assert_near(td_fee_compute(s, TD_INS_FUTURE, TD_SIDE_SELL, 1, 1, 1, &b), 6, 0);
	assert_near(td_fee_compute(s, TD_INS_FUTURE, TD_SIDE_BUY, 1, 1, 1, &b), 4, 0);
	assert_near(td_fee_compute(s, TD_INS_INDEX, TD_SIDE_BUY, 1, 1, 1, &b), 4, 0);
	assert_string_equal(names(&b, buf, sizeof buf), "c");
	td_fees_free(f);
}

/* The bases: per unit uses the multiplier, per contract does not. */
static void test_bases(void **state)
{
	(void)state;
	td_fees *f = load_text("[schedule t]\n"
			       "component = u all both per-unit 0.5\n"
			       "component = s all both per-share 0.25\n"
			       "component = c all both per-contract 2\n"
			       "component = l all both per-lot 1\n"
			       "component = p all both percent 1%\n"
			       "component = o all both per-order 3\n"
			       "component = g all both percent-of 10 of=c+o\n");
	const td_fee_schedule *s = td_fees_find(f, "t");
	td_fee_breakdown b;
	/* 3 contracts of 10 at 4 (value 120) */
	td_fee_compute(s, TD_INS_OPTION, TD_SIDE_BUY, 3, 4, 10, &b);
	assert_near(item(&b, "u"), 15, 1e-12);   /* 0.5 x 30 */
	assert_near(item(&b, "s"), 7.5, 1e-12);  /* 0.25 x 30 */
	assert_near(item(&b, "c"), 6, 1e-12);    /* 2 x 3 */
	assert_near(item(&b, "l"), 3, 1e-12);    /* 1 x 3 */
	assert_near(item(&b, "p"), 1.2, 1e-12);  /* 1% x 120 */
	assert_near(item(&b, "o"), 3, 1e-12);
	assert_near(item(&b, "g"), 0.9, 1e-12);  /* 10% x (6 + 3) */
	/* a negative price (a spread, a 2020 oil future) is charged on its size */
	td_fee_compute(s, TD_INS_FUTURE, TD_SIDE_SELL, 3, -4, 10, &b);
	assert_near(item(&b, "p"), 1.2, 1e-12);
	td_fees_free(f);
}

/* Minimums and maximums as amounts and as percents of the value. */
static void test_limits(void **state)
{
	(void)state;
	td_fees *f = load_text("[schedule t]\n"
			       "component = a all both per-contract 1 min=5 max=8\n"
			       "component = b all both per-contract 1 min=2%\n"
			       "component = c all both per-contract 1 max=0.5%\n"
			       "component = d all both per-contract 1 min=5 max=2%\n");
	const td_fee_schedule *s = td_fees_find(f, "t");
	td_fee_breakdown b;
	/* 3 at 100 (value 300): a 3 -> 5; b 3 -> 2% = 6; c 3 -> 0.5% = 1.5; d 3 -> 5 (under 2% = 6) */
	td_fee_compute(s, TD_INS_EQUITY, TD_SIDE_BUY, 3, 100, 1, &b);
	assert_near(item(&b, "a"), 5, 1e-12);
	assert_near(item(&b, "b"), 6, 1e-12);
	assert_near(item(&b, "c"), 1.5, 1e-12);
	assert_near(item(&b, "d"), 5, 1e-12);
	/* 1 at 100: d 1 -> 5 -> 2% = 2, the maximum winning over the minimum */
	td_fee_compute(s, TD_INS_EQUITY, TD_SIDE_BUY, 1, 100, 1, &b);
	assert_near(item(&b, "d"), 2, 1e-12);
	/* 20 at 1000 (value 20,000): a 20 -> 8; b 20 -> 400; c 20 (under 100) */
	td_fee_compute(s, TD_INS_EQUITY, TD_SIDE_BUY, 20, 1000, 1, &b);
	assert_near(item(&b, "a"), 8, 1e-12);
	assert_near(item(&b, "b"), 400, 1e-12);
	assert_near(item(&b, "c"), 20, 1e-12);
	td_fees_free(f);
}

/* Nearest, up, the schedule's step, a component's own step, and none. */
static void test_rounding(void **state)
{
	(void)state;
	td_fees *f = load_text("[schedule t]\n"
			       "currency = INR\n"
			       "round = 0.01\n"
			       "component = near all both percent 1\n"
			       "component = rupee all buy percent 0.015 round=1\n"
			       "component = up all both percent 1 roundup=0.05\n"
			       "component = raw all both percent 1 round=0\n");
	const td_fee_schedule *s = td_fees_find(f, "t");
	td_fee_breakdown b;
	/* value 1234.5: 1% = 12.345 -> 12.35 (half up); stamp-like 0.015% = 0.185175 -> 0 rupees;
	 * up to 0.05 -> 12.35; raw 12.345 */
	td_fee_compute(s, TD_INS_EQUITY, TD_SIDE_BUY, 1, 1234.5, 1, &b);
	assert_near(item(&b, "near"), 12.35, CENT);
	assert_near(item(&b, "rupee"), 0, 0);
	assert_near(item(&b, "up"), 12.35, CENT);
	assert_near(item(&b, "raw"), 12.345, 1e-12);
	/* value 10,000: 0.015% = 1.5 -> 2 rupees; 1% = 100 exactly stays 100 when rounded up */
	td_fee_compute(s, TD_INS_EQUITY, TD_SIDE_BUY, 100, 100, 1, &b);
	assert_near(item(&b, "rupee"), 2, 0);
	assert_near(item(&b, "up"), 100, CENT);
	td_fees_free(f);
	/* 0.1 x 3 in binary is a hair over 0.30; rounding up must not make it 0.31 */
	f = load_text("[schedule t]\nroundup = 0.01\ncomponent = x all both per-contract 0.1\n");
	assert_near(td_fee_compute(td_fees_find(f, "t"), TD_INS_EQUITY, TD_SIDE_BUY, 3, 1, 1, NULL), 0.30, CENT);
	td_fees_free(f);
}

/* percent-of takes the final amounts of the components above it, 0 for those that did not apply. */
static void test_percent_of(void **state)
{
	(void)state;
	td_fees *f = load_text("[schedule t]\n"
			       "round = 0.01\n"
			       "component = brk all both percent 0.03 max=20\n"
			       "component = exch all sell per-order 1.005\n"
			       "component = tax all both percent 5\n"
			       "component = gst all both percent-of 18 of=brk+exch\n"
			       "component = cess all both percent-of 10 of=gst\n");
	const td_fee_schedule *s = td_fees_find(f, "t");
	td_fee_breakdown b;
	/* sell, value 100,000: brk 30 -> 20; exch 1.005 -> 1.01 (rounded first);
	 * gst 18% x 21.01 = 3.7818 -> 3.78 (not 18% x 21.005); cess 10% x 3.78 = 0.378 -> 0.38;
	 * tax (not named) stays out */
	double total = td_fee_compute(s, TD_INS_EQUITY, TD_SIDE_SELL, 100, 1000, 1, &b);
	assert_near(item(&b, "gst"), 3.78, CENT);
	assert_near(item(&b, "cess"), 0.38, CENT);
	assert_near(total, 20 + 1.01 + 5000 + 3.78 + 0.38, CENT);
	/* buy: no exch, so gst = 18% x 20 = 3.60 */
	td_fee_compute(s, TD_INS_EQUITY, TD_SIDE_BUY, 100, 1000, 1, &b);
	assert_near(item(&b, "gst"), 3.60, CENT);
	td_fees_free(f);
}

/* Fills of one order share its minimum; they add up to the whole order's fees. */
static void test_fills(void **state)
{
	td_fees *f = td_fees_builtin();
	td_fee_breakdown b;

	(void)state;
	const td_fee_schedule *us = td_fees_find(f, "us");
	/* 100 shares at $50 in fills of 20, 30 and 50: the order pays one $1 minimum */
	assert_near(td_fee_compute_fill(us, TD_INS_EQUITY, TD_SIDE_BUY, 0, 0, 20, 50, 1, &b), 1.00, CENT);
	assert_near(td_fee_compute_fill(us, TD_INS_EQUITY, TD_SIDE_BUY, 20, 50, 30, 50, 1, &b), 0, CENT);
	assert_near(item(&b, "commission"), 0, CENT);
	assert_near(td_fee_compute_fill(us, TD_INS_EQUITY, TD_SIDE_BUY, 50, 50, 50, 50, 1, &b), 0, CENT);
	/* each fill priced as an order of its own pays the minimum three times */
	double alone = td_fee_compute(us, TD_INS_EQUITY, TD_SIDE_BUY, 20, 50, 1, NULL) +
		       td_fee_compute(us, TD_INS_EQUITY, TD_SIDE_BUY, 30, 50, 1, NULL) +
		       td_fee_compute(us, TD_INS_EQUITY, TD_SIDE_BUY, 50, 50, 1, NULL);
	assert_near(alone, 3.00, CENT);
	/* 1,000 at $50 in fills of 300 and 700: 1.50 (over the minimum), then 5.00 - 1.50 */
	assert_near(td_fee_compute_fill(us, TD_INS_EQUITY, TD_SIDE_BUY, 0, 0, 300, 50, 1, NULL), 1.50, CENT);
	assert_near(td_fee_compute_fill(us, TD_INS_EQUITY, TD_SIDE_BUY, 300, 50, 700, 50, 1, NULL), 3.50, CENT);

	/* India: selling 10 lots of an option, 1 at 120 then 9 at 121, adds up to the
	 * order at the average price */
	const td_fee_schedule *in = td_fees_find(f, "in");
	double first = td_fee_compute_fill(in, TD_INS_OPTION, TD_SIDE_SELL, 0, 0, 1, 120, 75, NULL);
	double rest = td_fee_compute_fill(in, TD_INS_OPTION, TD_SIDE_SELL, 1, 120, 9, 121, 75, &b);
	double whole = td_fee_compute(in, TD_INS_OPTION, TD_SIDE_SELL, 10, (120 + 9 * 121) / 10.0, 75, NULL);
	assert_near(first + rest, whole, 1e-9);
	assert_near(b.total, rest, 0);
	/* the Rs 20 brokerage cap is per order: 0.03% of 9,000 = 2.70 for the first fill;
	 * the whole order's 0.03% of 90,675 = 27.20 is capped at 20, so the rest pays 20 - 2.70 */
	assert_near(item(&b, "brokerage"), 17.30, CENT);
	td_fees_free(f);
}

/* Quantity 0 costs nothing; arguments that cannot be priced give NAN. */
static void test_bad_arguments(void **state)
{
	td_fees *f = td_fees_builtin();
	td_fee_breakdown b;

	(void)state;
	const td_fee_schedule *s = td_fees_find(f, "us");
	assert_near(td_fee_compute(s, TD_INS_EQUITY, TD_SIDE_BUY, 0, 50, 1, &b), 0, 0);
	assert_true(isnan(td_fee_compute(s, TD_INS_EQUITY, TD_SIDE_NONE, 1, 50, 1, &b)));
	assert_int_equal(b.n, 0);
	assert_true(isnan(td_fee_compute(s, TD_INS_EQUITY, TD_SIDE_BUY, -1, 50, 1, &b)));
	assert_true(isnan(td_fee_compute(s, TD_INS_EQUITY, TD_SIDE_BUY, 1, 50, 0, &b)));
	assert_true(isnan(td_fee_compute(s, TD_INS_EQUITY, TD_SIDE_BUY, 1, NAN, 1, &b)));
	assert_true(isnan(td_fee_compute(s, TD_INS_EQUITY, TD_SIDE_BUY, 1, INFINITY, 1, &b)));
	assert_true(isnan(td_fee_compute(s, TD_INS_KIND_COUNT, TD_SIDE_BUY, 1, 50, 1, &b)));
	assert_true(isnan(td_fee_compute_fill(s, TD_INS_EQUITY, TD_SIDE_BUY, -5, 50, 1, 50, 1, &b)));
	td_fees_free(f);
}

static void test_unknown_schedule(void **state)
{
	td_fees *f = td_fees_builtin();

	(void)state;
	assert_null(td_fees_find(f, "eu"));
	assert_null(td_fees_find(f, ""));
	assert_null(td_fees_find(f, "US"));
	assert_null(td_fees_find(f, NULL));
	assert_null(td_fees_at(f, 3));
	assert_int_equal(td_fees_count(f), 3);
	assert_string_equal(td_fee_schedule_name(td_fees_at(f, 0)), "us");
	assert_string_equal(td_fee_schedule_name(td_fees_at(f, 1)), "in");
	assert_string_equal(td_fee_schedule_name(td_fees_at(f, 2)), "in-delivery");
	assert_string_equal(td_fee_schedule_currency(td_fees_at(f, 1)), "INR");
	td_fees_free(f);
}

/* config/fees.conf holds exactly the built-in schedules, setting for setting. */
static void test_shipped_file_is_builtin(void **state)
{
	char path[4096], err[512] = "", a[4096], b[4096];
	static const td_ins_kind kinds[] = { TD_INS_EQUITY, TD_INS_OPTION, TD_INS_FUTURE };
	static const double sizes[][3] = { { 1, 0.5, 1 }, { 100, 50, 1 }, { 100000, 10, 1 },
					   { 1, 120.5, 75 }, { 10, 2.35, 100 }, { 3, 24500, 50 } };

	(void)state;
	snprintf(path, sizeof path, "%s/config/fees.conf", root());
	td_fees *file = td_fees_load(path, err, sizeof err);
	if (!file)
		fail_msg("%s", err);
	td_fees *built = td_fees_builtin();
	assert_non_null(built);
	assert_int_equal(td_fees_count(file), td_fees_count(built));
	for (size_t i = 0; i < td_fees_count(built); i++) {
		const td_fee_schedule *fs = td_fees_at(file, i), *bs = td_fees_at(built, i);
		assert_true(td_fee_schedule_format(fs, a, sizeof a) > 0);
		assert_true(td_fee_schedule_format(bs, b, sizeof b) > 0);
		assert_string_equal(a, b);
		for (size_t k = 0; k < ARRAY_LEN(kinds); k++)
			for (td_side side = TD_SIDE_BUY; side <= TD_SIDE_SELL; side++)
				for (size_t z = 0; z < ARRAY_LEN(sizes); z++)
					assert_true(td_fee_compute(fs, kinds[k], side, sizes[z][0], sizes[z][1],
								   sizes[z][2], NULL) ==
						    td_fee_compute(bs, kinds[k], side, sizes[z][0], sizes[z][1],
								   sizes[z][2], NULL));
	}
	td_fees_free(file);
	td_fees_free(built);
}

/* The formatted schedule reads back as the same schedule. */
static void test_format_round_trip(void **state)
{
	char a[4096], b[4096], path[256], err[512] = "";
	td_fees *f = td_fees_builtin();

	(void)state;
	const td_fee_schedule *s = td_fees_find(f, "us");
	assert_true(td_fee_schedule_format(s, a, sizeof a) > 0);
	assert_non_null(strstr(a, "[schedule us]\ncurrency = USD\nround = 0.01\n"
				  "component = commission equity both per-unit 0.005 min=1 max=1% \"Commission\"\n"));
	assert_non_null(strstr(a, "component = sec equity,option sell percent 0.00278 roundup=0.01 \"SEC fee\"\n"));
	td_fees *back = td_fees_load(write_file("back.conf", a, path, sizeof path), err, sizeof err);
	if (!back)
		fail_msg("%s", err);
	assert_true(td_fee_schedule_format(td_fees_find(back, "us"), b, sizeof b) > 0);
	assert_string_equal(a, b);
	/* too small a buffer: -1 */
	assert_int_equal(td_fee_schedule_format(s, a, 20), -1);
	td_fees_free(back);
	td_fees_free(f);
}

/* Each bad file, and the one message it must give for its first bad line. */
static void test_bad_lines(void **state)
{
	static const char head[] = "# fees\n[schedule t]\n"; /* the bad line is line 3 */
	static const struct {
		const char *text;
		const char *msg; /* after "PATH:" */
	} cases[] = {
		{ "component = a equities both per-order 1\n",
		  "3: component 'a': unknown instrument kind 'equities': expected equity, option, future or all" },
		{ "component = a index both per-order 1\n",
		  "3: component 'a': unknown instrument kind 'index': expected equity, option, future or all" },
		{ "component = a , both per-order 1\n", "3: component 'a': no instrument kind" },
		{ "component = a all sells per-order 1\n",
		  "3: component 'a': unknown side 'sells': expected buy, sell or both" },
		{ "component = a all both per-trade 1\n",
		  "3: component 'a': unknown basis 'per-trade': expected per-unit (per-share), per-contract (per-lot), "
		  "percent, per-order or percent-of" },
		{ "component = a all both per-order x\n",
		  "3: component 'a': bad rate 'x': expected a number such as 0.65 or 0.03" },
		{ "component = a all both per-order -1\n",
		  "3: component 'a': bad rate '-1': expected a number such as 0.65 or 0.03" },
		{ "component = a all both per-order 1e3\n",
		  "3: component 'a': bad rate '1e3': expected a number such as 0.65 or 0.03" },
		{ "component = a all both per-order 1.2.3\n",
		  "3: component 'a': bad rate '1.2.3': expected a number such as 0.65 or 0.03" },
		{ "component = a all both per-contract 0.65%\n",
		  "3: component 'a': rate '0.65%' is a percentage but the basis is not percent or percent-of" },
		{ "component = a all both percent 150\n", "3: component 'a': rate 150 is above 100 percent" },
		{ "component = a all both percent 1 mni=2\n",
		  "3: component 'a': unknown option 'mni=': expected min=, max=, round=, roundup= or of=" },
		{ "component = a all both percent 1 cap\n",
		  "3: component 'a': unknown option 'cap': expected min=, max=, round=, roundup= or of=" },
		{ "component = a all both percent 1 min=x\n",
		  "3: component 'a': bad min 'x': expected an amount such as 20, or a percent of the value such as 1%" },
		{ "component = a all both percent 1 min=5 max=2\n", "3: component 'a': min is above max" },
		{ "component = a all both percent 1 min=1 min=2\n", "3: component 'a': min given twice" },
		{ "component = a all both percent 1 round=1 roundup=1\n", "3: component 'a': rounding given twice" },
		{ "component = a all both percent 1 round=up\n",
		  "3: component 'a': bad round 'up': expected a step such as 0.01 or 1, or 0 for none" },
		{ "component = a all both percent 1 of=b\n", "3: component 'a': of= belongs to the percent-of basis only" },
		{ "component = a all both percent-of 18\n",
		  "3: component 'a': percent-of needs of=NAME+NAME... naming the components it is a percent of" },
		{ "component = gst all both percent-of 18 of=brk\ncomponent = brk all both percent 0.03\n",
		  "3: component 'gst': of= names 'brk', which is not a component above this line "
		  "(percent-of can only take components listed before it)" },
		{ "component = brk all both percent 0.03\ncomponent = gst all both percent-of 18 of=brk+brk\n",
		  "4: component 'gst': of= names 'brk' twice" },
		{ "component = a all both per-order 1 \"Label\n",
		  "3: the label's closing '\"' is missing" },
		{ "component = a all both per-order 1 \"Label\" min=1\n", "3: text after the quoted label" },
		{ "component = a all both per-order 1 \"\"\n", "3: component 'a': the label must have 1 to 31 characters" },
		{ "component = a all both\n",
		  "3: expected 'component = NAME KIND SIDE BASIS RATE [options] [\"Label\"]'" },
		{ "component = Brokerage all both per-order 1\n",
		  "3: bad component name 'Brokerage': expected a lower-case letter, then letters, digits, '_' or '-', "
		  "at most 23 in all" },
		{ "component = a all both per-order 1\ncomponent = a all sell per-order 2\n",
		  "4: component 'a' is defined twice in schedule 't'" },
		{ "commission = a all both per-order 1\n",
		  "3: unknown setting 'commission': expected component, currency, round or roundup" },
		{ "currency = usd\n", "3: bad currency 'usd': expected a code in capitals such as USD or INR" },
		{ "currency = USD\ncurrency = INR\n", "4: currency given twice in schedule 't'" },
		{ "round = 0.01\nroundup = 0.01\n", "4: rounding given twice in schedule 't'" },
		{ "component = a all both per-order 1\n[schedule u]\ncurrency = USD\n[schedule t]\ncurrency = USD\n",
		  "7: schedule 't' appears twice; put all its lines in one section" },
		{ "[fees]\ncurrency = USD\n", "4: unknown section '[fees]': expected '[schedule NAME]'" },
		{ "[schedule]\ncurrency = USD\n", "4: unknown section '[schedule]': expected '[schedule NAME]'" },
		{ "[schedule US]\ncurrency = USD\n",
		  "4: bad schedule name 'US': expected a lower-case letter, then letters, digits, '_' or '-', "
		  "at most 23 in all" },
		{ "component a all both per-order 1\n", "3: expected '[section]' or 'name = value'" },
		/* a good line after the bad one does not rescue the file */
		{ "component = a all both per-order x\ncomponent = b all both per-order 1\n",
		  "3: component 'a': bad rate 'x': expected a number such as 0.65 or 0.03" },
	};
	char path[256], text[1024], want[1024], err[512];

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		snprintf(text, sizeof text, "%s%s", head, cases[i].text);
		write_file("bad.conf", text, path, sizeof path);
		snprintf(want, sizeof want, "%s:%s", path, cases[i].msg);
		err[0] = '\0';
		errno = 0;
		td_fees *f = td_fees_load(path, err, sizeof err);
		if (f || strcmp(err, want) != 0)
			fail_msg("case %zu: %s\n got: %s\nwant: %s", i, f ? "loaded" : "wrong message", err, want);
		assert_int_equal(errno, EINVAL);
	}
}

/* A schedule holds at most TD_FEE_COMPONENTS_MAX components; one more is refused on its line. */
static void test_too_many_components(void **state)
{
	char text[4096], path[256], want[512], err[512];
	size_t len = (size_t)snprintf(text, sizeof text, "[schedule t]\n");

	(void)state;
	for (int i = 0; i < TD_FEE_COMPONENTS_MAX; i++)
		len += (size_t)snprintf(text + len, sizeof text - len, "component = c%d all both per-order 1\n", i);
	td_fees *f = load_text(text);
	assert_near(td_fee_compute(td_fees_find(f, "t"), TD_INS_EQUITY, TD_SIDE_BUY, 1, 1, 1, NULL),
		    TD_FEE_COMPONENTS_MAX, 0);
	td_fees_free(f);
	snprintf(text + len, sizeof text - len, "component = one-more all both per-order 1\n");
	write_file("many.conf", text, path, sizeof path);
	assert_null(td_fees_load(path, err, sizeof err));
	snprintf(want, sizeof want, "%s:%d: too many components in schedule 't' (the limit is %d)", path,
		 TD_FEE_COMPONENTS_MAX + 2, TD_FEE_COMPONENTS_MAX);
	assert_string_equal(err, want);
}

/* A line outside any section, an empty file, a missing file. */
static void test_file_errors(void **state)
{
	char path[256], want[512], err[512];

	(void)state;
	write_file("outside.conf", "currency = USD\n[schedule t]\n", path, sizeof path);
	assert_null(td_fees_load(path, err, sizeof err));
	snprintf(want, sizeof want, "%s:1: 'currency' is outside a [schedule NAME] section", path);
	assert_string_equal(err, want);

	write_file("empty.conf", "# nothing\n[schedule t]\n", path, sizeof path);
	assert_null(td_fees_load(path, err, sizeof err));
	snprintf(want, sizeof want, "%s: no [schedule NAME] section", path);
	assert_string_equal(err, want);

	snprintf(path, sizeof path, "%s/missing.conf", tmpdir);
	errno = 0;
	assert_null(td_fees_load(path, err, sizeof err));
	assert_int_equal(errno, ENOENT);
	snprintf(want, sizeof want, "cannot open '%s': No such file or directory", path);
	assert_string_equal(err, want);
}

/* Comments after " ;", labels with spaces, and the longest names. */
static void test_syntax(void **state)
{
	td_fee_breakdown b;

	(void)state;
	td_fees *f = load_text("; a comment\n"
			       "[schedule a-b_2]\n"
			       "component = abcdefghijklmnopqrstuvw all both per-order 1 \"Exchange txn charge 1234567\" ; why\n"
			       "component = x equity,equity both percent 0.5% \"Tax\"\n");
	const td_fee_schedule *s = td_fees_find(f, "a-b_2");
	assert_non_null(s);
	assert_string_equal(td_fee_schedule_currency(s), "");
	td_fee_compute(s, TD_INS_EQUITY, TD_SIDE_BUY, 2, 100, 1, &b);
	assert_string_equal(b.item[0].name, "abcdefghijklmnopqrstuvw");
	assert_string_equal(b.item[0].label, "Exchange txn charge 1234567");
	assert_near(b.item[1].amount, 1.0, 1e-12); /* 0.5% of 200 */
	td_fees_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_in_option_sell),
		cmocka_unit_test(test_in_option_buy),
		cmocka_unit_test(test_in_future_sell),
		cmocka_unit_test(test_in_equity_intraday),
		cmocka_unit_test(test_in_delivery),
		cmocka_unit_test(test_us_equity),
		cmocka_unit_test(test_us_min_max),
		cmocka_unit_test(test_us_options_futures),
		cmocka_unit_test(test_filters),
		cmocka_unit_test(test_bases),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_rounding),
		cmocka_unit_test(test_percent_of),
		cmocka_unit_test(test_fills),
		cmocka_unit_test(test_bad_arguments),
		cmocka_unit_test(test_unknown_schedule),
		cmocka_unit_test(test_shipped_file_is_builtin),
		cmocka_unit_test(test_format_round_trip),
		cmocka_unit_test(test_bad_lines),
		cmocka_unit_test(test_too_many_components),
		cmocka_unit_test(test_file_errors),
		cmocka_unit_test(test_syntax),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
