package io.tidewater.federation.influxql;

import java.util.ArrayList;
import java.util.List;

/** One expression of a SELECT, with its alias (null if none). */
public record Field(Expr expr, String alias) {

  /** The column's name as InfluxDB derives it: the alias, the function, or the names in it. */
  public String name() {
    if (alias != null) {
      return alias;
    }
    return nameOf(expr);
  }

  private static String nameOf(Expr e) {
    if (e instanceof Expr.Call c) {
      return c.name();
    } else if (e instanceof Expr.Binary b) {
      List<String> names = new ArrayList<>();
      collect(b, names);
      return String.join("_", names);
    } else if (e instanceof Expr.Paren p) {
      return nameOf(p.expr());
    } else if (e instanceof Expr.VarRef v) {
      return v.name();
    }
    return "";
  }

  private static void collect(Expr e, List<String> names) {
    if (e instanceof Expr.VarRef v) {
      names.add(v.name());
    } else if (e instanceof Expr.Call c) {
      names.add(c.name());
    } else if (e instanceof Expr.Binary b) {
      collect(b.lhs(), names);
      collect(b.rhs(), names);
    } else if (e instanceof Expr.Paren p) {
      collect(p.expr(), names);
    }
  }
}
