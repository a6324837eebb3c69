package io.tidewater.lifecycle.run;

import io.tidewater.lifecycle.catalog.GlueCatalog;
import io.tidewater.lifecycle.cdc.DirtyRanges;
import io.tidewater.lifecycle.cdc.MicroBatchWriter;
import io.tidewater.lifecycle.cdc.MicroBatches;
import io.tidewater.lifecycle.export.ExportJob;
import io.tidewater.lifecycle.export.ExportSettings;
import io.tidewater.lifecycle.export.JobReport;
import io.tidewater.lifecycle.influx.InfluxClient;
import io.tidewater.lifecycle.lake.LakeLayout;
import io.tidewater.lifecycle.lake.Ledger;
import io.tidewater.lifecycle.lake.WindowVersion;
import io.tidewater.lifecycle.lake.WindowWriter;
import io.tidewater.lifecycle.retention.HotRetention;
import io.tidewater.lifecycle.retention.RetentionReport;
import io.tidewater.lifecycle.tier.TierMover;
import io.tidewater.lifecycle.tier.TierReport;
import io.tidewater.policy.Resolution;
import io.tidewater.policy.TieringPolicy;
import io.tidewater.policy.Window;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Runs one policy: its export (scheduled, requested or a backfill), then, still under the policy's
 * lease, its tier moves, retention in InfluxDB and the collection of lake files a crash left
 * behind. Every committed window is registered in Glue (when configured) and reported to the {@link
 * Listener}, as is every measurement the later steps changed.
 */
public final class PolicyRunner {

  private static final System.Logger LOG = System.getLogger(PolicyRunner.class.getName());

  /** Files younger than this are never collected: a writer may still be committing them. */
  private static final Duration GARBAGE_GRACE = Duration.ofHours(1);

  /** Told what runs change, to forget what it remembers of them (the query engine). */
  public interface Listener {
    /** A window of a measurement was committed. */
    void committed(WindowVersion version);

    /**
     * Some of a measurement's data changed: tier moves restated windows, retention deleted points.
     */
    void changed(String database, String measurement);

    Listener NONE =
        new Listener() {
          @Override
          public void committed(WindowVersion version) {}

          @Override
          public void changed(String database, String measurement) {}
        };
  }

  /**
   * What every policy's runner shares.
   *
   * @param stagingDir where Parquet files are written before they are uploaded
   * @param dirty the windows change capture knows to be stale, which retention must not delete
   */
  public record Context(
      InfluxClient influx,
      Ledger ledger,
      Clock clock,
      Path stagingDir,
      ExportSettings settings,
      Optional<GlueCatalog> glue,
      DirtyRanges dirty,
      Listener listener) {}

  private final TieringPolicy policy;
  private final Context context;
  private final WindowWriter writer;
  private final ExportJob job;
  private final TierMover mover;
  private final HotRetention retention;

  public PolicyRunner(TieringPolicy policy, Context context) {
    this.policy = policy;
    this.context = context;
    this.writer =
        new WindowWriter(context.ledger(), context.stagingDir(), context.clock(), this::committed);
    this.job =
        ExportJob.builder(policy, context.influx(), context.ledger())
            .writer(writer)
            .clock(context.clock())
            .settings(context.settings())
            .build();
    this.mover = new TierMover(policy, context.ledger(), writer, context.clock());
    this.retention =
        new HotRetention(
            policy, context.influx(), context.ledger(), context.clock(), context.dirty());
  }

  private void committed(WindowVersion v) {
    context.listener().committed(v);
    context
        .glue()
        .ifPresent(
            g -> {
              try {
                g.register(v, policy.lake());
              } catch (RuntimeException e) {
                // Committed data stays; the next commit of the table registers again (idempotent).
                LOG.log(
                    Level.WARNING,
                    "Glue registration of {0}.{1} {2} failed: {3}",
                    v.database(),
                    v.measurement(),
                    v.window(),
                    e.getMessage());
              }
            });
  }

  public TieringPolicy policy() {
    return policy;
  }

  /** The policy's export job (change capture re-exports dirty windows through it). */
  public ExportJob job() {
    return job;
  }

  /** A writer of the policy's micro-batches, committing through this runner's writer. */
  public MicroBatchWriter microBatchWriter(MicroBatches batches) {
    return new MicroBatchWriter(job, context.ledger(), writer, batches, context.clock());
  }

  /**
   * Exports every due window the lake lacks, then the later steps; empty if the policy is held
   * elsewhere.
   */
  public Optional<PolicyRun> runDue() {
    return run(job::runDue);
  }

  /**
   * Exports again every due window of {@code [from, to)} (with {@code replace}, also those InfluxDB
   * holds fewer values of than the lake), then the later steps; empty if the policy is held
   * elsewhere.
   */
  public Optional<PolicyRun> backfill(Instant from, Instant to, boolean replace) {
    return run(then -> job.backfill(from, to, replace, then));
  }

  private Optional<PolicyRun> run(Function<Consumer<JobReport>, Optional<JobReport>> export) {
    PolicyRun[] run = new PolicyRun[1];
    Optional<JobReport> report = export.apply(r -> run[0] = afterExport(r));
    return report.map(r -> run[0]);
  }

  /** Still under the policy's lease: tier moves, InfluxDB retention and garbage collection. */
  private PolicyRun afterExport(JobReport export) {
    String database = policy.source().database();
    List<String> measurements = claimedMeasurements();
    TierReport tiers = mover.run(measurements);
    // Tier moves restate and drop windows: what queries remember of them is stale.
    measurements.forEach(m -> context.listener().changed(database, m));
    tiers
        .failures()
        .forEach(f -> LOG.log(Level.WARNING, "Tier move of {0} failed: {1}", policy.name(), f));
    RetentionReport deleted = retention.run(measurements);
    // Retention deleted points from InfluxDB: routes and results over them are stale.
    measurements.forEach(m -> context.listener().changed(database, m));
    deleted
        .held()
        .forEach(h -> LOG.log(Level.INFO, "Retention of {0} held back: {1}", policy.name(), h));
    List<String> collected = new ArrayList<>();
    for (String m : measurements) {
      // Files a crash left between a commit and its deletes.
      for (String key :
          context.ledger().collectGarbage(database, m, GARBAGE_GRACE, context.clock().instant())) {
        LOG.log(Level.INFO, "Garbage collected {0}", key);
        collected.add(key);
      }
      // Writes a crash interrupted: staging files, open multipart uploads.
      for (String staged :
          context
              .ledger()
              .store()
              .collectStaging(
                  LakeLayout.measurementPrefix(database, m),
                  context.clock().instant().minus(GARBAGE_GRACE))) {
        LOG.log(Level.INFO, "Interrupted write collected: {0}", staged);
        collected.add(staged);
      }
    }
    return new PolicyRun(export, tiers, deleted, collected);
  }

  /** The measurements of the policy's database that it claims, as InfluxDB lists them now. */
  public List<String> claimedMeasurements() {
    return context.influx().measurements(policy.source().database()).stream()
        .filter(policy.source()::claims)
        .toList();
  }

  /**
   * The end of the newest window the lake holds at full resolution across the policy's
   * measurements.
   */
  public Optional<Instant> newestWindowEnd() {
    Instant newest = null;
    for (String m : claimedMeasurements()) {
      Optional<Instant> end =
          context.ledger().windows(policy.source().database(), m, Resolution.RAW).stream()
              .map(WindowVersion::window)
              .map(Window::end)
              .max(Comparator.naturalOrder());
      if (end.isPresent() && (newest == null || end.get().isAfter(newest))) {
        newest = end.get();
      }
    }
    return Optional.ofNullable(newest);
  }
}
