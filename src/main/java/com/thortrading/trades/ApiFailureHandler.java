package com.thortrading.trades;

import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Maps every failure of a request to the API's one JSON error shape and the right status: the router's last word. */
public final class ApiFailureHandler implements Handler<RoutingContext> {

  private static final Logger LOG = LoggerFactory.getLogger(ApiFailureHandler.class);

  /**
   * Every failure becomes the API's JSON error. A client's mistake is one INFO line, never a stack trace; an
   * unavailable server is one WARN line naming it; only a real fault (a bug) logs its trace, under an error id
   * that the reply carries too, so a report can be matched to the log.
   */
  @Override
  public void handle(RoutingContext ctx) {
    int status = ctx.statusCode() < 400 ? 500 : ctx.statusCode();
    Throwable cause = ctx.failure();
    String what = ctx.request().method() + " " + ClientText.forLog(ctx.request().path());
    if (cause instanceof ApiError refused) {
      LOG.info("{} refused: {} {}", what, refused.status(), refused.code());
      if (!ctx.response().headWritten()) {
        refused.headers().forEach(ctx.response()::putHeader);
      }
      json(ctx, refused.status(), refused.body());
      return;
    }
    if (cause instanceof InvalidRequestException invalid) {
      LOG.info("{} refused: 400 {}", what, ClientText.forLog(invalid.getMessage()));
      json(ctx, 400, TradesApi.invalid(invalid));
      return;
    }
    if (status == 413) {
      LOG.info("{} refused: 413 body too large", what);
      JsonObject body = TradesApi.invalid(new InvalidRequestException("body",
          "is larger than " + TradesApi.MAX_BODY_BYTES / 1024 + " KiB"));
      body.getJsonObject("error").put("code", "PAYLOAD_TOO_LARGE");
      json(ctx, 413, body);
      return;
    }
    if (status == 503) {
      String message = cause != null && cause.getMessage() != null ? cause.getMessage() : "A server it needs is down";
      LOG.warn("{} unavailable: {}", what, message);
      error(ctx, 503, "SERVICE_UNAVAILABLE", message);
      return;
    }
    boolean malformed = isMalformedHttp(cause) || ctx.request().decoderResult().isFailure();
    if (status >= 500 && !malformed) {
      String id = java.util.UUID.randomUUID().toString().substring(0, 8);
      LOG.error("{} failed (error id {})", what, id, cause);
      json(ctx, 500, new JsonObject().put("error", new JsonObject().put("code", "INTERNAL_ERROR")
          .put("message", "The server could not complete the request; report error id " + id).put("error_id", id)));
      return;
    }
    int clientStatus = status >= 500 ? 400 : status;
    String message = cause != null && cause.getMessage() != null ? ClientText.forLog(cause.getMessage()) : "Request failed";
    LOG.info("{} refused: {} {}", what, clientStatus, message);
    error(ctx, clientStatus, clientStatus == 404 ? "NOT_FOUND" : "BAD_REQUEST", message);
  }

  /** Netty's word for bytes that are not HTTP (broken chunking, bad headers): the client's fault, not ours. */
  private static boolean isMalformedHttp(Throwable cause) {
    for (Throwable t = cause; t != null; t = t.getCause()) {
      String name = t.getClass().getName();
      StackTraceElement[] where = t.getStackTrace();
      if (name.startsWith("io.netty.handler.codec.") || name.endsWith("TooLongFrameException")
          || where.length > 0 && where[0].getClassName().startsWith("io.netty.handler.codec.http.")) {
        return true;
      }
    }
    return false;
  }

  /** The one error shape of every API: {@code {"error":{"code":...,"message":...}}}. */
  private static void error(RoutingContext ctx, int status, String code, String message) {
    json(ctx, status, new JsonObject().put("error", new JsonObject().put("code", code).put("message", message)));
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    if (ctx.response().headWritten()) {
      ctx.response().reset();
      return;
    }
    ctx.response().setStatusCode(status).putHeader("content-type", "application/json").end(body.encode());
  }
}
