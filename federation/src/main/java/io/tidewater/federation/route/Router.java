package io.tidewater.federation.route;

import io.tidewater.federation.TimeRange;
import io.tidewater.policy.Durations;
import io.tidewater.policy.TieringPolicy;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Splits a measurement's time line between the lake and InfluxDB (DESIGN.md section 7). The lake
 * answers what it holds completely (everything before the export's recorded progress) and what
 * the policy no longer keeps hot; InfluxDB answers the rest. Where both hold a range (exported
 * but still hot), InfluxDB answers it: it has the full resolution and recent data is where its
 * indexes are fastest. Split points are whole milliseconds, the resolution SQL compares at.
 */
public final class Router {

  private Router() {}

  /**
   * The parts of the time line, in time order, for a measurement under {@code policy} (none: only
   * InfluxDB has it) whose export is complete up to {@code exportedThrough}.
   */
  public static List<Route> routes(Optional<TieringPolicy> policy, Optional<Instant> exportedThrough, Instant now) {
    if (policy.isEmpty() || exportedThrough.isEmpty()) {
      return List.of(new Route(Place.INFLUXDB, TimeRange.ALL));
    }
    Instant hotFrom = policy.get().ladder().boundaries(now).hotFrom();
    Instant split = exportedThrough.get().isBefore(hotFrom) ? exportedThrough.get() : hotFrom;
    long splitNanos = Math.floorDiv(Durations.epochNanos(split), 1_000_000L) * 1_000_000L;
    return List.of(new Route(Place.LAKE, new TimeRange(Long.MIN_VALUE, splitNanos)),
        new Route(Place.INFLUXDB, new TimeRange(splitNanos, Long.MAX_VALUE)));
  }
}
