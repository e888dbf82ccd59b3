package com.thortrading.accounts;

/** A transaction's work failed before COMMIT was sent: whatever the cause, nothing of it was written. */
final class NotCommittedException extends RuntimeException {

  NotCommittedException(Throwable cause) {
    super(cause.getMessage(), cause, false, false);
  }
}
