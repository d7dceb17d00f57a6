#!/bin/sh
# tapedeck options chain|scan: a hand-made CSV chain whose put-call ratios,
# max pain, walls and OI build-up are worked by hand (in the comments), IVs
# read back from mids priced at a known vol (prices made here with python3's
# erf), put-call parity of the Greeks, GEX against gammas computed here, the
# JSON parsed back and compared with the text, bad rows naming line and
# column while the others are computed, a recorded tape's SPY and ESZ6
# chains and scanner picks checked against the vertical identities, and the
# usage errors.
# TD_OPTIONS_BIN overrides the binary (a test build before the dispatch is wired).
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
. "$ROOT/tests/lib/tap.sh"
BIN=${TD_OPTIONS_BIN:-"$ROOT/build/tapedeck"}
export TZ=UTC LC_ALL=C
scratch_init
S=$SCRATCH

if ! "$BIN" options chain --help 2>/dev/null | grep -q "tapedeck options chain"; then
	echo "1..0 # SKIP '$BIN options chain' is not available"
	exit 0
fi

plan 24

# json EXPR: a Python boolean over the JSON document d read from $S/out.
json() {
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if eval(sys.argv[2]) else 1)' "$S/out" "$1"
}

# ---- a hand-made chain ------------------------------------------------------------
# TEST, spot 100, r = 5 % (--rate 5), no yield, m = 100, one expiry 2024-07-19:
# 16:00 New York is 20:00Z, so from --now 2024-06-19T20:00:00Z T = 30/365.
# Every mid is the Black-Scholes price at vol 0.25 (bid and ask 0.05 either
# side), except the 95 call, whose iv column (0.30) is used instead of its mid.
#
#   strike   call OI  put OI   call vol  put vol
#     95        9       21        5        10
#    100       45       33       40        20
#   105       25        5       35        30
#
# PCR OI = (21+33+5)/(9+45+25) = 59/79; PCR volume = 60/80 = 0.75.
# Max pain, payout(X) = sum call OI max(0, X-K) m + sum put OI max(0, K-X) m:
#   X= 95: puts 33*5 + 5*10 = 215            -> 21,500
#   X=100: calls 9*5 = 45, puts 5*5 = 25     ->  7,000   (the minimum: max pain 100)
#   X=105: calls 9*10 + 45*5 = 315           -> 31,500
# Walls: support (put OI) 100 (33), 95 (21), 105 (5); resistance (call OI) 100 (45), 105 (25), 95 (9).
# OI build-up, premium = last (else mid) - prev_close, OI change = oi - prev_oi:
#   C100 last above prev_close, 45 > 40   long build-up
#   P100 mid below prev_close, 33 < 40    long unwinding (from the mid: flag "mid")
#   C105 mid below prev_close, 25 > 20    short build-up
#   P95  mid above prev_close, 21 < 30    short covering
#   C95, P105 no previous figures         missing
python3 - "$S/chain.csv" <<'EOF'
import math, sys
S, r, T, vol = 100.0, 0.05, 30 / 365, 0.25
def bs(right, K):
    s = vol * math.sqrt(T)
    d1 = (math.log(S / K) + (r + vol * vol / 2) * T) / s
    N = lambda x: 0.5 * (1 + math.erf(x / math.sqrt(2)))
    c = S * N(d1) - K * math.exp(-r * T) * N(d1 - s)
    return c if right == "C" else c - S + K * math.exp(-r * T)
# strike, right, volume, oi, prev_oi, prev_close offset, last offset, iv
rows = [(95, "C", 5, 9, "", None, None, "0.30"), (95, "P", 10, 21, 30, -0.2, None, ""),
        (100, "C", 40, 45, 40, -0.5, 0.1, ""), (100, "P", 20, 33, 40, 0.5, None, ""),
        (105, "C", 35, 25, 20, 0.3, None, ""), (105, "P", 30, 5, "", None, None, "")]
with open(sys.argv[1], "w") as f:
    f.write("underlying,expiry,right,strike,bid,ask,last,volume,oi,prev_oi,prev_close,iv\n")
    for K, right, v, oi, poi, pc, last, iv in rows:
        p = bs(right, K)
        f.write("TEST,2024-07-19,%s,%d,%.12f,%.12f,%s,%d,%d,%s,%s,%s\n" % (
            right, K, p - 0.05, p + 0.05, "" if last is None else "%.12f" % (p + last), v, oi, poi,
            "" if pc is None else "%.12f" % (p + pc), iv))
EOF
ARGS="--spot 100 --rate 5 --yield 0 --now 2024-06-19T20:00:00Z"

# shellcheck disable=SC2086
"$BIN" options chain --in "$S/chain.csv" $ARGS --format json > "$S/out" 2> "$S/err"; st=$?
[ $st -eq 0 ] && [ ! -s "$S/err" ] && json 'len(d) == 1 and d[0]["underlying"] == "TEST" and d[0]["model"] == "Black-Scholes" and len(d[0]["contracts"]) == 6 and len(d[0]["expiries"]) == 1'
ok $? "chain: a CSV chain of 6 contracts, one expiry, exit 0" "$(cat "$S/err")"
json 'abs(d[0]["pcr_oi"] - 59/79) < 1e-9 and abs(d[0]["pcr_volume"] - 0.75) < 1e-12 and abs(d[0]["expiries"][0]["pcr_oi"] - 59/79) < 1e-9'
ok $? "chain: PCR OI 59/79 and PCR volume 0.75 (chain and expiry)"
json 'd[0]["expiries"][0]["max_pain"] == 100 and abs(d[0]["expiries"][0]["max_pain_payout"] - 7000) < 1e-6'
ok $? "chain: max pain 100 with a payout of 7,000 (worked above)"
json '[(w["strike"], w["oi"]) for w in d[0]["expiries"][0]["support"]] == [(100, 33), (95, 21), (105, 5)] and [(w["strike"], w["oi"]) for w in d[0]["expiries"][0]["resistance"]] == [(100, 45), (105, 25), (95, 9)]'
ok $? "chain: OI walls, largest first"
json '[(c["right"], c["strike"], c["oi_class"]) for c in d[0]["contracts"]] == [("call", 95, "missing"), ("put", 95, "short_covering"), ("call", 100, "long_buildup"), ("put", 100, "long_unwinding"), ("call", 105, "short_buildup"), ("put", 105, "missing")] and d[0]["contracts"][3]["flags"] == "mid" and d[0]["contracts"][2]["oi_change"] == 5'
ok $? "chain: OI build-up per contract, the mid flagged"
json 'all(abs(c["iv"] - 0.25) < 1e-7 for c in d[0]["contracts"][1:]) and d[0]["contracts"][0]["iv"] == 0.3 and abs(d[0]["iv30"] - 0.25) < 1e-7 and abs(d[0]["expiries"][0]["atm_iv"] - 0.25) < 1e-7'
ok $? "chain: IVs read back from mids priced at 0.25; the iv column used as given; ATM IV and IV30 0.25"
# Parity: with no yield, call delta - put delta = 1 and the gammas and vegas agree at one vol.
json 'all(abs(c["delta"] - p["delta"] - 1) < 1e-9 and abs(c["gamma"] - p["gamma"]) < 1e-12 and abs(c["vega"] - p["vega"]) < 1e-12 for c, p in [(d[0]["contracts"][2], d[0]["contracts"][3]), (d[0]["contracts"][4], d[0]["contracts"][5])])'
ok $? "chain: put-call parity of the Greeks at one vol (delta differs by 1, gamma and vega equal)"
# Expected move S sigma sqrt(T); the straddle at 100 is the two mids; GEX from gammas computed here.
python3 - "$S/out" <<'EOF'
import json, math, sys
d = json.load(open(sys.argv[1]))[0]
e = d["expiries"][0]
S, r, T = 100.0, 0.05, 30 / 365
def gamma(K, vol):
    s = vol * math.sqrt(T)
    d1 = (math.log(S / K) + (r + vol * vol / 2) * T) / s
    return math.exp(-d1 * d1 / 2) / math.sqrt(2 * math.pi) / (S * s)
c = d["contracts"]
gex = sum((1 if k["right"] == "call" else -1) * gamma(k["strike"], 0.30 if k["strike"] == 95 and k["right"] == "call" else 0.25)
          * k["oi"] * 100 * S * S * 0.01 for k in c)
ok = (abs(e["move"] - S * 0.25 * math.sqrt(T)) < 1e-6 and e["straddle_strike"] == 100
      and abs(e["straddle"] - (c[2]["mid"] + c[3]["mid"])) < 1e-12 and abs(d["gex"] - gex) < 1e-6 * abs(gex))
sys.exit(0 if ok else 1)
EOF
ok $? "chain: expected move S*iv*sqrt(T), the straddle at 100, total GEX from gammas computed here"

# The text shows the same numbers.
# shellcheck disable=SC2086
"$BIN" options chain --in "$S/chain.csv" $ARGS > "$S/text"
grep -q "PCR OI 0.746835 (put 59 / call 79)  PCR volume 0.75 (put 60 / call 80)" "$S/text" &&
	grep -q "max pain 100 (payout 7000)" "$S/text" &&
	grep -q "support 100 (33), 95 (21), 105 (5)    resistance 100 (45), 105 (25), 95 (9)" "$S/text" &&
	grep -q "long build-up 1, short build-up 1, short covering 1, long unwinding 1, unchanged 0, missing 2" "$S/text"
ok $? "chain text: the same PCR, max pain, walls and build-up" "$(cat "$S/text")"

# CSV tables: one row per contract by default; --rows expiries and totals.
# shellcheck disable=SC2086
"$BIN" options chain --in "$S/chain.csv" $ARGS --format csv > "$S/c.csv"
# shellcheck disable=SC2086
mp=$("$BIN" options chain --in "$S/chain.csv" $ARGS --format csv --rows expiries | awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "max_pain") c = i; next } { print $c }')
[ "$(wc -l < "$S/c.csv")" -eq 7 ] && head -n 1 "$S/c.csv" | grep -q '^underlying,symbol,expiry,right,strike,bid,ask,mid,' && [ "$mp" = "100" ]
ok $? "chain --format csv: 6 contract rows under a header; --rows expiries gives max pain 100" "$(cat "$S/c.csv") $mp"

# ---- bad rows -----------------------------------------------------------------------
# The same chain with a spot column and bad rows among the good ones: each bad row
# is named with its line and column, and the good rows give the same statistics.
awk -F, -v OFS=, 'NR == 1 { print $0, "spot"; next }
	NR == 2 { print $0, "100"; print "TEST,2024-07-19,C,abc,1,2,,,,,,,"; next }
	NR == 3 { print $0, ""; print "TEST,2024-07-19,X,100,1,2,,,,,,,"; print "TEST,2024-13-01,C,100,1,2,,,,,,,"; next }
	NR == 4 { print $0, ""; print "TEST,2024-07-19,P,110,1,2,,,-5,,,,"; print "TEST,2024-07-19,P,110,1,2,,,,,,,101"; next }
	{ print $0, "" }' "$S/chain.csv" > "$S/bad.csv"
"$BIN" options chain --in "$S/bad.csv" --rate 5 --yield 0 --now 2024-06-19T20:00:00Z --format json > "$S/out" 2> "$S/err"; st=$?
exp="$S/bad.csv:3: column 'strike': bad number 'abc'
$S/bad.csv:5: column 'right': unknown right 'X' (C, P, call or put)
$S/bad.csv:6: column 'expiry': bad date '2024-13-01' (YYYY-MM-DD)
$S/bad.csv:8: column 'oi': must be 0 or more, not '-5'
$S/bad.csv:9: column 'spot': 101 differs from 100 given for 'TEST' at line 2"
[ $st -eq 1 ] && [ "$(cat "$S/err")" = "$exp" ]
ok $? "bad rows: one message each naming file, line and column; exit 1" "$(cat "$S/err")"
json 'len(d[0]["contracts"]) == 6 and d[0]["spot"] == 100 and d[0]["expiries"][0]["max_pain"] == 100 and abs(d[0]["pcr_oi"] - 59/79) < 1e-9'
ok $? "bad rows: left out, the other rows still computed (spot from the column, same max pain and PCR)" "$(cat "$S/out")"

# ---- scan on the CSV chain -------------------------------------------------------------
# Bull put 95/100: sell the 100 put at its bid, buy the 95 put at its ask; max profit +
# max loss = the width 5, breakeven 100 - credit.  Filters opened so it is listed.
# shellcheck disable=SC2086
"$BIN" options scan --in "$S/chain.csv" $ARGS --strategies bull_put --delta 0:1 --min-oi 0 --min-liquidity 0 --format json > "$S/out" 2> "$S/err"; st=$?
python3 - "$S/out" "$S/chain.csv" <<'EOF'
import csv, json, sys
d = json.load(open(sys.argv[1]))[0]
q = {(r["right"], float(r["strike"])): r for r in csv.DictReader(open(sys.argv[2]))}
p = [k for k in d["picks"] if [(l["qty"], l["strike"]) for l in k["legs"]] == [(1, 95), (-1, 100)]][0]
credit = float(q[("P", 100)]["bid"]) - float(q[("P", 95)]["ask"])
ok = (abs(p["credit"] - credit) < 1e-9 and abs(p["max_profit"] - credit) < 1e-9
      and abs(p["max_profit"] + p["max_loss"] - 5) < 1e-9 and abs(p["breakeven_lo"] - (100 - credit)) < 1e-9
      and abs(p["max_loss_money"] - 100 * p["max_loss"]) < 1e-6 and d["n_skipped"] == 0)
sys.exit(0 if ok else 1)
EOF
ok $? "scan: the 95/100 bull put's credit, max profit + max loss = 5, breakeven 100 - credit" "$(cat "$S/out" "$S/err")"

# ---- a recorded tape ----------------------------------------------------------------------
"$BIN" -s 3 -d 2026-11-20 record --out "$S/sim.tape" --duration 10 > /dev/null 2>&1
"$BIN" options chain --in "$S/sim.tape" --format json > "$S/out" 2> "$S/err"; st=$?
[ $st -eq 0 ] && json '[(c["underlying"], c["model"]) for c in d] == [("SPY", "American (BS2002)"), ("ESZ6", "Black-76")] and all(len(c["contracts"]) > 100 and len(c["expiries"]) >= 2 for c in d)'
ok $? "tape: chains for SPY (American, BS2002) and ESZ6 (Black-76)" "$(cat "$S/err")"
json 'all(abs(c["pcr_oi"] - c["put_oi"] / c["call_oi"]) < 1e-9 * c["pcr_oi"] and c["n_contracts"] == len(c["contracts"]) for c in d)'
ok $? "tape: PCR OI is put OI over call OI; every contract listed"
json 'all((0 < k["delta"] < 1 if k["right"] == "call" else -1 < k["delta"] < 0) and k["gamma"] >= 0 and k["iv"] > 0 and k["iv_why"] is None for c in d for k in c["contracts"] if k["iv"] is not None) and all(k["iv_why"] and k["delta"] is None for c in d for k in c["contracts"] if k["iv"] is None)'
ok $? "tape: each contract has an IV with Greeks in range, or no IV, no Greeks and a reason"
json 'all(e["max_pain"] in [k["strike"] for k in c["contracts"]] and e["T"] > 0 for c in d for e in c["expiries"]) and d[1]["yield"] == 0 and d[1]["multiplier"] == 50'
ok $? "tape: max pain is a listed strike; Black-76 has no yield; ES multiplier 50"

"$BIN" options chain --in "$S/sim.tape" --underlying ESZ6 --at 09:35 --format json > "$S/out"
json 'len(d) == 1 and d[0]["underlying"] == "ESZ6" and d[0]["at"] <= "2026-11-20T09:35:00-05:00" and d[0]["at"] >= "2026-11-20T09:34:00-05:00"'
ok $? "tape: --underlying and --at HH:MM (the chain as of 09:35 New York)" "$(head -c 600 "$S/out")"

# Scan: every vertical's max profit + max loss is its width, a credit vertical's max
# profit is its credit, and its breakeven is the short strike -/+ the credit.
"$BIN" options scan --in "$S/sim.tape" --strategies bull_put,bear_call,bull_call,bear_put --top 50 --format json > "$S/out" 2> "$S/err"; st=$?
python3 - "$S/out" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
n, bad = 0, []
for c in d:
    for p in c["picks"]:
        n += 1
        k = [l["strike"] for l in p["legs"]]
        width = abs(k[1] - k[0])
        short = [l["strike"] for l in p["legs"] if l["qty"] < 0][0]
        ok = abs(p["max_profit"] + p["max_loss"] - width) < 1e-9
        if p["strategy"] in ("bull_put", "bear_call"):
            ok &= p["credit"] > 0 and abs(p["max_profit"] - p["credit"]) < 1e-9
            be = short - p["credit"] if p["strategy"] == "bull_put" else short + p["credit"]
            ok &= abs(p["breakeven_lo"] - be) < 1e-9
        else:
            ok &= p["credit"] < 0 and abs(p["max_loss"] + p["credit"]) < 1e-9
        ok &= len(p["legs"]) == 2 and 0 <= p["pop"] <= 1 and p["strategy"] in ("bull_put", "bear_call", "bull_call", "bear_put")
        if not ok:
            bad.append(p)
sys.exit(0 if n >= 4 and not bad else 1)
EOF
ok $? "scan tape: verticals satisfy max profit + max loss = width, credit and breakeven identities" "$(cat "$S/err")"
json 'all(len(c["skipped"]) == c["n_skipped"] and all(s["why"] and s["reasons"] for s in c["skipped"]) for c in d) and sum(c["n_skipped"] for c in d) > 0'
ok $? "scan tape: skipped contracts listed, each with its reasons"

"$BIN" options scan --in "$S/sim.tape" --underlying SPY --top 3 > "$S/text"
grep -q "^SPY: American (BS2002)" "$S/text" && grep -q "skipped contracts (" "$S/text" && grep -q "per strategy: candidates, kept" "$S/text"
ok $? "scan text: picks, per-strategy filter counts and the skipped list" "$(head -20 "$S/text")"

# ---- usage and files ----------------------------------------------------------------------
"$BIN" options chain --in "$S/chain.csv" --at 10:00 > /dev/null 2>&1; a=$?
"$BIN" options chain --in "$S/sim.tape" --spot 100 > /dev/null 2>&1; b=$?
"$BIN" options chain --in "$S/chain.csv" --rows expiries > /dev/null 2>&1; c=$?
"$BIN" options scan --in "$S/sim.tape" --dte 30:5 > /dev/null 2>&1; d=$?
"$BIN" options chain --in "$S/sim.tape" --top 5 > /dev/null 2>&1; e=$?
"$BIN" options scan > /dev/null 2>&1; f=$?
[ "$a $b $c $d $e $f" = "2 2 2 2 2 2" ]
ok $? "usage errors exit 2 (--at on a CSV, --spot on a tape, --rows without csv, a reversed --dte, a scanner option to chain, no --in)" "$a $b $c $d $e $f"
"$BIN" options chain --in "$S/nope.csv" > /dev/null 2> "$S/err"; a=$?
"$BIN" options chain --in "$S/sim.tape" --underlying QQQ > /dev/null 2> "$S/err2"; b=$?
[ $a -eq 1 ] && grep -q "nope.csv" "$S/err" && [ $b -eq 1 ] && grep -q "no options on 'QQQ'; it has options on SPY, ESZ6" "$S/err2"
ok $? "an unreadable file, an underlying without options: exit 1 with the reason" "$(cat "$S/err" "$S/err2")"
printf 'underlying,expiry,strike,bid,ask\n' > "$S/h.csv"
"$BIN" options chain --in "$S/h.csv" --spot 100 > "$S/out" 2> "$S/err"; st=$?
[ $st -eq 1 ] && [ "$(head -n 1 "$S/err")" = "$S/h.csv:1: the header has no column 'right'" ] && [ ! -s "$S/out" ]
ok $? "a header without a required column exits 1, nothing written" "$(cat "$S/err")"

[ "$TAP_FAILED" -eq 0 ]
