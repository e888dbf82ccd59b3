package com.thortrading.bench;

import static com.thortrading.bench.BenchSupport.deleteTree;
import static com.thortrading.bench.BenchSupport.freePort;
import static com.thortrading.bench.BenchSupport.log;
import static com.thortrading.bench.BenchSupport.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.thortrading.app.EmbeddedPg;
import com.thortrading.app.EmbeddedRedis;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Orders per second through ThorTrading, each figure beside baselines measured in the same run on the same
 * PostgreSQL: pgbench running the least an order needs (lock the account, insert the order and its fill, upsert
 * the position, update the cash: one prepared transaction, pipelined into one round trip) and a plain Vert.x HTTP
 * server doing one INSERT per request. ThorTrading (the jar), the plain server and every load generator
 * ({@link OrderLoad}) are separate processes; each measurement follows a warm-up.
 *
 * <p>Market buys of one share of a simulated symbol, at 1, 8 and 32 clients, all on one account (its orders go in
 * turn, batched) and on an account each. Writes {@code target/bench/orders.md} and {@code orders.json}, which
 * {@link BenchResults} joins with the fan-out's into {@code results.md} and {@code results.json}. Arguments:
 * {@code warmup=S measure=S clients=1,8,32 firstWarmup=S profile=false} (firstWarmup, default 60: the first step's
 * warm-up for each server, long enough for the JIT to finish; true profile: a flight recording of ThorTrading in
 * {@code target/bench/thortrading.jfr}).
 */
public final class OrderBench {

  static final Path OUT = Path.of("target", "bench");
  static final Path LOGS = OUT.resolve("logs");
  static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();
  static final String TOKEN = "bench-operator-token-0123456789abcdefghijkl";
  private static final String SYMBOL = "BENCH";
  static final List<Process> LIVE = new java.util.concurrent.CopyOnWriteArrayList<>();

  private OrderBench() {
  }

  record Row(String mode, int clients, Map<String, Object> ours, Map<String, Object> pgbench,
      Map<String, Object> plain, Map<String, Object> cpu) {
  }

  /** CPU ticks (1/100 s) so far: ThorTrading's process, every postgres process, and the whole machine. */
  record Ticks(long server, long postgres, long machineBusy, long machineAll) {
    static Ticks take(long serverPid) throws IOException {
      long postgres = 0;
      try (var procs = Files.list(Path.of("/proc"))) {
        for (Path proc : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
          try {
            if (Files.readString(proc.resolve("comm")).strip().equals("postgres")) {
              postgres += processTicks(proc);
              // The postmaster also carries what its ended backends used (pgbench's, one run each).
              String[] fields = statFields(proc);
              Path parent = Path.of("/proc", fields[1], "comm");
              if (!Files.exists(parent) || !Files.readString(parent).strip().equals("postgres")) {
                postgres += Long.parseLong(fields[13]) + Long.parseLong(fields[14]);
              }
            }
          } catch (IOException gone) {
            // ended meanwhile
          }
        }
      }
      String[] cpu = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long all = 0;
      for (int i = 1; i < cpu.length; i++) {
        all += Long.parseLong(cpu[i]);
      }
      long idle = Long.parseLong(cpu[4]) + Long.parseLong(cpu[5]);
      return new Ticks(processTicks(Path.of("/proc", String.valueOf(serverPid))), postgres, all - idle, all);
    }

    private static String[] statFields(Path proc) throws IOException {
      String stat = Files.readString(proc.resolve("stat"));
      return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    }

    static long processTicks(Path proc) throws IOException {
      String[] fields = statFields(proc);
      return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    /** Percent of one core each, over the time between the two samples (machine: of all cores, 100 x cores). */
    static Map<String, Object> between(Ticks a, Ticks b) {
      double cores = Runtime.getRuntime().availableProcessors();
      double wall = (b.machineAll() - a.machineAll()) / cores;
      Map<String, Object> cpu = new LinkedHashMap<>();
      cpu.put("server_pct", Math.round(100.0 * (b.server() - a.server()) / wall));
      cpu.put("postgres_pct", Math.round(100.0 * (b.postgres() - a.postgres()) / wall));
      cpu.put("machine_pct", Math.round(100.0 * cores * (b.machineBusy() - a.machineBusy())
          / (b.machineAll() - a.machineAll())));
      return cpu;
    }
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> options = options(args, Map.of("warmup", "5", "measure", "10", "clients", "1,8,32",
        "profile", "false", "firstWarmup", "60"));
    int warmup = Integer.parseInt(options.get("warmup"));
    int measure = Integer.parseInt(options.get("measure"));
    // A cold JVM: measured at 8 clients on one account, the service's C2 compiler still took half a core 18 s after
    // start (1,848 orders/s) and 4% after 55 s (2,416/s). Each server's first step warms up this long.
    int firstWarmup = Math.max(warmup, Integer.parseInt(options.get("firstWarmup")));
    List<Integer> clientCounts = java.util.Arrays.stream(options.get("clients").split(",")).map(Integer::parseInt)
        .toList();
    int most = clientCounts.stream().mapToInt(Integer::intValue).max().orElse(1);
    Files.createDirectories(LOGS);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly)));
    Instant started = Instant.now();
    String pgbench = Files.isExecutable(Path.of("/usr/lib/postgresql/15/bin/pgbench"))
        ? "/usr/lib/postgresql/15/bin/pgbench" : "pgbench";
    List<Row> rows = new ArrayList<>();
    Map<String, String> settings = new LinkedHashMap<>();
    Path pgData = Files.createTempDirectory("thor-order-bench-pg");
    Vertx vertx = Vertx.vertx();
    try (EmbeddedRedis redis = EmbeddedRedis.start(0); EmbeddedPg pg = EmbeddedPg.start(0, pgData)) {
      log("Redis " + redis.url() + ", PostgreSQL " + pg.url());
      int thorPort = freePort();
      List<String> jar = new ArrayList<>(List.of(JAVA, "-Xmx1g"));
      if (Boolean.parseBoolean(options.get("profile"))) {
        // A flight recording of the whole run, for what limits it: target/bench/thortrading.jfr.
        jar.add("-XX:StartFlightRecording=filename=" + OUT.resolve("thortrading.jfr") + ",settings=profile,"
            + "dumponexit=true");
      }
      jar.addAll(List.of("-jar", "target/thortrading.jar"));
      Process thor = start("thortrading", jar, Map.of(
          "THOR_REDIS_URL", redis.url(), "THOR_PG_URL", pg.url(), "THOR_HTTP_PORT", String.valueOf(thorPort),
          "THOR_ADMIN_TOKEN", TOKEN, "THOR_SYMBOLS", SYMBOL, "THOR_ORDER_RATE_PER_SECOND", "1000000",
          "THOR_SIM_CHANGE_PROBABILITY", "0"));
      awaitHealthy(thorPort);
      String thorUrl = "http://127.0.0.1:" + thorPort;
      List<String> each = new ArrayList<>();
      createAccount(thorUrl, "one");
      for (int i = 1; i <= most; i++) {
        each.add("each-" + i);
        createAccount(thorUrl, "each-" + i);
      }
      Pool sql = PgBuilder.pool().connectingTo(pg.url()).using(vertx).build();
      for (String setting : List.of("server_version", "fsync", "synchronous_commit", "shared_buffers", "max_connections")) {
        settings.put("postgresql " + setting, sql.query("SHOW " + setting).execute().await().iterator().next()
            .getString(0));
      }
      sql.query("INSERT INTO accounts (id, cash, starting_cash) SELECT 'pg-' || g, 1000000000, 1000000000 "
          + "FROM generate_series(0, " + most + ") g ON CONFLICT DO NOTHING").execute().await();
      Path oneScript = pgbenchScript("one", "'pg-0'");
      Path eachScript = pgbenchScript("each", "'pg-' || (:client_id + 1)");

      int plainPort = freePort();
      Process plain = start("plain-insert", List.of(JAVA, "-Xmx1g", "-cp", System.getProperty("java.class.path"),
          PlainInsertServer.class.getName(), String.valueOf(plainPort), pg.url(),
          String.valueOf(Runtime.getRuntime().availableProcessors())), Map.of());
      awaitLine(LOGS.resolve("plain-insert.log"), "LISTENING", Duration.ofMinutes(1));

      Map<Integer, Map<String, Object>> plainByClients = new LinkedHashMap<>();
      for (String mode : List.of("one account", "an account each")) {
        for (int clients : clientCounts) {
          String accounts = mode.equals("one account") ? "one" : String.join(",", each.subList(0, clients));
          Ticks before = Ticks.take(thor.pid());
          // The first step also warms a cold server (JIT): a longer warm-up.
          int ourWarmup = rows.isEmpty() ? firstWarmup : warmup;
          Map<String, Object> ours = load("thor-" + mode.charAt(0) + clients, thorUrl + "/api/trades/orders/active",
              clients, accounts, ourWarmup, measure, 201);
          Map<String, Object> cpu = Ticks.between(before, Ticks.take(thor.pid()));
          Ticks beforePgbench = Ticks.take(thor.pid());
          Map<String, Object> base = pgbench(pgbench, pg.url(), mode.equals("one account") ? oneScript : eachScript,
              clients, warmup, measure);
          Map<String, Object> pgbenchCpu = Ticks.between(beforePgbench, Ticks.take(thor.pid()));
          base.put("postgres_pct", pgbenchCpu.get("postgres_pct"));
          base.put("machine_pct", pgbenchCpu.get("machine_pct"));
          Map<String, Object> floor = plainByClients.computeIfAbsent(clients, c -> load("plain-" + c,
              "http://127.0.0.1:" + plainPort + "/", c, "x", c == clientCounts.get(0) ? firstWarmup : warmup,
              measure, 201));
          rows.add(new Row(mode, clients, ours, base, floor, cpu));
          log(String.format(Locale.ROOT, "%s, %d clients: ours %.0f/s (p50 %.2f, p99 %.2f ms); pgbench %.0f tps; "
                  + "plain %.0f/s", mode, clients, num(ours, "per_second"), num(ours, "p50_ms"), num(ours, "p99_ms"),
              num(base, "tps"), num(floor, "per_second")));
        }
      }
      thor.destroy();
      plain.destroy();
      thor.waitFor(30, TimeUnit.SECONDS);
      plain.waitFor(30, TimeUnit.SECONDS);
    } finally {
      LIVE.forEach(Process::destroyForcibly);
      vertx.close().await();
      deleteTree(pgData); // PostgreSQL has stopped: its data is of no further use
    }
    String command = "bench/run" + (args.length == 0 ? "" : " " + String.join(" ", args));
    settings.put("ThorTrading", "the jar, THOR_ORDER_RATE_PER_SECOND=1000000, THOR_SIM_CHANGE_PROBABILITY=0, "
        + "defaults otherwise (pool of 16, one HTTP instance per core)");
    settings.put("load", warmup + " s warm-up (" + firstWarmup + " s for each server's first step), " + measure
        + " s measured, closed loop, one connection per client, all clients on one event loop, market buys of 1 "
        + SYMBOL);
    String report = report(rows, settings, command, started, pgbench);
    Files.writeString(OUT.resolve("orders.md"), report);
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("started", started.toString());
    json.put("command", command);
    json.put("machine", machineAndPgbench());
    json.put("settings", settings);
    json.put("orders", rows);
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(OUT.resolve("orders.json").toFile(), json);
    System.out.println(report);
    System.exit(0);
  }

  /** {@code key=value} arguments over {@code defaults}; an unknown key or a malformed argument is refused. */
  static Map<String, String> options(String[] args, Map<String, String> defaults) {
    Map<String, String> options = new LinkedHashMap<>(defaults);
    for (String arg : args) {
      String[] kv = arg.split("=", 2);
      if (kv.length != 2 || !options.containsKey(kv[0])) {
        throw new IllegalArgumentException("Arguments are " + options.keySet() + " as key=value, got " + arg);
      }
      options.put(kv[0], kv[1]);
    }
    return options;
  }

  /** The least one order needs, as one transaction in one round trip (pgbench's pipeline mode, prepared). */
  private static Path pgbenchScript(String name, String account) throws IOException {
    String script = String.join("\n",
        "\\startpipeline",
        "BEGIN;",
        "SELECT cash FROM accounts WHERE id = " + account + " FOR UPDATE;",
        "WITH o AS (INSERT INTO orders (account_id, symbol, side, quantity, order_type, tif, status, filled_quantity, "
            + "fill_price, fill_reason) VALUES (" + account + ", '" + SYMBOL + "', 'BUY', 1, 'MKT', 'DAY', 'FILLED', 1, "
            + "100.00, 'bench') RETURNING id, account_id) INSERT INTO fills (order_id, account_id, symbol, side, "
            + "quantity, price) SELECT id, account_id, '" + SYMBOL + "', 'BUY', 1, 100.00 FROM o;",
        "INSERT INTO positions (account_id, symbol, quantity, average_cost) VALUES (" + account + ", '" + SYMBOL
            + "', 1, 100.00) ON CONFLICT (account_id, symbol) DO UPDATE SET quantity = positions.quantity + 1;",
        "UPDATE accounts SET cash = cash - 100.00 WHERE id = " + account + ";",
        "COMMIT;",
        "\\endpipeline", "");
    Path file = OUT.resolve("pgbench-" + name + ".sql");
    Files.writeString(file, script);
    return file;
  }

  private static Map<String, Object> pgbench(String pgbench, String url, Path script, int clients, int warmup,
      int measure) throws Exception {
    URI uri = URI.create(url);
    List<String> base = List.of(pgbench, "-h", uri.getHost(), "-p", String.valueOf(uri.getPort()), "-U",
        uri.getUserInfo() == null ? "postgres" : uri.getUserInfo().split(":")[0], "-n", "-M", "prepared", "-f",
        script.toString(), "-c", String.valueOf(clients), "-j", String.valueOf(Math.min(clients, 2)));
    String db = uri.getPath().replaceFirst("^/", "");
    List<String> warm = new ArrayList<>(base);
    warm.addAll(List.of("-T", String.valueOf(warmup), db));
    run(warm);
    List<String> measured = new ArrayList<>(base);
    measured.addAll(List.of("-T", String.valueOf(measure), db));
    String out = run(measured);
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("tps", first(out, "tps = ([0-9.]+)"));
    result.put("latency_average_ms", first(out, "latency average = ([0-9.]+) ms"));
    result.put("failed", first(out, "number of failed transactions: ([0-9]+)"));
    if (result.get("tps") == null) {
      throw new IllegalStateException("pgbench gave no tps: " + out);
    }
    return result;
  }

  private static Map<String, Object> load(String name, String url, int clients, String accounts, int warmup,
      int measure, int expected) {
    try {
      Process process = start(name, List.of(JAVA, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
          OrderLoad.class.getName(), url, TOKEN, String.valueOf(clients), accounts, SYMBOL, String.valueOf(warmup),
          String.valueOf(measure), String.valueOf(expected)), Map.of());
      if (!process.waitFor(warmup + measure + 120, TimeUnit.SECONDS)) {
        throw new IllegalStateException(name + " did not finish");
      }
      String result = Files.readAllLines(LOGS.resolve(name + ".log")).stream().filter(l -> l.startsWith("RESULT "))
          .findFirst().orElseThrow(() -> new IllegalStateException(name + " printed no RESULT; see its log"));
      @SuppressWarnings("unchecked")
      Map<String, Object> parsed = new ObjectMapper().readValue(result.substring(7), Map.class);
      return parsed;
    } catch (Exception e) {
      throw new IllegalStateException(name + ": " + e.getMessage(), e);
    }
  }

  private static String report(List<Row> rows, Map<String, String> settings, String command, Instant started,
      String pgbench) throws Exception {
    StringBuilder md = new StringBuilder("# Order benchmark\n\n");
    md.append("| accounts | clients | ThorTrading orders/s | p50 / p99 / p99.9 ms | pgbench minimal order txn, tps "
        + "| ratio | plain HTTP + INSERT, req/s | ratio | CPU during ours: server / postgres / machine "
        + "| postgres CPU per order, ours / pgbench |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Row row : rows) {
      double ours = num(row.ours(), "per_second");
      double base = num(row.pgbench(), "tps");
      double floor = num(row.plain(), "per_second");
      md.append(String.format(Locale.ROOT, "| %s | %d | %,.0f%s | %.2f / %.2f / %.2f | %,.0f | %.2f | %,.0f | %.2f "
              + "| %s%% / %s%% / %s%% | %.2f / %.2f ms |%n",
          row.mode(), row.clients(), ours, num(row.ours(), "failed") > 0 ? " (" + (long) num(row.ours(), "failed")
              + " failed: " + row.ours().get("first_failure") + ")" : "",
          num(row.ours(), "p50_ms"), num(row.ours(), "p99_ms"), num(row.ours(), "p999_ms"), base, ours / base,
          floor, ours / floor, row.cpu().get("server_pct"), row.cpu().get("postgres_pct"),
          row.cpu().get("machine_pct"), 10 * num(row.cpu(), "postgres_pct") / ours,
          10 * num(row.pgbench(), "postgres_pct") / base));
    }
    md.append("\nEvery figure in a row was measured in this one run, on the same embedded PostgreSQL and Redis, "
        + "after a warm-up. ThorTrading: market buys of 1 share over REST (`POST /api/trades/orders/active`), each "
        + "answered only after its transaction committed. pgbench: `").append(pgbench).append(" -n -M prepared` "
        + "with the script in `target/bench/pgbench-*.sql`: lock the account, insert the order and its fill, "
        + "upsert the position, update the cash, in one transaction sent as one pipeline (one round trip); one "
        + "account for all clients, or one per client. Plain: a Vert.x HTTP server whose handler does one INSERT "
        + "(`PlainInsertServer`), loaded by the same client. The load generators are separate processes on the "
        + "same machine. CPU: percent of one core over the whole ThorTrading step (warm-up included), from /proc; "
        + "machine: of all cores together (100% per core).\n\n## Machine and settings\n\n");
    md.append("- started: ").append(started).append('\n').append("- command: `").append(command).append("`\n");
    machineAndPgbench().forEach((k, v) -> md.append("- ").append(k).append(": ").append(v.replace('\n', ' ')).append('\n'));
    settings.forEach((k, v) -> md.append("- ").append(k).append(": ").append(v).append('\n'));
    return md.toString();
  }

  private static double num(Map<String, Object> map, String key) {
    Object value = map.get(key);
    return value instanceof Number n ? n.doubleValue() : value == null ? 0 : Double.parseDouble(value.toString());
  }

  private static Object first(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    return m.find() ? Double.parseDouble(m.group(1)) : null;
  }

  private static void createAccount(String url, String id) throws Exception {
    HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create(url + "/api/accounts")).header("Authorization", "Bearer " + TOKEN)
        .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
            "{\"id\":\"" + id + "\",\"cash\":\"1000000000.00\"}")).build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 201) {
      throw new IllegalStateException("creating account " + id + ": " + response.statusCode() + " " + response.body());
    }
  }

  static Process start(String name, List<String> command, Map<String, String> env) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(LOGS.resolve(name + ".log").toFile());
    builder.environment().keySet().removeIf(k -> k.startsWith("THOR_"));
    builder.environment().putAll(env);
    Process process = builder.start();
    LIVE.add(process);
    return process;
  }

  static void awaitHealthy(int port) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    while (System.nanoTime() < deadline) {
      try {
        if (http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).build(),
            HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      // Nothing outside the process says "up" but polling /health; a short pause between polls.
      TimeUnit.MILLISECONDS.sleep(250);
    }
    throw new IllegalStateException("ThorTrading did not become healthy; see target/bench/logs/thortrading.log");
  }

  private static void awaitLine(Path log, String prefix, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (Files.exists(log) && Files.readAllLines(log).stream().anyMatch(l -> l.startsWith(prefix))) {
        return;
      }
      TimeUnit.MILLISECONDS.sleep(100); // the child's output is a file: polled
    }
    throw new IllegalStateException("no line starting " + prefix + " in " + log);
  }

  /** The machine, and the pgbench it measures against. */
  static Map<String, String> machineAndPgbench() throws Exception {
    Map<String, String> machine = BenchSupport.machine();
    machine.put("pgbench", run(List.of(Files.isExecutable(Path.of("/usr/lib/postgresql/15/bin/pgbench"))
        ? "/usr/lib/postgresql/15/bin/pgbench" : "pgbench", "--version")).strip());
    return machine;
  }



}
