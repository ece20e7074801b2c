-- A page filtered by an id prefix that few instances have is read by sorting those few on their created time
-- (InstanceQueries): this index gives them, with the status and name that other filters test, without a read of
-- the table. Reading the created-time index instead would pass over every older instance first when the ids
-- follow the created time (measured: 44 ms for a prefix of 10,000 of 1,000,000 instances, 5 ms this way).
CREATE INDEX ix_instances_id_created ON instances (task_hub, instance_id, created_at) INCLUDE (runtime_status, name);
