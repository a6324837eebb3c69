package io.tidewater.lifecycle.cdc;

import io.tidewater.policy.rollup.FieldType;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A parser of InfluxDB line protocol as InfluxDB 1.x and 2.x accept it ({@code
 * measurement[,tag=value...] field=value[,field=value...] [timestamp]}): backslash escapes of
 * commas, spaces and equals signs, quoted strings with escaped quotes and backslashes, floats,
 * integers ({@code 1i}), unsigned ({@code 1u}), booleans in all their spellings, every precision,
 * comments and blank lines. A malformed line is reported with its number and InfluxDB's kind of
 * message; the other lines are still returned, as InfluxDB writes them.
 */
public final class LineProtocol {

  /** A line that did not parse, or whose field types conflict with the measurement's. */
  public record LineError(int line, String text, String message, boolean typeConflict) {
    LineError(int line, String text, String message) {
      this(line, text, message, false);
    }

    /**
     * InfluxDB's wording: {@code unable to parse '<line>': <reason>}, or {@code partial write:
     * field type conflict: ... dropped=1}.
     */
    public String influxMessage() {
      return typeConflict
          ? "partial write: " + message + " dropped=1"
          : "unable to parse '" + text + "': " + message;
    }
  }

  /** The field types the lake already holds for measurements, checked at the write. */
  public interface KnownTypes {
    /** The types of {@code measurement}'s fields (empty if the lake knows none). */
    Map<String, FieldType> of(String measurement);
  }

  /** A field type refused because the measurement holds the field with another type. */
  private static final class TypeConflict extends IllegalArgumentException {
    TypeConflict(String message) {
      super(message);
    }
  }

  /** The type of a parsed field value ({@code unsigned}: written with a {@code u} suffix). */
  public static FieldType typeOf(Object value, boolean unsigned) {
    if (value instanceof Double) {
      return FieldType.FLOAT;
    } else if (value instanceof Long) {
      return unsigned ? FieldType.UNSIGNED : FieldType.INTEGER;
    } else if (value instanceof Boolean) {
      return FieldType.BOOLEAN;
    }
    return FieldType.STRING;
  }

  /** The points of a body and the lines that were rejected. */
  /**
   * The points of a body and the lines that were rejected: the first {@link #KEPT_ERRORS} of them,
   * and how many there were in all.
   */
  public record Result(List<LinePoint> points, List<LineError> errors, int errorCount) {}

  /**
   * Where and when a point lands: all the write path needs (the change log keeps the body itself).
   */
  public record Stamp(String measurement, long timeNanos) {}

  /**
   * The stamps of a body's points and the lines that were rejected (the same as {@link #parse}'s).
   */
  public record Stamps(
      List<Stamp> points, List<LineError> errors, int errorCount, byte[] accepted) {}

  /**
   * Rejected lines kept with their text and message per body; the rest are only counted, so a body
   * of bad lines costs no more than its points would (a 32 MB body was a copy per line).
   */
  public static final int KEPT_ERRORS = 100;

  /** The rejected lines of a body: the first {@link #KEPT_ERRORS}, and how many in all. */
  private static final class Errors {
    final List<LineError> kept = new ArrayList<>();
    int count;
  }

  /**
   * Timestamp precisions, as the {@code precision} parameter names them (1.x and 2.x spellings).
   */
  public enum Precision {
    NANOSECONDS(1L, "ns"),
    MICROSECONDS(1_000L, "us"),
    MILLISECONDS(1_000_000L, "ms"),
    SECONDS(1_000_000_000L, "s"),
    MINUTES(60_000_000_000L, "m"),
    HOURS(3_600_000_000_000L, "h");

    final long nanos;
    private final String symbol;

    Precision(long nanos, String symbol) {
      this.nanos = nanos;
      this.symbol = symbol;
    }

    /**
     * The {@code precision} parameter's spelling ({@code ns}, {@code us}, ...), which {@link #of}
     * reads back.
     */
    public String symbol() {
      return symbol;
    }

    /**
     * {@code n}/{@code ns}, {@code u}/{@code us}, {@code ms}, {@code s}, {@code m}, {@code h}; null
     * or empty: nanoseconds.
     */
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
          throw new IllegalArgumentException(
              "unknown precision '" + name + "': use ns, us, ms, s, m or h");
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
    Errors errors =
        lines(
            body,
            precision,
            nowNanos,
            true,
            Long.MAX_VALUE,
            (p, from, to) ->
                points.add(
                    new LinePoint(
                        p.measurement,
                        (SortedMap<String, String>) p.tags,
                        p.fields,
                        p.unsigned,
                        p.time)));
    return new Result(points, errors.kept, errors.count);
  }

  /**
   * Checks a body as {@link #parse} does, rejecting the same lines with the same messages, but
   * keeps only each point's measurement and time: acknowledging a write needs no more, and building
   * every point's tag and field maps was most of the write path's time.
   */
  public static Stamps stamps(byte[] body, Precision precision, long nowNanos) {
    return stamps(body, precision, nowNanos, Long.MAX_VALUE, null);
  }

  /**
   * As {@link #stamps(byte[], Precision, long)}, also refusing points later than {@code
   * latestNanos} (far in the future: their windows would not be due for years). {@link
   * Stamps#accepted} is the body without any refused line, as it is to be logged: whoever parses it
   * later (replay, micro-batches) sees exactly the points acknowledged, whatever the limits then.
   */
  public static Stamps stamps(
      byte[] body, Precision precision, long nowNanos, long latestNanos, KnownTypes known) {
    List<Stamp> points = new ArrayList<>();
    String text = new String(body, StandardCharsets.UTF_8);
    StringBuilder accepted = new StringBuilder();
    Map<String, Map<String, FieldType>> types = new HashMap<>();
    Errors errors =
        lines(
            text,
            precision,
            nowNanos,
            known != null, // field types are checked on the values
            latestNanos,
            (p, from, to) -> {
              if (known != null) {
                checkTypes(p, types.computeIfAbsent(p.measurement, known::of));
              }
              points.add(new Stamp(p.measurement, p.time));
              accepted.append(text, from, to).append('\n');
            });
    byte[] kept = errors.count == 0 ? body : accepted.toString().getBytes(StandardCharsets.UTF_8);
    return new Stamps(points, errors.kept, errors.count, kept);
  }

  private static void checkTypes(Parser p, Map<String, FieldType> known) {
    for (Map.Entry<String, Object> f : p.fields.entrySet()) {
      FieldType held = known.get(f.getKey());
      FieldType type = typeOf(f.getValue(), p.unsigned.contains(f.getKey()));
      if (held != null && held != type) {
        // InfluxDB's words for the same refusal within a shard.
        throw new TypeConflict(
            "field type conflict: input field \""
                + f.getKey()
                + "\" on measurement \""
                + p.measurement
                + "\" is type "
                + type.name().toLowerCase(Locale.ROOT)
                + ", already exists as type "
                + held.name().toLowerCase(Locale.ROOT));
      }
    }
  }

  /** A parsed line and where it is in the body. */
  private interface LineSink {
    void accept(Parser p, int from, int to);
  }

  private static Errors lines(
      String body,
      Precision precision,
      long nowNanos,
      boolean keep,
      long latestNanos,
      LineSink sink) {
    Errors errors = new Errors();
    int lineNumber = 0;
    int start = 0;
    while (start <= body.length()) {
      int end = nextLineEnd(body, start);
      lineNumber++;
      // The line parsed in place (a copy of every line was a body's worth of garbage per write),
      // without leading blanks as InfluxDB skips them. Nothing is cut at its end: InfluxDB refuses
      // a line ending in a tab or a \r (a CRLF body), so the parser sees them and refuses it too.
      int from = start;
      int to = end;
      while (from < to && isBlank(body.charAt(from))) {
        from++;
      }
      if (from < to && body.charAt(from) != '#') {
        try {
          Parser p = new Parser(body, from, to, precision, nowNanos, keep);
          p.point();
          if (p.time > latestNanos) {
            throw new IllegalArgumentException(
                "time "
                    + Instant.ofEpochSecond(0, p.time)
                    + " is further in the future than the gateway accepts (tidewater.cdc.max-future"
                    + " after its clock)");
          }
          sink.accept(p, from, to);
        } catch (IllegalArgumentException e) {
          if (errors.count++ < KEPT_ERRORS) {
            errors.kept.add(
                new LineError(
                    lineNumber,
                    body.substring(from, to),
                    e.getMessage(),
                    e instanceof TypeConflict));
          }
        }
      }
      start = end + 1;
    }
    return errors;
  }

  /** What InfluxDB skips before a line and before its timestamp. */
  private static boolean isBlank(char c) {
    return c == ' ' || c == '\t' || c == '\0';
  }

  /**
   * The end of the line starting at {@code start}: its next newline, or the body's end. A newline
   * inside a quoted string value ends the line too, which is then refused as an unterminated
   * string.
   */
  private static int nextLineEnd(String body, int start) {
    int i = body.indexOf('\n', start);
    return i < 0 ? body.length() : i;
  }

  /**
   * Parses one line, left to right, into its fields below; with {@code keep} false the tags and
   * field values are checked but not kept.
   */
  private static final class Parser {
    private final String s;
    private final Precision precision;
    private final long now;
    private final boolean keep;
    private final int end;
    private int i;
    String measurement;
    long time;
    Map<String, String> tags;
    Map<String, Object> fields;
    Set<String> unsigned;

    /**
     * Parses {@code s} from {@code from} to {@code end} (one line of a body, without copying it).
     */
    Parser(String s, int from, int end, Precision precision, long now, boolean keep) {
      this.s = s;
      this.i = from;
      this.end = end;
      this.precision = precision;
      this.now = now;
      this.keep = keep;
    }

    void point() {
      measurement = token(",", " ", ", ");
      if (measurement.isEmpty()) {
        throw new IllegalArgumentException("missing measurement");
      }
      // Duplicates are rejected either way; without keep, keys are compared as written (unescaping
      // is one-to-one: an unescaped separator always ends a key) and no strings are made.
      tags = keep ? new TreeMap<>() : null;
      int[] tagKeys = keep ? null : new int[8];
      int tagCount = 0;
      while (i < end && s.charAt(i) == ',') {
        i++;
        int keyFrom = i;
        String key = keep ? token("=", ", ", ",= ") : null;
        if (!keep) {
          skipToken("=", ", ");
        }
        int keyTo = i;
        if (i >= end || s.charAt(i) != '=') {
          throw new IllegalArgumentException("missing tag value");
        }
        i++;
        int valueFrom = i;
        String value = keep ? token(",", " ", ",= ") : null;
        if (!keep) {
          skipToken(",", " ");
        }
        if (keyTo == keyFrom) {
          throw new IllegalArgumentException("missing tag key");
        }
        if (i == valueFrom) {
          throw new IllegalArgumentException("missing tag value");
        }
        // As InfluxDB: an unescaped equals sign inside a tag value (past its first character) is
        // refused.
        for (int k = valueFrom + 1; k < i; k++) {
          if (s.charAt(k) == '=' && s.charAt(k - 1) != '\\') {
            throw new IllegalArgumentException("invalid tag format");
          }
        }
        if (keep) {
          if (tags.put(key, value) != null) {
            throw new IllegalArgumentException("duplicate tags");
          }
          continue;
        }
        for (int k = 0; k < tagCount; k++) {
          int from = tagKeys[2 * k];
          int length = tagKeys[2 * k + 1] - from;
          if (length == keyTo - keyFrom && s.regionMatches(from, s, keyFrom, length)) {
            throw new IllegalArgumentException("duplicate tags");
          }
        }
        if (2 * tagCount + 1 >= tagKeys.length) {
          tagKeys = Arrays.copyOf(tagKeys, tagKeys.length * 2);
        }
        tagKeys[2 * tagCount] = keyFrom;
        tagKeys[2 * tagCount + 1] = keyTo;
        tagCount++;
      }
      if (i >= end || s.charAt(i) != ' ') {
        throw new IllegalArgumentException("missing fields");
      }
      skipSpaces();
      fields = keep ? new LinkedHashMap<>() : null;
      unsigned = keep ? new HashSet<>() : null;
      boolean first = true;
      do {
        if (i < end && s.charAt(i) == ',') {
          i++;
        }
        int keyFrom = i;
        String key = keep ? token("=", ", ", ",= ") : null;
        if (!keep) {
          skipToken("=", ", ");
        }
        if (i == keyFrom) {
          throw new IllegalArgumentException(first ? "missing fields" : "missing field key");
        }
        if (i >= end || s.charAt(i) != '=') {
          throw new IllegalArgumentException("missing field value");
        }
        i++;
        Object value = fieldValue(keyFrom, key);
        first = false;
        if (keep) {
          fields.remove(key); // as InfluxDB: a field given twice keeps its last value
          fields.put(key, value);
        }
      } while (i < end && s.charAt(i) == ',');
      time = now;
      if (i < end) {
        if (s.charAt(i) != ' ') {
          throw new IllegalArgumentException("invalid field format");
        }
        skipSpaces();
        int from = i;
        while (from < end && isBlank(s.charAt(from))) {
          from++;
        }
        int to =
            from; // the timestamp ends at a space (trailing spaces are allowed) or the line's end
        while (to < end && s.charAt(to) != ' ') {
          to++;
        }
        for (int k = to; k < end; k++) {
          if (s.charAt(k) != ' ') {
            throw new IllegalArgumentException("bad timestamp");
          }
        }
        if (from < to && s.charAt(from) == '+') {
          throw new IllegalArgumentException("bad timestamp");
        }
        if (from < to) {
          try {
            time = Math.multiplyExact(Long.parseLong(s, from, to, 10), precision.nanos);
          } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("bad timestamp");
          }
        }
      }
    }

    /**
     * An unquoted name or tag value up to an unescaped character of {@code stops}. As in InfluxDB,
     * a backslash always shields the next character from ending the token, but only {@code escaped}
     * characters lose it ({@code \\} stays two backslashes).
     */
    private String token(String stops, String alsoStops, String escaped) {
      int from = i;
      while (i < end) {
        char c = s.charAt(i);
        if (c == '\\') {
          i = from;
          return escapedToken(stops, alsoStops, escaped);
        }
        if (stops.indexOf(c) >= 0 || alsoStops.indexOf(c) >= 0) {
          break;
        }
        i++;
      }
      return s.substring(from, i); // no escapes: the common case, without a builder
    }

    /** Moves past what {@link #token} would read, without building it. */
    private void skipToken(String stops, String alsoStops) {
      while (i < end) {
        char c = s.charAt(i);
        if (c == '\\' && i + 1 < end) {
          i += 2;
          continue;
        }
        if (stops.indexOf(c) >= 0 || alsoStops.indexOf(c) >= 0) {
          return;
        }
        i++;
      }
    }

    /** A field key read again from where it starts, for a message (without keep it was skipped). */
    private String fieldKey(int from, String key) {
      if (key != null) {
        return key;
      }
      int at = i;
      i = from;
      String read = token("=", ", ", ",= ");
      i = at;
      return read;
    }

    private String escapedToken(String stops, String alsoStops, String escaped) {
      StringBuilder out = new StringBuilder();
      while (i < end) {
        char c = s.charAt(i);
        if (c == '\\' && i + 1 < end) {
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

    private Object fieldValue(int keyFrom, String key) {
      if (i >= end) {
        throw new IllegalArgumentException("missing field value");
      }
      if (s.charAt(i) == '"') {
        i++;
        StringBuilder out = new StringBuilder();
        while (i < end) {
          char c = s.charAt(i);
          if (c == '\\' && i + 1 < end && (s.charAt(i + 1) == '"' || s.charAt(i + 1) == '\\')) {
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
      while (i < end && s.charAt(i) != ',' && s.charAt(i) != ' ') {
        i++;
      }
      if (i == from) {
        throw new IllegalArgumentException("missing field value");
      }
      char last = s.charAt(i - 1);
      if (s.charAt(from) == '+') { // Java's parsers take a plus sign; InfluxDB's numbers have none
        throw new IllegalArgumentException(
            "invalid number '"
                + s.substring(from, i)
                + "' for field '"
                + fieldKey(keyFrom, key)
                + "'");
      }
      if (!keep && (last == 'i' || last == 'u') && i - from > 1) {
        // Checked in place: integers are most of what dashboards' agents write.
        try {
          if (last == 'i') {
            Long.parseLong(s, from, i - 1, 10);
          } else {
            Long.parseUnsignedLong(s, from, i - 1, 10);
          }
          return null;
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(
              "invalid number '"
                  + s.substring(from, i)
                  + "' for field '"
                  + fieldKey(keyFrom, key)
                  + "'");
        }
      }
      String v = s.substring(from, i);
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
      try {
        if (last == 'i') {
          return Long.parseLong(v.substring(0, v.length() - 1));
        }
        if (last == 'u') {
          if (keep) {
            unsigned.add(key);
          }
          return Long.parseUnsignedLong(v.substring(0, v.length() - 1));
        }
        // Java reads more than InfluxDB does (NaN, Infinity, hex, 1d, surrounding white space) and
        // overflows to infinity where InfluxDB refuses: check the form, then the range.
        if (!isDecimal(v)) {
          throw new NumberFormatException(v);
        }
        double d = Double.parseDouble(v);
        if (Double.isInfinite(d)) {
          throw new NumberFormatException(v);
        }
        return d;
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "invalid number '" + v + "' for field '" + fieldKey(keyFrom, key) + "'");
      }
    }

    /**
     * {@code -?digits[.digits][(e|E)[+|-]digits]}, the mantissa with at least one digit (".5" and
     * "1." too).
     */
    private static boolean isDecimal(String v) {
      int k = v.startsWith("-") ? 1 : 0;
      int digits = 0;
      while (k < v.length() && Character.isDigit(v.charAt(k))) {
        k++;
        digits++;
      }
      if (k < v.length() && v.charAt(k) == '.') {
        k++;
        while (k < v.length() && Character.isDigit(v.charAt(k))) {
          k++;
          digits++;
        }
      }
      if (digits == 0) {
        return false;
      }
      if (k < v.length() && (v.charAt(k) == 'e' || v.charAt(k) == 'E')) {
        k++;
        if (k < v.length() && (v.charAt(k) == '+' || v.charAt(k) == '-')) {
          k++;
        }
        int exponent = k;
        while (k < v.length() && Character.isDigit(v.charAt(k))) {
          k++;
        }
        if (k == exponent) {
          return false;
        }
      }
      return k == v.length();
    }

    private void skipSpaces() {
      while (i < end && s.charAt(i) == ' ') {
        i++;
      }
    }
  }
}
