#!/bin/sh
# tapedeck options: price, greeks and iv on published textbook examples
# (Hull; Haug), properties (an IV round trip, no IV below intrinsic value),
# bad rows with their messages while good rows still come out, JSON parsed
# back, and the exit statuses.
# TD_OPTIONS_BIN overrides the binary (a test build before the dispatch is wired).
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
. "$ROOT/tests/lib/tap.sh"
BIN=${TD_OPTIONS_BIN:-"$ROOT/build/tapedeck"}
export TZ=UTC LC_ALL=C
scratch_init
S=$SCRATCH

if ! "$BIN" options --help 2>/dev/null | grep -q "tapedeck options price"; then
	echo "1..0 # SKIP '$BIN options' is not available"
	exit 0
fi

plan 17

# col NAME ROW FILE: the field NAME of data row ROW (1-based) of a CSV output.
col() {
	awk -F, -v name="$1" -v row="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == name) c = i; next }
		NR == row + 1 { print $c }' "$3"
}
# near A B TOL: |A - B| <= TOL.
near() {
	awk -v a="$1" -v b="$2" -v t="$3" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(a != "" && d <= t) }'
}

# ---- price: Hull, Options, Futures and Other Derivatives, example 15.6 ----
# S=42, K=40, r=0.10, sigma=0.20, T=0.5: call 4.76, put 0.81.
# Haug, The Complete Guide to Option Pricing Formulas, Black-76: F=19, K=19,
# T=0.75, r=0.10, v=0.28: call 1.7011 (and the put equals it at the money).
cat > "$S/in.csv" <<'EOF2'
type,style,underlying,strike,years,rate,dividend,vol
call,european,42,40,0.5,0.10,0,0.20
put,european,42,40,0.5,0.10,0,0.20
call,black76,19,19,0.75,0.10,0,0.28
put,black76,19,19,0.75,0.10,0,0.28
EOF2
"$BIN" options price --in "$S/in.csv" > "$S/p.csv" 2> "$S/err"; st=$?
[ $st -eq 0 ] && [ ! -s "$S/err" ] && [ "$(head -n 1 "$S/p.csv")" = "type,style,underlying,strike,years,rate,dividend,vol,price,error" ] \
	&& [ "$(wc -l < "$S/p.csv")" -eq 5 ]
ok $? "price: header, one row per input row, exit 0" "$(cat "$S/p.csv" "$S/err")"
c=$(col price 1 "$S/p.csv"); p=$(col price 2 "$S/p.csv")
[ "$(printf '%.2f %.2f' "$c" "$p")" = "4.76 0.81" ]
ok $? "price: Hull S=42 K=40 r=10% sigma=20% T=0.5: call 4.76, put 0.81" "$c $p"
b=$(col price 3 "$S/p.csv")
[ "$(printf '%.4f' "$b")" = "1.7011" ]
ok $? "price: Haug Black-76 F=19 K=19 T=0.75 r=10% v=28%: call 1.7011" "$b"
[ "$(col price 4 "$S/p.csv")" = "$b" ]
ok $? "price: Black-76 put = call at the money forward" "$(col price 4 "$S/p.csv")"

# ---- greeks: Hull examples 19.1 and 19.4: S=49, K=50, r=0.05, sigma=0.20, T=0.3846 ----
cat > "$S/g.csv" <<'EOF2'
type,style,underlying,strike,years,rate,dividend,vol
call,european,49,50,0.3846,0.05,0,0.20
put,american,42,40,0.5,0.10,0,0.20
EOF2
"$BIN" options greeks --in "$S/g.csv" > "$S/out" 2> "$S/err"; st=$?
[ $st -eq 0 ] && [ "$(head -n 1 "$S/out")" = "type,style,underlying,strike,years,rate,dividend,vol,price,delta,gamma,theta,vega,rho,vanna,charm,vomma,error" ]
ok $? "greeks: the columns" "$(cat "$S/out" "$S/err")"
d=$(col delta 1 "$S/out"); g=$(col gamma 1 "$S/out")
[ "$(printf '%.3f %.3f' "$d" "$g")" = "0.522 0.066" ]
ok $? "greeks: Hull delta 0.522, gamma 0.066" "$d $g"
# American put >= European put 0.81 (early exercise has value), delta in (-1, 0).
ap=$(col price 2 "$S/out"); ad=$(col delta 2 "$S/out")
awk -v p="$ap" -v e="$p" -v d="$ad" 'BEGIN { exit !(p >= e && d < 0 && d > -1) }'
ok $? "greeks: American put >= European put, delta in (-1, 0)" "$ap $p $ad"

# ---- iv ---------------------------------------------------------------------
# Round trip: price at vol 0.25, feed the output (which has a price column) to iv.
cat > "$S/r.csv" <<'EOF2'
type,style,underlying,strike,years,rate,dividend,vol
call,european,100,110,0.75,0.03,0.01,0.25
put,black76,75,70,2,0.04,0,0.25
EOF2
"$BIN" options price --in "$S/r.csv" > "$S/rp.csv" && "$BIN" options iv --in "$S/rp.csv" > "$S/out" 2> "$S/err"; st=$?
v1=$(col iv 1 "$S/out"); v2=$(col iv 2 "$S/out")
[ $st -eq 0 ] && near "$v1" 0.25 1e-9 && near "$v2" 0.25 1e-9
ok $? "iv: price at vol 0.25 and back gives 0.25 to 1e-9" "$(cat "$S/out" "$S/err")"

# Below intrinsic: S=42, K=40 call worth at least 42 - 40 e^{-0.05} = 3.95; 1.00 has no IV.
printf 'type,style,underlying,strike,years,rate,dividend,price\ncall,european,42,40,0.5,0.10,0,1.00\n' > "$S/lo.csv"
"$BIN" options iv --in "$S/lo.csv" > "$S/out" 2> "$S/err"; st=$?
why=$(col why 1 "$S/out")
[ $st -eq 0 ] && [ -z "$(col iv 1 "$S/out")" ] && [ -n "$why" ] && [ ! -s "$S/err" ]
ok $? "iv: a price below intrinsic value gives an empty iv and a reason ($why)" "$(cat "$S/out" "$S/err")"

# ---- expiry dates -------------------------------------------------------------
# 2024-07-19 16:00 EDT is 20:00Z; from 2024-06-19T20:00:00Z that is 30 days = 30/365 years.
printf 'type,style,underlying,strike,expiry,rate,dividend,vol\ncall,european,100,100,2024-07-19,0.05,0,0.2\n' > "$S/e.csv"
printf 'type,style,underlying,strike,years,rate,dividend,vol\ncall,european,100,100,0.0821917808219178,0.05,0,0.2\n' > "$S/y.csv"
a=$("$BIN" options price --in "$S/e.csv" --now 2024-06-19T20:00:00Z | col price 1 /dev/stdin)
b=$("$BIN" options price --in "$S/y.csv" | col price 1 /dev/stdin)
[ -n "$a" ] && [ "$a" = "$b" ]
ok $? "expiry: 16:00 New York of the date, counted from --now, ACT/365" "$a $b"

# ---- bad rows -----------------------------------------------------------------
cat > "$S/bad.csv" <<'EOF2'
type,style,underlying,strike,years,rate,dividend,vol
call,european,42,40,0.5,0.10,0,0.20
straddle,european,42,40,0.5,0.10,0,0.20
call,european,42,abc,0.5,0.10,0,0.20
call,european,42,40,0.5

put,european,42,40,0.5,0.10,0,0.20
EOF2
"$BIN" options price --in "$S/bad.csv" > "$S/out" 2> "$S/err"; st=$?
exp="$S/bad.csv:3: column 'type': unknown type 'straddle' (call or put)
$S/bad.csv:4: column 'strike': bad number 'abc'
$S/bad.csv:5: column 'rate': missing"
[ $st -eq 1 ] && [ "$(cat "$S/err")" = "$exp" ]
ok $? "bad rows: one message each naming file, line and column; exit 1" "$(cat "$S/err")"
exp="type,style,underlying,strike,years,rate,dividend,vol,price,error
call,european,42,40,0.5,0.10,0,0.20,$c,
straddle,european,42,40,0.5,0.10,0,0.20,,column 'type': unknown type 'straddle' (call or put)
call,european,42,abc,0.5,0.10,0,0.20,,column 'strike': bad number 'abc'
call,european,42,40,0.5,,,,,column 'rate': missing
put,european,42,40,0.5,0.10,0,0.20,$p,"
[ "$(cat "$S/out")" = "$exp" ]
ok $? "bad rows: written with empty results and the error; good rows still computed, in order" "$(cat "$S/out")"

# ---- JSON ---------------------------------------------------------------------
"$BIN" options price --in "$S/bad.csv" --format json > "$S/out" 2>/dev/null
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
ok = (len(d) == 5 and abs(d[0]["price"] - 4.76) < 0.005 and d[0]["error"] is None
      and d[0]["strike"] == "40" and d[1]["price"] is None
      and d[1]["error"] == "column '"'"'type'"'"': unknown type '"'"'straddle'"'"' (call or put)"
      and d[3]["rate"] is None and abs(d[4]["price"] - 0.81) < 0.005)
sys.exit(0 if ok else 1)' "$S/out"
ok $? "--format json: an array of objects, numbers, nulls and errors" "$(cat "$S/out")"
"$BIN" options iv --in "$S/lo.csv" --format json > "$S/out"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if d[0]["iv"] is None and d[0]["why"] else 1)' "$S/out"
ok $? "--format json: iv null with why" "$(cat "$S/out")"

# ---- usage and files ------------------------------------------------------------
"$BIN" options bogus --in "$S/in.csv" > /dev/null 2>&1; a=$?
"$BIN" options price > /dev/null 2>&1; b=$?
"$BIN" options price --in "$S/in.csv" --bogus > /dev/null 2>&1; c=$?
"$BIN" options price --in "$S/in.csv" --format xml > /dev/null 2>&1; d=$?
[ "$a $b $c $d" = "2 2 2 2" ]
ok $? "usage errors exit 2 (subcommand, missing --in, unknown option, bad --format)" "$a $b $c $d"
"$BIN" options price --in "$S/nope.csv" > /dev/null 2> "$S/err"; st=$?
[ $st -eq 1 ] && grep -q "nope.csv" "$S/err"
ok $? "an unreadable file exits 1 with its name" "$(cat "$S/err")"
printf 'type,style,underlying,years,rate,vol\n' > "$S/h.csv"
"$BIN" options price --in "$S/h.csv" > "$S/out" 2> "$S/err"; st=$?
[ $st -eq 1 ] && [ "$(cat "$S/err")" = "$S/h.csv:1: the header has no column 'strike'" ] && [ ! -s "$S/out" ]
ok $? "a header without a required column exits 1, nothing written" "$(cat "$S/err")"

[ "$TAP_FAILED" -eq 0 ]
