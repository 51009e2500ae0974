#!/bin/sh
# Views of a warehouse schema outlive the session (as in a metastore):
# another process sees them, by name and in listings; DROP VIEW removes
# them for good; temporary views stay in their session.
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "1..7"
n=0
check() {
	n=$((n + 1))
	if [ "$2" = "$3" ]; then echo "ok $n - $1"; else echo "not ok $n - $1"; echo "# got:  $2"; echo "# want: $3"; fi
}
q() { "$WB" --warehouse "$tmp/lake" --csv -c "$1" 2>&1 | tail -n +2; }
e() { "$WB" --warehouse "$tmp/lake" --csv -c "$1" 2>&1 | head -1; }
q "CREATE TABLE gold.sales AS SELECT range AS id, range * 2 AS amount FROM range(10)" > /dev/null
q "CREATE VIEW gold.big_sales AS SELECT id, amount FROM gold.sales WHERE amount > 10" > /dev/null
check "another session reads the view" "$(q "SELECT count(*), sum(amount) FROM gold.big_sales")" "4,60"
check "and lists it" "$(q "SHOW TABLES IN gold" | grep big_sales)" "gold,big_sales,view,2,"
check "the view is bound at each use: new rows show" \
	"$(q "INSERT INTO gold.sales VALUES (100, 200)" > /dev/null; q "SELECT count(*) FROM gold.big_sales")" "5"
check "CREATE VIEW of an existing stored view is an error" \
	"$(e "CREATE VIEW gold.big_sales AS SELECT 1")" 'Error: view "big_sales" already exists'
q "CREATE OR REPLACE VIEW gold.big_sales AS SELECT id FROM gold.sales WHERE amount > 100" > /dev/null
check "CREATE OR REPLACE replaces it for other sessions" "$(q "SELECT count(*) FROM gold.big_sales")" "1"
q "DROP VIEW gold.big_sales" > /dev/null
check "DROP VIEW removes it for good" "$(e "SELECT count(*) FROM gold.big_sales")" 'Error: table "gold.big_sales" does not exist'
q "CREATE TEMP VIEW scratch AS SELECT 1 AS x" > /dev/null
check "a temporary view stays in its session" "$(ls "$tmp/lake/main/gold/_views" 2>/dev/null | wc -l | tr -d ' ')" "0"
