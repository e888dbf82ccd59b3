package com.thortrading.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Loopback ports for servers that another process binds seconds later (a node of the jar, HAProxy).
 *
 * <p>A port from {@code new ServerSocket(0)} comes from the kernel's ephemeral range, the same range every outgoing
 * connection takes its local port from; in the seconds a node's JVM takes to start, one of the cluster's own
 * connections (Hazelcast, Redis, PostgreSQL) once took the port a web node was about to bind, and the cluster test
 * failed with "Address already in use". These ports are picked outside that range, where no connection lands.
 */
public final class FreePorts {

  private static final int LOWEST = 20_000;
  /** Handed out in this JVM, so two servers of one test never get the same port. */
  private static final Set<Integer> GIVEN = ConcurrentHashMap.newKeySet();

  private FreePorts() {
  }

  /** A loopback port free now, outside the ephemeral range, not handed out before by this JVM. */
  public static int belowEphemeralRange() {
    int[] ephemeral = ephemeralRange();
    // Below the range where there is room (Linux: 32768 and up); above it otherwise.
    int from = ephemeral[0] > LOWEST + 1_000 ? LOWEST : ephemeral[1] + 1;
    int to = ephemeral[0] > LOWEST + 1_000 ? ephemeral[0] : 65_536;
    for (int attempt = 0; attempt < 200 && from < to; attempt++) {
      int port = ThreadLocalRandom.current().nextInt(from, to);
      if (!GIVEN.add(port)) {
        continue;
      }
      try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        return port;
      } catch (IOException taken) {
        // someone listens there: try another
      }
    }
    throw new UncheckedIOException(new IOException("no free port between " + from + " and " + to));
  }

  /** The kernel's ephemeral ports, first and last (Linux's /proc setting; IANA's 49152-65535 elsewhere). */
  private static int[] ephemeralRange() {
    try {
      String[] range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim().split("\\s+");
      return new int[] {Integer.parseInt(range[0]), Integer.parseInt(range[1])};
    } catch (IOException | RuntimeException notLinux) {
      return new int[] {49_152, 65_535};
    }
  }
}
