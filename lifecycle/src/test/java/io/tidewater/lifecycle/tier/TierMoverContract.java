package io.tidewater.lifecycle.tier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tidewater.lifecycle.export.ExportJob;
import io.tidewater.lifecycle.influx.InfluxClient;
import io.tidewater.lifecycle.influx.InfluxConnection;
import io.tidewater.lifecycle.lake.DataFile;
import io.tidewater.lifecycle.lake.LakeRows;
import io.tidewater.lifecycle.lake.Ledger;
import io.tidewater.lifecycle.lake.WindowVersion;
import io.tidewater.lifecycle.lake.WindowWriter;
import io.tidewater.lifecycle.parquet.SeriesRows;
import io.tidewater.lifecycle.store.LakeStore;
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
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Windows exported while everything was hot, then moved by a policy with real tiers: warm gains its
 * 1m rollup, cold gets its 1h rollup, loses the 1m one and moves full resolution to cool, expired
 * windows leave the lake; a second run changes nothing.
 */
public abstract class TierMoverContract {

  protected abstract LakeStore store();

  static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");
  static final Window WARM = hour(NOW.minus(Duration.ofDays(60)));
  static final Window COLD = hour(NOW.minus(Duration.ofDays(200)));
  static final Window EXPIRED = hour(NOW.minus(Duration.ofDays(800)));
  static final Resolution M1 = Resolution.rollup(Duration.ofMinutes(1));
  static final Resolution H1 = Resolution.rollup(Duration.ofHours(1));

  @TempDir Path temp;

  static Window hour(Instant t) {
    Instant s = Durations.floor(t, Duration.ofHours(1));
    return new Window(s, s.plusSeconds(3600));
  }

  private TieringPolicy policy(String db, String tiers) {
    return new PolicyParser()
        .parse(
            "t.yaml",
            """
        name: tiers
        source: { database: %s, measurements: [cpu] }
        tiers:
        %s
        """
                .formatted(db, tiers.indent(2)))
        .get(0);
  }

  @Test
  void windowsMoveToWhatTheirTierHolds() {
    InfluxServer influx = TestServers.influx();
    String db = influx.newDatabase("tiers");
    StringBuilder lp = new StringBuilder();
    for (Window w : List.of(WARM, COLD, EXPIRED)) {
      for (int i = 0; i < 60; i++) {
        for (String host : List.of("a", "b")) {
          lp.append("cpu,host=")
              .append(host)
              .append(" v=")
              .append(i)
              .append(".5 ")
              .append(Durations.epochNanos(w.start()) + i * 60_000_000_000L)
              .append('\n');
        }
      }
    }
    influx.write(db, lp.toString());
    Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    Ledger ledger = new Ledger(store());
    WindowWriter writer = new WindowWriter(ledger, temp, clock);
    InfluxClient client = new InfluxClient(InfluxConnection.of(influx.url()));
    TieringPolicy allHot = policy(db, "hot: { keep: 3650d }\nwarm: { after: 3650d }");
    ExportJob.builder(allHot, client, ledger)
        .writer(writer)
        .clock(clock)
        .retries(1, Duration.ofMillis(1))
        .build()
        .runDue()
        .orElseThrow();
    assertEquals(List.of(EXPIRED, COLD, WARM), windows(ledger, db, Resolution.RAW));

    TieringPolicy real =
        policy(
            db,
            """
        hot: { keep: 30d }
        warm: { after: 30d, rollups: [1m], raw: standard }
        cold: { after: 180d, rollups: [1h], raw: cool }
        expire: { after: 730d }""");
    List<String> expiredFiles =
        ledger.latest(db, "cpu", Resolution.RAW, EXPIRED).orElseThrow().files().stream()
            .map(DataFile::key)
            .toList();
    assertTrue(!expiredFiles.isEmpty());
    TierMover mover = new TierMover(real, ledger, writer, clock);
    TierReport report = mover.run(List.of("cpu"));
    assertEquals(List.of(), report.failures());
    assertEquals(1, report.windowsExpired());
    assertEquals(2, report.rollupsBuilt(), "1m for warm, 1h for cold");

    assertEquals(List.of(COLD, WARM), windows(ledger, db, Resolution.RAW));
    assertEquals(List.of(WARM), windows(ledger, db, M1));
    assertEquals(List.of(COLD), windows(ledger, db, H1));
    WindowVersion coldRaw = ledger.windows(db, "cpu", Resolution.RAW).get(0);
    if (store().supportsStorageClasses()) {
      assertEquals(1, report.classChanges());
      for (DataFile f : coldRaw.files()) {
        assertEquals(StorageClass.COOL, f.storageClass());
      }
    }
    // The ledger still describes the files exactly (ETags checked on read) and the rollups add up.
    assertEquals(120, LakeRows.read(ledger, coldRaw).size());
    SeriesRows hourly = LakeRows.read(ledger, ledger.windows(db, "cpu", H1).get(0));
    long count = 0;
    int c = hourly.schema().fieldIndex("v_count");
    for (int r = 0; r < hourly.size(); r++) {
      count += hourly.longValue(c, r);
    }
    assertEquals(120, count);
    for (String key : expiredFiles) {
      assertEquals(Optional.empty(), store().stat(key), "expired files are gone: " + key);
    }
    assertTrue(ledger.latest(db, "cpu", Resolution.RAW, EXPIRED).orElseThrow().deleted());

    TierReport again = mover.run(List.of("cpu"));
    assertEquals(new TierReport("tiers", 0, 0, 0, 0, 0, List.of()), again, "nothing left to move");
  }

  @Test
  void withoutFullResolutionCoarserRollupsAreBuiltFromFinerOnes() {
    InfluxServer influx = TestServers.influx();
    String db = influx.newDatabase("tiers");
    StringBuilder lp = new StringBuilder();
    for (int i = 0; i < 60; i++) {
      lp.append("cpu,host=a v=")
          .append(i)
          .append(".25,n=")
          .append(i)
          .append("i ")
          .append(Durations.epochNanos(COLD.start()) + i * 60_000_000_000L)
          .append('\n');
    }
    influx.write(db, lp.toString());
    Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    Ledger ledger = new Ledger(store());
    WindowWriter writer = new WindowWriter(ledger, temp, clock);
    InfluxClient client = new InfluxClient(InfluxConnection.of(influx.url()));
    // Exported while the lake kept only 1m rollups for this age.
    TieringPolicy minutesOnly =
        policy(db, "hot: { keep: 30d }\nwarm: { after: 30d, rollups: [1m], raw: none }");
    ExportJob.builder(minutesOnly, client, ledger)
        .writer(writer)
        .clock(clock)
        .retries(1, Duration.ofMillis(1))
        .build()
        .runDue()
        .orElseThrow();
    assertEquals(List.of(), windows(ledger, db, Resolution.RAW));
    assertEquals(List.of(COLD), windows(ledger, db, M1));

    TieringPolicy hourly =
        policy(
            db,
            "hot: { keep: 30d }\nwarm: { after: 30d, rollups: [1m], raw: none }\n"
                + "cold: { after: 180d, rollups: [1h], raw: none }");
    TierReport report = new TierMover(hourly, ledger, writer, clock).run(List.of("cpu"));
    assertEquals(List.of(), report.failures());
    assertEquals(1, report.rollupsBuilt());
    assertEquals(1, report.rollupsDropped());
    SeriesRows h = LakeRows.read(ledger, ledger.windows(db, "cpu", H1).get(0));
    assertEquals(1, h.size());
    assertEquals(60, h.longValue(h.schema().fieldIndex("v_count"), 0));
    assertEquals(60 * 29.5 + 60 * 0.25, h.doubleValue(h.schema().fieldIndex("v_sum"), 0), 1e-9);
    assertEquals(59, h.longValue(h.schema().fieldIndex("n_max"), 0));
    assertEquals(List.of(), windows(ledger, db, M1), "cold keeps no 1m rollups");
  }

  private static List<Window> windows(Ledger ledger, String db, Resolution r) {
    return ledger.windows(db, "cpu", r).stream().map(WindowVersion::window).toList();
  }
}
