package com.thortrading.stream;

import io.netty.channel.ChannelOption;
import io.vertx.core.http.HttpConnection;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;

/**
 * Tears down a socket's TCP connection at once (SO_LINGER 0, so a reset): the only way to be rid of a peer that
 * no longer reads. Vert.x's own close waits for data to flush first, which such a peer never lets happen.
 *
 * <p>It reaches under Vert.x's public API (the connection's Netty channel), so it does nothing when that is not
 * there; the idle timeout then remains the fallback.
 */
final class ConnectionReset {

  private ConnectionReset() {
  }

  static void reset(SockJSSocket socket) {
    try {
      if (socket.routingContext() == null) {
        return;
      }
      HttpConnection connection = socket.routingContext().request().connection();
      if (connection instanceof io.vertx.core.net.impl.ConnectionBase base && base.channel().isOpen()) {
        io.netty.channel.Channel channel = base.channel();
        channel.config().setOption(ChannelOption.SO_LINGER, 0);
        // Past the pipeline: Vert.x's handlers turn a close into "flush, then close", which never ends here.
        channel.eventLoop().execute(() -> channel.unsafe().close(channel.voidPromise()));
      }
    } catch (RuntimeException e) {
      // Already gone, or a transport without a connection of its own: nothing to reset.
      org.slf4j.LoggerFactory.getLogger(ConnectionReset.class).debug("No reset: {}", e.toString());
    }
  }
}
