-- 0021: fleet probes. `glavito jobs probe` enqueues maintenance.probe jobs; their handler records its effect
-- once per probe key in job_probe_effects (idempotently) and every execution in job_probe_runs, so an operator,
-- the crash test and the chaos command can prove end to end that every job ran and no effect happened twice.

CREATE TABLE job_probe_effects (
    tenant_id    uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    effect_id    bigint GENERATED ALWAYS AS IDENTITY,
    probe_key    text NOT NULL,
    job_id       bigint NOT NULL,
    recorded_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, effect_id)
);
CREATE INDEX job_probe_effects_key ON job_probe_effects (tenant_id, probe_key);

CREATE TABLE job_probe_runs (
    tenant_id    uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    run_id       bigint GENERATED ALWAYS AS IDENTITY,
    probe_key    text NOT NULL,
    job_id       bigint NOT NULL,
    attempt      integer NOT NULL,
    worker       text NOT NULL,
    started_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, run_id)
);
CREATE INDEX job_probe_runs_key ON job_probe_runs (tenant_id, probe_key);

ALTER TABLE job_probe_effects ENABLE ROW LEVEL SECURITY;
ALTER TABLE job_probe_effects FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON job_probe_effects
    USING (tenant_id = glavito_current_tenant())
    WITH CHECK (tenant_id = glavito_current_tenant());

ALTER TABLE job_probe_runs ENABLE ROW LEVEL SECURITY;
ALTER TABLE job_probe_runs FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON job_probe_runs
    USING (tenant_id = glavito_current_tenant())
    WITH CHECK (tenant_id = glavito_current_tenant());
