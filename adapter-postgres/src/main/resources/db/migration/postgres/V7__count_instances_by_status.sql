-- Running counts of each task hub's instances per status, so that counting a hub by status reads a few rows
-- instead of an index range per status (over a million instances: seconds while the visibility map is not set,
-- and never less than tens of milliseconds). Triggers keep them in the transaction that changes the instances.
-- Each count is split into slots, one per connection (by its backend's process id), so that concurrent
-- transactions add to different rows and never wait for each other; a count is the sum of its slots.
CREATE TABLE status_counts (
    task_hub        TEXT     NOT NULL,
    runtime_status  TEXT     NOT NULL,
    slot            SMALLINT NOT NULL,
    instances       BIGINT   NOT NULL,
    PRIMARY KEY (task_hub, runtime_status, slot)
);

CREATE FUNCTION ${flyway:defaultSchema}.count_status_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- One row changed its status (the trigger's WHEN clause): move it from the old count to the new one.
    INSERT INTO ${flyway:defaultSchema}.status_counts AS sc (task_hub, runtime_status, slot, instances)
    VALUES (OLD.task_hub, OLD.runtime_status, pg_backend_pid() % 64, -1),
           (NEW.task_hub, NEW.runtime_status, pg_backend_pid() % 64, 1)
    ON CONFLICT (task_hub, runtime_status, slot) DO UPDATE SET instances = sc.instances + excluded.instances;
    RETURN NULL;
END $$;

CREATE FUNCTION ${flyway:defaultSchema}.count_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Per statement, so that a bulk insert adds its rows in one write per status.
    INSERT INTO ${flyway:defaultSchema}.status_counts AS sc (task_hub, runtime_status, slot, instances)
    SELECT task_hub, runtime_status, pg_backend_pid() % 64, count(*) FROM added GROUP BY task_hub, runtime_status
    ON CONFLICT (task_hub, runtime_status, slot) DO UPDATE SET instances = sc.instances + excluded.instances;
    RETURN NULL;
END $$;

CREATE FUNCTION ${flyway:defaultSchema}.count_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Per statement, so that a purge of a chunk subtracts it in one write per status.
    INSERT INTO ${flyway:defaultSchema}.status_counts AS sc (task_hub, runtime_status, slot, instances)
    SELECT task_hub, runtime_status, pg_backend_pid() % 64, -count(*) FROM removed GROUP BY task_hub, runtime_status
    ON CONFLICT (task_hub, runtime_status, slot) DO UPDATE SET instances = sc.instances + excluded.instances;
    RETURN NULL;
END $$;

-- The triggers come before the first counts: creating them locks out writers until this migration commits, so
-- that every change is either in the first counts or counted by a trigger, never both or neither.
CREATE TRIGGER instances_status_changed AFTER UPDATE OF runtime_status ON instances
    FOR EACH ROW WHEN (OLD.runtime_status IS DISTINCT FROM NEW.runtime_status)
    EXECUTE FUNCTION ${flyway:defaultSchema}.count_status_change();
CREATE TRIGGER instances_inserted AFTER INSERT ON instances REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION ${flyway:defaultSchema}.count_inserted();
CREATE TRIGGER instances_deleted AFTER DELETE ON instances REFERENCING OLD TABLE AS removed
    FOR EACH STATEMENT EXECUTE FUNCTION ${flyway:defaultSchema}.count_deleted();

INSERT INTO status_counts (task_hub, runtime_status, slot, instances)
SELECT task_hub, runtime_status, 0, count(*) FROM instances GROUP BY task_hub, runtime_status;
