package io.tidewater.policy;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A tier of the lake (warm or cold): from which age it applies, which rollups exist while data is
 * in it (rollups of a younger tier not listed here are dropped on entry), and where full-resolution
 * data is kept (empty: dropped).
 */
public record LakeTier(
    Tier tier, Duration after, List<Resolution> rollups, Optional<StorageClass> raw) {

  public LakeTier {
    Objects.requireNonNull(tier, "tier");
    Objects.requireNonNull(after, "after");
    Objects.requireNonNull(raw, "raw");
    rollups = rollups.stream().sorted().toList();
  }

  /** What the lake holds for data in this tier. */
  public Placement placement() {
    return new Placement(tier, raw, rollups);
  }
}
