#!/bin/sh
# CREATE MODEL in wb against scikit-learn on the same table, and ALS
# recommendations, on the generated e-commerce events:
#
#   sh bench/ml.sh [ROWS]          (default 14000000: about 1 M users)
#   REPS=3 sh bench/ml.sh          (runs per timed statement, default 1)
#   KEEP=1 sh bench/ml.sh          (keep the warehouse and the CSV export)
#
# Not part of make check; needs /usr/bin/python3 with scikit-learn (1.2.1
# on Debian 12) for the sklearn side, which is skipped without it.
#
# 1. ROWS events over 61 days from 2019-10-01 (seed 42; cached in
#    bench/out) go into the Delta table bronze.events. The generator draws
#    about 0.072 distinct users per row, so 14 M rows give 1,008,129 users.
#    silver.user_features has one row per user who viewed something:
#    behavioural features from the view and cart events only (no purchase
#    event feeds a feature, so none leaks the label), the most viewed
#    top-level category (VARCHAR: one-hot), the label purchased (the user
#    bought anything in the period) and is_eval = hash(user_id) % 5 = 0,
#    the held-out fifth, used by wb (split_col = 'is_eval') and by
#    bench/ml_sklearn.py alike. COPY ... TO exports it for sklearn. The
#    table is sorted by user_id: a parallel GROUP BY emits its groups in
#    an order that varies from run to run, and a random forest's
#    bootstrap draws (wb's and sklearn's) go by row position, so without
#    the sort the forests' AUCs move in the fourth decimal between runs.
# 2. wb: CREATE MODEL logistic_reg (l2_reg = 1) and
#    random_forest_classifier (num_trees = 100, max_depth = 10,
#    max_features = 'sqrt'), timed with .timer (the statement's wall time:
#    reading the Delta table, encoding, training, scoring the held-out
#    rows, saving the model and its tracked run); test AUC from
#    ML.EVALUATE(MODEL m), i.e. on the is_eval rows.
# 3. sklearn: LogisticRegression(C=1) and RandomForestClassifier(100
#    trees, depth 10, n_jobs=2) on the same encoding and split, fit() timed
#    (bench/ml_sklearn.py says how it mirrors wb's encoding).
# 4. ALS: silver.interactions (user_id, product_id, score = sum of view 1 /
#    cart 3 / purchase 5) over a hash sample of the users sized to about
#    1 M rows (one user in round(ROWS / 1.4 M)); CREATE MODEL als
#    (num_factors = 10, max_iterations = 10, k = 5: its held-out
#    precision / recall / ndcg at 5) and ML.RECOMMEND top 5 for every user
#    into gold.recommendations, both timed.
# 5. A summary: wb and sklearn seconds, wb/sklearn, AUCs and wb - sklearn;
#    the ALS times and recall_at_5. Timing is reported, never asserted.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
REPS=${REPS:-1}
. "$here/common.sh"
rows=${1:-14000000}
PY=${PYTHON:-/usr/bin/python3}
csv=$out/events_61d_$rows.csv
if [ ! -s "$csv" ]; then
	echo "generating $rows rows over 61 days ..." >&2
	"$WB" generate ecommerce --rows "$rows" --seed 42 --start 2019-10-01 --days 61 -o "$csv" >&2
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/wb-ml-XXXXXX")
if [ -n "${KEEP:-}" ]; then
	echo "keeping $tmp" >&2
else
	trap 'rm -rf "$tmp"' EXIT INT TERM
fi
lake=$tmp/lake
features_csv=$tmp/user_features.csv
als_mod=$(((rows + 700000) / 1400000))
[ "$als_mod" -ge 1 ] || als_mod=1
load_start=$(cut -d' ' -f1-3 /proc/loadavg)

# wb SQL...: statements in one session on the benchmark's warehouse.
wb() { "$WB" --warehouse "$lake" --bail "$@"; }

# ------------------------------------------------------------ 1. the data
echo "wb: loading and building silver.user_features, silver.interactions ..." >&2
wb -m trash -c ".timer on" -c "
CREATE TABLE bronze.events AS SELECT * FROM read_csv('$csv', progress = false);
" -c "
CREATE TABLE silver.user_features AS
SELECT user_id,
  count(*) FILTER (WHERE event_type = 'view') AS views,
  count(*) FILTER (WHERE event_type = 'cart') AS carts,
  count(DISTINCT user_session) FILTER (WHERE event_type <> 'purchase') AS sessions,
  count(DISTINCT product_id) FILTER (WHERE event_type <> 'purchase') AS products,
  count(DISTINCT category_id) FILTER (WHERE event_type <> 'purchase') AS categories,
  count(DISTINCT brand) FILTER (WHERE event_type <> 'purchase') AS brands,
  avg(price) FILTER (WHERE event_type = 'view') AS avg_price,
  max(price) FILTER (WHERE event_type = 'view') AS max_price,
  count(*) FILTER (WHERE event_type = 'cart') / count(*) FILTER (WHERE event_type = 'view') AS cart_rate,
  count(*) FILTER (WHERE event_type <> 'purchase') /
    count(DISTINCT user_session) FILTER (WHERE event_type <> 'purchase') AS events_per_session,
  count(DISTINCT CAST(event_time AS DATE)) FILTER (WHERE event_type <> 'purchase') AS active_days,
  (unix_seconds(max(event_time) FILTER (WHERE event_type <> 'purchase')) -
    unix_seconds(min(event_time) FILTER (WHERE event_type <> 'purchase'))) / 86400 AS span_days,
  avg(hour(event_time)) FILTER (WHERE event_type <> 'purchase') AS mean_hour,
  avg(CASE WHEN dayofweek(event_time) IN (1, 7) THEN 1 ELSE 0 END)
    FILTER (WHERE event_type <> 'purchase') AS weekend_share,
  coalesce(mode(split_part(category_code, '.', 1)) FILTER (WHERE event_type = 'view'), 'unknown')
    AS top_category,
  count(*) FILTER (WHERE event_type = 'purchase') > 0 AS purchased,
  hash(user_id) % 5 = 0 AS is_eval
FROM bronze.events
GROUP BY user_id
HAVING count(*) FILTER (WHERE event_type = 'view') > 0
ORDER BY user_id;
" -c "
COPY silver.user_features TO '$features_csv' (HEADER);
" -c "
CREATE TABLE silver.interactions AS
SELECT user_id, product_id,
  sum(CASE event_type WHEN 'view' THEN 1 WHEN 'cart' THEN 3 WHEN 'purchase' THEN 5 ELSE 0 END) AS score
FROM bronze.events
WHERE hash(user_id, 'als') % $als_mod = 0
GROUP BY user_id, product_id
ORDER BY user_id, product_id;
" 2>"$tmp/prep.err" || { cat "$tmp/prep.err" >&2; exit 1; }
sed -n 's/^Run Time: \([0-9.]*\) s$/\1/p' "$tmp/prep.err" >"$tmp/prep.times"
wb -m csv -c ".headers off" -c "
SELECT (SELECT count(*) FROM bronze.events), count(*), sum(CAST(purchased AS INT)), sum(CAST(is_eval AS INT)),
  (SELECT count(*) FROM silver.interactions), (SELECT count(DISTINCT user_id) FROM silver.interactions),
  (SELECT count(DISTINCT product_id) FROM silver.interactions)
FROM silver.user_features" | tr ',' ' ' >"$tmp/sizes"
read -r n_events n_users n_buyers n_eval n_inter n_als_users n_als_items <"$tmp/sizes"

# ------------------------------------------------------------ 2. wb models
# time_wb NAME SQL: run SQL REPS times with .timer on; one time per line
# to $tmp/NAME.times, the output of the last run to $tmp/NAME.out.
time_wb() {
	: >"$tmp/$1.times"
	r=0
	while [ $r -lt "$REPS" ]; do
		wb -c ".timer on" -c "$2" >"$tmp/$1.out" 2>"$tmp/$1.err" || { cat "$tmp/$1.err" >&2; exit 1; }
		sed -n 's/^Run Time: \([0-9.]*\) s$/\1/p' "$tmp/$1.err" >>"$tmp/$1.times"
		r=$((r + 1))
	done
}
median() { sort -n "$1" | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)]; else print "-" }'; }
# metric MODEL COLUMN: a column of ML.EVALUATE(MODEL m)
metric() { wb -m csv -c ".headers off" -c "SELECT $2 FROM ML.EVALUATE(MODEL $1)"; }

train="SELECT * EXCEPT (user_id) FROM silver.user_features"
echo "wb: logistic_reg ..." >&2
time_wb lr "CREATE OR REPLACE MODEL lr OPTIONS (model_type = 'logistic_reg', label = 'purchased',
  split_col = 'is_eval', l2_reg = 1) AS $train"
echo "wb: random_forest_classifier ..." >&2
time_wb rf "CREATE OR REPLACE MODEL rf OPTIONS (model_type = 'random_forest_classifier', label = 'purchased',
  split_col = 'is_eval', num_trees = 100, max_depth = 10, max_features = 'sqrt') AS $train"
wb_lr_auc=$(metric lr roc_auc)
wb_rf_auc=$(metric rf roc_auc)

# ------------------------------------------------------------ 4. ALS
echo "wb: als ..." >&2
time_wb als "CREATE OR REPLACE MODEL als OPTIONS (model_type = 'als', user_col = 'user_id',
  item_col = 'product_id', rating_col = 'score', num_factors = 10, max_iterations = 10, k = 5)
  AS SELECT * FROM silver.interactions"
time_wb recommend "CREATE OR REPLACE TABLE gold.recommendations AS SELECT * FROM ML.RECOMMEND(MODEL als, 5)"
als_recall=$(metric als recall_at_5)
als_ndcg=$(metric als ndcg_at_5)
n_recs=$(wb -m csv -c ".headers off" -c "SELECT count(*) FROM gold.recommendations")
n_cold=$(wb -m csv -c ".headers off" -c "SELECT count(DISTINCT user_id) FROM gold.recommendations WHERE cold_start")
# the training loops' own time: ML.TRAINING_INFO's duration_ms summed (for
# the forest, over trees that grow in parallel)
loop() { wb -m csv -c ".headers off" -c "SELECT round(sum(duration_ms) / 1000, 3) FROM ML.TRAINING_INFO(MODEL $1)"; }
loop_lr=$(loop lr)
loop_rf=$(loop rf)
loop_als=$(loop als)

# ------------------------------------------------------------ 3. sklearn
: >"$tmp/sk.tsv"
if "$PY" -c "import sklearn, pandas" 2>/dev/null; then
	echo "sklearn ..." >&2
	"$PY" "$here/ml_sklearn.py" "$features_csv" --tsv "$tmp/sk.tsv" >&2
else
	echo "no scikit-learn for $PY: sklearn side skipped" >&2
fi
load_end=$(cut -d' ' -f1-3 /proc/loadavg)

# ------------------------------------------------------------ 5. summary
sk() { awk -F'\t' -v m="$1" -v c="$2" '$1 == m { print $c }' "$tmp/sk.tsv"; }
row() {     # name wb_seconds sk_seconds wb_auc sk_auc
	awk -v n="$1" -v w="$2" -v s="$3" -v a="$4" -v b="$5" 'BEGIN {
		ratio = (s > 0) ? sprintf("%.2f", w / s) : "-"
		d = (a != "" && b != "") ? sprintf("%+.4f", a - b) : "-"
		printf "%-16s %9.3f %10s %7s %8.4f %8s %8s\n", n, w, (s == "" ? "-" : sprintf("%.3f", s)), ratio, a,
		    (b == "" ? "-" : sprintf("%.4f", b)), d }'
}
echo
echo "$n_events events over 61 days (seed 42), $n_users users ($n_buyers purchased, $n_eval held out by is_eval)"
printf 'prep (wb): load %s s, user_features %s s, COPY to CSV %s s, interactions %s s\n' \
	$(sed -n 1p "$tmp/prep.times") $(sed -n 2p "$tmp/prep.times") $(sed -n 3p "$tmp/prep.times") \
	$(sed -n 4p "$tmp/prep.times")
echo "load average (1/5/15 min): $load_start at the start, $load_end at the end; REPS=$REPS (medians)"
echo
printf '%-16s %9s %10s %7s %8s %8s %8s\n' model wb_s sklearn_s ratio wb_auc sk_auc diff
row logistic_reg "$(median "$tmp/lr.times")" "$(sk logistic_reg 2)" "$wb_lr_auc" "$(sk logistic_reg 3)"
row random_forest "$(median "$tmp/rf.times")" "$(sk random_forest 2)" "$wb_rf_auc" "$(sk random_forest 3)"
echo "(wb_s: the whole CREATE MODEL statement; of it the training loop (ML.TRAINING_INFO) took"
echo " $loop_lr s for logistic_reg, $loop_rf s summed over trees for random_forest; sklearn_s: fit() only)"
echo
echo "als: $n_inter interactions, $n_als_users users (one in $als_mod by hash), $n_als_items items"
printf '%-16s %9s  %s\n' step wb_s notes
printf '%-16s %9.3f  %s\n' als_train "$(median "$tmp/als.times")" \
	"num_factors 10, 10 iterations ($loop_als s of them); held out: recall_at_5 $(printf %.4f "$als_recall"), ndcg_at_5 $(printf %.4f "$als_ndcg")"
printf '%-16s %9.3f  %s\n' als_recommend "$(median "$tmp/recommend.times")" \
	"top 5 for every user into gold.recommendations: $n_recs rows ($n_cold cold-start users)"
