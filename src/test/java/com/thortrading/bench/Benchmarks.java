package com.thortrading.bench;

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
 * The ingest's throughput: publishing quote batches through {@code LiveDataRedis} next to redis-benchmark HSET at
 * the same pipeline depth, in this process. Not yet the fair comparison issue 12 asks for (redis-cli --pipe of the
 * exact command mix, the load in its own process); orders are measured fairly by {@link OrderBench}. Results go to
 * stdout and target/bench/ingest.md. Run with {@code bench/ingest}; needs redis-benchmark (redis-tools).
 */
public final class Benchmarks {

  private static final Duration RUN = Duration.ofSeconds(Long.getLong("bench.seconds", 10));
  private static final int CLIENTS = Integer.getInteger("bench.clients", 8);
  private static final int SYMBOLS = 12;

  private Benchmarks() {
  }

  public static void main(String[] args) throws Exception {
    StringBuilder report = new StringBuilder("# ThorTrading ingest benchmark\n\n")
        .append("Run ").append(Instant.now()).append(" on ").append(Runtime.getRuntime().availableProcessors())
        .append(" cores, ").append(RUN.toSeconds()).append(" s per measurement.\n\n");
    try (EmbeddedRedis redis = EmbeddedRedis.start(0)) {
      report.append(quotePublishing(redis)).append('\n');
    }
    Path out = Path.of("target", "bench", "ingest.md");
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

  private static double redisBenchmark(int port, int depth) throws Exception {
    String out = run(List.of("redis-benchmark", "-h", "127.0.0.1", "-p", Integer.toString(port), "-q", "-c", "1",
        "-P", Integer.toString(depth), "-n", "500000", "-t", "hset"));
    Matcher m = Pattern.compile("HSET: ([0-9.]+) requests per second").matcher(out);
    if (!m.find()) {
      throw new IllegalStateException("unexpected redis-benchmark output: " + out);
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
