#!/bin/sh
# tapedeck report deals|positions: journals written here byte by byte from
# doc/formats.md "Order journal" (python3, zlib.crc32), with trades worked
# by hand: a round trip, a reversal, an open position; --from/--to by the
# market's days; CSV and JSON carrying the same numbers; a torn last record
# reported while the rest is; a damaged or missing journal; and the journal
# left byte for byte as it was, even when opening it would cut a torn tail
# or cancel a working order.
# TD_REPORT_BIN overrides the binary (a test build before the dispatch is wired).
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
. "$ROOT/tests/lib/tap.sh"
BIN=${TD_REPORT_BIN:-"$ROOT/build/tapedeck"}
export TZ=UTC LC_ALL=C
scratch_init
S=$SCRATCH
mkdir -p "$S/tmp"
export TMPDIR="$S/tmp"

if ! "$BIN" report --help 2>/dev/null | grep -q "tapedeck report deals"; then
	echo "1..0 # SKIP '$BIN report' is not available"
	exit 0
fi

plan 27

# A journal from a list of trades on stdin, one per line:
#   fill SYM buy|sell QTY PX_TICKS FEE ISO-TIME   a market order filled at once
#   work SYM buy|sell QTY PX_TICKS FEE ISO-TIME   a market order left working
#   torn                                          half a record, as a crash leaves it
#   bad                                           a record whose checksum fails
# Each order is an O record, then E records: risk passed (ev 0), ack (2), fill (4).
cat > "$S/mkjournal.py" <<'EOF2'
import sys, zlib, datetime

TAG = '3f9a01c2'
NONE = -9223372036854775808
seq = 0

def ns(iso):
    return int(datetime.datetime.fromisoformat(iso.replace('Z', '+00:00')).timestamp()) * 10**9

def record(kind, ts, payload):
    global seq
    seq += 1
    body = ('%d\t%s\t%d\t%s\n' % (seq, kind, ts, payload)).encode()
    return ('%08x\t' % zlib.crc32(body)).encode() + body

def event(oid, ts, ev, qty=0, px=0, fee='0'):
    return record('E', ts, 'id=%s\tev=%d\tqty=%s\tpx=%s\tfee=%s\twhy=' % (oid, ev, qty, px, fee))

head = ('tapedeck-journal 1 %s ' % TAG).encode()
out = bytearray(head + ('%08x\n' % zlib.crc32(head)).encode())
for line in sys.stdin:
    f = line.split()
    if not f:
        continue
    if f[0] in ('fill', 'work'):
        sym, side, qty, px, fee, t = f[1:7]
        t = ns(t)
        oid = 'TD%s-%d' % (TAG, seq + 1)
        out += record('O', t, 'id=%s\tsym=%s\tside=%d\tqty=%s\ttype=0\ttif=0\tlmt=%d\tstp=%d\ttrail=0\tgroup=0'
                      % (oid, sym, 1 if side == 'buy' else 2, qty, NONE, NONE))
        out += event(oid, t, 0) + event(oid, t, 2)
        if f[0] == 'fill':
            out += event(oid, t, 4, qty, px, fee)
    elif f[0] == 'torn':
        r = record('E', 0, 'id=TD%s-1\tev=2\tqty=0\tpx=0\tfee=0\twhy=' % TAG)
        out += r[:len(r) // 2]
    elif f[0] == 'bad':
        r = bytearray(record('K', 0, 'halt'))
        r[0:8] = b'00000000'
        out += r
sys.stdout.buffer.write(out)
EOF2
mkj() { python3 "$S/mkjournal.py" > "$1"; }
rep() { "$BIN" report "$@" > "$S/out" 2> "$S/err"; }

# The trades (SPY of the us preset, tick 0.01; New York is UTC-5 in November):
#  1. buy 100 at 570.00, fee 1                     long 100
#  2. sell 100 at 571.50, fee 1                    deal 1: long, gross 150, charges 2, net 148,
#                                                  net % 148 / 57,000 x 100; exit 11-04 10:00 local
#  3. sell 50 at 572.00, fee 0.5                   short 50
#  4. buy 150 at 571.00, fee 1.5, 02:30Z 11-07     deal 2 (a reversal): short 50, gross (572 - 571) x 50
#                                                  = 50, charges 0.5 + 1.5 = 2, net 48, net % 48 / 28,600
#                                                  x 100; exit 21:30 on 11-06 in New York; long 100 at 571
#  5. sell 40 at 573.00, fee 0.4                   long 60 at 571 stays open
# Positions: SPY 60 at 571.00; realised 150 + 50 + 80 - fees 4.4 = 275.60.
cat > "$S/trades" <<'EOF2'
fill SPY buy 100 57000 1 2024-11-04T14:31:00Z
fill SPY sell 100 57150 1 2024-11-04T15:00:00Z
fill SPY sell 50 57200 0.5 2024-11-05T15:00:00Z
fill SPY buy 150 57100 1.5 2024-11-07T02:30:00Z
fill SPY sell 40 57300 0.4 2024-11-07T15:00:00Z
EOF2
J=$S/orders.journal
mkj "$J" < "$S/trades"
cp "$J" "$S/orders.orig"

# ---- positions -----------------------------------------------------------------
rep positions --journal "$J"; st=$?
[ $st -eq 0 ] && [ ! -s "$S/err" ] && grep -Eq '^SPY +60 +571\.00 +275\.60 +4\.40$' "$S/out"
ok $? "positions (text): the journal written here is read; SPY 60 at 571.00, realised 275.60, fees 4.40" "$(cat "$S/out" "$S/err")"
rep positions --journal "$J" --format csv; st=$?
[ $st -eq 0 ] && [ "$(cat "$S/out")" = "symbol,qty,avg_price,realised_pnl,fees
SPY,60,571,275.6,4.4" ]
ok $? "positions (csv): the columns and the numbers at full precision" "$(cat "$S/out" "$S/err")"

# ---- deals -----------------------------------------------------------------------
rep deals --journal "$J" --format csv; st=$?
cp "$S/out" "$S/deals.csv"
[ $st -eq 0 ] && [ ! -s "$S/err" ] && [ "$(head -n 1 "$S/deals.csv")" = \
	"source,symbol,side,entry_qty,entry_price,entry_time,exit_qty,exit_price,exit_time,gross_pnl,charges,net_pnl,net_pct,closed_by" ] \
	&& [ "$(wc -l < "$S/deals.csv")" -eq 3 ]
ok $? "deals (csv): the header and two closed deals (the open position is not a deal)" "$(cat "$S/out" "$S/err")"
[ "$(sed -n 2p "$S/deals.csv" | cut -d, -f1-12,14)" = \
	"manual,SPY,long,100,570,2024-11-04T09:31:00-05:00,100,571.5,2024-11-04T10:00:00-05:00,150,2,148,manual" ]
ok $? "deals: round trip long 100 570.00 -> 571.50: gross 150, charges 2, net 148, local times with offset" \
	"$(sed -n 2p "$S/deals.csv")"
awk -F, 'NR == 2 { d = $13 - 148 / 57000 * 100; exit !(d < 1e-12 && d > -1e-12) }' "$S/deals.csv"
ok $? "deals: net % = 148 / 57,000 x 100" "$(sed -n 2p "$S/deals.csv")"
[ "$(sed -n 3p "$S/deals.csv" | cut -d, -f1-12,14)" = \
	"manual,SPY,short,50,572,2024-11-05T10:00:00-05:00,50,571,2024-11-06T21:30:00-05:00,50,2,48,reversal" ]
ok $? "deals: the reversal closes the short 50 (gross 50, charges 2 with the reversing fill's fee, net 48)" \
	"$(sed -n 3p "$S/deals.csv")"
awk -F, 'NR == 3 { d = $13 - 48 / 28600 * 100; exit !(d < 1e-12 && d > -1e-12) }' "$S/deals.csv"
ok $? "deals: reversal net % = 48 / 28,600 x 100" "$(sed -n 3p "$S/deals.csv")"

rep deals --journal "$J" --format json; st=$?
[ $st -eq 0 ] && python3 - "$S/out" "$S/deals.csv" <<'EOF2'
import csv, json, sys
rows = json.load(open(sys.argv[1]))
want = list(csv.DictReader(open(sys.argv[2])))
assert len(rows) == len(want) == 2, rows
for j, c in zip(rows, want):
    assert list(j) == list(c), (list(j), list(c))
    for k, v in c.items():
        if isinstance(j[k], str):
            assert j[k] == v, (k, j[k], v)
        else:
            assert isinstance(j[k], (int, float)) and j[k] == float(v), (k, j[k], v)
EOF2
ok $? "deals (json): parses, same keys and numbers as the csv (numbers as numbers)" "$(cat "$S/out" "$S/err")"

rep deals --journal "$J"; st=$?
[ $st -eq 0 ] && grep -Eq '^manual +SPY +long +100 +570\.00 +2024-11-04T09:31:00-05:00 +100 +571\.50 +2024-11-04T10:00:00-05:00 +150\.00 +2\.00 +148\.00 +0\.26 +manual$' "$S/out" \
	&& grep -Eq '^total: 2 deals +200\.00 +4\.00 +196\.00$' "$S/out"
ok $? "deals (text): money with 2 decimals, a totals line" "$(cat "$S/out" "$S/err")"

# ---- --from / --to: days in New York -------------------------------------------------
rep deals --journal "$J" --format csv --from 2024-11-05; st=$?
[ $st -eq 0 ] && [ "$(wc -l < "$S/out")" -eq 2 ] && grep -q ',reversal$' "$S/out"
ok $? "--from 2024-11-05: only the deal closed after it" "$(cat "$S/out" "$S/err")"
rep deals --journal "$J" --format csv --to 2024-11-05; st=$?
[ $st -eq 0 ] && [ "$(wc -l < "$S/out")" -eq 2 ] && grep -q ',long,.*,manual$' "$S/out"
ok $? "--to 2024-11-05: only the deal closed before it" "$(cat "$S/out" "$S/err")"
rep deals --journal "$J" --format csv --from 2024-11-06 --to 2024-11-06; st=$?
a=$(wc -l < "$S/out")
rep deals --journal "$J" --format csv --from 2024-11-07; st2=$?
[ $st -eq 0 ] && [ "$a" -eq 2 ] && [ $st2 -eq 0 ] && [ "$(wc -l < "$S/out")" -eq 1 ]
ok $? "--from/--to are the market's days: 02:30Z on 11-07 is 11-06 in New York" "$a $(cat "$S/out" "$S/err")"
rep deals --journal "$J" --format json --from 2024-11-05 --to 2024-11-05; st=$?
[ $st -eq 0 ] && python3 -c 'import json, sys; assert json.load(open(sys.argv[1])) == []' "$S/out"
ok $? "a day without deals: an empty JSON array" "$(cat "$S/out" "$S/err")"

# ---- bad usage: exit 2, the argument named -------------------------------------------
rep deals --journal "$J" --from 2024-13-01; st=$?
[ $st -eq 2 ] && grep -q "bad --from '2024-13-01'" "$S/err" && [ ! -s "$S/out" ]
ok $? "a bad --from date: exit 2, named" "$(cat "$S/err")"
rep deals --journal "$J" --to yesterday; st=$?
[ $st -eq 2 ] && grep -q "bad --to 'yesterday'" "$S/err"
ok $? "a bad --to date: exit 2, named" "$(cat "$S/err")"
rep deals --journal "$J" --from 2024-11-06 --to 2024-11-05; st=$?
[ $st -eq 2 ] && grep -q -- "--from 2024-11-06 is after --to 2024-11-05" "$S/err"
ok $? "--from after --to: exit 2" "$(cat "$S/err")"
rep positions --journal "$J" --from 2024-11-05; st=$?
[ $st -eq 2 ] && grep -q -- "--from: positions are as of the end of the journal" "$S/err"
ok $? "positions refuse --from/--to: exit 2" "$(cat "$S/err")"
rep trades --journal "$J"; st=$?
rep deals --journal "$J" --format xml; st2=$?
[ $st -eq 2 ] && [ $st2 -eq 2 ] && grep -q "bad --format 'xml'" "$S/err"
ok $? "an unknown report or format: exit 2" "$(cat "$S/err")"

# ---- the journal is never written -----------------------------------------------------
cmp -s "$J" "$S/orders.orig" && [ -z "$(ls -A "$S/tmp")" ]
ok $? "after every report the journal is byte for byte the same and no private copy is left" "$(ls -A "$S/tmp")"

# A torn last record: reported (with the journal's name) and what is before it still reported;
# an order left working (opening would cancel it): the journal is still unchanged.
{ cat "$S/trades"; echo "work SPY buy 10 0 0 2024-11-08T15:00:00Z"; echo torn; } > "$S/trades2"
T=$S/torn.journal
mkj "$T" < "$S/trades2"
cp "$T" "$S/torn.orig"
rep deals --journal "$T" --format csv; st=$?
[ $st -eq 0 ] && grep -q "^tapedeck: report: $T:[0-9]*: torn last record dropped" "$S/err" \
	&& [ "$(wc -l < "$S/out")" -eq 3 ]
ok $? "a torn last record: reported on stderr, the deals before it still reported, exit 0" "$(cat "$S/out" "$S/err")"
cmp -s "$T" "$S/torn.orig" && [ -z "$(ls -A "$S/tmp")" ]
ok $? "a torn tail and a working order: the journal is left byte for byte as it was" "$(ls -l "$T" "$S/torn.orig")"

# Damage before the end: exit 1 with the journal's message.
{ head -n 2 "$S/trades"; echo bad; tail -n 3 "$S/trades"; } > "$S/trades3"
mkj "$S/bad.journal" < "$S/trades3"
rep deals --journal "$S/bad.journal"; st=$?
[ $st -eq 1 ] && grep -q "^tapedeck: report: $S/bad.journal:[0-9]*: checksum mismatch" "$S/err" && [ ! -s "$S/out" ]
ok $? "a damaged journal: exit 1 with where and what" "$(cat "$S/out" "$S/err")"

# A missing journal: exit 1, and it is not created.
rep deals --journal "$S/none.journal"; st=$?
[ $st -eq 1 ] && grep -q "^tapedeck: report: $S/none.journal: No such file or directory" "$S/err" \
	&& [ ! -e "$S/none.journal" ]
ok $? "a missing journal: exit 1 with a clear message, nothing created" "$(cat "$S/err")"
printf 'not a journal\n' > "$S/text.journal"
rep positions --journal "$S/text.journal"; st=$?
[ $st -eq 1 ] && grep -q "text.journal:0: not a tapedeck journal" "$S/err"
ok $? "a file that is not a journal: exit 1" "$(cat "$S/err")"

# The default journal, the configured one, and an instrument the market does not list.
mkdir -p "$XDG_STATE_HOME/tapedeck"
cp "$J" "$XDG_STATE_HOME/tapedeck/orders.journal"
rep positions --format csv; st=$?
[ $st -eq 0 ] && grep -q '^SPY,60,571,' "$S/out"
ok $? "the default journal: \$XDG_STATE_HOME/tapedeck/orders.journal" "$(cat "$S/out" "$S/err")"
echo "fill NIFTY buy 1 480000 0 2024-11-04T05:00:00Z" | mkj "$S/in.journal"
printf '[orders]\njournal = %s\n' "$S/in.journal" > "$S/in.conf"
rep positions --config "$S/in.conf" --format csv; st=$?
rep positions --config "$S/in.conf" --market in --format csv; st2=$?
[ $st -eq 0 ] && [ $st2 -eq 0 ] && grep -q '^NIFTY,1,24000,0,0$' "$S/out"
ok $? "--config names the journal; --market in lists NIFTY" "$(cat "$S/out" "$S/err")"
rep positions --config "$S/in.conf" --format csv; st=$?
[ $st -eq 0 ] && grep -q "1 of the journal's orders name instruments market 'us' does not list" "$S/err" \
	&& [ "$(cat "$S/out")" = "symbol,qty,avg_price,realised_pnl,fees" ]
ok $? "an instrument the market does not list: said on stderr, left out" "$(cat "$S/out" "$S/err")"

exit $((TAP_FAILED > 0))
