#!/bin/sh
# The .wb notebook format (wb-notebook(5)): cells and their numbering,
# names, kinds, the header, a file without markers as one SQL cell
# (dot-commands included), CRLF files, and the errors a malformed notebook
# gets before anything runs: file:line, what is wrong, how to write it.
set -u
WB=${WB:-./wb}
case $WB in /*) ;; *) WB=$(pwd)/$WB ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "${WB_SRCDIR:-.}/tests/check_lib.sh"
cd "$tmp" || exit 1

cat > nb.wb <<'EOF'
-- Title comment: the header
-- param top BIGINT = 2

-- %% md
-- # Heading
--
-- Text.

-- %% sql name=load
CREATE TABLE t AS SELECT range AS x FROM range(5);

-- %%
SELECT count(*) AS n FROM t;

-- %% [markdown]
-- jupytext's spelling of a markdown cell

-- %% chart type=kpi y=n ascii height=1 name=bars
-- title: bars

-- %% sql name=last
SELECT max(x) AS m FROM t;
EOF
out=$("$WB" notebook cells nb.wb)
check "cells: numbered from 1 over every kind, with names and marker lines" \
"┌────────┬─────────┬─────────┬────────┬──────────┬────────────────────────────────────────────────────┐
│  cell  │  kind   │  name   │  line  │ expected │                     first_line                     │
│ bigint │ varchar │ varchar │ bigint │ boolean  │                      varchar                       │
├────────┼─────────┼─────────┼────────┼──────────┼────────────────────────────────────────────────────┤
│      1 │ md      │ NULL    │      4 │ NULL     │ # Heading                                          │
│      2 │ sql     │ load    │      9 │ false    │ CREATE TABLE t AS SELECT range AS x FROM range(5); │
│      3 │ sql     │ NULL    │     12 │ false    │ SELECT count(*) AS n FROM t;                       │
│      4 │ md      │ NULL    │     15 │ NULL     │ jupytext's spelling of a markdown cell             │
│      5 │ chart   │ bars    │     18 │ false    │ title: bars                                        │
│      6 │ sql     │ last    │     21 │ false    │ SELECT max(x) AS m FROM t;                         │
└────────┴─────────┴─────────┴────────┴──────────┴────────────────────────────────────────────────────┘" "$out"
out=$("$WB" notebook params nb.wb)
contains "params: the header's parameter with its type, default and line" "│ top     │ BIGINT  │ 2       │      2 │" "$out"

out=$("$WB" run --csv --warehouse lake nb.wb 2>&1)
# (csv output leaves out messages such as "Table t created"; a chart is a
# table of its lines there)
check "run: sql cells in order, markdown silent, the chart as a table" "n
5
chart
bars 5
m
4" "$out"
out=$("$WB" run --warehouse lake3 nb.wb 2>&1)
contains "a chart cell draws the SQL cell's result before it" "│      5 │
└────────┘
bars 5" "$out"
# the same file is still a plain script: markers and markdown are comments
out=$("$WB" --csv --warehouse lake2 nb.wb 2>&1)
check "a notebook still runs as a script (wb FILE.wb)" "n
5
m
4" "$out"

# a file without markers is one SQL cell, dot-commands and all
printf -- '-- a script\n.mode csv\nSELECT 1 AS a;\n\n.mode tsv\nSELECT 2 AS b, 3 AS c;\n' > plain.wb
out=$("$WB" notebook cells plain.wb | sed -n 5p)
contains "no markers: one SQL cell from line 1" "│      1 │ sql     │ NULL    │      1 │" "$out"
out=$("$WB" run plain.wb --warehouse lake 2>&1)
check "no markers: dot-commands run as in a script" "a
1
b	c
2	3" "$out"

# code before the first marker is cell 1; the header is only comments
printf 'SELECT 1 AS one;\n-- %%%% sql name=two\nSELECT 2 AS two;\n' > implicit.wb
out=$("$WB" notebook cells implicit.wb | sed -n '5,6p')
contains "code before the first marker: cell 1 at line 1" "│      1 │ sql     │ NULL    │      1 │" "$out"
contains "then the marked cells" "│      2 │ sql     │ two     │      2 │" "$out"

# CRLF line ends
printf -- '-- %%%% sql name=a\r\nSELECT 1 AS x;\r\n\r\n-- %%%% sql name=b\r\nSELECT 2 AS y;\r\n' > crlf.wb
out=$("$WB" run --csv crlf.wb --warehouse lake 2>&1)
check "CRLF notebooks run" "x
1
y
2" "$out"

# errors, each before any cell runs
bad() {   # bad NAME FILE-CONTENT NEEDLE...: wb run fails with exit 2 and says each needle
	name=$1 text=$2
	shift 2
	printf '%s' "$text" > bad.wb
	out=$("$WB" run bad.wb --warehouse badlake 2>&1)
	rc=$?
	check "$name: exit 2" 2 "$rc"
	for needle in "$@"; do
		contains "$name: says '$needle'" "$needle" "$out"
	done
	[ -d badlake ] && { echo "not ok $((n = n + 1)) - $name: something ran"; fail=1; }
}
bad "unknown cell kind" "-- %% sql
CREATE TABLE t AS SELECT 1 AS x;
-- %% python
print(1)
" "bad.wb:3: unknown cell kind 'python'" "HINT: cells are sql, md"
bad "markdown cell with a SQL line" "-- %% md
-- # fine
SELECT 1;
" "bad.wb:3: cell 1 is a markdown cell but this line is not a comment" "-- "
bad "SQL after an expected block" "-- %% sql
SELECT 1;
-- > x
SELECT 2;
" "bad.wb:4: SQL after the expected-output block of cell 1 (line 3)" "HINT: start a new cell"
bad "two cells with one name" "-- %% sql name=a
SELECT 1;
-- %% sql name=a
SELECT 2;
" "bad.wb:3: two cells are named a (cells 1 and 2)"
bad "unknown option" "-- %% sql nmae=a
SELECT 1;
" "bad.wb:1: unknown option 'nmae=a' for a sql cell" "name=NAME"
bad "bad cell name" "-- %% sql name=42
SELECT 1;
" "bad.wb:1: bad cell name '42'" "not only digits"
bad "a parameter declared inside a cell" "-- %% sql
SELECT 1;
-- param x BIGINT = 1
" "bad.wb:3: parameter x is declared inside a cell" "move the line to the top"

out=$("$WB" run nb.wb --only 99 --warehouse badlake 2>&1)
check "--only a cell number that does not exist: exit 2" 2 $?
contains "--only 99: says how many cells there are" "nb.wb has no cell 99: its cells are numbered 1 to 6" "$out"
out=$("$WB" run nb.wb --only lst --warehouse badlake 2>&1)
contains "--only a misspelt name: did you mean" "has no cell named 'lst'" "$out"
contains "--only a misspelt name: suggestion" "did you mean 'last'?" "$out"
[ -d badlake ] && { echo "not ok $((n = n + 1)) - --only errors ran something"; fail=1; }
out=$("$WB" run nb.wb --only 1 --from 2 2>&1)
check "--only and --from together: a usage error" 2 $?
out=$("$WB" run 2>&1)
check "wb run without a notebook: a usage error" 2 $?
contains "wb run without a notebook: says so" "which notebook?" "$out"

# the notebook in wb-notebook(5) is a valid notebook
src=${WB_SRCDIR:-$(dirname "$0")/..}
case $src in /*) ;; *) src=$OLDPWD/$src ;; esac
awk '/^A small notebook:/ { want = 1 } want && /^\.nf/ { on = 1; next } on && /^\.fi/ { exit } on { print }' \
	"$src/man/wb-notebook.5" | sed -e 's/\\-/-/g' -e "s/\\\\(aq/'/g" -e 's/\\&//g' > man.wb
out=$("$WB" notebook cells man.wb 2>&1 | sed -n '5,8p' | sed 's/  */ /g')
check "the notebook of wb-notebook(5) parses: md, two named sql cells, a chart" "│ 1 │ md │ NULL │ 6 │ NULL │ # Orders │
│ 2 │ sql │ load │ 11 │ false │ CREATE OR REPLACE TABLE bronze.orders AS │
│ 3 │ sql │ top_brands │ 15 │ false │ SELECT brand, count(*) AS orders │
│ 4 │ chart │ NULL │ 21 │ false │ title: orders by brand │" "$out"
out=$("$WB" notebook params man.wb 2>&1 | sed -n '5,7p' | sed 's/  */ /g')
check "... and declares its three parameters" "│ run_date │ DATE │ 2019-10-01 │ 2 │
│ top │ BIGINT │ 5 │ 3 │
│ source │ VARCHAR │ orders.csv │ 4 │" "$out"

echo "1..$n"
exit $fail
