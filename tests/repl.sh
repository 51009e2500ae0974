#!/bin/sh
# The interactive prompt in a real terminal (tmux): multi-line statements,
# tab completion of tables and dot-commands, history written on exit.
set -u
WB=${WB:-./wb}
if ! command -v tmux >/dev/null 2>&1; then
	echo "1..0 # SKIP tmux is not installed (.ci/install-deps installs it)"
	exit 0
fi
home=$(mktemp -d)
sock="wb-repl-test-$$"
trap 'tmux -L "$sock" kill-server 2>/dev/null; rm -rf "$home"' EXIT
T() { tmux -L "$sock" "$@"; }
type_() { T send-keys -t r -l "$1"; }
semi() { T send-keys -t r '\;'; }
screen() { T capture-pane -t r -p; }
wait_for() {   # wait_for TEXT: up to 5 s
	i=0
	while [ $i -lt 50 ]; do
		screen | grep -qF -- "$1" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
n=0
fail=0
ok() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; screen | sed 's/^/# /'; fail=1; fi
}

T new-session -d -s r -x 100 -y 30 "HOME=$home WB_WAREHOUSE=$home/lake $WB"
wait_for "wb>"; ok $? "prompt appears"
type_ "CREATE TABLE sales_by_day AS SELECT range AS d FROM range(3)"; semi; T send-keys -t r Enter
wait_for "Table sales_by_day created (3 rows"; ok $? "statement runs"
type_ "SELECT count(*) AS n"; T send-keys -t r Enter
wait_for "...>"; ok $? "continuation prompt for an unfinished statement"
type_ "FROM sales_b"; T send-keys -t r Tab; sleep 0.3; semi; T send-keys -t r Enter
wait_for "FROM sales_by_day ;"; ok $? "tab completes a table name"
wait_for " 3 │"; ok $? "multi-line statement result"
type_ ".ti"; T send-keys -t r Tab; sleep 0.3
wait_for "wb> .timer"; ok $? "tab completes a dot-command"
T send-keys -t r C-u
type_ ".quit"; T send-keys -t r Enter
sleep 0.5
grep -q "sales_by_day" "$home/.wb_history"; ok $? "history is saved to ~/.wb_history"
echo "1..$n"
exit $fail
