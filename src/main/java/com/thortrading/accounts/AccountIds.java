package com.thortrading.accounts;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What an account id is, in one place: the REST parser, the bridge's addresses and the command line ask here, and
 * the schema's CHECK on {@code accounts.id} is the same expression ({@code SchemaConstraintsTest} compares them).
 */
public final class AccountIds {

  /** The account of the default run and of requests that name none. */
  public static final String DEFAULT = "paper";

  /** The rule as a regular expression (PostgreSQL's CHECK anchors the same text with ^ and $). */
  public static final String REGEX = "[a-z0-9][a-z0-9_-]{0,47}";

  /** The rule in words, for error messages. */
  public static final String RULE_IN_WORDS =
      "must be 1 to 48 lower-case letters, digits, '-' or '_', starting with a letter or digit";

  private static final Pattern PATTERN = Pattern.compile(REGEX);

  private AccountIds() {
  }

  /** Whether {@code id} is an account id exactly as written (an address is matched as is). */
  public static boolean isValid(String id) {
    return id != null && PATTERN.matcher(id).matches();
  }

  /** What a person typed, as an id: surrounding spaces dropped, lower-cased (it may still be invalid). */
  public static String normalize(String typed) {
    return typed.strip().toLowerCase(Locale.ROOT);
  }
}
