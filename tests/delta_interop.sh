#!/bin/sh
# delta_interop.sh: the Delta tables wb writes are what Delta readers expect
# (tests/delta_interop.mjs). TAP; skipped unless node and the
# @duckdb/node-api package are installed under $WB_SRCDIR/tests/node_modules:
#   (cd tests && npm install @duckdb/node-api)
# Run it with: make check TESTS=tests/delta_interop.sh
srcdir=${WB_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
WB=${WB:-$srcdir/wb}

if ! command -v node >/dev/null 2>&1; then
	echo "1..0 # SKIP node is not installed"
	exit 0
fi
if [ ! -d "$srcdir/tests/node_modules/@duckdb/node-api" ]; then
	echo "1..0 # SKIP @duckdb/node-api is not installed under $srcdir/tests/node_modules"
	exit 0
fi
if [ ! -x "$WB" ]; then
	echo "Bail out! $WB not built (run make)"
	exit 1
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/wb-delta-interop-XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
node "$srcdir/tests/delta_interop.mjs" "$WB" "$tmp"
