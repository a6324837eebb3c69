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

/**
 * Re-exports dirty windows once they have settled: per policy, through its export job (so never
 * alongside a run of the same policy), from InfluxDB, the source of truth. A window re-committed
 * is clean unless it changed again meanwhile; a failed one stays dirty and is tried on the next
 * round. The change log is trimmed after each round.
 */
public final class DirtyWindowRepair {

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
    for (ExportJob job : jobs) {
      List<DirtyWindow> settled = capture.settled(job.policy(), now);
      if (settled.isEmpty()) {
        continue;
      }
      Map<String, List<Window>> byMeasurement = new LinkedHashMap<>();
      settled.forEach(d -> byMeasurement.computeIfAbsent(d.measurement(), m -> new ArrayList<>()).add(d.window()));
      Optional<JobReport> report = job.reexport(byMeasurement);
      if (report.isEmpty()) {
        busy.add(job.policy().name());
        continue;
      }
      for (WindowExport e : report.get().exported()) {
        find(settled, e.measurement(), e.window()).ifPresent(capture::cleaned);
      }
      for (JobReport.WindowFailure f : report.get().failures()) {
        if (f.reason().equals(ExportJob.NOT_REEXPORTED)) {
          find(settled, f.measurement(), f.window()).ifPresent(capture::giveUp);
        }
      }
      byPolicy.put(job.policy().name(), report.get());
    }
    capture.trim();
    return new Round(byPolicy, busy);
  }

  private static Optional<DirtyWindow> find(List<DirtyWindow> windows, String measurement, Window window) {
    return windows.stream().filter(d -> d.measurement().equals(measurement) && d.window().equals(window)).findFirst();
  }
}
