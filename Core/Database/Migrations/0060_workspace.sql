-- The agent workspace (docs/workspace.md): who is viewing or typing on a ticket, text search over tickets, and
-- custom ticket fields with their validation rules.

-- Presence: one row per agent viewing a ticket, refreshed by a heartbeat every ~10 s and ignored (then deleted)
-- 30 s after the last one. UNLOGGED: it is lost on a crash, which only means agents re-announce themselves on
-- their next heartbeat; nothing durable depends on it, and it skips the WAL on every heartbeat.
CREATE UNLOGGED TABLE ticket_presence (
    tenant_id     uuid NOT NULL,
    ticket_id     uuid NOT NULL,
    user_id       uuid NOT NULL,
    display_name  text NOT NULL,
    typing_until  timestamptz,
    seen_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, ticket_id, user_id)
);

ALTER TABLE ticket_presence ENABLE ROW LEVEL SECURITY;
ALTER TABLE ticket_presence FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON ticket_presence USING (tenant_id = glavito_current_tenant())
    WITH CHECK (tenant_id = glavito_current_tenant());

-- Text search over ticket subjects (`GET /api/v1/tickets?q=`), simple configuration (no stemming: customers write
-- in many languages).
CREATE INDEX tickets_subject_search ON tickets USING gin (tenant_id, to_tsvector('simple', subject));

-- Custom fields of tickets, defined per tenant by its admins, with their validation rules (docs/workspace.md).
CREATE TABLE ticket_fields (
    tenant_id   uuid NOT NULL,
    key         text NOT NULL,
    label       text NOT NULL,
    type        text NOT NULL,
    required    boolean NOT NULL DEFAULT false,
    pattern     text,
    options     text[] NOT NULL DEFAULT '{}',
    position    integer NOT NULL DEFAULT 0,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, key),
    CONSTRAINT ticket_fields_type_known CHECK (type IN ('text', 'number', 'boolean', 'date', 'select'))
);

ALTER TABLE ticket_fields ENABLE ROW LEVEL SECURITY;
ALTER TABLE ticket_fields FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON ticket_fields USING (tenant_id = glavito_current_tenant())
    WITH CHECK (tenant_id = glavito_current_tenant());

-- Canned responses: answers agents insert into the composer, with placeholders filled in the browser
-- ({{contact.name}}, {{agent.name}}, {{ticket.subject}}).
CREATE TABLE canned_responses (
    tenant_id   uuid NOT NULL,
    id          uuid NOT NULL DEFAULT gen_random_uuid(),
    shortcut    text NOT NULL,
    title       text NOT NULL,
    body        text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, shortcut)
);

ALTER TABLE canned_responses ENABLE ROW LEVEL SECURITY;
ALTER TABLE canned_responses FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON canned_responses USING (tenant_id = glavito_current_tenant())
    WITH CHECK (tenant_id = glavito_current_tenant());
