package io.tidewater.policy.rollup;

/** Accumulates a string or boolean field into one rollup bucket: count, first and last. */
public final class ValueRollup<T> {

  private long count;
  private long firstTime = Long.MAX_VALUE;
  private T first;
  private long lastTime = Long.MIN_VALUE;
  private T last;

  public void reset() {
    count = 0;
    firstTime = Long.MAX_VALUE;
    lastTime = Long.MIN_VALUE;
    first = null;
    last = null;
  }

  public boolean isEmpty() {
    return count == 0;
  }

  public void add(long time, T value) {
    count++;
    times(time, value, time, value);
  }

  public void merge(ValueBucket<T> b) {
    if (b.count() == 0) {
      return;
    }
    count += b.count();
    times(b.firstTime(), b.first(), b.lastTime(), b.last());
  }

  private void times(long tFirst, T vFirst, long tLast, T vLast) {
    if (tFirst < firstTime) {
      firstTime = tFirst;
      first = vFirst;
    }
    if (tLast > lastTime) {
      lastTime = tLast;
      last = vLast;
    }
  }

  public ValueBucket<T> snapshot() {
    return new ValueBucket<>(count, firstTime, first, lastTime, last);
  }
}
