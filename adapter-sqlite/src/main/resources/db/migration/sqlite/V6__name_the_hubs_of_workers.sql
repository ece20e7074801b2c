-- The task hub's name as the announcing worker spells it, so that a server can serve (and report) the hubs live
-- workers run without being told of them.
ALTER TABLE workers ADD COLUMN hub_name TEXT;
