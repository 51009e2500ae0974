#!/bin/sh
# delta_partitioned.sh: the files of a partitioned Delta table, as Spark
# lays them out: one Hive-style directory per partition value (names and
# values escaped, NULL and '' as __HIVE_DEFAULT_PARTITION__), data files
# without the partition column, partitionValues in each add action (JSON
# null for the null partition), and a rewrite that moves a row to another
# partition; a DELETE of whole partitions and INSERT OVERWRITE ... PARTITION
# only remove that partition's files (nothing rewritten); OPTIMIZE's new
# files are in their partitions' directories, with the data columns only
# and partitionValues, and its metrics count partitions. TAP.
set -u
WB=${WB:-./wb}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
wh=$tmp/lake
t=$wh/main/default/p
n=0
fail=0
check() {
	n=$((n + 1))
	if [ "$1" = "$2" ]; then
		echo "ok $n - $3"
	else
		echo "not ok $n - $3"
		printf '# got:      %s\n# expected: %s\n' "$1" "$2"
		fail=1
	fi
}
"$WB" --warehouse "$wh" -c "CREATE TABLE p (id BIGINT, k VARCHAR) PARTITIONED BY (k)" \
	-c "INSERT INTO p VALUES (1, 'a'), (2, 'a/b:c=d'), (3, NULL), (4, ''), (5, 'a')" >/dev/null 2>&1
dirs=$(cd "$t" && find . -name '*.parquet' | sed 's#/part-.*##' | sort | tr '\n' ' ')
check "$dirs" "./k=__HIVE_DEFAULT_PARTITION__ ./k=a ./k=a%2Fb%3Ac%3Dd " "one directory per partition, escaped"
check "$(ls "$t" | grep -c '\.parquet$')" 0 "no data file in the table directory itself"
log=$t/_delta_log/00000000000000000001.json
check "$(grep -c '"partitionValues":{"k":"a"}' "$log")" 1 "partitionValues of k=a"
check "$(grep -c '"partitionValues":{"k":null}' "$log")" 1 "the null partition is JSON null"
check "$(grep -o '"path":"k=a%25[^"]*"' "$log" | cut -c1-22)" '"path":"k=a%252Fb%253A' "log paths are URI-encoded"
f=$(find "$t/k=a" -name '*.parquet')
cols=$("$WB" --csv -c "SELECT * FROM read_parquet('$f') LIMIT 0" 2>&1 | tr '\n' ' ')
check "$cols" "id " "data files hold only the data columns"
out=$("$WB" --warehouse "$wh" --csv -c "UPDATE p SET k = 'z' WHERE id = 1" -c "SELECT k, array_join(sort_array(collect_list(id)), ' ') AS ids FROM p GROUP BY k ORDER BY k NULLS FIRST" 2>&1 | tr '\n' ' ')
check "$out" "k,ids ,3 4 a,5 a/b:c=d,2 z,1 " "UPDATE moves a row to its new partition"
check "$(find "$t/k=z" -name '*.parquet' | wc -l | tr -d ' ')" 1 "the new partition's directory"
# version 2: DELETE of a whole partition removes its file, adds none
"$WB" --warehouse "$wh" -c "DELETE FROM p WHERE k = 'a'" >/dev/null 2>&1
log=$t/_delta_log/00000000000000000003.json
check "$(grep -c '"add"' "$log") $(grep -c '"remove"' "$log")" "0 1" "DELETE by partition: one file removed, none added"
check "$(grep -o '"numCopiedRows":"[0-9]*"' "$log")" '"numCopiedRows":"0"' "DELETE by partition copies no row"
check "$(grep -o '"numDeletedRows":"[0-9]*"' "$log")" '"numDeletedRows":"1"' "DELETE by partition counts its rows"
"$WB" --warehouse "$wh" -c "INSERT OVERWRITE p PARTITION (k = 'z') VALUES (9)" >/dev/null 2>&1
log=$t/_delta_log/00000000000000000004.json
check "$(grep -c '"add"' "$log") $(grep -c '"remove".*k=z' "$log") $(grep -c '"remove"' "$log")" "1 1 1" \
	"INSERT OVERWRITE ... PARTITION removes that partition's file only"

# OPTIMIZE: per partition, new files in their partition's directory
o=$wh/main/default/o
"$WB" --warehouse "$wh" -c "CREATE TABLE o (id BIGINT, k VARCHAR, v DOUBLE) PARTITIONED BY (k)" \
	-c "INSERT INTO o SELECT range, CASE WHEN range % 2 = 0 THEN 'a' END, range FROM range(10)" \
	-c "INSERT INTO o SELECT range, CASE WHEN range % 2 = 0 THEN 'a' END, range FROM range(10, 20)" \
	-c "INSERT INTO o VALUES (100, 'b', 1)" >/dev/null 2>&1
# the metrics of OPTIMIZE's result row
metrics() {
	"$WB" --warehouse "$wh" --json -c "$1" 2>&1 | sed 's/\\"/"/g' |
		grep -o '"numFilesAdded":[0-9]*,"numFilesRemoved":[0-9]*\|"partitionsOptimized":[0-9]*\|"totalConsideredFiles":[0-9]*,"totalFilesSkipped":[0-9]*' |
		tr '\n' ' '
}
# the paths (directory only) and partitionValues of version $1's adds
adds() {
	grep -o '"add":{"path":"[^"]*","partitionValues":{[^}]*}' "$o/_delta_log/0000000000000000000$1.json" |
		sed 's#/part-[^"]*"#"#; s#"add":{"path":##' | sort | tr '\n' ' '
}
check "$(metrics "OPTIMIZE o WHERE k = 'a'")" \
	'"numFilesAdded":1,"numFilesRemoved":2 "partitionsOptimized":1 "totalConsideredFiles":2,"totalFilesSkipped":0 ' \
	"OPTIMIZE WHERE: one partition's two files"
check "$(adds 4)" '"k=a","partitionValues":{"k":"a"} ' "OPTIMIZE WHERE: the new file is in the partition's directory"
f=$o/$(grep -o '"add":{"path":"[^"]*' "$o/_delta_log/00000000000000000004.json" | cut -d'"' -f6)
cols=$("$WB" --csv -c "SELECT * FROM read_parquet('$f') LIMIT 0" 2>&1 | tr '\n' ' ')
check "$cols" "id,v " "OPTIMIZE's files hold only the data columns"
check "$(metrics "OPTIMIZE o")" \
	'"numFilesAdded":1,"numFilesRemoved":2 "partitionsOptimized":1 "totalConsideredFiles":4,"totalFilesSkipped":2 ' \
	"OPTIMIZE: the null partition packed, single files skipped"
check "$(adds 5)" '"k=__HIVE_DEFAULT_PARTITION__","partitionValues":{"k":null} ' \
	"the new file is in the null partition's directory"
check "$(metrics "OPTIMIZE o ZORDER BY (v)")" \
	'"numFilesAdded":3,"numFilesRemoved":3 "partitionsOptimized":3 "totalConsideredFiles":3,"totalFilesSkipped":0 ' \
	"ZORDER: every partition"
check "$(adds 6)" \
	'"k=__HIVE_DEFAULT_PARTITION__","partitionValues":{"k":null} "k=a","partitionValues":{"k":"a"} "k=b","partitionValues":{"k":"b"} ' \
	"ZORDER: one new file in each partition's directory"
out=$("$WB" --warehouse "$wh" --csv -c "SELECT k, count(*), sum(id), sum(v) FROM o GROUP BY k ORDER BY k NULLS FIRST" 2>&1 | tr '\n' ' ')
check "$out" "k,count(*),sum(id),sum(v) ,10,100,100.0 a,10,90,90.0 b,1,100,1.0 " "the same rows after OPTIMIZE"
echo "1..$n"
exit $fail
