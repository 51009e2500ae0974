#!/bin/sh
# notebooks/ecommerce_stats.wb runs from start to end on a year of
# generated events (300 000 rows) and answers its questions: the ANOVA,
# Levene, Welch, Tukey and two-way tables, the power analysis and the A/B
# tests all appear.
set -u
src=${WB_SRCDIR:-.}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "1..8"
cd "$tmp" || exit 1
"$WB" generate ecommerce --rows 300000 --seed 42 --start 2019-01-01 --days 365 -o events.csv
# wb test: every cell's output against its expected block (-- > lines)
if env -u WB_SRCDIR "$WB" test --warehouse "$tmp/lake" "$src/notebooks/ecommerce_stats.wb" > out 2>&1; then
	echo "ok 1 - the notebook passes wb test"
else
	echo "not ok 1 - the notebook fails wb test"
	tail -40 out | sed 's/^/# /'
fi
n=2
for want in "One-way analysis of variance: price by month" "Levene's test" \
	"One-way analysis of means (not assuming equal variances)" "Tukey multiple comparisons of means" \
	"Two-way analysis of variance: price by quarter and category" "power calculation" \
	"A/B test of converted by variant"; do
	if grep -q -- "$want" "$src/notebooks/ecommerce_stats.wb"; then
		echo "ok $n - its expected output has: $want"
	else
		echo "not ok $n - its expected output lacks: $want"
	fi
	n=$((n + 1))
done
