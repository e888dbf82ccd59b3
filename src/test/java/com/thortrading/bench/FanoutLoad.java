package com.thortrading.bench;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

/**
 * The fan-out benchmark's load generator, run as its own process. It opens N websocket clients that speak the
 * event-bus bridge protocol and publishes quotes to Redis at a paced rate. It then measures the frames delivered
 * per second and the end-to-end latency, from PUBLISH to frame received.
 *
 * <p>Settings come as {@code key=value} arguments, or as {@code -Dload.key=value} system properties: target
 * (host:port), token, clients, symbols, symbolsPerClient, rate (quotes/s over all symbols), warmup and measure
 * (seconds), redis (URL), mode ({@code stream} or {@code idle}), hold (seconds, idle mode) and concurrency
 * (connects in flight). It prints progress lines (one a second while quotes flow, for the log only),
 * {@code MEASURE_START} and {@code MEASURE_END} around the
 * measured window (stream mode) or {@code HELD <n>} while idle sockets are held (idle mode; a line
 * {@code RELEASE} on stdin ends the hold), then one {@code RESULT <json>} line.
 */
public final class FanoutLoad {

  /** Every 16th frame of a client is timed: enough samples, and the other frames cost only a counter. */
  private static final int SAMPLE_MASK = 15;
  private static final long PING_MS = 5_000;
  private static final String PING = "{\"type\":\"ping\"}";
  private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
  /** At most this many PUBLISHes per pipelined round trip, so catching up after a stall is not one huge burst. */
  private static final int MAX_BATCH = 64;
  private static final long PROBE_EVERY_MS = 200;
  private static final byte[] SENT_NS = "\"sent_ns\":\"".getBytes(StandardCharsets.US_ASCII);

  /** The run's settings. */
  record Settings(String host, int port, String token, int clients, int symbols, int symbolsPerClient, double rate,
      int warmupSeconds, int measureSeconds, String redisUrl, String mode, int holdSeconds, int concurrency) {

    static Settings from(String[] args) {
      Map<String, String> given = new HashMap<>();
      for (String arg : args) {
        int eq = arg.indexOf('=');
        if (eq < 0) {
          throw new IllegalArgumentException("Arguments are key=value, got " + arg);
        }
        given.put(arg.substring(0, eq), arg.substring(eq + 1));
      }
      java.util.function.BiFunction<String, String, String> get =
          (key, fallback) -> given.getOrDefault(key, System.getProperty("load." + key, fallback));
      String target = get.apply("target", "127.0.0.1:8080");
      int colon = target.lastIndexOf(':');
      return new Settings(target.substring(0, colon), Integer.parseInt(target.substring(colon + 1)),
          get.apply("token", ""), Integer.parseInt(get.apply("clients", "1000")),
          Integer.parseInt(get.apply("symbols", "20")), Integer.parseInt(get.apply("symbolsPerClient", "5")),
          Double.parseDouble(get.apply("rate", "100")), Integer.parseInt(get.apply("warmup", "5")),
          Integer.parseInt(get.apply("measure", "10")), get.apply("redis", "redis://127.0.0.1:6379"),
          get.apply("mode", "stream"), Integer.parseInt(get.apply("hold", "30")),
          Integer.parseInt(get.apply("concurrency", "50")));
    }

    /** Registrations over all clients, divided by symbols: how many sockets get each quote on average. */
    double clientsPerSymbol() {
      return (double) clients * Math.min(symbolsPerClient, symbols) / symbols;
    }
  }

  /** What one run measured; latencies in milliseconds, rates per second over the measured window. */
  record Result(String mode, double quoteRate, double offeredFramesPerSecond, double deliveredFramesPerSecond,
      double publishedQuotesPerSecond, double p50Ms, double p99Ms, double p999Ms, double maxMs, long latencySamples,
      long framesReceived, int clients, int connected, int ready, long serverClosed, Map<Integer, Long> closeCodes,
      long errors, long errorFrames) {

    JsonObject toJson() {
      JsonObject codes = new JsonObject();
      closeCodes.forEach((code, count) -> codes.put(String.valueOf(code), count));
      return new JsonObject().put("mode", mode).put("quote_rate", quoteRate)
          .put("offered_fps", offeredFramesPerSecond).put("delivered_fps", deliveredFramesPerSecond)
          .put("published_qps", publishedQuotesPerSecond).put("p50_ms", p50Ms).put("p99_ms", p99Ms)
          .put("p999_ms", p999Ms).put("max_ms", maxMs).put("latency_samples", latencySamples)
          .put("frames_received", framesReceived).put("clients", clients).put("connected", connected)
          .put("ready", ready).put("server_closed", serverClosed).put("close_codes", codes).put("errors", errors)
          .put("error_frames", errorFrames);
    }
  }

  private final Settings settings;
  private final Vertx vertx;
  private final WebSocketClient webSockets;
  private final Client[] clients;
  private final String[] symbolNames;
  private final Map<String, Integer> symbolIndex = new HashMap<>();
  private final LongAdder received = new LongAdder();
  private final LongAdder errorFrames = new LongAdder();
  private final AtomicLong errors = new AtomicLong();
  private final LongAdder serverClosed = new LongAdder();
  private final Map<Integer, LongAdder> closeCodes = new ConcurrentHashMap<>();
  private final AtomicInteger connected = new AtomicInteger();
  private final AtomicInteger ready = new AtomicInteger();
  /** Multi-writer: every client event loop records into it; intervals are taken at the window's edges. */
  private final Recorder latency = new Recorder(3);
  /** The same samples again, taken every second for the progress lines (which show transients; not the result). */
  private final Recorder perSecond = new Recorder(3);
  private final CompletableFuture<Void> allReady = new CompletableFuture<>();
  private volatile int readyTarget = Integer.MAX_VALUE;
  /** True until every client has seen a probe quote on each of its symbols: only then are addresses parsed. */
  private volatile boolean probing = true;
  private volatile boolean closing;

  private FanoutLoad(Settings settings) {
    this.settings = settings;
    this.vertx = Vertx.vertx(BenchSupport.vertxOptions().setEventLoopPoolSize(2));
    // The default caps websockets per endpoint at 50 and queues the rest; every client must be live at once.
    // (-1, documented as "disabled", queues every connect forever in 5.0.7: WebSocketGroup compares inflight >= -1.)
    this.webSockets = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(Integer.MAX_VALUE)
        .setConnectTimeout(30_000));
    this.symbolNames = new String[settings.symbols()];
    for (int s = 0; s < settings.symbols(); s++) {
      symbolNames[s] = "S" + s;
      symbolIndex.put(symbolNames[s], s);
    }
    this.clients = new Client[settings.clients()];
    int perClient = Math.min(settings.symbolsPerClient(), settings.symbols());
    for (int i = 0; i < clients.length; i++) {
      // Consecutive runs of symbols, wrapping: every symbol gets the same number of clients when
      // clients x symbolsPerClient is a multiple of symbols.
      int[] own = new int[perClient];
      for (int j = 0; j < perClient; j++) {
        own[j] = (i * perClient + j) % settings.symbols();
      }
      clients[i] = new Client(own);
    }
  }

  public static void main(String[] args) {
    Settings settings = Settings.from(args);
    FanoutLoad load = new FanoutLoad(settings);
    int exit = 0;
    try {
      Result result = "idle".equals(settings.mode()) ? load.idle() : load.stream();
      System.out.println("RESULT " + result.toJson().encode());
    } catch (Exception e) {
      System.out.println("FAILED " + e);
      e.printStackTrace(System.out);
      exit = 1;
    } finally {
      load.close();
    }
    System.exit(exit);
  }

  // --- the two modes -------------------------------------------------------------------------------------------

  private Result stream() throws Exception {
    Publisher publisher = new Publisher(settings.rate());
    connectAndRegister(publisher);
    Thread pacer = new Thread(publisher, "quote-publisher");
    pacer.start();
    java.util.concurrent.ScheduledExecutorService progress = java.util.concurrent.Executors
        .newSingleThreadScheduledExecutor(r -> {
          Thread t = new Thread(r, "progress");
          t.setDaemon(true);
          return t;
        });
    long progressStart = System.nanoTime();
    long[] lastFrames = {received.sum()};
    progress.scheduleAtFixedRate(() -> {
      long frames = received.sum();
      Histogram second = perSecond.getIntervalHistogram();
      say(String.format(java.util.Locale.ROOT, "progress t=%.0fs frames/s=%d p50=%.1fms p99=%.1fms connected=%d",
          (System.nanoTime() - progressStart) / 1e9, frames - lastFrames[0], second.getValueAtPercentile(50) / 1e6,
          second.getValueAtPercentile(99) / 1e6, connected.get()));
      lastFrames[0] = frames;
    }, 1, 1, TimeUnit.SECONDS);
    // Warm-up: JIT, buffers and queues reach their steady state; nothing of it is counted.
    TimeUnit.SECONDS.sleep(settings.warmupSeconds());
    latency.getIntervalHistogram();
    long frames0 = received.sum();
    long published0 = publisher.published.get();
    long t0 = System.nanoTime();
    say("MEASURE_START");
    TimeUnit.SECONDS.sleep(settings.measureSeconds());
    long t1 = System.nanoTime();
    long frames1 = received.sum();
    long published1 = publisher.published.get();
    Histogram window = latency.getIntervalHistogram();
    int connectedAtEnd = connected.get();
    say("MEASURE_END");
    progress.shutdownNow();
    publisher.running = false;
    pacer.join(5_000);
    double seconds = (t1 - t0) / 1e9;
    return result("stream", settings.rate(), settings.rate() * settings.clientsPerSymbol(),
        (frames1 - frames0) / seconds, (published1 - published0) / seconds, window, frames1 - frames0, connectedAtEnd);
  }

  private Result idle() throws Exception {
    // Registrations are confirmed by one probe quote each, then no more quotes: the sockets sit idle.
    Publisher prober = new Publisher(0);
    try {
      connectAndRegister(prober);
    } finally {
      prober.jedis.close();
    }
    CompletableFuture<Void> released = new CompletableFuture<>();
    Thread stdin = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
        String line;
        while ((line = in.readLine()) != null) {
          if (line.strip().equals("RELEASE")) {
            break;
          }
        }
      } catch (java.io.IOException ignored) {
        // stdin gone: the orchestrator ended, so release
      }
      released.complete(null);
    }, "release-listener");
    stdin.setDaemon(true);
    stdin.start();
    say("HELD " + connected.get());
    try {
      released.get(settings.holdSeconds(), TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      say("hold time over without RELEASE");
    }
    return result("idle", 0, 0, 0, 0, latency.getIntervalHistogram(), received.sum(), connected.get());
  }

  /** Connects every client, registers it, then probes until each has a quote on each of its symbols. */
  private void connectAndRegister(Publisher publisher) throws Exception {
    long started = System.nanoTime();
    connectAll().get(10, TimeUnit.MINUTES);
    readyTarget = connected.get();
    say(String.format("connected %d of %d in %.1f s (%d errors)", connected.get(), clients.length,
        (System.nanoTime() - started) / 1e9, errors.get()));
    // Neither server acknowledges a register, so a delivered quote is the proof: a round of one quote per
    // symbol, again every 200 ms, until every connected client has one on every address it follows.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    if (ready.get() < readyTarget) {
      while (System.nanoTime() < deadline) {
        publisher.probeRound();
        try {
          allReady.get(PROBE_EVERY_MS, TimeUnit.MILLISECONDS);
          break;
        } catch (TimeoutException notYet) {
          // probe again: a register may have landed after the last round
        }
      }
    }
    probing = false;
    say(String.format("registered %d of %d connected in %.1f s", ready.get(), readyTarget,
        (System.nanoTime() - started) / 1e9));
  }

  private CompletableFuture<Void> connectAll() {
    CompletableFuture<Void> all = new CompletableFuture<>();
    AtomicInteger next = new AtomicInteger();
    AtomicInteger done = new AtomicInteger();
    // Bounded concurrency: each finished connect starts the next, so at most `concurrency` are in flight.
    for (int c = 0; c < Math.min(settings.concurrency(), clients.length); c++) {
      connectNext(next, done, all);
    }
    if (clients.length == 0) {
      all.complete(null);
    }
    return all;
  }

  private void connectNext(AtomicInteger next, AtomicInteger done, CompletableFuture<Void> all) {
    int i = next.getAndIncrement();
    if (i >= clients.length) {
      return;
    }
    // No Origin header: this is a script, not a browser (both servers take origin-less sockets).
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost(settings.host())
        .setPort(settings.port()).setURI("/eventbus/websocket").setAllowOriginHeader(false);
    webSockets.connect(options).onComplete(outcome -> {
      if (outcome.succeeded()) {
        clients[i].opened(outcome.result());
      } else if (errors.incrementAndGet() <= 5) {
        say("connect failed: " + outcome.cause());
      }
      if (done.incrementAndGet() == clients.length) {
        all.complete(null);
      } else {
        connectNext(next, done, all);
      }
    });
  }

  private Result result(String mode, double rate, double offered, double delivered, double published,
      Histogram window, long frames, int connectedNow) {
    Map<Integer, Long> codes = new TreeMap<>();
    closeCodes.forEach((code, count) -> codes.put(code, count.sum()));
    return new Result(mode, rate, offered, delivered, published, millis(window.getValueAtPercentile(50)),
        millis(window.getValueAtPercentile(99)), millis(window.getValueAtPercentile(99.9)),
        millis(window.getMaxValue()), window.getTotalCount(), frames, clients.length, connectedNow, ready.get(),
        serverClosed.sum(), codes, errors.get(), errorFrames.sum());
  }

  private static double millis(long nanos) {
    return Math.round(nanos / 1e3) / 1e3;
  }

  private static void say(String line) {
    System.out.println(line);
    System.out.flush();
  }

  private void close() {
    closing = true;
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      say("closing the clients: " + e);
    }
  }

  // --- one websocket client ------------------------------------------------------------------------------------

  /** One browser stand-in; everything but construction runs on its websocket's event loop. */
  private final class Client {
    private final int[] symbols;
    private final long allSeen;
    private long seen;
    private boolean isReady;
    private int frames;
    private long pinger = -1;

    Client(int[] symbols) {
      this.symbols = symbols;
      this.allSeen = symbols.length >= 64 ? -1L : (1L << symbols.length) - 1;
    }

    void opened(WebSocket ws) {
      connected.incrementAndGet();
      ws.handler(this::onFrame);
      ws.exceptionHandler(e -> errors.incrementAndGet());
      ws.closeHandler(v -> {
        connected.decrementAndGet();
        vertx.cancelTimer(pinger);
        if (!closing) {
          serverClosed.increment();
          Short code = ws.closeStatusCode();
          closeCodes.computeIfAbsent(code == null ? -1 : (int) code, c -> new LongAdder()).increment();
        }
      });
      String auth = settings.token().isEmpty() ? ""
          : ",\"headers\":{\"authorization\":\"Bearer " + settings.token() + "\"}";
      for (int s : symbols) {
        ws.writeTextMessage("{\"type\":\"register\",\"address\":\"quotes." + symbolNames[s] + "\"" + auth + "}");
      }
      // Both servers drop a socket that stays silent (the stock bridge after 10 s, ThorTrading after 30 s).
      pinger = vertx.setPeriodic(PING_MS, t -> ws.writeTextMessage(PING));
    }

    void onFrame(Buffer frame) {
      // Both servers write {"type":"rec",...} or {"type":"err",...}; the type is at a fixed offset.
      if (frame.length() > 12 && frame.getByte(9) == 'e' && frame.getByte(10) == 'r' && frame.getByte(11) == 'r') {
        errorFrames.increment();
        if (errorFrames.sum() <= 5) {
          say("error frame: " + frame);
        }
        return;
      }
      received.increment();
      if ((++frames & SAMPLE_MASK) == 0) {
        long now = System.nanoTime();
        long sent = sentNanos(frame);
        if (sent != Long.MIN_VALUE && now > sent) {
          latency.recordValue(now - sent);
          perSecond.recordValue(now - sent);
        }
      }
      if (probing && !isReady) {
        markSeen(frame.toString());
      }
    }

    private void markSeen(String text) {
      int at = text.indexOf("\"address\":\"quotes.");
      if (at < 0) {
        return;
      }
      int start = at + "\"address\":\"quotes.".length();
      Integer symbol = symbolIndex.get(text.substring(start, text.indexOf('"', start)));
      for (int j = 0; symbol != null && j < symbols.length; j++) {
        if (symbols[j] == symbol) {
          seen |= 1L << j;
        }
      }
      if (seen == allSeen) {
        isReady = true;
        if (ready.incrementAndGet() >= readyTarget) {
          allReady.complete(null);
        }
      }
    }
  }

  /** The publish time the generator wrote into the quote, read from the frame's bytes without decoding it. */
  private static long sentNanos(Buffer frame) {
    int length = frame.length();
    outer:
    for (int i = 0; i + SENT_NS.length < length; i++) {
      for (int k = 0; k < SENT_NS.length; k++) {
        if (frame.getByte(i + k) != SENT_NS[k]) {
          continue outer;
        }
      }
      long value = 0;
      boolean negative = false;
      int p = i + SENT_NS.length;
      if (p < length && frame.getByte(p) == '-') {
        negative = true;
        p++;
      }
      for (; p < length; p++) {
        byte b = frame.getByte(p);
        if (b < '0' || b > '9') {
          break;
        }
        value = value * 10 + (b - '0');
      }
      return negative ? -value : value;
    }
    return Long.MIN_VALUE;
  }

  // --- the quote publisher -------------------------------------------------------------------------------------

  /** Publishes quotes with Jedis on its own thread (never on an event loop), paced by System.nanoTime. */
  private final class Publisher implements Runnable {
    private final double rate;
    private final Jedis jedis;
    private final Instant[] lastTimestamp = new Instant[symbolNames.length];
    private final String[] channels = new String[symbolNames.length];
    final AtomicLong published = new AtomicLong();
    volatile boolean running = true;
    private int nextSymbol;
    private long sequence;

    Publisher(double rate) {
      this.rate = rate;
      this.jedis = new Jedis(URI.create(settings.redisUrl()));
      for (int s = 0; s < symbolNames.length; s++) {
        channels[s] = "live_data:quotes:" + symbolNames[s];
        lastTimestamp[s] = Instant.EPOCH;
      }
    }

    /** One quote for every symbol, in one round trip. */
    void probeRound() {
      Pipeline pipeline = jedis.pipelined();
      for (int s = 0; s < symbolNames.length; s++) {
        pipeline.publish(channels[s], quote(s));
      }
      pipeline.sync();
    }

    @Override
    public void run() {
      long start = System.nanoTime();
      long sent = 0;
      try {
        while (running) {
          long due = (long) ((System.nanoTime() - start) * rate / 1e9) - sent;
          if (due > 0) {
            int batch = (int) Math.min(due, MAX_BATCH);
            Pipeline pipeline = jedis.pipelined();
            for (int q = 0; q < batch; q++) {
              int s = nextSymbol;
              nextSymbol = (nextSymbol + 1) % symbolNames.length;
              pipeline.publish(channels[s], quote(s));
            }
            pipeline.sync();
            sent += batch;
            published.addAndGet(batch);
            if (due > batch) {
              continue; // behind: the next batch goes at once
            }
          }
          // Wake at the next millisecond boundary of the schedule.
          LockSupport.parkNanos(TICK_NANOS - (System.nanoTime() - start) % TICK_NANOS);
        }
      } catch (RuntimeException e) {
        errors.incrementAndGet();
        say("publisher failed: " + e);
      } finally {
        jedis.close();
      }
    }

    /** A quote whose values are all strings, stamped with its send time and a strictly later timestamp. */
    private String quote(int s) {
      Instant now = Instant.now();
      // The servers drop a quote that is not newer than the last one a socket got: force strictly increasing.
      Instant timestamp = now.isAfter(lastTimestamp[s]) ? now : lastTimestamp[s].plusNanos(1_000);
      lastTimestamp[s] = timestamp;
      long cents = 10_000 + sequence++ % 100;
      String last = (cents / 100) + "." + String.format("%02d", cents % 100);
      return "{\"symbol\":\"" + symbolNames[s] + "\",\"last\":\"" + last + "\",\"bid\":\"" + last
          + "\",\"ask\":\"" + last + "\",\"sent_ns\":\"" + System.nanoTime() + "\",\"timestamp\":\""
          + timestamp + "\"}";
    }
  }
}
