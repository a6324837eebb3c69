package io.tidewater.federation.influxql;

/**
 * Where a token starts: line and character, both from zero (errors print them from one), and its
 * offset in the query's text (in UTF-16 units, for cutting a statement's own text out).
 */
public record Pos(int line, int ch, int offset) {

  public Pos(int line, int ch) {
    this(line, ch, 0);
  }
}
