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
    socket.textMessageHandler(text -> frames.add(new JsonObject(text)));
    socket.closeHandler(v -> {
      closeReason = socket.closeReason();
      closed.set(true);
    });
  }

  public void send(JsonObject frame) {
    socket.writeTextMessage(frame.encode()).await();
  }

  public void register(String address) {
    JsonObject frame = new JsonObject().put("type", "register").put("address", address);
    if (authorization != null) {
      frame.put("headers", new JsonObject().put("authorization", authorization));
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
