package com.thortrading.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.thortrading.app.ThorService;
import com.thortrading.testsupport.PostgresServerExtension;
import com.thortrading.testsupport.RedisServerExtension;
import com.thortrading.testsupport.TestService;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

/**
 * The stream over SockJS's HTTP fallback transports, spoken as the browser client speaks them (xhr polling:
 * open, send frames with xhr_send, poll for messages): the same tokens, permissions and snapshot as the websocket.
 */
class FanoutTransportsTest {

  @RegisterExtension
  static final RedisServerExtension REDIS = new RedisServerExtension();
  @RegisterExtension
  static final PostgresServerExtension PG = new PostgresServerExtension();

  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private static ThorService service;

  @BeforeAll
  static void start() throws Exception {
    service = TestService.start(Map.of("THOR_REDIS_URL", REDIS.url(), "THOR_PG_URL", PG.url(),
        "THOR_SYMBOLS", "SIMONLY"));
    try (Jedis jedis = REDIS.jedis()) {
      jedis.hset("live_data:latest:quotes", "XHR", "{\"symbol\":\"XHR\",\"last\":\"5.00\",\"timestamp\":\""
          + Instant.now() + "\"}");
    }
  }

  @AfterAll
  static void stop() {
    if (service != null) {
      service.close();
    }
  }

  /** One SockJS session over xhr polling, with what it has received. */
  static final class XhrSession {
    final String base = "http://127.0.0.1:" + service.httpPort() + "/eventbus/000/" + UUID.randomUUID().toString()
        .replace("-", "").substring(0, 12);
    final List<JsonObject> frames = new CopyOnWriteArrayList<>();

    XhrSession() throws Exception {
      assertThat(post("/xhr", "").body()).startsWith("o");
    }

    HttpResponse<String> post(String path, String body) throws Exception {
      // A client each time: SockJS closes the connection after every poll, as browsers expect and pooled clients
      // do not.
      return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
          .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
          HttpResponse.BodyHandlers.ofString());
    }

    void send(JsonObject frame) throws Exception {
      HttpResponse<String> sent = post("/xhr_send", new JsonArray().add(frame.encode()).encode());
      assertThat(sent.statusCode()).as(sent.body()).isEqualTo(204);
    }

    void register(String address, String authorization) throws Exception {
      JsonObject frame = new JsonObject().put("type", "register").put("address", address);
      if (authorization != null) {
        frame.put("headers", new JsonObject().put("authorization", authorization));
      }
      send(frame);
    }

    /** One poll: whatever messages are waiting (SockJS answers a poll as soon as it has something). */
    void poll() throws Exception {
      String body = post("/xhr", "").body().strip();
      if (body.startsWith("a")) {
        new JsonArray(body.substring(1)).forEach(m -> frames.add(new JsonObject((String) m)));
      }
    }

    List<String> errs() {
      List<String> errs = new ArrayList<>();
      frames.stream().filter(f -> "err".equals(f.getString("type"))).forEach(f -> errs.add(f.getString("body")));
      return errs;
    }

    List<JsonObject> recs(String address) {
      return frames.stream().filter(f -> "rec".equals(f.getString("type")) && address.equals(f.getString("address")))
          .toList();
    }
  }

  @Test
  void xhrPollingGetsTheSnapshotWithAToken() throws Exception {
    XhrSession session = new XhrSession();
    session.register("quotes.XHR", TestService.ADMIN);
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      session.poll();
      return !session.recs("quotes.XHR").isEmpty();
    });
    assertThat(session.recs("quotes.XHR").get(0).getJsonObject("body").getString("last")).isEqualTo("5.00");
  }

  @Test
  void xhrPollingIsHeldToTheSameRateCap() throws Exception {
    XhrSession session = new XhrSession();
    session.register("quotes.XBURST", TestService.ADMIN);
    try (Jedis jedis = REDIS.jedis()) {
      await().atMost(Duration.ofSeconds(10)).until(() -> {
        jedis.publish("live_data:quotes:XBURST", "{\"symbol\":\"XBURST\",\"last\":\"0.01\",\"timestamp\":\""
            + Instant.parse("2026-01-05T16:00:00Z") + "\"}");
        session.poll();
        return !session.recs("quotes.XBURST").isEmpty();
      });
      var burst = jedis.pipelined();
      for (int i = 1; i <= 1000; i++) {
        burst.publish("live_data:quotes:XBURST", "{\"symbol\":\"XBURST\",\"last\":\"" + i + ".00\",\"timestamp\":\""
            + Instant.parse("2026-01-05T16:00:00Z").plusMillis(i) + "\"}");
      }
      burst.sync();
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      session.poll();
      List<JsonObject> recs = session.recs("quotes.XBURST");
      return recs.get(recs.size() - 1).getJsonObject("body").getString("last").equals("1000.00");
    });
    // The same cap as on the websocket (20 a second per symbol): a thousand updates arrive as a handful.
    assertThat(session.recs("quotes.XBURST").size()).isBetween(2, 50);
  }

  private static double metric(String name) throws Exception {
    String text = HTTP.send(TestService.request(URI.create("http://127.0.0.1:" + service.httpPort() + "/metrics"))
        .build(), HttpResponse.BodyHandlers.ofString()).body();
    return text.lines().filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
  }

  @Test
  void anXhrClientThatStopsPollingIsForgottenAndWhatItHeldIsFreed() throws Exception {
    double before = metric("thortrading_fanout_clients");
    double registrationsBefore = metric("thortrading_fanout_registrations");
    XhrSession session = new XhrSession();
    session.register("quotes.XHR", TestService.ADMIN);
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      session.poll();
      return !session.recs("quotes.XHR").isEmpty();
    });
    assertThat(metric("thortrading_fanout_clients")).isEqualTo(before + 1);
    // It never polls again while quotes keep coming: the SockJS session times out (10 s without a poll), the
    // fan-out forgets the socket and everything held for it.
    try (Jedis jedis = REDIS.jedis()) {
      for (int i = 0; i < 200; i++) {
        jedis.publish("live_data:quotes:XHR", "{\"symbol\":\"XHR\",\"last\":\"" + (6 + i) + ".00\",\"timestamp\":\""
            + Instant.now().plusMillis(i) + "\"}");
      }
    }
    // (Sessions of the other tests here time out too, so the counts may fall below where they were.)
    await().atMost(Duration.ofSeconds(20)).until(() -> metric("thortrading_fanout_clients") <= before
        && metric("thortrading_fanout_registrations") <= registrationsBefore);
  }

  @Test
  void xhrPollingIsHeldToTheSamePermissions() throws Exception {
    XhrSession anonymous = new XhrSession();
    anonymous.register("quotes.XHR", null);
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      anonymous.poll();
      return !anonymous.errs().isEmpty();
    });
    assertThat(anonymous.errs()).containsExactly("access_denied");

    HttpResponse<String> created = HTTP.send(TestService.request(URI.create("http://127.0.0.1:" + service.httpPort()
        + "/api/accounts")).POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"xhr-user\"}")).build(),
        HttpResponse.BodyHandlers.ofString());
    String token = "Bearer " + new JsonObject(created.body()).getString("token");
    XhrSession user = new XhrSession();
    user.register("orders.events.paper", token);
    user.register("orders.events.xhr-user", token);
    user.register("orders.events.xhr-user", token);
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      user.poll();
      return user.errs().size() >= 2;
    });
    assertThat(user.errs()).containsExactly("access_denied", "address_already_registered");
  }

  @Test
  void theIframeTransportsLoadSockJsFromThisServiceNotACdn() throws Exception {
    String iframe = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.httpPort()
        + "/eventbus/iframe.html")).build(), HttpResponse.BodyHandlers.ofString()).body();
    assertThat(iframe).contains("src=\"/webjars/sockjs-client/1.6.1/dist/sockjs.min.js\"").doesNotContain("cdn");
    assertThat(HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.httpPort()
        + "/webjars/sockjs-client/1.6.1/dist/sockjs.min.js")).build(), HttpResponse.BodyHandlers.ofString())
        .statusCode()).isEqualTo(200);
  }

  @Test
  void anotherSitesPageCannotOpenAnHttpTransportEither() throws Exception {
    HttpResponse<String> open = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.httpPort()
        + "/eventbus/000/evilsession/xhr")).header("Origin", "https://evil.example")
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(open.statusCode()).isEqualTo(403);
    assertThat(open.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
  }
}
