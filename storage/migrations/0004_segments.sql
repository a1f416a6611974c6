-- Segmentation: versioned segments, the tenant's strategy, and re-segmentation
-- jobs that can resume after a restart.

CREATE TABLE segmentation_settings (
  tenant_id  uuid PRIMARY KEY REFERENCES tenants (tenant_id),
  strategy   text NOT NULL CHECK (strategy IN ('CONCENTRATED', 'DIFFERENTIATED', 'HYPER')),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- One row per segment: identity, lifecycle and a pointer to the current
-- version. Membership (customers.segment_id) refers to these ids.
CREATE TABLE segments (
  tenant_id       uuid NOT NULL REFERENCES tenants (tenant_id),
  segment_id      text NOT NULL CHECK (length(segment_id) BETWEEN 1 AND 128),
  current_version bigint NOT NULL,
  state           text NOT NULL DEFAULT 'ACTIVE' CHECK (state IN ('ACTIVE', 'RETIRED')),
  is_default      boolean NOT NULL DEFAULT false,
  created_at      timestamptz NOT NULL DEFAULT now(),
  retired_at      timestamptz,
  PRIMARY KEY (tenant_id, segment_id)
);
-- At most one active catch-all segment per tenant.
CREATE UNIQUE INDEX segments_one_active_default
  ON segments (tenant_id) WHERE is_default AND state = 'ACTIVE';

-- Every version of every segment, immutable once written: history stays
-- readable, and log rows and jobs can name the exact rule they applied.
CREATE TABLE segment_versions (
  tenant_id    uuid NOT NULL,
  segment_id   text NOT NULL,
  version      bigint NOT NULL CHECK (version >= 1),
  display_name text NOT NULL,
  description  text NOT NULL DEFAULT '',
  basis        text NOT NULL CHECK (basis IN ('DEMOGRAPHIC', 'GEOGRAPHIC', 'PSYCHOGRAPHIC',
                                              'TECHNOGRAPHIC', 'BEHAVIOURAL', 'NEEDS_BASED',
                                              'VALUE_BASED')),
  story        text NOT NULL DEFAULT '',
  goal         text NOT NULL DEFAULT '',
  priority     integer NOT NULL,
  rule         jsonb,  -- server/domain/segment_rule_json.h; NULL for the default segment
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, segment_id, version),
  FOREIGN KEY (tenant_id, segment_id) REFERENCES segments (tenant_id, segment_id)
);

-- Membership changes are log rows too: which segment the customer left and
-- the version of the rule that placed them.
ALTER TABLE stage_transitions
  ADD COLUMN previous_segment_id text,
  ADD COLUMN segment_version bigint;

-- A re-segmentation job. Batches advance `cursor` (the last customer_id done)
-- in the same transaction as their writes, so a job interrupted by a restart
-- resumes where it stopped and never applies a batch twice.
CREATE TABLE resegment_jobs (
  tenant_id        uuid NOT NULL REFERENCES tenants (tenant_id),
  job_id           text NOT NULL,
  state            text NOT NULL DEFAULT 'RUNNING'
                   CHECK (state IN ('RUNNING', 'SUCCEEDED', 'FAILED')),
  segment_versions jsonb NOT NULL,  -- [{"segment_id": "...", "version": 3}, ...]
  filter_rule      jsonb,           -- only customers matching this rule
  filter_segments  text[],          -- only customers in these segments ('' = none)
  cursor           text NOT NULL DEFAULT '',
  total            bigint NOT NULL DEFAULT 0,
  processed        bigint NOT NULL DEFAULT 0,
  changed          bigint NOT NULL DEFAULT 0,
  error            text NOT NULL DEFAULT '',
  created_at       timestamptz NOT NULL DEFAULT now(),
  finished_at      timestamptz,
  PRIMARY KEY (tenant_id, job_id)
);
CREATE INDEX resegment_jobs_running ON resegment_jobs (created_at) WHERE state = 'RUNNING';

-- The before -> after matrix of a job, one row per (from, to) pair seen.
CREATE TABLE resegment_job_moves (
  tenant_id       uuid NOT NULL,
  job_id          text NOT NULL,
  from_segment_id text NOT NULL,  -- '' for none
  to_segment_id   text NOT NULL,
  customers       bigint NOT NULL,
  PRIMARY KEY (tenant_id, job_id, from_segment_id, to_segment_id),
  FOREIGN KEY (tenant_id, job_id) REFERENCES resegment_jobs (tenant_id, job_id)
);
