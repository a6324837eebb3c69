package io.tidewater.federation.influxql;

import java.util.List;

/**
 * A statement InfluxQL's grammar does not allow, worded as InfluxDB words it: {@code found X,
 * expected Y, Z at line 1, char 8}, or a message and where.
 */
public final class ParseError extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private ParseError(String message) {
    super(message);
  }

  /** {@code found <found>, expected <expected...> at line L, char C} (both 1-based). */
  static ParseError found(Lexeme found, List<String> expected) {
    return new ParseError(
        "found " + found.text() + ", expected " + String.join(", ", expected) + where(found.pos()));
  }

  /** {@code <message> at line L, char C}. */
  static ParseError at(String message, Pos pos) {
    return new ParseError(message + where(pos));
  }

  /** A message without a position (InfluxDB has a few: {@code fill must be a function call}). */
  static ParseError plain(String message) {
    return new ParseError(message);
  }

  private static String where(Pos pos) {
    return " at line " + (pos.line() + 1) + ", char " + (pos.ch() + 1);
  }
}
