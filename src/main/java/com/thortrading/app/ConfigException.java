package com.thortrading.app;

/** A configuration value that cannot work; the message is the one line an operator sees, naming the setting. */
public class ConfigException extends RuntimeException {

  public ConfigException(String message) {
    super(message);
  }
}
