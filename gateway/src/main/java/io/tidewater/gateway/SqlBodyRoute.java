package io.tidewater.gateway;

import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

/**
 * Reads the JSON body of {@code POST /v1/sql} and {@code /v1/sql/explain} on the HTTP event loop
 * before the endpoint's worker thread runs. Quarkus REST gives a blocking endpoint a stream that
 * the worker reads while the event loop hands it the body, a thread wake-up each way (a profile of
 * short queries: a twentieth of the worker's CPU waiting there); a body already read is handed over
 * whole. Only an uncompressed HTTP/1.x body whose declared length fits an SQL text of {@code
 * tidewater.query.max-sql-length} is read so; anything else (no length, a longer or compressed one,
 * HTTP/2) is streamed by the endpoint as before, which words its errors. Authentication and path
 * permissions have run before (Quarkus's own route handlers come first).
 */
@Singleton
class SqlBodyRoute {

  /** Room beyond the SQL text's characters: each may take 4 bytes, escaped 6; other fields. */
  private static final long OVERHEAD = 64 * 1024;

  private final long maxBytes;

  SqlBodyRoute(TidewaterConfig config) {
    this.maxBytes = 6L * config.query().maxSqlLength() + OVERHEAD;
  }

  void register(@Observes Router router) {
    for (String path : new String[] {"/v1/sql", "/v1/sql/explain"}) {
      router.post(path).order(RouteConstants.ROUTE_ORDER_BEFORE_DEFAULT).handler(this::handle);
    }
  }

  private void handle(RoutingContext rc) {
    HttpServerRequest req = rc.request();
    long length = declaredLength(req);
    if (req.version() == HttpVersion.HTTP_2 // Quarkus REST pauses the request, refused once ended
        || req.isEnded()
        || length < 0
        || length > maxBytes) {
      rc.next();
      return;
    }
    if ("100-continue".equalsIgnoreCase(req.getHeader(HttpHeaders.EXPECT))) {
      rc.response().writeContinue(); // as Quarkus REST would before reading the body
    }
    req.body()
        .onComplete(
            read -> {
              if (read.failed()) {
                rc.fail(read.cause());
                return;
              }
              rc.setBody(read.result()); // what Quarkus REST reads instead of the stream
              rc.next();
            });
    req.resume(); // authentication paused it
  }

  /**
   * The body's Content-Length, or -1 when it has none, an unreadable one or a content encoding (the
   * body read is then the decompressed one, of any size).
   */
  static long declaredLength(HttpServerRequest req) {
    String value = req.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (value == null
        || req.getHeader(HttpHeaders.TRANSFER_ENCODING) != null
        || req.getHeader(HttpHeaders.CONTENT_ENCODING) != null) {
      return -1; // a compressed body's length says nothing of what it holds
    }
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
