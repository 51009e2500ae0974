#!/bin/sh
# MERGE of 1% changed rows into the generated e-commerce events stored as a
# Delta table: seconds and files rewritten, for changes spread over the
# table and for changes clustered in one stretch of it.
#
#   bench/merge.sh [ROWS]            (default 10000000)
#
# The table gets an id (the row's position in the CSV) and is loaded one
# INSERT per day (31 files), the way a pipeline fills it. Each MERGE's
# source is 1% of the rows with a new price; DESCRIBE HISTORY gives the
# files removed and added. Timing is reported, never asserted. (DuckDB has
# no Delta writer to compare with; wb rewrites only the files that hold
# matched rows, copy-on-write, as Delta does without deletion vectors.)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"
rows=${1:-10000000}
csv=$(events_csv "$rows")
wh=$(mktemp -d "${TMPDIR:-/tmp}/wb-merge-XXXXXX")
trap 'rm -rf "$wh"' EXIT INT TERM
wb() { "$WB" --warehouse "$wh" "$@"; }

echo "loading $rows rows as one Delta commit per day ..." >&2
{
	echo ".mode trash"
	echo "CREATE TEMP TABLE raw AS SELECT row_number() OVER () AS id, * FROM read_csv('$csv', progress = false);"
	echo "CREATE TABLE events USING DELTA AS SELECT * FROM raw WHERE false;"
	d=1
	while [ $d -le 31 ]; do
		echo "INSERT INTO events SELECT * FROM raw WHERE day(event_time) = $d;"
		d=$((d + 1))
	done
} | wb --bail

n=$((rows / 100))
spread="SELECT id, price * 1.1 AS price FROM events WHERE id % 100 = 0"
clustered="SELECT id, price * 1.1 AS price FROM events WHERE id > $((rows / 2)) AND id <= $((rows / 2 + n))"
printf '%-28s %9s %8s %8s\n' "MERGE of 1% ($n rows)" seconds removed added
for kind in spread clustered; do
	eval src=\$$kind
	t=$(wb --bail -c ".timer on" -c "MERGE INTO events t USING ($src) s ON t.id = s.id WHEN MATCHED THEN UPDATE SET price = s.price" 2>&1 |
		sed -n 's/^Run Time: \([0-9.]*\) s$/\1/p' | tail -1)
	m=$(wb --mode line -c "DESCRIBE HISTORY events LIMIT 1" | grep operationMetrics)
	rm_=$(echo "$m" | sed -n 's/.*"numTargetFilesRemoved":"\{0,1\}\([0-9]*\).*/\1/p')
	add=$(echo "$m" | sed -n 's/.*"numTargetFilesAdded":"\{0,1\}\([0-9]*\).*/\1/p')
	printf '%-28s %9s %8s %8s\n' "$kind" "$t" "${rm_:-?}" "${add:-?}"
done
