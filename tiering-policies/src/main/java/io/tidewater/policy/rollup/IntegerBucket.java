package io.tidewater.policy.rollup;

/**
 * One integer or unsigned field's rollup bucket, exact in {@code long}: count, sum (wrapping on
 * overflow as InfluxDB's {@code sum()} does), min, max, first and last with their times (epoch ns).
 * Unsigned values are held in the same 64 bits and compared unsigned.
 */
public record IntegerBucket(
    long count,
    long sum,
    long min,
    long max,
    long firstTime,
    long first,
    long lastTime,
    long last) {

  public double mean() {
    return (double) sum / count;
  }
}
