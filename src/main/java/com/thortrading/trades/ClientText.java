package com.thortrading.trades;

/** A client's text, made safe to echo: in an error message (short, quoted) or in a log line (no forged lines). */
public final class ClientText {

  private static final int IN_MESSAGES = 32;
  private static final int IN_LOGS = 200;

  private ClientText() {
  }

  /**
   * For an error message: quoted, at most 32 characters, control characters and unpaired surrogates shown as '?',
   * so a message can never grow with the input or carry it raw.
   */
  public static String quoted(Object value) {
    String text = String.valueOf(value);
    StringBuilder out = new StringBuilder("'");
    int n = Math.min(text.length(), IN_MESSAGES);
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      boolean pairedHigh = Character.isHighSurrogate(c) && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1));
      if (pairedHigh && i + 1 < n) {
        out.append(c).append(text.charAt(++i));
      } else {
        out.append(Character.isISOControl(c) || Character.isSurrogate(c) ? '?' : c);
      }
    }
    return out.append(text.length() > n ? "...'" : "'").toString();
  }

  /** For a log line: printable ASCII only (anything else is '?'), at most 200 characters. */
  public static String forLog(String text) {
    String clean = text.replaceAll("[^\\x20-\\x7e]", "?");
    return clean.length() > IN_LOGS ? clean.substring(0, IN_LOGS) + "..." : clean;
  }

  /** Whether text is clean: no control characters, no surrogate without its pair (it could not be stored as is). */
  public static boolean isClean(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isISOControl(c)) {
        return false;
      }
      if (Character.isHighSurrogate(c)) {
        if (i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1))) {
          return false;
        }
        i++;
      } else if (Character.isLowSurrogate(c)) {
        return false;
      }
    }
    return true;
  }
}
