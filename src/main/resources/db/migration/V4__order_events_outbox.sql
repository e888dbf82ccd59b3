-- Order events, written in the same transaction as the change they describe (an outbox): each account's events
-- carry a gap-free sequence number, so a client that was away asks for what it missed (since_seq), and an event
-- whose node died between commit and publish is published later by a sweeper.
ALTER TABLE accounts ADD COLUMN event_seq BIGINT NOT NULL DEFAULT 0;

CREATE TABLE order_events (
  account_id   TEXT NOT NULL REFERENCES accounts (id),
  seq          BIGINT NOT NULL CHECK (seq > 0),
  order_id     BIGINT NOT NULL REFERENCES orders (id),
  body         JSONB NOT NULL,
  created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
  published_at TIMESTAMPTZ,
  PRIMARY KEY (account_id, seq)
);

CREATE INDEX order_events_unpublished ON order_events (created_at) WHERE published_at IS NULL;
