-- A claim updates the messages it takes (their dequeue counts) by their keys. Joined to the taken ones, the update
-- was planned as a pass over all of the instance's messages checking each against every taken one (a join filter,
-- in plans made while the inbox was small or never analyzed, which a connection keeps): in a fan-in, a claim of
-- 100 results from a backlog of thousands took 5 to 13 ms. Given as a list, the keys are looked up in the
-- instance's index (V11), whatever the plan.
CREATE OR REPLACE FUNCTION ${flyway:defaultSchema}.take_messages(
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
        UPDATE ${flyway:defaultSchema}.inbox SET dequeue_count = dequeue_count + 1
        WHERE task_hub = p_hub AND instance_id = p_instance_id AND seq = ANY (ARRAY(SELECT taken_seq FROM taken))
        RETURNING seq, execution_id, event, requested_visible_at, requested_visible_ns, dequeue_count)
    SELECT coalesce(array_agg(d.seq ORDER BY d.seq), '{}'), coalesce(array_agg(d.execution_id ORDER BY d.seq), '{}'),
        coalesce(array_agg(d.event ORDER BY d.seq), '{}'),
        coalesce(array_agg(d.requested_visible_at ORDER BY d.seq), '{}'),
        coalesce(array_agg(d.requested_visible_ns ORDER BY d.seq), '{}'),
        coalesce(array_agg(d.dequeue_count ORDER BY d.seq), '{}')
    INTO seqs, execution_ids, events, requested_visible_ats, requested_visible_nss, dequeue_counts
    FROM delivered d;
END $$;
