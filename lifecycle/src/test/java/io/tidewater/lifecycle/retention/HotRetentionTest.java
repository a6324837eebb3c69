package io.tidewater.lifecycle.retention;

import static io.tidewater.lifecycle.retention.RetentionFixture.NOW;
import static io.tidewater.lifecycle.retention.RetentionFixture.OLD_1;
import static io.tidewater.lifecycle.retention.RetentionFixture.OLD_2;
import static io.tidewater.lifecycle.retention.RetentionFixture.RECENT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tidewater.lifecycle.export.ExportJob;
import io.tidewater.lifecycle.influx.InfluxClient;
import io.tidewater.lifecycle.influx.InfluxConnection;
import io.tidewater.lifecycle.lake.Ledger;
import io.tidewater.lifecycle.store.TestStores;
import io.tidewater.policy.Durations;
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

  @TempDir Path temp;

  InfluxServer influx = TestServers.influx();
  InfluxClient client = new InfluxClient(InfluxConnection.of(influx.url()));

  private String load() {
    return RetentionFixture.load(influx, "retention");
  }

  private TieringPolicy policy(String db, boolean delete) {
    return RetentionFixture.policy("retention", db, delete);
  }

  private long count(String db, Instant from, Instant to) {
    return RetentionFixture.count(client, db, from, to);
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
