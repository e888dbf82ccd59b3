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

  private TestService() {
  }

  /** The service on a free HTTP port with {@code env} as its environment. */
  public static ThorService start(Map<String, String> env) throws Exception {
    Map<String, String> withPort = new HashMap<>(env);
    withPort.putIfAbsent("THOR_HTTP_PORT", "0");
    ThorConfig config = new ConfigLoader(withPort).load(new String[0], new PrintWriter(new StringWriter()))
        .orElseThrow();
    return ThorService.start(config);
  }
}
