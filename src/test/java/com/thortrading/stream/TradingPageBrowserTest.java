package com.thortrading.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.thortrading.app.ThorService;
import com.thortrading.testsupport.PostgresServerExtension;
import com.thortrading.testsupport.RedisServerExtension;
import com.thortrading.testsupport.TestService;
import java.math.BigDecimal;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
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
 * prices move, a symbol added in the page streams, an order from the ticket fills and the account follows, and
 * the page streams again after the server restarts. Screenshots go to target/screenshots.
 */
class TradingPageBrowserTest {

  @RegisterExtension
  static final RedisServerExtension REDIS = new RedisServerExtension();
  @RegisterExtension
  static final PostgresServerExtension PG = new PostgresServerExtension();

  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final Path SCREENSHOTS = Path.of("target", "screenshots");

  private static int port;
  private static ThorService service;
  private static WebDriver browser;

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

  private static String text(String css) {
    List<WebElement> found = browser.findElements(By.cssSelector(css));
    return found.isEmpty() ? "" : found.get(0).getText();
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
  void traderSeesPricesMoveAddsASymbolTradesAndSurvivesARestart() throws Exception {
    browser.get("http://127.0.0.1:" + port + "/");
    await().atMost(Duration.ofSeconds(10)).until(() -> text("#connection").equals("live"));

    // Tiles update within 3 s.
    waitForPriceChange("AAPL", Duration.ofSeconds(3));
    screenshot("1-prices-moving");

    // A symbol added in the page starts streaming, and is remembered in local storage.
    browser.findElement(By.id("add-symbol")).sendKeys("tsla");
    browser.findElement(By.cssSelector("#add-form button")).click();
    await().atMost(Duration.ofSeconds(3)).until(() -> lastOf("TSLA").matches("[0-9.]+"));
    assertThat((String) ((org.openqa.selenium.JavascriptExecutor) browser)
        .executeScript("return localStorage.getItem('thor.watchlist')")).contains("TSLA");

    // The chart of a selected symbol draws from history.
    browser.findElement(By.cssSelector(".tile[data-symbol='AAPL']")).click();
    await().atMost(Duration.ofSeconds(5)).until(() -> !browser.findElements(By.cssSelector("#chart polyline")).isEmpty());

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
    screenshot("5-after-restart");
  }
}
