#!/bin/sh
# Parquet benchmark: wb against DuckDB on the generated e-commerce events.
#
#   bench/parquet.sh [ROWS ...]        (default: 10000000)
#   REPS=5 bench/parquet.sh 1000000    (runs per step, default 3)
#
# Each engine loads the CSV (cached in bench/out, shared with bench/run.sh)
# into an in-memory table, then REPS times:
#   write  COPY events TO '<engine>_events_ROWS.parquet' (FORMAT parquet, COMPRESSION zstd)
#   read   SELECT count(*), sum(price), count(DISTINCT user_id) FROM read_parquet(<own file>)
#   scan   an aggregate over every column of its own file (decoding all of it)
#   cross  the read query over the other engine's file
# and the file sizes are compared (zstd, and snappy written once). Prints
# median seconds and wb/DuckDB ratios; timing is reported, never asserted.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"
sizes=${*:-"10000000"}
have_duck=0
if [ -d "$mods/@duckdb/node-api" ] && command -v node >/dev/null 2>&1; then have_duck=1; fi

for rows in $sizes; do
	csv=$(events_csv "$rows")
	wbf=$out/wb_events_$rows.parquet
	dkf=$out/duckdb_events_$rows.parquet
	q="SELECT count(*), sum(price), count(DISTINCT user_id) FROM read_parquet"
	scan="SELECT max(event_time), sum(price), max(user_id), max(product_id), max(category_id), count(brand), count(category_code), count(user_session), count(event_type) FROM read_parquet"
	if [ $have_duck = 1 ]; then
		echo "duckdb ..." >&2
		node "$here/parquet_duckdb.mjs" "$csv" "$dkf" "$wbf" "$REPS" > "$out/pq_duckdb_$rows.times"
	fi
	echo "wb ..." >&2
	script=$out/pq_wb_$rows.wb
	{
		echo ".mode trash"
		echo "CREATE TEMP TABLE events AS SELECT * FROM read_csv('$csv', progress = false);"
		echo ".timer on"
		r=0; while [ $r -lt "$REPS" ]; do echo "COPY events TO '$wbf' (FORMAT parquet, COMPRESSION zstd);"; r=$((r + 1)); done
		r=0; while [ $r -lt "$REPS" ]; do echo "$q('$wbf');"; r=$((r + 1)); done
		r=0; while [ $r -lt "$REPS" ]; do echo "$scan('$wbf');"; r=$((r + 1)); done
		if [ -s "$dkf" ]; then
			r=0; while [ $r -lt "$REPS" ]; do echo "$q('$dkf');"; r=$((r + 1)); done
		fi
		echo ".timer off"
		echo "COPY events TO '$out/wb_events_${rows}_snappy.parquet' (FORMAT parquet, COMPRESSION snappy);"
	} > "$script"
	"$WB" "$script" 2>&1 >/dev/null | grep '^Run Time' | awk '{print $3}' > "$out/pq_wb_$rows.raw"
	{
		r=0; while [ $r -lt "$REPS" ]; do echo write; r=$((r + 1)); done
		r=0; while [ $r -lt "$REPS" ]; do echo read; r=$((r + 1)); done
		r=0; while [ $r -lt "$REPS" ]; do echo scan; r=$((r + 1)); done
		if [ -s "$dkf" ]; then r=0; while [ $r -lt "$REPS" ]; do echo cross; r=$((r + 1)); done; fi
	} | paste - "$out/pq_wb_$rows.raw" > "$out/pq_wb_$rows.times"
	if [ $have_duck = 1 ]; then
		node "$here/parquet_duckdb.mjs" "$csv" "$dkf" "$wbf" "$REPS" --cross >> "$out/pq_duckdb_$rows.times"
	else
		rm -f "$out/pq_duckdb_$rows.times"
	fi
	size() { [ -f "$1" ] && wc -c < "$1" | tr -d ' ' || echo 0; }
	printf 'size_zstd\t%s\n' "$(size "$wbf")" >> "$out/pq_wb_$rows.times"
	printf 'size_snappy\t%s\n' "$(size "$out/wb_events_${rows}_snappy.parquet")" >> "$out/pq_wb_$rows.times"
	node "$here/parquet_report.mjs" "$out" "$rows" "$REPS"
done
