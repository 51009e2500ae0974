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
import { readdirSync, readFileSync, existsSync, rmSync } from 'node:fs';

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
  `CREATE OR REPLACE TABLE gold.r USING DELTA AS SELECT 'new' AS fresh, 2.5 AS y`,
  // DML: three files; each statement below touches some of them
  `CREATE TABLE silver.d USING DELTA AS SELECT range AS id, 'v' || range AS s, range * 1.5 AS x, DATE '2024-01-01' + CAST(range % 9 AS INT) AS d FROM range(1000)`,
  `INSERT INTO silver.d SELECT range + 1000, 'w' || range, NULL, NULL FROM range(1000)`,
  `INSERT INTO silver.d SELECT range + 2000, NULL, -1.0, DATE '2030-01-01' FROM range(10)`,
  `UPDATE silver.d SET s = upper(s), x = x + 1 WHERE id BETWEEN 100 AND 199`,
  `DELETE FROM silver.d WHERE id >= 2005`,
  `MERGE INTO silver.d t USING (SELECT range * 3 + 1000 AS id FROM range(100)) s ON t.id = s.id
     WHEN MATCHED AND s.id % 2 = 0 THEN DELETE WHEN MATCHED THEN UPDATE SET x = 3.25
     WHEN NOT MATCHED BY SOURCE AND t.id = 2000 THEN UPDATE SET s = 'by source'`,
  `MERGE INTO silver.d t USING (SELECT range + 5000 AS id FROM range(3)) s ON t.id = s.id
     WHEN NOT MATCHED THEN INSERT (id, s) VALUES (s.id, 'merged')`,
  // schema evolution: the older files lack column n
  `ALTER TABLE silver.d ADD COLUMNS (n BIGINT)`,
  `INSERT INTO silver.d (id, n) VALUES (6000, 7)`);

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

// What the DML commits of silver.d did, from their commitInfo (Spark's metrics).
{
  const r = replay(`${wh}/main/silver/d`);
  const info = r.commits.map((c) => c.actions.find((a) => a.commitInfo).commitInfo);
  const ops = info.map((i) => i.operation).join(',');
  ok(ops === 'CREATE TABLE AS SELECT,WRITE,WRITE,UPDATE,DELETE,MERGE,MERGE,ADD COLUMNS,WRITE',
     'silver.d: one commit per statement with Spark\'s operation names', ops);
  const m = (v, k) => Number(info[v].operationMetrics[k]);
  // the UPDATE touched ids 100..199: only the first file is rewritten
  ok(m(3, 'numUpdatedRows') === 100 && m(3, 'numRemovedFiles') === 1 && m(3, 'numAddedFiles') === 1 &&
     m(3, 'numCopiedRows') === 900, 'UPDATE: 100 rows updated, 1 file rewritten, 900 rows copied',
     JSON.stringify(info[3].operationMetrics));
  ok(JSON.parse(info[3].operationParameters.predicate)[0] === 'id BETWEEN 100 AND 199',
     'UPDATE: operationParameters.predicate', info[3].operationParameters.predicate);
  ok(m(4, 'numDeletedRows') === 5 && m(4, 'numRemovedFiles') === 1 && m(4, 'numCopiedRows') === 5,
     'DELETE: 5 rows deleted from the 10-row file', JSON.stringify(info[4].operationMetrics));
  // MERGE: source ids 1000, 1003, ..., 1297 (100 rows, all in the second file);
  // even ones deleted (50), odd ones updated (50); id 2000 (third file) by source
  ok(m(5, 'numTargetRowsDeleted') === 50 && m(5, 'numTargetRowsUpdated') === 51 &&
     m(5, 'numTargetRowsMatchedUpdated') === 50 && m(5, 'numTargetRowsNotMatchedBySourceUpdated') === 1 &&
     m(5, 'numTargetFilesRemoved') === 3 && m(5, 'numTargetFilesAdded') === 1,
     'MERGE: deleted, updated, by-source counts and files', JSON.stringify(info[5].operationMetrics));
  ok(m(6, 'numTargetRowsInserted') === 3 && m(6, 'numTargetFilesRemoved') === 0,
     'MERGE that only inserts rewrites no file', JSON.stringify(info[6].operationMetrics));
  ok(r.commits.slice(3, 7).every((c) => c.actions.find((a) => a.commitInfo).commitInfo.isBlindAppend === false &&
     c.actions.find((a) => a.commitInfo).commitInfo.readVersion === c.version - 1),
     'DML commits are not blind appends and record the version they read');
}

for (const [name, dir, order] of [['bronze.t', `${wh}/main/bronze/t`, 'id'], ['silver.o', `${wh}/main/silver/o`, 'a'],
                                   ['gold.r', `${wh}/main/gold/r`, 'fresh'], ['silver.d', `${wh}/main/silver/d`, 'id']]) {
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
      // a column added after the file was written is not in it (and not in its stats)
      const [has] = await duck(`SELECT count(*) AS n FROM parquet_schema('${path}') WHERE name = '${f.name}'`);
      if (Number(has.n) === 0) { if (f.name in st.nullCount) { statsOk = false; diag += `${add.path}: stats for absent ${f.name}\n`; } continue; }
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
  const d = paths.length ? await duck(`SELECT ${cols} FROM read_parquet([${paths.join(', ')}], union_by_name = true) ORDER BY "${order}"`) : [];
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
// A partitioned table: Hive-style directories whose names DuckDB decodes
// (hive_partitioning) into the partition values the log records, data
// files without the partition columns, after DML that moved rows between
// partitions, deleted and overwrote whole partitions.
{
  wbRun(`CREATE TABLE silver.p (id BIGINT, k VARCHAR, d DATE, x DOUBLE) USING DELTA PARTITIONED BY (k, d)`,
    `INSERT INTO silver.p SELECT range, CASE range % 5 WHEN 0 THEN 'a b' WHEN 1 THEN 'x/y=z' WHEN 2 THEN '100%' WHEN 3 THEN NULL ELSE 'é' END,
       DATE '2024-01-01' + CAST(range % 3 AS INT), range * 0.5 FROM range(3000)`,
    `UPDATE silver.p SET k = 'moved' WHERE id % 97 = 0`,
    `DELETE FROM silver.p WHERE d = DATE '2024-01-03'`,
    `INSERT OVERWRITE silver.p PARTITION (k = 'a b', d = '2024-01-01') SELECT 9000 + range, 1.0 FROM range(4)`,
    `MERGE INTO silver.p t USING (SELECT range * 7 AS id FROM range(50)) s ON t.id = s.id
       WHEN MATCHED THEN UPDATE SET x = -1 WHEN NOT MATCHED THEN INSERT (id, k, d, x) VALUES (s.id, 'new', DATE '2024-02-01', 0)`);
  const dir = `${wh}/main/silver/p`;
  const r = replay(dir);
  ok(JSON.stringify(r.meta.partitionColumns) === '["k","d"]', 'silver.p: partitionColumns in metaData',
     JSON.stringify(r.meta.partitionColumns));
  const pvOk = r.live.every((a) => JSON.stringify(Object.keys(a.partitionValues)) === '["k","d"]' &&
    decodeURIComponent(a.path).startsWith(`k=`));
  ok(pvOk, `silver.p: every live add (${r.live.length}) has partitionValues k, d and lies in a partition directory`,
     JSON.stringify(r.live.slice(0, 2)));
  let noPart = true;
  for (const a of r.live) {
    const [c] = await duck(`SELECT count(*) AS n FROM parquet_schema('${dir}/${decodeURIComponent(a.path)}') WHERE name IN ('k', 'd')`);
    if (Number(c.n) !== 0) noPart = false;
  }
  ok(noPart, 'silver.p: the data files hold no partition column');
  const paths = r.live.map((a) => `'${dir}/${decodeURIComponent(a.path).replace(/'/g, "''")}'`);
  const d = await duck(`SELECT id, CAST(k AS VARCHAR) AS k, CAST(d AS VARCHAR) AS d, x FROM read_parquet([${paths.join(', ')}],
    hive_partitioning = true, hive_types = {'k': VARCHAR, 'd': DATE}) ORDER BY id`);
  const w = wbRows(`SELECT id, k, CAST(d AS VARCHAR) AS d, x FROM silver.p ORDER BY id`);
  let same = d.length === w.length, first = '';
  for (let i = 0; same && i < d.length; i++)
    for (const f of ['id', 'k', 'd', 'x']) {
      const a = d[i][f], b = w[i][f];
      const eq = a === null || b === null ? a === b : typeof b === 'number' ? Number(a) === b : String(a) === String(b);
      if (!eq) { same = false; first = `row ${i} ${f}: DuckDB ${JSON.stringify(a)} wb ${JSON.stringify(b)}`; break; }
    }
  ok(same && w.length > 0, `silver.p: DuckDB reads the files with hive_partitioning as wb reads the table (${w.length} rows)`,
     first || `DuckDB ${d.length} rows, wb ${w.length}`);
  const pv = r.live.every((a) => {
    const dirs = decodeURIComponent(a.path).split('/').slice(0, 2);
    const unesc = (s) => s.replace(/%([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16)));
    const k = unesc(dirs[0].slice(2)), dd = unesc(dirs[1].slice(2));
    return (a.partitionValues.k === null ? k === '__HIVE_DEFAULT_PARTITION__' : k === a.partitionValues.k) &&
      dd === a.partitionValues.d;
  });
  ok(pv, 'silver.p: directory names are the escaped partitionValues');
}

// Checkpoints: 13 commits (versions 0..12) give a checkpoint at version 10
// (delta.checkpointInterval's default). DuckDB reads it as a plain Parquet
// file; its rows must be the state of the JSON replay up to version 10.
// Then commits 0..9 are deleted, and wb must read the table the same.
{
  const sql = [`CREATE TABLE gold.ck (id BIGINT, tag VARCHAR) USING DELTA TBLPROPERTIES ('wb.owner' = 'interop')`];
  for (let i = 1; i <= 4; i++) sql.push(`INSERT INTO gold.ck VALUES (${i}, 'v${i}')`);
  sql.push(`INSERT OVERWRITE gold.ck SELECT id * 10, tag FROM gold.ck`);
  for (let i = 5; i <= 11; i++) sql.push(`INSERT INTO gold.ck VALUES (${i}, ${i % 3 ? `'v${i}'` : 'NULL'})`);
  wbRun(...sql);
  const dir = `${wh}/main/gold/ck`, log = `${dir}/_delta_log`;
  const cp = `${log}/00000000000000000010.checkpoint.parquet`;
  ok(existsSync(`${log}/00000000000000000012.json`) && !existsSync(`${log}/00000000000000000013.json`), 'gold.ck: 13 commits (versions 0..12)');
  ok(existsSync(cp), 'gold.ck: a checkpoint at version 10');
  const last = existsSync(`${log}/_last_checkpoint`) ? JSON.parse(readFileSync(`${log}/_last_checkpoint`, 'utf8')) : {};
  ok(last.version === 10, 'gold.ck: _last_checkpoint points at version 10', JSON.stringify(last));
  // the replay of commits 0..10 only
  const upTo10 = replay(dir);
  const live = new Map(), removed = new Set();
  let meta = null, protocol = null;
  for (const c of upTo10.commits.filter((c) => c.version <= 10))
    for (const a of c.actions) {
      if (a.add) { live.set(a.add.path, a.add); removed.delete(a.add.path); }
      if (a.remove) { live.delete(a.remove.path); removed.add(a.remove.path); }
      if (a.metaData) meta = a.metaData;
      if (a.protocol) protocol = a.protocol;
    }
  const rows = existsSync(cp) ? await duck(`SELECT * FROM read_parquet('${cp}')`) : [];
  ok(rows.length === last.size, `gold.ck: DuckDB reads the checkpoint: ${rows.length} rows, _last_checkpoint says ${last.size}`);
  const adds = rows.filter((r) => r.add).map((r) => r.add);
  const addsOk = adds.length === live.size && adds.every((a) => {
    const j = live.get(a.path);
    return j && Number(a.size) === j.size && a.stats === j.stats && Number(a.modificationTime) === j.modificationTime &&
      a.dataChange === j.dataChange;
  });
  ok(addsOk, `gold.ck: the checkpoint's ${adds.length} adds are the replay's live files (path, size, stats, modificationTime)`,
     JSON.stringify(adds.slice(0, 2)));
  const rms = rows.filter((r) => r.remove).map((r) => r.remove);
  ok(rms.length === removed.size && rms.every((r) => removed.has(r.path) && Number(r.deletionTimestamp) > 0),
     `gold.ck: its ${rms.length} removes are the replay's tombstones`, JSON.stringify(rms.slice(0, 2)));
  const p = rows.find((r) => r.protocol), m = rows.find((r) => r.metaData);
  ok(p && p.protocol.minReaderVersion === protocol.minReaderVersion && p.protocol.minWriterVersion === protocol.minWriterVersion,
     'gold.ck: the protocol row', JSON.stringify(p));
  const conf = m ? Object.fromEntries((m.metaData.configuration || []).map((kv) => [kv.key, kv.value])) : {};
  ok(m && m.metaData.id === meta.id && m.metaData.schemaString === meta.schemaString && m.metaData.format.provider === 'parquet' &&
     Array.isArray(m.metaData.partitionColumns) && m.metaData.partitionColumns.length === 0 &&
     conf['wb.owner'] === 'interop' && Number(m.metaData.createdTime) === meta.createdTime,
     'gold.ck: the metaData row (id, schemaString, format, partitionColumns, configuration, createdTime)', JSON.stringify(m));
  ok(rows.every((r) => ['txn', 'add', 'remove', 'metaData', 'protocol', 'domainMetadata'].filter((k) => r[k] !== null).length === 1),
     'gold.ck: one action per checkpoint row');
  const before = wbRows(`SELECT * FROM gold.ck ORDER BY id`);
  for (let v = 0; v <= 9; v++) rmSync(`${log}/${String(v).padStart(20, '0')}.json`);
  let after = null, why = '';
  try { after = wbRows(`SELECT * FROM gold.ck ORDER BY id`); } catch (e) { why = String(e.stderr || e); }
  ok(after && JSON.stringify(after) === JSON.stringify(before) && before.length === 4 + 7,
     `gold.ck: with commits 0..9 deleted wb reads the same ${before.length} rows from the checkpoint`,
     why || JSON.stringify(after));
  const h = wbRows(`DESCRIBE HISTORY gold.ck`);
  ok(h.length === 3 && Number(h[0].version) === 12 && Number(h[2].version) === 10,
     'gold.ck: DESCRIBE HISTORY shows the commits that remain (12, 11, 10)',
     JSON.stringify(h.map((x) => x.version)));
}
console.log(`1..${n}`);
process.exit(failed ? 1 : 0);
