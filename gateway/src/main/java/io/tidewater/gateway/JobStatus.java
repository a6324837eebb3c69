package io.tidewater.gateway;

import io.tidewater.lifecycle.cdc.DirtyWindow;
import io.tidewater.lifecycle.cdc.MicroBatchWriter;
import io.tidewater.lifecycle.cdc.Reconciler;
import io.tidewater.lifecycle.export.JobReport;
import io.tidewater.lifecycle.retention.RetentionReport;
import io.tidewater.lifecycle.tier.TierReport;
import java.time.Instant;
import java.util.List;

/**
 * What {@code GET /v1/jobs} says of one policy's export.
 *
 * @param lastRun the last finished run, if any, with the tier moves and InfluxDB retention that
 *     followed it
 * @param newestWindowEnd end of the newest window the lake holds for the policy
 * @param lagSeconds now minus {@code newestWindowEnd}: how far the lake trails InfluxDB
 * @param heldBy another gateway's live lease on the policy (runs here wait for it), or null
 * @param changes what change capture knows: windows changed since their export, and their repair
 */
public record JobStatus(
    String policy,
    String schedule,
    boolean running,
    String runningKind,
    Instant runningSince,
    LastRun lastRun,
    Instant newestWindowEnd,
    Long lagSeconds,
    Lease heldBy,
    Changes changes) {

  /** A lease another gateway holds: its id and when the lease runs out unless renewed. */
  public record Lease(String owner, Instant expires) {}

  JobStatus withChanges(Changes changes) {
    return new JobStatus(
        policy,
        schedule,
        running,
        runningKind,
        runningSince,
        lastRun,
        newestWindowEnd,
        lagSeconds,
        heldBy,
        changes);
  }

  /**
   * Change capture's view of the policy's windows.
   *
   * @param dirtyWindows windows InfluxDB changed after their export, routed to InfluxDB until
   *     re-exported
   * @param oldestChange when the longest-waiting of them last changed
   * @param dirty the first of them, oldest change first
   * @param unrepairableWindows windows with late points InfluxDB no longer holds fully: not
   *     re-exported
   * @param lastRepair the last round that re-exported (or failed to re-export) some of them
   * @param lastReconciliation the last comparison of InfluxDB's counts per window with the lake's
   * @param microBatch the low-latency path (null when the policy has none)
   * @param logProblemCount records of the gateway's change log (shared by every policy) that could
   *     not be read at start-up: the writes they held are lost from the log (their points are still
   *     in InfluxDB; reconciliation finds the windows they changed)
   * @param logProblems the first of them, each naming its segment, bytes and writes
   */
  public record Changes(
      int dirtyWindows,
      Instant oldestChange,
      List<Dirty> dirty,
      int unrepairableWindows,
      List<Dirty> unrepairable,
      Repair lastRepair,
      Reconciliation lastReconciliation,
      MicroBatch microBatch,
      int logProblemCount,
      List<String> logProblems) {}

  /**
   * Points received for windows not yet due, on their way to the lake.
   *
   * @param pendingPoints points waiting (or being written) in windows not yet due
   * @param oldestPending when the longest-waiting of their writes arrived
   * @param droppedPoints points left to the scheduled export because flushes could not keep up
   * @param pointsWritten points written by micro-batches since start-up
   */
  public record MicroBatch(
      int maxPoints,
      String maxDelay,
      long pendingWrites,
      long pendingPoints,
      Instant oldestPending,
      long droppedPoints,
      long flushes,
      long pointsWritten,
      Flush lastFlush) {}

  /**
   * One flush: windows rewritten, points written and skipped, or why it did not write (busy: an
   * export was running).
   */
  public record Flush(
      Instant at,
      int windows,
      long points,
      long skipped,
      boolean busy,
      String problem,
      long millis) {
    static Flush of(MicroBatchWriter.Flush f) {
      return new Flush(
          f.at(),
          f.windows(),
          f.points(),
          f.skipped(),
          f.busy(),
          f.problem().orElse(null),
          f.took().toMillis());
    }
  }

  /** A reconciliation run: windows compared, and those that differ (the first few listed). */
  public record Reconciliation(
      Instant at, int windowsChecked, int mismatches, long markedDirty, List<Mismatch> findings) {
    static Reconciliation of(Reconciler.Report r, int listed) {
      return new Reconciliation(
          r.at(),
          r.windowsChecked(),
          r.findings().size(),
          r.markedDirty(),
          r.findings().stream()
              .limit(listed)
              .map(
                  f ->
                      new Mismatch(
                          f.measurement(),
                          f.window().start(),
                          f.window().end(),
                          f.detail(),
                          f.markedDirty()))
              .toList());
    }
  }

  /** A window whose values per field differ between InfluxDB and the lake. */
  public record Mismatch(
      String measurement,
      Instant windowStart,
      Instant windowEnd,
      String detail,
      boolean markedDirty) {}

  /** One window changed since its export. */
  public record Dirty(
      String measurement,
      Instant windowStart,
      Instant windowEnd,
      Instant lastChange,
      String cause) {
    static Dirty of(DirtyWindow d) {
      return new Dirty(
          d.measurement(), d.window().start(), d.window().end(), d.lastChange(), d.cause());
    }
  }

  /** A round of re-exports. */
  public record Repair(Instant at, int windowsReexported, List<Failure> failures) {
    static Repair of(Instant at, JobReport report) {
      return new Repair(
          at,
          report.exported().size(),
          report.failures().stream()
              .map(
                  f ->
                      new Failure(
                          f.measurement(), f.window().start(), f.window().end(), f.reason()))
              .toList());
    }
  }

  /** A finished run. */
  public record LastRun(
      String kind,
      Instant started,
      Instant finished,
      int windowsExported,
      int windowsAlreadyDone,
      int windowsFailed,
      long rows,
      long bytes,
      List<Failure> failures,
      TierReport tiers,
      RetentionReport retention,
      String error) {

    static LastRun of(
        String kind,
        Instant started,
        Instant finished,
        JobReport report,
        TierReport tiers,
        RetentionReport retention) {
      // windowsFailed counts failures; windows left alone on purpose are listed with their reason.
      return new LastRun(
          kind,
          started,
          finished,
          report.exported().size(),
          report.alreadyDone(),
          report.errors().size(),
          report.rows(),
          report.bytes(),
          report.failures().stream()
              .map(
                  f ->
                      new Failure(
                          f.measurement(), f.window().start(), f.window().end(), f.reason()))
              .toList(),
          tiers,
          retention,
          null);
    }

    static LastRun failed(String kind, Instant started, Instant finished, String error) {
      return new LastRun(kind, started, finished, 0, 0, 0, 0, 0, List.of(), null, null, error);
    }
  }

  /** A window that failed after its retries. */
  public record Failure(
      String measurement, Instant windowStart, Instant windowEnd, String reason) {}
}
