-- The W3C traceparent of the step that scheduled each activity task: the activity's span is a child of that
-- step's, whichever worker runs it. NULL outside any trace (and for tasks stored before this version). Adding a
-- column without a default rewrites nothing.
ALTER TABLE ${flyway:defaultSchema}.activity_tasks ADD COLUMN trace_parent TEXT;

-- The step functions of V9, taking each task's trace context beside its other fields (p_task_trace_parents, in the
-- order of the other task arrays); otherwise unchanged. They are overloads: V9's stay, so that workers of the
-- previous version keep committing during a rolling upgrade (their tasks carry no trace context). A later
-- migration drops them.
CREATE FUNCTION ${flyway:defaultSchema}.write_step(
    p_hub TEXT, p_instance_id TEXT, p_execution_id TEXT, p_now TIMESTAMPTZ,
    p_replace_history BOOLEAN, p_history TEXT[],
    p_task_instance_ids TEXT[], p_task_execution_ids TEXT[], p_task_ids INTEGER[], p_task_names TEXT[],
    p_task_inputs TEXT[], p_task_tokens TEXT[], p_task_trace_parents TEXT[], p_owner TEXT, p_locked_until TIMESTAMPTZ,
    p_channels TEXT[], p_payloads TEXT[]
) RETURNS BIGINT[] LANGUAGE plpgsql AS $$
DECLARE
    v_next INTEGER := 0;
    v_handed BIGINT[] := '{}';
BEGIN
    IF p_replace_history THEN
        DELETE FROM ${flyway:defaultSchema}.history WHERE task_hub = p_hub AND instance_id = p_instance_id;
    ELSIF cardinality(p_history) > 0 THEN
        SELECT coalesce(max(h.sequence) + 1, 0) INTO v_next FROM ${flyway:defaultSchema}.history h
        WHERE h.task_hub = p_hub AND h.instance_id = p_instance_id;
    END IF;
    INSERT INTO ${flyway:defaultSchema}.history (task_hub, instance_id, sequence, execution_id, event)
    SELECT p_hub, p_instance_id, v_next + (e.ord - 1)::INTEGER, p_execution_id, e.event
    FROM unnest(p_history) WITH ORDINALITY AS e(event, ord);

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

    PERFORM pg_notify(n.channel, n.payload) FROM unnest(p_channels, p_payloads) AS n(channel, payload);
    RETURN v_handed;
END $$;

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
    p_channels TEXT[], p_payloads TEXT[], p_if_visible_channel TEXT, p_if_visible_payload TEXT
) RETURNS BIGINT[] LANGUAGE plpgsql AS $$
DECLARE
    v_execution_id TEXT;
    v_handed BIGINT[];
BEGIN
    -- The instance's row first, as claims, purges and replacements lock it before its messages.
    IF p_lease_token IS NULL THEN
        RAISE EXCEPTION 'a commit of instance % names no lease', p_instance_id USING ERRCODE = 'TH001';
    END IF;
    v_execution_id := ${flyway:defaultSchema}.release_instance(p_hub, p_instance_id, p_now, p_lease_token, p_write_row,
        p_changed, p_execution_id, p_name, p_version, p_runtime_status, p_input, p_output, p_custom_status,
        p_failure, p_created_at, p_last_updated_at, p_completed_at, p_scheduled_start_at, p_scheduled_start_ns,
        p_parent_instance_id, p_parent_execution_id, p_parent_name, p_parent_task_id, p_tags);
    IF v_execution_id IS NULL THEN
        RAISE EXCEPTION 'the lease on instance % is lost', p_instance_id USING ERRCODE = 'TH001';
    END IF;
    DELETE FROM ${flyway:defaultSchema}.inbox
    WHERE task_hub = p_hub AND instance_id = p_instance_id AND seq = ANY(p_consumed);
    v_handed := ${flyway:defaultSchema}.write_step(p_hub, p_instance_id, v_execution_id, p_now,
        p_replace_history, p_history, p_task_instance_ids, p_task_execution_ids, p_task_ids, p_task_names,
        p_task_inputs, p_task_tokens, p_task_trace_parents, p_owner, p_locked_until, p_channels, p_payloads);
    IF p_if_visible_payload IS NOT NULL AND EXISTS (SELECT 1 FROM ${flyway:defaultSchema}.inbox m
            WHERE m.task_hub = p_hub AND m.instance_id = p_instance_id AND m.visible_at <= p_now) THEN
        PERFORM pg_notify(p_if_visible_channel, p_if_visible_payload);
    END IF;
    RETURN v_handed;
END $$;

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
    p_channels TEXT[], p_payloads TEXT[]
) RETURNS BIGINT[] LANGUAGE plpgsql AS $$
DECLARE
    v_execution_id TEXT;
BEGIN
    PERFORM 1 FROM ${flyway:defaultSchema}.instances i
    WHERE i.task_hub = p_hub AND i.instance_id = p_instance_id AND i.revision = p_revision
        AND (i.locked_until IS NULL OR i.locked_until <= p_now)
        AND NOT EXISTS (SELECT 1 FROM ${flyway:defaultSchema}.inbox m WHERE m.task_hub = i.task_hub
            AND m.instance_id = i.instance_id AND m.visible_at <= p_now)
    FOR NO KEY UPDATE OF i SKIP LOCKED;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    DELETE FROM ${flyway:defaultSchema}.activity_tasks
    WHERE task_hub = p_hub AND seq = p_task_seq AND lock_token = p_task_token AND locked_until > p_now;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'the lease on task % is lost', p_task_seq USING ERRCODE = 'TH001';
    END IF;
    v_execution_id := ${flyway:defaultSchema}.release_instance(p_hub, p_instance_id, p_now, NULL, p_write_row, p_changed,
        p_execution_id, p_name, p_version, p_runtime_status, p_input, p_output, p_custom_status, p_failure,
        p_created_at, p_last_updated_at, p_completed_at, p_scheduled_start_at, p_scheduled_start_ns,
        p_parent_instance_id, p_parent_execution_id, p_parent_name, p_parent_task_id, p_tags);
    RETURN ${flyway:defaultSchema}.write_step(p_hub, p_instance_id, v_execution_id, p_now,
        p_replace_history, p_history, p_task_instance_ids, p_task_execution_ids, p_task_ids, p_task_names,
        p_task_inputs, p_task_tokens, p_task_trace_parents, p_owner, p_locked_until, p_channels, p_payloads);
END $$;
