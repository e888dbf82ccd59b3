-- Which events still wait to be published, kept apart from the events: publishing one deletes a narrow row here
-- instead of rewriting the event's whole row (its JSON body and both indexes) to set published_at, which cost
-- PostgreSQL more per order than inserting the fill.
DROP INDEX order_events_unpublished;

CREATE TABLE order_events_unpublished (
  account_id TEXT NOT NULL,
  seq        BIGINT NOT NULL,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, seq)
);

INSERT INTO order_events_unpublished (account_id, seq, created_at)
  SELECT account_id, seq, created_at FROM order_events WHERE published_at IS NULL;

ALTER TABLE order_events DROP COLUMN published_at;
