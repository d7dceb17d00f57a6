#!/bin/sh
# Replace the generated KEYS section of the man page (between the
# keys-begin and keys-end markers) with what the binary's key table says.
# usage: update-man.sh BINARY MANPAGE
set -eu
bin=$1; page=$2
keys=$(mktemp)
trap 'rm -f "$keys" "$page.new"' EXIT
"$bin" --keys-man > "$keys"
awk -v keys="$keys" '
	/^\.\\" keys-begin$/ { print; while ((getline line < keys) > 0) print line; skip = 1; next }
	/^\.\\" keys-end$/ { skip = 0 }
	!skip { print }
' "$page" > "$page.new"
mv "$page.new" "$page"
