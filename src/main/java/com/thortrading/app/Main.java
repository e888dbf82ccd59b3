package com.thortrading.app;

import java.io.PrintWriter;
import java.util.Optional;

/** Starts ThorTrading from the command line: {@code java -jar target/thortrading.jar [options]}. */
public final class Main {

  private Main() {
  }

  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(System.out, true);
    Optional<ThorConfig> config;
    try {
      config = new ConfigLoader(System.getenv()).load(args, out);
    } catch (ConfigException e) {
      System.err.println("thortrading: " + e.getMessage());
      System.exit(2);
      return;
    }
    if (config.isEmpty()) {
      return; // --help or --version answered
    }
    try {
      ThorService service = ThorService.start(config.get());
      Runtime.getRuntime().addShutdownHook(new Thread(service::close, "thortrading-shutdown"));
    } catch (StartupException e) {
      System.err.println("thortrading: " + e.getMessage());
      System.exit(1);
    } catch (Exception e) {
      System.err.println("thortrading: start-up failed: " + e);
      e.printStackTrace();
      System.exit(1);
    }
  }
}
