#!/bin/sh
# SHOW METRIC HISTORY with what an slt cannot hold: FOR RUN with a real
# (random) run id, the rows in the statement's own order, the hints of its
# errors (a run named instead of its id, an id prefix, a misspelt key), and
# metric files written by MLflow itself (tests/ml/mlruns_fixture: nested
# keys, 2-field lines, a step logged twice). The histories against
# ML.TRAINING_INFO are in tests/sql/ml_history.slt.
set -u
WB=${WB:-./wb}
src=${WB_SRCDIR:-.}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
wh=$tmp/lake
n=0
fail=0
ok() {   # ok STATUS NAME: the check passed when STATUS is 0
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi
}
same() {   # same NAME WANT GOT
	n=$((n + 1))
	if [ "$2" = "$3" ]; then echo "ok $n - $1"; else
		echo "not ok $n - $1"; printf '%s\n' "# want:" "$2" "# got:" "$3" | sed 's/^/# /' | head -40; fail=1
	fi
}
contains() {   # contains NAME NEEDLE HAYSTACK
	n=$((n + 1))
	case "$3" in
	*"$2"*) echo "ok $n - $1" ;;
	*) echo "not ok $n - $1"; printf '%s\n' "# missing: $2" "# in: $3" | head -40; fail=1 ;;
	esac
}
wbq() {   # wbq SQL...: run in the warehouse, CSV output, errors too
	"$WB" --warehouse "$wh" --csv "$@" 2>&1
}

"$WB" --warehouse "$wh" -c "CREATE TABLE silver.d AS SELECT * FROM read_csv('$src/tests/ml/sup_data.csv')" \
	-c "SET EXPERIMENT hist" \
	-c "CREATE MODEL lr OPTIONS (model_type = 'logistic_reg', label = 'bought', optimize_strategy = 'lbfgs') AS SELECT x1, x2, x3, region, bought FROM silver.d" \
	-c "CREATE MODEL tree OPTIONS (model_type = 'decision_tree_classifier', label = 'bought', max_depth = 3) AS SELECT x1, x2, bought FROM silver.d" \
	>/dev/null 2>&1
ok $? "two models trained (two runs)"
rid=$(wbq -c "SELECT run_id FROM (SHOW RUNS IN hist) WHERE run_name = 'lr'" | tail -n 1)
echo "$rid" | grep -qE '^[0-9a-f]{32}$'
ok $? "the run id of lr"

# FOR RUN: that run's rows, as the training log has them, in step order
got=$(wbq -c "SHOW METRIC HISTORY training_loss FOR RUN '$rid'" | cut -d, -f1-4,6)
want=$(wbq -c "SELECT '$rid' AS run_id, 'lr' AS run_name, 'training_loss' AS key, iteration AS step, loss AS value FROM ML.TRAINING_INFO(MODEL lr)")
same "FOR RUN: the run's training_loss, step by step, the values of ML.TRAINING_INFO" "$want" "$got"
got=$(wbq -c "SHOW METRIC HISTORY FOR RUN '$rid'" | cut -d, -f3 | uniq | tr '\n' ' ')
same "without a key: every metric of the run, keys in order, each key's steps together" \
	"key accuracy eval_loss f1_score log_loss pr_auc precision recall roc_auc training_loss " "$got"
got=$(wbq -c "SHOW METRIC HISTORY eval_loss IN hist" | cut -d, -f2 | uniq | tr '\n' ' ')
same "runs newest first, as SHOW RUNS" "run_name tree lr " "$got"
got=$(wbq -c "SHOW METRIC HISTORY eval_loss IN hist" | awk -F, '$2 == "lr" { if ($4 != i) bad = 1; i++ } END { print (bad || i < 2) ? "unordered" : "ordered" }')
same "steps 0, 1, 2, ... within a run" "ordered" "$got"
got=$(wbq -c "SELECT count(*) FROM (SHOW METRIC HISTORY training_loss FOR RUN '$rid') WHERE timestamp > TIMESTAMP '2020-01-01' AND timestamp < now() + INTERVAL 1 DAY")
same "timestamps are the logging times" "$(wbq -c "SELECT count(*) FROM ML.TRAINING_INFO(MODEL lr)" | tail -n 1)" "$(echo "$got" | tail -n 1)"

# errors and their hints
out=$(wbq -c "SHOW METRIC HISTORY FOR RUN 'lr'")
contains "a run given by its name: an error" "run 'lr' does not exist" "$out"
contains "... whose hint gives the id" "did you mean FOR RUN '$rid' (the run named lr)?" "$out"
short=$(echo "$rid" | cut -c1-8)
out=$(wbq -c "SHOW METRIC HISTORY FOR RUN '$short'")
contains "an id prefix: the whole id in the hint" "did you mean FOR RUN '$rid'?" "$out"
out=$(wbq -c "SHOW METRIC HISTORY eval_los FOR RUN '$rid'")
contains "a misspelt key: an error naming the run" "run '$rid' logged no metric eval_los" "$out"
contains "... with a did-you-mean" "did you mean eval_loss?" "$out"
out=$(wbq -c "SHOW METRIC HISTORY IN EXPERIMENT hits")
contains "a misspelt experiment: did you mean" "did you mean hist?" "$out"
out=$(wbq -c "SHOW METRIC HISTORY zzzzzz")
contains "a key nobody logged: the keys there are listed" "the runs there logged: accuracy, eval_loss" "$out"
out=$(wbq -c "SHOW METRIC HISTORY eval_loss FOR RUN '../../etc'")
contains "a run id with a path in it is refused, not followed" "Error:" "$out"

# ------------------------------------------------------------ MLflow's own files
wh=$tmp/lake2
mkdir -p "$wh"
cp -R "$src/tests/ml/mlruns_fixture" "$wh/mlruns"
chmod -R u+w "$wh/mlruns"
got=$(wbq -c "SELECT key, step, value FROM (SHOW METRIC HISTORY 'eval/loss' FOR RUN '1c00447556424067ae62fe39e167bb34')")
same "a nested key (eval/loss); a step logged twice keeps its logging order" \
	"$(printf 'key,step,value\neval/loss,0,0.5\neval/loss,1,0.25\neval/loss,1,0.3')" "$got"
got=$(wbq -c "SELECT step, value FROM (SHOW METRIC HISTORY training_score IN MLOps_CA_2)")
same "three values at step 0: in the file's order (not by timestamp), as MLflow returns them" \
	"$(printf 'step,value\n0,0.91\n0,0.95\n0,0.99')" "$got"
got=$(wbq -c "SELECT run_name, step, value FROM (SHOW METRIC HISTORY f1_score)")
same "a 2-field line (no step) is step 0" "$(printf 'run_name,step,value\nDT,0,0.9326599326599326')" "$got"

echo "1..$n"
exit $fail
