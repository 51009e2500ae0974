#!/bin/sh
# Writing a partitioned Delta table: the generated e-commerce events
# (ROWS rows over October 2019) partitioned by day, against the same rows
# unpartitioned and against DuckDB's Hive-partitioned COPY TO.
#
#   bench/partition.sh [ROWS]          (default 10000000)
#   REPS=5 bench/partition.sh          (runs per step, default 3)
#
# Both engines first load the CSV into memory with a day column; then
#   write_partitioned  wb: CREATE OR REPLACE TABLE ... PARTITIONED BY (day) AS
#                      SELECT * FROM the loaded table (31 partitions);
#                      DuckDB: COPY ... TO dir (PARTITION_BY (day))
#   write_flat         the same without partitioning (one file; DuckDB COPY TO)
#   one_day            count(*), sum(price) of one day over the partitioned
#                      table (wb: partition pruning reads 1 of 31 files)
# Median seconds and wb/DuckDB ratios; timing is reported, never asserted.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"
rows=${1:-10000000}
csv=$(events_csv "$rows")
tmp=$(mktemp -d "${TMPDIR:-/tmp}/wb-partition-XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

echo "wb ..." >&2
{
	echo ".mode trash"
	echo "CREATE TEMP TABLE events AS SELECT *, CAST(event_time AS DATE) AS day FROM read_csv('$csv', progress = false);"
	echo ".timer on"
	r=0
	while [ $r -lt "$REPS" ]; do
		echo "CREATE OR REPLACE TABLE part USING DELTA PARTITIONED BY (day) AS SELECT * FROM events;"
		r=$((r + 1))
	done
	r=0
	while [ $r -lt "$REPS" ]; do
		echo "CREATE OR REPLACE TABLE flat USING DELTA AS SELECT * FROM events;"
		r=$((r + 1))
	done
	r=0
	while [ $r -lt "$REPS" ]; do
		echo "SELECT count(*), sum(price) FROM part WHERE day = DATE '2019-10-15';"
		r=$((r + 1))
	done
} | "$WB" --warehouse "$tmp/wh" --bail 2>&1 | sed -n 's/^Run Time: \([0-9.]*\) s$/\1/p' >"$tmp/wb.times"
detail=$("$WB" --warehouse "$tmp/wh" --mode line -c "DESCRIBE DETAIL part")
files=$(echo "$detail" | sed -n 's/^ *numFiles = //p')
mb=$(echo "$detail" | sed -n 's/^ *sizeInBytes = //p' | awk '{ printf "%.1f", $1 / 1048576 }')
{
	sed -n "1,${REPS}p" "$tmp/wb.times" | sed 's/^/write_partitioned\t/'
	sed -n "$((REPS + 1)),$((2 * REPS))p" "$tmp/wb.times" | sed 's/^/write_flat\t/'
	sed -n "$((2 * REPS + 1)),$((3 * REPS))p" "$tmp/wb.times" | sed 's/^/one_day\t/'
} >"$tmp/wb.tsv"
: >"$tmp/duck.tsv"
if [ -d "$mods/@duckdb/node-api" ] && command -v node >/dev/null 2>&1; then
	echo "duckdb ..." >&2
	node "$here/partition_duckdb.mjs" "$csv" "$tmp" "$REPS" >"$tmp/duck.tsv"
fi
median() { grep "^$1	" "$2" | cut -f2 | sort -n | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'; }
echo "$rows rows; wb's partitioned table: $files files, $mb MB"
printf '%-18s %9s %9s %7s\n' step wb duckdb ratio
for step in write_partitioned write_flat one_day; do
	w=$(median $step "$tmp/wb.tsv")
	d=$(median $step "$tmp/duck.tsv")
	ratio=$(awk -v w="$w" -v d="$d" 'BEGIN { if (d > 0) printf "%.2f", w / d; else print "-" }')
	printf '%-18s %9s %9s %7s\n' "$step" "$w" "${d:--}" "$ratio"
done
