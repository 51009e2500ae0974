#!/bin/sh
# stream_crash.sh: streaming tables refreshed by processes that die at any
# moment end with every row of every file exactly once. TAP.
#
# Files from `wb generate ecommerce` keep arriving in a landing folder.
# Two streaming tables read it: bronze.ev (the rows as they are, two files
# a batch) and gold.hourly (hourly windows per event type with a watermark,
# three files a batch). In a loop, a process refreshing them dies:
#   - at a chosen point of a batch (WB_TEST_CRASH_AT: after its offsets are
#     written, after its aggregation state, just before its Delta commit,
#     just after it, after its commit record), like a kill -9 there;
#   - or by kill -9 after a random delay, while `wb stream run` or REFRESH
#     plans, reads, writes or commits.
# After each death the tables are readable and never hold more rows than
# the files. At the end, after a clean refresh:
#   - bronze.ev has exactly the rows of the files: same count, same
#     checksums over every column (so nothing lost, nothing twice);
#   - each batch id was committed once (one txn action per batch id in the
#     Delta log, ids 0..N without a gap);
#   - gold.hourly, after a last file moves the watermark past every window,
#     holds exactly the windows a plain GROUP BY over the files gives
#     (count, sum, min per window and type), and dropped no late row (the
#     delay, 3 days, exceeds the files' 2-day span).
# Run it with: make check TESTS=tests/stream_crash.sh
srcdir=${WB_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
WB=${WB:-$srcdir/wb}
if [ ! -x "$WB" ]; then
	echo "Bail out! $WB not built (run make)"
	exit 1
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/wb-stream-crash-XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
wh=$tmp/wh
land=$tmp/landing
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
# a random number in [0, $1)
rnd() { echo $(( $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % $1 )); }

nfiles=0
add_file() {
	nfiles=$((nfiles + 1))
	"$WB" generate ecommerce --rows 60 --seed "$nfiles" --days 2 -o "$land/f$(printf %03d $nfiles).csv"
}

refresh="-c REFRESH STREAMING TABLE bronze.ev"
add_file
add_file
"$WB" --warehouse "$wh" -c "CREATE OR REFRESH STREAMING TABLE bronze.ev AS SELECT * FROM STREAM read_csv('$land/', maxFilesPerTrigger => 2, fileStableMs => 0)" \
	-c "CREATE OR REFRESH STREAMING TABLE gold.hourly AS SELECT window(event_time, '1 hour') AS w, event_type, count(*) AS n, sum(price) AS revenue, min(price) AS lo FROM STREAM read_csv('$land/*.csv', maxFilesPerTrigger => 3, fileStableMs => 0) WATERMARK event_time DELAY OF INTERVAL 3 DAYS GROUP BY ALL" >/dev/null 2>&1
ok $? "set up: two streaming tables over $land"

points="after_offsets after_state before_commit after_commit after_batch"
iters=30
i=1
while [ $i -le $iters ]; do
	[ $((i % 2)) = 1 ] && add_file
	mode=$((i % 7))
	case $mode in
	[0-4])
		point=$(echo $points | cut -d' ' -f$((mode + 1)))
		what="dies $point"
		WB_TEST_CRASH_AT=$point "$WB" --warehouse "$wh" -c "REFRESH STREAMING TABLE bronze.ev" \
			-c "REFRESH STREAMING TABLE gold.hourly" >/dev/null 2>&1
		;;
	5)
		delay=$(awk -v r="$(rnd 400)" 'BEGIN { printf "%.3f", r / 1000 }')
		what="wb stream run killed after ${delay}s"
		"$WB" stream run bronze.ev --every 50ms --warehouse "$wh" >/dev/null 2>&1 &
		pid=$!
		sleep "$delay"
		kill -9 $pid 2>/dev/null
		wait $pid 2>/dev/null
		;;
	6)
		delay=$(awk -v r="$(rnd 300)" 'BEGIN { printf "%.3f", r / 1000 }')
		what="REFRESH killed after ${delay}s"
		"$WB" --warehouse "$wh" -c "REFRESH STREAMING TABLE gold.hourly" -c "REFRESH STREAMING TABLE bronze.ev" >/dev/null 2>&1 &
		pid=$!
		sleep "$delay"
		kill -9 $pid 2>/dev/null
		wait $pid 2>/dev/null
		;;
	esac
	got=$(q "SELECT count(*) <= (SELECT count(*) FROM read_csv('$land/*.csv')) FROM bronze.ev")
	ok "$(same "$got" true)" "iteration $i ($what): bronze.ev is readable and holds no more rows than the files" "$got"
	i=$((i + 1))
done

# the end: a clean refresh finishes what the crashes left
"$WB" --warehouse "$wh" -c "REFRESH STREAMING TABLE bronze.ev" -c "REFRESH STREAMING TABLE gold.hourly" >/dev/null 2>&1
ok $? "a clean refresh after $iters deaths"
sums="count(*), sum(hash(CAST(event_time AS VARCHAR), event_type, product_id, category_id, category_code, brand, CAST(price AS VARCHAR), user_id, user_session) % 1000003), sum(hash(user_session, CAST(price AS VARCHAR)) % 999983)"
want=$(q "SELECT $sums FROM read_csv('$land/*.csv')")
got=$(q "SELECT $sums FROM bronze.ev")
ok "$(same "$got" "$want")" "bronze.ev holds every row of the $nfiles files exactly once (rows, checksums)" "files: $want, table: $got"

dir=$wh/main/bronze/ev
txns=$(grep -h -o '"txn":{"appId":"[^"]*","version":[0-9]*' "$dir"/_delta_log/*.json | sed 's/.*"version"://' | sort -n)
batches=$(q "SELECT value FROM (DESCRIBE STREAM bronze.ev) WHERE name = 'batches'")
expect=$(seq 0 $((batches - 1)))
ok "$(same "$txns" "$expect")" "each of the $batches batches was committed once, in order (txn versions 0..$((batches - 1)))" "$(echo $txns)"
pending=$(q "SELECT count(*) FROM (DESCRIBE STREAM bronze.ev) WHERE name = 'pending'")
ok "$(same "$pending" 0)" "no batch is left planned and uncommitted"

# a last file far ahead moves the watermark past every window of October
printf 'event_time,event_type,product_id,category_id,category_code,brand,price,user_id,user_session\n2019-11-01 00:00:00 UTC,view,1,1,,,1.00,1,s\n' >"$land/zz-flush.csv"
"$WB" --warehouse "$wh" -c "REFRESH STREAMING TABLE gold.hourly" >/dev/null 2>&1
ok $? "gold.hourly: a refresh with a file that closes every window"
win="timestamp_micros(unix_micros(event_time) - pmod(unix_micros(event_time), 3600000000))"
gsum="count(*), sum(n), round(sum(revenue), 2), sum(hash(CAST(w_start AS VARCHAR), event_type, n, CAST(round(revenue, 2) AS VARCHAR), CAST(lo AS VARCHAR)) % 1000003)"
want=$(q "SELECT $gsum FROM (SELECT $win AS w_start, event_type, count(*) AS n, sum(price) AS revenue, min(price) AS lo FROM read_csv('$land/f*.csv') GROUP BY ALL)")
got=$(q "SELECT $gsum FROM gold.hourly")
ok "$(same "$got" "$want")" "gold.hourly holds exactly the windows of a GROUP BY over the files (windows, rows, revenue, checksum)" "GROUP BY: $want, table: $got"
late=$(q "SELECT value FROM (DESCRIBE STREAM gold.hourly) WHERE name = 'late rows dropped'")
ok "$(same "$late" 0)" "gold.hourly dropped no row (the delay exceeds the data's span)" "$late"
open=$(q "SELECT value FROM (DESCRIBE STREAM gold.hourly) WHERE name = 'open windows'")
ok "$(same "$open" 1)" "only the last file's window is still open" "$open"
echo "1..$n"
exit $fail
