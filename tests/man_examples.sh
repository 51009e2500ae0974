#!/bin/sh
# The .EX/.EE example blocks of the man pages are real: each block of
# man/wb-sql.7 runs without error after the blocks before it that ran
# (which set up its tables). Roff escapes are undone first.
set -u
src=${WB_SRCDIR:-.}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
awk -v dir="$tmp" '
	/^\.EX/ { n++; inblock = 1; next }
	/^\.EE/ { inblock = 0; next }
	inblock { print > (dir "/block" n ".sql") }
	END { print n > (dir "/count") }
' "$src/man/wb-sql.7"
count=$(cat "$tmp/count")
fail=0
: > "$tmp/all.sql"
for i in $(seq 1 "$count"); do
	sed -e 's/\\-/-/g' -e "s/\\\\(aq/'/g" -e 's/\\f[BIRP]//g' -e 's/\\&//g' -e 's/\\e/\\/g' \
		"$tmp/block$i.sql" > "$tmp/b.sql"
	cat "$tmp/all.sql" "$tmp/b.sql" > "$tmp/run.sql"
	if "$WB" --bail --warehouse "$tmp/lake" < "$tmp/run.sql" > "$tmp/out" 2>&1; then
		echo "ok $i - wb-sql(7) example $i runs"
		cat "$tmp/b.sql" >> "$tmp/all.sql"
	else
		echo "not ok $i - wb-sql(7) example $i fails"
		sed 's/^/# /' "$tmp/b.sql"
		tail -5 "$tmp/out" | sed 's/^/# /'
		fail=1
	fi
done
echo "1..$count"
exit $fail
