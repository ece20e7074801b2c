-- Messages waiting for an instance's next step. seq gives the arrival order; visible_at delays delivery
-- (timers, scheduled starts, retry back-off). requested_visible_at is the message's own visible-at, read back
-- as given (with its sub-microsecond nanoseconds), while visible_at is what delivery uses and abandon moves.
CREATE TABLE inbox (
    task_hub               TEXT        NOT NULL,
    seq                    BIGSERIAL   NOT NULL,
    instance_id            TEXT        COLLATE "C" NOT NULL,
    execution_id           TEXT,
    event                  TEXT        NOT NULL,
    requested_visible_at   TIMESTAMPTZ,
    requested_visible_ns   SMALLINT,
    visible_at             TIMESTAMPTZ NOT NULL,
    dequeue_count          INTEGER     NOT NULL DEFAULT 0,
    PRIMARY KEY (task_hub, seq)
) WITH (fillfactor = 85);

CREATE INDEX ix_inbox_instance ON inbox (task_hub, instance_id, seq);
CREATE INDEX ix_inbox_visible ON inbox (task_hub, visible_at);
