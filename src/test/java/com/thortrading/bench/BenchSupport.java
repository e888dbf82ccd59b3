package com.thortrading.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** What the benchmark tools share: the machine they ran on, short commands, ports, temporary data, their log. */
final class BenchSupport {

  private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

  private BenchSupport() {
  }

  /** Cores, CPU, memory, kernel and Java, for a report (a part that cannot be read says why instead). */
  /**
   * Vert.x options for every process of a benchmark: the native transport where it loads, as the service runs, so a
   * baseline server differs from ours in design only and each load generator takes as little of the cores as it can.
   */
  static io.vertx.core.VertxOptions vertxOptions() {
    return new io.vertx.core.VertxOptions().setPreferNativeTransport(true);
  }

  static Map<String, String> machine() {
    Map<String, String> machine = new LinkedHashMap<>();
    machine.put("cores", String.valueOf(Runtime.getRuntime().availableProcessors()));
    try {
      Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name")).findFirst()
          .ifPresent(l -> machine.put("cpu", l.substring(l.indexOf(':') + 1).strip()));
      machine.put("memory", Files.readAllLines(Path.of("/proc/meminfo")).get(0).replaceAll("\\s+", " "));
      machine.put("kernel", run(List.of("uname", "-sr")).strip());
      machine.put("java -version", run(List.of(JAVA, "-version")).strip());
    } catch (Exception e) {
      machine.put("error", e.toString());
    }
    return machine;
  }

  /** Runs a short command and returns its output (stdout and stderr). */
  static String run(List<String> command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    process.waitFor(5, TimeUnit.MINUTES);
    return out;
  }

  static void deleteTree(Path root) {
    try (java.util.stream.Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      log("could not delete " + root + ": " + e);
    }
  }

  static int freePort() {
    return com.thortrading.testsupport.FreePorts.belowEphemeralRange();
  }

  static void log(String line) {
    System.out.println(Instant.now().toString().substring(11, 19) + " " + line);
    System.out.flush();
  }

  /** The embedded redis-server: a child process of this JVM whose command line names the port. */
  static java.util.Optional<Long> redisPid(int port) {
    // redis-server rewrites its argv into a process title, so /proc/<pid>/cmdline is read rather than
    // ProcessHandle.Info, which can come back empty for it.
    return ProcessHandle.current().descendants().filter(p -> {
      try {
        String cmdline = Files.readString(Path.of("/proc", String.valueOf(p.pid()), "cmdline")).replace('\0', ' ');
        return cmdline.contains("redis-server") && cmdline.contains(":" + port);
      } catch (IOException gone) {
        return false;
      }
    }).map(ProcessHandle::pid).findFirst();
  }

  /** Clock ticks per second, the unit of /proc's CPU times. */
  static final long TICKS_PER_SECOND = clockTicks();

  private static long clockTicks() {
    try {
      return Long.parseLong(run(List.of("getconf", "CLK_TCK")).strip());
    } catch (Exception e) {
      return 100; // Linux's USER_HZ almost everywhere
    }
  }

  /** User and system CPU ticks a process has used so far (0 once it is gone). */
  static long processTicks(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    } catch (IOException gone) {
      return 0;
    }
  }
}
