#!/bin/sh
# notebooks/ecommerce_ml.wb runs from start to end on a month of generated
# events (300 000 rows) and walks the ML path: features -> three models
# compared on one split -> the best registered as champion -> every user
# scored into gold.purchase_predictions -> ALS top-5 per user; each model
# is a FINISHED run in the warehouse's MLflow store.
set -u
src=${WB_SRCDIR:-.}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "1..9"
cd "$tmp" || exit 1
"$WB" generate ecommerce --rows 300000 --seed 42 --start 2019-10-01 --days 31 -o events.csv
# wb test: every cell's output against its expected block (-- > lines)
if env -u WB_SRCDIR "$WB" test --warehouse "$tmp/lake" "$src/notebooks/ecommerce_ml.wb" > out 2>&1; then
	echo "ok 1 - the notebook passes wb test"
else
	echo "not ok 1 - the notebook fails wb test"
	tail -40 out | sed 's/^/# /'
fi
n=2
for want in "model gold.purchase_lr: logistic_reg" "model gold.purchase_rf: random_forest_classifier" \
	"registered model purchase_model version 1" "purchase_model@champion is version 1"; do
	if grep -q -- "$want" "$src/notebooks/ecommerce_ml.wb"; then
		echo "ok $n - its expected output has: $want"
	else
		echo "not ok $n - its expected output lacks: $want"
	fi
	n=$((n + 1))
done
q() { "$WB" --warehouse "$tmp/lake" --csv -c "$1" 2>&1 | tail -n +2; }
# every user scored once; five recommendations for (nearly) every user
got=$(q "SELECT (SELECT count(*) FROM gold.purchase_predictions) = (SELECT count(*) FROM gold.user_features)
	AND (SELECT count(DISTINCT user_id) FROM gold.purchase_predictions) = (SELECT count(*) FROM gold.user_features)")
[ "$got" = "true" ] && echo "ok 6 - gold.purchase_predictions has every user once" \
	|| echo "not ok 6 - gold.purchase_predictions: $got"
got=$(q "SELECT max(n) = 5 AND min(n) >= 1 FROM (SELECT user_id, count(*) AS n FROM gold.recommendations GROUP BY user_id)")
[ "$got" = "true" ] && echo "ok 7 - gold.recommendations has up to five products per user" \
	|| echo "not ok 7 - gold.recommendations: $got"
# the champion is the best of the three classifiers by held-out roc_auc
got=$(q "SELECT (SELECT \"metrics.roc_auc\" FROM (SHOW RUNS IN purchase_prediction) ORDER BY 1 DESC NULLS LAST LIMIT 1)
	= (SELECT roc_auc FROM ML.EVALUATE(MODEL purchase_model@champion))")
[ "$got" = "true" ] && echo "ok 8 - the champion is the run with the best roc_auc" \
	|| echo "not ok 8 - champion: $got"
got=$(q "SELECT count(*) FILTER (WHERE status = 'FINISHED') FROM (SHOW RUNS)")
[ "$got" = "4" ] && echo "ok 9 - four FINISHED runs in the store" || echo "not ok 9 - runs: $got"
