package io.tidewater.lifecycle.influx;

/**
 * Line-protocol escaping for writing test data into InfluxDB 1.x, where a backslash escapes only
 * the comma, equals sign and space in names and tag values (so "a\b" is written as it is).
 */
final class LineProtocol {
  private LineProtocol() {}

  static String measurement(String s) {
    return s.replace(",", "\\,").replace(" ", "\\ ");
  }

  /** Tag keys, tag values and field keys. */
  static String key(String s) {
    return s.replace(",", "\\,").replace("=", "\\=").replace(" ", "\\ ");
  }

  static String string(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
