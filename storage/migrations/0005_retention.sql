-- Retention: signals, per-customer health, daily health snapshots and the
-- tenant's retention policy. The scoring math lives in server/domain
-- (health_score.h); these tables only store its inputs and results.

-- One row per tenant that changed the defaults (no row: built-in defaults).
CREATE TABLE retention_policies (
  tenant_id             uuid PRIMARY KEY REFERENCES tenants (tenant_id),
  weights               float8[] NOT NULL CHECK (cardinality(weights) = 11),
  half_life_seconds     bigint NOT NULL CHECK (half_life_seconds > 0),
  negative_multiplier   float8 NOT NULL CHECK (negative_multiplier >= 1),
  recency_weight        float8 NOT NULL,
  monetary_weight       float8 NOT NULL,
  healthy_min           float8 NOT NULL,
  neutral_min           float8 NOT NULL,
  at_risk_min           float8 NOT NULL,
  lapse_after_seconds   bigint NOT NULL CHECK (lapse_after_seconds > 0),
  segment_lapse_ids     text[] NOT NULL DEFAULT '{}',
  segment_lapse_seconds bigint[] NOT NULL DEFAULT '{}',
  version               bigint NOT NULL,
  updated_at            timestamptz NOT NULL DEFAULT now(),
  CHECK (100 >= healthy_min AND healthy_min > neutral_min AND neutral_min > at_risk_min
         AND at_risk_min > 0),
  CHECK (cardinality(segment_lapse_ids) = cardinality(segment_lapse_seconds))
);

-- Every signal once: the producer's event_id is the key, so a retried signal
-- is ignored. `value` and `detail` mean, by kind, what server/domain/signal.h
-- says; `impact` is the points the signal was worth when it arrived (under
-- the policy of that moment), kept to explain the score.
-- No foreign key to customers: ingest checks the customer exists under its
-- row lock in the same transaction (customers are never deleted), and a
-- per-row FK trigger would cost a third of the batch insert.
CREATE TABLE signals (
  tenant_id   uuid NOT NULL,
  event_id    text NOT NULL CHECK (length(event_id) BETWEEN 1 AND 128),
  customer_id text NOT NULL,
  kind        text NOT NULL CHECK (kind IN ('PURCHASE', 'ACTIVITY', 'SUPPORT_TICKET', 'COMPLAINT',
                                            'NPS', 'CSAT', 'CES', 'REVIEW', 'REFUND',
                                            'PAYMENT_FAILED', 'CUSTOM')),
  occurred_at timestamptz NOT NULL,
  value       float8 NOT NULL DEFAULT 0,
  detail      text NOT NULL DEFAULT '',
  impact      float8 NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, event_id)
);
-- A customer's latest signals (GetHealth drivers).
CREATE INDEX signals_by_customer ON signals (tenant_id, customer_id, occurred_at DESC);
-- Metrics by period. Signals arrive roughly in time order, so a BRIN index
-- narrows a period scan for a fraction of a B-tree's upkeep on ingest.
CREATE INDEX signals_by_time ON signals USING brin (occurred_at);

-- The health of one customer: the score's inputs decayed to ref_time
-- (contributions and counts indexed by signal kind number - 1), and the score
-- and band as last computed (at scored_at; the sweep keeps them current).
CREATE TABLE retention_health (
  tenant_id        uuid NOT NULL,
  customer_id      text NOT NULL,
  ref_time         timestamptz NOT NULL,
  contributions    float8[] NOT NULL CHECK (cardinality(contributions) = 11),
  spend            float8 NOT NULL DEFAULT 0,
  counts           bigint[] NOT NULL CHECK (cardinality(counts) = 11),
  last_purchase_at timestamptz,
  last_activity_at timestamptz,
  -- First purchase or activity while LAPSED (a reacquaintance opportunity).
  reacquaint_at    timestamptz,
  score            float8 NOT NULL CHECK (score BETWEEN 0 AND 100),
  band             text NOT NULL CHECK (band IN ('HEALTHY', 'NEUTRAL', 'AT_RISK', 'CRITICAL')),
  scored_at        timestamptz NOT NULL,
  state_updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, customer_id),
  FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, customer_id)
);
-- At-risk lists, worst first.
CREATE INDEX retention_health_by_score ON retention_health (tenant_id, score, customer_id);

-- The state as it stood at the end of each day on which it changed: written
-- (copy on write) by the first change of a later day. The state on any date
-- is the latest snapshot on or before it, decayed to that date.
CREATE TABLE retention_health_days (
  tenant_id        uuid NOT NULL,
  customer_id      text NOT NULL,
  day              date NOT NULL,
  ref_time         timestamptz NOT NULL,
  contributions    float8[] NOT NULL,
  spend            float8 NOT NULL,
  counts           bigint[] NOT NULL,
  last_purchase_at timestamptz,
  last_activity_at timestamptz,
  PRIMARY KEY (tenant_id, customer_id, day)
);

-- customer_facts with the retention facts filled in (same columns, order and
-- types as 0003). signal_counts lists the kinds the customer has signals of
-- ({"PURCHASE": 3}); a kind that is absent has none.
CREATE OR REPLACE VIEW customer_facts AS
SELECT c.tenant_id,
       c.customer_id,
       c.attributes,
       c.stage,
       c.segment_id,
       c.created_at,
       h.score::double precision AS health_score,
       h.band                    AS health_band,
       h.last_purchase_at,
       h.last_activity_at,
       coalesce((SELECT jsonb_object_agg(k.name, h.counts[k.n::int])
                   FROM unnest(ARRAY['PURCHASE', 'ACTIVITY', 'SUPPORT_TICKET', 'COMPLAINT', 'NPS',
                                     'CSAT', 'CES', 'REVIEW', 'REFUND', 'PAYMENT_FAILED',
                                     'CUSTOM']) WITH ORDINALITY AS k(name, n)
                  WHERE h.counts[k.n::int] > 0),
                '{}'::jsonb)       AS signal_counts,
       '{}'::text[]              AS products_held
  FROM customers c
  LEFT JOIN retention_health h ON h.tenant_id = c.tenant_id AND h.customer_id = c.customer_id;
