-- Activities waiting to run, with their lease while a worker runs them.
CREATE TABLE activity_tasks (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    task_hub      TEXT    NOT NULL,
    instance_id   TEXT    NOT NULL,
    execution_id  TEXT    NOT NULL,
    task_id       INTEGER NOT NULL,
    name          TEXT    NOT NULL,
    input         TEXT,
    visible_at    INTEGER NOT NULL,
    dequeue_count INTEGER NOT NULL DEFAULT 0,
    lock_owner    TEXT,
    lock_token    TEXT,
    locked_until  INTEGER
);

CREATE INDEX ix_tasks_visible ON activity_tasks (task_hub, visible_at, seq);
CREATE INDEX ix_tasks_instance ON activity_tasks (task_hub, instance_id);
