// DuckDB side of bench/stats.sh: load the events and build the users table
// as wb does, then time the group-wise sums each statistic needs.
// Prints "step<TAB>seconds" lines.
// Usage: node stats_duckdb.mjs CSV REPS
import { DuckDBInstance } from '@duckdb/node-api';

const [csv, repsArg] = process.argv.slice(2);
const reps = Number(repsArg || 3);
const con = await (await DuckDBInstance.create(':memory:')).connect();
const now = () => Number(process.hrtime.bigint()) / 1e9;
await con.run(`CREATE TABLE events AS SELECT price, month(event_time) AS month, dayofyear(event_time) AS day,
  split_part(category_code, '.', 1) AS category FROM read_csv('${csv}')`);
await con.run(`CREATE TABLE users AS SELECT range AS user_id,
  CASE WHEN (range * 7919) % 2 = 0 THEN 'A' ELSE 'B' END AS variant,
  (range * 104729) % 1000 < 30 + 2 * ((range * 7919) % 2) AS converted,
  ((range * 15485863) % 10000) / 100.0 AS spend FROM range(3000000)`);
const steps = {
  anova_month: 'SELECT month, count(price), sum(price), sum(price * price) FROM events GROUP BY month',
  anova_day: 'SELECT day, count(price), sum(price), sum(price * price) FROM events GROUP BY day',
  anova_category: 'SELECT category, count(price), sum(price), sum(price * price) FROM events GROUP BY category',
  abtest_users: 'SELECT variant, count(*), sum(converted::INTEGER) FROM users GROUP BY variant',
  ttest_users: 'SELECT variant, count(spend), sum(spend), sum(spend * spend) FROM users GROUP BY variant',
};
for (const [step, sql] of Object.entries(steps)) {
  for (let r = 0; r < reps; r++) {
    const t0 = now();
    (await con.runAndReadAll(sql)).getRows();
    console.log(`${step}\t${(now() - t0).toFixed(4)}`);
  }
}
