-- The current execution's history, one row per event, in order.
CREATE TABLE history (
    task_hub     TEXT    NOT NULL,
    instance_id  TEXT    NOT NULL,
    sequence     INTEGER NOT NULL,
    execution_id TEXT    NOT NULL,
    event        TEXT    NOT NULL,
    PRIMARY KEY (task_hub, instance_id, sequence)
);
