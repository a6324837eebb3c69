package io.tidewater.lifecycle.retention;

import io.tidewater.lifecycle.cdc.DirtyRanges;
import io.tidewater.lifecycle.export.LakeCounts;
import io.tidewater.lifecycle.influx.InfluxClient;
import io.tidewater.lifecycle.influx.InfluxQl;
import io.tidewater.lifecycle.lake.Ledger;
import io.tidewater.policy.Durations;
import io.tidewater.policy.Source;
import io.tidewater.policy.Tier;
import io.tidewater.policy.TieringPolicy;
import io.tidewater.policy.Window;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Deletes points past the hot tier from InfluxDB, for policies that opt in, and only where the lake
 * provably holds them: window by window, oldest first, each must be in the ledger with, field by
 * field, as many values as InfluxDB counts, and is then deleted within its bounds. It stops at the
 * first window that is not. Windows past expiry are deleted without a check (the lake drops them
 * too).
 */
public final class HotRetention {

  private final TieringPolicy policy;
  private final InfluxClient influx;
  private final Ledger ledger;
  private final Clock clock;
  private final DirtyRanges dirty;

  public HotRetention(TieringPolicy policy, InfluxClient influx, Ledger ledger, Clock clock) {
    this(policy, influx, ledger, clock, DirtyRanges.NONE);
  }

  /**
   * With change capture: a dirty window (changed since its export, not yet re-exported) stops the
   * cut.
   */
  public HotRetention(
      TieringPolicy policy, InfluxClient influx, Ledger ledger, Clock clock, DirtyRanges dirty) {
    this.dirty = dirty;
    this.policy = policy;
    this.influx = influx;
    this.ledger = ledger;
    this.clock = clock;
  }

  public RetentionReport run(List<String> measurements) {
    if (!policy.deleteFromHotAfterExport()) {
      return new RetentionReport(policy.name(), Map.of(), 0, List.of());
    }
    Source source = policy.source();
    List<String> held = new ArrayList<>();
    if (influx
            .rows(
                source.database(),
                "SHOW RETENTION POLICIES ON " + InfluxQl.identifier(source.database()))
            .size()
        > 1) {
      // InfluxDB 1.x DELETE has no retention-policy clause: it would delete from every one.
      held.add(
          "database "
              + source.database()
              + " has several retention policies and InfluxDB's DELETE would reach"
              + " all of them; delete-from-hot-after-export is skipped for it");
      return new RetentionReport(policy.name(), Map.of(), 0, held);
    }
    Instant hotFrom = policy.ladder().boundaries(clock.instant()).hotFrom();
    Map<String, Instant> deleted = new LinkedHashMap<>();
    int verified = 0;
    for (String m : measurements) {
      Optional<Long> earliest = influx.earliestTime(source.database(), source.retentionPolicy(), m);
      if (earliest.isEmpty() || Durations.fromEpochNanos(earliest.get()).compareTo(hotFrom) >= 0) {
        continue;
      }
      // Window by window: verified, then deleted at once within its bounds, so a point written
      // into a window after its check is never deleted unseen by a later, wider DELETE.
      Instant deletedUpTo = null;
      for (Long start :
          influx.windowsWithData(
              source.database(),
              source.retentionPolicy(),
              m,
              earliest.get(),
              Durations.epochNanos(hotFrom),
              policy.window())) {
        Window w = policy.windows().containing(Durations.fromEpochNanos(start));
        if (policy.ladder().placementAt(w.start(), clock.instant()).tier() != Tier.EXPIRED) {
          if (dirty.dirtyWindows(source.database(), m).contains(w)) {
            // Counts may match while a late write changed values: only the re-export makes the lake
            // whole.
            held.add(
                m
                    + " window "
                    + w
                    + " changed in InfluxDB since its export; kept in InfluxDB until re-exported");
            break;
          }
          Optional<String> mismatch = verify(m, w);
          if (mismatch.isPresent()) {
            held.add(mismatch.get());
            break;
          }
          verified++;
        } // past expiry the lake holds nothing by design: such points leave InfluxDB too
        influx.rows(
            source.database(),
            "DELETE FROM "
                + InfluxQl.identifier(m)
                + " WHERE time >= "
                + InfluxQl.time(Durations.epochNanos(w.start()))
                + " AND time < "
                + InfluxQl.time(Durations.epochNanos(w.end())));
        deletedUpTo = w.end();
      }
      if (deletedUpTo != null) {
        deleted.put(m, deletedUpTo);
      }
    }
    return new RetentionReport(policy.name(), deleted, verified, held);
  }

  /** Empty when the lake holds every value InfluxDB has in the window, else why not. */
  private Optional<String> verify(String m, Window w) {
    Source source = policy.source();
    Map<String, Long> inInflux =
        influx
            .valueCountsPerWindow(
                source.database(),
                source.retentionPolicy(),
                m,
                Durations.epochNanos(w.start()),
                Durations.epochNanos(w.end()),
                w.length())
            .getOrDefault(Durations.epochNanos(w.start()), Map.of());
    Optional<Map<String, Long>> inLake = LakeCounts.of(ledger, policy, m, w);
    if (inLake.isEmpty()) {
      return Optional.of(m + " window " + w + " is not in the lake yet");
    }
    return LakeCounts.differences(inInflux, inLake.get()).stream()
        .findFirst()
        .map(
            d ->
                m
                    + " window "
                    + w
                    + ": field "
                    + d.field()
                    + " has "
                    + d.inInflux()
                    + " values in InfluxDB but "
                    + d.inLake()
                    + " in the lake (late data?); kept in InfluxDB until re-exported");
  }
}
