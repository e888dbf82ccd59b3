package com.thortrading.testsupport;

import com.thortrading.app.ConfigLoader;
import com.thortrading.app.ThorConfig;
import com.thortrading.app.ThorService;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.HashMap;
import java.util.Map;

/** Starts the whole service as an operator would, configured by environment variables only. */
public final class TestService {

  /** The operator's token of every test service (THOR_ADMIN_TOKEN). */
  public static final String ADMIN_TOKEN = "test-operator-token-0123456789abcdefghij";
  /** The value of an Authorization header with {@link #ADMIN_TOKEN}. */
  public static final String ADMIN = "Bearer " + ADMIN_TOKEN;

  private TestService() {
  }

  /** A request as an API client sends it: the operator's token, and JSON bodies. */
  public static java.net.http.HttpRequest.Builder request(java.net.URI uri) {
    return java.net.http.HttpRequest.newBuilder(uri).header("Authorization", ADMIN)
        .header("Content-Type", "application/json");
  }

  /** The service on a free HTTP port with {@code env} as its environment. */
  public static ThorService start(Map<String, String> env) throws Exception {
    return start(env, java.time.Clock.systemUTC());
  }

  /** Like {@link #start(Map)}, reading time from {@code clock}. */
  public static ThorService start(Map<String, String> env, java.time.Clock clock) throws Exception {
    Map<String, String> withPort = new HashMap<>(env);
    withPort.putIfAbsent("THOR_HTTP_PORT", "0");
    withPort.putIfAbsent("THOR_ADMIN_TOKEN", ADMIN_TOKEN);
    ThorConfig config = new ConfigLoader(withPort).load(new String[0], new PrintWriter(new StringWriter()))
        .orElseThrow();
    return ThorService.start(config, clock);
  }
}
