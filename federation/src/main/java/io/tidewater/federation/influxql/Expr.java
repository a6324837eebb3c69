package io.tidewater.federation.influxql;

import java.util.List;
import java.util.regex.Pattern;

/** An InfluxQL expression, as InfluxDB's parser builds it (influxdata/influxql, ast.go). */
public sealed interface Expr {

  /** A field or tag by name, with an optional cast (null when there is none). */
  record VarRef(String name, DataType type) implements Expr {}

  /** A function call; the name is lower case. */
  record Call(String name, List<Expr> args) implements Expr {
    public Call {
      args = List.copyOf(args);
    }
  }

  /** A floating-point literal. */
  record NumberLit(double value) implements Expr {}

  /** An integer literal. */
  record IntegerLit(long value) implements Expr {}

  /** An integer literal beyond a long (up to 2^64 - 1). */
  record UnsignedLit(String digits) implements Expr {}

  /** A single-quoted string. */
  record StringLit(String value) implements Expr {}

  /** {@code true} or {@code false}. */
  record BooleanLit(boolean value) implements Expr {}

  /** A duration literal ({@code 10s}, {@code 1733290000000ms}), in nanoseconds. */
  record DurationLit(long nanos) implements Expr {}

  /** A regex between slashes, compiled with Java's engine (the syntax InfluxDB's RE2 shares). */
  record RegexLit(String source, Pattern pattern) implements Expr {}

  /** {@code *}, {@code *::field} or {@code *::tag} (type null, FIELD or TAG). */
  record Wildcard(Token type) implements Expr {}

  /** A binary operation: arithmetic, comparison, regex match, AND, OR. */
  record Binary(Token op, Expr lhs, Expr rhs) implements Expr {}

  /** An expression in parentheses. */
  record Paren(Expr expr) implements Expr {}

  /** {@code DISTINCT x} without parentheses. */
  record Distinct(String name) implements Expr {}
}
