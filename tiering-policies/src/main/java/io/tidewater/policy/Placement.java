package io.tidewater.policy;

import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What the lake holds for data in one tier: full resolution in a storage class (empty: none) and
 * the rollups.
 */
public record Placement(Tier tier, Optional<StorageClass> raw, List<Resolution> rollups) {

  public Placement {
    rollups = List.copyOf(rollups);
  }

  /** The resolutions a query can read, finest first (archived full resolution needs a restore). */
  public List<Resolution> readable() {
    boolean rawReadable = raw.isPresent() && raw.get() != StorageClass.ARCHIVE;
    return Stream.concat(rawReadable ? Stream.of(Resolution.RAW) : Stream.empty(), rollups.stream())
        .toList();
  }
}
