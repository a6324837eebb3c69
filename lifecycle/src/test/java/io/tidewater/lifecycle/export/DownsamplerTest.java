package io.tidewater.lifecycle.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tidewater.lifecycle.influx.InfluxClient;
import io.tidewater.lifecycle.influx.InfluxConnection;
import io.tidewater.lifecycle.influx.InfluxQl;
import io.tidewater.lifecycle.parquet.MeasurementSchema;
import io.tidewater.lifecycle.parquet.SeriesRows;
import io.tidewater.policy.Durations;
import io.tidewater.policy.Resolution;
import io.tidewater.testing.InfluxServer;
import io.tidewater.testing.TestServers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Rollups equal what InfluxDB's own GROUP BY time(...) computes, from raw points and from finer
 * rollups.
 */
class DownsamplerTest {

  static final long HOUR = 1_736_935_200_000_000_000L; // 2025-01-15T10:00:00Z
  static InfluxServer influx;
  static InfluxClient client;
  static String db;
  static SeriesRows raw;

  @BeforeAll
  static void load() {
    influx = TestServers.influx();
    client = new InfluxClient(InfluxConnection.of(influx.url()));
    db = influx.newDatabase("rollup");
    Random random = new Random(5);
    StringBuilder lp = new StringBuilder();
    for (String host : List.of("a", "b", "c d")) {
      long t = HOUR;
      while (t < HOUR + 3_600_000_000_000L) {
        lp.append("m,host=")
            .append(host.replace(" ", "\\ "))
            .append(' ')
            .append("f=")
            .append(Math.round(random.nextGaussian() * 1000) / 8.0)
            .append(",i=")
            .append(random.nextInt(2000) - 1000)
            .append('i')
            .append(",s=\"v")
            .append(random.nextInt(5))
            .append('"');
        if (random.nextBoolean()) {
          lp.append(",b=").append(random.nextBoolean());
        }
        lp.append(' ').append(t).append('\n');
        t += 1_000_000_000L * (1 + random.nextInt(20));
      }
    }
    influx.write(db, lp.toString());
    MeasurementSchema schema = client.schema(db, Optional.empty(), "m");
    raw = new SeriesRows(schema);
    client.readWindow(db, Optional.empty(), HOUR, HOUR + 3_600_000_000_000L, raw);
  }

  /** "host|bucket|field|count|sum|min|max|first|last" lines from InfluxQL. */
  private static List<String> influxRollup(String width) {
    List<String> lines = new ArrayList<>();
    for (String field : List.of("f", "i")) {
      for (List<Object> row :
          client.rows(
              db,
              "SELECT count("
                  + InfluxQl.identifier(field)
                  + "), sum("
                  + field
                  + "), min("
                  + field
                  + "), max("
                  + field
                  + "), first("
                  + field
                  + "), last("
                  + field
                  + ") FROM m WHERE time >= "
                  + HOUR
                  + " AND time < "
                  + (HOUR + 3_600_000_000_000L)
                  + " GROUP BY time("
                  + width
                  + "), host fill(none)")) {
        lines.add(
            field
                + "|"
                + row.get(0)
                + "|"
                + num(row.get(1))
                + "|"
                + num(row.get(2))
                + "|"
                + num(row.get(3))
                + "|"
                + num(row.get(4))
                + "|"
                + num(row.get(5))
                + "|"
                + num(row.get(6)));
      }
    }
    for (List<Object> row :
        client.rows(
            db,
            "SELECT count(s), first(s), last(s) FROM m WHERE time >= "
                + HOUR
                + " AND time < "
                + (HOUR + 3_600_000_000_000L)
                + " GROUP BY time("
                + width
                + "), host fill(none)")) {
      lines.add("s|" + row.get(0) + "|" + num(row.get(1)) + "|" + row.get(2) + "|" + row.get(3));
    }
    return lines;
  }

  /**
   * The same lines from our rollup rows (per series the host is not in InfluxQL's row, so it is
   * left out of both).
   */
  private static List<String> ours(SeriesRows rollup) {
    MeasurementSchema s = rollup.schema();
    List<String> lines = new ArrayList<>();
    TreeMap<String, Integer> order = new TreeMap<>();
    for (int r = 0; r < rollup.size(); r++) {
      order.put(rollup.tagValueAt(0, r) + "|" + rollup.timeNanos(r), r);
    }
    for (String field : List.of("f", "i")) {
      for (int r : order.values()) {
        boolean isFloat = field.equals("f");
        lines.add(
            field
                + "|"
                + rollup.timeNanos(r)
                + "|"
                + rollup.longValue(s.fieldIndex(field + "_count"), r)
                + "|"
                + value(rollup, s, field + "_sum", r, isFloat)
                + "|"
                + value(rollup, s, field + "_min", r, isFloat)
                + "|"
                + value(rollup, s, field + "_max", r, isFloat)
                + "|"
                + value(rollup, s, field + "_first", r, isFloat)
                + "|"
                + value(rollup, s, field + "_last", r, isFloat));
      }
    }
    for (int r : order.values()) {
      lines.add(
          "s|"
              + rollup.timeNanos(r)
              + "|"
              + rollup.longValue(s.fieldIndex("s_count"), r)
              + "|"
              + rollup.stringValue(s.fieldIndex("s_first"), r)
              + "|"
              + rollup.stringValue(s.fieldIndex("s_last"), r));
    }
    return lines;
  }

  private static String value(
      SeriesRows rows, MeasurementSchema s, String column, int r, boolean isFloat) {
    int c = s.fieldIndex(column);
    return isFloat ? num(rows.doubleValue(c, r)) : num(rows.longValue(c, r));
  }

  private static String num(Object o) {
    if (o instanceof Double d) {
      return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString(d.longValue()) : d.toString();
    }
    return String.valueOf(o);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"1m", "5m", "1h"})
  void rollupsFromRawPointsEqualInfluxQl(String width) {
    SeriesRows rollup = Downsampler.rollup(raw, Resolution.rollup(Durations.parse(width)));
    List<String> expected = influxRollup(width);
    assertTrue(expected.size() > 6, "InfluxDB returned buckets: " + expected.size());
    assertEquals(expected, ours(rollup));
  }

  @ParameterizedTest(name = "1m rolled up to {0}")
  @ValueSource(strings = {"5m", "1h"})
  void coarserRollupsFromFinerOnesEqualInfluxQl(String width) {
    SeriesRows minute = Downsampler.rollup(raw, Resolution.rollup(Duration.ofMinutes(1)));
    SeriesRows coarse =
        Downsampler.reaggregate(minute, raw.schema(), Resolution.rollup(Durations.parse(width)));
    assertEquals(influxRollup(width), ours(coarse));
  }
}
