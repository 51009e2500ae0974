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
tui_end
