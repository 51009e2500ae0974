#!/bin/sh
# generate_ecommerce(): the rows `wb generate ecommerce` writes, in the
# file's order, whatever the number of threads, and nothing left in
# $TMPDIR (the function writes no file: it scans the generator's blocks),
# after a query, a failing query, a query stopped by LIMIT or a killed one.
# tests/sql/generate_ecommerce.slt checks values, options and errors.
set -u
WB=${WB:-./wb}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
WB_WAREHOUSE=$tmp/lake
export WB_WAREHOUSE
TMPDIR=$tmp/tmpdir
mkdir "$TMPDIR"
export TMPDIR
n=0
fail=0
check() {   # check NAME EXPECTED ACTUAL
	n=$((n + 1))
	if [ "$2" = "$3" ]; then
		echo "ok $n - $1"
	else
		echo "not ok $n - $1"
		printf '%s\n' "# want: $2" "# got:  $3"
		fail=1
	fi
}
litter() {
	ls -A "$TMPDIR" | wc -l | tr -d ' '
}

# 300000 rows over two days: five windows, sessions crossing from one to the next
opts="rows => 300000, seed => 11, start => DATE '2019-10-06', days => 2"
"$WB" generate ecommerce --rows 300000 --seed 11 --start 2019-10-06 --days 2 -o "$tmp/f.csv"
want=$("$WB" --csv -c "SELECT * FROM read_csv('$tmp/f.csv')" | cksum)
for t in 1 2 4; do
	got=$(WB_THREADS=$t "$WB" --csv -c "SELECT * FROM generate_ecommerce($opts)" | cksum)
	check "WB_THREADS=$t: every row of the generated file, in its order" "$want" "$got"
done
got=$("$WB" --csv -c "SELECT * FROM generate_ecommerce($opts)" | wc -l | tr -d ' ')
check "300000 rows and a header" 300001 "$got"
check "no file left in TMPDIR after the queries" 0 "$(litter)"

"$WB" -c "SELECT * FROM generate_ecommerce(rows => 10, days => 0)" > /dev/null 2>&1
check "a bad option fails the statement" 1 $?
"$WB" -c "SELECT sum(CAST(brand AS BIGINT)) FROM generate_ecommerce(rows => 200000)" > /dev/null 2>&1
check "an error in the middle of the scan fails the statement" 1 $?
"$WB" -m trash -c "SELECT * FROM generate_ecommerce(rows => 500000) LIMIT 5" > /dev/null 2>&1
check "a query stopped early by LIMIT succeeds" 0 $?
check "no file left in TMPDIR after failing and stopped queries" 0 "$(litter)"

# killed mid-scan: 50 million rows take seconds
"$WB" -m trash -c "SELECT count(*), sum(price) FROM generate_ecommerce(rows => 50000000)" > /dev/null 2>&1 &
pid=$!
sleep 1
kill -TERM "$pid" 2> /dev/null
{ wait "$pid"; } 2> /dev/null
check "a killed query leaves no file in TMPDIR" 0 "$(litter)"

echo "1..$n"
exit $fail
