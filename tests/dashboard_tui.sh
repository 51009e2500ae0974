#!/bin/sh
# wb dashboard full screen, scripted with tmux (tests/tui_lib.sh): the
# tiles, zoom, the filter bar (editing a filter runs the tiles again, a bad
# value is refused), reset, the dashboard's help, the refresh timer and
# what it runs again (not the setup), pausing, the mouse, a terminal too
# small, Ctrl-C, and `.dashboard` typed in wb tui (q comes back to the
# workbench).
. "${WB_SRCDIR:-.}/tests/tui_lib.sh"
tui_begin
tiles="$src/tests/dashboards/tiles.wb"
case $tiles in /*) ;; *) tiles="$(pwd)/$tiles" ;; esac

dash_start "$tiles"
wait_for "refreshed" && wait_for "1 cell failed: see its tiles"; ok $? "it opens and runs every cell; the failing one is counted"
expect_screen dash_open "the tiles laid out by the file's grid, the filters above, the error in its tile"
k Tab Tab Enter
wait_gone "Top brands"; ok $? "Tab selects the next tile, Enter zooms it"
expect_screen dash_zoom "the line chart over the whole screen"
k Escape
wait_for "Top brands"; ok $? "Esc goes back to the grid"
k f
wait_for "top [5]"; ok $? "f goes to the filter bar, the first filter selected"
k Right Enter
wait_for "kind = a"; ok $? "Right, then Enter edits the filter from its value"
k C-u; t "b"; k Enter
wait_for "Revenue per day (b)"; ok $? "a new value runs the tiles again"
wait_for "kind [b]"; ok $? "and the bar shows it"
expect_screen dash_filter "the chart and the table for kind b"
k Left Enter C-u; t "many"; k Enter
wait_for "top: 'many' is not"; ok $? "a value of the wrong type is refused, saying why"
wait_for "top [5]"; ok $? "and the filter keeps its value"
k Escape x
wait_for "Revenue per day (a)"; ok $? "x puts the filters back to their defaults"
k F1
wait_for "wb dashboard - keys"; ok $? "F1 shows the dashboard's keys"
screen | grep -qF "SQL editor"; ok $((1 - $?)) "only the keys a dashboard uses"
k q
wait_for "Top brands"; ok $? "q closes the help, back to the dashboard"
# the mouse: a click selects a tile, a second click zooms it
k Tab
mouse 0 20 15; mouse 3 20 15; mouse 0 20 15; mouse 3 20 15
wait_gone "Top brands"; ok $? "two clicks on a tile zoom it"
k Escape
wait_for "Top brands"; ok $? "back to the grid"
k q
wait_status; ok $? "q leaves with status 0"
v=$("$WB" --warehouse "$tui_dir/dlake" --csv -c "SELECT max(version) FROM (DESCRIBE HISTORY t)" | tail -1)

# the timer runs the tiles again, not the setup cell
dash_start "$tiles" --refresh 1s
wait_for "every 1s"; ok $? "--refresh: the title bar says how often"
first=$(screen | grep -o 'refreshed [0-9:]*')
i=0
while [ "$(screen | grep -o 'refreshed [0-9:]*')" = "$first" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
[ "$(screen | grep -o 'refreshed [0-9:]*')" != "$first" ]; ok $? "it runs again by itself"
k p
wait_for "paused"; ok $? "p pauses the timer"
k q
wait_status; ok $? "q leaves"
v2=$("$WB" --warehouse "$tui_dir/dlake" --csv -c "SELECT max(version) FROM (DESCRIBE HISTORY t)" | tail -1)
# the second dashboard's opening ran the setup once more: one version more, not one per refresh
[ "$v2" = $((v + 1)) ]; ok $? "refreshes did not run the setup cell again (versions $v then $v2)"

# Ctrl-C cancels a run and the dashboard stays
printf -- '-- %%%% sql name=slow\nSELECT count(*) AS n FROM range(20000000000);\n' > "$tui_dir/slow.wb"
dash_start "$tui_dir/slow.wb"
wait_for "running the dashboard"; ok $? "a long run shows in the status line"
k C-c
wait_for "Cancelled: tiles keep their last results"; ok $? "C-c cancels it"
wait_for "not run (cancelled): r runs it"; ok $? "the tile says how to run it"
k q
wait_status; ok $? "and q leaves with status 0"

# too small, then enlarged
TUI_COLS=50 dash_start "$tiles"
wait_for "needs at least 60x15"; ok $? "a terminal too small says so"
T resize-window -t w -x 100 -y 30
wait_for "Top brands"; ok $? "enlarged, the dashboard comes back"
k C-q
wait_status; ok $? "C-q leaves too"

# .dashboard in the workbench
tui_start
t ".dashboard $tiles -p kind=b"; k Enter
wait_for "Revenue per day (b)"; ok $? ".dashboard in the editor opens it over the workbench"
k q
wait_for "Catalog"; ok $? "q comes back to the workbench"
t ".dashboard nosuch.wb"; k Enter
wait_for "nosuch.wb"; ok $? "a dashboard that cannot be opened: the status says why"
tui_quit; ok $? "C-q leaves with status 0"
tui_end
