package com.thortrading.livedata;

/** A quote source cannot be read: the message says what is wrong and, where it can, what to do. */
public class QuoteSourceException extends RuntimeException {

  public QuoteSourceException(String message) {
    super(message);
  }

  public QuoteSourceException(String message, Throwable cause) {
    super(message, cause);
  }
}
