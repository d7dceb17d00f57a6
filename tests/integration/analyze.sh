#!/bin/sh
# tapedeck analyze: every subcommand on small hand-made inputs whose results
# were worked out by hand (the arithmetic is in the comments), the 252-bar
# indicator regression file against tests/fixtures/indicators_ref.csv, JSON
# parsed back, and every error with its message and exit status.
# TD_ANALYZE_BIN overrides the binary (a test build before the dispatch is wired).
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
. "$ROOT/tests/lib/tap.sh"
BIN=${TD_ANALYZE_BIN:-"$ROOT/build/tapedeck"}
export TZ=UTC LC_ALL=C
scratch_init
S=$SCRATCH

if ! "$BIN" analyze --help 2>/dev/null | grep -q "tapedeck analyze bars"; then
	echo "1..0 # SKIP '$BIN analyze' is not available"
	exit 0
fi

plan 45

# same TEXT: the last command's stdout equals TEXT exactly.
# json EXPR: evaluate a Python boolean over the JSON document d read from $S/out.
json() {
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if eval(sys.argv[2]) else 1)' "$S/out" "$1"
}

# ---- bars -----------------------------------------------------------------
# 2024-03-15 is EDT (UTC-4): 13:30Z is the 09:30 open.  Bar 09:30: 10.00x100 B,
# 10.02x50 S, 9.99x30 unknown -> vol 180, buy 100, sell 50, delta 50,
# vwap (1000*100+1002*50+999*30)/180 = 1000.38888 cents.  Bar 09:35: 10.01x20 B,
# 10.05x40 B, 10.03x10 S -> vol 70, delta 50, vwap 70250/70 = 1003.571428 cents.
cat > "$S/t6.csv" <<'EOF'
ts,symbol,price,size,side
2024-03-15T13:30:00Z,ACME,10.00,100,B
2024-03-15T13:31:00Z,ACME,10.02,50,S
2024-03-15T13:33:00Z,ACME,9.99,30,
2024-03-15T13:35:00Z,ACME,10.01,20,B
2024-03-15T13:37:30Z,ACME,10.05,40,B
2024-03-15T13:39:59Z,ACME,10.03,10,S
EOF
out=$("$BIN" analyze bars --in "$S/t6.csv" --tf 5m 2>&1); st=$?
exp='start,end,open,high,low,close,volume,buy_volume,sell_volume,delta,trades,vwap,regular
2024-03-15T09:30:00-04:00,2024-03-15T09:35:00-04:00,10.00,10.02,9.99,9.99,180,100,50,50,3,10.003889,1
2024-03-15T09:35:00-04:00,2024-03-15T09:40:00-04:00,10.01,10.05,10.01,10.03,70,60,10,50,3,10.035714,1'
[ $st -eq 0 ] && [ "$out" = "$exp" ]
ok $? "bars: two 5-minute bars, exactly" "$out"

# One daily bar: vwap 250320/250 = 1001.28 cents.
out=$("$BIN" analyze bars --in "$S/t6.csv" --tf 1d | tail -n 1)
[ "$out" = "2024-03-15T00:00:00-04:00,2024-03-16T00:00:00-04:00,10.00,10.05,9.99,10.03,250,160,60,100,6,10.012800,1" ]
ok $? "bars --tf 1d: one bar for the local date" "$out"

"$BIN" analyze bars --in "$S/t6.csv" --format json > "$S/out"
json 'd["symbol"]=="ACME" and d["tf"]=="5m" and len(d["bars"])==2 and d["bars"][0]["open"]==10.0 and d["bars"][1]["high"]==10.05 and d["bars"][0]["regular"] is True and d["bars"][1]["delta"]==50 and d["session"]["vwap"]==10.0128 and d["session"]["cum_delta"]==100 and d["session"]["volume"]==250'
ok $? "bars --format json: the same bars and the session VWAP" "$(cat "$S/out")"

# --market in: 03:45Z is the 09:15 IST open.
printf 'ts,symbol,price,size,side\n2024-03-15T03:46:00Z,INFY,1500.05,3,B\n' > "$S/in.csv"
out=$("$BIN" analyze bars --in "$S/in.csv" --market in --tf 15m | tail -n 1)
[ "$out" = "2024-03-15T09:15:00+05:30,2024-03-15T09:30:00+05:30,1500.05,1500.05,1500.05,1500.05,3,3,0,3,1,1500.050000,1" ]
ok $? "bars --market in: bars on the IST grid" "$out"

# ---- footprint --------------------------------------------------------------
# Diagonal imbalances at x3, at least 10 lots, a zero side counting:
# bar 1: ask 100 @10.00 vs bid 0 @9.99 -> buy; bid 50 @10.02 vs ask 0 @10.03 -> sell.
# bar 2: ask 40 @10.05 and ask 20 @10.01 -> buy; bid 10 @10.03 -> sell.
out=$("$BIN" analyze footprint --in "$S/t6.csv" 2>&1); st=$?
exp='start,price,bid,ask,other,volume,delta,imb_buy,imb_sell,stack_buy,stack_sell,poc,hvn,lvn
2024-03-15T09:30:00-04:00,10.02,50,0,0,50,-50,0,1,0,0,0,0,0
2024-03-15T09:30:00-04:00,10.01,0,0,0,0,0,0,0,0,0,0,0,0
2024-03-15T09:30:00-04:00,10.00,0,100,0,100,100,1,0,0,0,1,0,0
2024-03-15T09:30:00-04:00,9.99,0,0,30,30,0,0,0,0,0,0,0,0
2024-03-15T09:35:00-04:00,10.05,0,40,0,40,40,1,0,0,0,1,0,0
2024-03-15T09:35:00-04:00,10.04,0,0,0,0,0,0,0,0,0,0,0,0
2024-03-15T09:35:00-04:00,10.03,10,0,0,10,-10,0,1,0,0,0,0,0
2024-03-15T09:35:00-04:00,10.02,0,0,0,0,0,0,0,0,0,0,0,0
2024-03-15T09:35:00-04:00,10.01,0,20,0,20,20,1,0,0,0,0,0,0'
[ $st -eq 0 ] && [ "$out" = "$exp" ]
ok $? "footprint: cells of two bars, high to low, with imbalances and POC" "$out"

# Bar 1 closes below its open with delta +50 (33% of bid+ask): bullish divergence.
out=$("$BIN" analyze footprint --in "$S/t6.csv" --rows bars 2>&1)
exp='start,open,high,low,close,poc,volume,bid,ask,other,delta,cum_delta,trades,buy_imb,sell_imb,stack_count,patterns,stacks
2024-03-15T09:30:00-04:00,10.00,10.02,9.99,9.99,10.00,180,50,100,30,50,50,3,1,1,0,divergence_bull,
2024-03-15T09:35:00-04:00,10.01,10.05,10.01,10.03,10.05,70,10,60,0,50,100,3,2,1,0,,'
[ "$out" = "$exp" ]
ok $? "footprint --rows bars: POC, delta, cumulative delta, patterns" "$out"

# Three stacked buy imbalances: asks 30 @10.01..10.03 over no bids.
printf 'ts,symbol,price,size,side\n2024-03-15T13:30:00Z,ACME,10.01,30,B\n2024-03-15T13:30:01Z,ACME,10.02,30,B\n2024-03-15T13:30:02Z,ACME,10.03,30,B\n' > "$S/stack.csv"
"$BIN" analyze footprint --in "$S/stack.csv" --format json > "$S/out"
json '(b:=d["bars"][0]) and b["stacks"]==[{"side":"buy","lo":10.01,"hi":10.03}] and "stacked_buy" in b["patterns"] and [c["stack_buy"] for c in b["cells"]]==[True,True,True]'
ok $? "footprint --format json: a stacked imbalance range" "$(cat "$S/out")"

"$BIN" analyze footprint --in "$S/t6.csv" --format json > "$S/out"
json 'len(d["bars"])==2 and len(d["bars"][0]["cells"])==4 and d["bars"][0]["patterns"]==["divergence_bull"] and d["sessions"][0]["date"]=="2024-03-15" and d["sessions"][0]["poc"]==10.0 and d["sessions"][0]["volume"]==250 and d["sessions"][0]["delta"]==100'
ok $? "footprint --format json: bars with cells, and the day's ladder" "$(head -c 600 "$S/out")"

# ---- profile, premarket, levels ---------------------------------------------------
# Prior day 2024-03-14, regular hours: 10.00x10 10.01x20 10.02x50 10.03x30
# 10.04x5 10.05x15 = 130.  POC 10.02; 70% is 91: +pair above (35) = 85, then
# below pair 30 > lone 10.05 (15) -> 115: VA 10.00-10.04.  HVN (2 rows a side,
# >= 60% of the POC): 10.02.  Close 10.01.  Overnight (after the 16:00 close):
# 10.08x10 10.10x20 10.09x10: VWAP 40370/40 = 1009.25 -> 10.09, POC 10.10,
# last 10.09 is 0.25 tick under the VWAP, over 10% of the 2-tick range: short.
# Open 10.12 > prior high: gap up +2, short -1, ON POC above VAH +1 = 2: bullish.
cat > "$S/pm.csv" <<'EOF'
ts,symbol,price,size,side
2024-03-14T13:30:00Z,ACME,10.02,50,B
2024-03-14T13:40:00Z,ACME,10.03,30,B
2024-03-14T13:50:00Z,ACME,10.05,15,B
2024-03-14T14:00:00Z,ACME,10.04,5,S
2024-03-14T14:10:00Z,ACME,10.00,10,S
2024-03-14T14:20:00Z,ACME,10.01,20,S
2024-03-14T20:30:00Z,ACME,10.08,10,B
2024-03-15T12:00:00Z,ACME,10.10,20,B
2024-03-15T13:00:00Z,ACME,10.09,10,S
2024-03-15T13:30:00Z,ACME,10.12,5,B
EOF
out=$("$BIN" analyze profile --in "$S/pm.csv" --hours regular 2>&1); st=$?
exp='date,price,volume,poc,in_value,hvn,lvn
2024-03-14,10.05,15,0,0,0,0
2024-03-14,10.04,5,0,1,0,0
2024-03-14,10.03,30,0,1,0,0
2024-03-14,10.02,50,1,1,1,0
2024-03-14,10.01,20,0,1,0,0
2024-03-14,10.00,10,0,1,0,0
2024-03-15,10.12,5,1,1,0,0'
[ $st -eq 0 ] && [ "$out" = "$exp" ]
ok $? "profile: price rows per day with POC, value area and nodes" "$out"

out=$("$BIN" analyze profile --in "$S/pm.csv" --hours regular --rows summary | sed -n 2p)
[ "$out" = "2024-03-14,6,130,10.05,10.00,10.02,10.04,10.00,50,115" ]
ok $? "profile --rows summary: POC 10.02, VAH 10.04, VAL 10.00" "$out"

# All hours on 2024-03-14: 10.08x10 joins; 140 lots, 70% = 98: +35 = 85, +30 = 115.
"$BIN" analyze profile --in "$S/pm.csv" --format json > "$S/out"
json '(x:=d["days"][0]) and x["date"]=="2024-03-14" and x["volume"]==140 and x["poc"]==10.02 and x["vah"]==10.04 and x["val"]==10.0 and x["va_volume"]==115 and x["high"]==10.08 and len(x["rows"])==9 and x["rows"][0]=={"price":10.08,"volume":10,"poc":False,"in_value":False,"hvn":False,"lvn":False}'
ok $? "profile --format json: all hours, rows high to low" "$(head -c 600 "$S/out")"

# --row 2: rows 10.00-10.01 (30), 10.02-10.03 (80), 10.04-10.05 (20); POC 10.02.
out=$("$BIN" analyze profile --in "$S/pm.csv" --hours regular --row 2 --rows summary | sed -n 2p)
[ "$out" = "2024-03-14,6,130,10.05,10.00,10.02,10.02,10.00,80,110" ]
ok $? "profile --row 2: two-tick rows (POC row 80 of 130 is 61%; the lone row below, 30, beats the lone 20 above: 110)" "$out"

out=$("$BIN" analyze premarket --in "$S/pm.csv" 2>&1); st=$?
for line in 'analysis,date,2024-03-15' 'analysis,open,10.12' 'analysis,gap,gap up' 'analysis,inventory,short' \
	'analysis,score,2' 'analysis,bias,bullish' 'prior,date,2024-03-14' 'prior,close,10.01' 'prior,vah,10.04' \
	'prior,val,10.00' 'prior,poc,10.02' 'overnight,high,10.10' 'overnight,low,10.08' 'overnight,vwap,10.09' \
	'overnight,poc,10.10' 'overnight,volume,40' 'level,prior high,10.05'; do
	echo "$out" | grep -qxF "$line" || { st=1; echo "# missing: $line"; }
done
[ $st -eq 0 ]
ok $? "premarket: gap up, short inventory, bullish, with prior and overnight levels" "$out"

"$BIN" analyze premarket --in "$S/pm.csv" --format json > "$S/out"
json 'd["gap"]=="gap up" and d["bias"]=="bullish" and d["score"]==2 and d["missing"]==[] and d["prior"]["vah"]==10.04 and d["overnight"]["vwap"]==10.09 and len(d["reasons"])==3 and {"name":"overnight high","price":10.1} in d["levels"]'
ok $? "premarket --format json: the same analysis" "$(cat "$S/out")"

"$BIN" analyze premarket --in "$S/t6.csv" --format json > "$S/out"
json '"no_prior" in d["missing"] and "no_overnight" in d["missing"] and d["bias"]=="unknown" and d["prior"]["vah"] is None'
ok $? "premarket without a prior day: missing inputs named, bias unknown" "$(cat "$S/out")"

# Levels, tol 0, 1-bar swings on 5m bars.  Pivots of H 10.05 L 10.00 C 10.01:
# PP 10.02, R1 10.04, S1 9.99, R2 10.07, S2 9.97, R3 10.09, S3 9.94.  Strength:
# weights (POC, prior high/low 3; VAH, VAL, HVN, swing, close, overnight 2;
# pivot 1) + 1 per extra kind: 10.00 = VAL 2 + low 3 + swing low 2 + 2 = 9.
out=$("$BIN" analyze levels --in "$S/pm.csv" --tol 0 --swing 1 2>&1); st=$?
exp='price,lo,hi,strength,members,kinds,reasons
9.94,9.94,9.94,1,1,pivot,pivot S3 2024-03-14
9.97,9.97,9.97,1,1,pivot,pivot S2 2024-03-14
9.99,9.99,9.99,1,1,pivot,pivot S1 2024-03-14
10.00,10.00,10.00,9,3,VAL|swing low|prior-day low,prior low 2024-03-14; VAL 2024-03-14; swing low 2024-03-14T10:10:00-04:00
10.01,10.01,10.01,2,1,prior-day close,prior close 2024-03-14
10.02,10.02,10.02,8,3,POC|HVN|pivot,POC 2024-03-14; HVN 2024-03-14; pivot PP 2024-03-14
10.04,10.04,10.04,4,2,VAH|pivot,VAH 2024-03-14; pivot R1 2024-03-14
10.05,10.05,10.05,6,2,swing high|prior-day high,prior high 2024-03-14; swing high 2024-03-14T09:50:00-04:00
10.07,10.07,10.07,1,1,pivot,pivot R2 2024-03-14
10.08,10.08,10.08,2,1,overnight low,overnight low 2024-03-15
10.09,10.09,10.09,4,2,swing low|pivot,swing low 2024-03-15T09:00:00-04:00; pivot R3 2024-03-14
10.10,10.10,10.10,5,2,swing high|overnight high,overnight high 2024-03-15; swing high 2024-03-15T08:00:00-04:00'
[ $st -eq 0 ] && [ "$out" = "$exp" ]
ok $? "levels --tol 0: every candidate, merged at equal prices, with strength and reasons" "$out"

# tol 1: 9.99 joins 10.00 (S1 1 + VAL 2 + low 3 + swing low 2, 4 kinds: 8 + 3 = 11).
out=$("$BIN" analyze levels --in "$S/pm.csv" --tol 1 --swing 1 | grep '^10.00,')
case $out in 10.00,9.99,10.00,11,4,*) true ;; *) false ;; esac
ok $? "levels --tol 1: neighbours merge into the strongest member's price" "$out"

"$BIN" analyze levels --in "$S/pm.csv" --tol 0 --swing 1 --format json > "$S/out"
json 'len(d["levels"])==12 and d["levels"][3]["price"]==10.0 and d["levels"][3]["strength"]==9 and d["levels"][3]["kinds"]==["VAL","swing low","prior-day low"] and d["date"]=="2024-03-15"'
ok $? "levels --format json" "$(head -c 600 "$S/out")"

# ---- indicators ------------------------------------------------------------------
# Closes 10 11 13 12 15 14.  SMA3: -, -, 34/3, 12, 40/3, 41/3.  EMA3 (alpha 1/2,
# seeded with the SMA): 34/3, 12/2 + 34/6 = 35/3, 15/2 + 35/6 = 40/3, 14/2 + 40/6 = 41/3.
# The three time forms: a date, a date-time, epoch seconds.
cat > "$S/b.csv" <<'EOF'
time,open,high,low,close,volume
2024-01-02,10,10.5,9.5,10,100
2024-01-03T00:00:00Z,10,11.5,9.5,11,100
1704326400,11,13.5,10.5,13,100
1704412800,13,13,11.5,12,100
1704672000,12,15,12,15,100
1704758400,15,15.5,13.5,14,100
EOF
"$BIN" analyze indicators --in "$S/b.csv" --ind sma:3,ema:3 > "$S/out"; st=$?
python3 - "$S/out" <<'EOF'
import csv, sys
rows = list(csv.reader(open(sys.argv[1])))
assert rows[0] == ["time", "sma3", "ema3"], rows[0]
assert [r[0] for r in rows[1:]] == ["2024-01-02", "2024-01-03T00:00:00Z", "1704326400", "1704412800", "1704672000", "1704758400"]
sma = [None, None, 34/3, 12, 40/3, 41/3]
ema = [None, None, 34/3, 35/3, 40/3, 41/3]
for r, s, e in zip(rows[1:], sma, ema):
    for cell, want in ((r[1], s), (r[2], e)):
        if want is None:
            assert cell == "", r
        else:
            assert abs(float(cell) - want) < 1e-12, (r, want)
EOF
py=$?
[ $st -eq 0 ] && [ $py -eq 0 ]
ok $? "indicators: SMA and EMA by hand, empty while undefined" "$(cat "$S/out")"

"$BIN" analyze indicators --in "$S/b.csv" --ind sma:3 --format json > "$S/out"
json 'len(d["rows"])==6 and d["rows"][0]=={"time":"2024-01-02","sma3":None} and d["rows"][3]["sma3"]==12'
ok $? "indicators --format json: null while undefined" "$(cat "$S/out")"

# The TA-Lib 252-bar regression file against the independent reference values.
{ echo "time,open,high,low,close,volume"
  grep -v '^#' "$ROOT/tests/data/ta_regtest_daily_ref_252.csv" | tail -n +2 |
	awk -F, '{ printf "%d,%s,%s,%s,%s,%s\n", 1000000000 + $1 * 86400, $2, $3, $4, $5, $6 }'; } > "$S/b252.csv"
spec=sma:20,ema:20,ema:5,rsi:14,macd,bb,atr:14,donchian:20,ichimoku,pivots,pivots:fibonacci,pivots:woodie,pivots:camarilla,fractal,swing:5,fib:5
"$BIN" analyze indicators --in "$S/b252.csv" --ind "$spec" > "$S/out"
res=$(python3 - "$S/out" "$ROOT/tests/fixtures/indicators_ref.csv" <<'EOF'
import csv, sys
ours = list(csv.DictReader(open(sys.argv[1])))
ref = list(csv.DictReader(l for l in open(sys.argv[2]) if not l.startswith('#')))
cols = [c for c in ours[0] if c != 'time']
missing = [c for c in cols if c not in ref[0]]
bad = []
for i, (a, b) in enumerate(zip(ours, ref)):
    for c in cols:
        if c in missing:
            continue
        x, y = a[c], b[c]
        if (x == '') != (y == '') or (x and abs(float(x) - float(y)) > 1e-9 * max(1.0, abs(float(y)))):
            bad.append((i, c, x, y))
print(len(ours), len(cols), missing, bad[:5])
sys.exit(0 if len(ours) == len(ref) == 252 and not missing and not bad else 1)
EOF
)
ok $? "indicators: 252 bars x 60 columns match tests/fixtures/indicators_ref.csv" "$res"

# ---- symbols ------------------------------------------------------------------------
# An option row registers its root SPY (a stand-in without trades) before QQQ:
# the default is the first non-option instrument that traded.
printf 'ts,symbol,price,size,side\n2024-03-15T13:30:00Z,SPY241220C00450000,12.15,3,B\n2024-03-15T13:31:00Z,QQQ,400.00,7,S\n' > "$S/multi.csv"
out=$("$BIN" analyze bars --in "$S/multi.csv" --format json)
echo "$out" > "$S/out"
json 'd["symbol"]=="QQQ" and d["bars"][0]["close"]==400.0'
ok $? "the default symbol is the first non-option instrument with trades" "$out"

"$BIN" analyze bars --in "$S/multi.csv" --symbol SPY241220C00450000 --format json > "$S/out"
json 'd["symbol"]=="SPY   241220C00450000" and d["bars"][0]["volume"]==3'
ok $? "--symbol takes an option in its compact OCC form" "$(cat "$S/out")"

out=$("$BIN" analyze bars --in "$S/multi.csv" --symbol IBM 2>&1); st=$?
[ $st -eq 1 ] && echo "$out" | grep -qF "symbol 'IBM' is not in $S/multi.csv; it holds 'SPY', 'SPY   241220C00450000', 'QQQ'"
ok $? "a symbol not in the file: exit 1, the available ones listed" "$out"

out=$("$BIN" analyze bars --in "$S/multi.csv" --symbol SPY 2>&1); st=$?
[ $st -eq 1 ] && echo "$out" | grep -qF "holds no trades of 'SPY'"
ok $? "a symbol without trades: exit 1" "$out"

# ---- damaged input -------------------------------------------------------------------
printf 'ts,symbol,price,size,side\n2024-03-15T13:30:00Z,ACME,10.00,5,B\n2024-03-15T13:31:00Z,ACME,10.001,5,S\n2024-03-15T13:32:00Z,ACME,10.02,7,S\n' > "$S/bad.csv"
out=$("$BIN" analyze bars --in "$S/bad.csv" 2>"$S/err"); st=$?
[ $st -eq 0 ] && grep -qF "warning: 1 bad line skipped; first: $S/bad.csv:3: " "$S/err" &&
	[ "$(echo "$out" | tail -n 1 | cut -d, -f3-7)" = "10.00,10.02,10.00,10.02,12" ]
ok $? "a CSV with a bad line: warning with file:line, the rest analysed, exit 0" "$out $(cat "$S/err")"

"$BIN" analyze bars --in "$S/bad.csv" --strict >/dev/null 2>&1
[ $? -eq 1 ]
ok $? "--strict: skipped lines make the exit status 1"

# 5000 trades make two tape blocks (4096 events each); cut the tape in the second.
awk 'BEGIN { print "ts,symbol,price,size,side"; for (i = 0; i < 5000; i++) printf "%d,ACME,10.%02d,1,B\n", 1710509400000000000 + i * 1000000000, i % 100 }' > "$S/many.csv"
"$ROOT/build/tapedeck" --feed "replay:$S/many.csv" record --out "$S/many.tape" >/dev/null 2>&1
size=$(stat -c %s "$S/many.tape" 2>/dev/null || echo 0)
head -c $((size - 1000)) "$S/many.tape" > "$S/cut.tape"
out=$("$BIN" analyze bars --in "$S/cut.tape" --tf 1d 2>"$S/err"); st=$?
[ $st -eq 1 ] && grep -Eq "warning: $S/cut.tape:[0-9]+: .*analysed the 4096 trades before the damage" "$S/err" &&
	[ "$(echo "$out" | tail -n 1 | cut -d, -f7)" = "4096" ]
ok $? "a damaged tape: the good part analysed, file:offset on stderr, exit 1" "$out $(cat "$S/err")"

"$BIN" analyze bars --in "$S/many.tape" --tf 1d > "$S/out"
[ "$(tail -n 1 "$S/out" | cut -d, -f7)" = "5000" ]
ok $? "the whole tape: 5000 trades in the day's bar" "$(cat "$S/out")"

# ---- errors ---------------------------------------------------------------------------
# check NAME STATUS PATTERN ARGS...: the command fails with STATUS and says PATTERN.
check() {
	name=$1 want=$2 pat=$3; shift 3
	out=$("$BIN" analyze "$@" 2>&1 >/dev/null); st=$?
	[ $st -eq "$want" ] && echo "$out" | grep -qF -- "$pat"
	ok $? "$name (exit $want)" "exit $st: $out"
}

printf 'time,open,high,low,close,volume\n2024-01-02,1,2,0.5,1.5,10\n2024-01-03,1,2,0.5,abc,10\n' > "$S/bc.csv"
check "BARS.csv: a bad number names file, line and column" 1 "$S/bc.csv:3: bad close 'abc'" indicators --in "$S/bc.csv" --ind ema:2
printf '2024-01-02,1,2,0.5,1.5,10\n' > "$S/nh.csv"
check "BARS.csv: a missing header" 1 "$S/nh.csv:1: missing header: expected time,open,high,low,close,volume" indicators --in "$S/nh.csv" --ind ema:2
printf 'time,open,high,low\n' > "$S/nc.csv"
check "BARS.csv: a header without close" 1 "$S/nc.csv:1: the header has no 'close' column" indicators --in "$S/nc.csv" --ind ema:2
printf 'time,open,high,low,close,volume\n2024-01-02,1,2,0.5,1.5\n' > "$S/nf.csv"
check "BARS.csv: a short row" 1 "$S/nf.csv:2: expected 6 fields, found 5" indicators --in "$S/nf.csv" --ind ema:2
printf 'time,open,high,low,close,volume\n2024-01-03,1,2,0.5,1.5,1\n2024-01-02,1,2,0.5,1.5,1\n' > "$S/nt.csv"
check "BARS.csv: time going backwards" 1 "$S/nt.csv:3: time '2024-01-02' is before the previous row's" indicators --in "$S/nt.csv" --ind ema:2
printf 'time,open,high,low,close,volume\n2024-13-03,1,2,0.5,1.5,1\n' > "$S/nd.csv"
check "BARS.csv: a bad time" 1 "$S/nd.csv:2: bad time '2024-13-03'" indicators --in "$S/nd.csv" --ind ema:2
check "an unknown indicator: the parser's message" 2 "indicator 2 'foo:3': unknown indicator 'foo'" indicators --in "$S/b.csv" --ind ema:2,foo:3
check "a bad indicator parameter: the parser's message" 2 "indicator 1 'macd:12:x:9': bad parameter 'x'" indicators --in "$S/b.csv" --ind macd:12:x:9
check "an unknown --tf" 2 "bad --tf '7m': expected 1m, 5m, 15m, 30m, 60m or 1d" bars --in "$S/t6.csv" --tf 7m
check "a missing --in" 2 "analyze bars needs --in FILE" bars --tf 5m
check "an unreadable file" 1 "$S/nope.csv" bars --in "$S/nope.csv"
check "an unreadable bars file" 1 "cannot open '$S/nope.csv'" indicators --in "$S/nope.csv" --ind ema:2
check "an unknown subcommand" 2 "unknown analyze subcommand 'candles'" candles --in "$S/t6.csv"

out=$("$BIN" analyze bars --in "$S/nope.csv" --format json 2>/dev/null)
[ -z "$out" ]
ok $? "nothing on stdout when nothing could be computed" "$out"

# ---- --from/--to: the volume profile of a time range ------------------------
# From 13:33:00Z up to 13:38:00Z of t6.csv: 9.99x30, 10.01x20, 10.05x40 = 90.
# POC 10.05 (40).  Nothing above it; below, pairs of rows: 10.04+10.03 = 0
# (40), 10.02+10.01 = 20 (60 < 63 = 70 % of 90), 10.00+9.99 = 30 (90): VA
# 9.99..10.05, holding 90.
out=$("$BIN" analyze profile --in "$S/t6.csv" --rows summary --from 2024-03-15T13:33:00Z --to 2024-03-15T09:38:00-04:00 | tail -n 1)
[ "$out" = "2024-03-15,3,90,10.05,9.99,10.05,10.05,9.99,40,90" ]
ok $? "profile --from/--to: the value area of a time range" "$out"

out=$("$BIN" analyze profile --in "$S/t6.csv" --from yesterday 2>&1); st=$?
[ $st -eq 2 ] && echo "$out" | grep -q "bad --from 'yesterday'"
ok $? "a bad --from is a usage error naming the value" "$out"
