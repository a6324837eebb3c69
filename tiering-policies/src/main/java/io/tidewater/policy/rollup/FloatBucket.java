package io.tidewater.policy.rollup;

/**
 * One float field's rollup bucket: count, sum, min, max, first and last with their times (epoch
 * ns).
 */
public record FloatBucket(
    long count,
    double sum,
    double min,
    double max,
    long firstTime,
    double first,
    long lastTime,
    double last) {

  /** {@code sum / count}: the mean is derived, never stored, so it re-aggregates exactly. */
  public double mean() {
    return sum / count;
  }
}
