#!/bin/sh
# delta_partitioned.sh: the files of a partitioned Delta table, as Spark
# lays them out: one Hive-style directory per partition value (names and
# values escaped, NULL and '' as __HIVE_DEFAULT_PARTITION__), data files
# without the partition column, partitionValues in each add action (JSON
# null for the null partition), and a rewrite that moves a row to another
# partition; a DELETE of whole partitions and INSERT OVERWRITE ... PARTITION
# only remove that partition's files (nothing rewritten). TAP.
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
echo "1..$n"
exit $fail
