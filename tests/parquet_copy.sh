#!/bin/sh
# COPY ... TO 'x.parquet' and reading the files back: options, round trips
# of every type, errors, and that a failed COPY leaves no file behind. TAP.
set -u
WB=${WB:-./wb}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
WB_WAREHOUSE=$tmp/lake   # tables go to a private warehouse, never ./wb.lake
export WB_WAREHOUSE
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
contains() {   # contains NAME NEEDLE HAYSTACK
	n=$((n + 1))
	case "$3" in
	*"$2"*) echo "ok $n - $1" ;;
	*) echo "not ok $n - $1"; printf '%s\n' "# missing: $2" "# in: $3"; fail=1 ;;
	esac
}

gen="SELECT range AS id, CASE WHEN range % 4 = 0 THEN NULL ELSE range * 3 - 7 END AS i,
  range / 8.0 AS d, range % 3 = 0 AS b, 'k' || (range % 10) AS s,
  CASE WHEN range % 5 = 0 THEN NULL ELSE 'v' || range END AS s2,
  DATE '2019-10-01' + CAST(range % 31 AS INTEGER) AS dt,
  timestamp_seconds(1569888000 + range * 17) AS ts
FROM range(300000)"

for codec in zstd snappy gzip lz4 uncompressed; do
	out=$("$WB" -c "COPY ($gen) TO '$tmp/t_$codec.parquet' (FORMAT parquet, COMPRESSION $codec)" 2>&1)
	check "COPY TO parquet, $codec" "300000 rows written to $tmp/t_$codec.parquet" "$out"
	a=$("$WB" --csv -c "SELECT * FROM '$tmp/t_$codec.parquet' ORDER BY id" | md5sum)
	b=$("$WB" --csv -c "$gen ORDER BY id" | md5sum)
	check "$codec: every value reads back" "$b" "$a"
done

out=$("$WB" --csv -c "DESCRIBE SELECT * FROM '$tmp/t_zstd.parquet'")
check "types read back" "column_name,column_type,null
id,BIGINT,YES
i,BIGINT,YES
d,DOUBLE,YES
b,BOOLEAN,YES
s,VARCHAR,YES
s2,VARCHAR,YES
dt,DATE,YES
ts,TIMESTAMP,YES" "$out"

# the path decides the format; FORMAT parquet works for any name
"$WB" -c "CREATE TABLE t AS SELECT * FROM range(5)" -c "COPY t TO '$tmp/t.out' (FORMAT parquet)" > /dev/null
out=$("$WB" --csv -c "SELECT sum(range) AS s FROM '$tmp/t.out'")
check "FORMAT parquet, a table, and FROM a file recognised by its magic bytes" "s
10" "$out"
out=$("$WB" --csv -c "SELECT count(*) AS n FROM read_parquet('$tmp/t_*.parquet')")
check "read_parquet over a glob" "n
1500000" "$out"

"$WB" -c "COPY (SELECT * FROM range(100000)) TO '$tmp/rg.parquet' (FORMAT parquet, ROW_GROUP_SIZE 30000)" > /dev/null
out=$("$WB" --csv -c "SELECT count(*) AS n, sum(range) AS s FROM '$tmp/rg.parquet'")
check "ROW_GROUP_SIZE" "n,s
100000,4999950000" "$out"

"$WB" -c "COPY (SELECT range AS x, 'a' AS s FROM range(10) WHERE range > 100) TO '$tmp/empty.parquet'" > /dev/null
out=$("$WB" --csv -c "SELECT count(*) AS n, max(s) AS m FROM '$tmp/empty.parquet'")
check "an empty result is a valid file with no row groups" "n,m
0," "$out"

# ORDER BY survives the parallel writer
"$WB" -c "COPY (SELECT range AS x FROM range(500000) ORDER BY range DESC) TO '$tmp/o.parquet'" > /dev/null
out=$("$WB" --csv -c "SELECT count(*) AS n FROM read_parquet('$tmp/o.parquet', file_row_number = true) WHERE x <> 499999 - file_row_number" 2>&1)
check "ORDER BY order is kept" "n
0" "$out"

# row groups are skipped by their statistics; NaN rows are never skipped
"$WB" -c "COPY (SELECT range AS id, CASE WHEN range % 1000 = 7 THEN CAST('nan' AS DOUBLE) ELSE range / 2.0 END AS d,
  'k' || lpad(CAST(range AS VARCHAR), 8, '0') AS s FROM range(1000000)) TO '$tmp/p.parquet' (ROW_GROUP_SIZE 100000)" > /dev/null
out=$("$WB" -c "EXPLAIN ANALYZE SELECT count(*) FROM '$tmp/p.parquet' WHERE id >= 950000" 2>&1)
contains "pruning by BIGINT statistics" "prune by id (row groups: 1 read, 9 skipped)" "$out"
out=$("$WB" -c "EXPLAIN ANALYZE SELECT count(*) FROM '$tmp/p.parquet' WHERE s = 'k00123456'" 2>&1)
contains "pruning by VARCHAR statistics" "prune by s (row groups: 1 read, 9 skipped)" "$out"
out=$("$WB" --csv -c "SELECT count(*) AS n FROM '$tmp/p.parquet' WHERE d > 1e300" 2>&1)
check "NaN is above every bound: no row group skipped" "n
1000" "$out"
out=$("$WB" --csv -c "SELECT count(*) AS n FROM '$tmp/p.parquet' WHERE id BETWEEN 150000 AND 150009 AND s >= 'k00150005'" 2>&1)
check "pruned scans give the same rows" "n
5" "$out"

# errors
lists="SELECT range AS id, CASE WHEN range % 5 = 0 THEN NULL WHEN range % 7 = 0 THEN CAST([] AS BIGINT[])
  ELSE [range, NULL, range * 2] END AS li, ['k' || (range % 3), NULL] AS ls, [range / 2.0] AS ld, [range % 2 = 0] AS lb,
  [DATE '2020-01-01' + CAST(range % 9 AS INTEGER)] AS ldt, [timestamp_seconds(range), NULL] AS lts FROM range(200000)"
"$WB" -c "COPY ($lists) TO '$tmp/lists.parquet'" > /dev/null
a=$("$WB" --csv -c "SELECT * FROM '$tmp/lists.parquet' ORDER BY id" | md5sum)
b=$("$WB" --csv -c "$lists ORDER BY id" | md5sum)
check "list columns of every element type read back" "$b" "$a"
out=$("$WB" --csv -c "DESCRIBE SELECT li, ls, ld, lb, ldt, lts FROM '$tmp/lists.parquet'" | cut -d, -f2 | tr '\n' ' ')
check "list types read back" "column_type BIGINT[] VARCHAR[] DOUBLE[] BOOLEAN[] DATE[] TIMESTAMP[] " "$out"
err=$("$WB" -c "COPY (SELECT [] AS l) TO '$tmp/l.parquet'" 2>&1)
contains "untyped lists are refused" 'column "l" is a list whose elements have no type' "$err"
err=$("$WB" -c "COPY (SELECT INTERVAL '1 day' AS iv) TO '$tmp/iv.parquet'" 2>&1)
contains "INTERVAL columns are refused" 'column "iv" is an INTERVAL, which wb does not write to Parquet' "$err"
[ -e "$tmp/iv.parquet" ]; check "no file after a refused COPY" 1 $?
err=$("$WB" -c "COPY (SELECT 1 AS a) TO '$tmp/x.parquet' (COMPRESSION brotli)" 2>&1)
contains "unknown compression" "COPY TO parquet: unknown or unavailable compression 'brotli'" "$err"
err=$("$WB" -c "COPY (SELECT 1 AS a) TO '$tmp/x.parquet' (ROW_GROUP_SIZ 5)" 2>&1)
contains "unknown option" 'COPY TO parquet: unknown option "ROW_GROUP_SIZ"' "$err"
err=$("$WB" -c "COPY (SELECT 1 AS a) TO '$tmp/no/such/dir/x.parquet'" 2>&1)
contains "unwritable path named" "$tmp/no/such/dir/x.parquet" "$err"
"$WB" -c "COPY (SELECT 1 AS a) TO '$tmp/keep.parquet'" > /dev/null
err=$("$WB" -c "COPY (SELECT CAST(CASE WHEN range = 250000 THEN 'x' ELSE '1' END AS BIGINT) AS a FROM range(300000)) TO '$tmp/keep.parquet'" 2>&1)
contains "a failing query fails the COPY" "Error" "$err"
out=$("$WB" --csv -c "SELECT a FROM '$tmp/keep.parquet'")
check "... and the previous file is untouched" "a
1" "$out"
left=$(ls "$tmp" | grep -c wb-tmp)
check "... and no temporary file is left" 0 "$left"

# a truncated file: an error naming it
head -c 3000 "$tmp/t_zstd.parquet" > "$tmp/trunc.parquet"
err=$("$WB" -c "SELECT count(*) FROM '$tmp/trunc.parquet'" 2>&1)
contains "truncated file named" "$tmp/trunc.parquet: truncated or not a Parquet file" "$err"

echo "1..$n"
exit $fail
