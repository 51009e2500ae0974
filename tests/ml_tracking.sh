#!/bin/sh
# CREATE MODEL's runs on disk, in MLflow's file-store layout (experiment
# and run meta.yaml, params/, metrics/ lines "timestamp value step", tags,
# artifacts); a training that fails during the run ends it FAILED with a
# wb.error tag; COMPARE RUNS and DELETE RUN with real run ids; a corrupt or
# truncated model file is refused with an error naming it, never a crash;
# a model outlives its process; and wb reads an mlruns tree written by
# MLflow itself (tests/ml/mlruns_fixture). Data: tests/ml/sup_data.csv.
set -u
WB=${WB:-./wb}
src=${WB_SRCDIR:-.}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
wh=$tmp/lake
n=0
fail=0
ok() {   # ok NAME: the last check passed when $? was 0
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi
}
contains() {   # contains NAME NEEDLE HAYSTACK
	n=$((n + 1))
	case "$3" in
	*"$2"*) echo "ok $n - $1" ;;
	*) echo "not ok $n - $1"; printf '%s\n' "# missing: $2" "# in: $3" | head -40; fail=1 ;;
	esac
}
lacks() {   # lacks NAME NEEDLE HAYSTACK
	n=$((n + 1))
	case "$3" in
	*"$2"*) echo "not ok $n - $1"; printf '%s\n' "# unexpected: $2" | head -40; fail=1 ;;
	*) echo "ok $n - $1" ;;
	esac
}
wbq() {   # wbq SQL...: run in the warehouse, CSV output, errors too
	"$WB" --warehouse "$wh" --csv "$@" 2>&1
}
# a file's one line
line() { head -n 1 "$1" 2>/dev/null; }

data="CREATE TABLE silver.d AS SELECT * FROM read_csv('$src/tests/ml/sup_data.csv')"
out=$("$WB" --warehouse "$wh" -c "$data" -c "SET EXPERIMENT churn" \
	-c "CREATE MODEL gold.lr OPTIONS (model_type = 'logistic_reg', label = 'bought', l2_reg = 1) AS SELECT x1, x2, x3, region, bought FROM silver.d" 2>&1)
contains "CREATE MODEL reports its run" "model gold.lr: logistic_reg on " "$out"

# ------------------------------------------------------------ the layout
exp=$(grep -l "^name: churn$" "$wh"/mlruns/*/meta.yaml 2>/dev/null | head -n 1)
[ -n "$exp" ]; ok $? "the experiment churn has a meta.yaml under mlruns/<id>/"
edir=$(dirname "${exp:-/nonexistent/x}")
eid=$(basename "$edir")
grep -q "^experiment_id: '$eid'$" "$exp" 2>/dev/null && grep -q "^lifecycle_stage: active$" "$exp" &&
	grep -q "^artifact_location: file://$edir$" "$exp"
ok $? "experiment meta.yaml: experiment_id (quoted, as MLflow), lifecycle_stage, artifact_location"
[ -f "$wh/mlruns/0/meta.yaml" ] && grep -q "^name: Default$" "$wh/mlruns/0/meta.yaml"
ok $? "the Default experiment is 0"
run=$(ls -d "$edir"/*/ 2>/dev/null | head -n 1)
run=${run%/}
rid=$(basename "${run:-x}")
echo "$rid" | grep -qE '^[0-9a-f]{32}$'
ok $? "one run directory named by a 32-hex-digit run id"
m=$run/meta.yaml
grep -q "^status: 3$" "$m" 2>/dev/null && grep -q "^run_id: $rid$" "$m" && grep -q "^run_uuid: $rid$" "$m" &&
	grep -q "^run_name: gold.lr$" "$m" && grep -q "^experiment_id: '$eid'$" "$m" &&
	grep -q "^lifecycle_stage: active$" "$m" && grep -qE "^start_time: [0-9]{13}$" "$m" &&
	grep -qE "^end_time: [0-9]{13}$" "$m" && grep -q "^artifact_uri: file://$run/artifacts$" "$m"
ok $? "run meta.yaml: status 3 (FINISHED), ids, run_name, times in ms, artifact_uri"
[ "$(cat "$run/params/model_type" 2>/dev/null)" = "logistic_reg" ] && [ "$(cat "$run/params/l2_reg" 2>/dev/null)" = "1" ] &&
	[ "$(cat "$run/params/label" 2>/dev/null)" = "bought" ]
ok $? "params/: one file per option, its value as given"
line "$run/metrics/roc_auc" | grep -qE '^[0-9]{13} 0\.[0-9]+ 0$'
ok $? "metrics/roc_auc: a line 'timestamp value step'"
missing=0
for k in accuracy precision recall f1_score log_loss pr_auc; do
	[ -f "$run/metrics/$k" ] || { echo "# no metrics/$k"; missing=1; }
done
ok $missing "metrics/: every held-out metric"
[ "$(wc -l < "$run/metrics/training_loss" 2>/dev/null)" -ge 2 ] && awk 'NF != 3 || $3 != NR - 1 { exit 1 }' "$run/metrics/training_loss"
ok $? "metrics/training_loss: one line per iteration, steps 0, 1, ..."
[ -f "$run/metrics/eval_loss" ]
ok $? "metrics/eval_loss (there are held-out rows)"
[ "$(cat "$run/tags/mlflow.runName" 2>/dev/null)" = "gold.lr" ] && [ -f "$run/tags/mlflow.user" ] &&
	[ "$(cat "$run/tags/mlflow.source.type" 2>/dev/null)" = "LOCAL" ]
ok $? "tags: mlflow.runName, mlflow.user, mlflow.source.type"
[ "$(cat "$run/tags/wb.data.silver.d.version" 2>/dev/null)" = "0" ]
ok $? "tags: wb.data.silver.d.version is the table's Delta version (0)"
[ "$(cat "$run/tags/wb.query" 2>/dev/null)" = "SELECT x1, x2, x3, region, bought FROM silver.d" ]
ok $? "tags: wb.query, the training query"
cmp -s "$run/artifacts/model/model.wbm" "$wh/main/gold/_models/lr.wbm"
ok $? "artifacts/model/model.wbm is the model file"
grep -q "^  wb:$" "$run/artifacts/model/MLmodel" 2>/dev/null && grep -q "^run_id: $rid$" "$run/artifacts/model/MLmodel" &&
	grep -q "^artifact_path: model$" "$run/artifacts/model/MLmodel" && grep -q "model_type: logistic_reg" "$run/artifacts/model/MLmodel"
ok $? "artifacts/model/MLmodel: the wb flavor, run_id, artifact_path"
[ "$(line "$run/artifacts/feature_importance.csv")" = "feature,importance" ] &&
	[ "$(wc -l < "$run/artifacts/feature_importance.csv")" -eq 6 ]
ok $? "artifacts/feature_importance.csv: a header and the 5 encoded features"
[ "$(line "$run/artifacts/roc_curve.csv")" = "threshold,recall,false_positive_rate,true_positives,false_positives,true_negatives,false_negatives" ] &&
	[ "$(wc -l < "$run/artifacts/roc_curve.csv")" -ge 3 ]
ok $? "artifacts/roc_curve.csv: a header and the ROC points"

# the data changes: the next run records the new version
out=$(wbq -c "INSERT INTO silver.d SELECT * FROM silver.d WHERE id <= 10" -c "SET EXPERIMENT churn" \
	-c "CREATE MODEL gold.lr2 OPTIONS (model_type = 'logistic_reg', label = 'bought') AS SELECT x1, bought FROM silver.d")
run2=$(grep -l "^gold.lr2$" "$edir"/*/tags/mlflow.runName 2>/dev/null | head -n 1)
run2=${run2%/tags/mlflow.runName}
[ "$(cat "$run2/tags/wb.data.silver.d.version" 2>/dev/null)" = "1" ]
ok $? "a run after an INSERT records Delta version 1"
# a linear_reg run has no ROC curve artifact
out=$(wbq -c "SET EXPERIMENT churn" -c "CREATE MODEL gold.lin OPTIONS (model_type = 'linear_reg', label = 'spend') AS SELECT x1, x3, spend FROM silver.d")
run3=$(grep -l "^gold.lin$" "$edir"/*/tags/mlflow.runName 2>/dev/null | head -n 1)
run3=${run3%/tags/mlflow.runName}
[ -f "$run3/metrics/r2_score" ] && [ -f "$run3/artifacts/model/model.wbm" ] && [ ! -f "$run3/artifacts/roc_curve.csv" ]
ok $? "a linear_reg run: r2_score, the model, no roc_curve.csv"

# ------------------------------------------------------------ a failing run
# an infinite feature stops the reading of the rows, after the run started
out=$(wbq -c "SET EXPERIMENT churn" \
	-c "CREATE MODEL gold.bad OPTIONS (model_type = 'logistic_reg', label = 'bought') AS SELECT CASE WHEN id = 7 THEN CAST('inf' AS DOUBLE) ELSE x1 END AS x1, bought FROM silver.d")
contains "an infinite feature is an error" "x1 has an infinite value" "$out"
runf=$(grep -l "^gold.bad$" "$edir"/*/tags/mlflow.runName 2>/dev/null | head -n 1)
runf=${runf%/tags/mlflow.runName}
grep -q "^status: 4$" "$runf/meta.yaml" 2>/dev/null && grep -qE "^end_time: [0-9]{13}$" "$runf/meta.yaml"
ok $? "the failed training's run: status 4 (FAILED), an end time"
contains "its wb.error tag holds the error" "infinite value" "$(cat "$runf/tags/wb.error" 2>/dev/null)"
[ ! -f "$wh/main/gold/_models/bad.wbm" ]
ok $? "no model file for the failed training"
# a failure in training proper (class_weights names no class)
out=$(wbq -c "SET EXPERIMENT churn" \
	-c "CREATE MODEL gold.bad2 OPTIONS (model_type = 'logistic_reg', label = 'bought', class_weights = {'5': 2}) AS SELECT x1, bought FROM silver.d")
runf2=$(grep -l "^gold.bad2$" "$edir"/*/tags/mlflow.runName 2>/dev/null | head -n 1)
runf2=${runf2%/tags/mlflow.runName}
grep -q "^status: 4$" "$runf2/meta.yaml" 2>/dev/null
ok $? "a training error ends the run FAILED too"
contains "... with the error as wb.error" "class_weights: '5' is not a class of the label" "$(cat "$runf2/tags/wb.error" 2>/dev/null)"
# a mistake found before the run leaves none
before=$(ls -d "$edir"/*/ | wc -l)
out=$(wbq -c "SET EXPERIMENT churn" -c "CREATE MODEL gold.bad3 OPTIONS (model_type = 'logistic_reg', label = 'nope') AS SELECT x1, bought FROM silver.d")
[ "$(ls -d "$edir"/*/ | wc -l)" -eq "$before" ]
ok $? "an unknown label column starts no run"

out=$(wbq -c "SHOW RUNS IN churn WHERE status = 'FAILED' ORDER BY run_name")
contains "SHOW RUNS lists the failed runs" "churn,gold.bad,FAILED" "$out"
contains "SHOW RUNS lists the failed runs (2)" "churn,gold.bad2,FAILED" "$out"

# ------------------------------------------------------------ COMPARE RUNS, DELETE RUN
# (run ids quoted: SQL's lexer reads a bare 868e6756... as a bad number)
ids=$(wbq -c "SHOW RUNS IN churn WHERE status = 'FINISHED' ORDER BY run_name" | tail -n +2 | cut -d, -f1)
set -- $ids
[ $# -eq 3 ]; ok $? "three finished runs in churn"
out=$(wbq -c "COMPARE RUNS '$1', '$2'")
contains "COMPARE RUNS: a column per run, named by run name and id" "gold.lin (${1%????????????????????????})" "$out"
contains "COMPARE RUNS: params that differ" "param,label,spend,bought,true" "$out"
contains "COMPARE RUNS: params that agree" "param,model_type,linear_reg,logistic_reg,true" "$out"
contains "COMPARE RUNS: metrics side by side" "metric,accuracy," "$out"
out=$(wbq -c "COMPARE RUNS '$2', '$3'")
contains "COMPARE RUNS: the same option is not a difference" "param,model_type,logistic_reg,logistic_reg,false" "$out"
out=$("$WB" --warehouse "$wh" -c "DELETE RUN '$1'" 2>&1)
contains "DELETE RUN says so" "run $1 deleted" "$out"
[ ! -d "$edir/$1" ]; ok $? "DELETE RUN removes the run's directory"
out=$(wbq -c "SHOW RUNS IN churn WHERE status = 'FINISHED'")
lacks "a deleted run is not listed" "$1" "$out"
out=$(wbq -c "DELETE RUN '$1'")
contains "deleting it again is an error" "no run '$1'" "$out"

# differs compares whole values: params differing after 64 characters,
# metrics differing in the 10th digit
long=label_$(printf '%070d' 0)
out=$(wbq -c "SET EXPERIMENT cmp" \
	-c "CREATE MODEL c1 OPTIONS (model_type = 'logistic_reg', label = '${long}1', l2_reg = 1, data_split = 0) AS SELECT x1, bought AS ${long}1 FROM silver.d" \
	-c "CREATE MODEL c2 OPTIONS (model_type = 'logistic_reg', label = '${long}2', l2_reg = 1.0000001, data_split = 0) AS SELECT x1, bought AS ${long}2 FROM silver.d")
ids=$(wbq -c "SHOW RUNS IN cmp ORDER BY run_name" | tail -n +2 | cut -d, -f1)
set -- $ids
out=$(wbq -c "COMPARE RUNS '$1', '$2'")
contains "COMPARE RUNS: params that differ only after 64 characters differ" "param,label,${long}1,${long}2,true" "$out"
n=$((n + 1))
if printf '%s\n' "$out" | grep -qE '^metric,roc_auc,0\.[0-9]{12,},0\.[0-9]{12,},false$'; then echo "ok $n - COMPARE RUNS: metrics shown in full (repr)"; else echo "not ok $n - COMPARE RUNS: metrics in full"; fail=1; fi
n=$((n + 1))
if printf '%s\n' "$out" | grep -q '^metric,log_loss,0\.[0-9]*,0\.[0-9]*,true$'; then echo "ok $n - COMPARE RUNS: a log_loss differing in the 10th digit differs"; else echo "not ok $n - COMPARE RUNS: log_loss"; printf '%s\n' "$out" | sed 's/^/# /'; fail=1; fi

# ------------------------------------------------------------ the registry on disk
out=$(wbq -c "REGISTER MODEL gold.lr AS champ" -c "ALTER MODEL champ SET ALIAS best VERSION 1")
[ -f "$wh/mlruns/models/champ/meta.yaml" ] && [ -f "$wh/mlruns/models/champ/version-1/meta.yaml" ] &&
	[ "$(cat "$wh/mlruns/models/champ/aliases/best" 2>/dev/null)" = "1" ]
ok $? "REGISTER MODEL and an alias: models/champ/meta.yaml, version-1/meta.yaml, aliases/best"
grep -q "^source: file://$run/artifacts/model$" "$wh/mlruns/models/champ/version-1/meta.yaml" 2>/dev/null
ok $? "the version's source is the run's artifacts/model"

# ------------------------------------------------------------ a restart
p1=$(wbq -c "SELECT id, predicted_bought_probability FROM ML.PREDICT(MODEL gold.lr, TABLE silver.d) ORDER BY id")
p2=$(wbq -c "SELECT id, predicted_bought_probability FROM ML.PREDICT(MODEL champ@best, TABLE silver.d) ORDER BY id")
[ "$(printf '%s\n' "$p1" | wc -l)" -eq 251 ] && [ "$p1" = "$p2" ]
ok $? "another process predicts with the model and its registered version alike"
out=$(wbq -c "CREATE TEMP TABLE x AS SELECT * FROM ML.PREDICT(MODEL gold.lr, TABLE silver.d)" \
	-c "SELECT count(*) FROM x WHERE predicted_bought IS NULL")
contains "every row scored" "$(printf 'count(*)\n0')" "$out"
out=$(wbq -c "CREATE TABLE gold.scored AS SELECT * FROM ML.PREDICT(MODEL gold.lr, TABLE silver.d)")
ls "$wh/main/gold/scored/_delta_log/"00000000000000000000.json >/dev/null 2>&1
ok $? "CREATE TABLE gold.scored AS SELECT * FROM ML.PREDICT(...) is a Delta table (its _delta_log)"

# ------------------------------------------------------------ corrupt model files
cp "$wh/main/gold/_models/lr.wbm" "$tmp/lr.good"
size=$(wc -c < "$tmp/lr.good")
off=$((size / 2))
byte=$(od -An -tu1 -j "$off" -N 1 "$tmp/lr.good" | tr -d ' ')
if [ "$byte" = "1" ]; then new='\002'; else new='\001'; fi
printf "$new" | dd of="$wh/main/gold/_models/lr.wbm" bs=1 seek="$off" count=1 conv=notrunc 2>/dev/null
cmp -s "$tmp/lr.good" "$wh/main/gold/_models/lr.wbm"
[ $? -ne 0 ]; ok $? "one byte of gold/_models/lr.wbm flipped"
out=$("$WB" --warehouse "$wh" -c "SELECT count(*) FROM ML.PREDICT(MODEL gold.lr, TABLE silver.d)" 2>&1)
rc=$?
[ $rc -gt 0 ] && [ $rc -lt 128 ]; ok $? "ML.PREDICT with a corrupt model fails cleanly (exit $rc, no signal)"
contains "... naming the file and the checksum" "lr.wbm is corrupt (its checksum does not match)" "$out"
contains "... with a way out" "CREATE OR REPLACE MODEL" "$out"
out=$("$WB" --warehouse "$wh" -c "DESCRIBE MODEL gold.lr" 2>&1)
rc=$?
[ $rc -gt 0 ] && [ $rc -lt 128 ]; ok $? "DESCRIBE MODEL of a corrupt model fails cleanly (exit $rc)"
contains "... naming the file" "lr.wbm is corrupt" "$out"
out=$("$WB" --warehouse "$wh" -c "SHOW MODELS IN gold" 2>&1)
rc=$?
[ $rc -eq 0 ]; ok $? "SHOW MODELS lists the others (exit $rc)"
contains "... and marks the corrupt one" "(unreadable)" "$out"
out=$("$WB" --warehouse "$wh" -c "SELECT count(*) FROM ML.EVALUATE(MODEL gold.lr)" 2>&1)
rc=$?
[ $rc -gt 0 ] && [ $rc -lt 128 ]; ok $? "ML.EVALUATE of a corrupt model fails cleanly (exit $rc)"
# truncated, empty, not a model at all
head -c "$off" "$tmp/lr.good" > "$wh/main/gold/_models/lr.wbm"
out=$("$WB" --warehouse "$wh" -c "SELECT count(*) FROM ML.PREDICT(MODEL gold.lr, TABLE silver.d)" 2>&1)
rc=$?
[ $rc -gt 0 ] && [ $rc -lt 128 ]; ok $? "a truncated model file fails cleanly (exit $rc)"
contains "... as corrupt" "lr.wbm is corrupt" "$out"
: > "$wh/main/gold/_models/lr.wbm"
out=$("$WB" --warehouse "$wh" -c "DESCRIBE MODEL gold.lr" 2>&1)
rc=$?
[ $rc -gt 0 ] && [ $rc -lt 128 ]; ok $? "an empty model file fails cleanly (exit $rc)"
contains "... as not a model file" "lr.wbm is not a wb model file" "$out"
# the run's copy is intact: the registered version still works
out=$(wbq -c "SELECT count(*) FROM ML.PREDICT(MODEL champ@best, TABLE silver.d)")
contains "the registered version (the run's copy) still predicts" "$(printf 'count(*)\n250')" "$out"
# replacing the model heals it, in a process that has the old one cached
cp "$tmp/lr.good" "$wh/main/gold/_models/lr.wbm"
out=$(wbq -c "SELECT count(*) FROM ML.PREDICT(MODEL gold.lr, TABLE silver.d)")
contains "restored, it predicts again" "$(printf 'count(*)\n250')" "$out"

# ------------------------------------------------------------ an mlruns tree written by MLflow
wh2=$tmp/lake2
mkdir -p "$wh2"
cp -R "$src/tests/ml/mlruns_fixture" "$wh2/mlruns"
chmod -R u+w "$wh2/mlruns"
out=$("$WB" --warehouse "$wh2" --csv -c "SHOW EXPERIMENTS" 2>&1)
contains "SHOW EXPERIMENTS lists MLflow's experiment" "853099972095872099,MLOps_CA_2,2," "$out"
lacks "... but not the deleted one (.trash)" "123456789012345678" "$out"
out=$("$WB" --warehouse "$wh2" --csv -c "SHOW RUNS IN MLOps_CA_2 ORDER BY run_name" 2>&1)
contains "SHOW RUNS lists MLflow's runs" "1c00447556424067ae62fe39e167bb34,MLOps_CA_2,DT,FINISHED" "$out"
contains "... with their params as columns" "params.criterion" "$out"
contains "... nested param keys" "params.preprocessing/scaler" "$out"
contains "... and metrics" "metrics.accuracy" "$out"
contains "... nested metric keys" "metrics.eval/loss" "$out"
contains "... the params' values" "gini" "$out"
out=$("$WB" --warehouse "$wh2" --csv -c "SHOW RUNS IN MLOps_CA_2 WHERE metrics.accuracy > 0.9 AND params.criterion = 'gini'" 2>&1)
contains "SHOW RUNS WHERE on MLflow's params and metrics" ",DT," "$out"
out=$("$WB" --warehouse "$wh2" --csv -c "COMPARE RUNS '1c00447556424067ae62fe39e167bb34', '8595f7931d3943f4a7ee038c1728c2c3'" 2>&1)
contains "COMPARE RUNS of MLflow's runs" "metric,accuracy," "$out"
out=$("$WB" --warehouse "$wh2" --csv -c "SHOW MODEL VERSIONS SVMClassifier" 2>&1)
contains "SHOW MODEL VERSIONS of MLflow's registry" "SVMClassifier,1,champion," "$out"
# a wb run in that tree lands beside MLflow's
out=$("$WB" --warehouse "$wh2" --csv -c "CREATE TABLE d AS SELECT * FROM read_csv('$src/tests/ml/sup_data.csv')" \
	-c "SET EXPERIMENT MLOps_CA_2" -c "CREATE MODEL m OPTIONS (model_type = 'linear_reg', label = 'spend') AS SELECT x1, spend FROM d" \
	-c "SHOW EXPERIMENTS" 2>&1)
contains "a wb run in MLflow's experiment" "853099972095872099,MLOps_CA_2,3," "$out"

echo "1..$n"
exit $fail
