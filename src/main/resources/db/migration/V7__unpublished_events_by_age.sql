-- The outbox's sweep looks for events waiting longer than a few seconds, oldest first: an index keeps that cheap
-- if publishing stops and the list grows (it is near empty while publishing works).
CREATE INDEX order_events_unpublished_by_age ON order_events_unpublished (created_at);
