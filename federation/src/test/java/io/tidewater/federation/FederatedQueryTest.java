package io.tidewater.federation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Federated SQL over the routed tables against the truth (DuckDB over a full raw export): raw
 * ranges across the hot/warm split, point lookups, bucketed aggregates, tag and field filters,
 * group by tags, top-N, joins, subqueries and NULLs from schema evolution.
 *
 * <p>Each case is written once; {@code {cpu}}/{@code {mem}} become the routed table (or DuckDB's
 * view) and {@code {bucket:unit}} Calcite's {@code FLOOR(time TO unit)} or DuckDB's {@code
 * date_trunc}.
 */
class FederatedQueryTest {

  private static FederationFixture fixture;
  private static Truth truth;

  @BeforeAll
  static void setUp() throws Exception {
    fixture = FederationFixture.get();
    truth = new Truth(fixture.truthFolder, fixture.database, List.of("cpu", "mem"));
  }

  @AfterAll
  static void tearDown() throws Exception {
    truth.close();
  }

  static Stream<Arguments> cases() {
    String split = "TIMESTAMP '2025-05-22 00:00:00'";
    return Stream.of(
        // raw ranges: lake only, InfluxDB only, across the split
        c(
            "raw range in the lake",
            "SELECT \"time\", host, usage_user FROM {cpu} WHERE \"time\" >= TIMESTAMP '2025-05-10 10:00:00' AND \"time\" < TIMESTAMP '2025-05-10 12:00:00'"),
        c(
            "raw range in InfluxDB",
            "SELECT \"time\", host, region, rack, usage_user, usage_system, procs, temp FROM {cpu} WHERE \"time\" >= TIMESTAMP '2025-05-28 10:00:00' AND \"time\" < TIMESTAMP '2025-05-28 11:00:00'"),
        c(
            "raw range across the split",
            "SELECT \"time\", host, rack, usage_user FROM {cpu} WHERE \"time\" >= TIMESTAMP '2025-05-21 22:00:00' AND \"time\" < TIMESTAMP '2025-05-22 02:00:00'"),
        c(
            "raw range, inclusive bounds",
            "SELECT \"time\", host FROM {cpu} WHERE \"time\" BETWEEN TIMESTAMP '2025-05-21 23:50:00' AND TIMESTAMP '2025-05-22 00:10:00'"),
        c(
            "open-ended from",
            "SELECT COUNT(*), SUM(usage_user) FROM {cpu} WHERE \"time\" >= TIMESTAMP '2025-05-30 00:00:00'"),
        c(
            "open-ended until",
            "SELECT COUNT(*), SUM(usage_user) FROM {cpu} WHERE \"time\" < TIMESTAMP '2025-05-02 00:00:00'"),
        c(
            "empty range",
            "SELECT \"time\", host FROM {cpu} WHERE \"time\" < TIMESTAMP '2024-01-01 00:00:00'"),
        // point lookups
        c(
            "point lookup in the lake",
            "SELECT * FROM {cpu} WHERE \"time\" = TIMESTAMP '2025-05-12 08:35:00' AND host = 'b'"),
        c(
            "point lookup in InfluxDB",
            "SELECT * FROM {cpu} WHERE \"time\" = TIMESTAMP '2025-05-29 08:35:00'"),
        c("point lookup at the split", "SELECT * FROM {cpu} WHERE \"time\" = " + split),
        c(
            "point lookup before the split",
            "SELECT * FROM {cpu} WHERE \"time\" = TIMESTAMP '2025-05-21 23:55:00'"),
        // tag and field filters
        c("tag IN", "SELECT host, COUNT(*) FROM {cpu} WHERE host IN ('a', 'c') GROUP BY host"),
        c("tag <>", "SELECT COUNT(*) FROM {cpu} WHERE host <> 'a'"),
        c("tag LIKE", "SELECT region, COUNT(*) FROM {cpu} WHERE region LIKE 'e%' GROUP BY region"),
        c(
            "absent tag IS NULL",
            "SELECT host, COUNT(*) FROM {cpu} WHERE rack IS NULL GROUP BY host"),
        c(
            "tag IS NOT NULL",
            "SELECT host, rack, COUNT(*) FROM {cpu} WHERE rack IS NOT NULL GROUP BY host, rack"),
        c("tag <> skips absent tags", "SELECT COUNT(*) FROM {cpu} WHERE rack <> 'r1'"),
        c("field range", "SELECT COUNT(*) FROM {cpu} WHERE usage_user > 90"),
        c(
            "field ranges combined",
            "SELECT host, COUNT(*) FROM {cpu} WHERE usage_user >= 50 AND usage_system < 5 GROUP BY host"),
        c("integer field equality", "SELECT COUNT(*) FROM {cpu} WHERE procs = 120"),
        c("field <>", "SELECT COUNT(*) FROM {cpu} WHERE temp <> 50"),
        c(
            "count of a boolean field",
            "SELECT host, COUNT(active), COUNT(*) FROM {mem} GROUP BY host"),
        c(
            "aggregate over no rows",
            "SELECT COUNT(usage_user), SUM(usage_user), MAX(procs) FROM {cpu} WHERE host = 'nobody'"),
        c("boolean field", "SELECT host, COUNT(*) FROM {mem} WHERE active = true GROUP BY host"),
        c("tag OR field", "SELECT COUNT(*) FROM {cpu} WHERE host = 'a' OR usage_user > 95"),
        // NULLs from schema evolution
        c(
            "new field is NULL before it existed",
            "SELECT COUNT(*), COUNT(temp), SUM(temp) FROM {cpu}"),
        c(
            "new field by day",
            "SELECT {bucket:day} d, COUNT(temp), MIN(temp), MAX(temp) FROM {cpu} GROUP BY {bucket:day}"),
        // bucketed aggregates
        c(
            "1m buckets across the split",
            "SELECT {bucket:minute} m, host, COUNT(*), SUM(usage_user), MIN(usage_user), MAX(usage_user) FROM {cpu} WHERE \"time\" >= TIMESTAMP '2025-05-21 23:30:00' AND \"time\" < TIMESTAMP '2025-05-22 00:30:00' GROUP BY {bucket:minute}, host"),
        c(
            "1h buckets across the split",
            "SELECT {bucket:hour} h, AVG(usage_user), MIN(usage_system), MAX(usage_system), COUNT(usage_user) FROM {cpu} WHERE \"time\" >= TIMESTAMP '2025-05-20 00:00:00' AND \"time\" < TIMESTAMP '2025-05-24 00:00:00' GROUP BY {bucket:hour}"),
        c(
            "1h buckets, one host",
            "SELECT {bucket:hour} h, SUM(procs), AVG(usage_user) FROM {cpu} WHERE host = 'c' AND \"time\" >= TIMESTAMP '2025-05-21 00:00:00' AND \"time\" < TIMESTAMP '2025-05-23 00:00:00' GROUP BY {bucket:hour}"),
        c(
            "1h buckets over the lake, a range inside hours (the rollup and raw edges)",
            "SELECT {bucket:hour} h, host, COUNT(usage_user), SUM(usage_user), MIN(usage_system), MAX(procs), AVG(usage_user) FROM {cpu}"
                + " WHERE \"time\" >= TIMESTAMP '2025-05-12 00:17:09.123' AND \"time\" <= TIMESTAMP '2025-05-14 05:41:00.500'"
                + " GROUP BY {bucket:hour}, host"),
        c(
            "1d buckets from the middle of a day, across the split (rollup, raw edges, InfluxDB)",
            "SELECT {bucket:day} d, COUNT(usage_user), SUM(procs), MIN(usage_user), MAX(usage_system) FROM {cpu}"
                + " WHERE \"time\" > TIMESTAMP '2025-05-16 13:45:00.001' AND \"time\" < TIMESTAMP '2025-05-23 02:10:00'"
                + " GROUP BY {bucket:day}"),
        c(
            "1d buckets by host, whole month",
            "SELECT {bucket:day} d, host, SUM(usage_user), COUNT(*) FROM {cpu} GROUP BY {bucket:day}, host"),
        c(
            "1d bucket straddling the split (mid-day)",
            "SELECT {bucket:day} d, COUNT(*), SUM(usage_system) FROM {cpu} WHERE \"time\" >= TIMESTAMP '2025-05-21 12:00:00' AND \"time\" < TIMESTAMP '2025-05-22 12:00:00' GROUP BY {bucket:day}"),
        c(
            "1s buckets",
            "SELECT {bucket:second} s, COUNT(*) FROM {cpu} WHERE \"time\" >= TIMESTAMP '2025-05-21 23:50:00' AND \"time\" < TIMESTAMP '2025-05-22 00:10:00' GROUP BY {bucket:second}"),
        c(
            "mem hourly integer sums",
            "SELECT {bucket:hour} h, SUM(used), MIN(used), MAX(used) FROM {mem} WHERE \"time\" >= TIMESTAMP '2025-05-21 18:00:00' AND \"time\" < TIMESTAMP '2025-05-22 06:00:00' GROUP BY {bucket:hour}"),
        // group by tags
        c(
            "group by region",
            "SELECT region, COUNT(*), MIN(usage_user), MAX(usage_user), AVG(usage_system) FROM {cpu} GROUP BY region"),
        c(
            "group by host and region",
            "SELECT host, region, COUNT(usage_user), SUM(procs) FROM {cpu} GROUP BY host, region"),
        c("count everything", "SELECT COUNT(*) FROM {cpu}"),
        c("min and max time", "SELECT MIN(\"time\"), MAX(\"time\") FROM {cpu}"),
        c(
            "distinct hosts per day",
            "SELECT {bucket:day} d, COUNT(DISTINCT host) FROM {cpu} GROUP BY {bucket:day}"),
        c("stddev by host", "SELECT host, STDDEV_POP(usage_user) FROM {cpu} GROUP BY host"),
        c(
            "having",
            "SELECT host, {bucket:day} d, AVG(usage_user) a FROM {cpu} GROUP BY host, {bucket:day} HAVING AVG(usage_user) > 52"),
        // groups without aggregate calls: InfluxQL needs a call to group (the hours a host
        // reported, distinct tags)
        c(
            "hours one host reported, in InfluxDB",
            "SELECT {bucket:hour} h FROM {cpu} WHERE host = 'c' AND temp IS NOT NULL"
                + " AND \"time\" >= TIMESTAMP '2025-05-24 20:00:00' AND \"time\" < TIMESTAMP '2025-05-25 04:00:00' GROUP BY {bucket:hour}"),
        c(
            "hours one host reported, across the split",
            "SELECT {bucket:hour} h FROM {cpu} WHERE host = 'a'"
                + " AND \"time\" >= TIMESTAMP '2025-05-21 18:00:00' AND \"time\" < TIMESTAMP '2025-05-22 06:00:00' GROUP BY {bucket:hour}"),
        c(
            "hours one host reported, in a subquery",
            "SELECT COUNT(*), MIN(h), MAX(h) FROM (SELECT {bucket:hour} h FROM {mem}"
                + " WHERE host = 'b' AND \"time\" >= TIMESTAMP '2025-05-20 00:00:00' GROUP BY {bucket:hour}) t"),
        c(
            "distinct tags across the split",
            "SELECT DISTINCT host, rack FROM {cpu}"
                + " WHERE \"time\" >= TIMESTAMP '2025-05-21 00:00:00' AND \"time\" < TIMESTAMP '2025-05-23 00:00:00'"),
        c(
            "distinct days and hosts in InfluxDB",
            "SELECT DISTINCT {bucket:day} d, host FROM {cpu} WHERE temp > 68"),
        c(
            "group by a tag alone",
            "SELECT region FROM {cpu} WHERE \"time\" >= TIMESTAMP '2025-05-30 00:00:00' GROUP BY region"),
        // top-N and ordering
        ordered(
            "top 5 by value",
            "SELECT \"time\", host, usage_user FROM {cpu} ORDER BY usage_user DESC, \"time\", host LIMIT 5"),
        ordered(
            "latest points",
            "SELECT \"time\", host, usage_user FROM {cpu} ORDER BY \"time\" DESC, host LIMIT 4"),
        ordered(
            "earliest points", "SELECT \"time\", host FROM {cpu} ORDER BY \"time\", host LIMIT 4"),
        ordered(
            "earliest of one host",
            "SELECT \"time\", usage_user FROM {cpu} WHERE host = 'c' ORDER BY \"time\" LIMIT 3"),
        ordered(
            "latest of one host before a day in the lake",
            "SELECT \"time\", usage_user, procs FROM {cpu}"
                + " WHERE host = 'a' AND \"time\" < TIMESTAMP '2025-05-15 00:00:00' ORDER BY \"time\" DESC LIMIT 5"),
        ordered(
            "latest of one host",
            "SELECT \"time\", usage_user FROM {cpu} WHERE host = 'b' ORDER BY \"time\" DESC LIMIT 3"),
        ordered(
            "hourly ordered across the split",
            "SELECT {bucket:hour} h, COUNT(*) FROM {cpu} WHERE \"time\" >= TIMESTAMP '2025-05-21 20:00:00' AND \"time\" < TIMESTAMP '2025-05-22 04:00:00' GROUP BY {bucket:hour} ORDER BY {bucket:hour}"),
        // joins, subqueries, expressions
        c(
            "join of two measurements",
            "SELECT c.host, COUNT(*), AVG(CAST(m.used AS DOUBLE)), AVG(c.usage_user) FROM {cpu} c JOIN {mem} m ON c.\"time\" = m.\"time\" AND c.host = m.host WHERE c.\"time\" >= TIMESTAMP '2025-05-21 12:00:00' AND c.\"time\" < TIMESTAMP '2025-05-22 12:00:00' GROUP BY c.host"),
        c(
            "subquery",
            "SELECT host FROM (SELECT host, AVG(usage_user) a FROM {cpu} GROUP BY host) t WHERE a > 50"),
        c(
            "IN subquery",
            "SELECT COUNT(*) FROM {cpu} WHERE host IN (SELECT host FROM {mem} WHERE used > 1990)"),
        c(
            "arithmetic",
            "SELECT \"time\", usage_user + usage_system AS total FROM {cpu} WHERE host = 'b' AND \"time\" >= TIMESTAMP '2025-05-21 23:00:00' AND \"time\" < TIMESTAMP '2025-05-22 01:00:00'"),
        c(
            "CASE",
            "SELECT CASE WHEN usage_user > 50 THEN 'high' ELSE 'low' END AS level, COUNT(*) FROM {cpu} GROUP BY CASE WHEN usage_user > 50 THEN 'high' ELSE 'low' END"),
        // DATE_BIN buckets: 5m across the split (pushed into InfluxQL), 2h over the lake (from the
        // 1h rollup)
        both(
            "DATE_BIN 5m across the split",
            "SELECT DATE_BIN(INTERVAL '5' MINUTE, \"time\") AS b, host, COUNT(*), SUM(usage_user), MAX(usage_system) FROM {cpu}"
                + " WHERE \"time\" >= TIMESTAMP '2025-05-21 20:00:00' AND \"time\" < TIMESTAMP '2025-05-22 04:00:00'"
                + " GROUP BY DATE_BIN(INTERVAL '5' MINUTE, \"time\"), host",
            "SELECT time_bucket(INTERVAL '5 minutes', \"time\"), host, COUNT(*), SUM(usage_user), MAX(usage_system) FROM cpu"
                + " WHERE \"time\" >= TIMESTAMP '2025-05-21 20:00:00' AND \"time\" < TIMESTAMP '2025-05-22 04:00:00' GROUP BY ALL"),
        both(
            "DATE_BIN 2h over the lake",
            "SELECT DATE_BIN(INTERVAL '2' HOUR, \"time\"), region, SUM(usage_user), COUNT(usage_user), MIN(procs) FROM {cpu}"
                + " WHERE \"time\" >= TIMESTAMP '2025-05-12 00:00:00' AND \"time\" < TIMESTAMP '2025-05-14 00:00:00'"
                + " GROUP BY DATE_BIN(INTERVAL '2' HOUR, \"time\"), region",
            "SELECT time_bucket(INTERVAL '2 hours', \"time\"), region, SUM(usage_user), COUNT(usage_user), MIN(procs) FROM cpu"
                + " WHERE \"time\" >= TIMESTAMP '2025-05-12 00:00:00' AND \"time\" < TIMESTAMP '2025-05-14 00:00:00' GROUP BY ALL"),
        // first and last by time (InfluxQL's first()/last() where pushed): one series per group, no
        // ties
        both(
            "first and last by time, per host and day across the split",
            "SELECT FLOOR(\"time\" TO DAY) AS d, host, ARG_MIN(usage_user, \"time\"), ARG_MAX(procs, \"time\") FROM {cpu}"
                + " WHERE \"time\" >= TIMESTAMP '2025-05-20 00:00:00' AND \"time\" < TIMESTAMP '2025-05-24 00:00:00'"
                + " GROUP BY FLOOR(\"time\" TO DAY), host",
            "SELECT date_trunc('day', \"time\"), host, arg_min(usage_user, \"time\"), arg_max(procs, \"time\") FROM cpu"
                + " WHERE \"time\" >= TIMESTAMP '2025-05-20 00:00:00' AND \"time\" < TIMESTAMP '2025-05-24 00:00:00' GROUP BY ALL"),
        both(
            "latest value of a new field, hourly on one host",
            "SELECT FLOOR(\"time\" TO HOUR), ARG_MAX(temp, \"time\"), ARG_MIN(temp, \"time\") FROM {cpu} WHERE host = 'a'"
                + " AND \"time\" >= TIMESTAMP '2025-05-24 20:00:00' AND \"time\" < TIMESTAMP '2025-05-25 04:00:00'"
                + " GROUP BY FLOOR(\"time\" TO HOUR)",
            "SELECT date_trunc('hour', \"time\"), arg_max(temp, \"time\"), arg_min(temp, \"time\") FROM cpu WHERE host = 'a'"
                + " AND \"time\" >= TIMESTAMP '2025-05-24 20:00:00' AND \"time\" < TIMESTAMP '2025-05-25 04:00:00' GROUP BY ALL"),
        // the 1h rollup table of the warm tier, against the same aggregates of the raw points
        both(
            "rollup rows of one day",
            "SELECT \"time\", host, region, rack, usage_user_count, usage_user_sum, usage_user_min, usage_user_max, procs_max"
                + " FROM {cpu_1h} WHERE \"time\" >= TIMESTAMP '2025-05-10 00:00:00' AND \"time\" < TIMESTAMP '2025-05-11 00:00:00'",
            "SELECT date_trunc('hour', \"time\"), host, region, rack, COUNT(usage_user), SUM(usage_user), MIN(usage_user),"
                + " MAX(usage_user), MAX(procs) FROM cpu WHERE \"time\" >= TIMESTAMP '2025-05-10 00:00:00'"
                + " AND \"time\" < TIMESTAMP '2025-05-11 00:00:00' GROUP BY ALL"),
        both(
            "rollup re-aggregated to days",
            "SELECT FLOOR(\"time\" TO DAY) AS d, host, SUM(usage_user_count), SUM(usage_user_sum) / SUM(usage_user_count),"
                + " MIN(usage_user_min), MAX(procs_max) FROM {cpu_1h} WHERE \"time\" < TIMESTAMP '2025-05-20 00:00:00'"
                + " GROUP BY FLOOR(\"time\" TO DAY), host",
            "SELECT date_trunc('day', \"time\"), host, COUNT(usage_user), SUM(usage_user) / COUNT(usage_user),"
                + " MIN(usage_user), MAX(procs) FROM cpu WHERE \"time\" < TIMESTAMP '2025-05-20 00:00:00' GROUP BY ALL"));
  }

  private static Arguments both(String name, String calcite, String duckdb) {
    return Arguments.of(name, calcite + "\u0000" + duckdb, false);
  }

  private static Arguments c(String name, String sql) {
    return Arguments.of(name, sql, false);
  }

  private static Arguments ordered(String name, String sql) {
    return Arguments.of(name, sql, true);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void answersLikeTheTruth(String name, String template, boolean ordered) throws Exception {
    String db = "\"" + fixture.database + "\"";
    String[] dialects = template.split("\u0000");
    String calcite =
        dialects[0]
            .replace("{cpu}", db + ".cpu")
            .replace("{mem}", db + ".mem")
            .replace("{cpu_1h}", "lake_1h." + db + ".cpu");
    String duck = dialects[dialects.length - 1].replace("{cpu}", "cpu").replace("{mem}", "mem");
    for (String unit : List.of("second", "minute", "hour", "day")) {
      calcite =
          calcite.replace("{bucket:" + unit + "}", "FLOOR(\"time\" TO " + unit.toUpperCase() + ")");
      duck = duck.replace("{bucket:" + unit + "}", "date_trunc('" + unit + "', \"time\")");
    }
    List<List<Object>> expected = truth.query(duck);
    List<List<Object>> actual = new ArrayList<>();
    try (SqlResult result = fixture.engine.query(calcite, 1_000_000, Duration.ofMinutes(2))) {
      Object[] row;
      while ((row = result.next()) != null) {
        List<Object> values = new ArrayList<>();
        for (Object v : row) {
          values.add(Truth.normalize(v));
        }
        actual.add(values);
      }
    }
    if (!ordered) {
      expected.sort(ROWS);
      actual.sort(ROWS);
    }
    assertRowsEqual(expected, actual, calcite);
  }

  private static final Comparator<List<Object>> ROWS = Comparator.comparing(Object::toString);

  static void assertRowsEqual(List<List<Object>> expected, List<List<Object>> actual, String sql) {
    assertEquals(
        expected.size(),
        actual.size(),
        () ->
            "row count of " + sql + "\nexpected " + head(expected) + "\nactual   " + head(actual));
    for (int r = 0; r < expected.size(); r++) {
      List<Object> e = expected.get(r);
      List<Object> a = actual.get(r);
      assertEquals(e.size(), a.size(), "columns of " + sql);
      for (int c = 0; c < e.size(); c++) {
        if (!same(e.get(c), a.get(c))) {
          fail("row " + r + " column " + c + " of " + sql + ": expected " + e + " but was " + a);
        }
      }
    }
    assertTrue(true);
  }

  private static boolean same(Object e, Object a) {
    if (e instanceof Number x && a instanceof Number y) {
      if (x instanceof Long && y instanceof Long) {
        return x.longValue() == y.longValue();
      }
      double dx = x.doubleValue();
      double dy = y.doubleValue();
      return dx == dy || Math.abs(dx - dy) <= 1e-9 * Math.max(Math.abs(dx), Math.abs(dy));
    }
    return Objects.equals(e, a);
  }

  private static String head(List<List<Object>> rows) {
    return rows.subList(0, Math.min(5, rows.size())).toString();
  }
}
