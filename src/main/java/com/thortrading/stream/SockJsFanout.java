package com.thortrading.stream;

import com.thortrading.accounts.AccountAddresses;
import com.thortrading.accounts.OrderEngineClient;
import com.thortrading.livedata.LiveDataRedis;
import com.thortrading.livedata.LiveQuote;
import com.thortrading.livedata.QuoteAddresses;
import com.thortrading.livedata.QuoteJson;
import com.thortrading.accounts.Principal;
import com.thortrading.accounts.TokenAuthenticator;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandlerOptions;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams quotes and order updates to browsers over SockJS, speaking the Vert.x event-bus bridge's frames so the
 * published JS client works unchanged, but without the stock bridge's costs:
 *
 * <ul>
 *   <li>one event-bus consumer per symbol (local, fed by this node's Redis subscriber) and one per followed
 *   account on this node, however many browsers: a node-local index maps them to sockets, so a browser
 *   registering costs no cluster-wide registration;</li>
 *   <li>the latest quote on register (from Redis), then every change, with no gap and no duplicate;</li>
 *   <li>a per-symbol rate cap ({@link RateCap}) and a bounded, conflating outbox per socket
 *   ({@link ConflatingOutbox}); a socket that stays behind too long is closed with a reason;</li>
 *   <li>outbound only {@code quotes.<SYMBOL>} and {@code orders.events.<account>}, each register checked
 *   against the frame's token by {@link BridgeAccess} (one token per socket; sockets of a revoked token are
 *   closed), inbound only register, unregister and ping;</li>
 *   <li>caps on sockets per node and per token, so nobody can make the node hold unbounded state.</li>
 * </ul>
 *
 * <p>Everything here runs on the event loop of the verticle that creates it (sockets, consumers, timers), so
 * the index needs no locks.
 */
public final class SockJsFanout {

  private static final Logger LOG = LoggerFactory.getLogger(SockJsFanout.class);
  private static final long SWEEP_MS = 500;
  private static final long REVOCATION_CHECK_MS = 2_000;
  private static final int MAX_WAITING_FRAMES = 64;
  /** The sockjs-client the page loads too (a WebJar served at /webjars). */
  private static final String SOCKJS_LIBRARY = "/webjars/sockjs-client/1.6.1/dist/sockjs.min.js";
  private static final long CLOSE_GRACE_MS = 1_000;
  private static final int REPLAY_PAGE = 1_000;
  private static final int MAX_REPLAY = 10_000;

  private final Vertx vertx;
  private final FanoutOptions options;
  private final LiveDataRedis liveData;
  /** Where a register with since_seq reads what the socket missed. */
  private final OrderEngineClient engine;
  private final BridgeAccess access;
  private final FanoutNode node;
  private final FanoutMetrics metrics;
  /** What this instance reports to the node's meters. */
  private final FanoutNode.Instance figures;
  private final Context context;
  private final Set<Session> sessions = new LinkedHashSet<>();
  private final Map<String, SymbolFeed> symbols = new HashMap<>();
  private final Map<String, AccountFeed> accounts = new HashMap<>();
  /** Signed-in sockets per token id. */
  private final Map<Long, Set<Session>> byToken = new HashMap<>();
  private long sweepTimer = -1;
  private long revocationTimer = -1;
  private MessageConsumer<JsonObject> revocations;
  private final long skipOvertakenNanos;

  /** One instance of the node's fan-out, on the caller's event loop; {@code node} is what instances share. */
  public SockJsFanout(Vertx vertx, FanoutNode node, LiveDataRedis liveData, OrderEngineClient engine,
      BridgeAccess access) {
    this.engine = engine;
    this.vertx = vertx;
    this.node = node;
    this.options = node.options();
    this.liveData = liveData;
    this.access = access;
    this.metrics = node.metrics();
    this.figures = node.instance();
    this.skipOvertakenNanos = options.skipOvertakenAfter().toNanos();
    this.context = vertx.getOrCreateContext();
  }

  /** The SockJS endpoint, to mount at {@code /eventbus/*}; its raw websocket is {@code /eventbus/websocket}. */
  public Router router() {
    sweepTimer = vertx.setPeriodic(SWEEP_MS, t -> sweep());
    revocationTimer = vertx.setPeriodic(REVOCATION_CHECK_MS, t -> closeRevoked());
    revocations = vertx.eventBus().consumer(AccountAddresses.TOKEN_REVOKED,
        m -> closeSocketsOf(m.body().getLong("token_id", -1L)));
    // The iframe transports load SockJS inside /eventbus/iframe.html: from this service, not a public CDN (which
    // an offline desk cannot reach, and which would run a third party's script on our origin).
    SockJSHandlerOptions sockJs = new SockJSHandlerOptions().setHeartbeatInterval(10_000).setSessionTimeout(10_000)
        .setLibraryURL(SOCKJS_LIBRARY)
        .setInsertJSESSIONID(false);
    return SockJSHandler.create(vertx, sockJs).socketHandler(this::open);
  }

  /** Closes every socket and stops the timers; for shutdown. */
  public void close() {
    vertx.cancelTimer(sweepTimer);
    vertx.cancelTimer(revocationTimer);
    if (revocations != null) {
      revocations.unregister();
    }
    List.copyOf(sessions).forEach(s -> s.close(1001, "server shutting down"));
    node.instanceGone(figures);
  }

  // --- sockets ----------------------------------------------------------------------------------------------

  private void open(SockJSSocket socket) {
    // Origins were checked before the socket opened (the HTTP router's gate); this node's capacity is checked here.
    if (!node.openSocket()) {
      metrics.refusedFrames.increment();
      socket.write(BridgeFrames.err(null, "too_many_sockets", "This node holds " + options.maxSockets()
          + " sockets already; try again later"));
      socket.close(4029, "too many sockets");
      return;
    }
    Session session = new Session(socket);
    sessions.add(session);
    figures.clients.incrementAndGet();
    socket.handler(frame -> onFrame(session, frame));
    socket.closeHandler(v -> forget(session));
    socket.exceptionHandler(e -> {
      if (String.valueOf(e.getMessage()).contains("max message size") && sessions.contains(session)) {
        // A message over the websocket's limit, in fragments: Vert.x drops it and would go on reading the rest
        // as new messages. Say so and close, instead of leaving the socket wedged on garbage.
        session.refuse(null, "frame_too_large", "Messages may be at most " + options.maxFrameBytes() + " bytes");
        session.close(1009, "frame too large");
        return;
      }
      LOG.debug("Socket {} failed: {}", socket.remoteAddress(), e.getMessage());
    });
    socket.drainHandler(v -> session.writeAll(session.outbox.drain(session.queueFull(), System.nanoTime())));
  }

  private void onFrame(Session session, Buffer frame) {
    if (!sessions.contains(session)) {
      return; // closed already: what it still sends is read and ignored until its connection goes
    }
    if (session.signingIn) {
      if (session.waiting.size() >= MAX_WAITING_FRAMES) {
        session.refuse(null, "too_many_frames", "At most " + MAX_WAITING_FRAMES + " frames may wait while a socket "
            + "signs in");
      } else {
        session.waiting.add(frame);
      }
      return;
    }
    if (frame.length() > options.maxFrameBytes()) {
      session.refuse(null, "frame_too_large", "Frames may be at most " + options.maxFrameBytes() + " bytes");
      session.close(1009, "frame too large");
      return;
    }
    BridgeFrames.Inbound in;
    try {
      in = BridgeFrames.parse(frame.toString());
    } catch (IllegalArgumentException e) {
      session.refuse(null, "invalid_json", "A frame must be a JSON object");
      return;
    }
    switch (in.type()) {
      case "ping" -> { }
      case "register" -> register(session, in);
      case "unregister" -> {
        if (in.address() != null) {
          unregister(session, in.address());
        }
      }
      case "send", "publish" -> session.refuse(in.address(), "access_denied",
          "Nothing may be sent over this socket; place orders with POST /api/trades/orders/active");
      default -> session.refuse(in.address(), "invalid_type", "Unknown frame type '" + in.type() + "'");
    }
  }

  private void register(Session session, BridgeFrames.Inbound in) {
    String address = in.address();
    if (address == null || address.isEmpty()) {
      session.refuse(null, "invalid_address", "register needs an address");
      return;
    }
    if (address.length() > options.maxAddressLength()) {
      session.refuse(null, "address_too_long", "Addresses may be at most " + options.maxAddressLength() + " characters");
      return;
    }
    Optional<BridgeAddress> parsed = BridgeAddress.parse(address);
    if (parsed.isEmpty()) {
      session.refuse(address, "access_denied", "Only quotes.<SYMBOL> and orders.events.<account> may be followed");
      return;
    }
    if (session.addresses.contains(address)) {
      session.refuse(address, "address_already_registered", "Already following " + address);
      return;
    }
    if (session.addresses.size() >= options.maxRegistrations()) {
      session.refuse(address, "max_registrations", "A socket may follow at most " + options.maxRegistrations()
          + " addresses");
      return;
    }
    Optional<Optional<Long>> sinceSeq = sinceSeq(in.headers().get("since_seq"));
    if (sinceSeq.isEmpty()) {
      session.refuse(address, "invalid_header", "since_seq must be a whole number from 0 on");
      return;
    }
    Optional<String> token = BridgeAccess.token(in.headers(), session.socketHeaders());
    if (token.isEmpty()) {
      session.refuse(address, "access_denied", "register needs a token: send the header "
          + "authorization: Bearer <token> (eb.defaultHeaders in the JS client)");
      return;
    }
    if (session.token != null && !session.token.equals(token.get())) {
      session.refuse(address, "access_denied", "A socket keeps the token it first used; open another for another");
      return;
    }
    if (session.principal != null) {
      // Signed in already, with this very token (checked above); revocation closes the socket, so no re-check.
      if (access.mayFollow(session.principal, parsed.get())) {
        session.follows(address);
        follow(session, parsed.get(), address, sinceSeq.get());
      } else {
        session.refuse(address, "access_denied", "This token may not follow " + address);
      }
      return;
    }
    // The first register signs the socket in. Its later frames wait, so every frame is answered in order.
    session.signingIn = true;
    access.authenticate(token.get(), session.remote()).onComplete(done -> onLoop(() -> {
      session.signingIn = false;
      if (!sessions.contains(session)) {
        return;
      }
      Optional<String> refusal = admit(session, token.get(), parsed.get(), done);
      if (refusal.isPresent()) {
        session.refuse(address, done.succeeded() ? "access_denied" : "service_unavailable", refusal.get());
      } else {
        session.follows(address);
        follow(session, parsed.get(), address, sinceSeq.get());
      }
      while (!session.signingIn && !session.waiting.isEmpty() && sessions.contains(session)) {
        onFrame(session, session.waiting.poll());
      }
    }));
  }

  /** The since_seq header: empty when malformed, else present or not. */
  private static Optional<Optional<Long>> sinceSeq(String header) {
    if (header == null) {
      return Optional.of(Optional.empty());
    }
    return header.matches("[0-9]{1,18}") ? Optional.of(Optional.of(Long.parseLong(header))) : Optional.empty();
  }

  /** Why the socket may not follow the address with this token, or empty when it may (signing it in). */
  private Optional<String> admit(Session session, String token, BridgeAddress address,
      io.vertx.core.AsyncResult<TokenAuthenticator.Outcome> outcome) {
    if (outcome.failed()) {
      return Optional.of("The token cannot be checked now (PostgreSQL is not answering); register again shortly");
    }
    if (outcome.result() instanceof TokenAuthenticator.Throttled) {
      return Optional.of("Too many bad tokens from this address; wait and try again");
    }
    if (!(outcome.result() instanceof TokenAuthenticator.Verified verified)) {
      return Optional.of("The token is unknown or revoked");
    }
    Principal who = verified.principal();
    if (session.principal == null) {
      if (!node.signIn(who.tokenId())) {
        return Optional.of("This token holds " + options.maxSocketsPerToken() + " sockets already on this node");
      }
      byToken.computeIfAbsent(who.tokenId(), id -> new LinkedHashSet<>()).add(session);
      session.principal = who;
      session.token = token;
    }
    if (!access.mayFollow(who, address)) {
      return Optional.of("This token may not follow " + address.address());
    }
    return Optional.empty();
  }

  private void follow(Session session, BridgeAddress parsed, String address, Optional<Long> sinceSeq) {
    if (parsed instanceof BridgeAddress.OrderEvents events) {
      AccountFeed feed = accounts.computeIfAbsent(events.account(), AccountFeed::new);
      feed.sessions.add(session);
      sinceSeq.ifPresent(since -> replay(session, feed, address, since));
      return;
    }
    String symbol = ((BridgeAddress.Quotes) parsed).symbol();
    symbols.computeIfAbsent(symbol, SymbolFeed::new).sessions.add(session);
    snapshot(session, symbol, address);
  }

  /**
   * What the socket missed since {@code since}, then the live events, with no gap and no duplicate: live events
   * are held while the missed ones are read (after the feed's consumer is in place, so nothing falls between),
   * and an event is delivered only when its {@code seq} is newer than the last one this socket got.
   */
  private void replay(Session session, AccountFeed feed, String address, long since) {
    session.lastSeq.put(address, since);
    session.held.computeIfAbsent(address, a -> new java.util.ArrayList<>());
    feed.consumer.completion().compose(v -> missed(feed.account, since, new java.util.ArrayList<>()))
        .onComplete(done -> onLoop(() -> {
          List<JsonObject> held = session.held.remove(address);
          if (!sessions.contains(session) || !session.addresses.contains(address) || held == null) {
            return;
          }
          if (done.failed()) {
            session.socket.write(BridgeFrames.err(address, "replay_failed", "The events since " + since
                + " cannot be read now (" + done.cause().getMessage() + "); live events follow, ask again later"));
          } else {
            done.result().forEach(e -> session.deliverEvent(feed, e, null));
          }
          held.forEach(e -> session.deliverEvent(feed, e, null));
        }));
  }

  /** The account's events after {@code since}, a page at a time, up to {@link #MAX_REPLAY}. */
  private Future<List<JsonObject>> missed(String account, long since, List<JsonObject> sofar) {
    return engine.events(account, since, REPLAY_PAGE).compose(answer -> {
          io.vertx.core.json.JsonArray page = answer.body().getJsonArray("events");
          if (page == null) {
            return Future.failedFuture(answer.body().getJsonObject("error", new JsonObject()).getString("message",
                "no events"));
          }
          page.forEach(e -> sofar.add((JsonObject) e));
          if (page.size() < REPLAY_PAGE || sofar.size() >= MAX_REPLAY) {
            return Future.succeededFuture(sofar);
          }
          return missed(account, sofar.get(sofar.size() - 1).getLong("seq"), sofar);
        });
  }

  private void onLoop(Runnable action) {
    if (Vertx.currentContext() == context) {
      action.run();
    } else {
      context.runOnContext(v -> action.run());
    }
  }

  /** Closes the sockets of tokens revoked since the last check, even if this node missed the message. */
  private void closeRevoked() {
    Set<Long> ids = new HashSet<>(byToken.keySet());
    ids.remove(0L); // the configured operator and metrics tokens live as long as the configuration
    if (ids.isEmpty()) {
      return;
    }
    access.live(ids).onComplete(done -> onLoop(() -> {
      if (done.failed()) {
        LOG.debug("Cannot check for revoked tokens now: {}", done.cause().getMessage());
        return;
      }
      ids.stream().filter(id -> !done.result().contains(id)).forEach(this::closeSocketsOf);
    }));
  }

  private void closeSocketsOf(long tokenId) {
    Set<Session> of = byToken.get(tokenId);
    if (of == null) {
      return;
    }
    for (Session session : List.copyOf(of)) {
      LOG.info("Closing {}: its token {} was revoked", session.remote(), tokenId);
      session.socket.write(BridgeFrames.err(null, "token_revoked", "The token was revoked; sign in again"));
      session.close(4001, "token revoked");
    }
  }

  /** The latest quote from Redis, unless the stream already gave this socket something as new. */
  private void snapshot(Session session, String symbol, String address) {
    liveData.getLatestQuote(symbol).onSuccess(quote -> {
      if (quote.isEmpty() || !session.addresses.contains(address)) {
        return;
      }
      session.deliverQuote(address, BridgeFrames.rec(address, QuoteJson.toJson(quote.get())), quote.get().timestamp());
    }).onFailure(e -> LOG.debug("No snapshot of {}: {}", symbol, e.getMessage()));
  }

  private void unregister(Session session, String address) {
    if (!session.addresses.remove(address)) {
      return;
    }
    node.unfollowed();
    session.lastQuoteAt.remove(address);
    session.lastSeq.remove(address);
    session.held.remove(address);
    BridgeAddress.parse(address).ifPresent(parsed -> {
      if (parsed instanceof BridgeAddress.Quotes q) {
        SymbolFeed feed = symbols.get(q.symbol());
        if (feed != null && feed.sessions.remove(session) && feed.sessions.isEmpty()) {
          feed.close();
        }
      } else if (parsed instanceof BridgeAddress.OrderEvents events) {
        AccountFeed feed = accounts.get(events.account());
        if (feed != null && feed.sessions.remove(session) && feed.sessions.isEmpty()) {
          feed.close();
        }
      }
    });
  }

  private void forget(Session session) {
    if (!sessions.remove(session)) {
      return;
    }
    node.socketClosed();
    figures.clients.decrementAndGet();
    if (session.principal != null) {
      node.signedOut(session.principal.tokenId());
      Set<Session> same = byToken.get(session.principal.tokenId());
      if (same != null && same.remove(session) && same.isEmpty()) {
        byToken.remove(session.principal.tokenId());
      }
    }
    for (String address : List.copyOf(session.addresses)) {
      unregister(session, address);
    }
    metrics.dropped.increment(session.outbox.waiting());
  }

  private void sweep() {
    long now = System.nanoTime();
    figures.queued.set(sessions.stream().mapToInt(s -> s.outbox.inFlight() + s.outbox.waiting()).sum());
    for (Session session : List.copyOf(sessions)) {
      if (session.outbox.tooFarBehind(now)) {
        metrics.slowDisconnects.increment();
        LOG.info("Closing {}: {} messages waiting for more than {} ms", session.socket.remoteAddress(),
            session.outbox.waiting(), options.maxBehind().toMillis());
        session.close(4008, "too slow: messages waited more than " + options.maxBehind().toMillis() + " ms");
      }
    }
  }

  // --- feeds --------------------------------------------------------------------------------------------------

  /** One symbol on this node: one local consumer, its rate cap, the sockets following it. */
  private final class SymbolFeed {
    final String symbol;
    final String address;
    final Set<Session> sessions = new LinkedHashSet<>();
    final RateCap<LiveQuote> cap = RateCap.perSecond(options.ratePerSecond());
    final MessageConsumer<LiveQuote> consumer;
    long timer = -1;
    long replacedCounted;

    SymbolFeed(String symbol) {
      this.symbol = symbol;
      this.address = QuoteAddresses.quotes(symbol);
      this.consumer = vertx.eventBus().localConsumer(address, m -> onQuote(m.body()));
    }

    void onQuote(LiveQuote quote) {
      long now = System.nanoTime();
      // Behind (an overloaded loop): a quote that waited this long and already has a newer one queued behind it is
      // worth nothing to anyone, so the loop catches up on the newest instead of writing every stale price. Below
      // that wait every quote goes out, in order.
      if (now - quote.receivedNanos() > skipOvertakenNanos && node.latest().overtaken(symbol, quote)) {
        metrics.overtaken.increment();
        return;
      }
      // Capped by when the quotes reached this node, so quotes that came a window apart all go out even when a busy
      // loop takes them back to back.
      cap.offer(quote, quote.receivedNanos()).forEach(this::broadcast);
      armTimer(now);
      long replaced = cap.replaced();
      metrics.dropped.increment(replaced - replacedCounted);
      replacedCounted = replaced;
    }

    /** A held quote goes out when its window ends: a timer for then, unless one is set. */
    void armTimer(long now) {
      if (cap.holding() && timer < 0) {
        long delayMs = Math.max(1, (cap.windowEnd() - now + 999_999) / 1_000_000);
        timer = vertx.setTimer(delayMs, t -> windowEnded());
      }
    }

    void windowEnded() {
      timer = -1;
      long now = System.nanoTime();
      // The value sent here opens a new window; a quote arriving in it is held and arms the next timer. One held
      // since a late quote flushed the one this timer was for waits for its own window's end.
      cap.due(now).ifPresent(this::broadcast);
      armTimer(now);
    }

    void broadcast(LiveQuote quote) {
      Instant at = quote.quote().timestamp();
      // The quote's text as Redis carried it, written through: one frame for every socket of this instance.
      String frame = BridgeFrames.rec(address, quote.json());
      for (Session session : sessions) {
        session.deliverQuote(address, frame, at);
      }
    }

    void close() {
      symbols.remove(symbol);
      consumer.unregister();
      if (timer >= 0) {
        vertx.cancelTimer(timer);
      }
    }
  }

  /** One account's order updates on this node: one event-bus consumer, the sockets following it. */
  private final class AccountFeed {
    final String account;
    final String address;
    final Set<Session> sessions = new LinkedHashSet<>();
    final MessageConsumer<JsonObject> consumer;

    AccountFeed(String account) {
      this.account = account;
      this.address = AccountAddresses.orderEvents(account);
      // Not local: the engine may run on another node of the cluster.
      this.consumer = vertx.eventBus().consumer(address, m -> {
        String frame = BridgeFrames.rec(address, m.body()); // encoded once, for every socket of the account
        for (Session session : sessions) {
          session.deliverEvent(this, m.body(), frame);
        }
      });
    }

    void close() {
      accounts.remove(account);
      consumer.unregister();
    }
  }

  // --- one socket ---------------------------------------------------------------------------------------------

  private final class Session {
    final SockJSSocket socket;
    final ConflatingOutbox outbox = new ConflatingOutbox(options.maxInFlight(), options.maxBehind().toNanos());
    final Set<String> addresses = new HashSet<>();
    /** True while the first register's token is checked; frames that come meanwhile wait, in order. */
    boolean signingIn;
    final java.util.ArrayDeque<Buffer> waiting = new java.util.ArrayDeque<>();
    /** The token this socket signed in with, and who it is; null until its first register is admitted. */
    String token;
    Principal principal;
    /** The newest order event's seq given to this socket, per account address: replay + stream exact. */
    final Map<String, Long> lastSeq = new HashMap<>();
    /** Live order events held while a replay is read, per account address. */
    final Map<String, List<JsonObject>> held = new HashMap<>();
    /** Timestamp of the newest quote given to this socket, per address: what makes snapshot + stream exact. */
    final Map<String, Instant> lastQuoteAt = new HashMap<>();
    int violations;
    long conflatedCounted;

    Session(SockJSSocket socket) {
      this.socket = socket;
    }

    void follows(String address) {
      addresses.add(address);
      node.followed();
    }

    String remote() {
      return socket.remoteAddress() == null ? "?" : socket.remoteAddress().hostAddress();
    }

    Map<String, String> socketHeaders() {
      Map<String, String> headers = new HashMap<>();
      socket.headers().forEach(e -> headers.put(e.getKey().toLowerCase(java.util.Locale.ROOT), e.getValue()));
      return headers;
    }

    void deliverQuote(String address, String frame, Instant at) {
      Instant last = lastQuoteAt.get(address);
      if (last != null && !at.isAfter(last)) {
        return; // already has this quote (snapshot and stream met) or a newer one
      }
      lastQuoteAt.put(address, at);
      deliver(address, frame);
    }

    /** @param frame the event's frame when already encoded, else null */
    void deliverEvent(AccountFeed feed, JsonObject event, String frame) {
      String address = feed.address;
      List<JsonObject> waiting = held.get(address);
      if (waiting != null) {
        waiting.add(event);
        return;
      }
      Object seq = event.getValue("seq");
      if (seq instanceof Number n) {
        Long last = lastSeq.get(address);
        if (last != null && n.longValue() <= last) {
          return; // already given (a replay and the stream met, or the outbox published it twice)
        }
        if (last != null && n.longValue() > last + 1) {
          // A gap: an event published late (the outbox's sweep after a node died) or lost on the way. Read
          // what is missing, holding this one, so the socket still gets every event once and in order.
          held.put(address, new java.util.ArrayList<>(List.of(event)));
          replay(this, feed, address, last);
          return;
        }
        lastSeq.put(address, n.longValue());
      }
      // Keyed by order: a slow client may skip an order's intermediate states, never another order's update.
      deliver(address + "#" + event.getValue("id"), frame != null ? frame : BridgeFrames.rec(address, event));
    }

    void deliver(String key, String frame) {
      if (outbox.offer(key, frame, queueFull(), System.nanoTime())) {
        write(frame);
      }
      long conflated = outbox.conflated();
      metrics.conflated.increment(conflated - conflatedCounted);
      conflatedCounted = conflated;
    }

    /**
     * Whether the socket takes no more writes now. A socket that closed before its close handler ran throws from
     * {@code writeQueueFull}; it counts as full, so its messages wait (and go with it) instead of failing the feed.
     */
    boolean queueFull() {
      try {
        return socket.writeQueueFull();
      } catch (IllegalStateException closed) {
        return true;
      }
    }

    void writeAll(List<String> frames) {
      frames.forEach(this::write);
    }

    private void write(String frame) {
      metrics.sent.increment();
      socket.write(frame).onComplete(done -> {
        if (sessions.contains(this)) {
          writeAll(outbox.written(queueFull(), System.nanoTime()));
        }
      });
    }

    void refuse(String address, String code, String message) {
      metrics.refusedFrames.increment();
      socket.write(BridgeFrames.err(address, code, message));
      if (++violations > options.maxViolations()) {
        LOG.info("Closing {}: {} refused frames", socket.remoteAddress(), violations);
        close(4003, "too many refused frames");
      }
    }

    void close(int code, String reason) {
      forget(this);
      socket.close(code, reason);
      // A client that stopped reading never takes its close frame, so a polite close never ends; after a grace
      // second the connection is reset, which also frees what the kernel holds for it.
      vertx.setTimer(CLOSE_GRACE_MS, t -> ConnectionReset.reset(socket));
    }
  }
}
