package io.tidewater.federation.functions;

import io.tidewater.error.ErrorCode;
import io.tidewater.error.TidewaterException;
import java.util.Arrays;
import java.util.Map;

/**
 * The statistical aggregates analysts expect from PostgreSQL, DuckDB, Trino and InfluxDB 3 that
 * Calcite 1.42 lacks, as Calcite user-defined aggregates (each class's static {@code init}, {@code
 * add}, {@code merge} and {@code result}; rows where an argument is NULL are skipped, as for every
 * SQL aggregate). They are computed above the scans, over the rows of every part of a query's range
 * (InfluxDB's and the lake's alike), never pushed down. Calcite's own {@code VAR_POP}, {@code
 * VAR_SAMP}, {@code STDDEV_*}, {@code COVAR_*}, {@code REGR_COUNT}, {@code REGR_SXX}, {@code
 * REGR_SYY} and {@code COUNT(DISTINCT)} are used as they are; its {@code PERCENTILE_CONT}/{@code
 * _DISC}, which it parses but cannot run, become calls of the functions here ({@link
 * FunctionCalls}).
 */
public final class StatisticalAggregates {

  private StatisticalAggregates() {}

  /** The function PERCENTILE_CONT ... WITHIN GROUP calls become ({@link FunctionCalls}). */
  public static final String PERCENTILE_CONT = "TIDEWATER_PERCENTILE_CONT";

  /** The function PERCENTILE_DISC ... WITHIN GROUP calls become. */
  public static final String PERCENTILE_DISC = "TIDEWATER_PERCENTILE_DISC";

  /** InfluxQL's {@code percentile(f, N)}, as the InfluxQL translation calls it. */
  public static final String INFLUX_PERCENTILE = "TIDEWATER_INFLUX_PERCENTILE";

  /** Each function's SQL name and the class implementing it. */
  public static final Map<String, Class<?>> FUNCTIONS =
      Map.ofEntries(
          Map.entry("CORR", Corr.class),
          Map.entry("REGR_SLOPE", RegrSlope.class),
          Map.entry("REGR_INTERCEPT", RegrIntercept.class),
          Map.entry("REGR_R2", RegrR2.class),
          Map.entry("REGR_AVGX", RegrAvgX.class),
          Map.entry("REGR_AVGY", RegrAvgY.class),
          Map.entry("REGR_SXY", RegrSxy.class),
          Map.entry("MEDIAN", Median.class),
          Map.entry("APPROX_PERCENTILE", ApproxPercentile.class),
          Map.entry(PERCENTILE_CONT, PercentileCont.class),
          Map.entry(PERCENTILE_DISC, PercentileDisc.class),
          Map.entry(INFLUX_PERCENTILE, InfluxPercentile.class),
          Map.entry("BOOL_AND", BoolAnd.class),
          Map.entry("BOOL_OR", BoolOr.class));

  // Calcite finds an aggregate's init, add and merge among its class's public methods, inherited
  // static ones too: each function below declares only its result.

  /** Running moments of (y, x) pairs: CORR and the REGR_* functions. */
  public abstract static class PairAggregate {
    PairAggregate() {}

    public static Moments init() {
      return new Moments();
    }

    public static Moments add(Moments m, double y, double x) {
      return m.add(y, x);
    }

    public static Moments merge(Moments a, Moments b) {
      return a.merge(b);
    }
  }

  /** The values and a fraction: the percentiles. */
  public abstract static class FractionAggregate {
    FractionAggregate() {}

    public static Values init() {
      return new Values();
    }

    public static Values add(Values v, double x, double p) {
      return v.add(x).fraction(p);
    }

    public static Values merge(Values a, Values b) {
      return a.merge(b);
    }
  }

  /** Counts of values and of false ones: BOOL_AND and BOOL_OR. */
  public abstract static class TruthAggregate {
    TruthAggregate() {}

    public static Truth init() {
      return new Truth();
    }

    public static Truth add(Truth t, boolean b) {
      return t.add(b);
    }

    public static Truth merge(Truth a, Truth b) {
      return a.merge(b);
    }
  }

  /** {@code CORR(y, x)}: Pearson's correlation coefficient of the pairs. */
  public static final class Corr extends PairAggregate {
    private Corr() {}

    public static Double result(Moments m) {
      return m.corr();
    }
  }

  /** {@code REGR_SLOPE(y, x)}: the slope of the least-squares line of y over x. */
  public static final class RegrSlope extends PairAggregate {
    private RegrSlope() {}

    public static Double result(Moments m) {
      return m.slope();
    }
  }

  /** {@code REGR_INTERCEPT(y, x)}: where the least-squares line of y over x crosses x = 0. */
  public static final class RegrIntercept extends PairAggregate {
    private RegrIntercept() {}

    public static Double result(Moments m) {
      return m.intercept();
    }
  }

  /** {@code REGR_R2(y, x)}: the coefficient of determination of the least-squares line. */
  public static final class RegrR2 extends PairAggregate {
    private RegrR2() {}

    public static Double result(Moments m) {
      return m.r2();
    }
  }

  /** {@code REGR_AVGX(y, x)}: the mean of x over the pairs where both have a value. */
  public static final class RegrAvgX extends PairAggregate {
    private RegrAvgX() {}

    public static Double result(Moments m) {
      return m.avgX();
    }
  }

  /** {@code REGR_AVGY(y, x)}: the mean of y over the pairs where both have a value. */
  public static final class RegrAvgY extends PairAggregate {
    private RegrAvgY() {}

    public static Double result(Moments m) {
      return m.avgY();
    }
  }

  /** {@code REGR_SXY(y, x)}: the sum of products of the pairs' deviations from their means. */
  public static final class RegrSxy extends PairAggregate {
    private RegrSxy() {}

    public static Double result(Moments m) {
      return m.sxy();
    }
  }

  /**
   * {@code MEDIAN(x)}: the middle value, or the mean of the two middle ones (PERCENTILE_CONT(0.5)).
   */
  public static final class Median {
    private Median() {}

    public static Values init() {
      return new Values();
    }

    public static Values add(Values v, double x) {
      return v.add(x);
    }

    public static Values merge(Values a, Values b) {
      return a.merge(b);
    }

    public static Double result(Values v) {
      return v.fraction(0.5).continuousPercentile();
    }
  }

  /**
   * {@code APPROX_PERCENTILE(x, p)} as in Trino: the value of the set at fraction {@code p} (0 to
   * 1) of its ordered values (as PERCENTILE_DISC), computed exactly.
   */
  public static final class ApproxPercentile extends FractionAggregate {
    private ApproxPercentile() {}

    public static Double result(Values v) {
      return v.discretePercentile();
    }
  }

  /**
   * {@code PERCENTILE_CONT(p) WITHIN GROUP (ORDER BY x)}, called as {@value #PERCENTILE_CONT}{@code
   * (x, p)}.
   */
  public static final class PercentileCont extends FractionAggregate {
    private PercentileCont() {}

    public static Double result(Values v) {
      return v.continuousPercentile();
    }
  }

  /**
   * {@code PERCENTILE_DISC(p) WITHIN GROUP (ORDER BY x)}, called as {@value #PERCENTILE_DISC}{@code
   * (x, p)}.
   */
  public static final class PercentileDisc extends FractionAggregate {
    private PercentileDisc() {}

    public static Double result(Values v) {
      return v.discretePercentile();
    }
  }

  /**
   * InfluxQL's {@code percentile(x, N)} (N from 0 to 100), called as {@value #INFLUX_PERCENTILE}
   * {@code (x, N)}: InfluxDB's nearest rank, the value at index {@code floor(n * N / 100 + 0.5) -
   * 1} of the sorted values, and NULL where that index is outside them (a small N over few values).
   */
  public static final class InfluxPercentile {
    private InfluxPercentile() {}

    public static Values init() {
      return new Values();
    }

    public static Values add(Values v, double x, double percent) {
      return v.add(x).fraction(percent / 100.0).percent(percent);
    }

    public static Values merge(Values a, Values b) {
      return a.merge(b);
    }

    public static Double result(Values v) {
      return v.nearestRank();
    }
  }

  /** {@code BOOL_AND(b)}: whether every value is true (NULL over no values). */
  public static final class BoolAnd extends TruthAggregate {
    private BoolAnd() {}

    public static Boolean result(Truth t) {
      return t.count == 0 ? null : t.falses == 0;
    }
  }

  /** {@code BOOL_OR(b)}: whether any value is true (NULL over no values). */
  public static final class BoolOr extends TruthAggregate {
    private BoolOr() {}

    public static Boolean result(Truth t) {
      return t.count == 0 ? null : t.count > t.falses;
    }
  }

  /** Counts of values and of false ones. */
  public static final class Truth {
    long count;
    long falses;

    Truth add(boolean b) {
      count++;
      if (!b) {
        falses++;
      }
      return this;
    }

    Truth merge(Truth other) {
      count += other.count;
      falses += other.falses;
      return this;
    }
  }

  /** The values of a group, for percentiles (held whole: a percentile needs them all). */
  public static final class Values {
    private double[] values = new double[16];
    private int size;
    private double fraction = Double.NaN;
    private double percent = Double.NaN;

    /** The percent (0 to 100) InfluxQL's percentile() was given, kept as given. */
    Values percent(double p) {
      percent = p;
      return this;
    }

    Values add(double x) {
      if (size == values.length) {
        values = Arrays.copyOf(values, size * 2);
      }
      values[size++] = x;
      return this;
    }

    Values fraction(double p) {
      if (!(p >= 0 && p <= 1)) {
        throw new TidewaterException(
            ErrorCode.SQL_INVALID, "a percentile's fraction must be between 0 and 1, got " + p);
      }
      if (!Double.isNaN(fraction) && fraction != p) {
        throw new TidewaterException(
            ErrorCode.SQL_INVALID,
            "a percentile's fraction must be the same for every row, got "
                + fraction
                + " and "
                + p);
      }
      fraction = p;
      return this;
    }

    Values merge(Values other) {
      for (int i = 0; i < other.size; i++) {
        add(other.values[i]);
      }
      if (!Double.isNaN(other.fraction)) {
        fraction(other.fraction);
      }
      if (!Double.isNaN(other.percent)) {
        percent = other.percent;
      }
      return this;
    }

    /** Linear interpolation between the closest ranks, as PERCENTILE_CONT; null over no values. */
    Double continuousPercentile() {
      if (size == 0) {
        return null;
      }
      Arrays.sort(values, 0, size);
      double rank = fraction * (size - 1);
      int below = (int) Math.floor(rank);
      int above = (int) Math.ceil(rank);
      return values[below] + (rank - below) * (values[above] - values[below]);
    }

    /**
     * The first value whose cumulative share reaches the fraction, as PERCENTILE_DISC; null over no
     * values.
     */
    /** InfluxDB's percentile: its index computed as InfluxDB computes it, in doubles. */
    Double nearestRank() {
      int index = (int) Math.floor(size * percent / 100.0 + 0.5) - 1;
      if (size == 0 || index < 0 || index >= size) {
        return null;
      }
      Arrays.sort(values, 0, size);
      return values[index];
    }

    Double discretePercentile() {
      if (size == 0) {
        return null;
      }
      Arrays.sort(values, 0, size);
      int index = (int) Math.ceil(fraction * size) - 1;
      return values[Math.max(0, index)];
    }
  }
}
