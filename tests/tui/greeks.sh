#!/bin/sh
# Portfolio Greeks in the positions pane: on the simulated market, buy SPY
# options and shares through tickets (Enter then y), then read the
# positions pane back: each line's delta has the sign of what was bought,
# the SPY totals line adds them up, the account's net Greeks sit by the
# equity line, and zoomed at 80x24 in the C locale the pane still reads.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
. "$ROOT/tests/lib/tap.sh"
scratch_init
. "$ROOT/tests/lib/tui.sh"

plan 9

# the simulated day is pinned (--date), so its chain lists these
CALL=SPY261120C00570000
PUT=SPY261120P00565000

# The positions pane's text of the row starting with NAME (frame and other panes cut off).
pos_row() {
	screen | sed -n "s/^.*|$1 /$1 /p" | head -n 1 | sed 's/|.*$//'
}

# The positions header, cut like pos_row.
header() {
	screen | sed -n 's/^.*|\(instrument  *qty .*\)$/\1/p' | head -n 1 | sed 's/|.*$//'
}

# The delta cell of the row starting with NAME: the text under the header's right-aligned "delta" (9 wide).
delta_of() {
	awk -v h="$(header)" -v r="$(pos_row "$1")" \
		'BEGIN { i = index(h, " delta "); if (!i || r == "") exit 1; s = substr(r, i - 3, 9); gsub(/ /, "", s); print s }'
}

# Open a ticket with an order line, then Enter and y; wait for its row in the positions pane.
order() {
	keys -l ":$1"
	keys Enter
	eventually 5 "screen | grep -q 'Enter to arm'" || return 1
	keys Enter y
	wait_for "$2" 10
}

start 220 50 LC_ALL=C TERM=xterm-256color -- --seed 1 --speed 5 --date 2026-11-20 --layout trade
eventually 10 "screen | grep -q 'no positions'"
order "buy 2 $CALL mkt" "\|$CALL +\+2 "
s1=$?
order "buy 1 $PUT mkt" "\|$PUT +\+1 "
s2=$?
order "buy 100 SPY mkt" "\|SPY +\+100 "
s3=$?
[ $s1 -eq 0 ] && [ $s2 -eq 0 ] && [ $s3 -eq 0 ] &&
	screen | grep -Eq '\|instrument +qty .* delta +gamma +theta +vega'
ok $? "the positions pane lists the options and shares bought, with delta, gamma, theta and vega" "$(screen)"

# A long call's delta is positive and at most 2 x 100; a long put's negative, at least -100.
eventually 5 "d=\$(delta_of $CALL); awk -v d=\"\$d\" 'BEGIN { exit !(d ~ /^[+][0-9]+[.][0-9]\$/ && d > 0 && d <= 200) }'"
ok $? "the long calls' delta is positive, in shares of SPY ($(delta_of $CALL))" "$(pos_row "$CALL")"
eventually 5 "d=\$(delta_of $PUT); awk -v d=\"\$d\" 'BEGIN { exit !(d ~ /^-[0-9]+[.][0-9]\$/ && d >= -100) }'"
ok $? "the long put's delta is negative ($(delta_of $PUT))" "$(pos_row "$PUT")"
[ "$(delta_of SPY)" = "+100.0" ]
ok $? "100 shares have a delta of +100.0" "$(pos_row SPY)"

# The totals line is the sum of the three lines' deltas (each shown to 0.1).  (The lib's helpers use t, i, w, h.)
sums() {
	g_t=$(delta_of 'SPY total'); g_c=$(delta_of $CALL); g_p=$(delta_of $PUT); g_s=$(delta_of SPY)
	awk -v t="$g_t" -v c="$g_c" -v p="$g_p" -v s="$g_s" 'BEGIN { d = t - (c + p + s); exit !(t != "" && d < 0.16 && d > -0.16) }'
}
eventually 5 sums
ok $? "the SPY totals line adds up the stock and its options ($(delta_of 'SPY total'))" "$(screen | grep -E 'SPY')"
eventually 5 "screen | grep -Eq '\|equity [0-9.]+ \(capital [0-9]+, [-+][0-9.]+\)  net: delta [-+][0-9.]+  [\$]delta [-+][0-9.]+k?  theta -[0-9.]+/day  vega [-+][0-9.]+/pt'"
ok $? "the account's net delta, theta and vega sit beside the equity line" "$(screen | grep -E 'equity|net')"

# Zoom the positions pane (focus: watchlist, ladder, positions) and shrink to 80x24.
keys Tab Tab z
eventually 5 "screen | head -n 1 | grep -q '^+ Positions'"
tmux -S "$TMUX_SOCK" resize-window -x 80 -y 24
eventually 5 "screen | grep -Eq '^\|instrument +qty unrealised +day +delta +theta +vega\|\$'"
ok $? "zoomed at 80x24 the pane keeps instrument, qty, unrealised, day, delta, theta and vega" "$(screen)"
eventually 5 "pos_row $CALL | grep -Eq '^$CALL +[+]2 +[-+][0-9.]+ +[-+][0-9.]+ +[+][0-9.]+ +-[0-9.]+ +[+][0-9.]+ *\$' && pos_row 'SPY total' | grep -Eq '^SPY total +[-+][0-9.]+ +[-+][0-9.]+ +[+][0-9.]+ '"
ok $? "at 80x24 in the C locale each row reads: numbers in their columns, the totals line too" "$(screen)"
eventually 5 "screen | grep -Eq '^\|net: delta [-+][0-9.]+  [\$]delta [-+][0-9.]+k?  theta -[0-9.]+/day' && screen | grep -Eq '^\|equity [0-9.]+ '"
ok $? "at 80 columns the net Greeks move to the row above the equity line" "$(screen | tail -n 4)"
keys q
wait_exit 10 >/dev/null
