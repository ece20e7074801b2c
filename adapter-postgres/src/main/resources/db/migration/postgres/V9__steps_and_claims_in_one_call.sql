-- Claims and step commits as one call each. Sent statement by statement, a claim took a round trip for each of
-- its statements and one for the COMMIT, and a step's commit one for the fencing, the instance row, the history,
-- the activity tasks and the notifications each. A call made in autocommit mode is its own transaction; a step
-- that also sends messages calls its function inside a transaction and delivers them after it. The statements
-- inside keep cached plans per connection.
--
-- A lost lease raises SQLSTATE TH001: the whole call has no effect.

-- The visible messages (at most p_max, oldest first) of an instance the calling statement has just locked,
-- delivered once more (their dequeue count goes up). Called from the claim statement itself: as a volatile
-- function its statements see what committed after the claim statement began, as a second statement would.
-- p_light: the claim's commit need not wait for the disk (a lease lost in a crash is handled by the fencing of
-- every completion; the next durable commit flushes it anyway).
CREATE FUNCTION ${flyway:defaultSchema}.take_messages(
    p_hub TEXT, p_instance_id TEXT, p_now TIMESTAMPTZ, p_max INTEGER, p_light BOOLEAN,
    OUT seqs BIGINT[], OUT execution_ids TEXT[], OUT events TEXT[], OUT requested_visible_ats TIMESTAMPTZ[],
    OUT requested_visible_nss SMALLINT[], OUT dequeue_counts INTEGER[]
) LANGUAGE plpgsql AS $$
BEGIN
    IF p_light THEN
        PERFORM set_config('synchronous_commit', 'off', true);
    END IF;
    WITH taken AS MATERIALIZED (
        SELECT m.seq AS taken_seq FROM ${flyway:defaultSchema}.inbox m
        WHERE m.task_hub = p_hub AND m.instance_id = p_instance_id AND m.visible_at <= p_now
        ORDER BY m.seq LIMIT p_max),
    delivered AS (
        UPDATE ${flyway:defaultSchema}.inbox SET dequeue_count = dequeue_count + 1 FROM taken
        WHERE task_hub = p_hub AND seq = taken.taken_seq
        RETURNING seq, execution_id, event, requested_visible_at, requested_visible_ns, dequeue_count)
    SELECT coalesce(array_agg(d.seq ORDER BY d.seq), '{}'), coalesce(array_agg(d.execution_id ORDER BY d.seq), '{}'),
        coalesce(array_agg(d.event ORDER BY d.seq), '{}'),
        coalesce(array_agg(d.requested_visible_at ORDER BY d.seq), '{}'),
        coalesce(array_agg(d.requested_visible_ns ORDER BY d.seq), '{}'),
        coalesce(array_agg(d.dequeue_count ORDER BY d.seq), '{}')
    INTO seqs, execution_ids, events, requested_visible_ats, requested_visible_nss, dequeue_counts
    FROM delivered d;
END $$;

-- What both commits write once the instance's row is theirs: the history (replacing it, or appended after its
-- last event), the activity tasks (those with a token leased to p_owner until p_locked_until, for the committing
-- worker to run at once; the others free for any claim), and the notifications. Returns the handed tasks'
-- sequence numbers in the order of their tokens in p_task_tokens.
CREATE FUNCTION ${flyway:defaultSchema}.write_step(
    p_hub TEXT, p_instance_id TEXT, p_execution_id TEXT, p_now TIMESTAMPTZ,
    p_replace_history BOOLEAN, p_history TEXT[],
    p_task_instance_ids TEXT[], p_task_execution_ids TEXT[], p_task_ids INTEGER[], p_task_names TEXT[],
    p_task_inputs TEXT[], p_task_tokens TEXT[], p_owner TEXT, p_locked_until TIMESTAMPTZ,
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
                input, visible_at, dequeue_count, lock_owner, lock_token, locked_until)
            SELECT p_hub, n.instance_id, n.execution_id, n.task_id, n.name, n.input, p_now,
                CASE WHEN n.token IS NULL THEN 0 ELSE 1 END,
                CASE WHEN n.token IS NULL THEN NULL ELSE p_owner END,
                n.token,
                CASE WHEN n.token IS NULL THEN NULL ELSE p_locked_until END
            FROM unnest(p_task_instance_ids, p_task_execution_ids, p_task_ids, p_task_names, p_task_inputs,
                p_task_tokens) WITH ORDINALITY AS n(instance_id, execution_id, task_id, name, input, token, ord)
            ORDER BY n.ord
            RETURNING seq, lock_token)
        SELECT coalesce(array_agg(i.seq ORDER BY array_position(p_task_tokens, i.lock_token)), '{}')
        INTO v_handed FROM inserted i WHERE i.lock_token IS NOT NULL;
    END IF;

    PERFORM pg_notify(n.channel, n.payload) FROM unnest(p_channels, p_payloads) AS n(channel, payload);
    RETURN v_handed;
END $$;

-- Releases the instance's lease and writes its row: the given metadata when p_write_row, and the revision moves
-- when p_changed (the row or the history changes). With p_lease_token, only while that lease holds (NULL returned
-- otherwise, nothing changed); without it, the caller has locked the row and any lease on it is cleared. Returns
-- the row's execution id.
CREATE FUNCTION ${flyway:defaultSchema}.release_instance(
    p_hub TEXT, p_instance_id TEXT, p_now TIMESTAMPTZ, p_lease_token TEXT, p_write_row BOOLEAN, p_changed BOOLEAN,
    p_execution_id TEXT, p_name TEXT, p_version TEXT, p_runtime_status TEXT, p_input TEXT, p_output TEXT,
    p_custom_status TEXT, p_failure TEXT, p_created_at TIMESTAMPTZ, p_last_updated_at TIMESTAMPTZ,
    p_completed_at TIMESTAMPTZ, p_scheduled_start_at TIMESTAMPTZ, p_scheduled_start_ns SMALLINT,
    p_parent_instance_id TEXT, p_parent_execution_id TEXT, p_parent_name TEXT, p_parent_task_id INTEGER,
    p_tags TEXT
) RETURNS TEXT LANGUAGE plpgsql AS $$
DECLARE
    v_execution_id TEXT;
BEGIN
    IF p_write_row THEN
        UPDATE ${flyway:defaultSchema}.instances SET execution_id = p_execution_id, name = p_name,
            version = p_version, runtime_status = p_runtime_status, input = p_input, output = p_output,
            custom_status = p_custom_status, failure = p_failure, created_at = p_created_at,
            last_updated_at = p_last_updated_at, completed_at = p_completed_at,
            scheduled_start_at = p_scheduled_start_at, scheduled_start_ns = p_scheduled_start_ns,
            parent_instance_id = p_parent_instance_id, parent_execution_id = p_parent_execution_id,
            parent_name = p_parent_name, parent_task_id = p_parent_task_id, tags = p_tags,
            revision = revision + 1, lock_owner = NULL, lock_token = NULL, locked_until = NULL
        WHERE task_hub = p_hub AND instance_id = p_instance_id
            AND (p_lease_token IS NULL OR (lock_token = p_lease_token AND locked_until > p_now))
        RETURNING execution_id INTO v_execution_id;
    ELSE
        UPDATE ${flyway:defaultSchema}.instances
        SET revision = revision + CASE WHEN p_changed THEN 1 ELSE 0 END,
            lock_owner = NULL, lock_token = NULL, locked_until = NULL
        WHERE task_hub = p_hub AND instance_id = p_instance_id
            AND (p_lease_token IS NULL OR (lock_token = p_lease_token AND locked_until > p_now))
        RETURNING execution_id INTO v_execution_id;
    END IF;
    RETURN v_execution_id;
END $$;

-- The commit of a claimed work item: consumes the messages it delivered (p_consumed) and releases the lease,
-- which must still hold (token p_lease_token, not expired). p_write_row: the row takes the given metadata;
-- p_changed: the revision moves (the row or the history changes). p_if_visible_*: a notification sent only if
-- the instance has visible messages once released (they arrived while it was held).
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
    p_task_inputs TEXT[], p_task_tokens TEXT[], p_owner TEXT, p_locked_until TIMESTAMPTZ,
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
        p_task_inputs, p_task_tokens, p_owner, p_locked_until, p_channels, p_payloads);
    IF p_if_visible_payload IS NOT NULL AND EXISTS (SELECT 1 FROM ${flyway:defaultSchema}.inbox m
            WHERE m.task_hub = p_hub AND m.instance_id = p_instance_id AND m.visible_at <= p_now) THEN
        PERFORM pg_notify(p_if_visible_channel, p_if_visible_payload);
    END IF;
    RETURN v_handed;
END $$;

-- An activity's result committed together with the step it brings, computed by the worker from its cached
-- session at revision p_revision. Declined (NULL, nothing changed) unless the instance may take that step now:
-- nobody holds it (a transaction holding its row is passed over, not waited for), its revision is that one, and
-- no message of it is visible (the step would skip it). The task is deleted under its lease (TH001 if lost),
-- and an expired lease that was passed over is cleared, so that its holder can neither renew nor commit.
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
    p_task_inputs TEXT[], p_task_tokens TEXT[], p_owner TEXT, p_locked_until TIMESTAMPTZ,
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
        p_task_inputs, p_task_tokens, p_owner, p_locked_until, p_channels, p_payloads);
END $$;
