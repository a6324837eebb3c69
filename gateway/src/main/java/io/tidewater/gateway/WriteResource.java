package io.tidewater.gateway;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import io.tidewater.gateway.auth.Callers;
import io.tidewater.gateway.auth.Principal;
import io.tidewater.lifecycle.cdc.ChangeCapture;
import io.tidewater.lifecycle.cdc.ChangeLog;
import io.tidewater.lifecycle.cdc.LineProtocol;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * InfluxDB's write endpoints, so the gateway can be a subscription destination (1.x: {@code CREATE
 * SUBSCRIPTION ... DESTINATIONS ALL 'http://gateway:8080'} posts to {@code /write}) or a
 * Telegraf/2.x replication target ({@code /api/v2/write}). A write is parsed, appended to the
 * durable change log and forced to disk before the 204, and marks the exported windows it changes
 * dirty. Answers follow InfluxDB: 400 {@code {"error": "unable to parse ..."}} naming the first bad
 * line (the valid lines are kept, as InfluxDB keeps them; points further ahead than {@code
 * tidewater.cdc.max-future} are refused the same way, and fields whose type differs from the lake's
 * with InfluxDB's {@code field type conflict}), 413 for a body over the limit, 507 when the log's
 * disk is full, 429 when more writes wait than {@code tidewater.cdc.write-queue}. Bodies are read
 * on the I/O thread and accepted on {@link WriteThreads}, never on the pool SQL runs on.
 */
@Path("/")
public class WriteResource {

  private final ChangeCapture capture;
  private final Clock clock;
  private final Timer accepted;
  private final SecurityIdentity identity;
  private final Audit audit;
  private final Duration maxFuture;
  private final LakeFieldTypes lakeTypes;
  private final WriteThreads threads;

  WriteResource(
      ChangeCapture capture,
      Clock clock,
      MeterRegistry metrics,
      SecurityIdentity identity,
      Audit audit,
      TidewaterConfig config,
      LakeFieldTypes lakeTypes,
      WriteThreads threads) {
    this.threads = threads;
    this.maxFuture = config.cdc().maxFuture();
    this.lakeTypes = lakeTypes;
    this.capture = capture;
    this.clock = clock;
    this.identity = identity;
    this.audit = audit;
    // From the whole body in hand to durable: the part of a write's latency that is the gateway's
    // own (http_server_requests_seconds also counts the client sending the body).
    this.accepted =
        Timer.builder("tidewater_write_accept_seconds")
            .description("Checking, logging (forced to disk) and marking one received write")
            .publishPercentiles(0.5, 0.99)
            .register(metrics);
  }

  @POST
  @Path("write")
  @Consumes(MediaType.WILDCARD)
  public Uni<Response> write(
      @QueryParam("db") String db,
      @QueryParam("rp") String rp,
      @QueryParam("precision") String precision,
      byte[] body) {
    if (db == null || db.isEmpty()) {
      return Uni.createFrom().item(error(400, "database is required"));
    }
    return accept(db, rp == null || rp.isEmpty() ? null : rp, precision, body);
  }

  /**
   * InfluxDB 2.x's endpoint: a bucket {@code db} or {@code db/rp} (the 1.x compatibility mapping).
   */
  @POST
  @Path("api/v2/write")
  @Consumes(MediaType.WILDCARD)
  public Uni<Response> writeV2(
      @QueryParam("org") String org,
      @QueryParam("bucket") String bucket,
      @QueryParam("precision") String precision,
      byte[] body) {
    if (bucket == null || bucket.isEmpty()) {
      return Uni.createFrom().item(error(400, "bucket is required"));
    }
    int slash = bucket.indexOf('/');
    return accept(
        slash < 0 ? bucket : bucket.substring(0, slash),
        slash < 0 ? null : bucket.substring(slash + 1),
        precision,
        body);
  }

  private Uni<Response> accept(String db, String rp, String precision, byte[] body) {
    Principal caller = Callers.of(identity); // here: the identity belongs to the request's thread
    if (!caller.mayWrite(db)) {
      // InfluxDB's answer to a user without the grant.
      audit.record(caller, "write", db, 0, Duration.ZERO, "forbidden");
      return Uni.createFrom().item(forbidden(caller, db));
    }
    return Uni.createFrom()
        .item(() -> acceptAs(caller, db, rp, precision, body))
        .runSubscriptionOn(threads)
        .onFailure(RejectedExecutionException.class)
        .recoverWithItem(
            () -> {
              audit.record(caller, "write", db, 0, Duration.ZERO, "busy");
              return Response.fromResponse(
                      error(
                          429, "too many writes waiting (tidewater.cdc.write-queue); retry later"))
                  .header("Retry-After", "1")
                  .build();
            });
  }

  private static Response forbidden(Principal caller, String db) {
    return error(
        403,
        "token '"
            + caller.name()
            + "' is not authorized to write to database \""
            + db
            + "\" (needs write:"
            + db
            + ")");
  }

  private Response acceptAs(Principal caller, String db, String rp, String precision, byte[] body) {
    long started = System.nanoTime();
    long[] points = {0};
    Response response = null;
    try {
      response = acceptTimed(db, rp, precision, body, points);
      return response;
    } finally {
      long took = System.nanoTime() - started;
      accepted.record(took, TimeUnit.NANOSECONDS);
      audit.record(
          caller,
          "write",
          db,
          points[0],
          Duration.ofNanos(took),
          response == null ? "error" : String.valueOf(response.getStatus()));
    }
  }

  private Response acceptTimed(String db, String rp, String precision, byte[] body, long[] points) {
    LineProtocol.Precision p;
    try {
      p = LineProtocol.Precision.of(precision);
    } catch (IllegalArgumentException e) {
      return error(400, e.getMessage());
    }
    long now = Math.multiplyExact(clock.millis(), 1_000_000L);
    long latest = saturatedAdd(now, maxFuture.toNanos());
    LineProtocol.Stamps parsed =
        LineProtocol.stamps(body == null ? new byte[0] : body, p, now, latest, lakeTypes.of(db));
    if (!parsed.points().isEmpty()) {
      try {
        // The body as accepted (without the lines refused here): replay and micro-batches parse
        // it again (same precision, same receive time) into exactly the points acknowledged.
        capture.accept(db, rp, p, now, parsed.accepted(), parsed.points());
        points[0] = parsed.points().size();
      } catch (ChangeLog.FullException e) {
        return error(507, e.getMessage());
      }
    }
    if (!parsed.errors().isEmpty()) {
      LineProtocol.LineError first = parsed.errors().get(0);
      return error(
          400,
          first.influxMessage()
              + " (line "
              + first.line()
              + ")"
              + (parsed.errorCount() > 1
                  ? "; " + (parsed.errorCount() - 1) + " more bad lines"
                  : "")
              + (parsed.points().isEmpty()
                  ? ""
                  : "; the other " + parsed.points().size() + " points were accepted"));
    }
    return Response.noContent().build();
  }

  private static long saturatedAdd(long a, long b) {
    long sum = a + b;
    return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
  }

  private static Response error(int status, String message) {
    return Response.status(status)
        .type(MediaType.APPLICATION_JSON)
        .entity(Map.of("error", message))
        .build();
  }
}
