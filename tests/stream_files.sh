#!/bin/sh
# stream_files.sh: what a streaming table does when its files misbehave,
# and `wb stream run`. TAP.
#   - the landing folder disappears: REFRESH fails naming it; nothing is
#     committed and the checkpoint is untouched;
#   - a planned file disappears before its batch runs (the process died
#     after planning): the batch fails naming the file, again at the next
#     refresh, until the definition says ignoreMissingFiles => true; then
#     the batch runs without it, and the file put back is not read again;
#   - an aggregation batch whose only file is gone keeps its state and
#     commits its txn action;
#   - a file still being written is left until its size and mtime hold
#     still for fileStableMs;
#   - the checkpoint deleted under a table that holds batches: refused
#     (the files would be read twice); REFRESH ... FULL starts over;
#   - `wb stream run` processes files as they arrive, refuses a second
#     runner of the same table, and stops cleanly on SIGTERM (exit 0,
#     a summary line).
# Run it with: make check TESTS=tests/stream_files.sh
srcdir=${WB_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
WB=${WB:-$srcdir/wb}
if [ ! -x "$WB" ]; then
	echo "Bail out! $WB not built (run make)"
	exit 1
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/wb-stream-files-XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
wh=$tmp/wh
land=$tmp/landing
ck=$wh/main/bronze/ev/_checkpoint
mkdir -p "$land"
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
q() { "$WB" --warehouse "$wh" --mode csv -c "$1" 2>&1 | tail -n 1; }
same() { [ "$1" = "$2" ] && echo 0 || echo 1; }
has() { case $1 in *"$2"*) echo 0 ;; *) echo 1 ;; esac; }
gen() { "$WB" generate ecommerce --rows "$2" --seed "$3" -o "$land/$1"; }
# the checkpoint's records and the table's log, to see that nothing changed
state() { (cd "$wh/main/bronze/ev" && find _checkpoint _delta_log -type f ! -name lock | sort | xargs cksum); }
def() { echo "CREATE OR REFRESH STREAMING TABLE bronze.ev AS SELECT * FROM STREAM read_csv('$land/', fileStableMs => 0$1)"; }

gen a.csv 30 1
gen b.csv 20 2
"$WB" --warehouse "$wh" -c "$(def)" >/dev/null 2>&1
ok "$(same "$(q "SELECT count(*) FROM bronze.ev")" 50)" "set up: 50 rows from two files"

# ---- the landing folder goes away
mv "$land" "$tmp/away"
before=$(state)
out=$("$WB" --warehouse "$wh" -c "REFRESH STREAMING TABLE bronze.ev" 2>&1)
ok "$([ $? -ne 0 ] && has "$out" "the STREAM source's folder '$land' does not exist")" "a missing landing folder: REFRESH fails naming it" "$out"
ok "$(same "$(state)" "$before")" "... nothing committed, the checkpoint untouched"
mv "$tmp/away" "$land"

# ---- a planned file disappears before its batch runs
gen c.csv 10 3
gen d.csv 7 4
out=$(WB_TEST_CRASH_AT=after_offsets "$WB" --warehouse "$wh" -c "REFRESH STREAMING TABLE bronze.ev" 2>&1)
ok "$(same $? 99)" "the process dies after planning batch 1 (c.csv, d.csv)" "$out"
rm "$land/c.csv"
before=$(state)
out=$("$WB" --warehouse "$wh" -c "REFRESH STREAMING TABLE bronze.ev" 2>&1)
ok "$([ $? -ne 0 ] && has "$out" "file '$land/c.csv' of batch 1 of streaming table bronze.ev is gone")" \
	"the batch fails naming the missing file" "$out"
ok "$(same "$(state)" "$before")" "... nothing committed, the plan kept"
out=$("$WB" --warehouse "$wh" -c "REFRESH STREAMING TABLE bronze.ev" 2>&1)
ok "$([ $? -ne 0 ] && has "$out" "ignoreMissingFiles => true")" "the next refresh fails the same way, saying what to do" "$out"
out=$("$WB" --warehouse "$wh" -c "$(def ", ignoreMissingFiles => true")" 2>&1)
ok "$(has "$out" "batch 1: 1 file (1 missing, skipped), 7 rows")" "with ignoreMissingFiles the batch runs without it" "$out"
ok "$(same "$(q "SELECT count(*) FROM bronze.ev")" 57)" "... 57 rows"
ok "$(same "$(q "SELECT value FROM (DESCRIBE STREAM bronze.ev) WHERE name = 'files missing (skipped)'")" 1)" "DESCRIBE STREAM counts the missing file"
gen c.csv 10 3
out=$("$WB" --warehouse "$wh" -c "REFRESH STREAMING TABLE bronze.ev" 2>&1)
ok "$(has "$out" "up to date, no new files")" "the file put back under its old name is not read again" "$out"
ok "$(same "$(q "SELECT count(*) FROM bronze.ev")" 57)" "... still 57 rows"

# ---- an aggregation batch whose only file is gone: its state carries over
wm=$tmp/wm
mkdir -p "$wm"
cp "$srcdir/tests/data/stream/wm/1.csv" "$srcdir/tests/data/stream/wm/2.csv" "$wm/"
touch -d '2024-01-01 00:00:01' "$wm/1.csv"
touch -d '2024-01-01 00:00:02' "$wm/2.csv"
gdef="CREATE OR REFRESH STREAMING TABLE gold.v AS SELECT window(event_time, '10 minutes') AS w, count(*) AS n FROM STREAM read_csv('$wm/', maxFilesPerTrigger => 1, fileStableMs => 0, ignoreMissingFiles => true) WATERMARK event_time DELAY OF INTERVAL 10 MINUTES GROUP BY ALL"
"$WB" --warehouse "$wh" -c "$gdef" >/dev/null 2>&1
cp "$srcdir/tests/data/stream/wm/3.csv" "$wm/"
WB_TEST_CRASH_AT=after_offsets "$WB" --warehouse "$wh" -c "REFRESH STREAMING TABLE gold.v" >/dev/null 2>&1
rm "$wm/3.csv"
out=$("$WB" --warehouse "$wh" -c "REFRESH STREAMING TABLE gold.v" 2>&1)
ok "$(has "$out" "batch 2: 0 files (1 missing, skipped), 0 rows read")" "an aggregation batch with its only file gone commits nothing but its txn" "$out"
ok "$(same "$(q "SELECT count(*) || ' ' || sum(n) FROM gold.v")" "2 4")" "... the two windows closed before stay, the [10:30) one stays open"
printf 'event_time,event_type,price\n2024-01-01 11:30:00,view,1.0\n' >"$wm/4.csv"
"$WB" --warehouse "$wh" -c "REFRESH STREAMING TABLE gold.v" >/dev/null 2>&1
ok "$(same "$(q "SELECT n FROM gold.v WHERE w_start = TIMESTAMP '2024-01-01 10:30:00'")" 1)" "a later file closes the window kept through the empty batch"

# ---- a file still being written
"$WB" --warehouse "$wh" -c "$(def ", fileStableMs => 800")" >/dev/null 2>&1
printf 'event_time,event_type,product_id,category_id,category_code,brand,price,user_id,user_session\n' >"$land/slow.csv"
(for k in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15; do
	printf '2019-10-01 00:00:%02d UTC,view,1,1,,,1.00,1,s\n' $k >>"$land/slow.csv"
	sleep 0.1
done) &
writer=$!
sleep 0.15
out=$("$WB" --warehouse "$wh" -c "REFRESH STREAMING TABLE bronze.ev" 2>&1)
ok "$(has "$out" "still being written")" "a file being written is left for later" "$out"
wait $writer
sleep 0.9
out=$("$WB" --warehouse "$wh" -c "REFRESH STREAMING TABLE bronze.ev" 2>&1)
ok "$(has "$out" "1 file, 15 rows")" "once it held still, it is read whole" "$out"

# ---- the checkpoint lost
rm -rf "$ck"
before=$(q "SELECT count(*) FROM bronze.ev")
out=$("$WB" --warehouse "$wh" -c "REFRESH STREAMING TABLE bronze.ev" 2>&1)
ok "$([ $? -ne 0 ] && has "$out" "is missing or belongs to another stream")" "a lost checkpoint is refused (the files would be read twice)" "$out"
ok "$(same "$(q "SELECT count(*) FROM bronze.ev")" "$before")" "... the table unchanged"
out=$("$WB" --warehouse "$wh" -c "REFRESH STREAMING TABLE bronze.ev FULL" 2>&1)
want=$(q "SELECT count(*) FROM read_csv('$land/*.csv')")
ok "$(same "$(q "SELECT count(*) FROM bronze.ev")" "$want")" "REFRESH ... FULL starts over: every file once ($want rows)" "$out"

# ---- wb stream run
"$WB" stream run bronze.ev --every 100ms --warehouse "$wh" >"$tmp/run.out" 2>&1 &
runner=$!
sleep 0.3
gen e.csv 5 5
sleep 0.6
out=$("$WB" --warehouse "$wh" -c "REFRESH STREAMING TABLE bronze.ev" 2>&1)
ok "$([ $? -ne 0 ] && has "$out" "being run by another process")" "a second process is refused while wb stream run runs" "$out"
kill -TERM $runner
wait $runner
rc=$?
out=$(cat "$tmp/run.out")
ok "$(same $rc 0)" "wb stream run stops on SIGTERM with status 0" "$out"
ok "$(has "$out" "bronze.ev batch")" "... after a progress line for the batch of the new file" "$out"
ok "$(has "$out" "wb stream run: bronze.ev stopped after 1 batch, 1 file, 5 rows written")" "... and a summary line" "$out"
want=$(q "SELECT count(*) FROM read_csv('$land/*.csv')")
ok "$(same "$(q "SELECT count(*) FROM bronze.ev")" "$want")" "the table has every file's rows once"
echo "1..$n"
exit $fail
