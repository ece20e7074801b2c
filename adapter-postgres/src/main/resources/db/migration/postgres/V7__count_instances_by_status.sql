-- Running counts of each task hub's instances per status, so that counting a hub by status reads a few rows
-- instead of an index range per status (over a million instances: seconds while the visibility map is not set,
-- and never less than tens of milliseconds). Triggers record every change in the transaction that makes it.
-- The rows are deltas, only ever inserted: transactions that change statuses at once never wait for each other
-- on a shared counter row (nor deadlock over two of them). A count is the sum of its hub's rows; the backend
-- folds each hub's rows into one per status now and then (StatusCountFolder).
CREATE TABLE status_counts (
    task_hub        TEXT   NOT NULL,
    runtime_status  TEXT   NOT NULL,
    instances       BIGINT NOT NULL
);
CREATE INDEX ix_status_counts_hub ON status_counts (task_hub, runtime_status);

CREATE FUNCTION ${flyway:defaultSchema}.count_status_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- One row changed its status (the trigger's WHEN clause): one less of the old, one more of the new.
    INSERT INTO ${flyway:defaultSchema}.status_counts (task_hub, runtime_status, instances)
    VALUES (OLD.task_hub, OLD.runtime_status, -1), (NEW.task_hub, NEW.runtime_status, 1);
    RETURN NULL;
END $$;

CREATE FUNCTION ${flyway:defaultSchema}.count_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Per statement, so that a bulk insert adds one row per status.
    INSERT INTO ${flyway:defaultSchema}.status_counts (task_hub, runtime_status, instances)
    SELECT task_hub, runtime_status, count(*) FROM added GROUP BY task_hub, runtime_status;
    RETURN NULL;
END $$;

CREATE FUNCTION ${flyway:defaultSchema}.count_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Per statement, so that a purge of a chunk subtracts one row per status.
    INSERT INTO ${flyway:defaultSchema}.status_counts (task_hub, runtime_status, instances)
    SELECT task_hub, runtime_status, -count(*) FROM removed GROUP BY task_hub, runtime_status;
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

INSERT INTO status_counts (task_hub, runtime_status, instances)
SELECT task_hub, runtime_status, count(*) FROM instances GROUP BY task_hub, runtime_status;
