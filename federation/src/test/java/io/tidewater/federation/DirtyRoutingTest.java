package io.tidewater.federation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tidewater.federation.route.Place;
import io.tidewater.lifecycle.export.ExportJob;
import io.tidewater.lifecycle.influx.InfluxClient;
import io.tidewater.lifecycle.influx.InfluxConnection;
import io.tidewater.lifecycle.lake.Ledger;
import io.tidewater.lifecycle.store.LakeLocation;
import io.tidewater.lifecycle.store.local.LocalLakeStore;
import io.tidewater.policy.PolicySet;
import io.tidewater.policy.Window;
import io.tidewater.testing.InfluxServer;
import io.tidewater.testing.TestServers;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A window changed in InfluxDB after its export is answered by InfluxDB until its re-export: the
 * routed table's answer equals InfluxDB's while the window is dirty, with no row counted twice at
 * its edges.
 */
class DirtyRoutingTest {

  @TempDir Path temp;

  /**
   * Three days of cpu exported (the last one hot), an engine whose dirty windows are {@code dirty}.
   */
  private record Exported(
      InfluxServer influx, String db, InfluxClient client, SqlEngine engine, List<Window> dirty) {}

  private Exported exported() {
    InfluxServer influx = TestServers.influx();
    String db = influx.newDatabase("dirty");
    StringBuilder lp = new StringBuilder();
    Instant start = Instant.parse("2025-05-29T00:00:00Z");
    for (int i = 0; i < 3 * 24 * 6; i++) { // three days, a point every 10 minutes
      lp.append("cpu,host=a v=")
          .append(i % 13)
          .append(".5 ")
          .append(start.plusSeconds(600L * i).getEpochSecond())
          .append("000000000\n");
    }
    influx.write(db, lp.toString());
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
    List<Window> dirty = new CopyOnWriteArrayList<>();
    SqlEngine engine =
        new SqlEngine(
            new FederationCatalog(
                client,
                ledger,
                policies,
                clock,
                Duration.ZERO,
                (d, m) -> d.equals(db) && m.equals("cpu") ? List.copyOf(dirty) : List.of(),
                FederationCatalog.DEFAULT_METADATA_LIMIT));
    return new Exported(influx, db, client, engine, dirty);
  }

  @Test
  void aDirtyWindowIsAnsweredByInfluxDbUntilItIsClean() {
    Exported e = exported();
    InfluxServer influx = e.influx();
    String db = e.db();
    InfluxClient client = e.client();
    SqlEngine engine = e.engine();
    List<Window> dirty = e.dirty();
    // A whole lake day, including the hour that is about to change.
    String sql =
        "SELECT COUNT(*), SUM(v) FROM \""
            + db
            + "\".cpu WHERE \"time\" >= TIMESTAMP '2025-05-30 00:00:00'"
            + " AND \"time\" < TIMESTAMP '2025-05-31 00:00:00'";
    double before = truthSum(client, db);
    assertEquals(List.of(List.of(144L, before)), Rows.of(engine, sql));
    assertEquals(List.of(Place.LAKE), places(engine, sql));

    // A late point, and a changed value, arrive in InfluxDB for 10:00-11:00; the lake still has the
    // old window.
    influx.write(
        db, "cpu,host=a v=1000.25 1748599500000000000\ncpu,host=a v=2000.5 1748599200000000000");
    assertEquals(
        List.of(List.of(144L, before)),
        Rows.of(engine, sql),
        "not yet known to be dirty: the lake's (stale) answer");
    dirty.add(
        new Window(Instant.parse("2025-05-30T10:00:00Z"), Instant.parse("2025-05-30T11:00:00Z")));
    // The cached answer above is not reused: the routes it was computed on changed.
    assertEquals(List.of(List.of(145L, truthSum(client, db))), Rows.of(engine, sql));
    assertEquals(List.of(Place.LAKE, Place.INFLUXDB, Place.LAKE), places(engine, sql));
    assertEquals(
        "[2025-05-30T10:00:00Z, 2025-05-30T11:00:00Z)", engine.explain(sql).parts().get(1).range());

    dirty.clear();
    assertEquals(List.of(Place.LAKE), places(engine, sql));
    assertEquals(
        List.of(List.of(144L, before)),
        Rows.of(engine, sql),
        "marked clean (as a re-export would): the lake answers");
  }

  @Test
  void manyDirtyWindowsOutsideTheQuerysRangeAreNotPlanned() {
    Exported e = exported();
    // Every other hour of the first day is dirty: the routed table has dozens of parts.
    for (int h = 0; h < 24; h += 2) {
      Instant from = Instant.parse("2025-05-29T00:00:00Z").plus(Duration.ofHours(h));
      e.dirty().add(new Window(from, from.plus(Duration.ofHours(1))));
    }
    String oneHour =
        "SELECT COUNT(*), SUM(v) FROM \""
            + e.db()
            + "\".cpu WHERE \"time\" >= TIMESTAMP '2025-05-30 10:00:00'"
            + " AND \"time\" < TIMESTAMP '2025-05-30 11:00:00'";
    assertEquals(
        1, e.engine().explain(oneHour).parts().size(), "only the part the query reads is planned");
    List<Object> truth =
        e.client()
            .rows(
                e.db(),
                "SELECT count(v), sum(v) FROM cpu WHERE time >= '2025-05-30T10:00:00Z'"
                    + " AND time < '2025-05-30T11:00:00Z'")
            .get(0);
    assertEquals(
        List.of(
            List.of(((Number) truth.get(1)).longValue(), ((Number) truth.get(2)).doubleValue())),
        Rows.of(e.engine(), oneHour));
    // Ranges that end or start exactly on part edges: the part ending where the query starts is not
    // read.
    String dirtyHour =
        "SELECT COUNT(*) FROM \""
            + e.db()
            + "\".cpu WHERE \"time\" >= TIMESTAMP '2025-05-29 02:00:00'"
            + " AND \"time\" < TIMESTAMP '2025-05-29 03:00:00'";
    assertEquals(List.of(Place.INFLUXDB), places(e.engine(), dirtyHour));
    assertEquals(List.of(List.of(6L)), Rows.of(e.engine(), dirtyHour));
    String twoHours =
        "SELECT COUNT(*) FROM \""
            + e.db()
            + "\".cpu WHERE \"time\" > TIMESTAMP '2025-05-29 00:59:59.999'"
            + " AND \"time\" <= TIMESTAMP '2025-05-29 02:59:59.999'";
    assertEquals(List.of(Place.LAKE, Place.INFLUXDB), places(e.engine(), twoHours));
    assertEquals(List.of(List.of(12L)), Rows.of(e.engine(), twoHours));
    String all = "SELECT COUNT(*), SUM(v) FROM \"" + e.db() + "\".cpu";
    List<Place> parts = places(e.engine(), all);
    assertEquals(
        List.of(Place.INFLUXDB, Place.LAKE, Place.INFLUXDB),
        parts.subList(0, 3),
        "hour 0 is dirty");
    assertEquals(
        25,
        parts.size(),
        "12 dirty hours, the lake between and after them, InfluxDB's hot day: " + parts);
    assertEquals(
        List.of(
            List.of(
                432L,
                ((Number) e.client().rows(e.db(), "SELECT sum(v) FROM cpu").get(0).get(1))
                    .doubleValue())),
        Rows.of(e.engine(), all),
        "the whole time line, across every part, counted once");
  }

  private static double truthSum(InfluxClient client, String db) {
    return ((Number)
            client
                .rows(
                    db,
                    "SELECT sum(v) FROM cpu WHERE time >= '2025-05-30T00:00:00Z' AND time < "
                        + "'2025-05-31T00:00:00Z'")
                .get(0)
                .get(1))
        .doubleValue();
  }

  private static List<Place> places(SqlEngine engine, String sql) {
    return engine.explain(sql).parts().stream()
        .filter(p -> !p.pushed().contains("windows=0"))
        .map(SqlExplanation.Part::place)
        .toList();
  }
}
