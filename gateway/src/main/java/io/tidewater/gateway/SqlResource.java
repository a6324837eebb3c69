package io.tidewater.gateway;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.security.identity.SecurityIdentity;
import io.tidewater.error.ErrorCode;
import io.tidewater.error.TidewaterException;
import io.tidewater.federation.SqlColumn;
import io.tidewater.federation.SqlEngine;
import io.tidewater.federation.SqlExplanation;
import io.tidewater.federation.SqlResult;
import io.tidewater.federation.StopReason;
import io.tidewater.federation.StopSignal;
import io.tidewater.gateway.auth.Callers;
import io.tidewater.gateway.auth.Principal;
import io.tidewater.util.InstantText;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Federated SQL over HTTP: {@code POST /v1/sql} answers as JSON (whole, within the row limit), or
 * streams NDJSON or CSV as rows are produced; {@code POST /v1/sql/explain} shows each part's place,
 * range and pushed-down query; {@code GET /v1/tables} lists what SQL can name.
 */
@Path("/v1")
public class SqlResource {

  /**
   * The body of a query: the SQL, the answer's format (json, ndjson, csv) and an optional row
   * limit.
   */
  public record SqlRequest(String sql, String format, Long maxRows, List<Object> params) {

    /**
     * The values of the statement's {@code ?} parameters, in order (none if not given): numbers,
     * strings, booleans or null, at most {@value #MAX_PARAMS}.
     */
    List<Object> parameters() {
      if (params == null) {
        return List.of();
      }
      if (params.size() > MAX_PARAMS) {
        throw new TidewaterException(
            ErrorCode.BAD_REQUEST, "at most " + MAX_PARAMS + " 'params' may be given");
      }
      for (Object p : params) {
        if (p != null && !(p instanceof Number || p instanceof String || p instanceof Boolean)) {
          throw new TidewaterException(
              ErrorCode.BAD_REQUEST,
              "each of 'params' is a number, a string, a boolean or null, not " + p);
        }
      }
      return params;
    }

    static final int MAX_PARAMS = 1000;
  }

  /**
   * Writes answers, doubles in their shortest form by Schubfach's algorithm (JDK 17's
   * Double.toString took half the time of writing a 180-row answer's values).
   */
  private static final JsonFactory ANSWERS =
      JsonFactory.builder().enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER).build();

  private final SqlEngine engine;
  private final TidewaterConfig config;
  private final ObjectMapper json;
  private final SecurityIdentity identity;
  private final Audit audit;
  private final QueryAdmission admission;

  SqlResource(
      SqlEngine engine,
      TidewaterConfig config,
      ObjectMapper json,
      SecurityIdentity identity,
      Audit audit,
      QueryAdmission admission) {
    this.engine = engine;
    this.config = config;
    this.json = json;
    this.identity = identity;
    this.audit = audit;
    this.admission = admission;
  }

  @POST
  @Path("/sql")
  @Consumes(MediaType.APPLICATION_JSON)
  public Response query(SqlRequest request, @Context HttpServerRequest http) {
    String sql = sqlOf(request);
    String format = request.format() == null ? "json" : request.format().toLowerCase(Locale.ROOT);
    long limit = config.query().maxRows();
    if (request.maxRows() != null) {
      if (request.maxRows() < 0) {
        throw new TidewaterException(ErrorCode.BAD_REQUEST, "'maxRows' must not be negative");
      }
      limit = Math.min(limit, request.maxRows());
    }
    if (!List.of("json", "ndjson", "csv").contains(format)) {
      throw new TidewaterException(
          ErrorCode.BAD_REQUEST,
          "'format' must be json, ndjson or csv, not '" + request.format() + "'");
    }
    Principal caller = Callers.of(identity);
    long started = System.nanoTime();
    QueryAdmission.Permit permit = admission.admit();
    // A client that goes away stops its statement, wherever it is in its work.
    StopSignal signal = new StopSignal();
    http.response().closeHandler(closed -> signal.stop(StopReason.CLIENT_GONE));
    SqlResult result;
    try {
      result =
          engine.query(
              sql, request.parameters(), limit, config.query().timeout(), caller::mayRead, signal);
    } catch (TidewaterException e) {
      permit.close();
      audit.record(
          caller,
          "sql",
          sql.length() > 500 ? sql.substring(0, 500) + "..." : sql,
          0,
          Duration.ofNanos(System.nanoTime() - started),
          e.code().name());
      throw e;
    } catch (RuntimeException e) {
      permit.close();
      throw e;
    }
    // The turn ends and the audit line is written when the last row is out (or the answer
    // failed), streamed or not.
    Consumer<long[]> done =
        rows -> {
          permit.close();
          audit.record(
              caller,
              "sql",
              result.tables(),
              rows[0],
              Duration.ofNanos(System.nanoTime() - started),
              rows[1] == 0 ? "ok" : "failed");
        };
    return switch (format) {
      case "ndjson" ->
          Response.ok((StreamingOutput) out -> ndjson(result, out, done), "application/x-ndjson")
              .build();
      case "csv" ->
          Response.ok((StreamingOutput) out -> csv(result, out, done), "text/csv").build();
      default -> json(result, done);
    };
  }

  @POST
  @Path("/sql/explain")
  @Consumes(MediaType.APPLICATION_JSON)
  @Produces(MediaType.APPLICATION_JSON)
  public SqlExplanation explain(SqlRequest request) {
    String sql = sqlOf(request);
    try (QueryAdmission.Permit permit = admission.admit()) {
      return engine.explain(sql, Callers.of(identity)::mayRead);
    }
  }

  @GET
  @Path("/tables")
  @Produces(MediaType.APPLICATION_JSON)
  public List<SqlEngine.TableInfo> tables() {
    return engine.tables(Callers.of(identity)::mayRead);
  }

  private String sqlOf(SqlRequest request) {
    if (request == null || request.sql() == null || request.sql().isBlank()) {
      throw new TidewaterException(
          ErrorCode.BAD_REQUEST, "'sql' is required: {\"sql\": \"SELECT ...\"}");
    }
    int max = config.query().maxSqlLength();
    if (request.sql().length() > max) {
      throw new TidewaterException(
          ErrorCode.BAD_REQUEST,
          "the SQL text has "
              + request.sql().length()
              + " characters, more than tidewater.query.max-sql-length ("
              + max
              + ")");
    }
    return request.sql();
  }

  /**
   * The whole answer as one JSON document; a failure on the way is still a proper error response.
   * Written with Jackson's generator as rows come (a map of records handed to RESTEasy's writer
   * cost a tenth of a short query's time in the gateway).
   */
  private Response json(SqlResult result, Consumer<long[]> done) {
    long[] counts = {0, 1};
    try (result) {
      ByteArrayOutputStream body = new ByteArrayOutputStream(512);
      try (JsonGenerator g = ANSWERS.createGenerator(body)) {
        g.writeStartObject();
        g.writeArrayFieldStart("columns");
        for (SqlColumn c : result.columns()) {
          g.writeStartObject();
          g.writeStringField("name", c.name());
          g.writeStringField("type", c.type());
          g.writeEndObject();
        }
        g.writeEndArray();
        g.writeArrayFieldStart("rows");
        Object[] row;
        while ((row = result.next()) != null) {
          result.keep(row); // the whole answer is held until written: within the memory budget
          g.writeStartArray();
          for (Object v : row) {
            writeValue(g, v);
          }
          g.writeEndArray();
          counts[0]++;
        }
        g.writeEndArray();
        g.writeNumberField("rowCount", counts[0]);
        g.writeEndObject();
      }
      counts[1] = 0;
      return Response.ok(body.toByteArray(), MediaType.APPLICATION_JSON).build();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      done.accept(counts);
    }
  }

  /** A value as {@link #jsonValue} gives it, the common kinds without a serializer lookup. */
  private void writeValue(JsonGenerator g, Object v) throws IOException {
    if (v == null) {
      g.writeNull();
    } else if (v instanceof String str) {
      g.writeString(str);
    } else if (v instanceof Double d) {
      g.writeNumber(d);
    } else if (v instanceof Long l) {
      g.writeNumber(l);
    } else if (v instanceof Instant t) {
      g.writeString(InstantText.iso(t));
    } else if (v instanceof Boolean b) {
      g.writeBoolean(b);
    } else {
      json.writeValue(g, v);
    }
  }

  /**
   * One JSON object per line, written as rows arrive; a failure ends the stream with an {"error":
   * ...} line.
   */
  private void ndjson(SqlResult result, OutputStream out, Consumer<long[]> done)
      throws IOException {
    long[] counts = {0, 1};
    try (result;
        JsonGenerator g = ANSWERS.createGenerator(out)) {
      g.setRootValueSeparator(null);
      List<SqlColumn> columns = result.columns();
      try {
        Object[] row;
        while ((row = result.next()) != null) {
          g.writeStartObject();
          for (int i = 0; i < columns.size(); i++) {
            g.writeFieldName(columns.get(i).name());
            json.writeValue(g, jsonValue(row[i]));
          }
          g.writeEndObject();
          g.writeRaw('\n');
          counts[0]++;
        }
        counts[1] = 0;
      } catch (TidewaterException e) {
        g.writeStartObject();
        g.writeObjectFieldStart("error");
        g.writeStringField("code", e.code().name());
        g.writeStringField("message", e.getMessage());
        g.writeEndObject();
        g.writeEndObject();
        g.writeRaw('\n');
      }
    } finally {
      done.accept(counts);
    }
  }

  /**
   * RFC 4180 CSV with a header, written as rows arrive. CSV has no place for an error: a failure on
   * the way aborts the response, so a client never takes a cut-off answer for a whole one.
   */
  private static void csv(SqlResult result, OutputStream out, Consumer<long[]> done)
      throws IOException {
    long[] counts = {0, 1};
    try (result;
        Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8)) {
      List<SqlColumn> columns = result.columns();
      for (int i = 0; i < columns.size(); i++) {
        w.write((i > 0 ? "," : "") + csvField(columns.get(i).name()));
      }
      w.write("\r\n");
      try {
        Object[] row;
        while ((row = result.next()) != null) {
          for (int i = 0; i < row.length; i++) {
            if (i > 0) {
              w.write(',');
            }
            Object v = jsonValue(row[i]);
            w.write(v == null ? "" : csvField(v.toString()));
          }
          w.write("\r\n");
          counts[0]++;
        }
        counts[1] = 0;
      } catch (TidewaterException e) {
        throw new IOException(e.code() + ": " + e.getMessage(), e);
      }
    } finally {
      done.accept(counts);
    }
  }

  private static String csvField(String s) {
    if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
      return s;
    }
    return '"' + s.replace("\"", "\"\"") + '"';
  }

  /** Times as ISO-8601 UTC strings; other values as they are. */
  private static Object jsonValue(Object v) {
    return v instanceof Instant t ? InstantText.iso(t) : v;
  }
}
