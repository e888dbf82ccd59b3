package com.thortrading.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Recorder;

/**
 * The order benchmark's load generator, run as its own process: {@code clients} closed-loop clients, each with its
 * own connection, POST an order, wait for the answer, and POST the next; after a warm-up it counts the answers
 * with the expected status and records each one's latency. Prints one JSON line starting {@code RESULT }.
 *
 * <p>Arguments: url token clients accounts(comma-separated, one per client, or one for all) symbol warmup-seconds
 * measure-seconds expected-status.
 */
public final class OrderLoad {

  private OrderLoad() {
  }

  public static void main(String[] args) throws Exception {
    URI url = URI.create(args[0]);
    String token = args[1];
    int clients = Integer.parseInt(args[2]);
    String[] accounts = args[3].split(",");
    String symbol = args[4];
    Duration warmup = Duration.ofSeconds(Long.parseLong(args[5]));
    Duration measure = Duration.ofSeconds(Long.parseLong(args[6]));
    int expected = Integer.parseInt(args[7]);

    Recorder latencies = new Recorder(3);
    AtomicLong ok = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    long start = System.nanoTime();
    long measureFrom = start + warmup.toNanos();
    long end = measureFrom + measure.toNanos();
    // One event loop drives every client (asynchronous, one connection each): the generator costs little CPU, so
    // the servers it loads, on the same cores, get as much of the machine as they can use.
    Vertx vertx = Vertx.vertx(BenchSupport.vertxOptions().setEventLoopPoolSize(1));
    HttpClient http = vertx.createHttpClient(new HttpClientOptions().setDefaultHost(url.getHost())
        .setDefaultPort(url.getPort()).setKeepAlive(true), new PoolOptions().setHttp1MaxSize(clients));
    java.util.concurrent.CountDownLatch finished = new java.util.concurrent.CountDownLatch(clients);
    for (int c = 0; c < clients; c++) {
      String account = accounts[accounts.length == 1 ? 0 : c];
      Buffer body = Buffer.buffer("{\"account\":\"" + account + "\",\"symbol\":\"" + symbol
          + "\",\"side\":\"BUY\",\"quantity\":1,\"order_type\":\"MKT\"}");
      RequestOptions request = new RequestOptions().setMethod(HttpMethod.POST).setURI(url.getPath())
          .putHeader("Authorization", "Bearer " + token).putHeader("content-type", "application/json");
      vertx.runOnContext(v -> next(http, request, body, expected, measureFrom, end, ok, failed, failures, latencies,
          finished));
    }
    finished.await();
    var histogram = latencies.getIntervalHistogram();
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("clients", clients);
    result.put("ok", ok.get());
    result.put("failed", failed.get());
    result.put("first_failure", failures.isEmpty() ? null : failures.get(0));
    vertx.close();
    result.put("seconds", measure.toSeconds());
    result.put("per_second", ok.get() / (double) measure.toSeconds());
    result.put("p50_ms", histogram.getValueAtPercentile(50) / 1000.0);
    result.put("p99_ms", histogram.getValueAtPercentile(99) / 1000.0);
    result.put("p999_ms", histogram.getValueAtPercentile(99.9) / 1000.0);
    result.put("max_ms", histogram.getMaxValue() / 1000.0);
    System.out.println("RESULT " + new ObjectMapper().writeValueAsString(result));
    System.exit(0);
  }

  /** One client's next order: sent when its last answer came, until the measured window ends. */
  private static void next(HttpClient http, RequestOptions request, Buffer body, int expected, long measureFrom,
      long end, AtomicLong ok, AtomicLong failed, List<String> failures, Recorder latencies,
      java.util.concurrent.CountDownLatch finished) {
    long sent = System.nanoTime();
    if (sent >= end) {
      finished.countDown();
      return;
    }
    http.request(request).compose(req -> req.send(body)).compose(response -> response.body()
        .map(answer -> Map.entry(response.statusCode(), answer.toString())))
        .onComplete(done -> {
          long at = System.nanoTime();
          if (sent >= measureFrom && at <= end) {
            if (done.succeeded() && done.result().getKey() == expected) {
              ok.incrementAndGet();
              latencies.recordValue(Math.max(1, (at - sent) / 1000));
            } else {
              failed.incrementAndGet();
              if (failures.isEmpty()) {
                String why = done.succeeded() ? done.result().getKey() + " " + done.result().getValue()
                    : done.cause().toString();
                failures.add(why.substring(0, Math.min(300, why.length())));
              }
            }
          }
          next(http, request, body, expected, measureFrom, end, ok, failed, failures, latencies, finished);
        });
  }
}
