#!/bin/sh
# wb tui: the result grid over a 100,001-row result - scrolling to the end
# and back, sorting by a column and back, regex search with n, the
# frequency view of a column and its rows, describe (SUMMARIZE), and a
# result cut short by --max-rows (sorted and counted through the query),
# the mouse.
. "${WB_SRCDIR:-.}/tests/tui_lib.sh"
tui_begin
tui_start
t "SELECT * FROM t ORDER BY id;"
k Enter
wait_for "100,001 rows in"; ok $? "a 100,001-row result arrives"
k F4 End
wait_for "row 100,001 of 100,001"; ok $? "End goes to the last row"
expect_screen grid_end "the last rows, the frozen header, NULL shown as NULL"
k PgUp PgUp Up
wait_for "row 99,968 of 100,001"; ok $? "PgUp and Up scroll back"
k Home l
wait_for "row 1 of 100,001 ─ k BIGINT"; ok $? "Home and l: the first row, the second column"
k "]"
wait_for "Sorted by k, descending"; ok $? "] sorts by the current column, descending"
expect_screen grid_sort "sorted by k descending, in memory, stable (ids ascending within a k)"
k "]"
wait_for "In the query's order"; ok $? "] again: back to the query's order"
k Home "/"
t "^x4242\$"
k Enter
wait_for "/^x4242\$/ at row 4,243, s   "; ok $? "/ finds a regular expression"
k n
wait_for "/^x4242\$/ at row 4,243, s (search wrapped around)"; ok $? "n finds the next match, wrapping around"
k "/"
t "nomatch"
k Enter
wait_for "No match for /nomatch/"; ok $? "a search with no match says so"
k Home h F
wait_for "Frequency of k in 100,001 rows"; ok $? "F opens the frequency view of the column"
expect_screen grid_freq "value, count, percent and a bar; most frequent first, NULL last"
k G Enter
wait_for "k = NULL"; ok $? "Enter on a value opens the rows that have it"
wait_for "100000 │ NULL │ y"; ok $? "the NULL row"
k q q I
wait_for "Describe (SUMMARIZE)"; ok $? "I describes the result with SUMMARIZE"
expect_screen grid_describe "one row per column: type, min, max, distinct, mean, ..."
tui_quit; ok $? "C-q leaves with status 0"
tui_start --max-rows 1000
t "SELECT * FROM t;"
k Enter
wait_for "first 1,000 of 100,001 rows kept"; ok $? "--max-rows keeps the first rows of a result and says so"
k F4 l "["
wait_for "Sorted by k asc (by the query)"; ok $? "a result cut short is sorted by the query"
k q F
wait_for "Frequency of k in 100,001 rows (by the query)"; ok $? "and counted by the query"
wait_for " 14286 │"; ok $? "over all its rows"
k q
wait_gone "Frequency of k"
mouse 0 35 14; mouse 3 35 14
wait_for "row 4 of 1,000 ─ s VARCHAR"; ok $? "a click puts the cursor on the cell under it"
mouse 65 35 14
wait_for "row 7 of 1,000 ─ s VARCHAR"; ok $? "the wheel scrolls"
tui_quit; ok $? "C-q leaves with status 0"
tui_end
