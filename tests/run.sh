#!/bin/sh
# Run every test and print one summary line "N passed, N failed".
#
# Every test program speaks TAP ("1..N", "ok N - name", "not ok N - name"):
# the cmocka unit tests (plain, then under ASan+UBSan, and the ring under
# TSan), and the shell suites in tests/integration and tests/tui.  A program
# that dies before finishing its plan has its missing tests counted as failed.
set -u
cd "$(dirname "$0")/.."
B=build
LOG=$B/test-logs
mkdir -p "$LOG"
export CMOCKA_MESSAGE_OUTPUT=TAP
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export TSAN_OPTIONS=halt_on_error=1
export TZ=UTC LC_ALL=C.UTF-8 TD_TEST_ROOT="$(pwd)"

passed=0
failed=0

# run NAME CMD...: run one TAP program, add its counts, show failures.
run() {
	name=$1; shift
	out="$LOG/$(echo "$name" | tr '/ ' '__').log"
	"$@" >"$out" 2>&1
	rc=$?
	plan=$(sed -n 's/^1\.\.\([0-9][0-9]*\).*/\1/p' "$out" | head -n 1)
	ok=$(grep -c '^ok ' "$out")
	bad=$(grep -c '^not ok ' "$out")
	missing=0
	if [ -n "$plan" ] && [ $((ok + bad)) -lt "$plan" ]; then
		missing=$((plan - ok - bad))
	fi
	if [ -z "$plan" ] && [ "$ok" -eq 0 ] && [ "$bad" -eq 0 ]; then
		missing=1
	fi
	if [ "$rc" -ne 0 ] && [ "$bad" -eq 0 ] && [ "$missing" -eq 0 ]; then
		missing=1
	fi
	passed=$((passed + ok))
	failed=$((failed + bad + missing))
	if [ $((bad + missing)) -gt 0 ]; then
		echo "FAIL $name (exit $rc; log $out)"
		grep -E '^not ok|ERROR|error:|Sanitizer|runtime error' "$out" | head -n 20 | sed 's/^/    /'
	else
		echo "ok   $name ($ok)"
	fi
}

for t in $B/tests/test_*; do
	[ -x "$t" ] && run "unit/$(basename "$t")" "$t"
done
for t in $B/tests-san/test_*; do
	[ -x "$t" ] && run "asan+ubsan/$(basename "$t")" "$t"
done
for t in $B/tests-tsan/test_*; do
	[ -x "$t" ] && run "tsan/$(basename "$t")" "$t"
done
for t in tests/integration/*.sh tests/tui/*.sh; do
	[ -f "$t" ] && run "$t" sh "$t"
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
