#!/bin/sh
# wb tui and the terminal: no terminal or one that cannot move its cursor
# (refused with a message and a non-zero status), a terminal too small (a
# message, until it is enlarged), resizing, a locale that is not UTF-8
# (ASCII lines), and Ctrl-C cancelling a long query while the workbench
# stays.
. "${WB_SRCDIR:-.}/tests/tui_lib.sh"
tui_begin
"$WB" tui --warehouse "$lake" </dev/null >"$tui_dir/out" 2>"$tui_dir/err"
rc=$?
[ $rc = 2 ] && grep -q "needs a terminal" "$tui_dir/err" && [ ! -s "$tui_dir/out" ]
ok $? "wb tui without a terminal: status 2 and a message, nothing drawn"
"$WB" --warehouse "$lake" -c ".tui" >"$tui_dir/out" 2>"$tui_dir/err"
rc=$?
[ $rc = 1 ] && grep -q "needs a terminal" "$tui_dir/err"
ok $? ".tui without a terminal: an error"
tui_new_server
T new-session -d -s w -x 100 -y 30 "cd '$tui_dir' && TERM=dumb '$WB' tui --warehouse '$lake'; echo status=\$?; sleep 30"
wait_for "the terminal type 'dumb' cannot move the cursor" && wait_for "status=1"
ok $? "a terminal that cannot move the cursor: refused with a message, status 1"
tui_new_server
T new-session -d -s w -x 50 -y 12 \
	"cd '$tui_dir' && HOME='$home' LANG=C.UTF-8 '$WB' tui --warehouse '$lake'; sleep 30"
wait_for "This terminal is 50x12."; ok $? "a terminal smaller than 60x15 says what it needs"
expect_screen terminal_small "the size message, centred"
T resize-window -t w -x 100 -y 30
wait_for "Catalog" && wait_for "models"; ok $? "enlarged, the workbench appears"
expect_screen layout_start "the same layout as when started at that size"
T resize-window -t w -x 80 -y 20
wait_for " Ready "; ok $? "resized smaller, it redraws"
expect_screen terminal_80x20 "the panes share the smaller screen"
TUI_LANG=C tui_start
t "SELECT s, 'é' AS e FROM t LIMIT 2;"
k Enter
wait_for "2 rows in"; ok $? "a query runs in the C locale"
expect_screen terminal_ascii "ASCII lines and markers; non-ASCII shows as ?"
tui_quit; ok $? "C-q leaves with status 0"
tui_start
t "SELECT count(*) FROM range(100000000) a, range(100000000) b;"
k Enter
wait_for "running the statement"; ok $? "a long query shows that it runs, with elapsed time"
wait_for "C-c cancels  F1 help"; ok $? "and how to cancel it"
k C-c
wait_for "Cancelled after"; ok $? "Ctrl-C cancels it"
wait_for "Error: statement cancelled"; ok $? "the statement reports the interruption"
t "SELECT 42 AS answer;"
k Enter
wait_for "1 row in"; ok $? "the workbench stays: the next statement runs"
k F3 C-c
wait_for "Nothing is running"; ok $? "Ctrl-C with nothing running does not leave"
tui_quit; ok $? "C-q leaves with status 0"
tui_end
