#!/bin/sh
# wb run (wb-notebook(5)): --from and --only by number and by name, a
# failing cell (file:line of the statement, the cell named, the cells
# before it committed, the ones after it not run, exit status 1), and the
# markdown report of --output.
set -u
WB=${WB:-./wb}
case $WB in /*) ;; *) WB=$(pwd)/$WB ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "${WB_SRCDIR:-.}/tests/check_lib.sh"
cd "$tmp" || exit 1
tables() { "$WB" --warehouse "$1" --csv -c "SHOW TABLES" | tail -n +2 | cut -d, -f1,2 | sort | tr '\n' ' '; }

cat > steps.wb <<'EOF'
-- %% sql name=one
SELECT 'first' AS step;

-- %% sql name=two
SELECT 'second' AS step;

-- %% md
-- text

-- %% sql name=three
SELECT 'third' AS step;
EOF
out=$("$WB" run --csv steps.wb --warehouse lake 2>&1 | grep -v step | tr '\n' ' ')
check "all cells run in order" "first second third " "$out"
out=$("$WB" run --csv steps.wb --from two --warehouse lake 2>&1 | grep -v step | tr '\n' ' ')
check "--from a name" "second third " "$out"
out=$("$WB" run --csv steps.wb --from 4 --warehouse lake 2>&1 | grep -v step | tr '\n' ' ')
check "--from a number (cell 4: the last)" "third " "$out"
out=$("$WB" run --csv steps.wb --only 2 --warehouse lake 2>&1 | grep -v step | tr '\n' ' ')
check "--only a number" "second " "$out"
out=$("$WB" run --csv steps.wb --only three --warehouse lake 2>&1 | grep -v step | tr '\n' ' ')
check "--only a name" "third " "$out"

# cell 4 of 5 fails: cells 1-3 committed, 5 not run
cat > fail.wb <<'EOF'
-- A pipeline whose fourth cell has a mistake.

-- %% sql name=bronze
CREATE TABLE bronze.ev AS SELECT range AS id, range % 3 AS kind FROM range(10);

-- %% sql name=silver
CREATE TABLE silver.ev AS SELECT * FROM bronze.ev WHERE kind > 0;

-- %% md
-- Gold next.

-- %% sql name=gold
SELECT 1 AS ok;
CREATE TABLE gold.by_kind AS
SELECT kind, count(*) AS n
FROM silver.ev GROUP BY kindd;

-- %% sql name=after
CREATE TABLE gold.after AS SELECT 1 AS x;
EOF
out=$("$WB" run fail.wb --warehouse lake1 2>&1)
rc=$?
check "a failing cell: exit status 1" 1 "$rc"
contains "the failing statement's file:line:col" "fail.wb:16:25: Error: column \"kindd\" does not exist" "$out"
contains "the failing line is shown with its file line number" "LINE 16: FROM silver.ev GROUP BY kindd" "$out"
contains "the cell is named, with its number and line" "wb run: fail.wb:12: cell 4 (gold) failed; the run stopped there." "$out"
contains "what ran and what did not" "Cells 1-3 ran and what they wrote is committed. Cell 5 did not run." "$out"
contains "how to go on" "HINT: fix the cell, then go on from it: wb run fail.wb --from gold" "$out"
contains "the statement before the error in the cell ran" "│ ok │" "$(printf '%s' "$out" | sed 's/  */ /g')"
check "the earlier cells' tables are committed, the later cell's is not" "bronze,ev silver,ev " "$(tables lake1)"
out=$("$WB" --warehouse lake1 --csv -c "SELECT count(*) FROM silver.ev")
check "the committed table has its rows" "count(*)
6" "$out"

# a syntax error in cell 7: file:line, cells 1-6 committed
: > seven.wb
for i in 1 2 3 4 5 6; do
	printf -- '-- %%%% sql name=c%d\nCREATE TABLE t%d AS SELECT %d AS x;\n\n' "$i" "$i" "$i" >> seven.wb
done
printf -- '-- %%%% sql name=c7\nSELECT x\nFROM t1\nWHERE x => 1;\n' >> seven.wb
out=$("$WB" run seven.wb --warehouse lake7 2>&1)
check "a syntax error in cell 7: exit 1" 1 $?
contains "a syntax error in cell 7: file:line:col of the error" "seven.wb:22:9: Error: syntax error" "$out"
contains "a syntax error in cell 7: the cell and what ran" "wb run: seven.wb:19: cell 7 (c7) failed; the run stopped there. Cells 1-6 ran and what they wrote is committed." "$out"
check "a syntax error in cell 7: the tables of cells 1-6 are committed" \
	"default,t1 default,t2 default,t3 default,t4 default,t5 default,t6 " "$(tables lake7)"

# a cell with .bail off keeps going, and so does the run; the exit status says a cell failed
cat > keep.wb <<'EOF'
-- %% sql
.bail off
SELECT nope;
SELECT 'still here' AS s;

-- %% sql
SELECT 'next cell' AS s;
EOF
out=$("$WB" run --csv keep.wb --warehouse lake 2>&1)
check ".bail off in a cell: the cell and the run go on, exit 1" "1" "$?"
contains ".bail off: the statement after the error ran" "still here" "$out"
contains ".bail off: the next cell ran" "next cell" "$out"
contains ".bail off: a summary of failed cells" "wb run: keep.wb: 1 cell failed" "$out"

# the report
cat > rep.wb <<'EOF'
-- param since DATE = '2019-10-02'
-- param tbl VARCHAR = 'orders'

-- %% md
-- # Orders
--
-- Orders since the start date.

-- %% sql name=load
CREATE TABLE ${tbl} AS SELECT * FROM (VALUES (DATE '2019-10-01', 10.5), (DATE '2019-10-02', 3.0), (DATE '2019-10-03', 7.25)) t(day, amount);

-- %% sql name=recent
SELECT day, amount FROM ${tbl} WHERE day >= :since ORDER BY day;

-- %% chart type=line x=day y=amount
-- title: amount by day

-- %% sql name=many
SELECT range AS i FROM range(100);

-- %% sql name=stats
TTEST amount BY day > DATE '2019-10-01' FROM (SELECT * FROM ${tbl} UNION ALL SELECT * FROM ${tbl});
EOF
"$WB" run rep.wb --output report.md --warehouse lake2 > stdout.txt 2>&1
check "--output: exit 0" 0 $?
r=$(cat report.md)
contains "report: a title" "# rep.wb" "$r"
contains "report: the parameters' values" "| since | DATE | 2019-10-02 |" "$r"
contains "report: markdown cells as markdown" "# Orders

Orders since the start date." "$r"
contains "report: SQL in a sql fence, parameters substituted" '```sql
SELECT day, amount FROM orders WHERE day >= :since ORDER BY day;
```' "$r"
contains "report: results as markdown tables" "| day | amount |
|-----|-------:|
| 2019-10-02 | 3.0 |
| 2019-10-03 | 7.25 |" "$r"
contains "report: messages in a text fence" '```text
Table orders created (3 rows, Delta version 0)
```' "$r"
contains "report: the chart cell's spec" '```text
%% chart type=line x=day y=amount
title: amount by day
```' "$r"
contains "report: the chart, drawn on the SQL cell's result, in a text fence" '```

```text
                                 amount by day
' "$r"
contains "report: the chart's x axis: the result's days" "2019-10-02                                                            2019-10-03
\`\`\`" "$r"
contains "report: a long result shows its first rows and a count" "*100 rows (40 shown)*" "$r"
lacks "report: a long result's row 41 is left out" "| 40 |" "$r"
contains "report: statistics keep their title (a person reads the report)" "Welch Two Sample t-test" "$r"
s=$(cat stdout.txt)
contains "--output still shows results on the terminal" "│ 2019-10-03 │   7.25 │" "$s"
contains "--output: the terminal's statistics keep their stars and notes" "Signif. codes" "$s"
lacks "--output: no temporary file left" ".report.md" "$(ls -A)"

"$WB" run fail.wb --output failed.md --warehouse lake3 > /dev/null 2>&1
check "--output of a failing run: exit 1" 1 $?
r=$(cat failed.md)
contains "failing report: the error, in a text fence" 'fail.wb:16:25: Error: column "kindd" does not exist' "$r"
contains "failing report: where it stopped" "**Stopped:** cell 4 (gold) failed (line 12); the cells after it did not run." "$r"
lacks "failing report: the cell after it is not there" "gold.after" "$r"

echo "1..$n"
exit $fail
