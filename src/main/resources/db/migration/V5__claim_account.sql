-- The batched order path decides an account's new orders in the service from the account as it stood at event
-- seq N, then writes them in one round trip that starts here: it takes the account's row lock and books the new
-- cash and seq only if the account is still at seq N (every change of cash, positions or working orders takes an
-- event seq). If another change came in between, it raises serialization_failure: the whole batch rolls back and
-- the service decides again from the account as it now is. The lock is held only while PostgreSQL works.
CREATE FUNCTION claim_account(p_id TEXT, p_seen_seq BIGINT, p_new_seq BIGINT, p_cash NUMERIC) RETURNS VOID AS $$
BEGIN
  UPDATE accounts SET cash = p_cash, event_seq = p_new_seq, updated_at = now()
    WHERE id = p_id AND event_seq = p_seen_seq;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'account % changed after event seq %', p_id, p_seen_seq USING ERRCODE = 'serialization_failure';
  END IF;
END;
$$ LANGUAGE plpgsql;

-- The last statement of such a batch: a caller that has stopped waiting has been told the outcome is unknown, and
-- the batch must not commit behind its back. Checked by PostgreSQL's clock, right before COMMIT, so it holds even
-- when the pipeline sat in a stalled server for a while.
CREATE FUNCTION commit_before(p_deadline TIMESTAMPTZ) RETURNS VOID AS $$
BEGIN
  IF clock_timestamp() > p_deadline THEN
    RAISE EXCEPTION 'the caller''s deadline % passed before this could commit', p_deadline
      USING ERRCODE = 'TD001';
  END IF;
END;
$$ LANGUAGE plpgsql;
