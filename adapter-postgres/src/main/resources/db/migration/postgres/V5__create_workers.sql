-- The running workers of each task hub and the names they run, while their announcements last.
CREATE TABLE workers (
    task_hub      TEXT        NOT NULL,
    worker_id     TEXT        NOT NULL,
    orchestrators TEXT        NOT NULL,
    activities    TEXT        NOT NULL,
    expires_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (task_hub, worker_id)
);
