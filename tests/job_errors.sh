#!/bin/sh
# Job files that are wrong are refused before anything runs, with the file,
# the line and what to write: each tests/jobs/errors/*.job starts with the
# comment "# error: <the message expected>". Then the command line's own
# errors, and the example job of wb-job(5), which must be valid.
set -u
src=${WB_SRCDIR:-.}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
t() {
	n=$((n + 1))
	if [ "$2" -eq 0 ]; then echo "ok $n - $1"; else echo "not ok $n - $1"; [ -n "${3:-}" ] && printf '%s\n' "$3" | sed 's/^/# /'; fi
}

cd "$src/tests/jobs/errors" || exit 1
for f in *.job; do
	want=$(sed -n '1s/^# error: //p' "$f")
	"$WB" job validate "$f" > "$tmp/out" 2> "$tmp/err"
	rc=$?
	got=$(head -1 "$tmp/err" | sed 's/^wb job: //')
	case "$got" in
	"$want"*) [ $rc -eq 2 ] && grep -q '^HINT: ' "$tmp/err"
		t "$f: $want (exit 2, with a hint)" $? "exit $rc; $(cat "$tmp/err")" ;;
	*) t "$f: $want" 1 "got: $(cat "$tmp/err")" ;;
	esac
done
# a bad file also stops `wb job run` before anything runs
"$WB" job run cycle.job --warehouse "$tmp/lake" > "$tmp/out" 2>&1
rc=$?
[ $rc -eq 2 ] && [ ! -e "$tmp/lake" ] && grep -q 'dependency cycle: a -> b -> c -> a' "$tmp/out"
t "wb job run refuses a cycle before running anything (exit 2)" $? "exit $rc: $(cat "$tmp/out")"
cd "$tmp" || exit 1

# command line errors
mkdir p && printf '[parameters]\nday = 1\n\n[task a]\nnotebook = a.wb\n' > p/j.job && echo "SELECT :day;" > p/a.wb
"$WB" job run p/j.job -p dya=2 --warehouse "$tmp/lake" > out 2>&1
rc=$?
[ $rc -eq 2 ] && grep -q -- '-p dya: the job has no parameter dya' out && grep -q 'did you mean day?' out && [ ! -d lake/_jobs/j/runs ]
t "-p with an undeclared parameter is refused, with a suggestion" $? "exit $rc: $(cat out)"
"$WB" job run p/j.job -p day > out 2>&1
[ $? -eq 2 ] && grep -q -- "-p expects NAME=VALUE, got 'day'" out
t "-p without a value" $? "$(cat out)"
"$WB" job rnu p/j.job > out 2>&1
[ $? -eq 2 ] && grep -q "unknown subcommand 'rnu' (did you mean run?)" out
t "an unknown subcommand, with a suggestion" $? "$(cat out)"
"$WB" job run p/j.job --cron '* * * * *' > out 2>&1
[ $? -eq 2 ] && grep -q "option --cron does not apply here" out
t "an option of another subcommand" $? "$(cat out)"
"$WB" job run p/j.job --max-parallel 0 > out 2>&1
[ $? -eq 2 ] && grep -q -- "--max-parallel needs a number from 1 to 1024, got '0'" out
t "--max-parallel 0" $? "$(cat out)"
"$WB" job run > out 2>&1
[ $? -eq 2 ] && grep -q "job run needs one job FILE" out
t "run without a file" $? "$(cat out)"
"$WB" job run nosuch.job > out 2>&1
[ $? -eq 2 ] && grep -q "nosuch.job" out
t "a job file that does not exist" $? "$(cat out)"
"$WB" job repair abc > out 2>&1
[ $? -eq 2 ] && grep -q "'abc' is not a run id" out
t "repair of something that is not a run id" $? "$(cat out)"
"$WB" job repair 42 --warehouse "$tmp/lake" > out 2>&1
[ $? -eq 2 ] && grep -q "no run 42 in the warehouse" out
t "repair of a run that does not exist" $? "$(cat out)"
"$WB" job > out 2>&1
[ $? -eq 2 ] && grep -q "usage: wb job run FILE" out
t "wb job alone prints the usage (exit 2)" $? "$(cat out)"
"$WB" job --help > out 2>&1
[ $? -eq 0 ] && grep -q "wb job daemon" out
t "wb job --help" $? "$(cat out)"

# the example of wb-job(5) is a valid job file
mkdir ex && awk '/^\.EX/ { on = 1; next } /^\.EE/ { on = 0 } on' "$src/man/wb-job.5" |
	sed -e 's/\\-/-/g' -e 's/\\e/\\/g' > ex/nightly.job
for nb in $(sed -n 's/^notebook = //p' ex/nightly.job); do echo "SELECT 1;" > "ex/$nb"; done
"$WB" job validate ex/nightly.job > out 2>&1
[ $? -eq 0 ] && grep -q 'job nightly, 5 tasks, 1 parameter: valid' out && grep -q '^schedule: 0 23 \* \* \* (next run ' out
t "the example of wb-job(5) validates" $? "$(cat out; cat ex/nightly.job)"
grep -q '^  report (report.wb) after sessions, funnel$' out
t "validate prints the tasks in the order they can run" $? "$(cat out)"
echo "1..$n"
