package com.thortrading.stream;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BridgeAddressTest {

  @Test
  void onlyQuoteAndOrderEventAddressesMayBeFollowed() {
    assertThat(BridgeAddress.parse("quotes.AAPL")).contains(new BridgeAddress.Quotes("AAPL"));
    assertThat(BridgeAddress.parse("quotes./ES")).contains(new BridgeAddress.Quotes("/ES"));
    assertThat(BridgeAddress.parse("quotes.$SPX")).contains(new BridgeAddress.Quotes("$SPX"));
    assertThat(BridgeAddress.parse("orders.events.paper")).contains(new BridgeAddress.OrderEvents("paper"));

    assertThat(BridgeAddress.parse("orders.place")).isEmpty();
    assertThat(BridgeAddress.parse("accounts.get")).isEmpty();
    assertThat(BridgeAddress.parse("livedata.batch")).isEmpty();
    assertThat(BridgeAddress.parse("quotes.")).isEmpty();
    assertThat(BridgeAddress.parse("quotes.aapl")).isEmpty();
    assertThat(BridgeAddress.parse("quotes.A B")).isEmpty();
    assertThat(BridgeAddress.parse("orders.events.")).isEmpty();
    assertThat(BridgeAddress.parse("orders.events.Paper")).isEmpty();
    assertThat(BridgeAddress.parse("orders.events.paper.x y")).isEmpty();
  }
}
