package com.thortrading.stream;

import java.util.Map;

/**
 * Which account's order updates a socket may follow: the one place where access tokens will be checked.
 *
 * <p>Until accounts have tokens every socket may follow every account, as the REST API allows every caller to
 * trade every account; a token check replaces {@link #OPEN} without touching the fan-out.
 */
@FunctionalInterface
public interface AccountAccess {

  /** Anyone may follow any account (no tokens yet). */
  AccountAccess OPEN = (socketHeaders, registrationHeaders, account) -> true;

  /**
   * @param socketHeaders the HTTP headers the socket was opened with (cookies, Authorization)
   * @param registrationHeaders the headers the client sent with its register frame
   */
  boolean mayFollow(Map<String, String> socketHeaders, Map<String, String> registrationHeaders, String account);
}
