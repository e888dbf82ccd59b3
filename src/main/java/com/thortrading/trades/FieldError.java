package com.thortrading.trades;

/** One thing wrong with a request: the field (or "body") and why, in words. */
public record FieldError(String field, String reason) {

  public String message() {
    return field + ": " + reason;
  }
}
