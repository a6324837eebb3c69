package io.tidewater.federation.functions;

import java.sql.Timestamp;
import java.util.Locale;
import java.util.Map;
import org.apache.calcite.runtime.SqlFunctions;

/**
 * InfluxQL's selectors without GROUP BY time ({@code SELECT last(f) FROM m WHERE ...}), whose
 * answer is the selected point: its value and its own time. Each is a pair of Calcite aggregates
 * over the same rows, {@code TIDEWATER_INFLUX_SELECTED_<TYPE>(kind, value, time, series)} for the
 * value and {@code TIDEWATER_INFLUX_SELECTED_TIME_<TYPE>(...)} for its time (epoch milliseconds,
 * BIGINT: Calcite hands an aggregate its internal value of a TIMESTAMP); both choose the same
 * point. {@code min} and {@code max} choose as InfluxDB's reducers do: the least or greatest value,
 * the earliest point among equal values. {@code first} and {@code last} choose among series as
 * InfluxDB's storage engine does ({@link SeriesEdges}), which needs each row's series key ({@code
 * series}: its tags as in InfluxDB's series key, without the measurement). Computed above the
 * scans, never pushed down.
 */
public final class InfluxSelectors {

  private InfluxSelectors() {}

  /** The selectors, as the InfluxQL translation names them in the kind argument. */
  public enum Kind {
    FIRST,
    LAST,
    MIN,
    MAX;

    /** The kind for InfluxQL's function name ({@code first}, {@code last}, ...). */
    public static Kind of(String influxName) {
      return valueOf(influxName.toUpperCase(Locale.ROOT));
    }

    /**
     * Whether a point (time {@code t}, value compared with the chosen one's {@code cmp}) replaces
     * the chosen point at {@code chosenTime}.
     */
    boolean replaces(long t, int cmp, long chosenTime) {
      return switch (this) {
        case FIRST -> t < chosenTime || (t == chosenTime && cmp > 0);
        case LAST -> t > chosenTime || (t == chosenTime && cmp > 0);
        case MIN -> cmp < 0 || (cmp == 0 && t < chosenTime);
        case MAX -> cmp > 0 || (cmp == 0 && t < chosenTime);
      };
    }
  }

  /** The value function's name for a value of SQL type {@code sqlType} (DOUBLE, BIGINT, ...). */
  public static String valueFunction(String sqlType) {
    return "TIDEWATER_INFLUX_SELECTED_" + sqlType;
  }

  /** The time function's name for a value of SQL type {@code sqlType}. */
  public static String timeFunction(String sqlType) {
    return "TIDEWATER_INFLUX_SELECTED_TIME_" + sqlType;
  }

  /** Each function's SQL name and the class implementing it. */
  public static final Map<String, Class<?>> FUNCTIONS =
      Map.ofEntries(
          Map.entry(valueFunction("DOUBLE"), DoubleValue.class),
          Map.entry(timeFunction("DOUBLE"), DoubleTime.class),
          Map.entry(valueFunction("BIGINT"), LongValue.class),
          Map.entry(timeFunction("BIGINT"), LongTime.class),
          Map.entry(valueFunction("VARCHAR"), StringValue.class),
          Map.entry(timeFunction("VARCHAR"), StringTime.class),
          Map.entry(valueFunction("BOOLEAN"), BooleanValue.class),
          Map.entry(timeFunction("BOOLEAN"), BooleanTime.class),
          Map.entry(bucketFunction(Kind.FIRST, "DOUBLE"), DoubleFirst.class),
          Map.entry(bucketFunction(Kind.LAST, "DOUBLE"), DoubleLast.class),
          Map.entry(bucketFunction(Kind.FIRST, "BIGINT"), LongFirst.class),
          Map.entry(bucketFunction(Kind.LAST, "BIGINT"), LongLast.class),
          Map.entry(bucketFunction(Kind.FIRST, "VARCHAR"), StringFirst.class),
          Map.entry(bucketFunction(Kind.LAST, "VARCHAR"), StringLast.class),
          Map.entry(bucketFunction(Kind.FIRST, "BOOLEAN"), BooleanFirst.class),
          Map.entry(bucketFunction(Kind.LAST, "BOOLEAN"), BooleanLast.class));

  private static final String BUCKET_PREFIX = "TIDEWATER_INFLUX_";

  /**
   * The function for InfluxQL's {@code first} or {@code last} of a value of SQL type {@code
   * sqlType} in GROUP BY time buckets: {@code TIDEWATER_INFLUX_FIRST_DOUBLE(value, time)}, ...
   */
  public static String bucketFunction(Kind kind, String sqlType) {
    return BUCKET_PREFIX + kind + "_" + sqlType;
  }

  /** The kind of a bucket function named {@code name} (FIRST or LAST), null for any other name. */
  public static Kind bucketKind(String name) {
    for (Kind k : new Kind[] {Kind.FIRST, Kind.LAST}) {
      if (name.startsWith(BUCKET_PREFIX + k + "_")) {
        return k;
      }
    }
    return null;
  }

  /** The point chosen so far. */
  public static final class Chosen {
    private Kind kind;
    private SeriesEdges edges;
    private Comparable<Object> value;
    private long time;

    /**
     * Offers a point of the series {@code series}; {@code t} is the time as Calcite's generated
     * code passes it to an aggregate (its internal milliseconds), or a Timestamp.
     */
    @SuppressWarnings("unchecked")
    Chosen offer(String kindName, Object v, Object t, String series) {
      if (v == null || t == null) {
        return this;
      }
      if (kind == null) {
        start(Kind.of(kindName), series != null);
      }
      long millis = t instanceof Timestamp ts ? SqlFunctions.toLong(ts) : ((Number) t).longValue();
      offer((Comparable<Object>) v, millis, series);
      return this;
    }

    /** Starts choosing; {@code bySeries}: first and last choose among series as the engine does. */
    private void start(Kind k, boolean bySeries) {
      kind = k;
      if (bySeries && (k == Kind.FIRST || k == Kind.LAST)) {
        edges = new SeriesEdges(k == Kind.LAST);
      }
    }

    private void offer(Comparable<Object> v, long t, String series) {
      if (edges != null) {
        edges.offer(series, v, t);
      } else if (value == null || kind.replaces(t, tieOrder(v), time)) {
        value = v;
        time = t;
      }
    }

    /** The order of {@code v} to the chosen value: first() of booleans prefers false on a tie. */
    private int tieOrder(Comparable<Object> v) {
      int cmp = SeriesEdges.compare(v, value);
      Object o = v;
      return kind == Kind.FIRST && o instanceof Boolean ? -cmp : cmp;
    }

    Chosen merge(Chosen other) {
      if (other.kind == null) {
        return this;
      }
      if (kind == null) {
        start(other.kind, other.edges != null);
      }
      if (edges != null) {
        edges.merge(other.edges);
      } else if (other.value != null) {
        offer(other.value, other.time, "");
      }
      return this;
    }

    Object value() {
      if (edges != null) {
        SeriesEdges.Point p = edges.choose();
        return p == null ? null : p.value();
      }
      return value;
    }

    /** The chosen point's time in epoch milliseconds, null if none was offered. */
    Long time() {
      if (edges != null) {
        SeriesEdges.Point p = edges.choose();
        return p == null ? null : p.time();
      }
      return value == null ? null : time;
    }
  }

  // Calcite finds an aggregate's init, add and merge among its class's public methods, inherited
  // static ones too: a base per value type, and its value and time functions declaring results.

  /** Points with a DOUBLE value. */
  public abstract static class DoubleSelector {
    DoubleSelector() {}

    public static Chosen init() {
      return new Chosen();
    }

    public static Chosen add(Chosen c, String kind, Double v, Object t, String series) {
      return c.offer(kind, v, t, series);
    }

    public static Chosen merge(Chosen a, Chosen b) {
      return a.merge(b);
    }
  }

  /** The chosen point's DOUBLE value. */
  public static final class DoubleValue extends DoubleSelector {
    private DoubleValue() {}

    public static Double result(Chosen c) {
      return (Double) c.value();
    }
  }

  /** The chosen point's time, among points with a DOUBLE value. */
  public static final class DoubleTime extends DoubleSelector {
    private DoubleTime() {}

    public static Long result(Chosen c) {
      return c.time();
    }
  }

  /** Points with a BIGINT value. */
  public abstract static class LongSelector {
    LongSelector() {}

    public static Chosen init() {
      return new Chosen();
    }

    public static Chosen add(Chosen c, String kind, Long v, Object t, String series) {
      return c.offer(kind, v, t, series);
    }

    public static Chosen merge(Chosen a, Chosen b) {
      return a.merge(b);
    }
  }

  /** The chosen point's BIGINT value. */
  public static final class LongValue extends LongSelector {
    private LongValue() {}

    public static Long result(Chosen c) {
      return (Long) c.value();
    }
  }

  /** The chosen point's time, among points with a BIGINT value. */
  public static final class LongTime extends LongSelector {
    private LongTime() {}

    public static Long result(Chosen c) {
      return c.time();
    }
  }

  /** Points with a VARCHAR value (first and last: InfluxDB has no min or max of strings). */
  public abstract static class StringSelector {
    StringSelector() {}

    public static Chosen init() {
      return new Chosen();
    }

    public static Chosen add(Chosen c, String kind, String v, Object t, String series) {
      return c.offer(kind, v, t, series);
    }

    public static Chosen merge(Chosen a, Chosen b) {
      return a.merge(b);
    }
  }

  /** The chosen point's VARCHAR value. */
  public static final class StringValue extends StringSelector {
    private StringValue() {}

    public static String result(Chosen c) {
      return (String) c.value();
    }
  }

  /** The chosen point's time, among points with a VARCHAR value. */
  public static final class StringTime extends StringSelector {
    private StringTime() {}

    public static Long result(Chosen c) {
      return c.time();
    }
  }

  /** Points with a BOOLEAN value (false is the lesser, as in InfluxDB). */
  public abstract static class BooleanSelector {
    BooleanSelector() {}

    public static Chosen init() {
      return new Chosen();
    }

    public static Chosen add(Chosen c, String kind, Boolean v, Object t, String series) {
      return c.offer(kind, v, t, series);
    }

    public static Chosen merge(Chosen a, Chosen b) {
      return a.merge(b);
    }
  }

  /** The chosen point's BOOLEAN value. */
  public static final class BooleanValue extends BooleanSelector {
    private BooleanValue() {}

    public static Boolean result(Chosen c) {
      return (Boolean) c.value();
    }
  }

  /** The chosen point's time, among points with a BOOLEAN value. */
  public static final class BooleanTime extends BooleanSelector {
    private BooleanTime() {}

    public static Long result(Chosen c) {
      return c.time();
    }
  }

  /**
   * InfluxQL's {@code first} and {@code last} in GROUP BY time buckets, where InfluxDB merges each
   * series' point with its reducers: the earliest (latest) point, the greater value among points of
   * several series at that time ({@code first} of booleans: false). SQL's ARG_MIN and ARG_MAX would
   * pick any of them. Instances, so that each subclass fixes its kind.
   */
  public abstract static class BucketSelector {
    private final Kind kind;

    BucketSelector(Kind kind) {
      this.kind = kind;
    }

    public Chosen init() {
      return new Chosen();
    }

    public Chosen merge(Chosen a, Chosen b) {
      return a.merge(b);
    }

    Chosen offer(Chosen c, Object v, Object t) {
      return c.offer(kind.name(), v, t, null);
    }
  }

  /** first() of DOUBLE values in a bucket. */
  public static final class DoubleFirst extends BucketSelector {
    public DoubleFirst() {
      super(Kind.FIRST);
    }

    public Chosen add(Chosen c, Double v, Object t) {
      return offer(c, v, t);
    }

    public Double result(Chosen c) {
      return (Double) c.value();
    }
  }

  /** last() of DOUBLE values in a bucket. */
  public static final class DoubleLast extends BucketSelector {
    public DoubleLast() {
      super(Kind.LAST);
    }

    public Chosen add(Chosen c, Double v, Object t) {
      return offer(c, v, t);
    }

    public Double result(Chosen c) {
      return (Double) c.value();
    }
  }

  /** first() of BIGINT values in a bucket. */
  public static final class LongFirst extends BucketSelector {
    public LongFirst() {
      super(Kind.FIRST);
    }

    public Chosen add(Chosen c, Long v, Object t) {
      return offer(c, v, t);
    }

    public Long result(Chosen c) {
      return (Long) c.value();
    }
  }

  /** last() of BIGINT values in a bucket. */
  public static final class LongLast extends BucketSelector {
    public LongLast() {
      super(Kind.LAST);
    }

    public Chosen add(Chosen c, Long v, Object t) {
      return offer(c, v, t);
    }

    public Long result(Chosen c) {
      return (Long) c.value();
    }
  }

  /** first() of VARCHAR values in a bucket. */
  public static final class StringFirst extends BucketSelector {
    public StringFirst() {
      super(Kind.FIRST);
    }

    public Chosen add(Chosen c, String v, Object t) {
      return offer(c, v, t);
    }

    public String result(Chosen c) {
      return (String) c.value();
    }
  }

  /** last() of VARCHAR values in a bucket. */
  public static final class StringLast extends BucketSelector {
    public StringLast() {
      super(Kind.LAST);
    }

    public Chosen add(Chosen c, String v, Object t) {
      return offer(c, v, t);
    }

    public String result(Chosen c) {
      return (String) c.value();
    }
  }

  /** first() of BOOLEAN values in a bucket. */
  public static final class BooleanFirst extends BucketSelector {
    public BooleanFirst() {
      super(Kind.FIRST);
    }

    public Chosen add(Chosen c, Boolean v, Object t) {
      return offer(c, v, t);
    }

    public Boolean result(Chosen c) {
      return (Boolean) c.value();
    }
  }

  /** last() of BOOLEAN values in a bucket. */
  public static final class BooleanLast extends BucketSelector {
    public BooleanLast() {
      super(Kind.LAST);
    }

    public Chosen add(Chosen c, Boolean v, Object t) {
      return offer(c, v, t);
    }

    public Boolean result(Chosen c) {
      return (Boolean) c.value();
    }
  }
}
