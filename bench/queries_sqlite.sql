count_by_type	SELECT event_type, count(*) AS n FROM events GROUP BY event_type
daily_revenue	SELECT substr(event_time, 1, 10) AS day, sum(price) AS revenue FROM events WHERE event_type = 'purchase' GROUP BY day ORDER BY day
top_brands	SELECT brand, sum(price) AS revenue FROM events WHERE event_type = 'purchase' AND brand IS NOT NULL GROUP BY brand ORDER BY revenue DESC LIMIT 10
funnel	SELECT category_code, sum(event_type = 'view') AS views, sum(event_type = 'cart') AS carts, sum(event_type = 'purchase') AS purchases, 1.0 * sum(event_type = 'purchase') / sum(event_type = 'view') AS conversion FROM events GROUP BY category_code
user_features	CREATE TABLE user_features AS SELECT user_id, count(*) AS events, sum(price) AS spend, avg(price) AS avg_price, min(event_time) AS first_seen, max(event_time) AS last_seen FROM events GROUP BY user_id
top_100_price	SELECT * FROM events ORDER BY price DESC LIMIT 100
