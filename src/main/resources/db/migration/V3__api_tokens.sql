-- API tokens: every client acts as a token, an account's own or the operator's. Only a SHA-256 hash of the
-- secret is kept (a 256-bit random token needs no slow hash); the secret is shown once, when created.
CREATE TABLE api_tokens (
  id           BIGSERIAL PRIMARY KEY,
  account_id   TEXT REFERENCES accounts (id),
  admin        BOOLEAN NOT NULL DEFAULT FALSE,
  label        TEXT NOT NULL DEFAULT '' CHECK (length(label) <= 64),
  token_hash   BYTEA NOT NULL UNIQUE CHECK (length(token_hash) = 32),
  hint         TEXT NOT NULL CHECK (length(hint) <= 16),
  created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
  last_used_at TIMESTAMPTZ,
  revoked_at   TIMESTAMPTZ,
  CONSTRAINT admin_or_account CHECK (admin = (account_id IS NULL))
);

CREATE INDEX api_tokens_by_account ON api_tokens (account_id, id);

-- The operator's generated token: at most one is live, so nodes starting together make one between them.
CREATE UNIQUE INDEX one_live_generated_admin_token ON api_tokens (admin) WHERE admin AND revoked_at IS NULL;
