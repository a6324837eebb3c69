package io.tidewater.federation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tidewater.federation.route.Place;
import io.tidewater.lifecycle.export.ExportJob;
import io.tidewater.lifecycle.influx.InfluxClient;
import io.tidewater.lifecycle.influx.InfluxConnection;
import io.tidewater.lifecycle.lake.Ledger;
import io.tidewater.lifecycle.store.LakeLocation;
import io.tidewater.lifecycle.store.local.LocalLakeStore;
import io.tidewater.policy.PolicySet;
import io.tidewater.testing.InfluxServer;
import io.tidewater.testing.TestServers;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where both places hold a range (exported, clean, still hot) the planner reads it from the
 * cheaper: a long scan of many series from the lake, a read of one series from InfluxDB; a query
 * reaching past the lake's complete point stays one InfluxDB request. Answers equal InfluxDB's
 * either way.
 */
class PlaceChoiceTest {

  @TempDir static Path temp;

  static String db;
  static SqlEngine engine;

  @BeforeAll
  static void exportADenseHotDay() {
    InfluxServer influx = TestServers.influx();
    db = influx.newDatabase("choice");
    Instant start = Instant.parse("2025-05-31T00:00:00Z");
    for (int part = 0; part < 24; part++) { // 60 hosts every 10 s for a day: 518,400 points
      StringBuilder lp = new StringBuilder();
      for (int i = part * 360; i < (part + 1) * 360; i++) {
        for (int h = 0; h < 60; h++) {
          lp.append("cpu,host=h")
              .append(h)
              .append(" v=")
              .append((i * 7 + h) % 101)
              .append(".25 ")
              .append(start.plusSeconds(10L * i).getEpochSecond())
              .append("000000000\n");
        }
      }
      influx.write(db, lp.toString());
    }
    Clock clock = Clock.fixed(Instant.parse("2025-06-01T00:30:00Z"), ZoneOffset.UTC);
    PolicySet policies =
        PolicySet.parse(
            List.of(
                Map.entry(
                    "p.yaml",
                    """
        name: p
        source: { database: %s, measurements: [cpu] }
        window: 1h
        settle: 5m
        tiers:
          hot: { keep: 1d }
          warm: { after: 1d }
        """
                        .formatted(db))));
    InfluxClient client = new InfluxClient(InfluxConnection.of(influx.url()));
    Ledger ledger = new Ledger(new LocalLakeStore(new LakeLocation.Local(temp.resolve("lake"))));
    ExportJob.builder(policies.policies().get(0), client, ledger)
        .stagingDir(temp.resolve("tmp"))
        .clock(clock)
        .retries(1, Duration.ofMillis(1))
        .build()
        .runDue()
        .orElseThrow();
    engine =
        new SqlEngine(
            new FederationCatalog(
                client,
                ledger,
                policies,
                clock,
                Duration.ZERO,
                (d, m) -> List.of(),
                FederationCatalog.DEFAULT_METADATA_LIMIT));
  }

  private static List<Place> places(String sql) {
    return engine.explain(sql).parts().stream().map(SqlExplanation.Part::place).toList();
  }

  /** The same query over the routed table and over InfluxDB's own. */
  private static void sameAsInfluxDb(String sql) {
    String influxOnly = sql.replace("\"" + db + "\".cpu", "influxdb.\"" + db + "\".cpu");
    List<List<Object>> ours = Rows.of(engine, sql);
    assertEquals(Rows.of(engine, influxOnly), ours, sql);
    assertTrue(!ours.isEmpty(), sql);
  }

  @Test
  void aLongScanOfManySeriesReadsTheLake() {
    String sql =
        "SELECT host, COUNT(v), SUM(v), MIN(v), MAX(v) FROM \""
            + db
            + "\".cpu WHERE \"time\" >= TIMESTAMP"
            + " '2025-05-31 06:00:00' AND \"time\" < TIMESTAMP '2025-05-31 12:00:00' GROUP BY host ORDER BY host";
    SqlExplanation e = engine.explain(sql);
    assertEquals(List.of(Place.LAKE), places(sql), e.plan());
    assertTrue(e.plan().contains("insteadOfInfluxDb"), e.plan());
    sameAsInfluxDb(sql);
    String raw =
        "SELECT \"time\", host, v FROM \""
            + db
            + "\".cpu WHERE \"time\" >= TIMESTAMP '2025-05-31 06:00:00'"
            + " AND \"time\" < TIMESTAMP '2025-05-31 09:00:00' ORDER BY host, \"time\"";
    assertEquals(List.of(Place.LAKE), places(raw));
    sameAsInfluxDb(raw);
  }

  @Test
  void oneSeriesOrAShortRangeStaysOnInfluxDb() {
    String oneHost =
        "SELECT COUNT(v), SUM(v) FROM \""
            + db
            + "\".cpu WHERE host = 'h7' AND \"time\" >= TIMESTAMP"
            + " '2025-05-31 06:00:00' AND \"time\" < TIMESTAMP '2025-05-31 12:00:00'";
    assertEquals(List.of(Place.INFLUXDB), places(oneHost));
    sameAsInfluxDb(oneHost);
    String minute =
        "SELECT COUNT(v) FROM \""
            + db
            + "\".cpu WHERE \"time\" >= TIMESTAMP '2025-05-31 06:00:00'"
            + " AND \"time\" < TIMESTAMP '2025-05-31 06:01:00'";
    assertEquals(List.of(Place.INFLUXDB), places(minute));
  }

  @Test
  void aQueryReachingPastTheLakesCompletePointIsOneInfluxDbRequest() {
    String sql =
        "SELECT host, COUNT(v) FROM \""
            + db
            + "\".cpu WHERE \"time\" >= TIMESTAMP '2025-05-31 06:00:00'"
            + " GROUP BY host ORDER BY host";
    assertEquals(List.of(Place.INFLUXDB), places(sql));
    sameAsInfluxDb(sql);
  }
}
