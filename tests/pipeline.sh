#!/bin/sh
# The shipped medallion pipeline (notebooks/00_landing.wb .. 03_gold.wb and
# notebooks/ecommerce_daily.job) end to end:
#   1. the four notebooks pass `wb test` one after the other in one
#      warehouse (their expected blocks are the first day, 2019-10-01);
#   2. the job runs the next day (2019-10-08) and every table agrees with
#      the same numbers computed straight from the landing CSV files, by
#      other SQL (no Bronze, no expectations, no MERGE);
#   3. running the day again changes nothing (COPY INTO loads a file once,
#      REPLACE WHERE replaces the day);
#   4. a bad delivery (a price that is not a number) fails the Bronze task
#      and leaves every table as it was; repairing after the fix finishes.
set -u
src=$(cd "${WB_SRCDIR:-.}" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "1..22"
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); echo "not ok $n - $1"; shift; for l in "$@"; do echo "# $l"; done; }
check() { # check DESCRIPTION GOT WANT
	if [ "$2" = "$3" ]; then ok "$1"; else nok "$1" "got:  $2" "want: $3"; fi
}
cd "$tmp" || exit 1
wh="$tmp/lake"
q() { "$WB" --warehouse "$wh" --csv -c "$1" 2>&1 | tail -n +2; }

# 1. the notebooks as tests, in order, in one warehouse (landing/ is here)
cp "$src"/notebooks/00_landing.wb "$src"/notebooks/01_bronze.wb "$src"/notebooks/02_silver.wb \
	"$src"/notebooks/03_gold.wb "$src"/notebooks/ecommerce_stream.wb .
if env -u WB_SRCDIR "$WB" test --warehouse "$wh" 00_landing.wb 01_bronze.wb 02_silver.wb 03_gold.wb \
	ecommerce_stream.wb > out 2>&1; then
	ok "the pipeline notebooks and the streaming variant pass wb test (day 2019-10-01)"
else
	nok "the pipeline notebooks fail wb test" "$(tail -30 out)"
fi

# 2. the job, for another day, with the landing folder here
job="$src/notebooks/ecommerce_daily.job"
if "$WB" job run "$job" --warehouse "$wh" -p run_date=2019-10-08 -p landing="$tmp/landing" > job.out 2>&1; then
	ok "the daily job runs 2019-10-08"
else
	nok "the daily job fails" "$(cat job.out)"
fi
check "every task succeeded" "$(grep -c '^\[.*: SUCCESS in' job.out)" 4

day="read_csv('$tmp/landing/events_2019-10-08.csv', all_varchar = true)"
check "bronze holds every line of both delivered files" \
	"$(q "SELECT count(*) FROM bronze.events")" \
	"$(q "SELECT count(*) FROM read_csv('$tmp/landing/events_*.csv', all_varchar = true)")"
# silver = the day's distinct rows with a positive price; the rest quarantined
check "silver has the day's distinct rows with a price" \
	"$(q "SELECT count(*) FROM silver.events WHERE event_date = DATE '2019-10-08'")" \
	"$(q "SELECT count(*) FROM (SELECT DISTINCT * FROM $day) WHERE TRY_CAST(price AS DOUBLE) > 0")"
check "the quarantine holds the day's rows without a valid price, named by rule" \
	"$(q "SELECT count(*), count(*) FILTER (WHERE _expectation LIKE '%valid_price%') FROM silver.events_quarantine WHERE event_time >= TIMESTAMP '2019-10-08 00:00:00'")" \
	"$(q "SELECT count(*), count(*) FROM (SELECT DISTINCT * FROM $day) WHERE NOT coalesce(TRY_CAST(price AS DOUBLE) > 0, false)")"
nq=$(q "SELECT count(*) FROM (SELECT DISTINCT * FROM $day) WHERE NOT coalesce(TRY_CAST(price AS DOUBLE) > 0, false)")
check "the job's history has what silver's expectations did" \
	"$(q "SELECT count(*) FROM (SHOW JOB TASKS IN ecommerce_daily) WHERE task_key = 'silver' AND expectations LIKE 'main.silver.events v%: valid_price: $nq of % failed (quarantine);%'")" 1
check "gold.daily_sales matches the day's purchases computed from the file" \
	"$(q "SELECT purchases, buyers, revenue FROM gold.daily_sales WHERE day = DATE '2019-10-08'")" \
	"$(q "SELECT count(*), count(DISTINCT user_id), round(sum(CAST(price AS DOUBLE)), 2) FROM (SELECT DISTINCT * FROM $day) WHERE event_type = 'purchase' AND TRY_CAST(price AS DOUBLE) > 0")"
check "gold.daily_sales has both days" "$(q "SELECT count(*) FROM gold.daily_sales")" 2
check "gold.user_features: one row per user of silver" \
	"$(q "SELECT count(*), count(DISTINCT user_id) FROM gold.user_features")" \
	"$(q "SELECT count(DISTINCT user_id), count(DISTINCT user_id) FROM silver.events")"
check "gold.customer_360 has every user once" \
	"$(q "SELECT count(*) - count(DISTINCT user_id) FROM gold.customer_360")" 0
# SCD 2: one current row per product seen; closed rows end where the next begins
check "gold.dim_product: one current row per product seen" \
	"$(q "SELECT count(*) FILTER (WHERE is_current), count(DISTINCT product_id) FROM gold.dim_product")" \
	"$(q "SELECT count(DISTINCT product_id), count(DISTINCT product_id) FROM silver.events")"
check "gold.dim_product: prices that changed between the days have a closed version" \
	"$(q "SELECT count(*) FROM gold.dim_product WHERE NOT is_current AND valid_to = DATE '2019-10-08'")" \
	"$(q "WITH d AS (SELECT event_date, product_id, price, brand FROM silver.events
	                QUALIFY row_number() OVER (PARTITION BY event_date, product_id ORDER BY event_time DESC, price DESC, brand, category_code) = 1)
	      SELECT count(*) FROM d a JOIN d b ON a.product_id = b.product_id
	      WHERE a.event_date = DATE '2019-10-01' AND b.event_date = DATE '2019-10-08' AND (a.price <> b.price OR a.brand IS DISTINCT FROM b.brand)")"

# the streaming variant picks up the new day's file, and only it
if "$WB" run ecommerce_stream.wb --warehouse "$wh" -p landing="$tmp/landing" > stream.out 2>&1; then
	ok "the streaming notebook runs again"
else
	nok "the streaming notebook fails" "$(tail -20 stream.out)"
fi
files="read_csv('$tmp/landing/events_*.csv')"
check "bronze.events_stream: every delivered row with a user and a price, once" \
	"$(q "SELECT (SELECT count(*) FROM bronze.events_stream), (SELECT count(*) FROM bronze.events_stream_quarantine), (SELECT max(value) FROM (DESCRIBE STREAM bronze.events_stream) WHERE name = 'batches')")" \
	"$(q "SELECT count(*) FILTER (WHERE user_id IS NOT NULL AND price > 0), count(*) FILTER (WHERE user_id IS NOT NULL AND NOT coalesce(price > 0, false)), 2 FROM $files")"
check "gold.activity_10m: the closed windows hold every event before the last one's end" \
	"$(q "SELECT sum(events), sum(purchases), round(sum(revenue), 2) FROM gold.activity_10m")" \
	"$(q "SELECT count(*), count(*) FILTER (WHERE event_type = 'purchase'), round(sum(price) FILTER (WHERE event_type = 'purchase'), 2) FROM $files WHERE event_time < (SELECT max(w_end) FROM delta_scan('$wh/main/gold/activity_10m'))")"

# 3. the same day again: nothing changes
before=$(q "SELECT (SELECT count(*) FROM bronze.events), (SELECT count(*) FROM silver.events), (SELECT sum(revenue) FROM gold.daily_sales), (SELECT count(*) FROM gold.dim_product)")
"$WB" job run "$job" --warehouse "$wh" -p run_date=2019-10-08 -p landing="$tmp/landing" > job2.out 2>&1
check "running the day again changes no table" \
	"$(q "SELECT (SELECT count(*) FROM bronze.events), (SELECT count(*) FROM silver.events), (SELECT sum(revenue) FROM gold.daily_sales), (SELECT count(*) FROM gold.dim_product)")" \
	"$before"

# 4. a bad delivery: a late file for 2019-10-09 has an event without a
# user. Silver's has_user expectation (FAIL UPDATE) fails the silver task,
# gold does not run, and nothing of the day reaches Silver or Gold; after
# the bad row is deleted from Bronze, repairing the run finishes it.
printf '%s\n' 'event_time,event_type,product_id,category_id,category_code,brand,price,user_id,user_session' \
	'2019-10-09 10:00:00 UTC,view,1004237,2053013555631882655,electronics.smartphone,apple,1081.98,,' \
	> "$tmp/landing/events_2019-10-09_late.csv"
if "$WB" job run "$job" --warehouse "$wh" -p run_date=2019-10-09 -p landing="$tmp/landing" > job3.out 2>&1; then
	nok "the job fails on an event without a user" "$(cat job3.out)"
else
	ok "the job fails on an event without a user"
fi
run=$(sed -n 's/^run \([0-9]*\) of ecommerce_daily: .*/\1/p' job3.out | tail -1)
check "silver failed (has_user), gold did not run" \
	"$(q "SELECT string_agg(t, ' ') FROM (SELECT task_key || '=' || status AS t FROM (SHOW JOB TASKS IN ecommerce_daily FOR RUN $run) ORDER BY task_key)")" \
	"bronze=SUCCESS gold=UPSTREAM_FAILED land=SUCCESS silver=FAILED"
check "no row of the failed day reached silver or gold" \
	"$(q "SELECT (SELECT count(*) FROM silver.events WHERE event_date = DATE '2019-10-09'), (SELECT count(*) FROM gold.daily_sales WHERE day = DATE '2019-10-09')")" \
	"0,0"
q "DELETE FROM bronze.events WHERE user_id IS NULL" > /dev/null
if "$WB" job repair "$run" --warehouse "$wh" > job4.out 2>&1; then
	ok "after the fix, repairing the run finishes it"
else
	nok "the repair fails" "$(cat job4.out)"
fi
check "the repaired day is in silver and gold" \
	"$(q "SELECT (SELECT count(*) > 0 FROM silver.events WHERE event_date = DATE '2019-10-09'), (SELECT count(*) FROM gold.daily_sales WHERE day = DATE '2019-10-09')")" \
	"true,1"
