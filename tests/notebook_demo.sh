#!/bin/sh
# notebooks/ecommerce_demo.wb, the medallion in one script, runs from start
# to end on generated events (200 000 rows) and builds its tables; its
# Gold tables agree with the same sums taken straight from the file.
set -u
src=$(cd "${WB_SRCDIR:-.}" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "1..3"
cd "$tmp" || exit 1
"$WB" generate ecommerce --rows 200000 --seed 42 -o events.csv
if "$WB" --warehouse "$tmp/lake" "$src/notebooks/ecommerce_demo.wb" > out 2>&1; then
	echo "ok 1 - the script runs"
else
	echo "not ok 1 - the script fails"
	tail -20 out | sed 's/^/# /'
fi
q() { "$WB" --warehouse "$tmp/lake" --csv -c "$1" 2>&1 | tail -n +2; }
got=$(q "SELECT sum(purchases), round(sum(revenue), 0) FROM gold.daily_sales")
want=$(q "SELECT count(*), round(sum(price), 0) FROM (SELECT DISTINCT * FROM 'events.csv') WHERE event_type = 'purchase' AND price >= 0")
[ "$got" = "$want" ] && echo "ok 2 - gold.daily_sales holds every distinct purchase" \
	|| echo "not ok 2 - gold.daily_sales: $got, the file: $want"
got=$(q "SELECT count(*) - count(DISTINCT user_id) FROM gold.user_features")
[ "$got" = "0" ] && echo "ok 3 - gold.user_features has one row per user" || echo "not ok 3 - duplicate users: $got"
