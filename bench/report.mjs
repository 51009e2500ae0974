// Print the benchmark table for one size from bench/out/<engine>_<rows>.times
// ("name<TAB>seconds" lines) and <engine>_<rows>.err (/usr/bin/time -v).
import fs from 'node:fs';

const [dir, rows, reps] = process.argv.slice(2);
const engines = ['wb', 'duckdb', 'sqlite3'];
const times = {}, rss = {};
for (const e of engines) {
  const f = `${dir}/${e}_${rows}.times`;
  if (!fs.existsSync(f)) continue;
  times[e] = {};
  for (const line of fs.readFileSync(f, 'utf8').split('\n')) {
    const [name, sec] = line.split('\t');
    if (!name || sec === undefined || sec === '') continue;
    (times[e][name] ||= []).push(Number(sec));
  }
  const err = fs.readFileSync(`${dir}/${e}_${rows}.err`, 'utf8');
  const m = err.match(/Maximum resident set size \(kbytes\): (\d+)/);
  if (m) rss[e] = Math.round(Number(m[1]) / 1024);
}
const median = a => { if (!a || !a.length) return NaN; const s = [...a].sort((x, y) => x - y); const k = s.length >> 1; return s.length % 2 ? s[k] : (s[k - 1] + s[k]) / 2; };
const names = Object.keys(times.wb || {});
const fmt = x => Number.isNaN(x) ? '-' : x.toFixed(3);
const ratio = (a, b) => Number.isNaN(a) || Number.isNaN(b) || b === 0 ? '-' : (a / b).toFixed(2);
const pad = (s, n) => String(s).padStart(n);
console.log(`\n${Number(rows).toLocaleString('en-US')} rows, median of ${reps} runs (load: 1 run), seconds`);
console.log(`${'query'.padEnd(15)}${pad('wb', 9)}${pad('duckdb', 9)}${pad('sqlite3', 9)}${pad('wb/duckdb', 11)}${pad('sqlite3/wb', 12)}`);
for (const n of names) {
  const w = median(times.wb[n]), d = median(times.duckdb?.[n]), s = median(times.sqlite3?.[n]);
  console.log(`${n.padEnd(15)}${pad(fmt(w), 9)}${pad(fmt(d), 9)}${pad(fmt(s), 9)}${pad(ratio(w, d), 11)}${pad(ratio(s, w), 12)}`);
}
console.log(`peak RSS MB    ${pad(rss.wb ?? '-', 9)}${pad(rss.duckdb ?? '-', 9)}${pad(rss.sqlite3 ?? '-', 9)}`);
