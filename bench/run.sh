#!/bin/sh
# Benchmark wb against DuckDB and sqlite3 on generated e-commerce events.
#
#   bench/run.sh [ROWS ...]        (default: 1000000 10000000)
#   REPS=5 bench/run.sh 1000000    (runs per query, default 3)
#
# For each size: generate the CSV once (cached in bench/out), then for each
# engine load it into an in-memory table and run every query of
# bench/queries.sql (sqlite3: bench/queries_sqlite.sql) REPS times. Prints
# one table per size: median seconds per engine, wb/DuckDB (below 1: wb is
# faster), sqlite3/wb, and each engine's peak RSS over its whole run.
# Timing is reported, never asserted. Then bench/parquet.sh for the same
# sizes (Parquet COPY TO and read_parquet against DuckDB, file sizes). Needs DuckDB's npm package
# (npm install --prefix tests) and sqlite3; missing engines are skipped.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"
sizes=${*:-"1000000 10000000"}

queries() { grep -v '^--' "$1" | grep -v '^$'; }

for rows in $sizes; do
	csv=$(events_csv "$rows")

	# wb: one script with .timer on; statement names in the same order
	script=$out/wb_$rows.wb
	names=$out/names_$rows
	{
		echo ".mode trash"
		# in-memory tables, as DuckDB's and sqlite3's are here (Delta
		# tables are measured by bench/parquet.sh and bench/zorder.sh);
		# before .timer, so that timings line up with the names
		echo "SET default_table_format = 'memory';"
		echo ".timer on"
		echo "CREATE TABLE events AS SELECT * FROM read_csv('$csv', progress = false);"
		queries "$here/queries.sql" | while IFS='	' read -r name sql; do
			r=0
			while [ $r -lt "$REPS" ]; do echo "$sql;"; r=$((r + 1)); done
		done
	} > "$script"
	{
		echo load
		queries "$here/queries.sql" | while IFS='	' read -r name sql; do
			r=0
			while [ $r -lt "$REPS" ]; do echo "$name"; r=$((r + 1)); done
		done
	} > "$names"
	echo "wb ..." >&2
	/usr/bin/time -v "$WB" "$script" > /dev/null 2> "$out/wb_$rows.err" || { cat "$out/wb_$rows.err" >&2; exit 1; }
	grep '^Run Time' "$out/wb_$rows.err" | awk '{print $3}' | paste "$names" - > "$out/wb_$rows.times"

	if [ -d "$mods/@duckdb/node-api" ] && command -v node >/dev/null 2>&1; then
		echo "duckdb ..." >&2
		/usr/bin/time -v node "$here/duckdb_bench.mjs" "$csv" "$here/queries.sql" "$REPS" \
			> "$out/duckdb_$rows.times" 2> "$out/duckdb_$rows.err" ||
			{ tail -5 "$out/duckdb_$rows.err" >&2; rm -f "$out/duckdb_$rows.times"; }
	else
		rm -f "$out/duckdb_$rows.times"
	fi

	if command -v sqlite3 >/dev/null 2>&1; then
		echo "sqlite3 ..." >&2
		sq=$out/sqlite3_$rows.sql
		{
			# load = create + import + empty strings to NULL, timed as one
			echo "CREATE TABLE events (event_time TEXT, event_type TEXT, product_id INTEGER, category_id INTEGER, category_code TEXT, brand TEXT, price REAL, user_id INTEGER, user_session TEXT);"
			echo ".import --csv --skip 1 $csv events"
			echo "UPDATE events SET brand = NULLIF(brand, ''), category_code = NULLIF(category_code, '');"
			echo ".timer on"
			queries "$here/queries_sqlite.sql" | while IFS='	' read -r name sql; do
				r=0
				while [ $r -lt "$REPS" ]; do
					case $sql in
					"CREATE TABLE "*)
						printf '.timer off\nDROP TABLE IF EXISTS %s;\n.timer on\n' "$(echo "$sql" | awk '{print $3}')" ;;
					esac
					echo "$sql;"
					r=$((r + 1))
				done
			done
		} > "$sq"
		t0=$(date +%s%N)
		/usr/bin/time -v sqlite3 :memory: < "$sq" > "$out/sqlite3_$rows.out" 2> "$out/sqlite3_$rows.err"
		t1=$(date +%s%N)
		total=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.4f", (b - a) / 1e9}')
		grep -o 'Run Time: real [0-9.]*' "$out/sqlite3_$rows.out" | awk '{print $4}' > "$out/sq_q"
		qsum=$(awk '{s += $1} END {printf "%.4f", s}' "$out/sq_q")
		{
			printf 'load\t%s\n' "$(awk -v t="$total" -v q="$qsum" 'BEGIN {printf "%.4f", t - q}')"
			tail -n +2 "$names" | paste - "$out/sq_q"
		} > "$out/sqlite3_$rows.times"
	else
		rm -f "$out/sqlite3_$rows.times"
	fi

	node "$here/report.mjs" "$out" "$rows" "$REPS"
done

# Parquet write / read against DuckDB (PARQUET=0 skips it)
if [ "${PARQUET:-1}" != 0 ]; then
	WB=$WB REPS=$REPS sh "$here/parquet.sh" $sizes
fi
