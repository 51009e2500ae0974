#!/bin/sh
# wb job run on tests/jobs/retry: a task failing once is retried after its
# backoff and succeeds; tasks past their timeout are killed with
# everything they started (TIMEDOUT); run_if decides what runs after
# failures; the run fails with exit status 1. Then wb job repair re-runs
# only what did not succeed and what depends on it, as a new attempt of
# the same run.
set -u
src=${WB_SRCDIR:-.}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -r "$src/tests/jobs/retry" "$tmp/r"
lake="$tmp/lake"
n=0
t() {
	n=$((n + 1))
	if [ "$2" -eq 0 ]; then echo "ok $n - $1"; else echo "not ok $n - $1"; [ -n "${3:-}" ] && printf '%s\n' "$3" | sed 's/^/# /'; fi
}
q() { "$WB" --warehouse "$lake" --csv -c "$1" 2>&1 | tail -n +2; }
is() { [ "$2" = "$3" ]; t "$1" $? "got:  $2
want: $3"; }
# processes whose working directory is the job's folder: the tasks and
# anything they started
left_behind() {
	for p in /proc/[0-9]*; do
		[ "$(readlink "$p/cwd" 2>/dev/null)" = "$tmp/r" ] && echo "${p#/proc/} $(tr '\0' ' ' < "$p/cmdline" 2>/dev/null)"
	done
}

"$WB" job run "$tmp/r/retry.job" --warehouse "$lake" --max-parallel 4 > "$tmp/out" 2>&1
rc=$?
is "a run with failed tasks exits with status 1" "$rc" "1"
status() { q "SELECT status FROM (SHOW JOB TASKS FOR RUN 1) WHERE task_key = '$1'"; }
is "the flaky task succeeds on its retry" "$(status flaky)" "SUCCESS"
is "... after 2 attempts" "$(q "SELECT attempts FROM (SHOW JOB TASKS FOR RUN 1) WHERE task_key = 'flaky'")" "2"
grep -q "flaky: FAILED in .*: .*could not convert 'attempt 1 fails' to BIGINT; retrying in 0.3 s (attempt 2 of 3)" "$tmp/out"
t "the failure is shown with its error, the backoff and the attempt" $? "$(grep flaky "$tmp/out")"
grep -q '"attempt":1,"repair":0,.*"status":"FAILED","exit_code":1,.*"error":".*attempt 1 fails' \
	"$lake/_jobs/retry/runs/1/run.json"
t "the attempt history keeps the failed attempt and its error" $? "$(grep -o '"attempt_history[^]]*' "$lake/_jobs/retry/runs/1/run.json" | head -3)"
a1=$(sed -n 's/.*"task_key":"flaky".*"attempt":1,"repair":0,"start_time":[0-9]*,"end_time":\([0-9]*\).*"attempt":2,"repair":0,"start_time":\([0-9]*\).*/\1 \2/p' \
	"$lake/_jobs/retry/runs/1/run.json")
set -- $a1
[ $# -eq 2 ] && [ $(($2 - $1)) -ge 300 ]
t "the retry waited for its backoff (300 ms)" $? "attempt 1 ended $1, attempt 2 started ${2:-?}"

is "a task past its timeout is TIMEDOUT" "$(status slow)" "TIMEDOUT"
got=$(q "SELECT duration_s >= 1 AND duration_s < 5, error LIKE 'timed out after 1.0 s%' FROM (SHOW JOB TASKS FOR RUN 1) WHERE task_key = 'slow'")
is "... after about its timeout, saying so" "$got" "true,true"
is "a task whose .shell child outlives the timeout is TIMEDOUT too" "$(status sleeper)" "TIMEDOUT"
got=$(left_behind)
is "nothing the timed-out tasks started is left running (the process group was killed)" "$got" ""

is "all_success after a timeout: UPSTREAM_FAILED" "$(status after_slow)" "UPSTREAM_FAILED"
is "at_least_one_failed after a timeout: runs" "$(status cleanup)" "SUCCESS"
is "all_done after a timeout: runs" "$(status always)" "SUCCESS"
is "at_least_one_failed when nothing failed: SKIPPED" "$(status on_flaky_failure)" "SKIPPED"
got=$(q "SELECT error FROM (SHOW JOB TASKS FOR RUN 1) WHERE task_key = 'after_slow'")
is "an upstream failure names the upstream task" "$got" "upstream failed: slow TIMEDOUT"
is "the run is FAILED (a leaf task failed)" "$(q "SELECT status FROM (SHOW JOB RUNS IN retry)")" "FAILED"
grep -q '^run 1 of retry: FAILED in .* (4 SUCCESS, 2 TIMEDOUT, 1 UPSTREAM_FAILED, 1 SKIPPED)$' "$tmp/out"
t "the summary counts the outcomes" $? "$(tail -2 "$tmp/out")"

# repair: fix the slow notebooks, re-run what did not succeed
echo "SELECT 1 AS quick;" > "$tmp/r/forever.wb"
echo "SELECT 2 AS quick;" > "$tmp/r/sleeper.wb"
"$WB" job repair 1 --warehouse "$lake" > "$tmp/rep" 2>&1
rc=$?
is "the repair succeeds (exit 0)" "$rc" "0"
grep -q '^repair 1 of run 1 of retry: re-running 6 tasks: slow sleeper after_slow cleanup always on_flaky_failure$' "$tmp/rep"
t "it re-runs the failed and skipped tasks and those downstream of them, not setup and flaky" $? "$(head -1 "$tmp/rep")"
got=$(q "SELECT task_key || ':' || status || ':' || attempts FROM (SHOW JOB TASKS FOR RUN 1) ORDER BY task_key" | tr '\n' ' ')
is "after the repair: statuses and attempts" "$got" \
	"after_slow:SUCCESS:1 always:SUCCESS:2 cleanup:SKIPPED:1 flaky:SUCCESS:2 on_flaky_failure:SKIPPED:0 setup:SUCCESS:1 sleeper:SUCCESS:2 slow:SUCCESS:2 "
is "the repaired run is SUCCESS, recorded against the same run" \
	"$(q "SELECT count(*) || ':' || max(status) || ':' || max(repairs) FROM (SHOW JOB RUNS IN retry)")" "1:SUCCESS:1"
[ -f "$lake/_jobs/retry/runs/1/logs/slow.2.log" ] && [ -f "$lake/_jobs/retry/runs/1/logs/slow.1.log" ]
t "the repair's attempt has a log of its own" $? "$(ls "$lake/_jobs/retry/runs/1/logs")"
grep -q '"attempt":2,"repair":1,' "$lake/_jobs/retry/runs/1/run.json"
t "the repair's attempts are marked as such" $? ""
"$WB" job repair 1 --warehouse "$lake" > "$tmp/rep2" 2>&1
rc=$?
grep -q 'nothing to repair' "$tmp/rep2" && [ $rc -eq 0 ]
t "a successful run has nothing to repair" $? "$(cat "$tmp/rep2")"
"$WB" job repair 1 --task flaky --warehouse "$lake" > "$tmp/rep3" 2>&1
grep -q '^repair 2 of run 1 of retry: re-running 3 tasks: flaky cleanup on_flaky_failure$' "$tmp/rep3"
t "--task re-runs that task and what depends on it" $? "$(cat "$tmp/rep3")"
"$WB" job repair 1 --task nosuch --warehouse "$lake" > "$tmp/rep4" 2>&1
rc=$?
grep -q -- '--task nosuch: job retry has no such task' "$tmp/rep4" && [ $rc -eq 2 ]
t "--task with an unknown task is refused" $? "$(cat "$tmp/rep4")"
echo "1..$n"
