package io.tidewater.lifecycle.cdc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tidewater.lifecycle.export.ExportJob;
import io.tidewater.lifecycle.export.JobReport;
import io.tidewater.lifecycle.export.WindowExport;
import io.tidewater.lifecycle.influx.InfluxClient;
import io.tidewater.lifecycle.influx.InfluxConnection;
import io.tidewater.lifecycle.lake.DataFile;
import io.tidewater.lifecycle.lake.Ledger;
import io.tidewater.lifecycle.lake.WindowVersion;
import io.tidewater.lifecycle.store.LakeLocation;
import io.tidewater.lifecycle.store.TestStores;
import io.tidewater.policy.Durations;
import io.tidewater.policy.PolicyParser;
import io.tidewater.policy.Resolution;
import io.tidewater.policy.TieringPolicy;
import io.tidewater.policy.Window;
import io.tidewater.testing.InfluxServer;
import io.tidewater.testing.TestServers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tier keeping only rollups coarser than a window (hourly windows, daily rollups, no full
 * resolution): an export builds each day's rollup from InfluxDB, and a late write into one of its
 * hours rebuilds the day, after which the rollup equals InfluxDB's own aggregates (read with
 * DuckDB).
 */
class SpanRollupRepairTest {

  static final Instant NOW = Instant.parse("2025-06-01T12:30:00Z");
  static final Window DAY =
      new Window(Instant.parse("2025-04-01T00:00:00Z"), Instant.parse("2025-04-02T00:00:00Z"));
  static final Resolution DAILY = Resolution.rollup(Duration.ofDays(1));

  @TempDir Path temp;

  InfluxServer influx;
  InfluxClient client;
  String db;
  Ledger ledger;
  MovableClock clock;
  ExportJob job;
  TieringPolicy policy;

  @BeforeEach
  void setUp() {
    influx = TestServers.influx();
    client = new InfluxClient(InfluxConnection.of(influx.url()));
    db = influx.newDatabase("span");
    StringBuilder lp = new StringBuilder();
    for (int hour : new int[] {8, 9, 17}) {
      for (String host : List.of("a", "b")) {
        for (int minute = 0; minute < 60; minute += 10) {
          long t = Durations.epochNanos(DAY.start()) + (hour * 60L + minute) * 60_000_000_000L;
          lp.append("cpu,host=")
              .append(host)
              .append(" v=")
              .append(hour + minute / 100.0)
              .append(' ')
              .append(t)
              .append('\n');
        }
      }
    }
    influx.write(db, lp.toString());
    policy =
        new PolicyParser()
            .parse(
                "p.yaml",
                """
        name: span
        source: { database: %s, measurements: [cpu] }
        window: 1h
        settle: 5m
        tiers:
          hot: { keep: 30d }
          cold: { after: 30d, rollups: [1d], raw: none }
        """
                    .formatted(db))
            .get(0);
    ledger = new Ledger(TestStores.local());
    clock = new MovableClock(NOW);
    job =
        ExportJob.builder(policy, client, ledger)
            .stagingDir(temp)
            .clock(clock)
            .retries(2, Duration.ofMillis(10))
            .build();
  }

  @Test
  void aDaysRollupIsBuiltFromInfluxDbAndRebuiltAfterALateWrite() {
    JobReport first = job.runDue().orElseThrow();
    assertEquals(List.of(), first.failures());
    assertEquals(
        3, first.exported().size(), "the three hours holding data, all through the day's rollup");
    assertTrue(
        first.exported().stream().allMatch(e -> e.resolutions().equals(List.of("1d"))),
        first.toString());
    assertEquals(influx(), lake());
    assertEquals(
        List.of(), job.runDue().orElseThrow().exported(), "the day is held: not built again");

    Window nine = new Window(DAY.start().plusSeconds(9 * 3600), DAY.start().plusSeconds(10 * 3600));
    try (ChangeCapture capture =
        new ChangeCapture(
            new ChangeLog(temp.resolve("log"), 1 << 20, 0), List.of(policy), (d, m) -> {})) {
      String lines =
          "cpu,host=c v=100.5 "
              + (Durations.epochNanos(nine.start()) + 1)
              + "\ncpu,host=a v=-3.25 "
              + (Durations.epochNanos(nine.start()) + 2);
      influx.write(db, lines);
      byte[] body = lines.getBytes(StandardCharsets.UTF_8);
      long received = Durations.epochNanos(clock.instant());
      capture.accept(
          db,
          "autogen",
          LineProtocol.Precision.NANOSECONDS,
          received,
          body,
          LineProtocol.stamps(body, LineProtocol.Precision.NANOSECONDS, received).points());
      assertEquals(List.of(nine), capture.dirtyWindows(db, "cpu"));
      assertTrue(!influx().equals(lake()), "the day's rollup lacks the late points");

      clock.advance(Duration.ofMinutes(6));
      DirtyWindowRepair.Round round = new DirtyWindowRepair(capture, List.of(job), clock).run();
      assertEquals(List.of(), round.failures());
      assertEquals(List.of(nine), round.reexported().stream().map(WindowExport::window).toList());
      assertEquals(List.of(), capture.dirtyWindows(db, "cpu"));
      assertEquals(influx(), lake());
      assertEquals(3, lake().size(), "host c is new");
    }
  }

  /** host -> "count sum min max" of the day per InfluxQL. */
  private Map<String, String> influx() {
    Map<String, String> out = new TreeMap<>();
    for (String host : List.of("a", "b", "c")) {
      List<List<Object>> rows =
          client.rows(
              db,
              "SELECT count(v), sum(v), min(v), max(v) FROM cpu WHERE host = '"
                  + host
                  + "' AND time >= "
                  + Durations.epochNanos(DAY.start())
                  + " AND time < "
                  + Durations.epochNanos(DAY.end()));
      if (!rows.isEmpty()) {
        out.put(
            host,
            ((Number) rows.get(0).get(1)).longValue()
                + " "
                + ((Number) rows.get(0).get(2)).doubleValue()
                + " "
                + ((Number) rows.get(0).get(3)).doubleValue()
                + " "
                + ((Number) rows.get(0).get(4)).doubleValue());
      }
    }
    return out;
  }

  /** host -> "count sum min max" per DuckDB over the day's rollup files. */
  private Map<String, String> lake() {
    WindowVersion v = ledger.latest(db, "cpu", DAILY, DAY).orElseThrow();
    Path root = ((LakeLocation.Local) ledger.store().location()).root().toAbsolutePath();
    String files =
        v.files().stream()
            .map(DataFile::key)
            .map(k -> "'" + root.resolve(k) + "'")
            .collect(Collectors.joining(", ", "[", "]"));
    Map<String, String> out = new TreeMap<>();
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT host, sum(v_count), sum(v_sum), min(v_min), max(v_max) FROM read_parquet("
                    + files
                    + ") GROUP BY host")) {
      while (rs.next()) {
        out.put(
            rs.getString(1),
            rs.getLong(2) + " " + rs.getDouble(3) + " " + rs.getDouble(4) + " " + rs.getDouble(5));
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return out;
  }
}
