-- customer_facts: one row per customer with everything segment rules (and
-- readiness checks) may look at, beyond the customer's own columns. It is the
-- single source both the domain evaluator (one customer) and the compiled
-- segment SQL (bulk) read, so the two cannot disagree about a fact.
--
-- Features that own a fact replace this view (CREATE OR REPLACE VIEW keeps
-- these columns, in this order, with these types):
--   retention  -> health_score, health_band, last_purchase_at,
--                 last_activity_at, signal_counts
--   cross-sell -> products_held
-- Until then a fact is NULL (unknown), or empty for the counts and holdings.
CREATE VIEW customer_facts AS
SELECT c.tenant_id,
       c.customer_id,
       c.attributes,
       c.stage,
       c.segment_id,
       c.created_at,
       NULL::double precision AS health_score,      -- 0..100
       NULL::text             AS health_band,       -- HEALTHY, NEUTRAL, AT_RISK, CRITICAL
       NULL::timestamptz      AS last_purchase_at,
       NULL::timestamptz      AS last_activity_at,
       '{}'::jsonb            AS signal_counts,     -- {"PURCHASE": 3, ...}, all time
       '{}'::text[]           AS products_held      -- product ids
  FROM customers c;
