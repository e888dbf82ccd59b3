-- The index that keeps a client_order_id to one order per account held an entry for every order, most of which
-- have no client_order_id: NULLs never conflict, so those entries only cost each such order one more index insert.
-- A partial unique index keeps the rule and the lookup (WHERE account_id = $1 AND client_order_id = $2 implies
-- client_order_id IS NOT NULL) and leaves those orders out. The engine node runs this at start, before it takes
-- orders; on a large orders table the index takes a while to build, under a lock that holds other nodes' inserts.
ALTER TABLE orders DROP CONSTRAINT one_order_per_client_order_id;
CREATE UNIQUE INDEX one_order_per_client_order_id ON orders (account_id, client_order_id)
  WHERE client_order_id IS NOT NULL;
