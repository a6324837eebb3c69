package io.tidewater.lifecycle.export;

import io.tidewater.policy.TieringPolicy;
import io.tidewater.policy.Window;
import io.tidewater.util.Threads;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Exports windows batch by batch while reading the next batches from InfluxDB as earlier ones are
 * written, so InfluxDB and the Parquet writers work at once. Small windows are read several per
 * query (as many as keep a batch near {@link #BATCH_ROWS} rows, judged by the last batch): a query
 * per hourly window left InfluxDB's per-query work as most of the export's time. Windows are
 * committed independently, in any order (each is atomic in the ledger; a crash resumes from it),
 * the writes of {@link #WRITE_BEHIND} batches at once so the writers never wait for a batch's last
 * window. A window whose read or write fails is redone alone with retries. An empty window is
 * skipped unless it is in {@code keepEmpty}.
 */
final class ExportPipeline {

  /** Rows one InfluxDB query reads (about: sized from the last batch). */
  static final long BATCH_ROWS = 200_000;

  /**
   * Batches read ahead of the one being written (so at most READ_AHEAD + WRITE_BEHIND + 1 are in
   * memory).
   */
  static final int READ_AHEAD = 2;

  /** Windows written at once. */
  static final int WRITERS = 4;

  /** Batches whose writes may be under way at once (so at most this many more are in memory). */
  static final int WRITE_BEHIND = 2;

  /** Windows one query reads at most. */
  static final int MAX_BATCH_WINDOWS = 48;

  /** Consecutive windows read by one query, and that read. */
  private record Batch(
      int start, List<Window> windows, Future<List<WindowExporter.WindowRead>> reads) {}

  /**
   * A window being written; {@code done} yields nothing for an empty window skipped or a lost
   * lease.
   */
  private record Write(Window window, Future<Optional<WindowExport>> done) {}

  private final TieringPolicy policy;
  private final WindowExporter exporter;
  private final PolicyLock lock;
  private final Retry retry;

  ExportPipeline(TieringPolicy policy, WindowExporter exporter, PolicyLock lock, Retry retry) {
    this.policy = policy;
    this.exporter = exporter;
    this.lock = lock;
    this.retry = retry;
  }

  /**
   * Exports {@code windows} of {@code measurement}, adding each to {@code exported} or {@code
   * failures}; each write is based on the window's {@code listed} version.
   */
  void export(
      String measurement,
      List<Window> windows,
      Set<Window> keepEmpty,
      Instant now,
      ListedVersions listed,
      List<WindowExport> exported,
      List<JobReport.WindowFailure> failures) {
    if (windows.isEmpty()) {
      return;
    }
    ExecutorService reader =
        Executors.newSingleThreadExecutor(Threads.daemon("tidewater-export-read"));
    ExecutorService writer =
        Executors.newFixedThreadPool(WRITERS, Threads.daemon("tidewater-export-write"));
    try {
      ArrayDeque<Batch> pending = new ArrayDeque<>();
      ArrayDeque<List<Write>> writing = new ArrayDeque<>();
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
        // The reader keeps READ_AHEAD batches queued, so InfluxDB streams while windows are
        // written.
        while (pending.size() < READ_AHEAD && unread < windows.size()) {
          Batch next = read(reader, measurement, windows, unread, batchSize(reads), now);
          pending.add(next);
          unread += next.windows().size();
        }
        // A small window's write is mostly fixed costs (files, ledger entry, fsyncs), which
        // overlap.
        List<Write> writes = new ArrayList<>();
        for (int k = 0; k < current.windows().size(); k++) {
          Window w = current.windows().get(k);
          WindowExporter.WindowRead read = reads == null ? null : reads.get(k);
          boolean keep = keepEmpty.contains(w);
          if (read != null && skipped(read, keep)) {
            continue;
          }
          lock.check(); // a lost lease stops the run: another gateway carries on
          writes.add(
              new Write(
                  w,
                  writer.submit(
                      () -> {
                        if (lock.lost()) {
                          return Optional.empty(); // not written: the lease was lost meanwhile
                        }
                        return read != null
                            ? writeOrRedo(read, keep, now, listed)
                            : exportWithRetries(measurement, w, keep, now);
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
  private void collect(
      String measurement,
      List<Write> writes,
      List<WindowExport> exported,
      List<JobReport.WindowFailure> failures) {
    for (Write write : writes) {
      try {
        Optional<WindowExport> done = write.done().get();
        if (done.isPresent()) {
          exported.add(done.get());
        } else {
          lock.check();
        }
      } catch (ExecutionException e) {
        if (e.getCause() instanceof Error error) {
          throw error;
        }
        failures.add(
            JobReport.WindowFailure.error(measurement, write.window(), e.getCause().getMessage()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }
  }

  /** Starts reading up to {@code size} consecutive windows from {@code from}. */
  private Batch read(
      ExecutorService reader,
      String measurement,
      List<Window> windows,
      int from,
      int size,
      Instant now) {
    int to = from + 1;
    while (to < windows.size()
        && to - from < size
        && windows.get(to - 1).end().equals(windows.get(to).start())) {
      to++;
    }
    List<Window> batch = List.copyOf(windows.subList(from, to));
    // A batch far larger than its estimate (sparse windows, then dense ones) is abandoned; its
    // windows are then read alone.
    long maxRows = batch.size() == 1 ? Long.MAX_VALUE : 4 * BATCH_ROWS;
    return new Batch(
        from, batch, reader.submit(() -> exporter.read(policy, measurement, batch, now, maxRows)));
  }

  /**
   * How many windows the next query reads: about {@link #BATCH_ROWS} rows at the last batch's rows
   * per window.
   */
  private static int batchSize(List<WindowExporter.WindowRead> last) {
    if (last == null) {
      return 1; // after a failure, one at a time
    }
    long rows = last.stream().mapToLong(WindowExporter.WindowRead::count).sum();
    long perWindow = Math.max(1, rows / last.size());
    return (int) Math.max(1, Math.min(MAX_BATCH_WINDOWS, BATCH_ROWS / perWindow));
  }

  /**
   * Whether a window read is not written: InfluxDB holds nothing of it, and it need not be written
   * empty.
   */
  private static boolean skipped(WindowExporter.WindowRead read, boolean keepEmpty) {
    return read.count() == 0 && read.rows() != null && !keepEmpty;
  }

  /**
   * Writes a window read with its batch, based on the listed versions; on failure (a version
   * committed since the listing among others) redoes it from a fresh read and look.
   */
  private Optional<WindowExport> writeOrRedo(
      WindowExporter.WindowRead read, boolean keepEmpty, Instant now, ListedVersions listed) {
    try {
      return Optional.of(exporter.write(policy, read, listed));
    } catch (RuntimeException e) {
      return exportWithRetries(read.measurement(), read.window(), keepEmpty, now);
    }
  }

  /**
   * Exports a window (nothing when it is empty and not {@code keepEmpty}) with retries; the last
   * failure propagates.
   */
  Optional<WindowExport> exportWithRetries(
      String measurement, Window w, boolean keepEmpty, Instant now) {
    return retry.run(
        () -> {
          WindowExporter.WindowRead read = exporter.read(policy, measurement, w, now);
          return skipped(read, keepEmpty)
              ? Optional.<WindowExport>empty()
              : Optional.of(exporter.write(policy, read));
        });
  }
}
