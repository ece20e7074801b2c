-- The W3C traceparent of the step that scheduled each activity task: the activity's span is a child of that
-- step's, whichever worker runs it. NULL outside any trace (and for tasks stored before this version).
ALTER TABLE activity_tasks ADD COLUMN trace_parent TEXT;
