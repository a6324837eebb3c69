package io.tidewater.lifecycle.retention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tidewater.lifecycle.export.ExportJob;
import io.tidewater.lifecycle.influx.InfluxClient;
import io.tidewater.lifecycle.influx.InfluxConnection;
import io.tidewater.lifecycle.lake.Ledger;
import io.tidewater.lifecycle.store.TestStores;
import io.tidewater.policy.Durations;
import io.tidewater.policy.PolicyParser;
import io.tidewater.policy.TieringPolicy;
import io.tidewater.testing.InfluxServer;
import io.tidewater.testing.TestServers;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Points leave InfluxDB only after their windows are verified in the lake, field by field. */
class HotRetentionTest {

  static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");
  static final Instant OLD_1 = Instant.parse("2025-04-01T00:00:00Z"); // beyond hot keep (30d)
  static final Instant OLD_2 = Instant.parse("2025-04-02T00:00:00Z");
  static final Instant RECENT = Instant.parse("2025-05-31T00:00:00Z");

  @TempDir Path temp;

  InfluxServer influx = TestServers.influx();
  InfluxClient client = new InfluxClient(InfluxConnection.of(influx.url()));

  private String load() {
    String db = influx.newDatabase("retention");
    StringBuilder lp = new StringBuilder();
    for (Instant hour : List.of(OLD_1, OLD_2, RECENT)) {
      for (int i = 0; i < 30; i++) {
        lp.append("cpu,host=a v=")
            .append(i)
            .append(",s=\"x\" ")
            .append(Durations.epochNanos(hour) + i * 60_000_000_000L)
            .append('\n');
      }
    }
    influx.write(db, lp.toString());
    return db;
  }

  private TieringPolicy policy(String db, boolean delete) {
    return new PolicyParser()
        .parse(
            "r.yaml",
            """
        name: retention
        source: { database: %s, measurements: [cpu] }
        tiers:
          hot: { keep: 30d }
          warm: { after: 30d, rollups: [1m] }
        delete-from-hot-after-export: %s
        """
                .formatted(db, delete))
        .get(0);
  }

  private long count(String db, Instant from, Instant to) {
    List<List<Object>> rows =
        client.rows(
            db,
            "SELECT count(v) FROM cpu WHERE time >= "
                + Durations.epochNanos(from)
                + " AND time < "
                + Durations.epochNanos(to));
    return rows.isEmpty() ? 0 : ((Number) rows.get(0).get(1)).longValue();
  }

  private Ledger export(TieringPolicy policy) {
    Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    Ledger ledger = new Ledger(TestStores.local());
    ExportJob.builder(policy, client, ledger)
        .stagingDir(temp)
        .clock(clock)
        .retries(1, Duration.ofMillis(1))
        .build()
        .runDue()
        .orElseThrow();
    return ledger;
  }

  @Test
  void verifiedWindowsLeaveInfluxDbAndRecentOnesStay() {
    String db = load();
    TieringPolicy policy = policy(db, true);
    Ledger ledger = export(policy);
    RetentionReport report =
        new HotRetention(policy, client, ledger, Clock.fixed(NOW, ZoneOffset.UTC))
            .run(List.of("cpu"));
    assertEquals(List.of(), report.held());
    assertEquals(2, report.windowsVerified());
    assertEquals(
        Map.of("cpu", OLD_2.plusSeconds(3600)),
        report.deletedBefore(),
        "up to the end of the last verified window");
    assertEquals(0, count(db, OLD_1, RECENT), "old points are gone from InfluxDB");
    assertEquals(30, count(db, RECENT, NOW), "hot points stay");
  }

  @Test
  void aWindowTheLakeDoesNotFullyHoldStopsTheCut() {
    String db = load();
    TieringPolicy policy = policy(db, true);
    Ledger ledger = export(policy);
    // A late point lands in the second old window after its export.
    influx.write(db, "cpu,host=b v=99 " + (Durations.epochNanos(OLD_2) + 5_000_000_000L) + "\n");
    RetentionReport report =
        new HotRetention(policy, client, ledger, Clock.fixed(NOW, ZoneOffset.UTC))
            .run(List.of("cpu"));
    assertEquals(1, report.held().size(), report.toString());
    assertTrue(
        report.held().get(0).contains("field v has 31 values in InfluxDB but 30 in the lake"),
        report.held().get(0));
    assertEquals(Map.of("cpu", OLD_1.plusSeconds(3600)), report.deletedBefore());
    assertEquals(0, count(db, OLD_1, OLD_2));
    assertEquals(
        31, count(db, OLD_2, OLD_2.plusSeconds(3600)), "the unverified window is kept whole");
  }

  @Test
  void policiesThatDoNotOptInDeleteNothing() {
    String db = load();
    TieringPolicy policy = policy(db, false);
    Ledger ledger = export(policy);
    RetentionReport report =
        new HotRetention(policy, client, ledger, Clock.fixed(NOW, ZoneOffset.UTC))
            .run(List.of("cpu"));
    assertEquals(Map.of(), report.deletedBefore());
    assertEquals(90, count(db, OLD_1, NOW));
  }
}
