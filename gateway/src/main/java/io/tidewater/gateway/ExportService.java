package io.tidewater.gateway;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduler;
import io.tidewater.error.ErrorCode;
import io.tidewater.error.TidewaterException;
import io.tidewater.lifecycle.catalog.GlueCatalog;
import io.tidewater.lifecycle.export.ExportJob;
import io.tidewater.lifecycle.store.LakeLocation;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.glue.GlueClientBuilder;
import io.tidewater.lifecycle.export.JobReport;
import io.tidewater.lifecycle.export.WindowExporter;
import io.tidewater.lifecycle.influx.InfluxClient;
import io.tidewater.lifecycle.lake.Ledger;
import io.tidewater.lifecycle.lake.WindowVersion;
import io.tidewater.lifecycle.lake.WindowWriter;
import io.tidewater.lifecycle.retention.HotRetention;
import io.tidewater.lifecycle.retention.RetentionReport;
import io.tidewater.lifecycle.tier.TierMover;
import io.tidewater.lifecycle.tier.TierReport;
import io.tidewater.policy.Resolution;
import io.tidewater.policy.TieringPolicy;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Runs each policy's export job, each followed by its tier moves: on its cron schedule and on request, never two runs of one policy
 * at once, in the background; keeps each policy's last result for {@code GET /v1/jobs} and counts
 * rows, bytes, windows and failures for Prometheus.
 */
@ApplicationScoped
public class ExportService {

  private static final Logger LOG = Logger.getLogger(ExportService.class);

  private final Map<String, Tracked> jobs = new LinkedHashMap<>();
  private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "tidewater-export");
    t.setDaemon(true);
    return t;
  });
  private final TidewaterConfig config;
  private final Ledger ledger;
  private final InfluxClient influx;
  private final Clock clock;
  private final MeterRegistry metrics;

  /** A policy's job and what it last did. */
  private static final class Tracked {
    final ExportJob job;
    TierMover mover;
    HotRetention retention;
    volatile String runningKind;
    volatile Instant runningSince;
    volatile JobStatus.LastRun lastRun;
    volatile Instant newestWindowEnd;

    Tracked(ExportJob job) {
      this.job = job;
    }
  }

  private final io.tidewater.federation.SqlEngine sql;
  private final List<io.tidewater.lifecycle.cdc.MicroBatchWriter> microBatchWriters = new java.util.ArrayList<>();

  ExportService(TidewaterConfig config, PolicyRegistry registry, Ledger ledger, InfluxClient influx, Clock clock,
      MeterRegistry metrics, io.tidewater.federation.SqlEngine sql, io.tidewater.lifecycle.cdc.ChangeCapture changes,
      io.tidewater.lifecycle.cdc.MicroBatches microBatches) {
    this.config = config;
    this.sql = sql;
    this.ledger = ledger;
    this.influx = influx;
    this.clock = clock;
    this.metrics = metrics;
    Path temp = config.export().tempDir().orElse(Path.of(System.getProperty("java.io.tmpdir"), "tidewater-export"));
    Optional<GlueCatalog> glue = glue(config, ledger);
    String gatewayId = config.export().gatewayId().orElseGet(() -> hostName() + "-" + ProcessHandle.current().pid());
    for (TieringPolicy policy : registry.policies().policies()) {
      WindowWriter writer = new WindowWriter(ledger, temp, clock, committed -> {
        sql.dataChanged(committed.database(), committed.measurement(),
            new io.tidewater.federation.TimeRange(committed.windowStart(), committed.windowEnd()));
        glue.ifPresent(g -> {
        try {
          g.register(committed, policy.lake());
        } catch (RuntimeException e) {
          // Committed data stays; the next commit of the table registers again (idempotent).
          LOG.warnf("Glue registration of %s.%s %s failed: %s", committed.database(), committed.measurement(),
              committed.window(), e.getMessage());
        }
        });
      });
      WindowExporter exporter = new WindowExporter(influx, writer);
      Tracked tracked = new Tracked(new ExportJob(policy, influx, ledger, exporter, clock, config.export().attempts(),
          config.export().backoff(), Optional.of(new ExportJob.LeaseSettings(gatewayId, config.export().leaseTtl()))));
      tracked.mover = new TierMover(policy, ledger, writer, clock);
      if (microBatches.covers(policy)) {
        microBatchWriters.add(new io.tidewater.lifecycle.cdc.MicroBatchWriter(tracked.job, ledger, writer, microBatches,
            clock));
      }
      tracked.retention = new HotRetention(policy, influx, ledger, clock, changes);
      jobs.put(policy.name(), tracked);
      Gauge.builder("tidewater_export_lag_seconds", tracked,
              t -> t.newestWindowEnd == null ? Double.NaN : Duration.between(t.newestWindowEnd, clock.instant()).toSeconds())
          .description("How far the lake trails now: now minus the end of the newest exported window")
          .tag("policy", policy.name()).register(metrics);
    }
  }

  void schedule(@Observes StartupEvent start, Scheduler scheduler) {
    if (!config.export().scheduled()) {
      LOG.info("Scheduled exports are off (tidewater.export.scheduled=false)");
      return;
    }
    for (Tracked t : jobs.values()) {
      TieringPolicy policy = t.job.policy();
      scheduler.newJob("export-" + policy.name())
          .setCron(policy.schedule().cron())
          .setTask(execution -> runNow(policy.name(), "scheduled", () -> t.job.runDue(r -> afterExport(t, "scheduled", r))))
          .schedule();
      LOG.infof("Export of policy %s scheduled: %s (UTC)", policy.name(), policy.schedule().cron());
    }
  }

  /** Starts a run of {@code policy} in the background; BUSY if one is going on. */
  public JobStatus start(String policy) {
    Tracked t = tracked(policy);
    return submit(t, "manual", () -> t.job.runDue(r -> afterExport(t, "manual", r)));
  }

  /** Starts a backfill of {@code [from, to)} in the background; BUSY if a run is going on. */
  public JobStatus backfill(String policy, Instant from, Instant to) {
    Tracked t = tracked(policy);
    if (!from.isBefore(to)) {
      throw new TidewaterException(ErrorCode.BAD_REQUEST, "backfill needs from before to; got from=" + from + ", to=" + to);
    }
    String kind = "backfill " + from + " to " + to;
    return submit(t, kind, () -> t.job.backfill(from, to, r -> afterExport(t, kind, r)));
  }

  private JobStatus submit(Tracked t, String kind, Supplier<Optional<JobReport>> work) {
    synchronized (t) {
      if (t.runningKind != null) {
        throw new TidewaterException(ErrorCode.BUSY, "policy " + t.job.policy().name() + " is already exporting ("
            + t.runningKind + " since " + t.runningSince + ")");
      }
      t.runningKind = kind;
      t.runningSince = clock.instant();
    }
    executor.submit(() -> run(t, kind, work));
    return status(t);
  }

  private void runNow(String policy, String kind, Supplier<Optional<JobReport>> work) {
    Tracked t = tracked(policy);
    synchronized (t) {
      if (t.runningKind != null) {
        LOG.infof("Export of %s skipped: a %s run is still going on", policy, t.runningKind);
        return;
      }
      t.runningKind = kind;
      t.runningSince = clock.instant();
    }
    run(t, kind, work);
  }

  private void run(Tracked t, String kind, Supplier<Optional<JobReport>> work) {
    String policy = t.job.policy().name();
    Instant started = t.runningSince;
    try {
      Optional<JobReport> report = work.get();
      if (report.isEmpty()) {
        LOG.infof("Export of %s (%s) skipped: another gateway holds the policy's lease (or a repair of dirty"
            + " windows here outlasted the wait)", policy, kind);
      }
      report.ifPresent(r -> {
        count(policy, r);
        LOG.infof("Export of %s (%s): %d windows exported, %d already in the lake, %d failed, %d rows, %d bytes",
            policy, kind, r.exported().size(), r.alreadyDone(), r.failures().size(), r.rows(), r.bytes());
        r.failures().forEach(f -> LOG.warnf("Export of %s: window %s of %s failed: %s", policy, f.window(),
            f.measurement(), f.reason()));
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

  /**
   * Still under the policy's lease: tier moves, InfluxDB retention and garbage collection follow
   * the export, and the run's status is recorded.
   */
  private void afterExport(Tracked t, String kind, JobReport r) {
    String policy = t.job.policy().name();
    List<String> measurements = claimedMeasurements(t.job.policy());
    TierReport tiers = t.mover.run(measurements);
    // Tier moves restate and drop windows: what queries remember of them is stale.
    measurements.forEach(m -> sql.dataChanged(t.job.policy().source().database(), m));
    tiers.failures().forEach(f -> LOG.warnf("Tier move of %s failed: %s", policy, f));
    metrics.counter("tidewater_tier_changes_total", "policy", policy).increment(tiers.classChanges()
        + tiers.rollupsBuilt() + tiers.rollupsDropped() + tiers.rawDropped() + tiers.windowsExpired());
    RetentionReport retention = t.retention.run(measurements);
    // Retention deleted points from InfluxDB: routes and results over them are stale.
    measurements.forEach(m -> sql.dataChanged(t.job.policy().source().database(), m));
    retention.held().forEach(h -> LOG.infof("Retention of %s held back: %s", policy, h));
    for (String m : measurements) {
      // Files a crash left between a commit and its deletes; never younger than an hour.
      ledger.collectGarbage(t.job.policy().source().database(), m, Duration.ofHours(1), clock.instant())
          .forEach(key -> LOG.infof("Garbage collected %s", key));
    }
    t.lastRun = JobStatus.LastRun.of(kind, t.runningSince, clock.instant(), r, tiers, retention);
  }

  private void count(String policy, JobReport r) {
    counter("tidewater_export_rows_total", policy, "Rows read from InfluxDB and written to the lake").increment(r.rows());
    counter("tidewater_export_bytes_total", policy, "Bytes of Parquet written").increment(r.bytes());
    counter("tidewater_export_windows_total", policy, "Windows exported").increment(r.exported().size());
    counter("tidewater_export_window_failures_total", policy, "Windows that failed after retries")
        .increment(r.failures().size());
  }

  private Counter counter(String name, String policy, String description) {
    return Counter.builder(name).description(description).tag("policy", policy).register(metrics);
  }

  private List<String> claimedMeasurements(TieringPolicy p) {
    return influx.measurements(p.source().database()).stream()
        .filter(p.source()::claims)
        .toList();
  }

  /** The newest window end in the lake across the policy's measurements (full resolution). */
  private void refreshNewest(Tracked t) {
    try {
      TieringPolicy p = t.job.policy();
      Instant newest = null;
      for (String m : claimedMeasurements(p)) {
        Optional<Instant> end = ledger.windows(p.source().database(), m, Resolution.RAW).stream()
            .map(WindowVersion::window).map(w -> w.end()).max(Comparator.naturalOrder());
        if (end.isPresent() && (newest == null || end.get().isAfter(newest))) {
          newest = end.get();
        }
      }
      t.newestWindowEnd = newest;
    } catch (RuntimeException e) {
      LOG.debugf("Could not refresh the export lag of %s: %s", t.job.policy().name(), e.getMessage());
    }
  }

  private static Optional<GlueCatalog> glue(TidewaterConfig config, Ledger ledger) {
    TidewaterConfig.Catalog.Glue glue = config.catalog().glue();
    if (!glue.enabled()) {
      return Optional.empty();
    }
    if (!(ledger.store().location() instanceof LakeLocation.S3 s3)) {
      throw new TidewaterException(ErrorCode.INVALID_LAKE_CONFIG, "tidewater.catalog.glue.enabled needs an s3:// lake;"
          + " the lake is " + ledger.store().location().uri());
    }
    GlueClientBuilder builder = GlueClient.builder().httpClientBuilder(ApacheHttpClient.builder());
    glue.endpoint().ifPresent(builder::endpointOverride);
    glue.region().map(Region::of).ifPresent(builder::region);
    return Optional.of(new GlueCatalog(builder.build(), s3, glue.databasePrefix().orElse("")));
  }

  private static String hostName() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.net.UnknownHostException e) {
      return "gateway";
    }
  }

  /** The writers of the policies with micro-batches (change capture flushes them). */
  public List<io.tidewater.lifecycle.cdc.MicroBatchWriter> microBatchWriters() {
    return List.copyOf(microBatchWriters);
  }

  /** Each policy's export job (change capture re-exports dirty windows through them). */
  public List<ExportJob> jobs() {
    return jobs.values().stream().map(t -> t.job).toList();
  }

  public List<JobStatus> statuses() {
    return jobs.values().stream().map(this::status).toList();
  }

  public JobStatus status(String policy) {
    return status(tracked(policy));
  }

  private JobStatus status(Tracked t) {
    Instant newest = t.newestWindowEnd;
    return new JobStatus(t.job.policy().name(), t.job.policy().schedule().cron(), t.runningKind != null, t.runningKind,
        t.runningSince, t.lastRun, newest, newest == null ? null : Duration.between(newest, clock.instant()).toSeconds(),
        null);
  }

  private Tracked tracked(String policy) {
    Tracked t = jobs.get(policy);
    if (t == null) {
      throw new TidewaterException(ErrorCode.NOT_FOUND, "no policy named '" + policy + "'; policies: " + jobs.keySet());
    }
    return t;
  }

  @PreDestroy
  void stop() {
    executor.shutdownNow();
  }
}
