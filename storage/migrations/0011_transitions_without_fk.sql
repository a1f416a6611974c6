-- The transition log drops its foreign key to customers, as signals never
-- had one (0005). Every log row is written by the statement or transaction
-- that has just updated that customer's row (LifecycleStore::Write,
-- ResegmentStore::RunBatch), so the customer exists and stays locked until
-- commit, and customers are never deleted (erasure blanks them). The
-- per-row check cost about a quarter of a re-segmentation batch: 12 us per
-- moved customer, 120 ms of each 10,000 (measured with auto_explain
-- log_triggers on 1M customers).
ALTER TABLE stage_transitions DROP CONSTRAINT stage_transitions_tenant_id_customer_id_fkey;
