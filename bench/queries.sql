-- Benchmark queries, one per line as NAME<TAB>SQL, in the dialect wb and
-- DuckDB share. sqlite3 variants live in queries_sqlite.sql.
count_by_type	SELECT event_type, count(*) AS n FROM events GROUP BY event_type
daily_revenue	SELECT CAST(event_time AS DATE) AS day, sum(price) AS revenue FROM events WHERE event_type = 'purchase' GROUP BY day ORDER BY day
top_brands	SELECT brand, sum(price) AS revenue FROM events WHERE event_type = 'purchase' AND brand IS NOT NULL GROUP BY brand ORDER BY revenue DESC LIMIT 10
funnel	SELECT category_code, count(*) FILTER (WHERE event_type = 'view') AS views, count(*) FILTER (WHERE event_type = 'cart') AS carts, count(*) FILTER (WHERE event_type = 'purchase') AS purchases, count(*) FILTER (WHERE event_type = 'purchase') / count(*) FILTER (WHERE event_type = 'view') AS conversion FROM events GROUP BY category_code
user_features	CREATE OR REPLACE TABLE user_features AS SELECT user_id, count(*) AS events, sum(price) AS spend, avg(price) AS avg_price, min(event_time) AS first_seen, max(event_time) AS last_seen FROM events GROUP BY user_id
top_100_price	SELECT * FROM events ORDER BY price DESC LIMIT 100
products_dim	CREATE OR REPLACE TABLE products AS SELECT product_id, max(brand) AS brand, max(category_code) AS category_code, avg(price) AS list_price FROM events GROUP BY product_id
join_products	SELECT p.category_code, count(*) AS events, sum(e.price - p.list_price) AS price_delta FROM events e JOIN products p ON e.product_id = p.product_id WHERE e.event_type = 'purchase' GROUP BY p.category_code
user_window	SELECT count(*) AS events, max(prev_time) AS last_prev, max(views_so_far) AS most_views FROM (SELECT lag(event_time) OVER w AS prev_time, count(*) FILTER (WHERE event_type = 'view') OVER w AS views_so_far FROM events WINDOW w AS (PARTITION BY user_id ORDER BY event_time))
session_dedup	SELECT count(*) AS sessions, max(user_id) AS max_user FROM (SELECT user_session, user_id, row_number() OVER (PARTITION BY user_session ORDER BY event_time) AS rn FROM events) WHERE rn = 1
funnel_cte	WITH viewed AS (SELECT DISTINCT user_session FROM events WHERE event_type = 'view'), carted AS (SELECT DISTINCT user_session FROM events WHERE event_type = 'cart'), bought AS (SELECT DISTINCT user_session FROM events WHERE event_type = 'purchase') SELECT count(*) AS sessions_viewed, count(c.user_session) AS then_carted, count(b.user_session) AS then_bought FROM viewed v LEFT JOIN carted c ON c.user_session = v.user_session LEFT JOIN bought b ON b.user_session = c.user_session
