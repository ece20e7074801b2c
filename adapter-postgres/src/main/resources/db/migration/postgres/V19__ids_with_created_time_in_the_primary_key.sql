-- The primary key carries what ix_instances_id_created (V8) gave beside the ids: the created time, the status and
-- the name, as included columns. A page filtered by an id prefix that few instances have still reads its candidates
-- from one index without the table (InstanceQueries), and the instance row has one index fewer: every insert and
-- every update that changes an indexed column (a hello sequence's start and its two changes of status) wrote an
-- entry into both, and every statement that writes the row opened both. The key's columns stay (task_hub,
-- instance_id), so it remains the conflict target of inserts and the path of every lookup by id.
--
-- Rebuilding the key holds the table's lock meanwhile: seconds for a million instances.
ALTER TABLE instances DROP CONSTRAINT instances_pkey,
    ADD CONSTRAINT instances_pkey PRIMARY KEY (task_hub, instance_id) INCLUDE (created_at, runtime_status, name);
DROP INDEX ix_instances_id_created;
