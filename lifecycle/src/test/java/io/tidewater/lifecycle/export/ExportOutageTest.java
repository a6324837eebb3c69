package io.tidewater.lifecycle.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tidewater.error.TidewaterException;
import io.tidewater.lifecycle.influx.InfluxClient;
import io.tidewater.lifecycle.influx.InfluxConnection;
import io.tidewater.lifecycle.lake.LakeLayout;
import io.tidewater.lifecycle.lake.Ledger;
import io.tidewater.lifecycle.store.LakeLocation;
import io.tidewater.lifecycle.store.LakeStore;
import io.tidewater.lifecycle.store.LakeStoreException;
import io.tidewater.lifecycle.store.ObjectInfo;
import io.tidewater.lifecycle.store.S3Buckets;
import io.tidewater.lifecycle.store.s3.S3LakeStore;
import io.tidewater.lifecycle.store.s3.S3StoreConfig;
import io.tidewater.policy.PolicyParser;
import io.tidewater.policy.Resolution;
import io.tidewater.policy.StorageClass;
import io.tidewater.policy.TieringPolicy;
import io.tidewater.policy.Window;
import io.tidewater.testing.InfluxServer;
import io.tidewater.testing.S3Server;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * InfluxDB or the store going away: the run fails cleanly, commits nothing, and the next run
 * succeeds. The store failing in the middle of a window (its file written, its ledger entry not):
 * the window is retried, or reported and left unexported, never counted as in the lake.
 */
class ExportOutageTest {

  static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");
  // Own servers: stopping them must not disturb other tests.
  static InfluxServer influx;
  static S3Server s3;
  static S3LakeStore store;

  @TempDir Path temp;

  @BeforeAll
  static void start() {
    influx = InfluxServer.start();
    s3 = S3Server.start();
    S3StoreConfig config =
        new S3StoreConfig(
            Optional.of(s3.endpoint()),
            true,
            Optional.of(S3Server.REGION),
            Optional.of(S3Server.ACCESS_KEY),
            Optional.of(S3Server.SECRET_KEY),
            5 * S3StoreConfig.MIB,
            5 * S3StoreConfig.MIB);
    S3Buckets.create(config, "outage");
    store = new S3LakeStore((LakeLocation.S3) LakeLocation.parse("s3://outage/lake"), config);
  }

  @AfterAll
  static void stop() {
    store.close();
    influx.close();
    s3.close();
  }

  private ExportJob job(String db, Ledger ledger) {
    TieringPolicy policy =
        new PolicyParser()
            .parse(
                "t.yaml",
                """
        name: outage
        source: { database: %s, measurements: [cpu] }
        tiers:
          hot: { keep: 30d }
          warm: { after: 30d, rollups: [1m] }
        """
                    .formatted(db))
            .get(0);
    Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    InfluxClient client = new InfluxClient(InfluxConnection.of(influx.url()));
    return ExportJob.builder(policy, client, ledger)
        .stagingDir(temp)
        .clock(clock)
        .retries(2, Duration.ofMillis(10))
        .build();
  }

  private String loadTwoHours() {
    String db = influx.newDatabase("outage");
    StringBuilder lp = new StringBuilder();
    long start = Instant.parse("2025-06-01T08:00:00Z").getEpochSecond() * 1_000_000_000L;
    for (int i = 0; i < 120; i++) {
      lp.append("cpu,host=a v=")
          .append(i)
          .append(' ')
          .append(start + i * 60_000_000_000L)
          .append('\n');
    }
    influx.write(db, lp.toString());
    return db;
  }

  @Test
  void influxDbDownFailsTheRunCleanlyAndTheNextRunExports() {
    String db = loadTwoHours();
    Ledger ledger = new Ledger(store);
    ExportJob job = job(db, ledger);
    influx.stop();
    try {
      TidewaterException e = assertThrows(TidewaterException.class, job::runDue);
      assertTrue(e.getMessage().contains("is unreachable"), e.getMessage());
      assertEquals(List.of(), ledger.windows(db, "cpu", Resolution.RAW), "nothing committed");
    } finally {
      influx.restart();
    }
    JobReport report = job.runDue().orElseThrow();
    assertEquals(List.of(), report.failures());
    assertEquals(2, report.exported().size());
    assertEquals(120, report.rows());
  }

  @Test
  void aStoreFailingMidWindowIsRetriedAndNothingIsLeftHalfDone() {
    String db = loadTwoHours();
    // The 09:00 window's commit fails once, after its file went in.
    FailingPuts faulty = new FailingPuts(store, NINE_O_CLOCK_ENTRY, 1);
    Ledger ledger = new Ledger(faulty);
    JobReport report = job(db, ledger).runDue().orElseThrow();
    assertEquals(1, faulty.failed, "the fault was hit");
    assertEquals(List.of(), report.failures(), "the window's retry succeeded");
    assertLakeHoldsBothHours(db, ledger);
  }

  @Test
  void aStoreFailingMidWindowEveryTimeReportsTheWindowAndTheNextRunExportsIt() {
    String db = loadTwoHours();
    FailingPuts faulty = new FailingPuts(store, NINE_O_CLOCK_ENTRY, Integer.MAX_VALUE);
    Ledger ledger = new Ledger(faulty);
    ExportJob job = job(db, ledger);
    JobReport report = job.runDue().orElseThrow();
    assertEquals(
        List.of(
            new Window(
                Instant.parse("2025-06-01T09:00:00Z"), Instant.parse("2025-06-01T10:00:00Z"))),
        report.failures().stream().map(JobReport.WindowFailure::window).toList());
    assertTrue(
        report.failures().get(0).reason().contains("injected"), report.failures().get(0).reason());
    assertTrue(faulty.failed >= 3, "tried and retried: " + faulty.failed);
    assertTrue(
        ledger
            .exportedThrough(db, "cpu")
            .map(t -> !t.isAfter(Instant.parse("2025-06-01T09:00:00Z")))
            .orElse(true),
        "the lake is not recorded complete past the failed window: routing keeps reading it from InfluxDB");
    assertTrue(
        ledger.windows(db, "cpu", Resolution.RAW).stream()
            .noneMatch(v -> v.window().start().equals(Instant.parse("2025-06-01T09:00:00Z"))),
        "not committed");

    faulty.remaining = 0; // the store is well again
    JobReport next = job.runDue().orElseThrow();
    assertEquals(List.of(), next.failures());
    assertEquals(1, next.exported().size(), "only the failed window is redone: " + next.exported());
    assertLakeHoldsBothHours(db, ledger);
  }

  private static final Predicate<String> NINE_O_CLOCK_ENTRY =
      key -> key.contains("/res=raw/20250601T090000Z/v");

  /** Both hours in the lake as InfluxDB holds them, one file each. */
  private void assertLakeHoldsBothHours(String db, Ledger ledger) {
    TieringPolicy policy = job(db, ledger).policy();
    for (String hour : List.of("2025-06-01T08:00:00Z", "2025-06-01T09:00:00Z")) {
      Window w = new Window(Instant.parse(hour), Instant.parse(hour).plusSeconds(3600));
      assertEquals(Optional.of(Map.of("v", 60L)), LakeCounts.of(ledger, policy, "cpu", w), hour);
    }
    assertEquals(
        Optional.of(Instant.parse("2025-06-01T11:00:00Z")),
        ledger.exportedThrough(db, "cpu"),
        "every due window (the empty 10:00 one too)");
    List<String> files = store.list(db + "/cpu/res=raw/").stream().map(o -> o.key()).toList();
    assertEquals(2, files.size(), "one file per window, the failed attempt's replaced: " + files);
    assertTrue(
        store.list("_ledger/" + db + "/cpu/").stream().noneMatch(o -> LakeLayout.isIntent(o.key())),
        "no write left marked as under way");
  }

  /**
   * The real store, with puts of matching keys failing {@code remaining} times as a store outage
   * would.
   */
  private static final class FailingPuts implements LakeStore {
    private final LakeStore store;
    private final Predicate<String> matching;
    volatile int remaining;
    volatile int failed;

    FailingPuts(LakeStore store, Predicate<String> matching, int times) {
      this.store = store;
      this.matching = matching;
      this.remaining = times;
    }

    private synchronized void maybeFail(String key) {
      if (matching.test(key) && remaining > 0) {
        remaining--;
        failed++;
        throw new LakeStoreException(
            "injected: cannot write " + key, new IOException("connection reset"));
      }
    }

    @Override
    public LakeLocation location() {
      return store.location();
    }

    @Override
    public ObjectInfo put(String key, Path content, StorageClass c) {
      maybeFail(key);
      return store.put(key, content, c);
    }

    @Override
    public ObjectInfo put(String key, byte[] content, StorageClass c) {
      maybeFail(key);
      return store.put(key, content, c);
    }

    @Override
    public ObjectInfo putIfAbsent(String key, byte[] content) {
      maybeFail(key);
      return store.putIfAbsent(key, content);
    }

    @Override
    public Optional<ObjectInfo> stat(String key) {
      return store.stat(key);
    }

    @Override
    public byte[] read(String key) {
      return store.read(key);
    }

    @Override
    public byte[] readRange(String key, long offset, int length, Optional<String> expectedEtag) {
      return store.readRange(key, offset, length, expectedEtag);
    }

    @Override
    public List<ObjectInfo> list(String prefix) {
      return store.list(prefix);
    }

    @Override
    public void delete(String key) {
      store.delete(key);
    }

    @Override
    public boolean supportsStorageClasses() {
      return store.supportsStorageClasses();
    }

    @Override
    public void changeStorageClass(String key, StorageClass c) {
      store.changeStorageClass(key, c);
    }

    @Override
    public void close() {
      // the shared store is closed after all tests
    }
  }

  @Test
  void storeDownFailsCleanlyAndTheNextRunExports() {
    String db = loadTwoHours();
    Ledger ledger = new Ledger(store);
    ExportJob job = job(db, ledger);
    s3.stop();
    try {
      TidewaterException e = assertThrows(TidewaterException.class, job::runDue);
      assertTrue(
          e.getMessage().startsWith("cannot list s3://outage/lake/_ledger/"), e.getMessage());
    } finally {
      s3.restart();
    }
    assertEquals(List.of(), ledger.windows(db, "cpu", Resolution.RAW), "nothing committed");
    JobReport report = job.runDue().orElseThrow();
    assertEquals(List.of(), report.failures());
    assertEquals(2, report.exported().size());
  }
}
