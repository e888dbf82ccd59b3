package com.thortrading.trades;

import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * A refusal with its HTTP status, error code and headers: thrown by handlers, written by the failure handler
 * in the API's one error shape {@code {"error":{"code":...,"message":...}}}.
 */
public final class ApiError extends RuntimeException {

  private final int status;
  private final String code;
  private final Map<String, String> headers;

  public ApiError(int status, String code, String message, Map<String, String> headers) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
    this.headers = Map.copyOf(headers);
  }

  public ApiError(int status, String code, String message) {
    this(status, code, message, Map.of());
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  public Map<String, String> headers() {
    return headers;
  }

  public JsonObject body() {
    return new JsonObject().put("error", new JsonObject().put("code", code).put("message", getMessage()));
  }

  /** 401: no usable token. */
  public static ApiError unauthenticated(String message, boolean tokenPresented) {
    return new ApiError(401, "UNAUTHENTICATED", message, Map.of("WWW-Authenticate",
        tokenPresented ? "Bearer realm=\"thortrading\", error=\"invalid_token\"" : "Bearer realm=\"thortrading\""));
  }

  /** 403: a valid token that may not do this. */
  public static ApiError forbidden(String message) {
    return new ApiError(403, "FORBIDDEN", message);
  }

  /** 429 with the seconds to wait, rounded up. */
  public static ApiError tooMany(String code, String message, long waitNanos) {
    long seconds = Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L);
    return new ApiError(429, code, message + "; retry after " + seconds + " s", Map.of("Retry-After",
        String.valueOf(seconds)));
  }
}
