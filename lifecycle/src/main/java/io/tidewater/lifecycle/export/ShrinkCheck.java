package io.tidewater.lifecycle.export;

import io.tidewater.lifecycle.influx.InfluxClient;
import io.tidewater.lifecycle.lake.Ledger;
import io.tidewater.policy.Durations;
import io.tidewater.policy.TieringPolicy;
import io.tidewater.policy.Window;
import java.util.Map;
import java.util.Optional;

/**
 * Whether InfluxDB now holds fewer values of some field in a window than the lake: writing the
 * window again would then replace data the lake has with less (deleted or expired in InfluxDB).
 */
final class ShrinkCheck {

  private final TieringPolicy policy;
  private final InfluxClient influx;
  private final Ledger ledger;

  ShrinkCheck(TieringPolicy policy, InfluxClient influx, Ledger ledger) {
    this.policy = policy;
    this.influx = influx;
    this.ledger = ledger;
  }

  /**
   * The first field the lake holds more values of than InfluxDB in {@code w}, described; empty if
   * none.
   */
  Optional<String> of(String measurement, Window w) {
    Optional<Map<String, Long>> lake = LakeCounts.of(ledger, policy, measurement, w);
    if (lake.isEmpty()) {
      return Optional.empty();
    }
    Map<String, Long> inInflux =
        influx
            .valueCountsPerWindow(
                policy.source().database(),
                policy.source().retentionPolicy(),
                measurement,
                Durations.epochNanos(w.start()),
                Durations.epochNanos(w.end()),
                w.length())
            .getOrDefault(Durations.epochNanos(w.start()), Map.of());
    return LakeCounts.differences(inInflux, lake.get()).stream()
        .filter(d -> !d.lakeLacks())
        .findFirst()
        .map(LakeCounts.Difference::toString);
  }
}
