package io.tidewater.federation.influxql;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An InfluxQL transformation of an aggregate over GROUP BY time buckets ({@code
 * non_negative_derivative(mean("bytes"), 1s)}), computed from the bucket values as InfluxDB's
 * reducers compute it (query/functions.go): buckets without a value are skipped, each output point
 * is at the time of the bucket it ends on, and a derivative is per {@code unitNanos} (the call's
 * second argument, else the GROUP BY interval).
 *
 * @param kind the function
 * @param inner the aggregate's value from a bucket's fetched values
 * @param unitNanos a derivative's unit
 * @param window moving_average's number of points
 */
record Transform(Kind kind, Eval inner, long unitNanos, int window) {

  /** The transformations the gateway computes over the lake. */
  enum Kind {
    DERIVATIVE,
    NON_NEGATIVE_DERIVATIVE,
    DIFFERENCE,
    NON_NEGATIVE_DIFFERENCE,
    MOVING_AVERAGE,
    CUMULATIVE_SUM;

    /** The kind of InfluxQL's function {@code name}, null if it is not one of these. */
    static Kind of(String name) {
      for (Kind k : values()) {
        if (k.name().toLowerCase(Locale.ROOT).equals(name)) {
          return k;
        }
      }
      return null;
    }

    /**
     * Whether InfluxDB reads one bucket before the range for it, so that the range's first bucket
     * has a predecessor (cumulative_sum starts at the range).
     */
    boolean readsBucketBefore() {
      return this != CUMULATIVE_SUM;
    }
  }

  /** A point of a transformed series. */
  record Point(long time, Object value) {}

  /** The transformation of the series {@code points} (in time order, nulls already left out). */
  List<Point> apply(List<Point> points) {
    List<Point> out = new ArrayList<>();
    Point prev = null;
    List<Number> buffer = new ArrayList<>();
    Number sum = null;
    int pos = 0;
    for (Point p : points) {
      Number v = (Number) p.value();
      switch (kind) {
        case DERIVATIVE, NON_NEGATIVE_DERIVATIVE -> {
          if (prev != null) {
            // Integers are subtracted as integers, then divided as floats, as in InfluxDB.
            double diff = subtract(v, (Number) prev.value()).doubleValue();
            double elapsed = (double) (p.time() - prev.time());
            if (kind == Kind.DERIVATIVE || diff >= 0) {
              out.add(new Point(p.time(), diff / (elapsed / unitNanos)));
            }
          }
        }
        case DIFFERENCE, NON_NEGATIVE_DIFFERENCE -> {
          if (prev != null) {
            Number diff = subtract(v, (Number) prev.value());
            if (kind == Kind.DIFFERENCE || diff.doubleValue() >= 0) {
              out.add(new Point(p.time(), diff));
            }
          }
        }
        case MOVING_AVERAGE -> {
          // A running sum over a ring, as InfluxDB keeps it (its rounding, not a fresh sum's).
          if (buffer.size() == window) {
            sum = subtract(sum, buffer.get(pos));
            buffer.set(pos, v);
          } else {
            buffer.add(v);
          }
          sum = add(sum == null ? 0L : sum, v);
          pos = (pos + 1) % window;
          if (buffer.size() == window) {
            out.add(new Point(p.time(), sum.doubleValue() / window));
          }
        }
        case CUMULATIVE_SUM -> {
          sum = sum == null ? v : add(sum, v);
          out.add(new Point(p.time(), sum));
        }
      }
      prev = p;
    }
    return out;
  }

  private static Number subtract(Number a, Number b) {
    return a instanceof Long x && b instanceof Long y
        ? (Number) (x - y)
        : (Number) (a.doubleValue() - b.doubleValue());
  }

  private static Number add(Number a, Number b) {
    return a instanceof Long x && b instanceof Long y
        ? (Number) (x + y)
        : (Number) (a.doubleValue() + b.doubleValue());
  }
}
