-- 0062: teams as records, custom fields of contacts, and an index for the inbox's custom-field filters
-- (docs/workspace.md, "Teams", "Custom fields").

-- A tenant's teams. Users (`users.teams`) and tickets (`tickets.team`) name a team by its key, as they did when
-- teams were free labels; writes check that the key exists (TeamStore, TicketStore.update). New keys are slugs
-- (Team.isValidKey); keys seeded below from existing labels are kept as they were, so nothing has to be rewritten.
CREATE TABLE teams (
    tenant_id    uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id           uuid NOT NULL DEFAULT gen_random_uuid(),
    key          text NOT NULL,
    name         text NOT NULL,
    description  text NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, key),
    CONSTRAINT teams_key_present CHECK (length(key) BETWEEN 1 AND 100),
    CONSTRAINT teams_name_present CHECK (length(btrim(name)) BETWEEN 1 AND 100),
    CONSTRAINT teams_description_length CHECK (length(description) <= 500)
);

-- Every label in use becomes a team named like its key (runs as the owner, which bypasses row-level security).
INSERT INTO teams (tenant_id, key, name)
SELECT DISTINCT tenant_id, label, label
FROM (SELECT tenant_id, unnest(teams) AS label FROM users
      UNION
      SELECT tenant_id, team FROM tickets WHERE team IS NOT NULL) AS labels
WHERE length(label) BETWEEN 1 AND 100 AND length(btrim(label)) > 0
ON CONFLICT (tenant_id, key) DO NOTHING;

ALTER TABLE teams ENABLE ROW LEVEL SECURITY;
ALTER TABLE teams FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON teams USING (tenant_id = glavito_current_tenant())
    WITH CHECK (tenant_id = glavito_current_tenant());

-- Custom fields of contacts live beside those of tickets: `entity` says which record a definition is for, and a
-- key is unique per entity.
ALTER TABLE ticket_fields ADD COLUMN entity text NOT NULL DEFAULT 'ticket';
ALTER TABLE ticket_fields ADD CONSTRAINT ticket_fields_entity_known CHECK (entity IN ('ticket', 'contact'));
ALTER TABLE ticket_fields DROP CONSTRAINT ticket_fields_pkey;
ALTER TABLE ticket_fields ADD PRIMARY KEY (tenant_id, entity, key);

-- `GET /api/v1/tickets?field.<key>=<value>` filters with `custom_fields @> {"<key>": <value>}`; jsonb_path_ops
-- answers containment, btree_gin (0040) lets the index lead with tenant_id.
CREATE INDEX tickets_custom_fields ON tickets USING gin (tenant_id, custom_fields jsonb_path_ops);
