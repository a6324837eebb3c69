package io.tidewater.federation;

import java.time.Instant;

/**
 * A half-open time range {@code [from, to)} in epoch nanoseconds; {@link Long#MIN_VALUE} and {@link
 * Long#MAX_VALUE} stand for unbounded ends.
 */
public record TimeRange(long from, long to) {

  public static final TimeRange ALL = new TimeRange(Long.MIN_VALUE, Long.MAX_VALUE);

  public boolean isEmpty() {
    return from >= to;
  }

  public TimeRange intersect(TimeRange other) {
    return new TimeRange(Math.max(from, other.from), Math.min(to, other.to));
  }

  public boolean boundedBelow() {
    return from != Long.MIN_VALUE;
  }

  public boolean boundedAbove() {
    return to != Long.MAX_VALUE;
  }

  /** For messages and EXPLAIN: ISO instants, {@code -inf}/{@code +inf} for open ends. */
  @Override
  public String toString() {
    return "["
        + (boundedBelow() ? instant(from) : "-inf")
        + ", "
        + (boundedAbove() ? instant(to) : "+inf")
        + ")";
  }

  private static String instant(long nanos) {
    return Instant.ofEpochSecond(
            Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L))
        .toString();
  }
}
