package com.thortrading.accounts;

import java.time.Instant;

/** A change not committed because its caller's deadline passed first: it was rolled back, nothing was written. */
public final class DeadlinePassedException extends RuntimeException {

  public DeadlinePassedException(Instant deadline) {
    super("the request's deadline " + deadline + " passed before it could commit; it was rolled back", null, false,
        false);
  }
}
