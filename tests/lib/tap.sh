# Tiny TAP helpers for the shell suites.  Source it; call plan N first.
# shellcheck shell=sh

TAP_N=0
TAP_FAILED=0

plan() {
	echo "1..$1"
}

# ok CONDITION-EXIT-STATUS NAME [DETAIL]: report one test from the last status.
ok() {
	st=$1; name=$2
	TAP_N=$((TAP_N + 1))
	if [ "$st" -eq 0 ]; then
		echo "ok $TAP_N - $name"
	else
		echo "not ok $TAP_N - $name"
		TAP_FAILED=$((TAP_FAILED + 1))
		[ -n "${3:-}" ] && printf '%s\n' "$3" | sed 's/^/# /'
	fi
}

# A private scratch directory with its own HOME and XDG dirs, removed at exit.
scratch_init() {
	SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/tapedeck-test.XXXXXX")
	export HOME="$SCRATCH/home" XDG_CONFIG_HOME="$SCRATCH/config" XDG_STATE_HOME="$SCRATCH/state"
	mkdir -p "$HOME" "$XDG_CONFIG_HOME" "$XDG_STATE_HOME"
	trap 'scratch_done' EXIT
}

scratch_done() {
	[ -n "${TMUX_SOCK:-}" ] && tmux -S "$TMUX_SOCK" kill-server 2>/dev/null
	rm -rf "$SCRATCH"
}
