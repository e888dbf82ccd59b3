package com.thortrading.livedata;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * All Redis access for live data, and the only code that knows its key names (fixed by the original design).
 *
 * <ul>
 *   <li>{@value #LATEST_QUOTES_KEY}: hash, field = upper-case symbol, value = the quote's JSON;</li>
 *   <li>{@value #SYMBOLS_KEY}: set of every symbol published;</li>
 *   <li>{@code live_data:history:{SYMBOL}}: stream of every published quote;</li>
 *   <li>{@code live_data:quotes:{SYMBOL}}: one pub/sub message per published quote.</li>
 * </ul>
 */
public final class LiveDataRedis {

  public static final String LATEST_QUOTES_KEY = "live_data:latest:quotes";
  public static final String QUOTE_CHANNEL_PREFIX = "live_data:quotes:";
  /** What a subscriber listens to for every symbol's quotes. */
  public static final String QUOTE_CHANNEL_PATTERN = QUOTE_CHANNEL_PREFIX + "*";
  /** Every symbol the ingest has published (design §10's whitelist of tradable symbols). */
  public static final String SYMBOLS_KEY = "live_data:symbols";
  /** Prefix of each symbol's quote history stream (design §10): {@code live_data:history:AAPL}. */
  public static final String HISTORY_PREFIX = "live_data:history:";
  /** Field of a history entry that holds the quote's JSON. */
  static final String HISTORY_FIELD = "quote";
  public static final long DEFAULT_HISTORY_LENGTH = 10_000;

  private final Redis redis;
  private final long historyLength;

  /** @param historyLength about how many quotes each symbol's history keeps ({@code MAXLEN ~}); 0 keeps none */
  public LiveDataRedis(Redis redis, long historyLength) {
    this.redis = redis;
    this.historyLength = historyLength;
  }

  public LiveDataRedis(Redis redis) {
    this(redis, DEFAULT_HISTORY_LENGTH);
  }

  public static String historyKey(String symbol) {
    return HISTORY_PREFIX + symbol;
  }

  public static String quoteChannel(String symbol) {
    return QUOTE_CHANNEL_PREFIX + symbol;
  }

  /** The symbol a quote channel carries, or empty for any other channel. */
  public static Optional<String> symbolOfChannel(String channel) {
    return channel.startsWith(QUOTE_CHANNEL_PREFIX) && channel.length() > QUOTE_CHANNEL_PREFIX.length()
        ? Optional.of(channel.substring(QUOTE_CHANNEL_PREFIX.length()))
        : Optional.empty();
  }

  /**
   * Stores and publishes quotes in one pipelined round trip: one HSET with every symbol, then a PUBLISH per
   * quote, and an XADD per quote to its history stream (trimmed with {@code MAXLEN ~}, which lets Redis trim
   * whole nodes cheaply). Not a MULTI: a reader may briefly see the hash ahead of the channel, which is
   * harmless for a snapshot.
   */
  public Future<Void> publishQuotes(List<Quote> quotes) {
    if (quotes.isEmpty()) {
      return Future.succeededFuture();
    }
    List<String> json = new ArrayList<>(quotes.size());
    Request hset = Request.cmd(Command.HSET).arg(LATEST_QUOTES_KEY);
    for (Quote quote : quotes) {
      String text = QuoteJson.toJson(quote);
      json.add(text);
      hset.arg(quote.symbol()).arg(text);
    }
    List<Request> commands = new ArrayList<>(2 * quotes.size() + 2);
    commands.add(hset);
    Request sadd = Request.cmd(Command.SADD).arg(SYMBOLS_KEY);
    quotes.forEach(q -> sadd.arg(q.symbol()));
    commands.add(sadd);
    for (int i = 0; i < quotes.size(); i++) {
      commands.add(Request.cmd(Command.PUBLISH).arg(quoteChannel(quotes.get(i).symbol())).arg(json.get(i)));
    }
    if (historyLength > 0) {
      for (int i = 0; i < quotes.size(); i++) {
        commands.add(Request.cmd(Command.XADD).arg(historyKey(quotes.get(i).symbol())).arg("MAXLEN").arg("~")
            .arg(historyLength).arg("*").arg(HISTORY_FIELD).arg(json.get(i)));
      }
    }
    return redis.batch(commands).mapEmpty();
  }

  /** The design's publish_quote: store as latest and publish on the symbol's channel. */
  public Future<Void> publishQuote(Quote quote) {
    return publishQuotes(List.of(quote));
  }

  /** The design's set_latest_quote: store as latest without publishing. */
  public Future<Void> setLatestQuote(Quote quote) {
    return redis.send(Request.cmd(Command.HSET).arg(LATEST_QUOTES_KEY).arg(quote.symbol()).arg(QuoteJson.toJson(quote)))
        .mapEmpty();
  }

  /** The design's get_latest_quote: the newest stored quote of a symbol (any case), if there is one. */
  public Future<Optional<Quote>> getLatestQuote(String symbol) {
    return redis.send(Request.cmd(Command.HGET).arg(LATEST_QUOTES_KEY).arg(QuoteSymbols.normalize(symbol)))
        .map(response -> response == null ? Optional.<Quote>empty() : Optional.of(QuoteJson.fromJson(response.toString())));
  }

  /** Every stored latest quote, by symbol. */
  public Future<List<Quote>> getLatestQuotes() {
    return redis.send(Request.cmd(Command.HGETALL).arg(LATEST_QUOTES_KEY)).map(LiveDataRedis::quotesOfHash);
  }

  /**
   * A symbol's recorded quotes, oldest first: those recorded at or after {@code since} (epoch ms; 0 for all),
   * at most {@code limit}.
   */
  public Future<List<Quote>> history(String symbol, long sinceEpochMillis, int limit) {
    return redis.send(Request.cmd(Command.XRANGE).arg(historyKey(QuoteSymbols.normalize(symbol)))
            .arg(sinceEpochMillis + "-0").arg("+").arg("COUNT").arg(limit))
        .map(entries -> {
          List<Quote> quotes = new ArrayList<>();
          if (entries != null) {
            for (Response entry : entries) {
              // [id, [field, value, ...]]
              Response fields = entry.get(1);
              for (int i = 0; i + 1 < fields.size(); i += 2) {
                if (HISTORY_FIELD.equals(fields.get(i).toString())) {
                  quotes.add(QuoteJson.fromJson(fields.get(i + 1).toString()));
                }
              }
            }
          }
          return quotes;
        });
  }

  /** Whether the ingest has ever published this symbol. */
  public Future<Boolean> isKnownSymbol(String symbol) {
    return redis.send(Request.cmd(Command.SISMEMBER).arg(SYMBOLS_KEY).arg(QuoteSymbols.normalize(symbol)))
        .map(r -> r != null && r.toInteger() == 1);
  }

  /** Answers when Redis does; the health check's probe. */
  public Future<Void> ping() {
    return redis.send(Request.cmd(Command.PING)).mapEmpty();
  }

  private static List<Quote> quotesOfHash(Response hash) {
    List<Quote> quotes = new ArrayList<>();
    if (hash != null) {
      for (String symbol : hash.getKeys()) {
        quotes.add(QuoteJson.fromJson(hash.get(symbol).toString()));
      }
    }
    quotes.sort(Comparator.comparing(Quote::symbol));
    return quotes;
  }
}
