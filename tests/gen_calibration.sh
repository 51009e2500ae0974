#!/bin/sh
# gen_calibration.sh: generate 1 M rows with `wb generate ecommerce` (through
# the test_gen driver) and check them against the October 2019 statistics
# with DuckDB (tests/gen_calibration.mjs). TAP; skipped unless node and the
# @duckdb/node-api package are installed under $WB_SRCDIR/tests/node_modules:
#   (cd tests && npm install @duckdb/node-api)
# Run it with: make check TESTS=tests/gen_calibration.sh
# GEN_CALIBRATION_ROWS overrides the row count (e.g. 10M).
srcdir=${WB_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
rows=${GEN_CALIBRATION_ROWS:-1000000}
driver=${GEN_DRIVER:-./tests/unit/test_gen}

if ! command -v node >/dev/null 2>&1; then
	echo "1..0 # SKIP node is not installed"
	exit 0
fi
if [ ! -d "$srcdir/tests/node_modules/@duckdb/node-api" ]; then
	echo "1..0 # SKIP @duckdb/node-api is not installed under $srcdir/tests/node_modules"
	exit 0
fi
if [ ! -x "$driver" ]; then
	echo "Bail out! $driver not built (run make check)"
	exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/wb-gen-calib-XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
if ! "$driver" generate --rows "$rows" --seed 7 -o "$tmp/ecommerce.csv" 2>"$tmp/err"; then
	echo "Bail out! generate failed: $(cat "$tmp/err")"
	exit 1
fi
node "$srcdir/tests/gen_calibration.mjs" "$tmp/ecommerce.csv"
