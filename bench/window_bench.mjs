// DuckDB side of bench/window_bench.c: the same window queries over the
// events CSV loaded into an in-memory table, REPS runs each, printed as
// "name<TAB>seconds". "narrow" queries let DuckDB read only the columns the
// window needs; "wide" ones carry every column (materialised as a table).
//   node bench/window_bench.mjs bench/out/events_1000000.csv [REPS] [FILTER]
// (run from a directory where @duckdb/node-api resolves, e.g. bench/).
import { DuckDBInstance } from '@duckdb/node-api';

const [csv, repsArg, filter] = process.argv.slice(2);
const reps = Number(repsArg || 3);
const inst = await DuckDBInstance.create(':memory:');
const con = await inst.connect();
const now = () => Number(process.hrtime.bigint()) / 1e9;
let t0 = now();
await con.run(`CREATE TABLE events AS SELECT * FROM read_csv('${csv}')`);
console.log(`load\t${(now() - t0).toFixed(4)}`);
const qs = [
  ['rn_session_narrow', `SELECT max(rn) FROM (SELECT row_number() OVER (PARTITION BY user_session ORDER BY event_time) rn FROM events)`],
  ['rn_session_wide', `CREATE OR REPLACE TABLE o AS SELECT *, row_number() OVER (PARTITION BY user_session ORDER BY event_time) rn FROM events`],
  ['lag_user_narrow', `SELECT count(l) FROM (SELECT lag(event_time) OVER (PARTITION BY user_id ORDER BY event_time) l FROM events)`],
  ['lag_user_wide', `CREATE OR REPLACE TABLE o AS SELECT *, lag(event_time) OVER (PARTITION BY user_id ORDER BY event_time) l FROM events`],
  ['runcount_narrow', `SELECT max(c) FROM (SELECT count(*) OVER (PARTITION BY user_id ORDER BY event_time ROWS UNBOUNDED PRECEDING) c FROM events)`],
  ['runcount_filter_narrow', `SELECT max(c) FROM (SELECT count(*) FILTER (WHERE event_type = 'view') OVER (PARTITION BY user_id ORDER BY event_time) c FROM events)`],
  ['movavg_narrow', `SELECT max(c) FROM (SELECT avg(price) OVER (PARTITION BY user_id ORDER BY event_time ROWS BETWEEN 5 PRECEDING AND CURRENT ROW) c FROM events)`],
  ['rank_noPart', `SELECT max(c) FROM (SELECT rank() OVER (ORDER BY price) c FROM events)`],
];
for (const [name, sql] of qs) {
  if (filter && !name.includes(filter)) continue;
  for (let r = 0; r < reps; r++) {
    t0 = now();
    const res = await con.runAndReadAll(sql);
    res.getRows();
    console.log(`${name}\t${(now() - t0).toFixed(4)}`);
  }
}
