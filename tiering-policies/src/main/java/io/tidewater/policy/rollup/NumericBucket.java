package io.tidewater.policy.rollup;

/**
 * One numeric field's rollup bucket: count, sum, min, max, and the first and last values with
 * their times (epoch nanoseconds). Sums of integer fields are exact in {@code long} and wrap on
 * overflow as InfluxDB's own {@code sum()} does; float fields use {@code double}.
 */
public record NumericBucket(long count, double sum, long longSum, double min, double max,
    long firstTime, double first, long lastTime, double last) {

  /** {@code sum / count}: the mean is derived, never stored, so it re-aggregates exactly. */
  public double mean() {
    return sum / count;
  }
}
