#!/bin/sh
# Schedules: wb job schedule installs, replaces and removes exactly its own
# crontab line (against a fake crontab on PATH that keeps the table in a
# temporary file - the user's crontab is never touched), refuses bad cron
# expressions, and the line it installs really runs the job (trigger
# PERIODIC). wb job daemon --at runs the jobs due at that minute and only
# those; a daemon in the foreground stops on SIGTERM.
set -u
src=${WB_SRCDIR:-.}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -r "$src/tests/jobs/schedule" "$tmp/s"
mkdir "$tmp/bin" && cp "$src/tests/jobs/schedule/crontab" "$tmp/bin/crontab" && chmod +x "$tmp/bin/crontab"
PATH="$tmp/bin:$PATH"
FAKE_CRONTAB="$tmp/table"
export PATH FAKE_CRONTAB
lake="$tmp/lake"
job="$tmp/s/nightly.job"
cd "$tmp" || exit 1
n=0
t() {
	n=$((n + 1))
	if [ "$2" -eq 0 ]; then echo "ok $n - $1"; else echo "not ok $n - $1"; [ -n "${3:-}" ] && printf '%s\n' "$3" | sed 's/^/# /'; fi
}
q() { "$WB" --warehouse "$lake" --csv -c "$1" 2>&1 | tail -n +2; }

[ "$(command -v crontab)" = "$tmp/bin/crontab" ]
t "the fake crontab is the one on PATH" $? "$(command -v crontab)"
printf 'MAILTO=someone\n5 4 * * * /usr/bin/true # not ours\n' > "$FAKE_CRONTAB"
"$WB" job schedule "$job" --warehouse "$lake" > out 2>&1
t "wb job schedule installs the file's schedule" $? "$(cat out)"
grep -q '^installed the crontab entry of job nightly: 0 23 \* \* \* (next run .*); output goes to ' out
t "it says what it installed and when it runs next" $? "$(cat out)"
[ "$(sed -n 1,2p "$FAKE_CRONTAB")" = "MAILTO=someone
5 4 * * * /usr/bin/true # not ours" ]
t "the other lines of the table are kept" $? "$(cat "$FAKE_CRONTAB")"
line=$(grep -c "# wb-job:$job\$" "$FAKE_CRONTAB")
[ "$line" = "1" ] && grep -q "^0 23 \* \* \* cd '$tmp/s' && '.*' job run '$job' --warehouse '$lake' --trigger PERIODIC >> '$lake/_jobs/nightly/cron.log' 2>&1 # wb-job:$job\$" "$FAKE_CRONTAB"
t "one line, tagged with the job file" $? "$(cat "$FAKE_CRONTAB")"
"$WB" job schedule "$job" --cron '*/10 8-18 * * mon-fri' --warehouse "$lake" > out 2>&1
grep -q '^replaced the crontab entry' out && [ "$(grep -c 'wb-job:' "$FAKE_CRONTAB")" = "1" ] &&
	grep -q "^\*/10 8-18 \* \* mon-fri cd " "$FAKE_CRONTAB" && [ "$(wc -l < "$FAKE_CRONTAB")" -eq 3 ]
t "scheduling again replaces the line (idempotent), --cron wins over the file" $? "$(cat out "$FAKE_CRONTAB")"
cp "$FAKE_CRONTAB" before
"$WB" job schedule "$job" --cron '0 24 * * *' > out 2>&1
rc=$?
[ $rc -eq 2 ] && grep -q "hour: '24' is out of range 0-23" out && cmp -s before "$FAKE_CRONTAB"
t "a bad cron expression is refused and the table is unchanged" $? "exit $rc: $(cat out)"
"$WB" job schedule "$job" --cron '0 0 31 2 *' > out 2>&1
[ $? -eq 2 ] && grep -q "never matches a date" out && cmp -s before "$FAKE_CRONTAB"
t "so is one that never matches (31 February)" $? "$(cat out)"
printf '[task a]\nnotebook = count.wb\n' > "$tmp/s/plain.job"
"$WB" job schedule "$tmp/s/plain.job" > out 2>&1
[ $? -eq 2 ] && grep -q "has no schedule" out && grep -q -- "--cron" out
t "a job without a schedule needs --cron" $? "$(cat out)"

# the installed line runs the job (as cron would: sh -c with the command)
cmd=$(grep 'wb-job:' "$FAKE_CRONTAB" | cut -d' ' -f6-)
(cd / && sh -c "$cmd")
t "the crontab command runs" $? "$cmd"
[ "$(q "SELECT trigger || ':' || status FROM (SHOW JOB RUNS IN nightly)")" = "PERIODIC:SUCCESS" ] &&
	[ "$(q "SELECT trigger FROM default.runs")" = "PERIODIC" ]
t "a scheduled run is recorded with trigger PERIODIC (and {{job.trigger.type}} says so)" $? \
	"$(q "SELECT * FROM (SHOW JOB RUNS)"; cat "$lake/_jobs/nightly/cron.log")"
grep -q '^run 1 of nightly: SUCCESS' "$lake/_jobs/nightly/cron.log"
t "its output went to cron.log" $? "$(cat "$lake/_jobs/nightly/cron.log")"

"$WB" job schedule "$job" --remove --warehouse "$lake" > out 2>&1
grep -q '^removed the crontab entry of job nightly' out && cmp -s "$FAKE_CRONTAB" - <<'END'
MAILTO=someone
5 4 * * * /usr/bin/true # not ours
END
t "--remove removes exactly its line" $? "$(cat out "$FAKE_CRONTAB")"
"$WB" job schedule "$job" --remove > out 2>&1
[ $? -eq 0 ] && grep -q 'nothing to remove' out
t "--remove again: nothing to remove" $? "$(cat out)"
rm "$FAKE_CRONTAB"
"$WB" job schedule "$job" --warehouse "$lake" > out 2>&1 && [ "$(grep -c 'wb-job:' "$FAKE_CRONTAB")" = "1" ]
t "a user without a crontab gets one" $? "$(cat out)"

# the daemon
"$WB" job daemon "$tmp/s" --warehouse "$lake" --at '2024-03-05 22:59' > out 2>&1
rc=$?
[ $rc -eq 0 ] && grep -q 'no job is due at 2024-03-05 22:59' out && [ "$(q "SELECT count(*) FROM (SHOW JOB RUNS)")" = "1" ]
t "daemon --at a minute nothing is due: nothing runs" $? "exit $rc: $(cat out)"
grep -q 'plain.job: job plain has no schedule' out
t "it says which job files have no schedule" $? "$(cat out)"
"$WB" job daemon "$tmp/s" --warehouse "$lake" --at '2024-03-05 23:00' > out 2>&1
rc=$?
[ $rc -eq 0 ] && grep -q 'nightly: starting a run' out && grep -q 'nightly: run ended (exit status 0, success)' out
t "daemon --at the scheduled minute runs the job" $? "exit $rc: $(cat out)"
[ "$(q "SELECT count(*) FILTER (WHERE trigger = 'PERIODIC') FROM (SHOW JOB RUNS IN nightly)")" = "2" ]
t "that run is recorded as PERIODIC" $? "$(q "SELECT * FROM (SHOW JOB RUNS)")"
printf '[job]\nschedule = 0 25 * * *\n[task a]\nnotebook = count.wb\n' > "$tmp/s/broken.job"
"$WB" job daemon "$tmp/s" --warehouse "$lake" --at '2024-03-05 23:00' > out 2>&1
grep -q "broken.job:2: schedule: cron expression '0 25 \* \* \*'" out && grep -q 'nightly: starting a run' out
t "a broken job file is reported and the others still run" $? "$(cat out)"
rm "$tmp/s/broken.job"
"$WB" job daemon "$tmp/s" --warehouse "$lake" > daemon.out 2>&1 &
d=$!
i=0
while ! grep -q 'SIGINT or SIGTERM stops it' daemon.out && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
kill -TERM $d
wait $d
rc=$?
[ $rc -eq 0 ] && grep -q 'wb job daemon: 1 scheduled job, warehouse ' daemon.out && grep -q '^\[.*\] stopping: 0 runs in progress' daemon.out
t "the daemon runs in the foreground until SIGTERM" $? "exit $rc: $(cat daemon.out)"
echo "1..$n"
