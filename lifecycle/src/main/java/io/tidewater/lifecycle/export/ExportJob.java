package io.tidewater.lifecycle.export;

import io.tidewater.error.ErrorCode;
import io.tidewater.error.TidewaterException;
import io.tidewater.lifecycle.influx.InfluxClient;
import io.tidewater.lifecycle.lake.LakeLayout;
import io.tidewater.lifecycle.lake.Lease;
import io.tidewater.lifecycle.lake.Ledger;
import io.tidewater.lifecycle.lake.WindowVersion;
import io.tidewater.lifecycle.lake.WindowWriter;
import io.tidewater.policy.Durations;
import io.tidewater.policy.Resolution;
import io.tidewater.policy.Source;
import io.tidewater.policy.TieringPolicy;
import io.tidewater.policy.Window;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A policy's export: every closed, settled window holding data of every measurement the policy
 * claims that the ledger does not already hold at every resolution its tier needs (a window whose
 * write was interrupted counts as not held). Progress lives only in the ledger, so a run after a
 * crash picks up exactly the windows not committed. A failed window is retried with backoff, then
 * reported; the run goes on.
 *
 * <p>The job finds the windows to look at and puts the parts together: {@link WindowPlanner}
 * decides what to do with each, {@link PolicyLock} holds the policy (and its lease), {@link
 * ExportPipeline} reads and writes windows, {@link SpanExport} rebuilds rollups coarser than a
 * window, {@link ShrinkCheck} keeps a re-export from replacing data with less.
 */
public final class ExportJob {

  // Scheduled and requested runs wait this long for a repair of dirty windows rather than being
  // skipped.
  private static final Duration WAIT_FOR_REPAIR = Duration.ofMinutes(10);

  private final TieringPolicy policy;
  private final InfluxClient influx;
  private final Ledger ledger;
  private final Clock clock;
  private final WindowPlanner planner;
  private final PolicyLock lock;
  private final ShrinkCheck shrinks;
  private final ExportPipeline pipeline;
  private final SpanExport spans;

  private ExportJob(Builder b) {
    this.policy = b.policy;
    this.influx = b.influx;
    this.ledger = b.ledger;
    this.clock = b.clock;
    WindowExporter exporter =
        new WindowExporter(
            influx, b.writer != null ? b.writer : new WindowWriter(ledger, b.stagingDir, clock));
    this.planner = new WindowPlanner(policy);
    this.lock = new PolicyLock(policy.name(), ledger, clock, b.settings.lease(), new Lease.Watch());
    this.shrinks = new ShrinkCheck(policy, influx, ledger);
    this.pipeline =
        new ExportPipeline(
            policy,
            exporter,
            lock,
            new Retry(b.settings.attempts(), b.settings.firstBackoff(), RuntimeException.class));
    this.spans = new SpanExport(policy, exporter, lock, shrinks);
  }

  /** A job exporting {@code policy} from {@code influx} into {@code ledger}'s lake. */
  public static Builder builder(TieringPolicy policy, InfluxClient influx, Ledger ledger) {
    return new Builder(policy, influx, ledger);
  }

  /**
   * What a job is made of besides its policy and places: the writer (or its staging folder), clock
   * and settings.
   */
  public static final class Builder {
    private final TieringPolicy policy;
    private final InfluxClient influx;
    private final Ledger ledger;
    private Clock clock = Clock.systemUTC();
    private WindowWriter writer;
    private Path stagingDir;
    private ExportSettings settings = ExportSettings.DEFAULT;

    private Builder(TieringPolicy policy, InfluxClient influx, Ledger ledger) {
      this.policy = Objects.requireNonNull(policy, "policy");
      this.influx = Objects.requireNonNull(influx, "influx");
      this.ledger = Objects.requireNonNull(ledger, "ledger");
    }

    /** The clock deciding which windows are due (the system's UTC clock by default). */
    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    /** Writes windows through {@code writer} (its commit listeners run on each commit). */
    public Builder writer(WindowWriter writer) {
      this.writer = writer;
      return this;
    }

    /** Writes windows through a writer staging files in {@code dir}. */
    public Builder stagingDir(Path dir) {
      this.stagingDir = dir;
      return this;
    }

    public Builder settings(ExportSettings settings) {
      this.settings = Objects.requireNonNull(settings, "settings");
      return this;
    }

    /** Attempts per window and the first wait between them (doubling). */
    public Builder retries(int attempts, Duration firstBackoff) {
      this.settings = settings.withAttempts(attempts).withBackoff(firstBackoff);
      return this;
    }

    /**
     * Takes a lease in the lake as {@code owner}, lasting {@code ttl}: one gateway at a time runs
     * the policy.
     */
    public Builder lease(String owner, Duration ttl) {
      this.settings = settings.withLease(owner, ttl);
      return this;
    }

    public ExportJob build() {
      if (writer == null && stagingDir == null) {
        throw new IllegalStateException("an export job needs a writer or a staging folder");
      }
      return new ExportJob(this);
    }
  }

  public TieringPolicy policy() {
    return policy;
  }

  /**
   * The live lease of another gateway on this policy (its owner and expiry): runs here would find
   * the policy held and do nothing until it stops renewing.
   */
  public Optional<Lease.Holder> heldElsewhere() {
    return lock.heldElsewhere();
  }

  /**
   * Exports every due window the lake lacks. Empty if another gateway holds the policy's lease, or
   * another run of this job in this process did not end within ten minutes.
   */
  public Optional<JobReport> runDue() {
    return runDue(report -> {});
  }

  /**
   * Exports every due window the lake lacks, then runs {@code thenUnderLease} (tier moves,
   * retention, garbage collection) while still holding the policy's lease.
   */
  public Optional<JobReport> runDue(Consumer<JobReport> thenUnderLease) {
    return lock.exclusively(
        WAIT_FOR_REPAIR,
        () -> {
          JobReport report = run(Optional.empty(), false);
          thenUnderLease.accept(report);
          return report;
        });
  }

  /**
   * Exports (again) every due window of {@code [from, to)}, committing new versions of windows
   * already held; a window InfluxDB now holds fewer values of than the lake is left alone and
   * reported ({@link JobReport.FailureKind#WOULD_LOSE_DATA}).
   */
  public Optional<JobReport> backfill(Instant from, Instant to) {
    return backfill(from, to, false, report -> {});
  }

  /**
   * A backfill followed, still under the policy's lease, by {@code thenUnderLease}. With {@code
   * replace}, windows InfluxDB holds fewer values of than the lake are written too, with what
   * InfluxDB holds (after a deliberate {@code DELETE} or {@code DROP SERIES} there).
   */
  public Optional<JobReport> backfill(
      Instant from, Instant to, boolean replace, Consumer<JobReport> thenUnderLease) {
    if (!from.isBefore(to)) {
      throw new TidewaterException(
          ErrorCode.BAD_REQUEST, "backfill needs from < to, got " + from + " and " + to);
    }
    return lock.exclusively(
        WAIT_FOR_REPAIR,
        () -> {
          JobReport report = run(Optional.of(new Window(from, to)), replace);
          thenUnderLease.accept(report);
          return report;
        });
  }

  /**
   * Exports again windows InfluxDB changed after their export (late writes, counts that differ),
   * committing new versions; windows past expiry, windows InfluxDB holds fewer values of than the
   * lake, and windows InfluxDB may have deleted from are left alone (reported with their {@link
   * JobReport.FailureKind}). Empty if a run of this policy is going on.
   */
  public Optional<JobReport> reexport(Map<String, List<Window>> windowsByMeasurement) {
    return lock.exclusively(
        Duration.ZERO,
        () -> {
          Instant now = clock.instant();
          List<WindowExport> exported = new ArrayList<>();
          List<JobReport.WindowFailure> failures = new ArrayList<>();
          for (var e : windowsByMeasurement.entrySet()) {
            String m = e.getKey();
            Optional<String> unstorable = LakeLayout.unstorable(policy.source().database(), m);
            if (unstorable.isPresent()) {
              for (Window w : e.getValue()) {
                failures.add(
                    JobReport.WindowFailure.onPurpose(
                        m, w, JobReport.FailureKind.NAME_TOO_LONG, " (" + unstorable.get() + ")"));
              }
              continue;
            }
            List<Window> todo = new ArrayList<>();
            List<Window> spanned = new ArrayList<>();
            for (Window w : e.getValue().stream().sorted().distinct().toList()) {
              WindowDecision decision =
                  planner.decide(w, now, WindowPlanner.Mode.REEXPORT, WindowPlanner.Held.NONE);
              if (decision == WindowDecision.EXPIRED) {
                failures.add(
                    JobReport.WindowFailure.onPurpose(m, w, JobReport.FailureKind.PAST_EXPIRY, ""));
                continue;
              }
              Optional<String> shrunk = shrinks.of(m, w);
              if (shrunk.isPresent()) {
                failures.add(
                    JobReport.WindowFailure.onPurpose(
                        m,
                        w,
                        JobReport.FailureKind.WOULD_LOSE_DATA,
                        " ("
                            + shrunk.get()
                            + "): deleted or expired there? The lake keeps its copy"));
                continue;
              }
              switch (decision) {
                case HOT_DELETED ->
                    failures.add(
                        JobReport.WindowFailure.onPurpose(
                            m, w, JobReport.FailureKind.HOT_DELETED, ""));
                case EXPORT_SPAN -> spanned.add(w);
                default -> todo.add(w);
              }
            }
            // Named windows are written even when InfluxDB now holds nothing of them.
            pipeline.export(
                m, todo, new HashSet<>(todo), now, ListedVersions.NONE, exported, failures);
            spans.export(m, spanned, new HashSet<>(spanned), now, exported, failures);
          }
          return new JobReport(policy.name(), exported, 0, failures);
        });
  }

  /**
   * Runs {@code work} (a micro-batch's commit) holding the policy as a run does, so it never
   * interleaves with an export of the same windows here or on another gateway. Empty, without
   * running it, while a run is going on.
   */
  public <T> Optional<T> unlessRunning(Supplier<T> work) {
    return lock.exclusively(Duration.ZERO, work);
  }

  private JobReport run(Optional<Window> backfill, boolean replace) {
    Instant now = clock.instant();
    Source source = policy.source();
    WindowPlanner.Mode mode =
        backfill.isPresent() ? WindowPlanner.Mode.BACKFILL : WindowPlanner.Mode.DUE;
    List<WindowExport> exported = new ArrayList<>();
    List<JobReport.WindowFailure> failures = new ArrayList<>();
    int alreadyDone = 0;
    for (String measurement : influx.measurements(source.database())) {
      if (!source.claims(measurement)) {
        continue;
      }
      Optional<Long> earliest =
          influx.earliestTime(source.database(), source.retentionPolicy(), measurement);
      if (earliest.isEmpty()) {
        continue;
      }
      Instant from = backfill.map(Window::start).orElse(Durations.fromEpochNanos(earliest.get()));
      Optional<String> unstorable = LakeLayout.unstorable(source.database(), measurement);
      if (unstorable.isPresent()) {
        // Reported once, at its first window; the other measurements go on.
        failures.add(
            JobReport.WindowFailure.onPurpose(
                measurement,
                policy.windows().containing(from),
                JobReport.FailureKind.NAME_TOO_LONG,
                " (" + unstorable.get() + ")"));
        continue;
      }
      Instant until = policy.windows().dueUntil(now);
      if (backfill.isPresent() && backfill.get().end().isBefore(until)) {
        until = backfill.get().end();
      }
      Map<Resolution, List<WindowVersion>> newest = newestVersions(measurement);
      Map<Resolution, List<WindowVersion>> versions = live(newest);
      WindowPlanner.Held held =
          backfill.isPresent() ? WindowPlanner.Held.NONE : held(measurement, versions);
      Instant firstStart = policy.windows().containing(from).start();
      Set<Window> keepEmpty = new HashSet<>();
      List<Window> todo = new ArrayList<>();
      List<Window> spanned = new ArrayList<>();
      for (Window w :
          candidates(measurement, versions, firstStart, until, backfill.isPresent(), keepEmpty)) {
        switch (planner.decide(w, now, mode, held)) {
          case EXPIRED -> {}
          case HELD -> alreadyDone++;
          case EXPORT -> {
            // A backfill must not replace what the lake holds with less unless asked to.
            Optional<String> shrunk =
                mode == WindowPlanner.Mode.BACKFILL && !replace
                    ? shrinks.of(measurement, w)
                    : Optional.empty();
            if (shrunk.isPresent()) {
              failures.add(
                  JobReport.WindowFailure.onPurpose(
                      measurement,
                      w,
                      JobReport.FailureKind.WOULD_LOSE_DATA,
                      " ("
                          + shrunk.get()
                          + "): deleted or expired there? The lake keeps its copy; backfill with"
                          + " replace=true to write what InfluxDB holds"));
            } else {
              todo.add(w);
            }
          }
          case EXPORT_SPAN -> spanned.add(w);
          // InfluxDB may have deleted this window's points already: re-exporting would replace the
          // lake's full copy with what is left.
          case HOT_DELETED ->
              failures.add(
                  JobReport.WindowFailure.onPurpose(
                      measurement, w, JobReport.FailureKind.HOT_DELETED, ""));
        }
      }
      int failedBefore = failures.size();
      pipeline.export(
          measurement, todo, keepEmpty, now, ListedVersions.of(newest), exported, failures);
      spans.export(measurement, spanned, keepEmpty, now, exported, failures);
      if (backfill.isEmpty() && failures.size() == failedBefore) {
        // Every window from the first point up to here is in the lake: queries may rely on it.
        ledger.recordExportedThrough(source.database(), measurement, until);
      }
    }
    return new JobReport(policy.name(), exported, alreadyDone, failures);
  }

  /**
   * Above this many windows to look at, a run first asks InfluxDB which hold points (one count scan
   * of them all).
   */
  static final int MAX_UNCOUNTED_WINDOWS = 10_000;

  /**
   * The windows of {@code [firstStart, until)} a run looks at, in order: every window from where
   * the lake was last recorded complete ({@link Ledger#exportedThrough}; a window before it that
   * the lake lacks was empty when its run read it, and a later write there is change capture's to
   * repair), the windows before it the lake holds (a tier may now want resolutions they lack), and
   * micro-batched windows, which {@code keepEmpty} receives: one InfluxDB no longer holds anything
   * of (deleted there) is exported as empty. Other windows are read, and skipped when empty: a
   * batch of empty windows costs InfluxDB one cheap query, where asking first which windows hold
   * points costs a scan of every point (a fifth of an export's reading, measured) - done only when
   * there are more than {@link #MAX_UNCOUNTED_WINDOWS} to look at (years of hourly windows).
   */
  private List<Window> candidates(
      String measurement,
      Map<Resolution, List<WindowVersion>> versions,
      Instant firstStart,
      Instant until,
      boolean backfill,
      Set<Window> keepEmpty) {
    String db = policy.source().database();
    Instant checked =
        backfill
            ? firstStart
            : ledger
                .exportedThrough(db, measurement)
                .filter(firstStart::isBefore)
                .orElse(firstStart);
    if (checked.isAfter(until)) {
      checked = until;
    }
    SortedSet<Window> out = new TreeSet<>();
    long unchecked = Duration.between(checked, until).dividedBy(policy.window());
    if (unchecked > MAX_UNCOUNTED_WINDOWS) {
      influx
          .windowsWithData(
              db,
              policy.source().retentionPolicy(),
              measurement,
              Durations.epochNanos(checked),
              Durations.epochNanos(until),
              policy.window())
          .forEach(s -> out.add(policy.windows().containing(Durations.fromEpochNanos(s))));
    } else {
      policy.windows().covering(checked, until).forEach(out::add);
    }
    for (var e : versions.entrySet()) {
      Resolution r = e.getKey();
      for (WindowVersion v : e.getValue()) {
        Instant start = v.window().start().isBefore(firstStart) ? firstStart : v.window().start();
        Instant end = v.window().end().isAfter(until) ? until : v.window().end();
        if (v.partial()
            && r.isRaw()
            && !v.window().start().isBefore(firstStart)
            && !v.window().end().isAfter(until)) {
          keepEmpty.add(v.window());
          out.add(v.window());
        } else if (start.isBefore(checked)) {
          policy.windows().covering(start, end.isAfter(checked) ? checked : end).forEach(out::add);
        }
      }
    }
    return new ArrayList<>(out);
  }

  /**
   * The newest version of each of a measurement's windows in the ledger (deleted ones included), at
   * full resolution and at every rollup of the policy's tiers: one listing per resolution.
   */
  private Map<Resolution, List<WindowVersion>> newestVersions(String measurement) {
    Set<Resolution> resolutions = new HashSet<>();
    resolutions.add(Resolution.RAW);
    policy.tiers().lakeTiers().forEach(t -> resolutions.addAll(t.rollups()));
    Map<Resolution, List<WindowVersion>> out = new HashMap<>();
    for (Resolution r : resolutions) {
      out.put(r, ledger.newestVersions(policy.source().database(), measurement, r));
    }
    return out;
  }

  /** The versions that are not deleted: the windows the ledger holds ({@link Ledger#windows}). */
  private static Map<Resolution, List<WindowVersion>> live(
      Map<Resolution, List<WindowVersion>> newest) {
    Map<Resolution, List<WindowVersion>> out = new HashMap<>();
    newest.forEach(
        (r, versions) -> out.put(r, versions.stream().filter(v -> !v.deleted()).toList()));
    return out;
  }

  /** Window starts the ledger holds complete, per resolution. */
  private WindowPlanner.Held held(
      String measurement, Map<Resolution, List<WindowVersion>> versions) {
    Map<Resolution, Set<Instant>> held = new HashMap<>();
    for (var e : versions.entrySet()) {
      Resolution r = e.getKey();
      Set<Instant> starts = new HashSet<>();
      for (WindowVersion v : e.getValue()) {
        if (!v.partial()) { // micro-batches hold only what the write targets received: the export
          // replaces them
          starts.add(v.window().start());
        }
      }
      // A write interrupted after replacing files: the entry no longer describes them; redo it.
      starts.removeAll(ledger.unfinishedWrites(policy.source().database(), measurement, r));
      held.put(r, starts);
    }
    return new WindowPlanner.Held(held);
  }
}
