-- 0020: the job queue (Core/Queue owns these tables; see docs/queue.md).
--
-- A job is a row in `jobs` while it is pending: 'available' (waiting for run_at), 'running' (leased by a worker)
-- or 'dead' (max_attempts used up, kept for an operator to retry or discard). A finished job leaves the table;
-- completions can leave a compact row in `job_history`.

CREATE TABLE jobs (
    tenant_id         uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id                bigint GENERATED ALWAYS AS IDENTITY,
    kind              text NOT NULL,
    queue             text NOT NULL,
    state             text NOT NULL DEFAULT 'available',
    priority          smallint NOT NULL DEFAULT 0,
    run_at            timestamptz NOT NULL DEFAULT now(),
    attempt           integer NOT NULL DEFAULT 0,
    max_attempts      integer NOT NULL DEFAULT 20,
    lease_owner       text,
    lease_expires_at  timestamptz,
    fence             bigint NOT NULL DEFAULT 0,
    unique_key        text,
    payload           jsonb NOT NULL DEFAULT '{}'::jsonb,
    last_error        text,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT jobs_queue_known CHECK (queue IN ('delivery', 'ai', 'media', 'maintenance')),
    CONSTRAINT jobs_kind_in_queue CHECK (starts_with(kind, queue || '.') AND length(kind) > length(queue) + 1),
    CONSTRAINT jobs_state_known CHECK (state IN ('available', 'running', 'dead')),
    CONSTRAINT jobs_attempts_sane CHECK (max_attempts >= 1 AND attempt >= 0),
    CONSTRAINT jobs_lease_matches_state CHECK ((state = 'running') = (lease_owner IS NOT NULL AND lease_expires_at IS NOT NULL)),
    CONSTRAINT jobs_priority_range CHECK (priority BETWEEN -100 AND 100)
) WITH (fillfactor = 80);

-- The claim index. A claim walks the tenants that have available work (a skip scan over the leading tenant_id,
-- so the catalog rule "every index leads with tenant_id" is what fairness needs, not a cost) and takes each
-- (tenant, queue)'s most urgent rows: lower priority numbers first, then the oldest run_at.
CREATE INDEX jobs_claim ON jobs (tenant_id, queue, priority, run_at, id) WHERE state = 'available';
-- Rescue finds expired leases among the few running rows.
CREATE INDEX jobs_running_lease ON jobs (tenant_id, lease_expires_at) WHERE state = 'running';
-- Dead letters, for the admin views.
CREATE INDEX jobs_dead ON jobs (tenant_id, updated_at) WHERE state = 'dead';
-- A unique key makes a duplicate enqueue a no-op while the first job is pending (available or running).
CREATE UNIQUE INDEX jobs_unique_key ON jobs (tenant_id, unique_key) WHERE unique_key IS NOT NULL AND state <> 'dead';

ALTER TABLE jobs ENABLE ROW LEVEL SECURITY;
ALTER TABLE jobs FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON jobs
    USING (tenant_id = glavito_current_tenant())
    WITH CHECK (tenant_id = glavito_current_tenant());

-- Recently finished jobs, compact, for admins to inspect; pruned by the maintenance.purge_job_history job.
CREATE TABLE job_history (
    tenant_id    uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    job_id       bigint NOT NULL,
    kind         text NOT NULL,
    queue        text NOT NULL,
    outcome      text NOT NULL,
    attempt      integer NOT NULL,
    last_error   text,
    created_at   timestamptz NOT NULL,
    started_at   timestamptz,
    finished_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, job_id),
    CONSTRAINT job_history_outcome_known CHECK (outcome IN ('completed', 'cancelled', 'discarded'))
);
CREATE INDEX job_history_finished ON job_history (tenant_id, finished_at);

ALTER TABLE job_history ENABLE ROW LEVEL SECURITY;
ALTER TABLE job_history FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON job_history
    USING (tenant_id = glavito_current_tenant())
    WITH CHECK (tenant_id = glavito_current_tenant());

-- Periods claimed by the periodic scheduler: the primary key makes exactly one worker of the fleet win each
-- (schedule, period) and enqueue its jobs in the same transaction. Platform data, no tenant column.
CREATE TABLE job_schedule_periods (
    schedule      text NOT NULL,
    period_start  timestamptz NOT NULL,
    claimed_by    text NOT NULL,
    claimed_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (schedule, period_start)
);
REVOKE ALL ON job_schedule_periods FROM glavito_app;
