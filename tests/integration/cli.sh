#!/bin/sh
# The command line without a terminal: help, version, usage errors, config
# errors with file:line, and record -> replay -> record round trips.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
. "$ROOT/tests/lib/tap.sh"
BIN="$ROOT/build/tapedeck"
scratch_init

plan 17

"$BIN" --version | grep -Eq '^tapedeck [0-9]+\.[0-9]+\.[0-9]+$'
ok $? "--version prints the version"
"$BIN" --help | grep -q -- '--speed N|max'
ok $? "--help lists the options"

out=$("$BIN" --bogus 2>&1); st=$?
[ $st -eq 2 ] && echo "$out" | grep -q "unknown option '--bogus'"
ok $? "an unknown option is a usage error (status 2)" "$out"

out=$("$BIN" --speed fast record --out x 2>&1); st=$?
[ $st -eq 2 ] && echo "$out" | grep -q "fast"
ok $? "a bad --speed names the value" "$out"

mkdir -p "$XDG_CONFIG_HOME/tapedeck"
printf '[feed]\nseed = 3\n\n[ui]\nfsp = 30\n' > "$XDG_CONFIG_HOME/tapedeck/tapedeck.conf"
out=$("$BIN" record --out "$SCRATCH/x.tape" --events 10 2>&1); st=$?
[ $st -eq 1 ] && echo "$out" | grep -q "tapedeck.conf:5: unknown option"
ok $? "a bad config key fails with file:line" "$out"
rm "$XDG_CONFIG_HOME/tapedeck/tapedeck.conf"

out=$("$BIN" record --events 10 2>&1); st=$?
[ $st -eq 2 ] && echo "$out" | grep -q -- "--out"
ok $? "record without --out says what is missing" "$out"

out=$("$BIN" --seed 1 record --out "$SCRATCH/a.tape" --events 50000 2>&1)
echo "$out" | grep -q "recorded 50000 events"
ok $? "record writes the asked number of events" "$out"
"$BIN" --seed 1 record --out "$SCRATCH/b.tape" --events 50000 2>/dev/null
"$BIN" --seed 2 record --out "$SCRATCH/c.tape" --events 50000 2>/dev/null
# Same seed, same market: the tapes differ at most in the header's creation time.
diffs=$(cmp -l "$SCRATCH/a.tape" "$SCRATCH/b.tape" | wc -l)
[ -s "$SCRATCH/a.tape" ] && [ "$diffs" -le 8 ]
ok $? "the same seed records the same events ($diffs differing bytes)"
! cmp -s "$SCRATCH/a.tape" "$SCRATCH/c.tape"
ok $? "another seed records another market"

out=$("$BIN" --feed "replay:$SCRATCH/a.tape" record --out "$SCRATCH/a2.tape" 2>&1)
echo "$out" | grep -q "recorded 50000 events"
ok $? "a tape replays every event it holds" "$out"

size=$(stat -c %s "$SCRATCH/a.tape")
head -c $((size / 2)) "$SCRATCH/a.tape" > "$SCRATCH/half.tape"
out=$("$BIN" --feed "replay:$SCRATCH/half.tape" record --out "$SCRATCH/h2.tape" 2>&1); st=$?
[ $st -eq 1 ] && echo "$out" | grep -Eq "half.tape:[0-9]+: " && echo "$out" | grep -Eq "after [1-9][0-9]* events"
ok $? "a truncated tape: the events before the damage, then file:offset" "$out"

printf 'ts,symbol,price,size,side\n1763649000000000000,ACME,10.00,5,B\nnot-a-time,ACME,10.00,5,B\n1763649001000000000,ACME,10.001,5,S\n1763649002000000000,ACME,10.02,7,S\n' > "$SCRATCH/t.csv"
out=$("$BIN" --feed "replay:$SCRATCH/t.csv" record --out "$SCRATCH/t.tape" 2>&1); st=$?
[ $st -eq 0 ] && echo "$out" | grep -q "recorded [0-9]* events" && echo "$out" | grep -q "t.csv:3: " && echo "$out" | grep -q "2 bad lines"
ok $? "a CSV with bad lines: good lines kept, bad ones named by line" "$out"

out=$("$BIN" --feed "replay:$SCRATCH/missing.csv" record --out "$SCRATCH/m.tape" 2>&1); st=$?
[ $st -eq 1 ] && echo "$out" | grep -q "missing.csv"
ok $? "a missing replay file is named" "$out"

out=$(echo | "$BIN" 2>&1); st=$?
[ $st -eq 1 ] && echo "$out" | grep -q "needs a terminal"
ok $? "without a terminal the workstation says so" "$out"

log="$XDG_STATE_HOME/tapedeck/tapedeck.log"
[ -f "$log" ] && grep -q "tapedeck .* starting" "$log" && [ "$(stat -c %a "$log")" = 600 ]
ok $? "the log is written under XDG_STATE_HOME, mode 0600" "$(ls -l "$log" 2>&1)"

dest="$SCRATCH/dest"
make -s -C "$ROOT" install DESTDIR="$dest" PREFIX=/opt/td >/dev/null 2>&1
[ -x "$dest/opt/td/bin/tapedeck" ] && [ -f "$dest/opt/td/share/man/man1/tapedeck.1" ] &&
	[ -f "$dest/opt/td/share/tapedeck/themes/dark.theme" ] && [ -f "$dest/opt/td/share/tapedeck/config/tapedeck.conf" ]
ok $? "make install PREFIX DESTDIR installs the binary, man page, themes and config" "$(find "$dest" -type f 2>&1)"
"$dest/opt/td/bin/tapedeck" --version | grep -q '^tapedeck '
ok $? "the installed binary runs"
