package io.tidewater.lifecycle.export;

import io.tidewater.error.TidewaterException;
import io.tidewater.lifecycle.influx.InfluxClient;
import io.tidewater.lifecycle.lake.Lease;
import io.tidewater.lifecycle.lake.Ledger;
import io.tidewater.lifecycle.lake.WindowVersion;
import io.tidewater.policy.Durations;
import io.tidewater.policy.Placement;
import io.tidewater.policy.Resolution;
import io.tidewater.policy.Source;
import io.tidewater.policy.Tier;
import io.tidewater.policy.TieringPolicy;
import io.tidewater.policy.Window;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A policy's export: every closed, settled window holding data of every measurement the policy
 * claims that the ledger does not already hold at every resolution its tier needs (a window whose
 * write was interrupted counts as not held). Progress lives only in the ledger, so a run after a crash picks up exactly the windows
 * not committed. A failed window is retried with backoff, then reported; the run goes on.
 */
public final class ExportJob {

  /** Why a dirty window was dropped rather than exported again: the lake no longer keeps it. */
  public static final String PAST_EXPIRY = "not re-exported: past the policy's expiry";

  /** Why a dirty window was not exported again: InfluxDB holds fewer values than the lake (prefix). */
  public static final String WOULD_LOSE_DATA = "not re-exported: InfluxDB holds fewer values than the lake";

  /** Why a window was not exported again: InfluxDB may have deleted part of it. */
  public static final String NOT_REEXPORTED = "not re-exported: the policy deletes points older than hot keep from"
      + " InfluxDB, so InfluxDB may no longer hold all of this window";

  // Scheduled and requested runs wait this long for a repair of dirty windows rather than being skipped.
  private static final Duration WAIT_FOR_REPAIR = Duration.ofMinutes(10);

  private final TieringPolicy policy;
  private final InfluxClient influx;
  private final Ledger ledger;
  private final WindowExporter exporter;
  private final Clock clock;
  private final int attempts;
  private final Duration firstBackoff;
  private final ReentrantLock running = new ReentrantLock();
  private final Optional<LeaseSettings> lease;

  /** Who this gateway is and how long its lease on a policy lasts before another may take over. */
  public record LeaseSettings(String owner, Duration ttl) {}

  public ExportJob(TieringPolicy policy, InfluxClient influx, Ledger ledger, WindowExporter exporter, Clock clock,
      int attempts, Duration firstBackoff) {
    this(policy, influx, ledger, exporter, clock, attempts, firstBackoff, Optional.empty());
  }

  /** With a lease in the lake: of several gateways sharing the lake, one runs the policy at a time. */
  public ExportJob(TieringPolicy policy, InfluxClient influx, Ledger ledger, WindowExporter exporter, Clock clock,
      int attempts, Duration firstBackoff, Optional<LeaseSettings> lease) {
    this.lease = lease;
    this.policy = policy;
    this.influx = influx;
    this.ledger = ledger;
    this.exporter = exporter;
    this.clock = clock;
    this.attempts = attempts;
    this.firstBackoff = firstBackoff;
  }

  public TieringPolicy policy() {
    return policy;
  }

  /**
   * Exports every due window the lake lacks. Empty if another gateway holds the policy's lease, or
   * another run of this job in this process did not end within ten minutes.
   */
  public Optional<JobReport> runDue() {
    return runDue(report -> { });
  }

  /**
   * Exports every due window the lake lacks, then runs {@code thenUnderLease} (tier moves,
   * retention, garbage collection) while still holding the policy's lease.
   */
  public Optional<JobReport> runDue(java.util.function.Consumer<JobReport> thenUnderLease) {
    return exclusively(WAIT_FOR_REPAIR, () -> {
      JobReport report = run(Optional.empty());
      thenUnderLease.accept(report);
      return report;
    });
  }

  /** Exports (again) every due window of {@code [from, to)}, committing new versions of windows already held. */
  public Optional<JobReport> backfill(Instant from, Instant to) {
    return backfill(from, to, report -> { });
  }

  /** A backfill followed, still under the policy's lease, by {@code thenUnderLease}. */
  public Optional<JobReport> backfill(Instant from, Instant to, java.util.function.Consumer<JobReport> thenUnderLease) {
    if (!from.isBefore(to)) {
      throw new TidewaterException(io.tidewater.error.ErrorCode.BAD_REQUEST, "backfill needs from < to, got "
          + from + " and " + to);
    }
    return exclusively(WAIT_FOR_REPAIR, () -> {
      JobReport report = run(Optional.of(new Window(from, to)));
      thenUnderLease.accept(report);
      return report;
    });
  }

  /**
   * Exports again windows InfluxDB changed after their export (late writes, counts that differ),
   * committing new versions; windows past expiry are skipped. Empty if a run of this policy is going on.
   */
  public Optional<JobReport> reexport(Map<String, List<Window>> windowsByMeasurement) {
    return exclusively(() -> {
      Instant now = clock.instant();
      List<WindowExport> exported = new ArrayList<>();
      List<JobReport.WindowFailure> failures = new ArrayList<>();
      for (var e : windowsByMeasurement.entrySet()) {
        List<Window> todo = new ArrayList<>();
        List<Window> spans = new ArrayList<>();
        for (Window w : e.getValue().stream().sorted().distinct().toList()) {
          if (policy.ladder().placementAt(w.start(), now).tier() == Tier.EXPIRED) {
            failures.add(new JobReport.WindowFailure(e.getKey(), w, PAST_EXPIRY));
            continue;
          }
          Optional<String> shrinks = shrinks(e.getKey(), w);
          if (shrinks.isPresent()) {
            failures.add(new JobReport.WindowFailure(e.getKey(), w, WOULD_LOSE_DATA + " (" + shrinks.get()
                + "): deleted or expired there? The lake keeps its copy"));
            continue;
          }
          if (policy.deleteFromHotAfterExport() && !w.end().isAfter(policy.ladder().boundaries(now).hotFrom())) {
            failures.add(new JobReport.WindowFailure(e.getKey(), w, NOT_REEXPORTED));
          } else if (WindowExporter.spanOnly(policy, policy.ladder().placementAt(w.start(), now))) {
            spans.add(w);
          } else {
            todo.add(w);
          }
        }
        // Named windows are written even when InfluxDB now holds nothing of them.
        exportPipelined(e.getKey(), todo, new HashSet<>(todo), now, exported, failures);
        exportSpans(e.getKey(), spans, new HashSet<>(spans), now, exported, failures);
      }
      return new JobReport(policy.name(), exported, 0, failures);
    });
  }

  /**
   * Whether InfluxDB now holds fewer values of some field in {@code w} than the lake: a re-export
   * would then replace data the lake has with less. Empty if not.
   */
  private Optional<String> shrinks(String measurement, Window w) {
    Optional<Map<String, Long>> lake = LakeCounts.of(ledger, policy, measurement, w);
    if (lake.isEmpty()) {
      return Optional.empty();
    }
    Map<String, Long> inInflux = influx.valueCountsPerWindow(policy.source().database(), policy.source().retentionPolicy(),
        measurement, Durations.epochNanos(w.start()), Durations.epochNanos(w.end()), w.length())
        .getOrDefault(Durations.epochNanos(w.start()), Map.of());
    return LakeCounts.differences(inInflux, lake.get()).stream().filter(d -> !d.lakeLacks()).findFirst()
        .map(LakeCounts.Difference::toString);
  }

  /**
   * Runs {@code work} (a micro-batch's commit) holding the policy as a run does, so it never
   * interleaves with an export of the same windows here or on another gateway. Empty, without
   * running it, while a run is going on.
   */
  public <T> Optional<T> unlessRunning(java.util.function.Supplier<T> work) {
    return exclusively(Duration.ZERO, work);
  }

  /** Runs {@code work} unless this job, or (with a lease) another gateway, is already running the policy. */
  private Optional<JobReport> exclusively(java.util.function.Supplier<JobReport> work) {
    return exclusively(Duration.ZERO, work);
  }

  /**
   * Like {@link #exclusively(java.util.function.Supplier)}, waiting up to {@code wait} for a run
   * of this job in this process (a repair of dirty windows, usually short) to end.
   */
  private <T> Optional<T> exclusively(Duration wait, java.util.function.Supplier<T> work) {
    try {
      if (!running.tryLock(wait.toMillis(), TimeUnit.MILLISECONDS)) {
        return Optional.empty();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
    try {
      if (lease.isEmpty()) {
        return Optional.of(work.get());
      }
      Optional<Lease> held = Lease.acquire(ledger.store(), "export-" + policy.name(), lease.get().owner(),
          lease.get().ttl(), clock.instant());
      if (held.isEmpty()) {
        return Optional.empty();
      }
      Lease lease = held.get();
      leaseLost = false;
      // Renewed in the background every third of its time, so one slow window cannot outlive it.
      ScheduledExecutorService renewer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "tidewater-lease-" + policy.name());
        t.setDaemon(true);
        return t;
      });
      long period = Math.max(1, this.lease.get().ttl().toMillis() / 3);
      renewer.scheduleAtFixedRate(() -> {
        try {
          if (!leaseLost && !lease.renew(clock.instant())) {
            leaseLost = true;
          }
        } catch (RuntimeException e) {
          // The store is unreachable: the next attempt may succeed; the run's writes fail meanwhile.
        }
      }, period, period, TimeUnit.MILLISECONDS);
      currentLease = lease;
      try {
        return Optional.of(work.get());
      } finally {
        renewer.shutdownNow();
        currentLease = null;
        if (!leaseLost) {
          lease.release(clock.instant());
        }
      }
    } finally {
      running.unlock();
    }
  }

  private volatile Lease currentLease;
  private volatile boolean leaseLost;

  /** Stops the run when the lease was lost (expired and taken over by another gateway). */
  private void keepLease() {
    if (currentLease != null && leaseLost) {
      throw new TidewaterException(io.tidewater.error.ErrorCode.LAKE_CONFLICT, "the lease on policy " + policy.name()
          + " expired and another gateway took it over; this run stops");
    }
  }

  private JobReport run(Optional<Window> backfill) {
    Instant now = clock.instant();
    Source source = policy.source();
    List<WindowExport> exported = new ArrayList<>();
    List<JobReport.WindowFailure> failures = new ArrayList<>();
    int alreadyDone = 0;
    for (String measurement : influx.measurements(source.database())) {
      if (!source.claims(measurement)) {
        continue;
      }
      Optional<Long> earliest = influx.earliestTime(source.database(), source.retentionPolicy(), measurement);
      if (earliest.isEmpty()) {
        continue;
      }
      Instant from = backfill.map(Window::start).orElse(Durations.fromEpochNanos(earliest.get()));
      Instant until = policy.windows().dueUntil(now);
      if (backfill.isPresent() && backfill.get().end().isBefore(until)) {
        until = backfill.get().end();
      }
      Map<Resolution, List<WindowVersion>> versions = versions(measurement);
      Map<String, Set<Instant>> held = backfill.isPresent() ? Map.of() : held(measurement, versions);
      Instant firstStart = policy.windows().containing(from).start();
      Set<Window> keepEmpty = new HashSet<>();
      List<Window> windows = candidates(measurement, versions, firstStart, until, backfill.isPresent(), keepEmpty);
      List<Window> todo = new ArrayList<>();
      List<Window> spans = new ArrayList<>();
      for (Window w : windows) {
        Placement placement = policy.ladder().placementAt(w.start(), now);
        if (placement.tier() == Tier.EXPIRED) {
          continue;
        }
        List<Resolution> needed = WindowExporter.resolutionsToWrite(policy, placement);
        if (WindowExporter.spanOnly(policy, placement)) {
          // Held when every rollup of the tier holds the span the window is in.
          if (backfill.isEmpty() && placement.rollups().stream().allMatch(r ->
              held.getOrDefault(r.name(), Set.of()).contains(Durations.floor(w.start(), r.width())))) {
            alreadyDone++;
          } else {
            spans.add(w);
          }
          continue;
        }
        if (backfill.isPresent() && policy.deleteFromHotAfterExport()
            && !w.end().isAfter(policy.ladder().boundaries(now).hotFrom())) {
          // InfluxDB may have deleted this window's points already: re-exporting would replace the
          // lake's full copy with what is left.
          failures.add(new JobReport.WindowFailure(measurement, w, NOT_REEXPORTED));
        } else if (needed.stream().allMatch(r -> held.getOrDefault(r.name(), Set.of()).contains(w.start()))) {
          alreadyDone++;
        } else {
          todo.add(w);
        }
      }
      int failedBefore = failures.size();
      exportPipelined(measurement, todo, keepEmpty, now, exported, failures);
      exportSpans(measurement, spans, keepEmpty, now, exported, failures);
      if (backfill.isEmpty() && failures.size() == failedBefore) {
        // Every window from the first point up to here is in the lake: queries may rely on it.
        ledger.recordExportedThrough(source.database(), measurement, until);
      }
    }
    return new JobReport(policy.name(), exported, alreadyDone, failures);
  }

  /** Rows one InfluxDB query reads (about: sized from the last batch). */
  static final long BATCH_ROWS = 200_000;
  /** Batches read ahead of the one being written (so at most READ_AHEAD + WRITE_BEHIND + 1 are in memory). */
  static final int READ_AHEAD = 2;
  /** Windows written at once. */
  static final int WRITERS = 4;
  /** Batches whose writes may be under way at once (so at most this many more are in memory). */
  static final int WRITE_BEHIND = 2;
  /** Windows one query reads at most. */
  static final int MAX_BATCH_WINDOWS = 48;

  /** Consecutive windows read by one query, and that read. */
  private record Batch(int start, List<Window> windows, Future<List<WindowExporter.WindowRead>> reads) {}

  /** A window being written; {@code done} yields nothing for an empty window skipped or a lost lease. */
  private record Write(Window window, Future<Optional<WindowExport>> done) {}

  /**
   * Exports windows batch by batch while reading the next batches from InfluxDB as earlier ones
   * are written, so InfluxDB and the Parquet writers work at once. Small windows are read
   * several per query (as many as keep a batch near {@link #BATCH_ROWS} rows, judged by the last
   * batch): a query per hourly window left InfluxDB's per-query work as most of the export's time.
   * Windows are committed independently, in any order (each is atomic in the ledger; a crash
   * resumes from it), the writes of {@link #WRITE_BEHIND} batches at once so the writers never
   * wait for a batch's last window. A window whose read or write fails is redone alone with
   * retries. An empty window is skipped unless it is in {@code keepEmpty}.
   */
  private void exportPipelined(String measurement, List<Window> windows, Set<Window> keepEmpty, Instant now,
      List<WindowExport> exported, List<JobReport.WindowFailure> failures) {
    if (windows.isEmpty()) {
      return;
    }
    ExecutorService reader = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "tidewater-export-read");
      t.setDaemon(true);
      return t;
    });
    ExecutorService writer = Executors.newFixedThreadPool(WRITERS, r -> {
      Thread t = new Thread(r, "tidewater-export-write");
      t.setDaemon(true);
      return t;
    });
    try {
      java.util.ArrayDeque<Batch> pending = new java.util.ArrayDeque<>();
      java.util.ArrayDeque<List<Write>> writing = new java.util.ArrayDeque<>();
      pending.add(read(reader, measurement, windows, 0, 1, now));
      int unread = pending.peek().windows().size();
      while (!pending.isEmpty()) {
        Batch current = pending.poll();
        List<WindowExporter.WindowRead> reads;
        try {
          reads = current.reads().get();
        } catch (ExecutionException e) {
          reads = null;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted", e);
        }
        // The reader keeps READ_AHEAD batches queued, so InfluxDB streams while windows are written.
        while (pending.size() < READ_AHEAD && unread < windows.size()) {
          Batch next = read(reader, measurement, windows, unread, batchSize(reads), now);
          pending.add(next);
          unread += next.windows().size();
        }
        // A small window's write is mostly fixed costs (files, ledger entry, fsyncs), which overlap.
        List<Write> writes = new ArrayList<>();
        for (int k = 0; k < current.windows().size(); k++) {
          Window w = current.windows().get(k);
          WindowExporter.WindowRead read = reads == null ? null : reads.get(k);
          boolean keep = keepEmpty.contains(w);
          if (read != null && skipped(read, keep)) {
            continue;
          }
          keepLease(); // a lost lease stops the run: another gateway carries on
          writes.add(new Write(w, writer.submit(() -> {
            if (currentLease != null && leaseLost) {
              return Optional.empty(); // not written: the lease was lost meanwhile
            }
            return read != null ? writeOrRedo(read, keep, now) : exportWithRetries(measurement, w, keep, now);
          })));
        }
        writing.add(writes);
        while (writing.size() > WRITE_BEHIND) {
          collect(measurement, writing.poll(), exported, failures);
        }
      }
      while (!writing.isEmpty()) {
        collect(measurement, writing.poll(), exported, failures);
      }
    } finally {
      reader.shutdownNow();
      writer.shutdownNow();
    }
  }

  /** Waits for a batch's writes, adding each to {@code exported} or {@code failures}. */
  private void collect(String measurement, List<Write> writes, List<WindowExport> exported,
      List<JobReport.WindowFailure> failures) {
    for (Write write : writes) {
      try {
        Optional<WindowExport> done = write.done().get();
        if (done.isPresent()) {
          exported.add(done.get());
        } else {
          keepLease();
        }
      } catch (ExecutionException e) {
        if (e.getCause() instanceof Error error) {
          throw error;
        }
        failures.add(new JobReport.WindowFailure(measurement, write.window(), e.getCause().getMessage()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }
  }

  /**
   * Exports windows the lake keeps only as rollups coarser than a window ({@link
   * WindowExporter#spanOnly}): each span they fall in is read from InfluxDB whole and its rollup
   * rebuilt, once however many of its windows are listed; a span whose rollup holds more values
   * than InfluxDB now has (deleted or expired there) is not rebuilt. Every listed window holding
   * points, or in {@code keepEmpty}, is reported exported, and every listed window of a span that
   * failed is reported failed with it; a span without points is written only for a window in
   * {@code keepEmpty}.
   */
  private void exportSpans(String measurement, List<Window> windows, Set<Window> keepEmpty, Instant now,
      List<WindowExport> exported, List<JobReport.WindowFailure> failures) {
    Map<Window, List<Resolution>> spanRollups = new java.util.TreeMap<>();
    Map<Window, List<Window>> members = new java.util.TreeMap<>();
    for (Window w : windows) {
      Placement placement = policy.ladder().placementAt(w.start(), now);
      for (Resolution r : placement.rollups()) {
        Instant start = Durations.floor(w.start(), r.width());
        Window span = new Window(start, start.plus(r.width()));
        if (!spanRollups.computeIfAbsent(span, k -> new ArrayList<>()).contains(r)) {
          spanRollups.get(span).add(r);
        }
        members.computeIfAbsent(span, k -> new ArrayList<>()).add(w);
      }
    }
    Map<Window, String> failed = new HashMap<>();
    Map<Window, List<String>> done = new HashMap<>();
    Map<Window, Long> rows = new HashMap<>();
    for (var e : spanRollups.entrySet()) {
      Window span = e.getKey();
      for (Resolution r : e.getValue()) {
        keepLease();
        try {
          Optional<String> shrinks = shrinks(measurement, span);
          if (shrinks.isPresent()) {
            throw new IllegalStateException(WOULD_LOSE_DATA + " of span " + span + " (" + shrinks.get()
                + "): deleted or expired there? The lake keeps its copy");
          }
          boolean named = members.get(span).stream().anyMatch(keepEmpty::contains);
          Map<Window, Long> read = exporter.exportSpan(policy, measurement, span, r, now, named);
          for (Window w : members.get(span)) {
            if (read.containsKey(w) || keepEmpty.contains(w)) { // other windows without points are not reported
              done.computeIfAbsent(w, k -> new ArrayList<>()).add(r.name());
              rows.merge(w, read.get(w), Math::max);
            }
          }
        } catch (RuntimeException ex) {
          members.get(span).forEach(w -> failed.putIfAbsent(w, String.valueOf(ex.getMessage())));
        }
      }
    }
    for (Window w : windows.stream().distinct().toList()) {
      if (failed.containsKey(w)) {
        failures.add(new JobReport.WindowFailure(measurement, w, failed.get(w)));
      } else if (done.containsKey(w)) {
        exported.add(new WindowExport(measurement, w, policy.ladder().placementAt(w.start(), now).tier(),
            rows.getOrDefault(w, 0L), 0, done.get(w)));
      }
    }
  }

  /** Starts reading up to {@code size} consecutive windows from {@code from}. */
  private Batch read(ExecutorService reader, String measurement, List<Window> windows, int from, int size, Instant now) {
    int to = from + 1;
    while (to < windows.size() && to - from < size && windows.get(to - 1).end().equals(windows.get(to).start())) {
      to++;
    }
    List<Window> batch = List.copyOf(windows.subList(from, to));
    // A batch far larger than its estimate (sparse windows, then dense ones) is abandoned; its windows are then read alone.
    long maxRows = batch.size() == 1 ? Long.MAX_VALUE : 4 * BATCH_ROWS;
    return new Batch(from, batch, reader.submit(() -> exporter.read(policy, measurement, batch, now, maxRows)));
  }

  /** How many windows the next query reads: about {@link #BATCH_ROWS} rows at the last batch's rows per window. */
  private static int batchSize(List<WindowExporter.WindowRead> last) {
    if (last == null) {
      return 1; // after a failure, one at a time
    }
    long rows = last.stream().mapToLong(WindowExporter.WindowRead::count).sum();
    long perWindow = Math.max(1, rows / last.size());
    return (int) Math.max(1, Math.min(MAX_BATCH_WINDOWS, BATCH_ROWS / perWindow));
  }

  /** Whether a window read is not written: InfluxDB holds nothing of it, and it need not be written empty. */
  private static boolean skipped(WindowExporter.WindowRead read, boolean keepEmpty) {
    return read.count() == 0 && read.rows() != null && !keepEmpty;
  }

  private Optional<WindowExport> writeOrRedo(WindowExporter.WindowRead read, boolean keepEmpty, Instant now) {
    try {
      return Optional.of(exporter.write(policy, read));
    } catch (RuntimeException e) {
      return exportWithRetries(read.measurement(), read.window(), keepEmpty, now);
    }
  }

  /** Exports a window (nothing when it is empty and not {@code keepEmpty}), retrying with doubling backoff; the last failure propagates. */
  private Optional<WindowExport> exportWithRetries(String measurement, Window w, boolean keepEmpty, Instant now) {
    Duration backoff = firstBackoff;
    for (int attempt = 1; ; attempt++) {
      try {
        WindowExporter.WindowRead read = exporter.read(policy, measurement, w, now);
        if (skipped(read, keepEmpty)) {
          return Optional.empty();
        }
        return Optional.of(exporter.write(policy, read));
      } catch (RuntimeException e) {
        if (attempt >= attempts) {
          throw e;
        }
        sleep(backoff);
        backoff = backoff.multipliedBy(2);
      }
    }
  }

  /** Above this many windows to look at, a run first asks InfluxDB which hold points (one count scan of them all). */
  static final int MAX_UNCOUNTED_WINDOWS = 10_000;

  /**
   * The windows of {@code [firstStart, until)} a run looks at, in order: every window from where
   * the lake was last recorded complete ({@link Ledger#exportedThrough}; a window before it that
   * the lake lacks was empty when its run read it, and a later write there is change capture's to
   * repair), the windows before it the lake holds (a tier may now want resolutions they lack), and
   * micro-batched windows, which {@code keepEmpty} receives: one InfluxDB no longer holds anything
   * of (deleted there) is exported as empty. Other windows are read, and skipped when empty: a
   * batch of empty windows costs InfluxDB one cheap query, where asking first which windows hold
   * points costs a scan of every point (a fifth of an export's reading, measured) - done only
   * when there are more than {@link #MAX_UNCOUNTED_WINDOWS} to look at (years of hourly windows).
   */
  private List<Window> candidates(String measurement, Map<Resolution, List<WindowVersion>> versions, Instant firstStart,
      Instant until, boolean backfill, Set<Window> keepEmpty) {
    String db = policy.source().database();
    Instant checked = backfill ? firstStart
        : ledger.exportedThrough(db, measurement).filter(firstStart::isBefore).orElse(firstStart);
    if (checked.isAfter(until)) {
      checked = until;
    }
    java.util.SortedSet<Window> out = new java.util.TreeSet<>();
    long unchecked = Duration.between(checked, until).dividedBy(policy.window());
    if (unchecked > MAX_UNCOUNTED_WINDOWS) {
      influx.windowsWithData(db, policy.source().retentionPolicy(), measurement, Durations.epochNanos(checked),
          Durations.epochNanos(until), policy.window()).forEach(s -> out.add(policy.windows().containing(Durations.fromEpochNanos(s))));
    } else {
      policy.windows().covering(checked, until).forEach(out::add);
    }
    for (var e : versions.entrySet()) {
      Resolution r = e.getKey();
      for (WindowVersion v : e.getValue()) {
        Instant start = v.window().start().isBefore(firstStart) ? firstStart : v.window().start();
        Instant end = v.window().end().isAfter(until) ? until : v.window().end();
        if (v.partial() && r.isRaw() && !v.window().start().isBefore(firstStart) && !v.window().end().isAfter(until)) {
          keepEmpty.add(v.window());
          out.add(v.window());
        } else if (start.isBefore(checked)) {
          policy.windows().covering(start, end.isAfter(checked) ? checked : end).forEach(out::add);
        }
      }
    }
    return new ArrayList<>(out);
  }

  /** The ledger's windows of a measurement at full resolution and at every rollup of the policy's tiers. */
  private Map<Resolution, List<WindowVersion>> versions(String measurement) {
    Set<Resolution> resolutions = new HashSet<>();
    resolutions.add(Resolution.RAW);
    policy.tiers().lakeTiers().forEach(t -> resolutions.addAll(t.rollups()));
    Map<Resolution, List<WindowVersion>> out = new HashMap<>();
    for (Resolution r : resolutions) {
      out.put(r, ledger.windows(policy.source().database(), measurement, r));
    }
    return out;
  }

  /** Window starts the ledger holds, per resolution name. */
  private Map<String, Set<Instant>> held(String measurement, Map<Resolution, List<WindowVersion>> versions) {
    Map<String, Set<Instant>> held = new HashMap<>();
    for (var e : versions.entrySet()) {
      Resolution r = e.getKey();
      Set<Instant> starts = new HashSet<>();
      for (WindowVersion v : e.getValue()) {
        if (!v.partial()) { // micro-batches hold only what the write targets received: the export replaces them
          starts.add(v.window().start());
        }
      }
      // A write interrupted after replacing files: the entry no longer describes them; redo it.
      starts.removeAll(ledger.unfinishedWrites(policy.source().database(), measurement, r));
      held.put(r.name(), starts);
    }
    return held;
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
