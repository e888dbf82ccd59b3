package com.thortrading.bench;

import static com.thortrading.bench.BenchSupport.deleteTree;
import static com.thortrading.bench.BenchSupport.freePort;
import static com.thortrading.bench.BenchSupport.log;
import static com.thortrading.bench.BenchSupport.machine;
import static com.thortrading.bench.BenchSupport.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.thortrading.app.EmbeddedPg;
import com.thortrading.app.EmbeddedRedis;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs the fan-out benchmark: ThorTrading with one and with two HTTP instances, and the naive stock-bridge server,
 * each as its own process and under the same load from {@link FanoutLoad}, which also runs as its own process.
 *
 * <p>For each server it measures the RSS per idle registered socket, then steps the offered quote rate up until
 * delivery falls behind. It writes {@code target/bench/fanout.md} and {@code target/bench/fanout.json}, and
 * puts every child's output in {@code target/bench/logs/}. Run it with {@code bench/fanout [--quick] [key=value
 * ...]}. The keys are those of {@link Config}, also settable as {@code -Dfanout.<key>=...}.
 */
public final class FanoutBench {

  private static final Path OUT = Path.of("target", "bench");
  private static final Path LOGS = OUT.resolve("logs");
  private static final Path JAR = Path.of("target", "thortrading.jar");
  private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();
  private static final String CLASSPATH = System.getProperty("java.class.path");
  /** Every child still running; the shutdown hook kills them, so a failed or interrupted run leaves none behind. */
  private static final Set<Child> LIVE = ConcurrentHashMap.newKeySet();
  private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
  private static final Duration LOAD_TIMEOUT = Duration.ofMinutes(10);
  /** A step during which something else took more than this (% of one core) is run again, up to twice. */
  private static final double NOISY = 25;
  /** Stop stepping up once delivery falls below this share of what was offered. */
  private static final double SATURATED = 0.70;
  /** "Below saturation": a step that delivered at least this share, with no socket lost... */
  private static final double KEEPING_UP = 0.95;
  /**
   * ...and a median latency under this: a median of seconds means a standing queue (quotes wait in the server's
   * or the client's event-loop queue), saturated even when the frame count still matches the offer.
   */
  private static final double QUEUED_MS = 100;
  /** Before a step, the machine must be this quiet (% of one core busy, our idle processes included)... */
  private static final double QUIET = 30;
  /** ...or have been waited for this long. */
  private static final Duration QUIET_WAIT = Duration.ofMinutes(10);

  /** The run's settings. */
  record Config(int clients, int symbols, int symbolsPerClient, List<Double> rates, int warmup, int firstWarmup,
      int measure, int idleClients, int settleSeconds, List<String> variants, boolean quick) {

    static Config from(String[] args) {
      boolean quick = Boolean.getBoolean("fanout.quick") || Arrays.asList(args).contains("--quick");
      Map<String, String> given = new LinkedHashMap<>();
      for (String arg : args) {
        if (arg.equals("--quick")) {
          continue;
        }
        int eq = arg.indexOf('=');
        if (eq < 0) {
          throw new IllegalArgumentException("Arguments are --quick or key=value, got " + arg);
        }
        given.put(arg.substring(arg.startsWith("--") ? 2 : 0, eq), arg.substring(eq + 1));
      }
      java.util.function.BiFunction<String, String, String> get =
          (key, fallback) -> given.getOrDefault(key, System.getProperty("fanout." + key, fallback));
      // Quick: a smoke run of the whole pipeline in about two minutes, too short to be a figure to quote.
      return new Config(Integer.parseInt(get.apply("clients", quick ? "200" : "1000")),
          Integer.parseInt(get.apply("symbols", "20")), Integer.parseInt(get.apply("symbolsPerClient", "5")),
          Arrays.stream(get.apply("rates", quick ? "100,400" : "100,200,300,350,400,450,500,600,800,1200,1600").split(","))
              .map(String::strip).map(Double::parseDouble).toList(),
          Integer.parseInt(get.apply("warmup", quick ? "2" : "5")),
          // A fresh server JVM compiles its delivery path during its first step: its first second or so runs at
          // several hundred ms of latency, so the first step on each server warms up longer.
          Integer.parseInt(get.apply("firstWarmup", quick ? "4" : "15")),
          Integer.parseInt(get.apply("measure", quick ? "4" : "10")),
          Integer.parseInt(get.apply("idleClients", quick ? "500" : "2000")),
          Integer.parseInt(get.apply("settle", "3")),
          Arrays.stream(get.apply("variants", "thortrading-1,thortrading-2,naive-bridge").split(","))
              .map(String::strip).toList(),
          quick);
    }

    double clientsPerSymbol() {
      return (double) clients * Math.min(symbolsPerClient, symbols) / symbols;
    }
  }

  /**
   * CPU used during a measured window, in % of one core (the machine has 100% x cores). Machine: all cores; other:
   * what the machine spent outside the server, the load generator, Redis and this process (PostgreSQL, anything
   * else running on the machine), which must stay small for the figures to mean anything.
   */
  record Cpu(double serverPct, double loadPct, double redisPct, double machineBusyPct, double otherPct,
      String serverHottestThread, double serverHottestPct, String loadHottestThread, double loadHottestPct) {
  }

  /** One offered rate against one server. */
  record Step(double quoteRate, double offeredFps, double deliveredFps, double publishedQps, double p50Ms,
      double p99Ms, double p999Ms, double maxMs, long latencySamples, int clients, int connected, long serverClosed,
      Map<String, Long> closeCodes, long errors, long errorFrames, Cpu cpu, String failure, long conflated) {

    /** With ThorTrading's count of messages its outboxes conflated during the step (-1: not known). */
    Step withConflated(long count) {
      return new Step(quoteRate, offeredFps, deliveredFps, publishedQps, p50Ms, p99Ms, p999Ms, maxMs, latencySamples,
          clients, connected, serverClosed, closeCodes, errors, errorFrames, cpu, failure, count);
    }

    double deliveredShare() {
      return offeredFps <= 0 ? 0 : deliveredFps / offeredFps;
    }

    boolean lostSockets() {
      return connected < clients || serverClosed > 0;
    }
  }

  /** Memory held for idle registered sockets: VmRSS and live heap (after a full GC), before and while held. */
  record Idle(int clients, int held, long rssBeforeKiB, long rssHeldKiB, double rssPerClientKiB,
      long heapBeforeKiB, long heapHeldKiB, double heapPerClientKiB, String failure) {
  }

  /** One server's figures. */
  record Variant(String name, String description, Idle idle, List<Step> steps, double saturationFps,
      Step belowSaturation, String failure) {
  }

  private FanoutBench() {
  }

  public static void main(String[] args) throws Exception {
    Config config = Config.from(args);
    Files.createDirectories(LOGS);
    // Only this run's logs: a step a previous run had and this one has not must not linger there.
    try (java.util.stream.Stream<Path> old = Files.list(LOGS)) {
      for (Path log : old.filter(p -> p.toString().endsWith(".log")).toList()) {
        Files.delete(log);
      }
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Child::kill), "kill-children"));
    List<Variant> results = new ArrayList<>();
    Path pgData = Files.createTempDirectory("thor-fanout-pg");
    Instant started = Instant.now();
    try (EmbeddedRedis redis = EmbeddedRedis.start(0); EmbeddedPg pg = EmbeddedPg.start(0, pgData)) {
      Optional<Long> redisPid = BenchSupport.redisPid(redis.port());
      log("Redis " + redis.url() + " (pid " + redisPid.map(String::valueOf).orElse("?") + "), PostgreSQL " + pg.url());
      for (String variant : config.variants()) {
        results.add(runVariant(variant, config, redis, pg, redisPid));
      }
    } finally {
      LIVE.forEach(Child::kill);
      deleteTree(pgData); // PostgreSQL has stopped: its data is of no further use
    }
    String command = "bench/fanout" + (args.length == 0 ? "" : " " + String.join(" ", args));
    String report = report(config, results, command, started);
    Files.writeString(OUT.resolve("fanout.md"), report);
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("started", started.toString());
    json.put("command", command);
    json.put("machine", machine());
    json.put("config", config);
    json.put("variants", results);
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(OUT.resolve("fanout.json").toFile(), json);
    System.out.println();
    System.out.println(report);
    System.out.println("Written to " + OUT.resolve("fanout.md").toAbsolutePath() + " and fanout.json");
    System.exit(0);
  }

  // --- one server ----------------------------------------------------------------------------------------------

  private static Variant runVariant(String name, Config config, EmbeddedRedis redis, EmbeddedPg pg,
      Optional<Long> redisPid) {
    int port = freePort();
    String token = "";
    Child server;
    String description;
    try {
      if (name.startsWith("thortrading-")) {
        int instances = Integer.parseInt(name.substring("thortrading-".length()));
        token = randomToken();
        description = "ThorTrading jar, THOR_HTTP_INSTANCES=" + instances;
        Map<String, String> env = new LinkedHashMap<>();
        env.put("THOR_REDIS_URL", redis.url());
        env.put("THOR_PG_URL", pg.url());
        env.put("THOR_HTTP_PORT", String.valueOf(port));
        env.put("THOR_HTTP_INSTANCES", String.valueOf(instances));
        env.put("THOR_ADMIN_TOKEN", token);
        env.put("THOR_FANOUT_RATE_PER_SECOND", "0");
        env.put("THOR_SYMBOLS", "BENCHSIM");
        env.put("THOR_FANOUT_MAX_SOCKETS", "100000");
        env.put("THOR_FANOUT_MAX_SOCKETS_PER_TOKEN", "100000");
        env.put("THOR_ORDER_RATE_PER_SECOND", "100000");
        server = Child.start(name + "-server", List.of(JAVA, "-Xmx1g", "-jar", JAR.toString()), env);
        server.expect(line -> line.contains("ThorTrading is up")).get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        awaitHealthy(port);
      } else if (name.equals("naive-bridge")) {
        description = "stock SockJS bridge, 2 event loops (NaiveBridgeServer)";
        server = Child.start(name + "-server", List.of(JAVA, "-Xmx1g", "-cp", CLASSPATH,
            NaiveBridgeServer.class.getName(), String.valueOf(port), redis.url()), Map.of());
        server.expect(line -> line.startsWith("READY ")).get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      } else {
        throw new IllegalArgumentException("Unknown variant " + name
            + " (known: thortrading-<instances>, naive-bridge)");
      }
    } catch (Exception e) {
      log(name + " did not start: " + e);
      return new Variant(name, name, null, List.of(), 0, null, "did not start: " + e);
    }
    log(name + " is up on port " + port + " (pid " + server.pid() + ")");
    try {
      awaitQuietMachine();
      Idle idle = idleMemory(name, config, port, token, redis, server.pid());
      List<Step> steps = new ArrayList<>();
      for (double rate : config.rates()) {
        int warmup = steps.isEmpty() ? Math.max(config.warmup(), config.firstWarmup()) : config.warmup();
        if (!server.alive()) {
          // Say so rather than measure a dead server as "0 frames/s".
          log(name + " server process ended (" + server.exitStatus() + "); no further steps");
          return finish(name, description, idle, steps, "server process ended (" + server.exitStatus()
              + ") before the " + rate + " quotes/s step; see its log");
        }
        awaitQuietMachine();
        Step step = measuredStep(name, config, port, token, rate, warmup, redis, server.pid(), redisPid);
        for (int retry = 0; retry < 3 && step.failure() == null && step.cpu().otherPct() > NOISY; retry++) {
          log(String.format(Locale.ROOT, "%s at %.0f quotes/s: other processes took %.0f%% of a core; again",
              name, rate, step.cpu().otherPct()));
          awaitQuietMachine();
          step = measuredStep(name, config, port, token, rate, warmup, redis, server.pid(), redisPid);
        }
        steps.add(step);
        log(String.format(Locale.ROOT, "%s  %6.0f quotes/s: offered %,9.0f, delivered %,9.0f frames/s (%3.0f%%), "
                + "p50 %.2f ms, p99 %.2f ms, connected %d/%d, cpu server %.0f%% (%s %.0f%%) load %.0f%% (%s %.0f%%) "
                + "redis %.0f%% other %.0f%%%s",
            name, rate, step.offeredFps(), step.deliveredFps(), 100 * step.deliveredShare(), step.p50Ms(),
            step.p99Ms(), step.connected(), step.clients(), step.cpu().serverPct(), step.cpu().serverHottestThread(),
            step.cpu().serverHottestPct(), step.cpu().loadPct(), step.cpu().loadHottestThread(),
            step.cpu().loadHottestPct(), step.cpu().redisPct(), step.cpu().otherPct(),
            step.failure() == null ? "" : " FAILED: " + step.failure()));
        if (step.failure() != null || step.deliveredShare() < SATURATED || step.lostSockets()) {
          break; // saturated (or broken): higher rates only add queueing
        }
      }
      return finish(name, description, idle, steps, null);
    } finally {
      server.stop();
    }
  }

  private static Variant finish(String name, String description, Idle idle, List<Step> steps, String failure) {
    double saturation = steps.stream().mapToDouble(Step::deliveredFps).max().orElse(0);
    Step below = steps.stream().filter(s -> s.failure() == null && !s.lostSockets()
        && s.deliveredShare() >= KEEPING_UP && s.p50Ms() < QUEUED_MS).reduce((a, b) -> b).orElse(null);
    return new Variant(name, description, idle, steps, saturation, below, failure);
  }

  /**
   * Waits until the machine is quiet: this is a shared 2-core box, and someone else's build running during a
   * step would be measured as ours. Nothing signals "quiet", so it samples /proc/stat for a second at a time.
   */
  private static void awaitQuietMachine() {
    try {
      waitForQuiet();
    } catch (IOException e) {
      log("cannot read /proc/stat (" + e + "); not waiting for a quiet machine");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void waitForQuiet() throws IOException, InterruptedException {
    long deadline = System.nanoTime() + QUIET_WAIT.toNanos();
    boolean waited = false;
    while (true) {
      CpuSample before = CpuSample.take(ProcessHandle.current().pid(), ProcessHandle.current().pid(), Optional.empty());
      TimeUnit.SECONDS.sleep(1);
      double busy = before.until(CpuSample.take(ProcessHandle.current().pid(), ProcessHandle.current().pid(),
          Optional.empty())).machineBusyPct();
      if (busy < QUIET) {
        if (waited) {
          log(String.format(Locale.ROOT, "machine quiet again (%.0f%% busy)", busy));
        }
        return;
      }
      if (System.nanoTime() > deadline) {
        log(String.format(Locale.ROOT, "machine still %.0f%% busy after %d min; going on", busy,
            QUIET_WAIT.toMinutes()));
        return;
      }
      if (!waited) {
        log(String.format(Locale.ROOT, "machine %.0f%% busy (the last step's tail, or other work); waiting for it to quiet down", busy));
        waited = true;
      }
      TimeUnit.SECONDS.sleep(4);
    }
  }

  /** GET /health until it answers 200: the log line says the node started, health says Redis and PG answer. */
  private static void awaitHealthy(int port) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
        .timeout(Duration.ofSeconds(5)).build();
    int status = -1;
    for (int attempt = 0; attempt < 40; attempt++) {
      status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
      if (status == 200) {
        return;
      }
      // No event says "healthy" from outside the process; a short back-off between polls is all there is.
      TimeUnit.MILLISECONDS.sleep(250);
    }
    throw new IllegalStateException("/health still answers " + status);
  }

  /** RSS and live heap before, and while {@code idleClients} registered sockets sit idle on one symbol. */
  private static Idle idleMemory(String name, Config config, int port, String token, EmbeddedRedis redis,
      long serverPid) {
    Child load = null;
    try {
      long[] before = settledMemory(serverPid, config.settleSeconds());
      load = startLoad(name + "-idle", port, token, redis, Map.of("mode", "idle",
          "clients", String.valueOf(config.idleClients()), "symbols", "1", "symbolsPerClient", "1",
          "hold", "120"));
      String heldLine = load.expect(line -> line.startsWith("HELD ") || line.startsWith("FAILED"))
          .get(LOAD_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      if (heldLine.startsWith("FAILED")) {
        throw new IllegalStateException(heldLine);
      }
      int held = Integer.parseInt(heldLine.substring("HELD ".length()).strip());
      long[] during = settledMemory(serverPid, config.settleSeconds());
      load.send("RELEASE");
      load.expect(line -> line.startsWith("RESULT ")).get(60, TimeUnit.SECONDS);
      Idle idle = new Idle(config.idleClients(), held, before[0], during[0],
          (during[0] - before[0]) / (double) config.idleClients(), before[1], during[1],
          before[1] < 0 || during[1] < 0 ? -1 : (during[1] - before[1]) / (double) config.idleClients(), null);
      log(String.format(Locale.ROOT, "%s idle: %d sockets held; RSS %,d -> %,d KiB = %.1f KiB each; "
              + "live heap %,d -> %,d KiB = %.1f KiB each", name, held, before[0], during[0], idle.rssPerClientKiB(),
          before[1], during[1], idle.heapPerClientKiB()));
      return idle;
    } catch (Exception e) {
      log(name + " idle measurement failed: " + e);
      return new Idle(config.idleClients(), 0, -1, -1, -1, -1, -1, -1, e.toString());
    } finally {
      if (load != null) {
        load.stop();
      }
    }
  }

  /**
   * A full GC ({@code jcmd GC.run}), then a settling wait, then VmRSS and the heap in use, both in KiB. The GC
   * makes the two readings comparable: without it, RSS and heap depend on where the collector happened to be.
   */
  private static long[] settledMemory(long pid, int settleSeconds) throws Exception {
    jcmd(pid, "GC.run");
    TimeUnit.SECONDS.sleep(settleSeconds);
    long rss = procStatusKiB(pid, "VmRSS");
    Matcher used = Pattern.compile("used (\\d+)K").matcher(jcmd(pid, "GC.heap_info"));
    return new long[] {rss, used.find() ? Long.parseLong(used.group(1)) : -1};
  }

  /** A load step; against ThorTrading, with what its fan-out conflated meanwhile (from /metrics). */
  private static Step measuredStep(String name, Config config, int port, String token, double rate, int warmup,
      EmbeddedRedis redis, long serverPid, Optional<Long> redisPid) {
    long before = token.isEmpty() ? -1 : conflatedSoFar(port, token);
    Step step = loadStep(name, config, port, token, rate, warmup, redis, serverPid, redisPid);
    long after = token.isEmpty() ? -1 : conflatedSoFar(port, token);
    return before < 0 || after < 0 ? step : step.withConflated(after - before);
  }

  /** ThorTrading's thortrading_fanout_messages_conflated_total, or -1 when /metrics does not say. */
  private static long conflatedSoFar(int port, String token) {
    try {
      HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
          .header("authorization", "Bearer " + token).timeout(Duration.ofSeconds(10)).build();
      String body = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString()).body();
      Matcher count = Pattern.compile("(?m)^thortrading_fanout_messages_conflated_total(?:\\{[^}]*\\})? (\\S+)$")
          .matcher(body);
      return count.find() ? (long) Double.parseDouble(count.group(1)) : -1;
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** One offered rate: the load process measures delivery; CPU is sampled from /proc at its window's edges. */
  private static Step loadStep(String name, Config config, int port, String token, double rate, int warmup,
      EmbeddedRedis redis, long serverPid, Optional<Long> redisPid) {
    Child load = null;
    try {
      load = startLoad(String.format(Locale.ROOT, "%s-load-%.0f", name, rate), port, token, redis, Map.of(
          "mode", "stream", "clients", String.valueOf(config.clients()),
          "symbols", String.valueOf(config.symbols()), "symbolsPerClient", String.valueOf(config.symbolsPerClient()),
          "rate", String.valueOf(rate), "warmup", String.valueOf(warmup),
          "measure", String.valueOf(config.measure())));
      CompletableFuture<String> measuring = load.expect(line -> line.equals("MEASURE_START"));
      CompletableFuture<String> measured = load.expect(line -> line.equals("MEASURE_END"));
      CompletableFuture<String> result = load.expect(line -> line.startsWith("RESULT "));
      measuring.get(LOAD_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      CpuSample start = CpuSample.take(serverPid, load.pid(), redisPid);
      measured.get(LOAD_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      CpuSample end = CpuSample.take(serverPid, load.pid(), redisPid);
      JsonNode json = new ObjectMapper().readTree(result.get(60, TimeUnit.SECONDS).substring("RESULT ".length()));
      Map<String, Long> codes = new LinkedHashMap<>();
      json.path("close_codes").fields().forEachRemaining(e -> codes.put(e.getKey(), e.getValue().asLong()));
      return new Step(rate, json.path("offered_fps").asDouble(), json.path("delivered_fps").asDouble(),
          json.path("published_qps").asDouble(), json.path("p50_ms").asDouble(), json.path("p99_ms").asDouble(),
          json.path("p999_ms").asDouble(), json.path("max_ms").asDouble(), json.path("latency_samples").asLong(),
          json.path("clients").asInt(), json.path("connected").asInt(), json.path("server_closed").asLong(), codes,
          json.path("errors").asLong(), json.path("error_frames").asLong(), start.until(end),
          json.path("ready").asInt() == 0 ? "no client registered (see the load log)" : null, -1);
    } catch (Exception e) {
      log(name + " at " + rate + " quotes/s failed: " + e);
      return new Step(rate, rate * config.clientsPerSymbol(), 0, 0, 0, 0, 0, 0, 0, config.clients(), 0, 0, Map.of(),
          0, 0, new Cpu(0, 0, 0, 0, 0, "", 0, "", 0), e.toString(), -1);
    } finally {
      if (load != null) {
        load.stop();
      }
    }
  }

  private static Child startLoad(String logName, int port, String token, EmbeddedRedis redis,
      Map<String, String> settings) throws IOException {
    List<String> command = new ArrayList<>(List.of(JAVA, "-Xmx1g", "-cp", CLASSPATH, FanoutLoad.class.getName(),
        "target=127.0.0.1:" + port, "token=" + token, "redis=" + redis.url()));
    settings.forEach((key, value) -> command.add(key + "=" + value));
    return Child.start(logName, command, Map.of());
  }

  // --- CPU and memory from /proc --------------------------------------------------------------------------------

  /** utime+stime (clock ticks) of the processes, and the machine's busy and total ticks, at one instant. */
  private record CpuSample(long nanos, long server, long load, long redis, long self, long machineBusy,
      long machineTotal, Map<String, Long> serverThreads, Map<String, Long> loadThreads) {

    private static final long TICKS_PER_SECOND = BenchSupport.TICKS_PER_SECOND;

    static CpuSample take(long serverPid, long loadPid, Optional<Long> redisPid) throws IOException {
      String[] cpu = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long total = 0;
      for (int i = 1; i < cpu.length && i <= 8; i++) { // user nice system idle iowait irq softirq steal
        total += Long.parseLong(cpu[i]);
      }
      long idle = Long.parseLong(cpu[4]) + Long.parseLong(cpu[5]);
      return new CpuSample(System.nanoTime(), processTicks(serverPid), processTicks(loadPid),
          redisPid.map(CpuSample::processTicks).orElse(0L), processTicks(ProcessHandle.current().pid()),
          total - idle, total, threadTicks(serverPid), threadTicks(loadPid));
    }

    Cpu until(CpuSample end) {
      double seconds = (end.nanos - nanos) / 1e9;
      java.util.function.LongFunction<Double> pct = ticks -> 100.0 * ticks / TICKS_PER_SECOND / seconds;
      double machine = end.machineTotal == machineTotal ? 0 : 100.0 * (end.machineBusy - machineBusy)
          / (end.machineTotal - machineTotal) * Runtime.getRuntime().availableProcessors();
      long ours = (end.server - server) + (end.load - load) + (end.redis - redis) + (end.self - self);
      Map.Entry<String, Long> serverHot = hottest(serverThreads, end.serverThreads);
      Map.Entry<String, Long> loadHot = hottest(loadThreads, end.loadThreads);
      return new Cpu(pct.apply(end.server - server), pct.apply(end.load - load), pct.apply(end.redis - redis),
          machine, Math.max(0, machine - pct.apply(ours)), serverHot.getKey(), pct.apply(serverHot.getValue()),
          loadHot.getKey(), pct.apply(loadHot.getValue()));
    }

    /** The thread that used the most CPU between two samples: shows whether one event loop is the limit. */
    private static Map.Entry<String, Long> hottest(Map<String, Long> before, Map<String, Long> after) {
      return after.entrySet().stream().map(e -> Map.entry(e.getKey().substring(e.getKey().indexOf(':') + 1),
              e.getValue() - before.getOrDefault(e.getKey(), 0L)))
          .max(Map.Entry.comparingByValue()).orElse(Map.entry("", 0L));
    }

    /** utime + stime per thread, keyed "tid:name". */
    static Map<String, Long> threadTicks(long pid) {
      Map<String, Long> ticks = new LinkedHashMap<>();
      try (java.util.stream.Stream<Path> tasks = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
        tasks.forEach(task -> {
          try {
            String stat = Files.readString(task.resolve("stat"));
            String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            ticks.put(task.getFileName() + ":" + name, Long.parseLong(fields[11]) + Long.parseLong(fields[12]));
          } catch (IOException threadGone) {
            // ended between the listing and the read
          }
        });
      } catch (IOException processGone) {
        // nothing to count
      }
      return ticks;
    }

    /** utime + stime of a process, from /proc/<pid>/stat (fields 14 and 15; the name may hold spaces). */
    static long processTicks(long pid) {
      return BenchSupport.processTicks(pid);
    }
  }

  private static long procStatusKiB(long pid, String field) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
      if (line.startsWith(field + ":")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IllegalStateException(field + " not in /proc/" + pid + "/status");
  }

  private static String jcmd(long pid, String command) {
    try {
      return run(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), String.valueOf(pid),
          command));
    } catch (Exception e) {
      log("jcmd " + command + " failed: " + e);
      return "";
    }
  }

  // --- the report ----------------------------------------------------------------------------------------------

  private static String report(Config config, List<Variant> results, String command, Instant started) {
    double naive = results.stream().filter(v -> v.name().equals("naive-bridge")).mapToDouble(Variant::saturationFps)
        .findFirst().orElse(0);
    StringBuilder md = new StringBuilder("# Fan-out benchmark\n\n");
    md.append("| variant | saturation (delivered frames/s) | vs naive | p50 / p99 below saturation | at offered "
        + "frames/s | RSS per idle client | live heap per idle client |\n|---|---:|---:|---:|---:|---:|---:|\n");
    for (Variant v : results) {
      Step b = v.belowSaturation();
      md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s |%n", v.name(),
          v.steps().isEmpty() ? "failed" : String.format(Locale.ROOT, "%,.0f%s", v.saturationFps(),
              v.failure() == null ? "" : " (then failed)"),
          naive > 0 && !v.steps().isEmpty() ? String.format(Locale.ROOT, "%.2fx", v.saturationFps() / naive) : "n/a",
          b == null ? "none kept up" : String.format(Locale.ROOT, "%.2f / %.2f ms", b.p50Ms(), b.p99Ms()),
          b == null ? "-" : String.format(Locale.ROOT, "%,.0f", b.offeredFps()),
          v.idle() == null || v.idle().failure() != null ? "n/a"
              : String.format(Locale.ROOT, "%.1f KiB", v.idle().rssPerClientKiB()),
          v.idle() == null || v.idle().heapPerClientKiB() < 0 ? "n/a"
              : String.format(Locale.ROOT, "%.1f KiB", v.idle().heapPerClientKiB())));
    }
    md.append("\nSaturation: the highest delivered rate over the steps. Below saturation: the highest step that "
        + "delivered at least 95% of what was offered with no socket lost and a p50 under 100 ms (a median of seconds is a "
        + "standing queue: saturated, though the count still matches). Latency: Redis PUBLISH to frame received "
        + "in the load process (every 16th frame). RSS / live heap per idle client: (held - before) / "
        + config.idleClients() + " sockets registered on one symbol, each reading after jcmd GC.run and a "
        + config.settleSeconds() + " s settling wait. Conflated: messages ThorTrading's per-socket outboxes replaced "
        + "by a newer one during the step (its /metrics), n/a for the naive bridge, which has no such thing.\n");
    for (Variant v : results) {
      md.append("\n## ").append(v.name()).append(" (").append(v.description()).append(")\n\n");
      if (v.failure() != null) {
        md.append("Failed: ").append(v.failure()).append("\n\n");
        if (v.steps().isEmpty()) {
          continue;
        }
      }
      if (v.idle() != null) {
        Idle i = v.idle();
        md.append(i.failure() != null ? "Idle memory: failed: " + i.failure() + "\n\n"
            : String.format(Locale.ROOT, "Idle: %d of %d sockets held; RSS %,d -> %,d KiB; live heap %,d -> %,d KiB."
                + "%n%n", i.held(), i.clients(), i.rssBeforeKiB(), i.rssHeldKiB(), i.heapBeforeKiB(), i.heapHeldKiB()));
      }
      md.append("| quotes/s | offered frames/s | delivered frames/s | delivered | published quotes/s | p50 ms | "
          + "p99 ms | p99.9 ms | max ms | connected | server closed | errors | CPU server (hottest thread) | CPU load gen "
          + "(hottest thread) | CPU redis | machine busy | other | conflated |\n"
          + "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
      for (Step s : v.steps()) {
        md.append(String.format(Locale.ROOT, "| %.0f | %,.0f | %,.0f | %.0f%% | %,.0f | %.2f | %.2f | %.2f | %.2f | "
                + "%d/%d | %d%s | %d | %.0f%% (%s %.0f%%) | %.0f%% (%s %.0f%%) | %.0f%% | %.0f%% | %.0f%%%s | %s |%n", s.quoteRate(),
            s.offeredFps(),
            s.deliveredFps(), 100 * s.deliveredShare(), s.publishedQps(), s.p50Ms(), s.p99Ms(), s.p999Ms(),
            s.maxMs(), s.connected(), s.clients(), s.serverClosed(),
            s.closeCodes().isEmpty() ? "" : " " + s.closeCodes(), s.errors() + s.errorFrames(),
            s.cpu().serverPct(), s.cpu().serverHottestThread(), s.cpu().serverHottestPct(), s.cpu().loadPct(),
            s.cpu().loadHottestThread(), s.cpu().loadHottestPct(), s.cpu().redisPct(), s.cpu().machineBusyPct(),
            s.cpu().otherPct(), s.cpu().otherPct() > NOISY ? " NOISY" : "", s.conflated() < 0 ? "n/a" : String.format(Locale.ROOT, "%,d", s.conflated())));
        if (s.failure() != null) {
          md.append("\nStep failed: ").append(s.failure()).append("\n");
        }
      }
    }
    Map<String, String> machine = machine();
    md.append("\n## Machine and settings\n\n");
    machine.forEach((k, v) -> md.append("- ").append(k).append(": ").append(v.replace("\n", "; ")).append('\n'));
    md.append("- started: ").append(started).append('\n');
    md.append("- command: `").append(command).append("`\n");
    md.append(String.format(Locale.ROOT, "- load: %d clients, %d symbols, %d symbols per client (%.0f clients per "
            + "symbol), quote rates %s quotes/s, warm-up %d s (%d s for a server's first step), measure %d s per step; "
            + "idle: %d clients%s%n",
        config.clients(), config.symbols(), config.symbolsPerClient(), config.clientsPerSymbol(), config.rates(),
        config.warmup(), Math.max(config.warmup(), config.firstWarmup()), config.measure(), config.idleClients(), config.quick() ? " (QUICK MODE: smoke run)" : ""));
    md.append("- every process on this one machine: each server (java -Xmx1g), the load generator (java -Xmx1g, "
        + "2 event loops, one Jedis publisher thread), the embedded redis-server and PostgreSQL. CPU % is of one "
        + "core; machine busy is over all cores (" + Runtime.getRuntime().availableProcessors() * 100 + "% = all); "
        + "other is machine busy minus server, load generator, Redis and the orchestrator (so PostgreSQL and "
        + "whatever else ran); a step with other > " + (int) NOISY + "% is run again, up to 3 times (a row still marked NOISY was disturbed all 3 times: discount it), and each step waits for the machine to be under " + (int) QUIET
        + "% busy first\n");
    md.append("- ThorTrading: THOR_FANOUT_RATE_PER_SECOND=0, THOR_SYMBOLS=BENCHSIM, THOR_FANOUT_MAX_SOCKETS=100000, "
        + "THOR_FANOUT_MAX_SOCKETS_PER_TOKEN=100000, THOR_ORDER_RATE_PER_SECOND=100000, the admin token on every "
        + "socket; naive bridge: no authentication\n");
    return md.toString();
  }


  // --- processes -----------------------------------------------------------------------------------------------




  private static String randomToken() {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    SecureRandom random = new SecureRandom();
    StringBuilder token = new StringBuilder("bench");
    while (token.length() < 40) {
      token.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return token.toString();
  }


  /**
   * A child process whose output (stdout and stderr) is copied to {@code target/bench/logs/<name>.log} line by
   * line; a caller waits for a line to appear instead of sleeping.
   */
  private static final class Child {
    private final Process process;
    private final List<String> seen = new ArrayList<>();
    private final List<Watch> watches = new CopyOnWriteArrayList<>();
    private volatile String ended;

    private record Watch(Predicate<String> match, CompletableFuture<String> line) {
    }

    private Child(Process process) {
      this.process = process;
    }

    static Child start(String name, List<String> command, Map<String, String> env) throws IOException {
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
      builder.environment().putAll(env);
      Child child = new Child(builder.start());
      LIVE.add(child);
      Path logFile = LOGS.resolve(name + ".log");
      Thread pump = new Thread(() -> child.pump(logFile, command), "output-of-" + name);
      pump.setDaemon(true);
      pump.start();
      return child;
    }

    long pid() {
      return process.pid();
    }

    boolean alive() {
      return process.isAlive();
    }

    /** How the process ended: 128+N is signal N (143: SIGTERM, 137: SIGKILL). */
    String exitStatus() {
      return process.isAlive() ? "running" : "exit " + process.exitValue();
    }

    private void pump(Path logFile, List<String> command) {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
          StandardCharsets.UTF_8)); Writer out = Files.newBufferedWriter(logFile)) {
        out.write("# " + String.join(" ", command) + "\n");
        String line;
        while ((line = in.readLine()) != null) {
          out.write(line);
          out.write('\n');
          out.flush();
          synchronized (this) {
            if (seen.size() < 100_000) {
              seen.add(line);
            }
          }
          for (Watch watch : watches) {
            if (watch.match().test(line) && watch.line().complete(line)) {
              watches.remove(watch);
            }
          }
        }
      } catch (IOException e) {
        // the process is gone; the watches fail below
      }
      int code;
      try {
        code = process.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        code = -1;
      }
      ended = "process ended (exit " + code + "); see " + logFile;
      watches.forEach(w -> w.line().completeExceptionally(new IllegalStateException(ended)));
    }

    /** The first line (already printed or to come) that matches; fails if the process ends first. */
    CompletableFuture<String> expect(Predicate<String> match) {
      Watch watch = new Watch(match, new CompletableFuture<>());
      watches.add(watch);
      synchronized (this) {
        seen.stream().filter(match).findFirst().ifPresent(watch.line()::complete);
      }
      if (ended != null) {
        watch.line().completeExceptionally(new IllegalStateException(ended));
      }
      return watch.line();
    }

    void send(String line) throws IOException {
      OutputStream in = process.getOutputStream();
      in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
      in.flush();
    }

    /** Asks the process to end (SIGTERM), then kills it if it has not within 10 s. */
    void stop() {
      process.destroy();
      try {
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
      }
      LIVE.remove(this);
    }

    void kill() {
      process.destroyForcibly();
    }
  }
}
