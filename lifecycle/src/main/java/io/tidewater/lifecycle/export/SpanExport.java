package io.tidewater.lifecycle.export;

import io.tidewater.policy.Durations;
import io.tidewater.policy.Placement;
import io.tidewater.policy.Resolution;
import io.tidewater.policy.TieringPolicy;
import io.tidewater.policy.Window;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Exports windows the lake keeps only as rollups coarser than a window ({@link
 * WindowExporter#spanOnly}): each span they fall in is read from InfluxDB whole and its rollup
 * rebuilt, once however many of its windows are listed; a span whose rollup holds more values than
 * InfluxDB now has (deleted or expired there) is not rebuilt. Every listed window holding points,
 * or in {@code keepEmpty}, is reported exported, and every listed window of a span that failed is
 * reported failed with it; a span without points is written only for a window in {@code keepEmpty}.
 */
final class SpanExport {

  private final TieringPolicy policy;
  private final WindowExporter exporter;
  private final PolicyLock lock;
  private final ShrinkCheck shrinks;

  SpanExport(TieringPolicy policy, WindowExporter exporter, PolicyLock lock, ShrinkCheck shrinks) {
    this.policy = policy;
    this.exporter = exporter;
    this.lock = lock;
    this.shrinks = shrinks;
  }

  void export(
      String measurement,
      List<Window> windows,
      Set<Window> keepEmpty,
      Instant now,
      List<WindowExport> exported,
      List<JobReport.WindowFailure> failures) {
    Map<Window, List<Resolution>> spanRollups = new TreeMap<>();
    Map<Window, List<Window>> members = new TreeMap<>();
    for (Window w : windows) {
      Placement placement = policy.ladder().placementAt(w.start(), now);
      for (Resolution r : placement.rollups()) {
        Instant start = Durations.floor(w.start(), r.width());
        Window span = new Window(start, start.plus(r.width()));
        if (!spanRollups.computeIfAbsent(span, k -> new ArrayList<>()).contains(r)) {
          spanRollups.get(span).add(r);
        }
        members.computeIfAbsent(span, k -> new ArrayList<>()).add(w);
      }
    }
    Map<Window, JobReport.WindowFailure> failed = new HashMap<>();
    Map<Window, List<String>> done = new HashMap<>();
    Map<Window, Long> rows = new HashMap<>();
    for (var e : spanRollups.entrySet()) {
      Window span = e.getKey();
      for (Resolution r : e.getValue()) {
        lock.check();
        Optional<String> shrunk;
        try {
          shrunk = shrinks.of(measurement, span);
          if (shrunk.isEmpty()) {
            boolean named = members.get(span).stream().anyMatch(keepEmpty::contains);
            Map<Window, Long> read = exporter.exportSpan(policy, measurement, span, r, now, named);
            for (Window w : members.get(span)) {
              if (read.containsKey(w)
                  || keepEmpty.contains(w)) { // other windows without points are not reported
                done.computeIfAbsent(w, k -> new ArrayList<>()).add(r.name());
                rows.merge(w, read.getOrDefault(w, 0L), Math::max);
              }
            }
          }
        } catch (RuntimeException ex) {
          members
              .get(span)
              .forEach(
                  w ->
                      failed.putIfAbsent(
                          w,
                          JobReport.WindowFailure.error(
                              measurement, w, String.valueOf(ex.getMessage()))));
          continue;
        }
        shrunk.ifPresent(
            s ->
                members
                    .get(span)
                    .forEach(
                        w ->
                            failed.putIfAbsent(
                                w,
                                JobReport.WindowFailure.onPurpose(
                                    measurement,
                                    w,
                                    JobReport.FailureKind.WOULD_LOSE_DATA,
                                    " of span "
                                        + span
                                        + " ("
                                        + s
                                        + "): deleted or expired there? The lake keeps its copy"))));
      }
    }
    for (Window w : windows.stream().distinct().toList()) {
      if (failed.containsKey(w)) {
        failures.add(failed.get(w));
      } else if (done.containsKey(w)) {
        exported.add(
            new WindowExport(
                measurement,
                w,
                policy.ladder().placementAt(w.start(), now).tier(),
                rows.getOrDefault(w, 0L),
                0,
                done.get(w)));
      }
    }
  }
}
