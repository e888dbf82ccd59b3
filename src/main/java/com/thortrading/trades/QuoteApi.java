package com.thortrading.trades;

import com.thortrading.livedata.Bar;
import com.thortrading.livedata.BarBuilder;
import com.thortrading.livedata.BarJson;
import com.thortrading.livedata.LiveDataRedis;
import com.thortrading.livedata.QuoteJson;
import com.thortrading.livedata.QuoteSymbols;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.List;
import java.util.NoSuchElementException;

/** The HTTP face of live data: latest quotes, one symbol's latest, and a symbol's recorded history. */
public final class QuoteApi {

  private static final int MAX_HISTORY = 10_000;

  private final LiveDataRedis redis;

  public QuoteApi(LiveDataRedis redis) {
    this.redis = redis;
  }

  public void mount(Router router) {
    router.get("/api/quotes").handler(this::all);
    router.get("/api/quotes/:symbol").handler(this::one);
    router.get("/api/quotes/:symbol/history").handler(this::history);
    router.get("/api/quotes/:symbol/bars").handler(this::bars);
  }

  /**
   * {@code ?interval=} 1m (default), 5m or 15m (made from the 1-minute bars); {@code ?since=} as for history (bars
   * starting then or later; a longer bar whose interval holds {@code since} is included); {@code ?limit=} bars.
   */
  private void bars(RoutingContext ctx) {
    String symbol;
    long since;
    int limit;
    java.time.Duration interval;
    try {
      symbol = symbol(ctx);
      since = since(ctx.queryParams().get("since"));
      limit = limit(ctx.queryParams().get("limit"));
      interval = interval(ctx.queryParams().get("interval"));
    } catch (IllegalArgumentException bad) {
      ctx.fail(400, bad);
      return;
    }
    long minutes = interval.toMinutes();
    long alignedSince = Math.floorDiv(since, interval.toMillis()) * interval.toMillis();
    int oneMinuteBars = (int) Math.min((long) limit * minutes, MAX_HISTORY);
    redis.bars(symbol, alignedSince, oneMinuteBars).onSuccess(oneMinute -> {
      List<Bar> bars = minutes == 1 ? oneMinute : BarBuilder.aggregate(oneMinute, interval);
      JsonArray body = new JsonArray();
      bars.stream().limit(limit).forEach(bar -> body.add(new JsonObject(BarJson.toJson(bar))));
      ctx.json(body);
    }).onFailure(e -> redisDown(ctx, e));
  }

  private static java.time.Duration interval(String text) {
    String t = text == null || text.isBlank() ? "1m" : text.strip();
    return switch (t) {
      case "1m" -> java.time.Duration.ofMinutes(1);
      case "5m" -> java.time.Duration.ofMinutes(5);
      case "15m" -> java.time.Duration.ofMinutes(15);
      default -> throw new IllegalArgumentException("interval: must be 1m, 5m or 15m (got " + ClientText.quoted(text)
          + ")");
    };
  }

  private void all(RoutingContext ctx) {
    redis.getLatestQuotes().onSuccess(quotes -> {
      JsonArray body = new JsonArray();
      quotes.forEach(q -> body.add(new JsonObject(QuoteJson.toJson(q))));
      ctx.json(body);
    }).onFailure(e -> redisDown(ctx, e));
  }

  /** 503 naming Redis: the client did nothing wrong and may try again. */
  private static void redisDown(RoutingContext ctx, Throwable e) {
    ctx.fail(503, new IllegalStateException("Redis cannot be reached (" + e.getMessage() + "); try again shortly"));
  }

  /** The path's symbol, normalized, or a 400 when it does not follow the grammar. */
  private static String symbol(RoutingContext ctx) {
    String symbol = QuoteSymbols.normalize(ctx.pathParam("symbol"));
    if (!QuoteSymbols.isValid(symbol)) {
      throw new IllegalArgumentException("symbol: " + ClientText.quoted(symbol) + " is not a symbol: " + QuoteSymbols.GRAMMAR_IN_WORDS);
    }
    return symbol;
  }


  /** {@code ?since=} ISO-8601 instant or epoch milliseconds; {@code ?limit=} 1 to 10000 (default 1000). */
  private void history(RoutingContext ctx) {
    long since;
    int limit;
    String symbol;
    try {
      symbol = symbol(ctx);
      since = since(ctx.queryParams().get("since"));
      limit = limit(ctx.queryParams().get("limit"));
    } catch (IllegalArgumentException bad) {
      ctx.fail(400, bad);
      return;
    }
    redis.history(symbol, since, limit).onSuccess(quotes -> {
      JsonArray body = new JsonArray();
      quotes.forEach(q -> body.add(new JsonObject(QuoteJson.toJson(q))));
      ctx.json(body);
    }).onFailure(e -> redisDown(ctx, e));
  }

  private static long since(String text) {
    if (text == null || text.isBlank()) {
      return 0;
    }
    String t = text.strip();
    try {
      long since = t.matches("[0-9]{1,15}") ? Long.parseLong(t) : Instant.parse(t).toEpochMilli();
      if (since >= 0) {
        return since;
      }
    } catch (RuntimeException e) {
      // reported below
    }
    throw new IllegalArgumentException("since: must be an ISO-8601 time from 1970 on, such as 2025-12-08T14:30:00Z, "
        + "or epoch milliseconds (got " + ClientText.quoted(text) + ")");
  }

  private static int limit(String text) {
    if (text == null || text.isBlank()) {
      return 1000;
    }
    String t = text.strip();
    if (t.matches("[0-9]{1,9}")) {
      int limit = Integer.parseInt(t);
      if (limit >= 1 && limit <= MAX_HISTORY) {
        return limit;
      }
    }
    throw new IllegalArgumentException("limit: must be a whole number from 1 to " + MAX_HISTORY + " (got "
        + ClientText.quoted(text) + ")");
  }

  private void one(RoutingContext ctx) {
    String symbol;
    try {
      symbol = symbol(ctx);
    } catch (IllegalArgumentException bad) {
      ctx.fail(400, bad);
      return;
    }
    redis.getLatestQuote(symbol).onSuccess(quote -> {
      if (quote.isPresent()) {
        ctx.response().putHeader("content-type", "application/json").end(QuoteJson.toJson(quote.get()));
      } else {
        // The server's failure handler turns this into the JSON error body every API shares.
        ctx.fail(404, new NoSuchElementException("No quote for " + symbol + " in " + LiveDataRedis.LATEST_QUOTES_KEY));
      }
    }).onFailure(e -> redisDown(ctx, e));
  }
}
