-- Benchmark queries, one per line as NAME<TAB>SQL, in the dialect wb and
-- DuckDB share. sqlite3 variants live in queries_sqlite.sql.
count_by_type	SELECT event_type, count(*) AS n FROM events GROUP BY event_type
daily_revenue	SELECT CAST(event_time AS DATE) AS day, sum(price) AS revenue FROM events WHERE event_type = 'purchase' GROUP BY day ORDER BY day
top_brands	SELECT brand, sum(price) AS revenue FROM events WHERE event_type = 'purchase' AND brand IS NOT NULL GROUP BY brand ORDER BY revenue DESC LIMIT 10
funnel	SELECT category_code, count(*) FILTER (WHERE event_type = 'view') AS views, count(*) FILTER (WHERE event_type = 'cart') AS carts, count(*) FILTER (WHERE event_type = 'purchase') AS purchases, count(*) FILTER (WHERE event_type = 'purchase') / count(*) FILTER (WHERE event_type = 'view') AS conversion FROM events GROUP BY category_code
user_features	CREATE OR REPLACE TABLE user_features AS SELECT user_id, count(*) AS events, sum(price) AS spend, avg(price) AS avg_price, min(event_time) AS first_seen, max(event_time) AS last_seen FROM events GROUP BY user_id
top_100_price	SELECT * FROM events ORDER BY price DESC LIMIT 100
