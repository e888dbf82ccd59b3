package com.thortrading.livedata;

/**
 * Excel could not be read this time. {@code busy} means Excel refused the call (it is editing a cell or
 * recalculating: RPC_E_CALL_REJECTED) and the same objects can be retried; otherwise they are gone and the
 * reader must attach again.
 */
public class ExcelUnavailableException extends QuoteSourceException {

  private final boolean busy;

  public ExcelUnavailableException(String message, boolean busy, Throwable cause) {
    super(message, cause);
    this.busy = busy;
  }

  public boolean busy() {
    return busy;
  }
}
