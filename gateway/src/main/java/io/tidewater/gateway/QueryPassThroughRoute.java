package io.tidewater.gateway;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.multipart.HttpPostRequestDecoder.ErrorDataDecoderException;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.smallrye.mutiny.Uni;
import io.tidewater.federation.FederationCatalog;
import io.tidewater.federation.influxql.InfluxQLEngine;
import io.tidewater.federation.influxql.Statement;
import io.tidewater.gateway.auth.Principal;
import io.tidewater.lifecycle.influx.InfluxClient;
import io.vertx.core.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code /query} for its commonest request, a dashboard's lone SELECT over the days InfluxDB holds
 * alone: answered on the HTTP event loop, InfluxDB's answer piped through as it comes, with no
 * worker thread and no blocking client between (on a busy machine each thread hand-off of the usual
 * path costs a wake-up). It decides only from what it can know without waiting: a request it cannot
 * decide so (a form not yet parsed, metadata not remembered, no free turn, anything but a lone hot
 * SELECT, an InfluxDB over HTTPS or one that does not answer 200, an HTTP/2 request) goes on to
 * {@link QueryResource}, which answers everything. Authentication and path permissions have run
 * before (Quarkus's own route handlers come first); statement authorization, the turn, the
 * deadline, the client's hang-up and the audit line apply here as there.
 */
@Singleton
class QueryPassThroughRoute {

  /**
   * The routing context's key for the request's deadline ({@link System#nanoTime}), set when this
   * route takes a request: a request handed on keeps it rather than starting a new timeout.
   */
  static final String DEADLINE = "tidewater.query.deadline";

  private final InfluxQLEngine engine;
  private final TidewaterConfig config;
  private final QueryAdmission admission;
  private final Audit audit;
  private final Counter passedOn;
  private final InfluxClient influx;
  private final Vertx vertx;

  /**
   * One client per event-loop thread: a pool's keep-alive connections are bound to the event loop
   * that opened them and handed to requests from any loop, so a shared client had InfluxDB's answer
   * read on one loop and written to the caller on another, two thread hand-offs per request (a
   * quarter of the gateway's CPU per passed-on request, measured on a held dashboard benchmark). A
   * client used from one loop only opens its connections on that loop. Keyed by the loop's thread
   * (a fixed set); any other thread, which this route does not run on, would share one.
   */
  private final Map<Object, HttpClient> clients = new ConcurrentHashMap<>();

  QueryPassThroughRoute(
      InfluxQLEngine engine,
      TidewaterConfig config,
      QueryAdmission admission,
      Audit audit,
      MeterRegistry metrics,
      InfluxClient influx,
      Vertx vertx) {
    this.engine = engine;
    this.config = config;
    this.admission = admission;
    this.audit = audit;
    this.influx = influx;
    this.vertx = vertx;
    this.passedOn = QueryResource.passedOnCounter(metrics, "event_loop");
  }

  void register(@Observes Router router) {
    if (!"http".equalsIgnoreCase(influx.connection().url().getScheme())) {
      return; // an HTTPS InfluxDB is reached through the JVM's trust store, by the usual path
    }
    router.route("/query").order(RouteConstants.ROUTE_ORDER_BEFORE_DEFAULT).handler(this::handle);
  }

  private void handle(RoutingContext rc) {
    HttpServerRequest req = rc.request();
    if (req.version() == HttpVersion.HTTP_2) {
      // Quarkus REST pauses the request it takes over, which HTTP/2 refuses once it was read (a
      // JDK client's h2c upgrade got a 500): such requests take the usual path from the start.
      rc.next();
      return;
    }
    if (req.method() == HttpMethod.GET) {
      decide(rc, req.params(), null);
      return;
    }
    String type = req.getHeader(HttpHeaders.CONTENT_TYPE);
    if (req.method() != HttpMethod.POST
        || req.isEnded()
        || type == null
        || !type.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
      rc.next();
      return;
    }
    if ("100-continue".equalsIgnoreCase(req.getHeader(HttpHeaders.EXPECT))) {
      rc.response().writeContinue(); // as Quarkus REST would before reading the body
    }
    long length = SqlBodyRoute.declaredLength(req); // -1 for a compressed body: Vert.x's limits
    if (length >= 0 && length <= SMALL_FORM_BYTES) {
      readSmallForm(rc, req);
      return;
    }
    // Parsed by Vert.x; QueryResource reads the same parsed form if this route passes it on.
    req.setExpectMultipart(true);
    req.resume(); // authentication paused it
    req.end()
        .onComplete(
            ended -> {
              if (ended.failed()) {
                if (ended.cause() instanceof ErrorDataDecoderException && !rc.response().ended()) {
                  // A field past quarkus.http.limits.max-form-attribute-size: the client's error.
                  rc.response()
                      .setStatusCode(413)
                      .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                      .putHeader("X-Influxdb-Version", PingResource.API_VERSION)
                      .putHeader("X-Influxdb-Build", PingResource.BUILD)
                      .end(
                          "{\"error\":\"a form field is larger than"
                              + " quarkus.http.limits.max-form-attribute-size allows\"}");
                } else {
                  rc.fail(ended.cause());
                }
                return;
              }
              if (req.formAttributes().isEmpty()) {
                // An empty form: QueryResource would wait for a body already read unless it
                // finds a parsed form, which an empty one does not count as.
                req.formAttributes().add("", "");
              }
              decide(rc, req.params(), req.formAttributes());
            });
  }

  /**
   * A form of a declared length up to this (a dashboard's statement and its parameters) is read
   * whole and decoded here: Netty's form decoder, which Vert.x uses, throws an exception to say
   * that a form has ended, a twentieth of the gateway's CPU per passed-on request. A longer form,
   * one of unknown length or a compressed one (whose declared length says nothing of what it
   * decompresses to) is Vert.x's to decode (it bounds each field by {@code
   * quarkus.http.limits.max-form-attribute-size}, which this one cannot exceed).
   */
  static final int SMALL_FORM_BYTES = 64 * 1024;

  /**
   * Reads a form of at most {@link #SMALL_FORM_BYTES} into the request's form attributes, where
   * QueryResource finds it if this route passes the request on, then decides.
   */
  private void readSmallForm(RoutingContext rc, HttpServerRequest req) {
    req.body()
        .onComplete(
            read -> {
              if (read.failed()) {
                rc.fail(read.cause());
                return;
              }
              MultiMap form = req.formAttributes();
              try {
                new QueryStringDecoder(
                        read.result().toString(StandardCharsets.UTF_8),
                        StandardCharsets.UTF_8,
                        false,
                        1024,
                        true) // ';' separates InfluxQL statements, not fields
                    .parameters()
                    .forEach(form::add);
              } catch (IllegalArgumentException malformed) { // a broken %-escape
                if (!rc.response().ended()) {
                  rc.response()
                      .setStatusCode(400)
                      .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                      .putHeader("X-Influxdb-Version", PingResource.API_VERSION)
                      .putHeader("X-Influxdb-Build", PingResource.BUILD)
                      .end("{\"error\":\"the form body is not URL-encoded\"}");
                }
                return;
              }
              if (form.isEmpty()) {
                form.add("", ""); // as below: an empty form must still count as read
              }
              decide(rc, req.params(), form);
            });
    req.resume(); // authentication paused it
  }

  /** Passes the request on to InfluxDB if it can tell now that this may be done; else next. */
  private void decide(RoutingContext rc, MultiMap url, MultiMap form) {
    String q = value("q", url, form);
    String db = value("db", url, form);
    String rp = value("rp", url, form);
    if (q == null || q.isBlank() || q.length() > config.query().maxSqlLength()) {
      rc.next(); // errors are QueryResource's to word
      return;
    }
    Principal caller = caller(rc);
    if (caller == null) {
      rc.next();
      return;
    }
    Optional<Statement.Select> alone;
    try {
      List<Statement> statements = engine.prepare(q, db, caller::mayRead);
      alone = FederationCatalog.withoutLoading(() -> engine.soleInfluxSelect(statements, db, rp));
    } catch (RuntimeException undecided) { // parse errors, refusals, metadata not remembered
      rc.next();
      return;
    }
    if (alone.isEmpty()) {
      rc.next();
      return;
    }
    Optional<QueryAdmission.Permit> permit = admission.tryAdmit();
    if (permit.isEmpty()) {
      rc.next();
      return;
    }
    Map<String, String> options = new HashMap<>();
    for (String key : List.of("epoch", "chunked", "chunk_size")) {
      String v = value(key, url, form);
      if (v != null) {
        options.put(key, v);
      }
    }
    String pretty = url.get("pretty"); // InfluxDB reads pretty from the URL only
    if (pretty != null) {
      options.put("pretty", pretty);
    }
    String accept = rc.request().getHeader(HttpHeaders.ACCEPT);
    boolean csv = accept != null && accept.toLowerCase(Locale.ROOT).contains("application/csv");
    new Exchange(rc, caller, q, permit.get())
        .start(
            InfluxClient.forwardPath(options),
            InfluxClient.forwardForm(
                db == null ? "" : db,
                rp == null || rp.isEmpty() ? Optional.empty() : Optional.of(rp),
                alone.get().text()),
            csv ? "application/csv" : "application/json");
  }

  /** As Go's Request.FormValue: the body's value first, else the URL's. */
  private static String value(String key, MultiMap url, MultiMap form) {
    String v = form == null ? null : form.get(key);
    return v != null ? v : url.get(key);
  }

  /** The request's principal, known at once under proactive authentication; else null. */
  private static Principal caller(RoutingContext rc) {
    SecurityIdentity identity = null;
    if (rc.user() instanceof QuarkusHttpUser user) {
      identity = user.getSecurityIdentity();
    } else if (rc.get(QuarkusHttpUser.DEFERRED_IDENTITY_KEY) instanceof Uni<?> deferred) {
      AtomicReference<Object> known = new AtomicReference<>();
      deferred.subscribe().with(known::set, failure -> {}); // resolved already, or not waited for
      identity = known.get() instanceof SecurityIdentity i ? i : null;
    }
    return identity == null ? null : identity.getAttribute(Principal.class.getName());
  }

  /** This event loop's client to InfluxDB. */
  private HttpClient client() {
    return clients.computeIfAbsent(
        Context.isOnEventLoopThread() ? Thread.currentThread() : "shared",
        loop -> {
          URI url = influx.connection().url();
          return vertx.createHttpClient(
              new HttpClientOptions()
                  .setDefaultHost(url.getHost())
                  .setDefaultPort(url.getPort() > 0 ? url.getPort() : 80)
                  .setKeepAlive(true)
                  .setMaxPoolSize(64));
        });
  }

  /** One request passed on: InfluxDB's answer piped to the client, or the request handed on. */
  private final class Exchange {
    private final RoutingContext rc;
    private final Principal caller;
    private final String text;
    private final QueryAdmission.Permit permit;
    private final long started = System.nanoTime();
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile HttpClientRequest request;
    private volatile boolean answering;
    private long timer = -1;

    Exchange(RoutingContext rc, Principal caller, String q, QueryAdmission.Permit permit) {
      this.rc = rc;
      this.caller = caller;
      this.text = q.length() > 500 ? q.substring(0, 500) + "..." : q;
      this.permit = permit;
    }

    void start(String path, String form, String accept) {
      HttpClient influxDb = client();
      HttpServerResponse out = rc.response();
      if (out.closed()) { // a close handler set now would never be called
        end("CLIENT_GONE");
        return;
      }
      out.closeHandler(gone -> end("CLIENT_GONE"));
      long limit = config.query().timeout().toNanos();
      // The usual path keeps this request's deadline if it gets the request.
      rc.put(DEADLINE, started + limit);
      // Past the deadline an answer under way is cut short, as InfluxDB cuts its own; one not
      // begun is handed on, where the deadline has passed: QueryResource words the timeout.
      timer =
          vertx.setTimer(
              Math.max(1, limit / 1_000_000),
              t -> {
                if (answering) {
                  end("QUERY_TIMEOUT");
                } else {
                  HttpClientRequest r = request;
                  if (r != null) {
                    r.reset();
                  }
                  handOn();
                }
              });
      RequestOptions options =
          new RequestOptions()
              .setMethod(HttpMethod.POST)
              .setURI(path)
              .setIdleTimeout(influx.connection().silence().toMillis())
              .putHeader(HttpHeaders.CONTENT_TYPE, "application/x-www-form-urlencoded")
              .putHeader(HttpHeaders.ACCEPT, accept);
      influx.authorizationHeader().ifPresent(a -> options.putHeader(HttpHeaders.AUTHORIZATION, a));
      influxDb
          .request(options)
          .onFailure(e -> handOn())
          .onSuccess(
              r -> {
                if (ended.get()) { // the deadline or a hang-up came while connecting
                  r.reset();
                  return;
                }
                request = r;
                r.response().onSuccess(this::answered).onFailure(e -> handOn());
                r.end(form);
              });
    }

    private void answered(HttpClientResponse answer) {
      if (answer.statusCode() != 200 || ended.get()) {
        answer.request().reset();
        handOn();
        return;
      }
      answering = true;
      passedOn.increment();
      HttpServerResponse out = rc.response();
      String type = answer.getHeader(HttpHeaders.CONTENT_TYPE);
      out.putHeader(HttpHeaders.CONTENT_TYPE, type == null ? "application/json" : type)
          .putHeader("X-Influxdb-Version", PingResource.API_VERSION)
          .putHeader("X-Influxdb-Build", PingResource.BUILD);
      String length = answer.getHeader(HttpHeaders.CONTENT_LENGTH);
      if (length != null) {
        out.putHeader(HttpHeaders.CONTENT_LENGTH, length);
      } else {
        out.setChunked(true);
      }
      // Piped by hand: Vert.x's Pipe asks a closed answer whether its queue is full, which throws.
      answer.handler(
          chunk -> {
            if (out.closed()) {
              end("CLIENT_GONE");
            }
            if (ended.get()) {
              return;
            }
            out.write(chunk);
            if (out.writeQueueFull()) {
              answer.pause();
              out.drainHandler(drained -> answer.resume());
            }
          });
      answer.exceptionHandler(failure -> end("failed"));
      answer.endHandler(
          done -> {
            if (out.closed()) {
              end("CLIENT_GONE");
            } else if (!ended.get()) {
              out.end();
              end("ok");
            }
          });
    }

    /** InfluxDB did not answer 200, or could not be asked: the usual path answers. */
    private void handOn() {
      if (ended.compareAndSet(false, true)) {
        vertx.cancelTimer(timer);
        permit.close();
        rc.next();
      }
    }

    /** The answer is written, cut short (deadline, hang-up) or failed: the turn is given back. */
    private void end(String outcome) {
      if (ended.compareAndSet(false, true)) {
        vertx.cancelTimer(timer);
        permit.close();
        HttpClientRequest r = request;
        if (!"ok".equals(outcome) && r != null) {
          r.reset(); // InfluxDB stops; the client's answer is cut, as InfluxDB cuts its own
          rc.response().reset();
        }
        audit.record(
            caller, "influxql", text, 1, Duration.ofNanos(System.nanoTime() - started), outcome);
      }
    }
  }
}
