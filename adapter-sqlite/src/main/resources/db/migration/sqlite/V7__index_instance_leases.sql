-- An idle worker asks when the next instance lease runs out (MIN(locked_until) of the hub). Without an index that
-- read every instance of the hub, each time a worker went to wait: with a million finished instances, seconds of
-- CPU per wait. Only held instances have a lease, so the index holds those alone.
CREATE INDEX ix_instances_leased ON instances (task_hub, locked_until) WHERE locked_until IS NOT NULL;
