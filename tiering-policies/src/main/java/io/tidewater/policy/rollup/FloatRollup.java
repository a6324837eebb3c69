package io.tidewater.policy.rollup;

/**
 * Accumulates a float field into one rollup bucket, from raw points ({@link #add}) or from finer
 * buckets ({@link #merge}); both give the same result (Thanos's downsampling aggregator shape).
 * Mutable and reused through {@link #reset}: no allocation per point.
 */
public final class FloatRollup {

  private long count;
  private double sum;
  private double min;
  private double max;
  private long firstTime;
  private double first;
  private long lastTime;
  private double last;

  public FloatRollup() {
    reset();
  }

  public void reset() {
    count = 0;
    sum = 0;
    min = Double.POSITIVE_INFINITY;
    max = Double.NEGATIVE_INFINITY;
    firstTime = Long.MAX_VALUE;
    first = Double.NaN;
    lastTime = Long.MIN_VALUE;
    last = Double.NaN;
  }

  public boolean isEmpty() {
    return count == 0;
  }

  public void add(long time, double value) {
    count++;
    sum += value;
    min = Math.min(min, value);
    max = Math.max(max, value);
    firstAndLast(time, value, time, value);
  }

  public void merge(FloatBucket b) {
    if (b.count() == 0) {
      return;
    }
    count += b.count();
    sum += b.sum();
    min = Math.min(min, b.min());
    max = Math.max(max, b.max());
    firstAndLast(b.firstTime(), b.first(), b.lastTime(), b.last());
  }

  // InfluxDB holds one value per series and time, so equal times do not occur within a series.
  private void firstAndLast(long tFirst, double vFirst, long tLast, double vLast) {
    if (tFirst < firstTime) {
      firstTime = tFirst;
      first = vFirst;
    }
    if (tLast > lastTime) {
      lastTime = tLast;
      last = vLast;
    }
  }

  public FloatBucket snapshot() {
    return new FloatBucket(count, sum, min, max, firstTime, first, lastTime, last);
  }
}
