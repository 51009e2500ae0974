#!/bin/sh
# The generated sections of the man pages must match the program's tables:
# regenerate with `make man` after changing commands or functions.
set -u
src=${WB_SRCDIR:-.}
n=0
fail=0
check() {
	n=$((n + 1))
	page=$1 begin=$2 end=$3 opt=$4
	want=$(mktemp)
	got=$(mktemp)
	"$WB" "$opt" > "$want"
	sed -n "/^\\.\\\\\" $begin/,/^\\.\\\\\" $end/p" "$src/man/$page" | sed '1d;$d' > "$got"
	if cmp -s "$want" "$got"; then
		echo "ok $n - man/$page $begin section is current"
	else
		echo "not ok $n - man/$page $begin section is stale: run make man"
		diff "$got" "$want" | head -20 | sed 's/^/# /'
		fail=1
	fi
	rm -f "$want" "$got"
}
check wb.1 BEGIN-COMMANDS END-COMMANDS --man-commands
check wb-sql.7 BEGIN-FUNCTIONS END-FUNCTIONS --man-functions
check wb-tui.1 BEGIN-KEYS END-KEYS --man-tui-keys
echo "1..$n"
exit $fail
