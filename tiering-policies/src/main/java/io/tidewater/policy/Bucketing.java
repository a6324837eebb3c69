package io.tidewater.policy;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A query's time buckets: width and origin ({@code DATE_BIN(width, time, origin)}; epoch by
 * default).
 */
public record Bucketing(Duration width, Instant origin) {

  public Bucketing {
    Objects.requireNonNull(width, "width");
    Objects.requireNonNull(origin, "origin");
    if (width.isZero() || width.isNegative()) {
      throw new IllegalArgumentException("a bucket width must be positive");
    }
  }

  public static Bucketing of(Duration width) {
    return new Bucketing(width, Instant.EPOCH);
  }

  /**
   * Whether every bucket is a whole number of {@code r}-buckets, so rollups of {@code r} merge into
   * it.
   */
  public boolean isComposedOf(Resolution r) {
    return !r.isRaw()
        && Durations.divides(r.width(), width)
        && Durations.isAligned(origin, r.width());
  }
}
