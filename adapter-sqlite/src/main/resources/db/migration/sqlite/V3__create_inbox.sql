-- Messages waiting for an instance's next step; seq gives arrival order. visible_at is when the message
-- may be delivered (moved on by retries); requested_at is the visibility its sender asked for (or null).
CREATE TABLE inbox (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    task_hub      TEXT    NOT NULL,
    instance_id   TEXT    NOT NULL,
    execution_id  TEXT,
    event         TEXT    NOT NULL,
    visible_at    INTEGER NOT NULL,
    requested_at  INTEGER,
    dequeue_count INTEGER NOT NULL DEFAULT 0
);

CREATE INDEX ix_inbox_instance ON inbox (task_hub, instance_id, seq);
CREATE INDEX ix_inbox_visible ON inbox (task_hub, visible_at);
