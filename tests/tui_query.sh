#!/bin/sh
# wb tui: the editor - a statement typed and run with Enter after its ';'
# (the editor clears, as at the prompt), F5 running the whole text and
# keeping it, a failing statement coming back with its error, tab
# completion from the catalog, the history, dot-commands.
. "${WB_SRCDIR:-.}/tests/tui_lib.sh"
tui_begin
tui_start
t "SELECT k, count(*) AS n FROM t WHERE k IS NOT NULL GROUP BY k ORDER BY k"
k Enter
wait_for " 2:1 "; ok $? "Enter before a ';' breaks the line"
k BSpace
t ";"
k Enter
wait_for "7 rows in"; ok $? "Enter after ';' runs the statement"
expect_screen query_enter "the result grid, the editor cleared, the status line"
t "SELECT 1 AS a; SELECT 'two' AS b"
k F5
wait_for "Result 2 of 2"; ok $? "F5 runs every statement of the editor"
expect_screen query_f5 "F5 keeps the text; the last result is shown"
k F4 "<"
wait_for "Result 1 of 2"; ok $? "< shows the run's previous result"
k F3 C-u
t "SELEC 1;"
k Enter
wait_for 'syntax error at or near "SELEC"'; ok $? "an error shows in the results, with its message"
expect_screen query_error "the failed statement is back in the editor; the error in the status line"
k C-u
t "SELECT * FROM bronze.e"
k Tab
wait_for "SELECT * FROM bronze.ev"; ok $? "Tab completes a table name from the catalog"
t "WHERE event_t"
k Tab
wait_for "WHERE event_type"; ok $? "Tab completes a column name"
k C-u
k Up
wait_for "SELEC 1;"; ok $? "Up on the first line recalls the history"
k Up
wait_for "SELECT 1 AS a; SELECT 'two' AS b"; ok $? "Up again: the entry before"
k C-u
t ".tables"
k Enter
wait_for "bronze.ev"; ok $? "a dot-command's output is shown in the results"
tui_quit; ok $? "C-q leaves with status 0"
grep -q "SELECT k, count" "$home/.wb_tui_history"; ok $? "the history is saved to ~/.wb_tui_history"
tui_end
