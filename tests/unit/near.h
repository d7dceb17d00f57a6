/*
 * Double-precision closeness for the unit tests.  cmocka's
 * assert_float_equal converts its arguments to float (24-bit mantissa),
 * so it cannot tell doubles apart below about 1e-7 relative: a test of a
 * 1e-12 claim through it could not fail.  assert_near compares the doubles.
 */
#ifndef TD_TEST_NEAR_H
#define TD_TEST_NEAR_H

#include <math.h>

#define assert_near(a, b, tol) td_test_near((a), (b), (tol), #a, #b, __FILE__, __LINE__)

static inline void td_test_near(double a, double b, double tol, const char *as, const char *bs, const char *file,
				int line)
{
	if (fabs(a - b) <= tol || (a == b))
		return;
	print_error("%s = %.17g\n%s = %.17g\ndiffer by %.3g, more than %.3g\n", as, a, bs, b, fabs(a - b), tol);
	_fail(file, line);
}

#endif
