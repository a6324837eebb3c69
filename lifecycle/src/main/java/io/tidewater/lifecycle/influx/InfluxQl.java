package io.tidewater.lifecycle.influx;

import java.util.Optional;

/**
 * Escaping for InfluxQL: every identifier and literal built into a query goes through here, so an
 * adversarial measurement, tag or field name cannot change the query.
 */
public final class InfluxQl {

  private InfluxQl() {}

  /** A double-quoted identifier: backslashes, quotes and newlines escaped. */
  public static String identifier(String name) {
    return '"' + escape(name, '"') + '"';
  }

  /** A single-quoted string literal. */
  public static String string(String value) {
    return '\'' + escape(value, '\'') + '\'';
  }

  /**
   * {@code "db"."rp"."measurement"}, or {@code "db".."measurement"} for the default retention
   * policy.
   */
  public static String measurement(
      String database, Optional<String> retentionPolicy, String measurement) {
    return identifier(database)
        + "."
        + retentionPolicy.map(InfluxQl::identifier).orElse("")
        + "."
        + identifier(measurement);
  }

  /** A time bound in epoch nanoseconds, which InfluxQL reads as a nanosecond timestamp. */
  public static String time(long epochNanos) {
    return Long.toString(epochNanos);
  }

  private static String escape(String s, char quote) {
    StringBuilder out = new StringBuilder(s.length() + 2);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        default -> {
          if (c == quote) {
            out.append('\\');
          }
          out.append(c);
        }
      }
    }
    return out.toString();
  }
}
