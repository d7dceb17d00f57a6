#!/bin/sh
# The risk pane in the workstation, read like a trader would: every limit
# with its state and standing on a fresh account; a confirmed market buy
# moves the position and gross rows, a resting limit the open-orders row;
# the kill switch turns the pane's title and row to HALT and :rearm back;
# at 80x24 the pane still shows the limits that stand, and a buy there
# moves them too.  SPY trades near 570 in the simulator (seed 1), so 10
# shares make a gross of 5,xxx and 15 of 8,xxx.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
. "$ROOT/tests/lib/tap.sh"
scratch_init
. "$ROOT/tests/lib/tui.sh"

plan 11

UTF8="LC_ALL=C.UTF-8 TERM=xterm-256color"
jnl="$XDG_STATE_HOME/tapedeck/orders.journal"

# The row of a limit: the line of the risk pane that starts with its name.
row() {
	screen | grep -E -- "│$1 " | head -n 1
}

# --- 160x40: the risk layout beside positions and orders -----------------------
start 160 40 $UTF8 -- --seed 1 --speed 5 --layout risk
eventually 10 "screen | grep -q '┌ Risk: OK' && screen | grep -q 'equity 100,000.00  day P&L 0.00  high-water 100,000.00  buying power 100,000.00'"
ok $? "the risk pane opens with the account: equity, day P&L, high-water mark, buying power" "$(screen | head -n 12)"
row 'kill switch' | grep -Eq 'kill switch +OK +kill switch armed' &&
	row 'open orders' | grep -Eq 'OK +[.]+ 0 of 20 working' &&
	row 'daily loss' | grep -Eq 'OK +[.]+ day P&L 0.00 of -2,000.00 \(0 %\)' &&
	row 'max position' | grep -Eq 'OK +[.]+ flat' &&
	row 'gross exposure' | grep -Eq 'gross 0.00 of 1,000,000.00' &&
	row 'max quantity' | grep -Eq 'per order +1,000 per order' &&
	row 'trading hours' | grep -Eq 'OK +regular session'
ok $? "a fresh account: every standing limit OK with its use, per-order limits with their setting" "$(screen | sed -n 6,24p)"

keys : b u y Space 1 0 Space S P Y Space m k t Enter
eventually 5 "screen | grep -q 'Enter to arm'"
keys Enter y
eventually 10 "row 'max position' | grep -q 'largest SPY 10 of 5,000' && row 'gross exposure' | grep -Eq 'gross 5,[0-9]{3}[.][0-9]{2} of 1,000,000.00'"
ok $? "a confirmed market buy of 10 SPY: the position and gross rows show it" "$(row 'max position'; row 'gross exposure')"
row 'open orders' | grep -q ' 0 of 20 working'
ok $? "the filled order is not working" "$(row 'open orders')"

# a resting buy 1 % under the last trade: inside the 5 % price band, not marketable
last=$(screen | sed -n 's/^│>SPY  *\([0-9][0-9.]*\) .*$/\1/p' | head -n 1)
px=$(awk -v p="$last" 'BEGIN { printf "%.2f", int(p * 99) / 100 }')
keys -l ":buy 1 SPY lmt $px"
keys Enter
eventually 5 "screen | grep -q 'Enter to arm'"
keys Enter y
eventually 10 "row 'open orders' | grep -Eq 'OK +[^ ]+ 1 of 20 working'"
ok $? "a resting limit buy at $px: 1 of 20 working" "$(row 'open orders'; screen | grep -E 'sent|refused|FAIL' | head -n 3)"

keys K
eventually 5 "screen | grep -q '┌ Risk: HALT kill switch' && row 'kill switch' | grep -Eq 'HALT +kill switch HALTED'"
ok $? "K: the title and the kill switch row say HALT" "$(screen | grep -E 'Risk|kill switch')"
keys : r e a r m Enter
eventually 5 "screen | grep -q 're-arm trading? y to confirm'"
keys y
eventually 5 "screen | grep -q '┌ Risk: OK' && row 'kill switch' | grep -q 'kill switch armed'"
ok $? ":rearm: armed and OK again" "$(screen | grep -E 'Risk|kill switch')"
keys q; wait_exit 10 >/dev/null

# --- 80x24: the risk pane takes the width under the watchlist ------------------
start 80 24 $UTF8 -- --seed 1 --speed 5 --layout risk
eventually 10 "screen | grep -q '┌ Risk' && row 'max position' | grep -q 'largest SPY 10 of 5,000'"
ok $? "at 80x24 the risk pane shows the recovered position" "$(screen)"
standing_rows() {
	for name in 'kill switch' 'max position' 'gross exposure' 'open orders' 'daily loss' 'drawdown' \
		'losing streak' 'volatility spike' 'pattern day trader' 'buying power' 'trading hours'; do
		row "$name" | grep -Eq "^│$name +(OK|WARN|REDUCE-ONLY|HALT) " || return 1
	done
}
screen | grep -q '2 panes hidden' && screen | grep -q '^│equity ' && standing_rows
ok $? "at 80x24 every limit with a standing has its row, name and state (positions and orders hidden)" "$(screen)"
# the working order was cancelled when tapedeck stopped (doc/orders.md)
row 'open orders' | grep -Eq 'OK +[.]+ 0 of 20 working' && row 'daily loss' | grep -Eq 'day P&L -?[0-9.,]+ of -2,000.00 \([0-9]+ %\)'
ok $? "at 80x24 the open orders and daily loss rows read in full" "$(row 'open orders'; row 'daily loss')"
# 5, not 10: the simulated clock starts again where the first buy of 10 was, which makes that its twin
keys : b u y Space 5 Space S P Y Space m k t Enter
eventually 5 "screen | grep -q 'Enter to arm'"
keys Enter y
eventually 10 "row 'max position' | grep -q 'largest SPY 15 of 5,000' && row 'gross exposure' | grep -Eq 'gross 8,[0-9]{3}[.][0-9]{2} of'"
ok $? "at 80x24 a confirmed buy of 5 more: 15 held, the gross half as much again" "$(row 'max position'; row 'gross exposure'; grep -c '	O	' "$jnl")"
keys q; wait_exit 10 >/dev/null
