#!/bin/sh
# The workstation driven like a person would: in a detached tmux of a fixed
# size, with keys sent and the screen read back.  Each check looks at what a
# trader would look at.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
. "$ROOT/tests/lib/tap.sh"
scratch_init
. "$ROOT/tests/lib/tui.sh"

plan 58

# The SPY row's last price.
spy_last() {
	screen | sed -n 's/^.*SPY  *\([0-9][0-9.]*\) .*$/\1/p' | head -n 1
}

UTF8="LC_ALL=C.UTF-8 TERM=xterm-256color"

# --- 80x24, UTF-8, the us preset at full speed ---------------------------
start 80 24 $UTF8 -- --seed 1 --speed max
wait_for 'SPY' 10
ok $? "watchlist shows SPY" "$(screen)"
screen | grep -q 'ESZ6'
ok $? "watchlist shows the ES future"
screen | grep -Eq 'Symbol +Last +Chg +Bid +Ask +Volume +VWAP'
ok $? "at 80 columns the watchlist keeps last, change, bid, ask, volume and VWAP" "$(screen | head -n 3)"
wait_for 'SPY +[0-9]+\.[0-9][0-9] ' 15
p1=$(spy_last); sleep 1.5; p2=$(spy_last); sleep 1.5; p3=$(spy_last)
[ -n "$p1" ] && { [ "$p1" != "$p2" ] || [ "$p2" != "$p3" ]; }
ok $? "SPY's last price changes ($p1 $p2 $p3)" "$(screen)"
eventually 10 "screen | tail -n 1 | grep -Eq '^\[(PRE|REGULAR|POST|OVERNIGHT|CLOSED)\] [0-9]{2}:[0-9]{2}:[0-9]{2} UTC-[45] sim max ok'"
ok $? "status bar: phase, clock, feed health" "$(screen | tail -n 1)"
screen | grep -q '┌ Watchlist'
ok $? "UTF-8 frames" "$(screen | head -n 2)"
wait_for 'Tape: SPY' 5 && eventually 10 "screen | grep -Eq '[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3} +[0-9]+\.[0-9]{2} +[0-9,]+ [BS]'"
ok $? "tape shows prints with time, price, size and side" "$(screen)"

keys '?'
wait_for 'Keys \(' 5 && screen | grep -q 'leave tapedeck' && screen | grep -q ':zoom'
ok $? "? lists the keys from the key table" "$(screen)"
keys '?'
wait_for 'Watchlist' 5 && ! screen | grep -q 'leave tapedeck'
ok $? "? again closes the overlay"

keys Tab z
eventually 5 "screen | head -n 1 | grep -q '^┌ Ladder: SPY' && ! screen | grep -q 'Watchlist\|Tape:'"
ok $? "Tab moves focus to the ladder and z zooms it" "$(screen)"
keys z
eventually 5 "screen | grep -q 'Watchlist' && screen | grep -q 'Ladder: SPY' && screen | grep -q 'Tape: SPY'"
ok $? "z again restores the layout" "$(screen)"
screen | tail -n 1 | grep -q '1 pane hidden'
ok $? "at 80x24 the default layout hides the book and says so" "$(screen | tail -n 1)"

keys BTab j Enter
eventually 5 "screen | grep -q 'Tape: ESZ6' && screen | grep -q 'Ladder: ESZ6'"
ok $? "selecting ES in the watchlist switches the ladder and tape" "$(screen)"

keys : l a y o u t Space t a p e Enter
eventually 5 "screen | grep -q 'layout tape' && ! screen | grep -q 'Book:'"
ok $? ":layout tape switches layout" "$(screen)"
keys : z o Tab
wait_for '^:zoom' 5
ok $? "Tab completes a command name" "$(screen | tail -n 1)"
keys Escape; sleep 0.3; keys : n o p e Enter
wait_for "unknown command 'nope'" 5
ok $? "an unknown command says so" "$(screen | tail -n 1)"

tmux -S "$TMUX_SOCK" resize-window -x 200 -y 60
# Panes tile the whole screen: every row but the last is inside a frame,
# from its left border to its right one, and the status bar is the last row.
framed() {
	[ "$(screen | wc -l)" -eq 60 ] || return 1
	screen | head -n 59 | grep -vq '^[┌│└].*[┐│┘]$' && return 1
	screen | head -n 1 | grep -q '^┌ Watchlist' && screen | sed -n 59p | grep -q '^└.*┘$' &&
		screen | tail -n 1 | grep -q '^\[' && screen | grep -q 'Tape: '
}
eventually 5 framed
ok $? "resize to 200x60 redraws the whole screen cleanly" "$(screen | head -n 3; screen | tail -n 2)"

keys q
st=$(wait_exit 10)
[ "$st" = 0 ]
ok $? "q exits with status 0 (got $st)"

# --- a narrow terminal degrades instead of drawing garbage ----------------
start 60 24 $UTF8 -- --seed 1 --speed max
eventually 10 "screen | grep -q '2 panes hidden' && ! screen | grep -q 'Book:\|Tape:' && screen | grep -q 'Ladder:'"
ok $? "60x24 keeps watchlist and ladder, hides two panes and says so" "$(screen)" "$(screen)"
keys q; wait_exit 10 >/dev/null

# --- C locale: ASCII frames ----------------------------------------------
start 80 24 LC_ALL=C TERM=xterm-256color -- --seed 2 --speed max --market in
wait_for '^\+ Watchlist -' 10 && screen | grep -q 'NIFTY'
ok $? "C locale draws ASCII frames; the in preset shows NIFTY" "$(screen | head -n 4)"
eventually 10 "screen | tail -n 1 | grep -Eq '[0-9]{2}:[0-9]{2}:[0-9]{2} UTC\+5:30 '"
ok $? "the in preset's clock is IST (UTC+5:30)" "$(screen | tail -n 1)"
keys q; wait_exit 10 >/dev/null

# --- NO_COLOR: attributes only --------------------------------------------
start 80 24 $UTF8 NO_COLOR=1 -- --seed 1 --speed max
nocolour() {
	colours=$(screen -e | grep -Ec '\[([0-9;]*;)?(3[0-7]|4[0-7]|38;5|48;5|9[0-7])(;[0-9;]*)?m')
	[ "$colours" -eq 0 ] && screen | grep -q 'SPY' && screen -e | grep -q '\[7m\|\[1m\|;7m\|;1m'
}
eventually 10 nocolour
ok $? "NO_COLOR=1 draws with attributes and no colour codes" "$(screen -e | head -n 3 | cat -v)"
keys q; wait_exit 10 >/dev/null

# --- replay of a CSV: the tape shows exactly the file's trades ------------
cat > "$SCRATCH/trades.csv" <<'CSV'
ts,symbol,price,size,side
2026-11-20T14:30:00.100Z,ACME,101.25,300,B
2026-11-20T14:30:00.200Z,ACME,101.20,5000,S
2026-11-20T14:30:00.300Z,ACME,101.30,100,N
CSV
start 100 30 $UTF8 -- --feed "replay:$SCRATCH/trades.csv" --speed max
eventually 10 "screen | grep -q 'replay ended' && screen | grep -Eq '09:30:00\.300 +101\.30 +100 -' &&
	screen | grep -Eq '09:30:00\.200 +101\.20 +5,000 S' && screen | grep -Eq '09:30:00\.100 +101\.25 +300 B'"
ok $? "a replayed CSV shows its three trades, newest first, in New York time" "$(screen)"
keys q; wait_exit 10 >/dev/null

# --- text from a feed cannot drive the terminal ----------------------------
printf 'ts,symbol,price,size,side\n2026-11-20T14:30:00Z,EV\033[2J\033]0;x\007IL,5.00,10,B\n' > "$SCRATCH/evil.csv"
start 100 30 $UTF8 -- --feed "replay:$SCRATCH/evil.csv" --speed max
eventually 10 "screen | grep -q 'replay ended' && screen | grep -q 'Watchlist'"
ok $? "a symbol with escape sequences does not clear the screen" "$(screen)"
! screen -e | tr -d '\n' | grep -q "$(printf '\033')\[2J\|$(printf '\033')\]0;"
ok $? "the escape sequences are stripped before drawing" "$(screen | head -n 4)"
keys q; wait_exit 10 >/dev/null

# --- Ctrl-Z suspends to the shell, fg resumes with a full redraw ----------
tmux -S "$TMUX_SOCK" kill-server 2>/dev/null
RUNS=$((RUNS + 1)); TMUX_SOCK="$SCRATCH/tmux.$RUNS"
tmux -S "$TMUX_SOCK" -f /dev/null new-session -d -x 80 -y 24 "env $UTF8 PS1='$ ' bash --norc --noprofile -i"
tmux -S "$TMUX_SOCK" set-option -g status off >/dev/null
wait_for '^\$' 5
keys "$BIN --seed 1 --speed 50" Enter
wait_for 'Watchlist' 10
keys C-z
eventually 10 "screen | grep -q 'Stopped' && ! screen | grep -q 'Watchlist'"
s1=$?
keys fg Enter
eventually 10 "screen | head -n 1 | grep -q '^┌ Watchlist' && screen | tail -n 1 | grep -q 'sim x50 ok'"
s2=$?
[ $s1 -eq 0 ] && [ $s2 -eq 0 ]
ok $? "Ctrl-Z suspends to the shell and fg redraws the workstation" "$(screen)"
keys q

# --- the footprint ladder, read as a trader would -----------------------
start 200 50 $UTF8 -- --seed 1 --speed 20 --start 09:40
# One frame: the ladder's rows are consecutive ticks, and its ">" row is
# the watchlist's last price.
ladder_rows() {
	screen | sed 's/│/|/g' | awk '/Ladder: SPY/ { on = 1; next } on && /^└/ { on = 0 } on' | sed -n '2,$p' |
		grep -v 'book imb'
}
ladder_consistent() {
	last=$(screen | sed 's/│/|/g' | sed -n 's/^|>SPY *\([0-9][0-9.]*\) .*/\1/p')
	marked=$(ladder_rows | cut -c2-30 | sed -n 's/^>.* \([0-9][0-9]*\.[0-9][0-9]\)$/\1/p')
	steps=$(ladder_rows | cut -c21-30 | awk 'NF { p = int($1 * 100 + 0.5); if (n++ && prev - p != 1) bad++; prev = p } END { print n + 0, bad + 0 }')
	[ -n "$last" ] && [ "$last" = "$marked" ] && [ "${steps% *}" -gt 30 ] && [ "${steps#* }" -eq 0 ]
}
eventually 15 ladder_consistent
ok $? "ladder rows are consecutive ticks and > marks the watchlist's last price" "$(ladder_rows | head -n 5; echo "last=$last marked=$marked steps=$steps")"
keys Tab k k
eventually 5 "screen | grep -q 'Ladder: SPY session delta [-+0-9,]* cursor [0-9.]*'"
ok $? "moving the ladder cursor shows the cursor price in the title" "$(screen | grep Ladder)"
keys b
eventually 5 "screen | grep -Eq 'Ladder: SPY bar [0-9]{2}:[0-9]{2} delta'"
ok $? "b switches the ladder to the current footprint bar" "$(screen | grep Ladder)"
keys q; wait_exit 10 >/dev/null

# --- the analysis layouts --------------------------------------------------
start 200 50 $UTF8 -- --seed 1 --speed 30 --start 09:29 --layout flow
eventually 15 "screen | grep -q '┌ Ladder: SPY' && screen | grep -Eq '┌ Footprint: SPY 5m +[0-9]+ bars'"
ok $? "the flow layout shows the ladder beside the footprint chart" "$(screen | grep '┌')"
keys : l a y o u t Space a u c t i o n Enter
eventually 15 "screen | grep -q '┌ TPO: SPY' && screen | grep -q 'Chart: SPY 5m' && screen | grep -q 'Pre-market: SPY'"
ok $? ":layout auction shows the TPO profile, the chart and the pre-market summary" "$(screen | grep '┌')"
keys Tab Tab t
eventually 5 "screen | grep -q 'Chart: SPY 15m'"
ok $? "t in the chart switches it to 15-minute bars" "$(screen | grep 'Chart')"
eventually 5 "screen | grep -q 'Bias: ' && screen | grep -q 'no prior regular session seen yet'"
ok $? "the pre-market summary says the prior day is missing instead of inventing it" "$(screen | grep -A12 'Pre-market')"
keys q; wait_exit 10 >/dev/null

# --- the option chain ---------------------------------------------------------
# The simulated day is pinned (--date) so that its chain lists the expiries named below.
start 200 60 $UTF8 -- --seed 1 --speed 10 --date 2026-11-20 --layout options
eventually 15 "screen | grep -q '┌ Option chain: SPY (American (BS2002)' && screen | grep -q ' spot [0-9.]* ' && screen | grep -q 'CALLS .* strike .* PUTS'"
ok $? "the options layout shows the SPY chain with calls, strikes, puts and the spot line" "$(screen | head -n 20)"
eventually 10 "screen | grep -Eq '│SPY261120C[0-9]+ +bid [0-9.]+ ask [0-9.]+ mid [0-9.]+ +IV [0-9.]+%'"
ok $? "the footer details the ATM call under the cursor with its implied vol" "$(screen | grep 'SPY2611')"
keys Tab l ]
eventually 10 "screen | grep -q '│SPY261127P'"
ok $? "l moves to the puts and ] to the next expiry" "$(screen | grep 'SPY2611')"
keys Tab Tab
eventually 10 "screen | grep -Eq '│(bear call spread|bull put spread|short strangle|iron condor|cash-secured put) +[0-9]{2}-[0-9]{2} +[0-9]+d '"
ok $? "the scanner lists ranked structures with their legs, credit, POP and score" "$(screen | grep -A6 'Scanner')"
pick=$(screen | grep -A3 'strategy .* score' | sed -n 2p | sed 's/.* -\([CP]\)\([0-9]*\) .*/\1 \2/')
keys Enter
right=${pick% *}; strike=$(printf '%05d000' "${pick#* }")
eventually 10 "screen | grep -Eq '│SPY26[0-9]{4}${right}${strike} '"
ok $? "Enter on a pick opens the chain at its sold leg ($pick)" "$(screen | grep 'SPY26')"
keys u
eventually 10 "screen | grep -q '┌ Option chain: ESZ6 (Black-76'"
ok $? "u steps to the ES chain, priced with Black-76" "$(screen | grep '┌')"
keys q; wait_exit 10 >/dev/null
hist="$XDG_STATE_HOME/tapedeck/history.tsv"
[ "$(stat -c %a "$hist" 2>/dev/null)" = 600 ] && head -n 1 "$hist" | grep -q '^tapedeck-history 1$' &&
	grep -Eq "^U	[0-9]{4}-[0-9]{2}-[0-9]{2}	SPY	0\.[0-9]+	[0-9.]+$" "$hist" &&
	grep -Eq "^C	[0-9-]+	SPY261120C00570000	[0-9]+	[0-9.]+	[0-9]+$" "$hist"
ok $? "quitting records the day's chains in the history file, mode 0600" "$(ls -l "$hist"; head -n 5 "$hist")"
printf 'tapedeck-history 9\nU\t2026-01-02\tSPY\t0.2\t500\n' > "$hist"
start 200 60 $UTF8 -- --seed 1 --speed 10 --date 2026-11-20 --layout options
eventually 10 "screen | grep -q 'chain history not used: .*history.tsv:1: unsupported'"
s1=$?
keys q; wait_exit 10 >/dev/null
[ $s1 -eq 0 ] && [ "$(head -n 1 "$hist")" = "tapedeck-history 9" ]
ok $? "a history file of an unknown version is named on the status bar and left as it was" "$(screen | tail -n 1; head -n 2 "$hist")"
rm -f "$hist"
start 80 24 LC_ALL=C TERM=xterm-256color -- --seed 1 --speed 10 --date 2026-11-20 --layout options
eventually 15 "screen | grep -q 'Option chain: SPY' && screen | grep -q 'strike'"
ok $? "at 80x24 in the C locale the chain still draws, in ASCII" "$(screen)"
keys q; wait_exit 10 >/dev/null

# --- orders: nothing is sent without Enter then y ------------------------------
jnl="$XDG_STATE_HOME/tapedeck/orders.journal"
rm -f "$jnl"
intents() { grep -c '	O	' "$jnl" 2>/dev/null || true; }
start 160 40 $UTF8 -- --seed 1 --speed 5 --layout trade
eventually 10 "screen | grep -q 'Orders: 0 working, 0 in all' && screen | grep -q 'no orders yet: B or S opens a ticket'"
ok $? "the order desk opens on an empty journal and says how to open a ticket" "$(screen | grep -A2 Orders)"
keys : b u y Space 1 0 Space S P Y Space m k t Enter
eventually 5 "screen | grep -q 'BUY 10 SPY  market  DAY' && screen | grep -q 'Enter to arm, Esc to cancel'"
ok $? ":buy opens a ticket with every risk check and what to press" "$(screen | grep -A24 'BUY ticket')"
# every key but Enter-then-y: y alone, Enter Enter y, Enter x y, digits, Tab, q (the ticket has the keyboard)
keys y Enter Enter y Enter x y 5 Tab q Space y
sleep 1
n1=$(intents)
keys Escape
eventually 5 "screen | grep -q 'ticket cancelled: nothing was sent'"
s1=$?
[ "$n1" = 0 ] && [ "$(intents)" = 0 ] && [ $s1 -eq 0 ] && [ -z "$(screen | grep 'BUY ticket')" ]
ok $? "keys other than Enter then y send nothing, and Escape closes the ticket" "intents=$n1 $(screen | tail -n 1)"
keys : b u y Space 1 0 Space S P Y Space m k t Enter
eventually 5 "screen | grep -q 'Enter to arm'"
keys Enter y
eventually 10 "screen | grep -Eq 'order TD[0-9a-f]+-[0-9]+ sent' && screen | grep -Eq 'TD[0-9a-f]+-[0-9]+ +SPY +BUY +10 market +- +filled'"
ok $? "Enter then y sends it: journalled, acknowledged and filled by the paper broker" "$(screen | grep -E 'sent|filled|SPY ')"
[ "$(intents)" = 1 ] && grep -q '	E	.*ev=4	qty=10	' "$jnl"
ok $? "the journal holds the intent and the fill" "$(cut -c1-120 "$jnl")"
keys K
eventually 5 "screen | tail -n 1 | grep -q 'HALTED'"
ok $? "K halts trading at once and the status bar says HALTED" "$(screen | tail -n 1)"
keys B
eventually 5 "screen | grep -q 'FAIL kill switch' && screen | grep -q 'a risk check failed: Esc to close'"
keys Enter y
sleep 1
keys Escape
[ "$(intents)" = 1 ]
ok $? "while halted a ticket shows the failed check and cannot be sent" "$(screen | grep -E 'kill switch|HALTED')"
keys q; wait_exit 10 >/dev/null
start 160 40 $UTF8 -- --seed 1 --speed 5 --layout trade
eventually 10 "screen | grep -q 'orders: 1 recovered from [0-9]* journal records, 1 positions, HALTED'"
ok $? "a restart rebuilds the order, the position and the halt from the journal" "$(screen | tail -n 1)"
keys : r e a r m Enter
eventually 5 "screen | grep -q 're-arm trading? y to confirm'"
keys y
eventually 5 "screen | grep -q 're-armed: orders may be sent again'"
ok $? ":rearm asks for y, then re-arms" "$(screen | tail -n 1)"
keys F
eventually 5 "screen | grep -q 'close every position at market? y to confirm'"
keys n
eventually 5 "screen | grep -q 'not done'"
s1=$?
keys F
eventually 5 "screen | grep -q 'close every position at market? y to confirm'"
keys y
eventually 10 "screen | grep -q 'flatten: 1 orders sent, 0 refused' && screen | grep -Eq 'SELL +10 market +- +filled'"
s2=$?
[ $s1 -eq 0 ] && [ $s2 -eq 0 ] && [ "$(intents)" = 2 ]
ok $? "F asks for y (n does nothing), then closes the position at market through its own checks" "$(screen | grep -E 'flatten|SPY')"
eventually 5 "screen | grep -q 'Deals: 1 closed' && screen | grep -Eq 'SPY +long +10 +[0-9.]+ [0-9:]{8} +10 +[0-9.]+ [0-9:]{8} +[-+][0-9]+[.][0-9]{2}'"
ok $? "the deals pane lists the round trip with its entry, exit, charges and net" "$(screen | grep -A3 'Deals')"
keys q; wait_exit 10 >/dev/null

# Alerts: a rule typed at run time fires on the simulated SPY, rings and
# flashes (warning is at the default bell level), lands in the alerts pane
# unacknowledged, is acknowledged with a, and is listed by :alert list.
start 160 40 $UTF8 -- --seed 1 --speed 5 --layout alerts
eventually 10 "screen | grep -q 'Alerts'"
keys -l ':alert add hi last > 0 level=warning instruments=SPY'
keys Enter
eventually 10 "screen | tail -n 1 | grep -q 'ALERT WARNING hi SPY' && screen | grep -Eq '[*]. ?[0-9:]{8} WARNING +hi +SPY'"
ok $? ":alert add: the rule fires, the status bar flashes it and the pane lists it unacknowledged" "$(screen | grep -E 'ALERT|hi ')"
keys Tab Tab a
eventually 5 "screen | grep -Eq '[0-9:]{8} WARNING +hi +SPY' && ! screen | grep -Eq '[*]. ?[0-9:]{8} WARNING +hi' && screen | grep -q 'Alerts: 0 new'"
ok $? "a in the alerts pane acknowledges the alert" "$(screen | grep -E 'Alerts|hi ')"
keys -l ':alert list'
keys Enter
eventually 5 "screen | grep -q 'last > 0'"
ok $? ":alert list shows the rules in the overlay" "$(screen | grep -E 'hi|alert')"
keys Escape
keys -l ':alert add bad last >> 3'
keys Enter
eventually 5 "screen | grep -q '\\^' && screen | grep -q 'column'"
ok $? "a rule that does not parse is refused with the column and a caret under the bad token" "$(screen | grep -E 'column|\\^')"
keys Escape
n0=$(intents)
keys -l ':alert add buyit last > 0 instruments=SPY order="buy 3 {symbol} lmt {bid}"'
keys Enter
eventually 10 "screen | grep -Eq '[*]>[0-9:]{8} INFO +buyit +SPY'"
s1=$?
keys Enter
eventually 5 "screen | grep -q 'BUY ticket' && screen | grep -Eq 'BUY 3 SPY +limit [0-9]+[.][0-9]{2}' && screen | grep -q 'Enter to arm'"
s2=$?
keys Escape
eventually 5 "screen | grep -q 'ticket cancelled: nothing was sent'"
s3=$?
[ $s1 -eq 0 ] && [ $s2 -eq 0 ] && [ $s3 -eq 0 ] && [ "$(intents)" = "$n0" ]
ok $? "Enter on an alert with an order template opens a pre-filled ticket; Escape sends nothing" "$(screen | grep -E 'buyit|BUY|cancelled')"
keys q; wait_exit 10 >/dev/null
