#!/bin/sh
# delta_crash.sh: a writer killed at any moment leaves the table at its
# last committed version. TAP; needs node (to replay the log independently
# of wb), skipped without it.
#
# In a loop, a wb process runs an INSERT, UPDATE, DELETE, MERGE, OPTIMIZE
# or OPTIMIZE ZORDER BY on a Delta table and is killed with SIGKILL after
# a varying delay - before it read the table, while it writes its data
# files, around its commit. After
# each kill:
#   - the log replays: versions contiguous from 0, every commit file
#     complete JSON, every live file present (node reads the log itself);
#   - wb reads the table, and its row count and sum(v) are what the live
#     files' statistics and a fresh scan say - no half-written file, no
#     orphan file of the killed writer is visible;
#   - the table's version is the previous one or one more (the killed
#     statement committed entirely or not at all).
# The loop runs on a plain table and on one partitioned by g (every
# statement then writes a file per partition).
# At the end the table is still writable, and (with @duckdb/node-api
# installed) DuckDB reading the live files sees the same rows as wb.
# Run it with: make check TESTS=tests/delta_crash.sh
srcdir=${WB_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
WB=${WB:-$srcdir/wb}
if ! command -v node >/dev/null 2>&1; then
	echo "1..0 # SKIP node is not installed"
	exit 0
fi
if [ ! -x "$WB" ]; then
	echo "Bail out! $WB not built (run make)"
	exit 1
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/wb-delta-crash-XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
wh=$tmp/wh
dir=$wh/main/default/t
n=0
fail=0
ok() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		fail=1
		[ -n "${3:-}" ] && printf '%s\n' "$3" | sed 's/^/# /'
	fi
}
q() { "$WB" --warehouse "$wh" --mode csv -c "$1" 2>&1 | tail -n 1; }

# Replay the log: prints "version rows sumv-unknown" or fails with a reason.
cat >"$tmp/replay.mjs" <<'EOF'
import { readdirSync, readFileSync, existsSync } from 'node:fs';
const dir = process.argv[2];
const log = `${dir}/_delta_log`;
const names = readdirSync(log).filter((f) => /^\d{20}\.json$/.test(f)).sort();
const live = new Map();
names.forEach((f, i) => {
  if (Number(f.slice(0, 20)) !== i) { console.log(`ERROR version ${i} missing (${f})`); process.exit(1); }
  const text = readFileSync(`${log}/${f}`, 'utf8');
  if (!text.endsWith('\n')) { console.log(`ERROR ${f} is not complete`); process.exit(1); }
  for (const l of text.split('\n').filter((x) => x)) {
    const a = JSON.parse(l);
    if (a.add) live.set(a.add.path, a.add);
    if (a.remove) live.delete(a.remove.path);
  }
});
let rows = 0;
for (const [p, a] of live) {
  if (!existsSync(`${dir}/${decodeURIComponent(p)}`)) { console.log(`ERROR live file ${p} is missing`); process.exit(1); }
  rows += JSON.parse(a.stats).numRecords;
}
console.log(`${names.length - 1} ${rows}`);
EOF

cat >"$tmp/duck.mjs" <<'EOF'
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { readdirSync, readFileSync } from 'node:fs';
const dir = process.argv[2];
const req = createRequire(`${process.argv[3]}/`);
const { DuckDBInstance } = await import(pathToFileURL(req.resolve('@duckdb/node-api')).href);
const live = new Map();
for (const f of readdirSync(`${dir}/_delta_log`).filter((f) => /^\d{20}\.json$/.test(f)).sort())
  for (const l of readFileSync(`${dir}/_delta_log/${f}`, 'utf8').split('\n').filter((x) => x)) {
    const a = JSON.parse(l);
    if (a.add) live.set(a.add.path, 1);
    if (a.remove) live.delete(a.remove.path);
  }
const files = [...live.keys()].map((p) => `'${dir}/${decodeURIComponent(p)}'`).join(', ');
const con = await (await DuckDBInstance.create(':memory:')).connect();
const r = await con.runAndReadAll(`SELECT count(*), sum(v), sum(id) FROM read_parquet([${files}])`);
console.log(r.getRows()[0].map(String).join(','));
EOF

# One loop of kills over table t made by $1 (described as $2).
crash_loop() {
	rm -rf "$wh"
	"$WB" --warehouse "$wh" -c "$1" >/dev/null 2>&1
	ok $? "set up: $2"
	prev=$(node "$tmp/replay.mjs" "$dir" | cut -d' ' -f1)
	iters=18
	next=1000000
	i=1
	while [ $i -le $iters ]; do
		case $((i % 6)) in
		0) sql="INSERT INTO t (id, v) SELECT range + $next, $i FROM range(200000)"; next=$((next + 200000)) ;;
		1) sql="UPDATE t SET v = v + 1 WHERE id % 3 = 0" ;;
		2) sql="DELETE FROM t WHERE id % 101 = $i" ;;
		3) sql="MERGE INTO t USING (SELECT id + 1 AS id FROM t WHERE id % 5 = 0) s ON t.id = s.id WHEN MATCHED THEN UPDATE SET v = t.v + 2 WHEN NOT MATCHED THEN INSERT (id, v) VALUES (s.id, -1)" ;;
		4) sql="OPTIMIZE t" ;;
		5) sql="OPTIMIZE t ZORDER BY (v, id)" ;;
		esac
		# a delay from 0 to ~0.45 s, varying with i
		delay=$(awk -v i=$i 'BEGIN { printf "%.3f", ((i * 37) % 16) * 0.03 }')
		"$WB" --warehouse "$wh" -c "$sql" >/dev/null 2>&1 &
		pid=$!
		sleep "$delay"
		kill -9 $pid 2>/dev/null
		wait $pid 2>/dev/null
		rep=$(node "$tmp/replay.mjs" "$dir")
		case $rep in
		ERROR*) ok 1 "$2 kill $i (after ${delay}s): the log replays" "$rep"; i=$((i + 1)); continue ;;
		esac
		ver=${rep% *}
		rows=${rep#* }
		got=$(q "SELECT count(*) FROM t")
		ok "$([ "$got" = "$rows" ] && echo 0 || echo 1)" "$2 kill $i (after ${delay}s, version $ver): wb reads the $rows rows the log says" "wb: $got"
		ok "$([ "$ver" -eq "$prev" ] || [ "$ver" -eq $((prev + 1)) ] && echo 0 || echo 1)" \
			"$2 kill $i: the statement committed entirely or not at all" "version $prev -> $ver"
		prev=$ver
		i=$((i + 1))
	done
	orphans=$(( $(find "$dir" -name "*.parquet" | wc -l) - $(grep -h -o '"add":{"path":"[^"]*"' "$dir"/_delta_log/*.json | sort -u | wc -l) ))
	echo "# $orphans data files of killed writers lie in the table directory (never referenced by the log)"
	"$WB" --warehouse "$wh" -c "UPDATE t SET v = 0 WHERE v < 0" -c "INSERT INTO t (id, v) VALUES (-1, 0)" >/dev/null 2>&1
	ok $? "$2: the table is still writable"
	rep=$(node "$tmp/replay.mjs" "$dir")
	got=$(q "SELECT count(*) FROM t")
	ok "$([ "$got" = "${rep#* }" ] && echo 0 || echo 1)" "$2: after the last writes wb reads what the log says" "log: $rep, wb: $got"
	if [ -d "$srcdir/tests/node_modules/@duckdb/node-api" ]; then
		d=$(node "$tmp/duck.mjs" "$dir" "$srcdir/tests" 2>&1)
		w=$(q "SELECT count(*), sum(v), sum(id) FROM t")
		ok "$([ "$d" = "$w" ] && echo 0 || echo 1)" "$2: DuckDB reading the live files sees what wb sees" "DuckDB: $d, wb: $w"
	fi
}

crash_loop "CREATE TABLE t USING DELTA AS SELECT range AS id, 0 AS v FROM range(300000)" "plain"
crash_loop "CREATE TABLE t USING DELTA PARTITIONED BY (g) AS SELECT range AS id, 0 AS v, range % 4 AS g FROM range(300000)" "partitioned"
echo "1..$n"
exit $fail
