// DuckDB side of bench/partition.sh: load the CSV, then write it REPS times
// as Hive-partitioned Parquet (COPY ... PARTITION_BY (day), zstd) and once
// unpartitioned, and run the one-day query over the partitioned files.
// Prints "step<TAB>seconds" lines.
// Usage: node partition_duckdb.mjs CSV OUTDIR REPS
import { DuckDBInstance } from '@duckdb/node-api';
import fs from 'node:fs';

const [csv, dir, repsArg] = process.argv.slice(2);
const reps = Number(repsArg || 3);
const con = await (await DuckDBInstance.create(':memory:')).connect();
const now = () => Number(process.hrtime.bigint()) / 1e9;
await con.run(`CREATE TABLE events AS SELECT *, CAST(event_time AS DATE) AS day FROM read_csv('${csv}')`);
for (let r = 0; r < reps; r++) {
  fs.rmSync(`${dir}/part`, { recursive: true, force: true });
  const t0 = now();
  await con.run(`COPY events TO '${dir}/part' (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (day))`);
  console.log(`write_partitioned\t${(now() - t0).toFixed(4)}`);
}
for (let r = 0; r < reps; r++) {
  const t0 = now();
  await con.run(`COPY events TO '${dir}/flat.parquet' (FORMAT parquet, COMPRESSION zstd)`);
  console.log(`write_flat\t${(now() - t0).toFixed(4)}`);
}
for (let r = 0; r < reps; r++) {
  const t0 = now();
  (await con.runAndReadAll(`SELECT count(*), sum(price) FROM read_parquet('${dir}/part/*/*.parquet', hive_partitioning = true)
    WHERE day = DATE '2019-10-15'`)).getRows();
  console.log(`one_day\t${(now() - t0).toFixed(4)}`);
}
fs.rmSync(`${dir}/part`, { recursive: true, force: true });
