// DuckDB counterpart of bench/join_bench.c: the same shapes of data (events
// whose product ids all occur in a per-product dimension) and the same
// joins, timed in DuckDB with the same thread count.
//
//   node bench/join_duckdb.mjs [PROBE_ROWS [BUILD_ROWS [THREADS]]]
//
// Needs DuckDB's npm package (npm install --prefix tests; bench/run.sh
// links bench/node_modules to it). Timing only; nothing is asserted.
import { DuckDBInstance } from '@duckdb/node-api';

const np = Number(process.argv[2] || 10000000);
const nb = Number(process.argv[3] || 100000);
const threads = Number(process.argv[4] || 2);
const inst = await DuckDBInstance.create(':memory:');
const con = await inst.connect();
await con.run(`SET threads = ${threads}`);
await con.run(`CREATE TABLE events AS SELECT
  1000000 + 7 * (CASE WHEN random() < 0.5 THEN floor(random() * ${Math.floor(nb / 10) + 1}) ELSE floor(random() * ${nb}) END)::BIGINT AS product_id,
  floor(random() * 100000) / 100 AS price,
  (['view', 'cart', 'purchase'])[1 + floor(random() * 3)::INT] AS event_type
  FROM range(${np})`);
await con.run(`CREATE TABLE dim AS SELECT 1000000 + 7 * ((i * 40503) % ${nb}) AS product_id,
  floor(random() * 1000)::BIGINT AS n, floor(random() * 10000) / 100 AS avg_price FROM range(${nb}) t(i)`);
await con.run(`CREATE TABLE big AS SELECT 1000000 + 7 * ((i * 40503) % ${np}) AS product_id,
  floor(random() * 1000)::BIGINT AS n, floor(random() * 10000) / 100 AS avg_price FROM range(${np}) t(i)`);

const queries = [
  ['INNER', 'SELECT count(*), sum(e.price * d.avg_price), sum(d.n) FROM events e JOIN dim d ON e.product_id = d.product_id'],
  ['LEFT', 'SELECT count(*), sum(e.price * d.avg_price), sum(d.n) FROM events e LEFT JOIN dim d ON e.product_id = d.product_id'],
  ['RIGHT', 'SELECT count(*), sum(e.price * d.avg_price), sum(d.n) FROM events e RIGHT JOIN dim d ON e.product_id = d.product_id'],
  ['SEMI', 'SELECT count(*), sum(e.price) FROM events e SEMI JOIN dim d ON e.product_id = d.product_id'],
  ['BIG-BUILD', 'SELECT count(*), sum(e.price * d.avg_price), sum(d.n) FROM events e JOIN big d ON e.product_id = d.product_id'],
];
console.log(`threads: ${threads}`);
for (const [label, sql] of queries) {
  let best = Infinity, rows;
  for (let r = 0; r < 5; r++) {
    const t0 = process.hrtime.bigint();
    const res = await con.runAndReadAll(sql);
    const dt = Number(process.hrtime.bigint() - t0) / 1e9;
    rows = res.getRows()[0][0];
    if (dt < best) best = dt;
  }
  console.log(`${label.padEnd(10)} ${np} x ${label === 'BIG-BUILD' ? np : nb}  ${best.toFixed(3)} s  -> ${rows} rows`);
}
