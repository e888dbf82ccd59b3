package com.thortrading.stream;

import java.time.Duration;

/**
 * The fan-out's limits.
 *
 * @param maxRegistrations addresses one socket may follow at once
 * @param maxFrameBytes largest frame a client may send
 * @param maxAddressLength longest address a client may name
 * @param maxViolations refused frames after which a socket is closed
 * @param maxInFlight unacknowledged writes per socket before its messages are conflated
 * @param maxBehind how long a socket's messages may wait before the socket is closed as too slow
 * @param ratePerSecond most updates a second per symbol to any client (0: no cap)
 * @param idleTimeout a connection that sends nothing this long is closed (the JS client pings every 5 s); this
 *     is also what finally drops a client that stopped reading, since it never takes its close frame
 * @param maxSockets sockets this node holds at once, signed in or not
 * @param maxSocketsPerToken sockets one token may hold at once on this node
 * @param skipOvertakenAfter a quote that waited this long for its fan-out event loop is skipped when a newer quote
 *     of its symbol is already behind it: an overloaded loop catches up on the newest instead of working through
 *     a backlog of stale prices
 */
public record FanoutOptions(int maxRegistrations, int maxFrameBytes, int maxAddressLength, int maxViolations,
    int maxInFlight, Duration maxBehind, int ratePerSecond, Duration idleTimeout, int maxSockets,
    int maxSocketsPerToken, Duration skipOvertakenAfter) {

  public static FanoutOptions defaults() {
    return new FanoutOptions(500, 16 * 1024, 200, 10, 256, Duration.ofSeconds(10), 20, Duration.ofSeconds(30),
        10_000, 20, Duration.ofMillis(100));
  }
}
