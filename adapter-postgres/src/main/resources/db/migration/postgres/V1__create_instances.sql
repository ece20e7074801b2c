-- One row per orchestration instance (its current execution), keyed by task hub first.
-- Ids and texts that are compared by range use COLLATE "C": byte order, so that a prefix filter becomes an
-- index range and the paging order does not depend on the server's locale.
CREATE TABLE instances (
    task_hub              TEXT        NOT NULL,
    instance_id           TEXT        COLLATE "C" NOT NULL,
    execution_id          TEXT        NOT NULL,
    name                  TEXT        NOT NULL,
    version               TEXT,
    runtime_status        TEXT        NOT NULL,
    input                 TEXT,
    output                TEXT,
    custom_status         TEXT        COLLATE "C",
    failure               TEXT,        -- FailureDetails as JSON
    created_at            TIMESTAMPTZ NOT NULL,
    last_updated_at       TIMESTAMPTZ NOT NULL,
    completed_at          TIMESTAMPTZ,
    -- PostgreSQL keeps microseconds; the nanoseconds below them are kept aside so that a caller reads back
    -- exactly the scheduled start it gave.
    scheduled_start_at    TIMESTAMPTZ,
    scheduled_start_ns    SMALLINT,
    parent_instance_id    TEXT        COLLATE "C",
    parent_execution_id   TEXT,
    parent_name           TEXT,
    parent_task_id        INTEGER,
    tags                  TEXT,        -- a JSON object of strings
    revision              BIGINT      NOT NULL,
    -- The lease of the worker processing the instance: owner, the claim's token, and its expiry.
    lock_owner            TEXT,
    lock_token            TEXT,
    locked_until          TIMESTAMPTZ,
    PRIMARY KEY (task_hub, instance_id)
) WITH (fillfactor = 85);

-- Every filter of the list API has an index. Those that can end with (created_at, instance_id), the paging
-- order, do, so that a filtered page is one index range read in order.
CREATE INDEX ix_instances_created ON instances (task_hub, created_at, instance_id);
CREATE INDEX ix_instances_status ON instances (task_hub, runtime_status, created_at, instance_id);
CREATE INDEX ix_instances_name ON instances (task_hub, name, created_at, instance_id);
CREATE INDEX ix_instances_parent ON instances (task_hub, parent_instance_id, created_at, instance_id);
CREATE INDEX ix_instances_updated ON instances (task_hub, last_updated_at);
-- Custom statuses can be large; only their first 100 characters are indexed (a btree entry has a size limit).
CREATE INDEX ix_instances_custom_status ON instances (task_hub, left(custom_status, 100));
