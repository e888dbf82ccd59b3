package com.thortrading.app;

import java.io.PrintWriter;
import java.util.Optional;

/** Starts ThorTrading from the command line: {@code java -jar target/thortrading.jar [options]}. */
public final class Main {

  private Main() {
  }

  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(System.out, true);
    Optional<ConfigLoader.Launch> launch;
    try {
      launch = new ConfigLoader(System.getenv()).launch(args, out);
    } catch (ConfigException e) {
      System.err.println("thortrading: " + e.getMessage());
      System.exit(2);
      return;
    }
    if (launch.isEmpty()) {
      return; // --help or --version answered
    }
    if (launch.get().command().isPresent()) {
      System.exit(AccountsCommand.run(launch.get().config(), launch.get().command().get(), out));
      return;
    }
    try {
      ThorService service = ThorService.start(launch.get().config());
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
