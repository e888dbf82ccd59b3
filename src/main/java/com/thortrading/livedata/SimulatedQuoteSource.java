package com.thortrading.livedata;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A seeded random walk over a symbol list that looks like a trading day in a Thinkorswim sheet.
 *
 * <p>Each poll moves each symbol with probability {@code changeProbability} by a few ticks, keeps bid below
 * ask by one to three ticks, tracks the day's open, high and low, grows volume, and reports net and percent
 * change against the previous close. Prices are BigDecimal ticks; randomness only picks tick counts. The same
 * seed gives the same day, which makes the simulator usable in tests.
 */
public final class SimulatedQuoteSource implements QuoteSource {

  /** Plausible starting prices so the page looks familiar; other symbols get a price derived from their name. */
  private static final Map<String, String> START_PRICES = Map.ofEntries(
      Map.entry("AAPL", "189.50"), Map.entry("MSFT", "421.30"), Map.entry("SPY", "521.40"),
      Map.entry("QQQ", "441.10"), Map.entry("NVDA", "121.80"), Map.entry("AMZN", "184.20"),
      Map.entry("TSLA", "248.60"), Map.entry("META", "502.70"), Map.entry("GOOGL", "171.90"),
      Map.entry("IWM", "205.30"), Map.entry("/ES", "5250.00"), Map.entry("/NQ", "18300.00"),
      Map.entry("$SPX", "5240.00"), Map.entry("VFF", "3.00"),
      Map.entry(".SPY271217C520", "38.40"));

  private final List<SimulatedSymbol> symbols = new ArrayList<>();
  private final Random random;
  private final double changeProbability;

  public SimulatedQuoteSource(List<String> symbolList, long seed, double changeProbability) {
    if (symbolList.isEmpty()) {
      throw new IllegalArgumentException("the simulator needs at least one symbol");
    }
    this.random = new Random(seed);
    this.changeProbability = changeProbability;
    for (String symbol : symbolList) {
      symbols.add(new SimulatedSymbol(QuoteSymbols.normalize(symbol), random));
    }
  }

  @Override
  public String describe() {
    return "sim (" + symbols.size() + " symbols)";
  }

  @Override
  public List<Quote> poll(Instant now) {
    List<Quote> quotes = new ArrayList<>(symbols.size());
    for (SimulatedSymbol symbol : symbols) {
      if (random.nextDouble() < changeProbability) {
        symbol.step(random);
      }
      quotes.add(symbol.quote(now));
    }
    return quotes;
  }

  /** One symbol's day so far. */
  private static final class SimulatedSymbol {
    private final String symbol;
    private final BigDecimal tick;
    private final boolean isIndex;
    private final BigDecimal close;
    private final BigDecimal open;
    private BigDecimal last;
    private BigDecimal high;
    private BigDecimal low;
    private final int volatilityTicks;
    private int spreadTicks;
    private long volume;

    SimulatedSymbol(String symbol, Random random) {
      this.symbol = symbol;
      this.isIndex = symbol.startsWith("$");
      this.tick = symbol.startsWith("/") ? new BigDecimal("0.25") : new BigDecimal("0.01");
      BigDecimal start = new BigDecimal(START_PRICES.getOrDefault(symbol, derivedPrice(symbol)));
      // Yesterday's close is a little away from today's open, so net change starts non-zero like a real day.
      this.close = start.subtract(tick.multiply(BigDecimal.valueOf(random.nextInt(41) - 20)));
      this.open = start;
      // About two basis points per step, whatever the price level or tick size.
      this.volatilityTicks = Math.max(1, start.multiply(new BigDecimal("0.0002")).divide(tick, 0, RoundingMode.HALF_UP).intValue());
      this.last = start;
      this.high = start;
      this.low = start;
      this.spreadTicks = 1;
      this.volume = isIndex ? 0 : 100L * (1 + random.nextInt(5000));
    }

    void step(Random random) {
      int ticks = (int) Math.round(random.nextGaussian() * volatilityTicks);
      BigDecimal next = last.add(tick.multiply(BigDecimal.valueOf(ticks)));
      if (next.compareTo(tick) < 0) {
        next = tick;
      }
      last = next;
      high = high.max(last);
      low = low.min(last);
      spreadTicks = 1 + random.nextInt(3);
      if (!isIndex) {
        volume += 100L * (1 + random.nextInt(20));
      }
    }

    Quote quote(Instant now) {
      Map<String, String> fields = new LinkedHashMap<>();
      fields.put(QuoteField.LAST, last.toPlainString());
      if (!isIndex) {
        // bid <= last <= ask, spread of one to three ticks, as on a liquid book.
        BigDecimal spread = tick.multiply(BigDecimal.valueOf(spreadTicks));
        BigDecimal bid = last.subtract(tick.multiply(BigDecimal.valueOf((spreadTicks + 1) / 2))).max(tick);
        fields.put(QuoteField.BID, bid.toPlainString());
        fields.put(QuoteField.ASK, bid.add(spread).toPlainString());
        // Displayed sizes, in shares (round lots) or contracts, derived from the state rather than drawn from the
        // random walk, so a seed gives the same prices it always has.
        fields.put(QuoteField.BID_SIZE, Long.toString(size(QuoteField.BID)));
        fields.put(QuoteField.ASK_SIZE, Long.toString(size(QuoteField.ASK)));
      }
      fields.put(QuoteField.OPEN, open.toPlainString());
      fields.put(QuoteField.HIGH, high.toPlainString());
      fields.put(QuoteField.LOW, low.toPlainString());
      fields.put(QuoteField.CLOSE, close.toPlainString());
      if (!isIndex) {
        fields.put(QuoteField.VOLUME, Long.toString(volume));
      }
      BigDecimal netChange = last.subtract(close);
      fields.put(QuoteField.NET_CHANGE, netChange.toPlainString());
      fields.put(QuoteField.PERCENT_CHANGE,
          netChange.multiply(BigDecimal.valueOf(100)).divide(close, 2, RoundingMode.HALF_EVEN).toPlainString());
      return new Quote(symbol, fields, now);
    }

    private long size(String side) {
      int draw = Math.floorMod(java.util.Objects.hash(symbol, side, volume, last), 1 << 20);
      if (symbol.startsWith("/") || symbol.startsWith(".")) {
        return 1 + draw % 40; // contracts
      }
      return 100L * (1 + draw % 10); // shares, in round lots
    }

    private static String derivedPrice(String symbol) {
      int cents = 1_000 + Math.floorMod(symbol.hashCode(), 49_000);
      return BigDecimal.valueOf(cents, 2).toPlainString();
    }
  }
}
