package io.tidewater.federation.influx;

/**
 * How a bucketed aggregate without tag groups finds SQL's groups that InfluxDB's {@code fill(none)}
 * leaves out: a bucket whose points lack every aggregated field is a group in SQL (its aggregates
 * NULL, its counts 0) but no row in InfluxDB's answer. Rather than counting every other field in
 * the query itself, which makes InfluxDB read them all, the answer is read first and the other
 * fields are counted (a presence query) only over the part of the range the answer cannot vouch
 * for: from the first bucket missing from it to the end of the range, or, where the range is open
 * at an end, beyond the answer's buckets on that side. A bounded range whose every bucket has the
 * aggregated fields needs nothing more; one open at its end (the usual "since" query) needs one
 * more query past its last bucket, usually over no points; one open at its start, one over all the
 * history before its first bucket.
 *
 * @param selectFrom {@code SELECT count(f)... FROM measurement} over the fields not aggregated
 * @param conditions the query's other conditions, each after {@code " AND "}
 * @param widthMillis the bucket width
 * @param descending whether the answer comes newest bucket first
 * @param bucketColumn the output column holding the bucket's start
 * @param from the range's start in nanoseconds (InfluxQL's bound where open)
 * @param to the range's end in nanoseconds, exclusive (InfluxQL's bound where open)
 */
record BucketGaps(
    String selectFrom,
    String conditions,
    long widthMillis,
    boolean descending,
    int bucketColumn,
    long from,
    long to) {

  /**
   * The first bucket of the answer (in its order), in milliseconds; null where the range is open at
   * that end.
   */
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

  /**
   * The presence query over the rest of the range from bucket {@code bucket} on (in the answer's
   * order), or over all of it where {@code bucket} is null, reading at most {@code limit} buckets
   * (null: all).
   */
  String statementFrom(Long bucket, Long limit) {
    if (bucket == null) {
      return statement(from, to, limit);
    }
    return descending
        ? statement(from, Math.min(to, nanos(bucket + widthMillis)), limit)
        : statement(Math.max(from, nanos(bucket)), to, limit);
  }

  /**
   * The presence query over the part of the range that comes before bucket {@code bucket} in the
   * answer's order.
   */
  String statementBefore(long bucket, Long limit) {
    return descending
        ? statement(Math.max(from, nanos(bucket + widthMillis)), to, limit)
        : statement(from, Math.min(to, nanos(bucket)), limit);
  }

  private String statement(long fromNanos, long toNanos, Long limit) {
    return selectFrom
        + " WHERE time >= "
        + fromNanos
        + " AND time < "
        + toNanos
        + conditions
        + " GROUP BY time("
        + widthMillis
        + "ms) fill(none)"
        + (descending ? " ORDER BY time DESC" : "")
        + (limit == null ? "" : " LIMIT " + limit);
  }

  private long lastMillis() {
    return Math.floorDiv(to - 1, 1_000_000L);
  }

  private long floor(long millis) {
    return millis - Math.floorMod(millis, widthMillis);
  }

  /**
   * Milliseconds as nanoseconds, held within InfluxDB's time range (buckets at its ends would
   * overflow).
   */
  private static long nanos(long millis) {
    if (millis > InfluxQueryBuilder.MAX_TIME / 1_000_000L) {
      return InfluxQueryBuilder.MAX_TIME;
    }
    return millis < InfluxQueryBuilder.MIN_TIME / 1_000_000L
        ? InfluxQueryBuilder.MIN_TIME
        : millis * 1_000_000L;
  }
}
