package io.tidewater.gateway;

import io.tidewater.lifecycle.export.JobReport;
import io.tidewater.lifecycle.retention.RetentionReport;
import io.tidewater.lifecycle.tier.TierReport;
import java.time.Instant;
import java.util.List;

/**
 * What {@code GET /v1/jobs} says of one policy's export.
 *
 * @param lastRun the last finished run, if any, with the tier moves and InfluxDB retention that followed it
 * @param newestWindowEnd end of the newest window the lake holds for the policy
 * @param lagSeconds now minus {@code newestWindowEnd}: how far the lake trails InfluxDB
 */
public record JobStatus(String policy, String schedule, boolean running, String runningKind, Instant runningSince,
    LastRun lastRun, Instant newestWindowEnd, Long lagSeconds) {

  /** A finished run. */
  public record LastRun(String kind, Instant started, Instant finished, int windowsExported, int windowsAlreadyDone,
      int windowsFailed, long rows, long bytes, List<Failure> failures, TierReport tiers, RetentionReport retention,
      String error) {

    static LastRun of(String kind, Instant started, Instant finished, JobReport report, TierReport tiers,
        RetentionReport retention) {
      return new LastRun(kind, started, finished, report.exported().size(), report.alreadyDone(),
          report.failures().size(), report.rows(), report.bytes(),
          report.failures().stream().map(f -> new Failure(f.measurement(), f.window().start(), f.window().end(),
              f.reason())).toList(), tiers, retention, null);
    }

    static LastRun failed(String kind, Instant started, Instant finished, String error) {
      return new LastRun(kind, started, finished, 0, 0, 0, 0, 0, List.of(), null, null, error);
    }
  }

  /** A window that failed after its retries. */
  public record Failure(String measurement, Instant windowStart, Instant windowEnd, String reason) {}
}
