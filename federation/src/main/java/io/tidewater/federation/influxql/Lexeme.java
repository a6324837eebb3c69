package io.tidewater.federation.influxql;

/**
 * One scanned token, where it starts, and its literal text (identifiers, strings, numbers,
 * durations, regexes, whitespace; empty for keywords and operators).
 */
public record Lexeme(Token token, Pos pos, String literal) {

  /** The literal if there is one, else the token: how InfluxDB names what it found. */
  public String text() {
    return literal.isEmpty() ? token.toString() : literal;
  }
}
