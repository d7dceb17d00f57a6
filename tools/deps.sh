#!/bin/sh
# Install the Debian packages tapedeck needs to build, run and test, when any
# is missing.  Needs root or passwordless sudo; without apt it prints the list.
set -eu

# build: compiler, pkg-config and the libraries (through pkg-config)
# test:  cmocka (unit tests), tmux (the TUI tests), dbus-daemon (a private
#        session bus for the desktop-notification tests)
PKGS="gcc make pkg-config libncurses-dev libinih-dev zlib1g-dev libcjson-dev libcurl4-openssl-dev libnotify-dev libcmocka-dev tmux python3 dbus-daemon"

missing=""
if command -v dpkg-query >/dev/null 2>&1; then
	for p in $PKGS; do
		st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
		case "$st" in
		*"install ok installed"*) ;;
		*) missing="$missing $p" ;;
		esac
	done
else
	for pc in ncursesw inih zlib libcjson libcurl libnotify cmocka; do
		pkg-config --exists "$pc" 2>/dev/null || missing="$missing $pc"
	done
	command -v tmux >/dev/null 2>&1 || missing="$missing tmux"
	command -v python3 >/dev/null 2>&1 || missing="$missing python3"
	if [ -n "$missing" ]; then
		echo "tapedeck: no apt on this system; install these (Debian names: $PKGS):$missing" >&2
		exit 1
	fi
	exit 0
fi

[ -z "$missing" ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
	echo "tapedeck: missing packages:$missing (no apt-get here; install them by hand)" >&2
	exit 1
fi
if [ "$(id -u)" -eq 0 ]; then
	SUDO=""
elif command -v sudo >/dev/null 2>&1; then
	SUDO="sudo"
else
	echo "tapedeck: missing packages:$missing; run as root: apt-get install -y$missing" >&2
	exit 1
fi
echo "tapedeck: installing missing packages:$missing"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq $missing
