package com.thortrading.accounts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** What each symbol shape is, with the shipped table's figures a Thinkorswim user recognizes. */
class InstrumentsTest {

  private static final Instruments TABLE = Instruments.defaults();

  private static Instrument known(String symbol) {
    Instruments.Lookup lookup = TABLE.lookup(symbol);
    assertThat(lookup).as(symbol).isInstanceOf(Instruments.Known.class);
    return ((Instruments.Known) lookup).instrument();
  }

  @ParameterizedTest(name = "{0} is {1} x{2}, tick {3}, margin {4}, tradable {5}")
  @CsvSource({
      "AAPL,            EQUITY, 1,      0.01,     ,         true",
      "BRK/B,           EQUITY, 1,      0.01,     ,         true",
      "BRK.B,           EQUITY, 1,      0.01,     ,         true",
      "SPY,             EQUITY, 1,      0.01,     ,         true",
      "/ES,             FUTURE, 50,     0.25,     15000.00, true",
      "/ESZ25,          FUTURE, 50,     0.25,     15000.00, true",
      "/ESZ5,           FUTURE, 50,     0.25,     15000.00, true",
      "/ES:XCME,        FUTURE, 50,     0.25,     15000.00, true",
      "/MES,            FUTURE, 5,      0.25,     1500.00,  true",
      "/NQ,             FUTURE, 20,     0.25,     21000.00, true",
      "/NQH26:XCME,     FUTURE, 20,     0.25,     21000.00, true",
      "/CL,             FUTURE, 1000,   0.01,     6000.00,  true",
      "/GC,             FUTURE, 100,    0.10,     11000.00, true",
      "/GCQ25,          FUTURE, 100,    0.10,     11000.00, true",
      "/MGCZ25,         FUTURE, 10,     0.10,     1100.00,  true",
      "/6EZ5,           FUTURE, 125000, 0.00005,  2600.00,  true",
      "/ZNH26,          FUTURE, 1000,   0.015625, 2200.00,  true",
      ".AAPL260116C190, OPTION, 100,    0.01,     ,         true",
      ".SPXW250117P5800.5, OPTION, 100, 0.01,     ,         true",
      "$SPX,            INDEX,  1,      0.01,     ,         false",
      "$VIX.X,          INDEX,  1,      0.01,     ,         false",
      "EUR/USD,         FOREX,  1,      0.00001,  ,         false",
  })
  void eachShapeIsTheInstrumentATraderExpects(String symbol, InstrumentType type, String multiplier, String tick,
      String margin, boolean tradable) {
    Instrument instrument = known(symbol);
    assertThat(instrument.symbol()).isEqualTo(symbol);
    assertThat(instrument.type()).isEqualTo(type);
    assertThat(instrument.multiplier()).isEqualByComparingTo(multiplier);
    assertThat(instrument.tick()).isEqualByComparingTo(tick);
    assertThat(instrument.initialMargin().map(BigDecimal::toPlainString).orElse(null)).isEqualTo(margin);
    assertThat(instrument.tradable()).isEqualTo(tradable);
  }

  @ParameterizedTest(name = "{0} is refused")
  @CsvSource({"/XX", "/XXZ25", "/ZZZ:XCME", "/ESX"})
  void anUnknownFutureRootIsRefusedNotGuessed(String symbol) {
    assertThat(TABLE.lookup(symbol)).isInstanceOfSatisfying(Instruments.Unknown.class, unknown ->
        assertThat(unknown.message()).contains(symbol).contains("THOR_INSTRUMENTS_FILE"));
  }

  @ParameterizedTest(name = "{0} at {1}: on the grid {2}, tick {3}")
  @CsvSource({
      "/ES,  5250.25,  true,  0.25",
      "/ES,  5250.00,  true,  0.25",
      "/ES,  5250.10,  false, 0.25",
      "/CL,  78.37,    true,  0.01",
      "/CL,  78.375,   false, 0.01",
      "/ZN,  110.515625, true, 0.015625",
      "/ZN,  110.51,   false, 0.015625",
      "AAPL, 189.51,   true,  0.01",
      "AAPL, 189.505,  false, 0.01",
      "AAPL, 0.5001,   true,  0.0001",
      "AAPL, 0.50005,  false, 0.0001",
      "AAPL, 1.0001,   false, 0.01",
      ".AAPL260116C190, 2.53, true, 0.01",
  })
  void limitAndStopPricesMustSitOnTheGrid(String symbol, String price, boolean onTick, String tick) {
    Instrument instrument = known(symbol);
    assertThat(instrument.onTick(new BigDecimal(price))).isEqualTo(onTick);
    assertThat(instrument.tickAt(new BigDecimal(price))).isEqualByComparingTo(tick);
  }

  @ParameterizedTest(name = "{2} x {0} at {1} is worth {3}")
  @CsvSource({
      "/ES,             5250.00, 1, 262500.00",
      "/ES,             1.00,    2, 100.00",
      ".AAPL260116C190, 2.50,    1, 250.00",
      ".AAPL260116C190, 2.50,    3, 750.00",
      "AAPL,            189.51,  10, 1895.10",
      "/CL,             0.01,    1, 10.00",
  })
  void valueIsPriceTimesMultiplierTimesQuantity(String symbol, String price, long quantity, String value) {
    assertThat(known(symbol).value(new BigDecimal(price), quantity)).isEqualByComparingTo(value);
  }

  @Test
  void aTableEntryWithoutAMarginOrWithABadFigureIsRefusedNamingIt() throws Exception {
    ObjectMapper json = new ObjectMapper();
    String base = "\"equity\":{\"multiplier\":\"1\",\"tick\":\"0.01\"},\"option\":{\"multiplier\":\"100\",\"tick\":"
        + "\"0.01\"},\"index\":{\"multiplier\":\"1\",\"tick\":\"0.01\"},\"forex\":{\"multiplier\":\"1\",\"tick\":\"0.00001\"}";
    assertThatThrownBy(() -> Instruments.parse(json.readTree("{" + base
        + ",\"futures\":{\"ZZ\":{\"multiplier\":\"10\",\"tick\":\"0.5\"}}}"), "my.json"))
        .hasMessageContaining("my.json futures.ZZ").hasMessageContaining("initial_margin");
    assertThatThrownBy(() -> Instruments.parse(json.readTree("{" + base
        + ",\"futures\":{\"ZZ\":{\"multiplier\":\"-10\",\"tick\":\"0.5\",\"initial_margin\":\"100\"}}}"), "my.json"))
        .hasMessageContaining("my.json futures.ZZ");
    Instruments custom = Instruments.parse(json.readTree("{" + base
        + ",\"futures\":{\"ZZ\":{\"multiplier\":\"10\",\"tick\":\"0.5\",\"initial_margin\":\"100\"}}}"), "my.json");
    assertThat(custom.lookup("/ZZM26")).isInstanceOf(Instruments.Known.class);
    assertThat(custom.lookup("/ES")).isInstanceOf(Instruments.Unknown.class);
  }
}
