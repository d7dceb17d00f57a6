#!/bin/sh
# The order ticket's fields edited in place, driven like a trader would in
# a detached tmux: every edit re-runs the ticket (the order, its value,
# fees and checks follow), a field that does not parse or a failed check
# keeps Enter from arming, Escape sends nothing, and Enter then y sends the
# order as edited.  The journal's intents ('O' records) say what was sent.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
. "$ROOT/tests/lib/tap.sh"
scratch_init
. "$ROOT/tests/lib/tui.sh"

plan 10

UTF8="LC_ALL=C.UTF-8 TERM=xterm-256color"
jnl="$XDG_STATE_HOME/tapedeck/orders.journal"
intents() { grep -c '	O	' "$jnl" 2>/dev/null || true; }

# The SPY row's last price in the watchlist.
spy_last() {
	screen | sed -n 's/^.*SPY  *\([0-9][0-9.]*\) .*$/\1/p' | head -n 1
}

# mul FACTOR PRICE: the price times the factor with two decimals (SPY's tick is 0.01).
mul() {
	awk -v f="$1" -v p="$2" 'BEGIN { printf "%.2f", f * p }'
}

# ticket LINE: type the order line at the : prompt and wait for its ticket.
ticket() {
	keys :
	keys -l "$1"
	keys Enter
	eventually 5 "screen | grep -q 'Enter to arm'"
}

start 160 40 $UTF8 -- --seed 1 --speed 5 --layout trade
wait_for 'SPY +[0-9]+\.[0-9][0-9] ' 15
P=$(spy_last)
ticket "buy 10 SPY lmt $P"
eventually 5 "screen | grep -q 'BUY 10 SPY  limit $P  DAY' && screen | grep -q 'qty 10  lmt $P  tp -  sl -  tif DAY' && screen | grep -q 'Enter to arm, Esc to cancel; Tab edits the order'"
ok $? "the ticket shows its fields, none under the cursor until Tab" "$(screen | grep -A6 'BUY ticket')"

# 25 units at P: 25 x P, and fees of 25 x 0.005 = 0.125, raised to the minimum of 1.00 (config/fees.conf, us equity)
keys Tab 2 5
V=$(mul 25 "$P")
eventually 5 "screen | grep -q 'qty \[25\]  lmt $P' && screen | grep -q 'BUY 25 SPY  limit $P  DAY' && screen | grep -q 'value $V at $P  fees 1.00 (estimate)  position +0 -> +25' && screen | grep -q 'ok   max quantity        25 <= 1000 per order' && screen | grep -q 'ok   max notional        $V <= 250000.00'"
ok $? "Tab to the quantity and 25 typed: the order, its value, fees and checks are those of 25" "$(screen | grep -A8 'BUY ticket')"

# 400 units: 400 x 0.005 = 2.00 in fees, above the minimum
keys C-u 4 0 0
V=$(mul 400 "$P")
eventually 5 "screen | grep -q 'value $V at $P  fees 2.00 (estimate)  position +0 -> +400'"
ok $? "the fees follow the quantity: 400 units pay 2.00" "$(screen | grep -A3 'BUY ticket')"
keys C-u 2 5

# a limit 10 % above the last trade is outside the 5 % price band
Q=$(mul 1.10 "$P")
keys Tab
keys -l "$Q"
eventually 5 "screen | grep -q 'BUY 25 SPY  limit $Q' && screen | grep -q 'FAIL price band' && screen | grep -q 'a risk check failed: Esc to close'"
s1=$?
keys Enter
sleep 0.5
keys y
sleep 1
[ $s1 -eq 0 ] && ! screen | grep -q 'y to send' && screen | grep -q 'FAIL price band' && [ "$(intents)" = 0 ]
ok $? "a limit edited out of the price band shows the FAIL, and Enter then y neither arms nor sends" "intents=$(intents) $(screen | grep -E 'price band|ticket|check failed')"

keys C-u
keys -l "12.3.4"
eventually 5 "screen | grep -q \"lmt: '12.3.4' is not a price: unexpected character in number (the tick is 0.01)\" && screen | grep -q 'Enter is refused until the field in error is fixed'"
s1=$?
keys Enter y
sleep 1
[ $s1 -eq 0 ] && ! screen | grep -q 'y to send' && [ "$(intents)" = 0 ]
ok $? "a price that does not parse is shown in error with the reason, and Enter is refused" "intents=$(intents) $(screen | grep -A4 'BUY ticket')"

keys C-u
keys -l "$P"
eventually 5 "screen | grep -q 'BUY 25 SPY  limit $P' && screen | grep -q 'ok   price band'"
s1=$?
keys Escape
eventually 5 "screen | grep -q 'ticket cancelled: nothing was sent'"
s2=$?
[ $s1 -eq 0 ] && [ $s2 -eq 0 ] && [ "$(intents)" = 0 ] && ! screen | grep -q 'BUY ticket'
ok $? "edited back into the band, then Escape: nothing is sent" "intents=$(intents) $(screen | tail -n 1)"

ticket "buy 10 SPY lmt $P"
keys Tab 2 5
eventually 5 "screen | grep -q 'BUY 25 SPY  limit $P'"
keys Enter
eventually 5 "screen | grep -q 'y to send'"
keys y
eventually 10 "screen | grep -Eq 'order TD[0-9a-f]+-[0-9]+ sent' && screen | grep -Eq 'TD[0-9a-f]+-[0-9]+ +SPY +BUY +25 limit +$P '"
s1=$?
[ $s1 -eq 0 ] && [ "$(intents)" = 1 ] && grep '	O	' "$jnl" | grep -q '	qty=25	'
ok $? "Tab, 25, Enter, y: the order sent, journalled and in the orders pane is for 25" "$(screen | grep -E 'sent|SPY +BUY'; grep '	O	' "$jnl" | cut -c1-120)"

# a limit 3 % under the market stays working: modify it in place from 10 to 15
L=$(mul 0.97 "$P")
ticket "buy 10 SPY lmt $L"
keys Enter y
eventually 10 "screen | grep -Eq 'TD[0-9a-f]+-[0-9]+ +SPY +BUY +10 limit +$L .*accepted'"
id=$(screen | sed -n "s/^.*\(TD[0-9a-f]*-[0-9]*\) *SPY *BUY *10 limit *$L .*accepted.*$/\1/p" | head -n 1)
ticket "modify $id qty 12"
eventually 5 "screen | grep -q 'MODIFY ticket' && screen | grep -q 'modifies $id: quantity 10 -> 12' && screen | grep -q 'qty 12  lmt $L' && ! screen | grep -q 'tif '"
s1=$?
keys Tab 1 5
eventually 5 "screen | grep -q 'modifies $id: quantity 10 -> 15' && screen | grep -q 'BUY 15 SPY  limit $L'"
s2=$?
[ $s1 -eq 0 ] && [ $s2 -eq 0 ]
ok $? "a modify ticket edits its quantity in place (no time in force to change) and says what it changes" "id=$id $(screen | grep -A5 'MODIFY ticket')"
keys Enter y
eventually 10 "screen | grep -Eq '$id +SPY +BUY +15 limit +$L '"
[ $? -eq 0 ] && [ "$(intents)" = 2 ] && grep -q "	M	.*id=$id	qty=15	" "$jnl"
ok $? "Enter then y: the modify of 15 is journalled and the working order now has 15" "$(screen | grep -E 'SPY +BUY'; grep '	M	' "$jnl")"
keys q; wait_exit 10 >/dev/null

start 80 24 $UTF8 -- --seed 1 --speed 5 --layout trade
eventually 15 "screen | grep -Eq 'SPY +[0-9]+\.[0-9][0-9] '"
P=$(spy_last)
ticket "buy 10 SPY lmt $P"
keys Tab
eventually 5 "screen | grep -q 'qty \[10\]  lmt $P' && screen | grep -q 'Enter to arm, Esc to cancel; type, Bksp, +/- one unit'"
ok $? "at 80x24 the ticket still shows its fields and the field cursor" "$(screen)"
keys Escape q; wait_exit 10 >/dev/null
