package io.tidewater.gateway;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.tidewater.error.ErrorCode;
import io.tidewater.error.TidewaterException;
import io.tidewater.federation.StopReason;
import io.tidewater.federation.StopSignal;
import io.tidewater.federation.influxql.Epoch;
import io.tidewater.federation.influxql.GoJsonEscapes;
import io.tidewater.federation.influxql.InfluxCsv;
import io.tidewater.federation.influxql.InfluxQLEngine;
import io.tidewater.federation.influxql.InfluxResults;
import io.tidewater.federation.influxql.ParseError;
import io.tidewater.federation.influxql.Statement;
import io.tidewater.gateway.auth.Callers;
import io.tidewater.gateway.auth.Principal;
import io.tidewater.lifecycle.influx.InfluxClient;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * InfluxDB 1.x's query endpoint, so Grafana's InfluxDB data source (InfluxQL), the {@code influx}
 * CLI and InfluxDB's client libraries query the whole history through the gateway unchanged: {@code
 * GET|POST /query} with {@code db}, {@code q} (statements separated by semicolons), {@code epoch},
 * {@code pretty}, {@code chunked}/{@code chunk_size}, credentials as InfluxDB takes them; answers
 * in InfluxDB's JSON, or CSV with {@code Accept: application/csv}. Each SELECT runs as federated
 * SQL through the same engine, admission and limits as {@code /v1/sql}.
 */
@Path("/query")
public class QueryResource {

  private static final int DEFAULT_CHUNK_SIZE = 10_000;

  /** An answer InfluxDB passes on up to this size is sent whole; a longer one is streamed. */
  private static final int WHOLE_ANSWER_BYTES = 256 * 1024;

  private final InfluxQLEngine engine;
  private final TidewaterConfig config;
  private final ObjectMapper json;
  private final SecurityIdentity identity;
  private final Audit audit;
  private final QueryAdmission admission;
  private final Counter passedOn;
  private final CurrentVertxRequest current;

  QueryResource(
      InfluxQLEngine engine,
      TidewaterConfig config,
      ObjectMapper json,
      SecurityIdentity identity,
      Audit audit,
      QueryAdmission admission,
      MeterRegistry metrics,
      CurrentVertxRequest current) {
    this.engine = engine;
    this.config = config;
    this.json = json;
    this.identity = identity;
    this.audit = audit;
    this.admission = admission;
    this.current = current;
    this.passedOn = passedOnCounter(metrics, "worker");
  }

  /** Statements InfluxDB alone answered, counted by the path that passed its answer on. */
  static Counter passedOnCounter(MeterRegistry metrics, String path) {
    return Counter.builder("tidewater_influxql_passed_on_total")
        .description("InfluxQL statements InfluxDB alone answered, its answer passed on as written")
        .tag("path", path)
        .register(metrics);
  }

  /** The parameters of one request, from its URL or its form body. */
  record Params(
      String q,
      String db,
      String rp,
      String epoch,
      String pretty,
      String chunked,
      String chunkSize) {}

  @GET
  public Response get(
      @QueryParam("q") String q,
      @QueryParam("db") String db,
      @QueryParam("rp") String rp,
      @QueryParam("epoch") String epoch,
      @QueryParam("pretty") String pretty,
      @QueryParam("chunked") String chunked,
      @QueryParam("chunk_size") String chunkSize,
      @HeaderParam("Accept") String accept,
      @Context HttpServerRequest http) {
    return query(new Params(q, db, rp, epoch, pretty, chunked, chunkSize), accept, http);
  }

  /** POST with the parameters in the URL, as InfluxDB's client libraries and CLI send them. */
  @POST
  public Response post(
      @QueryParam("q") String q,
      @QueryParam("db") String db,
      @QueryParam("rp") String rp,
      @QueryParam("epoch") String epoch,
      @QueryParam("pretty") String pretty,
      @QueryParam("chunked") String chunked,
      @QueryParam("chunk_size") String chunkSize,
      @HeaderParam("Accept") String accept,
      @Context HttpServerRequest http) {
    return query(new Params(q, db, rp, epoch, pretty, chunked, chunkSize), accept, http);
  }

  /** POST with a form body, as Grafana sends it in POST mode (URL parameters count too). */
  @POST
  @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
  public Response postForm(
      @FormParam("q") String q,
      @FormParam("db") String db,
      @FormParam("rp") String rp,
      @FormParam("epoch") String epoch,
      @FormParam("chunked") String chunked,
      @FormParam("chunk_size") String chunkSize,
      @QueryParam("q") String urlQ,
      @QueryParam("db") String urlDb,
      @QueryParam("rp") String urlRp,
      @QueryParam("epoch") String urlEpoch,
      @QueryParam("pretty") String urlPretty,
      @QueryParam("chunked") String urlChunked,
      @QueryParam("chunk_size") String urlChunkSize,
      @HeaderParam("Accept") String accept,
      @Context HttpServerRequest http) {
    // As Go's Request.FormValue: the body's value first, else the URL's.
    return query(
        new Params(
            either(q, urlQ),
            either(db, urlDb),
            either(rp, urlRp),
            either(epoch, urlEpoch),
            urlPretty, // InfluxDB reads pretty from the URL only
            either(chunked, urlChunked),
            either(chunkSize, urlChunkSize)),
        accept,
        http);
  }

  private static String either(String body, String url) {
    return body != null ? body : url;
  }

  private Response query(Params p, String accept, HttpServerRequest http) {
    if (p.q() == null || p.q().isBlank()) {
      return error(400, "missing required parameter \"q\"");
    }
    int max = config.query().maxSqlLength();
    if (p.q().length() > max) {
      return error(
          400,
          "the query has "
              + p.q().length()
              + " characters, more than tidewater.query.max-sql-length ("
              + max
              + ")");
    }
    Principal caller = Callers.of(identity);
    List<Statement> statements;
    try {
      statements = engine.prepare(p.q(), p.db(), caller::mayRead);
    } catch (ParseError e) {
      return error(400, "error parsing query: " + e.getMessage());
    } catch (TidewaterException e) {
      if (e.code() == ErrorCode.FORBIDDEN) {
        return error(403, "error authorizing query: " + e.getMessage());
      }
      throw e;
    }
    // As InfluxDB 1.x's handler: chunked only for "true", an unusable chunk_size means the default.
    boolean chunked = "true".equals(p.chunked());
    int chunkSize = chunked ? chunkSize(p.chunkSize()) : DEFAULT_CHUNK_SIZE;
    boolean pretty = "true".equals(p.pretty());
    boolean csv = accept != null && accept.toLowerCase(Locale.ROOT).contains("application/csv");
    Epoch epoch = Epoch.of(p.epoch());
    long started = System.nanoTime();
    StopSignal signal = new StopSignal();
    http.response().closeHandler(closed -> signal.stop(StopReason.CLIENT_GONE));
    InfluxQLEngine.Limits limits =
        InfluxQLEngine.Limits.of(
            config.query().timeout(), config.query().maxRows(), caller::mayRead, signal);
    RoutingContext route = current.getCurrent();
    if (route != null && route.get(QueryPassThroughRoute.DEADLINE) instanceof Long deadline) {
      // Handed on by the event-loop route: its deadline stands (a late hand-on times out at once).
      limits =
          new InfluxQLEngine.Limits(
              deadline,
              new AtomicLong(limits.maxRows()),
              limits.maxRows(),
              limits.access(),
              signal);
    }
    // Handed on at its deadline: deciding whether InfluxDB answers alone may wait for InfluxDB's
    // metadata, so the statements go straight to their time-out.
    Optional<Statement.Select> alone =
        limits.expired() ? Optional.empty() : engine.soleInfluxSelect(statements, p.db(), p.rp());
    if (alone.isPresent()) {
      Response passed = passThrough(alone.get(), p, csv, caller, limits, http, started);
      if (passed != null) {
        return passed;
      }
    }
    List<InfluxResults.Result> results = new ArrayList<>();
    String outcome = "ok";
    try (QueryAdmission.Permit permit = admission.admit()) {
      for (int i = 0; i < statements.size(); i++) {
        InfluxResults.Result r = engine.execute(i, statements.get(i), p.db(), p.rp(), limits);
        if (r.error() != null) {
          outcome = "failed";
        }
        results.add(r);
      }
    } catch (TidewaterException e) {
      outcome = e.code().name();
      if (e.code() == ErrorCode.FORBIDDEN) {
        return error(403, "error authorizing query: " + e.getMessage());
      }
      if (e.code() == ErrorCode.TOO_BUSY) {
        return errorResponse(429, e.getMessage()).header("Retry-After", "1").build();
      }
      throw e;
    } finally {
      audit.record(
          caller,
          "influxql",
          p.q().length() > 500 ? p.q().substring(0, 500) + "..." : p.q(),
          results.size(),
          Duration.ofNanos(System.nanoTime() - started),
          outcome);
    }
    int size = chunkSize;
    if (csv) {
      return versioned(
              Response.ok(
                  (StreamingOutput) out -> writeCsv(results, epoch, out), "application/csv"))
          .build();
    }
    return versioned(
            Response.ok(
                (StreamingOutput) out -> writeJson(results, epoch, chunked, size, pretty, out),
                MediaType.APPLICATION_JSON))
        .build();
  }

  /**
   * The answer to a lone statement InfluxDB alone holds, as InfluxDB writes it: asked with the
   * client's answer options, its bytes streamed on without being decoded and written again (the
   * gateway's own cost on a small hot panel was mostly that). Null when InfluxDB does not answer
   * 200 (unreachable, refusing the gateway's credentials): the statement then runs the usual way,
   * which reports that as the statement's error. The copy stops at the deadline or when the client
   * leaves, cutting the answer short as InfluxDB does when its own query timeout falls mid-answer.
   */
  private Response passThrough(
      Statement.Select select,
      Params p,
      boolean csv,
      Principal caller,
      InfluxQLEngine.Limits limits,
      HttpServerRequest http,
      long started) {
    String text = p.q().length() > 500 ? p.q().substring(0, 500) + "..." : p.q();
    QueryAdmission.Permit permit;
    try {
      permit = admission.admit();
    } catch (TidewaterException e) {
      audit.record(
          caller, "influxql", text, 0, Duration.ofNanos(System.nanoTime() - started), "TOO_BUSY");
      return errorResponse(429, e.getMessage()).header("Retry-After", "1").build();
    }
    InfluxClient.Forwarded answer;
    try {
      Map<String, String> options = new HashMap<>();
      putIfSet(options, "epoch", p.epoch());
      putIfSet(options, "pretty", p.pretty());
      putIfSet(options, "chunked", p.chunked());
      putIfSet(options, "chunk_size", p.chunkSize());
      answer =
          engine.forward(
              select,
              p.db(),
              p.rp(),
              options,
              csv ? "application/csv" : MediaType.APPLICATION_JSON,
              limits);
    } catch (RuntimeException e) {
      permit.close();
      return null;
    }
    if (answer.status() != 200) {
      answer.close();
      permit.close();
      return null;
    }
    passedOn.increment();
    http.response()
        .closeHandler(
            closed -> {
              limits.signal().stop(StopReason.CLIENT_GONE);
              answer.close(); // unblocks a copy waiting on InfluxDB
              permit.close(); // also if the copy never began
            });
    byte[] head;
    try {
      // A whole small answer in one write with its length: handing a stream's pieces to the event
      // loop one by one cost more than InfluxDB's own work on a small hot panel.
      head = answer.body().readNBytes(WHOLE_ANSWER_BYTES);
    } catch (IOException | RuntimeException e) {
      answer.close();
      permit.close();
      return null;
    }
    if (head.length < WHOLE_ANSWER_BYTES) {
      answer.close();
      permit.close();
      audit.record(
          caller, "influxql", text, 1, Duration.ofNanos(System.nanoTime() - started), "ok");
      return versioned(Response.ok(head, answer.contentType())).build();
    }
    StreamingOutput copy =
        out -> {
          String outcome = "failed";
          try (answer;
              permit) {
            out.write(head);
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = answer.body().read(buffer, 0, buffer.length)) >= 0; ) {
              limits.remaining(); // QUERY_TIMEOUT past the deadline
              StopReason stopped = limits.signal().reason();
              if (stopped != null) {
                throw stopped.error(0);
              }
              out.write(buffer, 0, n);
            }
            outcome = "ok";
          } catch (TidewaterException e) {
            outcome = e.code().name();
            throw new IOException(e.getMessage(), e);
          } finally {
            audit.record(
                caller,
                "influxql",
                text,
                1,
                Duration.ofNanos(System.nanoTime() - started),
                outcome);
          }
        };
    return versioned(Response.ok(copy, answer.contentType())).build();
  }

  /** InfluxDB's reading of {@code chunk_size}: a positive integer, else the default. */
  private static int chunkSize(String text) {
    try {
      long n = Long.parseLong(text == null ? "" : text);
      return n > 0 && n <= Integer.MAX_VALUE ? (int) n : DEFAULT_CHUNK_SIZE;
    } catch (NumberFormatException e) {
      return DEFAULT_CHUNK_SIZE;
    }
  }

  private static void putIfSet(Map<String, String> options, String key, String value) {
    if (value != null) {
      options.put(key, value);
    }
  }

  /** InfluxDB names its version and build on every answer; clients such as the CLI show them. */
  private static Response.ResponseBuilder versioned(Response.ResponseBuilder r) {
    return r.header("X-Influxdb-Version", PingResource.API_VERSION)
        .header("X-Influxdb-Build", PingResource.BUILD);
  }

  private void writeJson(
      List<InfluxResults.Result> results,
      Epoch epoch,
      boolean chunked,
      int chunkSize,
      boolean pretty,
      OutputStream out)
      throws IOException {
    try (JsonGenerator g = json.getFactory().createGenerator(out)) {
      g.setCharacterEscapes(GoJsonEscapes.INSTANCE);
      if (pretty) {
        // Go's json.MarshalIndent with four spaces, as InfluxDB's pretty=true.
        DefaultIndenter four = new DefaultIndenter("    ", "\n");
        g.setPrettyPrinter(
            new DefaultPrettyPrinter()
                .withObjectIndenter(four)
                .withArrayIndenter(four)
                .withSeparators(
                    Separators.createDefaultInstance()
                        .withObjectFieldValueSpacing(Separators.Spacing.AFTER)));
      }
      g.setRootValueSeparator(null);
      if (!chunked) {
        InfluxResults.write(g, results, epoch);
        g.flush();
        out.write('\n'); // as Go's json.Encoder ends a value
        return;
      }
      for (InfluxResults.Result r : results) {
        for (InfluxResults.Result part : InfluxResults.chunks(r, chunkSize)) {
          InfluxResults.write(g, List.of(part), epoch);
          g.flush();
          out.write('\n');
        }
      }
    }
  }

  private static void writeCsv(List<InfluxResults.Result> results, Epoch epoch, OutputStream out)
      throws IOException {
    try (Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8)) {
      InfluxCsv csv = new InfluxCsv(w, epoch);
      for (InfluxResults.Result r : results) {
        csv.write(r);
      }
    }
  }

  /** An error as InfluxDB answers one: {@code {"error": "..."}} and the X-Influxdb-Error header. */
  private Response error(int status, String message) {
    return errorResponse(status, message).build();
  }

  private Response.ResponseBuilder errorResponse(int status, String message) {
    StringWriter body = new StringWriter();
    try (JsonGenerator g = json.getFactory().createGenerator(body)) {
      g.setCharacterEscapes(GoJsonEscapes.INSTANCE);
      g.writeStartObject();
      g.writeStringField("error", message);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return versioned(Response.status(status))
        .header("X-Influxdb-Error", message.replace('\n', ' '))
        .entity(body + "\n")
        .type(MediaType.APPLICATION_JSON);
  }
}
