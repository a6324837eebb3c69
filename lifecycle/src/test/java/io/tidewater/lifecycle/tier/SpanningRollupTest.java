package io.tidewater.lifecycle.tier;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tidewater.lifecycle.export.ExportJob;
import io.tidewater.lifecycle.influx.InfluxClient;
import io.tidewater.lifecycle.influx.InfluxConnection;
import io.tidewater.lifecycle.lake.LakeRows;
import io.tidewater.lifecycle.lake.Ledger;
import io.tidewater.lifecycle.lake.WindowVersion;
import io.tidewater.lifecycle.lake.WindowWriter;
import io.tidewater.lifecycle.parquet.SeriesRows;
import io.tidewater.lifecycle.store.TestStores;
import io.tidewater.policy.Durations;
import io.tidewater.policy.PolicyParser;
import io.tidewater.policy.Resolution;
import io.tidewater.policy.TieringPolicy;
import io.tidewater.policy.Window;
import io.tidewater.testing.InfluxServer;
import io.tidewater.testing.TestServers;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Daily rollups with hourly windows: built from the day's windows once the day has closed, equal to
 * InfluxQL's.
 */
class SpanningRollupTest {

  static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");
  static final Window DAY =
      new Window(Instant.parse("2025-03-01T00:00:00Z"), Instant.parse("2025-03-02T00:00:00Z"));
  static final Resolution D1 = Resolution.rollup(Duration.ofDays(1));

  @TempDir Path temp;

  @Test
  void aDailyRollupIsBuiltFromTheDaysWindowsAndRebuiltWhenOneIsReExported() {
    InfluxServer influx = TestServers.influx();
    String db = influx.newDatabase("span");
    StringBuilder lp = new StringBuilder();
    for (int i = 0; i < 24 * 6; i++) {
      for (String host : List.of("a", "b")) {
        lp.append("cpu,host=")
            .append(host)
            .append(" v=")
            .append(i % 17)
            .append(".5,n=")
            .append(i)
            .append("i ")
            .append(Durations.epochNanos(DAY.start()) + i * 600_000_000_000L + host.charAt(0))
            .append('\n');
      }
    }
    influx.write(db, lp.toString());
    TieringPolicy policy =
        new PolicyParser()
            .parse(
                "s.yaml",
                """
        name: span
        source: { database: %s, measurements: [cpu] }
        window: 1h
        tiers:
          hot: { keep: 30d }
          warm: { after: 30d, rollups: [1m, 1d] }
        """
                    .formatted(db))
            .get(0);
    Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    Ledger ledger = new Ledger(TestStores.local());
    InfluxClient client = new InfluxClient(InfluxConnection.of(influx.url()));
    WindowWriter writer = new WindowWriter(ledger, temp, clock);
    ExportJob.builder(policy, client, ledger)
        .writer(writer)
        .clock(clock)
        .retries(1, Duration.ofMillis(1))
        .build()
        .runDue()
        .orElseThrow();
    assertEquals(24, ledger.windows(db, "cpu", Resolution.RAW).size());
    assertEquals(
        List.of(), ledger.windows(db, "cpu", D1), "the export writes per-window resolutions only");

    TierReport report = new TierMover(policy, ledger, writer, clock).run(List.of("cpu"));
    assertEquals(List.of(), report.failures());
    assertEquals(1, report.rollupsBuilt());
    List<WindowVersion> daily = ledger.windows(db, "cpu", D1);
    assertEquals(List.of(DAY), daily.stream().map(WindowVersion::window).toList());
    assertEquals(influxDaily(client, db), ours(LakeRows.read(ledger, daily.get(0))));

    assertEquals(
        0,
        new TierMover(policy, ledger, writer, clock).run(List.of("cpu")).rollupsBuilt(),
        "up to date");

    // A late point, an hour re-exported later: the day is rebuilt and still equals InfluxDB.
    influx.write(
        db,
        "cpu,host=a v=1000.5,n=9999i "
            + (Durations.epochNanos(DAY.start()) + 7_200_000_000_000L + 7)
            + "\n");
    Clock later = Clock.fixed(NOW.plusSeconds(60), ZoneOffset.UTC);
    WindowWriter laterWriter = new WindowWriter(ledger, temp, later);
    ExportJob.builder(policy, client, ledger)
        .writer(laterWriter)
        .clock(later)
        .retries(1, Duration.ofMillis(1))
        .build()
        .backfill(DAY.start().plusSeconds(7200), DAY.start().plusSeconds(3 * 3600))
        .orElseThrow();
    assertEquals(
        1, new TierMover(policy, ledger, laterWriter, later).run(List.of("cpu")).rollupsBuilt());
    assertEquals(
        influxDaily(client, db), ours(LakeRows.read(ledger, ledger.windows(db, "cpu", D1).get(0))));
  }

  /** host -> "count sum min max first last" of v over the day, from InfluxQL. */
  private static Map<String, String> influxDaily(InfluxClient client, String db) {
    Map<String, String> out = new TreeMap<>();
    List<List<Object>> rows =
        client.rows(
            db,
            "SELECT count(v), sum(v), min(v), max(v), first(v), last(v), max(n) FROM cpu"
                + " WHERE time >= "
                + Durations.epochNanos(DAY.start())
                + " AND time < "
                + Durations.epochNanos(DAY.end())
                + " GROUP BY time(1d), host fill(none)");
    String[] hosts = {"a", "b"};
    for (int i = 0; i < rows.size(); i++) {
      List<Object> r = rows.get(i);
      out.put(
          hosts[i],
          r.get(1)
              + " "
              + ((Number) r.get(2)).doubleValue()
              + " "
              + ((Number) r.get(3)).doubleValue()
              + " "
              + ((Number) r.get(4)).doubleValue()
              + " "
              + ((Number) r.get(5)).doubleValue()
              + " "
              + ((Number) r.get(6)).doubleValue()
              + " "
              + r.get(7));
    }
    return out;
  }

  private static Map<String, String> ours(SeriesRows d) {
    Map<String, String> out = new TreeMap<>();
    var s = d.schema();
    for (int r = 0; r < d.size(); r++) {
      out.put(
          d.tagValueAt(0, r),
          d.longValue(s.fieldIndex("v_count"), r)
              + " "
              + d.doubleValue(s.fieldIndex("v_sum"), r)
              + " "
              + d.doubleValue(s.fieldIndex("v_min"), r)
              + " "
              + d.doubleValue(s.fieldIndex("v_max"), r)
              + " "
              + d.doubleValue(s.fieldIndex("v_first"), r)
              + " "
              + d.doubleValue(s.fieldIndex("v_last"), r)
              + " "
              + d.longValue(s.fieldIndex("n_max"), r));
    }
    return out;
  }
}
