-- Security (issue 10).

-- When a key was last used to authenticate. Approximate by design: a server
-- records a key's use at most once a minute (Authenticator), so a hot key
-- costs one small UPDATE a minute per server, not one per call.
ALTER TABLE api_keys ADD COLUMN last_used_at timestamptz;
