#!/bin/sh
# expectations.sh: what CHECK constraints and expectations leave on disk.
# TAP.
#
#   - the quarantine table: its rows read straight from its Parquet data
#     files (not through wb's Delta reader), with the lines of a CSV with
#     quoted line breaks (read_csv(metadata = true)'s _source_line), and
#     its commit, which names the table and the version it read;
#   - the table's commit: the per-expectation counts in its commitInfo
#     ("wb.expectations"), exactly as written;
#   - a failing statement (FAIL UPDATE, a CHECK violation) leaves no commit
#     and no data file behind, in the table or its quarantine;
#   - tables written by Spark: a delta.constraints.* property in a log wb
#     did not write (writer version 3, or 7 with the checkConstraints
#     feature) is enforced; one wb cannot evaluate stops the write.
# Run it with: make check TESTS=tests/expectations.sh
srcdir=${WB_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
WB=${WB:-$srcdir/wb}
if [ ! -x "$WB" ]; then
	echo "Bail out! $WB not built (run make)"
	exit 1
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/wb-expectations-XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
wh=$tmp/wh
n=0
fail=0
ok() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		fail=1
		[ -n "${3:-}" ] && printf '%s\n' "$3" | sed 's/^/# /'
	fi
}
# run SQL, output as CSV without the header
q() { "$WB" --warehouse "$wh" --mode csv -c "$1" 2>&1 | tail -n +2; }
# run SQL, all of its output (errors)
e() { "$WB" --warehouse "$wh" --mode csv -c "$1" 2>&1; }
same() { [ "$1" = "$2" ] && ok 0 "$3" || ok 1 "$3" "want: $2
got:  $1"; }

# ---- quarantine from a CSV with quoted line breaks
# data lines: 2 (id 1), 3-4 (id 2, a note over two lines), 5 (id 3),
# 6 blank, 7 (id 4), 8 (id 5)
printf 'id,price,note\n1,10.5,ok\n2,-1,"two\nlines"\n3,7,ok\n\n4,-2,ok\n5,3,\n' > "$tmp/in.csv"
"$WB" --warehouse "$wh" -c "CREATE TABLE sales (CONSTRAINT positive EXPECT (price > 0) ON VIOLATION QUARANTINE,
  CONSTRAINT has_note EXPECT (note IS NOT NULL)) USING DELTA
  AS SELECT * FROM read_csv('$tmp/in.csv', metadata = true)" >"$tmp/out" 2>&1
ok $? "CREATE TABLE AS with a QUARANTINE expectation" "$(cat "$tmp/out")"
same "$(cat "$tmp/out")" "Table sales created (3 rows, Delta version 0); expectation positive: 2 failed (quarantined in sales_quarantine); expectation has_note: 1 failed (warning: kept, 4 passed)" \
    "the statement's message counts what the expectations did"

qdir=$wh/main/default/sales_quarantine
tdir=$wh/main/default/sales
same "$(q "SELECT id, price, note, _source_line, _expectation FROM read_parquet('$qdir/*.parquet') ORDER BY id")" \
    '2,-1.0,"two
lines",3,positive
4,-2.0,ok,7,positive' "the quarantine's data file holds the failing rows, their lines and the expectation"
same "$(q "SELECT count(*) FROM read_parquet('$qdir/*.parquet') WHERE _source_file = '$tmp/in.csv' AND _quarantined_at IS NOT NULL")" \
    "2" "with the source file and when they were quarantined"
same "$(q "SELECT id FROM read_parquet('$tdir/*.parquet') ORDER BY id" | tr '\n' ' ')" "1 3 5 " \
    "the table's data file holds the others"

commit0="$tdir/_delta_log/00000000000000000000.json"
grep -qF '"wb.expectations":[{"name":"positive","condition":"price > 0","action":"quarantine","passed":3,"failed":2},{"name":"has_note","condition":"note IS NOT NULL","action":"warn","passed":4,"failed":1}]' "$commit0"
ok $? "the table's commitInfo records passed and failed per expectation" "$(head -n 1 "$commit0")"
grep -qF "\"quarantineOf\":\"$tdir\",\"tableReadVersion\":\"-1\"" "$qdir/_delta_log/00000000000000000000.json"
ok $? "the quarantine's commit names the table (created by the same statement)" "$(head -n 1 "$qdir/_delta_log/00000000000000000000.json")"

# ---- a failing statement leaves nothing behind
files() { find "$tdir" "$qdir" -name '*.parquet' | wc -l; }
before=$(files)
q "ALTER TABLE sales ADD CONSTRAINT not_nine EXPECT (id <> 9) ON VIOLATION FAIL UPDATE" >/dev/null
out=$(e "INSERT INTO sales SELECT 8, -8.0, 'x', '', TIMESTAMP '2024-01-01 00:00:00', 1 UNION ALL SELECT 9, 1.0, 'y', '', TIMESTAMP '2024-01-01 00:00:00', 2")
case $out in *"expectation not_nine (id <> 9) failed (ON VIOLATION FAIL UPDATE) for row with values: id = 9"*) r=0 ;; *) r=1 ;; esac
ok $r "FAIL UPDATE fails the INSERT, naming the expectation and the row" "$out"
same "$(files)" "$before" "no data file was left in the table or the quarantine (id 8 would have been quarantined)"
same "$(ls "$tdir/_delta_log" | grep -c '\.json$') $(ls "$qdir/_delta_log" | grep -c '\.json$')" "2 1" \
    "no commit either (the table has the CREATE and the ADD CONSTRAINT)"
q "ALTER TABLE sales DROP CONSTRAINT not_nine" >/dev/null
q "INSERT INTO sales SELECT 8, -8.0, 'x', '', TIMESTAMP '2024-01-01 00:00:00', 1" >/dev/null
grep -qF '"tableReadVersion":"2"' "$qdir/_delta_log/00000000000000000001.json"
ok $? "a later quarantine commit names the table version its write read"
same "$(q "SELECT version, expectation, passed_records, failed_records FROM (DESCRIBE EXPECTATIONS sales) ORDER BY version, expectation")" \
    "0,has_note,4,1
0,positive,3,2
3,has_note,1,0
3,positive,0,1" "DESCRIBE EXPECTATIONS reads the counts back from the log"

# ---- tables Spark wrote: constraints in the configuration are enforced
spark_table() { # dir protocol-json
	mkdir -p "$1/_delta_log"
	cat >"$1/_delta_log/00000000000000000000.json" <<EOF
{"commitInfo":{"timestamp":1700000000000,"operation":"CREATE TABLE","operationParameters":{"isManaged":"false","description":null,"partitionBy":"[]","properties":"{\"delta.constraints.positive_amount\":\"amount > 0\"}"},"isolationLevel":"Serializable","isBlindAppend":true,"operationMetrics":{},"engineInfo":"Apache-Spark/3.5.1 Delta-Lake/3.2.0","txnId":"0b7c5b0e-4d0c-4f4e-9a35-3d4e0f6f2a11"}}
$2
{"metaData":{"id":"6f9e2a1c-3b7d-4e5f-8a9b-0c1d2e3f4a5b","format":{"provider":"parquet","options":{}},"schemaString":"{\"type\":\"struct\",\"fields\":[{\"name\":\"id\",\"type\":\"long\",\"nullable\":true,\"metadata\":{}},{\"name\":\"amount\",\"type\":\"double\",\"nullable\":true,\"metadata\":{}}]}","partitionColumns":[],"configuration":{"delta.constraints.positive_amount":"$3"},"createdTime":1700000000000}}
EOF
}
for proto in '{"protocol":{"minReaderVersion":1,"minWriterVersion":3}}' \
    '{"protocol":{"minReaderVersion":1,"minWriterVersion":7,"writerFeatures":["appendOnly","invariants","checkConstraints"]}}'; do
	sdir=$tmp/spark$n
	spark_table "$sdir" "$proto" "amount > 0"
	out=$(e "INSERT INTO delta.\`$sdir\` VALUES (1, 5.0), (2, -3.0)")
	case $out in *"CHECK constraint positive_amount (amount > 0) violated by row with values: amount = -3.0"*) r=0 ;; *) r=1 ;; esac
	ok $r "a Spark table's constraint is enforced ($proto)" "$out"
	same "$(ls "$sdir/_delta_log" | grep -c '\.json$'):$(find "$sdir" -name '*.parquet' | wc -l)" "1:0" "nothing committed, no file left"
	q "INSERT INTO delta.\`$sdir\` VALUES (1, 5.0)" >/dev/null
	same "$(q "SELECT count(*), sum(amount) FROM delta.\`$sdir\`")" "1,5.0" "a row that passes is written"
	grep -q '"protocol"' "$sdir/_delta_log/00000000000000000001.json"
	[ $? != 0 ] && ok 0 "the protocol is left as Spark wrote it" || ok 1 "the protocol is left as Spark wrote it"
done
sdir=$tmp/spark-udf
spark_table "$sdir" '{"protocol":{"minReaderVersion":1,"minWriterVersion":3}}' "amount > my_udf(id)"
out=$(e "INSERT INTO delta.\`$sdir\` VALUES (1, 5.0)")
case $out in *"CHECK constraint positive_amount (amount > my_udf(id)) of Delta table spark-udf cannot be evaluated"*) r=0 ;; *) r=1 ;; esac
ok $r "a constraint wb cannot evaluate stops the write, naming it" "$out"
same "$(ls "$sdir/_delta_log" | grep -c '\.json$')" "1" "nothing committed"

echo "1..$n"
exit $fail
