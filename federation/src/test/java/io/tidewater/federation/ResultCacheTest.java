package io.tidewater.federation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tidewater.lifecycle.lake.WindowVersion;
import io.tidewater.policy.Durations;
import io.tidewater.policy.Resolution;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Results are reused while what they were computed from holds, and never for the last minutes
 * before now.
 */
class ResultCacheTest {

  private FederationFixture f;
  private SqlEngine engine;
  private String table;

  @BeforeEach
  void setUp() {
    f = FederationFixture.get();
    engine =
        new SqlEngine(
            f.catalog,
            new ResultCache.Settings(
                100, 1000, Duration.ofSeconds(30), Duration.ofMinutes(10), Duration.ofMinutes(5)));
    table = "\"" + f.database + "\".cpu";
  }

  /**
   * Results are weighed in bytes, not only counted: large ones push others out within the byte
   * budget, and the entry bound still holds for small ones.
   */
  @Test
  void resultsAreBoundedInBytesAndInCount() {
    ResultCache cache =
        new ResultCache(
            new ResultCache.Settings(
                10, 100_000, Duration.ofMinutes(1), Duration.ofMinutes(1), Duration.ZERO, 100_000));
    List<Object[]> big = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      big.add(new Object[] {"host-" + i, (long) i, 0.5 * i}); // about 130 bytes a row
    }
    long bigBytes = ResultCache.bytes(big);
    assertTrue(bigBytes > 20_000 && bigBytes < 50_000, "estimate " + bigBytes);
    for (int i = 0; i < 20; i++) {
      cache.put("big " + i, entry(big));
    }
    assertTrue(cache.size() * bigBytes <= 100_000, cache.size() + " big results kept");
    for (int i = 0; i < 50; i++) {
      cache.put("small " + i, entry(Collections.singletonList(new Object[] {1L})));
    }
    assertTrue(cache.size() <= 10, cache.size() + " results kept");
  }

  private static ResultCache.Entry entry(List<Object[]> rows) {
    return new ResultCache.Entry(
        List.of(), rows, List.of(), System.nanoTime() + Duration.ofMinutes(1).toNanos(), List.of());
  }

  @Test
  void aLakeResultIsReusedUntilItsMeasurementChanges() {
    String sql =
        "SELECT host, COUNT(*), SUM(usage_user) FROM "
            + table
            + " WHERE \"time\" >= TIMESTAMP '2025-05-10 00:00:00' AND \"time\" < TIMESTAMP '2025-05-11 00:00:00' GROUP BY host";
    Run first = run(sql);
    Run second = run(sql);
    assertFalse(first.fromCache);
    assertTrue(second.fromCache);
    assertEquals(3, second.rows.size());
    for (int i = 0; i < 3; i++) {
      assertArrayEquals(first.rows.get(i), second.rows.get(i));
    }
    engine.cache().invalidate(f.database, "mem");
    assertTrue(run(sql).fromCache, "another measurement changed");
    engine.cache().invalidate(f.database, "cpu");
    assertFalse(run(sql).fromCache, "its measurement changed");
    assertTrue(run(sql).fromCache);
    assertEquals(3, engine.cache().hits());
  }

  @Test
  void sqlTextsPlannedAlikeShareOneResult() {
    String sql =
        "SELECT host, COUNT(*) AS n, MAX(usage_user) FROM "
            + table
            + " WHERE \"time\" >= TIMESTAMP '2025-05-10 00:00:00' AND \"time\" < TIMESTAMP '2025-05-11 00:00:00' GROUP BY host";
    String respelled =
        "select host,\n  count(*) as n, max(usage_user)\nfrom "
            + table
            + "\nwhere \"time\" < timestamp"
            + " '2025-05-11 00:00:00'  and \"time\" >= timestamp '2025-05-10 00:00:00'\ngroup by host";
    Run first = run(sql);
    assertFalse(first.fromCache);
    Run second = run(respelled);
    assertTrue(second.fromCache, "the same plan: its result is reused without running it");
    assertEquals(first.rows.size(), second.rows.size());
    for (int i = 0; i < first.rows.size(); i++) {
      assertArrayEquals(first.rows.get(i), second.rows.get(i));
    }
    assertFalse(run(sql.replace(" AS n", " AS m")).fromCache, "other column names");
    assertFalse(run(sql.replace("2025-05-11", "2025-05-12")).fromCache, "another range");
    assertFalse(run(sql.replace("MAX(", "MIN(")).fromCache, "another aggregate");
    // Tag conditions the lake scan takes whole: a list of values and one value with a comma in it.
    String two = sql.replace(" GROUP BY", " AND host IN ('a', 'b') GROUP BY");
    String oneWithComma = sql.replace(" GROUP BY", " AND host = 'a, b' GROUP BY");
    assertEquals(2, run(two).rows.size());
    Run none = run(oneWithComma);
    assertFalse(none.fromCache);
    assertEquals(0, none.rows.size());
    assertEquals(1, engine.cache().hits());
    assertEquals(6, engine.cache().misses());
    // Each text now finds the result without planning, until the measurement changes.
    assertTrue(run(respelled).fromCache);
    engine.dataChanged(f.database, "cpu");
    assertFalse(run(respelled).fromCache);
    assertTrue(run(sql).fromCache);
  }

  @Test
  void theLakePartOfAResultInfluxDbAnsweredPartOfIsReusedUntilItsWindowsChange() {
    // Results InfluxDB answered part of expire at once here; the lake part's answer is kept.
    SqlEngine expiring =
        new SqlEngine(
            f.catalog,
            new ResultCache.Settings(
                100, 1000, Duration.ZERO, Duration.ofMinutes(10), Duration.ofMinutes(5)));
    String sql =
        "SELECT host, COUNT(*), SUM(usage_user) FROM "
            + table
            + " WHERE \"time\" >= TIMESTAMP '2025-05-10 00:00:00' AND \"time\" < TIMESTAMP '2025-05-29 00:00:00' GROUP BY host";
    assertTrue(
        expiring.explain(sql).parts().stream().map(SqlExplanation.Part::place).distinct().count()
            == 2,
        "the query reads both places");
    Run first = run(expiring, sql);
    Run second = run(expiring, sql);
    assertFalse(second.fromCache, "InfluxDB's part is asked again");
    assertEquals(1, expiring.lakeParts().hits());
    assertRowsEqual(first.rows, second.rows);
    // A new version of a window the lake part read (here the same files restated) is read again.
    WindowVersion w =
        f.ledger.windows(f.database, "cpu", Resolution.RAW).stream()
            .filter(v -> v.windowStart() >= nanos("2025-05-12T00:00:00Z"))
            .findFirst()
            .orElseThrow();
    f.ledger.restate(w, w.files(), Instant.now());
    expiring.dataChanged(f.database, "cpu", new TimeRange(w.windowStart(), w.windowEnd()));
    assertRowsEqual(first.rows, run(expiring, sql).rows);
    assertEquals(1, expiring.lakeParts().hits(), "the lake part was computed again");
    assertRowsEqual(first.rows, run(expiring, sql).rows);
    assertEquals(2, expiring.lakeParts().hits());
  }

  private static void assertRowsEqual(List<Object[]> expected, List<Object[]> actual) {
    assertEquals(expected.size(), actual.size());
    for (int i = 0; i < expected.size(); i++) {
      assertArrayEquals(expected.get(i), actual.get(i));
    }
  }

  @Test
  void aLakeCommitDropsOnlyTheResultsThatReadItsWindowFromTheLake() {
    String tenth =
        "SELECT host, COUNT(*) FROM "
            + table
            + " WHERE \"time\" >= TIMESTAMP '2025-05-10 00:00:00' AND \"time\" < TIMESTAMP '2025-05-11 00:00:00' GROUP BY host";
    String twelfth =
        "SELECT host, COUNT(*) FROM "
            + table
            + " WHERE \"time\" >= TIMESTAMP '2025-05-12 00:00:00' AND \"time\" < TIMESTAMP '2025-05-13 00:00:00' GROUP BY host";
    String lakeTable =
        "SELECT COUNT(*) FROM lake.\""
            + f.database
            + "\".cpu"
            + " WHERE \"time\" >= TIMESTAMP '2025-05-10 05:30:00' AND \"time\" < TIMESTAMP '2025-05-10 07:00:00'";
    String inInflux =
        "SELECT COUNT(*) FROM "
            + table
            + " WHERE \"time\" >= TIMESTAMP '2025-05-28 00:00:00' AND \"time\" < TIMESTAMP '2025-05-29 00:00:00'";
    for (String sql : List.of(tenth, twelfth, lakeTable, inInflux)) {
      run(sql);
      assertTrue(run(sql).fromCache, sql);
    }
    engine.dataChanged(
        f.database,
        "cpu",
        new TimeRange(nanos("2025-05-10T06:00:00Z"), nanos("2025-05-10T07:00:00Z")));
    assertFalse(run(tenth).fromCache, "it read the committed window from the lake");
    assertFalse(run(lakeTable).fromCache, "it read the committed window from the lake");
    assertTrue(run(twelfth).fromCache, "it read other windows");
    assertTrue(run(inInflux).fromCache, "it read only InfluxDB, whose routes did not change");
    engine.dataChanged(
        f.database,
        "cpu",
        new TimeRange(nanos("2025-05-10T07:00:00Z"), nanos("2025-05-10T08:00:00Z")));
    assertFalse(run(tenth).fromCache);
    assertTrue(run(lakeTable).fromCache, "a window ending where its range ends was not read");
  }

  private static long nanos(String instant) {
    return Durations.epochNanos(Instant.parse(instant));
  }

  @Test
  void anInfluxDbResultOfThePastIsReusedButNotTheLastMinutes() {
    String past =
        "SELECT COUNT(*) FROM "
            + table
            + " WHERE \"time\" >= TIMESTAMP '2025-05-28 00:00:00' AND \"time\" < TIMESTAMP '2025-05-29 00:00:00'";
    run(past);
    assertTrue(run(past).fromCache);
    // Open-ended: reaches now, where points are still arriving.
    String recent =
        "SELECT COUNT(*) FROM " + table + " WHERE \"time\" >= TIMESTAMP '2025-05-31 00:00:00'";
    run(recent);
    assertFalse(run(recent).fromCache);
    String now = "SELECT COUNT(*) FROM " + table + " WHERE \"time\" < CURRENT_TIMESTAMP";
    run(now);
    assertFalse(run(now).fromCache);
  }

  @Test
  void largeResultsAreNotKept() {
    String sql = "SELECT * FROM " + table + " WHERE \"time\" < TIMESTAMP '2025-05-10 00:00:00'";
    assertTrue(run(sql).rows.size() > 1000);
    assertFalse(run(sql).fromCache);
  }

  private record Run(List<Object[]> rows, boolean fromCache) {}

  private Run run(String sql) {
    return run(engine, sql);
  }

  private static Run run(SqlEngine engine, String sql) {
    List<Object[]> rows = new ArrayList<>();
    try (SqlResult r = engine.query(sql, 1_000_000, Duration.ofSeconds(60))) {
      Object[] row;
      while ((row = r.next()) != null) {
        rows.add(row);
      }
      rows.sort(Comparator.comparing(Arrays::toString));
      return new Run(rows, r.fromCache());
    }
  }
}
