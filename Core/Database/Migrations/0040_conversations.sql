-- 0040: conversations (Core/Conversations owns these tables; see docs/conversations.md).
--
-- Channel accounts connect a tenant to WhatsApp, Instagram and web chat; their secrets are sealed with the tenant's
-- data key. Contacts have identities whose values are sealed too and found through keyed blind indexes
-- (`value_index`); every identity records why it belongs to its contact. Tickets hold messages from any channel;
-- a message's provider id is unique per channel account, so a retried webhook never stores a message twice.
-- Outbound messages carry a delivery status that only moves forward.

CREATE TABLE channel_accounts (
    tenant_id       uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id              uuid NOT NULL DEFAULT gen_random_uuid(),
    kind            text NOT NULL,
    name            text NOT NULL,
    -- WhatsApp phone number id, Instagram account id; NULL for web chat widgets.
    external_id     text,
    -- Non-secret settings: WABA id, display phone number, the Graph API base URL, widget options.
    settings        jsonb NOT NULL DEFAULT '{}'::jsonb,
    -- The secrets (access token, app secret, verify token) as one sealed JSON object.
    secrets_sealed  bytea,
    enabled         boolean NOT NULL DEFAULT true,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT channel_accounts_kind_known CHECK (kind IN ('whatsapp', 'instagram', 'webchat', 'email')),
    CONSTRAINT channel_accounts_name_present CHECK (length(btrim(name)) BETWEEN 1 AND 200)
);
-- Webhook URLs name the channel by id alone; the id is globally unique so the resolver below finds its tenant.
CREATE UNIQUE INDEX channel_accounts_id_key ON channel_accounts (id);
CREATE UNIQUE INDEX channel_accounts_external ON channel_accounts (tenant_id, kind, external_id) WHERE external_id IS NOT NULL;

-- Resolves a webhook's channel id to its tenant before any tenant is bound (runs as the schema owner; returns only
-- what routing needs).
CREATE FUNCTION glavito_resolve_channel(channel uuid)
RETURNS TABLE (tenant_id uuid, kind text, enabled boolean)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
    SELECT c.tenant_id, c.kind, c.enabled AND t.status = 'active'
    FROM channel_accounts c JOIN tenants t ON t.id = c.tenant_id
    WHERE c.id = channel
$$;
REVOKE ALL ON FUNCTION glavito_resolve_channel(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION glavito_resolve_channel(uuid) TO glavito_app, glavito_platform;

CREATE TABLE contacts (
    tenant_id     uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id            uuid NOT NULL DEFAULT gen_random_uuid(),
    display_name  text NOT NULL DEFAULT '',
    attributes    jsonb NOT NULL DEFAULT '{}'::jsonb,
    -- Set while this contact is merged into another (the merge can be undone).
    merged_into   uuid,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT contacts_attributes_object CHECK (jsonb_typeof(attributes) = 'object')
);
CREATE INDEX contacts_updated ON contacts (tenant_id, updated_at DESC, id DESC) WHERE merged_into IS NULL;

CREATE TABLE contact_identities (
    tenant_id           uuid NOT NULL,
    id                  uuid NOT NULL DEFAULT gen_random_uuid(),
    contact_id          uuid NOT NULL,
    kind                text NOT NULL,
    value_sealed        bytea NOT NULL,
    -- Keyed BLAKE2b of the normalised value (FieldCipher.blindIndex, purpose `identity/<kind>`).
    value_index         text NOT NULL,
    -- Why it belongs to the contact: first_seen, seen_with, matched_phone, matched_email, added, merged.
    link_reason         text NOT NULL,
    -- The identity whose match caused the link, and the message that revealed it.
    matched_identity_id uuid,
    source_message_id   uuid,
    created_at          timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, contact_id) REFERENCES contacts (tenant_id, id) ON DELETE CASCADE,
    CONSTRAINT contact_identities_kind_known
        CHECK (kind IN ('phone', 'email', 'wa_id', 'wa_bsuid', 'ig_sid', 'web_visitor')),
    CONSTRAINT contact_identities_reason_known
        CHECK (link_reason IN ('first_seen', 'seen_with', 'matched_phone', 'matched_email', 'added', 'merged'))
);
CREATE UNIQUE INDEX contact_identities_value ON contact_identities (tenant_id, kind, value_index);
CREATE INDEX contact_identities_contact ON contact_identities (tenant_id, contact_id);

CREATE TABLE contact_merges (
    tenant_id          uuid NOT NULL,
    id                 uuid NOT NULL DEFAULT gen_random_uuid(),
    target_contact_id  uuid NOT NULL,
    source_contact_id  uuid NOT NULL,
    identity_ids       uuid[] NOT NULL,
    ticket_ids         uuid[] NOT NULL,
    message_ids        uuid[] NOT NULL,
    merged_by          text NOT NULL,
    merged_at          timestamptz NOT NULL DEFAULT now(),
    undone_by          text,
    undone_at          timestamptz,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, target_contact_id) REFERENCES contacts (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, source_contact_id) REFERENCES contacts (tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE tickets (
    tenant_id          uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id                 uuid NOT NULL DEFAULT gen_random_uuid(),
    contact_id         uuid NOT NULL,
    subject            text NOT NULL DEFAULT '',
    status             text NOT NULL DEFAULT 'open',
    priority           text NOT NULL DEFAULT 'normal',
    assignee_id        uuid,
    team               text,
    tags               text[] NOT NULL DEFAULT '{}',
    custom_fields      jsonb NOT NULL DEFAULT '{}'::jsonb,
    -- The channel the ticket began on, and the one the customer used last (the reply default).
    channel            text NOT NULL,
    last_channel       text NOT NULL,
    last_channel_account_id uuid,
    last_message_at    timestamptz NOT NULL DEFAULT now(),
    last_inbound_at    timestamptz,
    first_response_at  timestamptz,
    resolved_at        timestamptz,
    closed_at          timestamptz,
    snoozed_until      timestamptz,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, contact_id) REFERENCES contacts (tenant_id, id),
    CONSTRAINT tickets_status_known CHECK (status IN ('open', 'pending', 'snoozed', 'resolved', 'closed')),
    CONSTRAINT tickets_priority_known CHECK (priority IN ('urgent', 'high', 'normal', 'low')),
    CONSTRAINT tickets_channel_known CHECK (channel IN ('whatsapp', 'instagram', 'webchat', 'email')),
    CONSTRAINT tickets_custom_fields_object CHECK (jsonb_typeof(custom_fields) = 'object')
);
-- Keyset pages by (updated_at, id) descending, unfiltered and per filter that narrows a lot.
CREATE INDEX tickets_updated ON tickets (tenant_id, updated_at DESC, id DESC);
CREATE INDEX tickets_status_updated ON tickets (tenant_id, status, updated_at DESC, id DESC);
CREATE INDEX tickets_assignee_updated ON tickets (tenant_id, assignee_id, updated_at DESC, id DESC);
CREATE INDEX tickets_team_updated ON tickets (tenant_id, team, updated_at DESC, id DESC);
CREATE INDEX tickets_channel_updated ON tickets (tenant_id, last_channel, updated_at DESC, id DESC);
CREATE INDEX tickets_contact ON tickets (tenant_id, contact_id, status);
-- btree_gin lets the tag index lead with tenant_id like every other.
CREATE EXTENSION IF NOT EXISTS btree_gin;
CREATE INDEX tickets_tags ON tickets USING gin (tenant_id, tags);

CREATE TABLE messages (
    tenant_id            uuid NOT NULL,
    id                   uuid NOT NULL DEFAULT gen_random_uuid(),
    ticket_id            uuid NOT NULL,
    contact_id           uuid NOT NULL,
    channel              text NOT NULL,
    channel_account_id   uuid,
    direction            text NOT NULL,
    author_kind          text NOT NULL,
    author_id            uuid,
    type                 text NOT NULL,
    text                 text,
    -- The channel's own JSON for the message, as received (inbound) or as sent (outbound).
    content              jsonb NOT NULL DEFAULT '{}'::jsonb,
    provider_message_id  text,
    reply_to_message_id  uuid,
    -- Reactions by the customer and agents: {"<emoji>": n} kept as received.
    reactions            jsonb NOT NULL DEFAULT '{}'::jsonb,
    delivery_status      text,
    delivery_error       jsonb,
    status_updated_at    timestamptz,
    -- Outbound: set when a send attempt starts; an attempt whose outcome is unknown (the worker died mid-request)
    -- is in doubt until a status webhook names the message or the grace period passes.
    send_started_at      timestamptz,
    -- The identity the outbound message goes to (its sealed value is the recipient address).
    recipient_identity_id uuid,
    sent_at              timestamptz NOT NULL DEFAULT now(),
    deleted_at           timestamptz,
    created_at           timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, ticket_id) REFERENCES tickets (tenant_id, id) ON DELETE CASCADE,
    CONSTRAINT messages_direction_known CHECK (direction IN ('inbound', 'outbound', 'note')),
    CONSTRAINT messages_author_known CHECK (author_kind IN ('contact', 'agent', 'bot', 'system')),
    CONSTRAINT messages_channel_known CHECK (channel IN ('whatsapp', 'instagram', 'webchat', 'email')),
    CONSTRAINT messages_status_known
        CHECK (delivery_status IS NULL OR delivery_status IN ('queued', 'sent', 'delivered', 'read', 'played', 'failed'))
);
CREATE UNIQUE INDEX messages_provider_id ON messages (tenant_id, channel_account_id, provider_message_id)
    WHERE provider_message_id IS NOT NULL;
CREATE INDEX messages_ticket ON messages (tenant_id, ticket_id, created_at, id);
CREATE INDEX messages_contact ON messages (tenant_id, contact_id, created_at, id);

CREATE TABLE attachments (
    tenant_id          uuid NOT NULL,
    id                 uuid NOT NULL DEFAULT gen_random_uuid(),
    message_id         uuid NOT NULL,
    kind               text NOT NULL,
    state              text NOT NULL DEFAULT 'pending',
    provider_media_id  text,
    source_url         text,
    claimed_mime_type  text,
    expected_sha256    text,
    mime_type          text,
    filename           text,
    size_bytes         bigint,
    sha256             text,
    storage_key        text,
    error              text,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, message_id) REFERENCES messages (tenant_id, id) ON DELETE CASCADE,
    CONSTRAINT attachments_state_known CHECK (state IN ('pending', 'stored', 'failed'))
);
CREATE INDEX attachments_message ON attachments (tenant_id, message_id);

-- The customer-service window per channel account and customer identity: when they last wrote.
CREATE TABLE channel_windows (
    tenant_id           uuid NOT NULL,
    channel_account_id  uuid NOT NULL,
    identity_id         uuid NOT NULL,
    contact_id          uuid NOT NULL,
    last_inbound_at     timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, channel_account_id, identity_id),
    FOREIGN KEY (tenant_id, channel_account_id) REFERENCES channel_accounts (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX channel_windows_contact ON channel_windows (tenant_id, contact_id);

-- Approved message templates synced from the Graph API.
CREATE TABLE message_templates (
    tenant_id           uuid NOT NULL,
    channel_account_id  uuid NOT NULL,
    name                text NOT NULL,
    language            text NOT NULL,
    status              text NOT NULL,
    category            text NOT NULL DEFAULT '',
    components          jsonb NOT NULL DEFAULT '[]'::jsonb,
    synced_at           timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, channel_account_id, name, language),
    FOREIGN KEY (tenant_id, channel_account_id) REFERENCES channel_accounts (tenant_id, id) ON DELETE CASCADE
);

-- Webhook bodies with a valid signature that could not be parsed: kept, never dropped, for a person to look at.
CREATE TABLE channel_webhook_rejects (
    tenant_id           uuid NOT NULL,
    id                  bigint GENERATED ALWAYS AS IDENTITY,
    channel_account_id  uuid NOT NULL,
    body                bytea NOT NULL,
    error               text NOT NULL,
    received_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id)
);

DO $$
DECLARE
    name text;
BEGIN
    FOREACH name IN ARRAY ARRAY['channel_accounts', 'contacts', 'contact_identities', 'contact_merges', 'tickets',
                                'messages', 'attachments', 'channel_windows', 'message_templates',
                                'channel_webhook_rejects']
    LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', name);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', name);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = glavito_current_tenant()) '
                       'WITH CHECK (tenant_id = glavito_current_tenant())', name);
    END LOOP;
END
$$;
