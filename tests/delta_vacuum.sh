#!/bin/sh
# delta_vacuum.sh: VACUUM with files of controlled ages (TAP). A Delta table
# gets stray files with modification times set by touch -d, and one
# tombstone whose deletionTimestamp is moved back in the log; VACUUM must
# delete exactly the files that are neither live nor removed (or, untracked,
# written) within the retention - and never the log or hidden names.
# Expected values: derived by hand from the ages given below.
# Run it with: make check TESTS=tests/delta_vacuum.sh
srcdir=${WB_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
WB=${WB:-$srcdir/wb}
if [ ! -x "$WB" ]; then
	echo "Bail out! $WB not built (run make)"
	exit 1
fi
if ! touch -d '10 days ago' /dev/null 2>/dev/null; then
	echo "1..0 # SKIP touch -d is not available"
	exit 0
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/wb-vacuum-XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
wh=$tmp/wh
dir=$wh/main/default/t
n=0

wb() {
	"$WB" --warehouse "$wh" --mode csv "$@" 2>&1
}

check() {   # check NAME WANT GOT
	n=$((n + 1))
	if [ "$2" = "$3" ]; then
		echo "ok $n - $1"
	else
		echo "not ok $n - $1"
		printf '%s\n' "# want:" "$2" "# got:" "$3" | sed 's/^/#   /'
	fi
}

exists() {   # the names among $@ that exist in $dir, space-separated
	out=
	for f in "$@"; do
		[ -e "$dir/$f" ] && out="$out $f"
	done
	echo "${out# }"
}

echo "1..12"
wb -c "CREATE TABLE t USING DELTA AS SELECT range AS id FROM range(100)" \
   -c "INSERT OVERWRITE t SELECT range FROM range(50)" >/dev/null
# the file version 1 removed (its tombstone: now)
A=$(sed -n 's/.*"remove":{"path":"\([^"]*\)".*/\1/p' "$dir/_delta_log/00000000000000000001.json")
touch -d '30 days ago' "$dir/$A"                 # old file, recent tombstone: kept
echo data > "$dir/old-untracked.parquet"         # a failed commit's file, 10 days old: deleted (5 bytes)
touch -d '10 days ago' "$dir/old-untracked.parquet"
echo crc > "$dir/.old-untracked.parquet.crc"     # its side file goes with it (4 bytes)
touch -d '10 days ago' "$dir/.old-untracked.parquet.crc"
echo data > "$dir/recent-untracked.parquet"      # 6 days old: kept (retention 7 days)
touch -d '6 days ago' "$dir/recent-untracked.parquet"
echo data > "$dir/new-untracked.parquet"         # just written (a commit in progress): kept
mkdir "$dir/sub"
echo data > "$dir/sub/old.parquet"               # 10 days old, in a sub-directory: deleted (5 bytes)
touch -d '10 days ago' "$dir/sub/old.parquet"
echo x > "$dir/_ignored"                         # '_' and '.' names: never touched
echo x > "$dir/.hidden"
touch -d '30 days ago' "$dir/_ignored" "$dir/.hidden"
logs_before=$(ls "$dir/_delta_log" | grep -c '\.json$')

got=$(wb -c "VACUUM t DRY RUN")
want="path
$dir/.old-untracked.parquet.crc
$dir/old-untracked.parquet
$dir/sub/old.parquet"
check "DRY RUN lists the old untracked files, their side file and the sub-directory's" "$want" "$got"
check "DRY RUN deletes nothing and commits nothing" "$logs_before 2" \
	"$(ls "$dir/_delta_log" | grep -c '\.json$') $(exists old-untracked.parquet sub/old.parquet | wc -w)"

got=$(wb -c "VACUUM t")
want="path,numDeletedFiles,numDeletedBytes
$dir,3,14"
check "VACUUM deletes them" "$want" "$got"
check "what stays: live, recently removed, recent untracked, hidden" \
	"$A recent-untracked.parquet new-untracked.parquet _ignored .hidden" \
	"$(exists "$A" old-untracked.parquet .old-untracked.parquet.crc recent-untracked.parquet new-untracked.parquet \
	    sub/old.parquet _ignored .hidden)"
check "the emptied sub-directory is removed" "no" "$([ -d "$dir/sub" ] && echo yes || echo no)"
check "VACUUM START and VACUUM END are logged" "VACUUM START VACUUM END" \
	"$(cat "$dir/_delta_log/00000000000000000002.json" "$dir/_delta_log/00000000000000000003.json" |
	    sed -n 's/.*"operation":"\([A-Z ]*\)".*/\1/p' | tr '\n' ' ' | sed 's/ $//')"

# the tombstone decides for a removed file: move its deletionTimestamp 10
# days back and give the file a fresh modification time
old_ms=$(( ($(date +%s) - 10 * 86400) * 1000 ))
sed -i "s/\"deletionTimestamp\":[0-9]*/\"deletionTimestamp\":$old_ms/" "$dir/_delta_log/00000000000000000001.json"
touch "$dir/$A"
got=$(wb -c "VACUUM t DRY RUN")
check "a file removed 10 days ago goes, whatever its own time" "path
$dir/$A" "$got"
wb -c "VACUUM t" >/dev/null
check "and is deleted" "" "$(exists "$A")"
check "the latest version still reads" "count(*)
50" "$(wb -c "SELECT count(*) FROM t")"
got=$(wb -c "SELECT count(*) FROM t VERSION AS OF 0" | head -1)
check "version 0 names its missing file" "Error: version 0 of Delta table $dir needs data file $dir/$A, which no longer exists" "$got"

got=$(wb -c "VACUUM t RETAIN 0 HOURS" | head -1)
check "RETAIN 0 HOURS is refused" "Error: VACUUM ... RETAIN 0 HOURS is shorter than the retention of \"t\", 168 hours (delta.deletedFileRetentionDuration): readers of older versions, time travel and writers still running may need files removed since then" "$got"
wb -c "SET spark.databricks.delta.retentionDurationCheck.enabled = false" -c "VACUUM t RETAIN 0 HOURS" >/dev/null
check "with the check off, RETAIN 0 HOURS takes every untracked file; the log and hidden names stay" \
	"_ignored .hidden _delta_log/00000000000000000000.json" \
	"$(exists recent-untracked.parquet new-untracked.parquet _ignored .hidden _delta_log/00000000000000000000.json)"
