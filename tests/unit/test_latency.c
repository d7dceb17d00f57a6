/* Latency histogram: quantiles within the stated 12.5 % and window ageing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "engine/latency.h"

static void assert_near(td_ns got, double want)
{
	if ((double)got < want * 0.875 || (double)got > want * 1.125)
		fail_msg("got %lld ns, want %.0f ns +-12.5%%", (long long)got, want);
}

/* Samples 1..1000 us: the median is 500 us and the 99th percentile 990 us. */
static void test_uniform_quantiles(void **state)
{
	(void)state;
	td_latency l;
	td_latency_init(&l, 5 * TD_NS_PER_SEC);
	assert_int_equal(td_latency_quantile(&l, 0.5), -1);
	for (int i = 1; i <= 1000; i++)
		td_latency_add(&l, (td_ns)i * TD_NS_PER_US, 1);
	assert_int_equal(td_latency_count(&l), 1000);
	assert_near(td_latency_quantile(&l, 0.50), 500e3);
	assert_near(td_latency_quantile(&l, 0.99), 990e3);
	assert_near(td_latency_quantile(&l, 0.0), 1e3);
}

/* Old samples leave after two windows; huge and negative values are clamped. */
static void test_windows_age_out(void **state)
{
	(void)state;
	td_latency l;
	td_latency_init(&l, TD_NS_PER_SEC);
	for (int i = 0; i < 100; i++)
		td_latency_add(&l, 50 * TD_NS_PER_MS, 1);
	td_latency_add(&l, 2 * TD_NS_PER_MS, 1 + TD_NS_PER_SEC);
	assert_int_equal(td_latency_count(&l), 101);
	td_latency_add(&l, 2 * TD_NS_PER_MS, 1 + 2 * TD_NS_PER_SEC);
	assert_int_equal(td_latency_count(&l), 2);
	assert_near(td_latency_quantile(&l, 0.99), 2e6);
	td_latency_add(&l, -5, 1 + 2 * TD_NS_PER_SEC);
	td_latency_add(&l, 1000 * TD_NS_PER_SEC * 1000, 1 + 2 * TD_NS_PER_SEC);
	assert_int_equal(td_latency_count(&l), 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_uniform_quantiles),
		cmocka_unit_test(test_windows_age_out),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
