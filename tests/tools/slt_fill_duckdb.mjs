// Fill the expected results of sqllogictest records from DuckDB.
//
//   node tests/tools/slt_fill_duckdb.mjs FILE.slt > FILE.filled
//
// Every `query` record is run in DuckDB (@duckdb/node-api, installed with
// `npm install --prefix tests`) and its result block is replaced by
// DuckDB's rows, formatted as wb prints them in tests (tab-separated
// values, NULL, (empty), true/false). `statement` records are executed so
// later queries see their tables. Records preceded by `skipif duckdb` keep
// the expected block written by hand (wb's semantics differ from DuckDB's
// there; the file explains why in a comment). This is how the expected
// values in tests/sql/*.slt were recorded: run the tool, then review.
import { DuckDBInstance, DuckDBTypeId } from '@duckdb/node-api';
import fs from 'node:fs';

const path = process.argv[2];
const lines = fs.readFileSync(path, 'utf8').split('\n');
const inst = await DuckDBInstance.create(':memory:');
const con = await inst.connect();
if (process.env.WB_SHARED) await con.run(`SET file_search_path='${process.cwd()}'`);

// A list element as wb writes it inside a list (CAST(x AS VARCHAR)):
// strings unquoted, NULL as null, doubles with a fractional part (2.0).
function fmtElem(x, et) {
  if (x === null || x === undefined) return 'null';
  if (typeof x === 'number' && et && (et.typeId === DuckDBTypeId.DOUBLE || et.typeId === DuckDBTypeId.FLOAT)) {
    if (Number.isNaN(x)) return 'nan';
    if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
    return Number.isInteger(x) && Math.abs(x) < 1e15 ? x.toFixed(1) : String(x);
  }
  return String(x);
}

// Lists print the way wb prints them (Spark's form): [1, 2, null], [a, b].
function fmt(v, type) {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'object' && Array.isArray(v.items)) {
    const s = '[' + v.items.map(x => fmtElem(x, type && type.valueType)).join(', ') + ']';
    return s.replace(/[\t\n\r]/g, ' ');
  }
  if (typeof v === 'string') return v === '' ? '(empty)' : v.replace(/[\t\n\r]/g, ' ');
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return 'nan';
    if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
    return Number.isInteger(v) && Math.abs(v) < 1e15 ? v.toFixed(1).replace(/\.0$/, '') : String(v);
  }
  return v.toString();
}

const out = [];
let i = 0;
let skip = false;
while (i < lines.length) {
  const l = lines[i];
  if (l.startsWith('skipif duckdb')) { skip = true; out.push(l); i++; continue; }
  if (l.startsWith('skipif') || l.startsWith('onlyif')) { out.push(l); i++; continue; }
  if (l.startsWith('statement') || l.startsWith('query')) {
    const header = l; out.push(l); i++;
    const sql = [];
    while (i < lines.length && lines[i].trim() !== '' && lines[i] !== '----') { sql.push(lines[i]); out.push(lines[i]); i++; }
    const text = sql.join('\n');
    if (header.startsWith('statement')) {
      if (!skip) { try { await con.run(text); } catch (e) { /* error statements */ } }
      while (i < lines.length && lines[i].trim() !== '') { out.push(lines[i]); i++; }
      skip = false; continue;
    }
    // query: replace the result block
    const old = [];
    if (lines[i] === '----') { i++; while (i < lines.length && lines[i].trim() !== '') { old.push(lines[i]); i++; } }
    out.push('----');
    if (skip) { out.push(...old); skip = false; continue; }
    try {
      const r = await con.runAndReadAll(text);
      const types = r.columnTypes();
      let rows = r.getRows().map(row => row.map((v, c) => fmt(v, types[c])));
      const sort = header.split(/\s+/)[2] || 'nosort';
      if (sort === 'rowsort') rows.sort((a, b) => (a.join('\t') < b.join('\t') ? -1 : a.join('\t') > b.join('\t') ? 1 : 0));
      for (const row of rows) out.push(row.join('\t'));
    } catch (e) {
      out.push(...old);
      process.stderr.write(`${path}: duckdb failed on: ${text}\n  ${e.message}\n`);
    }
    continue;
  }
  out.push(l); i++;
}
process.stdout.write(out.join('\n'));
