package io.tidewater.policy.rollup;

/**
 * Accumulates a numeric field into one rollup bucket, from raw points ({@link #add}) or from finer
 * buckets ({@link #merge}); both give the same result (Thanos's downsampling aggregator shape).
 * Mutable and reused across buckets through {@link #reset}: no allocation per point.
 */
public final class NumericRollup {

  private long count;
  private double sum;
  private long longSum;
  private double min;
  private double max;
  private long firstTime;
  private double first;
  private long lastTime;
  private double last;

  public NumericRollup() {
    reset();
  }

  /** Empties the bucket. */
  public void reset() {
    count = 0;
    sum = 0;
    longSum = 0;
    min = Double.POSITIVE_INFINITY;
    max = Double.NEGATIVE_INFINITY;
    firstTime = Long.MAX_VALUE;
    lastTime = Long.MIN_VALUE;
    first = Double.NaN;
    last = Double.NaN;
  }

  public boolean isEmpty() {
    return count == 0;
  }

  /** Adds a float point. */
  public void add(long time, double value) {
    count++;
    sum += value;
    extremes(value);
    times(time, value, time, value);
  }

  /** Adds an integer point: its sum is kept exactly as well. */
  public void add(long time, long value) {
    count++;
    sum += value;
    longSum += value;
    extremes(value);
    times(time, value, time, value);
  }

  /** Merges a finer bucket into this one. */
  public void merge(NumericBucket b) {
    if (b.count() == 0) {
      return;
    }
    count += b.count();
    sum += b.sum();
    longSum += b.longSum();
    min = Math.min(min, b.min());
    max = Math.max(max, b.max());
    times(b.firstTime(), b.first(), b.lastTime(), b.last());
  }

  private void extremes(double value) {
    if (value < min) {
      min = value;
    }
    if (value > max) {
      max = value;
    }
  }

  /** Ties keep what came first: InfluxDB holds one value per series and time, so ties do not occur in one series. */
  private void times(long tFirst, double vFirst, long tLast, double vLast) {
    if (tFirst < firstTime) {
      firstTime = tFirst;
      first = vFirst;
    }
    if (tLast > lastTime) {
      lastTime = tLast;
      last = vLast;
    }
  }

  /** The bucket as an immutable value. */
  public NumericBucket snapshot() {
    return new NumericBucket(count, sum, longSum, min, max, firstTime, first, lastTime, last);
  }
}
