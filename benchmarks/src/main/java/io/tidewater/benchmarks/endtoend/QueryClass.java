package io.tidewater.benchmarks.endtoend;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Random;

/**
 * The query classes of the performance table in the reference design (reference/004, section 6),
 * each as a question a dashboard or analyst asks, with that table's federation target.
 */
enum QueryClass {
  RECENT_POINT(
      "Recent point-in-time",
      "latest cpu point of one host (last 5 minutes)",
      "100-500ms",
      500,
      Coverage.NONE),
  HISTORICAL_POINT(
      "Historical point-in-time",
      "cpu of one host at an instant 3 days to a month ago",
      "100-300ms",
      300,
      Coverage.ALL),
  RECENT_RANGE(
      "Recent time range",
      "one host's cpu points of the last 3 hours",
      "500-2000ms",
      2000,
      Coverage.NONE),
  HISTORICAL_RANGE(
      "Historical time range",
      "one host's hourly mean/min/max over one day 3 days to a month ago",
      "300-1500ms",
      1500,
      Coverage.ALL),
  CORRELATION(
      "Cross-series correlation",
      "hourly means of two hosts over the last 7 days, joined by hour",
      "1000-3000ms",
      3000,
      Coverage.EXPORTED),
  ANALYTICS(
      "Complex analytics",
      "every host, weeks of history to today: mean, max and count per region and day",
      "1500-5000ms",
      5000,
      Coverage.EXPORTED);

  /** How much of a class's answer DuckDB over the lake's files can give. */
  enum Coverage {
    /** Nothing: the range is newer than the export. */
    NONE,
    /** All of it: the range is long exported. */
    ALL,
    /** What was exported before the queries ran (the range reaches into the hot tier). */
    EXPORTED
  }

  /**
   * Where a question is asked: the database, its hosts, the history and the lake's raw files per
   * measurement.
   */
  record Context(
      String database, int hosts, Instant historyStart, Instant now, String lakeGlobCpu) {}

  private static final DateTimeFormatter SQL_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

  final String label;
  final String description;
  final String target;
  final long targetMillis;
  final Coverage duckdbCoverage;

  QueryClass(
      String label, String description, String target, long targetMillis, Coverage duckdbCoverage) {
    this.label = label;
    this.description = description;
    this.target = target;
    this.targetMillis = targetMillis;
    this.duckdbCoverage = duckdbCoverage;
  }

  /** The goal: 10x faster than the table's federation target at p95. */
  double goalMillis() {
    return targetMillis / 10.0;
  }

  /** A question of this class with parameters drawn from {@code random}. */
  Question ask(Random random, Context c) {
    String host = DataSet.host(random.nextInt(c.hosts()));
    Instant lakeFrom = c.historyStart().plus(Duration.ofDays(1));
    Instant lakeTo = c.now().minus(Duration.ofDays(3));
    String cpu = "\"" + c.database() + "\".cpu";
    String lake = c.lakeGlobCpu() == null ? null : "read_parquet('" + c.lakeGlobCpu() + "')";
    switch (this) {
      case RECENT_POINT:
        {
          Instant from = c.now().minus(Duration.ofMinutes(5)).truncatedTo(ChronoUnit.SECONDS);
          return new Question(
              "SELECT \"time\", usage_user, usage_system FROM "
                  + cpu
                  + " WHERE host = '"
                  + host
                  + "' AND \"time\" >= "
                  + sql(from)
                  + " ORDER BY \"time\" DESC LIMIT 1",
              "SELECT usage_user, usage_system FROM cpu WHERE host = '"
                  + host
                  + "' AND time >= "
                  + ns(from)
                  + " ORDER BY time DESC LIMIT 1",
              null,
              false);
        }
      case HISTORICAL_POINT:
        {
          Instant at = between(random, lakeFrom, lakeTo).truncatedTo(ChronoUnit.MINUTES);
          Instant from = at.minus(Duration.ofMinutes(10));
          String where = " WHERE host = '" + host + "' AND \"time\" >= ";
          return new Question(
              "SELECT \"time\", usage_user, usage_system FROM "
                  + cpu
                  + where
                  + sql(from)
                  + " AND \"time\" <= "
                  + sql(at)
                  + " ORDER BY \"time\" DESC LIMIT 1",
              "SELECT usage_user, usage_system FROM cpu WHERE host = '"
                  + host
                  + "' AND time >= "
                  + ns(from)
                  + " AND time <= "
                  + ns(at)
                  + " ORDER BY time DESC LIMIT 1",
              lake == null
                  ? null
                  : "SELECT \"time\", usage_user, usage_system FROM "
                      + lake
                      + where
                      + duck(from)
                      + " AND \"time\" <= "
                      + duck(at)
                      + " ORDER BY \"time\" DESC LIMIT 1",
              false);
        }
      case RECENT_RANGE:
        {
          Instant to = c.now().truncatedTo(ChronoUnit.SECONDS);
          Instant from = to.minus(Duration.ofHours(3));
          return new Question(
              "SELECT \"time\", usage_user, usage_system, processes FROM "
                  + cpu
                  + " WHERE host = '"
                  + host
                  + "' AND \"time\" >= "
                  + sql(from)
                  + " AND \"time\" < "
                  + sql(to)
                  + " ORDER BY \"time\"",
              "SELECT usage_user, usage_system, processes FROM cpu WHERE host = '"
                  + host
                  + "' AND time >= "
                  + ns(from)
                  + " AND time < "
                  + ns(to),
              null,
              false);
        }
      case HISTORICAL_RANGE:
        {
          Instant day = between(random, lakeFrom, lakeTo).truncatedTo(ChronoUnit.DAYS);
          Instant next = day.plus(Duration.ofDays(1));
          String where = " WHERE host = '" + host + "' AND \"time\" >= ";
          return new Question(
              "SELECT FLOOR(\"time\" TO HOUR) AS \"hour\", AVG(usage_user), MIN(usage_user),"
                  + " MAX(usage_user) FROM "
                  + cpu
                  + where
                  + sql(day)
                  + " AND \"time\" < "
                  + sql(next)
                  + " GROUP BY FLOOR(\"time\" TO HOUR) ORDER BY \"hour\"",
              "SELECT mean(usage_user), min(usage_user), max(usage_user) FROM cpu WHERE host = '"
                  + host
                  + "' AND time >= "
                  + ns(day)
                  + " AND time < "
                  + ns(next)
                  + " GROUP BY time(1h) fill(none)",
              lake == null
                  ? null
                  : "SELECT date_trunc('hour', \"time\") AS h, avg(usage_user), min(usage_user),"
                      + " max(usage_user) FROM "
                      + lake
                      + where
                      + duck(day)
                      + " AND \"time\" < "
                      + duck(next)
                      + " GROUP BY 1 ORDER BY 1",
              false);
        }
      case CORRELATION:
        {
          int a = random.nextInt(c.hosts());
          String other = DataSet.host((a + 1 + random.nextInt(c.hosts() - 1)) % c.hosts());
          Instant to = c.now().truncatedTo(ChronoUnit.HOURS);
          Instant from = to.minus(Duration.ofDays(7));
          String first = DataSet.host(a);
          return new Question(
              join(cpu, "FLOOR(\"time\" TO HOUR)", first, other, sql(from), sql(to)),
              "SELECT mean(usage_user) FROM cpu WHERE (host = '"
                  + first
                  + "' OR host = '"
                  + other
                  + "') AND time >= "
                  + ns(from)
                  + " AND time < "
                  + ns(to)
                  + " GROUP BY time(1h), host fill(none)",
              lake == null
                  ? null
                  : join(lake, "date_trunc('hour', \"time\")", first, other, duck(from), duck(to)),
              true);
        }
      case ANALYTICS:
        {
          Instant firstDay = c.historyStart().truncatedTo(ChronoUnit.DAYS).plus(Duration.ofDays(1));
          long days = Duration.between(firstDay, c.now()).toDays();
          Instant from =
              firstDay.plus(Duration.ofDays(random.nextInt((int) Math.max(1, days / 2))));
          Instant to =
              c.now()
                  .truncatedTo(ChronoUnit.DAYS)
                  .minus(Duration.ofDays(random.nextInt(3)))
                  .plus(Duration.ofDays(1));
          String where = " WHERE \"time\" >= ";
          return new Question(
              "SELECT region, FLOOR(\"time\" TO DAY) AS \"day\", AVG(usage_user), MAX(usage_user),"
                  + " COUNT(usage_user) FROM "
                  + cpu
                  + where
                  + sql(from)
                  + " AND \"time\" < "
                  + sql(to)
                  + " GROUP BY region, FLOOR(\"time\" TO DAY) ORDER BY region, \"day\"",
              "SELECT mean(usage_user), max(usage_user), count(usage_user) FROM cpu WHERE time >= "
                  + ns(from)
                  + " AND time < "
                  + ns(to)
                  + " GROUP BY time(1d), region fill(none)",
              lake == null
                  ? null
                  : "SELECT region, date_trunc('day', \"time\") AS d, avg(usage_user), max(usage_user),"
                      + " count(usage_user) FROM "
                      + lake
                      + where
                      + duck(from)
                      + " AND \"time\" < "
                      + duck(to)
                      + " GROUP BY 1, 2 ORDER BY 1, 2",
              false);
        }
      default:
        throw new AssertionError(this);
    }
  }

  /**
   * Hourly means of two hosts joined by hour, in SQL over {@code table} with {@code bucket} as the
   * hour.
   */
  private static String join(
      String table, String bucket, String a, String b, String from, String to) {
    String side =
        "(SELECT "
            + bucket
            + " AS h, AVG(usage_user) AS u FROM "
            + table
            + " WHERE host = '%s' AND \"time\" >= "
            + from
            + " AND \"time\" < "
            + to
            + " GROUP BY "
            + bucket
            + ")";
    return "SELECT a.h, a.u, b.u FROM "
        + side.formatted(a)
        + " AS a JOIN "
        + side.formatted(b)
        + " AS b ON a.h = b.h ORDER BY a.h";
  }

  private static Instant between(Random random, Instant from, Instant to) {
    long span = Math.max(1, Duration.between(from, to).getSeconds());
    return from.plusSeconds((long) (random.nextDouble() * span));
  }

  private static String sql(Instant t) {
    return "TIMESTAMP '" + SQL_TIME.format(t) + "'";
  }

  private static String duck(Instant t) {
    return "TIMESTAMPTZ '" + SQL_TIME.format(t) + "+00'";
  }

  private static long ns(Instant t) {
    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }
}
