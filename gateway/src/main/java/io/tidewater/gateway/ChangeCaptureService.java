package io.tidewater.gateway;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.tidewater.error.ErrorCode;
import io.tidewater.error.TidewaterException;
import io.tidewater.lifecycle.cdc.ChangeCapture;
import io.tidewater.lifecycle.cdc.Reconciler;
import io.tidewater.lifecycle.export.ExportJob;
import io.tidewater.lifecycle.influx.InfluxClient;
import io.tidewater.lifecycle.lake.Ledger;
import io.tidewater.lifecycle.cdc.DirtyWindow;
import io.tidewater.lifecycle.cdc.DirtyWindowRepair;
import jakarta.enterprise.context.ApplicationScoped;
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
@io.quarkus.runtime.Startup // its gauges must exist from the start, not from the first repair round
public class ChangeCaptureService {

  private static final Logger LOG = Logger.getLogger(ChangeCaptureService.class);
  private static final int LISTED = 20;

  private final ChangeCapture capture;
  private final DirtyWindowRepair repair;
  private final Clock clock;
  private final MeterRegistry metrics;
  private final Map<String, JobStatus.Repair> lastRepair = new ConcurrentHashMap<>();
  private final Map<String, Reconciler> reconcilers = new LinkedHashMap<>();
  private final Map<String, JobStatus.Reconciliation> lastReconciliation = new ConcurrentHashMap<>();

  ChangeCaptureService(ChangeCapture capture, ExportService exports, InfluxClient influx, Ledger ledger, Clock clock,
      MeterRegistry metrics) {
    this.capture = capture;
    for (ExportJob job : exports.jobs()) {
      reconcilers.put(job.policy().name(), new Reconciler(job.policy(), influx, ledger, capture, clock));
    }
    this.repair = new DirtyWindowRepair(capture, exports.jobs(), clock);
    this.clock = clock;
    this.metrics = metrics;
    Gauge.builder("tidewater_cdc_dirty_windows", capture, c -> c.dirty().size())
        .description("Windows changed in InfluxDB since their export and not yet re-exported").register(metrics);
    Gauge.builder("tidewater_cdc_unrepairable_windows", capture, c -> c.unrepairable().size())
        .description("Windows that received late points InfluxDB no longer holds fully (not re-exported)")
        .register(metrics);
    Gauge.builder("tidewater_cdc_replayed_writes", capture, c -> c.replayed())
        .description("Writes replayed from the change log at start-up").register(metrics);
  }

  @Scheduled(every = "${tidewater.cdc.repair-interval:10s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
      identity = "cdc-repair")
  void scheduled() {
    repairNow();
  }

  /** Re-exports the settled dirty windows now. */
  public synchronized DirtyWindowRepair.Round repairNow() {
    Instant started = clock.instant();
    DirtyWindowRepair.Round round = repair.run();
    round.byPolicy().forEach((policy, report) -> {
      Counter.builder("tidewater_cdc_windows_reexported_total").description("Dirty windows re-exported")
          .tag("policy", policy).register(metrics).increment(report.exported().size());
      Counter.builder("tidewater_cdc_reexport_failures_total").description("Dirty windows whose re-export failed")
          .tag("policy", policy).register(metrics).increment(report.failures().size());
      lastRepair.put(policy, JobStatus.Repair.of(started, report));
      report.failures().forEach(f -> LOG.warnf("Re-export of %s window %s (policy %s) failed: %s", f.measurement(),
          f.window(), policy, f.reason()));
    });
    if (!round.byPolicy().isEmpty()) {
      LOG.infof("Change capture: %d dirty windows re-exported, %d failed, %d still dirty", round.reexported().size(),
          round.failures().size(), capture.dirty().size());
    }
    return round;
  }

  @Scheduled(every = "${tidewater.cdc.reconcile-interval:1h}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
      identity = "cdc-reconcile", delayed = "1m")
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
      throw new TidewaterException(ErrorCode.NOT_FOUND, "no policy named '" + policy + "'; policies: "
          + reconcilers.keySet());
    }
    Reconciler.Report report;
    synchronized (reconciler) {
      report = reconciler.run();
    }
    Counter.builder("tidewater_cdc_reconcile_windows_checked_total").description("Windows compared by reconciliation")
        .tag("policy", policy).register(metrics).increment(report.windowsChecked());
    Counter.builder("tidewater_cdc_reconcile_mismatches_total")
        .description("Windows whose values per field differ between InfluxDB and the lake")
        .tag("policy", policy).register(metrics).increment(report.findings().size());
    report.findings().forEach(f -> LOG.infof("Reconciliation of %s: %s window %s: %s", policy, f.measurement(),
        f.window(), f.detail()));
    JobStatus.Reconciliation r = JobStatus.Reconciliation.of(report, LISTED);
    lastReconciliation.put(policy, r);
    return r;
  }

  /** What change capture knows of {@code policy}'s windows. */
  public JobStatus.Changes status(String policy) {
    List<DirtyWindow> dirty = capture.dirty().stream().filter(d -> d.policy().equals(policy)).toList();
    List<DirtyWindow> unrepairable = capture.unrepairable().stream().filter(d -> d.policy().equals(policy)).toList();
    return new JobStatus.Changes(dirty.size(), dirty.isEmpty() ? null : dirty.get(0).lastChange(),
        dirty.stream().limit(LISTED).map(JobStatus.Dirty::of).toList(), unrepairable.size(),
        unrepairable.stream().limit(LISTED).map(JobStatus.Dirty::of).toList(), lastRepair.get(policy),
        lastReconciliation.get(policy));
  }
}
