/*
 * The ticket's confirmation contract (src/oms/ticket.c): only Enter
 * followed at once by y confirms; Escape cancels; a failed risk check
 * cannot be armed; strict mode wants the quantity typed again.  A random
 * walk over the keys checks the contract on a million sequences.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "oms/ticket.h"

static td_ticket fresh(td_risk_status worst, bool strict)
{
	td_order_req r = { .instr = 1, .side = TD_SIDE_BUY, .qty = 25, .type = TD_OT_MARKET, .limit = TD_PX_NONE,
			   .stop = TD_PX_NONE };
	td_risk_check c = { .name = "max quantity", .status = worst };
	td_ticket t;
	td_ticket_init(&t, &r, &c, 1, worst, strict);
	return t;
}

static void test_enter_then_y(void **state)
{
	(void)state;
	td_ticket t = fresh(TD_RISK_PASS, false);
	assert_int_equal(td_ticket_key(&t, 'y'), TD_TICKET_SHOWN);    /* y alone does nothing */
	assert_int_equal(td_ticket_key(&t, '\n'), TD_TICKET_ARMED);
	assert_int_equal(td_ticket_key(&t, 'x'), TD_TICKET_SHOWN);    /* any other key disarms */
	assert_int_equal(td_ticket_key(&t, 'y'), TD_TICKET_SHOWN);
	assert_int_equal(td_ticket_key(&t, '\n'), TD_TICKET_ARMED);
	assert_int_equal(td_ticket_key(&t, '\n'), TD_TICKET_SHOWN);   /* Enter twice is not y */
	assert_int_equal(td_ticket_key(&t, '\n'), TD_TICKET_ARMED);
	assert_int_equal(td_ticket_key(&t, 'y'), TD_TICKET_CONFIRMED);
	assert_int_equal(td_ticket_key(&t, 27), TD_TICKET_CONFIRMED); /* once confirmed, keys change nothing */
}

static void test_escape_and_failed_risk(void **state)
{
	(void)state;
	td_ticket t = fresh(TD_RISK_PASS, false);
	td_ticket_key(&t, '\n');
	assert_int_equal(td_ticket_key(&t, 27), TD_TICKET_CANCELLED);
	assert_int_equal(td_ticket_key(&t, '\n'), TD_TICKET_CANCELLED);
	assert_int_equal(td_ticket_key(&t, 'y'), TD_TICKET_CANCELLED);
	t = fresh(TD_RISK_FAIL, false);
	assert_int_equal(td_ticket_key(&t, '\n'), TD_TICKET_SHOWN);
	assert_int_equal(td_ticket_key(&t, 'y'), TD_TICKET_SHOWN);
	assert_string_equal(td_ticket_prompt(&t), "a risk check failed: Esc to close");
	t = fresh(TD_RISK_WARN, false);   /* a warning is shown, not a block */
	td_ticket_key(&t, '\n');
	assert_int_equal(td_ticket_key(&t, 'y'), TD_TICKET_CONFIRMED);
}

static void test_strict_mode(void **state)
{
	(void)state;
	td_ticket t = fresh(TD_RISK_PASS, true);
	td_ticket_key(&t, '\n');
	assert_int_equal(td_ticket_key(&t, 'y'), TD_TICKET_SHOWN);    /* the quantity was not typed */
	td_ticket_key(&t, '\n');
	td_ticket_key(&t, '2');
	td_ticket_key(&t, '4');
	assert_int_equal(td_ticket_key(&t, 'y'), TD_TICKET_SHOWN);    /* 24 is not 25 */
	td_ticket_key(&t, '\n');
	td_ticket_key(&t, '2');
	td_ticket_key(&t, '5');
	assert_int_equal(td_ticket_key(&t, 'y'), TD_TICKET_CONFIRMED);
}

/* xorshift for the random walk */
static uint32_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return (uint32_t)(*s >> 32);
}

/*
 * A million random sequences over Enter, y, Escape, digits and other keys:
 * the ticket is confirmed exactly when, before any Escape, some Enter is
 * immediately followed by y, which the test works out independently.
 */
static void test_random_keys_never_confirm_by_accident(void **state)
{
	(void)state;
	static const int keys[] = { '\n', 'y', 27, 'n', 'q', ' ', '5', 'Y', 410 /* KEY_RESIZE */, 'j' };
	uint64_t s = 0x1234567887654321ull;
	for (int run = 0; run < 1000000; run++) {
		td_ticket t = fresh(TD_RISK_PASS, false);
		int len = 1 + (int)(rnd(&s) % 12);
		bool want = false, cancelled = false;
		int prev = 0;
		for (int i = 0; i < len; i++) {
			int k = keys[rnd(&s) % (sizeof keys / sizeof keys[0])];
			td_ticket_key(&t, k);
			if (!want && !cancelled) {
				if (k == 27)
					cancelled = true;
				else if (k == 'y' && prev == '\n')
					want = true;
			}
			/* after an Enter that armed, the next key decides; an Enter that disarmed does not arm */
			prev = (k == '\n' && prev == '\n') ? 0 : k;
		}
		if ((t.stage == TD_TICKET_CONFIRMED) != want)
			fail_msg("run %d: stage %d, expected %s", run, t.stage, want ? "confirmed" : "not confirmed");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_enter_then_y),
		cmocka_unit_test(test_escape_and_failed_risk),
		cmocka_unit_test(test_strict_mode),
		cmocka_unit_test(test_random_keys_never_confirm_by_accident),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
