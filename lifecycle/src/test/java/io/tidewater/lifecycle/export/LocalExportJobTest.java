package io.tidewater.lifecycle.export;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tidewater.lifecycle.lake.LakeLayout;
import io.tidewater.lifecycle.lake.WindowVersion;
import io.tidewater.lifecycle.store.LakeLocation;
import io.tidewater.lifecycle.store.LakeStore;
import io.tidewater.lifecycle.store.TestStores;
import io.tidewater.policy.Durations;
import io.tidewater.policy.Resolution;
import io.tidewater.policy.Window;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LocalExportJobTest extends ExportJobContract {
  @Override
  protected LakeStore store() {
    return TestStores.local();
  }

  /**
   * After a run, the next looks only at windows past the point the lake was recorded complete (read
   * directly, empty ones skipped): it exports the newly due hour holding points and no empty one; a
   * late point in an hour that was empty when the lake was recorded complete past it waits for
   * change capture or a backfill, which exports it.
   */
  @Test
  void laterRunsLookPastTheLakesCompletePointAndBackfillReachesALatePointInAnEmptyHour() {
    assertEquals(List.of(), job.runDue().orElseThrow().failures());
    Window emptyHour = hour("2025-05-31T05:00:00Z"); // hot, empty, before the recorded point
    assertEquals(
        List.of(), windows("cpu", Resolution.RAW).stream().filter(emptyHour::equals).toList());
    influx.write(
        db, "cpu,host=a v=1.5,n=1i " + (Durations.epochNanos(emptyHour.start()) + 7) + "\n");
    Clock later =
        Clock.fixed(
            NOW.plus(Duration.ofHours(3)),
            ZoneOffset.UTC); // 11:00 (holding points) to 14:00 now due
    ExportJob next =
        ExportJob.builder(policy, client, ledger)
            .stagingDir(temp)
            .clock(later)
            .retries(3, Duration.ofMillis(10))
            .build();
    JobReport report = next.runDue().orElseThrow();
    assertEquals(List.of(), report.failures());
    assertEquals(
        List.of(UNSETTLED, UNSETTLED),
        report.exported().stream().map(WindowExport::window).toList(),
        "the newly due hour of cpu and of disk_io, not the empty hours after it nor the late point's: "
            + report);
    assertEquals(
        List.of(), windows("cpu", Resolution.RAW).stream().filter(emptyHour::equals).toList());
    JobReport backfill = next.backfill(emptyHour.start(), emptyHour.end()).orElseThrow();
    assertEquals(
        List.of(emptyHour),
        backfill.exported().stream().map(WindowExport::window).toList(),
        "cpu only: disk_io has nothing there");
    WindowVersion v = ledger.latest(db, "cpu", Resolution.RAW, emptyHour).orElseThrow();
    assertEquals(Map.of("a", "1 1.5"), lakePerSeries(v), "the late point");
    assertEquals(influxPerSeries("cpu", emptyHour), lakePerSeries(v));
  }

  /**
   * DuckDB over the exported folders agrees with InfluxQL per series, over every exported window.
   */
  @Test
  void duckDbOverTheFilesAgreesWithInfluxDb() throws Exception {
    job.runDue().orElseThrow();
    String root = ((LakeLocation.Local) store().location()).root().toAbsolutePath().toString();
    String glob =
        root + "/" + LakeLayout.resolutionPrefix(db, "cpu", Resolution.RAW) + "**/*.parquet";
    List<String> duck = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT host, count(v), sum(v), min(v), max(v) FROM read_parquet('"
                    + glob
                    + "') GROUP BY host ORDER BY host")) {
      while (rs.next()) {
        duck.add(
            rs.getString(1)
                + " "
                + rs.getLong(2)
                + " "
                + rs.getDouble(3)
                + " "
                + rs.getDouble(4)
                + " "
                + rs.getDouble(5));
      }
    }
    // InfluxQL has no OR of time ranges: ask per window and combine.
    String[] hosts = {"a", "b", "c"};
    double[][] acc = new double[3][];
    for (int i = 0; i < 3; i++) {
      acc[i] = new double[] {0, 0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
    }
    for (var w : concat(COLD, WARM, HOT)) {
      List<List<Object>> rows =
          client.rows(
              db,
              "SELECT count(v), sum(v), min(v), max(v) FROM cpu WHERE time >= "
                  + Durations.epochNanos(w.start())
                  + " AND time < "
                  + Durations.epochNanos(w.end())
                  + " GROUP BY host");
      for (int i = 0; i < rows.size(); i++) {
        List<Object> r = rows.get(i);
        acc[i][0] += ((Number) r.get(1)).doubleValue();
        acc[i][1] += ((Number) r.get(2)).doubleValue();
        acc[i][2] = Math.min(acc[i][2], ((Number) r.get(3)).doubleValue());
        acc[i][3] = Math.max(acc[i][3], ((Number) r.get(4)).doubleValue());
      }
    }
    List<String> influxql = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      influxql.add(
          hosts[i] + " " + (long) acc[i][0] + " " + acc[i][1] + " " + acc[i][2] + " " + acc[i][3]);
    }
    assertEquals(influxql, duck);
  }
}
