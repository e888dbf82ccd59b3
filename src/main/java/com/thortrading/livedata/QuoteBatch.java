package com.thortrading.livedata;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;
import java.util.List;

/** The quotes that changed in one poll cycle, handed from the poller to the publisher on the event bus. */
public record QuoteBatch(List<Quote> quotes) {

  public QuoteBatch {
    quotes = List.copyOf(quotes);
  }

  /** Passes batches by reference between verticles of one process; batches never cross the cluster. */
  static final class LocalCodec implements MessageCodec<QuoteBatch, QuoteBatch> {
    static final String NAME = "thortrading.quote-batch";

    @Override
    public void encodeToWire(Buffer buffer, QuoteBatch batch) {
      throw new UnsupportedOperationException("quote batches are local-only");
    }

    @Override
    public QuoteBatch decodeFromWire(int pos, Buffer buffer) {
      throw new UnsupportedOperationException("quote batches are local-only");
    }

    @Override
    public QuoteBatch transform(QuoteBatch batch) {
      return batch; // immutable, safe to share
    }

    @Override
    public String name() {
      return NAME;
    }

    @Override
    public byte systemCodecID() {
      return -1;
    }
  }
}
