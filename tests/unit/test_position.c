/*
 * Unit tests for src/oms/position.c: average-cost positions and deals,
 * every figure worked by hand in the comments.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "near.h"
#include "oms/position.h"

/*
 * Buy 100 @ 10 and 100 @ 12: average 11.  Sell 150 @ 13: realised
 * (13 - 11) x 150 = 300.  50 left at 11; marked at 14: (14 - 11) x 50 = 150.
 * Sell 50 @ 9: (9 - 11) x 50 = -100, realised gross 200.  Fees 1 a fill:
 * realised 196.  The deal: entry 200 @ 11, exit 200 @ (150 x 13 + 50 x 9) /
 * 200 = 12, gross 200, charges 4, net 196, net % = 196 / 2,200 x 100.
 */
static void test_long_round_trip(void **state)
{
	(void)state;
	td_book *b = td_book_new(4);
	assert_int_equal(td_book_fill(b, 1, TD_SIDE_BUY, 100, 10, 1, 1, 100, TD_CLOSE_MANUAL), 0);
	assert_int_equal(td_book_fill(b, 1, TD_SIDE_BUY, 100, 12, 1, 1, 200, TD_CLOSE_MANUAL), 0);
	const td_position *p = td_book_position(b, 1);
	assert_near(p->qty, 200, 0);
	assert_near(p->avg_px, 11, 1e-12);
	assert_int_equal(td_book_fill(b, 1, TD_SIDE_SELL, 150, 13, 1, 1, 300, TD_CLOSE_TARGET), 0);
	assert_near(p->qty, 50, 0);
	assert_near(p->avg_px, 11, 1e-12);
	assert_near(p->realised, 300 - 3, 1e-9);
	assert_near(td_book_unrealised(b, 1, 14), 150, 1e-9);
	size_t n;
	td_book_deals(b, &n);
	assert_int_equal(n, 0);
	assert_int_equal(td_book_fill(b, 1, TD_SIDE_SELL, 50, 9, 1, 1, 400, TD_CLOSE_STOP), 0);
	assert_near(p->qty, 0, 0);
	assert_true(isnan(p->avg_px));
	assert_near(p->realised, 196, 1e-9);
	assert_near(p->fees, 4, 0);
	assert_near(td_book_unrealised(b, 1, 14), 0, 0);
	const td_deal *d = td_book_deals(b, &n);
	assert_int_equal(n, 1);
	assert_int_equal(d->side, 1);
	assert_near(d->entry_qty, 200, 0);
	assert_near(d->entry_px, 11, 1e-12);
	assert_near(d->exit_qty, 200, 0);
	assert_near(d->exit_px, 12, 1e-12);
	assert_near(d->gross, 200, 1e-9);
	assert_near(d->charges, 4, 0);
	assert_near(d->net, 196, 1e-9);
	assert_near(d->net_pct, 196.0 / 2200 * 100, 1e-9);
	assert_int_equal(d->entry_ns, 100);
	assert_int_equal(d->exit_ns, 400);
	assert_int_equal(d->closed_by, TD_CLOSE_STOP);
	assert_false(d->open);
	td_book_free(b);
}

/* Sold 2 option contracts at 3.00, bought back at 1.00, multiplier 100: (1 - 3) x 2 x 100 x -1 = +400. */
static void test_short_with_multiplier(void **state)
{
	(void)state;
	td_book *b = td_book_new(4);
	td_book_fill(b, 2, TD_SIDE_SELL, 2, 3.00, 0, 100, 1, TD_CLOSE_MANUAL);
	assert_near(td_book_unrealised(b, 2, 2.50), (2.50 - 3.00) * -2 * 100, 1e-9);
	td_book_fill(b, 2, TD_SIDE_BUY, 2, 1.00, 0, 100, 2, TD_CLOSE_TARGET);
	const td_position *p = td_book_position(b, 2);
	assert_near(p->realised, 400, 1e-9);
	size_t n;
	const td_deal *d = td_book_deals(b, &n);
	assert_int_equal(d->side, -1);
	assert_near(d->net_pct, 400.0 / 600 * 100, 1e-9);
	td_book_free(b);
}

/* Long 10 @ 5, sell 30 @ 6: +10 closes the long (a reversal deal), then short 20 @ 6. */
static void test_reversal(void **state)
{
	(void)state;
	td_book *b = td_book_new(4);
	td_book_fill(b, 0, TD_SIDE_BUY, 10, 5, 0, 1, 1, TD_CLOSE_MANUAL);
	td_book_fill(b, 0, TD_SIDE_SELL, 30, 6, 0, 1, 2, TD_CLOSE_MANUAL);
	const td_position *p = td_book_position(b, 0);
	assert_near(p->qty, -20, 0);
	assert_near(p->avg_px, 6, 0);
	assert_near(p->realised, 10, 1e-12);
	size_t n;
	const td_deal *d = td_book_deals(b, &n);
	assert_int_equal(n, 1);
	assert_int_equal(d->closed_by, TD_CLOSE_REVERSAL);
	assert_true(p->deal.open);
	assert_int_equal(p->deal.side, -1);
	assert_near(p->deal.entry_qty, 20, 0);
	td_book_free(b);
}

/* Deals netting -1, +2, -3, -4: the streak at the end is 2; a new day clears day P&L, not the total. */
static void test_streak_and_new_day(void **state)
{
	(void)state;
	td_book *b = td_book_new(2);
	static const double exits[] = { 9, 12, 7, 6 };
	for (int i = 0; i < 4; i++) {
		td_book_fill(b, 0, TD_SIDE_BUY, 1, 10, 0, 1, i, TD_CLOSE_MANUAL);
		td_book_fill(b, 0, TD_SIDE_SELL, 1, exits[i], 0, 1, i, TD_CLOSE_MANUAL);
	}
	assert_int_equal(td_book_losing_streak(b), 2);
	const td_position *p = td_book_position(b, 0);
	assert_near(p->day_realised, -1 + 2 - 3 - 4, 1e-12);
	td_book_new_day(b);
	assert_near(p->day_realised, 0, 0);
	assert_near(p->realised, -6, 1e-12);
	td_book_fill(b, 0, TD_SIDE_BUY, 1, 10, 0, 1, 9, TD_CLOSE_MANUAL);
	td_book_fill(b, 0, TD_SIDE_SELL, 1, 15, 0, 1, 9, TD_CLOSE_MANUAL);
	assert_int_equal(td_book_losing_streak(b), 0);
	td_book_free(b);
}

static void test_bad_fills(void **state)
{
	(void)state;
	td_book *b = td_book_new(2);
	assert_int_equal(td_book_fill(b, 2, TD_SIDE_BUY, 1, 10, 0, 1, 0, TD_CLOSE_MANUAL), -1);
	assert_int_equal(td_book_fill(b, 0, TD_SIDE_BUY, 0, 10, 0, 1, 0, TD_CLOSE_MANUAL), -1);
	assert_int_equal(td_book_fill(b, 0, TD_SIDE_BUY, 1, NAN, 0, 1, 0, TD_CLOSE_MANUAL), -1);
	assert_int_equal(td_book_fill(b, 0, TD_SIDE_NONE, 1, 10, 0, 1, 0, TD_CLOSE_MANUAL), -1);
	assert_null(td_book_position(b, 2));
	assert_near(td_book_position(b, 0)->qty, 0, 0);
	td_book_free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_long_round_trip),
		cmocka_unit_test(test_short_with_multiplier),
		cmocka_unit_test(test_reversal),
		cmocka_unit_test(test_streak_and_new_day),
		cmocka_unit_test(test_bad_fills),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
