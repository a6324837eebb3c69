package io.tidewater.lifecycle.cdc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tidewater.lifecycle.export.ExportJob;
import io.tidewater.lifecycle.influx.InfluxClient;
import io.tidewater.lifecycle.influx.InfluxConnection;
import io.tidewater.lifecycle.lake.LakeLayout;
import io.tidewater.lifecycle.lake.Ledger;
import io.tidewater.lifecycle.lake.WindowVersion;
import io.tidewater.lifecycle.lake.WindowWriter;
import io.tidewater.lifecycle.store.LakeLocation;
import io.tidewater.lifecycle.store.TestStores;
import io.tidewater.policy.Durations;
import io.tidewater.policy.PolicyParser;
import io.tidewater.policy.Resolution;
import io.tidewater.policy.TieringPolicy;
import io.tidewater.policy.Window;
import io.tidewater.testing.InfluxServer;
import io.tidewater.testing.TestServers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The low-latency path, against real influxd and a local lake: writes into windows not yet due
 * reach the lake in micro-batches (read back with DuckDB), merge as InfluxDB merges points, survive
 * a crash through the change log, and are replaced by the window's export, which then equals
 * InfluxDB.
 */
class MicroBatchTest {

  static final Instant NOW = Instant.parse("2025-06-01T12:30:00Z");
  static final Window OPEN = window("2025-06-01T12:00:00Z");
  static final long OPEN_NS = Durations.epochNanos(OPEN.start());
  static final long MINUTE = 60_000_000_000L;

  @TempDir Path temp;

  InfluxServer influx;
  InfluxClient client;
  String db;
  Ledger ledger;
  MovableClock clock;
  ExportJob job;
  TieringPolicy policy;

  @BeforeEach
  void setUp() {
    influx = TestServers.influx();
    client = new InfluxClient(InfluxConnection.of(influx.url()));
    db = influx.newDatabase("micro");
    policy =
        new PolicyParser()
            .parse(
                "p.yaml",
                """
        name: micro
        source: { database: %s, measurements: [cpu] }
        window: 1h
        settle: 5m
        micro-batch: { max-points: 100, max-delay: 2s }
        tiers:
          hot: { keep: 30d }
          warm: { after: 30d, raw: standard }
        """
                    .formatted(db))
            .get(0);
    ledger = new Ledger(TestStores.local());
    clock = new MovableClock(NOW);
    job =
        ExportJob.builder(policy, client, ledger)
            .stagingDir(temp)
            .clock(clock)
            .retries(2, Duration.ofMillis(10))
            .build();
  }

  MicroBatchWriter writer(MicroBatches batches) {
    return new MicroBatchWriter(job, ledger, new WindowWriter(ledger, temp, clock), batches, clock);
  }

  @Test
  void writesIntoWindowsNotYetDueReachTheLakeAndTheExportReplacesThem() throws Exception {
    MicroBatches batches = new MicroBatches(List.of(policy));
    try (ChangeCapture capture =
        new ChangeCapture(
            new ChangeLog(temp.resolve("log"), 1 << 20, 0),
            List.of(policy),
            (d, m) -> {},
            batches)) {
      MicroBatchWriter writer = writer(batches);
      subscriptionWrite(
          capture,
          String.join(
              "\n",
              "cpu,host=a v=1 " + (OPEN_NS + MINUTE),
              "cpu,host=b v=2 " + (OPEN_NS + 2 * MINUTE),
              "cpu,host=a v=1.5 " + (OPEN_NS + 3 * MINUTE),
              "mem,host=a v=1 " + (OPEN_NS + MINUTE), // claimed by no policy
              "cpu,host=a v=9 "
                  + Durations.epochNanos(
                      Instant.parse("2025-06-01T09:10:00Z")))); // due: dirty instead
      assertEquals(3, batches.pending(policy).points());
      assertEquals(List.of(window("2025-06-01T09:00:00Z")), capture.dirtyWindows(db, "cpu"));
      assertEquals(List.of(), batches.awaitDue(clock, Duration.ZERO), "neither full nor 2 s old");

      clock.advance(Duration.ofSeconds(2));
      assertEquals(List.of(policy), batches.awaitDue(clock, Duration.ZERO));
      MicroBatchWriter.Flush first = writer.flush().orElseThrow();
      assertEquals(1, first.windows(), first.toString());
      assertEquals(3, first.points());
      assertEquals(0, batches.pending(policy).points());
      WindowVersion partial = ledger.latest(db, "cpu", Resolution.RAW, OPEN).orElseThrow();
      assertTrue(partial.partial());
      assertEquals(Map.of("a", "2 2.5", "b", "1 2.0"), lake(OPEN));

      // InfluxDB's merge: the same series and time keeps one point, the later write's fields
      // replacing.
      subscriptionWrite(
          capture,
          String.join(
              "\n",
              "cpu,host=a v=10 " + (OPEN_NS + MINUTE),
              "cpu,host=b w=7i " + (OPEN_NS + 2 * MINUTE),
              "cpu,host=c v=0.25 " + (OPEN_NS + 59 * MINUTE)));
      clock.advance(Duration.ofSeconds(3));
      MicroBatchWriter.Flush second = writer.flush().orElseThrow();
      assertEquals(3, second.points(), second.toString());
      assertEquals(Map.of("a", "2 11.5", "b", "1 2.0", "c", "1 0.25"), lake(OPEN));
      assertEquals(2, ledger.latest(db, "cpu", Resolution.RAW, OPEN).orElseThrow().version());
      assertEquals(7L, queryLake(OPEN, "SELECT sum(w) FROM %s WHERE host = 'b'"));
      assertEquals(
          1, filesOf(OPEN), "replaced in place: an engine listing the folder sees one copy");

      // The window closes and settles; its export reads InfluxDB, which also has points the
      // gateway never received (written before a subscription existed, say).
      influx.write(db, "cpu,host=z v=4 " + (OPEN_NS + 30 * MINUTE));
      clock.advance(Duration.ofMinutes(36)); // 13:06
      assertTrue(
          job.runDue().orElseThrow().exported().stream().anyMatch(e -> e.window().equals(OPEN)));
      WindowVersion full = ledger.latest(db, "cpu", Resolution.RAW, OPEN).orElseThrow();
      assertFalse(full.partial());
      assertEquals(influx(OPEN), lake(OPEN));
      assertEquals(4, lake(OPEN).size(), "hosts a, b, c and z");
      assertEquals(1, filesOf(OPEN));

      // Points arriving now for that window are late writes (dirty), never a partial over the full
      // export.
      subscriptionWrite(capture, "cpu,host=a v=3 " + (OPEN_NS + 4 * MINUTE));
      assertEquals(0, batches.pending(policy).points());
      assertTrue(capture.dirtyWindows(db, "cpu").contains(OPEN));
    }
  }

  @Test
  void aBatchWaitingAtACrashIsReplayedFromTheLogAndTrimmedOnlyOnceFlushed() {
    Path logDir = temp.resolve("log");
    try (ChangeCapture capture =
        new ChangeCapture(
            new ChangeLog(logDir, 1, 0),
            List.of(policy),
            (d, m) -> {},
            new MicroBatches(List.of(policy)))) {
      subscriptionWrite(
          capture,
          "cpu,host=a v=1 " + (OPEN_NS + MINUTE) + "\ncpu,host=b v=2 " + (OPEN_NS + MINUTE));
      capture.trim();
    } // a crash: nothing was flushed
    MicroBatches batches = new MicroBatches(List.of(policy));
    try (ChangeCapture capture =
        new ChangeCapture(new ChangeLog(logDir, 1, 0), List.of(policy), (d, m) -> {}, batches)) {
      assertEquals(2, batches.pending(policy).points(), "kept by the log, replayed into the batch");
      MicroBatchWriter writer = writer(batches);
      // An export running holds the policy: the batch waits rather than racing it.
      assertTrue(runningElsewhere(() -> writer.flush().orElseThrow().busy()));
      assertEquals(2, batches.pending(policy).points(), "put back");
      assertEquals(2, writer.flush().orElseThrow().points());
      assertEquals(Map.of("a", "1 1.0", "b", "1 2.0"), lake(OPEN));
      capture.trim();
    }
    MicroBatches after = new MicroBatches(List.of(policy));
    try (ChangeCapture capture =
        new ChangeCapture(new ChangeLog(logDir, 1, 0), List.of(policy), (d, m) -> {}, after)) {
      assertEquals(0, after.pending(policy).points(), "flushed writes are trimmed from the log");
    }
  }

  @Test
  void aFieldWrittenWithAnotherTypeIsLeftToTheExport() {
    MicroBatches batches = new MicroBatches(List.of(policy));
    try (ChangeCapture capture =
        new ChangeCapture(
            new ChangeLog(temp.resolve("log"), 1 << 20, 0),
            List.of(policy),
            (d, m) -> {},
            batches)) {
      MicroBatchWriter writer = writer(batches);
      subscriptionWrite(capture, "cpu,host=a v=1 " + (OPEN_NS + MINUTE));
      writer.flush().orElseThrow();
      // Another shard of InfluxDB could take v as a string; the lake's column cannot.
      accept(
          capture,
          "cpu,host=a v=\"high\" "
              + (OPEN_NS + 2 * MINUTE)
              + "\ncpu,host=b v=2 "
              + (OPEN_NS + 2 * MINUTE));
      MicroBatchWriter.Flush flush = writer.flush().orElseThrow();
      assertEquals(1, flush.skipped(), flush.toString());
      assertEquals(Map.of("a", "1 1.0", "b", "1 2.0"), lake(OPEN));
    }
  }

  /** Runs {@code work} while another thread holds the policy as an export run does. */
  private <T> T runningElsewhere(Supplier<T> work) {
    CountDownLatch holding = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Thread run =
        new Thread(
            () ->
                job.unlessRunning(
                    () -> {
                      holding.countDown();
                      try {
                        release.await();
                      } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                      }
                      return Boolean.TRUE;
                    }));
    run.start();
    try {
      holding.await();
      return work.get();
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    } finally {
      release.countDown();
      try {
        run.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void subscriptionWrite(ChangeCapture capture, String lines) {
    influx.write(db, lines);
    accept(capture, lines);
  }

  private void accept(ChangeCapture capture, String lines) {
    byte[] body = lines.getBytes(StandardCharsets.UTF_8);
    long received = Durations.epochNanos(clock.instant());
    capture.accept(
        db,
        "autogen",
        LineProtocol.Precision.NANOSECONDS,
        received,
        body,
        LineProtocol.stamps(body, LineProtocol.Precision.NANOSECONDS, received).points());
  }

  static Window window(String start) {
    Instant s = Instant.parse(start);
    return new Window(s, s.plusSeconds(3600));
  }

  /** Parquet files an engine listing the measurement's folders would read for {@code w}. */
  private long filesOf(Window w) throws IOException {
    Path root = ((LakeLocation.Local) ledger.store().location()).root().toAbsolutePath();
    String name = LakeLayout.dataKey("", "", w, 0);
    String windowFilePrefix =
        name.substring(name.lastIndexOf('/') + 1, name.length() - "0.parquet".length());
    try (Stream<Path> files = Files.walk(root.resolve(db).resolve("cpu"))) {
      return files
          .filter(p -> p.getFileName().toString().endsWith(".parquet"))
          .filter(
              p ->
                  !p.getFileName().toString().startsWith("_")
                      && !p.getFileName().toString().startsWith("."))
          .filter(p -> p.getFileName().toString().startsWith(windowFilePrefix))
          .count();
    }
  }

  private Map<String, String> influx(Window w) {
    return LakeVsInflux.influx(client, db, w, List.of("a", "b", "c", "z"));
  }

  private Map<String, String> lake(Window w) {
    return LakeVsInflux.lake(ledger, db, w);
  }

  private long queryLake(Window w, String sql) {
    long[] out = new long[1];
    LakeVsInflux.query(ledger, db, w, sql, rs -> out[0] = rs.getLong(1));
    return out[0];
  }
}
