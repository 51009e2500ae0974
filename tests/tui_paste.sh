#!/bin/sh
# wb tui and bracketed paste (tmux paste-buffer -p brackets the text when
# the program asked for it): a pasted script lands in the editor as text -
# its line breaks do not run its statements, tabs become spaces - and F5
# runs all of it; Windows line ends count once; a paste while the grid has
# the focus is dropped, not taken for keys; a paste into the search prompt
# loses its line breaks; a paste of 100 KB arrives whole and at once; and
# the terminal's paste mode is off again after the workbench.
. "${WB_SRCDIR:-.}/tests/tui_lib.sh"
tui_begin
# paste FILE [-r]: the file's text as a bracketed paste (tmux turns line
# feeds into carriage returns, as terminals send them, unless -r)
paste() {
	T load-buffer "$1"
	T paste-buffer -p ${2:-} -t w
}
tui_start
printf 'SELECT 1 AS one;\nSELECT '\''two'\'' AS two;\n\tSELECT 3 AS three;\n' > "$tui_dir/script.sql"
paste "$tui_dir/script.sql"
wait_for "Pasted 58 bytes, 3 line breaks"; ok $? "a pasted script goes into the editor"
expect_screen paste_editor "its lines in the editor, the tab as spaces, nothing run"
k F5
wait_for "Result 3 of 3"; ok $? "F5 runs every pasted statement"
expect_screen paste_run "the last result; the text stays"
k F4
printf 'q\n[F/x\nq' > "$tui_dir/keys.txt"
paste "$tui_dir/keys.txt"
wait_for "Paste dropped"; ok $? "a paste while the grid has the focus is dropped, with a message"
expect_screen paste_grid "the grid as it was: no key of the paste was taken (no sort, no frequency view, no search)"
k "<"
wait_for "Result 2 of 3"; ok $? "the grid still takes keys"
k /
printf 'tw\no' > "$tui_dir/pattern.txt"
paste "$tui_dir/pattern.txt"
wait_for "/two"; ok $? "a paste into the search prompt goes in without its line break"
k Enter
wait_for "/two/ at row 1"; ok $? "and the search runs on Enter"
k F3 C-e
printf 'SELECT 4 AS four;\r\nSELECT 5 AS five;\r\n' > "$tui_dir/crlf.sql"
paste "$tui_dir/crlf.sql" -r
wait_for "Pasted 36 bytes, 2 line breaks"; ok $? "CR LF line ends count once"
# about 100 KB: 2,200 statements, one per line
i=0
while [ $i -lt 2200 ]; do
	echo "SELECT $i AS n, 'some text on line $i' AS s;"
	i=$((i + 1))
done > "$tui_dir/big.sql"
bytes=$(wc -c < "$tui_dir/big.sql" | tr -d ' ')
paste "$tui_dir/big.sql"
TUI_WAIT=5 wait_for "Pasted $bytes bytes, 2200 line breaks"; ok $? "a paste of $bytes bytes arrives whole within 5 s"
wait_for "SELECT 2199 AS n, 'some text on line 2199' AS s;"; ok $? "the editor shows its end, nothing ran"
screen | grep -q "Result 2 of 3"; ok $? "the results are still the last run's"
tui_quit; ok $? "C-q leaves with status 0"

# the paste mode is off again: a paste into the shell after the workbench
# is not bracketed
tui_new_server
T new-session -d -s w -x 100 -y 30 \
	"cd '$tui_dir' && HOME='$home' LANG=C.UTF-8 '$WB' tui --warehouse '$lake'; echo left; cat -v"
wait_for "Catalog" && wait_for "models"; ok $? "the workbench again"
k C-q
wait_for "left"; ok $? "it leaves"
printf 'after\n' > "$tui_dir/after.txt"
paste "$tui_dir/after.txt"
wait_for "after"; ok $? "a paste after it reaches the shell"
! screen | grep -qF '[200~'; ok $? "without paste brackets: the mode was turned off"
tui_end
