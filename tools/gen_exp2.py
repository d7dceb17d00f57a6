#!/usr/bin/env python3
"""Print the table of 2^(j/32), j = 0..31, used by td_black_expd in
src/options/black.h, as pairs {hi, rel}: hi is 2^(j/32) rounded to double
and rel is the rest relative to hi, (2^(j/32) - hi) / hi, rounded to double
(computed at 50 digits with mpmath).  Each number is printed with 17 significant digits, which
reads back to the same double.

Not run at build time: the table is committed.  To regenerate it, run
    python3 tools/gen_exp2.py
(needs python3-mpmath) and replace the table in black.c with the output.
"""
from mpmath import mp, mpf

mp.dps = 50

for j in range(32):
    v = mpf(2) ** (mpf(j) / 32)
    hi = float(v)
    rel = float((v - mpf(hi)) / mpf(hi))
    print("\t{ %.17g, %.17g }," % (hi, rel))
