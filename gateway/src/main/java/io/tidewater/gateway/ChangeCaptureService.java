package io.tidewater.gateway;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.tidewater.error.ErrorCode;
import io.tidewater.error.TidewaterException;
import io.tidewater.lifecycle.cdc.ChangeCapture;
import io.tidewater.lifecycle.cdc.DirtyWindow;
import io.tidewater.lifecycle.cdc.DirtyWindowRepair;
import io.tidewater.lifecycle.cdc.MicroBatchWriter;
import io.tidewater.lifecycle.cdc.MicroBatches;
import io.tidewater.lifecycle.cdc.Reconciler;
import io.tidewater.lifecycle.export.ExportJob;
import io.tidewater.lifecycle.influx.InfluxClient;
import io.tidewater.lifecycle.lake.Ledger;
import io.tidewater.lifecycle.run.MicroBatchFlusher;
import io.tidewater.policy.Durations;
import io.tidewater.policy.MicroBatch;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Repairs what late writes changed: every {@code tidewater.cdc.repair-interval} the settled dirty
 * windows are re-exported (through each policy's export job, so never alongside its runs) and the
 * change log trimmed; every {@code tidewater.cdc.reconcile-interval} InfluxDB's counts per window
 * are compared with the lake's to find what the write targets never received. Reports per policy
 * for {@code GET /v1/jobs} and counts for Prometheus.
 */
@ApplicationScoped
@Startup // its gauges must exist from the start, not from the first repair round
public class ChangeCaptureService {

  private static final Logger LOG = Logger.getLogger(ChangeCaptureService.class);
  private static final int LISTED = 20;

  private final ChangeCapture capture;
  private final DirtyWindowRepair repair;
  private final Clock clock;
  private final MeterRegistry metrics;
  private final Map<String, JobStatus.Repair> lastRepair = new ConcurrentHashMap<>();
  private final Map<String, Reconciler> reconcilers = new LinkedHashMap<>();
  private final Map<String, JobStatus.Reconciliation> lastReconciliation =
      new ConcurrentHashMap<>();

  private final MicroBatches microBatches;
  private final List<MicroBatchWriter> microBatchWriters;
  private final Map<String, MicroBatchWriter.Flush> lastFlush = new ConcurrentHashMap<>();
  private final Map<String, long[]> flushTotals =
      new ConcurrentHashMap<>(); // flushes, points written
  private final MicroBatchFlusher flusher;

  ChangeCaptureService(
      ChangeCapture capture,
      ExportService exports,
      InfluxClient influx,
      Ledger ledger,
      Clock clock,
      MeterRegistry metrics,
      MicroBatches microBatches) {
    this.capture = capture;
    this.microBatches = microBatches;
    this.microBatchWriters = exports.microBatchWriters();
    for (ExportJob job : exports.jobs()) {
      reconcilers.put(
          job.policy().name(), new Reconciler(job.policy(), influx, ledger, capture, clock));
    }
    this.repair = new DirtyWindowRepair(capture, exports.jobs(), clock);
    this.clock = clock;
    this.metrics = metrics;
    this.flusher = new MicroBatchFlusher(microBatches, microBatchWriters, clock, this::flushed);
    Gauge.builder("tidewater_cdc_dirty_windows", capture, c -> c.dirty().size())
        .description("Windows changed in InfluxDB since their export and not yet re-exported")
        .register(metrics);
    Gauge.builder("tidewater_cdc_unrepairable_windows", capture, c -> c.unrepairable().size())
        .description(
            "Windows that received late points InfluxDB no longer holds fully (not re-exported)")
        .register(metrics);
    Gauge.builder("tidewater_cdc_replayed_writes", capture, c -> c.replayed())
        .description("Writes replayed from the change log at start-up")
        .register(metrics);
    Gauge.builder("tidewater_cdc_log_problems", capture, c -> c.logProblems().size())
        .description(
            "Unreadable records found in the change log at start-up between readable ones"
                + " (skipped, listed in /v1/jobs under changes.logProblems)")
        .register(metrics);
    for (MicroBatchWriter w : microBatchWriters) {
      Gauge.builder(
              "tidewater_cdc_micro_batch_pending_points",
              microBatches,
              b -> b.pending(w.policy()).points())
          .description("Points received for windows not yet due, waiting to be written to the lake")
          .tag("policy", w.policy().name())
          .register(metrics);
    }
  }

  /** Starts writing micro-batches (for policies that have them) as they fill or age. */
  void startMicroBatches(@Observes StartupEvent start) {
    flusher.start();
  }

  @PreDestroy
  void stopMicroBatches() {
    flusher.close(); // what waits stays in the change log and is replayed at the next start
  }

  private void flushed(MicroBatchWriter.Flush f) {
    String policy = f.policy();
    lastFlush.put(policy, f);
    long[] totals = flushTotals.computeIfAbsent(policy, p -> new long[2]);
    totals[0]++;
    totals[1] += f.points();
    Counter.builder("tidewater_cdc_micro_batch_points_total")
        .description("Points written to the lake by micro-batches")
        .tag("policy", policy)
        .register(metrics)
        .increment(f.points());
    Counter.builder("tidewater_cdc_micro_batch_flushes_total")
        .description("Micro-batch flushes, by outcome")
        .tag("policy", policy)
        .tag("outcome", f.problem().isPresent() ? "failed" : f.busy() ? "busy" : "written")
        .register(metrics)
        .increment();
  }

  @Scheduled(
      every = "${tidewater.cdc.repair-interval:10s}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
      identity = "cdc-repair")
  void scheduled() {
    repairNow();
  }

  /** Re-exports the settled dirty windows now. */
  public synchronized DirtyWindowRepair.Round repairNow() {
    Instant started = clock.instant();
    DirtyWindowRepair.Round round = repair.run();
    round
        .byPolicy()
        .forEach(
            (policy, report) -> {
              Counter.builder("tidewater_cdc_windows_reexported_total")
                  .description("Dirty windows re-exported")
                  .tag("policy", policy)
                  .register(metrics)
                  .increment(report.exported().size());
              Counter.builder("tidewater_cdc_reexport_failures_total")
                  .description("Dirty windows whose re-export failed")
                  .tag("policy", policy)
                  .register(metrics)
                  .increment(report.errors().size());
              lastRepair.put(policy, JobStatus.Repair.of(started, report));
              report
                  .failures()
                  .forEach(
                      f ->
                          LOG.warnf(
                              "Re-export of %s window %s (policy %s) failed: %s",
                              f.measurement(), f.window(), policy, f.reason()));
            });
    if (!round.byPolicy().isEmpty()) {
      LOG.infof(
          "Change capture: %d dirty windows re-exported, %d failed, %d still dirty",
          round.reexported().size(), round.failures().size(), capture.dirty().size());
    }
    return round;
  }

  @Scheduled(
      every = "${tidewater.cdc.reconcile-interval:1h}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
      identity = "cdc-reconcile",
      delayed = "1m")
  void scheduledReconciliation() {
    for (String policy : reconcilers.keySet()) {
      try {
        reconcile(policy);
      } catch (RuntimeException e) {
        LOG.warnf("Reconciliation of %s failed: %s", policy, e.getMessage());
      }
    }
  }

  /**
   * Compares InfluxDB's values per window with the lake's for {@code policy} now; windows where the
   * lake lacks some are marked dirty (and re-exported once settled).
   */
  public JobStatus.Reconciliation reconcile(String policy) {
    Reconciler reconciler = reconcilers.get(policy);
    if (reconciler == null) {
      throw new TidewaterException(
          ErrorCode.NOT_FOUND,
          "no policy named '" + policy + "'; policies: " + reconcilers.keySet());
    }
    Reconciler.Report report;
    synchronized (reconciler) {
      report = reconciler.run();
    }
    Counter.builder("tidewater_cdc_reconcile_windows_checked_total")
        .description("Windows compared by reconciliation")
        .tag("policy", policy)
        .register(metrics)
        .increment(report.windowsChecked());
    Counter.builder("tidewater_cdc_reconcile_mismatches_total")
        .description("Windows whose values per field differ between InfluxDB and the lake")
        .tag("policy", policy)
        .register(metrics)
        .increment(report.findings().size());
    report
        .findings()
        .forEach(
            f ->
                LOG.infof(
                    "Reconciliation of %s: %s window %s: %s",
                    policy, f.measurement(), f.window(), f.detail()));
    JobStatus.Reconciliation r = JobStatus.Reconciliation.of(report, LISTED);
    lastReconciliation.put(policy, r);
    return r;
  }

  /** What change capture knows of {@code policy}'s windows. */
  public JobStatus.Changes status(String policy) {
    List<DirtyWindow> dirty =
        capture.dirty().stream().filter(d -> d.policy().equals(policy)).toList();
    List<DirtyWindow> unrepairable =
        capture.unrepairable().stream().filter(d -> d.policy().equals(policy)).toList();
    return new JobStatus.Changes(
        dirty.size(),
        dirty.isEmpty() ? null : dirty.get(0).lastChange(),
        dirty.stream().limit(LISTED).map(JobStatus.Dirty::of).toList(),
        unrepairable.size(),
        unrepairable.stream().limit(LISTED).map(JobStatus.Dirty::of).toList(),
        lastRepair.get(policy),
        lastReconciliation.get(policy),
        microBatch(policy),
        capture.logProblems().size(),
        capture.logProblems().stream().limit(LISTED).toList());
  }

  private JobStatus.MicroBatch microBatch(String policy) {
    return microBatchWriters.stream()
        .filter(w -> w.policy().name().equals(policy))
        .findFirst()
        .map(
            w -> {
              MicroBatches.Pending p = microBatches.pending(w.policy());
              MicroBatch limits = w.policy().microBatch().orElseThrow();
              long[] totals = flushTotals.getOrDefault(policy, new long[2]);
              MicroBatchWriter.Flush last = lastFlush.get(policy);
              return new JobStatus.MicroBatch(
                  limits.maxPoints(),
                  Durations.format(limits.maxDelay()),
                  p.writes(),
                  p.points(),
                  p.oldestReceivedNanos().isPresent()
                      ? Durations.fromEpochNanos(p.oldestReceivedNanos().getAsLong())
                      : null,
                  p.dropped(),
                  totals[0],
                  totals[1],
                  last == null ? null : JobStatus.Flush.of(last));
            })
        .orElse(null);
  }
}
