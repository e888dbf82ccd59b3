package com.thortrading.accounts;

import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The engine's answer to one request, and the order updates to publish once committed (orders it changed).
 */
public record EngineReply(EngineOutcome outcome, JsonObject body, List<JsonObject> orderEvents) {

  public static EngineReply of(EngineOutcome outcome, JsonObject body) {
    return new EngineReply(outcome, body, List.of());
  }

  public static EngineReply error(EngineOutcome outcome, String code, String message) {
    return of(outcome, errorBody(code, message));
  }

  public static JsonObject errorBody(String code, String message) {
    return new JsonObject().put("error", new JsonObject().put("code", code).put("message", message));
  }

  /** A refusal's error body, or an empty body when there is none: what a reply's other fields go into. */
  public static JsonObject errorBody(java.util.Optional<Rejection> refusal) {
    return refusal.map(r -> errorBody(r.code().name(), r.message())).orElseGet(JsonObject::new);
  }

  /** The body sent on the event bus: the outcome travels with it. */
  public JsonObject toMessage() {
    return topLevelCopy(body).put("outcome", outcome.name());
  }

  /**
   * A copy of the top level only, for adding fields to: the engine never changes a nested value once built (nor may
   * anything else once the message is sent or published: the event bus copies a message whole only as its handler
   * takes it). Deep copies of each order's reply and event were about a
   * twentieth of the engine loop's samples under a stream of market orders.
   */
  static JsonObject topLevelCopy(JsonObject json) {
    return new JsonObject(new java.util.LinkedHashMap<>(json.getMap()));
  }
}
