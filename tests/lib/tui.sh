# The tmux driver of the TUI suites: run tapedeck in a detached tmux of a
# fixed size, send keys, read the screen back.  Source it after tap.sh and
# scratch_init.
# shellcheck shell=sh

BIN="$ROOT/build/tapedeck"
TMUX_SOCK="$SCRATCH/tmux.0"
RUNS=0
export TZ=UTC
unset TMUX

# start W H ENV... -- ARGS: run tapedeck in a fresh tmux session; its exit status goes to $SCRATCH/status.
start() {
	w=$1; h=$2; shift 2
	envs=""
	while [ "$1" != "--" ]; do envs="$envs $1"; shift; done
	shift
	rm -f "$SCRATCH/status"
	# A fresh server per run: reusing a socket races the old server's exit.
	tmux -S "$TMUX_SOCK" kill-server 2>/dev/null
	RUNS=$((RUNS + 1))
	TMUX_SOCK="$SCRATCH/tmux.$RUNS"
	tmux -S "$TMUX_SOCK" -f /dev/null new-session -d -x "$w" -y "$h" \
		"env $envs $BIN $*; echo \$? > $SCRATCH/status; sleep 60"
	tmux -S "$TMUX_SOCK" set-option -g status off >/dev/null
}

screen() {
	tmux -S "$TMUX_SOCK" capture-pane -p "$@"
}

keys() {
	tmux -S "$TMUX_SOCK" send-keys "$@"
}

# wait_for PATTERN [SECONDS]: poll the screen until grep -E finds PATTERN.
wait_for() {
	i=0
	while [ $i -lt $((${2:-10} * 10)) ]; do
		screen | grep -Eq -- "$1" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# eventually SECONDS CONDITION: retry a shell condition on fresh captures
# until it holds, so a frame caught half-drawn never decides a test.
eventually() {
	t=$1; shift
	i=0
	while [ $i -lt $((t * 10)) ]; do
		eval "$*" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# wait_exit [SECONDS]: wait for tapedeck to exit; prints its status.
wait_exit() {
	i=0
	while [ $i -lt $((${1:-10} * 10)) ]; do
		[ -s "$SCRATCH/status" ] && { cat "$SCRATCH/status"; return 0; }
		sleep 0.1
		i=$((i + 1))
	done
	echo timeout
}

