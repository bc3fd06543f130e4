-- 0030: the event log.
--
-- Events are appended in the transaction of the state change they describe. Each event goes to a partition
-- chosen by a hash of (tenant, stream) and gets the next position of that partition. The position is taken from
-- the partition's counter row with UPDATE … RETURNING, whose row lock is held until the appending transaction ends:
-- appends to one partition commit in position order, and an aborted append gives its positions back. A reader
-- that has seen position N of a partition can therefore never later find a committed event below N: the cursor
-- (partition, position) is safe without any visibility fence.

CREATE TABLE event_partitions (
    partition  integer PRIMARY KEY,
    head       bigint NOT NULL DEFAULT 0,
    CONSTRAINT event_partitions_non_negative CHECK (partition >= 0 AND head >= 0)
);
INSERT INTO event_partitions (partition) SELECT generate_series(0, 15);

-- The partition of a stream: stable for the life of the log (the partition count is fixed at creation).
CREATE FUNCTION glavito_event_partition(tenant uuid, stream text) RETURNS integer
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT ((hashtextextended(tenant::text || '/' || stream, 0) & 9223372036854775807)
            % (SELECT count(*) FROM event_partitions))::integer
$$;

CREATE TABLE events (
    tenant_id    uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    stream       text NOT NULL,
    version      integer NOT NULL,
    partition    integer NOT NULL REFERENCES event_partitions (partition),
    position     bigint NOT NULL,
    type         text NOT NULL,
    data         jsonb NOT NULL,
    metadata     jsonb NOT NULL DEFAULT '{}'::jsonb,
    recorded_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, stream, version),
    CONSTRAINT events_version_positive CHECK (version > 0),
    CONSTRAINT events_stream_present CHECK (length(stream) BETWEEN 1 AND 200),
    CONSTRAINT events_type_present CHECK (length(type) BETWEEN 1 AND 200)
);
-- A tenant's own feed, in partition order.
CREATE INDEX events_tenant_partition_position ON events (tenant_id, partition, position);
-- Consumer groups read a partition across tenants as the platform role. This is the documented exception to
-- "tenant_id leads every index": a partition's position is global, and a consumer reads it in that order.
CREATE UNIQUE INDEX events_partition_position_key ON events (partition, position);

ALTER TABLE events ENABLE ROW LEVEL SECURITY;
ALTER TABLE events FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON events
    USING (tenant_id = glavito_current_tenant())
    WITH CHECK (tenant_id = glavito_current_tenant());
-- The log is append-only, for everyone but the schema owner (retention and erasure run as migrations or jobs
-- with their own grants).
REVOKE UPDATE, DELETE ON events FROM glavito_app, glavito_platform;
REVOKE INSERT, DELETE ON event_partitions FROM glavito_app, glavito_platform;

-- Consumer groups: one committed offset per partition, owned by one member at a time through a lease.
CREATE TABLE event_consumer_offsets (
    group_name        text NOT NULL,
    partition         integer NOT NULL REFERENCES event_partitions (partition),
    position          bigint NOT NULL DEFAULT 0,
    owner             text,
    lease_expires_at  timestamptz,
    updated_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (group_name, partition),
    CONSTRAINT event_consumer_offsets_name CHECK (group_name ~ '^[a-z0-9][a-z0-9._-]{0,99}$')
);

CREATE TABLE event_consumer_members (
    group_name  text NOT NULL,
    member      text NOT NULL,
    last_seen   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (group_name, member)
);

-- Consumer bookkeeping is platform work; the application role has no business with it.
REVOKE ALL ON event_consumer_offsets, event_consumer_members FROM glavito_app;
