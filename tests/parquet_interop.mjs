// parquet_interop.mjs: Parquet interoperability between wb and DuckDB,
// value by value. Prints TAP.
//
//   node tests/parquet_interop.mjs WB TMPDIR
//
// 1. wb writes a table of every wb type - NULLs everywhere, an all-NULL
//    column, extreme BIGINTs, NaN / -0.0 / inf, a low-cardinality string
//    (dictionary), a high-cardinality one (PLAIN fallback), long strings,
//    dates and timestamps before 1970 - once per codec and with small row
//    groups, lists (NULL, empty, NULL elements); DuckDB reads every file and must see exactly the values wb
//    exported as CSV, the types wb promises and correct statistics; wb
//    reads its own files back to the same CSV text.
// 2. DuckDB writes a table of its types (integers of every width and sign,
//    FLOAT, DECIMALs, BLOB, UUID, TIME, timestamps in ms/us/ns, ...) once
//    per codec and once as PARQUET_VERSION v2 (delta encodings, data page
//    v2); wb reads each file and must see DuckDB's values under wb's type
//    mapping.
import { DuckDBInstance } from '@duckdb/node-api';
import { execFileSync } from 'node:child_process';

const [wb, tmp] = process.argv.slice(2);
let n = 0, failed = 0;
const ok = (cond, name, diag) => {
  n++;
  console.log(`${cond ? '' : 'not '}ok ${n} - ${name}`);
  if (!cond) {
    failed++;
    if (diag) console.log(`# ${String(diag).split('\n').join('\n# ')}`);
  }
};

const inst = await DuckDBInstance.create(':memory:');
const con = await inst.connect();
await con.run(`SET TimeZone = 'UTC'`);
const duck = async (sql) => (await con.runAndReadAll(sql)).getRows();

function wbRun(...sql) {
  const args = ['--csv', '--bail'];
  for (const s of sql) args.push('-c', s);
  return execFileSync(wb, args, { encoding: 'utf8', maxBuffer: 1 << 30 });
}

// RFC 4180 CSV as wb writes it: an empty unquoted field is NULL, "" is ''.
function parseCsv(text) {
  const rows = [];
  let row = [], i = 0;
  while (i < text.length) {
    let v;
    if (text[i] === '"') {
      let s = '';
      i++;
      for (;;) {
        if (text[i] === '"' && text[i + 1] === '"') { s += '"'; i += 2; }
        else if (text[i] === '"') { i++; break; }
        else s += text[i++];
      }
      v = s;
    } else {
      let j = i;
      while (j < text.length && text[j] !== ',' && text[j] !== '\n') j++;
      v = j === i ? null : text.slice(i, j);
      i = j;
    }
    row.push(v);
    if (text[i] === ',') i++;
    else { rows.push(row); row = []; i++; }
  }
  return rows;
}

function wbRows(sql) {
  const rows = parseCsv(wbRun(sql));
  return { names: rows[0], rows: rows.slice(1) };
}

const parseList = (t) => t === null ? null : t === '[]' ? [] : t.slice(1, -1).split(', ').map((x) => x === 'null' ? null : x);

// Does DuckDB value d equal wb's CSV text w for a column of wb type t?
function same(t, w, d) {
  if (w === null || d === null || d === undefined) return w === null && (d === null || d === undefined);
  if (t.startsWith('LIST:')) {
    const el = t.slice(5), wl = parseList(w), items = d.items;
    return wl.length === items.length && items.every((x, k) =>
      same(el, wl[k], x === null ? null : el === 'DOUBLE' ? Number(x) : x));
  }
  switch (t) {
    case 'BIGINT': return BigInt(w) === BigInt(d);
    case 'DOUBLE': {
      const x = w === 'nan' ? NaN : w === 'inf' ? Infinity : w === '-inf' ? -Infinity : Number(w);
      const y = Number(d);
      return (Number.isNaN(x) && Number.isNaN(y)) || Object.is(x, y);
    }
    case 'BOOLEAN': return w === String(d);
    default: return w === String(d);
  }
}

function compare(label, types, wrows, drows) {
  if (wrows.length !== drows.length) {
    ok(false, `${label}: row count`, `wb ${wrows.length}, DuckDB ${drows.length}`);
    return;
  }
  let bad = 0, first = '';
  for (let r = 0; r < wrows.length && bad < 5; r++)
    for (let c = 0; c < types.length; c++)
      if (!same(types[c], wrows[r][c], drows[r][c])) {
        bad++;
        if (!first) first = `row ${r} column ${c}: wb ${JSON.stringify(wrows[r][c])}, DuckDB ${String(drows[r][c])}`;
      }
  ok(bad === 0, `${label}: ${wrows.length} rows equal`, first);
}

// ---------------------------------------------------------------- wb writes
const N = 250000;
const gen = `SELECT range AS id,
  CASE WHEN range % 7 = 0 THEN NULL WHEN range % 11 = 0 THEN 9223372036854775807
       WHEN range % 13 = 0 THEN -9223372036854775807 - 1 ELSE range * 37 - 5000000 END AS i,
  CASE WHEN range % 5 = 0 THEN NULL WHEN range % 101 = 0 THEN CAST('nan' AS DOUBLE) WHEN range % 103 = 0 THEN -0.0
       WHEN range % 107 = 0 THEN CAST('inf' AS DOUBLE) WHEN range % 109 = 0 THEN -1e300 ELSE range / 7.0 END AS d,
  CASE WHEN range % 3 = 0 THEN NULL ELSE range % 2 = 0 END AS b,
  CASE WHEN range % 9 = 0 THEN NULL WHEN range % 17 = 0 THEN ''
       ELSE 'cat_' || (range % 5) || CASE WHEN range % 4 = 0 THEN 'é€😀' ELSE '' END END AS s_dict,
  'u' || range || '_' || (range * 7919 % 1000003) AS s_plain,
  CASE WHEN range % 1000 = 1 THEN repeat('long', 300 + range % 77) ELSE NULL END AS s_long,
  CASE WHEN range % 6 = 0 THEN NULL ELSE DATE '1970-01-01' + CAST(range % 40000 - 20000 AS INTEGER) END AS dt,
  CASE WHEN range % 8 = 0 THEN NULL ELSE timestamp_micros(range * 123456789 - 10000000000000) END AS ts,
  CAST(NULL AS BIGINT) AS all_null_i, CAST(NULL AS VARCHAR) AS all_null_s,
  CASE WHEN range % 5 = 0 THEN NULL WHEN range % 7 = 0 THEN CAST([] AS BIGINT[]) ELSE [range, NULL, -range * 3] END AS li,
  CASE WHEN range % 3 = 0 THEN NULL ELSE ['é' || range % 10, NULL, ''] END AS ls,
  CASE WHEN range % 1000 = 3 THEN CAST(NULL AS DOUBLE[]) ELSE [range / 4.0, CAST('nan' AS DOUBLE)] END AS ld
FROM range(${N})`;
const wbTypes = ['BIGINT', 'BIGINT', 'DOUBLE', 'BOOLEAN', 'VARCHAR', 'VARCHAR', 'VARCHAR', 'DATE', 'TIMESTAMP', 'BIGINT', 'VARCHAR',
  'LIST:BIGINT', 'LIST:VARCHAR', 'LIST:DOUBLE'];
const duckSelect = `SELECT id, i, d, b, s_dict, s_plain, s_long, CAST(dt AS VARCHAR), CAST(CAST(ts AS TIMESTAMP) AS VARCHAR),
  all_null_i, all_null_s, li, ls, ld`;
const expected = wbRows(`${gen} ORDER BY id`);
ok(expected.rows.length === N, `wb exported ${N} expected rows`);

const variants = [
  ['zstd', `(FORMAT parquet, COMPRESSION zstd)`],
  ['snappy', `(FORMAT parquet, COMPRESSION snappy)`],
  ['gzip', `(FORMAT parquet, COMPRESSION gzip)`],
  ['lz4', `(FORMAT parquet, COMPRESSION lz4)`],
  ['uncompressed', `(FORMAT parquet, COMPRESSION uncompressed)`],
  ['small_row_groups', `(FORMAT parquet, ROW_GROUP_SIZE 10000)`],
];
for (const [name, opts] of variants) {
  const file = `${tmp}/wb_${name}.parquet`;
  try {
    wbRun(`COPY (${gen}) TO '${file}' ${opts}`);
  } catch (e) {
    ok(false, `wb writes ${name}`, e.stderr || e.message);
    continue;
  }
  const types = await duck(`SELECT column_type FROM (DESCRIBE SELECT * FROM '${file}')`);
  const want = ['BIGINT', 'BIGINT', 'DOUBLE', 'BOOLEAN', 'VARCHAR', 'VARCHAR', 'VARCHAR', 'DATE',
    'TIMESTAMP WITH TIME ZONE', 'BIGINT', 'VARCHAR', 'BIGINT[]', 'VARCHAR[]', 'DOUBLE[]'];
  ok(JSON.stringify(types.map((r) => r[0])) === JSON.stringify(want), `${name}: DuckDB sees wb's types`,
    types.map((r) => r[0]).join(', '));
  const drows = await duck(`${duckSelect} FROM '${file}' ORDER BY id`);
  compare(`${name}: DuckDB reads wb's file`, wbTypes, expected.rows, drows);
  // statistics: DuckDB's aggregate over the file vs the footer's min/max/null counts
  const st = await duck(`SELECT path_in_schema, min(stats_min_value), max(stats_max_value), sum(stats_null_count)
    FROM parquet_metadata('${file}') WHERE path_in_schema IN ('i', 's_dict', 'dt', 'all_null_i') GROUP BY 1 ORDER BY 1`);
  const agg = await duck(`SELECT min(i)::VARCHAR, max(i)::VARCHAR, count(*) - count(i), min(s_dict), max(s_dict),
    count(*) - count(s_dict), min(dt)::VARCHAR, max(dt)::VARCHAR, count(*) - count(dt), count(*) FROM '${file}'`);
  const a = agg[0];
  const byName = Object.fromEntries(st.map((r) => [r[0], r]));
  ok(byName.i && byName.i[1] === a[0] && byName.i[2] === a[1] && Number(byName.i[3]) === Number(a[2]),
    `${name}: BIGINT statistics`, JSON.stringify(byName.i?.map(String)));
  ok(byName.s_dict && byName.s_dict[1] === a[3] && byName.s_dict[2] === a[4] && Number(byName.s_dict[3]) === Number(a[5]),
    `${name}: VARCHAR statistics`, JSON.stringify(byName.s_dict?.map(String)));
  ok(byName.dt && byName.dt[1] === a[6] && byName.dt[2] === a[7] && Number(byName.dt[3]) === Number(a[8]),
    `${name}: DATE statistics`, JSON.stringify(byName.dt?.map(String)));
  ok(byName.all_null_i && byName.all_null_i[1] === null && Number(byName.all_null_i[3]) === Number(a[9]),
    `${name}: all-NULL column has only a null count`, JSON.stringify(byName.all_null_i?.map(String)));
  // wb reads its own file back to the same text
  const back = wbRun(`SELECT * FROM '${file}' ORDER BY id`);
  const orig = wbRun(`${gen} ORDER BY id`);
  ok(back === orig, `${name}: wb reads its own file back`);
}
// encodings: the low-cardinality string is dictionary-encoded, the small row groups are 10000 rows
const enc = await duck(`SELECT path_in_schema, string_agg(DISTINCT encodings, ';') FROM parquet_metadata('${tmp}/wb_zstd.parquet') GROUP BY 1`);
const encBy = Object.fromEntries(enc);
ok(/RLE_DICTIONARY/.test(encBy.s_dict), 'low-cardinality strings are dictionary-encoded', encBy.s_dict);
ok(!/RLE_DICTIONARY/.test(encBy.s_plain), 'distinct strings fall back to PLAIN', encBy.s_plain);
const rg = await duck(`SELECT count(DISTINCT row_group_id), max(row_group_num_rows) FROM parquet_metadata('${tmp}/wb_small_row_groups.parquet')`);
ok(Number(rg[0][0]) === 25 && Number(rg[0][1]) === 10000, 'ROW_GROUP_SIZE 10000 gives 25 row groups', rg[0].map(String).join(' '));
const cb = await duck(`SELECT created_by FROM parquet_file_metadata('${tmp}/wb_zstd.parquet')`);
ok(/^wb version /.test(cb[0][0]), `created_by: ${cb[0][0]}`);

// ---------------------------------------------------------------- DuckDB writes
await con.run(`CREATE TABLE d AS SELECT range AS id,
  CASE WHEN range % 7 = 0 THEN NULL ELSE (range % 200 - 100)::TINYINT END AS t8,
  (range % 60000 - 30000)::SMALLINT AS t16,
  CASE WHEN range % 5 = 0 THEN NULL ELSE (range * 7919 % 2000000000 - 1000000000)::INTEGER END AS t32,
  (range * 1000003)::BIGINT AS t64,
  (range % 250)::UTINYINT AS u8, (range % 65000)::USMALLINT AS u16, (range * 77)::UINTEGER AS u32, (range * 99991)::UBIGINT AS u64,
  CASE WHEN range % 3 = 0 THEN NULL ELSE (range / 3.0)::FLOAT END AS f32,
  (range / 7.0)::DOUBLE AS f64,
  (range % 100000 / 100.0)::DECIMAL(9,2) AS dec9,
  (range * 1234567 / 1000.0)::DECIMAL(18,3) AS dec18,
  (range::DECIMAL(38,0) * 100000000000000000000 + 12345)::DECIMAL(38,0) AS dec38,
  CASE WHEN range % 4 = 0 THEN NULL ELSE 'brand_' || (range % 37) END AS s_dict,
  'sess_' || md5(range::VARCHAR) AS s_plain,
  range % 2 = 0 AS b,
  DATE '2019-10-01' + (range % 365)::INTEGER AS dt,
  TIMESTAMP '2019-10-01 00:00:00' + to_microseconds(range * 1000003) AS ts,
  (TIMESTAMP '2019-10-01 00:00:00' + to_microseconds(range * 1000003))::TIMESTAMP_MS AS ts_ms,
  (TIMESTAMP '2019-10-01 00:00:00' + to_microseconds(range * 1000003))::TIMESTAMP_NS AS ts_ns,
  (TIMESTAMPTZ '2019-10-01 00:00:00+00' + to_microseconds(range * 999))::TIMESTAMPTZ AS tstz,
  ('\\x' || lpad(to_hex(range % 256), 2, '0') || 'A\\x00')::BLOB AS bl,
  md5(range::VARCHAR)::UUID AS uu,
  TIME '00:00:00' + to_microseconds(range * 1000001 % 86400000000) AS tm
  FROM range(200000)`);
const dSelect = `SELECT id, t8, t16, t32, t64, u8, u16, u32, u64, f32, f64, CAST(dec9 AS DOUBLE), CAST(dec18 AS DOUBLE),
  CAST(dec38 AS DOUBLE), s_dict, s_plain, b, CAST(dt AS VARCHAR), CAST(ts AS VARCHAR), CAST(CAST(ts_ms AS TIMESTAMP) AS VARCHAR),
  CAST(CAST(ts_ns AS TIMESTAMP) AS VARCHAR), CAST(CAST(tstz AS TIMESTAMP) AS VARCHAR), CAST(bl AS VARCHAR), CAST(uu AS VARCHAR),
  CAST(tm AS VARCHAR)`;
const dTypes = ['BIGINT', 'BIGINT', 'BIGINT', 'BIGINT', 'BIGINT', 'BIGINT', 'BIGINT', 'BIGINT', 'BIGINT', 'DOUBLE', 'DOUBLE',
  'DOUBLE', 'DOUBLE', 'DOUBLE', 'VARCHAR', 'VARCHAR', 'BOOLEAN', 'DATE', 'TIMESTAMP', 'TIMESTAMP', 'TIMESTAMP', 'TIMESTAMP',
  'VARCHAR', 'VARCHAR', 'VARCHAR'];
const wbSelect = `SELECT id, t8, t16, t32, t64, u8, u16, u32, u64, f32, f64, dec9, dec18, dec38, s_dict, s_plain, b, dt, ts,
  ts_ms, ts_ns, tstz, bl, uu, tm`;
for (const [name, opts] of [['zstd', 'COMPRESSION zstd'], ['snappy', 'COMPRESSION snappy'], ['gzip', 'COMPRESSION gzip'],
  ['lz4', 'COMPRESSION lz4'], ['uncompressed', 'COMPRESSION uncompressed'], ['v2', 'COMPRESSION zstd, PARQUET_VERSION v2'],
  ['small_pages', 'COMPRESSION snappy, ROW_GROUP_SIZE 5000']]) {
  const file = `${tmp}/duck_${name}.parquet`;
  await con.run(`COPY d TO '${file}' (FORMAT parquet, ${opts})`);
  const drows = await duck(`${dSelect} FROM '${file}' ORDER BY id`);
  let w;
  try {
    w = wbRows(`${wbSelect} FROM '${file}' ORDER BY id`);
  } catch (e) {
    ok(false, `wb reads DuckDB's ${name} file`, e.stderr || e.message);
    continue;
  }
  compare(`wb reads DuckDB's ${name} file`, dTypes, w.rows, drows);
}
// filters over DuckDB's statistics (pruned row groups) give DuckDB's answers
{
  const file = `${tmp}/duck_small_pages.parquet`;
  const filters = [`id BETWEEN 12345 AND 23456`, `t32 > 500000000`, `s_dict = 'brand_3'`, `dt < DATE '2019-11-01'`,
    `ts >= TIMESTAMP '2019-10-02 00:00:00'`, `u64 < 5000000`, `f64 > 20000`, `t8 IS NULL`, `s_dict IS NOT NULL AND id < 7000`];
  for (const f of filters) {
    const d = await duck(`SELECT count(*), sum(id) FROM '${file}' WHERE ${f}`);
    const w = wbRows(`SELECT count(*), sum(id) FROM '${file}' WHERE ${f}`).rows[0];
    ok(BigInt(w[0]) === BigInt(d[0][0]) && BigInt(w[1] ?? 0) === BigInt(d[0][1] ?? 0), `filter ${f}: DuckDB's rows`,
      `wb ${w}, DuckDB ${d[0].map(String)}`);
  }
}
// lists: every element type, NULL lists, empty lists, NULL elements, lists
// longer than a page; standard 3-level LIST columns in v1 and v2 pages
await con.run(`CREATE TABLE l AS SELECT range AS id,
  CASE WHEN range % 7 = 0 THEN NULL WHEN range % 5 = 0 THEN []::BIGINT[]
       ELSE [range, NULL, -range * 1000003, range % 3] END AS li,
  CASE WHEN range % 11 = 0 THEN NULL ELSE ['s' || range % 13, NULL, 'é' || range % 4] END AS ls,
  [range / 4.0, -0.5] AS ld,
  CASE WHEN range % 4 = 0 THEN NULL ELSE [range % 2 = 0, NULL] END AS lb,
  [DATE '2019-10-01' + (range % 100)::INTEGER] AS ldt,
  [TIMESTAMP '2019-10-01 00:00:00' + to_microseconds(range * 1000001), NULL] AS lts,
  CASE WHEN range = 777 THEN range(20000) ELSE [range] END AS big
  FROM range(30000)`);
const lTypes = ['BIGINT', 'DOUBLE', 'BOOLEAN', 'VARCHAR', 'DATE', 'TIMESTAMP'];
for (const [name, opts] of [['v1', 'COMPRESSION snappy'], ['v2', 'COMPRESSION zstd, PARQUET_VERSION v2'],
  ['small_row_groups', 'ROW_GROUP_SIZE 3000']]) {
  const file = `${tmp}/duck_lists_${name}.parquet`;
  await con.run(`COPY l TO '${file}' (FORMAT parquet, ${opts})`);
  const drows = await duck(`SELECT li, ld, lb, ls, ldt, lts, big FROM '${file}' ORDER BY id`);
  let w;
  try {
    w = wbRows(`SELECT CAST(li AS VARCHAR), CAST(ld AS VARCHAR), CAST(lb AS VARCHAR), CAST(ls AS VARCHAR),
      CAST(ldt AS VARCHAR), CAST(lts AS VARCHAR), CAST(big AS VARCHAR) FROM '${file}' ORDER BY id`).rows;
  } catch (e) {
    ok(false, `wb reads DuckDB's lists (${name})`, e.stderr || e.message);
    continue;
  }
  let bad = 0, first = '';
  for (let r = 0; r < drows.length && bad < 5; r++)
    for (let c = 0; c < 7; c++) {
      const d = drows[r][c], wl = parseList(w[r]?.[c] ?? null);
      const items = d === null ? null : d.items;
      const t = c === 6 ? 'BIGINT' : lTypes[c];
      const eq = items === null ? wl === null : wl !== null && wl.length === items.length &&
        items.every((x, k) => same(t, wl[k], x === null ? null : t === 'DOUBLE' ? Number(x) : x));
      if (!eq) {
        bad++;
        if (!first) first = `row ${r} column ${c}: wb ${w[r]?.[c]}, DuckDB ${d === null ? 'NULL' : String(d)}`;
      }
    }
  ok(bad === 0 && w.length === drows.length, `wb reads DuckDB's list columns (${name}): ${w.length} rows equal`, first);
}

const v2enc = await duck(`SELECT string_agg(DISTINCT encodings, ';') FROM parquet_metadata('${tmp}/duck_v2.parquet')`);
ok(/DELTA/.test(v2enc[0][0]), `DuckDB's v2 file uses delta encodings (${v2enc[0][0]})`);

console.log(`1..${n}`);
process.exit(failed ? 1 : 0);
