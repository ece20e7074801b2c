-- One row per orchestration instance (its current execution). Times are epoch nanoseconds (UTC).
CREATE TABLE instances (
    task_hub            TEXT    NOT NULL,
    instance_id         TEXT    NOT NULL,
    execution_id        TEXT    NOT NULL,
    name                TEXT    NOT NULL,
    version             TEXT,
    runtime_status      TEXT    NOT NULL,
    input               TEXT,
    output              TEXT,
    custom_status       TEXT,
    failure             TEXT,
    created_at          INTEGER NOT NULL,
    last_updated_at     INTEGER NOT NULL,
    completed_at        INTEGER,
    scheduled_start_at  INTEGER,
    parent_instance_id  TEXT,
    parent_execution_id TEXT,
    parent_name         TEXT,
    parent_task_id      INTEGER,
    tags                TEXT,
    revision            INTEGER NOT NULL,
    lock_owner          TEXT,
    lock_token          TEXT,
    locked_until        INTEGER,
    PRIMARY KEY (task_hub, instance_id)
);

-- Every filter of the list API has an index; all end with (created_at, instance_id), the paging order.
CREATE INDEX ix_instances_created ON instances (task_hub, created_at, instance_id);
CREATE INDEX ix_instances_status ON instances (task_hub, runtime_status, created_at, instance_id);
CREATE INDEX ix_instances_name ON instances (task_hub, name, created_at, instance_id);
CREATE INDEX ix_instances_updated ON instances (task_hub, last_updated_at);
CREATE INDEX ix_instances_parent ON instances (task_hub, parent_instance_id, created_at, instance_id);
