#!/usr/bin/env python3
"""Print the erfcx Chebyshev table of src/options/black.c.

erfcx(u) = exp(u^2) erfc(u) on [0, 12) is cut into 48 intervals of width
1/4.  On each, erfcx(centre + v), |v| <= 1/8, is interpolated at 50 digits
by a polynomial of degree 11 in v (mpmath's chebyfit: the Chebyshev
interpolant, written in powers of v), and the coefficients, lowest degree
first, are rounded to double and printed with 17 significant digits, which
reads back to the same double.

Not run at build time: the table is committed.  To regenerate it, run
    python3 tools/gen_erfcx.py > /tmp/erfcx.c
(needs python3 and mpmath, Debian package python3-mpmath) and replace the
table in black.c with the output; unchanged, the output is byte for byte the
committed table.  With --check it also prints, on stderr, the worst relative
error of the rounded polynomials against erfcx on a fine grid.
"""
import sys

from mpmath import mp, mpf, chebyfit, erfc, exp

INTERVALS = 48   # TD_BLACK_ERFCX_N
DEGREE = 11      # TD_BLACK_ERFCX_DEG
WIDTH = mpf(1) / 4


def erfcx(u):
    return exp(u * u) * erfc(u)


def coefficients(i):
    """The degree-DEGREE interpolant of erfcx on interval i, lowest degree first."""
    centre = i * WIDTH + WIDTH / 2
    poly = chebyfit(lambda v: erfcx(centre + v), [-WIDTH / 2, WIDTH / 2], DEGREE + 1)
    return [float(c) for c in reversed(poly)]


def worst_error(table):
    """The largest relative error of the double polynomials, 64 points per interval."""
    worst = mpf(0)
    for i, c in enumerate(table):
        centre = i * WIDTH + WIDTH / 2
        for k in range(65):
            v = -WIDTH / 2 + k * WIDTH / 64
            p = sum(mpf(a) * v ** j for j, a in enumerate(c))
            worst = max(worst, abs(p / erfcx(centre + v) - 1))
    return worst


def main():
    mp.dps = 50
    table = [coefficients(i) for i in range(INTERVALS)]
    print("const double td_black_erfcx_tab[TD_BLACK_ERFCX_N][TD_BLACK_ERFCX_DEG + 1] = {")
    for row in table:
        print("\t{ " + ", ".join("%.17g" % c for c in row) + " },")
    print("};")
    if "--check" in sys.argv[1:]:
        print("worst relative error %.3g" % worst_error(table), file=sys.stderr)


if __name__ == "__main__":
    main()
