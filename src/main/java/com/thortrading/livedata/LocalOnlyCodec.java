package com.thortrading.livedata;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;

/** Passes an immutable value by reference between verticles of one process; it can never cross the cluster. */
final class LocalOnlyCodec<T> implements MessageCodec<T, T> {

  private final String name;

  LocalOnlyCodec(String name) {
    this.name = name;
  }

  @Override
  public void encodeToWire(Buffer buffer, T value) {
    throw new UnsupportedOperationException(name + " is local-only");
  }

  @Override
  public T decodeFromWire(int pos, Buffer buffer) {
    throw new UnsupportedOperationException(name + " is local-only");
  }

  @Override
  public T transform(T value) {
    return value; // immutable, safe to share between event loops
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
