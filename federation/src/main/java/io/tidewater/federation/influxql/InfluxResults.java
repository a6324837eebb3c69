package io.tidewater.federation.influxql;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.math.BigInteger;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * InfluxDB 1.x's answer to {@code /query}: one result per statement, each with its series or its
 * error, written exactly as InfluxDB writes them (its {@code Result} and {@code models.Row} with
 * their {@code omitempty} fields, tags in key order, floats as Go writes them, times per {@link
 * Epoch}).
 */
public final class InfluxResults {

  private InfluxResults() {}

  /**
   * One series of a statement's answer: its measurement, its group's tags, its columns and rows.
   * Times in values are {@link Instant}s, written per the request's epoch, or {@link
   * ZonedDateTime}s where a statement's {@code tz()} gives times in its zone.
   */
  public record Series(
      String name,
      SortedMap<String, String> tags,
      List<String> columns,
      List<List<Object>> values,
      boolean partial) {}

  /** One statement's answer: its series, or the error it failed with. */
  public record Result(int statementId, List<Series> series, boolean partial, String error) {

    public static Result of(int statementId, List<Series> series) {
      return new Result(statementId, series, false, null);
    }

    public static Result failed(int statementId, String error) {
      return new Result(statementId, List.of(), false, error);
    }
  }

  /**
   * A result as a chunked answer sends it (InfluxDB's {@code chunked=true}): one part per series,
   * each series cut into parts of at most {@code size} rows; every part but the last of a series is
   * {@code partial}, and every part but the statement's last is too.
   */
  public static List<Result> chunks(Result r, int size) {
    if (r.error() != null || r.series().isEmpty()) {
      return List.of(r);
    }
    List<Result> parts = new ArrayList<>();
    for (Series s : r.series()) {
      List<List<Object>> values = s.values();
      for (int from = 0; from < Math.max(1, values.size()); from += size) {
        int to = Math.min(values.size(), from + size);
        parts.add(
            new Result(
                r.statementId(),
                List.of(
                    new Series(
                        s.name(),
                        s.tags(),
                        s.columns(),
                        values.subList(from, to),
                        to < values.size())),
                true,
                null));
      }
    }
    Result last = parts.get(parts.size() - 1);
    parts.set(parts.size() - 1, new Result(last.statementId(), last.series(), false, null));
    return parts;
  }

  /** {@code {"results": [...]}}. */
  public static void write(JsonGenerator g, List<Result> results, Epoch epoch) throws IOException {
    g.writeStartObject();
    g.writeArrayFieldStart("results");
    for (Result r : results) {
      write(g, r, epoch);
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  /** One result object, as a chunked answer writes each of its parts. */
  public static void write(JsonGenerator g, Result r, Epoch epoch) throws IOException {
    g.writeStartObject();
    g.writeNumberField("statement_id", r.statementId());
    if (!r.series().isEmpty()) {
      g.writeArrayFieldStart("series");
      for (Series s : r.series()) {
        write(g, s, epoch);
      }
      g.writeEndArray();
    }
    if (r.partial()) {
      g.writeBooleanField("partial", true);
    }
    if (r.error() != null && !r.error().isEmpty()) {
      g.writeStringField("error", r.error());
    }
    g.writeEndObject();
  }

  private static void write(JsonGenerator g, Series s, Epoch epoch) throws IOException {
    g.writeStartObject();
    if (s.name() != null && !s.name().isEmpty()) {
      g.writeStringField("name", s.name());
    }
    if (s.tags() != null && !s.tags().isEmpty()) {
      g.writeObjectFieldStart("tags");
      for (Map.Entry<String, String> t : s.tags().entrySet()) {
        g.writeStringField(t.getKey(), t.getValue());
      }
      g.writeEndObject();
    }
    if (!s.columns().isEmpty()) {
      g.writeArrayFieldStart("columns");
      for (String c : s.columns()) {
        g.writeString(c);
      }
      g.writeEndArray();
    }
    if (!s.values().isEmpty()) {
      g.writeArrayFieldStart("values");
      for (List<Object> row : s.values()) {
        g.writeStartArray();
        for (Object v : row) {
          value(g, v, epoch);
        }
        g.writeEndArray();
      }
      g.writeEndArray();
    }
    if (s.partial()) {
      g.writeBooleanField("partial", true);
    }
    g.writeEndObject();
  }

  private static void value(JsonGenerator g, Object v, Epoch epoch) throws IOException {
    if (v == null) {
      g.writeNull();
    } else if (v instanceof Instant || v instanceof ZonedDateTime) {
      Instant t = v instanceof ZonedDateTime z ? z.toInstant() : (Instant) v;
      long nanos =
          Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L), t.getNano());
      Object time =
          v instanceof ZonedDateTime z ? epoch.value(nanos, z.getZone()) : epoch.value(nanos);
      if (time instanceof Long n) {
        g.writeNumber(n);
      } else {
        g.writeString((String) time);
      }
    } else if (v instanceof Double d) {
      g.writeNumber(GoFloats.format(d));
    } else if (v instanceof Float f) {
      g.writeNumber(GoFloats.format(f));
    } else if (v instanceof BigInteger n) {
      g.writeNumber(n); // an unsigned field past Long.MAX_VALUE
    } else if (v instanceof Number n) {
      g.writeNumber(n.longValue());
    } else if (v instanceof Boolean b) {
      g.writeBoolean(b);
    } else {
      g.writeString(v.toString());
    }
  }
}
