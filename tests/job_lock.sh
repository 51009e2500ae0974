#!/bin/sh
# One run of a job at a time: a second `wb job run` while the first holds
# the job's lock says who holds it and exits with status 3 without running
# anything; with --wait it starts when the first ends. The lock is gone
# when the run ends (and a run of another job is not blocked by it).
set -u
src=${WB_SRCDIR:-.}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -r "$src/tests/jobs/lock" "$tmp/l"
lake="$tmp/lake"
n=0
t() {
	n=$((n + 1))
	if [ "$2" -eq 0 ]; then echo "ok $n - $1"; else echo "not ok $n - $1"; [ -n "${3:-}" ] && printf '%s\n' "$3" | sed 's/^/# /'; fi
}
q() { "$WB" --warehouse "$lake" --csv -c "$1" 2>&1 | tail -n +2; }

"$WB" job run "$tmp/l/hold.job" --warehouse "$lake" > "$tmp/first" 2>&1 &
first=$!
# wait until the first run holds the lock (its record exists)
i=0
while [ ! -f "$lake/_jobs/hold/runs/1/run.json" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
"$WB" job run "$tmp/l/hold.job" --warehouse "$lake" > "$tmp/second" 2>&1
rc=$?
[ $rc -eq 3 ]
t "a second run while the first runs exits with status 3" $? "exit $rc: $(cat "$tmp/second")"
grep -q "^wb job: job hold is already running (run 1, pid $first on .*, since .*; lock $lake/_jobs/hold/lock)$" "$tmp/second"
t "it names the run and process holding the lock" $? "$(cat "$tmp/second")"
grep -q '^HINT: .*--wait' "$tmp/second"
t "and says how to wait" $? "$(cat "$tmp/second")"
[ ! -d "$lake/_jobs/hold/runs/2" ]
t "the refused run ran nothing and recorded nothing" $? "$(ls "$lake/_jobs/hold/runs")"
"$WB" job run "$tmp/l/hold.job" --warehouse "$lake" --wait > "$tmp/third" 2>&1
rc=$?
wait $first
grep -q '^waiting for the running job hold to end (run 1, pid ' "$tmp/third"
t "--wait says what it waits for" $? "$(cat "$tmp/third")"
got=$(q "SELECT a.start_time >= b.end_time FROM (SHOW JOB RUNS IN hold) a, (SHOW JOB RUNS IN hold) b WHERE a.run_id = 2 AND b.run_id = 1")
[ "$got" = "true" ]
t "with --wait the run starts after the first one ended (runs never overlap)" $? "got $got; $(cat "$tmp/third")"
[ $rc -eq 1 ] && [ "$(q "SELECT status FROM (SHOW JOB TASKS FOR RUN 2)")" = "TIMEDOUT" ]
t "and then runs (its task timed out, as it should)" $? "exit $rc"
# the lock was released: a run starts at once
sed -e 's/^name = hold/name = other/' "$tmp/l/hold.job" > "$tmp/l/other.job"
"$WB" job run "$tmp/l/other.job" --warehouse "$lake" > "$tmp/other" 2>&1 &
other=$!
sleep 0.3
"$WB" job run "$tmp/l/hold.job" --warehouse "$lake" > "$tmp/fourth" 2>&1
rc=$?
wait $other
[ $rc -eq 1 ] && grep -q '^run 4 of hold' "$tmp/fourth"
t "after the runs ended the lock is free, and another job's run does not hold it" $? "exit $rc: $(cat "$tmp/fourth")"
[ ! -s "$lake/_jobs/hold/lock" ]
t "the lock file names no holder once released" $? "$(cat "$lake/_jobs/hold/lock")"
echo "1..$n"
