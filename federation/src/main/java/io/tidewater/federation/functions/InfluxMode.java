package io.tidewater.federation.functions;

import io.tidewater.error.ErrorCode;
import io.tidewater.error.TidewaterException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * InfluxQL's {@code mode(f)}: the most frequent value, as InfluxDB 1.x's {@code *ModeReduceSlice}
 * picks it (query/call_iterator.go). It sorts the points by value and walks the runs: the first run
 * (the least value) leads, a later run takes the lead once it is longer, and a run of one point
 * never competes, so when every value occurs once the answer is the least value. Between several
 * values equally most frequent (twice or more) the choice compares times of points reordered by
 * Go's unstable sort, which nothing outside InfluxDB can reproduce: such a group is refused with an
 * error rather than answered with a value InfluxDB might not give. Functions {@code
 * TIDEWATER_INFLUX_MODE_<DOUBLE|BIGINT|VARCHAR|BOOLEAN>(value)}.
 */
public final class InfluxMode {

  /** Most distinct values one group may hold (each is counted in memory). */
  static final int MAX_VALUES = 1_000_000;

  private InfluxMode() {}

  /** The function for a value of SQL type {@code sqlType}. */
  public static String function(String sqlType) {
    return "TIDEWATER_INFLUX_MODE_" + sqlType;
  }

  /** Each function's SQL name and the class implementing it. */
  public static final Map<String, Class<?>> FUNCTIONS =
      Map.of(
          function("DOUBLE"), DoubleMode.class,
          function("BIGINT"), LongMode.class,
          function("VARCHAR"), StringMode.class,
          function("BOOLEAN"), BooleanMode.class);

  /** The values counted so far. */
  public static final class Counts {
    private final Map<Object, long[]> counts = new HashMap<>();

    Counts add(Object v) {
      if (v != null) {
        long[] c = counts.get(v);
        if (c == null) {
          if (counts.size() >= MAX_VALUES) {
            throw new TidewaterException(
                ErrorCode.RESOURCE_EXHAUSTED,
                "mode() over more than " + MAX_VALUES + " distinct values in one group");
          }
          counts.put(v, new long[] {1});
        } else {
          c[0]++;
        }
      }
      return this;
    }

    Counts merge(Counts other) {
      other.counts.forEach(
          (v, c) -> {
            add(v);
            counts.get(v)[0] += c[0] - 1;
          });
      return this;
    }

    @SuppressWarnings("unchecked")
    Object mode() {
      Comparable<Object> least = null;
      Comparable<Object> best = null;
      long most = 0;
      boolean tie = false;
      for (Map.Entry<Object, long[]> e : counts.entrySet()) {
        Comparable<Object> v = (Comparable<Object>) e.getKey();
        long n = e.getValue()[0];
        if (least == null || SeriesEdges.compare(v, least) < 0) {
          least = v;
        }
        if (n > most) {
          most = n;
          best = v;
          tie = false;
        } else if (n == most) {
          tie = true;
        }
      }
      if (most <= 1) {
        return least;
      }
      if (tie) {
        throw new TidewaterException(
            ErrorCode.UNSUPPORTED,
            "mode() where several values are equally most frequent is not answered by the gateway"
                + " over the lake: InfluxDB's choice among them depends on the order its unstable"
                + " sort leaves points in (values occurring "
                + most
                + " times: "
                + tied(most)
                + ")");
      }
      return best;
    }

    private List<Object> tied(long most) {
      return counts.entrySet().stream()
          .filter(e -> e.getValue()[0] == most)
          .limit(5)
          .map(Map.Entry::getKey)
          .toList();
    }
  }

  /** A base per value type: Calcite finds init, merge and the subclass's add and result. */
  public abstract static class Mode {
    Mode() {}

    public Counts init() {
      return new Counts();
    }

    public Counts merge(Counts a, Counts b) {
      return a.merge(b);
    }
  }

  /** mode() of DOUBLE values. */
  public static final class DoubleMode extends Mode {
    public DoubleMode() {}

    public Counts add(Counts c, Double v) {
      return c.add(v);
    }

    public Double result(Counts c) {
      return (Double) c.mode();
    }
  }

  /** mode() of BIGINT values. */
  public static final class LongMode extends Mode {
    public LongMode() {}

    public Counts add(Counts c, Long v) {
      return c.add(v);
    }

    public Long result(Counts c) {
      return (Long) c.mode();
    }
  }

  /** mode() of VARCHAR values. */
  public static final class StringMode extends Mode {
    public StringMode() {}

    public Counts add(Counts c, String v) {
      return c.add(v);
    }

    public String result(Counts c) {
      return (String) c.mode();
    }
  }

  /** mode() of BOOLEAN values. */
  public static final class BooleanMode extends Mode {
    public BooleanMode() {}

    public Counts add(Counts c, Boolean v) {
      return c.add(v);
    }

    public Boolean result(Counts c) {
      return (Boolean) c.mode();
    }
  }
}
