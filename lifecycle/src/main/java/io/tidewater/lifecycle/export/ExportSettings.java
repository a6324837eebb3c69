package io.tidewater.lifecycle.export;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How an {@link ExportJob} retries windows and whether it takes a lease in the lake.
 *
 * @param attempts attempts per window (at least 1)
 * @param firstBackoff the wait after the first failed attempt, doubling after each further one
 * @param lease who this gateway is and how long its lease lasts; empty: no lease (one gateway only)
 */
public record ExportSettings(int attempts, Duration firstBackoff, Optional<Lease> lease) {

  /** Three attempts, five seconds' first backoff, no lease. */
  public static final ExportSettings DEFAULT =
      new ExportSettings(3, Duration.ofSeconds(5), Optional.empty());

  /** Who holds a policy's lease and how long it lasts before another gateway may take over. */
  public record Lease(String owner, Duration ttl) {
    public Lease {
      Objects.requireNonNull(owner, "owner");
      if (ttl.isNegative() || ttl.isZero()) {
        throw new IllegalArgumentException("a lease must last longer than zero, got " + ttl);
      }
    }
  }

  public ExportSettings {
    if (attempts < 1) {
      throw new IllegalArgumentException("attempts must be at least 1, got " + attempts);
    }
    Objects.requireNonNull(firstBackoff, "firstBackoff");
    Objects.requireNonNull(lease, "lease");
  }

  public ExportSettings withAttempts(int attempts) {
    return new ExportSettings(attempts, firstBackoff, lease);
  }

  public ExportSettings withBackoff(Duration firstBackoff) {
    return new ExportSettings(attempts, firstBackoff, lease);
  }

  public ExportSettings withLease(String owner, Duration ttl) {
    return new ExportSettings(attempts, firstBackoff, Optional.of(new Lease(owner, ttl)));
  }
}
