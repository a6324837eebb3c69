package io.tidewater.policy;

import java.time.Duration;
import java.util.Objects;

/**
 * The low-latency path of a policy (its {@code micro-batch} field): points that the write targets
 * receive for windows not yet due for export are written to the lake when {@code maxPoints} of them
 * have gathered or the oldest has waited {@code maxDelay}, whichever comes first; the scheduled
 * export later replaces them with the window's full file.
 */
public record MicroBatch(int maxPoints, Duration maxDelay) {

  public static final int DEFAULT_MAX_POINTS = 10_000;
  public static final Duration DEFAULT_MAX_DELAY = Duration.ofSeconds(5);

  /**
   * Above this a batch is no longer micro: the whole window's partial file is rewritten per batch.
   */
  public static final int MAX_POINTS_LIMIT = 1_000_000;

  public MicroBatch {
    Objects.requireNonNull(maxDelay, "maxDelay");
    if (maxPoints < 1 || maxPoints > MAX_POINTS_LIMIT) {
      throw new IllegalArgumentException(
          "max-points must be between 1 and " + MAX_POINTS_LIMIT + ", got " + maxPoints);
    }
    if (maxDelay.isZero() || maxDelay.isNegative()) {
      throw new IllegalArgumentException(
          "max-delay must be positive, got " + Durations.format(maxDelay));
    }
  }
}
