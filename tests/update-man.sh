#!/bin/sh
# Regenerate the generated sections of the man pages from the program's
# tables (run by `make man`).
set -eu
WB=${WB:-./wb}
src=${1:-.}
update() {
	page=$1 begin=$2 end=$3 opt=$4
	gen=$(mktemp)
	"$WB" "$opt" > "$gen"
	awk -v b=".\\\\\" $begin" -v e=".\\\\\" $end" -v gen="$gen" '
		$0 == b { print; while ((getline line < gen) > 0) print line; skip = 1; next }
		$0 == e { skip = 0 }
		!skip { print }' "$src/man/$page" > "$src/man/$page.tmp"
	mv "$src/man/$page.tmp" "$src/man/$page"
	rm -f "$gen"
}
update wb.1 BEGIN-COMMANDS END-COMMANDS --man-commands
update wb-sql.7 BEGIN-FUNCTIONS END-FUNCTIONS --man-functions
update wb-tui.1 BEGIN-KEYS END-KEYS --man-tui-keys
update wb-dashboard.1 BEGIN-KEYS END-KEYS --man-dashboard-keys
