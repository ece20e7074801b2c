-- The current execution's history of each instance, in order; each event is JSON (io.taskhub.ports.json).
CREATE TABLE history (
    task_hub      TEXT    NOT NULL,
    instance_id   TEXT    COLLATE "C" NOT NULL,
    sequence      INTEGER NOT NULL,
    execution_id  TEXT    NOT NULL,
    event         TEXT    NOT NULL,
    PRIMARY KEY (task_hub, instance_id, sequence)
);
