package io.tidewater.federation.influxql;

/**
 * A SELECT field's value computed from the values the SQL statement fetched (fields of a raw query,
 * aggregates of an aggregate one), with InfluxQL's arithmetic: integers stay integers under {@code
 * + - * %}, {@code /} gives a float, anything with a float is a float, and null in gives null out.
 */
sealed interface Eval {

  /** The value of this expression for one row of fetched values. */
  Object apply(Object[] fetched);

  /** The {@code index}-th fetched value. */
  record Fetched(int index) implements Eval {
    @Override
    public Object apply(Object[] fetched) {
      return fetched[index];
    }
  }

  /** A number written in the statement. */
  record Constant(Number value) implements Eval {
    @Override
    public Object apply(Object[] fetched) {
      return value;
    }
  }

  /** {@code lhs op rhs} for an arithmetic operator. */
  record Arithmetic(Token op, Eval lhs, Eval rhs) implements Eval {
    @Override
    public Object apply(Object[] fetched) {
      Object l = lhs.apply(fetched);
      Object r = rhs.apply(fetched);
      if (!(l instanceof Number a) || !(r instanceof Number b)) {
        return null;
      }
      boolean integers = isInteger(a) && isInteger(b);
      if (integers && op != Token.DIV) {
        long x = a.longValue();
        long y = b.longValue();
        return switch (op) {
          case ADD -> x + y;
          case SUB -> x - y;
          case MUL -> x * y;
          case MOD -> y == 0 ? null : x % y;
          case BITWISE_AND -> x & y;
          case BITWISE_OR -> x | y;
          case BITWISE_XOR -> x ^ y;
          default -> null;
        };
      }
      double x = a.doubleValue();
      double y = b.doubleValue();
      return switch (op) {
        case ADD -> x + y;
        case SUB -> x - y;
        case MUL -> x * y;
        case DIV -> y == 0 ? (Object) 0.0 : (Object) (x / y);
        case MOD -> y == 0 ? null : x % y;
        default -> null;
      };
    }

    private static boolean isInteger(Number n) {
      return n instanceof Long || n instanceof Integer;
    }
  }
}
