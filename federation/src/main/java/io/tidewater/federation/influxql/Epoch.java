package io.tidewater.federation.influxql;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * How times are written in InfluxDB's answers: RFC 3339 with nanoseconds and trailing zeros cut
 * (Go's {@code RFC3339Nano}, without {@code epoch}), or integers in the unit of {@code epoch} as
 * InfluxDB's HTTP handler reads it ({@code u}, {@code ms}, {@code s}, {@code m}, {@code h}; any
 * other value nanoseconds).
 */
public enum Epoch {
  RFC3339(0),
  NANOSECONDS(1L),
  MICROSECONDS(1_000L),
  MILLISECONDS(1_000_000L),
  SECONDS(1_000_000_000L),
  MINUTES(60_000_000_000L),
  HOURS(3_600_000_000_000L);

  private static final DateTimeFormatter SECONDS_FORMAT =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss", Locale.ROOT).withZone(ZoneOffset.UTC);

  private final long divisor;

  Epoch(long divisor) {
    this.divisor = divisor;
  }

  /** The format {@code epoch} (the request parameter, may be null) asks for. */
  public static Epoch of(String epoch) {
    String e = epoch == null ? "" : epoch.trim();
    return switch (e) {
      case "" -> RFC3339;
      case "u" -> MICROSECONDS;
      case "ms" -> MILLISECONDS;
      case "s" -> SECONDS;
      case "m" -> MINUTES;
      case "h" -> HOURS;
      default -> NANOSECONDS;
    };
  }

  /**
   * A time (nanoseconds since the epoch) as InfluxDB writes it: a string, or a whole number of
   * units (truncated toward zero, as Go's integer division).
   */
  public Object value(long nanos) {
    if (this == RFC3339) {
      return rfc3339(nanos);
    }
    return nanos / divisor;
  }

  /** As {@link #value(long)}, a string in {@code zone}'s offset (a statement's {@code tz()}). */
  public Object value(long nanos, ZoneId zone) {
    if (this == RFC3339) {
      return rfc3339(nanos, zone);
    }
    return nanos / divisor;
  }

  /** Go's RFC3339Nano in UTC: fractional seconds only as far as they are not zero. */
  static String rfc3339(long nanos) {
    return rfc3339(nanos, ZoneOffset.UTC);
  }

  /** Go's RFC3339Nano in {@code zone}: {@code Z} for a zero offset, else {@code +hh:mm}. */
  static String rfc3339(long nanos, ZoneId zone) {
    Instant t =
        Instant.ofEpochSecond(
            Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
    ZoneOffset offset = zone.getRules().getOffset(t);
    StringBuilder s = new StringBuilder(SECONDS_FORMAT.withZone(offset).format(t));
    int fraction = t.getNano();
    if (fraction != 0) {
      String digits = String.format(Locale.ROOT, "%09d", fraction);
      int end = digits.length();
      while (digits.charAt(end - 1) == '0') {
        end--;
      }
      s.append('.').append(digits, 0, end);
    }
    return s.append(offset.getTotalSeconds() == 0 ? "Z" : offset.getId()).toString();
  }
}
