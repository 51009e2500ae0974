#!/bin/sh
# Notebooks as tests (wb-notebook(5), EXPECTED OUTPUT): wb test passes and
# fails with a diff, TAP, masking of volatile values, the <any> and "..."
# wildcards, cells without a block, and wb run --update: it writes blocks
# that wb test then passes, leaves every other byte alone, keeps blocks
# that still match, writes nothing when a cell fails, and leaves no
# temporary file.
set -u
WB=${WB:-./wb}
case $WB in /*) ;; *) WB=$(pwd)/$WB ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
n=0
fail=0
check() {   # check NAME EXPECTED ACTUAL
	n=$((n + 1))
	if [ "$2" = "$3" ]; then
		echo "ok $n - $1"
	else
		echo "not ok $n - $1"
		printf '%s\n' "want: $2" "got:  $3" | sed 's/^/# /'
		fail=1
	fi
}
contains() {   # contains NAME NEEDLE HAYSTACK
	n=$((n + 1))
	case "$3" in
	*"$2"*) echo "ok $n - $1" ;;
	*) echo "not ok $n - $1"; printf '%s\n' "missing: $2" "in: $3" | sed 's/^/# /'; fail=1 ;;
	esac
}

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

# wb test mixes .slt files and notebooks in one TAP stream
printf 'query I\nSELECT 1\n----\n1\n' > one.slt
out=$("$WB" test --tap one.slt t.wb 2>&1)
check "wb test FILE.slt NB.wb: exit 0" 0 $?
contains "one TAP stream: the notebook's points follow the slt's" "ok 2 - t.wb:4 cell 1 (load)" "$out"
contains "one TAP stream: one plan" "1..6" "$out"

echo "1..$n"
exit $fail
