#!/bin/sh
# Ctrl-C at the interactive prompt (in tmux) stops long statements within
# seconds, in every phase that takes long: a sort's ordering of millions
# of rows, a window over one partition of all rows, an aggregate, a join,
# a cross join, BOOTSTRAP's replicates, model training; a cancelled CREATE
# TABLE AS leaves no table (no directory, no Delta log) and a cancelled
# INSERT no new version. Each statement would run for several seconds
# more; Ctrl-C comes a second after it started and the error must follow
# within CANCEL_WAIT (5) seconds. `wb -c` has no Ctrl-C handler (SIGINT
# ends the process), so the prompt is where cancelling is tested.
. "${WB_SRCDIR:-.}/tests/tui_lib.sh"
tui_begin
CANCEL_WAIT=${CANCEL_WAIT:-5}
tui_new_server
T new-session -d -s w -x 160 -y 40 "cd '$tui_dir' && HOME='$home' '$WB' --warehouse '$lake'; echo status=\$?; sleep 30"
wait_for "wb>"; ok $? "the prompt appears"

# prompt_back: until the last line with text is the prompt (5 s)
prompt_back() {
	i=0
	while [ $i -lt 100 ]; do
		screen | grep -v '^ *$' | tail -n 1 | grep -q '^wb> *$' && return 0
		sleep 0.05
		i=$((i + 1))
	done
	return 1
}
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# cancel_case DESCRIPTION SQL [MESSAGE]: run SQL (ends with ';'), Ctrl-C
# after a second; MESSAGE (default "statement cancelled") must appear
# within CANCEL_WAIT seconds, then the prompt.
cancel_case() {
	k C-l
	T clear-history -t w
	wait_gone "cancelled"
	t "$2"
	k Enter
	sleep 1
	k C-c
	t0=$(now_ms)
	TUI_WAIT=$CANCEL_WAIT wait_for "${3:-statement cancelled}"
	rc=$?
	t1=$(now_ms)
	ok $rc "$1: Ctrl-C stops it (after $((t1 - t0)) ms)"
	prompt_back; ok $? "$1: the prompt is back"
}

cancel_case "ORDER BY of 5 M rows (the ordering itself)" \
	"SELECT count(*) FROM (SELECT range % 2 AS a, 'p-' || hash(range) AS s FROM range(5000000) ORDER BY a, s);"
cancel_case "a window over one partition of 5 M rows" \
	"SELECT count(*) FROM (SELECT row_number() OVER (ORDER BY range % 2, 'p-' || hash(range)) FROM range(5000000));"
cancel_case "an aggregate over 500 M rows" \
	"SELECT sum(hash(range) % 1000), count(DISTINCT range % 1000) FROM range(500000000);"
cancel_case "a join with a residual condition" \
	"SELECT count(*) FROM range(200000) a JOIN range(200000) b ON a.range % 7 = b.range % 7 AND a.range < b.range;"
cancel_case "a cross join" \
	"SELECT count(*) FROM range(100000000) a, range(100000000) b WHERE a.range + b.range = 7;"
cancel_case "BOOTSTRAP of 2 M values" "BOOTSTRAP avg(range) N 1000 FROM range(2000000);" "BOOTSTRAP cancelled"
cancel_case "CREATE MODEL (a forest)" \
	"CREATE MODEL m OPTIONS (model_type = 'random_forest_regressor', label = 'y', num_trees = 5000) AS SELECT range % 7 AS x, hash(range) % 100 AS y FROM range(500000);" \
	"training cancelled"
[ ! -e "$lake/main/default/_models/m.wbm" ]; ok $? "a cancelled CREATE MODEL saves no model"

cancel_case "CREATE TABLE AS of a sort" \
	"CREATE TABLE c AS SELECT range % 2 AS a, 'p-' || hash(range) AS s FROM range(5000000) ORDER BY a, s;"
[ ! -e "$lake/main/default/c" ]; ok $? "a cancelled CREATE TABLE AS leaves no directory, no data file, no log"
versions=$(ls "$lake/main/default/t/_delta_log" | grep -c '\.json$')
files=$(find "$lake/main/default/t" -name '*.parquet' | wc -l)
cancel_case "INSERT of a window's rows" \
	"INSERT INTO t SELECT row_number() OVER (ORDER BY range % 2, 'p-' || hash(range)), 0, 'z' FROM range(5000000);"
[ "$(ls "$lake/main/default/t/_delta_log" | grep -c '\.json$')" = "$versions" ]
ok $? "a cancelled INSERT commits no version"
[ "$(find "$lake/main/default/t" -name '*.parquet' | wc -l)" = "$files" ]
ok $? "a cancelled INSERT leaves no data file"

k C-l
t "SELECT count(*) AS n FROM t;"
k Enter
wait_for "100001"; ok $? "the prompt stays: the next statement runs, the table as it was"
t ".quit"
k Enter
wait_for "status=1"; ok $? ".quit leaves, with status 1 (statements failed)"
tui_end
