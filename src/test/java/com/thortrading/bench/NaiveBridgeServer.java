package com.thortrading.bench;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.bridge.PermittedOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.sockjs.SockJSBridgeOptions;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

/**
 * The fan-out benchmark's baseline: quotes from Redis to browsers the way a naive Vert.x developer would write it.
 *
 * <p>One Redis subscriber re-publishes every quote on the event bus, and the stock SockJS bridge serves browsers.
 * Each register therefore becomes one event-bus consumer per socket, and each delivery builds and encodes its own
 * frame. There is no authentication, no rate cap and no backpressure. It uses two event loops, like ThorTrading
 * with {@code THOR_HTTP_INSTANCES=2}.
 *
 * <p>Usage: {@code NaiveBridgeServer <http port> <redis url>}. It prints {@code READY <port>} once it listens and
 * has subscribed.
 */
public final class NaiveBridgeServer {

  private NaiveBridgeServer() {
  }

  public static void main(String[] args) {
    int port = Integer.parseInt(args[0]);
    String redisUrl = args[1];
    Vertx vertx = Vertx.vertx(BenchSupport.vertxOptions().setEventLoopPoolSize(2));
    vertx.deployVerticle(() -> new BridgeVerticle(port), new DeploymentOptions().setInstances(2))
        .compose(id -> vertx.deployVerticle(new RedisToEventBus(redisUrl)))
        .onSuccess(id -> System.out.println("READY " + port))
        .onFailure(e -> {
          System.err.println("Naive bridge failed to start: " + e);
          System.exit(1);
        });
  }

  /** One HTTP server instance with the stock bridge. Vert.x shares the port among the instances. */
  private static final class BridgeVerticle extends VerticleBase {
    private final int port;

    BridgeVerticle(int port) {
      this.port = port;
    }

    @Override
    public Future<?> start() {
      Router router = Router.router(vertx);
      SockJSBridgeOptions bridge = new SockJSBridgeOptions()
          .addOutboundPermitted(new PermittedOptions().setAddressRegex("quotes\\..+"));
      router.route("/eventbus/*").subRouter(SockJSHandler.create(vertx).bridge(bridge));
      return vertx.createHttpServer().requestHandler(router).listen(port);
    }
  }

  /** The one Redis subscriber: each pmessage is parsed and published to {@code quotes.<SYMBOL>}. */
  private static final class RedisToEventBus extends VerticleBase {
    private final String url;

    RedisToEventBus(String url) {
      this.url = url;
    }

    @Override
    public Future<?> start() {
      return Redis.createClient(vertx, url).connect().compose(conn -> {
        conn.handler(this::onMessage);
        return conn.send(Request.cmd(Command.PSUBSCRIBE).arg("live_data:quotes:*"));
      });
    }

    private void onMessage(Response message) {
      // pmessage frames are [pmessage, pattern, channel, payload]; the psubscribe confirmation is skipped.
      if (message.size() < 4 || !"pmessage".equals(message.get(0).toString())) {
        return;
      }
      JsonObject quote = new JsonObject(message.get(3).toString());
      vertx.eventBus().publish("quotes." + quote.getString("symbol"), quote);
    }
  }
}
