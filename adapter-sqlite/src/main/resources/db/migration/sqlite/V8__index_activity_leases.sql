-- The same question as V7 asks of instances, asked of activity tasks (MIN(locked_until) of the hub's held tasks):
-- without this index it read every task of the hub each time a worker went to wait, 10,000 rows in a fan-out of
-- 10,000. Only held tasks have a lease, so the index holds those alone.
CREATE INDEX ix_tasks_leased ON activity_tasks (task_hub, locked_until) WHERE locked_until IS NOT NULL;
