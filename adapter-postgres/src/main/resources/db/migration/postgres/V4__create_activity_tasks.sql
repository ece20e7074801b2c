-- Activities to run, oldest (lowest seq) first, each claimed under its own lease.
CREATE TABLE activity_tasks (
    task_hub       TEXT        NOT NULL,
    seq            BIGSERIAL   NOT NULL,
    instance_id    TEXT        COLLATE "C" NOT NULL,
    execution_id   TEXT        NOT NULL,
    task_id        INTEGER     NOT NULL,
    name           TEXT        NOT NULL,
    input          TEXT,
    visible_at     TIMESTAMPTZ NOT NULL,
    dequeue_count  INTEGER     NOT NULL DEFAULT 0,
    lock_owner     TEXT,
    lock_token     TEXT,
    locked_until   TIMESTAMPTZ,
    PRIMARY KEY (task_hub, seq)
) WITH (fillfactor = 85);

CREATE INDEX ix_activity_tasks_instance ON activity_tasks (task_hub, instance_id);
CREATE INDEX ix_activity_tasks_visible ON activity_tasks (task_hub, visible_at);
