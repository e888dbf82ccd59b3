package com.thortrading.livedata;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.NoSuchElementException;

/** The HTTP face of live data: {@code GET /api/quotes} and {@code GET /api/quotes/{symbol}}. */
public final class QuoteApi {

  private final LiveDataRedis redis;

  public QuoteApi(LiveDataRedis redis) {
    this.redis = redis;
  }

  public void mount(Router router) {
    router.get("/api/quotes").handler(this::all);
    router.get("/api/quotes/:symbol").handler(this::one);
  }

  private void all(RoutingContext ctx) {
    redis.getLatestQuotes().onSuccess(quotes -> {
      JsonArray body = new JsonArray();
      quotes.forEach(q -> body.add(new JsonObject(QuoteJson.toJson(q))));
      ctx.json(body);
    }).onFailure(ctx::fail);
  }

  private void one(RoutingContext ctx) {
    String symbol = QuoteSymbols.normalize(ctx.pathParam("symbol"));
    redis.getLatestQuote(symbol).onSuccess(quote -> {
      if (quote.isPresent()) {
        ctx.response().putHeader("content-type", "application/json").end(QuoteJson.toJson(quote.get()));
      } else {
        // The server's failure handler turns this into the JSON error body every API shares.
        ctx.fail(404, new NoSuchElementException("No quote for " + symbol + " in " + LiveDataRedis.LATEST_QUOTES_KEY));
      }
    }).onFailure(ctx::fail);
  }
}
