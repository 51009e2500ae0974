#!/bin/sh
# wb tui: the views a statement opens - EXPLAIN as a collapsible tree, a
# table's history with time travel (from the catalog), the runs
# leaderboard ranked by a metric (its trend across runs as a sparkline in
# the title, each run's metric history as a sparkline in a column), and
# the chart view.
. "${WB_SRCDIR:-.}/tests/tui_lib.sh"
# the leaderboard rows whose history column shows a sparkline (m_tree logs
# eval_loss and training_loss per depth, m_lin by QR one value of each)
trends() { screen | grep -cE '││[0-9]+ +m_[a-z]+ +│ (▁|▂|▃|▄|▅|▆|▇|█)'; }
tui_begin
"$WB" --warehouse "$lake" \
	-c "CREATE TABLE u AS SELECT range AS x, (range * 7) % 13 AS y FROM range(200)" \
	-c "CREATE MODEL m_lin OPTIONS (model_type = 'linear_reg', label = 'y') AS SELECT x, y FROM u" \
	-c "CREATE MODEL m_tree OPTIONS (model_type = 'decision_tree_regressor', label = 'y', max_depth = 3) AS SELECT x, y FROM u" \
	>/dev/null 2>&1 || { echo "Bail out! cannot train the test models"; exit 1; }
tui_start
t "EXPLAIN SELECT k, count(*) FROM t JOIN bronze.ev ON t.k = ev.a WHERE id > 5 GROUP BY k;"
k Enter
wait_for "Plan · 6 operators"; ok $? "EXPLAIN opens the plan tree"
expect_screen views_plan "operators indented by depth, estimated rows on the right"
k F4 j j Enter
wait_for "Plan · 6 operators · 3 hidden"; ok $? "Enter collapses an operator's inputs"
expect_screen views_plan_collapsed "the join's inputs hidden"
k "-"
wait_for "Plan · 6 operators · 4 hidden"; ok $? "- collapses everything below the root"
k "+"
wait_for "Plan · 6 operators ─"; ok $? "+ expands everything"
k F2 j j H
wait_for "History of default.t"; ok $? "H on a table opens its history"
wait_for "DESCRIBE HISTORY default.t;"; ok $? "the statement is in the editor"
expect_screen views_history "versions, newest first"
k j Enter
wait_for "SELECT * FROM default.t VERSION AS OF 0;"; ok $? "Enter on a version puts the time travel in the editor"
wait_for "100,000 rows in"; ok $? "and runs it: the table as of version 0"
expect_screen views_timetravel "the table as it was at version 0"
k F2 G Enter
wait_for "Runs · 2 rows"; ok $? "Enter on runs opens the leaderboard (SHOW RUNS)"
wait_for "│ eval_loss history ║"; ok $? "the leaderboard loads each run's eval_loss history (SHOW METRIC HISTORY)"
[ "$(trends)" = 1 ]; ok $? "... one run with a history drawn (m_tree's four depths)"
screen | grep -qE '││[0-9]+ +m_lin +│ +║'; ok $? "... and nothing for the run with one value (m_lin)"
k m
wait_for "Ranked by metrics.eval_loss, lower is better"; ok $? "m ranks by the first metric"
expect_screen views_runs "run numbers and names frozen at the left, the best run first"
k m
wait_for "Ranked by metrics.explained_variance, higher is better"; ok $? "m again: the next metric"
k "."
wait_for "Chart of metrics.explained_variance by run_name"; ok $? ". opens the chart view of the ranked column"
expect_screen views_chart "the metric of each run drawn by the chart renderer"
k q
wait_for "Runs · 2 rows"; ok $? "q goes back to the leaderboard"
# one m at a time (a key pressed while a sort runs is refused)
for metric in mean_absolute_error mean_squared_error median_absolute_error r2_score root_mean_squared_error; do
	k m
	wait_for "Ranked by metrics.$metric," || break
done
k m
wait_for "Ranked by metrics.training_loss, lower is better"; ok $? "m through the metrics to training_loss"
wait_for "│ training_loss history ║"; ok $? "the history column follows the ranked metric when it has a history"
[ "$(trends)" = 1 ]; ok $? "... drawn for the same one run"
k m
wait_for "│ eval_loss history ║"; ok $? "m again (eval_loss): its history"
tui_quit; ok $? "C-q leaves with status 0"
tui_end
