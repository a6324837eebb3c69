package io.tidewater.gateway;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduler;
import io.tidewater.error.ErrorCode;
import io.tidewater.error.TidewaterException;
import io.tidewater.federation.SqlEngine;
import io.tidewater.federation.TimeRange;
import io.tidewater.lifecycle.catalog.GlueCatalog;
import io.tidewater.lifecycle.cdc.ChangeCapture;
import io.tidewater.lifecycle.cdc.MicroBatchWriter;
import io.tidewater.lifecycle.cdc.MicroBatches;
import io.tidewater.lifecycle.export.ExportJob;
import io.tidewater.lifecycle.export.ExportSettings;
import io.tidewater.lifecycle.export.JobReport;
import io.tidewater.lifecycle.influx.InfluxClient;
import io.tidewater.lifecycle.lake.Ledger;
import io.tidewater.lifecycle.lake.StagingFolder;
import io.tidewater.lifecycle.lake.WindowVersion;
import io.tidewater.lifecycle.run.PolicyRun;
import io.tidewater.lifecycle.run.PolicyRunner;
import io.tidewater.policy.TieringPolicy;
import io.tidewater.util.Threads;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Schedules and starts each policy's runs ({@link PolicyRunner}: export, tier moves, retention,
 * garbage collection) on its cron schedule and on request, never two runs of one policy at once, in
 * the background; keeps each policy's last run for {@code GET /v1/jobs} and counts rows, bytes,
 * windows and failures for Prometheus.
 */
@ApplicationScoped
public class ExportService {

  private static final Logger LOG = Logger.getLogger(ExportService.class);

  private final Map<String, Tracked> runs = new LinkedHashMap<>();
  private final ExecutorService executor =
      Executors.newCachedThreadPool(Threads.daemon("tidewater-export"));
  private final TidewaterConfig config;
  private final Clock clock;
  private final MeterRegistry metrics;
  private final List<MicroBatchWriter> microBatchWriters = new ArrayList<>();

  /** This gateway's staging folder, locked while it runs. */
  private final StagingFolder staging;

  /** A policy's runner and what it last did. */
  private static final class Tracked {
    final PolicyRunner runner;
    volatile String runningKind;
    volatile Instant runningSince;
    volatile JobStatus.LastRun lastRun;
    volatile Instant newestWindowEnd;

    Tracked(PolicyRunner runner) {
      this.runner = runner;
    }

    TieringPolicy policy() {
      return runner.policy();
    }
  }

  ExportService(
      TidewaterConfig config,
      PolicyRegistry registry,
      Ledger ledger,
      InfluxClient influx,
      Clock clock,
      MeterRegistry metrics,
      SqlEngine sql,
      ChangeCapture changes,
      MicroBatches microBatches,
      @ConfigProperty(name = "quarkus.http.port") int httpPort) {
    this.config = config;
    this.clock = clock;
    this.metrics = metrics;
    TidewaterConfig.Export export = config.export();
    // Stable across restarts (host and port), so a restarted gateway takes over its own leases at
    // once; two gateways on one host differ by port.
    String gatewayId = export.gatewayId().orElseGet(() -> hostName() + ":" + httpPort);
    this.staging =
        StagingFolder.claim(
            export
                .tempDir()
                .orElse(Path.of(System.getProperty("java.io.tmpdir"), "tidewater-export")),
            gatewayId);
    if (staging.removed() > 0) {
      LOG.infof(
          "Deleted %d staged files an earlier run of gateway %s left in %s",
          staging.removed(), gatewayId, staging.folder());
    }
    ExportSettings settings =
        new ExportSettings(export.attempts(), export.backoff(), Optional.empty())
            .withLease(gatewayId, export.leaseTtl());
    PolicyRunner.Context context =
        new PolicyRunner.Context(
            influx,
            ledger,
            clock,
            staging.folder(),
            settings,
            glue(config, ledger),
            changes,
            new PolicyRunner.Listener() {
              @Override
              public void committed(WindowVersion v) {
                sql.dataChanged(
                    v.database(), v.measurement(), new TimeRange(v.windowStart(), v.windowEnd()));
              }

              @Override
              public void changed(String database, String measurement) {
                sql.dataChanged(database, measurement);
              }
            });
    for (TieringPolicy policy : registry.policies().policies()) {
      Tracked tracked = new Tracked(new PolicyRunner(policy, context));
      if (microBatches.covers(policy)) {
        microBatchWriters.add(tracked.runner.microBatchWriter(microBatches));
      }
      runs.put(policy.name(), tracked);
      Gauge.builder(
              "tidewater_export_lag_seconds",
              tracked,
              t ->
                  t.newestWindowEnd == null
                      ? Double.NaN
                      : Duration.between(t.newestWindowEnd, clock.instant()).toSeconds())
          .description(
              "How far the lake trails now: now minus the end of the newest exported window")
          .tag("policy", policy.name())
          .register(metrics);
    }
  }

  void schedule(@Observes StartupEvent start, Scheduler scheduler) {
    if (!config.export().scheduled()) {
      LOG.info("Scheduled exports are off (tidewater.export.scheduled=false)");
      return;
    }
    for (Tracked t : runs.values()) {
      TieringPolicy policy = t.policy();
      scheduler
          .newJob("export-" + policy.name())
          .setCron(policy.schedule().cron())
          .setTask(execution -> runNow(t, "scheduled", t.runner::runDue))
          .schedule();
      LOG.infof("Export of policy %s scheduled: %s (UTC)", policy.name(), policy.schedule().cron());
    }
  }

  /** Starts a run of {@code policy} in the background; BUSY if one is going on. */
  public JobStatus start(String policy) {
    Tracked t = tracked(policy);
    return submit(t, "manual", t.runner::runDue);
  }

  /** Starts a backfill of {@code [from, to)} in the background; BUSY if a run is going on. */
  public JobStatus backfill(String policy, Instant from, Instant to, boolean replace) {
    Tracked t = tracked(policy);
    if (!from.isBefore(to)) {
      throw new TidewaterException(
          ErrorCode.BAD_REQUEST, "backfill needs from before to; got from=" + from + ", to=" + to);
    }
    return submit(
        t,
        "backfill " + from + " to " + to + (replace ? " (replace)" : ""),
        () -> t.runner.backfill(from, to, replace));
  }

  private JobStatus submit(Tracked t, String kind, Supplier<Optional<PolicyRun>> work) {
    t.runner
        .job()
        .heldElsewhere()
        .ifPresent(
            h -> {
              throw new TidewaterException(
                  ErrorCode.LEASE_HELD,
                  "policy "
                      + t.policy().name()
                      + " is being exported by gateway "
                      + h.owner()
                      + ", whose lease runs until "
                      + h.expires()
                      + " by that gateway's clock; this gateway takes over once the lease has not"
                      + " been renewed for "
                      + h.ttl()
                      + " by its own clock");
            });
    synchronized (t) {
      if (t.runningKind != null) {
        throw new TidewaterException(
            ErrorCode.BUSY,
            "policy "
                + t.policy().name()
                + " is already exporting ("
                + t.runningKind
                + " since "
                + t.runningSince
                + ")");
      }
      t.runningKind = kind;
      t.runningSince = clock.instant();
    }
    executor.submit(() -> run(t, kind, work));
    return status(t);
  }

  private void runNow(Tracked t, String kind, Supplier<Optional<PolicyRun>> work) {
    synchronized (t) {
      if (t.runningKind != null) {
        LOG.infof(
            "Export of %s skipped: a %s run is still going on", t.policy().name(), t.runningKind);
        return;
      }
      t.runningKind = kind;
      t.runningSince = clock.instant();
    }
    run(t, kind, work);
  }

  private void run(Tracked t, String kind, Supplier<Optional<PolicyRun>> work) {
    String policy = t.policy().name();
    Instant started = t.runningSince;
    try {
      Optional<PolicyRun> run = work.get();
      if (run.isEmpty()) {
        LOG.infof(
            "Export of %s (%s) skipped: another gateway holds the policy's lease (or a repair of dirty"
                + " windows here outlasted the wait)",
            policy, kind);
      }
      run.ifPresent(
          r -> {
            t.lastRun =
                JobStatus.LastRun.of(
                    kind, started, clock.instant(), r.export(), r.tiers(), r.retention());
            count(policy, r);
            JobReport e = r.export();
            LOG.infof(
                "Export of %s (%s): %d windows exported, %d already in the lake, %d failed, %d left alone, %d rows,"
                    + " %d bytes",
                policy,
                kind,
                e.exported().size(),
                e.alreadyDone(),
                e.errors().size(),
                e.failures().size() - e.errors().size(),
                e.rows(),
                e.bytes());
            e.failures()
                .forEach(
                    f ->
                        LOG.warnf(
                            "Export of %s: window %s of %s %s: %s",
                            policy,
                            f.window(),
                            f.measurement(),
                            f.kind().onPurpose() ? "left alone" : "failed",
                            f.reason()));
          });
    } catch (RuntimeException e) {
      t.lastRun = JobStatus.LastRun.failed(kind, started, clock.instant(), e.getMessage());
      metrics.counter("tidewater_export_runs_failed_total", "policy", policy).increment();
      LOG.errorf(e, "Export of %s (%s) failed", policy, kind);
    } finally {
      refreshNewest(t);
      synchronized (t) {
        t.runningKind = null;
        t.runningSince = null;
      }
    }
  }

  private void count(String policy, PolicyRun run) {
    JobReport r = run.export();
    counter(
            "tidewater_export_rows_total",
            policy,
            "Rows read from InfluxDB and written to the lake")
        .increment(r.rows());
    counter("tidewater_export_bytes_total", policy, "Bytes of Parquet written")
        .increment(r.bytes());
    counter("tidewater_export_windows_total", policy, "Windows exported")
        .increment(r.exported().size());
    // Windows left alone on purpose (past expiry, InfluxDB holding less than the lake) are no
    // failures.
    counter("tidewater_export_window_failures_total", policy, "Windows that failed after retries")
        .increment(r.errors().size());
    var tiers = run.tiers();
    counter(
            "tidewater_tier_changes_total",
            policy,
            "Tier moves: class changes, rollups built and dropped, raw dropped,"
                + " windows expired")
        .increment(
            tiers.classChanges()
                + tiers.rollupsBuilt()
                + tiers.rollupsDropped()
                + tiers.rawDropped()
                + tiers.windowsExpired());
  }

  private Counter counter(String name, String policy, String description) {
    return Counter.builder(name).description(description).tag("policy", policy).register(metrics);
  }

  private void refreshNewest(Tracked t) {
    try {
      t.newestWindowEnd = t.runner.newestWindowEnd().orElse(null);
    } catch (RuntimeException e) {
      LOG.debugf("Could not refresh the export lag of %s: %s", t.policy().name(), e.getMessage());
    }
  }

  private static Optional<GlueCatalog> glue(TidewaterConfig config, Ledger ledger) {
    TidewaterConfig.Catalog.Glue glue = config.catalog().glue();
    if (!glue.enabled()) {
      return Optional.empty();
    }
    return Optional.of(
        GlueCatalog.connect(
            new GlueCatalog.Settings(
                glue.endpoint(), glue.region(), glue.databasePrefix().orElse("")),
            ledger.store().location()));
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "gateway";
    }
  }

  /** The writers of the policies with micro-batches (change capture flushes them). */
  public List<MicroBatchWriter> microBatchWriters() {
    return List.copyOf(microBatchWriters);
  }

  /** Each policy's export job (change capture re-exports dirty windows through them). */
  public List<ExportJob> jobs() {
    return runs.values().stream().map(t -> t.runner.job()).toList();
  }

  public List<JobStatus> statuses() {
    return runs.values().stream().map(this::status).toList();
  }

  public JobStatus status(String policy) {
    return status(tracked(policy));
  }

  private JobStatus status(Tracked t) {
    Instant newest = t.newestWindowEnd;
    return new JobStatus(
        t.policy().name(),
        t.policy().schedule().cron(),
        t.runningKind != null,
        t.runningKind,
        t.runningSince,
        t.lastRun,
        newest,
        newest == null ? null : Duration.between(newest, clock.instant()).toSeconds(),
        t.runner
            .job()
            .heldElsewhere()
            .map(h -> new JobStatus.Lease(h.owner(), h.expires()))
            .orElse(null),
        null);
  }

  private Tracked tracked(String policy) {
    Tracked t = runs.get(policy);
    if (t == null) {
      throw new TidewaterException(
          ErrorCode.NOT_FOUND, "no policy named '" + policy + "'; policies: " + runs.keySet());
    }
    return t;
  }

  @PreDestroy
  void stop() {
    executor.shutdownNow();
    try {
      staging.close();
    } catch (IOException e) {
      LOG.debugf("Could not release the staging folder %s: %s", staging.folder(), e.getMessage());
    }
  }
}
