-- 0031: wake live-update hubs when events commit.
--
-- Every statement that appends events sends one NOTIFY on `glavito_events` (PostgreSQL delivers it at commit,
-- and drops it with a rollback). Control-plane processes LISTEN and then read the new events by position; the
-- payload carries nothing they rely on. The price: a notifying commit takes PostgreSQL's notify-queue lock, so
-- appending commits pass one at a time through that step (appends to one partition already commit in order).
-- bench/live.sh measures the live path at 1,000 events/s with this in place.

CREATE FUNCTION glavito_notify_events() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    PERFORM pg_notify('glavito_events', '');
    RETURN NULL;
END
$$;

CREATE TRIGGER events_notify
AFTER INSERT ON events
FOR EACH STATEMENT
EXECUTE FUNCTION glavito_notify_events();
