-- Signal ingest reads health without locking and writes it back only if the
-- row is still the version it read (compare and set). A counter, not
-- state_updated_at: two writers may start in the same microsecond.
ALTER TABLE retention_health ADD COLUMN state_version bigint NOT NULL DEFAULT 1;
