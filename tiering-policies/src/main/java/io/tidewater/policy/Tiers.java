package io.tidewater.policy;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A policy's tiers: how long InfluxDB keeps data (hot), the lake tiers with the ages they start
 * at, and when data expires everywhere ({@link PolicyRules} checks their order).
 */
public record Tiers(Duration hotKeep, Optional<LakeTier> warm, Optional<LakeTier> cold, Optional<Duration> expireAfter) {

  public Tiers {
    Objects.requireNonNull(hotKeep, "hotKeep");
    Objects.requireNonNull(warm, "warm");
    Objects.requireNonNull(cold, "cold");
    Objects.requireNonNull(expireAfter, "expireAfter");
  }

  /** The lake tiers, youngest first. */
  public java.util.List<LakeTier> lakeTiers() {
    return java.util.stream.Stream.of(warm, cold).flatMap(Optional::stream).toList();
  }
}
