package io.tidewater.lifecycle.cdc;

import io.tidewater.lifecycle.export.LakeCounts;
import io.tidewater.lifecycle.influx.InfluxClient;
import io.tidewater.lifecycle.lake.Ledger;
import io.tidewater.lifecycle.lake.WindowVersion;
import io.tidewater.policy.Durations;
import io.tidewater.policy.Resolution;
import io.tidewater.policy.Source;
import io.tidewater.policy.Tier;
import io.tidewater.policy.TieringPolicy;
import io.tidewater.policy.Window;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Finds what change capture missed (a subscription drops writes while the gateway is down): per due
 * window of a policy's measurements, the values per field InfluxDB counts (one {@code count(*)
 * GROUP BY time(window)} per measurement) against what the lake holds. A window where InfluxDB
 * holds more is marked dirty, so it is re-exported; one where InfluxDB holds fewer (points deleted
 * or expired there) is only reported: re-exporting would lose data the lake has. Windows InfluxDB
 * no longer holds by policy (deleted after export) and dirty windows are skipped.
 */
public final class Reconciler {

  /** Cause of the dirty windows it marks. */
  public static final String CAUSE = "reconciliation: InfluxDB holds values the lake lacks";

  /**
   * A window whose counts differ.
   *
   * @param markedDirty whether it was marked for re-export
   */
  public record Finding(String measurement, Window window, String detail, boolean markedDirty) {}

  /** One run over a policy. */
  public record Report(String policy, Instant at, int windowsChecked, List<Finding> findings) {
    public Report {
      findings = List.copyOf(findings);
    }

    public long markedDirty() {
      return findings.stream().filter(Finding::markedDirty).count();
    }
  }

  private final TieringPolicy policy;
  private final InfluxClient influx;
  private final Ledger ledger;
  private final ChangeCapture capture;
  private final Clock clock;
  // Each run compares every window InfluxDB or the lake holds; most lake versions are the same as
  // last run's, and their counts with them.
  private final LakeCounts.Memo lakeCounts = new LakeCounts.Memo(100_000);

  public Reconciler(
      TieringPolicy policy,
      InfluxClient influx,
      Ledger ledger,
      ChangeCapture capture,
      Clock clock) {
    this.policy = policy;
    this.influx = influx;
    this.ledger = ledger;
    this.capture = capture;
    this.clock = clock;
  }

  public TieringPolicy policy() {
    return policy;
  }

  /**
   * Compares every due window of every claimed measurement; marks the ones the lake lacks values
   * of.
   */
  public Report run() {
    Instant now = clock.instant();
    Source source = policy.source();
    String db = source.database();
    Instant dueUntil = policy.windows().dueUntil(now);
    // Past hot keep a deleting policy has removed the points from InfluxDB on purpose.
    Instant influxHoldsFrom =
        policy.deleteFromHotAfterExport() ? policy.ladder().boundaries(now).hotFrom() : Instant.MIN;
    int checked = 0;
    List<Finding> findings = new ArrayList<>();
    for (String m : influx.measurements(db)) {
      if (!source.claims(m)) {
        continue;
      }
      Set<Instant> inLake = lakeWindows(db, m);
      Optional<Long> earliest = influx.earliestTime(db, source.retentionPolicy(), m);
      Instant first = earliest.map(Durations::fromEpochNanos).orElse(dueUntil);
      if (!inLake.isEmpty() && inLake.iterator().next().isBefore(first)) {
        first = inLake.iterator().next();
      }
      if (first.isBefore(influxHoldsFrom)) {
        first = influxHoldsFrom;
      }
      Instant from = policy.windows().containing(first).start();
      if (!from.isBefore(dueUntil)) {
        continue;
      }
      Map<Long, Map<String, Long>> counted =
          influx.valueCountsPerWindow(
              db,
              source.retentionPolicy(),
              m,
              Durations.epochNanos(from),
              Durations.epochNanos(dueUntil),
              policy.window());
      TreeSet<Instant> starts =
          new TreeSet<>(
              inLake.stream().filter(s -> !s.isBefore(from) && s.isBefore(dueUntil)).toList());
      counted.keySet().forEach(s -> starts.add(Durations.fromEpochNanos(s)));
      Set<Window> dirty = new HashSet<>(capture.dirtyWindows(db, m));
      // Windows past the export's progress that the lake lacks are the scheduled export's to do.
      Instant exportedThrough = ledger.exportedThrough(db, m).orElse(Instant.MIN);
      for (Instant start : starts) {
        Window w = policy.windows().containing(start);
        if (dirty.contains(w)
            || policy.ladder().placementAt(w.start(), now).tier() == Tier.EXPIRED
            || (!inLake.contains(start) && w.end().isAfter(exportedThrough))) {
          continue;
        }
        checked++;
        try {
          Map<String, Long> inInflux = counted.getOrDefault(Durations.epochNanos(start), Map.of());
          Optional<Map<String, Long>> lake =
              inLake.contains(start) ? lakeCounts.of(ledger, policy, m, w) : Optional.empty();
          compare(m, w, inInflux, lake.orElse(Map.of()), lake.isPresent(), now)
              .ifPresent(findings::add);
        } catch (RuntimeException e) {
          // A file replaced by a concurrent re-export, or in an archive class: the next run sees it
          // again.
          findings.add(new Finding(m, w, "not compared: " + e.getMessage(), false));
        }
      }
    }
    return new Report(policy.name(), now, checked, findings);
  }

  private Optional<Finding> compare(
      String m,
      Window w,
      Map<String, Long> inInflux,
      Map<String, Long> inLake,
      boolean held,
      Instant now) {
    List<LakeCounts.Difference> differences = LakeCounts.differences(inInflux, inLake);
    List<String> lacking =
        differences.stream()
            .filter(LakeCounts.Difference::lakeLacks)
            .map(Object::toString)
            .toList();
    List<String> extra =
        differences.stream().filter(d -> !d.lakeLacks()).map(Object::toString).toList();
    if (!lacking.isEmpty()) {
      capture.markDirty(policy, m, w, now, CAUSE);
      return Optional.of(
          new Finding(
              m,
              w,
              (held ? "" : "not in the lake; ")
                  + String.join("; ", lacking)
                  + "; marked for re-export",
              true));
    }
    if (!extra.isEmpty()) {
      return Optional.of(
          new Finding(
              m,
              w,
              String.join("; ", extra)
                  + "; InfluxDB holds fewer values (deleted or"
                  + " expired there?): not re-exported, the lake keeps its copy",
              false));
    }
    return Optional.empty();
  }

  /** Window starts the lake holds at any resolution, in order. */
  private Set<Instant> lakeWindows(String db, String m) {
    TreeSet<Instant> starts = new TreeSet<>();
    Set<Resolution> resolutions = new HashSet<>();
    resolutions.add(Resolution.RAW);
    policy.tiers().lakeTiers().forEach(t -> resolutions.addAll(t.rollups()));
    for (Resolution r : resolutions) {
      for (WindowVersion v : ledger.windows(db, m, r)) {
        if (!v.deleted()
            && !v.partial()) { // a micro-batched window is the scheduled export's to finish
          starts.add(v.window().start());
        }
      }
    }
    return starts;
  }
}
