-- Cross-sell (the extend stage): the tenant's product catalogue, per-segment
-- product ladders, the products each customer holds, the adoption model
-- learned from those holdings, offers and their outcomes, and the tenant's
-- cross-sell policy. The readiness and ranking rules live in server/domain
-- (cross_sell.h); these tables hold their inputs.

CREATE TABLE products (
  tenant_id    uuid NOT NULL REFERENCES tenants (tenant_id),
  product_id   text NOT NULL CHECK (length(product_id) BETWEEN 1 AND 128),
  display_name text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
  category     text NOT NULL CHECK (length(category) BETWEEN 1 AND 128),
  status       text NOT NULL CHECK (status IN ('ACTIVE', 'RETIRED')),
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, product_id)
);

-- A segment's ladder: which product comes next, after which one (NULL: an
-- entry product), once the customer has reached min_stage. Replaced whole.
CREATE TABLE product_ladder_steps (
  tenant_id        uuid NOT NULL,
  segment_id       text NOT NULL,
  position         integer NOT NULL CHECK (position BETWEEN 0 AND 49),
  product_id       text NOT NULL,
  after_product_id text,
  min_stage        text NOT NULL CHECK (min_stage IN ('RETAINED', 'EXTENDED')),
  PRIMARY KEY (tenant_id, segment_id, position),
  UNIQUE (tenant_id, segment_id, product_id),
  FOREIGN KEY (tenant_id, segment_id) REFERENCES segments (tenant_id, segment_id),
  FOREIGN KEY (tenant_id, product_id) REFERENCES products (tenant_id, product_id),
  FOREIGN KEY (tenant_id, after_product_id) REFERENCES products (tenant_id, product_id),
  CHECK (after_product_id IS DISTINCT FROM product_id)
);

-- What each customer holds. A removed holding keeps its row (removed_at) so
-- share of wallet can be told for any past moment; holding it again
-- reopens the row from that moment.
CREATE TABLE holdings (
  tenant_id   uuid NOT NULL,
  customer_id text NOT NULL,
  product_id  text NOT NULL,
  source      text NOT NULL CHECK (source IN ('PURCHASE', 'MANUAL', 'OFFER')),
  acquired_at timestamptz NOT NULL,
  removed_at  timestamptz,
  PRIMARY KEY (tenant_id, customer_id, product_id),
  FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, customer_id),
  FOREIGN KEY (tenant_id, product_id) REFERENCES products (tenant_id, product_id),
  CHECK (removed_at IS NULL OR removed_at >= acquired_at)
);
-- Take-up per product, and the model's baskets.
CREATE INDEX holdings_held_by_product ON holdings (tenant_id, product_id, customer_id)
  WHERE removed_at IS NULL;

-- The last refresh of the tenant's adoption model.
CREATE TABLE adoption_models (
  tenant_id      uuid PRIMARY KEY REFERENCES tenants (tenant_id),
  customers      bigint NOT NULL,
  rule_count     bigint NOT NULL,
  min_support    float8 NOT NULL,
  min_confidence float8 NOT NULL,
  refreshed_at   timestamptz NOT NULL
);

-- "Customers holding every product of antecedent (1 or 2, sorted) also hold
-- consequent": the counts behind the rule and its support, confidence and
-- lift (server/domain/adoption_rules.h defines them).
CREATE TABLE adoption_rules (
  tenant_id        uuid NOT NULL,
  consequent       text NOT NULL,
  antecedent       text[] NOT NULL CHECK (cardinality(antecedent) BETWEEN 1 AND 2),
  antecedent_count bigint NOT NULL,
  rule_count       bigint NOT NULL,
  consequent_count bigint NOT NULL,
  customers        bigint NOT NULL,
  support          float8 NOT NULL,
  confidence       float8 NOT NULL,
  lift             float8 NOT NULL,
  PRIMARY KEY (tenant_id, consequent, antecedent)
);

-- Share of each segment's customers ('' for those without one) holding
-- each product, as of the last refresh: readiness evidence that costs one
-- lookup to read.
CREATE TABLE segment_take_up (
  tenant_id  uuid NOT NULL,
  segment_id text NOT NULL,
  product_id text NOT NULL,
  holders    bigint NOT NULL,
  customers  bigint NOT NULL,
  rate       float8 NOT NULL CHECK (rate BETWEEN 0 AND 1),
  PRIMARY KEY (tenant_id, segment_id, product_id)
);

CREATE TABLE cross_sell_offers (
  tenant_id   uuid NOT NULL,
  offer_id    bigint GENERATED ALWAYS AS IDENTITY,
  customer_id text NOT NULL,
  product_id  text NOT NULL,
  channel     text NOT NULL CHECK (channel IN ('EMAIL', 'SMS', 'PUSH', 'IN_APP', 'PHONE',
                                               'IN_PERSON', 'CHAT', 'VIDEO', 'POST', 'SOCIAL')),
  -- The customer's segment when the offer was made (metrics per segment).
  segment_id  text,
  status      text NOT NULL DEFAULT 'OPEN'
                CHECK (status IN ('OPEN', 'ACCEPTED', 'DECLINED', 'EXPIRED')),
  revenue     float8 NOT NULL DEFAULT 0 CHECK (revenue >= 0),
  created_by  text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  resolved_at timestamptz,
  PRIMARY KEY (tenant_id, offer_id),
  FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, customer_id),
  FOREIGN KEY (tenant_id, product_id) REFERENCES products (tenant_id, product_id),
  CHECK ((status = 'OPEN') = (resolved_at IS NULL)),
  CHECK (status = 'ACCEPTED' OR revenue = 0)
);
-- At most one open offer per customer.
CREATE UNIQUE INDEX cross_sell_offers_one_open ON cross_sell_offers (tenant_id, customer_id)
  WHERE status = 'OPEN';
CREATE INDEX cross_sell_offers_by_customer ON cross_sell_offers (tenant_id, customer_id, offer_id);
CREATE INDEX cross_sell_offers_by_time ON cross_sell_offers (tenant_id, created_at);

-- One row per tenant that changed the defaults (server/domain/cross_sell.h).
CREATE TABLE cross_sell_policies (
  tenant_id             uuid PRIMARY KEY REFERENCES tenants (tenant_id),
  min_repeat_purchases  integer NOT NULL CHECK (min_repeat_purchases BETWEEN 0 AND 1000),
  repeat_window_seconds bigint NOT NULL CHECK (repeat_window_seconds > 0),
  cool_down_seconds     bigint NOT NULL CHECK (cool_down_seconds >= 0),
  min_support           float8 NOT NULL CHECK (min_support > 0 AND min_support <= 1),
  min_confidence        float8 NOT NULL CHECK (min_confidence >= 0 AND min_confidence <= 1),
  version               bigint NOT NULL,
  updated_at            timestamptz NOT NULL DEFAULT now()
);

-- customer_facts with products_held filled in from holdings (same columns,
-- order and types as 0005).
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
       coalesce((SELECT array_agg(p.product_id ORDER BY p.product_id)
                   FROM holdings p
                  WHERE p.tenant_id = c.tenant_id AND p.customer_id = c.customer_id
                    AND p.removed_at IS NULL),
                '{}'::text[])      AS products_held
  FROM customers c
  LEFT JOIN retention_health h ON h.tenant_id = c.tenant_id AND h.customer_id = c.customer_id;
