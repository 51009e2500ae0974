#!/bin/sh
# Statistics statements against the group-wise sums DuckDB computes for
# the same answer: the generated e-commerce events (ROWS rows over a year,
# so that there are twelve months) and a per-user conversion table of
# 3 M users with a 50/50 variant split.
#
#   bench/stats.sh [ROWS]          (default 10000000)
#   REPS=5 bench/stats.sh          (runs per step, default 3)
#
# Both engines first load the events into memory with month and category
# columns, and build the users table with the same integer arithmetic;
# then
#   anova_month       wb: ANOVA price BY month FROM events
#                     DuckDB: SELECT month, count(price), sum(price),
#                     sum(price * price) ... GROUP BY month
#   anova_day         the same by day of the year (365 BIGINT levels)
#   anova_category    the same by top-level category (13 levels and NULL)
#   abtest_users      wb: ABTEST converted BY variant FROM users
#                     DuckDB: count(*), sum(converted) GROUP BY variant
#   ttest_users       wb: TTEST spend BY variant FROM users
#                     DuckDB: count, sum, sum of squares GROUP BY variant
# Median seconds and wb/DuckDB ratios; timing is reported, never asserted.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"
rows=${1:-10000000}
csv=$out/events_year_$rows.csv
if [ ! -s "$csv" ]; then
	echo "generating $rows rows over 2019 ..." >&2
	"$WB" generate ecommerce --rows "$rows" --seed 42 --start 2019-01-01 --days 365 -o "$csv" >&2
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/wb-stats-XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

load="CREATE TEMP TABLE events AS SELECT price, month(event_time) AS month, dayofyear(event_time) AS day,
  split_part(category_code, '.', 1) AS category FROM read_csv('$csv', progress = false);
CREATE TEMP TABLE users AS SELECT range AS user_id,
  CASE WHEN (range * 7919) % 2 = 0 THEN 'A' ELSE 'B' END AS variant,
  (range * 104729) % 1000 < 30 + 2 * ((range * 7919) % 2) AS converted,
  ((range * 15485863) % 10000) / 100.0 AS spend FROM range(3000000);"
steps="anova_month anova_day anova_category abtest_users ttest_users"
wb_sql() {
	case $1 in
	anova_month) echo "ANOVA price BY month FROM events;" ;;
	anova_day) echo "ANOVA price BY day FROM events;" ;;
	anova_category) echo "ANOVA price BY category FROM events;" ;;
	abtest_users) echo "ABTEST converted BY variant FROM users;" ;;
	ttest_users) echo "TTEST spend BY variant FROM users;" ;;
	esac
}

echo "wb ..." >&2
{
	echo ".mode trash"
	echo "$load"
	echo ".timer on"
	for s in $steps; do
		r=0
		while [ $r -lt "$REPS" ]; do
			wb_sql "$s"
			r=$((r + 1))
		done
	done
} | "$WB" --bail 2>&1 | sed -n 's/^Run Time: \([0-9.]*\) s$/\1/p' >"$tmp/wb.times"
: >"$tmp/wb.tsv"
i=0
for s in $steps; do
	sed -n "$((i * REPS + 1)),$(((i + 1) * REPS))p" "$tmp/wb.times" | sed "s/^/$s\t/" >>"$tmp/wb.tsv"
	i=$((i + 1))
done
: >"$tmp/duck.tsv"
if [ -d "$mods/@duckdb/node-api" ] && command -v node >/dev/null 2>&1; then
	echo "duckdb ..." >&2
	node "$here/stats_duckdb.mjs" "$csv" "$REPS" >"$tmp/duck.tsv"
fi
median() { grep "^$1	" "$2" | cut -f2 | sort -n | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'; }
echo "$rows events over 2019, 3000000 users"
printf '%-16s %9s %9s %7s\n' step wb duckdb ratio
for s in $steps; do
	w=$(median "$s" "$tmp/wb.tsv")
	d=$(median "$s" "$tmp/duck.tsv")
	ratio=$(awk -v w="$w" -v d="$d" 'BEGIN { if (d > 0) printf "%.2f", w / d; else print "-" }')
	printf '%-16s %9s %9s %7s\n' "$s" "${w:--}" "${d:--}" "$ratio"
done
