package com.thortrading.bench;

import com.thortrading.app.EmbeddedPg;
import com.thortrading.app.EmbeddedRedis;
import com.thortrading.app.ThorService;
import com.thortrading.livedata.LiveDataRedis;
import com.thortrading.livedata.Quote;
import com.thortrading.testsupport.TestService;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;

/**
 * Throughput and latency of the two hot paths, each next to a baseline measured on the same servers in the
 * same run: publishing quote batches (vs redis-benchmark at the same pipeline depth) and placing orders over
 * REST (vs pgbench's TPC-B-like transactions). Results go to stdout and target/bench/results.md.
 *
 * <p>Run with {@code bench/run}. Needs redis-benchmark (redis-tools) and pgbench (postgresql) on the PATH or in
 * /usr/lib/postgresql/15/bin.
 */
public final class Benchmarks {

  private static final Duration RUN = Duration.ofSeconds(Long.getLong("bench.seconds", 10));
  private static final int CLIENTS = Integer.getInteger("bench.clients", 8);
  private static final int SYMBOLS = 12;

  private Benchmarks() {
  }

  public static void main(String[] args) throws Exception {
    StringBuilder report = new StringBuilder("# ThorTrading benchmarks\n\n")
        .append("Run ").append(Instant.now()).append(" on ").append(Runtime.getRuntime().availableProcessors())
        .append(" cores, ").append(RUN.toSeconds()).append(" s per measurement, ").append(CLIENTS)
        .append(" concurrent clients where concurrent.\n\n");
    Path data = Files.createTempDirectory("thor-bench-pg");
    try (EmbeddedRedis redis = EmbeddedRedis.start(0); EmbeddedPg pg = EmbeddedPg.start(0, data)) {
      report.append(quotePublishing(redis)).append('\n');
      report.append(orderPlacement(redis, pg)).append('\n');
    }
    Path out = Path.of("target", "bench", "results.md");
    Files.createDirectories(out.getParent());
    Files.writeString(out, report.toString());
    System.out.println(report);
    System.out.println("Written to " + out.toAbsolutePath());
    System.exit(0);
  }

  /** LiveDataRedis.publishQuotes, one batch of 12 quotes at a time, vs redis-benchmark HSET at the same depth. */
  private static String quotePublishing(EmbeddedRedis redis) throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      LiveDataRedis liveData = new LiveDataRedis(Redis.createClient(vertx, redis.url()));
      Histogram latency = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
      long deadline = System.nanoTime() + RUN.toNanos();
      long batches = 0;
      long started = System.nanoTime();
      while (System.nanoTime() < deadline) {
        List<Quote> batch = new ArrayList<>(SYMBOLS);
        for (int s = 0; s < SYMBOLS; s++) {
          batch.add(new Quote("B" + s, Map.of("last", (100 + batches % 100) + ".25", "bid", "100.24", "ask", "100.26",
              "volume", Long.toString(batches)), Instant.now()));
        }
        long t0 = System.nanoTime();
        liveData.publishQuotes(batch).await();
        latency.recordValue(System.nanoTime() - t0);
        batches++;
      }
      double seconds = (System.nanoTime() - started) / 1e9;
      double quotesPerSecond = batches * SYMBOLS / seconds;
      // One batch is 1 HSET + 1 SADD + 12 PUBLISH + 12 XADD = 26 commands in one round trip.
      int depth = 2 + 2 * SYMBOLS;
      double baselineOps = redisBenchmark(redis.port(), depth);
      return "## Publishing quote batches to Redis\n\n"
          + "| measure | value |\n|---|---|\n"
          + row("batches of 12 quotes (26 pipelined commands), one at a time", String.format(Locale.ROOT, "%.0f batches/s = %.0f quotes/s", batches / seconds, quotesPerSecond))
          + row("batch round-trip latency p50 / p99 / max", ms(latency, 50) + " / " + ms(latency, 99) + " / " + ms(latency, 100))
          + row("baseline: redis-benchmark HSET, 1 connection, pipeline " + depth, String.format(Locale.ROOT, "%.0f commands/s", baselineOps))
          + row("ratio: our commands/s ÷ baseline", String.format(Locale.ROOT, "%.2f", batches * depth / seconds / baselineOps));
    } finally {
      vertx.close().await();
    }
  }

  /** Limit orders over REST with CLIENTS concurrent clients vs pgbench with as many clients. */
  private static String orderPlacement(EmbeddedRedis redis, EmbeddedPg pg) throws Exception {
    ThorService service = TestService.start(Map.of("THOR_REDIS_URL", redis.url(), "THOR_PG_URL", pg.url(),
        "THOR_SYMBOLS", "SIMONLY", "THOR_STARTING_CASH", "100000000.00"));
    try {
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      for (int c = 0; c < CLIENTS; c++) {
        http.send(TestService.request(URI.create("http://127.0.0.1:" + service.httpPort() + "/api/accounts"))
            .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"bench-" + c + "\",\"cash\":\"100000000.00\"}"))
            .build(), HttpResponse.BodyHandlers.ofString());
      }
      Load oneAccount = load(http, service, c -> "paper");
      Load ownAccounts = load(http, service, c -> "bench-" + c);
      double pgbenchTps = pgbench(pg.port());
      return "## Placing orders over REST (each one PostgreSQL transaction that locks the account)\n\n"
          + "| measure | value |\n|---|---|\n"
          + row("filled limit orders, " + CLIENTS + " clients on one account", oneAccount.throughput())
          + row("order latency p50 / p99 / max, one account", oneAccount.latency())
          + row("filled limit orders, " + CLIENTS + " clients on an account each", ownAccounts.throughput())
          + row("order latency p50 / p99 / max, an account each", ownAccounts.latency())
          + row("baseline: pgbench TPC-B-like, " + CLIENTS + " clients, same server", String.format(Locale.ROOT, "%.0f transactions/s", pgbenchTps))
          + row("ratio: orders/s ÷ pgbench transactions/s (one account / an account each)", String.format(Locale.ROOT,
              "%.2f / %.2f", oneAccount.perSecond() / pgbenchTps, ownAccounts.perSecond() / pgbenchTps))
          + "\nOrders of one account take its row lock one at a time, as a trader's orders do, so each waits for the"
          + " commit (fsync) of the one before; orders of different accounts commit together.\n";
    } finally {
      service.close();
    }
  }

  private record Load(double perSecond, long failed, Histogram histogram) {
    String throughput() {
      return String.format(Locale.ROOT, "%.0f orders/s (%d failed)", perSecond, failed);
    }

    String latency() {
      return ms(histogram, 50) + " / " + ms(histogram, 99) + " / " + ms(histogram, 100);
    }
  }

  private static Load load(HttpClient http, ThorService service, java.util.function.IntFunction<String> accountOf)
      throws Exception {
    {
      URI uri = URI.create("http://127.0.0.1:" + service.httpPort() + "/api/trades/orders/active");
      Histogram latency = new Histogram(TimeUnit.SECONDS.toNanos(30), 3);
      AtomicLong ok = new AtomicLong();
      AtomicLong failed = new AtomicLong();
      long deadline = System.nanoTime() + RUN.toNanos();
      long started = System.nanoTime();
      List<CompletableFuture<Void>> clients = new ArrayList<>();
      for (int c = 0; c < CLIENTS; c++) {
        String body = "{\"account\":\"" + accountOf.apply(c) + "\",\"symbol\":\"BENCH\",\"side\":\"BUY\","
            + "\"quantity\":1,\"order_type\":\"LMT\",\"limit_price\":\"1.00\"}";
        clients.add(CompletableFuture.runAsync(() -> {
          while (System.nanoTime() < deadline) {
            long t0 = System.nanoTime();
            try {
              HttpResponse<String> r = http.send(TestService.request(uri).POST(HttpRequest.BodyPublishers.ofString(body))
                  .header("content-type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
              (r.statusCode() == 201 ? ok : failed).incrementAndGet();
            } catch (IOException | InterruptedException e) {
              failed.incrementAndGet();
            }
            synchronized (latency) {
              latency.recordValue(System.nanoTime() - t0);
            }
          }
        }));
      }
      CompletableFuture.allOf(clients.toArray(CompletableFuture[]::new)).get();
      double seconds = (System.nanoTime() - started) / 1e9;
      return new Load(ok.get() / seconds, failed.get(), latency);
    }
  }

  private static double redisBenchmark(int port, int depth) throws Exception {
    String out = run(List.of("redis-benchmark", "-h", "127.0.0.1", "-p", Integer.toString(port), "-q", "-c", "1",
        "-P", Integer.toString(depth), "-n", "500000", "-t", "hset"));
    Matcher m = Pattern.compile("HSET: ([0-9.]+) requests per second").matcher(out);
    if (!m.find()) {
      throw new IllegalStateException("unexpected redis-benchmark output: " + out);
    }
    return Double.parseDouble(m.group(1));
  }

  private static double pgbench(int port) throws Exception {
    String pgbench = Files.isExecutable(Path.of("/usr/lib/postgresql/15/bin/pgbench"))
        ? "/usr/lib/postgresql/15/bin/pgbench" : "pgbench";
    List<String> connect = List.of("-h", "127.0.0.1", "-p", Integer.toString(port), "-U", "postgres");
    List<String> init = new ArrayList<>(List.of(pgbench, "-i", "-q", "-s", "1"));
    init.addAll(connect);
    init.add("postgres");
    run(init);
    List<String> bench = new ArrayList<>(List.of(pgbench, "-c", Integer.toString(CLIENTS), "-j", "2", "-T",
        Long.toString(RUN.toSeconds())));
    bench.addAll(connect);
    bench.add("postgres");
    String out = run(bench);
    Matcher m = Pattern.compile("tps = ([0-9.]+)").matcher(out);
    if (!m.find()) {
      throw new IllegalStateException("unexpected pgbench output: " + out);
    }
    return Double.parseDouble(m.group(1));
  }

  private static String run(List<String> command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
    }
    return out;
  }

  private static String row(String what, String value) {
    return "| " + what + " | " + value + " |\n";
  }

  private static String ms(Histogram h, double percentile) {
    return String.format(Locale.ROOT, "%.2f ms", h.getValueAtPercentile(percentile) / 1e6);
  }
}
