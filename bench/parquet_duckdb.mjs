// DuckDB side of bench/parquet.sh: load the CSV, then REPS times COPY TO
// parquet (zstd) and read back (the query of bench/parquet.sh, and a scan
// of every column); write a snappy file once. With --cross, only read
// wb's file. Prints "step<TAB>seconds" lines and "size_*<TAB>bytes".
// Usage: node parquet_duckdb.mjs CSV OWN.parquet WB.parquet REPS [--cross]
import { DuckDBInstance } from '@duckdb/node-api';
import fs from 'node:fs';

const [csv, own, other, repsArg, mode] = process.argv.slice(2);
const reps = Number(repsArg || 3);
const inst = await DuckDBInstance.create(':memory:');
const con = await inst.connect();
const now = () => Number(process.hrtime.bigint()) / 1e9;
const q = (f) => `SELECT count(*), sum(price), count(DISTINCT user_id) FROM read_parquet('${f}')`;
const scan = (f) => `SELECT max(event_time), sum(price), max(user_id), max(product_id), max(category_id), count(brand),
  count(category_code), count(user_session), count(event_type) FROM read_parquet('${f}')`;
if (mode === '--cross') {
  for (let r = 0; r < reps; r++) {
    const t0 = now();
    (await con.runAndReadAll(q(other))).getRows();
    console.log(`cross\t${(now() - t0).toFixed(4)}`);
  }
  process.exit(0);
}
await con.run(`CREATE TABLE events AS SELECT * FROM read_csv('${csv}')`);
for (let r = 0; r < reps; r++) {
  const t0 = now();
  await con.run(`COPY events TO '${own}' (FORMAT parquet, COMPRESSION zstd)`);
  console.log(`write\t${(now() - t0).toFixed(4)}`);
}
for (let r = 0; r < reps; r++) {
  const t0 = now();
  (await con.runAndReadAll(q(own))).getRows();
  console.log(`read\t${(now() - t0).toFixed(4)}`);
}
for (let r = 0; r < reps; r++) {
  const t0 = now();
  (await con.runAndReadAll(scan(own))).getRows();
  console.log(`scan\t${(now() - t0).toFixed(4)}`);
}
const snappy = own.replace(/\.parquet$/, '_snappy.parquet');
await con.run(`COPY events TO '${snappy}' (FORMAT parquet, COMPRESSION snappy)`);
console.log(`size_zstd\t${fs.statSync(own).size}`);
console.log(`size_snappy\t${fs.statSync(snappy).size}`);
