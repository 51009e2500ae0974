// DuckDB side of the benchmark: load the CSV into a table, run each query
// REPS times, print "name<TAB>seconds" per run. In-memory database,
// all cores (DuckDB's default). Usage: node duckdb_bench.mjs CSV QUERIES REPS
import { DuckDBInstance } from '@duckdb/node-api';
import fs from 'node:fs';

const [csv, qfile, repsArg] = process.argv.slice(2);
const reps = Number(repsArg || 3);
const inst = await DuckDBInstance.create(':memory:');
const con = await inst.connect();
const now = () => Number(process.hrtime.bigint()) / 1e9;

let t0 = now();
await con.run(`CREATE TABLE events AS SELECT * FROM read_csv('${csv}')`);
console.log(`load\t${(now() - t0).toFixed(4)}`);
const queries = fs.readFileSync(qfile, 'utf8').split('\n')
  .filter(l => l.trim() && !l.startsWith('--')).map(l => l.split('\t'));
for (const [name, sql] of queries) {
  for (let r = 0; r < reps; r++) {
    t0 = now();
    const res = await con.runAndReadAll(sql);
    res.getRows();
    console.log(`${name}\t${(now() - t0).toFixed(4)}`);
  }
}
