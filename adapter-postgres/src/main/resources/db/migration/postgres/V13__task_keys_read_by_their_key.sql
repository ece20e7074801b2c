-- A statement that names an activity task by its key (hub and sequence number: the deletion of a finished task, a
-- lease's renewal or release) must read the primary key. It did not always: after a burst had churned the table
-- (thousands of tasks handed over, run and deleted, the dead ones not yet vacuumed) the backend analyzed it with a
-- few live tasks, every index then looked as cheap as the key to a generic plan, and the plan kept for the
-- connection read the finished task through the index of visible tasks: every task of the hub, live and dead, for
-- each result. Seen in bursts on a hub that had grown: a result's commit cost four times as much for the rest of the
-- burst. The other two indexes no longer begin with the hub, so that they offer nothing to such a statement. The
-- looks they serve (when a hub's next delayed task is due, a hub's backlog, an instance's tasks) read the same
-- range as before where the schema holds one task hub; where several share it, they also pass over the other
-- hubs' entries in that range (their delayed tasks, their tasks due now), which are rarely many: a hub's tasks are
-- due at once unless retried with a delay. The claims of tasks read the primary key in either case.
DROP INDEX ix_activity_tasks_visible;
CREATE INDEX ix_activity_tasks_visible ON activity_tasks (visible_at);
DROP INDEX ix_activity_tasks_instance;
CREATE INDEX ix_activity_tasks_instance ON activity_tasks (instance_id);
