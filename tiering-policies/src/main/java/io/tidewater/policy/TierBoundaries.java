package io.tidewater.policy;

import java.time.Instant;
import java.util.Optional;

/**
 * Where a policy's tiers split the time line at one instant. Data at or after {@link #hotFrom} is
 * kept in InfluxDB; data before {@code warmBefore} is warm, before {@code coldBefore} cold, before
 * {@code expiredBefore} expired. Lake tier splits are aligned to {@link TierLadder#unit()}.
 */
public record TierBoundaries(
    Instant hotFrom,
    Optional<Instant> warmBefore,
    Optional<Instant> coldBefore,
    Optional<Instant> expiredBefore) {

  /** The tier of data at {@code t}, judged by the lake's tiers (InfluxDB may still hold it). */
  public Tier tierAt(Instant t) {
    if (expiredBefore.isPresent() && t.isBefore(expiredBefore.get())) {
      return Tier.EXPIRED;
    }
    if (coldBefore.isPresent() && t.isBefore(coldBefore.get())) {
      return Tier.COLD;
    }
    if (warmBefore.isPresent() && t.isBefore(warmBefore.get())) {
      return Tier.WARM;
    }
    return Tier.HOT;
  }

  /** Whether InfluxDB keeps data at {@code t} by policy. */
  public boolean inInfluxDb(Instant t) {
    return !t.isBefore(hotFrom);
  }
}
