-- The lifecycle log: one row per stage transition, append-only. It is the
-- history, the audit trail, the source of the event stream and of reports.

-- Per-tenant gapless sequence. A transition takes the next number as its
-- last statement, holding this row lock until commit, so within a tenant
-- sequence order is commit order: a watcher that has seen N has seen
-- everything before N.
CREATE TABLE tenant_sequences (
  tenant_id     uuid PRIMARY KEY REFERENCES tenants (tenant_id),
  last_sequence bigint NOT NULL
);

CREATE TABLE stage_transitions (
  tenant_id       uuid NOT NULL,
  sequence        bigint NOT NULL,
  customer_id     text NOT NULL,
  from_stage      text NOT NULL,
  to_stage        text NOT NULL,
  trigger         text NOT NULL CHECK (trigger IN ('MANUAL', 'SIGNAL', 'CHECKLIST_COMPLETED',
                                                   'OFFER_ACCEPTED', 'LAPSE_SWEEP', 'SEGMENTATION')),
  actor           text NOT NULL,
  reason          text NOT NULL DEFAULT '',
  override_reason text NOT NULL DEFAULT '',
  request_id      text,
  segment_id      text,
  from_entered_at timestamptz NOT NULL,
  occurred_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, sequence),
  FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, customer_id)
);
-- History and as-of lookups per customer, newest first.
CREATE INDEX stage_transitions_by_customer
  ON stage_transitions (tenant_id, customer_id, sequence DESC);
