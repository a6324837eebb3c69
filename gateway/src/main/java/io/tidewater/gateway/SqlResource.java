package io.tidewater.gateway;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tidewater.error.ErrorCode;
import io.tidewater.error.TidewaterException;
import io.tidewater.federation.SqlColumn;
import io.tidewater.federation.SqlEngine;
import io.tidewater.federation.SqlExplanation;
import io.tidewater.federation.SqlResult;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

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
  public record SqlRequest(String sql, String format, Long maxRows) {}

  private final SqlEngine engine;
  private final TidewaterConfig config;
  private final ObjectMapper json;

  SqlResource(SqlEngine engine, TidewaterConfig config, ObjectMapper json) {
    this.engine = engine;
    this.config = config;
    this.json = json;
  }

  @POST
  @Path("/sql")
  @Consumes(MediaType.APPLICATION_JSON)
  public Response query(SqlRequest request) {
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
    SqlResult result = engine.query(sql, limit, config.query().timeout());
    return switch (format) {
      case "ndjson" ->
          Response.ok((StreamingOutput) out -> ndjson(result, out), "application/x-ndjson").build();
      case "csv" -> Response.ok((StreamingOutput) out -> csv(result, out), "text/csv").build();
      default -> json(result);
    };
  }

  @POST
  @Path("/sql/explain")
  @Consumes(MediaType.APPLICATION_JSON)
  @Produces(MediaType.APPLICATION_JSON)
  public SqlExplanation explain(SqlRequest request) {
    return engine.explain(sqlOf(request));
  }

  @GET
  @Path("/tables")
  @Produces(MediaType.APPLICATION_JSON)
  public List<SqlEngine.TableInfo> tables() {
    return engine.tables();
  }

  private static String sqlOf(SqlRequest request) {
    if (request == null || request.sql() == null || request.sql().isBlank()) {
      throw new TidewaterException(
          ErrorCode.BAD_REQUEST, "'sql' is required: {\"sql\": \"SELECT ...\"}");
    }
    return request.sql();
  }

  /**
   * The whole answer as one JSON document; a failure on the way is still a proper error response.
   */
  private Response json(SqlResult result) {
    try (result) {
      List<Object[]> rows = new ArrayList<>();
      Object[] row;
      while ((row = result.next()) != null) {
        rows.add(jsonValues(row));
      }
      return Response.ok(
              Map.of("columns", result.columns(), "rows", rows, "rowCount", rows.size()),
              MediaType.APPLICATION_JSON)
          .build();
    }
  }

  /**
   * One JSON object per line, written as rows arrive; a failure ends the stream with an {"error":
   * ...} line.
   */
  private void ndjson(SqlResult result, OutputStream out) throws IOException {
    try (result;
        JsonGenerator g = json.getFactory().createGenerator(out)) {
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
        }
      } catch (TidewaterException e) {
        g.writeStartObject();
        g.writeObjectFieldStart("error");
        g.writeStringField("code", e.code().name());
        g.writeStringField("message", e.getMessage());
        g.writeEndObject();
        g.writeEndObject();
        g.writeRaw('\n');
      }
    }
  }

  /**
   * RFC 4180 CSV with a header, written as rows arrive. CSV has no place for an error: a failure on
   * the way aborts the response, so a client never takes a cut-off answer for a whole one.
   */
  private static void csv(SqlResult result, OutputStream out) throws IOException {
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
        }
      } catch (TidewaterException e) {
        throw new IOException(e.code() + ": " + e.getMessage(), e);
      }
    }
  }

  private static String csvField(String s) {
    if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
      return s;
    }
    return '"' + s.replace("\"", "\"\"") + '"';
  }

  private static Object[] jsonValues(Object[] row) {
    Object[] out = new Object[row.length];
    for (int i = 0; i < row.length; i++) {
      out[i] = jsonValue(row[i]);
    }
    return out;
  }

  /** Times as ISO-8601 UTC strings; other values as they are. */
  private static Object jsonValue(Object v) {
    return v instanceof Instant t ? t.toString() : v;
  }
}
