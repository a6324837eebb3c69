package io.tidewater.federation.influxql;

import java.io.IOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * InfluxDB's CSV answer ({@code Accept: application/csv}): a header {@code name,tags,<columns>}
 * whenever the columns change, a blank line between statements, one line per row with the series'
 * tags as {@code k=v,k=v}, times as integers (nanoseconds, or the request's epoch), floats in plain
 * notation; a failed statement as {@code error} and its message.
 */
public final class InfluxCsv {

  private final Writer out;
  private final Epoch epoch;
  private List<String> columns;
  private int statement = -1;

  public InfluxCsv(Writer out, Epoch epoch) {
    this.out = out;
    this.epoch = epoch;
  }

  /** Writes one statement's result. */
  public void write(InfluxResults.Result r) throws IOException {
    if (r.error() != null) {
      line(List.of("error"));
      line(List.of(r.error()));
      return;
    }
    if (r.statementId() != statement) {
      if (r.series().isEmpty()) {
        return;
      }
      statement = r.statementId();
      if (columns != null) {
        out.write("\n");
      }
      columns = null;
    }
    for (InfluxResults.Series s : r.series()) {
      if (!s.columns().equals(columns)) {
        columns = s.columns();
        List<String> header = new ArrayList<>();
        header.add("name");
        header.add("tags");
        header.addAll(columns);
        line(header);
      }
      String tags = tags(s);
      for (List<Object> row : s.values()) {
        List<String> fields = new ArrayList<>(row.size() + 2);
        fields.add(s.name() == null ? "" : s.name());
        fields.add(tags);
        for (Object v : row) {
          fields.add(text(v));
        }
        line(fields);
      }
    }
  }

  private String text(Object v) {
    if (v == null) {
      return "";
    } else if (v instanceof Instant || v instanceof ZonedDateTime) {
      Instant t = v instanceof ZonedDateTime z ? z.toInstant() : (Instant) v;
      long nanos =
          Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L), t.getNano());
      Object value = epoch == Epoch.RFC3339 ? Long.valueOf(nanos) : epoch.value(nanos);
      return value.toString();
    } else if (v instanceof Double d) {
      return new BigDecimal(GoFloats.format(d)).toPlainString();
    }
    return v.toString();
  }

  private static String tags(InfluxResults.Series s) {
    if (s.tags() == null || s.tags().isEmpty()) {
      return "";
    }
    StringBuilder b = new StringBuilder();
    for (Map.Entry<String, String> t : s.tags().entrySet()) {
      if (b.length() > 0) {
        b.append(',');
      }
      b.append(escape(t.getKey())).append('=').append(escape(t.getValue()));
    }
    return b.toString();
  }

  private static String escape(String s) {
    return s.replace(",", "\\,").replace("=", "\\=").replace(" ", "\\ ");
  }

  /** One record, quoted as Go's encoding/csv quotes. */
  private void line(List<String> fields) throws IOException {
    for (int i = 0; i < fields.size(); i++) {
      if (i > 0) {
        out.write(',');
      }
      String f = fields.get(i);
      boolean quote =
          !f.isEmpty()
              && (f.indexOf(',') >= 0
                  || f.indexOf('"') >= 0
                  || f.indexOf('\n') >= 0
                  || f.indexOf('\r') >= 0
                  || f.charAt(0) == ' '
                  || f.charAt(0) == '\t');
      if (quote) {
        out.write('"');
        out.write(f.replace("\"", "\"\""));
        out.write('"');
      } else {
        out.write(f);
      }
    }
    out.write('\n');
  }
}
