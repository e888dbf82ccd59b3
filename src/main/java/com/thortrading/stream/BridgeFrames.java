package com.thortrading.stream;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;

/**
 * The Vert.x event-bus bridge's wire format, as {@code @vertx/eventbus-bridge-client.js} speaks it, in one place.
 *
 * <p>In: {@code {"type":"register"|"unregister"|"send"|"publish"|"ping","address":...,"headers":{...},"body":...}}.
 * Out: {@code {"type":"rec","address":...,"body":...}} and {@code {"type":"err","address":...,"failureCode":...,
 * "failureType":...,"message":...,"body":...}}.
 */
final class BridgeFrames {

  private BridgeFrames() {
  }

  /** A frame from a client. {@code type} is empty when the frame has none. */
  record Inbound(String type, String address, Map<String, String> headers) {
  }

  /** Reads a client frame; throws {@link IllegalArgumentException} when it is not a JSON object. */
  static Inbound parse(String text) {
    JsonObject json;
    try {
      json = new JsonObject(text);
    } catch (DecodeException | ClassCastException e) {
      throw new IllegalArgumentException("not a JSON object");
    }
    Map<String, String> headers = new HashMap<>();
    Object rawHeaders = json.getValue("headers");
    if (rawHeaders instanceof JsonObject h) {
      h.forEach(e -> headers.put(e.getKey(), String.valueOf(e.getValue())));
    }
    Object type = json.getValue("type");
    Object address = json.getValue("address");
    return new Inbound(type instanceof String t ? t : "", address instanceof String a ? a : null, headers);
  }

  /** A message for the client, encoded once however many clients get it. */
  /** A rec frame around a body that is JSON text already (a quote as published), written through unparsed. */
  static String rec(String address, String bodyJson) {
    return "{\"type\":\"rec\",\"address\":" + io.vertx.core.json.Json.encode(address) + ",\"body\":" + bodyJson + "}";
  }

  static String rec(String address, JsonObject body) {
    return new JsonObject().put("type", "rec").put("address", address).put("body", body).encode();
  }

  /**
   * An error: {@code body} carries the code as the stock bridge does; failureType and message are what the JS
   * client hands to the handler registered at {@code address}.
   */
  static String err(String address, String code, String message) {
    JsonObject json = new JsonObject().put("type", "err").put("body", code).put("failureCode", -1)
        .put("failureType", code).put("message", message);
    if (address != null) {
      json.put("address", address);
    }
    return json.encode();
  }
}
