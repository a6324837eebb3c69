package io.tidewater.federation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tidewater.error.ErrorCode;
import io.tidewater.error.TidewaterException;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The statistical aggregates (correlation, covariance, regression, variance, percentiles, distinct
 * counts, boolean aggregates) over the routed tables against DuckDB's over a full raw export: in
 * the lake, in InfluxDB and across the split, with NULLs from schema evolution and integer fields.
 */
class StatisticalAggregatesTest {

  private static final String ACROSS =
      " WHERE \"time\" >= TIMESTAMP '2025-05-19 00:00:00' AND \"time\" < TIMESTAMP '2025-05-25 12:00:00'";

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
    return Stream.of(
        both(
            "correlation and covariance per host across the split",
            "SELECT host, CORR(usage_user, usage_system), COVAR_POP(usage_user, usage_system),"
                + " COVAR_SAMP(usage_user, procs) FROM {cpu}"
                + ACROSS
                + " GROUP BY host",
            "SELECT host, corr(usage_user, usage_system), covar_pop(usage_user, usage_system),"
                + " covar_samp(usage_user, procs) FROM cpu"
                + ACROSS
                + " GROUP BY host"),
        both(
            "correlation by day, lower case, the whole month",
            "SELECT FLOOR(\"time\" TO DAY) d, corr(usage_user, procs), Corr (usage_system, usage_user) FROM {cpu}"
                + " GROUP BY FLOOR(\"time\" TO DAY)",
            "SELECT date_trunc('day', \"time\"), corr(usage_user, procs), corr(usage_system, usage_user) FROM cpu GROUP BY ALL"),
        both(
            "regression per region, with a field that is NULL before it existed",
            "SELECT region, REGR_SLOPE(usage_user, procs), REGR_INTERCEPT(usage_user, procs), REGR_R2(usage_user, procs),"
                + " REGR_COUNT(usage_user, temp), REGR_SLOPE(temp, usage_system), REGR_AVGX(usage_user, temp),"
                + " REGR_AVGY(usage_user, temp), REGR_SXX(usage_user, temp), REGR_SYY(usage_user, temp),"
                + " REGR_SXY(usage_user, temp) FROM {cpu} GROUP BY region",
            "SELECT region, regr_slope(usage_user, procs), regr_intercept(usage_user, procs), regr_r2(usage_user, procs),"
                + " regr_count(usage_user, temp), regr_slope(temp, usage_system), regr_avgx(usage_user, temp),"
                + " regr_avgy(usage_user, temp), regr_sxx(usage_user, temp), regr_syy(usage_user, temp),"
                + " regr_sxy(usage_user, temp) FROM cpu GROUP BY region"),
        both(
            "variance and standard deviation by day across the split",
            "SELECT FLOOR(\"time\" TO DAY) d, VAR_POP(usage_user), VAR_SAMP(usage_user), STDDEV_POP(usage_system),"
                + " STDDEV_SAMP(procs), STDDEV(usage_system), VARIANCE(procs) FROM {cpu}"
                + ACROSS
                + " GROUP BY FLOOR(\"time\" TO DAY)",
            "SELECT date_trunc('day', \"time\"), var_pop(usage_user), var_samp(usage_user), stddev_pop(usage_system),"
                + " stddev_samp(procs), stddev(usage_system), variance(procs) FROM cpu"
                + ACROSS
                + " GROUP BY ALL"),
        both(
            "percentiles per host across the split",
            "SELECT host, MEDIAN(usage_user), PERCENTILE_CONT(0.9) WITHIN GROUP (ORDER BY usage_user),"
                + " PERCENTILE_DISC(0.25) WITHIN GROUP (ORDER BY usage_system), APPROX_PERCENTILE(usage_user, 0.95),"
                + " MEDIAN(temp) FROM {cpu}"
                + ACROSS
                + " GROUP BY host",
            "SELECT host, median(usage_user), quantile_cont(usage_user, 0.9), quantile_disc(usage_system, 0.25),"
                + " quantile_disc(usage_user, 0.95), median(temp) FROM cpu"
                + ACROSS
                + " GROUP BY host"),
        both(
            "a percentile in descending order",
            "SELECT region, PERCENTILE_CONT(0.1) WITHIN GROUP (ORDER BY usage_user DESC) FROM {cpu}"
                + ACROSS
                + " GROUP BY region",
            "SELECT region, quantile_cont(usage_user, 0.9) FROM cpu" + ACROSS + " GROUP BY region"),
        both(
            "the mean of integer fields is not truncated",
            "SELECT host, AVG(procs), AVG(temp), SUM(procs) FROM {cpu}" + ACROSS + " GROUP BY host",
            "SELECT host, avg(procs), avg(temp), sum(procs) FROM cpu" + ACROSS + " GROUP BY host"),
        both(
            "median by hour in InfluxDB",
            "SELECT FLOOR(\"time\" TO HOUR) h, MEDIAN(usage_user), APPROX_PERCENTILE(procs, 0.5) FROM {cpu}"
                + " WHERE \"time\" >= TIMESTAMP '2025-05-28 00:00:00' AND \"time\" < TIMESTAMP '2025-05-28 12:00:00'"
                + " GROUP BY FLOOR(\"time\" TO HOUR)",
            "SELECT date_trunc('hour', \"time\"), median(usage_user), quantile_disc(procs, 0.5) FROM cpu"
                + " WHERE \"time\" >= TIMESTAMP '2025-05-28 00:00:00' AND \"time\" < TIMESTAMP '2025-05-28 12:00:00' GROUP BY ALL"),
        both(
            "distinct counts by hour across the split",
            "SELECT FLOOR(\"time\" TO HOUR) h, COUNT(DISTINCT host), COUNT(DISTINCT procs), COUNT(DISTINCT rack) FROM {cpu}"
                + " WHERE \"time\" >= TIMESTAMP '2025-05-21 18:00:00' AND \"time\" < TIMESTAMP '2025-05-22 06:00:00'"
                + " GROUP BY FLOOR(\"time\" TO HOUR)",
            "SELECT date_trunc('hour', \"time\"), count(DISTINCT host), count(DISTINCT procs), count(DISTINCT rack) FROM cpu"
                + " WHERE \"time\" >= TIMESTAMP '2025-05-21 18:00:00' AND \"time\" < TIMESTAMP '2025-05-22 06:00:00' GROUP BY ALL"),
        both(
            "boolean aggregates per host and day across the split",
            "SELECT host, FLOOR(\"time\" TO DAY) d, BOOL_AND(active), BOOL_OR(active), bool_and(used > 1010),"
                + " bool_or(used > 1990) FROM {mem}"
                + ACROSS
                + " GROUP BY host, FLOOR(\"time\" TO DAY)",
            "SELECT host, date_trunc('day', \"time\"), bool_and(active), bool_or(active), bool_and(used > 1010),"
                + " bool_or(used > 1990) FROM mem"
                + ACROSS
                + " GROUP BY ALL"),
        both(
            "aggregates over no rows are NULL",
            "SELECT CORR(usage_user, procs), REGR_SLOPE(usage_user, procs), MEDIAN(usage_user), BOOL_OR(usage_user > 1),"
                + " VAR_SAMP(usage_user), APPROX_PERCENTILE(usage_user, 0.5) FROM {cpu} WHERE host = 'nobody'",
            "SELECT corr(usage_user, procs), regr_slope(usage_user, procs), median(usage_user), bool_or(usage_user > 1),"
                + " var_samp(usage_user), quantile_disc(usage_user, 0.5) FROM cpu WHERE host = 'nobody'"),
        both(
            "with DATE_BIN and HAVING",
            "SELECT DATE_BIN(INTERVAL '6' HOUR, \"time\") b, CORR(usage_user, usage_system) c FROM {cpu}"
                + ACROSS
                + " GROUP BY DATE_BIN(INTERVAL '6' HOUR, \"time\") HAVING REGR_COUNT(usage_user, usage_system) > 100",
            "SELECT time_bucket(INTERVAL '6 hours', \"time\") b, corr(usage_user, usage_system) c FROM cpu"
                + ACROSS
                + " GROUP BY ALL HAVING regr_count(usage_user, usage_system) > 100"));
  }

  private static Arguments both(String name, String calcite, String duckdb) {
    return Arguments.of(name, calcite, duckdb);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void answersLikeDuckDb(String name, String calcite, String duck) throws Exception {
    String sql =
        calcite
            .replace("{cpu}", "\"" + fixture.database + "\".cpu")
            .replace("{mem}", "\"" + fixture.database + "\".mem");
    List<List<Object>> expected = truth.query(duck);
    List<List<Object>> actual = query(sql);
    Comparator<List<Object>> rows = Comparator.comparing(Object::toString);
    expected.sort(rows);
    actual.sort(rows);
    FederatedQueryTest.assertRowsEqual(expected, actual, sql);
  }

  @Test
  void aPercentileFractionOutsideZeroToOneIsRefusedByName() {
    TidewaterException e =
        assertThrows(
            TidewaterException.class,
            () ->
                query(
                    "SELECT APPROX_PERCENTILE(usage_user, 1.5) FROM \""
                        + fixture.database
                        + "\".cpu"));
    assertEquals(ErrorCode.SQL_INVALID, e.code(), e.getMessage());
    assertTrue(e.getMessage().contains("between 0 and 1"), e.getMessage());
  }

  @Test
  void wrongArgumentsAreAnInvalidQueryNamingTheFunction() {
    TidewaterException e =
        assertThrows(
            TidewaterException.class,
            () -> query("SELECT CORR(usage_user) FROM \"" + fixture.database + "\".cpu"));
    assertEquals(ErrorCode.SQL_INVALID, e.code(), e.getMessage());
    assertTrue(e.getMessage().contains("CORR"), e.getMessage());
  }

  private static List<List<Object>> query(String sql) {
    return Rows.normalized(fixture.engine, sql);
  }
}
