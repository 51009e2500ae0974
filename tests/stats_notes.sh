#!/bin/sh
# What CHISQ, FISHER and ABTEST tell a person in box mode, below the table:
# the observed (expected) counts, the small-expected-count warning, rows
# left out, the SRM warning, CUPED's numbers and the verdicts. (The numbers
# themselves are checked against R in tests/sql/stats_chisq.slt and
# stats_abtest.slt; this checks the text.)
set -u
WB=${WB:-./wb}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
WB_WAREHOUSE=$tmp/lake
export WB_WAREHOUSE
n=0
fail=0
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

setup="CREATE TEMP TABLE small AS SELECT range AS j,
  CASE range % 3 WHEN 0 THEN 'p' WHEN 1 THEN 'q' ELSE 'r' END AS u,
  (range * 7 % 10) < 2 + (range % 3) * 2 AS v,
  CASE WHEN range % 7 = 0 THEN NULL WHEN range % 2 = 0 THEN 'A' ELSE 'B' END AS variant,
  (range % 4) * 2.5 + CASE WHEN range % 2 = 0 THEN 0 ELSE 1 END AS y,
  (range % 4) * 2.0 + (range % 5) AS x
FROM range(30)"

out=$("$WB" -c "$setup" -c "CHISQ u BY v FROM small" 2>&1)
contains "CHISQ: the method line" "Pearson's Chi-squared test: u by v" "$out"
contains "CHISQ: observed (expected) counts" "  p  8 (6.00)  2 (4.00)" "$out"
contains "CHISQ: the small-expected warning" \
	"Chi-squared approximation may be incorrect: 3 of 6 expected counts below 5" "$out"

out=$("$WB" -c "$setup" -c "CHISQ u BY variant CORRECT FROM small" 2>&1)
contains "CHISQ: CORRECT unused on a 3 x 2 table" "CORRECT not applied" "$out"
contains "CHISQ: rows left out" "5 rows with a NULL u or variant left out" "$out"

out=$("$WB" -c "$setup" -c "CHISQ u PROPORTIONS (0.5, 0.25, 0.25) FROM small" 2>&1)
contains "CHISQ: goodness-of-fit counts" "10 (15.00)" "$out"

out=$("$WB" -c "$setup" -c "FISHER v BY variant FROM small" 2>&1)
contains "FISHER: the method line" "Fisher's Exact Test for Count Data: v by variant" "$out"

out=$("$WB" -c "$setup" -c "ABTEST y BY variant FROM small" 2>&1)
contains "ABTEST: the title names the test" "A/B test of y by variant: Welch two-sample t-test, control 'A'" "$out"
contains "ABTEST: NULL variants counted" "5 rows with a NULL variant left out" "$out"
contains "ABTEST: the verdict" "B beats A: +132.3% (95% CI -16.1% to +280.7%)" "$out"
lacks "ABTEST: no SRM warning on a balanced split" "SRM:" "$out"

out=$("$WB" -c "$setup" -c "ABTEST y BY variant SPLIT (0.9, 0.1) FROM small" 2>&1)
contains "ABTEST: the SRM warning with the counts" "SRM: sample ratio mismatch" "$out"
contains "ABTEST: the SRM warning's counts" "observed A 12, B 13" "$out"

out=$("$WB" -c "$setup" -c "ABTEST y BY variant COVARIATE x FROM small" 2>&1)
contains "ABTEST: CUPED's theta in the notes" "CUPED: theta = " "$out"
contains "ABTEST: CUPED's unadjusted means" "unadjusted mean" "$out"

out=$("$WB" -c "$setup" -c "ABTEST v BY u FROM small" 2>&1)
contains "ABTEST: Holm over several variants" "p_adj: Holm's adjustment over 2 comparisons with the control" "$out"
contains "ABTEST: a proportion's method" "two-proportion z-test" "$out"

echo "1..$n"
exit $fail
