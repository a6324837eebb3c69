package io.tidewater.federation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tidewater.error.ErrorCode;
import io.tidewater.error.TidewaterException;
import io.tidewater.lifecycle.export.ExportJob;
import io.tidewater.lifecycle.influx.InfluxClient;
import io.tidewater.lifecycle.influx.InfluxConnection;
import io.tidewater.lifecycle.lake.Ledger;
import io.tidewater.lifecycle.store.LakeLocation;
import io.tidewater.lifecycle.store.local.LocalLakeStore;
import io.tidewater.policy.PolicySet;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With InfluxDB down, what the lake holds still answers; what only InfluxDB holds fails naming it.
 */
class InfluxOutageTest {

  @Test
  void coldRangesAnswerAndHotRangesNameInfluxDb() throws Exception {
    FederationFixture f = FederationFixture.get();
    String table = "\"" + f.database + "\".cpu";
    String cold =
        "SELECT host, COUNT(*), SUM(usage_user) FROM "
            + table
            + " WHERE \"time\" >= TIMESTAMP '2025-05-05 00:00:00' AND \"time\" < TIMESTAMP '2025-05-20 00:00:00' GROUP BY host";
    List<List<Object>> before = rows(f, cold);
    f.influx.stop();
    try {
      assertEquals(before, rows(f, cold));
      TidewaterException e =
          assertThrows(
              TidewaterException.class,
              () ->
                  rows(
                      f,
                      "SELECT COUNT(*) FROM "
                          + table
                          + " WHERE \"time\" >= TIMESTAMP '2025-05-28 00:00:00'"));
      assertEquals(ErrorCode.INFLUXDB_UNAVAILABLE, e.code());
      assertTrue(e.getMessage().contains("InfluxDB at " + f.influx.url()), e.getMessage());
    } finally {
      f.influx.restart();
    }
    assertEquals(3, before.size());
  }

  @Test
  void aFrozenInfluxDbStopsTheQueryAtItsTimeLimit() {
    FederationFixture f = FederationFixture.get();
    // Metadata remembered for a minute, so planning does not ask the frozen server; its reads give
    // up after 5 s.
    InfluxClient client =
        new InfluxClient(InfluxConnection.of(f.influx.url()).withSilence(Duration.ofSeconds(5)));
    SqlEngine engine =
        new SqlEngine(
            new FederationCatalog(
                client, f.ledger, f.policies, f.catalog.clock(), Duration.ofMinutes(1)),
            ResultCache.Settings.OFF);
    String hot =
        "SELECT host, COUNT(*) FROM \""
            + f.database
            + "\".cpu"
            + " WHERE \"time\" >= TIMESTAMP '2025-05-28 00:00:00' AND \"time\" < TIMESTAMP '2025-05-29 00:00:00' GROUP BY host";
    assertEquals(3, rows(engine, hot, Duration.ofSeconds(30)).size());
    f.influx.freeze();
    long started = System.nanoTime();
    TidewaterException e;
    try {
      e = assertThrows(TidewaterException.class, () -> rows(engine, hot, Duration.ofSeconds(1)));
    } finally {
      f.influx.thaw();
    }
    double waited = (System.nanoTime() - started) / 1e9;
    assertEquals(ErrorCode.QUERY_TIMEOUT, e.code(), e.getMessage());
    assertTrue(
        e.getMessage().contains("waiting for InfluxDB at " + f.influx.url()), e.getMessage());
    assertTrue(
        waited < 4,
        "stopped at its 1 s limit, not at InfluxDB's 5 s silence limit: " + waited + " s");
    assertEquals(3, rows(engine, hot, Duration.ofSeconds(30)).size(), "thawed: answers again");
  }

  @Test
  void aFrozenInfluxDbDoesNotHoldQueriesTheLakeAnswers() {
    FederationFixture f = FederationFixture.get();
    // Metadata asked for at every query (no TTL), and waited for at most 2 s.
    SqlEngine engine =
        new SqlEngine(
            new FederationCatalog(
                f.client,
                f.ledger,
                f.policies,
                f.catalog.clock(),
                Duration.ZERO,
                (d, m) -> List.of(),
                Duration.ofSeconds(2)),
            ResultCache.Settings.OFF);
    String table = "\"" + f.database + "\".cpu";
    String cold =
        "SELECT host, COUNT(*), SUM(usage_user) FROM "
            + table
            + " WHERE \"time\" >= TIMESTAMP '2025-05-05 00:00:00' AND \"time\" < TIMESTAMP '2025-05-20 00:00:00' GROUP BY host";
    String hot =
        "SELECT COUNT(*) FROM " + table + " WHERE \"time\" >= TIMESTAMP '2025-05-28 00:00:00'";
    List<List<Object>> before = rows(engine, cold, Duration.ofSeconds(30));
    f.influx.freeze();
    double first;
    double second;
    TidewaterException e;
    try {
      long started = System.nanoTime();
      assertEquals(
          before,
          rows(engine, cold, Duration.ofSeconds(30)),
          "the lake's answer, with InfluxDB's last known columns");
      first = (System.nanoTime() - started) / 1e9;
      started = System.nanoTime();
      assertEquals(before, rows(engine, cold, Duration.ofSeconds(30)));
      second = (System.nanoTime() - started) / 1e9;
      e = assertThrows(TidewaterException.class, () -> rows(engine, hot, Duration.ofSeconds(2)));
    } finally {
      f.influx.thaw();
    }
    assertTrue(
        first < 8,
        "planning waited about the 2 s metadata limit, not InfluxDB's 2 min silence limit: "
            + first
            + " s");
    assertTrue(second < 1.5, "the next query does not wait the limit again: " + second + " s");
    assertEquals(ErrorCode.QUERY_TIMEOUT, e.code(), e.getMessage());
    // The limit covers planning too: it may fire while the plan waits for InfluxDB's metadata
    // (then the message cannot name the read it was waiting for).
    assertTrue(
        e.getMessage().contains("InfluxDB at " + f.influx.url())
            || e.getMessage().contains("longer than its time limit"),
        e.getMessage());
    assertEquals(before, rows(engine, cold, Duration.ofSeconds(30)), "thawed");
  }

  @Test
  void whatPlanningMadeWithoutInfluxDbIsNotKeptOnceItAnswersAgain() throws InterruptedException {
    FederationFixture f = FederationFixture.get();
    String db = f.influx.newDatabase("late");
    f.influx.write(db, "fresh,host=a v=1.5 1748390400000000000\n");
    // Metadata kept an hour once InfluxDB has given it.
    SqlEngine engine =
        new SqlEngine(
            new FederationCatalog(
                f.client,
                f.ledger,
                f.policies,
                f.catalog.clock(),
                Duration.ofHours(1),
                (d, m) -> List.of(),
                Duration.ofSeconds(1)),
            ResultCache.Settings.OFF);
    String sql = "SELECT COUNT(*), SUM(v) FROM \"" + db + "\".fresh";
    f.influx.freeze();
    TidewaterException e;
    try {
      e = assertThrows(TidewaterException.class, () -> rows(engine, sql, Duration.ofSeconds(10)));
    } finally {
      f.influx.thaw();
    }
    assertEquals(ErrorCode.NOT_FOUND, e.code(), e.getMessage());
    Thread.sleep(
        1_200); // InfluxDB is not asked again for the metadata limit after it failed to answer
    assertEquals(List.of(List.of(1L, 1.5)), rows(engine, sql, Duration.ofSeconds(10)));
  }

  @TempDir Path temp;

  @Test
  void aResultCachedWhileInfluxDbDidNotAnswerIsNotReusedOnceItsColumnsAreKnown()
      throws InterruptedException {
    FederationFixture f = FederationFixture.get();
    String db = f.influx.newDatabase("evolve");
    StringBuilder lp = new StringBuilder();
    Instant start = Instant.parse("2025-03-01T00:00:00Z");
    for (int i = 0; i < 2 * 24 * 60; i++) {
      lp.append("cpu,host=a v=")
          .append(i % 7)
          .append(".5 ")
          .append(start.plusSeconds(60L * i).getEpochSecond())
          .append("000000000\n");
    }
    f.influx.write(db, lp.toString());
    Clock clock = Clock.fixed(Instant.parse("2025-03-03T00:30:00Z"), ZoneOffset.UTC);
    PolicySet policies =
        PolicySet.parse(
            List.of(
                Map.entry(
                    "e.yaml",
                    """
        name: evolve
        source: { database: %s, measurements: [cpu] }
        window: 1h
        settle: 5m
        tiers:
          hot: { keep: 1d }
          warm: { after: 1d }
        """
                        .formatted(db))));
    Ledger ledger = new Ledger(new LocalLakeStore(new LakeLocation.Local(temp)));
    ExportJob.builder(policies.policies().get(0), f.client, ledger)
        .stagingDir(temp.resolve("tmp"))
        .clock(clock)
        .retries(1, Duration.ofMillis(1))
        .build()
        .runDue()
        .orElseThrow();
    // A field the lake has never seen, written after the export (InfluxDB's range).
    f.influx.write(db, "cpu,host=a v=1.5,w=2i 1740916800000000000\n");
    SqlEngine engine =
        new SqlEngine(
            new FederationCatalog(
                f.client,
                ledger,
                policies,
                clock,
                Duration.ofHours(1),
                (d, m) -> List.of(),
                Duration.ofSeconds(1)),
            ResultCache.Settings.DEFAULT);
    String lakeOnly =
        "SELECT * FROM \""
            + db
            + "\".cpu WHERE \"time\" >= TIMESTAMP '2025-03-01 00:00:00'"
            + " AND \"time\" < TIMESTAMP '2025-03-01 01:00:00'";
    List<String> during;
    f.influx.freeze();
    try {
      during = columns(engine, lakeOnly);
    } finally {
      f.influx.thaw();
    }
    assertEquals(
        List.of("time", "host", "v"), during, "the lake's columns while InfluxDB does not answer");
    Thread.sleep(
        1_200); // InfluxDB is not asked again for the metadata limit after it failed to answer
    assertEquals(List.of("time", "host", "v", "w"), columns(engine, lakeOnly));
  }

  private static List<String> columns(SqlEngine engine, String sql) {
    try (SqlResult r = engine.query(sql, 1000, Duration.ofSeconds(30))) {
      int rows = 0;
      while (r.next() != null) {
        rows++;
      }
      assertEquals(60, rows);
      return r.columns().stream().map(SqlColumn::name).toList();
    }
  }

  @Test
  void aWaitForMetadataOfZeroIsRefused() {
    FederationFixture f = FederationFixture.get();
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new FederationCatalog(
                    f.client,
                    f.ledger,
                    f.policies,
                    f.catalog.clock(),
                    Duration.ZERO,
                    (d, m) -> List.of(),
                    Duration.ZERO));
    assertTrue(e.getMessage().contains("must be longer than zero, not PT0S"), e.getMessage());
  }

  private static List<List<Object>> rows(FederationFixture f, String sql) {
    return rows(f.engine, sql, Duration.ofSeconds(30));
  }

  private static List<List<Object>> rows(SqlEngine engine, String sql, Duration timeout) {
    List<List<Object>> rows = new ArrayList<>();
    try (SqlResult r = engine.query(sql, 1000, timeout)) {
      Object[] row;
      while ((row = r.next()) != null) {
        rows.add(List.of(row));
      }
    }
    rows.sort(Comparator.comparing(Object::toString));
    return rows;
  }
}
