package com.thortrading.testsupport;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** A TCP proxy that a test can cut: as if the network between a node and a server went away. */
public final class TcpProxy implements AutoCloseable {

  private final NetServer server;
  private final Set<NetSocket> sockets = ConcurrentHashMap.newKeySet();
  private volatile boolean cut;
  private final Set<NetSocket> frozen = ConcurrentHashMap.newKeySet();

  private TcpProxy(Vertx vertx, int targetPort) {
    var client = vertx.createNetClient();
    this.server = vertx.createNetServer().connectHandler(downstream -> {
      if (cut) {
        downstream.close();
        return;
      }
      downstream.pause();
      client.connect(targetPort, "127.0.0.1").onSuccess(upstream -> {
        sockets.add(downstream);
        sockets.add(upstream);
        downstream.handler(bytes -> {
          if (!frozen.contains(downstream)) {
            upstream.write(bytes);
          }
        });
        upstream.handler(bytes -> {
          if (!frozen.contains(upstream)) {
            downstream.write(bytes);
          }
        });
        downstream.closeHandler(v -> upstream.close());
        upstream.closeHandler(v -> downstream.close());
        downstream.resume();
      }).onFailure(e -> downstream.close());
    });
    server.listen(0, "127.0.0.1").await();
  }

  public static TcpProxy to(Vertx vertx, int targetPort) {
    return new TcpProxy(vertx, targetPort);
  }

  public int port() {
    return server.actualPort();
  }

  /**
   * The connections open now go silent both ways without closing, as a half-open connection does when the network
   * goes away without a reset; new connections are proxied as before.
   */
  public void freeze() {
    frozen.addAll(sockets);
  }

  /** Drops every connection and refuses new ones. */
  public void cut() {
    cut = true;
    sockets.forEach(NetSocket::close);
  }

  @Override
  public void close() {
    cut();
    server.close().await();
  }
}
