package io.tidewater.lifecycle.tier;

import java.util.List;

/**
 * What one tier-move run did: windows whose raw files changed class, rollups built and dropped,
 * windows expired.
 */
public record TierReport(
    String policy,
    int classChanges,
    int rollupsBuilt,
    int rollupsDropped,
    int rawDropped,
    int windowsExpired,
    List<String> failures) {
  public TierReport {
    failures = List.copyOf(failures);
  }
}
