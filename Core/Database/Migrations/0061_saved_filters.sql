-- 0061: saved inbox filters, each an agent's own (docs/workspace.md).
CREATE TABLE saved_filters (
    tenant_id   uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id          uuid NOT NULL DEFAULT gen_random_uuid(),
    user_id     uuid NOT NULL,
    name        text NOT NULL,
    -- The inbox view (mine, unassigned, teams, all) and its filters (status, channel, priority, team, tag, q, assignee).
    view        text NOT NULL,
    filters     jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT saved_filters_name_present CHECK (length(btrim(name)) BETWEEN 1 AND 60),
    CONSTRAINT saved_filters_view_known CHECK (view IN ('mine', 'unassigned', 'teams', 'all')),
    CONSTRAINT saved_filters_filters_object CHECK (jsonb_typeof(filters) = 'object')
);
CREATE UNIQUE INDEX saved_filters_user_name ON saved_filters (tenant_id, user_id, name);

ALTER TABLE saved_filters ENABLE ROW LEVEL SECURITY;
ALTER TABLE saved_filters FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON saved_filters USING (tenant_id = glavito_current_tenant())
    WITH CHECK (tenant_id = glavito_current_tenant());
