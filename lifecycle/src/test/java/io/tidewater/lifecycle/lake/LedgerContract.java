package io.tidewater.lifecycle.lake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tidewater.lifecycle.parquet.ColumnBatch;
import io.tidewater.lifecycle.parquet.FieldColumn;
import io.tidewater.lifecycle.parquet.MeasurementSchema;
import io.tidewater.lifecycle.parquet.ScanSpec;
import io.tidewater.lifecycle.parquet.SeriesRows;
import io.tidewater.lifecycle.parquet.StoreInputFile;
import io.tidewater.lifecycle.parquet.TimeSeriesReader;
import io.tidewater.lifecycle.store.LakeStore;
import io.tidewater.lifecycle.store.LakeStoreException;
import io.tidewater.lifecycle.store.ObjectInfo;
import io.tidewater.policy.Compression;
import io.tidewater.policy.Durations;
import io.tidewater.policy.LakeOptions;
import io.tidewater.policy.PartitionGranularity;
import io.tidewater.policy.Resolution;
import io.tidewater.policy.StorageClass;
import io.tidewater.policy.TimestampPrecision;
import io.tidewater.policy.Window;
import io.tidewater.policy.rollup.FieldType;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Commits, reads, races, crashes and garbage collection of the ledger, run against each store. */
public abstract class LedgerContract {

  protected abstract LakeStore store();

  static final MeasurementSchema CPU =
      new MeasurementSchema(
          "cpu", List.of("host", "region"), List.of(new FieldColumn("usage", FieldType.FLOAT)));
  static final Window HOUR =
      new Window(Instant.parse("2025-01-15T07:00:00Z"), Instant.parse("2025-01-15T08:00:00Z"));
  static final LakeOptions BY_HOST =
      new LakeOptions(
          PartitionGranularity.DAY, List.of("host"), Compression.ZSTD, TimestampPrecision.MICROS);

  @TempDir Path temp;

  String db;
  Ledger ledger;
  WindowWriter writer;

  @BeforeEach
  void isolate() {
    db = "db-" + UUID.randomUUID();
    ledger = new Ledger(store());
    writer = new WindowWriter(ledger, temp, Clock.systemUTC());
  }

  /** {@code perHost} points a minute apart for each host, usage = index. */
  static SeriesRows rows(List<String> hosts, int perHost) {
    SeriesRows rows = new SeriesRows(CPU);
    for (String host : hosts) {
      for (int i = 0; i < perHost; i++) {
        rows.startRow(Durations.epochNanos(HOUR.start().plusSeconds(60L * i)));
        rows.tag(0, host);
        rows.tag(1, "eu");
        rows.setDouble(0, i);
      }
    }
    return rows;
  }

  /** Rows and the sum of usage, read through the ledger's files with their ETags. */
  static double[] readThroughLedger(Ledger ledger, WindowVersion version) {
    double rows = 0;
    double sum = 0;
    for (DataFile f : version.files()) {
      ObjectInfo info =
          new ObjectInfo(f.key(), f.size(), f.etag(), Instant.EPOCH, Optional.empty());
      ScanSpec spec = ScanSpec.all(CPU);
      try (TimeSeriesReader reader =
          TimeSeriesReader.open(new StoreInputFile(ledger.store(), info), f.key(), spec)) {
        ColumnBatch batch = new ColumnBatch(spec);
        while (reader.next(batch)) {
          for (int r = 0; r < batch.size(); r++) {
            rows++;
            sum += batch.field(0).doubleAt(r);
          }
        }
      }
    }
    return new double[] {rows, sum};
  }

  @Test
  void aCommittedWindowIsResolvedFromTheLedgerWithItsStatistics() {
    WindowVersion v1 =
        writer
            .prepare(
                db,
                rows(List.of("a", "b"), 60),
                Resolution.RAW,
                HOUR,
                BY_HOST,
                StorageClass.STANDARD)
            .commit();
    assertEquals(1, v1.version());
    List<WindowVersion> windows = ledger.windows(db, "cpu", Resolution.RAW);
    assertEquals(List.of(v1), windows);
    WindowVersion w = windows.get(0);
    assertEquals(HOUR, w.window());
    assertEquals(120, w.rows());
    assertEquals(2, w.files().size(), "one file per host partition");
    assertEquals(Durations.epochNanos(HOUR.start()), w.minTime());
    assertEquals(Durations.epochNanos(HOUR.start().plusSeconds(59 * 60)), w.maxTime());
    assertEquals(CPU, w.schema());
    assertTrue(w.bytes() > 0);
    assertTrue(
        w.files()
            .get(0)
            .key()
            .contains("/cpu/res=raw/day=2025-01-15/host=a/part-20250115T070000Z-0.parquet"),
        w.files().get(0).key());
    double[] read = readThroughLedger(ledger, w);
    assertEquals(120, read[0]);
    assertEquals(2 * (59 * 60 / 2.0), read[1]);
  }

  @Test
  void ofConcurrentCommittersExactlyOneWinsAndTheLoserIsToldWhy() throws Exception {
    int committers = 4;
    List<WindowWriter.PendingCommit> pending = new ArrayList<>();
    for (int i = 0; i < committers; i++) {
      pending.add(
          writer.prepare(
              db,
              rows(List.of("a"), 10 + i),
              Resolution.RAW,
              HOUR,
              LakeOptions.DEFAULTS,
              StorageClass.STANDARD));
    }
    ExecutorService pool = Executors.newFixedThreadPool(committers);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<String>> outcomes = new ArrayList<>();
      for (WindowWriter.PendingCommit p : pending) {
        Callable<String> commit =
            () -> {
              start.await();
              try {
                p.commit();
                return "won";
              } catch (LedgerConflictException e) {
                return e.getMessage();
              }
            };
        outcomes.add(pool.submit(commit));
      }
      start.countDown();
      List<String> results = new ArrayList<>();
      for (Future<String> f : outcomes) {
        results.add(f.get());
      }
      assertEquals(1, results.stream().filter("won"::equals).count(), results.toString());
      results.stream()
          .filter(r -> !r.equals("won"))
          .forEach(
              r ->
                  assertTrue(
                      r.contains(
                          "was committed concurrently by another writer; reload the window and retry"),
                      r));
    } finally {
      pool.shutdownNow();
    }
    assertEquals(
        Set.of(HOUR.start()),
        ledger.unfinishedWrites(db, "cpu", Resolution.RAW),
        "the losers wrote the same file names: the window is flagged to be redone");
    // The loser retries: prepare on the new base and commit the next version.
    WindowVersion retried =
        writer
            .prepare(
                db,
                rows(List.of("a"), 30),
                Resolution.RAW,
                HOUR,
                LakeOptions.DEFAULTS,
                StorageClass.STANDARD)
            .commit();
    assertEquals(2, retried.version());
    assertEquals(30, readThroughLedger(ledger, retried)[0]);
    assertEquals(
        Set.of(), ledger.unfinishedWrites(db, "cpu", Resolution.RAW), "the commit clears the flag");
  }

  @Test
  void aFileReplacedUnderAReaderIsDetected() {
    WindowVersion v1 =
        writer
            .prepare(
                db,
                rows(List.of("a"), 10),
                Resolution.RAW,
                HOUR,
                LakeOptions.DEFAULTS,
                StorageClass.STANDARD)
            .commit();
    writer.prepare(
        db,
        rows(List.of("a"), 20),
        Resolution.RAW,
        HOUR,
        LakeOptions.DEFAULTS,
        StorageClass.STANDARD);
    LakeStoreException.Conflict e =
        assertThrows(LakeStoreException.Conflict.class, () -> readThroughLedger(ledger, v1));
    assertTrue(e.getMessage().contains("was replaced"), e.getMessage());
  }

  @Test
  void aCrashBetweenDataAndCommitLeavesCompleteFilesAndTheNextCommitSucceeds() {
    WindowWriter.PendingCommit crashed =
        writer.prepare(
            db, rows(List.of("a", "b"), 30), Resolution.RAW, HOUR, BY_HOST, StorageClass.STANDARD);
    // ... the process dies here: no ledger entry (so the window is redone; a first write needs no
    // marker).
    assertEquals(List.of(), ledger.windows(db, "cpu", Resolution.RAW));
    assertEquals(Set.of(), ledger.unfinishedWrites(db, "cpu", Resolution.RAW));
    for (DataFile f : crashed.version().files()) {
      ObjectInfo visible = store().stat(f.key()).orElseThrow();
      assertEquals(f.size(), visible.size(), "only complete files are visible");
    }
    assertEquals(
        60, readThroughLedger(ledger, crashed.version())[0], "and they are whole Parquet files");
    WindowVersion v1 =
        writer
            .prepare(
                db,
                rows(List.of("a", "b"), 40),
                Resolution.RAW,
                HOUR,
                BY_HOST,
                StorageClass.STANDARD)
            .commit();
    assertEquals(1, v1.version());
    assertEquals(80, readThroughLedger(ledger, v1)[0]);
    // A re-export dying between its files and its entry: the files no longer match version 1.
    writer.prepare(
        db, rows(List.of("a", "b"), 50), Resolution.RAW, HOUR, BY_HOST, StorageClass.STANDARD);
    assertEquals(Set.of(HOUR.start()), ledger.unfinishedWrites(db, "cpu", Resolution.RAW));
    WindowVersion v2 =
        writer
            .prepare(
                db,
                rows(List.of("a", "b"), 50),
                Resolution.RAW,
                HOUR,
                BY_HOST,
                StorageClass.STANDARD)
            .commit();
    assertEquals(100, readThroughLedger(ledger, v2)[0]);
    assertEquals(
        Set.of(), ledger.unfinishedWrites(db, "cpu", Resolution.RAW), "the commit clears the flag");
  }

  @Test
  void reExportingWithFewerSeriesLeavesExactlyTheNewFiles() {
    writer
        .prepare(
            db,
            rows(List.of("a", "b", "c"), 10),
            Resolution.RAW,
            HOUR,
            BY_HOST,
            StorageClass.STANDARD)
        .commit();
    WindowVersion v2 =
        writer
            .prepare(
                db,
                rows(List.of("a", "b"), 15),
                Resolution.RAW,
                HOUR,
                BY_HOST,
                StorageClass.STANDARD)
            .commit();
    assertEquals(2, v2.version());
    List<String> visible =
        store().list(LakeLayout.measurementPrefix(db, "cpu")).stream()
            .map(ObjectInfo::key)
            .toList();
    assertEquals(v2.files().stream().map(DataFile::key).sorted().toList(), visible);
    assertEquals(List.of(v2), ledger.windows(db, "cpu", Resolution.RAW));
  }

  @Test
  void garbageCollectionRemovesOnlyUnreferencedFilesPastTheGracePeriod() {
    WindowVersion committed =
        writer
            .prepare(
                db, rows(List.of("a"), 10), Resolution.RAW, HOUR, BY_HOST, StorageClass.STANDARD)
            .commit();
    Window other = new Window(HOUR.end(), HOUR.end().plusSeconds(3600));
    SeriesRows orphanRows = new SeriesRows(CPU);
    orphanRows.startRow(Durations.epochNanos(other.start()));
    orphanRows.tag(0, "z");
    WindowVersion orphan =
        writer
            .prepare(db, orphanRows, Resolution.RAW, other, BY_HOST, StorageClass.STANDARD)
            .version();

    Duration grace = Duration.ofHours(1);
    assertEquals(
        List.of(), ledger.collectGarbage(db, "cpu", grace, Instant.now()), "young files are kept");
    List<String> deleted =
        ledger.collectGarbage(db, "cpu", grace, Instant.now().plus(Duration.ofHours(2)));
    assertEquals(orphan.files().stream().map(DataFile::key).toList(), deleted);
    assertEquals(Optional.empty(), store().stat(orphan.files().get(0).key()));
    assertEquals(10, readThroughLedger(ledger, committed)[0], "committed files stay");
  }

  @Test
  void windowsListsTheNewestVersionOfEachWindowInTimeOrder() {
    Window second = new Window(HOUR.end(), HOUR.end().plusSeconds(3600));
    SeriesRows later = new SeriesRows(CPU);
    later.startRow(Durations.epochNanos(second.start()));
    later.tag(0, "a");
    writer
        .prepare(db, later, Resolution.RAW, second, LakeOptions.DEFAULTS, StorageClass.STANDARD)
        .commit();
    writer
        .prepare(
            db,
            rows(List.of("a"), 5),
            Resolution.RAW,
            HOUR,
            LakeOptions.DEFAULTS,
            StorageClass.STANDARD)
        .commit();
    WindowVersion v2 =
        writer
            .prepare(
                db,
                rows(List.of("a"), 7),
                Resolution.RAW,
                HOUR,
                LakeOptions.DEFAULTS,
                StorageClass.STANDARD)
            .commit();
    WindowVersion empty =
        writer
            .prepare(
                db,
                new SeriesRows(CPU),
                Resolution.rollup(Duration.ofMinutes(1)),
                HOUR,
                LakeOptions.DEFAULTS,
                StorageClass.STANDARD)
            .commit();
    List<WindowVersion> raw = ledger.windows(db, "cpu", Resolution.RAW);
    assertEquals(List.of(HOUR, second), raw.stream().map(WindowVersion::window).toList());
    assertEquals(v2, raw.get(0));
    assertEquals(
        List.of(empty),
        ledger.windows(db, "cpu", Resolution.rollup(Duration.ofMinutes(1))),
        "an empty window is recorded too: exported, with no rows");
    assertEquals(0, empty.files().size());
  }
}
