#!/bin/sh
# wb job run on tests/jobs/pipeline: tasks run in dependency order, the two
# independent branches at the same time (their recorded start/end times
# overlap) unless --max-parallel 1 serialises them, parameters reach the
# notebooks (defaults, -p overrides, task parameters, {{...}} references),
# rows written come from the tasks' Delta commits, and the history is
# listed by wb job runs / wb job show and queryable as SHOW JOB RUNS/TASKS.
set -u
src=${WB_SRCDIR:-.}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -r "$src/tests/jobs/pipeline" "$tmp/p"
lake="$tmp/lake"
n=0
t() {	# t NAME CONDITION-EXIT-STATUS [DIAGNOSTIC]
	n=$((n + 1))
	if [ "$2" -eq 0 ]; then echo "ok $n - $1"; else echo "not ok $n - $1"; [ -n "${3:-}" ] && printf '%s\n' "$3" | sed 's/^/# /'; fi
}
q() { "$WB" --warehouse "$lake" --csv -c "$1" 2>&1 | tail -n +2; }
is() {	# is NAME GOT WANT
	[ "$2" = "$3" ]; t "$1" $? "got:  $2
want: $3"
}

"$WB" job run "$tmp/p/pipeline.job" --warehouse "$lake" --max-parallel 2 > "$tmp/out1" 2>&1
t "a run of the pipeline succeeds (exit 0)" $? "$(cat "$tmp/out1")"
grep -q '^run 1 of pipeline: 4 tasks, at most 2 at once; parameters day=2019-10-01, rows=1000$' "$tmp/out1"
t "it announces run 1, its tasks and parameters" $? "$(head -1 "$tmp/out1")"
grep -q '^\[..:..:..\] report: SUCCESS in .*, 1 row written$' "$tmp/out1"
t "a progress line per task, with rows written" $? "$(cat "$tmp/out1")"
grep -q '^run 1 of pipeline: SUCCESS in .* (4 SUCCESS)$' "$tmp/out1"
t "a summary line" $? "$(tail -2 "$tmp/out1")"

# order: each task starts after its dependencies ended
got=$(q "WITH t AS (SELECT * FROM (SHOW JOB TASKS FOR RUN 1))
	SELECT bool_and(l.start_time >= i.end_time AND r.start_time >= i.end_time
		AND rep.start_time >= l.end_time AND rep.start_time >= r.end_time)
	FROM t i, t l, t r, t rep
	WHERE i.task_key = 'ingest' AND l.task_key = 'left' AND r.task_key = 'right' AND rep.task_key = 'report'")
is "tasks start after their dependencies end (ingest < left, right < report)" "$got" "true"
# parallelism: the independent branches overlap
got=$(q "SELECT l.start_time < r.end_time AND r.start_time < l.end_time
	FROM (SHOW JOB TASKS FOR RUN 1) l, (SHOW JOB TASKS FOR RUN 1) r WHERE l.task_key = 'left' AND r.task_key = 'right'")
is "left and right ran at the same time (their intervals overlap)" "$got" "true"

# --max-parallel 1: the same job, one task at a time
"$WB" job run "$tmp/p/pipeline.job" --warehouse "$lake" --max-parallel 1 > "$tmp/out2" 2>&1
t "a second run with --max-parallel 1 succeeds" $? "$(cat "$tmp/out2")"
got=$(q "SELECT l.start_time >= r.end_time OR r.start_time >= l.end_time
	FROM (SHOW JOB TASKS FOR RUN 2) l, (SHOW JOB TASKS FOR RUN 2) r WHERE l.task_key = 'left' AND r.task_key = 'right'")
is "with --max-parallel 1 the branches do not overlap" "$got" "true"

# rows written: from the commits of each task
got=$(q "SELECT task_key || '=' || rows_written FROM (SHOW JOB TASKS FOR RUN 1) ORDER BY task_key" | tr '\n' ' ')
is "rows written per task (CREATE AS SELECT, INSERTs)" "$got" "ingest=1000 left=1000 report=1 right=1000 "
grep -q '"commits":\[{"table":"main.bronze.events","version":0,"operation":"CREATE TABLE AS SELECT","rows":1000}' \
	"$lake/_jobs/pipeline/runs/1/run.json"
t "run.json lists each task's commits by table name" $? "$(grep -o '"commits":[^]]*' "$lake/_jobs/pipeline/runs/1/run.json" | head -2)"

# parameters: -p overrides a default; task parameters and references resolve
"$WB" job run "$tmp/p/pipeline.job" --warehouse "$lake" -p rows=10 > "$tmp/out3" 2>&1
t "-p rows=10 runs" $? "$(cat "$tmp/out3")"
got=$(q "SELECT rows_written FROM (SHOW JOB TASKS FOR RUN 3) WHERE task_key = 'ingest'")
is "-p overrides the job parameter's default" "$got" "10"
got=$(q "SELECT parameters FROM (SHOW JOB RUNS IN pipeline) WHERE run_id = 3")
is "the run records its parameters" "$got" '"{""day"":""2019-10-01"",""rows"":""10""}"'
got=$(q "SELECT run || ':' || label || ':' || rows_seen FROM gold.report ORDER BY run" | tr '\n' ' ')
is "task parameters and {{job.run_id}} {{job.name}} {{task.name}} reach the notebook" "$got" \
	"1:pipeline #1 (report):2000 2:pipeline #2 (report):2000 3:pipeline #3 (report):20 "
got=$(q "SELECT parameters FROM (SHOW JOB TASKS FOR RUN 3) WHERE task_key = 'left'")
is "a task's parameters: its own, then the job's" "$got" '"{""side"":""left"",""day"":""2019-10-01"",""rows"":""10""}"'

# logs: one per attempt, holding the notebook's output
grep -q '^10 rows inserted$' "$lake/_jobs/pipeline/runs/3/logs/left.1.log"
t "each task's output is in its log" $? "$(cat "$lake/_jobs/pipeline/runs/3/logs/left.1.log" 2>&1)"
head -1 "$lake/_jobs/pipeline/runs/3/logs/left.1.log" | grep -q '^# wb job pipeline, run 3, task left, attempt 1 in '
t "a log starts with what ran" $? "$(head -2 "$lake/_jobs/pipeline/runs/3/logs/left.1.log")"

# history
"$WB" job runs "$tmp/p/pipeline.job" --warehouse "$lake" --csv > "$tmp/runs" 2>&1
got=$(cut -d, -f1,2 "$tmp/runs" | tr '\n' ' ')
is "wb job runs FILE lists the runs, newest first" "$got" "run_id,status 3,SUCCESS 2,SUCCESS 1,SUCCESS "
got=$("$WB" job runs pipeline --warehouse "$lake" --limit 1 --csv | tail -n +2 | cut -d, -f1,6)
is "wb job runs JOB --limit 1: the newest, with its task count" "$got" "3,4"
"$WB" job show 2 --warehouse "$lake" > "$tmp/show" 2>&1
grep -q '^run 2 of pipeline: SUCCESS$' "$tmp/show" && grep -q '│ left *│ SUCCESS *│ *1 │' "$tmp/show"
t "wb job show RUN_ID prints the run and a table of its tasks" $? "$(cat "$tmp/show")"
got=$(q "SELECT count(*), sum(rows_written) FROM (SHOW JOB RUNS) WHERE status = 'SUCCESS'")
is "SHOW JOB RUNS is a query like any other" "$got" "3,6033"
"$WB" job show 99 --warehouse "$lake" > "$tmp/err" 2>&1
[ $? -eq 1 ] && grep -q 'no run 99 in the warehouse' "$tmp/err"
t "wb job show of an unknown run says so" $? "$(cat "$tmp/err")"
"$WB" job runs pipleine --warehouse "$lake" > "$tmp/err" 2>&1
[ $? -eq 1 ] && grep -q 'job pipleine has no runs in the warehouse' "$tmp/err" && grep -q 'did you mean pipeline?' "$tmp/err"
t "wb job runs of a job that never ran here says so, with a suggestion" $? "$(cat "$tmp/err")"
# the warehouse's tables are not confused by _jobs
"$WB" --warehouse "$lake" -c ".tables" > "$tmp/tables" 2>&1
grep -q '_jobs' "$tmp/tables"
[ $? -ne 0 ]
t "the _jobs folder is not a catalog or table" $? "$(cat "$tmp/tables")"
echo "1..$n"
