// delta_interop.mjs: Delta tables wb writes are what other engines expect.
// Prints TAP.
//
//   node tests/delta_interop.mjs WB TMPDIR
//
// wb builds a Delta table in a fresh warehouse (create, appends, an
// overwrite of a second table, CREATE OR REPLACE of a third). This script
// replays each _delta_log itself - as any Delta reader does: JSON commits
// in version order, adds minus removes - checks the protocol, the schema
// string and every add's stats against the file, and reads the live files
// with DuckDB's read_parquet: the rows must be exactly those wb returns for
// the table (compared as JSON values).
import { DuckDBInstance } from '@duckdb/node-api';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, existsSync } from 'node:fs';

const [wb, tmp] = process.argv.slice(2);
const wh = `${tmp}/wh`;
let n = 0, failed = 0;
const ok = (cond, name, diag) => {
  n++;
  console.log(`${cond ? '' : 'not '}ok ${n} - ${name}`);
  if (!cond) {
    failed++;
    if (diag) console.log(`# ${String(diag).split('\n').join('\n# ')}`);
  }
};

function wbRun(...sql) {
  const args = ['--warehouse', wh, '--mode', 'jsonl', '--bail'];
  for (const s of sql) args.push('-c', s);
  return execFileSync(wb, args, { encoding: 'utf8', maxBuffer: 1 << 30 });
}
const wbRows = (sql) => wbRun(sql).split('\n').filter((l) => l).map((l) => JSON.parse(l));

wbRun(
  `CREATE TABLE bronze.t USING DELTA AS SELECT range AS id, CASE WHEN range % 7 = 0 THEN NULL ELSE range * 0.25 END AS x,
     'brand' || (range % 5) AS low, md5(CAST(range AS VARCHAR)) AS high, CASE WHEN range % 11 = 0 THEN NULL ELSE 'v' || range END AS maybe,
     DATE '1969-12-25' + CAST(range % 40 AS INT) AS d, TIMESTAMP '2019-10-01 00:00:00' + range * INTERVAL 17 SECOND AS ts,
     range % 3 = 0 AS flag FROM range(50000)`,
  `INSERT INTO bronze.t SELECT 100000 + range, -0.5, 'brand9', 'h', NULL, NULL, NULL, NULL FROM range(3)`,
  `INSERT INTO bronze.t (id, low) VALUES (-9223372036854775807, 'min')`,
  `CREATE TABLE silver.o (a BIGINT, b VARCHAR) USING DELTA`,
  `INSERT INTO silver.o VALUES (1, 'gone'), (2, 'gone')`,
  `INSERT OVERWRITE silver.o SELECT 3, 'kept'`,
  `CREATE TABLE gold.r USING DELTA AS SELECT 1 AS old`,
  `CREATE OR REPLACE TABLE gold.r USING DELTA AS SELECT 'new' AS fresh, 2.5 AS y`);

const inst = await DuckDBInstance.create(':memory:');
const con = await inst.connect();
await con.run(`SET TimeZone = 'UTC'`);
const duck = async (sql) => (await con.runAndReadAll(sql)).getRowObjectsJson();

// Replay a log: [{version, actions}] in order, then the live adds.
function replay(dir) {
  const log = `${dir}/_delta_log`;
  const files = readdirSync(log).filter((f) => /^\d{20}\.json$/.test(f)).sort();
  const commits = files.map((f, i) => ({
    version: Number(f.slice(0, 20)),
    expected: i,
    actions: readFileSync(`${log}/${f}`, 'utf8').split('\n').filter((l) => l).map((l) => JSON.parse(l)),
  }));
  const live = new Map();
  let meta = null, protocol = null;
  for (const c of commits)
    for (const a of c.actions) {
      if (a.add) live.set(a.add.path, a.add);
      if (a.remove) live.delete(a.remove.path);
      if (a.metaData) meta = a.metaData;
      if (a.protocol) protocol = a.protocol;
    }
  return { commits, live: [...live.values()], meta, protocol };
}

const typeOf = { id: 'long', x: 'double', low: 'string', high: 'string', maybe: 'string', d: 'date', ts: 'timestamp', flag: 'boolean' };

for (const [name, dir, order] of [['bronze.t', `${wh}/main/bronze/t`, 'id'], ['silver.o', `${wh}/main/silver/o`, 'a'],
                                   ['gold.r', `${wh}/main/gold/r`, 'fresh']]) {
  ok(existsSync(`${dir}/_delta_log/00000000000000000000.json`), `${name}: version 0 exists`);
  const r = replay(dir);
  ok(r.commits.every((c) => c.version === c.expected), `${name}: versions are contiguous from 0`);
  ok(r.protocol && r.protocol.minReaderVersion === 1 && r.protocol.minWriterVersion === 2,
     `${name}: protocol reader 1 / writer 2`, JSON.stringify(r.protocol));
  ok(r.commits.every((c) => c.actions.some((a) => a.commitInfo && a.commitInfo.operation)),
     `${name}: every commit has commitInfo with an operation`);
  const schema = JSON.parse(r.meta.schemaString);
  ok(schema.type === 'struct' && schema.fields.every((f) => typeof f.name === 'string' && typeof f.nullable === 'boolean'),
     `${name}: schemaString is a Spark StructType`, r.meta.schemaString);
  if (name === 'bronze.t')
    ok(schema.fields.every((f) => f.type === typeOf[f.name]), `${name}: column types`, r.meta.schemaString);
  // every add's stats match its file
  let statsOk = true, diag = '';
  for (const add of r.live) {
    const st = JSON.parse(add.stats);
    const path = `${dir}/${decodeURIComponent(add.path)}`;
    const [cnt] = await duck(`SELECT count(*) AS n FROM read_parquet('${path}')`);
    if (Number(cnt.n) !== st.numRecords) { statsOk = false; diag += `${add.path}: numRecords ${st.numRecords} vs ${cnt.n}\n`; }
    for (const f of schema.fields) {
      const [m] = await duck(`SELECT count(*) - count("${f.name}") AS nulls FROM read_parquet('${path}')`);
      if (st.nullCount[f.name] !== Number(m.nulls)) { statsOk = false; diag += `${add.path}: nullCount ${f.name}\n`; }
    }
  }
  ok(statsOk, `${name}: add stats (numRecords, nullCount) match the files`, diag);
  // the live files, read by DuckDB, are the table wb returns
  const paths = r.live.map((a) => `'${dir}/${decodeURIComponent(a.path)}'`);
  // timestamps are UTC instants (DuckDB: TIMESTAMPTZ) - compared as UTC text
  const cols = schema.fields.map((f) => f.type === 'timestamp' ? `CAST(CAST("${f.name}" AS TIMESTAMP) AS VARCHAR) AS "${f.name}"`
    : f.type === 'date' ? `CAST("${f.name}" AS VARCHAR) AS "${f.name}"` : `"${f.name}"`).join(', ');
  const d = paths.length ? await duck(`SELECT ${cols} FROM read_parquet([${paths.join(', ')}]) ORDER BY "${order}"`) : [];
  const w = wbRows(`SELECT ${cols} FROM ${name} ORDER BY ${order}`);
  let same = d.length === w.length, first = '';
  for (let i = 0; same && i < d.length; i++)
    for (const f of schema.fields) {
      const a = d[i][f.name], b = w[i][f.name];
      const eq = a === null || b === null ? a === b
        : typeof b === 'number' ? Number(a) === b
        : typeof b === 'boolean' ? String(a) === String(b) : String(a) === String(b);
      if (!eq) { same = false; first = `row ${i} ${f.name}: DuckDB ${JSON.stringify(a)} wb ${JSON.stringify(b)}`; break; }
    }
  ok(same, `${name}: DuckDB reads the live files as wb reads the table (${w.length} rows)`,
     first || `DuckDB ${d.length} rows, wb ${w.length}`);
}
console.log(`1..${n}`);
process.exit(failed ? 1 : 0);
