-- A start taken by a worker of the starting process is stored together with its first step, run before anything
-- was stored: the instance's row as the step leaves it (Running, usually), the step's history and its activity
-- tasks, in one call. Before, the start was one statement (the Pending row, its start message held by the worker)
-- and the step another (the message deleted, the row updated to Running: a change of status, so every index of the
-- row got an entry again). The parameters after the revision are those of commit_step's step (V11), so that both
-- are bound alike; the row is written whatever p_write_row says, and no history is replaced (there is none).
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
    p_channels TEXT[], p_payloads TEXT[]
) RETURNS BIGINT[] LANGUAGE plpgsql AS $$
DECLARE
    v_execution_id TEXT;
BEGIN
    -- An id taken meanwhile (or before) is left as it is: the caller creates its start the usual way, under the
    -- start rules, and its step is dropped.
    INSERT INTO ${flyway:defaultSchema}.instances (task_hub, instance_id, revision, execution_id, name, version,
        runtime_status, input, output, custom_status, failure, created_at, last_updated_at, completed_at,
        scheduled_start_at, scheduled_start_ns, parent_instance_id, parent_execution_id, parent_name,
        parent_task_id, tags)
    VALUES (p_hub, p_instance_id, p_revision, p_execution_id, p_name, p_version, p_runtime_status, p_input,
        p_output, p_custom_status, p_failure, p_created_at, p_last_updated_at, p_completed_at, p_scheduled_start_at,
        p_scheduled_start_ns, p_parent_instance_id, p_parent_execution_id, p_parent_name, p_parent_task_id, p_tags)
    ON CONFLICT (task_hub, instance_id) DO NOTHING
    RETURNING execution_id INTO v_execution_id;
    IF v_execution_id IS NULL THEN
        RETURN NULL;
    END IF;
    RETURN ${flyway:defaultSchema}.write_step(p_hub, p_instance_id, v_execution_id, p_now, false, p_history,
        p_task_instance_ids, p_task_execution_ids, p_task_ids, p_task_names, p_task_inputs, p_task_tokens,
        p_task_trace_parents, p_owner, p_locked_until, p_channels, p_payloads);
END $$;
