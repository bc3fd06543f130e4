-- 0050: the email channel (Core/Mail owns these; see docs/email.md).
--
-- An email channel account owns addresses; the SMTP listener resolves a recipient to its tenant before any tenant
-- is bound, through the security-definer function below. Each ticket gets a reply token for its per-ticket reply
-- address (`<local>+<token>@<domain>`), also shown in subjects as `[#<token>]`. Tickets can be split and merged,
-- and both undone (`ticket_moves`). Email messages are found by their Message-ID for threading.

CREATE TABLE email_routes (
    -- The full address, lower-cased; an address belongs to one tenant.
    address             text PRIMARY KEY,
    tenant_id           uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    channel_account_id  uuid NOT NULL,
    FOREIGN KEY (tenant_id, channel_account_id) REFERENCES channel_accounts (tenant_id, id) ON DELETE CASCADE,
    CONSTRAINT email_routes_address_shape CHECK (address = lower(address) AND address LIKE '%_@_%' AND length(address) <= 254)
);
CREATE INDEX email_routes_account ON email_routes (tenant_id, channel_account_id);

-- Finds the tenant and channel of a recipient address before any tenant is bound (runs as the schema owner;
-- returns only what routing needs).
CREATE FUNCTION glavito_resolve_email_recipient(recipient text)
RETURNS TABLE (tenant_id uuid, channel_account_id uuid, enabled boolean)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
    SELECT r.tenant_id, r.channel_account_id, c.enabled AND t.status = 'active'
    FROM email_routes r
    JOIN channel_accounts c ON c.tenant_id = r.tenant_id AND c.id = r.channel_account_id
    JOIN tenants t ON t.id = r.tenant_id
    WHERE r.address = lower(recipient)
$$;
REVOKE ALL ON FUNCTION glavito_resolve_email_recipient(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION glavito_resolve_email_recipient(text) TO glavito_app, glavito_platform;

ALTER TABLE tickets
    -- The per-ticket reply token: lower-case base32, in the reply address and the subject.
    ADD COLUMN email_token text,
    -- A ticket started by a reply to a ticket that could no longer be reopened links to it.
    ADD COLUMN linked_ticket_id uuid,
    -- Set while this ticket is merged into another (the merge can be undone).
    ADD COLUMN merged_into uuid;
CREATE UNIQUE INDEX tickets_email_token ON tickets (tenant_id, email_token) WHERE email_token IS NOT NULL;

ALTER TABLE attachments
    -- An email part's Content-ID (without angle brackets), for inline images referenced as cid:.
    ADD COLUMN content_id text,
    ADD COLUMN inline boolean NOT NULL DEFAULT false;

-- Threading looks up Message-IDs across the tenant's email messages.
CREATE INDEX messages_email_message_id ON messages (tenant_id, provider_message_id)
    WHERE channel = 'email' AND provider_message_id IS NOT NULL;

-- Splits and merges of tickets, so each can be undone.
CREATE TABLE ticket_moves (
    tenant_id         uuid NOT NULL,
    id                uuid NOT NULL DEFAULT gen_random_uuid(),
    kind              text NOT NULL,
    -- Merge: messages moved from source into target (source closed). Split: messages moved from source into the
    -- new target.
    source_ticket_id  uuid NOT NULL,
    target_ticket_id  uuid NOT NULL,
    message_ids       uuid[] NOT NULL,
    -- The source ticket's status before a merge closed it.
    source_status     text NOT NULL,
    moved_by          text NOT NULL,
    moved_at          timestamptz NOT NULL DEFAULT now(),
    undone_by         text,
    undone_at         timestamptz,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, source_ticket_id) REFERENCES tickets (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, target_ticket_id) REFERENCES tickets (tenant_id, id) ON DELETE CASCADE,
    CONSTRAINT ticket_moves_kind_known CHECK (kind IN ('split', 'merge'))
);

DO $$
DECLARE
    name text;
BEGIN
    FOREACH name IN ARRAY ARRAY['email_routes', 'ticket_moves']
    LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', name);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', name);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = glavito_current_tenant()) '
                       'WITH CHECK (tenant_id = glavito_current_tenant())', name);
    END LOOP;
END
$$;
