package com.thortrading.app;

import java.util.Locale;

/**
 * Every configuration setting, defined once: its key in JSON files, its environment variable and its option.
 *
 * <p>Defaults live in {@code conf/thortrading.json} on the classpath; a {@code --conf} file, then environment
 * variables, then command-line options override them, in that order.
 */
public enum Setting {
  ROLES("LIST", "What this node runs: any of ingest, engine, web (comma-separated); all three by default"),
  CLUSTER("BOOL", "true: join a Hazelcast cluster of nodes sharing one Redis and one PostgreSQL"),
  CLUSTER_NAME("NAME", "Cluster to join; nodes with another name stay apart"),
  CLUSTER_HOST("HOST", "Address this node's Hazelcast and event bus bind to"),
  CLUSTER_PORT("PORT", "First Hazelcast port to try (the next ones are tried when taken)"),
  CLUSTER_MEMBERS("LIST", "Comma-separated host[:port] of nodes to join"),
  HTTP_PORT("PORT", "HTTP port of the REST API and web UI (0 picks a free port)"),
  HTTP_HOST("HOST", "Address the HTTP server binds to (0.0.0.0 to serve other machines)"),
  HTTP_INSTANCES("N", "Event loops serving HTTP (REST, the web UI and browser sockets), each with its own fan-out; "
      + "0: one per core (up to 64)"),
  REDIS_URL("URL", "External Redis, e.g. redis://127.0.0.1:6379; empty starts an embedded Redis"),
  PG_URL("URL", "External PostgreSQL, e.g. postgresql://user:pass@127.0.0.1:5432/thor; empty starts an embedded one"),
  PG_POOL_SIZE("N", "PostgreSQL connections each node keeps at most (1 to 200); a request beyond them waits for one"),
  SOURCE("SOURCE", "Quote source: sim, replay or excel"),
  POLL_INTERVAL_MS("MS", "How often the source is read, in milliseconds (10 to 3600000)"),
  INGEST_TAKEOVER_MS("MS", "With several ingest nodes one polls (it holds live_data:excel_lock); another takes over "
      + "within this long of its end (1000 to 600000)"),
  SOURCE_READ_TIMEOUT_MS("MS", "A source read not back by then is stuck (an Excel dialog): /health says so, and the "
      + "source is re-attached on a fresh thread (100 to 600000)"),
  SYMBOLS("LIST", "Comma-separated symbols the sim source quotes"),
  SIM_SEED("N", "Seed of the sim source's random walk: the same seed gives the same day"),
  SIM_CHANGE_PROBABILITY("P", "Chance (0 to 1) that a sim symbol moves at each poll"),
  REPLAY_FILE("FILE", "CSV to replay (header row with the workbook's labels; optional timestamp column)"),
  REPLAY_SPEED("X", "Replay pace as a multiple of the recorded pace, e.g. 10 for ten times faster"),
  REPLAY_LOOP("BOOL", "true: start the replay over at the end; false: hold the last quotes"),
  EXCEL_WORKBOOK("NAME", "Workbook name as Excel shows it, e.g. ThorTrading.xlsx"),
  EXCEL_SHEET("NAME", "Sheet holding the RTD quotes"),
  JACOB_DLL_PATH("FILE", "Full path of jacob-1.18-x64.dll (or -x86 for 32-bit Java), for the excel source"),
  FANOUT_RATE_PER_SECOND("N", "Most updates a second per symbol to any browser; 0 turns the cap off"),
  FANOUT_MAX_REGISTRATIONS("N", "Addresses one browser socket may follow at once"),
  FANOUT_MAX_IN_FLIGHT("N", "Unacknowledged writes per socket before its updates are conflated"),
  FANOUT_MAX_BEHIND_MS("MS", "How long a socket's updates may wait before it is closed as too slow"),
  FANOUT_MAX_FRAME_BYTES("BYTES", "Largest frame a browser may send"),
  FANOUT_IDLE_TIMEOUT_MS("MS", "A connection that sends nothing this long is closed (browsers ping every 5 s)"),
  FANOUT_MAX_SOCKETS("N", "Browser sockets one node holds at once, signed in or not"),
  FANOUT_MAX_SOCKETS_PER_TOKEN("N", "Browser sockets one token may hold at once on one node"),
  FANOUT_SKIP_OVERTAKEN_MS("MS", "A quote that waited this long for a fan-out event loop is skipped when a newer "
      + "quote of its symbol is already behind it (overload)"),
  ADMIN_TOKEN("TOKEN", "The operator's token (at least 32 characters): any account, accounts, tokens, /metrics; "
      + "empty: one is generated at first start and logged once"),
  METRICS_TOKEN("TOKEN", "A token (at least 32 characters) that may read /metrics and nothing else; empty: none"),
  ALLOWED_ORIGINS("LIST", "Comma-separated browser origins (https://host[:port]) allowed besides this service's own, "
      + "for the API (CORS) and /eventbus"),
  ORDER_RATE_PER_SECOND("N", "Orders, cancels and replaces a second per token (bursts of twice that); past it: 429"),
  ENGINE_TIMEOUT_MS("MS", "How long a request waits for the order engine (2000 or more); a change unanswered by "
      + "then is 504 OUTCOME_UNKNOWN, and rolled back unless it committed in time"),
  AUTH_FAILURES_PER_MINUTE("N", "Bad tokens one address may present a minute (after a burst of 10) before it must wait"),
  HISTORY_LENGTH("N", "About how many quotes each symbol's Redis history stream keeps (0 keeps none)"),
  MAX_QUOTE_AGE_MS("MS", "A quote older than this is not a live price (market orders refused, working orders wait); 0: off"),
  INSTRUMENTS_FILE("FILE", "Contract specifications (futures' multipliers, ticks and margins) in the shape of the "
      + "jar's conf/instruments.json; empty: that file"),
  SYMBOL_WHITELIST("BOOL", "true: market orders only for symbols the quote feed has published"),
  LIMIT_WITHOUT_QUOTE("RULE", "A limit order on a symbol with no quote: rest (works until a quote comes) or fill "
      + "(the original design: fills at once at its limit)"),
  MARKET_FILL("RULE", "Where market orders and triggered stops fill: last (the original design: last, bid, ask, "
      + "close) or touch (a buy at the ask, a sell at the bid, at most the displayed size per quote; the rest works)"),
  SESSION_CLOSE("HH:MM", "When the trading session closes and DAY orders expire"),
  SESSION_ZONE("ZONE", "Time zone of the session close, e.g. America/New_York"),
  STARTING_CASH("AMOUNT", "Cash of the default account 'paper' when first created, and of new accounts that name none"),
  DATA_DIR("DIR", "Where the embedded PostgreSQL keeps its data between runs"),
  EMBEDDED_REDIS_PORT("PORT", "Port of the embedded Redis (0 picks a free port)"),
  EMBEDDED_PG_PORT("PORT", "Port of the embedded PostgreSQL (0 picks a free port)");

  private final String label;
  private final String description;

  Setting(String label, String description) {
    this.label = label;
    this.description = description;
  }

  /** The key in configuration files, e.g. {@code redis_url}. */
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The environment variable, e.g. {@code THOR_REDIS_URL}. */
  public String env() {
    return "THOR_" + name();
  }

  /** The command-line option, e.g. {@code --redis-url}. */
  public String option() {
    return "--" + key().replace('_', '-');
  }

  public String label() {
    return label;
  }

  public String description() {
    return description;
  }
}
