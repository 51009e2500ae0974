#!/bin/sh
# delta_concurrent.sh: two wb processes writing one Delta table. TAP.
#
#   1. An UPDATE is rewriting a big file when another process commits a
#      DELETE: the UPDATE read a version that is no longer the latest and a
#      data change won in between, so it fails with a conflict error; the
#      table holds exactly the DELETE's result and none of the UPDATE's.
#   2. A big INSERT (a blind append) is writing its file when another
#      process commits a DELETE: the INSERT loses the version race, finds
#      nothing it conflicts with, and commits at the next version.
#
# The second process starts once the first has created its new data file
# (it has read its snapshot by then), and the first has seconds of rows
# left to write, so the interleaving does not depend on luck.
# Run it with: make check TESTS=tests/delta_concurrent.sh
srcdir=${WB_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
WB=${WB:-$srcdir/wb}
if [ ! -x "$WB" ]; then
	echo "Bail out! $WB not built (run make)"
	exit 1
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/wb-delta-conc-XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
wh=$tmp/wh
dir=$wh/main/default/t
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
wb() { "$WB" --warehouse "$wh" --bail -c "$@"; }
q() { "$WB" --warehouse "$wh" --mode csv -c "$1" | tail -n 1; }
files() { ls "$dir"/*.parquet 2>/dev/null | wc -l; }
# wait (up to 20 s) until the table directory has more than $1 data files
wait_new_file() {
	i=0
	while [ "$(files)" -le "$1" ] && [ $i -lt 400 ]; do
		sleep 0.05
		i=$((i + 1))
	done
}

big=3000000
wb "CREATE TABLE t USING DELTA AS SELECT range AS id, 0 AS v FROM range($big)" >/dev/null 2>&1
wb "INSERT INTO t SELECT range + 10000000, 0 FROM range(10)" >/dev/null 2>&1
ok $? "set up: a big file and a small one"

# 1. UPDATE vs a concurrent DELETE
before=$(files)
"$WB" --warehouse "$wh" -c "UPDATE t SET v = v + 1 WHERE id < 10000000" >"$tmp/upd.out" 2>"$tmp/upd.err" &
pid=$!
wait_new_file "$before"
wb "DELETE FROM t WHERE id = 10000005" >"$tmp/del.out" 2>&1
del=$?
wait $pid
upd=$?
ok $del "the DELETE commits while the UPDATE runs" "$(cat "$tmp/del.out")"
if [ $upd -ne 0 ] && grep -q "conflicts with version 2 (DELETE" "$tmp/upd.err"; then r=0; else r=1; fi
ok $r "the UPDATE fails with a conflict naming the DELETE's version" "exit $upd: $(cat "$tmp/upd.err")"
got=$(q "SELECT count(*), sum(v), count(*) FILTER (WHERE id = 10000005) FROM t")
ok "$([ "$got" = "$((big + 9)),0,0" ] && echo 0 || echo 1)" "the table holds the DELETE's result and nothing of the UPDATE" "$got"
after=$(files)
ok "$([ "$after" = $((before + 1)) ] && echo 0 || echo 1)" "the UPDATE's new data file is gone (only the DELETE's stays)" "$before -> $after files"
last=$(ls "$dir/_delta_log" | grep -c '\.json$')
ok "$([ "$last" = 3 ] && echo 0 || echo 1)" "no version was committed by the UPDATE" "$(ls "$dir/_delta_log")"

# 2. a blind append vs a concurrent DELETE: the append retries
before=$(files)
"$WB" --warehouse "$wh" -c "INSERT INTO t SELECT range + 20000000, 1 FROM range($big)" >"$tmp/ins.out" 2>"$tmp/ins.err" &
pid=$!
wait_new_file "$before"
wb "DELETE FROM t WHERE id = 10000006" >"$tmp/del2.out" 2>&1
del=$?
wait $pid
ins=$?
ok $del "the DELETE commits while the INSERT runs" "$(cat "$tmp/del2.out")"
ok $ins "the INSERT succeeds" "$(cat "$tmp/ins.err")"
got=$(q "SELECT count(*), sum(v) FROM t")
ok "$([ "$got" = "$((2 * big + 8)),$big" ] && echo 0 || echo 1)" "both changes are in the table" "$got"
v5=$dir/_delta_log/00000000000000000004.json
if grep -q '"operation":"WRITE"' "$v5" && grep -q '"readVersion":2' "$v5"; then r=0; else r=1; fi
ok $r "the INSERT is version 4, written on version 2 (it retried past the DELETE's 3)" "$(head -c 400 "$v5")"
echo "1..$n"
exit $fail
