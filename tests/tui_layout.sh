#!/bin/sh
# wb tui: the start-up layout (catalog with row counts, editor, results,
# status line), the help view generated from the key table, and leaving.
. "${WB_SRCDIR:-.}/tests/tui_lib.sh"
tui_begin
tui_start
expect_screen layout_start "start-up: catalog, editor focused, empty results, status line"
k F1
wait_for "Help (q closes)"; ok $? "F1 opens the help"
expect_screen layout_help "the help lists the keys of the key table by scope"
k PgDn PgDn
wait_for "Result grid" && wait_for "search the cells for a regular expression"; ok $? "the help scrolls to the grid's keys"
k q
wait_gone "Help (q closes)"; ok $? "q closes the help"
tui_quit; ok $? "C-q leaves with status 0"
# .tui from the prompt: the same session (its temporary table), and back
tui_new_server
T new-session -d -s w -x 100 -y 30 "cd '$tui_dir' && HOME='$home' LANG=C.UTF-8 '$WB' --warehouse '$lake'"
wait_for "wb>"
t "CREATE TEMP TABLE scratch AS SELECT 42 AS answer;"
k Enter
wait_for "Table scratch created"
t ".tui"
k Enter
wait_for "Catalog" && wait_for "models"; ok $? ".tui opens the workbench from the prompt"
wait_for "temp"; ok $? "on the prompt's session: its temporary schema is in the catalog"
t "SELECT answer FROM scratch;"
k Enter
wait_for "1 row in"; ok $? "and its temporary table can be queried"
k C-q
wait_for "wb> .tui"; ok $? "C-q goes back to the prompt"
t "SELECT answer + 1 AS next FROM scratch;"
k Enter
wait_for " 43 "; ok $? "which runs statements again"
tui_end
