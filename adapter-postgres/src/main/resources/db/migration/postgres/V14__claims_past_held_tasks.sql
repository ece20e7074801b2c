-- A claim of an activity task looks for a task whose lease ran out, then for the oldest visible task nobody holds
-- (ActivityWork): each look has an index of its own, so that neither passes over the tasks that are held.
--
-- Why: the tasks a step hands over are held from their insertion, and in a burst they are most of a hub's tasks.
-- One look in task order that skipped the held ones (the primary key, with a filter) passed over all of them for
-- every claim, and most claims then found nothing: 1.2 to 1.9 ms and hundreds of buffers a call, hundreds of calls
-- in a burst of 2,000 hello sequences.
--
-- The tasks nobody holds, in their order, per hub:
CREATE INDEX ix_activity_tasks_unheld ON activity_tasks (task_hub, seq) WHERE locked_until IS NULL;
-- The held tasks by the end of their lease. Neither its expression nor its condition (a holder, which every held
-- task has) is anything a statement naming a task by its key says (a deletion or a renewal fenced by the lease's
-- token and end): those can only read the primary key, whatever the statistics (V13).
CREATE INDEX ix_activity_tasks_lease_end ON activity_tasks ((locked_until AT TIME ZONE 'UTC'))
    WHERE lock_owner IS NOT NULL;
