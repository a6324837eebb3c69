package io.tidewater.lifecycle.cdc;

import io.tidewater.lifecycle.export.ExportJob;
import io.tidewater.lifecycle.export.JobReport;
import io.tidewater.lifecycle.export.WindowExport;
import io.tidewater.policy.Window;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Re-exports dirty windows once they have settled: per policy, through its export job (so never
 * alongside a run of the same policy), from InfluxDB, the source of truth. A window re-committed is
 * clean unless it changed again meanwhile; a failed one stays dirty and is tried on the next round,
 * up to {@value #MAX_ROUNDS} rounds; one past expiry is dropped; one InfluxDB no longer holds fully
 * (deleted there, or holding fewer values than the lake) is set apart as unrepairable rather than
 * replacing the lake's copy with less. The change log is trimmed after each round.
 */
public final class DirtyWindowRepair {

  /**
   * Rounds a window may fail (after the export job's own retries) before it is set apart as
   * unrepairable.
   */
  public static final int MAX_ROUNDS = 5;

  /**
   * What one round did, per policy that had settled dirty windows. {@code busy}: policies skipped
   * because an export of theirs was running.
   */
  public record Round(Map<String, JobReport> byPolicy, List<String> busy) {
    public Round {
      byPolicy = Map.copyOf(byPolicy);
      busy = List.copyOf(busy);
    }

    public List<WindowExport> reexported() {
      return byPolicy.values().stream().flatMap(r -> r.exported().stream()).toList();
    }

    public List<JobReport.WindowFailure> failures() {
      return byPolicy.values().stream().flatMap(r -> r.failures().stream()).toList();
    }
  }

  private final ChangeCapture capture;
  private final List<ExportJob> jobs;
  private final Clock clock;
  private final Map<String, Integer> attempts = new ConcurrentHashMap<>();

  public DirtyWindowRepair(ChangeCapture capture, List<ExportJob> jobs, Clock clock) {
    this.capture = Objects.requireNonNull(capture, "capture");
    this.jobs = List.copyOf(jobs);
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Re-exports every settled dirty window, then trims the log. */
  public Round run() {
    Instant now = clock.instant();
    Map<String, JobReport> byPolicy = new LinkedHashMap<>();
    List<String> busy = new ArrayList<>();
    try {
      for (ExportJob job : jobs) {
        List<DirtyWindow> settled = capture.settled(job.policy(), now);
        if (settled.isEmpty()) {
          continue;
        }
        try {
          repair(job, settled)
              .ifPresentOrElse(
                  r -> byPolicy.put(job.policy().name(), r), () -> busy.add(job.policy().name()));
        } catch (RuntimeException e) {
          // One policy's trouble (its lease, its InfluxDB schema) must not hold back the others.
          List<JobReport.WindowFailure> failed =
              settled.stream()
                  .map(
                      d ->
                          JobReport.WindowFailure.error(
                              d.measurement(), d.window(), String.valueOf(e.getMessage())))
                  .toList();
          settled.forEach(d -> countFailure(Optional.of(d)));
          byPolicy.put(
              job.policy().name(), new JobReport(job.policy().name(), List.of(), 0, failed));
        }
      }
    } finally {
      capture.trim();
    }
    return new Round(byPolicy, busy);
  }

  /** Empty when the policy's job is busy. */
  private Optional<JobReport> repair(ExportJob job, List<DirtyWindow> settled) {
    Map<String, List<Window>> byMeasurement = new LinkedHashMap<>();
    settled.forEach(
        d ->
            byMeasurement.computeIfAbsent(d.measurement(), m -> new ArrayList<>()).add(d.window()));
    Optional<JobReport> report = job.reexport(byMeasurement);
    if (report.isEmpty()) {
      return report;
    }
    for (WindowExport e : report.get().exported()) {
      find(settled, e.measurement(), e.window())
          .ifPresent(
              d -> {
                attempts.remove(key(d));
                capture.cleaned(d);
              });
    }
    for (JobReport.WindowFailure f : report.get().failures()) {
      Optional<DirtyWindow> d = find(settled, f.measurement(), f.window());
      switch (f.kind()) {
        case PAST_EXPIRY ->
            d.ifPresent(capture::cleaned); // the lake drops it: nothing left to repair
        case HOT_DELETED, WOULD_LOSE_DATA -> d.ifPresent(capture::giveUp);
        case ERROR -> countFailure(d);
      }
    }
    return report;
  }

  /**
   * A window failing round after round is set apart, so it does not hold the change log forever.
   */
  private void countFailure(Optional<DirtyWindow> d) {
    d.ifPresent(
        w -> {
          if (attempts.merge(key(w), 1, Integer::sum) >= MAX_ROUNDS) {
            attempts.remove(key(w));
            capture.giveUp(w);
          }
        });
  }

  private static String key(DirtyWindow d) {
    return d.database() + "\u0000" + d.measurement() + "\u0000" + d.window().start();
  }

  private static Optional<DirtyWindow> find(
      List<DirtyWindow> windows, String measurement, Window window) {
    return windows.stream()
        .filter(d -> d.measurement().equals(measurement) && d.window().equals(window))
        .findFirst();
  }
}
