#!/bin/sh
# The whole test suite from a clean clone: configure and build if needed,
# install the test-only npm package (DuckDB, for interoperability and
# calibration tests) when npm is available, run `make check`, and print the
# TAP totals as a final "N passed, N failed" line. Exit status 0 only when
# nothing failed.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
jobs=$(nproc 2>/dev/null || echo 2)
if [ ! -x configure ]; then
	autoreconf -fi >/dev/null 2>&1 || { echo "autoreconf failed (is autoconf/automake installed?)"; exit 1; }
fi
if [ ! -f Makefile ]; then
	./configure -q || { echo "configure failed"; exit 1; }
fi
if command -v npm >/dev/null 2>&1 && [ ! -d tests/node_modules/@duckdb/node-api ]; then
	npm install --prefix tests --no-audit --no-fund --loglevel=error >/dev/null 2>&1 ||
		echo "note: npm install of @duckdb/node-api failed; DuckDB-based tests will be skipped"
fi
make -j"$jobs" >build.log 2>&1 || { tail -40 build.log; echo "build failed"; echo "0 passed, 1 failed"; exit 1; }
make -j"$jobs" check >check.log 2>&1
rc=$?
# per-test summary lines and the failures' logs
grep -E '^(PASS|FAIL|ERROR|XPASS|SKIP):' check.log | grep -vE '^PASS:' | head -200
if [ $rc -ne 0 ]; then
	for f in $(grep -lE '^(not ok|Bail out)' tests/*.log tests/*/*.log 2>/dev/null); do
		echo "---- $f"
		grep -E -A12 '^(not ok|Bail out)' "$f" | head -60
	done
fi
pass=$(sed -n 's/^# PASS: *//p' check.log | tail -1)
fail=$(sed -n 's/^# FAIL: *//p' check.log | tail -1)
err=$(sed -n 's/^# ERROR: *//p' check.log | tail -1)
xpass=$(sed -n 's/^# XPASS: *//p' check.log | tail -1)
skip=$(sed -n 's/^# SKIP: *//p' check.log | tail -1)
pass=${pass:-0}; fail=${fail:-0}; err=${err:-0}; xpass=${xpass:-0}; skip=${skip:-0}
failed=$((fail + err + xpass))
[ $rc -ne 0 ] && [ $failed -eq 0 ] && failed=1
[ "$skip" -gt 0 ] && echo "($skip skipped)"
echo "$pass passed, $failed failed"
[ $failed -eq 0 ]
