package io.tidewater.lifecycle.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tidewater.lifecycle.influx.InfluxClient;
import io.tidewater.lifecycle.influx.InfluxConnection;
import io.tidewater.lifecycle.lake.DataFile;
import io.tidewater.lifecycle.lake.Lease;
import io.tidewater.lifecycle.lake.Ledger;
import io.tidewater.lifecycle.lake.LedgerConflictException;
import io.tidewater.lifecycle.lake.WindowVersion;
import io.tidewater.lifecycle.lake.WindowWriter;
import io.tidewater.lifecycle.parquet.ColumnBatch;
import io.tidewater.lifecycle.parquet.MeasurementSchema;
import io.tidewater.lifecycle.parquet.ScanSpec;
import io.tidewater.lifecycle.parquet.StoreInputFile;
import io.tidewater.lifecycle.parquet.TimeSeriesReader;
import io.tidewater.lifecycle.store.LakeStore;
import io.tidewater.lifecycle.store.ObjectInfo;
import io.tidewater.policy.Durations;
import io.tidewater.policy.PolicyParser;
import io.tidewater.policy.Resolution;
import io.tidewater.policy.StorageClass;
import io.tidewater.policy.TieringPolicy;
import io.tidewater.policy.Window;
import io.tidewater.testing.InfluxServer;
import io.tidewater.testing.TestServers;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The export job against real influxd and each real store, over a data set spanning every tier. */
public abstract class ExportJobContract {

  protected abstract LakeStore store();

  static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");
  static final List<Window> HOT =
      List.of(hour("2025-05-31T10:00:00Z"), hour("2025-05-31T11:00:00Z"));
  static final List<Window> WARM =
      List.of(hour("2025-03-01T00:00:00Z"), hour("2025-03-01T01:00:00Z"));
  static final List<Window> COLD = List.of(hour("2024-06-01T00:00:00Z"));
  static final Window EXPIRED = hour("2023-01-01T00:00:00Z");
  static final Window UNSETTLED = hour("2025-06-01T11:00:00Z");

  @TempDir Path temp;

  InfluxServer influx;
  InfluxClient client;
  String db;
  TieringPolicy policy;
  Ledger ledger;
  ExportJob job;

  static Window hour(String start) {
    Instant s = Instant.parse(start);
    return new Window(s, s.plusSeconds(3600));
  }

  @BeforeEach
  void setUp() {
    influx = TestServers.influx();
    client = new InfluxClient(InfluxConnection.of(influx.url()));
    db = influx.newDatabase("export");
    StringBuilder lp = new StringBuilder();
    for (String m : List.of("cpu", "disk_io", "mem")) {
      for (Window w : concat(HOT, WARM, COLD, List.of(EXPIRED, UNSETTLED))) {
        for (String host : List.of("a", "b", "c")) {
          for (int minute = 0; minute < 60; minute += 5) {
            long t = Durations.epochNanos(w.start()) + minute * 60_000_000_000L + host.charAt(0);
            lp.append(m)
                .append(",host=")
                .append(host)
                .append(" v=")
                .append(minute * 0.5 + host.charAt(0))
                .append(",n=")
                .append(minute)
                .append("i ")
                .append(t)
                .append('\n');
          }
        }
      }
    }
    influx.write(db, lp.toString());
    policy =
        new PolicyParser()
            .parse(
                "test.yaml",
                """
        name: export-test
        source: { database: %s, measurements: [cpu, /disk.*/] }
        window: 1h
        settle: 5m
        tiers:
          hot: { keep: 30d }
          warm: { after: 30d, rollups: [1m], raw: standard }
          cold: { after: 180d, rollups: [1h], raw: cool }
          expire: { after: 730d }
        """
                    .formatted(db))
            .get(0);
    ledger = new Ledger(store());
    Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    job =
        ExportJob.builder(policy, client, ledger)
            .stagingDir(temp)
            .clock(clock)
            .retries(3, Duration.ofMillis(10))
            .build();
  }

  @SafeVarargs
  static List<Window> concat(List<Window>... lists) {
    return Arrays.stream(lists).flatMap(List::stream).toList();
  }

  @Test
  void exportsEveryDueWindowOfEveryClaimedMeasurementAtTheResolutionsOfItsTier() {
    JobReport report = job.runDue().orElseThrow();
    assertEquals(List.of(), report.failures());
    assertEquals(
        10, report.exported().size(), "5 due windows of cpu and of disk_io: " + report.exported());
    for (String m : List.of("cpu", "disk_io")) {
      assertEquals(concat(COLD, WARM, HOT), windows(m, Resolution.RAW));
      assertEquals(WARM, windows(m, Resolution.rollup(Duration.ofMinutes(1))));
      assertEquals(COLD, windows(m, Resolution.rollup(Duration.ofHours(1))));
      for (WindowVersion v : ledger.windows(db, m, Resolution.RAW)) {
        assertEquals(influxPerSeries(m, v.window()), lakePerSeries(v), m + " " + v.window());
      }
      for (WindowVersion v : ledger.windows(db, m, Resolution.rollup(Duration.ofMinutes(1)))) {
        assertEquals(
            influxPerSeries(m, v.window()),
            rollupPerSeries(v),
            "1m rollup of " + m + " " + v.window());
      }
    }
    assertEquals(
        List.of(), ledger.windows(db, "mem", Resolution.RAW), "mem is claimed by no policy");
    WindowVersion cold = ledger.windows(db, "cpu", Resolution.RAW).get(0);
    for (DataFile f : cold.files()) {
      Optional<StorageClass> storageClass = store().stat(f.key()).orElseThrow().storageClass();
      assertTrue(
          storageClass.isEmpty() || storageClass.get() == StorageClass.COOL,
          "cold raw is cool: " + storageClass);
    }
  }

  @Test
  void runningAgainChangesNothingAndBackfillWritesNewVersions() {
    job.runDue().orElseThrow();
    Map<String, Long> versions = versions();
    JobReport again = job.runDue().orElseThrow();
    assertEquals(List.of(), again.exported());
    assertEquals(10, again.alreadyDone());
    assertEquals(versions, versions());

    JobReport backfill = job.backfill(WARM.get(0).start(), WARM.get(0).end()).orElseThrow();
    assertEquals(2, backfill.exported().size(), backfill.toString());
    assertEquals(2L, ledger.latest(db, "cpu", Resolution.RAW, WARM.get(0)).orElseThrow().version());
    assertEquals(
        influxPerSeries("cpu", WARM.get(0)),
        lakePerSeries(ledger.latest(db, "cpu", Resolution.RAW, WARM.get(0)).orElseThrow()));
  }

  @Test
  void aWriteBasedOnAListingOlderThanTheWindowsNewestVersionIsRedoneOnTheNewest() {
    Window w = HOT.get(0);
    ListedVersions listed =
        ListedVersions.of(Map.of(Resolution.RAW, ledger.newestVersions(db, "cpu", Resolution.RAW)));
    WindowExporter exporter =
        new WindowExporter(
            client, new WindowWriter(ledger, temp, Clock.fixed(NOW, ZoneOffset.UTC)));
    // Another writer commits the window's first version after the listing (at another instant, so
    // its entry differs: a store takes a byte-identical entry as its own retried write).
    new WindowExporter(
            client, new WindowWriter(ledger, temp, Clock.fixed(NOW.plusSeconds(1), ZoneOffset.UTC)))
        .write(policy, exporter.read(policy, "cpu", w, NOW));
    assertThrows(
        LedgerConflictException.class,
        () -> exporter.write(policy, exporter.read(policy, "cpu", w, NOW), listed),
        "a write based on the listing (no version) commits version 1, which exists");

    List<WindowExport> exported = new ArrayList<>();
    List<JobReport.WindowFailure> failures = new ArrayList<>();
    new ExportPipeline(
            policy,
            exporter,
            new PolicyLock(
                policy.name(),
                ledger,
                Clock.fixed(NOW, ZoneOffset.UTC),
                Optional.empty(),
                new Lease.Watch()),
            new Retry(3, Duration.ofMillis(10), RuntimeException.class))
        .export("cpu", List.of(w), Set.of(), NOW, listed, exported, failures);
    assertEquals(List.of(), failures);
    assertEquals(1, exported.size());
    WindowVersion newest = ledger.latest(db, "cpu", Resolution.RAW, w).orElseThrow();
    assertEquals(2, newest.version(), "redone on version 1, not over it");
    assertEquals(influxPerSeries("cpu", w), lakePerSeries(newest));
    assertEquals(
        Set.of(),
        Set.copyOf(ledger.unfinishedWrites(db, "cpu", Resolution.RAW)),
        "the failed write's marker is cleared by the redo's commit");
  }

  private Map<String, Long> versions() {
    Map<String, Long> out = new TreeMap<>();
    for (String m : List.of("cpu", "disk_io")) {
      for (Resolution r : List.of(Resolution.RAW, Resolution.rollup(Duration.ofMinutes(1)))) {
        ledger.windows(db, m, r).forEach(v -> out.put(m + r + v.window(), v.version()));
      }
    }
    return out;
  }

  List<Window> windows(String m, Resolution r) {
    return ledger.windows(db, m, r).stream().map(WindowVersion::window).toList();
  }

  /** host -> "count sum" from InfluxQL. */
  Map<String, String> influxPerSeries(String m, Window w) {
    Map<String, String> out = new TreeMap<>();
    List<List<Object>> rows =
        client.rows(
            db,
            "SELECT count(v), sum(v) FROM \""
                + m
                + "\" WHERE time >= "
                + Durations.epochNanos(w.start())
                + " AND time < "
                + Durations.epochNanos(w.end())
                + " GROUP BY host");
    // Rows come in host order a, b, c (GROUP BY sorts series).
    String[] hosts = {"a", "b", "c"};
    for (int i = 0; i < rows.size(); i++) {
      out.put(
          hosts[i],
          ((Number) rows.get(i).get(1)).longValue()
              + " "
              + ((Number) rows.get(i).get(2)).doubleValue());
    }
    return out;
  }

  Map<String, String> lakePerSeries(WindowVersion v) {
    Map<String, long[]> counts = new TreeMap<>();
    Map<String, Double> sums = new TreeMap<>();
    scan(
        v,
        v.schema(),
        (batch, spec) -> {
          int host = spec.tags().indexOf("host");
          int value = spec.fields().indexOf("v");
          for (int r = 0; r < batch.size(); r++) {
            String h = batch.tag(host).stringAt(r);
            counts.computeIfAbsent(h, k -> new long[1])[0]++;
            sums.merge(h, batch.field(value).doubleAt(r), Double::sum);
          }
        });
    Map<String, String> out = new TreeMap<>();
    counts.forEach((h, c) -> out.put(h, c[0] + " " + sums.get(h)));
    return out;
  }

  private Map<String, String> rollupPerSeries(WindowVersion v) {
    Map<String, long[]> counts = new TreeMap<>();
    Map<String, Double> sums = new TreeMap<>();
    scan(
        v,
        v.schema(),
        (batch, spec) -> {
          int host = spec.tags().indexOf("host");
          int count = spec.fields().indexOf("v_count");
          int sum = spec.fields().indexOf("v_sum");
          for (int r = 0; r < batch.size(); r++) {
            String h = batch.tag(host).stringAt(r);
            counts.computeIfAbsent(h, k -> new long[1])[0] += batch.field(count).longAt(r);
            sums.merge(h, batch.field(sum).doubleAt(r), Double::sum);
          }
        });
    Map<String, String> out = new TreeMap<>();
    counts.forEach((h, c) -> out.put(h, c[0] + " " + sums.get(h)));
    return out;
  }

  private void scan(
      WindowVersion v, MeasurementSchema schema, BiConsumer<ColumnBatch, ScanSpec> sink) {
    ScanSpec spec = ScanSpec.all(schema);
    for (DataFile f : v.files()) {
      ObjectInfo info =
          new ObjectInfo(f.key(), f.size(), f.etag(), Instant.EPOCH, Optional.empty());
      try (TimeSeriesReader reader =
          TimeSeriesReader.open(new StoreInputFile(store(), info), f.key(), spec)) {
        ColumnBatch batch = new ColumnBatch(spec);
        while (reader.next(batch)) {
          sink.accept(batch, spec);
        }
      }
    }
  }
}
