#!/bin/sh
# The .EX/.EE example blocks of the man pages are real: each block of a
# page (wb-sql(7), wb-stats(7), wb-ml(7), wb-chart(7)) runs without error after the blocks of
# that page before it that ran (which set up its tables). Roff escapes
# are undone first.
set -u
src=${WB_SRCDIR:-.}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
t=0
for page in wb-sql.7 wb-stats.7 wb-ml.7 wb-chart.7; do
rm -f "$tmp"/block*.sql
awk -v dir="$tmp" '
	/^\.EX/ { n++; inblock = 1; next }
	/^\.EE/ { inblock = 0; next }
	inblock { print > (dir "/block" n ".sql") }
	END { print n > (dir "/count") }
' "$src/man/$page"
count=$(cat "$tmp/count")
: > "$tmp/all.sql"
for i in $(seq 1 "$count"); do
	sed -e 's/\\-/-/g' -e "s/\\\\(aq/'/g" -e 's/\\f[BIRP]//g' -e 's/\\&//g' -e 's/\\e/\\/g' \
		"$tmp/block$i.sql" > "$tmp/b.sql"
	cat "$tmp/all.sql" "$tmp/b.sql" > "$tmp/run.sql"
	# a fresh warehouse for each run: the blocks before this one run again
	rm -rf "$tmp/lake"
	if "$WB" --bail --warehouse "$tmp/lake" < "$tmp/run.sql" > "$tmp/out" 2>&1; then
		t=$((t + 1))
		echo "ok $t - $page example $i runs"
		cat "$tmp/b.sql" >> "$tmp/all.sql"
	else
		t=$((t + 1))
		echo "not ok $t - $page example $i fails"
		sed 's/^/# /' "$tmp/b.sql"
		tail -5 "$tmp/out" | sed 's/^/# /'
		fail=1
	fi
done
done
echo "1..$t"
exit $fail
