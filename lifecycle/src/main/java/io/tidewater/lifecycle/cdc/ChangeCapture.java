package io.tidewater.lifecycle.cdc;

import io.tidewater.policy.Durations;
import io.tidewater.policy.Tier;
import io.tidewater.policy.TieringPolicy;
import io.tidewater.policy.Window;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Change-data-capture state: accepted writes go to the durable {@link ChangeLog}, and every point
 * that lands in a window already due for export marks that window dirty (it may be in the lake
 * without the point). Dirty windows are re-exported once the policy's settle delay has passed since
 * their last change; the log is trimmed up to the first record whose windows are still dirty, so
 * after a crash replaying the log marks exactly the windows that were not yet repaired.
 *
 * <p>Marking errs on the side of too much: a window is dirtied whether or not its export already
 * ran (an export running concurrently may have read InfluxDB before the point arrived), and a
 * policy whose source names no retention policy claims writes to every retention policy of its
 * database. A needless re-export costs time; a missed one would leave the lake wrong.
 *
 * <p>Windows InfluxDB no longer holds completely (the policy deletes points after export) cannot be
 * re-exported from it; they are kept apart as {@link #unrepairable()} for the jobs API.
 */
public final class ChangeCapture implements DirtyRanges, AutoCloseable {

  /** How long a dirty window may stay dirty while changes keep arriving, unless configured. */
  public static final Duration DEFAULT_MAX_DEFERRAL = Duration.ofHours(1);

  private final Duration maxDeferral;

  /** Cause of a dirty window marked from the change log. */
  public static final String LATE_WRITE = "late write";

  private static final int UNREPAIRABLE_KEPT = 1000;
  private static final System.Logger LOG = System.getLogger(ChangeCapture.class.getName());

  /** The precision field of a log record holding a reconciliation finding rather than a write. */
  static final String FINDING = "finding";

  private final ChangeLog log;
  private final List<TieringPolicy> policies;
  private final DataChangeListener listener;
  // Readers (federation planning) look up without locking; writers hold this object's monitor.
  private final Map<String, ConcurrentSkipListMap<Instant, DirtyWindow>> dirty =
      new ConcurrentHashMap<>();
  private final Map<String, DirtyWindow> unrepairable = new ConcurrentHashMap<>();
  private final MicroBatches microBatches;
  private final int replayed;

  /**
   * Opens change capture over {@code log}, replaying the writes it holds (their windows become
   * dirty again).
   */
  public ChangeCapture(ChangeLog log, List<TieringPolicy> policies, DataChangeListener listener) {
    this(log, policies, listener, new MicroBatches(List.of()));
  }

  /**
   * Like {@link #ChangeCapture(ChangeLog, List, DataChangeListener)}, offering writes into windows
   * not yet due to {@code microBatches} (replayed ones too: they may not have reached the lake).
   */
  public ChangeCapture(
      ChangeLog log,
      List<TieringPolicy> policies,
      DataChangeListener listener,
      MicroBatches microBatches) {
    this(log, policies, listener, microBatches, DEFAULT_MAX_DEFERRAL);
  }

  /**
   * Like {@link #ChangeCapture(ChangeLog, List, DataChangeListener, MicroBatches)}, re-exporting a
   * dirty window at the latest {@code maxDeferral} after its first change, even while changes keep
   * arriving more often than its policy's settle delay.
   */
  public ChangeCapture(
      ChangeLog log,
      List<TieringPolicy> policies,
      DataChangeListener listener,
      MicroBatches microBatches,
      Duration maxDeferral) {
    this.maxDeferral = Objects.requireNonNull(maxDeferral, "maxDeferral");
    this.log = Objects.requireNonNull(log, "log");
    this.policies = List.copyOf(policies);
    this.listener = Objects.requireNonNull(listener, "listener");
    this.microBatches = Objects.requireNonNull(microBatches, "microBatches");
    int[] n = {0};
    // Streamed: a big log's bodies are never in memory at once (only micro-batched ones are kept).
    log.replay(
        e -> {
          n[0]++;
          if (FINDING.equals(e.precision())) {
            synchronized (this) {
              replayFinding(e);
            }
            return;
          }
          LineProtocol.Precision precision = LineProtocol.Precision.of(e.precision());
          List<LineProtocol.Stamp> points =
              LineProtocol.stamps(e.body(), precision, e.receivedNanos()).points();
          // Not notified: nothing can have cached the lake's view yet, and the listener may be
          // what is being built.
          synchronized (this) {
            markLocked(
                new MicroBatches.Write(
                    e.sequence(),
                    e.database(),
                    e.retentionPolicy(),
                    precision,
                    e.receivedNanos(),
                    e.body()),
                points);
          }
        });
    this.replayed = n[0];
    for (String problem : log.problems()) {
      LOG.log(System.Logger.Level.ERROR, "Change log " + log + ": " + problem);
    }
  }

  /** How many logged writes were replayed when this was opened. */
  public int replayed() {
    return replayed;
  }

  /**
   * Records of the change log that could not be read when it was opened, between readable ones
   * (skipped, never cut): each names its segment, its bytes and the writes lost from the log.
   */
  public List<String> logProblems() {
    return log.problems();
  }

  /**
   * Appends a parsed write to the log (forced to disk) and marks the windows it changes dirty.
   * Returns its sequence number. Throws {@link ChangeLog.FullException} with nothing written or
   * marked.
   */
  public long accept(
      String database,
      String retentionPolicy,
      LineProtocol.Precision precision,
      long receivedNanos,
      byte[] body,
      List<LineProtocol.Stamp> points) {
    Set<String> changed;
    long sequence;
    // Append and mark under one lock: trim() must never see a record appended but not yet marked.
    synchronized (this) {
      sequence = log.append(database, retentionPolicy, precision.symbol(), receivedNanos, body);
      changed =
          markLocked(
              new MicroBatches.Write(
                  sequence, database, retentionPolicy, precision, receivedNanos, body),
              points);
    }
    notifyChanged(database, changed);
    return sequence;
  }

  /**
   * Marks a window dirty that reconciliation found to differ. A window not dirty yet gets a log
   * record of the finding, so a restart before its repair still routes it to InfluxDB and repairs
   * it (the next reconciliation would find it again, but only after its interval). The record holds
   * the log like a write's until the window is re-committed. If the log refuses the record (a full
   * disk), the mark is kept in memory only.
   */
  public void markDirty(
      TieringPolicy policy, String measurement, Window window, Instant when, String cause) {
    boolean isNew;
    synchronized (this) {
      DirtyWindow d =
          new DirtyWindow(
              policy.name(),
              policy.source().database(),
              measurement,
              window,
              -1,
              -1,
              when,
              when,
              cause);
      ConcurrentSkipListMap<Instant, DirtyWindow> windows =
          dirty.get(key(d.database(), measurement));
      if (windows == null || !windows.containsKey(window.start())) {
        try {
          long sequence =
              log.append(
                  d.database(), null, FINDING, Durations.epochNanos(when), Finding.encode(d));
          d =
              new DirtyWindow(
                  d.policy(),
                  d.database(),
                  measurement,
                  window,
                  sequence,
                  sequence,
                  when,
                  when,
                  cause);
        } catch (ChangeLog.FullException | UncheckedIOException e) {
          LOG.log(
              System.Logger.Level.WARNING,
              "reconciliation's finding for {0} {1} {2} is not logged ({3}): a restart"
                  + " before its repair forgets it until the next reconciliation",
              policy.name(),
              measurement,
              window,
              e.getMessage());
        }
      }
      isNew = put(d);
    }
    if (isNew) {
      listener.changed(policy.source().database(), measurement);
    }
  }

  @Override
  public List<Window> dirtyWindows(String database, String measurement) {
    ConcurrentSkipListMap<Instant, DirtyWindow> windows = dirty.get(key(database, measurement));
    return windows == null
        ? List.of()
        : windows.values().stream().map(DirtyWindow::window).toList();
  }

  /** Every dirty window, oldest change first. */
  public List<DirtyWindow> dirty() {
    List<DirtyWindow> all = new ArrayList<>();
    dirty.values().forEach(m -> all.addAll(m.values()));
    all.sort(Comparator.comparing(DirtyWindow::lastChange));
    return all;
  }

  /**
   * The dirty windows of {@code policy} whose last change is at least its settle delay before
   * {@code now}.
   */
  public List<DirtyWindow> settled(TieringPolicy policy, Instant now) {
    return dirty().stream()
        .filter(
            d ->
                d.policy().equals(policy.name())
                    && (!d.lastChange().plus(policy.settle()).isAfter(now)
                        // Written to more often than it settles: repaired anyway, so the log is
                        // trimmed and queries stop reading InfluxDB for it.
                        || !d.firstChange().plus(maxDeferral).isAfter(now)))
        .toList();
  }

  /**
   * Records that {@code d} was re-committed from a read that began after it was marked. Unless the
   * window changed again since ({@code d} is no longer its current state), it is clean now.
   */
  public boolean cleaned(DirtyWindow d) {
    boolean removed;
    synchronized (this) {
      ConcurrentSkipListMap<Instant, DirtyWindow> windows =
          dirty.get(key(d.database(), d.measurement()));
      removed = windows != null && windows.remove(d.window().start(), d);
    }
    if (removed) {
      listener.changed(d.database(), d.measurement());
    }
    return removed;
  }

  /**
   * Stops trying to repair {@code d} (InfluxDB no longer holds all of it): it moves to {@link
   * #unrepairable()}.
   */
  public void giveUp(DirtyWindow d) {
    synchronized (this) {
      ConcurrentSkipListMap<Instant, DirtyWindow> windows =
          dirty.get(key(d.database(), d.measurement()));
      DirtyWindow current = windows == null ? null : windows.remove(d.window().start());
      if (current == null) {
        return;
      }
      keepUnrepairable(current);
    }
    listener.changed(d.database(), d.measurement());
  }

  /**
   * Late points into windows InfluxDB no longer holds completely: not re-exported (newest {@value
   * #UNREPAIRABLE_KEPT}).
   */
  public List<DirtyWindow> unrepairable() {
    return unrepairable.values().stream()
        .sorted(Comparator.comparing(DirtyWindow::lastChange))
        .toList();
  }

  /**
   * Deletes the log's segments all of whose writes are accounted for: no dirty window still needs
   * them, and no micro-batch still waits to write them.
   */
  public synchronized void trim() {
    long through = log.nextSequence() - 1;
    OptionalLong unflushed = microBatches.oldestUnflushed();
    if (unflushed.isPresent()) {
      through = Math.min(through, unflushed.getAsLong() - 1);
    }
    for (ConcurrentSkipListMap<Instant, DirtyWindow> windows : dirty.values()) {
      for (DirtyWindow d : windows.values()) {
        if (d.firstSequence() >= 0) {
          through = Math.min(through, d.firstSequence() - 1);
        }
      }
    }
    if (through >= 0) {
      log.trimThrough(through);
    }
  }

  /** The sequence number the next accepted write gets. */
  public long nextSequence() {
    return log.nextSequence();
  }

  /** Closes the log. */
  @Override
  public void close() {
    log.close();
  }

  /**
   * Marks the due windows a logged write's {@code points} fall in and offers the write to the
   * micro-batches of policies it has points not yet due for; returns the measurements with a newly
   * dirty window.
   */
  private Set<String> markLocked(MicroBatches.Write write, List<LineProtocol.Stamp> points) {
    String database = write.database();
    long sequence = write.sequence();
    Instant received = Durations.fromEpochNanos(write.receivedNanos());
    // Points per (measurement, window) of the batch: thousands of points share a few windows, and
    // each measurement's points mostly its last window (one lookup per point, no boxing).
    Map<String, Touched> touched = new HashMap<>();
    for (LineProtocol.Stamp p : points) {
      Touched m =
          touched.computeIfAbsent(
              p.measurement(),
              name -> new Touched(claiming(database, write.retentionPolicy(), name)));
      if (m.policy.isPresent()) {
        long length = m.policy.get().window().toNanos();
        long t = p.timeNanos();
        // Any instant of a window stands for it (windows are found again below). Within one window
        // of
        // Long.MIN_VALUE (InfluxDB accepts such times) the start is not a long: keep the time
        // itself.
        long start = t >= Long.MIN_VALUE + length ? t - Math.floorMod(t, length) : t;
        if (m.lastCount == null || start != m.lastStart) {
          m.lastCount = m.counts.computeIfAbsent(start, s -> new long[1]);
          m.lastStart = start;
        }
        m.lastCount[0]++;
      }
    }
    Set<String> changed = new HashSet<>();
    Map<TieringPolicy, Long> fresh = new HashMap<>();
    for (var e : touched.entrySet()) {
      if (e.getValue().policy.isEmpty()) {
        continue;
      }
      TieringPolicy policy = e.getValue().policy.get();
      for (var count : e.getValue().counts.entrySet()) {
        Window w = policy.windows().containing(Durations.fromEpochNanos(count.getKey()));
        if (!policy.windows().isDue(w, received)) {
          // The scheduled export has not read it yet and will include the point; until then a
          // micro-batch may bring it to the lake sooner.
          if (microBatches.covers(policy)) {
            fresh.merge(policy, count.getValue()[0], Long::sum);
          }
          continue;
        }
        Tier tier = policy.ladder().placementAt(w.start(), received).tier();
        if (tier == Tier.EXPIRED) {
          continue;
        }
        DirtyWindow d =
            new DirtyWindow(
                policy.name(),
                database,
                e.getKey(),
                w,
                sequence,
                sequence,
                received,
                received,
                LATE_WRITE);
        if (policy.deleteFromHotAfterExport()
            && !w.end().isAfter(policy.ladder().boundaries(received).hotFrom())) {
          keepUnrepairable(d);
        } else if (put(d)) {
          changed.add(e.getKey());
        }
      }
    }
    fresh.forEach((policy, n) -> microBatches.offer(policy, write, n));
    return changed;
  }

  /** Puts back a logged reconciliation finding (its policy may be gone: then it is dropped). */
  private void replayFinding(ChangeLog.Entry e) {
    Finding f = Finding.decode(e.body());
    policies.stream()
        .filter(p -> p.name().equals(f.policy()))
        .findFirst()
        .ifPresent(
            policy ->
                put(
                    new DirtyWindow(
                        policy.name(),
                        e.database(),
                        f.measurement(),
                        policy.windows().containing(Durations.fromEpochNanos(f.start())),
                        e.sequence(),
                        e.sequence(),
                        Durations.fromEpochNanos(e.receivedNanos()),
                        Durations.fromEpochNanos(e.receivedNanos()),
                        f.cause())));
  }

  /** The body of a finding's log record: which window of which policy and measurement, and why. */
  private record Finding(String policy, String measurement, long start, String cause) {

    static byte[] encode(DirtyWindow d) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (DataOutputStream out = new DataOutputStream(bytes)) {
        out.writeUTF(d.policy());
        out.writeUTF(d.measurement());
        out.writeLong(Durations.epochNanos(d.window().start()));
        out.writeUTF(d.cause());
      } catch (IOException e) {
        throw new UncheckedIOException(e); // not thrown by an in-memory stream
      }
      return bytes.toByteArray();
    }

    static Finding decode(byte[] body) {
      try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(body))) {
        return new Finding(in.readUTF(), in.readUTF(), in.readLong(), in.readUTF());
      } catch (IOException e) {
        throw new UncheckedIOException(
            "a reconciliation record in the change log cannot be read", e);
      }
    }
  }

  /** A measurement's points in one write: its policy, and points per window start. */
  private static final class Touched {
    final Optional<TieringPolicy> policy;
    final Map<Long, long[]> counts = new HashMap<>();
    long lastStart;
    long[] lastCount;

    Touched(Optional<TieringPolicy> policy) {
      this.policy = policy;
    }
  }

  private void keepUnrepairable(DirtyWindow d) {
    unrepairable.merge(
        key(d.database(), d.measurement()) + "@" + d.window().start(),
        d,
        (a, b) -> a.touched(b.lastSequence(), b.lastChange()));
    if (unrepairable.size() > UNREPAIRABLE_KEPT) {
      unrepairable.values().stream()
          .min(Comparator.comparing(DirtyWindow::lastChange))
          .ifPresent(oldest -> unrepairable.values().remove(oldest));
    }
  }

  /** Adds or updates a dirty window; true if it was clean before. */
  private boolean put(DirtyWindow d) {
    ConcurrentSkipListMap<Instant, DirtyWindow> windows =
        dirty.computeIfAbsent(
            key(d.database(), d.measurement()), k -> new ConcurrentSkipListMap<>());
    DirtyWindow before = windows.get(d.window().start());
    windows.put(
        d.window().start(), before == null ? d : before.touched(d.lastSequence(), d.lastChange()));
    return before == null;
  }

  private Optional<TieringPolicy> claiming(
      String database, String retentionPolicy, String measurement) {
    return policies.stream()
        .filter(p -> claims(p, database, retentionPolicy, measurement))
        .findFirst();
  }

  /**
   * Whether {@code policy} takes a point of {@code measurement} written to {@code database} and
   * {@code retentionPolicy}.
   */
  static boolean claims(
      TieringPolicy policy, String database, String retentionPolicy, String measurement) {
    // A policy naming no retention policy means the database's default, which a write names
    // explicitly (subscriptions send rp=autogen): claim it. One naming a retention policy claims
    // writes to it, and writes naming none, which may go to it as the default.
    return policy.source().database().equals(database)
        && policy.source().claims(measurement)
        && (policy.source().retentionPolicy().isEmpty()
            || retentionPolicy == null
            || policy.source().retentionPolicy().get().equals(retentionPolicy));
  }

  private void notifyChanged(String database, Set<String> measurements) {
    measurements.forEach(m -> listener.changed(database, m));
  }

  private static String key(String database, String measurement) {
    return database + "\u0000" + measurement;
  }
}
