-- 0064: cheaper event appends (issue 6, docs/events.md "Appending").
--
-- glavito_event_partition counted event_partitions on every call. Its sub-select kept PostgreSQL from inlining it,
-- so every statement that appended events parsed and planned the function's body again. The partition count is
-- fixed at 16 when the log is created (0030; the application roles cannot add or remove partitions), so the function
-- now uses the constant: the same partition for every stream as before, and an immutable expression the planner
-- inlines.
CREATE OR REPLACE FUNCTION glavito_event_partition(tenant uuid, stream text) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT ((hashtextextended(tenant::text || '/' || stream, 0) & 9223372036854775807) % 16)::integer
$$;

-- Each event row's foreign key to event_partitions ran a referential check (a row lock on the partition's counter
-- row) per inserted event. The appending transaction already holds that row locked for its positions; a check
-- constraint keeps the partition numbers valid.
ALTER TABLE events DROP CONSTRAINT events_partition_fkey;
ALTER TABLE events ADD CONSTRAINT events_partition_valid CHECK (partition BETWEEN 0 AND 15) NOT VALID;
ALTER TABLE events VALIDATE CONSTRAINT events_partition_valid;
