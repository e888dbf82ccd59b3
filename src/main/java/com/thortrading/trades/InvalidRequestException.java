package com.thortrading.trades;

import java.util.List;

/** A malformed request (HTTP 400); lists every field that is wrong. */
public class InvalidRequestException extends RuntimeException {

  private final List<FieldError> errors;

  public InvalidRequestException(List<FieldError> errors) {
    super(errors.get(0).message());
    this.errors = List.copyOf(errors);
  }

  public InvalidRequestException(String field, String reason) {
    this(List.of(new FieldError(field, reason)));
  }

  public List<FieldError> errors() {
    return errors;
  }
}
