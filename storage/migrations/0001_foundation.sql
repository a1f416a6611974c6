-- Tenants, their API keys, customers and idempotency records.
-- Every key starts with tenant_id so the schema can be distributed by
-- tenant (Citus) and no lookup crosses tenants by accident.

CREATE TABLE tenants (
  tenant_id  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE api_keys (
  tenant_id    uuid NOT NULL REFERENCES tenants (tenant_id),
  key_id       text NOT NULL,
  display_name text NOT NULL,
  role         text NOT NULL CHECK (role IN ('admin', 'service', 'support', 'readonly')),
  secret_hash  bytea NOT NULL CHECK (length(secret_hash) = 32),
  created_at   timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz,
  revoked_at   timestamptz,
  PRIMARY KEY (tenant_id, key_id)
);
-- Authentication starts from the key id alone (the tenant is not known yet).
-- Key ids are 64-bit random, so this index is unique in practice; it is not
-- declared unique because a distributed unique key must include tenant_id.
CREATE INDEX api_keys_by_key_id ON api_keys (key_id);

CREATE TABLE customers (
  tenant_id        uuid NOT NULL REFERENCES tenants (tenant_id),
  customer_id      text NOT NULL CHECK (length(customer_id) BETWEEN 1 AND 128),
  attributes       jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(attributes) = 'object'),
  stage            text NOT NULL DEFAULT 'NEW'
                   CHECK (stage IN ('NEW', 'SEGMENTED', 'ONBOARDING', 'RETAINED', 'EXTENDED', 'LAPSED')),
  segment_id       text,
  version          bigint NOT NULL DEFAULT 1,
  stage_entered_at timestamptz NOT NULL DEFAULT now(),
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, customer_id)
);
CREATE INDEX customers_by_stage ON customers (tenant_id, stage, customer_id);
CREATE INDEX customers_by_segment ON customers (tenant_id, segment_id, customer_id);

-- One row per mutation request id: a retry replays `response` instead of
-- acting twice; a different request under the same id is refused.
CREATE TABLE idempotency_keys (
  tenant_id    uuid NOT NULL REFERENCES tenants (tenant_id),
  request_id   text NOT NULL,
  method       text NOT NULL,
  request_hash bytea NOT NULL,
  response     bytea,
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, request_id)
);
CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);
