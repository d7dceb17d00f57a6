#!/bin/sh
# Multi-leg orders in the workstation: a vertical typed on the command line
# opens one ticket with both legs, their touches, the net and the margin;
# nothing is sent but by Enter then y; sent, both legs fill together and
# the positions pane holds the spread; :roll moves a position to another
# expiry as one order; a strategy working away from the market is
# cancelled with every leg.  The journal's records say what was sent.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
. "$ROOT/tests/lib/tap.sh"
scratch_init
. "$ROOT/tests/lib/tui.sh"

plan 8

jnl="$XDG_STATE_HOME/tapedeck/orders.journal"
groups() { grep -c '	G	' "$jnl" 2>/dev/null || true; }
intents() { grep -c '	O	' "$jnl" 2>/dev/null || true; }

# the simulated day is pinned (--date) so its chain lists these contracts
LOW=SPY261204C00565000
HIGH=SPY261204C00575000
FAR=SPY261218C00565000

order() {
	keys -l ":$1"
	keys Enter
}

start 200 50 LC_ALL=C TERM=xterm-256color -- --seed 1 --speed 5 --date 2026-11-20 --layout trade
eventually 10 "screen | grep -q 'Orders: 0 working'"
order "buy 1 vertical SPY 2026-12-04 C 565 575 mkt"
eventually 5 "screen | grep -q 'BUY multi-leg ticket' && screen | grep -Eq 'leg 1 +BUY +1 $LOW' && screen | grep -Eq 'leg 2 +SELL +1 $HIGH' && screen | grep -Eq 'net now [0-9]+[.][0-9]{2} debit +margin [0-9]+[.][0-9]{2}'"
ok $? "a typed vertical opens one ticket with both legs, the net now and the margin" "$(screen | grep -A12 'multi-leg')"
screen | grep -Eq '(ok|warn) +max position' && screen | grep -q 'Enter to arm'
ok $? "the ticket shows the risk checks over the legs and what to press" "$(screen | grep -E 'PASS|WARN|FAIL|Enter')"

keys y 5 Tab Enter x y Escape
eventually 5 "screen | grep -q 'ticket cancelled: nothing was sent'"
[ "$(groups)" = 0 ] && [ "$(intents)" = 0 ] && ! screen | grep -q 'multi-leg ticket'
ok $? "keys other than Enter then y send nothing, and Escape closes the ticket" "groups=$(groups) intents=$(intents)"

order "buy 1 vertical SPY 2026-12-04 C 565 575 mkt"
eventually 5 "screen | grep -q 'Enter to arm'"
keys Enter y
eventually 10 "screen | grep -Eq 'vertical order TD[0-9a-f]+-[0-9]+ sent [(]2 legs[)]' && screen | grep -Eq '$LOW +BUY +1 market +net mkt +leg +filled' && screen | grep -Eq '$HIGH +SELL +1 market +net mkt +leg +filled'"
s1=$?
eventually 5 "screen | grep -Eq '\\|$LOW +[+]1 ' && screen | grep -Eq '\\|$HIGH +-1 '"
s2=$?
[ $s1 -eq 0 ] && [ $s2 -eq 0 ] && [ "$(groups)" = 1 ] && [ "$(intents)" = 2 ]
ok $? "Enter then y sends both legs as one group; they fill together and the positions hold the spread" "$(screen | grep -E 'leg|sent|$LOW|$HIGH')"

order "roll $LOW 2026-12-18 mkt"
eventually 5 "screen | grep -q 'BUY multi-leg ticket' && screen | grep -Eq 'leg 1 +SELL +1 $LOW' && screen | grep -Eq 'leg 2 +BUY +1 $FAR'"
ok $? ":roll opens a ticket selling the 4 December call and buying the 18 December one" "$(screen | grep -A8 'multi-leg')"
keys Enter y
eventually 10 "screen | grep -Eq 'roll order TD[0-9a-f]+-[0-9]+ sent' && screen | grep -Eq '\\|$FAR +[+]1 ' && ! screen | grep -Eq '\\|$LOW +[+]1 '"
ok $? "the roll fills: the position is now in the later expiry" "$(screen | grep -E 'roll|$LOW|$FAR')"

order "sell 1 strangle SPY 2026-12-18 550 585 lmt 90.00"
eventually 5 "screen | grep -q 'SELL multi-leg ticket'"
keys Enter y
eventually 10 "screen | grep -Eq 'SPY261218P00550000 +SELL +1 market +net 90.00 +leg +accepted'"
s1=$?
keys X
eventually 5 "screen | grep -q 'y to confirm'"
keys y
eventually 10 "screen | grep -Eq 'SPY261218P00550000 +SELL +1 market +net 90.00 +leg +cancelled' && screen | grep -Eq 'SPY261218C00585000 +SELL +1 market +net 90.00 +leg +cancelled'"
s2=$?
[ $s1 -eq 0 ] && [ $s2 -eq 0 ]
ok $? "a strangle asking more than the market works on, and cancelling cancels both legs" "$(screen | grep -E 'leg')"

order "buy 1 vertical SPY 2026-12-18 C 565 999"
eventually 5 "screen | tail -n 1 | grep -q 'no SPY 2026-12-18 C 999 listed'"
ok $? "a leg that is not listed is named on the status bar" "$(screen | tail -n 1)"
keys q; wait_exit 10 >/dev/null
