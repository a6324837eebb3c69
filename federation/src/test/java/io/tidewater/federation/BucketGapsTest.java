package io.tidewater.federation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tidewater.lifecycle.influx.InfluxClient;
import io.tidewater.lifecycle.influx.InfluxConnection;
import io.tidewater.lifecycle.lake.Ledger;
import io.tidewater.lifecycle.store.LakeLocation;
import io.tidewater.lifecycle.store.local.LocalLakeStore;
import io.tidewater.policy.PolicySet;
import io.tidewater.testing.InfluxServer;
import io.tidewater.testing.TestServers;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bucketed aggregate over InfluxDB keeps SQL's groups where the aggregated field has no values
 * but other fields do (InfluxDB's fill(none) leaves those buckets out; the gateway sends the
 * aggregate alone and looks for missing buckets after it). The truth is computed here from the
 * points written.
 */
class BucketGapsTest {

  private static final long T0 = Instant.parse("2025-03-01T00:00:00Z").toEpochMilli();
  private static final long MINUTE = 60_000;

  @TempDir static Path temp;

  private static SqlEngine engine;
  private static StatementLog sent;
  private static String table;
  private static String db;
  private static final List<Point> POINTS = new ArrayList<>();

  /** A written point: {@code a} or {@code b} null where the point lacks the field. */
  private record Point(long millis, String host, Double a, Double b) {}

  @BeforeAll
  static void load() throws IOException {
    InfluxServer influx = TestServers.influx();
    db = influx.newDatabase("gaps");
    StringBuilder lp = new StringBuilder();
    for (long t = T0; t < T0 + 120 * MINUTE; t += 10_000) {
      long minute = (t - T0) / MINUTE;
      if (minute == 60 || minute == 61) {
        continue; // no points at all: no group in SQL either
      }
      for (String host : List.of("h1", "h2")) {
        // Field a is missing at the range's first minute, in the middle (30-31, 90) and at its last
        // minute.
        boolean noA =
            minute == 0
                || minute == 30
                || minute == 31
                || minute == 90
                || minute == 119
                || host.equals("h2") && minute == 45;
        Double a = noA ? null : ((t / 10_000) % 17) * 0.25;
        Double b = ((t / 10_000) % 5) * 0.5;
        POINTS.add(new Point(t, host, a, b));
        lp.append("m,host=").append(host).append(' ');
        if (a != null) {
          lp.append("a=").append(a).append(',');
        }
        lp.append("b=").append(b).append(' ').append(t).append("000000\n");
      }
    }
    influx.write(db, lp.toString());
    sent = new StatementLog(influx.url());
    FederationCatalog catalog =
        new FederationCatalog(
            new InfluxClient(InfluxConnection.of(sent.url())),
            new Ledger(new LocalLakeStore(new LakeLocation.Local(temp))),
            PolicySet.parse(List.of()),
            Clock.systemUTC(),
            Duration.ZERO);
    engine = new SqlEngine(catalog);
    table = "\"" + db + "\".m";
  }

  private static String range(int fromMinute, int toMinute) {
    return "\"time\" >= TIMESTAMP '"
        + ts(T0 + fromMinute * MINUTE)
        + "' AND \"time\" < TIMESTAMP '"
        + ts(T0 + toMinute * MINUTE)
        + "'";
  }

  private static String ts(long millis) {
    return Instant.ofEpochMilli(millis).toString().replace('T', ' ').replace("Z", "");
  }

  /** Per minute of the points kept by {@code keep}: [minute start, COUNT(a), SUM(a), MAX(a)]. */
  private static List<List<Object>> truth(Predicate<Point> keep) {
    List<List<Object>> rows = truthWithB(keep);
    rows.forEach(r -> r.remove(4));
    return rows;
  }

  /**
   * Per minute of the points kept by {@code keep}: [minute start, COUNT(a), SUM(a), MAX(a),
   * COUNT(b)].
   */
  private static List<List<Object>> truthWithB(Predicate<Point> keep) {
    Map<Long, List<Point>> byMinute = new TreeMap<>();
    POINTS.stream()
        .filter(keep)
        .forEach(
            p ->
                byMinute
                    .computeIfAbsent(p.millis() - p.millis() % MINUTE, k -> new ArrayList<>())
                    .add(p));
    List<List<Object>> rows = new ArrayList<>();
    byMinute.forEach(
        (minute, ps) -> {
          List<Double> as = ps.stream().map(Point::a).filter(v -> v != null).toList();
          rows.add(
              new ArrayList<>(
                  Arrays.asList(
                      minute,
                      (long) as.size(),
                      as.isEmpty() ? null : as.stream().mapToDouble(Double::doubleValue).sum(),
                      as.isEmpty()
                          ? null
                          : as.stream().mapToDouble(Double::doubleValue).max().getAsDouble(),
                      ps.stream().filter(p -> p.b() != null).count())));
        });
    return rows;
  }

  private static boolean within(Point p, int fromMinute, int toMinute) {
    return p.millis() >= T0 + fromMinute * MINUTE && p.millis() < T0 + toMinute * MINUTE;
  }

  private static List<List<Object>> answer(String sql) {
    List<List<Object>> rows = new ArrayList<>();
    for (List<Object> row : Rows.of(engine, sql)) {
      List<Object> r = new ArrayList<>(row);
      r.set(0, ((Instant) r.get(0)).toEpochMilli());
      rows.add(r);
    }
    return rows;
  }

  private static List<List<Object>> sorted(List<List<Object>> rows) {
    List<List<Object>> s = new ArrayList<>(rows);
    s.sort(Comparator.comparing(r -> (Long) r.get(0)));
    return s;
  }

  private static String perMinute(String where) {
    return "SELECT FLOOR(\"time\" TO MINUTE) AS mi, COUNT(a), SUM(a), MAX(a) FROM "
        + table
        + " WHERE "
        + where
        + " GROUP BY FLOOR(\"time\" TO MINUTE)";
  }

  @Test
  void bucketsWithoutTheAggregatedFieldAreGroupsWithEmptyAggregates() {
    List<List<Object>> truth = truth(p -> within(p, 0, 120));
    assertEquals(118, truth.size()); // minutes 60 and 61 have no points
    assertTrue(
        truth.contains(Arrays.asList(T0, 0L, null, null)), "the truth has a bucket without a");
    assertEquals(truth, sorted(answer(perMinute(range(0, 120)))));
    // One host: its own gap at minute 45; another host's points do not make a group.
    assertEquals(
        truth(p -> p.host().equals("h2") && within(p, 40, 50)),
        sorted(answer(perMinute("host = 'h2' AND " + range(40, 50)))));
    // A range that starts inside a minute: that minute's bucket holds only the range's part.
    assertEquals(
        truth(p -> p.millis() >= T0 + 29 * MINUTE + 30_000 && within(p, 0, 33)),
        sorted(
            answer(
                perMinute(
                    "\"time\" >= TIMESTAMP '"
                        + ts(T0 + 29 * MINUTE + 30_000)
                        + "' AND \"time\" < TIMESTAMP '"
                        + ts(T0 + 33 * MINUTE)
                        + "'"))));
  }

  @Test
  void aRangeOpenAtItsEndAndAFieldConditionKeepTheGroups() {
    assertEquals(
        truth(p -> p.millis() >= T0 + 85 * MINUTE),
        sorted(answer(perMinute("\"time\" >= TIMESTAMP '" + ts(T0 + 85 * MINUTE) + "'"))));
    assertEquals(
        truth(p -> within(p, 25, 35) && p.b() != null && p.b() > 0.75),
        sorted(answer(perMinute(range(25, 35) + " AND b > 0.75"))));
  }

  @Test
  void orderAndLimitHoldOverTheBucketsPutBack() {
    List<List<Object>> truth = truth(p -> within(p, 0, 120));
    assertEquals(truth, answer(perMinute(range(0, 120)) + " ORDER BY mi"));
    assertEquals(truth.subList(0, 3), answer(perMinute(range(0, 120)) + " ORDER BY mi LIMIT 3"));
    List<List<Object>> newestFirst = new ArrayList<>(truth);
    Collections.reverse(newestFirst);
    assertEquals(
        newestFirst.subList(0, 4), answer(perMinute(range(0, 120)) + " ORDER BY mi DESC LIMIT 4"));
    assertEquals(
        newestFirst.subList(0, 35),
        answer(perMinute(range(0, 120)) + " ORDER BY mi DESC LIMIT 35"));
    assertEquals(newestFirst, answer(perMinute(range(0, 120)) + " ORDER BY mi DESC"));
    // With every field aggregated the one query has every group; InfluxDB applies LIMIT to each
    // field before joining them, so its rows past the limit lack values and must not be read.
    assertEquals(
        truthWithB(p -> within(p, 0, 120)).subList(0, 3),
        answer(
            perMinute(range(0, 120)).replace(" FROM ", ", COUNT(b) FROM ")
                + " ORDER BY mi LIMIT 3"));
  }

  @AfterAll
  static void stop() {
    sent.close();
  }

  /** The answer of {@code sql} and the SELECT statements it sent to InfluxDB. */
  private static List<String> statementsOf(String sql, List<List<Object>> truth, boolean ordered) {
    sent.takeSelects();
    List<List<Object>> rows = answer(sql);
    assertEquals(truth, ordered ? rows : sorted(rows), sql);
    return sent.takeSelects();
  }

  private static long nanos(int minute) {
    return (T0 + minute * MINUTE) * 1_000_000L;
  }

  @Test
  void thePresenceQueryIsSentOnlyWhereTheAnswerLeavesBucketsUnknownAndOnlyFromThere() {
    // Every minute of 2-29 has a: the aggregate alone.
    List<String> dense = statementsOf(perMinute(range(2, 29)), truth(p -> within(p, 2, 29)), false);
    assertEquals(1, dense.size(), dense.toString());
    assertFalse(dense.get(0).contains("\"b\""), dense.get(0));
    // Minutes 30 and 31 lack a: the presence query starts at minute 30.
    List<String> middle =
        statementsOf(perMinute(range(25, 35)), truth(p -> within(p, 25, 35)), false);
    assertEquals(2, middle.size(), middle.toString());
    assertTrue(middle.get(1).startsWith("SELECT count(\"b\"::field) FROM"), middle.get(1));
    assertTrue(
        middle.get(1).contains("time >= " + nanos(30) + " AND time < " + nanos(35)), middle.get(1));
    // Only the range's last minute lacks a.
    List<String> end =
        statementsOf(perMinute(range(100, 120)), truth(p -> within(p, 100, 120)), false);
    assertEquals(2, end.size(), end.toString());
    assertTrue(
        end.get(1).contains("time >= " + nanos(119) + " AND time < " + nanos(120)), end.get(1));
    // No minute of the range has a: InfluxDB answers no rows, and the presence query covers it all.
    List<List<Object>> none = truth(p -> within(p, 30, 32));
    assertEquals(
        List.of(
            Arrays.asList(T0 + 30 * MINUTE, 0L, null, null),
            Arrays.asList(T0 + 31 * MINUTE, 0L, null, null)),
        none);
    List<String> empty = statementsOf(perMinute(range(30, 32)), none, false);
    assertEquals(2, empty.size(), empty.toString());
    assertTrue(
        empty.get(1).contains("time >= " + nanos(30) + " AND time < " + nanos(32)), empty.get(1));
  }

  @Test
  void aRangeOpenAtAnEndIsAskedForPresenceOnlyBeyondTheAnswersBucketsThere() {
    // Open end, oldest first: the presence query starts after the answer's last bucket (118).
    List<String> after =
        statementsOf(
            perMinute("\"time\" >= TIMESTAMP '" + ts(T0 + 100 * MINUTE) + "'") + " ORDER BY mi",
            truth(p -> p.millis() >= T0 + 100 * MINUTE),
            true);
    assertEquals(2, after.size(), after.toString());
    assertTrue(
        after.get(1).contains("time >= " + nanos(119) + " AND time < 9223372036854775806"),
        after.get(1));
    // Open end, newest first: the buckets newer than the answer's first come first, read no further
    // than LIMIT.
    List<List<Object>> newestFirst = new ArrayList<>(truth(p -> p.millis() >= T0 + 100 * MINUTE));
    Collections.reverse(newestFirst);
    String newest =
        perMinute("\"time\" >= TIMESTAMP '" + ts(T0 + 100 * MINUTE) + "'")
            + " ORDER BY mi DESC LIMIT 3";
    assertTrue(
        engine.explain(newest).parts().get(0).pushed().contains("ORDER BY time DESC LIMIT 3;"),
        engine.explain(newest).parts().get(0).pushed());
    List<String> before = statementsOf(newest, newestFirst.subList(0, 3), true);
    assertEquals(2, before.size(), before.toString());
    assertTrue(
        before.get(1).contains("time >= " + nanos(119) + " AND time < 9223372036854775806"),
        before.get(1));
    assertTrue(before.get(1).endsWith("ORDER BY time DESC LIMIT 3"), before.get(1));
    // Open start, oldest first: minute 0 (no a) comes before the answer's first bucket.
    List<String> start =
        statementsOf(
            perMinute("\"time\" < TIMESTAMP '" + ts(T0 + 5 * MINUTE) + "'")
                + " ORDER BY mi LIMIT 2",
            truth(p -> p.millis() < T0 + 5 * MINUTE).subList(0, 2),
            true);
    assertEquals(2, start.size(), start.toString());
    assertTrue(
        start.get(1).contains("time >= -9223372036854775806 AND time < " + nanos(1)), start.get(1));
    assertTrue(start.get(1).endsWith(" LIMIT 2"), start.get(1));
  }

  @Test
  void newestFirstOverARangeStartingAndEndingInsideBucketsKeepsTheGroups() {
    long from = T0 + 29 * MINUTE + 30_000;
    long to = T0 + 33 * MINUTE + 20_000;
    List<List<Object>> newestFirst =
        new ArrayList<>(truth(p -> p.millis() >= from && p.millis() < to));
    Collections.reverse(newestFirst);
    String where =
        "\"time\" >= TIMESTAMP '" + ts(from) + "' AND \"time\" < TIMESTAMP '" + ts(to) + "'";
    List<String> statements =
        statementsOf(perMinute(where) + " ORDER BY mi DESC", newestFirst, true);
    assertEquals(2, statements.size(), statements.toString());
    // Minutes 33, 32 came; the presence query starts at the missing minute 31.
    assertTrue(
        statements.get(1).contains("time >= " + from * 1_000_000L + " AND time < " + nanos(32)),
        statements.get(1));
  }

  @Test
  void explainShowsTheAggregateAloneAndTheGapQuery() {
    String pushed =
        engine
            .explain(
                "SELECT FLOOR(\"time\" TO MINUTE), COUNT(a), SUM(a) FROM "
                    + table
                    + " WHERE "
                    + range(0, 120)
                    + " GROUP BY FLOOR(\"time\" TO MINUTE)")
            .parts()
            .get(0)
            .pushed();
    assertTrue(pushed.contains(";"), pushed);
    String first = pushed.substring(0, pushed.indexOf(';'));
    assertFalse(
        first.contains("\"b\""), "InfluxDB is not asked for b in the aggregate itself: " + pushed);
    assertTrue(
        pushed.contains("only over the part of the range its answer leaves unknown"), pushed);
    assertTrue(
        pushed.substring(pushed.indexOf(';')).contains("SELECT count(\"b\"::field) FROM"), pushed);
  }

  @Test
  void tagGroupsAndAggregatesWithoutGroupsStayExact() {
    // With tag groups every other field is still counted in the one query.
    List<List<Object>> rows =
        Rows.of(
            engine,
            "SELECT host, COUNT(a), COUNT(b) FROM "
                + table
                + " WHERE "
                + range(30, 32)
                + " GROUP BY host");
    rows.sort(Comparator.comparing(r -> (String) r.get(0)));
    assertEquals(List.of(List.of("h1", 0L, 12L), List.of("h2", 0L, 12L)), rows);
    // Without groups SQL answers one row, whatever InfluxDB leaves out.
    assertEquals(
        List.of(Arrays.asList(0L, null, 24L)),
        Rows.of(
            engine, "SELECT COUNT(a), SUM(a), COUNT(b) FROM " + table + " WHERE " + range(30, 32)));
    assertEquals(
        List.of(Arrays.asList(0L, null)),
        Rows.of(engine, "SELECT COUNT(a), MAX(a) FROM " + table + " WHERE " + range(30, 32)));
  }

  @Test
  void firstAndLastByTimeArePushedAsInfluxQlFirstAndLast() {
    String sql =
        "SELECT FLOOR(\"time\" TO MINUTE), ARG_MIN(a, \"time\"), ARG_MAX(a, \"time\") FROM "
            + table
            + " WHERE host = 'h1' AND "
            + range(25, 35)
            + " GROUP BY FLOOR(\"time\" TO MINUTE)";
    String pushed = engine.explain(sql).parts().get(0).pushed();
    assertTrue(pushed.startsWith("SELECT first(\"a\"::field), last(\"a\"::field) FROM"), pushed);
    // The truth: per minute, a at the earliest and latest points having it; NULL where none has.
    Map<Long, List<Point>> byMinute = new TreeMap<>();
    POINTS.stream()
        .filter(p -> p.host().equals("h1") && within(p, 25, 35))
        .forEach(
            p ->
                byMinute
                    .computeIfAbsent(p.millis() - p.millis() % MINUTE, k -> new ArrayList<>())
                    .add(p));
    List<List<Object>> truth = new ArrayList<>();
    byMinute.forEach(
        (minute, ps) -> {
          List<Point> withA =
              ps.stream()
                  .filter(p -> p.a() != null)
                  .sorted(Comparator.comparingLong(Point::millis))
                  .toList();
          truth.add(
              Arrays.asList(
                  minute,
                  withA.isEmpty() ? null : withA.get(0).a(),
                  withA.isEmpty() ? null : withA.get(withA.size() - 1).a()));
        });
    assertTrue(truth.stream().anyMatch(r -> r.get(1) == null), "the range has minutes without a");
    assertEquals(truth, sorted(answer(sql)));
  }
}
