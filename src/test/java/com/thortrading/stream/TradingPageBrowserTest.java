package com.thortrading.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.thortrading.app.ThorService;
import com.thortrading.testsupport.PostgresServerExtension;
import com.thortrading.testsupport.RedisServerExtension;
import com.thortrading.testsupport.TestService;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import redis.clients.jedis.Jedis;

/**
 * The trading page in a real headless Chromium (Debian's chromium and chromium-driver, which .ci/run installs):
 * without a token it shows only a sign-in box; it signs in through a {@code #token=} link or the box, and a bad or
 * revoked token brings the box back with the server's reason; it never shows another account's orders; prices
 * move, a symbol added in the page streams, an order from the ticket fills and the account follows, and the page
 * streams again after the server restarts. Behind a proxy that refuses websockets, the page streams over SockJS's
 * HTTP transports ({@code ?transports=xhr-streaming}, {@code xhr-polling}, {@code eventsource} or
 * {@code jsonp-polling}, or SockJS's own fallback), and says which on its connection badge. When its socket goes
 * away while orders change, the page registers again with the last seq it applied and shows the replayed changes,
 * in order, without loading the orders list again, and it ignores an event it already has. Screenshots go to
 * target/screenshots.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TradingPageBrowserTest {

  @RegisterExtension
  static final RedisServerExtension REDIS = new RedisServerExtension();
  @RegisterExtension
  static final PostgresServerExtension PG = new PostgresServerExtension();

  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final Path SCREENSHOTS = Path.of("target", "screenshots");

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static int port;
  private static ThorService service;
  private static WebDriver browser;

  /** An API token as the server hands it out once. */
  private record Token(String id, String secret) {
  }

  private static ThorService startService() throws Exception {
    Map<String, String> env = Map.of(
        "THOR_REDIS_URL", REDIS.url(),
        "THOR_PG_URL", PG.url(),
        "THOR_HTTP_PORT", String.valueOf(port),
        "THOR_POLL_INTERVAL_MS", "250");
    return TestService.start(env);
  }

  @BeforeAll
  static void start() throws Exception {
    assertThat(CHROMIUM).as("Chromium for the browser tests: apt-get install chromium chromium-driver").exists();
    assertThat(CHROMEDRIVER).as("ChromeDriver for the browser tests: apt-get install chromium-driver").exists();
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    service = startService();
    Files.createDirectories(SCREENSHOTS);
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    // The flags a root, offline, display-less machine needs; background networking would hit a closed network.
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", "--window-size=1400,1000");
    ChromeDriverService driver = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
        .usingAnyFreePort().build();
    browser = new ChromeDriver(driver, options);
    browser.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.quit();
    }
    if (service != null) {
      service.close();
    }
  }

  private static void screenshot(String name) throws Exception {
    Path file = SCREENSHOTS.resolve(name + ".png");
    Files.write(file, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
  }

  /** The text of the first match; found again when the page re-rendered it meanwhile (the orders table does). */
  private static String text(String css) {
    for (int attempt = 1; ; attempt++) {
      try {
        List<WebElement> found = browser.findElements(By.cssSelector(css));
        return found.isEmpty() ? "" : found.get(0).getText();
      } catch (StaleElementReferenceException e) {
        if (attempt == 3) {
          throw e;
        }
      }
    }
  }

  private static String base() {
    return "http://127.0.0.1:" + port;
  }

  private static Object js(String script) {
    return ((JavascriptExecutor) browser).executeScript(script);
  }

  private static boolean displayed(String css) {
    List<WebElement> found = browser.findElements(By.cssSelector(css));
    return !found.isEmpty() && found.get(0).isDisplayed();
  }

  private static String storedToken() {
    return (String) js("return sessionStorage.getItem('thortrading.token')");
  }

  /** No tile shows a price (read from the DOM, so hidden tiles count too). */
  private static boolean noPrices() {
    return (Boolean) js("return [...document.querySelectorAll('.tile .last, .tile .ba')]"
        + ".every((e) => !/[0-9]/.test(e.textContent))");
  }

  private static String orderRowStatus(long id) {
    return text("#orders tbody tr[data-order-id='" + id + "'] .status");
  }

  /** The page as a visitor without a token first sees it: a fresh load with nothing in this tab's storage. */
  private static void openSignedOut() {
    browser.get(base() + "/");
    js("sessionStorage.clear()");
    browser.get("about:blank");
    browser.get(base() + "/");
  }

  /** A fresh load of the link the service prints, {@code /#token=...}. */
  private static void openWithLink(String token) {
    browser.get("about:blank");
    browser.get(base() + "/#token=" + token);
  }

  private static void signInThroughBox(String token) {
    WebElement input = browser.findElement(By.id("signin-token"));
    input.clear();
    input.sendKeys(token);
    browser.findElement(By.id("signin-submit")).click();
  }

  private static HttpResponse<String> call(HttpRequest.Builder request) throws Exception {
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A request with an account's token, as a script of that account sends it. */
  private static HttpRequest.Builder as(String token, String path) {
    return HttpRequest.newBuilder(URI.create(base() + path)).header("Authorization", "Bearer " + token)
        .header("Content-Type", "application/json");
  }

  private static JsonObject expect(int status, HttpResponse<String> response) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    return new JsonObject(response.body());
  }

  /** A new token of {@code account}, made with the operator's token. */
  private static Token newToken(String account, String label) throws Exception {
    JsonObject body = expect(201, call(TestService.request(URI.create(base() + "/api/accounts/" + account + "/tokens"))
        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("label", label).encode()))));
    assertThat(body.getString("token")).startsWith("thor_");
    return new Token(body.getString("token_id"), body.getString("token"));
  }

  private static long placeOrder(String token, JsonObject order) throws Exception {
    JsonObject body = expect(201, call(as(token, "/api/trades/orders/active")
        .POST(HttpRequest.BodyPublishers.ofString(order.encode()))));
    return body.getJsonObject("order").getLong("id");
  }

  private static String lastOf(String symbol) {
    return text(".tile[data-symbol='" + symbol + "'] .last");
  }

  private static void waitForPriceChange(String symbol, Duration within) {
    await().atMost(Duration.ofSeconds(5)).until(() -> lastOf(symbol).matches("[0-9.]+"));
    String first = lastOf(symbol);
    await().atMost(within).until(() -> lastOf(symbol).matches("[0-9.]+") && !lastOf(symbol).equals(first));
  }

  @Test
  @Order(1)
  void withoutATokenOnlyTheSignInBoxShowsAndABadTokenIsTurnedAwayWithTheReason() throws Exception {
    openSignedOut();
    await().atMost(Duration.ofSeconds(5)).until(() -> displayed("#signin"));
    await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2))
        .until(() -> !displayed("#app") && !displayed("#signed-in"));
    assertThat(browser.findElement(By.id("signin-token")).getAttribute("type")).isEqualTo("password");
    assertThat(browser.findElement(By.id("signin-submit")).getText()).isEqualTo("Sign in");
    // No prices and no stream while signed out (the sim publishes every 250 ms), and not one call to the server.
    await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3))
        .until(() -> noPrices() && text("#connection").equals("signed out"));
    assertThat((Long) js("return performance.getEntriesByType('resource')"
        + ".filter((e) => /\\/(api|eventbus)\\//.test(e.name)).length")).isZero();
    screenshot("0-sign-in");

    // A token the server does not know: the box stays, with the server's reason, and nothing is kept.
    signInThroughBox("thor_this-is-not-a-token");
    await().atMost(Duration.ofSeconds(5)).until(() -> text("#signin-reason").equals("The token is unknown or revoked"));
    await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2))
        .until(() -> !displayed("#app") && storedToken() == null && noPrices());
    screenshot("0-bad-token");

    // A real token signs in through the box: the account it acts for shows, and prices stream.
    Token token = newToken("paper", "browser test: sign-in box");
    signInThroughBox(token.secret());
    await().atMost(Duration.ofSeconds(5)).until(() -> text("#signed-in-account").equals("paper"));
    assertThat(text("#signed-in")).contains("Signed in as paper");
    assertThat(displayed("#signin")).isFalse();
    await().atMost(Duration.ofSeconds(10)).until(() -> text("#connection").equals("live"));
    waitForPriceChange("AAPL", Duration.ofSeconds(3));
    assertThat(storedToken()).isEqualTo(token.secret());

    // Sign out: the box is back, the token forgotten (also after a reload), the stream closed, the prices gone.
    browser.findElement(By.id("sign-out")).click();
    await().atMost(Duration.ofSeconds(5)).until(() -> displayed("#signin") && !displayed("#app"));
    assertThat(text("#connection")).isEqualTo("signed out");
    assertThat(storedToken()).isNull();
    await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2)).until(TradingPageBrowserTest::noPrices);
    browser.navigate().refresh();
    await().atMost(Duration.ofSeconds(5)).until(() -> displayed("#signin"));
    await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2)).until(() -> !displayed("#app"));
    screenshot("0-signed-out");
  }

  @Test
  @Order(2)
  void aRevokedTokenIsSignedOutByTheStreamWithTheReason() throws Exception {
    Token token = newToken("paper", "browser test: revoked");
    openWithLink(token.secret());
    await().atMost(Duration.ofSeconds(10)).until(() -> text("#connection").equals("live"));
    waitForPriceChange("AAPL", Duration.ofSeconds(3));

    // The page makes no REST call meanwhile: only the stream can tell it (the server closes the socket, 4001).
    HttpResponse<String> revoked = call(TestService.request(URI.create(base() + "/api/accounts/paper/tokens/"
        + token.id())).DELETE());
    assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(204);
    await().atMost(Duration.ofSeconds(10)).until(() -> displayed("#signin")
        && text("#signin-reason").equals("The token is unknown or revoked"));
    assertThat(displayed("#app")).isFalse();
    assertThat(storedToken()).isNull();
    screenshot("6-token-revoked");
  }

  @Test
  @Order(3)
  void anotherAccountsOrdersNeverReachThePage() throws Exception {
    Token paper = newToken("paper", "browser test: isolation");
    openWithLink(paper.secret());
    await().atMost(Duration.ofSeconds(10)).until(() -> text("#connection").equals("live"));
    await().atMost(Duration.ofSeconds(5)).until(() -> text("#cash").matches("[0-9.]+"));

    JsonObject created = expect(201, call(TestService.request(URI.create(base() + "/api/accounts"))
        .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"other\",\"cash\":\"5000.00\"}"))));
    String other = created.getString("token");
    assertThat(other).startsWith("thor_");

    // Orders of `other` (which only it trades NVDA): one rests, one fills, the resting one is cancelled.
    long resting = placeOrder(other, new JsonObject().put("symbol", "NVDA").put("side", "BUY").put("quantity", 1)
        .put("order_type", "LMT").put("limit_price", "1.00").put("tif", "GTC"));
    long filled = placeOrder(other, new JsonObject().put("symbol", "NVDA").put("side", "BUY").put("quantity", 2)
        .put("order_type", "MKT"));
    expect(200, call(as(other, "/api/trades/orders/" + resting).DELETE()));
    // Meanwhile paper's own order, placed outside the page: only the stream can show it there.
    long mine = placeOrder(paper.secret(), new JsonObject().put("symbol", "MSFT").put("side", "BUY")
        .put("quantity", 1).put("order_type", "LMT").put("limit_price", "1.00").put("tif", "GTC"));

    await().atMost(Duration.ofSeconds(5)).until(() -> orderRowStatus(mine).equals("WORKING"));
    await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4)).until(() ->
        orderRowStatus(resting).isEmpty() && orderRowStatus(filled).isEmpty()
            && browser.findElements(By.xpath("//table[@id='orders']//td[normalize-space()='NVDA']")).isEmpty());
    expect(200, call(as(paper.secret(), "/api/trades/orders/" + mine).DELETE()));
    await().atMost(Duration.ofSeconds(5)).until(() -> orderRowStatus(mine).equals("CANCELED"));
    assertThat(orderRowStatus(resting)).isEmpty();
    assertThat(orderRowStatus(filled)).isEmpty();
    screenshot("7-only-own-orders");
  }

  /** Headers that concern one hop only: the proxy neither forwards them nor answers with them. */
  private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection",
      "proxy-authenticate", "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade",
      "content-length");

  /**
   * A reverse proxy in front of the service, as some corporate proxies are: plain HTTP passes (streamed both
   * ways, so xhr-streaming works, and with the browser's Host, so the page's origin stays the service's own), but
   * every websocket upgrade is refused with 403.
   */
  private static final class NoWebSocketProxy implements AutoCloseable {
    final Vertx vertx = Vertx.vertx();
    final AtomicInteger refusedUpgrades = new AtomicInteger();
    /** Every request passed on, as "METHOD path status", in the order they were answered. */
    final java.util.Queue<String> passed = new java.util.concurrent.ConcurrentLinkedQueue<>();
    final int port;

    NoWebSocketProxy(int target) throws Exception {
      io.vertx.core.http.HttpClient client = vertx.createHttpClient(
          new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(target),
          new PoolOptions().setHttp1MaxSize(32));
      HttpServer server = vertx.createHttpServer().requestHandler((HttpServerRequest in) -> {
        if ("websocket".equalsIgnoreCase(in.getHeader("upgrade"))) {
          refusedUpgrades.incrementAndGet();
          in.response().setStatusCode(403).end("This proxy does not allow websockets");
          return;
        }
        RequestOptions options = new RequestOptions().setMethod(in.method()).setURI(in.uri());
        in.headers().forEach((name, value) -> {
          String lower = name.toLowerCase(Locale.ROOT);
          if (!HOP_BY_HOP.contains(lower) && !lower.equals("content-length")) {
            options.addHeader(name, value);
          }
        });
        // The request's body is read whole, then sent: the page's bodies are small, and piping them raced with
        // the answer (a chunk written to a request already complete threw in the pipe, and that exchange hung).
        in.body()
            .compose(body -> client.request(options).compose(out -> body.length() == 0
                && (in.method() == HttpMethod.GET || in.method() == HttpMethod.HEAD) ? out.send() : out.send(body)))
            .onSuccess(answer -> {
              passed.add(in.method() + " " + in.path() + " " + answer.statusCode());
              HttpServerResponse response = in.response().setStatusCode(answer.statusCode());
              answer.headers().forEach((name, value) -> {
                if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT))) {
                  response.headers().add(name, value);
                }
              });
              String length = answer.getHeader("content-length");
              if (length != null) {
                response.putHeader("content-length", length);
              } else {
                response.setChunked(true);
              }
              answer.pipeTo(response);
            })
            .onFailure(e -> {
              if (!in.response().headWritten()) {
                in.response().setStatusCode(502).end(String.valueOf(e));
              } else {
                in.response().reset();
              }
            });
      });
      port = server.listen(0, "127.0.0.1").await().actualPort();
    }

    String base() {
      return "http://127.0.0.1:" + port;
    }

    @Override
    public void close() {
      vertx.close().await();
    }
  }

  /**
   * Behind a proxy that refuses the websocket upgrade, the page streams over SockJS's HTTP transports: the one
   * named in its address ({@code ?transports=...}), or, without it, the one SockJS falls back to after the refused
   * websocket. The badge names the transport, prices move, and orders placed outside the page show up through the
   * stream, not a REST refresh. (The iframe-* transports are not among them: the server's iframe.html loads SockJS
   * from a CDN, {@code //cdn.jsdelivr.net/npm/sockjs-client@1/dist/sockjs.min.js}, Vert.x's default library URL.)
   */
  @ParameterizedTest(name = "?transports={0} -> {1}")
  @CsvSource({"xhr-streaming, xhr-streaming", "xhr-polling, xhr-polling", "'', xhr-streaming",
      "eventsource, eventsource", "jsonp-polling, jsonp-polling", "iframe-eventsource, iframe-eventsource",
      "iframe-xhr-polling, iframe-xhr-polling"})
  @Order(4)
  void thePageStreamsOverSockJsHttpTransportsWhenAProxyRefusesWebsockets(String asked, String expected)
      throws Exception {
    Token token = newToken("paper", "browser test: behind a proxy, " + (asked.isEmpty() ? "default" : asked));
    try (NoWebSocketProxy proxy = new NoWebSocketProxy(port)) {
      String page = proxy.base() + "/" + (asked.isEmpty() ? "" : "?transports=" + asked);
      browser.get("about:blank");
      browser.get(page + "#token=" + token.secret());
      await().atMost(Duration.ofSeconds(5)).until(() -> text("#signed-in-account").equals("paper"));
      // The token leaves the address bar; the transports stay (a reload keeps them).
      assertThat(browser.getCurrentUrl()).isEqualTo(page);
      await().atMost(Duration.ofSeconds(10)).until(() -> text("#connection").equals("live"));
      WebElement badge = browser.findElement(By.id("connection"));
      assertThat(badge.getAttribute("data-transport")).isEqualTo(expected);
      assertThat(badge.getAttribute("title")).contains(expected);
      // The SockJS object itself says so: a page that kept to the websocket fails here.
      assertThat(js("return bus.sockJSConn.transport")).isEqualTo(expected);
      // A page told which transports to use never tries the websocket; without it, SockJS tries it first.
      if (asked.isEmpty()) {
        assertThat(proxy.refusedUpgrades.get()).isPositive();
      } else {
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2))
            .until(() -> proxy.refusedUpgrades.get() == 0);
      }

      waitForPriceChange("AAPL", Duration.ofSeconds(5));
      waitForPriceChange("MSFT", Duration.ofSeconds(5));
      // The frames the page sent (the register frames with the token) went as HTTP POSTs through the proxy to
      // .../xhr_send, or, over jsonp-polling, as form POSTs to .../jsonp_send, and the server took them.
      boolean jsonp = expected.equals("jsonp-polling");
      String send = jsonp ? "jsonp_send" : "xhr_send";
      assertThat(proxy.passed).anyMatch((r) -> r.matches("POST /eventbus/[^/ ]+/[^/ ]+/" + send + " 20[04]"));
      // The page's own requests say so too; a form posted into a hidden iframe (jsonp_send), or what the iframe
      // transports send from their iframe, is not among them.
      if (!jsonp && !expected.startsWith("iframe-")) {
        assertThat((String) js("return performance.getEntriesByType('resource').map((e) => e.name).join(' ')"))
            .containsPattern("/eventbus/[^/ ]+/[^/ ]+/xhr_send\\?");
      }
      await().atMost(Duration.ofSeconds(5)).until(() -> text("#cash").matches("[0-9.]+"));

      // An order placed outside the page (the account's own script): only the stream can show it, then its cancel.
      long resting = placeOrder(token.secret(), new JsonObject().put("symbol", "MSFT").put("side", "BUY")
          .put("quantity", 1).put("order_type", "LMT").put("limit_price", "1.00").put("tif", "GTC"));
      await().atMost(Duration.ofSeconds(5)).until(() -> orderRowStatus(resting).equals("WORKING"));
      expect(200, call(as(token.secret(), "/api/trades/orders/" + resting).DELETE()));
      await().atMost(Duration.ofSeconds(5)).until(() -> orderRowStatus(resting).equals("CANCELED"));

      // An order from the ticket (REST through the proxy) fills.
      WebElement symbol = browser.findElement(By.id("t-symbol"));
      symbol.clear();
      symbol.sendKeys("MSFT");
      WebElement quantity = browser.findElement(By.id("t-quantity"));
      quantity.clear();
      quantity.sendKeys("2");
      new Select(browser.findElement(By.id("t-side"))).selectByVisibleText("BUY");
      new Select(browser.findElement(By.id("t-type"))).selectByVisibleText("MKT");
      browser.findElement(By.id("t-submit")).click();
      // Through the proxy on an HTTP transport, with the whole suite running: more time than on a websocket.
      await().atMost(Duration.ofSeconds(10)).until(() -> text("#ticket-result").startsWith("Filled: BUY 2 MSFT at "));

      // An outside limit order that a published quote fills reaches the page live.
      // A symbol of this run only, so no quote of another run has crossed the limit already.
      String xsym = switch (asked) {
        case "xhr-streaming" -> "XFBS";
        case "xhr-polling" -> "XFBP";
        case "eventsource" -> "XFBE";
        case "jsonp-polling" -> "XFBJ";
        case "iframe-eventsource" -> "XFBI";
        case "iframe-xhr-polling" -> "XFBX";
        default -> "XFBD";
      };
      try (Jedis jedis = REDIS.jedis()) {
        jedis.hset("live_data:latest:quotes", xsym, "{\"symbol\":\"" + xsym + "\",\"last\":\"20.40\","
            + "\"bid\":\"20.35\",\"ask\":\"20.50\",\"timestamp\":\"" + java.time.Instant.now() + "\"}");
        long limit = placeOrder(token.secret(), new JsonObject().put("symbol", xsym).put("side", "BUY")
            .put("quantity", 3).put("order_type", "LMT").put("limit_price", "20.00").put("tif", "GTC"));
        await().atMost(Duration.ofSeconds(5)).until(() -> orderRowStatus(limit).equals("WORKING"));
        jedis.publish("live_data:quotes:" + xsym, "{\"symbol\":\"" + xsym + "\",\"last\":\"19.95\","
            + "\"bid\":\"19.90\",\"ask\":\"19.98\",\"timestamp\":\"" + java.time.Instant.now().plusSeconds(1)
            + "\"}");
        await().atMost(Duration.ofSeconds(5)).until(() -> orderRowStatus(limit).equals("FILLED"));
        assertThat(text("#orders tbody tr[data-order-id='" + limit + "'] td:nth-child(7)")).isEqualTo("20.00");
      }

      // Still live on the same transport; and the proxy does refuse websockets, from this very page too.
      assertThat(text("#connection")).isEqualTo("live");
      assertThat(badge.getAttribute("data-transport")).isEqualTo(expected);
      assertThat(((JavascriptExecutor) browser).executeAsyncScript("const done = arguments[arguments.length - 1];"
          + "const ws = new WebSocket(location.origin.replace(/^http/, 'ws') + '/eventbus/websocket');"
          + "ws.onopen = () => { ws.close(); done('open'); }; ws.onclose = (e) => done('closed ' + e.code);"))
          .isEqualTo("closed 1006");
      screenshot("8-behind-proxy-" + (asked.isEmpty() ? "default" : asked));
      browser.get("about:blank"); // before the proxy goes
    }
  }

  /** The account's order events after {@code since}, oldest first, as GET /api/trades/events gives them. */
  private static List<JsonObject> eventsSince(String token, long since) throws Exception {
    JsonArray events = expect(200, call(as(token, "/api/trades/events?since_seq=" + since).GET()))
        .getJsonArray("events");
    return events.stream().map(JsonObject.class::cast).toList();
  }

  private static long number(String script) {
    return ((Number) js(script)).longValue();
  }

  /** The page's own loads of the orders list, as the browser recorded its requests. */
  private static long ordersListRequests() {
    return number("return performance.getEntriesByType('resource')"
        + ".filter((e) => /\\/api\\/trades\\/orders\\?/.test(e.name)).length");
  }

  private static long placeLimitFarBelow(String token, String symbol) throws Exception {
    return placeOrder(token, new JsonObject().put("symbol", symbol).put("side", "BUY").put("quantity", 1)
        .put("order_type", "LMT").put("limit_price", "1.00").put("tif", "GTC"));
  }

  private static void cancel(String token, long id) throws Exception {
    expect(200, call(as(token, "/api/trades/orders/" + id).DELETE()));
  }

  /**
   * The page's socket goes away while the account's orders change: when it reconnects, it registers with the last
   * seq it applied, the server replays what it missed, and the table shows every change with its final status,
   * applied in seq order, with no load of the orders list over REST. An event it already has changes nothing.
   */
  @Test
  @Order(5)
  void afterItsSocketDropsThePageShowsTheReplayedOrderChangesAndIgnoresDuplicates() throws Exception {
    Token token = newToken("paper", "browser test: replay after a drop");
    String secret = token.secret();
    openWithLink(secret);
    await().atMost(Duration.ofSeconds(10)).until(() -> text("#connection").equals("live"));
    await().atMost(Duration.ofSeconds(5)).until(() -> text("#cash").matches("[0-9.]+"));
    js("performance.setResourceTimingBufferSize(10000)");
    // The first register carries no since_seq (there is none yet): the orders list came over REST, once.
    assertThat(js("return JSON.stringify(thorStats.registrations)")).isEqualTo("[null]");
    await().atMost(Duration.ofSeconds(5)).until(() -> ordersListRequests() == 1);
    assertThat(number("return thorStats.ordersLoads")).isEqualTo(1);

    // An order placed outside the page reaches it over the stream: the page now knows the account's newest seq.
    long before = placeLimitFarBelow(secret, "MSFT");
    await().atMost(Duration.ofSeconds(5)).until(() -> orderRowStatus(before).equals("WORKING")
        && js("return thorStats.lastSeq") != null && eventsSince(secret, number("return thorStats.lastSeq")).isEmpty());
    long seen = number("return thorStats.lastSeq");
    long applied = number("return thorStats.applied");

    // The socket goes away; the client reconnects by itself after its delay, made 4 s here so the changes below
    // all happen while it is down.
    js("bus.reconnectDelayMin = 4000; bus.reconnectDelayMax = 4000; bus.randomizationFactor = 0;"
        + "bus.sockJSConn.close();");
    await().atMost(Duration.ofSeconds(3)).until(() -> text("#connection").equals("reconnecting"));
    cancel(secret, before);
    long gone = placeLimitFarBelow(secret, "AAPL");
    cancel(secret, gone);
    long filled = placeOrder(secret, new JsonObject().put("symbol", "MSFT").put("side", "BUY").put("quantity", 1)
        .put("order_type", "MKT"));
    long resting = placeLimitFarBelow(secret, "SPY");
    // Still down: none of the changes reaches the page while its socket is away (watched for half a second, well
    // inside the 4 s reconnect delay).
    await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() ->
        text("#connection").equals("reconnecting") && orderRowStatus(before).equals("WORKING")
            && orderRowStatus(gone).isEmpty() && orderRowStatus(filled).isEmpty() && orderRowStatus(resting).isEmpty());
    screenshot("9-socket-down");

    // Live again: every change shows, with its final status.
    await().atMost(Duration.ofSeconds(10)).until(() -> text("#connection").equals("live"));
    await().atMost(Duration.ofSeconds(5)).until(() -> orderRowStatus(before).equals("CANCELED")
        && orderRowStatus(gone).equals("CANCELED") && orderRowStatus(filled).equals("FILLED")
        && orderRowStatus(resting).equals("WORKING"));
    screenshot("10-replayed");
    // It was the replay: the page registered with since_seq = the last seq it had applied, applied exactly the
    // events the server has after it, in seq order, and never loaded the orders list again.
    assertThat(js("return JSON.stringify(thorStats.registrations)")).isEqualTo("[null," + seen + "]");
    List<JsonObject> missed = eventsSince(secret, seen);
    List<Long> seqs = missed.stream().map(e -> e.getLong("seq")).toList();
    assertThat(seqs).hasSizeGreaterThanOrEqualTo(5) // before cancelled, gone placed and cancelled, filled, resting
        .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(seen + 1, seen + seqs.size()).boxed()
            .toList());
    assertThat(((List<?>) js("return thorStats.appliedSeqs.filter((s) => s > " + seen + ")")).stream()
        .map(s -> ((Number) s).longValue()).toList()).isEqualTo(seqs);
    assertThat(number("return thorStats.applied")).isEqualTo(applied + seqs.size());
    assertThat(number("return thorStats.ordersLoads")).isEqualTo(1);
    assertThat(ordersListRequests()).isEqualTo(1);

    // An event published again (the placing of `gone`, WORKING: applied, it would bring the row back) changes
    // nothing: neither published again on the service's bus, nor handed to the page's handler a second time.
    JsonObject stale = missed.stream().filter(e -> e.getLong("id") == gone).findFirst().orElseThrow();
    assertThat(stale.getString("status")).isNotEqualTo("CANCELED");
    long appliedNow = number("return thorStats.applied");
    long ignoredNow = number("return thorStats.ignored");
    service.vertx().eventBus().publish("orders.events.paper", stale);
    js("bus.handlers['orders.events.paper'].forEach((h) => h(null, {type: 'rec', address: 'orders.events.paper',"
        + " body: " + stale.encode() + "}))");
    await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2)).until(() ->
        orderRowStatus(gone).equals("CANCELED") && number("return thorStats.applied") == appliedNow);
    assertThat(number("return thorStats.ignored")).isGreaterThanOrEqualTo(ignoredNow + 1);

    // And the stream goes on: a new change shows live, with the next seq.
    cancel(secret, resting);
    await().atMost(Duration.ofSeconds(5)).until(() -> orderRowStatus(resting).equals("CANCELED"));
    assertThat(number("return thorStats.lastSeq")).isEqualTo(seen + seqs.size() + 1);
    assertThat(ordersListRequests()).isEqualTo(1);
    assertThat(text("#connection")).isEqualTo("live");

    // A fill's event carries the account as it left it: the page shows the new cash without reading the account.
    long accountLoads = number("return thorStats.accountLoads");
    long bought = placeOrder(secret, new JsonObject().put("symbol", "MSFT").put("side", "BUY").put("quantity", 2)
        .put("order_type", "MKT"));
    String cash = expect(200, call(as(secret, "/api/accounts/paper").GET())).getJsonObject("account").getString("cash");
    await().atMost(Duration.ofSeconds(5)).until(() -> orderRowStatus(bought).equals("FILLED")
        && text("#cash").equals(cash));
    await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(1))
        .until(() -> number("return thorStats.accountLoads") == accountLoads);
  }

  @Test
  @Order(6)
  void traderSeesPricesMoveAddsASymbolTradesAndSurvivesARestart() throws Exception {
    Token token = newToken("paper", "browser test");
    openWithLink(token.secret());
    // The link signs in, and the token leaves the address bar (history, bookmarks, screen shares).
    await().atMost(Duration.ofSeconds(5)).until(() -> text("#signed-in-account").equals("paper"));
    assertThat(browser.getCurrentUrl()).isEqualTo(base() + "/").doesNotContain(token.secret());
    assertThat(storedToken()).isEqualTo(token.secret());
    await().atMost(Duration.ofSeconds(10)).until(() -> text("#connection").equals("live"));

    // Tiles update within 3 s.
    waitForPriceChange("AAPL", Duration.ofSeconds(3));
    screenshot("1-prices-moving");

    // A symbol added in the page starts streaming, and is remembered in local storage.
    browser.findElement(By.id("add-symbol")).sendKeys("tsla");
    browser.findElement(By.cssSelector("#add-form button")).click();
    await().atMost(Duration.ofSeconds(3)).until(() -> lastOf("TSLA").matches("[0-9.]+"));
    assertThat((String) js("return localStorage.getItem('thor.watchlist')")).contains("TSLA");

    // The chart of a selected symbol shows 1-minute candles, with volume below, and the live one forming: a candle
    // of this very minute, moved by the quotes as they come.
    browser.findElement(By.cssSelector(".tile[data-symbol='AAPL']")).click();
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      String now = java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MINUTES).toString();
      String before = java.time.Instant.now().minusSeconds(60).truncatedTo(java.time.temporal.ChronoUnit.MINUTES)
          .toString();
      // Read in the page in one step: the chart is redrawn with every quote.
      Object forming = js("const c = document.querySelectorAll('#chart rect.candle');"
          + " return c.length ? c[c.length - 1].dataset.start : null");
      return forming instanceof String start && (now.startsWith(start) || before.startsWith(start));
    });
    assertThat(browser.findElements(By.cssSelector("#chart rect.vol"))).isNotEmpty();
    // The forming candle moves with the live quotes, without the bars being read again.
    long updates = number("return thorStats.candleUpdates");
    long loads = number("return thorStats.chartLoads");
    await().atMost(Duration.ofSeconds(5)).until(() -> number("return thorStats.candleUpdates") > updates);
    assertThat(number("return thorStats.chartLoads")).isEqualTo(loads);
    screenshot("1b-candles");

    // An order from the ticket fills, shows in the orders table, and the cash changes.
    await().atMost(Duration.ofSeconds(5)).until(() -> text("#cash").matches("[0-9.]+"));
    BigDecimal cashBefore = new BigDecimal(text("#cash"));
    WebElement symbol = browser.findElement(By.id("t-symbol"));
    symbol.clear();
    symbol.sendKeys("AAPL");
    WebElement quantity = browser.findElement(By.id("t-quantity"));
    quantity.clear();
    quantity.sendKeys("5");
    new Select(browser.findElement(By.id("t-side"))).selectByVisibleText("BUY");
    new Select(browser.findElement(By.id("t-type"))).selectByVisibleText("MKT");
    browser.findElement(By.id("t-submit")).click();
    await().atMost(Duration.ofSeconds(5)).until(() -> text("#ticket-result").startsWith("Filled: BUY 5 AAPL at "));
    await().atMost(Duration.ofSeconds(5)).until(() -> text("#orders tbody tr .status").equals("FILLED"));
    BigDecimal fillPrice = new BigDecimal(text("#ticket-result").replaceAll("^Filled: BUY 5 AAPL at ([0-9.]+).*$", "$1"));
    await().atMost(Duration.ofSeconds(5)).until(() -> new BigDecimal(text("#cash"))
        .compareTo(cashBefore.subtract(fillPrice.multiply(BigDecimal.valueOf(5)))) == 0);
    assertThat(text("#positions tbody tr[data-symbol='AAPL'] td:nth-child(2)")).isEqualTo("5");

    // A future from the ticket: bought for its margin, not its price; its value on the page is its open P&L at
    // 50 a point. An option costs its premium 100 times.
    BigDecimal cashWithStock = new BigDecimal(text("#cash"));
    symbol.clear();
    symbol.sendKeys("/ES");
    quantity.clear();
    quantity.sendKeys("1");
    browser.findElement(By.id("t-submit")).click();
    await().atMost(Duration.ofSeconds(5)).until(() -> text("#ticket-result").startsWith("Filled: BUY 1 /ES at "));
    BigDecimal esBought = new BigDecimal(text("#ticket-result").replaceAll("^Filled: BUY 1 /ES at ([0-9.]+).*$", "$1"));
    await().atMost(Duration.ofSeconds(5)).until(() -> text("#futures-margin").equals("15000.00"));
    assertThat(new BigDecimal(text("#cash"))).isEqualByComparingTo(cashWithStock);
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      // One read of the row: its cells change together with each quote.
      Object cells = js("return [...document.querySelectorAll(\"#positions tbody tr[data-symbol='/ES'] td\")]"
          + ".map(td => td.textContent)");
      if (!(cells instanceof List<?> row) || row.size() < 6) {
        return false;
      }
      BigDecimal points = new BigDecimal((String) row.get(3)).subtract(new BigDecimal((String) row.get(2)));
      // Wait for the price to move off the fill: at zero points, every multiplier gives the same value.
      return points.signum() != 0 && new BigDecimal((String) row.get(4)).compareTo(points.multiply(BigDecimal.valueOf(50))) == 0
          && new BigDecimal((String) row.get(5)).compareTo(points.multiply(BigDecimal.valueOf(50))) == 0;
    });
    symbol.clear();
    symbol.sendKeys(".SPY271217C520");
    browser.findElement(By.id("t-submit")).click();
    await().atMost(Duration.ofSeconds(5))
        .until(() -> text("#ticket-result").startsWith("Filled: BUY 1 .SPY271217C520 at "));
    BigDecimal premium = new BigDecimal(text("#ticket-result")
        .replaceAll("^Filled: BUY 1 .SPY271217C520 at ([0-9.]+).*$", "$1"));
    await().atMost(Duration.ofSeconds(5)).until(() -> new BigDecimal(text("#cash"))
        .compareTo(cashWithStock.subtract(premium.multiply(BigDecimal.valueOf(100)))) == 0);
    screenshot("2a-future-and-option");

    // Both sold from the ticket: the future realizes its points at 50 each into cash and frees its margin; the
    // option's premium comes back 100 times.
    new Select(browser.findElement(By.id("t-side"))).selectByVisibleText("SELL");
    symbol.clear();
    symbol.sendKeys("/ES");
    browser.findElement(By.id("t-submit")).click();
    await().atMost(Duration.ofSeconds(5)).until(() -> text("#ticket-result").startsWith("Filled: SELL 1 /ES at "));
    BigDecimal esSold = new BigDecimal(text("#ticket-result").replaceAll("^Filled: SELL 1 /ES at ([0-9.]+).*$", "$1"));
    symbol.clear();
    symbol.sendKeys(".SPY271217C520");
    browser.findElement(By.id("t-submit")).click();
    await().atMost(Duration.ofSeconds(5))
        .until(() -> text("#ticket-result").startsWith("Filled: SELL 1 .SPY271217C520 at "));
    BigDecimal premiumBack = new BigDecimal(text("#ticket-result")
        .replaceAll("^Filled: SELL 1 .SPY271217C520 at ([0-9.]+).*$", "$1"));
    BigDecimal expectedCash = cashWithStock.subtract(premium.multiply(BigDecimal.valueOf(100)))
        .add(esSold.subtract(esBought).multiply(BigDecimal.valueOf(50)))
        .add(premiumBack.multiply(BigDecimal.valueOf(100)));
    await().atMost(Duration.ofSeconds(5)).until(() -> new BigDecimal(text("#cash")).compareTo(expectedCash) == 0
        && text("#futures-margin").equals("0.00"));
    // And the stock: 2 of the 5 shares sold, the rest still held.
    symbol.clear();
    symbol.sendKeys("AAPL");
    quantity.clear();
    quantity.sendKeys("2");
    browser.findElement(By.id("t-submit")).click();
    await().atMost(Duration.ofSeconds(5)).until(() -> text("#ticket-result").startsWith("Filled: SELL 2 AAPL at "));
    BigDecimal sharesSold = new BigDecimal(text("#ticket-result").replaceAll("^Filled: SELL 2 AAPL at ([0-9.]+).*$",
        "$1"));
    await().atMost(Duration.ofSeconds(5)).until(() -> new BigDecimal(text("#cash"))
        .compareTo(expectedCash.add(sharesSold.multiply(BigDecimal.valueOf(2)))) == 0
        && text("#positions tbody tr[data-symbol='AAPL'] td:nth-child(2)").equals("3"));
    screenshot("2b-future-option-and-stock-sold");
    new Select(browser.findElement(By.id("t-side"))).selectByVisibleText("BUY");
    quantity.clear();
    quantity.sendKeys("5");

    // A rejection is explained in words.
    symbol.clear();
    symbol.sendKeys("NOQUOTE");
    browser.findElement(By.id("t-submit")).click();
    await().atMost(Duration.ofSeconds(5)).until(() -> text("#ticket-result")
        .equals("Rejected: Cannot fill market order: no live market price available for NOQUOTE"));
    screenshot("2-order-filled");

    // A limit buy far below the market works, holds cash, and is cancelled from the orders table.
    symbol.clear();
    symbol.sendKeys("AAPL");
    new Select(browser.findElement(By.id("t-type"))).selectByVisibleText("LMT");
    new Select(browser.findElement(By.id("t-tif"))).selectByVisibleText("GTC");
    browser.findElement(By.id("t-limit")).sendKeys("1.00");
    browser.findElement(By.id("t-submit")).click();
    await().atMost(Duration.ofSeconds(5)).until(() -> text("#ticket-result").startsWith("Working: BUY 5 AAPL LMT 1.00 GTC (ask "));
    await().atMost(Duration.ofSeconds(5)).until(() -> text("#orders tbody tr .status").equals("WORKING"));
    String workingId = browser.findElement(By.cssSelector("#orders tbody tr")).getAttribute("data-order-id");
    screenshot("3-order-working");
    browser.findElement(By.cssSelector("#orders tbody tr[data-order-id='" + workingId + "'] button.cancel")).click();
    await().atMost(Duration.ofSeconds(5)).until(() ->
        text("#orders tbody tr[data-order-id='" + workingId + "'] .status").equals("CANCELED"));
    assertThat(browser.findElements(By.cssSelector("#orders tbody tr[data-order-id='" + workingId + "'] button.cancel")))
        .isEmpty();

    // A resting limit buy fills at its limit the moment a published quote crosses it, and the page sees it live.
    try (Jedis jedis = REDIS.jedis()) {
      jedis.hset("live_data:latest:quotes", "XTEST", "{\"symbol\":\"XTEST\",\"last\":\"10.40\",\"bid\":\"10.35\","
          + "\"ask\":\"10.50\",\"timestamp\":\"" + java.time.Instant.now() + "\"}");
      symbol.clear();
      symbol.sendKeys("XTEST");
      WebElement limit = browser.findElement(By.id("t-limit"));
      limit.clear();
      limit.sendKeys("10.00");
      browser.findElement(By.id("t-submit")).click();
      await().atMost(Duration.ofSeconds(5)).until(() -> text("#ticket-result").startsWith("Working: BUY 5 XTEST"));
      String restingId = browser.findElement(By.cssSelector("#orders tbody tr")).getAttribute("data-order-id");
      jedis.publish("live_data:quotes:XTEST", "{\"symbol\":\"XTEST\",\"last\":\"9.95\",\"bid\":\"9.90\","
          + "\"ask\":\"9.98\",\"timestamp\":\"" + java.time.Instant.now().plusSeconds(1) + "\"}");
      await().atMost(Duration.ofSeconds(5)).until(() ->
          text("#orders tbody tr[data-order-id='" + restingId + "'] .status").equals("FILLED"));
      assertThat(text("#orders tbody tr[data-order-id='" + restingId + "'] td:nth-child(7)")).isEqualTo("10.00");
    }

    // The server restarts: the page says so, reconnects by itself, and streams again.
    service.close();
    service = null;
    await().atMost(Duration.ofSeconds(15)).until(() -> text("#connection").equals("reconnecting"));
    screenshot("4-server-down");
    service = startService();
    await().atMost(Duration.ofSeconds(20)).until(() -> text("#connection").equals("live"));
    waitForPriceChange("TSLA", Duration.ofSeconds(5));
    waitForPriceChange("AAPL", Duration.ofSeconds(5));
    assertThat(text("#signed-in-account")).isEqualTo("paper");
    screenshot("5-after-restart");
  }
}
