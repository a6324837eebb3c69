package io.tidewater.federation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.tidewater.federation.influxql.Epoch;
import io.tidewater.federation.influxql.InfluxQLEngine;
import io.tidewater.federation.influxql.InfluxResults;
import io.tidewater.federation.influxql.Statement;
import java.io.IOException;
import java.io.StringWriter;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every statement of the table is sent to InfluxDB keeping everything (the truth) and to the
 * gateway's InfluxQL engine over the tiered database (history in the lake only); the JSON answers
 * must be equal, floats within 1e-9 relative. Time ranges are absolute, in milliseconds, as
 * Grafana's {@code $timeFilter} writes them, on both sides of the hot/lake split and across it.
 */
class InfluxQLDifferentialTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** {start}, {split}, {end}: the data's first day, the hot/lake split, the data's end, in ms. */
  private static final String STATEMENTS =
      """
      SELECT mean("usage") FROM "cpu" WHERE time >= {split-6h}ms and time <= {split+6h}ms GROUP BY time(1h) fill(null)
      SELECT mean("usage") FROM "cpu" WHERE time >= {split-6h}ms and time <= {split+6h}ms GROUP BY time(10m), "host" fill(null)
      SELECT mean("usage") FROM "cpu" WHERE ("host" =~ /^(a|c)$/) AND time >= {split-2h}ms and time <= {split+2h}ms GROUP BY time(15m), "host" fill(null)
      SELECT max("usage"), min("usage"), count("usage") FROM "cpu" WHERE time >= {start}ms and time <= {end}ms GROUP BY time(1d)
      SELECT sum("procs") FROM "cpu" WHERE time >= {split-1d}ms and time < {split+1d}ms GROUP BY time(1h), "region" fill(0)
      SELECT count("state") FROM "cpu" WHERE time >= {split-3h}ms and time <= {split+3h}ms GROUP BY time(30m) fill(null)
      SELECT count("state") FROM "cpu" WHERE time >= {split-3h}ms and time <= {split+3h}ms GROUP BY time(30m) fill(none)
      SELECT mean("usage") FROM "cpu" WHERE "host" = 'b' AND time >= {split-1h}ms and time <= {split+1h}ms GROUP BY time(5m) fill(previous)
      SELECT last("usage"), first("procs") FROM "cpu" WHERE time >= {split-2h}ms and time <= {split+2h}ms GROUP BY time(20m), "host"
      SELECT spread("usage"), stddev("usage") FROM "cpu" WHERE time >= {split-1d}ms and time <= {split+1d}ms GROUP BY time(6h)
      SELECT median("usage") FROM "cpu" WHERE time >= {split-4h}ms and time <= {split+4h}ms GROUP BY time(1h), "host"
      SELECT percentile("usage", 90), percentile("procs", 5), percentile("usage", 50.5) FROM "cpu" WHERE time >= {split-5h}ms and time <= {split+3h}ms GROUP BY time(1h), "host" fill(null)
      SELECT percentile("usage", 99.9) FROM "cpu" WHERE "host" = 'a' AND time >= {split-3h}ms and time <= {split-1h}ms GROUP BY time(20m)
      SELECT mean("usage") * 2 + 1 FROM "cpu" WHERE time >= {split-2h}ms and time <= {split+2h}ms GROUP BY time(30m)
      SELECT mean("usage") AS "avg", max("usage") AS "peak" FROM "cpu" WHERE time >= {split-2h}ms and time <= {split+2h}ms GROUP BY time(30m), "host" fill(none)
      SELECT count("usage") FROM "cpu" WHERE time >= {start}ms and time <= {end}ms GROUP BY "host"
      SELECT count("usage") FROM "cpu" WHERE time >= {split-1h}ms and time <= {split+1h}ms
      SELECT mean("usage") FROM "cpu" WHERE time >= {split-1h}ms and time <= {split+1h}ms GROUP BY time(7m, 2m) fill(null)
      SELECT "usage", "procs" FROM "cpu" WHERE "host" = 'a' AND time >= {split-30m}ms and time <= {split+30m}ms
      SELECT "usage" FROM "cpu" WHERE time >= {split-20m}ms and time <= {split+20m}ms GROUP BY "host"
      SELECT * FROM "cpu" WHERE "host" = 'c' AND time >= {split-15m}ms and time <= {split+15m}ms
      SELECT "usage" * 10, "procs" / 2 FROM "cpu" WHERE "host" = 'b' AND time >= {split-15m}ms and time <= {split+15m}ms
      SELECT "usage" FROM "cpu" WHERE "host" = 'a' AND time >= {split-1h}ms and time <= {split+1h}ms ORDER BY time DESC LIMIT 5
      SELECT "usage" FROM "cpu" WHERE "host" = 'a' AND time >= {split-1h}ms and time <= {split+1h}ms LIMIT 3 OFFSET 2
      SELECT "usage" FROM "cpu" WHERE time >= {split-1h}ms and time <= {split+1h}ms GROUP BY "host" LIMIT 2
      SELECT mean("usage") FROM "cpu" WHERE time >= {split-1h}ms and time <= {split+1h}ms GROUP BY time(10m), "host" SLIMIT 2 SOFFSET 1
      SELECT "usage" FROM "cpu" WHERE "usage" > 99 AND time >= {start}ms and time <= {end}ms
      SELECT "state" FROM "cpu" WHERE "state" = 'warn' AND "host" != 'a' AND time >= {split-6h}ms and time <= {split+6h}ms
      SELECT "usage" FROM "cpu" WHERE "host" !~ /^[ab]$/ AND time >= {split-1h}ms and time <= {split+1h}ms
      SELECT "usage" FROM "cpu" WHERE "host" = 'o\\'ne"il' AND time >= {split-3h}ms and time <= {split+3h}ms
      SELECT "usage" FROM "cpu" WHERE "host" =~ /e"i/ AND time >= {split-3h}ms and time <= {split+3h}ms
      SELECT "usage" FROM "cpu" WHERE "region" = '' AND time >= {split-3h}ms and time <= {split+3h}ms
      SELECT "usage" FROM "cpu" WHERE "region" = 'zürich' AND time >= {split-10m}ms and time <= {split+10m}ms
      SELECT "usage" FROM "cpu" WHERE ("host" = 'a' OR "host" = 'b') AND "usage" < 5 AND time >= {split-6h}ms and time <= {split+6h}ms
      SELECT "up" FROM "cpu" WHERE "up" = false AND "host" = 'a' AND time >= {split-6h}ms and time <= {split+6h}ms
      SELECT mean("used") FROM "mem" WHERE time >= {split-1d}ms and time <= {split+1d}ms GROUP BY time(2h), "host" fill(linear)
      SELECT mean("usage") FROM "cpu" WHERE time >= {split-1h}ms and time <= {split+1h}ms GROUP BY time(10m) fill(linear)
      SELECT mean("usage") FROM /^c/ WHERE time >= {split-1h}ms and time <= {split+1h}ms GROUP BY time(30m)
      SELECT max("used") FROM "mem", "cpu" WHERE time >= {split-1h}ms and time <= {split+1h}ms GROUP BY time(30m)
      SELECT mean("usage") FROM "cpu" WHERE time >= '2025-05-07T22:00:00Z' AND time < '2025-05-08T02:00:00Z' GROUP BY time(1h)
      SELECT mean("usage") FROM "cpu" WHERE time > {split}ms - 1h AND time < {split}ms + 1h GROUP BY time(20m) ORDER BY time DESC
      SELECT count("usage") FROM "cpu" WHERE time >= {split-1h}ms and time <= {split+1h}ms GROUP BY *
      SELECT mean("usage") FROM "cpu" WHERE time >= {split-1h}ms and time <= {split+1h}ms GROUP BY time(30m), /reg/
      SELECT "usage" FROM "cpu" WHERE time >= {split-1h}ms and time <= {split+1h}ms AND "host" = 'nobody'
      SELECT "usage" FROM "nosuch" WHERE time >= {split-1h}ms and time <= {split+1h}ms
      SELECT mean("usage") FROM "cpu" WHERE time >= {split-1h}ms and time <= {split+1h}ms GROUP BY time(10m) LIMIT 3 OFFSET 1
      SELECT count(distinct("host")) FROM "cpu" WHERE time >= {start}ms and time <= {end}ms
      SELECT mean("usage"), "host" FROM "cpu" WHERE time >= {split-1h}ms and time <= {split+1h}ms
      SELECT "host" FROM "cpu" WHERE time >= {split-1h}ms and time <= {split+1h}ms
      SELECT "usage" FROM "cpu" WHERE time >= {split-1h}ms and time <= {split+1h}ms GROUP BY time(10m)
      SELECT "usage" FROM "cpu" WHERE time != {split}ms
      SELECT mean("usage") FROM "cpu" WHERE time >= {split-30m}ms and time < {split+30m}ms GROUP BY time(1h)
      SELECT mean("usage") FROM "cpu" WHERE time >= {split-90m}ms and time < {split+90m}ms GROUP BY time(1h), "host" fill(none)
      SELECT count("usage") FROM "cpu" WHERE time >= {split-1d}ms and time < {split}ms GROUP BY time(1h)
      SELECT sum("usage") FROM "cpu" WHERE time >= {start}ms and time < {end}ms GROUP BY time(1d), "host"
      SELECT min("procs"), max("procs") FROM "cpu" WHERE time >= {start}ms and time < {end}ms GROUP BY time(12h) fill(-1)
      SELECT mean("procs") FROM "cpu" WHERE time >= {split-2h}ms and time <= {split+2h}ms GROUP BY time(30m), "host"
      SELECT count("up") FROM "cpu" WHERE "up" = true AND time >= {split-2h}ms and time <= {split+2h}ms GROUP BY time(1h)
      SELECT first("state"), last("state") FROM "cpu" WHERE time >= {split-1d}ms and time <= {split+1d}ms GROUP BY time(6h)
      SELECT first("usage"), last("usage") FROM "cpu" WHERE time >= {start}ms and time <= {split+1h}ms GROUP BY time(1h)
      SELECT first("procs"), last("procs") FROM "cpu" WHERE time >= {start}ms and time <= {end}ms GROUP BY time(1d)
      SELECT derivative(mean("usage"), 1m) FROM "cpu" WHERE time >= {split-3h}ms and time <= {split+1h}ms GROUP BY time(10m), "host"
      SELECT non_negative_derivative(mean("usage"), 1s) * 8 AS "bits" FROM "cpu" WHERE time >= {split-7263s}ms and time <= {split+1h}ms GROUP BY time(1m) fill(null)
      SELECT non_negative_derivative(max("procs")) FROM "cpu" WHERE time >= {start}ms and time <= {split-1h}ms GROUP BY time(1h), "host"
      SELECT derivative(sum("procs"), 1h) FROM "cpu" WHERE "host" = 'b' AND time >= {split-5h}ms and time <= {split-1h}ms GROUP BY time(30m) fill(linear)
      SELECT difference(sum("procs")) FROM "cpu" WHERE time >= {split-4h}ms and time <= {split+2h}ms GROUP BY time(30m) fill(0)
      SELECT non_negative_difference(mean("usage")) FROM "cpu" WHERE time >= {split-2h}ms and time <= {split+1h}ms GROUP BY time(20m), "host" fill(previous)
      SELECT moving_average(mean("usage"), 3) FROM "cpu" WHERE time >= {split-1d}ms and time <= {split+2h}ms GROUP BY time(1h) fill(none)
      SELECT cumulative_sum(count("usage")) FROM "cpu" WHERE time >= {split-6h}ms and time <= {split+3h}ms GROUP BY time(1h), "region"
      SELECT distinct("state") FROM "cpu" WHERE time >= {split-3h}ms and time <= {split+1h}ms GROUP BY time(1h)
      SELECT distinct("procs") FROM "cpu" WHERE time >= {split-2h}ms and time <= {split+30m}ms GROUP BY time(30m), "host" LIMIT 3
      SELECT DISTINCT "up" FROM "cpu" WHERE time >= {start}ms and time <= {split-1h}ms
      SELECT distinct("usage") AS "values" FROM "cpu" WHERE "host" = 'a' AND time >= {split-90m}ms and time <= {split+20m}ms GROUP BY time(20m) fill(0)
      SELECT count(distinct("state")) FROM "cpu" WHERE time >= {split-1d}ms and time <= {split+1h}ms GROUP BY time(6h)
      SELECT mode("state") FROM "cpu" WHERE time >= {split-1d}ms and time <= {split+6h}ms GROUP BY time(6h)
      SELECT derivative("usage", 1m) FROM "cpu" WHERE "host" = 'a' AND time >= {split-2h}ms and time <= {split+1h}ms
      SELECT non_negative_derivative("procs") FROM "cpu" WHERE time >= {split-1h}ms and time <= {split+30m}ms GROUP BY *
      SELECT difference("procs") FROM "cpu" WHERE time >= {split-3h}ms and time <= {split-1h}ms GROUP BY "host", "region" LIMIT 5
      SELECT moving_average("usage", 4) FROM "cpu" WHERE "host" = 'c' AND time >= {split-2h}ms and time <= {split+2h}ms
      SELECT cumulative_sum("procs") FROM "cpu" WHERE "host" = 'b' AND time >= {split-90m}ms and time <= {split+30m}ms
      SELECT non_negative_difference("usage") AS "d" FROM "cpu" WHERE time >= {start}ms and time <= {split-1d}ms GROUP BY * LIMIT 3 OFFSET 2
      SELECT max("m") FROM (SELECT mean("usage") AS "m" FROM "cpu" WHERE time >= {split-6h}ms and time <= {split+2h}ms GROUP BY time(10m), "host") WHERE time >= {split-6h}ms and time <= {split+2h}ms GROUP BY time(1h)
      SELECT mean("max") FROM (SELECT max("usage") FROM "cpu" WHERE time >= {split-1d}ms and time <= {split+1h}ms GROUP BY time(1h), "host" fill(none)) WHERE time >= {split-1d}ms and time <= {split+1h}ms GROUP BY time(6h), "host"
      SELECT sum("c") FROM (SELECT count("usage") AS "c" FROM "cpu" WHERE time >= {start}ms and time <= {split-1h}ms GROUP BY time(1h), "region" fill(none)) WHERE time >= {start}ms and time <= {split-1h}ms GROUP BY time(1d), "region"
      SELECT last("m"), count("m") FROM (SELECT mean("usage") AS "m" FROM "cpu" GROUP BY time(30m), "host") WHERE time >= {split-3h}ms and time <= {split+1h}ms GROUP BY "host"
      SELECT max("p") FROM (SELECT sum("procs") AS "p" FROM "cpu" WHERE time >= {split-2d}ms GROUP BY time(2h)) WHERE time >= {split-1d}ms and time <= {split-2h}ms AND "p" > 10 GROUP BY time(6h) fill(0)
      SELECT mode("up") FROM "cpu" WHERE time >= {split-3h}ms and time <= {split+1h}ms GROUP BY time(1h), "host"
      SELECT mode("usage") FROM "cpu" WHERE "host" = 'a' AND time >= {split-30m}ms and time <= {split+20m}ms GROUP BY time(10m)
      SELECT integral("usage") FROM "cpu" WHERE time >= {split-3h}ms and time <= {split+1h}ms GROUP BY time(1h), *
      SELECT integral("procs", 1m) FROM "cpu" WHERE "host" = 'a' AND time >= {split-2d}ms and time <= {split-1h}ms GROUP BY time(6h)
      SELECT integral("usage", 1h) AS "area" FROM "cpu" WHERE time >= {split-7263s}ms and time <= {split+1h}ms GROUP BY "host", "region"
      SELECT integral("usage", 10m) FROM "cpu" WHERE "host" = 'c' AND time >= {split-1d}ms and time <= {split+2h}ms GROUP BY time(1d) tz('Europe/Paris')
      SELECT mean("usage") FROM "cpu" WHERE time >= {start}ms and time <= {end}ms GROUP BY time(1d) tz('Europe/Paris')
      SELECT max("usage") FROM "cpu" WHERE time >= {split-1d}ms and time <= {split+6h}ms GROUP BY time(1h), "host" fill(null) tz('Asia/Kolkata')
      SELECT count("usage") FROM "cpu" WHERE time >= {split-2d}ms and time <= {split+1d}ms GROUP BY time(6h, 1h) fill(0) tz('America/New_York')
      SELECT "usage" FROM "cpu" WHERE "host" = 'a' AND time >= {split-20m}ms and time <= {split+10m}ms tz('Europe/Paris')
      SELECT last("usage") FROM "cpu" WHERE time >= {start}ms and time <= {split-1h}ms tz('Asia/Tokyo')
      SELECT sum("procs") FROM "cpu" WHERE time >= '2025-05-07 00:00:00' and time < '2025-05-09 00:00:00' GROUP BY time(1d) tz('Europe/Paris')
      SELECT derivative(mean("usage")), difference(max("usage")) FROM "cpu" WHERE time >= {split-2h}ms and time <= {split+1h}ms GROUP BY time(15m) LIMIT 5
      SELECT mean("usage") FROM "cpu" WHERE time >= {split-2h}ms and time <= {split+2h}ms GROUP BY time(45m) fill(previous)
      SELECT mean("usage") FROM "cpu" WHERE "host" = 'c' AND time >= {split-2h}ms and time <= {split+2h}ms GROUP BY time(5m) fill(linear)
      SELECT spread("procs") FROM "cpu" WHERE time >= {split-1d}ms and time <= {split+1d}ms GROUP BY time(6h), "region"
      SELECT stddev("procs") FROM "cpu" WHERE time >= {start}ms and time <= {end}ms GROUP BY "host"
      SELECT median("procs") FROM "cpu" WHERE time >= {split-6h}ms and time <= {split+6h}ms GROUP BY time(3h)
      SELECT mean("usage") / 100 FROM "cpu" WHERE time >= {split-1h}ms and time <= {split+1h}ms GROUP BY time(20m), "host"
      SELECT count("usage") + count("procs") FROM "cpu" WHERE time >= {split-1h}ms and time <= {split+1h}ms GROUP BY time(20m)
      SELECT "usage" FROM "cpu" WHERE "host" =~ /^a$/ AND time >= {split-10m}ms and time <= {split+10m}ms ORDER BY time DESC
      SELECT "usage" FROM "cpu" WHERE "region" =~ /ü/ AND time >= {split-10m}ms and time <= {split+10m}ms
      SELECT "usage" FROM "cpu" WHERE "region" !~ /./ AND time >= {split-2h}ms and time <= {split+2h}ms
      SELECT "usage" FROM "cpu" WHERE "usage" >= 50 AND "usage" < 51 AND time >= {start}ms and time <= {end}ms
      SELECT "procs" FROM "cpu" WHERE "procs" = 123 AND "host" = 'b' AND time >= {split-1d}ms and time <= {split+1d}ms
      SELECT "usage" FROM "cpu" WHERE time = {split}ms
      SELECT "usage", "state" FROM "cpu" WHERE "host" = 'a' AND time >= {split-2h}ms and time <= {split+2h}ms LIMIT 10
      SELECT * FROM "mem" WHERE time >= {split-20m}ms and time <= {split+20m}ms
      SELECT *::field FROM "cpu" WHERE "host" = 'a' AND time >= {split-10m}ms and time <= {split+10m}ms
      SELECT "used" FROM "mem" WHERE time >= {split-1h}ms and time <= {split+1h}ms GROUP BY * SLIMIT 1
      SELECT mean("usage") FROM "cpu" WHERE time >= {split+1h}ms and time <= {split+3h}ms GROUP BY time(30m), "host"
      SELECT mean("usage") FROM "cpu" WHERE time >= {start}ms and time <= {start+6h}ms GROUP BY time(1h), "host"
      SELECT count("usage") FROM "cpu" WHERE time >= {start-1d}ms and time <= {start+1h}ms GROUP BY time(30m) fill(none)
      SELECT last("usage") FROM "cpu" WHERE time >= {start}ms and time <= {split+1h}ms
      SELECT last("usage") FROM "cpu" WHERE time >= {start}ms and time <= {split-1h}ms
      SELECT first("usage") FROM "cpu" WHERE time >= {start}ms and time <= {end}ms GROUP BY "host"
      SELECT max("procs") FROM "cpu" WHERE time >= {split-1d}ms and time <= {split+1d}ms GROUP BY "region"
      SELECT min("usage") AS "low" FROM "cpu" WHERE "host" = 'a' AND time >= {start}ms and time <= {split}ms
      SELECT last("state") FROM "cpu" WHERE time >= {split-1d}ms and time <= {split-1h}ms GROUP BY "host"
      SELECT first("up") FROM "cpu" WHERE time >= {start}ms and time <= {end}ms
      SELECT last("used") FROM "mem" WHERE time >= {start}ms and time <= {split+30m}ms GROUP BY *
      SELECT max("usage") FROM "cpu" WHERE time >= {split-6h}ms and time <= {split+6h}ms
      SHOW MEASUREMENTS
      SHOW MEASUREMENTS WITH MEASUREMENT =~ /^m/ LIMIT 5
      SHOW TAG KEYS FROM "cpu"
      SHOW MEASUREMENTS WHERE "host" = 'c'
      SHOW MEASUREMENTS WHERE "region" =~ /^z/
      SHOW TAG KEYS WHERE "host" = 'o\\'ne"il'
      SHOW TAG KEYS FROM "cpu" WHERE "region" = 'eu'
      SHOW TAG KEYS
      SHOW FIELD KEYS
      SHOW FIELD KEYS FROM "mem"
      SHOW TAG VALUES WITH KEY = "host"
      SHOW TAG VALUES FROM "cpu" WITH KEY IN ("host", "region")
      SHOW TAG VALUES FROM "cpu" WITH KEY =~ /reg/ WHERE "host" = 'c'
      SHOW SERIES FROM "cpu"
      SHOW SERIES
      """;

  static Stream<Arguments> statements() {
    List<Arguments> out = new ArrayList<>();
    for (String line : STATEMENTS.strip().split("\n")) {
      out.add(Arguments.of(expand(line.strip())));
    }
    return out.stream();
  }

  /** Replaces {start}, {end} and {split[+-]N(s|m|h|d)} by epoch milliseconds. */
  private static String expand(String s) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (true) {
      int open = s.indexOf('{', i);
      if (open < 0) {
        return out.append(s.substring(i)).toString();
      }
      int close = s.indexOf('}', open);
      out.append(s, i, open);
      String ref = s.substring(open + 1, close);
      String base = ref.replaceAll("[+-].*", "");
      Instant t =
          switch (base) {
            case "start" -> InfluxQLFixture.START;
            case "end" -> InfluxQLFixture.END;
            case "split" -> InfluxQLFixture.SPLIT;
            default -> throw new IllegalArgumentException(ref);
          };
      if (ref.length() > base.length()) {
        char sign = ref.charAt(base.length());
        String amount = ref.substring(base.length() + 1);
        long n = Long.parseLong(amount.substring(0, amount.length() - 1));
        Duration d =
            switch (amount.charAt(amount.length() - 1)) {
              case 's' -> Duration.ofSeconds(n);
              case 'm' -> Duration.ofMinutes(n);
              case 'h' -> Duration.ofHours(n);
              case 'd' -> Duration.ofDays(n);
              default -> throw new IllegalArgumentException(ref);
            };
        t = sign == '+' ? t.plus(d) : t.minus(d);
      }
      out.append(t.toEpochMilli());
      i = close + 1;
    }
  }

  @ParameterizedTest
  @MethodSource("statements")
  void answersAsInfluxDbKeepingEverything(String q) throws Exception {
    compare(q, "");
  }

  @ParameterizedTest
  @MethodSource("epochs")
  void everyEpochAsInfluxDb(String epoch) throws Exception {
    compare(
        expand(
            "SELECT \"usage\" FROM \"cpu\" WHERE \"host\" = 'a' AND time >= {split-20m}ms and time"
                + " <= {split+20m}ms; SELECT mean(\"usage\") FROM \"cpu\" WHERE time >= {split-1h}ms"
                + " and time <= {split+1h}ms GROUP BY time(30m)"),
        "epoch=" + epoch);
  }

  static Stream<String> epochs() {
    return Stream.of("ns", "u", "ms", "s", "m", "h");
  }

  /**
   * Over the hot days InfluxDB alone answers, a statement is sent to it as written: every InfluxQL
   * function and tz() work there, even those the translation into SQL refuses (which still refuses
   * them over the lake, by name).
   */
  @ParameterizedTest
  @MethodSource("hotOnly")
  void hotStatementsAreInfluxDbsOwnAnswers(String q) throws Exception {
    InfluxQLFixture f = InfluxQLFixture.get();
    compare(expand(q), "", f.engine);
    String lake =
        q.replaceAll(
            "time >= \\{split\\+2h\\}ms and time <= \\{[^}]+\\}ms",
            "time >= {start}ms and time <= {split-1h}ms");
    String error = answer(f, expand(lake), Epoch.of(""), f.engine);
    assertTrue(error.contains("\"error\""), lake + ": " + error);
  }

  /** A statement sent on to InfluxDB is bounded by the request's row budget and deadline too. */
  @Test
  void hotStatementsKeepTheRequestsLimits() throws Exception {
    InfluxQLFixture f = InfluxQLFixture.get();
    String q =
        expand(
            "SELECT \"usage\" FROM \"cpu\" WHERE time >= {split+2h}ms and time <= {split+20h}ms");
    Statement s = f.engine.prepare(q, f.database, ReadAccess.ALL).get(0);
    InfluxResults.Result few =
        f.engine.execute(
            0,
            s,
            f.database,
            InfluxQLEngine.Limits.of(Duration.ofSeconds(30), 5, ReadAccess.ALL, null));
    assertTrue(
        String.valueOf(few.error()).contains("more than 5 rows"), String.valueOf(few.error()));
    InfluxResults.Result late =
        f.engine.execute(
            0,
            s,
            f.database,
            InfluxQLEngine.Limits.of(Duration.ofNanos(1), 1000, ReadAccess.ALL, null));
    assertTrue(String.valueOf(late.error()).contains("time limit"), String.valueOf(late.error()));
    InfluxResults.Result enough =
        f.engine.execute(
            0,
            s,
            f.database,
            InfluxQLEngine.Limits.of(Duration.ofSeconds(30), 100_000, ReadAccess.ALL, null));
    assertEquals(null, enough.error());
    assertTrue(enough.series().get(0).values().size() > 5);
  }

  /**
   * A retention policy the lake does not hold (named in FROM or by the request's {@code rp}) is
   * InfluxDB's to answer, over any range; the tiered one named explicitly is still federated.
   */
  @Test
  void otherRetentionPoliciesAreInfluxDbsOwn() throws Exception {
    InfluxQLFixture f = InfluxQLFixture.get();
    String lines =
        "cpu,host=a,region=eu usage=1.5 "
            + InfluxQLFixture.START.plusSeconds(60).getEpochSecond()
            + "000000000\n"
            + "cpu,host=a,region=eu usage=2.5 "
            + InfluxQLFixture.SPLIT.plusSeconds(60).getEpochSecond()
            + "000000000\n";
    for (String db : List.of(f.database, f.truth)) {
      f.influx.query(
          db, "CREATE RETENTION POLICY \"week\" ON \"" + db + "\" DURATION 0s REPLICATION 1");
      HttpResponse<String> w =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(f.influx.url().resolve("/write?db=" + db + "&rp=week"))
                      .POST(HttpRequest.BodyPublishers.ofString(lines))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertEquals(204, w.statusCode(), w.body());
    }
    String q =
        expand(
            "SELECT count(\"usage\"), sum(\"usage\") FROM \"week\".\"cpu\" WHERE time >= {start}ms and time <= {end}ms");
    compare(q, "");
    // The request's rp= names it for a FROM without one.
    String plain =
        expand("SELECT sum(\"usage\") FROM \"cpu\" WHERE time >= {start}ms and time <= {end}ms");
    HttpResponse<String> truth = f.truth(plain, "rp=week");
    Statement s = f.engine.prepare(plain, f.database, ReadAccess.ALL).get(0);
    InfluxResults.Result ours =
        f.engine.execute(
            0,
            s,
            f.database,
            "week",
            InfluxQLEngine.Limits.of(Duration.ofSeconds(30), 1000, ReadAccess.ALL, null));
    assertEquals(null, ours.error());
    assertEquals(4.0, ((Number) ours.series().get(0).values().get(0).get(1)).doubleValue());
    assertTrue(truth.body().contains(",4]"), truth.body());
    // The tiered (default) policy named explicitly is read across the lake too.
    compare(
        expand(
            "SELECT count(\"usage\") FROM \"autogen\".\"cpu\" WHERE time >= {start}ms and time <= {end}ms GROUP BY time(1d)"),
        "");
  }

  static Stream<String> hotOnly() {
    return Stream.of(
        "SELECT derivative(\"usage\", 1m) FROM \"cpu\" WHERE time >= {split+2h}ms and time <= {split+8h}ms",
        "SELECT percentile(\"usage\", 90) FROM \"cpu\" WHERE time >= {split+2h}ms and time <= {split+5h}ms",
        "SELECT top(\"usage\", \"host\", 3) FROM \"cpu\" WHERE time >= {split+2h}ms and time <= {split+5h}ms",
        "SELECT integral(\"usage\") FROM \"cpu\" WHERE time >= {split+2h}ms and time <= {split+1d}ms GROUP BY time(1h)",
        "SELECT mean(\"usage\") FROM (SELECT \"usage\" FROM \"cpu\" WHERE time >= {split+2h}ms and time <= {split+5h}ms) WHERE time >= {split+2h}ms and time <= {split+5h}ms");
  }

  private void compare(String q, String params) throws Exception {
    InfluxQLFixture f = InfluxQLFixture.get();
    compare(q, params, f.engine);
    compare(q, params, f.translating);
  }

  private void compare(String q, String params, InfluxQLEngine engine) throws Exception {
    InfluxQLFixture f = InfluxQLFixture.get();
    HttpResponse<String> truth = f.truth(q, params);
    assertEquals(200, truth.statusCode(), truth.body());
    String epoch = params.startsWith("epoch=") ? params.substring(6) : "";
    String ours = answer(f, q, Epoch.of(epoch), engine);
    JsonNode expected = sortTies(JSON.readTree(truth.body()));
    JsonNode actual = sortTies(JSON.readTree(ours));
    if (q.contains("integral(")) {
      // integral()'s last windows come from a Go map's iteration: their series' order is random.
      sortSeries(expected);
      sortSeries(actual);
    }
    List<String> differences = new ArrayList<>();
    diff("", expected, actual, differences);
    if (!differences.isEmpty()) {
      fail(
          q
              + "\n"
              + String.join("\n", differences.subList(0, Math.min(10, differences.size())))
              + "\ntruth:   "
              + abbreviate(truth.body())
              + "\ngateway: "
              + abbreviate(ours));
    }
  }

  private static String answer(InfluxQLFixture f, String q, Epoch epoch, InfluxQLEngine engine)
      throws IOException {
    List<Statement> statements = engine.prepare(q, f.database, ReadAccess.ALL);
    InfluxQLEngine.Limits limits =
        InfluxQLEngine.Limits.of(Duration.ofSeconds(60), 1_000_000, ReadAccess.ALL, null);
    List<InfluxResults.Result> results = new ArrayList<>();
    for (int i = 0; i < statements.size(); i++) {
      results.add(engine.execute(i, statements.get(i), f.database, limits));
    }
    StringWriter w = new StringWriter();
    try (JsonGenerator g = JSON.getFactory().createGenerator(w)) {
      InfluxResults.write(g, results, epoch);
    }
    return w.toString();
  }

  /** Each result's series sorted by their JSON text. */
  private static void sortSeries(JsonNode answer) {
    for (JsonNode result : answer.path("results")) {
      if (result.get("series") instanceof ArrayNode series) {
        List<JsonNode> all = new ArrayList<>();
        series.forEach(all::add);
        all.sort(Comparator.comparing(JsonNode::toString));
        series.removeAll();
        all.forEach(series::add);
      }
    }
  }

  /**
   * Rows of a series at the same time in a stable order: InfluxDB leaves the order of points of
   * different series at one time unspecified when it merges them.
   */
  private static JsonNode sortTies(JsonNode node) {
    if (node.isObject()) {
      node.fields()
          .forEachRemaining(
              en -> {
                if (en.getKey().equals("values") && en.getValue().isArray()) {
                  List<JsonNode> rows = new ArrayList<>();
                  en.getValue().forEach(rows::add);
                  // Only runs of rows at one time are sorted: the order of times is compared.
                  for (int from = 0; from < rows.size(); ) {
                    int to = from + 1;
                    while (to < rows.size() && rows.get(to).get(0).equals(rows.get(from).get(0))) {
                      to++;
                    }
                    rows.subList(from, to).sort(Comparator.comparing(JsonNode::toString));
                    from = to;
                  }
                  ArrayNode sorted = ((ArrayNode) en.getValue()).removeAll();
                  rows.forEach(sorted::add);
                } else {
                  sortTies(en.getValue());
                }
              });
    } else if (node.isArray()) {
      node.forEach(InfluxQLDifferentialTest::sortTies);
    }
    return node;
  }

  private static void diff(String path, JsonNode e, JsonNode a, List<String> out) {
    if (e.isNumber() && a.isNumber()) {
      double x = e.asDouble();
      double y = a.asDouble();
      if (x != y && Math.abs(x - y) > 1e-9 * Math.max(Math.abs(x), Math.abs(y))) {
        out.add(path + ": " + e + " != " + a);
      }
      return;
    }
    if (e.isObject() && a.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> fields = e.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> en = fields.next();
        JsonNode other = a.get(en.getKey());
        if (other == null) {
          out.add(path + "." + en.getKey() + ": missing");
        } else {
          diff(path + "." + en.getKey(), en.getValue(), other, out);
        }
      }
      a.fieldNames()
          .forEachRemaining(
              n -> {
                if (!e.has(n)) {
                  out.add(path + "." + n + ": unexpected " + abbreviate(a.get(n).toString()));
                }
              });
      return;
    }
    if (e.isArray() && a.isArray()) {
      if (e.size() != a.size()) {
        out.add(path + ": " + e.size() + " elements, not " + a.size());
      }
      for (int i = 0; i < Math.min(e.size(), a.size()); i++) {
        diff(path + "[" + i + "]", e.get(i), a.get(i), out);
      }
      return;
    }
    if (!e.equals(a)) {
      out.add(path + ": " + e + " != " + a);
    }
  }

  private static String abbreviate(String s) {
    return s.length() > 1500 ? s.substring(0, 1500) + "..." : s;
  }
}
