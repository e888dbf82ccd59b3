package com.thortrading.bench;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Tuple;

/**
 * The order benchmark's floor for "HTTP in, one row in PostgreSQL, answer out": a plain Vert.x HTTP server whose
 * only handler INSERTs the request body into a table and answers 201, with the service's pool settings (16
 * connections, prepared statements cached) and its event loops. Run as its own process; prints {@code LISTENING}.
 *
 * <p>Arguments: port pg-url event-loops.
 */
public final class PlainInsertServer {

  private PlainInsertServer() {
  }

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    int loops = Integer.parseInt(args[2]);
    Vertx vertx = Vertx.vertx(BenchSupport.vertxOptions());
    Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(16))
        .connectingTo(PgConnectOptions.fromUri(args[1]).setCachePreparedStatements(true)).using(vertx).build();
    pool.query("CREATE TABLE IF NOT EXISTS bench_plain (id BIGSERIAL PRIMARY KEY, body TEXT NOT NULL, "
        + "created_at TIMESTAMPTZ NOT NULL DEFAULT now())").execute().await();
    for (int i = 0; i < loops; i++) {
      HttpServer server = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body ->
          pool.preparedQuery("INSERT INTO bench_plain (body) VALUES ($1) RETURNING id")
              .execute(Tuple.of(body.toString()))
              .onSuccess(rows -> request.response().setStatusCode(201).putHeader("content-type", "application/json")
                  .end("{\"id\":" + rows.iterator().next().getLong(0) + "}"))
              .onFailure(e -> request.response().setStatusCode(503).end(String.valueOf(e.getMessage())))));
      server.listen(port, "127.0.0.1").await();
    }
    System.out.println("LISTENING " + port);
    System.out.flush();
  }
}
