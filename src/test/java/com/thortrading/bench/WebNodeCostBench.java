package com.thortrading.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.thortrading.app.EmbeddedPg;
import com.thortrading.app.EmbeddedRedis;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * What one more web node costs a cluster: CPU and I/O of every process (the ingest and engine node, the web nodes,
 * Redis) over a measured window with one web node, then again once a second web node has joined, at a steady
 * quote rate and with no browsers connected (the cost of a node as such: its Redis subscription and its share of
 * the cluster's traffic). Separate processes of the jar on loopback, joined over TCP.
 *
 * <p>Arguments: {@code symbols=N poll=MS settle=S measure=S}. Writes {@code target/bench/web-node-cost.md} and
 * {@code .json}.
 */
public final class WebNodeCostBench {

  private WebNodeCostBench() {
  }

  /** Ticks (1/100 s of CPU) and bytes read and written (all I/O; for these nodes, almost all of it sockets). */
  private record Usage(long ticks, long read, long written) {
    static Usage of(long pid) throws IOException {
      Path proc = Path.of("/proc", String.valueOf(pid));
      Map<String, Long> io = Files.readAllLines(proc.resolve("io")).stream().map(l -> l.split(":\\s*"))
          .collect(Collectors.toMap(kv -> kv[0], kv -> Long.parseLong(kv[1].strip())));
      return new Usage(OrderBench.Ticks.processTicks(proc), io.get("rchar"), io.get("wchar"));
    }
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> options = OrderBench.options(args, Map.of("symbols", "100", "poll", "100", "settle", "15",
        "measure", "30"));
    int settle = Integer.parseInt(options.get("settle"));
    int measure = Integer.parseInt(options.get("measure"));
    Files.createDirectories(OrderBench.LOGS);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> OrderBench.LIVE.forEach(Process::destroyForcibly)));
    Instant started = Instant.now();
    String symbols = IntStream.range(0, Integer.parseInt(options.get("symbols"))).mapToObj(i -> "NODE" + i)
        .collect(Collectors.joining(","));
    int[] hazelcast = {BenchSupport.freePort(), BenchSupport.freePort(), BenchSupport.freePort()};
    String members = IntStream.of(hazelcast).mapToObj(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
    String cluster = "thor-bench-" + UUID.randomUUID();
    List<Map<String, Object>> windows = new ArrayList<>();
    Path pgData = Files.createTempDirectory("thor-node-bench-pg");
    try (EmbeddedRedis redis = EmbeddedRedis.start(0); EmbeddedPg pg = EmbeddedPg.start(0, pgData)) {
      long redisPid = redisPid();
      Map<String, String> common = new LinkedHashMap<>(Map.of("THOR_REDIS_URL", redis.url(), "THOR_PG_URL", pg.url(),
          "THOR_CLUSTER", "true", "THOR_CLUSTER_NAME", cluster, "THOR_CLUSTER_HOST", "127.0.0.1",
          "THOR_CLUSTER_MEMBERS", members, "THOR_ADMIN_TOKEN", OrderBench.TOKEN, "THOR_SYMBOLS", symbols,
          "THOR_POLL_INTERVAL_MS", options.get("poll"), "THOR_SIM_CHANGE_PROBABILITY", "1"));
      Process core = node("core", "ingest,engine", hazelcast[0], -1, common);
      int webAPort = BenchSupport.freePort();
      Process webA = node("web-a", "web", hazelcast[1], webAPort, common);
      OrderBench.awaitHealthy(webAPort);
      Map<String, Long> one = new LinkedHashMap<>(Map.of("core", core.pid(), "web-a", webA.pid(), "redis", redisPid));
      windows.add(window("one web node", one, settle, measure));

      int webBPort = BenchSupport.freePort();
      Process webB = node("web-b", "web", hazelcast[2], webBPort, common);
      OrderBench.awaitHealthy(webBPort);
      Map<String, Long> two = new LinkedHashMap<>(one);
      two.put("web-b", webB.pid());
      windows.add(window("two web nodes", two, settle, measure));
    } finally {
      OrderBench.LIVE.forEach(Process::destroyForcibly);
      BenchSupport.deleteTree(pgData);
    }
    String command = "bench/web-node-cost" + (args.length == 0 ? "" : " " + String.join(" ", args));
    StringBuilder md = new StringBuilder("# What one more web node costs\n\n")
        .append("| window | process | CPU, % of a core | read KiB/s | written KiB/s |\n|---|---|---:|---:|---:|\n");
    for (Map<String, Object> w : windows) {
      @SuppressWarnings("unchecked")
      Map<String, Map<String, Double>> processes = (Map<String, Map<String, Double>>) w.get("processes");
      processes.forEach((name, u) -> md.append(String.format(Locale.ROOT, "| %s | %s | %.1f | %.1f | %.1f |%n",
          w.get("window"), name, u.get("cpu_pct"), u.get("read_kib_s"), u.get("written_kib_s"))));
    }
    md.append("\nA quote rate of ").append(options.get("symbols")).append(" symbols changing every ")
        .append(options.get("poll")).append(" ms, published by the core node (ingest and engine). No browsers. Each "
            + "window starts ").append(settle).append(" s after the last node answered /health and lasts ")
        .append(measure).append(" s. CPU from /proc/<pid>/stat; bytes from /proc/<pid>/io (rchar, wchar: every "
            + "read and write, sockets and the log file alike).\n\n## Machine\n\n- started: ").append(started)
        .append("\n- command: `").append(command).append("`\n");
    BenchSupport.machine().forEach((k, v) -> md.append("- ").append(k).append(": ").append(v).append('\n'));
    Files.writeString(OrderBench.OUT.resolve("web-node-cost.md"), md.toString());
    Map<String, Object> json = new LinkedHashMap<>(Map.of("started", started.toString(), "command", command,
        "options", options, "windows", windows));
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
        .writeValue(OrderBench.OUT.resolve("web-node-cost.json").toFile(), json);
    System.out.println(md);
    System.exit(0);
  }

  private static Process node(String name, String roles, int hazelcastPort, int httpPort, Map<String, String> common)
      throws IOException {
    Map<String, String> env = new LinkedHashMap<>(common);
    env.put("THOR_ROLES", roles);
    env.put("THOR_CLUSTER_PORT", String.valueOf(hazelcastPort));
    env.put("THOR_HTTP_PORT", String.valueOf(Math.max(httpPort, 0)));
    env.put("THOR_DATA_DIR", Files.createTempDirectory("thor-node-bench-" + name).toString());
    return OrderBench.start(name, List.of(OrderBench.JAVA, "-Xmx512m", "-jar", "target/thortrading.jar"), env);
  }

  /** Lets the cluster settle (joins, warm-up), then measures every process over {@code measure} seconds. */
  private static Map<String, Object> window(String name, Map<String, Long> pids, int settle, int measure)
      throws Exception {
    BenchSupport.log(name + ": settling " + settle + " s");
    TimeUnit.SECONDS.sleep(settle); // a settling period is part of the measurement's design, not a synchronisation
    Map<String, Usage> before = new LinkedHashMap<>();
    for (Map.Entry<String, Long> p : pids.entrySet()) {
      before.put(p.getKey(), Usage.of(p.getValue()));
    }
    long from = System.nanoTime();
    TimeUnit.SECONDS.sleep(measure);
    double seconds = (System.nanoTime() - from) / 1e9;
    Map<String, Map<String, Double>> processes = new LinkedHashMap<>();
    for (Map.Entry<String, Long> p : pids.entrySet()) {
      Usage a = before.get(p.getKey());
      Usage b = Usage.of(p.getValue());
      processes.put(p.getKey(), Map.of("cpu_pct", (b.ticks() - a.ticks()) / seconds,
          "read_kib_s", (b.read() - a.read()) / 1024.0 / seconds,
          "written_kib_s", (b.written() - a.written()) / 1024.0 / seconds));
    }
    BenchSupport.log(name + ": " + processes);
    return Map.of("window", name, "seconds", seconds, "processes", processes);
  }

  private static long redisPid() throws IOException {
    try (var procs = Files.list(Path.of("/proc"))) {
      for (Path proc : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
        try {
          if (Files.readString(proc.resolve("comm")).strip().startsWith("redis")) {
            return Long.parseLong(proc.getFileName().toString());
          }
        } catch (IOException gone) {
          // ended meanwhile
        }
      }
    }
    throw new IllegalStateException("no redis-server process");
  }
}
