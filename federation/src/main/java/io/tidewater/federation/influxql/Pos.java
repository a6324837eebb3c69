package io.tidewater.federation.influxql;

/** Where a token starts: line and character, both from zero (errors print them from one). */
public record Pos(int line, int ch) {}
