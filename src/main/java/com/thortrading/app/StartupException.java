package com.thortrading.app;

/** The service cannot start; the message is the one line that says why and what to change. */
public class StartupException extends RuntimeException {

  public StartupException(String message) {
    super(message);
  }
}
