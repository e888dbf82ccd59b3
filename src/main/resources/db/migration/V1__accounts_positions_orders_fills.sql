-- Paper accounts, their positions, every order (accepted or rejected) and every execution.
-- Money and prices are NUMERIC (exact); quantities are whole shares. The database enforces the rules that
-- must hold whatever the code does: no negative cash or position on a cash account, positive quantities,
-- one order per client_order_id per account.

CREATE TABLE accounts (
  id             TEXT PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9_-]{0,47}$'),
  cash           NUMERIC NOT NULL,
  starting_cash  NUMERIC NOT NULL CHECK (starting_cash >= 0),
  margin_enabled BOOLEAN NOT NULL DEFAULT FALSE,
  allow_short    BOOLEAN NOT NULL DEFAULT FALSE,
  created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
  CONSTRAINT cash_account_cash_not_negative CHECK (margin_enabled OR cash >= 0),
  CONSTRAINT short_needs_margin CHECK (NOT allow_short OR margin_enabled)
);

CREATE TABLE positions (
  account_id   TEXT NOT NULL REFERENCES accounts (id),
  symbol       TEXT NOT NULL,
  quantity     BIGINT NOT NULL,
  average_cost NUMERIC NOT NULL CHECK (average_cost >= 0),
  realized_pnl NUMERIC NOT NULL DEFAULT 0,
  updated_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, symbol)
);

-- A CHECK cannot look at another table, so a trigger refuses a short position on an account without allow_short.
CREATE FUNCTION positions_no_short_on_cash_account() RETURNS trigger AS $$
BEGIN
  IF NEW.quantity < 0 AND NOT (SELECT allow_short FROM accounts WHERE id = NEW.account_id) THEN
    RAISE EXCEPTION 'position % % would be short (%) on an account without allow_short',
      NEW.account_id, NEW.symbol, NEW.quantity USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER positions_no_short_on_cash_account
  BEFORE INSERT OR UPDATE ON positions
  FOR EACH ROW EXECUTE FUNCTION positions_no_short_on_cash_account();

CREATE TABLE orders (
  id              BIGSERIAL PRIMARY KEY,
  account_id      TEXT NOT NULL REFERENCES accounts (id),
  client_order_id TEXT CHECK (length(client_order_id) BETWEEN 1 AND 48),
  symbol          TEXT NOT NULL,
  side            TEXT NOT NULL CHECK (side IN ('BUY', 'SELL')),
  quantity        BIGINT NOT NULL CHECK (quantity > 0),
  order_type      TEXT NOT NULL CHECK (order_type IN ('MKT', 'LMT', 'STP', 'STP_LMT')),
  limit_price     NUMERIC CHECK (limit_price > 0),
  stop_price      NUMERIC CHECK (stop_price > 0),
  tif             TEXT NOT NULL CHECK (tif IN ('DAY', 'GTC', 'IOC', 'FOK')),
  status          TEXT NOT NULL CHECK (status IN ('NEW', 'WORKING', 'FILLED', 'CANCELED', 'EXPIRED', 'REJECTED')),
  filled_quantity BIGINT NOT NULL DEFAULT 0,
  fill_price      NUMERIC CHECK (fill_price > 0),
  fill_quote      JSONB,
  fill_reason     TEXT,
  reject_code     TEXT,
  reject_reason   TEXT,
  created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
  CONSTRAINT filled_within_quantity CHECK (filled_quantity BETWEEN 0 AND quantity),
  CONSTRAINT rejected_has_reason CHECK (status <> 'REJECTED' OR reject_reason IS NOT NULL),
  CONSTRAINT one_order_per_client_order_id UNIQUE (account_id, client_order_id)
);

CREATE INDEX orders_by_account_newest ON orders (account_id, id DESC);
CREATE INDEX orders_working_by_symbol ON orders (symbol) WHERE status IN ('NEW', 'WORKING');

CREATE TABLE fills (
  id          BIGSERIAL PRIMARY KEY,
  order_id    BIGINT NOT NULL REFERENCES orders (id),
  account_id  TEXT NOT NULL REFERENCES accounts (id),
  symbol      TEXT NOT NULL,
  side        TEXT NOT NULL CHECK (side IN ('BUY', 'SELL')),
  quantity    BIGINT NOT NULL CHECK (quantity > 0),
  price       NUMERIC NOT NULL CHECK (price > 0),
  quote       JSONB,
  executed_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX fills_by_order ON fills (order_id);
