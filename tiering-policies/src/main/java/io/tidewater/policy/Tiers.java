package io.tidewater.policy;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A policy's tiers: how long InfluxDB keeps data (hot), the lake tiers with the ages they start at,
 * and when data expires everywhere ({@link PolicyRules} checks their order).
 */
public record Tiers(
    Duration hotKeep,
    Optional<LakeTier> warm,
    Optional<LakeTier> cold,
    Optional<Duration> expireAfter) {

  public Tiers {
    Objects.requireNonNull(hotKeep, "hotKeep");
    Objects.requireNonNull(warm, "warm");
    Objects.requireNonNull(cold, "cold");
    Objects.requireNonNull(expireAfter, "expireAfter");
  }

  /** The lake tiers, youngest first. */
  public List<LakeTier> lakeTiers() {
    return Stream.of(warm, cold).flatMap(Optional::stream).toList();
  }
}
