package com.thortrading.livedata;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.HashMap;
import java.util.Collection;
import java.util.Optional;

/**
 * All Redis access for live data, and the only code that knows its key names (fixed by the original design).
 *
 * <ul>
 *   <li>{@value #LATEST_QUOTES_KEY}: hash, field = upper-case symbol, value = the quote's JSON;</li>
 *   <li>{@value #SYMBOLS_KEY}: set of every symbol published;</li>
 *   <li>{@code live_data:history:{SYMBOL}}: stream of every published quote;</li>
 *   <li>{@code live_data:quotes:{SYMBOL}}: one pub/sub message per published quote;</li>
 *   <li>{@code live_data:bars:1m:{SYMBOL}}: sorted set of the symbol's 1-minute bars, score = the bar's start in
 *   epoch milliseconds, member = its JSON ({@link BarJson}); the forming bar is replaced as it changes;</li>
 *   <li>{@value #INGEST_LOCK_KEY}: the ingest lease (the original design's lock): which node polls the workbook,
 *   as {@code <node>#<fence>}, where the fence number ({@value #INGEST_FENCE_KEY}) grows with every new holder.</li>
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
  /** The original design's name for the lock that keeps two nodes from polling one workbook. */
  public static final String INGEST_LOCK_KEY = "live_data:excel_lock";
  public static final String INGEST_FENCE_KEY = "live_data:excel_lock:fence";
  /** Prefix of each symbol's 1-minute bars, next to its history: {@code live_data:bars:1m:AAPL}. */
  public static final String BARS_PREFIX = "live_data:bars:1m:";
  /** About a week of minutes per symbol: older bars are trimmed as new ones come. */
  public static final long BARS_KEPT = 10_080;

  /**
   * Bars, only while ARGV[1] holds the ingest lease (empty: no check): each replaces the bar with its start (the
   * forming bar changes with every trade), and each symbol keeps its newest ARGV[3] bars. KEYS: lock. ARGV: fence,
   * bars prefix, bars kept, then symbol, start (epoch ms) and JSON of each bar.
   */
  private static final Script BARS_SCRIPT = Script.of(String.join("\n",
      "if ARGV[1] ~= '' and redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end",
      "local touched = {}",
      "for i = 4, #ARGV, 3 do",
      "  local key = ARGV[2] .. ARGV[i]",
      "  redis.call('ZREMRANGEBYSCORE', key, ARGV[i + 1], ARGV[i + 1])",
      "  redis.call('ZADD', key, ARGV[i + 1], ARGV[i + 2])",
      "  touched[key] = true",
      "end",
      "for key in pairs(touched) do redis.call('ZREMRANGEBYRANK', key, 0, -(tonumber(ARGV[3]) + 1)) end",
      "return 1"));

  /**
   * One batch, atomically and in one round trip: only while {@code ARGV[1]} still holds the ingest lease (an empty
   * {@code ARGV[1]} skips the check), one HSET of every symbol, one SADD of the symbols new to the caller, a PUBLISH
   * and (when kept) an XADD per quote. A node that lost the lease while paused cannot write after the new holder:
   * its batch changes nothing. If the symbol set is missing (Redis restarted without its data), every symbol of the
   * batch goes in and the script answers 2, so the caller forgets which symbols it had added.
   * KEYS: lock, latest hash, symbol set. ARGV: fence, channel prefix, history prefix, history length, history field,
   * how many of the quotes (the first ones) have new symbols, then symbol and JSON of each quote.
   */
  private static final Script PUBLISH_SCRIPT = Script.of(String.join("\n",
      "if ARGV[1] ~= '' and redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end",
      "local n = (#ARGV - 6) / 2",
      "local fresh = redis.call('EXISTS', KEYS[3]) == 0",
      "local adds = fresh and n or tonumber(ARGV[6])",
      "for from = 0, n - 1, 500 do",
      "  local hset = {KEYS[2]}",
      "  for i = from, math.min(n, from + 500) - 1 do",
      "    hset[#hset + 1] = ARGV[7 + 2 * i]; hset[#hset + 1] = ARGV[8 + 2 * i]",
      "  end",
      "  redis.call('HSET', unpack(hset))",
      "end",
      "for from = 0, adds - 1, 500 do",
      "  local sadd = {KEYS[3]}",
      "  for i = from, math.min(adds, from + 500) - 1 do sadd[#sadd + 1] = ARGV[7 + 2 * i] end",
      "  redis.call('SADD', unpack(sadd))",
      "end",
      "for i = 0, n - 1 do redis.call('PUBLISH', ARGV[2] .. ARGV[7 + 2 * i], ARGV[8 + 2 * i]) end",
      "if tonumber(ARGV[4]) > 0 then",
      "  for i = 0, n - 1 do",
      "    redis.call('XADD', ARGV[3] .. ARGV[7 + 2 * i], 'MAXLEN', '~', ARGV[4], '*', ARGV[5], ARGV[8 + 2 * i])",
      "  end",
      "end",
      "if fresh then return 2 end",
      "return 1"));

  /** Takes the lease when nobody holds it: returns {@code <node>#<fence>}, or nil. KEYS: lock, fence. */
  private static final Script ACQUIRE_SCRIPT = Script.of(String.join("\n",
      "if redis.call('EXISTS', KEYS[1]) == 1 then return false end",
      "local holder = ARGV[1] .. '#' .. redis.call('INCR', KEYS[2])",
      "redis.call('SET', KEYS[1], holder, 'PX', ARGV[2])",
      "return holder"));

  /** Extends the lease while {@code ARGV[1]} holds it: 1, else 0. */
  private static final Script RENEW_SCRIPT = Script.of(
      "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0");

  /** Gives the lease up if {@code ARGV[1]} holds it. */
  private static final Script RELEASE_SCRIPT = Script.of(
      "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0");

  /** A Lua script and its SHA1, the name EVALSHA runs it by. */
  private record Script(String text, String sha) {
    static Script of(String text) {
      return new Script(text, sha1(text));
    }
  }

  /** How commands reach Redis: through the client's pool, or on one connection that runs them in the order sent. */
  private record Sender(java.util.function.Function<Request, Future<Response>> one,
      java.util.function.Function<List<Request>, Future<List<Response>>> many) {
    Future<Response> send(Request request) {
      return one.apply(request);
    }

    Future<List<Response>> batch(List<Request> requests) {
      return many.apply(requests);
    }
  }

  private final Sender redis;
  /** The pooled client, which {@link #pipelined()} takes a connection of; null for a client on one connection. */
  private final Redis client;
  /** The one connection this client sends on, if it is such a client. */
  private final io.vertx.redis.client.RedisConnection connection;
  private final long historyLength;
  /**
   * Symbols this client's batches have put in {@value #SYMBOLS_KEY}: a batch adds only the others, instead of every
   * symbol every time. Written only by the one publisher that uses this client for batches.
   */
  private final java.util.Set<String> addedSymbols;

  /** @param historyLength about how many quotes each symbol's history keeps ({@code MAXLEN ~}); 0 keeps none */
  public LiveDataRedis(Redis redis, long historyLength) {
    this.redis = new Sender(redis::send, redis::batch);
    this.client = redis;
    this.connection = null;
    this.historyLength = historyLength;
    this.addedSymbols = java.util.concurrent.ConcurrentHashMap.newKeySet();
  }

  private LiveDataRedis(io.vertx.redis.client.RedisConnection connection, long historyLength,
      java.util.Set<String> addedSymbols) {
    this.redis = new Sender(connection::send, connection::batch);
    this.client = null;
    this.connection = connection;
    this.historyLength = historyLength;
    this.addedSymbols = addedSymbols;
  }

  /**
   * This client on a connection of its own: Redis runs its commands in the order they were sent, so a writer can
   * keep several batches in flight and a symbol's quotes still land in order. {@link #close()} ends it.
   *
   * <p>The batch scripts are loaded when the connection is taken, and on it they run by SHA only: a script that
   * Redis lost (restarted, or {@code SCRIPT FLUSH}) fails the batch instead of being sent again with its text.
   * That resend would come after the batches already sent behind it, and one of them, finding the script loaded
   * again, could run before it: an older quote would then overwrite a newer one.
   */
  public Future<LiveDataRedis> pipelined() {
    if (client == null) {
      return Future.failedFuture(new IllegalStateException("already a client on one connection"));
    }
    return client.connect().compose(conn -> conn.batch(List.of(load(PUBLISH_SCRIPT), load(BARS_SCRIPT)))
        .<LiveDataRedis>map(loaded -> new LiveDataRedis(conn, historyLength, addedSymbols))
        .onFailure(e -> conn.close()));
  }

  private static Request load(Script script) {
    return Request.cmd(Command.SCRIPT).arg("LOAD").arg(script.text());
  }

  /** Closes the connection of a client made by {@link #pipelined()}; a pooled client is left as it is. */
  public void close() {
    if (connection != null) {
      connection.close();
    }
  }

  public LiveDataRedis(Redis redis) {
    this(redis, DEFAULT_HISTORY_LENGTH);
  }

  public static String barsKey(String symbol) {
    return BARS_PREFIX + symbol;
  }

  /**
   * Writes bars (each replacing the one with its start), in one round trip, only while {@code fence} holds the
   * ingest lease, so bars are built once per symbol whatever the number of ingest nodes.
   *
   * @return false, and nothing written, when {@code fence} no longer holds the lease
   */
  public Future<Boolean> writeBars(List<Bar> bars, String fence) {
    if (bars.isEmpty()) {
      return Future.succeededFuture(true);
    }
    List<String> args = new ArrayList<>(3 * bars.size() + 4);
    args.addAll(List.of(INGEST_LOCK_KEY, fence, BARS_PREFIX, String.valueOf(BARS_KEPT)));
    for (Bar bar : bars) {
      args.add(bar.symbol());
      args.add(String.valueOf(bar.start().toEpochMilli()));
      args.add(BarJson.toJson(bar));
    }
    return script(BARS_SCRIPT, 1, args).map(done -> done != null && done.toInteger() == 1);
  }

  /** The newest stored 1-minute bar of each symbol that has one, in one round trip. */
  public Future<Map<String, Bar>> lastBars(Collection<String> symbols) {
    List<String> order = List.copyOf(symbols);
    if (order.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    List<Request> requests = new ArrayList<>(order.size());
    order.forEach(symbol -> requests.add(Request.cmd(Command.ZRANGE).arg(barsKey(symbol)).arg(-1).arg(-1)));
    return redis.batch(requests).map(replies -> {
      Map<String, Bar> last = new HashMap<>();
      for (int i = 0; i < order.size(); i++) {
        Response reply = replies.get(i);
        if (reply != null && reply.size() > 0) {
          last.put(order.get(i), BarJson.fromJson(reply.get(0).toString()));
        }
      }
      return last;
    });
  }

  /** A symbol's 1-minute bars that start at or after {@code sinceMillis}, oldest first, at most {@code limit}. */
  public Future<List<Bar>> bars(String symbol, long sinceMillis, int limit) {
    return redis.send(Request.cmd(Command.ZRANGEBYSCORE).arg(barsKey(symbol)).arg(sinceMillis).arg("+inf")
        .arg("LIMIT").arg(0).arg(limit)).map(reply -> {
          List<Bar> bars = new ArrayList<>();
          if (reply != null) {
            for (Response member : reply) {
              bars.add(BarJson.fromJson(member.toString()));
            }
          }
          return bars;
        });
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
   * Stores and publishes quotes in one round trip, whoever holds the ingest lease (tests, tools); the ingest itself
   * uses {@link #publishQuotes(List, String)}.
   */
  public Future<Void> publishQuotes(List<Quote> quotes) {
    return publishQuotes(quotes, "").mapEmpty();
  }

  /**
   * Stores and publishes quotes as {@link #writeQuotes(List, String)} does.
   *
   * @return false when {@code fence} no longer holds the lease: nothing written, or (a batch cut short by losing
   *     the lease between its scripts) only its first scripts' quotes; failed if a script failed
   */
  public Future<Boolean> publishQuotes(List<Quote> quotes, String fence) {
    return writeQuotes(quotes, fence).compose(written -> written.failure() != null
        ? Future.failedFuture(written.failure())
        : Future.succeededFuture(!written.refused()));
  }

  /**
   * How a batch's write ended: its first {@code written} quotes are in Redis. The rest were {@code refused} (the
   * fence lost the lease: not written, and never to be under it), or the write broke off with {@code failure} and
   * they may or may not have run (a lost connection does not say which).
   */
  public record QuotesWritten(int written, boolean refused, Throwable failure) {
  }

  /**
   * Stores and publishes quotes in one round trip (one script: one HSET with every symbol, one SADD, then a PUBLISH
   * per quote, and an XADD per quote to its history stream, trimmed with {@code MAXLEN ~}), but only while
   * {@code fence} holds the ingest lease. Never fails: the answer says how much was written.
   *
   * <p>A batch of more than {@link #QUOTES_PER_SCRIPT} quotes goes as several scripts, each under the fence, run in
   * order (on one connection sent together; on a pooled client one after another, stopping at the first that is
   * refused or fails): a request of 5,000 quotes (about 750 KB) was a humongous allocation for G1 every time, and
   * collecting them took a fifth of a core. Each script is all or nothing unless Redis itself refuses one of its
   * commands (a key of the wrong type), so a writer that retries only what follows {@code written} publishes
   * again none of what the first scripts did.
   *
   * <p>If the symbol set was lost (the script answers 2), only the first script's symbols go back in at once; those
   * of the later scripts of the same batch go back in with their next quote.
   */
  public Future<QuotesWritten> writeQuotes(List<Quote> quotes, String fence) {
    try {
      // A bug that throws is answered as a failed write (its quotes go back), never as a future that never ends.
      return sendScripts(quotes, fence).recover(bug -> Future.succeededFuture(new QuotesWritten(0, false, bug)));
    } catch (RuntimeException bug) {
      return Future.succeededFuture(new QuotesWritten(0, false, bug));
    }
  }

  private Future<QuotesWritten> sendScripts(List<Quote> quotes, String fence) {
    List<List<Quote>> parts = new ArrayList<>();
    for (int from = 0; from < quotes.size(); from += QUOTES_PER_SCRIPT) {
      parts.add(quotes.subList(from, Math.min(quotes.size(), from + QUOTES_PER_SCRIPT)));
    }
    if (client != null) {
      // Pooled: scripts on different connections could run in any order, so each is sent once the one before ran.
      return outcome(parts, i -> publishScript(parts.get(i), fence), 0, 0);
    }
    List<Future<Boolean>> scripts = parts.stream().map(part -> publishScript(part, fence)).toList();
    return Future.join(scripts).transform(all -> outcome(parts, scripts::get, 0, 0));
  }

  /** Goes through the scripts' answers in order: the batch's outcome is decided by the first that did not write. */
  private static Future<QuotesWritten> outcome(List<List<Quote>> parts,
      java.util.function.IntFunction<Future<Boolean>> script, int next, int written) {
    if (next == parts.size()) {
      return Future.succeededFuture(new QuotesWritten(written, false, null));
    }
    return script.apply(next).transform(done -> done.succeeded() && done.result()
        ? outcome(parts, script, next + 1, written + parts.get(next).size())
        : Future.succeededFuture(new QuotesWritten(written, done.succeeded(), done.cause())));
  }

  /** Most quotes written by one script: its request stays well under half a G1 region (1 MB for small heaps). */
  static final int QUOTES_PER_SCRIPT = 1_000;

  private Future<Boolean> publishScript(List<Quote> quotes, String fence) {
    if (quotes.isEmpty()) {
      return Future.succeededFuture(true);
    }
    // Quotes of symbols this client has not yet added to the symbol set go first: the script adds only those.
    List<Quote> ordered = new ArrayList<>(quotes.size());
    List<String> added = new ArrayList<>();
    for (Quote quote : quotes) {
      if (!addedSymbols.contains(quote.symbol())) {
        ordered.add(quote);
        added.add(quote.symbol());
      }
    }
    for (Quote quote : quotes) {
      if (addedSymbols.contains(quote.symbol())) {
        ordered.add(quote);
      }
    }
    List<String> head = List.of(INGEST_LOCK_KEY, LATEST_QUOTES_KEY, SYMBOLS_KEY, fence, QUOTE_CHANNEL_PREFIX,
        HISTORY_PREFIX, String.valueOf(historyLength), HISTORY_FIELD, String.valueOf(added.size()));
    List<byte[]> json = QuoteJson.toUtf8(ordered);
    return script(PUBLISH_SCRIPT, 3, request -> {
      head.forEach(request::arg);
      for (int i = 0; i < ordered.size(); i++) {
        request.arg(ordered.get(i).symbol()).arg(json.get(i));
      }
    }).map(done -> {
      int answer = done == null ? 0 : done.toInteger();
      if (answer == 2) {
        // The set was gone and now holds this batch's symbols only: the others go in again as they come.
        addedSymbols.clear();
        quotes.forEach(q -> addedSymbols.add(q.symbol()));
      } else if (answer == 1) {
        addedSymbols.addAll(added);
      }
      return answer != 0;
    });
  }

  /**
   * Runs a script by its SHA1 (EVALSHA), so a batch does not carry the script's text each time. On a pooled client
   * a Redis that does not have it yet (first use, or restarted since) answers NOSCRIPT, and the script is sent once
   * with EVAL; on a {@link #pipelined()} connection that answer fails the call.
   */
  private Future<Response> script(Script script, int keys, List<String> args) {
    return script(script, keys, request -> args.forEach(request::arg));
  }

  /** As {@link #script(Script, int, List)}, with arguments that {@code args} appends (twice on NOSCRIPT). */
  private Future<Response> script(Script script, int keys, java.util.function.Consumer<Request> args) {
    Request bySha = Request.cmd(Command.EVALSHA).arg(script.sha()).arg(keys);
    args.accept(bySha);
    return redis.send(bySha).recover(e -> {
      if (e.getMessage() == null || !e.getMessage().startsWith("NOSCRIPT")) {
        return Future.failedFuture(e);
      }
      if (connection != null) {
        // Loaded when the connection was taken, so Redis lost it since; see pipelined() for why no resend here.
        return Future.failedFuture(new IllegalStateException("Redis no longer has the script its connection "
            + "loaded (restarted or flushed); the connection must be taken again: " + e.getMessage(), e));
      }
      Request eval = Request.cmd(Command.EVAL).arg(script.text()).arg(keys);
      args.accept(eval);
      return redis.send(eval);
    });
  }

  private static String sha1(String text) {
    try {
      return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-1")
          .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Takes the ingest lease for {@code ttl} if nobody holds it: the holder's value ({@code <node>#<fence>}). */
  public Future<Optional<String>> acquireIngestLease(String node, java.time.Duration ttl) {
    return script(ACQUIRE_SCRIPT, 2, List.of(INGEST_LOCK_KEY, INGEST_FENCE_KEY, node, String.valueOf(ttl.toMillis())))
        .map(holder -> holder == null ? Optional.<String>empty() : Optional.of(holder.toString()));
  }

  /** Extends the lease for {@code ttl} if {@code holder} still has it; false when it is gone or someone else's. */
  public Future<Boolean> renewIngestLease(String holder, java.time.Duration ttl) {
    return script(RENEW_SCRIPT, 1, List.of(INGEST_LOCK_KEY, holder, String.valueOf(ttl.toMillis())))
        .map(done -> done != null && done.toInteger() == 1);
  }

  /** Gives the lease up if {@code holder} has it, so another node takes over at once. */
  public Future<Void> releaseIngestLease(String holder) {
    return script(RELEASE_SCRIPT, 1, List.of(INGEST_LOCK_KEY, holder)).mapEmpty();
  }

  /** Who holds the ingest lease now ({@code <node>#<fence>}), if anyone. */
  public Future<Optional<String>> ingestLeaseHolder() {
    return redis.send(Request.cmd(Command.GET).arg(INGEST_LOCK_KEY))
        .map(holder -> holder == null ? Optional.<String>empty() : Optional.of(holder.toString()));
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
