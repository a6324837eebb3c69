package io.tidewater.federation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tidewater.federation.route.Place;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Plans made once per query shape, run with other time bounds and hosts: for shapes of every query
 * class (ranges, points, inclusive bounds, bucketed aggregates that rollups answer, top-N, joins,
 * open ends) and random bounds on and across every boundary (the lake/InfluxDB split, rollup
 * buckets, the data's ends, empty ranges) and hosts (present, absent, empty, needing escapes), the
 * answer through a reused plan equals a fresh plan's and DuckDB's over a full export.
 */
class ShapeReuseTest {

  private static FederationFixture fixture;
  private static Truth truth;

  /**
   * The fixture's lake and InfluxDB with metadata kept for minutes, as a server keeps it (the
   * fixture's own catalog asks again at every statement, which makes each plan take seconds here).
   */
  private static FederationCatalog catalog;

  private static final DateTimeFormatter LITERAL =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

  /** Bounds chosen among: the split, rollup buckets' edges and insides, the data's ends. */
  private static final List<Instant> POINTS =
      List.of(
          FederationFixture.START.minus(Duration.ofDays(1)),
          FederationFixture.START,
          Instant.parse("2025-05-10T10:00:00Z"),
          Instant.parse("2025-05-10T10:17:23.456Z"),
          Instant.parse("2025-05-12T08:35:00Z"),
          FederationFixture.SPLIT.minus(Duration.ofHours(5)),
          FederationFixture.SPLIT.minus(Duration.ofMinutes(30)).plusMillis(1),
          FederationFixture.SPLIT.minusMillis(1),
          FederationFixture.SPLIT,
          FederationFixture.SPLIT.plusMillis(1),
          FederationFixture.SPLIT.plus(Duration.ofMinutes(127)),
          Instant.parse("2025-05-28T10:00:00Z"),
          Instant.parse("2025-05-29T08:35:00Z"),
          FederationFixture.END,
          FederationFixture.NOW.plus(Duration.ofDays(1)));

  /**
   * Hosts compared with the tag (a parameter of the shape): present ones, an absent one, the empty
   * string (no tag value is '': nothing pushed, another plan) and one needing escapes.
   */
  private static final List<String> HOSTS =
      List.of("'a'", "'b'", "'c'", "'a'", "'c'", "'zz'", "''", "'o''brien \\ ü /x/'");

  /**
   * Shapes: SQL for the engine and for DuckDB, with {from}, {to} and string literals {host},
   * {host2}; ordered or not.
   */
  private record Shape(String name, String calcite, String duck, boolean ordered) {}

  private static final List<Shape> SHAPES =
      List.of(
          new Shape(
              "range",
              "SELECT \"time\", host, usage_user FROM {cpu} WHERE \"time\" >= {from} AND \"time\" < {to}",
              null,
              false),
          new Shape(
              "point",
              "SELECT \"time\", host, usage_user, procs FROM {cpu} WHERE \"time\" = {from}",
              null,
              false),
          new Shape(
              "inclusive bounds",
              "SELECT \"time\", host, usage_system FROM {cpu} WHERE \"time\" BETWEEN {from} AND {to}"
                  + " AND host <> {host}",
              null,
              false),
          new Shape(
              "hourly buckets",
              "SELECT FLOOR(\"time\" TO HOUR), host, COUNT(usage_user), SUM(usage_user),"
                  + " MIN(usage_user), MAX(procs) FROM {cpu} WHERE \"time\" >= {from} AND \"time\" < {to}"
                  + " AND (host = {host} OR {host2} = host) GROUP BY FLOOR(\"time\" TO HOUR), host",
              "SELECT date_trunc('hour', \"time\"), host, COUNT(usage_user), SUM(usage_user),"
                  + " MIN(usage_user), MAX(procs) FROM cpu WHERE \"time\" >= {from} AND \"time\" < {to}"
                  + " AND (host = {host} OR {host2} = host) GROUP BY ALL",
              false),
          new Shape(
              "daily buckets, inclusive end",
              "SELECT FLOOR(\"time\" TO DAY), COUNT(used), MAX(used) FROM {mem}"
                  + " WHERE \"time\" >= {from} AND \"time\" <= {to} GROUP BY FLOOR(\"time\" TO DAY)",
              "SELECT date_trunc('day', \"time\"), COUNT(used), MAX(used) FROM mem"
                  + " WHERE \"time\" >= {from} AND \"time\" <= {to} GROUP BY ALL",
              false),
          new Shape(
              "top-N",
              "SELECT \"time\", usage_user FROM {cpu} WHERE host = {host} AND \"time\" >= {from}"
                  + " AND \"time\" <= {to} ORDER BY \"time\" DESC LIMIT 7",
              null,
              true),
          new Shape(
              "join",
              "SELECT c.\"time\", c.host, c.usage_user, m.used FROM {cpu} c JOIN {mem} m"
                  + " ON c.\"time\" = m.\"time\" AND c.host = m.host"
                  + " WHERE c.\"time\" >= {from} AND c.\"time\" < {to} AND m.host = {host}",
              null,
              false),
          new Shape(
              "a tag absent from some points",
              "SELECT \"time\", host, rack, usage_user FROM {cpu} WHERE \"time\" >= {from}"
                  + " AND \"time\" < {to} AND rack = {rack}",
              null,
              false),
          new Shape(
              "a string compared with a number (runs as written)",
              "SELECT COUNT(*), MIN(\"time\") FROM {cpu} WHERE \"time\" >= {from} AND \"time\" < {to}"
                  + " AND procs = {procs}",
              null,
              false),
          new Shape(
              "open end",
              "SELECT COUNT(*), SUM(usage_user) FROM {cpu} WHERE \"time\" > {from}",
              null,
              false));

  @BeforeAll
  static void setUp() throws Exception {
    fixture = FederationFixture.get();
    truth = new Truth(fixture.truthFolder, fixture.database, List.of("cpu", "mem"));
    catalog =
        new FederationCatalog(
            fixture.client,
            fixture.ledger,
            fixture.policies,
            Clock.fixed(FederationFixture.NOW, ZoneOffset.UTC),
            Duration.ofMinutes(30));
  }

  @AfterAll
  static void tearDown() throws Exception {
    truth.close();
  }

  @Test
  void aReusedPlanAnswersAsAFreshPlanAndTheTruth() throws Exception {
    SqlEngine shaped = new SqlEngine(catalog);
    SqlEngine fresh = new SqlEngine(catalog);
    fresh.planShapes(false);
    Random random = new Random(20261206);
    String db = "\"" + fixture.database + "\"";
    for (Shape shape : SHAPES) {
      for (int i = 0; i < 14; i++) {
        Instant a = POINTS.get(random.nextInt(POINTS.size()));
        Instant b = POINTS.get(random.nextInt(POINTS.size()));
        if (i % 5 != 4 && b.isBefore(a)) { // every fifth pair as drawn: some empty ranges
          Instant swap = a;
          a = b;
          b = swap;
        }
        String from = "TIMESTAMP '" + LITERAL.format(a) + "'";
        String to = "TIMESTAMP '" + LITERAL.format(b) + "'";
        String host = HOSTS.get(random.nextInt(HOSTS.size()));
        String host2 = HOSTS.get(random.nextInt(HOSTS.size()));
        // '' matches no point in SQL (an absent tag is NULL) but every point without one in
        // InfluxQL: never pushed as a value.
        String rack = List.of("'r1'", "'r2'", "''", "'r3'").get(random.nextInt(4));
        String procs = "'" + (120 + random.nextInt(3)) + "'";
        String sql =
            shape
                .calcite()
                .replace("{cpu}", db + ".cpu")
                .replace("{mem}", db + ".mem")
                .replace("{from}", from)
                .replace("{to}", to)
                .replace("{host}", host)
                .replace("{host2}", host2)
                .replace("{rack}", rack)
                .replace("{procs}", procs);
        String duck =
            (shape.duck() != null ? shape.duck() : shape.calcite())
                .replace("{cpu}", "cpu")
                .replace("{mem}", "mem")
                .replace("{from}", from)
                .replace("{to}", to)
                .replace("{host}", host)
                .replace("{host2}", host2)
                .replace("{rack}", rack)
                .replace("{procs}", procs);
        List<List<Object>> expected = truth.query(duck);
        List<List<Object>> reused = rows(shaped, sql);
        List<List<Object>> planned = rows(fresh, sql);
        if (!shape.ordered()) {
          expected.sort(ROWS);
          reused.sort(ROWS);
          planned.sort(ROWS);
        }
        FederatedQueryTest.assertRowsEqual(expected, planned, "fresh plan of " + sql);
        FederatedQueryTest.assertRowsEqual(expected, reused, shape.name() + ": " + sql);
      }
    }
    SqlEngine.PlanReuse counts = shaped.planReuse();
    assertTrue(counts.reused() > SHAPES.size() * 3, "plans reused: " + counts);
    assertTrue(counts.replanned() > 0, "decisions that did not hold re-planned: " + counts);
    assertTrue(
        fresh.planReuse().reused() < counts.reused(), "the fresh engine plans each text anew");
  }

  private static final Comparator<List<Object>> ROWS = Comparator.comparing(Object::toString);

  private static List<List<Object>> rows(SqlEngine engine, String sql) {
    return Rows.normalized(engine, sql);
  }

  /** A host as a parameter is pushed into InfluxQL and the lake scan as its literal was. */
  @Test
  void aHostParameterIsPushedDown() {
    SqlEngine engine = new SqlEngine(catalog);
    String db = "\"" + fixture.database + "\"";
    SqlExplanation plan =
        engine.explain(
            "SELECT \"time\", usage_user FROM "
                + db
                + ".cpu WHERE host = ? AND \"time\" >= ? ORDER BY \"time\" DESC LIMIT 1");
    // Explained without values: the parameter is shown where each run's value goes.
    assertTrue(
        plan.parts().stream()
            .anyMatch(p -> p.place() == Place.INFLUXDB && p.pushed().contains("\"host\" = ?0")),
        plan.plan());
    assertTrue(plan.plan().contains("tags=[[\"host\" IN (?0)]]"), plan.plan());
  }

  /** EXPLAIN names the shape, its values, and whether a kept plan would run the statement. */
  @Test
  void explainShowsTheShapeAndWhetherAPlanIsKept() {
    SqlEngine engine = new SqlEngine(catalog);
    String db = "\"" + fixture.database + "\"";
    String template =
        "SELECT COUNT(*) FROM "
            + db
            + ".cpu WHERE \"time\" >= TIMESTAMP '%s' AND \"time\" < TIMESTAMP '%s'";
    String lake = template.formatted("2025-05-10 10:00:00", "2025-05-10 12:00:00");
    String lakeToo = template.formatted("2025-05-11 09:30:00", "2025-05-11 10:45:00");
    String acrossTheSplit = template.formatted("2025-05-21 22:00:00", "2025-05-22 02:00:00");
    SqlExplanation before = engine.explain(lake);
    assertTrue(before.shape().contains("?"), before.shape());
    assertEquals(List.of("2025-05-10T10:00:00Z", "2025-05-10T12:00:00Z"), before.parameters());
    assertFalse(before.planKept(), "nothing planned yet");
    rows(engine, lake);
    assertTrue(engine.explain(lakeToo).planKept(), "the same shape in the lake: its plan fits");
    assertFalse(
        engine.explain(acrossTheSplit).planKept(), "across the split: the lake-only plan does not");
    assertEquals(before.shape(), engine.explain(acrossTheSplit).shape());
  }
}
