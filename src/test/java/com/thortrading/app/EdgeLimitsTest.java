package com.thortrading.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.thortrading.testsupport.BridgeTestClient;
import com.thortrading.testsupport.PostgresServerExtension;
import com.thortrading.testsupport.RedisServerExtension;
import com.thortrading.testsupport.TestService;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The edge's limits with small settings: bad tokens per address, sockets per token and per node. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EdgeLimitsTest {

  @RegisterExtension
  static final RedisServerExtension REDIS = new RedisServerExtension();
  @RegisterExtension
  static final PostgresServerExtension PG = new PostgresServerExtension();

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static ThorService service;
  private static Vertx vertx;
  private static WebSocketClient sockets;

  @BeforeAll
  static void start() throws Exception {
    service = TestService.start(Map.of("THOR_REDIS_URL", REDIS.url(), "THOR_PG_URL", PG.url(),
        "THOR_SYMBOLS", "SIMONLY", "THOR_AUTH_FAILURES_PER_MINUTE", "6",
        "THOR_FANOUT_MAX_SOCKETS", "4", "THOR_FANOUT_MAX_SOCKETS_PER_TOKEN", "2",
        // Sockets go to the two event loops in turn: the caps are the node's, not each loop's.
        "THOR_HTTP_INSTANCES", "2"));
    vertx = Vertx.vertx();
    sockets = vertx.createWebSocketClient();
  }

  @AfterAll
  static void stop() {
    if (vertx != null) {
      vertx.close().await();
    }
    if (service != null) {
      service.close();
    }
  }

  static HttpResponse<String> whoami(String authorization) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + service.httpPort() + "/api/whoami"));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  static BridgeTestClient socket(String authorization) {
    return sockets.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(service.httpPort())
        .setURI("/eventbus/websocket")).map(ws -> new BridgeTestClient(ws, authorization)).await();
  }

  @Test
  @Order(2) // it leaves this machine's address waiting, so it goes last
  void anAddressThatKeepsPresentingBadTokensIsMadeToWait() throws Exception {
    // Asking without a token is no guess: it is never counted.
    for (int i = 0; i < 20; i++) {
      assertThat(whoami(null).statusCode()).isEqualTo(401);
    }
    // Nor is a revoked token: it was real, so whoever holds it is not guessing (a page left open, say).
    String revoked = newToken();
    HttpResponse<String> revoke = HTTP.send(TestService.request(URI.create("http://127.0.0.1:" + service.httpPort()
        + "/api/accounts/paper/tokens/" + revoked.split(" ")[0])).DELETE().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(revoke.statusCode()).isEqualTo(204);
    for (int i = 0; i < 15; i++) {
      assertThat(whoami("Bearer " + revoked.split(" ")[1]).statusCode()).isEqualTo(401);
    }
    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      statuses.add(whoami("Bearer thor_guess" + "x".repeat(38) + i).statusCode());
    }
    // A burst of ten bad tokens is answered 401; then the address waits (6 a minute: one every 10 s).
    assertThat(statuses.subList(0, 10)).containsOnly(401);
    assertThat(statuses.subList(10, 12)).containsOnly(429);
    HttpResponse<String> waiting = whoami(TestService.ADMIN);
    assertThat(waiting.statusCode()).as("while it waits, even a good token is not looked at").isEqualTo(429);
    assertThat(new JsonObject(waiting.body()).getJsonObject("error").getString("code"))
        .isEqualTo("TOO_MANY_FAILED_AUTHENTICATIONS");
    assertThat(Integer.parseInt(waiting.headers().firstValue("Retry-After").orElseThrow())).isBetween(1, 10);

    // The bridge is held to the same count (once the node has room for a socket: the other test's are closing).
    await().atMost(Duration.ofSeconds(5)).until(() -> {
      BridgeTestClient socket = socket(TestService.ADMIN);
      if (!socket.closed.get()) {
        socket.register("quotes.LIMITS");
      }
      await().atMost(Duration.ofSeconds(5)).until(() -> !socket.errs().isEmpty());
      socket.socket.close().await();
      return socket.errs().get(0).getString("message").contains("Too many bad tokens");
    });
  }

  /** A new token of paper's: its id and its secret, space-separated. */
  static String newToken() throws Exception {
    HttpResponse<String> created = HTTP.send(TestService.request(URI.create("http://127.0.0.1:" + service.httpPort()
        + "/api/accounts/paper/tokens")).POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    JsonObject body = new JsonObject(created.body());
    return body.getString("token_id") + " " + body.getString("token");
  }

  @Test
  @Order(1)
  void socketsAreCappedPerTokenAndPerNode() throws Exception {
    String token = "Bearer " + newToken().split(" ")[1];

    List<BridgeTestClient> held = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      BridgeTestClient client = socket(token);
      client.register("quotes.CAP");
      client.register("quotes.CAP");
      await().atMost(Duration.ofSeconds(5)).until(() -> !client.errs().isEmpty());
      held.add(client);
    }
    assertThat(held.subList(0, 2)).allSatisfy(c ->
        assertThat(c.errs().get(0).getString("body")).isEqualTo("address_already_registered"));
    assertThat(held.get(2).errs().get(0).getString("message")).contains("holds 2 sockets already");

    // With one more, signed in or not, four sockets are open; a fifth is refused whoever it is.
    held.add(socket(null));
    BridgeTestClient fifth = socket(TestService.ADMIN);
    await().atMost(Duration.ofSeconds(5)).untilTrue(fifth.closed);
    assertThat(fifth.errs()).extracting(f -> f.getString("body")).containsExactly("too_many_sockets");

    // Closing one makes room again.
    held.get(0).socket.close().await();
    await().atMost(Duration.ofSeconds(5)).until(() -> {
      BridgeTestClient next = socket(TestService.ADMIN);
      held.add(next);
      if (!next.closed.get()) {
        next.register("quotes.CAP");
        next.register("quotes.CAP");
      }
      await().atMost(Duration.ofSeconds(5)).until(() -> !next.errs().isEmpty());
      return next.errs().get(0).getString("body").equals("address_already_registered");
    });
    held.forEach(c -> c.socket.close().await());
  }
}
