#!/bin/sh
# Charts from the front ends (man wb-chart): `.chart` on the last result
# (kept by the session, at most 100,000 rows), the CHART statement, chart
# cells of a notebook in `wb run` and in its report, the locale (UTF-8 or
# ASCII), and on a terminal its size and colour (NO_COLOR).
set -u
WB=${WB:-./wb}
case $WB in /*) ;; *) WB=$(pwd)/$WB ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "${WB_SRCDIR:-.}/tests/check_lib.sh"
cd "$tmp" || exit 1
esc=$(printf '\033')
brands="CREATE TEMP TABLE b AS SELECT * FROM (VALUES ('apple', 10.0), ('samsung', 7.5), ('lg', 2.5)) t(brand, revenue)"

# .chart: the last result, the kind chosen from its columns, in ASCII in the C locale
out=$(LC_ALL=C "$WB" -m csv -c "$brands" -c "SELECT * FROM b" -m box -c ".chart width=40 height=8" 2>&1 | tail -8)
check ".chart: the last result as horizontal bars, the auto chart's choice in a note" "  apple |########################### 10
        |
samsung |#################### 7.5
        |
     lg |####### 2.5
        ++----+----+-----+----+----+
         0    2    4     6    8    10
auto chart: bar horizontal x=brand y=revenue" "$out"

# the same in a UTF-8 locale
out=$(LC_ALL=C.UTF-8 "$WB" -c "$brands" -c "SELECT * FROM b" -c ".chart bar vertical x=brand y=revenue width=30 height=7" 2>&1 | tail -7)
check ".chart in a UTF-8 locale: block elements (eighths) and box drawing" "10 ┤ ██████
   │ ██████  ▆▆▆▆▆▆
   │ ██████  ██████
   │ ██████  ██████  ▂▂▂▂▂▂
 0 ┤ ██████  ██████  ██████
   └────┬───────┬───────┬────
      apple  samsung    lg" "$out"
out=$(LC_ALL=C "$WB" -c "$brands" -c "SELECT * FROM b" -c ".chart bar unicode x=brand y=revenue width=30 height=7" 2>&1)
contains "unicode: UTF-8 whatever the locale" "███████" "$out"
out=$(LC_ALL=C.UTF-8 "$WB" -c "$brands" -c "SELECT * FROM b" -c ".chart bar ascii x=brand y=revenue width=30 height=7" 2>&1 | tail -7)
contains "ascii: ASCII whatever the locale" "  apple |####" "$out"

# the CHART statement draws the same as .chart on the same rows
a=$(LC_ALL=C "$WB" -c "$brands" -c "CHART bar x=brand y=revenue width=40 height=8 FROM b" 2>&1)
contains "CHART ... FROM table draws a chart" "samsung |####################" "$a"
b2=$(LC_ALL=C "$WB" -c "$brands" -c "SELECT * FROM b" -c ".chart bar x=brand y=revenue width=40 height=8" 2>&1 | tail -7)
check "CHART and .chart: one grammar, one drawing" "$(printf '%s\n' "$a" | tail -7)" "$b2"
out=$(LC_ALL=C "$WB" -c "$brands" -c ".mode trash" -c "SELECT * FROM b" -c ".mode box" -c ".chart" 2>&1 > /dev/null)
check "the trash mode keeps no result (timing runs pay nothing)" "Error: .chart: there is no result to chart yet
HINT: run a query first, e.g. SELECT brand, sum(price) AS revenue FROM events GROUP BY brand; or CHART ... FROM source" "$out"

# errors: named, with a caret into the statement and a did-you-mean
out=$(LC_ALL=C "$WB" -c "$brands" -c "CHART bar x=brand y=revnue FROM b" 2>&1 > /dev/null)
check "CHART: an unknown column, at its place, with a did-you-mean" "Error: chart option y: no column \"revnue\" in the result
LINE 1: CHART bar x=brand y=revnue FROM b
                            ^
HINT: did you mean \"revenue\"? The columns: brand, revenue" "$out"
"$WB" -c "$brands" -c "CHART bar x=brand y=revnue FROM b" > /dev/null 2>&1
check "a failing CHART: exit status 1" 1 $?
out=$("$WB" -c ".chart" 2>&1)
check ".chart before any result: an error saying what to do" "Error: .chart: there is no result to chart yet
HINT: run a query first, e.g. SELECT brand, sum(price) AS revenue FROM events GROUP BY brand; or CHART ... FROM source" "$out"
out=$("$WB" -c "SELECT 1 AS a" -c ".chart bar stackd" 2>&1 > /dev/null)
check ".chart: a misspelt modifier" "Error: chart spec: unknown word 'stackd' (not a chart kind or modifier)
HINT: did you mean stacked? .chart help lists the options" "$out"
out=$("$WB" -c "SELECT 1 AS a WHERE false" -c ".chart" 2>&1 > /dev/null)
check ".chart of an empty result: a clear message" "Error: nothing to chart: the result has no rows
HINT: check the query's WHERE conditions" "$out"
out=$("$WB" -c ".chart help" 2>&1)
contains ".chart help: the options" "  binwidth=W             histogram: the width of a bin" "$out"
out=$("$WB" -c ".help chart" 2>&1)
contains ".help chart" ".chart [KIND] [MODIFIER ...] [KEY=VALUE ...]" "$out"

# title with spaces through the dot-command's word splitting
out=$(LC_ALL=C "$WB" -c "$brands" -c "SELECT * FROM b" -c ".chart bar title='Revenue by brand' width=40 height=9" 2>&1)
contains ".chart: a quoted title with spaces" "            Revenue by brand" "$out"

# the last result is bounded; the chart says what it saw
out=$(LC_ALL=C "$WB" -c ".maxrows 2" -c "SELECT range AS i, range % 7 AS k FROM range(250000)" -c ".chart histogram y=k width=40 height=8" 2>&1)
contains "a large result: the first 100,000 rows are kept and charted, and it says so" "the first 100,000 of 250,000 rows are charted; aggregate in SQL first to chart them all" "$out"
contains "a large result: the histogram counts what was kept" "histogram of k: 100,000 values" "$out"

# machine modes: a table of lines, and the last result stays the one charted
out=$(LC_ALL=C "$WB" -c "$brands" -c "SELECT * FROM b" -m csv -c ".chart bar x=brand y=revenue width=40 height=8" -c ".chart sparkline y=revenue" 2>&1)
check "csv: .chart writes a table of lines (and the result charted stays the last)" "brand,revenue
apple,10.0
samsung,7.5
lg,2.5
chart
\"  apple |########################### 10\"
\"        |\"
samsung |#################### 7.5
\"        |\"
\"     lg |####### 2.5\"
\"        ++----+----+-----+----+----+\"
\"         0    2    4     6    8    10\"
chart
revenue ^-_ 2.5" "$out"

# a terminal: its size, and colour unless NO_COLOR
if command -v script > /dev/null 2>&1 && script -qec true /dev/null > /dev/null 2>&1; then
	cat > tty.sh <<EOF
stty cols 50 rows 14
LC_ALL=C.UTF-8 "$WB" -c "$brands" -c "SELECT * FROM b" -c ".chart"
EOF
	out=$(script -qec "sh tty.sh" /dev/null 2>&1 | tr -d '\r')
	contains "a terminal: colour (ANSI escapes)" "${esc}[0;34m" "$out"
	wide=$(printf '%s\n' "$out" | sed "s/${esc}\[[0-9;]*m//g" | grep -E '^ *(apple|samsung|lg) ' | awk '{ if (length($0) > m) m = length($0) } END { print m + 0 }')
	n=$((n + 1))
	if [ "$wide" -gt 0 ] && [ "$(printf '%s\n' "$out" | sed "s/${esc}\[[0-9;]*m//g" | grep -E '^ +└' | head -1 | wc -m)" -le 51 ]; then
		echo "ok $n - a terminal: the chart is as wide as the terminal (50 columns)"
	else
		echo "not ok $n - a terminal: the chart is as wide as the terminal (50 columns)"
		printf '%s\n' "$out" | sed 's/^/# /'
		fail=1
	fi
	out=$(NO_COLOR=1 script -qec "sh tty.sh" /dev/null 2>&1)
	lacks "a terminal with NO_COLOR: no colour" "${esc}[0;34m" "$out"
else
	n=$((n + 1))
	echo "ok $n # SKIP no script(1) to give wb a terminal"
fi
out=$(LC_ALL=C.UTF-8 "$WB" -c "$brands" -c "SELECT * FROM b" -c ".chart" 2>&1)
lacks "not a terminal: no colour" "$esc" "$out"
contains "not a terminal: 80 columns" "         0     1      2      3     4      5      6     7      8      9     10" "$out"

# notebooks: a chart cell draws the previous SQL cell's result, in wb run
# and in the report (ASCII: the spec says so)
cat > nb.wb <<'EOF'
-- param top BIGINT = 3

-- %% sql name=load
CREATE TABLE sales AS SELECT * FROM (VALUES (DATE '2019-10-01', 'apple', 10.0), (DATE '2019-10-02', 'lg', 2.5), (DATE '2019-10-02', 'apple', 4.0)) t(day, brand, revenue);

-- %% sql name=by_brand
SELECT brand, sum(revenue) AS revenue FROM sales GROUP BY brand ORDER BY revenue DESC LIMIT :top;

-- %% md
-- A markdown cell between them changes nothing.

-- %% chart bar x=brand y=revenue name=brands
-- title: revenue, top ${top}
-- width: 40
-- height: 9
-- ascii

-- %% sql name=daily
SELECT day, sum(revenue) AS revenue FROM sales GROUP BY day ORDER BY day;

-- %% chart kpi
-- y: revenue
-- x: day
-- height: 1
-- width: 60
-- ascii
EOF
out=$("$WB" run nb.wb --warehouse lake 2>&1)
check "wb run: exit 0" 0 $?
contains "wb run: the chart cell draws the SQL cell before it (parameters substituted)" "             revenue, top 3
apple |############################# 14
      |
   lg |##### 2.5
      ++---+---+---+---+---+---+---+
       0   2   4   6   8   10  12  14" "$out"
contains "wb run: a KPI of the other SQL cell's result" "revenue 6.5 v -35.0% (-3.5) vs 2019-10-01" "$out"
"$WB" run nb.wb --warehouse lake2 -o report.md > /dev/null 2>&1
check "wb run -o: exit 0" 0 $?
r=$(cat report.md)
contains "report: the chart cell's spec, as it ran" '```text
%% chart bar x=brand y=revenue
title: revenue, top 3' "$r"
contains "report: the chart as text in a fenced block" '```text
             revenue, top 3
apple |############################# 14' "$r"
contains "report: the KPI too" '```text
revenue 6.5 v -35.0% (-3.5) vs 2019-10-01
```' "$r"
lacks "report: no colour escapes" "$esc" "$r"

# a chart cell's errors: at the notebook's line and column, and the run stops
cat > bad.wb <<'EOF'
-- %% sql
SELECT 'a' AS brand, 1.5 AS revenue;

-- %% chart bar x=brand
-- y: revnue

-- %% sql
SELECT 'not run' AS x;
EOF
out=$("$WB" run bad.wb --warehouse lake3 2>&1)
check "a failing chart cell: exit 1" 1 $?
contains "a chart cell's error: file:line:col, the line, a caret and a did-you-mean" "bad.wb:5:7: Error: chart option y: no column \"revnue\" in the result
LINE 5: -- y: revnue
              ^
HINT: did you mean \"revenue\"? The columns: brand, revenue" "$out"
lacks "a failing chart cell stops the run" "│ not run" "$out"
out=$("$WB" test bad.wb 2>&1)
contains "wb test: a failing chart cell is a failure" "bad.wb:4 cell 2: FAILED" "$out"
cat > bad2.wb <<'EOF'
-- %% sql
CREATE TABLE t AS SELECT 1 AS x;

-- %% chart bar vertical titel=x
EOF
out=$("$WB" run bad2.wb --warehouse lake4 2>&1)
contains "a chart cell's spec error on the marker line" "bad2.wb:4:26: Error: chart spec: unknown option 'titel'
LINE 4: -- %% chart bar vertical titel=x
                                 ^
HINT: did you mean title?" "$out"
sed -i 's/titel=x/title=x/' bad2.wb
out=$("$WB" run bad2.wb --warehouse lake5 2>&1)
contains "a chart cell after a cell without a result: says so" "bad2.wb:4: Error: cell 2: nothing to chart: the SQL cell before it showed no result" "$out"
out=$("$WB" run nb.wb --only brands --warehouse lake6 2>&1)
contains "--only a chart cell: nothing ran before it" "nothing to chart: the SQL cell before it showed no result" "$out"

echo "1..$n"
exit $fail
