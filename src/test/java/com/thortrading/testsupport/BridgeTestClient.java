package com.thortrading.testsupport;

import io.vertx.core.http.WebSocket;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/** A raw websocket client of the event-bus bridge that records every frame it gets. */
public final class BridgeTestClient {
  public final WebSocket socket;
  public final List<JsonObject> frames = new CopyOnWriteArrayList<>();
  /** When each frame arrived (System.nanoTime), index for index with {@link #frames}. */
  public final List<Long> arrivals = new CopyOnWriteArrayList<>();
  public final AtomicBoolean closed = new AtomicBoolean();
  public volatile String closeReason;
  /** The Authorization header sent with every register; the operator's by default. */
  public volatile String authorization;

  public BridgeTestClient(WebSocket socket) {
    this(socket, TestService.ADMIN);
  }

  public BridgeTestClient(WebSocket socket, String authorization) {
    this.socket = socket;
    this.authorization = authorization;
    socket.textMessageHandler(text -> {
      JsonObject frame = new JsonObject(text);
      synchronized (frames) {
        arrivals.add(System.nanoTime());
        frames.add(frame);
      }
    });
    socket.closeHandler(v -> {
      closeReason = socket.closeReason();
      closed.set(true);
    });
  }

  public void send(JsonObject frame) {
    socket.writeTextMessage(frame.encode()).await();
  }

  public void register(String address) {
    register(address, new JsonObject());
  }

  /** A register with headers of its own (such as since_seq), besides the authorization. */
  public void register(String address, JsonObject headers) {
    JsonObject frame = new JsonObject().put("type", "register").put("address", address);
    JsonObject all = headers.copy();
    if (authorization != null) {
      all.put("authorization", authorization);
    }
    if (!all.isEmpty()) {
      frame.put("headers", all);
    }
    send(frame);
  }

  public List<JsonObject> recs(String address) {
    return frames.stream().filter(f -> "rec".equals(f.getString("type")) && address.equals(f.getString("address")))
        .toList();
  }

  public List<JsonObject> errs() {
    return frames.stream().filter(f -> "err".equals(f.getString("type"))).toList();
  }
}
