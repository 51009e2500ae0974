#!/bin/sh
# Notebooks as tests (wb-notebook(5), EXPECTED OUTPUT): wb test passes and
# fails with a diff, TAP, masking of volatile values, the <any> and "..."
# wildcards, cells without a block, and wb run --update: it writes blocks
# that wb test then passes, leaves every other byte alone, keeps blocks
# that still match, writes nothing when a cell fails, and leaves no
# temporary file. Chart cells' blocks: the chart drawn the same whatever
# the locale and the terminal, compared with blanks counting, written
# after the spec lines; a chart's error as its failure or its output.
set -u
WB=${WB:-./wb}
case $WB in /*) ;; *) WB=$(pwd)/$WB ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "${WB_SRCDIR:-.}/tests/check_lib.sh"
cd "$tmp" || exit 1

# a notebook without blocks; its blocks come from --update
cat > t.wb <<'EOF'
-- Volatile output, masked.
-- param top BIGINT = 2

-- %% sql name=load
.timer on
CREATE TABLE t AS SELECT range AS x, range % 2 = 0 AS even FROM range(6);
.timer off

-- %% sql name=now
SELECT now() AS at, current_date() AS today, count(*) AS n FROM t;

-- %% sql name=detail
DESCRIBE DETAIL t;

-- %% sql name=top
SELECT x FROM t ORDER BY x DESC LIMIT :top;

-- %% sql name=silent
CREATE OR REPLACE TEMP VIEW evens AS SELECT * FROM t WHERE even;

-- %% sql name=error
.bail off
SELECT nope FROM evens;
-- a comment after the code stays where it is
EOF
cp t.wb orig.wb
out=$("$WB" run --update t.wb 2>&1)
check "--update: exit 0" 0 $?
contains "--update: says what it did" "t.wb: 0 blocks rewritten, 5 added, 0 removed, 0 unchanged; 1 cell prints nothing (no block)" "$out"
check "--update: only -- > lines were added (every other byte as it was)" "$(cat orig.wb)" "$(grep -v '^-- >' t.wb)"
check "--update: no temporary file left" "orig.wb t.wb" "$(ls -A | tr '\n' ' ' | sed 's/ $//')"
b=$(cat t.wb)
contains "masked: the timer" "-- > Run Time: <time>" "$b"
contains "masked: now() and today" "-- > │ <now> │ <today> │ 6 │" "$(printf '%s' "$b" | sed 's/  */ /g')"
contains "masked: a table id and the temporary warehouse" "│ <uuid> │ main.default.t │ NULL │ <warehouse>/main/default/t │ <now> │ <now> │" "$(printf '%s' "$b" | sed 's/  */ /g')"
contains "an expected error, with the file's own line numbers" '-- > t.wb:44:8: Error: column "nope" does not exist
-- > LINE 44: SELECT nope FROM evens' "$b"
contains "the comment after the error cell's code stays after its block" '-- > HINT: columns are: x, even
-- a comment after the code stays where it is' "$b"

out=$("$WB" test t.wb 2>&1)
check "wb test of the updated notebook passes" 0 $?
contains "wb test: the summary" "5 passed, 0 failed" "$out"
contains "wb test: cells without a block are run but not compared, and it says so" \
	"t.wb: 5 cells compared with expected output, 1 run but not compared (no expected block)" "$out"
sleep 1
out=$("$WB" test --tap t.wb 2>&1)
check "wb test --tap passes a second later (times masked)" 0 $?
contains "TAP: one point per compared cell, named" "ok 4 - t.wb:29 cell 4 (top)" "$out"
contains "TAP: the plan" "1..5" "$out"

cp t.wb before.wb
out=$("$WB" run --update t.wb 2>&1)
contains "--update again: nothing to rewrite" "0 blocks rewritten, 0 added, 0 removed, 5 unchanged; 1 cell prints nothing (no block); the file is unchanged" "$out"
check "--update again: the file is byte for byte the same" "$(cat before.wb)" "$(cat t.wb)"

# a deliberately wrong block fails, with a diff
mkdir wrong
sed 's/^-- > │      5 │$/-- > │      7 │/' t.wb > wrong/t.wb
grep -q '│      7 │' wrong/t.wb || { n=$((n + 1)); echo "not ok $n - could not make a wrong block"; fail=1; }
out=$("$WB" test wrong/t.wb 2>&1)
check "a wrong expected block: wb test exits 1" 1 $?
contains "the failure names the cell" "wrong/t.wb:29 cell 4 (top): FAILED" "$out"
contains "a unified diff: the expected line" "-│      7 │" "$out"
contains "a unified diff: the actual line" "+│      5 │" "$out"
contains "a unified diff: its header" "--- expected (t.wb:31)" "$out"
contains "how to accept the new output" "wb run --update wrong/t.wb" "$out"
out=$("$WB" test --tap wrong/t.wb 2>&1)
contains "TAP: not ok for the wrong cell" "not ok 4 - wrong/t.wb:29 cell 4 (top)" "$out"
contains "TAP: the diff as comments" "# -│      7 │" "$out"

# --update rewrites the wrong block and keeps the rest
out=$("$WB" run --update wrong/t.wb 2>&1)
contains "--update of a wrong block: one rewritten" "1 block rewritten, 0 added, 0 removed, 4 unchanged" "$out"
check "--update of a wrong block: the notebook is as before" "$(cat t.wb)" "$(cat wrong/t.wb)"

# wildcards: <any> within a line, ... for any lines; --update keeps them
cat > w.wb <<'EOF'
-- %% sql
SELECT range AS x, 'v' || range AS label FROM range(30);
-- > ┌────────┬─────────┐
-- > │   x    │  label  │
-- > ...
-- > │     29 │ <any>   │
-- > └────────┴─────────┘

-- %% sql
SELECT 'a-' || CAST(random() AS VARCHAR) AS id, 42 AS answer;
-- > ┌─────┬────────┐
-- > │ id │ answer │
-- > │ varchar │ bigint │
-- > ├─────┼────────┤
-- > │ a-<any> │ 42 │
-- > └─────┴────────┘
EOF
cp w.wb w0.wb
out=$("$WB" test w.wb 2>&1)
check "wildcards: <any> and ... match" 0 $?
"$WB" run --update w.wb > /dev/null 2>&1
check "--update keeps blocks that still match (their wildcards too)" "$(cat w0.wb)" "$(cat w.wb)"
sed 's/│ a-<any> │ 42 │/│ b-<any> │ 42 │/' w0.wb > w2.wb
out=$("$WB" test w2.wb 2>&1)
check "<any> does not match a different prefix" 1 $?

# a failing cell stops the run: --update writes nothing
printf -- '-- %%%% sql\nSELECT 1 AS a;\n\n-- %%%% sql\nSELECT nope;\n' > bad.wb
cp bad.wb bad0.wb
out=$("$WB" run --update bad.wb 2>&1)
check "--update with a failing cell: exit 1" 1 $?
contains "--update with a failing cell: says nothing was written" "bad.wb:4: cell 2 failed, so no block was written (bad.wb is as it was)" "$out"
contains "--update with a failing cell: shows the error" 'bad.wb:5:8: Error: column "nope" does not exist' "$out"
check "--update with a failing cell: the file is as it was" "$(cat bad0.wb)" "$(cat bad.wb)"
out=$("$WB" test bad.wb 2>&1)
check "wb test of a failing cell without a block fails" 1 $?
contains "wb test: a failing cell without a block shows its error" 'the cell failed (it has no expected block)' "$out"

# a block whose cell no longer prints anything is removed
printf -- '-- %%%% sql\nCREATE TEMP VIEW v AS SELECT 1 AS a;\n-- > something it used to print\n' > gone.wb
"$WB" run --update gone.wb > /dev/null 2>&1
check "--update removes a block when the cell prints nothing" "-- %% sql
CREATE TEMP VIEW v AS SELECT 1 AS a;" "$(cat gone.wb)"

# a plain script (no markers) gets one block at its end
printf -- '.mode csv\nSELECT 1 AS a;\nSELECT 2 AS b;' > plain.wb
"$WB" run --update plain.wb > /dev/null 2>&1
check "--update of a script without markers (and no final newline)" ".mode csv
SELECT 1 AS a;
SELECT 2 AS b;
-- > a
-- > 1
-- > b
-- > 2" "$(cat plain.wb)"
out=$("$WB" test plain.wb 2>&1)
check "... and wb test passes on it" 0 $?

# chart cells: the block is the chart as text, after the spec lines
cat > c.wb <<'EOF'
-- Charts as tests.

-- %% sql name=sales
SELECT * FROM (VALUES ('apple', 14.0), ('lg', 2.5), ('samsung', 7.0)) t(brand, revenue);

-- %% chart bar x=brand y=revenue name=bars
-- title: revenue by brand
-- width: 40
-- height: 8
--

-- %% chart name=auto
-- ascii

-- %% sql name=after
SELECT 1 AS one;
EOF
cp c.wb c0.wb
# written in a locale that is not UTF-8, compared in one that is: the
# block is UTF-8 either way (the spec's ascii alone makes it ASCII)
out=$(LC_ALL=C "$WB" run --update c.wb 2>&1)
check "charts --update: exit 0" 0 $?
contains "charts --update: a block for each chart cell too" "c.wb: 0 blocks rewritten, 4 added, 0 removed, 0 unchanged" "$out"
check "charts --update: only -- > lines were added (every other byte as it was)" "$(cat c0.wb)" "$(grep -v '^-- >' c.wb)"
contains "charts --update: the chart after its last spec line, UTF-8 under LC_ALL=C, the empty comment after it" \
"-- %% chart bar x=brand y=revenue name=bars
-- title: revenue by brand
-- width: 40
-- height: 8
-- >             revenue by brand
-- >   apple │███████████████████████████ 14
-- >         │
-- >      lg │████▉ 2.5
-- >         │
-- > samsung │█████████████▌ 7
-- >         └┬──┬───┬───┬───┬───┬───┬──┬
-- >          0  2   4   6   8   10  12 14
--

-- %% chart name=auto" "$(cat c.wb)"
contains "charts --update: ascii in the spec draws ASCII, 80 columns, with the auto chart's note" \
"-- %% chart name=auto
-- ascii
-- >   apple |################################################################### 14
-- >         |
-- >      lg |############ 2.5
-- >         |
-- > samsung |################################## 7
-- >         ++---+----+----+----+---+----+----+----+----+---+----+----+----+---+
-- >          0   1    2    3    4   5    6    7    8    9   10   11   12   13  14
-- > auto chart: bar horizontal x=brand y=revenue

-- %% sql name=after" "$(cat c.wb)"
lacks "charts --update: no colour escapes" "$(printf '\033')" "$(cat c.wb)"
out=$(LC_ALL=C.UTF-8 "$WB" test c.wb 2>&1)
check "charts: wb test passes in a UTF-8 locale" 0 $?
contains "charts: every cell compared, the chart cells too" "c.wb: 4 cells compared with expected output, 0 run but not compared" "$out"
out=$(LC_ALL=C "$WB" test --tap c.wb 2>&1)
check "charts: wb test passes in the C locale" 0 $?
contains "charts: TAP: a point for the chart cell, named" "ok 2 - c.wb:14 cell 2 (bars)" "$out"
if command -v script > /dev/null 2>&1 && script -qec true /dev/null > /dev/null 2>&1; then
	printf 'stty cols 50 rows 14\nLC_ALL=C "%s" test c.wb > tty.out 2>&1\necho $? > tty.rc\n' "$WB" > tty.sh
	script -qec "sh tty.sh" /dev/null > /dev/null 2>&1
	check "charts: wb test passes on a 50x14 terminal (charts are not sized to it)" 0 "$(cat tty.rc 2>/dev/null)"
	rm -f tty.sh tty.out tty.rc
else
	n=$((n + 1))
	echo "ok $n # SKIP no script(1) to give wb a terminal"
fi
cp c.wb c1.wb
out=$("$WB" run --update c.wb 2>&1)
contains "charts --update again: nothing to rewrite" "0 blocks rewritten, 0 added, 0 removed, 4 unchanged; 0 cells print nothing (no block); the file is unchanged" "$out"
check "charts --update again: the file is byte for byte the same" "$(cat c1.wb)" "$(cat c.wb)"

# a chart that is not the one drawn fails, with a diff naming the cell and line
mkdir cw
sed 's/^-- >      lg │████▉ 2.5$/-- >      lg │█████▉ 2.5/' c.wb > cw/c.wb
grep -q '│█████▉ 2.5' cw/c.wb || { n=$((n + 1)); echo "not ok $n - could not make a wrong chart block"; fail=1; }
out=$("$WB" test cw/c.wb 2>&1)
check "a wrong chart block: wb test exits 1" 1 $?
contains "a wrong chart block: the failure names the cell and its line" "cw/c.wb:14 cell 2 (bars): FAILED" "$out"
contains "a wrong chart block: a unified diff naming the block's line" "--- expected (c.wb:18)
  +++ actual" "$out"
contains "a wrong chart block: the expected line" "-     lg │█████▉ 2.5" "$out"
contains "a wrong chart block: the drawn line" "+     lg │████▉ 2.5" "$out"
contains "a wrong chart block: only that cell failed" "3 passed, 1 failed" "$out"
# blanks count in a chart's block (a label one column off is a change)
sed 's/^-- > samsung │█████████████▌ 7$/-- > samsung │█████████████▌  7/' c.wb > cw/blank.wb
grep -q '▌  7$' cw/blank.wb || { n=$((n + 1)); echo "not ok $n - could not move a chart label"; fail=1; }
out=$("$WB" test cw/blank.wb 2>&1)
check "a chart label moved by one blank: wb test exits 1" 1 $?
contains "... and the diff shows it" "+samsung │█████████████▌ 7" "$out"
out=$("$WB" run --update cw/c.wb 2>&1)
contains "--update of a wrong chart block: one rewritten" "1 block rewritten, 0 added, 0 removed, 3 unchanged" "$out"
check "--update of a wrong chart block: the notebook is as before" "$(cat c.wb)" "$(cat cw/c.wb)"

# the report shows the spec without the block, then the chart
"$WB" run c.wb --warehouse clake -o c.md > /dev/null 2>&1
contains "report: a chart cell's spec without its expected block" '```text
%% chart bar x=brand y=revenue
title: revenue by brand
width: 40
height: 8
```' "$(cat c.md)"

# a chart cell whose spec is wrong fails, with its error; --update writes nothing
cat > ce.wb <<'EOF'
-- %% sql
SELECT 'a' AS brand, 1.5 AS revenue;

-- %% chart bar x=brand
-- y: revnue

-- %% sql
SELECT 'not run' AS x;
EOF
cp ce.wb ce0.wb
out=$("$WB" test ce.wb 2>&1)
check "a chart spec error: wb test exits 1" 1 $?
contains "a chart spec error: the chart cell failed, with its error at its line and column" "ce.wb:4 cell 2: FAILED
  the cell failed (it has no expected block):
  ce.wb:5:7: Error: chart option y: no column \"revnue\" in the result
  LINE 5: -- y: revnue
                ^" "$out"
contains "a chart spec error: the run stopped there, and how to expect the error" \
	"ce.wb: the run stopped at cell 2 (line 4); cell 3 did not run: FAILED
  a failing cell stops the run; if the chart's error is expected, start the SQL cell before it with .bail off" "$out"
out=$("$WB" run --update ce.wb 2>&1)
check "a chart spec error: --update exits 1" 1 $?
contains "a chart spec error: --update says nothing was written" "ce.wb:4: cell 2 failed, so no block was written (ce.wb is as it was)" "$out"
check "a chart spec error: the file is as it was" "$(cat ce0.wb)" "$(cat ce.wb)"
# after .bail off the chart's error is its output: --update writes it, wb test passes
{ echo '-- %% sql'; echo '.bail off'; sed 1d ce0.wb; } > ce.wb
out=$("$WB" run --update ce.wb 2>&1)
check "an expected chart error: --update exits 0" 0 $?
contains "an expected chart error: the error is the chart cell's block, with the new file's lines" "-- %% chart bar x=brand
-- y: revnue
-- > ce.wb:12:7: Error: chart option y: no column \"revnue\" in the result
-- > LINE 12: -- y: revnue
-- >                ^
-- > HINT: did you mean \"revenue\"? The columns: brand, revenue

-- %% sql" "$(cat ce.wb)"
out=$("$WB" test ce.wb 2>&1)
check "an expected chart error: wb test passes" 0 $?
contains "an expected chart error: the cells after it ran and were compared" "3 passed, 0 failed" "$out"

# where a chart's block may be: spec lines first; a markdown cell has no block
printf -- '-- %%%% sql\nSELECT 1 AS a;\n\n-- %%%% chart\n-- > x\n-- title: t\n' > cp.wb
out=$("$WB" test cp.wb 2>&1)
check "a spec line after a chart's block: wb test fails" 1 $?
contains "a spec line after a chart's block: named, with the block's line" "cp.wb:6: a spec line after the expected-output block of cell 2 (line 5): the block must end its cell" "$out"
"$WB" run cp.wb > /dev/null 2>&1
check "a spec line after a chart's block: wb run refuses the notebook (exit 2)" 2 $?
printf -- '-- %%%% md\n-- > a quote\n\n-- %%%% sql\nSELECT 1 AS a;\n' > cq.wb
"$WB" run --update cq.wb > /dev/null 2>&1
out=$("$WB" notebook cells cq.wb 2>&1)
contains "a markdown cell's -- > lines are a quote, not a block" "│      1 │ md      │ NULL    │      1 │ NULL     │ > a quote      │" "$out"
out=$("$WB" test cq.wb 2>&1)
check "... and the notebook with a quote tests" 0 $?

# wb test mixes .slt files and notebooks in one TAP stream
printf 'query I\nSELECT 1\n----\n1\n' > one.slt
out=$("$WB" test --tap one.slt t.wb 2>&1)
check "wb test FILE.slt NB.wb: exit 0" 0 $?
contains "one TAP stream: the notebook's points follow the slt's" "ok 2 - t.wb:4 cell 1 (load)" "$out"
contains "one TAP stream: one plan" "1..6" "$out"

echo "1..$n"
exit $fail
