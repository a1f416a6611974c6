-- Security (issue 10).

-- When a key was last used to authenticate. Approximate by design: a server
-- records a key's use at most once a minute (Authenticator), so a hot key
-- costs one small UPDATE a minute per server, not one per call.
ALTER TABLE api_keys ADD COLUMN last_used_at timestamptz;

-- EraseCustomer (storage/customer_erasure.cc): set once, with the key id of
-- the caller. The row stays (stage, segment, dates) as an anonymised count
-- for reports; attributes are emptied.
ALTER TABLE customers
  ADD COLUMN erased_at timestamptz,
  ADD COLUMN erased_by text,
  ADD CHECK ((erased_at IS NULL) = (erased_by IS NULL));
