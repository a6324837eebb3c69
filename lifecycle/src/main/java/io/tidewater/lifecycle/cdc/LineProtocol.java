package io.tidewater.lifecycle.cdc;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A parser of InfluxDB line protocol as InfluxDB 1.x and 2.x accept it
 * ({@code measurement[,tag=value...] field=value[,field=value...] [timestamp]}): backslash escapes
 * of commas, spaces and equals signs, quoted strings with escaped quotes and backslashes, floats,
 * integers ({@code 1i}), unsigned ({@code 1u}), booleans in all their spellings, every precision,
 * comments and blank lines. A malformed line is reported with its number and InfluxDB's kind of
 * message; the other lines are still returned, as InfluxDB writes them.
 */
public final class LineProtocol {

  /** A line that did not parse. */
  public record LineError(int line, String text, String message) {
    /** InfluxDB's wording: {@code unable to parse '<line>': <reason>}. */
    public String influxMessage() {
      return "unable to parse '" + text + "': " + message;
    }
  }

  /** The points of a body and the lines that were rejected. */
  public record Result(List<LinePoint> points, List<LineError> errors) {}

  /** Timestamp precisions, as the {@code precision} parameter names them (1.x and 2.x spellings). */
  public enum Precision {
    NANOSECONDS(1L, "ns"), MICROSECONDS(1_000L, "us"), MILLISECONDS(1_000_000L, "ms"), SECONDS(1_000_000_000L, "s"),
    MINUTES(60_000_000_000L, "m"), HOURS(3_600_000_000_000L, "h");

    final long nanos;
    private final String symbol;

    Precision(long nanos, String symbol) {
      this.nanos = nanos;
      this.symbol = symbol;
    }

    /** The {@code precision} parameter's spelling ({@code ns}, {@code us}, ...), which {@link #of} reads back. */
    public String symbol() {
      return symbol;
    }

    /** {@code n}/{@code ns}, {@code u}/{@code us}, {@code ms}, {@code s}, {@code m}, {@code h}; null or empty: nanoseconds. */
    public static Precision of(String name) {
      if (name == null || name.isEmpty()) {
        return NANOSECONDS;
      }
      return switch (name) {
        case "n", "ns" -> NANOSECONDS;
        case "u", "us", "µ", "µs" -> MICROSECONDS;
        case "ms" -> MILLISECONDS;
        case "s" -> SECONDS;
        case "m" -> MINUTES;
        case "h" -> HOURS;
        default -> {
          // Change logs of the first release recorded the constant's name.
          for (Precision p : values()) {
            if (p.name().equals(name)) {
              yield p;
            }
          }
          throw new IllegalArgumentException("unknown precision '" + name + "': use ns, us, ms, s, m or h");
        }
      };
    }
  }

  private LineProtocol() {}

  /** Parses a body; points without a timestamp get {@code nowNanos}. */
  public static Result parse(byte[] body, Precision precision, long nowNanos) {
    return parse(new String(body, StandardCharsets.UTF_8), precision, nowNanos);
  }

  public static Result parse(String body, Precision precision, long nowNanos) {
    List<LinePoint> points = new ArrayList<>();
    List<LineError> errors = new ArrayList<>();
    int lineNumber = 0;
    int start = 0;
    while (start <= body.length()) {
      int end = nextLineEnd(body, start);
      lineNumber++;
      String line = body.substring(start, end);
      if (line.endsWith("\r")) {
        line = line.substring(0, line.length() - 1);
      }
      String trimmed = line.strip();
      if (!trimmed.isEmpty() && !trimmed.startsWith("#")) {
        try {
          points.add(new Parser(trimmed, precision, nowNanos).point());
        } catch (IllegalArgumentException e) {
          errors.add(new LineError(lineNumber, trimmed, e.getMessage()));
        }
      }
      start = end + 1;
    }
    return new Result(points, errors);
  }

  /** The end of the line starting at {@code start}: a newline outside a quoted field value. */
  private static int nextLineEnd(String body, int start) {
    int i = body.indexOf('\n', start);
    return i < 0 ? body.length() : i;
  }

  /** Parses one line, left to right. */
  private static final class Parser {
    private final String s;
    private final Precision precision;
    private final long now;
    private int i;

    Parser(String s, Precision precision, long now) {
      this.s = s;
      this.precision = precision;
      this.now = now;
    }

    LinePoint point() {
      String measurement = token(",", " ", ", ");
      if (measurement.isEmpty()) {
        throw new IllegalArgumentException("missing measurement");
      }
      Map<String, String> tags = new TreeMap<>();
      while (i < s.length() && s.charAt(i) == ',') {
        i++;
        String key = token("=", ", ", ",= ");
        if (i >= s.length() || s.charAt(i) != '=') {
          throw new IllegalArgumentException("missing tag value");
        }
        i++;
        String value = token(",", " ", ",= ");
        if (key.isEmpty()) {
          throw new IllegalArgumentException("missing tag key");
        }
        if (value.isEmpty()) {
          throw new IllegalArgumentException("missing tag value");
        }
        if (tags.put(key, value) != null) {
          throw new IllegalArgumentException("duplicate tags");
        }
      }
      if (i >= s.length() || s.charAt(i) != ' ') {
        throw new IllegalArgumentException("missing fields");
      }
      skipSpaces();
      Map<String, Object> fields = new LinkedHashMap<>();
      Set<String> unsigned = new HashSet<>();
      do {
        if (i < s.length() && s.charAt(i) == ',') {
          i++;
        }
        String key = token("=", ", ", ",= ");
        if (key.isEmpty()) {
          throw new IllegalArgumentException(fields.isEmpty() ? "missing fields" : "missing field key");
        }
        if (i >= s.length() || s.charAt(i) != '=') {
          throw new IllegalArgumentException("missing field value");
        }
        i++;
        Object value = fieldValue(key, unsigned);
        fields.remove(key); // as InfluxDB: a field given twice keeps its last value
        fields.put(key, value);
      } while (i < s.length() && s.charAt(i) == ',');
      long time = now;
      if (i < s.length()) {
        if (s.charAt(i) != ' ') {
          throw new IllegalArgumentException("invalid field format");
        }
        skipSpaces();
        String ts = s.substring(i).strip();
        if (!ts.isEmpty()) {
          try {
            time = Math.multiplyExact(Long.parseLong(ts), precision.nanos);
          } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("bad timestamp");
          }
        }
      }
      return new LinePoint(measurement, (java.util.SortedMap<String, String>) tags, fields, unsigned, time);
    }

    /**
     * An unquoted name or tag value up to an unescaped character of {@code stops}. As in InfluxDB, a
     * backslash always shields the next character from ending the token, but only {@code escaped}
     * characters lose it ({@code \\} stays two backslashes).
     */
    private String token(String stops, String alsoStops, String escaped) {
      StringBuilder out = new StringBuilder();
      while (i < s.length()) {
        char c = s.charAt(i);
        if (c == '\\' && i + 1 < s.length()) {
          char next = s.charAt(i + 1);
          if (escaped.indexOf(next) < 0) {
            out.append(c);
          }
          out.append(next);
          i += 2;
          continue;
        }
        if (stops.indexOf(c) >= 0 || alsoStops.indexOf(c) >= 0) {
          break;
        }
        out.append(c);
        i++;
      }
      return out.toString();
    }

    private Object fieldValue(String key, Set<String> unsigned) {
      if (i >= s.length()) {
        throw new IllegalArgumentException("missing field value");
      }
      if (s.charAt(i) == '"') {
        i++;
        StringBuilder out = new StringBuilder();
        while (i < s.length()) {
          char c = s.charAt(i);
          if (c == '\\' && i + 1 < s.length() && (s.charAt(i + 1) == '"' || s.charAt(i + 1) == '\\')) {
            out.append(s.charAt(i + 1));
            i += 2;
            continue;
          }
          if (c == '"') {
            i++;
            return out.toString();
          }
          out.append(c);
          i++;
        }
        throw new IllegalArgumentException("unbalanced quotes");
      }
      int from = i;
      while (i < s.length() && s.charAt(i) != ',' && s.charAt(i) != ' ') {
        i++;
      }
      String v = s.substring(from, i);
      if (v.isEmpty()) {
        throw new IllegalArgumentException("missing field value");
      }
      switch (v) {
        case "t", "T", "true", "True", "TRUE" -> {
          return Boolean.TRUE;
        }
        case "f", "F", "false", "False", "FALSE" -> {
          return Boolean.FALSE;
        }
        default -> {
          // a number
        }
      }
      char last = v.charAt(v.length() - 1);
      try {
        if (last == 'i') {
          return Long.parseLong(v.substring(0, v.length() - 1));
        }
        if (last == 'u') {
          unsigned.add(key);
          return Long.parseUnsignedLong(v.substring(0, v.length() - 1));
        }
        String lower = v.toLowerCase(Locale.ROOT);
        if (lower.contains("nan") || lower.contains("inf") || lower.startsWith("0x") || lower.endsWith("d")
            || lower.endsWith("f")) {
          throw new NumberFormatException(v);
        }
        return Double.parseDouble(v);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("invalid number '" + v + "' for field '" + key + "'");
      }
    }

    private void skipSpaces() {
      while (i < s.length() && s.charAt(i) == ' ') {
        i++;
      }
    }
  }
}
