package io.tidewater.federation.influxql;

import io.tidewater.federation.functions.RegexMatch;
import io.tidewater.lifecycle.parquet.MeasurementSchema;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A WHERE clause of InfluxQL over one measurement as SQL over its routed table: time bounds, tag
 * comparisons reading an absent tag as {@code ''} as InfluxDB does, regexes as {@code
 * TIDEWATER_REGEX}, field comparisons; and the quoting of names and strings every translation uses.
 */
final class SqlConditions {

  private static final long MILLI = 1_000_000L;
  private static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSS", Locale.ROOT).withZone(ZoneOffset.UTC);

  private final MeasurementSchema schema;

  SqlConditions(MeasurementSchema schema) {
    this.schema = schema;
  }

  /** The SQL condition of a split WHERE clause (empty if it has none). */
  String where(TimeCondition range) {
    List<String> where = new ArrayList<>();
    if (range.hasMin()) {
      where.add("\"time\" >= " + timestamp(ceilMillis(range.min())));
    }
    if (range.hasMax()) {
      where.add("\"time\" <= " + timestamp(Math.floorDiv(range.max(), MILLI)));
    }
    if (range.rest() != null) {
      where.add(condition(range.rest()));
    }
    return String.join(" AND ", where);
  }

  /** What a name in a statement is in the measurement. */
  enum Kind {
    TAG,
    FIELD,
    UNKNOWN
  }

  /** What {@code v} names, its cast ({@code ::tag}, {@code ::field}) taken into account. */
  Kind kind(Expr.VarRef v) {
    boolean isTag = schema.tags().contains(v.name());
    boolean isField = schema.field(v.name()).isPresent();
    if (v.type() == DataType.TAG) {
      return isTag ? Kind.TAG : Kind.UNKNOWN;
    } else if (v.type() != null) {
      return isField ? Kind.FIELD : Kind.UNKNOWN;
    }
    return isField ? Kind.FIELD : isTag ? Kind.TAG : Kind.UNKNOWN;
  }

  /** The WHERE clause's condition on tags and fields as SQL. */
  private String condition(Expr e) {
    if (e instanceof Expr.Binary b && (b.op() == Token.AND || b.op() == Token.OR)) {
      return "(" + condition(b.lhs()) + " " + b.op() + " " + condition(b.rhs()) + ")";
    } else if (e instanceof Expr.Paren p) {
      return condition(p.expr());
    } else if (e instanceof Expr.BooleanLit b) {
      return b.value() ? "TRUE" : "FALSE";
    } else if (e instanceof Expr.Binary b) {
      return comparison(b);
    }
    throw new InfluxQLException("invalid condition expression: " + Printer.print(e));
  }

  private String comparison(Expr.Binary b) {
    Token op = b.op();
    Expr lhs = b.lhs();
    Expr rhs = b.rhs();
    if (!(lhs instanceof Expr.VarRef) && rhs instanceof Expr.VarRef) {
      Expr swap = lhs;
      lhs = rhs;
      rhs = swap;
      op =
          switch (op) {
            case LT -> Token.GT;
            case GT -> Token.LT;
            case LTE -> Token.GTE;
            case GTE -> Token.LTE;
            default -> op;
          };
    }
    if (lhs instanceof Expr.VarRef v) {
      Kind k = kind(v);
      if (op == Token.EQREGEX || op == Token.NEQREGEX) {
        Expr.RegexLit re = (Expr.RegexLit) rhs;
        String fn = op == Token.EQREGEX ? RegexMatch.MATCHES : RegexMatch.NOT_MATCHES;
        return switch (k) {
          case TAG -> fn + "(" + tagColumn(v.name()) + ", " + sqlString(re.source()) + ")";
          case FIELD ->
              "("
                  + sqlName(v.name())
                  + " IS NOT NULL AND "
                  + fn
                  + "("
                  + sqlName(v.name())
                  + ", "
                  + sqlString(re.source())
                  + "))";
          case UNKNOWN ->
              (op == Token.EQREGEX) == RegexMatch.matches(null, re.source()) ? "TRUE" : "FALSE";
        };
      }
      if (k != Kind.FIELD && rhs instanceof Expr.StringLit s) {
        return tagComparison(v, k, op, s.value());
      }
      if (k == Kind.UNKNOWN) {
        return "FALSE"; // no point has it: a comparison of its nothing is false
      }
    }
    String l = value(lhs);
    String r = value(rhs);
    String sqlOp =
        switch (op) {
          case EQ -> "=";
          case NEQ -> "<>";
          case LT -> "<";
          case LTE -> "<=";
          case GT -> ">";
          case GTE -> ">=";
          default ->
              throw new InfluxQLException("invalid condition expression: " + Printer.print(b));
        };
    return "(" + l + " " + sqlOp + " " + r + ")";
  }

  /** A tag compared with a string: an absent tag is the empty string, as InfluxDB reads it. */
  private String tagComparison(Expr.VarRef v, Kind k, Token op, String value) {
    if (k == Kind.UNKNOWN) {
      int cmp = "".compareTo(value);
      boolean holds =
          switch (op) {
            case EQ -> cmp == 0;
            case NEQ -> cmp != 0;
            case LT -> cmp < 0;
            case LTE -> cmp <= 0;
            case GT -> cmp > 0;
            case GTE -> cmp >= 0;
            default -> false;
          };
      return holds ? "TRUE" : "FALSE";
    }
    String c = tagColumn(v.name());
    String s = sqlString(value);
    if (value.isEmpty()) {
      return switch (op) {
        case EQ, LTE -> c + " IS NULL";
        case NEQ, GT -> c + " IS NOT NULL";
        case LT -> "FALSE";
        default -> "TRUE";
      };
    }
    return switch (op) {
      case EQ -> "(" + c + " = " + s + ")";
      case NEQ -> "(" + c + " IS NULL OR " + c + " <> " + s + ")";
      case LT -> "(" + c + " IS NULL OR " + c + " < " + s + ")";
      case LTE -> "(" + c + " IS NULL OR " + c + " <= " + s + ")";
      case GT -> "(" + c + " > " + s + ")";
      case GTE -> "(" + c + " >= " + s + ")";
      default -> throw new InfluxQLException("invalid tag comparison operator: " + op);
    };
  }

  /** An operand of a field comparison: a field, a literal, or arithmetic of them. */
  private String value(Expr e) {
    if (e instanceof Expr.VarRef v) {
      Kind k = kind(v);
      return switch (k) {
        case FIELD -> sqlName(v.name());
        case TAG -> tagColumn(v.name());
        case UNKNOWN -> "NULL";
      };
    } else if (e instanceof Expr.IntegerLit i) {
      return Long.toString(i.value());
    } else if (e instanceof Expr.NumberLit n) {
      return Double.toString(n.value());
    } else if (e instanceof Expr.StringLit s) {
      return sqlString(s.value());
    } else if (e instanceof Expr.BooleanLit b) {
      return b.value() ? "TRUE" : "FALSE";
    } else if (e instanceof Expr.Paren p) {
      return "(" + value(p.expr()) + ")";
    } else if (e instanceof Expr.Binary b) {
      String op =
          switch (b.op()) {
            case ADD -> "+";
            case SUB -> "-";
            case MUL -> "*";
            case DIV -> "/";
            default ->
                throw new InfluxQLException("invalid condition expression: " + Printer.print(e));
          };
      return "(" + value(b.lhs()) + " " + op + " " + value(b.rhs()) + ")";
    }
    throw new InfluxQLException("invalid condition expression: " + Printer.print(e));
  }

  /** A tag's column, or NULL for a tag the measurement lacks. */
  String tagColumn(String tag) {
    return schema.tags().contains(tag) ? sqlName(tag) : "CAST(NULL AS VARCHAR)";
  }

  static String sqlName(String name) {
    return '"' + name.replace("\"", "\"\"") + '"';
  }

  static String sqlString(String s) {
    return "'" + s.replace("'", "''") + "'";
  }

  static String timestamp(long millis) {
    return "TIMESTAMP '" + TIMESTAMP.format(Instant.ofEpochMilli(millis)) + "'";
  }

  private static long ceilMillis(long nanos) {
    return Math.floorDiv(nanos, MILLI) + (Math.floorMod(nanos, MILLI) == 0 ? 0 : 1);
  }
}
