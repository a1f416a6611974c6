-- Onboarding: versioned checklist templates per segment, the checklist each
-- customer works through while ONBOARDING, and support follow-ups.

-- One template per segment, pointing at its current version (versioned the
-- way segments are: rows in the version tables are never changed).
CREATE TABLE checklist_templates (
  tenant_id       uuid NOT NULL,
  segment_id      text NOT NULL,
  current_version bigint NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, segment_id),
  FOREIGN KEY (tenant_id, segment_id) REFERENCES segments (tenant_id, segment_id)
);

CREATE TABLE checklist_template_versions (
  tenant_id    uuid NOT NULL,
  segment_id   text NOT NULL,
  version      bigint NOT NULL CHECK (version >= 1),
  display_name text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, segment_id, version),
  FOREIGN KEY (tenant_id, segment_id) REFERENCES checklist_templates (tenant_id, segment_id)
);

CREATE TABLE checklist_template_steps (
  tenant_id  uuid NOT NULL,
  segment_id text NOT NULL,
  version    bigint NOT NULL,
  position   integer NOT NULL CHECK (position BETWEEN 0 AND 49),
  step_id    text NOT NULL CHECK (length(step_id) BETWEEN 1 AND 128),
  kind       text NOT NULL CHECK (kind IN ('ACKNOWLEDGE', 'EDUCATE', 'OFFER_SUPPORT', 'SHARE_NEWS',
                                           'REWARD_REPEAT_PURCHASE', 'ACTIVATION_CHECK', 'CUSTOM')),
  title      text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  channel    text NOT NULL CHECK (channel IN ('EMAIL', 'SMS', 'PUSH', 'IN_APP', 'PHONE',
                                              'IN_PERSON', 'CHAT', 'VIDEO', 'POST', 'SOCIAL')),
  due_offset_seconds bigint NOT NULL CHECK (due_offset_seconds BETWEEN 0 AND 31536000),
  required   boolean NOT NULL,
  PRIMARY KEY (tenant_id, segment_id, version, position),
  UNIQUE (tenant_id, segment_id, version, step_id),
  FOREIGN KEY (tenant_id, segment_id, version)
    REFERENCES checklist_template_versions (tenant_id, segment_id, version)
);

-- One checklist per stay in ONBOARDING, written by the transition that
-- enters the stage and closed by the one that leaves it (both in
-- storage/lifecycle_store.cc, WriteMove). segment_id is the customer's
-- segment at the start (NULL: none); template_version is NULL when that
-- segment had no template (an empty checklist).
CREATE TABLE onboarding_checklists (
  tenant_id         uuid NOT NULL,
  customer_id       text NOT NULL,
  onboarding_number bigint NOT NULL CHECK (onboarding_number >= 1),
  segment_id        text,
  template_version  bigint,
  started_at        timestamptz NOT NULL,
  closed_at         timestamptz,
  close_stage       text CHECK (close_stage IN ('NEW', 'SEGMENTED', 'RETAINED', 'EXTENDED',
                                                'LAPSED')),
  PRIMARY KEY (tenant_id, customer_id, onboarding_number),
  FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, customer_id),
  -- MATCH SIMPLE: not checked while template_version is NULL.
  FOREIGN KEY (tenant_id, segment_id, template_version)
    REFERENCES checklist_template_versions (tenant_id, segment_id, version),
  CHECK (template_version IS NULL OR segment_id IS NOT NULL),
  CHECK ((closed_at IS NULL) = (close_stage IS NULL))
);
-- Metrics pick the cohort that started in a period.
CREATE INDEX onboarding_checklists_by_start ON onboarding_checklists (tenant_id, started_at);

-- The template's steps, copied when the checklist is made (the template
-- version is immutable, so the copy never disagrees with it) so that the
-- work queue is one index scan, with due_at fixed at start + offset.
CREATE TABLE onboarding_steps (
  tenant_id         uuid NOT NULL,
  customer_id       text NOT NULL,
  onboarding_number bigint NOT NULL,
  position          integer NOT NULL,
  step_id           text NOT NULL,
  kind              text NOT NULL,
  title             text NOT NULL,
  channel           text NOT NULL,
  due_offset_seconds bigint NOT NULL,
  required          boolean NOT NULL,
  due_at            timestamptz NOT NULL,
  status            text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'DONE', 'SKIPPED')),
  resolved_at       timestamptz,
  resolved_by       text NOT NULL DEFAULT '',
  note              text NOT NULL DEFAULT '' CHECK (length(note) <= 2000),
  skip_reason       text NOT NULL DEFAULT '' CHECK (length(skip_reason) <= 1000),
  override_reason   text NOT NULL DEFAULT '' CHECK (length(override_reason) <= 1000),
  PRIMARY KEY (tenant_id, customer_id, onboarding_number, position),
  UNIQUE (tenant_id, customer_id, onboarding_number, step_id),
  FOREIGN KEY (tenant_id, customer_id, onboarding_number)
    REFERENCES onboarding_checklists (tenant_id, customer_id, onboarding_number),
  CHECK ((status = 'PENDING') = (resolved_at IS NULL))
);
-- The work queue: pending steps, oldest due first.
CREATE INDEX onboarding_steps_pending_by_due
  ON onboarding_steps (tenant_id, due_at, customer_id, position) WHERE status = 'PENDING';

-- Support conversations. onboarding_number is the checklist the customer had
-- when it was logged (NULL: never onboarded), which is how metrics tie
-- answers to a cohort.
CREATE TABLE onboarding_follow_ups (
  tenant_id         uuid NOT NULL,
  customer_id       text NOT NULL,
  follow_up_id      bigint GENERATED ALWAYS AS IDENTITY,
  onboarding_number bigint,
  agent_id          text NOT NULL CHECK (length(agent_id) BETWEEN 1 AND 128),
  channel           text NOT NULL CHECK (channel IN ('EMAIL', 'SMS', 'PUSH', 'IN_APP', 'PHONE',
                                                     'IN_PERSON', 'CHAT', 'VIDEO', 'POST',
                                                     'SOCIAL')),
  activated         text NOT NULL CHECK (activated IN ('YES', 'NO', 'UNKNOWN')),
  needed_help       boolean NOT NULL,
  help_kind         text CHECK (help_kind IN ('SETUP', 'BILLING', 'HOW_TO', 'TECHNICAL', 'OTHER')),
  help_quality      smallint CHECK (help_quality BETWEEN 1 AND 5),
  help_reason       text NOT NULL DEFAULT '' CHECK (length(help_reason) <= 1000),
  outcome           text NOT NULL CHECK (outcome IN ('RESOLVED', 'PENDING', 'ESCALATED',
                                                     'NO_CONTACT')),
  note              text NOT NULL DEFAULT '' CHECK (length(note) <= 2000),
  logged_by         text NOT NULL,
  created_at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, customer_id, follow_up_id),
  FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, customer_id),
  FOREIGN KEY (tenant_id, customer_id, onboarding_number)
    REFERENCES onboarding_checklists (tenant_id, customer_id, onboarding_number),
  CHECK (needed_help OR (help_kind IS NULL AND help_quality IS NULL AND help_reason = '')),
  CHECK (NOT needed_help OR help_kind IS NOT NULL)
);
