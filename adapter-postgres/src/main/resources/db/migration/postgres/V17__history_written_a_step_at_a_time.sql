-- A step's history events are stored as one row, an array of the events in their order, rather than one row per
-- event. A hello sequence (three activities) wrote 16 history rows in 4 steps, each row a heap tuple, a key in the
-- primary index and its WAL records: the history was the most rows a step wrote, more than all else together.
-- Now it writes 4. A history is read by its rows in sequence order, each row's events in array order.
--
-- The table is renamed history_steps; the rows written before this version become rows of one event, in place
-- (the table is rewritten, and held meanwhile). The name history becomes a view with the old columns, one event
-- per row numbered in order, so that processes of the previous version, still running during a rolling upgrade,
-- go on reading histories and deleting them (purges, task hub deletions) through it. Their steps' writes go
-- through the functions, which this migration replaces for them too.
ALTER TABLE history RENAME TO history_steps;
ALTER INDEX history_pkey RENAME TO history_steps_pkey;
ALTER TABLE history_steps ALTER COLUMN event TYPE TEXT[] USING ARRAY[event];
ALTER TABLE history_steps RENAME COLUMN event TO events;

CREATE VIEW history AS
SELECT h.task_hub, h.instance_id,
    (row_number() OVER (PARTITION BY h.task_hub, h.instance_id ORDER BY h.sequence, e.ord) - 1)::INTEGER
        AS sequence,
    h.execution_id, e.event
FROM history_steps h CROSS JOIN LATERAL unnest(h.events) WITH ORDINALITY AS e(event, ord);

-- The previous version deletes whole histories only (an instance's, or a task hub's).
CREATE FUNCTION ${flyway:defaultSchema}.delete_history_of_previous_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM ${flyway:defaultSchema}.history_steps
    WHERE task_hub = OLD.task_hub AND instance_id = OLD.instance_id;
    RETURN OLD;
END $$;
CREATE TRIGGER history_deleted_by_previous_version INSTEAD OF DELETE ON history
    FOR EACH ROW EXECUTE FUNCTION ${flyway:defaultSchema}.delete_history_of_previous_version();

-- The previous version inserts into the table only when it bulk-loads finished instances (benchmarks).
CREATE FUNCTION ${flyway:defaultSchema}.insert_history_of_previous_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO ${flyway:defaultSchema}.history_steps (task_hub, instance_id, sequence, execution_id, events)
    VALUES (NEW.task_hub, NEW.instance_id, NEW.sequence, NEW.execution_id, ARRAY[NEW.event]);
    RETURN NEW;
END $$;
CREATE TRIGGER history_inserted_by_previous_version INSTEAD OF INSERT ON history
    FOR EACH ROW EXECUTE FUNCTION ${flyway:defaultSchema}.insert_history_of_previous_version();

CREATE OR REPLACE FUNCTION ${flyway:defaultSchema}.write_step(
    p_hub TEXT, p_instance_id TEXT, p_execution_id TEXT, p_now TIMESTAMPTZ,
    p_replace_history BOOLEAN, p_history TEXT[],
    p_task_instance_ids TEXT[], p_task_execution_ids TEXT[], p_task_ids INTEGER[], p_task_names TEXT[],
    p_task_inputs TEXT[], p_task_tokens TEXT[], p_task_trace_parents TEXT[], p_owner TEXT, p_locked_until TIMESTAMPTZ,
    p_channels TEXT[], p_payloads TEXT[]
) RETURNS BIGINT[] LANGUAGE plpgsql AS $$
DECLARE
    v_handed BIGINT[] := '{}';
BEGIN
    -- Each statement run here costs an executor start of its own, a good part of a step's time in the server:
    -- the history is appended in one statement with the look-up of where it continues, and nothing runs for what
    -- the step does not write.
    IF p_replace_history THEN
        DELETE FROM ${flyway:defaultSchema}.history_steps WHERE task_hub = p_hub AND instance_id = p_instance_id;
        IF cardinality(p_history) > 0 THEN
            INSERT INTO ${flyway:defaultSchema}.history_steps (task_hub, instance_id, sequence, execution_id, events)
            VALUES (p_hub, p_instance_id, 0, p_execution_id, p_history);
        END IF;
    ELSIF cardinality(p_history) > 0 THEN
        -- An aggregate without grouping gives one row even for an instance without history yet.
        INSERT INTO ${flyway:defaultSchema}.history_steps (task_hub, instance_id, sequence, execution_id, events)
        SELECT p_hub, p_instance_id, coalesce(max(h.sequence) + 1, 0), p_execution_id, p_history
        FROM ${flyway:defaultSchema}.history_steps h WHERE h.task_hub = p_hub AND h.instance_id = p_instance_id;
    END IF;

    IF cardinality(p_task_ids) > 0 THEN
        WITH inserted AS (
            INSERT INTO ${flyway:defaultSchema}.activity_tasks (task_hub, instance_id, execution_id, task_id, name,
                input, visible_at, dequeue_count, lock_owner, lock_token, locked_until, trace_parent)
            SELECT p_hub, n.instance_id, n.execution_id, n.task_id, n.name, n.input, p_now,
                CASE WHEN n.token IS NULL THEN 0 ELSE 1 END,
                CASE WHEN n.token IS NULL THEN NULL ELSE p_owner END,
                n.token,
                CASE WHEN n.token IS NULL THEN NULL ELSE p_locked_until END,
                n.trace_parent
            FROM unnest(p_task_instance_ids, p_task_execution_ids, p_task_ids, p_task_names, p_task_inputs,
                p_task_tokens, p_task_trace_parents)
                WITH ORDINALITY AS n(instance_id, execution_id, task_id, name, input, token, trace_parent, ord)
            ORDER BY n.ord
            RETURNING seq, lock_token)
        SELECT coalesce(array_agg(i.seq ORDER BY array_position(p_task_tokens, i.lock_token)), '{}')
        INTO v_handed FROM inserted i WHERE i.lock_token IS NOT NULL;
    END IF;

    IF cardinality(p_channels) > 0 THEN
        PERFORM pg_notify(n.channel, n.payload) FROM unnest(p_channels, p_payloads) AS n(channel, payload);
    END IF;
    RETURN v_handed;
END $$;
