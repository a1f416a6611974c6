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

-- Row-level security: a second wall behind the tenant filter every query
-- already has. Request connections run as lifecycle_app (SET ROLE right
-- after connecting) with lifecycle.tenant_id set to the caller's tenant for
-- every transaction (storage/session.cc, ScopeTenant), so a query that
-- forgets its tenant filter still sees only that tenant's rows, and cannot
-- write another tenant's. The migrating role (the owner, which also runs
-- the background jobs that loop over tenants) keeps an explicit all-rows
-- policy; FORCE makes the owner subject to policies at all.
-- Roles are per cluster. Where the migrating role may not create roles,
-- a DBA creates this one first (docs/operations.md); then nothing here needs
-- CREATEROLE.
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'lifecycle_app') THEN
    BEGIN
      CREATE ROLE lifecycle_app NOLOGIN;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN
      NULL;  -- another database's migration made it just now
    END;
  END IF;
  IF NOT pg_has_role(current_user, 'lifecycle_app', 'MEMBER') THEN
    BEGIN
      EXECUTE format('GRANT lifecycle_app TO %I', current_user);
    EXCEPTION WHEN duplicate_object OR unique_violation THEN
      NULL;
    END;
  END IF;
END $$;

DO $$
BEGIN
  EXECUTE format('GRANT USAGE ON SCHEMA %I TO lifecycle_app', current_schema());
  EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA %I TO lifecycle_app',
                 current_schema());
  EXECUTE format('GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA %I TO lifecycle_app',
                 current_schema());
  -- Tables and sequences later migrations create.
  EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I'
                 ' GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO lifecycle_app', current_schema());
  EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I'
                 ' GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO lifecycle_app', current_schema());
END $$;

-- Puts a table with a tenant_id column behind the wall. A later migration
-- that creates such a table calls it:
--   SELECT lifecycle_protect_tenant_table('holdings');
-- (tests/integration/row_level_security_test.cc fails until it does).
CREATE FUNCTION lifecycle_protect_tenant_table(target regclass) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', target);
  EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', target);
  EXECUTE format('CREATE POLICY tenant_isolation ON %s TO lifecycle_app'
                 ' USING (tenant_id = nullif(current_setting(''lifecycle.tenant_id'', true), '''')::uuid)'
                 ' WITH CHECK (tenant_id = nullif(current_setting(''lifecycle.tenant_id'', true), '''')::uuid)',
                 target);
  EXECUTE format('CREATE POLICY owner_all_tenants ON %s TO %I USING (true) WITH CHECK (true)',
                 target, current_user);
END $$;

SELECT lifecycle_protect_tenant_table(c.oid)
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped
WHERE c.relkind IN ('r', 'p') AND n.nspname = current_schema();

-- Views read their tables with the rights of the caller, not of their
-- owner (whose policy shows every tenant).
DO $$
DECLARE
  v regclass;
BEGIN
  FOR v IN SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE c.relkind = 'v' AND n.nspname = current_schema() LOOP
    EXECUTE format('ALTER VIEW %s SET (security_invoker = true)', v);
  END LOOP;
END $$;

-- Authentication reads a key by its id before the tenant is known: the one
-- cross-tenant read a request connection may make, and only this one.
CREATE FUNCTION lifecycle_find_api_key(wanted_key_id text) RETURNS SETOF api_keys
LANGUAGE sql STABLE SECURITY DEFINER SET search_path FROM CURRENT AS $$
  SELECT * FROM api_keys WHERE key_id = wanted_key_id
$$;
REVOKE ALL ON FUNCTION lifecycle_find_api_key(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION lifecycle_find_api_key(text) TO lifecycle_app;
