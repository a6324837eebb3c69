package io.tidewater.policy.rollup;

/**
 * Accumulates an integer (or, when {@code unsigned}, an unsigned) field into one rollup bucket,
 * exactly: values never pass through {@code double}. Same shape as {@link FloatRollup}.
 */
public final class IntegerRollup {

  private final boolean unsigned;
  private long count;
  private long sum;
  private long min;
  private long max;
  private long firstTime;
  private long first;
  private long lastTime;
  private long last;

  public IntegerRollup(boolean unsigned) {
    this.unsigned = unsigned;
    reset();
  }

  public void reset() {
    count = 0;
    sum = 0;
    min = unsigned ? -1L : Long.MAX_VALUE; // -1 is the largest unsigned value
    max = unsigned ? 0L : Long.MIN_VALUE;
    firstTime = Long.MAX_VALUE;
    first = 0;
    lastTime = Long.MIN_VALUE;
    last = 0;
  }

  public boolean isEmpty() {
    return count == 0;
  }

  public void add(long time, long value) {
    count++;
    sum += value;
    extremes(value, value);
    firstAndLast(time, value, time, value);
  }

  public void merge(IntegerBucket b) {
    if (b.count() == 0) {
      return;
    }
    count += b.count();
    sum += b.sum();
    extremes(b.min(), b.max());
    firstAndLast(b.firstTime(), b.first(), b.lastTime(), b.last());
  }

  private void extremes(long low, long high) {
    if (compare(low, min) < 0) {
      min = low;
    }
    if (compare(high, max) > 0) {
      max = high;
    }
  }

  private int compare(long a, long b) {
    return unsigned ? Long.compareUnsigned(a, b) : Long.compare(a, b);
  }

  private void firstAndLast(long tFirst, long vFirst, long tLast, long vLast) {
    if (tFirst < firstTime) {
      firstTime = tFirst;
      first = vFirst;
    }
    if (tLast > lastTime) {
      lastTime = tLast;
      last = vLast;
    }
  }

  public IntegerBucket snapshot() {
    return new IntegerBucket(count, sum, min, max, firstTime, first, lastTime, last);
  }
}
