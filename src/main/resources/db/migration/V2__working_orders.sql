-- Working orders (order matching): a stop-limit remembers that its stop was reached, and the matcher finds the
-- working orders of a symbol quickly.
ALTER TABLE orders ADD COLUMN triggered BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX orders_working ON orders (account_id) WHERE status = 'WORKING';
