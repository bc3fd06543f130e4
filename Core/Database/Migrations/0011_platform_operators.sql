-- 0011: platform operators, who administer tenants: a realm of their own, apart from tenant users, with its own
-- sign-in and two-step verification always on. Only the platform role may read these tables.

CREATE TABLE platform_operators (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    email           text NOT NULL,
    display_name    text NOT NULL,
    password_hash   text NOT NULL,
    totp_sealed     bytea NOT NULL,
    totp_last_step  bigint,
    failures        integer NOT NULL DEFAULT 0,
    locked_until    timestamptz,
    disabled_at     timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT platform_operators_email_normalised CHECK (email = lower(btrim(email)) AND email LIKE '%_@_%')
);
CREATE UNIQUE INDEX platform_operators_email_key ON platform_operators (email);

CREATE TABLE platform_sessions (
    token_hash          bytea PRIMARY KEY,
    operator_id         uuid NOT NULL REFERENCES platform_operators (id) ON DELETE CASCADE,
    csrf_token          text NOT NULL,
    created_at          timestamptz NOT NULL DEFAULT now(),
    idle_expires_at     timestamptz NOT NULL,
    absolute_expires_at timestamptz NOT NULL,
    revoked_at          timestamptz
);
CREATE INDEX platform_sessions_operator_idx ON platform_sessions (operator_id);

-- The application role never sees operators or their sessions.
REVOKE ALL ON platform_operators, platform_sessions FROM glavito_app;
