-- 0031: outgoing webhooks (Core/Webhooks owns these tables; see docs/webhooks.md).
--
-- A subscription names a URL, the event types it wants (exact, `ticket.*` or `*`) and a signing secret sealed
-- with the tenant's data key. The `webhooks` consumer group follows the event log and, per matching enabled
-- subscription, inserts one `webhook_messages` row per event (its primary key makes a re-read batch harmless)
-- and enqueues a `delivery.webhook` job for it in the same transaction. A message is delivered only when no
-- earlier version of its stream is still pending for the same subscription: that is the per-stream ordering.
-- Every HTTP attempt leaves a row in `webhook_deliveries`, the log admins read and redeliver from.

CREATE TABLE webhook_subscriptions (
    tenant_id             uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id                    uuid NOT NULL DEFAULT gen_random_uuid(),
    url                   text NOT NULL,
    event_types           text[] NOT NULL,
    description           text NOT NULL DEFAULT '',
    secret_sealed         bytea NOT NULL,
    enabled               boolean NOT NULL DEFAULT true,
    consecutive_failures  integer NOT NULL DEFAULT 0,
    disabled_at           timestamptz,
    disabled_reason       text,
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT webhook_subscriptions_url_scheme CHECK (url ~ '^https?://'),
    CONSTRAINT webhook_subscriptions_types_present CHECK (cardinality(event_types) BETWEEN 1 AND 100),
    CONSTRAINT webhook_subscriptions_failures CHECK (consecutive_failures >= 0)
);

-- One row per (subscription, event): pending until delivered, or failed once the retry schedule is used up.
CREATE TABLE webhook_messages (
    tenant_id        uuid NOT NULL,
    subscription_id  uuid NOT NULL,
    stream           text NOT NULL,
    version          integer NOT NULL,
    event_type       text NOT NULL,
    state            text NOT NULL DEFAULT 'pending',
    attempts         integer NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    last_status      integer,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, subscription_id, stream, version),
    FOREIGN KEY (tenant_id, subscription_id) REFERENCES webhook_subscriptions (tenant_id, id) ON DELETE CASCADE,
    CONSTRAINT webhook_messages_state_known CHECK (state IN ('pending', 'delivered', 'failed')),
    CONSTRAINT webhook_messages_attempts CHECK (attempts >= 0)
);
-- Pending messages of a subscription, for re-enabling and for the predecessor check.
CREATE INDEX webhook_messages_pending ON webhook_messages (tenant_id, subscription_id, stream, version)
    WHERE state = 'pending';

-- The delivery log: one row per HTTP attempt, automatic or manual.
CREATE TABLE webhook_deliveries (
    tenant_id        uuid NOT NULL,
    id               bigint GENERATED ALWAYS AS IDENTITY,
    subscription_id  uuid NOT NULL,
    stream           text NOT NULL,
    version          integer NOT NULL,
    event_type       text NOT NULL,
    webhook_id       text NOT NULL,
    attempt          integer NOT NULL,
    manual           boolean NOT NULL DEFAULT false,
    request_url      text NOT NULL,
    request_body     text NOT NULL,
    request_timestamp bigint NOT NULL,
    response_status  integer,
    duration_ms      integer NOT NULL,
    error            text,
    succeeded        boolean NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, subscription_id) REFERENCES webhook_subscriptions (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX webhook_deliveries_subscription ON webhook_deliveries (tenant_id, subscription_id, id);

-- Notices for the tenant's admins (a subscription disabled after a run of failures, for now).
CREATE TABLE admin_notices (
    tenant_id     uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id            bigint GENERATED ALWAYS AS IDENTITY,
    kind          text NOT NULL,
    subject       text NOT NULL,
    message       text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id)
);

ALTER TABLE webhook_subscriptions ENABLE ROW LEVEL SECURITY;
ALTER TABLE webhook_subscriptions FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON webhook_subscriptions
    USING (tenant_id = glavito_current_tenant())
    WITH CHECK (tenant_id = glavito_current_tenant());
ALTER TABLE webhook_messages ENABLE ROW LEVEL SECURITY;
ALTER TABLE webhook_messages FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON webhook_messages
    USING (tenant_id = glavito_current_tenant())
    WITH CHECK (tenant_id = glavito_current_tenant());
ALTER TABLE webhook_deliveries ENABLE ROW LEVEL SECURITY;
ALTER TABLE webhook_deliveries FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON webhook_deliveries
    USING (tenant_id = glavito_current_tenant())
    WITH CHECK (tenant_id = glavito_current_tenant());
ALTER TABLE admin_notices ENABLE ROW LEVEL SECURITY;
ALTER TABLE admin_notices FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON admin_notices
    USING (tenant_id = glavito_current_tenant())
    WITH CHECK (tenant_id = glavito_current_tenant());
-- The delivery log is written by workers and read by admins; nobody rewrites history.
REVOKE UPDATE ON webhook_deliveries FROM glavito_app, glavito_platform;
