-- Activities handed to the committing worker without a task row. A step that hands a few activities to its own
-- worker (the usual case: a sequence of activities, each result committed with the next step) inserted a task row
-- for each, held by that worker, with its index entries, and the result's commit deleted it again: two of the four
-- rows a hello sequence's step wrote. The history already says durably that the activity was scheduled; what the
-- row added was who runs it, until when, and the fencing of its result. These now live on the instance's row,
-- which every step updates anyway:
--
-- * handed: the activities handed without a row and not done yet, an entry each: the task whole and its lease's
--   token, as a JSON array (execution id, task id, token, name, input, trace context; StepCalls.entry), for
--   activities with inputs of at most 1,000 characters. A result is taken only while its entry is there, and
--   taking it removes the entry in the same statement, so a result is recorded at most once. Not indexed: the
--   step's update stays HOT.
-- * handed_owner: the worker they were handed to (the lease's owner). A step hands activities without rows only
--   when the instance's entries are this worker's, or there are none. Set while there are entries and unchanged
--   from step to step (a hello sequence's steps keep it), so that its index (of the instances with entries) does
--   not make those updates write every index of the row.
-- * handed_until: the end of their lease, as a task row's locked_until: set by the hand-off, moved on by the
--   renewals of activities that run long. Once it has passed, the backend's housekeeping turns the entries into
--   task rows anyone may claim and clears them (HandOffRecovery), so the late result of a worker that was only
--   slow finds no entry and is dropped.
--
-- Entries outlive a step that finishes the instance or replaces its history, as task rows did: a result that
-- comes late is recorded for a failed instance (a rewind keeps it), and one of an earlier execution is dropped by
-- the engine. The functions below are new overloads (one more parameter); those of V9 to V17 stay for processes of
-- the previous version during a rolling upgrade, which insert rows as before and leave the new columns alone (a
-- rollback to that version would leave the entries of this one unrecovered).
ALTER TABLE instances ADD COLUMN handed TEXT[], ADD COLUMN handed_owner TEXT, ADD COLUMN handed_until TIMESTAMPTZ;
CREATE INDEX ix_instances_handed ON instances (task_hub, instance_id) WHERE handed_owner IS NOT NULL;

-- write_step of V17 for a step whose handed tasks (those with a token) are recorded on the instance's row when
-- p_rowless: only the others are inserted, and the result holds a NULL for each handed task.
CREATE FUNCTION ${flyway:defaultSchema}.write_step(
    p_hub TEXT, p_instance_id TEXT, p_execution_id TEXT, p_now TIMESTAMPTZ,
    p_replace_history BOOLEAN, p_history TEXT[],
    p_task_instance_ids TEXT[], p_task_execution_ids TEXT[], p_task_ids INTEGER[], p_task_names TEXT[],
    p_task_inputs TEXT[], p_task_tokens TEXT[], p_task_trace_parents TEXT[], p_owner TEXT, p_locked_until TIMESTAMPTZ,
    p_channels TEXT[], p_payloads TEXT[], p_rowless BOOLEAN, p_rowless_count INTEGER
) RETURNS BIGINT[] LANGUAGE plpgsql AS $$
DECLARE
    v_handed BIGINT[] := '{}';
BEGIN
    IF p_replace_history THEN
        DELETE FROM ${flyway:defaultSchema}.history_steps WHERE task_hub = p_hub AND instance_id = p_instance_id;
        IF cardinality(p_history) > 0 THEN
            INSERT INTO ${flyway:defaultSchema}.history_steps (task_hub, instance_id, sequence, execution_id, events)
            VALUES (p_hub, p_instance_id, 0, p_execution_id, p_history);
        END IF;
    ELSIF cardinality(p_history) > 0 THEN
        INSERT INTO ${flyway:defaultSchema}.history_steps (task_hub, instance_id, sequence, execution_id, events)
        SELECT p_hub, p_instance_id, coalesce(max(h.sequence) + 1, 0), p_execution_id, p_history
        FROM ${flyway:defaultSchema}.history_steps h WHERE h.task_hub = p_hub AND h.instance_id = p_instance_id;
    END IF;

    IF p_rowless THEN
        v_handed := array_fill(NULL::BIGINT, ARRAY[p_rowless_count]);
        IF cardinality(p_task_ids) > p_rowless_count THEN
            INSERT INTO ${flyway:defaultSchema}.activity_tasks (task_hub, instance_id, execution_id, task_id, name,
                input, visible_at, dequeue_count, trace_parent)
            SELECT p_hub, n.instance_id, n.execution_id, n.task_id, n.name, n.input, p_now, 0, n.trace_parent
            FROM unnest(p_task_instance_ids, p_task_execution_ids, p_task_ids, p_task_names, p_task_inputs,
                p_task_tokens, p_task_trace_parents)
                WITH ORDINALITY AS n(instance_id, execution_id, task_id, name, input, token, trace_parent, ord)
            WHERE n.token IS NULL
            ORDER BY n.ord;
        END IF;
    ELSIF cardinality(p_task_ids) > 0 THEN
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

-- The rule for the three columns, written out in each update below (an update's SET reads the row as it was):
--   kept    = the row's entries, without p_task_entry (the result this step takes, if handed without a row);
--   rowless = the step hands p_handed_entries (to p_owner, until p_locked_until) and the kept entries are
--             p_owner's, or there are none;
--   handed  = kept, and p_handed_entries after them if rowless;
--   owner   = p_owner if rowless, none once nothing is kept, else unchanged;
--   until   = p_locked_until if rowless with nothing kept, the later of both if rowless, none once nothing is kept,
--             else unchanged.
-- Whether the step's hand-off went without rows is read back from the updated row (its first entry is there).

-- commit_step of V11, with the lease released in the call itself (V9's release_instance was a nested function,
-- a call of its own on every step).
CREATE FUNCTION ${flyway:defaultSchema}.commit_step(
    p_hub TEXT, p_instance_id TEXT, p_now TIMESTAMPTZ, p_lease_token TEXT, p_consumed BIGINT[],
    p_write_row BOOLEAN, p_changed BOOLEAN,
    p_execution_id TEXT, p_name TEXT, p_version TEXT, p_runtime_status TEXT, p_input TEXT, p_output TEXT,
    p_custom_status TEXT, p_failure TEXT, p_created_at TIMESTAMPTZ, p_last_updated_at TIMESTAMPTZ,
    p_completed_at TIMESTAMPTZ, p_scheduled_start_at TIMESTAMPTZ, p_scheduled_start_ns SMALLINT,
    p_parent_instance_id TEXT, p_parent_execution_id TEXT, p_parent_name TEXT, p_parent_task_id INTEGER,
    p_tags TEXT,
    p_replace_history BOOLEAN, p_history TEXT[],
    p_task_instance_ids TEXT[], p_task_execution_ids TEXT[], p_task_ids INTEGER[], p_task_names TEXT[],
    p_task_inputs TEXT[], p_task_tokens TEXT[], p_task_trace_parents TEXT[], p_owner TEXT, p_locked_until TIMESTAMPTZ,
    p_channels TEXT[], p_payloads TEXT[], p_handed_entries TEXT[],
    p_if_visible_channel TEXT, p_if_visible_payload TEXT
) RETURNS BIGINT[] LANGUAGE plpgsql AS $$
DECLARE
    v_execution_id TEXT;
    v_rowless BOOLEAN;
    v_handed BIGINT[];
BEGIN
    -- The instance's row first, as claims, purges and replacements lock it before its messages.
    IF p_lease_token IS NULL THEN
        RAISE EXCEPTION 'a commit of instance % names no lease', p_instance_id USING ERRCODE = 'TH001';
    END IF;
    IF p_write_row THEN
        UPDATE ${flyway:defaultSchema}.instances i SET execution_id = p_execution_id, name = p_name,
            version = p_version, runtime_status = p_runtime_status, input = p_input, output = p_output,
            custom_status = p_custom_status, failure = p_failure, created_at = p_created_at,
            last_updated_at = p_last_updated_at, completed_at = p_completed_at,
            scheduled_start_at = p_scheduled_start_at, scheduled_start_ns = p_scheduled_start_ns,
            parent_instance_id = p_parent_instance_id, parent_execution_id = p_parent_execution_id,
            parent_name = p_parent_name, parent_task_id = p_parent_task_id, tags = p_tags,
            revision = revision + 1, lock_owner = NULL, lock_token = NULL, locked_until = NULL,
            handed = CASE WHEN cardinality(p_handed_entries) > 0
                    AND (i.handed_owner IS NULL OR i.handed_owner = p_owner OR coalesce(cardinality(i.handed), 0) = 0)
                THEN coalesce(i.handed, '{}') || p_handed_entries ELSE nullif(i.handed, '{}') END,
            handed_owner = CASE WHEN cardinality(p_handed_entries) > 0
                    AND (i.handed_owner IS NULL OR i.handed_owner = p_owner OR coalesce(cardinality(i.handed), 0) = 0)
                THEN p_owner WHEN coalesce(cardinality(i.handed), 0) = 0 THEN NULL ELSE i.handed_owner END,
            handed_until = CASE WHEN cardinality(p_handed_entries) > 0
                    AND (i.handed_owner IS NULL OR i.handed_owner = p_owner OR coalesce(cardinality(i.handed), 0) = 0)
                THEN CASE WHEN coalesce(cardinality(i.handed), 0) = 0 THEN p_locked_until ELSE greatest(i.handed_until, p_locked_until) END
                WHEN coalesce(cardinality(i.handed), 0) = 0 THEN NULL ELSE i.handed_until END
        WHERE i.task_hub = p_hub AND i.instance_id = p_instance_id
            AND i.lock_token = p_lease_token AND i.locked_until > p_now
        RETURNING i.execution_id, coalesce(p_handed_entries[1] = ANY(i.handed), false) INTO v_execution_id, v_rowless;
    ELSE
        UPDATE ${flyway:defaultSchema}.instances i
        SET revision = revision + CASE WHEN p_changed THEN 1 ELSE 0 END,
            lock_owner = NULL, lock_token = NULL, locked_until = NULL,
            handed = CASE WHEN cardinality(p_handed_entries) > 0
                    AND (i.handed_owner IS NULL OR i.handed_owner = p_owner OR coalesce(cardinality(i.handed), 0) = 0)
                THEN coalesce(i.handed, '{}') || p_handed_entries ELSE nullif(i.handed, '{}') END,
            handed_owner = CASE WHEN cardinality(p_handed_entries) > 0
                    AND (i.handed_owner IS NULL OR i.handed_owner = p_owner OR coalesce(cardinality(i.handed), 0) = 0)
                THEN p_owner WHEN coalesce(cardinality(i.handed), 0) = 0 THEN NULL ELSE i.handed_owner END,
            handed_until = CASE WHEN cardinality(p_handed_entries) > 0
                    AND (i.handed_owner IS NULL OR i.handed_owner = p_owner OR coalesce(cardinality(i.handed), 0) = 0)
                THEN CASE WHEN coalesce(cardinality(i.handed), 0) = 0 THEN p_locked_until ELSE greatest(i.handed_until, p_locked_until) END
                WHEN coalesce(cardinality(i.handed), 0) = 0 THEN NULL ELSE i.handed_until END
        WHERE i.task_hub = p_hub AND i.instance_id = p_instance_id
            AND i.lock_token = p_lease_token AND i.locked_until > p_now
        RETURNING i.execution_id, coalesce(p_handed_entries[1] = ANY(i.handed), false) INTO v_execution_id, v_rowless;
    END IF;
    IF v_execution_id IS NULL THEN
        RAISE EXCEPTION 'the lease on instance % is lost', p_instance_id USING ERRCODE = 'TH001';
    END IF;
    DELETE FROM ${flyway:defaultSchema}.inbox
    WHERE task_hub = p_hub AND instance_id = p_instance_id AND seq = ANY(p_consumed);
    v_handed := ${flyway:defaultSchema}.write_step(p_hub, p_instance_id, v_execution_id, p_now,
        p_replace_history, p_history, p_task_instance_ids, p_task_execution_ids, p_task_ids, p_task_names,
        p_task_inputs, p_task_tokens, p_task_trace_parents, p_owner, p_locked_until, p_channels, p_payloads,
        v_rowless, cardinality(p_handed_entries));
    IF p_if_visible_payload IS NOT NULL AND (SELECT m.seq FROM ${flyway:defaultSchema}.inbox m
            WHERE m.task_hub = p_hub AND m.instance_id = p_instance_id AND m.visible_at <= p_now
            ORDER BY m.seq LIMIT 1) IS NOT NULL THEN
        PERFORM pg_notify(p_if_visible_channel, p_if_visible_payload);
    END IF;
    RETURN v_handed;
END $$;

-- commit_result_with_step of V11; the result's task is named either by its row (p_task_seq, fenced by its lease
-- token p_task_token) or, when it was handed without a row (p_task_seq NULL), by its entry (p_task_token) on the
-- instance's row: the update takes the step only while the entry is there, and removes it.
CREATE FUNCTION ${flyway:defaultSchema}.commit_result_with_step(
    p_hub TEXT, p_instance_id TEXT, p_now TIMESTAMPTZ, p_task_seq BIGINT, p_task_token TEXT, p_revision BIGINT,
    p_write_row BOOLEAN, p_changed BOOLEAN,
    p_execution_id TEXT, p_name TEXT, p_version TEXT, p_runtime_status TEXT, p_input TEXT, p_output TEXT,
    p_custom_status TEXT, p_failure TEXT, p_created_at TIMESTAMPTZ, p_last_updated_at TIMESTAMPTZ,
    p_completed_at TIMESTAMPTZ, p_scheduled_start_at TIMESTAMPTZ, p_scheduled_start_ns SMALLINT,
    p_parent_instance_id TEXT, p_parent_execution_id TEXT, p_parent_name TEXT, p_parent_task_id INTEGER,
    p_tags TEXT,
    p_replace_history BOOLEAN, p_history TEXT[],
    p_task_instance_ids TEXT[], p_task_execution_ids TEXT[], p_task_ids INTEGER[], p_task_names TEXT[],
    p_task_inputs TEXT[], p_task_tokens TEXT[], p_task_trace_parents TEXT[], p_owner TEXT, p_locked_until TIMESTAMPTZ,
    p_channels TEXT[], p_payloads TEXT[], p_handed_entries TEXT[]
) RETURNS BIGINT[] LANGUAGE plpgsql AS $$
DECLARE
    v_execution_id TEXT;
    v_rowless BOOLEAN;
    v_entry TEXT := CASE WHEN p_task_seq IS NULL THEN p_task_token END;
BEGIN
    -- The row first, as claims lock it before its messages and tasks: written only if the instance may take this
    -- step now (a transaction holding the row is waited for, and the conditions are rechecked on what it left).
    -- An expired lease that was passed over is cleared, so that its holder can neither renew nor commit.
    IF p_write_row THEN
        UPDATE ${flyway:defaultSchema}.instances i SET execution_id = p_execution_id, name = p_name,
            version = p_version, runtime_status = p_runtime_status, input = p_input, output = p_output,
            custom_status = p_custom_status, failure = p_failure, created_at = p_created_at,
            last_updated_at = p_last_updated_at, completed_at = p_completed_at,
            scheduled_start_at = p_scheduled_start_at, scheduled_start_ns = p_scheduled_start_ns,
            parent_instance_id = p_parent_instance_id, parent_execution_id = p_parent_execution_id,
            parent_name = p_parent_name, parent_task_id = p_parent_task_id, tags = p_tags,
            revision = revision + 1, lock_owner = NULL, lock_token = NULL, locked_until = NULL,
            handed = CASE WHEN cardinality(p_handed_entries) > 0
                    AND (i.handed_owner IS NULL OR i.handed_owner = p_owner OR coalesce(cardinality(array_remove(i.handed, v_entry)), 0) = 0)
                THEN coalesce(array_remove(i.handed, v_entry), '{}') || p_handed_entries ELSE nullif(array_remove(i.handed, v_entry), '{}') END,
            handed_owner = CASE WHEN cardinality(p_handed_entries) > 0
                    AND (i.handed_owner IS NULL OR i.handed_owner = p_owner OR coalesce(cardinality(array_remove(i.handed, v_entry)), 0) = 0)
                THEN p_owner WHEN coalesce(cardinality(array_remove(i.handed, v_entry)), 0) = 0 THEN NULL ELSE i.handed_owner END,
            handed_until = CASE WHEN cardinality(p_handed_entries) > 0
                    AND (i.handed_owner IS NULL OR i.handed_owner = p_owner OR coalesce(cardinality(array_remove(i.handed, v_entry)), 0) = 0)
                THEN CASE WHEN coalesce(cardinality(array_remove(i.handed, v_entry)), 0) = 0 THEN p_locked_until ELSE greatest(i.handed_until, p_locked_until) END
                WHEN coalesce(cardinality(array_remove(i.handed, v_entry)), 0) = 0 THEN NULL ELSE i.handed_until END
        WHERE i.task_hub = p_hub AND i.instance_id = p_instance_id AND i.revision = p_revision
            AND (i.locked_until IS NULL OR i.locked_until <= p_now)
            AND (v_entry IS NULL OR v_entry = ANY(i.handed))
            AND NOT EXISTS (SELECT 1 FROM ${flyway:defaultSchema}.inbox m WHERE m.task_hub = i.task_hub
                AND m.instance_id = i.instance_id AND m.visible_at <= p_now)
        RETURNING i.execution_id, coalesce(p_handed_entries[1] = ANY(i.handed), false) INTO v_execution_id, v_rowless;
    ELSE
        UPDATE ${flyway:defaultSchema}.instances i
        SET revision = revision + CASE WHEN p_changed THEN 1 ELSE 0 END,
            lock_owner = NULL, lock_token = NULL, locked_until = NULL,
            handed = CASE WHEN cardinality(p_handed_entries) > 0
                    AND (i.handed_owner IS NULL OR i.handed_owner = p_owner OR coalesce(cardinality(array_remove(i.handed, v_entry)), 0) = 0)
                THEN coalesce(array_remove(i.handed, v_entry), '{}') || p_handed_entries ELSE nullif(array_remove(i.handed, v_entry), '{}') END,
            handed_owner = CASE WHEN cardinality(p_handed_entries) > 0
                    AND (i.handed_owner IS NULL OR i.handed_owner = p_owner OR coalesce(cardinality(array_remove(i.handed, v_entry)), 0) = 0)
                THEN p_owner WHEN coalesce(cardinality(array_remove(i.handed, v_entry)), 0) = 0 THEN NULL ELSE i.handed_owner END,
            handed_until = CASE WHEN cardinality(p_handed_entries) > 0
                    AND (i.handed_owner IS NULL OR i.handed_owner = p_owner OR coalesce(cardinality(array_remove(i.handed, v_entry)), 0) = 0)
                THEN CASE WHEN coalesce(cardinality(array_remove(i.handed, v_entry)), 0) = 0 THEN p_locked_until ELSE greatest(i.handed_until, p_locked_until) END
                WHEN coalesce(cardinality(array_remove(i.handed, v_entry)), 0) = 0 THEN NULL ELSE i.handed_until END
        WHERE i.task_hub = p_hub AND i.instance_id = p_instance_id AND i.revision = p_revision
            AND (i.locked_until IS NULL OR i.locked_until <= p_now)
            AND (v_entry IS NULL OR v_entry = ANY(i.handed))
            AND NOT EXISTS (SELECT 1 FROM ${flyway:defaultSchema}.inbox m WHERE m.task_hub = i.task_hub
                AND m.instance_id = i.instance_id AND m.visible_at <= p_now)
        RETURNING i.execution_id, coalesce(p_handed_entries[1] = ANY(i.handed), false) INTO v_execution_id, v_rowless;
    END IF;
    IF v_execution_id IS NULL THEN
        RETURN NULL;
    END IF;
    IF p_task_seq IS NOT NULL THEN
        DELETE FROM ${flyway:defaultSchema}.activity_tasks
        WHERE task_hub = p_hub AND seq = p_task_seq AND lock_token = p_task_token AND locked_until > p_now;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'the lease on task % is lost', p_task_seq USING ERRCODE = 'TH001';
        END IF;
    END IF;
    RETURN ${flyway:defaultSchema}.write_step(p_hub, p_instance_id, v_execution_id, p_now,
        p_replace_history, p_history, p_task_instance_ids, p_task_execution_ids, p_task_ids, p_task_names,
        p_task_inputs, p_task_tokens, p_task_trace_parents, p_owner, p_locked_until, p_channels, p_payloads,
        v_rowless, cardinality(p_handed_entries));
END $$;

-- create_with_step of V16: a new instance's row holds its first step's entries, if it hands any without rows.
CREATE FUNCTION ${flyway:defaultSchema}.create_with_step(
    p_hub TEXT, p_instance_id TEXT, p_now TIMESTAMPTZ, p_revision BIGINT,
    p_write_row BOOLEAN, p_changed BOOLEAN,
    p_execution_id TEXT, p_name TEXT, p_version TEXT, p_runtime_status TEXT, p_input TEXT, p_output TEXT,
    p_custom_status TEXT, p_failure TEXT, p_created_at TIMESTAMPTZ, p_last_updated_at TIMESTAMPTZ,
    p_completed_at TIMESTAMPTZ, p_scheduled_start_at TIMESTAMPTZ, p_scheduled_start_ns SMALLINT,
    p_parent_instance_id TEXT, p_parent_execution_id TEXT, p_parent_name TEXT, p_parent_task_id INTEGER,
    p_tags TEXT,
    p_replace_history BOOLEAN, p_history TEXT[],
    p_task_instance_ids TEXT[], p_task_execution_ids TEXT[], p_task_ids INTEGER[], p_task_names TEXT[],
    p_task_inputs TEXT[], p_task_tokens TEXT[], p_task_trace_parents TEXT[], p_owner TEXT, p_locked_until TIMESTAMPTZ,
    p_channels TEXT[], p_payloads TEXT[], p_handed_entries TEXT[]
) RETURNS BIGINT[] LANGUAGE plpgsql AS $$
DECLARE
    v_execution_id TEXT;
    v_rowless BOOLEAN := cardinality(p_handed_entries) > 0;
BEGIN
    INSERT INTO ${flyway:defaultSchema}.instances (task_hub, instance_id, revision, execution_id, name, version,
        runtime_status, input, output, custom_status, failure, created_at, last_updated_at, completed_at,
        scheduled_start_at, scheduled_start_ns, parent_instance_id, parent_execution_id, parent_name,
        parent_task_id, tags, handed, handed_owner, handed_until)
    VALUES (p_hub, p_instance_id, p_revision, p_execution_id, p_name, p_version, p_runtime_status, p_input,
        p_output, p_custom_status, p_failure, p_created_at, p_last_updated_at, p_completed_at, p_scheduled_start_at,
        p_scheduled_start_ns, p_parent_instance_id, p_parent_execution_id, p_parent_name, p_parent_task_id, p_tags,
        CASE WHEN v_rowless THEN p_handed_entries END, CASE WHEN v_rowless THEN p_owner END,
        CASE WHEN v_rowless THEN p_locked_until END)
    ON CONFLICT (task_hub, instance_id) DO NOTHING
    RETURNING execution_id INTO v_execution_id;
    IF v_execution_id IS NULL THEN
        RETURN NULL;
    END IF;
    RETURN ${flyway:defaultSchema}.write_step(p_hub, p_instance_id, v_execution_id, p_now, false, p_history,
        p_task_instance_ids, p_task_execution_ids, p_task_ids, p_task_names, p_task_inputs, p_task_tokens,
        p_task_trace_parents, p_owner, p_locked_until, p_channels, p_payloads, v_rowless,
        cardinality(p_handed_entries));
END $$;
