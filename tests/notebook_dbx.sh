#!/bin/sh
# Databricks SQL notebook source, both ways (wb-notebook(5), DATABRICKS):
# wb notebook export writes what Databricks reads (header, COMMAND
# separators, MAGIC %md, DBTITLE, widgets for parameters); import reads it
# back, and wb -> Databricks -> wb gives the same bytes; a notebook written
# by Databricks itself imports and runs.
set -u
WB=${WB:-./wb}
case $WB in /*) ;; *) WB=$(pwd)/$WB ;; esac
src=${WB_SRCDIR:-.}
case $src in /*) ;; *) src=$(pwd)/$src ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "${WB_SRCDIR:-.}/tests/check_lib.sh"
cd "$tmp" || exit 1

cat > nb.wb <<'EOF'
-- Daily orders
-- param run_date DATE = '2019-10-01'
-- param top BIGINT = 3
-- param region VARCHAR
-- param note VARCHAR = 'it''s'

-- %% md
-- # Orders
--
-- Since **run_date**.

-- %% sql name=load
.bail on
CREATE TABLE orders AS SELECT * FROM (VALUES (DATE '2019-10-01', 'EU'), (DATE '2019-10-02', 'US')) t(day, region);

-- %% sql
SELECT day
FROM orders
WHERE day >= :run_date AND region = '${region}'
LIMIT :top;

-- %% chart name=by_day type=bar x=day
-- title: orders by day
EOF
"$WB" notebook export nb.wb -o nb.sql
check "export: exit 0" 0 $?
check "export: Databricks SQL notebook source" "-- Databricks notebook source
-- Daily orders
CREATE WIDGET TEXT run_date DEFAULT '2019-10-01'; -- wb: DATE
CREATE WIDGET TEXT top DEFAULT '3'; -- wb: BIGINT
CREATE WIDGET TEXT region DEFAULT ''; -- wb: VARCHAR, required
CREATE WIDGET TEXT note DEFAULT 'it\\'s'; -- wb: VARCHAR

-- COMMAND ----------

-- MAGIC %md
-- MAGIC # Orders
-- MAGIC
-- MAGIC Since **run_date**.

-- COMMAND ----------

-- DBTITLE 1,load
-- wb: .bail on
CREATE TABLE orders AS SELECT * FROM (VALUES (DATE '2019-10-01', 'EU'), (DATE '2019-10-02', 'US')) t(day, region);

-- COMMAND ----------

SELECT day
FROM orders
WHERE day >= :run_date AND region = '\${region}'
LIMIT :top;

-- COMMAND ----------

-- DBTITLE 1,by_day
-- MAGIC %md
-- MAGIC %% chart type=bar x=day
-- MAGIC title: orders by day" "$(cat nb.sql)"
"$WB" notebook import nb.sql -o back.wb
check "import: exit 0" 0 $?
check "wb -> Databricks -> wb: the same bytes" "$(od -c nb.wb)" "$(od -c back.wb)"
out=$("$WB" notebook export back.wb)
check "and again: the same Databricks source" "$(cat nb.sql)" "$out"

# a script without markers (the shipped demo) comes back as it was
"$WB" notebook export "$src/notebooks/ecommerce_demo.wb" > demo.sql
out=$("$WB" notebook import demo.sql)
check "a script without markers: the same text back" "$(cat "$src/notebooks/ecommerce_demo.wb")" "$out"
contains "a script's dot-commands become wb: comments" "-- wb: .bail on" "$(cat demo.sql)"

# the imported notebook runs
out=$("$WB" run --csv back.wb -p region=US --warehouse lake 2>&1)
check "the imported notebook runs (its chart cell too: a table of lines in csv)" "day
2019-10-02
chart
\"                                 orders by day\"" "$(printf '%s\n' "$out" | head -4)"

# a notebook written in Databricks
cat > dbx.sql <<'EOF'
-- Databricks notebook source
-- MAGIC %md ## Daily report
-- MAGIC Numbers by day.

-- COMMAND ----------

create widget text scope default "1s1m";
CREATE WIDGET DROPDOWN region DEFAULT 'EU' CHOICES SELECT * FROM (VALUES ('EU'), ('US'));

-- COMMAND ----------

-- DBTITLE 1,1. Pick the numbers
SELECT '${scope}' AS s, :region AS r

-- COMMAND ----------

-- MAGIC %python
-- MAGIC print("hi")

-- COMMAND ----------

-- MAGIC %sql
-- MAGIC CREATE WIDGET TEXT lim DEFAULT '10';
-- MAGIC SELECT 1 AS one LIMIT ${lim}
EOF
"$WB" notebook import dbx.sql -o dbx.wb 2> warnings.txt
check "import of a Databricks notebook: exit 0" 0 $?
check "parameters on top, magic and titles turned into cells" "-- param scope VARCHAR = '1s1m'
-- param region VARCHAR = 'EU'
-- param lim VARCHAR = '10'

-- %% md
-- ## Daily report
-- Numbers by day.

-- %% sql name=1._Pick_the_numbers
SELECT '\${scope}' AS s, :region AS r

-- %% sql
-- MAGIC %python
-- MAGIC print(\"hi\")

-- %% sql
SELECT 1 AS one LIMIT \${lim}" "$(cat dbx.wb)"
w=$(cat warnings.txt)
contains "warning: a dropdown loses its choices" "dbx.sql:8: DROPDOWN widget region imported as a VARCHAR parameter" "$w"
contains "warning: a %python cell kept as comments" "dbx.sql:17: a %python cell: kept as comments (wb runs SQL)" "$w"
out=$("$WB" run --csv dbx.wb --warehouse lake 2>&1)
check "the imported Databricks notebook runs" "s,r
1s1m,EU
one
1" "$out"

printf '# Databricks notebook source\nprint(1)\n' > py.py
out=$("$WB" notebook import py.py 2>&1)
check "a Python notebook: exit 1" 1 $?
contains "a Python notebook: says so" "is a Python (or R, Scala) Databricks notebook; wb imports SQL notebooks" "$out"
out=$("$WB" notebook import nb.wb 2>&1)
check "not a Databricks file: exit 1" 1 $?
contains "not a Databricks file: says what the first line should be" "not a Databricks SQL notebook source: its first line is not '-- Databricks notebook source'" "$out"
out=$("$WB" notebook frob nb.wb 2>&1)
check "an unknown subcommand: exit 2" 2 $?
contains "an unknown subcommand: lists them" "unknown subcommand 'frob' (cells, params, export, import)" "$out"
check "no temporary files left by -o" "back.wb dbx.sql dbx.wb demo.sql lake nb.sql nb.wb py.py warnings.txt" "$(ls -A | tr '\n' ' ' | sed 's/ $//')"

echo "1..$n"
exit $fail
