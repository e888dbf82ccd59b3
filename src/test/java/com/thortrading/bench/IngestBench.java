package com.thortrading.bench;

import static com.thortrading.bench.BenchSupport.log;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.thortrading.app.EmbeddedRedis;
import com.thortrading.livedata.LiveDataRedis;
import com.thortrading.livedata.Quote;
import com.thortrading.livedata.QuoteJson;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Quotes per second through the ingest's publisher beside {@code redis-cli --pipe} of the same commands, on the same
 * Redis in the same run: batches of 12, 100, 1,000 and 5,000 symbols, with the history stream off and on.
 *
 * <p>Ours: {@link IngestLoad} in its own process, the service's publisher fed as fast as it writes. Baseline: a file
 * of the commands our script runs for the same batches (EXISTS of the symbol set, HSET of every symbol in chunks of
 * 500, a PUBLISH per quote, an XADD with {@code MAXLEN ~} per quote when history is on; the SADD of the first batch),
 * with the same JSON, sent by {@code redis-cli --pipe} once to warm up and once measured. Writes
 * {@code target/bench/ingest.md} and {@code ingest.json}. Arguments (key=value): batches, history (the history
 * length when on), warmup, measure, pipeQuotes (quotes in the baseline's file).
 */
public final class IngestBench {

  private record Step(int batch, long history, Map<String, Object> ours, double oursRedisCpu, double oursLoadCpu,
      double pipeQuotesPerSecond, double pipeRedisCpu) {
    double ratio() {
      return ((Number) ours.get("quotes_per_second")).doubleValue() / pipeQuotesPerSecond;
    }
  }

  private IngestBench() {
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> options = OrderBench.options(args, Map.of("batches", "12,100,1000,5000",
        "history", String.valueOf(LiveDataRedis.DEFAULT_HISTORY_LENGTH), "warmup", "5", "measure", "10",
        "pipeQuotes", "400000"));
    List<Integer> batches = java.util.Arrays.stream(options.get("batches").split(",")).map(Integer::parseInt).toList();
    long historyLength = Long.parseLong(options.get("history"));
    Files.createDirectories(OrderBench.LOGS);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> OrderBench.LIVE.forEach(Process::destroyForcibly)));
    Instant started = Instant.now();
    List<Step> steps = new ArrayList<>();
    String redisVersion;
    try (EmbeddedRedis redis = EmbeddedRedis.start(0)) {
      long redisPid = BenchSupport.redisPid(redis.port()).orElseThrow(() -> new IllegalStateException("no redis pid"));
      redisVersion = BenchSupport.run(List.of("redis-cli", "-p", String.valueOf(redis.port()), "INFO", "server"))
          .lines().filter(l -> l.startsWith("redis_version:")).findFirst().orElse("?").strip();
      log("Redis " + redis.url() + " (pid " + redisPid + ", " + redisVersion + ")");
      for (long history : List.of(0L, historyLength)) {
        for (int batch : batches) {
          flush(redis.port());
          long redisBefore = BenchSupport.processTicks(redisPid);
          long wallBefore = System.nanoTime();
          Process load = OrderBench.start("ingest-" + batch + "-" + history, List.of(OrderBench.JAVA, "-Xmx2g",
              "-cp", System.getProperty("java.class.path"), IngestLoad.class.getName(), redis.url(),
              String.valueOf(batch), String.valueOf(history), options.get("warmup"), options.get("measure")),
              Map.of());
          long loadPid = load.pid();
          long loadTicks = 0;
          while (!load.waitFor(200, TimeUnit.MILLISECONDS)) {
            loadTicks = Math.max(loadTicks, BenchSupport.processTicks(loadPid));
          }
          double wall = (System.nanoTime() - wallBefore) / 1e9;
          double redisCpu = cpuPercent(BenchSupport.processTicks(redisPid) - redisBefore, wall);
          double loadCpu = cpuPercent(loadTicks, wall);
          Map<String, Object> ours = result("ingest-" + batch + "-" + history);

          flush(redis.port());
          Path file = pipeFile(batch, history, Long.parseLong(options.get("pipeQuotes")));
          pipe(redis.port(), file); // warm-up
          flush(redis.port());
          long pipeRedisBefore = BenchSupport.processTicks(redisPid);
          long t0 = System.nanoTime();
          long quotes = pipe(redis.port(), file);
          double seconds = (System.nanoTime() - t0) / 1e9;
          double pipeRedisCpu = cpuPercent(BenchSupport.processTicks(redisPid) - pipeRedisBefore, seconds);
          Files.delete(file);
          Step step = new Step(batch, history, ours, redisCpu, loadCpu, quotes / seconds, pipeRedisCpu);
          steps.add(step);
          log(String.format(Locale.ROOT, "batch %d, history %s: ours %,d quotes/s; redis-cli --pipe %,.0f quotes/s; "
                  + "ratio %.2f", batch, history == 0 ? "off" : "on", ((Number) ours.get("quotes_per_second")).longValue(),
              step.pipeQuotesPerSecond(), step.ratio()));
        }
      }
    } finally {
      OrderBench.LIVE.forEach(Process::destroyForcibly);
    }
    String command = "bench/ingest" + (args.length == 0 ? "" : " " + String.join(" ", args));
    Files.writeString(OrderBench.OUT.resolve("ingest.md"), report(steps, options, command, started, redisVersion));
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("command", command);
    json.put("started", started.toString());
    json.put("machine", BenchSupport.machine());
    json.put("redis", redisVersion);
    json.put("steps", steps);
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(
        OrderBench.OUT.resolve("ingest.json").toFile(), json);
    log("Wrote " + OrderBench.OUT.resolve("ingest.md") + " and ingest.json");
  }

  private static double cpuPercent(long ticks, double seconds) {
    return 100.0 * ticks / BenchSupport.TICKS_PER_SECOND / seconds;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> result(String name) throws IOException {
    String line = Files.readAllLines(OrderBench.LOGS.resolve(name + ".log")).stream()
        .filter(l -> l.startsWith("RESULT ")).findFirst()
        .orElseThrow(() -> new IllegalStateException(name + " printed no RESULT; see its log"));
    return new ObjectMapper().readValue(line.substring(7), Map.class);
  }

  private static void flush(int port) throws Exception {
    BenchSupport.run(List.of("redis-cli", "-p", String.valueOf(port), "FLUSHALL"));
  }

  /** Sends the file with {@code redis-cli --pipe}; returns the quotes it carried, after checking every reply. */
  private static long pipe(int port, Path file) throws Exception {
    Process p = new ProcessBuilder("redis-cli", "-p", String.valueOf(port), "--pipe").redirectErrorStream(true)
        .redirectInput(file.toFile()).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();
    if (!out.contains("errors: 0")) {
      throw new IllegalStateException("redis-cli --pipe: " + out);
    }
    return Long.parseLong(Files.readAllLines(Path.of(file + ".quotes")).get(0));
  }

  /** The commands our script runs for about {@code quotes} quotes in batches of {@code batch}, as RESP. */
  private static Path pipeFile(int batch, long history, long quotes) throws IOException {
    Path file = Files.createTempFile("thor-ingest-pipe", ".resp");
    long batches = Math.max(1, quotes / batch);
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
      for (long n = 0; n < batches; n++) {
        List<Quote> poll = IngestLoad.poll(batch, n);
        List<String> json = poll.stream().map(QuoteJson::toJson).toList(); // the same bytes the script is sent
        command(out, List.of("EXISTS", LiveDataRedis.SYMBOLS_KEY));
        for (int from = 0; from < batch; from += 500) {
          List<String> hset = new ArrayList<>(List.of("HSET", LiveDataRedis.LATEST_QUOTES_KEY));
          for (int i = from; i < Math.min(batch, from + 500); i++) {
            hset.add(poll.get(i).symbol());
            hset.add(json.get(i));
          }
          command(out, hset);
        }
        if (n == 0) {
          List<String> sadd = new ArrayList<>(List.of("SADD", LiveDataRedis.SYMBOLS_KEY));
          poll.forEach(q -> sadd.add(q.symbol()));
          command(out, sadd);
        }
        for (int i = 0; i < batch; i++) {
          command(out, List.of("PUBLISH", LiveDataRedis.quoteChannel(poll.get(i).symbol()), json.get(i)));
        }
        if (history > 0) {
          for (int i = 0; i < batch; i++) {
            command(out, List.of("XADD", LiveDataRedis.HISTORY_PREFIX + poll.get(i).symbol(), "MAXLEN", "~",
                String.valueOf(history), "*", "quote", json.get(i)));
          }
        }
      }
    }
    Files.writeString(Path.of(file + ".quotes"), String.valueOf(batches * batch));
    Path.of(file + ".quotes").toFile().deleteOnExit();
    return file;
  }

  private static void command(OutputStream out, List<String> args) throws IOException {
    StringBuilder resp = new StringBuilder().append('*').append(args.size()).append("\r\n");
    for (String arg : args) {
      byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
      resp.append('$').append(bytes.length).append("\r\n").append(arg).append("\r\n");
    }
    out.write(resp.toString().getBytes(StandardCharsets.UTF_8));
  }

  private static String report(List<Step> steps, Map<String, String> options, String command, Instant started,
      String redisVersion) {
    StringBuilder md = new StringBuilder("# Ingest benchmark\n\n");
    md.append("| history | batch (symbols) | ours, quotes/s | `redis-cli --pipe` of the same commands, quotes/s | "
        + "ratio | Redis CPU, ours / pipe | ingest process CPU | batches in flight |\n"
        + "|---|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Step s : steps) {
      md.append(String.format(Locale.ROOT, "| %s | %,d | %,d | %,.0f | %.2f | %.0f%% / %.0f%% | %.0f%% | %s |%n",
          s.history() == 0 ? "off" : "on (MAXLEN ~ " + s.history() + ")", s.batch(),
          ((Number) s.ours().get("quotes_per_second")).longValue(), s.pipeQuotesPerSecond(), s.ratio(),
          s.oursRedisCpu(), s.pipeRedisCpu(), s.oursLoadCpu(), s.ours().get("most_in_flight")));
    }
    md.append("\nOurs: the service's `RedisPublisherVerticle` and `LiveDataRedis` (one Lua script per batch, or per ")
        .append("1,000 quotes of a larger one: HSET of ")
        .append("every symbol, SADD of symbols new to it, a PUBLISH and, with history on, an XADD per quote), in its ")
        .append("own process (`IngestLoad`), fed a new poll of every symbol whenever fewer than its most batches ")
        .append("in flight are unwritten, so none merge (\"batches in flight\": the most it had at once); ")
        .append(options.get("warmup")).append(" s warm-up, ").append(options.get("measure")).append(" s measured. ")
        .append("Baseline: the same commands with the same JSON written to a file and sent by `redis-cli --pipe` ")
        .append("(about ").append(options.get("pipeQuotes")).append(" quotes, once to warm up, once measured). ")
        .append("CPU: percent of one core over each measurement (ours: warm-up included), from /proc. ")
        .append("Redis is flushed before each. Bars are not written in either.\n\n");
    md.append("## Machine and settings\n\n");
    BenchSupport.machine().forEach((k, v) -> md.append("- ").append(k).append(": ")
        .append(v.replace("\n", "; ")).append('\n'));
    md.append("- redis: embedded, ").append(redisVersion).append("; redis-cli: ")
        .append(Optional.ofNullable(version()).orElse("?")).append('\n');
    md.append("- command: `").append(command).append("`, started ").append(started).append('\n');
    return md.toString();
  }

  private static String version() {
    try {
      return BenchSupport.run(List.of("redis-cli", "--version")).strip();
    } catch (Exception e) {
      return null;
    }
  }
}
