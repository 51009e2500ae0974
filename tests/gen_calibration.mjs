// gen_calibration.mjs: check a `wb generate ecommerce` file against the
// October 2019 statistics, with DuckDB. Prints TAP (and the numbers as
// diagnostics).
//
//   node tests/gen_calibration.mjs FILE.csv [--report]
//
// --report prints the measured table only (no TAP), for the record.
//
// Funnel definitions (see src/gen/ecommerce.c):
//   user view->cart     = users with a cart / users with a view
//   user cart->purchase = users with a cart and a purchase / users with a cart
//   session view->cart and cart->purchase: the same over user_session.
import { DuckDBInstance } from '@duckdb/node-api';

const file = process.argv[2];
const report = process.argv.includes('--report');
if (!file) {
  console.error('usage: node gen_calibration.mjs FILE.csv [--report]');
  process.exit(2);
}

const inst = await DuckDBInstance.create(':memory:');
const con = await inst.connect();
const q = async (sql) => (await con.runAndReadAll(sql)).getRowObjects();
const num = (v) => (typeof v === 'bigint' ? Number(v) : v === null ? null : Number(v));

const path = file.replace(/'/g, "''");
await con.run(`
  CREATE TABLE e AS SELECT * FROM read_csv('${path}', header = true, delim = ',', quote = '"',
    columns = {'event_time': 'VARCHAR', 'event_type': 'VARCHAR', 'product_id': 'BIGINT',
               'category_id': 'BIGINT', 'category_code': 'VARCHAR', 'brand': 'VARCHAR',
               'price': 'DECIMAL(10,2)', 'user_id': 'BIGINT', 'user_session': 'VARCHAR'})`);

const s = {};
const [base] = await q(`
  SELECT count(*) AS rows,
         avg((event_type = 'view')::INT) AS view, avg((event_type = 'cart')::INT) AS cart,
         avg((event_type = 'purchase')::INT) AS purchase,
         avg((brand IS NULL)::INT) AS nobrand, avg((category_code IS NULL)::INT) AS nocode,
         sum((category_code = 'electronics.smartphone')::INT) / count(*) AS smartphone_all,
         sum((category_code = 'electronics.smartphone')::INT) / count(category_code) AS smartphone_coded,
         count(DISTINCT user_id) AS users, count(DISTINCT product_id) AS products,
         count(DISTINCT brand) AS brands, count(DISTINCT category_id) AS category_ids,
         count(DISTINCT category_code) AS codes, count(DISTINCT user_session) AS sessions,
         min(event_time) AS first, max(event_time) AS last
  FROM e`);
for (const k in base) s[k] = typeof base[k] === 'string' ? base[k] : num(base[k]);

const [dup] = await q(`SELECT (SELECT count(*) FROM e) - (SELECT count(*) FROM (SELECT DISTINCT * FROM e)) AS d`);
s.dup_rows = num(dup.d);
s.dup_share = s.dup_rows / s.rows;
const [burst] = await q(`SELECT max(c) AS m FROM (SELECT *, count(*) AS c FROM e GROUP BY ALL)`);
s.max_copies = num(burst.m);

const brands = await q(`SELECT brand, count(*) AS n FROM e WHERE brand IS NOT NULL
  GROUP BY brand ORDER BY n DESC, brand LIMIT 10`);
s.top_brands = brands.map((r) => r.brand);
s.top_brand_shares = brands.map((r) => num(r.n) / s.rows);

const [pp] = await q(`SELECT quantile_cont(price, 0.25) AS q1, quantile_cont(price, 0.5) AS med,
  quantile_cont(price, 0.75) AS q3, max(price) AS max, min(price) AS min,
  sum((price = 0)::INT) AS zero FROM e WHERE event_type = 'purchase'`);
for (const k in pp) s['purchase_' + k] = num(pp[k]);
const [vp] = await q(`SELECT quantile_cont(price, 0.25) AS q1, quantile_cont(price, 0.5) AS med,
  quantile_cont(price, 0.75) AS q3, avg(price) AS mean, max(price) AS max FROM e WHERE event_type = 'view'`);
s.view_price_q1 = num(vp.q1);
s.view_price_median = num(vp.med);
s.view_price_q3 = num(vp.q3);
s.view_price_mean = num(vp.mean);
s.max_price = num(vp.max);

const [ss] = await q(`SELECT avg(n) AS mean, median(n) AS med, max(n) AS max,
  avg((n = 1)::INT) AS single FROM (SELECT count(*) AS n FROM e GROUP BY user_session)`);
s.session_mean = num(ss.mean);
s.session_median = num(ss.med);
s.session_max = num(ss.max);
s.session_single = num(ss.single);

for (const [unit, col] of [['session', 'user_session'], ['user', 'user_id']]) {
  const [f] = await q(`SELECT sum(v::INT) AS v, sum((v AND c)::INT) AS vc, sum(c::INT) AS c,
      sum((c AND p)::INT) AS cp, sum(p::INT) AS p
    FROM (SELECT bool_or(event_type = 'view') AS v, bool_or(event_type = 'cart') AS c,
                 bool_or(event_type = 'purchase') AS p FROM e GROUP BY ${col})`);
  s[unit + '_view_to_cart'] = num(f.vc) / num(f.v);
  s[unit + '_cart_to_purchase'] = num(f.cp) / num(f.c);
  s[unit + '_purchasers'] = num(f.p);
}
const [spu] = await q(`SELECT avg(n) AS mean, median(n) AS med, max(n) AS max,
  avg((n = 1)::INT) AS one FROM (SELECT count(DISTINCT user_session) AS n FROM e GROUP BY user_id)`);
s.sessions_per_user_mean = num(spu.mean);
s.sessions_per_user_one = num(spu.one);
s.sessions_per_user_max = num(spu.max);

// integrity
const [integ] = await q(`SELECT
  (SELECT count(*) FROM (SELECT category_id FROM e GROUP BY 1 HAVING count(DISTINCT coalesce(category_code, '')) > 1)) AS id_codes,
  (SELECT count(*) FROM (SELECT product_id FROM e GROUP BY 1
     HAVING count(DISTINCT category_id) > 1 OR count(DISTINCT coalesce(brand, '')) > 1)) AS prod_attrs,
  (SELECT count(*) FROM e WHERE category_code IS NOT NULL
     AND (len(category_code) - len(replace(category_code, '.', '')) NOT BETWEEN 1 AND 3)) AS bad_depth,
  (SELECT count(*) FROM e x WHERE event_type <> 'view' AND NOT EXISTS (
     SELECT 1 FROM e v WHERE v.event_type = 'view' AND v.user_session = x.user_session
       AND v.product_id = x.product_id AND v.event_time <= x.event_time)) AS orphans`);
for (const k in integ) s[k] = num(integ[k]);

const hours = await q(`SELECT substr(event_time, 12, 2)::INT AS h, count(*) AS n FROM e GROUP BY 1 ORDER BY 1`);
s.hour_share = hours.map((r) => +(num(r.n) / s.rows * 100).toFixed(2));

if (report) {
  console.log(JSON.stringify(s, null, 1));
  process.exit(0);
}

let n = 0, failed = 0;
const ok = (cond, name, got) => {
  n++;
  if (!cond) failed++;
  console.log(`${cond ? '' : 'not '}ok ${n} - ${name}${got !== undefined ? ` (got ${got})` : ''}`);
};
const near = (v, want, tol) => Math.abs(v - want) <= tol;
const pct = (v) => (v * 100).toFixed(3) + '%';

ok(near(s.view, 0.9607, 0.004), 'view share 96.07% +- 0.4', pct(s.view));
ok(near(s.cart, 0.0218, 0.0025), 'cart share 2.18% +- 0.25', pct(s.cart));
ok(near(s.purchase, 0.0175, 0.002), 'purchase share 1.75% +- 0.2', pct(s.purchase));
ok(near(s.nobrand, 0.14, 0.02), 'empty brand ~14%', pct(s.nobrand));
ok(near(s.nocode, 0.33, 0.02), 'empty category_code ~33%', pct(s.nocode));
ok(s.top_brands.slice(0, 4).join(',') === 'samsung,apple,xiaomi,huawei',
  'top brands samsung > apple > xiaomi > huawei', s.top_brands.join(','));
ok(near(s.smartphone_all, 0.27, 0.02), 'electronics.smartphone ~27% of rows', pct(s.smartphone_all));
ok(near(s.purchase_med, 175, 20), 'purchase price median ~175', s.purchase_med);
ok(near(s.purchase_q1, 84, 15), 'purchase price Q1 ~84', s.purchase_q1);
ok(near(s.purchase_q3, 375, 45), 'purchase price Q3 ~375', s.purchase_q3);
ok(s.purchase_max === 2574.07, 'purchase price max 2574.07', s.purchase_max);
ok(s.max_price === 2574.07, 'price max 2574.07', s.max_price);
ok(s.purchase_zero > 0, 'some purchases at 0.00', s.purchase_zero);
ok(s.session_mean >= 4.3 && s.session_mean <= 5.3, 'mean session ~5 events', s.session_mean.toFixed(2));
ok(s.session_median === 2, 'median session 2 events', s.session_median);
ok(near(s.user_view_to_cart, 0.13, 0.02), 'user view->cart ~0.13', s.user_view_to_cart.toFixed(3));
ok(near(s.user_cart_to_purchase, 0.44, 0.05), 'user cart->purchase ~0.44', s.user_cart_to_purchase.toFixed(3));
ok(s.dup_share >= 0.003 && s.dup_share <= 0.01, 'duplicate rows 0.3-1%', pct(s.dup_share));
ok(s.max_copies >= 5, 'some cart events logged many times', s.max_copies);
ok(near(s.users / s.rows, 0.0712, 0.012), 'users ~7.1% of rows (3.02 M / 42.4 M)', s.users);
// catalog size grows sublinearly with rows: ~140 k products and ~3.4 k
// brands (~300 well-known ones and a long tail) at the real file's 42.4 M rows
const scale = s.rows / 42448764;
const wantProducts = 140000 * scale ** 0.55, wantBrands = 300 + 3150 * scale ** 0.5;
ok(s.products > 0.7 * wantProducts && s.products < 1.4 * wantProducts,
  `products ~${Math.round(wantProducts)} at this size`, s.products);
ok(s.brands > 0.7 * wantBrands && s.brands < 1.5 * wantBrands,
  `brands ~${Math.round(wantBrands)} at this size`, s.brands);
ok(s.id_codes === 0, 'a category_id has one category_code', s.id_codes);
ok(s.prod_attrs === 0, 'a product has one category_id and brand', s.prod_attrs);
ok(s.bad_depth === 0, 'category_code has 2-4 levels', s.bad_depth);
ok(s.orphans === 0, 'every cart/purchase follows a view of it in its session', s.orphans);
console.log(`# ${JSON.stringify(s)}`);
console.log(`1..${n}`);
process.exit(failed ? 1 : 0);
