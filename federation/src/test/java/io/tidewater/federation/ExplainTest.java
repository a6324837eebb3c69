package io.tidewater.federation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tidewater.federation.route.Place;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** EXPLAIN names each part's place and range and shows exactly what is pushed down. */
class ExplainTest {

  private static FederationFixture f;
  private static String db;

  @BeforeAll
  static void setUp() {
    f = FederationFixture.get();
    db = "\"" + f.database + "\"";
  }

  @Test
  void aRangeAcrossTheSplitReadsBothPlaces() {
    SqlExplanation e =
        f.engine.explain(
            "SELECT \"time\", usage_user FROM "
                + db
                + ".cpu WHERE \"time\" >= TIMESTAMP "
                + "'2025-05-21 00:00:00' AND \"time\" < TIMESTAMP '2025-05-23 00:00:00' AND host = 'a'");
    assertEquals(
        List.of(Place.LAKE, Place.INFLUXDB),
        e.parts().stream().map(SqlExplanation.Part::place).toList(),
        e.plan());
    assertEquals("[2025-05-21T00:00:00Z, 2025-05-22T00:00:00Z)", e.parts().get(0).range());
    assertEquals("[2025-05-22T00:00:00Z, 2025-05-23T00:00:00Z)", e.parts().get(1).range());
    assertEquals(
        "SELECT \"procs\"::field, \"temp\"::field, \"usage_system\"::field, \"usage_user\"::field FROM \""
            + f.database
            + "\"..\"cpu\" WHERE time >= 1747872000000000000 AND time < 1747958400000000000 AND \"host\" = 'a'",
        e.parts().get(1).pushed());
    assertTrue(e.parts().get(0).pushed().contains("windows=24"), e.parts().get(0).pushed());
  }

  @Test
  void aRecentRangeReadsOnlyInfluxDb() {
    SqlExplanation e =
        f.engine.explain(
            "SELECT COUNT(usage_user) FROM "
                + db
                + ".cpu WHERE \"time\" >= TIMESTAMP '2025-05-30 00:00:00'");
    List<SqlExplanation.Part> sent =
        e.parts().stream().filter(p -> !p.pushed().contains("windows=0")).toList();
    assertEquals(1, sent.size(), e.plan());
    assertEquals(Place.INFLUXDB, sent.get(0).place());
    assertTrue(
        sent.get(0).pushed().startsWith("SELECT count(\"usage_user\"::field)"),
        sent.get(0).pushed());
  }

  @Test
  void bucketedAggregatesArePushedWithBoundsAndFillNone() {
    SqlExplanation e =
        f.engine.explain(
            "SELECT FLOOR(\"time\" TO HOUR), host, AVG(usage_user), MAX(usage_system) FROM "
                + db
                + ".cpu WHERE \"time\" >= TIMESTAMP '2025-05-28 00:00:00' GROUP BY FLOOR(\"time\" TO HOUR), host");
    String influxql =
        e.parts().stream()
            .filter(p -> p.place() == Place.INFLUXDB)
            .findFirst()
            .orElseThrow()
            .pushed();
    assertTrue(influxql.contains("GROUP BY time(3600000ms), \"host\" fill(none)"), influxql);
    assertTrue(
        influxql.contains("WHERE time >= 1748390400000000000 AND time < 9223372036854775806"),
        influxql);
    assertTrue(
        influxql.contains("mean(\"usage_user\"::field)")
            && influxql.contains("max(\"usage_system\"::field)"),
        influxql);
  }

  @Test
  void whatInfluxQlCannotStateExactlyStaysAboveTheScan() {
    // STDDEV has no decomposable InfluxQL form here and weeks are not epoch-aligned buckets.
    SqlExplanation e =
        f.engine.explain(
            "SELECT FLOOR(\"time\" TO WEEK), STDDEV_POP(usage_user) FROM "
                + db
                + ".cpu WHERE \"time\" >= TIMESTAMP '2025-05-28 00:00:00' GROUP BY FLOOR(\"time\" TO WEEK)");
    String influxql =
        e.parts().stream()
            .filter(p -> p.place() == Place.INFLUXDB)
            .findFirst()
            .orElseThrow()
            .pushed();
    assertTrue(!influxql.contains("GROUP BY") && !influxql.contains("stddev"), influxql);
    assertTrue(e.plan().contains("EnumerableAggregate"), e.plan());
  }

  @Test
  void latestPointsArePushedAsOrderByTimeDescLimit() {
    SqlExplanation e =
        f.engine.explain("SELECT * FROM " + db + ".cpu ORDER BY \"time\" DESC LIMIT 5");
    String influxql =
        e.parts().stream()
            .filter(p -> p.place() == Place.INFLUXDB)
            .findFirst()
            .orElseThrow()
            .pushed();
    assertTrue(influxql.endsWith("ORDER BY time DESC LIMIT 5"), influxql);
  }

  @Test
  void currentTimestampBoundsThePushedQuery() {
    long before = System.currentTimeMillis() - 3_600_000L;
    SqlExplanation e =
        f.engine.explain(
            "SELECT COUNT(usage_user) FROM "
                + db
                + ".cpu WHERE \"time\" >= CURRENT_TIMESTAMP - INTERVAL '1' HOUR");
    String influxql =
        e.parts().stream()
            .filter(p -> p.place() == Place.INFLUXDB)
            .findFirst()
            .orElseThrow()
            .pushed();
    Matcher m = Pattern.compile("time >= (\\d+) ").matcher(influxql);
    assertTrue(m.find(), influxql);
    long bound = Long.parseLong(m.group(1)) / 1_000_000L;
    assertTrue(bound >= before - 60_000 && bound <= System.currentTimeMillis(), influxql);
  }

  @Test
  void lakeAggregatesAreComputedInTheScan() {
    // The range lies in the lake alone: the routed table's one part is planned without a union,
    // so AVG needs no split into SUM and COUNT.
    SqlExplanation e =
        f.engine.explain(
            "SELECT FLOOR(\"time\" TO HOUR), host, COUNT(*), AVG(usage_user), MAX(procs) FROM "
                + db
                + ".cpu WHERE \"time\" >= TIMESTAMP '2025-05-10 00:00:00' AND \"time\" < TIMESTAMP '2025-05-12 00:00:00'"
                + " AND region = 'eu' GROUP BY FLOOR(\"time\" TO HOUR), host");
    SqlExplanation.Part lake =
        e.parts().stream().filter(p -> p.place() == Place.LAKE).findFirst().orElseThrow();
    assertEquals(
        "scan lake."
            + f.database
            + ".cpu windows=48 tags={\"region\" IN ('eu')} columns=[time, host, usage_user, procs]"
            + " aggregate=[count(*), mean(usage_user), max(procs)] group=[bucket 3600000ms][host]",
        lake.pushed(),
        e.plan());
  }

  @Test
  void theCoarsestExactRollupAnswersBucketedAggregates() {
    String day =
        "SELECT FLOOR(\"time\" TO DAY), host, SUM(usage_user), COUNT(usage_user), MAX(procs) FROM "
            + db
            + ".cpu WHERE \"time\" >= TIMESTAMP '2025-05-05 00:00:00' AND \"time\" < TIMESTAMP '2025-05-20 00:00:00'"
            + " GROUP BY FLOOR(\"time\" TO DAY), host";
    SqlExplanation.Part lake = lakePart(day);
    assertEquals("1h", lake.resolution(), lake.pushed());
    assertTrue(
        lake.pushed()
            .contains("aggregate=[sum(usage_user_sum), sum(usage_user_count), max(procs_max)]"),
        lake.pushed());
    // AVG is SUM / COUNT of the rollup; a dashboard's hourly series of one host too.
    assertEquals("1h", lakePart(day.replace("SUM(usage_user)", "AVG(usage_user)")).resolution());
    String dashboard =
        "SELECT FLOOR(\"time\" TO HOUR) AS \"hour\", AVG(usage_user), MIN(usage_user), MAX(usage_user) FROM "
            + db
            + ".cpu WHERE host = 'h1' AND \"time\" >= TIMESTAMP '2025-05-10 00:00:00' AND \"time\" < TIMESTAMP"
            + " '2025-05-11 00:00:00' GROUP BY FLOOR(\"time\" TO HOUR) ORDER BY \"hour\"";
    assertEquals("1h", lakePart(dashboard).resolution(), f.engine.explain(dashboard).plan());
    // Minute buckets are finer than the rollup: raw.
    assertEquals("raw", lakePart(day.replace("TO DAY", "TO MINUTE")).resolution());
    // A range starting and ending inside rollup buckets (a dashboard's, in milliseconds): the
    // rollup's whole hours, the raw points of the uneven edges merged in.
    SqlExplanation.Part uneven =
        lakePart(
            day.replace("2025-05-05 00:00:00", "2025-05-05 00:30:00.250")
                .replace("2025-05-20 00:00:00", "2025-05-19 23:59:59.999"));
    assertEquals("1h", uneven.resolution(), uneven.pushed());
    assertTrue(
        uneven
            .pushed()
            .contains(
                "+ raw [2025-05-05T00:30:00.250Z, 2025-05-05T01:00:00Z) windows=1"
                    + " + raw [2025-05-19T23:00:00Z, 2025-05-19T23:59:59.999Z) windows=1"),
        uneven.pushed());
    // COUNT(*) counts points, which a rollup does not keep.
    assertEquals("raw", lakePart(day.replace("COUNT(usage_user)", "COUNT(*)")).resolution());
  }

  @Test
  void influxQlGroupsAskInfluxDbForTheAggregatedFieldsOnly() {
    String sql =
        "SELECT host, FLOOR(\"time\" TO HOUR), AVG(usage_user) FROM "
            + db
            + ".cpu /*+ influxql_groups */ WHERE \"time\" >= TIMESTAMP '2025-05-28 00:00:00'"
            + " GROUP BY host, FLOOR(\"time\" TO HOUR)";
    String hinted = influxPart(sql).pushed();
    assertTrue(hinted.contains("(\"usage_user\"::field)"), hinted);
    assertFalse(hinted.contains("count(\"procs\"::field)"), hinted);
    // As a query shape writes it (SqlShapeTest.tableHintsAreKept).
    String shaped =
        influxPart(sql.replace("/*+ influxql_groups */", "/*+ \"influxql_groups\" */")).pushed();
    assertFalse(shaped.contains("count(\"procs\"::field)"), shaped);
    // Without it, SQL's groups of points with other fields only are found too.
    String plain = influxPart(sql.replace(" /*+ influxql_groups */", "")).pushed();
    assertTrue(plain.contains("count(\"procs\"::field)"), plain);
  }

  /** InfluxQL's first() and last() in buckets (the translation's own functions) reach InfluxDB. */
  @Test
  void influxQlFirstAndLastArePushedAsFirstAndLast() {
    String sql =
        "SELECT FLOOR(\"time\" TO HOUR), TIDEWATER_INFLUX_FIRST_DOUBLE(usage_user, \"time\"),"
            + " TIDEWATER_INFLUX_LAST_DOUBLE(usage_user, \"time\") FROM "
            + db
            + ".cpu /*+ influxql_groups */ WHERE \"time\" >= TIMESTAMP '2025-05-28 00:00:00'"
            + " GROUP BY FLOOR(\"time\" TO HOUR)";
    String pushed = influxPart(sql).pushed();
    assertTrue(
        pushed.contains("first(\"usage_user\"::field)")
            && pushed.contains("last(\"usage_user\"::field)"),
        pushed);
  }

  private static SqlExplanation.Part influxPart(String sql) {
    return part(sql, Place.INFLUXDB);
  }

  private static SqlExplanation.Part lakePart(String sql) {
    return part(sql, Place.LAKE);
  }

  /** The first part of {@code sql}'s plan answered at {@code place}. */
  private static SqlExplanation.Part part(String sql, Place place) {
    SqlExplanation e = f.engine.explain(sql);
    return e.parts().stream()
        .filter(p -> p.place() == place)
        .findFirst()
        .orElseThrow(() -> new AssertionError(e.plan()));
  }

  @Test
  void dateBinIsPushedLikeFloor() {
    String sql =
        "SELECT DATE_BIN(INTERVAL '5' MINUTE, \"time\"), COUNT(usage_user) FROM "
            + db
            + ".cpu WHERE \"time\" >= TIMESTAMP '2025-05-28 00:00:00' GROUP BY DATE_BIN(INTERVAL '5' MINUTE, \"time\")";
    String influxql =
        f.engine.explain(sql).parts().stream()
            .filter(p -> p.place() == Place.INFLUXDB)
            .findFirst()
            .orElseThrow()
            .pushed();
    assertTrue(influxql.contains("GROUP BY time(300000ms) fill(none)"), influxql);
    String twoHours =
        "SELECT DATE_BIN(INTERVAL '2' HOUR, \"time\"), SUM(usage_user) FROM "
            + db
            + ".cpu WHERE \"time\" < TIMESTAMP '2025-05-20 00:00:00' GROUP BY DATE_BIN(INTERVAL '2' HOUR, \"time\")";
    assertEquals("1h", lakePart(twoHours).resolution());
  }

  @Test
  void latestPointsInTheLakeReadFromTheNewestWindow() {
    SqlExplanation.Part lake =
        lakePart(
            "SELECT \"time\", usage_user FROM "
                + db
                + ".cpu WHERE host = 'a'"
                + " AND \"time\" < TIMESTAMP '2025-05-15 00:00:00' ORDER BY \"time\" DESC LIMIT 5");
    assertTrue(lake.pushed().contains("order=time DESC limit=5"), lake.pushed());
  }
}
