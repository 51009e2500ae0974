#!/bin/sh
# Every example in the function tables (the ones wb-sql(7) prints) runs
# through the SQL engine and must give its documented result.
set -u
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$WB" --examples-slt > "$out" || { echo "1..1"; echo "not ok 1 - wb --examples-slt failed"; exit 1; }
exec "$WB" test --tap "$out"
