#!/bin/sh
# OPTIMIZE ... ZORDER BY on the generated e-commerce events stored as a
# Delta table: files read and seconds for selective queries before and
# after.
#
#   bench/zorder.sh [ROWS]           (default 10000000)
#   REPS=5 TARGET=16mb bench/zorder.sh
#
# The table is loaded the way a pipeline fills it, one INSERT per day
# (31 files, each holding every user), with delta.targetFileSize = TARGET
# (default 8mb: about as many files after OPTIMIZE as before; at the
# default 128 MB a table this size would be only two files). Then
#   OPTIMIZE events ZORDER BY (user_id, event_time)
# rewrites it. Each query runs REPS times (median seconds); EXPLAIN
# ANALYZE gives the files read and skipped. Timing is reported, never
# asserted. The CSV is cached in bench/out like run.sh's.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"
TARGET=${TARGET:-8mb}
rows=${1:-10000000}
csv=$(events_csv "$rows")
wh=$(mktemp -d "${TMPDIR:-/tmp}/wb-zorder-XXXXXX")
trap 'rm -rf "$wh"' EXIT INT TERM
wb() { "$WB" --warehouse "$wh" "$@"; }

echo "loading $rows rows as one Delta commit per day ..." >&2
{
	echo ".mode trash"
	echo "CREATE TEMP TABLE raw AS SELECT * FROM read_csv('$csv', progress = false);"
	echo "CREATE TABLE events USING DELTA TBLPROPERTIES ('delta.targetFileSize' = '$TARGET') AS SELECT * FROM raw WHERE false;"
	d=1
	while [ $d -le 31 ]; do
		printf "INSERT INTO events SELECT * FROM raw WHERE event_time >= TIMESTAMP '2019-10-01' + INTERVAL %d DAY AND event_time < TIMESTAMP '2019-10-01' + INTERVAL %d DAY;\n" $((d - 1)) "$d"
		d=$((d + 1))
	done
} > "$wh/load.wb"
t0=$(date +%s%N)
wb --bail "$wh/load.wb" > /dev/null
t1=$(date +%s%N)
echo "load: $(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f", (b - a) / 1e9}') s" >&2

# a user with a few events, a product, an hour and a day
user=$(wb --csv -c "SELECT user_id FROM events GROUP BY user_id HAVING count(*) BETWEEN 5 AND 20 ORDER BY user_id LIMIT 1 OFFSET 1000" | tail -1)
product=$(wb --csv -c "SELECT product_id FROM events GROUP BY product_id ORDER BY count(*) DESC LIMIT 1 OFFSET 100" | tail -1)
cat > "$wh/queries" <<EOF
one user	SELECT count(*), sum(price) FROM events WHERE user_id = $user
1000 user ids	SELECT count(*), sum(price) FROM events WHERE user_id BETWEEN $user AND $user + 999
one hour	SELECT count(*), sum(price) FROM events WHERE event_time >= TIMESTAMP '2019-10-15 12:00:00' AND event_time < TIMESTAMP '2019-10-15 13:00:00'
user on a day	SELECT count(*) FROM events WHERE user_id = $user AND event_time >= TIMESTAMP '2019-10-10' AND event_time < TIMESTAMP '2019-10-11'
one product (not Z-ordered)	SELECT count(*) FROM events WHERE product_id = $product
EOF

measure() {   # measure LABEL: one line per query: label, files read/total, median s
	while IFS='	' read -r name sql; do
		files=$(wb --csv -c "EXPLAIN ANALYZE $sql" | sed -n 's/.*(files: \([0-9]*\) read, \([0-9]*\) skipped).*/\1 \2/p' | head -1)
		script=$wh/q.wb
		{
			echo ".mode trash"
			echo ".timer on"
			r=0
			while [ "$r" -lt "$REPS" ]; do echo "$sql;"; r=$((r + 1)); done
		} > "$script"
		secs=$(wb "$script" 2>&1 >/dev/null | awk '/^Run Time/ {print $3}' | sort -n |
			awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}')
		set -- $files
		printf '%s\t%s\t%s/%s\t%s\n' "$1" "$name" "$1" $(($1 + $2)) "$secs"
	done < "$wh/queries" | cut -f2-
}

measure > "$wh/before"
detail_before=$(wb --csv -c "DESCRIBE DETAIL events" | tail -1 | awk -F, '{print $9 " files, " $10 " bytes"}')
t0=$(date +%s%N)
wb --csv -c "OPTIMIZE events ZORDER BY (user_id, event_time)" > "$wh/optimize.out"
t1=$(date +%s%N)
optimize_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f", (b - a) / 1e9}')
detail_after=$(wb --csv -c "DESCRIBE DETAIL events" | tail -1 | awk -F, '{print $9 " files, " $10 " bytes"}')
measure > "$wh/after"

echo "events: $rows rows; delta.targetFileSize = $TARGET; $REPS runs per query (median)"
echo "before: $detail_before (one INSERT per day)"
echo "OPTIMIZE events ZORDER BY (user_id, event_time): $optimize_s s"
echo "after:  $detail_after"
echo
printf '%-28s %14s %10s %14s %10s\n' query "files before" seconds "files after" seconds
paste "$wh/before" "$wh/after" | awk -F'\t' '{printf "%-28s %14s %10s %14s %10s\n", $1, $2, $3, $5, $6}'
