// Table for bench/parquet.sh from bench/out/pq_<engine>_<rows>.times.
import fs from 'node:fs';

const [dir, rows, reps] = process.argv.slice(2);
const load = (e) => {
  const f = `${dir}/pq_${e}_${rows}.times`;
  const m = {};
  if (!fs.existsSync(f)) return null;
  for (const line of fs.readFileSync(f, 'utf8').split('\n')) {
    const [k, v] = line.split('\t');
    if (k && v !== undefined && v !== '') (m[k] ||= []).push(Number(v));
  }
  return m;
};
const wb = load('wb') || {}, dk = load('duckdb') || {};
const median = (a) => { if (!a || !a.length) return NaN; const s = [...a].sort((x, y) => x - y); const k = s.length >> 1; return s.length % 2 ? s[k] : (s[k - 1] + s[k]) / 2; };
const f = (x, d = 3) => Number.isNaN(x) ? '-' : x.toFixed(d);
const ratio = (a, b) => Number.isNaN(a) || Number.isNaN(b) || !b ? '-' : (a / b).toFixed(2);
const pad = (s, n) => String(s).padStart(n);
console.log(`\n${Number(rows).toLocaleString('en-US')} rows, Parquet, median of ${reps} runs, seconds (sizes in MB)`);
console.log(`${'step'.padEnd(24)}${pad('wb', 10)}${pad('duckdb', 10)}${pad('wb/duckdb', 11)}`);
const rowsOut = [
  ['write (zstd)', 'write', 3],
  ['read own file', 'read', 3],
  ['scan all columns', 'scan', 3],
  ['read the other\'s file', 'cross', 3],
];
for (const [label, k] of rowsOut) {
  const a = median(wb[k]), b = median(dk[k]);
  console.log(`${label.padEnd(24)}${pad(f(a), 10)}${pad(f(b), 10)}${pad(ratio(a, b), 11)}`);
}
for (const k of ['size_zstd', 'size_snappy']) {
  const a = median(wb[k]) / 1e6, b = median(dk[k]) / 1e6;
  console.log(`${('file ' + k.slice(5)).padEnd(24)}${pad(f(a, 1), 10)}${pad(f(b, 1), 10)}${pad(ratio(a, b), 11)}`);
}
