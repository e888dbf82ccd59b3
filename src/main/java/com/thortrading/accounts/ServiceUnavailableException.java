package com.thortrading.accounts;

/** A server the engine needs (PostgreSQL or Redis) cannot be reached; nothing was written. */
public class ServiceUnavailableException extends RuntimeException {

  private final String service;

  public ServiceUnavailableException(String service, Throwable cause) {
    super(service + " cannot be reached: " + (cause.getMessage() == null ? cause.getClass().getSimpleName()
        : cause.getMessage()), cause);
    this.service = service;
  }

  public String service() {
    return service;
  }
}
