-- Messages waiting for an instance's next step; seq gives arrival order.
CREATE TABLE inbox (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    task_hub      TEXT    NOT NULL,
    instance_id   TEXT    NOT NULL,
    execution_id  TEXT,
    event         TEXT    NOT NULL,
    visible_at    INTEGER NOT NULL,
    dequeue_count INTEGER NOT NULL DEFAULT 0
);

CREATE INDEX ix_inbox_instance ON inbox (task_hub, instance_id, seq);
CREATE INDEX ix_inbox_visible ON inbox (task_hub, visible_at);
