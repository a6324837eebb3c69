package io.tidewater.federation.influxql;

/** What a statement reads: a measurement (by name or regex) or a subquery. */
public sealed interface Source {

  /**
   * A measurement, {@code db.rp.name} with database and retention policy optional (null), or all
   * measurements matching {@code regex} (then name is null).
   */
  record Measurement(String database, String retentionPolicy, String name, Expr.RegexLit regex)
      implements Source {}

  /** {@code (SELECT ...)}. */
  record SubQuery(Statement.Select select) implements Source {}
}
