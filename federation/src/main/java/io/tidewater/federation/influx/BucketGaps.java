package io.tidewater.federation.influx;

/**
 * How a bucketed aggregate without tag groups finds SQL's groups that InfluxDB's {@code fill(none)}
 * leaves out: a bucket whose points lack every aggregated field is a group in SQL (its aggregates
 * NULL, its counts 0) but no row in InfluxDB's answer. Rather than counting every other field in
 * the query itself, which makes InfluxDB read them all, the answer is read first; only if a bucket
 * of the range is missing from it are the other fields counted, from the first missing bucket to
 * the end of the range, in one more request. Dense series (the usual case) never need it.
 *
 * @param selectFrom {@code SELECT count(f)... FROM measurement} over the fields not aggregated
 * @param conditions the query's other conditions, each after {@code " AND "}
 * @param widthMillis the bucket width
 * @param descending whether the answer comes newest bucket first
 * @param bucketColumn the output column holding the bucket's start
 * @param from the range's start in nanoseconds (InfluxQL's bound where open)
 * @param to the range's end in nanoseconds, exclusive
 */
record BucketGaps(String selectFrom, String conditions, long widthMillis, boolean descending, int bucketColumn,
    long from, long to) {

  /** The presence query over {@code [fromNanos, toNanos)}, in the answer's order. */
  String statement(long fromNanos, long toNanos) {
    return selectFrom + " WHERE time >= " + fromNanos + " AND time < " + toNanos + conditions + " GROUP BY time("
        + widthMillis + "ms) fill(none)" + (descending ? " ORDER BY time DESC" : "");
  }

  /** The first bucket of the answer (in its order), in milliseconds; null where the range is open at that end. */
  Long firstBucket() {
    if (descending) {
      return to >= InfluxQueryBuilder.MAX_TIME ? null : floor(lastMillis());
    }
    return from <= InfluxQueryBuilder.MIN_TIME ? null : floor(Math.floorDiv(from, 1_000_000L));
  }

  /** The bucket after {@code bucket} in the answer's order. */
  long next(long bucket) {
    return descending ? bucket - widthMillis : bucket + widthMillis;
  }

  /** Whether the bucket starting at {@code bucket} (milliseconds) holds any time of the range. */
  boolean inRange(long bucket) {
    return bucket <= lastMillis() && bucket + widthMillis > Math.floorDiv(from, 1_000_000L);
  }

  /** Whether bucket {@code a} comes before bucket {@code b} in the answer's order. */
  boolean before(long a, long b) {
    return descending ? a > b : a < b;
  }

  /** The presence query over the rest of the range from bucket {@code bucket} on (in the answer's order), or all of it. */
  String statementFrom(Long bucket) {
    if (bucket == null) {
      return statement(from, to);
    }
    return descending ? statement(from, Math.min(to, (bucket + widthMillis) * 1_000_000L))
        : statement(Math.max(from, bucket * 1_000_000L), to);
  }

  private long lastMillis() {
    return Math.floorDiv(to - 1, 1_000_000L);
  }

  private long floor(long millis) {
    return millis - Math.floorMod(millis, widthMillis);
  }
}
