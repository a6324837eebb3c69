package io.tidewater.federation.influxql;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.stream.Collectors;

/** Expressions printed as InfluxDB prints them (in errors, and where InfluxQL is sent on). */
public final class Printer {

  private Printer() {}

  /** {@code e} as InfluxQL text. */
  public static String print(Expr e) {
    if (e instanceof Expr.VarRef v) {
      String name = Quoting.identifier(v.name());
      return v.type() == null ? name : name + "::" + v.type().name().toLowerCase(Locale.ROOT);
    } else if (e instanceof Expr.Call c) {
      return c.name()
          + "("
          + c.args().stream().map(Printer::print).collect(Collectors.joining(", "))
          + ")";
    } else if (e instanceof Expr.NumberLit n) {
      return BigDecimal.valueOf(n.value()).setScale(3, RoundingMode.HALF_EVEN).toPlainString();
    } else if (e instanceof Expr.IntegerLit i) {
      return Long.toString(i.value());
    } else if (e instanceof Expr.UnsignedLit u) {
      return u.digits();
    } else if (e instanceof Expr.StringLit s) {
      return Quoting.string(s.value());
    } else if (e instanceof Expr.BooleanLit b) {
      return Boolean.toString(b.value());
    } else if (e instanceof Expr.DurationLit d) {
      return InfluxDurations.format(d.nanos());
    } else if (e instanceof Expr.RegexLit r) {
      return Quoting.regex(r.source());
    } else if (e instanceof Expr.Wildcard w) {
      return w.type() == null ? "*" : "*::" + w.type().toString().toLowerCase(Locale.ROOT);
    } else if (e instanceof Expr.Binary b) {
      return print(b.lhs()) + " " + b.op() + " " + print(b.rhs());
    } else if (e instanceof Expr.Paren p) {
      return "(" + print(p.expr()) + ")";
    } else if (e instanceof Expr.Distinct d) {
      return "DISTINCT " + Quoting.identifier(d.name());
    }
    throw new IllegalArgumentException(String.valueOf(e));
  }
}
