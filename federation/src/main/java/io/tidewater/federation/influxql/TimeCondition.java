package io.tidewater.federation.influxql;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A WHERE clause split as InfluxDB splits it (influxql's ConditionExpr): the comparisons of {@code
 * time} anywhere under AND/OR give an inclusive range in nanoseconds (intersected, as InfluxDB does
 * even under OR), the rest is the condition on tags and fields. Time values are {@code now()} with
 * durations added or taken away, RFC3339 or {@code 'YYYY-MM-DD[ hh:mm:ss[.ffffff]]'} strings (in
 * {@code tz()}'s zone if given, else UTC), integers in nanoseconds and durations such as {@code
 * 1733290000000ms}.
 *
 * @param rest the condition without its time comparisons, or null
 * @param min the earliest time, inclusive, or {@link #MIN_TIME} when unbounded
 * @param max the latest time, inclusive, or {@link #MAX_TIME} when unbounded
 */
public record TimeCondition(Expr rest, long min, long max) {

  /** InfluxDB's smallest time (its very smallest is a sentinel). */
  public static final long MIN_TIME = Long.MIN_VALUE + 2;

  /** InfluxDB's largest time. */
  public static final long MAX_TIME = Long.MAX_VALUE - 1;

  private static final Pattern DATE = Pattern.compile("^\\d{4}-\\d{2}-\\d{2}$");
  private static final Pattern DATE_TIME = Pattern.compile("^\\d{4}-\\d{2}-\\d{2}.+");
  private static final DateTimeFormatter SPACED =
      new DateTimeFormatterBuilder()
          .appendPattern("uuuu-MM-dd HH:mm:ss")
          .optionalStart()
          .appendFraction(ChronoField.NANO_OF_SECOND, 1, 6, true)
          .optionalEnd()
          .toFormatter(Locale.ROOT);

  /** Whether the range has a lower bound. */
  public boolean hasMin() {
    return min != MIN_TIME;
  }

  /** Whether the range has an upper bound. */
  public boolean hasMax() {
    return max != MAX_TIME;
  }

  /** Splits {@code condition} (may be null) with {@code now} in nanoseconds. */
  public static TimeCondition of(Expr condition, long now, ZoneId zone) {
    TimeCondition c = split(condition, now, zone == null ? ZoneOffset.UTC : zone);
    Expr rest = c.rest;
    if (rest instanceof Expr.Paren p) {
      rest = p.expr();
    }
    if (rest instanceof Expr.BooleanLit b && b.value()) {
      rest = null;
    }
    return new TimeCondition(rest, c.min, c.max);
  }

  private static TimeCondition split(Expr cond, long now, ZoneId zone) {
    if (cond == null) {
      return new TimeCondition(null, MIN_TIME, MAX_TIME);
    }
    if (cond instanceof Expr.Binary b) {
      if (b.op() == Token.AND || b.op() == Token.OR) {
        TimeCondition l = split(b.lhs(), now, zone);
        TimeCondition r = split(b.rhs(), now, zone);
        long min = Math.max(l.min, r.min);
        long max = Math.min(l.max, r.max);
        Expr rest =
            r.rest == null
                ? l.rest
                : l.rest == null ? r.rest : new Expr.Binary(b.op(), l.rest, r.rest);
        return new TimeCondition(rest, min, max);
      }
      if (isTime(b.lhs())) {
        return range(b.op(), b.rhs(), now, zone);
      } else if (isTime(b.rhs())) {
        Token op =
            switch (b.op()) {
              case GT -> Token.LT;
              case LT -> Token.GT;
              case GTE -> Token.LTE;
              case LTE -> Token.GTE;
              default -> b.op();
            };
        return range(op, b.lhs(), now, zone);
      }
      return new TimeCondition(b, MIN_TIME, MAX_TIME);
    } else if (cond instanceof Expr.Paren p) {
      TimeCondition inner = split(p.expr(), now, zone);
      return new TimeCondition(
          inner.rest == null ? null : new Expr.Paren(inner.rest), inner.min, inner.max);
    } else if (cond instanceof Expr.BooleanLit) {
      return new TimeCondition(cond, MIN_TIME, MAX_TIME);
    }
    throw new InfluxQLException("invalid condition expression: " + Printer.print(cond));
  }

  private static boolean isTime(Expr e) {
    return e instanceof Expr.VarRef v && v.name().equalsIgnoreCase("time");
  }

  private static TimeCondition range(Token op, Expr value, long now, ZoneId zone) {
    long t = nanos(value, now, zone);
    return switch (op) {
      case GT -> new TimeCondition(null, t + 1, MAX_TIME);
      case GTE -> new TimeCondition(null, t, MAX_TIME);
      case LT -> new TimeCondition(null, MIN_TIME, t - 1);
      case LTE -> new TimeCondition(null, MIN_TIME, t);
      case EQ -> new TimeCondition(null, t, t);
      default -> throw new InfluxQLException("invalid time comparison operator: " + op);
    };
  }

  /** The time {@code e} stands for, in nanoseconds. */
  private static long nanos(Expr e, long now, ZoneId zone) {
    Value v;
    if (e instanceof Expr.StringLit s) {
      Long t = timeLiteral(s, zone);
      if (t == null) {
        throw notTime(s);
      }
      v = new Value(Kind.TIME, t, 0);
    } else {
      v = value(e, now);
    }
    if (v.kind == Kind.TIME) {
      if (v.nanos >= MAX_TIME + 1 || v.overflow > 0) {
        throw new InfluxQLException(
            "time " + Instant.ofEpochSecond(0, v.nanos) + " overflows time literal");
      } else if (v.nanos < MIN_TIME || v.overflow < 0) {
        throw new InfluxQLException(
            "time " + Instant.ofEpochSecond(0, v.nanos) + " underflows time literal");
      }
    }
    return v.nanos;
  }

  private enum Kind {
    TIME,
    NUMBER
  }

  private record Value(Kind kind, long nanos, int overflow) {}

  private static Value value(Expr e, long now) {
    if (e instanceof Expr.Paren p) {
      return value(p.expr(), now);
    } else if (e instanceof Expr.Call c && c.name().equals("now") && c.args().isEmpty()) {
      return new Value(Kind.TIME, now, 0);
    } else if (e instanceof Expr.DurationLit d) {
      return new Value(Kind.NUMBER, d.nanos(), 0);
    } else if (e instanceof Expr.IntegerLit i) {
      return new Value(Kind.NUMBER, i.value(), 0);
    } else if (e instanceof Expr.NumberLit n) {
      return new Value(Kind.NUMBER, (long) n.value(), 0);
    } else if (e instanceof Expr.Binary b && (b.op() == Token.ADD || b.op() == Token.SUB)) {
      Value l = value(b.lhs(), now);
      Value r = value(b.rhs(), now);
      if (r.kind == Kind.TIME && (l.kind == Kind.TIME || b.op() == Token.SUB)) {
        throw notTime(e);
      }
      long sum;
      int overflow = 0;
      try {
        sum =
            b.op() == Token.ADD
                ? Math.addExact(l.nanos, r.nanos)
                : Math.subtractExact(l.nanos, r.nanos);
      } catch (ArithmeticException ex) {
        sum = b.op() == Token.ADD ? l.nanos + r.nanos : l.nanos - r.nanos;
        overflow = (b.op() == Token.ADD ? r.nanos : -r.nanos) > 0 ? 1 : -1;
      }
      Kind kind = l.kind == Kind.TIME || r.kind == Kind.TIME ? Kind.TIME : Kind.NUMBER;
      return new Value(kind, sum, overflow);
    }
    throw notTime(e);
  }

  private static InfluxQLException notTime(Expr e) {
    String type =
        e instanceof Expr.StringLit
            ? "*influxql.StringLiteral"
            : e instanceof Expr.BooleanLit
                ? "*influxql.BooleanLiteral"
                : e instanceof Expr.VarRef
                    ? "*influxql.VarRef"
                    : e instanceof Expr.Call ? "*influxql.Call" : "*influxql.BinaryExpr";
    return new InfluxQLException("invalid operation: time and " + type + " are not compatible");
  }

  /** A string compared with time, parsed as InfluxDB parses one; null if it is not a time. */
  private static Long timeLiteral(Expr.StringLit s, ZoneId zone) {
    String v = s.value();
    try {
      if (DATE_TIME.matcher(v).matches()) {
        try {
          return (nanosOf(LocalDateTime.parse(v, SPACED).atZone(zone).toInstant()));
        } catch (DateTimeException e) {
          return (nanosOf(OffsetDateTime.parse(v).toInstant()));
        }
      } else if (DATE.matcher(v).matches()) {
        return (nanosOf(LocalDate.parse(v).atStartOfDay(zone).toInstant()));
      }
    } catch (DateTimeException e) {
      throw new InfluxQLException("invalid timestamp string");
    }
    return null;
  }

  private static long nanosOf(Instant i) {
    try {
      return Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000_000L), i.getNano());
    } catch (ArithmeticException e) {
      throw new InfluxQLException(
          "time " + i + (i.getEpochSecond() > 0 ? " overflows" : " underflows") + " time literal");
    }
  }
}
