package com.thortrading.accounts;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * Makes and recognises API token secrets: {@code thor_} and 256 random bits in URL-safe base64, stored only as
 * their SHA-256 hash. A slow password hash buys nothing for secrets this long; SHA-256 lets a lookup be one
 * indexed equality.
 */
public final class TokenSecrets {

  /** Every generated token starts with this, so scanners and people recognise a leaked one. */
  public static final String PREFIX = "thor_";
  /** The shortest operator token accepted ({@code THOR_ADMIN_TOKEN}). */
  public static final int MIN_OPERATOR_TOKEN_LENGTH = 32;
  /** Longer than any token we issue or accept: a longer header is refused unread. */
  public static final int MAX_TOKEN_LENGTH = 256;
  /** RFC 6750's b64token: what a bearer token may contain. */
  private static final Pattern BEARER_TOKEN = Pattern.compile("[A-Za-z0-9\\-._~+/]+=*");
  private static final int HINT_LENGTH = PREFIX.length() + 4;

  private final SecureRandom random;

  public TokenSecrets(SecureRandom random) {
    this.random = random;
  }

  /** A new secret, never seen before with overwhelming probability. */
  public String generate() {
    byte[] bits = new byte[32];
    random.nextBytes(bits);
    return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bits);
  }

  /**
   * The token of an {@code Authorization: Bearer <token>} header; empty when the header is not that. REST and the
   * bridge both read tokens through here.
   */
  public static java.util.Optional<String> bearer(String header) {
    if (header == null) {
      return java.util.Optional.empty();
    }
    String h = header.strip();
    if (h.length() < 7 || !h.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return java.util.Optional.empty();
    }
    String token = h.substring(7).strip();
    return token.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(token);
  }

  /** SHA-256 of the token's bytes: what the database keeps and looks up. */
  public static byte[] hash(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /** The first characters, kept in the clear so a person can tell their tokens apart in a list. */
  public static String hint(String token) {
    return token.substring(0, Math.min(HINT_LENGTH, token.length()));
  }

  /** Whether the text can be a token at all (b64token, bounded length); anything else is malformed. */
  public static boolean wellFormed(String token) {
    return token != null && !token.isEmpty() && token.length() <= MAX_TOKEN_LENGTH && BEARER_TOKEN.matcher(token).matches();
  }

  /** A constant-time comparison of two hashes, so timing says nothing about how much of a guess was right. */
  public static boolean sameHash(byte[] a, byte[] b) {
    return MessageDigest.isEqual(a, b);
  }
}
